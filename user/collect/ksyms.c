// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "collect/ksyms.h"

struct ksym {
	__u64 addr;
	__u64 end;		/* the next text symbol's start (0: unknown) */
	char *name;
};

/* Only the functions that contain the addresses asked for: a few KiB, not 10 MiB. */
struct ksyms {
	struct ksym *syms;	/* sorted by addr */
	size_t n;
};

static int cmp_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

static int cmp_u64(const void *a, const void *b)
{
	const __u64 *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/* The candidate for want[k]: the greatest text symbol start in (want[k-1], want[k]] */
struct cand {
	__u64 start;		/* 0: none yet */
	char *name;
	__u64 next;		/* the least text symbol start in the slot (0: none) */
	__u64 end;		/* want[k]'s function end: the least start above it */
};

/* Index of the first of want[0..n) >= addr (n if none) */
static size_t first_at_or_above(const __u64 *want, size_t n, __u64 addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (want[mid] < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "ffffffff81000000 T _stext": keep a text symbol if it is the best candidate yet */
static void take_line(char *line, const __u64 *want, size_t n, struct cand *cand)
{
	__u64 addr = 0;
	char *s = line, *name;
	size_t k;
	int d;

	for (; (d = hex_digit(*s)) >= 0; s++)
		addr = addr << 4 | d;
	if (!addr || s[0] != ' ' || (s[1] != 't' && s[1] != 'T') || s[2] != ' ')
		return;
	k = first_at_or_above(want, n, addr);
	if (!cand[k].next || addr < cand[k].next)
		cand[k].next = addr;
	if (k == n || addr <= cand[k].start)
		return;
	name = s + 3;
	name[strcspn(name, " \t")] = '\0';
	free(cand[k].name);
	cand[k].name = strdup(name);
	cand[k].start = cand[k].name ? addr : 0;
}

/*
 * One pass over /proc/kallsyms (the kernel formats ~120k lines, the costly
 * part; the parsing is kept lean: big reads, no stdio, no strtoull).
 */
static void read_kallsyms(const __u64 *want, size_t n, struct cand *cand)
{
	const size_t size = 1 << 16;
	char *buf = malloc(size);	/* not static: the metrics thread reads too */
	size_t have = 0;
	ssize_t got;
	int fd = buf ? open("/proc/kallsyms", O_RDONLY | O_CLOEXEC) : -1;

	if (fd < 0) {
		free(buf);
		return;
	}
	while ((got = read(fd, buf + have, size - 1 - have)) > 0) {
		char *p = buf, *end = buf + have + got, *nl;

		while ((nl = memchr(p, '\n', end - p))) {
			*nl = '\0';
			take_line(p, want, n, cand);
			p = nl + 1;
		}
		have = end - p;
		if (have == size - 1)	/* no line is that long: drop it */
			have = 0;
		memmove(buf, p, have);
	}
	buf[have] = '\0';
	if (have)
		take_line(buf, want, n, cand);
	close(fd);
	free(buf);
}

struct ksyms *ksyms_load(const __u64 *addrs, size_t naddrs)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	__u64 *want = malloc((naddrs ? naddrs : 1) * sizeof(*want));
	struct cand *cand = NULL;
	size_t n = 0, i, best = 0;

	if (!ks || !want)
		goto out;
	for (i = 0; i < naddrs; i++)
		if (addrs[i])
			want[n++] = addrs[i];
	qsort(want, n, sizeof(*want), cmp_u64);
	for (i = 0; i < n; i++)	/* unique */
		if (!best || want[best - 1] != want[i])
			want[best++] = want[i];
	n = best;
	cand = calloc(n + 1, sizeof(*cand));	/* slot n: above every want */
	ks->syms = calloc(n ? n : 1, sizeof(*ks->syms));
	if (!cand || !ks->syms)
		goto out;
	read_kallsyms(want, n, cand);
	for (i = n; i-- > 0;)	/* the first slot above i with a symbol */
		cand[i].end = cand[i + 1].next ? cand[i + 1].next : cand[i + 1].end;
	/* want[j]'s function starts at the greatest candidate start among k <= j */
	for (i = 0, best = n; i < n; i++) {
		if (cand[i].start && (best == n || cand[i].start > cand[best].start))
			best = i;
		if (best == n || (ks->n && ks->syms[ks->n - 1].addr == cand[best].start))
			continue;
		ks->syms[ks->n].addr = cand[best].start;
		ks->syms[ks->n].end = cand[i].end;
		ks->syms[ks->n].name = cand[best].name;
		cand[best].name = NULL;		/* taken */
		ks->n++;
	}
	qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_addr);	/* already is: starts grow */
out:
	for (i = 0; cand && i < n; i++)
		free(cand[i].name);
	free(cand);
	free(want);
	return ks;
}

struct ksyms *ksyms_from(const __u64 *addrs, char **names, size_t n)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	size_t i;

	if (ks)
		ks->syms = calloc(n ? n : 1, sizeof(*ks->syms));
	if (!ks || !ks->syms) {
		for (i = 0; i < n; i++)
			free(names[i]);
		free(ks);
		return NULL;
	}
	for (i = 0; i < n; i++)
		ks->syms[i] = (struct ksym){ .addr = addrs[i], .name = names[i] };
	ks->n = n;
	qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_addr);
	return ks;
}

void ksyms_free(struct ksyms *ks)
{
	size_t i;

	if (!ks)
		return;
	for (i = 0; i < ks->n; i++)
		free(ks->syms[i].name);
	free(ks->syms);
	free(ks);
}

size_t ksyms_count(const struct ksyms *ks)
{
	return ks ? ks->n : 0;
}

const char *ksyms_name(const struct ksyms *ks, __u64 addr)
{
	__u64 start, end;

	return ksyms_span(ks, addr, &start, &end);
}

const char *ksyms_span(const struct ksyms *ks, __u64 addr, __u64 *start, __u64 *end)
{
	size_t lo = 0, hi;

	*start = *end = 0;
	if (!ks || !ks->n || addr < ks->syms[0].addr)
		return NULL;
	hi = ks->n;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*start = ks->syms[lo].addr;
	*end = ks->syms[lo].end;
	return ks->syms[lo].name;
}

const char *wake_class_name(enum wake_class c)
{
	static const char *const names[WAKE_NR] = {
		"pollwake", "ep_poll_callback", "autoremove", "direct", "timeout",
		"signal", "io_uring", "futex", "other", "no_stack",
	};

	return c < WAKE_NR ? names[c] : "?";
}

const char *wake_context_name(enum wake_context c)
{
	static const char *const names[CTX_NR] = { "task", "softirq", "hardirq" };

	return c < CTX_NR ? names[c] : "?";
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static enum wake_class class_of(const char *fn)
{
	if (!strcmp(fn, "pollwake"))
		return WAKE_POLLWAKE;
	if (!strcmp(fn, "ep_autoremove_wake_function") || !strcmp(fn, "ep_poll_callback"))
		return WAKE_EPOLL;
	if (!strcmp(fn, "autoremove_wake_function") || !strcmp(fn, "woken_wake_function") ||
	    !strcmp(fn, "wake_bit_function") || !strcmp(fn, "var_wake_function"))
		return WAKE_AUTOREMOVE;
	if (starts(fn, "__wake_up_common"))
		return WAKE_DIRECT;
	if (!strcmp(fn, "hrtimer_wakeup") || !strcmp(fn, "process_timeout") ||
	    !strcmp(fn, "call_timer_fn"))
		return WAKE_TIMEOUT;
	if (starts(fn, "signal_wake_up") || !strcmp(fn, "complete_signal"))
		return WAKE_SIGNAL;
	if (starts(fn, "io_") || starts(fn, "__io_") || strstr(fn, "io_uring"))
		return WAKE_IO_URING;
	if (strstr(fn, "futex"))
		return WAKE_FUTEX;
	return WAKE_OTHER;
}

static enum wake_context context_of(const struct ksyms *ks, const __u64 *ips, size_t n)
{
	enum wake_context ctx = CTX_TASK;
	size_t i;

	for (i = 0; i < n && ips[i]; i++) {
		const char *fn = ksyms_name(ks, ips[i]);

		if (!fn)
			continue;
		if (!strcmp(fn, "handle_softirqs") || !strcmp(fn, "__do_softirq") ||
		    !strcmp(fn, "do_softirq"))
			return CTX_SOFTIRQ;
		if (starts(fn, "asm_sysvec_") || !strcmp(fn, "hrtimer_interrupt"))
			ctx = CTX_HARDIRQ;
	}
	return ctx;
}

void wake_classify(const struct ksyms *ks, const __u64 *ips, size_t n, struct wake_info *out)
{
	size_t i, ttwu = n;

	out->cls = WAKE_NO_STACK;
	out->ctx = CTX_TASK;
	out->waker_fn = NULL;
	if (!n || !ips[0])
		return;
	out->ctx = context_of(ks, ips, n);
	/* the first frames are bpf_prog_* and bpf_trace_run*: find the waker */
	for (i = 0; i < n && ips[i]; i++) {
		const char *fn = ksyms_name(ks, ips[i]);

		if (fn && !strcmp(fn, "try_to_wake_up")) {
			ttwu = i;
			break;
		}
	}
	out->cls = WAKE_OTHER;
	if (ttwu + 1 >= n || !ips[ttwu + 1])
		return;
	out->waker_fn = ksyms_name(ks, ips[ttwu + 1]);
	if (out->waker_fn)
		out->cls = class_of(out->waker_fn);
	/* a direct __wake_up_common or a generic helper: look further up */
	for (i = ttwu + 2; i < n && ips[i] && (out->cls == WAKE_DIRECT || out->cls == WAKE_OTHER);
	     i++) {
		const char *fn = ksyms_name(ks, ips[i]);
		enum wake_class c = fn ? class_of(fn) : WAKE_OTHER;

		if (c == WAKE_SIGNAL || c == WAKE_TIMEOUT || c == WAKE_IO_URING || c == WAKE_FUTEX)
			out->cls = c;
	}
}
