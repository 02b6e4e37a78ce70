# SPDX-License-Identifier: GPL-2.0
"""5. start to "attached" and to first counted call; peak RSS, BPF maps."""
import os
import signal
import time

from lib.config import LOGS, MUXLOOP, TARGET_ATTACH_S, TARGET_MEM_MIB
from lib.fmt import med, table, verdict_max
from lib.procs import BenchError, log, read_log, reap, spawn, stop, stop_all, wait_marker
from lib.tools import TOOLS, fdinfo_bpf, vm_hwm_kib
from lib.workload import parse_result


def secs(x):
    return "%.3f s" % x


def first_counted_ns(stamps, first_idx):
    """When call first_idx ran, interpolated in muxloop's "calls ns" stamps."""
    with open(stamps) as f:
        st = [tuple(map(int, l.split())) for l in f if l.strip()]
    for (i0, n0), (i1, n1) in zip(st, st[1:]):
        if i0 <= first_idx <= i1:
            return n0 + (n1 - n0) * (first_idx - i0) / max(i1 - i0, 1)
    raise BenchError("first counted call %d not in the stamps" % first_idx)


def one_attach(bench, tool, tag):
    stamps = os.path.join(LOGS, tag + ".stamps")
    window_ms = 4000 if bench.quick else 6000
    w = spawn([MUXLOOP, "--hold", "--for-ms", window_ms, "--stamps", stamps,
               "poll", 10, 0], tag + ".muxloop.log")
    p = None
    try:
        time.sleep(0.3)
        t0 = time.monotonic_ns()
        p = tool.start(w.pid, tag)
        attach_s = p.attach_s
        maps, progs = fdinfo_bpf(p.pid)
        map_bytes = sum(int(m.get("memlock", 0)) for m in maps.values())
        prog_bytes = sum(int(m.get("memlock", 0)) for m in progs.values())
        wait_marker(w, r"^calls \d+", window_ms / 1000 + 60, "muxloop")
        res = parse_result(read_log(w))
        # peak RSS while tracing; ru_maxrss would count the forked python
        hwm = vm_hwm_kib(p.pid)
        os.kill(w.pid, signal.SIGUSR1)
        reap(w, 10)
        counts = tool.finish(p)
        p = None
        counted = counts.get("poll", 0)
        if not counted:
            raise BenchError("%s counted no call" % tool.name)
        t_first = first_counted_ns(stamps, res["calls"] - counted)
        return attach_s, (t_first - t0) / 1e9, hwm, map_bytes, prog_bytes
    finally:
        if p is not None:
            stop(p)
        stop_all(w)


def run(bench):
    rounds = min(bench.rounds, 3)
    rows = []
    log("[5] attach time and memory: %d rounds per tool" % rounds)
    for v in bench.tools:
        tool = TOOLS[v]
        got = []
        for r in range(rounds):
            try:
                got.append(one_attach(bench, tool, "attach.%s.r%d" % (v, r)))
            except BenchError as e:
                log("  %s: %s" % (v, e))
        a, f, hwm, mb, pb = (med([g[i] for g in got]) for i in range(5))
        total_mib = (hwm or 0) / 1024 + (mb or 0) / 2**20 + (pb or 0) / 2**20
        if v == "iotrace":
            bench.target("5. attach: start to \"Tracing PID\"", secs(a) if a else "n/a",
                         verdict_max(a, TARGET_ATTACH_S, secs))
            bench.target("5. attach: start to first counted call", secs(f) if f else "n/a",
                         verdict_max(f, TARGET_ATTACH_S, secs))
            bench.target("5. memory: peak RSS + BPF maps + programs", "%.1f MiB" % total_mib,
                         verdict_max(total_mib, TARGET_MEM_MIB, lambda x: "%.1f MiB" % x))
        rows.append([tool.label, secs(a) if a is not None else "no message",
                     secs(f) if f is not None else "n/a",
                     "%.1f MiB" % (hwm / 1024) if hwm else "n/a",
                     "%.1f MiB" % (mb / 2**20) if tool.bpf and mb is not None else "-",
                     "%.0f KiB" % (pb / 1024) if tool.bpf and pb is not None else "-",
                     "%.1f MiB" % total_mib])
    bench.emit("### 5. Attach time and memory\n\n"
               "Target: muxloop polling 10 fds in a loop (timeout 0) for a few seconds, "
               "recording a timestamp every 256 calls. Each tool is started on it by pid "
               "0.3 s into the loop. \"Ready\" = tool start to its readiness message; "
               "\"first call\" = tool start to the first call the tool counted (the loop "
               "made N calls, the tool counted C, so the first counted one is call N-C, "
               "located in the timestamps). Peak RSS = the tool's VmHWM after the loop, while "
               "it still traces the (held) target; BPF bytes = memlock of the maps and "
               "programs it holds (/proc/PID/fdinfo, read while it traces). %d rounds, "
               "medians.\n\n" % rounds + table(
                   ["Tool", "Ready", "First call", "Peak RSS", "BPF maps", "BPF progs",
                    "Total"], rows))
