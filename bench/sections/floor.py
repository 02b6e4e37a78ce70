# SPDX-License-Identifier: GPL-2.0
"""8. iotrace against the floor: an empty tp_btf sys_enter + sys_exit pair
with a tgid test and one counter (bench/progs/floor.bpf.c), the least a
per-process tracer on those tracepoints can cost. Both the traced process
and a process it does NOT trace, untraced/floor/iotrace in paired rounds."""
from lib.fmt import fmt_added, fmt_ns, fmt_ratio, table
from lib.paired import pair_all, paired_rounds
from lib.procs import log
from lib.tools import label
from lib.workload import loop_beside, run_loop

VARIANTS = ["untraced", "floor", "iotrace"]


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


def run(bench):
    calls = bench.calls()
    wl = ["poll", 10, calls]
    checks = {}

    def traced(v, r):
        res = run_loop(v, wl, "poll", "floor.traced.%s.r%d" % (v, r))
        if res is None:
            checks.setdefault(v, set()).add("error (see bench/logs)")
            return None
        if "check" in res:
            checks.setdefault(v, set()).add(res["check"])
        return res["ns"] / res["calls"]

    log("[8] floor: %d rounds of %s, traced and beside" % (bench.rounds, ", ".join(VARIANTS)))
    run_loop("untraced", ["poll", 10, 20000], "poll", "floor.warmup")
    t_pairs, rows = scenario(bench, "traced", traced, checks)
    o_pairs, more = scenario(bench, "not traced", lambda v, r: loop_beside(
        v, wl, "floor.others.%s.r%d" % (v, r)), {})
    rows += more
    for what, pairs in (("traced poll() call", t_pairs),
                        ("call of an untraced process", o_pairs)):
        bench.target("8. iotrace added / floor added, per %s" % what, "%s (%s / %s)" % (
            multiple(pairs, "iotrace"), fmt_added(pairs["iotrace"].added),
            fmt_added(pairs["floor"].added)), "reference")
    bench.emit("### 8. Against the floor: an empty tp_btf pair\n\n"
               "The floor (bench/progs/floor.bpf.c, loaded by bench/bin/floor): tp_btf "
               "sys_enter and sys_exit programs that only test the tgid, plus one counter "
               "at sys_exit, the least a tracer of one process on these tracepoints costs. "
               "poll() on 10 idle fds, timeout 0, %d calls, in the traced process, then in a "
               "process the tool does NOT trace while it traces another, idle one. %d "
               "rounds; per round each variant once (order rotated); median of per-round "
               "values, each paired with that round's untraced run. \"x floor\" = "
               "Added / the floor's Added (derived from the two medians; n/a when the "
               "floor's is not above 0).\n\n" % (
                   calls, bench.rounds) + table(
                       ["Process", "Variant", "ns/call", "Added/call", "Added range",
                        "Ratio", "x floor", "Counted"], rows))
