# SPDX-License-Identifier: GPL-2.0
"""loadgen against the reference servers: its counts agree with the servers'
stats lines, --rate keeps its schedule, wrong replies and a missing server
are errors (see loadgen/loadgen.c for what it checks)."""
import subprocess
import time

from helpers import free_port
from servers_util import C_SERVERS, LOADGEN, Server, build, loadgen


def test_loadgen_counts_agree_with_server_stats():
    # Exactly 2000 requests over 20 connections, 10 active: loadgen's "ok" and
    # the server's "served" must both say 2000, on 20 connections. iterative
    # gets one connection and the 4-thread pool four, since a connection
    # beyond those would wait for the others to leave.
    variants = [(model, (), 20, 10) for model in C_SERVERS
                if model not in ("iterative", "blocking-pool")]
    variants += [("iterative", (), 1, 1), ("blocking-pool", (), 4, 4),
                 ("nonblocking", ("--sleep-us", "100"), 20, 10)]
    for model, extra, conns, active in variants:
        for proto in ("echo", "http"):
            with Server(model, proto=proto, extra=extra) as srv:
                rc, rep, out, err = loadgen(["-p", str(srv.port), "--proto", proto,
                                             "-c", str(conns), "-a", str(active),
                                             "-n", "2000", "-s", "100"])
                assert rc == 0, f"{model}/{proto}: rc {rc}: {err}"
                assert (rep["ok"], rep["errors"], rep["sent"]) == (2000, 0, 2000), rep
                srv.wait_fds()
                assert srv.stop() == (2000, conns, 0), (model, proto, srv.result)
            for key in ("p50", "p90", "p99", "max"):
                assert 0 < rep["latency_us"][key] <= rep["latency_us"]["max"]
            assert rep["req_per_s"] > 0 and rep["request_bytes"] == 100
            assert "latency (us): p50" in out and "req/s" in out


def test_loadgen_fixed_rate_and_big_requests():
    with Server("epoll") as srv:
        # 400 req/s for 1 s: about 400 requests, over about 1 s.
        rc, rep, out, err = loadgen(["-p", str(srv.port), "-c", "8", "-a", "4",
                                     "--rate", "400", "-d", "1"])
        assert rc == 0 and rep["errors"] == 0, err
        assert 395 <= rep["ok"] <= 401 and 0.95 <= rep["duration_s"] <= 1.5, rep
        assert rep["rate"] == 400
        # 1 MiB echo requests are checked byte for byte too.
        rc, rep, out, err = loadgen(["-p", str(srv.port), "-c", "2", "-n", "6",
                                     "-s", str(1 << 20)])
        assert rc == 0 and rep["ok"] == 6 and rep["bytes_received"] == 6 << 20, rep
        srv.stop()


def test_loadgen_reports_wrong_replies():
    # An http client on an echo server: every reply is wrong.
    with Server("epoll") as srv:
        rc, rep, out, err = loadgen(["-p", str(srv.port), "--proto", "http", "-n", "5",
                                     "-c", "1", "--timeout", "2"])
        assert rc == 1 and rep["ok"] == 0 and rep["errors"] >= 1, rep
        srv.stop()


def test_loadgen_fails_in_one_line_when_no_server_listens():
    t0 = time.monotonic()
    r = subprocess.run([LOADGEN, "-p", str(free_port()), "-n", "10"], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode != 0 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "Connection refused" in r.stderr, r.stderr
    assert time.monotonic() - t0 < 5


def test_loadgen_refuses_non_loopback_hosts():
    build()
    for host in ("10.0.0.1", "192.168.1.1", "example.com", "::1"):
        r = subprocess.run([LOADGEN, "--host", host, "-p", "80", "-n", "1"],
                           capture_output=True, text=True, timeout=10)
        assert r.returncode != 0 and r.stderr.count("\n") == 1, (host, r.stderr)
        assert "loopback" in r.stderr, r.stderr


def _run_loadgen(args, stdout=subprocess.PIPE):
    t0 = time.monotonic()
    r = subprocess.run([LOADGEN] + args, stdout=stdout, stderr=subprocess.PIPE, text=True,
                       timeout=30)
    return r, time.monotonic() - t0


def test_loadgen_fails_in_one_line_when_the_results_cannot_be_written():
    # /dev/full takes the open and refuses every write (ENOSPC): the JSON to
    # -j, the JSON on stdout (-j -) and the text report on stdout are each
    # lost, so each run exits 1 with one line naming what failed. The 10
    # requests themselves succeed (the server counts them).
    with Server("epoll") as srv:
        port = str(srv.port)
        runs = [(["-j", "/dev/full"], subprocess.DEVNULL, "/dev/full")]
        with open("/dev/full", "w") as full:
            runs += [(["-j", "-"], full, "stdout"), ([], full, "stdout")]
            for args, out, what in runs:
                r, _ = _run_loadgen(["-p", port, "-c", "1", "-n", "10"] + args, stdout=out)
                assert r.returncode == 1, (args, r.returncode, r.stderr)
                assert r.stderr == f"loadgen: failed to write {what}: No space left on device\n", \
                    (args, r.stderr)
        srv.wait_fds()
        assert srv.stop() == (30, 3, 0), srv.result


def test_loadgen_checks_the_json_path_before_the_run():
    # -j into a directory that does not exist: the error comes at once,
    # before any connection (the server counts none), not after -d 3.
    bad = "/nonexistent-iotrace-dir/out.json"
    with Server("epoll") as srv:
        r, took = _run_loadgen(["-p", str(srv.port), "-d", "3", "-j", bad])
        assert r.returncode == 1 and r.stdout == "", (r.returncode, r.stdout)
        assert r.stderr == f"loadgen: failed to open {bad}: No such file or directory\n", \
            r.stderr
        assert took < 1, f"the bad path was found after {took:.1f}s"
        srv.wait_fds()
        assert srv.stop() == (0, 0, 0), srv.result
    # No server either: the file is still what is reported.
    r, _ = _run_loadgen(["-p", str(free_port()), "-n", "1", "-j", bad])
    assert r.returncode == 1 and "failed to open" in r.stderr, r.stderr
