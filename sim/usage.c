#include "usage.h"

#include <string.h>

#include "slub_internal.h"

unsigned sim_freelist_walk(const struct sim *sim, const struct slab *slab, uint64_t head, uint8_t *seen,
			   uint8_t mark, int *order, unsigned nr_order)
{
	const struct kmem_cache *s = slab_cache(sim, slab);
	unsigned n = 0;

	/* a trace that overwrote a free pointer must not send the walk elsewhere */
	for (uint64_t p = head; p && n < slab->objects; p = get_freepointer(sim, s, p)) {
		int i = slab_obj_index(sim, slab, p);

		if (!slab_obj_starts(sim, slab, i, p) || seen[i])
			break;
		seen[i] = mark;
		if (n < nr_order)
			order[n] = i;
		n++;
	}
	return n;
}

uint64_t sim_cpu_freelist(const struct sim *sim, const struct slab *slab)
{
	if (slab->state != SLAB_CPU)
		return 0;
	return slab_cache(sim, slab)->cpu[slab->cpu].freelist;
}

void sim_cache_usage(const struct sim *sim, struct sim_cache_usage *u)
{
	uint8_t seen[MAX_OBJS_PER_PAGE + 1];

	memset(u, 0, sim->nr_caches * sizeof(*u));
	for (uint32_t i = 0; i < sim->nr_slab_entries; i++) {
		const struct slab *slab = &sim->slabs[i];
		struct sim_cache_usage *cu;

		if (!slab->live || slab->cache >= sim->nr_caches)
			continue;
		cu = &u[slab->cache];
		/* a cpu slab's inuse is all its objects; its free ones are on c->freelist */
		cu->objects += slab->inuse;
		cu->slabs++;
		cu->pages += 1u << slab->order;
		if (slab->state == SLAB_CPU) {
			memset(seen, 0, slab->objects);
			cu->objects -= sim_freelist_walk(sim, slab, sim_cpu_freelist(sim, slab), seen, 1, NULL, 0);
		}
	}
}
