// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "iotrace.h"
#include "collect/frame_names.h"

/*
 * A kernel function, [start, end) up to the next text symbol: any return
 * address in it has its name, so a new call site in it needs no kallsyms
 * read (our BPF program's frame moves by a few bytes between stacks).
 * Unknown extent (no symbol above, or none below): the one address.
 */
struct frame {	/* start first: sorted with cmp_ip */
	__u64 start, end;
	char *name;		/* NULL: kallsyms has none */
};

struct frame_names {
	struct frame *f;	/* sorted by start, disjoint */
	size_t n, cap;
};

static int cmp_ip(const void *a, const void *b)
{
	const __u64 *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

struct frame_names *frame_names_new(void)
{
	return calloc(1, sizeof(struct frame_names));
}

void frame_names_free(struct frame_names *fn)
{
	size_t i;

	if (!fn)
		return;
	for (i = 0; i < fn->n; i++)
		free(fn->f[i].name);
	free(fn->f);
	free(fn);
}

static const struct frame *find(const struct frame_names *fn, __u64 ip)
{
	size_t lo = 0, hi = fn->n;

	while (hi - lo > 1) {	/* the last frame starting at or below ip */
		size_t mid = (lo + hi) / 2;

		if (fn->f[mid].start <= ip)
			lo = mid;
		else
			hi = mid;
	}
	if (!fn->n || ip < fn->f[lo].start || ip >= fn->f[lo].end)
		return NULL;
	return &fn->f[lo];
}

/* Sort by start and drop a second frame of one function (two new ips in it) */
static void tidy(struct frame_names *fn)
{
	size_t i, m = 0;

	qsort(fn->f, fn->n, sizeof(*fn->f), cmp_ip);
	for (i = 0; i < fn->n; i++) {
		if (m && fn->f[m - 1].start == fn->f[i].start) {
			free(fn->f[i].name);
			continue;
		}
		fn->f[m++] = fn->f[i];
	}
	fn->n = m;
}

/* Sort and drop repeats and zeros in place; returns the new count */
static size_t unique(__u64 *a, size_t n)
{
	size_t i, m = 0;

	qsort(a, n, sizeof(*a), cmp_ip);
	for (i = 0; i < n; i++)
		if (a[i] && (!m || a[m - 1] != a[i]))
			a[m++] = a[i];
	return m;
}

/*
 * One kallsyms pass for the frames in fresh (unique, none known), kept.
 * A read that named nothing (no kallsyms) keeps nothing: a later one retries.
 */
static int learn(struct frame_names *fn, const __u64 *fresh, size_t n)
{
	struct ksyms *ks;
	size_t i;
	int err = 0;

	if (!n)
		return 0;
	if (fn->n + n > fn->cap) {
		size_t ncap = fn->n + n > 2 * fn->cap ? fn->n + n : 2 * fn->cap;
		struct frame *p = realloc(fn->f, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		fn->f = p;
		fn->cap = ncap;
	}
	ks = ksyms_load(fresh, n);
	if (!ks || !ksyms_count(ks)) {
		ksyms_free(ks);
		return ks ? -ENOENT : -ENOMEM;
	}
	for (i = 0; i < n && !err; i++) {
		struct frame *f = &fn->f[fn->n];
		const char *name = ksyms_span(ks, fresh[i], &f->start, &f->end);

		if (!name || f->end <= fresh[i]) {
			f->start = fresh[i];
			f->end = fresh[i] + 1;
		}
		f->name = name ? strdup(name) : NULL;
		if (name && !f->name)
			err = -ENOMEM;
		else
			fn->n++;
	}
	ksyms_free(ks);
	tidy(fn);
	return err;
}

/* The frames of addrs not named yet, unique, into out; returns how many */
static size_t unknown(const struct frame_names *fn, const __u64 *addrs, size_t n, __u64 *out)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		if (addrs[i] && !find(fn, addrs[i]))
			out[m++] = addrs[i];
	return unique(out, m);
}

int frame_names_refresh(struct frame_names *fn, int wakes_fd)
{
	struct wake_key key, next, *prev = NULL;
	__u64 *fresh = NULL;
	size_t n = 0, cap = 0;
	int err;

	while (bpf_map_get_next_key(wakes_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (n + MAX_STACK_DEPTH > cap) {
			size_t ncap = cap ? 2 * cap : 16 * MAX_STACK_DEPTH;
			__u64 *p = realloc(fresh, ncap * sizeof(*p));

			if (!p) {
				free(fresh);
				return -ENOMEM;
			}
			fresh = p;
			cap = ncap;
		}
		n += unknown(fn, key.ips, MAX_STACK_DEPTH, &fresh[n]);
	}
	err = learn(fn, fresh, unique(fresh, n));
	free(fresh);
	return err;
}

/* Copies of the cached names of ips (unique, all known); NULL if out of memory */
static char **copy_names(const struct frame_names *fn, const __u64 *ips, size_t m)
{
	char **names = calloc(m ? m : 1, sizeof(*names));
	size_t i;

	for (i = 0; names && i < m; i++) {
		const struct frame *f = find(fn, ips[i]);

		if (f && f->name && !(names[i] = strdup(f->name)))
			break;
	}
	if (names && i < m) {
		while (i--)
			free(names[i]);
		free(names);
		names = NULL;
	}
	return names;
}

struct ksyms *frame_names_table(struct frame_names *fn, const __u64 *addrs, size_t n)
{
	__u64 *ips = malloc((n ? n : 1) * sizeof(*ips));
	struct ksyms *ks = NULL;
	char **names;
	size_t m;

	if (!ips)
		return NULL;
	if (learn(fn, ips, unknown(fn, addrs, n, ips))) {
		free(ips);	/* today's way: the whole table from kallsyms */
		return ksyms_load(addrs, n);
	}
	memcpy(ips, addrs, n * sizeof(*ips));
	m = unique(ips, n);
	names = copy_names(fn, ips, m);
	if (names)
		ks = ksyms_from(ips, names, m);	/* takes the strings */
	free(names);
	free(ips);
	return ks;
}
