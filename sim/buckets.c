/* kmem_buckets: mm/slab_common.c kmem_buckets_create(), mm/slub.c __do_kmalloc_node(), mm/util.c memdup_user(). */
#include "buckets.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "kver.h"
#include "sim.h"
#include "slub_internal.h"
#include "strbuf.h"

int kmem_buckets_enabled(const struct sim *sim)
{
	return sim->env.kver >= KV(6, 11) && sim->cfg.kconfig[KC_SLAB_BUCKETS];
}

unsigned kmem_buckets_size(const struct sim *sim)
{
	return (sim->env.ac.kmalloc_shift_high + 1) * sim->env.ac.ptr_size;
}

static int buckets_append(struct sim *sim, struct sim_err *err)
{
	if (ARRAY_GROW(sim->buckets, sim->buckets_cap, sim->nr_buckets + 1))
		return sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
	for (unsigned i = 0; i <= KMALLOC_IDX_MAX; i++)
		sim->buckets[sim->nr_buckets].cache[i] = KMEM_BUCKETS_NONE;
	sim->buckets[sim->nr_buckets].obj = 0;
	return (int)sim->nr_buckets++;
}

/* "@name-" and what follows the '-' of the kmalloc cache's name: "memdup_user-1k" */
static void bucket_name(const char *name, const struct kmem_cache *kmalloc, char *buf, size_t len)
{
	const char *short_size = strchr(kmalloc->name, '-');
	struct strbuf sb;

	sb_init(&sb, buf, len);
	sb_puts(&sb, name);
	sb_putc(&sb, '-');
	sb_puts(&sb, short_size ? short_size + 1 : kmalloc->name);
}

/* mm/slab_common.c kmem_buckets_create(): one cache per size class of the normal kmalloc caches */
static int create_bucket_caches(struct sim *sim, struct kmem_buckets *b, const char *name, slab_flags_t flags,
				unsigned useroffset, unsigned usersize, int has_ctor, struct sim_err *err)
{
	for (unsigned idx = 0; idx <= KMALLOC_IDX_MAX; idx++) {
		const struct kmem_cache *k = sim->kmalloc_caches[KMALLOC_NORMAL][idx];
		unsigned size, aligned_idx, uoff = 0, usize = 0;
		struct kmem_cache *s;
		char cname[80];

		if (!k || !k->object_size)
			continue;
		size = k->object_size;
		if (useroffset < size) {
			uoff = useroffset;
			usize = MIN(size - uoff, usersize);
		}
		aligned_idx = kmalloc_index(sim, size);
		if (b->cache[aligned_idx] == KMEM_BUCKETS_NONE) {
			bucket_name(name, k, cname, sizeof(cname));
			s = sim_kmem_cache_create(sim, cname, size, 0, flags | SLAB_NO_MERGE, has_ctor, uoff, usize, err);
			if (!s)
				return -1;
			b->cache[aligned_idx] = s->index;
		}
		b->cache[idx] = b->cache[aligned_idx];
	}
	return 0;
}

int sim_kmem_buckets_create(struct sim *sim, const char *name, slab_flags_t flags, unsigned useroffset,
			    unsigned usersize, int has_ctor, struct sim_err *err)
{
	struct kmem_buckets *b;
	int id;

	if (sim->env.kver < KV(6, 11)) {
		sim_err_set(err, SIM_ENOSYS, "kmem_buckets_create: the kmem_buckets API came with Linux 6.11", NULL, NULL);
		return -1;
	}
	if (!name || !*name) {
		sim_err_set(err, SIM_EINVAL, "kmem_buckets_create: buckets need a name", NULL, NULL);
		return -1;
	}
	id = buckets_append(sim, err);
	if (id < 0 || !kmem_buckets_enabled(sim))
		return id;	/* without CONFIG_SLAB_BUCKETS the handle stands for kmalloc's own caches */
	b = &sim->buckets[id];
	b->obj = sim_kmem_cache_alloc(sim, 0, sim->kmem_buckets_cache, GFP_KERNEL | __GFP_ZERO, NULL);
	sim->op = NULL;
	if (!b->obj) {
		sim->nr_buckets--;
		sim_err_set(err, SIM_ENOMEM, "kmem_buckets_create: kmalloc_buckets is out of memory", NULL, NULL);
		return -1;
	}
	/* a failure half way leaves the caches made so far, as a WARN in the kernel would not */
	if (create_bucket_caches(sim, b, name, flags, useroffset, usersize, has_ctor, err))
		return -1;
	return id;
}

const struct kmem_buckets *sim_kmem_buckets(const struct sim *sim, int id)
{
	return id >= 0 && (unsigned)id < sim->nr_buckets ? &sim->buckets[id] : NULL;
}

int kmem_buckets_init(struct sim *sim, struct sim_err *err)
{
	sim->user_buckets = -1;
	if (!kmem_buckets_enabled(sim))
		return 0;
	/* create_kmalloc_caches(): kmem_cache_create("kmalloc_buckets", ..., SLAB_NO_MERGE) */
	sim->kmem_buckets_cache = sim_kmem_cache_create(sim, "kmalloc_buckets", kmem_buckets_size(sim), 0,
							SLAB_NO_MERGE, 0, 0, 0, err);
	if (!sim->kmem_buckets_cache)
		return -1;
	/* mm/util.c init_user_buckets(), a subsys_initcall */
	sim->user_buckets = sim_kmem_buckets_create(sim, "memdup_user", 0, 0, INT32_MAX, 0, err);
	return sim->user_buckets < 0 ? -1 : 0;
}

uint64_t sim_kmem_buckets_alloc(struct sim *sim, unsigned cpu, int id, uint64_t size, gfp_t flags,
				uint64_t caller, struct sim_op *op)
{
	const struct kmem_buckets *b = sim_kmem_buckets(sim, id);
	struct kmem_cache *s = NULL;

	/* kmalloc_slab(): the buckets' cache of the size class instead of kmalloc_caches[type] */
	if (b && b->obj && size && size <= sim->env.ac.kmalloc_max_cache_size) {
		uint32_t i = b->cache[kmalloc_size_class(sim, size)];

		s = i == KMEM_BUCKETS_NONE ? NULL : sim->caches[i];
	}
	if (!s)
		return sim_kmalloc(sim, cpu, size, flags, caller, op);
	return sim_kmalloc_from(sim, cpu, s, size, flags, op);
}

uint64_t sim_memdup_user(struct sim *sim, unsigned cpu, uint64_t len, uint64_t caller, struct sim_op *op)
{
	return sim_kmem_buckets_alloc(sim, cpu, sim->user_buckets, len, GFP_USER | __GFP_NOWARN, caller, op);
}
