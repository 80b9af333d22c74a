"""A real OpenStack Keystone on 127.0.0.1 for integration tests (stdlib only).

Starts Keystone (Debian ``python3-keystone`` served by ``uwsgi``) exactly as
Keystone's install guide describes it, for a test: a scratch folder made
with ``tempfile``, fernet tokens, sqlite, in-memory cache, ``password_hash_rounds = 4``,
one uwsgi process with one thread (sqlite locks otherwise), a pidfile, readiness by
polling ``GET /v3/``. The server is stopped by its PID in ``stop()``, ``__exit__``, at
interpreter exit (atexit) and, as a last resort, when the Python process dies (the
uwsgi master gets SIGTERM through PR_SET_PDEATHSIG), so no process is left behind.

Usage::

    from harness.keystone import Keystone

    with Keystone() as ks:                      # or Keystone(token_expiration=4)
        pid = ks.create_project("demo")
        uid = ks.create_user("demo", "pw", default_project_id=pid)
        gid = ks.create_group("mygroup")
        ks.add_user_to_group(uid, gid)
        ks.assign_project_role(pid, uid, "member")
        token = ks.issue_project_token("demo", "pw", "demo")
        status, body = ks.validate_token(token)  # self-validation, like k8s-keystone-auth
        ks.url                                  # "http://127.0.0.1:<port>/v3"

Every helper raises KeystoneError when Keystone answers with an unexpected status.
Error messages never contain tokens or passwords.
"""

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

try:
    from .process import die_with_parent, free_port, stop_process, tail
except ImportError:  # run as a script from this folder
    from process import die_with_parent, free_port, stop_process, tail

ADMIN_USER = "admin"
ADMIN_PASSWORD = "s3cret"
ADMIN_PROJECT = "admin"
DEFAULT_DOMAIN_ID = "default"
DEFAULT_DOMAIN_NAME = "Default"

KEYSTONE_MANAGE = "/usr/bin/keystone-manage"
KEYSTONE_WSGI = "/usr/bin/keystone-wsgi-public"
UWSGI = "/usr/bin/uwsgi"

_ADMIN = object()  # sentinel: "use the admin token"


class KeystoneError(Exception):
    """Keystone could not be started, or answered an API call unexpectedly."""


def is_available():
    """True when the packages needed to run Keystone are installed (for test skipping)."""
    return all(os.access(p, os.X_OK) for p in (KEYSTONE_MANAGE, KEYSTONE_WSGI, UWSGI))


def _child_env(config_dir=None):
    env = dict(os.environ)
    # The uwsgi python plugin and keystone-manage use the system interpreter; a pyenv or
    # virtualenv PYTHONHOME/PYTHONPATH from the test runner would break their imports.
    for var in ("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV", "PYENV_VERSION"):
        env.pop(var, None)
    if config_dir is not None:
        env["OS_KEYSTONE_CONFIG_DIR"] = config_dir
    return env


class Keystone:
    """One Keystone server. Not thread-safe; use one instance per test process/thread.

    Args:
      token_expiration: ``[token] expiration`` in seconds (small values for expiry tests).
      extra_config: {section: {key: value}} merged into keystone.conf (overrides defaults).
      start_timeout: seconds to wait for GET /v3/ to answer 200.
      keep_dir: keep the scratch folder after stop() (also env GATEHOUSE_KEEP_KEYSTONE_DIR=1).
    """

    def __init__(self, token_expiration=3600, extra_config=None, start_timeout=60.0,
                 keep_dir=False):
        self.token_expiration = int(token_expiration)
        self.extra_config = extra_config or {}
        self.start_timeout = float(start_timeout)
        self.keep_dir = keep_dir or os.environ.get("GATEHOUSE_KEEP_KEYSTONE_DIR") == "1"
        self.dir = None
        self.port = None
        self.pid = None
        self.admin_token = None
        self._proc = None
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._role_ids = {}

    # ----------------------------------------------------------------------------------
    # Life cycle

    @property
    def base_url(self):
        """http://127.0.0.1:<port> (no version)."""
        return "http://127.0.0.1:%d" % self.port

    @property
    def url(self):
        """The identity v3 URL to give to gatehouse (--keystone-url): ends with /v3."""
        return self.base_url + "/v3"

    @property
    def config_file(self):
        return os.path.join(self.dir, "keystone.conf")

    @property
    def log_file(self):
        return os.path.join(self.dir, "log", "keystone.log")

    @property
    def uwsgi_log_file(self):
        return os.path.join(self.dir, "log", "uwsgi.log")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        """Creates the scratch folder, bootstraps Keystone, starts uwsgi, waits until ready.

        Returns self. Raises KeystoneError (after cleaning up) on any failure.
        """
        if self._proc is not None:
            return self
        if not is_available():
            raise KeystoneError("keystone-manage / keystone-wsgi-public / uwsgi not installed")
        atexit.register(self.stop)
        try:
            self.dir = tempfile.mkdtemp(prefix="gatehouse-keystone-")
            for sub in ("log", "fernet-keys", "credential-keys"):
                os.makedirs(os.path.join(self.dir, sub), mode=0o700)
            last_error = None
            for _ in range(3):  # the free port may be taken between free_port() and bind
                self.port = free_port()
                self._write_config()
                if not os.path.exists(os.path.join(self.dir, "keystone.db")):
                    self._bootstrap()
                try:
                    self._start_server()
                    break
                except KeystoneError as e:
                    last_error = e
                    self._stop_server()
                    if "Address already in use" not in tail(self.uwsgi_log_file, 200):
                        raise
            else:
                raise last_error
            self.admin_token = self.issue_project_token(ADMIN_USER, ADMIN_PASSWORD, ADMIN_PROJECT)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        """Stops the server by PID (TERM, then KILL after 10 s) and removes the scratch dir.

        Idempotent; safe from atexit.
        """
        self._stop_server()
        if self.dir and not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
        self.admin_token = None

    def _write_config(self):
        d = self.dir
        conf = {
            "DEFAULT": {"log_file": os.path.join(d, "log", "keystone.log")},
            "database": {"connection": "sqlite:///" + os.path.join(d, "keystone.db")},
            "token": {"provider": "fernet", "expiration": str(self.token_expiration)},
            "fernet_tokens": {"key_repository": os.path.join(d, "fernet-keys")},
            "fernet_receipts": {"key_repository": os.path.join(d, "fernet-keys")},
            "credential": {"key_repository": os.path.join(d, "credential-keys")},
            # bcrypt minimum: token issue ~10 ms instead of ~210 ms; must precede bootstrap.
            "identity": {"password_hash_rounds": "4"},
            # Without a cache scoped validation takes ~0.6 s (trips short client timeouts).
            "cache": {"enabled": "true", "backend": "dogpile.cache.memory"},
        }
        for section, values in self.extra_config.items():
            conf.setdefault(section, {}).update({k: str(v) for k, v in values.items()})
        with open(self.config_file, "w") as f:
            for section, values in conf.items():
                f.write("[%s]\n" % section)
                for k, v in values.items():
                    f.write("%s = %s\n" % (k, v))
                f.write("\n")

    def _manage(self, *args):
        cmd = [KEYSTONE_MANAGE, "--config-file", self.config_file] + list(args)
        r = subprocess.run(cmd, env=_child_env(), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=120, cwd=self.dir,
                           preexec_fn=die_with_parent)
        if r.returncode != 0:
            out = r.stdout.decode(errors="replace")[-3000:]
            raise KeystoneError("keystone-manage %s failed (rc=%d):\n%s"
                                % (args[0], r.returncode, out))

    def _bootstrap(self):
        self._manage("db_sync")
        self._manage("fernet_setup", "--keystone-user", "root", "--keystone-group", "root")
        self._manage("credential_setup", "--keystone-user", "root", "--keystone-group", "root")
        endpoint = self.url + "/"
        self._manage("bootstrap", "--bootstrap-password", ADMIN_PASSWORD,
                     "--bootstrap-admin-url", endpoint, "--bootstrap-internal-url", endpoint,
                     "--bootstrap-public-url", endpoint, "--bootstrap-region-id", "RegionOne")

    def _start_server(self):
        pidfile = os.path.join(self.dir, "uwsgi.pid")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(pidfile)
        cmd = [UWSGI, "--plugin", "python3", "--http-socket", "127.0.0.1:%d" % self.port,
               "--wsgi-file", KEYSTONE_WSGI, "--processes", "1", "--threads", "1",
               "--master", "--die-on-term", "--need-app", "--pidfile", pidfile,
               "--logto", self.uwsgi_log_file]
        # cwd matters: uwsgi puts it on sys.path, and a "keystone.py" there (this very
        # module, when run from its folder) would shadow the keystone package.
        self._proc = subprocess.Popen(cmd, env=_child_env(self.dir), cwd=self.dir,
                                      stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      preexec_fn=die_with_parent)
        self.pid = self._proc.pid
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise KeystoneError("uwsgi exited with %s before serving; log:\n%s"
                                    % (self._proc.returncode, tail(self.uwsgi_log_file)))
            try:
                status, _, _ = self.request("GET", "/", timeout=2.0)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise KeystoneError("Keystone not ready after %.0f s; uwsgi log:\n%s\nkeystone log:\n%s"
                            % (self.start_timeout, tail(self.uwsgi_log_file),
                               tail(self.log_file)))

    def _stop_server(self):
        proc, self._proc = self._proc, None
        if proc is None:
            return
        # uwsgi does not daemonize, so the pidfile's master PID is the process we started;
        # we signal that PID (never a PID read from disk that we did not start). Workers are in
        # the process group we created for the master (setpgrp).
        stop_process(proc, kill_group=True)
        self.pid = None

    # ----------------------------------------------------------------------------------
    # HTTP

    def request(self, method, path, body=None, token=None, headers=None, timeout=30.0):
        """Calls Keystone. ``path`` is relative to the v3 URL ("/users") or "/" for /v3/.

        Returns (status, headers: dict with lower-case names, json or text or None).
        Never raises for HTTP status codes; raises OSError on network errors.
        """
        url = self.url + path if path != "/" else self.url + "/"
        data = None
        hdrs = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if token is not None:
            hdrs["X-Auth-Token"] = token
        hdrs.update(headers or {})
        req = urllib.request.Request(url, data=data, headers=hdrs, method=method)
        try:
            with self._opener.open(req, timeout=timeout) as resp:
                status, rh, raw = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, rh, raw = e.code, e.headers, e.read()
        text = raw.decode(errors="replace")
        try:
            payload = json.loads(text) if text else None
        except ValueError:
            payload = text
        return status, {k.lower(): v for k, v in rh.items()}, payload

    def _call(self, method, path, body=None, token=_ADMIN, expect=(200,), headers=None):
        if token is _ADMIN:
            token = self.admin_token
        status, hdrs, payload = self.request(method, path, body=body, token=token,
                                             headers=headers)
        if status not in expect:
            msg = payload.get("error", payload) if isinstance(payload, dict) else payload
            raise KeystoneError("%s %s -> %d (expected %s): %s"
                                % (method, path.split("?")[0], status, expect, msg))
        return hdrs, payload

    # ----------------------------------------------------------------------------------
    # Identity objects (admin token)

    def create_domain(self, name, enabled=True):
        """Returns the new domain id."""
        _, p = self._call("POST", "/domains", {"domain": {"name": name, "enabled": enabled}},
                          expect=(201,))
        return p["domain"]["id"]

    def create_project(self, name, domain_id=DEFAULT_DOMAIN_ID, enabled=True):
        """Returns the new project id."""
        _, p = self._call("POST", "/projects",
                          {"project": {"name": name, "domain_id": domain_id, "enabled": enabled}},
                          expect=(201,))
        return p["project"]["id"]

    def create_user(self, name, password, domain_id=DEFAULT_DOMAIN_ID, default_project_id=None):
        """Returns the new user id."""
        user = {"name": name, "password": password, "domain_id": domain_id, "enabled": True}
        if default_project_id:
            user["default_project_id"] = default_project_id
        _, p = self._call("POST", "/users", {"user": user}, expect=(201,))
        return p["user"]["id"]

    def create_group(self, name, domain_id=DEFAULT_DOMAIN_ID):
        """Returns the new group id."""
        _, p = self._call("POST", "/groups", {"group": {"name": name, "domain_id": domain_id}},
                          expect=(201,))
        return p["group"]["id"]

    def add_user_to_group(self, user_id, group_id):
        self._call("PUT", "/groups/%s/users/%s" % (group_id, user_id), expect=(204,))

    def create_role(self, name):
        """Creates a global role (or returns the id of an existing one with that name)."""
        existing = self.find_role_id(name)
        if existing:
            return existing
        _, p = self._call("POST", "/roles", {"role": {"name": name}}, expect=(201,))
        self._role_ids[name] = p["role"]["id"]
        return p["role"]["id"]

    def find_role_id(self, name):
        """Id of the global role `name` (bootstrap creates admin, member, reader), or None."""
        if name not in self._role_ids:
            _, p = self._call("GET", "/roles?name=" + urllib.parse.quote(name))
            if not p["roles"]:
                return None
            self._role_ids[name] = p["roles"][0]["id"]
        return self._role_ids[name]

    def _role(self, role):
        rid = self.find_role_id(role)
        if rid is None:
            raise KeystoneError("no role named %r" % role)
        return rid

    def assign_project_role(self, project_id, user_id, role):
        """Grants role (name) to user on project."""
        self._call("PUT", "/projects/%s/users/%s/roles/%s" % (project_id, user_id,
                                                               self._role(role)), expect=(204,))

    def assign_group_project_role(self, project_id, group_id, role):
        self._call("PUT", "/projects/%s/groups/%s/roles/%s" % (project_id, group_id,
                                                                self._role(role)), expect=(204,))

    def assign_domain_role(self, domain_id, user_id, role):
        self._call("PUT", "/domains/%s/users/%s/roles/%s" % (domain_id, user_id,
                                                              self._role(role)), expect=(204,))

    def assign_system_role(self, user_id, role):
        self._call("PUT", "/system/users/%s/roles/%s" % (user_id, self._role(role)),
                   expect=(204,))

    def create_application_credential(self, user_id, user_token, name, roles=None,
                                      expires_at=None, secret=None):
        """Creates an application credential for user_id (needs that user's own
        project-scoped token; Keystone's policy is owner-only).

        Returns the credential dict: {"id", "name", "secret", "project_id", "roles", ...}.
        """
        cred = {"name": name}
        if roles is not None:
            cred["roles"] = [{"name": r} for r in roles]
        if expires_at is not None:
            cred["expires_at"] = expires_at
        if secret is not None:
            cred["secret"] = secret
        _, p = self._call("POST", "/users/%s/application_credentials" % user_id,
                          {"application_credential": cred}, token=user_token, expect=(201,))
        return p["application_credential"]

    # ----------------------------------------------------------------------------------
    # Tokens

    def issue_token_raw(self, auth):
        """POST /auth/tokens with {"auth": auth}. Returns (token, body) or raises."""
        hdrs, p = self._call("POST", "/auth/tokens", {"auth": auth}, token=None,
                             expect=(201,))
        return hdrs["x-subject-token"], p

    @staticmethod
    def _password_identity(user, password, user_domain):
        return {"methods": ["password"],
                "password": {"user": {"name": user, "domain": {"name": user_domain},
                                      "password": password}}}

    def issue_project_token(self, user, password, project, user_domain=DEFAULT_DOMAIN_NAME,
                            project_domain=DEFAULT_DOMAIN_NAME):
        """Password token scoped to project (by name). Returns the token string."""
        return self.issue_token_raw({
            "identity": self._password_identity(user, password, user_domain),
            "scope": {"project": {"name": project, "domain": {"name": project_domain}}},
        })[0]

    def issue_unscoped_token(self, user, password, user_domain=DEFAULT_DOMAIN_NAME):
        # "unscoped" is explicit so a user's default_project_id does not scope the token.
        return self.issue_token_raw({
            "identity": self._password_identity(user, password, user_domain),
            "scope": "unscoped",
        })[0]

    def issue_system_token(self, user, password, user_domain=DEFAULT_DOMAIN_NAME):
        """Needs a system role assignment (the bootstrap admin has one)."""
        return self.issue_token_raw({
            "identity": self._password_identity(user, password, user_domain),
            "scope": {"system": {"all": True}},
        })[0]

    def issue_domain_token(self, user, password, domain_name, user_domain=DEFAULT_DOMAIN_NAME):
        """Needs a domain role assignment (assign_domain_role)."""
        return self.issue_token_raw({
            "identity": self._password_identity(user, password, user_domain),
            "scope": {"domain": {"name": domain_name}},
        })[0]

    def issue_app_cred_token(self, app_cred_id, secret):
        """Token from an application credential (project-scoped, carries
        token.application_credential)."""
        return self.issue_token_raw({
            "identity": {"methods": ["application_credential"],
                         "application_credential": {"id": app_cred_id, "secret": secret}},
        })[0]

    def validate_token(self, token, auth_token=None):
        """GET /auth/tokens. Default is self-validation (X-Auth-Token = X-Subject-Token =
        token, what k8s-keystone-auth does); pass auth_token (e.g. ks.admin_token) otherwise.

        Returns (status, body) without raising.
        """
        status, _, p = self.request("GET", "/auth/tokens", token=auth_token or token,
                                    headers={"X-Subject-Token": token})
        return status, p

    def revoke_token(self, token, auth_token=None):
        """DELETE /auth/tokens (self-revocation by default). Raises unless 204."""
        self._call("DELETE", "/auth/tokens", token=auth_token or token,
                   headers={"X-Subject-Token": token}, expect=(204,))

    def list_user_groups(self, user_id, token=_ADMIN):
        """Group names of user_id (admin token by default)."""
        _, p = self._call("GET", "/users/%s/groups" % user_id, token=token)
        return [g["name"] for g in p["groups"]]


# --------------------------------------------------------------------------------------
# Self-check: python3 tests/integration/harness/keystone.py [--serve]


def _self_check():
    t0 = time.monotonic()
    with Keystone() as ks:
        t_ready = time.monotonic() - t0
        pid = ks.create_project("demo")
        uid = ks.create_user("demo", "demo-pw")
        gid = ks.create_group("mygroup")
        ks.add_user_to_group(uid, gid)
        ks.assign_project_role(pid, uid, "member")  # "reader" is implied by member
        token = ks.issue_project_token("demo", "demo-pw", "demo")

        status, body = ks.validate_token(token)
        assert status == 200, status
        tok = body["token"]
        assert tok["user"]["id"] == uid and tok["user"]["name"] == "demo", tok["user"]
        assert tok["user"]["domain"] == {"id": "default", "name": "Default"}, tok["user"]
        assert tok["project"]["id"] == pid and tok["project"]["name"] == "demo"
        roles = [r["name"] for r in tok["roles"]]
        assert sorted(roles) == ["member", "reader"], roles
        status, _, groups = ks.request("GET", "/users/%s/groups" % uid, token=token)
        assert status == 200 and [g["name"] for g in groups["groups"]] == ["mygroup"], groups

        unscoped = ks.issue_unscoped_token("demo", "demo-pw")
        status, body = ks.validate_token(unscoped)
        assert status == 200 and "project" not in body["token"], status
        system = ks.issue_system_token(ADMIN_USER, ADMIN_PASSWORD)
        status, body = ks.validate_token(system)
        assert status == 200 and "system" in body["token"] and "project" not in body["token"]

        cred = ks.create_application_credential(uid, token, "ci")
        ac_token = ks.issue_app_cred_token(cred["id"], cred["secret"])
        status, body = ks.validate_token(ac_token)
        assert status == 200 and body["token"]["application_credential"]["id"] == cred["id"]

        status, _ = ks.validate_token("not-a-token")
        assert status == 401, status
        status, _ = ks.validate_token("not-a-token", auth_token=ks.admin_token)
        assert status == 404, status

        ks.revoke_token(token)
        status, _ = ks.validate_token(token)
        assert status == 401, status
        server_pid = ks.pid
        url = ks.url
    try:
        os.kill(server_pid, 0)
        raise AssertionError("uwsgi %d still running after stop()" % server_pid)
    except ProcessLookupError:
        pass
    print("keystone harness OK: %s ready in %.1f s, roles %s, total %.1f s"
          % (url, t_ready, roles, time.monotonic() - t0))


def _serve():
    with Keystone() as ks:
        print("Keystone at %s  admin/%s project %s  dir %s"
              % (ks.url, ADMIN_PASSWORD, ADMIN_PROJECT, ks.dir), flush=True)
        print("admin token:", ks.admin_token, flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    if "--serve" in sys.argv[1:]:
        _serve()
    else:
        _self_check()
