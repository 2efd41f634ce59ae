-- Plans, applications, their API keys and subscriptions (traffic control).
-- They are global: a change bumps every environment's snapshot revision.
-- spec holds a plan's JSON PlanSpec; keys keep only the SHA-256 of the clear key.
CREATE TABLE plans (
    name        TEXT    PRIMARY KEY,
    description TEXT    NOT NULL DEFAULT '',
    spec        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE applications (
    name        TEXT    PRIMARY KEY,
    description TEXT    NOT NULL DEFAULT '',
    owner       TEXT    NOT NULL DEFAULT '',
    contact     TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL DEFAULT 'active',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE application_keys (
    id          TEXT    PRIMARY KEY,
    application TEXT    NOT NULL REFERENCES applications (name) ON DELETE CASCADE,
    prefix      TEXT    NOT NULL,
    hash        TEXT    NOT NULL UNIQUE,
    status      TEXT    NOT NULL DEFAULT 'active',
    expires_at  INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX application_keys_app ON application_keys (application, created_at, id);

-- version '' covers every version of the API.
CREATE TABLE subscriptions (
    application TEXT    NOT NULL REFERENCES applications (name) ON DELETE CASCADE,
    api         TEXT    NOT NULL,
    api_version TEXT    NOT NULL DEFAULT '',
    plan        TEXT    NOT NULL REFERENCES plans (name),
    position    INTEGER NOT NULL,
    PRIMARY KEY (application, api, api_version)
);
CREATE INDEX subscriptions_plan ON subscriptions (plan);
