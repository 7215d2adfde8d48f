#!/bin/sh
# The long crash-safety and fault runs: 50 SIGKILLed sweeps, 20 killed and 20 stopped relays, 20 rounds of
# concurrent sweeps, 400 concurrent relay connections, 2,000 timing samples, 200 random client fault sequences.
#
#   fuzz/reliability.sh
#   RELIABILITY_SEED=123 fuzz/reliability.sh    replay the random kill moments of one run
set -eu
cd "$(dirname "$0")/.."
swift build --build-tests
RELIABILITY_FULL=1 FAULT_TRIALS=200 swift test --skip-build --filter 'Reliability(Crash|Network|RelayHardening|Fencing|Secrets)Tests|FaultInjectionTests' 2>&1 \
    | grep -E "reliability:|✘|↳ (trial|iteration|killed|stopped)|passed after|failed after" || true
