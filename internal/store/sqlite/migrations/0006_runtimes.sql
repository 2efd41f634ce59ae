-- Runtime processes as their heartbeats describe them. Times are UTC unix
-- microseconds.
CREATE TABLE runtimes (
    id          TEXT    PRIMARY KEY,
    environment TEXT    NOT NULL,
    address     TEXT    NOT NULL DEFAULT '',
    version     TEXT    NOT NULL DEFAULT '',
    revision    INTEGER NOT NULL DEFAULT 0,
    ready       INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT    NOT NULL DEFAULT '',
    started_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL
);
CREATE INDEX runtimes_environment ON runtimes (environment, last_seen);
