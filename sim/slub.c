/*
 * SLUB's object lifecycle, Linux 6.1 (mm/slub.c): slab allocation and
 * discard, the cpu slab fast path, ___slab_alloc()'s slow paths, the free
 * paths of do_slab_free()/__slab_free(), cpu partial lists and the debug
 * caches' single-object paths.
 */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "kver.h"
#include "sheaf.h"
#include "slub_internal.h"
#include "strbuf.h"
#include "util.h"

/* ------------------------------------------------------------------ pools */

static uint32_t slab_pool_get(struct sim *sim)
{
	uint32_t i;

	if (sim->free_slab != SLAB_NONE) {
		i = sim->free_slab;
		sim->free_slab = sim->slabs[i].next;
	} else {
		if (ARRAY_GROW(sim->slabs, sim->slabs_cap, sim->nr_slab_entries + 1))
			return SLAB_NONE;
		i = sim->nr_slab_entries++;
	}
	memset(&sim->slabs[i], 0, sizeof(sim->slabs[i]));
	return i;
}

static void slab_pool_put(struct sim *sim, uint32_t i)
{
	struct slab *slab = &sim->slabs[i];

	free(slab->data);
	memset(slab, 0, sizeof(*slab));
	slab->next = sim->free_slab;
	sim->free_slab = i;
}

const struct slab *sim_slab(const struct sim *sim, uint32_t i)
{
	return i < sim->nr_slab_entries && sim->slabs[i].live ? &sim->slabs[i] : NULL;
}

uint64_t slab_address(const struct sim *sim, const struct slab *slab)
{
	return slab_base(sim, slab);
}

/* ------------------------------------------------------------------ free pointers */

/* get_freepointer() of any address: 0 if its free pointer word is not in a slab */
uint64_t get_freepointer(const struct sim *sim, const struct kmem_cache *s, uint64_t object)
{
	const struct slab *slab = virt_to_slab(sim, object + s->offset);

	return slab ? slab_get_freepointer(sim, s, slab, object) : 0;
}

uint64_t sim_get_freepointer(const struct sim *sim, const struct kmem_cache *s, uint64_t object)
{
	return get_freepointer(sim, s, object);
}

/* set_freepointer() without the double-free check, at any address: nothing outside a slab */
void set_freepointer_raw(struct sim *sim, const struct kmem_cache *s, uint64_t object, uint64_t fp)
{
	const struct slab *slab = virt_to_slab(sim, object + s->offset);

	if (slab)
		slab_set_freepointer(sim, s, slab, object, fp);
}

/* mm/slub.c set_freepointer(): BUG_ON(object == fp), the naive double free */
void report_freepointer_bug(struct sim *sim, const struct kmem_cache *s, const struct slab *slab, uint64_t object)
{
	report_fault(sim, FAULT_BUG_DOUBLE_FREE, s, slab, object, NULL,
		     "kernel BUG at mm/slub.c:419!\ninvalid opcode: 0000 [#1] PREEMPT SMP NOPTI\n"
		     "RIP: 0010:set_freepointer: the object being freed is already the head of the freelist",
		     NULL);
}

/* ------------------------------------------------------------------ lists */

static struct slub_node *node_of(const struct kmem_cache *s)
{
	return &s->node[0];
}

static void slab_set_state(struct sim *sim, struct slab *slab, enum slab_state to)
{
	enum slab_state from = (enum slab_state)slab->state;

	slab->state = (uint8_t)to;
	/* slabs change lists on most slow paths: build the event only for an observer */
	if (from != to && sim->observer) {
		struct sim_event ev = { .kind = EV_SLAB_MOVE, .cache = slab_cache(sim, slab),
					.addr = slab_base(sim, slab), .order = slab->order,
					.from = from, .to = to, .cpu = slab->cpu };

		sim_emit(sim, &ev);
	}
}

static void list_link(struct sim *sim, uint32_t *head, uint32_t *tail, struct slab *slab, int to_tail)
{
	uint32_t i = slab_index(sim, slab);

	if (to_tail) {
		slab->prev = *tail;
		slab->next = SLAB_NONE;
		if (*tail != SLAB_NONE)
			sim->slabs[*tail].next = i;
		else
			*head = i;
		*tail = i;
	} else {
		slab->next = *head;
		slab->prev = SLAB_NONE;
		if (*head != SLAB_NONE)
			sim->slabs[*head].prev = i;
		else
			*tail = i;
		*head = i;
	}
}

static void list_unlink(struct sim *sim, uint32_t *head, uint32_t *tail, struct slab *slab)
{
	if (slab->prev != SLAB_NONE)
		sim->slabs[slab->prev].next = slab->next;
	else
		*head = slab->next;
	if (slab->next != SLAB_NONE)
		sim->slabs[slab->next].prev = slab->prev;
	else
		*tail = slab->prev;
	slab->next = slab->prev = SLAB_NONE;
}

enum { DEACTIVATE_TO_HEAD, DEACTIVATE_TO_TAIL };

/* mm/slub.c add_partial() */
static void add_partial(struct sim *sim, struct kmem_cache *s, struct slab *slab, int tail)
{
	struct slub_node *n = node_of(s);

	/*
	 * Only a freelist broken by a stray write makes a slab on the partial
	 * list look full: the kernel's list_add() would corrupt the list
	 * (lib/list_debug.c reports "list_add double add"); the model reports
	 * it and keeps its list whole.
	 */
	if (slab->state == SLAB_NODE_PARTIAL) {
		report_fault(sim, FAULT_FREECHAIN, s, slab, 0, "list_add double add",
			     "the slab is on the partial list already: its freelist said it was full", NULL);
		return;
	}
	list_link(sim, &n->partial_head, &n->partial_tail, slab, tail == DEACTIVATE_TO_TAIL);
	n->nr_partial++;
	slab_set_state(sim, slab, SLAB_NODE_PARTIAL);
}

/* mm/slub.c remove_partial() */
static void remove_partial(struct sim *sim, struct kmem_cache *s, struct slab *slab)
{
	struct slub_node *n = node_of(s);

	list_unlink(sim, &n->partial_head, &n->partial_tail, slab);
	n->nr_partial--;
	slab_set_state(sim, slab, SLAB_FULL);
}

/* mm/slub.c add_full(): only debug caches with SLAB_STORE_USER track full slabs */
static void add_full(struct sim *sim, struct kmem_cache *s, struct slab *slab)
{
	struct slub_node *n = node_of(s);

	if (!(s->flags & SLAB_STORE_USER)) {
		slab_set_state(sim, slab, SLAB_FULL);
		return;
	}
	list_link(sim, &n->full_head, &n->full_tail, slab, 0);
	slab_set_state(sim, slab, SLAB_DEBUG_FULL);
}

static void remove_full(struct sim *sim, struct kmem_cache *s, struct slab *slab)
{
	struct slub_node *n = node_of(s);

	if (slab->state == SLAB_DEBUG_FULL)
		list_unlink(sim, &n->full_head, &n->full_tail, slab);
	if (slab->state != SLAB_NODE_PARTIAL)	/* see add_partial() */
		slab_set_state(sim, slab, SLAB_FULL);
}

/* Off whichever node list the slab is on, before it is discarded: a broken freelist can make prior lie. */
static void remove_node_list(struct sim *sim, struct kmem_cache *s, struct slab *slab)
{
	if (slab->state == SLAB_NODE_PARTIAL)
		remove_partial(sim, s, slab);
	else
		remove_full(sim, s, slab);
}

/* ------------------------------------------------------------------ slabs */

/* mm/slub.c shuffle_freelist(): the cache's permutation from a random start */
static int shuffle_freelist(struct sim *sim, struct kmem_cache *s, struct slab *slab)
{
	unsigned count = s->oo.objects, pos, idx;
	uint64_t cur, next;

	if (slab->objects < 2 || !s->random_seq)
		return 0;
	pos = rng_below(&sim->rng, count);
	/* entries past a fallback slab's end are skipped */
	do {
		idx = s->random_seq[pos];
		pos = (pos + 1) % count;
	} while (idx >= slab->objects);
	cur = slab_obj(sim, slab, idx);
	setup_object_debug(sim, slab, cur);
	slab->freelist = cur;
	for (unsigned i = 1; i < slab->objects; i++) {
		do {
			idx = s->random_seq[pos];
			pos = (pos + 1) % count;
		} while (idx >= slab->objects);
		next = slab_obj(sim, slab, idx);
		setup_object_debug(sim, slab, next);
		set_freepointer_raw(sim, s, cur, next);
		cur = next;
	}
	set_freepointer_raw(sim, s, cur, 0);
	return 1;
}

static uint32_t alloc_slab_pages(struct sim *sim, unsigned order, uint32_t owner)
{
	uint32_t pfn = page_alloc_block(&sim->pa, order, PAGE_SLAB, owner);

	if (pfn != PFN_NONE) {
		struct sim_event ev = { .kind = EV_PAGE_ALLOC, .addr = pfn_to_addr(&sim->pa, pfn), .order = order };

		sim_emit(sim, &ev);
	}
	return pfn;
}

/* mm/slub.c allocate_slab(): preferred order first, then s->min */
static struct slab *allocate_slab(struct sim *sim, struct kmem_cache *s, int *fallback)
{
	uint32_t i = slab_pool_get(sim), pfn;
	struct kmem_cache_order_objects oo = s->oo;
	struct slab *slab;
	size_t bytes;

	if (i == SLAB_NONE)
		return NULL;
	*fallback = 0;
	pfn = alloc_slab_pages(sim, oo.order, i);
	if (pfn == PFN_NONE) {
		oo = s->min;
		pfn = alloc_slab_pages(sim, oo.order, i);
		*fallback = 1;
	}
	slab = &sim->slabs[i];
	if (pfn == PFN_NONE) {
		slab_pool_put(sim, i);
		return NULL;
	}
	bytes = slab_data_size(sim, oo.order, oo.objects);
	slab->data = calloc(1, bytes);	/* fresh pages: every object clean */
	if (!slab->data) {
		page_free_block(&sim->pa, pfn, oo.order);
		slab_pool_put(sim, i);
		return NULL;
	}
	slab->live = 1;
	slab->pfn = pfn;
	slab->order = (uint8_t)oo.order;
	slab->objects = (uint16_t)oo.objects;
	slab->inuse = 0;
	slab->frozen = 0;
	slab->cache = s->index;
	slab->cpu = 0;
	slab->next = slab->prev = SLAB_NONE;
	slab->state = SLAB_FULL;
	slab->serial = ++sim->slab_serial;
	setup_slab_debug(sim, slab);
	if (!shuffle_freelist(sim, s, slab)) {
		/* ascending addresses */
		uint64_t p = slab_obj(sim, slab, 0);

		slab->freelist = p;
		for (unsigned k = 0; k < slab->objects; k++) {
			uint64_t next = k + 1 < slab->objects ? slab_obj(sim, slab, k + 1) : 0;

			setup_object_debug(sim, slab, p);
			set_freepointer_raw(sim, s, p, next);
			p = next;
		}
	}
	return slab;
}

/* mm/slub.c new_slab() + inc_slabs_node() */
static struct slab *new_slab(struct sim *sim, struct kmem_cache *s)
{
	struct slub_node *n = node_of(s);
	struct sim_event ev = { .kind = EV_SLAB_NEW, .cache = s };
	int fallback;
	struct slab *slab = allocate_slab(sim, s, &fallback);

	if (!slab)
		return NULL;
	n->nr_slabs++;
	n->total_objects += slab->objects;
	sim->op->new_slabs++;
	if (fallback && sim->op->path == PATH_NONE)
		sim->op->path = PATH_NEW_SLAB_FALLBACK;
	ev.addr = slab_address(sim, slab);
	ev.order = slab->order;
	sim_emit(sim, &ev);
	return slab;
}

/* mm/slub.c discard_slab(): dec_slabs_node() + free_slab() */
static void discard_slab(struct sim *sim, struct kmem_cache *s, struct slab *slab)
{
	struct slub_node *n = node_of(s);
	struct sim_event ev = { .kind = EV_SLAB_DISCARD, .cache = s, .addr = slab_address(sim, slab),
				.order = slab->order };
	struct sim_event pev = { .kind = EV_PAGE_FREE, .addr = ev.addr, .order = slab->order };

	n->nr_slabs--;
	n->total_objects -= slab->objects;
	sim->op->discarded_slabs++;
	sim_emit(sim, &ev);
	page_free_block(&sim->pa, slab->pfn, slab->order);
	sim_emit(sim, &pev);
	slab_pool_put(sim, slab_index(sim, slab));
}

/* ------------------------------------------------------------------ cpu partial */

/* mm/slub.c __unfreeze_partials(): head first; empty slabs beyond min_partial go */
static void unfreeze_partials(struct sim *sim, struct kmem_cache *s, uint32_t first)
{
	uint32_t discard = SLAB_NONE;

	while (first != SLAB_NONE) {
		struct slab *slab = &sim->slabs[first];

		first = slab->next;
		slab->frozen = 0;
		slab->next = slab->prev = SLAB_NONE;
		if (!slab->inuse && node_of(s)->nr_partial >= s->min_partial) {
			slab_set_state(sim, slab, SLAB_FULL);
			slab->next = discard;
			discard = slab_index(sim, slab);
		} else {
			add_partial(sim, s, slab, DEACTIVATE_TO_TAIL);
		}
	}
	while (discard != SLAB_NONE) {
		struct slab *slab = &sim->slabs[discard];

		discard = slab->next;
		discard_slab(sim, s, slab);
	}
}

/* mm/slub.c put_cpu_partial(): push on this CPU's list; a full list drains first */
static void put_cpu_partial(struct sim *sim, struct kmem_cache *s, struct slab *slab, unsigned cpu, int drain)
{
	struct slub_cpu *c = &s->cpu[cpu];
	uint32_t old = c->partial, to_unfreeze = SLAB_NONE;
	uint32_t slabs = 0;

	if (old != SLAB_NONE) {
		if (drain && sim->slabs[old].slabs >= s->cpu_partial_slabs) {
			to_unfreeze = old;
			old = SLAB_NONE;
		} else {
			slabs = sim->slabs[old].slabs;
		}
	}
	slab->slabs = slabs + 1;
	slab->next = old;
	slab->prev = SLAB_NONE;
	slab->cpu = cpu;
	c->partial = slab_index(sim, slab);
	slab_set_state(sim, slab, SLAB_CPU_PARTIAL);
	if (to_unfreeze != SLAB_NONE)
		unfreeze_partials(sim, s, to_unfreeze);
}

/* ------------------------------------------------------------------ deactivate */

/* Walk a freelist for at most @limit objects: its length, its tail, and whether it ends. */
static int freelist_walk(const struct sim *sim, const struct kmem_cache *s, const struct slab *slab, uint64_t head,
			 unsigned limit, uint64_t *tail, unsigned *count)
{
	unsigned n = 0;
	uint64_t cur = head, last = 0;

	while (cur) {
		if (n == limit || !check_valid_pointer(sim, slab, cur))
			return -1;
		last = cur;
		n++;
		cur = get_freepointer(sim, s, cur);
	}
	*tail = last;
	*count = n;
	return 0;
}

static void report_freechain(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t head)
{
	report_fault(sim, FAULT_FREECHAIN, s, slab, head, "Freechain corrupt",
		     "The freelist does not end inside the slab: a freed object was freed again or "
		     "a free pointer was overwritten.",
		     "Isolate corrupted freechain");
}

/* mm/slub.c deactivate_slab(): give the cpu slab and its cpu freelist back to the node */
static void deactivate_slab(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t freelist)
{
	struct slub_node *n = node_of(s);
	int tail = slab->freelist ? DEACTIVATE_TO_TAIL : DEACTIVATE_TO_HEAD;
	uint64_t ftail = 0;
	unsigned delta = 0;

	if (freelist && freelist_walk(sim, s, slab, freelist, slab->objects, &ftail, &delta)) {
		/* a cycle or a bad pointer: the kernel would loop or crash; drop the cpu freelist */
		report_freechain(sim, s, slab, freelist);
		freelist = 0;
		delta = 0;
	}
	if (delta) {
		slab->inuse = (uint16_t)(slab->inuse - MIN(delta, slab->inuse));
		set_freepointer_raw(sim, s, ftail, slab->freelist);
		slab->freelist = freelist;
	}
	slab->frozen = 0;
	slab->next = slab->prev = SLAB_NONE;
	if (!slab->inuse && n->nr_partial >= s->min_partial) {
		slab_set_state(sim, slab, SLAB_FULL);
		discard_slab(sim, s, slab);
	} else if (slab->freelist) {
		add_partial(sim, s, slab, tail);
	} else {
		slab_set_state(sim, slab, SLAB_FULL);
	}
}

/* flush_slab() + unfreeze_partials() for one CPU */
static void flush_cpu(struct sim *sim, struct kmem_cache *s, unsigned cpu)
{
	struct slub_cpu *c = &s->cpu[cpu];

	if (c->slab != SLAB_NONE) {
		struct slab *slab = &sim->slabs[c->slab];
		uint64_t freelist = c->freelist;

		c->slab = SLAB_NONE;
		c->freelist = 0;
		deactivate_slab(sim, s, slab, freelist);
	}
	if (c->partial != SLAB_NONE) {
		uint32_t first = c->partial;

		c->partial = SLAB_NONE;
		unfreeze_partials(sim, s, first);
	}
}

void sim_flush_cache(struct sim *sim, struct kmem_cache *s)
{
	struct sim_op *saved = sim->op;

	if (!saved)
		op_begin(sim, NULL, 0);
	/* flush_cpu_slab() on each CPU: 6.18+ the percpu sheaves first, into the slabs */
	for (unsigned cpu = 0; cpu < sim->env.cpus; cpu++) {
		if (s->sheaves)
			pcs_flush_cpu(sim, s, cpu);
		flush_cpu(sim, s, cpu);
	}
	if (!saved)
		sim->op = NULL;
}

/* ------------------------------------------------------------------ allocation */

/* A cpu freelist's next pointer leaves its slab: report, and drop the rest of the freelist. */
void report_freelist_corrupt(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t object)
{
	/* the kernel would dereference it: a general protection fault */
	report_fault(sim, FAULT_FREEPTR, s, slab, object, "Freepointer corrupt",
		     "general protection fault: the free pointer of a free object does not point into its "
		     "slab (a write after free?)",
		     "dropping the rest of the cpu freelist");
}

/* mm/slub.c get_freelist(): take the cpu slab's own freelist; a full slab unfreezes */
static uint64_t get_freelist(struct slab *slab)
{
	uint64_t freelist = slab->freelist;

	slab->freelist = 0;
	slab->inuse = slab->objects;
	slab->frozen = freelist != 0;
	return freelist;
}

static void report_slab_freelist_corrupt(struct sim *sim, struct kmem_cache *s, struct slab *slab,
					 uint64_t object)
{
	/* the kernel would write its debug patterns there: memory corruption or an oops */
	report_fault(sim, FAULT_FREEPTR, s, slab, object, "Freepointer corrupt",
		     "the free pointer of a free object does not point into its slab (a write after free?)",
		     "Marking all objects used");
}

/*
 * slab->freelist moves past @object, which is taken (@inuse objects then).
 * Without SLAB_CONSISTENCY_CHECKS nothing in alloc_debug_processing() looks at
 * the next object before init_object() writes to it; a next pointer outside
 * the slab is reported here and the rest of the freelist dropped, as
 * cpu_freelist_pop() does. With the checks, alloc_consistency_checks() reports
 * it when it is taken ("Freelist Pointer check fails"), as in the kernel.
 */
static void slab_freelist_advance(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t object,
				  unsigned inuse)
{
	uint64_t next = get_freepointer(sim, s, object);

	if (!(s->flags & SLAB_CONSISTENCY_CHECKS) && !check_valid_pointer(sim, slab, next)) {
		report_slab_freelist_corrupt(sim, s, slab, object);
		next = 0;
		inuse = slab->objects;
	}
	slab->freelist = next;
	slab->inuse = (uint16_t)inuse;
}

/* mm/slub.c alloc_single_from_partial() (6.1+: a debug cache has no cpu slab) */
static uint64_t alloc_single_from_partial(struct sim *sim, struct kmem_cache *s, struct slab *slab,
					  uint64_t orig_size)
{
	uint64_t object = slab->freelist;

	if (!object) {
		/* a stray write ended the freelist early: nothing to take, and the slab counts as full */
		report_slab_freelist_corrupt(sim, s, slab, 0);
		slab->inuse = slab->objects;
		remove_partial(sim, s, slab);
		add_full(sim, s, slab);
		return 0;
	}
	slab_freelist_advance(sim, s, slab, object, slab->inuse + 1u);
	if (!alloc_debug_processing(sim, slab, object, orig_size)) {
		remove_partial(sim, s, slab);
		return 0;
	}
	if (slab->inuse == slab->objects) {
		remove_partial(sim, s, slab);
		add_full(sim, s, slab);
	}
	return object;
}

/* mm/slub.c alloc_single_from_new_slab() */
static uint64_t alloc_single_from_new_slab(struct sim *sim, struct kmem_cache *s, struct slab *slab,
					   uint64_t orig_size)
{
	uint64_t object = slab->freelist;

	slab_freelist_advance(sim, s, slab, object, 1);
	if (!alloc_debug_processing(sim, slab, object, orig_size))
		return 0;
	if (slab->inuse == slab->objects)
		add_full(sim, s, slab);
	else
		add_partial(sim, s, slab, DEACTIVATE_TO_HEAD);
	return object;
}

/* mm/slub.c acquire_slab(): freeze a node partial slab, taking its freelist if @take */
static uint64_t acquire_slab(struct sim *sim, struct kmem_cache *s, struct slab *slab, int take)
{
	uint64_t freelist = slab->freelist;

	remove_partial(sim, s, slab);
	if (take) {
		slab->inuse = slab->objects;
		slab->freelist = 0;
	}
	slab->frozen = 1;
	return freelist;
}

/*
 * mm/slub.c get_partial_node(): the first usable slab becomes the cpu slab;
 * more are moved to the cpu partial list until half of cpu_partial_slabs.
 */
static uint64_t get_partial_node(struct sim *sim, struct kmem_cache *s, unsigned cpu, uint64_t orig_size,
				 struct slab **out)
{
	struct slub_node *n = node_of(s);
	uint32_t i = n->partial_head;
	uint64_t object = 0;
	unsigned partial_slabs = 0;

	while (i != SLAB_NONE) {
		struct slab *slab = &sim->slabs[i];
		uint32_t next = slab->next;

		if (kmem_cache_debug(s)) {
			object = alloc_single_from_partial(sim, s, slab, orig_size);
			if (object) {
				*out = slab;
				break;
			}
			i = next;
			continue;
		}
		if (!object) {
			object = acquire_slab(sim, s, slab, 1);
			*out = slab;
		} else {
			acquire_slab(sim, s, slab, 0);
			put_cpu_partial(sim, s, slab, cpu, 0);
			partial_slabs++;
		}
		if (!sim->env.cpu_partial_enabled || !s->cpu_partial || partial_slabs > s->cpu_partial_slabs / 2)
			break;
		i = next;
	}
	return object;
}

static void set_cpu_slab(struct sim *sim, struct kmem_cache *s, unsigned cpu, struct slab *slab)
{
	slab->cpu = cpu;
	slab->next = slab->prev = SLAB_NONE;
	s->cpu[cpu].slab = slab_index(sim, slab);
	slab_set_state(sim, slab, SLAB_CPU);
}

/* mm/slub.c ___slab_alloc(): slab_alloc()'s slow path */
uint64_t slab_alloc_slow(struct sim *sim, struct kmem_cache *s, unsigned cpu, uint64_t orig_size)
{
	struct slub_cpu *c = &s->cpu[cpu];
	struct slab *slab;
	uint64_t freelist;

	for (;;) {
		if (c->slab != SLAB_NONE) {
			/* the cpu slab's own freelist: objects other CPUs freed into it */
			slab = &sim->slabs[c->slab];
			freelist = get_freelist(slab);
			if (freelist) {
				note_path(sim, PATH_REFILL);
				goto load_freelist;
			}
			/* full: it leaves the CPU and is on no list */
			c->slab = SLAB_NONE;
			slab_set_state(sim, slab, SLAB_FULL);
		}
		if (c->partial == SLAB_NONE)
			break;
		/* new_slab: pop the head of the cpu partial list and retry with it */
		slab = &sim->slabs[c->partial];
		c->partial = slab->next;
		set_cpu_slab(sim, s, cpu, slab);
		note_path(sim, PATH_CPU_PARTIAL);
	}

	/* new_objects: the node partial list, then fresh pages */
	slab = NULL;
	freelist = get_partial_node(sim, s, cpu, orig_size, &slab);
	if (freelist) {
		if (kmem_cache_debug(s)) {
			note_path(sim, PATH_DEBUG_PARTIAL);
			return freelist;
		}
		note_path(sim, PATH_NODE_PARTIAL);
	} else {
		/* a debug cache retries once should a fresh slab fail its checks */
		for (int tries = 0;; tries++) {
			slab = new_slab(sim, s);
			if (!slab) {
				report_slab_oom(sim, s);
				return 0;
			}
			if (!kmem_cache_debug(s))
				break;
			freelist = alloc_single_from_new_slab(sim, s, slab, orig_size);
			if (freelist) {
				note_path(sim, PATH_DEBUG_NEW_SLAB);
				return freelist;
			}
			if (tries)
				return 0;
		}
		note_path(sim, PATH_NEW_SLAB);
		freelist = slab->freelist;
		slab->freelist = 0;
		slab->inuse = slab->objects;
		slab->frozen = 1;
	}
	/* retry_load_slab: in this sequential model no cpu slab appeared meanwhile */
	set_cpu_slab(sim, s, cpu, slab);
load_freelist:
	c->freelist = freelist;
	cpu_freelist_pop(sim, s, c, freelist);
	return freelist;
}

/* ------------------------------------------------------------------ free */

/* 59090e479ac7 "mm, slub: avoid zeroing kmalloc redzone" (6.12; stable, docs/KERNEL-VERSIONS.md) */
static const unsigned init_free_keep_redzone_stable[] = { KVS(6, 10, 14), KVS(6, 11, 3), 0 };

/*
 * mm/slub.c slab_free_hook() with init: zero the object and the metadata
 * from get_info_end() on, but not the left red zone. Before 59090e479ac7 that
 * zeroed the kmalloc red zone and orig_size with it, so a debug cache with U
 * and Z found its own "kmalloc Redzone overwritten" at every kfree; since,
 * only orig_size bytes are cleared and orig_size is written back.
 */
void slab_free_init(struct sim *sim, const struct kmem_cache *s, struct slab *slab, uint64_t object)
{
	unsigned char *p = slab_bytes(sim, slab, object);
	unsigned info_end = get_info_end(&sim->env, s);
	unsigned rsize = (s->flags & SLAB_RED_ZONE) ? s->red_left_pad : 0;
	int keep = kv_has(sim->env.kver, KV(6, 12), init_free_keep_redzone_stable);
	uint64_t orig_size = get_orig_size(sim, slab, object);

	memset(p, 0, keep ? MIN(orig_size, s->object_size) : s->object_size);
	memset(p + info_end, 0, s->size - info_end - rsize);
	if (keep)
		set_orig_size(sim, slab, object, orig_size);
}

/* mm/slub.c free_to_partial_list() (6.1: inside free_debug_processing()): debug caches, under the node lock */
void free_to_partial_list(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t object)
{
	struct slub_node *n = node_of(s);
	uint64_t prior;
	int empty;

	if (!free_debug_checks(sim, slab, object)) {
		sim->op->path = PATH_FREE_REJECTED;
		return;
	}
	free_debug_finish(sim, slab, object);
	prior = slab->freelist;
	slab->inuse--;
	set_freepointer_raw(sim, s, object, prior);
	slab->freelist = object;
	empty = slab->inuse == 0 && n->nr_partial >= s->min_partial;
	sim->op->path = PATH_FREE_DEBUG;
	if (empty) {
		remove_node_list(sim, s, slab);
	} else if (!prior) {
		remove_full(sim, s, slab);
		add_partial(sim, s, slab, DEACTIVATE_TO_TAIL);
	}
	if (empty) {
		sim->op->path = PATH_FREE_DISCARD;
		discard_slab(sim, s, slab);
	}
}

/*
 * mm/slub.c __slab_free(): @cnt objects chained from @head to @tail (one
 * object, or a detached freelist of a bulk free) onto a slab that is not
 * this CPU's cpu slab.
 */
static void slab_free_chain(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t head,
			    uint64_t tail, unsigned cnt, unsigned cpu)
{
	struct slub_node *n = node_of(s);
	uint64_t prior = slab->freelist;
	int was_frozen = slab->frozen, on_node_partial;

	if (slab->inuse < cnt) {
		char body[96];
		struct strbuf sb;

		/* more frees than allocations: the counter would wrap */
		sb_init(&sb, body, sizeof(body));
		sb_puts(&sb, "Slab has ");
		sb_putu(&sb, slab->inuse);
		sb_puts(&sb, " allocated objects but ");
		sb_putu(&sb, cnt);
		sb_puts(&sb, " are to be freed");
		report_fault(sim, FAULT_FREECHAIN, s, slab, head, "Wrong object count", body, "Object not freed");
		sim->op->path = PATH_FREE_REJECTED;
		return;
	}
	if (set_freepointer(sim, s, slab, tail, prior)) {
		sim->op->path = PATH_FREE_REJECTED;
		return;
	}
	slab->freelist = head;
	slab->inuse = (uint16_t)(slab->inuse - cnt);
	if (was_frozen) {
		note_path(sim, PATH_FREE_FROZEN);
		return;
	}
	if (!prior && sim->env.cpu_partial_enabled && s->cpu_partial) {
		/* a full slab gets a free object: freeze it onto this CPU's partial list */
		slab->frozen = 1;
		note_path(sim, PATH_FREE_CPU_PARTIAL);
		put_cpu_partial(sim, s, slab, cpu, 1);
		return;
	}
	on_node_partial = prior != 0;
	if (!slab->inuse && n->nr_partial >= s->min_partial) {
		remove_node_list(sim, s, slab);
		note_path(sim, PATH_FREE_DISCARD);
		discard_slab(sim, s, slab);
		return;
	}
	if (!on_node_partial) {
		/* no cpu partial lists: a full slab goes back to the node list */
		remove_full(sim, s, slab);
		add_partial(sim, s, slab, DEACTIVATE_TO_TAIL);
		note_path(sim, PATH_FREE_ADD_PARTIAL);
		return;
	}
	note_path(sim, PATH_FREE_PARTIAL);
}

void slab_free_slow(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t object, unsigned cpu)
{
	slab_free_chain(sim, s, slab, object, object, 1, cpu);
}

/* A detached freelist: objects of one slab chained for one do_slab_free(). */
struct detached_freelist {
	struct slab *slab;
	uint64_t freelist, tail;
	unsigned cnt;
};

/*
 * mm/slub.c build_detached_freelist(): from the end of @p, chain the objects
 * of the last one's slab, looking past at most three of other slabs; those
 * stay in front. Returns how many objects are left to free.
 */
static size_t build_detached_freelist(struct sim *sim, struct kmem_cache *s, size_t size, uint64_t *p,
				      struct detached_freelist *df)
{
	unsigned lookahead = 3;
	uint64_t object = p[--size];
	size_t same = size;

	df->slab = virt_to_slab(sim, object);
	df->freelist = df->tail = object;
	df->cnt = 1;
	slab_set_freepointer(sim, s, df->slab, object, 0);
	while (size) {
		object = p[--size];
		if (virt_to_slab(sim, object) == df->slab) {
			/* set_freepointer() BUGs on the naive double free: the model drops the copy */
			if (!set_freepointer(sim, s, df->slab, object, df->freelist)) {
				df->freelist = object;
				df->cnt++;
			}
			same--;
			if (size != same) {
				uint64_t t = p[size];

				p[size] = p[same];
				p[same] = t;
			}
			continue;
		}
		if (!--lookahead)
			break;
	}
	return same;
}

/* mm/slub.c __kmem_cache_free_bulk(): the objects of @p (not debug, no hooks) back to their slabs */
void slab_free_bulk(struct sim *sim, struct kmem_cache *s, uint64_t *p, size_t size, unsigned cpu)
{
	struct slub_cpu *c = &s->cpu[cpu];
	/* a flush inside another operation: that one's path is what the record says */
	enum sim_path path = sim->op->path;

	while (size) {
		struct detached_freelist df;

		size = build_detached_freelist(sim, s, size, p, &df);
		/* do_slab_free(): this CPU's cpu slab takes the whole chain onto its freelist */
		if (c->slab == slab_index(sim, df.slab)) {
			slab_set_freepointer(sim, s, df.slab, df.tail, c->freelist);
			c->freelist = df.freelist;
			note_path(sim, PATH_FREE_FAST);
			continue;
		}
		slab_free_chain(sim, s, df.slab, df.freelist, df.tail, df.cnt, cpu);
	}
	sim->op->path = path;
}

/* ------------------------------------------------------------------ cache state */

int slub_cache_init(struct sim *sim, struct kmem_cache *s)
{
	s->cpu = malloc(sim->env.cpus * sizeof(*s->cpu));
	s->node = calloc(1, sizeof(*s->node));
	if (!s->cpu || !s->node) {
		free(s->cpu);
		free(s->node);
		s->cpu = NULL;
		s->node = NULL;
		return -1;
	}
	for (unsigned i = 0; i < sim->env.cpus; i++) {
		s->cpu[i].freelist = 0;
		s->cpu[i].slab = SLAB_NONE;
		s->cpu[i].partial = SLAB_NONE;
	}
	s->node->partial_head = s->node->partial_tail = SLAB_NONE;
	s->node->full_head = s->node->full_tail = SLAB_NONE;
	return 0;
}

int slub_cache_clone(const struct sim *src, struct kmem_cache *dst, const struct kmem_cache *s)
{
	dst->cpu = malloc(src->env.cpus * sizeof(*dst->cpu));
	dst->node = malloc(sizeof(*dst->node));
	if (!dst->cpu || !dst->node)
		return -1;
	memcpy(dst->cpu, s->cpu, src->env.cpus * sizeof(*dst->cpu));
	*dst->node = *s->node;
	return 0;
}

static unsigned char *dup_bytes(const unsigned char *p, size_t n)
{
	unsigned char *d;

	if (!p)
		return NULL;
	d = malloc(n);
	if (d)
		memcpy(d, p, n);
	return d;
}

int slub_clone(struct sim *dst, const struct sim *src)
{
	size_t page = src->env.ac.page_size;

	if (page_alloc_clone(&dst->pa, &src->pa))
		return -1;
	dst->slabs = NULL;
	dst->large = NULL;
	if (src->slabs_cap && !(dst->slabs = malloc(src->slabs_cap * sizeof(*dst->slabs))))
		return -1;
	if (src->nr_slab_entries)
		memcpy(dst->slabs, src->slabs, src->nr_slab_entries * sizeof(*dst->slabs));
	/* no entry may share the source's bytes, even if a copy below fails */
	for (uint32_t i = 0; i < src->nr_slab_entries; i++)
		dst->slabs[i].data = NULL;
	for (uint32_t i = 0; i < src->nr_slab_entries; i++) {
		struct slab *slab = &dst->slabs[i];

		slab->data = slab->live ? dup_bytes(src->slabs[i].data, slab_data_size(src, slab->order, slab->objects))
					: NULL;
		if (slab->live && !slab->data)
			return -1;
	}
	if (src->large_cap && !(dst->large = malloc(src->large_cap * sizeof(*dst->large))))
		return -1;
	if (src->nr_large_entries)
		memcpy(dst->large, src->large, src->nr_large_entries * sizeof(*dst->large));
	for (uint32_t i = 0; i < src->nr_large_entries; i++)
		dst->large[i].data = NULL;
	for (uint32_t i = 0; i < src->nr_large_entries; i++) {
		struct large_block *b = &dst->large[i];

		b->data = b->live ? dup_bytes(src->large[i].data, page << b->order) : NULL;
		if (b->live && src->large[i].data && !b->data)
			return -1;
	}
	return 0;
}

void slub_cache_release(struct sim *sim, struct kmem_cache *s)
{
	(void)sim;	/* may be NULL: a cache copy that failed half way */
	free(s->cpu);
	free(s->node);
	s->cpu = NULL;
	s->node = NULL;
}

void free_partial(struct sim *sim, struct kmem_cache *s)
{
	struct slub_node *n = node_of(s);
	uint32_t i = n->partial_head;

	while (i != SLAB_NONE) {
		struct slab *slab = &sim->slabs[i];

		i = slab->next;
		if (slab->inuse) {
			list_slab_objects(sim, s, slab);
			continue;
		}
		remove_partial(sim, s, slab);
		discard_slab(sim, s, slab);
	}
}

/* mm/slub.c SHRINK_PROMOTE_MAX */
#define SHRINK_PROMOTE_MAX 32u

/* A partial slab that __kmem_cache_do_shrink() promotes into list @b (free objects - 1) */
static int shrink_bucket(const struct slab *slab, unsigned b)
{
	unsigned free = slab->objects - slab->inuse;

	return slab->state == SLAB_NODE_PARTIAL && free == b + 1 && free < slab->objects;
}

/*
 * mm/slub.c __kmem_cache_do_shrink() on the node partial list: the empty
 * slabs go back to the page allocator, the slabs with at most
 * SHRINK_PROMOTE_MAX free objects move to the head, fullest first, each
 * group in reverse list order (list_move() into it, list_splice() of it);
 * the others stay behind them in their order. -1 when the host is short.
 */
static int shrink_partial(struct sim *sim, struct kmem_cache *s)
{
	struct slub_node *n = node_of(s);
	uint32_t k = 0, *list = malloc((n->nr_partial + 1) * sizeof(*list));

	if (!list)
		return -1;
	for (uint32_t i = n->partial_head; i != SLAB_NONE && k < n->nr_partial; i = sim->slabs[i].next)
		list[k++] = i;
	for (uint32_t j = 0; j < k; j++)
		if (!sim->slabs[list[j]].inuse)
			remove_partial(sim, s, &sim->slabs[list[j]]);
	for (unsigned b = SHRINK_PROMOTE_MAX; b-- > 0;) {
		for (uint32_t j = 0; j < k; j++) {
			struct slab *slab = &sim->slabs[list[j]];

			if (!shrink_bucket(slab, b))
				continue;
			list_unlink(sim, &n->partial_head, &n->partial_tail, slab);
			list_link(sim, &n->partial_head, &n->partial_tail, slab, 0);
		}
	}
	/* the discard list was built by list_move() too: the last empty slab goes first */
	while (k--)
		if (sim->slabs[list[k]].state == SLAB_FULL && !sim->slabs[list[k]].inuse)
			discard_slab(sim, s, &sim->slabs[list[k]]);
	free(list);
	return 0;
}

int sim_kmem_cache_shrink(struct sim *sim, struct kmem_cache *s, struct sim_op *op)
{
	op_begin(sim, op, 0);
	sim->op->cache = s;
	/* __kmem_cache_shrink(): flush_all(), then per node the barn (6.18+) and the partial list */
	sim_flush_cache(sim, s);
	if (s->sheaves)
		barn_shrink(sim, s);
	if (shrink_partial(sim, s))
		return -SIM_ENOMEM;
	return node_of(s)->nr_slabs != 0;
}

/* mm/slub.c __kmem_cache_shutdown(): 0 when no slab is left, else the cache stays */
int kmem_cache_shutdown(struct sim *sim, struct kmem_cache *s)
{
	struct slub_node *n = node_of(s);

	sim_flush_cache(sim, s);
	if (s->sheaves)
		barn_shrink(sim, s);
	free_partial(sim, s);
	return n->nr_partial || n->nr_slabs;
}

int slub_init(struct sim *sim)
{
	const struct arch_consts *ac = &sim->env.ac;

	sim->free_slab = SLAB_NONE;
	sim->free_large = SLAB_NONE;
	sim->init_on_alloc = config_init_on_alloc(&sim->cfg);
	sim->init_on_free = config_init_on_free(&sim->cfg);
	return page_alloc_init(&sim->pa, sim->cfg.mem_bytes, ac->page_shift, ac->max_page_order,
			       ac->page_offset + ac->phys_start);
}

void slub_release(struct sim *sim)
{
	for (uint32_t i = 0; i < sim->nr_slab_entries; i++)
		free(sim->slabs[i].data);
	free(sim->slabs);
	for (uint32_t i = 0; i < sim->nr_large_entries; i++)
		free(sim->large[i].data);
	free(sim->large);
	page_alloc_release(&sim->pa);
}

/* ------------------------------------------------------------------ statistics */

void kmem_cache_stats(const struct sim *sim, const struct kmem_cache *s, struct cache_stats *st)
{
	const struct slub_node *n = s->node;

	memset(st, 0, sizeof(*st));
	if (!n)
		return;
	st->slabs = n->nr_slabs;
	st->total_objects = n->total_objects;
	st->partial = n->nr_partial;
	st->objects = n->total_objects;
	for (uint32_t i = n->partial_head; i != SLAB_NONE; i = sim->slabs[i].next) {
		const struct slab *slab = &sim->slabs[i];

		st->objects -= slab->objects - slab->inuse;
		st->objects_partial += slab->inuse;
	}
	for (unsigned cpu = 0; cpu < sim->env.cpus; cpu++) {
		const struct slub_cpu *c = &s->cpu[cpu];

		/* show_slab_objects(SO_CPU) skips a CPU without a cpu slab entirely */
		if (c->slab == SLAB_NONE)
			continue;
		st->cpu_slabs++;
		if (c->partial != SLAB_NONE) {
			st->cpu_slabs += sim->slabs[c->partial].slabs;
			st->cpu_partial_slabs += sim->slabs[c->partial].slabs;
		}
	}
	st->cpu_partial_objects = st->cpu_partial_slabs * s->oo.objects / 2;
	if (s->sheaves)
		st->sheaf_objects = sheaves_objects(s);
}

unsigned kmem_cache_cpu_partial_slabs(const struct sim *sim, const struct kmem_cache *s, unsigned cpu)
{
	if (!s->cpu || cpu >= sim->env.cpus || s->cpu[cpu].partial == SLAB_NONE)
		return 0;
	return sim->slabs[s->cpu[cpu].partial].slabs;
}
