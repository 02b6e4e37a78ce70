# SPDX-License-Identifier: GPL-2.0
"""Repetition: median and spread of a figure over several runs."""
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
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0
