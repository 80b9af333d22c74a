#!/usr/bin/env python3
"""`gatehouse credential oidc` (device authorization grant, refresh, cache) on 127.0.0.1.

Run by ctest as:
    python3 test_credential_oidc.py --gatehouse PATH_TO_BINARY
Prints one line per case and a final `N passed, N failed`; exits non-zero on any failure.

The provider is a small stdlib fake (FakeProvider below) that speaks RFC 8628 and RFC 6749
§6. The end-to-end suite against a real provider (the npm oidc-provider realm of
harness/oidc_provider, device flow, refresh, cache, and the ID token reviewed by `gatehouse
serve`) is test_credential_oidc_provider.py; this fake stays for what a real provider cannot be
made to do on demand: counting every request, revoking refresh tokens, scopes as cache keys, a
confidential client with a wrong secret, a provider that is down or silent, and an issuer
mismatch. The user's approval is automated as a person would do it: the test reads the prompt
the plugin prints on stderr, opens the verification URI with urllib and submits the approval
form.
"""

import argparse
import base64
import calendar
import http.server
import json
import os
import re
import secrets
import select
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.gatehouse import Suite  # noqa: E402

V1 = "client.authentication.k8s.io/v1"
V1BETA1 = "client.authentication.k8s.io/v1beta1"
CLIENT_ID = "kubectl"
CONF_ID, CONF_SECRET = "kube-dev", "dev-Secret-4821"
PROMPT = re.compile(r"To sign in, open (\S+) and enter code (\S+)")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_claims(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class FakeProvider:
    """An OpenID provider with the device flow, refresh tokens and a confidential client.

    Issued ID tokens are JWTs with a dummy signature (the plugin never verifies them).
    Counters record what the plugin asked for. Thread-safe enough for one plugin at a time.
    """

    def __init__(self, id_token_ttl=3600):
        self.id_token_ttl = id_token_ttl
        self.lock = threading.Lock()
        self.devices = {}        # device_code -> {"user_code", "state", "scope", "client"}
        self.refresh_tokens = {}  # refresh_token -> (client, scope)
        self.counts = {"device": 0, "device_token": 0, "refresh": 0, "discovery": 0}
        self.bad_auth = 0
        provider = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body, ctype="application/json"):
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    with provider.lock:
                        provider.counts["discovery"] += 1
                    self._send(200, {
                        "issuer": provider.issuer,
                        "token_endpoint": provider.issuer + "/token",
                        "device_authorization_endpoint": provider.issuer + "/device",
                        "grant_types_supported": ["urn:ietf:params:oauth:grant-type:device_code",
                                                  "refresh_token"],
                    })
                elif url.path == "/activate":
                    code = urllib.parse.parse_qs(url.query).get("user_code", [""])[0]
                    self._send(200, (
                        '<form method="post" action="/activate">'
                        '<input name="user_code" value="%s">'
                        '<button name="decision" value="approve">Yes</button>'
                        '<button name="decision" value="deny">No</button></form>') % code,
                        "text/html")
                else:
                    self._send(404, {"error": "not_found"})

            def _form(self):
                n = int(self.headers.get("Content-Length") or 0)
                return {k: v[0] for k, v in
                        urllib.parse.parse_qs(self.rfile.read(n).decode()).items()}

            def _client(self, form):
                """The authenticated client id, or None (RFC 6749 §2.3.1)."""
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Basic "):
                    user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
                    user, pw = urllib.parse.unquote_plus(user), urllib.parse.unquote_plus(pw)
                    if user == CONF_ID and pw == CONF_SECRET and form.get("client_id") in (
                            None, CONF_ID):
                        return CONF_ID
                    return None
                if form.get("client_id") == CLIENT_ID:
                    return CLIENT_ID
                return None

            def do_POST(self):
                path = urllib.parse.urlsplit(self.path).path
                form = self._form()
                if path == "/activate":
                    with provider.lock:
                        for d in provider.devices.values():
                            if d["user_code"] == form.get("user_code") and d["state"] == "pending":
                                d["state"] = "approved" if form.get("decision") == "approve" \
                                    else "denied"
                                self._send(200, "<p>done</p>", "text/html")
                                return
                    self._send(400, "<p>unknown code</p>", "text/html")
                    return
                client = self._client(form)
                if client is None:
                    with provider.lock:
                        provider.bad_auth += 1
                    self._send(401, {"error": "invalid_client"})
                    return
                if path == "/device":
                    device_code = secrets.token_urlsafe(24)
                    user_code = "%04d-%04d" % (secrets.randbelow(10000), secrets.randbelow(10000))
                    with provider.lock:
                        provider.counts["device"] += 1
                        provider.devices[device_code] = {
                            "user_code": user_code, "state": "pending", "client": client,
                            "scope": form.get("scope", "")}
                    self._send(200, {
                        "device_code": device_code, "user_code": user_code,
                        "verification_uri": provider.issuer + "/activate",
                        "verification_uri_complete":
                            provider.issuer + "/activate?user_code=" + user_code,
                        "expires_in": 60, "interval": 1})
                elif path == "/token":
                    self._token(client, form)
                else:
                    self._send(404, {"error": "not_found"})

            def _token(self, client, form):
                grant = form.get("grant_type")
                with provider.lock:
                    if grant == "urn:ietf:params:oauth:grant-type:device_code":
                        provider.counts["device_token"] += 1
                        d = provider.devices.get(form.get("device_code"))
                        if d is None or d["client"] != client:
                            self._send(400, {"error": "invalid_grant"})
                        elif d["state"] == "pending":
                            self._send(400, {"error": "authorization_pending"})
                        elif d["state"] == "denied":
                            self._send(400, {"error": "access_denied",
                                             "error_description": "the user said no"})
                        else:
                            del provider.devices[form["device_code"]]
                            self._send(200, provider.issue(client, d["scope"]))
                    elif grant == "refresh_token":
                        provider.counts["refresh"] += 1
                        entry = provider.refresh_tokens.pop(form.get("refresh_token"), None)
                        if entry is None or entry[0] != client:
                            self._send(400, {"error": "invalid_grant"})
                        else:
                            self._send(200, provider.issue(client, entry[1]))
                    else:
                        self._send(400, {"error": "unsupported_grant_type"})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def issue(self, client, scope):
        """A token answer (caller holds the lock)."""
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": client, "sub": "alice", "iat": now,
                  "exp": now + self.id_token_ttl, "jti": secrets.token_hex(8)}
        id_token = ".".join([b64url(b'{"alg":"RS256","typ":"JWT"}'),
                             b64url(json.dumps(claims).encode()), b64url(b"not-a-signature")])
        answer = {"access_token": "at-" + secrets.token_urlsafe(16), "token_type": "Bearer",
                  "expires_in": 300, "scope": scope}
        if "openid" in scope.split():
            answer["id_token"] = id_token
        if "offline_access" in scope.split():
            refresh = "rt-" + secrets.token_urlsafe(16)
            self.refresh_tokens[refresh] = (client, scope)
            answer["refresh_token"] = refresh
        return answer

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        return False


def approve(uri, user_code, decision="approve"):
    """What the user does in the browser: open the page, submit the form."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(uri, timeout=10) as resp:
        page = resp.read().decode()
    if user_code not in page:
        raise AssertionError("the verification page does not show the user code")
    action = urllib.parse.urljoin(uri, re.search(r'action="([^"]+)"', page).group(1))
    data = urllib.parse.urlencode({"user_code": user_code, "decision": decision}).encode()
    with opener.open(urllib.request.Request(action, data=data, method="POST"), timeout=10):
        pass


class Run:
    def __init__(self, returncode, stdout, stderr, seconds):
        self.returncode, self.stdout, self.stderr, self.seconds = (returncode, stdout, stderr,
                                                                  seconds)

    def credential(self):
        doc = json.loads(self.stdout)
        return doc


class Ctx:
    def __init__(self, gatehouse, scratch):
        self.gatehouse = gatehouse
        self.scratch = scratch
        self.n = 0

    def new_dir(self, name):
        self.n += 1
        return os.path.join(self.scratch, "%02d-%s" % (self.n, name))

    def run(self, args, approve_with=None, exec_info=V1, timeout=60):
        """Runs the plugin; when it prompts, approves (or denies) like a user would."""
        env = {k: v for k, v in os.environ.items() if k != "KUBERNETES_EXEC_INFO"}
        env["XDG_CACHE_HOME"] = os.path.join(self.scratch, "unused-xdg")
        if exec_info:
            env["KUBERNETES_EXEC_INFO"] = json.dumps(
                {"apiVersion": exec_info, "kind": "ExecCredential",
                 "spec": {"interactive": False}})
        start = time.monotonic()
        proc = subprocess.Popen([self.gatehouse, "credential", "oidc"] + args,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        out, err = b"", b""
        prompted = False
        deadline = start + timeout
        streams = [proc.stdout, proc.stderr]
        while streams and time.monotonic() < deadline:
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
            if m and not prompted:
                prompted = True
                if approve_with:
                    approve(m.group(1), m.group(2), approve_with)
        if streams:
            proc.kill()
            proc.wait()
            raise AssertionError("plugin did not finish within %ss; stderr: %s" % (
                timeout, err.decode(errors="replace")[-500:]))
        proc.wait()
        return Run(proc.returncode, out.decode(), err.decode(errors="replace"),
                   time.monotonic() - start)


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def check_no_secrets(run, secrets_list):
    for s in secrets_list:
        check(s not in run.stderr, "a token or secret appeared on stderr")


def token_of(run):
    check(run.returncode == 0, "exit %s, stderr: %s" % (run.returncode, run.stderr[-500:]))
    doc = run.credential()
    check(doc.get("kind") == "ExecCredential", "not an ExecCredential: %s" % doc.get("kind"))
    return doc, doc["status"]["token"]


def cache_files(cache_dir):
    return [os.path.join(cache_dir, f) for f in os.listdir(cache_dir)] \
        if os.path.isdir(cache_dir) else []


suite = Suite()


@suite.test
def device_flow_end_to_end(ctx):
    with FakeProvider() as op:
        cache = ctx.new_dir("e2e")
        run = ctx.run(["--issuer-url", op.issuer, "--client-id", CLIENT_ID, "--cache-dir", cache],
                      approve_with="approve")
        doc, token = token_of(run)
        check(doc["apiVersion"] == V1, "apiVersion %s" % doc["apiVersion"])
        claims = jwt_claims(token)
        check(claims["iss"] == op.issuer, "iss %s != %s" % (claims["iss"], op.issuer))
        check(claims["aud"] == CLIENT_ID, "aud %s" % claims["aud"])
        ts = doc["status"]["expirationTimestamp"]
        check(calendar.timegm(time.strptime(ts, "%Y-%m-%dT%H:%M:%SZ")) == claims["exp"],
              "expirationTimestamp %s is not the exp claim %s" % (ts, claims["exp"]))
        check("To sign in, open " + op.issuer + "/activate?user_code=" in run.stderr,
              "no prompt on stderr: %r" % run.stderr)
        check(op.counts["device"] == 1, "device authorizations: %s" % op.counts)
        check(op.counts["device_token"] >= 1, "no token polls")
        check_no_secrets(run, [token, doc["status"]["token"]])
        files = cache_files(cache)
        check(len(files) == 1, "cache files: %s" % files)
        check(stat.S_IMODE(os.stat(cache).st_mode) == 0o700, "cache dir not 0700")
        check(stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600, "cache file not 0600")
        check(re.fullmatch(r"[0-9a-f]{64}\.json", os.path.basename(files[0])),
              "cache file name %s is not a digest" % files[0])


@suite.test
def second_run_is_served_from_cache(ctx):
    with FakeProvider() as op:
        cache = ctx.new_dir("cached")
        args = ["--issuer-url", op.issuer, "--client-id", CLIENT_ID, "--cache-dir", cache]
        _, first = token_of(ctx.run(args, approve_with="approve"))
        before = dict(op.counts)
        run = ctx.run(args, exec_info=V1BETA1)  # no approver: a device flow would hang
        doc, second = token_of(run)
        check(second == first, "the cached token was not reused")
        check(doc["apiVersion"] == V1BETA1, "apiVersion %s" % doc["apiVersion"])
        check(op.counts == before, "the provider was contacted: %s -> %s" % (before, op.counts))
        check("To sign in" not in run.stderr, "prompted although cached")
        # Other scopes are another cache entry: no token is reused across scopes.
        run = ctx.run(args + ["--scope", "openid", "--scope", "email offline_access"],
                      approve_with="approve")
        _, third = token_of(run)
        check(third != first and op.counts["device"] == 2, "scopes did not change the entry")
        check(len(cache_files(cache)) == 2, "expected two cache entries")


@suite.test
def short_lived_token_is_refreshed_silently(ctx):
    # Tokens valid for 30 s are never served from the cache (a minute of margin is required),
    # so the second run must use the refresh token.
    with FakeProvider(id_token_ttl=30) as op:
        cache = ctx.new_dir("refresh")
        args = ["--issuer-url", op.issuer, "--client-id", CLIENT_ID, "--cache-dir", cache]
        _, first = token_of(ctx.run(args, approve_with="approve"))
        run = ctx.run(args)  # no approver
        _, second = token_of(run)
        check(second != first, "the too-short cached token was handed out again")
        check(jwt_claims(second)["iss"] == op.issuer, "refreshed token from elsewhere")
        check(op.counts["refresh"] == 1 and op.counts["device"] == 1,
              "expected one refresh and no new device flow: %s" % op.counts)
        check(run.stderr.strip() == "", "refresh was not silent: %r" % run.stderr)
        # The rotated refresh token was stored: a third run refreshes again.
        _, third = token_of(ctx.run(args))
        check(third != second and op.counts["refresh"] == 2 and op.counts["device"] == 1,
              "rotated refresh token not kept: %s" % op.counts)


@suite.test
def revoked_refresh_token_falls_back_to_device_flow(ctx):
    with FakeProvider(id_token_ttl=30) as op:
        cache = ctx.new_dir("revoked")
        args = ["--issuer-url", op.issuer, "--client-id", CLIENT_ID, "--cache-dir", cache]
        token_of(ctx.run(args, approve_with="approve"))
        with op.lock:
            op.refresh_tokens.clear()
        run = ctx.run(args, approve_with="approve")
        token_of(run)
        check(op.counts["device"] == 2, "no new device flow: %s" % op.counts)
        check("invalid_grant" in run.stderr, "no reason given: %r" % run.stderr)


@suite.test
def confidential_client_and_access_token(ctx):
    with FakeProvider() as op:
        cache = ctx.new_dir("confidential")
        run = ctx.run(["--issuer-url", op.issuer, "--client-id", CONF_ID, "--client-secret",
                       CONF_SECRET, "--cache-dir", cache, "--token-type", "access_token"],
                      approve_with="approve")
        doc, token = token_of(run)
        check(token.startswith("at-"), "not the access token")
        check(op.bad_auth == 0, "client authentication failed %d times" % op.bad_auth)
        ts = calendar.timegm(time.strptime(doc["status"]["expirationTimestamp"],
                                           "%Y-%m-%dT%H:%M:%SZ"))
        check(abs(ts - (time.time() + 300)) < 30, "expiry is not now + expires_in")
        check_no_secrets(run, [CONF_SECRET, token])
        for f in cache_files(cache):
            check(CONF_SECRET not in open(f).read() and CONF_SECRET not in f,
                  "the client secret reached the cache")
        bad = ctx.run(["--issuer-url", op.issuer, "--client-id", CONF_ID, "--client-secret",
                       "wrong", "--no-cache"])
        check(bad.returncode == 1 and "invalid_client" in bad.stderr,
              "wrong secret: exit %s %r" % (bad.returncode, bad.stderr))
        check("wrong" not in bad.stderr, "the secret was echoed")


@suite.test
def denied_sign_in_fails_clearly(ctx):
    with FakeProvider() as op:
        run = ctx.run(["--issuer-url", op.issuer, "--client-id", CLIENT_ID, "--no-cache"],
                      approve_with="deny")
        check(run.returncode == 1, "exit %s" % run.returncode)
        check("denied" in run.stderr, "unclear message: %r" % run.stderr)
        check(run.stdout == "", "printed a credential")


@suite.test
def provider_down_without_cache(ctx):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    issuer = "http://127.0.0.1:%d/realms/demo" % port
    run = ctx.run(["--issuer-url", issuer, "--client-id", CLIENT_ID,
                   "--cache-dir", ctx.new_dir("down"), "--timeout", "2s"], timeout=20)
    check(run.returncode == 1, "exit %s" % run.returncode)
    check("cannot reach the OIDC provider" in run.stderr and issuer in run.stderr,
          "unclear message: %r" % run.stderr)
    check(run.seconds < 10, "took %.1fs" % run.seconds)
    check(run.stdout == "", "printed a credential")


@suite.test
def silent_provider_times_out(ctx):
    # A provider that accepts connections but never answers: --timeout bounds the wait.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        issuer = "http://127.0.0.1:%d" % s.getsockname()[1]
        run = ctx.run(["--issuer-url", issuer, "--client-id", CLIENT_ID, "--no-cache",
                       "--timeout", "1500ms"], timeout=20)
    check(run.returncode == 1, "exit %s" % run.returncode)
    check("cannot reach the OIDC provider" in run.stderr, "unclear message: %r" % run.stderr)
    check(1.0 <= run.seconds < 6, "took %.1fs for a 1.5s timeout" % run.seconds)


@suite.test
def issuer_mismatch_is_refused(ctx):
    with FakeProvider() as op:
        run = ctx.run(["--issuer-url", op.issuer + "/", "--client-id", CLIENT_ID, "--no-cache"])
        check(run.returncode == 1 and "issuer" in run.stderr,
              "exit %s %r" % (run.returncode, run.stderr))
        check(op.counts["device"] == 0, "a device flow started with the wrong issuer")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    parser.add_argument("--shared", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gatehouse-oidc-cred-") as scratch:
        ok = suite.run(Ctx(os.path.abspath(args.gatehouse), scratch))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
