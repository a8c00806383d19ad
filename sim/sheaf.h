/*
 * 6.18+ percpu sheaves (mm/slub.c, "SLUB percpu sheaves"): a cache created
 * with kmem_cache_args.sheaf_capacity keeps, per CPU, a main and a spare
 * array of object pointers in front of its cpu slabs, and per node a barn
 * of full and empty sheaves. Allocations pop the main sheaf, frees push
 * onto it; slabs only see the refills and flushes in between.
 */
#ifndef SLUBSIM_SHEAF_H
#define SLUBSIM_SHEAF_H

#include <stdint.h>

#include "gfp.h"

struct sim;
struct kmem_cache;

#define SHEAF_NONE UINT32_MAX

/* struct slab_sheaf: its objects live in slub_sheaves.objs, capacity per pool entry */
struct sheaf {
	uint64_t addr;		/* the kmalloc object that holds it */
	uint32_t size;		/* objects in it */
	uint32_t next;		/* barn list link; the pool's free chain when unused */
};

/* struct slub_percpu_sheaves */
struct sheaf_cpu {
	uint32_t main;		/* never SHEAF_NONE once the cache is set up */
	uint32_t spare;		/* empty or full, may be SHEAF_NONE */
	uint32_t rcu_free;	/* batching kfree_rcu() */
};

/* struct node_barn: both lists are stacks (list_add() and list_first_entry()) */
struct sheaf_barn {
	uint32_t full, empty;
	unsigned nr_full, nr_empty;
};

struct slub_sheaves {
	unsigned capacity;	/* s->sheaf_capacity */
	unsigned nr_cpus;	/* nr_cpu_ids: every possible CPU has a main sheaf */
	struct sheaf *pool;
	uint64_t *objs;		/* pool entry i's objects at i * capacity */
	uint32_t nr, cap, free;
	struct sheaf_cpu *pcs;
	struct sheaf_barn barn;	/* the one node's */
};

/* mm/slub.c MAX_FULL_SHEAVES, MAX_EMPTY_SHEAVES */
#define MAX_FULL_SHEAVES 10u
#define MAX_EMPTY_SHEAVES 10u
/* mm/slub.c PCS_BATCH_MAX: sheaf_flush_main() frees at most this many objects at a time */
#define PCS_BATCH_MAX 32u

struct slab_env;

/*
 * The sheaf_capacity the kernel's own cache @name asks for in kmem_cache_args
 * on the modelled version: 0 for other caches and before 6.18.
 */
unsigned kernel_sheaf_capacity(const struct slab_env *env, const char *name);

/* Host state for @s's sheaves (do_kmem_cache_create()); the kernel structures come with sheaves_init_main(). */
struct slub_sheaves *sheaves_create(unsigned nr_cpus, unsigned capacity);
void sheaves_release(struct slub_sheaves *sh);
struct slub_sheaves *sheaves_clone(const struct slub_sheaves *sh);
/* mm/slub.c init_percpu_sheaves(): an empty main sheaf, a kmalloc object, for each possible CPU */
void sheaves_init_main(struct sim *sim, struct kmem_cache *s);
/* The address of @cpu's main sheaf, 0 if none. */
uint64_t sheaf_main_addr(const struct kmem_cache *s, unsigned cpu);
/* The objects in sheaf @i of @s (a kfree_rcu() queue entry's). */
unsigned sheaf_size(const struct kmem_cache *s, uint32_t i);
/* The objects kfree_rcu() gathered in the CPUs' rcu_free sheaves, not yet handed to call_rcu(). */
uint64_t sheaves_rcu_free_objects(const struct kmem_cache *s);
/* The objects in @cpu's main and spare sheaves. */
void sheaves_cpu_sizes(const struct kmem_cache *s, unsigned cpu, unsigned *main, unsigned *spare);
/* Objects of @s held in sheaves: all CPUs' and the barn's, and the kfree_rcu() batches. */
uint64_t sheaves_objects(const struct kmem_cache *s);
/* Which sheaf holds an object (allocated from its slab's view) */
enum sheaf_where {
	SHEAF_IN_NONE,
	SHEAF_IN_MAIN,		/* a CPU's main sheaf: its next allocations take it */
	SHEAF_IN_SPARE,		/* a CPU's spare sheaf */
	SHEAF_IN_RCU_FREE,	/* a CPU's rcu_free sheaf, filling with kfree_rcu() objects */
	SHEAF_IN_BARN,		/* a full sheaf of the barn */
	SHEAF_IN_RCU_PENDING,	/* a kfree_rcu() sheaf waiting for the grace period */
};
/* Where @object is among @s's sheaves; @cpu is set for a CPU's sheaf. */
enum sheaf_where sheaves_find(const struct kmem_cache *s, uint64_t object, unsigned *cpu);
/* Whether @object is held in one of @s's sheaves. */
int sheaves_hold(const struct kmem_cache *s, uint64_t object);

/* mm/slub.c slab_alloc_node(): alloc_from_pcs() first, the cpu slabs when it gives nothing */
uint64_t sheaf_alloc(struct sim *sim, struct kmem_cache *s, unsigned cpu, gfp_t gfp, uint64_t orig_size);
/* mm/slub.c free_to_pcs(): after slab_free_hook(); 0 when the object went to the slabs after all */
int free_to_pcs(struct sim *sim, struct kmem_cache *s, uint64_t object, unsigned cpu);
/* mm/slub.c pcs_flush_all() on @cpu: flush_cpu_slab()'s first half */
void pcs_flush_cpu(struct sim *sim, struct kmem_cache *s, unsigned cpu);
/* mm/slub.c barn_shrink(): __kmem_cache_shutdown() and __kmem_cache_do_shrink() */
void barn_shrink(struct sim *sim, struct kmem_cache *s);
/* mm/slub.c pcs_destroy() and the barn's kfree() in free_kmem_cache_nodes() */
void sheaves_destroy(struct sim *sim, struct kmem_cache *s);

/* mm/slub.c __kfree_rcu_sheaf(): 1 if @object was batched into the rcu_free sheaf */
int kfree_rcu_sheaf(struct sim *sim, struct kmem_cache *s, uint64_t object, unsigned cpu);
/* The grace period of a batched sheaf is over: rcu_free_sheaf(), or with @nobarn rcu_free_sheaf_nobarn() */
void rcu_free_sheaf(struct sim *sim, struct kmem_cache *s, uint32_t sheaf, unsigned cpu, int nobarn);
/* mm/slub.c flush_rcu_sheaf() on every CPU: kvfree_rcu_barrier()'s flush_all_rcu_sheaves() */
void flush_rcu_sheaves(struct sim *sim, struct kmem_cache *s);

#endif
