#!/usr/bin/env python3
"""`gatehouse test` as a drop-in for `conftest test`, run as a process like CI runs it.

The policies and expected outputs follow Conftest's own examples and acceptance tests
(examples/kubernetes, examples/exceptions, tests/problematic-if, acceptance.bats; recorded in
docs/conftest-compat.md): counts in the summary, the stdout/json/tap lines, exit codes with
--fail-on-warn / --no-fail / --quiet, stdin as `-`, conftest.toml and CONFTEST_* settings,
Conftest's error words. Then gatehouse's own rules: a document that does not parse is reported
with its number while the rest is tested, and a stream of 1,000 rendered objects of six kinds
checked against the baseline library in one run gives exactly the sum of checking each object
alone. Run by ctest; prints `N passed, N failed`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.gatehouse import Suite  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
POLICIES = os.path.join(ROOT, "policies")
BASELINE = os.path.join(POLICIES, "policies.yaml")

suite = Suite()
BINARY = None
WORK = None

KUBERNETES_POLICY = """package main

deny contains msg if {
  input.kind == "Deployment"
  not input.spec.template.spec.securityContext.runAsNonRoot
  msg := "Containers must not run as root"
}

deny contains msg if {
  input.kind == "Deployment"
  not input.spec.selector.matchLabels.app
  msg := "Containers must provide app label for pod selectors"
}

deny contains msg if {
  input.kind == "Deployment"
  some c in input.spec.template.spec.containers
  endswith(c.image, ":latest")
  msg := sprintf("%s uses the latest tag", [c.name])
}

violation := [msg | input.kind == "Deployment"; not input.metadata.labels.team; msg := "team label missing"]

warn contains msg if {
  input.kind == "Service"
  msg := sprintf("Found service %s but services are not allowed", [input.metadata.name])
}
"""

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: hello-kubernetes
spec:
  ports:
    - port: 80
"""

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello-kubernetes
spec:
  selector: {}
  template:
    spec:
      containers:
        - name: hello
          image: paulbouwer/hello-kubernetes:latest
"""

EXCEPTIONS_POLICY = """package main

deny_run_as_root contains msg if {
  input.kind == "Deployment"
  not input.spec.template.spec.securityContext.runAsNonRoot
  msg := "Containers must not run as root"
}

exception contains rules if {
  input.metadata.name == "can-run-as-root"
  rules := ["run_as_root"]
}
"""


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def write(name, text):
    path = os.path.join(WORK, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def run(args, stdin=None, cwd=None, env=None):
    full_env = dict(os.environ)
    for k in list(full_env):
        if k.startswith("CONFTEST_"):
            del full_env[k]
    full_env.update(env or {})
    r = subprocess.run([BINARY] + args, input=stdin, capture_output=True, text=True,
                       cwd=cwd or WORK, env=full_env, timeout=300)
    return r.returncode, r.stdout, r.stderr


def setup():
    write("policy/kubernetes.rego", KUBERNETES_POLICY)
    write("service.yaml", SERVICE)
    write("deployment.yaml", DEPLOYMENT)
    write("exceptions/policy/exceptions.rego", EXCEPTIONS_POLICY)
    write("exceptions/deployments.yaml", DEPLOYMENT.replace("hello-kubernetes", "can-run-as-root", 1)
          + "---\n" + DEPLOYMENT.replace("hello-kubernetes", "cannot-run-as-root", 1))


@suite.test
def test_counts_lines_and_exit_codes_as_conftest():
    rc, out, err = run(["test", "--no-color", "service.yaml"])
    check(rc == 0, (rc, out, err))
    check(out == "WARN - service.yaml - main - Found service hello-kubernetes but services are "
          "not allowed\n\n5 tests, 4 passed, 1 warning, 0 failures, 0 exceptions\n", out)
    rc, out, err = run(["test", "--no-color", "deployment.yaml"])
    check(rc == 1, (rc, out, err))
    check(out == "FAIL - deployment.yaml - main - Containers must not run as root\n"
          "FAIL - deployment.yaml - main - Containers must provide app label for pod selectors\n"
          "FAIL - deployment.yaml - main - hello uses the latest tag\n"
          "FAIL - deployment.yaml - main - team label missing\n\n"
          "5 tests, 1 passed, 0 warnings, 4 failures, 0 exceptions\n", out)
    check(run(["test", "--fail-on-warn", "service.yaml"])[0] == 1, "warnings fail with 1")
    check(run(["test", "--fail-on-warn", "deployment.yaml"])[0] == 2, "failures give 2")
    check(run(["test", "--no-fail", "deployment.yaml"])[0] == 0, "--no-fail")
    rc, out, _ = run(["test", "--quiet", "service.yaml"])
    check(rc == 0 and out == "", "--quiet prints nothing on success: %r" % out)
    rc, out, _ = run(["test", "--quiet", "--no-color", "deployment.yaml"])
    check(rc == 1 and "4 failures" in out, "--quiet still prints failures")


@suite.test
def test_colours_by_default():
    rc, out, _ = run(["test", "service.yaml"])
    check("\x1b[33mWARN\x1b[0m - service.yaml - main - " in out, repr(out))
    check(out.endswith("\x1b[33m5 tests, 4 passed, 1 warning, 0 failures, 0 exceptions\x1b[0m\n"),
          repr(out))


@suite.test
def test_stdin_json_and_tap():
    rc, out, _ = run(["test", "--no-color", "-"], stdin=SERVICE)
    check(out.startswith("WARN - - main - Found service hello-kubernetes"), out)
    rc, out, _ = run(["test", "-o", "json", "-"], stdin=SERVICE)
    doc = json.loads(out)
    check(doc == [{"filename": "", "namespace": "main", "successes": 4, "warnings": [
        {"msg": "Found service hello-kubernetes but services are not allowed",
         "metadata": {"query": "data.main.warn"}}]}], doc)
    check(out.startswith("[\n\t{\n\t\t\"filename\": \"\",\n"), repr(out[:40]))
    rc, out, _ = run(["test", "-o", "tap", "service.yaml"])
    check(out.splitlines()[:3] == ["1..5", "# warnings",
                                   "not ok 1 - service.yaml - main - Found service "
                                   "hello-kubernetes but services are not allowed"], out)


@suite.test
def test_exceptions_as_conftest_reports_them():
    rc, out, err = run(["test", "--no-color", "-p", "exceptions/policy",
                        "exceptions/deployments.yaml"])
    check(rc == 1, (rc, err))
    check(out == "FAIL - exceptions/deployments.yaml - main - Containers must not run as root\n"
          "EXCP - exceptions/deployments.yaml - main - data.main.exception[_][_] == "
          "\"run_as_root\"\n\n2 tests, 0 passed, 0 warnings, 1 failure, 1 exception\n", out)
    rc, out, _ = run(["test", "--no-color", "--suppress-exceptions", "-p", "exceptions/policy",
                      "exceptions/deployments.yaml"])
    check("EXCP" not in out and "1 exception" in out, out)


@suite.test
def test_configuration_file_and_environment():
    write("configured/conftest.toml", 'policy = "../exceptions/policy"\nno-color = true\n'
          'output = "json"\n')
    rc, out, err = run(["test", "../exceptions/deployments.yaml"], cwd=os.path.join(WORK, "configured"))
    check(rc == 1 and json.loads(out)[0]["exceptions"][0]["msg"].startswith("data.main."), (out, err))
    rc, out, _ = run(["test", "../exceptions/deployments.yaml"], cwd=os.path.join(WORK, "configured"),
                     env={"CONFTEST_OUTPUT": "tap"})
    check(out.startswith("1..2\n"), "the environment wins over the file: %r" % out)
    rc, out, _ = run(["test", "-o", "stdout", "../exceptions/deployments.yaml"],
                     cwd=os.path.join(WORK, "configured"), env={"CONFTEST_OUTPUT": "tap"})
    check(out.startswith("FAIL - "), "the flag wins over the environment: %r" % out)
    rc, out, _ = run(["test", "--no-color", "-"], stdin=SERVICE,
                     env={"CONFTEST_STDIN_FILENAME": "a,b.yaml", "CONFTEST_POLICY": "policy,policy"})
    check(out.startswith("WARN - a,b.yaml - main - "), "a string setting keeps its commas: %r" % out)
    check("\n5 tests, 4 passed, 1 warning" in out, "a policy path given twice loads once: %r" % out)
    rc, _, err = run(["test", "-c", "missing.toml", "service.yaml"])
    check(rc == 1 and err.startswith("Error: read in config: error reading config: "), err)


@suite.test
def test_conftest_error_words():
    rc, _, err = run(["test", "nope.yaml"])
    check(rc == 1 and err == "Error: running test: parse files: get file info: stat nope.yaml: "
          "no such file or directory\n", err)
    rc, _, err = run(["test", "-p", "nopolicy", "service.yaml"])
    check(err == "Error: running test: load: loading policies: load: 1 error occurred during "
          "loading: stat nopolicy: no such file or directory\n", err)
    write("empty/.keep", "")
    rc, _, err = run(["test", "-p", "empty", "service.yaml"])
    check(err == "Error: running test: load: loading policies: no policies found in [empty]\n", err)
    write("if/p.rego", "package main\n\ndeny[msg] if {\n  msg := \"x\"\n}\n")
    rc, _, err = run(["test", "-p", "if", "service.yaml"])
    check(rc == 1 and "rule is using 'if' keyword without 'contains' keyword: rule in if/p.rego "
          "at line 3" in err, err)
    rc, _, err = run(["test", "--rego-version", "v2", "service.yaml"])
    check("invalid Rego version: v2" in err, err)
    write("notes.txt", "hello")
    rc, _, err = run(["test", "notes.txt"])
    check(err == "Error: running test: parse configurations: new parser: new: unknown parser: "
          "txt, path: notes.txt\n", err)
    write("obj/p.rego", 'package main\n\ndeny contains {"message": "m"} if { true }\n')
    rc, _, err = run(["test", "-p", "obj", "service.yaml"])
    check(err == "Error: running test: query rule: check: query rule: new result: \"msg\" field "
          "must be present and a string\n", err)


@suite.test
def test_capabilities_restrict_builtins():
    write("caps/ok.json", json.dumps({"builtins": [{"name": n} for n in
                                                  ("eq", "equal", "not", "sprintf", "endswith")]}))
    write("caps/no_sprintf.json", json.dumps({"builtins": [{"name": n} for n in
                                                          ("eq", "equal", "not", "endswith")]}))
    rc, out, err = run(["test", "--no-color", "--capabilities", "caps/ok.json", "service.yaml"])
    check(rc == 0 and "5 tests, 4 passed, 1 warning" in out, (rc, out, err))
    rc, out, err = run(["test", "--capabilities", "caps/no_sprintf.json", "service.yaml"])
    check(rc == 1 and "rego_type_error: undefined function sprintf" in err, err)


@suite.test
def test_a_bad_document_is_reported_and_the_rest_tested():
    path = write("mixed.yaml", SERVICE + "---\nkind: [unclosed\n---\n" + SERVICE)
    rc, out, err = run(["test", "--no-color", path])
    check(rc == 1, (rc, out, err))
    check("mixed.yaml: document 2: invalid YAML at line " in err, err)
    check(out.endswith("10 tests, 8 passed, 2 warnings, 0 failures, 0 exceptions\n"), out)


STREAM_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "Service")


def stream_objects():
    """Rendered objects: the baseline examples' documents, renamed, kinds varied."""
    docs = []
    for path in ("bad", "good"):
        with open(os.path.join(POLICIES, "examples", path, path + ".yaml")) as f:
            for part in f.read().split("\n---\n"):
                if part.strip():
                    docs.append(part)
    return docs


@suite.test
def test_a_stream_of_1000_objects_in_one_run():
    parts = stream_objects()
    check(len(parts) >= 6, "examples: %d documents" % len(parts))
    # The failures of each distinct document alone.
    alone = []
    for i, part in enumerate(parts):
        rc, out, err = run(["test", "--all-namespaces", "-o", "json", "-p", POLICIES, "-d", BASELINE,
                            "-"], stdin=part)
        check(rc in (0, 1), err)
        alone.append(sum(len(r.get("failures", [])) for r in json.loads(out)))
    # Templated workloads become other kinds with a pod template: same pod, same failures.
    stream, expected, kinds = [], 0, set()
    for i in range(1000):
        k = i % len(parts)
        text = parts[k].replace("name: ", "name: o%04d-" % i, 1)
        if "kind: Deployment" in text and i % 3 == 1:
            text = text.replace("kind: Deployment", "kind: StatefulSet", 1)
        elif "kind: Deployment" in text and i % 3 == 2:
            text = text.replace("kind: Deployment", "kind: DaemonSet", 1)
        for kind in STREAM_KINDS:
            if "\nkind: %s\n" % kind in "\n" + text:
                kinds.add(kind)
        stream.append(text)
        expected += alone[k]
    path = write("stream/rendered.yaml", "\n---\n".join(stream) + "\n")
    rc, out, err = run(["test", "--all-namespaces", "--no-color", "-p", POLICIES, "-d", BASELINE,
                        path])
    check(rc == 1, (rc, err[-500:]))
    summary = out.strip().splitlines()[-1]
    failures = int(summary.split(", ")[3].split()[0])
    check(failures == expected, "%s; expected %d failures" % (summary, expected))
    check(len(kinds) >= 5, kinds)
    check(out.count("\nFAIL - ") + out.startswith("FAIL - ") == expected, "one FAIL line each")
    rc, out, _ = run(["test", "--all-namespaces", "-o", "json", "-p", POLICIES, "-d", BASELINE,
                      path])
    results = json.loads(out)
    check(sum(len(r.get("failures", [])) for r in results) == expected, "json agrees")


def main():
    global BINARY, WORK
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    args = parser.parse_args()
    BINARY = os.path.abspath(args.gatehouse)
    WORK = tempfile.mkdtemp(prefix="gatehouse-test-cli-")
    setup()
    sys.exit(0 if suite.run() else 1)


if __name__ == "__main__":
    main()
