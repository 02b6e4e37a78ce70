// SPDX-License-Identifier: GPL-2.0
/*
 * iotrace kernel side: per-thread figures for the IO multiplexing syscalls,
 * from the raw syscall tracepoints only (no kprobes, no fentry).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "iotrace.h"
#include "hist.bpf.h"
#include "fdsets.bpf.h"

#ifndef __TARGET_ARCH_x86
#error "iotrace decodes x86_64 syscall numbers and registers"
#endif

/* x86_64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl) */
#define NR_poll			7
#define NR_close		3
#define NR_select		23
#define NR_dup2			33
#define NR_epoll_create		213
#define NR_restart_syscall	219
#define NR_epoll_wait		232
#define NR_epoll_ctl		233
#define NR_pselect6		270
#define NR_ppoll		271
#define NR_epoll_pwait		281
#define NR_epoll_create1	291
#define NR_dup3			292
#define NR_epoll_pwait2		441

#define ERESTART_RESTARTBLOCK	516
#define EPOLL_CTL_ADD		1
#define EPOLL_CTL_DEL		2
#define EPOLL_CTL_MOD		3

const volatile __u32 targ_tgid = 0;

/* The call a thread is inside, kept in task storage (no hash on the hot path). */
struct inflight {
	__u64 ts;		/* ns at entry */
	__u32 sys;		/* enum mux_sys, MUX_NONE when outside */
	__u32 watched;		/* fds watched, or WATCHED_UNKNOWN */
	__u32 unknown_interest;	/* epoll fd of unknown interest size */
	__u32 restart_sys;	/* sys of a call that exited -ERESTART_RESTARTBLOCK */
	__u32 restart_watched;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct inflight);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct stats_key);
	__type(value, struct mux_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct err_key);
	__type(value, __u64);
} errs SEC(".maps");

/* Registrations per epoll fd, from epoll_ctl and the loader's /proc scan. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct interest_key);
	__type(value, __s64);
} interest SEC(".maps");

/*
 * The epoll fd each registered fd belongs to, so that close() of a
 * registered fd (which ends its registration) shrinks the interest set.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct interest_key);	/* {tgid, registered fd} */
	__type(value, __s32);			/* its epoll fd */
} registered SEC(".maps");

struct drop_counts drops = {};
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

static __always_inline void on_enter(struct pt_regs *regs, long id, bool btf)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, sys, watched = WATCHED_UNKNOWN, unknown = 0;
	struct task_struct *task;
	struct inflight *fl;
	unsigned long a0, a1, a2, a3;

	if (tgid != targ_tgid)
		return;
	switch (id) {
	case NR_select:		sys = MUX_SELECT; break;
	case NR_pselect6:	sys = MUX_PSELECT6; break;
	case NR_poll:		sys = MUX_POLL; break;
	case NR_ppoll:		sys = MUX_PPOLL; break;
	case NR_epoll_wait:	sys = MUX_EPOLL_WAIT; break;
	case NR_epoll_pwait:	sys = MUX_EPOLL_PWAIT; break;
	case NR_epoll_pwait2:	sys = MUX_EPOLL_PWAIT2; break;
	case NR_epoll_ctl:	sys = MUX_EPOLL_CTL_BADOP; break;
	case NR_restart_syscall: sys = MUX_NONE; break;
	default:
		return;
	}

	task = bpf_get_current_task_btf();
	if (id == NR_restart_syscall) {
		/* poll re-entered after a signal: same call, same fds */
		fl = bpf_task_storage_get(&inflight, task, 0, 0);
		if (!fl || fl->restart_sys == MUX_NONE)
			return;
		fl->sys = fl->restart_sys | 0x100;
		fl->watched = fl->restart_watched;
		fl->ts = bpf_ktime_get_ns();
		return;
	}
	fl = bpf_task_storage_get(&inflight, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!fl)
		return;

	if (btf) {
		a0 = regs->di; a1 = regs->si; a2 = regs->dx; a3 = regs->r10;
	} else {
		a0 = BPF_CORE_READ(regs, di); a1 = BPF_CORE_READ(regs, si);
		a2 = BPF_CORE_READ(regs, dx); a3 = BPF_CORE_READ(regs, r10);
	}

	switch (sys) {
	case MUX_SELECT:
	case MUX_PSELECT6: {
		int n = a0, max_fds = BPF_CORE_READ(task, files, fdt, max_fds);

		if (n < 0)
			n = 0;
		if (n > max_fds)
			n = max_fds;
		watched = count_select_fds(n, (void *)a1, (void *)a2, (void *)a3);
		break;
	}
	case MUX_POLL:
	case MUX_PPOLL:
		watched = count_poll_fds((void *)a0, a1);
		break;
	case MUX_EPOLL_WAIT:
	case MUX_EPOLL_PWAIT:
	case MUX_EPOLL_PWAIT2:
		watched = interest_size(tgid, a0, &unknown);
		break;
	default:	/* epoll_ctl: split by op */
		if (a1 == EPOLL_CTL_ADD)
			sys = MUX_EPOLL_CTL_ADD;
		else if (a1 == EPOLL_CTL_MOD)
			sys = MUX_EPOLL_CTL_MOD;
		else if (a1 == EPOLL_CTL_DEL)
			sys = MUX_EPOLL_CTL_DEL;
		break;
	}
	fl->sys = sys;
	fl->watched = watched;
	fl->unknown_interest = unknown;
	fl->restart_sys = MUX_NONE;
	fl->ts = bpf_ktime_get_ns();
}

static __always_inline void add_interest(__u32 tgid, __s32 epfd, __s64 delta)
{
	struct interest_key key = { .tgid = tgid, .epfd = epfd };
	__s64 *n = bpf_map_lookup_elem(&interest, &key);

	if (n)
		__sync_fetch_and_add(n, delta);
}

/* epoll_ctl succeeded: keep the interest set and fd -> epfd map current. */
static __always_inline void track_ctl(__u32 tgid, __u32 sys, __s32 epfd, __s32 fd)
{
	struct interest_key reg = { .tgid = tgid, .epfd = fd };

	if (sys == MUX_EPOLL_CTL_ADD) {
		add_interest(tgid, epfd, 1);
		if (bpf_map_update_elem(&registered, &reg, &epfd, BPF_ANY))
			__sync_fetch_and_add(&drops.interest_full, 1);
	} else if (sys == MUX_EPOLL_CTL_DEL) {
		add_interest(tgid, epfd, -1);
		bpf_map_delete_elem(&registered, &reg);
	}
}

/* An fd number was released (close) or replaced (dup2/dup3 target). */
static __always_inline void fd_gone(__u32 tgid, __s32 fd)
{
	struct interest_key key = { .tgid = tgid, .epfd = fd };
	__s32 *epfd = bpf_map_lookup_elem(&registered, &key);

	if (epfd) {
		add_interest(tgid, *epfd, -1);
		bpf_map_delete_elem(&registered, &key);
	}
	bpf_map_delete_elem(&interest, &key);
}

static __always_inline void epoll_created(__u32 tgid, __s32 epfd)
{
	struct interest_key key = { .tgid = tgid, .epfd = epfd };
	__s64 zero = 0;

	if (bpf_map_update_elem(&interest, &key, &zero, BPF_ANY))
		__sync_fetch_and_add(&drops.interest_full, 1);
}

static __always_inline bool is_wait(__u32 sys)
{
	return sys <= MUX_EPOLL_PWAIT2;
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

static __always_inline struct mux_stats *stats_of(__u32 tid, __u32 tgid, __u32 sys)
{
	struct stats_key key = { .tid = tid, .sys = sys };
	struct mux_stats *s = bpf_map_lookup_elem(&stats, &key);

	if (s)
		return s;
	bpf_map_update_elem(&stats, &key, &zero_stats, BPF_NOEXIST);
	s = bpf_map_lookup_elem(&stats, &key);
	if (!s) {
		__sync_fetch_and_add(&drops.stats_full, 1);
		return NULL;
	}
	s->tgid = tgid;
	s->watched_min = WATCHED_UNKNOWN;
	bpf_get_current_comm(s->comm, sizeof(s->comm));
	return s;
}

static __always_inline void on_exit(struct pt_regs *regs, long ret, bool btf)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), now, lat;
	__u32 tgid = pid_tgid >> 32, tid = pid_tgid, sys, restarted, slot;
	struct inflight *fl;
	struct mux_stats *s;
	long id;

	if (tgid != targ_tgid)
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
	}

	fl = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0, 0);
	if (!fl)
		return;
	if (fl->sys == MUX_NONE) {
		/* another syscall's restart block replaces a pending poll restart */
		if (ret == -ERESTART_RESTARTBLOCK)
			fl->restart_sys = MUX_NONE;
		return;
	}
	now = bpf_ktime_get_ns();
	lat = now - fl->ts;
	sys = fl->sys & 0xff;
	restarted = fl->sys >> 8;
	fl->sys = MUX_NONE;
	if (sys >= MUX_NR)
		return;

	s = stats_of(tid, tgid, sys);
	if (!s)
		return;
	s->calls++;
	s->restarts += restarted;
	s->lat_total += lat;
	if (lat > s->lat_max)
		s->lat_max = lat;
	slot = hist_slot(lat);
	if (slot >= HIST_SLOTS)
		slot = HIST_SLOTS - 1;
	s->hist[slot]++;
	if (fl->watched != WATCHED_UNKNOWN) {
		s->watched_total += fl->watched;
		s->watched_calls++;
		if (fl->watched < s->watched_min || s->watched_min == WATCHED_UNKNOWN)
			s->watched_min = fl->watched;
		if (fl->watched > s->watched_max)
			s->watched_max = fl->watched;
	} else if (is_wait(sys)) {
		s->unreadable += !fl->unknown_interest;
		s->unknown_interest += fl->unknown_interest;
	}

	if (ret < 0) {
		s->errors++;
		count_error(tid, sys, ret);
		if (ret == -ERESTART_RESTARTBLOCK) {
			fl->restart_sys = sys;
			fl->restart_watched = fl->watched;
		}
		return;
	}
	if (is_wait(sys)) {
		if (ret == 0)
			s->timeouts++;
		s->ready_total += ret;
		if (ret > s->ready_max)
			s->ready_max = ret;
	} else if (ret == 0) {
		track_ctl(tgid, sys, btf ? regs->di : BPF_CORE_READ(regs, di),
			  btf ? regs->dx : BPF_CORE_READ(regs, dx));
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

char LICENSE[] SEC("license") = "GPL";
