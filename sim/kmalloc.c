/* kmalloc caches: mm/slab_common.c and include/linux/slab.h. */
#include "kmalloc.h"

#include <string.h>

#include "kver.h"
#include "sim.h"
#include "strbuf.h"
#include "util.h"

unsigned kmalloc_info_size(unsigned idx)
{
	if (idx == 1)
		return 96;
	if (idx == 2)
		return 192;
	return idx >= 3 && idx <= KMALLOC_IDX_MAX ? 1u << idx : 0;
}

static const char *kmalloc_type_prefix(enum kmalloc_type type)
{
	switch (type) {
	case KMALLOC_NORMAL: return "kmalloc-";
	case KMALLOC_CGROUP: return "kmalloc-cg-";
	case KMALLOC_RECLAIM: return "kmalloc-rcl-";
	case KMALLOC_DMA: return "dma-kmalloc-";
	default: return "kmalloc-rnd-";
	}
}

void kmalloc_cache_name(unsigned idx, enum kmalloc_type type, char *buf, size_t len)
{
	unsigned size = kmalloc_info_size(idx);
	struct strbuf sb;

	sb_init(&sb, buf, len);
	sb_puts(&sb, kmalloc_type_prefix(type));
	if (type >= KMALLOC_RANDOM_FIRST) {
		unsigned n = (unsigned)(type - KMALLOC_RANDOM_FIRST) + 1;

		sb_putc(&sb, (char)('0' + n / 10));
		sb_putc(&sb, (char)('0' + n % 10));
		sb_putc(&sb, '-');
	}
	/* 4.20+ short names: 1k, 2k, ... 1M, 2M */
	if (size >= (1u << 20)) {
		sb_putu(&sb, size >> 20);
		sb_putc(&sb, 'M');
	} else if (size >= 1024) {
		sb_putu(&sb, size >> 10);
		sb_putc(&sb, 'k');
	} else {
		sb_putu(&sb, size);
	}
}

unsigned kmalloc_index(const struct sim *sim, uint64_t size)
{
	const struct arch_consts *ac = &sim->env.ac;

	if (!size)
		return 0;
	if (size <= ac->kmalloc_min_size)
		return ac->kmalloc_shift_low;
	if (ac->kmalloc_min_size <= 32 && size > 64 && size <= 96)
		return 1;
	if (ac->kmalloc_min_size <= 64 && size > 128 && size <= 192)
		return 2;
	return MAX(3u, fls_u64(size - 1));
}

/* mm/slab_common.c setup_kmalloc_cache_index_table() over the default table */
static void setup_size_index(struct sim *sim)
{
	unsigned min_size = sim->env.ac.kmalloc_min_size;

	/* the default table: each 8-byte step up to 192 to its class, as built for KMALLOC_MIN_SIZE 8 */
	for (unsigned i = 0; i < KMALLOC_SIZE_INDEX_LEN; i++) {
		unsigned size = (i + 1) * 8;

		if (size > 64 && size <= 96)
			sim->size_index[i] = 1;
		else if (size > 128 && size <= 192)
			sim->size_index[i] = 2;
		else
			sim->size_index[i] = (unsigned char)MAX(3u, fls_u64(size - 1));
	}
	for (unsigned i = 8; i < min_size; i += 8) {
		unsigned elem = (i - 1) / 8;

		if (elem >= KMALLOC_SIZE_INDEX_LEN)
			break;
		sim->size_index[elem] = (unsigned char)sim->env.ac.kmalloc_shift_low;
	}
	/* without kmalloc-96 and kmalloc-192, those sizes go one class up */
	if (min_size >= 64)
		for (unsigned i = 64 + 8; i <= 96; i += 8)
			sim->size_index[(i - 1) / 8] = 7;
	if (min_size >= 128)
		for (unsigned i = 128 + 8; i <= 192; i += 8)
			sim->size_index[(i - 1) / 8] = 8;
}

/* mm/slab_common.c new_kmalloc_cache() */
static int new_kmalloc_cache(struct sim *sim, unsigned idx, enum kmalloc_type type, struct sim_err *err)
{
	const struct arch_consts *ac = &sim->env.ac;
	slab_flags_t flags = SLAB_KMALLOC;
	unsigned size = kmalloc_info_size(idx), aligned_idx = idx;
	struct kmem_cache *s;
	char name[40];

	switch (type) {
	case KMALLOC_RECLAIM:
		flags |= SLAB_RECLAIM_ACCOUNT;
		break;
	case KMALLOC_CGROUP:
		if (sim->cfg.boot.memcg_nokmem) {
			sim->kmalloc_caches[type][idx] = sim->kmalloc_caches[KMALLOC_NORMAL][idx];
			return 0;
		}
		flags |= SLAB_ACCOUNT;
		break;
	case KMALLOC_DMA:
		flags |= SLAB_CACHE_DMA;
		break;
	case KMALLOC_NORMAL:
		break;
	default:
		flags |= SLAB_NO_MERGE;	/* random copies */
	}
	/* 6.5+: a runtime minimum alignment above ARCH_KMALLOC_MINALIGN aliases small classes */
	if (sim->env.kver >= KV(6, 5) && ac->runtime_minalign > ac->kmalloc_minalign) {
		size = (unsigned)align_up(size, ac->runtime_minalign);
		aligned_idx = kmalloc_index(sim, size);
	}
	if (!sim->kmalloc_caches[type][aligned_idx]) {
		kmalloc_cache_name(aligned_idx, type, name, sizeof(name));
		s = sim_create_boot_cache(sim, name, size, flags, 0, size, err);
		if (!s)
			return -1;
		s->refcount = 1;
		s->kmalloc_type = (int)type;
		s->kmalloc_idx = aligned_idx;
		/* MEMCG_KMEM: KMALLOC_NORMAL caches never merge */
		if (sim->cfg.kconfig[KC_MEMCG_KMEM] && type == KMALLOC_NORMAL)
			s->refcount = -1;
		sim->kmalloc_caches[type][aligned_idx] = s;
	}
	sim->kmalloc_caches[type][idx] = sim->kmalloc_caches[type][aligned_idx];
	return 0;
}

/* The types create_kmalloc_caches() walks, in enum kmalloc_cache_type order. */
static unsigned kmalloc_types_in_order(const struct sim *sim, enum kmalloc_type *types)
{
	const unsigned char *kc = sim->cfg.kconfig;
	unsigned n = 0;

	types[n++] = KMALLOC_NORMAL;
	if (sim->env.kver < KV(6, 2)) {
		if (kc[KC_MEMCG_KMEM])
			types[n++] = KMALLOC_CGROUP;
		types[n++] = KMALLOC_RECLAIM;
		if (kc[KC_ZONE_DMA])
			types[n++] = KMALLOC_DMA;
		return n;
	}
	/* later kernels list the random copies after NORMAL and CGROUP last */
	if (sim->env.kver >= KV(6, 6) && kc[KC_RANDOM_KMALLOC_CACHES])
		for (int t = KMALLOC_RANDOM_FIRST; t <= KMALLOC_RANDOM_LAST; t++)
			types[n++] = (enum kmalloc_type)t;
	types[n++] = KMALLOC_RECLAIM;
	if (kc[KC_ZONE_DMA])
		types[n++] = KMALLOC_DMA;
	if (kc[KC_MEMCG_KMEM])
		types[n++] = KMALLOC_CGROUP;
	return n;
}

/* The two classes that are not powers of two, if KMALLOC_MIN_SIZE leaves room for them. */
static int new_kmalloc_odd_class(struct sim *sim, unsigned idx, enum kmalloc_type type, struct sim_err *err)
{
	unsigned min_size = sim->env.ac.kmalloc_min_size;

	if (idx == 1 && min_size > 32)
		return 0;
	if (idx == 2 && min_size > 64)
		return 0;
	if (sim->kmalloc_caches[type][idx])
		return 0;
	return new_kmalloc_cache(sim, idx, type, err);
}

/* mm/slab_common.c create_kmalloc_caches(): one type's caches, in the version's order */
static int create_kmalloc_type(struct sim *sim, enum kmalloc_type type, struct sim_err *err)
{
	const struct arch_consts *ac = &sim->env.ac;
	unsigned high = MIN(ac->kmalloc_shift_high, (unsigned)KMALLOC_IDX_MAX);
	int odd_first = sim->env.kver >= KV(6, 10);

	/* 6.10+: kmalloc-96 and kmalloc-192 first; before, each right after its smaller neighbour */
	if (odd_first && (new_kmalloc_odd_class(sim, 1, type, err) || new_kmalloc_odd_class(sim, 2, type, err)))
		return -1;
	for (unsigned i = ac->kmalloc_shift_low; i <= high; i++) {
		if (!sim->kmalloc_caches[type][i] && new_kmalloc_cache(sim, i, type, err))
			return -1;
		if (!odd_first && i == 6 && new_kmalloc_odd_class(sim, 1, type, err))
			return -1;
		if (!odd_first && i == 7 && new_kmalloc_odd_class(sim, 2, type, err))
			return -1;
	}
	return 0;
}

int create_kmalloc_caches(struct sim *sim, struct sim_err *err)
{
	enum kmalloc_type types[NR_KMALLOC_TYPES];
	unsigned nr_types = kmalloc_types_in_order(sim, types);

	setup_size_index(sim);
	for (unsigned t = 0; t < nr_types; t++)
		if (create_kmalloc_type(sim, types[t], err))
			return -1;
	if (sim->env.kver >= KV(6, 6) && sim->cfg.kconfig[KC_RANDOM_KMALLOC_CACHES])
		sim->random_kmalloc_seed = rng_next(&sim->rng);
	return 0;
}

/* include/linux/slab.h kmalloc_type(): CONFIG_RANDOM_KMALLOC_CACHES hashes the caller (6.6+) */
int sim_kmalloc_uses_caller(const struct sim *sim)
{
	return sim->env.kver >= KV(6, 6) && sim->cfg.kconfig[KC_RANDOM_KMALLOC_CACHES];
}

enum kmalloc_type kmalloc_type(const struct sim *sim, gfp_t flags, uint64_t caller)
{
	const unsigned char *kc = sim->cfg.kconfig;
	gfp_t not_normal = __GFP_RECLAIMABLE | (kc[KC_ZONE_DMA] ? __GFP_DMA : 0) |
			   (kc[KC_MEMCG_KMEM] ? __GFP_ACCOUNT : 0);

	if (!(flags & not_normal)) {
		if (sim_kmalloc_uses_caller(sim)) {
			/* include/linux/hash.h hash_64() into 16 buckets: 0 is the plain cache */
			unsigned h = (unsigned)(((caller ^ sim->random_kmalloc_seed) * 0x61C8864680B583EBull) >> 60);

			return h ? (enum kmalloc_type)(KMALLOC_RANDOM_FIRST + h - 1) : KMALLOC_NORMAL;
		}
		return KMALLOC_NORMAL;
	}
	/* DMA wins over reclaimable, which wins over accounted */
	if (kc[KC_ZONE_DMA] && (flags & __GFP_DMA))
		return KMALLOC_DMA;
	if (!kc[KC_MEMCG_KMEM] || (flags & __GFP_RECLAIMABLE))
		return KMALLOC_RECLAIM;
	return KMALLOC_CGROUP;
}

unsigned kmalloc_size_class(const struct sim *sim, uint64_t size)
{
	if (size <= 192)
		return sim->size_index[(size - 1) / 8];
	return fls_u64(size - 1);
}

struct kmem_cache *kmalloc_slab(const struct sim *sim, uint64_t size, gfp_t flags, uint64_t caller)
{
	if (!size || size > sim->env.ac.kmalloc_max_cache_size)
		return NULL;
	return sim->kmalloc_caches[kmalloc_type(sim, flags, caller)][kmalloc_size_class(sim, size)];
}

uint64_t kmalloc_size_roundup(const struct sim *sim, uint64_t size)
{
	const struct arch_consts *ac = &sim->env.ac;
	unsigned order;

	if (size && size <= ac->kmalloc_max_cache_size)
		return kmalloc_slab(sim, size, GFP_KERNEL, 0)->object_size;
	if (sim->env.kver >= KV(6, 6)) {
		/* 8446a4deb6b6 (6.6): a size kmalloc() cannot serve, and 0, come back unchanged */
		if (size && size <= ac->kmalloc_max_size)
			return (uint64_t)ac->page_size << get_order(size, ac->page_shift);
		return size;
	}
	/* 6.1: 0 -> 0, SIZE_MAX -> SIZE_MAX, else whole pages, the shift wrapping to 0 near SIZE_MAX */
	if (!size || size == UINT64_MAX)
		return size;
	order = get_order(size, ac->page_shift);
	return order + ac->page_shift >= 64 ? 0 : (uint64_t)ac->page_size << order;
}
