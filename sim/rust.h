/*
 * The Rust-for-Linux kmalloc wrappers as pure size logic: which size each
 * generation of rust/kernel/alloc hands to krealloc() for a Layout, and
 * what kmalloc() documents about the alignment of the result. The history is
 * in ../shared/spec/kmalloc.md §5; each function cites the version it models.
 */
#ifndef SLUBSIM_RUST_H
#define SLUBSIM_RUST_H

#include <stdint.h>

#include "err.h"

struct slab_env;

enum rust_wrapper {
	RUST_NAIVE,		/* 6.1-6.4: krealloc(NULL, size), align ignored */
	RUST_NPOT,		/* 6.5-6.10 krealloc_aligned(): pad, then next_power_of_two */
	RUST_PAD,		/* 6.11-6.12 krealloc_aligned(): pad only */
	RUST_ALLOCATOR,		/* 6.13+ Kmalloc: aligned_size(), size 0 is a dangling pointer */
	RUST_NODE_ALIGN,	/* 6.18+ krealloc_node_align(): align reaches krealloc */
	NR_RUST_WRAPPERS
};

/* "naive", "npot", "pad", "allocator", "node-align" */
const char *rust_wrapper_name(enum rust_wrapper w);
/* 0 and *out set, or -1 for an unknown name */
int rust_wrapper_from_name(const char *name, enum rust_wrapper *out);
/* The wrapper mainline Linux @kver (KV()) ships; stable backports are noted in rust.c. */
enum rust_wrapper rust_default_wrapper(unsigned kver);
/* The first mainline version that shipped @w (KV()). */
unsigned rust_wrapper_since(enum rust_wrapper w);
/* The kernel function @w models, as the Rust-for-Linux source names it ("krealloc_aligned()"). */
const char *rust_wrapper_function(enum rust_wrapper w);

/* core::alloc::Layout::pad_to_align(): @size rounded up to a multiple of @align (a valid Layout). */
uint64_t rust_pad_to_align(uint64_t size, uint64_t align);
/*
 * core::alloc::Layout::from_size_align(): @align a power of two and @size
 * rounded up to it at most isize::MAX. 0, or -SIM_EINVAL with @err set
 * (Rust's LayoutError: such a layout never reaches the allocator).
 */
int rust_layout_check(const struct slab_env *env, uint64_t size, uint64_t align, struct sim_err *err);
/*
 * The size wrapper @w passes to krealloc() (or kmalloc) for Layout(@size,
 * @align) into *@out. Fails like rust_layout_check().
 */
int rust_size_for(enum rust_wrapper w, uint64_t size, uint64_t align, const struct slab_env *env, uint64_t *out,
		  struct sim_err *err);
/* 1 if @w hands out a dangling pointer (address = align) instead of calling C for @c_size. */
int rust_returns_dangling(enum rust_wrapper w, uint64_t c_size);
/*
 * 1 if a Rust realloc through @w keeps the old object: krealloc() returns p
 * when the object (ksize @ks, address aligned to @p_align) already fits
 * @new_c_size bytes and, from 6.18, p is aligned to @align.
 */
int rust_realloc_keeps(enum rust_wrapper w, uint64_t ks, uint64_t p_align, uint64_t new_c_size, uint64_t align);

/*
 * The alignment the modelled kernel version documents for kmalloc(@size):
 * ARCH_KMALLOC_MINALIGN; the size itself for powers of two (5.4+); the
 * largest power of two dividing the size (6.11+); PAGE_SIZE << order for the
 * page allocator. 0 when kmalloc(@size) hands out no object (0, too large).
 */
uint64_t kmalloc_guaranteed_align(const struct slab_env *env, uint64_t size);

#endif
