/*
 * What the slabs hold, for reports and the TUI: the freelists walked, the
 * objects each cache really holds. /proc/slabinfo's active_objs counts
 * every slot of a cpu slab as in use; a trace's memory is the objects it
 * allocated and did not free, so these take the cpu freelists out.
 */
#ifndef SLUBSIM_USAGE_H
#define SLUBSIM_USAGE_H

#include <stdint.h>

#include "slub.h"

/*
 * Walk the freelist that starts at @head through its free pointers, as
 * mm/slub.c on_freelist() does but without repairing anything: the walk
 * stops at a pointer that is no object start in @slab
 * (check_valid_pointer()), at an object it saw before, or after
 * slab->objects. @seen holds a byte per object, 0 for not seen yet: the
 * walk sets the byte of each object it passes to @mark (not 0), and puts
 * the first @nr_order indices in @order. Returns the objects walked.
 */
unsigned sim_freelist_walk(const struct sim *sim, const struct slab *slab, uint64_t head, uint8_t *seen,
			   uint8_t mark, int *order, unsigned nr_order);

/* The head of the cpu freelist (c->freelist) that holds free objects of @slab: 0 unless it is a cpu slab. */
uint64_t sim_cpu_freelist(const struct sim *sim, const struct slab *slab);

struct sim_cache_usage {
	uint64_t objects;	/* allocated and not freed */
	uint64_t slabs;
	uint64_t pages;		/* each slab's own 1 << order */
};

/* @u: sim->nr_caches entries, by kmem_cache->index, overwritten. */
void sim_cache_usage(const struct sim *sim, struct sim_cache_usage *u);

#endif
