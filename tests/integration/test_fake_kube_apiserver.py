#!/usr/bin/env python3
"""The fake kube-apiserver (harness/fake_kube_apiserver.py) answers like the real one.

Requests recorded from a real kube-apiserver 1.26 (tests/data/kube-apiserver-1.26/api/*.json)
are replayed over HTTPS with http.client, and the fake's status codes, Content-Type, Status
reasons and messages, bodies (with Go's field order: compared as JSON text) and watch event
sequences are compared with what the real server answered; only values that differ from run
to run (uids, resourceVersions, timestamps, continue tokens' resourceVersion) are masked.
Covers: discovery, the recorded error answers, the preinstalled Gatekeeper CRDs
(ConstraintTemplate create/watch/status through v1 and v1beta1, a Config), CRD create ->
NamesAccepted -> Established (the CRD watch events and bookmarks), custom resources
(defaulting, pruning warnings, Strict, list, limit/continue, other served version, watch), 409
Conflict on a stale PUT, /status PUT and merge patch, server-side apply conflicts on /status,
generation, a watch from before compact() getting the 410 ERROR event, paged ConfigMap lists
with an expired continue token, 2048-byte replay chunks, the Lease leader-election exchanges
(409 AlreadyExists, MicroTime, create-on-update), bearer-token 401/403, CRD deletion,
break_watches(), the request log, the kubeconfig and the --port-file command line. Accepts
and ignores --gatehouse; exits 77 (skipped) without openssl. Prints `N passed, N failed`.
"""

import argparse
import base64
import copy
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.fake_kube_apiserver import FakeKubeApiserver, load_yaml  # noqa: E402
from harness.gatehouse import Suite, wait_until  # noqa: E402
from harness.process import die_with_parent, stop_process, tail  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "data", "kube-apiserver-1.26", "api")
TOKEN = "fake-admin-token"
UA = "gatehouse-controller/0.1.0 (linux/amd64)"
DYNAMIC = {"uid", "resourceVersion", "creationTimestamp", "time", "lastTransitionTime",
           "deletionTimestamp", "constraintUID", "templateUID", "serverAddress"}

suite = Suite()
STATE = {}
_RECORDINGS = {}


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def recording(name):
    if name not in _RECORDINGS:
        with open(os.path.join(SAMPLES, name)) as f:
            _RECORDINGS[name] = json.load(f)["exchanges"]
    return _RECORDINGS[name]


def exchange(name, step):
    """The recorded exchange whose step starts with `step`."""
    hits = [e for e in recording(name) if e["step"] == step] or [
        e for e in recording(name) if e["step"].startswith(step)]
    check(len(hits) == 1, "%d exchanges named %r in %s" % (len(hits), step, name))
    return hits[0]


def scrub(v, extra=()):
    """v with the per-run values masked (key order kept)."""
    if isinstance(v, dict):
        return {k: "<%s>" % k if (k in DYNAMIC or k in extra) and x is not None else
                scrub(x, extra) for k, x in v.items()}
    if isinstance(v, list):
        return [scrub(x, extra) for x in v]
    return v


def same(got, want, extra=(), what="body"):
    a = json.dumps(scrub(got, extra))
    b = json.dumps(scrub(want, extra))
    if a != b:
        i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        raise AssertionError("%s differs from the recording at %d:\n got: ...%s\nwant: ...%s" % (
            what, i, a[max(0, i - 120):i + 160], b[max(0, i - 120):i + 160]))


def token_json(token):
    return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))


class Answer:
    def __init__(self, status, headers, text):
        self.status, self.headers, self.text = status, headers, text
        try:
            self.json = json.loads(text)
        except ValueError:
            self.json = None

    def header(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]


def kube():
    return STATE["kube"]


def call(method, path, body=None, content_type="application/json", token=TOKEN,
         accept="application/json", server=None):
    server = server or kube()
    conn = http.client.HTTPSConnection("127.0.0.1", server.port, context=server.ssl_context(),
                                       timeout=10)
    headers = {"User-Agent": UA}
    if accept:
        headers["Accept"] = accept
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers["Content-Type"] = content_type
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        return Answer(resp.status, resp.getheaders(), resp.read().decode())
    finally:
        conn.close()


def replay(name, step, path=None, body=None, token=TOKEN, scrubbed=True, extra=()):
    """Sends the recorded request again and checks the answer against the recorded one."""
    ex = exchange(name, step)
    req, rec = ex["request"], ex["response"]
    if body is None:
        body = req.get("body")
    answer = call(req["method"], path or req["path"], body=body,
                  content_type=req["headers"].get("Content-Type", "application/json"),
                  token=token, accept=req["headers"].get("Accept"))
    check(answer.status == rec["status"], "%s: HTTP %d (recorded %d): %s" % (
        step, answer.status, rec["status"], answer.text[:600]))
    check(answer.header("Content-Type") == [rec["headers"]["Content-Type"]],
          "%s: Content-Type %s" % (step, answer.header("Content-Type")))
    check(answer.header("Cache-Control") == ["no-cache, private"], answer.headers)
    if "bodyText" in rec:
        check(answer.text == rec["bodyText"], "%s: %r" % (step, answer.text))
    elif scrubbed:
        same(answer.json, rec["body"], extra, what=step)
    else:
        check(answer.text == json.dumps(rec["body"], separators=(",", ":")) + "\n",
              "%s:\n got: %s\nwant: %s" % (step, answer.text, json.dumps(rec["body"])))
    return answer


class Watch:
    """A watch request read line by line on a thread: .events, .ended."""

    def __init__(self, path, token=TOKEN):
        server = kube()
        self.conn = http.client.HTTPSConnection("127.0.0.1", server.port,
                                                context=server.ssl_context(), timeout=20)
        self.conn.request("GET", path, headers={"Accept": "application/json",
                                                "Authorization": "Bearer " + token,
                                                "User-Agent": UA})
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = self.resp.getheaders()
        self.events, self.ended, self.clean, self.started = [], False, None, time.monotonic()
        self.ended_at = None
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        # read1, not readline: readline takes a connection closed in the middle of the
        # chunked stream for its end.
        pending = b""
        try:
            while True:
                piece = self.resp.read1(65536)
                if not piece:
                    self.clean = True
                    break
                pending += piece
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    self.events.append(json.loads(line))
        except (http.client.IncompleteRead, OSError, ValueError):
            self.clean = False
        self.ended_at = time.monotonic() - self.started
        self.ended = True
        self.conn.close()

    def wait(self, n, timeout=5.0):
        wait_until(lambda: len(self.events) >= n or self.ended, timeout=timeout,
                   what="%d watch events" % n)
        return self.events

    def join(self, timeout=10.0):
        self.thread.join(timeout)
        check(self.ended, "the watch stream did not end")
        return self.events


def raw_chunks(path):
    """(status line, [HTTP chunks]) of a GET, read off the socket (chunk boundaries kept)."""
    server = kube()
    sock = server.ssl_context().wrap_socket(socket.create_connection(("127.0.0.1", server.port),
                                                                     timeout=10),
                                            server_hostname="127.0.0.1")
    sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
                  "Authorization: Bearer %s\r\nConnection: close\r\n\r\n" % (path, TOKEN))
                 .encode())
    data = b""
    while True:
        piece = sock.recv(65536)
        if not piece:
            break
        data += piece
    sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    chunks = []
    while body:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        chunks.append(body[:size])
        body = body[size + 2:]
    return head.split(b"\r\n")[0].decode(), chunks


def recorded_events(name, step):
    return exchange(name, step)["response"]["events"]


# ---------------------------------------------------------------------------------------------


@suite.test
def test_discovery_is_the_recorded_one():
    for path in ("/version", "/apis/coordination.k8s.io/v1", "/apis/apiextensions.k8s.io/v1",
                 "/apis/templates.gatekeeper.sh/v1", "/apis/config.gatekeeper.sh/v1alpha1"):
        ex = [e for e in recording("discovery.json") if e["request"]["path"] == path][0]
        replay("discovery.json", ex["step"], scrubbed=False)
    api = replay("discovery.json", "core API versions")
    check(api.json["serverAddressByClientCIDRs"][0]["serverAddress"] == "127.0.0.1:%d"
          % kube().port, api.json)
    core = call("GET", "/api/v1").json
    recorded = {r["name"]: r for r in exchange("discovery.json", "core v1 resources")["response"][
        "body"]["resources"]}
    check([r["name"] for r in core["resources"]] == ["configmaps", "namespaces",
                                                      "namespaces/finalize", "namespaces/status"],
          core)
    for r in core["resources"]:
        check(json.dumps(r) == json.dumps(recorded[r["name"]]), (r, recorded[r["name"]]))
    groups = call("GET", "/apis").json
    check([g["name"] for g in groups["groups"]] == [
        "apiextensions.k8s.io", "coordination.k8s.io", "templates.gatekeeper.sh",
        "config.gatekeeper.sh"], groups)
    recorded_groups = {g["name"]: g for g in exchange("discovery.json", "API groups (includes")[
        "response"]["body"]["groups"]}
    for g in groups["groups"]:
        check(json.dumps(g) == json.dumps(recorded_groups[g["name"]]), g)
    for path in ("/readyz", "/livez", "/healthz"):
        ex = [e for e in recording("discovery.json") if e["request"]["path"] == path][0]
        replay("discovery.json", ex["step"])


@suite.test
def test_the_recorded_error_answers():
    seeded = call("POST", "/api/v1/namespaces/gatehouse-system/configmaps", {
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "gatehouse-policy"},
        "data": {"policy.yaml": "mode: enforce\n"}})
    check(seeded.status == 201, seeded.text)
    for step in ["404: missing object", "404: unknown resource type in a known group/version",
                 "404: unknown group", "422: invalid name", "422: no name and no generateName",
                 "422: invalid label key and value", "409: AlreadyExists",
                 "400: malformed JSON body", "400: body kind does not match the endpoint",
                 "400: body namespace does not match the URL", "400: invalid label selector",
                 "400: field selector on an unsupported field", "415: PATCH with Content-Type",
                 "405: PUT on a collection", "406: unsupported Accept",
                 "409: PUT with a wrong resourceVersion",
                 "404: PUT with a resourceVersion on a missing object",
                 "404: PUT without resourceVersion on a missing ConfigMap",
                 "404: merge patch of a missing object"]:
        replay("errors.json", step, scrubbed=False)
    created = replay("errors.json", "201: generateName", extra=("name",))
    check(created.json["metadata"]["name"].startswith("gatehouse-") and
          len(created.json["metadata"]["name"]) == len("gatehouse-crmzl"), created.json)
    replay("errors.json", "200: PUT without metadata.resourceVersion")
    for step in ("401: bad bearer token", "401: a JWT the server did not sign"):
        ex = exchange("errors.json", step)
        answer = replay("errors.json", step, token=ex["request"]["headers"]["Authorization"][7:],
                        scrubbed=False)
        check(not answer.header("X-Kubernetes-Pf-Flowschema-Uid"), answer.headers)
    anonymous = replay("errors.json", "403: anonymous", token=None, scrubbed=False)
    check(anonymous.header("X-Content-Type-Options") == ["nosniff"], anonymous.headers)
    replay("errors.json", "200: anonymous may read /version", token=None, scrubbed=False)


@suite.test
def test_preinstalled_gatekeeper_crds_serve_templates_and_configs():
    name = "constrainttemplate.json"
    replay(name, "list constrainttemplates (empty)")
    watch = Watch("/apis/templates.gatekeeper.sh/v1/constrainttemplates?allowWatchBookmarks=true"
                  "&resourceVersion=%s&timeoutSeconds=10&watch=true" % kube().resource_version)
    created = replay(name, "(second client) create the k8srequiredlabels ConstraintTemplate")
    check(created.json["spec"]["crd"]["spec"]["validation"]["legacySchema"] is False,
          "the schema default was not applied")
    body = copy.deepcopy(exchange(name, "(second client) PUT status")["request"]["body"])
    body["metadata"].update(uid=created.json["metadata"]["uid"],
                            resourceVersion=created.json["metadata"]["resourceVersion"])
    replay(name, "(second client) PUT status", body=body)
    replay(name, "(second client) merge-patch status")
    replay(name, "get the template (v1)")
    replay(name, "get the template through v1beta1")
    replay(name, "create the Config")
    replay(name, "list Configs by name")
    replay(name, "get the Config with resourceVersion=0")
    watch.wait(4)
    kube().break_watches()
    events = watch.join()
    recorded = recorded_events(name, "watch constrainttemplates")
    check([e["type"] for e in events] == [e["type"] for e in recorded], events)
    for got, rec in zip(events, recorded):
        same(got, rec, what="ConstraintTemplate watch event " + rec["type"])


@suite.test
def test_crd_create_then_names_accepted_then_established():
    name = "crd-lifecycle.json"
    replay(name, "list constraints before the CRD exists")
    listed = replay(name, "list CRDs by name")
    rv = listed.json["metadata"]["resourceVersion"]
    watch = Watch("/apis/apiextensions.k8s.io/v1/customresourcedefinitions?allowWatchBookmarks="
                  "true&fieldSelector=metadata.name%%3Dk8srequiredlabels.constraints.gatekeeper.sh"
                  "&resourceVersion=%s&timeoutSeconds=1&watch=true" % rv)
    check(watch.status == 200 and ("Transfer-Encoding", "chunked") in watch.headers,
          watch.headers)
    created = replay(name, "create the constraint CRD")
    check(created.json["status"] == {"conditions": None, "acceptedNames": {"plural": "",
                                                                           "kind": ""},
                                     "storedVersions": ["v1beta1"]}, created.json["status"])
    poll = exchange(name, "poll the CRD until Established=True (poll 4)")
    path = poll["request"]["path"]
    wait_until(lambda: any(c["type"] == "Established" and c["status"] == "True" for c in (
        call("GET", path).json["status"]["conditions"] or [])), timeout=5, what="Established")
    replay(name, "poll the CRD until Established=True (poll 4)")
    replay(name, "list constraints right after Established")
    replay(name, "poll group-version discovery")
    replay("discovery.json", "the constraints group", scrubbed=False)
    replay("discovery.json", "constraint kinds (one CRD per template)", scrubbed=False)
    replay("discovery.json", "the same through v1alpha1", scrubbed=False)
    events = watch.join()
    check(watch.clean and 0.9 < watch.ended_at < 2.0, (watch.clean, watch.ended_at))
    want = recorded_events(name, "watch the CRD by name")
    check([e["type"] for e in events[:3]] == ["ADDED", "MODIFIED", "MODIFIED"],
          [e["type"] for e in events])
    for got, rec in zip(events[:3], want[:3]):
        same(got, rec, what="CRD watch event " + rec["type"])
    bookmarks = events[3:]
    check(bookmarks and all(e["type"] == "BOOKMARK" for e in bookmarks), events[3:])
    same(bookmarks[0], want[3], what="BOOKMARK")
    check(bookmarks[0]["object"]["metadata"]["resourceVersion"] ==
          events[2]["object"]["metadata"]["resourceVersion"], bookmarks[0])
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events[:3]]
    check(rvs == sorted(rvs) and rvs[0] > int(rv), rvs)


@suite.test
def test_constraints_create_list_watch_and_page():
    name = "crd-lifecycle.json"
    base = "/apis/constraints.gatekeeper.sh/v1beta1/k8srequiredlabels"
    rv = call("GET", base).json["metadata"]["resourceVersion"]
    watch = Watch(base + "?resourceVersion=%s&timeoutSeconds=1&watch=true" % rv)
    replay(name, "create a constraint (enforcementAction omitted")
    replay(name, "create with unknown fields and ?fieldValidation=Strict", scrubbed=False)
    warned = replay(name, "create with unknown fields (default fieldValidation")
    check(warned.header("Warning") == exchange(name, "create with unknown fields (default")[
        "response"]["headers"]["Warning"], warned.header("Warning"))
    replay(name, "list constraints")
    page = replay(name, "list with limit=1", extra=("continue",))
    tok = token_json(page.json["metadata"]["continue"])
    recorded_tok = token_json(exchange(name, "list with limit=1")["response"]["body"]["metadata"][
        "continue"])
    check(list(tok) == list(recorded_tok) and tok["start"] == recorded_tok["start"] and
          tok["rv"] == int(page.json["metadata"]["resourceVersion"]), (tok, recorded_tok))
    rest = call("GET", base + "?limit=1&continue=" + page.json["metadata"]["continue"]).json
    check([i["metadata"]["name"] for i in rest["items"]] == ["ns-must-have-team"] and
          rest["metadata"]["continue"] == "" and "remainingItemCount" not in rest["metadata"],
          rest)
    replay(name, "get one constraint")
    replay(name, "get the same constraint through the other served version")
    watch.wait(2)
    kube().break_watches()
    events = watch.join()
    check([(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "ns-must-have-owner"), ("ADDED", "ns-must-have-team")], events)
    same(events[0]["object"], exchange(name, "create a constraint (")["response"]["body"])


@suite.test
def test_status_subresource_conflicts_and_generation():
    name = "crd-lifecycle.json"
    path = "/apis/constraints.gatekeeper.sh/v1beta1/k8srequiredlabels/ns-must-have-owner"
    current = call("GET", path).json

    def with_current(step):
        body = copy.deepcopy(exchange(name, step)["request"]["body"])
        body["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
        body["metadata"]["uid"] = current["metadata"]["uid"]
        return body

    stale_rv = current["metadata"]["resourceVersion"]
    written = replay(name, "PUT the status subresource (full object", body=with_current(
        "PUT the status subresource (full object"))
    check(written.json["metadata"]["generation"] == 1, written.json["metadata"])
    stale = with_current("PUT the status subresource with the stale")
    stale["metadata"]["resourceVersion"] = stale_rv
    conflict = replay(name, "PUT the status subresource with the stale", body=stale,
                      scrubbed=False)
    check(conflict.json["message"] == 'Operation cannot be fulfilled on k8srequiredlabels.'
          'constraints.gatekeeper.sh "ns-must-have-owner": the object has been modified; please '
          'apply your changes to the latest version and try again', conflict.json)
    replay(name, "merge-patch the status subresource")
    replay(name, "server-side apply to the status subresource", scrubbed=False)
    replay(name, "the same apply with force=true")
    got = replay(name, "get after status writes")
    check(got.json["metadata"]["generation"] == 1, got.json["metadata"])
    current = got.json
    bumped = replay(name, "PUT the main resource changing spec and status", body=with_current(
        "PUT the main resource changing spec and status"))
    check(bumped.json["metadata"]["generation"] == 2 and bumped.json["status"] == got.json[
        "status"] and bumped.json["spec"]["enforcementAction"] == "warn", bumped.json)
    ignored = replay(name, "merge-patch spec through /status")
    check(ignored.json["metadata"]["resourceVersion"] == bumped.json["metadata"][
        "resourceVersion"], "a no-op /status patch wrote")
    replay(name, "delete a constraint (200 with a Status of Success)")
    replay(name, "get the deleted constraint: 404", scrubbed=False)
    replay("errors.json", "404: unknown resource in a CRD group")
    replay("errors.json", "404: unknown version of a known group")
    replay("errors.json", "404: missing custom object", scrubbed=False)


@suite.test
def test_configmap_watch_then_410_after_compact():
    name = "configmap-list-watch.json"
    kube().delete_object("/api/v1/namespaces/gatehouse-system/configmaps/gatehouse-policy")
    # The recorded answer carries a later version of policy.yaml than the recorded request.
    replay(name, "setup: create the policy ConfigMap", extra=("policy.yaml",))
    replay(name, "setup: create another ConfigMap")
    listed = replay(name, "list by name (quorum read")
    replay(name, "list by name the way client-go's reflector starts")
    rv = listed.json["metadata"]["resourceVersion"]
    base = ("/api/v1/namespaces/gatehouse-system/configmaps?allowWatchBookmarks=true&"
            "fieldSelector=metadata.name%%3Dgatehouse-policy&resourceVersion=%s" % rv)
    watch = Watch(base + "&timeoutSeconds=1&watch=true")
    kube().wait_for_watches(1, "/api/v1/namespaces/gatehouse-system/configmaps")
    put = copy.deepcopy(exchange(name, "(second client) update 1")["request"]["body"])
    cur = call("GET", "/api/v1/namespaces/gatehouse-system/configmaps/gatehouse-policy").json
    put["metadata"].update(uid=cur["metadata"]["uid"], resourceVersion=cur["metadata"][
        "resourceVersion"])
    replay(name, "(second client) update 1", body=put)
    replay(name, "(second client) change the unrelated ConfigMap")
    replay(name, "(second client) update 2")
    replay(name, "(second client) delete")
    events = watch.join()
    want = recorded_events(name, "watch from the list resourceVersion")
    check([e["type"] for e in events] == [e["type"] for e in want[:3]] + ["BOOKMARK"],
          [e["type"] for e in events])
    for got, rec in zip(events, want):
        same(got, rec, what="ConfigMap watch event " + rec["type"])
    check(watch.clean, "the watch did not end with the zero-length chunk")
    replayed = Watch(base + "&timeoutSeconds=10&watch=true")
    replayed.wait(3)
    kube().break_watches()
    check([e["type"] for e in replayed.join()] == ["MODIFIED", "MODIFIED", "DELETED"],
          replayed.events)
    compacted = kube().compact()
    replay(name, "list at the exact pre-compaction resourceVersion",
           path="/api/v1/namespaces/gatehouse-system/configmaps?fieldSelector=metadata.name%%"
                "3Dgatehouse-policy&resourceVersion=%s&resourceVersionMatch=Exact" % rv,
           scrubbed=False)
    too_old = Watch(base + "&timeoutSeconds=5&watch=true")
    got = too_old.join()
    rec = recorded_events(name, "watch with a too-old resourceVersion")
    check(too_old.status == 200 and too_old.clean and too_old.ended_at < 1.0, too_old.ended_at)
    expected = copy.deepcopy(rec)
    expected[0]["object"]["message"] = "too old resource version: %s (%s)" % (rv, compacted)
    check(json.dumps(got) == json.dumps(expected), "%s\n%s" % (got, expected))
    one = Watch(base.replace("resourceVersion=%s" % rv, "resourceVersion=1") +
                "&timeoutSeconds=5&watch=true").join()
    check(one[0]["object"]["message"] == "too old resource version: 1 (%s)" % compacted, one)
    relisted = replay(name, "re-list after 410")
    fresh = Watch(base.replace("resourceVersion=%s" % rv, "resourceVersion=%s" % relisted.json[
        "metadata"]["resourceVersion"]) + "&timeoutSeconds=10&watch=true")
    replay(name, "(second client) create the ConfigMap again")
    fresh.wait(2)
    kube().break_watches()
    added = fresh.join()
    check([e["type"] for e in added] == ["ADDED", "BOOKMARK"], added)
    same(added[0], recorded_events(name, "re-watch from the new list")[0], what="re-watch ADDED")


@suite.test
def test_paged_lists_and_the_expired_continue_token():
    name = "list-paging.json"
    replay(name, "setup: namespace")
    for i in range(5):
        replay(name, "setup: ConfigMap cm-%d" % i)
    tokens = []
    for step in ("page 1 (limit=2)", "page 2", "page 3 (last: no continue)"):
        path = exchange(name, step)["request"]["path"]
        if tokens:
            path = path.split("continue=")[0] + "continue=" + tokens[-1] + "&limit=2"
        page = replay(name, step, path=path, extra=("continue",))
        if "continue" in page.json["metadata"]:
            got, rec = token_json(page.json["metadata"]["continue"]), token_json(
                exchange(name, step)["response"]["body"]["metadata"]["continue"])
            check(json.dumps(dict(got, rv=0)) == json.dumps(dict(rec, rv=0)), (got, rec))
            tokens.append(page.json["metadata"]["continue"])
    everything = call("GET", "/api/v1/namespaces/audit-demo/configmaps?limit=2&resourceVersion=0")
    check(len(everything.json["items"]) == 5 and "continue" not in everything.json["metadata"],
          everything.json["metadata"])
    replay(name, "page 1 with a label selector (limit=3)", extra=("continue",))
    first = replay(name, "page 1 again (token to be expired)", extra=("continue",))
    replay(name, "a change after page 1")
    kube().compact()
    expired_path = ("/api/v1/namespaces/audit-demo/configmaps?continue=%s&limit=2"
                    % first.json["metadata"]["continue"])
    gone = replay(name, "continue with the expired token", path=expired_path, scrubbed=False)
    check(token_json(gone.json["metadata"]["continue"]) == {"v": "meta.k8s.io/v1", "rv": -1,
                                                            "start": "cm-1\u0000"}, gone.json)
    after = replay(name, "continue with the token from the 410", extra=("continue",))
    check(token_json(after.json["metadata"]["continue"])["rv"] == int(
        after.json["metadata"]["resourceVersion"]), after.json["metadata"])
    status, chunks = raw_chunks("/api/v1/namespaces/audit-demo/configmaps?allowWatchBookmarks="
                                "true&timeoutSeconds=1&watch=true")
    check(status == "HTTP/1.1 200 OK", status)
    rec = exchange(name, "watch the namespace without resourceVersion")["response"]
    # (bookmark_interval=0.5 adds BOOKMARK chunks the recorded 2 s watch did not get)
    check([len(c) for c in chunks[:2]] == [c["bytes"] for c in rec["chunks"]] and all(
        json.loads(c)["type"] == "BOOKMARK" for c in chunks[2:]), [len(c) for c in chunks])
    chunks = chunks[:2]
    lines = b"".join(chunks).decode().splitlines()
    check(not chunks[0].endswith(b"\n"), "the first chunk should end in the middle of a line")
    same([json.loads(line) for line in lines], rec["events"], what="replayed ADDED events")


@suite.test
def test_lease_leader_election():
    name = "lease-leader-election.json"
    replay(name, "candidate A: get the lease (does not exist yet)", scrubbed=False)
    created = replay(name, "candidate A: create the lease (acquire)", extra=("renewTime",))
    check(created.json["spec"] == exchange(name, "candidate A: create")["request"]["body"]["spec"],
          created.json["spec"])
    renew = copy.deepcopy(exchange(name, "candidate A: renew (PUT")["request"]["body"])
    renew["metadata"].update(uid=created.json["metadata"]["uid"],
                             resourceVersion=created.json["metadata"]["resourceVersion"])
    # The recorded renewTime answers are one renewal ahead of the recorded requests.
    renewed = replay(name, "candidate A: renew (PUT", body=renew, extra=("renewTime",))
    check(renewed.json["spec"] == renew["spec"], renewed.json["spec"])
    replay(name, "candidate B: create the lease too: 409 AlreadyExists", scrubbed=False)
    stale = copy.deepcopy(exchange(name, "candidate B: take over with a stale")["request"]["body"])
    stale["metadata"].update(uid=created.json["metadata"]["uid"],
                             resourceVersion=created.json["metadata"]["resourceVersion"])
    replay(name, "candidate B: take over with a stale", body=stale, scrubbed=False)
    check(int(renewed.json["metadata"]["resourceVersion"]) > int(
        created.json["metadata"]["resourceVersion"]), renewed.json)
    for step in ("no fractional seconds", "one fractional digit", "nine fractional digits"):
        replay(name, "MicroTime format check: renewTime/acquireTime with " + step, scrubbed=False)
    replay(name, "delete the lease")
    replay(name, "PUT on a missing Lease without resourceVersion")
    other = replay(name, "PUT on a missing Lease carrying resourceVersion 5")
    check("managedFields" not in other.json["metadata"], other.json)


@suite.test
def test_deleting_the_crd_deletes_its_custom_resources():
    base = "/apis/constraints.gatekeeper.sh/v1beta1/k8srequiredlabels"
    watch = Watch(base + "?watch=true&timeoutSeconds=5")
    watch.wait(1)
    check([(e["type"], e["object"]["metadata"]["name"]) for e in watch.events] == [
        ("ADDED", "ns-must-have-owner")], watch.events)
    crd = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/k8srequiredlabels." \
          "constraints.gatekeeper.sh"
    deleted = call("DELETE", crd)
    check(deleted.status == 200 and deleted.json["metadata"].get("deletionTimestamp") and
          deleted.json["status"]["conditions"][-1]["type"] == "Terminating", deleted.text[:300])
    events = watch.join()
    check([e["type"] for e in events] == ["ADDED", "DELETED"] and watch.ended_at < 3,
          (events, watch.ended_at))
    wait_until(lambda: call("GET", crd).status == 404, timeout=5, what="the CRD gone")
    gone = call("GET", base)
    check(gone.status == 404 and gone.text == "404 page not found\n", gone.text)
    check("constraints.gatekeeper.sh" not in call("GET", "/apis").text, "group still listed")


@suite.test
def test_break_watches_the_request_log_and_seeding():
    watch = Watch("/api/v1/namespaces/gatehouse-system/configmaps?watch=1")
    kube().wait_for_watches(1, "/api/v1/namespaces/gatehouse-system/configmaps")
    watch.wait(1)
    check(kube().break_watches() == 1, "one watch was open")
    watch.join()
    check(watch.clean and all(e["type"] == "ADDED" for e in watch.events), watch.events)
    abrupt = Watch("/api/v1/namespaces/gatehouse-system/configmaps?watch=1")
    kube().wait_for_watches(1, "/api/v1/namespaces/gatehouse-system/configmaps")
    kube().break_watches(clean=False)
    abrupt.join()
    check(abrupt.clean is False, "an abrupt break looked clean")
    posted = [r for r in kube().requests if r.method == "POST" and r.path.endswith("/leases")]
    check(posted and posted[0].content_type == "application/json" and
          posted[0].body["metadata"]["name"] == "gatehouse-leader", posted[:1])
    seeded = kube().put_object({"apiVersion": "templates.gatekeeper.sh/v1beta1",
                                "kind": "ConstraintTemplate", "metadata": {"name": "seeded"},
                                "spec": {"crd": {"spec": {"names": {"kind": "Seeded"}}}}})
    check(seeded["apiVersion"] == "templates.gatekeeper.sh/v1", seeded)
    through_v1alpha1 = [o for o in kube().objects(
        "/apis/templates.gatekeeper.sh/v1alpha1/constrainttemplates")
        if o["metadata"]["name"] == "seeded"]
    check([o["apiVersion"] for o in through_v1alpha1] == ["templates.gatekeeper.sh/v1alpha1"],
          through_v1alpha1)
    got = call("GET", "/apis/templates.gatekeeper.sh/v1beta1/constrainttemplates/seeded").json
    check(got["apiVersion"] == "templates.gatekeeper.sh/v1beta1" and got["metadata"][
        "generation"] == 1, got)


@suite.test
def test_kubeconfig_and_the_command_line():
    scratch = STATE["scratch"]
    path = kube().kubeconfig(os.path.join(scratch, "kubeconfig"))
    config = load_yaml(open(path).read())
    cluster = config["clusters"][0]["cluster"]
    check(cluster == {"server": kube().url, "certificate-authority": kube().ca_file} and
          config["users"][0]["user"] == {"token": TOKEN} and
          config["current-context"] == config["contexts"][0]["name"], config)
    context = ssl.create_default_context(cafile=cluster["certificate-authority"])
    conn = http.client.HTTPSConnection("127.0.0.1", kube().port, context=context, timeout=5)
    conn.request("GET", "/api/v1/namespaces/default", headers={
        "Authorization": "Bearer " + config["users"][0]["user"]["token"]})
    check(conn.getresponse().status == 200, "the kubeconfig does not reach the fake")
    conn.close()
    port_file = os.path.join(scratch, "port")
    script = os.path.join(HERE, "harness", "fake_kube_apiserver.py")
    log_path = os.path.join(scratch, "fake.log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, script, "--port-file", port_file, "--http",
                                 "--no-gatekeeper-crds", "--token", "t"], stdout=log,
                                stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
    try:
        wait_until(lambda: os.path.exists(port_file) or proc.poll() is not None, timeout=10,
                   what="the port file")
        check(proc.poll() is None, "the command line fake exited: " + tail(log_path))
        port = int(open(port_file).read())
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/api/v1/namespaces", headers={"Authorization": "Bearer t"})
        listed = json.loads(conn.getresponse().read())
        conn.close()
        check([n["metadata"]["name"] for n in listed["items"]] == [
            "default", "gatehouse-system", "kube-node-lease", "kube-public", "kube-system"], listed)
    finally:
        stop_process(proc, grace=5)
    check(proc.returncode == 0, "the command line fake exited %s" % proc.returncode)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", default=None, help="ignored: the fake needs no binary")
    parser.add_argument("-k", dest="only", default="", help="run the cases whose name has this")
    args = parser.parse_args()
    if shutil.which("openssl") is None:
        print("openssl is not installed: skipping")
        print("0 passed, 0 failed, 1 skipped")
        return 77  # ctest reports it as skipped (SKIP_RETURN_CODE), not passed
    suite.tests = [t for t in suite.tests if args.only in t.__name__]
    started = time.monotonic()
    STATE["scratch"] = tempfile.mkdtemp(prefix="gatehouse-fake-kube-")
    STATE["kube"] = FakeKubeApiserver(token=TOKEN, bookmark_interval=0.5).start()
    try:
        ok = suite.run()
    finally:
        STATE["kube"].stop()
        shutil.rmtree(STATE["scratch"], ignore_errors=True)
    print("took %.2fs" % (time.monotonic() - started), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
