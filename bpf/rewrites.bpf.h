/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Claims S7 and P1, observed: what the kernel wrote back into the caller's
 * memory. select's sets and timeout are in/out arguments: read at entry
 * (select.bpf.h) and again at exit, after a timeout every bit is clear and
 * after a ready return only the ready bits remain; the timeout holds the
 * time left. poll keeps the request (events) apart from the result
 * (revents): the entries' events are the same at exit as at entry.
 * Counted for calls that returned >= 0 and whose memory was read both times.
 */
#ifndef REWRITES_BPF_H
#define REWRITES_BPF_H

#include "state.bpf.h"
#include "fdsets.bpf.h"
#include "readiness.bpf.h"

#define NSEC_PER_SEC		1000000000LL
#define NSEC_PER_USEC		1000LL

/*
 * poll's events are read at entry for P1 only (the exit walk reads the
 * array anyway): a second user read per call (~0.1 us), so only on the
 * thread's first REWRITE_FIRST waits and every REWRITE_EVERY-th after.
 * rewrites.calls counts the calls checked.
 */
#define REWRITE_FIRST		16
#define REWRITE_EVERY		64

static __always_inline bool rewrite_sampled(__u64 call_seq)
{
	return call_seq <= REWRITE_FIRST || !(call_seq & (REWRITE_EVERY - 1));
}

/* poll/ppoll at entry: the checksum of every entry's events */
struct events_walk {
	const void *ufds;
	__u32 n;
	bool failed;
	__u64 sum;
};

/* One user read per chunk of pollfds. A global function: verified once. */
__noinline int events_chunk(__u32 chunk, struct events_walk *e)
{
	__u32 zero = 0, first = chunk * POLL_CHUNK, i;
	struct scan_buf *buf = bpf_map_lookup_elem(&scan_bufs, &zero);
	__u64 n, size;

	if (!buf || !e || first >= e->n)
		return 1;
	n = e->n - first;
	if (n > POLL_CHUNK)
		n = POLL_CHUNK;
	size = n * 8;
	if (size > sizeof(buf->pfds))
		size = sizeof(buf->pfds);
	if (bpf_probe_read_user(buf->pfds, size, e->ufds + first * 8)) {
		e->failed = true;
		return 1;
	}
	for (i = 0; i < POLL_CHUNK && i < n; i++)
		e->sum += events_term(first + i, buf->pfds[i].events);
	return 0;
}

static long walk_events_chunk(__u32 chunk, struct events_walk *e)
{
	return events_chunk(chunk, e) ? 1 : 0;
}

/*
 * A checksum, not a copy: keeping every entry's events would take 2 B per
 * entry per thread. So events_kept counts a call's entries all or none.
 */
static __always_inline void poll_events_in(struct inflight *fl, const void *ufds, __u32 nfds)
{
	struct events_walk e = { .ufds = ufds, .n = nfds };

	if (nfds > POLL_MAX_CHUNKS * POLL_CHUNK)
		return;
	if (nfds <= POLL_CHUNK)
		events_chunk(0, &e);
	else
		bpf_loop(POLL_MAX_CHUNKS, walk_events_chunk, &e, 0);
	if (e.failed)
		return;
	fl->events_sum = e.sum;
	fl->events_read = 1;
}

/* poll/ppoll, ret >= 0: the exit walk (poll_chunk) read the array back */
static __always_inline void poll_rewrites(struct mux_stats *s, const struct inflight *fl,
					  const struct ready_walk *w)
{
	if (!fl->events_read || w->failed)
		return;
	s->rewrite_calls++;
	s->pollfds_reread += w->reread;
	s->revents_set += w->revents_set;
	if (w->events_sum == fl->events_sum)
		s->events_kept += w->reread;
}

/*
 * select/pselect6, ret >= 0: the exit walk (select_word) read the sets
 * back, and the timeout with them when they lay close (span_back), else it
 * is read here. timespec: pselect6's, else a timeval.
 */
static __always_inline void select_rewrites(struct mux_stats *s, const struct inflight *fl,
					    const struct ready_walk *w, const void *tvp,
					    bool timespec)
{
	__s64 t[2];
	__u64 left = 0;

	if (fl->watched == WATCHED_UNKNOWN || w->failed)
		return;
	if (tvp) {
		if (!fl->tmo_read)
			return;
		if (w->tmo_spanned) {
			t[0] = w->tmo[0];
			t[1] = w->tmo[1];
		} else if (bpf_probe_read_user(t, sizeof(t), tvp)) {
			return;
		}
		if (t[0] > 0)
			left += t[0] * NSEC_PER_SEC;
		if (t[1] > 0)
			left += timespec ? t[1] : t[1] * NSEC_PER_USEC;
		s->tmo_rewritten += t[0] != fl->tmo[0] || t[1] != fl->tmo[1];
		s->tmo_left_ns += left;
	}
	s->rewrite_calls++;
	s->set_bits_in += fl->set_bits;
	s->set_bits_out += w->set_bits;
}

#endif
