# SPDX-License-Identifier: GPL-2.0
"""Tool drivers: how to start each tracer on a pid, know it is attached, end
it and read the calls it counted. Also what /proc tells about the BPF maps
and programs a tool holds."""
import json
import os
import re
import signal
import subprocess
import time

from lib.config import FLOOR, IOTRACE, LOGS, PERF_SETTLE_S, POLL_LAT_BT
from lib.procs import BenchError, read_log, reap, spawn, stop, wait_marker


class Tool:
    """A tracer that attaches to a pid. Subclasses say how to start it, when
    it is ready, how it ends and how to read its per-syscall call counts."""
    name = label = ""
    ready = None		# regex on its output, or None for a settle delay
    settle = 0.0
    exits_with_target = True	# else it is stopped with SIGINT
    bpf = True
    exact = False		# must count every call (else 2 may be missed)

    def argv(self, pid, tag):
        raise NotImplementedError

    def counts(self, text, tag):
        raise NotImplementedError

    def drops(self, tag):
        return None

    def start(self, pid, tag):
        """Start on pid and return once attached (p.attach_s: how long)."""
        p = spawn(self.argv(pid, tag), "%s.%s.log" % (tag, self.name))
        p.tag = tag
        try:
            if self.ready:
                _, p.attach_s = wait_marker(p, self.ready, what=self.name)
            else:
                time.sleep(self.settle)
                if reap(p, 0.0):
                    raise BenchError("%s exited: %s" % (self.name, read_log(p)[-300:]))
                p.attach_s = None
        except BenchError:
            stop(p, signal.SIGKILL, 1)
            raise
        return p

    def finish(self, p, target_ended=True):
        """End the tool; returns {syscall: calls}."""
        if self.exits_with_target and target_ended:
            reap(p, 10.0)
        text = stop(p)
        return self.counts(text, p.tag)

    def counted(self, counts, syscall):
        return counts.get(syscall, 0)

    def check(self, counts, syscall, expected, tag):
        """'ok' or what is wrong with what the tool counted."""
        got = self.counted(counts, syscall)
        # perf trace misses the first call after the wait; allow 2 for the others
        if got == expected or (not self.exact and expected - 2 <= got <= expected):
            ok = "ok"
        else:
            ok = "counted %d of %d" % (got, expected)
        drops = self.drops(tag)
        if drops:
            ok += ", drops %d" % drops
        return ok


def pid_args(pid):
    """-p PID, or -p A -p B for a list (iotrace and the floor take several)."""
    pids = pid if isinstance(pid, (list, tuple)) else [pid]
    return [a for p in pids for a in ("-p", str(p))]


class Iotrace(Tool):
    name, label, ready, exact = "iotrace", "iotrace", r"^Tracing PID", True

    def json_path(self, tag):
        return os.path.join(LOGS, "%s.iotrace.json" % tag)

    def argv(self, pid, tag):
        return [IOTRACE] + pid_args(pid) + ["-j", self.json_path(tag)]

    def report(self, tag):
        try:
            with open(self.json_path(tag)) as f:
                return json.load(f)
        except (OSError, ValueError) as e:
            raise BenchError("no iotrace JSON (%s); log %s" % (e, os.path.join(
                LOGS, "%s.iotrace.log" % tag)))

    def counts(self, text, tag):
        return {k: v["calls"] for k, v in self.report(tag)["syscalls"].items()}

    def drops(self, tag):
        return sum(self.report(tag)["drops"].values())


class IotraceLight(Iotrace):
    """iotrace --light: no user-memory reads, no per-fd state."""
    name, label = "iotrace-light", "iotrace --light"

    def argv(self, pid, tag):
        return super().argv(pid, tag) + ["--light"]


class Floor(Tool):
    """bench/progs/floor.bpf.c: empty tp_btf sys_enter + sys_exit with a tgid
    test and one counter (every syscall of the target, at sys_exit)."""
    name, label, ready = "floor", "floor (empty tp_btf pair)", r"^Tracing PID"
    SLACK = 40	# the target's own syscalls around the loop (write, the stamps file)

    def argv(self, pid, tag):
        return [FLOOR] + pid_args(pid)

    def counts(self, text, tag):
        m = re.search(r"^syscalls (\d+)$", text, re.M)
        if not m:
            raise BenchError("floor printed no count: " + text[-300:])
        return {"*": int(m.group(1))}

    def counted(self, counts, syscall):
        return counts.get("*", 0)

    def check(self, counts, syscall, expected, tag):
        got = self.counted(counts, syscall)
        if expected <= got <= expected + self.SLACK:
            return "ok"
        return "counted %d syscalls for %d calls" % (got, expected)


class FloorPlus(Floor):
    """The floor doing one primitive per traced syscall (floor -x OP)."""

    def __init__(self, op, what):
        self.op, self.label = op, "floor + " + what
        self.name = "floor-x%d" % op

    def argv(self, pid, tag):
        return [FLOOR, "-x", str(self.op)] + pid_args(pid)


class Strace(Tool):
    name, label, ready, bpf = "strace", "strace -c", r"attached", False

    def argv(self, pid, tag):
        return ["strace", "-c", "-p", str(pid)]

    def counts(self, text, tag):
        out = {}
        for m in re.finditer(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$", text, re.M):
            if m.group(2) != "total":
                out[m.group(2)] = int(m.group(1))
        return out


class PerfTrace(Tool):
    name, label, settle, bpf = "perf", "perf trace -s", PERF_SETTLE_S, False

    def argv(self, pid, tag):
        return ["perf", "trace", "-s", "-p", str(pid)]

    def counts(self, text, tag):
        out = {}
        for m in re.finditer(r"^\s+(\w+)\s+(\d+)\s+\d+\s+[\d.]+\s+[\d.]+", text, re.M):
            out[m.group(1)] = out.get(m.group(1), 0) + int(m.group(2))
        return out


class Bpftrace(Tool):
    name, label, ready = "bpftrace", "bpftrace poll_lat.bt", r"^ready$"
    exits_with_target = False

    def argv(self, pid, tag):
        return ["bpftrace", POLL_LAT_BT, str(pid)]

    def counts(self, text, tag):
        return {m.group(1): int(m.group(2)) for m in re.finditer(
            r"^@calls\[tracepoint:syscalls:sys_exit_(\w+)\]: count (\d+)", text, re.M)}


class Syscount(Tool):
    name, label, ready = "syscount", "syscount -L -p", r"^Tracing syscalls"
    exits_with_target = False

    def argv(self, pid, tag):
        # it printf()s its readiness line: line-buffer it, it is not a tty
        return ["stdbuf", "-oL", "syscount", "-L", "-p", str(pid)]

    def counts(self, text, tag):
        return {m.group(1): int(m.group(2)) for m in re.finditer(
            r"^(\w+)\s+(\d+)\s+[\d.]+$", text, re.M)}


TOOLS = {t.name: t for t in (Iotrace(), IotraceLight(), Floor(), Syscount(), Bpftrace(), PerfTrace(), Strace())}
# the tools compared with iotrace in sections 1-3 and 5 (the floor is section 8's)
TOOL_ORDER = ["iotrace", "syscount", "bpftrace", "perf", "strace"]


def label(variant):
    return TOOLS[variant].label if variant in TOOLS else variant


# ---------------------------------------------------------- what /proc shows

def fdinfo_bpf(pid):
    """The BPF maps and programs pid holds, from /proc/PID/fdinfo."""
    maps, progs = {}, {}
    d = "/proc/%d/fdinfo" % pid
    try:
        names = os.listdir(d)
    except OSError:
        return maps, progs
    for n in names:
        try:
            with open(os.path.join(d, n)) as f:
                info = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
        except OSError:
            continue
        info = {k.strip(): v.strip() for k, v in info.items()}
        # bpf_link fds name a prog_id too: tell them apart by their type key
        if "map_type" in info:
            maps[info["map_id"]] = info
        elif "prog_type" in info:
            progs[info["prog_id"]] = info
    return maps, progs


def vm_hwm_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            m = re.search(r"^VmHWM:\s+(\d+) kB", f.read(), re.M)
            return int(m.group(1)) if m else None
    except OSError:
        return None


PROG_NAMES = {}


def prog_stats(pid):
    """{prog_id: (name, run_time_ns, run_cnt)} of the programs pid holds."""
    out = {}
    for pid_, info in fdinfo_bpf(pid)[1].items():
        name = PROG_NAMES.get(pid_)
        if name is None:
            try:
                r = subprocess.run(["bpftool", "-j", "prog", "show", "id", pid_],
                                   capture_output=True, text=True, timeout=10)
                name = json.loads(r.stdout).get("name", pid_)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                name = pid_
            PROG_NAMES[pid_] = name
        out[pid_] = (name, int(info.get("run_time_ns", 0)), int(info.get("run_cnt", 0)))
    return out
