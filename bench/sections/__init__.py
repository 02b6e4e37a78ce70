# SPDX-License-Identifier: GPL-2.0
"""The bench's sections, in order: --only takes a name or its number. Each
module has run(bench), which measures and adds its table to bench."""
import importlib

SECTIONS = ["percall", "others", "throughput", "capacity", "attach", "scale", "cost",
            "floor", "record", "nginx", "primitives"]


def run(name, bench):
    importlib.import_module("sections." + name).run(bench)
