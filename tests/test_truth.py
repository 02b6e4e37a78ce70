# SPDX-License-Identifier: GPL-2.0
"""Truth in every mode: a figure a run did not measure (--light, a window of
a recording) is null in JSON, "-" in text, empty in HTML and not exported as
a metric, and listed in not_measured with why; every report says its mode,
its sampling and its window; --compare never makes a finding of a figure a
side lacks and marks the rows one side measured otherwise (collect/measured.h
holds the one rule)."""
import json
import os
import re
import signal
import subprocess
import tempfile
import time

from helpers import IOTRACE, assert_detached, launch, prog, run_iotrace, wait_for_line
from test_metrics import fetch, free_port, series

LIGHT = "--light"
WINDOW = "a window of a recording (--from/--to)"
SCAN = [prog("internals"), "scan", "epoll", "100", "20"]   # 100 requests, 30 ms apart
# the same with select (pselect6): --light leaves its copies out (the sigmask pack)
SCAN_SELECT = [prog("internals"), "scan", "select", "100", "20"]


def not_measured(report):
    """{figure: why} of a report's not_measured list (schema 2: a list of objects)."""
    assert isinstance(report["not_measured"], list), report["not_measured"]
    for e in report["not_measured"]:
        assert set(e) == {"figure", "keys", "why"} and e["keys"], e
    return {e["figure"]: e["why"] for e in report["not_measured"]}


# what --light leaves out: the figure names of collect/measured.h, as --check prints them
LIGHT_LEAVES_OUT = {"bytes copied by select, pselect6 and ppoll", "wait-queue registrations",
                    "ready fds by fd, level-triggered re-reports", "fds watched by select",
                    "what select and poll wrote back (S7, P1)", "waker stacks and contexts"}


def check_light_row(name, f, l):
    """A wait's row in full mode (f) and --light (l): numbers against null."""
    assert isinstance(f["kernel"]["bytes_in"], int) and f["kernel"]["bytes_out"] > 0, f["kernel"]
    if name == "select":        # its sigmask pack and timeout are read from user memory
        assert l["kernel"]["bytes_in"] is None and l["kernel"]["bytes_out"] is None, l["kernel"]
    else:                       # derived from the arguments alone: as full mode derives them
        assert (l["kernel"]["bytes_in"], l["kernel"]["bytes_out"]) == \
            (f["kernel"]["bytes_in"], f["kernel"]["bytes_out"]), (l["kernel"], f["kernel"])
    assert isinstance(f["readiness"]["reports"], int) and l["readiness"] is None, l
    if name != "epoll_wait":    # select and poll register on wait queues
        assert isinstance(f["kernel"]["registrations"], int), f["kernel"]
        assert l["kernel"]["registrations"] is None, l["kernel"]
        assert l["kernel"]["registrations_approximated_calls"] is None, l["kernel"]
        assert l["time"]["oncpu_histogram"] is None, l["time"]
    if name == "select":        # its sets are not read: no fds watched, none examined
        assert f["fds_watched"]["total"] > 0 and l["fds_watched"] is None, l
        assert f["kernel"]["fds_examined"] > 0 and l["kernel"]["fds_examined"] is None
    elif name == "poll":        # its entries counted without reading them, unreadable ones not
        assert l["fds_watched"]["total"] > 0 and l["fds_watched"]["unreadable"] is None, l
    else:                       # the interest sets: as in full mode, and no array to read
        assert l["fds_watched"] == f["fds_watched"], (l["fds_watched"], f["fds_watched"])
    # what light measures stays a number: every call counted
    assert (l["calls"], l["timeouts"], l["fds_ready"]) == \
        (f["calls"], f["timeouts"], f["fds_ready"]), (l, f)


def test_light_json_has_null_for_what_it_did_not_measure():
    """mux_calls' select, poll and epoll_wait in full mode and --light: light
    writes null (not 0) for select's bytes copied, readiness, registrations, select's
    fds watched, fds and fds_closed, and lists each in not_measured with
    why; both say their mode, sampling and window."""
    for name in ("select", "poll", "epoll_wait"):
        full, _, _ = launch([prog("mux_calls"), name])
        light, _, _ = launch([prog("mux_calls"), name], extra=[LIGHT])
        assert (full["mode"], full["timed_one_in"], full["window"]) == ("full", 1, None)
        assert (light["mode"], light["timed_one_in"], light["window"]) == ("light", 16, None)
        assert full["schema_version"] == light["schema_version"] == 2
        check_light_row(name, full["syscalls"][name], light["syscalls"][name])
        assert isinstance(full["fds_closed"]["fds"], int) and isinstance(full["fds"], list)
        assert light["fds_closed"] is None and light["fds"] is None, light["fds_closed"]
        assert light["wakeups"] is None, light["wakeups"]
        missing = not_measured(light)
        assert {f: missing.get(f) for f in LIGHT_LEAVES_OUT} == \
            {f: LIGHT for f in LIGHT_LEAVES_OUT}, missing
        assert LIGHT not in not_measured(full).values(), full["not_measured"]
        # sources no longer claim the fd sets were read from user memory
        assert not any("read from user memory" in v for v in light["sources"].values()), \
            light["sources"]
        assert "kernel.bytes_in, kernel.bytes_out (select, pselect6, ppoll)" not in \
            light["sources"]
        assert "kernel.bytes_in, kernel.bytes_out (poll, epoll_wait, epoll_pwait, " \
            "epoll_pwait2, epoll_ctl)" in light["sources"]


def text_rows(out, header):
    """The rows of the text report's table under the line starting with header."""
    lines = out.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith(header))
    rows = {}
    for line in lines[start + 1:]:
        if not line.strip():
            break
        rows[line.split()[0]] = line.split()[1:]
    return rows


def test_light_text_shows_a_dash_for_what_it_did_not_measure():
    """The text report: "-" for select's fds watched and fds examined, and
    for registrations and bytes copied; the header says what was not
    measured and why. Full mode prints numbers there."""
    for extra, dash in (([], False), ([LIGHT], True)):
        r = run_iotrace(extra + ["--", prog("mux_calls"), "select"])
        assert r.returncode == 0, r.stderr
        work = text_rows(r.stdout, "SYSCALL             PASSES")["select"]
        # PASSES lb EXAMINED lb REGS IN OUT
        got = [work[2], work[4], work[5], work[6]]
        assert (got == ["-"] * 4) == dash and ("-" in got) == dash, (extra, work)
        calls = text_rows(r.stdout, "SYSCALL             CALLS")["select"]
        assert (calls[4] == "-") == dash, calls     # WATCHED/CALL
        assert ("not measured, --light:" in r.stdout) == dash, r.stdout
        if dash:
            said = r.stdout.split("not measured, --light:")[1].split("\ncpu:")[0]
            said = " ".join(said.split())
            for figure in LIGHT_LEAVES_OUT:
                assert figure in said, (figure, said)
            assert "sampled: 1 call in 16 timed" in r.stdout


def compare(paths, html=None):
    """iotrace --compare: ({label: cells}, notes, findings) and the page when asked."""
    args = [IOTRACE, "--compare"] + (["--html", html] if html else []) + paths
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and not r.stderr, r.stderr
    assert all(len(l) <= 80 for l in r.stdout.splitlines()), r.stdout
    table, notes, findings = r.stdout.split("\n\n")
    rows = {}
    for line in table.splitlines():
        cells = line.split()
        rows[" ".join(cells[:-len(paths)])] = cells[-len(paths):]
    return rows, notes, findings.replace("\n  ", " ").splitlines()


def html_rows(path):
    """{label: [cells]} and the column headings of the compare page's table."""
    with open(path) as f:
        page = f.read()
    heads = re.findall(r'<th scope="col">([^<]*)</th>', page)
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", page):
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", tr)
        if cells:
            rows[cells[0].strip()] = cells[1:]
    return heads, rows


def light_and_full(d, extra=(), workload=SCAN):
    paths = []
    for name, mode in (("full", []), ("light", [LIGHT])):
        paths.append(os.path.join(d, name + ".json"))
        r = run_iotrace(mode + list(extra) + ["-j", paths[-1], "--"] + workload, timeout=60)
        assert r.returncode == 0, r.stderr
    return paths


def test_compare_makes_no_finding_of_what_light_did_not_measure():
    """--compare full.json light.json on the same 100 requests: it found
    "light copies none" (0 against 18 B) and a 16x difference in the wait's
    on-CPU time per request (light times 1 call in 16). Now light's copies
    (select's: --light does not read its sigmask pack) are "-" and no
    finding; its sampled rows are marked "~" and said under the table; the
    header shows each column's mode (text and HTML)."""
    with tempfile.TemporaryDirectory() as d:
        paths = light_and_full(d, workload=SCAN_SELECT)
        page = os.path.join(d, "cmp.html")
        rows, notes, findings = compare(paths, html=page)
        heads, cells = html_rows(page)
    # no finding rests on what light did not measure: no "copies none", no 16x on-CPU
    assert not [l for l in findings if l.startswith("- light copies") or "copies none" in l], \
        findings
    assert not [l for l in findings if "wait costs" in l or "differs by no more" in l], findings
    copies = [l for l in findings if " copies " in l]
    assert len(copies) == 1 and copies[0].startswith("- full copies"), copies
    assert rows["mode"] == ["full", "light(1/16)"], rows["mode"]
    assert rows["requests"] == ["100", "100"], rows["requests"]
    for label in ("bytes in/request (d)", "bytes out/request (d)"):
        assert rows[label][1] == "-" and float(rows[label][0]) > 0, rows[label]
    # sampled: marked in light's cell, said below; full's cells are unmarked
    for label in ("latency p50", "latency p99", "wait on-CPU/request"):
        assert rows[label][1].endswith("~") and not rows[label][0].endswith("~"), rows[label]
    assert "~ light: sampled: 1 call in 16 timed, unlike the other columns (latency p50, " \
        "latency p99, wait on-CPU/request)" in " ".join(notes.split()), notes
    # counts light takes of every call are not marked
    assert rows["waits/request"] == ["1.00", "1.00"], rows["waits/request"]
    # the page: the mode in each column's heading, an empty cell where light measured nothing
    assert heads[1:] == ["full (full)", "light (light(1/16))"], heads
    assert cells["bytes in/request (d)"][1] == "" and cells["bytes in/request (d)"][0], cells
    assert cells["latency p50"][1].endswith("~"), cells["latency p50"]


def test_compare_sets_light_epoll_copies_beside_full_mode():
    """epoll's copies come from the arguments alone: --light derives them as
    full mode does, so --compare shows the same bytes per request in both
    columns, unmarked."""
    with tempfile.TemporaryDirectory() as d:
        rows, _, findings = compare(light_and_full(d))
    for label in ("bytes in/request (d)", "bytes out/request (d)"):
        assert rows[label][0] == rows[label][1] and rows[label][0] != "-", rows[label]
        assert float(rows[label][1]) >= 0, rows[label]
    assert float(rows["bytes out/request (d)"][1]) > 0, rows
    assert not [l for l in findings if "copies none" in l], findings


def test_compare_reads_an_older_light_report_by_its_mode():
    """A schema 1 --light report wrote 0 for what it did not measure and
    not_measured as words: --compare takes the rule of its mode, not the 0."""
    with tempfile.TemporaryDirectory() as d:
        full, light = light_and_full(d)
        with open(light) as f:
            old = json.load(f)
        old["schema_version"] = 1
        old["not_measured"] = "fds watched by select/pselect6, bytes copied, ..."
        old.pop("window", None)
        old.pop("timed_one_in", None)   # schema 1 wrote it in --light only (16)
        old["timed_one_in"] = 16
        # as schema 1's --light wrote them: 0 for every copy, epoll's too
        for row in old["syscalls"].values():
            for k, v in row.get("kernel", {}).items():
                row["kernel"][k] = 0 if v is None or k.startswith("bytes_") else v
        with open(light, "w") as f:
            json.dump(old, f)
        rows, _, findings = compare([full, light])
    assert not [l for l in findings if "copies none" in l], findings
    assert rows["bytes in/request (d)"][1] == "-", rows["bytes in/request (d)"]


def scrape_when(url, pred, timeout=20):
    """The exposition once pred holds (the endpoint may start after "Tracing PID")."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, text = fetch(url)
        except OSError:
            if time.monotonic() > deadline:
                raise
            text = ""
        if pred(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.1)


def light_metrics(extra):
    """The exposition of iotrace [extra] --metrics -- mux_calls select, once its 10 calls are in."""
    port = free_port()
    p = subprocess.Popen([IOTRACE] + extra + ["--metrics", f"127.0.0.1:{port}", "--",
                                              prog("mux_calls"), "select"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = wait_for_line(p.stderr, "Tracing PID", timeout=30)
        pid = int(line.split()[2])
        text = scrape_when(f"http://127.0.0.1:{port}/metrics",
                           lambda t: series(t, "iotrace_syscall_calls_total", pid=pid,
                                            syscall="select") == 10)
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
        p.communicate(timeout=20)
    assert_detached(pid)
    assert series(text, "iotrace_syscall_calls_total", pid=pid, syscall="select") == 10, text
    return text, pid


def test_metrics_of_light_export_nothing_light_did_not_measure():
    """--light --metrics: no registrations, waker classes or on-CPU seconds
    (1 call in 16 timed is no total), no bytes copied, fds watched or fds
    examined for select; full mode exports each (the control)."""
    families = ("iotrace_waitqueue_registrations", "iotrace_wakeups_by_class",
                "iotrace_syscall_oncpu_seconds")
    full, fpid = light_metrics([])
    light, lpid = light_metrics([LIGHT])
    for fam in families:
        assert f"{fam}_total{{" in full, fam
        assert f"{fam}_total" not in light, fam
    for fam in ("iotrace_fds_watched_total", "iotrace_fds_examined_total",
                "iotrace_copied_in_bytes_total", "iotrace_copied_out_bytes_total"):
        assert series(full, fam, pid=fpid, syscall="select") > 0, fam
        assert series(light, fam, pid=lpid, syscall="select") is None, fam
    assert 'iotrace_mode{mode="full",timed_one_in="1"} 1' in full
    assert 'iotrace_mode{mode="light",timed_one_in="16"} 1' in light
    # what light counts on every call is exported as ever
    assert series(light, "iotrace_scan_passes_total", pid=lpid, syscall="select") > 0
    assert series(light, "iotrace_syscall_timeouts_total", pid=lpid, syscall="select") == 2


def test_window_says_it_is_a_window_and_leaves_out_the_aggregates():
    """-r cap --from/--to -j: the window in JSON, null for what the events do
    not carry (copies, all_syscalls and syscalls per request, fds_closed),
    each in not_measured; --compare against the whole run marks the
    window's totals and makes no finding of the figures it lacks.
    (The window's bounds come from engineer B's replay: run->windowed.)"""
    with tempfile.TemporaryDirectory() as d:
        cap, whole, win = (os.path.join(d, n) for n in ("cap.gz", "whole.json", "win.json"))
        r = run_iotrace(["-w", cap, "-j", whole, "--"] + SCAN[:3] + ["40", "20"], timeout=60)
        assert r.returncode == 0, r.stderr
        r = run_iotrace(["-r", cap, "--from", "0.3", "--to", "0.9", "-j", win])
        assert r.returncode == 0, r.stderr
        with open(win) as f:
            w = json.load(f)
        rows, notes, findings = compare([whole, win])
    assert w["window"] == {"from_s": 0.3, "to_s": 0.9}, w["window"]
    assert (w["mode"], w["timed_one_in"]) == ("full", 1)
    row = w["syscalls"]["epoll_wait"]
    assert row["calls"] > 0 and row["kernel"]["bytes_out"] is None, row["kernel"]
    assert w["all_syscalls"] is None and w["fds_closed"] is None and row["readiness"] is None
    assert w["per_request"]["syscalls"] is None and w["per_request"]["requests"] > 0
    missing = not_measured(w)
    for figure in ("bytes copied between user and kernel", "every syscall by name",
                   "ready fds by fd, level-triggered re-reports"):
        assert missing.get(figure) == WINDOW, (figure, missing)
    # the text: "-" where the window has no figure
    assert rows["mode"] == ["full", "full+window"], rows["mode"]
    assert rows["bytes out/request (d)"][1] == "-" and rows["syscalls/request"][1] == "-"
    assert rows["requests"][1].endswith("~") and not rows["requests"][0].endswith("~")
    assert "of a window, 0.30 s to 0.90 s of a recording" in " ".join(notes.split()), notes
    copies = [l for l in findings if " copies " in l]
    assert len(copies) == 1 and copies[0].startswith("- whole copies"), copies


def test_check_names_the_figures_the_reports_name():
    """--check's figure list and a report's not_measured come from one registry."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        r = run_iotrace(["--check", "-j", out.name], timeout=120)
        check = json.load(open(out.name))["figures"]
    names = set(check["observed"]) | set(check["derived"]) | \
        {e["figure"] for e in check["not_measured"]}
    light, _, _ = launch([prog("mux_calls"), "poll"], extra=[LIGHT])
    assert set(not_measured(light)) <= names, set(not_measured(light)) - names
    assert LIGHT_LEAVES_OUT <= names, LIGHT_LEAVES_OUT - names


def test_interval_lines_carry_the_mode_and_null_for_what_light_did_not_measure():
    """--interval-json wrote --light's unmeasured counters as 0 (bytes_in,
    registrations, reports...). Every line now says its mode, and those are null."""
    with tempfile.TemporaryDirectory() as d:
        for mode, extra in (("full", []), ("light", ["--light"])):
            path = os.path.join(d, mode + ".jsonl")
            r = run_iotrace(extra + ["-i", "0.05", "--interval-json", path, "--",
                                     prog("mux_calls"), "poll"], timeout=60)
            assert r.returncode == 0, r.stderr
            lines = [json.loads(l) for l in open(path)]
            assert lines and lines[-1]["whole_trace"], lines
            for line in lines:
                assert line["mode"] == mode and line["timed_one_in"] == \
                    (16 if mode == "light" else 1), line
            poll = lines[-1]["syscalls"]["poll"]
            assert poll["calls"] == 9, poll
            for k in ("registrations", "reports", "rewrite_calls", "hist_oncpu"):
                if mode == "light":
                    assert poll[k] is None, (k, poll[k])
                else:
                    assert poll[k] is not None, (k, poll)
            # poll's copies are derived from its arguments, in both modes
            assert poll["bytes_in"] > 0 and poll["bytes_out"] > 0, poll
