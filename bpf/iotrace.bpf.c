// SPDX-License-Identifier: GPL-2.0
/*
 * iotrace kernel side: per-thread figures for the IO multiplexing syscalls
 * and the reads, writes and accepts around them, from tracepoints only
 * (raw syscall tracepoints, sched_switch, sched_waking; no kprobes, no fentry).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "iotrace.h"
#include "hist.bpf.h"
#include "state.bpf.h"
#include "fdsets.bpf.h"
#include "copies.bpf.h"
#include "readiness.bpf.h"
#include "sched.bpf.h"

#ifndef __TARGET_ARCH_x86
#error "iotrace decodes x86_64 syscall numbers and registers"
#endif

/* x86_64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl) */
#define NR_read			0
#define NR_write		1
#define NR_close		3
#define NR_poll			7
#define NR_readv		19
#define NR_writev		20
#define NR_select		23
#define NR_dup2			33
#define NR_execve		59
#define NR_accept		43
#define NR_sendto		44
#define NR_recvfrom		45
#define NR_sendmsg		46
#define NR_recvmsg		47
#define NR_epoll_create		213
#define NR_restart_syscall	219
#define NR_epoll_wait		232
#define NR_epoll_ctl		233
#define NR_pselect6		270
#define NR_ppoll		271
#define NR_epoll_pwait		281
#define NR_accept4		288
#define NR_epoll_create1	291
#define NR_dup3			292
#define NR_execveat		322
#define NR_io_uring_enter	426
#define NR_epoll_pwait2		441

#define ERESTART_RESTARTBLOCK	516
#define EPOLL_CTL_ADD		1
#define EPOLL_CTL_DEL		2
#define EPOLL_CTL_MOD		3

static struct mux_stats zero_stats;

static __always_inline __u32 interest_size(__u32 tgid, __s32 epfd, __u32 *unknown)
{
	struct interest_key key = { .tgid = tgid, .epfd = epfd };
	__s64 *n = bpf_map_lookup_elem(&interest, &key);

	if (!n) {
		*unknown = 1;
		return WATCHED_UNKNOWN;
	}
	return *n < 0 ? 0 : *n;
}

/*
 * Keep the union of select's sets (left in the scan buffer by
 * count_select_fds) to count, at exit, the fds before the first ready one.
 */
static __always_inline void keep_first_set(struct inflight *fl, int n, __u32 watched)
{
	__u32 zero = 0, w;
	struct scan_buf *buf = bpf_map_lookup_elem(&scan_bufs, &zero);

	fl->first_valid = 0;
	if (!buf || watched == WATCHED_UNKNOWN || n > SET_CHUNK_WORDS * 64)
		return;
	for (w = 0; w < SET_CHUNK_WORDS; w++) {
		__u64 bits = 0;

		if (w * 64 < n) {
			bits = buf->sets[0][w] | buf->sets[1][w] | buf->sets[2][w];
			if (n - w * 64 < 64)
				bits &= (1ULL << (n - w * 64)) - 1;
		}
		fl->first_set[w] = bits;
	}
	fl->first_valid = 1;
}

/* select/pselect6 arguments, packed: global functions take at most 5 */
struct select_args {
	__u64 in, out, ex, tvp, sigpack;
	__s32 n;		/* nfds clamped to max_fds */
};

/*
 * select and pselect6 at entry: bytes copied in, fds watched, and the
 * union of the sets for the registration count at exit. A global
 * function: the verifier checks it once, apart from the other syscalls.
 */
__noinline int enter_select(struct inflight *fl, struct select_args *a)
{
	struct set_scan pre = {};
	__u32 watched, zero = 0, off;
	struct scan_buf *buf = bpf_map_lookup_elem(&scan_bufs, &zero);
	__s64 tv[2];
	__u64 lo;

	if (!fl || !a || !buf)
		return 0;
	pre.sets[0] = (void *)a->in;
	pre.sets[1] = (void *)a->out;
	pre.sets[2] = (void *)a->ex;
	fl->nfds = a->n < 0 ? 0 : a->n;
	lo = read_span(&pre, fl->nfds, (void *)a->tvp);
	off = a->tvp - lo;
	if (lo && a->tvp && off <= SPAN_MAX - 16) {
		/* kernel memory: a cheap copy, no variable-offset proof needed */
		bpf_probe_read_kernel(tv, sizeof(tv), (void *)buf->span + off);
		select_copies(fl, a->n, a->in, a->out, a->ex, (void *)a->tvp, tv,
			      (void *)a->sigpack);
	} else {
		select_copies(fl, a->n, a->in, a->out, a->ex, (void *)a->tvp, NULL,
			      (void *)a->sigpack);
	}
	watched = count_select_fds(&pre, fl->nfds, (void *)a->in, (void *)a->out, (void *)a->ex);
	keep_first_set(fl, fl->nfds, watched);
	fl->watched = watched;
	return 0;
}

static __always_inline __u32 sys_of(long id)
{
	switch (id) {
	case NR_select:		return MUX_SELECT;
	case NR_pselect6:	return MUX_PSELECT6;
	case NR_poll:		return MUX_POLL;
	case NR_ppoll:		return MUX_PPOLL;
	case NR_epoll_wait:	return MUX_EPOLL_WAIT;
	case NR_epoll_pwait:	return MUX_EPOLL_PWAIT;
	case NR_epoll_pwait2:	return MUX_EPOLL_PWAIT2;
	case NR_epoll_ctl:	return MUX_EPOLL_CTL_BADOP;
	case NR_read: case NR_readv: case NR_recvfrom: case NR_recvmsg:
		return MUX_READ;
	case NR_write: case NR_writev: case NR_sendto: case NR_sendmsg:
		return MUX_WRITE;
	case NR_accept: case NR_accept4:
		return MUX_ACCEPT;
	case NR_io_uring_enter:
		return MUX_URING;
	default:
		return MUX_NONE;
	}
}

static __always_inline void on_enter(struct pt_regs *regs, long id, bool btf)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, sys, watched = WATCHED_UNKNOWN, unknown = 0;
	struct task_struct *task;
	struct inflight *fl;
	unsigned long a0, a1, a2, a3, a4, a5;

	if (!is_traced(tgid))
		return;
	sys = sys_of(id);
	task = bpf_get_current_task_btf();
	if (id == NR_restart_syscall) {
		/* poll re-entered after a stop signal: same call, same fds */
		fl = inflight_of((__u32)pid_tgid, false);
		if (!fl || fl->restart_sys == MUX_NONE)
			return;
		fl->sys = fl->restart_sys | 0x100;
		fl->watched = fl->restart_watched;
		fl->ts = bpf_ktime_get_ns();
		return;
	}
	if (sys == MUX_NONE)
		return;
	fl = inflight_of((__u32)pid_tgid, true);
	if (!fl)
		return;

	if (btf) {
		a0 = regs->di; a1 = regs->si; a2 = regs->dx;
		a3 = regs->r10; a4 = regs->r8; a5 = regs->r9;
	} else {
		a0 = BPF_CORE_READ(regs, di); a1 = BPF_CORE_READ(regs, si);
		a2 = BPF_CORE_READ(regs, dx); a3 = BPF_CORE_READ(regs, r10);
		a4 = BPF_CORE_READ(regs, r8); a5 = BPF_CORE_READ(regs, r9);
	}
	fl->bytes_in = fl->tmo_out = fl->set_bytes = fl->nfds = 0;
	fl->zero_timeout = 0;

	switch (sys) {
	case MUX_SELECT:
	case MUX_PSELECT6: {
		/* a trusted task pointer: direct loads, no helper calls */
		struct select_args sa = {
			.n = a0, .in = a1, .out = a2, .ex = a3, .tvp = a4,
			.sigpack = sys == MUX_PSELECT6 ? a5 : 0,
		};
		int max_fds = task->files->fdt->max_fds;

		if (sa.n > max_fds)
			sa.n = max_fds;
		enter_select(fl, &sa);
		watched = fl->watched;
		break;
	}
	case MUX_POLL:
	case MUX_PPOLL:
		poll_copies(fl, a1, sys == MUX_PPOLL ? (void *)a2 : NULL,
			    sys == MUX_PPOLL ? (void *)a3 : NULL);
		if (sys == MUX_POLL && (int)a2 == 0)
			fl->zero_timeout = 1;
		break;		/* fds watched: counted at exit */
	case MUX_EPOLL_WAIT:
	case MUX_EPOLL_PWAIT:
	case MUX_EPOLL_PWAIT2:
		watched = interest_size(tgid, a0, &unknown);
		if (sys == MUX_EPOLL_PWAIT2 && a3)
			fl->bytes_in += 16;
		if (sys != MUX_EPOLL_WAIT && a4)
			fl->bytes_in += 8;
		break;
	case MUX_EPOLL_CTL_BADOP: {
		struct { __u32 events; __u64 data; } __attribute__((packed)) ev = {};

		if (a1 == EPOLL_CTL_ADD)
			sys = MUX_EPOLL_CTL_ADD;
		else if (a1 == EPOLL_CTL_MOD)
			sys = MUX_EPOLL_CTL_MOD;
		else if (a1 == EPOLL_CTL_DEL)
			sys = MUX_EPOLL_CTL_DEL;
		if (sys != MUX_EPOLL_CTL_DEL)
			fl->bytes_in = EPOLL_EVENT_SIZE;
		/*
		 * Only ADD's data is read for the event-to-fd map: servers MOD
		 * per request with the same data, and a user read costs ~0.1 us.
		 * Events whose data changed by a MOD are counted as unmapped.
		 */
		if (sys == MUX_EPOLL_CTL_ADD)
			bpf_probe_read_user(&ev, sizeof(ev), (void *)a3);
		fl->epdata = ev.data;
		fl->fd = a2;
		break;
	}
	default:	/* read, write, accept, io_uring_enter */
		fl->fd = a0;
		break;
	}
	if (is_wait(sys))
		fl->call_seq++;
	fl->sys = sys;
	fl->watched = watched;
	fl->unknown_interest = unknown;
	fl->restart_sys = MUX_NONE;
	fl->wakeups = 0;
	fl->sleep_ns = fl->runq_ns = fl->off_ts = 0;
	fl->slept = 0;
	fl->ts = bpf_ktime_get_ns();
}

static __always_inline void add_interest(__u32 tgid, __s32 epfd, __s64 delta)
{
	struct interest_key key = { .tgid = tgid, .epfd = epfd };
	__s64 *n = bpf_map_lookup_elem(&interest, &key);

	if (n)
		__sync_fetch_and_add(n, delta);
}

/* epoll_ctl succeeded: keep interest sets, fd -> epfd and data -> fd current. */
static __always_inline void track_ctl(__u32 tgid, __u32 sys, __s32 epfd, struct inflight *fl)
{
	struct interest_key reg = { .tgid = tgid, .epfd = fl->fd };
	struct epdata_key dk = { .tgid = tgid, .data = fl->epdata };

	if (sys == MUX_EPOLL_CTL_ADD) {
		add_interest(tgid, epfd, 1);
		if (bpf_map_update_elem(&registered, &reg, &epfd, BPF_ANY))
			__sync_fetch_and_add(&drops.interest_full, 1);
		if (bpf_map_update_elem(&epdata, &dk, &fl->fd, BPF_ANY))
			__sync_fetch_and_add(&drops.fds_full, 1);
	} else if (sys == MUX_EPOLL_CTL_DEL) {
		add_interest(tgid, epfd, -1);
		bpf_map_delete_elem(&registered, &reg);
	}
}

/* An fd number was released (close) or replaced (dup2/dup3 target). */
static __always_inline void fd_gone(__u32 tgid, __s32 fd)
{
	struct interest_key key = { .tgid = tgid, .epfd = fd };
	struct fd_key fk = { .tgid = tgid, .fd = fd };
	__s32 *epfd = bpf_map_lookup_elem(&registered, &key);
	struct fd_state *st;

	if (epfd) {
		add_interest(tgid, *epfd, -1);
		bpf_map_delete_elem(&registered, &key);
	}
	bpf_map_delete_elem(&interest, &key);
	st = bpf_map_lookup_elem(&fds, &fk);
	if (!st)
		return;
	__sync_fetch_and_add(&closed.fds, 1);
	__sync_fetch_and_add(&closed.reports, st->reports);
	__sync_fetch_and_add(&closed.rereports, st->rereports);
	if (st->rereports > closed.max_rereports)	/* racy, but only a max */
		closed.max_rereports = st->rereports;
	bpf_map_delete_elem(&fds, &fk);
}

static __always_inline void epoll_created(__u32 tgid, __s32 epfd)
{
	struct interest_key key = { .tgid = tgid, .epfd = epfd };
	__s64 zero = 0;

	if (bpf_map_update_elem(&interest, &key, &zero, BPF_ANY))
		__sync_fetch_and_add(&drops.interest_full, 1);
}

static __always_inline void count_error(__u32 tid, __u32 sys, long ret)
{
	struct err_key key = { .tid = tid, .sys = sys, .err = -ret };
	__u64 one = 1, *n = bpf_map_lookup_elem(&errs, &key);

	if (n)
		(*n)++;
	else if (bpf_map_update_elem(&errs, &key, &one, BPF_NOEXIST))
		__sync_fetch_and_add(&drops.errs_full, 1);
}

static __always_inline void stats_init(struct mux_stats *s, __u32 tid, __u32 tgid)
{
	s->tid = tid;
	s->tgid = tgid;
	s->watched_min = WATCHED_UNKNOWN;
	bpf_get_current_comm(s->comm, sizeof(s->comm));
}

/* The thread's array slot, taken at its first call while slots remain */
static __always_inline struct mux_stats *stats_fast_of(struct inflight *fl, __u32 tid,
							__u32 tgid, __u32 sys)
{
	struct mux_stats *s;
	__u32 idx;

	if (!fl->stats_slot) {
		idx = stats_next < stats_slots ? __sync_fetch_and_add(&stats_next, 1) : stats_slots;
		fl->stats_slot = idx < stats_slots ? idx + 1 : STATS_IN_HASH;
	}
	if (fl->stats_slot == STATS_IN_HASH)
		return NULL;
	idx = (fl->stats_slot - 1) * MUX_NR + sys;
	s = bpf_map_lookup_elem(&stats_fast, &idx);
	if (!s)
		return NULL;
	if (!s->tid)
		stats_init(s, tid, tgid);
	/* a slot of a thread of another process with the same tid: use the hash */
	return s->tid == tid && s->tgid == tgid ? s : NULL;
}

static __always_inline struct mux_stats *stats_of(struct inflight *fl, __u32 tid, __u32 tgid,
						  __u32 sys)
{
	struct stats_key key = { .tid = tid, .sys = sys };
	struct mux_stats *s = stats_fast_of(fl, tid, tgid, sys);

	if (s)
		return s;
	s = bpf_map_lookup_elem(&stats, &key);
	if (s)
		return s;
	bpf_map_update_elem(&stats, &key, &zero_stats, BPF_NOEXIST);
	s = bpf_map_lookup_elem(&stats, &key);
	if (!s) {
		__sync_fetch_and_add(&drops.stats_full, 1);
		return NULL;
	}
	stats_init(s, tid, tgid);
	return s;
}

/* exec gave the thread a new comm: its rows take it (exec is rare) */
static __always_inline void renamed(__u32 tid)
{
	struct stats_key key = { .tid = tid };
	struct inflight *fl = inflight_of(tid, false);
	struct mux_stats *s;
	__u32 i, idx;

	/* unrolled: the key on the stack hides the counter from the verifier */
#pragma unroll
	for (i = 0; i < MUX_NR; i++) {
		key.sys = i;
		s = bpf_map_lookup_elem(&stats, &key);
		if (s)
			bpf_get_current_comm(s->comm, sizeof(s->comm));
		if (!fl || !fl->stats_slot || fl->stats_slot == STATS_IN_HASH)
			continue;
		idx = (fl->stats_slot - 1) * MUX_NR + i;
		s = bpf_map_lookup_elem(&stats_fast, &idx);
		if (s && s->tid == tid)
			bpf_get_current_comm(s->comm, sizeof(s->comm));
	}
}

/* What the exit programs pass to the accounting functions */
struct exit_args {
	__u64 now, lat;		/* ns */
	__s64 ret;
	__u64 a0, a1, a2, a3;	/* the syscall's arguments */
	__u32 sys, tgid, tid;
};

/* Count the fds up to and including the first ready one in select's union. */
static __always_inline __u32 fds_up_to(const struct inflight *fl, __u32 first)
{
	__u32 word = first / 64, i, n = 0;

	for (i = 0; i < 16; i++) {
		__u64 bits = fl->first_set[i & 15];

		if (i > word)
			break;
		if (i == word && (first % 64) < 63)
			bits &= (2ULL << (first % 64)) - 1;
		n += popcount64(bits);
	}
	return n;
}

/*
 * The fds a wait returned ready, read back at exit, and the kernel's
 * wait-queue registrations: none with a zero timeout or an error before
 * the scan; up to the first ready fd when the first pass found one; every
 * polled fd when the call slept. poll's array is read here once, for the
 * fds watched too. A global function: verified once, on its own.
 */
__noinline int account_ready(struct mux_stats *s, struct inflight *fl, struct exit_args *x)
{
	struct ready_walk w = {};
	__u32 sys, passes, regs_n;

	if (!s || !fl || !x)
		return 0;
	sys = x->sys;
	w.tgid = x->tgid;
	w.tid = x->tid;
	w.call_seq = fl->call_seq;
	if (sys == MUX_POLL || sys == MUX_PPOLL) {
		walk_pollfds(&w, (void *)x->a0, fl->nfds);
		fl->watched = w.failed ? WATCHED_UNKNOWN : w.watched;
	} else if (x->ret > 0 && (sys == MUX_SELECT || sys == MUX_PSELECT6)) {
		w.uptr[0] = (void *)x->a1;
		w.uptr[1] = (void *)x->a2;
		w.uptr[2] = (void *)x->a3;
		w.n = fl->nfds;
		bpf_loop(SET_MAX_CHUNKS * SET_CHUNK_WORDS, walk_select_word, &w, 0);
	} else if (x->ret > 0 && is_epoll_wait(sys)) {
		w.uptr[0] = (void *)x->a1;
		w.n = x->ret;
		bpf_loop(EPOLL_MAX_CHUNKS, walk_epoll_chunk, &w, 0);
		s->unmapped += w.unmapped;
	}
	s->reports += w.reports;
	s->rereports += w.rereports;

	if (!is_scan(sys) || fl->zero_timeout || fl->watched == WATCHED_UNKNOWN)
		return 0;
	if (x->ret < 0 && !is_interrupt(x->ret))
		return 0;
	passes = 1 + fl->wakeups;
	regs_n = fl->watched;
	if (x->ret > 0 && passes == 1 && w.found) {
		if (sys == MUX_POLL || sys == MUX_PPOLL) {
			regs_n = w.before_first + !w.first_nval;
		} else if (fl->first_valid && w.first < 1024) {
			regs_n = fds_up_to(fl, w.first);
		} else {
			s->approx_regs++;
		}
	}
	s->registrations += regs_n;
	return 0;
}

/* Latency, time on CPU and asleep, fds watched, passes, bytes: every call. */
__noinline int account_call(struct mux_stats *s, struct inflight *fl, struct exit_args *x)
{
	__u64 oncpu, examined;
	__u32 sys, slot, passes;

	if (!s || !fl || !x)
		return 0;
	sys = x->sys;
	s->calls++;
	s->lat_total += x->lat;
	if (x->lat > s->lat_max)
		s->lat_max = x->lat;
	slot = hist_slot(x->lat);
	if (slot >= HIST_SLOTS)
		slot = HIST_SLOTS - 1;
	s->hist[slot]++;

	/* where the time went: asleep, preempted, on CPU */
	oncpu = x->lat - fl->sleep_ns - fl->runq_ns;
	s->sleep_ns += fl->sleep_ns;
	s->runq_ns += fl->runq_ns;
	s->slept_calls += fl->slept;
	s->wakeups += fl->wakeups;
	s->hist_oncpu[log2_slot(oncpu)]++;
	if (fl->slept && is_io(sys))
		s->copy_ns += x->now - fl->on_ts;

	if (is_wait(sys)) {
		if (fl->watched != WATCHED_UNKNOWN) {
			s->watched_total += fl->watched;
			s->watched_calls++;
			if (fl->watched < s->watched_min || s->watched_min == WATCHED_UNKNOWN)
				s->watched_min = fl->watched;
			if (fl->watched > s->watched_max)
				s->watched_max = fl->watched;
		} else {
			s->unreadable += !fl->unknown_interest;
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
			s->hist_examined[log2_slot(examined)]++;
		}
	}

	if (sys == MUX_POLL || sys == MUX_PPOLL) {
		s->bytes_in += poll_bytes_in(fl, x->ret);
		s->bytes_out += poll_bytes_out(fl, x->ret);
	} else {
		s->bytes_in += fl->bytes_in;
		if (sys == MUX_SELECT || sys == MUX_PSELECT6)
			s->bytes_out += select_bytes_out(fl, x->ret);
		else if (is_epoll_wait(sys))
			s->bytes_out += epoll_bytes_out(x->ret);
	}

	if (is_io(sys)) {
		if (x->ret > 0 && sys != MUX_ACCEPT)
			s->io_bytes += x->ret;
		s->data_calls += x->ret > 0 || (sys == MUX_ACCEPT && x->ret == 0);
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

static __always_inline void on_exit(struct pt_regs *regs, long ret, bool btf)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = pid_tgid, restarted;
	struct exit_args x = { .ret = ret, .tgid = tgid, .tid = tid };
	struct inflight *fl;
	struct mux_stats *s;
	long id;

	if (!is_traced(tgid))
		return;
	id = btf ? regs->orig_ax : BPF_CORE_READ(regs, orig_ax);
	switch (id) {
	case NR_close:
		if (ret == 0)
			fd_gone(tgid, btf ? regs->di : BPF_CORE_READ(regs, di));
		return;
	case NR_dup2:
	case NR_dup3:
		if (ret >= 0)
			fd_gone(tgid, ret);
		return;
	case NR_epoll_create:
	case NR_epoll_create1:
		if (ret >= 0)
			epoll_created(tgid, ret);
		return;
	case NR_execve:
	case NR_execveat:
		if (ret == 0)
			renamed(tid);
		return;
	}
	/* most of a server's syscalls are none of ours: leave before any lookup */
	if (sys_of(id) == MUX_NONE && id != NR_restart_syscall &&
	    ret != -ERESTART_RESTARTBLOCK)
		return;

	fl = inflight_of(tid, false);
	if (!fl)
		return;
	if (fl->sys == MUX_NONE) {
		/* another syscall's restart block replaces a pending poll restart */
		if (ret == -ERESTART_RESTARTBLOCK)
			fl->restart_sys = MUX_NONE;
		return;
	}
	x.now = bpf_ktime_get_ns();
	x.lat = x.now - fl->ts;
	x.sys = fl->sys & 0xff;
	restarted = fl->sys >> 8;
	fl->sys = MUX_NONE;
	if (x.sys >= MUX_NR)
		return;
	if (btf) {
		x.a0 = regs->di; x.a1 = regs->si; x.a2 = regs->dx; x.a3 = regs->r10;
	} else {
		x.a0 = BPF_CORE_READ(regs, di); x.a1 = BPF_CORE_READ(regs, si);
		x.a2 = BPF_CORE_READ(regs, dx); x.a3 = BPF_CORE_READ(regs, r10);
	}

	s = stats_of(fl, tid, tgid, x.sys);
	if (!s)
		return;
	s->restarts += restarted;
	if (is_wait(x.sys))
		account_ready(s, fl, &x);	/* first: poll's walk counts fds watched */
	account_call(s, fl, &x);
	if (is_io(x.sys))
		fd_touched(tgid, fl->fd);

	if (ret < 0) {
		s->errors++;
		count_error(tid, x.sys, ret);
		if (ret == -ERESTART_RESTARTBLOCK) {
			fl->restart_sys = x.sys;
			fl->restart_watched = fl->watched;
		}
	} else if (ret == 0 && !is_wait(x.sys) && !is_io(x.sys)) {
		track_ctl(tgid, x.sys, x.a0, fl);
	}
}

/* Every syscall of the target passes here; other processes leave at once. */
SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter_btf, struct pt_regs *regs, long id)
{
	on_enter(regs, id, true);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_btf, struct pt_regs *regs, long ret)
{
	on_exit(regs, ret, true);
	return 0;
}

/* Twins for kernels whose tp_btf attach fails: same logic, probe reads. */
SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_raw, struct pt_regs *regs, long id)
{
	on_enter(regs, id, false);
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	on_exit(regs, ret, false);
	return 0;
}

/* Off CPU inside a call: asleep (waiting for data) or preempted. */
SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch_btf, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	if (is_traced(prev->tgid))
		switched_out(prev, preempt || prev_state == 0 /* TASK_RUNNING */);
	if (is_traced(next->tgid))
		switched_in(next);
	return 0;
}

/* Who wakes a traced thread, and through which callback (the stack). */
SEC("tp_btf/sched_waking")
int BPF_PROG(sched_waking_btf, struct task_struct *p)
{
	if (is_traced(p->tgid))
		woken(ctx, p);
	return 0;
}

/*
 * --follow: a traced process forked a new process (not a thread). raw_tp,
 * so it loads wherever the syscall fallbacks do; forks are rare, the probe
 * reads cost nothing that matters.
 */
SEC("raw_tp/sched_process_fork")
int BPF_PROG(process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);
	__u32 forked = TARGET_FORKED;

	if (ctgid == ptgid || !is_traced(ptgid))
		return 0;
	if (bpf_map_update_elem(&targets, &ctgid, &forked, BPF_ANY))
		__sync_fetch_and_add(&drops.targets_full, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
