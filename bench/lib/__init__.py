# SPDX-License-Identifier: GPL-2.0
"""bench/run's library: paths and targets (config), process control (procs),
the workload (workload), tool drivers (tools), paired rounds (paired),
formatting (fmt), build and environment (setup)."""
