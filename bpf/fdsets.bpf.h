/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Count the fds a select call asks about, by reading its fd sets from user
 * memory at syscall entry (the kernel overwrites them on return). pollfd
 * arrays are counted at exit instead (readiness.bpf.h), in the same read
 * that collects revents: each bpf_probe_read_user costs ~0.1 us.
 * bpf_loop keeps the verifier's work independent of size.
 */
#ifndef FDSETS_BPF_H
#define FDSETS_BPF_H

#include "iotrace.h"
#include "bits.bpf.h"

#define SET_CHUNK_WORDS		16	/* 1024 fds per chunk, glibc's FD_SETSIZE */
#define SET_MAX_CHUNKS		64	/* up to 65536 fds */
#ifndef POLL_CHUNK
#define POLL_CHUNK		128	/* pollfds per user read (~0.1 us each, any size) */
#endif
#define POLL_MAX_CHUNKS		512	/* up to 65536 pollfds */

#define SPAN_MAX		512	/* select's sets and timeout read at once */
#define SPAN_PAD		(SET_CHUNK_WORDS * 8)	/* see span_words() */

/* select/pselect6 arguments, from the program to enter_select (global
 * functions take at most 5 arguments; here they cost the stack nothing) */
struct select_args {
	__u64 in, out, ex, tvp, sigpack;
	__s32 n;		/* nfds clamped to max_fds */
};

struct scan_buf {
	struct select_args sel;
	__u64 sets[3][SET_CHUNK_WORDS];
	__u8 span[SPAN_MAX + SPAN_PAD];	/* user memory from the lowest argument up */
	struct { __s32 fd; __s16 events, revents; } pfds[POLL_CHUNK];
};

/*
 * Entry i's share of a poll array's events checksum: a sum weighted by
 * position, exact (65536 entries cannot overflow it), so a change of one
 * entry's events, or two entries' events swapped, always changes the sum.
 */
static __always_inline __u64 events_term(__u32 i, __s16 events)
{
	return (__u64)(__u16)events * (2 * (__u64)i + 1);
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scan_buf);
} scan_bufs SEC(".maps");

struct set_scan {
	const void *sets[3];	/* in, out, ex; NULL when not passed */
	__u32 span_off[3];	/* where each set is in scan_buf.span, if spanned */
	bool spanned;		/* the first chunk was read in one span already */
	__u32 nbits;		/* nfds clamped to the fd table's max_fds */
	__u32 count;		/* fds in any of the sets */
	__u32 bits;		/* bits set, summed over the 3 sets */
	bool failed;
};

/*
 * words 64-bit words at off in the span, by plain loads: a helper copy
 * (bpf_probe_read_kernel) costs ~37 ns here, a load next to nothing. off
 * is masked below SPAN_MAX and the buffer padded by a whole chunk, so the
 * verifier sees every load inside it.
 */
static __always_inline void span_words(__u64 *dst, const struct scan_buf *buf, __u32 off,
				       __u32 words)
{
	__u32 i;

	off &= SPAN_MAX - 1;
	for (i = 0; i < SET_CHUNK_WORDS; i++)
		if (i < words)
			dst[i] = *(const __u64 *)(buf->span + off + i * 8);
}

/* The bits of word (fds word * 64 up) below nbits: the kernel ignores the rest */
static __always_inline __u64 word_mask(__u32 nbits, __u32 word)
{
	__u32 left = nbits - word * 64;

	return left < 64 ? (1ULL << left) - 1 : ~0ULL;
}

/* Bits set in word w of the sets in buf (mask: word_mask), summed over the 3 */
static __always_inline __u32 sets_bits(const struct scan_buf *buf, __u32 w, __u64 mask)
{
	return popcount64(buf->sets[0][w] & mask) + popcount64(buf->sets[1][w] & mask) +
	       popcount64(buf->sets[2][w] & mask);
}

/*
 * One chunk of 1024 fds of each set: read (or taken from the span) and
 * counted. A global function: the verifier checks its body once, not once
 * per bpf_loop iteration state (6.7+ re-walks static callbacks until their
 * states converge, which ran past the 1M-instruction limit).
 */
__noinline int set_chunk(__u32 chunk, struct set_scan *s)
{
	__u32 zero = 0, first = chunk * SET_CHUNK_WORDS, words, w, k;
	struct scan_buf *buf = bpf_map_lookup_elem(&scan_bufs, &zero);

	if (!buf || !s || first * 64 >= s->nbits)
		return 1;
	words = (s->nbits - first * 64 + 63) / 64;
	if (words > SET_CHUNK_WORDS)
		words = SET_CHUNK_WORDS;
	for (k = 0; k < 3; k++) {
		if (!s->sets[k]) {
			__builtin_memset(buf->sets[k], 0, sizeof(buf->sets[k]));
			continue;
		}
		__u64 size = words * 8;

		if (size > sizeof(buf->sets[k]))
			size = sizeof(buf->sets[k]);
		if (s->spanned && !chunk) {
			/* already in kernel memory: loads, not a user read */
			span_words(buf->sets[k], buf, s->span_off[k], words);
			continue;
		}
		if (bpf_probe_read_user(buf->sets[k], size, s->sets[k] + first * 8)) {
			s->failed = true;
			return 1;
		}
	}
	for (w = 0; w < SET_CHUNK_WORDS && w < words; w++) {
		__u64 mask = word_mask(s->nbits, first + w);

		s->count += popcount64((buf->sets[0][w] | buf->sets[1][w] | buf->sets[2][w]) & mask);
		s->bits += sets_bits(buf, w, mask);
	}
	return 0;
}

static long walk_set_chunk(__u32 chunk, struct set_scan *s)
{
	return set_chunk(chunk, s) ? 1 : 0;
}

/*
 * Read select's sets (up to 1024 fds) and its timeout in one span when
 * they lie within SPAN_MAX bytes, as they do on most callers' stacks: one
 * user read instead of up to four. Returns the span's start, or 0.
 */
static __always_inline __u64 read_span(struct scan_buf *buf, struct set_scan *s, __u32 nbits,
					const void *tvp)
{
	__u64 lo = ~0ULL, hi = 0, setsz = 8 * ((nbits + 63) / 64), len, p;
	__u32 k;

	if (!buf || !nbits || nbits > SET_CHUNK_WORDS * 64)
		return 0;
	for (k = 0; k < 4; k++) {
		p = k < 3 ? (__u64)s->sets[k & 3] : (__u64)tvp;
		if (!p)
			continue;
		if (p < lo)
			lo = p;
		if (p + (k < 3 ? setsz : 16) > hi)
			hi = p + (k < 3 ? setsz : 16);
	}
	if (!hi)
		return 0;
	len = hi - lo;
	barrier_var(len);
	if (len > SPAN_MAX || bpf_probe_read_user(buf->span, len, (void *)lo))
		return 0;
	for (k = 0; k < 3; k++)
		s->span_off[k] = s->sets[k] ? (__u64)s->sets[k] - lo : 0;
	s->spanned = true;
	return lo;
}

/*
 * Returns the fds in any set, WATCHED_UNKNOWN if a set could not be read;
 * *bits: the bits set, summed over the sets (an fd in two sets counts 2).
 */
static __always_inline __u32 count_select_fds(struct set_scan *s, __u32 nbits, __u32 *bits)
{
	/* s: read_span's, with the sets and where the span put them */
	s->nbits = nbits;
	s->count = s->bits = 0;
	s->failed = false;
	if (nbits > SET_MAX_CHUNKS * SET_CHUNK_WORDS * 64)
		return WATCHED_UNKNOWN;
	/* up to 1024 fds (glibc's fd_set) in one pass, without bpf_loop's calls */
	if (nbits <= SET_CHUNK_WORDS * 64)
		set_chunk(0, s);
	else
		bpf_loop(SET_MAX_CHUNKS, walk_set_chunk, s, 0);
	*bits = s->bits;
	return s->failed ? WATCHED_UNKNOWN : s->count;
}

#endif
