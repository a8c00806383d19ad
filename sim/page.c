#include "page.h"

#include <stdlib.h>
#include <string.h>

int page_alloc_init(struct page_alloc *pa, uint64_t mem_bytes, unsigned page_shift, unsigned max_order,
		    uint64_t base)
{
	uint64_t n = mem_bytes >> page_shift;

	memset(pa, 0, sizeof(*pa));
	if (!n || n >= PFN_NONE)
		return -1;
	/* memory smaller than a MAX_PAGE_ORDER block holds smaller blocks only */
	while (max_order && (1ull << max_order) > n)
		max_order--;
	/* only whole max-order blocks: the buddy allocator's unit */
	n &= ~((1ull << max_order) - 1);
	pa->page_shift = page_shift;
	pa->max_order = max_order;
	pa->base = base;
	pa->nr_pages = (uint32_t)n;
	pa->free_pages = n;
	for (unsigned o = 0; o < 32; o++)
		pa->free_head[o] = PFN_NONE;
	/* calloc: untouched page structs stay untouched host memory */
	pa->pages = calloc(n, sizeof(*pa->pages));
	return pa->pages ? 0 : -1;
}

void page_alloc_release(struct page_alloc *pa)
{
	free(pa->pages);
	pa->pages = NULL;
}

int page_alloc_clone(struct page_alloc *dst, const struct page_alloc *src)
{
	*dst = *src;
	dst->pages = malloc((size_t)src->nr_pages * sizeof(*src->pages));
	if (!dst->pages)
		return -1;
	/* pages past the fresh range are all zero */
	memcpy(dst->pages, src->pages, (size_t)src->fresh_pfn * sizeof(*src->pages));
	memset(dst->pages + src->fresh_pfn, 0, (size_t)(src->nr_pages - src->fresh_pfn) * sizeof(*src->pages));
	return 0;
}

static void list_add_block(struct page_alloc *pa, uint32_t pfn, unsigned order)
{
	struct page *p = &pa->pages[pfn];
	uint32_t head = pa->free_head[order];

	p->use = PAGE_BUDDY;
	p->head = 1;
	p->order = (uint8_t)order;
	p->prev = PFN_NONE;
	p->next = head;
	if (head != PFN_NONE)
		pa->pages[head].prev = pfn;
	pa->free_head[order] = pfn;
	pa->nr_free[order]++;
}

static void list_del_block(struct page_alloc *pa, uint32_t pfn, unsigned order)
{
	struct page *p = &pa->pages[pfn];

	if (p->prev != PFN_NONE)
		pa->pages[p->prev].next = p->next;
	else
		pa->free_head[order] = p->next;
	if (p->next != PFN_NONE)
		pa->pages[p->next].prev = p->prev;
	p->use = PAGE_FREE_UNUSED;
	p->head = 0;
	pa->nr_free[order]--;
}

uint32_t page_alloc_block(struct page_alloc *pa, unsigned order, enum page_use use, uint32_t owner)
{
	unsigned o = order;
	uint32_t pfn;

	if (order > pa->max_order)
		return PFN_NONE;	/* WARN_ON_ONCE(order > MAX_PAGE_ORDER) and NULL */
	/* __rmqueue_smallest(): the smallest free block that fits */
	while (o <= pa->max_order && pa->free_head[o] == PFN_NONE)
		o++;
	if (o > pa->max_order) {
		if (pa->fresh_pfn >= pa->nr_pages)
			return PFN_NONE;
		list_add_block(pa, pa->fresh_pfn, pa->max_order);
		pa->fresh_pfn += 1u << pa->max_order;
		o = pa->max_order;
	}
	pfn = pa->free_head[o];
	list_del_block(pa, pfn, o);
	/* expand(): keep the low half, put each high half back on its list */
	while (o > order) {
		o--;
		list_add_block(pa, pfn + (1u << o), o);
	}
	for (uint32_t i = 0; i < (1u << order); i++) {
		struct page *p = &pa->pages[pfn + i];

		p->use = (uint8_t)use;
		p->head = i == 0;
		p->order = (uint8_t)order;
		p->owner = owner;
	}
	pa->free_pages -= 1u << order;
	return pfn;
}

void page_free_block(struct page_alloc *pa, uint32_t pfn, unsigned order)
{
	for (uint32_t i = 0; i < (1u << order); i++) {
		pa->pages[pfn + i].use = PAGE_FREE_UNUSED;
		pa->pages[pfn + i].head = 0;
	}
	pa->free_pages += 1u << order;
	/* __free_one_page(): merge while the buddy is a free block of the same order */
	while (order < pa->max_order) {
		uint32_t buddy = pfn ^ (1u << order);
		struct page *b = &pa->pages[buddy];

		if (buddy >= pa->nr_pages || b->use != PAGE_BUDDY || b->order != order)
			break;
		list_del_block(pa, buddy, order);
		pfn &= ~(1u << order);
		order++;
	}
	list_add_block(pa, pfn, order);
}
