"""gatehouse serve against a real Keystone (Debian python3-keystone + uwsgi on 127.0.0.1).

Covers issue #2's integration list: users in projects with roles and groups, a TokenReview for
each, expired and revoked tokens, application credentials, Keystone stopped (fast failure),
a policy change picked up without restart, a broken policy refused, bad input, and tokens
never reaching the logs. Issue 10: a deleted policy file or a misspelt policy key on reload keeps
the last good policy; either at start-up stops the server with a message naming it. Run by ctest; prints `N passed, N failed`.
"""

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.gatehouse import GatehouseServer, Suite, wait_until  # noqa: E402
from harness.keystone import Keystone  # noqa: E402

# Requests a real kube-apiserver 1.26 sent, kept in the repository (tests/data/*/README.md).
SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                       "kube-apiserver-1.26")

ROLES = "alpha.kubernetes.io/identity/roles"
PROJECT_ID = "alpha.kubernetes.io/identity/project/id"
PROJECT_NAME = "alpha.kubernetes.io/identity/project/name"
DOMAIN_ID = "alpha.kubernetes.io/identity/user/domain/id"
DOMAIN_NAME = "alpha.kubernetes.io/identity/user/domain/name"

suite = Suite()
ctx = {}


def token_review(token, version="v1"):
    return {"apiVersion": "authentication.k8s.io/" + version, "kind": "TokenReview",
            "metadata": {"creationTimestamp": None}, "spec": {"token": token}}


def sar(user, groups, extra, namespace, verb, resource, version="v1"):
    spec = {"user": user, "resourceAttributes": {"namespace": namespace, "verb": verb,
                                                 "resource": resource, "version": "v1"}}
    spec["groups" if version == "v1" else "group"] = groups
    if extra is not None:
        spec["extra"] = extra
    return {"apiVersion": "authorization.k8s.io/" + version, "kind": "SubjectAccessReview",
            "spec": spec}


def check(cond, message):
    if not cond:
        raise AssertionError(message)


# --------------------------------------------------------------------------------------
# Authentication


@suite.test
def tokenreview_v1_produces_keystone_user_info():
    ks, gh, demo = ctx["ks"], ctx["gh"], ctx["demo"]
    token = ks.issue_project_token("demo", "demo-pw", "demo")
    status, body = gh.post("/webhook?timeout=30s", token_review(token))
    check(status == 200, "status %s: %s" % (status, body))
    st = body["status"]
    check(st["authenticated"] is True, st)
    user = st["user"]
    check(user["username"] == "demo", user)
    check(user["uid"] == demo["user_id"], user)
    # Keystone groups, then the project id, then the sync config's role mappings (member).
    check(user["groups"] == ["mygroup", demo["project_id"], "tenant-members"], user["groups"])
    extra = user["extra"]
    check(sorted(extra[ROLES]) == ["member", "reader"], extra)
    check(extra[PROJECT_ID] == [demo["project_id"]], extra)
    check(extra[PROJECT_NAME] == ["demo"], extra)
    check(extra[DOMAIN_ID] == ["default"] and extra[DOMAIN_NAME] == ["Default"], extra)
    check(body["apiVersion"] == "authentication.k8s.io/v1", body)
    check("spec" not in body, "the token must not be echoed back")


@suite.test
def tokenreview_v1beta1_answers_in_v1beta1():
    ks, gh = ctx["ks"], ctx["gh"]
    token = ks.issue_project_token("demo", "demo-pw", "demo")
    status, body = gh.post("/authenticate", token_review(token, "v1beta1"))
    check(status == 200 and body["status"]["authenticated"], body)
    check(body["apiVersion"] == "authentication.k8s.io/v1beta1", body)


@suite.test
def each_user_gets_its_own_identity():
    ks, gh, ops = ctx["ks"], ctx["gh"], ctx["ops"]
    token = ks.issue_project_token("ops", "ops-pw", "ops")
    _, body = gh.post("/webhook", token_review(token))
    user = body["status"]["user"]
    check(user["username"] == "ops", user)
    check(user["groups"][0] == ops["project_id"], user)
    check("admin" in user["extra"][ROLES], user)


@suite.test
def role_mappings_from_sync_config_apply():
    ks, gh = ctx["ks"], ctx["gh"]
    token = ks.issue_project_token("ops", "ops-pw", "ops")
    _, body = gh.post("/webhook", token_review(token))
    groups = body["status"]["user"]["groups"]
    # admin implies member in Keystone, so both mappings apply, in the sync config's order.
    check(groups[1:] == ["platform-admins", "tenant-members"], "role mappings: %s" % groups)


@suite.test
def application_credential_token_authenticates():
    ks, gh, demo = ctx["ks"], ctx["gh"], ctx["demo"]
    user_token = ks.issue_project_token("demo", "demo-pw", "demo")
    cred = ks.create_application_credential(demo["user_id"], user_token, "ci-cred")
    token = ks.issue_app_cred_token(cred["id"], cred["secret"])
    _, body = gh.post("/webhook", token_review(token))
    check(body["status"]["authenticated"], body)
    check(body["status"]["user"]["username"] == "demo", body)


@suite.test
def unscoped_and_system_scoped_tokens_are_refused():
    ks, gh = ctx["ks"], ctx["gh"]
    for token in (ks.issue_unscoped_token("demo", "demo-pw"),
                  ks.issue_system_token("admin", "s3cret")):
        status, body = gh.post("/webhook", token_review(token))
        check(status == 200, status)
        check(body["status"]["authenticated"] is False, body)
        check(body["status"].get("error"), "status.error must say why: %s" % body)
        check("user" not in body["status"] or not body["status"]["user"].get("username"), body)


@suite.test
def revoked_token_is_refused():
    ks, gh = ctx["ks"], ctx["gh"]
    token = ks.issue_project_token("demo", "demo-pw", "demo")
    ks.revoke_token(token)
    _, body = gh.post("/webhook", token_review(token))
    check(body["status"]["authenticated"] is False, body)


@suite.test
def garbage_token_is_refused_with_reason():
    gh = ctx["gh"]
    status, body = gh.post("/webhook", token_review("not-a-keystone-token"))
    check(status == 200, status)
    check(body["status"]["authenticated"] is False and body["status"]["error"], body)


@suite.test
def failure_status_401_is_configurable():
    with GatehouseServer(ctx["binary"], ["--keystone-url", ctx["ks"].url,
                                         "--authentication-failure-status", "401"]) as gh:
        status, body = gh.post("/webhook", token_review("bad"))
        check(status == 401, status)
        check(body["status"]["authenticated"] is False, body)


@suite.test
def service_credential_validation_authenticates_the_same_identity():
    ks, demo = ctx["ks"], ctx["demo"]
    token = ks.issue_project_token("demo", "demo-pw", "demo")
    with GatehouseServer(ctx["binary"], [
            "--keystone-url", ks.url, "--keystone-validation", "service",
            "--keystone-service-username", "admin", "--keystone-service-project", "admin",
            "--keystone-timeout", "10s"],
            env={"GATEHOUSE_KEYSTONE_SERVICE_PASSWORD": "s3cret"}) as gh:
        _, body = gh.post("/webhook", token_review(token))
        check(body["status"]["authenticated"], body)
        user = body["status"]["user"]
        check(user["username"] == "demo" and user["uid"] == demo["user_id"], user)
        check(user["groups"][:2] == ["mygroup", demo["project_id"]], user)
        _, body = gh.post("/webhook", token_review("garbage-token"))
        check(body["status"]["authenticated"] is False, body)
        check("s3cret" not in gh.log(), "the service password never reaches the log")


@suite.test
def concurrent_requests_for_one_token_make_one_keystone_validation():
    ks, gh = ctx["ks"], ctx["gh"]
    token = ks.issue_project_token("demo", "demo-pw", "demo")
    before = gh.metric("gatehouse_keystone_requests_total")
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: gh.post("/webhook", token_review(token)), range(32)))
    check(all(b["status"]["authenticated"] for _, b in results), "all authenticated")
    calls = gh.metric("gatehouse_keystone_requests_total") - before
    # one token validation + one group listing
    check(calls <= 2, "expected one Keystone validation for 32 requests, saw %s calls" % calls)
    check(gh.metric("gatehouse_token_cache_hits_total") >= 1, "cache hits are counted")


@suite.test
def expired_token_is_refused():
    with Keystone(token_expiration=3) as short:
        pid = short.create_project("p")
        uid = short.create_user("u", "u-pw", default_project_id=pid)
        short.assign_project_role(pid, uid, "member")
        token = short.issue_project_token("u", "u-pw", "p")
        with GatehouseServer(ctx["binary"], ["--keystone-url", short.url]) as gh:
            deadline = time.monotonic() + 4.5
            while time.monotonic() < deadline:  # Keystone's clock decides; wait out 3 s
                time.sleep(0.5)
            _, body = gh.post("/webhook", token_review(token))
            check(body["status"]["authenticated"] is False, body)


# --------------------------------------------------------------------------------------
# Authorization and policy reload


def demo_extra():
    return {PROJECT_NAME: ["demo"], PROJECT_ID: [ctx["demo"]["project_id"]],
            ROLES: ["member"]}


@suite.test
def policy_allows_and_no_match_is_no_opinion():
    gh = ctx["gh"]
    _, body = gh.post("/authorize", sar("demo", ["g"], demo_extra(), "demo", "list", "pods"))
    check(body["status"]["allowed"] is True, body)
    check(body["status"].get("reason"), "the reason names the policy: %s" % body)
    _, body = gh.post("/authorize", sar("demo", ["g"], demo_extra(), "kube-system", "list",
                                        "pods"))
    check(body["status"]["allowed"] is False and not body["status"].get("denied"), body)
    _, body = gh.post("/webhook", sar("demo", ["g"], None, "demo", "list", "pods", "v1beta1"))
    check(body["status"]["allowed"] is False, "no extra → not allowed: %s" % body)
    check(body["apiVersion"] == "authorization.k8s.io/v1beta1", body)


@suite.test
def policy_change_is_picked_up_without_restart():
    gh, policy_file = ctx["gh"], ctx["policy_file"]
    req = sar("demo", ["g"], demo_extra(), "demo", "delete", "pods")
    _, body = gh.post("/authorize", req)
    check(body["status"]["allowed"] is False, body)
    policy = json.load(open(policy_file))
    policy[0]["resource_permissions"]["demo/pods"].append("delete")
    write_atomically(policy_file, json.dumps(policy))
    wait_until(lambda: gh.post("/authorize", req)[1]["status"]["allowed"] is True,
               timeout=10, what="the new policy to allow delete")


@suite.test
def broken_policy_is_refused_and_last_good_keeps_serving():
    gh, policy_file = ctx["gh"], ctx["policy_file"]
    req = sar("demo", ["g"], demo_extra(), "demo", "list", "pods")
    check(gh.post("/authorize", req)[1]["status"]["allowed"] is True, "allowed before")
    failures = gh.metric("gatehouse_config_reload_failures_total")
    good = open(policy_file).read()
    write_atomically(policy_file, '[{"resource_permissions": ["not", "an", "object"]}]')
    wait_until(lambda: gh.metric("gatehouse_config_reload_failures_total") > failures,
               timeout=10, what="the broken policy to be refused")
    check(gh.post("/authorize", req)[1]["status"]["allowed"] is True, "last good policy serves")
    check("configuration refused" in gh.log(), "a log line says the policy was refused")
    write_atomically(policy_file, good)


@suite.test
def deleted_policy_file_keeps_previous_decisions():
    gh, policy_file = ctx["gh"], ctx["policy_file"]
    req = sar("demo", ["g"], demo_extra(), "demo", "list", "pods")
    check(gh.post("/authorize", req)[1]["status"]["allowed"] is True, "allowed before")
    failures = gh.metric("gatehouse_config_reload_failures_total", source="policy:file")
    good = open(policy_file).read()
    os.remove(policy_file)
    try:
        wait_until(lambda: gh.metric("gatehouse_config_reload_failures_total",
                                     source="policy:file") > failures,
                   timeout=10, what="the missing policy to be counted as a failed reload")
        check(gh.post("/authorize", req)[1]["status"]["allowed"] is True,
              "a deleted policy file is not an empty policy: the last good one serves")
        status, text = gh.get("/readyz")
        check(status == 200 and text == "ok\n", "plain /readyz unchanged: %s %r" % (status, text))
        status, text = gh.get("/readyz?verbose")
        check(status == 200, "still ready: %s %s" % (status, text))
        check("[+]policy ok (last reload failed: source_missing: file %s" % policy_file in text,
              "readyz?verbose shows the failed reload: %s" % text)
        check("source_missing" in gh.log(), "a log line says the policy file is missing")
    finally:
        write_atomically(policy_file, good)
    wait_until(lambda: "[+]policy ok\n" in gh.get("/readyz?verbose")[1], timeout=10,
               what="the restored policy to load")


@suite.test
def misspelt_key_on_reload_keeps_last_good_policy():
    gh, policy_file = ctx["gh"], ctx["policy_file"]
    allowed = sar("demo", ["g"], demo_extra(), "demo", "list", "pods")
    stranger = sar("mallory", ["g"], {PROJECT_NAME: ["elsewhere"], ROLES: ["none"]}, "demo",
                   "get", "secrets")
    check(gh.post("/authorize", stranger)[1]["status"]["allowed"] is False, "denied before")
    failures = gh.metric("gatehouse_config_reload_failures_total", source="policy:file")
    good = open(policy_file).read()
    # Issue 10: read as upstream does, this element applies to every user.
    write_atomically(policy_file, json.dumps([
        {"userz": {"roles": ["admin"], "projects": ["demo"]},
         "resource_permissions": {"*/secrets": ["get"]}}]))
    try:
        wait_until(lambda: gh.metric("gatehouse_config_reload_failures_total",
                                     source="policy:file") > failures,
                   timeout=10, what="the misspelt policy to be refused")
        check(gh.post("/authorize", stranger)[1]["status"]["allowed"] is False,
              "the misspelt policy must not grant secrets to everyone")
        check(gh.post("/authorize", allowed)[1]["status"]["allowed"] is True,
              "the last good policy keeps serving")
        check("userz" in gh.log(), "the refusal names the unknown key")
        text = gh.get("/readyz?verbose")[1]
        check("invalid_policy" in text and "userz" in text, "readyz?verbose: %s" % text)
    finally:
        write_atomically(policy_file, good)
    wait_until(lambda: "[+]policy ok\n" in gh.get("/readyz?verbose")[1], timeout=10,
               what="the restored policy to load")


def serve_until_exit(args, timeout=20):
    """Runs `gatehouse serve` that is expected to stop at start-up: (exit code, stderr)."""
    data_dir = tempfile.mkdtemp(prefix="gatehouse-it-start-")
    cmd = [ctx["binary"], "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir] + args
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:  # run() killed it: it kept serving
        raise AssertionError("gatehouse serve %s did not exit: %s" % (args, e.stderr))
    return done.returncode, done.stderr


@suite.test
def mistyped_policy_path_is_fatal_at_start():
    missing = os.path.join(tempfile.mkdtemp(prefix="gatehouse-it-"), "polcy.json")
    code, err = serve_until_exit(["--keystone-policy-file", missing])
    check(code != 0, "a missing policy file must stop the server (exit %s)" % code)
    check(missing in err and "source_missing" in err, "the message names the path: %s" % err)


@suite.test
def misspelt_policy_key_is_fatal_at_start_unless_lenient():
    path = os.path.join(tempfile.mkdtemp(prefix="gatehouse-it-"), "policy.json")
    write_atomically(path, json.dumps([
        {"userz": {"roles": ["admin"], "projects": ["demo"]},
         "resource_permissions": {"*/secrets": ["get"]}}]))
    code, err = serve_until_exit(["--keystone-policy-file", path])
    check(code != 0, "a policy with an unknown key must stop the server (exit %s)" % code)
    check('unknown key "userz"' in err and "policy[0]" in err,
          "the message names the key and the element: %s" % err)
    # The upstream reading, on request: starts, and warns naming the key.
    with GatehouseServer(ctx["binary"], ["--keystone-policy-file", path,
                                         "--keystone-policy-lenient"]) as gh:
        check(gh.get("/readyz")[0] == 200, "lenient: the policy loads")
        check("userz" in gh.log(), "lenient: a warning names the ignored key")


def write_atomically(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


# --------------------------------------------------------------------------------------
# HTTP surface


@suite.test
def bad_input_gets_400_never_a_crash():
    gh = ctx["gh"]
    cases = [
        b"not json",
        b'{"apiVersion":"authentication.k8s.io/v2","kind":"TokenReview","spec":{"token":"x"}}',
        b'{"apiVersion":"authentication.k8s.io/v1","kind":"Foo"}',
        b'{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview"}',
        b'{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":5}}',
        b"[" * 100000 + b"]" * 100000,
        b'{"kind":"TokenReview"}',
    ]
    for raw in cases:
        status, text = gh.request("POST", "/webhook", raw=raw)
        check(status == 400, "%s → %s %s" % (raw[:60], status, text[:200]))
        check(json.loads(text).get("error"), text)
    status = gh.post_headers_only("/webhook", content_length=2 << 20)
    check(status == 413, "oversized body → %s" % status)
    check(gh.request("GET", "/healthz")[0] == 200, "healthz")
    check(gh.request("GET", "/nope")[0] == 404, "unknown path")


@suite.test
def replayed_kube_apiserver_requests_are_answered():
    gh, folder = ctx["gh"], SAMPLES
    answered = 0
    for name in sorted(os.listdir(folder)):
        if not os.path.isfile(os.path.join(folder, name)):  # api/: the API server's own answers
            continue
        if "Review" not in open(os.path.join(folder, name)).read(200) and not name.startswith(
                ("raw-", "tokenreview", "subjectaccessreview")):
            continue
        sample = json.load(open(os.path.join(folder, name)))
        if "request" not in sample or "path" not in sample:
            continue
        kind = sample["request"].get("kind")
        if kind not in ("TokenReview", "SubjectAccessReview"):
            continue
        status, body = gh.post(sample["path"], sample["request"])
        check(status == 200, "%s → %s %s" % (name, status, body))
        check(body["kind"] == kind and "status" in body, name)
        answered += 1
    check(answered >= 8, "replayed %d samples" % answered)


@suite.test
def readiness_and_metrics():
    gh = ctx["gh"]
    check(gh.request("GET", "/readyz")[0] == 200, "ready with policy and Keystone")
    text = gh.metrics()
    for name in ("gatehouse_requests_total", "gatehouse_request_duration_seconds_bucket",
                 "gatehouse_config_reloads_total", "gatehouse_keystone_requests_total",
                 "gatehouse_token_cache_hits_total", "gatehouse_token_cache_misses_total"):
        check(name in text, "metric %s exported" % name)


@suite.test
def tokens_and_passwords_never_reach_the_logs():
    gh = ctx["gh"]
    log = gh.log()
    for secret in ctx["issued_tokens"] + ["demo-pw", "ops-pw", "s3cret"]:
        check(secret not in log, "a secret leaked into the log")


@suite.test
def keystone_down_fails_fast_and_says_why():
    ks, gh = ctx["ks"], ctx["gh"]
    token = ks.issue_project_token("demo", "demo-pw", "demo")
    ctx["issued_tokens"].append(token)
    ks.stop()
    started = time.monotonic()
    status, body = gh.post("/webhook", token_review(token))
    elapsed = time.monotonic() - started
    check(status == 200 and body["status"]["authenticated"] is False, body)
    check("keystone" in body["status"]["error"].lower(), body["status"]["error"])
    check(elapsed < 2.0, "connection refused must fail at once, took %.2fs" % elapsed)
    check(gh.metric("gatehouse_keystone_errors_total") >= 1, "Keystone errors are counted")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    parser.add_argument("--shared", default="", help="unused (test data is in tests/data)")
    parser.add_argument("--only", help="run only the tests whose name contains this")
    args = parser.parse_args()
    if args.only:
        suite.tests = [t for t in suite.tests if args.only in t.__name__]
    ctx["binary"] = args.gatehouse
    ctx["issued_tokens"] = []
    work = tempfile.mkdtemp(prefix="gatehouse-it-")
    policy_file = os.path.join(work, "policy.json")
    ctx["policy_file"] = policy_file
    source = os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "examples")
    write_atomically(policy_file, open(os.path.join(source, "policy.json")).read())
    sync_file = os.path.join(work, "sync.yaml")
    write_atomically(sync_file, open(os.path.join(source, "sync-config.yaml")).read())

    with Keystone() as ks:
        ctx["ks"] = ks
        original_issue = ks.issue_token_raw

        def remember(auth):  # every token issued is later searched for in the logs
            token, body = original_issue(auth)
            ctx["issued_tokens"].append(token)
            return token, body
        ks.issue_token_raw = remember

        demo_pid = ks.create_project("demo")
        demo_uid = ks.create_user("demo", "demo-pw", default_project_id=demo_pid)
        gid = ks.create_group("mygroup")
        ks.add_user_to_group(demo_uid, gid)
        ks.assign_project_role(demo_pid, demo_uid, "member")
        ks.assign_project_role(demo_pid, demo_uid, "reader")
        ctx["demo"] = {"project_id": demo_pid, "user_id": demo_uid}
        ops_pid = ks.create_project("ops")
        ops_uid = ks.create_user("ops", "ops-pw", default_project_id=ops_pid)
        ks.assign_project_role(ops_pid, ops_uid, "admin")
        ctx["ops"] = {"project_id": ops_pid, "user_id": ops_uid}

        with GatehouseServer(args.gatehouse, [
                "--keystone-url", ks.url, "--keystone-policy-file", policy_file,
                "--sync-config-file", sync_file, "--reload-interval", "200ms",
                # One single-threaded uwsgi Keystone on a busy 2-core machine answers
                # application-credential validations in up to ~3 s.
                "--keystone-timeout", "10s"]) as gh:
            ctx["gh"] = gh
            ok = suite.run()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
