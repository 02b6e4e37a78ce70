// SPDX-License-Identifier: GPL-2.0
/* One syscall's figures as JSON: calls, errors, latency, time, kernel work. */
#include <stdlib.h>
#include "collect/hist.h"
#include "collect/names.h"
#include "report/report_json.h"

static json_object *latency_json(const struct mux_stats *s)
{
	json_object *o = json_object_new_object(), *hist = json_object_new_array();
	unsigned int i;

	/* --light: every figure here is of the timed calls only */
	add_u64(o, "timed_calls", timed_calls(s));
	add_u64(o, "total_ns", s->lat_total);
	add_double(o, "mean_ns", mean_lat(s));
	add_u64(o, "p50_ns", hist_quantile(s->hist, 0.50, s->lat_max));
	add_u64(o, "p90_ns", hist_quantile(s->hist, 0.90, s->lat_max));
	add_u64(o, "p99_ns", hist_quantile(s->hist, 0.99, s->lat_max));
	add_u64(o, "max_ns", s->lat_max);
	/* non-empty slots: [low_ns, high_ns] inclusive */
	for (i = 0; i < HIST_SLOTS; i++) {
		json_object *b;

		if (!s->hist[i])
			continue;
		b = json_object_new_object();
		add_u64(b, "low_ns", hist_slot_low(i));
		add_u64(b, "high_ns", i + 1 < HIST_SLOTS ? hist_slot_low(i + 1) - 1 : UINT64_MAX);
		add_u64(b, "count", s->hist[i]);
		json_object_array_add(hist, b);
	}
	json_object_object_add(o, "histogram", hist);
	return o;
}

static json_object *errnos_json(const struct snapshot *snap, __u32 tid, unsigned int sys,
				bool interrupts)
{
	json_object *o = json_object_new_object();
	char buf[16];
	size_t i;

	for (i = 0; i < snap->nerrs; i++) {
		const struct err_count *e = &snap->errs[i];
		const char *name;
		json_object *prev;
		__u64 n = e->count;

		if (e->sys != sys || (tid != SNAP_ALL_THREADS && e->tid != tid) ||
		    errno_is_interrupt(e->err) != interrupts)
			continue;
		name = errno_name(e->err, buf, sizeof(buf));
		if (json_object_object_get_ex(o, name, &prev))
			n += json_object_get_uint64(prev);
		add_u64(o, name, n);
	}
	return o;
}

static json_object *log2_json(const __u32 *hist)
{
	json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < LOG2_SLOTS; i++) {
		json_object *b;

		if (!hist[i])
			continue;
		b = json_object_new_object();
		add_u64(b, "low", i ? 1ULL << (i - 1) : 0);
		add_u64(b, "high", i ? (1ULL << i) - 1 : 0);
		add_u64(b, "count", hist[i]);
		json_object_array_add(a, b);
	}
	return a;
}

/* Where the call's time went; for reads, the two phases of claim M1. */
static json_object *time_json(const struct mux_stats *s, unsigned int sys)
{
	json_object *o = json_object_new_object();
	__u64 oncpu = oncpu_ns(s);	/* the timed calls' (--light) */

	add_u64(o, "oncpu_ns", oncpu);
	add_u64(o, "asleep_ns", s->sleep_ns);
	add_u64(o, "preempted_ns", s->runq_ns);
	add_u64(o, "slept_calls", s->slept_calls);
	add_u64(o, "wakeups", s->wakeups);
	json_object_object_add(o, "oncpu_histogram", log2_json(s->hist_oncpu));
	if (is_scan(sys) && s->examined)
		add_double(o, "oncpu_ns_per_fd_examined", oncpu_per_examined(s));
	if (is_io(sys))
		add_u64(o, "copy_phase_ns", s->copy_ns);
	return o;
}

static json_object *kernel_json(const struct mux_stats *s, unsigned int sys)
{
	json_object *o = json_object_new_object();

	if (is_scan(sys)) {
		add_u64(o, "passes", s->passes);
		add_u64(o, "fds_examined", s->examined);
		json_object_object_add(o, "fds_examined_histogram", log2_json(s->hist_examined));
		add_u64(o, "registrations", s->registrations);
		add_u64(o, "registrations_approximated_calls", s->approx_regs);
	} else if (sys == MUX_EPOLL_CTL_ADD) {
		add_u64(o, "registrations", s->calls - s->errors);
	}
	add_u64(o, "bytes_in", s->bytes_in);
	add_u64(o, "bytes_out", s->bytes_out);
	return o;
}

/* S7, P1 (observed): what select and poll wrote back into the caller's memory */
static json_object *rewrites_json(const struct mux_stats *s)
{
	json_object *o = json_object_new_object();

	add_u64(o, "calls", s->rewrite_calls);
	add_u64(o, "set_bits_in", s->set_bits_in);
	add_u64(o, "set_bits_out", s->set_bits_out);
	add_u64(o, "timeout_rewritten", s->tmo_rewritten);
	add_u64(o, "timeout_left_ns", s->tmo_left_ns);
	add_u64(o, "revents_set", s->revents_set);
	add_u64(o, "events_kept", s->events_kept);
	add_u64(o, "pollfds_reread", s->pollfds_reread);
	return o;
}

static json_object *sys_json(const struct snapshot *snap, __u32 tid, unsigned int sys,
			     const struct mux_stats *s)
{
	json_object *o = json_object_new_object(), *w, *r;
	struct sys_row row;

	sys_row_of(&row, snap, tid, sys, s);
	add_u64(o, "calls", s->calls);
	add_u64(o, "failed", row.failed);
	json_object_object_add(o, "errno", errnos_json(snap, tid, sys, false));
	add_u64(o, "interrupted", row.interrupted);
	json_object_object_add(o, "interrupted_by", errnos_json(snap, tid, sys, true));
	add_u64(o, "restarted", s->restarts);
	json_object_object_add(o, "latency", latency_json(s));
	json_object_object_add(o, "time", time_json(s, sys));
	if (!is_mux(sys)) {	/* reads, writes, accepts, io_uring_enter */
		add_u64(o, "bytes", s->io_bytes);
		add_u64(o, "data_calls", s->data_calls);
		if (is_io(sys))
			json_object_object_add(o, "fd_kinds", fd_kinds_json(s));
		return o;
	}
	json_object_object_add(o, "kernel", kernel_json(s, sys));
	if (!is_wait(sys))
		return o;
	if (s->rewrite_calls)
		json_object_object_add(o, "rewrites", rewrites_json(s));
	r = json_object_new_object();
	add_u64(r, "reports", s->reports);
	add_u64(r, "rereports", s->rereports);
	if (is_epoll_wait(sys))
		add_u64(r, "unmapped_events", s->unmapped);
	json_object_object_add(o, "readiness", r);
	add_u64(o, "timeouts", s->timeouts);
	w = json_object_new_object();
	add_u64(w, "total", s->watched_total);
	add_u64(w, "calls", s->watched_calls);
	add_u64(w, "min", s->watched_calls ? s->watched_min : 0);
	add_u64(w, "max", s->watched_max);
	add_double(w, "mean", s->watched_calls ? (double)s->watched_total / s->watched_calls : 0);
	add_u64(w, "unreadable", s->unreadable);
	add_u64(w, "unknown_interest", s->unknown_interest);
	json_object_object_add(o, "fds_watched", w);
	r = json_object_new_object();
	add_u64(r, "total", s->ready_total);
	add_u64(r, "max", s->ready_max);
	json_object_object_add(o, "fds_ready", r);
	return o;
}

json_object *syscalls_json(const struct snapshot *snap, __u32 tid,
				  const struct mux_stats *stats, unsigned int present)
{
	json_object *o = json_object_new_object();
	unsigned int s;

	for (s = 0; s < MUX_NR; s++)
		if (present & (1u << s))
			json_object_object_add(o, mux_sys_name(s), sys_json(snap, tid, s, &stats[s]));
	return o;
}

