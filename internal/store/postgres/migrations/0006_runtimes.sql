-- Runtime processes as their heartbeats describe them. Times are UTC unix
-- microseconds.
CREATE TABLE runtimes (
    id          TEXT    COLLATE "C" PRIMARY KEY,
    environment TEXT    COLLATE "C" NOT NULL,
    address     TEXT    NOT NULL DEFAULT '',
    version     TEXT    NOT NULL DEFAULT '',
    revision    BIGINT  NOT NULL DEFAULT 0,
    ready       BOOLEAN NOT NULL DEFAULT FALSE,
    last_error  TEXT    NOT NULL DEFAULT '',
    started_at  BIGINT  NOT NULL,
    last_seen   BIGINT  NOT NULL
);
CREATE INDEX runtimes_environment ON runtimes (environment, last_seen);

-- Every change of an environment's snapshot revision is announced to every
-- control plane listening, so that their snapshot long-polls wake at once.
CREATE FUNCTION portico_environment_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('portico_environments', NEW.name);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER environments_revision_changed
    AFTER INSERT OR UPDATE OF revision ON environments
    FOR EACH ROW EXECUTE FUNCTION portico_environment_changed();
