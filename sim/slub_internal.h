/* Shared between the lifecycle files (slub.c, slub_debug.c, alloc.c); not installed. */
#ifndef SLUBSIM_SLUB_INTERNAL_H
#define SLUBSIM_SLUB_INTERNAL_H

#include <string.h>

#include "sheaf.h"
#include "sim.h"
#include "util.h"

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
	const struct page *pg = pfn == PFN_NONE ? NULL : page_peek(&sim->pa, pfn);

	if (!pg || pg->use != PAGE_SLAB)
		return NULL;
	return &sim->slabs[pg->owner];
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

/* @object is the start of slot @idx (slab_obj_index() of it), not inside it or outside the slots */
static inline int slab_obj_starts(const struct sim *sim, const struct slab *slab, int idx, uint64_t object)
{
	return idx >= 0 && slab_obj(sim, slab, (unsigned)idx) == object;
}

/* mm/slub.c check_valid_pointer(): NULL, or an object start inside @slab */
static inline int check_valid_pointer(const struct sim *sim, const struct slab *slab, uint64_t object)
{
	return !object || slab_obj_starts(sim, slab, slab_obj_index(sim, slab, object), object);
}
uint64_t get_freepointer(const struct sim *sim, const struct kmem_cache *s, uint64_t object);
void set_freepointer_raw(struct sim *sim, const struct kmem_cache *s, uint64_t object, uint64_t fp);

/* Operation bookkeeping and fault reports (slub_debug.c). */

/* Every public operation starts its record here (inline: once per kmalloc and kfree). */
static inline struct sim_op *op_begin(struct sim *sim, struct sim_op *op, unsigned cpu)
{
	if (!op)
		op = &sim->scratch_op;
	zero_small(op, sizeof(*op));
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
/* mm/slub.c check_object(): 1 if the object's debug areas are intact; reports and repairs */
int check_object(struct sim *sim, struct slab *slab, uint64_t object, unsigned char val);

/* A kfree_rcu() waiting for its grace period (kfree_rcu.c): an object, or 6.18+ a sheaf of them */
enum rcu_kind { RCU_OBJECT, RCU_SHEAF, RCU_SHEAF_NOBARN };
struct rcu_pending {
	uint64_t addr;
	unsigned cpu;
	uint8_t kind;			/* enum rcu_kind */
	uint32_t cache, sheaf;		/* RCU_SHEAF*: the cache's index and its sheaf */
};
/* call_rcu() of a sheaf of @s: rcu_free_sheaf(), or with @nobarn rcu_free_sheaf_nobarn() */
void rcu_queue_sheaf(struct sim *sim, struct kmem_cache *s, uint32_t sheaf, unsigned cpu, int nobarn);
/* kvfree_rcu_barrier() inside the current operation */
void rcu_barrier_frees(struct sim *sim, const struct kmem_cache *only);
/* kfree() inside another operation, keeping the outer record (alloc.c) */
enum sim_path nested_kfree(struct sim *sim, unsigned cpu, uint64_t addr);
/* kmalloc() inside another operation, keeping the outer record (alloc.c): the address, 0 on failure */
uint64_t nested_kmalloc(struct sim *sim, unsigned cpu, uint64_t size, gfp_t flags);

/* Consistency walks (validate.c). */

/* mm/slub.c check_slab(): the slab's counters, whether it is disabled, its tail padding; 1 if usable */
int check_slab(struct sim *sim, const struct kmem_cache *s, struct slab *slab);
/* mm/slub.c on_freelist(): is @search on the slab freelist (0: walk it all)? Reports and repairs. */
int on_freelist(struct sim *sim, struct slab *slab, uint64_t search);
/* mm/slub.c list_slab_objects(): the leak report of a slab kmem_cache_destroy() cannot free */
void list_slab_objects(struct sim *sim, struct kmem_cache *s, struct slab *slab);

/*
 * Allocation and free paths (slub.c). The fast paths are inline here, as
 * the kernel's are (__always_inline slab_alloc_node(), do_slab_free()):
 * a replay runs them for nearly every event.
 */

/* mm/slub.c freelist_ptr(): ptr ^ s->random ^ swab(ptr_addr) under SLAB_FREELIST_HARDENED (5.7+) */
static inline uint64_t freelist_ptr(const struct sim *sim, const struct kmem_cache *s, uint64_t ptr,
				    uint64_t ptr_addr)
{
	if (!sim->cfg.kconfig[KC_SLAB_FREELIST_HARDENED])
		return ptr;
	if (sim->env.ac.ptr_size == 8)
		return ptr ^ s->random ^ __builtin_bswap64(ptr_addr);
	return (ptr ^ s->random ^ __builtin_bswap32((uint32_t)ptr_addr)) & UINT32_MAX;
}

/* get_freepointer() of an object of @slab, which the caller knows: no virt_to_slab() */
static inline uint64_t slab_get_freepointer(const struct sim *sim, const struct kmem_cache *s,
					    const struct slab *slab, uint64_t object)
{
	uint64_t ptr_addr = object + s->offset, raw = 0;
	unsigned char *p = slab_bytes(sim, slab, ptr_addr);

	/* little-endian hosts and targets alike; constant sizes so that no libc call is made */
	if (sim->env.ac.ptr_size == 8)
		memcpy(&raw, p, 8);
	else
		memcpy(&raw, p, 4);
	return freelist_ptr(sim, s, raw, ptr_addr);
}

/* set_freepointer_raw() into an object of @slab, which the caller knows */
static inline void slab_set_freepointer(struct sim *sim, const struct kmem_cache *s, const struct slab *slab,
					uint64_t object, uint64_t fp)
{
	uint64_t ptr_addr = object + s->offset;
	uint64_t raw = freelist_ptr(sim, s, fp, ptr_addr);
	unsigned char *p = slab_bytes(sim, slab, ptr_addr);

	if (sim->env.ac.ptr_size == 8)
		memcpy(p, &raw, 8);
	else
		memcpy(p, &raw, 4);
}

void report_freepointer_bug(struct sim *sim, const struct kmem_cache *s, const struct slab *slab, uint64_t object);

/* mm/slub.c set_freepointer(): BUG_ON(object == fp) catches the naive double free; -1 then */
static inline int set_freepointer(struct sim *sim, const struct kmem_cache *s, const struct slab *slab,
				  uint64_t object, uint64_t fp)
{
	if (sim->cfg.kconfig[KC_SLAB_FREELIST_HARDENED] && object == fp) {
		report_freepointer_bug(sim, s, slab, object);
		return -1;
	}
	slab_set_freepointer(sim, s, slab, object, fp);
	return 0;
}

/* The first path an operation took is the one it reports. */
static inline void note_path(struct sim *sim, enum sim_path path)
{
	if (sim->op->path == PATH_NONE)
		sim->op->path = path;
}

void report_freelist_corrupt(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t object);

/* The next object of a cpu freelist, refusing a pointer that leaves the slab. */
static inline void cpu_freelist_pop(struct sim *sim, struct kmem_cache *s, struct slub_cpu *c, uint64_t object)
{
	struct slab *slab = &sim->slabs[c->slab];
	uint64_t next = slab_get_freepointer(sim, s, slab, object);

	if (!check_valid_pointer(sim, slab, next)) {
		report_freelist_corrupt(sim, s, slab, object);
		next = 0;
	}
	c->freelist = next;
}

/* mm/slub.c ___slab_alloc() */
uint64_t slab_alloc_slow(struct sim *sim, struct kmem_cache *s, unsigned cpu, uint64_t orig_size);

/*
 * mm/slub.c prefetch_freepointer(): the next allocation reads the next
 * object's free pointer; fetch it now, as the kernel does. Here too it is
 * a host cache miss the replay would wait for.
 */
static inline void prefetch_freepointer(const struct sim *sim, const struct kmem_cache *s,
					const struct slub_cpu *c)
{
	if (c->freelist)
		prefetchw(slab_bytes(sim, &sim->slabs[c->slab], c->freelist + s->offset));
}

/* mm/slub.c slab_alloc_node(): the lockless fast path, else ___slab_alloc() */
static inline uint64_t slab_alloc(struct sim *sim, struct kmem_cache *s, unsigned cpu, uint64_t orig_size)
{
	struct slub_cpu *c = &s->cpu[cpu];
	uint64_t object = c->freelist;

	if (!object || c->slab == SLAB_NONE) {
		object = slab_alloc_slow(sim, s, cpu, orig_size);
		/*
		 * Not the kernel's: its slow path leaves this to the next fast
		 * path, which waits for the line. A hint changes nothing else.
		 */
		prefetch_freepointer(sim, s, c);
		return object;
	}
	cpu_freelist_pop(sim, s, c, object);
	prefetch_freepointer(sim, s, c);
	note_path(sim, PATH_FASTPATH);
	return object;
}

/* mm/slub.c slab_free_hook(): init_on_free wipes the object and the metadata after it */
void slab_free_init(struct sim *sim, const struct kmem_cache *s, struct slab *slab, uint64_t object);
/* mm/slub.c free_to_partial_list() (6.1: inside free_debug_processing()): debug caches, under the node lock */
void free_to_partial_list(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t object);
/* mm/slub.c __slab_free(): a slab that is not this CPU's cpu slab */
void slab_free_slow(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t object, unsigned cpu);
/* mm/slub.c __kmem_cache_free_bulk() on @cpu: detached freelists, no free hooks (sheaf flushes) */
void slab_free_bulk(struct sim *sim, struct kmem_cache *s, uint64_t *p, size_t size, unsigned cpu);

/* mm/slub.c slab_free() -> do_slab_free() */
static inline void slab_free(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t object,
			     unsigned cpu)
{
	struct slub_cpu *c = &s->cpu[cpu];

	/* slab_free_hook() before the debug checks: slab_want_init_on_free() */
	if (sim->init_on_free && !s->has_ctor && !(s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON)))
		slab_free_init(sim, s, slab, object);
	if (kmem_cache_debug(s)) {
		free_to_partial_list(sim, s, slab, object);
		return;
	}
	/* 6.18+: a cache with sheaves (never a debug one) frees onto this CPU's main sheaf */
	if (__builtin_expect(s->sheaves != NULL, 0) && free_to_pcs(sim, s, object, cpu))
		return;
	if (c->slab != slab_index(sim, slab)) {
		slab_free_slow(sim, s, slab, object, cpu);
		return;
	}
	if (set_freepointer(sim, s, slab, object, c->freelist)) {
		sim->op->path = PATH_FREE_REJECTED;
		return;
	}
	c->freelist = object;
	note_path(sim, PATH_FREE_FAST);
}
/* mm/slub.c free_partial(): discard the empty node partial slabs of a dying cache, report the others */
void free_partial(struct sim *sim, struct kmem_cache *s);
/* mm/slub.c __kmem_cache_shutdown(): flush, free_partial(); nonzero if slabs remain */
int kmem_cache_shutdown(struct sim *sim, struct kmem_cache *s);
void slub_cache_release(struct sim *sim, struct kmem_cache *s);
/* Copy the lifecycle state (pages, slabs, large blocks, per-cache cpu/node) of @src into @dst. */
int slub_clone(struct sim *dst, const struct sim *src);
int slub_cache_clone(const struct sim *src, struct kmem_cache *dst, const struct kmem_cache *s);

#endif
