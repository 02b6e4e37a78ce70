# SPDX-License-Identifier: GPL-2.0
"""A lab's picture in a real browser: `labs/run ID --quick --html PAGE`
draws its charts through `iotrace --plot`; headless Chromium must parse
every chart with its data drawn, and the screenshot must not be blank."""
import json
import os
import re
import subprocess
import tempfile
from collections import Counter

import chromium

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the first colours of the chart palette (user/chart/svg.c): series 1 and 2
SERIES_COLOURS = [(0, 114, 178), (213, 94, 0)]


def lab_page(cid, d, full=False):
    page = os.path.join(d, cid + ".html")
    r = subprocess.run([os.path.join(ROOT, "labs", "run"), cid, "--html", page, "--json",
                        page + ".json"] + ([] if full else ["--quick"]),
                       capture_output=True, text=True, timeout=240 if full else 120)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    verdict = r.stdout.strip().splitlines()[-1]
    assert verdict.startswith(cid + ": "), verdict
    return page, verdict


def check_page(page, verdict, min_charts):
    html = open(page).read()
    # the claim's verdict is printed under the title, as measured in this run
    assert verdict.split(": ", 1)[1].split(":")[0] in html, verdict
    dom = chromium.dump_dom(page, offline=True)
    charts = re.findall(r'<svg class="chart".*?</svg>', dom, re.S)
    assert len(charts) >= min_charts, f"{page}: {len(charts)} charts"
    for svg in charts:
        drawn = len(re.findall(r'class="(?:line|bar|marker)"', svg))
        assert drawn > 0, f"{page}: a chart with no data drawn"
        assert re.search(r'class="x-axis"', svg) and re.search(r'class="y-axis"', svg)
    png = page + ".png"
    chromium.screenshot(page, png, 1000, 1600, offline=True)
    _, _, px = chromium.read_png(png)
    colours = Counter(p for row in px for p in row)
    assert len(colours) > 50, f"{page}: the page is nearly one colour"
    assert colours[SERIES_COLOURS[0]] > 300, f"{page}: no data drawn in the first colour"
    return dom, charts


def legend(svg):
    return re.findall(r'<g class="key">.*?<text[^>]*>([^<]*)</text>', svg, re.S)


def test_lab_pages_render_their_charts_in_chromium():
    if not chromium.binary():
        raise AssertionError("no chromium: scripts/install-deps installs it")
    with tempfile.TemporaryDirectory() as d:
        # S2: a scaling curve (time per call against fds watched); M10: bars
        # side by side (other clients' latency under each server)
        for cid in ("S2", "M10"):
            page, verdict = lab_page(cid, d)
            check_page(page, verdict, 1)


def test_growth_lab_pages_draw_points_fitted_lines_and_published_figures():
    """S2 in full mode: 6 sizes per series or more, fitted by least squares,
    and the verdict read from the fit; each chart draws the points and the
    fitted line beside them. E3: Kerrisk's published figures beside ours."""
    if not chromium.binary():
        raise AssertionError("no chromium: scripts/install-deps installs it")
    with tempfile.TemporaryDirectory() as d:
        page, verdict = lab_page("S2", d, full=True)
        out = json.load(open(page + ".json"))
        assert out["mode"] == "full" and len(out["fits"]) == 8, out["fits"]
        for fit in out["fits"]:
            assert len(fit["x"]) == len(fit["y"]) == 3 * 6, fit["key"]      # 3 runs x 6 sizes
            assert len(set(round(x) for x in fit["x"])) >= 6, fit["key"]
        slope = out["figures"]["select: fds examined per pass: slope"]["value"]
        r2 = out["figures"]["select: fds examined per pass: R^2"]["value"]
        assert "x fds watched" in verdict and "R^2" in verdict, verdict
        assert verdict.startswith("S2: holds") == (0.9 <= slope <= 1.1 and r2 >= 0.98), verdict
        dom, charts = check_page(page, verdict, 3)
        for svg in charts:
            names = legend(svg)
            assert any(n.startswith("fit: select = ") for n in names), names
            assert len(re.findall(r'class="marker"', svg)) >= 2 * 6, "points per series"
        page, verdict = lab_page("E3", d)
        dom, charts = check_page(page, verdict, 5)
        names = [n for svg in charts for n in legend(svg)]
        assert {"poll (Kerrisk 2006)", "select (Kerrisk 2006)", "epoll (Kerrisk 2006)"} <= \
            set(names), names
        assert any(n.startswith("fit: epoll_wait = ") for n in names), names
        assert "man7.org/conf/lca2006" in dom
