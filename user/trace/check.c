// SPDX-License-Identifier: GPL-2.0
/*
 * iotrace --check: what this kernel offers, which mode loads (each mode's
 * programs loaded for real, tp_btf and their raw_tp twins, then unloaded),
 * each program's verifier figures against the budgets, whether the
 * optional fentry/kprobe layer attaches, and which figures a run here
 * would observe, derive or leave unmeasured. Exit 0: full mode loads; 2:
 * only --light; 1: nothing does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <json-c/json.h>
#include "kernel/kernel_features.h"
#include "kernel/verifier_stats.h"
#include "report/output.h"
#include "trace/check.h"
#include "trace/check_figures.h"
#include "trace/deep_probes.h"
#include "trace/options.h"
#include "trace/probes.h"

/* One mode, both attach flavours: tp_btf (with its fallbacks) and raw_tp */
struct mode_check {
	const char *name;
	bool light;
	bool loads;
	const char *flavour;	/* of the best load: "tp_btf" or "raw_tp" */
	bool sched;
	char why[200];		/* the first refusal, when it does not load */
	struct verifier_stats vs[2];
};

static void check_mode(struct mode_check *m, const struct options *given)
{
	struct options o = *given;
	struct probes p;
	char why[200];
	int i;

	/* every program a run can load: -f's fork program and -w's too */
	o.follow = true;
	o.record_path = "--check";
	o.record_kib = 256;
	for (i = 0; i < 2; i++) {
		o.raw_tp = i == 1;
		if (probes_load(&p, NULL, 0, &o, m->light, &m->vs[i], why, sizeof(why))) {
			if (!m->why[0])
				snprintf(m->why, sizeof(m->why), "%s", why);
			continue;
		}
		if (!m->loads) {
			m->loads = true;
			m->flavour = p.flavour;
			m->sched = p.sched;
		}
		probes_stop(&p);
	}
	if (m->loads)
		m->why[0] = '\0';
}

static bool within_budget(const struct prog_stats *s)
{
	return s->insns <= BUDGET_INSNS && s->stack <= BUDGET_STACK;
}

/* The programs of both passes, each once: the fork and calibration programs load in both */
static bool shown(const struct mode_check *m, int k, int i)
{
	const struct prog_stats *s = &m->vs[k].progs[i];
	int j;

	if (!s->checked)
		return false;
	for (j = 0; k && j < m->vs[0].n; j++)
		if (m->vs[0].progs[j].checked && !strcmp(m->vs[0].progs[j].name, s->name))
			return false;
	return true;
}

static void print_programs(FILE *f, const struct mode_check *m)
{
	int i, k;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < m->vs[k].n; i++) {
			const struct prog_stats *s = &m->vs[k].progs[i];

			if (!shown(m, k, i))
				continue;
			fprintf(f, "  %-6s %-22s %8ld %6d  %s\n", m->name, s->name, s->insns,
				s->stack, !s->loaded ? s->error : within_budget(s) ? "ok" :
				"OVER BUDGET");
		}
	}
}

static void print_text(FILE *f, const struct kernel_features *kf, struct mode_check *m,
		       const struct deep *d, const char *runs)
{
	struct utsname u;
	int i;

	uname(&u);
	fprintf(f, "iotrace --check: Linux %s (%s)\n\nkernel features\n", u.release, u.machine);
	for (i = 0; i < KF_NR; i++)
		fprintf(f, "  %-30s %-4s (Linux %s)\n", kfeature_name(i),
			kf->has[i] ? "yes" : "no", kfeature_since(i));
	fprintf(f, "  %-30s %s\n", "lockdown", kf->lockdown);
	fprintf(f, "  %-30s %s\n", "optional fentry layer", d->live ? "attaches" : d->fentry_error);
	fprintf(f, "  %-30s %s\n", "optional kprobe layer",
		d->live && !strcmp(d->live, "kprobe") ? "attaches" :
		d->live ? "not needed" : d->kprobe_error);
	fprintf(f, "\nmodes\n");
	for (i = 0; i < 2; i++)
		if (m[i].loads)
			fprintf(f, "  %-6s loads (%s%s)\n", m[i].name, m[i].flavour,
				m[i].sched ? ", sched tracepoints" : ", no sched tracepoints");
		else
			fprintf(f, "  %-6s does not load: %s\n", m[i].name, m[i].why);
	fprintf(f, "\nprograms (budget: %d instructions, %d bytes of combined stack)\n",
		BUDGET_INSNS, BUDGET_STACK);
	fprintf(f, "  %-6s %-22s %8s %6s  %s\n", "MODE", "PROGRAM", "INSNS", "STACK", "VERDICT");
	for (i = 0; i < 2; i++)
		print_programs(f, &m[i]);
	fprintf(f, "\nwill run: %s\n", runs ? runs : "nothing");
	if (runs)
		check_figures_text(f, !strcmp(runs, "light"), m[!strcmp(runs, "light")].sched,
				   d->live != NULL);
}

static json_object *programs_json(const struct mode_check *m)
{
	json_object *a = json_object_new_array();
	int i, k;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < m->vs[k].n; i++) {
			const struct prog_stats *s = &m->vs[k].progs[i];
			json_object *o;

			if (!shown(m, k, i))
				continue;
			o = json_object_new_object();
			json_object_object_add(o, "name", json_object_new_string(s->name));
			json_object_object_add(o, "loads", json_object_new_boolean(s->loaded));
			json_object_object_add(o, "insns", s->insns < 0 ? NULL :
					       json_object_new_int64(s->insns));
			json_object_object_add(o, "stack", s->stack < 0 ? NULL :
					       json_object_new_int(s->stack));
			json_object_object_add(o, "error", s->loaded ? NULL :
					       json_object_new_string(s->error));
			json_object_array_add(a, o);
		}
	}
	return a;
}

static json_object *check_json(const struct kernel_features *kf, const struct mode_check *m,
			       const struct deep *d, const char *runs)
{
	json_object *root = json_object_new_object(), *feats = json_object_new_object();
	json_object *modes = json_object_new_object(), *budget = json_object_new_object();
	struct utsname u;
	int i;

	uname(&u);
	json_object_object_add(root, "kernel", json_object_new_string(u.release));
	for (i = 0; i < KF_NR; i++)
		json_object_object_add(feats, kfeature_name(i), json_object_new_boolean(kf->has[i]));
	json_object_object_add(root, "features", feats);
	json_object_object_add(root, "lockdown", json_object_new_string(kf->lockdown));
	json_object_object_add(root, "optional_layer",
			       d->live ? json_object_new_string(d->live) : NULL);
	for (i = 0; i < 2; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "loads", json_object_new_boolean(m[i].loads));
		json_object_object_add(o, "error", m[i].loads ? NULL :
				       json_object_new_string(m[i].why));
		json_object_object_add(o, "attach", m[i].loads ?
				       json_object_new_string(m[i].flavour) : NULL);
		json_object_object_add(o, "programs", programs_json(&m[i]));
		json_object_object_add(modes, m[i].name, o);
	}
	json_object_object_add(root, "modes", modes);
	json_object_object_add(budget, "insns", json_object_new_int(BUDGET_INSNS));
	json_object_object_add(budget, "stack", json_object_new_int(BUDGET_STACK));
	json_object_object_add(root, "budget", budget);
	json_object_object_add(root, "mode", runs ? json_object_new_string(runs) : NULL);
	if (runs)
		json_object_object_add(root, "figures",
				       check_figures_json(!strcmp(runs, "light"),
							  m[!strcmp(runs, "light")].sched,
							  d->live != NULL));
	return root;
}

static int write_json(const char *path, json_object *root)
{
	struct json_out j = {};
	int err;

	if (json_out_open(&j, path))
		return -1;
	err = fprintf(j.f, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;
	if (err) {
		json_out_discard(&j);
		fprintf(stderr, "iotrace: cannot write %s\n", path);
		return -1;
	}
	return json_out_commit(&j);
}

int check_main(const struct options *o)
{
	struct mode_check m[2] = { { .name = "full" }, { .name = "light", .light = true } };
	FILE *text = o->json_path && !strcmp(o->json_path, "-") ? stderr : stdout;
	struct kernel_features kf;
	struct deep d;
	const char *runs;
	int i, err = 0;

	if (probes_preflight(o->btf_path) == -EPERM)
		return 1;
	kernel_features_probe(&kf, o->btf_path);
	check_mode(&m[0], o);
	check_mode(&m[1], o);
	deep_start(&d, getpid(), o->btf_path);
	runs = m[0].loads ? "full" : m[1].loads ? "light" : NULL;
	print_text(text, &kf, m, &d, runs);
	if (o->json_path) {
		json_object *root = check_json(&kf, m, &d, runs);

		err = write_json(o->json_path, root);
		json_object_put(root);
	}
	deep_stop(&d);
	for (i = 0; i < 2; i++) {
		vstats_free(&m[i].vs[0]);
		vstats_free(&m[i].vs[1]);
	}
	err |= output_flush(text, "the check");
	if (err)
		return 1;
	return m[0].loads ? 0 : m[1].loads ? 2 : 1;
}
