/* The Rust-for-Linux kmalloc wrappers (rust/kernel/allocator.rs, rust/kernel/alloc/allocator.rs). */
#include "rust.h"

#include <string.h>

#include "kver.h"
#include "slab.h"
#include "util.h"

/* b3d8aa84bbfe "rust: allocator: Prevent mis-aligned allocation" (6.5, Cc stable) */
static const unsigned npot_stable[] = { KVS(6, 1, 45), 0 };
/* "rust: alloc: implement `Allocator` for `Kmalloc`" (6.13): in 6.12.19 with its series (March 2025) */
static const unsigned allocator_stable[] = { KVS(6, 12, 19), 0 };
static const unsigned no_stable[] = { 0 };

static const struct {
	const char *name;
	unsigned since;
	const unsigned *stable;	/* the stable releases that got it before @since */
	const char *function;	/* what rust/kernel/allocator.rs or rust/kernel/alloc/allocator.rs calls it */
} wrappers[NR_RUST_WRAPPERS] = {
	[RUST_NAIVE] = { "naive", KV(6, 1), NULL, "KernelAllocator::alloc()" },
	[RUST_NPOT] = { "npot", KV(6, 5), npot_stable, "krealloc_aligned()" },
	[RUST_PAD] = { "pad", KV(6, 11), NULL, "krealloc_aligned()" },
	/* the Allocator trait: ReallocFunc::call() sizes with aligned_size(), 6.18 with aligned_layout() */
	[RUST_ALLOCATOR] = { "allocator", KV(6, 13), allocator_stable, "<Kmalloc as Allocator>::realloc()" },
	[RUST_NODE_ALIGN] = { "node-align", KV(6, 18), NULL, "<Kmalloc as Allocator>::realloc()" },
};

const char *rust_wrapper_name(enum rust_wrapper w)
{
	return (unsigned)w < NR_RUST_WRAPPERS ? wrappers[w].name : "?";
}

int rust_wrapper_from_name(const char *name, enum rust_wrapper *out)
{
	for (unsigned w = 0; w < NR_RUST_WRAPPERS; w++) {
		if (!strcmp(name, wrappers[w].name)) {
			*out = (enum rust_wrapper)w;
			return 0;
		}
	}
	return -1;
}

unsigned rust_wrapper_since(enum rust_wrapper w)
{
	return (unsigned)w < NR_RUST_WRAPPERS ? wrappers[w].since : 0;
}

const char *rust_wrapper_function(enum rust_wrapper w)
{
	return (unsigned)w < NR_RUST_WRAPPERS ? wrappers[w].function : "?";
}

/*
 * The newest wrapper @kver has, stable backports included: 6.1.45+ has the
 * npot krealloc_aligned(), 6.12.19+ the Allocator trait.
 */
enum rust_wrapper rust_default_wrapper(unsigned kver)
{
	enum rust_wrapper best = RUST_NAIVE;

	for (unsigned w = 0; w < NR_RUST_WRAPPERS; w++)
		if (kv_has(kver, wrappers[w].since, wrappers[w].stable ? wrappers[w].stable : no_stable))
			best = (enum rust_wrapper)w;
	return best;
}

uint64_t rust_pad_to_align(uint64_t size, uint64_t align)
{
	return align_up(size, align);
}

/* isize::MAX for the arch's pointer width */
static uint64_t isize_max(const struct slab_env *env)
{
	return env->ac.ptr_size >= 8 ? (uint64_t)INT64_MAX : (1ull << (env->ac.ptr_size * 8 - 1)) - 1;
}

int rust_layout_check(const struct slab_env *env, uint64_t size, uint64_t align, struct sim_err *err)
{
	if (!is_power_of_2(align))
		return sim_err_set(err, SIM_EINVAL, "LayoutError: the alignment is not a power of two", NULL, NULL);
	/* core::alloc::Layout::max_size_for_align(): isize::MAX - (align - 1) */
	if (align - 1 > isize_max(env) || size > isize_max(env) - (align - 1))
		return sim_err_set(err, SIM_EINVAL, "LayoutError: the size rounded up to the alignment exceeds isize::MAX",
				   NULL, NULL);
	return 0;
}

/* core::num usize::next_power_of_two(): 0 gives 1 */
static uint64_t next_power_of_two(uint64_t x)
{
	return x <= 1 ? 1 : 1ull << fls_u64(x - 1);
}

int rust_size_for(enum rust_wrapper w, uint64_t size, uint64_t align, const struct slab_env *env, uint64_t *out,
		  struct sim_err *err)
{
	int ret = rust_layout_check(env, size, align, err);

	if (ret)
		return ret;
	switch (w) {
	case RUST_NAIVE:
		/* rust/kernel/allocator.rs __rust_alloc() 6.1-6.4: krealloc(NULL, size), align ignored */
		*out = size;
		return 0;
	case RUST_NPOT:
		/* rust/kernel/allocator.rs krealloc_aligned() 6.5-6.10: ARCH_SLAB_MINALIGN, not KMALLOC */
		*out = rust_pad_to_align(size, align);
		if (align > env->ac.slab_minalign)
			*out = next_power_of_two(*out);
		return 0;
	case RUST_PAD:		/* rust/kernel/alloc/allocator.rs krealloc_aligned() 6.11-6.12 */
	case RUST_ALLOCATOR:	/* rust/kernel/alloc/allocator.rs ReallocFunc::call() aligned_size() 6.13+ */
	case RUST_NODE_ALIGN:	/* rust/kernel/alloc/allocator.rs Kmalloc::aligned_layout() 6.18+ */
		*out = rust_pad_to_align(size, align);
		return 0;
	default:
		return sim_err_set(err, SIM_EINVAL, "unknown Rust wrapper", NULL, NULL);
	}
}

int rust_returns_dangling(enum rust_wrapper w, uint64_t c_size)
{
	/* rust/kernel/alloc/allocator.rs ReallocFunc::call() 6.13+: size 0 -> dangling_from_layout() */
	return c_size == 0 && (w == RUST_ALLOCATOR || w == RUST_NODE_ALIGN);
}

int rust_realloc_keeps(enum rust_wrapper w, uint64_t ks, uint64_t p_align, uint64_t new_c_size, uint64_t align)
{
	/* mm/slab_common.c __do_krealloc(): size 0 frees; a fitting object is returned as is */
	if (!new_c_size || new_c_size > ks)
		return 0;
	/* mm/slub.c __do_krealloc() 6.18+ (2cd8231796b5): a misaligned p goes to alloc_new */
	if (w == RUST_NODE_ALIGN && p_align % align)
		return 0;
	return 1;
}

uint64_t kmalloc_guaranteed_align(const struct slab_env *env, uint64_t size)
{
	const struct arch_consts *ac = &env->ac;
	uint64_t align = ac->kmalloc_minalign;
	unsigned order;

	if (!size)
		return 0;	/* ZERO_SIZE_PTR: no object */
	if (size > ac->kmalloc_max_cache_size) {
		/* include/linux/slab.h kmalloc_large(): buddy blocks are naturally aligned */
		order = get_order(size, ac->page_shift);
		return order > ac->max_page_order ? 0 : (uint64_t)ac->page_size << order;
	}
	/* 59bb47985c1d (5.4) Documentation/core-api/memory-allocation.rst: natural alignment */
	if (is_power_of_2(size))
		align = MAX(align, size);
	/* ad59baa31695 (6.11): the largest power of two dividing the size */
	if (env->kver >= KV(6, 11))
		align = MAX(align, lowest_bit(size));
	return align;
}
