#include "slub.h"

#include <string.h>

#include "sim.h"

void kmem_cache_stats(const struct sim *sim, const struct kmem_cache *s, struct cache_stats *st)
{
	(void)sim;
	(void)s;
	memset(st, 0, sizeof(*st));
}

unsigned kmem_cache_cpu_partial_slabs(const struct sim *sim, const struct kmem_cache *s, unsigned cpu)
{
	(void)sim;
	(void)s;
	(void)cpu;
	return 0;
}
