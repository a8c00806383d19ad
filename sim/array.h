/*
 * Growable arrays: an array, its capacity and the room it needs, grown by
 * doubling with the new items zeroed.
 *
 *	if (ARRAY_GROW(sim->slabs, sim->slabs_cap, sim->nr_slab_entries + 1))
 *		return -SIM_ENOMEM;
 */
#ifndef SLUBSIM_ARRAY_H
#define SLUBSIM_ARRAY_H

#include <stddef.h>

/*
 * Make *@arr, @elem bytes an item, hold @need items at least: 0, or -1
 * (out of memory) with the array as it was. *@cap is its capacity.
 */
int array_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* array_grow() for a typed array @arr whose capacity @cap is any unsigned integer lvalue. */
#define ARRAY_GROW(arr, cap, need)                                                             \
	({                                                                                     \
		size_t cap_ = (cap);                                                           \
		int r_ = array_grow((void **)&(arr), &cap_, (need), sizeof(*(arr)));           \
		if (!r_)                                                                       \
			(cap) = cap_;                                                          \
		r_;                                                                            \
	})

#endif
