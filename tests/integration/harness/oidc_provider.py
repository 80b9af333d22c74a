"""A real OpenID Connect provider on 127.0.0.1 for integration tests (stdlib + Node).

Runs ``oidc_provider/server.js`` (the npm package ``oidc-provider``, configured like a
Keycloak realm) under ``node``. ``npm install`` fills ``oidc_provider/node_modules`` on first
use when it is absent. The provider is stopped by its PID in ``stop()``, ``__exit__``, at
interpreter exit and, as a last resort, when the Python process dies (PR_SET_PDEATHSIG).

Usage::

    from harness.oidc_provider import OidcProvider

    with OidcProvider(realm="demo") as op:
        op.issuer                         # "http://127.0.0.1:<port>/realms/demo"
        token = op.access_token("kube-dev", "dev-secret", audience="kubernetes")
        op.rotate_keys()                  # a new signing key; the old one stays published
        op.stop(); op.start()             # same port and keys: the provider restarted

    with OidcProvider(realm="demo", id_token_ttl=5, device_poll_interval=1) as op:
        # a device flow started by `gatehouse credential oidc --client-id kubectl` printed
        # "To sign in, open URI and enter code CODE"; the user signs it in:
        op.device_approve(uri, code)                   # as dev-user; returns the final page
        op.device_approve(uri, code, decision="abort")  # the user refuses on the confirm page

Tokens are JWT access tokens (RFC 9068) from the provider's own token endpoint
(client_credentials grant with a resource indicator), or ID tokens of the public client
`kubectl` from the device authorization grant. Error messages never contain tokens or client
secrets.
"""

import atexit
import base64
import html.parser
import http.cookiejar
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

try:
    from .process import die_with_parent, free_port, stop_process, tail
except ImportError:  # run as a script from this folder
    from process import die_with_parent, free_port, stop_process, tail

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "oidc_provider")


class OidcProviderError(Exception):
    """The provider could not be started, or answered unexpectedly."""


def is_available():
    """True when node and npm are installed (for test skipping)."""
    return shutil.which("node") is not None and shutil.which("npm") is not None


def ensure_installed(timeout=300):
    """Runs `npm install` in the provider folder when its node_modules is missing."""
    if os.path.isdir(os.path.join(HERE, "node_modules", "oidc-provider")):
        return
    result = subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=HERE,
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise OidcProviderError("npm install failed: " + result.stderr[-2000:])


def _opener():
    # Never through a proxy: the provider is on this machine.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _Forms(html.parser.HTMLParser):
    """The forms of a page: [{"id", "action", "inputs": {name: value}, "buttons": [...]}].

    Inputs and buttons outside a form join the form named by their `form` attribute, as a
    browser does.
    """

    def __init__(self):
        super().__init__()
        self.forms = []
        self.errors = []
        self._in_error = False

    def _form_for(self, attrs):
        owner = attrs.get("form")
        for form in self.forms:
            if owner and form["id"] == owner:
                return form
        return self.forms[-1] if self.forms and not owner else None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v if v is not None else "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"id": attrs.get("id", ""), "action": attrs.get("action", ""),
                               "inputs": {}, "buttons": []})
        elif tag == "input" and attrs.get("name"):
            form = self._form_for(attrs)
            if form is not None:
                form["inputs"][attrs["name"]] = attrs.get("value", "")
        elif tag == "button":
            form = self._form_for(attrs)
            if form is not None:
                form["buttons"].append((attrs.get("name", ""), attrs.get("value", "")))
        if attrs.get("id") == "error":
            self._in_error = True

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_error = False

    def handle_data(self, data):
        if self._in_error:
            self.errors.append(data)


def _parse_page(text):
    parser = _Forms()
    parser.feed(text)
    return parser


class DeviceApprovalError(OidcProviderError):
    """The provider's pages did not lead where the user meant to go."""


def decode_part(token, index):
    """The JSON of part `index` (0 header, 1 claims) of a compact JWS, unverified."""
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class OidcProvider:
    """One provider process. Not thread-safe."""

    def __init__(self, realm="demo", port=None, start_timeout=30.0, id_token_ttl=None,
                 device_code_ttl=None, device_poll_interval=None):
        """The TTLs and the poll interval are seconds; None keeps server.js's defaults."""
        self.realm = realm
        self.port = port
        self.start_timeout = float(start_timeout)
        self.options = []
        for flag, value in (("--id-token-ttl", id_token_ttl),
                            ("--device-code-ttl", device_code_ttl),
                            ("--device-poll-interval", device_poll_interval)):
            if value is not None:
                self.options += [flag, str(int(value))]
        self.dir = tempfile.mkdtemp(prefix="gatehouse-oidc-")
        self.keys_file = os.path.join(self.dir, "keys.json")
        self.log_path = os.path.join(self.dir, "provider.log")
        self.proc = None
        atexit.register(self.close)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def issuer(self):
        return "%s/realms/%s" % (self.base, self.realm)

    def start(self):
        return self.launch().wait_ready()

    def launch(self):
        """Starts the process without waiting for it (start several, then wait_ready each:
        node takes seconds to load on a busy machine)."""
        ensure_installed()
        if self.port is None:
            self.port = free_port()
        cmd = ["node", os.path.join(HERE, "server.js"), "--port", str(self.port),
               "--realm", self.realm, "--keys", self.keys_file] + self.options
        self.proc = subprocess.Popen(cmd, cwd=HERE, stdout=open(self.log_path, "a"),
                                     stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        return self

    def wait_ready(self):
        """Waits until discovery answers; stops the process and raises when it does not."""
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise OidcProviderError("provider exited with %s: %s" % (
                    self.proc.returncode, self.log()[-2000:]))
            try:
                with _opener().open(self.issuer + "/.well-known/openid-configuration",
                                    timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        self.stop()
        raise OidcProviderError("provider did not become ready: " + self.log()[-2000:])

    def stop(self):
        proc, self.proc = self.proc, None
        stop_process(proc)

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        try:
            return open(self.log_path, errors="replace").read()
        except OSError:
            return ""

    def _post(self, url, form=None, auth=None):
        data = urllib.parse.urlencode(form or {}).encode()
        req = urllib.request.Request(url, data=data, method="POST")
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
        if auth:
            basic = base64.b64encode(("%s:%s" % auth).encode()).decode()
            req.add_header("Authorization", "Basic " + basic)
        try:
            with _opener().open(req, timeout=10) as resp:
                return resp.status, json.loads(resp.read().decode() or "null")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")[:300]

    def access_token(self, client_id, client_secret, audience="kubernetes", scope=None):
        """A JWT access token for `client_id` with `aud: audience` (client_credentials)."""
        form = {"grant_type": "client_credentials",
                "resource": "urn:gatehouse:aud:" + audience}
        if scope:
            form["scope"] = scope
        status, body = self._post(self.issuer + "/token", form, auth=(client_id, client_secret))
        if status != 200 or not isinstance(body, dict) or "access_token" not in body:
            # The body of an error answer holds no token.
            raise OidcProviderError("token request for %s failed: HTTP %s %s" % (
                client_id, status, body if status != 200 else "(no access_token)"))
        return body["access_token"]

    def rotate_keys(self):
        """Makes a new key current (the old one stays in the JWKS); returns its kid."""
        status, body = self._post(self.base + "/test/rotate")
        if status != 200:
            raise OidcProviderError("rotation failed: HTTP %s" % status)
        return body["kid"]

    def jwks(self):
        with _opener().open(self.issuer + "/jwks", timeout=5) as resp:
            return json.loads(resp.read().decode())

    def device_approve(self, verification_uri, user_code, account="dev-user", decision="approve",
                       timeout=10):
        """What a user does in a browser signed in to the realm as `account`.

        Opens `verification_uri` (with or without ?user_code), enters `user_code` when the page
        asks for it, then on the provider's confirm page continues (decision "approve") or
        aborts ("abort"); cookies are kept and redirects followed, the login and consent steps
        are finished by the provider for the browser's account (see server.js). Returns the
        text of the last page. Raises DeviceApprovalError when a page is not the expected one,
        with the provider's error message if it shows one.
        """
        if decision not in ("approve", "abort"):
            raise ValueError("decision must be approve or abort")
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                              urllib.request.HTTPCookieProcessor(jar))

        def fetch(url, form=None):
            data = urllib.parse.urlencode(form).encode() if form is not None else None
            try:
                with browser.open(urllib.request.Request(url, data=data), timeout=timeout) as r:
                    return r.geturl(), r.read().decode(errors="replace")
            except urllib.error.HTTPError as e:
                body = e.read().decode(errors="replace")
                raise DeviceApprovalError("HTTP %s from %s: %s" % (
                    e.code, urllib.parse.urlsplit(url).path,
                    " ".join(_parse_page(body).errors) or body[:200]))

        if account is not None:
            fetch(self.base + "/test/login?" + urllib.parse.urlencode({"account": account}))
        url, text = fetch(verification_uri)
        # 1. The code entry form: pre-filled (auto-submitted) for verification_uri_complete,
        #    else the user types the code.
        # 2. The confirm form: shows the code; Continue or Abort.
        for step in ("enter", "confirm"):
            page = _parse_page(text)
            if page.errors:
                raise DeviceApprovalError("the provider says: " + " ".join(page.errors))
            if not page.forms:
                raise DeviceApprovalError("no form on the %s page" % step)
            form = page.forms[0]
            fields = dict(form["inputs"])
            if "xsrf" not in fields:
                raise DeviceApprovalError("the %s form has no xsrf field" % step)
            if step == "enter":
                if "confirm" in fields:
                    raise DeviceApprovalError("the confirm page came before the code was entered")
                if not fields.get("user_code"):
                    fields["user_code"] = user_code
            else:
                if "confirm" not in fields:
                    raise DeviceApprovalError("no confirm form after the code was entered")
                if _normalize_code(fields.get("user_code", "")) != _normalize_code(user_code):
                    raise DeviceApprovalError("the confirm page shows another code")
                if decision == "abort":  # the Abort button; a browser sends the form too
                    fields["abort"] = "yes"
            url, text = fetch(urllib.parse.urljoin(url, form["action"]), fields)
        page = _parse_page(text)
        if decision == "approve" and 'id="success"' not in text:
            raise DeviceApprovalError("sign-in did not succeed: " + (
                " ".join(page.errors) or text[:200]))
        return text


def _normalize_code(code):
    return "".join(c for c in code.upper() if c.isalnum())
