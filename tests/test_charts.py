# SPDX-License-Identifier: GPL-2.0
"""iotrace --plot SPEC --html OUT: spec checking, the page's content, and the
page as a real browser (headless Chromium) draws it."""
import copy
import json
import os
import re
import subprocess
import tempfile
from collections import Counter

import chromium
from helpers import IOTRACE

# every test's files, removed when the runner exits
WORK = tempfile.TemporaryDirectory(prefix="iotrace-plot-")
FIGURE_BORDER = (221, 221, 221)	# #ddd, html_page.c's figure border
PALETTE = [(0x00, 0x72, 0xB2), (0xD5, 0x5E, 0x00), (0x00, 0x9E, 0x73)]	# svg.c's first colours


def good_spec():
    """One chart of each kind, a table, paragraphs: everything a lab page has."""
    return {
        "title": "S1: select's cost grows with nfds",
        "subtitle": "Claim S1, measured", "verdict": "Confirmed",
        "paragraphs": ["Medians of 5 runs.", "Second paragraph."],
        "charts": [
            {"kind": "line", "title": "Time per call", "x_label": "watched fds",
             "y_label": "time per call (µs)", "x_log": True, "y_log": True,
             "series": [{"name": "select", "x": [1, 10, 100, 1000], "y": [0.8, 1.1, 3.2, 25]},
                        {"name": "poll", "x": [1, 10, 100, 1000, 100000],
                         "y": [0.7, 1.0, 2.9, 22, 2100]},
                        {"name": "epoll", "x": [1, 100, 100000], "y": [0.5, 0.52, 0.61]}]},
            {"kind": "bars", "title": "Syscalls per request", "x_label": "server",
             "y_label": "syscalls per request", "categories": ["select", "poll", "epoll"],
             "series": [{"name": "wait", "values": [1.02, 1.01, 0.98]},
                        {"name": "epoll_ctl", "values": [0.5, 0.4, 2.0]}]},
            {"kind": "histogram", "title": "epoll_wait latency", "x_label": "time in epoll_wait",
             "y_label": "calls", "categories": ["1 µs", "2 µs", "4 µs", "8 µs", "16 µs"],
             "series": [{"name": "epoll_wait", "values": [12, 340, 2210, 5120, 830]}]},
        ],
        "tables": [{"title": "Raw", "columns": ["server", "requests/s"],
                    "rows": [["epoll", 61000], ["poll", 43000.5]]}],
    }


def plot(spec, out=None, raw=None, workdir=None):
    """Run iotrace --plot on spec (a dict, or raw text); (result, spec path, page path)."""
    d = workdir or tempfile.mkdtemp(dir=WORK.name)
    path, out = os.path.join(d, "spec.json"), out or os.path.join(d, "page.html")
    with open(path, "w") as f:
        f.write(raw if raw is not None else json.dumps(spec))
    r = subprocess.run([IOTRACE, "--plot", path, "--html", out], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode >= 0, f"killed by signal {-r.returncode}: {r.stderr}"
    return r, path, out


def bad_spec_line(r, path):
    """The one error line of a refused spec, without its 'iotrace: bad plot spec F: ' head."""
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stdout == "" and r.stderr.count("\n") == 1, r.stderr
    head = f"iotrace: bad plot spec {path}: "
    assert r.stderr.startswith(head), r.stderr
    return r.stderr[len(head):].rstrip("\n")


def test_plot_the_briefs_example_error_exactly():
    spec = good_spec()
    spec["charts"][1:1] = [copy.deepcopy(spec["charts"][0])]
    spec["charts"][1]["series"][0]["y"] = "fast"
    r, path, out = plot(spec)
    assert bad_spec_line(r, path) == "charts[1].series[0].y: expected an array of numbers"
    assert not os.path.exists(out), "a refused spec wrote a page"


BAD = [  # (change to good_spec(), the error after the file name)
    (lambda s: s.pop("title"), "title: required field missing"),
    (lambda s: s.update(title=5), "title: expected a string"),
    (lambda s: s.update(charts={}), "charts: expected an array"),
    (lambda s: s.update(paragraphs=[1]), "paragraphs[0]: expected a string"),
    (lambda s: s["charts"][0].update(kind="pie"),
     'charts[0].kind: expected "line", "bars" or "histogram"'),
    (lambda s: s["charts"][0].pop("x_label"), "charts[0].x_label: required field missing"),
    (lambda s: s["charts"][0].update(x_log="yes"), "charts[0].x_log: expected true or false"),
    (lambda s: s["charts"][0]["series"][1]["y"].__setitem__(2, "3"),
     "charts[0].series[1].y[2]: expected a number"),
    (lambda s: s["charts"][0]["series"][0]["y"].pop(),
     "charts[0].series[0].y: expected 4 numbers (as many as x), got 3"),
    (lambda s: s["charts"][0].update(categories=["a"]),
     "charts[0].categories: only bars and histograms have categories"),
    (lambda s: s["charts"][1].update(y_log=True),
     "charts[1].y_log: only line charts have log axes"),
    (lambda s: s["charts"][1]["series"][0]["values"].append(1),
     "charts[1].series[0].values: expected 3 numbers (one per category), got 4"),
    (lambda s: s["charts"][1]["series"][0].update(x=[1, 2, 3]),
     "charts[1].series[0].x: unknown field (bar series have name, values)"),
    (lambda s: s["charts"][2].update(categories=[]),
     "charts[2].categories: expected at least one category"),
    (lambda s: s["charts"][2].update(series=[]),
     "charts[2].series: expected 1 to 32 series, got 0"),
    (lambda s: s["charts"][2].update(x_lable="typo"), "charts[2].x_lable: unknown field"),
    (lambda s: s["tables"][0]["rows"].append(["select"]),
     "tables[0].rows[2]: expected an array of 2 cells (one per column)"),
    (lambda s: s["tables"][0]["rows"][0].__setitem__(1, True),
     "tables[0].rows[0][1]: expected a string or a number"),
]


def test_plot_bad_specs_name_the_field_in_one_line():
    for change, expected in BAD:
        spec = good_spec()
        change(spec)
        r, path, out = plot(spec)
        assert bad_spec_line(r, path) == expected, (expected, r.stderr)
        assert not os.path.exists(out)


def test_plot_bad_json_and_missing_file():
    for raw, expected in [("", "line 1: unexpected end of file"),
                          ('{"title": "t",\n "charts": [', "line 2: unexpected end of file"),
                          ('{"title": "t"}\n\n}', "line 3: unexpected character"),
                          ("[" * 5000, "line 1: nesting too deep"),
                          ("[]", "top level: expected an object")]:
        r, path, _ = plot(None, raw=raw)
        assert bad_spec_line(r, path) == expected, (raw[:20], r.stderr)
    r = subprocess.run([IOTRACE, "--plot", "/nonexistent/spec.json", "--html", "/tmp/x.html"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and r.stderr == \
        "iotrace: failed to read /nonexistent/spec.json: No such file or directory\n", r.stderr


def nodes(obj, keys=(), path=""):
    """Every value inside obj: (keys to reach it, its printed path)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            sub = f"{path}.{k}" if path else k
            yield keys + (k,), sub
            yield from nodes(v, keys + (k,), sub)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield keys + (i,), f"{path}[{i}]"
            yield from nodes(v, keys + (i,), f"{path}[{i}]")


def replaced(spec, keys, value):
    s = copy.deepcopy(spec)
    node = s
    for k in keys[:-1]:
        node = node[k]
    node[keys[-1]] = value
    return s


def value_at(obj, keys):
    for k in keys:
        obj = obj[k]
    return obj


def test_plot_any_wrong_type_anywhere_is_refused_or_drawn_never_a_crash():
    spec, d = good_spec(), tempfile.mkdtemp(dir=WORK.name)
    runs = 0
    for keys, path in nodes(spec):
        node, parent = value_at(spec, keys), re.sub(r"(\.[^.\[]+|\[\d+\])$", "", path)
        for wrong in (None, "s", 1.5, True, [], {}):
            if type(wrong) is type(node):
                continue
            r, spath, out = plot(replaced(spec, keys, wrong), workdir=d)
            runs += 1
            if r.returncode == 0:	# e.g. null: a missing value, or no subtitle
                assert os.path.getsize(out) > 0
                os.unlink(out)
                continue
            line = bad_spec_line(r, spath)
            assert line.startswith(parent), (path, wrong, line)
            # a string field takes nothing else (table cells also take numbers)
            if isinstance(node, str) and wrong is not None and ".rows[" not in path:
                assert line.split(": ")[0] == path, (path, wrong, line)
    assert runs > 300, runs
    for keys, path in [((), "")] + list(nodes(spec)):
        if isinstance(value_at(spec, keys), dict):
            bogus = copy.deepcopy(spec)
            value_at(bogus, keys)["bogus"] = 1
            r, spath, _ = plot(bogus, workdir=d)
            where = f"{path}.bogus" if path else "bogus"
            assert bad_spec_line(r, spath).startswith(f"{where}: unknown field"), r.stderr


def svgs(html):
    return re.findall(r'<svg class="chart".*?</svg>', html, re.S)


def test_plot_skips_nan_inf_and_nonpositive_on_log_axes_and_says_so():
    spec = {"title": "gaps", "charts": [
        {"kind": "line", "title": "log y", "x_label": "x", "y_label": "y", "y_log": True,
         "series": [{"name": "a", "x": [1, 2, 3, 4, 5, 6],
                     "y": [1, float("nan"), float("inf"), -5, 0, 10]},   # 2 drawable
                    {"name": "b", "x": [0, 1, 2], "y": [1, None, 3]}]},   # x=0 fine on linear x
        {"kind": "bars", "title": "bars", "x_label": "c", "y_label": "v",
         "categories": ["p", "q", "r"], "series": [{"name": "a", "values": [None, 2, -1]}]}]}
    r, path, out = plot(spec)
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines() == [
        f"iotrace: plot spec {path}: charts[0].series[0]: 4 of 6 values not drawn "
        "(null, NaN, infinite, beyond 1e300, or <= 0 on a log axis)",
        f"iotrace: plot spec {path}: charts[0].series[1]: 1 of 3 values not drawn "
        "(null, NaN, infinite, beyond 1e300, or <= 0 on a log axis)",
        f"iotrace: plot spec {path}: charts[1].series[0]: 1 of 3 values not drawn "
        "(null, NaN, infinite, beyond 1e300, or <= 0 on a log axis)"], r.stderr
    line, bars = svgs(open(out).read())
    assert line.count('class="marker"') == 2 + 2
    # a gap: series b is drawn as two pieces, M (0,1) then M (2,3)
    paths = re.findall(r'<path class="line"[^>]* d="([^"]*)"', line)
    assert [p.count("M") for p in paths] == [2, 2] and [p.count("L") for p in paths] == [0, 0]
    assert bars.count('class="bar"') == 2 and bars.count(">n/a</text>") == 1
    assert "nan" not in line.lower() and "inf" not in line.lower()


def test_plot_extreme_numbers_give_finite_coordinates():
    line = {"kind": "line", "x_label": "x", "y_label": "y"}
    charts = [dict(line, title="huge", series=[{"name": "a", "x": [-1e300, 1e300],
                                                  "y": [1e300, -1e300]}]),
              dict(line, title="denormal", x_log=True, y_log=True,
                   series=[{"name": "a", "x": [5e-324, 1e-300, 1], "y": [5e-324, 1e-300, 1]}]),
              dict(line, title="one value", series=[{"name": "a", "x": [3, 3], "y": [7, 7]}]),
              dict(line, title="no points", series=[{"name": "a", "x": [], "y": []}]),
              dict(line, title="below precision",
                   series=[{"name": "a", "x": [1e16, 1e16 + 2], "y": [1, 2]}]),
              {"kind": "bars", "title": "huge bars", "x_label": "c", "y_label": "v",
               "categories": ["a", "b"], "series": [{"name": "s", "values": [1e300, -1e300]}]}]
    r, _, out = plot({"title": "extremes", "charts": charts})
    assert r.returncode == 0, r.stderr
    drawn = svgs(open(out).read())
    assert len(drawn) == len(charts)
    for svg in drawn:
        assert not re.search(r"\bnan\b|\binf\b", svg, re.I), svg[:400]
    # the denormal is skipped (below 1e-300); 1e-300 and 1 are drawn
    assert drawn[1].count('class="marker"') == 2
    # steps finer than a double's precision at 1e16 collapse into the two representable ticks
    xaxis = re.search(r'class="x-axis".*?</g>', drawn[4], re.S)[0]
    assert re.findall(r">([^<]*)</text>", xaxis) == ["10P", "10P", "x"]


def test_plot_write_errors_are_reported_and_leave_no_file():
    r, _, _ = plot(good_spec(), out="/dev/full")
    assert r.returncode == 1 and r.stderr == \
        "iotrace: failed to write /dev/full: No space left on device\n", r.stderr
    assert os.path.exists("/dev/full")	# refused write: only regular files are removed
    r, _, _ = plot(good_spec(), out="/nonexistent/page.html")
    assert r.returncode == 1 and r.stderr == \
        "iotrace: failed to open /nonexistent/page.html: No such file or directory\n", r.stderr
    # a bad spec leaves an earlier page as it was
    d = tempfile.mkdtemp(dir=WORK.name)
    with open(os.path.join(d, "page.html"), "w") as f:
        f.write("before")
    r, _, out = plot({"title": 1}, workdir=d)
    assert r.returncode == 2 and open(out).read() == "before"


def test_plot_options_go_together_and_alone():
    # --html alone pages a live run, a replay or --compare (tests/test_record.py)
    for args in (["--plot", "s.json"],
                 ["--plot", "s.json", "--html", "o.html", "-p", "1"],
                 ["--plot", "s.json", "--html", "o.html", "-r", "c.gz"],
                 ["--plot", "s.json", "--html", "o.html", "--", "true"],
                 ["--plot", "s.json", "--html", "o.html", "--metrics", "9464"]):
        r = subprocess.run([IOTRACE, *args], capture_output=True, text=True, timeout=10)
        assert r.returncode == 2 and "--plot SPEC and --html FILE go together" in r.stderr, \
            (args, r.stderr)


def test_plot_needs_no_root_and_html_dash_is_stdout():
    with tempfile.TemporaryDirectory(prefix="iotrace-plot-") as d:
        os.chmod(d, 0o755)	# nobody reads the spec
        spec = os.path.join(d, "spec.json")
        with open(spec, "w") as f:
            json.dump(good_spec(), f)
        os.chmod(spec, 0o644)
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            IOTRACE, "--plot", spec, "--html", "-"],
                           capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert r.stdout.startswith("<!DOCTYPE html>") and len(svgs(r.stdout)) == 3


def test_plot_page_escapes_text_and_has_no_url_of_any_kind():
    evil = "<script>alert('x')</script> & \"q\""
    spec = good_spec()
    spec.update(title=evil, subtitle=evil, verdict=evil, paragraphs=[evil])
    spec["charts"][1].update(title=evil, categories=[evil, "poll", "epoll"])
    spec["charts"][1]["series"][0]["name"] = evil
    spec["tables"][0]["rows"][0][0] = evil
    r, _, out = plot(spec)
    assert r.returncode == 0, r.stderr
    html = open(out).read()
    low = html.lower()
    for needle in ("<script", "http:", "https:", "//", "src=", "url(", "@import", "<link",
                   "<img", "<iframe", "<object", "<embed", "xlink", "href"):
        assert needle not in low, needle
    # title (<title>, <h1>), subtitle, verdict, paragraph, table cell; chart title (aria-label,
    # <text>); series name (legend, 3 bar tooltips); category (2 bar tooltips; its label is
    # too wide for its slot, so it is drawn in two lines)
    assert html.count("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;") \
        == 6 + 2 + 4 + 2, html
    assert '<meta charset="utf-8">' in html and html.rstrip().endswith("</html>")


def chart_parts(svg, cls):
    return re.findall(rf'class="{cls}"', svg)


def test_chart_page_renders_in_chromium():
    if not chromium.binary():
        raise AssertionError("no chromium: scripts/install-deps installs it")
    spec = good_spec()
    r, _, page = plot(spec)
    assert r.returncode == 0, r.stderr
    drawn = svgs(chromium.dump_dom(page, offline=True))
    assert len(drawn) == 3, "the browser did not parse three charts"
    for svg, chart in zip(drawn, spec["charts"]):
        assert f'aria-label="{chart["title"]}"' in svg and 'role="img"' in svg
        assert re.search(r'viewBox="0 0 720 \d+"', svg)
        assert len(chart_parts(svg, "key")) == len(chart["series"])
        for label in (chart["title"], chart["x_label"], chart["y_label"]):
            assert f">{label}</text>" in svg, label
        if chart["kind"] == "line":
            paths = re.findall(r'<path class="line"[^>]* d="(M[^"]+)"', svg)
            assert [p.count("L") for p in paths] == [len(s["x"]) - 1 for s in chart["series"]]
            assert len(chart_parts(svg, "marker")) == sum(len(s["x"]) for s in chart["series"])
        else:
            assert len(chart_parts(svg, "bar")) == len(chart["categories"]) * len(chart["series"])
    # decade ticks in engineering form: x from 1 to 100k, y from 0.5 to 2100
    ticks = re.findall(r">([^<]*)</text>", re.search(r'class="x-axis".*?</g>', drawn[0], re.S)[0])
    assert ticks[:-1] == ["1", "10", "100", "1k", "10k", "100k"], ticks
    ticks = re.findall(r">([^<]*)</text>", re.search(r'class="y-axis".*?</g>', drawn[0], re.S)[0])
    assert ticks[:-1] == ["0.1", "1", "10", "100", "1k", "10k"], ticks

    png = os.path.join(os.path.dirname(page), "page.png")
    chromium.screenshot(page, png, 1000, 2000, offline=True)
    width, height, px = chromium.read_png(png)
    assert (width, height) == (1000, 2000)
    # the figures' borders: pairs of rows mostly #ddd
    borders = [y for y in range(height) if px[y].count(FIGURE_BORDER) > width // 2]
    assert len(borders) == 6, borders
    for (top, bottom), chart in zip(zip(borders[::2], borders[1::2]), spec["charts"]):
        colours = Counter(p for row in px[top + 1:bottom] for p in row)
        assert len(colours) > 50, "a chart region is nearly one colour"
        for k, _ in enumerate(chart["series"]):
            # the legend key alone has < 150 px of its colour; the data adds more
            assert colours[PALETTE[k]] > 300, (chart["title"], k, colours[PALETTE[k]])
        assert colours[(34, 34, 34)] > 500, "no text in the chart"	# #222 text


def page_requests(netlog):
    """URLs the page asked for (the browser's own background requests have no origin)."""
    with open(netlog) as f:
        log = json.load(f)
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return sorted(e["params"]["url"] for e in log["events"] if e["type"] == start
                  and "url" in e.get("params", {})
                  and e["params"].get("initiator") != "not an origin")


def test_chart_page_makes_no_network_request():
    if not chromium.binary():
        raise AssertionError("no chromium: scripts/install-deps installs it")
    r, _, page = plot(good_spec())
    d = os.path.dirname(page)
    leaky = os.path.join(d, "leaky.html")	# the control: the check must see these two
    with open(leaky, "w") as f:
        f.write('<img src="http://leak.invalid/a.png"><p style="background:'
                'url(https://leak.invalid/b.png)">x</p>')
    for html, expected in ((page, []), (leaky, ["http://leak.invalid/a.png",
                                                "https://leak.invalid/b.png"])):
        log = os.path.join(d, "net.json")
        rr = chromium.run(html, [f"--log-net-log={log}", "--dump-dom"], offline=True)
        assert rr.returncode == 0, rr.stderr[-2000:]
        assert page_requests(log) == expected, html
