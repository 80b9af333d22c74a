#!/usr/bin/env python3
"""Registry tenancy (issue #5) end to end: gatehouse's token service trusted by a real registry.

Run by ctest as:
    python3 test_registry.py --gatehouse PATH_TO_BINARY [-k NAME]
        [--backend sqlite|postgresql|both]
Prints one line per case, a summary per store backend and a final `N passed, N failed`;
exits non-zero on any failure.

For each store backend (the SQLite file in --data-dir, then a PostgreSQL database of a
throwaway server from harness/postgres.py given as --registry-database) the suite starts
`gatehouse serve` (token endpoint /service/token, Harbor-shaped API, OIDC verifier for the
provider of harness/oidc_provider.py) and Debian's `docker-registry` 2.8 configured with
`auth.token` pointing at it and trusting the bundle `gatehouse registry signing-certs` prints
(harness/docker_registry.py). Projects, members and robots are made with `gatehouse registry`.
Images are tiny OCI archives built by harness/oci_image.py and moved by Debian's `skopeo`
(the real client: Basic credentials to the token endpoint, the registry token to /v2).

The same cases run against both backends: the CI robot pushes to its project; the pull robot
pulls what was pushed (digest and file content checked); the pull robot cannot push; no robot
reaches another project; a wrong secret, a disabled robot and an expired robot are refused at
`skopeo login`; a person whose OIDC group is a developer member of a project pushes there and
not elsewhere, both ways the service offers: the provider's access token as Bearer to
/service/token then the registry token to /v2 by hand (a manifest PUT), and skopeo with the
token as the Basic password; a signing-key rotation (`gatehouse registry signing-key rotate`,
the registry restarted with the new bundle) keeps tokens signed by the old key valid, and the
running server starts signing with the new key; the pull secret `gatehouse registry
pull-secret` prints pulls (and cannot push); the token endpoint's protocol (challenge, expiry,
ES256 + x5c + kid, intersection of scopes, anonymous pull of a public project, the catalog for
the administrator group only, unknown service 400); the API's Harbor shapes and error answers
(401/403/404/409/400 with {"errors":[{code,message}]}); no secret or token in gatehouse's log.
Every case carries a positive control, so a service refusing everything fails as well.

Expiry: robots expire in days, which a test cannot wait for, so the expired case creates a
robot with `--expires-days 1` and then moves its `expires_at` into the past in the store
itself (sqlite3 on the SQLite file, psql on the PostgreSQL database): a store-level helper,
documented here because it bypasses the service on purpose.
"""

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import docker_registry, postgres  # noqa: E402
from harness.docker_registry import DockerRegistry, V2Client, parse_challenge  # noqa: E402
from harness.gatehouse import GatehouseServer, Suite, wait_until  # noqa: E402
from harness.oci_image import OciImage, read_layout_file  # noqa: E402
from harness.oidc_provider import OidcProvider, decode_part  # noqa: E402
from harness.oidc_provider import is_available as oidc_available  # noqa: E402

SKOPEO = shutil.which("skopeo") or "/usr/bin/skopeo"
SERVICE = "test-registry"  # not the default: shows --registry-service reaches the tokens
ISSUER = "gatehouse-test"
OIDC_AUDIENCE = "kubernetes"
# The provider's kube-viewer client carries this group (and not /team-dev): the administrator.
ADMIN_GROUP = "/org/team-demo"

suite = Suite()


def check(cond, message):
    if not cond:
        raise AssertionError(message)


class Ctx:
    """One backend's world: gatehouse serve, the registry, the CLI, the robots made so far."""

    def __init__(self, binary, work, backend, oidc, pg=None):
        self.binary = binary
        self.work = work
        self.backend = backend
        self.op = oidc
        self.pg = pg
        self.data_dir = os.path.join(work, "gatehouse")
        os.makedirs(self.data_dir, mode=0o700)
        self.db_url = pg.create_database("registry_%d" % os.getpid()) if pg else None
        self.store_args = ["--registry-database", self.db_url] if pg else []
        self.authfile = os.path.join(work, "auth.json")
        self.secrets = []  # every robot secret and token seen: none may reach the log
        self.robots = {}   # short key -> {"name", "secret"}
        self.images = {}
        self.pushed = set()
        self.gh = None
        self.registry = None

    # --- processes ----------------------------------------------------------------------

    def start(self):
        self.gh = GatehouseServer(self.binary, [
            "--registry-service", SERVICE, "--registry-issuer", ISSUER,
            "--oidc-issuer-url", self.op.issuer, "--oidc-client-id", OIDC_AUDIENCE,
            "--oidc-username-claim", "preferred_username", "--oidc-username-prefix", "-",
            "--oidc-groups-claim", "groups", "--registry-admin-group", ADMIN_GROUP,
        ] + self.store_args, data_dir=self.data_dir).start()
        rc, pem, err = self.cli("signing-certs")
        check(rc == 0 and "BEGIN CERTIFICATE" in pem, "signing-certs rc=%d: %s" % (rc, err))
        self.registry = DockerRegistry(realm=self.gh.base + "/service/token", service=SERVICE,
                                       issuer=ISSUER, bundle_pem=pem).start()
        return self

    def close(self):
        if self.registry:
            self.registry.close()
        if self.gh:
            self.gh.stop()

    # --- gatehouse registry ... ---------------------------------------------------------

    def cli(self, *args, timeout=60):
        """Runs `gatehouse registry ARGS --data-dir D [--registry-database URL]`."""
        cmd = [self.binary, "registry"] + list(args) + ["--data-dir", self.data_dir] + \
            self.store_args
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout, r.stderr

    def cli_ok(self, *args):
        rc, out, err = self.cli(*args)
        check(rc == 0, "gatehouse registry %s: rc=%d %s" % (" ".join(args[:3]), rc,
                                                             err.strip()[-400:]))
        return out

    def robot(self, key, project, name, access, *extra):
        """Creates a robot with the CLI (once per key) and remembers its login and secret."""
        if key not in self.robots:
            out = self.cli_ok("robot", "create", project, name, "--access", access, *extra,
                              "-o", "json")
            created = json.loads(out)
            check(isinstance(created.get("name"), str) and created["name"].endswith(name),
                  "robot name: %r" % created.get("name"))
            check(isinstance(created.get("secret"), str) and len(created["secret"]) >= 32,
                  "robot secret shorter than 32 characters")
            self.secrets.append(created["secret"])
            self.robots[key] = {"name": created["name"], "secret": created["secret"],
                                "project": project, "short": name}
        return self.robots[key]

    def setup_tenants(self):
        for project in ("team-a", "team-b"):
            self.cli_ok("project", "create", project)
        self.cli_ok("project", "create", "team-pub", "--public")
        self.cli_ok("member", "add", "team-a", "--group", "/team-dev", "--role", "developer")
        self.robot("a-ci", "team-a", "ci", "push")
        self.robot("a-pull", "team-a", "puller", "pull")
        self.robot("b-ci", "team-b", "ci", "push")

    # --- skopeo -------------------------------------------------------------------------

    def skopeo(self, *args, timeout=90):
        env = dict(os.environ, REGISTRY_AUTH_FILE=self.authfile)
        for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
            env.pop(var, None)
        r = subprocess.run([SKOPEO, "--insecure-policy"] + list(args), capture_output=True,
                           text=True, timeout=timeout, env=env)
        self.last_stdout = r.stdout
        return r.returncode, r.stdout + r.stderr

    def image(self, name):
        if name not in self.images:
            image = OciImage(name)
            self.images[name] = (image, image.write_archive(self.work))
        return self.images[name]

    def push(self, robot, ref, image_name):
        image, archive = self.image(image_name)
        creds = "%s:%s" % (robot["name"], robot["secret"])
        return self.skopeo("copy", "--retry-times", "0", "--dest-tls-verify=false",
                           "--dest-creds", creds, "oci-archive:%s:%s" % (archive, image.tag),
                           "docker://%s/%s" % (self.registry.host, ref))

    def pull(self, creds, ref):
        """skopeo copy to an oci: folder; returns (rc, output, (digest, file bytes) or None)."""
        dest = tempfile.mkdtemp(prefix="pulled-", dir=self.work)
        rc, out = self.skopeo("copy", "--retry-times", "0", "--src-tls-verify=false",
                              "--src-creds", creds, "docker://%s/%s" % (self.registry.host, ref),
                              "oci:%s:pulled" % dest)
        got = read_layout_file(dest, "pulled") if rc == 0 else None
        return rc, out, got

    def inspect(self, creds, ref):
        rc, out = self.skopeo("inspect", "--retry-times", "0", "--tls-verify=false", "--creds",
                              creds, "docker://%s/%s" % (self.registry.host, ref))
        return rc, (json.loads(self.last_stdout) if rc == 0 else out)

    def login(self, user, password):
        return self.skopeo("login", "--tls-verify=false", "--authfile", self.authfile,
                           "-u", user, "-p", password, self.registry.host)

    # --- the token endpoint -------------------------------------------------------------

    def token(self, scopes, authorization=None, account=None):
        """GET /service/token; returns (status, parsed JSON or text)."""
        query = [("service", SERVICE)] + [("scope", s) for s in scopes]
        if account:
            query.append(("account", account))
        headers = {"Authorization": authorization} if authorization else {}
        status, text = self.gh.request("GET", "/service/token?" + urllib.parse.urlencode(query),
                                       headers=headers)
        try:
            body = json.loads(text)
        except ValueError:
            body = text
        if status == 200 and isinstance(body, dict):
            self.secrets.append(body.get("token") or body.get("access_token") or "")
        return status, body

    def api(self, method, path, body=None, who=None, headers=None):
        """A call to /api/v2.0 + path. `who`: a bearer token, a "Basic ..." header, or None.
        Returns (status, headers, parsed JSON or text)."""
        import urllib.error
        import urllib.request
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.gh.base + "/api/v2.0" + path, data=data,
                                     method=method)
        req.add_header("Content-Type", "application/json")
        if who:
            req.add_header("Authorization", who if who.startswith("Basic ") else
                           "Bearer " + who)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                             urllib.request.HTTPSHandler(
                                                 context=self.gh._context))
        try:
            with opener.open(req, timeout=15) as resp:
                status, resp_headers, text = resp.status, resp.headers, resp.read().decode()
        except urllib.error.HTTPError as e:
            status, resp_headers, text = e.code, e.headers, e.read().decode()
        try:
            return status, resp_headers, json.loads(text) if text else None
        except ValueError:
            return status, resp_headers, text

    def expire_robot_in_store(self, stored_name):
        """Moves a robot's expires_at one hour into the past directly in the store."""
        past = int(time.time()) - 3600
        sql = "UPDATE robot SET expires_at = %d WHERE name = '%s'" % (past, stored_name)
        check(re.fullmatch(r"[a-z0-9.+_-]+", stored_name) is not None, "odd robot name")
        if self.pg:
            self.pg.psql(sql + " RETURNING id", database=self.db_url.rsplit("/", 1)[1])
            count = self.pg.psql("SELECT count(*) FROM robot WHERE name = '%s' AND "
                                 "expires_at = %d" % (stored_name, past),
                                 database=self.db_url.rsplit("/", 1)[1]).strip()
        else:
            db = os.path.join(self.data_dir, "registry.db")
            r = subprocess.run(["sqlite3", "-cmd", ".timeout 5000", db,
                                sql + "; SELECT changes();"],
                               capture_output=True, text=True, timeout=30)
            check(r.returncode == 0, "sqlite3: %s" % r.stderr[-300:])
            count = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "0"
        check(count == "1", "expected one robot row updated, got %r" % count)


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def creds(robot):
    return "%s:%s" % (robot["name"], robot["secret"])


def refused_login(rc, out):
    """skopeo 1.9 login prints only `invalid username/password` for a 401 of the token
    endpoint (the body's message is not shown); later versions add `unauthorized: ...`."""
    return rc != 0 and re.search(r"invalid username/password|unauthorized", out, re.I)


def denied(rc, out):
    return rc != 0 and re.search(r"denied|unauthorized|authentication required", out, re.I)


def access_of(token):
    return {(a["type"], a["name"]): sorted(a.get("actions") or [])
            for a in decode_part(token, 1).get("access", [])}


# --------------------------------------------------------------------------------------
# Cases. Each has a positive control so that a service refusing everything fails too.


def ensure_pushed(ctx):
    """The CI robots' images, pushed once (so `-k` can run any case alone)."""
    for key, ref, image in (("a-ci", "team-a/app:1", "team-a-app"),
                            ("b-ci", "team-b/app:1", "team-b-app")):
        if ref not in ctx.pushed:
            rc, out = ctx.push(ctx.robots[key], ref, image)
            check(rc == 0, "%s push to %s failed: %s" % (key, ref, out[-500:]))
            ctx.pushed.add(ref)


@suite.test
def ci_robot_pushes_to_its_project(ctx):
    check(not ctx.pushed, "nothing pushed yet")
    ensure_pushed(ctx)
    rc, info = ctx.inspect(creds(ctx.robots["a-ci"]), "team-a/app:1")
    check(rc == 0 and info.get("Digest") == ctx.image("team-a-app")[0].manifest_digest,
          "the CI robot reads back its push: %s" % str(info)[-300:])


@suite.test
def pull_robot_pulls_what_ci_pushed(ctx):
    ensure_pushed(ctx)
    image, _ = ctx.image("team-a-app")
    rc, info = ctx.inspect(creds(ctx.robots["a-pull"]), "team-a/app:1")
    check(rc == 0, "inspect failed: %s" % info)
    check(info.get("Digest") == image.manifest_digest, "digest %s" % info.get("Digest"))
    rc, out, got = ctx.pull(creds(ctx.robots["a-pull"]), "team-a/app:1")
    check(rc == 0, "pull failed: %s" % out[-500:])
    check(got == (image.manifest_digest, image.file_content), "pulled %r" % (got,))


@suite.test
def pull_robot_cannot_push(ctx):
    ensure_pushed(ctx)
    rc, out = ctx.push(ctx.robots["a-pull"], "team-a/app:2", "team-a-other")
    check(denied(rc, out), "pull robot pushed: rc=%d %s" % (rc, out[-300:]))
    rc, info = ctx.inspect(creds(ctx.robots["a-pull"]), "team-a/app:2")
    check(rc != 0 and "manifest unknown" in info, "tag 2 exists: %s" % str(info)[-300:])
    # The token endpoint grants only pull (an intersection, not an error).
    robot = ctx.robots["a-pull"]
    status, body = ctx.token(["repository:team-a/app:pull,push"],
                             basic(robot["name"], robot["secret"]), robot["name"])
    check(status == 200, "token %s %s" % (status, body))
    check(access_of(body["token"]).get(("repository", "team-a/app")) == ["pull"],
          "access %s" % access_of(body["token"]))


@suite.test
def no_robot_reaches_another_project(ctx):
    ensure_pushed(ctx)
    a_ci, a_pull, b_ci = ctx.robots["a-ci"], ctx.robots["a-pull"], ctx.robots["b-ci"]
    rc, out = ctx.push(a_ci, "team-b/app:evil", "team-a-app")
    check(denied(rc, out), "team-a ci pushed to team-b: rc=%d %s" % (rc, out[-300:]))
    rc, out = ctx.push(b_ci, "team-a/app:evil", "team-b-app")
    check(denied(rc, out), "team-b ci pushed to team-a: rc=%d %s" % (rc, out[-300:]))
    for robot, ref in ((a_pull, "team-b/app:1"), (a_ci, "team-b/app:1"), (b_ci, "team-a/app:1")):
        rc, out, _ = ctx.pull(creds(robot), ref)
        check(denied(rc, out), "%s pulled %s: rc=%d %s" % (robot["name"], ref, rc, out[-300:]))
    # Still there and unchanged for its own team.
    rc, out, got = ctx.pull(creds(b_ci), "team-b/app:1")
    image, _ = ctx.image("team-b-app")
    check(rc == 0 and got == (image.manifest_digest, image.file_content),
          "team-b's own pull: %s" % out[-300:])
    rc, info = ctx.inspect(creds(a_pull), "team-a/app:evil")
    check(rc != 0, "team-a/app:evil exists")


@suite.test
def wrong_secret_refused_at_login(ctx):
    robot = ctx.robots["a-pull"]
    rc, out = ctx.login(robot["name"], robot["secret"])
    check(rc == 0 and "Login Succeeded" in out, "right secret: rc=%d %s" % (rc, out[-300:]))
    wrong = robot["secret"][:-1] + ("x" if robot["secret"][-1] != "x" else "y")
    rc, out = ctx.login(robot["name"], wrong)
    check(refused_login(rc, out), "wrong secret: rc=%d %s" % (rc, out[-300:]))
    rc, out = ctx.login(robot["name"][:-1] + "zz", robot["secret"])
    check(refused_login(rc, out), "unknown robot: rc=%d %s" % (rc, out[-300:]))
    status, body = ctx.token([], basic(robot["name"], wrong), robot["name"])
    check(status == 401, "token endpoint with a wrong secret: %s %s" % (status, body))


@suite.test
def disabled_robot_refused_at_login(ctx):
    ensure_pushed(ctx)
    robot = ctx.robot("a-off", "team-a", "soon-off", "pull")
    rc, out = ctx.login(robot["name"], robot["secret"])
    check(rc == 0, "before disabling: rc=%d %s" % (rc, out[-300:]))
    ctx.cli_ok("robot", "disable", "team-a", "soon-off")
    rc, out = ctx.login(robot["name"], robot["secret"])
    check(refused_login(rc, out), "disabled: rc=%d %s" % (rc, out[-300:]))
    rc, out, _ = ctx.pull(creds(robot), "team-a/app:1")
    check(denied(rc, out), "disabled robot pulled: rc=%d" % rc)


@suite.test
def expired_robot_refused_at_login(ctx):
    ensure_pushed(ctx)
    before = ctx.gh.metric("gatehouse_registry_robots_expiring")
    robot = ctx.robot("a-exp", "team-a", "short-lived", "pull", "--expires-days", "1")
    after = ctx.gh.metric("gatehouse_registry_robots_expiring")
    check(after == before + 1, "robots expiring within 7 days: %s -> %s" % (before, after))
    rc, out = ctx.login(robot["name"], robot["secret"])
    check(rc == 0, "before expiry: rc=%d %s" % (rc, out[-300:]))
    ctx.expire_robot_in_store("team-a+short-lived")
    rc, out = ctx.login(robot["name"], robot["secret"])
    check(refused_login(rc, out), "expired: rc=%d %s" % (rc, out[-300:]))
    rc, out, _ = ctx.pull(creds(robot), "team-a/app:1")
    check(denied(rc, out), "expired robot pulled: rc=%d" % rc)


@suite.test
def oidc_group_developer_pushes(ctx):
    access = ctx.op.access_token("kube-dev", "dev-secret", audience=OIDC_AUDIENCE)
    ctx.secrets.append(access)
    bearer = "Bearer " + access
    status, body = ctx.token(["repository:team-a/oidc-app:pull,push",
                              "repository:team-b/app:pull,push"], bearer)
    check(status == 200, "token for the OIDC user: %s %s" % (status, body))
    token = body.get("token") or body.get("access_token")
    claims = decode_part(token, 1)
    check(claims.get("sub") == "dev-user", "sub %r" % claims.get("sub"))
    check(claims.get("aud") == SERVICE and claims.get("iss") == ISSUER, "aud/iss %s" % claims)
    granted = access_of(token)
    check(granted.get(("repository", "team-a/oidc-app")) == ["pull", "push"], granted)
    check(not granted.get(("repository", "team-b/app")), "team-b granted: %s" % granted)
    image, _ = ctx.image("oidc-app")
    client = V2Client(ctx.registry.url, token)
    check(client.push("team-a/oidc-app", "1", image) == 201, "push: %s" % (client.last,))
    check(client.push("team-b/app", "oidc", image) == 401, "team-b: %s" % (client.last,))
    rc, info = ctx.inspect(creds(ctx.robots["a-pull"]), "team-a/oidc-app:1")
    check(rc == 0 and info.get("Digest") == image.manifest_digest, "pull robot: %s" % info)
    # A tampered bearer token is refused by the token endpoint.
    parts = access.split(".")
    forged = dict(decode_part(access, 1), groups=["/team-b"])
    bad = parts[0] + "." + base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(
        b"=").decode() + "." + parts[2]
    status, body = ctx.token(["repository:team-a/oidc-app:pull"], "Bearer " + bad)
    check(status == 401, "tampered bearer: %s %s" % (status, body))


@suite.test
def oidc_user_pushes_with_skopeo_and_token_as_password(ctx):
    """skopeo speaks Basic only: a person gives the provider's token as the password."""
    access = ctx.op.access_token("kube-dev", "dev-secret", audience=OIDC_AUDIENCE)
    ctx.secrets.append(access)
    user = {"name": "dev-user", "secret": access}
    rc, out = ctx.push(user, "team-a/oidc-skopeo:1", "oidc-skopeo")
    check(rc == 0, "push as dev-user: %s" % out[-400:])
    rc, out = ctx.push(user, "team-b/oidc-skopeo:1", "oidc-skopeo")
    check(denied(rc, out), "dev-user pushed to team-b: rc=%d %s" % (rc, out[-300:]))
    image, _ = ctx.image("oidc-skopeo")
    rc, info = ctx.inspect(creds(ctx.robots["a-pull"]), "team-a/oidc-skopeo:1")
    check(rc == 0 and info.get("Digest") == image.manifest_digest, "pull robot: %s" % info)
    # A token for another audience is refused at login.
    other = ctx.op.access_token("kube-dev", "dev-secret", audience="other-api")
    ctx.secrets.append(other)
    rc, out = ctx.login("dev-user", other)
    check(refused_login(rc, out), "wrong audience login: rc=%d %s" % (rc, out[-300:]))
    rc, out = ctx.login("dev-user", access)
    check(rc == 0, "login as dev-user: rc=%d %s" % (rc, out[-300:]))


@suite.test
def personal_access_token_outlives_the_id_token(ctx):
    """A person mints a personal access token with the provider's token, then pushes with it
    as a plain password (no identity provider involved); revoked, it is refused at login."""
    access = ctx.op.access_token("kube-dev", "dev-secret", audience=OIDC_AUDIENCE)
    ctx.secrets.append(access)
    status, _, body = ctx.api("POST", "/users/current/tokens",
                              {"name": "laptop", "expires_days": 30}, who=access)
    check(status == 201 and isinstance(body, dict) and len(body.get("secret", "")) >= 32,
          "create token: %s %s" % (status, body))
    secret, token_id = body["secret"], body["id"]
    ctx.secrets.append(secret)
    user = {"name": "dev-user", "secret": secret}
    rc, out = ctx.push(user, "team-a/pat-app:1", "pat-app")
    check(rc == 0, "push with the access token: %s" % out[-400:])
    rc, out = ctx.push(user, "team-b/pat-app:1", "pat-app")
    check(denied(rc, out), "access token pushed to team-b: rc=%d %s" % (rc, out[-300:]))
    # A token cannot mint tokens: only a fresh identity-provider login can.
    status, _, body = ctx.api("POST", "/users/current/tokens", {"name": "chained"},
                              who=basic("dev-user", secret))
    check(status == 403, "token minted by a token: %s %s" % (status, body))
    status, _, body = ctx.api("DELETE", "/users/current/tokens/%d" % token_id, who=access)
    check(status == 200, "revoke: %s %s" % (status, body))
    rc, out = ctx.login("dev-user", secret)
    check(refused_login(rc, out), "revoked token login: rc=%d %s" % (rc, out[-300:]))


@suite.test
def signing_key_rotation_keeps_old_tokens_valid(ctx):
    ensure_pushed(ctx)
    robot = ctx.robots["a-pull"]
    status, body = ctx.token(["repository:team-a/app:pull"], basic(robot["name"],
                                                                   robot["secret"]))
    check(status == 200, "token before rotation: %s" % status)
    old = body["token"]
    old_header = decode_part(old, 0)
    before = ctx.cli_ok("signing-certs").count("BEGIN CERTIFICATE")
    bundle = ctx.cli_ok("signing-key", "rotate")
    check(bundle.count("BEGIN CERTIFICATE") == before + 1, "bundle after rotation: %d certs"
          % bundle.count("BEGIN CERTIFICATE"))
    check(ctx.cli_ok("signing-certs") == bundle, "signing-certs differs from rotate's bundle")
    ctx.registry.restart(bundle_pem=bundle)
    image, _ = ctx.image("team-a-app")
    status, digest, _ = V2Client(ctx.registry.url, old).manifest("team-a/app", "1")
    check(status == 200 and digest == image.manifest_digest, "old token: %s" % status)

    # The running server picks the new key up without a restart (it re-reads the key folder).
    def new_key_signs():
        status, body = ctx.token(["repository:team-a/app:pull"], basic_of(robot))
        check(status == 200, "token after rotation: %s" % status)
        ctx.fresh = body["token"]
        return decode_part(body["token"], 0).get("kid") != old_header.get("kid")
    wait_until(new_key_signs, timeout=20, interval=0.5, what="the new key to sign")
    status, digest, _ = V2Client(ctx.registry.url, ctx.fresh).manifest("team-a/app", "1")
    check(status == 200 and digest == image.manifest_digest, "new token: %s" % status)
    rc, out, got = ctx.pull(creds(robot), "team-a/app:1")
    check(rc == 0 and got[0] == image.manifest_digest, "pull after rotation: %s" % out[-300:])
    # A registry that trusts only the new certificate refuses the old token (so the check above
    # did depend on the old certificate staying in the bundle).
    pems = re.findall(r"-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n?", bundle)
    others = [p for p in pems if "".join(p.split("-----")[2].split()) != old_header["x5c"][0]]
    check(len(others) == len(pems) - 1, "the old token's x5c is not in the bundle")
    ctx.registry.restart(bundle_pem="".join(others))
    try:
        status, _, _ = V2Client(ctx.registry.url, old).manifest("team-a/app", "1")
        check(status == 401, "the old token without its certificate: %s" % status)
    finally:
        ctx.registry.restart(bundle_pem=bundle)


@suite.test
def pull_secret_credentials_pull(ctx):
    ensure_pushed(ctx)
    out = ctx.cli_ok("pull-secret", "team-a", "--server", ctx.registry.host)
    secret = parse_secret_yaml(out)
    check(secret.get("kind") == "Secret" and secret.get("apiVersion") == "v1", secret)
    check(secret.get("metadata", {}).get("namespace") == "team-a", secret.get("metadata"))
    check(secret.get("type") == "kubernetes.io/dockerconfigjson", secret.get("type"))
    config = json.loads(base64.b64decode(secret["data"][".dockerconfigjson"]))
    entry = config["auths"][ctx.registry.host]
    ctx.secrets.append(entry["password"])
    check(base64.b64decode(entry["auth"]).decode() == "%s:%s" % (entry["username"],
                                                                 entry["password"]), "auth")
    rc, out, got = ctx.pull("%s:%s" % (entry["username"], entry["password"]), "team-a/app:1")
    image, _ = ctx.image("team-a-app")
    check(rc == 0 and got == (image.manifest_digest, image.file_content),
          "pull with the pull secret: %s" % out[-300:])
    rc, out = ctx.push({"name": entry["username"], "secret": entry["password"]},
                       "team-a/app:ps", "team-a-other")
    check(denied(rc, out), "the pull secret pushed")


@suite.test
def token_endpoint_protocol(ctx):
    ensure_pushed(ctx)
    status, headers, _ = ctx.registry.request("GET", "/v2/team-a/app/manifests/1")
    challenge = parse_challenge(headers.get("WWW-Authenticate"))
    check(status == 401 and challenge.get("realm") == ctx.gh.base + "/service/token" and
          challenge.get("service") == SERVICE, "challenge %s" % challenge)
    robot = ctx.robots["a-ci"]
    status, body = ctx.token(["repository:team-a/app:pull,push repository:team-b/app:pull",
                              "registry:catalog:*"], basic(robot["name"], robot["secret"]),
                             robot["name"])
    check(status == 200, "token %s %s" % (status, body))
    check(isinstance(body.get("expires_in"), int) and body["expires_in"] >= 60, body)
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", body.get("issued_at", "")),
          "issued_at %r" % body.get("issued_at"))
    token = body.get("token") or body.get("access_token")
    header = decode_part(token, 0)
    check(header.get("alg") == "ES256" and header.get("x5c") and header.get("kid"), header)
    granted = access_of(token)
    check(granted.get(("repository", "team-a/app")) == ["pull", "push"], granted)
    check(not granted.get(("repository", "team-b/app")), granted)
    check(not granted.get(("registry", "catalog")), "catalog for a robot: %s" % granted)
    # Anonymous: a public project's pull, nothing of a private one (a token, not an error).
    status, body = ctx.token(["repository:team-pub/x:pull,push", "repository:team-a/app:pull"])
    check(status == 200, "anonymous token: %s %s" % (status, body))
    granted = access_of(body["token"])
    check(granted.get(("repository", "team-pub/x")) == ["pull"], "anonymous: %s" % granted)
    check(not granted.get(("repository", "team-a/app")), "anonymous: %s" % granted)
    # The sysadmin (administrator group) gets the catalog; the registry serves it.
    admin = ctx.op.access_token("kube-viewer", "viewer-secret", audience=OIDC_AUDIENCE)
    ctx.secrets.append(admin)
    status, body = ctx.token(["registry:catalog:*"], "Bearer " + admin)
    check(status == 200 and access_of(body["token"]).get(("registry", "catalog")) == ["*"],
          "catalog for the administrator: %s" % status)
    client = V2Client(ctx.registry.url, body["token"])
    status, _, text = client._call("GET", "/v2/_catalog")
    check(status == 200 and "team-a/app" in json.loads(text)["repositories"], "catalog %s" % status)
    status, body = ctx.gh.request("GET", "/service/token?service=other&scope=repository:a/b:pull",
                                  headers={"Authorization": basic(robot["name"],
                                                                  robot["secret"])})
    check(status == 400, "unknown service: %s %s" % (status, body))


@suite.test
def api_harbor_shapes_and_errors(ctx):
    admin = ctx.op.access_token("kube-viewer", "viewer-secret", audience=OIDC_AUDIENCE)
    dev = ctx.op.access_token("kube-dev", "dev-secret", audience=OIDC_AUDIENCE)
    ctx.secrets += [admin, dev]
    status, _, body = ctx.api("GET", "/projects", who=admin)
    check(status == 200 and isinstance(body, list), "GET projects as admin: %s %s" % (status, body))
    by_name = {p.get("name"): p for p in body}
    check({"team-a", "team-b"} <= set(by_name), "projects %s" % sorted(by_name))
    project = by_name["team-a"]
    check(isinstance(project.get("project_id"), int) and
          project.get("metadata", {}).get("public") == "false", "Harbor shape: %s" % project)
    # Unauthenticated, a robot: refused with the error shape.
    for who, want in ((None, 401), (basic_of(ctx.robots["a-ci"]), 403)):
        status, _, body = ctx.api("GET", "/projects", who=who)
        check(status == want, "GET projects as %s: %s" % (want, status))
        check_error_shape(body, "UNAUTHORIZED" if want == 401 else "FORBIDDEN")
    # A developer sees the projects it is a member of (team-a through its group), never
    # team-b, and may not create projects.
    status, _, body = ctx.api("GET", "/projects", who=dev)
    visible = {p.get("name") for p in body} if isinstance(body, list) else None
    check(status == 200 and visible is not None and "team-a" in visible and
          "team-b" not in visible, "GET projects as developer: %s %s" % (status, visible))
    status, _, body = ctx.api("GET", "/projects/team-b", who=dev,
                              headers={"X-Is-Resource-Name": "true"})
    check(status == 404, "team-b as developer: %s %s" % (status, body))
    status, _, body = ctx.api("POST", "/projects", {"project_name": "dev-made"}, who=dev)
    check(status == 403, "create as developer: %s %s" % (status, body))
    check_error_shape(body, "FORBIDDEN")
    # Create, duplicate, unknown, invalid.
    status, headers, body = ctx.api("POST", "/projects", {"project_name": "team-api"}, who=admin)
    check(status == 201, "create: %s %s" % (status, body))
    check("team-api" in (headers.get("Location") or "") or
          re.search(r"/projects/\d+$", headers.get("Location") or ""), "Location header")
    status, _, body = ctx.api("POST", "/projects", {"project_name": "team-api"}, who=admin)
    check(status == 409, "duplicate: %s" % status)
    check_error_shape(body, "CONFLICT")
    status, _, body = ctx.api("GET", "/projects/no-such-project", who=admin,
                              headers={"X-Is-Resource-Name": "true"})
    check(status == 404, "unknown project: %s" % status)
    check_error_shape(body, "NOT_FOUND")
    status, _, body = ctx.api("POST", "/projects", {"project_name": "Bad'Name;--"}, who=admin)
    check(status == 400, "invalid name: %s" % status)
    check_error_shape(body, "BAD_REQUEST")
    status, _, _ = ctx.api("GET", "/projects/Bad'Name;--".replace("'", "%27").replace(";", "%3B"),
                           who=admin, headers={"X-Is-Resource-Name": "true"})
    check(status in (400, 404), "the invalid project was stored: %s" % status)
    # The CLI sees what the API made, and the API refuses what the CLI refuses.
    rc, _, _ = ctx.cli("project", "create", "team-api")
    check(rc != 0, "CLI duplicate project succeeded")
    # A robot made through the API works at the token endpoint and the registry.
    status, _, body = ctx.api("GET", "/projects/team-api", who=admin,
                              headers={"X-Is-Resource-Name": "true"})
    check(status == 200 and body.get("name") == "team-api", "GET team-api: %s" % status)
    status, _, robot = ctx.api("POST", "/robots", {
        "name": "api-pull", "level": "project", "duration": -1, "disable": False,
        "permissions": [{"kind": "project", "namespace": "team-api",
                         "access": [{"resource": "repository", "action": "pull"}]}]}, who=admin)
    check(status == 201 and isinstance(robot, dict) and robot.get("secret"),
          "create robot: %s %s" % (status, robot if status != 201 else ""))
    ctx.secrets.append(robot["secret"])
    status, body = ctx.token(["repository:team-api/x:pull,push"],
                             basic(robot["name"], robot["secret"]), robot["name"])
    check(status == 200 and access_of(body["token"]).get(("repository", "team-api/x")) ==
          ["pull"], "API robot token: %s" % status)
    status, _, body = ctx.api("GET", "/robots/999999", who=admin)
    check(status == 404, "unknown robot: %s" % status)
    check_error_shape(body, "NOT_FOUND")


def basic_of(robot):
    return basic(robot["name"], robot["secret"])


def check_error_shape(body, code):
    check(isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"],
          "error body %r" % (body,))
    first = body["errors"][0]
    check(first.get("code") == code and isinstance(first.get("message"), str) and
          first["message"], "error %r (want code %s)" % (first, code))


def parse_secret_yaml(text):
    """The Secret YAML as a dict: PyYAML when installed, else the subset a Secret needs."""
    try:
        import yaml
        return yaml.safe_load(text)
    except ImportError:
        pass
    result, data = {}, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#") or line.strip() == "---":
            continue
        m = re.match(r"^(\s*)([\"']?)([^\"':]+)\2:\s*(.*)$", line)
        if not m:
            raise ValueError("not YAML the parser knows: %r" % line[:60])
        indent, key, value = m.group(1), m.group(3), m.group(4).strip().strip("\"'")
        if not indent:
            data = None
            if value:
                result[key] = value
            else:
                data = result.setdefault(key, {})
        elif data is not None:
            data[key] = value
    return result


# --------------------------------------------------------------------------------------


def run_backend(binary, backend, oidc, only, pg=None):
    """Runs the cases against one store backend; returns (passed, failed)."""
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="gatehouse-registry-%s-" % backend) as work:
        ctx = Ctx(binary, work, backend, oidc, pg)
        try:
            started = time.monotonic()
            try:
                ctx.start()
                ctx.setup_tenants()
            except Exception as e:  # noqa: BLE001 - every case fails with the reason
                print("FAIL [%s] set-up: %s: %s" % (backend, type(e).__name__, e), flush=True)
                if ctx.gh:
                    print("--- gatehouse log (tail) ---\n" + ctx.gh.log()[-2000:])
                return 0, len(suite.tests)
            print("[%s] set-up %.1fs" % (backend, time.monotonic() - started), flush=True)
            for fn in suite.tests:
                started = time.monotonic()
                try:
                    fn(ctx)
                    passed += 1
                    print("PASS [%s] %s (%.2fs)" % (backend, fn.__name__,
                                                    time.monotonic() - started), flush=True)
                except Exception as e:  # noqa: BLE001 - report every failure and go on
                    failed += 1
                    print("FAIL [%s] %s: %s: %s" % (backend, fn.__name__, type(e).__name__, e),
                          flush=True)
            # Last: nothing secret reached gatehouse's log.
            log = ctx.gh.log() + open(ctx.gh.stdout_path).read()
            leaked = [s for s in ctx.secrets if s and s in log]
            if leaked:
                failed += 1
                print("FAIL [%s] secrets_never_in_log: %d secret(s) in the log" % (
                    backend, len(leaked)), flush=True)
            else:
                passed += 1
                print("PASS [%s] secrets_never_in_log (%d checked)" % (backend,
                                                                       len(ctx.secrets)))
            if failed:
                print("--- gatehouse log (tail) ---\n" + ctx.gh.log()[-2500:])
                print("--- registry log (tail) ---\n" + ctx.registry.log()[-1500:])
        finally:
            ctx.close()
    print("%s: %d passed, %d failed" % (backend, passed, failed), flush=True)
    return passed, failed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    parser.add_argument("--shared", default="")
    parser.add_argument("-k", dest="only", default="", help="run the cases whose name has this")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    missing = [what for what, ok in (
        ("docker-registry", docker_registry.is_available()),
        ("skopeo", os.access(SKOPEO, os.X_OK)),
        ("sqlite3", shutil.which("sqlite3") is not None),
        ("node/npm", oidc_available()),
        ("postgresql", args.backend == "sqlite" or postgres.is_available())) if not ok]
    if missing:
        print("%s not installed: skipping" % ", ".join(missing))
        print("0 passed, 0 failed, 1 skipped")
        return 77  # ctest reports it as skipped (SKIP_RETURN_CODE), not passed
    suite.tests = [t for t in suite.tests if args.only in t.__name__]
    if not suite.tests:
        print("no case matches %r" % args.only)
        return 1
    binary = os.path.abspath(args.gatehouse)
    t0 = time.monotonic()
    passed = failed = 0
    with OidcProvider(realm="demo") as op:
        if args.backend in ("sqlite", "both"):
            p, f = run_backend(binary, "sqlite", op, args.only)
            passed, failed = passed + p, failed + f
        if args.backend in ("postgresql", "both"):
            with postgres.Postgres() as pg:
                p, f = run_backend(binary, "postgresql", op, args.only, pg)
                passed, failed = passed + p, failed + f
    print("total %.1fs" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
