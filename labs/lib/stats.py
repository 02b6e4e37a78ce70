# SPDX-License-Identifier: GPL-2.0
"""Repetition (median and spread of a figure over several runs) and the
straight line through a series (least squares, with R^2 and a 95%
interval for the slope): the labs' whole statistics, stdlib only."""
import math
import statistics


def median(values):
    return statistics.median(values) if values else 0.0


def spread(values):
    """(max - min) / median: the run-to-run noise as a fraction (0 for one run)."""
    if len(values) < 2:
        return 0.0
    m = median(values)
    return (max(values) - min(values)) / abs(m) if m else 0.0


def repeat(fn, runs):
    """fn() -> {name: number}, run runs times: ({name: median}, {name: [values]})."""
    samples = {}
    for _ in range(runs):
        for k, v in fn().items():
            samples.setdefault(k, []).append(v)
    return {k: median(v) for k, v in samples.items()}, samples


def slope(xs, ys):
    """Least-squares slope of ys against xs."""
    return Fit(xs, ys).slope


# Student's t for a two-sided 95% interval, by degrees of freedom (1-30).
# Past 30, two Cornish-Fisher terms from the normal 1.96 are within 0.001.
T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


def t975(df):
    if df < 1:
        return math.inf
    if df <= len(T975):
        return T975[df - 1]
    z = 1.959964
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)


class Fit:
    """y = slope * x + intercept by ordinary least squares over every
    (x, y) given (each run of each point: the scatter is the noise).

    r2: the share of y's variance the line explains (1: every point on
    it; near 0: the line explains nothing, as for a flat series whose
    wobble is noise). se: the slope's standard error; ci95: the
    half-width of its 95% interval (t with n - 2 degrees of freedom),
    infinite with fewer than 3 points."""

    def __init__(self, xs, ys):
        xs, ys = [float(x) for x in xs], [float(y) for y in ys]
        assert len(xs) == len(ys)
        self.xs, self.ys, self.n = xs, ys, len(xs)
        n = self.n
        self.slope, self.intercept, self.r2 = 0.0, median(ys), 0.0
        self.se = self.ci95 = math.inf
        if n < 2:
            return
        mx, my = sum(xs) / n, sum(ys) / n
        sxx = sum((x - mx) ** 2 for x in xs)
        syy = sum((y - my) ** 2 for y in ys)
        if sxx == 0:
            return
        self.slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
        self.intercept = my - self.slope * mx
        ss_res = sum((y - self.at(x)) ** 2 for x, y in zip(xs, ys))
        # every y equal: the flat line is exact, and explains all there is
        self.r2 = 1.0 - ss_res / syy if syy > 0 else 1.0
        if n > 2:
            self.se = math.sqrt(ss_res / (n - 2) / sxx)
            self.ci95 = t975(n - 2) * self.se

    def at(self, x):
        return self.slope * x + self.intercept

    def slope_range(self):
        """(low, high): the slope's 95% interval."""
        return self.slope - self.ci95, self.slope + self.ci95

    def text(self, y_name, x_name):
        """'bytes in per call = 8.00 x fds watched + 0.0 (R^2 1.000)'"""
        sign = "-" if self.intercept < 0 else "+"
        return "%s = %s x %s %s %s (R^2 %.3f)" % (y_name, num(self.slope), x_name, sign,
                                                 num(abs(self.intercept)), self.r2)

    def interval(self):
        """'8.00 +- 0.01 (95%, 18 points)'"""
        ci = "inf" if math.isinf(self.ci95) else num(self.ci95)
        return "%s +- %s (95%%, %d points)" % (num(self.slope), ci, self.n)


def num(v):
    """3 significant digits, no exponent: 8.00, 0.250, 61.2, 1234."""
    a = abs(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    if a < 1e-9:                # rounding noise of an exact fit
        return "0.0"
    return "%.*f" % (max(2, 2 - int(math.floor(math.log10(a)))), v)
