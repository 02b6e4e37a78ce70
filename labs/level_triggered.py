# SPDX-License-Identifier: GPL-2.0
"""S6, S8, E5: an fd that stays ready, asked about N times (timeout 0).

labs/progs/level.py asks select (S6: a listener whose connection is never
accepted; S8: a connected socket in the write set, with room in its send
buffer and then with the buffer full) and epoll (E5: level- then
edge-triggered on a socket with one unread byte). iotrace counts, per fd,
how often a call reported it and how often it re-reported it untouched."""
import os
import sys

from lib import procs, verdict
from lib.lab import pct

ORACLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "progs", "level.py")
MODES = {"listener": "pselect6", "writable": "pselect6", "full": "pselect6",
         "lt": "epoll_wait", "et": "epoll_wait"}


def _ask(mode, n):
    report, res = procs.trace_cmd([sys.executable, ORACLE, mode, str(n)])
    procs.require(report, "readiness")
    # The oracle asks about this one fd only, so the waits' totals are its.
    waits = [procs.syscall(report, s) for s in ("select", "pselect6", "epoll_wait",
                                                 "epoll_pwait")]
    return {mode + " calls": sum(w.get("calls", 0) for w in waits),
            mode + " reports": sum(w.get("readiness", {}).get("reports", 0) for w in waits),
            mode + " re-reports": sum(w.get("readiness", {}).get("rereports", 0)
                                      for w in waits)}


def measure(lab):
    n = 50 if lab.quick else 200
    units = {}
    for m in MODES:
        units.update({m + " calls": "calls", m + " reports": "reports",
                      m + " re-reports": "re-reports"})
    f = lab.repeat(lambda: {k: v for m in MODES for k, v in _ask(m, n).items()}, units)
    lab.fig("calls per case", n, "calls")
    cases = {"listener": "S6 listener, never accepted", "writable": "S8 write set, room",
             "full": "S8 write set, buffer full", "lt": "E5 epoll level-triggered",
             "et": "E5 epoll edge-triggered"}
    lab.table("The same fd asked about %d times (timeout 0)" % n,
              ["case", "calls", "reported", "re-reported"],
              [[cases[m], f[m + " calls"], f[m + " reports"], f[m + " re-reports"]]
               for m in MODES])
    lab.bars("Calls that reported the fd, of %d" % n, "calls (count)",
             [cases[m] for m in MODES], [("reported", [f[m + " reports"] for m in MODES]),
                                         ("re-reported untouched",
                                          [f[m + " re-reports"] for m in MODES])])


# Level-triggered means "reported on every call while the condition stays":
# at least 95% of the calls (a call may race the connection's setup).
# Reported at most once means edge-like behaviour: the claim fails.
EVERY = 0.95


def _rate(f, m):
    return f[m + " reports"] / max(f["calls per case"], 1)


def verdict_s6(f):
    r = _rate(f, "listener")
    said = "the unaccepted listener was reported by %s of %d selects (%d re-reports)" \
        % (pct(r), f["calls per case"], f["listener re-reports"])
    if r >= EVERY:
        return verdict.holds(said)
    if f["listener reports"] <= 1:
        return verdict.fails(said)
    return verdict.inconclusive("reported on only some calls", said)


# S8 adds a condition: "while its send buffer has room". With room the
# socket must be reported on >= 95% of calls; with the buffer full on
# none (<= 5%), else the condition is not what decides it.
NEVER = 0.05


def verdict_s8(f):
    room, full = _rate(f, "writable"), _rate(f, "full")
    said = "a connected socket in the write set was reported writable by %s of selects " \
        "with room in its send buffer and %s with the buffer full" % (pct(room), pct(full))
    if room >= EVERY and full <= NEVER:
        return verdict.holds(said)
    if room < 1 - EVERY:
        return verdict.fails(said)
    return verdict.inconclusive("writability did not follow the buffer", said)


# E5: edge-triggered reports the one change once (exactly 1 report) while
# level-triggered reports it on >= 95% of calls.
def verdict_e5(f):
    lt, et = _rate(f, "lt"), f["et reports"]
    said = "a socket with one unread byte was reported by %s of level-triggered " \
        "epoll_waits and %d time(s) in %d edge-triggered ones" % (pct(lt), et,
                                                                  f["calls per case"])
    if et == 1 and lt >= EVERY:
        return verdict.holds(said)
    if et > 1:
        return verdict.fails(said)
    return verdict.inconclusive("level-triggered epoll did not re-report", said)


VERDICTS = {"S6": verdict_s6, "S8": verdict_s8, "E5": verdict_e5}
