"""A real CNCF distribution registry (Debian `docker-registry` 2.8) on 127.0.0.1 for tests.

The registry trusts a token service (distribution's docs/configuration.md, `auth.token`):
filesystem storage in a scratch
folder made with ``tempfile``, ``auth.token`` with the given realm (the URL of gatehouse's
``/service/token``), service, issuer and a ``rootcertbundle`` file holding the PEM
certificates given (what ``gatehouse registry signing-certs`` prints). The registry reads the
bundle only at start-up, so ``restart(bundle_pem=...)`` publishes new certificates (same port,
same stored images). Readiness: ``GET /v2/`` answers 401 with a Bearer challenge. The process
is stopped by its PID in ``stop()``, ``__exit__`` and at interpreter exit (atexit), and as a
last resort gets SIGTERM when the Python process dies (PR_SET_PDEATHSIG).

Usage::

    from harness.docker_registry import DockerRegistry, V2Client

    with DockerRegistry(realm="https://localhost:8443/service/token", service="registry",
                        issuer="gatehouse", bundle_pem=pem) as reg:
        reg.host                 # "127.0.0.1:<port>" (what image references and skopeo use)
        reg.url                  # "http://127.0.0.1:<port>"
        status, headers, body = reg.request("GET", "/v2/")   # 401 + WWW-Authenticate
        V2Client(reg.url, token).push(repo, tag, image)       # a raw /v2 push with a token
        reg.log()                # what the registry wrote (tokens are never in it: it does
                                 # not log Authorization headers)

Errors raise DockerRegistryError; messages carry the tail of the registry's log, which never
holds credentials.
"""

import atexit
import json
import os
import re
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

BINARY = "/usr/bin/docker-registry"


class DockerRegistryError(Exception):
    """The registry could not be started, or answered a raw /v2 call unexpectedly."""


def is_available():
    """True when Debian's docker-registry is installed (for test skipping)."""
    return os.access(BINARY, os.X_OK)


def _opener():
    # Never through a proxy: the registry is on this machine.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _http(method, url, data=None, headers=None, timeout=10.0):
    """(status, headers, body bytes) without raising on HTTP errors. Redirects are followed
    for GET/HEAD only (urllib's default), which a /v2 upload does not need."""
    req = urllib.request.Request(url, data=data, method=method)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with _opener().open(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def parse_challenge(header):
    """The parameters of a `Bearer k="v",...` WWW-Authenticate header: {"scheme": "Bearer",
    "realm": ..., "service": ..., "scope": ..., "error": ...}; {} for anything else."""
    if not header:
        return {}
    scheme, _, rest = header.partition(" ")
    params = {"scheme": scheme}
    for key, value in re.findall(r'(\w+)="([^"]*)"', rest):
        params[key] = value
    return params


class DockerRegistry:
    """One registry process. Not thread-safe."""

    def __init__(self, realm, service, issuer, bundle_pem, port=None, start_timeout=20.0,
                 log_level="info"):
        self.realm = realm
        self.service = service
        self.issuer = issuer
        self.bundle_pem = bundle_pem
        self.port = port
        self.start_timeout = float(start_timeout)
        self.log_level = log_level
        self.dir = tempfile.mkdtemp(prefix="gatehouse-registry-")
        self.storage_dir = os.path.join(self.dir, "data")
        self.config_path = os.path.join(self.dir, "config.yml")
        self.bundle_path = os.path.join(self.dir, "bundle.crt")
        self.log_path = os.path.join(self.dir, "registry.log")
        self.proc = None
        atexit.register(self.close)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def host(self):
        return "127.0.0.1:%d" % self.port

    @property
    def url(self):
        return "http://" + self.host

    def _write_config(self):
        if "CERTIFICATE" not in (self.bundle_pem or ""):
            raise DockerRegistryError("the root certificate bundle holds no CERTIFICATE")
        with open(self.bundle_path, "w") as f:
            f.write(self.bundle_pem)
        # JSON is YAML: no quoting pitfalls with the realm URL.
        config = {
            "version": 0.1,
            "log": {"level": self.log_level, "fields": {"service": "registry"}},
            "storage": {"filesystem": {"rootdirectory": self.storage_dir},
                        "delete": {"enabled": True}},
            "http": {"addr": self.host, "headers": {"X-Content-Type-Options": ["nosniff"]}},
            "auth": {"token": {"realm": self.realm, "service": self.service,
                               "issuer": self.issuer, "rootcertbundle": self.bundle_path}},
        }
        with open(self.config_path, "w") as f:
            json.dump(config, f, indent=2)

    def start(self):
        """Writes the config, starts the registry, waits until /v2/ answers the challenge.
        Returns self; raises DockerRegistryError (after stopping the process) on failure."""
        if self.proc is not None:
            return self
        if not is_available():
            raise DockerRegistryError(BINARY + " not installed (Debian: docker-registry)")
        fixed_port = self.port is not None
        last_error = None
        for _ in range(1 if fixed_port else 3):  # a free port may be taken before we bind
            if not fixed_port:
                self.port = free_port()
            self._write_config()
            log = open(self.log_path, "a")
            try:
                self.proc = subprocess.Popen([BINARY, "serve", self.config_path], cwd=self.dir,
                                             stdin=subprocess.DEVNULL, stdout=log,
                                             stderr=subprocess.STDOUT,
                                             preexec_fn=die_with_parent)
            finally:
                log.close()
            try:
                self._wait_ready()
                return self
            except DockerRegistryError as e:
                last_error = e
                self.stop()
                if "address already in use" not in self.log()[-2000:]:
                    break
        raise last_error

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise DockerRegistryError("docker-registry exited with %s: %s" % (
                    self.proc.returncode, self.log()[-2000:]))
            try:
                status, headers, _ = _http("GET", self.url + "/v2/", timeout=2)
                if status == 401 and parse_challenge(
                        headers.get("WWW-Authenticate")).get("scheme") == "Bearer":
                    return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        raise DockerRegistryError("docker-registry not ready after %.0f s: %s" % (
            self.start_timeout, self.log()[-2000:]))

    def stop(self):
        """Stops the process by PID (TERM, then KILL after 10 s). Keeps the scratch folder
        (stored images survive a restart). Idempotent."""
        proc, self.proc = self.proc, None
        stop_process(proc)

    def restart(self, bundle_pem=None):
        """Stops and starts again on the same port with the same storage; a new bundle (e.g.
        after a signing key rotation) is written first when given."""
        self.stop()
        if bundle_pem is not None:
            self.bundle_pem = bundle_pem
        return self.start()

    def close(self):
        """stop() and remove the scratch folder. Safe from atexit."""
        self.stop()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    def request(self, method, path, data=None, headers=None):
        """(status, headers, body bytes) of one request to the registry."""
        return _http(method, self.url + path, data=data, headers=headers)


class V2Client:
    """A raw Docker Registry HTTP API V2 client with one bearer token (no token fetching):
    what a client does once it holds a registry token. Each call returns the HTTP status of
    the step that decided the outcome; `last` keeps (status, body text) of that step."""

    def __init__(self, base_url, token):
        self.base = base_url.rstrip("/")
        self.token = token
        self.last = None

    def _call(self, method, path_or_url, data=None, headers=None):
        url = path_or_url if path_or_url.startswith("http") else self.base + path_or_url
        h = {"Authorization": "Bearer " + self.token}
        h.update(headers or {})
        status, resp_headers, body = _http(method, url, data=data, headers=h)
        self.last = (status, body.decode(errors="replace")[:500])
        return status, resp_headers, body

    def ping(self):
        return self._call("GET", "/v2/")[0]

    def push_blob(self, repo, digest, data):
        """Monolithic upload (POST, then PUT ?digest=). Returns 201 on success."""
        status, headers, _ = self._call("POST", "/v2/%s/blobs/uploads/" % repo, data=b"",
                                        headers={"Content-Length": "0"})
        if status != 202:
            return status
        location = urllib.parse.urljoin(self.base + "/", headers.get("Location", ""))
        sep = "&" if "?" in location else "?"
        status, _, _ = self._call("PUT", location + sep + "digest=" +
                                  urllib.parse.quote(digest, safe=""), data=data,
                                  headers={"Content-Type": "application/octet-stream"})
        return status

    def push(self, repo, tag, image):
        """Uploads the image's blobs and PUTs its manifest under `tag`. Returns the status of
        the first failing step, or 201 when the manifest was stored."""
        for digest, data in image.blobs().items():
            status = self.push_blob(repo, digest, data)
            if status != 201:
                return status
        status, _, _ = self._call("PUT", "/v2/%s/manifests/%s" % (repo, tag),
                                  data=image.manifest,
                                  headers={"Content-Type": json.loads(image.manifest)["mediaType"]})
        return status

    def manifest(self, repo, reference, accept="application/vnd.oci.image.manifest.v1+json"):
        """(status, Docker-Content-Digest header or None, body bytes)."""
        status, headers, body = self._call("GET", "/v2/%s/manifests/%s" % (repo, reference),
                                           headers={"Accept": accept})
        return status, headers.get("Docker-Content-Digest"), body


# --------------------------------------------------------------------------------------
# Self-check: python3 tests/integration/harness/docker_registry.py
# A hand-made token service stand-in: an RSA certificate made with the openssl CLI, tokens
# signed with `openssl dgst` (RS256, x5c header), as distribution's token auth accepts them.


def _self_check():
    import base64
    import sys

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from harness.oci_image import OciImage

    def b64url(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    t0 = time.monotonic()
    work = tempfile.mkdtemp(prefix="gatehouse-registry-check-")
    try:
        key, crt = os.path.join(work, "k.pem"), os.path.join(work, "c.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        key, "-out", crt, "-days", "2", "-subj", "/CN=check-issuer"],
                       check=True, capture_output=True)
        der = subprocess.run(["openssl", "x509", "-in", crt, "-outform", "DER"], check=True,
                             capture_output=True).stdout
        with open(crt) as f:
            pem = f.read()

        def token(repo, actions, issuer="check-issuer"):
            now = int(time.time())
            header = {"typ": "JWT", "alg": "RS256",
                      "x5c": [base64.b64encode(der).decode()]}
            claims = {"iss": issuer, "sub": "check", "aud": "check-svc", "exp": now + 300,
                      "nbf": now - 5, "iat": now, "jti": "x",
                      "access": [{"type": "repository", "name": repo, "actions": actions}]}
            signing_input = b64url(json.dumps(header).encode()) + "." + \
                b64url(json.dumps(claims).encode())
            sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
                                 input=signing_input.encode(), check=True,
                                 capture_output=True).stdout
            return signing_input + "." + b64url(sig)

        realm = "https://localhost:1/service/token"
        with DockerRegistry(realm=realm, service="check-svc", issuer="check-issuer",
                            bundle_pem=pem) as reg:
            status, headers, _ = reg.request("GET", "/v2/")
            ch = parse_challenge(headers.get("WWW-Authenticate"))
            assert status == 401 and ch == {"scheme": "Bearer", "realm": realm,
                                            "service": "check-svc"}, (status, ch)
            status, headers, _ = reg.request("GET", "/v2/p/x/manifests/1")
            ch = parse_challenge(headers.get("WWW-Authenticate"))
            assert status == 401 and ch.get("scope") == "repository:p/x:pull", ch
            image = OciImage("check")
            client = V2Client(reg.url, token("p/x", ["pull", "push"]))
            assert client.ping() == 200, client.last
            assert client.push("p/x", "1", image) == 201, client.last
            status, digest, _ = client.manifest("p/x", "1")
            assert status == 200 and digest == image.manifest_digest, (status, digest)
            # Pull-only, other repository, other issuer: refused.
            assert V2Client(reg.url, token("p/x", ["pull"])).push("p/x", "2", image) == 401
            assert V2Client(reg.url, token("p/y", ["pull", "push"])).push("p/x", "2",
                                                                          image) == 401
            assert V2Client(reg.url, token("p/x", ["pull"], issuer="rogue")).ping() == 401
            reg.restart()  # same port, images kept
            pid = reg.proc.pid
            status, digest, _ = client.manifest("p/x", "1")
            assert status == 200 and digest == image.manifest_digest, "restart lost data"
        try:
            os.kill(pid, 0)
            raise AssertionError("docker-registry %d still running after close()" % pid)
        except ProcessLookupError:
            pass
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("docker_registry harness OK in %.1f s" % (time.monotonic() - t0))


if __name__ == "__main__":
    _self_check()
