# SPDX-License-Identifier: GPL-2.0
"""The hot path: a launched command's lifetime, every syscall counted by
name (all_syscalls), IO rows by real syscall and by the kind of file."""
import json
import os
import signal
import subprocess
import tempfile
import time

from helpers import IOTRACE, assert_detached, attach, last_json_line, launch, prog, run_iotrace


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def launched_pid(report_path):
    with open(report_path) as f:
        return json.load(f)["target"]["pid"]


def test_launched_command_ends_with_the_trace():
    """-d ends the trace: the command gets SIGTERM and is reaped."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        t0 = time.monotonic()
        r = run_iotrace(["-d", "0.5", "-j", out.name, "--", "sleep", "60"])
        took = time.monotonic() - t0
        assert r.returncode == 0, r.stderr
        pid = launched_pid(out.name)
    assert not alive(pid), f"sleep (PID {pid}) outlived the trace"
    assert took < 5, f"iotrace took {took:.1f}s to end"
    assert_detached(pid)


def test_launched_command_that_ignores_sigterm_is_killed():
    """A command that ignores SIGTERM gets SIGKILL after the grace period."""
    cmd = ["sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"]
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        tracer = subprocess.Popen([IOTRACE, "-j", out.name, "--"] + cmd,
                                  stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        tracer.send_signal(signal.SIGINT)
        err = tracer.communicate(timeout=20)[1]
        assert tracer.returncode == 0, err
        pid = launched_pid(out.name)
    assert not alive(pid), f"sh (PID {pid}) outlived the trace"
    assert "SIGKILL" in err, err


def test_keep_running_leaves_the_command():
    # the command inherits iotrace's stdout and stderr: not pipes we wait on
    with tempfile.NamedTemporaryFile(suffix=".json") as out, tempfile.TemporaryFile() as log:
        r = subprocess.run([IOTRACE, "-d", "0.3", "--keep-running", "-j", out.name, "--",
                            "sleep", "60"], stdout=log, stderr=log, timeout=30)
        assert r.returncode == 0
        pid = launched_pid(out.name)
    try:
        assert alive(pid), "--keep-running: the command was ended"
    finally:
        os.kill(pid, signal.SIGKILL)
    r = run_iotrace(["--keep-running", "-p", "1"])
    assert r.returncode == 2 and r.stderr.count("\n") <= 3, r.stderr


def test_all_syscalls_counted_by_name_on_every_cpu():
    """tests/progs/allsys.c: a known count of rare syscalls, split over 2 CPUs."""
    report, out = attach([prog("allsys")])
    tally = last_json_line(out)
    assert tally["failed"] == 300 + 2 * 5, tally
    got = {k: (v["calls"], v["failed"]) for k, v in report["all_syscalls"].items()}
    assert got == {"getppid": (1000, 0), "getpgid": (500, 0), "close": (300, 300),
                   "syscall_400": (5, 5), "other": (5, 5), "nanosleep": (2, 0),
                   "sched_setaffinity": (2, 0), "write": (1, 0)}, got
    sleep_ns = report["all_syscalls"]["nanosleep"]["total_ns"]
    assert 40e6 <= sleep_ns < 1e9, sleep_ns
    assert report["per_request"]["syscalls"] == sum(c for c, _ in got.values())


def test_all_syscalls_agree_with_the_multiplexer_rows():
    """Every poll call of mux_calls is in all_syscalls too, failures (the
    row's failed + interrupted) and time alike."""
    report, _, _ = launch([prog("mux_calls"), "poll"])
    poll, row = report["all_syscalls"]["poll"], report["syscalls"]["poll"]
    assert (poll["calls"], poll["failed"], poll["total_ns"]) == \
        (row["calls"], row["failed"] + row["interrupted"], row["latency"]["total_ns"]), (poll, row)
    assert report["all_syscalls"]["execve"]["calls"] >= 1
