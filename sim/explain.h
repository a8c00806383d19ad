/*
 * What kmalloc(size) hands out, and what each Rust wrapper makes of a
 * Layout: the facts behind `slubsim explain` and `slubsim verify`, as data
 * (the reasons too, so a front end can say why), without I/O.
 */
#ifndef SLUBSIM_EXPLAIN_H
#define SLUBSIM_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "rust.h"

struct sim;
struct kmem_cache;

#define ZERO_SIZE_PTR_ADDR 16	/* include/linux/slab.h ZERO_SIZE_PTR */

enum kmalloc_kind {
	KMALLOC_ZERO,		/* size 0: ZERO_SIZE_PTR */
	KMALLOC_SLAB,		/* a kmalloc cache */
	KMALLOC_PAGES,		/* above KMALLOC_MAX_CACHE_SIZE: the page allocator */
	KMALLOC_FAIL,		/* above KMALLOC_MAX_SIZE: NULL (and a WARN) */
};

struct kmalloc_outcome {
	uint64_t size;
	enum kmalloc_kind kind;
	const struct kmem_cache *s;	/* KMALLOC_SLAB: the KMALLOC_NORMAL cache kmalloc_slab() picks */
	unsigned idx;			/* KMALLOC_SLAB: the size class before any runtime aliasing */
	int via_size_index;		/* KMALLOC_SLAB: <= 192 looks up kmalloc_size_index[], else fls() */
	unsigned order;			/* KMALLOC_PAGES, KMALLOC_FAIL: get_order(size) */
	uint64_t ksize;			/* ksize(); 0 for ZERO_SIZE_PTR and NULL */
	uint64_t slot_align;		/* largest power of two dividing every such address; 16 for
					   ZERO_SIZE_PTR, 0 for NULL */
	uint64_t roundup;		/* kmalloc_size_roundup(size) */
};

/* What kmalloc(@size, GFP_KERNEL) returns under @sim's configuration. */
void kmalloc_outcome(const struct sim *sim, uint64_t size, struct kmalloc_outcome *o);
/* "kmalloc-96", "page-order-2", "ZERO_SIZE_PTR", "NULL" */
void kmalloc_outcome_name(const struct kmalloc_outcome *o, char *buf, size_t len);

/* Why kmem_cache_slot_align() is what it is: the three limits it takes the minimum of. */
struct slot_align_parts {
	uint64_t slab_block;		/* PAGE_SIZE << s->min.order: slabs are naturally aligned */
	uint64_t red_left_pad;		/* lowest set bit of s->red_left_pad, 0 if none */
	uint64_t slot_size;		/* lowest set bit of s->size, 0 if one object per slab */
};
void slot_align_parts(const struct sim *sim, const struct kmem_cache *s, struct slot_align_parts *p);

/* One Rust wrapper's path for Layout(size, align). */
struct wrapper_verdict {
	uint64_t c_size;		/* what reaches krealloc() */
	int dangling;			/* 6.13+: size 0 never reaches C; the pointer is `align` */
	struct kmalloc_outcome res;	/* what krealloc(NULL, c_size) gives */
	uint64_t addr_align;		/* alignment of the pointer Rust gets back (0: NULL) */
	int ok;				/* the pointer is aligned to align (NULL fails, it is not misaligned) */
	int guaranteed;			/* ok, and kmalloc()'s documented alignment promises it */
};
int wrapper_verdict(const struct sim *sim, enum rust_wrapper w, uint64_t size, uint64_t align,
		    struct wrapper_verdict *v, struct sim_err *err);

/* A SPEC of `slubsim explain`: sizes lo..hi, each with one alignment. */
struct explain_spec {
	uint64_t lo, hi, align;
};

/* "SIZE", "LO-HI", either with "@ALIGN" (decimal or 0x hex, ALIGN a power of two); 0 or -1 */
int explain_parse_spec(const char *arg, struct explain_spec *sp);

#endif
