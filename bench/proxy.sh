#!/bin/bash
# The peer comparison of the API proxy: starts `portico serve` with a proxy
# to the peers' origin (127.0.0.1:18080) and runs the shared harness
# (shared/bench/peers/run.sh: direct origin, nginx, Caddy, HAProxy) with
# Portico as one more row, all in one run.
#   bench/proxy.sh [seconds] [connections]         # defaults 5 and 32
#   PEERS=/path/to/peers/run.sh bench/proxy.sh 10 32
#   POLICIES=1 bench/proxy.sh 5 32   # then nginx, the plain proxy and the
#       same proxy behind an API key and a plan's rate limit, one more round
#   POLICIES=1 ROUNDS=7 bench/proxy.sh 5 32   # that round 7 times, interleaved,
#       and the median ratios
# The policies round also prints, for each row, the CPU time per request
# (user + system, from /proc) of the proxy and of the origin: both share
# core 0, so requests/s is about 1 / (proxy + origin), and these numbers
# move far less between rounds than requests/s do. Its go-floor+fields row
# is go-floor adding the five fields Portico adds to each request
# (X-Forwarded-*, X-Request-Id): what they cost the origin. Its
# nginx+fields rows are nginx doing what Portico does
# (bench/nginx-fields.conf: the same five fields; then an API key and a
# rate limit), the like-for-like peer.
# Portico is pinned to core 0 like the origin and the peers (taskset), so
# that each proxy gets the same single core and wrk keeps core 1. The row
# go-floor is bench/floorproxy: a featureless Go proxy, what Go's runtime
# and the kernel cost before Portico adds anything.
# Needs: go, curl, taskset, and what run.sh needs
# (apt-get install -y wrk nginx-light caddy haproxy).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
peers=${PEERS:-}
if [ -z "$peers" ]; then
	for p in ../shared/bench/peers/run.sh ../../shared/bench/peers/run.sh; do
		[ -x "$p" ] && peers=$(cd "$(dirname "$p")" && pwd)/run.sh && break
	done
fi
[ -n "$peers" ] && [ -x "$peers" ] || { echo "the peers harness was not found; set PEERS=/path/to/shared/bench/peers/run.sh" >&2; exit 1; }
for tool in wrk nginx caddy haproxy curl taskset go; do
	command -v "$tool" >/dev/null || { echo "$tool not found (Debian: apt-get install -y wrk nginx-light caddy haproxy curl util-linux)" >&2; exit 1; }
done

dir=$(mktemp -d)
server=
floor=
floorfields=
cleanup() {
	for p in $server $floor $floorfields; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "building portico"
go build -o "$dir/portico" ./cmd/portico
go build -o "$dir/floorproxy" ./bench/floorproxy

export XDG_CONFIG_HOME="$dir/config"
export PORTICO_ADMIN_PASSWORD="bench-$$-$RANDOM-$RANDOM"
taskset -c 0 "$dir/portico" serve --listen 127.0.0.1:0 --gateway-listen 127.0.0.1:0 --data "$dir/data" --log-level warn \
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

cat >"$dir/bench.yaml" <<'YAML'
kind: Proxy
name: bench
spec:
  basePath: bench
  version: v1
  targets:
    - url: http://127.0.0.1:18080
YAML
portico() { "$dir/portico" "$@"; }
printf '%s\n' "$PORTICO_ADMIN_PASSWORD" | portico login --username admin --password-stdin >/dev/null
portico apply -f "$dir/bench.yaml" >/dev/null
portico package bench --version 1.0.0 >/dev/null
portico deploy bench@1.0.0 --env dev >/dev/null
url="$gateway/ws/proxy/bench/v1/"
for _ in $(seq 100); do
	code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
	# 502 until the harness starts the origin: the route is live.
	[ "$code" = 502 ] || [ "$code" = 200 ] && break
	sleep 0.1
done
# startfloor NAME ARGS...: starts bench/floorproxy pinned to core 0 with
# ARGS, its output in $dir/NAME.out; sets started_pid and started_url.
startfloor() {
	local name=$1
	shift
	taskset -c 0 "$dir/floorproxy" -upstream 127.0.0.1:18080 "$@" >"$dir/$name.out" 2>&1 &
	started_pid=$!
	for _ in $(seq 50); do
		grep -q 'listening on' "$dir/$name.out" 2>/dev/null && break
		sleep 0.1
	done
	started_url=$(awk '/listening on/ {print $NF; exit}' "$dir/$name.out")/
}
# Go's floor (bench/floorproxy): the least a Go proxy does per request;
# then the same adding the fields Portico adds to each request.
startfloor floor
floor=$started_pid floorurl=$started_url
startfloor floorfields -forwarded
floorfields=$started_pid floorfieldsurl=$started_url
echo "portico: proxy bench v1 at $url (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
EXTRA="portico=$url go-floor=$floorurl ${EXTRA:-}" "$peers" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

[ "${POLICIES:-}" = 1 ] || exit 0
# The same proxy behind an application's API key and a plan's rate limit
# (high enough never to refuse: the check is what is measured), metrics on
# as always. The harness's rows cannot send a header, so this round starts
# the origin and nginx again with the harness's own files and loads all
# three rows with the same wrk, pinned the same way.
secs=${1:-5} conns=${2:-32}
cat >"$dir/keyed.yaml" <<'YAML'
kind: Proxy
name: benchkey
spec:
  basePath: benchkey
  version: v1
  targets:
    - url: http://127.0.0.1:18080
---
kind: Plan
name: benchplan
spec:
  rate: {requests: 1000000, per: second}
---
kind: Application
name: benchapp
spec:
  owner: bench
  subscriptions:
    - {api: benchkey, plan: benchplan}
YAML
portico apply -f "$dir/keyed.yaml" >/dev/null
portico package benchkey --version 1.0.0 >/dev/null
portico deploy benchkey@1.0.0 --env dev >/dev/null
key=$(portico apps keys create benchapp -o value)
keyed="$gateway/ws/proxy/benchkey/v1/"
peersdir=$(dirname "$peers")
taskset -c 0 /tmp/peers-upstream -addr 127.0.0.1:18080 >/dev/null 2>&1 &
origin=$!
taskset -c 0 nginx -c "$peersdir/nginx.conf" >/dev/null 2>&1 &
nginxpid=$!
# nginx doing what Portico does: bench/nginx-fields.conf.
ngxkey=bench-nginx-key-0123456789abcdef0123456789
sed "s|@DIR@|$dir|g" bench/nginx-fields.conf >"$dir/nginx-fields.conf"
taskset -c 0 nginx -c "$dir/nginx-fields.conf" >/dev/null 2>&1 &
nginxfields=$!
trap 'kill $origin $nginxpid $nginxfields 2>/dev/null; cleanup' EXIT
for _ in $(seq 100); do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-API-Key: $key" "$keyed" || true)
	[ "$code" = 200 ] && break
	sleep 0.1
done
[ "$code" = 200 ] || { echo "the keyed proxy answered $code" >&2; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "$keyed")
[ "$code" = 401 ] || { echo "the keyed proxy answered $code without a key, want 401" >&2; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-API-Key: $ngxkey" http://127.0.0.1:18091/keyed/ || true)
[ "$code" = 200 ] || {
	echo "nginx+fields answered $code with its key, want 200; its error log:" >&2
	cat "$dir/nginx-fields.err" >&2 2>/dev/null
	exit 1
}
code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18091/keyed/ || true)
[ "$code" = 401 ] || { echo "nginx+fields answered $code without a key, want 401" >&2; exit 1; }
echo
echo "policies round: API key + plan rate limit + metrics"
declare -A rate
tick=$(getconf CLK_TCK)
# ticks PID...: the CPU time (user + system, all threads) the processes
# used so far, in clock ticks.
ticks() {
	local t=0 p
	for p in "$@"; do
		[ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
	done
	echo "$t"
}
nginxpids="$nginxpid $(pgrep -P "$nginxpid" | tr '\n' ' ')"
nginxfieldspids="$nginxfields $(pgrep -P "$nginxfields" | tr '\n' ' ')"
# row NAME "PIDS" WRK-ARGS...: one wrk run against the proxy PIDS.
row() {
	local name=$1 pids=$2
	shift 2
	local out p0 p1 o0 o1
	p0=$(ticks $pids)
	o0=$(ticks "$origin")
	out=$(taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --latency "$@")
	p1=$(ticks $pids)
	o1=$(ticks "$origin")
	if grep -q -e 'Non-2xx' -e 'Socket errors' <<<"$out"; then
		echo "$name: failed requests:" >&2
		echo "$out" >&2
		exit 1
	fi
	rate[$name]=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
	printf '%-22s %10s req/s  p50 %-8s p99 %-8s' "$name" "${rate[$name]}" \
		"$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
	awk -v n="$(awk '/requests in/ {print $1}' <<<"$out")" -v p=$((p1 - p0)) -v o=$((o1 - o0)) -v t="$tick" \
		'BEGIN {printf "  CPU per request: proxy %5.1f us, origin %5.1f us\n", p * 1e6 / t / n, o * 1e6 / t / n}'
}
# ROUNDS=N repeats the rows N times, interleaved, and ends with the
# median of each round's ratios: on a shared VM one round can move by a
# third with the neighbours, and a median of paired rounds does not.
rounds=${ROUNDS:-1}
# The ratios printed per round, as "row peer" pairs: against the harness's
# nginx, and against nginx doing the same work (nginx-fields.conf).
pairs="portico:nginx portico+key+rate:nginx portico:nginx+fields portico+key+rate:nginx+fields+key+limit"
ratios=()
for i in $(seq "$rounds"); do
	[ "$rounds" -gt 1 ] && echo "round $i of $rounds"
	row nginx "$nginxpids" http://127.0.0.1:18081/
	row nginx+fields "$nginxfieldspids" http://127.0.0.1:18091/
	row nginx+fields+key+limit "$nginxfieldspids" -H "X-API-Key: $ngxkey" http://127.0.0.1:18091/keyed/
	row go-floor "$floor" "$floorurl"
	row go-floor+fields "$floorfields" "$floorfieldsurl"
	row portico "$server" "$url"
	row portico+key+rate "$server" -H "X-API-Key: $key" "$keyed"
	line=""
	for p in $pairs; do
		a=${p%%:*} b=${p#*:}
		awk -v a="$a" -v b="$b" -v x="${rate[$a]}" -v y="${rate[$b]}" 'BEGIN{printf "%-16s %.2f x %s\n", a, x/y, b}'
		line="$line $(awk -v x="${rate[$a]}" -v y="${rate[$b]}" 'BEGIN{printf "%.3f", x/y}')"
	done
	ratios+=("$line")
done
if [ "$rounds" -gt 1 ]; then
	echo "median over $rounds rounds:"
	k=0
	for p in $pairs; do
		k=$((k + 1))
		printf '%s\n' "${ratios[@]}" | sort -n -k$k,$k | awk -v k=$k -v a="${p%%:*}" -v b="${p#*:}" \
			'{v[NR]=$k} END {printf "  %-16s %.2f x %s\n", a, (v[int((NR+1)/2)]+v[int(NR/2)+1])/2, b}'
	done
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
