# SPDX-License-Identifier: GPL-2.0
"""Where iotrace writes and what it reads, as the user named them: a device
or a FIFO given as an output is written in place and never removed; a
regular file is replaced whole or not at all; an input is opened once and
read once, so stdin, a pipe, a FIFO and a process substitution work as a
file does; the report reader refuses what is not a report at the first bad
byte, with its offset, before reading more."""
import gzip
import json
import os
import resource
import shutil
import stat
import subprocess
import tempfile
import threading

from helpers import IOTRACE, ROOT, assert_detached, run_iotrace

REAL = os.path.join(ROOT, "tests", "fuzz", "corpus", "report", "real_scan_poll.json")
SPEC = {"title": "t", "charts": [{"kind": "line", "title": "c", "x_label": "x", "y_label": "y",
                                  "series": [{"name": "s", "x": [1, 2], "y": [1, 2]}]}]}
ENOSPC = "No space left on device"


def full_device(d, name="full"):
    """A node like /dev/full (char 1 7): every write fails with ENOSPC."""
    path = os.path.join(d, name)
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    return path


def assert_still_the_device(path):
    st = os.stat(path)
    assert stat.S_ISCHR(st.st_mode) and os.major(st.st_rdev) == 1 and \
        os.minor(st.st_rdev) == 7, f"{path} is no longer the device node"


def recording(d):
    """A small recording (-w) of `true`, and the JSON report of the same run."""
    cap, rep = os.path.join(d, "cap.gz"), os.path.join(d, "rep.json")
    r = run_iotrace(["-w", cap, "-j", rep, "--", "true"])
    assert r.returncode == 0, r.stderr
    return cap, rep


def test_html_to_a_device_is_written_in_place_and_never_removed():
    """--html FILE unlinked FILE when the write failed, even a device node
    (`iotrace -r cap.gz --html f` on a /dev/full-like node: "No space left
    on device", and f was gone). Live runs, -r, --compare and --plot now
    report the error and leave the node as it was."""
    with tempfile.TemporaryDirectory() as d:
        cap, _ = recording(d)
        spec = os.path.join(d, "spec.json")
        with open(spec, "w") as f:
            json.dump(SPEC, f)
        node = full_device(d)
        for args in (["--html", node, "--", "true"], ["-r", cap, "--html", node],
                     ["--compare", "--html", node, REAL], ["--plot", spec, "--html", node]):
            r = run_iotrace(args)
            assert r.returncode == 1, (args, r.returncode, r.stderr)
            assert f"iotrace: failed to write {node}: {ENOSPC}" in r.stderr.splitlines(), \
                (args, r.stderr)
            assert_still_the_device(node)
        assert sorted(os.listdir(d)) == ["cap.gz", "full", "rep.json", "spec.json"]


def test_every_output_leaves_a_device_node_alone():
    """-j, --interval-json and -w to the same node: an error, the node kept."""
    with tempfile.TemporaryDirectory() as d:
        node = full_device(d)
        for args in (["-j", node], ["-i", "0.1", "--interval-json", node], ["-w", node]):
            r = run_iotrace(args + ["--", "true"])
            assert r.returncode == 1, (args, r.stderr)
            assert_still_the_device(node)
        assert os.listdir(d) == ["full"]


def test_html_to_a_fifo_is_written_in_place():
    with tempfile.TemporaryDirectory() as d:
        fifo = os.path.join(d, "page")
        os.mkfifo(fifo)
        got = []
        reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
        reader.start()
        try:
            r = run_iotrace(["--compare", "--html", fifo, REAL])
        finally:
            if reader.is_alive():       # never opened: let the reader go
                open(fifo, "wb").close()
            reader.join()
        assert r.returncode == 0, r.stderr
        assert got[0].startswith(b"<!DOCTYPE html>") and got[0].rstrip().endswith(b"</html>")
        assert stat.S_ISFIFO(os.stat(fifo).st_mode) and os.listdir(d) == ["page"]


def test_interval_json_replaces_an_earlier_file_only_when_complete():
    """--interval-json truncated FILE at start: a run that then failed left
    it empty. It is now written beside FILE and renamed at the end, as -j."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "iv.jsonl")
        with open(out, "w") as f:
            f.write("earlier\n")
        r = run_iotrace(["-i", "0.1", "--interval-json", out, "-p", "4194303"])
        assert r.returncode == 1 and "no such process" in r.stderr, r.stderr
        assert open(out).read() == "earlier\n" and os.listdir(d) == ["iv.jsonl"]
        r = run_iotrace(["-i", "0.1", "--interval-json", out + ".gz", "--", "true"])
        assert r.returncode == 0, r.stderr
        lines = gzip.open(out + ".gz", "rt").read().splitlines()
        assert json.loads(lines[-1])["whole_trace"], lines[-1]
        assert sorted(os.listdir(d)) == ["iv.jsonl", "iv.jsonl.gz"]


def bash(script, timeout=30, **kw):
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                          timeout=timeout, **kw)


def compare_files(r):
    """The "file" row of a --compare table."""
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()[0].split()[1:]


def test_compare_reads_each_operand_once_from_the_stream():
    """--compare opened each operand twice (8 bytes to tell a recording from
    a report, then again): <(cat a.json) and a pipe on /dev/stdin said "not
    JSON", a FIFO hung. Reports, gzip reports and recordings now read from
    stdin, pipes and process substitution as from files."""
    with tempfile.TemporaryDirectory() as d:
        cap, rep = recording(d)
        shutil.copy(REAL, os.path.join(d, "a.json"))
        with open(REAL, "rb") as f, gzip.open(os.path.join(d, "a.json.gz"), "wb") as g:
            g.write(f.read())
        env = dict(os.environ, I=IOTRACE)
        run = lambda script: compare_files(bash(script, cwd=d, env=env))
        assert run('"$I" --compare <(cat a.json) a.json') == ["63", "a"]
        assert run('cat a.json | "$I" --compare /dev/stdin a.json') == ["stdin", "a"]
        assert run('"$I" --compare - a.json < a.json.gz') == ["-", "a"]
        assert run('cat cap.gz | "$I" --compare - rep.json') == ["-", "rep"]
        assert run('"$I" --compare <(cat cap.gz) <(cat a.json.gz)') == ["63", "62"]
        # the same figures whichever way they came
        direct = bash(f'"$I" --compare cap.gz rep.json', cwd=d, env=env).stdout
        piped = bash(f'"$I" --compare <(cat cap.gz) <(cat rep.json)', cwd=d, env=env).stdout
        assert direct.splitlines()[1:] == piped.splitlines()[1:]


def fifo_writer(path, data, piece=1000):
    """Write data into a FIFO in small pieces (a slow producer), in a thread."""
    def write():
        with open(path, "wb") as f:
            for i in range(0, len(data), piece):
                f.write(data[i:i + piece])
                f.flush()
    t = threading.Thread(target=write, daemon=True)
    t.start()
    return t


def test_compare_and_replay_read_a_fifo():
    with tempfile.TemporaryDirectory() as d:
        cap, rep = recording(d)
        for name, path in (("report", rep), ("recording", cap)):
            fifo = os.path.join(d, name + ".fifo")
            os.mkfifo(fifo)
            writer = fifo_writer(fifo, open(path, "rb").read())
            r = run_iotrace(["--compare", fifo, rep], timeout=20)
            writer.join(timeout=5)
            assert compare_files(r) == [name, "rep"], (name, r.stderr)
        fifo = os.path.join(d, "replay.fifo")
        os.mkfifo(fifo)
        writer = fifo_writer(fifo, open(cap, "rb").read())
        r = run_iotrace(["-r", fifo, "-j", os.path.join(d, "replayed.json")], timeout=20)
        writer.join(timeout=5)
        assert r.returncode == 0, r.stderr
        assert json.load(open(os.path.join(d, "replayed.json")))["syscalls"] == \
            json.load(open(rep))["syscalls"]
        # "-r -": the recording on stdin, read once as it comes
        with open(cap, "rb") as f:
            r = subprocess.run([IOTRACE, "-r", "-", "-j", os.path.join(d, "stdin.json")],
                               stdin=f, capture_output=True, text=True, timeout=20)
        assert r.returncode == 0, r.stderr
        assert json.load(open(os.path.join(d, "stdin.json")))["syscalls"] == \
            json.load(open(rep))["syscalls"]


AS_LIMIT = 64 << 20   # iotrace --compare maps ~13 MiB; holding 256 MiB would need far more


def run_limited(args, stdin=None, timeout=30):
    """Run iotrace under a 64 MiB address-space limit: (exit status, stderr).
    A limit, not the child's peak RSS: that counts the forking test runner's
    pages too (the kernel keeps the maximum across exec)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))

    p = subprocess.Popen([IOTRACE] + args, stdin=stdin, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, preexec_fn=limit)
    timer = threading.Timer(timeout, p.kill)
    timer.start()
    try:
        err = p.stderr.read().decode()
        p.wait()
    finally:
        timer.cancel()
    return p.returncode, err


def test_report_limit_refuses_before_reading_more():
    """The 256 MiB limit never triggered: /dev/zero was read into 256 MiB
    of memory, then "unexpected end of data". Now the first byte that is not
    JSON is refused with its offset, and past 256 MiB the file is refused at
    that byte, the text never held whole: both under a 64 MiB address-space
    limit, which holding the text would break."""
    code, err = run_limited(["--compare", "/dev/zero"], timeout=10)
    assert code == 1 and err == \
        "iotrace: bad report /dev/zero: not JSON (a NUL byte at byte 0)\n", err
    # JSON so far for ever: "{" and blanks, through a pipe
    blanks = subprocess.Popen(["bash", "-c", "printf '{'; exec tr '\\0' ' ' < /dev/zero"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        code, err = run_limited(["--compare", "-"], stdin=blanks.stdout, timeout=30)
    finally:
        blanks.stdout.close()
        blanks.kill()
        blanks.wait()
    assert code == 1 and err == \
        "iotrace: bad report -: larger than 256 MiB (refused at byte 268435456)\n", err


def test_report_errors_name_the_byte():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "r.json")
        for data, why in ((b'{"a": 1} x', "data after the end, at byte 9"),
                          (b'{"a": 1}\0', "data after the end, at byte 8"),
                          (b'{"a": \0', "a NUL byte at byte 6"),
                          (b'{"a": ', "cut short at byte 6"),
                          (b'{"a": ]', "unexpected character at byte 6"),
                          (b'{"a": /* c */ 1}', "a '/' at byte 6"),
                          (b'{"a": 1} // c', "data after the end, at byte 9"),
                          (b"", "cut short at byte 0")):
            with open(path, "wb") as f:
                f.write(data)
            r = run_iotrace(["--compare", path])
            assert r.returncode == 1 and r.stderr == \
                f"iotrace: bad report {path}: not JSON ({why})\n", (data, r.stderr)
        r = run_iotrace(["--compare", d])
        assert r.returncode == 1 and r.stderr == f"iotrace: cannot read {d}: Is a directory\n", \
            r.stderr
        with open(REAL, "rb") as f:
            whole = gzip.compress(f.read())
        with open(path, "wb") as f:
            f.write(whole[:len(whole) // 2])
        r = run_iotrace(["--compare", path])
        assert r.returncode == 1 and r.stderr.startswith(
            f"iotrace: cannot read {path}: gzip data cut short (at byte "), r.stderr


def test_launched_command_is_traced_from_its_one_exec():
    """`-- true` counted the launcher's PATH search (execve 10, 9 failed) and
    said "cpu 147%": the CPU time since fork against the time since exec.
    The path is now found before the held exec, which runs once, and the CPU
    time is that of the traced time."""
    path = ":".join(f"/nonexistent/{i}" for i in range(8)) + ":" + os.environ["PATH"]
    for _ in range(5):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.json")
            r = run_iotrace(["-j", out, "--", "true"], env=dict(os.environ, PATH=path))
            assert r.returncode == 0, r.stderr
            report = json.load(open(out))
        execve = report["all_syscalls"]["execve"]
        assert (execve["calls"], execve["failed"]) == (1, 0), execve
        cpu = report["cpu"]
        assert cpu["source"] == "rusage" and 0 < cpu["total_s"] <= report["duration_s"], \
            (cpu, report["duration_s"])
    assert_detached(report["target"]["pid"])


def test_script_without_shebang_still_runs_as_execvp_runs_it():
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, "plain")
        with open(script, "w") as f:
            f.write("echo from-sh\n")
        os.chmod(script, 0o755)
        r = run_iotrace(["--", "plain"], env=dict(os.environ, PATH=d + ":/usr/bin:/bin"))
        assert r.returncode == 0 and "from-sh" in r.stdout, r.stderr
