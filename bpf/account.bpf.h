/* SPDX-License-Identifier: GPL-2.0 */
/*
 * At a call's exit, into its thread's row: what it returned ready and the
 * wait-queue registrations that implies (account_ready, waits only), then
 * latency, time off CPU, fds watched, scan passes and bytes (account_call).
 */
#ifndef ACCOUNT_BPF_H
#define ACCOUNT_BPF_H

#include "state.bpf.h"
#include "bits.bpf.h"
#include "hist.bpf.h"
#include "copies.bpf.h"
#include "readiness.bpf.h"
#include "select.bpf.h"
#include "rewrites.bpf.h"

/*
 * select at exit: its sets and timeout as the kernel left them, in one
 * user read when they lie within SPAN_MAX bytes (as at entry): one read
 * instead of up to four, ~0.13 us each (bench section 11).
 */
static __always_inline void span_back(struct ready_walk *w, const void *tvp)
{
	__u32 zero = 0, off;
	struct scan_buf *buf = bpf_map_lookup_elem(&scan_bufs, &zero);
	__u64 lo;

	w->pre.sets[0] = w->uptr[0];
	w->pre.sets[1] = w->uptr[1];
	w->pre.sets[2] = w->uptr[2];
	lo = read_span(buf, &w->pre, w->n, tvp);
	if (!lo || !buf)
		return;
	w->spanned = 1;
	w->span_off[0] = w->pre.span_off[0];
	w->span_off[1] = w->pre.span_off[1];
	w->span_off[2] = w->pre.span_off[2];
	off = (__u64)tvp - lo;
	if (tvp && off <= SPAN_MAX - 16) {
		span_words((__u64 *)w->tmo, buf, off, 2);
		w->tmo_spanned = 1;
	}
}

/* What the exit programs pass to the accounting functions */
struct exit_args {
	__u64 now, lat;		/* ns */
	__s64 ret;
	__u64 a0, a1, a2, a3;	/* the syscall's arguments */
	__u64 a4;		/* select/pselect6 only: the timeout */
	__u32 sys, tgid, tid;
	__u32 timed;		/* lat and now were measured (--light: a sample) */
};

/*
 * A full-mode exit's arguments live here, not on its stack: sys_exit's
 * deepest chain of frames (the program, account_ready, a walk callback)
 * is then 96 bytes inside the 448-byte budget. --light keeps them on its
 * small stack and looks nothing up.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exit_args);
} exit_scratch SEC(".maps");

/*
 * The fds a wait returned ready, read back at exit, and the kernel's
 * wait-queue registrations: none with a zero timeout or an error before
 * the scan; up to the first ready fd when the first pass found one; every
 * polled fd when the call slept. poll's array is read here once, for the
 * fds watched too. A global function: verified once, on its own.
 */
__noinline int account_ready(struct mux_stats *s, struct inflight *fl, struct exit_args *x)
{
	__u32 sys, passes, regs_n, zero = 0;
	struct ready_walk *w = bpf_map_lookup_elem(&walks, &zero);
	struct walk_ref r = { .w = w };

	if (!s || !fl || !x || !w)
		return 0;
	/* the events chunk at the end is written before it is read */
	__builtin_memset(w, 0, offsetof(struct ready_walk, ev));
	sys = x->sys;
	w->tgid = x->tgid;
	w->tid = x->tid;
	w->call_seq = fl->call_seq;
	if (sys == MUX_POLL || sys == MUX_PPOLL) {
		w->want_events = fl->events_read;
		walk_pollfds(&r, (void *)x->a0, fl->nfds);
		fl->watched = w->failed ? WATCHED_UNKNOWN : w->watched;
	} else if (x->ret >= 0 && (sys == MUX_SELECT || sys == MUX_PSELECT6)) {
		w->uptr[0] = (void *)x->a1;
		w->uptr[1] = (void *)x->a2;
		w->uptr[2] = (void *)x->a3;
		w->n = fl->nfds;
		span_back(w, (void *)x->a4);
		bpf_loop(SET_MAX_CHUNKS * SET_CHUNK_WORDS, walk_select_word, &r, 0);
	} else if (x->ret > 0 && is_epoll_wait(sys)) {
		w->uptr[0] = (void *)x->a1;
		w->n = x->ret;
		bpf_loop(EPOLL_MAX_CHUNKS, walk_epoll_chunk, &r, 0);
		s->unmapped += w->unmapped;
	}
	s->reports += w->reports;
	s->rereports += w->rereports;
	if (x->ret >= 0 && (sys == MUX_POLL || sys == MUX_PPOLL))
		poll_rewrites(s, fl, w);
	else if (x->ret >= 0 && (sys == MUX_SELECT || sys == MUX_PSELECT6))
		select_rewrites(s, fl, w, (void *)x->a4, sys == MUX_PSELECT6);

	if (!is_scan(sys) || fl->zero_timeout || fl->watched == WATCHED_UNKNOWN)
		return 0;
	if (x->ret < 0 && !is_interrupt(x->ret))
		return 0;
	passes = 1 + fl->wakeups;
	regs_n = fl->watched;
	if (x->ret > 0 && passes == 1 && w->found) {
		if (sys == MUX_POLL || sys == MUX_PPOLL) {
			regs_n = w->before_first + !w->first_nval;
		} else if (fl->first_valid && w->first < 1024) {
			regs_n = fds_up_to(fl, w->first);
		} else {
			s->approx_regs++;
		}
	}
	s->registrations += regs_n;
	return 0;
}

/*
 * The common waits, without account_ready's call and walk state: an epoll
 * wait that returned no event has nothing to read (and registers nothing
 * per call); a poll that returned none ready left every revents 0, so its
 * fds watched are all it needs, and the kernel registered each of them if
 * it slept (not with a zero timeout, not on an error before the scan).
 */
static __always_inline void account_wait(struct mux_stats *s, struct inflight *fl,
					 struct exit_args *x)
{
	__u32 sys = x->sys, nfds = fl->nfds;

	if (is_epoll_wait(sys) && x->ret <= 0)
		return;
	if ((sys == MUX_POLL || sys == MUX_PPOLL) && x->ret <= 0 && !fl->events_read &&
	    nfds && nfds <= POLL_FAST) {
		fl->watched = poll_count_watched((void *)x->a0, nfds);
		if (fl->watched == WATCHED_UNKNOWN || fl->zero_timeout)
			return;
		if (x->ret == 0 || is_interrupt(x->ret))
			s->registrations += fl->watched;
		return;
	}
	account_ready(s, fl, x);
}

/*
 * Latency, time on CPU and asleep, fds watched, passes, bytes: every call.
 * Inlined: a BPF-to-BPF call costs ~13 ns here (bench section 11).
 */
static __always_inline int account_call(struct mux_stats *s, struct inflight *fl, struct exit_args *x)
{
	__u64 oncpu, examined;
	__u32 sys, slot, passes;

	if (!s || !fl || !x)
		return 0;
	sys = x->sys;
	s->calls++;
	/* time asleep and preempted: every call (sched_switch clocks them) */
	if (fl->slept | fl->wakeups | (fl->runq_ns != 0)) {
		s->sleep_ns += fl->sleep_ns;
		s->runq_ns += fl->runq_ns;
		s->slept_calls += fl->slept;
		s->wakeups += fl->wakeups;
	}
	if (x->timed) {
		s->lat_total += x->lat;
		if (x->lat > s->lat_max)
			s->lat_max = x->lat;
		slot = hist_slot(x->lat);
		if (slot >= HIST_SLOTS)
			slot = HIST_SLOTS - 1;
		s->hist[slot]++;
		/* on CPU: the rest of the latency */
		oncpu = x->lat - fl->sleep_ns - fl->runq_ns;
		if (!light)	/* --light: time asleep and wakeups, not their histograms */
			s->hist_oncpu[log2_slot(oncpu)]++;
	} else {
		/* so on CPU = lat_total - (off CPU of the timed calls) */
		s->untimed_calls++;
		s->untimed_off_ns += fl->sleep_ns + fl->runq_ns;
	}
	if (fl->slept && is_io(sys))	/* rare: an untimed call reads the clock here */
		s->copy_ns += (x->timed ? x->now : bpf_ktime_get_ns()) - fl->on_ts;

	if (is_wait(sys)) {
		if (fl->watched != WATCHED_UNKNOWN) {
			s->watched_total += fl->watched;
			s->watched_calls++;
			if (fl->watched < s->watched_min || s->watched_min == WATCHED_UNKNOWN)
				s->watched_min = fl->watched;
			if (fl->watched > s->watched_max)
				s->watched_max = fl->watched;
		} else {
			/* --light reads no sets: select's fds watched are left out */
			s->unreadable += !fl->unknown_interest && !light;
			s->unknown_interest += fl->unknown_interest;
		}
	}

	/* select and poll rescan every fd once per wakeup out of the sleep */
	passes = 1 + fl->wakeups;
	if (is_scan(sys)) {
		s->passes += passes;
		if (fl->watched != WATCHED_UNKNOWN) {
			examined = (__u64)fl->watched * passes;
			s->examined += examined;
			if (!light)
				s->hist_examined[log2_slot(examined)]++;
		}
	}

	/* bytes copied, derived from the arguments; --light reads no user memory */
	if (light && copies_read_user(sys)) {
		/* not measured (collect/measured.c: FIG_COPIES_SELECT) */
	} else if (sys == MUX_POLL || sys == MUX_PPOLL) {
		s->bytes_in += poll_bytes_in(fl, x->ret);
		s->bytes_out += poll_bytes_out(fl, x->ret);
	} else {
		s->bytes_in += fl->bytes_in;
		if (sys == MUX_SELECT || sys == MUX_PSELECT6)
			s->bytes_out += select_bytes_out(fl, x->ret);
		else if (is_epoll_wait(sys))
			s->bytes_out += epoll_bytes_out(x->ret);
	}

	if (x->ret >= 0 && is_wait(sys)) {
		if (x->ret == 0)
			s->timeouts++;
		s->ready_total += x->ret;
		if (x->ret > s->ready_max)
			s->ready_max = x->ret;
	}
	return 0;
}

/* A read, write or accept: its bytes, and the kind of file behind its fd */
static __always_inline void account_io(struct mux_stats *s, __u32 sys, long ret, __u32 kind)
{
	/* accepts return an fd, reads and writes a byte count */
	__u64 bytes = ret > 0 && !is_accept(sys) ? ret : 0;
	__u32 data = ret > 0 || (ret == 0 && is_accept(sys));

	if (kind >= FD_KIND_NR)
		kind = FD_OTHER;
	s->io_bytes += bytes;
	s->data_calls += data;
	s->kind_calls[kind]++;
	s->kind_data[kind] += data;
	s->kind_bytes[kind] += bytes;
}

#endif
