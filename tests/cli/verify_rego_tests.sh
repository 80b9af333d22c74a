#!/usr/bin/env bash
# `gatehouse verify DIR` on Rego unit tests, checked against `opa test`'s output and exit status
# (OPA v1 tester/reporter.go, cmd/test.go): the per-file header, one line per test that did not
# pass (every test with -v), print() output under its test, the error under an ERROR, the FAILURES
# and SUMMARY sections of -v, the dashed rule, the counts, --run, and exit 0 / 2 / 1.
#
# The test files are written to a temporary directory; durations are replaced by <d>.
# Usage: tests/cli/verify_rego_tests.sh GATEHOUSE_BINARY
# Ends with "N passed, N failed"; exit 1 if any case failed.
set -uo pipefail
gatehouse=${1:?usage: verify_rego_tests.sh GATEHOUSE_BINARY}
gatehouse=$(cd "$(dirname "$gatehouse")" && pwd)/$(basename "$gatehouse")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; printf '%s\n' "$2" | sed 's/^/     | /'; }

# check NAME WANT_EXIT WANT_STDOUT WANT_STDERR -- ARGS...: `gatehouse verify ARGS` exits
# WANT_EXIT and prints exactly WANT_STDOUT (durations as <d>) and WANT_STDERR.
check() {
  local name=$1 want_rc=$2 want_out=$3 want_err=$4 out err rc
  shift 5
  out=$("$gatehouse" verify "$@" 2>"$work/stderr"; echo "rc=$?")
  rc=${out##*rc=}
  out=${out%rc=*}
  out=$(printf '%s' "$out" | sed -E 's/\(([0-9.]+(ns|µs|ms|s|m|h))+\)/(<d>)/g')
  err=$(cat "$work/stderr")
  if [ "$rc" != "$want_rc" ]; then
    fail "$name (exit $rc, want $want_rc)" "$out$err"
  elif [ "$out" != "$want_out" ]; then
    fail "$name (stdout differs: want, got)" "$(diff <(printf '%s\n' "$want_out") <(printf '%s\n' "$out"))"
  elif [ "$err" != "$want_err" ]; then
    fail "$name (stderr differs)" "want: $want_err
got:  $err"
  else
    ok "$name"
  fi
}

mkdir -p suite/lib
cat >suite/lib/policy.rego <<'REGO'
package policy

deny if input.user == "mallory"

level := 1 if true

level := 2 if true
REGO
echo '{"users": ["alice", "bob"]}' >suite/lib/data.json
cat >suite/policy_test.rego <<'REGO'
package policy_test

import data.policy

test_passes if {
	policy.deny with input as {"user": "mallory"}
	count(data.lib.users) == 2
}

test_fails if {
	print("deny was false")
	policy.deny with input as {"user": "alice"}
}

test_errors if {
	policy.level == 1
}

todo_test_later if {
	false
}
REGO

rule=$(printf -- '-%.0s' $(seq 80))

check "non-verbose: the tests that did not pass, then the counts" 2 "suite/policy_test.rego:
data.policy_test.test_fails: FAIL (<d>)

  deny was false

data.policy_test.test_errors: ERROR (<d>)
  suite/lib/policy.rego:7: eval_conflict_error: complete rules must not produce multiple outputs
data.policy_test.todo_test_later: SKIPPED
$rule
PASS: 1/4
FAIL: 1/4
SKIPPED: 1/4
ERROR: 1/4" "" -- suite

check "verbose: FAILURES, SUMMARY and every test" 2 "FAILURES
$rule
data.policy_test.test_fails: FAIL (<d>)


SUMMARY
$rule
suite/policy_test.rego:
data.policy_test.test_passes: PASS (<d>)
data.policy_test.test_fails: FAIL (<d>)

  deny was false

data.policy_test.test_errors: ERROR (<d>)
  suite/lib/policy.rego:7: eval_conflict_error: complete rules must not produce multiple outputs
data.policy_test.todo_test_later: SKIPPED
$rule
PASS: 1/4
FAIL: 1/4
SKIPPED: 1/4
ERROR: 1/4" "" -- -v suite

check "DIR/... is DIR" 2 "$("$gatehouse" verify suite 2>/dev/null |
  sed -E 's/\(([0-9.]+(ns|µs|ms|s|m|h))+\)/(<d>)/g')" "" -- suite/...

check "--run keeps the passing test: just the count" 0 "PASS: 1/1" "" -- --run test_pass suite

check "--run matches the full name" 2 "suite/policy_test.rego:
data.policy_test.test_fails: FAIL (<d>)

  deny was false

$rule
FAIL: 1/1" "" -- --run '^data\.policy_test\.test_f' suite

check "--run -v on a passing test" 0 "suite/policy_test.rego:
data.policy_test.test_passes: PASS (<d>)
$rule
PASS: 1/1" "" -- -v --run passes suite

check "--run matching nothing prints nothing" 0 "" "" -- --run nothing suite

check "an invalid --run is Go's regexp error, exit 1" 1 "" \
  'error parsing regexp: missing closing ): `(`' -- --run '(' suite

# A second definition of a test is another test, named test_x#01; todo tests skipped by name.
mkdir -p dup
cat >dup/dup_test.rego <<'REGO'
package dup

test_x if true

test_x if false

test_y if {
	x := [1, 2, 3]
	count(x) == 3
}
REGO
check "a test defined twice is two tests" 2 "dup/dup_test.rego:
data.dup.test_x#01: FAIL (<d>)
$rule
PASS: 2/3
FAIL: 1/3" "" -- dup

check "all passing, non-verbose: only the count" 0 "PASS: 1/1" "" -- --run 'test_x$' dup

mkdir -p broken
printf 'package broken\n\ntest_x if {\n\t1 ==\n}\n' >broken/broken_test.rego
check "a module that does not parse: the loader's error on stderr, exit 1" 1 "" \
  "1 error occurred during loading: broken/broken_test.rego:5: rego_parse_error: unexpected } token
	}
	^" -- broken

mkdir -p unsafe
printf 'package unsafe\n\ntest_x if {\n\tx == 1\n}\n' >unsafe/unsafe_test.rego
check "a module that does not compile: the compiler's error on stderr, exit 1" 1 "" \
  "1 error occurred: unsafe/unsafe_test.rego:4: rego_unsafe_var_error: var x is unsafe" -- unsafe

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
