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
	pa->nr_chunks = (uint32_t)((n + PAGE_CHUNK - 1) >> PAGE_CHUNK_SHIFT);
	pa->chunk = calloc(pa->nr_chunks, sizeof(*pa->chunk));
	return pa->chunk ? 0 : -1;
}

void page_alloc_release(struct page_alloc *pa)
{
	for (uint32_t i = 0; pa->chunk && i < pa->nr_chunks; i++)
		free(pa->chunk[i]);
	free(pa->chunk);
	pa->chunk = NULL;
}

int page_alloc_clone(struct page_alloc *dst, const struct page_alloc *src)
{
	*dst = *src;
	dst->chunk = calloc(src->nr_chunks, sizeof(*dst->chunk));
	if (!dst->chunk)
		return -1;
	for (uint32_t i = 0; i < src->nr_chunks; i++) {
		if (!src->chunk[i])
			continue;
		dst->chunk[i] = malloc(PAGE_CHUNK * sizeof(struct page));
		if (!dst->chunk[i]) {
			page_alloc_release(dst);
			return -1;
		}
		memcpy(dst->chunk[i], src->chunk[i], PAGE_CHUNK * sizeof(struct page));
	}
	return 0;
}

/* A fresh max-order block is handed out from @pfn on: its chunk gets its frames. */
static int touch_chunk(struct page_alloc *pa, uint32_t pfn)
{
	struct page **c = &pa->chunk[pfn >> PAGE_CHUNK_SHIFT];

	if (*c)
		return 0;
	if (!(*c = calloc(PAGE_CHUNK, sizeof(**c))))
		return -1;
	pa->nr_touched++;
	return 0;
}

static void list_add_block(struct page_alloc *pa, uint32_t pfn, unsigned order)
{
	struct page *p = page_at(pa, pfn);
	uint32_t head = pa->free_head[order];

	p->use = PAGE_BUDDY;
	p->head = 1;
	p->order = (uint8_t)order;
	p->prev = PFN_NONE;
	p->next = head;
	if (head != PFN_NONE)
		page_at(pa, head)->prev = pfn;
	pa->free_head[order] = pfn;
	pa->nr_free[order]++;
}

static void list_del_block(struct page_alloc *pa, uint32_t pfn, unsigned order)
{
	struct page *p = page_at(pa, pfn);

	if (p->prev != PFN_NONE)
		page_at(pa, p->prev)->next = p->next;
	else
		pa->free_head[order] = p->next;
	if (p->next != PFN_NONE)
		page_at(pa, p->next)->prev = p->prev;
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
		/* a max-order block never straddles chunks: both are powers of two, the chunk the larger */
		if (pa->fresh_pfn >= pa->nr_pages || touch_chunk(pa, pa->fresh_pfn))
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
		struct page *p = page_at(pa, pfn + i);

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
		page_at(pa, pfn + i)->use = PAGE_FREE_UNUSED;
		page_at(pa, pfn + i)->head = 0;
	}
	pa->free_pages += 1u << order;
	/* __free_one_page(): merge while the buddy is a free block of the same order */
	while (order < pa->max_order) {
		uint32_t buddy = pfn ^ (1u << order);
		const struct page *b = buddy < pa->nr_pages ? page_at(pa, buddy) : NULL;

		if (!b || b->use != PAGE_BUDDY || b->order != order)
			break;
		list_del_block(pa, buddy, order);
		pfn &= ~(1u << order);
		order++;
	}
	list_add_block(pa, pfn, order);
}
