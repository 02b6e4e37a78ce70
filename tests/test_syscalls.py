# SPDX-License-Identifier: GPL-2.0
"""Each multiplexing syscall, exactly: iotrace's figures against known workloads.

tests/progs/mux_calls.c performs the planned calls and prints its own tally
from the return values it got; every figure must match both that tally and
the plan written here.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import unittest

from helpers import IOTRACE, ROOT, assert_detached, attach, launch, last_json_line, prog, \
    wait_for_line
from servers_util import Server, loadgen

# select and pselect6 (tests/progs/mux_calls.c, run_select):
#   4 calls x 3 fds, 1 ready        2 timeouts x 2 fds (read+except union)
#   1 call, write set, 2 fds, 1 ready    EBADF (2 fds)   EINVAL (nfds -1, 0 fds)
#   1 interrupted by SIGALRM (1 fd)
SELECT_PLAN = dict(calls=10, failed=2, errno={"EBADF": 1, "EINVAL": 1}, interrupted=1,
                   timeouts=2, watched=4 * 3 + 2 * 2 + 2 + 2 + 0 + 1, watched_calls=10,
                   unreadable=0, unknown=0, ready=4 + 1)
# poll and ppoll (run_poll):
#   3 calls x 3 of 5 entries (fd -1 and -7 skipped), 2 ready    2 timeouts x 1
#   1 closed fd: POLLNVAL, counts ready    EINVAL 65 > RLIMIT 64 entries, 2 fds
#   EFAULT (unreadable array)    1 interrupted (1 fd)
POLL_PLAN = dict(calls=9, failed=2, errno={"EINVAL": 1, "EFAULT": 1}, interrupted=1,
                 timeouts=2, watched=3 * 3 + 2 * 1 + 1 + 2 + 1, watched_calls=8,
                 unreadable=1, unknown=0, ready=3 * 2 + 1)
# epoll waits (run_epoll), after 3 ADDs, ADD again (EEXIST), MOD, DEL, bad op:
#   3 calls x 2 registered, 1 ready    2 timeouts x 2    close() of a registered
#   fd, 1 timeout x 1    EINVAL maxevents 0 (1)    EBADF (unknown)   1 interrupted (1)
EPOLL_PLAN = dict(calls=9, failed=2, errno={"EINVAL": 1, "EBADF": 1}, interrupted=1,
                  timeouts=3, watched=3 * 2 + 2 * 2 + 1 + 1 + 1, watched_calls=8,
                  unreadable=0, unknown=1, ready=3)

INTERRUPT_CODE = {"select": "ERESTARTNOHAND", "pselect6": "ERESTARTNOHAND",
                  "poll": "ERESTART_RESTARTBLOCK", "ppoll": "ERESTARTNOHAND",
                  "epoll_wait": "EINTR", "epoll_pwait": "EINTR", "epoll_pwait2": "EINTR"}


def figures(s):
    w = s["fds_watched"]
    return dict(calls=s["calls"], failed=s["failed"], errno=s["errno"],
                interrupted=s["interrupted"], timeouts=s["timeouts"], watched=w["total"],
                watched_calls=w["calls"], unreadable=w["unreadable"],
                unknown=w["unknown_interest"], ready=s["fds_ready"]["total"])


def tally_figures(t, plan):
    errno = {k: v for k, v in t["errno"].items() if v}
    return dict(calls=t["calls"], failed=sum(errno.values()), errno=errno,
                interrupted=t["interrupted"], timeouts=t["timeouts"], watched=t["watched"],
                watched_calls=t["watched_calls"], unreadable=plan["unreadable"],
                unknown=plan["unknown"], ready=t["ready"])


# the reads and writes a run makes besides the planned calls: the loader's
# pread64 and reads, the tally's write (reported apart)
IO_SEEN = {"read", "pread64", "write"}


def check_row(report, tally, name, plan):
    """One wait's row (and its thread's) against the plan, and the workload's
    own tally against the plan."""
    assert tally_figures(tally, plan) == plan, f"workload did not run as planned: {tally}"
    s = report["syscalls"][name]
    assert figures(s) == plan, f"{name}: iotrace {figures(s)} != planned {plan}"
    assert s["interrupted_by"] == {INTERRUPT_CODE[name]: 1}, s["interrupted_by"]
    # every ready fd returned was read back at exit (epoll: through its data,
    # from epoll_ctl or, for registrations made before attach, /proc fdinfo)
    assert s["readiness"]["reports"] == plan["ready"], s["readiness"]
    assert s["readiness"].get("unmapped_events", 0) == 0
    assert s["latency"]["histogram"] and sum(b["count"] for b in s["latency"]["histogram"]) \
        == plan["calls"]
    # the interrupted call blocked until SIGALRM, armed 50 ms before it fired;
    # the call enters a little after the arming (1.3 ms once, in a kernel
    # under qemu's TCG), and every other call takes microseconds
    assert s["latency"]["max_ns"] >= 40_000_000, s["latency"]
    # one thread, whose figures are the process's
    assert len(report["threads"]) == 1
    assert report["threads"][0]["tid"] == report["target"]["pid"]
    assert figures(report["threads"][0]["syscalls"][name]) == plan


def check_run(report, attached, names, io=IO_SEEN):
    """How the run ended, and no syscall reported but the waits planned
    (names), epoll_ctl and the reads and writes io."""
    assert report["ended_by"] == "target exited", report["ended_by"]
    assert report["target"]["launched"] == (not attached), report["target"]
    others = set(report["syscalls"]) - set(names) - set(io) - {
        k for k in report["syscalls"] if k.startswith("epoll_ctl")}
    assert not others, f"unexpected syscalls reported: {sorted(others)}"


def check(report, out, name, plan, attached):
    check_row(report, last_json_line(out), name, plan)
    check_run(report, attached, {name})
    if name.startswith("epoll"):
        check_epoll_ctl(report, attached)


def check_epoll_ctl(report, attached, n=1):
    """Each of the n epoll scenarios: launched, iotrace sees its 3 setup ADDs;
    attached, /proc fdinfo has them."""
    ctl = {k: (v["calls"], v["failed"], v["errno"]) for k, v in report["syscalls"].items()
           if k.startswith("epoll_ctl")}
    adds = n if attached else 4 * n
    assert ctl == {"epoll_ctl(ADD)": (adds, n, {"EEXIST": n}),
                   "epoll_ctl(MOD)": (n, 0, {}),
                   "epoll_ctl(DEL)": (n, 0, {}),
                   "epoll_ctl(bad op)": (n, n, {"EINVAL": n})}, ctl
    if attached:
        assert report["epoll_at_attach"] == {"epoll_fds": n, "registrations": 3 * n,
                                             "unreadable": 0}, report["epoll_at_attach"]


# the plan of each wait's scenario (tests/progs/mux_calls.c)
PLANS = {"select": SELECT_PLAN, "pselect6": SELECT_PLAN, "poll": POLL_PLAN,
         "ppoll": POLL_PLAN, "epoll_wait": EPOLL_PLAN, "epoll_pwait": EPOLL_PLAN,
         "epoll_pwait2": EPOLL_PLAN}


def make_tests():
    for name, plan in PLANS.items():
        def launched(name=name, plan=plan):
            report, out, _ = launch([prog("mux_calls"), name])
            check(report, out, name, plan, attached=False)

        def attached(name=name, plan=plan):
            report, out = attach([prog("mux_calls"), "--wait", name])
            check(report, out, name, plan, attached=True)

        globals()[f"test_{name}_launched_exact"] = launched
        globals()[f"test_{name}_attached_exact"] = attached


make_tests()


def kernel_oracles(*args):
    """tests/kernel_oracles.py ARGS --json: (exit status, stdout lines, its JSON)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        r = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "kernel_oracles.py")] +
                           list(args) + ["--json", out.name], capture_output=True, text=True,
                           timeout=600)
        return r.returncode, r.stdout.splitlines(), json.load(open(out.name))


def test_kernel_oracles_light_launched_and_attached_are_exact():
    """The kernel matrix's oracle run (one iotrace run per mode and way, the
    seven waits of mux_calls all in each), --light on this kernel: 14 cases,
    each exact."""
    rc, lines, res = kernel_oracles("--modes", "light")
    assert rc == 0 and lines[-1] == "kernel oracles: 14 passed, 0 failed", lines
    assert res["kernel"] == os.uname().release
    assert sorted((c["how"], c["syscall"]) for c in res["cases"] if c["mode"] == "light") == \
        sorted((how, name) for how in ("launched", "attached") for name in PLANS), res
    assert all(c["ok"] and not c["detail"] for c in res["cases"]), res["cases"]
    assert lines[:-1] == [f"PASS light {c['how']} {c['syscall']}" for c in res["cases"]]


def test_kernel_oracles_fail_every_case_of_a_run_that_fails():
    """An iotrace that cannot load (here a stand-in that says so and exits 1):
    every case of each run fails with its last line, and the script exits 1."""
    said = "iotrace: failed to load BPF programs: Argument list too long"
    with tempfile.TemporaryDirectory() as d:
        fake = os.path.join(d, "iotrace")
        with open(fake, "w") as f:
            f.write(f"#!/bin/sh\necho starting >&2\necho '{said}' >&2\nexit 1\n")
        os.chmod(fake, 0o755)
        rc, lines, res = kernel_oracles("--iotrace", fake)
    assert rc == 1 and lines[-1] == "kernel oracles: 0 passed, 28 failed", lines
    assert {(c["mode"], c["ok"], c["detail"]) for c in res["cases"]} == \
        {("full", False, said), ("light", False, said)}, res["cases"]
    assert lines[0] == f"FAIL full launched select: {said}", lines


def per_thread(report):
    return {str(t["tid"]): t["syscalls"] for t in report["threads"]}


def check_threads(report, out):
    expected = last_json_line(out)   # {tid: [poll calls, fds per call]}
    threads = per_thread(report)
    pid = str(report["target"]["pid"])
    assert set(threads) == set(expected), (sorted(threads), sorted(expected))
    for tid, (calls, fds) in expected.items():
        if tid == pid:
            waits = {k for k in threads[tid] if k not in ("read", "pread64", "write")}
            assert waits == {"select"}, threads[tid].keys()
            assert threads[tid]["select"]["calls"] == 2
            continue
        p = threads[tid]["poll"]
        assert (p["calls"], p["fds_watched"]["total"], p["fds_watched"]["min"],
                p["fds_watched"]["max"]) == (calls, calls * fds, fds, fds), (tid, p)
    n = len(expected) - 1
    assert report["syscalls"]["poll"]["calls"] == sum(10 * i for i in range(1, n + 1))
    assert report["syscalls"]["poll"]["fds_watched"]["total"] == \
        sum(10 * i * (1 + (i - 1) % 3) for i in range(1, n + 1))


def test_threads_launched_per_thread_figures():
    report, out, _ = launch([prog("threads")])
    check_threads(report, out)


def test_threads_created_after_attach_are_traced():
    report, out = attach([prog("threads"), "--wait"])
    check_threads(report, out)


def test_many_threads_past_the_array_slots():
    """200 threads: the first 64 keep their figures in array slots, the
    rest in the hash; every thread's figures are exact either way."""
    report, out = attach([prog("threads"), "--wait", "200"])
    check_threads(report, out)
    assert len(report["threads"]) == 201


def test_full_stats_map_counts_every_lost_call():
    """Room for 2 thread x syscall entries: the rest of the calls are not
    dropped silently: recorded + lost = the calls made (60 polls, 2 selects,
    and the tally's one write)."""
    report, out = attach([prog("threads"), "--wait"], extra=["--stats-entries", "2"])
    recorded = sum(s["calls"] for s in report["syscalls"].values())
    lost = report["drops"]["calls_lost_stats_full"]
    assert lost > 0 and recorded + lost == 60 + 2 + 1, (recorded, lost)


def test_raw_tp_fallback_gives_the_same_figures():
    """The fallback iotrace uses where tp_btf cannot attach: raw_tp syscall
    programs, with probe reads for the registers. Same plan, same figures."""
    report, out, _ = launch([prog("mux_calls"), "poll"], extra=["--raw-tp"])
    assert report["probes"]["syscalls"] == "raw_tp"
    assert report["probes"]["live"][:2] == ["raw_tp/sys_enter", "raw_tp/sys_exit"]
    check(report, out, "poll", POLL_PLAN, attached=False)


def fmt_ns(ns):
    """user/report/fmt.c's fmt_ns"""
    if ns < 1e3:
        return f"{ns:.0f}ns"
    if ns < 1e6:
        return f"{ns / 1e3:.1f}us"
    if ns < 1e9:
        return f"{ns / 1e6:.2f}ms"
    return f"{ns / 1e9:.2f}s"


def test_io_uring_enter_time_and_wakeups_in_the_text_report():
    """M9: the io_uring echo server under loadgen (400 requests on 4
    connections) waits in io_uring_enter, woken by io_uring, and makes no
    read or write syscall. The text report shows that call's time and
    wakeups per call (TIME PER CALL) and its wakeups by class, as the JSON."""
    reqs = 400
    with Server("uring") as srv, tempfile.NamedTemporaryFile(suffix=".json") as out:
        tracer = subprocess.Popen([IOTRACE, "-p", str(srv.pid), "-j", out.name],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_line(tracer.stderr, "Tracing PID")
            rc, load, _, err = loadgen(["-p", str(srv.port), "-c", "4", "-n", str(reqs),
                                        "-s", "64"])
            assert rc == 0 and load["ok"] == reqs, (rc, load, err)
            tracer.send_signal(signal.SIGINT)
            text, err = tracer.communicate(timeout=20)
        finally:
            if tracer.poll() is None:
                tracer.kill()
                tracer.wait()
        assert tracer.returncode == 0, err
        report = json.load(open(out.name))
        srv.stop()
    assert_detached(srv.pid)
    assert "read" not in report["syscalls"] and "write" not in report["syscalls"]
    u = report["syscalls"]["io_uring_enter"]
    calls, t = u["calls"], u["time"]
    assert calls > 0 and t["slept_calls"] > 0 and t["wakeups"] > 0, u
    row = re.search(r"^io_uring_enter +(\S+) +(\S+) +(\S+) +(\S+) +(\S+) +(\S+)$",
                    text.split("TIME PER CALL")[1], re.M)
    assert row, text
    oncpu, asleep, preempted, slept, wakeups, per_fd = row.groups()
    assert (oncpu, asleep, preempted) == (fmt_ns(t["oncpu_ns"] / calls),
                                          fmt_ns(t["asleep_ns"] / calls),
                                          fmt_ns(t["preempted_ns"] / calls)), row.group(0)
    assert (slept, wakeups, per_fd) == (f"{100 * t['slept_calls'] / calls:.0f}%",
                                        f"{t['wakeups'] / calls:.2f}", "-"), row.group(0)
    w = report["wakeups"]["io_uring_enter"]
    assert w["by_class"].get("io_uring", 0) > 0, w
    line = re.search(r"^  io_uring_enter +(\d+) (.*)$", text, re.M)
    assert line and int(line.group(1)) == w["total"], text
    assert f"io_uring {w['by_class']['io_uring']}" in line.group(2), line.group(0)


def test_rewrites_line_in_the_text_report():
    """S7, P1: the text kernel section prints what select and poll wrote
    back (per call), the JSON rewrites object's figures."""
    for name in ("select", "poll"):
        report, _, r = launch([prog("mux_calls"), name])
        w = report["syscalls"][name].get("rewrites")
        if not w:
            raise unittest.SkipTest("the BPF programs do not read the arguments back yet")
        n = w["calls"]
        line = re.search(rf"^{name} +(\d+) calls: (.*)$", r.stdout.split("WRITTEN BACK")[1],
                         re.M)
        assert line and int(line.group(1)) == n, r.stdout
        if name == "select":
            left = w["timeout_left_ns"] / w["timeout_rewritten"] if w["timeout_rewritten"] else 0
            want = (f"{w['set_bits_in'] / n:.2f} bits in, {w['set_bits_out'] / n:.2f} out; "
                    f"timeout rewritten {100 * w['timeout_rewritten'] / n:.0f}%, "
                    f"{fmt_ns(left) if w['timeout_rewritten'] else '-'} left")
        else:
            want = (f"{w['pollfds_reread'] / n:.2f} pollfds re-read, "
                    f"{w['revents_set'] / n:.2f} with revents, {w['events_kept'] / n:.2f} "
                    "events kept")
        assert line.group(2) == want, (line.group(0), want)
