/*
 * Simulated physical memory and a buddy page allocator (mm/page_alloc.c):
 * page frames with kernel-like direct-map addresses, free lists per order,
 * split on allocation and merge on free. Host bytes are allocated by the
 * owners of blocks (slabs, large kmalloc), so memory follows what is live;
 * the page frames themselves are allocated a chunk at a time when a block
 * in the chunk is first handed out, so the simulated RAM may be as large as
 * 32-bit page frame numbers reach.
 */
#ifndef SLUBSIM_PAGE_H
#define SLUBSIM_PAGE_H

#include <stddef.h>
#include <stdint.h>

#define PFN_NONE UINT32_MAX

enum page_use {
	PAGE_FREE_UNUSED = 0,	/* never handed out, or inside a free block */
	PAGE_BUDDY,		/* head of a free block on a free list */
	PAGE_SLAB,		/* part of a slab: owner = slab index */
	PAGE_LARGE,		/* part of a large kmalloc: owner = head pfn */
	PAGE_OTHER,		/* allocated, not slab (mm_page_alloc from a trace) */
};

struct page {
	uint8_t use;		/* enum page_use */
	uint8_t order;		/* block order, valid on block heads */
	uint8_t head;		/* 1 on the first page of an allocated or free block */
	uint8_t pad;
	uint32_t next, prev;	/* free list links (pfn) */
	uint32_t owner;
};

struct page_alloc {
	unsigned page_shift;
	unsigned max_order;		/* highest order, inclusive */
	uint64_t base;			/* address of pfn 0 */
	uint32_t nr_pages;
	uint32_t fresh_pfn;		/* pages from here on were never split: free max-order blocks */
	uint32_t free_head[32];		/* per order */
	uint64_t nr_free[32];		/* blocks per order on the lists */
	uint64_t free_pages;		/* total free pages, including the fresh range */
	struct page **chunk;		/* PAGE_CHUNK pages each; NULL until a block in it is handed out */
	uint32_t nr_chunks;
	uint32_t nr_touched;		/* chunks allocated */
};

#define PAGE_CHUNK_SHIFT 16
#define PAGE_CHUNK (1u << PAGE_CHUNK_SHIFT)

/* Host bytes of the page frames allocated so far. */
static inline uint64_t page_frame_bytes(const struct page_alloc *pa)
{
	return (uint64_t)pa->nr_touched * PAGE_CHUNK * sizeof(struct page);
}

/* The frame of @pfn; its chunk must exist (the pfn is in a block that was handed out). */
static inline struct page *page_at(const struct page_alloc *pa, uint32_t pfn)
{
	return &pa->chunk[pfn >> PAGE_CHUNK_SHIFT][pfn & (PAGE_CHUNK - 1)];
}

/* The frame of any @pfn below nr_pages, NULL if nothing in its chunk was ever handed out. */
static inline const struct page *page_peek(const struct page_alloc *pa, uint32_t pfn)
{
	const struct page *c = pa->chunk[pfn >> PAGE_CHUNK_SHIFT];

	return c ? &c[pfn & (PAGE_CHUNK - 1)] : NULL;
}

int page_alloc_init(struct page_alloc *pa, uint64_t mem_bytes, unsigned page_shift, unsigned max_order,
		    uint64_t base);
void page_alloc_release(struct page_alloc *pa);
int page_alloc_clone(struct page_alloc *dst, const struct page_alloc *src);

/* __alloc_pages(): a naturally aligned block of 1 << order pages, or PFN_NONE */
uint32_t page_alloc_block(struct page_alloc *pa, unsigned order, enum page_use use, uint32_t owner);
/* __free_pages(): give a block back, merging with free buddies */
void page_free_block(struct page_alloc *pa, uint32_t pfn, unsigned order);

static inline uint64_t pfn_to_addr(const struct page_alloc *pa, uint32_t pfn)
{
	return pa->base + ((uint64_t)pfn << pa->page_shift);
}

/* virt_to_pfn(): PFN_NONE if @addr is outside simulated memory */
static inline uint32_t addr_to_pfn(const struct page_alloc *pa, uint64_t addr)
{
	uint64_t off;

	if (addr < pa->base)
		return PFN_NONE;
	off = (addr - pa->base) >> pa->page_shift;
	return off < pa->nr_pages ? (uint32_t)off : PFN_NONE;
}

#endif
