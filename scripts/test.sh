#!/usr/bin/env bash
# Installs everything the tests need, builds, and runs every test suite: unit, conformance and
# integration (real Keystone and nginx on 127.0.0.1, started and stopped by the tests) in the
# release build, then the unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
# Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --with-test-servers || exit 1

export CTEST_OUTPUT_ON_FAILURE=1
passed=0
failed=0
summarise() {  # reads ctest's output, adds its counts
  local log=$1 line total fails
  line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log" | tail -1)
  if [ -z "$line" ]; then failed=$((failed + 1)); return; fi
  fails=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/')
  total=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/')
  passed=$((passed + total - fails))
  failed=$((failed + fails))
}
run_ctest() {  # run_ctest PRESET LOG [ctest args...]
  local preset=$1 log=$2
  shift 2
  ctest --preset "$preset" "$@" 2>&1 | tee "$log"
  summarise "$log"
}

logs=$(mktemp -d)
echo "== release build"
cmake --preset release >/dev/null && cmake --build --preset release || exit 1
run_ctest release "$logs/release.log" -j2

echo "== asan+ubsan build (unit tests)"
if cmake --preset asan >/dev/null && cmake --build --preset asan --target unit_test_binaries; then
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_ctest asan "$logs/asan.log" -j2 -L unit
else
  failed=$((failed + 1))
fi

echo
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
