# SPDX-License-Identifier: GPL-2.0
"""The workload, bench/bin/muxloop: one timed loop of poll/select/epoll_wait,
untraced or traced by a tool attached by pid while it waits, or run beside a
tool that traces another, idle process."""
import os
import re
import signal

from lib.config import LOGS, MUXLOOP
from lib.procs import BenchError, log, read_log, reap, spawn, stop_all, wait_marker
from lib.tools import TOOLS


def parse_result(text):
    m = re.search(r"^calls (\d+) threads (\d+) elapsed_ns (\d+) start_ns (\d+)$", text, re.M)
    if not m:
        raise BenchError("muxloop printed no result: " + text[-300:])
    return {"calls": int(m.group(1)), "threads": int(m.group(2)),
            "ns": int(m.group(3)), "start_ns": int(m.group(4))}


def chunk_ns(stamps_path, q=0.1):
    """The q-quantile of ns per call over the loop's STAMP_EVERY-call chunks
    (muxloop --stamps). The fast end is the steadiest figure of a shared
    machine: a preempted chunk or time stolen by the host only ever adds."""
    with open(stamps_path) as f:
        rows = [tuple(int(x) for x in line.split()) for line in f if line.strip()]
    per = sorted((b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(rows, rows[1:]) if b[0] > a[0])
    if len(per) < 10:
        raise BenchError("too few stamps in %s" % stamps_path)
    return per[int(q * (len(per) - 1))]


def stamped(wl_args, tag):
    """muxloop arguments that also write the chunk stamps, and their path."""
    path = os.path.join(LOGS, tag + ".stamps")
    return ["--stamps", path] + list(wl_args), path


def start_waiting(args, logname):
    """muxloop --wait ARGS: returns the process once it is blocked, ready."""
    p = spawn([MUXLOOP, "--wait"] + list(args), logname)
    m, _ = wait_marker(p, r"^ready (\d+)$", 10, "muxloop")
    p.target_pid = int(m.group(1))
    return p


def release_and_wait(p, timeout):
    os.kill(p.pid, signal.SIGUSR1)
    if not reap(p, timeout):
        p.kill()
        raise BenchError("muxloop did not finish in %.0f s" % timeout)
    if p.returncode:
        raise BenchError("muxloop failed: " + read_log(p)[-300:])
    return parse_result(read_log(p))


def timed_loop(tool, wl_args, syscall, tag):
    """One loop, traced by tool (None: untraced). The result carries the
    tool's counts and its check of them."""
    target = start_waiting(wl_args, tag + ".muxloop.log")
    p = None
    try:
        if tool:
            p = tool.start(target.target_pid, tag)
        res = release_and_wait(target, 600)
        if tool:
            counts = tool.finish(p)
            res["check"] = tool.check(counts, syscall, res["calls"], tag)
            res["counts"] = counts
    finally:
        stop_all(target, p)
    return res


def run_loop(variant, wl_args, syscall, tag):
    """timed_loop() for a variant name; None (logged) if it failed twice."""
    tool = None if variant == "untraced" else TOOLS[variant]
    for attempt in (1, 2):
        try:
            return timed_loop(tool, wl_args, syscall, tag)
        except BenchError as e:
            log("  %s %s (attempt %d): %s" % (variant, tag, attempt, e))
    return None


def loop_beside(variant, wl_args, tag, chunks=False, idle_n=1):
    """ns per call of a loop the tool does NOT trace, while it traces idle_n
    other, idle processes (blocked in sigwaitinfo); with chunks, chunk_ns()
    of it. None (logged) on failure."""
    idle, p = [], None
    try:
        if variant != "untraced":
            for i in range(idle_n):	# appended one by one: all stopped on failure
                idle.append(start_waiting(["poll", 10, 1], "%s.idle%d.log" % (tag, i)))
            pids = [i.target_pid for i in idle]
            p = TOOLS[variant].start(pids[0] if idle_n == 1 else pids, tag)
        args, stamps = stamped(wl_args, tag) if chunks else (wl_args, None)
        w = spawn([MUXLOOP] + list(args), tag + ".muxloop.log")
        if not reap(w, 600) or w.returncode:
            raise BenchError("muxloop failed: " + read_log(w)[-200:])
        res = parse_result(read_log(w))
        return chunk_ns(stamps) if chunks else res["ns"] / res["calls"]
    except BenchError as e:
        log("  %s: %s" % (variant, e))
        return None
    finally:
        stop_all(p, *idle, sig=signal.SIGINT, grace=5)
