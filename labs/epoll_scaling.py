# SPDX-License-Identifier: GPL-2.0
"""E3: epoll_wait's cost against watched fds, and the Gammo et al. curve.

Part 1 (the TLPI table): labs/progs/muxcost.c times one select, poll and
epoll_wait call on 10, 100, 1000 and 10000 watched fds (select to 1000)
with exactly one ready; the slope of each line is its cost per watched fd.

Part 2 (Gammo et al., OLS 2004): loadgen drives the poll, select and epoll
servers with 100 active connections and 0, 1000, 5000 and 10000 idle ones
(select: 0 and 900, its 1024-fd limit); throughput at each point."""
import subprocess

from lib import procs, stats, verdict
from lib.lab import fmt, pct

FDS = (10, 100, 1000, 10000)
ACTIVE = 100
IDLE = (0, 1000, 5000, 10000)
SELECT_IDLE = (0, 900)
MECHS = ("select", "poll", "epoll")


def _fds(mech):
    return [n for n in FDS if mech != "select" or n <= 1000]


def _idle(mech, quick=False):
    if mech == "select":
        return SELECT_IDLE
    return (IDLE[0], IDLE[-1]) if quick else IDLE


def _call_cost(mech, n, scale):
    calls = max(20, scale * 300000 // n)
    r = subprocess.run([procs.prog("muxcost"), mech, str(n), str(calls)], capture_output=True,
                       text=True, timeout=120, preexec_fn=procs.machine.pinner("server"))
    if r.returncode != 0:
        raise procs.LabError(r.stderr.strip())
    return float(r.stdout.split()[1])


def _costs(lab):
    return {"%s %d fds: ns per call" % (m, n): _call_cost(m, n, 1 if lab.quick else 3)
            for m in MECHS for n in _fds(m)}


def _load_fn(mech, server, idle, secs):
    def run():
        lg = procs.loadgen(server.port, ACTIVE + idle, ACTIVE, secs)
        return {"%s %d idle: throughput" % (mech, idle): lg["req_per_s"]}
    return run


def measure(lab):
    f = lab.repeat(lambda: _costs(lab), {})
    # The servers' points alternate round by round (quick mode: 0 and 10000
    # idle only), so a burst of other work does not bend one curve alone.
    secs = lab.secs(0.3, 1.0)
    with procs.Server("select") as a, procs.Server("poll") as b, procs.Server("epoll") as c:
        f.update(lab.interleave([_load_fn(m, s, i, secs) for m, s in zip(MECHS, (a, b, c))
                                 for i in _idle(m, lab.quick)], {}))
    for k in f:
        lab.figures[k]["unit"] = "ns" if "ns per call" in k else "req/s"
    lab.fig("noise", lab.noise(*["%s %d idle: throughput" % (m, i) for m in ("poll", "epoll")
                                 for i in _idle(m, lab.quick)]), "fraction")
    for m in MECHS:
        xs = _fds(m)
        lab.fig("%s slope" % m, stats.slope(xs, [f["%s %d fds: ns per call" % (m, n)]
                                                  for n in xs]), "ns per watched fd")
        lab.fig("%s throughput kept at most idle" % m,
                f["%s %d idle: throughput" % (m, _idle(m)[-1])] /
                max(f["%s 0 idle: throughput" % m], 1), "fraction of 0 idle")
    lab.line_chart("Cost of one call with one fd ready", "fds watched (count, log)",
                   "time per call (ns, log)",
                   [(m, _fds(m), [f["%s %d fds: ns per call" % (m, n)] for n in _fds(m)])
                    for m in MECHS], x_log=True, y_log=True)
    lab.line_chart("Throughput with %d active connections and idle ones (Gammo et al.)"
                   % ACTIVE, "idle connections (count)", "throughput (req/s)",
                   [(m, _idle(m, lab.quick), [f["%s %d idle: throughput" % (m, i)]
                                              for i in _idle(m, lab.quick)])
                    for m in MECHS])
    lab.table("Time per call, one fd ready (ns)", ["fds watched"] + list(MECHS),
              [[n] + [f.get("%s %d fds: ns per call" % (m, n), "-") for m in MECHS]
               for n in FDS])


# Slopes: select and poll visit every watched fd, so each watched fd adds
# tens of ns; epoll_wait looks at the ready list only. epoll's slope must be
# under 10% of the smaller scan slope ("does not grow with watched fds");
# at 50% or more it grows like them and the claim fails.
# Gammo: with 10000 idle connections epoll must keep >= 70% of its
# throughput (flat within the noise of sub-second runs) while poll keeps
# < 50% (a wide margin); otherwise the curve does not show the claim.
FLAT, GROWS = 0.10, 0.50
EPOLL_KEEPS, POLL_DROPS = 0.70, 0.50


def verdict_e3(f):
    es, scan = f["epoll slope"], min(f["select slope"], f["poll slope"])
    ek, pk = f["epoll throughput kept at most idle"], f["poll throughput kept at most idle"]
    said = "per watched fd select adds %s ns, poll %s ns, epoll_wait %s ns; with %d idle " \
        "connections epoll kept %s of its throughput (%s req/s), poll %s (%s req/s)" % (
            fmt(f["select slope"]), fmt(f["poll slope"]), fmt(es), IDLE[-1], pct(ek),
            fmt(f["epoll %d idle: throughput" % IDLE[-1]]), pct(pk),
            fmt(f["poll %d idle: throughput" % IDLE[-1]]))
    if scan <= 0 or es >= GROWS * scan:
        return verdict.fails(said)
    if es < FLAT * scan and verdict.too_noisy(f):
        return verdict.inconclusive(verdict.too_noisy(f), said)
    if es < FLAT * scan and ek >= EPOLL_KEEPS and pk < POLL_DROPS:
        return verdict.holds(said)
    if es < FLAT * scan:
        return verdict.inconclusive("the per-call slopes agree but the server curve does "
                                    "not separate", said)
    return verdict.inconclusive("epoll's slope is neither flat nor poll's", said)


VERDICTS = {"E3": verdict_e3}
