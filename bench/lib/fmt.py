# SPDX-License-Identifier: GPL-2.0
"""Formatting of figures, verdicts and markdown tables."""
import statistics


def fmt_ns(ns):
    if ns is None:
        return "n/a"
    if abs(ns) >= 10000:
        return "%.1f us" % (ns / 1000)
    return "%.0f ns" % ns


def fmt_added(ns):
    if ns is None:
        return "n/a"
    return ("+" if ns >= 0 else "-") + fmt_ns(abs(ns))


def fmt_ratio(x):
    return "%.2fx" % x if x is not None else "n/a"


def fmt_pct(x):
    return "%.1f%%" % (x * 100) if x is not None else "n/a"


def verdict_max(value, target, fmt):
    """PASS/MISS for 'value <= target'."""
    if value is None:
        return "n/a"
    if value <= target:
        return "PASS"
    return "MISS by %s (%.1fx target)" % (fmt(value - target), value / target if target else 0)


def verdict_min(value, target, fmt):
    if value is None:
        return "n/a"
    if value >= target:
        return "PASS"
    return "MISS by %s" % fmt(target - value)


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def spread(xs, fmt=fmt_ns):
    """'min..max' of the values (none shown for fewer than 2)."""
    xs = [x for x in xs if x is not None]
    if len(xs) < 2:
        return ""
    return "%s..%s" % (fmt(min(xs)), fmt(max(xs)))
