#!/bin/sh
# The long crash-safety and fault runs: 50 SIGKILLed sweeps, 20 killed and 20 stopped relays, 20 rounds of
# concurrent sweeps, 400 concurrent relay connections, 2,000 timing samples, 200 random client fault sequences.
#
#   fuzz/reliability.sh
#   RELIABILITY_SEED=123 fuzz/reliability.sh    replay the random kill moments of one run
#
# Exits 1 when any test fails (after printing the summary lines and the failures).
set -eu
cd "$(dirname "$0")/.."
swift build --build-tests
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
RELIABILITY_FULL=1 FAULT_TRIALS=200 swift test --skip-build \
    --filter 'Reliability(Crash|Network|RelayHardening|Fencing|Secrets)Tests|FaultInjectionTests' >"$log" 2>&1 \
    || status=$?
# grep only trims what is shown; the exit status of `swift test` decides.
grep -E "reliability:|✘|↳ (trial|iteration|killed|stopped)|passed after|failed after" "$log" || true
if [ "$status" -ne 0 ]; then
    echo "== summary: FAILED (swift test exited $status); the last lines of its output:"
    tail -n 20 "$log"
    exit 1
fi
echo "== summary: all reliability tests passed"
