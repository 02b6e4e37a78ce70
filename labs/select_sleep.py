# SPDX-License-Identifier: GPL-2.0
"""S4: what select does when nothing is ready.

labs/progs/sleep.py calls select() on one idle socket K times until a
20 ms timeout, then K times until a peer thread writes a byte 5 ms later.
iotrace shows, per call, the time asleep, the scans of the fd list
(passes) and who woke the thread: the timer (hrtimer_wakeup) or the
socket (pollwake)."""
import os
import sys

from lib import procs, verdict
from lib.lab import fmt

ORACLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "progs", "sleep.py")


def _once(k):
    r, res = procs.trace_cmd([sys.executable, ORACLE, str(k)])
    procs.require(r, "wakeups")
    s = procs.syscall(r, "pselect6") or procs.syscall(r, "select")
    calls = max(s.get("calls", 0), 1)
    woke = r.get("wakeups", {}).get("pselect6", {}).get("by_class", {})
    return {"select calls": s.get("calls", 0), "timeouts": s.get("timeouts", 0),
            "calls that slept": s.get("time", {}).get("slept_calls", 0),
            "asleep per call": s.get("time", {}).get("asleep_ns", 0) / calls / 1e6,
            "passes per call": s.get("kernel", {}).get("passes", 0) / calls,
            "woken by the timer": woke.get("timeout", 0),
            "woken by pollwake": woke.get("pollwake", 0)}


def measure(lab):
    k = 10 if lab.quick else 40
    lab.fig("calls per case (K)", k, "calls")
    f = lab.repeat(lambda: _once(k), {"select calls": "calls", "timeouts": "calls",
                                      "calls that slept": "calls", "asleep per call": "ms",
                                      "passes per call": "passes",
                                      "woken by the timer": "wakeups",
                                      "woken by pollwake": "wakeups"})
    lab.bars("Why %d sleeping selects woke up" % (2 * k), "wakeups (count)",
             ["timeout (20 ms)", "pollwake (peer wrote)"],
             [("wakeups", [f["woken by the timer"], f["woken by pollwake"]])])


# Each of the 2K calls must sleep (>= 90%: the first may find the peer's
# byte early), the K timeouts must come from the timer and the K others
# from pollwake (>= 90% each), and after each wakeup select scans again:
# 2 passes per call (>= 1.8; iotrace counts passes as 1 + wakeups, a lower
# bound). No sleep, or exactly one pass per call, contradicts the claim.
SHARE = 0.9


def verdict_s4(f):
    k, calls = f["calls per case (K)"], max(f["select calls"], 1)
    said = "%d of %d selects slept (%s ms each on average); %d woke by the timer, %d by " \
        "pollwake, %s passes per call" % (f["calls that slept"], calls,
                                          fmt(f["asleep per call"]), f["woken by the timer"],
                                          f["woken by pollwake"], fmt(f["passes per call"]))
    if f["calls that slept"] >= SHARE * calls and f["woken by the timer"] >= SHARE * k \
            and f["woken by pollwake"] >= SHARE * k and f["passes per call"] >= 2 * SHARE:
        return verdict.holds(said)
    if f["calls that slept"] == 0 or f["passes per call"] <= 1.0:
        return verdict.fails(said)
    return verdict.inconclusive("some calls did not sleep or rescan", said)


VERDICTS = {"S4": verdict_s4}
