# SPDX-License-Identifier: GPL-2.0
"""The reference servers (servers/*.c, servers/python/*.py) and loadgen.

Every server starts on an ephemeral port (-p 0), is stopped with a signal and
must exit 0 with its stats line ("served R requests on C connections,
refused F"), which the tests compare with what the clients did. Every fd a
client caused must be released (/proc/PID/fd is counted before and after).
"""
import os
import random
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import unittest

from servers_util import (ALL_SERVERS, BIN, BINARIES, C_SERVERS, HTTP_BODY, LOADGEN,
                          LOADGEN_DIR, ONE_AT_A_TIME, PY_SERVERS, SERVERS, Server, argv_for, build,
                          connect, echo_session, http_request, http_session,
                          loadgen, read_http_response, recv_all, recv_exact, run_parallel,
                          upper)

CLIENTS = 8             # concurrent clients per server
LINES = 10              # lines per echo client


def _echo_lines(client):
    rnd = random.Random(client)
    return [bytes(rnd.choice(b"abcxyz019 -") for _ in range(rnd.randint(0, 200))) + b"\n"
            for _ in range(LINES)]


def test_make_builds_every_binary_without_warnings_with_gcc_and_clang():
    build()
    for name in BINARIES:
        assert os.access(os.path.join(BIN, name), os.X_OK), f"servers/bin/{name} missing"
    assert os.access(LOADGEN, os.X_OK), "loadgen/bin/loadgen missing"
    for cc in ("gcc", "clang"):
        for folder, binaries in ((SERVERS, BINARIES), (LOADGEN_DIR, ["loadgen"])):
            with tempfile.TemporaryDirectory() as out:
                r = subprocess.run(["make", "-C", folder, "-B", f"CC={cc}", f"OUT={out}"],
                                   capture_output=True, text=True, timeout=300)
                assert r.returncode == 0, f"{cc} build of {folder} failed:\n{r.stderr[-2000:]}"
                assert "warning" not in (r.stdout + r.stderr).lower(), \
                    f"{cc} warnings:\n{r.stderr[-3000:]}"
                assert sorted(f for f in os.listdir(out) if not f.startswith(".")) == \
                    sorted(binaries)


def test_every_server_answers_concurrent_echo_clients():
    # 8 clients x 10 lines, pipelined 3 lines per write: every answer is the
    # line upper-cased; the server counts 80 requests on 8 connections.
    for model in ALL_SERVERS:
        with Server(model) as srv:
            run_parallel(lambda c: echo_session(srv.port, _echo_lines(c), batch=3),
                         [(c,) for c in range(CLIENTS)])
            srv.wait_fds()
            assert srv.stop() == (CLIENTS * LINES, CLIENTS, 0), (model, srv.result)


def test_every_c_server_answers_concurrent_http_clients_with_keepalive_and_pipelining():
    # 8 clients x (5 keep-alive + 3 pipelined GETs) = 64 responses of 200.
    for model in C_SERVERS:
        with Server(model, proto="http") as srv:
            run_parallel(lambda: http_session(srv.port, keepalive=5, pipelined=3),
                         [()] * CLIENTS)
            srv.wait_fds()
            assert srv.stop() == (CLIENTS * 8, CLIENTS, 0), (model, srv.result)


def test_http_non_get_gets_400_and_close():
    for model in C_SERVERS:
        with Server(model, proto="http") as srv:
            for bad in (b"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
                        b"\x00\x01\x02garbage\r\n\r\n", b"get / HTTP/1.1\r\n\r\n"):
                with connect(srv.port) as s:
                    s.sendall(http_request() + bad + http_request())
                    status, body, rest = read_http_response(s)
                    assert status == 200 and body == HTTP_BODY
                    status, _, rest = read_http_response(s, rest)
                    assert status == 400, f"{model}: {bad!r} got {status}"
                    assert rest + recv_all(s) == b"", f"{model}: data after the 400"
            http_session(srv.port)      # still healthy
            srv.wait_fds()
            assert srv.stop()[0] == 3 + 8, (model, srv.result)


def test_http_header_longer_than_64k_gets_400():
    for model in C_SERVERS:
        with Server(model, proto="http") as srv:
            with connect(srv.port) as s:
                try:
                    s.sendall(b"GET / HTTP/1.1\r\nX-Long: " + b"a" * (70 << 10))
                except (BrokenPipeError, ConnectionResetError):
                    pass                # closed on us while sending: also refused
                got = recv_all(s)
                assert got == b"" or got.startswith(b"HTTP/1.1 400 "), (model, got[:80])
            http_session(srv.port)
            srv.wait_fds()
            srv.stop()


def test_every_server_survives_binary_garbage_and_nul_bytes():
    # Echo answers any bytes: 'a'..'z' upper-cased, the rest unchanged.
    rnd = random.Random(7)
    junk = bytes(rnd.getrandbits(8) for _ in range(100_000)) + b"\x00\x00\n"
    for model in ALL_SERVERS:
        with Server(model) as srv:
            with connect(srv.port) as s:
                sender = threading.Thread(target=lambda: (s.sendall(junk),
                                                          s.shutdown(socket.SHUT_WR)))
                sender.start()
                got = recv_all(s)
                sender.join(10)
            assert got == upper(junk), f"{model}: {len(got)} of {len(junk)} bytes match"
            echo_session(srv.port, [b"still here\n"])
            srv.wait_fds()
            srv.stop()
    for model in C_SERVERS:
        with Server(model, proto="http") as srv:
            with connect(srv.port) as s:
                s.sendall(junk[:5000])
                got = recv_all(s)
            assert got == b"" or got.startswith(b"HTTP/1.1 400 "), (model, got[:80])
            http_session(srv.port)
            srv.wait_fds()
            srv.stop()


def test_1mib_line_is_answered_in_pieces_and_memory_stays_bounded():
    # A 1 MiB line (no '\n' for 1 MiB): the server answers it in 64 KiB
    # pieces, so the client gets exactly the line upper-cased, while the
    # server's peak RSS grows by well under the line's size.
    line = bytes(random.Random(1).choice(b"abcdefghij") for _ in range(1 << 20)) + b"\n"
    for model in ALL_SERVERS:
        with Server(model) as srv:
            hwm = srv.rss_kb("VmHWM")
            with connect(srv.port) as s:
                sender = threading.Thread(target=s.sendall, args=(line,))
                sender.start()
                got = recv_exact(s, len(line))
                sender.join(10)
            assert got == upper(line), f"{model}: reply differs"
            grown = srv.rss_kb("VmHWM") - hwm
            assert grown < 768, f"{model}: peak RSS grew by {grown} KiB for a 1 MiB line"
            srv.wait_fds()
            assert srv.stop()[:2] == (1, 1), (model, srv.result)


def test_client_that_never_reads_cannot_grow_server_memory():
    # The client sends 8 MiB of lines and reads nothing: the server stops
    # reading once 64 KiB of answers are queued (back-pressure), so the
    # bytes wait in the socket buffers, not in the server.
    for model in ALL_SERVERS:
        with Server(model) as srv:
            rss = srv.rss_kb()
            with connect(srv.port) as s:
                s.setblocking(False)
                chunk, sent = b"x" * 1023 + b"\n", 0
                deadline = time.monotonic() + 0.5
                while sent < 8 << 20 and time.monotonic() < deadline:
                    try:
                        sent += s.send(chunk * 64)
                    except BlockingIOError:
                        time.sleep(0.01)
                time.sleep(0.2)
                grown = srv.rss_kb() - rss
                assert grown < 2048, f"{model}: RSS grew by {grown} KiB ({sent} bytes sent)"
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            echo_session(srv.port, [b"next client\n"])
            srv.wait_fds()
            srv.stop()


def test_half_closed_and_reset_clients_are_handled_and_released():
    for model in ALL_SERVERS:
        with Server(model) as srv:
            # Half-close: the unfinished line is answered, then the server closes.
            with connect(srv.port) as s:
                s.sendall(b"abc\nhalf")
                s.shutdown(socket.SHUT_WR)
                assert recv_all(s) == b"ABC\nHALF", model
            # Reset with requests in flight, and reset right after connecting.
            for payload in (b"one\ntwo\n" * 1000, b""):
                s = connect(srv.port)
                s.sendall(payload)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
            echo_session(srv.port, [b"after resets\n"])
            srv.wait_fds()
            srv.stop()
            assert srv.result[1] == 4, (model, srv.result)


def test_slow_clients_sending_a_byte_at_a_time():
    # 3 clients send "ok\n" a byte every 0.2 s. Meanwhile a fast client is
    # answered at once (except by iterative, which serves one at a time).
    for model in ALL_SERVERS:
        with Server(model) as srv:
            socks = [connect(srv.port) for _ in range(3)]
            try:
                for i, byte in enumerate(b"ok\n"):
                    for s in socks:
                        s.send(bytes([byte]))
                    if i == 0 and model not in ONE_AT_A_TIME:
                        t0 = time.monotonic()
                        echo_session(srv.port, [b"fast\n"])
                        took = time.monotonic() - t0
                        assert took < 0.19, f"{model}: a fast client waited {took:.2f}s"
                    time.sleep(0.2)
                for s in socks:
                    assert recv_exact(s, 3) == b"OK\n", model
                    s.close()       # iterative serves the next one only then
            finally:
                for s in socks:
                    s.close()
            srv.wait_fds()
            want = 3 if model in ONE_AT_A_TIME else 4
            assert srv.stop()[:2] == (want, want), (model, srv.result)


def _peak_fds(srv, stop_event, peak):
    while not stop_event.is_set():
        try:
            peak[0] = max(peak[0], srv.fds())
        except OSError:
            return
        time.sleep(0.05)


def test_10000_connections_at_once():
    # loadgen holds 10,000 connections, 20 of them active at 1000 req/s for
    # 2 s (2000 requests). The server must hold all 10,000 at once (its fd
    # count is watched), answer every request, and release every fd.
    # select refuses fds >= 1024 (see the next test); iterative and the
    # 4-thread pool serve one client per thread, the others wait in the
    # listen backlog (SOMAXCONN 4096), so they get 4000 connections and
    # one active client. Of the Python servers, the two that multiplex in one
    # thread take part; py-threading starts a Python thread per client (about
    # 1 ms each, over 10 s for 10,000) and py-select refuses fds >= 1024.
    for model in list(C_SERVERS) + ["py-selectors", "py-nonblocking"]:
        if model == "select":
            continue
        small = model in ("iterative", "blocking-pool")
        conns, active = (4000, 1) if small else (10000, 20)
        with Server(model) as srv:
            stop_event, peak = threading.Event(), [0]
            watcher = threading.Thread(target=_peak_fds, args=(srv, stop_event, peak))
            watcher.start()
            try:
                rc, rep, out, err = loadgen(["-p", str(srv.port), "-c", str(conns), "-a",
                                             str(active), "--rate", "1000", "-d", "2"],
                                            timeout=60)
            finally:
                stop_event.set()
                watcher.join()
            assert rc == 0 and rep["errors"] == 0, f"{model}: {err}{out}"
            assert 1900 <= rep["ok"] <= 2001, (model, rep["ok"])
            if not small:
                assert peak[0] >= srv.base_fds + conns, \
                    f"{model}: held at most {peak[0] - srv.base_fds} connections at once"
            srv.wait_fds(timeout=20)
            requests, served_conns, refused = srv.stop()
            # one-at-a-time servers may be stopped with closed connections
            # still queued in the listen backlog: they never reached accept()
            expect_conns = served_conns if small and served_conns <= conns else conns
            assert (requests, served_conns, refused) == (rep["ok"], expect_conns, 0), \
                (model, srv.result, rep["ok"])


def test_select_servers_refuse_fds_at_or_above_fd_setsize_and_stay_healthy():
    for model in ("select", "py-select"):
        with Server(model) as srv:
            socks = []
            try:
                for _ in range(1100):
                    socks.append(connect(srv.port))
                # The first client (a low fd) is still served.
                socks[0].sendall(b"low fd\n")
                assert recv_exact(socks[0], 7) == b"LOW FD\n", model
                # The last ones were refused: closed by the server.
                socks[-1].settimeout(5)
                assert recv_all(socks[-1]) == b"", model
            finally:
                for s in socks:
                    s.close()
            srv.wait_fds(timeout=20)
            echo_session(srv.port, [b"healthy\n"])
            srv.wait_fds()
            requests, conns, refused = srv.stop()
            err = srv.stderr()
            assert refused >= 1100 + 1 - 1024 and conns + refused == 1101, (model, srv.result)
            assert "refusing fd 1024: select() only handles fds below FD_SETSIZE (1024)" in err, \
                f"{model}: no refusal logged: {err[:300]!r}"


def _one_line_error(argv, label):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    assert r.returncode != 0, f"{label}: exit 0 for a bad argument"
    assert r.stderr.count("\n") == 1 and r.stderr.strip(), \
        f"{label}: expected one line on stderr, got {r.stderr!r}"
    assert r.stdout == "", f"{label}: printed {r.stdout!r} on stdout"


def test_bad_flags_and_numbers_are_one_line_errors():
    build()
    common_bad = [["--bogus"], ["-p", "70000"], ["-p", "12ab"], ["-p"], ["--proto", "ftp"],
                  ["stray"], ["-p", "-1"], ["--slow-ms", "-1"], ["--slow-ms", "x"],
                  ["--slow-ms", "3600001"]]
    for model in ALL_SERVERS:
        bad = list(common_bad)
        if model in PY_SERVERS:
            bad = [b for b in bad if b != ["--proto", "ftp"]] + [["--proto", "http"]]
        for args in bad:
            _one_line_error(argv_for(model) + args, f"{model} {args}")
    _one_line_error([os.path.join(BIN, "blocking"), "--pool", "0"], "blocking --pool 0")
    _one_line_error([os.path.join(BIN, "nonblocking"), "--sleep-us", "-5"], "--sleep-us -5")
    _one_line_error([os.path.join(BIN, "epoll"), "--edge", "--mod-per-request"],
                    "epoll --edge --mod-per-request")
    for args in (["--bogus"], ["-c", "0"], ["-c", "2", "-a", "5"], ["-d", "0"], ["-s", "0"],
                 ["-n", "x"], ["--rate", "-1"], ["--timeout", "nan"], ["--proto", "ftp"],
                 ["extra"], ["--slow", "-1"], ["-c", "4", "-a", "2", "--slow", "3"]):
        _one_line_error([LOADGEN] + args, f"loadgen {args}")


def test_help_has_summary_usage_and_examples():
    build()
    for argv in [argv_for(m) for m in ALL_SERVERS] + [[LOADGEN]]:
        for flag in ("-h", "--help"):
            r = subprocess.run(argv + [flag], capture_output=True, text=True, timeout=10)
            assert r.returncode == 0, (argv, flag)
            text = r.stdout.lower()
            assert "usage:" in text and "examples:" in text and "--port" in text, r.stdout
            assert "--slow" in text, f"{argv}: --slow-ms / --slow not in the help"


def test_servers_exit_cleanly_on_sigterm_with_clients_connected():
    for model in ALL_SERVERS:
        with Server(model) as srv:
            idle = connect(srv.port)
            busy = connect(srv.port)
            busy.sendall(b"partial line without newline")
            time.sleep(0.1)
            try:
                requests, conns, refused = srv.stop(signal.SIGTERM)
            finally:
                idle.close()
                busy.close()
            # The unfinished line may be answered (and counted) as the server
            # shuts the sockets down, or not at all. iterative never got to
            # accept the second client.
            want = 1 if model in ONE_AT_A_TIME else 2
            assert requests <= 1 and conns == want and refused == 0, (model, srv.result)


def test_wrk_drives_the_http_servers():
    wrk = "/usr/bin/wrk"          # installed by scripts/install-deps
    assert os.access(wrk, os.X_OK), "wrk is missing: run scripts/install-deps"
    for model in C_SERVERS:
        if model in ("iterative", "blocking-pool"):
            continue            # wrk's 10 connections would wait for each other
        with Server(model, proto="http") as srv:
            r = subprocess.run([wrk, "-t1", "-c10", "-d1s", f"http://127.0.0.1:{srv.port}/"],
                               capture_output=True, text=True, timeout=30)
            assert r.returncode == 0, r.stderr
            assert "Non-2xx" not in r.stdout and "Socket errors" not in r.stdout, r.stdout
            done = int(r.stdout.split(" requests in ")[0].split()[-1])
            assert done > 100, r.stdout
            requests = srv.stop()[0]
            assert requests >= done, (model, requests, done)


def test_uring_says_so_in_one_line_when_the_kernel_refuses_io_uring():
    knob = "/proc/sys/kernel/io_uring_disabled"
    if not os.access(knob, os.W_OK):
        raise unittest.SkipTest("kernel.io_uring_disabled not there (kernels before 6.6)")
    build()
    with open(knob) as f:
        old = f.read().strip()
    try:
        with open(knob, "w") as f:
            f.write("2")
        r = subprocess.run([os.path.join(BIN, "uring"), "-p", "0"], capture_output=True,
                           text=True, timeout=10)
    finally:
        with open(knob, "w") as f:
            f.write(old)
    assert r.returncode == 1 and r.stdout == "", (r.returncode, r.stdout)
    assert r.stderr.count("\n") == 1 and "failed to set up io_uring" in r.stderr, r.stderr
