# SPDX-License-Identifier: GPL-2.0
"""10. A real nginx (Debian's, 2 workers, sendfile on, a 64 KiB static file)
under wrk: requests/s untraced, with the floor on both workers, with
iotrace -f -p MASTER and with iotrace --light, in paired rounds. Throughput
kept is relative to the untraced run of the same round, and to the floor's."""
import json
import os
import re
import shutil
import signal
import socket
import tempfile
import time

from lib.config import FLOOR, IOTRACE, LOGS
from lib.fmt import fmt_pct, spread, table
from lib.paired import fast_mode, paired_rounds
from lib.procs import BenchError, log, reap, spawn, stop, wait_marker

NGINX, WRK = "/usr/sbin/nginx", "/usr/bin/wrk"
VARIANTS = ["untraced", "floor", "iotrace", "iotrace-light"]
LABELS = {"untraced": "untraced", "floor": "floor (empty tp_btf pair, both workers)",
          "iotrace": "iotrace -f -p MASTER", "iotrace-light": "iotrace -f --light"}
FILE_SIZE = 64 * 1024
CONF = """worker_processes 2;
user root;
pid %(dir)s/nginx.pid;
events { worker_connections 1024; }
http {
    access_log %(dir)s/access.log;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path %(dir)s/tmp;
    proxy_temp_path %(dir)s/tmp;
    fastcgi_temp_path %(dir)s/tmp;
    uwsgi_temp_path %(dir)s/tmp;
    scgi_temp_path %(dir)s/tmp;
    server { listen 127.0.0.1:%(port)d; root %(dir)s/www; }
}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workers_of(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def start_nginx(d, tag):
    """nginx in the foreground from a config in d: (process, port, workers)."""
    port = free_port()
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(CONF % {"dir": d, "port": port})
    p = spawn([NGINX, "-c", os.path.join(d, "nginx.conf"), "-p", d, "-e",
               os.path.join(d, "error.log"), "-g", "daemon off;"], tag + ".nginx.log")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ws = workers_of(p.pid)
        if len(ws) == 2:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return p, port, ws
            except OSError:
                pass
        if reap(p, 0.0):
            break
        time.sleep(0.02)
    stop(p, signal.SIGKILL, 1)
    raise BenchError("nginx did not start (see %s)" % p.logpath)


def tracer_argv(v, master, workers, tag):
    if v == "floor":
        return [FLOOR, "-p", workers[0], "-p", workers[1]]
    argv = [IOTRACE, "-f", "-p", master, "-j", os.path.join(LOGS, tag + ".iotrace.json")]
    return argv + (["--light"] if v == "iotrace-light" else [])


def one_run(v, d, secs, tag):
    """req/s of one wrk run against a fresh nginx with variant v attached."""
    srv, port, ws = start_nginx(d, tag)
    tr = None
    try:
        if v != "untraced":
            tr = spawn(tracer_argv(v, srv.pid, ws, tag), tag + ".tracer.log")
            wait_marker(tr, r"Tracing PID", 30, v)
        w = spawn([WRK, "-t1", "-c50", "-d%ds" % secs, "http://127.0.0.1:%d/f64k" % port],
                  tag + ".wrk.log")
        if not reap(w, secs + 30):
            stop(w, signal.SIGKILL, 1)
            raise BenchError("wrk did not finish")
        out = stop(w)
        m = re.search(r"Requests/sec:\s+([\d.]+)", out)
        if not m:
            raise BenchError("wrk printed no rate: " + out[-300:])
        if tr is not None:
            stop(tr)
            tr = None
            if v.startswith("iotrace"):
                with open(os.path.join(LOGS, tag + ".iotrace.json")) as f:
                    rep = json.load(f)
                if sum(rep["drops"].values()):
                    log("    %s: drops %s" % (tag, rep["drops"]))
        return float(m.group(1))
    finally:
        if tr is not None:
            stop(tr, signal.SIGKILL, 1)
        stop(srv, signal.SIGQUIT, 10)


def run(bench):
    if not (os.access(NGINX, os.X_OK) and os.access(WRK, os.X_OK)):
        bench.notes.append("nginx or wrk not installed: section nginx skipped "
                           "(scripts/install-deps)")
        return
    secs = 3 if bench.quick else 5
    d = tempfile.mkdtemp(prefix="iotrace-bench-nginx.")
    os.makedirs(os.path.join(d, "www"))
    os.makedirs(os.path.join(d, "tmp"))
    with open(os.path.join(d, "www", "f64k"), "wb") as f:
        f.write(os.urandom(FILE_SIZE))
    rounds = bench.rounds_at_least(9)
    log("[10] nginx: %d rounds of %s, wrk -t1 -c50 -d%ds" % (
        rounds, ", ".join(VARIANTS), secs))
    try:
        one_run("untraced", d, 1, "nginx.warmup")
        per = paired_rounds(VARIANTS, rounds, lambda v, r: one_run(
            v, d, secs, "nginx.%s.r%d" % (v, r)))
    finally:
        shutil.rmtree(d, ignore_errors=True)
    fast = {v: fast_mode(per[v], high=True) for v in VARIANTS}

    def kept(v, base="untraced"):
        return fast[v] / fast[base] if fast[v] and fast[base] else None

    rows = [[LABELS[v], "%.0f" % fast[v] if fast[v] else "n/a",
             spread(per[v], lambda x: "%.0f" % x),
             "" if v == "untraced" else fmt_pct(kept(v)),
             "" if v in ("untraced", "floor") else fmt_pct(kept(v, "floor"))]
            for v in VARIANTS]
    for v in ("iotrace", "iotrace-light"):
        bench.target("10. nginx req/s kept, %s" % LABELS[v],
                     "%s (%s of the floor's)" % (fmt_pct(kept(v)), fmt_pct(kept(v, "floor"))),
                     "floor keeps %s" % fmt_pct(kept("floor")))
    bench.emit("### 10. nginx under wrk\n\n"
               "Debian's nginx, 2 workers, sendfile on, access log on, a 64 KiB static "
               "file; `wrk -t1 -c50 -d%ds` on 127.0.0.1, a fresh nginx per run. The floor "
               "(bench/bin/floor -p W1 -p W2) filters both workers; iotrace runs as "
               "`iotrace -f -p MASTER` (master and workers). %d rounds, each variant once "
               "per round (order rotated). req/s: the fast mode, the median of a "
               "variant's fastest third of runs (wrk and nginx share 2 CPUs, and whole "
               "runs move by 15%%; section 8 says why); \"Runs\" shows them all. "
               "\"Kept\" = req/s / untraced req/s, \"Kept vs floor\" = req/s / the "
               "floor's req/s (derived).\n\n" % (secs, rounds) + table(
                   ["Variant", "req/s", "Runs", "Kept", "Kept vs floor"], rows))
