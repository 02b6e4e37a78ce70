# SPDX-License-Identifier: GPL-2.0
"""Shared pieces of the iotrace tests: running the tracer on test programs."""
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IOTRACE = os.path.join(ROOT, "iotrace")
BIN = os.path.join(ROOT, "tests", "bin")
LOADGEN = os.path.join(ROOT, "loadgen", "bin", "loadgen")
# iotrace's program names (bpf/iotrace.bpf.c, bpf/deep.bpf.c), as the kernel truncates them
OUR_PROGS = {"sys_enter_btf", "sys_exit_btf", "sys_enter_raw", "sys_exit_raw",
             "sched_switch_bt", "sched_waking_bt", "pollwait_fentry", "sock_poll_fentr",
             "ep_queue_fentry", "pollwake_fentry", "pollwait_kprobe", "sock_poll_kprob",
             "ep_queue_kprobe", "pollwake_kprobe", "process_fork", "calibrate_event",
             "sys_enter_light", "sys_exit_light_", "sys_exit_compat", "sched_switch_pr",
             "record_fork", "record_exit"}


def free_port():
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def need(*paths):
    """Skip the test when a tool it drives is not installed."""
    for p in paths:
        if not os.access(p, os.X_OK):
            raise unittest.SkipTest(f"{p} missing: run scripts/install-deps")


def prog(name):
    return os.path.join(BIN, name)


def _targ_tgid(prog):
    """The pid an iotrace program was loaded for (targ_tgid in its .rodata)."""
    for map_id in prog.get("map_ids", []):
        r = subprocess.run(["bpftool", "-j", "map", "dump", "id", str(map_id)],
                           capture_output=True, text=True)
        try:
            entries = json.loads(r.stdout or "[]")
        except json.JSONDecodeError:
            continue
        for e in entries if isinstance(entries, list) else []:
            for sec in e.get("formatted", {}).get("value", {}).get(".rodata", []):
                if "targ_tgid" in sec:
                    return sec["targ_tgid"]
    return None


def loaded_iotrace_progs(pid=None):
    """iotrace's BPF programs still loaded, for target pid (all if None).
    Matching the target keeps other iotrace runs on the machine out of it."""
    out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True,
                         text=True, check=True).stdout
    ours = [p for p in json.loads(out or "[]")
            if p.get("name") in OUR_PROGS or str(p.get("name"))[:15] in OUR_PROGS]
    if pid is not None:
        ours = [p for p in ours if _targ_tgid(p) in (pid, None)]
    return [p.get("name") for p in ours]


def assert_detached(pid=None, grace=5.0):
    """No iotrace program stays loaded. The kernel frees detached tracing
    programs after an RCU-tasks grace period, so allow it a few seconds."""
    deadline = time.monotonic() + grace
    while True:
        left = loaded_iotrace_progs(pid)
        if not left:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"BPF programs left loaded after iotrace exited: {left}")
        time.sleep(0.05)


def wait_for_line(stream, prefix, timeout=10):
    """Read lines from a pipe until one starts with prefix."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith(prefix):
            return line
    raise AssertionError(f"no line starting {prefix!r} within {timeout}s; got {seen!r}")


def run_iotrace(args, timeout=30, **kw):
    return subprocess.run([IOTRACE] + args, capture_output=True, text=True,
                          timeout=timeout, **kw)


def launch(argv, extra=()):
    """iotrace [extra] -j FILE -- argv: returns (report, program stdout, iotrace result)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        r = run_iotrace(list(extra) + ["-j", out.name, "--"] + argv)
        assert r.returncode == 0, f"iotrace failed ({r.returncode}): {r.stderr}"
        report = json.load(open(out.name))
    assert_detached(report["target"]["pid"])
    return report, r.stdout, r


def attach(argv, extra=()):
    """Start argv (a program that prints 'ready PID' and waits for SIGUSR1),
    attach iotrace -p, release the program, return (report, program stdout)."""
    target = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    tracer = None
    try:
        pid = int(wait_for_line(target.stdout, "ready").split()[1])
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            tracer = subprocess.Popen([IOTRACE, "-p", str(pid), "-j", out.name] + list(extra),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            wait_for_line(tracer.stderr, "Tracing PID")
            target.send_signal(signal.SIGUSR1)
            prog_out = target.stdout.read()
            target.wait(timeout=20)
            tracer.wait(timeout=20)
            err = tracer.stderr.read()
            assert tracer.returncode == 0, f"iotrace failed ({tracer.returncode}): {err}"
            report = json.load(open(out.name))
    finally:
        stop_all((target, tracer), signal.SIGKILL)
    assert_detached(pid)
    return report, prog_out


def last_json_line(text):
    return json.loads([l for l in text.splitlines() if l.startswith("{")][-1])


def stop_all(procs, sig=signal.SIGTERM, grace=5):
    """End each process still running: sig, then SIGKILL after grace seconds."""
    for p in procs:
        if p and p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def start_server(argv):
    """Start a reference server on a free port (-p 0): (process, port as text)."""
    server = subprocess.Popen(argv + ["-p", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        line = wait_for_line(server.stdout, "")
        while "listening on" not in line:
            line = wait_for_line(server.stdout, "")
    except BaseException:
        stop_all((server,))
        raise
    return server, re.search(r"127\.0\.0\.1:(\d+)", line).group(1)
