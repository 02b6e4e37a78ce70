# SPDX-License-Identifier: GPL-2.0
"""Running a claim's lab: measure (once per experiment file), judge, print
the figures and the verdict line, write the JSON and the page."""
import importlib
import json
import os
import sys
import time
import traceback

from . import claims, machine, page, verdict
from .lab import Lab
from .procs import LabError, Missing, NotMeasured


class Outcome:
    """One claim's result: what --json writes and the --all table shows."""

    def __init__(self, claim, lab, v, secs, shared_with=None):
        self.claim, self.lab, self.verdict, self.secs = claim, lab, v, secs
        self.shared_with = shared_with

    def as_json(self):
        return {"claim": self.claim["id"], "title": self.claim["title"],
                "verdict": self.verdict.text(), "condition": self.verdict.condition,
                "sentence": self.verdict.sentence, "line": self.line(),
                "figures": self.lab.figures, "fits": self.lab.fits, "runs": self.lab.runs,
                "spread": self.lab.spreads, "mode": "quick" if self.lab.quick else "full",
                "key": self.key(), "timing": self.claim["id"] in claims.TIMING,
                "seconds": round(self.secs, 2), "machine": machine.describe(),
                "warnings": machine.warnings(), "kernel": machine.kernel()}

    def line(self):
        return self.verdict.line(self.claim["id"])

    def key(self):
        """The claim's key figures (claims.KEY): what they are and their values
        (null when not measured)."""
        what, names = claims.KEY[self.claim["id"]]
        return {"what": what, "figures": names,
                "values": [self.lab.figures.get(n, {}).get("value") for n in names]}


def not_measured_verdict(figure, why):
    return verdict.inconclusive("iotrace did not measure %s here: %s" % (figure, why),
                                "iotrace ran with --light, which leaves it out" if why == "--light"
                                else "the only mode of iotrace this kernel loads leaves it out")


def _measure(module_name, quick):
    """(lab, module, error verdict or None, seconds) for one experiment file."""
    lab = Lab(quick)
    start = time.monotonic()
    mod, err = None, None
    try:
        mod = importlib.import_module(module_name)
        mod.measure(lab)
    except NotMeasured as e:
        err = not_measured_verdict(*e.args)
    except Missing as e:
        err = verdict.missing(str(e))
    except (LabError, OSError) as e:
        err = verdict.inconclusive("the experiment failed", str(e))
    except Exception as e:      # noqa: BLE001 - a bug: shown, never hidden
        traceback.print_exc()
        err = verdict.inconclusive("the experiment failed", "%s: %s" % (type(e).__name__, e))
    return lab, mod, err, time.monotonic() - start


def judge(claim, quick, cache):
    """Measure (or reuse the experiment shared with an earlier claim) and judge."""
    name = claim["module"]
    if claim["id"] in claims.TIMING and machine.emulated():
        # nothing to learn from emulated times, and much to lose: a spinning
        # server traced under qemu's TCG has crashed guests (int3 Oops while
        # the kernel patched the tracepoints in); LABS_EMULATED=0 runs them
        return Outcome(claim, Lab(quick), verdict.not_judged(
            "emulated CPU", "not measured: its verdict rests on %s, and times on an "
            "emulated CPU measure the emulator" % claims.TIMING[claim["id"]]), 0.0)
    shared = name in cache
    if not shared:
        cache[name] = _measure(name, quick) + (claim["id"],)
    lab, mod, err, secs, first = cache[name]
    if err is not None:
        v = err
    elif claim["id"] in lab.unmeasured:     # the experiment ran; this claim lacks a figure
        v = not_measured_verdict(*lab.unmeasured[claim["id"]])
    else:
        try:
            v = mod.VERDICTS[claim["id"]](dict((k, f["value"]) for k, f in lab.figures.items()))
        except Exception as e:  # noqa: BLE001
            traceback.print_exc()
            v = verdict.inconclusive("the verdict failed", "%s: %s" % (type(e).__name__, e))
    return Outcome(claim, lab, v, 0.0 if shared else secs, first if shared else None)


def print_lab(out, f=sys.stdout):
    c, lab = out.claim, out.lab
    print("== %s: %s" % (c["id"], c["title"]), file=f)
    print("claim: %s" % c["claim"], file=f)
    m = machine.describe()
    print("machine: %d CPUs, kernel %s, load %.2f; %s; %s mode, %d run%s per point"
          % (m["cpus"], machine.kernel(), m["loadavg_1min"], m["pinning"],
             "quick" if lab.quick else "full", lab.runs, "" if lab.runs == 1 else "s"),
          file=f)
    for w in machine.warnings():
        print("warning: " + w, file=f)
    if out.shared_with:
        print("(figures measured once for %s, which shares this experiment)"
              % out.shared_with, file=f)
    listed = [k for k in lab.figures if k not in lab.tabled]
    if listed:
        print("%-52s %10s  %s" % ("FIGURE", "VALUE", "UNIT"), file=f)
        for k in listed:
            fig = lab.figures[k]
            sp = lab.spreads.get(k)
            extra = "  (spread %.0f%%, %s..%s)" % (100 * sp["spread"], sp["min"], sp["max"]) \
                if sp else ""
            print("%-52s %10s  %s%s" % (k, fig["value"], fig["unit"], extra), file=f)
    for t in lab.tables:
        print("\n" + page.text_table(t), file=f)
    if lab.fits:
        print("\nstraight lines fitted by least squares (every run of every point):", file=f)
    for fit in lab.fits:
        print("  %s; slope %s" % (fit["line"], fit["slope"]), file=f)
    for n in lab.notes:
        print("note: " + n, file=f)
    print(out.line(), file=f)
    f.flush()


def write_outputs(out, json_path=None, html_path=None):
    if json_path:
        with open(json_path, "w") as f:
            json.dump(out.as_json(), f, indent=1)
            f.write("\n")
    if html_path:
        page.write_html(out, html_path)


def run_one(claim_id, quick, json_path=None, html_path=None):
    claim = claims.find(claim_id)
    out = judge(claim, quick, {})
    print_lab(out)
    write_outputs(out, json_path, html_path)
    return out


def run_all(quick, json_dir=None, html_dir=None, verbose=False):
    cache, outs, start = {}, [], time.monotonic()
    for d in (json_dir, html_dir):
        if d:
            os.makedirs(d, exist_ok=True)
    for cid in claims.IDS:
        out = judge(claims.BY_ID[cid], quick, cache)
        if verbose:
            print_lab(out)
        else:
            print(out.line(), flush=True)
        write_outputs(out, json_dir and os.path.join(json_dir, cid + ".json"),
                      html_dir and os.path.join(html_dir, cid + ".html"))
        outs.append(out)
    print()
    print(summary_table(outs, time.monotonic() - start))
    return outs


def summary_table(outs, total):
    rows = ["%-5s %-34s %7s  %s" % ("CLAIM", "VERDICT", "TIME", "DECIDING FIGURES")]
    for o in outs:
        t = "%5.1f s" % o.secs if not o.shared_with else "(%s)" % o.shared_with
        rows.append("%-5s %-34s %7s  %s" % (o.claim["id"], o.verdict.text(), t,
                                            o.verdict.sentence))
    counts = {}
    for o in outs:
        counts[o.verdict.kind] = counts.get(o.verdict.kind, 0) + 1
    rows.append("%d claims in %.0f s: %s" % (len(outs), total, ", ".join(
        "%d %s" % (n, k) for k, n in counts.items())))
    return "\n".join(rows)
