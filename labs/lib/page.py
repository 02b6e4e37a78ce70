# SPDX-License-Identifier: GPL-2.0
"""A lab's page: the chart spec of `iotrace --plot SPEC --html OUT` (the
claim as the title, the verdict under it, the figures, tables and charts),
and the same tables as text."""
import json
import subprocess
import sys

from . import machine
from .procs import IOTRACE


def text_table(t):
    cols = [str(c) for c in t["columns"]]
    rows = [[str(c) for c in r] for r in t["rows"]]
    w = [max(len(r[i]) for r in [cols] + rows) for i in range(len(cols))]
    lines = [t["title"], "  ".join(c.rjust(w[i]) if i else c.ljust(w[i])
                                   for i, c in enumerate(cols))]
    for r in rows:
        lines.append("  ".join(c.rjust(w[i]) if i else c.ljust(w[i]) for i, c in enumerate(r)))
    return "\n".join(lines)


def spec(out):
    """The plot spec (iotrace --plot, doc/plot-spec.md) for one claim's outcome."""
    c, lab = out.claim, out.lab
    m = machine.describe()
    figures = {"title": "Figures", "columns": ["figure", "value", "unit", "spread"],
               "rows": [[k, f["value"], f["unit"],
                         "%.0f%%" % (100 * lab.spreads[k]["spread"]) if k in lab.spreads else ""]
                        for k, f in lab.figures.items() if k not in lab.tabled]}
    fits = {"title": "Straight lines fitted by least squares (every run of every point)",
            "columns": ["fit", "slope (95% interval)"],
            "rows": [[f["line"], f["slope"]] for f in lab.fits]}
    paras = ["Claim %s: %s." % (c["id"], c["claim"]),
             "Measured on %d CPUs (%s), kernel %s, load average %.2f; %s; %s mode, %d run(s) "
             "per point." % (m["cpus"], m["model"], machine.kernel(), m["loadavg_1min"],
                             m["pinning"], "quick" if lab.quick else "full", lab.runs)]
    paras += ["Warning: " + w for w in machine.warnings()] + lab.notes
    return {"title": c["claim"], "subtitle": "%s: %s" % (c["id"], c["title"]),
            "verdict": out.line(), "paragraphs": paras,
            "tables": ([figures] if figures["rows"] else []) + ([fits] if lab.fits else [])
            + lab.tables,
            "charts": lab.charts}


def write_html(out, html_path):
    """Write SPEC next to the page and let iotrace draw it."""
    spec_path = html_path + ".spec.json"
    with open(spec_path, "w") as f:
        json.dump(spec(out), f, indent=1)
    r = subprocess.run([IOTRACE, "--plot", spec_path, "--html", html_path],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        msg = (r.stderr or r.stdout).strip().splitlines()
        print("labs: failed to draw %s: %s (the chart spec is in %s)"
              % (html_path, msg[0] if msg else "iotrace --plot exited %d" % r.returncode,
                 spec_path), file=sys.stderr)
        return False
    return True
