#!/bin/sh
# GET by id through Portico on PostgreSQL against pgbench running the same
# SELECT on the same table, in the same run: prints both rates (medians)
# and Portico's as a share of pgbench's.
#   PORTICO_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' bench/pg.sh
#   COUNT=5 DURATION=20 bench/pg.sh
# Each round runs pgbench, then the Go benchmarks, for DURATION seconds each,
# with CLIENTS concurrent clients (pgbench -c; the benchmarks' goroutines
# and connection pool are fixed at 8 in pg_test.go).
set -eu
cd "$(dirname "$0")/.."
: "${PORTICO_TEST_POSTGRES:?set PORTICO_TEST_POSTGRES, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
schema=${SCHEMA:-portico_bench}
count=${COUNT:-3}
duration=${DURATION:-10}
clients=8
threads=${THREADS:-2}
command -v pgbench >/dev/null || { echo "pgbench not found (Debian: postgresql-client or the server package)" >&2; exit 1; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"; psql "$PORTICO_TEST_POSTGRES" -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true' EXIT

echo "seeding $schema.customers (10000 rows)"
psql "$PORTICO_TEST_POSTGRES" -q -v ON_ERROR_STOP=1 -v schema="$schema" -f bench/pg-seed.sql >/dev/null

cat >"$dir/select.sql" <<'SQL'
\set id random(1, 10000)
SELECT id, name, email, country FROM customers WHERE id = :id;
SQL

# pgbench and the benchmarks both find the table through search_path.
pgcmd="PGOPTIONS='-c search_path=$schema' pgbench -n -c $clients -j $threads -T $duration -f select.sql \"\$PORTICO_TEST_POSTGRES\""
gocmd="PORTICO_BENCH_PG_SCHEMA=$schema go test -run x -bench Postgres -benchtime ${duration}s ./bench/"
echo "pgbench: $pgcmd"
echo "portico: $gocmd"
go test -c -o "$dir/bench.test" ./bench/
for i in $(seq "$count"); do
	PGOPTIONS="-c search_path=$schema" pgbench -n -c "$clients" -j "$threads" -T "$duration" -f "$dir/select.sql" "$PORTICO_TEST_POSTGRES" 2>&1 |
		tee -a "$dir/pgbench.out" | grep '^tps'
	(cd bench && PORTICO_BENCH_PG_SCHEMA=$schema "$dir/bench.test" -test.run x -test.bench Postgres -test.benchtime "${duration}s" -test.benchmem) |
		tee -a "$dir/go.out" | grep '^Benchmark'
done
echo
awk -v count="$count" '
function median(name,    k, i, j, x) {
	k = n[name]
	for (i = 1; i <= k; i++) a[i] = v[name, i] + 0
	for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
	return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
/^tps = / { v["pgbench", ++n["pgbench"]] = $3 }
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 2; i <= NF; i++) if ($i == "req/s") v[name, ++n[name]] = $(i - 1)
}
END {
	pg = median("pgbench")
	printf "%-30s median %8.0f tps   over %d runs\n", "pgbench", pg, n["pgbench"]
	for (name in n) if (name != "pgbench") {
		m[name] = median(name)
		printf "%-30s median %8.0f req/s over %d runs\n", name, m[name], n[name]
	}
	if (pg > 0) {
		printf "Portico / pgbench:        %.2f (target >= 0.5)\n", m["BenchmarkPorticoRESTPostgres"] / pg
		printf "bare net/http / pgbench:  %.2f\n", m["BenchmarkBareNetHTTPPostgres"] / pg
		printf "Portico / bare net/http:  %.2f\n", m["BenchmarkPorticoRESTPostgres"] / m["BenchmarkBareNetHTTPPostgres"]
	}
}' "$dir/pgbench.out" "$dir/go.out"
