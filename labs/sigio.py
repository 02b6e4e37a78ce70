# SPDX-License-Identifier: GPL-2.0
"""M8: signal-driven IO.

The `sigio` server sets O_ASYNC and F_SETSIG on its sockets and waits in
sigwaitinfo(); loadgen sends echo requests on 4 connections while iotrace
records who woke the server (the waker's stack names the path: the socket's
sock_def_readable -> kill_fasync -> send_sigio -> complete_signal) and how
many reads found nothing (the signal says "something happened", not how
much, so the server reads until EAGAIN)."""
from lib import procs, verdict
from lib.lab import fmt, pct

CONNS = 4


def _once(secs):
    with procs.Server("sigio") as s:
        with procs.Trace(s.pid) as t:
            lg = procs.loadgen(s.port, CONNS, CONNS, secs)
    r = t.report
    procs.require(r, "wakeups")
    wakes = r.get("wakeups", {})
    signals = sum(w.get("by_class", {}).get("signal", 0) for k, w in wakes.items()
                  if isinstance(w, dict) and "by_class" in w)
    total = sum(w.get("total", 0) for k, w in wakes.items() if isinstance(w, dict)
                and "total" in w)
    via_sigio = sum(st["count"] for st in wakes.get("top_stacks", [])
                    if "send_sigio" in st.get("frames", []))
    req = max(r["per_request"]["requests"], 1)
    return {"requests": r["per_request"]["requests"], "throughput": lg["req_per_s"],
            "wakeups": total, "wakeups by a signal": signals,
            "signal wakeups through send_sigio (top stacks)": via_sigio,
            "multiplexing waits per request": r["per_request"]["waits"] / req,
            "EAGAIN reads per request": procs.syscall(r, "read").get("errno", {})
            .get("EAGAIN", 0) / req}


def measure(lab):
    lab.repeat(lambda: _once(lab.secs(0.8, 2.0)),
               {"requests": "requests", "throughput": "req/s", "wakeups": "wakeups",
                "wakeups by a signal": "wakeups",
                "signal wakeups through send_sigio (top stacks)": "wakeups",
                "multiplexing waits per request": "calls",
                "EAGAIN reads per request": "calls"})
    lab.note("'Rarely used' is about practice, not the kernel: no measurement decides it. "
             "The lab shows that the mechanism works and what it costs per request.")


# The claim is that the mechanism exists: requests served with the server
# woken by signals (>= 90% of its wakeups) and no select/poll/epoll at all.
SHARE = 0.9


def verdict_m8(f):
    share = f["wakeups by a signal"] / max(f["wakeups"], 1)
    said = "the sigio server answered %d requests (%s req/s) woken by signals %s of the " \
        "time (%d through send_sigio) with %s multiplexing waits and %s EAGAIN reads per " \
        "request" % (f["requests"], fmt(f["throughput"]), pct(share),
                     f["signal wakeups through send_sigio (top stacks)"],
                     fmt(f["multiplexing waits per request"]),
                     fmt(f["EAGAIN reads per request"]))
    if f["requests"] > 0 and share >= SHARE and f["multiplexing waits per request"] == 0:
        return verdict.holds(said)
    if f["wakeups by a signal"] == 0:
        return verdict.fails(said)
    return verdict.inconclusive("other wakeups too", said)


VERDICTS = {"M8": verdict_m8}
