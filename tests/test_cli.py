# SPDX-License-Identifier: GPL-2.0
"""iotrace's command line: errors, endings, output forms, and Python's select."""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from helpers import IOTRACE, assert_detached, attach, launch, prog, run_iotrace, wait_for_line


def traced_pid(stderr):
    """The pid from iotrace's "Tracing PID N (comm)..." line."""
    return int(re.search(r"^Tracing PID (\d+)", stderr, re.M).group(1))


def one_line_error(r, *needles, code=None):
    assert r.returncode != 0, f"exit status 0 for an error: {r.stderr}"
    if code is not None:
        assert r.returncode == code, (r.returncode, r.stderr)
    first = r.stderr.splitlines()[0] if r.stderr else ""
    assert first.startswith("iotrace: "), r.stderr
    for n in needles:
        assert n in first, f"{n!r} not in {first!r}"
    assert r.stdout == "", r.stdout


def test_help_has_usage_and_examples():
    r = run_iotrace(["--help"])
    assert r.returncode == 0
    for part in ("USAGE:", "EXAMPLES:", "-p, --pid=PID", "--duration", "--json"):
        assert part in r.stdout, part


def test_error_not_root_names_capabilities():
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        IOTRACE, "-p", "1"], capture_output=True, text=True, timeout=10)
    one_line_error(r, "CAP_BPF", "CAP_PERFMON")


def test_error_no_such_pid():
    pid = 4194303          # pid_max: never a live process here
    r = run_iotrace(["-p", str(pid)])
    one_line_error(r, "no such process", str(pid))
    assert_detached(pid)


def test_error_kernel_thread():
    r = run_iotrace(["-p", "2"])           # kthreadd
    one_line_error(r, "kernel thread")
    assert_detached(2)


def test_error_no_btf():
    r = run_iotrace(["--btf", "/nonexistent/vmlinux", "-p", "1"])
    one_line_error(r, "no BTF", "/nonexistent/vmlinux")


def test_error_unknown_option():
    r = run_iotrace(["--bogus", "-p", "1"])
    assert r.returncode == 2 and "--bogus" in r.stderr.splitlines()[0], r.stderr


def test_error_bad_numbers():
    for args, what in ((["-p", "abc"], "PID"), (["-p", "0"], "PID"),
                       (["-p", "1", "-d", "-1"], "duration"),
                       (["-p", "1", "-i", "0"], "interval"),
                       (["-p", "1", "-d", "1x"], "duration")):
        one_line_error(run_iotrace(args), "invalid", what, code=2)


def test_error_neither_or_both_targets():
    r = run_iotrace([])
    assert r.returncode == 2 and "-p PID or -- CMD" in r.stderr.splitlines()[0]
    r = run_iotrace(["-p", "1", "--", "true"])
    assert r.returncode == 2 and "not both" in r.stderr.splitlines()[0]


def test_error_command_cannot_execute():
    r = run_iotrace(["--", "/nonexistent/cmd"])
    assert r.returncode != 0
    assert "iotrace: cannot execute '/nonexistent/cmd': No such file or directory" \
        in r.stderr.splitlines(), r.stderr
    assert "Tracing" not in r.stderr     # checked before anything is loaded


def test_error_json_path_unwritable():
    r = run_iotrace(["-j", "/nonexistent/dir/out.json", "-p", "1"])
    one_line_error(r, "failed to open", "/nonexistent/dir/out.json")


def trace_sleeper(extra, sig=None, wait_s=0.3):
    """Trace a sleeping process; end by signal (or by -d in extra)."""
    target = subprocess.Popen(["sleep", "30"])
    try:
        tracer = subprocess.Popen([IOTRACE, "-p", str(target.pid), "-j", "-"] + extra,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_line(tracer.stderr, "Tracing PID")
        if sig:
            time.sleep(wait_s)
            tracer.send_signal(sig)
        out, err = tracer.communicate(timeout=20)
    finally:
        target.kill()
        target.wait()
    assert tracer.returncode == 0, err
    assert_detached(target.pid)
    return json.loads(out), err


def test_ctrl_c_prints_report_and_detaches():
    report, err = trace_sleeper([], signal.SIGINT)
    assert report["ended_by"] == "Ctrl-C"
    assert "no multiplexing syscalls completed" in err


def test_sigterm_prints_report_and_detaches():
    report, _ = trace_sleeper([], signal.SIGTERM)
    assert report["ended_by"] == "SIGTERM"


def test_duration_ends_tracing():
    t0 = time.monotonic()
    report, _ = trace_sleeper(["-d", "0.5"])
    assert report["ended_by"] == "duration"
    assert 0.5 <= report["duration_s"] < 2.0 and time.monotonic() - t0 < 5


def test_interval_summaries():
    """A poll loop of 200 x 5 ms: -i 0.25 prints summaries while it runs."""
    code = "import select,time\nfor _ in range(200): select.poll().poll(5)\n"
    r = run_iotrace(["-i", "0.25", "-T", "--", sys.executable, "-c", code])
    assert r.returncode == 0, r.stderr
    ticks = re.findall(r"^\d\d:\d\d:\d\d SYSCALL .*\(last 0.25 s\)$", r.stdout, re.M)
    rows = re.findall(r"^\d\d:\d\d:\d\d poll +(\d+) ", r.stdout, re.M)
    assert len(ticks) >= 2 and len(rows) >= 2, r.stdout
    assert_detached(traced_pid(r.stderr))


def test_json_on_stdout_is_pure():
    _, out, r = launch([prog("threads")])
    r = run_iotrace(["-j", "-", "--", prog("threads")])
    # the program's own output shares stdout; the report is the last JSON document
    doc = r.stdout[r.stdout.index("{\n"):]
    report = json.loads(doc)
    assert report["schema_version"] == 2 and report["syscalls"]["poll"]["calls"] == 60
    assert "SYSCALL" in r.stderr          # the text report moved to stderr


def test_python_select_loop_shows_pselect6():
    """Claim Y1: CPython's select.select() runs the pselect6 syscall."""
    n = 50
    report, out = attach([sys.executable, os.path.join(os.path.dirname(__file__),
                                                        "progs", "py_select_loop.py"), str(n)])
    s = report["syscalls"]
    assert "select" not in s, "select.select ran the select syscall"
    p = s["pselect6"]
    assert p["calls"] == n and p["timeouts"] == n and p["failed"] == 0
    assert p["fds_watched"]["total"] == n and p["fds_watched"]["max"] == 1


def test_make_install_puts_binary_and_man_page():
    import tempfile
    from helpers import ROOT
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run(["make", "-s", "-C", ROOT, "install", f"PREFIX={d}"],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        binary = os.path.join(d, "sbin", "iotrace")
        assert os.access(binary, os.X_OK)
        assert subprocess.run([binary, "--version"], capture_output=True,
                              text=True).stdout.startswith("iotrace ")
        man = os.path.join(d, "share", "man", "man8", "iotrace.8")
        assert open(man).read().startswith(".\\\" SPDX")


def test_error_pid_exited_before_tracing_started():
    """A zombie: its pid still exists, but the process has already exited."""
    child = subprocess.Popen(["true"])
    try:
        for _ in range(200):
            with open(f"/proc/{child.pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
            time.sleep(0.01)
        r = run_iotrace(["-p", str(child.pid)])
        one_line_error(r, "exited before tracing started", str(child.pid))
        assert_detached(child.pid)
    finally:
        child.wait()


def interval_lines(path):
    with open(path) as f:
        lines = [json.loads(l) for l in f]
    assert lines and lines[-1]["whole_trace"] and not any(l["whole_trace"] for l in lines[:-1])
    return lines[:-1], lines[-1]


def test_interval_counters_add_up_to_the_whole_trace():
    """K = 20 blocking polls on M = 8 sockets, ~30 ms each, cut in 0.1 s
    intervals: every counter of every interval (--interval-json), summed,
    is the whole trace's, and the whole is the workload's known figures.
    An interval figure that were cumulative (a field the snapshot
    subtraction left out) would count the early calls several times."""
    k, m = 20, 8
    with tempfile.NamedTemporaryFile(suffix=".jsonl") as iv, \
            tempfile.NamedTemporaryFile(suffix=".json") as out:
        r = run_iotrace(["-i", "0.1", "--interval-json", iv.name, "-j", out.name, "--",
                         prog("internals"), "scan", "poll", str(k), str(m)])
        assert r.returncode == 0, r.stderr
        intervals, whole = interval_lines(iv.name)
        report = json.load(open(out.name))
    assert_detached(report["target"]["pid"])
    assert len(intervals) >= 4, len(intervals)
    for name, total in whole["syscalls"].items():
        for field, value in total.items():
            parts = [l["syscalls"].get(name, {}).get(field, 0 if isinstance(value, int) else {})
                     for l in intervals]
            if isinstance(value, int):
                assert sum(parts) == value, (name, field, parts, value)
            else:       # histogram slots: {"slot": count}
                summed = {}
                for p in parts:
                    for slot, n in p.items():
                        summed[slot] = summed.get(slot, 0) + n
                assert summed == value, (name, field, summed, value)
    poll = whole["syscalls"]["poll"]
    assert (poll["calls"], poll["slept_calls"], poll["reports"]) == (k, k, k), poll
    assert (poll["watched_total"], poll["examined"]) == (k * m, 2 * k * m), poll
    assert sum(poll["hist_examined"].values()) == sum(poll["hist_oncpu"].values()) == k
    assert whole["syscalls"]["read"]["data_calls"] == report["syscalls"]["read"]["data_calls"]
    assert poll["sleep_ns"] == report["syscalls"]["poll"]["time"]["asleep_ns"]
    # the calls spread over several intervals, so a cumulative field would show
    for field in ("calls", "slept_calls", "reports"):
        busy = [l for l in intervals if l["syscalls"].get("poll", {}).get(field)]
        assert len(busy) >= 3, (field, [l["syscalls"].get("poll") for l in intervals])


def test_interval_json_needs_an_interval():
    r = run_iotrace(["--interval-json", "/tmp/x.jsonl", "-p", "1"])
    assert r.returncode == 2 and "--interval-json needs -i" in r.stderr.splitlines()[0], r.stderr


# Which modes each option applies to (doc/iotrace.8): given in any other, it
# is refused with the reason and exit 2, never ignored.
OPTION_MODES = {
    ("-p", "1"): "live", ("-f",): "live", ("-d", "1"): "live", ("-i", "1"): "live",
    ("-T",): "live", ("--interval-json", "x.jsonl"): "live", ("--stats-entries", "100"): "live",
    ("--light",): "live", ("--raw-tp",): "live", ("--metrics", "9464"): "live",
    ("-w", "x.gz"): "live", ("--record-buffer", "64"): "live", ("--keep-running",): "live",
    ("-j", "x.json"): "live replay check", ("--html", "x.html"): "live replay compare plot",
    ("--threads",): "live replay", ("--stacks",): "live replay", ("--btf", "x"): "live check",
    ("-v",): "live check", ("--from", "1"): "replay", ("--to", "2"): "replay",
}
MODES = {   # how to ask for each mode around an option, and how it says no
    "replay": (["-r", "c.gz"], [], "-r reads a recording and traces nothing: {} does not apply"),
    "compare": (["--compare"], ["a.json"],
                "--compare reads reports and traces nothing: {} does not apply"),
    "plot": (["--plot", "s.json", "--html", "o.html"], [],
             "--plot SPEC and --html FILE go together, alone: {} does not apply"),
    "check": (["--check"], [], "--check traces nothing: it takes only -j FILE, -v and --btf, "
              "not {}"),
    "live": (["-p", "1"], [], "{} needs -r FILE: it picks the events of a recording"),
}


def test_every_option_outside_its_modes_is_refused():
    """`--plot S --html H` took -j, -w, -d and --light without a word, as
    --compare took --from and -r took -d and --light: options that do not
    apply to a mode were ignored. Every option in every mode it does not
    apply to is now refused, on one line that says why."""
    refused = 0
    for opt, modes in OPTION_MODES.items():
        for mode, (before, after, why) in MODES.items():
            if mode in modes.split() or (mode == "plot" and opt[0] == "--html"):
                continue
            r = run_iotrace(before + list(opt) + after)
            first = r.stderr.splitlines()[0] if r.stderr else ""
            assert r.returncode == 2 and first == "iotrace: " + why.format(opt[0]), \
                (mode, opt, r.returncode, r.stderr)
            refused += 1
    assert refused == 75, refused


def test_options_that_need_another_are_refused_without_it():
    for args, why in ((["-p", "1", "-T"], "-T stamps the interval summaries: it needs -i SECS"),
                      (["-p", "1", "--stacks", "--light"],
                       "--stacks prints the waker stacks, which --light does not record"),
                      (["-p", "1", "--record-buffer", "64"], "--record-buffer needs -w FILE"),
                      (["-p", "1", "--keep-running"], "--keep-running applies to -- CMD"),
                      (["-p", "1", "-j", "a.json", "-j", "b.json"], "-j given twice: give it once"),
                      (["-r", "a.gz", "-r", "b.gz"], "-r given twice: give it once"),
                      (["--compare", "a.json", "--html", "x.html"],
                       "--compare: options go before the reports, not --html"),
                      (["-r", "c.gz", "extra"],
                       "-r reads a recording and traces nothing: 'extra' does not apply"),
                      (["--check", "-r", "c.gz"],
                       "--check traces nothing: it takes only -j FILE, -v and --btf, not -r")):
        r = run_iotrace(args)
        assert r.returncode == 2 and r.stderr.splitlines()[0] == "iotrace: " + why, \
            (args, r.stderr)
