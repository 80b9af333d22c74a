#!/usr/bin/env bash
# Installs everything the tests need, builds, and runs every test suite: unit, conformance and
# integration (real Keystone and nginx on 127.0.0.1, started and stopped by the tests) in the
# release build, then the unit tests of the parsers, caches and concurrent parts again under
# AddressSanitizer + UndefinedBehaviorSanitizer (ctest label `sanitize`, tests/CMakeLists.txt),
# then the unit tests of the concurrent parts under ThreadSanitizer.
# Lists the skipped tests with their reasons, then ends with one line
# "N passed, N failed, N skipped". The third-party conformance suites are found through GATEHOUSE_CONFORMANCE_DIR
# (default ../shared/conformance) and are skipped, and listed, when it is absent.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --with-test-servers || exit 1

export CTEST_OUTPUT_ON_FAILURE=1
passed=0
failed=0
skipped=0
skip_notes=()
skip_reason() {  # skip_reason LASTTEST_LOG NAME: the reason the test printed, if any
  awk -v name="$2" '
    $0 ~ /^[0-9]+\/[0-9]+ Testing: / { sub(/^[0-9]+\/[0-9]+ Testing: /, ""); inside = ($0 == name); next }
    !inside { next }
    /^<end of output>$/ { inside = 0; next }
    after_mark { print; exit }
    /: Skipped$/ { after_mark = 1; next }
    /^SKIPPED: / { sub(/^SKIPPED: /, ""); print; exit }
    /^skip: / { sub(/^skip: /, ""); print; exit }
    /: skipping$/ { sub(/: skipping$/, ""); print; exit }
  ' "$1"
}
summarise() {  # summarise PRESET LOG: reads ctest's output, adds its counts
  local preset=$1 log=$2 line total fails skips name state reason
  line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log" | tail -1)
  if [ -z "$line" ]; then failed=$((failed + 1)); return; fi
  fails=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/')
  total=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/')
  # "The following tests did not run:" lists "N - name (Skipped)" (counted in the total) and
  # "N - name (Disabled)" (not counted in it).
  skips=0
  while IFS= read -r entry; do
    name=$(echo "$entry" | sed -E 's/^[[:space:]]*[0-9]+ - (.*) \((Skipped|Disabled)\)$/\1/')
    state=$(echo "$entry" | sed -E 's/.*\((Skipped|Disabled)\)$/\1/')
    [ "$state" = Skipped ] && skips=$((skips + 1))
    skipped=$((skipped + 1))
    reason=""
    if [ "$state" = Disabled ]; then
      reason="disabled"
    elif [ -f "build/$preset/Testing/Temporary/LastTest.log" ]; then
      reason=$(skip_reason "build/$preset/Testing/Temporary/LastTest.log" "$name")
    fi
    skip_notes+=("$preset"$'\t'"${reason:-no reason printed}"$'\t'"$name")
  done < <(grep -E "^[[:space:]]*[0-9]+ - .* \((Skipped|Disabled)\)$" "$log")
  passed=$((passed + total - fails - skips))
  failed=$((failed + fails))
}
run_ctest() {  # run_ctest PRESET LOG [ctest args...]
  local preset=$1 log=$2
  shift 2
  ctest --preset "$preset" "$@" 2>&1 | tee "$log"
  summarise "$preset" "$log"
}

logs=$(mktemp -d)
echo "== release build"
cmake --preset release >/dev/null && cmake --build --preset release || exit 1
run_ctest release "$logs/release.log" -j2

echo "== asan+ubsan build (unit tests of the parsers, caches and concurrent parts)"
if cmake --preset asan >/dev/null && cmake --build --preset asan --target sanitizer_test_binaries; then
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_ctest asan "$logs/asan.log" -j2 -L sanitize
else
  failed=$((failed + 1))
fi

echo "== tsan build (unit tests of the concurrent parts)"
if cmake --preset tsan >/dev/null && cmake --build --preset tsan --target tsan_concurrency; then
  run_ctest tsan "$logs/tsan.log" -j2 -L tsan
else
  failed=$((failed + 1))
fi

echo
# The skipped tests, grouped by build and reason (before the closing line, which stays last): "skipped in PRESET (N): REASON" then the names.
if [ "${#skip_notes[@]}" -gt 0 ]; then
  printf '%s\n' "${skip_notes[@]}" | awk -F'\t' '
    { key = $1 FS $2; if (!(key in names)) { order[++n] = key; names[key] = $3 }
      else names[key] = names[key] ", " $3; count[key]++ }
    END { for (i = 1; i <= n; i++) { split(order[i], k, FS)
            printf "  skipped in %s (%d): %s\n    %s\n", k[1], count[order[i]], k[2], names[order[i]] } }'
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
