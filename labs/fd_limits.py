# SPDX-License-Identifier: GPL-2.0
"""S5, P1, E6: how many descriptors each mechanism takes.

labs/progs/bigfd.py puts a readable socket at fd 3000 and asks select
(through Python's select.select and through the raw select syscall) and
poll about it; then fills an open-file limit with sockets registered in
one epoll set. iotrace counts the calls and what each returned."""
import sys
import os

from lib import procs, verdict


ORACLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "progs", "bigfd.py")
UNITS = {"raw select calls": "calls", "raw select found fd 3000 ready": "calls",
         "python select.select refused fd 3000": "yes=1",
         "poll calls": "calls", "poll found fd 3000 ready": "calls",
         "poll failed": "calls", "open-file limit": "fds", "epoll_ctl(ADD) done": "calls",
         "epoll_ctl(ADD) failed": "calls", "fds open at the end": "fds",
         "fs.epoll.max_user_watches": "registrations", "fs.nr_open": "fds"}


def _run(mode, n):
    return procs.trace_cmd([sys.executable, ORACLE, mode, str(n)])


def _read_int(path):
    with open(path) as f:
        return int(f.read())


def measure(lab):
    n = 20 if lab.quick else 100
    limit = 2048 if lab.quick else 8192
    r, res = _run("select", n)
    sel = procs.syscall(r, "select")
    lab.fig("raw select calls", sel.get("calls", 0), "calls")
    lab.fig("raw select found fd 3000 ready", sel.get("fds_ready", {}).get("total", 0), "calls")
    lab.fig("python select.select refused fd 3000", int(res["python"] != "accepted"), "yes=1")
    r, res = _run("poll", n)
    p = procs.syscall(r, "poll")
    lab.fig("poll calls", p.get("calls", 0), "calls")
    lab.fig("poll found fd 3000 ready", p.get("fds_ready", {}).get("total", 0), "calls")
    lab.fig("poll failed", p.get("failed", 0), "calls")
    rw = p.get("rewrites")
    if rw:                      # what the kernel wrote into the array (a sample of calls)
        lab.fig("poll entries re-read (observed)", rw.get("pollfds_reread", 0), "entries")
        lab.fig("poll events kept (observed)", rw.get("events_kept", 0), "entries")
        lab.fig("poll revents set (observed)", rw.get("revents_set", 0), "entries")
    r, res = _run("epoll", limit)
    add = procs.syscall(r, "epoll_ctl(ADD)")
    lab.fig("open-file limit", limit, "fds")
    lab.fig("epoll_ctl(ADD) done", add.get("calls", 0) - add.get("failed", 0), "calls")
    lab.fig("epoll_ctl(ADD) failed", add.get("failed", 0), "calls")
    lab.fig("fds open at the end", res["open_fds"], "fds")
    lab.fig("fs.epoll.max_user_watches", _read_int("/proc/sys/fs/epoll/max_user_watches"),
            "registrations")
    lab.fig("fs.nr_open", _read_int("/proc/sys/fs/nr_open"), "fds")
    lab.fig("calls per case", n, "calls")
    lab.note("Python's select.select said: %s" % ("accepted" if not lab.figures[
        "python select.select refused fd 3000"]["value"] else "ValueError"))


# S5: the kernel limit would show as the raw select refusing fd 3000. If
# the kernel took it on every call (all N found ready), 1024 is a limit of
# the C library's fd_set (and of Python's select.select) only.
def verdict_s5(f):
    n, raw = f["calls per case"], f["raw select found fd 3000 ready"]
    said = "the select syscall found fd 3000 ready on %d of %d calls; Python's " \
        "select.select %s it" % (raw, n, "refused" if f["python select.select refused fd 3000"]
                                 else "accepted")
    if raw == n and f["python select.select refused fd 3000"]:
        return verdict.holds_when("the program uses the C library's fd_set or Python's "
                                  "select.select (FD_SETSIZE 1024)", said)
    if raw == n:
        return verdict.fails(said)
    if raw == 0:
        return verdict.holds(said)
    return verdict.inconclusive("the syscall took fd 3000 only sometimes", said)


# P1: poll must take fd 3000 on every call of one unchanged array. When
# iotrace observes the kernel's writes (full mode), events must be kept.
def verdict_p1(f):
    n, got = f["calls per case"], f["poll found fd 3000 ready"]
    said = "one pollfd array with fd 3000, never rebuilt, was reported ready on %d of %d " \
        "polls" % (got, n)
    if "poll events kept (observed)" in f:
        said += "; of %d entries read back after the calls iotrace checked, the kernel " \
            "kept events in %d and set revents in %d" % (
                f["poll entries re-read (observed)"], f["poll events kept (observed)"],
                f["poll revents set (observed)"])
        # iotrace checks a sample of a thread's calls: all of the entries it
        # read back must have kept their events
        if f["poll events kept (observed)"] < f["poll entries re-read (observed)"]:
            return verdict.fails(said)
    if got == n and f["poll failed"] == 0:
        return verdict.holds(said)
    if got == 0:
        return verdict.fails(said)
    return verdict.inconclusive("fd 3000 was reported only sometimes", said)


# E6: every fd the open-file limit allowed got registered (the limit, not
# epoll, stopped the program: fds open at the end = the limit) and epoll's
# own bound, max_user_watches, is above the highest limit root may set
# (fs.nr_open); otherwise that bound decides first.
def verdict_e6(f):
    done, lim, fail = f["epoll_ctl(ADD) done"], f["open-file limit"], f["epoll_ctl(ADD) failed"]
    said = "%d registrations until the %d-fd limit stopped the program (%d epoll_ctl " \
        "failures); fs.epoll.max_user_watches is %d, fs.nr_open %d" % (
            done, lim, fail, f["fs.epoll.max_user_watches"], f["fs.nr_open"])
    if fail or f["fds open at the end"] < lim * 0.99:
        return verdict.fails(said)
    if f["fs.epoll.max_user_watches"] < f["fs.nr_open"]:
        return verdict.holds_when("the open-file limit is below fs.epoll.max_user_watches "
                                  "(%d)" % f["fs.epoll.max_user_watches"], said)
    return verdict.holds(said)


VERDICTS = {"S5": verdict_s5, "P1": verdict_p1, "E6": verdict_e6}
