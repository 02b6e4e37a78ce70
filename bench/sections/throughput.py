# SPDX-License-Identifier: GPL-2.0
"""3. req/s of servers/bin/epoll under loadgen/bin/loadgen, untraced vs traced."""
import json
import os
import signal
import subprocess

from lib.config import EPOLL_SERVER, LOADGEN, LOADGEN_DIR, LOGS, SERVERS, TARGET_THROUGHPUT
from lib.fmt import fmt_pct, table, verdict_min
from lib.paired import pair_all, paired_rounds
from lib.procs import BenchError, log, read_log, reap, spawn, stop, wait_marker
from lib.tools import TOOLS, label

EPOLL_WAITS = ("epoll_wait", "epoll_pwait", "epoll_pwait2")


def servers_built():
    return os.access(LOADGEN, os.X_OK) and os.access(EPOLL_SERVER, os.X_OK)


def one_load(v, tag, secs):
    """One loadgen run on a fresh server: (req/s, check text)."""
    srv = spawn([EPOLL_SERVER, "-p", "0"], tag + ".server.log")
    p = None
    try:
        m, _ = wait_marker(srv, r"listening on 127\.0\.0\.1:(\d+)", 10, "epoll server")
        port = m.group(1)
        if v != "untraced":
            p = TOOLS[v].start(srv.pid, tag)
        jpath = os.path.join(LOGS, tag + ".loadgen.json")
        lg = spawn([LOADGEN, "-c", "1000", "-a", "100", "-d", str(secs), "-p", port,
                    "-j", jpath], tag + ".loadgen.log")
        if not reap(lg, secs + 60):
            stop(lg, signal.SIGKILL)
            raise BenchError("loadgen did not finish")
        try:
            with open(jpath) as f:
                res = json.load(f)
        except (OSError, ValueError):
            raise BenchError("loadgen wrote no JSON: " + read_log(lg)[-300:])
        errors = res.get("errors", 0)
        if isinstance(errors, dict):
            errors = sum(errors.values())
        check = "errors %d" % errors
        if p is not None:
            counts = TOOLS[v].finish(p, target_ended=False)
            p = None
            seen = sum(n for k, n in counts.items() if k in EPOLL_WAITS)
            check = ("epoll waits seen" if seen else "NO epoll waits seen") + ", " + check
        return res["req_per_s"], check
    finally:
        if p is not None:
            stop(p)
        stop(srv, signal.SIGTERM, 5)


def run(bench):
    if not servers_built():
        log("[3] building servers/ and loadgen/ (make -C servers, make -C loadgen)")
        for d in (SERVERS, LOADGEN_DIR):
            subprocess.run(["make", "-s", "-C", d], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    if not servers_built():
        msg = ("SKIPPED: servers/bin/epoll or loadgen/bin/loadgen is missing "
               "(make -C servers or make -C loadgen did not build them)")
        log("[3] " + msg)
        bench.emit("### 3. Throughput kept\n\n" + msg)
        bench.target("3. throughput kept (epoll server)", "not measured", "SKIPPED")
        return
    variants = ["untraced"] + bench.tools
    secs = 2 if bench.quick else 4
    rounds = min(bench.rounds, 3)
    checks = {v: set() for v in variants}

    def measure(v, r):
        try:
            val, check = one_load(v, "throughput.%s.r%d" % (v, r), secs)
        except BenchError as e:
            log("  %s: %s" % (v, e))
            val, check = None, "error (see bench/logs)"
        checks[v].add(check)
        return val

    log("[3] throughput: %d rounds x %d variants x %d s" % (rounds, len(variants), secs))
    pairs = pair_all(paired_rounds(variants, rounds, measure))
    rows = []
    for v in variants:
        pv = pairs[v]
        tgt = verdict = ""
        if v == "iotrace":
            tgt = ">= %.0f%%" % (TARGET_THROUGHPUT * 100)
            verdict = verdict_min(pv.ratio, TARGET_THROUGHPUT,
                                  lambda x: "%.1f points" % (x * 100))
            bench.target("3. throughput kept (epoll server, loadgen)", fmt_pct(pv.ratio),
                         verdict)
        rows.append([label(v), "%.0f" % pv.value if pv.value else "n/a", fmt_pct(pv.ratio),
                     "; ".join(sorted(checks[v])), tgt, verdict])
    bench.emit("### 3. Throughput kept: epoll server (echo) under loadgen\n\n"
               "servers/bin/epoll -p 0, driven by loadgen -c 1000 -a 100 -d %d (closed loop); "
               "a fresh server per run, the tool attached to it by pid before the load "
               "starts. %d rounds, median of per-round ratios to untraced.\n\n" % (
                   secs, rounds) + table(
                       ["Variant", "req/s", "Kept", "Server calls seen / loadgen errors",
                        "Target", "Result"], rows))
