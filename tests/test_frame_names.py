# SPDX-License-Identifier: GPL-2.0
"""The wakeup stacks are named while tracing: Ctrl-C reads no /proc/kallsyms.

The workload: `cat` reading a pipe that a shell writes to every 20 ms, so
every wakeup of the traced cat has the same kernel stack (pipe_write ->
__wake_up_common -> ...). iotrace names its frames from /proc/kallsyms
during the trace; the final report, after SIGINT, must open kallsyms no
more (strace sees every openat of iotrace, and the SIGINT).
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from helpers import IOTRACE, assert_detached, wait_for_line

STRACE = "/usr/bin/strace"


def comm(pid):
    try:
        return open(f"/proc/{pid}/comm").read().strip()
    except OSError:
        return None


def child_of(pid, name, timeout=10):
    """pid's child running name"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            kids = open(f"/proc/{pid}/task/{pid}/children").read().split()
        except OSError:
            kids = []
        for k in kids:
            if comm(k) == name:
                return int(k)
        time.sleep(0.02)
    raise AssertionError(f"{pid} started no {name}")


def test_ctrl_c_reads_no_kallsyms_once_the_stacks_are_named():
    if not os.path.exists(STRACE):
        raise AssertionError(f"needs {STRACE} (install-deps)")
    tdir = tempfile.mkdtemp(prefix="iotrace-frames.")
    log = os.path.join(tdir, "strace.log")
    load = tracer = None
    try:
        load = subprocess.Popen(["sh", "-c", "while :; do echo x; sleep 0.02; done | cat >/dev/null"],
                                start_new_session=True)
        cat = child_of(load.pid, "cat")
        # LeakSanitizer cannot run under ptrace: off for a SAN=1 build, which
        # the rest of the suite checks for leaks
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
        tracer = subprocess.Popen([STRACE, "-f", "-e", "trace=openat", "-o", log,
                                   IOTRACE, "-p", str(cat), "--stacks"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=env)
        wait_for_line(tracer.stderr, "Tracing PID", timeout=30)
        time.sleep(1.5)
        os.kill(child_of(tracer.pid, "iotrace"), signal.SIGINT)
        out, err = tracer.communicate(timeout=30)
        assert tracer.returncode == 0, err
        # the text report names the frames: the pipe wakeup path
        assert "pipe_write" in out, out
        lines = open(log).read().splitlines()
        sigint = next(i for i, l in enumerate(lines) if "--- SIGINT" in l)
        before = [l for l in lines[:sigint] if "/proc/kallsyms" in l]
        after = [l for l in lines[sigint:] if "/proc/kallsyms" in l]
        assert len(before) >= 1, "the stacks were not named while tracing"
        assert after == [], f"kallsyms read after Ctrl-C: {after}"
    finally:
        for p in (tracer, load):
            if p is not None and p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL) if p is load else p.kill()
                p.wait()
        shutil.rmtree(tdir, ignore_errors=True)
    assert_detached()
