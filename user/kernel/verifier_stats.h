/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel's verifier said of each program it checked: instructions
 * processed and the deepest chain of stack frames, against the project's
 * budgets (far inside the kernel's limits, so the next verifier change
 * cannot silently break a kernel), or the line it refused the program with.
 */
#ifndef IOTRACE_VERIFIER_STATS_H
#define IOTRACE_VERIFIER_STATS_H

#include <stdbool.h>
#include <stdio.h>

struct bpf_object;

#define BUDGET_INSNS	250000	/* a quarter of the 1M-instruction limit */
#define BUDGET_STACK	448	/* of the 512-byte combined stack, no private stack */
#define VSTATS_MAX	16

struct prog_stats {
	char name[32];		/* the program's name in the object */
	bool checked;		/* the verifier ran on it (it was loaded) */
	bool loaded;		/* ... and accepted it */
	long insns;		/* instructions processed; -1: not said */
	int stack;		/* deepest combined stack, bytes; -1: not known */
	char frames[64];	/* each subprogram's frame as the verifier said: "48+0+96" */
	char error[160];	/* why it was refused: the verifier's line */
};

struct verifier_stats {
	int n;
	struct prog_stats progs[VSTATS_MAX];
	char *logs[VSTATS_MAX];
	struct bpf_program *bprogs[VSTATS_MAX];
};

/* Before load: ask the verifier for its statistics on each program to load. */
int vstats_attach(struct verifier_stats *v, struct bpf_object *obj);
/* After load (object_loaded: it was accepted whole): parse what it said. */
void vstats_collect(struct verifier_stats *v, bool object_loaded);
/* The first refused program, or NULL */
const struct prog_stats *vstats_refused(const struct verifier_stats *v);
/* -v: one line a program */
void vstats_print(FILE *f, const struct verifier_stats *v);
void vstats_free(struct verifier_stats *v);

#endif
