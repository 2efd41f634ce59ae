-- The customers table of the PostgreSQL benchmarks (pg.sh, pg-wrk.sh), in
-- the schema named by psql's variable schema:
--   psql "$DSN" -v ON_ERROR_STOP=1 -v schema=portico_bench -f bench/pg-seed.sql
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS :"schema" CASCADE;
CREATE SCHEMA :"schema";
CREATE TABLE :"schema".customers (id integer PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE, country char(2));
INSERT INTO :"schema".customers
  SELECT i, 'Customer ' || i, 'c' || i || '@example.com', (ARRAY['GB','US','FR','DE','FI'])[i % 5 + 1]
  FROM generate_series(1, 10000) i;
ANALYZE :"schema".customers;
