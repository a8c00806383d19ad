/*
 * Occupancy: how many objects each cache really holds and how many pages its
 * slabs take, counted from the slabs themselves. /proc/slabinfo's active_objs
 * counts every slot of a cpu slab as in use; a trace's memory is the objects it
 * allocated and did not free, so this subtracts the cpu freelists.
 */
#ifndef SLUBSIM_OCCUPANCY_H
#define SLUBSIM_OCCUPANCY_H

#include <stdint.h>

#include "sim/sim.h"

struct occ_cache {
	uint64_t objects;	/* allocated and not freed */
	uint64_t slabs;
	uint64_t pages;		/* each slab's own 1 << order */
};

/* @occ: sim->nr_caches entries, by kmem_cache->index, overwritten. */
void occ_count(const struct sim *sim, struct occ_cache *occ);

#endif
