-- Live aggregates: blocks of one second (resolution 1) and one minute
-- (resolution 60) per environment, API, endpoint and process, summed over
-- the runtimes that report them. start is UTC unix seconds, max_us
-- microseconds. The latency sketch's buckets are rows of their own, so that
-- adding a runtime's block is a sum in SQL.
CREATE TABLE metrics_blocks (
    environment TEXT    COLLATE "C" NOT NULL,
    resolution  BIGINT  NOT NULL,
    start       BIGINT  NOT NULL,
    api         TEXT    COLLATE "C" NOT NULL,
    endpoint    TEXT    COLLATE "C" NOT NULL,
    process     TEXT    COLLATE "C" NOT NULL,
    count       BIGINT  NOT NULL,
    errors_4xx  BIGINT  NOT NULL,
    errors_5xx  BIGINT  NOT NULL,
    max_us      BIGINT  NOT NULL,
    PRIMARY KEY (environment, resolution, start, api, endpoint, process)
);
CREATE INDEX metrics_blocks_sweep ON metrics_blocks (resolution, start);
CREATE TABLE metrics_buckets (
    environment TEXT    COLLATE "C" NOT NULL,
    resolution  BIGINT  NOT NULL,
    start       BIGINT  NOT NULL,
    api         TEXT    COLLATE "C" NOT NULL,
    endpoint    TEXT    COLLATE "C" NOT NULL,
    process     TEXT    COLLATE "C" NOT NULL,
    bucket      BIGINT  NOT NULL,
    count       BIGINT  NOT NULL,
    PRIMARY KEY (environment, resolution, start, api, endpoint, process, bucket)
);
CREATE INDEX metrics_buckets_sweep ON metrics_buckets (resolution, start);
