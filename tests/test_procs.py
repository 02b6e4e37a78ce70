# SPDX-License-Identifier: GPL-2.0
"""Several processes in one trace: -p A,B and -f (follow children).

tests/progs/procs.c: a parent makes K polls and 2 epoll_ctl ADDs; each of N
children makes K polls and K epoll_waits on the epoll fd it inherited.
"""
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

from helpers import IOTRACE, assert_detached, launch, last_json_line, prog, run_iotrace, stop_all, \
    wait_for_line

N, K = 2, 5


def by_pid(report):
    return {p["pid"]: p for p in report["processes"]}


def check_family(report, facts, ctl_traced):
    pids = [facts["parent"]] + facts["children"]
    procs = by_pid(report)
    assert sorted(procs) == sorted(pids), report["processes"]
    assert procs[facts["parent"]]["mux_calls"] == K + (2 if ctl_traced else 0)
    for c in facts["children"]:
        assert procs[c] == {**procs[c], "threads": 1, "mux_calls": 2 * K}
    s = report["syscalls"]
    assert s["poll"]["calls"] == (N + 1) * K
    w = s["epoll_wait"]
    # the children's epoll fd came with fork(): its 2 registrations are
    # known only from /proc, read at attach (-p) or after the fork (-f)
    assert w["calls"] == N * K and w["fds_watched"]["total"] == 2 * N * K, w
    assert {t["pid"] for t in report["threads"]} == set(pids)
    assert report["ended_by"] == "targets exited"
    assert report["target"]["follow"] is True


def test_follow_traces_children_forked_by_a_launched_command():
    for extra in ([], ["--raw-tp"]):     # the fork probe loads in the fallback too
        report, out, _ = launch([prog("procs"), str(N), str(K)], extra=["-f"] + extra)
        check_family(report, last_json_line(out), ctl_traced=True)
        assert report["syscalls"]["epoll_ctl(ADD)"]["calls"] == 2
        assert "raw_tp/sched_process_fork" in report["probes"]["live"]


def test_without_follow_children_are_not_traced():
    report, out, _ = launch([prog("procs"), str(N), str(K)])
    facts = last_json_line(out)
    assert [p["pid"] for p in report["processes"]] == [facts["parent"]]
    assert report["syscalls"]["poll"]["calls"] == K
    assert "epoll_wait" not in report["syscalls"]
    assert report["ended_by"] == "target exited"


def test_exec_renames_the_thread():
    """A thread's figures carry the comm it had at its last exec."""
    with tempfile.TemporaryDirectory() as d:
        renamed = os.path.join(d, "renamed")
        os.symlink(prog("procs"), renamed)
        report, _, _ = launch([prog("procs"), "--exec", renamed, str(K)])
    assert report["syscalls"]["poll"]["calls"] == 2 * K      # before and after exec
    assert [(t["comm"], t["pid"]) for t in report["threads"]] == \
        [("renamed", report["target"]["pid"])]


def start_waiting(n):
    p = subprocess.Popen([prog("procs"), "--wait", str(n), str(K)], stdout=subprocess.PIPE,
                         text=True)
    pid = int(wait_for_line(p.stdout, "ready").split()[1])
    return p, pid


def trace_waiting(args, procs):
    """iotrace ARGS on held procs programs; release them, return the report."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        tracer = subprocess.Popen([IOTRACE, "-j", out.name] + args, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            wait_for_line(tracer.stderr, "Tracing")
            for p, pid in procs:
                p.send_signal(signal.SIGUSR1)
            facts = [last_json_line(p.stdout.read()) for p, _ in procs]
            for p, _ in procs:
                p.wait(timeout=20)
            assert tracer.wait(timeout=20) == 0, tracer.stderr.read()
            report = json.load(open(out.name))
        finally:
            stop_all([tracer] + [p for p, _ in procs], signal.SIGKILL)
    for _, pid in procs:
        assert_detached(pid)
    return report, facts


def test_follow_pid_finds_the_children_alive_at_start():
    """-f -p PARENT, as for nginx's master: its workers exist already."""
    p, pid = start_waiting(N)
    report, facts = trace_waiting(["-f", "-p", str(pid)], [(p, pid)])
    check_family(report, facts[0], ctl_traced=False)
    assert report["epoll_at_attach"]["epoll_fds"] == N + 1   # one shared instance, seen 3x


def test_pid_list_traces_each_and_ends_when_all_exit():
    a, apid = start_waiting(0)
    b, bpid = start_waiting(0)
    report, _ = trace_waiting(["-p", f"{apid},{bpid}"], [(a, apid), (b, bpid)])
    assert sorted(by_pid(report)) == sorted([apid, bpid])
    assert all(p["mux_calls"] == K for p in report["processes"])
    assert report["syscalls"]["poll"]["calls"] == 2 * K
    assert report["ended_by"] == "targets exited"
    assert report["target"]["follow"] is False


def test_bad_pid_lists_are_one_line_errors():
    r = run_iotrace(["-p", "1,abc"])
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0, r.stderr
    assert "invalid PID 'abc'" in r.stderr
    r = run_iotrace(["-p", ","])
    assert r.returncode == 2 and "invalid PID" in r.stderr, r.stderr
    p, pid = start_waiting(0)
    try:
        r = run_iotrace(["-p", f"{pid},4194304"])
        assert r.returncode == 1 and r.stderr.strip() == "iotrace: no such process: 4194304", \
            r.stderr
    finally:
        p.kill()
        p.wait()


def reuse_pid(pid):
    """Run procs 0 K as the next process, given pid through ns_last_pid;
    its facts, or None when another fork took the pid first."""
    with open("/proc/sys/kernel/ns_last_pid", "w") as f:
        f.write(str(pid - 1))
    r = subprocess.run([prog("procs"), "0", str(K)], capture_output=True, text=True, timeout=20)
    facts = last_json_line(r.stdout)
    return facts if facts["parent"] == pid else None


def test_a_gone_targets_pid_reused_is_not_traced():
    """-p A,B: A exits; a new, unrelated process given A's pid is not traced
    (the loader clears A's bit from the programs' tgid filter). It was: the
    first pid given was also a load-time constant of the filter."""
    a, apid = start_waiting(0)
    b, bpid = start_waiting(0)
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        tracer = subprocess.Popen([IOTRACE, "-j", out.name, "-p", f"{apid},{bpid}"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_line(tracer.stderr, "Tracing")
            a.kill()
            a.wait()
            time.sleep(0.6)     # the loader notices within REFRESH_S (0.2 s)
            facts = reuse_pid(apid) or reuse_pid(apid)
            if facts is None:
                raise unittest.SkipTest("another process took pid %d twice" % apid)
            b.send_signal(signal.SIGUSR1)
            b.stdout.read()
            b.wait(timeout=20)
            assert tracer.wait(timeout=20) == 0, tracer.stderr.read()
            report = json.load(open(out.name))
        finally:
            stop_all((tracer, a, b), signal.SIGKILL)
    # A stays listed, as every pid given is, with none of the new process's calls
    procs = by_pid(report)
    assert sorted(procs) == sorted([apid, bpid]), report["processes"]
    assert (procs[apid]["mux_calls"], procs[apid]["threads"]) == (0, 0), procs[apid]
    assert procs[bpid]["mux_calls"] == K and report["syscalls"]["poll"]["calls"] == K
