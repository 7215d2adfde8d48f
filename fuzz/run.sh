#!/bin/sh
# Long fuzz runs: every parser's fuzz tests with many iterations, one after another.
#
#   fuzz/run.sh                 1,000,000 iterations per property (about 40 minutes in a debug build on 2 cores)
#   fuzz/run.sh 50000           fewer
#   FUZZ_SEED=123 fuzz/run.sh   replay one seed (the default seed is fixed per test, so plain runs repeat)
#
# The import fuzzer runs the built binary; its iteration count is a number of JSON Lines lines.
set -eu
cd "$(dirname "$0")/.."
iterations="${1:-1000000}"
swift build --build-tests
for suite in FuzzJSONParserTests FuzzAlertValidationTests FuzzDurationAndGlobTests FuzzConfigLoaderTests ReliabilityImportFuzzTests; do
    echo "== $suite ($iterations)"
    start=$(date +%s)
    FUZZ_ITERATIONS="$iterations" swift test --skip-build --filter "$suite" 2>&1 | grep -E "fuzz:|✘|passed after|failed after" || true
    echo "== $suite took $(( $(date +%s) - start )) s"
done
