#!/usr/bin/env bash
# The test command the README gives and .ci/run runs: `swift test`, with at most three tests per core
# running at once (arguments are passed on, e.g. `Scripts/test.sh --filter Ledger`).
#
# Why a limit: Swift Testing starts every test at once. On 2 cores the end-to-end tests then run dozens
# of binaries, PostgreSQL sessions and loopback servers together, and the tests that measure retries,
# deadlines and pauses saw their stand-ins answer seconds late (a 2 s timeout missed three times in a
# row). With 6 at a time the whole suite passed three runs in three, in the same 65-80 s as unlimited.
# The knob is Swift Testing's own (SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH, Swift 6.3); a value
# already set in the environment wins.
set -euo pipefail
cd "$(dirname "$0")/.."
cores="$(nproc 2>/dev/null || echo 2)"
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-$((cores * 3))}"
exec swift test "$@"
