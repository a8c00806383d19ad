/* Layout sweeps behind `slubsim verify`. */
#include "verify.h"

#include <string.h>

#include "sim.h"
#include "util.h"

/* The sizes verify_alloc() tries after @s, or 0 at the end. */
static uint64_t next_size(const struct arch_consts *ac, uint64_t s)
{
	uint64_t next;

	if (s <= ac->kmalloc_max_cache_size)
		return s + 1;
	/* page allocator sizes: each order's edges 2^k - 1, 2^k, 2^k + 1 */
	if (is_power_of_2(s + 1) || is_power_of_2(s))
		next = s + 1;
	else
		next = 2 * (s - 1) - 1;
	return next <= ac->kmalloc_max_size ? next : 0;
}

static void add_example(struct verify_result *r, uint64_t size, uint64_t align, uint64_t c_size,
			const struct kmalloc_outcome *where)
{
	struct verify_example *e;

	if (r->nr_examples >= VERIFY_MAX_EXAMPLES)
		return;
	e = &r->examples[r->nr_examples++];
	e->size = size;
	e->align = align;
	e->c_size = c_size;
	e->where = *where;
}

static void count_verdict(struct verify_result *r, uint64_t size, uint64_t align, const struct wrapper_verdict *v)
{
	r->checked++;
	if (v->res.kind == KMALLOC_FAIL && !v->dangling)
		r->failed++;
	if (!v->ok) {
		r->misaligned++;
		add_example(r, size, align, v->c_size, &v->res);
	} else if (!v->guaranteed) {
		r->unguaranteed++;
		if (!r->has_unguaranteed_example)
			r->unguaranteed_example = (struct verify_example){ size, align, v->c_size, v->res };
		r->has_unguaranteed_example = 1;
	}
}

int verify_alloc(const struct sim *sim, enum rust_wrapper w, struct verify_result *r, struct sim_err *err)
{
	const struct arch_consts *ac = &sim->env.ac;
	struct wrapper_verdict v;

	memset(r, 0, sizeof(*r));
	for (uint64_t size = 1; size; size = next_size(ac, size)) {
		for (uint64_t align = 1; align <= ac->page_size; align <<= 1) {
			if (wrapper_verdict(sim, w, size, align, &v, err))
				return -1;
			count_verdict(r, size, align, &v);
		}
	}
	return 0;
}

/* Each kmalloc cache once: runtime aliasing points several classes at one cache. */
static const struct kmem_cache *nth_kmalloc_cache(const struct sim *sim, unsigned idx)
{
	const struct kmem_cache *s = sim->kmalloc_caches[KMALLOC_NORMAL][idx];

	return s && s->kmalloc_idx == idx ? s : NULL;
}

int verify_realloc(const struct sim *sim, enum rust_wrapper w, struct verify_result *r, struct sim_err *err)
{
	const struct arch_consts *ac = &sim->env.ac;
	struct kmalloc_outcome old;
	uint64_t c_size;

	memset(r, 0, sizeof(*r));
	for (unsigned idx = 0; idx <= KMALLOC_IDX_MAX; idx++) {
		const struct kmem_cache *s = nth_kmalloc_cache(sim, idx);

		if (!s)
			continue;
		/* an object of @s, as kmalloc(object_size) hands it out */
		kmalloc_outcome(sim, s->object_size, &old);
		for (uint64_t align = 1; align <= ac->page_size; align <<= 1) {
			/* Layout(a, a): the smallest size with that alignment, the likeliest to fit in place */
			if (rust_size_for(w, align, align, &sim->env, &c_size, err))
				return -1;
			r->checked++;
			if (rust_realloc_keeps(w, old.ksize, old.slot_align, c_size, align) && old.slot_align % align) {
				r->misaligned++;
				add_example(r, align, align, c_size, &old);
			}
		}
	}
	return 0;
}
