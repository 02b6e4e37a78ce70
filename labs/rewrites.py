# SPDX-License-Identifier: GPL-2.0
"""S7: the kernel overwrites select's sets and its timeout.

labs/progs/rewrite.py calls select() N times on 3 sockets, one readable,
with a 50 ms timeout, then poll() N times on the same sockets. iotrace
observes what the kernel wrote back (its JSON `rewrites`): set bits given
and set bits returned, timeouts rewritten and the time left in them, and
for poll the revents written while events stayed."""
import os
import sys

from lib import procs, verdict
from lib.lab import fmt, pct

ORACLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "progs", "rewrite.py")


def _once(n):
    r, res = procs.trace_cmd([sys.executable, ORACLE, str(n)])
    sel = procs.syscall(r, "pselect6") or procs.syscall(r, "select")
    pol = procs.syscall(r, "poll")
    procs.require(r, "rewrites")     # --light leaves them out
    if "rewrites" not in sel:
        raise procs.Missing("rewrites in iotrace's JSON report")
    rw, pw = sel["rewrites"], pol.get("rewrites", {})
    calls = max(rw["calls"], 1)
    return {"select calls": sel["calls"], "select calls observed": rw["calls"],
            "set bits in per call": rw["set_bits_in"] / calls,
            "set bits out per call": rw["set_bits_out"] / calls,
            "timeouts rewritten": rw["timeout_rewritten"] / calls,
            "time left per rewritten timeout":
                rw["timeout_left_ns"] / max(rw["timeout_rewritten"], 1) / 1e6,
            "poll calls observed": pw.get("calls", 0),
            "poll revents set per call": pw.get("revents_set", 0) / max(pw.get("calls", 0), 1),
            "poll events kept per call": pw.get("events_kept", 0) / max(pw.get("calls", 0), 1)}


def measure(lab):
    n = 20 if lab.quick else 100
    f = lab.repeat(lambda: _once(n), {
        "select calls": "calls", "select calls observed": "calls",
        "set bits in per call": "bits", "set bits out per call": "bits",
        "timeouts rewritten": "share of calls", "time left per rewritten timeout": "ms",
        "poll calls observed": "calls", "poll revents set per call": "entries",
        "poll events kept per call": "entries"})
    lab.bars("What select gave the kernel and got back (observed)", "bits per call",
             ["set bits in", "set bits out"],
             [("select", [f["set bits in per call"], f["set bits out per call"]])])


# The sets are overwritten if bits come back cleared: fewer bits out than in
# on every call (3 in, 1 out here). The timeout is overwritten if >= 90% of
# calls got theirs rewritten (a call may return exactly at the deadline).
TIMEOUT_SHARE = 0.9


def verdict_s7(f):
    said = "select gave %s set bits per call and got %s back; %s of timeouts were rewritten " \
        "with %s ms left of 50; poll set revents in %s entries per call and kept events in " \
        "%s" % (fmt(f["set bits in per call"]), fmt(f["set bits out per call"]),
                pct(f["timeouts rewritten"]), fmt(f["time left per rewritten timeout"]),
                fmt(f["poll revents set per call"]), fmt(f["poll events kept per call"]))
    cleared = f["set bits out per call"] < f["set bits in per call"]
    tmo = f["timeouts rewritten"] >= TIMEOUT_SHARE
    if cleared and tmo:
        return verdict.holds(said)
    if not cleared and f["timeouts rewritten"] == 0:
        return verdict.fails(said)
    return verdict.holds_when("counting %s" % ("the sets" if cleared else "the timeout"), said)


VERDICTS = {"S7": verdict_s7}
