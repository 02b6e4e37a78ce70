// SPDX-License-Identifier: GPL-2.0
/* The final report as JSON (schema in README.md, "JSON output"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "hist.h"
#include "names.h"
#include "report.h"

#define JSON_SCHEMA_VERSION	1

static void add_u64(json_object *o, const char *k, __u64 v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static void add_double(json_object *o, const char *k, double v)
{
	json_object_object_add(o, k, json_object_new_double(v));
}

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static json_object *latency_json(const struct mux_stats *s)
{
	json_object *o = json_object_new_object(), *hist = json_object_new_array();
	unsigned int i;

	add_u64(o, "total_ns", s->lat_total);
	add_double(o, "mean_ns", s->calls ? (double)s->lat_total / s->calls : 0);
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
	__u64 oncpu = s->lat_total - s->sleep_ns - s->runq_ns;

	add_u64(o, "oncpu_ns", oncpu);
	add_u64(o, "asleep_ns", s->sleep_ns);
	add_u64(o, "preempted_ns", s->runq_ns);
	add_u64(o, "slept_calls", s->slept_calls);
	add_u64(o, "wakeups", s->wakeups);
	json_object_object_add(o, "oncpu_histogram", log2_json(s->hist_oncpu));
	if (sys <= MUX_PPOLL && s->examined)
		add_double(o, "oncpu_ns_per_fd_examined", (double)oncpu / s->examined);
	if (sys >= MUX_READ && sys <= MUX_ACCEPT)
		add_u64(o, "copy_phase_ns", s->copy_ns);
	return o;
}

static json_object *kernel_json(const struct mux_stats *s, unsigned int sys)
{
	json_object *o = json_object_new_object();

	if (sys <= MUX_PPOLL) {
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
	if (sys >= MUX_READ) {
		add_u64(o, "bytes", s->io_bytes);
		add_u64(o, "data_calls", s->data_calls);
		return o;
	}
	json_object_object_add(o, "kernel", kernel_json(s, sys));
	if (sys > MUX_EPOLL_PWAIT2)
		return o;
	if (s->rewrite_calls)
		json_object_object_add(o, "rewrites", rewrites_json(s));
	r = json_object_new_object();
	add_u64(r, "reports", s->reports);
	add_u64(r, "rereports", s->rereports);
	if (sys >= MUX_EPOLL_WAIT)
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

static json_object *syscalls_json(const struct snapshot *snap, __u32 tid,
				  const struct mux_stats *stats, unsigned int present)
{
	json_object *o = json_object_new_object();
	unsigned int s;

	for (s = 0; s < MUX_NR; s++)
		if (present & (1u << s))
			json_object_object_add(o, mux_sys_name(s), sys_json(snap, tid, s, &stats[s]));
	return o;
}

static json_object *wakeups_json(const struct snapshot *snap, const struct ksyms *ks)
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
		json_object_object_add(w, "by_context", ctxs);
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
	json_object_object_add(o, "top_stacks", stacks);
	return o;
}

static json_object *fds_json(const struct snapshot *snap)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < snap->nfdrows; i++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "fd", json_object_new_int(snap->fdrows[i].fd));
		add_u64(e, "reports", snap->fdrows[i].reports);
		add_u64(e, "rereports", snap->fdrows[i].rereports);
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *closed_fds_json(const struct closed_fds *c)
{
	json_object *o = json_object_new_object();

	add_u64(o, "fds", c->fds);
	add_u64(o, "reports", c->reports);
	add_u64(o, "rereports", c->rereports);
	add_u64(o, "max_rereports", c->max_rereports);
	return o;
}

static json_object *epolls_json(const struct snapshot *snap)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < snap->nepolls; i++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "epfd", json_object_new_int(snap->epolls[i].epfd));
		json_object_object_add(e, "registrations",
				       json_object_new_int64(snap->epolls[i].registrations));
		json_object_array_add(a, e);
	}
	return a;
}

/* Syscalls per request: per read that returned data (claims M5, E7) */
static json_object *per_request_json(const struct snapshot *snap)
{
	json_object *o = json_object_new_object();
	__u64 waits = 0, ctl = 0, reqs = snap->total[MUX_READ].data_calls;
	unsigned int s;

	for (s = 0; s <= MUX_EPOLL_PWAIT2; s++)
		waits += snap->total[s].calls;
	for (s = MUX_EPOLL_CTL_ADD; s <= MUX_EPOLL_CTL_BADOP; s++)
		ctl += snap->total[s].calls;
	add_u64(o, "requests", reqs);
	add_u64(o, "waits", waits);
	add_u64(o, "epoll_ctl", ctl);
	add_u64(o, "reads", snap->total[MUX_READ].calls);
	add_u64(o, "writes", snap->total[MUX_WRITE].calls);
	add_u64(o, "accepts", snap->total[MUX_ACCEPT].calls);
	add_u64(o, "eagain", snapshot_errno(snap, MUX_READ, 11) +
		snapshot_errno(snap, MUX_WRITE, 11) + snapshot_errno(snap, MUX_ACCEPT, 11));
	if (waits)
		add_double(o, "epoll_ctl_per_wait", (double)ctl / waits);
	if (reqs)
		add_double(o, "syscalls_per_request", (double)(waits + ctl +
			   snap->total[MUX_READ].calls + snap->total[MUX_WRITE].calls) / reqs);
	return o;
}

/* Where each figure comes from: observed by a probe, or derived. */
static json_object *sources_json(const struct probes *p)
{
	json_object *o = json_object_new_object();
	char buf[128];

	snprintf(buf, sizeof(buf), "observed: %s and %s", p->live[0], p->live[1]);
	add_str(o, "calls, failed, interrupted, timeouts, fds_ready, latency.mean/max", buf);
	add_str(o, "latency.p50/p90/p99",
		"derived: midpoint of the histogram slot (8 per power of two, within 6.25%)");
	add_str(o, "fds_watched (select, pselect6, poll, ppoll)",
		"observed: fd sets / pollfd array read from user memory at syscall entry");
	add_str(o, "fds_watched (epoll waits)",
		"derived: interest set tracked from epoll_ctl, close, dup2/dup3 and /proc fdinfo at attach");
	add_str(o, "kernel.passes",
		"observed lower bound: 1 + sched_waking of the thread during the call");
	add_str(o, "kernel.fds_examined", "derived: fds_watched x passes (lower bound)");
	add_str(o, "kernel.registrations",
		"derived: none for a zero timeout or an error; up to the first ready fd when the "
		"first pass found one; every polled fd when the call slept");
	add_str(o, "kernel.bytes_in, kernel.bytes_out",
		"derived: from the arguments by the kernel's copy rules (shared/KERNEL.md)");
	add_str(o, "time, wakeups", "observed: tp_btf/sched_switch and tp_btf/sched_waking");
	add_str(o, "readiness", "observed: fd sets / revents / events read back at syscall exit; "
		"epoll events map to fds through the data given at epoll_ctl(ADD) or in /proc "
		"at attach (events whose data a MOD changed count as unmapped_events)");
	add_str(o, "fds, fds_closed", "observed: the readiness reports above, per fd; an fd's "
		"counts move to fds_closed when close/dup2/dup3 releases its number");
	return o;
}

/* The processes the calls came from (several with -p A,B or -f) */
static json_object *processes_json(const struct snapshot *snap)
{
	json_object *a = json_object_new_array();
	struct proc_row *p;
	size_t n = snapshot_processes(snap, &p), i;

	for (i = 0; i < n; i++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "pid", json_object_new_int(p[i].tgid));
		add_str(e, "comm", p[i].comm);
		add_u64(e, "threads", p[i].threads);
		add_u64(e, "mux_calls", p[i].mux_calls);
		json_object_array_add(a, e);
	}
	free(p);
	return a;
}

static json_object *report_object(const struct snapshot *snap, const struct report_ctx *ctx)
{
	json_object *root = json_object_new_object(), *t, *probes, *live, *threads, *d;
	const struct target *tg = ctx->target;
	size_t i;

	add_u64(root, "schema_version", JSON_SCHEMA_VERSION);
	t = json_object_new_object();
	json_object_object_add(t, "pid", json_object_new_int(tg->pid));
	add_str(t, "comm", tg->comm);
	json_object_object_add(t, "launched", json_object_new_boolean(tg->launched));
	if (tg->launched && tg->exit_status >= 0)
		json_object_object_add(t, "wait_status", json_object_new_int(tg->exit_status));
	json_object_object_add(t, "follow", json_object_new_boolean(ctx->opts->follow));
	json_object_object_add(root, "target", t);
	json_object_object_add(root, "processes", processes_json(snap));
	add_double(root, "duration_s", ctx->elapsed);
	add_str(root, "ended_by", ctx->end_reason);

	probes = json_object_new_object();
	add_str(probes, "syscalls", ctx->probes->flavour);
	live = json_object_new_array();
	for (i = 0; ctx->probes->live[i]; i++)
		json_object_array_add(live, json_object_new_string(ctx->probes->live[i]));
	json_object_object_add(probes, "live", live);
	json_object_object_add(probes, "fentry", json_object_new_boolean(
		ctx->deep->live && !strcmp(ctx->deep->live, "fentry")));
	json_object_object_add(probes, "kprobes", json_object_new_boolean(
		ctx->deep->live && !strcmp(ctx->deep->live, "kprobe")));
	if (ctx->deep->fentry_error[0])
		add_str(probes, "fentry_error", ctx->deep->fentry_error);
	if (ctx->deep->kprobe_error[0])
		add_str(probes, "kprobe_error", ctx->deep->kprobe_error);
	if (ctx->deep->live) {
		json_object *exact = json_object_new_object();
		int i;

		for (i = 0; i < DEEP_NR; i++)
			add_u64(exact, deep_count_name(i), ctx->deep->counts[i]);
		json_object_object_add(probes, "exact_counts", exact);
	}
	json_object_object_add(root, "probes", probes);
	json_object_object_add(root, "sources", sources_json(ctx->probes));

	if (ctx->seed) {
		json_object *e = json_object_new_object();

		add_u64(e, "epoll_fds", ctx->seed->epoll_fds);
		add_u64(e, "registrations", ctx->seed->registrations);
		add_u64(e, "unreadable", ctx->seed->unreadable);
		json_object_object_add(root, "epoll_at_attach", e);
	}
	d = json_object_new_object();
	add_u64(d, "calls_lost_stats_full", snap->drops.stats_full);
	add_u64(d, "errnos_lost_errs_full", snap->drops.errs_full);
	add_u64(d, "epoll_fds_untracked_map_full", snap->drops.interest_full);
	add_u64(d, "wakeups_lost_wakes_full", snap->drops.wakes_full);
	add_u64(d, "fds_untracked_fds_full", snap->drops.fds_full);
	add_u64(d, "calls_lost_slot_collisions", snap->drops.slot_collisions);
	add_u64(d, "forks_not_followed_targets_full", snap->drops.targets_full);
	json_object_object_add(root, "drops", d);

	json_object_object_add(root, "syscalls",
			       syscalls_json(snap, SNAP_ALL_THREADS, snap->total, snap->present));
	threads = json_object_new_array();
	for (i = 0; i < snap->nthreads; i++) {
		const struct thread_stats *th = &snap->threads[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "tid", json_object_new_int(th->tid));
		json_object_object_add(o, "pid", json_object_new_int(th->tgid));
		add_str(o, "comm", th->comm);
		json_object_object_add(o, "syscalls", syscalls_json(snap, th->tid, th->sys,
								   th->present));
		json_object_array_add(threads, o);
	}
	json_object_object_add(root, "threads", threads);
	if (ctx->probes->sched)
		json_object_object_add(root, "wakeups", wakeups_json(snap, snap->ksyms));
	json_object_object_add(root, "fds", fds_json(snap));
	json_object_object_add(root, "fds_closed", closed_fds_json(&snap->closed));
	json_object_object_add(root, "epoll_interest", epolls_json(snap));
	json_object_object_add(root, "per_request", per_request_json(snap));
	return root;
}

int report_json(FILE *f, const struct snapshot *snap, const struct report_ctx *ctx)
{
	json_object *root = report_object(snap, ctx);
	int err;

	err = fprintf(f, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						JSON_C_TO_STRING_NOSLASHESCAPE)) < 0 || fflush(f);
	json_object_put(root);
	if (err)
		fprintf(stderr, "iotrace: failed to write the JSON report: %s\n", strerror(errno));
	return err ? -EIO : 0;
}
