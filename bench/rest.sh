#!/bin/sh
# Runs the REST-over-SQLite benchmarks and prints the median requests per
# second of each, and Portico's throughput as a share of the bare handler's.
#   bench/rest.sh               # 5 runs of each
#   COUNT=10 BENCHTIME=2s bench/rest.sh
set -eu
cd "$(dirname "$0")/.."
count=${COUNT:-5}
benchtime=${BENCHTIME:-1s}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "go test -run x -bench . -benchmem -count $count -benchtime $benchtime ./bench/"
go test -run x -bench . -benchmem -count "$count" -benchtime "$benchtime" ./bench/ | tee "$out"
echo
# The req/s metric is the field before "req/s"; the median of each benchmark.
awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 2; i <= NF; i++) if ($i == "req/s") v[name, ++n[name]] = $(i - 1)
}
END {
	for (name in n) {
		k = n[name]
		# insertion sort of this benchmark values
		for (i = 1; i <= k; i++) a[i] = v[name, i] + 0
		for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
		med[name] = (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
		printf "%-34s median %8.0f req/s over %d runs\n", name, med[name], k
	}
	bare = med["BenchmarkBareNetHTTP"]
	if (bare > 0) {
		if ("BenchmarkPorticoREST" in med)
			printf "Portico runtime / bare net/http:  %.2f\n", med["BenchmarkPorticoREST"] / bare
		if ("BenchmarkPorticoCompiledHandler" in med)
			printf "Portico handler / bare net/http:  %.2f\n", med["BenchmarkPorticoCompiledHandler"] / bare
	}
}' "$out"
