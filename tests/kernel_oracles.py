#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The exact-count oracles in one iotrace run per mode and way, for a kernel matrix.

Usage: tests/kernel_oracles.py [--modes full,light] [--json FILE] [--iotrace PATH] [-v]

For each mode (full; light = --light) and each way (launched: iotrace --
mux_calls all; attached: mux_calls --wait all, then iotrace -p), one iotrace
run traces the seven waits of tests/progs/mux_calls.c, and each wait's row
is checked against its plan in tests/test_syscalls.py: full mode with that
file's checks, light mode on what --light measures. One line per case
(PASS/FAIL MODE HOW SYSCALL), then "kernel oracles: N passed, N failed";
--json FILE writes {"kernel", "cases": [{mode, how, syscall, ok, detail}]};
ok is null for a wait the kernel does not have (SKIP). Exit 0 iff no case failed. Stdlib only: it runs inside emulated kernels.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

from helpers import IOTRACE, ROOT, prog, stop_all
from test_syscalls import INTERRUPT_CODE, PLANS, check_epoll_ctl, check_row, check_run, \
    tally_figures

MUX_CALLS = prog("mux_calls")
RUN_TIMEOUT = 120     # s per iotrace run: a BPF load takes 3-30 s on an emulated CPU
# fallback: full mode asked for where it does not load, so iotrace runs the
# light programs; its report must say light, and why
MODES = {"full": [], "light": ["--light"], "fallback": []}
HOWS = ("launched", "attached")
# every read and write syscall iotrace names (doc/json.md): the dynamic
# loader's and the tally's may differ between the systems of the matrix
READS_WRITES = {"read", "readv", "pread64", "recvfrom", "recvmsg",
                "write", "writev", "sendto", "sendmsg", "sendfile", "splice"}
# --light: poll's fds watched are its array's entries, negative fds included,
# on every call (run_poll): 3 calls x 5, 2 timeouts x 2, the closed fd 1,
# EINVAL 65, EFAULT 2, interrupted 1; epoll's are the interest sets, as in
# full mode; select's are not measured.
LIGHT_POLL_WATCHED = dict(watched=3 * 5 + 2 * 2 + 1 + 65 + 2 + 1, watched_calls=9)
UNMEASURED = (None,)   # how the JSON shows a figure --light leaves out: null or absent


class Lines:
    """A pipe read line by line in a thread, so that waiting for a line can time out."""

    def __init__(self, stream):
        self.lines, self.done, self.cond = [], False, threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for line in stream:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.done = True
            self.cond.notify_all()

    def wait_for(self, prefix, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = [l for l in self.lines if l.startswith(prefix)]
                left = deadline - time.monotonic()
                if found or self.done or left <= 0:
                    return found[0] if found else None
                self.cond.wait(left)

    def text(self, timeout=5):
        self.thread.join(timeout)
        with self.cond:
            return "".join(self.lines)


class RunFailed(Exception):
    """The run produced no report: every case of it fails with this detail."""


def last_line(text, default):
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1].strip() if lines else default


def iotrace_failed(rc, err):
    return RunFailed(last_line(err, f"iotrace exited {rc} with nothing on stderr"))


def run_launched(iotrace, flags, path, verbose):
    """iotrace FLAGS -j PATH -- mux_calls all: (program stdout, iotrace's stderr and
    the program's)."""
    argv = [iotrace] + flags + ["-j", path, "--", MUX_CALLS, "all"]
    log(verbose, "run: " + " ".join(argv))
    # a session of its own, so a timeout ends iotrace and the program it launched
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        raise RunFailed(f"iotrace did not end within {RUN_TIMEOUT} s")
    log(verbose, err)
    if p.returncode != 0:
        raise iotrace_failed(p.returncode, err)
    return out, err


def run_attached(iotrace, flags, path, verbose):
    """mux_calls --wait all; iotrace FLAGS -p PID -j PATH; SIGUSR1: (program stdout,
    iotrace's stderr and the program's)."""
    deadline = time.monotonic() + RUN_TIMEOUT
    target = subprocess.Popen([MUX_CALLS, "--wait", "all"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    tracer = None
    try:
        out, perr = Lines(target.stdout), Lines(target.stderr)
        ready = out.wait_for("ready", 30)
        if not ready:
            raise RunFailed("mux_calls --wait all printed no 'ready PID': "
                            + last_line(perr.text(0), "nothing on stderr"))
        argv = [iotrace] + flags + ["-p", ready.split()[1], "-j", path]
        log(verbose, "run: " + " ".join(argv))
        tracer = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        tout, terr = Lines(tracer.stdout), Lines(tracer.stderr)
        if not terr.wait_for("Tracing PID", deadline - time.monotonic()):
            try:   # its stderr ended: it is exiting
                rc = tracer.wait(timeout=10 if terr.done else 0.1)
            except subprocess.TimeoutExpired:
                raise RunFailed(f"iotrace did not attach within {RUN_TIMEOUT} s")
            raise iotrace_failed(rc, terr.text())
        target.send_signal(signal.SIGUSR1)
        try:
            target.wait(timeout=max(1, deadline - time.monotonic()))
            rc = tracer.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise RunFailed(f"mux_calls or iotrace did not end within {RUN_TIMEOUT} s")
        err = terr.text()
        tout.text()
        log(verbose, err)
        if rc != 0:
            raise iotrace_failed(rc, err)
        return out.text(), err + perr.text()
    finally:
        stop_all((target, tracer), signal.SIGKILL)


def tallies(out):
    """mux_calls all's lines: {scenario: its tally}."""
    found = {}
    for line in out.splitlines():
        try:
            t = json.loads(line) if line.startswith("{") else None
        except ValueError:
            continue
        if isinstance(t, dict) and "scenario" in t:
            found[t["scenario"]] = t
    return found


def value(row, *keys):
    """row[k1][k2]..., None when a level is absent or null."""
    for k in keys:
        if not isinstance(row, dict) or row.get(k) is None:
            return None
        row = row[k]
    return row


def unmeasured(row, *keys):
    v = value(row, *keys)
    assert v in UNMEASURED, f"{'.'.join(keys)} is {v!r}, a figure --light does not measure"


def kind(name):
    """select, poll or epoll: the family a wait's plan and --light figures follow."""
    return "epoll" if name.startswith("epoll") else "poll" if "poll" in name else "select"


def differences(got, want):
    return ", ".join(f"{k} {got.get(k)!r} != planned {want.get(k)!r}"
                     for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k))


def light_figures(s, name):
    """What --light measures of a wait's row, in test_syscalls.py's terms."""
    f = dict(calls=s["calls"], failed=s["failed"], errno=s["errno"],
             interrupted=s["interrupted"], interrupted_by=s["interrupted_by"],
             timeouts=s["timeouts"], ready=s["fds_ready"]["total"])
    if kind(name) != "select":
        f.update(watched=s["fds_watched"]["total"], watched_calls=s["fds_watched"]["calls"])
    if kind(name) == "epoll":
        f.update(unknown=s["fds_watched"]["unknown_interest"])
    return f


def light_plan(name):
    plan = PLANS[name]
    want = {k: plan[k] for k in ("calls", "failed", "errno", "interrupted", "timeouts",
                                 "ready")}
    want["interrupted_by"] = {INTERRUPT_CODE[name]: 1}
    if kind(name) == "poll":
        want.update(LIGHT_POLL_WATCHED)
    elif kind(name) == "epoll":
        want.update({k: plan[k] for k in ("watched", "watched_calls", "unknown")})
    return want


def check_light_row(report, tally, name):
    plan = PLANS[name]
    assert tally_figures(tally, plan) == plan, f"workload did not run as planned: {tally}"
    assert report["mode"] == "light" and report.get("not_measured"), \
        f"mode {report['mode']!r}, not_measured {report.get('not_measured')!r}"
    s, want = report["syscalls"][name], light_plan(name)
    got = light_figures(s, name)
    assert got == want, f"{name}: {differences(got, want)}"
    # one thread, whose figures are the process's
    assert len(report["threads"]) == 1, f"{len(report['threads'])} threads"
    got = light_figures(report["threads"][0]["syscalls"][name], name)
    assert got == want, f"{name}, its thread: {differences(got, want)}"
    # latency is of the timed calls (1 in timed_one_in), every one in the histogram
    lat = s["latency"]
    assert lat["timed_calls"] <= s["calls"], f"{lat['timed_calls']} timed of {s['calls']} calls"
    assert sum(b["count"] for b in lat["histogram"]) == lat["timed_calls"], \
        f"latency histogram {lat['histogram']} != {lat['timed_calls']} timed calls"
    # what it leaves out: no user memory read, no per-fd state
    assert value(s, "rewrites") is None, f"rewrites in --light: {s['rewrites']}"
    for keys in (("readiness", "reports"), ("readiness", "rereports")):
        unmeasured(s, *keys)
    # bytes copied: poll's and epoll's from the arguments alone; select's and
    # ppoll's need their sigmask pack or timeout's value from user memory
    for k in ("bytes_in", "bytes_out"):
        if kind(name) == "select" or name == "ppoll":
            unmeasured(s, "kernel", k)
        else:
            assert isinstance(value(s, "kernel", k), int), f"{name}: kernel.{k} not measured"
    if kind(name) != "epoll":
        unmeasured(s, "kernel", "registrations")
        unmeasured(s, "fds_watched", "unreadable")
    if kind(name) == "select":
        for k in ("total", "calls", "min", "max", "mean"):
            unmeasured(s, "fds_watched", k)


def check_light_run(report):
    assert value(report, "fds") in (None, []), "per-fd rows in --light"
    assert value(report, "wakeups", "top_stacks") in (None, []), "waker stacks in --light"


def check_case(mode, how, name, report, tally):
    attached = how == "attached"
    if tally is None:
        raise AssertionError(f"mux_calls printed no tally for {name}")
    if mode == "full":
        check_row(report, tally, name, PLANS[name])   # fallback: as light, below
    else:
        check_light_row(report, tally, name)
        check_light_run(report)
    check_run(report, attached, PLANS, io=READS_WRITES)
    if kind(name) == "epoll":
        check_epoll_ctl(report, attached, n=sum(kind(k) == "epoll" for k in PLANS))


def one_run(iotrace, mode, how, verbose):
    """Run iotrace once: [(syscall, ok, detail)] for the seven waits."""
    runner = run_launched if how == "launched" else run_attached
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "report.json")
        try:
            out, err = runner(iotrace, MODES[mode], path, verbose)
            try:
                with open(path) as f:
                    report = json.load(f)
            except (OSError, ValueError) as e:
                raise RunFailed(f"no JSON report: {e}")
            if mode == "fallback" and not (report.get("mode") == "light"
                                           and report.get("mode_reason")):
                raise RunFailed(f"asked for full mode where it does not load: mode "
                                f"{report.get('mode')!r}, mode_reason "
                                f"{report.get('mode_reason')!r}")
            if mode != "fallback" and report.get("mode") != mode:   # e.g. full fell back
                said = [l for l in err.splitlines() if l.startswith("iotrace:")]
                raise RunFailed(f"iotrace ran in mode {report.get('mode')!r}, not {mode}: "
                                + (said[-1] if said else "it said nothing"))
        except RunFailed as e:
            return [(name, False, str(e)) for name in PLANS]
        finally:
            log(verbose, f"{mode} {how}: {time.monotonic() - t0:.1f} s")
    found = tallies(out)
    results = []
    for name in PLANS:
        try:
            check_case(mode, how, name, report, found.get(name))
            results.append((name, True, ""))
        except Exception as e:   # any error in a case is that case's failure
            detail = str(e) if isinstance(e, AssertionError) else f"{type(e).__name__}: {e}"
            said = [l.strip() for l in err.splitlines() if l.startswith(f"mux_calls: {name}:")]
            detail = "; ".join([detail or "assertion failed"] + said)
            results.append((name, False, " ".join(detail.split())))
    return results


def absent_syscalls():
    """The waits this kernel does not have (ENOSYS), found by calling them:
    epoll_pwait2 came in Linux 5.11."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    nr_epoll_pwait2 = 441   # x86_64
    if libc.syscall(nr_epoll_pwait2, -1, None, 0, None, None, 0) == -1 and \
            ctypes.get_errno() == 38:
        return {"epoll_pwait2": "absent from this kernel (ENOSYS; Linux 5.11+)"}
    return {}


def log(verbose, text):
    if verbose and text.strip():
        print(text.rstrip("\n"), file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modes", default="full,light", help="comma-separated: full, light")
    ap.add_argument("--json", metavar="FILE", help="write the cases as JSON to FILE")
    ap.add_argument("--iotrace", default=IOTRACE, metavar="PATH",
                    help="the iotrace to run (default: ./iotrace in the repository)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print iotrace's command lines, stderr and run times on stderr")
    args = ap.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    if not modes or any(m not in MODES for m in modes):
        ap.error(f"--modes: a comma-separated list of {', '.join(MODES)}")
    iotrace = os.path.abspath(args.iotrace)
    if not os.access(MUX_CALLS, os.X_OK):
        sys.exit(f"kernel_oracles: {os.path.relpath(MUX_CALLS, ROOT)} is missing: "
                 "run make test-progs")
    cases, absent = [], absent_syscalls()
    for mode in modes:
        for how in HOWS:
            for name, ok, detail in one_run(iotrace, mode, how, args.verbose):
                if name in absent:
                    ok, detail = None, absent[name]
                cases.append(dict(mode=mode, how=how, syscall=name, ok=ok, detail=detail))
                print(f"PASS {mode} {how} {name}" if ok else
                      f"SKIP {mode} {how} {name}: {detail}" if ok is None else
                      f"FAIL {mode} {how} {name}: {detail}", flush=True)
    passed = sum(c["ok"] is True for c in cases)
    failed = sum(c["ok"] is False for c in cases)
    print(f"kernel oracles: {passed} passed, {failed} failed"
          + (f", {len(cases) - passed - failed} skipped" if passed + failed < len(cases) else ""))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"kernel": os.uname().release, "cases": cases}, f, indent=1)
            f.write("\n")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
