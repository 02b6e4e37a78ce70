# SPDX-License-Identifier: GPL-2.0
"""8. iotrace against the floor: an empty tp_btf sys_enter + sys_exit pair
with a tgid test and one counter (bench/progs/floor.bpf.c), the least a
per-process tracer on those tracepoints can cost. Both the traced process
and a process it does NOT trace, untraced/floor/iotrace/iotrace --light in
paired rounds, for poll() and epoll_wait()."""
from lib.fmt import fmt_added, fmt_ns, fmt_ratio, table
from lib.paired import pair_all, paired_rounds
from lib.procs import log
from lib.tools import label
from lib.workload import loop_beside, run_loop

VARIANTS = ["untraced", "floor", "iotrace", "iotrace-light"]


def multiple(pairs, v):
    """v's added ns as a multiple of the floor's (derived from the medians);
    none when the floor added nothing measurable (noise around 0)."""
    a, f = pairs[v].added, pairs["floor"].added
    if a is None or f is None or f <= 0:
        return "n/a"
    return "%.1fx" % (a / f)


def scenario(bench, what, measure, checks):
    pairs = pair_all(paired_rounds(VARIANTS, bench.rounds, measure))
    rows = []
    for v in VARIANTS:
        pv, base = pairs[v], v == "untraced"
        rows.append([what, label(v), fmt_ns(pv.value), "" if base else fmt_added(pv.added),
                     "" if base else pv.added_spread(), fmt_ratio(pv.ratio),
                     "" if base else multiple(pairs, v),
                     "; ".join(sorted(checks.get(v, ()))) or "-"])
    return pairs, rows


GOALS = {"iotrace": 2.0, "iotrace-light": 1.25}	# traced call, x floor
GOAL_OTHERS = 1.05					# a process not traced


def verdict(pairs, v, goal):
    a, f = pairs[v].added, pairs["floor"].added
    if a is None or f is None or f <= 0:
        return "n/a"
    return "met (<= %.2fx)" % goal if a / f <= goal else "NOT met (goal <= %.2fx)" % goal


def run(bench):
    calls = bench.calls()
    checks = {"poll": {}, "epoll": {}}	# per mode: {variant: {check, ...}}

    def traced(mode, syscall):
        wl = [mode, 10, calls]

        def measure(v, r):
            res = run_loop(v, wl, syscall, "floor.%s.%s.r%d" % (mode, v, r))
            if res is None:
                checks[mode].setdefault(v, set()).add("error (see bench/logs)")
                return None
            if "check" in res:
                checks[mode].setdefault(v, set()).add(res["check"])
            return res["ns"] / res["calls"]
        return measure

    log("[8] floor: %d rounds of %s; poll and epoll_wait traced, poll beside" % (
        bench.rounds, ", ".join(VARIANTS)))
    run_loop("untraced", ["poll", 10, 20000], "poll", "floor.warmup")
    rows, scenarios = [], []
    for mode, syscall in (("poll", "poll"), ("epoll", "epoll_wait")):
        pairs, more = scenario(bench, "traced %s()" % syscall, traced(mode, syscall),
                               checks[mode])
        rows += more
        scenarios.append(("traced %s() call" % syscall, pairs, GOALS))
    o_pairs, more = scenario(bench, "not traced", lambda v, r: loop_beside(
        v, ["poll", 10, calls], "floor.others.%s.r%d" % (v, r)), {})
    rows += more
    scenarios.append(("call of an untraced process", o_pairs,
                      {v: GOAL_OTHERS for v in GOALS}))
    for what, pairs, goals in scenarios:
        for v, goal in goals.items():
            bench.target("8. %s added / floor added, per %s" % (label(v), what),
                         "%s (%s / %s)" % (multiple(pairs, v), fmt_added(pairs[v].added),
                                           fmt_added(pairs["floor"].added)),
                         verdict(pairs, v, goal))
    bench.emit("### 8. Against the floor: an empty tp_btf pair\n\n"
               "The floor (bench/progs/floor.bpf.c, loaded by bench/bin/floor): tp_btf "
               "sys_enter and sys_exit programs that only test the tgid, plus one counter "
               "at sys_exit, the least a tracer of one process on these tracepoints costs. "
               "poll() and epoll_wait() on 10 idle fds, timeout 0, %d calls, in the traced "
               "process, then poll() in a process the tool does NOT trace while it traces "
               "another, idle one. %d rounds; per round each variant once (order rotated); "
               "median of per-round values, each paired with that round's untraced run. "
               "\"x floor\" = Added / the floor's Added (derived from the two medians; n/a "
               "when the floor's is not above 0). Goals: iotrace <= 2.0x, iotrace --light "
               "<= 1.25x per traced call; both <= 1.05x for a process not traced.\n\n" % (
                   calls, bench.rounds) + table(
                       ["Process", "Variant", "ns/call", "Added/call", "Added range",
                        "Ratio", "x floor", "Counted"], rows))
