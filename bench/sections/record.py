# SPDX-License-Identifier: GPL-2.0
"""9. -w: ns added per traced call by recording over the live mode, bytes per
event and MB/s written at the capacity rate (doc/capture-format.md)."""
import os
import re

from lib.config import LOGS
from lib.fmt import fmt_added, fmt_ns, table, verdict_max
from lib.paired import Paired, paired_rounds
from lib.procs import BenchError, log
from lib.tools import TOOLS, Iotrace
from lib.workload import run_loop
from sections import cost

TARGET_RECORD_NS = 100		# the issue: -w at most +100 ns per traced call
EVENT_BYTES = 56		# struct rec_call (bpf/record.h)


class IotraceRecord(Iotrace):
    """iotrace -p PID -j FILE -w CAPTURE: the live tool, recording."""
    name, label = "iotrace-w", "iotrace -w"
    stats = {}		# tag: (calls recorded, calls dropped, capture bytes)

    def cap_path(self, tag):
        return os.path.join(LOGS, "%s.capture.gz" % tag)

    def argv(self, pid, tag):
        return super().argv(pid, tag) + ["-w", self.cap_path(tag)]

    def counts(self, text, tag):
        m = re.search(r"recorded (\d+) calls", text)
        d = re.search(r"(\d+) of (\d+) calls not recorded", text)
        path = self.cap_path(tag)
        size = os.path.getsize(path) if os.path.exists(path) else None
        self.stats[tag] = (int(m.group(1)) if m else None, int(d.group(1)) if d else 0, size)
        if size is not None:
            os.unlink(path)		# MBs per run: keep the logs small
        return super().counts(text, tag)


TOOLS["iotrace-w"] = IotraceRecord()


def mbs(nbytes, ns):
    return "%.1f MB/s" % (nbytes / ns * 1e3) if nbytes and ns else "n/a"


def per_call_cost(bench):
    """Paired rounds of untraced, live and recording on poll(10 fds)."""
    variants = ["untraced", "iotrace", "iotrace-w"]
    calls = bench.calls()

    def measure(v, r):
        res = run_loop(v, ["poll", 10, calls], "poll", "record.%s.r%d" % (v, r))
        return res["ns"] / res["calls"] if res else None

    log("[9] -w per-call cost, poll on 10 fds: %d rounds of %s" % (
        bench.rounds, ", ".join(variants)))
    per = paired_rounds(variants, bench.rounds, measure)
    live, rec = Paired(per["iotrace"], per["untraced"]), Paired(per["iotrace-w"], per["untraced"])
    over = Paired(per["iotrace-w"], per["iotrace"])
    verdict = verdict_max(over.added, TARGET_RECORD_NS, fmt_ns)
    bench.target("9. ns added per traced call by -w over live", fmt_added(over.added), verdict)
    rows = [["untraced", fmt_ns(med_of(per["untraced"])), "", ""],
            ["iotrace (live)", fmt_ns(live.value), fmt_added(live.added), live.added_spread()],
            ["iotrace -w", fmt_ns(rec.value), fmt_added(rec.added), rec.added_spread()],
            ["-w over live", "", fmt_added(over.added), over.added_spread()]]
    return rows, verdict


def med_of(xs):
    xs = sorted(x for x in xs if x is not None)
    return xs[len(xs) // 2] if xs else None


def capacity_rate(bench):
    """Threads hammering poll under -w: events/s, drops, bytes and MB/s written."""
    rows = []
    per_thread = 100000 if bench.quick else 500000
    for threads in (1, 2):
        tag = "record.capacity.t%d" % threads
        res = run_loop("iotrace-w", ["--threads", threads, "poll", 10, per_thread], "poll", tag)
        st = IotraceRecord.stats.get(tag)
        if not res or not st or not st[0]:
            rows.append(["%d x %d" % (threads, per_thread), "failed", "", "", "", "", ""])
            continue
        recorded, dropped, size = st
        rate = res["counts"].get("poll", 0) / res["ns"] * 1e9
        rows.append(["%d thread%s x %d" % (threads, "s" if threads > 1 else "", per_thread),
                     "%.2f M/s" % (rate / 1e6), "%d of %d" % (dropped, recorded + dropped),
                     "%.1f" % (size / recorded), mbs(size, res["ns"]),
                     mbs(recorded * EVENT_BYTES, res["ns"]), res["check"]])
    return rows


def bpf_ns(bench):
    """BPF program time per poll call, live and -w (section 7's method, bpf_stats on)."""
    try:
        with open(cost.STATS_PATH) as f:
            old = f.read().strip()
    except OSError:
        return None
    calls, per = bench.calls(), {"iotrace": [], "iotrace-w": []}
    saved = TOOLS["iotrace"]
    for r in range(min(bench.rounds, 3)):
        for v in ("iotrace", "iotrace-w"):
            TOOLS["iotrace"] = TOOLS[v]	# traced_with_stats runs TOOLS["iotrace"]
            try:
                res, stats, times = cost.traced_with_stats("poll", 10, calls,
                                                           "record.bpf.%s.r%d" % (v, r), old)
                per[v].append(cost.per_program(res, stats, times)[0])
            except BenchError as e:
                log("  record bpf %s: %s" % (v, e))
            finally:
                TOOLS["iotrace"] = saved
    if not per["iotrace"] or not per["iotrace-w"]:
        return None
    return med_of(per["iotrace"]), Paired(per["iotrace-w"], per["iotrace"])


def run(bench):
    cost_rows, verdict = per_call_cost(bench)
    prog = bpf_ns(bench)
    if prog:
        live, rec = prog
        cost_rows.append(["BPF programs: live", fmt_ns(live), "", ""])
        cost_rows.append(["BPF programs: -w", fmt_ns(rec.value), fmt_added(rec.added),
                          rec.added_spread()])
    cap = capacity_rate(bench)
    bench.emit("### 9. Recording (-w): cost per call and bytes written\n\n"
               "Per call: poll() on 10 idle fds, timeout 0, %d rounds, each variant once per "
               "round (order rotated); added = median of per-round differences. \"-w over "
               "live\" pairs each round's -w run with its live run. Target: -w adds at most "
               "+%d ns over live: %s.\n\n" % (bench.rounds, TARGET_RECORD_NS, verdict) +
               table(["Variant", "ns/call", "Added/call", "Added range"], cost_rows) +
               "\n\nThe BPF programs rows: their run time per loop call (bpf_stats on, "
               "section 7's method, up to 3 rounds): what -w adds inside the kernel; the "
               "rest of \"-w over live\" is the drain thread's share of the CPUs." +
               "\n\nAt the capacity rate: N threads making poll() calls at once, traced with "
               "-w. Bytes/event: the gzip capture's size / calls recorded (the final "
               "snapshot included); MB/s: bytes written / loop time, compressed and as "
               "the %d-byte records before zlib.\n\n" % EVENT_BYTES +
               table(["Workload", "Traced calls/s", "Not recorded", "Bytes/event (gzip)",
                      "Written (gzip)", "Records (raw)", "Count check"], cap))
