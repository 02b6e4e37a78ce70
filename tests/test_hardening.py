# SPDX-License-Identifier: GPL-2.0
"""Hardening: bad reports, endings that must keep the report, failed writes,
and error messages that say what is wrong."""
import glob
import json
import os
import signal
import stat
import subprocess
import tempfile
import threading
import time

from helpers import IOTRACE, ROOT, assert_detached, run_iotrace, wait_for_line

CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus", "report")
REAL = os.path.join(CORPUS, "real_scan_poll.json")


def compare_one(doc):
    """iotrace --compare on one report given as text: (result, its path)."""
    d = tempfile.mkdtemp()
    path = os.path.join(d, "A.json")
    with open(path, "w") as f:
        f.write(doc)
    return run_iotrace(["--compare", path]), path


def assert_bad_report(doc, field_and_why):
    r, path = compare_one(doc)
    assert r.returncode == 1, (r.returncode, r.stderr)   # not a signal (negative)
    assert r.stdout == "", r.stdout
    assert r.stderr == f"iotrace: bad report {path}: {field_and_why}\n", r.stderr


REPORT = '{"schema_version": 1, "syscalls": {}, %s}'


def test_compare_field_of_wrong_type_is_one_line_error():
    """drops not an object crashed (SIGSEGV), threads not an array aborted."""
    for doc, why in (
            (REPORT % '"drops": 0', "drops: expected an object, got a number"),
            (REPORT % '"drops": "x"', "drops: expected an object, got a string"),
            (REPORT % '"drops": [1]', "drops: expected an object, got an array"),
            (REPORT % '"threads": {}', "threads: expected an array, got an object"),
            (REPORT % '"threads": 3', "threads: expected an array, got a number"),
            (REPORT % '"drops": {"lost": true}', "drops.lost: expected a number, got a boolean"),
            (REPORT % '"target": {"comm": 7}', "target.comm: expected a string, got a number"),
            (REPORT % '"per_request": []', "per_request: expected an object, got an array"),
            ('{"schema_version": 1, "syscalls": {"poll": {"latency": 5}}}',
             "syscalls.poll.latency: expected an object, got a number"),
            ('{"schema_version": 1, "syscalls": []}', "syscalls: expected an object, got an array"),
            ('{"schema_version": "1", "syscalls": {}}',
             "schema_version: expected a number, got a string")):
        assert_bad_report(doc, why)
    # null is how a report says "not measured" (doc/json.md): absent, not an error
    assert table(REPORT % '"drops": null')["lost (drops)"] == "0"


def test_compare_refuses_figures_out_of_range():
    rng = "from 0 to 1e+18, got"
    for value, got in (("-1", "-1"), ("NaN", "NaN"), ("Infinity", "Infinity"),
                       ("-Infinity", "-Infinity"), ("1e400", "1e400"),
                       ("99999999999999999999", "18446744073709551615"),
                       ("1e19", "1e19")):
        assert_bad_report(REPORT % f'"duration_s": {value}',
                          f"duration_s: expected a number {rng} {got}")
    assert_bad_report(REPORT % '"per_request": {"requests": 0.5}',
                      f"per_request.requests: expected a whole number {rng} 0.5")
    assert_bad_report('{"schema_version": 1, "syscalls": {"poll": {"calls": -3}}}',
                      f"syscalls.poll.calls: expected a whole number {rng} -3")
    # a key from the file is printed as one printable line
    assert_bad_report(REPORT % '"drops": {"a\\nb\\u001b": -1}',
                      f"drops.a?b?: expected a whole number {rng} -1")


def table(doc):
    r, _ = compare_one(doc)
    assert r.returncode == 0 and not r.stderr, r.stderr
    assert all(len(l) <= 80 for l in r.stdout.splitlines())
    rows = {}
    for line in r.stdout.split("\n\n")[0].splitlines():
        rows[line[:24].strip()] = line[24:].strip()
    return rows


def test_compare_shows_huge_figures_whole():
    """Values were cut to 12 characters (1e17 requests showed 100000000000)
    and a ratio that overflows printed inf."""
    t = table('{"schema_version": 1, "duration_s": 1e-300, "target": {"comm": "a\\u001b[2Jb"},'
              ' "cpu": {"total_s": 1e-300},'
              ' "syscalls": {"epoll_wait": {"calls": 5, "latency": {"p50_ns": 1e18},'
              ' "time": {"oncpu_ns": 1e18}}},'
              ' "per_request": {"requests": 100000000000000000, "waits": 1e18},'
              ' "drops": {"a": 1e18, "b": 1e18}}')
    assert t["requests"] == "1.000e+17"
    assert t["requests/CPU s"] == "overflow"         # 1e17 / 1e-300
    assert t["waits/request"] == "10.00"
    assert t["latency p50"] == "1.00e+09s"          # 1e18 ns
    assert t["lost (drops)"] == "2.000e+18"
    assert t["target"] == "a?[2Jb"                  # no escape reaches the terminal
    assert t["duration (s)"] == "0.00"


def test_compare_to_full_stdout_fails():
    with open("/dev/full", "w") as full:
        r = subprocess.run([IOTRACE, "--compare", REAL], stdout=full, stderr=subprocess.PIPE,
                           text=True, timeout=10)
    assert r.returncode == 1
    assert r.stderr == "iotrace: failed to write the table: No space left on device\n", r.stderr


def test_fuzz_seeds_pass_under_sanitizers():
    """The committed corpus (real reports and the old crashers) through the
    libFuzzer target built with ASan and UBSan: each input once."""
    b = subprocess.run(["make", "-s", "-C", ROOT, "tests/bin/fuzz_report"],
                       capture_output=True, text=True, timeout=600)
    assert b.returncode == 0, b.stderr
    seeds = sorted(glob.glob(os.path.join(CORPUS, "*.json")))
    assert len([s for s in seeds if "/real_" in s]) >= 3 and len(seeds) >= 10
    r = subprocess.run([os.path.join(ROOT, "tests", "bin", "fuzz_report")] + seeds,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stderr.count("Executed ") == len(seeds), r.stderr[-2000:]


class Sleeper:
    """A process that makes no calls, traced by iotrace with the given args."""

    def __init__(self, args, **popen):
        self.target = subprocess.Popen(["sleep", "60"])
        kw = dict(stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        kw.update(popen)
        self.tracer = subprocess.Popen([IOTRACE, "-p", str(self.target.pid)] + args, **kw)
        wait_for_line(self.tracer.stderr, "Tracing PID")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for p in (self.tracer, self.target):
            if p.poll() is None:
                p.kill()
            p.wait()
        assert_detached(self.target.pid)


def test_every_ending_signal_writes_the_report():
    """SIGHUP, SIGQUIT and SIGUSR1 ended iotrace with no report and a 0-byte
    -j file. Each signal whose default ends a process now ends the trace."""
    sigs = (signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM,
            signal.SIGPIPE, signal.SIGXCPU, signal.SIGRTMIN + 2)
    with tempfile.TemporaryDirectory() as d:
        for sig in sigs:
            out = os.path.join(d, "r.json")
            with Sleeper(["-j", out]) as s:
                s.tracer.send_signal(sig)
                stdout, err = s.tracer.communicate(timeout=20)
            name = "SIGRTMIN+2" if sig == signal.SIGRTMIN + 2 else signal.Signals(sig).name
            assert s.tracer.returncode == 0, (name, s.tracer.returncode, err)
            assert "no multiplexing syscalls completed" in stdout, (name, stdout)
            assert json.load(open(out))["ended_by"] == name
            assert os.listdir(d) == ["r.json"], os.listdir(d)


def test_earlier_report_survives_until_the_new_one_is_complete():
    """-j truncated an existing report at start: a run that then failed, or
    was killed, left nothing. Now the new report is renamed into place."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "r.json")
        with open(out, "w") as f:
            f.write("earlier\n")
        os.chmod(out, 0o640)
        with Sleeper(["-j", out]) as s:
            assert open(out).read() == "earlier\n"
            s.tracer.send_signal(signal.SIGTERM)
            s.tracer.communicate(timeout=20)
        assert json.load(open(out))["ended_by"] == "SIGTERM"
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o640
        assert os.listdir(d) == ["r.json"]
        # a run that fails after -j was opened leaves the report as it was
        with open(out, "w") as f:
            f.write("earlier\n")
        r = run_iotrace(["-j", out, "-p", "4194303"])
        assert r.returncode == 1 and "no such process" in r.stderr
        assert open(out).read() == "earlier\n" and os.listdir(d) == ["r.json"]
        # killed outright (SIGKILL cannot be caught): the earlier report stays
        with Sleeper(["-j", out]) as s:
            s.tracer.kill()
            s.tracer.wait()
        assert open(out).read() == "earlier\n"


def test_text_report_to_full_stdout_fails():
    with open("/dev/full", "w") as full:
        with Sleeper(["-d", "0.2"], stdout=full) as s:
            _, err = s.tracer.communicate(timeout=20)
    assert s.tracer.returncode == 1, err
    assert err.splitlines()[-1] == "iotrace: failed to write the report: No space left on device"


def reader_gone(ignore_sigpipe):
    """iotrace -i 0.05 | head -1: the reader goes after one line."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "r.json")
        # restore_signals=False keeps Python's SIG_IGN for SIGPIPE in the child
        with Sleeper(["-i", "0.05", "-j", out], restore_signals=not ignore_sigpipe) as s:
            s.tracer.stdout.readline()
            s.tracer.stdout.close()
            s.tracer.wait(timeout=10)       # before: ran on for ever when ignored
            err = s.tracer.stderr.read()
        assert s.tracer.returncode == 1, (s.tracer.returncode, err)
        lines = err.splitlines()
        assert "iotrace: failed to write to stdout: Broken pipe; the report follows on stderr" \
            in lines, err
        assert "no multiplexing syscalls completed" in err     # the report, on stderr
        assert json.load(open(out))["ended_by"] == "stdout closed"


def test_reader_gone_ends_tracing_with_sigpipe_ignored():
    reader_gone(True)


def test_reader_gone_ends_tracing_with_sigpipe_default():
    reader_gone(False)


def test_interval_has_a_lower_bound():
    for arg in ("1e-9", "0.009"):
        r = run_iotrace(["-i", arg, "-p", "1"])
        assert r.returncode == 2 and r.stderr == \
            f"iotrace: invalid interval '{arg}': expected seconds from 0.01 to 1e+07\n", r.stderr
    r = run_iotrace(["-i", "0.01", "-p", "4194303"])     # accepted: fails on the pid
    assert r.returncode == 1 and "no such process" in r.stderr, r.stderr


def test_pid_of_a_thread_names_its_process():
    done = threading.Event()
    t = threading.Thread(target=done.wait)
    t.start()
    try:
        r = run_iotrace(["-p", str(t.native_id)])
    finally:
        done.set()
        t.join()
    pid = os.getpid()
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == f"iotrace: {t.native_id} is a thread of PID {pid}; use -p {pid}\n", \
        r.stderr


def test_command_checked_before_tracing_starts():
    """'Tracing PID N (cmd)... Ctrl-C to end.' came before 'cannot execute'."""
    for argv, why in ((["/nonexistent/cmd"], "No such file or directory"),
                      (["iotrace-no-such-command"], "No such file or directory"),
                      (["/etc/passwd"], "Permission denied"),
                      (["/tmp"], "Permission denied")):
        r = run_iotrace(["--"] + argv)
        assert r.returncode == 1 and r.stdout == "", r.stderr
        assert r.stderr == f"iotrace: cannot execute '{argv[0]}': {why}\n", r.stderr


def test_command_searched_in_path_as_execvp_does():
    """A non-executable file earlier in PATH does not hide a runnable one."""
    with tempfile.TemporaryDirectory() as d:
        first, second = os.path.join(d, "a"), os.path.join(d, "b")
        os.mkdir(first)
        os.mkdir(second)
        for where, mode in ((first, 0o644), (second, 0o755)):
            with open(os.path.join(where, "iotrace-cmd"), "w") as f:
                f.write("#!/bin/sh\nexit 0\n")
            os.chmod(os.path.join(where, "iotrace-cmd"), mode)
        env = dict(os.environ, PATH=f"{first}:{second}:/usr/bin:/bin")
        r = run_iotrace(["-d", "5", "--", "iotrace-cmd"], env=env)
        assert r.returncode == 0 and "Tracing PID" in r.stderr, r.stderr
        env["PATH"] = first
        r = run_iotrace(["--", "iotrace-cmd"], env=env)
        assert r.stderr == "iotrace: cannot execute 'iotrace-cmd': Permission denied\n", r.stderr


def test_btf_file_that_is_not_btf():
    """--btf /etc/passwd said 'Unknown error 4001'."""
    r = run_iotrace(["--btf", "/etc/passwd", "-p", "1"])
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == "iotrace: failed to read BTF from /etc/passwd: BPF object format invalid\n", \
        r.stderr
