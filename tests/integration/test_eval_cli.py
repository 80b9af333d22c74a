#!/usr/bin/env python3
"""`gatehouse eval` (like `opa eval`) on policy directories, end to end.

Run by ctest as:
    python3 test_eval_cli.py --gatehouse PATH_TO_BINARY [-k NAME]
Prints one line per case and a final `N passed, N failed`; exits non-zero on any failure.

Each case writes a small policy tree to a temporary directory and runs the real binary on it:
a library loaded with `-d DIR` brings its `*_test.rego` files along (as `opa eval -d` does), a
rule of a v0 library called with `()` evaluates, and a policy that does not parse or names an
undefined function fails with exit code 1 and OPA's `1 error occurred: <code>: ...` line.
"""

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.gatehouse import Suite  # noqa: E402

suite = Suite()
BINARY = None

LIBRARY = """package lib

merge_annotations = out {
  out := {"team": "payments"}
}
"""

LIBRARY_TEST = """package lib

test_merge_annotations {
  merge_annotations() == {"team": "payments"}
}
"""

POLICY = """package main

import data.lib

deny[msg] {
  a := lib.merge_annotations()
  msg := sprintf("team %s", [a.team])
}
"""


def check(cond, message):
    if not cond:
        raise AssertionError(message)


@contextlib.contextmanager
def policy_tree(files):
    """A temporary directory holding `files` (name -> text), removed afterwards."""
    root = tempfile.mkdtemp(prefix="gatehouse-eval-cli-")
    try:
        for name, text in files.items():
            path = os.path.join(root, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_eval(root, query, *flags):
    return subprocess.run([BINARY, "eval", *flags, "-d", root, query], capture_output=True,
                          text=True, timeout=60)


def value_of(result):
    check(result.returncode == 0, "exit %d: %s" % (result.returncode, result.stderr))
    return json.loads(result.stdout)["result"][0]["expressions"][0]["value"]


@suite.test
def test_directory_brings_its_test_files():
    with policy_tree({"lib/lib.rego": LIBRARY, "lib/lib_test.rego": LIBRARY_TEST}) as root:
        value = value_of(run_eval(root, "data.lib", "--rego-version", "v0"))
        check(value.get("test_merge_annotations") is True, "lib_test.rego not loaded: %r" % value)


@suite.test
def test_v0_rule_called_with_no_arguments():
    with policy_tree({"lib/lib.rego": LIBRARY, "main.rego": POLICY}) as root:
        value = value_of(run_eval(root, "data.main.deny", "--rego-version", "v0"))
        check(value == ["team payments"], "deny is %r" % value)


@suite.test
def test_unparseable_policy_fails_with_the_parse_error():
    with policy_tree({"lib/lib.rego": LIBRARY}) as root:
        result = run_eval(root, "data.lib")  # v1 by default: a v0 body needs `if`
        check(result.returncode == 1, "exit %d" % result.returncode)
        check(result.stdout == "", "stdout: %r" % result.stdout)
        check(result.stderr.startswith("1 error occurred: rego_parse_error: "),
              "stderr: %r" % result.stderr)
        check("`if` keyword is required before rule body" in result.stderr,
              "stderr: %r" % result.stderr)


@suite.test
def test_undefined_function_is_a_type_error():
    with policy_tree({"p.rego": "package p\n\nx := no_such_function(1)\n"}) as root:
        result = run_eval(root, "data.p.x")
        check(result.returncode == 1, "exit %d" % result.returncode)
        check(result.stderr.startswith("1 error occurred: rego_type_error: "),
              "stderr: %r" % result.stderr)
        check("undefined function no_such_function" in result.stderr,
              "stderr: %r" % result.stderr)


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
