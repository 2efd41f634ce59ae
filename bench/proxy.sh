#!/bin/bash
# The peer comparison of the API proxy: starts `portico serve` with a proxy
# to the peers' origin (127.0.0.1:18080) and runs the shared harness
# (shared/bench/peers/run.sh: direct origin, nginx, Caddy, HAProxy) with
# Portico as one more row, all in one run.
#   bench/proxy.sh [seconds] [connections]         # defaults 5 and 32
#   PEERS=/path/to/peers/run.sh bench/proxy.sh 10 32
# Portico is pinned to core 0 like the origin and the peers (taskset), so
# that each proxy gets the same single core and wrk keeps core 1.
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
cleanup() {
	if [ -n "$server" ]; then
		kill -TERM "$server" 2>/dev/null || true
		wait "$server" 2>/dev/null || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "building portico"
go build -o "$dir/portico" ./cmd/portico

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
echo "portico: proxy bench v1 at $url (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
EXTRA="portico=$url ${EXTRA:-}" "$peers" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
