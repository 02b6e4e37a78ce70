// SPDX-License-Identifier: GPL-2.0
/*
 * iotrace kernel side: per-thread figures for the IO multiplexing syscalls
 * and the reads, writes and accepts around them, from tracepoints only
 * (raw syscall tracepoints, sched_switch, sched_waking; no kprobes, no fentry).
 * This file dispatches; each measurement is in the header named for it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "iotrace.h"
#include "syscalls.bpf.h"
#include "state.bpf.h"
#include "stats.bpf.h"
#include "interest.bpf.h"
#include "select.bpf.h"
#include "copies.bpf.h"
#include "readiness.bpf.h"
#include "rewrites.bpf.h"
#include "account.bpf.h"
#include "sched.bpf.h"
#include "allsys.bpf.h"
#include "fdkind.bpf.h"
#include "record.bpf.h"

static __always_inline void on_enter(struct pt_regs *regs, long id, bool btf)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, sys, watched = WATCHED_UNKNOWN, unknown = 0;
	struct inflight *fl;
	unsigned long a0, a1, a2, a3, a4, a5;

	if (!is_traced(tgid))
		return;
	/* every syscall: its entry time, in the slot the exit looks up anyway */
	fl = inflight_of((__u32)pid_tgid, true);
	if (!fl)
		return;
	if (id == NR_restart_syscall) {
		/* poll re-entered after a stop signal: same call, same fds */
		if (fl->restart_sys != MUX_NONE) {
			fl->sys = fl->restart_sys | SYS_RESTARTED;
			fl->watched = fl->restart_watched;
		}
		goto stamp;
	}
	sys = sys_of(id, regs, btf);
	if (sys == MUX_NONE)
		goto stamp;
	/* reads, writes, accepts: all they need is read at exit */
	if (is_io(sys) || sys == MUX_URING) {
		fl->bytes_in = 0;
		goto mark;
	}

	a0 = SYSCALL_ARG(regs, btf, 1);
	a1 = SYSCALL_ARG(regs, btf, 2);
	a2 = SYSCALL_ARG(regs, btf, 3);
	a3 = SYSCALL_ARG(regs, btf, 4);
	a4 = SYSCALL_ARG(regs, btf, 5);
	a5 = SYSCALL_ARG(regs, btf, 6);
	fl->bytes_in = fl->tmo_out = fl->set_bytes = fl->nfds = 0;
	fl->zero_timeout = 0;

	switch (sys) {
	case MUX_SELECT:
	case MUX_PSELECT6: {
		if (light)
			break;	/* the sets are in user memory: fds watched unknown */
		/* a trusted task pointer: direct loads, no helper calls */
		struct task_struct *task = bpf_get_current_task_btf();
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
		if (sys == MUX_POLL && (int)a2 == 0)
			fl->zero_timeout = 1;
		if (light) {	/* fds watched: the entries, negative fds included */
			fl->nfds = watched = a1;
			break;
		}
		poll_copies(fl, a1, sys == MUX_PPOLL ? (void *)a2 : NULL,
			    sys == MUX_PPOLL ? (void *)a3 : NULL);
		/* P1's events check: a second user read, so on a sample of calls */
		fl->events_read = 0;
		if (rewrite_sampled(fl->call_seq + 1))
			poll_events_in(fl, (void *)a0, fl->nfds);
		break;		/* fds watched: counted at exit */
	case MUX_EPOLL_WAIT:
	case MUX_EPOLL_PWAIT:
	case MUX_EPOLL_PWAIT2:
		watched = interest_size(fl, tgid, a0, &unknown);
		if (sys == MUX_EPOLL_PWAIT2 && a3)
			fl->bytes_in += 16;
		if (sys != MUX_EPOLL_WAIT && a4)
			fl->bytes_in += 8;
		break;
	case MUX_EPOLL_CTL_ADD:
	case MUX_EPOLL_CTL_MOD:
	case MUX_EPOLL_CTL_DEL:
	case MUX_EPOLL_CTL_BADOP: {
		struct { __u32 events; __u64 data; } __attribute__((packed)) ev = {};

		if (sys != MUX_EPOLL_CTL_DEL)
			fl->bytes_in = EPOLL_EVENT_SIZE;
		/*
		 * Only ADD's data is read for the event-to-fd map: servers MOD
		 * per request with the same data, and a user read costs ~0.1 us.
		 * Events whose data changed by a MOD are counted as unmapped.
		 */
		if (sys == MUX_EPOLL_CTL_ADD && !light)
			bpf_probe_read_user(&ev, sizeof(ev), (void *)a3);
		fl->epdata = ev.data;
		fl->fd = a2;
		break;
	}
	}
	if (is_wait(sys))
		fl->call_seq++;
mark:
	fl->watched = watched;
	fl->unknown_interest = unknown;
	fl->sys = sys;
	fl->restart_sys = MUX_NONE;
	fl->wakeups = 0;
	fl->sleep_ns = fl->runq_ns = fl->off_ts = 0;
	fl->slept = 0;
stamp:
	fl->nr = sys_slot(id);
	fl->ts = call_timed(fl) ? bpf_ktime_get_ns() : 0;
}

static __always_inline void on_exit(struct pt_regs *regs, long ret, bool btf)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = pid_tgid, restarted;
	struct exit_args x;
	struct inflight *fl;
	struct mux_stats *s;
	__u64 now;
	long id;

	/* nothing before this test: every syscall on the machine pays for it */
	if (!is_traced(tgid))
		return;
	id = syscall_nr(regs, btf);
	fl = inflight_of(tid, false);
	now = fl && fl->ts ? bpf_ktime_get_ns() : 0;	/* --light: timed calls only */
	if (fl)
		count_syscall(fl, id, ret, now);
	switch (id) {
	case NR_close:
		if (ret == 0)
			fd_gone(tgid, SYSCALL_ARG(regs, btf, 1));
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
		if (ret == 0) {
			renamed(tid);
			record_proc(REC_EXEC, tid, tgid, 0);
		}
		return;
	}
	/* the thread's traced call, if any, is this one: syscalls do not nest */
	if (!fl)
		return;
	if (fl->sys == MUX_NONE) {
		/* another syscall's restart block replaces a pending poll restart */
		if (ret == -ERESTART_RESTARTBLOCK)
			fl->restart_sys = MUX_NONE;
		return;
	}
	x.ret = ret;
	x.tgid = tgid;
	x.tid = tid;
	x.a4 = 0;
	x.now = now;
	x.timed = !!fl->ts;
	x.lat = x.timed ? now - fl->ts : 0;
	x.sys = sys_plain(fl->sys);
	restarted = !!(fl->sys & SYS_RESTARTED);
	fl->sys = MUX_NONE;
	if (x.sys >= MUX_NR)
		return;
	x.a0 = SYSCALL_ARG(regs, btf, 1);
	x.a1 = SYSCALL_ARG(regs, btf, 2);
	x.a2 = SYSCALL_ARG(regs, btf, 3);
	x.a3 = SYSCALL_ARG(regs, btf, 4);
	if (x.sys == MUX_SELECT || x.sys == MUX_PSELECT6)
		x.a4 = SYSCALL_ARG(regs, btf, 5);

	fl->io_kind = 0;
	s = stats_of(fl, tid, tgid, x.sys);
	if (!s)
		return;
	s->restarts += restarted;
	if (is_wait(x.sys) && !light)
		account_wait(s, fl, &x);	/* first: poll's walk counts fds watched */
	account_call(s, fl, &x);
	if (is_io(x.sys)) {
		/* splice(in, off_in, out, ...): the fd written to */
		__s32 fd = x.sys == MUX_SPLICE ? x.a2 : x.a0;
		__u32 kind = fd_kind(fd, btf);

		account_io(s, x.sys, ret, kind);
		fl->io_kind = kind + 1;	/* for the recording (-w) */
		if (!light)
			fd_touched(tgid, fd);
	}

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
	record_call(fl, x.now, x.lat, ret, x.sys, tid, tgid, restarted);
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
	else
		__sync_fetch_and_or(traced_word(ctgid), 1ULL << (ctgid & 63));
	return 0;
}

/*
 * Run once by the loader (BPF_PROG_TEST_RUN, in its own context, never
 * attached): the file_operations of its eventfd calib_fd, so IO calls on
 * eventfds can be told from the other anonymous files.
 */
SEC("raw_tp")
int BPF_PROG(calibrate_eventfd)
{
	struct file *f = fd_file_core(calib_fd);

	if (f)
		eventfd_fop = (__u64)BPF_CORE_READ(f, f_op);
	return 0;
}

/* -w: the process events of the recording (forks of a process, not threads) */
SEC("raw_tp/sched_process_fork")
int BPF_PROG(record_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);

	if (ctgid != ptgid && is_traced(ptgid))
		record_proc(REC_FORK, BPF_CORE_READ(parent, pid), ptgid, ctgid);
	return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(record_exit, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);

	if (is_traced(tgid))
		record_proc(REC_EXIT, BPF_CORE_READ(p, pid), tgid, BPF_CORE_READ(p, exit_code));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
