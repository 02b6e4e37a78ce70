// SPDX-License-Identifier: GPL-2.0
/*
 * iotrace kernel side: per-thread figures for the IO multiplexing syscalls
 * and the reads, writes and accepts around them, from tracepoints only
 * (raw syscall tracepoints, sched_switch, sched_waking; no kprobes, no fentry).
 * This file holds the programs; dispatch.bpf.h does the work of each
 * syscall, and each measurement is in the header named for it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "iotrace.h"
#include "dispatch.bpf.h"

/* Every syscall of the target passes here; other processes leave at once. */
SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter_btf, struct pt_regs *regs, long id)
{
	on_enter(regs, id, true, false);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_btf, struct pt_regs *regs, long ret)
{
	on_exit(regs, ret, true, false, true);
	return 0;
}

/* Twins for kernels whose tp_btf attach fails: same logic, probe reads. */
SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_raw, struct pt_regs *regs, long id)
{
	on_enter(regs, id, false, false);
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	on_exit(regs, ret, false, false, true);
	return 0;
}

/*
 * --light, and full mode's fallback where its programs do not load: the
 * counts without user memory.
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter_light_btf, struct pt_regs *regs, long id)
{
	on_enter(regs, id, true, true);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_light_btf, struct pt_regs *regs, long ret)
{
	on_exit(regs, ret, true, true, true);
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_light_raw, struct pt_regs *regs, long id)
{
	on_enter(regs, id, false, true);
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_light_raw, struct pt_regs *regs, long ret)
{
	on_exit(regs, ret, false, true, true);
	return 0;
}

/* --light on kernels without atomic fetch-and-add (5.10, 5.11): no array slots */
SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_compat_raw, struct pt_regs *regs, long ret)
{
	on_exit(regs, ret, false, true, false);
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

/*
 * Kernels before 5.18 pass no prev_state: the state is read from the task,
 * as their tracepoint did (__state since 5.14, state before). From 5.18 the
 * argument is the one to trust: a wakeup may rewrite the field meanwhile.
 */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch_pre518, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	long state;

	if (bpf_core_field_exists(prev->__state))
		state = BPF_CORE_READ(prev, __state);
	else
		state = BPF_CORE_READ((struct task_struct___pre514 *)prev, state);
	if (is_traced(prev->tgid))
		switched_out(prev, preempt || state == 0 /* TASK_RUNNING */);
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
		set_traced_bit(ctgid);
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
