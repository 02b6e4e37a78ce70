# SPDX-License-Identifier: GPL-2.0
"""11. What each primitive of a tracer's hot path costs on this machine,
against the floor in the same run: the floor (bench/progs/floor.bpf.c)
doing one more thing per traced syscall (floor -x OP). These are the
bricks of iotrace's cost: its per-call price is the floor plus the clock
reads, user reads and lookups its figures need."""
from lib.fmt import fmt_added, fmt_ns, table
from lib.paired import fast_all, paired_rounds
from lib.procs import log
from lib.tools import TOOLS, FloorPlus
from lib.workload import chunk_ns, run_loop, stamped

PRIMITIVES = [  # (floor -x OP, what it does once per traced call)
    (1, "1 clock read (bpf_ktime_get_ns)"),
    (2, "2 clock reads"),
    (3, "1 user read, 8 B (bpf_probe_read_user)"),
    (4, "1 user read, 80 B"),
    (5, "1 call of a BPF subprogram"),
    (6, "1 array lookup"),
    (7, "1 per-CPU array lookup"),
    (8, "1 hash lookup"),
    (9, "1 task storage lookup"),
]


def run(bench):
    calls = bench.calls(300000)
    rounds = bench.rounds_at_least(15)
    variants = ["floor"]
    for op, what in PRIMITIVES:
        t = FloorPlus(op, what)
        TOOLS[t.name] = t
        variants.append(t.name)
    log("[11] primitives: %d rounds of the floor and %d primitives on it" % (
        rounds, len(PRIMITIVES)))

    def measure(v, r):
        tag = "prim.%s.r%d" % (v, r)
        wl, stamps = stamped(["poll", 10, calls], tag)
        res = run_loop(v, wl, "poll", tag)
        return chunk_ns(stamps) if res is not None else None

    fast = fast_all(paired_rounds(variants, rounds, measure), base="floor")
    rows = [[TOOLS[v].label, fmt_ns(fast[v].value), fast[v].runs(),
             "" if v == "floor" else fmt_added(fast[v].added)] for v in variants]
    bench.emit("### 11. The primitives of a hot path, against the floor\n\n"
               "The floor's exit program doing one more thing per traced syscall "
               "(bench/progs/floor.bpf.c, `floor -x OP`), on poll() of 10 idle fds, timeout "
               "0, %d calls a run. %d rounds, every variant once per round (order rotated). "
               "ns/call: the fast mode, as in section 8 (the median of the fastest third of the runs, "
               "a run's figure being the 10th percentile of its 256-call chunks); Added = "
               "ns/call - the floor's. A timed call needs two "
               "clock reads; a figure from the caller's memory needs a user read.\n\n" % (
                   calls, rounds) + table(["Variant", "ns/call", "Runs",
                                           "Added to the floor"], rows))
