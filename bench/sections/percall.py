# SPDX-License-Identifier: GPL-2.0
"""1. ns added per traced poll()/select() call on 10 idle fds, per tool."""
from lib.config import REFERENCE_ADDED_NS, TARGET_ADDED_NS
from lib.fmt import fmt_added, fmt_ns, fmt_ratio, table, verdict_max
from lib.paired import pair_all, paired_rounds
from lib.procs import log
from lib.tools import label
from lib.workload import run_loop


def calls_for(bench, tool):
    base = bench.calls()
    if tool == "strace":
        return base // 50		# ~100 us a call: 20k calls ~2.5 s
    if tool == "perf":
        return base // 10		# ~30 us a call
    return base


def run(bench):
    variants = ["untraced"] + bench.tools
    for syscall in ("poll", "select"):
        checks = {v: set() for v in variants}

        def measure(v, r):
            res = run_loop(v, [syscall, 10, calls_for(bench, v)], syscall,
                           "percall.%s.%s.r%d" % (syscall, v, r))
            if res is None:
                checks[v].add("error (see bench/logs)")
                return None
            if "check" in res:
                checks[v].add(res["check"])
            return res["ns"] / res["calls"]

        log("[1] per-call cost, %s on 10 fds: %d rounds of %s" % (
            syscall, bench.rounds, ", ".join(variants)))
        run_loop("untraced", [syscall, 10, 20000], syscall, "warmup")
        pairs = pair_all(paired_rounds(variants, bench.rounds, measure))
        rows = []
        for v in variants:
            pv = pairs[v]
            tgt, verdict = "", ""
            if v == "iotrace":
                tgt = "<= +%d ns" % TARGET_ADDED_NS
                verdict = verdict_max(pv.added, TARGET_ADDED_NS, fmt_ns)
                bench.target("1. ns added per traced %s() call (10 fds)" % syscall,
                             fmt_added(pv.added), verdict)
            elif v in REFERENCE_ADDED_NS and syscall == "poll":
                tgt = "issue: %s" % fmt_added(REFERENCE_ADDED_NS[v])
            base = v == "untraced"
            rows.append([label(v), calls_for(bench, v), fmt_ns(pv.value),
                         "" if base else fmt_added(pv.added),
                         "" if base else pv.added_spread(), fmt_ratio(pv.ratio),
                         "; ".join(sorted(checks[v])) or "-", tgt, verdict])
        bench.emit("### 1. Per-call cost: %s() on 10 idle fds, timeout 0\n\n"
                   "%d rounds; per round each variant once (order rotated); median of "
                   "per-round values, each paired with that round's untraced run. "
                   "\"Added\" = traced ns/call - untraced ns/call.\n\n" % (
                       syscall, bench.rounds) + table(
            ["Variant", "Calls/run", "ns/call", "Added/call", "Added range",
             "Ratio", "Counted", "Target / reference", "Result"], rows))
