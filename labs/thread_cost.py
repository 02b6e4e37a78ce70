# SPDX-License-Identifier: GPL-2.0
"""M7: what a thread per connection costs at 10, 100 and 1000 connections.

loadgen drives the `blocking` server (a thread per connection) and the
`epoll` server with N connections, all active, closed loop. While it runs
the lab reads /proc/PID/status (Threads, VmRSS) and sums the voluntary and
involuntary context switches of /proc/PID/task/* every 0.1 s; switches per
second = their growth while all N connections were open, over that time."""
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


def _sample(model, n, secs):
    """Samples /proc every 0.05 s while loadgen runs; the steady window is
    the samples taken while all n connections were open (n fds or more)."""
    with procs.Server(model) as s:
        err, samples = [], []

        def load():
            try:
                # 3 s more per 1000 connections: blocking needs about a
                # second to start a thread each, and reading 1000 threads'
                # /proc entries takes a while on a busy 2-CPU machine
                procs.loadgen(s.port, n, n, secs + 3.0 * n / 1000)
            except procs.LabError as e:
                err.append(e)

        th = threading.Thread(target=load)
        th.start()
        while th.is_alive():
            if _fds(s.pid) >= n:
                samples.append((time.monotonic(), s.status()))
            time.sleep(0.05)
        th.join()
        if err:
            raise err[0]
    if len(samples) >= 4:
        samples = samples[1:-1]     # not the edges: connections open and close there
    if len(samples) < 2:
        raise procs.LabError("%s never held %d connections long enough" % (model, n))
    (ta, a), (tb, b) = samples[0], samples[-1]
    p = "%s %d conns: " % (model, n)
    return {p + "threads": max(st["threads"] for _, st in samples),
            p + "RSS": max(st["rss_kb"] for _, st in samples) / 1024,
            p + "context switches per second": (b["ctxt_switches"] - a["ctxt_switches"])
            / (tb - ta)}


def measure(lab):
    secs = lab.secs(1.0, 2.5)
    f = lab.repeat(lambda: {k: v for m in MODELS for n in CONNS
                            for k, v in _sample(m, n, secs).items()}, {})
    for k in f:
        lab.figures[k]["unit"] = "threads" if k.endswith("threads") else \
            "MiB" if k.endswith("RSS") else "switches/s"
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
