/*
 * The model: one simulated kernel's slab allocator. sim_create() boots it
 * from a finalized configuration (config_finalize()); everything else works
 * on the returned handle. No globals, no I/O: errors are return codes.
 */
#ifndef SLUBSIM_SIM_H
#define SLUBSIM_SIM_H

#include <stdint.h>

#include "buckets.h"
#include "config.h"
#include "err.h"
#include "kmalloc.h"
#include "page.h"
#include "rng.h"
#include "slab.h"
#include "slub.h"

struct sim {
	struct sim_config cfg;
	struct slab_env env;
	struct rng rng;

	/* slab_caches in creation order; /proc/slabinfo prints it newest first */
	struct kmem_cache **caches;
	unsigned nr_caches, caches_cap;
	struct kmem_cache *kmem_cache, *kmem_cache_node;

	struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_IDX_MAX + 1];
	unsigned char size_index[KMALLOC_SIZE_INDEX_LEN];
	int slab_nomerge;
	uint64_t random_kmalloc_seed;

	/* 6.11+ CONFIG_SLAB_BUCKETS: kmalloc_buckets and the sets made so far */
	struct kmem_cache *kmem_buckets_cache;
	struct kmem_buckets *buckets;
	unsigned nr_buckets, buckets_cap;
	int user_buckets;		/* mm/util.c's "memdup_user" set, -1 if none */

	/* lifecycle state (sim/slub.c) */
	struct page_alloc pa;
	struct slab *slabs;		/* pool; free entries chained through next */
	uint32_t nr_slab_entries, slabs_cap, free_slab;
	uint64_t slab_serial;
	struct large_block *large;	/* pool of large kmalloc blocks */
	uint32_t nr_large_entries, large_cap, free_large;
	int init_on_alloc, init_on_free;
	int tainted;			/* TAINT_BAD_PAGE after the first report */
	uint64_t slab_errors;		/* lib/slub_kunit.c's slab_errors: see sim_slab_errors() */
	struct rcu_pending *rcu_pending;	/* kfree_rcu() objects waiting for a grace period */
	uint32_t nr_rcu_pending, rcu_pending_cap;

	sim_observer_fn observer;
	void *observer_ctx;
	struct sim_op *op;		/* the operation in progress */
	struct sim_op scratch_op;
	char fault_text[8192];
	size_t fault_len;
};

int sim_create(struct sim **out, const struct sim_config *cfg, struct sim_err *err);
void sim_destroy(struct sim *sim);
/* A deep copy of the whole model (checkpoints); the observer is not copied. NULL on ENOMEM. */
struct sim *sim_clone(const struct sim *sim);

/* Caches in /proc/slabinfo order (newest first); NULL past the end. */
struct kmem_cache *sim_cache_slabinfo_order(const struct sim *sim, unsigned i);
/* A cache by name, also by a merged alias name. */
struct kmem_cache *sim_find_cache(const struct sim *sim, const char *name);

/* include/linux/slab.h struct kmem_cache_args: what a cache asks for beyond its size and flags */
struct kmem_cache_args {
	unsigned align;
	unsigned useroffset, usersize;
	int has_ctor;
	unsigned sheaf_capacity;	/* 6.18+: percpu sheaves of that many objects */
};

/*
 * mm/slab_common.c __kmem_cache_create_args(): a named cache, or an existing
 * one it merges into. NULL with @err set on failure.
 */
struct kmem_cache *sim_kmem_cache_create_args(struct sim *sim, const char *name, unsigned size,
					      const struct kmem_cache_args *args, slab_flags_t flags,
					      struct sim_err *err);
/* kmem_cache_create_usercopy(): __kmem_cache_create_args() without sheaves */
struct kmem_cache *sim_kmem_cache_create(struct sim *sim, const char *name, unsigned size, unsigned align,
					 slab_flags_t flags, int has_ctor, unsigned useroffset,
					 unsigned usersize, struct sim_err *err);

/*
 * Give @s a new name (a trace learnt what an anonymous cache is called).
 * 0, or -1 if the name is taken or memory is short.
 */
int sim_kmem_cache_rename(struct sim *sim, struct kmem_cache *s, const char *name);

/* mm/slab_common.c create_boot_cache(): kmalloc caches get natural alignment */
struct kmem_cache *sim_create_boot_cache(struct sim *sim, const char *name, unsigned size,
					 slab_flags_t flags, unsigned useroffset, unsigned usersize,
					 struct sim_err *err);

/* struct sizes the boot caches hold (include/linux/slub_def.h, mm/slab.h) */
unsigned sim_sizeof_kmem_cache(const struct slab_env *env);
unsigned sim_sizeof_kmem_cache_node(const struct slab_env *env);
/* mm/slub.c struct node_barn and a struct slab_sheaf of @capacity objects (6.18+) */
unsigned sim_sizeof_node_barn(const struct slab_env *env);
uint64_t sim_sizeof_slab_sheaf(const struct slab_env *env, unsigned capacity);

#endif
