# SPDX-License-Identifier: GPL-2.0
"""S1-S3, P2: select and poll copy and scan every watched fd on each call.

The `select` and `poll` servers hold IDLE connections that never send
(opened by the lab, all up before tracing starts) plus one client sending
an echo request every 5 ms (loadgen --rate 200), at 6 sizes from 10 to 1000
idle (3 in quick mode), while iotrace derives the bytes each call copies
(from the arguments, by fs/select.c's rules), counts the scans of the fd
list (passes, observed as 1 + wakeups), the fds examined, the wait-queue
registrations and who woke the sleeper. Each figure is then fitted
against the fds watched with a straight line (least squares over every
run): its slope is the cost per watched fd the claims are about."""
import os
import socket
import time

from lib import procs, verdict
from lib.lab import fmt, pct

# Idle connections: full mode 6 sizes, about x2.5 apart from 10 to 1000 (a
# log scale: the claim is about orders of magnitude); quick mode 3. select
# stays under its 1024-fd limit: 1000 idle + 1 active + the listener.
SIZES = (10, 25, 60, 150, 400, 1000)
QUICK_SIZES = (10, 100, 1000)
RATE = 200
MODELS = ("select", "poll")


def sizes(quick):
    return QUICK_SIZES if quick else SIZES


def _open_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


class Idle:
    """n connections that never send, opened by the lab before the trace
    starts and held until it ends: every call traced watches all of them
    (loadgen's idle connections would still be arriving during the first
    calls, whose fds watched then vary)."""

    def __init__(self, server, n, timeout=20):
        base, self.socks = _open_fds(server.pid), []
        try:
            for _ in range(n):
                self.socks.append(socket.create_connection(("127.0.0.1", server.port)))
            deadline = time.monotonic() + timeout
            while _open_fds(server.pid) < base + n:
                if time.monotonic() > deadline:
                    raise procs.LabError("%s accepted %d of %d idle connections in %d s" % (
                        server.model, _open_fds(server.pid) - base, n, timeout))
                time.sleep(0.01)
        except BaseException:
            self.close()
            raise

    def close(self):
        for c in self.socks:
            c.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _one(model, idle, secs):
    with procs.Server(model) as s, Idle(s, idle):
        with procs.Trace(s.pid) as t:
            procs.loadgen(s.port, 1, 1, secs, "--rate", RATE)
    procs.require(t.report, "kernel.bytes_in", "kernel.fds_examined", "kernel.registrations",
                  "wakeups")
    sysname = "pselect6" if model == "select" else "poll"
    c = procs.syscall(t.report, sysname)
    if not c:
        c = procs.syscall(t.report, "select")
    k, tm = c.get("kernel", {}), c.get("time", {})
    calls, passes = max(c.get("calls", 0), 1), max(k.get("passes", 0), 1)
    wake = t.report.get("wakeups", {}).get(sysname, {})
    p = "%s %d idle: " % (model, idle)
    return {p + "fds watched per call": c.get("fds_watched", {}).get("mean", 0),
            p + "fds ready per call": c.get("fds_ready", {}).get("total", 0) / calls,
            p + "bytes in per call": k.get("bytes_in", 0) / calls,
            p + "bytes out per call": k.get("bytes_out", 0) / calls,
            p + "passes per call": passes / calls,
            p + "fds examined per pass": k.get("fds_examined", 0) / passes,
            p + "registrations per call": k.get("registrations", 0) / calls,
            p + "calls that slept": tm.get("slept_calls", 0) / calls,
            p + "wakeups by pollwake": wake.get("by_class", {}).get("pollwake", 0)
                / max(wake.get("total", 0), 1)}


UNITS = {"fds watched per call": "fds", "fds ready per call": "fds",
         "bytes in per call": "B (derived)", "bytes out per call": "B (derived)",
         "passes per call": "passes (lb)", "fds examined per pass": "fds (derived)",
         "registrations per call": "entries (derived)", "calls that slept": "share of calls",
         "wakeups by pollwake": "share of wakeups"}


# The lines the verdicts read, fitted through every run of every size:
# (figure, its unit), each against the fds watched per call. The claims
# name the model: linear in the fds watched, the slope the cost per fd.
FITS = (("bytes in per call", "B"), ("bytes out per call", "B"),
        ("fds examined per pass", "fds"), ("registrations per call", "entries"))
X = "fds watched per call"


def _key(model, n, what):
    return "%s %d idle: %s" % (model, n, what)


def fit_lines(lab, ns):
    """The lines of FITS through the figures of sizes ns: {(model, figure): Fit}."""
    return {(m, what): lab.fit("%s: %s" % (m, what), [(_key(m, n, X), _key(m, n, what))
                                                      for n in ns], "fds watched", unit, "fd")
            for m in MODELS for what, unit in FITS}


def measure(lab):
    secs = lab.secs(0.8, 2.0)
    ns = sizes(lab.quick)
    units = {_key(m, n, k): u for m in MODELS for n in ns for k, u in UNITS.items()}
    f = lab.repeat(lambda: {k: v for m in MODELS for n in ns
                            for k, v in _one(m, n, secs).items()}, units)
    fits = fit_lines(lab, ns)
    for m in MODELS:
        lab.points_table("%s: per call, by idle connections (median, min..max of runs)" % m,
                         "idle", [(n, {k: _key(m, n, k) for k in UNITS}) for n in ns],
                         list(UNITS))
    for what, title, unit in (
            ("bytes in per call", "Bytes copied in per call (derived)", "B"),
            ("fds examined per pass", "fds polled per pass", "fds"),
            ("registrations per call", "Wait-queue entries per call", "entries")):
        lab.fit_chart(title + " against fds watched", "fds watched (fds, log)",
                      "%s (%s, log)" % (title, unit),
                      [(m, [f[_key(m, n, X)] for n in ns], [f[_key(m, n, what)] for n in ns],
                        fits[m, what]) for m in MODELS], x_log=True, y_log=True)


def line(f, model, what):
    return verdict.fitted(f, "%s: %s" % (model, what))


def _g(f, model, n, key):
    return f[_key(model, n, key)]


def _at_most(f, model, key):
    """The figure at the largest size measured."""
    n = max(int(k.split()[1]) for k in f if k.startswith(model + " ") and k.endswith(key))
    return n, _g(f, model, n, key)


# S1: the copy must happen both ways on every call and grow with the fds.
# The kernel's rule: 8 x ceil(nfds / 64) bytes per set, so each non-NULL
# set adds 1/8 B per fd (the select server passes three: 0.375 B per fd).
# The line holds when its whole 95% interval is at or above 0.1 B per fd
# (one set, less 20% for the 64-fd steps) with R^2 >= 0.95 (the steps
# bend it a little), both ways; no growth is an interval under 0.02 B per
# fd (one 8-byte word per 400 fds), or nothing copied back.
PER_SET, GROWS, FLAT, STEPS_R2 = 0.125, 0.1, 0.02, 0.95


def verdict_s1(f):
    i, o = line(f, "select", "bytes in per call"), line(f, "select", "bytes out per call")
    said = "bytes in per call = %s; bytes out per call = %s; slope in %s B per fd (%s " \
        "sets' worth at 1/8 B per fd each)" % (i.eq("fds"), o.eq("fds"), i.interval(),
                                                fmt(i.slope / PER_SET))
    if i.lo >= GROWS and o.lo >= GROWS and i.r2 >= STEPS_R2 and o.r2 >= STEPS_R2:
        return verdict.holds(said)
    if i.hi < FLAT or o.hi < FLAT:
        return verdict.fails(said)
    return verdict.inconclusive("the copy grew less than the kernel's rule, or not on "
                                "a line", said)


# S2 and P2: every watched fd is polled on each pass: fds examined per pass
# against fds watched is a line of slope 1 (its 95% interval within
# [0.9, 1.1]) that explains the points (R^2 >= 0.98), while the fds ready
# stay about one. iotrace's passes are a lower bound, so examined per pass
# can only err high. A slope under 0.5 means the scan does not follow the
# fds watched (as epoll's ready list would not).
EVERY_FD, SCAN_R2, NOT_SCANNED = (0.9, 1.1), 0.98, 0.5


def _scans_all(f, model):
    e = line(f, model, "fds examined per pass")
    return e.within(*EVERY_FD) and e.r2 >= SCAN_R2


def verdict_s2(f):
    e = line(f, "select", "fds examined per pass")
    n, ready = _at_most(f, "select", "fds ready per call")
    said = "fds examined per pass = %s, slope %s; at %d idle connections %s fd(s) ready " \
        "per call" % (e.eq("fds watched"), e.interval(), n, fmt(ready))
    if _scans_all(f, "select"):
        return verdict.holds(said)
    if e.hi < NOT_SCANNED:
        return verdict.fails(said)
    return verdict.inconclusive("fds polled per pass do not follow fds watched on a line "
                                "of slope 1", said)


# S3: every call registers on the wait queue of each fd it polls until one
# is ready (all of them when it sleeps): the one active connection is the
# highest fd here, so each call registers on all it watches, every time.
# Registrations per call against fds watched: slope in [0.9, 1.1] with
# R^2 >= 0.98; and the sleepers are woken by pollwake (>= 90% at every
# size). Slope under 0.1, or pollwake under 10%, refutes it.
POLLWAKE = 0.9


def verdict_s3(f):
    r = line(f, "select", "registrations per call")
    pw = min(v for k, v in f.items() if k.startswith("select ") and
             k.endswith("wakeups by pollwake"))
    n, slept = _at_most(f, "select", "calls that slept")
    said = "wait-queue entries per select = %s, slope %s; at %d idle connections %s of " \
        "calls slept, pollwake made %s of the wakeups (the least at any size), and each " \
        "woken call polled every fd again" % (r.eq("fds watched"), r.interval(), n, pct(slept),
                                              pct(pw))
    if r.within(*EVERY_FD) and r.r2 >= SCAN_R2 and pw >= POLLWAKE and \
            _scans_all(f, "select"):
        return verdict.holds(said)
    if r.hi < 0.1 or pw < 1 - POLLWAKE:
        return verdict.fails(said)
    return verdict.inconclusive("registrations or wakeups only partly seen", said)


# P2: 8 bytes in per pollfd entry every call: bytes in against fds watched,
# slope within 5% of 8 B per fd, R^2 >= 0.98 (both are means over the same
# calls, made while connections were still arriving), and every entry
# polled on each pass. A slope under 1 B per fd: the array is not copied.
POLLFD, MEANS = 8, 0.05


def verdict_p2(f):
    b, e = line(f, "poll", "bytes in per call"), line(f, "poll", "fds examined per pass")
    said = "bytes in per call = %s, slope %s B per fd; fds examined per pass = %s" % (
        b.eq("fds"), b.interval(), e.eq("fds watched"))
    copies = b.within(POLLFD * (1 - MEANS), POLLFD * (1 + MEANS)) and b.r2 >= SCAN_R2
    if copies and _scans_all(f, "poll"):
        return verdict.holds(said)
    if b.hi < 1 or e.hi < NOT_SCANNED:
        return verdict.fails(said)
    return verdict.inconclusive("poll copied or scanned less than its array", said)


VERDICTS = {"S1": verdict_s1, "S2": verdict_s2, "S3": verdict_s3, "P2": verdict_p2}
