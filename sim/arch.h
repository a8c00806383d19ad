/*
 * Architecture profiles: the per-arch cache.h/slab.h constants that shape the
 * kmalloc caches (ARCH_DMA_MINALIGN, ARCH_KMALLOC_MINALIGN, ARCH_SLAB_MINALIGN,
 * cache_line_size(), page sizes), as data, plus the constants the kernel
 * derives from them for a given kernel version and page size.
 */
#ifndef SLUBSIM_ARCH_H
#define SLUBSIM_ARCH_H

#include <stdint.h>

struct arch_profile {
	const char *name;
	const char *note;		/* one line for --list-archs */
	unsigned ptr_size;		/* sizeof(void *) */
	unsigned u64_align;		/* __alignof__(unsigned long long) */
	unsigned dma_minalign;		/* ARCH_DMA_MINALIGN; 0: the arch does not define it */
	unsigned dma_minalign_since;	/* first kernel version that defines it (0: all) */
	const unsigned *dma_minalign_stable;	/* stable releases that got it (kv_has()), NULL: none */
	unsigned kmalloc_minalign;	/* explicit ARCH_KMALLOC_MINALIGN after 6.5's decoupling; 0: none */
	unsigned kmalloc_minalign_since;
	unsigned runtime_dma_align;	/* dma_get_cache_alignment() when the arch overrides it (6.5+); 0: none */
	unsigned bounce_since;		/* DMA_BOUNCE_UNALIGNED_KMALLOC and mem_init()'s swiotlb from (0: never) */
	unsigned slab_minalign;		/* ARCH_SLAB_MINALIGN; 0: __alignof__(unsigned long long) */
	unsigned cache_line;		/* cache_line_size() */
	unsigned page_shifts;		/* bit n set: PAGE_SHIFT n is supported */
	uint64_t page_offset;		/* virtual address of the direct map */
	uint64_t phys_start;		/* physical address of the first RAM page */
};

/* Everything the kmalloc layer derives from the arch, the kernel version and PAGE_SHIFT. */
struct arch_consts {
	unsigned ptr_size;
	unsigned page_shift;
	unsigned page_size;
	unsigned max_page_order;	/* highest buddy order, inclusive (MAX_PAGE_ORDER) */
	unsigned max_order_macro;	/* MAX_ORDER as the version spells it (exclusive before 6.4) */
	unsigned dma_minalign;		/* ARCH_DMA_MINALIGN after the generic default */
	int has_dma_minalign;		/* ARCH_HAS_DMA_MINALIGN */
	unsigned kmalloc_minalign;	/* ARCH_KMALLOC_MINALIGN */
	unsigned slab_minalign;		/* ARCH_SLAB_MINALIGN */
	unsigned kmalloc_min_size;	/* KMALLOC_MIN_SIZE */
	unsigned kmalloc_shift_low;
	unsigned kmalloc_shift_high;
	unsigned kmalloc_shift_max;
	uint64_t kmalloc_max_cache_size;
	uint64_t kmalloc_max_size;
	unsigned runtime_minalign;	/* new_kmalloc_cache()'s minalign (6.5+), else kmalloc_minalign */
	unsigned cache_line;
	uint64_t page_offset;
	uint64_t phys_start;
};

const struct arch_profile *arch_find(const char *name);
const struct arch_profile *arch_at(unsigned i);	/* NULL past the end */
int arch_supports_page_shift(const struct arch_profile *a, unsigned page_shift);

/*
 * include/linux/slab.h, include/linux/cache.h: the derived constants, with
 * the swiotlb buffer that mem_init() allocates by default.
 */
void arch_consts_init(struct arch_consts *c, const struct arch_profile *a, unsigned kver, unsigned page_shift);
/* The same after boot parameter swiotlb=noforce: mem_init() allocates no swiotlb buffer. */
void arch_consts_no_swiotlb(struct arch_consts *c, const struct arch_profile *a, unsigned kver);

#endif
