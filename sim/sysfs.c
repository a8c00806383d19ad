#include "sysfs.h"

#include <string.h>

#include "kver.h"
#include "sim.h"
#include "util.h"

static uint64_t flag(const struct kmem_cache *s, slab_flags_t f)
{
	return (s->flags & f) != 0;
}

/* mm/slub.c aliases_show(): refcount - 1, or 0 for an unmergeable boot cache */
static uint64_t show_aliases(const struct sim *sim, const struct kmem_cache *s, const struct cache_stats *st)
{
	return s->refcount < 0 ? 0 : (uint64_t)(s->refcount - 1);
}

#define SHOW(fn, expr)                                                                                         \
	static uint64_t fn(const struct sim *sim, const struct kmem_cache *s, const struct cache_stats *st)   \
	{                                                                                                      \
		(void)sim;                                                                                     \
		(void)st;                                                                                      \
		return (expr);                                                                                 \
	}
SHOW(show_align, s->align)
SHOW(show_cache_dma, flag(s, SLAB_CACHE_DMA))
SHOW(show_cpu_partial, s->cpu_partial)
SHOW(show_cpu_slabs, st->cpu_slabs)
SHOW(show_destroy_by_rcu, flag(s, SLAB_TYPESAFE_BY_RCU))
SHOW(show_hwcache_align, flag(s, SLAB_HWCACHE_ALIGN))
SHOW(show_min_partial, s->min_partial)
SHOW(show_object_size, s->object_size)
SHOW(show_objects, st->objects)
SHOW(show_objects_partial, st->objects_partial)
SHOW(show_objs_per_slab, s->oo.objects)
SHOW(show_order, s->oo.order)
SHOW(show_partial, st->partial)
SHOW(show_poison, flag(s, SLAB_POISON))
SHOW(show_reclaim_account, flag(s, SLAB_RECLAIM_ACCOUNT))
SHOW(show_red_zone, flag(s, SLAB_RED_ZONE))
SHOW(show_remote_node_defrag_ratio, 100)
SHOW(show_sanity_checks, flag(s, SLAB_CONSISTENCY_CHECKS))
SHOW(show_sheaf_capacity, s->sheaf_capacity)
SHOW(show_slab_size, s->size)
SHOW(show_slabs, st->slabs)
SHOW(show_store_user, flag(s, SLAB_STORE_USER))
SHOW(show_total_objects, st->total_objects)
SHOW(show_trace, flag(s, SLAB_TRACE))
SHOW(show_usersize, s->usersize)
#undef SHOW

static int has_zone_dma(const struct sim *sim, const struct kmem_cache *s)
{
	return sim->cfg.kconfig[KC_ZONE_DMA];
}

static int has_ctor(const struct sim *sim, const struct kmem_cache *s)
{
	return s->has_ctor;
}

/* CONFIG_NUMA */
static int has_numa(const struct sim *sim, const struct kmem_cache *s)
{
	return sim->cfg.kconfig[KC_NUMA];
}

/* 6.18+: sheaves */
static int has_sheaves(const struct sim *sim, const struct kmem_cache *s)
{
	return sim->env.kver >= KV(6, 18);
}

/* mm/slub.c slab_attrs[], alphabetically as ls lists them */
static const struct sysfs_attr attrs[] = {
	{ "aliases", show_aliases, NULL },
	{ "align", show_align, NULL },
	{ "cache_dma", show_cache_dma, has_zone_dma },
	{ "cpu_partial", show_cpu_partial, NULL },
	{ "cpu_slabs", show_cpu_slabs, NULL },
	{ "ctor", NULL, has_ctor },
	{ "destroy_by_rcu", show_destroy_by_rcu, NULL },
	{ "hwcache_align", show_hwcache_align, NULL },
	{ "min_partial", show_min_partial, NULL },
	{ "object_size", show_object_size, NULL },
	{ "objects", show_objects, NULL },
	{ "objects_partial", show_objects_partial, NULL },
	{ "objs_per_slab", show_objs_per_slab, NULL },
	{ "order", show_order, NULL },
	{ "partial", show_partial, NULL },
	{ "poison", show_poison, NULL },
	{ "reclaim_account", show_reclaim_account, NULL },
	{ "red_zone", show_red_zone, NULL },
	{ "remote_node_defrag_ratio", show_remote_node_defrag_ratio, has_numa },
	{ "sanity_checks", show_sanity_checks, NULL },
	{ "sheaf_capacity", show_sheaf_capacity, has_sheaves },
	{ "slab_size", show_slab_size, NULL },
	{ "slabs", show_slabs, NULL },
	{ "slabs_cpu_partial", NULL, NULL },
	{ "store_user", show_store_user, NULL },
	{ "total_objects", show_total_objects, NULL },
	{ "trace", show_trace, NULL },
	{ "usersize", show_usersize, NULL },
};

const struct sysfs_attr *kmem_cache_sysfs_attr_at(unsigned i)
{
	return i < ARRAY_SIZE(attrs) ? &attrs[i] : NULL;
}

int kmem_cache_sysfs_attr(const struct sim *sim, const struct kmem_cache *s, const char *attr, uint64_t *v)
{
	struct cache_stats st;

	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		if (strcmp(attrs[i].name, attr))
			continue;
		if (!attrs[i].show)
			return -1;
		kmem_cache_stats(sim, s, &st);
		*v = attrs[i].show(sim, s, &st);
		return 0;
	}
	return -1;
}
