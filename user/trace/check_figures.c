// SPDX-License-Identifier: GPL-2.0
/*
 * The figures a run here would observe, derive or leave unmeasured: the
 * registry every report follows (collect/measured.h), asked about a run in
 * the mode that loads, with or without the sched tracepoints and the
 * optional fentry/kprobe layer. Observed figures are read at a probe;
 * derived ones are computed from the arguments and the return value, as
 * the kernel's code would.
 */
#include <string.h>
#include <linux/types.h>
#include "iotrace.h"
#include "collect/measured.h"
#include "trace/check_figures.h"

/* The run --check predicts: light only when full mode does not load */
static void predicted(struct run_info *run, bool light, bool sched, bool deep)
{
	memset(run, 0, sizeof(*run));
	run->light = light;
	run->time_every = light ? LIGHT_TIME_EVERY : 1;
	if (light)
		snprintf(run->why_light, sizeof(run->why_light), "full mode does not load");
	run->sched = sched;
	run->exact = deep ? EXACT_FENTRY : EXACT_FAILED;
}

void check_figures_text(FILE *f, bool light, bool sched, bool deep)
{
	static const char *const kinds[] = { "observed", "derived" };
	struct run_info run;
	unsigned int i, k;
	char how[80];

	predicted(&run, light, sched, deep);
	fprintf(f, "\nfigures\n");
	for (k = 0; k < 2; k++)
		for (i = 0; i < FIG_NR; i++)
			if (figure_derived(i) == k && !figure_missing(&run, i))
				fprintf(f, "  %-13s %s%s%s%s\n", kinds[k], figure_name(i),
					figure_differs(&run, i, how, sizeof(how)) ? " (" : "",
					figure_differs(&run, i, how, sizeof(how)) ? how : "",
					figure_differs(&run, i, how, sizeof(how)) ? ")" : "");
	for (i = 0; i < FIG_NR; i++)
		if (figure_missing(&run, i))	/* the reason on a line of its own past 80 */
			fprintf(f, "  %-13s %s%s(%s)\n", "not measured", figure_name(i),
				strlen(figure_name(i)) + strlen(figure_missing(&run, i)) > 60 ?
				"\n                " : " ", figure_missing(&run, i));
}

json_object *check_figures_json(bool light, bool sched, bool deep)
{
	json_object *root = json_object_new_object(), *obs = json_object_new_array();
	json_object *der = json_object_new_array(), *not = json_object_new_array();
	struct run_info run;
	unsigned int i;

	predicted(&run, light, sched, deep);
	for (i = 0; i < FIG_NR; i++) {
		const char *why = figure_missing(&run, i);
		json_object *o;

		if (!why) {
			json_object_array_add(figure_derived(i) ? der : obs,
					      json_object_new_string(figure_name(i)));
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "figure", json_object_new_string(figure_name(i)));
		json_object_object_add(o, "why", json_object_new_string(why));
		json_object_array_add(not, o);
	}
	json_object_object_add(root, "observed", obs);
	json_object_object_add(root, "derived", der);
	json_object_object_add(root, "not_measured", not);
	return root;
}
