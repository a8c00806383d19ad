/* The kmalloc caches: types, size classes, the size-index table and lookup. */
#ifndef SLUBSIM_KMALLOC_H
#define SLUBSIM_KMALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "gfp.h"

struct sim;
struct kmem_cache;

/* Logical kmalloc types; their creation order depends on the kernel version. */
enum kmalloc_type {
	KMALLOC_NORMAL,
	KMALLOC_CGROUP,
	KMALLOC_RECLAIM,
	KMALLOC_DMA,
	KMALLOC_RANDOM_FIRST,	/* kmalloc-rnd-01-, 6.6+ CONFIG_RANDOM_KMALLOC_CACHES */
	KMALLOC_RANDOM_LAST = KMALLOC_RANDOM_FIRST + 14,
	NR_KMALLOC_TYPES
};

#define KMALLOC_IDX_MAX 21	/* kmalloc_info[] ends at 2M */
#define KMALLOC_SIZE_INDEX_LEN 24

/* mm/slab_common.c kmalloc_info[]: size of cache index @idx (0 for idx 0) */
unsigned kmalloc_info_size(unsigned idx);
/* "kmalloc-96", "dma-kmalloc-1k", "kmalloc-rnd-03-64" into @buf */
void kmalloc_cache_name(unsigned idx, enum kmalloc_type type, char *buf, size_t len);
/* include/linux/slab.h __kmalloc_index(): compile-time size class */
unsigned kmalloc_index(const struct sim *sim, uint64_t size);

/* mm/slab_common.c setup_kmalloc_cache_index_table() + create_kmalloc_caches() */
int create_kmalloc_caches(struct sim *sim, struct sim_err *err);

/* include/linux/slab.h kmalloc_type(): @caller selects a random cache (6.6+) */
enum kmalloc_type kmalloc_type(const struct sim *sim, gfp_t flags, uint64_t caller);
/* mm/slab.h kmalloc_slab()'s index: kmalloc_size_index[] up to 192 bytes, fls() above; 0 < @size <= 8k */
unsigned kmalloc_size_class(const struct sim *sim, uint64_t size);
/* mm/slab_common.c kmalloc_slab(): NULL for 0 and for sizes above KMALLOC_MAX_CACHE_SIZE */
struct kmem_cache *kmalloc_slab(const struct sim *sim, uint64_t size, gfp_t flags, uint64_t caller);
/* mm/slab_common.c kmalloc_size_roundup() */
uint64_t kmalloc_size_roundup(const struct sim *sim, uint64_t size);

#endif
