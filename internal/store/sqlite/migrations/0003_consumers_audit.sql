-- API users (consumers) and the audit log of platform changes.

-- content is the consumer's JSON (credentials hashed); all_environments is
-- set when it lists no environment, and consumer_environments lists them
-- otherwise, so that a snapshot finds its consumers by index.
CREATE TABLE consumers (
    name             TEXT    PRIMARY KEY,
    all_environments INTEGER NOT NULL,
    content          TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX consumers_all ON consumers (name) WHERE all_environments;

CREATE TABLE consumer_environments (
    environment TEXT NOT NULL,
    consumer    TEXT NOT NULL REFERENCES consumers (name) ON DELETE CASCADE,
    PRIMARY KEY (environment, consumer)
);
CREATE INDEX consumer_environments_consumer ON consumer_environments (consumer);

-- seq orders the log (newest first) and pages through it.
CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    username   TEXT    NOT NULL,
    address    TEXT    NOT NULL DEFAULT '',
    action     TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    details    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_user ON audit (username, seq);
CREATE INDEX audit_target ON audit (kind, name, seq);
CREATE INDEX audit_at ON audit (at);
