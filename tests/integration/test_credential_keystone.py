#!/usr/bin/env python3
"""`gatehouse credential keystone` against a real Keystone on 127.0.0.1.

Run by ctest as:
    python3 test_credential_keystone.py --gatehouse PATH_TO_BINARY
Prints one line per case and a final `N passed, N failed`; exits non-zero on any failure.
"""

import argparse
import calendar
import json
import os
import re
import select
import socket
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.keystone import Keystone, is_available  # noqa: E402

# Requests a real kube-apiserver 1.26 sent, kept in the repository (tests/data/*/README.md).
SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                       "kube-apiserver-1.26")

V1 = "client.authentication.k8s.io/v1"
V1BETA1 = "client.authentication.k8s.io/v1beta1"
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")

USER, PASSWORD, PROJECT = "alice", "alice-Pw-7319", "demo"
OS_VARS = [v for v in os.environ if v.startswith("OS_")] + ["KUBERNETES_EXEC_INFO"]


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


class Context:
    def __init__(self, gatehouse, ks, scratch):
        self.gatehouse = gatehouse
        self.ks = ks
        self.scratch = scratch
        self.secrets = [PASSWORD]
        self._n = 0

    def new_dir(self, name):
        self._n += 1
        return os.path.join(self.scratch, "%02d-%s" % (self._n, name))

    def run(self, args, env=None, timeout=30, stdin=subprocess.DEVNULL):
        """Runs `gatehouse credential keystone ARGS` with a clean OS_* environment."""
        full_env = {k: v for k, v in os.environ.items() if k not in OS_VARS}
        full_env["XDG_CACHE_HOME"] = os.path.join(self.scratch, "unused-xdg")
        full_env.update(env or {})
        start = time.monotonic()
        r = subprocess.run([self.gatehouse, "credential", "keystone"] + args, env=full_env,
                           stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
        r.elapsed = time.monotonic() - start
        r.out = r.stdout.decode(errors="replace")
        r.err = r.stderr.decode(errors="replace")
        for secret in self.secrets:
            check(secret not in r.err and secret not in r.out, "a secret was printed")
        return r

    def password_flags(self, cache_dir=None, password=PASSWORD):
        flags = ["--keystone-url", self.ks.url, "--domain-name", "Default",
                 "--user-name", USER, "--project-name", PROJECT, "--password", password]
        return flags + (["--cache-dir", cache_dir] if cache_dir else ["--no-cache"])


def parse_credential(r, api_version):
    check(r.returncode == 0, "exit %d, stderr: %s" % (r.returncode, r.err.strip()))
    try:
        doc = json.loads(r.out)
    except ValueError:
        raise Failure("stdout is not JSON: %r" % r.out[:200])
    check(doc.get("apiVersion") == api_version, "apiVersion %r" % doc.get("apiVersion"))
    check(doc.get("kind") == "ExecCredential", "kind %r" % doc.get("kind"))
    status = doc.get("status") or {}
    token = status.get("token")
    check(isinstance(token, str) and len(token) > 20, "no token in status")
    expiry = status.get("expirationTimestamp", "")
    check(RFC3339_UTC.match(expiry), "expirationTimestamp %r is not RFC 3339 UTC" % expiry)
    when = calendar.timegm(time.strptime(expiry[:19], "%Y-%m-%dT%H:%M:%S"))
    remaining = when - time.time()
    check(3000 < remaining < 3700, "token expires in %.0f s, Keystone issues 3600 s" % remaining)
    return token


def check_token_valid(ctx, token, project=PROJECT):
    status, body = ctx.ks.validate_token(token)
    check(status == 200, "Keystone does not accept the printed token (HTTP %d)" % status)
    check(body["token"]["user"]["name"] == USER, "token is for user %r"
          % body["token"]["user"]["name"])
    check(body["token"].get("project", {}).get("name") == project, "token not scoped to %s"
          % project)
    return body["token"]


def cache_files(cache_dir):
    return sorted(f for f in os.listdir(cache_dir) if not f.startswith("."))


# --------------------------------------------------------------------------------------


def case_password_v1beta1(ctx):
    r = ctx.run(ctx.password_flags())
    token = parse_credential(r, V1BETA1)
    check_token_valid(ctx, token)


def case_password_v1_from_env(ctx):
    with open(os.path.join(SAMPLES, "raw-exec-KUBERNETES_EXEC_INFO.json")) as f:
        exec_info = f.read()
    env = {"OS_AUTH_URL": ctx.ks.base_url, "OS_USER_DOMAIN_NAME": "Default",
           "OS_PROJECT_DOMAIN_NAME": "Default", "OS_USERNAME": USER,
           "OS_PROJECT_NAME": PROJECT, "OS_PASSWORD": PASSWORD,
           "KUBERNETES_EXEC_INFO": exec_info}
    r = ctx.run(["--no-cache"], env=env)
    token = parse_credential(r, V1)
    check_token_valid(ctx, token)


def case_second_run_served_from_cache(ctx):
    cache_dir = ctx.new_dir("cache")
    first = parse_credential(ctx.run(ctx.password_flags(cache_dir)), V1BETA1)
    second = parse_credential(ctx.run(ctx.password_flags(cache_dir)), V1BETA1)
    check(first == second, "second run issued a new token instead of using the cache")
    fresh = parse_credential(ctx.run(ctx.password_flags()), V1BETA1)  # --no-cache
    check(fresh != first, "--no-cache returned the cached token")
    refreshed = parse_credential(ctx.run(ctx.password_flags(cache_dir) + ["--refresh"]), V1BETA1)
    check(refreshed != first, "--refresh returned the cached token")
    again = parse_credential(ctx.run(ctx.password_flags(cache_dir)), V1BETA1)
    check(again == refreshed, "--refresh did not replace the cached token")

    files = cache_files(cache_dir)
    check(len(files) == 1 and re.match(r"^[0-9a-f]{64}\.json$", files[0]),
          "cache files: %s" % files)
    path = os.path.join(cache_dir, files[0])
    check(stat.S_IMODE(os.stat(cache_dir).st_mode) == 0o700, "cache dir mode %o"
          % stat.S_IMODE(os.stat(cache_dir).st_mode))
    check(stat.S_IMODE(os.stat(path).st_mode) == 0o600, "cache file mode %o"
          % stat.S_IMODE(os.stat(path).st_mode))
    with open(path, "rb") as f:
        content = f.read()
    check(PASSWORD.encode() not in content, "the cache file contains the password")
    check(refreshed.encode() in content, "the cache file does not hold the token")


def case_cache_default_dir_and_tampering(ctx):
    xdg = ctx.new_dir("xdg")
    env = {"XDG_CACHE_HOME": xdg}
    flags = ctx.password_flags()
    flags.remove("--no-cache")
    first = parse_credential(ctx.run(flags, env=env), V1BETA1)
    cache_dir = os.path.join(xdg, "gatehouse", "keystone")
    files = cache_files(cache_dir)
    check(len(files) == 1, "no cache entry under $XDG_CACHE_HOME/gatehouse/keystone: %s"
          % files)
    path = os.path.join(cache_dir, files[0])
    # An entry others may read is not trusted: a new token is issued and the entry replaced.
    os.chmod(path, 0o644)
    second = parse_credential(ctx.run(flags, env=env), V1BETA1)
    check(second != first, "a world-readable cache entry was trusted")
    check(stat.S_IMODE(os.stat(path).st_mode) == 0o600, "entry not rewritten with mode 0600")
    # An entry about to expire (within --cache-refresh-before) is replaced.
    third = parse_credential(ctx.run(flags + ["--cache-refresh-before", "2h"], env=env),
                             V1BETA1)
    check(third != second, "a token expiring within --cache-refresh-before was reused")
    # Garbage in the entry costs a new token, not a failure.
    with open(path, "w") as f:
        f.write("{not json")
    fourth = parse_credential(ctx.run(flags, env=env), V1BETA1)
    check_token_valid(ctx, fourth)


def case_cache_keyed_by_identity(ctx):
    cache_dir = ctx.new_dir("cache")
    parse_credential(ctx.run(ctx.password_flags(cache_dir)), V1BETA1)
    other_project_flags = ctx.password_flags(cache_dir)
    other_project_flags[other_project_flags.index(PROJECT)] = "other"
    token = parse_credential(ctx.run(other_project_flags), V1BETA1)
    check_token_valid(ctx, token, project="other")
    check(len(cache_files(cache_dir)) == 2, "one entry per project expected")


def case_wrong_password(ctx):
    cache_dir = ctx.new_dir("cache")
    wrong = "Wrong-Pw-5521"
    ctx.secrets.append(wrong)
    r = ctx.run(ctx.password_flags(cache_dir, password=wrong))
    check(r.returncode == 0, "exit %d (the reference exits 0)" % r.returncode)
    doc = json.loads(r.out)
    check(doc == {"apiVersion": V1BETA1, "kind": "ExecCredential", "status": {}},
          "stdout %r" % r.out)
    check("Invalid user credentials were provided" in r.err, "stderr %r" % r.err)
    check(not os.path.exists(cache_dir) or not cache_files(cache_dir),
          "a rejected login left a cache entry")

    env = {"KUBERNETES_EXEC_INFO": json.dumps({"apiVersion": V1, "kind": "ExecCredential",
                                               "spec": {"interactive": False}})}
    r = ctx.run(ctx.password_flags(password=wrong), env=env)
    check(r.returncode == 0 and json.loads(r.out)["apiVersion"] == V1, "v1 401 answer %r"
          % r.out)


def case_application_credential(ctx):
    cred = ctx.app_cred
    ctx.secrets.append(cred["secret"])
    r = ctx.run(["--keystone-url", ctx.ks.url, "--application-credential-id", cred["id"],
                 "--application-credential-secret", cred["secret"], "--no-cache"])
    token = parse_credential(r, V1BETA1)
    body = check_token_valid(ctx, token)
    check(body.get("application_credential", {}).get("id") == cred["id"],
          "token not issued from the application credential")

    env = {"OS_AUTH_URL": ctx.ks.url, "OS_APPLICATION_CREDENTIAL_NAME": cred["name"],
           "OS_APPLICATION_CREDENTIAL_SECRET": cred["secret"], "OS_USERNAME": USER,
           "OS_USER_DOMAIN_NAME": "Default"}
    token = parse_credential(ctx.run(["--no-cache"], env=env), V1BETA1)
    body = check_token_valid(ctx, token)
    check(body.get("application_credential", {}).get("name") == cred["name"],
          "by-name token not issued from the application credential")

    r = ctx.run(["--keystone-url", ctx.ks.url, "--application-credential-id", cred["id"],
                 "--application-credential-secret", "not-the-secret", "--no-cache"])
    check(r.returncode == 0 and json.loads(r.out)["status"] == {}, "wrong secret: %r" % r.out)


def case_keystone_down(ctx):
    port = free_port()
    r = ctx.run(["--keystone-url", "http://127.0.0.1:%d/v3" % port, "--domain-name", "Default",
                 "--user-name", USER, "--project-name", PROJECT, "--password", PASSWORD,
                 "--no-cache"], timeout=20)
    check(r.returncode == 1, "exit %d" % r.returncode)
    check(r.out == "", "stdout %r" % r.out)
    check(r.err.startswith("An error occurred: ") and "127.0.0.1:%d" % port in r.err,
          "stderr %r" % r.err)
    check(r.elapsed < 5, "took %.1f s" % r.elapsed)


def case_keystone_silent(ctx):
    # Accepts the connection but never answers: the --timeout must end the wait.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        r = ctx.run(["--keystone-url", "http://127.0.0.1:%d" % port, "--domain-name", "Default",
                     "--user-name", USER, "--project-name", PROJECT, "--password", PASSWORD,
                     "--no-cache", "--timeout", "1s"], timeout=20)
    check(r.returncode == 1, "exit %d" % r.returncode)
    check(r.err.startswith("An error occurred: "), "stderr %r" % r.err)
    check(r.elapsed < 5, "took %.1f s with --timeout 1s" % r.elapsed)


def case_missing_values_without_terminal(ctx):
    r = ctx.run(["--keystone-url", ctx.ks.url, "--domain-name", "Default",
                 "--user-name", USER, "--project-name", PROJECT, "--no-cache"])
    check(r.returncode == 1, "exit %d" % r.returncode)
    check(r.err.startswith("An error occurred: missing password"), "stderr %r" % r.err)
    check("Please enter" not in r.err, "prompted although stdin is not a terminal")


def case_prompts_on_terminal(ctx):
    import pty
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in OS_VARS}
    env["XDG_CACHE_HOME"] = os.path.join(ctx.scratch, "unused-xdg")
    proc = subprocess.Popen([ctx.gatehouse, "credential", "keystone", "--keystone-url",
                             ctx.ks.url, "--domain-name", "Default", "--no-cache"],
                            env=env, stdin=slave, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    os.close(slave)
    answers = {"Please enter user name: ": USER, "Please enter project name: ": PROJECT,
               "Please enter password: ": PASSWORD}
    seen, err = [], b""
    try:
        deadline = time.monotonic() + 60  # a loaded CI machine can be slow
        while proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 0.2)
            if not ready:
                continue
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                break
            err += chunk
            for prompt, answer in answers.items():
                if prompt.encode() in err and prompt not in seen:
                    seen.append(prompt)
                    os.write(master, (answer + "\n").encode())
        out, rest = proc.communicate(timeout=60)
        err += rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    check(seen == list(answers), "prompts seen: %s, stderr %r" % (seen, err))
    check(PASSWORD.encode() not in err, "password echoed on stderr")
    r = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    r.out, r.err = out.decode(), err.decode()
    token = parse_credential(r, V1BETA1)
    check_token_valid(ctx, token)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CASES = [case_password_v1beta1, case_password_v1_from_env, case_second_run_served_from_cache,
         case_cache_default_dir_and_tampering, case_cache_keyed_by_identity,
         case_wrong_password, case_application_credential, case_keystone_down,
         case_keystone_silent, case_missing_values_without_terminal, case_prompts_on_terminal]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    parser.add_argument("--shared", default="", help="unused (test data is in tests/data)")
    parser.add_argument("-k", default="", help="run only cases whose name contains this")
    args = parser.parse_args()
    if not is_available():
        print("Keystone packages are not installed (scripts/install-deps.sh)")
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="gatehouse-cred-") as scratch, Keystone() as ks:
        pid = ks.create_project(PROJECT)
        other = ks.create_project("other")
        uid = ks.create_user(USER, PASSWORD, default_project_id=pid)
        ks.assign_project_role(pid, uid, "member")
        ks.assign_project_role(other, uid, "member")
        ctx = Context(os.path.abspath(args.gatehouse), ks, scratch)
        user_token = ks.issue_project_token(USER, PASSWORD, PROJECT)
        ctx.app_cred = ks.create_application_credential(uid, user_token, "kubectl")
        for case in CASES:
            name = case.__name__[len("case_"):]
            if args.k not in name:
                continue
            try:
                case(ctx)
                passed += 1
                print("PASS %s" % name, flush=True)
            except Failure as e:
                failed += 1
                print("FAIL %s: %s" % (name, e), flush=True)
            except Exception as e:  # a crash in one case must not hide the others
                failed += 1
                print("FAIL %s: %s: %s" % (name, type(e).__name__, e), flush=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
