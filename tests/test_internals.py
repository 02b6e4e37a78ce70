# SPDX-License-Identifier: GPL-2.0
"""Kernel internals made measurable (claims S1-S7, P1, P2, E1-E5, M1-M4).

Each workload (tests/progs/internals.c, rewrites.c) is attached with -p
after it has set up (--wait), so every traced call is one it made.
"""
import json
import os
import re
import signal
import subprocess
import tempfile

from helpers import IOTRACE, assert_detached, attach, last_json_line, prog, run_iotrace, \
    wait_for_line

K, M = 4, 8            # K blocking waits on M idle sockets


def run(*args):
    report, out = attach([prog("internals"), "--wait"] + [str(a) for a in args])
    return report, last_json_line(out)


def fds_bytes(nfds):
    """fd_set bytes the kernel copies per set: 8 * ceil(n / 64)."""
    return 8 * ((nfds + 63) // 64)


def fd_row(report, fd, reports, rereports):
    """A row of report["fds"]: fd numbers are per process, so rows carry the pid."""
    return {"pid": report["target"]["pid"], "fd": fd, "reports": reports,
            "rereports": rereports}


def check_scan(name, sysname, bytes_in, bytes_out, wake_class="pollwake"):
    report, facts = run("scan", name, K, M)
    s = report["syscalls"][sysname]
    k = s["kernel"]
    assert s["calls"] == K and s["fds_ready"]["total"] == K
    assert s["fds_watched"]["total"] == K * M
    if wake_class == "pollwake":
        # S2, S3, S4: slept once, woken once by pollwake, rescanned every fd
        assert k["passes"] == 2 * K, k
        assert k["fds_examined"] == 2 * M * K, k
        assert k["registrations"] == M * K, k             # slept: every fd
    assert (k["bytes_in"], k["bytes_out"]) == (bytes_in(facts), bytes_out(facts)), k
    assert report["wakeups"][sysname]["by_class"] == {wake_class: K}, report["wakeups"]
    assert s["time"]["slept_calls"] == K and s["time"]["asleep_ns"] >= K * 25_000_000
    # the ready fd was read after each report: never a re-report
    assert s["readiness"] == {**s["readiness"], "reports": K, "rereports": 0}
    assert fd_row(report, facts["target"], K, 0) in report["fds"]
    r = report["syscalls"]["read"]
    assert (r["calls"], r["bytes"], r["data_calls"]) == (K, K, K), r
    return report


def test_select_blocking_scan_passes_registrations_pollwake():
    check_scan("select", "select", lambda f: K * fds_bytes(f["maxfd"] + 1),
               lambda f: K * fds_bytes(f["maxfd"] + 1))


def test_pselect6_blocking_scan_passes_registrations_pollwake():
    # glibc's select() passes NULL as the sigmask pack (strace: "..., NULL)")
    check_scan("pselect6", "pselect6", lambda f: K * fds_bytes(f["maxfd"] + 1),
               lambda f: K * fds_bytes(f["maxfd"] + 1))


def test_poll_blocking_scan_passes_registrations_pollwake():
    check_scan("poll", "poll", lambda f: K * 8 * M, lambda f: K * 2 * M)


def test_ppoll_blocking_scan_passes_registrations_pollwake():
    check_scan("ppoll", "ppoll", lambda f: K * 8 * M, lambda f: K * 2 * M)


def test_epoll_blocking_wait_ep_poll_callback_events_bytes():
    """E1, E2, E4: registration once per ADD, no fd set copied in, 12 B out per event."""
    report = check_scan("epoll", "epoll_wait", lambda f: 0, lambda f: 12 * K,
                        wake_class="ep_poll_callback")
    add = report["syscalls"]["epoll_ctl(ADD)"]
    assert add["calls"] == M and add["kernel"] == {"registrations": M, "bytes_in": 12 * M,
                                                   "bytes_out": 0}
    assert report["epoll_interest"] == [{"pid": report["target"]["pid"],
                                         "epfd": report["epoll_interest"][0]["epfd"],
                                         "registrations": M}]


def test_zero_timeout_one_pass_no_registrations():
    for name in ("select", "poll"):
        report, _ = run("zero", name, K, M)
        s = report["syscalls"][name]
        assert s["timeouts"] == K
        assert s["kernel"]["passes"] == K and s["kernel"]["fds_examined"] == K * M
        assert s["kernel"]["registrations"] == 0, s["kernel"]
        assert s["time"]["slept_calls"] == 0 and name not in report.get("wakeups", {})


def test_blocking_recv_wait_and_copy_phases():
    """M1, M2: the thread sleeps until the data comes, then copies it on CPU."""
    delay_ms, size = 60, 5000
    report, facts = run("recv", delay_ms, size)
    r = report["syscalls"]["recvfrom"]          # recv(2) is recvfrom on x86_64
    assert facts["bytes"] == size
    assert (r["calls"], r["bytes"], r["data_calls"]) == (1, size, 1), r
    t = r["time"]
    assert t["slept_calls"] == 1 and t["asleep_ns"] >= 0.9 * delay_ms * 1e6, t
    assert t["copy_phase_ns"] > 0
    assert r["latency"]["max_ns"] >= t["asleep_ns"] + t["copy_phase_ns"]
    w = report["wakeups"]["recvfrom"]
    assert w["total"] == 1 and set(w["by_class"]) <= {"direct", "autoremove"}, w


def test_nonblocking_loop_eagain_count():
    """M3: a non-blocking read returns EAGAIN at once, again and again."""
    report, facts = run("nbloop", 20)
    r = report["syscalls"]["read"]
    assert facts["eagain"] > 100
    assert r["errno"] == {"EAGAIN": facts["eagain"]}, r["errno"]
    assert r["calls"] == facts["eagain"] + 1 and r["data_calls"] == 1
    assert report["per_request"]["eagain"] == facts["eagain"]


def test_busy_target_errors_never_exceed_calls():
    """A call in flight when the trace starts or ends counts in calls, errors
    and its errno alike, or in none: spin fails every read with EAGAIN from
    before iotrace attaches until killed after the trace (-d) has ended."""
    target = subprocess.Popen([prog("spin")])
    try:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            tracer = subprocess.Popen([IOTRACE, "-p", str(target.pid), "-d", "1", "-j", out.name],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True)
            wait_for_line(tracer.stderr, "Tracing PID")
            assert tracer.wait(timeout=20) == 0, tracer.stderr.read()
            assert target.poll() is None, "spin stopped before the trace ended"
            report = json.load(open(out.name))
    finally:
        target.kill()
        target.wait()
    assert_detached(target.pid)
    r = report["syscalls"]["read"]
    assert r["calls"] > 1000, r["calls"]
    assert (r["failed"], r["errno"]) == (r["calls"], {"EAGAIN": r["calls"]}), \
        (r["calls"], r["failed"], r["errno"])


# tests/progs/rewrites.c: what select and poll left in the caller's memory
#   select: 3 x (3 read fds, 1 ready, 5 s)   2 x (2 read + 1 except, 2 ms expires)
#           1 x (1 fd, zero timeout: not rewritten)   1 x (read + write fd, both
#           ready, no timeout)   EBADF: not counted
SELECT_REWRITES = dict(calls=7, set_bits_in=3 * 3 + 2 * 3 + 1 + 2,
                       set_bits_out=3 * 1 + 2 * 0 + 0 + 2, timeout_rewritten=3 + 2)
#   poll: 3 x 5 entries (3 with revents: ready, writable, POLLNVAL)   2 x 1 entry,
#         timeout   1 x 1 entry whose events another thread changes (kept: 0)
#         EFAULT: not counted
POLL_REWRITES = dict(calls=6, revents_set=3 * 3 + 2 * 0 + 1, events_kept=3 * 5 + 2 * 1 + 0,
                     pollfds_reread=3 * 5 + 2 * 1 + 1)


def rewrites_of(name):
    """The workload's tally and iotrace's rewrites object (the main thread
    makes every select or poll call: its row is the process's)."""
    report, out = attach([prog("rewrites"), "--wait", name])
    tally = last_json_line(out)
    main = [t for t in report["threads"] if t["tid"] == report["target"]["pid"]]
    r = report["syscalls"][name]["rewrites"]
    assert main[0]["syscalls"][name]["rewrites"] == r, (main[0]["syscalls"][name], r)
    return tally, r


def check_select_rewrites(name, ns_rounding):
    tally, r = rewrites_of(name)
    plan = SELECT_REWRITES
    assert {k: tally[k] for k in plan} == plan, f"workload did not run as planned: {tally}"
    assert {k: r[k] for k in plan} == plan, r
    assert (r["revents_set"], r["events_kept"], r["pollfds_reread"]) == (0, 0, 0), r
    # time left: the 3 ready calls' (just under 5 s each); expired ones left 0
    assert 3 * 4_000_000_000 < tally["timeout_left_ns"] <= 3 * 5_000_000_000, tally
    assert 0 <= r["timeout_left_ns"] - tally["timeout_left_ns"] <= ns_rounding, (r, tally)


def test_select_sets_and_timeout_rewritten():
    """S7, observed: the kernel overwrites the sets (only ready bits remain)
    and the timeout (time left), as the caller sees them."""
    check_select_rewrites("select", 0)


def test_pselect6_sets_and_timeout_rewritten():
    """glibc's select(): iotrace reads pselect6's timespec (ns); glibc hands
    the caller a timeval, up to 999 ns less per call that had time left."""
    check_select_rewrites("pselect6", 3 * 999)


def test_poll_events_kept_revents_set():
    """P1, observed: poll writes only revents; events are as asked."""
    for name in ("poll", "ppoll"):
        tally, r = rewrites_of(name)
        assert tally == POLL_REWRITES, f"workload did not run as planned: {tally}"
        assert {k: r[k] for k in POLL_REWRITES} == POLL_REWRITES, (name, r)
        assert (r["set_bits_in"], r["set_bits_out"], r["timeout_rewritten"]) == (0, 0, 0), r


def test_level_triggered_listener_rereported():
    """S6: a pending connection never accepted is reported on every select."""
    n = 6
    report, facts = run("listen", n)
    s = report["syscalls"]["select"]
    assert s["calls"] == n and s["readiness"]["reports"] == n
    assert s["readiness"]["rereports"] == n - 1          # every call after the first
    assert report["fds"] == [fd_row(report, facts["fd"], n, n - 1)]
    assert report["fds_closed"] == {"fds": 0, "reports": 0, "rereports": 0, "max_rereports": 0}
    assert s["kernel"]["registrations"] == n              # up to the ready fd: itself


def test_writable_socket_rereported_on_every_select():
    """S8: a socket with room in its send buffer is writable on every call."""
    n = 5
    report, facts = run("writable", n)
    s = report["syscalls"]["select"]
    assert s["calls"] == n and s["fds_ready"]["total"] == n
    assert report["fds"] == [fd_row(report, facts["fd"], n, n - 1)]


def test_no_1024_limit_in_the_kernel():
    """S5, P1, E6: fd 3000 waited on by select (own bitmap), poll and epoll.
    The kernel takes it; 1024 is only glibc's fd_set."""
    fd = 3000
    report, facts = run("beyond", fd)
    assert (facts["select"], facts["poll"], facts["epoll"]) == (1, 1, 1), facts
    for name in ("select", "poll", "epoll_wait"):
        s = report["syscalls"][name]
        assert s["calls"] == 1 and s["fds_watched"]["total"] == 1, (name, s)
        assert s["fds_ready"]["total"] == 1, (name, s)
    k = report["syscalls"]["select"]["kernel"]
    assert (k["bytes_in"], k["bytes_out"]) == (fds_bytes(fd + 1) + 16, fds_bytes(fd + 1)), k
    # reported by all three calls, nothing read in between
    assert report["fds"] == [fd_row(report, fd, 3, 2)]


def test_closed_fd_readiness_is_kept_in_fds_closed():
    """A closed fd's row leaves the per-fd table (its number is reused) and
    its counts move to fds_closed."""
    n = 5
    report, facts = run("listen", n, "close")
    assert report["fds"] == []
    assert report["fds_closed"] == {"fds": 1, "reports": n, "rereports": n - 1,
                                    "max_rereports": n - 1}


def test_edge_triggered_reported_once():
    """E5: edge-triggered epoll reports a never-drained fd once."""
    n = 5
    report, facts = run("et", n)
    s = report["syscalls"]["epoll_wait"]
    assert facts["ready"] == 1
    assert s["calls"] == n and s["timeouts"] == n - 1
    assert report["fds"] == [fd_row(report, facts["fd"], 1, 0)]


def test_deep_probes_are_optional_and_exact_when_live():
    """fentry/kprobe counts are tried; without them every figure still comes
    from tracepoints, and the report says why the exact layer is missing."""
    report, _ = run("scan", "poll", K, M)
    p = report["probes"]
    assert p["live"] == ["tp_btf/sys_enter", "tp_btf/sys_exit", "tp_btf/sched_switch",
                         "tp_btf/sched_waking"]
    s = report["syscalls"]["poll"]["kernel"]
    if p["fentry"] or p["kprobes"]:
        exact = p["exact_counts"]
        assert exact["__pollwait"] == s["registrations"] == M * K
        assert exact["pollwake"] == K
        assert exact["sock_poll"] == s["fds_examined"]
    else:
        # this project's machine: fentry refused, no kprobes
        assert p["fentry_error"] and p["kprobe_error"], p
        assert "exact_counts" not in p
        assert s["passes"] == 2 * K and s["registrations"] == M * K


def test_large_fd_lists_counted_exactly():
    """200 idle sockets: several words of fd_set, two chunks of pollfds."""
    k, m = 3, 200
    for name in ("select", "poll"):
        report, facts = run("zero", name, k, m)
        s = report["syscalls"][name]
        assert s["fds_watched"] == {**s["fds_watched"], "total": k * m, "min": m, "max": m}
        assert s["kernel"]["fds_examined"] == k * m
        per_call_in = 8 * m if name == "poll" else fds_bytes(facts["maxfd"] + 1) + 16
        assert s["kernel"]["bytes_in"] == k * per_call_in, s["kernel"]


def compare_table(reports):
    """iotrace --compare on the given reports: {label: [cell per report]}."""
    with tempfile.TemporaryDirectory() as d:
        paths = []
        for name, rep in reports:
            paths.append(os.path.join(d, name + ".json"))
            with open(paths[-1], "w") as f:
                json.dump(rep, f)
        r = run_iotrace(["--compare"] + paths)
    assert r.returncode == 0 and not r.stderr, r.stderr
    rows = {}
    for line in r.stdout.split("\n\n")[0].splitlines():
        cells = line.split()
        n = len(reports)
        rows[" ".join(cells[:-n])] = cells[-n:]
    assert all(len(l) <= 80 for l in r.stdout.splitlines())
    return rows


def test_compare_sets_select_style_against_epoll_per_request():
    """--compare: the same workload (K wakeups on M idle sockets, a read
    each) under poll and epoll, per request: copies and scans vs callbacks."""
    poll, _ = run("scan", "poll", K, M)
    epoll, _ = run("scan", "epoll", K, M)
    t = compare_table([("poll", poll), ("epoll", epoll)])
    assert t["file"] == ["poll", "epoll"] and t["target"] == ["internals"] * 2
    assert t["requests"] == [str(K)] * 2
    assert t["waits/request"] == ["1.00", "1.00"]
    assert t["epoll_ctl/request"] == ["0.00", f"{M / K:.2f}"]
    assert t["main wait"] == ["poll", "epoll_wait"]
    assert t["fds watched/wait"] == [f"{M:.1f}"] * 2
    # each poll call: 2 passes (1 + its wakeup) over the M fds: M per pass, not 2M per call
    assert t["fds examined/pass (d)"] == [f"{M:.1f}", "-"]
    assert t["bytes in/request (d)"] == [f"{8 * M:.1f}", f"{12 * M / K:.1f}"]
    assert t["bytes out/request (d)"] == [f"{2 * M:.1f}", "12.0"]
    assert t["wakeups/request"] == ["1.000", "1.000"]
    assert t["lost (drops)"] == ["0", "0"]


def test_compare_rejects_what_is_not_a_report():
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        f.write('{"a": 1}')
        f.flush()
        r = run_iotrace(["--compare", f.name])
        assert r.returncode == 1 and r.stderr.strip() == \
            f"iotrace: {f.name} is not an iotrace JSON report", r.stderr
    r = run_iotrace(["--compare", "/nonexistent.json"])
    assert r.returncode == 1 and "No such file" in r.stderr
    r = run_iotrace(["--compare", "a", "b", "c", "d", "e"])
    assert r.returncode == 2 and "1 to 4" in r.stderr


def test_same_fd_number_in_two_processes_is_two_rows():
    """-p A,B: each process selects n times on its own writable socket, the
    same fd number in both. Rows are per (pid, fd), in the JSON and the text."""
    n = 5
    progs = [subprocess.Popen([prog("internals"), "--wait", "writable", str(n)],
                              stdout=subprocess.PIPE, text=True) for _ in range(2)]
    tracer = None
    try:
        pids = [int(wait_for_line(p.stdout, "ready").split()[1]) for p in progs]
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            tracer = subprocess.Popen([IOTRACE, "-p", f"{pids[0]},{pids[1]}", "-j", out.name],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True)
            wait_for_line(tracer.stderr, "Tracing PIDs")
            for p in progs:
                p.send_signal(signal.SIGUSR1)
            facts = [last_json_line(p.stdout.read()) for p in progs]
            text, err = tracer.communicate(timeout=20)
            assert tracer.returncode == 0, err
            report = json.load(open(out.name))
    finally:
        for p in progs + [tracer]:
            if p and p.poll() is None:
                p.kill()
            if p:
                p.wait()
    for pid in pids:
        assert_detached(pid)
    fd = facts[0]["fd"]
    assert facts[1]["fd"] == fd, facts
    rows = sorted(report["fds"], key=lambda r: r["pid"])
    assert rows == [{"pid": pid, "fd": fd, "reports": n, "rereports": n - 1}
                    for pid in sorted(pids)], rows
    table = re.findall(r"^ +(\d+) +(\d+) +(\d+) +(\d+)$", text.split("READY FDS")[1], re.M)
    assert sorted(table) == sorted((str(pid), str(fd), str(n), str(n - 1)) for pid in pids), \
        text
