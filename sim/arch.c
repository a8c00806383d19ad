#include "arch.h"

#include <string.h>

#include "kver.h"
#include "util.h"

#define PS(shift) (1u << (shift))
#define PS_4K PS(12)
#define PS_ALL (PS(12) | PS(14) | PS(16))

/*
 * Values from each arch's asm/cache.h (and asm/page.h before 6.5); see the
 * fact sheet ../shared/spec/kmalloc.md §2.2 for sources and confidence.
 */
/* 4103cfe9dcb8 "LoongArch: Increase ARCH_DMA_MINALIGN up to 16" (6.15), Cc stable */
static const unsigned loongarch_dma_minalign_stable[] = {
	KVS(6, 1, 134), KVS(6, 6, 87), KVS(6, 12, 23), KVS(6, 13, 11), KVS(6, 14, 2), 0
};

static const struct arch_profile arch_profiles[] = {
	{ .name = "x86_64", .note = "no ARCH_DMA_MINALIGN: kmalloc-8 is the smallest cache",
	  .ptr_size = 8, .u64_align = 8, .cache_line = 64, .page_shifts = PS_4K,
	  .page_offset = 0xffff888000000000ull, .phys_start = 0x1000000 },
	{ .name = "arm64",
	  .note = "ARCH_DMA_MINALIGN 128; 6.5+ kmalloc-8 with the swiotlb bounce buffer (swiotlb=noforce: 64)",
	  .ptr_size = 8, .u64_align = 8, .dma_minalign = 128,
	  .kmalloc_minalign = 8, .kmalloc_minalign_since = KV(6, 5), .runtime_dma_align = 64,
	  .bounce_since = KV(6, 5),
	  .cache_line = 64, .page_shifts = PS_ALL,
	  .page_offset = 0xffff000000000000ull, .phys_start = 0x40000000 },
	{ .name = "arm", .note = "32-bit, ARCH_DMA_MINALIGN = L1_CACHE_BYTES (64)",
	  .ptr_size = 4, .u64_align = 8, .dma_minalign = 64, .cache_line = 64, .page_shifts = PS_4K,
	  .page_offset = 0xc0000000ull, .phys_start = 0 },
	{ .name = "riscv", .note = "non-coherent DMA: 64 (6.6+: kmalloc-8 with the swiotlb bounce buffer)",
	  .ptr_size = 8, .u64_align = 8, .dma_minalign = 64,
	  .kmalloc_minalign = 8, .kmalloc_minalign_since = KV(6, 6), .runtime_dma_align = 64,
	  .bounce_since = KV(6, 6),
	  .cache_line = 64, .page_shifts = PS_4K,
	  .page_offset = 0xff60000000000000ull, .phys_start = 0x80000000 },
	{ .name = "ppc32", .note = "32-bit non-coherent cache: ARCH_DMA_MINALIGN 32",
	  .ptr_size = 4, .u64_align = 8, .dma_minalign = 32, .cache_line = 32, .page_shifts = PS_4K,
	  .page_offset = 0xc0000000ull, .phys_start = 0 },
	{ .name = "mips", .note = "32-bit non-coherent DMA: ARCH_DMA_MINALIGN 128",
	  .ptr_size = 4, .u64_align = 8, .dma_minalign = 128, .cache_line = 32, .page_shifts = PS_ALL,
	  .page_offset = 0x80000000ull, .phys_start = 0 },
	{ .name = "microblaze", .note = "32-bit, ARCH_DMA_MINALIGN and ARCH_SLAB_MINALIGN 32",
	  .ptr_size = 4, .u64_align = 8, .dma_minalign = 32, .slab_minalign = 32, .cache_line = 32,
	  .page_shifts = PS_ALL, .page_offset = 0xc0000000ull, .phys_start = 0 },
	{ .name = "m68k", .note = "32-bit, L1 16; __alignof__(u64) is 2",
	  .ptr_size = 4, .u64_align = 2, .dma_minalign = 16, .cache_line = 16, .page_shifts = PS_4K,
	  .page_offset = 0x00000000ull, .phys_start = 0x1000000 },
	{ .name = "loongarch", .note = "ARCH_DMA_MINALIGN 16 from 6.15 (stable: 6.1.134, 6.6.87, 6.12.23), none before",
	  .ptr_size = 8, .u64_align = 8, .dma_minalign = 16, .dma_minalign_since = KV(6, 15),
	  .dma_minalign_stable = loongarch_dma_minalign_stable,
	  .cache_line = 64, .page_shifts = PS_ALL,
	  .page_offset = 0x9000000000000000ull, .phys_start = 0x1000000 },
	{ .name = "s390", .note = "no ARCH_DMA_MINALIGN, 256-byte cache lines",
	  .ptr_size = 8, .u64_align = 8, .cache_line = 256, .page_shifts = PS_4K,
	  .page_offset = 0x0000000000000000ull, .phys_start = 0x1000000 },
};

const struct arch_profile *arch_at(unsigned i)
{
	return i < ARRAY_SIZE(arch_profiles) ? &arch_profiles[i] : NULL;
}

const struct arch_profile *arch_find(const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(arch_profiles); i++)
		if (!strcmp(arch_profiles[i].name, name))
			return &arch_profiles[i];
	/* the kernel's own spellings */
	if (!strcmp(name, "x86") || !strcmp(name, "amd64"))
		return &arch_profiles[0];
	if (!strcmp(name, "aarch64"))
		return &arch_profiles[1];
	return NULL;
}

int arch_supports_page_shift(const struct arch_profile *a, unsigned page_shift)
{
	return page_shift < 32 && (a->page_shifts & PS(page_shift));
}

/* arch Kconfig ARCH_FORCE_MAX_ORDER defaults: larger pages, more orders. */
static unsigned max_page_order_for(unsigned page_shift)
{
	switch (page_shift) {
	case 14:
		return 11;
	case 16:
		return 13;
	default:
		return 10;
	}
}

/*
 * mm/slab_common.c __kmalloc_minalign() (6.5+): max(dma_get_cache_alignment(),
 * arch_slab_minalign()), or ARCH_KMALLOC_MINALIGN when the arch bounces
 * unaligned kmalloc DMA (CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC) and swiotlb is
 * allocated; arm64's and riscv's mem_init() allocate it for that, before
 * kmem_cache_init().
 */
static unsigned kmalloc_runtime_minalign(const struct arch_consts *c, const struct arch_profile *a, unsigned kver,
					 int swiotlb)
{
	unsigned dma_align = 1;

	if (kver < KV(6, 5))
		return c->kmalloc_minalign;
	if (a->bounce_since && kver >= a->bounce_since && swiotlb)
		return MAX(c->kmalloc_minalign, c->slab_minalign);
	if (a->runtime_dma_align && kver >= a->kmalloc_minalign_since)
		dma_align = a->runtime_dma_align;	/* arm64 cache_line_size(), riscv dma_cache_alignment */
	else if (c->has_dma_minalign)
		dma_align = c->dma_minalign;
	return MAX(dma_align, c->slab_minalign);
}

void arch_consts_init(struct arch_consts *c, const struct arch_profile *a, unsigned kver, unsigned page_shift)
{
	static const unsigned none[] = { 0 };
	int dma_defined = a->dma_minalign &&
			  kv_has(kver, a->dma_minalign_since, a->dma_minalign_stable ? a->dma_minalign_stable : none);

	memset(c, 0, sizeof(*c));
	c->ptr_size = a->ptr_size;
	c->page_shift = page_shift;
	c->page_size = 1u << page_shift;
	c->cache_line = a->cache_line;
	c->page_offset = a->page_offset;
	c->phys_start = a->phys_start;

	/* include/linux/cache.h: ARCH_DMA_MINALIGN defaults to __alignof__(unsigned long long) */
	c->has_dma_minalign = dma_defined;
	c->dma_minalign = dma_defined ? a->dma_minalign : a->u64_align;
	c->slab_minalign = a->slab_minalign ? a->slab_minalign : a->u64_align;

	if (kver < KV(6, 5)) {
		/* include/linux/slab.h before 4ab5f8ec7d71: kmalloc follows DMA */
		if (dma_defined && a->dma_minalign > 8) {
			c->kmalloc_minalign = a->dma_minalign;
			c->kmalloc_min_size = a->dma_minalign;
		} else {
			c->kmalloc_minalign = a->u64_align;
			c->kmalloc_min_size = 8;
		}
	} else {
		/* include/linux/slab.h 6.5+: an arch may decouple ARCH_KMALLOC_MINALIGN */
		if (a->kmalloc_minalign && kver >= a->kmalloc_minalign_since)
			c->kmalloc_minalign = a->kmalloc_minalign;
		else if (dma_defined && a->dma_minalign > 8)
			c->kmalloc_minalign = a->dma_minalign;
		else
			c->kmalloc_minalign = a->u64_align;
		c->kmalloc_min_size = c->kmalloc_minalign > 8 ? c->kmalloc_minalign : 8;
	}
	c->kmalloc_shift_low = ilog2_u64(c->kmalloc_min_size);
	/* SLUB: KMALLOC_SHIFT_HIGH = PAGE_SHIFT + 1, KMALLOC_SHIFT_MAX = highest buddy order */
	c->kmalloc_shift_high = page_shift + 1;
	c->max_page_order = max_page_order_for(page_shift);
	c->max_order_macro = kver < KV(6, 4) ? c->max_page_order + 1 : c->max_page_order;
	c->kmalloc_shift_max = c->max_page_order + page_shift;
	c->kmalloc_max_cache_size = 1ull << c->kmalloc_shift_high;
	c->kmalloc_max_size = 1ull << c->kmalloc_shift_max;

	c->runtime_minalign = kmalloc_runtime_minalign(c, a, kver, 1);
}

void arch_consts_no_swiotlb(struct arch_consts *c, const struct arch_profile *a, unsigned kver)
{
	c->runtime_minalign = kmalloc_runtime_minalign(c, a, kver, 0);
}
