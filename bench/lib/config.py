# SPDX-License-Identifier: GPL-2.0
"""Paths, timeouts and the issue's targets, shared by every section."""
import os

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)
IOTRACE = os.path.join(ROOT, "iotrace")
MUXLOOP = os.path.join(BENCH, "bin", "muxloop")
FLOOR = os.path.join(BENCH, "bin", "floor")
POLL_LAT_BT = os.path.join(BENCH, "poll_lat.bt")
SERVERS = os.path.join(ROOT, "servers")
EPOLL_SERVER = os.path.join(SERVERS, "bin", "epoll")
LOADGEN_DIR = os.path.join(ROOT, "loadgen")
LOADGEN = os.path.join(LOADGEN_DIR, "bin", "loadgen")
LOGS = os.path.join(BENCH, "logs")

PERF_SETTLE_S = 3.0	# perf trace prints nothing once attached
READY_TIMEOUT_S = 30.0

# The targets for iotrace, and its reference figures for the others
# (ns added per poll() call on 10 fds, measured on the issue author's machine).
TARGET_ADDED_NS = 150
TARGET_OTHERS_NS = 30
TARGET_THROUGHPUT = 0.97
TARGET_RATE = 1e6
TARGET_ATTACH_S = 0.3
TARGET_MEM_MIB = 32
REFERENCE_ADDED_NS = {"syscount": 620, "bpftrace": 1300, "perf": 29000, "strace": 72000}
