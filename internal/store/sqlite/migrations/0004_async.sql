-- Executions that outlive their request (X-Max-Wait, async endpoints): their
-- kept results, the webhook outbox with its attempts, and cancel requests.
-- Timestamps are UTC unix microseconds.
CREATE TABLE execution_results (
    execution_id TEXT    PRIMARY KEY,
    status       INTEGER NOT NULL,
    header       TEXT    NOT NULL DEFAULT '{}',
    body         BLOB,
    dropped      INTEGER NOT NULL DEFAULT 0,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX execution_results_expiry ON execution_results (expires_at);

CREATE TABLE deliveries (
    id              TEXT    PRIMARY KEY,
    execution_id    TEXT    NOT NULL,
    environment     TEXT    NOT NULL,
    url             TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    payload         BLOB    NOT NULL,
    attempt_count   INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER
);
-- The deliverer's claim: pending deliveries by due time.
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_newest ON deliveries (created_at, id);
CREATE INDEX deliveries_execution ON deliveries (execution_id);

CREATE TABLE delivery_attempts (
    delivery_id TEXT    NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    n           INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    http_status INTEGER NOT NULL DEFAULT 0,
    error       TEXT    NOT NULL DEFAULT '',
    duration_ms REAL    NOT NULL DEFAULT 0,
    PRIMARY KEY (delivery_id, n)
);

CREATE TABLE cancel_requests (
    execution_id TEXT    PRIMARY KEY,
    requested_at INTEGER NOT NULL
);
