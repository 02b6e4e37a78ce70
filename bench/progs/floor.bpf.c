// SPDX-License-Identifier: GPL-2.0
/*
 * The floor: the least a syscall tracer filtered to one process can cost.
 * An empty tp_btf sys_enter + sys_exit pair, both testing the tgid, and
 * one counter. iotrace's added cost is judged against this one's.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

const volatile __u32 targ_tgid;
const volatile __u32 targ_tgid2;	/* a second process (nginx's 2 workers); 0: none */

__u64 syscalls;

static __always_inline bool is_target(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	/* targ_tgid2 is a load-time constant: with 0 the verifier drops its test */
	return tgid == targ_tgid || (targ_tgid2 && tgid == targ_tgid2);
}

/* Every syscall of every process passes here; only the target's go on. */
SEC("tp_btf/sys_enter")
int BPF_PROG(floor_enter, struct pt_regs *regs, long id)
{
	/* an empty asm keeps the test, which would guard nothing otherwise */
	if (is_target())
		asm volatile("");
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_exit, struct pt_regs *regs, long ret)
{
	if (is_target())
		__sync_fetch_and_add(&syscalls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
