#!/bin/sh
# Long fuzz runs: every parser's fuzz tests with many iterations, one after another.
#
#   fuzz/run.sh                 1,000,000 iterations per property (about 40 minutes in a debug build on 2 cores)
#   fuzz/run.sh 50000           fewer
#   FUZZ_SEED=123 fuzz/run.sh   replay one seed (the default seed is fixed per test, so plain runs repeat)
#   FUZZ_SUITES="FuzzJSONParserTests" fuzz/run.sh 1000   only these suites
#
# The import fuzzer runs the built binary; its iteration count is a number of JSON Lines lines.
# Every suite runs even when an earlier one fails; the script ends with a summary and exits 1 if any failed.
# A suite whose --filter ran no test at all (a renamed suite, a typo) counts as failed: it tested nothing.
set -eu
cd "$(dirname "$0")/.."
iterations="${1:-1000000}"
swift build --build-tests
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
failed=""
suites="${FUZZ_SUITES:-FuzzJSONParserTests FuzzAlertValidationTests FuzzDurationAndGlobTests FuzzConfigLoaderTests ReliabilityImportFuzzTests}"
for suite in $suites; do
    echo "== $suite ($iterations)"
    start=$(date +%s)
    # The exit status of `swift test` itself decides; grep only trims what is shown (and may match nothing).
    status=0
    FUZZ_ITERATIONS="$iterations" swift test --skip-build --filter "$suite" >"$log" 2>&1 || status=$?
    grep -E "fuzz:|✘|passed after|failed after" "$log" || true
    # Swift Testing ends with "Test run with N tests ..."; a filter that matched nothing runs 0 (or says nothing)
    # and swift test still exits 0.
    ran="$(sed -n 's/.*Test run with \([0-9][0-9]*\) tests\{0,1\} .*/\1/p' "$log" | tail -n 1)"
    if [ "$status" -eq 0 ] && [ "${ran:-0}" -eq 0 ]; then
        failed="$failed $suite"
        echo "== $suite FAILED: the filter ran no test"
    elif [ "$status" -ne 0 ]; then
        failed="$failed $suite"
        echo "== $suite FAILED (swift test exited $status); the last lines of its output:"
        tail -n 20 "$log"
    fi
    echo "== $suite took $(( $(date +%s) - start )) s"
done
if [ -n "$failed" ]; then
    echo "== summary: failed:$failed"
    exit 1
fi
echo "== summary: all suites passed"
