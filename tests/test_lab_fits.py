# SPDX-License-Identifier: GPL-2.0
"""labs/: the straight lines the growth labs fit (S1-S3, P2, E3, M7) and
the verdicts read from them. Each test builds a lab's figures from a known
line (and known noise), lets the lab fit them as it does after measuring,
and checks the verdict each side of the thresholds written in the lab."""
import importlib
import sys

from helpers import ROOT

sys.path.insert(0, ROOT + "/labs")

from lib import claims, stats  # noqa: E402
from lib.lab import Lab  # noqa: E402


def kind(claim, figures):
    mod = importlib.import_module(claims.BY_ID[claim]["module"])
    return mod.VERDICTS[claim](figures).kind


def test_fit_a_line_with_r2_and_the_slopes_95_percent_interval():
    f = stats.Fit([10, 100, 1000], [80, 800, 8000])       # poll: 8 B per pollfd
    assert (f.slope, f.intercept, f.r2, f.ci95) == (8.0, 0.0, 1.0, 0.0)
    assert f.text("bytes in per call", "fds") == "bytes in per call = 8.00 x fds + 0.0 (R^2 1.000)"
    # residuals 0.4, -1.2, 1.2, -0.4: R^2 1 - 3.2 / 5, se sqrt(3.2 / 2 / 5), t(2) 4.303
    g = stats.Fit([0, 1, 2, 3], [1, 0, 3, 2])
    assert round(g.slope, 3) == 0.6 and round(g.r2, 3) == 0.36
    assert round(g.ci95, 3) == round(4.303 * 0.32 ** 0.5, 3)
    assert stats.t975(1) == 12.706 and abs(stats.t975(40) - 2.021) < 0.001
    assert stats.Fit([1, 2], [1, 2]).ci95 == float("inf")     # no interval from 2 points


def lab_with(points, noise=0.0, noisy=""):
    """A lab whose figures are points {name: value}, each measured 3 times;
    the names ending in noisy are off by noise x -1, 0, +1 in runs 1-3 (the
    median is still the value)."""
    lab = Lab(quick=False)
    for k, v in points.items():
        e = noise if noisy and k.endswith(noisy) else 0.0
        lab.samples[k] = [v * (1 + e * (i - 1)) for i in range(3)]
        lab.fig(k, v, "")
    return lab


def fitted(module, points, *args, noise=0.0, noisy="", drop=()):
    """The figures a verdict sees: points plus the lab's fitted lines."""
    mod = importlib.import_module(module)
    lab = lab_with({k: v for k, v in points.items() if k not in drop}, noise, noisy)
    mod.fit_lines(lab, *args)
    return {k: f["value"] for k, f in lab.figures.items()}


def _threads(kib_b=17.0, sw_b=5e4, drop=()):
    import thread_cost as tc
    f = {}
    for n in tc.CONNS:
        for m, th, kib, sw in (("blocking", n + 1, kib_b, sw_b), ("epoll", 1, 8.0, 100)):
            f.update({"%s %d conns: threads" % (m, n): th,
                      "%s %d conns: RSS" % (m, n): 1700 + kib * n,
                      "%s %d conns: context switches per second" % (m, n): sw})
    return fitted("thread_cost", f, tc.CONNS, drop=drop)


def test_thread_cost_verdicts():
    # blocking: 1 thread and 17 KiB per connection; epoll: 1 thread, 8 KiB
    assert kind("M7", _threads()) == "holds"
    assert kind("M7", _threads(kib_b=10.0)) == "holds only when"
    assert kind("M7", _threads(kib_b=10.0, sw_b=150)) == "does not hold"
    late = _threads(drop=("blocking 1000 conns: threads",))   # a busy machine, threads late
    assert kind("M7", dict(late, **{"blocking 1000 conns: connections held": 652})) == \
        "inconclusive"


def _scan(sel_in=None, sel_out=None, examined=1.0, regs=1.0, pollwake=1.0, poll_in=8.0,
          noise=0.0):
    """Figures of scan_cost at its full-mode sizes: fds watched = idle + 2,
    select's three sets copied by the kernel's rule unless sel_in/sel_out (B
    per fd) say otherwise, and the other figures as slopes per fd watched."""
    import scan_cost as sc
    f = {}
    for m in sc.MODELS:
        for n in sc.SIZES:
            p, w = "%s %d idle: " % (m, n), n + 2
            rule = 3 * 8 * -(-(w + 3) // 64)
            sel = (rule if sel_in is None else 16 + sel_in * w,
                   rule if sel_out is None else 16 + sel_out * w)
            f.update({p + "fds watched per call": w, p + "fds ready per call": 1.0,
                      p + "fds examined per pass": examined * w,
                      p + "registrations per call": regs * w, p + "calls that slept": 0.5,
                      p + "wakeups by pollwake": pollwake,
                      p + "bytes in per call": sel[0] if m == "select" else poll_in * w,
                      p + "bytes out per call": sel[1] if m == "select" else 2 * w})
    return fitted("scan_cost", f, sc.SIZES, noise=noise, noisy="fds examined per pass")


def test_scan_cost_verdicts():
    assert kind("S1", _scan()) == kind("S2", _scan()) == kind("S3", _scan()) == \
        kind("P2", _scan()) == "holds"
    assert kind("S1", _scan(sel_out=0)) == kind("S1", _scan(sel_in=0.0)) == "does not hold"
    assert kind("S1", _scan(sel_in=0.05)) == "inconclusive"
    assert kind("S2", _scan(examined=0.001)) == "does not hold"      # O(ready): 1-2 fds
    assert kind("S2", _scan(examined=0.7)) == "inconclusive"
    # slope 1 in the middle, but runs 30% apart: the interval is too wide to say
    assert kind("S2", _scan(noise=0.3)) == "inconclusive"
    assert kind("S3", _scan(regs=0.05)) == "does not hold"
    assert kind("S3", _scan(regs=0.6)) == "inconclusive"
    assert kind("P2", _scan(poll_in=0.1)) == "does not hold"
    assert kind("P2", _scan(poll_in=4)) == "inconclusive"


def _scaling(epoll_ns=0.0, ready_ns=100.0, epoll_us=0.0, poll_us=0.005, noise=0.0):
    """E3's figures: ns per call = 500 + 60 ns per fd watched for select and
    poll, + epoll_ns for epoll_wait, + ready_ns per fd ready; us per request
    = 10 + *_us per idle connection for each server (noise: on epoll's)."""
    import epoll_scaling as es
    f = {}
    for m, per in (("select", 60.0), ("poll", 60.0), ("epoll", epoll_ns)):
        f.update({"%s %d fds: ns per call" % (m, n): 500 + per * n for n in es._fds(m)})
    f.update({"epoll %d ready: ns per call" % r: 300 + ready_ns * r for r in es.READY})
    for m, per in (("select", poll_us), ("poll", poll_us), ("epoll", epoll_us)):
        f.update({"%s %d idle: time per request" % (m, i): 10 + per * i
                  for i in es._idle(m, False)})
    lab = lab_with(f)
    for i in es.IDLE:       # the epoll server's rounds, noise x (-1, 0, 1, 2, 3)
        lab.samples["epoll %d idle: time per request" % i] = [
            10 * (1 + noise * k) for k in (-1, 0, 1, 2, 3)]
    es.fit_lines(lab, False)
    return {k: v["value"] for k, v in lab.figures.items()}


def test_epoll_scaling_verdicts():
    assert kind("E3", _scaling()) == "holds"
    assert kind("E3", _scaling(epoll_ns=50)) == "does not hold"
    assert kind("E3", _scaling(poll_us=0.0001)) == "inconclusive"   # poll keeps 91%
    assert kind("E3", _scaling(epoll_ns=15)) == "inconclusive"      # a quarter of poll's
    assert kind("E3", _scaling(ready_ns=0)) == "inconclusive"
    # epoll's rounds 10-40 us apart with no trend: its slope could be anything
    busy = _scaling(noise=0.5)
    assert kind("E3", busy) == "inconclusive" and "too busy" in \
        importlib.import_module("epoll_scaling").verdict_e3(busy).condition
