# SPDX-License-Identifier: GPL-2.0
"""The context an experiment measures in: mode, repetition, figures with
units, the straight lines fitted through its series, and the tables and
charts its page shows."""
import math

from . import stats


class Lab:
    def __init__(self, quick):
        self.quick = quick
        # Full mode repeats every point (median and spread shown); quick
        # mode runs once, so only the labs' stated noise bands protect it.
        self.runs = 1 if quick else 3
        self.figures = {}       # name -> {"value", "unit"}
        self.spreads = {}       # name -> {"min", "max", "spread"}
        self.samples = {}       # name -> every run's value, in run order
        self.fits = []          # the lines fitted through series (fit())
        self.tabled = set()     # figures a table shows, left out of the figure list
        self.tables = []
        self.charts = []
        self.notes = []
        # claim id -> (figure, why): what iotrace left out here that only
        # some claims of a shared experiment need; the others still decide
        self.unmeasured = {}

    def not_measured(self, claim_ids, figure, why):
        """The claims in claim_ids cannot be decided: iotrace did not measure figure."""
        for cid in claim_ids:
            self.unmeasured[cid] = (figure, why)

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
        self.samples.update(samples)
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
        self.samples.update(samples)
        for k, vs in samples.items():
            med[k] = self.fig(k, stats.median(vs), units.get(k, ""))
            self.spreads[k] = {"min": _round(min(vs)), "max": _round(max(vs)),
                               "spread": round(stats.spread(vs), 4)}
        return med

    def noise(self, *names):
        """The widest run-to-run spread among names (a fraction; 0 for one run)."""
        return max([self.spreads.get(n, {}).get("spread", 0.0) for n in names] + [0.0])

    def runs_of(self, name):
        """Every run's value of a figure (its one value when not repeated)."""
        return self.samples.get(name) or [self.figures[name]["value"]]

    def fit(self, key, points, x_name, y_unit, x_unit):
        """Fit a straight line through points, [(x figure, y figure)]: every
        run's x against the same run's y (an x given as a number is that
        point's x in every run). Records key's figures (FIT_FIGURES:
        slope, its 95% half-width, intercept, R^2, points) and the fit's
        line for the page; returns the stats.Fit."""
        xs, ys = [], []
        for xk, yk in points:
            if yk not in self.figures or not isinstance(xk, (int, float)) and \
                    xk not in self.figures:     # a point this run could not measure
                continue
            yv = self.runs_of(yk)
            xv = [xk] * len(yv) if isinstance(xk, (int, float)) else self.runs_of(xk)
            xs += xv[:len(yv)]
            ys += yv[:len(xv)]
        f = stats.Fit(xs, ys)
        per = "%s per %s" % (y_unit, x_unit)
        self.fig(key + ": slope", f.slope, per)
        self.fig(key + ": slope 95% half-width", f.ci95 if math.isfinite(f.ci95) else None, per)
        self.fig(key + ": intercept", f.intercept, y_unit)
        self.fig(key + ": R^2", round(f.r2, 4), "")
        self.fig(key + ": points", f.n, "runs")
        self.tabled.update(key + k for k in FIT_FIGURES)
        self.fits.append({"key": key, "line": f.text(key, x_name),
                          "slope": f.interval() + " " + per, "x": f.xs, "y": f.ys})
        return f

    def points_table(self, title, x_name, rows, columns):
        """A series' points: rows [(x, {column: figure name})], each cell the
        median with the runs' min..max; those figures leave the figure list."""
        cells = []
        for x, names in rows:
            row = [x]
            for c in columns:
                k = names.get(c)
                if k is None or k not in self.figures:
                    row.append("-")
                    continue
                self.tabled.add(k)
                v, sp = self.figures[k]["value"], self.spreads.get(k)
                row.append("%s (%s..%s)" % (_num(v), _num(sp["min"]), _num(sp["max"]))
                           if sp and sp["min"] != sp["max"] else _num(v))
            cells.append(row)
        self.table(title, [x_name] + list(columns), cells)

    def fit_chart(self, title, x_label, y_label, groups, x_log=False, y_log=False):
        """Each group (name, xs, ys, fit) draws its points (medians) and its
        fitted line at the same x as a second series named "fit: NAME = ..."
        (the spec has no other way to draw a line through points)."""
        series = []
        for name, xs, ys, f in groups:
            series.append((name, xs, ys))
            fitted = [f.at(x) for x in xs]
            series.append(("fit: %s = %s x %s %s" % (name, stats.num(f.slope),
                                                      "-" if f.intercept < 0 else "+",
                                                      stats.num(abs(f.intercept))),
                           xs, [None if y_log and v <= 0 else v for v in fitted]))
        self.line_chart(title, x_label, y_label, series, x_log, y_log)

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


# The figures fit() records for a key, after "KEY".
FIT_FIGURES = (": slope", ": slope 95% half-width", ": intercept", ": R^2", ": points")


def _num(v):
    return stats.num(v) if isinstance(v, float) else str(v)


def _round(v):
    """4 decimals under 10 (4 significant digits for smaller ones), 1 above."""
    if isinstance(v, float) and math.isfinite(v):
        if abs(v) >= 10:
            return round(v, 1)
        return round(v, max(4, 3 - math.floor(math.log10(abs(v))))) if v else 0.0
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
