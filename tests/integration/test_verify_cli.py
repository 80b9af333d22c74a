#!/usr/bin/env python3
"""`gatehouse verify` (like `gator verify`) on Gatekeeper Suite files, and `gatehouse audit` on
files, end to end.

Run by ctest as:
    python3 test_verify_cli.py --gatehouse PATH_TO_BINARY [-k NAME]
Prints one line per case and a final `N passed, N failed`; exits non-zero on any failure.

The suites under tests/data/gatekeeper-verify pass and fail on purpose; each case checks gator's
lines (`--- FAIL: <case>\\t(<s>)`, the error under it, `ok`/`FAIL\\t<suite>\\t<s>`, the closing
PASS or FAIL), its exit status and `Error: FAIL` on stderr. The Gatekeeper library's own suites
run in test_verify_library.py.
"""

import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.gatehouse import Suite  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "gatekeeper-verify")
suite = Suite()
BINARY = None


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def verify(*args, cwd=DATA):
    return subprocess.run([BINARY, "verify", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd)


def lines(result):
    # Durations vary: (0.001s) and the suite's closing time become <t>.
    out = re.sub(r"\d+\.\d{3}s", "<t>", result.stdout)
    return out.split("\n")


@suite.test
def test_a_failing_case_prints_gators_lines_and_fails():
    r = verify("labels")
    check(r.returncode == 1, "exit %d" % r.returncode)
    check(r.stderr == "Error: FAIL\n", "stderr %r" % r.stderr)
    check(lines(r) == [
        "    --- FAIL: wrong-expectation\t(<t>)",
        "        unexpected number of violations: got 1 violations containing \"<team>\" but want "
        "none: got messages [label <owner> is required label <team> is required]",
        "--- FAIL: required-labels\t(<t>)",
        "FAIL\tlabels/suite.yaml\t<t>",
        "FAIL",
        "",
        "",
    ], "stdout %r" % r.stdout)


@suite.test
def test_verbose_shows_every_test_and_case():
    r = verify("-v", "labels/suite.yaml")
    got = lines(r)
    for want in ["=== RUN   required-labels", "    === RUN   labelled",
                 "    --- PASS: labelled\t(<t>)", "    --- PASS: unlabelled\t(<t>)",
                 "    --- PASS: not-matched\t(<t>)", "    === SKIP  skipped",
                 "=== RUN   schema", "--- PASS: schema\t(<t>)"]:
        check(want in got, "missing %r in %r" % (want, r.stdout))


@suite.test
def test_run_filters_tests_and_cases():
    r = verify("-v", "--run", "required-labels//^un", "labels")
    check(r.returncode == 0, "exit %d: %s" % (r.returncode, r.stdout))
    got = lines(r)
    check("    --- PASS: unlabelled\t(<t>)" in got, r.stdout)
    check("    === SKIP  labelled" in got and "    === SKIP  wrong-expectation" in got, r.stdout)
    check("=== SKIP  schema" in got, r.stdout)
    check(got[-3:] == ["PASS", "", ""] and "ok\tlabels/suite.yaml\t<t>" in got, r.stdout)
    bad = verify("--run", "a//b//c", "labels")
    check(bad.returncode == 1 and bad.stdout == "", "exit %d %r" % (bad.returncode, bad.stdout))
    check(bad.stderr == "Error: compiling filter: invalid test filter: a filter may include at "
          "most one \"//\"\n", bad.stderr)


@suite.test
def test_a_template_that_does_not_compile_fails_its_test():
    r = verify("./...")
    check(r.returncode == 1, "exit %d" % r.returncode)
    got = lines(r)
    at = got.index("--- FAIL: does-not-compile\t(<t>)")
    check(got[at + 1].startswith("  adding template: invalid ConstraintTemplate: rego_parse_error: "
                                 "./broken/template.yaml:5:1: unexpected } token"), got[at + 1])
    check("FAIL\t./broken/suite.yaml\t<t>" in got and "FAIL\t./labels/suite.yaml\t<t>" in got,
          r.stdout)


@suite.test
def test_paths_that_cannot_be_listed():
    r = verify("no-such-dir")
    check(r.returncode == 1 and r.stdout == "", "exit %d %r" % (r.returncode, r.stdout))
    check(r.stderr == "Error: listing test files: stat no-such-dir: no such file or directory\n",
          r.stderr)
    r = verify("README.md")
    check(r.stderr == "Error: listing test files: unsupported extension: \".md\"\n", r.stderr)


@suite.test
def test_audit_on_files():
    r = subprocess.run([BINARY, "audit", "-f", "labels/template.yaml", "-f",
                        "labels/constraint.yaml", "-f", "labels/unlabelled.yaml", "-f",
                        "labels/labelled.yaml"], capture_output=True, text=True, timeout=60,
                       cwd=DATA)
    check(r.returncode == 1, "exit %d: %s" % (r.returncode, r.stderr))
    check(r.stdout == "TestRequiredLabels owner-and-team (deny): 2 violations\n"
          "  v1 ConfigMap unlabelled: label <team> is required\n"
          "  v1 ConfigMap unlabelled: label <owner> is required\n"
          "2 objects audited, 1 constraints, 2 violations\n", r.stdout)
    j = subprocess.run([BINARY, "audit", "-f", "labels/template.yaml", "-f",
                        "labels/constraint.yaml", "-f", "labels/labelled.yaml", "-o", "json"],
                       capture_output=True, text=True, timeout=60, cwd=DATA)
    check(j.returncode == 0, "exit %d: %s" % (j.returncode, j.stderr))
    import json
    lines = [json.loads(l) for l in j.stdout.splitlines()]
    check(lines == [{"process": "audit", "event_type": "constraint_audited",
                     "constraint_kind": "TestRequiredLabels", "constraint_name": "owner-and-team",
                     "constraint_action": "deny", "total_violations": 0}], lines)
    bad = subprocess.run([BINARY, "audit", "-f", "labels"], capture_output=True, text=True,
                         timeout=60, cwd=DATA)
    check(bad.returncode == 2, "exit %d" % bad.returncode)
    check("schema validation failed: spec.parameters.labels" in bad.stderr, bad.stderr)


def main():
    global BINARY
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    parser.add_argument("-k", dest="only", default="", help="run the cases whose name has this")
    args = parser.parse_args()
    BINARY = os.path.abspath(args.gatehouse)
    suite.tests = [t for t in suite.tests if args.only in t.__name__]
    if not suite.tests:
        print("no case matches %r" % args.only)
        return 1
    return 0 if suite.run() else 1


if __name__ == "__main__":
    sys.exit(main())
