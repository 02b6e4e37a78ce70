/* SPDX-License-Identifier: GPL-2.0 */
/*
 * epoll interest sets, kept current from the syscalls that change them:
 * epoll_create makes an empty one, epoll_ctl ADD/DEL grow and shrink it,
 * close (or dup2/dup3 over an fd) ends an fd's registration. Sets that
 * existed before the trace are seeded by the loader from /proc fdinfo.
 */
#ifndef INTEREST_BPF_H
#define INTEREST_BPF_H

#include "state.bpf.h"

/* fds registered on epfd; WATCHED_UNKNOWN and *unknown = 1 if untracked */
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

/*
 * An fd number was released (close) or replaced (dup2/dup3 target): its
 * registration ends, an epoll fd's set goes, and its readiness row moves
 * to the closed totals (the number will be reused).
 */
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

/* A new epoll fd: an empty set (its number may have held an old one) */
static __always_inline void epoll_created(__u32 tgid, __s32 epfd)
{
	struct interest_key key = { .tgid = tgid, .epfd = epfd };
	__s64 zero = 0;

	if (bpf_map_update_elem(&interest, &key, &zero, BPF_ANY))
		__sync_fetch_and_add(&drops.interest_full, 1);
}

#endif
