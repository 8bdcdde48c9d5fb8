#!/usr/bin/env bash
# fuzz.sh [TIME] — runs every Fuzz target in the repository for TIME each
# (default 30s; any `go test -fuzztime` value) and prints the executions
# of each. Not part of `go test ./...`, which runs only the seed corpora.
#
# When a target fails, Go writes the input that broke it to
# PACKAGE/testdata/fuzz/FuzzNAME/HASH and this script lists it. That file
# is the regression case: plain `go test ./PACKAGE` runs every file under
# testdata/fuzz/FuzzNAME/ as a seed, so once the bug is fixed, commit the
# file with the fix and the crash stays covered. Reproduce it alone with
#   go test ./PACKAGE -run 'FuzzNAME/HASH' -v
set -uo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-30s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Packages whose tests declare a Fuzz function; `go test -list` confirms
# the targets (and honours build tags) without running other packages'
# TestMain.
targets=()
summary=()
failed=0
while read -r dir pkg; do
	grep -qs '^func Fuzz' "$dir"/*_test.go || continue
	if ! names=$(go test -list '^Fuzz' "$pkg" 2>&1); then
		printf '%s: its tests do not build, so its targets cannot run:\n%s\n' "$pkg" "$names" >&2
		summary+=("$(printf '%-24s %-20s %12s  %s' '?' "${pkg#github.com/gumshoe-sec/gumshoe/}" 0 'FAIL: tests do not build')")
		failed=1
		continue
	fi
	for name in $(grep '^Fuzz' <<<"$names"); do
		targets+=("$pkg $name")
	done
done < <(go list -f '{{.Dir}} {{.ImportPath}}' ./...)

if [ ${#targets[@]} -eq 0 ]; then
	echo "no Fuzz targets found" >&2
	exit 1
fi

for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "== $name ($pkg) for $fuzztime"
	if go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" >"$log" 2>&1; then
		result=ok
	else
		result=FAIL
		failed=1
		sed -n '/--- FAIL/,$p' "$log" | head -40
		crasher=$(grep -o 'testdata/fuzz/[^ ]*' "$log" | head -1 || true)
		[ -n "$crasher" ] && result="FAIL: $(go list -f '{{.Dir}}' "$pkg")/$crasher"
	fi
	execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	summary+=("$(printf '%-24s %-20s %12s  %s' "$name" "${pkg#github.com/gumshoe-sec/gumshoe/}" "${execs:-0}" "$result")")
done

echo
printf '%-24s %-20s %12s  %s\n' target package execs result
printf '%s\n' "${summary[@]}"
echo "(0 execs: the time ran out while Go replayed the stored corpus; give more time)"
exit $failed
