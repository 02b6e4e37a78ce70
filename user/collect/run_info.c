// SPDX-License-Identifier: GPL-2.0
/* The run description's helpers: names, CPU sources, freeing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "iotrace.h"
#include "collect/run_info.h"

const char *run_end_name(const struct run_info *run)
{
	switch (run->end) {
	case RUN_END_DURATION:
		return "duration";
	case RUN_END_SIGINT:
		return "Ctrl-C";
	case RUN_END_SIGTERM:
		return "SIGTERM";
	case RUN_END_EXITED:
		return run->many ? "targets exited" : "target exited";
	case RUN_END_OTHER:
		return run->end_other ? run->end_other : "?";
	}
	return "?";
}

void run_info_free(struct run_info *run)
{
	free(run->cpus);
	run->cpus = NULL;
	run->ncpus = 0;
}

const char *cpu_source_name(unsigned int sources, char *buf, size_t len)
{
	static const char *const names[CPU_SOURCE_NR] = {
		[CPU_PROC] = "proc",
		[CPU_PROC_BEFORE_EXIT] = "proc_before_exit",
		[CPU_RUSAGE] = "rusage",
	};
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < CPU_SOURCE_NR && used < len; i++)
		if (sources & (1u << i))
			used += snprintf(buf + used, len - used, "%s%s", used ? "+" : "", names[i]);
	return buf[0] ? buf : "none";
}

const struct proc_cpu *run_cpu_of(const struct run_info *run, pid_t pid)
{
	size_t i;

	for (i = 0; i < run->ncpus; i++)
		if (run->cpus[i].pid == pid)
			return &run->cpus[i];
	return NULL;
}
