/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wakeups by class for a long-running exporter: each distinct waker stack
 * is classified once, the first time a scrape sees it, its frames named
 * from /proc/kallsyms only if never named before (frame_names.h), instead
 * of reading kallsyms (~1 s) at every scrape.
 */
#ifndef IOTRACE_WAKE_CACHE_H
#define IOTRACE_WAKE_CACHE_H

#include <linux/types.h>
#include "iotrace.h"
#include "collect/ksyms.h"

struct wake_cache;

struct wake_cache *wake_cache_new(void);
void wake_cache_free(struct wake_cache *wc);
/* Sum the wakes map (fd) into out[sys][class]; 0 or -errno */
int wake_cache_read(struct wake_cache *wc, int map_fd, __u64 out[MUX_NR][WAKE_NR]);

#endif
