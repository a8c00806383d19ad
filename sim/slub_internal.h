/* Shared between the lifecycle files (slub.c, slub_debug.c, alloc.c); not installed. */
#ifndef SLUBSIM_SLUB_INTERNAL_H
#define SLUBSIM_SLUB_INTERNAL_H

#include <string.h>

#include "sim.h"

/* SLUB's byte patterns (include/linux/poison.h) */
#define SLUB_RED_INACTIVE 0xbb
#define SLUB_RED_ACTIVE 0xcc
#define POISON_INUSE 0x5a
#define POISON_FREE 0x6b
#define POISON_END 0xa5

static inline struct kmem_cache *slab_cache(const struct sim *sim, const struct slab *slab)
{
	return sim->caches[slab->cache];
}

static inline uint32_t slab_index(const struct sim *sim, const struct slab *slab)
{
	return (uint32_t)(slab - sim->slabs);
}

/* folio_address(): slab_address() for the lifecycle's own use, inlined */
static inline uint64_t slab_base(const struct sim *sim, const struct slab *slab)
{
	return pfn_to_addr(&sim->pa, slab->pfn);
}

static inline struct slab *slab_at(const struct sim *sim, uint32_t i)
{
	return i == SLAB_NONE ? NULL : &sim->slabs[i];
}

/* fixup_red_left(): object 0 starts after the left red zone */
static inline uint64_t slab_obj(const struct sim *sim, const struct slab *slab, unsigned i)
{
	const struct kmem_cache *s = slab_cache(sim, slab);

	return slab_base(sim, slab) + s->red_left_pad + (uint64_t)i * s->size;
}

/* Host pointer for @addr inside @slab (caller checked the range). */
static inline unsigned char *slab_bytes(const struct sim *sim, const struct slab *slab, uint64_t addr)
{
	return slab->data + (addr - slab_base(sim, slab));
}

/*
 * One bit per object, stored after the slab's bytes: set when the object's
 * bytes may differ from zero outside its free pointer word. A clean object
 * needs no memset() for init_on_alloc (init_object_zero()), which would
 * otherwise be most of the cost of replaying a long trace.
 */
static inline uint64_t *slab_dirty(const struct sim *sim, const struct slab *slab)
{
	return (uint64_t *)(slab->data + ((size_t)sim->env.ac.page_size << slab->order));
}

/* Bytes to allocate for a slab's data: its pages and the dirty bits. */
static inline size_t slab_data_size(const struct sim *sim, unsigned order, unsigned objects)
{
	return ((size_t)sim->env.ac.page_size << order) + (objects + 63) / 64 * sizeof(uint64_t);
}

/*
 * Inline: every kmalloc() and kfree() goes through these, several times.
 */

/* mm/slab.h virt_to_slab(): the slab holding @addr, or NULL */
static inline struct slab *virt_to_slab(const struct sim *sim, uint64_t addr)
{
	uint32_t pfn = addr_to_pfn(&sim->pa, addr);

	if (pfn == PFN_NONE || sim->pa.pages[pfn].use != PAGE_SLAB)
		return NULL;
	return &sim->slabs[sim->pa.pages[pfn].owner];
}

/* mm/slab.h obj_to_index(): the index of the object slot @object falls in, -1 outside the slots */
static inline int slab_obj_index(const struct sim *sim, const struct slab *slab, uint64_t object)
{
	const struct kmem_cache *s = slab_cache(sim, slab);
	uint64_t base = slab_base(sim, slab) + s->red_left_pad, off = object - base;

	if (object < base || off >= (uint64_t)slab->objects * s->size)
		return -1;
	/*
	 * reciprocal_divide(), no division: with ceil(2^64 / size) the
	 * quotient is exact for offsets below 2^32.
	 */
	if (s->reciprocal_size && off < (1ull << 32))
		return (int)(uint64_t)(((unsigned __int128)off * s->reciprocal_size) >> 64);
	return (int)(off / s->size);
}

/* mm/slub.c check_valid_pointer(): NULL, or an object start inside @slab */
static inline int check_valid_pointer(const struct sim *sim, const struct slab *slab, uint64_t object)
{
	int i;

	if (!object)
		return 1;
	i = slab_obj_index(sim, slab, object);
	return i >= 0 && slab_obj(sim, slab, (unsigned)i) == object;
}
uint64_t get_freepointer(const struct sim *sim, const struct kmem_cache *s, uint64_t object);
void set_freepointer_raw(struct sim *sim, const struct kmem_cache *s, uint64_t object, uint64_t fp);

/* Operation bookkeeping and fault reports (slub_debug.c). */

/* Every public operation starts its record here (inline: once per kmalloc and kfree). */
static inline struct sim_op *op_begin(struct sim *sim, struct sim_op *op, unsigned cpu)
{
	if (!op)
		op = &sim->scratch_op;
	memset(op, 0, sizeof(*op));
	op->slot = -1;
	op->cpu = cpu;
	sim->op = op;
	sim->fault_len = 0;
	sim->fault_text[0] = '\0';
	return op;
}
void sim_emit(struct sim *sim, const struct sim_event *ev);
/* slab_bug() + body + optional FIX line; records the fault in the current op */
void report_fault(struct sim *sim, enum sim_fault fault, const struct kmem_cache *s, const struct slab *slab,
		  uint64_t object, const char *title, const char *body, const char *fix);

/* mm/slub.c slab_out_of_memory() */
void report_slab_oom(struct sim *sim, const struct kmem_cache *s);

/* Debug object handling (slub_debug.c). */
void setup_slab_debug(struct sim *sim, struct slab *slab);
void setup_object_debug(struct sim *sim, struct slab *slab, uint64_t object);
int alloc_debug_processing(struct sim *sim, struct slab *slab, uint64_t object, uint64_t orig_size);
int free_debug_checks(struct sim *sim, struct slab *slab, uint64_t object);
void free_debug_finish(struct sim *sim, struct slab *slab, uint64_t object);
void set_orig_size(struct sim *sim, const struct slab *slab, uint64_t object, uint64_t orig_size);
uint64_t get_orig_size(const struct sim *sim, const struct slab *slab, uint64_t object);
void init_object(struct sim *sim, struct slab *slab, uint64_t object, unsigned char val);

/* Allocation and free paths (slub.c). */
uint64_t slab_alloc(struct sim *sim, struct kmem_cache *s, unsigned cpu, gfp_t flags, uint64_t orig_size);
void slab_free(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t object, unsigned cpu);
/* mm/slub.c free_partial(): discard the (empty) node partial slabs of a dying cache */
void free_partial(struct sim *sim, struct kmem_cache *s);
int kmem_cache_has_live_objects(const struct sim *sim, const struct kmem_cache *s);
void slub_cache_release(struct sim *sim, struct kmem_cache *s);
/* Copy the lifecycle state (pages, slabs, large blocks, per-cache cpu/node) of @src into @dst. */
int slub_clone(struct sim *dst, const struct sim *src);
int slub_cache_clone(const struct sim *src, struct kmem_cache *dst, const struct kmem_cache *s);

#endif
