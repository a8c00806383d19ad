/*
 * Separate kmalloc buckets (CONFIG_SLAB_BUCKETS, 6.11+): kmem_buckets_create()
 * makes a private copy of the kmalloc size classes, kmem_buckets_alloc()
 * allocates from it, memdup_user() uses the boot-time "memdup_user" set.
 */
#ifndef SLUBSIM_BUCKETS_H
#define SLUBSIM_BUCKETS_H

#include <stdint.h>

#include "err.h"
#include "gfp.h"
#include "kmalloc.h"
#include "slab_flags.h"

struct sim;
struct sim_op;

#define KMEM_BUCKETS_NONE UINT32_MAX

/* kmem_buckets: one cache per kmalloc index, as sim->caches indexes (KMEM_BUCKETS_NONE: none) */
struct kmem_buckets {
	uint32_t cache[KMALLOC_IDX_MAX + 1];
	uint64_t obj;		/* its object in kmalloc_buckets; 0 without CONFIG_SLAB_BUCKETS */
};

/* Whether this kernel has the kmem_buckets API (6.11+) and CONFIG_SLAB_BUCKETS. */
int kmem_buckets_enabled(const struct sim *sim);
/* sizeof(kmem_buckets): a kmem_cache pointer per index up to KMALLOC_SHIFT_HIGH */
unsigned kmem_buckets_size(const struct sim *sim);

/*
 * mm/slab_common.c create_kmalloc_caches() 6.11+: the kmalloc_buckets cache,
 * then mm/util.c init_user_buckets(). 0 when the kernel has neither.
 */
int kmem_buckets_init(struct sim *sim, struct sim_err *err);

/*
 * mm/slab_common.c kmem_buckets_create(): a new set of buckets named
 * "@name-8", "@name-96" ..., returned as an id for the calls below, or -1
 * with @err set. 6.11+ only (SIM_ENOSYS before); without CONFIG_SLAB_BUCKETS
 * the set is kmalloc's own, as the kernel's ZERO_SIZE_PTR handle is.
 */
int sim_kmem_buckets_create(struct sim *sim, const char *name, slab_flags_t flags, unsigned useroffset,
			    unsigned usersize, int has_ctor, struct sim_err *err);
/* The set behind an id, NULL for a bad id. */
const struct kmem_buckets *sim_kmem_buckets(const struct sim *sim, int id);
/* mm/slub.c __do_kmalloc_node() with buckets @id: kmem_buckets_alloc_track_caller() */
uint64_t sim_kmem_buckets_alloc(struct sim *sim, unsigned cpu, int id, uint64_t size, gfp_t flags,
				uint64_t caller, struct sim_op *op);
/* mm/util.c memdup_user(): 6.11+ from the "memdup_user" buckets, before from kmalloc */
uint64_t sim_memdup_user(struct sim *sim, unsigned cpu, uint64_t len, uint64_t caller, struct sim_op *op);

#endif
