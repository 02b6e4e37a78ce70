// SPDX-License-Identifier: GPL-2.0
/*
 * The figures of a report, each with what it needs: full mode (the user
 * memory reads), the sched tracepoints, or the optional fentry/kprobe
 * layer. Observed figures are read at a probe; derived ones are computed
 * from the arguments and the return value, as the kernel's code would.
 */
#include <string.h>
#include "trace/check_figures.h"

enum { NEEDS_FULL = 1, NEEDS_SCHED = 2, NEEDS_DEEP = 4 };

static const struct figure {
	const char *name;
	bool derived;
	unsigned int needs;
} figures[] = {
	{ "calls, failures by errno, interruptions, timeouts", false, 0 },
	{ "latency and its histogram (--light: 1 call in 16)", false, 0 },
	{ "fds ready per call", false, 0 },
	{ "fds watched by poll (entries) and epoll (interest sets)", false, 0 },
	{ "fds watched by select", false, NEEDS_FULL },
	{ "ready fds by fd, level-triggered re-reports", false, NEEDS_FULL },
	{ "what select and poll wrote back (S7, P1)", false, NEEDS_FULL },
	{ "reads, writes, accepts: bytes and fd kinds", false, 0 },
	{ "every syscall by name", false, 0 },
	{ "time asleep and preempted, sleeps, wakeups", false, NEEDS_SCHED },
	{ "who woke the thread (waker stacks)", false, NEEDS_SCHED | NEEDS_FULL },
	{ "bytes copied between user and kernel", true, NEEDS_FULL },
	{ "wait-queue registrations", true, NEEDS_FULL },
	{ "scan passes and fds examined (lower bounds)", true, NEEDS_SCHED },
	{ "exact in-kernel counts (__pollwait, sock_poll, ...)", false, NEEDS_DEEP },
};
#define NFIGURES (sizeof(figures) / sizeof(figures[0]))

/* Why a figure is not measured here, or NULL when it is */
static const char *missing(const struct figure *fig, bool light, bool sched, bool deep)
{
	if ((fig->needs & NEEDS_FULL) && light)
		return "needs full mode";
	if ((fig->needs & NEEDS_SCHED) && !sched)
		return "needs the sched tracepoints";
	if ((fig->needs & NEEDS_DEEP) && !deep)
		return "needs the optional fentry/kprobe layer";
	return NULL;
}

void check_figures_text(FILE *f, bool light, bool sched, bool deep)
{
	static const char *const kinds[] = { "observed", "derived" };
	unsigned int i, k;

	fprintf(f, "\nfigures\n");
	for (k = 0; k < 2; k++)
		for (i = 0; i < NFIGURES; i++)
			if (figures[i].derived == k && !missing(&figures[i], light, sched, deep))
				fprintf(f, "  %-13s %s\n", kinds[k], figures[i].name);
	for (i = 0; i < NFIGURES; i++)
		if (missing(&figures[i], light, sched, deep))
			fprintf(f, "  %-13s %s (%s)\n", "not measured", figures[i].name,
				missing(&figures[i], light, sched, deep));
}

json_object *check_figures_json(bool light, bool sched, bool deep)
{
	json_object *root = json_object_new_object(), *obs = json_object_new_array();
	json_object *der = json_object_new_array(), *not = json_object_new_array();
	unsigned int i;

	for (i = 0; i < NFIGURES; i++) {
		const char *why = missing(&figures[i], light, sched, deep);
		json_object *o;

		if (!why) {
			json_object_array_add(figures[i].derived ? der : obs,
					      json_object_new_string(figures[i].name));
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "figure", json_object_new_string(figures[i].name));
		json_object_object_add(o, "why", json_object_new_string(why));
		json_object_array_add(not, o);
	}
	json_object_object_add(root, "observed", obs);
	json_object_object_add(root, "derived", der);
	json_object_object_add(root, "not_measured", not);
	return root;
}
