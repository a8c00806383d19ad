/*
 * SLUB's consistency walk (mm/slub.c, CONFIG_SLUB_DEBUG): validate_slab_cache(),
 * what writing 1 to /sys/kernel/slab/<cache>/validate runs, the freelist walk
 * the free path shares with it, the leak report of kmem_cache_destroy(), and
 * the error count lib/slub_kunit.c asserts on (slab_errors).
 */
#include <stdlib.h>
#include <string.h>

#include "kver.h"
#include "slub_internal.h"
#include "strbuf.h"

uint64_t sim_slab_errors(const struct sim *sim)
{
	return sim->slab_errors;
}

static void put_ptr(struct strbuf *sb, uint64_t v)
{
	sb_puts(sb, "0x");
	sb_putx(sb, v, 16);
}

/* mm/slub.c slab_err() (with an optional slab_fix() line): a report about a whole slab */
static void slab_err(struct sim *sim, enum sim_fault fault, const struct kmem_cache *s, struct slab *slab,
		     const char *title, const char *fix)
{
	report_fault(sim, fault, s, slab, 0, title, NULL, fix);
}

/* slab_err() about a counter: "Wrong object count. Counter is 0 but counted were 55" */
static void counter_err(struct sim *sim, const struct kmem_cache *s, struct slab *slab, const char *what,
			const char *mid, long a, long b, const char *fix)
{
	char title[128];
	struct strbuf sb;

	sb_init(&sb, title, sizeof(title));
	sb_puts(&sb, what);
	if (a < 0)
		sb_putc(&sb, '-');
	sb_putu(&sb, (uint64_t)(a < 0 ? -a : a));
	sb_puts(&sb, mid);
	if (b < 0)
		sb_putc(&sb, '-');
	sb_putu(&sb, (uint64_t)(b < 0 ? -b : b));
	slab_err(sim, FAULT_SLAB_COUNTERS, s, slab, title, fix);
}

/* mm/slub.c on_freelist() */
int on_freelist(struct sim *sim, struct slab *slab, uint64_t search)
{
	struct kmem_cache *s = slab_cache(sim, slab);
	uint64_t fp = slab->freelist, object = 0;
	long nr = 0, max_objects;

	while (fp && nr <= slab->objects) {
		if (fp == search)
			return 1;
		if (!check_valid_pointer(sim, slab, fp)) {
			if (object) {
				/* object_err(): the chain ends at the last good object */
				report_fault(sim, FAULT_FREECHAIN, s, slab, object, "Freechain corrupt", NULL, NULL);
				set_freepointer_raw(sim, s, object, 0);
				break;
			}
			slab_err(sim, FAULT_FREEPTR, s, slab, "Freepointer corrupt", "Freelist cleared");
			slab->freelist = 0;
			slab->inuse = slab->objects;
			return 0;
		}
		object = fp;
		fp = get_freepointer(sim, s, object);
		nr++;
	}
	/* 6.15+ ("slub: Handle freelist cycle in on_freelist()") */
	if (sim->env.kver >= KV(6, 15) && nr > slab->objects) {
		slab_err(sim, FAULT_FREECHAIN, s, slab, "Freelist cycle detected", "Freelist cleared");
		slab->freelist = 0;
		slab->inuse = slab->objects;
		return 0;
	}
	max_objects = MIN(order_objects(&sim->env, slab->order, s->size), MAX_OBJS_PER_PAGE);
	if (slab->objects != max_objects) {
		counter_err(sim, s, slab, "Wrong number of objects. Found ", " but should be ", slab->objects,
			    max_objects, "Number of objects adjusted");
		slab->objects = (uint16_t)max_objects;
	}
	if (slab->inuse != slab->objects - nr) {
		counter_err(sim, s, slab, "Wrong object count. Counter is ", " but counted were ", slab->inuse,
			    slab->objects - nr, "Object count adjusted");
		/* a cycle before 6.15 counts more free objects than there are: inuse wraps, as the u16 does */
		slab->inuse = (uint16_t)(slab->objects - nr);
	}
	return search == 0;
}

/* "Restoring <what> 0x...-0x...=0x5a", the fix line of restore_bytes() */
static void restoring(char *buf, size_t size, const char *what, uint64_t from, uint64_t to, unsigned char val)
{
	struct strbuf sb;

	sb_init(&sb, buf, size);
	sb_puts(&sb, "Restoring ");
	sb_puts(&sb, what);
	sb_putc(&sb, ' ');
	put_ptr(&sb, from);
	sb_putc(&sb, '-');
	put_ptr(&sb, to - 1);
	sb_puts(&sb, "=0x");
	sb_putx(&sb, val, 1);
}

/* mm/slub.c slab_pad_check(): the bytes after the last object keep POISON_INUSE */
static void slab_pad_check(struct sim *sim, const struct kmem_cache *s, struct slab *slab)
{
	uint64_t length = (uint64_t)sim->env.ac.page_size << slab->order, remainder = length % s->size;
	uint64_t start = slab_base(sim, slab), first = length - remainder, end = length;
	char title[128], fix[128];
	struct strbuf sb;

	if (!(s->flags & SLAB_POISON) || !remainder)
		return;
	while (first < length && slab->data[first] == POISON_INUSE)
		first++;
	if (first == length)
		return;
	while (end > first && slab->data[end - 1] == POISON_INUSE)
		end--;
	sb_init(&sb, title, sizeof(title));
	sb_puts(&sb, "Padding overwritten. ");
	put_ptr(&sb, start + first);
	sb_putc(&sb, '-');
	put_ptr(&sb, start + end - 1);
	sb_puts(&sb, " @offset=");
	sb_putu(&sb, first);
	restoring(fix, sizeof(fix), "slab padding", start + first, start + end, POISON_INUSE);
	slab_err(sim, FAULT_SLAB_PADDING, s, slab, title, fix);
	memset(slab->data + first, POISON_INUSE, end - first);
}

/* mm/slub.c check_slab() */
int check_slab(struct sim *sim, const struct kmem_cache *s, struct slab *slab)
{
	unsigned maxobj = order_objects(&sim->env, slab->order, s->size);

	if (slab->objects > maxobj) {
		counter_err(sim, s, slab, "objects ", " > max ", slab->objects, maxobj, NULL);
		return 0;
	}
	if (slab->inuse > slab->objects) {
		counter_err(sim, s, slab, "inuse ", " > max ", slab->inuse, slab->objects, NULL);
		return 0;
	}
	/* only a debug slab that failed its allocation checks is frozen (slab_disable()) */
	if (slab->frozen) {
		slab_err(sim, FAULT_SLAB_COUNTERS, s, slab, "Slab disabled since SLUB metadata consistency check failed",
			 NULL);
		return 0;
	}
	slab_pad_check(sim, s, slab);
	return 1;
}

/*
 * mm/slub.c __fill_map(): one bit per free object. A freelist that cycles
 * (only before 6.15 can validation get here with one) would keep the kernel
 * walking for ever; the walk stops after one lap.
 */
static void fill_map(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t *map)
{
	uint64_t p = slab->freelist;

	memset(map, 0, (slab->objects + 63) / 64 * sizeof(*map));
	for (unsigned n = 0; p && n <= slab->objects; n++) {
		int i = slab_obj_index(sim, slab, p);

		if (i < 0)
			break;
		map[i / 64] |= 1ull << (i % 64);
		p = get_freepointer(sim, s, p);
	}
}

/* mm/slub.c validate_slab(): free objects must look free, the others allocated */
static void validate_slab(struct sim *sim, struct kmem_cache *s, struct slab *slab, uint64_t *map)
{
	if (!check_slab(sim, s, slab) || !on_freelist(sim, slab, 0))
		return;
	fill_map(sim, s, slab, map);
	for (unsigned i = 0; i < slab->objects; i++) {
		unsigned char val = (map[i / 64] >> (i % 64) & 1) ? SLUB_RED_INACTIVE : SLUB_RED_ACTIVE;

		if (!check_object(sim, slab, slab_obj(sim, slab, i), val))
			break;
	}
}

/* pr_err() + slab_add_kunit_errors() of validate_slab_node(): a list counter that disagrees */
static void list_count_err(struct sim *sim, struct kmem_cache *s, const char *what, uint64_t counted,
			   uint64_t counter)
{
	char body[192];
	struct strbuf sb;

	sb_init(&sb, body, sizeof(body));
	sb_puts(&sb, "SLUB ");
	sb_puts(&sb, s->name);
	sb_puts(&sb, ": ");
	sb_putu(&sb, counted);
	sb_puts(&sb, what);
	sb_putu(&sb, counter);
	report_fault(sim, FAULT_SLAB_COUNTERS, s, NULL, 0, NULL, body, NULL);
	sim->slab_errors++;
}

/* mm/slub.c validate_slab_node(): the partial list, and the full list where SLAB_STORE_USER keeps one */
static uint64_t validate_slab_node(struct sim *sim, struct kmem_cache *s, uint64_t *map)
{
	const struct slub_node *n = s->node;
	uint64_t count = 0;

	for (uint32_t i = n->partial_head; i != SLAB_NONE; i = sim->slabs[i].next, count++)
		validate_slab(sim, s, &sim->slabs[i], map);
	if (count != n->nr_partial)
		list_count_err(sim, s, " partial slabs counted but counter=", count, n->nr_partial);
	if (!(s->flags & SLAB_STORE_USER))
		return count;
	for (uint32_t i = n->full_head; i != SLAB_NONE; i = sim->slabs[i].next, count++)
		validate_slab(sim, s, &sim->slabs[i], map);
	if (count != n->nr_slabs)
		list_count_err(sim, s, " slabs counted but counter=", count, n->nr_slabs);
	return count;
}

/* mm/slub.c validate_store() -> validate_slab_cache() */
long sim_validate_cache(struct sim *sim, struct kmem_cache *s, struct sim_op *op)
{
	uint64_t *map;
	long count;

	if (!kmem_cache_debug(s) || s->dead)
		return -SIM_EINVAL;
	op_begin(sim, op, 0);
	sim->op->cache = s;
	map = malloc((s->oo.objects + 63) / 64 * sizeof(*map));
	if (!map)
		return -SIM_ENOMEM;
	/* flush_all(): cpu slabs and cpu partial slabs go back to the node lists first */
	sim_flush_cache(sim, s);
	count = (long)validate_slab_node(sim, s, map);
	free(map);
	return count;
}

/*
 * mm/slub.c list_slab_objects(): the slab's report, then one line per object
 * still allocated. 6.12+ counts each of those lines as an error too.
 */
void list_slab_objects(struct sim *sim, struct kmem_cache *s, struct slab *slab)
{
	uint64_t *map = malloc((slab->objects + 63) / 64 * sizeof(*map));
	char title[160], body[1024];
	struct strbuf tb, sb;
	unsigned listed = 0;

	sb_init(&tb, title, sizeof(title));
	sb_puts(&tb, "Objects remaining ");
	if (sim->env.kver < KV(6, 12)) {
		sb_puts(&tb, "in ");
		sb_puts(&tb, s->name);
		sb_putc(&tb, ' ');
	}
	sb_puts(&tb, "on __kmem_cache_shutdown()");
	sb_init(&sb, body, sizeof(body));
	if (map)
		fill_map(sim, s, slab, map);
	for (unsigned i = 0; map && i < slab->objects; i++) {
		uint64_t p = slab_obj(sim, slab, i);

		if (map[i / 64] >> (i % 64) & 1)
			continue;
		/* the body is bounded: past its end only the count matters */
		if (sb.len >= sb.size) {
			listed++;
			continue;
		}
		if (listed++)
			sb_putc(&sb, '\n');
		sb_puts(&sb, "Object ");
		put_ptr(&sb, p);
		sb_puts(&sb, " @offset=");
		sb_putu(&sb, p - slab_base(sim, slab));
	}
	free(map);
	report_fault(sim, FAULT_OBJECTS_REMAINING, s, slab, 0, title, listed ? body : NULL, NULL);
	sim->slab_errors += 1 + (sim->env.kver >= KV(6, 12) ? listed : 0);
}
