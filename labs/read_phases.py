# SPDX-License-Identifier: GPL-2.0
"""M1-M3: the two phases of a network read, blocking and non-blocking.

One client sends a 64-byte echo line every 5 ms (loadgen --rate 200) to the
thread-per-connection `blocking` server, then to the busy-polling
`nonblocking` server, while iotrace times every read(): how long the thread
slept in it (the wait for data, phase 1) and how long it ran on the CPU
after its last wakeup (the copy to user memory, phase 2), and how many
reads failed with EAGAIN."""
from lib import procs, verdict
from lib.lab import fmt, pct

RATE = 200              # requests/s: 5 ms between requests, so a read waits
UNITS = {}


def _reads(model, secs):
    with procs.Server(model) as s:
        with procs.Trace(s.pid) as t:
            procs.loadgen(s.port, 1, 1, secs, "--rate", RATE)
    rd, req = procs.syscall(t.report, "read"), t.report["per_request"]["requests"]
    tm, data = rd.get("time", {}), max(rd.get("data_calls", 0), 1)
    return {
        model + " requests": req,
        model + " reads per request": rd.get("calls", 0) / max(req, 1),
        model + " EAGAIN per request": rd.get("errno", {}).get("EAGAIN", 0) / max(req, 1),
        model + " reads that slept per data read": tm.get("slept_calls", 0) / data,
        model + " wait phase per data read": tm.get("asleep_ns", 0) / data / 1000,
        model + " copy phase per data read": tm.get("copy_phase_ns", 0) / data / 1000,
    }


def measure(lab):
    units = {}
    for model in ("blocking", "nonblocking"):
        units.update({model + " requests": "requests",
                      model + " reads per request": "calls",
                      model + " EAGAIN per request": "calls",
                      model + " reads that slept per data read": "ratio",
                      model + " wait phase per data read": "us",
                      model + " copy phase per data read": "us"})
    lab.note("The copy phase is timed from the read's last wakeup; a non-blocking read "
             "never sleeps, so its copy is inside its on-CPU time and shows as 0 here.")
    secs = lab.secs(1.0, 2.0)
    f = lab.repeat(lambda: {**_reads("blocking", secs), **_reads("nonblocking", secs)}, units)
    lab.table("Per data read (one client, a request every 5 ms)",
              ["server", "wait phase (us)", "copy phase (us)", "slept/read", "EAGAIN/request"],
              [[m, f[m + " wait phase per data read"], f[m + " copy phase per data read"],
                f[m + " reads that slept per data read"], f[m + " EAGAIN per request"]]
               for m in ("blocking", "nonblocking")])
    lab.bars("Time per read that returned data", "time per read (us, log: see table)",
             ["wait phase (asleep)", "copy phase (on CPU)"],
             [(m, [f[m + " wait phase per data read"], f[m + " copy phase per data read"]])
              for m in ("blocking", "nonblocking")])


# M1: both phases must be seen, separately. The client waits 5 ms between
# requests, so a read that waits sleeps ~5000 us; any copy of 64 bytes takes
# more than 0 us. Less than half the reads sleeping means the wait phase
# was not seen (the data was always there already).
MIN_SLEPT = 0.5


def verdict_m1(f):
    w, c = f["blocking wait phase per data read"], f["blocking copy phase per data read"]
    s = f["blocking reads that slept per data read"]
    said = "a blocking read slept %s us waiting for data (%s of reads slept), then ran " \
           "%s us copying it" % (fmt(w), pct(s), fmt(c))
    if s >= MIN_SLEPT and w > 0 and c > 0:
        return verdict.holds(said)
    return verdict.fails(said)


# M2: the blocking caller is inside read() for both phases: nearly every
# data read slept (>= 90%: a few may find data already queued) and the copy
# ran inside the same call. Under 10% sleeping means it did not block.
BLOCKED = 0.9
NOT_BLOCKED = 0.1


def verdict_m2(f):
    s, c = f["blocking reads that slept per data read"], f["blocking copy phase per data read"]
    said = "%s of blocking reads slept in read() before the %s us copy in the same call" \
           % (pct(s), fmt(c))
    if s >= BLOCKED and c > 0:
        return verdict.holds(said)
    if s < NOT_BLOCKED:
        return verdict.fails(said)
    return verdict.inconclusive("only some reads slept", said)


# M3: with 5 ms between requests a loop that asks again and again gets far
# more than 10 EAGAIN per request (a read takes < 1 us); fewer than 1 means
# the program did not poll, and any read that slept means it blocked.
MANY_EAGAIN = 10


def verdict_m3(f):
    e = f["nonblocking EAGAIN per request"]
    s = f["nonblocking reads that slept per data read"]
    said = "the non-blocking server got %s EAGAIN per request (%s reads) and %s of its " \
           "reads slept" % (fmt(e), fmt(f["nonblocking reads per request"]), pct(s))
    if e >= MANY_EAGAIN and s == 0:
        return verdict.holds(said)
    if e < 1 or s > NOT_BLOCKED:
        return verdict.fails(said)
    return verdict.inconclusive("few EAGAIN per request", said)


VERDICTS = {"M1": verdict_m1, "M2": verdict_m2, "M3": verdict_m3}
