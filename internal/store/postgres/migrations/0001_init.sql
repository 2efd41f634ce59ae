-- Portico control-plane schema, PostgreSQL dialect. Timestamps are UTC unix
-- microseconds so that ordering is exact and both dialects share one
-- implementation; identifiers use the C collation so that keyset pagination
-- orders bytes as SQLite does.

-- The current state of each component; revision is its newest revision.
CREATE TABLE components (
    kind       TEXT    COLLATE "C" NOT NULL,
    name       TEXT    COLLATE "C" NOT NULL,
    revision   BIGINT  NOT NULL,
    deleted    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (kind, name)
);

-- Immutable revisions; content is the canonical JSON.
CREATE TABLE component_revisions (
    kind       TEXT    COLLATE "C" NOT NULL,
    name       TEXT    COLLATE "C" NOT NULL,
    revision   BIGINT  NOT NULL,
    hash       TEXT    COLLATE "C" NOT NULL,
    content    TEXT    COLLATE "C" NOT NULL,
    created_at BIGINT  NOT NULL,
    created_by TEXT    COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (kind, name, revision)
);

-- What each revision references, so that a delete finds its referrers fast.
CREATE TABLE component_refs (
    kind     TEXT    COLLATE "C" NOT NULL,
    name     TEXT    COLLATE "C" NOT NULL,
    revision BIGINT  NOT NULL,
    ref_kind TEXT    COLLATE "C" NOT NULL,
    ref_name TEXT    COLLATE "C" NOT NULL,
    PRIMARY KEY (kind, name, revision, ref_kind, ref_name),
    FOREIGN KEY (kind, name, revision) REFERENCES component_revisions (kind, name, revision)
);
CREATE INDEX component_refs_target ON component_refs (ref_kind, ref_name);

-- seq numbers packages in the order they were created (creators take an
-- advisory lock, so that it is also the order in which they commit):
-- "newest first" lists and the cursors that page through them follow it,
-- not a clock.
CREATE TABLE packages (
    seq         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          TEXT    COLLATE "C" NOT NULL UNIQUE,
    kind        TEXT    COLLATE "C" NOT NULL,
    name        TEXT    COLLATE "C" NOT NULL,
    version     TEXT    COLLATE "C" NOT NULL,
    notes       TEXT    COLLATE "C" NOT NULL DEFAULT '',
    revision    BIGINT  NOT NULL,
    base_path   TEXT    COLLATE "C" NOT NULL DEFAULT '',
    api_version TEXT    COLLATE "C" NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL,
    created_by  TEXT    COLLATE "C" NOT NULL DEFAULT '',
    UNIQUE (kind, name, version)
);
CREATE INDEX packages_root_newest ON packages (kind, name, seq);

CREATE TABLE package_contents (
    package_id TEXT    COLLATE "C" NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    position   BIGINT  NOT NULL,
    kind       TEXT    COLLATE "C" NOT NULL,
    name       TEXT    COLLATE "C" NOT NULL,
    revision   BIGINT  NOT NULL,
    hash       TEXT    COLLATE "C" NOT NULL,
    PRIMARY KEY (package_id, position),
    FOREIGN KEY (kind, name, revision) REFERENCES component_revisions (kind, name, revision)
);

CREATE TABLE environments (
    name        TEXT    COLLATE "C" PRIMARY KEY,
    description TEXT    COLLATE "C" NOT NULL DEFAULT '',
    spec        TEXT    COLLATE "C" NOT NULL,
    revision    BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

-- Every deploy, rollback and undeploy event. package_id has no foreign key
-- and version/component are copied, so that history outlives its packages;
-- it goes with its environment.
CREATE TABLE deployments (
    seq               BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                TEXT    COLLATE "C" NOT NULL UNIQUE,
    environment       TEXT    COLLATE "C" NOT NULL REFERENCES environments (name) ON DELETE CASCADE,
    package_id        TEXT    COLLATE "C" NOT NULL,
    kind              TEXT    COLLATE "C" NOT NULL,
    name              TEXT    COLLATE "C" NOT NULL,
    version           TEXT    COLLATE "C" NOT NULL,
    api_version       TEXT    COLLATE "C" NOT NULL DEFAULT '',
    action            TEXT    COLLATE "C" NOT NULL,
    active            BOOLEAN NOT NULL,
    snapshot_revision BIGINT  NOT NULL,
    created_at        BIGINT  NOT NULL,
    created_by        TEXT    COLLATE "C" NOT NULL DEFAULT ''
);
-- At most one active deployment per slot.
CREATE UNIQUE INDEX deployments_active_slot ON deployments (environment, kind, name, api_version) WHERE active;
CREATE INDEX deployments_slot_history ON deployments (environment, kind, name, api_version, seq);
CREATE INDEX deployments_package ON deployments (package_id) WHERE active;

CREATE TABLE users (
    username      TEXT    COLLATE "C" PRIMARY KEY,
    role          TEXT    COLLATE "C" NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash TEXT    COLLATE "C" NOT NULL DEFAULT '',
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);

CREATE TABLE tokens (
    id           TEXT    COLLATE "C" PRIMARY KEY,
    name         TEXT    COLLATE "C" NOT NULL DEFAULT '',
    username     TEXT    COLLATE "C" NOT NULL,
    role         TEXT    COLLATE "C" NOT NULL,
    session      BOOLEAN NOT NULL DEFAULT FALSE,
    hash         TEXT    COLLATE "C" NOT NULL UNIQUE,
    expires_at   BIGINT,
    created_at   BIGINT  NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX tokens_created ON tokens (created_at, id);
CREATE INDEX tokens_user_created ON tokens (username, created_at, id);
CREATE INDEX tokens_expires ON tokens (expires_at);
