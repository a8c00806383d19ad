/*
 * struct kmem_cache and its geometry: what /sys/kernel/slab/<cache>/ shows.
 * The names follow include/linux/slub_def.h.
 */
#ifndef SLUBSIM_SLAB_H
#define SLUBSIM_SLAB_H

#include <stdint.h>

#include "arch.h"
#include "slab_flags.h"

#define MAX_OBJS_PER_PAGE 32767u	/* slab->objects is 15 bits */
#define MIN_PARTIAL 5u
#define MAX_PARTIAL 10u
#define PAGE_ALLOC_COSTLY_ORDER 3u

struct kmem_cache_order_objects {
	unsigned order;
	unsigned objects;
};

struct slub_cpu;	/* per-CPU state, sim/slub.c */
struct slub_node;	/* per-node state, sim/slub.c */
struct slub_sheaves;	/* 6.18+ percpu sheaves, sim/sheaf.c */

struct kmem_cache {
	char *name;
	slab_flags_t flags;
	unsigned object_size;		/* what the user asked for */
	unsigned size;			/* the slot: object plus metadata plus alignment */
	uint64_t reciprocal_size;	/* ceil(2^64 / size): an object's index without a division */
	unsigned align;
	unsigned inuse;			/* end of object and right red zone */
	unsigned offset;		/* free pointer offset */
	unsigned red_left_pad;
	struct kmem_cache_order_objects oo;	/* preferred slab order */
	struct kmem_cache_order_objects min;	/* fallback when the preferred order fails */
	unsigned min_partial;
	unsigned cpu_partial;		/* objects */
	unsigned cpu_partial_slabs;
	int refcount;			/* -1: never merged */
	unsigned useroffset, usersize;
	int has_ctor;
	uint64_t random;		/* SLAB_FREELIST_HARDENED key */
	unsigned *random_seq;		/* SLAB_FREELIST_RANDOM: slot indices, oo.objects of them */

	int kmalloc_type;		/* enum kmalloc_type, -1 for other caches */
	unsigned kmalloc_idx;
	char *unique_id;		/* sysfs directory of a mergeable cache, ":0000064" */
	char **alias_names;		/* names merged into this cache */
	unsigned nr_aliases;

	unsigned index;			/* position in sim->caches */
	int dead;			/* destroyed: kept only so indexes stay valid */
	uint64_t self_obj;		/* its struct kmem_cache, an object of the kmem_cache cache */
	uint64_t node_obj;		/* its struct kmem_cache_node */
	unsigned sheaf_capacity;	/* 6.18+: objects per percpu sheaf, 0 without sheaves */
	uint64_t barn_obj;		/* 6.18+ sheaves: the node's struct node_barn, a kmalloc object */
	struct slub_sheaves *sheaves;	/* 6.18+: the percpu sheaves and the barn (sim/sheaf.c), NULL without */
	struct slub_cpu *cpu;		/* lifecycle state, one per CPU */
	struct slub_node *node;
};

/* The slab-relevant environment of one simulated kernel, derived from the config. */
struct slab_env {
	unsigned kver;
	struct arch_consts ac;
	unsigned cpus;			/* num_present_cpus() */
	unsigned nr_cpu_ids;
	unsigned nodes;
	unsigned slub_min_order;
	unsigned slub_max_order;
	unsigned slub_min_objects;
	unsigned track_size;		/* sizeof(struct track) */
	int cpu_partial_enabled;	/* CONFIG_SLUB_CPU_PARTIAL */
	int disable_higher_order_debug;
	slab_flags_t slub_debug;	/* global flags */
	const char *slub_debug_string;	/* per-cache blocks */
};

/* The counters /sys/kernel/slab/<cache>/ and /proc/slabinfo show (mm/slub.c show_slab_objects()). */
struct cache_stats {
	uint64_t slabs;			/* n->nr_slabs */
	uint64_t total_objects;		/* n->total_objects */
	uint64_t objects;		/* active: total minus free objects on node partial lists */
	uint64_t partial;		/* n->nr_partial */
	uint64_t objects_partial;	/* inuse of node partial slabs */
	uint64_t cpu_slabs;		/* cpu slabs plus the slabs on cpu partial lists */
	uint64_t cpu_partial_slabs;	/* slabs on cpu partial lists, all CPUs */
	uint64_t cpu_partial_objects;	/* their objects as slabs_cpu_partial counts them */
	uint64_t sheaf_objects;		/* 6.18+: objects in percpu sheaves, counted in objects */
};

/* mm/slab_common.c calculate_alignment() */
unsigned calculate_alignment(const struct slab_env *env, slab_flags_t flags, unsigned align, unsigned size);
/* mm/slub.c calculate_order(): the slab order for slots of @size, or -1 (-ENOSYS) */
int calculate_order(const struct slab_env *env, unsigned size);
/* mm/slub.c order_objects() */
unsigned order_objects(const struct slab_env *env, unsigned order, unsigned size);
/*
 * mm/slub.c kmem_cache_open(): from name, object_size, align, flags (and
 * has_ctor, usersize) set by the caller, apply the debug flags and compute the
 * layout, orders, min_partial and cpu_partial. Returns 0 or -1 (no order fits).
 */
int kmem_cache_open_geometry(const struct slab_env *env, struct kmem_cache *s);
/* mm/slab.h kmem_cache_debug() */
static inline int kmem_cache_debug(const struct kmem_cache *s)
{
	return (s->flags & SLAB_DEBUG_FLAGS) != 0;
}
/* mm/slub.c freeptr_outside_object() */
static inline int freeptr_outside_object(const struct kmem_cache *s)
{
	return s->offset >= s->inuse;
}
/* mm/slub.c slub_debug_orig_size(): kmalloc caches with U track the requested size */
static inline int slub_debug_orig_size(const struct kmem_cache *s)
{
	return (s->flags & SLAB_STORE_USER) && (s->flags & SLAB_KMALLOC);
}
/* mm/slub.c get_info_end(): where the tracks start */
unsigned get_info_end(const struct slab_env *env, const struct kmem_cache *s);
/* The size of the orig_size field after the tracks: unsigned int, unsigned long since 222afcca91f3 */
unsigned orig_size_bytes(const struct slab_env *env);
/*
 * A slot of @s from its start, as mm/slub.c calculate_sizes() lays it out
 * (the parts add up to s->size): what a picture of the slot shows.
 */
struct slot_layout {
	unsigned red_left;	/* red_left_pad: the left red zone */
	unsigned object;	/* object_size */
	unsigned after_object;	/* inuse - object_size: red zone with SLAB_RED_ZONE, else alignment */
	unsigned freeptr;	/* the free pointer's word after the object (freeptr_outside_object()), else 0 */
	unsigned track;		/* two struct track, with SLAB_STORE_USER */
	unsigned orig_size;	/* the requested size, on kmalloc caches with SLAB_STORE_USER */
	unsigned pad;		/* the rest, red zone padding included */
};
void slot_layout(const struct slab_env *env, const struct kmem_cache *s, struct slot_layout *l);
/* The largest power of two that divides every object address of @s. */
uint64_t kmem_cache_slot_align(const struct slab_env *env, const struct kmem_cache *s);
/* mm/slub.c slab_ksize(): what ksize() reports for an object of @s */
unsigned slab_ksize(const struct kmem_cache *s);

#endif
