# SPDX-License-Identifier: GPL-2.0
"""iotrace --check: what this kernel offers, which mode loads, each program's
verifier figures against the budgets; and full mode's fallback to the light
programs, which the kernel matrix exercises where full mode cannot load."""
import json
import tempfile
import time

from helpers import IOTRACE, assert_detached, loaded_iotrace_progs, run_iotrace

BUDGET_INSNS, BUDGET_STACK = 250000, 448
PROGRAMS = {
    "full": {"sys_enter_btf", "sys_exit_btf", "sys_enter_raw", "sys_exit_raw",
             "sched_waking_btf", "process_fork", "record_fork", "record_exit",
             "calibrate_eventfd"},
    "light": {"sys_enter_light_btf", "sys_exit_light_btf", "sys_enter_light_raw",
              "sched_waking_btf", "process_fork", "record_fork", "record_exit",
              "calibrate_eventfd"},
}


def check_json():
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        r = run_iotrace(["--check", "-j", out.name], timeout=120)
        return r, json.load(open(out.name))


def test_check_loads_every_program_of_both_modes_within_budget():
    before = loaded_iotrace_progs()
    r, c = check_json()
    assert r.returncode == {"full": 0, "light": 2, None: 1}[c["mode"]], (r.returncode, c["mode"])
    assert c["mode"] == "full", f"full mode does not load here: {c['modes']['full']['error']}"
    assert c["budget"] == {"insns": BUDGET_INSNS, "stack": BUDGET_STACK}
    for mode, want in PROGRAMS.items():
        m = c["modes"][mode]
        assert m["loads"] and m["error"] is None and m["attach"] == "tp_btf", (mode, m)
        names = {p["name"] for p in m["programs"]}
        # each program once; the exits differ by kernel (compat before 5.12)
        assert len(names) == len(m["programs"]), m["programs"]
        assert want <= names, f"{mode}: {want - names} not checked"
        for p in m["programs"]:
            assert p["loads"] and p["error"] is None, p
            assert isinstance(p["insns"], int) and 0 < p["insns"] <= BUDGET_INSNS, p
            # at least one frame, and frames come in 32-byte steps
            assert isinstance(p["stack"], int) and 32 <= p["stack"] <= BUDGET_STACK, p
            assert p["stack"] % 32 == 0, p
    assert set(c["features"]) >= {"kernel BTF", "tp_btf syscall tracepoints", "bpf_loop helper",
                                  "BPF ring buffer", "atomic fetch-and-add"}
    assert all(isinstance(v, bool) for v in c["features"].values())
    # the same text on stdout: a row per program and the verdict
    assert "will run: full" in r.stdout and "OVER BUDGET" not in r.stdout
    assert r.stdout.count(" ok\n") == sum(len(c["modes"][m]["programs"]) for m in PROGRAMS), \
        r.stdout
    # figures: full mode observes select's fds watched; nothing derived is "observed"
    f = c["figures"]
    assert "fds watched by select" in f["observed"], f
    assert "bytes copied between user and kernel" in f["derived"], f
    # nothing is left loaded (another iotrace on the machine may come and go)
    for _ in range(50):
        left = loaded_iotrace_progs()
        if left == before:
            break
        time.sleep(0.1)
    assert left == before, f"left loaded: {left}"


def test_check_text_agrees_with_its_json():
    r, c = check_json()
    for mode in PROGRAMS:
        for p in c["modes"][mode]["programs"]:
            row = f"{mode:6} {p['name']:22} {p['insns']:8} {p['stack']:6}  ok"
            assert row in r.stdout, f"no row {row!r} in:\n{r.stdout}"


def test_check_takes_no_target():
    for extra in (["-p", "1"], ["--", "true"], ["--light"], ["-r", "x.gz"]):
        r = run_iotrace(["--check"] + extra)
        assert r.returncode == 2 and "--check traces nothing" in r.stderr, (extra, r.stderr)


def test_verbose_run_prints_each_programs_verifier_figures():
    r = run_iotrace(["-v", "-d", "0.2", "--", "true"], timeout=60)
    assert r.returncode == 0, r.stderr
    lines = [l for l in r.stderr.splitlines() if l.startswith("iotrace: verifier: ")]
    names = {l.split()[2].rstrip(":") for l in lines}
    assert {"sys_enter_btf", "sys_exit_btf"} <= names, lines
    for l in lines:
        # "NAME: N insns, stack S (frames a+b+...)": S is the deepest chain, so at
        # least the largest frame and at most their sum, rounded to 32
        insns, stack = int(l.split()[3]), int(l.split()[6])
        frames = [int(x) for x in l.split("(frames ")[1].rstrip(")").split("+")]
        rounded = [(max(f, 1) + 31) // 32 * 32 for f in frames]
        assert 0 < insns <= BUDGET_INSNS and max(rounded) <= stack <= sum(rounded), l
    assert_detached()
