# SPDX-License-Identifier: GPL-2.0
"""M9: asynchronous IO with io_uring.

The `uring` server submits accept, recv and send as io_uring operations
and waits for their completions in io_uring_enter. loadgen sends echo
requests on 4 connections at a fixed 2000 requests/s (a server with
spare time, as most are: a closed loop would keep it busy and hide the
waits) while iotrace counts the server's syscalls,
the time it slept in io_uring_enter and who woke it (io_uring's task
work, io_poll_wake, when the data had arrived)."""
from lib import procs, verdict
from lib.lab import fmt, pct

CONNS = 4
RATE = 2000	# req/s in total: well below what the server can do on one CPU


def _once(secs):
    with procs.Server("uring") as s:
        with procs.Trace(s.pid) as t:
            lg = procs.loadgen(s.port, CONNS, CONNS, secs, "--rate", RATE)
    r = t.report
    procs.require(r, "wakeups")
    e = procs.syscall(r, "io_uring_enter")
    tm = e.get("time", {})
    wake = r.get("wakeups", {}).get("io_uring_enter", {})
    req = max(lg["ok"], 1)
    return {"requests (loadgen)": lg["ok"], "throughput": lg["req_per_s"],
            "read/write/accept syscalls": sum(procs.syscall(r, s).get("calls", 0)
                                              for s in ("read", "write", "accept")),
            "io_uring_enter calls per request": e.get("calls", 0) / req,
            "io_uring_enter asleep per request": tm.get("asleep_ns", 0) / req / 1000,
            "share of the trace asleep in io_uring_enter":
                tm.get("asleep_ns", 0) / 1e9 / max(r["duration_s"], 1e-9),
            "wakeups in io_uring_enter": wake.get("total", 0),
            "wakeups by io_uring": wake.get("by_class", {}).get("io_uring", 0)}


def measure(lab):
    f = lab.repeat(lambda: _once(lab.secs(0.8, 2.0)),
                   {"requests (loadgen)": "requests", "throughput": "req/s",
                    "read/write/accept syscalls": "calls",
                    "io_uring_enter calls per request": "calls",
                    "io_uring_enter asleep per request": "us",
                    "share of the trace asleep in io_uring_enter": "fraction",
                    "wakeups in io_uring_enter": "wakeups", "wakeups by io_uring": "wakeups"})
    lab.bars("Where the uring server's thread spent the trace", "share of the trace",
             ["asleep in io_uring_enter", "elsewhere"],
             [("uring", [f["share of the trace asleep in io_uring_enter"],
                         1 - f["share of the trace asleep in io_uring_enter"]])])


# Both phases in the kernel: no read/write/accept syscall at all, and the
# sleeps ended by io_uring's completion path (>= 90% of wakeups). "Never
# blocks" fails if the thread sleeps for completions a measurable share of
# the time (>= 5% of the trace): it blocks, just in io_uring_enter.
SHARE, ASLEEP = 0.9, 0.05


def verdict_m9(f):
    share = f["wakeups by io_uring"] / max(f["wakeups in io_uring_enter"], 1)
    asleep = f["share of the trace asleep in io_uring_enter"]
    said = "%d read/write/accept syscalls for %d requests; %s io_uring_enter calls per " \
        "request, %s of wakeups by io_uring, asleep in io_uring_enter %s of the trace" % (
            f["read/write/accept syscalls"], f["requests (loadgen)"],
            fmt(f["io_uring_enter calls per request"]), pct(share), pct(asleep))
    if f["read/write/accept syscalls"] > 0 or f["wakeups in io_uring_enter"] == 0:
        return verdict.fails(said)
    if share < SHARE:
        return verdict.inconclusive("other wakeups too", said)
    if asleep >= ASLEEP:
        return verdict.holds_when("'never blocks' means never in read: the thread still "
                                  "sleeps in io_uring_enter for completions", said)
    return verdict.holds(said)


VERDICTS = {"M9": verdict_m9}
