# SPDX-License-Identifier: GPL-2.0
"""The labs' shared pieces: claims table, runner, machine checks, servers,
loadgen and iotrace drivers, statistics, verdicts, pages."""
