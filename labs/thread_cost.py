# SPDX-License-Identifier: GPL-2.0
"""M7: what a thread per connection costs, from 10 to 1000 connections.

loadgen drives the `blocking` server (a thread per connection) and the
`epoll` server with N connections, all active, closed loop. While it runs
the lab waits until the server holds all N connections (however long a
busy machine takes to start 1000 threads, up to a minute), then reads
/proc/PID/status (Threads, VmRSS) and the sum of the voluntary and
involuntary context switches of /proc/PID/task/*, and reads them again
1 s later (1.5 s in full mode), then ends the load; switches per second =
their growth between the two readings, over the time between them. Only two full readings: summing
1000 threads' counters takes a while on a busy 2-CPU machine. Full mode
measures 6 sizes, about x2.5 apart (a log scale), quick mode 3; straight
lines fitted through them give threads and memory per connection."""
import os
import time

from lib import procs, verdict
from lib.lab import fmt

CONNS = (10, 25, 60, 150, 400, 1000)
QUICK_CONNS = (10, 100, 1000)
MODELS = ("blocking", "epoll")


def conns(quick):
    return QUICK_CONNS if quick else CONNS


def _fds(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return 0


HOLD_LIMIT_S = 60   # the longest wait for the server to hold all n connections


def _sample(model, n, secs):
    """Two readings secs apart, the first as soon as the server holds all n
    connections (n fds more than at start), however long opening them took
    (a busy machine starts 1000 threads slowly); the load goes on until the
    second. A server that never holds all n within HOLD_LIMIT_S reports how
    many it held, for the verdict to judge."""
    p = "%s %d conns: " % (model, n)
    with procs.Server(model) as s:
        held, base = 0, _fds(s.pid)
        # loadgen's --timeout covers connecting and each reply: a request
        # waits until its connection is accepted, however late that is
        with procs.Load(s.port, n, HOLD_LIMIT_S + secs + 5, "--timeout",
                        HOLD_LIMIT_S + 5) as lg:
            t0 = time.monotonic()
            while lg.running() and held < n and time.monotonic() - t0 < HOLD_LIMIT_S:
                held = max(held, _fds(s.pid) - base)
                time.sleep(0.02)
            first = (time.monotonic(), s.status()) if held >= n else None
            if first:
                time.sleep(secs)
            last = (time.monotonic(), s.status()) if first and lg.running() else None
            lg.stop()
    out = {p + "connections held": held,
           p + "seconds to hold them all": (first[0] - t0) if first else
           time.monotonic() - t0}
    if not first or not last:
        return out
    (ta, a), (tb, b) = first, last
    out.update({p + "threads": max(a["threads"], b["threads"]),
                p + "RSS": max(a["rss_kb"], b["rss_kb"]),
                p + "context switches per second":
                (b["ctxt_switches"] - a["ctxt_switches"]) / (tb - ta)})
    return out


def _key(m, n, what):
    return "%s %d conns: %s" % (m, n, what)


def fit_lines(lab, ns):
    """Threads and memory (KiB) against connections, per server: {(model, what): Fit}."""
    return {(m, w): lab.fit("%s: %s" % (m, w), [(n, _key(m, n, w)) for n in ns], "connections",
                            unit, "connection")
            for m in MODELS for w, unit in (("threads", "threads"), ("RSS", "KiB"))}


def measure(lab):
    secs = lab.secs(1.0, 1.5)
    ns = conns(lab.quick)
    f = lab.repeat(lambda: {k: v for m in MODELS for n in ns
                            for k, v in _sample(m, n, secs).items()}, {})
    for k in f:
        lab.figures[k]["unit"] = "threads" if k.endswith("threads") else \
            "KiB" if k.endswith("RSS") else "connections" if k.endswith("held") else \
            "s" if k.endswith("all") else \
            "switches/s"
    fits = fit_lines(lab, ns)
    for m in MODELS:
        lab.points_table("%s: while all connections were open (median, min..max of runs)" % m,
                         "connections", [(n, {w: _key(m, n, w) for w in WHAT}) for n in ns],
                         list(WHAT))
    held = [n for n in ns if all(_key(m, n, "threads") in f for m in MODELS)]
    for what, unit, log in (("threads", "threads", True), ("RSS", "KiB", False)):
        lab.fit_chart("%s against connections, and the fitted lines" % what,
                      "connections (count, log)", "%s (%s%s)" % (what, unit,
                                                                 ", log" if log else ""),
                      [(m, held, [f[_key(m, n, what)] for n in held], fits[m, what])
                       for m in MODELS], x_log=True, y_log=log)
    lab.line_chart("context switches per second against connections",
                   "connections (count, log)", "context switches (switches/s)",
                   [(m, held, [f[_key(m, n, "context switches per second")] for n in held])
                    for m in MODELS], x_log=True)


WHAT = ("connections held", "seconds to hold them all", "threads", "RSS",
        "context switches per second")


# Threads: the thread-per-connection server runs one thread per
# connection: threads against connections is a line of slope 1 (its 95%
# interval within [0.9, 1.1]). Memory: both servers keep buffers per
# connection, so compare the slopes of RSS against connections, the KiB
# each extra connection adds: a thread adds at least one touched stack
# page, so blocking's slope must exceed epoll's by >= 4 KiB per connection
# with both intervals (blocking's low end against epoll's high end).
# Switches: a level, not a growth: at the most connections blocking's rate
# must be >= 2x epoll's (far outside the ~20% run-to-run noise of counts).
ONE_EACH = (0.9, 1.1)
PAGE_KIB = 4
MORE = 2.0


def verdict_m7(f):
    n = max(int(k.split()[1]) for k in f if k.startswith("blocking ") and "conns:" in k)
    if not all("%s %d conns: threads" % (m, n) in f for m in MODELS):
        short = ["%s held %d of %d connections, all of them only after %s s of the load" % (
            m, f.get("%s %d conns: connections held" % (m, n), 0), n,
            fmt(f.get("%s %d conns: seconds to hold them all" % (m, n), 0)))
                 for m in MODELS if "%s %d conns: threads" % (m, n) not in f]
        return verdict.inconclusive("the machine is too busy: the servers did not hold every "
                                    "connection at once in time", "; ".join(short))
    g = lambda m, w: f["%s %d conns: %s" % (m, n, w)]  # noqa: E731
    tb, te = verdict.fitted(f, "blocking: threads"), verdict.fitted(f, "epoll: threads")
    mb, me = verdict.fitted(f, "blocking: RSS"), verdict.fitted(f, "epoll: RSS")
    said = "threads = %s for blocking, %s for epoll; RSS (KiB) = %s for blocking, %s for " \
        "epoll; at %d connections %s switches/s against %s" % (
            tb.eq("connections"), te.eq("connections"), mb.eq("connections"),
            me.eq("connections"), n, fmt(g("blocking", "context switches per second")),
            fmt(g("epoll", "context switches per second")))
    threads = tb.within(*ONE_EACH)
    mem = mb.lo - me.hi >= PAGE_KIB
    sw = g("blocking", "context switches per second") >= \
        MORE * g("epoll", "context switches per second")
    seen = [w for w, ok in (("threads", threads), ("memory", mem), ("context switches", sw))
            if ok]
    if len(seen) == 3:
        return verdict.holds(said)
    if not mem and not sw:
        return verdict.fails(said)
    return verdict.holds_when("counting %s" % " and ".join(seen), said)


VERDICTS = {"M7": verdict_m7}
