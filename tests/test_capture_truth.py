# SPDX-License-Identifier: GPL-2.0
"""A capture says what the run was and holds nothing else: a --light run
replays as --light, byte for byte; a window outside the recording is
refused; a file edited by hand (a record repeated, removed or moved, a
thread twice, a row twice) is refused at the byte where it stops adding
up; a full disk and a directory are named as such. Format and rules:
doc/capture-format.md."""
import gzip
import json
import os
import re
import resource
import struct
import subprocess
import tempfile

from helpers import IOTRACE, prog, run_iotrace

HDR_LIGHT, HDR_TIME_EVERY, HDR_WHY_LIGHT = 13, 14, 15
CAP_HEADER, CAP_EVENTS, CAP_RUN, CAP_THREADS, CAP_ERRS, CAP_DROPS, CAP_END = 1, 2, 10, 11, 12, \
    13, 99
BROKEN = re.compile(r"^iotrace: \S+: (truncated|corrupt)[^:]* at byte (\d+) \((in|after) event "
                    r"\d+\)(: [^:]+)?: the report below is partial$")


def record(argv, opts=()):
    """argv under -w and -j: (capture, live JSON path, live text, tmpdir)."""
    d = tempfile.mkdtemp(prefix="iotrace-truth-")
    cap, live = os.path.join(d, "cap.gz"), os.path.join(d, "live.json")
    r = run_iotrace(list(opts) + ["-w", cap, "-j", live, "--"] + argv, timeout=60)
    assert r.returncode == 0, r.stderr
    # the program's own output (its JSON tally) shares stdout with the report
    text = "\n".join(l for l in r.stdout.splitlines() if not l.startswith(("{", "done")))
    return cap, live, text, d


def replay(cap, *args):
    return subprocess.run([IOTRACE, "-r", cap] + list(args), capture_output=True, text=True,
                          timeout=60)


def split(cap):
    """(magic and version, [[type, payload]...]) of a capture's stream."""
    raw = gzip.open(cap).read()
    off, recs = 16, []
    while off < len(raw):
        typ, n = struct.unpack_from("<II", raw, off)
        recs.append([typ, raw[off + 8:off + 8 + n]])
        off += 8 + n
    return raw[:16], recs


def join(head, recs):
    return head + b"".join(struct.pack("<II", t, len(p)) + p for t, p in recs)


def payload_at(head, recs, i):
    """The byte (of the uncompressed stream) where record i's payload starts."""
    return len(head) + sum(8 + len(p) for _, p in recs[:i]) + 8


def tags(payload):
    out, k = [], 0
    while k < len(payload):
        tag, n = struct.unpack_from("<HI", payload, k)
        out.append((tag, payload[k + 6:k + 6 + n]))
        k += 6 + n
    return out


def untag(pairs):
    return b"".join(struct.pack("<HI", t, len(v)) + v for t, v in pairs)


def write(d, name, data):
    path = os.path.join(d, name)
    with gzip.open(path, "wb") as f:
        f.write(data)
    return path


def index(recs, typ, nth=0):
    return [i for i, (t, _) in enumerate(recs) if t == typ][nth]


def test_light_run_replays_as_light_byte_for_byte():
    runs = [([prog("mux_calls"), n], o) for n, o in (("poll", []), ("epoll_wait", []),
                                                     ("select", ["--threads"]))]
    runs.append(([prog("procs"), "2", "50"], ["-f"]))
    for argv, opts in runs:
        cap, live, text, d = record(argv, ["--light"] + opts)
        head, recs = split(cap)
        hdr = dict(tags(recs[0][1]))
        assert hdr[HDR_LIGHT] == struct.pack("<Q", 1), "the header says --light"
        assert hdr[HDR_TIME_EVERY] == struct.pack("<Q", 1), "-w times every call"
        out = os.path.join(d, "replay.json")
        r = replay(cap, "-j", out, *[o for o in opts if o != "-f"])
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip("\n") == text.strip("\n"), \
            f"{argv} {opts}: replayed text differs:\n{r.stdout}\n---\n{text}"
        assert open(out).read() == open(live).read(), f"{argv} {opts}: replayed JSON differs"
        report = json.load(open(out))
        assert report["mode"] == "light" and report["not_measured"], report["mode"]
        assert "not measured" in r.stdout, "the text says what --light leaves out"


def test_full_modes_fallback_reason_and_older_files():
    cap, _, _, d = record([prog("mux_calls"), "poll"])
    head, recs = split(cap)
    hdr = tags(recs[0][1])
    assert dict(hdr)[HDR_LIGHT] == struct.pack("<Q", 0)
    # full mode that fell back to the light programs: the reason is the capture's
    why = b"the bpf_loop helper (Linux 5.17)"
    recs[0][1] = untag([(t, v) for t, v in hdr if t != HDR_LIGHT] +
                       [(HDR_LIGHT, struct.pack("<Q", 1)), (HDR_WHY_LIGHT, why)])
    r = replay(write(d, "fell.gz", join(head, recs)), "-j", "-")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["mode"] == "light" and report["mode_reason"] == why.decode()
    assert f"mode: light, full mode does not load on this kernel ({why.decode()})" in r.stderr
    # a file from before the mode was stored reads as full, as it did
    recs[0][1] = untag([(t, v) for t, v in hdr if t < HDR_LIGHT])
    r = replay(write(d, "old.gz", join(head, recs)), "-j", "-")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["mode"] == "full"
    # full mode with a reason to be light, or timing 1 call in 16: it does not add up
    for bad in ([(HDR_WHY_LIGHT, why)], [(HDR_TIME_EVERY, struct.pack("<Q", 16))],
                [(HDR_TIME_EVERY, struct.pack("<Q", 0))]):
        recs[0][1] = untag([(t, v) for t, v in hdr if t < HDR_LIGHT] + bad)
        r = replay(write(d, "bad.gz", join(head, recs)), "-j", os.devnull)
        assert r.returncode == 1 and "corrupt header (the mode does not add up)" in r.stderr, \
            (bad, r.stderr)


def test_window_outside_the_recording_is_refused_and_its_end_clamped():
    cap, live, _, d = record([prog("mux_calls"), "poll"])
    out = os.path.join(d, "w.json")
    r = replay(cap, "--from", "100", "-j", out)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert r.stdout == "" and not os.path.exists(out), "no report of an empty window"
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and re.fullmatch(
        r"iotrace: \S+: --from 100\.000 s is at or after the end of the recording "
        r"\(\d+\.\d{3} s\): no window there", lines[0]), r.stderr
    end = float(re.search(r"\((\d+\.\d+) s\)", lines[0]).group(1))
    assert 0 < end < 10
    # the end itself starts nothing either
    assert replay(cap, "--from", f"{end + 0.001:.3f}").returncode == 2
    r = replay(cap, "--from", "0.001", "--to", "100", "-j", out)
    assert r.returncode == 0, r.stderr
    said = [l for l in r.stderr.splitlines() if "--to" in l]
    assert said == [f"iotrace: {cap}: --to 100.000 s is after the end of the recording: "
                    f"the window ends at {end:.3f} s"], r.stderr
    assert f"window: 0.001 s to {end:.3f} s of the recording" in r.stdout
    assert abs(json.load(open(out))["duration_s"] - (end - 0.001)) < 0.002
    # --to alone on a file cut before its first event: no time to window
    head, recs = split(cap)
    r = replay(write(d, "head.gz", join(head, recs[:1])), "--to", "3")
    assert r.returncode == 2 and r.stderr.splitlines()[-1].endswith(
        "the recording holds no time (it ends at its start): no window there"), r.stderr


def refused(path, what, at=None):
    """path is refused in one line naming what and the byte; returns the replay."""
    r = replay(path, "-j", os.devnull)
    first = r.stderr.splitlines()[0] if r.stderr else ""
    m = BROKEN.match(first)
    assert r.returncode == 1 and m and what in first, f"{what}: exit {r.returncode}: {r.stderr}"
    if at is not None:
        assert int(m.group(2)) == at, f"{what}: byte {m.group(2)}, expected {at}: {first}"
    return r


def test_records_repeated_removed_or_moved_are_refused():
    cap, live, _, d = record([prog("mux_calls"), "poll"])
    head, recs = split(cap)
    ev, th, end = index(recs, CAP_EVENTS), index(recs, CAP_THREADS), index(recs, CAP_END)
    assert struct.unpack("<QQQQ", recs[end][1]) == (14, 0, 2, 0)
    # the threads record twice: every count doubled, "2 threads" of one tid
    twice = recs[:th + 1] + [recs[th]] + recs[th + 1:]
    r = refused(write(d, "threads.gz", join(head, twice)), "corrupt snapshot (a thread twice",
                payload_at(head, twice, th + 1))
    assert "2 threads" not in r.stdout
    # an events record removed, or twice: the end record counts otherwise
    gone = recs[:ev] + recs[ev + 1:]
    r = refused(write(d, "gone.gz", join(head, gone)), "corrupt end record (it counts 14 calls "
                "and 2 process events, the file holds 0 and 0)", payload_at(head, gone, end - 1))
    doubled = recs[:ev + 1] + [recs[ev]] + recs[ev + 1:]
    refused(write(d, "doubled.gz", join(head, doubled)), "the file holds 28 and 4",
            payload_at(head, doubled, end + 1))
    # events after the final snapshot: a window would count them, the snapshot does not
    moved = recs[:ev] + recs[ev + 1:end] + [recs[ev]] + recs[end:]
    refused(write(d, "moved.gz", join(head, moved)), "events after the final snapshot",
            payload_at(head, moved, end - 1))
    # the snapshot's records in another order, or one of them twice
    er = index(recs, CAP_ERRS)
    swapped = recs[:er] + [recs[er + 1], recs[er]] + recs[er + 2:]
    refused(write(d, "swapped.gz", join(head, swapped)), "out of order",
            payload_at(head, swapped, er + 1))
    run = index(recs, CAP_RUN)
    rerun = recs[:th + 1] + [recs[run]] + recs[th + 1:]
    refused(write(d, "rerun.gz", join(head, rerun)), "repeated", payload_at(head, rerun, th + 1))
    # anything after the end record
    refused(write(d, "after.gz", join(head, recs) + b"\0" * 8), "data after the end record",
            len(join(head, recs)))


def test_rows_and_tags_twice_are_refused():
    cap, _, _, d = record([prog("mux_calls"), "poll"])
    head, recs = split(cap)
    # errno rows are keyed (tid, syscall, errno) like the BPF map: poll's EINVAL twice
    er = index(recs, CAP_ERRS)
    n = struct.unpack_from("<I", recs[er][1])[0]
    assert n >= 2
    rows = recs[er][1][4:]
    bad = [list(r) for r in recs]
    bad[er][1] = struct.pack("<I", n + 1) + rows + rows[:20]
    refused(write(d, "errs.gz", join(head, bad)), "corrupt snapshot (a row twice)",
            payload_at(head, bad, er))
    # one thread's row twice inside one threads record (tids increase through them)
    th = index(recs, CAP_THREADS)
    body = recs[th][1]
    assert struct.unpack_from("<I", body)[0] == 1
    bad = [list(r) for r in recs]
    bad[th][1] = struct.pack("<I", 2) + body[4:] + body[4:]
    refused(write(d, "tid.gz", join(head, bad)), "corrupt snapshot (a thread twice",
            payload_at(head, bad, th))
    # a header tag twice (two command lines, two layouts), a run tag twice
    hdr = tags(recs[0][1])
    bad = [list(r) for r in recs]
    bad[0][1] = untag(hdr + [t for t in hdr if t[0] == 3])
    refused(write(d, "hdr.gz", join(head, bad)), "corrupt header (a tag twice)", 16 + 8)
    run = index(recs, CAP_RUN)
    bad = [list(r) for r in recs]
    bad[run][1] = untag(tags(recs[run][1]) + [tags(recs[run][1])[0]])
    refused(write(d, "run.gz", join(head, bad)), "corrupt snapshot (a tag twice)",
            payload_at(head, bad, run))


def replay_within(limit, path):
    """-r path with its address space limited to limit bytes."""
    def cap_as():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return subprocess.run([IOTRACE, "-r", path, "-j", os.devnull], capture_output=True,
                          text=True, timeout=60, preexec_fn=cap_as)


def test_a_record_longer_than_the_file_allocates_what_the_file_holds():
    # a record claiming 63 MiB in a file of a few KiB: read with 32 MiB more address
    # space than a whole replay needs, the reader must still say where the file ends
    cap, _, _, d = record([prog("mux_calls"), "poll"])
    head, recs = split(cap)
    need = next(m << 20 for m in range(16, 1024, 8) if replay_within(m << 20, cap).returncode == 0)
    data = join(head, recs[:2]) + struct.pack("<II", CAP_EVENTS, 63 << 20) + b"\1" * 100
    path = write(d, "long.gz", data)
    r = replay_within(need + (32 << 20), path)
    first = r.stderr.splitlines()[0] if r.stderr else ""
    assert r.returncode == 1 and BROKEN.match(first), (r.returncode, r.stderr)
    assert first.startswith(f"iotrace: {path}: truncated at byte {len(data)}"), first


def test_a_full_disk_and_a_directory_are_named():
    with tempfile.TemporaryDirectory() as d:
        r = run_iotrace(["-w", "/dev/full", "--", prog("mux_calls"), "poll"], timeout=60)
        assert r.returncode == 1, r.stderr
        assert "iotrace: failed to write /dev/full: No space left on device" in r.stderr, \
            r.stderr
        r = replay(d)
        assert r.returncode == 1 and r.stdout == ""
        assert r.stderr == f"iotrace: failed to read {d}: Is a directory\n", r.stderr
