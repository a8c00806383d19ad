/*
 * SLUB's object lifecycle on simulated pages: cpu slabs, cpu partial lists,
 * node partial lists, and the statistics sysfs shows.
 */
#ifndef SLUBSIM_SLUB_H
#define SLUBSIM_SLUB_H

#include <stdint.h>

#include "slab.h"

struct sim;

/* mm/slub.c show_slab_objects() totals for @s */
void kmem_cache_stats(const struct sim *sim, const struct kmem_cache *s, struct cache_stats *st);
/* mm/slub.c slabs_cpu_partial_show(): slabs on one CPU's cpu partial list (head->slabs) */
unsigned kmem_cache_cpu_partial_slabs(const struct sim *sim, const struct kmem_cache *s, unsigned cpu);

#endif
