/* SPDX-License-Identifier: GPL-2.0 */
/* The JSON report's parts (schema in doc/json.md). */
#ifndef IOTRACE_REPORT_JSON_H
#define IOTRACE_REPORT_JSON_H

#include <json-c/json.h>
#include "collect/measured.h"
#include "report/report.h"

static inline void add_u64(json_object *o, const char *k, __u64 v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static inline void add_double(json_object *o, const char *k, double v)
{
	json_object_object_add(o, k, json_object_new_double(v));
}

static inline void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

/* A figure this run did not measure is null, never 0 (doc/json.md) */
static inline void add_null(json_object *o, const char *k)
{
	json_object_object_add(o, k, NULL);
}

/* v, or null when the run did not measure f (v is then freed) */
static inline void add_if(json_object *o, const char *k, const struct run_info *run,
			  enum figure f, json_object *v)
{
	if (figure_missing(run, f)) {
		json_object_put(v);
		v = NULL;
	}
	json_object_object_add(o, k, v);
}

/* report_json_sys.c: {"select": {...}, ...} for one thread or all */
json_object *syscalls_json(const struct snapshot *snap, const struct run_info *run, __u32 tid,
			   const struct mux_stats *stats, unsigned int present);

/* report_json_rows.c: the tables after the syscalls */
json_object *wakeups_json(const struct snapshot *snap, const struct run_info *run,
			  const struct ksyms *ks);
json_object *fds_json(const struct snapshot *snap);
json_object *closed_fds_json(const struct closed_fds *c);
json_object *epolls_json(const struct snapshot *snap);
json_object *per_request_json(const struct snapshot *snap, const struct run_info *run);
json_object *processes_json(const struct snapshot *snap, const struct run_info *run);
/* {"user_s", "system_s", "total_s", "source"} */
json_object *cpu_json(const struct cpu_use *c);

/* report_io.c: an IO row's fd kinds; the io summary by kind */
json_object *fd_kinds_json(const struct mux_stats *s);
json_object *io_json(const struct snapshot *snap);

/* report_all.c: every syscall by name */
json_object *all_syscalls_json(const struct snapshot *snap);
json_object *per_request_by_syscall_json(const struct snapshot *snap, __u64 reqs);

#endif
