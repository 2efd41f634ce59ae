-- API users (consumers) and the audit log of platform changes, with the C
-- collation so that cursors order bytes as SQLite does.

-- content is the consumer's JSON (credentials hashed); all_environments is
-- set when it lists no environment, and consumer_environments lists them
-- otherwise, so that a snapshot finds its consumers by index.
CREATE TABLE consumers (
    name             TEXT    COLLATE "C" PRIMARY KEY,
    all_environments BOOLEAN NOT NULL,
    content          TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
CREATE INDEX consumers_all ON consumers (name) WHERE all_environments;

CREATE TABLE consumer_environments (
    environment TEXT COLLATE "C" NOT NULL,
    consumer    TEXT COLLATE "C" NOT NULL REFERENCES consumers (name) ON DELETE CASCADE,
    PRIMARY KEY (environment, consumer)
);
CREATE INDEX consumer_environments_consumer ON consumer_environments (consumer);

-- seq orders the log (newest first) and pages through it.
CREATE TABLE audit (
    seq        BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         BIGINT  NOT NULL,
    username   TEXT    COLLATE "C" NOT NULL,
    address    TEXT    NOT NULL DEFAULT '',
    action     TEXT    COLLATE "C" NOT NULL,
    kind       TEXT    COLLATE "C" NOT NULL,
    name       TEXT    COLLATE "C" NOT NULL,
    details    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_user ON audit (username, seq);
CREATE INDEX audit_target ON audit (kind, name, seq);
CREATE INDEX audit_at ON audit (at);
