#!/usr/bin/env bash
# soak.sh [KILLS] — crash-safety soak, not part of `go test ./...`.
#
# Builds gumshoe, generates two sets of synthetic logs 27 months apart
# (so the default 365-day retention prunes the older set once the newer is
# in), and SIGKILLs `gumshoe ingest` at random points of ingesting and of
# pruning, at least KILLS times (default 25). After every kill the database
# must pass PRAGMA integrity_check; every run brought to its end must hold
# exactly the counts of a clean run (query stats plus the sums of every
# aggregate table). Prints trials, kills survived (and how many landed
# while pruning) and the records compared. See TestSoak in
# cmd/gumshoe/soak_test.go; the short versions run in `go test ./...`
# (TestKilledIngestResumesToCleanCounts, TestKilledPruneResumes).
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-25}
GUMSHOE_SOAK=1 GUMSHOE_SOAK_KILLS="$kills" \
	go test ./cmd/gumshoe -run '^TestSoak$' -count=1 -v -timeout 2h |
	grep -E '^(--- |ok|FAIL|panic)|soak_test\.go'
