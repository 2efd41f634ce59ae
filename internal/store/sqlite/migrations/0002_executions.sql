-- Execution records that runtimes report in batches. Timestamps are UTC unix
-- microseconds; input and output hold JSON arrays of documents (NULL when
-- the runtime sent none). Lists go newest first by (started_at, id).
CREATE TABLE executions (
    id           TEXT    PRIMARY KEY,
    environment  TEXT    NOT NULL,
    runtime      TEXT    NOT NULL DEFAULT '',
    process      TEXT    NOT NULL DEFAULT '',
    api          TEXT    NOT NULL DEFAULT '',
    api_version  TEXT    NOT NULL DEFAULT '',
    endpoint     TEXT    NOT NULL DEFAULT '',
    trigger_kind TEXT    NOT NULL DEFAULT '',
    mode         TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL,
    http_status  INTEGER NOT NULL DEFAULT 0,
    error        TEXT    NOT NULL DEFAULT '',
    username     TEXT    NOT NULL DEFAULT '',
    started_at   INTEGER NOT NULL,
    ended_at     INTEGER,
    duration_ms  REAL    NOT NULL DEFAULT 0,
    input_docs   INTEGER NOT NULL DEFAULT 0,
    output_docs  INTEGER NOT NULL DEFAULT 0,
    input        TEXT,
    output       TEXT,
    truncated    INTEGER NOT NULL DEFAULT 0
);
-- The unfiltered list and the retention sweep.
CREATE INDEX executions_newest ON executions (started_at, id);
-- One per filter of the list; each also orders by the list's key.
CREATE INDEX executions_env ON executions (environment, started_at, id);
CREATE INDEX executions_process ON executions (process, started_at, id);
CREATE INDEX executions_api ON executions (api, started_at, id);
CREATE INDEX executions_status ON executions (status, started_at, id);
