// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "collect/cpu.h"
#include "collect/proc_stat.h"

struct reading {
	char state;
	__u64 times[2];			/* utime, stime */
	__u64 children[2];		/* cutime, cstime: children it reaped */
	unsigned long long starttime;
	char comm[16];
};

static int read_stat(pid_t pid, struct reading *r)
{
	struct proc_stat st;
	int err = proc_stat_read(pid, &st);

	if (err)
		return err;
	r->state = st.state;
	r->times[0] = st.utime;
	r->times[1] = st.stime;
	r->children[0] = st.cutime;
	r->children[1] = st.cstime;
	r->starttime = st.starttime;
	memcpy(r->comm, st.comm, sizeof(r->comm));
	return 0;
}

static struct cpu_proc *find(const struct cpu_table *t, pid_t pid)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->p[i].pid == pid)
			return &t->p[i];
	return NULL;
}

bool cpu_tracked(const struct cpu_table *t, pid_t pid)
{
	return find(t, pid) != NULL;
}

/* a zombie has made its last syscall and used its last CPU; X: being reaped */
static bool exited(const struct reading *r)
{
	return r->state == 'Z' || r->state == 'X';
}

static void note(struct cpu_proc *p, const struct reading *r)
{
	memcpy(p->comm, r->comm, sizeof(p->comm));	/* exec renames */
	memcpy(p->last, r->times, sizeof(p->last));
	memcpy(p->children, r->children, sizeof(p->children));
	p->seen = true;
	p->final = exited(r);
	p->read_at_exit = p->final;
}

void cpu_track(struct cpu_table *t, pid_t pid, bool forked)
{
	struct reading r;
	struct cpu_proc *p;

	if (find(t, pid))
		return;
	if (read_stat(pid, &r)) {
		if (forked)
			t->unread++;
		return;
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		void *m = realloc(t->p, ncap * sizeof(*t->p));

		if (!m)
			return;
		t->p = m;
		t->cap = ncap;
	}
	p = &t->p[t->n++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->starttime = r.starttime;
	/* a fork starts at 0: the kernel does not copy utime/stime to the child */
	if (!forked)
		memcpy(p->start, r.times, sizeof(p->start));
	note(p, &r);
}

void cpu_sample(struct cpu_table *t)
{
	struct reading r;
	size_t i;

	for (i = 0; i < t->n; i++) {
		struct cpu_proc *p = &t->p[i];

		if (p->final)
			continue;
		/* gone, or its pid already reused: the last reading is all we have */
		if (read_stat(p->pid, &r) || r.starttime != p->starttime)
			p->final = true;
		else
			note(p, &r);
	}
}

void cpu_reaped(struct cpu_table *t, pid_t pid, const struct rusage *ru)
{
	struct cpu_proc *p = find(t, pid);

	if (!p)
		return;
	p->rusage = true;
	p->final = true;
	p->ru[0] = ru->ru_utime;
	p->ru[1] = ru->ru_stime;
	/* the children it reaped are in its rusage: only a reading at exit has them */
	if (!p->read_at_exit)
		memset(p->children, 0, sizeof(p->children));
}

static double seconds(const struct timeval *tv)
{
	return tv->tv_sec + tv->tv_usec / 1e6;
}

static void use_of(const struct cpu_proc *p, double hz, struct cpu_use *u)
{
	double v[2];
	int k;

	for (k = 0; k < 2; k++) {
		if (p->rusage)
			v[k] = seconds(&p->ru[k]) - (p->children[k] + p->start[k]) / hz;
		else
			v[k] = (p->last[k] - p->start[k]) / hz;
		if (v[k] < 0)
			v[k] = 0;
	}
	u->user_s = v[0];
	u->system_s = v[1];
	if (p->rusage)
		u->sources = 1u << CPU_RUSAGE;
	else
		u->sources = 1u << (p->final && !p->read_at_exit ? CPU_PROC_BEFORE_EXIT : CPU_PROC);
}

void cpu_describe(const struct cpu_table *t, struct run_info *run)
{
	double hz = sysconf(_SC_CLK_TCK);
	size_t i;

	memset(&run->cpu, 0, sizeof(run->cpu));
	run->cpu_unread = t->unread;
	run->cpus = calloc(t->n ? t->n : 1, sizeof(*run->cpus));
	run->ncpus = 0;
	if (!run->cpus || hz <= 0)
		return;
	for (i = 0; i < t->n; i++) {
		struct proc_cpu *c = &run->cpus[run->ncpus++];

		c->pid = t->p[i].pid;
		memcpy(c->comm, t->p[i].comm, sizeof(c->comm));
		use_of(&t->p[i], hz, &c->cpu);
		run->cpu.user_s += c->cpu.user_s;
		run->cpu.system_s += c->cpu.system_s;
		run->cpu.sources |= c->cpu.sources;
	}
}

void cpu_free(struct cpu_table *t)
{
	free(t->p);
	memset(t, 0, sizeof(*t));
}
