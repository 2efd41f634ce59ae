-- Execution records that runtimes report in batches. Timestamps are UTC unix
-- microseconds; input and output hold JSON arrays of documents (NULL when
-- the runtime sent none). Lists go newest first by (started_at, id), with
-- the C collation so that cursors order bytes as SQLite does.
CREATE TABLE executions (
    id           TEXT             COLLATE "C" PRIMARY KEY,
    environment  TEXT             COLLATE "C" NOT NULL,
    runtime      TEXT             COLLATE "C" NOT NULL DEFAULT '',
    process      TEXT             COLLATE "C" NOT NULL DEFAULT '',
    api          TEXT             COLLATE "C" NOT NULL DEFAULT '',
    api_version  TEXT             COLLATE "C" NOT NULL DEFAULT '',
    endpoint     TEXT             COLLATE "C" NOT NULL DEFAULT '',
    trigger_kind TEXT             COLLATE "C" NOT NULL DEFAULT '',
    mode         TEXT             COLLATE "C" NOT NULL DEFAULT '',
    status       TEXT             COLLATE "C" NOT NULL,
    http_status  INTEGER          NOT NULL DEFAULT 0,
    error        TEXT             NOT NULL DEFAULT '',
    username     TEXT             COLLATE "C" NOT NULL DEFAULT '',
    started_at   BIGINT           NOT NULL,
    ended_at     BIGINT,
    duration_ms  DOUBLE PRECISION NOT NULL DEFAULT 0,
    input_docs   INTEGER          NOT NULL DEFAULT 0,
    output_docs  INTEGER          NOT NULL DEFAULT 0,
    input        JSONB,
    output       JSONB,
    truncated    BOOLEAN          NOT NULL DEFAULT FALSE
);
-- The unfiltered list and the retention sweep.
CREATE INDEX executions_newest ON executions (started_at, id);
-- One per filter of the list; each also orders by the list's key.
CREATE INDEX executions_env ON executions (environment, started_at, id);
CREATE INDEX executions_process ON executions (process, started_at, id);
CREATE INDEX executions_api ON executions (api, started_at, id);
CREATE INDEX executions_status ON executions (status, started_at, id);
