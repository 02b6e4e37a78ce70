# SPDX-License-Identifier: GPL-2.0
"""Verdicts: the four answers a lab can give, and the line that ends it.

A lab's verdict function takes the measured figures and returns one of
these; its thresholds live next to the experiment with their reasons."""
import math

from .stats import num

HOLDS = "holds"
FAILS = "does not hold"
HOLDS_WHEN = "holds only when"
INCONCLUSIVE = "inconclusive"
# A timing lab on a CPU that qemu emulates (TCG): its figures are shown,
# but times measure the emulator, not the kernel, so nothing is decided.
NOT_JUDGED = "not judged"
KINDS = (HOLDS, FAILS, HOLDS_WHEN, INCONCLUSIVE, NOT_JUDGED)


class Verdict:
    def __init__(self, kind, sentence, condition=""):
        assert kind in KINDS, kind
        assert kind not in (HOLDS_WHEN, INCONCLUSIVE, NOT_JUDGED) or condition, \
            "needs a condition"
        self.kind, self.sentence, self.condition = kind, sentence, condition

    def text(self):
        """holds | does not hold | holds only when C | inconclusive: WHY |
        not judged: WHY"""
        if self.kind == HOLDS_WHEN:
            return "%s %s" % (HOLDS_WHEN, self.condition)
        if self.kind in (INCONCLUSIVE, NOT_JUDGED):
            return "%s: %s" % (self.kind, self.condition)
        return self.kind

    def line(self, claim):
        return "%s: %s: %s" % (claim, self.text(), self.sentence)

    def __repr__(self):
        return "Verdict(%r)" % self.line("?")


def holds(sentence):
    return Verdict(HOLDS, sentence)


def fails(sentence):
    return Verdict(FAILS, sentence)


def holds_when(condition, sentence):
    return Verdict(HOLDS_WHEN, sentence, condition)


def inconclusive(why, sentence):
    return Verdict(INCONCLUSIVE, sentence, why)


def not_judged(why, sentence):
    return Verdict(NOT_JUDGED, sentence, why)


def missing(feature):
    """The honest answer when the iotrace, servers or loadgen built here lack
    what the lab measures with: built from an older tree than the labs."""
    return inconclusive("%s not available" % feature,
                        "the programs built here are older than the labs: run make, then "
                        "the lab again")


def compare(a, b, band):
    """+1 if a exceeds b by more than band (a fraction), -1 if b exceeds a
    by more than band, 0 when they are within band of each other (noise)."""
    if a > b * (1 + band):
        return 1
    if b > a * (1 + band):
        return -1
    return 0


# Runs of the same variant that differ by more than this (max-min over
# median) say the machine was too busy to compare anything.
TOO_NOISY = 0.5


def too_noisy(figures, key="noise"):
    """The inconclusive verdict's reason when the runs disagree too much, or None."""
    n = figures.get(key, 0.0)
    if n > TOO_NOISY:
        return "runs of the same variant differ by %.0f%%: the machine is too busy" % (100 * n)
    return None


def noise_band(base, figures, key="noise"):
    """The band to trust: the lab's stated base, or twice the run-to-run
    spread measured for the compared figures when that is wider."""
    return max(base, 2 * figures.get(key, 0.0))


class Line:
    """A straight line the lab fitted (Lab.fit) as a verdict reads it from
    the figures: slope, its 95% interval (lo, hi), intercept, R^2, points."""

    def __init__(self, figures, key):
        self.key = key
        self.slope = figures[key + ": slope"]
        half = figures.get(key + ": slope 95% half-width")
        self.half = math.inf if half is None else half
        self.lo, self.hi = self.slope - self.half, self.slope + self.half
        self.intercept = figures.get(key + ": intercept", 0.0)
        self.r2 = figures.get(key + ": R^2", 0.0)
        self.n = figures.get(key + ": points", 0)

    def within(self, lo, hi):
        """The whole 95% interval of the slope lies in [lo, hi]."""
        return lo <= self.lo and self.hi <= hi

    def eq(self, x_name):
        """'8.00 x fds + 0.0 (R^2 1.000)' for a verdict sentence."""
        return "%s x %s %s %s (R^2 %.3f)" % (num(self.slope), x_name,
                                             "-" if self.intercept < 0 else "+",
                                             num(abs(self.intercept)), self.r2)

    def interval(self):
        """'[7.98, 8.02]': the slope's 95% interval."""
        if math.isinf(self.half):
            return "[?] (too few points)"
        return "[%s, %s]" % (num(self.lo), num(self.hi))


def fitted(figures, key):
    return Line(figures, key)
