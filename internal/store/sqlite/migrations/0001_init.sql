-- Portico control-plane schema, SQLite dialect. Timestamps are UTC unix
-- microseconds so that ordering is exact; booleans are 0/1.

-- The current state of each component; revision is its newest revision.
CREATE TABLE components (
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    revision   INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, name)
);

-- Immutable revisions; content is the canonical JSON.
CREATE TABLE component_revisions (
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    revision   INTEGER NOT NULL,
    hash       TEXT    NOT NULL,
    content    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (kind, name, revision)
);

-- What each revision references, so that a delete finds its referrers fast.
CREATE TABLE component_refs (
    kind     TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    revision INTEGER NOT NULL,
    ref_kind TEXT    NOT NULL,
    ref_name TEXT    NOT NULL,
    PRIMARY KEY (kind, name, revision, ref_kind, ref_name),
    FOREIGN KEY (kind, name, revision) REFERENCES component_revisions (kind, name, revision)
);
CREATE INDEX component_refs_target ON component_refs (ref_kind, ref_name);

-- seq numbers packages in the order they were created: "newest first"
-- lists and the cursors that page through them follow it, not a clock.
CREATE TABLE packages (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    version     TEXT    NOT NULL,
    notes       TEXT    NOT NULL DEFAULT '',
    revision    INTEGER NOT NULL,
    base_path   TEXT    NOT NULL DEFAULT '',
    api_version TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    created_by  TEXT    NOT NULL DEFAULT '',
    UNIQUE (kind, name, version)
);
CREATE INDEX packages_root_newest ON packages (kind, name, seq);

CREATE TABLE package_contents (
    package_id TEXT    NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    revision   INTEGER NOT NULL,
    hash       TEXT    NOT NULL,
    PRIMARY KEY (package_id, position),
    FOREIGN KEY (kind, name, revision) REFERENCES component_revisions (kind, name, revision)
);

CREATE TABLE environments (
    name        TEXT    PRIMARY KEY,
    description TEXT    NOT NULL DEFAULT '',
    spec        TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- Every deploy, rollback and undeploy event. package_id has no foreign key
-- and version/component are copied, so that history outlives its packages;
-- it goes with its environment.
CREATE TABLE deployments (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    id                TEXT    NOT NULL UNIQUE,
    environment       TEXT    NOT NULL REFERENCES environments (name) ON DELETE CASCADE,
    package_id        TEXT    NOT NULL,
    kind              TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    version           TEXT    NOT NULL,
    api_version       TEXT    NOT NULL DEFAULT '',
    action            TEXT    NOT NULL,
    active            INTEGER NOT NULL,
    snapshot_revision INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    created_by        TEXT    NOT NULL DEFAULT ''
);
-- At most one active deployment per slot.
CREATE UNIQUE INDEX deployments_active_slot ON deployments (environment, kind, name, api_version) WHERE active;
CREATE INDEX deployments_slot_history ON deployments (environment, kind, name, api_version, seq);
CREATE INDEX deployments_package ON deployments (package_id) WHERE active;

CREATE TABLE users (
    username      TEXT    PRIMARY KEY,
    role          TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE tokens (
    id           TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL DEFAULT '',
    username     TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    session      INTEGER NOT NULL DEFAULT 0,
    hash         TEXT    NOT NULL UNIQUE,
    expires_at   INTEGER,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX tokens_created ON tokens (created_at, id);
CREATE INDEX tokens_user_created ON tokens (username, created_at, id);
CREATE INDEX tokens_expires ON tokens (expires_at);
