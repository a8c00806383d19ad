/* Cache creation and the cache list: mm/slab_common.c and kmem_cache_init(). */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cmdline.h"
#include "slub_internal.h"
#include "kver.h"
#include "sim.h"
#include "strbuf.h"
#include "util.h"

unsigned sim_sizeof_kmem_cache(const struct slab_env *env)
{
	/* offsetof(struct kmem_cache, node) + nr_node_ids pointers; 216 measured on 6.1 x86_64 */
	unsigned base = env->ac.ptr_size == 8 ? 216 : 132;

	return base + env->nodes * env->ac.ptr_size;
}

unsigned sim_sizeof_kmem_cache_node(const struct slab_env *env)
{
	/* list_lock, nr_partial, partial, and with SLUB_DEBUG nr_slabs, total_objects, full */
	unsigned size = env->ac.ptr_size == 8 ? 64 : 32;

	/* 6.18+: the barn of the percpu sheaves */
	return env->kver >= KV(6, 18) ? size + env->ac.ptr_size : size;
}

unsigned sim_sizeof_node_barn(const struct slab_env *env)
{
	/* spinlock_t lock, two list_heads, nr_full, nr_empty */
	unsigned p = env->ac.ptr_size;

	return p + 4 * p + 8;
}

uint64_t sim_sizeof_slab_sheaf(const struct slab_env *env, unsigned capacity)
{
	/* union { rcu_head; barn_list; capacity }, cache, size, node, objects[] */
	unsigned p = env->ac.ptr_size;

	return 2 * p + p + 8 + (uint64_t)capacity * p;
}

static void kmem_cache_free_struct(struct sim *sim, struct kmem_cache *s)
{
	if (!s)
		return;
	slub_cache_release(sim, s);
	sheaves_release(s->sheaves);
	for (unsigned i = 0; i < s->nr_aliases; i++)
		free(s->alias_names[i]);
	free(s->alias_names);
	free(s->random_seq);
	free(s->unique_id);
	free(s->name);
	free(s);
}

static int caches_append(struct sim *sim, struct kmem_cache *s, struct sim_err *err)
{
	if (ARRAY_GROW(sim->caches, sim->caches_cap, sim->nr_caches + 1))
		return sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
	if (slub_cache_init(sim, s))
		return sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
	s->index = sim->nr_caches;
	sim->caches[sim->nr_caches++] = s;
	return 0;
}

/*
 * Every cache's own struct kmem_cache and struct kmem_cache_node are objects
 * of the two boot caches (mm/slab_common.c create_cache(), mm/slub.c
 * init_kmem_cache_nodes()), allocated on the boot CPU.
 */
static void alloc_cache_structs(struct sim *sim, struct kmem_cache *s)
{
	s->self_obj = sim_kmem_cache_alloc(sim, 0, sim->kmem_cache, GFP_KERNEL, NULL);
	/* 6.18 init_kmem_cache_nodes(): a cache with sheaves gets its barn first */
	if (s->sheaf_capacity)
		s->barn_obj = sim_kmalloc(sim, 0, sim_sizeof_node_barn(&sim->env), GFP_KERNEL, 0, NULL);
	s->node_obj = sim_kmem_cache_alloc(sim, 0, sim->kmem_cache_node, GFP_KERNEL, NULL);
	/* 6.18 init_percpu_sheaves(): an empty main sheaf for each possible CPU */
	if (s->sheaves)
		sheaves_init_main(sim, s);
	sim->op = NULL;
}

/* mm/slab_common.c slab_unmergeable() */
static int slab_unmergeable(const struct sim *sim, const struct kmem_cache *s)
{
	if (sim->slab_nomerge || (s->flags & SLAB_NEVER_MERGE))
		return 1;
	if (s->has_ctor || s->usersize || s->refcount < 0)
		return 1;
	return s->sheaf_capacity != 0;	/* 6.18+: s->cpu_sheaves */
}

/* mm/slub.c create_unique_id(): the sysfs directory of a mergeable cache */
static char *create_unique_id(const struct kmem_cache *s)
{
	char buf[32];
	struct strbuf sb;
	size_t letters;
	unsigned digits = 0;

	sb_init(&sb, buf, sizeof(buf));
	sb_putc(&sb, ':');
	if (s->flags & SLAB_CACHE_DMA)
		sb_putc(&sb, 'd');
	if (s->flags & SLAB_CACHE_DMA32)
		sb_putc(&sb, 'D');
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		sb_putc(&sb, 'a');
	if (s->flags & SLAB_CONSISTENCY_CHECKS)
		sb_putc(&sb, 'F');
	if (s->flags & SLAB_ACCOUNT)
		sb_putc(&sb, 'A');
	letters = sb.len - 1;
	if (letters)
		sb_putc(&sb, '-');
	for (unsigned t = s->size; t; t /= 10)
		digits++;
	for (; digits < 7; digits++)	/* "%07u" */
		sb_putc(&sb, '0');
	if (s->size)
		sb_putu(&sb, s->size);
	return strdup(buf);
}

/* mm/slab_common.c freelist_randomize() via mm/slub.c init_cache_random_seq() */
static int init_cache_random_seq(struct sim *sim, struct kmem_cache *s, struct sim_err *err)
{
	unsigned count = s->oo.objects;

	if (!sim->cfg.kconfig[KC_SLAB_FREELIST_RANDOM] || count < 2 || s->random_seq)
		return 0;
	s->random_seq = malloc(count * sizeof(*s->random_seq));
	if (!s->random_seq)
		return sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
	for (unsigned i = 0; i < count; i++)
		s->random_seq[i] = i;
	for (unsigned i = count - 1; i > 0; i--) {
		unsigned j = rng_below(&sim->rng, i + 1), t = s->random_seq[i];

		s->random_seq[i] = s->random_seq[j];
		s->random_seq[j] = t;
	}
	return 0;
}

/* mm/slab_common.c create_cache() / create_boot_cache() -> mm/slub.c kmem_cache_open() */
static struct kmem_cache *open_cache(struct sim *sim, const char *name, unsigned size, unsigned align,
				     slab_flags_t flags, int has_ctor, unsigned useroffset, unsigned usersize,
				     struct sim_err *err)
{
	struct kmem_cache *s = calloc(1, sizeof(*s));

	if (!s || !(s->name = strdup(name))) {
		free(s);
		sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
		return NULL;
	}
	s->object_size = s->size = size;
	s->align = align;
	s->flags = flags;
	s->has_ctor = has_ctor;
	s->useroffset = useroffset;
	s->usersize = usersize;
	s->refcount = 1;
	s->kmalloc_type = -1;
	if (sim->cfg.kconfig[KC_SLAB_FREELIST_HARDENED])
		s->random = rng_next(&sim->rng);
	if (kmem_cache_open_geometry(&sim->env, s)) {
		sim_err_set(err, SIM_ENOSYS, "no slab order fits cache ", name, NULL);
		kmem_cache_free_struct(sim, s);
		return NULL;
	}
	return s;
}

struct kmem_cache *sim_create_boot_cache(struct sim *sim, const char *name, unsigned size,
					 slab_flags_t flags, unsigned useroffset, unsigned usersize,
					 struct sim_err *err)
{
	unsigned align = sim->env.ac.kmalloc_minalign;
	struct kmem_cache *s;

	if (sim->env.kver >= KV(6, 11)) {
		/* ad59baa31695: the largest power of two dividing the size */
		if ((flags & SLAB_KMALLOC) && size)
			align = MAX(align, (unsigned)lowest_bit(size));
	} else if (is_power_of_2(size)) {
		/* 59bb47985c1d (5.4): natural alignment for power-of-two sizes */
		align = MAX(align, size);
	}
	align = calculate_alignment(&sim->env, flags, align, size);
	s = open_cache(sim, name, size, align, flags, 0, useroffset, usersize, err);
	if (!s)
		return NULL;
	s->refcount = -1;	/* exempt from merging for now */
	if (caches_append(sim, s, err)) {
		kmem_cache_free_struct(sim, s);
		return NULL;
	}
	return s;
}

/* mm/slab_common.c find_mergeable() */
static struct kmem_cache *find_mergeable(struct sim *sim, unsigned size, unsigned align,
					 slab_flags_t flags, const char *name, int has_ctor)
{
	unsigned ptr = sim->env.ac.ptr_size;

	if (sim->slab_nomerge || has_ctor)
		return NULL;
	size = (unsigned)align_up(size, ptr);
	align = calculate_alignment(&sim->env, flags, align, size);
	size = (unsigned)align_up(size, align);
	flags = slub_debug_flags_for(sim->env.slub_debug_string, sim->env.slub_debug, name, flags);
	if (flags & SLAB_NEVER_MERGE)
		return NULL;
	/* oldest first */
	for (unsigned i = 0; i < sim->nr_caches; i++) {
		struct kmem_cache *s = sim->caches[i];

		/* a destroyed cache is off slab_caches: nothing merges into it */
		if (s->dead || slab_unmergeable(sim, s) || size > s->size)
			continue;
		if ((flags & SLAB_MERGE_SAME) != (s->flags & SLAB_MERGE_SAME))
			continue;
		if ((s->size & ~(align - 1)) != s->size)
			continue;
		if (s->size - size >= ptr)
			continue;
		return s;
	}
	return NULL;
}

static int add_alias(struct kmem_cache *s, const char *name, struct sim_err *err)
{
	char **n = realloc(s->alias_names, (s->nr_aliases + 1) * sizeof(*n));

	if (!n)
		return sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
	s->alias_names = n;
	if (!(n[s->nr_aliases] = strdup(name)))
		return sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
	s->nr_aliases++;
	return 0;
}

/*
 * 6.18 do_kmem_cache_create(): percpu sheaves when asked for and no debug
 * flag ended up on the cache (SLUB_TINY aside, which the model has not).
 */
static int init_sheaves(struct sim *sim, struct kmem_cache *s, unsigned capacity, struct sim_err *err)
{
	if (!capacity || (s->flags & SLAB_DEBUG_FLAGS))
		return 0;
	s->sheaves = sheaves_create(sim->env.nr_cpu_ids, capacity);
	if (!s->sheaves)
		return sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
	s->sheaf_capacity = capacity;
	return 0;
}

/* mm/slab_common.c kmem_cache_sanity_check() and what the model cannot create: 0, or -1 with @err set */
static int check_create_args(struct sim *sim, const char *name, unsigned size, const struct kmem_cache_args *args,
			     struct sim_err *err)
{
	if (!name || !*name)
		return sim_err_set(err, SIM_EINVAL, "kmem_cache_create: a cache needs a name", NULL, NULL);
	/* the kernel warns and, with sysfs, fails the duplicate */
	if (sim_find_cache(sim, name))
		return sim_err_set(err, SIM_EINVAL, "kmem_cache_create: a cache named '", name, "' exists");
	if (!size || size > sim->env.ac.kmalloc_max_size || (args->align && !is_power_of_2(args->align)))
		return sim_err_set(err, SIM_EINVAL, "kmem_cache_create ", name, ": bad size or alignment");
	if (args->sheaf_capacity && sim->env.kver < KV(6, 18))
		return sim_err_set(err, SIM_ENOSYS, "kmem_cache_create ", name, ": sheaf_capacity came with Linux 6.18");
	/* alloc_empty_sheaf() is a kzalloc(): a sheaf larger than kmalloc can give fails the creation */
	if (sim_sizeof_slab_sheaf(&sim->env, args->sheaf_capacity) > sim->env.ac.kmalloc_max_size)
		return sim_err_set(err, SIM_ENOMEM, "kmem_cache_create ", name,
				   ": sheaf_capacity too large, kmalloc cannot hold such a sheaf");
	return 0;
}

struct kmem_cache *sim_kmem_cache_create_args(struct sim *sim, const char *name, unsigned size,
					      const struct kmem_cache_args *args, slab_flags_t flags,
					      struct sim_err *err)
{
	unsigned useroffset = args->useroffset, usersize = args->usersize;
	struct kmem_cache *s;

	if (check_create_args(sim, name, size, args, err))
		return NULL;
	/* fail closed on a bad usercopy region */
	if ((!usersize && useroffset) || size < usersize || size - usersize < useroffset)
		usersize = useroffset = 0;
	/* 6.18: a cache asking for sheaves never becomes an alias */
	if (!usersize && !args->sheaf_capacity &&
	    (s = find_mergeable(sim, size, args->align, flags, name, args->has_ctor))) {
		if (add_alias(s, name, err))
			return NULL;
		s->refcount++;
		s->object_size = MAX(s->object_size, size);
		s->inuse = MAX(s->inuse, (unsigned)align_up(size, sim->env.ac.ptr_size));
		return s;
	}
	s = open_cache(sim, name, size, calculate_alignment(&sim->env, flags, args->align, size), flags,
		       args->has_ctor, useroffset, usersize, err);
	if (!s)
		return NULL;
	if (init_sheaves(sim, s, args->sheaf_capacity, err) || init_cache_random_seq(sim, s, err) ||
	    caches_append(sim, s, err)) {
		kmem_cache_free_struct(sim, s);
		return NULL;
	}
	if (!slab_unmergeable(sim, s) && !(s->unique_id = create_unique_id(s))) {
		sim->nr_caches--;
		kmem_cache_free_struct(sim, s);
		sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
		return NULL;
	}
	alloc_cache_structs(sim, s);
	return s;
}

/* mm/slab_common.c kmem_cache_create_usercopy() with mm/slub.c __kmem_cache_alias() */
struct kmem_cache *sim_kmem_cache_create(struct sim *sim, const char *name, unsigned size, unsigned align,
					 slab_flags_t flags, int has_ctor, unsigned useroffset,
					 unsigned usersize, struct sim_err *err)
{
	struct kmem_cache_args args = { .align = align, .useroffset = useroffset, .usersize = usersize,
					.has_ctor = has_ctor };

	return sim_kmem_cache_create_args(sim, name, size, &args, flags, err);
}

int sim_kmem_cache_rename(struct sim *sim, struct kmem_cache *s, const char *name)
{
	char *copy;

	if (sim_find_cache(sim, name) || !(copy = strdup(name)))
		return -1;
	free(s->name);
	s->name = copy;
	return 0;
}

struct kmem_cache *sim_cache_slabinfo_order(const struct sim *sim, unsigned i)
{
	/* destroyed caches are skipped */
	for (unsigned k = sim->nr_caches; k-- > 0;) {
		if (sim->caches[k]->dead)
			continue;
		if (!i--)
			return sim->caches[k];
	}
	return NULL;
}

struct kmem_cache *sim_find_cache(const struct sim *sim, const char *name)
{
	for (unsigned i = 0; i < sim->nr_caches; i++) {
		struct kmem_cache *s = sim->caches[i];

		if (s->dead)
			continue;
		if (!strcmp(s->name, name))
			return s;
		for (unsigned j = 0; j < s->nr_aliases; j++)
			if (!strcmp(s->alias_names[j], name))
				return s;
	}
	return NULL;
}

static void slab_env_init(struct slab_env *env, const struct sim_config *cfg)
{
	const struct boot_params *bp = &cfg->boot;

	memset(env, 0, sizeof(*env));
	env->kver = cfg->kver;
	arch_consts_init(&env->ac, cfg->arch, cfg->kver, cfg->page_shift);
	if (bp->swiotlb_noforce)
		arch_consts_no_swiotlb(&env->ac, cfg->arch, cfg->kver);
	env->cpus = cfg->cpus;
	env->nr_cpu_ids = cfg->nr_cpu_ids ? cfg->nr_cpu_ids : cfg->cpus;
	env->nodes = cfg->nodes ? cfg->nodes : 1;
	env->slub_min_order = bp->min_order_set ? bp->slub_min_order : 0;
	env->slub_max_order = bp->max_order_set ? bp->slub_max_order : PAGE_ALLOC_COSTLY_ORDER;
	env->slub_min_objects = bp->min_objects_set ? bp->slub_min_objects : 0;
	/* struct track: addr, handle (STACKDEPOT), cpu, pid, when */
	if (env->ac.ptr_size == 8)
		env->track_size = cfg->kconfig[KC_STACKDEPOT] ? 32 : 24;
	else
		env->track_size = cfg->kconfig[KC_STACKDEPOT] ? 20 : 16;
	env->cpu_partial_enabled = cfg->kconfig[KC_SLUB_CPU_PARTIAL];
	env->disable_higher_order_debug = bp->disable_higher_order_debug;
	env->slub_debug = config_slub_debug(cfg);
	env->slub_debug_string = bp->slub_debug_string;
}

/* mm/slub.c kmem_cache_init() */
int sim_create(struct sim **out, const struct sim_config *cfg, struct sim_err *err)
{
	struct sim *sim = calloc(1, sizeof(*sim));
	int ret;

	*out = NULL;
	if (!sim)
		return sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
	ret = config_copy(&sim->cfg, cfg, err);
	if (ret) {
		free(sim);
		return ret;
	}
	slab_env_init(&sim->env, &sim->cfg);
	rng_seed(&sim->rng, sim->cfg.seed);
	sim->slab_nomerge = config_slab_nomerge(&sim->cfg);
	if (slub_init(sim)) {
		sim_err_set(err, SIM_EINVAL, "cannot set up simulated memory: --mem is too small for one "
			    "block of the largest page order", NULL, NULL);
		goto fail;
	}

	/* bootstrap() puts kmem_cache on the list first, then kmem_cache_node */
	sim->kmem_cache = sim_create_boot_cache(sim, "kmem_cache", sim_sizeof_kmem_cache(&sim->env),
						SLAB_HWCACHE_ALIGN, 0, 0, err);
	if (!sim->kmem_cache)
		goto fail;
	sim->kmem_cache_node = sim_create_boot_cache(sim, "kmem_cache_node",
						     sim_sizeof_kmem_cache_node(&sim->env),
						     SLAB_HWCACHE_ALIGN, 0, 0, err);
	if (!sim->kmem_cache_node)
		goto fail;
	if (create_kmalloc_caches(sim, err))
		goto fail;
	/* init_freelist_randomization() walks slab_caches from the head: newest first */
	for (unsigned i = sim->nr_caches; i-- > 0;)
		if (init_cache_random_seq(sim, sim->caches[i], err))
			goto fail;
	/* kmem_cache_init() bootstrap: the caches' own structures become objects */
	for (unsigned i = 0; i < sim->nr_caches; i++)
		alloc_cache_structs(sim, sim->caches[i]);
	if (kmem_buckets_init(sim, err))
		goto fail;
	*out = sim;
	return 0;
fail:
	ret = err ? -(int)err->code : -SIM_ENOMEM;
	sim_destroy(sim);
	return ret ? ret : -SIM_ENOMEM;
}

static char *dup_str(const char *s, int *fail)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*fail = 1;
	return d;
}

static struct kmem_cache *clone_cache(const struct sim *src, const struct kmem_cache *s)
{
	struct kmem_cache *d = malloc(sizeof(*d));
	int fail = 0;

	if (!d)
		return NULL;
	*d = *s;
	d->name = dup_str(s->name, &fail);
	d->unique_id = dup_str(s->unique_id, &fail);
	d->random_seq = NULL;
	d->sheaves = NULL;
	d->alias_names = NULL;
	d->cpu = NULL;
	d->node = NULL;
	if (s->random_seq && (d->random_seq = malloc(s->oo.objects * sizeof(*d->random_seq))))
		memcpy(d->random_seq, s->random_seq, s->oo.objects * sizeof(*d->random_seq));
	else if (s->random_seq)
		fail = 1;
	if (s->sheaves && !(d->sheaves = sheaves_clone(s->sheaves)))
		fail = 1;
	if (s->nr_aliases && !(d->alias_names = calloc(s->nr_aliases, sizeof(char *))))
		fail = 1;
	for (unsigned i = 0; !fail && i < s->nr_aliases; i++)
		d->alias_names[i] = dup_str(s->alias_names[i], &fail);
	if (!fail && slub_cache_clone(src, d, s))
		fail = 1;
	if (fail) {
		d->nr_aliases = d->alias_names ? d->nr_aliases : 0;
		kmem_cache_free_struct(NULL, d);
		return NULL;
	}
	return d;
}

struct sim *sim_clone(const struct sim *src)
{
	struct sim *sim = calloc(1, sizeof(*sim));

	if (!sim)
		return NULL;
	*sim = *src;
	sim->caches = NULL;
	sim->nr_caches = 0;
	sim->buckets = NULL;
	sim->nr_buckets = sim->buckets_cap = 0;
	sim->slabs = NULL;
	sim->nr_slab_entries = 0;
	sim->large = NULL;
	sim->nr_large_entries = 0;
	sim->pa.chunk = NULL;
	sim->rcu_pending = NULL;
	sim->observer = NULL;
	sim->observer_ctx = NULL;
	sim->op = NULL;
	if (config_copy(&sim->cfg, &src->cfg, NULL))
		goto fail;
	sim->env.slub_debug_string = sim->cfg.boot.slub_debug_string;
	sim->caches = calloc(src->caches_cap, sizeof(*sim->caches));
	if (!sim->caches)
		goto fail;
	if (src->nr_buckets) {
		sim->buckets = malloc(src->nr_buckets * sizeof(*sim->buckets));
		if (!sim->buckets)
			goto fail;
		memcpy(sim->buckets, src->buckets, src->nr_buckets * sizeof(*sim->buckets));
		sim->nr_buckets = sim->buckets_cap = src->nr_buckets;
	}
	for (unsigned i = 0; i < src->nr_caches; i++) {
		sim->caches[i] = clone_cache(src, src->caches[i]);
		if (!sim->caches[i])
			goto fail;
		sim->nr_caches++;
	}
	/* pointers into the cache table follow the copies' indexes */
	sim->kmem_cache = sim->caches[src->kmem_cache->index];
	sim->kmem_cache_node = sim->caches[src->kmem_cache_node->index];
	if (src->kmem_buckets_cache)
		sim->kmem_buckets_cache = sim->caches[src->kmem_buckets_cache->index];
	for (unsigned t = 0; t < NR_KMALLOC_TYPES; t++)
		for (unsigned i = 0; i <= KMALLOC_IDX_MAX; i++)
			if (src->kmalloc_caches[t][i])
				sim->kmalloc_caches[t][i] = sim->caches[src->kmalloc_caches[t][i]->index];
	sim->nr_slab_entries = src->nr_slab_entries;
	sim->nr_large_entries = src->nr_large_entries;
	if (src->rcu_pending_cap &&
	    !(sim->rcu_pending = malloc(src->rcu_pending_cap * sizeof(*sim->rcu_pending))))
		goto fail;
	if (src->nr_rcu_pending)
		memcpy(sim->rcu_pending, src->rcu_pending, src->nr_rcu_pending * sizeof(*sim->rcu_pending));
	if (slub_clone(sim, src))
		goto fail;
	return sim;
fail:
	sim_destroy(sim);
	return NULL;
}

void sim_destroy(struct sim *sim)
{
	if (!sim)
		return;
	for (unsigned i = 0; i < sim->nr_caches; i++)
		kmem_cache_free_struct(sim, sim->caches[i]);
	free(sim->caches);
	free(sim->buckets);
	free(sim->rcu_pending);
	slub_release(sim);
	config_release(&sim->cfg);
	free(sim);
}
