#!/usr/bin/env python3
"""One policy source, two contexts: `gatehouse test` on manifests and `gatehouse serve
--policy-bundle` on AdmissionReviews say the same thing.

Golden comparison for the baseline library (policies/): every document of
policies/examples/{bad,good}, plus variants with a parameters annotation, a whole-resource
ignore, a container ignore and a different data file, is checked with `gatehouse test -o json`
and sent to the webhook as the AdmissionReview a real kube-apiserver 1.26 sends
(tests/data/kube-apiserver-1.26/admissionreview-create-denied.json, its object and kind
replaced); the failure messages must equal the denial lines and the warnings the response
warnings. Also: an Otomi-style library (Rego v0, `violation[{"msg": msg}]`, parameters from
data.parameters keyed by policy id, policy.otomi.io annotations in its own Rego) in both
contexts; DELETE judged on oldObject; a broken edit refused while the last good bundle serves,
then a fixed edit picked up. Run by ctest; prints `N passed, N failed`.
"""

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.gatehouse import GatehouseServer, Suite, wait_until  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
POLICIES = os.path.join(ROOT, "policies")
BASELINE = os.path.join(POLICIES, "policies.yaml")
SAMPLE = os.path.join(HERE, "..", "data", "kube-apiserver-1.26", "admissionreview-create-denied.json")
EXAMPLES = [os.path.join(POLICIES, "examples", "bad", "bad.yaml"),
            os.path.join(POLICIES, "examples", "good", "good.yaml")]

suite = Suite()
BINARY = None
STATE = {}

# Where each kind lives, for the AdmissionReview's kind and resource.
RESOURCES = {
    "Pod": ("", "v1", "pods"), "Service": ("", "v1", "services"),
    "ConfigMap": ("", "v1", "configmaps"),
    "Deployment": ("apps", "v1", "deployments"), "StatefulSet": ("apps", "v1", "statefulsets"),
    "DaemonSet": ("apps", "v1", "daemonsets"), "ReplicaSet": ("apps", "v1", "replicasets"),
    "Job": ("batch", "v1", "jobs"), "CronJob": ("batch", "v1", "cronjobs"),
}


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def documents(path):
    """The manifests of a multi-document YAML file, as JSON, through `gatehouse eval`."""
    with open(path) as f:
        parts = f.read().split("\n---\n")
    out = []
    for part in parts:
        if not part.strip():
            continue
        tmp = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        tmp.write(part)
        tmp.close()
        r = subprocess.run([BINARY, "eval", "-i", tmp.name, "--format", "json", "input"],
                           capture_output=True, text=True, timeout=60)
        os.unlink(tmp.name)
        check(r.returncode == 0, r.stderr)
        out.append(json.loads(r.stdout)["result"][0]["expressions"][0]["value"])
    return out


def run_test(doc, data, extra=()):
    """(failures, warnings) of `gatehouse test` on one manifest given on stdin."""
    args = [BINARY, "test", "--all-namespaces", "--no-color", "-o", "json", "-p", POLICIES,
            "-d", data] + list(extra) + ["-"]
    r = subprocess.run(args, input=json.dumps(doc), capture_output=True, text=True, timeout=60)
    check(r.returncode in (0, 1), "gatehouse test exited %d: %s" % (r.returncode, r.stderr))
    failures, warnings = [], []
    for result in json.loads(r.stdout) or []:
        failures += [m["msg"] for m in result.get("failures", [])]
        warnings += [m["msg"] for m in result.get("warnings", [])]
    return sorted(failures), sorted(warnings)


def review(obj, operation="CREATE"):
    with open(SAMPLE) as f:
        body = copy.deepcopy(json.load(f)["request"])
    req = body["request"]
    group, version, resource = RESOURCES.get(obj.get("kind"), ("", "v1", "things"))
    req["kind"] = {"group": group, "version": version, "kind": obj.get("kind", "")}
    req["resource"] = {"group": group, "version": version, "resource": resource}
    req["requestKind"], req["requestResource"] = req["kind"], req["resource"]
    req["name"] = obj.get("metadata", {}).get("name", "")
    req["namespace"] = obj.get("metadata", {}).get("namespace", "")
    req["operation"] = operation
    if operation == "DELETE":
        req["object"], req["oldObject"] = None, obj
    else:
        req["object"], req["oldObject"] = obj, None
    return body


def admit(gh, obj, operation="CREATE"):
    status, answer = gh.post("/v1/admit?timeout=10s", review(obj, operation))
    check(status == 200, "HTTP %d: %r" % (status, answer))
    r = answer["response"]
    denials = r["status"]["message"].split("\n") if not r["allowed"] else []
    return sorted(denials), sorted(r.get("warnings", [])), r


def server(name, args):
    if name not in STATE:
        gh = GatehouseServer(BINARY, args + ["--reload-interval", "200ms",
                                             "--admission-namespace", "gatehouse-system"])
        gh.start()
        STATE[name] = gh
    return STATE[name]


def baseline_server():
    return server("baseline", ["--policy-bundle", POLICIES, "--policy-data", BASELINE,
                               "--policy-all-namespaces"])


def annotate(obj, annotations, template=False):
    obj = copy.deepcopy(obj)
    meta = obj["spec"]["template"]["metadata"] if template else obj["metadata"]
    meta.setdefault("annotations", {}).update(annotations)
    return obj


def same(doc, gh, data=BASELINE, extra=(), expect_failures=None):
    failures, warnings = run_test(doc, data, extra)
    denials, answered_warnings, raw = admit(gh, doc)
    check(failures == denials, "gatehouse test says %s\nthe webhook says %s" % (failures, denials))
    check(warnings == answered_warnings, "warnings %s vs %s" % (warnings, answered_warnings))
    check(raw["allowed"] == (not failures), raw)
    if failures:
        check(raw["status"]["code"] == 403 and raw["status"]["reason"] == "Forbidden", raw)
    if expect_failures is not None:
        check(len(failures) == expect_failures, "%d failures, want %d: %s" %
              (len(failures), expect_failures, failures))
    return failures


@suite.test
def test_examples_say_the_same_in_ci_and_at_admission():
    gh = baseline_server()
    total = 0
    for path in EXAMPLES:
        for doc in documents(path):
            total += len(same(doc, gh))
    # bad.yaml's four objects break 38 rules between them; good.yaml breaks none.
    check(total == 38, "38 failures expected over the examples, got %d" % total)


def deployment():
    return [d for d in documents(EXAMPLES[0]) if d["kind"] == "Deployment"][0]


@suite.test
def test_parameters_annotation_overrides_in_both_contexts():
    gh = baseline_server()
    base = same(deployment(), gh)
    check(any("cpu limit of <4> above the maximum <2>" in m for m in base), base)
    raised = annotate(deployment(), {"policy.gatehouse.dev/parameters.container-limits":
                                     '{"cpu": "8", "memory": "16Gi"}'}, template=True)
    after = same(raised, gh)
    check(not any("above the maximum" in m for m in after), after)
    check(len(after) == len(base) - 2, (base, after))


@suite.test
def test_whole_resource_and_container_ignores_in_both_contexts():
    gh = baseline_server()
    base = same(deployment(), gh)
    ignored = annotate(deployment(), {"policy.gatehouse.dev/ignore":
                                      "privileged, banned-image-tags"})
    after = same(ignored, gh)
    check(not any(m.startswith("Policy: privileged ") or m.startswith("Policy: banned-image-tags ")
                  for m in after), after)
    check(len(after) == len(base) - 2, (base, after))
    name = deployment()["spec"]["template"]["spec"]["containers"][0]["name"]
    container = annotate(deployment(), {"policy.gatehouse.dev/ignore." + name:
                                        "read-only-root-filesystem"}, template=True)
    after = same(container, gh)
    check(not any(m.startswith("Policy: read-only-root-filesystem ") for m in after), after)
    check(len(after) == len(base) - 1, (base, after))


@suite.test
def test_a_team_data_file_changes_both_contexts_alike():
    tmp = tempfile.mkdtemp(prefix="gatehouse-bundle-data-")
    with open(BASELINE) as f:
        text = f.read()
    # The same baseline with privileged switched off and excludedNamespaces holding team-x.
    text = re.sub(r"(\n  privileged:\n    enabled: )true", r"\1false", text)
    check("enabled: false" in text, "policies.yaml layout changed: privileged not found")
    data = os.path.join(tmp, "policies.yaml")
    with open(data, "w") as f:
        f.write(text)
    gh = server("team", ["--policy-bundle", POLICIES, "--policy-data", data,
                         "--policy-all-namespaces", "--policy-annotation-domain",
                         "policy.example.com"])
    doc = deployment()
    after = same(doc, gh, data=data, extra=["--policy-annotation-domain", "policy.example.com"])
    check(not any(m.startswith("Policy: privileged ") for m in after), after)
    # The other domain: gatehouse's default annotations mean nothing here, example.com's do.
    ignored = annotate(doc, {"policy.gatehouse.dev/ignore": "banned-image-tags"})
    still = same(ignored, gh, data=data, extra=["--policy-annotation-domain", "policy.example.com"])
    check(any(m.startswith("Policy: banned-image-tags ") for m in still), still)
    ignored = annotate(doc, {"policy.example.com/ignore": "banned-image-tags"})
    gone = same(ignored, gh, data=data, extra=["--policy-annotation-domain", "policy.example.com"])
    check(not any(m.startswith("Policy: banned-image-tags ") for m in gone), gone)


OTOMI_CORE = """package lib.core

default is_gatekeeper = false

is_gatekeeper {
  input.review.object
}

resource = input.review.object {
  is_gatekeeper
}

resource = input {
  not is_gatekeeper
}

parameters = input.parameters {
  is_gatekeeper
}

parameters = data.parameters {
  not is_gatekeeper
}
"""

OTOMI_LIB = """package lib.otomi

import data.lib.core

ignore_field = "policy.otomi.io/ignore"

annotations = a {
  a := core.resource.spec.template.metadata.annotations
} else = a {
  a := core.resource.metadata.annotations
} else = {}

ignored(policy_id) {
  ids := split(annotations[ignore_field], ",")
  trim_space(ids[_]) == policy_id
}

params(policy_id) = p {
  extra := json.unmarshal(annotations[sprintf("policy.otomi.io/parameters.%s", [policy_id])])
  p := object.union(core.parameters[policy_id], extra)
} else = core.parameters[policy_id]

containers[c] {
  c := core.resource.spec.template.spec.containers[_]
}

containers[c] {
  c := core.resource.spec.containers[_]
}
"""

OTOMI_POLICY = """package bannedimagetags

import data.lib.core
import data.lib.otomi

policy_id = "banned-image-tags"

violation[{"msg": msg}] {
  otomi.params(policy_id).enabled
  not otomi.ignored(policy_id)
  container := otomi.containers[_]
  parts := split(container.image, ":")
  tag := parts[count(parts) - 1]
  tag == otomi.params(policy_id).tags[_]
  msg := sprintf("Policy: %s - container <%s> has banned image tag <%s>", [policy_id, container.name, tag])
}
"""

OTOMI_DATA = """parameters:
  banned-image-tags:
    enabled: true
    tags: [latest, master]
"""


@suite.test
def test_an_otomi_style_library_runs_unchanged():
    tmp = tempfile.mkdtemp(prefix="gatehouse-otomi-")
    os.makedirs(os.path.join(tmp, "policy", "lib"))
    for name, text in (("lib/core.rego", OTOMI_CORE), ("lib/otomi.rego", OTOMI_LIB),
                       ("bannedimagetags.rego", OTOMI_POLICY)):
        with open(os.path.join(tmp, "policy", name), "w") as f:
            f.write(text)
    data = os.path.join(tmp, "policies.yaml")
    with open(data, "w") as f:
        f.write(OTOMI_DATA)
    gh = server("otomi", ["--policy-bundle", os.path.join(tmp, "policy"), "--policy-data", data,
                          "--policy-all-namespaces", "--rego-version", "v0",
                          "--policy-annotation-domain", "policy.otomi.io"])

    def both(doc):
        args = [BINARY, "test", "--all-namespaces", "--rego-version", "v0", "--no-color", "-o",
                "json", "-p", os.path.join(tmp, "policy"), "-d", data, "-"]
        r = subprocess.run(args, input=json.dumps(doc), capture_output=True, text=True, timeout=60)
        check(r.returncode in (0, 1), r.stderr)
        failures = sorted(m["msg"] for res in json.loads(r.stdout) or []
                          for m in res.get("failures", []))
        denials, _, _ = admit(gh, doc)
        check(failures == denials, "test %s vs webhook %s" % (failures, denials))
        return failures

    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "team-a"},
           "spec": {"containers": [{"name": "web", "image": "nginx:master"}]}}
    check(both(pod) == ["Policy: banned-image-tags - container <web> has banned image tag <master>"],
          "Otomi-style message")
    ignored = copy.deepcopy(pod)
    ignored["metadata"]["annotations"] = {"policy.otomi.io/ignore": "banned-image-tags"}
    check(both(ignored) == [], "ignore annotation")
    allowed = copy.deepcopy(pod)
    allowed["metadata"]["annotations"] = {
        "policy.otomi.io/parameters.banned-image-tags": '{"tags": ["latest"]}'}
    check(both(allowed) == [], "parameters annotation")


@suite.test
def test_delete_is_judged_on_the_old_object():
    gh = baseline_server()
    pod = [d for d in documents(EXAMPLES[0]) if d["kind"] == "Pod"][0]
    failures, _ = run_test(pod, BASELINE)
    denials, _, _ = admit(gh, pod, operation="DELETE")
    check(denials == failures and failures, (failures, denials))


@suite.test
def test_a_broken_edit_keeps_the_last_good_bundle_then_a_fix_loads():
    tmp = tempfile.mkdtemp(prefix="gatehouse-bundle-")
    bundle = os.path.join(tmp, "policy")
    os.makedirs(bundle)
    path = os.path.join(bundle, "main.rego")

    def write(text):
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.replace(path + ".tmp", path)

    write('package main\n\ndeny contains "no configmaps named one" if { input.metadata.name == "one" }\n')
    gh = server("reload", ["--policy-bundle", bundle])
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "one", "namespace": "a"}}
    check(admit(gh, cm)[0] == ["no configmaps named one"], "first version")
    write("package main\n\ndeny contains msg if {\n")  # does not parse
    wait_until(lambda: "policy-bundle" in gh.get("/readyz?verbose")[1] and
               "rego_parse_error" in gh.log(), what="the refused version")
    check(admit(gh, cm)[0] == ["no configmaps named one"], "last good version serves")
    write('package main\n\nwarn contains "configmaps named one are discouraged" if {\n'
          '  input.metadata.name == "one"\n}\n')
    wait_until(lambda: admit(gh, cm)[1] == ["configmaps named one are discouraged"],
               what="the fixed version")
    denials, warnings, raw = admit(gh, cm)
    check(raw["allowed"] is True and raw["status"]["code"] == 299, raw)


def main():
    global BINARY
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    args = parser.parse_args()
    BINARY = os.path.abspath(args.gatehouse)
    try:
        ok = suite.run()
    finally:
        for gh in STATE.values():
            gh.stop()
    shutil.rmtree(tempfile.gettempdir() + "/gatehouse-nothing", ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
