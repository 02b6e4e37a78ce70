/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every syscall of a traced process, dispatched: at entry, what the call
 * asks for (its fds, sets, timeout) into the thread's in-flight record; at
 * exit, what it did, into the thread's row. Each measurement is in the
 * header named for it; iotrace.bpf.c holds the programs that call these.
 */
#ifndef DISPATCH_BPF_H
#define DISPATCH_BPF_H

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

/*
 * lite: a --light program, built without the user-memory walks, so it
 * references no bpf_loop callback, no global function taking pointers and
 * no kfunc: kernels older than those (5.10..5.16) verify it.
 */
static __always_inline void on_enter(struct pt_regs *regs, long id, bool btf, bool lite)
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
		if (lite || light)
			break;	/* the sets are in user memory: fds watched unknown */
		/* a trusted task pointer: direct loads, no helper calls */
		struct task_struct *task = bpf_get_current_task_btf();
		int max_fds = task->files->fdt->max_fds, n = a0;	/* the kernel's int */
		__u32 zero = 0;
		struct scan_buf *buf = bpf_map_lookup_elem(&scan_bufs, &zero);

		if (!buf)
			break;
		buf->sel.n = n > max_fds ? max_fds : n;
		buf->sel.in = a1;
		buf->sel.out = a2;
		buf->sel.ex = a3;
		buf->sel.tvp = a4;
		buf->sel.sigpack = sys == MUX_PSELECT6 ? a5 : 0;
		enter_select(fl);
		watched = fl->watched;
		break;
	}
	case MUX_POLL:
	case MUX_PPOLL:
		if (sys == MUX_POLL && (int)a2 == 0)
			fl->zero_timeout = 1;
		if (lite || light) {	/* fds watched: the entries, negative fds included */
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
		if (sys == MUX_EPOLL_CTL_ADD && !lite && !light)
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

static __always_inline void on_exit(struct pt_regs *regs, long ret, bool btf, bool lite,
				    bool slots)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = pid_tgid, restarted;
	struct exit_args lite_x, *x = &lite_x;
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
	if (!lite) {
		__u32 zero = 0;

		x = bpf_map_lookup_elem(&exit_scratch, &zero);
		if (!x)
			return;
	}
	x->ret = ret;
	x->tgid = tgid;
	x->tid = tid;
	x->a4 = 0;
	x->now = now;
	x->timed = !!fl->ts;
	x->lat = x->timed ? now - fl->ts : 0;
	x->sys = sys_plain(fl->sys);
	restarted = !!(fl->sys & SYS_RESTARTED);
	fl->sys = MUX_NONE;
	if (x->sys >= MUX_NR)
		return;
	x->a0 = SYSCALL_ARG(regs, btf, 1);
	x->a1 = SYSCALL_ARG(regs, btf, 2);
	x->a2 = SYSCALL_ARG(regs, btf, 3);
	x->a3 = SYSCALL_ARG(regs, btf, 4);
	if (x->sys == MUX_SELECT || x->sys == MUX_PSELECT6)
		x->a4 = SYSCALL_ARG(regs, btf, 5);

	fl->io_kind = 0;
	s = stats_of(fl, tid, tgid, x->sys, slots);
	if (!s)
		return;
	s->restarts += restarted;
	if (is_wait(x->sys) && !lite && !light)
		account_wait(s, fl, x);	/* first: poll's walk counts fds watched */
	account_call(s, fl, x);
	if (is_io(x->sys)) {
		/* splice(in, off_in, out, ...): the fd written to */
		__s32 fd = x->sys == MUX_SPLICE ? x->a2 : x->a0;
		__u32 kind = fd_kind(fd, btf);

		account_io(s, x->sys, ret, kind);
		fl->io_kind = kind + 1;	/* for the recording (-w) */
		if (!lite && !light)
			fd_touched(tgid, fd);
	}

	if (ret < 0) {
		s->errors++;
		count_error(tid, x->sys, ret);
		if (ret == -ERESTART_RESTARTBLOCK) {
			fl->restart_sys = x->sys;
			fl->restart_watched = fl->watched;
		}
	} else if (ret == 0 && !is_wait(x->sys) && !is_io(x->sys)) {
		track_ctl(tgid, x->sys, x->a0, fl);
	}
	record_call(fl, x->now, x->lat, ret, x->sys, tid, tgid, restarted);
}

#endif
