/* SPDX-License-Identifier: GPL-2.0 */
/* The one way iotrace's BPF side creates a map entry. */
#ifndef MAPS_BPF_H
#define MAPS_BPF_H

#include "syscalls.bpf.h"

/*
 * The value of key in map, inserted as init if absent. Two CPUs may insert
 * the same key at once: the loser's -EEXIST is success, it finds the
 * winner's entry. NULL only when the map is full (or the key gone again):
 * the caller counts its own drop.
 */
static __always_inline void *lookup_or_try_init(void *map, const void *key, const void *init)
{
	void *val = bpf_map_lookup_elem(map, key);
	long err;

	if (val)
		return val;
	err = bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	if (err && err != -EEXIST)
		return NULL;
	return bpf_map_lookup_elem(map, key);
}

#endif
