// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier's statistics (log level 4, BPF_LOG_STATS, on every kernel
 * since 5.2) give the instructions processed and each subprogram's stack
 * depth; the combined stack is the deepest chain of frames through the
 * program's calls and callbacks, each frame rounded up to 32 bytes as the
 * verifier does. Counted without a private stack (6.13+, not everywhere).
 */
#define _GNU_SOURCE	/* strchrnul */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "kernel/verifier_stats.h"

#define LOG_SIZE	(64 * 1024)	/* level 4: a few lines, and the refusal */
#define MAX_SUBPROGS	64

int vstats_attach(struct verifier_stats *v, struct bpf_object *obj)
{
	struct bpf_program *prog;

	memset(v, 0, sizeof(*v));
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog) || v->n == VSTATS_MAX)
			continue;
		v->logs[v->n] = calloc(1, LOG_SIZE);
		if (!v->logs[v->n])
			return -ENOMEM;
		bpf_program__set_log_buf(prog, v->logs[v->n], LOG_SIZE);
		bpf_program__set_log_level(prog, 4);
		v->bprogs[v->n] = prog;
		snprintf(v->progs[v->n].name, sizeof(v->progs[v->n].name), "%s",
			 bpf_program__name(prog));
		v->progs[v->n].insns = -1;
		v->progs[v->n].stack = -1;
		v->n++;
	}
	return 0;
}

static bool is_call(const struct bpf_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL;
}

static bool is_func_ref(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW) && in->src_reg == BPF_PSEUDO_FUNC;
}

static int subprog_of(const int *starts, int n, int insn)
{
	int i;

	for (i = n - 1; i > 0; i--)
		if (insn >= starts[i])
			break;
	return i;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

struct call_graph {
	const struct bpf_insn *insns;
	int ninsns, n;
	int starts[MAX_SUBPROGS];
	int frame[MAX_SUBPROGS];	/* bytes, rounded as the verifier rounds */
};

static int deepest(const struct call_graph *g, int sub, int depth)
{
	int end = sub + 1 < g->n ? g->starts[sub + 1] : g->ninsns, best = 0, i, d;

	if (depth > 8)		/* the verifier allows 8 frames */
		return 0;
	for (i = g->starts[sub]; i < end; i++) {
		if (!is_call(&g->insns[i]) && !is_func_ref(&g->insns[i]))
			continue;
		d = deepest(g, subprog_of(g->starts, g->n, i + g->insns[i].imm + 1), depth + 1);
		if (d > best)
			best = d;
	}
	return g->frame[sub] + best;
}

/* "stack depth 48+0+96": one figure per subprogram, in order of address */
static int combined_stack(struct bpf_program *prog, const char *depths)
{
	struct call_graph g = { .insns = bpf_program__insns(prog),
				.ninsns = bpf_program__insn_cnt(prog), .n = 1 };
	const char *p = depths;
	int i, k, d;

	for (i = 0; i < g.ninsns && g.n < MAX_SUBPROGS; i++) {
		if (!is_call(&g.insns[i]) && !is_func_ref(&g.insns[i]))
			continue;
		d = i + g.insns[i].imm + 1;
		for (k = 0; k < g.n && g.starts[k] != d; k++)
			;
		if (k == g.n)
			g.starts[g.n++] = d;
	}
	qsort(g.starts, g.n, sizeof(g.starts[0]), cmp_int);
	for (k = 0; k < g.n; k++) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			return -1;	/* the verifier saw other subprograms */
		g.frame[k] = ((v > 1 ? v : 1) + 31) / 32 * 32;
		p = *end == '+' ? end + 1 : end;
	}
	return deepest(&g, 0, 0);
}

/* The verifier's reason: its last line that is not a statistic or a note */
static void refusal(const char *log, char *out, size_t size)
{
	static const char *const notes[] = { "verification time", "stack depth", "processed ",
					     "Func#", "func#", "Validating", "-- " };
	const char *line = log, *end;
	unsigned int i;

	out[0] = '\0';
	for (; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		for (i = 0; i < sizeof(notes) / sizeof(notes[0]); i++)
			if (!strncmp(line, notes[i], strlen(notes[i])))
				break;
		if (i == sizeof(notes) / sizeof(notes[0]) && end > line)
			snprintf(out, size, "%.*s", (int)(end - line), line);
	}
}

void vstats_collect(struct verifier_stats *v, bool object_loaded)
{
	int i, last = -1;

	for (i = 0; i < v->n; i++)
		if (v->logs[i][0])
			last = i;

	for (i = 0; i < v->n; i++) {
		struct prog_stats *s = &v->progs[i];
		const char *log = v->logs[i], *p;

		if (!log[0])
			continue;	/* never reached: an earlier program failed */
		s->checked = true;
		/* libbpf loads in order and stops at the first refusal */
		s->loaded = object_loaded || i != last;
		p = strstr(log, "processed ");
		if (p)
			s->insns = strtol(p + 10, NULL, 10);
		p = strstr(log, "stack depth ");
		if (p) {
			s->stack = combined_stack(v->bprogs[i], p + 12);
			snprintf(s->frames, sizeof(s->frames), "%.*s", (int)strcspn(p + 12, "\n"),
				 p + 12);
		}
		if (!s->loaded)
			refusal(log, s->error, sizeof(s->error));
	}
}

const struct prog_stats *vstats_refused(const struct verifier_stats *v)
{
	int i;

	for (i = 0; i < v->n; i++)
		if (v->progs[i].checked && !v->progs[i].loaded)
			return &v->progs[i];
	return NULL;
}

void vstats_free(struct verifier_stats *v)
{
	int i;

	for (i = 0; i < v->n; i++)
		free(v->logs[i]);
	memset(v, 0, sizeof(*v));
}

void vstats_print(FILE *f, const struct verifier_stats *v)
{
	int i;

	for (i = 0; i < v->n; i++) {
		const struct prog_stats *s = &v->progs[i];

		if (s->checked)
			fprintf(f, "iotrace: verifier: %s: %ld insns, stack %d (frames %s)%s%s\n",
				s->name, s->insns, s->stack, s->frames[0] ? s->frames : "-",
				s->loaded ? "" : ": ", s->loaded ? "" : s->error);
	}
}
