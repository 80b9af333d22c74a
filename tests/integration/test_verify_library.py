#!/usr/bin/env python3
"""The Gatekeeper library's own suites through `gatehouse verify`, as `gator verify` runs them.

Run by ctest as:
    python3 test_verify_library.py --gatehouse PATH_TO_BINARY
Every suite under $GATEHOUSE_CONFORMANCE_DIR/gatekeeper-library/library/general (default
../shared/conformance, outside the repository) must pass, every case and every assertion; prints
the suites and cases that passed. When the library is absent it says so and exits 77 (skipped):
it is not part of a user's clone.
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    args = parser.parse_args()
    root = os.environ.get("GATEHOUSE_CONFORMANCE_DIR",
                          os.path.join(HERE, "..", "..", "..", "shared", "conformance"))
    library = os.path.join(root, "gatekeeper-library", "library")
    if not os.path.isdir(os.path.join(library, "general")):
        print("SKIPPED: the Gatekeeper library is absent (%s); it is not part of a user's clone"
              % library)
        return 77
    r = subprocess.run([os.path.abspath(args.gatehouse), "verify", "-v", "general/..."],
                       capture_output=True, text=True, timeout=600, cwd=library)
    out = r.stdout.split("\n")
    suites = [l for l in out if l.startswith("ok\t")]
    failed = [l for l in out if l.startswith("FAIL\t") or "--- FAIL: " in l]
    cases = [l for l in out if l.startswith("    --- PASS: ")]
    print("%d suites passed, %d cases passed, %d failure lines, exit %d"
          % (len(suites), len(cases), len(failed), r.returncode))
    if r.returncode != 0 or failed or len(suites) != 30:
        print(r.stdout)
        print(r.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
