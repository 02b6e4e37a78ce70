# SPDX-License-Identifier: GPL-2.0
"""labs/: the claims table, the verdict line, and every lab's verdict
function on figures that must give each of its verdicts. The figures below
are invented on purpose: they sit on each side of the thresholds written
next to the experiments."""
import importlib
import json
import os
import subprocess
import sys
import tempfile

from helpers import ROOT

LABS = os.path.join(ROOT, "labs")
sys.path.insert(0, LABS)

from lib import claims, verdict  # noqa: E402

IDS = ["M%d" % i for i in range(1, 11)] + ["S%d" % i for i in range(1, 9)] + \
    ["P1", "P2"] + ["E%d" % i for i in range(1, 8)] + ["Y1", "Y2", "Y3"]


def kind(claim, figures):
    mod = importlib.import_module(claims.BY_ID[claim]["module"])
    return mod.VERDICTS[claim](figures).kind


def test_labs_list_shows_the_30_claims_with_titles():
    out = subprocess.run([os.path.join(LABS, "run"), "--list"], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert [line.split()[0] for line in out] == IDS
    assert out[0] == "  M1  A network read has two phases"
    assert all(len(line.split(None, 1)[1]) > 10 for line in out)


def test_every_claim_has_an_experiment_with_a_verdict_function():
    for cid in IDS:
        mod = importlib.import_module(claims.BY_ID[cid]["module"])
        assert callable(mod.measure) and callable(mod.VERDICTS[cid]), cid


def test_verdict_line_format():
    assert verdict.holds("a 3 us").line("M1") == "M1: holds: a 3 us"
    assert verdict.fails("b").line("E4") == "E4: does not hold: b"
    assert verdict.holds_when("one connection", "c").line("M5") == \
        "M5: holds only when one connection: c"
    assert verdict.inconclusive("within noise", "d").line("M6") == \
        "M6: inconclusive: within noise: d"
    assert verdict.missing("cpu").text() == "inconclusive: cpu not available"


def test_compare_inside_and_outside_the_noise_band():
    assert verdict.compare(120, 100, 0.1) == 1
    assert verdict.compare(100, 120, 0.1) == -1
    assert verdict.compare(105, 100, 0.1) == 0
    assert verdict.noise_band(0.1, {"noise": 0.3}) == 0.6


def test_labs_refuse_an_unknown_claim():
    r = subprocess.run([os.path.join(LABS, "run"), "Z9"], capture_output=True, text=True)
    assert r.returncode == 2 and "unknown claim" in r.stderr


# ---- verdict functions: each verdict reachable -------------------------------

def test_read_phases_verdicts():
    f = {"blocking wait phase per data read": 4950.0, "blocking copy phase per data read": 3.8,
         "blocking reads that slept per data read": 1.0, "nonblocking EAGAIN per request": 800,
         "nonblocking reads per request": 801, "nonblocking reads that slept per data read": 0}
    assert kind("M1", f) == kind("M2", f) == kind("M3", f) == "holds"
    g = dict(f, **{"blocking reads that slept per data read": 0.0,
                   "nonblocking EAGAIN per request": 0.2})
    assert kind("M1", g) == kind("M2", g) == kind("M3", g) == "does not hold"
    h = dict(f, **{"blocking reads that slept per data read": 0.5,
                   "nonblocking EAGAIN per request": 5})
    assert kind("M2", h) == kind("M3", h) == "inconclusive"
