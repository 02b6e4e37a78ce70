# SPDX-License-Identifier: GPL-2.0
"""Y1-Y3: which syscalls the texts' Python servers really make.

Each Python server of servers/python/ (select.select, selectors, the
threading socketserver) serves 4 clients sending echo requests for a
second while iotrace records every multiplexing call and every thread."""
from lib import procs, verdict

CONNS = 4
WAITS = ("select", "pselect6", "poll", "ppoll", "epoll_wait", "epoll_pwait", "epoll_pwait2")
READS = ("read", "readv", "pread64", "recvfrom", "recvmsg")


def _trace(model, secs):
    with procs.Server(model) as s:
        with procs.Trace(s.pid) as t:
            procs.loadgen(s.port, CONNS, CONNS, secs)
    r = t.report
    calls = {w: procs.syscall(r, w).get("calls", 0) for w in WAITS}
    readers = [th for th in r.get("threads", [])   # socket.recv() is recvfrom
               if any(th.get("syscalls", {}).get(rd, {}).get("calls", 0) > 0 for rd in READS)]
    waiters = [th for th in r.get("threads", [])
               if any(th.get("syscalls", {}).get(w, {}).get("calls", 0) for w in WAITS)]
    return calls, len(r.get("threads", [])), len(readers), len(waiters)


def measure(lab):
    secs = lab.secs(0.8, 2.0)
    rows = []
    for model, tag in (("select_server.py", "select.select"),
                       ("selectors_server.py", "DefaultSelector"),
                       ("threading_server.py", "ThreadingTCPServer")):
        calls, threads, readers, waiters = _trace(model, secs)
        for w, n in calls.items():
            if n:
                lab.fig("%s: %s calls" % (tag, w), n, "calls")
        for w in ("select", "pselect6", "epoll_wait", "epoll_pwait"):
            lab.fig("%s: %s calls" % (tag, w), calls[w], "calls")
        lab.fig("%s: threads with calls" % tag, threads, "threads")
        lab.fig("%s: threads that read" % tag, readers, "threads")
        lab.fig("%s: threads that wait in a multiplexer" % tag, waiters, "threads")
        rows.append([tag] + [calls[w] for w in WAITS] + [threads])
    lab.fig("clients", CONNS, "connections")
    lab.table("Multiplexing calls of the Python servers (%d clients)" % CONNS,
              ["server"] + list(WAITS) + ["threads"], rows)
    lab.bars("Which syscall each Python front-end makes", "calls (count)",
             [r[0] for r in rows],
             [(w, [r[1 + i] for r in rows]) for i, w in enumerate(WAITS)
              if any(r[1 + i] for r in rows)])


def only_one_seen(claimed, other, said, none_seen):
    """Holds when only the claimed syscall was seen, fails when only the
    other one was; neither or both: inconclusive."""
    if claimed > 0 and other == 0:
        return verdict.holds(said)
    if claimed == 0 and other > 0:
        return verdict.fails(said)
    return verdict.inconclusive(none_seen, said)


def verdict_y1(f):
    sel, ps = f["select.select: select calls"], f["select.select: pselect6 calls"]
    said = "Python's select.select() ran the select syscall %d times and pselect6 %d times" \
        % (sel, ps)
    return only_one_seen(sel, ps, said, "no select-family call seen")


def verdict_y2(f):
    ep = f["DefaultSelector: epoll_wait calls"] + f["DefaultSelector: epoll_pwait calls"]
    other = f["DefaultSelector: select calls"] + f["DefaultSelector: pselect6 calls"] + \
        f.get("DefaultSelector: poll calls", 0)
    said = "selectors.DefaultSelector waited in epoll %d times and in select/poll %d times" \
        % (ep, other)
    return only_one_seen(ep, other, said, "no wait seen")


# Y3: "a selector + sockets + threads": one thread per client doing the
# reads (at least as many reading threads as clients) plus a thread that
# waits in a multiplexer (serve_forever).
def verdict_y3(f):
    t = "ThreadingTCPServer"
    readers, waiters = f[t + ": threads that read"], f[t + ": threads that wait in a multiplexer"]
    waits = sum(f.get("%s: %s calls" % (t, w), 0) for w in WAITS)
    said = "the threading socketserver used %d reading threads for %d clients and %d " \
        "thread(s) waiting in a multiplexer (%d waits)" % (readers, f["clients"], waiters, waits)
    if readers >= f["clients"] and waiters >= 1:
        return verdict.holds(said)
    if waiters == 0 or readers <= 1:
        return verdict.fails(said)
    return verdict.inconclusive("fewer reading threads than clients", said)


VERDICTS = {"Y1": verdict_y1, "Y2": verdict_y2, "Y3": verdict_y3}
