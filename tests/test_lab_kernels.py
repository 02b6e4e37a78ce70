# SPDX-License-Identifier: GPL-2.0
"""labs/ across kernels: the per-kernel page `make labs-kernels` writes
(each verdict with its key figures, and where a verdict changes between
kernels and why), and what a lab says where iotrace left out a figure one
of its claims needs (--light, the only mode 5.10 loads)."""
import importlib.util
import os
import sys

from helpers import ROOT

sys.path.insert(0, os.path.join(ROOT, "labs"))

from lib import verdict  # noqa: E402

IDS = ["M%d" % i for i in range(1, 11)] + ["S%d" % i for i in range(1, 9)] + \
    ["P1", "P2"] + ["E%d" % i for i in range(1, 8)] + ["Y1", "Y2", "Y3"]


def page_generator():
    """tests/kernels/labs as a module."""
    from importlib.machinery import SourceFileLoader
    loader = SourceFileLoader("kernels_labs", os.path.join(ROOT, "tests", "kernels", "labs"))
    gen = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(gen)
    return gen


def test_claims_by_kernel_table_shows_each_verdict_with_its_key_figures():
    gen = page_generator()
    e3 = {"verdict": "not judged: emulated CPU", "machine": {"emulated": True},
          "key": {"values": [453.2, 0.0424]}}
    page = gen.markdown([("6.12", "6.12.118+deb12-amd64", "6.12.118-1", {"E3": e3}, 277.0,
                          [])], 300.0).splitlines()
    rows = [r for r in page if r.startswith("| [")]
    assert len(rows) == 30 and "| claim | key figures | 6.12 (6.12.118+deb12-amd64) |" in page
    assert rows[IDS.index("E3")].endswith("| not judged: emulated CPU: 453 / 0.0424 |")
    assert rows[0].endswith("| did not run |")
    assert "| 6.12 | 6.12.118+deb12-amd64 | 6.12.118-1 | qemu, TCG | 277 s |" in page
    assert "- nowhere: every claim judged in several kernels has one verdict in all of them." \
        in page


def test_claims_by_kernel_names_the_verdicts_that_change_and_the_known_reason():
    gen = page_generator()

    def o(v, cond=""):
        return {"verdict": v, "condition": cond, "key": {"values": [1.0]}}
    light = "inconclusive: iotrace did not measure ready fds by fd here: light mode " \
        "(full mode does not load on this kernel)"
    runs = [("5.10", "k1", "p1", {"S6": o(light, "x"), "S1": o("holds"), "M4": o("holds")},
             1.0, []),
            ("6.1", "k2", "p2", {"S6": o("holds"), "S1": o("inconclusive: the experiment "
                                                           "failed: x", "the experiment failed"),
                                 "M4": o("not judged: emulated CPU", "emulated CPU"),
                                 "E1": o("does not hold")}, 1.0, []),
            ("host", "k3", None, {"S6": o("holds"), "S1": o("holds"), "M4": o("holds"),
                                  "E1": o("holds")}, 1.0, [])]
    got = gen.changes(runs)
    # S6 differs for a known reason; E1 for none known; S1 (a failed run) and
    # M4 (not judged) do not count as a change
    assert len(got) == 2, got
    assert got[0].startswith("- [S6](claims.md#s6): inconclusive in 5.10; holds in 6.1, host. "
                             "Why: the kernel has no `bpf_loop` helper")
    assert "bpf_loop" in got[0] and "e6f2dd0f8067" in got[0]
    assert got[1] == "- [E1](claims.md#e1): does not hold in 6.1; holds in host. No kernel " \
        "change is known to explain it: compare the key figures."
    # claims that differ the same way, for the same reason: one line
    runs[1][3]["S8"] = runs[2][3]["S8"] = o("holds")
    runs[0][3]["S8"] = o(light, "x")
    assert gen.changes(runs)[0].startswith("- [S6](claims.md#s6), [S8](claims.md#s8): ")


def test_a_claim_whose_figure_was_not_measured_is_inconclusive_and_the_others_decide():
    """A shared experiment where iotrace left out what one claim needs (who
    woke the thread, in --light): that claim says so, the others decide; a
    key scoped to some syscalls counts only for a lab reading them."""
    import types
    from lib import procs, runner
    light = [{"figure": "who woke the thread (by class)", "keys": ["wakeups"], "why": "--light"},
             {"figure": "bytes copied by select, pselect6 and ppoll",
              "keys": ["kernel.bytes_in (select, pselect6, ppoll)"], "why": "--light"}]
    report = {"not_measured": light}
    assert procs.missing(report, "kernel.bytes_in", syscalls=("epoll_wait",)) is None
    assert procs.missing(report, "kernel.bytes_in", syscalls=("pselect6",)) == \
        ("bytes copied by select, pselect6 and ppoll", "--light")
    assert procs.missing(report, "wakeups") == ("who woke the thread (by class)", "--light")

    def measure(lab):
        lab.fig("x", 1.0, "B")
        lab.not_measured(("E2",), *procs.missing(report, "wakeups"))
    mod = types.ModuleType("fake_shared_lab")
    mod.measure = measure
    mod.VERDICTS = {"E1": lambda f: verdict.holds("x = %g" % f["x"]),
                    "E2": lambda f: verdict.holds("never asked")}
    sys.modules["fake_shared_lab"] = mod
    try:
        cache = {}
        e1, e2 = (runner.judge({"id": cid, "title": cid, "module": "fake_shared_lab"}, True, cache)
                  for cid in ("E1", "E2"))
    finally:
        del sys.modules["fake_shared_lab"]
    assert e1.verdict.text() == "holds", e1.verdict.text()
    assert e2.verdict.text() == "inconclusive: iotrace did not measure who woke the thread " \
        "(by class) here: --light", e2.verdict.text()
    assert e2.verdict.sentence == "iotrace ran with --light, which leaves it out"
