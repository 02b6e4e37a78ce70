/* SPDX-License-Identifier: GPL-2.0 */
/* Exact counts from the optional fentry/kprobe layer (deep.bpf.c). */
#ifndef IOTRACE_DEEP_H
#define IOTRACE_DEEP_H

enum deep_count {
	DEEP_POLLWAIT,		/* __pollwait: select/poll wait-queue registrations */
	DEEP_SOCK_POLL,		/* sock_poll: sockets polled */
	DEEP_EP_QUEUE,		/* ep_ptable_queue_proc: epoll registrations */
	DEEP_POLLWAKE,		/* pollwake of a target thread */
	DEEP_NR,
};

#endif
