# SPDX-License-Identifier: GPL-2.0
"""What the machine is and whether it is quiet enough to measure on.

A busy machine or another tracer on the syscall tracepoints makes every
figure slower and noisier; the labs say so instead of hiding it."""
import json
import os
import platform
import resource
import subprocess

# The server gets one CPU and the load generator another, so they do not
# take turns on the same core (which would measure the scheduler).
SERVER_CPU = 0
CLIENT_CPU = 1

# A 1-minute load average above this share of the CPUs means other work
# competes with the experiment.
BUSY_LOAD_PER_CPU = 0.5


# Open files the labs and everything they start may hold: fd 3000 (S5, P1),
# 10000 watched fds (E3), 10000 connections (loadgen). A VM's init often
# leaves 1024 (soft) and 4096 (hard); root may raise both, up to fs.nr_open.
NOFILE = 65536


def raise_fd_limit():
    """Raise RLIMIT_NOFILE to NOFILE (inherited by every child), as far as
    fs.nr_open and this process's privileges allow."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = NOFILE
    try:
        with open("/proc/sys/fs/nr_open") as f:
            want = min(want, int(f.read()))
    except (OSError, ValueError):
        pass
    if soft >= want:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))
    except (OSError, ValueError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, want)), hard))


def cpus():
    return sorted(os.sched_getaffinity(0))


def pin_cpu(role):
    """The CPU for role ("server" or "client"), or None on a 1-CPU machine."""
    cs = cpus()
    if len(cs) < 2:
        return None
    return cs[SERVER_CPU] if role == "server" else cs[CLIENT_CPU]


def pinner(role):
    """A preexec_fn that pins the child to role's CPU (no-op on one CPU)."""
    cpu = pin_cpu(role)
    if cpu is None:
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def emulated():
    """Whether this CPU is emulated (qemu's TCG, without hardware
    virtualisation), where times measure the emulator. Under TCG with -cpu
    max (tests/kernels/boot) /proc/cpuinfo says "model name: QEMU TCG CPU
    version 2.5+" with the hypervisor flag. qemu's default CPU model says
    "QEMU Virtual CPU" under TCG and under KVM alike; there only KVM offers
    the kvm-clock clocksource. LABS_EMULATED=1 or 0 overrides the guess."""
    force = os.environ.get("LABS_EMULATED")
    if force in ("0", "1"):
        return force == "1"
    model = _cpu_model()
    if "TCG" in model:
        return True
    return "QEMU Virtual CPU" in model and _hypervisor_flag() and not _kvm_clock()


def _hypervisor_flag():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return "hypervisor" in line.split()
    except OSError:
        pass
    return False


def _kvm_clock():
    """KVM gives its guests the kvm-clock clocksource; TCG does not."""
    try:
        with open("/sys/devices/system/clocksource/clocksource0/available_clocksource") as f:
            return "kvm-clock" in f.read()
    except OSError:
        return False


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def describe():
    """The machine as the JSON and the page show it."""
    return {"cpus": len(cpus()), "loadavg_1min": loadavg(),
            "model": _cpu_model(), "emulated": emulated(),
            "pinning": "server CPU %s, load generator CPU %s"
            % (pin_cpu("server"), pin_cpu("client")) if len(cpus()) > 1 else "none (1 CPU)"}


def kernel():
    return platform.release()


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def syscall_tracers():
    """Names of BPF programs attached to sys_enter/sys_exit (other tracers)."""
    try:
        out = subprocess.run(["bpftool", "-j", "link", "list"], capture_output=True,
                             text=True, timeout=10).stdout
        links = json.loads(out or "[]")
    except (OSError, subprocess.SubprocessError, ValueError):
        return []
    names = []
    for link in links:
        where = " ".join(str(link.get(k, "")) for k in ("tp_name", "attach_btf_name",
                                                        "target_name", "func_name"))
        if "sys_enter" in where or "sys_exit" in where or "raw_syscalls" in where:
            names.append("%s (prog %s)" % (where.strip(), link.get("prog_id")))
    return names


def warnings():
    """One line per reason the figures may be noisy."""
    out = []
    la, n = loadavg(), len(cpus())
    if la > BUSY_LOAD_PER_CPU * n:
        out.append("the machine is busy (load average %.2f on %d CPUs): figures are noisier"
                   % (la, n))
    tracers = syscall_tracers()
    if tracers:
        out.append("%d BPF program(s) already on the syscall tracepoints (%s): every "
                   "syscall is slower while they run" % (len(tracers), ", ".join(tracers[:3])))
    if n < 2:
        out.append("one CPU: server and load generator share it")
    if emulated():
        out.append("the CPU is emulated (%s): times measure the emulator, so the labs that "
                   "rest on timing are not judged" % _cpu_model())
    return out
