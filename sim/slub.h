/*
 * SLUB's object lifecycle on simulated pages (mm/slub.c @6.1): per-CPU cpu
 * slabs with lockless freelists and cpu partial lists, the node partial list,
 * debug caches on the single-object paths, and the allocation API built on
 * them. Links between model objects are indexes, so a whole model can be
 * cloned for checkpoints.
 */
#ifndef SLUBSIM_SLUB_H
#define SLUBSIM_SLUB_H

#include <stdint.h>

#include "gfp.h"
#include "sheaf.h"
#include "slab.h"

struct sim;

#define SLAB_NONE UINT32_MAX
#define ZERO_SIZE_PTR 16ull
#define ZERO_OR_NULL_PTR(x) ((uint64_t)(x) <= ZERO_SIZE_PTR)

/* Where a slab is: the list it is on, or the CPU that owns it. */
enum slab_state {
	SLAB_FULL,		/* on no list (or n->full for debug caches with U) */
	SLAB_CPU,		/* a CPU's cpu slab */
	SLAB_CPU_PARTIAL,	/* on a CPU's cpu partial list */
	SLAB_NODE_PARTIAL,	/* on the node partial list */
	SLAB_DEBUG_FULL,	/* on n->full (debug caches with SLAB_STORE_USER) */
};

/* struct slab (mm/slab.h) */
struct slab {
	uint32_t pfn;
	uint8_t order;
	uint8_t frozen;
	uint8_t state;		/* enum slab_state */
	uint8_t live;		/* this pool entry holds a slab */
	uint16_t objects;
	uint16_t inuse;
	uint32_t cache;		/* index in sim->caches */
	uint32_t cpu;		/* owner for SLAB_CPU and SLAB_CPU_PARTIAL */
	uint32_t next, prev;	/* list links: node lists, or cpu partial (next) */
	uint32_t slabs;		/* head of a cpu partial list: its length */
	uint8_t dirty;		/* some object's bit in slab_dirty() was set: read them */
	uint64_t freelist;	/* first free object, 0 for none */
	uint64_t serial;	/* creation order, for display */
	unsigned char *data;	/* the slab's bytes, PAGE_SIZE << order of them, then slab_dirty() */
};

/* struct kmem_cache_cpu */
struct slub_cpu {
	uint64_t freelist;
	uint32_t slab;
	uint32_t partial;
};

/* struct kmem_cache_node (one node) */
struct slub_node {
	uint32_t partial_head, partial_tail;
	uint64_t nr_partial;
	uint32_t full_head, full_tail;
	uint64_t nr_slabs;
	uint64_t total_objects;
};

/* A large kmalloc: pages straight from the buddy allocator. */
struct large_block {
	uint32_t pfn;
	uint8_t order;
	uint8_t live;
	uint64_t size;		/* requested */
	unsigned char *data;	/* allocated on first access */
};

enum sim_path {
	PATH_NONE,
	PATH_FASTPATH,		/* pop c->freelist */
	PATH_REFILL,		/* get_freelist(): the cpu slab's own freelist */
	PATH_CPU_PARTIAL,	/* a slab from the cpu partial list */
	PATH_NODE_PARTIAL,	/* get_partial_node() */
	PATH_NEW_SLAB,		/* new_slab() */
	PATH_NEW_SLAB_FALLBACK,	/* new_slab() at s->min after the preferred order failed */
	PATH_DEBUG_PARTIAL,	/* alloc_single_from_partial() */
	PATH_DEBUG_NEW_SLAB,	/* alloc_single_from_new_slab() */
	PATH_LARGE,		/* kmalloc_large(): whole pages */
	PATH_ZERO,		/* kmalloc(0) is ZERO_SIZE_PTR */
	PATH_FAILED,		/* NULL */
	PATH_FREE_FAST,		/* onto c->freelist of this CPU's cpu slab */
	PATH_FREE_FROZEN,	/* onto a frozen slab's freelist (another CPU's cpu slab or cpu partial) */
	PATH_FREE_CPU_PARTIAL,	/* a full slab frozen onto this CPU's partial list */
	PATH_FREE_PARTIAL,	/* onto a slab that stays where it is */
	PATH_FREE_ADD_PARTIAL,	/* a full slab back on the node partial list */
	PATH_FREE_DISCARD,	/* the slab became empty and went back to the page allocator */
	PATH_FREE_DEBUG,	/* free_to_partial_list() */
	PATH_FREE_LARGE,	/* free_large_kmalloc() */
	PATH_FREE_NOOP,		/* NULL or ZERO_SIZE_PTR */
	PATH_FREE_RCU,		/* kfree_rcu(): queued until the next rcu_barrier */
	PATH_FREE_REJECTED,	/* not freed: a fault was reported */
	PATH_REALLOC_IN_PLACE,	/* krealloc kept the object */
	PATH_REALLOC_MOVED,	/* krealloc allocated, copied and freed */
	PATH_SHEAF,		/* 6.18+ alloc_from_pcs(): the top of this CPU's main sheaf */
	PATH_SHEAF_REFILL,	/* alloc_from_pcs() after refilling a sheaf from the slabs */
	PATH_FREE_SHEAF,	/* 6.18+ free_to_pcs(): onto this CPU's main sheaf */
	NR_PATHS
};

enum sim_fault {
	FAULT_NONE,
	FAULT_OBJECT_ALREADY_FREE,	/* "Object already free" (debug) */
	FAULT_BUG_DOUBLE_FREE,		/* BUG_ON(object == fp) in set_freepointer() */
	FAULT_REDZONE,			/* "Left/Right Redzone overwritten" */
	FAULT_POISON,			/* "Poison overwritten" / "End Poison overwritten" */
	FAULT_PADDING,			/* "Object padding overwritten" / "Alignment padding" */
	FAULT_FREEPTR,			/* "Freepointer corrupt" */
	FAULT_FREECHAIN,		/* a freelist that does not end */
	FAULT_INVALID_POINTER,		/* "Invalid object pointer 0x..." */
	FAULT_WRONG_CACHE,		/* "kmem_cache_free: Wrong slab cache" */
	FAULT_BAD_PAGE,			/* kfree() of memory no allocation owns */
	FAULT_OBJECTS_REMAINING,	/* kmem_cache_destroy() with live objects */
	FAULT_ALLOC_FAILED,		/* "SLUB: Unable to allocate memory" / page allocation failure */
	FAULT_TOO_LARGE,		/* WARN: order above MAX_PAGE_ORDER */
	FAULT_SLAB_PADDING,		/* "Padding overwritten": the slab's tail (slab_pad_check()) */
	FAULT_SLAB_COUNTERS,		/* a slab's counters disagree with its freelist (on_freelist(), check_slab()) */
	NR_FAULTS
};

/* What one operation did: the path it took and where the object lives. */
struct sim_op {
	enum sim_path path;
	enum sim_path alloc_path;	/* krealloc: how the new object was allocated */
	enum sim_path free_path;	/* krealloc: how the old object was freed */
	uint64_t addr;			/* the object (allocated, freed, or kept) */
	uint64_t old_addr;		/* krealloc: the object passed in */
	const struct kmem_cache *cache;	/* NULL for large kmalloc, ZERO_SIZE_PTR, NULL */
	uint64_t slab;			/* address of the object's slab, 0 if none */
	int slot;			/* index in the slab, -1 if none */
	unsigned order;			/* page order of the slab or large block */
	unsigned cpu;
	uint64_t bytes_alloc;		/* what trace_kmalloc reports: s->size or PAGE_SIZE << order */
	unsigned new_slabs;		/* slabs allocated by this operation */
	unsigned discarded_slabs;	/* slabs freed by this operation */
	enum sim_fault fault;		/* the first fault reported, FAULT_NONE if none */
	unsigned nr_faults;
	const char *fault_text;		/* all reports of this operation (valid until the next one) */
};

/* Fine-grained events for observers (the TUI, ftrace-style output). */
enum sim_event_kind {
	EV_PAGE_ALLOC,		/* mm_page_alloc */
	EV_PAGE_FREE,		/* mm_page_free */
	EV_SLAB_NEW,
	EV_SLAB_DISCARD,
	EV_SLAB_MOVE,		/* a slab changed state (list) */
	EV_FAULT,
};

struct sim_event {
	enum sim_event_kind kind;
	const struct kmem_cache *cache;
	uint64_t addr;		/* page or slab address */
	unsigned order;
	enum slab_state from, to;
	unsigned cpu;
	enum sim_fault fault;
	const char *text;	/* EV_FAULT: the report */
};

typedef void (*sim_observer_fn)(void *ctx, const struct sim_event *ev);
void sim_set_observer(struct sim *sim, sim_observer_fn fn, void *ctx);

/*
 * The allocation API. @cpu < cfg.cpus. @op may be NULL. @caller is the call
 * site; only random kmalloc caches look at it (sim_kmalloc_uses_caller()).
 */
uint64_t sim_kmalloc(struct sim *sim, unsigned cpu, uint64_t size, gfp_t flags, uint64_t caller, struct sim_op *op);
void sim_kfree(struct sim *sim, unsigned cpu, uint64_t addr, struct sim_op *op);
/* __do_kmalloc_node()'s slab path on a cache chosen elsewhere (kmem_buckets): @size is orig_size */
uint64_t sim_kmalloc_from(struct sim *sim, unsigned cpu, struct kmem_cache *s, uint64_t size, gfp_t flags,
			  struct sim_op *op);
/* Whether kmalloc's cache depends on the call site: a caller may skip computing one otherwise. */
int sim_kmalloc_uses_caller(const struct sim *sim);
/* ksize(): 0 for NULL and ZERO_SIZE_PTR and for addresses no allocation owns */
uint64_t sim_ksize(const struct sim *sim, uint64_t addr);
/* ksize() as a caller calls it: sim_ksize(), and 6.2+ the caller owns all of it (skip_orig_size_check()) */
uint64_t sim_ksize_claim(struct sim *sim, uint64_t addr);
/*
 * krealloc() of the modelled version; 6.18+: krealloc_node_align() with @align
 * (1 otherwise). A new object comes from kmalloc_track_caller(): with random
 * kmalloc caches (6.6+) @caller, krealloc's own call site, picks the copy.
 */
uint64_t sim_krealloc_caller(struct sim *sim, unsigned cpu, uint64_t p, uint64_t new_size, gfp_t flags,
			     uint64_t align, uint64_t caller, struct sim_op *op);
/* krealloc() from one fixed call site (a helper such as rust_helper_krealloc(): caller 0) */
uint64_t sim_krealloc(struct sim *sim, unsigned cpu, uint64_t p, uint64_t new_size, gfp_t flags, uint64_t align,
		      struct sim_op *op);
uint64_t sim_kmem_cache_alloc(struct sim *sim, unsigned cpu, struct kmem_cache *s, gfp_t flags, struct sim_op *op);
void sim_kmem_cache_free(struct sim *sim, unsigned cpu, struct kmem_cache *s, uint64_t addr, struct sim_op *op);
/*
 * kmalloc() of @size bytes straight from @s (kmalloc_trace(), 6.10+
 * __kmalloc_cache_noprof()): orig_size is @size, which must not exceed
 * s->object_size.
 */
uint64_t sim_kmalloc_trace(struct sim *sim, unsigned cpu, struct kmem_cache *s, uint64_t size, gfp_t flags,
			   struct sim_op *op);
/* kmem_cache_destroy(): 0, or -1 with a fault when objects remain (the cache then stays) */
int sim_kmem_cache_destroy(struct sim *sim, struct kmem_cache *s, struct sim_op *op);
/*
 * kfree_rcu(): queue @addr to be freed after a grace period, which comes at
 * sim_rcu_barrier() (rcu_barrier() + kvfree_rcu_barrier()) or, 6.12+, at
 * kmem_cache_destroy(). 0, or -SIM_ENOMEM.
 */
int sim_kfree_rcu(struct sim *sim, unsigned cpu, uint64_t addr, struct sim_op *op);
void sim_rcu_barrier(struct sim *sim, struct sim_op *op);
/* Objects queued by kfree_rcu() and not freed yet. */
uint32_t sim_rcu_pending(const struct sim *sim);
/*
 * validate_slab_cache(), what writing 1 to /sys/kernel/slab/<cache>/validate
 * does: flush the cpu slabs, check every slab on the node lists, report and
 * repair. The number of slabs checked, or -SIM_EINVAL for a cache without
 * debug flags (sysfs refuses the write), -SIM_ENOMEM.
 */
long sim_validate_cache(struct sim *sim, struct kmem_cache *s, struct sim_op *op);
/*
 * The errors SLUB counted so far, as lib/slub_kunit.c's slab_errors counts them
 * (slab_add_kunit_errors()): each report, and each FIX line, is one error.
 */
uint64_t sim_slab_errors(const struct sim *sim);
/* flush_all(): deactivate every cpu slab and cpu partial list of @s (kmem_cache_shrink's first half) */
void sim_flush_cache(struct sim *sim, struct kmem_cache *s);
/*
 * kmem_cache_shrink(), what writing 1 to /sys/kernel/slab/<cache>/shrink does:
 * flush_all(), 6.18+ the sheaves' barn, then the node partial list's empty
 * slabs freed and the fullest moved to its head. 1 if slabs remain, 0 if
 * none, -SIM_ENOMEM.
 */
int sim_kmem_cache_shrink(struct sim *sim, struct kmem_cache *s, struct sim_op *op);

/* Host bytes of [addr, addr + len) if they lie inside one live slab or large block, else NULL. */
unsigned char *sim_mem(struct sim *sim, uint64_t addr, uint64_t len);

/* Where @addr lives. */
enum sim_obj_kind {
	SIM_OBJ_NONE,			/* no object of the model */
	SIM_OBJ_SLAB,			/* in a slab */
	SIM_OBJ_LARGE,			/* a large kmalloc: pages from the page allocator */
};
struct sim_obj_info {
	enum sim_obj_kind kind;
	const struct kmem_cache *cache;
	const struct slab *slab;
	uint64_t slab_addr;
	uint64_t object;		/* start of the object @addr falls in */
	int slot;
	int on_boundary;		/* @addr is the object's start */
	int free;			/* on the slab freelist or a cpu freelist */
	enum sheaf_where sheaf;		/* 6.18+: held in a percpu sheaf (allocated for the slab) */
	unsigned sheaf_cpu;		/* whose, for a CPU's sheaf */
	unsigned order;
	uint64_t size;			/* large: PAGE_SIZE << order */
};
void sim_lookup(const struct sim *sim, uint64_t addr, struct sim_obj_info *info);

/* mm/slub.c show_slab_objects() totals for @s */
void kmem_cache_stats(const struct sim *sim, const struct kmem_cache *s, struct cache_stats *st);
/* mm/slub.c slabs_cpu_partial_show(): slabs on one CPU's cpu partial list (head->slabs) */
unsigned kmem_cache_cpu_partial_slabs(const struct sim *sim, const struct kmem_cache *s, unsigned cpu);
/* The slab at pool index @i, NULL if the entry is unused. */
const struct slab *sim_slab(const struct sim *sim, uint32_t i);
uint64_t slab_address(const struct sim *sim, const struct slab *slab);
/* mm/slub.c get_freepointer(): decode the free pointer stored in @object */
uint64_t sim_get_freepointer(const struct sim *sim, const struct kmem_cache *s, uint64_t object);
const char *sim_path_name(enum sim_path path);
const char *sim_fault_name(enum sim_fault fault);

/* Lifecycle state of the caches; called by sim_create()/sim_destroy(). */
int slub_init(struct sim *sim);
int slub_cache_init(struct sim *sim, struct kmem_cache *s);
void slub_release(struct sim *sim);

#endif
