# SPDX-License-Identifier: GPL-2.0
"""-w records, -r replays: the replay prints the live run's report exactly,
the events are the calls the aggregates counted, a window is rebuilt from
the events, and a damaged file is one line and a partial report, never a
crash. Format: doc/capture-format.md."""
import gzip
import json
import os
import re
import struct
import subprocess
import tempfile

from helpers import IOTRACE, assert_detached, prog, run_iotrace, wait_for_line

CALL = struct.Struct("<QHBBIQQqIIII")      # struct rec_call, 56 bytes
PROC = struct.Struct("<QHHIII16s")         # struct rec_proc, 40 bytes
MUX = ["select", "pselect6", "poll", "ppoll", "epoll_wait", "epoll_pwait", "epoll_pwait2",
       "epoll_ctl(ADD)", "epoll_ctl(MOD)", "epoll_ctl(DEL)", "epoll_ctl(BADOP)", "read",
       "write", "accept", "io_uring_enter", "outside"]
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
    for name in ("poll", "select", "epoll_wait"):
        for opts in ([], ["--threads", "--stacks"]):
            report, text, cap, _, d = record([prog("mux_calls"), name], opts)
            out = os.path.join(d, "replay.json")
            r = replay(cap, "-j", out, *opts)
            assert r.returncode == 0, r.stderr
            assert open(out).read() == open(os.path.join(d, "live.json")).read(), \
                f"{name} {opts}: replayed JSON differs"
            assert r.stdout.strip("\n") == text.strip("\n"), \
                f"{name} {opts}: replayed text differs:\n{r.stdout}\n---\n{text}"
            assert report["syscalls"][name]["calls"] == 9 if name != "select" else 10


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
    assert 99 <= len(inside) <= 101, len(inside)
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
    for k in ("calls", "timeouts", "fds_watched", "fds_ready", "latency"):
        assert a[k] == b[k], f"{k}: window {a[k]} != live {b[k]}"


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
