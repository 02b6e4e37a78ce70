# SPDX-License-Identifier: GPL-2.0
"""The context an experiment measures in: mode, repetition, figures with
units, and the tables and charts its page shows."""
from . import stats


class Lab:
    def __init__(self, quick):
        self.quick = quick
        # Full mode repeats every point (median and spread shown); quick
        # mode runs once, so only the labs' stated noise bands protect it.
        self.runs = 1 if quick else 3
        self.figures = {}       # name -> {"value", "unit"}
        self.spreads = {}       # name -> {"min", "max", "spread"}
        self.tables = []
        self.charts = []
        self.notes = []

    def secs(self, quick, full):
        """A load's duration in seconds for this mode."""
        return quick if self.quick else full

    def fig(self, name, value, unit):
        """Record a figure; returns its value."""
        value = _round(value)
        self.figures[name] = {"value": value, "unit": unit}
        return value

    def repeat(self, fn, units):
        """Run fn() -> {name: number} self.runs times; record each name's
        median (with units[name]) and spread; return {name: median}."""
        med, samples = stats.repeat(fn, self.runs)
        for k, v in med.items():
            self.fig(k, v, units.get(k, ""))
            if len(samples[k]) > 1:
                self.spreads[k] = {"min": _round(min(samples[k])),
                                   "max": _round(max(samples[k])),
                                   "spread": round(stats.spread(samples[k]), 4)}
        return med

    def interleave(self, fns, units):
        """fns: [fn() -> {name: number}]. Runs them round-robin (3 rounds in
        quick mode, 5 in full), so a burst of other work on the machine hits
        every variant alike; records medians and spreads like repeat()."""
        rounds = 3 if self.quick else 5
        samples = {}
        for _ in range(rounds):
            for fn in fns:
                for k, v in fn().items():
                    samples.setdefault(k, []).append(v)
        med = {}
        for k, vs in samples.items():
            med[k] = self.fig(k, stats.median(vs), units.get(k, ""))
            self.spreads[k] = {"min": _round(min(vs)), "max": _round(max(vs)),
                               "spread": round(stats.spread(vs), 4)}
        return med

    def noise(self, *names):
        """The widest run-to-run spread among names (a fraction; 0 for one run)."""
        return max([self.spreads.get(n, {}).get("spread", 0.0) for n in names] + [0.0])

    def table(self, title, columns, rows):
        self.tables.append({"title": title, "columns": columns,
                            "rows": [[_cell(c) for c in r] for r in rows]})

    def line_chart(self, title, x_label, y_label, series, x_log=False, y_log=False):
        """series: [(name, xs, ys)]"""
        self.charts.append({"kind": "line", "title": title, "x_label": x_label,
                            "y_label": y_label, "x_log": x_log, "y_log": y_log,
                            "series": [{"name": n, "x": list(x), "y": list(y)}
                                       for n, x, y in series]})

    def bars(self, title, y_label, categories, series, x_label="", kind="bars"):
        """series: [(name, values)], one value per category."""
        self.charts.append({"kind": kind, "title": title, "x_label": x_label,
                            "y_label": y_label, "categories": list(categories),
                            "series": [{"name": n, "values": list(v)} for n, v in series]})

    def note(self, text):
        self.notes.append(text)


def _round(v):
    if isinstance(v, float):
        return round(v, 4 if abs(v) < 10 else 1)
    return v


def _cell(c):
    if isinstance(c, float):
        return round(c, 2) if abs(c) < 100 else round(c)
    return c


def pct(v):
    """A ratio as a percentage for a sentence."""
    return "%.0f%%" % (100 * v)


def fmt(v):
    """A figure for a verdict sentence: 3 significant digits, no exponent."""
    if isinstance(v, int):
        return str(v)
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.3g" % v
