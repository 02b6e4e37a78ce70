# SPDX-License-Identifier: GPL-2.0
"""8. iotrace against the floor: an empty tp_btf sys_enter + sys_exit pair
with a tgid test and one counter (bench/progs/floor.bpf.c), the least a
per-process tracer on those tracepoints can cost. Both the traced process
and a process it does NOT trace, untraced/floor/iotrace/iotrace --light in
paired rounds, for poll() and epoll_wait()."""
from lib.fmt import fmt_added, fmt_ns, table
from lib.paired import fast_all, paired_rounds
from lib.procs import log
from lib.tools import label
from lib.workload import chunk_ns, loop_beside, run_loop, stamped

VARIANTS = ["untraced", "floor", "iotrace", "iotrace-light"]


def multiple(fast, v):
    """v's added ns as a multiple of the floor's; none when the floor added
    nothing measurable."""
    a, f = fast[v].added, fast["floor"].added
    if a is None or f is None or f <= 0:
        return None
    return a / f


def scenario(rounds, what, measure, checks):
    fast = fast_all(paired_rounds(VARIANTS, rounds, measure))
    rows = []
    for v in VARIANTS:
        fv, base, m = fast[v], v == "untraced", multiple(fast, v)
        rows.append([what, label(v), fmt_ns(fv.value), fv.runs(),
                     "" if base else fmt_added(fv.added),
                     "" if base or m is None else "%.2fx" % m,
                     "; ".join(sorted(checks.get(v, ()))) or "-"])
    return fast, rows


GOALS = {"iotrace": 2.0, "iotrace-light": 1.25}	# traced call, x floor
GOAL_OTHERS = 1.05					# a process not traced


def verdict(fast, v, goal):
    m = multiple(fast, v)
    if m is None:
        return "n/a"
    return "met (<= %.2fx)" % goal if m <= goal else "NOT met (goal <= %.2fx)" % goal


def run(bench):
    calls = bench.calls(300000)
    rounds = bench.rounds_at_least(15)	# ratios of ~150 ns
    checks = {"poll": {}, "epoll": {}}	# per mode: {variant: {check, ...}}

    def traced(mode, syscall):
        def measure(v, r):
            tag = "floor.%s.%s.r%d" % (mode, v, r)
            wl, stamps = stamped([mode, 10, calls], tag)
            res = run_loop(v, wl, syscall, tag)
            if res is None:
                checks[mode].setdefault(v, set()).add("error (see bench/logs)")
                return None
            if "check" in res:
                checks[mode].setdefault(v, set()).add(res["check"])
            return chunk_ns(stamps)
        return measure

    log("[8] floor: %d rounds of %s; poll and epoll_wait traced, poll beside" % (
        rounds, ", ".join(VARIANTS)))
    run_loop("untraced", ["poll", 10, 20000], "poll", "floor.warmup")
    rows, scenarios = [], []
    for mode, syscall in (("poll", "poll"), ("epoll", "epoll_wait")):
        fast, more = scenario(rounds, "traced %s()" % syscall, traced(mode, syscall),
                               checks[mode])
        rows += more
        scenarios.append(("traced %s() call" % syscall, fast, GOALS))
    o_fast, more = scenario(rounds, "not traced", lambda v, r: loop_beside(
        v, ["poll", 10, calls], "floor.others.%s.r%d" % (v, r), chunks=True), {})
    rows += more
    scenarios.append(("call of an untraced process", o_fast,
                      {v: GOAL_OTHERS for v in GOALS}))
    # several targets (-f, -p A -p B): the programs test a bit, not a constant
    m_fast, more = scenario(rounds, "not traced, 2 targets", lambda v, r: loop_beside(
        v, ["poll", 10, calls], "floor.others2.%s.r%d" % (v, r), chunks=True, idle_n=2), {})
    rows += more
    scenarios.append(("call of an untraced process, 2 processes traced", m_fast,
                      {v: GOAL_OTHERS for v in GOALS}))
    for what, fast, goals in scenarios:
        for v, goal in goals.items():
            m = multiple(fast, v)
            bench.target("8. %s added / floor added, per %s" % (label(v), what),
                         "%s (%s / %s)" % ("n/a" if m is None else "%.2fx" % m,
                                           fmt_added(fast[v].added),
                                           fmt_added(fast["floor"].added)),
                         verdict(fast, v, goal))
    bench.emit("### 8. Against the floor: an empty tp_btf pair\n\n"
               "The floor (bench/progs/floor.bpf.c, loaded by bench/bin/floor): tp_btf "
               "sys_enter and sys_exit programs that only test the tgid, plus one counter "
               "at sys_exit, the least a tracer of one process on these tracepoints costs. "
               "poll() and epoll_wait() on 10 idle fds, timeout 0, %d calls, in the traced "
               "process, then poll() in a process the tool does NOT trace while it traces "
               "another, idle one, or two (as with -f or several -p, where the programs "
               "test a bit of a tgid bitmap instead of a constant). %d rounds, each variant once per round (order rotated). "
               "A run's ns/call is the 10th percentile of its 256-call chunks (muxloop "
               "--stamps); a variant's is the median of its fastest third of runs. A run here "
               "is either in a steady fast mode or slowed as a whole, by a slow phase of "
               "the host or by where its process and programs landed in memory (untraced "
               "runs move by up to 15%%), so the fast mode is what can be compared; "
               "\"Runs\" shows the spread. Added = ns/call - untraced's; \"x floor\" = Added / the floor's "
               "Added. Goals: iotrace <= 2.0x, iotrace --light <= 1.25x per traced call; "
               "both <= 1.05x for a process not traced.\n\n" % (calls, rounds) + table(
                   ["Process", "Variant", "ns/call", "Runs", "Added/call", "x floor",
                    "Counted"], rows))
