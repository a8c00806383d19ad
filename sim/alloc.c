/*
 * The allocation API on top of the lifecycle: kmalloc(), kfree(), ksize(),
 * krealloc() per kernel version, kmem_cache_alloc()/free()/destroy(), and
 * access to the simulated bytes (mm/slab_common.c, mm/slub.c).
 */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "kver.h"
#include "slub_internal.h"
#include "strbuf.h"
#include "util.h"

/* ------------------------------------------------------------------ large kmalloc */

static uint32_t large_pool_get(struct sim *sim)
{
	uint32_t i;

	if (sim->free_large != SLAB_NONE) {
		i = sim->free_large;
		sim->free_large = sim->large[i].pfn;
	} else {
		if (ARRAY_GROW(sim->large, sim->large_cap, sim->nr_large_entries + 1))
			return SLAB_NONE;
		i = sim->nr_large_entries++;
	}
	memset(&sim->large[i], 0, sizeof(sim->large[i]));
	return i;
}

static void large_pool_put(struct sim *sim, uint32_t i)
{
	free(sim->large[i].data);
	memset(&sim->large[i], 0, sizeof(sim->large[i]));
	sim->large[i].pfn = sim->free_large;
	sim->free_large = i;
}

static struct large_block *virt_to_large(const struct sim *sim, uint64_t addr)
{
	uint32_t pfn = addr_to_pfn(&sim->pa, addr);
	const struct page *pg = pfn == PFN_NONE ? NULL : page_peek(&sim->pa, pfn);

	if (!pg || pg->use != PAGE_LARGE)
		return NULL;
	return &sim->large[pg->owner];
}

static void warn_fault(struct sim *sim, enum sim_fault fault, const char *a, uint64_t n, const char *b)
{
	char body[200];
	struct strbuf sb;

	sb_init(&sb, body, sizeof(body));
	sb_puts(&sb, a);
	sb_putu(&sb, n);
	sb_puts(&sb, b);
	report_fault(sim, fault, NULL, NULL, 0, NULL, body, NULL);
}

/* mm/slab_common.c __kmalloc_large_node(): whole pages, order = get_order(size) */
static uint64_t kmalloc_large(struct sim *sim, uint64_t size, gfp_t flags)
{
	unsigned order = get_order(size, sim->env.ac.page_shift);
	uint32_t i, pfn;
	struct sim_event ev = { .kind = EV_PAGE_ALLOC, .order = order };

	sim->op->order = order;
	if (order > sim->env.ac.max_page_order) {
		/* mm/page_alloc.c: WARN_ON_ONCE_GFP(order > MAX_PAGE_ORDER) and NULL */
		if (!(flags & __GFP_NOWARN))
			warn_fault(sim, FAULT_TOO_LARGE, "WARNING: at mm/page_alloc.c __alloc_pages: order ", order,
				   " is above MAX_PAGE_ORDER; kmalloc returns NULL");
		return 0;
	}
	i = large_pool_get(sim);
	if (i == SLAB_NONE)
		return 0;
	pfn = page_alloc_block(&sim->pa, order, PAGE_LARGE, i);
	if (pfn == PFN_NONE) {
		large_pool_put(sim, i);
		if (!(flags & __GFP_NOWARN))
			warn_fault(sim, FAULT_ALLOC_FAILED, "page allocation failure: order:", order,
				   ", mode:GFP_KERNEL|__GFP_COMP: simulated memory is exhausted");
		return 0;
	}
	sim->large[i].live = 1;
	sim->large[i].pfn = pfn;
	sim->large[i].order = (uint8_t)order;
	sim->large[i].size = size;
	ev.addr = pfn_to_addr(&sim->pa, pfn);
	sim_emit(sim, &ev);
	sim->op->path = PATH_LARGE;
	sim->op->bytes_alloc = (uint64_t)sim->env.ac.page_size << order;
	return ev.addr;
}

/* mm/slab_common.c free_large_kmalloc() */
static void free_large_kmalloc(struct sim *sim, struct large_block *b)
{
	struct sim_event ev = { .kind = EV_PAGE_FREE, .addr = pfn_to_addr(&sim->pa, b->pfn), .order = b->order };

	sim->op->order = b->order;
	sim->op->path = PATH_FREE_LARGE;
	page_free_block(&sim->pa, b->pfn, b->order);
	sim_emit(sim, &ev);
	large_pool_put(sim, (uint32_t)(b - sim->large));
}

/* ------------------------------------------------------------------ slab objects */

/* mm/slab.h slab_want_init_on_alloc() */
static int slab_want_init_on_alloc(const struct sim *sim, gfp_t flags, const struct kmem_cache *s)
{
	if (sim->init_on_alloc) {
		if (s->has_ctor)
			return 0;
		if (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON))
			return (flags & __GFP_ZERO) != 0;
		return 1;
	}
	return (flags & __GFP_ZERO) != 0;
}

/* What the operation record says of an object of @slab, in slot @idx (slab_obj_index()) */
static void describe_object(struct sim *sim, const struct kmem_cache *s, const struct slab *slab, uint64_t object,
			    int idx)
{
	sim->op->cache = s;
	sim->op->addr = object;
	sim->op->slab = slab_base(sim, slab);
	sim->op->slot = idx;
	sim->op->order = slab->order;
}

/* 648927ceb840 "mm/slab: do not limit zeroing to orig_size when only red zoning is enabled" (slab-for-7.2) */
static const unsigned zero_orig_size_u_only_stable[] = { KVS(6, 6, 145), KVS(6, 12, 96), KVS(6, 18, 39), 0 };

/*
 * mm/slub.c slab_post_alloc_hook(): how much of a debug cache's object
 * __GFP_ZERO and init_on_alloc clear. 6.2+ (9ce67395f5a0): a kmalloc cache
 * with U or Z only the @orig_size bytes asked for, so the kmalloc red zone
 * after them stays; since the fix above only where orig_size is tracked (U).
 */
static uint64_t post_alloc_zero_size(const struct sim *sim, const struct kmem_cache *s, uint64_t orig_size)
{
	unsigned debug = SLAB_STORE_USER | SLAB_RED_ZONE;

	if (sim->env.kver < KV(6, 2) || !(s->flags & SLAB_KMALLOC))
		return s->object_size;
	if (kv_has(sim->env.kver, KV(7, 2), zero_orig_size_u_only_stable))
		debug = SLAB_STORE_USER;	/* slub_debug_orig_size() */
	return (s->flags & debug) ? MIN(orig_size, s->object_size) : s->object_size;
}

/*
 * mm/slub.c slab_post_alloc_hook(): memset(object, 0, s->object_size). An
 * object whose dirty bit is clear holds zeroes but for its free pointer, so
 * clearing the pointer's bytes inside the object gives the same bytes.
 * Debug caches write poison and red zones: they always take the memset().
 */
static void init_object_zero(struct sim *sim, const struct kmem_cache *s, const struct slab *slab,
			     unsigned char *p, int idx, uint64_t orig_size)
{
	uint64_t *dirty = slab_dirty(sim, slab), bit = 1ull << (idx % 64);

	/* slab->dirty first: the bits lie after the slab's pages, another cache line */
	if (kmem_cache_debug(s)) {
		memset(p, 0, post_alloc_zero_size(sim, s, orig_size));
		dirty[idx / 64] &= ~bit;
	} else if (slab->dirty && (dirty[idx / 64] & bit)) {
		memset(p, 0, s->object_size);
		dirty[idx / 64] &= ~bit;
	} else if (s->offset < s->object_size) {
		unsigned n = MIN(sim->env.ac.ptr_size, s->object_size - s->offset);
		static const uint64_t zero;

		/* one store, not a libc call, for the usual whole 64-bit pointer */
		if (n == sizeof(zero))
			memcpy(p + s->offset, &zero, sizeof(zero));
		else
			memset(p + s->offset, 0, n);
	}
}

/* mm/slub.c slab_alloc_node() + slab_post_alloc_hook() */
static uint64_t cache_alloc(struct sim *sim, struct kmem_cache *s, unsigned cpu, gfp_t flags, uint64_t orig_size)
{
	/* 6.18+: a cache with sheaves allocates from them first */
	uint64_t object = __builtin_expect(s->sheaves != NULL, 0) ? sheaf_alloc(sim, s, cpu, flags, orig_size)
								    : slab_alloc(sim, s, cpu, orig_size);
	const struct slab *slab;
	unsigned char *p;

	sim->op->cache = s;
	if (!object) {
		sim->op->path = PATH_FAILED;
		return 0;
	}
	slab = virt_to_slab(sim, object);
	p = slab_bytes(sim, slab, object);
	/* maybe_wipe_obj_freeptr(): init_on_free leaves no stale pointer */
	if (sim->init_on_free && !freeptr_outside_object(s))
		memset(p + s->offset, 0, sim->env.ac.ptr_size);
	describe_object(sim, s, slab, object, slab_obj_index(sim, slab, object));
	if (slab_want_init_on_alloc(sim, flags, s))
		init_object_zero(sim, s, slab, p, sim->op->slot, orig_size);
	sim->op->bytes_alloc = s->size;
	return object;
}

/* mm/slab_common.c __do_kmalloc_node() */
static uint64_t do_kmalloc(struct sim *sim, unsigned cpu, uint64_t size, gfp_t flags, uint64_t caller)
{
	struct kmem_cache *s;

	if (size > sim->env.ac.kmalloc_max_cache_size) {
		uint64_t p = kmalloc_large(sim, size, flags);

		if (p)
			sim->op->addr = p;
		else
			sim->op->path = PATH_FAILED;
		return p;
	}
	s = kmalloc_slab(sim, size, flags, caller);
	if (!s) {
		sim->op->path = PATH_ZERO;
		sim->op->addr = ZERO_SIZE_PTR;
		return ZERO_SIZE_PTR;
	}
	return cache_alloc(sim, s, cpu, flags, size);
}

static void invalid_pointer(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t addr)
{
	char title[64];
	struct strbuf sb;

	sb_init(&sb, title, sizeof(title));
	sb_puts(&sb, "Invalid object pointer 0x");
	sb_putx(&sb, addr, 16);
	report_fault(sim, FAULT_INVALID_POINTER, s, slab, 0, title, NULL, NULL);
	sim->op->path = PATH_FREE_REJECTED;
}

/* mm/slab_common.c kfree() */
static void do_kfree(struct sim *sim, unsigned cpu, uint64_t addr)
{
	struct slab *slab;
	struct large_block *b;
	struct kmem_cache *s;
	int idx;

	sim->op->addr = addr;
	if (ZERO_OR_NULL_PTR(addr)) {
		sim->op->path = PATH_FREE_NOOP;
		return;
	}
	slab = virt_to_slab(sim, addr);
	if (!slab) {
		b = virt_to_large(sim, addr);
		if (b) {
			free_large_kmalloc(sim, b);
			return;
		}
		warn_fault(sim, FAULT_BAD_PAGE, "BUG: Bad page state: kfree() of an address no allocation owns (pfn ",
			   addr_to_pfn(&sim->pa, addr), ")");
		sim->op->path = PATH_FREE_REJECTED;
		return;
	}
	s = slab_cache(sim, slab);
	idx = slab_obj_index(sim, slab, addr);
	describe_object(sim, s, slab, addr, idx);
	/*
	 * check_valid_pointer(), from the index: caches with consistency checks
	 * report this themselves; others (debug ones with P or Z only included)
	 * would corrupt the slab, and past its end, silently
	 */
	if (!(s->flags & SLAB_CONSISTENCY_CHECKS) && !slab_obj_starts(sim, slab, idx, addr)) {
		invalid_pointer(sim, s, slab, addr);
		return;
	}
	slab_free(sim, s, slab, addr, cpu);
}

/* A nested operation's record, with @sub the current one until nested_end(). */
static struct sim_op *nested_begin(struct sim *sim, unsigned cpu, struct sim_op *sub)
{
	struct sim_op *outer = sim->op;

	memset(sub, 0, sizeof(*sub));
	sub->slot = -1;
	sub->cpu = cpu;
	sim->op = sub;
	return outer;
}

/* Back to the outer record, which counts the nested operation's slabs and faults. */
static void nested_end(struct sim *sim, struct sim_op *outer, const struct sim_op *sub)
{
	sim->op = outer;
	outer->new_slabs += sub->new_slabs;
	outer->discarded_slabs += sub->discarded_slabs;
	outer->nr_faults += sub->nr_faults;
	if (!outer->fault)
		outer->fault = sub->fault;
	if (sub->fault_text)
		outer->fault_text = sub->fault_text;
}

/* Run a kfree() inside another operation (krealloc), keeping the outer record. */
enum sim_path nested_kfree(struct sim *sim, unsigned cpu, uint64_t addr)
{
	struct sim_op sub, *outer = nested_begin(sim, cpu, &sub);

	do_kfree(sim, cpu, addr);
	nested_end(sim, outer, &sub);
	return sub.path;
}

uint64_t nested_kmalloc(struct sim *sim, unsigned cpu, uint64_t size, gfp_t flags)
{
	struct sim_op sub, *outer = nested_begin(sim, cpu, &sub);
	uint64_t p = do_kmalloc(sim, cpu, size, flags, 0);

	nested_end(sim, outer, &sub);
	return ZERO_OR_NULL_PTR(p) ? 0 : p;
}

/* ------------------------------------------------------------------ public API */

static void check_cpu(const struct sim *sim, unsigned *cpu)
{
	if (*cpu >= sim->env.cpus)
		*cpu = 0;	/* callers validate; never index past the per-CPU arrays */
}

/*
 * The replay's hot path: flatten inlines the allocation's static helpers
 * (do_kmalloc(), cache_alloc(), the zeroing), as the kernel's are mostly
 * __always_inline; the slow paths stay calls into slub.c.
 */
__attribute__((flatten)) uint64_t
sim_kmalloc(struct sim *sim, unsigned cpu, uint64_t size, gfp_t flags, uint64_t caller, struct sim_op *op)
{
	check_cpu(sim, &cpu);
	op_begin(sim, op, cpu);
	return do_kmalloc(sim, cpu, size, flags, caller);
}

uint64_t sim_kmalloc_from(struct sim *sim, unsigned cpu, struct kmem_cache *s, uint64_t size, gfp_t flags,
			  struct sim_op *op)
{
	check_cpu(sim, &cpu);
	op_begin(sim, op, cpu);
	return cache_alloc(sim, s, cpu, flags, size);
}

__attribute__((flatten)) void
sim_kfree(struct sim *sim, unsigned cpu, uint64_t addr, struct sim_op *op)
{
	check_cpu(sim, &cpu);
	op_begin(sim, op, cpu);
	do_kfree(sim, cpu, addr);
}

uint64_t sim_ksize(const struct sim *sim, uint64_t addr)
{
	const struct slab *slab;
	const struct large_block *b;

	if (ZERO_OR_NULL_PTR(addr))
		return 0;
	slab = virt_to_slab(sim, addr);
	if (slab)
		return slab_ksize(slab_cache(sim, slab));
	b = virt_to_large(sim, addr);
	return b ? (uint64_t)sim->env.ac.page_size << b->order : 0;
}

/*
 * mm/slab_common.c ksize() -> __ksize(): 6.2+ skip_orig_size_check() (946fa0dbf2d8):
 * a caller that asked may use the whole ksize, so the kmalloc red zone is gone.
 */
uint64_t sim_ksize_claim(struct sim *sim, uint64_t addr)
{
	struct slab *slab;

	if (!ZERO_OR_NULL_PTR(addr) && sim->env.kver >= KV(6, 2) && (slab = virt_to_slab(sim, addr)))
		set_orig_size(sim, slab, addr, slab_cache(sim, slab)->object_size);
	return sim_ksize(sim, addr);
}

/* What krealloc may keep and copy: ks (usable size) and orig_size (6.13+). */
static void krealloc_sizes(struct sim *sim, uint64_t p, uint64_t *ks, uint64_t *orig_size)
{
	const struct slab *slab;

	*ks = *orig_size = 0;
	if (ZERO_OR_NULL_PTR(p))
		return;
	if (sim->env.kver < KV(6, 13)) {
		*ks = sim_ksize_claim(sim, p);	/* ksize(p); 6.1 __ksize(p) */
		return;
	}
	slab = virt_to_slab(sim, p);
	if (slab) {
		*ks = slab_cache(sim, slab)->object_size;
		*orig_size = get_orig_size(sim, slab, p);
	} else {
		*ks = sim_ksize(sim, p);	/* folio_size() */
	}
}

/* 1a83a716ec23 "mm: krealloc: consider spare memory for __GFP_ZERO" (6.12, Cc stable) */
static const unsigned krealloc_zero_spare_stable[] = {
	KVS(6, 1, 113), KVS(6, 6, 55), KVS(6, 10, 14), KVS(6, 11, 3), 0
};

/* The in-place branch of __do_krealloc(): zeroing and red zone bookkeeping per version. */
static void krealloc_in_place(struct sim *sim, uint64_t p, uint64_t new_size, uint64_t ks, uint64_t orig_size,
			      gfp_t flags)
{
	int want_init = sim->init_on_alloc || (flags & __GFP_ZERO);	/* want_init_on_alloc() */
	struct slab *slab = virt_to_slab(sim, p);
	unsigned char *b;

	if (!want_init || !kv_has(sim->env.kver, KV(6, 12), krealloc_zero_spare_stable) ||
	    !(b = sim_mem(sim, p, ks)))
		goto orig;
	/* 6.12 (and stable): zero the spare tail; 6.13: from orig_size when growing past it */
	if (sim->env.kver >= KV(6, 13) && orig_size && orig_size < new_size)
		memset(b + orig_size, 0, new_size - orig_size);
	else
		memset(b + new_size, 0, ks - new_size);
orig:
	/* 6.13: orig_size follows, and the now unused tail becomes kmalloc red zone */
	if (sim->env.kver >= KV(6, 13) && slab && slub_debug_orig_size(slab_cache(sim, slab))) {
		const struct kmem_cache *s = slab_cache(sim, slab);

		set_orig_size(sim, slab, p, new_size);
		if ((s->flags & SLAB_RED_ZONE) && new_size < ks)
			memset(slab_bytes(sim, slab, p) + new_size, SLUB_RED_ACTIVE, ks - new_size);
	}
}

static void copy_object(struct sim *sim, uint64_t dst, uint64_t src, uint64_t len)
{
	unsigned char *d, *s;

	if (!len)
		return;
	d = sim_mem(sim, dst, len);
	s = sim_mem(sim, src, len);
	if (d && s)
		memmove(d, s, len);
}

/* mm/slab_common.c krealloc() / mm/slub.c krealloc_node_align() (6.18) */
uint64_t sim_krealloc_caller(struct sim *sim, unsigned cpu, uint64_t p, uint64_t new_size, gfp_t flags,
			     uint64_t align, uint64_t caller, struct sim_op *op)
{
	uint64_t ks, orig_size, ret, copy;

	check_cpu(sim, &cpu);
	op = op_begin(sim, op, cpu);
	op->old_addr = p;
	if (!new_size) {
		op->free_path = nested_kfree(sim, cpu, p);
		op->path = PATH_FREE_NOOP;
		op->addr = ZERO_SIZE_PTR;
		if (!ZERO_OR_NULL_PTR(p))
			op->path = op->free_path;
		return ZERO_SIZE_PTR;
	}
	krealloc_sizes(sim, p, &ks, &orig_size);
	if (!ZERO_OR_NULL_PTR(p) && ks >= new_size &&
	    (sim->env.kver < KV(6, 18) || !align || !(p & (align - 1)))) {
		struct slab *slab = virt_to_slab(sim, p);

		krealloc_in_place(sim, p, new_size, ks, orig_size, flags);
		if (slab)
			describe_object(sim, slab_cache(sim, slab), slab, p, slab_obj_index(sim, slab, p));
		op->addr = p;
		op->path = PATH_REALLOC_IN_PLACE;
		return p;
	}
	/* 6.6+: kmalloc_node_track_caller(), so random kmalloc caches hash krealloc's own caller */
	ret = do_kmalloc(sim, cpu, new_size, flags, caller);
	op->alloc_path = op->path;
	if (!ret)
		return 0;	/* p untouched */
	if (!ZERO_OR_NULL_PTR(p)) {
		/* before 6.13 the whole old bucket; 6.18 (fixed in 6.18.y) no more than the new size */
		copy = orig_size ? orig_size : ks;
		if (sim->env.kver >= KV(6, 18))
			copy = MIN(copy, new_size);
		copy_object(sim, ret, p, copy);
		op->free_path = nested_kfree(sim, cpu, p);
		op->path = PATH_REALLOC_MOVED;
	}
	op->addr = ret;
	return ret;
}

uint64_t sim_krealloc(struct sim *sim, unsigned cpu, uint64_t p, uint64_t new_size, gfp_t flags, uint64_t align,
		      struct sim_op *op)
{
	return sim_krealloc_caller(sim, cpu, p, new_size, flags, align, 0, op);
}

uint64_t sim_kmem_cache_alloc(struct sim *sim, unsigned cpu, struct kmem_cache *s, gfp_t flags, struct sim_op *op)
{
	check_cpu(sim, &cpu);
	op_begin(sim, op, cpu);
	return cache_alloc(sim, s, cpu, flags, s->object_size);
}

/* kmalloc_trace() (6.1-6.9), __kmalloc_cache_noprof() (6.10+): what kmalloc() of a constant size calls */
uint64_t sim_kmalloc_trace(struct sim *sim, unsigned cpu, struct kmem_cache *s, uint64_t size, gfp_t flags,
			   struct sim_op *op)
{
	check_cpu(sim, &cpu);
	op_begin(sim, op, cpu);
	return cache_alloc(sim, s, cpu, flags, size);
}

/* mm/slub.c kmem_cache_free() with cache_from_obj() */
void sim_kmem_cache_free(struct sim *sim, unsigned cpu, struct kmem_cache *s, uint64_t addr, struct sim_op *op)
{
	struct slab *slab;
	struct kmem_cache *actual;

	check_cpu(sim, &cpu);
	op_begin(sim, op, cpu);
	sim->op->addr = addr;
	slab = virt_to_slab(sim, addr);
	if (!slab) {
		do_kfree(sim, cpu, addr);	/* not a slab object: report as kfree() would */
		return;
	}
	actual = slab_cache(sim, slab);
	if (actual != s) {
		char body[160];
		struct strbuf sb;
		int redirect = sim->cfg.kconfig[KC_MEMCG_KMEM] || (s->flags & SLAB_CONSISTENCY_CHECKS);

		sb_init(&sb, body, sizeof(body));
		sb_puts(&sb, "WARNING: kmem_cache_free: Wrong slab cache. ");
		sb_puts(&sb, s->name);
		sb_puts(&sb, " but object is from ");
		sb_puts(&sb, actual->name);
		report_fault(sim, FAULT_WRONG_CACHE, actual, NULL, 0, NULL, body, NULL);
		if (!redirect) {
			sim->op->path = PATH_FREE_REJECTED;
			return;
		}
	}
	do_kfree(sim, cpu, addr);
}

/* 0f35040de593 "mm/slab: introduce kvfree_rcu_barrier_on_cache() for cache destruction" (6.19) */
static const unsigned barrier_on_cache_stable[] = { KVS(6, 18, 3), 0 };

/* mm/slab_common.c kmem_cache_destroy() -> mm/slub.c __kmem_cache_shutdown() */
int sim_kmem_cache_destroy(struct sim *sim, struct kmem_cache *s, struct sim_op *op)
{
	op_begin(sim, op, 0);
	sim->op->cache = s;
	if (s->dead || s->kmalloc_type >= 0 || s == sim->kmem_cache || s == sim->kmem_cache_node) {
		report_fault(sim, FAULT_OBJECTS_REMAINING, s, NULL, 0, NULL,
			     "kmem_cache_destroy: not a cache this trace created", NULL);
		return -1;
	}
	/*
	 * 6.12+: in-flight kfree_rcu()s may hold objects of this cache (kvfree_rcu_barrier());
	 * 6.19 (0f35040de593) flushes only this cache's rcu_free sheaves (kvfree_rcu_barrier_on_cache())
	 */
	if (sim->env.kver >= KV(6, 12))
		rcu_barrier_frees(sim, kv_has(sim->env.kver, KV(6, 19), barrier_on_cache_stable) ? s : NULL);
	if (--s->refcount > 0)
		return 0;	/* other names still share it */
	if (kmem_cache_shutdown(sim, s)) {
		char body[160];
		struct strbuf sb;

		sb_init(&sb, body, sizeof(body));
		sb_puts(&sb, "WARNING: kmem_cache_destroy ");
		sb_puts(&sb, s->name);
		sb_puts(&sb, ": Slab cache still has objects");
		report_fault(sim, FAULT_OBJECTS_REMAINING, s, NULL, 0, NULL, body, NULL);
		/* 6.12+: unlinked from slab_caches and sysfs all the same; its slabs and objects stay */
		if (sim->env.kver >= KV(6, 12))
			s->dead = 1;
		return -1;
	}
	s->dead = 1;
	/* 6.18 pcs_destroy(): the main sheaves; then the barn with the node (free_kmem_cache_nodes()) */
	if (s->sheaves)
		sheaves_destroy(sim, s);
	/* its struct kmem_cache and kmem_cache_node go back to their caches */
	if (s->node_obj)
		nested_kfree(sim, 0, s->node_obj);
	if (s->self_obj)
		nested_kfree(sim, 0, s->self_obj);
	return 0;
}

/* ------------------------------------------------------------------ bytes and lookup */

/* The caller may write [off, off + len) of @slab: its objects are no longer known to be zero. */
static void mark_dirty(const struct sim *sim, struct slab *slab, uint64_t off, uint64_t len)
{
	const struct kmem_cache *s = slab_cache(sim, slab);
	uint64_t *dirty = slab_dirty(sim, slab);
	uint64_t first, last;

	if (!len || !slab->objects)
		return;
	/* the slot an offset falls in, red zones counted with the object after them */
	first = off < s->red_left_pad ? 0 : (off - s->red_left_pad) / s->size;
	last = off + len - 1 < s->red_left_pad ? 0 : (off + len - 1 - s->red_left_pad) / s->size;
	if (last >= slab->objects)
		last = slab->objects - 1U;
	for (uint64_t i = first; i <= last; i++)
		dirty[i / 64] |= 1ull << (i % 64);
	slab->dirty = 1;
}

unsigned char *sim_mem(struct sim *sim, uint64_t addr, uint64_t len)
{
	struct slab *slab = virt_to_slab(sim, addr);
	struct large_block *b;
	uint64_t base, size;

	if (slab) {
		base = slab_address(sim, slab);
		size = (uint64_t)sim->env.ac.page_size << slab->order;
		if (len > size || addr + len > base + size)
			return NULL;
		mark_dirty(sim, slab, addr - base, len);
		return slab->data + (addr - base);
	}
	b = virt_to_large(sim, addr);
	if (!b)
		return NULL;
	base = pfn_to_addr(&sim->pa, b->pfn);
	size = (uint64_t)sim->env.ac.page_size << b->order;
	if (len > size || addr + len > base + size)
		return NULL;
	if (!b->data && !(b->data = calloc(1, size)))
		return NULL;
	return b->data + (addr - base);
}

static int on_cpu_freelist(const struct sim *sim, const struct kmem_cache *s, const struct slab *slab,
			   uint64_t object)
{
	for (unsigned cpu = 0; cpu < sim->env.cpus; cpu++) {
		const struct slub_cpu *c = &s->cpu[cpu];
		uint64_t fp = c->freelist;

		if (c->slab != slab_index(sim, slab))
			continue;
		for (unsigned n = 0; fp && n <= slab->objects; n++) {
			if (fp == object)
				return 1;
			if (!check_valid_pointer(sim, slab, fp))
				break;
			fp = get_freepointer(sim, s, fp);
		}
	}
	return 0;
}

void sim_lookup(const struct sim *sim, uint64_t addr, struct sim_obj_info *info)
{
	const struct slab *slab = virt_to_slab(sim, addr);
	const struct large_block *b;

	memset(info, 0, sizeof(*info));
	info->slot = -1;
	if (slab) {
		const struct kmem_cache *s = slab_cache(sim, slab);
		uint64_t fp = slab->freelist;
		int i = slab_obj_index(sim, slab, addr);

		info->kind = SIM_OBJ_SLAB;
		info->cache = s;
		info->slab = slab;
		info->slab_addr = slab_address(sim, slab);
		info->order = slab->order;
		info->slot = i;
		if (i < 0)
			return;
		info->object = slab_obj(sim, slab, (unsigned)i);
		info->on_boundary = info->object == addr;
		for (unsigned n = 0; fp && n <= slab->objects && check_valid_pointer(sim, slab, fp); n++) {
			if (fp == info->object) {
				info->free = 1;
				return;
			}
			fp = get_freepointer(sim, s, fp);
		}
		info->free = on_cpu_freelist(sim, s, slab, info->object);
		if (!info->free && s->sheaves)
			info->sheaf = sheaves_find(s, info->object, &info->sheaf_cpu);
		return;
	}
	b = virt_to_large(sim, addr);
	if (b) {
		info->kind = SIM_OBJ_LARGE;
		info->object = pfn_to_addr(&sim->pa, b->pfn);
		info->on_boundary = info->object == addr;
		info->order = b->order;
		info->size = (uint64_t)sim->env.ac.page_size << b->order;
	}
}

static const char *const path_names[NR_PATHS] = {
	[PATH_NONE] = "none",
	[PATH_FASTPATH] = "fast path",
	[PATH_REFILL] = "cpu slab refill",
	[PATH_CPU_PARTIAL] = "cpu partial",
	[PATH_NODE_PARTIAL] = "node partial",
	[PATH_NEW_SLAB] = "new slab",
	[PATH_NEW_SLAB_FALLBACK] = "new slab (order fallback)",
	[PATH_DEBUG_PARTIAL] = "debug: node partial",
	[PATH_DEBUG_NEW_SLAB] = "debug: new slab",
	[PATH_LARGE] = "page allocator",
	[PATH_ZERO] = "ZERO_SIZE_PTR",
	[PATH_FAILED] = "failed",
	[PATH_FREE_FAST] = "free fast path",
	[PATH_FREE_FROZEN] = "free to frozen slab",
	[PATH_FREE_CPU_PARTIAL] = "free: slab to cpu partial",
	[PATH_FREE_PARTIAL] = "free to partial slab",
	[PATH_FREE_ADD_PARTIAL] = "free: slab to node partial",
	[PATH_FREE_DISCARD] = "free: slab discarded",
	[PATH_FREE_DEBUG] = "debug free",
	[PATH_FREE_LARGE] = "free pages",
	[PATH_FREE_NOOP] = "no-op",
	[PATH_FREE_RCU] = "kfree_rcu queued",
	[PATH_FREE_REJECTED] = "not freed",
	[PATH_REALLOC_IN_PLACE] = "in place",
	[PATH_REALLOC_MOVED] = "moved",
	[PATH_SHEAF] = "percpu sheaf",
	[PATH_SHEAF_REFILL] = "percpu sheaf (refilled)",
	[PATH_FREE_SHEAF] = "free to percpu sheaf",
};

const char *sim_path_name(enum sim_path path)
{
	return (unsigned)path < NR_PATHS && path_names[path] ? path_names[path] : "?";
}

static const char *const fault_names[NR_FAULTS] = {
	[FAULT_NONE] = "none",
	[FAULT_OBJECT_ALREADY_FREE] = "Object already free",
	[FAULT_BUG_DOUBLE_FREE] = "kernel BUG at mm/slub.c (double free)",
	[FAULT_REDZONE] = "Redzone overwritten",
	[FAULT_POISON] = "Poison overwritten",
	[FAULT_PADDING] = "Object padding overwritten",
	[FAULT_FREEPTR] = "Freepointer corrupt",
	[FAULT_FREECHAIN] = "Freechain corrupt",
	[FAULT_INVALID_POINTER] = "Invalid object pointer",
	[FAULT_WRONG_CACHE] = "Wrong slab cache",
	[FAULT_BAD_PAGE] = "Bad page state",
	[FAULT_OBJECTS_REMAINING] = "Objects remaining",
	[FAULT_ALLOC_FAILED] = "Unable to allocate memory",
	[FAULT_TOO_LARGE] = "order above MAX_PAGE_ORDER",
	[FAULT_SLAB_PADDING] = "Padding overwritten",
	[FAULT_SLAB_COUNTERS] = "Wrong object count",
};

const char *sim_fault_name(enum sim_fault fault)
{
	return (unsigned)fault < NR_FAULTS && fault_names[fault] ? fault_names[fault] : "?";
}
