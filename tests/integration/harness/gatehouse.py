"""Runs `gatehouse serve` for integration tests and talks to it over HTTPS (stdlib only).

    with GatehouseServer(binary, ["--keystone-url", ks.url], data_dir=tmp) as gh:
        status, body = gh.post("/webhook", {...})
        gh.metrics()          # Prometheus text
        gh.log()              # everything the server wrote on stderr so far

The server listens on 127.0.0.1 with an ephemeral port (it prints it), TLS from the
self-signed pair it generates in its data folder unless the args give one. It is stopped
by PID (TERM, then KILL) in stop(), __exit__ and at exit.
"""

import atexit
import json
import os
import re
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

try:
    from .process import stop_process
except ImportError:  # run as a script from this folder
    from process import stop_process


class GatehouseServer:
    def __init__(self, binary, args=(), data_dir=None, start_timeout=20.0, env=None):
        self.binary = binary
        self.args = list(args)
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="gatehouse-test-")
        self.start_timeout = start_timeout
        self.env = env
        self.proc = None
        self.port = None
        self.stdout_path = os.path.join(self.data_dir, "stdout.log")
        self.stderr_path = os.path.join(self.data_dir, "stderr.log")
        self._context = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        cmd = [self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir]
        cmd += self.args
        env = dict(os.environ)
        env.update(self.env or {})
        self.proc = subprocess.Popen(cmd, stdout=open(self.stdout_path, "w"),
                                     stderr=open(self.stderr_path, "w"), env=env)
        atexit.register(self.stop)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gatehouse exited with %s: %s" % (self.proc.returncode,
                                                                    self.log()[-2000:]))
            m = re.search(r"listening on port (\d+)", open(self.stdout_path).read())
            if m:
                self.port = int(m.group(1))
                break
            time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError("gatehouse did not start: " + self.log()[-2000:])
        ca = os.path.join(self.data_dir, "tls", "ca.crt")
        if os.path.exists(ca):
            self._context = ssl.create_default_context(cafile=ca)
        else:  # the test gave its own certificate; it must pass a context via set_ca
            self._context = ssl.create_default_context()
        return self

    def set_ca(self, ca_file):
        self._context = ssl.create_default_context(cafile=ca_file)

    def stop(self):
        proc, self.proc = self.proc, None
        stop_process(proc)

    @property
    def base(self):
        return "https://localhost:%d" % self.port

    def request(self, method, path, body=None, raw=None, headers=None, timeout=10.0):
        """Returns (status, text)."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                             urllib.request.HTTPSHandler(context=self._context))
        try:
            with opener.open(req, timeout=timeout) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def post_headers_only(self, path, content_length):
        """Announces a body of content_length bytes and reads the answer before sending it
        (how a server that refuses oversized bodies early is observed). Returns the status."""
        import http.client
        conn = http.client.HTTPSConnection("localhost", self.port, context=self._context,
                                           timeout=10)
        conn.putrequest("POST", path)
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(content_length))
        conn.endheaders()
        conn.send(b"{" + b" " * 1000)
        try:
            return conn.getresponse().status
        finally:
            conn.close()

    def post(self, path, body, **kw):
        """Returns (status, parsed JSON or raw text)."""
        status, text = self.request("POST", path, body=body, **kw)
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def get(self, path):
        return self.request("GET", path)

    def metrics(self):
        return self.get("/metrics")[1]

    def metric(self, name, **labels):
        """Sum of the samples of `name` whose labels include `labels`."""
        total = 0.0
        for line in self.metrics().splitlines():
            if not line.startswith(name + "{") and not line.startswith(name + " "):
                continue
            if all('%s="%s"' % (k, v) in line for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def log(self):
        try:
            return open(self.stderr_path).read()
        except OSError:
            return ""


class Suite:
    """A tiny runner: register tests with @suite.test, run(), print `N passed, N failed`."""

    def __init__(self):
        self.tests = []

    def test(self, fn):
        self.tests.append(fn)
        return fn

    def run(self, *args):
        passed = failed = 0
        for fn in self.tests:
            started = time.monotonic()
            try:
                fn(*args)
                passed += 1
                print("PASS %s (%.2fs)" % (fn.__name__, time.monotonic() - started), flush=True)
            except Exception as e:  # noqa: BLE001 - report every failure and go on
                failed += 1
                print("FAIL %s: %s: %s" % (fn.__name__, type(e).__name__, e), flush=True)
        print("%d passed, %d failed" % (passed, failed), flush=True)
        return failed == 0


def wait_until(predicate, timeout=10.0, interval=0.05, what="condition"):
    """Polls predicate() until true; raises AssertionError after timeout (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError("timed out waiting for " + what)
