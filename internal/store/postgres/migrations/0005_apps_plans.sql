-- PostgreSQL dialect. Plans, applications, their API keys and subscriptions (traffic control).
-- They are global: a change bumps every environment's snapshot revision.
-- spec holds a plan's JSON PlanSpec; keys keep only the SHA-256 of the clear key.
CREATE TABLE plans (
    name        TEXT    COLLATE "C" PRIMARY KEY,
    description TEXT    COLLATE "C" NOT NULL DEFAULT '',
    spec        TEXT    COLLATE "C" NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE applications (
    name        TEXT    COLLATE "C" PRIMARY KEY,
    description TEXT    COLLATE "C" NOT NULL DEFAULT '',
    owner       TEXT    COLLATE "C" NOT NULL DEFAULT '',
    contact     TEXT    COLLATE "C" NOT NULL DEFAULT '',
    status      TEXT    COLLATE "C" NOT NULL DEFAULT 'active',
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE application_keys (
    id          TEXT    COLLATE "C" PRIMARY KEY,
    application TEXT    COLLATE "C" NOT NULL REFERENCES applications (name) ON DELETE CASCADE,
    prefix      TEXT    COLLATE "C" NOT NULL,
    hash        TEXT    COLLATE "C" NOT NULL UNIQUE,
    status      TEXT    COLLATE "C" NOT NULL DEFAULT 'active',
    expires_at  BIGINT,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX application_keys_app ON application_keys (application, created_at, id);

-- version '' covers every version of the API.
CREATE TABLE subscriptions (
    application TEXT    COLLATE "C" NOT NULL REFERENCES applications (name) ON DELETE CASCADE,
    api         TEXT    COLLATE "C" NOT NULL,
    api_version TEXT    COLLATE "C" NOT NULL DEFAULT '',
    plan        TEXT    COLLATE "C" NOT NULL REFERENCES plans (name),
    position    BIGINT  NOT NULL,
    PRIMARY KEY (application, api, api_version)
);
CREATE INDEX subscriptions_plan ON subscriptions (plan);
