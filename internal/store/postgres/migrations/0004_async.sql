-- Executions that outlive their request (X-Max-Wait, async endpoints): their
-- kept results, the webhook outbox with its attempts, and cancel requests.
-- Timestamps are UTC unix microseconds; the C collation orders cursors as
-- SQLite does.
CREATE TABLE execution_results (
    execution_id TEXT    COLLATE "C" PRIMARY KEY,
    status       INTEGER NOT NULL,
    header       TEXT    NOT NULL DEFAULT '{}',
    body         BYTEA,
    dropped      BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at   BIGINT  NOT NULL
);
CREATE INDEX execution_results_expiry ON execution_results (expires_at);

CREATE TABLE deliveries (
    id              TEXT    COLLATE "C" PRIMARY KEY,
    execution_id    TEXT    COLLATE "C" NOT NULL,
    environment     TEXT    COLLATE "C" NOT NULL,
    url             TEXT    NOT NULL,
    status          TEXT    COLLATE "C" NOT NULL,
    payload         BYTEA   NOT NULL,
    attempt_count   INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL,
    delivered_at    BIGINT
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_newest ON deliveries (created_at, id);
CREATE INDEX deliveries_execution ON deliveries (execution_id);

CREATE TABLE delivery_attempts (
    delivery_id TEXT             COLLATE "C" NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    n           INTEGER          NOT NULL,
    at          BIGINT           NOT NULL,
    http_status INTEGER          NOT NULL DEFAULT 0,
    error       TEXT             NOT NULL DEFAULT '',
    duration_ms DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (delivery_id, n)
);

CREATE TABLE cancel_requests (
    execution_id TEXT   COLLATE "C" PRIMARY KEY,
    requested_at BIGINT NOT NULL
);
