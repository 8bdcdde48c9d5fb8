#!/usr/bin/env bash
# readers.sh [DURATION] — concurrent readers beside one writer, not part
# of `go test ./...` at this length (the default run takes 3 s).
#
# For DURATION (default 60s) an ingest follows a folder that keeps
# receiving small synthetic CloudTrail and flow-log objects, while 8
# readers run profiles, searches and summaries on varied entity keys.
# Fails on any reader error ("database is locked" and busy above all), on
# a WAL that grows past its bound, or when no checkpoint completes.
# Prints the queries run, reader p50/p95/max latency, records ingested,
# the WAL's largest size and how many times it started over.
# See TestReadersBesideAWriter in store/readers_test.go.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-60s}
GUMSHOE_READERS="$duration" \
	go test ./store -run '^TestReadersBesideAWriter$' -count=1 -v -timeout 1h |
	grep -E '^(--- |ok|FAIL|panic)|readers_test\.go'
