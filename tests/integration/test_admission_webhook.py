#!/usr/bin/env python3
"""gatehouse serve as Gatekeeper's validating webhook (/v1/admit), its resources from a directory.

AdmissionReviews are built from the requests a real kube-apiserver 1.26 sent
(tests/data/kube-apiserver-1.26/admissionreview-*.json) and posted over HTTPS. Covers: deny with
Gatekeeper's `[<constraint>] <msg>` lines and 403, warn as `response.warnings` (299), dryrun only
counted, a request with `dryRun: true` still judged, DELETE judged on its oldObject, a namespace
the Config excludes and the server's own namespace left alone, a template that does not compile
and a constraint whose parameters fail the schema refused next to working ones, a change to the
directory picked up without restart, a file that does not parse refused with the last good set
still serving, and bad bodies answered 400. Run by ctest; prints `N passed, N failed`.
"""

import argparse
import copy
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.gatehouse import GatehouseServer, Suite, wait_until  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "data", "kube-apiserver-1.26")
LABELS_TEMPLATE = os.path.join(HERE, "..", "data", "gatekeeper-verify", "labels", "template.yaml")

suite = Suite()
BINARY = None

CONSTRAINTS = """
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: TestRequiredLabels
metadata:
  name: must-have-owner
spec:
  match:
    kinds: [{apiGroups: [""], kinds: ["ConfigMap"]}]
  parameters:
    labels: ["owner"]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: TestRequiredLabels
metadata:
  name: should-have-team
spec:
  enforcementAction: warn
  match:
    kinds: [{apiGroups: [""], kinds: ["ConfigMap"]}]
  parameters:
    labels: ["team"]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: TestRequiredLabels
metadata:
  name: secrets-would-need-owner
spec:
  enforcementAction: dryrun
  match:
    kinds: [{apiGroups: [""], kinds: ["Secret"]}]
  parameters:
    labels: ["owner"]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: TestRequiredLabels
metadata:
  name: bad-parameters
spec:
  parameters:
    labels: owner
"""

CONFIG = """
apiVersion: config.gatekeeper.sh/v1alpha1
kind: Config
metadata: {name: config, namespace: gatehouse-system}
spec:
  match:
    - excludedNamespaces: ["kube-*"]
      processes: ["*"]
"""

BROKEN = """
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: testbroken}
spec:
  crd: {spec: {names: {kind: TestBroken}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package testbroken
        violation[{"msg": msg}] { true }
"""


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def sample(name):
    with open(os.path.join(SAMPLES, name)) as f:
        return json.load(f)["request"]


def review(labels=None, namespace="demo", kind="ConfigMap", operation="CREATE", dry_run=False):
    """The captured CREATE of a ConfigMap, changed as asked."""
    body = copy.deepcopy(sample("admissionreview-create-denied.json"))
    req = body["request"]
    req["namespace"] = namespace
    req["kind"]["kind"] = kind
    req["dryRun"] = dry_run
    obj = req["object"]
    obj["kind"] = kind
    obj["metadata"]["namespace"] = namespace
    if labels is not None:
        obj["metadata"]["labels"] = labels
    if operation == "DELETE":
        req["operation"] = "DELETE"
        req["oldObject"], req["object"] = obj, None
        req["options"] = {"kind": "DeleteOptions", "apiVersion": "meta.k8s.io/v1"}
    return body


class Directory:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="gatehouse-gatekeeper-")
        shutil.copy(LABELS_TEMPLATE, os.path.join(self.root, "template.yaml"))
        self.write("constraints.yaml", CONSTRAINTS)
        self.write("config.yaml", CONFIG)
        self.write("broken/template.yaml", BROKEN)
        self.write("README.md", "not YAML: ignored")

    def write(self, name, text):
        path = os.path.join(self.root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.replace(path + ".tmp", path)


STATE = {}


def server():
    if "gh" not in STATE:
        d = Directory()
        gh = GatehouseServer(BINARY, ["--gatekeeper-source", d.root, "--reload-interval", "200ms",
                                      "--admission-namespace", "gatehouse-system"])
        gh.start()
        STATE.update(gh=gh, dir=d)
    return STATE["gh"]


def admit(body, path="/v1/admit?timeout=5s"):
    status, answer = server().post(path, body)
    check(status == 200, "HTTP %d: %r" % (status, answer))
    check(answer["apiVersion"] == "admission.k8s.io/v1" and answer["kind"] == "AdmissionReview",
          answer)
    check(answer["response"]["uid"] == body["request"]["uid"], answer)
    return answer["response"]


@suite.test
def test_deny_lists_each_violation_with_its_constraint_and_warns():
    r = admit(review())
    check(r["allowed"] is False, r)
    check(r["status"]["code"] == 403 and r["status"]["reason"] == "Forbidden", r)
    check(r["status"]["message"] == "[must-have-owner] label <owner> is required", r)
    check(r["warnings"] == ["[should-have-team] label <team> is required"], r)


@suite.test
def test_allowed_with_a_warning_and_clean():
    r = admit(review(labels={"owner": "me"}))
    check(r["allowed"] is True and r["status"]["code"] == 299, r)
    check(r["warnings"] == ["[should-have-team] label <team> is required"], r)
    clean = admit(review(labels={"owner": "me", "team": "blue"}), path="/validate")
    check(clean["allowed"] is True and clean["status"]["code"] == 200, clean)
    check("warnings" not in clean, clean)


@suite.test
def test_dryrun_only_counts():
    gh = server()
    before = gh.metric("gatehouse_admission_violations_total", constraint="secrets-would-need-owner",
                       enforcement_action="dryrun")
    r = admit(review(kind="Secret"))
    check(r["allowed"] is True and "warnings" not in r, r)
    after = gh.metric("gatehouse_admission_violations_total", constraint="secrets-would-need-owner",
                      enforcement_action="dryrun")
    check(after == before + 1, "dryrun violations %s -> %s" % (before, after))
    check('"msg":"dryrun violation"' in gh.log(), gh.log()[-2000:])


@suite.test
def test_dry_run_requests_and_deletes_are_judged():
    r = admit(review(dry_run=True))
    check(r["allowed"] is False, r)
    d = admit(review(operation="DELETE"))
    check(d["allowed"] is False, d)
    check(d["status"]["message"] == "[must-have-owner] label <owner> is required", d)
    ok = admit(review(labels={"owner": "me", "team": "t"}, operation="DELETE"))
    check(ok["allowed"] is True, ok)


@suite.test
def test_excluded_and_own_namespaces_are_not_judged():
    r = admit(review(namespace="kube-system"))
    check(r["allowed"] is True, r)
    check(r["status"]["message"] == "Namespace is set to be ignored by Gatekeeper config", r)
    own = admit(review(namespace="gatehouse-system"))
    check(own["allowed"] is True and "warnings" not in own, own)


@suite.test
def test_refused_resources_are_reported_and_the_rest_works():
    gh = server()
    check(gh.metric("gatehouse_admission_constraint_templates", status="active") == 1, gh.metrics())
    check(gh.metric("gatehouse_admission_constraint_templates", status="error") == 1, gh.metrics())
    check(gh.metric("gatehouse_admission_constraints", enforcement_action="refused") == 1,
          gh.metrics())
    log = gh.log()
    check("rego_unsafe_var_error" in log and "broken/template.yaml" in log, log[-3000:])
    check("schema validation failed: spec.parameters.labels: Invalid value: \\\"string\\\"" in log,
          log[-3000:])


@suite.test
def test_a_change_is_picked_up_and_a_broken_file_keeps_the_last_good_set():
    gh = server()
    d = STATE["dir"]
    d.write("more.yaml", """
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: TestRequiredLabels
metadata: {name: must-have-cost-center}
spec:
  match: {kinds: [{apiGroups: [""], kinds: ["ConfigMap"]}]}
  parameters: {labels: ["cost-center"]}
""")

    def denied_for_cost_center():
        r = admit(review(labels={"owner": "me", "team": "t"}))
        return r["allowed"] is False and "[must-have-cost-center]" in r["status"]["message"]

    wait_until(denied_for_cost_center, timeout=10, what="the new constraint")
    failures = gh.metric("gatehouse_config_reload_failures_total", source="gatekeeper:directory")
    d.write("more.yaml", "apiVersion: [unclosed\n")
    wait_until(lambda: gh.metric("gatehouse_config_reload_failures_total",
                                 source="gatekeeper:directory") > failures,
               timeout=10, what="the refused version")
    check(denied_for_cost_center(), "the last good set no longer serves")
    os.remove(os.path.join(d.root, "more.yaml"))
    wait_until(lambda: not denied_for_cost_center(), timeout=10, what="the constraint removed")


@suite.test
def test_bad_bodies_are_400():
    gh = server()
    status, body = gh.post("/v1/admit", None, raw=b"{not json")
    check(status == 400 and body["error"] == "invalid_json", (status, body))
    wrong = review()
    wrong["apiVersion"] = "admission.k8s.io/v2"
    status, body = gh.post("/v1/admit", wrong)
    check(status == 400 and body["error"] == "unknown_api_version", (status, body))
    check(body["message"] == 'unknown apiVersion "admission.k8s.io/v2"', body)
    no_uid = review()
    del no_uid["request"]["uid"]
    status, body = gh.post("/v1/admit", no_uid)
    check(status == 400 and body["message"] == "request.uid must be a string", (status, body))
    status, _ = gh.request("GET", "/v1/admit")
    check(status == 405, status)


def main():
    global BINARY
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    parser.add_argument("-k", dest="only", default="", help="run the cases whose name has this")
    args = parser.parse_args()
    BINARY = os.path.abspath(args.gatehouse)
    suite.tests = [t for t in suite.tests if args.only in t.__name__]
    try:
        return 0 if suite.run() else 1
    finally:
        if "gh" in STATE:
            STATE["gh"].stop()
            shutil.rmtree(STATE["dir"].root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
