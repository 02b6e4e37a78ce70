# SPDX-License-Identifier: GPL-2.0
"""A real redis (Debian's) under redis-benchmark, traced with iotrace -p PID,
in full mode and in --light.

The oracle is redis's own INFO: its counters of bytes read from and written
to clients, of connections accepted and of commands run, read before the
trace starts and after it ends, over one control connection opened before
and kept idle in between. What iotrace saw is then known exactly:
- socket bytes read = input bytes grown, less the second INFO's request
  (counted before it answers);
- socket bytes written = output bytes grown, less the first INFO's reply
  (counted after it was written, before the trace);
- accepts that returned an fd, epoll_ctl(ADD) and epoll_ctl(DEL) = the
  connections received (redis registers each client once for reading and
  deletes it at close; replies this small never wait for EPOLLOUT);
- socket reads with data, one per request read (PING, one at a time per
  connection), between the PINGs and the PINGs plus the other commands
  (redis-benchmark's CONFIG GETs); one reply written per request read.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from helpers import IOTRACE, assert_detached, free_port, need, wait_for_line

REDIS, BENCH = "/usr/bin/redis-server", "/usr/bin/redis-benchmark"
PINGS = 4000            # per redis-benchmark test; -t ping runs two (inline, bulk)
CONNS = 8
INFO = b"*2\r\n$4\r\nINFO\r\n$3\r\nall\r\n"


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class Redis:
    """redis-server on a free loopback port, no persistence, in a temp dir."""

    def __init__(self):
        need(REDIS, BENCH)
        self.dir = tempfile.mkdtemp(prefix="iotrace-redis.")
        self.port = free_port()
        self.p = subprocess.Popen([REDIS, "--port", str(self.port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--dir", self.dir,
                                   "--daemonize", "no", "--logfile", ""],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pid = self.p.pid
        deadline = time.monotonic() + 10
        while True:
            try:
                self.ctl = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                break
            except OSError:
                if self.p.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError("redis-server did not start")
                time.sleep(0.02)

    def info(self):
        """INFO all on the control connection: ({field: int}, reply bytes)."""
        self.ctl.sendall(INFO)
        buf = b""
        while b"\r\n" not in buf:
            buf += self.ctl.recv(65536)
        head, _, rest = buf.partition(b"\r\n")
        assert head.startswith(b"$"), head
        size = int(head[1:])
        while len(rest) < size + 2:
            rest += self.ctl.recv(65536)
        fields = {}
        for line in rest[:size].decode().splitlines():
            k, _, v = line.partition(":")
            if k.startswith("cmdstat_"):
                v = v.split(",")[0].split("=")[1]      # calls=N,usec=...
            if v.isdigit():
                fields[k] = int(v)
        return fields, len(head) + 2 + size + 2        # $SIZE\r\n BODY \r\n

    def stop(self):
        if getattr(self, "ctl", None):
            self.ctl.close()
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def traced_benchmark(r, extra):
    """INFO, iotrace attached, redis-benchmark, every client gone, iotrace
    ended, INFO: (report, counters grown, first reply's bytes)."""
    before, reply1 = r.info()
    base_fds = fd_count(r.pid)
    with tempfile.NamedTemporaryFile(suffix=".json") as j:
        t = subprocess.Popen([IOTRACE, "-p", str(r.pid), "-j", j.name] + extra,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_line(t.stderr, "Tracing PID", timeout=20)
            b = subprocess.run([BENCH, "-p", str(r.port), "-n", str(PINGS), "-c", str(CONNS),
                                "-t", "ping", "-q"], capture_output=True, text=True, timeout=120)
            assert b.returncode == 0, b.stderr[-500:]
            # redis has closed every benchmark connection: all DELs are in
            deadline = time.monotonic() + 10
            while fd_count(r.pid) > base_fds and time.monotonic() < deadline:
                time.sleep(0.02)
            assert fd_count(r.pid) == base_fds, "redis kept benchmark connections open"
            t.send_signal(signal.SIGINT)
            assert t.wait(timeout=20) == 0, t.stderr.read()
        finally:
            if t.poll() is None:
                t.kill()
                t.wait()
        report = json.load(open(j.name))
    after, _ = r.info()
    grown = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    return report, grown, reply1


def test_redis_io_matches_its_own_counters_in_full_and_light_mode():
    r = Redis()
    try:
        for extra in ([], ["--light"]):
            report, grown, reply1 = traced_benchmark(r, extra)
            io, sc = report["io"], report["syscalls"]
            mode = extra[0] if extra else "full"
            assert report["mode"] == mode.lstrip("-"), report["mode"]
            assert not any(report["drops"].values()), report["drops"]
            assert io["reads"]["socket"]["bytes"] == \
                grown["total_net_input_bytes"] - len(INFO), (mode, io["reads"], grown)
            assert io["writes"]["socket"]["bytes"] == \
                grown["total_net_output_bytes"] - reply1, (mode, io["writes"], grown)
            conns = grown["total_connections_received"]
            assert conns >= CONNS, grown
            assert io["accepts"]["socket"]["data_calls"] == conns, (mode, io["accepts"])
            assert sc["epoll_ctl(ADD)"]["calls"] == conns, (mode, sc["epoll_ctl(ADD)"])
            assert sc["epoll_ctl(DEL)"]["calls"] == conns, (mode, sc["epoll_ctl(DEL)"])
            # besides PING: redis-benchmark's CONFIG GETs ("cmdstat_config|get"); the
            # first INFO, run before the trace, counts only in the second
            pings = grown["cmdstat_ping"]
            configs = sum(v for k, v in grown.items() if k.startswith("cmdstat_") and
                          k not in ("cmdstat_ping", "cmdstat_info"))
            assert pings == 2 * PINGS, grown
            reads = io["reads"]["socket"]["data_calls"]
            assert pings <= reads <= pings + configs, (mode, reads, pings, configs)
            assert io["requests"] == reads
            assert io["writes"]["socket"]["data_calls"] == reads, (mode, io["writes"])
            # the one thread waits in epoll_wait, the loop of every request
            assert sc["epoll_wait"]["calls"] >= reads / CONNS, sc["epoll_wait"]
        assert_detached(r.pid)
    finally:
        r.stop()
