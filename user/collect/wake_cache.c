// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "collect/frame_names.h"
#include "collect/wake_cache.h"

struct wake_entry {
	struct wake_key key;
	enum wake_class cls;
	__u64 count;		/* this read's count (pending entries only) */
};

struct wake_cache {
	struct wake_entry *known;	/* sorted by key */
	size_t nknown, capknown;
	struct frame_names *names;	/* kallsyms is read for new frames only */
};

static int cmp_key(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct wake_key));
}

struct wake_cache *wake_cache_new(void)
{
	struct wake_cache *wc = calloc(1, sizeof(*wc));

	if (wc && !(wc->names = frame_names_new())) {
		free(wc);
		wc = NULL;
	}
	return wc;
}

void wake_cache_free(struct wake_cache *wc)
{
	if (!wc)
		return;
	free(wc->known);
	frame_names_free(wc->names);
	free(wc);
}

static int push(struct wake_entry **arr, size_t *n, size_t *cap, const struct wake_entry *e)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct wake_entry *p = realloc(*arr, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		*arr = p;
		*cap = ncap;
	}
	(*arr)[(*n)++] = *e;
	return 0;
}

/* Classify the new stacks (kallsyms read for frames never named), then keep them. */
static int learn(struct wake_cache *wc, struct wake_entry *fresh, size_t n)
{
	__u64 *ips = malloc(n * sizeof(*ips) * MAX_STACK_DEPTH);
	struct ksyms *ks;
	struct wake_info info;
	size_t i;
	int err = 0;

	if (!ips)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		memcpy(&ips[i * MAX_STACK_DEPTH], fresh[i].key.ips, sizeof(fresh[i].key.ips));
	ks = frame_names_table(wc->names, ips, n * MAX_STACK_DEPTH);
	free(ips);
	if (!ks)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		wake_classify(ks, fresh[i].key.ips, MAX_STACK_DEPTH, &info);
		fresh[i].cls = info.cls;
		err = push(&wc->known, &wc->nknown, &wc->capknown, &fresh[i]);
	}
	ksyms_free(ks);
	qsort(wc->known, wc->nknown, sizeof(*wc->known), cmp_key);
	return err;
}

int wake_cache_read(struct wake_cache *wc, int map_fd, __u64 out[MUX_NR][WAKE_NR])
{
	struct wake_entry e = {}, *fresh = NULL;
	struct wake_key next, *prev = NULL;
	size_t nfresh = 0, capfresh = 0, i;
	int err = 0;

	while (!err && bpf_map_get_next_key(map_fd, prev, &next) == 0) {
		const struct wake_entry *hit;

		e.key = next;
		prev = &e.key;
		if (bpf_map_lookup_elem(map_fd, &e.key, &e.count) || e.key.sys >= MUX_NR)
			continue;
		hit = wc->nknown ? bsearch(&e.key, wc->known, wc->nknown, sizeof(*hit), cmp_key)
				 : NULL;
		if (hit)
			out[e.key.sys][hit->cls] += e.count;
		else
			err = push(&fresh, &nfresh, &capfresh, &e);
	}
	if (!err && nfresh)
		err = learn(wc, fresh, nfresh);
	for (i = 0; !err && i < nfresh; i++)
		out[fresh[i].key.sys][fresh[i].cls] += fresh[i].count;
	free(fresh);
	return err;
}
