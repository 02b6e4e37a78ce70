// SPDX-License-Identifier: GPL-2.0
/* Reading a capture's header and run description: tags, every length checked. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "capture/capture.h"
#include "capture/capture_cur.h"
#include "collect/names.h"

/* NUL-separated strings into fixed slots; returns how many */
static int read_strs(struct cur *v, char (*slots)[40], const char **ptrs, int max)
{
	size_t off = 0;
	int n = 0;

	while (off < v->n && n < max) {
		size_t len = strnlen((const char *)v->p + off, v->n - off);

		snprintf(slots[n], sizeof(slots[n]), "%.*s", (int)len, v->p + off);
		ptrs[n] = slots[n];
		n++;
		off += len + 1;
	}
	ptrs[n] = NULL;
	return n;
}

/* Our syscall list must be the recording's: rows are indexed by it */
static int check_syscalls(struct cur *v)
{
	size_t off = 0;
	unsigned int s;

	for (s = 0; s < MUX_NR; s++) {
		const char *name = mux_sys_name(s);
		size_t len = strlen(name) + 1;

		if (off + len > v->n || memcmp(v->p + off, name, len))
			return -EINVAL;
		off += len;
	}
	return off == v->n ? 0 : -EINVAL;
}

/* A tag that says one thing says it once: a second one is a spliced file (tags < 64) */
static bool once(__u64 *seen, __u16 tag)
{
	if (tag >= 64)
		return true;
	if (*seen & (1ull << tag))
		return false;
	*seen |= 1ull << tag;
	return true;
}

/* The mode (header tags 13-15): absent in files before them, which were full */
static int check_mode(const struct run_info *r)
{
	if (!r->time_every || r->time_every > 1u << 20)
		return -EINVAL;
	/* full mode times every call and has no reason to be light */
	if (!r->light && (r->time_every != 1 || r->why_light[0]))
		return -EINVAL;
	return 0;
}

int capture_header(struct capture *c, struct cur *p)
{
	struct cur v;
	__u16 tag;
	__u64 seen = 0;
	bool syscalls = false;
	int err = 0;

	c->run.time_every = 1;
	while (!err && cur_tag(p, &tag, &v)) {
		if (!once(&seen, tag)) {
			c->why = "a tag twice";
			return -EINVAL;
		}
		switch (tag) {
		case HDR_IOTRACE_VERSION:
			cur_str(&v, c->version, sizeof(c->version));
			break;
		case HDR_KERNEL:
			cur_str(&v, c->kernel, sizeof(c->kernel));
			break;
		case HDR_ARGV: {
			size_t k, m = v.n < sizeof(c->argv) - 1 ? v.n : sizeof(c->argv) - 1;

			memcpy(c->argv, v.p, m);
			for (k = 0; k < m; k++)
				if (!c->argv[k])
					c->argv[k] = ' ';
			while (m && c->argv[m - 1] == ' ')
				m--;
			c->argv[m] = '\0';
			break;
		}
		case HDR_TARGETS:
			c->ntargets = v.n / 4 < 64 ? v.n / 4 : 64;
			memcpy(c->targets, v.p, c->ntargets * 4);
			break;
		case HDR_TARGET_COMM:
			cur_str(&v, c->comm, sizeof(c->comm));
			break;
		case HDR_PROBES:
			read_strs(&v, c->probe_names, c->probes, 7);
			break;
		case HDR_START_REALTIME:
			c->start_realtime = cur_val_u64(&v);
			break;
		case HDR_START_MONO:
			c->start_mono = cur_val_u64(&v);
			break;
		case HDR_SYSCALLS:
			err = check_syscalls(&v);
			syscalls = true;
			break;
		case HDR_STATS_LAYOUT:
			err = capture_layout(c, &v);
			break;
		case HDR_FOLLOW:
			c->follow = cur_val_u64(&v);
			break;
		case HDR_LAUNCHED:
			c->launched = cur_val_u64(&v);
			break;
		case HDR_LIGHT:
			c->run.light = cur_val_u64(&v);
			break;
		case HDR_TIME_EVERY: {
			__u64 n = cur_val_u64(&v);

			c->run.time_every = n <= 1u << 20 ? n : 0;
			break;
		}
		case HDR_WHY_LIGHT:
			cur_str(&v, c->run.why_light, sizeof(c->run.why_light));
			break;
		}
		if (v.bad)
			err = -EINVAL;
	}
	if (!err && !p->bad && check_mode(&c->run)) {
		c->why = "the mode does not add up";
		err = -EINVAL;
	}
	if (p->bad || !syscalls || !c->layout)
		err = -EINVAL;
	return err;
}

/* A CPU figure: two finite, non-negative doubles and the source bits */
static bool read_cpu(struct cur *v, struct cpu_use *u)
{
	cur_get(v, &u->user_s, sizeof(u->user_s));
	cur_get(v, &u->system_s, sizeof(u->system_s));
	u->sources = cur_u32(v);
	if (v->bad || cur_left(v) || !isfinite(u->user_s) || !isfinite(u->system_s) ||
	    u->user_s < 0 || u->system_s < 0 || u->sources >> CPU_SOURCE_NR)
		v->bad = true;
	return !v->bad;
}

/* One more process's CPU time (run->cpus grows; capture_free frees it) */
static void read_proc_cpu(struct run_info *r, struct cur *v)
{
	struct proc_cpu pc = {};
	__u32 pid = cur_u32(v);
	void *grown;

	cur_get(v, pc.comm, sizeof(pc.comm));
	pc.comm[sizeof(pc.comm) - 1] = '\0';
	pc.pid = pid;
	if (!read_cpu(v, &pc.cpu) || r->ncpus >= 1u << 20)
		return;
	grown = realloc(r->cpus, (r->ncpus + 1) * sizeof(*r->cpus));
	if (!grown) {
		v->bad = true;
		return;
	}
	r->cpus = grown;
	r->cpus[r->ncpus++] = pc;
}

int capture_run_record(struct capture *c, struct cur *p)
{
	struct run_info *r = &c->run;
	struct cur v;
	int names = 0, counts = 0;
	__u64 seen = 0;
	__u16 tag;

	while (cur_tag(p, &tag, &v)) {
		/* one field, one tag; these three repeat */
		if (tag != RUN_EXACT_NAME && tag != RUN_EXACT_COUNT && tag != RUN_PROC_CPU &&
		    !once(&seen, tag)) {
			c->why = "a tag twice";
			return -EINVAL;
		}
		switch (tag) {
		case RUN_PID:
			r->pid = cur_val_u64(&v);
			break;
		case RUN_COMM:
			cur_str(&v, r->comm, sizeof(r->comm));
			break;
		case RUN_NPIDS:
			r->npids = cur_val_u64(&v);
			break;
		case RUN_LAUNCHED:
			r->launched = cur_val_u64(&v);
			break;
		case RUN_WAIT_STATUS:
			r->wait_status = (int)(__s64)cur_val_u64(&v);
			break;
		case RUN_FOLLOW:
			r->follow = cur_val_u64(&v);
			break;
		case RUN_MANY:
			r->many = cur_val_u64(&v);
			break;
		case RUN_ELAPSED:
			if (v.n == sizeof(r->elapsed_s))
				memcpy(&r->elapsed_s, v.p, v.n);
			else
				v.bad = true;
			break;
		case RUN_END:
			r->end = cur_val_u64(&v);
			if (r->end > RUN_END_OTHER)
				v.bad = true;
			break;
		case RUN_END_OTHER_NAME:
			cur_str(&v, c->run_strs[10], sizeof(c->run_strs[10]));
			r->end_other = c->run_strs[10];
			break;
		case RUN_SYSCALL_PROBE:
			cur_str(&v, c->run_strs[8], sizeof(c->run_strs[8]));
			r->syscall_probe = c->run_strs[8];
			break;
		case RUN_SCHED:
			r->sched = cur_val_u64(&v);
			break;
		case RUN_LIVE:
			/* live[] is NULL-terminated: at most 7 names */
			read_strs(&v, c->run_strs, r->live, 7);
			break;
		case RUN_EXACT:
			r->exact = cur_val_u64(&v);
			if (r->exact > EXACT_NOT_TRIED)
				v.bad = true;
			break;
		case RUN_FENTRY_ERROR:
			cur_str(&v, r->fentry_error, sizeof(r->fentry_error));
			break;
		case RUN_KPROBE_ERROR:
			cur_str(&v, r->kprobe_error, sizeof(r->kprobe_error));
			break;
		case RUN_NOT_TRIED:
			cur_str(&v, c->run_strs[9], sizeof(c->run_strs[9]));
			r->not_tried = c->run_strs[9];
			break;
		case RUN_EXACT_NAME:
			if (names < DEEP_NR) {
				cur_str(&v, c->exact_strs[names], sizeof(c->exact_strs[names]));
				r->exact_names[names] = c->exact_strs[names];
				names++;
			}
			break;
		case RUN_EXACT_COUNT:
			if (counts < DEEP_NR)
				r->exact_counts[counts++] = cur_val_u64(&v);
			break;
		case RUN_EPOLL_READ:
			r->epoll_read = cur_val_u64(&v);
			break;
		case RUN_EPOLL_FDS:
			r->epoll_fds = cur_val_u64(&v);
			break;
		case RUN_EPOLL_REGS:
			r->epoll_registrations = cur_val_u64(&v);
			break;
		case RUN_EPOLL_UNREADABLE:
			r->epoll_unreadable = cur_val_u64(&v);
			break;
		case RUN_CPU:
			read_cpu(&v, &r->cpu);
			break;
		case RUN_CPU_UNREAD:
			r->cpu_unread = cur_val_u64(&v);
			break;
		case RUN_PROC_CPU:
			read_proc_cpu(r, &v);
			break;
		}
		if (v.bad)
			return -EINVAL;
	}
	/* the reports print these: never NULL */
	if (!r->syscall_probe || !r->live[0] || !r->live[1])
		return -EINVAL;
	if ((r->exact == EXACT_NOT_TRIED && !r->not_tried) ||
	    (r->end == RUN_END_OTHER && !r->end_other))
		return -EINVAL;
	for (names = 0; names < DEEP_NR; names++)
		if (!r->exact_names[names])
			return -EINVAL;
	return p->bad ? -EINVAL : 0;
}
