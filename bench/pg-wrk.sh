#!/bin/bash
# GET by id through a real `portico serve` on PostgreSQL, loaded by wrk,
# against pgbench running the same SELECT on the same table: C load
# generators on both sides, same run, same machine. Prints the median rate
# of each configuration and Portico's best as a share of pgbench's best.
#   PORTICO_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' bench/pg-wrk.sh
#   COUNT=5 DURATION=20 WRK_CONNS="8 32 64" PG_CLIENTS="4 8 32" POOL=4 bench/pg-wrk.sh
#   PROFILE=1 bench/pg-wrk.sh    # then one more wrk run under perf: top costs
#   PROFILE=1 PERF_OUT=/tmp/prof bench/pg-wrk.sh   # and keep perf.data there
# Each round runs, DURATION seconds each, pgbench at every PG_CLIENTS and
# wrk at every WRK_CONNS against Portico and against bench/bareserver (a
# hand-written net/http + database/sql handler: Go's floor; BARE=0 skips
# it), alternating, so that a drift of the machine hits all sides alike.
# POOL is the connection pool of Portico's connection and of bareserver.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PORTICO_TEST_POSTGRES:?set PORTICO_TEST_POSTGRES, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
schema=${SCHEMA:-portico_bench}
count=${COUNT:-3}
duration=${DURATION:-10}
threads=${THREADS:-2}
# A pool of 4 is the best Portico does on 2 cores (8 and 16 were slower:
# more PostgreSQL backends contending for the same cores); pgbench gets
# its own best over 4, 8 and 32 clients.
pool=${POOL:-4}
read -r -a pg_clients <<<"${PG_CLIENTS:-4 8 32}"
read -r -a wrk_conns <<<"${WRK_CONNS:-8 32}"
for tool in pgbench wrk psql curl go; do
	command -v "$tool" >/dev/null || { echo "$tool not found (Debian: apt-get install -y wrk postgresql-client curl)" >&2; exit 1; }
done

dir=$(mktemp -d)
server=
bare=
cleanup() {
	for p in $server $bare; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	psql "$PORTICO_TEST_POSTGRES" -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "seeding $schema.customers (10000 rows)"
psql "$PORTICO_TEST_POSTGRES" -q -v ON_ERROR_STOP=1 -v schema="$schema" -f bench/pg-seed.sql >/dev/null

echo "building portico"
go build -o "$dir/portico" ./cmd/portico
[ "${BARE:-1}" = 1 ] && go build -o "$dir/bareserver" ./bench/bareserver

# The CLI keeps its session token under XDG_CONFIG_HOME: a directory of
# this run's own, so that the user's login is left alone.
export XDG_CONFIG_HOME="$dir/config"
export PORTICO_ADMIN_PASSWORD="bench-$$-$RANDOM-$RANDOM"
"$dir/portico" serve --listen 127.0.0.1:0 --gateway-listen 127.0.0.1:0 --data "$dir/data" --log-level warn \
	>"$dir/serve.out" 2>"$dir/serve.err" &
server=$!
for _ in $(seq 100); do
	grep -q 'runtime (environment dev) listening on' "$dir/serve.out" 2>/dev/null && break
	kill -0 "$server" 2>/dev/null || { cat "$dir/serve.err" >&2; exit 1; }
	sleep 0.1
done
control=$(awk '/control plane listening on/ {print $NF; exit}' "$dir/serve.out")
gateway=$(awk '/runtime \(environment dev\) listening on/ {print $NF; exit}' "$dir/serve.out")
[ -n "$control" ] && [ -n "$gateway" ] || { echo "portico serve printed no addresses:" >&2; cat "$dir/serve.out" "$dir/serve.err" >&2; exit 1; }
export PORTICO_SERVER=$control
echo "portico serve: control plane $control, runtime $gateway (pid $server)"

case $PORTICO_TEST_POSTGRES in
*\?*) dsn="$PORTICO_TEST_POSTGRES&search_path=$schema" ;;
*) dsn="$PORTICO_TEST_POSTGRES?search_path=$schema" ;;
esac
# pg_test.go's API, as a user would write it: one low-latency process
# running the SELECT pgbench runs.
cat >"$dir/bench.yaml" <<YAML
kind: Connection
name: benchdb
spec:
  type: database
  database: {driver: postgres, dsn: "$dsn", maxOpenConns: $pool, maxIdleConns: $pool}
---
kind: Process
name: getCustomer
spec:
  mode: low-latency
  steps:
    - query:
        connection: benchdb
        sql: SELECT id, name, email, country FROM customers WHERE id = :id
        params: {id: '\$props.param_id | tonumber'}
    - return: {}
---
kind: API
name: bench
spec:
  basePath: bench
  version: v1
  endpoints:
    - {method: GET, path: "/customers/{id}", process: getCustomer}
YAML
portico() { "$dir/portico" "$@"; }
printf '%s\n' "$PORTICO_ADMIN_PASSWORD" | portico login --username admin --password-stdin >/dev/null
portico apply -f "$dir/bench.yaml"
portico package bench --version 1.0.0 >/dev/null
portico deploy bench@1.0.0 --env dev

url="$gateway/ws/rest/bench/v1/customers/"
body=
for _ in $(seq 100); do
	body=$(curl -fsS "${url}42" 2>/dev/null) && break
	sleep 0.1
done
case $body in
*'"id":42'*'"name":"Customer 42"'*) ;;
*) echo "GET ${url}42 answered '$body'; /readyz: $(curl -sS "$gateway/readyz")" >&2; exit 1 ;;
esac
echo "runtime ready: $(curl -sS "$gateway/readyz")"
echo "GET ${url}42 -> $body"

if [ "${BARE:-1}" = 1 ]; then
	"$dir/bareserver" -dsn "$dsn" -pool "$pool" >"$dir/bare.out" 2>"$dir/bare.err" &
	bare=$!
	for _ in $(seq 100); do
		grep -q 'listening on' "$dir/bare.out" 2>/dev/null && break
		kill -0 "$bare" 2>/dev/null || { cat "$dir/bare.err" >&2; exit 1; }
		sleep 0.1
	done
	bareurl=$(awk '/listening on/ {print $NF; exit}' "$dir/bare.out")
	body=$(curl -fsS "$bareurl/customers/42")
	case $body in
	*'"id":42'*'"name":"Customer 42"'*) echo "bareserver $bareurl: GET /customers/42 -> $body" ;;
	*) echo "bareserver answered '$body'" >&2; exit 1 ;;
	esac
fi

cat >"$dir/select.sql" <<'SQL'
\set id random(1, 10000)
SELECT id, name, email, country FROM customers WHERE id = :id;
SQL
# One Lua state per wrk thread: each seeds its own generator and formats
# its requests once, in init, so that the load generator spends its time
# on the wire rather than in Lua (pgbench pays nothing alike).
lua() {
	cat <<LUA
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end
local reqs = {}
function init(args)
  math.randomseed(os.time() * 1000 + seed)
  for i = 1, 10000 do
    reqs[i] = wrk.format(nil, "$1" .. i)
  end
end
request = function()
  return reqs[math.random(1, 10000)]
end
LUA
}
lua /ws/rest/bench/v1/customers/ >"$dir/random.lua"
lua /customers/ >"$dir/bare.lua"

echo
echo "pgbench: PGOPTIONS='-c search_path=$schema' pgbench -n -c {${pg_clients[*]}} -j $threads -T $duration -f select.sql \"\$PORTICO_TEST_POSTGRES\""
echo "portico: wrk -t$threads -c{${wrk_conns[*]}} -d${duration}s -s random.lua $gateway   (pool $pool)"
[ -n "$bare" ] && echo "bare:    wrk -t$threads -c{${wrk_conns[*]}} -d${duration}s -s bare.lua $bareurl   (pool $pool)"
results="$dir/results"
: >"$results"
run_pgbench() {
	local c=$1 out tps
	out=$(PGOPTIONS="-c search_path=$schema" pgbench -n -c "$c" -j "$threads" -T "$duration" -f "$dir/select.sql" "$PORTICO_TEST_POSTGRES" 2>&1)
	tps=$(awk '/^tps = / {print $3}' <<<"$out")
	[ -n "$tps" ] || { echo "$out" >&2; exit 1; }
	grep -q '^number of failed transactions: 0 ' <<<"$out" || ! grep -q '^number of failed transactions' <<<"$out" || { echo "$out" >&2; exit 1; }
	echo "pgbench $c $tps" >>"$results"
	printf '  pgbench -c %-3s %10.0f tps   latency %s ms\n' "$c" "$tps" "$(awk '/^latency average/ {print $4}' <<<"$out")"
}
run_wrk() {
	local side=$1 c=$2 script=$3 target=$4 out rps
	out=$(wrk -t"$threads" -c"$c" -d"${duration}s" --latency -s "$script" "$target")
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	if [ -z "$rps" ] || grep -q -e 'Non-2xx' -e 'Socket errors' <<<"$out"; then
		echo "wrk -c$c against $side: failed requests:" >&2
		echo "$out" >&2
		exit 1
	fi
	echo "$side $c $rps" >>"$results"
	printf '  %-7s -c %-3s %10.0f req/s p50 %s p99 %s\n' "$side" "$c" "$rps" \
		"$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")"
}
for i in $(seq "$count"); do
	echo "round $i/$count"
	n=${#pg_clients[@]}
	[ "${#wrk_conns[@]}" -gt "$n" ] && n=${#wrk_conns[@]}
	for ((k = 0; k < n; k++)); do
		[ "$k" -lt "${#pg_clients[@]}" ] && run_pgbench "${pg_clients[$k]}"
		if [ "$k" -lt "${#wrk_conns[@]}" ]; then
			run_wrk portico "${wrk_conns[$k]}" "$dir/random.lua" "$gateway"
			[ -z "$bare" ] || run_wrk bare "${wrk_conns[$k]}" "$dir/bare.lua" "$bareurl"
		fi
	done
done

echo
awk -v count="$count" -v pool="$pool" -v bestfile="$dir/best" '
function median(key,    k, i, j, x, a) {
	k = n[key]
	for (i = 1; i <= k; i++) a[i] = v[key, i] + 0
	for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
	return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
{ key = $1 " " $2; if (!(key in n)) order[++keys] = key; v[key, ++n[key]] = $3 }
END {
	printf "%-9s %-12s %12s  %s\n", "side", "clients", "median/s", "runs"
	for (q = 1; q <= keys; q++) {
		key = order[q]; split(key, f, " ")
		m[key] = median(key)
		runs = ""
		for (i = 1; i <= n[key]; i++) runs = runs sprintf(" %.0f", v[key, i])
		label = (f[1] == "pgbench") ? "-c " f[2] : "wrk -c " f[2]
		printf "%-9s %-12s %12.0f  %s\n", f[1], label, m[key], runs
		if (m[key] > best[f[1]]) { best[f[1]] = m[key]; at[f[1]] = f[2] }
	}
	print ""
	printf "pgbench at its best (-c %s):      %8.0f tps\n", at["pgbench"], best["pgbench"]
	printf "Portico at its best (wrk -c %s):  %8.0f req/s (pool %s)\n", at["portico"], best["portico"], pool
	if ("bare" in best)
		printf "bare Go at its best (wrk -c %s):  %8.0f req/s (pool %s)\n", at["bare"], best["bare"], pool
	printf "Portico / pgbench, best vs best: %.2f (target >= 0.5)\n", best["portico"] / best["pgbench"]
	if ("bare" in best) {
		printf "bare Go / pgbench, best vs best: %.2f\n", best["bare"] / best["pgbench"]
		printf "Portico / bare Go, best vs best: %.2f\n", best["portico"] / best["bare"]
	}
	print at["portico"] > bestfile
	for (q = 1; q <= keys; q++) {
		key = order[q]; split(key, f, " ")
		if (f[1] == "portico" && (("pgbench " f[2]) in m))
			printf "Portico / pgbench at %s clients:  %.2f\n", f[2], m[key] / m["pgbench " f[2]]
	}
}' "$results" | tee "$dir/summary"

if [ "${PROFILE:-}" = 1 ]; then
	command -v perf >/dev/null || { echo "PROFILE=1 needs perf (Debian: linux-perf)" >&2; exit 1; }
	best=$(cat "$dir/best")
	set +o pipefail # head closes perf report's output early
	echo
	echo "profile: wrk -c$best for ${duration}s, perf record -a -g (this run is not counted)"
	wrk -t"$threads" -c"$best" -d"${duration}s" -s "$dir/random.lua" "$gateway" >/dev/null &
	load=$!
	sleep 1
	perf record -q -a -g -F 499 -o "$dir/perf.data" -- sleep "$((duration - 2))" 2>/dev/null
	wait "$load"
	echo "CPU by process (share of all samples, both cores):"
	perf report -i "$dir/perf.data" --no-children --sort comm --stdio -g none 2>/dev/null | grep '%' | grep -v '^#' | head -8
	echo "portico, inclusive (children) share of its own samples, top 45:"
	perf report -i "$dir/perf.data" --children --comms portico --percentage relative --sort symbol --stdio -g none 2>/dev/null |
		grep '%' | grep -v '^#' | head -45 | cut -c1-130
	echo "portico, self share of its own samples, top 25:"
	perf report -i "$dir/perf.data" --no-children --comms portico --percentage relative --sort symbol --stdio -g none 2>/dev/null |
		grep '%' | grep -v '^#' | head -25 | cut -c1-120
	if [ -n "${PERF_OUT:-}" ]; then
		mkdir -p "$PERF_OUT"
		cp "$dir/perf.data" "$dir/portico" "$PERF_OUT/"
		echo "perf data and binary kept in $PERF_OUT: perf report -i $PERF_OUT/perf.data --comms portico"
	fi
fi
