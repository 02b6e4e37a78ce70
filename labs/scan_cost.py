# SPDX-License-Identifier: GPL-2.0
"""S1-S3, P2: select and poll copy and scan every watched fd on each call.

The `select` and `poll` servers hold IDLE connections that never send
plus one client sending an echo request every 5 ms (loadgen --rate 200),
at two sizes, while iotrace derives the bytes each call copies (from the
arguments, by fs/select.c's rules), counts the scans of the fd list
(passes, observed as 1 + wakeups), the fds examined, the wait-queue
registrations and who woke the sleeper."""
from lib import procs, verdict
from lib.lab import fmt, pct

SIZES = (10, 500)       # idle connections: few, then many (select stays < 1024)
RATE = 200


def _one(model, idle, secs):
    with procs.Server(model) as s:
        with procs.Trace(s.pid) as t:
            procs.loadgen(s.port, idle + 1, 1, secs, "--rate", RATE)
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
            p + "registrations per call that slept":
                k.get("registrations", 0) / max(tm.get("slept_calls", 0), 1),
            p + "wakeups by pollwake": wake.get("by_class", {}).get("pollwake", 0)
                / max(wake.get("total", 0), 1)}


UNITS = {"fds watched per call": "fds", "fds ready per call": "fds",
         "bytes in per call": "B (derived)", "bytes out per call": "B (derived)",
         "passes per call": "passes (lb)", "fds examined per pass": "fds (derived)",
         "registrations per call that slept": "entries (derived)",
         "wakeups by pollwake": "share of wakeups"}


def measure(lab):
    secs = lab.secs(0.8, 2.0)
    units = {"%s %d idle: %s" % (m, n, k): u for m in ("select", "poll") for n in SIZES
             for k, u in UNITS.items()}
    f = lab.repeat(lambda: {k: v for m in ("select", "poll") for n in SIZES
                            for k, v in _one(m, n, secs).items()}, units)
    for key, title in (("bytes in per call", "Bytes copied in per call (derived)"),
                       ("fds examined per pass", "fds polled per pass")):
        lab.line_chart(title + " against fds watched", "fds watched (fds)",
                       title + (" (B)" if "bytes" in key else " (fds)"),
                       [(m, [f["%s %d idle: fds watched per call" % (m, n)] for n in SIZES],
                         [f["%s %d idle: %s" % (m, n, key)] for n in SIZES])
                        for m in ("select", "poll")])


def _g(f, model, n, key):
    return f["%s %d idle: %s" % (model, n, key)]


# S1: the copy must happen both ways on every call and grow with the fds:
# from 11 to 501 watched fds the fd_set bytes grow 8x (1 -> 8 words per
# set); we ask for at least 2x, and call "no growth" anything under 1.2x.
GROWS, FLAT = 2.0, 1.2


def verdict_s1(f):
    lo, hi = SIZES
    bi, bo = _g(f, "select", lo, "bytes in per call"), _g(f, "select", hi, "bytes in per call")
    out = _g(f, "select", hi, "bytes out per call")
    said = "select copied %s B in per call at %s watched fds and %s B at %s, and %s B " \
        "back out" % (fmt(bi), fmt(_g(f, "select", lo, "fds watched per call")), fmt(bo),
                      fmt(_g(f, "select", hi, "fds watched per call")), fmt(out))
    if bi > 0 and out > 0 and bo >= GROWS * bi:
        return verdict.holds(said)
    if out == 0 or bo < FLAT * bi:
        return verdict.fails(said)
    return verdict.inconclusive("the copy grew less than expected", said)


# S2 and P2: every watched fd is polled on each pass: fds examined per pass
# within 10% of fds watched (iotrace's passes are a lower bound, so the
# ratio can only err high), while only about one fd is ready.
EVERY_FD = 0.9


def _scans_all(f, model):
    return all(_g(f, model, n, "fds examined per pass") >=
               EVERY_FD * _g(f, model, n, "fds watched per call") > 0 for n in SIZES)


def verdict_s2(f):
    hi = SIZES[1]
    said = "select polled %s fds per pass with %s watched and %s ready per call" % (
        fmt(_g(f, "select", hi, "fds examined per pass")),
        fmt(_g(f, "select", hi, "fds watched per call")),
        fmt(_g(f, "select", hi, "fds ready per call")))
    if _scans_all(f, "select"):
        return verdict.holds(said)
    if _g(f, "select", hi, "fds examined per pass") <= 2 * _g(f, "select", hi,
                                                             "fds ready per call"):
        return verdict.fails(said)
    return verdict.inconclusive("fewer fds polled than watched", said)


# S3: a call that sleeps registers on every watched fd's wait queue (>= 90%
# of them per sleeping call), and the wakeups come from pollwake (>= 90%).
def verdict_s3(f):
    hi = SIZES[1]
    regs, w = _g(f, "select", hi, "registrations per call that slept"), \
        _g(f, "select", hi, "fds watched per call")
    pw = _g(f, "select", hi, "wakeups by pollwake")
    said = "a select that slept registered %s wait-queue entries for %s watched fds; %s of " \
        "its wakeups came from pollwake, then it polled %s fds again" % (
            fmt(regs), fmt(w), pct(pw), fmt(_g(f, "select", hi, "fds examined per pass")))
    if regs >= EVERY_FD * w and pw >= EVERY_FD and _scans_all(f, "select"):
        return verdict.holds(said)
    if regs < 0.1 * w or pw < 0.1:
        return verdict.fails(said)
    return verdict.inconclusive("registrations or wakeups only partly seen", said)


# P2: 8 bytes in per pollfd entry every call (>= 8 x watched, within 5%:
# both are means over calls made while connections were still arriving)
# and every entry polled on each pass.
POLLFD, MEANS = 8, 0.95


def verdict_p2(f):
    lo, hi = SIZES
    said = "poll copied %s B in per call at %s fds and %s B at %s, and polled %s fds per " \
        "pass" % (fmt(_g(f, "poll", lo, "bytes in per call")),
                  fmt(_g(f, "poll", lo, "fds watched per call")),
                  fmt(_g(f, "poll", hi, "bytes in per call")),
                  fmt(_g(f, "poll", hi, "fds watched per call")),
                  fmt(_g(f, "poll", hi, "fds examined per pass")))
    copies = all(_g(f, "poll", n, "bytes in per call") >=
                 MEANS * POLLFD * _g(f, "poll", n, "fds watched per call") for n in SIZES)
    if copies and _scans_all(f, "poll"):
        return verdict.holds(said)
    if _g(f, "poll", hi, "bytes in per call") < FLAT * _g(f, "poll", lo, "bytes in per call"):
        return verdict.fails(said)
    return verdict.inconclusive("poll copied or scanned less than its array", said)


VERDICTS = {"S1": verdict_s1, "S2": verdict_s2, "S3": verdict_s3, "P2": verdict_p2}
