/*
 * Sweeps over Rust Layouts: does a wrapper ever hand out memory that is
 * not aligned as asked? All arithmetic on the model, no I/O.
 */
#ifndef SLUBSIM_VERIFY_H
#define SLUBSIM_VERIFY_H

#include <stdint.h>

#include "err.h"
#include "explain.h"
#include "rust.h"

struct sim;

#define VERIFY_MAX_EXAMPLES 8

struct verify_example {
	uint64_t size, align;		/* the Layout asked for */
	uint64_t c_size;		/* what reached krealloc() */
	struct kmalloc_outcome where;	/* the object Rust got: a fresh one, or the old one kept in place */
};

struct verify_result {
	uint64_t checked;		/* Layouts (or realloc cases) tried */
	uint64_t misaligned;		/* the pointer is not aligned to the Layout's align */
	uint64_t unguaranteed;		/* aligned by the current layout only, not by kmalloc()'s documentation */
	uint64_t failed;		/* NULL: the wrapper's size exceeds KMALLOC_MAX_SIZE */
	unsigned nr_examples;		/* the first misaligned cases */
	struct verify_example examples[VERIFY_MAX_EXAMPLES];
	int has_unguaranteed_example;
	struct verify_example unguaranteed_example;
};

/*
 * Allocation: sizes 1..KMALLOC_MAX_CACHE_SIZE, then 2^k - 1, 2^k, 2^k + 1 up
 * to KMALLOC_MAX_SIZE, each with every power-of-two align up to PAGE_SIZE.
 */
int verify_alloc(const struct sim *sim, enum rust_wrapper w, struct verify_result *r, struct sim_err *err);
/*
 * Reallocation in place: an object of each kmalloc cache, reallocated to
 * Layout(a, a) for every power-of-two a up to PAGE_SIZE. krealloc() keeps a
 * fitting object; only 6.18's krealloc_node_align() checks its alignment.
 */
int verify_realloc(const struct sim *sim, enum rust_wrapper w, struct verify_result *r, struct sim_err *err);

#endif
