/*
 * /sys/kernel/slab/<cache>/: the attributes mm/slub.c's slab_attrs[] shows,
 * in ls order, with what this configuration would show in each.
 */
#ifndef SLUBSIM_SYSFS_H
#define SLUBSIM_SYSFS_H

#include <stdint.h>

#include "slub.h"

struct sysfs_attr {
	const char *name;
	/* a number; NULL for ctor and slabs_cpu_partial, which are text (report.c prints them) */
	uint64_t (*show)(const struct sim *sim, const struct kmem_cache *s, const struct cache_stats *st);
	/* present only under this condition (NULL: always), like the kernel's #ifdef'd attributes */
	int (*present)(const struct sim *sim, const struct kmem_cache *s);
};

/* The attributes in ls order; NULL past the last. */
const struct sysfs_attr *kmem_cache_sysfs_attr_at(unsigned i);
/*
 * The numeric attribute @attr of @s, also where this configuration has no
 * such file (cache_dma without CONFIG_ZONE_DMA reads 0): 0 with *@v, or -1
 * for a name that is no numeric attribute.
 */
int kmem_cache_sysfs_attr(const struct sim *sim, const struct kmem_cache *s, const char *attr, uint64_t *v);

#endif
