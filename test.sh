#!/usr/bin/env bash
# The whole test suite: formatting, vet, staticcheck, tests (with -race).
# Integration tests against real services run when their variables are set:
#   PORTICO_TEST_POSTGRES  e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable
#   PORTICO_TEST_MYSQL     e.g. root@tcp(127.0.0.1:3306)/test?parseTime=true
#   PORTICO_TEST_REDIS     e.g. redis://127.0.0.1:6379/0
# Without them those tests are skipped and listed at the end; with CI=true any
# skipped test fails the run.
set -euo pipefail
cd "$(dirname "$0")"

STATICCHECK_VERSION=v0.8.2 # staticcheck 2026.2.2

step() { printf '\n==> %s\n' "$*"; }

step "gofmt"
unformatted=$(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*' -print0 | xargs -0 gofmt -l)
if [ -n "$unformatted" ]; then
	echo "these files need gofmt -w:"; echo "$unformatted"; exit 1
fi

step "go vet"
go vet ./...

step "staticcheck $STATICCHECK_VERSION"
go run "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION" ./...

step "integration services"
missing=0
for v in PORTICO_TEST_POSTGRES PORTICO_TEST_MYSQL PORTICO_TEST_REDIS; do
	if [ -n "${!v:-}" ]; then
		echo "  $v is set: those integration tests run"
	else
		echo "  $v is not set: those integration tests are SKIPPED (see .ci/run for how CI sets it)"
		missing=1
	fi
done
if [ "${CI:-}" = "true" ] && [ "$missing" = 1 ]; then
	echo "CI must run every integration test"; exit 1
fi

step "go test -race"
noskip=()
if [ "${CI:-}" = "true" ]; then noskip=(-no-skip); fi
go build -o "${TMPDIR:-/tmp}/portico-testreport" ./tools/testreport
set +e
go test -race -count=1 -timeout 15m -json ./... | "${TMPDIR:-/tmp}/portico-testreport" "${noskip[@]}"
status=${PIPESTATUS[1]}
set -e
exit "$status"
