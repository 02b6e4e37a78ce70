# SPDX-License-Identifier: GPL-2.0
"""The CPU time of the traced processes (JSON `cpu`, the text `cpu:` line),
against an oracle that measures its own CPU clock."""
import re

from helpers import attach, last_json_line, launch, prog


# CPU time while traced (M4's cost side): tests/progs/cpu_spin.c spins until
# its own CPU clock says SPIN_MS, sleeps, and prints that clock (cpu_ns).
SPIN_MS, NAP_MS = 500, 300
TICK_S = 0.01          # /proc/PID/stat counts clock ticks (USER_HZ 100)


def test_cpu_time_of_a_launched_command_is_its_rusage():
    """Reaped by iotrace: the rusage, to the microsecond, less what it
    used after its last clock read (printf and exit: well under 5 ms)."""
    report, out, r = launch([prog("cpu_spin"), str(SPIN_MS), str(NAP_MS)])
    cpu_s = last_json_line(out)["cpu_ns"] / 1e9
    c = report["cpu"]
    assert c["source"] == "rusage", c
    assert cpu_s <= c["total_s"] <= cpu_s + 0.005, (cpu_s, c)
    assert abs(c["user_s"] + c["system_s"] - c["total_s"]) < 1e-6
    assert c["user_s"] > 0.6 * c["total_s"], c          # the spin is user mode (tick-sampled split)
    assert report["processes"][0]["cpu"] == c
    line = re.search(r"^cpu: (\S+) \(user .*\), \d+% of \S+ traced; from rusage$", r.stdout,
                     re.M)
    # the text rounds to 10 us; the JSON's seconds may round the last digit otherwise
    assert line and line.group(1).endswith("ms"), r.stdout
    assert abs(float(line.group(1)[:-2]) - c["total_s"] * 1e3) <= 0.0051, (line.group(1), c)


def test_cpu_time_of_an_attached_process_from_proc():
    """Attached: utime + stime from /proc at attach and at its exit (read
    while it is a zombie, or 0.2 s before; it slept its last 300 ms). Each
    reading truncates two tick counts: within 2 ticks either way."""
    report, out = attach([prog("cpu_spin"), "--wait", str(SPIN_MS), str(NAP_MS)])
    cpu_s = last_json_line(out)["cpu_ns"] / 1e9
    c = report["cpu"]
    assert c["source"] in ("proc", "proc_before_exit"), c
    assert abs(c["total_s"] - cpu_s) <= 2 * TICK_S + 1e-9, (cpu_s, c)


def test_cpu_time_of_a_sleeping_process_is_zero():
    report, out = attach([prog("cpu_spin"), "--wait", "0", str(NAP_MS)])
    c = report["cpu"]
    assert c["source"] in ("proc", "proc_before_exit") and c["total_s"] <= 2 * TICK_S, c
