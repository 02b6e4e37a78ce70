/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bytes the kernel copies between user and kernel memory per call, derived
 * from the arguments by the rules of fs/select.c and fs/eventpoll.c.
 * Nothing here is observed: the report says "derived".
 */
#ifndef COPIES_BPF_H
#define COPIES_BPF_H

#include "state.bpf.h"
#include "syscalls.bpf.h"

#define EPOLL_EVENT_SIZE	12	/* packed on x86_64 */

/*
 * A 16-byte timeval/timespec: copied in if given; remaining time copied
 * back if non-zero. pre: its value when already read (select's span).
 * The value is kept in fl->tmo, to see at exit what the kernel wrote back.
 */
static __always_inline void timeout_in(struct inflight *fl, const void *utime, const __s64 *pre)
{
	__s64 t[2] = {};

	fl->tmo_read = 0;
	if (!utime)
		return;
	fl->bytes_in += 16;
	if (pre) {
		t[0] = pre[0];
		t[1] = pre[1];
	} else if (bpf_probe_read_user(t, sizeof(t), utime)) {
		return;
	}
	fl->tmo[0] = t[0];
	fl->tmo[1] = t[1];
	fl->tmo_read = 1;
	if (!t[0] && !t[1])
		fl->zero_timeout = 1;
	else
		fl->tmo_out = 16;
}

/* select/pselect6: nfds clamped to max_fds, FDS_BYTES per non-NULL set */
static __always_inline void select_copies(struct inflight *fl, int n, unsigned long in,
					  unsigned long out, unsigned long ex,
					  const void *tvp, const __s64 *tv, const void *sigpack)
{
	__u32 nsets = !!in + !!out + !!ex;
	struct { __u64 p; __u64 size; } pack;

	timeout_in(fl, tvp, tv);
	if (sigpack) {
		fl->bytes_in += 16;
		if (!bpf_probe_read_user(&pack, sizeof(pack), sigpack) && pack.p)
			fl->bytes_in += 8;
	}
	fl->set_bytes = n > 0 ? nsets * 8 * ((n + 63) / 64) : 0;
	fl->bytes_in += fl->set_bytes;
}

static __always_inline __u32 select_bytes_out(const struct inflight *fl, long ret)
{
	return (ret >= 0 ? fl->set_bytes : 0) + fl->tmo_out;
}

/*
 * poll/ppoll: 8 B per pollfd in, 2 B revents out. The only EINVALs (nfds
 * above RLIMIT_NOFILE, a bad ppoll timeout) come before the array is
 * copied, so the exit takes those bytes back instead of reading the limit.
 */
static __always_inline void poll_copies(struct inflight *fl, __u32 nfds, const void *tsp,
					const void *sigmask)
{
	fl->nfds = nfds;
	timeout_in(fl, tsp, NULL);
	if (sigmask)
		fl->bytes_in += 8;
}

static __always_inline __u32 poll_bytes_in(const struct inflight *fl, long ret)
{
	return fl->bytes_in + (ret == -EINVAL ? 0 : 8 * fl->nfds);
}

static __always_inline __u32 poll_bytes_out(const struct inflight *fl, long ret)
{
	/* revents are written back after do_poll, interrupted or not */
	return (ret >= 0 || is_interrupt(ret) ? 2 * fl->nfds : 0) + fl->tmo_out;
}

static __always_inline __u32 epoll_bytes_out(long ret)
{
	return ret > 0 ? EPOLL_EVENT_SIZE * ret : 0;
}

#endif
