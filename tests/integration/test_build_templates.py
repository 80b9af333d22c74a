#!/usr/bin/env python3
"""`gatehouse build-templates` (a policy bundle as Gatekeeper ConstraintTemplates and
Constraints), end to end: the templates say what `gatehouse test` says.

Run by ctest as:
    python3 test_build_templates.py --gatehouse PATH_TO_BINARY [-k NAME]
Prints one line per case and a final `N passed, N failed`; exits non-zero on any failure.

The main case builds the templates of the baseline library (policies/ with
policies/policies.yaml as data), then writes for every template a gator Suite whose cases are the
documents of policies/examples/bad/bad.yaml and policies/examples/good/good.yaml that its
constraint matches. Each case asserts the number of violations and each message (as an anchored
regex) that `gatehouse test --all-namespaces -o json` reports for that one document in the
template's package; `gatehouse verify` must pass them all. Smaller bundles check warning
templates, Conftest exceptions, Rego v0 policies and the refusals (exit 1, `Error: ...`, nothing
written).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.gatehouse import Suite  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
POLICIES = os.path.normpath(os.path.join(HERE, "..", "..", "policies"))
EXAMPLES = [os.path.join(POLICIES, "examples", "bad", "bad.yaml"),
            os.path.join(POLICIES, "examples", "good", "good.yaml")]
suite = Suite()
BINARY = None


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def run(*args, cwd=None):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def regex_literal(text):
    # RE2 (gator's regex engine) refuses some of Python's re.escape escapes (`\ `, `\#`), so only
    # the characters RE2 treats specially are escaped.
    return "".join("\\" + c if c in "\\.+*?()|[]{}^$" else c for c in text)


def split_documents(path):
    """The documents of a YAML stream as their own texts, with their parsed form."""
    text = open(path).read()
    out = []
    for part in re.split(r"^---[ \t]*$", text, flags=re.M):
        doc = yaml.safe_load(part)
        if doc is not None:
            out.append((part.strip("\n") + "\n", doc))
    return out


def gatehouse_test(policy_dir, data_files, document_path, rego_version="v1"):
    """{namespace: (failures, warnings)} for one file, from `gatehouse test -o json`."""
    args = ["test", "--all-namespaces", "-o", "json", "--no-color", "--rego-version",
            rego_version, "-p", policy_dir]
    for d in data_files:
        args += ["-d", d]
    r = run(*args, document_path)
    check(r.returncode in (0, 1), "gatehouse test exit %d: %s" % (r.returncode, r.stderr))
    out = {}
    for result in json.loads(r.stdout):
        failures, warnings = out.setdefault(result["namespace"], ([], []))
        failures += [f["msg"] for f in result.get("failures") or []]
        warnings += [w["msg"] for w in result.get("warnings") or []]
    return out


def matches(constraint, doc):
    kinds = ((constraint.get("spec") or {}).get("match") or {}).get("kinds")
    if not kinds:
        return True
    api_version = doc.get("apiVersion", "")
    group = api_version.split("/")[0] if "/" in api_version else ""
    for entry in kinds:
        if (group in entry["apiGroups"] or "*" in entry["apiGroups"]) and \
                (doc.get("kind") in entry["kinds"] or "*" in entry["kinds"]):
            return True
    return False


def build(policy_dir, data_files, out_dir, *extra):
    args = ["build-templates", "-p", policy_dir, "-o", out_dir, *extra]
    for d in data_files:
        args += ["-d", d]
    r = run(*args)
    check(r.returncode == 0, "build-templates exit %d: %s" % (r.returncode, r.stderr))
    check(r.stderr == "", "stderr %r" % r.stderr)
    return r.stdout.splitlines()


def write_suites(policy_dir, data_files, out_dir, example_files, rego_version="v1",
                 strict_match=True):
    """One Suite per template under out_dir, from gatehouse test's answers. Returns the number of
    cases and of cases that expect violations. With strict_match, a document the constraint does
    not match must pass the package in gatehouse test too (the METADATA kinds are complete)."""
    objects = os.path.join(out_dir, "objects")
    os.makedirs(objects)
    documents = []  # (object path, parsed, {namespace: (failures, warnings)})
    for example in example_files:
        stem = os.path.splitext(os.path.basename(example))[0]
        for i, (text, doc) in enumerate(split_documents(example)):
            path = os.path.join(objects, "%s-%d.yaml" % (stem, i))
            with open(path, "w") as f:
                f.write(text)
            documents.append((path, doc, gatehouse_test(policy_dir, data_files, path,
                                                         rego_version)))
    cases = with_violations = 0
    templates = sorted(d for d in os.listdir(out_dir) if d != "objects")
    check(templates, "no templates in %s" % out_dir)
    for name in templates:
        folder = os.path.join(out_dir, name)
        template = yaml.safe_load(open(os.path.join(folder, "template.yaml")))
        constraint = yaml.safe_load(open(os.path.join(folder, "constraint.yaml")))
        package = template["metadata"]["annotations"]["metadata.gatehouse.dev/package"]
        warn = constraint["spec"].get("enforcementAction") == "warn"
        suite_cases = []
        for path, doc, results in documents:
            failures, warnings = results.get(package, ([], []))
            expected = warnings if warn else failures
            if not matches(constraint, doc):
                check(not strict_match or not expected,
                      "%s does not match %s, which gatehouse test fails: %s"
                      % (name, path, expected))
                continue
            assertions = [{"violations": len(expected)}]
            for msg in sorted(set(expected)):
                assertions.append({"message": "^%s$" % regex_literal(msg),
                                   "violations": expected.count(msg)})
            suite_cases.append({
                "name": "%s-%s-%s" % (os.path.basename(path)[:-5], doc.get("kind"),
                                      doc.get("metadata", {}).get("name")),
                "object": os.path.relpath(path, folder),
                "assertions": assertions,
            })
            cases += 1
            with_violations += 1 if expected else 0
        suite_doc = {
            "apiVersion": "test.gatekeeper.sh/v1alpha1",
            "kind": "Suite",
            "metadata": {"name": name},
            "tests": [{"name": name, "template": "template.yaml",
                       "constraint": "constraint.yaml", "cases": suite_cases}],
        }
        with open(os.path.join(folder, "suite.yaml"), "w") as f:
            yaml.safe_dump(suite_doc, f, sort_keys=False)
    return cases, with_violations


def verify(out_dir):
    r = run("verify", "-v", os.path.join(out_dir, "..."))
    passed = [l for l in r.stdout.splitlines() if l.strip().startswith("--- PASS:")]
    failed = [l for l in r.stdout.splitlines() if l.strip().startswith("--- FAIL:")]
    check(r.returncode == 0 and not failed,
          "gatehouse verify exit %d, failed %s:\n%s%s" % (r.returncode, failed, r.stdout[-6000:],
                                                          r.stderr))
    return passed


@suite.test
def test_baseline_templates_say_what_gatehouse_test_says():
    out = tempfile.mkdtemp(prefix="gatehouse-templates-")
    try:
        data = [os.path.join(POLICIES, "policies.yaml")]
        lines = build(POLICIES, data, out)
        templates = sorted(d for d in os.listdir(out))
        check(len(lines) == len(templates) and len(templates) >= 16,
              "%d lines for %s" % (len(lines), templates))
        for name in templates:
            check(sorted(os.listdir(os.path.join(out, name))) == ["constraint.yaml",
                                                                 "template.yaml"], name)
        cases, with_violations = write_suites(POLICIES, data, out, EXAMPLES)
        check(with_violations >= 10, "only %d of %d cases expect violations"
              % (with_violations, cases))
        passed = verify(out)
        check(len(passed) >= cases, "%d cases passed of %d" % (len(passed), cases))
        print("  %d templates, %d cases (%d with violations) pass gatehouse verify"
              % (len(templates), cases, with_violations))
    finally:
        shutil.rmtree(out, ignore_errors=True)


def write_tree(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


WARN_POLICY = """# METADATA
# title: Labels
# custom:
#   id: team-labels
#   kinds: [ConfigMap, apps/Deployment]
package main

import data.lib.names

deny contains msg if {
	not input.metadata.labels.team
	msg := sprintf("%s: label <team> is required", [names.of(input)])
}

deny_owner contains {"msg": msg, "severity": "high"} if {
	not input.metadata.labels.owner
	msg := "label <owner> is required"
}

warn contains msg if {
	input.metadata.labels.team == data.settings.legacy_team
	msg := sprintf("team <%s> is being retired", [data.settings.legacy_team])
}

exception contains rules if {
	input.metadata.annotations["example.com/no-owner"] == "true"
	rules := ["owner"]
}
"""

WARN_LIB = """package lib.names

of(obj) := sprintf("%s/%s", [obj.kind, obj.metadata.name])
"""

WARN_OBJECTS = """apiVersion: v1
kind: ConfigMap
metadata:
  name: none
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: legacy
  labels: {team: blue, owner: ann}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: excepted
  annotations: {example.com/no-owner: "true"}
  labels: {team: green}
---
apiVersion: v1
kind: Secret
metadata:
  name: not-matched
"""


@suite.test
def test_warnings_exceptions_and_object_results():
    root = tempfile.mkdtemp(prefix="gatehouse-templates-")
    try:
        write_tree(root, {"policy/main.rego": WARN_POLICY, "policy/lib/names.rego": WARN_LIB,
                          "data/settings.yaml": "settings:\n  legacy_team: blue\n",
                          "objects.yaml": WARN_OBJECTS})
        out = os.path.join(root, "out")
        lines = build(os.path.join(root, "policy"), [os.path.join(root, "data", "settings.yaml")],
                      out)
        check(len(lines) == 2 and "GatehouseTeamLabels team-labels" in lines[0] and
              "GatehouseTeamLabelsWarn team-labels (enforcementAction: warn)" in lines[1], lines)
        constraint = yaml.safe_load(open(os.path.join(out, "gatehouseteamlabels",
                                                      "constraint.yaml")))
        check(constraint["spec"]["match"]["kinds"] == [
            {"apiGroups": [""], "kinds": ["ConfigMap"]},
            {"apiGroups": ["apps"], "kinds": ["Deployment"]}], constraint["spec"])
        check(constraint["spec"]["parameters"] == {"settings": {"legacy_team": "blue"}},
              constraint["spec"])
        cases, with_violations = write_suites(
            os.path.join(root, "policy"), [os.path.join(root, "data", "settings.yaml")], out,
            [os.path.join(root, "objects.yaml")], strict_match=False)
        check(cases == 6 and with_violations == 2, "%d cases, %d with violations"
              % (cases, with_violations))
        verify(out)
    finally:
        shutil.rmtree(root, ignore_errors=True)


V0_POLICY = """package k8s.privileged

deny[msg] {
	c := input.spec.containers[_]
	c.securityContext.privileged
	msg := sprintf("container <%s> is privileged", [c.name])
}

violation[msg] {
	input.spec.hostPID
	msg := "hostPID is not allowed"
}
"""

V0_OBJECTS = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  hostPID: true
  containers:
  - name: a
    securityContext: {privileged: true}
  - name: b
"""


@suite.test
def test_a_rego_v0_bundle_and_its_own_violation_rule():
    root = tempfile.mkdtemp(prefix="gatehouse-templates-")
    try:
        write_tree(root, {"policy/p.rego": V0_POLICY, "objects.yaml": V0_OBJECTS})
        out = os.path.join(root, "out")
        lines = build(os.path.join(root, "policy"), [], out, "--rego-version", "v0")
        check(len(lines) == 1 and "GatehousePrivileged privileged" in lines[0] and
              "(deny, violation)" in lines[0], lines)
        template = yaml.safe_load(open(os.path.join(out, "gatehouseprivileged",
                                                    "template.yaml")))
        rego = template["spec"]["targets"][0]["rego"]
        check("_gatehouse_violation[msg] {" in rego and "violation[{" in rego and
              " if " not in rego, rego)
        cases, with_violations = write_suites(os.path.join(root, "policy"), [], out,
                                              [os.path.join(root, "objects.yaml")], "v0")
        check(cases == 1 and with_violations == 1, "%d cases" % cases)
        verify(out)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@suite.test
def test_what_a_template_cannot_express_is_refused():
    root = tempfile.mkdtemp(prefix="gatehouse-templates-")
    try:
        write_tree(root, {
            "other/p.rego": "package main\n\ndeny contains \"x\" if data.util.on\n",
            "other/util.rego": "package util\n\non := true\n",
            "split/a.rego": "package main\n\ndeny contains \"a\" if input.a\n",
            "split/b.rego": "package main\n\ndeny contains \"b\" if input.b\n",
            "imports/p.rego": "package main\n\nimport data.settings\n\n"
                              "deny contains \"x\" if settings.on\n",
        })
        for tree, want in [
            ("other", "invalid_policy_bundle: " + os.path.join(root, "other", "p.rego") +
             ":3:22: data.util refers to a package of the bundle"),
            ("split", "invalid_policy_bundle: main: the package is split over"),
            ("imports", "invalid_constraint_template: " + os.path.join(root, "imports", "p.rego") +
             ":3:1: invalid import: bad import: \"data.settings\""),
        ]:
            out = os.path.join(root, "out-" + tree)
            r = run("build-templates", "-p", os.path.join(root, tree), "-o", out)
            check(r.returncode == 1 and r.stdout == "", "%s: exit %d %r" % (tree, r.returncode,
                                                                           r.stdout))
            check(r.stderr.startswith("Error: " + want), "%s: %r" % (tree, r.stderr))
            check(not os.path.exists(out), "%s: %s was written" % (tree, out))
        r = run("build-templates", "-p", os.path.join(root, "other"), "-o", root,
                "--rego-version", "v2")
        check(r.returncode == 1 and r.stderr == "Error: invalid Rego version: v2 (v0 or v1)\n",
              r.stderr)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main():
    global BINARY
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    parser.add_argument("-k", dest="only", default="", help="run the cases whose name has this")
    args = parser.parse_args()
    BINARY = os.path.abspath(args.gatehouse)
    suite.tests = [t for t in suite.tests if args.only in t.__name__]
    if not suite.tests:
        print("no case matches %r" % args.only)
        return 1
    return 0 if suite.run() else 1


if __name__ == "__main__":
    sys.exit(main())
