# SPDX-License-Identifier: GPL-2.0
"""4. traced calls/s with zero drops: threads hammering poll, and thread churn."""
from lib.config import TARGET_RATE
from lib.fmt import med, table, verdict_min
from lib.paired import Paired, paired_rounds
from lib.procs import log
from lib.workload import run_loop


def mps(rate):
    return "%.2f M/s" % (rate / 1e6) if rate else "n/a"


def run(bench):
    per_thread = 100000 if bench.quick else 500000
    rounds = min(bench.rounds, 3)
    rows = []
    best = None
    log("[4] capacity: 1, 2, 4, 8 threads x %d polls, %d rounds" % (per_thread, rounds))
    for threads in (1, 2, 4, 8):
        wl = ["--threads", threads, "poll", 10, per_thread]
        checks = set()

        def measure(v, r):
            res = run_loop(v, wl, "poll", "capacity.t%d.%s.r%d" % (threads, v, r))
            if res is None:
                checks.add("error")
                return None
            if v == "untraced":
                return res["calls"] / res["ns"] * 1e9
            checks.add(res["check"])
            return res["counts"].get("poll", 0) / res["ns"] * 1e9

        per = paired_rounds(["untraced", "iotrace"], rounds, measure)
        pv = Paired(per["iotrace"], per["untraced"])
        base = med(per["untraced"])
        if checks == {"ok"} and pv.value and (best is None or pv.value > best):
            best = pv.value
        rows.append(["%d thread%s x %d" % (threads, "s" if threads > 1 else "", per_thread),
                     mps(base), mps(pv.value),
                     "%.2f" % pv.ratio if pv.ratio is not None else "n/a",
                     "; ".join(sorted(checks))])
    # Thread churn: many short-lived threads, each a new stats key (a
    # thread's figures are kept after it exits), to find where maps fill.
    churn, each = (2000, 10) if bench.quick else (70000, 10)
    res = run_loop("iotrace", ["--churn", churn, "poll", 10, each], "poll", "capacity.churn")
    if res is not None:
        rows.append(["churn: %d threads in turn x %d" % (churn, each), "",
                     "%.2f M/s" % (res["counts"].get("poll", 0) / res["ns"] * 1e3),
                     "", res["check"]])
    verdict = verdict_min(best, TARGET_RATE, mps)
    bench.target("4. traced calls/s with zero drops", mps(best), verdict)
    bench.emit("### 4. Capacity: traced calls per second with zero drops\n\n"
               "One process, N threads each making poll() calls (10 fds, timeout 0) at "
               "once, traced by iotrace -p; rate = calls iotrace counted / loop time. A row "
               "counts only if iotrace counted every call and all .drops are 0. %d rounds, "
               "medians; ratio: median of per-round pairs. On 2 cores, more threads add no "
               "CPU: the rate is CPU-bound. The churn row starts short-lived threads one "
               "after another, each a new per-thread stats key (TIDs recycle past "
               "kernel.pid_max), to find where iotrace's maps fill up.\n\n"
               % rounds + table(["Workload", "Untraced calls/s", "Traced calls/s (counted)",
                                 "Ratio", "Count check"], rows) +
               "\n\nHighest clean rate: %s; target >= %.0f M/s: %s" % (
                   mps(best), TARGET_RATE / 1e6, verdict))
