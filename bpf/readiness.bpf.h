/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which fds a call returned ready, read back at exit (select's out sets,
 * poll's revents, epoll's events mapped to fds through the data given to
 * epoll_ctl), and the level-triggered re-report count: an fd reported by a
 * thread's previous call too, with no read, write or accept on it since.
 * The first ready fd also tells how far the kernel's first pass registered.
 */
#ifndef READINESS_BPF_H
#define READINESS_BPF_H

#include "state.bpf.h"
#include "fdsets.bpf.h"
#include "maps.bpf.h"

#define POLLNVAL	0x20
#define EPOLL_CHUNK	16	/* events per read */
#define EPOLL_MAX_CHUNKS 4096

struct ready_walk {
	__u64 reports, rereports;
	const void *uptr[3];	/* select: out sets; poll: pollfds; epoll: events */
	__u64 call_seq;
	__u32 tgid, tid;
	__u32 n;		/* select: nbits; poll: entries; epoll: events */
	__s32 first;		/* first ready fd (select) or entry index (poll) */
	__u32 found;		/* first is set. A flag, not first < 0: the verifier
				 * then sees 2 states per iteration, not one per value */
	__u32 before_first;	/* poll: entries with fd >= 0 before the first ready one */
	__u32 first_nval;	/* poll: the first ready entry was POLLNVAL */
	__u32 watched;		/* poll: entries with fd >= 0 */
	bool failed;		/* poll: the array, select: a set, could not be read */
	__u32 unmapped;		/* epoll: events whose data maps to no known fd */
	/* S7/P1: the caller's memory as the kernel left it */
	__u32 set_bits;		/* select: bits set in the 3 sets, summed */
	__u32 revents_set;	/* poll: entries with revents != 0 */
	__u32 reread;		/* poll: entries read */
	__u64 events_sum;	/* poll: checksum of their events (events_term) */
	__u32 want_events;	/* poll: sum them (the entry read them: events_read) */
	/* select: the sets and timeout read back in one span (read_span) */
	__u32 span_off[3];	/* where each set is in scan_buf.span */
	__u32 spanned;		/* the sets' first chunk is in scan_buf.span */
	__u32 tmo_spanned;	/* tmo holds the timeout as the kernel left it */
	__s64 tmo[2];
	struct set_scan pre;	/* read_span's: where it put each set */
	/* epoll: one chunk of events, as read (not cleared per call) */
	struct { __u32 events; __u64 data; } __attribute__((packed)) ev[EPOLL_CHUNK];
};

/*
 * A walk's state lives in a per-CPU slot, not on the stack: the exit
 * program, account_ready, a callback, a chunk and fd_ready stacked up past
 * the 512 bytes a kernel without private stacks allows (6.12: 560).
 * bpf_loop takes a stack pointer, so its callbacks get the slot through one.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ready_walk);
} walks SEC(".maps");

struct walk_ref {
	struct ready_walk *w;
};

/*
 * Record one ready fd; returns 1 for a re-report, 0 for a first report, -1
 * if untracked. A global function: the verifier checks it once, not once
 * per bit of every set it is called from.
 */
/* A new fd's row; in .rodata, not on the stack (the stack budget is tight here) */
static const struct fd_state fd_state_zero;

__noinline int fd_ready(__u32 tgid, __u32 tid, __u64 call_seq, __s32 fd)
{
	struct fd_key key = { .tgid = tgid, .fd = fd };
	struct fd_state *st = lookup_or_try_init(&fds, &key, &fd_state_zero);
	int rereport = 0;

	if (!st) {
		__sync_fetch_and_add(&drops.fds_full, 1);
		return -1;
	}
	st->reports++;
	if (st->reports > 1 && st->last_tid == tid && st->last_call + 1 == call_seq &&
	    !st->touched) {
		st->rereports++;
		rereport = 1;
	}
	st->last_call = call_seq;
	st->last_tid = tid;
	st->touched = 0;
	return rereport;
}

static __always_inline void report_fd(struct ready_walk *w, __s32 fd)
{
	int r = fd_ready(w->tgid, w->tid, w->call_seq, fd);

	if (r >= 0)
		w->reports++;
	if (r > 0)
		w->rereports++;
}

/* A read, write or accept on fd: its next report is not a re-report. */
static __always_inline void fd_touched(__u32 tgid, __s32 fd)
{
	struct fd_key key = { .tgid = tgid, .fd = fd };
	struct fd_state *st = bpf_map_lookup_elem(&fds, &key);

	if (st)
		st->touched = 1;
}

/* One 64-fd word of select's out sets; a chunk of 16 words is read at a time. */
__noinline int select_word(__u32 word, struct ready_walk *w)
{
	__u32 zero = 0, first = word & ~(SET_CHUNK_WORDS - 1), slot = word & (SET_CHUNK_WORDS - 1);
	struct scan_buf *buf = bpf_map_lookup_elem(&scan_bufs, &zero);
	__u64 size, bits, mask;
	__u32 words, k, b;

	if (!buf || !w || word * 64 >= w->n)
		return 1;
	if (!slot) {
		words = (w->n - first * 64 + 63) / 64;
		size = (words > SET_CHUNK_WORDS ? SET_CHUNK_WORDS : words) * 8;
		if (size > sizeof(buf->sets[0]))
			size = sizeof(buf->sets[0]);
		for (k = 0; k < 3; k++) {
			if (!w->uptr[k]) {
				__builtin_memset(buf->sets[k], 0, sizeof(buf->sets[k]));
			} else if (w->spanned && !first) {
				/* already in kernel memory: loads, not a user read */
				span_words(buf->sets[k], buf, w->span_off[k], words);
			} else if (bpf_probe_read_user(buf->sets[k], size, w->uptr[k] + first * 8)) {
				__builtin_memset(buf->sets[k], 0, sizeof(buf->sets[k]));
				w->failed = true;
			}
		}
	}
	mask = word_mask(w->n, word);
	w->set_bits += sets_bits(buf, slot, mask);
	bits = (buf->sets[0][slot] | buf->sets[1][slot] | buf->sets[2][slot]) & mask;
	if (bits && !w->found) {
		w->found = 1;
		w->first = word * 64 + popcount64((bits & -bits) - 1);
	}
	for (b = 0; b < 64 && bits; b++) {
		report_fd(w, word * 64 + popcount64((bits & -bits) - 1));
		bits &= bits - 1;
	}
	return 0;
}

/*
 * One read per chunk of pollfds: count the watched ones and the ready ones.
 * The counts go straight to the walk's memory, not to registers: kernels
 * before 6.4 mark every scalar precise once one must be (their precision
 * tracking stops at subprogram calls), so counters held in registers make
 * every path's state unique and the verifier ran past its 1M instructions
 * (Debian's 6.1). Memory the verifier does not track; loads and stores
 * cost next to nothing.
 */
__noinline int poll_chunk(__u32 chunk, struct ready_walk *w)
{
	__u32 zero = 0, first = chunk * POLL_CHUNK, i;
	struct scan_buf *buf = bpf_map_lookup_elem(&scan_bufs, &zero);
	__u64 n, size;

	if (!buf || !w || first >= w->n)
		return 1;
	n = w->n - first;
	if (n > POLL_CHUNK)
		n = POLL_CHUNK;
	size = n * 8;
	if (size > sizeof(buf->pfds))
		size = sizeof(buf->pfds);
	if (bpf_probe_read_user(buf->pfds, size, w->uptr[0] + first * 8)) {
		w->failed = true;
		return 1;
	}
	for (i = 0; i < POLL_CHUNK && i < n; i++) {
		__s16 revents = buf->pfds[i].revents;

		if (w->want_events)
			w->events_sum += events_term(first + i, buf->pfds[i].events);
		if (revents)
			w->revents_set++;
		if (buf->pfds[i].fd < 0)
			continue;
		w->watched++;
		if (!revents) {
			if (!w->found)
				w->before_first++;
			continue;
		}
		if (!w->found) {
			w->found = 1;
			w->first = first + i;
			w->first_nval = revents & POLLNVAL;
		}
		report_fd(w, buf->pfds[i].fd);
	}
	w->reread += n;
	return 0;
}

__noinline int epoll_chunk(__u32 chunk, struct ready_walk *w)
{
	struct epdata_key key = {};
	__u32 first = chunk * EPOLL_CHUNK, i;
	__u64 n, size;
	__s32 *fd;

	if (!w || first >= w->n)
		return 1;
	key.tgid = w->tgid;
	n = w->n - first;
	if (n > EPOLL_CHUNK)
		n = EPOLL_CHUNK;
	size = n * sizeof(w->ev[0]);
	if (size > sizeof(w->ev))
		size = sizeof(w->ev);
	if (bpf_probe_read_user(w->ev, size, w->uptr[0] + first * sizeof(w->ev[0])))
		return 1;
	for (i = 0; i < EPOLL_CHUNK && i < n; i++) {
		key.data = w->ev[i].data;
		fd = bpf_map_lookup_elem(&epdata, &key);
		if (fd)
			report_fd(w, *fd);
		else
			w->unmapped++;
	}
	return 0;
}

/*
 * A call that returned no fd ready (ret <= 0) left every revents 0, so only
 * the fds are needed: the watched ones (fd >= 0), counted without branches
 * from a stack copy. Up to POLL_FAST entries, the common size of a poll set.
 */
#define POLL_FAST	16

static __always_inline __u32 poll_count_watched(const void *ufds, __u32 nfds)
{
	__u32 zero = 0, i, watched = 0;
	struct scan_buf *buf = bpf_map_lookup_elem(&scan_bufs, &zero);

	/* in the scan buffer: 128 bytes on the stack would not fit the budget */
	if (!buf || bpf_probe_read_user(buf->pfds, (nfds & (POLL_FAST - 1)) * 8 ?: POLL_FAST * 8,
					ufds))
		return WATCHED_UNKNOWN;
	for (i = 0; i < POLL_FAST; i++)
		watched += i < nfds ? ((__u32)buf->pfds[i].fd >> 31) ^ 1 : 0;
	return watched;
}

/*
 * bpf_loop callbacks: one call each. Recent verifiers re-walk a callback
 * until the states of its context converge; a global function's body is
 * checked once instead.
 */
static long walk_select_word(__u32 word, struct walk_ref *r)
{
	return select_word(word, r->w) ? 1 : 0;
}

static long walk_poll_chunk(__u32 chunk, struct walk_ref *r)
{
	return poll_chunk(chunk, r->w) ? 1 : 0;
}

static long walk_epoll_chunk(__u32 chunk, struct walk_ref *r)
{
	return epoll_chunk(chunk, r->w) ? 1 : 0;
}

/* poll and ppoll at exit: fds watched, ready fds, first ready entry */
static __always_inline void walk_pollfds(struct walk_ref *r, const void *ufds, __u32 nfds)
{
	struct ready_walk *w = r->w;

	w->uptr[0] = ufds;
	w->n = nfds;
	if (nfds > POLL_MAX_CHUNKS * POLL_CHUNK)
		w->failed = true;
	else if (nfds <= POLL_CHUNK)
		poll_chunk(0, w);
	else
		bpf_loop(POLL_MAX_CHUNKS, walk_poll_chunk, r, 0);
}

#endif
