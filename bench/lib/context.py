# SPDX-License-Identifier: GPL-2.0
"""What one run of the bench shares between its sections: the options, the
tools installed, and the markdown and summary the sections add to."""
import shutil

from lib.tools import TOOL_ORDER


class Bench:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.rounds = args.rounds or (1 if args.quick else 5)
        self.out = []		# markdown blocks
        self.summary = []	# (target, measured, verdict)
        self.notes = []
        self.tools = [t for t in TOOL_ORDER if t == "iotrace" or shutil.which(t)]
        for t in TOOL_ORDER:
            if t not in self.tools:
                self.notes.append("%s not installed: skipped (scripts/install-deps --bench)" % t)

    def emit(self, text):
        self.out.append(text)

    def target(self, what, measured, verdict):
        self.summary.append((what, measured, verdict))

    def rounds_at_least(self, n):
        """Rounds for a section that needs more than the default to resolve
        its differences: n, unless --rounds or --quick said otherwise."""
        return self.rounds if self.quick or self.args.rounds else max(self.rounds, n)

    def calls(self, full=1000000):
        """Loop calls per run: full, or a fifth of it with --quick."""
        return full // 5 if self.quick else full
