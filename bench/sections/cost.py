# SPDX-License-Identifier: GPL-2.0
"""7. diagnostic: iotrace's BPF program run time per syscall (bpf_stats)."""
import os
import signal
import time

from lib.fmt import fmt_added, fmt_ns, table
from lib.procs import BenchError, log, read_log, reap, stop, wait_marker
from lib.tools import TOOLS, prog_stats
from lib.workload import parse_result, run_loop, start_waiting

STATS_PATH = "/proc/sys/kernel/bpf_stats_enabled"


def traced_with_stats(mode, n, calls, tag, old):
    """One traced loop with bpf_stats on: (result, stats 1 s before the
    loop, at its start, at its end, and the matching times)."""
    target = start_waiting(["--hold", mode, n, calls], tag + ".muxloop.log")
    p = None
    try:
        with open(STATS_PATH, "w") as f:
            f.write("1")
        p = TOOLS["iotrace"].start(target.target_pid, tag)
        # background: the programs also run for every other process
        t0, s0 = time.monotonic(), prog_stats(p.pid)
        time.sleep(1.0)
        t1, s1 = time.monotonic(), prog_stats(p.pid)
        os.kill(target.pid, signal.SIGUSR1)
        wait_marker(target, r"^calls \d+", 600, "muxloop")
        t2, s2 = time.monotonic(), prog_stats(p.pid)
        return parse_result(read_log(target)), (s0, s1, s2), (t0, t1, t2)
    finally:
        with open(STATS_PATH, "w") as f:
            f.write(old)
        if target.returncode is None:
            os.kill(target.pid, signal.SIGUSR1)
            reap(target, 10)
        if p is not None:
            stop(p)


def per_program(res, stats, times):
    """(BPF ns per loop call, ["name mean ns x runs/call", ...]) with the
    background rate (the 1 s before the loop) subtracted."""
    (s0, s1, s2), (t0, t1, t2) = stats, times
    scale = (t2 - t1) / (t1 - t0)
    parts, prog_ns = [], 0.0
    for pid_, (name, rt2, rc2) in sorted(s2.items(), key=lambda kv: kv[1][0]):
        _, rt1, rc1 = s1.get(pid_, (name, 0, 0))
        _, rt0, rc0 = s0.get(pid_, (name, 0, 0))
        t = (rt2 - rt1) - (rt1 - rt0) * scale
        cnt = (rc2 - rc1) - (rc1 - rc0) * scale
        if cnt < 0.01 * res["calls"]:
            continue	# e.g. sched_* programs: the loop never sleeps
        prog_ns += t / res["calls"]
        parts.append("%s %.0f ns x %.2f" % (name, t / cnt, cnt / res["calls"]))
    return prog_ns, parts


def run(bench):
    calls = bench.calls()
    rows = []
    log("[7] cost breakdown: kernel.bpf_stats_enabled=1 for one run per loop")
    try:
        with open(STATS_PATH) as f:
            old = f.read().strip()
    except OSError:
        bench.emit("### 7. Where iotrace's cost goes\n\nSKIPPED: no " + STATS_PATH)
        return
    plan = (("poll", 10),) if bench.quick else \
        (("poll", 10), ("select", 10), ("epoll", 10), ("poll", 1000))
    for mode, n in plan:
        c = calls if n == 10 else calls // 10
        tag = "cost.%s.%d" % (mode, n)
        base = run_loop("untraced", [mode, n, c], mode, tag + ".untraced")
        try:
            res, stats, times = traced_with_stats(mode, n, c, tag, old)
        except BenchError as e:
            log("  cost %s: %s" % (tag, e))
            continue
        prog_ns, parts = per_program(res, stats, times)
        added = res["ns"] / res["calls"] - base["ns"] / base["calls"] if base else None
        rows.append(["%s, %d fds" % (mode, n),
                     fmt_ns(base["ns"] / base["calls"]) if base else "n/a",
                     fmt_added(added), fmt_ns(prog_ns), "; ".join(parts),
                     fmt_added(added - prog_ns) if added is not None else "n/a"])
    bench.emit("### 7. Where iotrace's cost goes (diagnostic, one run each)\n\n"
               "kernel.bpf_stats_enabled=1 during the traced run (it adds two clock reads "
               "per program run, so \"Added\" here is a little above section 1). Program run "
               "time and run count are read from /proc/PID/fdinfo before and after the loop; "
               "the runs of other processes, measured over 1 s before the loop, are "
               "subtracted. \"BPF programs\" = that run time / loop calls; per program: mean "
               "ns per run x runs per loop call. \"Rest\" = Added - BPF programs: the price "
               "of having any program on the syscall tracepoints (the syscall slow path, the "
               "tracepoint and BPF trampoline) and of cache misses the programs cause.\n\n" +
               table(["Loop", "Untraced/call", "Added/call", "BPF programs/call",
                      "Per program (mean ns/run x runs/call)", "Rest"], rows))
