# SPDX-License-Identifier: GPL-2.0
"""-w records, -r replays: the replay prints the live run's report exactly,
the events are the calls the aggregates counted, a window is rebuilt from
the events, and a damaged file is one line and a partial report, never a
crash. Format: doc/capture-format.md."""
import gzip
import json
import os
import re
import signal
import struct
import subprocess
import tempfile
import time

from helpers import IOTRACE, LOADGEN, assert_detached, prog, run_iotrace, start_server, \
    stop_all, wait_for_line

CALL = struct.Struct("<QHBBIQQqIIII")      # struct rec_call, 56 bytes
PROC = struct.Struct("<QHHIII16s")         # struct rec_proc, 40 bytes
MUX = ["select", "pselect6", "poll", "ppoll", "epoll_wait", "epoll_pwait", "epoll_pwait2",
       "epoll_ctl(ADD)", "epoll_ctl(MOD)", "epoll_ctl(DEL)", "epoll_ctl(BADOP)",
       "read", "readv", "pread64", "recvfrom", "recvmsg",
       "write", "writev", "sendto", "sendmsg", "sendfile", "splice", "accept", "accept4",
       "io_uring_enter", "outside"]
REC_FORK, REC_EXEC, REC_EXIT = 0x100, 0x101, 0x102


def decode(path):
    """(header tags, events, records by type) of a capture, an independent reader."""
    data = gzip.open(path).read()
    assert data[:8] == b"IOTRCAP\n" and struct.unpack_from("<I", data, 8)[0] == 1
    off, head, events, types = 16, {}, [], []
    while off < len(data):
        typ, n = struct.unpack_from("<II", data, off)
        body = data[off + 8:off + 8 + n]
        assert len(body) == n, f"record at {off} cut"
        types.append(typ)
        if typ == 1:
            k = 0
            while k < n:
                tag, ln = struct.unpack_from("<HI", body, k)
                head[tag] = body[k + 6:k + 6 + ln]
                k += 6 + ln
        elif typ == 2:
            k = 0
            while k < n:
                kind = struct.unpack_from("<H", body, k + 8)[0]
                if kind < len(MUX):
                    events.append(("call",) + CALL.unpack_from(body, k))
                    k += CALL.size
                else:
                    events.append(("proc",) + PROC.unpack_from(body, k))
                    k += PROC.size
        off += 8 + n
    return head, events, types


def record(argv, extra=(), replay=()):
    """Launch argv under -w and -j: (live JSON, live text, capture path, tmpdir)."""
    d = tempfile.mkdtemp(prefix="iotrace-rec-")
    cap, live = os.path.join(d, "cap.gz"), os.path.join(d, "live.json")
    r = run_iotrace(list(extra) + ["-w", cap, "-j", live, "--"] + argv, timeout=60)
    assert r.returncode == 0, r.stderr
    # the program's own output (its JSON tally) shares stdout with the report
    text = "\n".join(l for l in r.stdout.splitlines() if not l.startswith(("{", "done")))
    return json.load(open(live)), text, cap, r.stderr, d


def replay(cap, *args):
    return subprocess.run([IOTRACE, "-r", cap] + list(args), capture_output=True, text=True,
                          timeout=60)


def test_replay_prints_the_live_report_byte_for_byte():
    # mux_calls: each wait's planned calls (test_syscalls.py); procs -f: 3 processes,
    # forks followed, the CPU time of each
    runs = [([prog("mux_calls"), n], o) for n in ("poll", "select", "epoll_wait")
            for o in ([], ["--threads", "--stacks"])] + [([prog("procs"), "2", "50"], ["-f"])]
    for argv, opts in runs:
        name = argv[1] if "mux_calls" in argv[0] else None
        report, text, cap, _, d = record(argv, opts)
        out = os.path.join(d, "replay.json")
        shown = [o for o in opts if o in ("--threads", "--stacks")]
        r = replay(cap, "-j", out, *shown)
        assert r.returncode == 0, r.stderr
        assert open(out).read() == open(os.path.join(d, "live.json")).read(), \
            f"{argv} {opts}: replayed JSON differs"
        assert r.stdout.strip("\n") == text.strip("\n"), \
            f"{argv} {opts}: replayed text differs:\n{r.stdout}\n---\n{text}"
        if name:
            assert report["syscalls"][name]["calls"] == (10 if name == "select" else 9)
        else:
            assert len(report["processes"]) == 3 and report["cpu"]["total_s"] > 0


def test_every_counted_call_is_one_event():
    report, _, cap, err, _ = record([prog("mux_calls"), "poll"])
    head, events, types = decode(cap)
    calls = [e for e in events if e[0] == "call"]
    counted = sum(s["calls"] for s in report["syscalls"].values())
    assert len(calls) == counted, f"{len(calls)} events for {counted} calls"
    assert re.search(rf"recorded {counted} calls and 2 process events", err), err
    # poll (tests/progs/mux_calls.c run_poll): 9 calls, 2 timeouts, 7 fds ready,
    # EINVAL and EFAULT, one interrupted (ERESTART_RESTARTBLOCK = 516)
    polls = [e for e in calls if MUX[e[2]] == "poll"]
    assert len(polls) == 9
    rets = [e[8] for e in polls]
    assert rets.count(0) == 2 and sum(r for r in rets if r > 0) == 7, rets
    assert sorted(r for r in rets if r < 0) == [-516, -22, -14], rets
    watched = [e[11] for e in polls if e[11] != 0xffffffff]
    assert sum(watched) == 15 and len(watched) == 8, watched
    for e in polls:
        assert e[5] <= e[6] and e[7] <= e[6], "on CPU and asleep within the call"
    pid = report["target"]["pid"]
    kinds = [e[2] for e in events if e[0] == "proc"]
    assert kinds == [REC_EXEC, REC_EXIT], kinds
    assert all(e[10] == pid for e in calls)
    assert head[5].rstrip(b"\0") and struct.unpack("<I", head[4])[0] == pid
    assert b"tp_btf/sys_exit" in head[6]
    assert types[-1] == 99, "the end record closes the file"


def test_a_full_ring_buffer_drops_events_never_figures():
    # a 4 KiB ring buffer (~70 records) drained every 5 ms: most of 100000 polls,
    # made as fast as they go (paced at 1e8/s), are lost
    report, _, cap, err, _ = record([prog("paced_poll"), "100000", "100000000"],
                                    ["--record-buffer", "4"])
    counted = sum(s["calls"] for s in report["syscalls"].values())
    assert report["syscalls"]["poll"]["calls"] >= 100000
    m = re.search(r"recorded (\d+) calls.*\n.*?(\d+) of (\d+) calls not recorded \(ring "
                  r"buffer full\); totals exact", err)
    assert m, err
    recorded, dropped, total = map(int, m.groups())
    assert dropped > 0 and recorded + dropped == total == counted, (m.groups(), counted)
    _, events, _ = decode(cap)
    assert len([e for e in events if e[0] == "call"]) == recorded
    r = replay(cap)
    assert f"{dropped} of {total} calls not recorded" in r.stderr, r.stderr


def test_forks_are_recorded():
    # procs 3 2: the parent forks 3 children (tests/progs/procs.c)
    _, _, cap, _, _ = record([prog("procs"), "3", "2"], ["-f"])
    _, events, _ = decode(cap)
    forks = [e for e in events if e[0] == "proc" and e[2] == REC_FORK]
    exits = {e[6] for e in events if e[0] == "proc" and e[2] == REC_EXIT}
    assert len(forks) == 3, forks
    assert {f[4] for f in forks} <= exits, "every child's exit is recorded"


def test_window_is_rebuilt_from_the_events():
    # 250 polls at 100/s (tests/progs/paced_poll.c): about 100 in [1 s, 2 s)
    report, _, cap, _, d = record([prog("paced_poll"), "250", "100"])
    head, events, _ = decode(cap)
    start = struct.unpack("<Q", head[8])[0]
    polls = [e for e in events if e[0] == "call" and MUX[e[2]] == "poll"]
    inside = [e for e in polls if 1e9 <= e[1] - start < 2e9]
    # the pace is the workload's, not iotrace's: a loaded machine may delay a
    # poll past an edge; the oracle is the window against these events
    assert 90 <= len(inside) <= 110, len(inside)
    out = os.path.join(d, "w.json")
    r = replay(cap, "--from", "1", "--to", "2", "-j", out)
    assert r.returncode == 0, r.stderr
    w = json.load(open(out))["syscalls"]["poll"]
    assert w["calls"] == len(inside)
    assert w["timeouts"] == len(inside) and w["fds_watched"]["total"] == len(inside)
    assert w["latency"]["max_ns"] == max(e[6] for e in inside)
    assert "kernel copies, registrations" in r.stdout
    # the whole recording as a window: the event figures equal the aggregates
    whole = os.path.join(d, "all.json")
    assert replay(cap, "--from", "0", "--to", "1000", "-j", whole).returncode == 0
    a, b = json.load(open(whole))["syscalls"]["poll"], report["syscalls"]["poll"]
    for k in ("calls", "timeouts", "fds_ready", "latency"):
        assert a[k] == b[k], f"{k}: window {a[k]} != live {b[k]}"
    # fds watched from the events; not the unreadable lists, which only the maps count
    for k in ("total", "calls", "min", "max", "mean"):
        assert a["fds_watched"][k] == b["fds_watched"][k], \
            f"fds_watched {k}: window {a['fds_watched'][k]} != live {b['fds_watched'][k]}"


MSG = re.compile(r"^iotrace: \S+: (truncated|corrupt)[^:]* at byte \d+ \((in|after) event \d+\)"
                 r"(: [^:]+)?: the report below is partial$")


def check_damaged(path, what):
    r = replay(path, "-j", os.devnull)
    assert r.returncode == 1, f"{what}: exit {r.returncode}: {r.stderr}"
    first = r.stderr.splitlines()[0] if r.stderr else ""
    assert MSG.match(first) or "not an iotrace capture" in first, f"{what}: {r.stderr!r}"
    return r


def test_damaged_files_are_one_line_and_a_partial_report():
    _, _, cap, _, d = record([prog("paced_poll"), "400", "2000"])
    raw = gzip.open(cap).read()
    bad = os.path.join(d, "bad")
    _, events, _ = decode(cap)
    for cut in (20, 100, len(raw) // 3, len(raw) // 2, len(raw) - 9, len(raw) - 1):
        with gzip.open(bad, "wb") as f:
            f.write(raw[:cut])
        r = check_damaged(bad, f"cut at {cut}")
        if cut > len(raw) // 3:
            assert "SYSCALL" in r.stdout, "what was read before the cut is reported"
        m = re.search(r"at byte (\d+)", r.stderr)
        assert m and int(m.group(1)) <= cut, r.stderr
    # the compressed file itself cut short
    comp = open(cap, "rb").read()
    for cut in (len(comp) // 2, len(comp) - 4):
        open(bad, "wb").write(comp[:cut])
        check_damaged(bad, f"gzip cut at {cut}")
    # flipped bytes inside the stream: record lengths, kinds, counts
    for at in range(16, len(raw), max(1, len(raw) // 40)):
        b = bytearray(raw)
        b[at] ^= 0xa5
        with gzip.open(bad, "wb") as f:
            f.write(bytes(b))
        r = replay(bad, "-j", os.devnull)
        assert r.returncode in (0, 1), f"byte {at}: exit {r.returncode}: {r.stderr}"
        if r.returncode:
            assert MSG.match(r.stderr.splitlines()[0]), f"byte {at}: {r.stderr!r}"
    open(bad, "wb").write(b"not a capture at all\n")
    check_damaged(bad, "text")


def test_json_report_compressed_when_named_gz():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "r.json.gz")
        r = run_iotrace(["-j", out, "--", prog("mux_calls"), "poll"])
        assert r.returncode == 0, r.stderr
        assert json.load(gzip.open(out))["syscalls"]["poll"]["calls"] == 9


def compare(*paths):
    r = subprocess.run([IOTRACE, "--compare"] + list(paths), capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    table, notes, findings = r.stdout.split("\n\n")
    rows = {}
    for line in table.splitlines():
        cells = line.split()
        rows[" ".join(cells[:-len(paths)])] = cells[-len(paths):]
    assert all(len(l) <= 80 for l in r.stdout.splitlines())
    return rows, findings


def test_compare_takes_recordings_and_reports_alike():
    # internals scan: 30 requests, each one wakeup 30 ms into a wait on 20 idle sockets
    d = tempfile.mkdtemp(prefix="iotrace-cmp-")
    paths = {}
    for name in ("poll", "epoll"):
        cap, js = os.path.join(d, name + ".gz"), os.path.join(d, name + ".json.gz")
        r = run_iotrace(["-w", cap, "-j", js, "--", prog("internals"), "scan", name, "30", "20"],
                        timeout=60)
        assert r.returncode == 0, r.stderr
        paths[name] = (cap, js)
    rows, findings = compare(paths["poll"][0], paths["poll"][1], paths["epoll"][0])
    # a recording and its own JSON report: the same figures, but the busy window
    for label, cells in rows.items():
        if label not in ("file", "requests/busy s"):
            assert cells[0] == cells[1], f"{label}: recording {cells[0]} != report {cells[1]}"
    assert rows["requests/busy s"][1] == "-" and rows["requests/busy s"][0] != "-"
    # the CPU time the processes used (the reports' cpu, recorded in the capture too)
    assert all(float(c) > 0 for c in rows["requests/CPU s"]), rows["requests/CPU s"]
    # examined per pass (not per call): 2 passes of 20 fds per poll call
    assert rows["fds examined/pass (d)"] == ["20.0", "20.0", "-"]
    lines = findings.replace("\n  ", " ").splitlines()
    assert lines[0] == "findings:"
    assert "- poll examines every watched fd on each pass: 20.0 per pass, 40.0 per " \
           "ready fd returned" in lines
    assert "- epoll (epoll_wait) examines no fds: of 20.0 watched per wait the kernel " \
           "returns the 1.00 ready" in lines
    copies = [l for l in lines if " copies " in l]
    assert len(copies) == 1 and copies[0].startswith("- poll copies "), copies
    epoll_in = float(rows["bytes in/request (d)"][2]) + float(rows["bytes out/request (d)"][2])
    poll_in = float(rows["bytes in/request (d)"][0]) + float(rows["bytes out/request (d)"][0])
    assert f"{poll_in / epoll_in:.1f}x epoll's" in copies[0], copies[0]
    # internals scan registers its 20 sockets once (epoll_ctl ADD) and never MODs
    assert "- epoll registers its fds and leaves them: 20 ADD in all, 0.000 MOD and DEL " \
           "per request" in lines, lines


def test_busy_rate_is_the_servers_not_the_traces():
    """A server traced 1.5 s before its 20 requests (30 ms apart) came:
    requests per traced second would be ~9; per busy second it is ~33."""
    target = subprocess.Popen([prog("internals"), "--wait", "scan", "poll", "20", "4"],
                              stdout=subprocess.PIPE, text=True)
    d = tempfile.mkdtemp(prefix="iotrace-busy-")
    cap = os.path.join(d, "srv.gz")
    tracer = None
    try:
        pid = int(wait_for_line(target.stdout, "ready").split()[1])
        tracer = subprocess.Popen([IOTRACE, "-p", str(pid), "-w", cap],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for_line(tracer.stderr, "Tracing PID")
        time.sleep(1.5)
        target.send_signal(signal.SIGUSR1)
        target.wait(timeout=20)
        tracer.wait(timeout=20)
        assert tracer.returncode == 0
    finally:
        stop_all((target, tracer), signal.SIGKILL)
    assert_detached(pid)
    rows, _ = compare(cap)
    reqs, dur = int(rows["requests"][0]), float(rows["duration (s)"][0])
    busy = float(rows["requests/busy s"][0])
    assert dur > 1.5 and reqs >= 20
    # 20 wakeups 30 ms apart (sleeps only lengthen): at most 1/0.030 per second
    assert 20 <= busy <= 36, busy
    assert busy > 2 * reqs / dur, (busy, reqs / dur)


def record_server(argv, cap, conns=4, reqs=400):
    """Record a server under loadgen (conns connections, reqs 64-byte echoes)."""
    server, port = start_server(argv)
    tracer = None
    try:
        tracer = subprocess.Popen([IOTRACE, "-p", str(server.pid), "-w", cap],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for_line(tracer.stderr, "Tracing PID")
        subprocess.run([LOADGEN, "-p", port, "-c", str(conns), "-n", str(reqs), "-s", "64"],
                       check=True, capture_output=True, timeout=60)
        tracer.send_signal(signal.SIGINT)
        assert tracer.wait(timeout=20) == 0, tracer.stderr.read()
    finally:
        stop_all((server, tracer))
    assert_detached(server.pid)


def test_finding_names_the_server_that_pays_epoll_ctl_per_request():
    # epoll --mod-per-request: EPOLLOUT on and off per request, 2 MODs each;
    # epoll: 4 ADDs (one per connection) and no MOD with 64-byte replies
    d = tempfile.mkdtemp(prefix="iotrace-ctl-")
    srv = os.path.join(os.path.dirname(IOTRACE), "servers", "bin", "epoll")
    record_server([srv, "--mod-per-request"], os.path.join(d, "modding.gz"))
    record_server([srv], os.path.join(d, "keeping.gz"))
    rows, findings = compare(os.path.join(d, "modding.gz"), os.path.join(d, "keeping.gz"))
    lines = findings.replace("\n  ", " ").splitlines()
    assert rows["requests"] == ["400", "400"], rows["requests"]
    assert "- modding pays 2.01 epoll_ctl per request (2.00 MOD, 0.01 ADD, 0.00 DEL)" \
        in lines, lines
    assert "- keeping registers its fds and leaves them: 4 ADD in all, 0.000 MOD and DEL " \
           "per request" in lines, lines


def test_html_pages_of_live_replay_and_compare_render_in_chromium():
    import chromium
    if not chromium.binary():
        raise AssertionError("no chromium: scripts/install-deps installs it")
    d = tempfile.mkdtemp(prefix="iotrace-html-")
    live, again, cmp = (os.path.join(d, n) for n in ("live.html", "replay.html", "cmp.html"))
    # procs 2 300 (tests/progs/procs.c): a parent and 2 children, polls and epoll_waits
    report, _, cap, _, _ = record([prog("procs"), "2", "300"], ["-f", "--html", live])
    assert replay(cap, "--html", again).returncode == 0
    r = subprocess.run([IOTRACE, "--compare", "--html", cmp, cap, cap], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    calls = {k: v["calls"] for k, v in report["syscalls"].items()}
    for page, timeline in ((live, False), (again, True)):
        html = open(page).read()
        for needle in ("<script", "http:", "https:", "src=", "url(", "<link", "href"):
            assert needle not in html.lower(), (page, needle)
        svgs = re.findall(r"<svg.*?</svg>", chromium.dump_dom(page, offline=True), re.S)
        assert len(svgs) == len(calls) + (3 if timeline else 0), (page, len(svgs))
        # each latency histogram's bars add up to the syscall's calls
        for svg in svgs[:len(calls)]:
            name = re.search(r'aria-label="(.*?) latency"', svg).group(1)
            bars = re.findall(r"<title>calls, [^:]*: (\d+)</title>", svg)
            assert sum(map(int, bars)) == calls[name], (name, bars)
        if timeline:
            # calls/s per bin x the bin width, over every process: every call
            pts = re.findall(r"<title>(\d+) [^:]*: ([\d.e+-]+), ([\d.e+-]+)</title>", svgs[-3])
            xs = sorted({float(x) for _, x, _ in pts})
            width = xs[1] - xs[0]
            assert len({p for p, _, _ in pts}) == 3, "one series per process"
            total = sum(float(y) for _, _, y in pts) * width
            assert abs(total - sum(calls.values())) <= 0.005 * sum(calls.values()), total
    svgs = re.findall(r"<svg.*?</svg>", chromium.dump_dom(cmp, offline=True), re.S)
    assert len(svgs) == 3 and len(re.findall(r'class="bar"', svgs[0])) == 2 * 4
    assert "<p>- " in open(cmp).read(), "the findings are on the page"
    png = os.path.join(d, "cmp.png")
    chromium.screenshot(cmp, png, 1000, 2400, offline=True)
    width, height, px = chromium.read_png(png)
    assert len({p for row in px for p in row}) > 50, "the page is nearly one colour"
