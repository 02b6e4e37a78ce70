# SPDX-License-Identifier: GPL-2.0
"""Shared pieces of tests/test_servers.py: building, starting and stopping the
reference servers, small socket clients, and loadgen."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVERS = os.path.join(ROOT, "servers")
BIN = os.path.join(SERVERS, "bin")
PYDIR = os.path.join(SERVERS, "python")
LOADGEN_DIR = os.path.join(ROOT, "loadgen")
LOADGEN = os.path.join(LOADGEN_DIR, "bin", "loadgen")

# model (as its start line names it) -> argv after the program directory
C_SERVERS = {
    "iterative": ["iterative"],
    "blocking": ["blocking"],
    "blocking-pool": ["blocking", "--pool", "4"],
    "nonblocking": ["nonblocking"],
    "select": ["select"],
    "poll": ["poll"],
    "epoll": ["epoll"],
    "epoll-edge": ["epoll", "--edge"],
    "sigio": ["sigio"],
    "uring": ["uring"],
}
PY_SERVERS = {
    "py-select": ["select_server.py"],
    "py-selectors": ["selectors_server.py"],
    "py-threading": ["threading_server.py"],
    "py-nonblocking": ["nonblocking_server.py"],
}
ALL_SERVERS = {**C_SERVERS, **PY_SERVERS}
BINARIES = ["blocking", "iterative", "nonblocking", "select", "poll", "epoll", "sigio",
            "uring"]
# Serve one client at a time by design: a client waits while another is connected.
ONE_AT_A_TIME = {"iterative"}

START_RE = re.compile(r"^(\S+): listening on 127\.0\.0\.1:(\d+) \(proto (echo|http)\)$")
STATS_RE = re.compile(r"^(\S+): served (\d+) requests on (\d+) connections, refused (\d+)$",
                      re.M)
HTTP_BODY = b"hello, world\n"

_build = None


def build():
    """make -C servers and make -C loadgen, once per test run."""
    global _build
    if _build is None:
        _build = (0, "")
        for d in (SERVERS, LOADGEN_DIR):
            r = subprocess.run(["make", "-C", d], capture_output=True, text=True, timeout=300)
            if r.returncode:
                _build = (r.returncode, f"make -C {d} failed:\n" + r.stdout + r.stderr)
                break
    assert _build[0] == 0, _build[1][-3000:]


def argv_for(model):
    if model in C_SERVERS:
        first, *rest = C_SERVERS[model]
        return [os.path.join(BIN, first)] + rest
    first, *rest = PY_SERVERS[model]
    return [sys.executable, os.path.join(PYDIR, first)] + rest


class Server:
    """A running server on an ephemeral port; use as a context manager.
    wrapper: a command that runs the server as its child (e.g. strace -o F);
    pid is then the server's, and signals go to it."""

    def __init__(self, model, proto="echo", extra=(), verbose=False, wrapper=()):
        build()
        self.model = model
        self.out = tempfile.TemporaryFile()
        self.err = tempfile.TemporaryFile()
        argv = list(wrapper) + argv_for(model) + ["-p", "0", "--proto", proto] + list(extra)
        if verbose:
            argv.append("-v")
        env = None
        if wrapper:     # a SAN=1 build: LeakSanitizer cannot run under ptrace
            env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
        self.proc = subprocess.Popen(argv, stdout=self.out, stderr=self.err, env=env)
        self.pid = self.proc.pid
        self.result = None
        try:        # a failed check must not leave the server running
            self.start_line = self._wait_start()
            m = START_RE.match(self.start_line)
            assert m, f"{model}: bad start line {self.start_line!r}"
            assert m.group(1) == model, f"start line names {m.group(1)!r}, expected {model!r}"
            assert m.group(3) == proto, f"{model}: start line says proto {m.group(3)}"
            self.port = int(m.group(2))
            assert self.port > 0
            if wrapper:
                self.pid = self._child_pid()
            self.base_fds = self.fds()
        except BaseException:
            self.kill()
            self.out.close()
            self.err.close()
            raise

    def _wait_start(self, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = self.stdout()
            if "\n" in data:
                return data.split("\n", 1)[0]
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.model} exited with {self.proc.returncode} "
                                     f"before its start line: {self.stderr()!r}")
            time.sleep(0.02)
        raise AssertionError(f"{self.model}: no start line within {timeout}s")

    def _child_pid(self):
        with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
            kids = f.read().split()
        assert len(kids) == 1, f"{self.model}: wrapper has children {kids}"
        return int(kids[0])

    # pread, not seek+read: the server shares these files' offset, and a
    # seek(0) between two of its writes would make it overwrite its own
    # output.
    @staticmethod
    def _contents(f):
        return os.pread(f.fileno(), 1 << 20, 0).decode(errors="replace")

    def stdout(self):
        return self._contents(self.out)

    def stderr(self):
        return self._contents(self.err)

    def fds(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def rss_kb(self, field="VmRSS"):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0

    def alive(self):
        return self.proc.poll() is None

    def wait_fds(self, want=None, timeout=10):
        """Wait until the server holds want fds (default: as many as at start)."""
        want = self.base_fds if want is None else want
        deadline = time.monotonic() + timeout
        while True:
            n = self.fds()
            if n == want:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.model}: holds {n} fds, expected {want} "
                                     f"(fds not released)")
            time.sleep(0.02)

    def stop(self, sig=signal.SIGINT, timeout=10):
        """Signal the server; it must exit 0 and print its stats line.
        Returns (requests, connections, refused)."""
        assert self.alive(), f"{self.model} died: rc {self.proc.returncode}: {self.stderr()}"
        os.kill(self.pid, sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.model} did not exit within {timeout}s of signal {sig}")
        out = self.stdout()
        assert rc == 0, f"{self.model} exited with {rc}: {self.stderr()[-2000:]}"
        m = STATS_RE.search(out)
        assert m and m.group(1) == self.model, f"{self.model}: no stats line in {out!r}"
        self.result = tuple(int(m.group(i)) for i in (2, 3, 4))
        return self.result

    def kill(self):
        if self.proc.poll() is None:
            if self.pid != self.proc.pid:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.kill()
            self.proc.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        self.out.close()
        self.err.close()


def connect(port, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            raise AssertionError(f"connection closed after {len(buf)} of {n} bytes: "
                                 f"{bytes(buf[:80])!r}")
        buf += chunk
    return bytes(buf)


def recv_all(s, limit=16 << 20):
    """Read until EOF (or a reset, after which what came is returned)."""
    buf = bytearray()
    while len(buf) < limit:
        try:
            chunk = s.recv(1 << 20)
        except ConnectionResetError:
            break
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def upper(data):
    return bytes(data).upper()


def echo_session(port, lines, batch=1):
    """Send lines (batch at a time in one write) and check every answer."""
    with connect(port) as s:
        for i in range(0, len(lines), batch):
            chunk = b"".join(lines[i:i + batch])
            s.sendall(chunk)
            got = recv_exact(s, len(chunk))
            assert got == upper(chunk), f"echo: sent {chunk[:60]!r}, got {got[:60]!r}"


def http_request(path="/", extra=b""):
    return b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + b"\r\n"


def read_http_response(s, buf=b""):
    """One response from s (buf: bytes already read). Returns (status, body, rest)."""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed inside a response header: {buf!r}")
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    status = int(head.split(b" ", 2)[1])
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    assert length is not None, f"no Content-Length in {head!r}"
    while len(rest) < length:
        chunk = s.recv(65536)
        if not chunk:
            raise AssertionError("connection closed inside a response body")
        rest += chunk
    return status, rest[:length], rest[length:]


def http_session(port, keepalive=5, pipelined=3):
    """keepalive requests one by one, then pipelined ones in a single write."""
    with connect(port) as s:
        rest = b""
        for _ in range(keepalive):
            s.sendall(http_request())
            status, body, rest = read_http_response(s, rest)
            assert status == 200 and body == HTTP_BODY, (status, body)
        s.sendall(http_request() * pipelined)
        for _ in range(pipelined):
            status, body, rest = read_http_response(s, rest)
            assert status == 200 and body == HTTP_BODY, (status, body)
        assert rest == b"", f"unexpected bytes after the responses: {rest!r}"


def run_parallel(fn, args_list, timeout=60):
    """Run fn(*args) in one thread each; re-raise the first failure."""
    errors = []

    def wrap(args):
        try:
            fn(*args)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(a,), daemon=True) for a in args_list]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), f"clients still running after {timeout}s"
    if errors:
        raise errors[0]


def loadgen(args, timeout=60):
    """Run loadgen with -j; returns (rc, report dict or None, stdout, stderr)."""
    build()
    with tempfile.NamedTemporaryFile(suffix=".json") as j:
        r = subprocess.run([LOADGEN] + list(args) + ["-j", j.name], capture_output=True,
                           text=True, timeout=timeout)
        j.seek(0)
        data = j.read()
    report = json.loads(data) if data else None
    return r.returncode, report, r.stdout, r.stderr
