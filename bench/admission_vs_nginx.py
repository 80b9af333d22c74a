#!/usr/bin/env python3
"""gatehouse's admission webhook (/v1/admit) against nginx over HTTPS keep-alive, in one run.

What it measures (issue 13: "AdmissionReviews per second per core over HTTPS keep-alive against
the 30 library templates with one constraint each, on a typical Deployment, and p99 latency at
half that rate; printed beside nginx serving a static JSON on the same core in the same run;
target at least 20,000 reviews/s per core"):

1. Builds a Gatekeeper directory from the Gatekeeper library's `general` folder
   ($GATEHOUSE_CONFORMANCE_DIR/gatekeeper-library/library, default ../shared/conformance; the
   benchmark says so and exits 0 without it): each suite's template and the constraint of its
   first test, 30 templates and 30 constraints.
2. Starts `gatehouse serve --threads 1 --gatekeeper-source DIR` and nginx with one worker, both
   pinned to one CPU, same certificate, keep-alive; nginx answers a static JSON the size of
   gatehouse's answer.
3. Posts an AdmissionReview of a typical Deployment (two containers, labels, resources, probes)
   in the form a kube-apiserver 1.26 sends it (tests/data/kube-apiserver-1.26), checks the answer
   (the uid echoed, the constraints' verdict), then wrk closed loop on both, interleaved rounds,
   best round counts: reviews/s per core and the ratio to nginx.
4. Open loop (bench/webhook_load, no coordinated omission) at half of gatehouse's best rate:
   p50/p99/p99.9/max, and nginx at the same rate as the baseline.

Reuses the server, nginx and load helpers of bench/webhook_vs_nginx.py. Exit status 0 when the
benchmark ran (the summary says whether the target was met), 1 on an error.

    python3 bench/admission_vs_nginx.py [--quick] [--gatehouse build/release/gatehouse]
"""

import argparse
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import webhook_vs_nginx as wvn  # noqa: E402

REPO = wvn.REPO
TARGET_RPS = 20000.0
SAMPLE = os.path.join(REPO, "tests", "data", "kube-apiserver-1.26",
                      "admissionreview-create-denied.json")


def read_yaml_docs(path):
    """The documents of a small YAML file, split on '---' lines (library files are plain)."""
    with open(path) as f:
        return [d for d in f.read().split("\n---") if d.strip()]


def library_dir():
    root = os.environ.get("GATEHOUSE_CONFORMANCE_DIR",
                          os.path.join(REPO, "..", "shared", "conformance"))
    return os.path.join(root, "gatekeeper-library", "library", "general")


def build_gatekeeper_dir(work):
    """One template and one constraint per library suite, copied into work/gatekeeper."""
    out = os.path.join(work, "gatekeeper")
    os.makedirs(out)
    count = 0
    for suite in sorted(glob.glob(os.path.join(library_dir(), "*", "suite.yaml"))):
        folder = os.path.dirname(suite)
        text = open(suite).read()
        template = constraint = None
        for line in text.splitlines():
            s = line.strip()
            if template is None and s.startswith("template:"):
                template = s.split(":", 1)[1].strip()
            elif constraint is None and s.startswith("constraint:"):
                constraint = s.split(":", 1)[1].strip()
            if template and constraint:
                break
        if not template or not constraint:
            continue
        name = os.path.basename(folder)
        with open(os.path.join(out, name + "-template.yaml"), "w") as f:
            f.write(open(os.path.join(folder, template)).read())
        with open(os.path.join(out, name + "-constraint.yaml"), "w") as f:
            f.write(open(os.path.join(folder, constraint)).read())
        count += 1
    return out, count


def deployment_review():
    body = json.load(open(SAMPLE))["request"]
    body = copy.deepcopy(body)
    req = body["request"]
    req["kind"] = {"group": "apps", "version": "v1", "kind": "Deployment"}
    req["resource"] = {"group": "apps", "version": "v1", "resource": "deployments"}
    req["requestKind"], req["requestResource"] = req["kind"], req["resource"]
    req["name"], req["namespace"] = "shop", "demo"
    container = {
        "name": "web", "image": "registry.example.com/team-a/web:1.4.2",
        "ports": [{"containerPort": 8080, "protocol": "TCP"}],
        "resources": {"limits": {"cpu": "500m", "memory": "256Mi"},
                      "requests": {"cpu": "100m", "memory": "128Mi"}},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": 8080}},
        "imagePullPolicy": "IfNotPresent",
    }
    sidecar = copy.deepcopy(container)
    sidecar.update(name="metrics", image="registry.example.com/team-a/metrics:0.9.0")
    sidecar["ports"] = [{"containerPort": 9090, "protocol": "TCP"}]
    req["object"] = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "shop", "namespace": "demo", "uid": "7d0a5c0e-0000-4000-8000-1",
                     "generation": 1, "creationTimestamp": "2026-11-24T11:09:35Z",
                     "labels": {"app": "shop", "owner": "team-a"},
                     "annotations": {"deployment.kubernetes.io/revision": "1"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "shop"}},
                 "strategy": {"type": "RollingUpdate"},
                 "template": {"metadata": {"labels": {"app": "shop", "owner": "team-a"}},
                              "spec": {"containers": [container, sidecar],
                                       "automountServiceAccountToken": False,
                                       "securityContext": {"runAsNonRoot": True}}}},
    }
    return body


def start_gatehouse(procs, args, work, gatekeeper_dir, cpu):
    data_dir = os.path.join(work, "gatehouse")
    os.makedirs(data_dir)
    port = wvn.free_port()
    cmd = [args.gatehouse, "serve", "--listen", "127.0.0.1:%d" % port, "--data-dir", data_dir,
           "--threads", "1", "--gatekeeper-source", gatekeeper_dir, "--registry-enabled=false"]
    stdout = open(os.path.join(data_dir, "stdout.log"), "w")
    stderr = open(os.path.join(data_dir, "stderr.log"), "w")
    proc = procs.start("gatehouse", wvn.pinned(cmd, cpu), stdout=stdout, stderr=stderr,
                       **wvn.spawn_options())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise wvn.BenchError("gatehouse exited with %s: %s" % (
                proc.returncode, open(stderr.name).read()[-2000:]))
        if "listening on port" in open(stdout.name).read():
            break
        time.sleep(0.05)
    else:
        raise wvn.BenchError("gatehouse did not start: " + open(stderr.name).read()[-2000:])
    tls = os.path.join(data_dir, "tls")
    return proc, port, os.path.join(tls, "tls.crt"), os.path.join(tls, "tls.key"), \
        os.path.join(tls, "ca.crt"), stderr.name


def run(args, procs, work):
    results = {"errors": []}
    gk_dir, templates = build_gatekeeper_dir(work)
    if templates == 0:
        raise wvn.BenchError("no library suites found under " + library_dir())
    server_cpu = None if args.no_pin else args.server_cpu
    if args.no_pin:
        args.client_cpu = None
    wvn.log("== gatehouse serve --threads 1 --gatekeeper-source (%d templates, %d constraints)"
            % (templates, templates))
    gh, gh_port, cert, key, ca, gh_log = start_gatehouse(procs, args, work, gk_dir, server_cpu)
    refused = [l for l in open(gh_log).read().splitlines() if "Gatekeeper resource refused" in l]
    if refused:
        raise wvn.BenchError("library resources refused: " + "\n".join(refused[:5]))
    review = deployment_review()
    body_file = os.path.join(work, "review.json")
    with open(body_file, "w") as f:
        json.dump(review, f)
    status, answer = wvn.post(gh_port, "/v1/admit", review, ca)
    parsed = json.loads(answer)["response"]
    if status != 200 or parsed["uid"] != review["request"]["uid"]:
        raise wvn.BenchError("unexpected answer (HTTP %d): %s" % (status, answer[:500]))
    denials = parsed.get("status", {}).get("message", "")
    wvn.log("   answer %d bytes: allowed=%s, %d denial line(s), %d warning(s)"
            % (len(answer), parsed["allowed"], len(denials.splitlines()) if denials else 0,
               len(parsed.get("warnings", []))))
    for line in denials.splitlines():
        wvn.log("     " + line[:110])
    expect = '"uid":"%s"' % review["request"]["uid"]

    wvn.log("== nginx (1 worker, same certificate, static JSON of %d bytes)" % len(answer))
    ngx, ngx_port = wvn.start_nginx(procs, work, cert, key, answer, server_cpu)

    script = os.path.join(work, "post.lua")
    with open(script, "w") as f:
        f.write(wvn.WRK_SCRIPT)
    targets = [("nginx", "https://127.0.0.1:%d/" % ngx_port),
               ("admission", "https://127.0.0.1:%d/v1/admit" % gh_port)]
    best = {}
    wvn.log("== wrk -t%d -c%d -d%ds --latency, %d interleaved round(s), best round counts"
            % (args.wrk_threads, args.connections, args.duration, args.rounds))
    for r in range(args.rounds):
        for name, url in targets:
            res = wvn.run_wrk(args, url, body_file, script, args.duration)
            wvn.log("   round %d %-10s %9.0f req/s  p50 %6.0f us  p99 %6.0f us%s"
                    % (r + 1, name, res["rps"], res.get("p50_us", 0), res.get("p99_us", 0),
                       "  non-2xx %d" % res["non2xx"] if res["non2xx"] else ""))
            if res["non2xx"]:
                results["errors"].append("%s: %d non-2xx answers" % (name, res["non2xx"]))
            if name not in best or res["rps"] > best[name]["rps"]:
                best[name] = res
    rate = best["admission"]["rps"] * 0.5
    wvn.log("== open loop at half of gatehouse's rate = %.0f req/s, %d connections, %ss"
            % (rate, args.open_connections, args.open_duration))
    open_results = {}
    for name, port, path, exp in (("admission", gh_port, "/v1/admit", expect),
                                  ("nginx", ngx_port, "/", expect)):
        res = wvn.run_open_loop(args, port, path, body_file, rate, exp, ca)
        open_results[name] = res
        wvn.log("   %-10s achieved %7.0f req/s  p50 %6.0f  p99 %6.0f  p99.9 %6.0f  max %7.0f us"
                "  errors %d" % (name, res["rate"], res["p50_us"], res["p99_us"],
                                 res["p999_us"], res["max_us"], res["errors"]))
        if res["errors"] or res["unfinished"]:
            results["errors"].append("%s: %d wrong, %d unfinished under open loop"
                                     % (name, res["errors"], res["unfinished"]))
    results["rss_kb"] = wvn.read_status_kb(gh.pid, "VmRSS")
    results.update(best=best, open=open_results, templates=templates, answer_bytes=len(answer))
    return results


def summary(args, r):
    best, op = r["best"], r["open"]
    nginx, gh = best["nginx"]["rps"], best["admission"]["rps"]
    met = gh >= TARGET_RPS
    lines = ["", "=" * 72,
             "SUMMARY  gatehouse /v1/admit (--threads 1, %d templates + constraints) vs nginx "
             "(1 worker)" % r["templates"],
             "  wrk -t%d -c%d -d%ds, best of %d round(s); servers on CPU %s, load on CPU %s"
             % (args.wrk_threads, args.connections, args.duration, args.rounds,
                "any" if args.no_pin else args.server_cpu,
                "any" if args.no_pin else args.client_cpu), "-" * 72,
             "  %-34s %10.0f req/s" % ("nginx static JSON (%d bytes)" % r["answer_bytes"], nginx),
             "  %-34s %10.0f reviews/s per core  ratio to nginx %.2f  (target >= %.0f: %s)"
             % ("gatehouse AdmissionReview", gh, gh / nginx if nginx else 0, TARGET_RPS,
                wvn.verdict(met)),
             "  open loop at %.0f req/s (half of gatehouse's rate):" % (gh * 0.5)]
    for name in ("admission", "nginx"):
        res = op[name]
        lines.append("  %-34s p99 %7.0f us  (p50 %.0f, p99.9 %.0f, max %.0f)"
                     % ("gatehouse" if name == "admission" else "nginx (baseline)", res["p99_us"],
                        res["p50_us"], res["p999_us"], res["max_us"]))
    lines.append("  gatehouse RSS after load: %.1f MiB" % ((r["rss_kb"] or 0) / 1024.0))
    if r["errors"]:
        lines.append("  ERRORS: " + "; ".join(r["errors"]))
    lines.append("=" * 72)
    wvn.log("\n".join(lines))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="short durations (about 30 s)")
    p.add_argument("--gatehouse")
    p.add_argument("--load-client")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--wrk-threads", type=int, default=1)
    p.add_argument("--duration", type=int)
    p.add_argument("--rounds", type=int)
    p.add_argument("--open-connections", type=int, default=8)
    p.add_argument("--open-duration", type=float)
    p.add_argument("--open-warmup", type=float)
    p.add_argument("--server-cpu", type=int, default=0)
    p.add_argument("--client-cpu", type=int, default=1)
    p.add_argument("--no-pin", action="store_true")
    args = p.parse_args()
    q = args.quick
    args.duration = args.duration or (3 if q else 8)
    args.rounds = args.rounds or (1 if q else 2)
    args.open_duration = args.open_duration or (3.0 if q else 8.0)
    args.open_warmup = args.open_warmup if args.open_warmup is not None else (1.0 if q else 2.0)
    args.gatehouse = args.gatehouse or wvn.first_existing(
        [os.path.join(REPO, "build", "release", "gatehouse")])
    args.load_client = args.load_client or wvn.first_existing(
        [os.path.join(REPO, "build", "release", "bench", "webhook_load")])
    if (os.cpu_count() or 1) < 2 or not os.access(wvn.TASKSET, os.X_OK):
        args.no_pin = True
    if not os.path.isdir(library_dir()):
        wvn.log("SKIPPED: the Gatekeeper library is absent (%s)" % library_dir())
        return 0
    missing = [w for w, path in (("gatehouse", args.gatehouse), ("webhook_load", args.load_client),
                                 (wvn.WRK, wvn.WRK), (wvn.NGINX, wvn.NGINX))
               if not path or not os.access(path, os.X_OK)]
    if missing:
        wvn.log("error: not found: " + ", ".join(missing))
        return 1
    procs = wvn.Processes()
    work = tempfile.mkdtemp(prefix="gatehouse-admission-bench-")
    started = time.monotonic()
    try:
        results = run(args, procs, work)
        summary(args, results)
        wvn.log("(%.0f s)" % (time.monotonic() - started))
        return 1 if results["errors"] else 0
    except (wvn.BenchError, subprocess.TimeoutExpired) as e:
        wvn.log("error: %s" % e)
        return 1
    finally:
        procs.stop_all()


if __name__ == "__main__":
    sys.exit(main())
