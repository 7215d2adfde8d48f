#!/bin/sh
# The long crash-safety and fault runs: 50 SIGKILLed sweeps, 20 killed and 20 stopped relays, 20 rounds of
# concurrent sweeps, 400 concurrent relay connections, 2,000 timing samples, 200 random client fault sequences.
#
#   fuzz/reliability.sh
#   RELIABILITY_SEED=123 fuzz/reliability.sh    replay the random kill moments of one run
#   RELIABILITY_FILTER=ReliabilityFencingTests fuzz/reliability.sh    only the tests this --filter matches
#
# Exits 1 when any test fails (after printing the summary lines and the failures), or when the filter ran
# no test at all (a renamed suite would otherwise pass by testing nothing).
set -eu
cd "$(dirname "$0")/.."
swift build --build-tests
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
filter="${RELIABILITY_FILTER:-Reliability(Crash|Network|RelayHardening|Fencing|Secrets)Tests|FaultInjectionTests}"
RELIABILITY_FULL=1 FAULT_TRIALS=200 swift test --skip-build --filter "$filter" >"$log" 2>&1 || status=$?
# grep only trims what is shown; the exit status of `swift test` decides.
grep -E "reliability:|✘|↳ (trial|iteration|killed|stopped)|passed after|failed after" "$log" || true
# Swift Testing ends with "Test run with N tests ..."; a filter that matched nothing runs 0 (or says nothing)
# and swift test still exits 0.
ran="$(sed -n 's/.*Test run with \([0-9][0-9]*\) tests\{0,1\} .*/\1/p' "$log" | tail -n 1)"
if [ "${ran:-0}" -eq 0 ] && [ "$status" -eq 0 ]; then
    echo "== summary: FAILED: the filter '$filter' ran no test"
    exit 1
fi
if [ "$status" -ne 0 ]; then
    echo "== summary: FAILED (swift test exited $status); the last lines of its output:"
    tail -n 20 "$log"
    exit 1
fi
echo "== summary: all reliability tests passed"
