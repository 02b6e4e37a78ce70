# SPDX-License-Identifier: GPL-2.0
"""Paired rounds, the bench's one method for comparing variants.

Within a round every variant runs once, the order rotated from round to
round (A/B interleaved), so slow drift of the machine hits all variants
alike. A variant is then compared with the base (untraced) round by round:
the figure is the median of the per-round differences or ratios, and their
min..max is shown as the spread."""
from lib.fmt import fmt_ns, med, spread


def rotate(seq, r):
    r %= len(seq)
    return seq[r:] + seq[:r]


def paired_rounds(variants, rounds, measure):
    """measure(variant, round) for each variant in each round, the order
    rotated per round. Returns {variant: [value per round, None if failed]}."""
    per = {v: [] for v in variants}
    for r in range(rounds):
        for v in rotate(list(variants), r):
            per[v].append(measure(v, r))
    return per


class Paired:
    """One variant's per-round values against the same rounds' base values.

    value: median of the variant's own values; added: median of per-round
    (value - base); ratio: median of per-round value / base; *_all: the
    per-round figures (None where either run failed)."""

    def __init__(self, values, base):
        pairs = list(zip(values, base))
        self.value = med(values)
        self.added_all = [x - b if x is not None and b is not None else None
                          for x, b in pairs]
        self.ratio_all = [x / b if x is not None and b else None for x, b in pairs]
        self.added = med(self.added_all)
        self.ratio = med(self.ratio_all)

    def added_spread(self, fmt=fmt_ns):
        return spread(self.added_all, fmt)

    def ratio_spread(self, fmt=lambda x: "%.2fx" % x):
        return spread(self.ratio_all, fmt)


def pair_all(per, base="untraced"):
    """{variant: Paired} for the output of paired_rounds()."""
    return {v: Paired(vals, per[base]) for v, vals in per.items()}


def fast_mode(values, high=False):
    """The steady fast end of a variant's runs: the median of its fastest
    third (at least 3). A run here is either in a steady fast mode or slowed
    as a whole, by a slow phase of the host or by where the run's process and
    programs landed in memory (untraced runs too: epoll_wait 159 or 185 ns),
    so pairing a run with its neighbour mixes modes while the fast mode is
    stable to about 1%.
    (high: the fastest runs are the highest values, as req/s.)"""
    xs = sorted((x for x in values if x is not None), reverse=high)
    return med(xs[:max(3, len(xs) // 3)]) if xs else None


class Fast:
    """A variant's fast-mode value, and what it adds to the base's."""

    def __init__(self, values, base):
        self.values = [x for x in values if x is not None]
        self.value = fast_mode(values)
        self.added = None if self.value is None or base is None else self.value - base

    def runs(self, fmt=fmt_ns):
        return spread(self.values, fmt)


def fast_all(per, base="untraced"):
    """{variant: Fast} for the output of paired_rounds()."""
    b = fast_mode(per[base])
    return {v: Fast(vals, b) for v, vals in per.items()}
