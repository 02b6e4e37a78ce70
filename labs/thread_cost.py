# SPDX-License-Identifier: GPL-2.0
"""M7: what a thread per connection costs at 10, 100 and 1000 connections.

loadgen drives the `blocking` server (a thread per connection) and the
`epoll` server with N connections, all active, closed loop. While it runs
the lab waits until the server holds all N connections, then reads
/proc/PID/status (Threads, VmRSS) and the sum of the voluntary and
involuntary context switches of /proc/PID/task/*, and reads them again
just before the load ends; switches per second = their growth between the
two readings, over the time between them. Only two full readings: summing
1000 threads' counters takes a while on a busy 2-CPU machine."""
import os
import threading
import time

from lib import procs, verdict
from lib.lab import fmt

CONNS = (10, 100, 1000)
MODELS = ("blocking", "epoll")


def _fds(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return 0


SETTLE_S = 0.5      # before the load ends: the second reading must see all N still open


def _sample(model, n, secs, ramp_s):
    """Two readings while all n connections are open: as soon as the server
    holds them (n fds or more), and SETTLE_S before the load ends. A server
    that never holds all n in time (a busy machine starts 1000 threads
    slowly) reports how many it held, for the verdict to judge."""
    dur = secs + ramp_s * n / 1000
    p = "%s %d conns: " % (model, n)
    with procs.Server(model) as s:
        err, held, base = [], 0, _fds(s.pid)

        def load():
            try:
                procs.loadgen(s.port, n, n, dur)
            except procs.LabError as e:
                err.append(e)

        th = threading.Thread(target=load)
        t0 = time.monotonic()
        th.start()
        while th.is_alive() and held < n:
            held = max(held, _fds(s.pid) - base)
            time.sleep(0.02)
        first = (time.monotonic(), s.status()) if held >= n else None
        time.sleep(max(0.0, t0 + dur - SETTLE_S - time.monotonic()))
        last = (time.monotonic(), s.status()) if first and th.is_alive() else None
        th.join()
        if err:
            raise err[0]
    out = {p + "connections held": held,
           p + "seconds to hold them all": (first[0] - t0) if first else dur}
    if not first or not last or last[0] - first[0] < 0.2:
        return out
    (ta, a), (tb, b) = first, last
    out.update({p + "threads": max(a["threads"], b["threads"]),
                p + "RSS": max(a["rss_kb"], b["rss_kb"]) / 1024,
                p + "context switches per second":
                (b["ctxt_switches"] - a["ctxt_switches"]) / (tb - ta)})
    return out


def _complete(f):
    return all("%s %d conns: threads" % (m, n) in f for m in MODELS for n in CONNS)


def measure(lab):
    # quick: 3 s more per 1000 connections to open them (blocking starts a
    # thread each, about 1 s per 1000 on a quiet machine); full: 6 s
    secs, ramp = lab.secs(1.0, 2.5), lab.secs(3.0, 6.0)
    f = lab.repeat(lambda: {k: v for m in MODELS for n in CONNS
                            for k, v in _sample(m, n, secs, ramp).items()}, {})
    for k in f:
        lab.figures[k]["unit"] = "threads" if k.endswith("threads") else \
            "MiB" if k.endswith("RSS") else "connections" if k.endswith("held") else \
            "s" if k.endswith("all") else \
            "switches/s"
    if not _complete(f):
        return
    for what, unit in (("threads", "threads"), ("RSS", "MiB"),
                       ("context switches per second", "switches/s")):
        lab.line_chart("%s against connections" % what, "connections (count, log)",
                       "%s (%s)" % (what, unit),
                       [(m, CONNS, [f["%s %d conns: %s" % (m, n, what)] for n in CONNS])
                        for m in MODELS], x_log=True)


# At 1000 connections the thread-per-connection server must hold >= 1000
# threads (one each). Memory: both servers keep buffers per connection, so
# compare the memory each extra connection adds (RSS at 1000 minus at 10,
# per connection): a thread adds at least one touched stack page, so >= 4
# KiB more per connection than epoll is the thread's cost. Switches: >= 2x
# epoll's rate (2x is far outside the ~20% run-to-run noise of the counts).
PAGE_KIB = 4
MORE = 2.0


def _per_conn_kib(f, m):
    lo, hi = CONNS[0], CONNS[-1]
    return (f["%s %d conns: RSS" % (m, hi)] - f["%s %d conns: RSS" % (m, lo)]) * 1024 / (hi - lo)


def verdict_m7(f):
    n = CONNS[-1]
    if not all("%s %d conns: threads" % (m, n) in f for m in MODELS):
        short = ["%s held %d of %d connections, all of them only after %s s of the load" % (
            m, f.get("%s %d conns: connections held" % (m, n), 0), n,
            fmt(f.get("%s %d conns: seconds to hold them all" % (m, n), 0)))
                 for m in MODELS if "%s %d conns: threads" % (m, n) not in f]
        return verdict.inconclusive("the machine is too busy: the servers did not hold every "
                                    "connection at once in time", "; ".join(short))
    g = lambda m, w: f["%s %d conns: %s" % (m, n, w)]  # noqa: E731
    kb, ke = _per_conn_kib(f, "blocking"), _per_conn_kib(f, "epoll")
    said = "at %d connections blocking ran %d threads in %s MiB (%s KiB per connection) " \
        "with %s switches/s; epoll %d thread(s), %s MiB (%s KiB per connection), %s " \
        "switches/s" % (n, g("blocking", "threads"), fmt(g("blocking", "RSS")), fmt(kb),
                        fmt(g("blocking", "context switches per second")),
                        g("epoll", "threads"), fmt(g("epoll", "RSS")), fmt(ke),
                        fmt(g("epoll", "context switches per second")))
    mem = kb - ke >= PAGE_KIB
    sw = g("blocking", "context switches per second") >= \
        MORE * g("epoll", "context switches per second")
    if g("blocking", "threads") >= n and mem and sw:
        return verdict.holds(said)
    if not mem and not sw:
        return verdict.fails(said)
    return verdict.holds_when("counting %s" % ("memory" if mem else "context switches"), said)


VERDICTS = {"M7": verdict_m7}
