# SPDX-License-Identifier: GPL-2.0
"""6. ns added per call for 10..10000 watched fds (select/poll/epoll)."""
from lib.config import TARGET_ADDED_NS
from lib.fmt import fmt_added, fmt_ns, fmt_ratio, med, table, verdict_max
from lib.paired import Paired, paired_rounds
from lib.procs import log
from lib.workload import run_loop

CALLS = {10: 1000000, 100: 200000, 1000: 20000, 10000: 1000}


def run(bench):
    if bench.quick:
        plan = [(m, n) for m in ("select", "poll", "epoll") for n in (10, 1000)]
    else:
        plan = [("select", n) for n in (10, 100, 1000)] + \
               [("poll", n) for n in (10, 100, 1000, 10000)] + \
               [("epoll", n) for n in (10, 100, 1000, 10000)]
    rounds = min(bench.rounds, 3)
    rows = []
    log("[6] scale: %d configurations x %d rounds" % (len(plan), rounds))
    for mode, n in plan:
        syscall = {"epoll": "epoll_wait"}.get(mode, mode)
        # epoll_wait costs the same whatever n is
        calls = bench.calls(1000000 if mode == "epoll" else CALLS[n])
        checks = set()

        def measure(v, r):
            res = run_loop(v, [mode, n, calls], syscall, "scale.%s.%d.%s.r%d" % (mode, n, v, r))
            if res and "check" in res:
                checks.add(res["check"])
            return res["ns"] / res["calls"] if res else None

        per = paired_rounds(["untraced", "iotrace"], rounds, measure)
        pv = Paired(per["iotrace"], per["untraced"])
        a = pv.added
        rows.append([mode, n, calls, fmt_ns(med(per["untraced"])),
                     fmt_ns(pv.value), fmt_added(a), pv.added_spread(), fmt_ratio(pv.ratio),
                     "%.1f ns" % (a / n) if a is not None else "n/a",
                     "; ".join(sorted(checks)), verdict_max(a, TARGET_ADDED_NS, fmt_ns)])
    bench.emit("### 6. Scale: watched fds, untraced vs iotrace\n\n"
               "Timeout-0 calls on N idle fds (select up to 1000: FD_SETSIZE is 1024). "
               "%d rounds, medians of per-round pairs. Result: against the 10-fd budget of "
               "+%d ns/call (the issue sets no per-fd target; shown to locate the cost).\n\n"
               % (rounds, TARGET_ADDED_NS) + table(
                   ["Call", "Fds", "Calls/run", "Untraced", "iotrace", "Added/call",
                    "Added range", "Ratio", "Added per fd", "Counted", "vs +150 ns"], rows))
