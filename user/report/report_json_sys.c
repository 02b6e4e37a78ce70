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
	if (timed_calls(s)) {
		add_double(o, "mean_ns", mean_lat(s));
		add_u64(o, "p50_ns", hist_quantile(s->hist, 0.50, s->lat_max));
		add_u64(o, "p90_ns", hist_quantile(s->hist, 0.90, s->lat_max));
		add_u64(o, "p99_ns", hist_quantile(s->hist, 0.99, s->lat_max));
		add_u64(o, "max_ns", s->lat_max);
	} else {	/* --light: none of its calls drawn; no figure of no call */
		add_null(o, "mean_ns");
		add_null(o, "p50_ns");
		add_null(o, "p90_ns");
		add_null(o, "p99_ns");
		add_null(o, "max_ns");
	}
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
static json_object *time_json(const struct run_info *run, const struct mux_stats *s,
			      unsigned int sys)
{
	json_object *o = json_object_new_object();
	__u64 oncpu = oncpu_ns(s);	/* the timed calls' (--light) */

	add_if(o, "oncpu_ns", run, FIG_ONCPU, json_object_new_uint64(oncpu));
	add_u64(o, "asleep_ns", s->sleep_ns);
	add_u64(o, "preempted_ns", s->runq_ns);
	add_u64(o, "slept_calls", s->slept_calls);
	add_u64(o, "wakeups", s->wakeups);
	add_if(o, "oncpu_histogram", run, FIG_HISTOGRAMS, log2_json(s->hist_oncpu));
	if (is_scan(sys) && s->examined)
		add_if(o, "oncpu_ns_per_fd_examined", run, FIG_ONCPU,
		       json_object_new_double(oncpu_per_examined(s)));
	if (is_io(sys))
		add_if(o, "copy_phase_ns", run, FIG_COPY_PHASE, json_object_new_uint64(s->copy_ns));
	return o;
}

static json_object *kernel_json(const struct run_info *run, const struct mux_stats *s,
				unsigned int sys)
{
	json_object *o = json_object_new_object();
	/* select's examined are its watched (which --light does not read) x passes */
	enum figure examined = figure_missing(run, figure_watched(sys)) ? figure_watched(sys)
								     : FIG_PASSES;

	if (is_scan(sys)) {
		add_if(o, "passes", run, FIG_PASSES, json_object_new_uint64(s->passes));
		add_if(o, "fds_examined", run, examined, json_object_new_uint64(s->examined));
		add_if(o, "fds_examined_histogram", run,
		       figure_missing(run, examined) ? examined : FIG_HISTOGRAMS,
		       log2_json(s->hist_examined));
		add_if(o, "registrations", run, FIG_REGISTRATIONS,
		       json_object_new_uint64(s->registrations));
		add_if(o, "registrations_approximated_calls", run, FIG_REGISTRATIONS,
		       json_object_new_uint64(s->approx_regs));
	} else if (sys == MUX_EPOLL_CTL_ADD) {
		/* from the calls that succeeded: every mode measures it */
		add_u64(o, "registrations", s->calls - s->errors);
	}
	add_if(o, "bytes_in", run, figure_copies(sys), json_object_new_uint64(s->bytes_in));
	add_if(o, "bytes_out", run, figure_copies(sys), json_object_new_uint64(s->bytes_out));
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

static json_object *watched_json(const struct run_info *run, const struct mux_stats *s,
				 unsigned int sys)
{
	json_object *w = json_object_new_object();

	add_u64(w, "total", s->watched_total);
	add_u64(w, "calls", s->watched_calls);
	add_u64(w, "min", s->watched_calls ? s->watched_min : 0);
	add_u64(w, "max", s->watched_max);
	add_double(w, "mean", s->watched_calls ? (double)s->watched_total / s->watched_calls : 0);
	/* select's and poll's arrays; an epoll wait reads none, in every mode */
	add_if(w, "unreadable", run, is_scan(sys) ? FIG_UNREADABLE : FIG_CALLS,
	       json_object_new_uint64(s->unreadable));
	add_if(w, "unknown_interest", run, FIG_EPOLL_INTEREST,
	       json_object_new_uint64(s->unknown_interest));
	return w;
}

static json_object *sys_json(const struct snapshot *snap, const struct run_info *run, __u32 tid,
			     unsigned int sys, const struct mux_stats *s)
{
	json_object *o = json_object_new_object(), *r;
	struct sys_row row;

	sys_row_of(&row, snap, tid, sys, s);
	add_u64(o, "calls", s->calls);
	add_u64(o, "failed", row.failed);
	json_object_object_add(o, "errno", errnos_json(snap, tid, sys, false));
	add_u64(o, "interrupted", row.interrupted);
	json_object_object_add(o, "interrupted_by", errnos_json(snap, tid, sys, true));
	add_u64(o, "restarted", s->restarts);
	json_object_object_add(o, "latency", latency_json(s));
	add_if(o, "time", run, FIG_TIME, time_json(run, s, sys));
	if (!is_mux(sys)) {	/* reads, writes, accepts, io_uring_enter */
		add_u64(o, "bytes", s->io_bytes);
		add_u64(o, "data_calls", s->data_calls);
		if (is_io(sys))
			json_object_object_add(o, "fd_kinds", fd_kinds_json(s));
		return o;
	}
	json_object_object_add(o, "kernel", kernel_json(run, s, sys));
	if (!is_wait(sys))
		return o;
	if (s->rewrite_calls && !figure_missing(run, FIG_REWRITES))
		json_object_object_add(o, "rewrites", rewrites_json(s));
	r = json_object_new_object();
	add_u64(r, "reports", s->reports);
	add_u64(r, "rereports", s->rereports);
	if (is_epoll_wait(sys))
		add_u64(r, "unmapped_events", s->unmapped);
	add_if(o, "readiness", run, FIG_READINESS, r);
	add_u64(o, "timeouts", s->timeouts);
	add_if(o, "fds_watched", run, figure_watched(sys), watched_json(run, s, sys));
	r = json_object_new_object();
	add_u64(r, "total", s->ready_total);
	add_u64(r, "max", s->ready_max);
	json_object_object_add(o, "fds_ready", r);
	return o;
}

json_object *syscalls_json(const struct snapshot *snap, const struct run_info *run, __u32 tid,
			   const struct mux_stats *stats, unsigned int present)
{
	json_object *o = json_object_new_object();
	unsigned int s;

	for (s = 0; s < MUX_NR; s++)
		if (present & (1u << s))
			json_object_object_add(o, mux_sys_name(s),
					       sys_json(snap, run, tid, s, &stats[s]));
	return o;
}
