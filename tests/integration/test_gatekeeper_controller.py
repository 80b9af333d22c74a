#!/usr/bin/env python3
"""gatehouse serve --gatekeeper-source kubernetes: gatehouse as Gatekeeper's controller.

Against the stateful fake kube-apiserver of harness/fake_kube_apiserver.py, which answers as the
real API server did in tests/data/kube-apiserver-1.26/api/ (CRDs that become Established, /status
subresources, merge patches, 409 Conflict, watches with 410 Gone after a compaction, Leases).
Covers: the constraint CRD created for a template and `created: true` once it is Established;
a template that does not compile reported in its status with `ingest_error` while the others
work; a constraint applied through the API judged by the webhook with Gatekeeper's message, and
switched to `warn`; the periodic audit's results in the constraint's status; the Lease held by
the leader and released on shutdown, a second replica taking over; a re-list after the watch's
resourceVersion was compacted away; the CRD deleted with its template; the Config's synced kinds in data.inventory;
`gatehouse audit
--kubeconfig` on the same cluster; start-up refused, saying
why, when Gatekeeper's CRDs are not installed. Run by ctest; prints `N passed, N failed`.
"""

import argparse
import copy
import http.client
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.fake_kube_apiserver import FakeKubeApiserver  # noqa: E402
from harness.gatehouse import GatehouseServer, Suite, wait_until  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "data", "kube-apiserver-1.26")
NS = "gatehouse-system"
TEMPLATES = "/apis/templates.gatekeeper.sh/v1/constrainttemplates"
CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
CRD_NAME = "k8srequiredlabels.constraints.gatekeeper.sh"
CONSTRAINTS = "/apis/constraints.gatekeeper.sh/v1beta1/k8srequiredlabels"
LEASE = "/apis/coordination.k8s.io/v1/namespaces/%s/leases/gatehouse-admission-controller" % NS

suite = Suite()
BINARY = None


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def captured(file, method, path, answer=False):
    """The request (or answer) body of the first `method path` exchange of a capture."""
    with open(os.path.join(SAMPLES, "api", file)) as f:
        for e in json.load(f)["exchanges"]:
            r = e.get("request")
            if r and r["method"] == method and r["path"] == path:
                return copy.deepcopy(e["response"]["body"] if answer else r["body"])
    raise AssertionError("no %s %s in %s" % (method, path, file))


def required_labels_template():
    return captured("constrainttemplate.json", "POST", TEMPLATES)


def owner_constraint():
    return captured("crd-lifecycle.json", "POST", CONSTRAINTS)


BROKEN_TEMPLATE = {
    "apiVersion": "templates.gatekeeper.sh/v1",
    "kind": "ConstraintTemplate",
    "metadata": {"name": "testbroken"},
    "spec": {
        "crd": {"spec": {"names": {"kind": "TestBroken"}}},
        "targets": [{"target": "admission.k8s.gatekeeper.sh",
                     "rego": "package testbroken\nviolation[{\"msg\": msg}] { true }\n"}],
    },
}


def api(kube, method, path, body=None, content_type="application/json"):
    """A second client of the API server: (status, parsed body)."""
    host, port = kube.url.split("//")[1].split(":")
    conn = http.client.HTTPSConnection(host, int(port), context=kube.ssl_context(), timeout=10)
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = content_type
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    text = resp.read().decode()
    conn.close()
    try:
        return resp.status, json.loads(text)
    except ValueError:
        return resp.status, text


def namespace_review(name, labels):
    """The captured CREATE review, turned into one of a Namespace."""
    with open(os.path.join(SAMPLES, "admissionreview-create-denied.json")) as f:
        body = json.load(f)["request"]
    req = body["request"]
    req["kind"] = {"group": "", "version": "v1", "kind": "Namespace"}
    req["resource"] = {"group": "", "version": "v1", "resource": "namespaces"}
    req["requestKind"], req["requestResource"] = req["kind"], req["resource"]
    req.pop("namespace", None)
    req["name"] = name
    req["object"] = {"apiVersion": "v1", "kind": "Namespace",
                     "metadata": {"name": name, "labels": labels}}
    return body


def admit(server, name, labels):
    status, answer = server.post("/v1/admit", namespace_review(name, labels))
    check(status == 200, "HTTP %s: %s" % (status, answer))
    return answer["response"]


def serve(kube, work, pod, extra=()):
    kubeconfig = kube.kubeconfig(os.path.join(work, pod + ".kubeconfig"))
    return GatehouseServer(BINARY, ["--gatekeeper-source", "kubernetes", "--kubeconfig", kubeconfig,
                                    "--admission-namespace", NS, "--audit-interval", "1s"] +
                           list(extra), env={"POD_NAME": pod})


def status_of(kube, path):
    obj = kube.objects(path)
    return (obj or {}).get("status") or {}


def lease_holder(kube):
    lease = kube.objects(LEASE)
    return lease["spec"].get("holderIdentity") if lease else None


def fresh_kube():
    kube = FakeKubeApiserver(namespaces=(NS, "tenant-a", "tenant-b")).start()
    tenant_b = kube.objects("/api/v1/namespaces/tenant-b")
    tenant_b["metadata"].setdefault("labels", {})["owner"] = "bob"
    kube.put_object(tenant_b)
    return kube


def without_owner(kube):
    """The Namespaces the owner constraint finds wanting (it excludes kube-system)."""
    return sorted(n["metadata"]["name"] for n in kube.objects("/api/v1/namespaces")
                  if "owner" not in (n["metadata"].get("labels") or {}) and
                  n["metadata"]["name"] != "kube-system")


@suite.test
def controller_serves_writes_status_and_audits():
    kube = fresh_kube()
    work = tempfile.mkdtemp(prefix="gatehouse-controller-")
    try:
        kube.put_object(required_labels_template())
        kube.put_object(copy.deepcopy(BROKEN_TEMPLATE))
        with serve(kube, work, "gatehouse-test-0") as server:
            # The constraint CRD, Established, then `created: true` with this pod's entry.
            wait_until(lambda: kube.crd_established(CRD_NAME), timeout=15, what="the CRD")
            crd = kube.objects(CRDS + "/" + CRD_NAME)
            check(crd["metadata"]["labels"].get("gatekeeper.sh/constraint") == "yes", crd)
            check(crd["spec"]["scope"] == "Cluster", crd["spec"]["scope"])
            wait_until(lambda: status_of(kube, TEMPLATES + "/k8srequiredlabels").get("created"),
                       timeout=15, what="created: true")
            tmpl = kube.objects(TEMPLATES + "/k8srequiredlabels")
            pod = tmpl["status"]["byPod"][0]
            check(pod["id"] == "gatehouse-test-0", pod)
            check(pod["templateUID"] == tmpl["metadata"]["uid"], pod)
            check(pod["observedGeneration"] == tmpl["metadata"]["generation"], pod)
            check("errors" not in pod, pod)
            # The template that does not compile: its error in status, no CRD.
            wait_until(lambda: status_of(kube, TEMPLATES + "/testbroken").get("byPod"),
                       timeout=15, what="the broken template's status")
            broken = status_of(kube, TEMPLATES + "/testbroken")
            errors = broken["byPod"][0].get("errors") or []
            check(broken.get("created") is False, broken)
            check(len(errors) == 1 and errors[0]["code"] == "ingest_error", broken)
            check("testbroken" in errors[0]["message"] or "rego" in errors[0]["message"], errors)
            check(kube.objects(CRDS + "/testbroken.constraints.gatekeeper.sh") is None,
                  "a CRD for a template that does not compile")
            check(lease_holder(kube) == "gatehouse-test-0", kube.objects(LEASE))

            # A constraint applied by a second client is judged with Gatekeeper's message.
            status, body = api(kube, "POST", CONSTRAINTS, owner_constraint())
            check(status == 201, "create: HTTP %s %s" % (status, body))
            message = "[ns-must-have-owner] All namespaces must have an owner label"
            wait_until(lambda: not admit(server, "tenant-c", {}).get("allowed"), timeout=15,
                       what="the constraint in force")
            denied = admit(server, "tenant-c", {})
            check(denied["status"]["code"] == 403, denied)
            check(denied["status"]["message"] == message, denied["status"]["message"])
            check(admit(server, "tenant-c", {"owner": "carol"})["allowed"], "owner set: allowed")

            # Status: enforced by this pod, and the audit's results.
            path = CONSTRAINTS + "/ns-must-have-owner"
            wait_until(lambda: status_of(kube, path).get("totalViolations") is not None,
                       timeout=20, what="the audit in the constraint's status")
            st = status_of(kube, path)
            check(st["byPod"][0]["enforced"] is True and st["byPod"][0]["id"] == "gatehouse-test-0",
                  st)
            expected = without_owner(kube)
            check(st["totalViolations"] == len(expected), (st, expected))
            names = sorted(v["name"] for v in st["violations"])
            check(names == expected, (names, expected))
            v = st["violations"][0]
            check(v["kind"] == "Namespace" and v["version"] == "v1" and v["group"] == "", v)
            check(v["enforcementAction"] == "deny" and v["message"] ==
                  "All namespaces must have an owner label", v)
            check(st["auditTimestamp"].endswith("Z"), st)

            # A namespace that gets its owner leaves the next audit's results.
            tenant_a = kube.objects("/api/v1/namespaces/tenant-a")
            tenant_a["metadata"]["labels"]["owner"] = "alice"
            kube.put_object(tenant_a)
            wait_until(lambda: status_of(kube, path).get("totalViolations") == len(expected) - 1,
                       timeout=20, what="the next audit")

            # warn: allowed with Gatekeeper's warning line.
            current = kube.objects(path)
            current["spec"]["enforcementAction"] = "warn"
            status, body = api(kube, "PUT", path, current)
            check(status == 200, "update: HTTP %s %s" % (status, body))
            wait_until(lambda: admit(server, "tenant-c", {}).get("allowed"), timeout=15,
                       what="warn in force")
            warned = admit(server, "tenant-c", {})
            check(warned.get("warnings") == [message], warned)

            # The watch's resourceVersion compacted away and the stream broken: a re-list, and
            # later changes still arrive.
            kube.put_object({"apiVersion": "v1", "kind": "ConfigMap",  # not watched: every
                             "metadata": {"name": "bump", "namespace": NS}})  # watch falls behind
            kube.compact()
            kube.clear_requests()
            kube.break_watches()
            current = kube.objects(path)
            current["spec"]["enforcementAction"] = "deny"
            kube.put_object(current)
            wait_until(lambda: not admit(server, "tenant-c", {}).get("allowed"), timeout=20,
                       what="deny again after the re-list")
            lists = [r.path for r in kube.requests if r.method == "GET" and
                     r.path.startswith(CONSTRAINTS + "?") and "watch=" not in r.path]
            check(lists, "no re-list of the constraints: %s" % [r.path for r in kube.requests])

            # The template deleted: its CRD goes too, and its constraints stop judging.
            check(kube.delete_object(TEMPLATES + "/k8srequiredlabels"), "delete the template")
            wait_until(lambda: kube.objects(CRDS + "/" + CRD_NAME) is None, timeout=15,
                       what="the CRD deleted")
            wait_until(lambda: admit(server, "tenant-c", {}).get("allowed"), timeout=15,
                       what="nothing judged any more")
        # Shutdown releases the Lease (holderIdentity ""), so another replica need not wait.
        check(lease_holder(kube) in ("", None), kube.objects(LEASE))
    finally:
        kube.stop()


@suite.test
def a_second_replica_takes_over_the_lease():
    kube = fresh_kube()
    work = tempfile.mkdtemp(prefix="gatehouse-controller-")
    try:
        kube.put_object(required_labels_template())
        first = serve(kube, work, "gatehouse-a").start()
        wait_until(lambda: lease_holder(kube) == "gatehouse-a", timeout=15, what="a leads")
        second = serve(kube, work, "gatehouse-b").start()
        try:
            wait_until(lambda: status_of(kube, TEMPLATES + "/k8srequiredlabels").get("created"),
                       timeout=15, what="created: true")
            check(status_of(kube, TEMPLATES + "/k8srequiredlabels")["byPod"][0]["id"] ==
                  "gatehouse-a", "the leader writes status")
            # Both serve: the follower judges with the same constraints.
            api(kube, "POST", CONSTRAINTS, owner_constraint())
            for server in (first, second):
                wait_until(lambda s=server: not admit(s, "tenant-c", {}).get("allowed"),
                           timeout=15, what="the constraint on both replicas")
            check(lease_holder(kube) == "gatehouse-a", "b must not take a held lease")
            first.stop()
            wait_until(lambda: lease_holder(kube) == "gatehouse-b", timeout=15,
                       what="b takes over after a releases")
            wait_until(lambda: (status_of(kube, TEMPLATES + "/k8srequiredlabels").get("byPod")
                                or [{}])[0].get("id") == "gatehouse-b",
                       timeout=15, what="the new leader's status")
        finally:
            second.stop()
            first.stop()
    finally:
        kube.stop()


UNIQUE_TEMPLATE = {
    "apiVersion": "templates.gatekeeper.sh/v1",
    "kind": "ConstraintTemplate",
    "metadata": {"name": "testuniquedata"},
    "spec": {
        "crd": {"spec": {"names": {"kind": "TestUniqueData"}}},
        "targets": [{"target": "admission.k8s.gatekeeper.sh", "rego": "\n".join([
            "package testuniquedata",
            "violation[{\"msg\": msg}] {",
            "  value := input.review.object.data.host",
            "  other := data.inventory.namespace[ns][\"v1\"][\"ConfigMap\"][name]",
            "  other.data.host == value",
            "  not same(ns, name)",
            "  msg := sprintf(\"host %v is taken by %v/%v\", [value, ns, name])",
            "}",
            "same(ns, name) {",
            "  ns == input.review.object.metadata.namespace",
            "  name == input.review.object.metadata.name",
            "}", ""])}],
    },
}


@suite.test
def synced_objects_form_the_inventory():
    kube = fresh_kube()
    work = tempfile.mkdtemp(prefix="gatehouse-controller-")
    try:
        kube.put_object(UNIQUE_TEMPLATE)
        kube.put_object({"apiVersion": "v1", "kind": "ConfigMap",
                         "metadata": {"name": "site", "namespace": "tenant-a"},
                         "data": {"host": "a.example.com"}})
        kube.put_object({"apiVersion": "config.gatekeeper.sh/v1alpha1", "kind": "Config",
                         "metadata": {"name": "config", "namespace": NS},
                         "spec": {"sync": {"syncOnly": [
                             {"group": "", "version": "v1", "kind": "ConfigMap"}]}}})
        with serve(kube, work, "gatehouse-test-0") as server:
            crd = "testuniquedata.constraints.gatekeeper.sh"
            wait_until(lambda: kube.crd_established(crd), timeout=15, what="the CRD")
            status, body = api(kube, "POST", "/apis/constraints.gatekeeper.sh/v1beta1/"
                               "testuniquedata", {
                                   "apiVersion": "constraints.gatekeeper.sh/v1beta1",
                                   "kind": "TestUniqueData", "metadata": {"name": "unique-host"},
                                   "spec": {"match": {"kinds": [{"apiGroups": [""],
                                                                 "kinds": ["ConfigMap"]}]}}})
            check(status == 201, "constraint: HTTP %s %s" % (status, body))

            def review(host):
                body = namespace_review("x", {})
                req = body["request"]
                req["kind"] = {"group": "", "version": "v1", "kind": "ConfigMap"}
                req["resource"] = {"group": "", "version": "v1", "resource": "configmaps"}
                req["namespace"], req["name"] = "tenant-b", "web"
                req["object"] = {"apiVersion": "v1", "kind": "ConfigMap",
                                 "metadata": {"name": "web", "namespace": "tenant-b"},
                                 "data": {"host": host}}
                status, answer = server.post("/v1/admit", body)
                check(status == 200, answer)
                return answer["response"]

            taken = "[unique-host] host a.example.com is taken by tenant-a/site"
            wait_until(lambda: review("a.example.com").get("status", {}).get("message") == taken,
                       timeout=15, what="the synced ConfigMap in data.inventory")
            check(review("b.example.com")["allowed"], "a free host is allowed")
            # A synced object deleted leaves the inventory.
            kube.delete_object("/api/v1/namespaces/tenant-a/configmaps/site")
            wait_until(lambda: review("a.example.com")["allowed"], timeout=15,
                       what="the deleted ConfigMap gone from data.inventory")
    finally:
        kube.stop()


@suite.test
def audit_cli_reads_the_cluster():
    kube = fresh_kube()
    work = tempfile.mkdtemp(prefix="gatehouse-audit-")
    try:
        kube.put_object(required_labels_template())
        kube.put_object(captured("crd-lifecycle.json", "POST", CRDS))  # Established at once
        kube.put_object(owner_constraint())
        kubeconfig = kube.kubeconfig(os.path.join(work, "kubeconfig"))
        run = subprocess.run([BINARY, "audit", "--kubeconfig", kubeconfig, "-n", NS, "-o", "json"],
                             capture_output=True, text=True, timeout=60)
        check(run.returncode == 1, "exit %s (deny violations): %s" % (run.returncode, run.stderr))
        lines = [json.loads(line) for line in run.stdout.splitlines()]
        audited = sorted(line["resource_name"] for line in lines
                         if line["event_type"] == "violation_audited")
        check(audited == without_owner(kube), (audited, without_owner(kube)))
        summary = [line for line in lines if line["event_type"] == "constraint_audited"]
        check(len(summary) == 1 and summary[0]["total_violations"] == len(audited), summary)
        # Only the kinds the constraint matches were listed, in pages.
        listed = [r.path for r in kube.requests if r.method == "GET" and "limit=500" in r.path]
        check("/api/v1/namespaces?limit=500" in listed, listed)
        check(not any(p.startswith("/api/v1/configmaps") for p in listed), listed)
        # Without a cluster to reach: a clear error, exit 2.
        os.remove(kubeconfig)
        run = subprocess.run([BINARY, "audit", "--kubeconfig", kubeconfig],
                             capture_output=True, text=True, timeout=60)
        check(run.returncode == 2 and "kubeconfig_unreadable" in run.stderr, run.stderr)
    finally:
        kube.stop()


@suite.test
def missing_gatekeeper_crds_refuse_the_start():
    kube = FakeKubeApiserver(gatekeeper_crds=False, namespaces=(NS,)).start()
    work = tempfile.mkdtemp(prefix="gatehouse-controller-")
    try:
        server = serve(kube, work, "gatehouse-test-0")
        try:
            server.start()
        except RuntimeError as e:
            check("is Gatekeeper's ConstraintTemplate CRD installed?" in str(e), str(e))
            check("HTTP 404" in str(e), str(e))
            return
        finally:
            server.stop()
        raise AssertionError("gatehouse started without Gatekeeper's CRDs")
    finally:
        kube.stop()


def main():
    global BINARY
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    BINARY = parser.parse_args().gatehouse
    sys.exit(0 if suite.run() else 1)


if __name__ == "__main__":
    main()
