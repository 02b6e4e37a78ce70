# SPDX-License-Identifier: GPL-2.0
"""iotrace on every reference server: each IO model shows its signature.

A server runs on an ephemeral port, iotrace attaches, loadgen sends a known
number of 64-byte echo requests on a few connections (closed loop), then
iotrace is stopped with Ctrl-C. Exact oracles: the bytes the server read and
wrote (requests x 64); the rest checks each model's claim.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile

from helpers import IOTRACE, LOADGEN, ROOT, assert_detached, start_server, stop_all, wait_for_line

CONNS, REQS, SIZE = 4, 400, 64
SERVERS = os.path.join(ROOT, "servers", "bin")
PYSERVERS = os.path.join(ROOT, "servers", "python")


def trace_server(argv, conns=CONNS):
    server, port = start_server(argv)
    tracer = None
    try:
        with tempfile.NamedTemporaryFile(suffix=".json") as out, \
                tempfile.NamedTemporaryFile(suffix=".json") as lg:
            tracer = subprocess.Popen([IOTRACE, "-p", str(server.pid), "-j", out.name],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True)
            wait_for_line(tracer.stderr, "Tracing PID")
            subprocess.run([LOADGEN, "-p", port, "-c", str(conns),
                            "-n", str(REQS), "-s", str(SIZE), "-j", lg.name],
                           check=True, capture_output=True, timeout=60)
            tracer.send_signal(signal.SIGINT)
            assert tracer.wait(timeout=20) == 0, tracer.stderr.read()
            report, load = json.load(open(out.name)), json.load(open(lg.name))
    finally:
        stop_all((server, tracer))
    assert_detached(server.pid)
    assert load["ok"] == REQS and load["errors"] == 0, load
    readiness_rows_add_up(report)
    return report


def readiness_rows_add_up(report):
    """Every ready-fd report lands in the row of an fd still open or, once
    the server closed it, in fds_closed."""
    for k in ("reports", "rereports"):
        calls = sum(s.get("readiness", {}).get(k, 0) for s in report["syscalls"].values())
        rows = sum(f[k] for f in report["fds"]) + report["fds_closed"][k]
        assert calls == rows, (k, calls, report["fds"], report["fds_closed"])


def sc(report, name):
    return report["syscalls"].get(name, {})


def woken(report, sys, cls):
    return report.get("wakeups", {}).get(sys, {}).get("by_class", {}).get(cls, 0)


READS = ("read", "readv", "pread64", "recvfrom", "recvmsg")


def echo_bytes_exact(report):
    """Every request byte was read once and every reply byte written once,
    all on sockets (the IO summary by fd kind), and the requests are the
    socket reads that returned data."""
    io = report["io"]
    assert io["reads"].get("socket", {}).get("bytes") == REQS * SIZE, io["reads"]
    assert io["writes"].get("socket", {}).get("bytes") == REQS * SIZE, io["writes"]
    assert io["requests"] == report["per_request"]["requests"] >= REQS


def reads_in(syscalls):
    """The read syscalls in a syscalls object (C servers read(), Python recv())."""
    return set(syscalls) & set(READS)


def test_select_server_scans_and_pselect6():
    r = trace_server([os.path.join(SERVERS, "select")])
    echo_bytes_exact(r)
    assert r["fds_closed"]["fds"] == CONNS       # the clients' fds, closed at their end
    s = sc(r, "pselect6")                        # glibc select() (Y1)
    assert s["calls"] > 0 and "select" not in r["syscalls"]
    assert s["kernel"]["passes"] >= s["calls"]
    assert s["kernel"]["fds_examined"] >= s["fds_watched"]["total"] > 0
    assert s["kernel"]["bytes_in"] > 0 and s["kernel"]["bytes_out"] > 0     # S1


def test_poll_server_scans_and_pollwake():
    r = trace_server([os.path.join(SERVERS, "poll")])
    echo_bytes_exact(r)
    p = sc(r, "poll")
    # P2: the whole array is copied in every call (entries with fd < 0 too)
    assert p["kernel"]["bytes_in"] >= 8 * p["fds_watched"]["total"] > 0
    assert woken(r, "poll", "pollwake") > 0                                 # S3


def test_epoll_server_callbacks_and_ctl_per_request():
    r = trace_server([os.path.join(SERVERS, "epoll")])
    echo_bytes_exact(r)
    w = sc(r, "epoll_wait")
    assert sc(r, "epoll_ctl(ADD)")["calls"] == CONNS                          # E1
    assert w["kernel"]["bytes_in"] == 0                                     # E1
    assert w["kernel"]["bytes_out"] == 12 * w["fds_ready"]["total"]         # E4
    assert woken(r, "epoll_wait", "ep_poll_callback") > 0                   # E2
    assert r["per_request"]["requests"] == REQS


def test_epoll_edge_server_drains_until_eagain():
    r = trace_server([os.path.join(SERVERS, "epoll"), "--edge"])
    echo_bytes_exact(r)
    assert sc(r, "read")["errno"].get("EAGAIN", 0) > 0                      # E5
    assert "epoll_ctl(MOD)" not in r["syscalls"]


def test_blocking_server_sleeps_in_read_one_thread_each():
    r = trace_server([os.path.join(SERVERS, "blocking")])
    echo_bytes_exact(r)
    readers = [t for t in r["threads"] if reads_in(t["syscalls"])]
    assert len(readers) == CONNS                                            # M7
    rd = sc(r, "read")
    assert rd["time"]["slept_calls"] > 0 and rd["time"]["asleep_ns"] > 0   # M2
    assert not set(r["syscalls"]) & {"select", "pselect6", "poll", "epoll_wait"}


def test_iterative_server_one_client_blocking_reads():
    r = trace_server([os.path.join(SERVERS, "iterative")], conns=1)
    echo_bytes_exact(r)
    assert len(r["threads"]) == 1 and sc(r, "read")["time"]["slept_calls"] > 0


def test_nonblocking_server_busy_polls():
    r = trace_server([os.path.join(SERVERS, "nonblocking")])
    echo_bytes_exact(r)
    rd = sc(r, "read")
    # M3: reads return EAGAIN at once and never block; M4: the loop spins
    assert rd["errno"].get("EAGAIN", 0) > 0, rd["errno"]
    assert rd["time"]["slept_calls"] == 0, rd["time"]
    assert r["per_request"]["eagain"] >= rd["errno"]["EAGAIN"]


def test_sigio_server_woken_by_signals():
    r = trace_server([os.path.join(SERVERS, "sigio")])
    echo_bytes_exact(r)
    total = sum(v.get("by_class", {}).get("signal", 0) for k, v in r["wakeups"].items()
                if k != "top_stacks")
    assert total > 0                                                        # M8


def test_uring_server_waits_in_io_uring_enter_not_read():
    r = trace_server([os.path.join(SERVERS, "uring")])
    assert not reads_in(r["syscalls"]) and "write" not in r["syscalls"]      # M9
    assert sc(r, "io_uring_enter")["calls"] > 0
    assert woken(r, "io_uring_enter", "io_uring") > 0


def test_python_select_server_is_pselect6():
    r = trace_server([sys.executable, os.path.join(PYSERVERS, "select_server.py")])
    echo_bytes_exact(r)
    assert sc(r, "pselect6")["calls"] > 0 and "select" not in r["syscalls"]  # Y1


def test_python_selectors_server_is_epoll():
    r = trace_server([sys.executable, os.path.join(PYSERVERS, "selectors_server.py")])
    echo_bytes_exact(r)
    assert sc(r, "epoll_wait")["calls"] > 0                                 # Y2
    assert woken(r, "epoll_wait", "ep_poll_callback") > 0


def test_python_threading_server_is_threads_plus_a_selector():
    r = trace_server([sys.executable, os.path.join(PYSERVERS, "threading_server.py")])
    echo_bytes_exact(r)
    readers = [t for t in r["threads"] if reads_in(t["syscalls"])]
    assert len(readers) == CONNS                                            # Y3
    waits = set(r["syscalls"]) & {"select", "pselect6", "poll", "epoll_wait"}
    assert waits, r["syscalls"].keys()          # serve_forever's selector


def test_python_nonblocking_server_busy_polls():
    r = trace_server([sys.executable, os.path.join(PYSERVERS, "nonblocking_server.py")])
    echo_bytes_exact(r)
    rd = sc(r, "recvfrom")                      # socket.recv()
    assert rd["errno"].get("EAGAIN", 0) > 0 and rd["time"]["slept_calls"] == 0, rd
