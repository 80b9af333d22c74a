#!/usr/bin/env python3
"""The registry store's unit tests against a real PostgreSQL (Debian `postgresql`).

`unit_adapters_registry_store` skips its PostgreSQL cases unless GATEHOUSE_TEST_POSTGRES_URL
names a server;
this suite starts a private cluster on 127.0.0.1 (harness/postgres.py), runs exactly those
cases with the URL set, and stops the server by PID. The contract cases are the same ones the
SQLite store passes, so both back ends are held to one behaviour.

Run by ctest as:
    python3 test_registry_store_postgres.py --gatehouse PATH_TO_BINARY
Prints `N passed, N failed`; exits non-zero on any failure, or if a case was skipped; exits 77
(ctest: skipped) when PostgreSQL is not installed.
"""

import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import postgres  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    parser.add_argument("--shared", default="", help="unused")
    args = parser.parse_args()
    unit = os.path.join(os.path.dirname(os.path.abspath(args.gatehouse)), "tests",
                        "unit_adapters_registry_store")
    if not os.path.exists(unit):
        print("unit_adapters_registry_store not found next to the gatehouse binary: %s" % unit)
        print("0 passed, 1 failed")
        return 1
    if not postgres.is_available():
        print("skip: PostgreSQL is not installed (scripts/install-deps.sh --with-test-servers)")
        print("0 passed, 0 failed, 1 skipped")
        return 77  # ctest reports it as skipped (SKIP_RETURN_CODE), not passed
    with postgres.Postgres() as pg:
        env = dict(os.environ, GATEHOUSE_TEST_POSTGRES_URL=pg.url)
        run = subprocess.run([unit, "--gtest_filter=" + postgres.STORE_TEST_FILTER],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, timeout=600)
    passed = int(m.group(1)) if (m := re.search(r"\[  PASSED  \] (\d+) test", run.stdout)) else 0
    failed = int(m.group(1)) if (m := re.search(r"\[  FAILED  \] (\d+) test", run.stdout)) else 0
    skipped = int(m.group(1)) if (m := re.search(r"\[  SKIPPED \] (\d+) test", run.stdout)) else 0
    for line in run.stdout.splitlines():
        if line.startswith(("[  FAILED  ]", "[  SKIPPED ]")) or "Failure" in line:
            print(line)
    if skipped:
        print("%d PostgreSQL cases were skipped: the server URL was not seen" % skipped)
        failed += skipped
    if run.returncode != 0 and failed == 0:
        failed = 1
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
