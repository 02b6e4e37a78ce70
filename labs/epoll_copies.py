# SPDX-License-Identifier: GPL-2.0
"""E1, E2, E4: what epoll copies and how it learns an fd is ready.

The level-triggered `epoll` server holds 100 connections, 4 of them
sending echo requests in a closed loop, while iotrace counts per call the
bytes copied in and out (derived from the arguments by fs/eventpoll.c's
rules), the wait-queue registrations made by epoll_ctl(ADD) and who woke
epoll_wait. Then the lab tries the mmap that E4 says epoll uses: mmap()
of an epoll fd."""
import errno
import mmap
import select

from lib import procs, verdict
from lib.lab import fmt, pct

CONNS, ACTIVE = 100, 4


def _mmap_epoll_errno():
    """0 if mmap() of an epoll fd works, else its errno (ENODEV: no mmap op)."""
    ep = select.epoll()
    try:
        mmap.mmap(ep.fileno(), 4096).close()
        return 0
    except OSError as e:
        return e.errno
    finally:
        ep.close()


def measure(lab):
    with procs.Server("epoll") as s:
        with procs.Trace(s.pid) as t:
            procs.loadgen(s.port, CONNS, ACTIVE, lab.secs(1.0, 2.0))
    r = t.report
    procs.require(r, "kernel.bytes_in", "kernel.bytes_out",
                  syscalls=("epoll_ctl(ADD)", "epoll_wait"))
    # who woke epoll_wait: E2's alone (--light leaves it out; E1 and E4 decide)
    no_wakers = procs.missing(r, "wakeups")
    add, w = procs.syscall(r, "epoll_ctl(ADD)"), procs.syscall(r, "epoll_wait")
    wake = (r.get("wakeups") or {}).get("epoll_wait") or {}
    adds, waits = max(add.get("calls", 0), 1), max(w.get("calls", 0), 1)
    events = max(w.get("fds_ready", {}).get("total", 0), 1)
    lab.fig("connections (epoll_ctl ADD expected)", CONNS, "connections")
    lab.fig("epoll_ctl(ADD) calls", add.get("calls", 0), "calls")
    lab.fig("bytes in per epoll_ctl(ADD) (derived)", add["kernel"]["bytes_in"] / adds, "B")
    lab.fig("registrations per epoll_ctl(ADD) (derived)",
            add["kernel"].get("registrations", 0) / adds, "wait-queue entries")
    lab.fig("epoll_wait calls", w.get("calls", 0), "calls")
    lab.fig("fds watched per epoll_wait", w.get("fds_watched", {}).get("mean", 0), "fds")
    lab.fig("fds ready per epoll_wait", events / waits, "fds")
    lab.fig("bytes in per epoll_wait (derived)", w["kernel"]["bytes_in"] / waits, "B")
    lab.fig("bytes out per ready event (derived)", w["kernel"]["bytes_out"] / events, "B")
    if no_wakers:
        lab.not_measured(("E2",), *no_wakers)
    else:
        lab.fig("epoll_wait wakeups", wake.get("total", 0), "wakeups")
        lab.fig("wakeups by ep_poll_callback",
                wake.get("by_class", {}).get("ep_poll_callback", 0), "wakeups")
    lab.fig("mmap of an epoll fd: errno", _mmap_epoll_errno(), "errno (19 = ENODEV)")
    f = {k: v["value"] for k, v in lab.figures.items()}
    lab.bars("Bytes copied between user and kernel memory (derived)", "bytes per call",
             ["epoll_ctl(ADD) in", "epoll_wait in", "epoll_wait out per event"],
             [("epoll", [f["bytes in per epoll_ctl(ADD) (derived)"],
                         f["bytes in per epoll_wait (derived)"],
                         f["bytes out per ready event (derived)"]])])


# E1: struct epoll_event is 12 bytes on x86_64: exactly 12 B per ADD, one
# ADD per connection, and 0 B into each epoll_wait.
EVENT_BYTES = 12


def verdict_e1(f):
    said = "%d epoll_ctl(ADD) for %d connections copied %s B each; %d epoll_waits copied " \
        "%s B in" % (f["epoll_ctl(ADD) calls"], f["connections (epoll_ctl ADD expected)"],
                     fmt(f["bytes in per epoll_ctl(ADD) (derived)"]), f["epoll_wait calls"],
                     fmt(f["bytes in per epoll_wait (derived)"]))
    once = f["epoll_ctl(ADD) calls"] == f["connections (epoll_ctl ADD expected)"]
    if once and f["bytes in per epoll_wait (derived)"] == 0 and \
            f["bytes in per epoll_ctl(ADD) (derived)"] == EVENT_BYTES:
        return verdict.holds(said)
    if f["bytes in per epoll_wait (derived)"] > 0:
        return verdict.fails(said)
    return verdict.inconclusive("ADD calls do not match the connections", said)


# E2: one wait-queue entry per ADD (sockets use one wait queue), and the
# waits woken by ep_poll_callback (>= 90%: a timer or signal may add a few).
CALLBACK_SHARE = 0.9


def verdict_e2(f):
    total = max(f["epoll_wait wakeups"], 1)
    share = f["wakeups by ep_poll_callback"] / total
    regs = f["registrations per epoll_ctl(ADD) (derived)"]
    said = "%s wait-queue registration per epoll_ctl(ADD); %s of %d epoll_wait wakeups " \
        "came through ep_poll_callback; %s of %s watched fds ready per wait" % (
            fmt(regs), pct(share), f["epoll_wait wakeups"],
            fmt(f["fds ready per epoll_wait"]), fmt(f["fds watched per epoll_wait"]))
    if regs == 1 and share >= CALLBACK_SHARE and f["epoll_wait wakeups"] > 0:
        return verdict.holds(said)
    if f["epoll_wait wakeups"] > 0 and share < 1 - CALLBACK_SHARE:
        return verdict.fails(said)
    return verdict.inconclusive("too few wakeups to tell", said)


# E4: if epoll shared its ready list through mmap, no bytes would be copied
# per event and mmap() of the epoll fd would work. 12 B copied per event and
# ENODEV from mmap refute it.
def verdict_e4(f):
    per, err = f["bytes out per ready event (derived)"], f["mmap of an epoll fd: errno"]
    said = "epoll_wait copied %s B out per ready event and mmap() of an epoll fd failed " \
        "with %s" % (fmt(per), errno.errorcode.get(err, err) if err else "no error")
    if err == errno.ENODEV and per >= EVENT_BYTES:
        return verdict.fails(said)
    if err == 0 and per == 0:
        return verdict.holds(said)
    return verdict.inconclusive("the copies and mmap disagree", said)


VERDICTS = {"E1": verdict_e1, "E2": verdict_e2, "E4": verdict_e4}
