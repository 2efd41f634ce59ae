-- The durable queue of the requests async endpoints accepted, which the
-- runtimes of their environment claim under a lease. Times are UTC unix
-- microseconds; claimed_by is '' while unclaimed.
CREATE TABLE execution_queue (
    id          TEXT    PRIMARY KEY,
    environment TEXT    NOT NULL,
    request     BLOB    NOT NULL,
    enqueued_at INTEGER NOT NULL,
    claimed_by  TEXT    NOT NULL DEFAULT '',
    lease_until INTEGER NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0
);
-- The claim: the oldest claimable item of an environment.
CREATE INDEX execution_queue_claim ON execution_queue (environment, lease_until, enqueued_at);
