# SPDX-License-Identifier: GPL-2.0
"""Before and around a run: build what it needs, check the machine is idle,
and describe the machine and tools for the results' header."""
import json
import os
import re
import subprocess
import sys
import time

from lib.config import BENCH, IOTRACE, LOGS, ROOT
from lib.procs import log, run_quiet


def build():
    """bench/bin/* through bench/Makefile; iotrace through the root one."""
    # stdout carries the results: make's progress goes to stderr
    subprocess.run(["make", "--no-print-directory", "-C", BENCH], check=True,
                   stdout=sys.stderr)
    if not os.access(IOTRACE, os.X_OK):
        log("  building iotrace (make -C %s iotrace)" % ROOT)
        subprocess.run(["make", "-s", "-C", ROOT, "iotrace"], check=True, stdout=sys.stderr)


def clean_logs():
    os.makedirs(LOGS, exist_ok=True)
    for name in os.listdir(LOGS):
        os.unlink(os.path.join(LOGS, name))


def busy_check():
    """CPU use by other processes over 1 s: the figures assume an idle box."""
    def snap():
        cpu = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % pid) as f:
                    s = f.read()
            except OSError:
                continue
            comm = s[s.index("(") + 1:s.rindex(")")]
            fields = s[s.rindex(")") + 2:].split()
            cpu[pid] = (comm, int(fields[11]) + int(fields[12]))
        return cpu
    a = snap()
    time.sleep(1.0)
    b = snap()
    hz = os.sysconf("SC_CLK_TCK")
    busy = sorted(((b[p][1] - a[p][1]) / hz, b[p][0], p) for p in b
                  if p in a and p != str(os.getpid()))
    return [(c, comm, pid) for c, comm, pid in busy if c > 0.05][::-1]


def environment():
    cpu = "n/a"
    with open("/proc/cpuinfo") as f:
        m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
        if m:
            cpu = m.group(1)
    rev = run_quiet(["git", "-C", ROOT, "describe", "--always", "--dirty"])
    return [
        "kernel %s, %d CPUs (%s)" % (os.uname().release, os.cpu_count(), cpu),
        "iotrace %s; %s; %s; %s; %s" % (
            rev, run_quiet(["strace", "-V"]), run_quiet(["perf", "--version"]),
            run_quiet(["bpftrace", "--version"]), "syscount (libbpf-tools " +
            run_quiet(["dpkg-query", "-W", "-f=${Version}", "libbpf-tools"]) + ")"),
    ]


def iotrace_probes():
    for name in sorted(os.listdir(LOGS)):
        if name.endswith(".iotrace.json"):
            try:
                with open(os.path.join(LOGS, name)) as f:
                    return ", ".join(json.load(f)["probes"]["live"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
    return None
