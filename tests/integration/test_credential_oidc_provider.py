#!/usr/bin/env python3
"""`gatehouse credential oidc` against a real OpenID Connect provider (npm oidc-provider).

Run by ctest as:
    python3 test_credential_oidc_provider.py --gatehouse PATH_TO_BINARY
        [-k NAME]   # only the cases whose name contains NAME
Prints one line per case and a final `N passed, N failed`; exits non-zero on any failure.

The provider is harness/oidc_provider/server.js, a Keycloak-like realm with the device
authorization grant (RFC 8628) for the public client `kubectl`, refresh tokens and ID tokens
carrying preferred_username, email, groups as full paths and realm_access. The user's part is
done as a person would: the test reads the "To sign in, open URI and enter code CODE" prompt
the plugin prints on stderr, opens URI in a cookie-keeping "browser" signed in to the realm and
submits the provider's own code and confirm forms (OidcProvider.device_approve). The ID tokens
obtained are then reviewed by a real `gatehouse serve` configured for the issuer.

Error paths a real provider cannot produce on demand (malformed answers, slow_down, a silent
provider, confidential clients' bad secrets) are covered against a fake provider by
test_credential_oidc.py.
"""

import argparse
import base64
import calendar
import json
import os
import re
import select
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.gatehouse import GatehouseServer, Suite  # noqa: E402
from harness.oidc_provider import (DeviceApprovalError, OidcProvider, decode_part,  # noqa: E402
                                   is_available)

V1 = "client.authentication.k8s.io/v1"
V1BETA1 = "client.authentication.k8s.io/v1beta1"
CLIENT_ID = "kubectl"
PROMPT = re.compile(r"To sign in, open (\S+) and enter code (\S+)")
# What server.js says about dev-user (a Keycloak user in two groups).
DEV_SUB = "5f0c2a4e-7b1d-4c39-9a57-0d2f6e8b1c34"
DEV_CLAIMS = {
    "preferred_username": "dev-user",
    "email": "dev@example.test",
    "email_verified": True,
    "groups": ["/team-dev", "/team-demo"],
    "realm_access": {"roles": ["k8s-admin", "offline_access"]},
}
SHORT_TTL = 4  # seconds of the short-lived provider's ID tokens
LATE_CODE_TTL = 2  # seconds of the third provider's device codes
ISSUER_EXTRA = "gatehouse.io/oidc/issuer"
SUBJECT_EXTRA = "gatehouse.io/oidc/subject"


class Run:
    def __init__(self, returncode, stdout, stderr, seconds, prompt):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr
        self.seconds, self.prompt = seconds, prompt


class Ctx:
    """Providers, the scratch folder and a lazily started `gatehouse serve`."""

    def __init__(self, gatehouse, scratch, main_op, short_op, late_op):
        self.gatehouse = gatehouse
        self.scratch = scratch
        self.op = main_op        # ID tokens valid for an hour
        self.short = short_op    # ID tokens valid for SHORT_TTL seconds
        self.late = late_op      # device codes valid for LATE_CODE_TTL seconds
        self.n = 0
        self.tokens = []         # every token seen, to check none leaks
        self._server = None

    def new_dir(self, name):
        self.n += 1
        return os.path.join(self.scratch, "%02d-%s" % (self.n, name))

    def server(self):
        """`gatehouse serve` trusting both providers for audience kubectl."""
        if self._server is None:
            work = self.new_dir("serve")
            os.makedirs(work)
            config = os.path.join(work, "gatehouse.yaml")
            with open(config, "w") as f:
                # The short-lived issuer tolerates 1 s of skew (default 1m), so its tokens are
                # refused soon after they expire.
                f.write("""oidc:
  issuers:
    - issuerURL: %s
      clientID: [kubectl]
      usernameClaim: preferred_username
      usernamePrefix: "short:"
      groupsClaim: groups
      clockSkew: 1s
""" % self.short.issuer)
            self._server = GatehouseServer(self.gatehouse, [
                "--config", config,
                "--oidc-issuer-url", self.op.issuer, "--oidc-client-id", CLIENT_ID,
                "--oidc-username-claim", "preferred_username", "--oidc-username-prefix", "oidc:",
                "--oidc-groups-claim", "groups", "--oidc-groups-prefix", "oidc:",
                "--oidc-realm-roles", "true", "--oidc-realm-roles-prefix", "role:",
                "--token-cache-ttl", "0"], data_dir=work).start()
        return self._server

    def close(self):
        if self._server is not None:
            self._server.stop()

    def run(self, args, on_prompt=None, exec_info=V1, timeout=30):
        """Runs the plugin. When it prompts, calls on_prompt(uri, code) like a user would act;
        without on_prompt a prompt is a failure (the plugin is stopped at once)."""
        env = {k: v for k, v in os.environ.items() if k != "KUBERNETES_EXEC_INFO"}
        env["XDG_CACHE_HOME"] = os.path.join(self.scratch, "unused-xdg")
        env["KUBERNETES_EXEC_INFO"] = json.dumps(
            {"apiVersion": exec_info, "kind": "ExecCredential", "spec": {"interactive": False}})
        start = time.monotonic()
        proc = subprocess.Popen([self.gatehouse, "credential", "oidc"] + args,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        out, err = b"", b""
        prompt = None
        streams = [proc.stdout, proc.stderr]
        try:
            while streams and time.monotonic() < start + timeout:
                ready, _, _ = select.select(streams, [], [], 0.2)
                for s in ready:
                    chunk = os.read(s.fileno(), 65536)
                    if not chunk:
                        streams.remove(s)
                    elif s is proc.stdout:
                        out += chunk
                    else:
                        err += chunk
                m = PROMPT.search(err.decode(errors="replace"))
                if m and prompt is None:
                    prompt = (m.group(1), m.group(2))
                    if on_prompt is None:
                        raise AssertionError("the plugin asked to sign in: %r" % m.group(0))
                    on_prompt(*prompt)
            if streams:
                raise AssertionError("plugin did not finish within %ss; stderr: %s" % (
                    timeout, err.decode(errors="replace")[-500:]))
        finally:
            if proc.poll() is None and streams:
                proc.kill()
            proc.wait()
        return Run(proc.returncode, out.decode(), err.decode(errors="replace"),
                   time.monotonic() - start, prompt)

    def login(self, op, args, exec_info=V1, **approve):
        """A device-flow sign-in approved in the browser; returns (run, ExecCredential, token)."""
        run = self.run(args, exec_info=exec_info,
                       on_prompt=lambda uri, code: op.device_approve(uri, code, **approve))
        check(run.prompt is not None, "no sign-in prompt: %r" % run.stderr)
        doc, token = credential_of(run)
        return run, doc, token


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def credential_of(run):
    check(run.returncode == 0, "exit %s, stderr: %s" % (run.returncode, run.stderr[-500:]))
    doc = json.loads(run.stdout)
    check(doc.get("kind") == "ExecCredential", "not an ExecCredential: %s" % doc.get("kind"))
    return doc, doc["status"]["token"]


def expiry_of(doc):
    return calendar.timegm(time.strptime(doc["status"]["expirationTimestamp"],
                                         "%Y-%m-%dT%H:%M:%SZ"))


def plugin_args(op, cache=None):
    args = ["--issuer-url", op.issuer, "--client-id", CLIENT_ID]
    return args + (["--cache-dir", cache] if cache else ["--no-cache"])


def check_id_token(ctx, op, doc, token, ttl):
    """`token` is an ID token of `op` for dev-user and kubectl, and the ExecCredential's
    expiry is its exp."""
    ctx.tokens.append(token)
    header, claims = decode_part(token, 0), decode_part(token, 1)
    check(header.get("alg") == "RS256", "alg %s" % header.get("alg"))
    kids = [k["kid"] for k in op.jwks()["keys"]]
    check(header.get("kid") in kids, "signed with kid %s, not one of %s" % (header.get("kid"),
                                                                          kids))
    check(claims["iss"] == op.issuer, "iss %s != %s" % (claims["iss"], op.issuer))
    check(claims["aud"] == CLIENT_ID, "aud %s" % claims["aud"])
    check(claims["sub"] == DEV_SUB, "sub %s" % claims["sub"])
    for name, value in DEV_CLAIMS.items():
        check(claims.get(name) == value, "claim %s: %r, expected %r" % (name, claims.get(name),
                                                                      value))
    check(claims["exp"] - claims["iat"] == ttl, "lifetime %s s, expected %s s" % (
        claims["exp"] - claims["iat"], ttl))
    check(abs(claims["iat"] - time.time()) < 30, "iat %s is not now" % claims["iat"])
    check(expiry_of(doc) == claims["exp"], "expirationTimestamp %s is not exp %s" % (
        doc["status"]["expirationTimestamp"], claims["exp"]))
    return claims


def check_quiet(run):
    """The token printed on stdout is not on stderr too."""
    token = json.loads(run.stdout)["status"]["token"]
    check(token not in run.stderr and token.split(".")[2] not in run.stderr,
          "the token appeared on stderr")


def review(gh, token):
    status, body = gh.post("/webhook", {"apiVersion": "authentication.k8s.io/v1",
                                        "kind": "TokenReview", "spec": {"token": token}})
    check(status in (200, 401), "status %s: %s" % (status, body))
    return body["status"]


def cache_files(cache_dir):
    return sorted(os.path.join(cache_dir, f) for f in os.listdir(cache_dir)) \
        if os.path.isdir(cache_dir) else []


suite = Suite()


@suite.test
def device_login_gives_the_providers_id_token(ctx):
    op = ctx.op
    cache = ctx.new_dir("login")
    run, doc, token = ctx.login(op, plugin_args(op, cache))
    check(doc["apiVersion"] == V1, "apiVersion %s" % doc["apiVersion"])
    check_id_token(ctx, op, doc, token, 3600)
    uri, code = run.prompt
    check(uri == op.issuer + "/device?user_code=" + code, "prompt names %s" % uri)
    check(re.fullmatch(r"[B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4}", code),
          "not the provider's user code format: %s" % code)
    check_quiet(run)
    files = cache_files(cache)
    check(len(files) == 1, "cache files: %s" % files)
    check(stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600, "cache file not 0600")
    # v1beta1, and the user types the code on the bare verification page this time.
    run = ctx.run(plugin_args(op), exec_info=V1BETA1,
                  on_prompt=lambda uri, code: op.device_approve(uri.split("?")[0], code))
    doc, second = credential_of(run)
    check(doc["apiVersion"] == V1BETA1, "apiVersion %s" % doc["apiVersion"])
    check(second != token, "a second sign-in gave the same token")
    check_id_token(ctx, op, doc, second, 3600)
    check_quiet(run)


@suite.test
def webhook_accepts_the_id_token_with_username_and_groups(ctx):
    op = ctx.op
    _, doc, token = ctx.login(op, plugin_args(op))
    ctx.tokens.append(token)
    st = review(ctx.server(), token)
    check(st.get("authenticated") is True, st)
    user = st["user"]
    check(user["username"] == "oidc:dev-user", user)
    check(user["groups"] == ["oidc:/team-dev", "oidc:/team-demo", "role:k8s-admin",
                             "role:offline_access"], user)
    check(user["extra"][ISSUER_EXTRA] == [op.issuer], user)
    check(user["extra"][SUBJECT_EXTRA] == [DEV_SUB], user)
    # The same token with its username changed on the way is refused.
    parts = token.split(".")
    forged = dict(decode_part(token, 1), preferred_username="admin")
    payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    st = review(ctx.server(), ".".join([parts[0], payload, parts[2]]))
    check(st.get("authenticated") is not True, "a forged token was accepted: %s" % st)


@suite.test
def second_run_is_served_from_the_cache(ctx):
    op = ctx.op
    cache = ctx.new_dir("cached")
    _, first_doc, first = ctx.login(op, plugin_args(op, cache))
    ctx.tokens.append(first)
    op.stop()  # the provider is gone: only the cache can answer
    try:
        down = ctx.run(plugin_args(op) + ["--timeout", "2s"])
        check(down.returncode == 1 and "cannot reach the OIDC provider" in down.stderr,
              "the provider is not down: exit %s %r" % (down.returncode, down.stderr))
        run = ctx.run(plugin_args(op, cache), exec_info=V1BETA1)
        doc, second = credential_of(run)
        check(second == first, "the cached token was not reused")
        check(doc["apiVersion"] == V1BETA1, "apiVersion %s" % doc["apiVersion"])
        check(doc["status"]["expirationTimestamp"] == first_doc["status"]["expirationTimestamp"],
              "another expiry: %s" % doc["status"]["expirationTimestamp"])
        check(run.prompt is None and run.stderr.strip() == "", "not silent: %r" % run.stderr)
    finally:
        op.start()  # same port and keys


@suite.test
def expired_id_token_is_refreshed_without_a_prompt(ctx):
    op = ctx.short
    cache = ctx.new_dir("refresh")
    _, doc, first = ctx.login(op, plugin_args(op, cache))
    claims1 = check_id_token(ctx, op, doc, first, SHORT_TTL)
    gh = ctx.server()
    st = review(gh, first)
    check(st.get("authenticated") is True and st["user"]["username"] == "short:dev-user", st)
    # Wait until the token is past its expiry and the webhook's 1 s of skew.
    time.sleep(max(0.0, claims1["exp"] + 2.2 - time.time()))
    st = review(gh, first)
    check(st.get("authenticated") is not True, "the expired ID token is still accepted: %s" % st)
    run = ctx.run(plugin_args(op, cache))  # a prompt fails the run
    doc, second = credential_of(run)
    check(run.stderr.strip() == "", "refresh was not silent: %r" % run.stderr)
    check(second != first, "the expired token was handed out again")
    claims2 = check_id_token(ctx, op, doc, second, SHORT_TTL)
    check(claims2["iat"] >= claims1["exp"], "not a new token: iat %s, old exp %s" % (
        claims2["iat"], claims1["exp"]))
    st = review(gh, second)
    check(st.get("authenticated") is True and st["user"]["username"] == "short:dev-user", st)
    # The provider rotates a public client's refresh token (the old one is spent): the run
    # after next works only if the rotated one was stored.
    run = ctx.run(plugin_args(op, cache))
    doc, third = credential_of(run)
    check(third not in (first, second), "no new token on the third run")
    check_id_token(ctx, op, doc, third, SHORT_TTL)
    check(run.stderr.strip() == "", "third run not silent: %r" % run.stderr)


@suite.test
def sign_in_aborted_by_the_user_fails_clearly(ctx):
    op = ctx.op
    cache = ctx.new_dir("aborted")
    run = ctx.run(plugin_args(op, cache), on_prompt=lambda uri, code: op.device_approve(
        uri, code, decision="abort"))
    check(run.prompt is not None, "no prompt")
    check(run.returncode == 1, "exit %s" % run.returncode)
    check("sign-in was denied" in run.stderr and "aborted" in run.stderr,
          "unclear message: %r" % run.stderr)
    check(run.stdout == "", "printed a credential")
    check(cache_files(cache) == [], "something was cached: %s" % cache_files(cache))


@suite.test
def sign_in_refused_by_the_provider_fails_clearly(ctx):
    op = ctx.op
    refused = []

    def locked_user(uri, code):
        try:
            op.device_approve(uri, code, account="locked-user")
        except DeviceApprovalError as e:
            refused.append(str(e))

    run = ctx.run(plugin_args(op), on_prompt=locked_user)
    check(refused, "the provider let a disabled account sign in")
    check(run.returncode == 1, "exit %s" % run.returncode)
    check("sign-in was denied" in run.stderr and "the account is disabled" in run.stderr,
          "unclear message: %r" % run.stderr)
    check(run.stdout == "", "printed a credential")


@suite.test
def expired_device_code_fails_clearly(ctx):
    late = ctx.late
    seen = []
    run = ctx.run(plugin_args(late), timeout=20,  # the user walks away
                  on_prompt=lambda uri, code: seen.append((uri, code, time.time())))
    check(seen, "no prompt")
    check(run.returncode == 1, "exit %s" % run.returncode)
    check("expired" in run.stderr and "run the command again" in run.stderr,
          "unclear message: %r" % run.stderr)
    check(run.seconds < LATE_CODE_TTL + 8, "gave up after %.1fs for a %d s code" % (
        run.seconds, LATE_CODE_TTL))
    check(run.stdout == "", "printed a credential")
    # ... and comes back once the code has surely expired at the provider too.
    uri, code, prompted = seen[0]
    time.sleep(max(0.0, prompted + LATE_CODE_TTL + 1.2 - time.time()))
    try:
        late.device_approve(uri, code)
        raise AssertionError("the provider accepted an expired code")
    except DeviceApprovalError as e:
        check("expired" in str(e), "the provider refused the late user otherwise: %s" % e)


@suite.test
def tokens_never_reach_the_logs(ctx):
    _, _, token = ctx.login(ctx.op, plugin_args(ctx.op))
    ctx.tokens.append(token)
    check(review(ctx.server(), token).get("authenticated") is True, "not accepted")
    log = ctx.server().log()
    for token in ctx.tokens:
        check(token not in log, "a token reached gatehouse's log")
        check(token.split(".")[2] not in log, "a signature reached gatehouse's log")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    parser.add_argument("--shared", default="")
    parser.add_argument("-k", dest="only", default="", help="run the cases whose name has this")
    args = parser.parse_args()
    if not is_available():
        print("node/npm not installed: skipping")
        print("0 passed, 0 failed, 1 skipped")
        return 77  # ctest reports it as skipped (SKIP_RETURN_CODE), not passed
    suite.tests = [t for t in suite.tests if args.only in t.__name__]
    if not suite.tests:
        print("no case matches %r" % args.only)
        return 1
    providers = [OidcProvider(realm="demo", device_poll_interval=1),
                 OidcProvider(realm="short", id_token_ttl=SHORT_TTL, device_poll_interval=1),
                 OidcProvider(realm="late", device_code_ttl=LATE_CODE_TTL, device_poll_interval=1)]
    with tempfile.TemporaryDirectory(prefix="gatehouse-oidc-cred-op-") as scratch:
        ctx = Ctx(os.path.abspath(args.gatehouse), scratch, *providers)
        try:
            for p in providers:  # loading node takes seconds: all at once
                p.launch()
            for p in providers:
                p.wait_ready()
            ok = suite.run(ctx)
            if not ok:
                for p in providers:
                    print("--- provider %s log (tail) ---\n%s" % (p.realm, p.log()[-1500:]))
                if ctx._server is not None:
                    print("--- gatehouse log (tail) ---\n" + ctx._server.log()[-1500:])
        finally:
            ctx.close()
            for p in providers:
                p.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
