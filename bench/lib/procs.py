# SPDX-License-Identifier: GPL-2.0
"""Process control: start a program with its output in bench/logs/, wait for
a line it prints, stop it (signal, then SIGKILL), and kill whatever is left
when the bench ends."""
import os
import re
import signal
import subprocess
import sys
import time

from lib.config import LOGS, READY_TIMEOUT_S


class BenchError(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


children = set()


def spawn(argv, logname, **kw):
    """Start argv with stdout and stderr into bench/logs/LOGNAME."""
    path = os.path.join(LOGS, logname)
    out = open(path, "w")
    try:
        p = subprocess.Popen([str(a) for a in argv], stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, **kw)
    finally:
        out.close()
    p.logpath = path
    p.t_start = time.monotonic()
    children.add(p)
    return p


def read_log(p):
    with open(p.logpath, errors="replace") as f:
        return f.read()


def reap(p, timeout):
    """Wait up to timeout s for p. True if it ended."""
    if p.returncode is not None:
        return True
    deadline = time.monotonic() + timeout
    while True:
        pid, status = os.waitpid(p.pid, os.WNOHANG)
        if pid:
            p.returncode = os.waitstatus_to_exitcode(status)
            children.discard(p)
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)


def stop(p, sig=signal.SIGINT, grace=10.0):
    """End p: wait briefly, then sig, then SIGKILL. Returns its log text."""
    if not reap(p, 0.0):
        p.send_signal(sig)
        if not reap(p, grace):
            p.kill()
            reap(p, 5.0)
    return read_log(p)


def stop_all(*procs, sig=signal.SIGKILL, grace=1.0):
    """stop() every process given that is still running (None is skipped)."""
    for p in procs:
        if p is not None and p.returncode is None:
            stop(p, sig, grace)


def kill_children():
    for p in list(children):
        try:
            p.kill()
            reap(p, 2.0)
        except OSError:
            pass


def wait_marker(p, regex, timeout=READY_TIMEOUT_S, what=None):
    """Poll p's log (1 ms) until regex matches; returns (match, seconds)."""
    rx = re.compile(regex, re.M)
    while True:
        m = rx.search(read_log(p))
        if m:
            return m, time.monotonic() - p.t_start
        if reap(p, 0.0):
            raise BenchError("%s exited (%s) before printing /%s/; log %s: %s" % (
                what or os.path.basename(p.args[0]), p.returncode, regex, p.logpath,
                read_log(p)[-300:].strip()))
        if time.monotonic() - p.t_start > timeout:
            raise BenchError("%s not ready after %.0f s; log %s" % (
                what or p.args[0], timeout, p.logpath))
        time.sleep(0.001)


def run_quiet(argv, timeout=20):
    """First line of argv's output, or 'n/a'."""
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "n/a"
