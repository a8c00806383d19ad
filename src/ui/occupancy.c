#include "occupancy.h"

#include <string.h>

/*
 * Free objects on a cpu freelist (c->freelist), walked through the free
 * pointers. The walk stays inside the slab and takes at most its objects:
 * a trace that overwrote a free pointer must not send it elsewhere.
 */
static uint64_t occ_cpu_free(const struct sim *sim, const struct kmem_cache *s, const struct slab *slab,
			     uint64_t fp)
{
	uint64_t base = slab_address(sim, slab);
	uint64_t end = base + ((uint64_t)sim->env.ac.page_size << slab->order);
	uint64_t n = 0;

	while (fp >= base && fp < end && n < slab->objects) {
		n++;
		fp = sim_get_freepointer(sim, s, fp);
	}
	return n;
}

void occ_count(const struct sim *sim, struct occ_cache *occ)
{
	memset(occ, 0, sim->nr_caches * sizeof(*occ));
	for (uint32_t i = 0; i < sim->nr_slab_entries; i++) {
		const struct slab *slab = &sim->slabs[i];

		if (!slab->live || slab->cache >= sim->nr_caches)
			continue;
		/* a cpu slab's inuse is all its objects; its free ones are on c->freelist */
		occ[slab->cache].objects += slab->inuse;
		occ[slab->cache].slabs++;
		occ[slab->cache].pages += 1u << slab->order;
	}
	for (unsigned k = 0; k < sim->nr_caches; k++) {
		const struct kmem_cache *s = sim->caches[k];

		for (unsigned cpu = 0; s->cpu && cpu < sim->env.cpus; cpu++)
			if (s->cpu[cpu].slab != SLAB_NONE)
				occ[k].objects -= occ_cpu_free(sim, s, &sim->slabs[s->cpu[cpu].slab],
								 s->cpu[cpu].freelist);
	}
}
