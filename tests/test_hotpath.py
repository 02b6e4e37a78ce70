# SPDX-License-Identifier: GPL-2.0
"""The hot path: a launched command's lifetime, every syscall counted by
name (all_syscalls), IO rows by real syscall and by the kind of file."""
import json
import os
import signal
import subprocess
import tempfile
import time

from helpers import (IOTRACE, ROOT, assert_detached, attach, last_json_line, launch, prog,
                     run_iotrace)


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
    # one process, no children: a shell's sleep would outlive the SIGKILL
    # as an orphan of the test runner
    cmd = ["python3", "-c", "import signal, time; signal.signal(signal.SIGTERM, "
           "signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"]
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        tracer = subprocess.Popen([IOTRACE, "-j", out.name, "--"] + cmd,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # the command's stdout is iotrace's: SIGINT once SIGTERM is ignored
        assert tracer.stdout.readline() == "ready\n"
        tracer.send_signal(signal.SIGINT)
        err = tracer.communicate(timeout=20)[1]
        assert tracer.returncode == 0, err
        pid = launched_pid(out.name)
    assert not alive(pid), f"python3 (PID {pid}) outlived the trace"
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


def io_plan(tally_bytes):
    """tests/progs/io_kinds.c: {syscall: {kind: (calls, data_calls, bytes)}}"""
    return {
        "write": {"socket": (3, 3, 30), "file": (2, 2, 200), "pipe": (2, 2, 6 + tally_bytes),
                  "eventfd": (2, 2, 16), "other": (1, 1, 4)},
        "read": {"socket": (5, 4, 230), "file": (1, 0, 0), "pipe": (2, 2, 56),
                 "eventfd": (1, 1, 8)},
        "sendto": {"socket": (2, 2, 10)}, "recvfrom": {"socket": (2, 2, 10)},
        "sendmsg": {"socket": (1, 1, 7)}, "recvmsg": {"socket": (1, 1, 7)},
        "writev": {"socket": (1, 1, 8)}, "readv": {"socket": (1, 1, 8)},
        "pread64": {"file": (3, 3, 150)}, "sendfile": {"socket": (1, 1, 200)},
        "splice": {"pipe": (1, 1, 50)},
        "accept4": {"socket": (1, 1, 0)}, "accept": {"socket": (1, 0, 0)},
    }


GROUPS = {"reads": ("read", "readv", "pread64", "recvfrom", "recvmsg"),
          "writes": ("write", "writev", "sendto", "sendmsg", "sendfile", "splice"),
          "accepts": ("accept", "accept4")}


def check_io_kinds(report, out):
    tally = last_json_line(out)
    assert tally["ok"], f"workload did not run as planned: {out}"
    plan = io_plan(tally["tally_bytes"])
    got = {name: {k: (v["calls"], v["data_calls"], v["bytes"])
                  for k, v in report["syscalls"][name]["fd_kinds"].items()}
           for name in plan if name in report["syscalls"]}
    assert got == plan, f"iotrace {got} != planned {plan}"
    for name, kinds in plan.items():
        row = report["syscalls"][name]
        assert row["calls"] == sum(c for c, _, _ in kinds.values()), (name, row["calls"])
        assert row["bytes"] == sum(b for _, _, b in kinds.values()), (name, row["bytes"])
        assert report["all_syscalls"][name]["calls"] == row["calls"], name
    for group, names in GROUPS.items():
        want = {}
        for name in names:
            for k, (c, d, b) in plan[name].items():
                w = want.setdefault(k, [0, 0, 0])
                w[0], w[1], w[2] = w[0] + c, w[1] + d, w[2] + b
        io = {k: [v["calls"], v["data_calls"], v["bytes"]] for k, v in report["io"][group].items()}
        assert io == want, f"io.{group}: {io} != {want}"
    # requests are the socket reads that returned data: read 4, recvfrom 2, recvmsg, readv
    assert report["io"]["reads"]["socket"]["data_calls"] == 8
    assert report["io"]["requests"] == report["per_request"]["requests"] == 8


def test_io_rows_by_syscall_and_fd_kind():
    report, out = attach([prog("io_kinds")])
    check_io_kinds(report, out)


def test_io_fd_kinds_with_raw_tp():
    report, out = attach([prog("io_kinds")], extra=["--raw-tp"])
    assert report["probes"]["syscalls"] == "raw_tp"
    check_io_kinds(report, out)


def counts(row):
    return {k: row[k] for k in ("calls", "failed", "errno", "interrupted", "timeouts")} | \
        {"ready": row["fds_ready"]["total"],
         "histogram_of_timed": sum(b["count"] for b in row["latency"]["histogram"]) ==
         row["latency"]["timed_calls"]}


def test_light_keeps_the_counts_and_leaves_out_user_memory():
    """--light on mux_calls: the same calls, errors, timeouts and fds ready
    as the full mode; epoll's fds watched from the interest sets, poll's
    from nfds; no readiness or rewrites; bytes copied by poll and epoll (from
    the arguments) as in full mode, by select not (its sigmask pack)."""
    for name in ("select", "poll", "epoll_wait"):
        full, _, _ = launch([prog("mux_calls"), name])
        light, _, _ = launch([prog("mux_calls"), name], extra=["--light"])
        f, l = full["syscalls"][name], light["syscalls"][name]
        assert counts(l) == counts(f), (name, counts(l), counts(f))
        assert f["latency"]["timed_calls"] == f["calls"], f["latency"]
        assert (full["mode"], light["mode"]) == ("full", "light")
        assert {"figure": "waker stacks and contexts", "why": "--light"} in \
            [{k: e[k] for k in ("figure", "why")} for e in light["not_measured"]]
        assert l["readiness"] is None and "rewrites" not in l, l
        if name == "select":
            assert l["kernel"]["bytes_in"] is l["kernel"]["bytes_out"] is None, l["kernel"]
        else:
            assert l["kernel"]["bytes_in"] == f["kernel"]["bytes_in"] and \
                l["kernel"]["bytes_out"] == f["kernel"]["bytes_out"], (l["kernel"], f["kernel"])
        w = l["fds_watched"]
        if name == "epoll_wait":
            assert w == f["fds_watched"], (w, f["fds_watched"])
        elif name == "select":   # its sets are not read: not measured
            assert w is None, w
        else:   # every entry of every call (EFAULT and EINVAL too): nfds
            assert w["calls"] == f["calls"] and w["total"] >= f["fds_watched"]["total"], w
        assert light["fds"] is None and light["wakeups"] is None
        check_io_kinds_light(light)


def check_io_kinds_light(report):
    """The IO rows keep their fd kinds in --light: the tally's write is a pipe."""
    assert report["syscalls"]["write"]["fd_kinds"].get("pipe", {}).get("calls", 0) >= 1, \
        report["syscalls"]["write"]


def test_light_times_one_call_in_sixteen():
    """--light on sleepy_poll (8000 polls asleep 1 ms each): every call
    counted, 1 in 16 timed (binomial: 500 +/- 110, 5 sd), their mean within
    10% of the full mode's; time asleep and sleeps from every call; the
    report says it is a sample. With -w every call is timed."""
    n = 8000
    full, out_f, _ = launch([prog("sleepy_poll"), str(n), "1"])
    light, out_l, r = launch([prog("sleepy_poll"), str(n), "1"], extra=["--light"])
    assert f"done {n}\n" in out_f and f"done {n}\n" in out_l, (out_f, out_l)
    f, l = full["syscalls"]["poll"], light["syscalls"]["poll"]
    assert (f["calls"], f["timeouts"], l["calls"], l["timeouts"]) == (n, n, n, n)
    assert f["latency"]["timed_calls"] == n and full["timed_one_in"] == 1
    assert light["timed_one_in"] == 16 and "timed calls" in light["sources"]
    assert 390 <= l["latency"]["timed_calls"] <= 610, l["latency"]["timed_calls"]
    fm, lm = f["latency"]["mean_ns"], l["latency"]["mean_ns"]
    assert 0.9 * fm <= lm <= 1.1 * fm and lm >= 1e6, (fm, lm)
    assert sum(b["count"] for b in l["latency"]["histogram"]) == l["latency"]["timed_calls"]
    # (nearly) every call sleeps: a few find their timer due at once
    assert l["time"]["slept_calls"] >= 0.99 * n and l["time"]["wakeups"] >= 0.99 * n, l["time"]
    assert 0.9 <= l["time"]["asleep_ns"] / f["time"]["asleep_ns"] <= 1.1
    # on CPU: the timed calls' latency less their own time off CPU
    assert 0 < l["time"]["oncpu_ns"] / l["latency"]["timed_calls"] < lm / 10, l["time"]
    assert light["all_syscalls"]["poll"]["timed_calls"] == l["latency"]["timed_calls"]
    with tempfile.TemporaryDirectory() as d:
        rec, _, _ = launch([prog("sleepy_poll"), "200", "1"],
                           extra=["--light", "-w", os.path.join(d, "r.cap")])
        assert rec["timed_one_in"] == 1
        assert rec["syscalls"]["poll"]["latency"]["timed_calls"] == 200


def test_polls_that_find_nothing_ready_count_only_the_watched_fds():
    """sleepy_poll's 2 entries, one fd -1: 1 fd watched per call in full
    mode (the exit reads the array; calls past the first 16 take the path
    for nothing ready), registered by the kernel only when the call slept;
    --light counts the entries, as it says."""
    for n, ms, regs in ((200, 0, 0), (100, 1, 100)):
        rep, out, _ = launch([prog("sleepy_poll"), str(n), str(ms)])
        assert f"done {n}\n" in out, out
        p = rep["syscalls"]["poll"]
        w = p["fds_watched"]
        assert (p["calls"], p["timeouts"]) == (n, n), p
        assert (w["total"], w["calls"], w["min"], w["max"], w["unreadable"]) == \
            (n, n, 1, 1, 0), w
        assert p["kernel"]["registrations"] == regs, p["kernel"]
    rep, _, _ = launch([prog("sleepy_poll"), "200", "0"], extra=["--light"])
    assert rep["syscalls"]["poll"]["fds_watched"]["total"] == 400


def test_every_json_key_is_in_the_schema_doc():
    """doc/json.md names every top-level key of a full and a --light report,
    and every key of a latency and an all_syscalls entry."""
    with open(os.path.join(ROOT, "doc", "json.md")) as f:
        doc = f.read()
    for extra in ([], ["--light"]):
        rep, _, _ = launch([prog("sleepy_poll"), "20", "1"], extra=extra)
        keys = set(rep) | set(rep["syscalls"]["poll"]["latency"])
        keys |= set(rep["all_syscalls"]["poll"])
        missing = sorted(k for k in keys if '"%s"' % k not in doc)
        assert not missing, (extra, missing)
