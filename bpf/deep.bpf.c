// SPDX-License-Identifier: GPL-2.0
/*
 * Optional exact in-kernel counts, for kernels that allow fentry or
 * kprobes (this project's reference machine allows neither: iotrace must
 * work without them). The loader tries fentry, then kprobes, and reports
 * which, if any, attached.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "deep.h"

const volatile __u32 targ_tgid = 0;

__u64 counts[DEEP_NR] = {};

static __always_inline void count_if_target(__u32 tgid, int what)
{
	if (tgid == targ_tgid)
		__sync_fetch_and_add(&counts[what], 1);
}

static __always_inline __u32 current_tgid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

/* select/poll register the caller on a wait queue (first pass only) */
SEC("fentry/__pollwait")
int BPF_PROG(pollwait_fentry)
{
	count_if_target(current_tgid(), DEEP_POLLWAIT);
	return 0;
}

/* one per socket polled by select, poll or epoll */
SEC("fentry/sock_poll")
int BPF_PROG(sock_poll_fentry)
{
	count_if_target(current_tgid(), DEEP_SOCK_POLL);
	return 0;
}

/* epoll_ctl(ADD) registering its callback on a wait queue */
SEC("fentry/ep_ptable_queue_proc")
int BPF_PROG(ep_queue_fentry)
{
	count_if_target(current_tgid(), DEEP_EP_QUEUE);
	return 0;
}

/* a wakeup through a select/poll entry: the sleeper is the entry's task */
SEC("fentry/pollwake")
int BPF_PROG(pollwake_fentry, wait_queue_entry_t *wait)
{
	struct poll_wqueues *pwq = wait->private;

	count_if_target(BPF_CORE_READ(pwq, polling_task, tgid), DEEP_POLLWAKE);
	return 0;
}

SEC("kprobe/__pollwait")
int BPF_KPROBE(pollwait_kprobe)
{
	count_if_target(current_tgid(), DEEP_POLLWAIT);
	return 0;
}

SEC("kprobe/sock_poll")
int BPF_KPROBE(sock_poll_kprobe)
{
	count_if_target(current_tgid(), DEEP_SOCK_POLL);
	return 0;
}

SEC("kprobe/ep_ptable_queue_proc")
int BPF_KPROBE(ep_queue_kprobe)
{
	count_if_target(current_tgid(), DEEP_EP_QUEUE);
	return 0;
}

SEC("kprobe/pollwake")
int BPF_KPROBE(pollwake_kprobe, wait_queue_entry_t *wait)
{
	struct poll_wqueues *pwq = BPF_CORE_READ(wait, private);

	count_if_target(BPF_CORE_READ(pwq, polling_task, tgid), DEEP_POLLWAKE);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
