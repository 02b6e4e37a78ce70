# SPDX-License-Identifier: GPL-2.0
"""2. ns added per call of a process the tool does NOT trace."""
from lib.config import TARGET_OTHERS_NS
from lib.fmt import fmt_added, fmt_ns, fmt_ratio, table, verdict_max
from lib.paired import pair_all, paired_rounds
from lib.procs import log
from lib.tools import label
from lib.workload import loop_beside


def run(bench):
    variants = ["untraced"] + bench.tools
    calls = bench.calls()
    log("[2] cost on untraced processes: %d rounds" % bench.rounds)
    pairs = pair_all(paired_rounds(variants, bench.rounds, lambda v, r: loop_beside(
        v, ["poll", 10, calls], "others.%s.r%d" % (v, r))))
    rows = []
    for v in variants:
        pv = pairs[v]
        tgt = verdict = ""
        if v == "iotrace":
            tgt = "<= +%d ns" % TARGET_OTHERS_NS
            verdict = verdict_max(pv.added, TARGET_OTHERS_NS, fmt_ns)
            bench.target("2. ns added per call of an untraced process", fmt_added(pv.added),
                         verdict)
        base = v == "untraced"
        rows.append([label(v), fmt_ns(pv.value), "" if base else fmt_added(pv.added),
                     "" if base else pv.added_spread(), fmt_ratio(pv.ratio), tgt, verdict])
    bench.emit("### 2. Cost on processes that are not traced\n\n"
               "poll() on 10 fds, %d calls, in a process the tool does NOT trace, while the "
               "tool traces another, idle process (blocked in sigwaitinfo). %d rounds, "
               "medians of per-round pairs.\n\n" % (calls, bench.rounds) + table(
                   ["Variant", "ns/call", "Added/call", "Added range", "Ratio", "Target",
                    "Result"], rows))
