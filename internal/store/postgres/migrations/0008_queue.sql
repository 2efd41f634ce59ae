-- The durable queue of the requests async endpoints accepted, which the
-- runtimes of their environment claim under a lease (FOR UPDATE SKIP
-- LOCKED). Times are UTC unix microseconds; claimed_by is '' while
-- unclaimed.
CREATE TABLE execution_queue (
    id          TEXT   COLLATE "C" PRIMARY KEY,
    environment TEXT   COLLATE "C" NOT NULL,
    request     BYTEA  NOT NULL,
    enqueued_at BIGINT NOT NULL,
    claimed_by  TEXT   COLLATE "C" NOT NULL DEFAULT '',
    lease_until BIGINT NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX execution_queue_claim ON execution_queue (environment, lease_until, enqueued_at);
