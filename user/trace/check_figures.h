/* SPDX-License-Identifier: GPL-2.0 */
/* Which figures a run would observe, derive or leave unmeasured (--check). */
#ifndef IOTRACE_CHECK_FIGURES_H
#define IOTRACE_CHECK_FIGURES_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

void check_figures_text(FILE *f, bool light, bool sched, bool deep);
json_object *check_figures_json(bool light, bool sched, bool deep);

#endif
