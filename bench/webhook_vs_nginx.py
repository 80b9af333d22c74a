#!/usr/bin/env python3
"""gatehouse serve against nginx over HTTPS keep-alive, in one run (stdlib only).

What it measures (issue: "gatehouse >= 50% of nginx's request rate, p99 under 1 ms at half
that rate, RSS at idle and under load"):

1. Starts a real Keystone (tests/integration/harness/keystone.py), creates project `demo`,
   user `demo` with role `member`, and issues a project-scoped token.
2. Starts `gatehouse serve --threads 1` against it (policy deploy/examples/policy.json) and
   nginx with one worker_process, both on 127.0.0.1 with the same certificate and key (the
   self-signed pair gatehouse generates in its data folder), `ssl_protocols TLSv1.2 TLSv1.3`,
   keep-alive. nginx answers every request with `return 200 '<static JSON>'` whose body has
   the size of gatehouse's TokenReview answer.
3. Warms gatehouse's token cache with one TokenReview, and checks both answers (TokenReview
   authenticated, SubjectAccessReview allowed).
4. Closed loop, same wrk settings for all three targets (`wrk -t1 -cC -dD --latency`, POST via
   a Lua script): gatehouse TokenReview (/webhook), gatehouse SubjectAccessReview (/authorize),
   nginx. Rounds are interleaved and the best round of each target counts, which damps the
   noise of a shared machine. Prints requests/s and the ratios gatehouse / nginx.
5. Open loop (bench/webhook_load, a fixed-rate client that measures from the scheduled send
   time, so no coordinated omission) at 50% of nginx's best rate against both gatehouse
   routes, and against nginx as the baseline of what the machine allows; prints
   p50/p99/p99.9/max.
   A probe sleeping 2 ms at a time on the servers' CPU (with --realtime one priority above
   them) runs alongside and reports its longest oversleep: a machine stall shows there too,
   a server stall not.
6. RSS of gatehouse (VmRSS from /proc) at idle after start-up, its peak (VmHWM) and right
   after load; nginx's worker for reference.

The servers run pinned to one CPU and the load generators to another (taskset) unless
--no-pin. On a machine shared with other work, --boost (own autogroup at nice -15) or
--realtime (SCHED_FIFO) keep that work from dominating the numbers, mostly the latency tails.
Everything started is stopped by PID at the end, also on error or Ctrl-C.

Exit status: 0 when the benchmark ran (targets met or not: the summary says which), 1 on an
error (a process failed to start, a wrong answer, non-2xx answers under load).

    python3 bench/webhook_vs_nginx.py [--quick] [--realtime | --boost] [--profile DIR]
        [--gatehouse build/release/gatehouse] [--load-client build/release/bench/webhook_load]
"""

import argparse
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
from harness.keystone import Keystone, free_port  # noqa: E402

WRK = "/usr/bin/wrk"
NGINX = "/usr/sbin/nginx"
TASKSET = "/usr/bin/taskset"

RATIO_TARGET = 0.5
P99_TARGET_US = 1000.0


class BenchError(Exception):
    """The benchmark could not run as intended (not: a target was missed)."""


def log(message):
    print(message, flush=True)


def first_existing(candidates):
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    return None


def read_status_kb(pid, field):
    """VmRSS / VmHWM of a process in KiB, or None when it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def children_of(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


class Processes:
    """Every process this script starts, stopped by PID (TERM, then KILL) in stop_all()."""

    def __init__(self):
        self.procs = []

    def start(self, name, cmd, **kw):
        proc = subprocess.Popen(cmd, **kw)
        self.procs.append((name, proc))
        return proc

    def stop(self, proc):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop_all(self):
        for _, proc in reversed(self.procs):
            self.stop(proc)
        self.procs = []


BOOST = {"on": False, "realtime": False}
BOOST_NICE = -15
RT_PRIORITY = 10
CHRT = "/usr/bin/chrt"


def spawn_options():
    """Popen keyword arguments for a server or load generator (--boost: its own session)."""
    return {"start_new_session": True} if BOOST["on"] else {}


def pinned(cmd, cpu):
    cmd = [TASKSET, "-c", str(cpu)] + cmd if cpu is not None else cmd
    if BOOST["realtime"]:
        # SCHED_FIFO: other work cannot preempt the measured processes (the kernel's RT
        # throttling still leaves it 5% of each CPU).
        cmd = [CHRT, "-f", str(RT_PRIORITY)] + cmd
    if BOOST["on"]:
        # The child has its own session (spawn_options), hence its own autogroup. With
        # autogroups (the default) plain nice only ranks processes inside one session; the
        # autogroup's nice ranks this session against the other sessions on the machine.
        cmd = ["/bin/sh", "-c", 'echo %d > /proc/self/autogroup && exec "$@"' % BOOST_NICE,
               "sh"] + cmd
    return cmd


# ------------------------------------------------------------------------------------------
# Servers


def start_gatehouse(procs, args, work, keystone_url, cpu):
    data_dir = os.path.join(work, "gatehouse")
    os.makedirs(data_dir)
    port = free_port()
    policy = os.path.join(REPO, "deploy", "examples", "policy.json")
    cmd = [args.gatehouse, "serve", "--listen", "127.0.0.1:%d" % port, "--data-dir", data_dir,
           "--threads", "1", "--keystone-url", keystone_url, "--keystone-policy-file", policy,
           # One single-threaded uwsgi Keystone on a busy machine can take seconds.
           "--keystone-timeout", "10s",
           # Longer than the whole run, so the warm cache never expires mid-measurement.
           "--token-cache-ttl", "10m"]
    stdout = open(os.path.join(data_dir, "stdout.log"), "w")
    stderr = open(os.path.join(data_dir, "stderr.log"), "w")
    proc = procs.start("gatehouse", pinned(cmd, cpu), stdout=stdout, stderr=stderr,
                       **spawn_options())
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError("gatehouse exited with %s: %s" % (
                proc.returncode, open(stderr.name).read()[-2000:]))
        if "listening on port" in open(stdout.name).read():
            break
        time.sleep(0.05)
    else:
        raise BenchError("gatehouse did not start: " + open(stderr.name).read()[-2000:])
    tls = os.path.join(data_dir, "tls")
    return proc, port, os.path.join(tls, "tls.crt"), os.path.join(tls, "tls.key"), \
        os.path.join(tls, "ca.crt")


def nginx_string(body):
    """`body` as an nginx single-quoted string of the same length. Only its size matters, so
    characters nginx would interpret ($ variables, quotes, backslashes) are replaced."""
    return "'" + body.replace("\\", "/").replace("'", '"').replace("$", "S") + "'"


def start_nginx(procs, work, cert, key, body, cpu):
    root = os.path.join(work, "nginx")
    os.makedirs(os.path.join(root, "logs"))
    port = free_port()
    temp = {name: os.path.join(root, name) for name in
            ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    conf = """
daemon off;
master_process on;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {client_body};
    proxy_temp_path {proxy};
    fastcgi_temp_path {fastcgi};
    uwsgi_temp_path {uwsgi};
    scgi_temp_path {scgi};
    client_body_buffer_size 64k;
    keepalive_timeout 75s;
    keepalive_requests 10000000;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {{
            default_type application/json;
            return 200 {body};
        }}
    }}
}}
""".format(root=root, port=port, cert=cert, key=key, body=nginx_string(body), **temp)
    conf_path = os.path.join(root, "nginx.conf")
    with open(conf_path, "w") as f:
        f.write(conf)
    cmd = [NGINX, "-p", root, "-e", os.path.join(root, "logs", "error.log"), "-c", conf_path]
    check = subprocess.run(cmd + ["-t"], capture_output=True, text=True)
    if check.returncode != 0:
        raise BenchError("nginx -t failed: " + check.stderr[-2000:])
    proc = procs.start("nginx", pinned(cmd, cpu), stdout=subprocess.DEVNULL,
                       stderr=open(os.path.join(root, "logs", "stderr.log"), "w"),
                       **spawn_options())
    wait_port(port, proc, "nginx")
    return proc, port


def wait_port(port, proc, name, timeout=10.0):
    import socket
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError("%s exited with %s" % (name, proc.returncode))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise BenchError("%s did not listen on %d" % (name, port))


def post(port, path, body, ca_file):
    context = ssl.create_default_context(cafile=ca_file)
    req = urllib.request.Request("https://localhost:%d%s" % (port, path),
                                 data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPSHandler(context=context))
    with opener.open(req, timeout=30) as resp:
        return resp.status, resp.read().decode()


def get(port, path, ca_file):
    context = ssl.create_default_context(cafile=ca_file)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPSHandler(context=context))
    with opener.open("https://localhost:%d%s" % (port, path), timeout=30) as resp:
        return resp.read().decode()


def metric(port, ca_file, name):
    total = 0.0
    for line in get(port, "/metrics", ca_file).splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            total += float(line.rsplit(" ", 1)[1])
    return total


# ------------------------------------------------------------------------------------------
# Load


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.body = f:read("*a")
f:close()
"""


def run_wrk(args, url, body_file, script, duration):
    cmd = [WRK, "-t%d" % args.wrk_threads, "-c%d" % args.connections, "-d%ds" % duration,
           "--latency", "-s", script, url]
    env = dict(os.environ, BENCH_BODY_FILE=body_file)
    out = subprocess.run(pinned(cmd, args.client_cpu), capture_output=True, text=True, env=env,
                         timeout=duration + 60, **spawn_options())
    if out.returncode != 0:
        raise BenchError("wrk failed: " + (out.stderr or out.stdout)[-2000:])
    text = out.stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if not m:
        raise BenchError("cannot read wrk output:\n" + text)
    result = {"rps": float(m.group(1)), "non2xx": 0, "socket_errors": 0, "raw": text}
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if m:
        result["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        result["socket_errors"] = sum(int(g) for g in m.groups())
    for pct in ("50", "99"):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % pct, text, re.M)
        if m:
            scale = {"us": 1.0, "ms": 1000.0, "s": 1e6}[m.group(2)]
            result["p%s_us" % pct] = float(m.group(1)) * scale
    return result


def run_open_loop(args, port, path, body_file, rate, expect, ca_file):
    cmd = [args.load_client, "--port", str(port), "--path", path, "--body-file", body_file,
           "--rate", "%.0f" % rate, "--connections", str(args.open_connections),
           "--duration", str(args.open_duration), "--warmup", str(args.open_warmup),
           "--expect", expect, "--ca-file", ca_file]
    out = subprocess.run(pinned(cmd, args.client_cpu), capture_output=True, text=True,
                         timeout=args.open_duration + args.open_warmup + 60, **spawn_options())
    if out.returncode != 0:
        raise BenchError("webhook_load failed: " + (out.stderr or out.stdout)[-2000:])
    m = re.search(r"^RESULT (.*)$", out.stdout, re.M)
    if not m:
        raise BenchError("cannot read webhook_load output:\n" + out.stdout)
    result = {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    result["raw"] = out.stdout
    return result


# Sleeps 2 ms at a time on the servers' CPU and reports how late it woke. With --realtime it
# runs one priority above the servers, so it does not wait for them: a long oversleep while a
# server was measured is a stall of the machine (hypervisor, kernel, RT throttling), not of
# the server. Without --realtime it competes with everything and only hints.
STALL_PROBE = """
import sys, time
end = time.monotonic() + float(sys.argv[1])
worst, stalls = 0.0, 0
while True:
    before = time.monotonic()
    if before >= end:
        break
    time.sleep(0.002)
    late = time.monotonic() - before - 0.002
    worst = max(worst, late)
    stalls += late > 0.005
print("max_ms=%.1f stalls=%d" % (worst * 1000, stalls))
"""


def start_stall_probe(seconds, cpu):
    cmd = pinned([sys.executable, "-c", STALL_PROBE, str(seconds)], cpu)
    if BOOST["realtime"]:
        # pinned() put `chrt -f RT_PRIORITY` in front; the probe goes one above.
        i = cmd.index(CHRT)
        cmd[i + 2] = str(RT_PRIORITY + 1)
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, **spawn_options())


def read_stall_probe(proc):
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None
    m = re.search(r"max_ms=([\d.]+) stalls=(\d+)", out or "")
    return (float(m.group(1)), int(m.group(2))) if m else None


class RssSampler:
    """Polls VmRSS of a process while load runs; remembers the largest value seen."""

    def __init__(self, pid, interval=0.1):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, read_status_kb(self.pid, "VmRSS") or 0)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        return False


# ------------------------------------------------------------------------------------------


def token_review(token):
    return {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview",
            "metadata": {"creationTimestamp": None}, "spec": {"token": token}}


def subject_access_review(project_id):
    return {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
            "spec": {"user": "demo", "groups": [project_id],
                     "extra": {"alpha.kubernetes.io/identity/project/name": ["demo"],
                               "alpha.kubernetes.io/identity/project/id": [project_id],
                               "alpha.kubernetes.io/identity/roles": ["member"]},
                     "resourceAttributes": {"namespace": "demo", "verb": "list",
                                            "resource": "pods", "version": "v1"}}}


def verdict(ok):
    return "met" if ok else "MISSED"


def benchmark(args, procs, work):
    results = {"errors": []}
    log("== Keystone (harness; 15-40 s to start)")
    ks = Keystone()
    ks.start()
    try:
        project_id = ks.create_project("demo")
        user_id = ks.create_user("demo", "demo-pw", default_project_id=project_id)
        ks.assign_project_role(project_id, user_id, "member")
        token = ks.issue_project_token("demo", "demo-pw", "demo")
        return _benchmark_with_keystone(args, procs, work, ks, project_id, token, results)
    finally:
        ks.stop()


def _benchmark_with_keystone(args, procs, work, ks, project_id, token, results):
    server_cpu = None if args.no_pin else args.server_cpu
    if args.no_pin:
        args.client_cpu = None

    log("== gatehouse serve --threads 1")
    gh, gh_port, cert, key, ca = start_gatehouse(procs, args, work, ks.url, server_cpu)
    time.sleep(0.5)
    results["rss_idle_kb"] = read_status_kb(gh.pid, "VmRSS")

    tr_file = os.path.join(work, "tokenreview.json")
    sar_file = os.path.join(work, "sar.json")
    with open(tr_file, "w") as f:
        json.dump(token_review(token), f)
    with open(sar_file, "w") as f:
        json.dump(subject_access_review(project_id), f)

    # Warm the cache and check that both routes answer what is being measured.
    status, tr_answer = post(gh_port, "/webhook", token_review(token), ca)
    tr_status = json.loads(tr_answer).get("status", {})
    if status != 200 or tr_status.get("authenticated") is not True:
        raise BenchError("warm-up TokenReview not authenticated (HTTP %d): %s"
                         % (status, tr_status.get("error", "")))
    status, sar_answer = post(gh_port, "/authorize", subject_access_review(project_id), ca)
    if status != 200 or json.loads(sar_answer)["status"].get("allowed") is not True:
        raise BenchError("warm-up SubjectAccessReview not allowed: %s" % sar_answer)
    keystone_before = metric(gh_port, ca, "gatehouse_keystone_requests_total")
    results["rss_warm_kb"] = read_status_kb(gh.pid, "VmRSS")
    log("   TokenReview answer %d bytes, SubjectAccessReview answer %d bytes"
        % (len(tr_answer), len(sar_answer)))

    log("== nginx (1 worker, same certificate, static JSON of %d bytes)" % len(tr_answer))
    ngx, ngx_port = start_nginx(procs, work, cert, key, tr_answer, server_cpu)
    status, ngx_answer = post(ngx_port, "/", token_review("x"), ca)
    if status != 200 or len(ngx_answer) != len(tr_answer):
        raise BenchError("nginx answered %d with %d bytes" % (status, len(ngx_answer)))

    script = os.path.join(work, "post.lua")
    with open(script, "w") as f:
        f.write(WRK_SCRIPT)
    targets = [
        ("nginx", "https://127.0.0.1:%d/" % ngx_port, tr_file),
        ("tokenreview", "https://127.0.0.1:%d/webhook" % gh_port, tr_file),
        ("sar", "https://127.0.0.1:%d/authorize" % gh_port, sar_file),
    ]
    best = {}
    all_runs = {name: [] for name, _, _ in targets}
    log("== wrk -t%d -c%d -d%ds --latency, %d interleaved round(s), best round counts"
        % (args.wrk_threads, args.connections, args.duration, args.rounds))
    with RssSampler(gh.pid) as sampler:
        for r in range(args.rounds):
            for name, url, body in targets:
                res = run_wrk(args, url, body, script, args.duration)
                all_runs[name].append(res["rps"])
                log("   round %d %-12s %9.0f req/s  p50 %6.0f us  p99 %6.0f us%s"
                    % (r + 1, name, res["rps"], res.get("p50_us", 0), res.get("p99_us", 0),
                       "  non-2xx %d" % res["non2xx"] if res["non2xx"] else ""))
                if res["non2xx"]:
                    results["errors"].append("%s: %d non-2xx answers under wrk"
                                             % (name, res["non2xx"]))
                if res["socket_errors"]:
                    log("   (wrk socket errors: %d)" % res["socket_errors"])
                if name not in best or res["rps"] > best[name]["rps"]:
                    best[name] = res
        results["rss_after_wrk_kb"] = read_status_kb(gh.pid, "VmRSS")

        nginx_rps = best["nginx"]["rps"]
        rate = nginx_rps * 0.5
        results["open_rate"] = rate
        log("== open loop at 50%% of nginx = %.0f req/s, %d connections, %ss (+%ss warm-up)"
            % (rate, args.open_connections, args.open_duration, args.open_warmup))
        open_results = {}
        for name, port, path, body, expect in (
                ("nginx", ngx_port, "/", tr_file, '"authenticated":true'),
                ("tokenreview", gh_port, "/webhook", tr_file, '"authenticated":true'),
                ("sar", gh_port, "/authorize", sar_file, '"allowed":true')):
            probe = start_stall_probe(args.open_warmup + args.open_duration + 0.5, server_cpu)
            try:
                res = run_open_loop(args, port, path, body, rate, expect, ca)
            finally:
                res_probe = read_stall_probe(probe)
            res["probe"] = res_probe
            open_results[name] = res
            log("   %-12s achieved %7.0f req/s  p50 %6.0f  p99 %6.0f  p99.9 %6.0f  max %7.0f us"
                "  errors %d  client CPU %.0f%%"
                % (name, res["rate"], res["p50_us"], res["p99_us"], res["p999_us"],
                   res["max_us"], res["errors"], res.get("client_cpu", 0) * 100))
            if res_probe:
                log("   %-12s stall probe on the server CPU: longest oversleep %.1f ms, %d "
                    "oversleeps > 5 ms" % ("", res_probe[0], res_probe[1]))
            if res.get("client_cpu", 0) > 0.9:
                log("   note: the load client used %.0f%% of its CPU; part of the latency may "
                    "be its own" % (res["client_cpu"] * 100))
            if res["errors"] or res["unfinished"]:
                results["errors"].append("%s: %d wrong answers, %d unfinished under open-loop "
                                         "load" % (name, res["errors"], res["unfinished"]))
    results["rss_after_load_kb"] = read_status_kb(gh.pid, "VmRSS")
    results["rss_peak_sampled_kb"] = sampler.peak
    results["rss_hwm_kb"] = read_status_kb(gh.pid, "VmHWM")
    workers = children_of(ngx.pid)
    results["nginx_worker_rss_kb"] = read_status_kb(workers[0], "VmRSS") if workers else None
    keystone_after = metric(gh_port, ca, "gatehouse_keystone_requests_total")
    results["keystone_calls_during_load"] = keystone_after - keystone_before
    if keystone_after != keystone_before:
        log("   note: %d Keystone calls during load (the cache was not warm throughout)"
            % (keystone_after - keystone_before))

    if args.profile:
        profile(args, gh.pid, targets[1:], script)
    results.update(best=best, all_runs=all_runs, open=open_results)
    return results


def profile(args, pid, targets, script):
    """perf record of gatehouse during one more wrk run per route; reports go to args.profile."""
    os.makedirs(args.profile, exist_ok=True)
    for name, url, body in targets:
        data = os.path.join(args.profile, name + ".perf.data")
        log("== profiling %s -> %s" % (name, data))
        perf = subprocess.Popen(["perf", "record", "-q", "-F", "999", "--call-graph",
                                 "dwarf,16384", "-p", str(pid), "-o", data],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.5)
            run_wrk(args, url, body, script, min(args.duration, 4))
        finally:
            perf.send_signal(signal.SIGINT)
            perf.wait(60)
        for kind, extra in (("flat", ["--no-children", "-g", "none", "--sort", "dso,symbol"]),
                            ("children", ["--children", "-g", "none", "--sort", "symbol"])):
            with open(os.path.join(args.profile, "%s.%s.txt" % (name, kind)), "w") as out:
                subprocess.run(["perf", "report", "-i", data, "--stdio", "--percent-limit", "0.5"]
                               + extra, stdout=out, stderr=subprocess.DEVNULL, timeout=300)


def summary(args, r):
    best, op = r["best"], r["open"]
    nginx = best["nginx"]["rps"]
    lines = ["", "=" * 72, "SUMMARY  gatehouse serve --threads 1  vs  nginx (1 worker), HTTPS "
             "keep-alive", "  wrk -t%d -c%d -d%ds, best of %d round(s); servers on CPU %s, "
             "load on CPU %s" % (args.wrk_threads, args.connections, args.duration, args.rounds,
                                 "any" if args.no_pin else args.server_cpu,
                                 "any" if args.no_pin else args.client_cpu),
             "-" * 72]
    if args.boost:
        lines.insert(-1, "  servers and load generators boosted (--boost: autogroup nice %d)"
                     % BOOST_NICE)
    if args.realtime:
        lines.insert(-1, "  servers and load generators SCHED_FIFO %d (--realtime)"
                     % RT_PRIORITY)
    lines.append("  %-32s %10.0f req/s" % ("nginx static JSON", nginx))
    targets_met = True
    for name, label in (("tokenreview", "gatehouse TokenReview (warm)"),
                        ("sar", "gatehouse SubjectAccessReview")):
        ratio = best[name]["rps"] / nginx if nginx else 0.0
        ok = ratio >= RATIO_TARGET
        targets_met &= ok
        lines.append("  %-32s %10.0f req/s  ratio %.2f  (target >= %.2f: %s)"
                     % (label, best[name]["rps"], ratio, RATIO_TARGET, verdict(ok)))
    lines.append("  open loop at %.0f req/s (50%% of nginx), latency from scheduled send:"
                 % r["open_rate"])
    for name, label in (("tokenreview", "gatehouse TokenReview"),
                        ("sar", "gatehouse SubjectAccessReview"),
                        ("nginx", "nginx (baseline, no target)")):
        res = op[name]
        ok = res["p99_us"] < P99_TARGET_US
        if name != "nginx":
            targets_met &= ok
        lines.append("  %-32s p99 %7.0f us  (p50 %.0f, p99.9 %.0f, max %.0f)%s"
                     % (label, res["p99_us"], res["p50_us"], res["p999_us"], res["max_us"],
                        "" if name == "nginx" else "  target < %.0f: %s"
                        % (P99_TARGET_US, verdict(ok))))
        if res.get("probe"):
            lines.append("  %-32s   machine stalls meanwhile (probe on the server CPU): "
                         "longest %.1f ms, %d > 5 ms" % ("", res["probe"][0], res["probe"][1]))

    def mib(kb):
        return "%.1f MiB" % (kb / 1024.0) if kb else "n/a"
    lines.append("  gatehouse RSS: idle %s, after warm-up %s, peak under load %s (VmHWM %s), "
                 "after load %s" % (mib(r["rss_idle_kb"]), mib(r["rss_warm_kb"]),
                                    mib(r["rss_peak_sampled_kb"]), mib(r["rss_hwm_kb"]),
                                    mib(r["rss_after_load_kb"])))
    lines.append("  nginx worker RSS after load: %s" % mib(r["nginx_worker_rss_kb"]))
    lines.append("  Keystone calls during load: %d" % r["keystone_calls_during_load"])
    lines.append("  targets: %s" % ("all met" if targets_met else "NOT all met"))
    if r["errors"]:
        lines.append("  ERRORS: " + "; ".join(r["errors"]))
    lines.append("=" * 72)
    log("\n".join(lines))
    if args.json:
        slim = {k: v for k, v in r.items() if k not in ("best", "open")}
        slim["best"] = {k: {kk: vv for kk, vv in v.items() if kk != "raw"}
                        for k, v in best.items()}
        slim["open"] = {k: {kk: vv for kk, vv in v.items() if kk != "raw"}
                        for k, v in op.items()}
        with open(args.json, "w") as f:
            json.dump(slim, f, indent=2)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="short durations (about 1.5 minutes with Keystone start-up)")
    p.add_argument("--gatehouse", help="gatehouse binary (default: build/release/gatehouse)")
    p.add_argument("--load-client", help="webhook_load binary (default: found under build/)")
    p.add_argument("--connections", type=int, default=32, help="wrk connections")
    p.add_argument("--wrk-threads", type=int, default=1)
    p.add_argument("--duration", type=int, help="seconds per wrk run (default 8, quick 3)")
    p.add_argument("--rounds", type=int, help="interleaved wrk rounds (default 2, quick 1)")
    p.add_argument("--open-connections", type=int, default=8)
    p.add_argument("--open-duration", type=float, help="seconds measured (default 8, quick 3)")
    p.add_argument("--open-warmup", type=float, help="seconds not measured (default 2, quick 1)")
    p.add_argument("--server-cpu", type=int, default=0)
    p.add_argument("--client-cpu", type=int, default=1)
    p.add_argument("--no-pin", action="store_true", help="do not use taskset")
    p.add_argument("--boost", action="store_true",
                   help="run servers and load generators in their own sessions with autogroup "
                        "nice -15 (root), so other work on a shared machine disturbs the "
                        "measurement less")
    p.add_argument("--realtime", action="store_true",
                   help="run servers and load generators SCHED_FIFO (chrt -f %d, root): the "
                        "closest a shared machine gets to an idle one" % RT_PRIORITY)
    p.add_argument("--profile", metavar="DIR",
                   help="afterwards, record `perf record -g` of gatehouse during one more wrk run "
                        "per route and write perf reports into DIR")
    p.add_argument("--json", help="also write the results to this file")
    p.add_argument("--keep-temp", action="store_true", help="keep the scratch folder")
    args = p.parse_args()
    q = args.quick
    args.duration = args.duration or (3 if q else 8)
    args.rounds = args.rounds or (1 if q else 2)
    args.open_duration = args.open_duration or (3.0 if q else 8.0)
    args.open_warmup = args.open_warmup if args.open_warmup is not None else (1.0 if q else 2.0)
    args.gatehouse = args.gatehouse or first_existing(
        [os.path.join(REPO, "build", d, "gatehouse") for d in ("release", "h-bench")])
    args.load_client = args.load_client or first_existing(
        [os.path.join(REPO, "build", d, "bench", "webhook_load") for d in ("release", "h-bench")])
    if (os.cpu_count() or 1) < 2:
        args.no_pin = True
    return args


def _interrupt(*_):
    raise KeyboardInterrupt()


def main():
    args = parse_args()
    missing = [what for what, path in (("gatehouse (--gatehouse)", args.gatehouse),
                                       ("webhook_load (--load-client)", args.load_client),
                                       (WRK, WRK), (NGINX, NGINX))
               if not path or not os.access(path, os.X_OK)]
    if not args.no_pin and not os.access(TASKSET, os.X_OK):
        args.no_pin = True
    if args.boost:
        if not os.path.exists("/proc/self/autogroup") or os.geteuid() != 0:
            log("error: --boost needs root and /proc/self/autogroup")
            return 1
        BOOST["on"] = True
    if args.realtime:
        if os.geteuid() != 0 or not os.access(CHRT, os.X_OK):
            log("error: --realtime needs root and " + CHRT)
            return 1
        BOOST["realtime"] = True
    if missing:
        log("error: not found: " + ", ".join(missing))
        return 1
    procs = Processes()
    work = tempfile.mkdtemp(prefix="gatehouse-bench-")
    # SIGTERM (e.g. from a CI timeout) must still stop the servers: turn it into an exception.
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    try:
        results = benchmark(args, procs, work)
        summary(args, results)
        log("(%.0f s)" % (time.monotonic() - started))
        return 1 if results["errors"] else 0
    except (BenchError, subprocess.TimeoutExpired) as e:
        log("error: %s" % e)
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 1
    except Exception as e:  # noqa: BLE001 - e.g. KeystoneError: report, clean up, exit 1
        log("error: %s: %s" % (type(e).__name__, e))
        return 1
    finally:
        procs.stop_all()
        if args.keep_temp:
            log("scratch folder kept: " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
