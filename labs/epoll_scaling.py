# SPDX-License-Identifier: GPL-2.0
"""E3: epoll_wait's cost against watched and ready fds, and servers with idle connections.

Part 1 (the TLPI table): labs/progs/muxcost.c times one select, poll and
epoll_wait call on 10 to 10000 watched fds (select to 1000, below its
FD_SETSIZE), 1-2-5 apart, with exactly one ready. A straight line fitted
through each mechanism's points (least squares, every run) gives its cost
per watched fd: its slope. Kerrisk's published figures are drawn beside.

Part 2 (the other half of the claim): epoll_wait on 10000 watched fds
with 1 to 1000 of them ready: the line's slope is the cost per ready fd.

Part 3 (Gammo et al., OLS 2004): loadgen drives the poll, select and epoll
servers with 100 active connections and 0 to 10000 idle ones (select: 0 to
900, its 1024-fd limit); the time per request (1 / throughput) against the
idle connections is fitted with a line: its slope is what each idle
connection costs every request."""
import subprocess

from lib import procs, stats, verdict
from lib.lab import fmt, pct

MECHS = ("select", "poll", "epoll")
FDS = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
SELECT_MAX = 1000               # select: fds below FD_SETSIZE (1024)
READY_WATCHED = 10000
READY = (1, 3, 10, 30, 100, 300, 1000)
ACTIVE = 100
IDLE = (0, 500, 1000, 2500, 5000, 10000)
SELECT_IDLE = (0, 100, 200, 400, 600, 900)
QUICK_IDLE = (0, 2500, 10000)
QUICK_SELECT_IDLE = (0, 450, 900)

# Kerrisk, "Linux 2.6 changes", linux.conf.au 2006, the slide "Why epoll
# is better" (https://man7.org/conf/lca2006/Linux_2.6_changes/epoll_2d.html):
# elapsed seconds for 100 000 monitoring operations on N fds, one randomly
# chosen fd ready each time, on a Linux 2.6 kernel of 2006. Here: ns per call.
KERRISK_2006 = {"poll": (1.12, 6.8, 157, 1750), "select": (1.28, 7.1, 151, 1087),
                "epoll": (0.65, 0.68, 0.89, 0.97)}
KERRISK_N = (10, 100, 1000, 10000)
KERRISK_SOURCE = "Kerrisk, linux.conf.au 2006 (man7.org/conf/lca2006)"


def published(mech):
    """Kerrisk's figures as ns per call."""
    return [s / 100000 * 1e9 for s in KERRISK_2006[mech]]


def _fds(mech):
    return [n for n in FDS if mech != "select" or n <= SELECT_MAX]


def _idle(mech, quick):
    if mech == "select":
        return QUICK_SELECT_IDLE if quick else SELECT_IDLE
    return QUICK_IDLE if quick else IDLE


def _call_cost(mech, n, calls, ready=1):
    r = subprocess.run([procs.prog("muxcost"), mech, str(n), str(calls), str(ready)],
                       capture_output=True, text=True, timeout=120,
                       preexec_fn=procs.machine.pinner("server"))
    if r.returncode != 0:
        raise procs.LabError(r.stderr.strip())
    return float(r.stdout.split()[1])


def _costs(scale):
    # calls per point: about 300000 fd visits for the scans (a few ms each),
    # 30000 calls for epoll's constant cost, 100000 ready events
    out = {}
    for m in MECHS:
        for n in _fds(m):
            calls = 30000 * scale if m == "epoll" else max(20, scale * 300000 // n)
            out["%s %d fds: ns per call" % (m, n)] = _call_cost(m, n, calls)
    for r in READY:
        out["epoll %d ready: ns per call" % r] = _call_cost(
            "epoll", READY_WATCHED, max(50, scale * 100000 // r), r)
    return out


def _load_fn(mech, server, idle, secs):
    def run():
        # 10000 connections take a while on a slow (emulated) CPU: 30 s to connect
        lg = procs.loadgen(server.port, ACTIVE + idle, ACTIVE, secs, "--timeout", 30)
        k = "%s %d idle: " % (mech, idle)
        return {k + "throughput": lg["req_per_s"],
                k + "time per request": 1e6 / max(lg["req_per_s"], 1)}
    return run


def measure(lab):
    f = lab.repeat(lambda: _costs(1 if lab.quick else 3), {})
    # The servers' points alternate round by round, so a burst of other
    # work does not bend one curve alone.
    secs = lab.secs(0.3, 0.5)
    with procs.Server("select") as a, procs.Server("poll") as b, procs.Server("epoll") as c:
        f.update(lab.interleave([_load_fn(m, s, i, secs) for m, s in zip(MECHS, (a, b, c))
                                 for i in _idle(m, lab.quick)], {}))
    for k in f:
        lab.figures[k]["unit"] = "ns" if "ns per call" in k else \
            "us" if "time per request" in k else "req/s"
    watched, ready, idle = fit_lines(lab, lab.quick)
    _pages(lab, f, watched, ready, idle)


def fit_lines(lab, quick):
    """The lines through the figures: ns per call against fds watched per
    mechanism, against fds ready for epoll_wait, and each server's time per
    request against idle connections; records the throughput each server's
    line keeps at its most idle connections. Returns the three."""
    watched = {m: lab.fit("%s: ns per call" % m,
                          [(n, "%s %d fds: ns per call" % (m, n)) for n in _fds(m)],
                          "fds watched", "ns", "fd watched") for m in MECHS}
    ready = lab.fit("epoll, %d watched: ns per call" % READY_WATCHED,
                    [(r, "epoll %d ready: ns per call" % r) for r in READY],
                    "fds ready", "ns", "fd ready")
    idle = {m: lab.fit("%s server: us per request" % m,
                       [(i, "%s %d idle: time per request" % (m, i))
                        for i in _idle(m, quick)],
                       "idle connections", "us", "idle connection") for m in MECHS}
    for m in MECHS:
        lab.fig("%s server: throughput kept at %d idle (fit)" % (m, _idle(m, False)[-1]),
                kept(idle[m].intercept, idle[m].slope, _idle(m, False)[-1]), "fraction of 0 idle")
    return watched, ready, idle


def kept(intercept, slope, n):
    """The fitted throughput at n idle connections over that at none."""
    at_n = intercept + slope * n
    return intercept / at_n if at_n > 0 and intercept > 0 else 0.0


def _pages(lab, f, watched, ready, idle):
    per = lambda m: [f["%s %d fds: ns per call" % (m, n)] for n in _fds(m)]  # noqa: E731
    lab.fit_chart("Time per call with one fd ready, and the fitted lines",
                  "fds watched (count, log)", "time per call (ns, log)",
                  [(m, _fds(m), per(m), watched[m]) for m in MECHS], x_log=True, y_log=True)
    lab.line_chart("Measured here beside the published figures (%s)" % KERRISK_SOURCE,
                   "fds watched (count, log)", "time per call (ns, log)",
                   [(m + " (here)", _fds(m), per(m)) for m in MECHS] +
                   [("%s (Kerrisk 2006)" % m, KERRISK_N, published(m)) for m in MECHS],
                   x_log=True, y_log=True)
    lab.fit_chart("epoll_wait on %d watched fds: time per call against fds ready"
                  % READY_WATCHED, "fds ready (count, log)", "time per call (ns, log)",
                  [("epoll_wait", READY, [f["epoll %d ready: ns per call" % r] for r in READY],
                    ready)], x_log=True, y_log=True)
    lab.fit_chart("Time per request with %d active connections and idle ones" % ACTIVE,
                  "idle connections (count)", "time per request (us)",
                  [(m, _idle(m, lab.quick), [f["%s %d idle: time per request" % (m, i)]
                                             for i in _idle(m, lab.quick)], idle[m])
                   for m in MECHS])
    lab.line_chart("Throughput with %d active connections and idle ones (after Gammo et al.)"
                   % ACTIVE, "idle connections (count)", "throughput (req/s)",
                   [(m, _idle(m, lab.quick), [f["%s %d idle: throughput" % (m, i)]
                                              for i in _idle(m, lab.quick)])
                    for m in MECHS])
    lab.points_table("Time per call, one fd ready (ns: median, min..max of runs)",
                     "fds watched", [(n, {m: "%s %d fds: ns per call" % (m, n) for m in MECHS})
                                     for n in FDS], list(MECHS))
    lab.points_table("epoll_wait on %d watched fds (ns: median, min..max of runs)"
                     % READY_WATCHED, "fds ready",
                     [(r, {"epoll_wait": "epoll %d ready: ns per call" % r}) for r in READY],
                     ["epoll_wait"])
    idles = sorted(set(i for m in MECHS for i in _idle(m, lab.quick)))
    lab.points_table("Servers with %d active connections: time per request (us: median, "
                     "min..max of rounds)" % ACTIVE, "idle connections",
                     [(i, {m: "%s %d idle: time per request" % (m, i) for m in MECHS})
                      for i in idles], list(MECHS))
    lab.points_table("Servers with %d active connections: throughput (req/s)" % ACTIVE,
                     "idle connections",
                     [(i, {m: "%s %d idle: throughput" % (m, i) for m in MECHS})
                      for i in idles], list(MECHS))
    pub = {m: stats.Fit(KERRISK_N, published(m)) for m in MECHS}
    lab.table("Cost per watched fd: here and in %s (least squares over its 4 points)"
              % KERRISK_SOURCE, ["mechanism", "here (ns per fd)", "Kerrisk 2006 (ns per fd)",
                                 "Kerrisk 2006 at 10 fds (ns per call)"],
              [[m, stats.num(watched[m].slope), stats.num(pub[m].slope),
                stats.num(published(m)[0])] for m in MECHS])
    lab.note("Published figures: %s, elapsed time for 100 000 operations with one randomly "
             "chosen fd ready, divided here per call. The book's Table 63-9 (TLPI, 2010, "
             "Linux 2.6.25) reports the same experiment; its values are not drawn here because "
             "we could not check them against the book. Gammo et al. (OLS 2004) publish "
             "graphs only (reply rate against request rate, 0 and 10 000 idle connections): "
             "no values are taken from them." % KERRISK_SOURCE)


# Part 1, slopes: select and poll visit every watched fd, so each watched
# fd adds tens of ns; epoll_wait looks at the ready list only. epoll's
# slope holds as flat when its whole 95% interval is under 10% of the
# smaller scan slope's interval (its lower end); if its interval starts at
# 50% of that slope or more, it grows like them and the claim fails.
# Part 2: epoll_wait's time must grow with the fds ready: the slope's
# interval above 0 and R^2 >= 0.9 (each ready fd is re-polled and copied).
# Part 3, Gammo: from the fitted time per request, epoll must keep >= 70%
# of its throughput at 10000 idle connections even at the top of its
# slope's 95% interval (flat within the noise of sub-second runs), while
# poll keeps < 50% even at the bottom of its own (a wide margin). When
# the intervals are too wide to say either, the machine was too busy.
FLAT, GROWS, READY_R2 = 0.10, 0.50, 0.9
EPOLL_KEEPS, POLL_DROPS = 0.70, 0.50


def _kept(f, mech, slope):
    """What the fitted line keeps at the most idle connections, with slope."""
    return kept(f["%s server: us per request: intercept" % mech], slope, IDLE[-1])


def verdict_e3(f):
    sel, pol, ep = (verdict.fitted(f, "%s: ns per call" % m) for m in MECHS)
    rd = verdict.fitted(f, "epoll, %d watched: ns per call" % READY_WATCHED)
    se, sp = (verdict.fitted(f, "%s server: us per request" % m) for m in ("epoll", "poll"))
    most = IDLE[-1]
    ek, pk = _kept(f, "epoll", se.slope), _kept(f, "poll", sp.slope)
    ek_worst, pk_best = _kept(f, "epoll", se.hi), _kept(f, "poll", max(sp.lo, 0))
    scan_lo = min(sel.lo, pol.lo)
    said = "ns per call = %s x fds watched for select, %s for poll, %s for epoll_wait " \
        "(95%%: %s); epoll_wait = %s; with %d idle connections the fitted throughput " \
        "keeps %s for epoll (at least %s), %s for poll (at most %s)" % (
            fmt(sel.slope), fmt(pol.slope), ep.eq("fds"), ep.interval(),
            rd.eq("fds ready"), most, pct(ek), pct(ek_worst), pct(pk), pct(pk_best))
    if scan_lo <= 0 or ep.lo >= GROWS * min(sel.slope, pol.slope):
        return verdict.fails(said)
    flat = ep.hi < FLAT * scan_lo
    grows = rd.lo > 0 and rd.r2 >= READY_R2
    if flat and grows and ek_worst >= EPOLL_KEEPS and pk_best < POLL_DROPS:
        return verdict.holds(said)
    if flat and not grows:
        return verdict.inconclusive("epoll_wait's time did not grow on a line with the "
                                    "fds ready", said)
    if flat and (ek_worst < EPOLL_KEEPS <= ek or pk < POLL_DROPS <= pk_best):
        return verdict.inconclusive("the server curves are within their noise: the machine "
                                    "is too busy", said)
    if flat:
        return verdict.inconclusive("the per-call slopes agree but the server curve does "
                                    "not separate", said)
    return verdict.inconclusive("epoll's slope is neither flat nor poll's", said)


VERDICTS = {"E3": verdict_e3}
