#!/usr/bin/env python3
"""gatehouse as Gatekeeper's controller and admission webhook of a real kube-apiserver 1.26.

Needs ../shared/tools/k8s/start.sh and a kube-apiserver binary ($KUBE_APISERVER) with etcd;
without them it says why and exits 77 (skipped). Gatekeeper's ConstraintTemplate and Config
CRDs are installed from ../shared/tools/k8s/crds/gatekeeper, gatehouse serves with
`--gatekeeper-source kubernetes` and is registered as a ValidatingWebhookConfiguration for
Namespaces; then, through the API as kubectl would: a template applied gets its constraint CRD
and `created: true`; a constraint applied makes the API server refuse a Namespace without the
label with Gatekeeper's message; `warn` turns it into a `Warning:` header; the audit's results
appear in the constraint's status. Prints `N passed, N failed`.
"""

import argparse
import http.client
import json
import os
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.gatehouse import GatehouseServer, Suite, wait_until  # noqa: E402
from test_gatekeeper_controller import (CONSTRAINTS, CRD_NAME, TEMPLATES, check,  # noqa: E402
                                        owner_constraint, required_labels_template)

HERE = os.path.dirname(os.path.abspath(__file__))
K8S = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "tools", "k8s"))
NS = "kube-system"

suite = Suite()
BINARY = None
ENV = {}


class Api:
    """HTTP to the API server with the admin client certificate: (status, headers, body)."""

    def __init__(self, env):
        self.host, self.port = env["K8S_API_URL"].split("//")[1].split(":")
        self.context = ssl.create_default_context(cafile=env["K8S_CA_FILE"])
        self.context.load_cert_chain(env["K8S_ADMIN_CERT"], env["K8S_ADMIN_KEY"])

    def call(self, method, path, body=None, content_type="application/json"):
        conn = http.client.HTTPSConnection(self.host, int(self.port), context=self.context,
                                           timeout=30)
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = content_type
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode()
        warnings = resp.headers.get_all("Warning") or []
        conn.close()
        try:
            return resp.status, warnings, json.loads(text)
        except ValueError:
            return resp.status, warnings, text

    def get(self, path):
        status, _, body = self.call("GET", path)
        return body if status == 200 else None


def install_gatekeeper_crds(api):
    for name in ("constrainttemplate", "config"):
        path = os.path.join(K8S, "crds", "gatekeeper", name + "-customresourcedefinition.yaml")
        with open(path, "rb") as f:
            for doc in f.read().split(b"\n---"):
                if b"kind:" not in doc:
                    continue
                status, _, body = api.call("POST", "/apis/apiextensions.k8s.io/v1/"
                                           "customresourcedefinitions", doc, "application/yaml")
                check(status in (201, 409), "install %s: HTTP %s %s" % (name, status, body))


def webhook_configuration(port, ca_bundle):
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": "gatehouse-test"},
        "webhooks": [{
            "name": "validation.gatehouse.dev",
            "admissionReviewVersions": ["v1"],
            "sideEffects": "None",
            "failurePolicy": "Fail",
            "timeoutSeconds": 5,
            "clientConfig": {"url": "https://127.0.0.1:%d/v1/admit" % port, "caBundle": ca_bundle},
            "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"],
                       "resources": ["namespaces"], "scope": "*"}],
        }],
    }


def namespace(name, labels=None):
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "labels": labels or {}}}


@suite.test
def controller_and_webhook_on_a_real_api_server():
    api = Api(ENV)
    install_gatekeeper_crds(api)
    wait_until(lambda: api.get(TEMPLATES) is not None, timeout=30, what="templates served")
    server = GatehouseServer(BINARY, [
        "--gatekeeper-source", "kubernetes", "--kubeconfig", ENV["KUBECONFIG"],
        "--admission-namespace", NS, "--audit-interval", "2s",
        "--tls-cert-file", ENV["K8S_WEBHOOK_CERT"], "--tls-private-key-file",
        ENV["K8S_WEBHOOK_KEY"]], env={"POD_NAME": "gatehouse-apiserver-test"})
    server.start()
    server.set_ca(ENV["K8S_CA_FILE"])
    try:
        status, _, body = api.call("POST", TEMPLATES, required_labels_template())
        check(status == 201, "template: HTTP %s %s" % (status, body))
        crd_path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + CRD_NAME
        wait_until(lambda: any(c["type"] == "Established" and c["status"] == "True" for c in
                               ((api.get(crd_path) or {}).get("status") or {}).get(
                                   "conditions") or []), timeout=30, what="the CRD")
        wait_until(lambda: ((api.get(TEMPLATES + "/k8srequiredlabels") or {}).get("status") or
                            {}).get("created") is True, timeout=30, what="created: true")
        wait_until(lambda: api.call("POST", CONSTRAINTS, owner_constraint())[0] in (201, 409),
                   timeout=30, what="the constraint created")
        status, _, body = api.call("POST", "/apis/admissionregistration.k8s.io/v1/"
                                   "validatingwebhookconfigurations",
                                   webhook_configuration(server.port, ENV["K8S_CA_BUNDLE"]))
        check(status == 201, "webhook: HTTP %s %s" % (status, body))
        message = "[ns-must-have-owner] All namespaces must have an owner label"

        def refused():
            status, _, body = api.call("POST", "/api/v1/namespaces", namespace("tenant-x"))
            return status == 403 and message in body.get("message", "")
        wait_until(refused, timeout=30, what="a Namespace without owner refused")
        _, _, body = api.call("POST", "/api/v1/namespaces", namespace("tenant-x"))
        check(body["message"] == 'admission webhook "validation.gatehouse.dev" denied the '
              "request: " + message, body["message"])
        status, _, _ = api.call("POST", "/api/v1/namespaces", namespace("tenant-y",
                                                                        {"owner": "yves"}))
        check(status == 201, "owner set: HTTP %s" % status)

        path = CONSTRAINTS + "/ns-must-have-owner"
        wait_until(lambda: ((api.get(path) or {}).get("status") or {}).get("totalViolations"),
                   timeout=30, what="the audit in status")
        st = api.get(path)["status"]
        check(st["byPod"][0]["id"] == "gatehouse-apiserver-test" and st["byPod"][0]["enforced"],
              st)
        check(any(v["name"] == "default" for v in st["violations"]), st["violations"])

        current = api.get(path)
        current["spec"]["enforcementAction"] = "warn"
        status, _, body = api.call("PUT", path, current)
        check(status == 200, "warn: HTTP %s %s" % (status, body))

        def warned():
            status, warnings, _ = api.call("POST", "/api/v1/namespaces", namespace("tenant-z"))
            if status == 201:
                check(any(message in w for w in warnings), warnings)
                return True
            return False
        wait_until(warned, timeout=30, what="warn as a Warning header")
    finally:
        api.call("DELETE", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/"
                 "gatehouse-test")
        server.stop()


def main():
    global BINARY
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    BINARY = parser.parse_args().gatehouse
    start = os.path.join(K8S, "start.sh")
    if not os.path.exists(start):
        print("SKIPPED: %s is absent (../shared/ is not part of a clone)" % start)
        sys.exit(77)
    run = subprocess.run([start], capture_output=True, text=True, timeout=180)
    if run.returncode == 3:
        print("SKIPPED: %s" % (run.stderr.strip().splitlines() or ["a prerequisite is missing"])[-1])
        sys.exit(77)
    if run.returncode != 0:
        print("FAIL: start.sh exited %d: %s" % (run.returncode, run.stderr[-2000:]))
        sys.exit(1)
    run_dir = run.stdout.strip()
    try:
        with open(os.path.join(run_dir, "env")) as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                if key:
                    ENV[key] = value
        ok = suite.run()
    finally:
        subprocess.run([os.path.join(K8S, "stop.sh"), run_dir], capture_output=True, timeout=60)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
