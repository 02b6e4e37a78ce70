// SPDX-License-Identifier: GPL-2.0
/* The JSON report's tables: wakeups, fds, epoll interest, per request, processes. */
#include <errno.h>
#include <stdlib.h>
#include "collect/names.h"
#include "report/report_json.h"

/* By class: what woke each call (FIG_WAKE_CLASSES); contexts and stacks need the maps */
json_object *wakeups_json(const struct snapshot *snap, const struct run_info *run,
			  const struct ksyms *ks)
{
	json_object *o = json_object_new_object(), *stacks = json_object_new_array();
	unsigned int s, c;
	size_t i, k;

	for (s = 0; s < MUX_NR; s++) {
		json_object *cls = json_object_new_object(), *ctxs = json_object_new_object(), *w;
		__u64 total = 0;

		for (c = 0; c < WAKE_NR; c++) {
			total += snap->wake[s][c];
			if (snap->wake[s][c])
				add_u64(cls, wake_class_name(c), snap->wake[s][c]);
		}
		for (c = 0; c < CTX_NR; c++)
			if (snap->wake_ctx[s][c])
				add_u64(ctxs, wake_context_name(c), snap->wake_ctx[s][c]);
		if (!total) {
			json_object_put(cls);
			json_object_put(ctxs);
			continue;
		}
		w = json_object_new_object();
		add_u64(w, "total", total);
		json_object_object_add(w, "by_class", cls);
		add_if(w, "by_context", run, FIG_WAKE_STACKS, ctxs);
		json_object_object_add(o, mux_sys_name(s), w);
	}
	for (i = 0; i < snap->nwakes && i < 20; i++) {
		const struct wake_row *r = &snap->wakes[i];
		json_object *e = json_object_new_object(), *frames = json_object_new_array();

		add_str(e, "syscall", mux_sys_name(r->sys));
		add_str(e, "class", wake_class_name(r->info.cls));
		add_str(e, "context", wake_context_name(r->info.ctx));
		add_str(e, "waker_function", r->info.waker_fn ? r->info.waker_fn : "");
		add_str(e, "waker_comm", r->waker);
		add_u64(e, "count", r->count);
		for (k = 0; k < MAX_STACK_DEPTH && r->ips[k]; k++)
			json_object_array_add(frames, json_object_new_string(
				ksyms_name(ks, r->ips[k]) ? ksyms_name(ks, r->ips[k]) : "[unknown]"));
		json_object_object_add(e, "frames", frames);
		json_object_array_add(stacks, e);
	}
	add_if(o, "top_stacks", run, FIG_WAKE_STACKS, stacks);
	return o;
}

json_object *fds_json(const struct snapshot *snap)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < snap->nfdrows; i++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "pid", json_object_new_int(snap->fdrows[i].tgid));
		json_object_object_add(e, "fd", json_object_new_int(snap->fdrows[i].fd));
		add_u64(e, "reports", snap->fdrows[i].reports);
		add_u64(e, "rereports", snap->fdrows[i].rereports);
		json_object_array_add(a, e);
	}
	return a;
}

json_object *closed_fds_json(const struct closed_fds *c)
{
	json_object *o = json_object_new_object();

	add_u64(o, "fds", c->fds);
	add_u64(o, "reports", c->reports);
	add_u64(o, "rereports", c->rereports);
	add_u64(o, "max_rereports", c->max_rereports);
	return o;
}

json_object *epolls_json(const struct snapshot *snap)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < snap->nepolls; i++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "pid", json_object_new_int(snap->epolls[i].tgid));
		json_object_object_add(e, "epfd", json_object_new_int(snap->epolls[i].epfd));
		json_object_object_add(e, "registrations",
				       json_object_new_int64(snap->epolls[i].registrations));
		json_object_array_add(a, e);
	}
	return a;
}

static __u64 eagain(const struct snapshot *snap)
{
	__u64 n = 0;
	unsigned int s;

	for (s = 0; s < MUX_NR; s++)
		if (is_io(s))
			n += snapshot_errno(snap, s, EAGAIN);
	return n;
}

/* Syscalls per request: per socket read that returned data (claims M5, E7) */
json_object *per_request_json(const struct snapshot *snap, const struct run_info *run)
{
	json_object *o = json_object_new_object();
	__u64 waits = snapshot_calls(snap, is_wait), ctl = snapshot_calls(snap, is_epoll_ctl);
	__u64 reqs = snapshot_requests(snap), all = allsys_calls(snap);
	bool every = !figure_missing(run, FIG_ALL_SYSCALLS);	/* every syscall counted */

	add_u64(o, "requests", reqs);
	add_if(o, "syscalls", run, FIG_ALL_SYSCALLS, json_object_new_uint64(all));
	add_u64(o, "waits", waits);
	add_u64(o, "epoll_ctl", ctl);
	add_u64(o, "reads", snapshot_calls(snap, is_read));
	add_u64(o, "writes", snapshot_calls(snap, is_write));
	add_u64(o, "accepts", snapshot_calls(snap, is_accept));
	add_u64(o, "eagain", eagain(snap));
	if (waits)
		add_double(o, "epoll_ctl_per_wait", (double)ctl / waits);
	if (reqs && every) {
		add_double(o, "syscalls_per_request", (double)all / reqs);
		json_object_object_add(o, "by_syscall", per_request_by_syscall_json(snap, reqs));
	} else if (reqs) {
		add_null(o, "syscalls_per_request");
		add_null(o, "by_syscall");
	}
	return o;
}

json_object *cpu_json(const struct cpu_use *c)
{
	json_object *o = json_object_new_object();
	char src[64];

	add_double(o, "user_s", c->user_s);
	add_double(o, "system_s", c->system_s);
	add_double(o, "total_s", c->user_s + c->system_s);
	add_str(o, "source", cpu_source_name(c->sources, src, sizeof(src)));
	return o;
}

/* The traced processes: those with calls (several with -p A,B or -f) or CPU figures */
json_object *processes_json(const struct snapshot *snap, const struct run_info *run)
{
	json_object *a = json_object_new_array();
	struct process_row *p;
	size_t n = report_processes(snap, run, &p), i;

	for (i = 0; i < n; i++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "pid", json_object_new_int(p[i].p.tgid));
		add_str(e, "comm", p[i].p.comm);
		add_u64(e, "threads", p[i].p.threads);
		add_u64(e, "mux_calls", p[i].p.mux_calls);
		if (p[i].cpu && !figure_missing(run, FIG_CPU))
			json_object_object_add(e, "cpu", cpu_json(&p[i].cpu->cpu));
		json_object_array_add(a, e);
	}
	free(p);
	return a;
}
