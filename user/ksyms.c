// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ksyms.h"

struct ksym {
	__u64 addr;
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

struct text_sym {
	__u64 addr;
	__u32 line;		/* line number in /proc/kallsyms */
	__u32 wanted;
};

static int cmp_text(const void *a, const void *b)
{
	const struct text_sym *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

static int cmp_line(const void *a, const void *b)
{
	const struct text_sym *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* Pass 1: every text symbol's address and line. */
static struct text_sym *read_text_syms(size_t *count)
{
	struct text_sym *t = NULL, *n;
	unsigned long long addr;
	size_t cap = 0, len = 0;
	char line[512], type;
	__u32 lineno = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (sscanf(line, "%llx %c", &addr, &type) != 2 || !addr ||
		    (type != 't' && type != 'T'))
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			n = realloc(t, cap * sizeof(*t));
			if (!n)
				break;
			t = n;
		}
		t[len++] = (struct text_sym){ .addr = addr, .line = lineno };
	}
	fclose(f);
	*count = len;
	return t;
}

/* Pass 2: the names on the wanted lines, in line order. */
static int read_names(struct ksyms *ks, struct text_sym *t, size_t nt)
{
	char line[512], name[256], type;
	unsigned long long addr;
	__u32 lineno = 0;
	size_t i = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return -1;
	while (i < nt && fgets(line, sizeof(line), f)) {
		if (++lineno != t[i].line)
			continue;
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) == 3) {
			ks->syms[ks->n].addr = addr;
			ks->syms[ks->n].name = strdup(name);
			if (ks->syms[ks->n].name)
				ks->n++;
		}
		i++;
	}
	fclose(f);
	return 0;
}

struct ksyms *ksyms_load(const __u64 *addrs, size_t naddrs)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	struct text_sym *t;
	size_t nt = 0, i, kept = 0;

	if (!ks)
		return NULL;
	t = read_text_syms(&nt);
	if (!t || !nt) {
		free(t);
		return ks;
	}
	qsort(t, nt, sizeof(*t), cmp_text);
	/* mark the function containing each address: greatest start <= addr */
	for (i = 0; i < naddrs; i++) {
		size_t lo = 0, hi = nt;

		if (!addrs[i] || addrs[i] < t[0].addr)
			continue;
		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;

			if (t[mid].addr <= addrs[i])
				lo = mid;
			else
				hi = mid;
		}
		t[lo].wanted = 1;
	}
	for (i = 0; i < nt; i++)
		if (t[i].wanted)
			t[kept++] = t[i];
	qsort(t, kept, sizeof(*t), cmp_line);
	ks->syms = calloc(kept ? kept : 1, sizeof(*ks->syms));
	if (ks->syms)
		read_names(ks, t, kept);
	free(t);
	qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_addr);
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

const char *ksyms_name(const struct ksyms *ks, __u64 addr)
{
	size_t lo = 0, hi;

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
