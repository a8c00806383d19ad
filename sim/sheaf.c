/*
 * 6.18+ percpu sheaves: alloc_from_pcs(), free_to_pcs(), the barn, and the
 * flushes that hand objects back to the slabs (mm/slub.c, Linux 6.18, the
 * "SLUB percpu sheaves" series with the kfree_rcu() batching and the barn
 * checks outside the lock). The model runs one operation at a time on one
 * node, so the kernel's recovery from races and migration never happens
 * here, and every trylock succeeds.
 *
 * A sheaf holds object pointers outside the objects: an object in a sheaf
 * is allocated from its slab's point of view, so slabinfo and sysfs count
 * it as active, as the kernel does.
 */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "kver.h"
#include "sheaf.h"
#include "slub_internal.h"

/* mm/slab.h OBJCGS_CLEAR_MASK: what alloc_empty_sheaf() drops from the caller's gfp */
#define OBJCGS_CLEAR_MASK (__GFP_DMA | __GFP_RECLAIMABLE | __GFP_ACCOUNT | __GFP_NOFAIL)

/* ------------------------------------------------------------------ which caches */

unsigned kernel_sheaf_capacity(const struct slab_env *env, const char *name)
{
	/* 59faa4da7cd4 maple_tree_init(), 3accabda4da1 vma_state_init(): both 6.18 */
	static const struct {
		const char *name;
		unsigned capacity;
	} caches[] = { { "maple_node", 32 }, { "vm_area_struct", 32 } };

	if (env->kver < KV(6, 18) || !name)
		return 0;
	for (size_t i = 0; i < sizeof(caches) / sizeof(caches[0]); i++)
		if (!strcmp(caches[i].name, name))
			return caches[i].capacity;
	return 0;
}

/* ------------------------------------------------------------------ host state */

/* swap(pcs->main, pcs->spare) */
static void swap_sheaves(struct sheaf_cpu *pcs)
{
	uint32_t t = pcs->main;

	pcs->main = pcs->spare;
	pcs->spare = t;
}

struct slub_sheaves *sheaves_create(unsigned nr_cpus, unsigned capacity)
{
	struct slub_sheaves *sh = calloc(1, sizeof(*sh));

	if (!sh)
		return NULL;
	sh->capacity = capacity;
	sh->nr_cpus = nr_cpus;
	sh->free = SHEAF_NONE;
	sh->barn.full = sh->barn.empty = SHEAF_NONE;
	sh->pcs = malloc(nr_cpus * sizeof(*sh->pcs));
	if (!sh->pcs) {
		free(sh);
		return NULL;
	}
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
		sh->pcs[cpu] = (struct sheaf_cpu){ SHEAF_NONE, SHEAF_NONE, SHEAF_NONE };
	return sh;
}

void sheaves_release(struct slub_sheaves *sh)
{
	if (!sh)
		return;
	free(sh->pool);
	free(sh->objs);
	free(sh->pcs);
	free(sh);
}

static void *dup_mem(const void *p, size_t n, int *fail)
{
	void *d;

	if (!n)
		return NULL;
	d = malloc(n);
	if (d)
		memcpy(d, p, n);
	else
		*fail = 1;
	return d;
}

struct slub_sheaves *sheaves_clone(const struct slub_sheaves *sh)
{
	struct slub_sheaves *d = malloc(sizeof(*d));
	int fail = 0;

	if (!d)
		return NULL;
	*d = *sh;
	d->pcs = dup_mem(sh->pcs, sh->nr_cpus * sizeof(*sh->pcs), &fail);
	d->pool = dup_mem(sh->pool, sh->cap * sizeof(*sh->pool), &fail);
	d->objs = dup_mem(sh->objs, (size_t)sh->cap * sh->capacity * sizeof(*sh->objs), &fail);
	if (fail) {
		sheaves_release(d);
		return NULL;
	}
	return d;
}

static uint64_t *sheaf_objs(const struct slub_sheaves *sh, uint32_t i)
{
	return sh->objs + (size_t)i * sh->capacity;
}

/* A pool entry for a new sheaf, SHEAF_NONE when the host is out of memory. */
static uint32_t pool_get(struct slub_sheaves *sh)
{
	uint32_t i;

	if (sh->free != SHEAF_NONE) {
		i = sh->free;
		sh->free = sh->pool[i].next;
	} else {
		/* the objects grow with the pool: entry i's are at i * capacity */
		size_t objs_cap = (size_t)sh->cap * sh->capacity, cap = sh->cap;

		if (ARRAY_GROW(sh->pool, cap, sh->nr + 1) ||
		    array_grow((void **)&sh->objs, &objs_cap, cap * sh->capacity, sizeof(*sh->objs)))
			return SHEAF_NONE;
		sh->cap = cap;
		i = sh->nr++;
	}
	sh->pool[i] = (struct sheaf){ 0, 0, SHEAF_NONE };
	return i;
}

static void pool_put(struct slub_sheaves *sh, uint32_t i)
{
	sh->pool[i].addr = 0;
	sh->pool[i].next = sh->free;
	sh->free = i;
}

uint64_t sheaf_main_addr(const struct kmem_cache *s, unsigned cpu)
{
	const struct slub_sheaves *sh = s->sheaves;

	if (!sh || cpu >= sh->nr_cpus || sh->pcs[cpu].main == SHEAF_NONE)
		return 0;
	return sh->pool[sh->pcs[cpu].main].addr;
}

unsigned sheaf_size(const struct kmem_cache *s, uint32_t i)
{
	return s->sheaves && i < s->sheaves->nr ? s->sheaves->pool[i].size : 0;
}

uint64_t sheaves_rcu_free_objects(const struct kmem_cache *s)
{
	const struct slub_sheaves *sh = s->sheaves;
	uint64_t n = 0;

	for (unsigned cpu = 0; sh && cpu < sh->nr_cpus; cpu++)
		n += sheaf_size(s, sh->pcs[cpu].rcu_free);
	return n;
}

void sheaves_cpu_sizes(const struct kmem_cache *s, unsigned cpu, unsigned *main, unsigned *spare)
{
	const struct slub_sheaves *sh = s->sheaves;

	*main = *spare = 0;
	if (!sh || cpu >= sh->nr_cpus)
		return;
	if (sh->pcs[cpu].main != SHEAF_NONE)
		*main = sh->pool[sh->pcs[cpu].main].size;
	if (sh->pcs[cpu].spare != SHEAF_NONE)
		*spare = sh->pool[sh->pcs[cpu].spare].size;
}

/* Every sheaf in use: on a CPU, in the barn, or waiting for an RCU grace period. */
static int sheaf_live(const struct slub_sheaves *sh, uint32_t i)
{
	return sh->pool[i].addr != 0;
}

uint64_t sheaves_objects(const struct kmem_cache *s)
{
	const struct slub_sheaves *sh = s->sheaves;
	uint64_t n = 0;

	for (uint32_t i = 0; sh && i < sh->nr; i++)
		if (sheaf_live(sh, i))
			n += sh->pool[i].size;
	return n;
}

/* The live sheaf holding @object, SHEAF_NONE if none. */
static uint32_t sheaf_holding(const struct slub_sheaves *sh, uint64_t object)
{
	for (uint32_t i = 0; i < sh->nr; i++) {
		const uint64_t *o = sheaf_objs(sh, i);

		for (uint32_t k = 0; sheaf_live(sh, i) && k < sh->pool[i].size; k++)
			if (o[k] == object)
				return i;
	}
	return SHEAF_NONE;
}

enum sheaf_where sheaves_find(const struct kmem_cache *s, uint64_t object, unsigned *cpu)
{
	const struct slub_sheaves *sh = s->sheaves;
	uint32_t i = sh ? sheaf_holding(sh, object) : SHEAF_NONE;

	*cpu = 0;
	if (i == SHEAF_NONE)
		return SHEAF_IN_NONE;
	for (unsigned c = 0; c < sh->nr_cpus; c++) {
		*cpu = c;
		if (sh->pcs[c].main == i)
			return SHEAF_IN_MAIN;
		if (sh->pcs[c].spare == i)
			return SHEAF_IN_SPARE;
		if (sh->pcs[c].rcu_free == i)
			return SHEAF_IN_RCU_FREE;
	}
	*cpu = 0;
	for (uint32_t b = sh->barn.full; b != SHEAF_NONE; b = sh->pool[b].next)
		if (b == i)
			return SHEAF_IN_BARN;
	return SHEAF_IN_RCU_PENDING;
}

int sheaves_hold(const struct kmem_cache *s, uint64_t object)
{
	unsigned cpu;

	return sheaves_find(s, object, &cpu) != SHEAF_IN_NONE;
}

/* ------------------------------------------------------------------ sheaves as kmalloc objects */

/*
 * mm/slub.c alloc_empty_sheaf(): kzalloc() of struct slab_sheaf and its
 * pointers, without the caller's zone, accounting and nofail bits.
 */
static uint32_t alloc_empty_sheaf(struct sim *sim, struct kmem_cache *s, unsigned cpu, gfp_t gfp)
{
	struct slub_sheaves *sh = s->sheaves;
	uint32_t i = pool_get(sh);
	uint64_t addr;

	if (i == SHEAF_NONE)
		return SHEAF_NONE;
	addr = nested_kmalloc(sim, cpu, sim_sizeof_slab_sheaf(&sim->env, sh->capacity),
			      (gfp & ~OBJCGS_CLEAR_MASK) | __GFP_ZERO);
	if (!addr) {
		pool_put(sh, i);
		return SHEAF_NONE;
	}
	sh->pool[i].addr = addr;
	return i;
}

/* mm/slub.c free_empty_sheaf() */
static void free_empty_sheaf(struct sim *sim, struct kmem_cache *s, unsigned cpu, uint32_t i)
{
	nested_kfree(sim, cpu, s->sheaves->pool[i].addr);
	pool_put(s->sheaves, i);
}

void sheaves_init_main(struct sim *sim, struct kmem_cache *s)
{
	struct slub_sheaves *sh = s->sheaves;

	/* allocated on the boot CPU, as the cache's other structures */
	for (unsigned cpu = 0; sh && cpu < sh->nr_cpus; cpu++)
		sh->pcs[cpu].main = alloc_empty_sheaf(sim, s, 0, GFP_KERNEL);
}

/* ------------------------------------------------------------------ the barn */

static void barn_push(struct slub_sheaves *sh, uint32_t *head, unsigned *nr, uint32_t i)
{
	sh->pool[i].next = *head;
	*head = i;
	(*nr)++;
}

static uint32_t barn_pop(struct slub_sheaves *sh, uint32_t *head, unsigned *nr)
{
	uint32_t i = *head;

	if (i == SHEAF_NONE)
		return SHEAF_NONE;
	*head = sh->pool[i].next;
	sh->pool[i].next = SHEAF_NONE;
	(*nr)--;
	return i;
}

/* mm/slub.c barn_put_empty_sheaf(), barn_put_full_sheaf(), barn_get_empty_sheaf() */
static void barn_put_empty(struct slub_sheaves *sh, uint32_t i)
{
	barn_push(sh, &sh->barn.empty, &sh->barn.nr_empty, i);
}

static void barn_put_full(struct slub_sheaves *sh, uint32_t i)
{
	barn_push(sh, &sh->barn.full, &sh->barn.nr_full, i);
}

static uint32_t barn_get_empty(struct slub_sheaves *sh)
{
	return barn_pop(sh, &sh->barn.empty, &sh->barn.nr_empty);
}

/* ------------------------------------------------------------------ refill and flush */

/* mm/slub.c maybe_wipe_obj_freeptr(): init_on_free leaves no stale free pointer */
static void wipe_freeptr(struct sim *sim, const struct kmem_cache *s, uint64_t object)
{
	if (sim->init_on_free && !freeptr_outside_object(s)) {
		struct slab *slab = virt_to_slab(sim, object);

		memset(slab_bytes(sim, slab, object) + s->offset, 0, sim->env.ac.ptr_size);
	}
}

/*
 * mm/slub.c refill_sheaf() with __kmem_cache_alloc_bulk(): one object after
 * the other from the cpu slab, as many as the sheaf lacks. All or nothing:
 * a failed bulk allocation frees what it got. 0, or -1 when memory ran out.
 */
static int refill_sheaf(struct sim *sim, struct kmem_cache *s, unsigned cpu, uint32_t i)
{
	struct slub_sheaves *sh = s->sheaves;
	struct sheaf *sheaf = &sh->pool[i];
	uint64_t *p = sheaf_objs(sh, i) + sheaf->size;
	unsigned to_fill = sh->capacity - sheaf->size;

	for (unsigned k = 0; k < to_fill; k++) {
		p[k] = slab_alloc(sim, s, cpu, s->object_size);
		if (!p[k]) {
			slab_free_bulk(sim, s, p, k, cpu);
			return -1;
		}
		wipe_freeptr(sim, s, p[k]);
	}
	sheaf->size += to_fill;
	return 0;
}

/* mm/slub.c sheaf_flush_unused(): every object of a sheaf no CPU holds goes back to its slab */
static void sheaf_flush_unused(struct sim *sim, struct kmem_cache *s, unsigned cpu, uint32_t i)
{
	struct slub_sheaves *sh = s->sheaves;

	slab_free_bulk(sim, s, sheaf_objs(sh, i), sh->pool[i].size, cpu);
	sh->pool[i].size = 0;
}

/* mm/slub.c sheaf_flush_main(): from the top, PCS_BATCH_MAX objects per bulk free */
static void sheaf_flush_main(struct sim *sim, struct kmem_cache *s, unsigned cpu)
{
	struct slub_sheaves *sh = s->sheaves;
	uint32_t m = sh->pcs[cpu].main;

	while (sh->pool[m].size) {
		unsigned batch = MIN(PCS_BATCH_MAX, sh->pool[m].size);

		sh->pool[m].size -= batch;
		slab_free_bulk(sim, s, sheaf_objs(sh, m) + sh->pool[m].size, batch, cpu);
	}
}

/* ------------------------------------------------------------------ allocation */

enum replaced { REPLACE_FAILED, REPLACE_SWAPPED, REPLACE_REFILLED };

/* mm/slub.c alloc_full_sheaf() */
static uint32_t alloc_full_sheaf(struct sim *sim, struct kmem_cache *s, unsigned cpu, gfp_t gfp)
{
	uint32_t i = alloc_empty_sheaf(sim, s, cpu, gfp);

	if (i != SHEAF_NONE && refill_sheaf(sim, s, cpu, i)) {
		free_empty_sheaf(sim, s, cpu, i);
		return SHEAF_NONE;
	}
	return i;
}

/* mm/slub.c __pcs_replace_empty_main(): give the CPU a main sheaf with objects in it */
static enum replaced replace_empty_main(struct sim *sim, struct kmem_cache *s, unsigned cpu, gfp_t gfp)
{
	struct slub_sheaves *sh = s->sheaves;
	struct sheaf_cpu *pcs = &sh->pcs[cpu];
	uint32_t full, empty = SHEAF_NONE;

	if (pcs->spare != SHEAF_NONE && sh->pool[pcs->spare].size) {
		swap_sheaves(pcs);
		return REPLACE_SWAPPED;
	}
	/* barn_replace_empty_sheaf(): a full one for our empty main */
	full = barn_pop(sh, &sh->barn.full, &sh->barn.nr_full);
	if (full != SHEAF_NONE) {
		barn_put_empty(sh, pcs->main);
		pcs->main = full;
		return REPLACE_SWAPPED;
	}
	/* only an allocation that may block refills (gfpflags_allow_blocking()) */
	if (!(gfp & __GFP_DIRECT_RECLAIM))
		return REPLACE_FAILED;
	if (pcs->spare != SHEAF_NONE) {
		empty = pcs->spare;
		pcs->spare = SHEAF_NONE;
	} else {
		empty = barn_get_empty(sh);
	}
	if (empty == SHEAF_NONE) {
		full = alloc_full_sheaf(sim, s, cpu, gfp);
	} else if (refill_sheaf(sim, s, cpu, empty)) {
		/* very low on memory: the barn is not bothered */
		free_empty_sheaf(sim, s, cpu, empty);
		full = SHEAF_NONE;
	} else {
		full = empty;
	}
	if (full == SHEAF_NONE)
		return REPLACE_FAILED;
	/* the main sheaf is still empty: the new one replaces it */
	barn_put_empty(sh, pcs->main);
	pcs->main = full;
	return REPLACE_REFILLED;
}

/* mm/slub.c alloc_from_pcs(): the top of the main sheaf, 0 if none could be had */
static uint64_t alloc_from_pcs(struct sim *sim, struct kmem_cache *s, unsigned cpu, gfp_t gfp,
			       enum replaced *how)
{
	struct slub_sheaves *sh = s->sheaves;
	struct sheaf *m = &sh->pool[sh->pcs[cpu].main];

	*how = REPLACE_SWAPPED;
	if (!m->size) {
		*how = replace_empty_main(sim, s, cpu, gfp);
		if (*how == REPLACE_FAILED)
			return 0;
		m = &sh->pool[sh->pcs[cpu].main];
	}
	m->size--;
	return sheaf_objs(sh, sh->pcs[cpu].main)[m->size];
}

uint64_t sheaf_alloc(struct sim *sim, struct kmem_cache *s, unsigned cpu, gfp_t gfp, uint64_t orig_size)
{
	enum replaced how;
	uint64_t object = alloc_from_pcs(sim, s, cpu, gfp, &how);

	if (object) {
		sim->op->path = how == REPLACE_REFILLED ? PATH_SHEAF_REFILL : PATH_SHEAF;
		return object;
	}
	/* __slab_alloc_node(): what the cpu slabs give, as if the sheaves were not there */
	sim->op->path = PATH_NONE;
	return slab_alloc(sim, s, cpu, orig_size);
}

/* ------------------------------------------------------------------ free */

/*
 * mm/slub.c __pcs_install_empty_sheaf(): @empty becomes the main sheaf and
 * the full main the spare; with a (full) spare in place, the main goes to
 * the barn's full list instead.
 */
static void install_empty(struct slub_sheaves *sh, struct sheaf_cpu *pcs, uint32_t empty)
{
	if (pcs->spare == SHEAF_NONE) {
		pcs->spare = pcs->main;
		pcs->main = empty;
		return;
	}
	barn_put_full(sh, pcs->main);
	pcs->main = empty;
}

/* mm/slub.c __pcs_replace_full_main(): give the CPU a main sheaf with room in it */
static void replace_full_main(struct sim *sim, struct kmem_cache *s, unsigned cpu)
{
	struct slub_sheaves *sh = s->sheaves;
	struct sheaf_cpu *pcs = &sh->pcs[cpu];
	uint32_t empty;

	if (pcs->spare == SHEAF_NONE) {
		empty = barn_get_empty(sh);
		if (empty != SHEAF_NONE) {
			pcs->spare = pcs->main;
			pcs->main = empty;
			return;
		}
	} else if (sh->pool[pcs->spare].size < sh->capacity) {
		swap_sheaves(pcs);
		return;
	} else if (sh->barn.nr_full >= MAX_FULL_SHEAVES) {
		/* barn_replace_full_sheaf() -E2BIG: the full spare goes to the slabs and comes back empty */
		empty = pcs->spare;
		pcs->spare = SHEAF_NONE;
		sheaf_flush_unused(sim, s, cpu, empty);
		install_empty(sh, pcs, empty);
		return;
	} else if (sh->barn.nr_empty) {
		/* barn_replace_full_sheaf(): an empty one for our full main */
		empty = barn_get_empty(sh);
		barn_put_full(sh, pcs->main);
		pcs->main = empty;
		return;
	}
	/* no empty sheaf in the barn: a new one, without blocking */
	empty = alloc_empty_sheaf(sim, s, cpu, GFP_NOWAIT);
	if (empty != SHEAF_NONE) {
		install_empty(sh, pcs, empty);
		return;
	}
	/* no memory for one either: the main sheaf's objects go back to the slabs */
	sheaf_flush_main(sim, s, cpu);
}

int free_to_pcs(struct sim *sim, struct kmem_cache *s, uint64_t object, unsigned cpu)
{
	struct slub_sheaves *sh = s->sheaves;
	uint32_t m;

	/* the path first: the slab frees a replacement may do say nothing of this object */
	sim->op->path = PATH_FREE_SHEAF;
	if (sh->pool[sh->pcs[cpu].main].size == sh->capacity)
		replace_full_main(sim, s, cpu);
	m = sh->pcs[cpu].main;
	sheaf_objs(sh, m)[sh->pool[m].size++] = object;
	return 1;
}

/* ------------------------------------------------------------------ flushing */

void pcs_flush_cpu(struct sim *sim, struct kmem_cache *s, unsigned cpu)
{
	struct slub_sheaves *sh = s->sheaves;
	struct sheaf_cpu *pcs = &sh->pcs[cpu];
	uint32_t spare = pcs->spare, rcu = pcs->rcu_free;

	pcs->spare = pcs->rcu_free = SHEAF_NONE;
	if (spare != SHEAF_NONE) {
		sheaf_flush_unused(sim, s, cpu, spare);
		free_empty_sheaf(sim, s, cpu, spare);
	}
	/* call_rcu(rcu_free_sheaf_nobarn) */
	if (rcu != SHEAF_NONE)
		rcu_queue_sheaf(sim, s, rcu, cpu, 1);
	sheaf_flush_main(sim, s, cpu);
}

void barn_shrink(struct sim *sim, struct kmem_cache *s)
{
	struct slub_sheaves *sh = s->sheaves;
	unsigned cpu = sim->op->cpu;
	uint32_t full = sh->barn.full, empty = sh->barn.empty;

	sh->barn = (struct sheaf_barn){ SHEAF_NONE, SHEAF_NONE, 0, 0 };
	while (full != SHEAF_NONE) {
		uint32_t i = full;

		full = sh->pool[i].next;
		sheaf_flush_unused(sim, s, cpu, i);
		free_empty_sheaf(sim, s, cpu, i);
	}
	while (empty != SHEAF_NONE) {
		uint32_t i = empty;

		empty = sh->pool[i].next;
		free_empty_sheaf(sim, s, cpu, i);
	}
}

void sheaves_destroy(struct sim *sim, struct kmem_cache *s)
{
	struct slub_sheaves *sh = s->sheaves;
	unsigned cpu = sim->op->cpu;

	/* __kmem_cache_shutdown() flushed them: a main sheaf still holding objects leaks, as the kernel WARNs */
	for (unsigned c = 0; sh && c < sh->nr_cpus; c++) {
		uint32_t m = sh->pcs[c].main;

		if (m != SHEAF_NONE && !sh->pool[m].size) {
			free_empty_sheaf(sim, s, cpu, m);
			sh->pcs[c].main = SHEAF_NONE;
		}
	}
	if (s->barn_obj)
		nested_kfree(sim, cpu, s->barn_obj);
	s->barn_obj = 0;
}

/* ------------------------------------------------------------------ kfree_rcu() */

int kfree_rcu_sheaf(struct sim *sim, struct kmem_cache *s, uint64_t object, unsigned cpu)
{
	struct slub_sheaves *sh = s->sheaves;
	struct sheaf_cpu *pcs = &sh->pcs[cpu];
	uint32_t r = pcs->rcu_free;

	if (r == SHEAF_NONE) {
		if (pcs->spare != SHEAF_NONE && !sh->pool[pcs->spare].size) {
			r = pcs->spare;
			pcs->spare = SHEAF_NONE;
		} else if ((r = barn_get_empty(sh)) == SHEAF_NONE &&
			   (r = alloc_empty_sheaf(sim, s, cpu, GFP_NOWAIT)) == SHEAF_NONE) {
			return 0;	/* kvfree_call_rcu() batches it itself */
		}
		pcs->rcu_free = r;
	}
	sheaf_objs(sh, r)[sh->pool[r].size++] = object;
	if (sh->pool[r].size == sh->capacity) {
		/* call_rcu(rcu_free_sheaf) */
		pcs->rcu_free = SHEAF_NONE;
		rcu_queue_sheaf(sim, s, r, cpu, 0);
	}
	return 1;
}

/* mm/slub.c __rcu_free_sheaf_prepare(): the free hooks kfree_rcu() postponed */
static void rcu_free_sheaf_prepare(struct sim *sim, struct kmem_cache *s, uint32_t i)
{
	struct slub_sheaves *sh = s->sheaves;
	const uint64_t *o = sheaf_objs(sh, i);

	if (!sim->init_on_free || s->has_ctor || (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON)))
		return;
	for (uint32_t k = 0; k < sh->pool[i].size; k++)
		slab_free_init(sim, s, virt_to_slab(sim, o[k]), o[k]);
}

void rcu_free_sheaf(struct sim *sim, struct kmem_cache *s, uint32_t i, unsigned cpu, int nobarn)
{
	struct slub_sheaves *sh = s->sheaves;

	rcu_free_sheaf_prepare(sim, s, i);
	if (!nobarn && sh->pool[i].size) {
		/* rcu_free_sheaf(): a full sheaf to allocate from again, if the barn takes more */
		if (sh->barn.nr_full < MAX_FULL_SHEAVES) {
			barn_put_full(sh, i);
			return;
		}
	}
	sheaf_flush_unused(sim, s, cpu, i);
	if (!nobarn && sh->barn.nr_empty < MAX_EMPTY_SHEAVES) {
		barn_put_empty(sh, i);
		return;
	}
	free_empty_sheaf(sim, s, cpu, i);
}

void flush_rcu_sheaves(struct sim *sim, struct kmem_cache *s)
{
	struct slub_sheaves *sh = s->sheaves;

	for (unsigned cpu = 0; cpu < sim->env.cpus && cpu < sh->nr_cpus; cpu++) {
		uint32_t r = sh->pcs[cpu].rcu_free;

		if (r == SHEAF_NONE)
			continue;
		sh->pcs[cpu].rcu_free = SHEAF_NONE;
		rcu_queue_sheaf(sim, s, r, cpu, 1);
	}
}
