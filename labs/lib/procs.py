# SPDX-License-Identifier: GPL-2.0
"""Driving the reference servers, loadgen and iotrace from a lab.

Servers run pinned to the server CPU, loadgen to the client CPU. iotrace
is the measuring instrument: the labs read its JSON report and never trace
anything themselves."""
import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time

from . import machine

LABS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(LABS)
SERVERS = os.path.join(ROOT, "servers", "bin")
PYSERVERS = os.path.join(ROOT, "servers", "python")
LOADGEN = os.path.join(ROOT, "loadgen", "bin", "loadgen")
# LABS_IOTRACE: another iotrace binary (e.g. a branch's build) to measure with
IOTRACE = os.environ.get("LABS_IOTRACE") or os.path.join(ROOT, "iotrace")
PROGS_SRC = os.path.join(LABS, "progs")
PROGS_BIN = os.path.join(LABS, "bin")
START_RE = re.compile(r"^(\S+): listening on 127\.0\.0\.1:(\d+) \(proto (\w+)\)")


class LabError(Exception):
    """The experiment could not run (a missing binary, a server that died)."""


class Missing(LabError):
    """A feature the lab needs is not in this build (reported as inconclusive)."""


def server_argv(model):
    if model.endswith(".py"):
        return [sys.executable, os.path.join(PYSERVERS, model)]
    return [os.path.join(SERVERS, model)]


def has_option(model, option):
    """Whether a server or loadgen lists option in its --help."""
    argv = [LOADGEN] if model == "loadgen" else server_argv(model)
    r = subprocess.run(argv + ["--help"], capture_output=True, text=True, timeout=10)
    return option in r.stdout + r.stderr


def read_line(stream, timeout, what):
    """One line from a pipe within timeout seconds."""
    deadline = time.monotonic() + timeout
    buf = b""
    fd = stream.fileno()
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            break
        chunk = os.read(fd, 1)
        if not chunk:
            break
        if chunk == b"\n":
            return buf.decode(errors="replace")
        buf += chunk
    raise LabError("no line from %s within %ss (got %r)" % (what, timeout, buf[:200]))


class Server:
    """A reference server on a free port, pinned to the server CPU."""

    def __init__(self, model, *extra, proto="echo"):
        self.model = model
        self.err = tempfile.TemporaryFile()
        argv = server_argv(model) + ["-p", "0", "--proto", proto] + [str(x) for x in extra]
        if not os.path.exists(server_argv(model)[-1]):
            raise LabError("no %s: build with `make all`" % server_argv(model)[-1])
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.err,
                                     preexec_fn=machine.pinner("server"))
        self.pid = self.proc.pid
        try:
            line = read_line(self.proc.stdout, 10, model)
            m = START_RE.match(line)
            if not m:
                raise LabError("%s: unexpected start line %r" % (model, line))
            self.port = int(m.group(2))
        except BaseException:
            self.close()
            raise

    def status(self):
        return proc_status(self.pid)

    def stderr(self):
        return os.pread(self.err.fileno(), 1 << 16, 0).decode(errors="replace")

    def stop(self):
        """SIGTERM; returns the server's last stdout line (its stats)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rest = self.proc.stdout.read().decode(errors="replace").strip()
        return rest.splitlines()[-1] if rest else ""

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.err.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _loadgen_argv(port, conns, active, secs, json_path, extra):
    active = conns if active is None else active
    return [LOADGEN, "-p", str(port), "-c", str(conns), "-a", str(active),
            "-d", "%g" % secs, "-j", json_path] + [str(x) for x in extra]


def _loadgen_report(path, stderr, rc, check):
    data = open(path).read()
    if not data:
        raise LabError("loadgen wrote no report: %s" % (stderr.strip()[-300:]))
    report = json.loads(data)
    if check and rc != 0 and not report.get("ok"):
        raise LabError("loadgen failed: %s" % stderr.strip()[-300:])
    return report


def loadgen(port, conns=1, active=None, secs=1.0, *extra, check=True):
    """Run loadgen pinned to the client CPU; returns its JSON report."""
    with tempfile.NamedTemporaryFile(suffix=".json") as j:
        argv = _loadgen_argv(port, conns, active, secs, j.name, extra)
        r = subprocess.run(argv, capture_output=True, text=True, timeout=secs + 60,
                           preexec_fn=machine.pinner("client"))
        return _loadgen_report(j.name, r.stderr, r.returncode, check)


class Load:
    """loadgen in the background for at most secs, pinned to the client
    CPU, until .stop(): SIGINT ends its run and it writes its report. For
    measurements that start when the server is ready, not at a fixed time."""

    def __init__(self, port, conns, secs, *extra):
        self.json = tempfile.NamedTemporaryFile(suffix=".json")
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(_loadgen_argv(port, conns, None, secs, self.json.name,
                                                   extra),
                                     stdout=subprocess.DEVNULL, stderr=self.err,
                                     preexec_fn=machine.pinner("client"))

    def running(self):
        return self.proc.poll() is None

    def stop(self, check=True):
        """Ends the run; returns loadgen's JSON report."""
        if self.running():
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise LabError("loadgen did not end within 60 s of SIGINT")
        err = os.pread(self.err.fileno(), 1 << 16, 0).decode(errors="replace")
        return _loadgen_report(self.json.name, err, self.proc.returncode, check)

    def close(self):
        if self.running():
            self.proc.kill()
            self.proc.wait()
        self.json.close()
        self.err.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Trace:
    """iotrace -p PID for the duration of a with-block; .report is its JSON."""

    def __init__(self, pid, *extra):
        self.json = tempfile.NamedTemporaryFile(suffix=".json")
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([IOTRACE, "-p", str(pid), "-j", self.json.name]
                                     + list(extra), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        self.report = None
        try:
            line = ""
            while "Tracing" not in line:
                line = read_line(self.proc.stderr, 15, "iotrace")
        except BaseException:
            self.proc.kill()
            self.proc.wait()
            raise

    def __enter__(self):
        return self

    def __exit__(self, exc, *rest):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = -1
        err = self.proc.stderr.read().decode(errors="replace")
        self.proc.stderr.close()
        if exc is None:
            if rc != 0:
                raise LabError("iotrace failed: %s" % err.strip()[-300:])
            self.report = json.load(open(self.json.name))
        self.json.close()


def trace_cmd(argv, timeout=60):
    """iotrace -j -- ARGV: (JSON report, the command's 'RESULT {json}' line or None)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as j:
        r = subprocess.run([IOTRACE, "-j", j.name, "--"] + argv, capture_output=True,
                           text=True, timeout=timeout, preexec_fn=machine.pinner("server"))
        if r.returncode != 0:
            raise LabError("iotrace -- %s failed: %s" % (os.path.basename(argv[0]),
                                                          (r.stderr or r.stdout)[-300:]))
        report = json.load(open(j.name))
    result = None
    for line in r.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
    return report, result


def python_oracle(code, timeout=60):
    """Trace a small Python program (the labs' oracles); see trace_cmd."""
    return trace_cmd([sys.executable, "-c", code], timeout)


def prog(name):
    """labs/progs/NAME.c built into labs/bin/NAME when missing or stale."""
    src, out = os.path.join(PROGS_SRC, name + ".c"), os.path.join(PROGS_BIN, name)
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        os.makedirs(PROGS_BIN, exist_ok=True)
        r = subprocess.run([os.environ.get("CC", "cc"), "-std=gnu11", "-O2", "-Wall",
                            "-Wextra", src, "-o", out], capture_output=True, text=True)
        if r.returncode != 0:
            raise LabError("failed to build %s: %s" % (name, r.stderr[-500:]))
    return out


def proc_status(pid):
    """Threads, VmRSS (kB) and context switches summed over /proc/PID/task/*."""
    st = {"threads": 0, "rss_kb": 0, "voluntary": 0, "nonvoluntary": 0}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k == "Threads":
                st["threads"] = int(v)
            elif k == "VmRSS":
                st["rss_kb"] = int(v.split()[0])
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                for line in f:
                    k, _, v = line.partition(":")
                    if k == "voluntary_ctxt_switches":
                        st["voluntary"] += int(v)
                    elif k == "nonvoluntary_ctxt_switches":
                        st["nonvoluntary"] += int(v)
        except OSError:         # the thread ended meanwhile
            pass
    st["ctxt_switches"] = st["voluntary"] + st["nonvoluntary"]
    return st


def syscall(report, name):
    """One syscall's object in an iotrace report ({} when never called)."""
    return report.get("syscalls", {}).get(name, {})


class NotMeasured(Missing):
    """iotrace ran but did not measure a figure the lab needs: (figure, why)."""


def missing(report, *keys, syscalls=None):
    """(figure, why) when the iotrace report lists one of keys (e.g.
    "readiness", "wakeups", "kernel.bytes_in") in its not_measured, else None:
    --light mode, the only one some kernels load (5.10 has no bpf_loop),
    leaves them out. A key listed for some syscalls only ("kernel.bytes_in
    (select, pselect6, ppoll)") counts when the lab reads one of those
    syscalls, or says none."""
    for nm in report.get("not_measured", []):
        for k in nm.get("keys", []):
            name, _, scope = k.partition(" (")
            only = [s.strip() for s in scope.rstrip(")").split(",")] if scope else []
            if name in keys and (not only or syscalls is None or
                                 any(s.split("(")[0] in only for s in syscalls)):
                return nm.get("figure", k), nm.get("why", "?")
    return None


def require(report, *keys, syscalls=None):
    """Raise NotMeasured (every claim of the experiment undecided) when the
    report did not measure one of keys; see missing()."""
    gone = missing(report, *keys, syscalls=syscalls)
    if gone:
        raise NotMeasured(*gone)
