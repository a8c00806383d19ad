/* Linux 6.18 percpu sheaves (sim/sheaf.c), against the cpu slab paths of 6.17 and of caches without sheaves. */
#include <check.h>
#include <stdlib.h>

#include "sim/sheaf.h"
#include "sim/sim.h"
#include "sim_fixture.h"

/* No freelist randomization: a fresh slab hands out slots 0, 1, 2 ... */
static struct sim *boot(const char *kernel, const char *cpus)
{
	struct fixture_opts o = { .kernel = kernel, .cpus = cpus, .kconfig = "CONFIG_SLAB_FREELIST_RANDOM=n" };

	return fixture_boot(&o);
}

/* A cache of @size-byte objects aligned to their size, with sheaves of @capacity objects if nonzero. */
static struct kmem_cache *create_sized(struct sim *sim, const char *name, unsigned size, unsigned capacity)
{
	struct kmem_cache_args args = { .align = size & (size - 1) ? 0 : size, .sheaf_capacity = capacity };
	struct sim_err err;
	struct kmem_cache *s = sim_kmem_cache_create_args(sim, name, size, &args, 0, &err);

	ck_assert_msg(s != NULL, "%s", err.msg);
	return s;
}

/* A 256-byte cache (16 objects per order-0 slab with 2 CPUs) */
static struct kmem_cache *create(struct sim *sim, const char *name, unsigned capacity)
{
	return create_sized(sim, name, 256, capacity);
}

static int slot_of(const struct sim *sim, uint64_t addr)
{
	struct sim_obj_info info;

	sim_lookup(sim, addr, &info);
	return info.slot;
}

/*
 * refill_sheaf() takes objects 0..7 from the cpu slab into the sheaf and
 * alloc_from_pcs() pops the top: the last one taken comes out first.
 */
START_TEST(test_alloc_order)
{
	struct sim *new = boot("6.18", "2"), *old = boot("6.17", "2");
	struct kmem_cache *s = create(new, "maple_node", 8), *plain = create(new, "plain", 0);
	struct kmem_cache *prev = create(old, "maple_node", 0);
	struct sim_op op;
	uint64_t a;

	a = sim_kmem_cache_alloc(new, 0, s, GFP_KERNEL, &op);
	ck_assert_int_eq(op.path, PATH_SHEAF_REFILL);
	ck_assert_int_eq(slot_of(new, a), 7);
	a = sim_kmem_cache_alloc(new, 0, s, GFP_KERNEL, &op);
	ck_assert_int_eq(op.path, PATH_SHEAF);
	ck_assert_int_eq(slot_of(new, a), 6);
	ck_assert_uint_eq(sheaves_objects(s), 6);
	/* 6.17, and 6.18 without sheaf_capacity: the cpu freelist in slot order */
	ck_assert_int_eq(slot_of(old, sim_kmem_cache_alloc(old, 0, prev, GFP_KERNEL, &op)), 0);
	ck_assert_int_eq(op.path, PATH_NEW_SLAB);
	ck_assert_int_eq(slot_of(old, sim_kmem_cache_alloc(old, 0, prev, GFP_KERNEL, &op)), 1);
	ck_assert_int_eq(op.path, PATH_FASTPATH);
	ck_assert_int_eq(slot_of(new, sim_kmem_cache_alloc(new, 0, plain, GFP_KERNEL, NULL)), 0);
	ck_assert_int_eq(slot_of(new, sim_kmem_cache_alloc(new, 0, plain, GFP_KERNEL, NULL)), 1);
	ck_assert_ptr_null(plain->sheaves);
	sim_destroy(new);
	sim_destroy(old);
}
END_TEST

/* gfpflags_allow_blocking(): an atomic allocation never refills a sheaf, it takes the cpu slab */
START_TEST(test_atomic_no_refill)
{
	struct sim *sim = boot("6.18", "2");
	struct kmem_cache *s = create(sim, "maple_node", 8);
	struct sim_op op;
	uint64_t a;

	a = sim_kmem_cache_alloc(sim, 0, s, GFP_ATOMIC, &op);
	ck_assert_int_eq(op.path, PATH_NEW_SLAB);
	ck_assert_int_eq(slot_of(sim, a), 0);
	ck_assert_uint_eq(sheaves_objects(s), 0);
	a = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, &op);
	ck_assert_int_eq(op.path, PATH_SHEAF_REFILL);
	ck_assert_int_eq(slot_of(sim, a), 8);	/* objects 1..8 refilled */
	sim_destroy(sim);
}
END_TEST

/*
 * Each CPU frees onto its own main sheaf and allocates from it: an object
 * freed on CPU 1 is the next one CPU 1 gets. Without sheaves it goes back
 * to CPU 0's cpu slab, and CPU 1 allocates from a slab of its own.
 */
START_TEST(test_free_other_cpu)
{
	struct sim *new = boot("6.18", "2"), *old = boot("6.17", "2");
	struct kmem_cache *s = create(new, "maple_node", 8), *prev = create(old, "maple_node", 0);
	struct sim_obj_info info;
	struct sim_op op;
	uint64_t a = sim_kmem_cache_alloc(new, 0, s, GFP_KERNEL, NULL);
	uint64_t b = sim_kmem_cache_alloc(old, 0, prev, GFP_KERNEL, NULL);

	sim_kmem_cache_free(new, 1, s, a, &op);
	ck_assert_int_eq(op.path, PATH_FREE_SHEAF);
	ck_assert(sheaves_hold(s, a));
	sim_lookup(new, a, &info);
	ck_assert(!info.free);
	ck_assert_int_eq(info.sheaf, SHEAF_IN_MAIN);
	ck_assert_uint_eq(info.sheaf_cpu, 1);
	ck_assert_uint_eq(sim_kmem_cache_alloc(new, 1, s, GFP_KERNEL, &op), a);
	ck_assert_int_eq(op.path, PATH_SHEAF);
	sim_kmem_cache_free(old, 1, prev, b, &op);
	ck_assert_int_eq(op.path, PATH_FREE_FROZEN);
	ck_assert_uint_ne(sim_kmem_cache_alloc(old, 1, prev, GFP_KERNEL, NULL), b);
	sim_destroy(new);
	sim_destroy(old);
}
END_TEST

/*
 * Freeing 100 objects onto sheaves of 4: the main and the spare fill, then
 * each full main goes to the barn for a new empty one, until the barn holds
 * MAX_FULL_SHEAVES; from then on a full spare is flushed to the slabs.
 */
START_TEST(test_barn_limits)
{
	enum { N = 100, C = 4 };
	struct sim *sim = boot("6.18", "2");
	struct kmem_cache *s = create(sim, "maple_node", C);
	uint64_t *p = calloc(N, sizeof(*p));
	struct cache_stats st;
	unsigned cpu;

	for (unsigned i = 0; i < N; i++)
		p[i] = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
	/* each refill reused the empty sheaf the previous one left in the barn */
	ck_assert_uint_eq(sheaves_objects(s), 0);
	ck_assert_uint_eq(s->sheaves->barn.nr_empty, 1);
	ck_assert_uint_eq(s->sheaves->barn.nr_full, 0);
	for (unsigned i = 0; i < N; i++)
		sim_kmem_cache_free(sim, 0, s, p[i], NULL);
	ck_assert_uint_eq(s->sheaves->barn.nr_full, MAX_FULL_SHEAVES);
	ck_assert_uint_eq(s->sheaves->barn.nr_empty, 0);
	ck_assert_uint_eq(sheaves_objects(s), (MAX_FULL_SHEAVES + 2) * C);
	kmem_cache_stats(sim, s, &st);
	ck_assert_uint_eq(st.sheaf_objects, (MAX_FULL_SHEAVES + 2) * C);
	ck_assert_int_eq(sheaves_find(s, p[N - 1], &cpu), SHEAF_IN_MAIN);
	ck_assert_int_eq(sheaves_find(s, p[N - 5], &cpu), SHEAF_IN_SPARE);
	ck_assert_int_eq(sheaves_find(s, p[4], &cpu), SHEAF_IN_BARN);
	/* the spare flushed at free 97 held frees 89..92 */
	ck_assert(!sheaves_hold(s, p[88]));
	/* allocation takes them back newest first: main, spare, then the barn's newest full sheaf */
	for (unsigned i = 0; i < 2 * C; i++)
		ck_assert_uint_eq(sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL), p[N - 1 - i]);
	ck_assert_uint_eq(sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL), p[4 * MAX_FULL_SHEAVES + 3]);
	free(p);
	sim_destroy(sim);
}
END_TEST

/*
 * __kmem_cache_shutdown() flushes the sheaves and shrinks the barn first:
 * only objects the trace still holds are left behind.
 */
START_TEST(test_destroy_flushes)
{
	struct sim *sim = boot("6.18", "2");
	struct kmem_cache *s = create(sim, "maple_node", 4), *t = create(sim, "leaky", 4);
	uint64_t p[10];
	struct sim_op op;

	for (unsigned i = 0; i < 10; i++)
		p[i] = sim_kmem_cache_alloc(sim, i % 2, s, GFP_KERNEL, NULL);
	for (unsigned i = 0; i < 10; i++)
		sim_kmem_cache_free(sim, 1 - i % 2, s, p[i], NULL);
	ck_assert_uint_ne(sheaves_objects(s), 0);
	ck_assert_int_eq(sim_kmem_cache_destroy(sim, s, &op), 0);
	ck_assert_int_eq(op.nr_faults, 0);
	for (unsigned i = 0; i < 10; i++)
		p[i] = sim_kmem_cache_alloc(sim, 0, t, GFP_KERNEL, NULL);
	for (unsigned i = 0; i < 9; i++)
		sim_kmem_cache_free(sim, 0, t, p[i], NULL);
	ck_assert_uint_eq(sim_slab_errors(sim), 0);
	ck_assert_int_eq(sim_kmem_cache_destroy(sim, t, &op), -1);
	ck_assert_int_eq(op.fault, FAULT_OBJECTS_REMAINING);
	/* one slab, one object (6.12+ counts both): the objects in sheaves went back */
	ck_assert_uint_eq(sim_slab_errors(sim), 2);
	sim_destroy(sim);
}
END_TEST

/*
 * kfree_rcu() batches into the CPU's rcu_free sheaf; a full one goes, after
 * the grace period, to the barn as a full sheaf that any CPU allocates from.
 */
START_TEST(test_kfree_rcu_sheaf)
{
	struct sim *new = boot("6.18", "2"), *old = boot("6.17", "2");
	struct kmem_cache *s = create(new, "maple_node", 4), *prev = create(old, "maple_node", 0);
	uint64_t a[8], b[8], lone;
	struct sim_op op;
	unsigned cpu;

	for (unsigned i = 0; i < 8; i++) {
		a[i] = sim_kmem_cache_alloc(new, 0, s, GFP_KERNEL, NULL);
		b[i] = sim_kmem_cache_alloc(old, 0, prev, GFP_KERNEL, NULL);
	}
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_int_eq(sim_kfree_rcu(new, 1, a[i], &op), 0);
		ck_assert_int_eq(op.path, PATH_FREE_RCU);
		ck_assert_int_eq(sim_kfree_rcu(old, 1, b[i], NULL), 0);
	}
	ck_assert(sheaves_hold(s, a[0]));
	ck_assert_int_eq(sheaves_find(s, a[0], &cpu), SHEAF_IN_RCU_PENDING);
	ck_assert_uint_eq(sim_rcu_pending(new), 4);	/* one sheaf of four, queued */
	sim_rcu_barrier(new, NULL);
	sim_rcu_barrier(old, NULL);
	ck_assert_uint_eq(s->sheaves->barn.nr_full, 1);
	ck_assert_uint_eq(sim_kmem_cache_alloc(new, 0, s, GFP_KERNEL, NULL), a[3]);
	ck_assert_uint_ne(sim_kmem_cache_alloc(old, 0, prev, GFP_KERNEL, NULL), b[3]);
	/* a partly filled rcu_free sheaf is flushed to the slabs by the barrier (rcu_free_sheaf_nobarn()) */
	lone = sim_kmem_cache_alloc(new, 0, s, GFP_KERNEL, NULL);
	sim_kfree_rcu(new, 0, lone, NULL);
	ck_assert_int_eq(sheaves_find(s, lone, &cpu), SHEAF_IN_RCU_FREE);
	ck_assert_uint_eq(sim_rcu_pending(new), 1);
	sim_rcu_barrier(new, NULL);
	ck_assert(!sheaves_hold(s, lone));
	sim_destroy(new);
	sim_destroy(old);
}
END_TEST

/* The node partial list as (free objects) of each slab, head first. */
static unsigned partial_frees(const struct sim *sim, const struct kmem_cache *s, unsigned *free, unsigned max)
{
	unsigned k = 0;

	for (uint32_t i = s->node->partial_head; i != SLAB_NONE && k < max; i = sim_slab(sim, i)->next)
		free[k++] = sim_slab(sim, i)->objects - sim_slab(sim, i)->inuse;
	return k;
}

/*
 * kmem_cache_shrink() (__kmem_cache_do_shrink()): empty slabs leave the node
 * partial list for the page allocator; those with at most 32 free objects
 * move to its head, fewest free first, and each such group in reverse order
 * (list_move() into it, list_splice() of it); the rest keep their order.
 */
START_TEST(test_shrink_partial)
{
	enum { SLABS = 6, PER = 64 };
	/*
	 * objects to free in each slab: groups, a tie, one past 32, and an empty
	 * slab, which stays on the list as long as it is shorter than min_partial
	 */
	static const unsigned frees[SLABS] = { 3, 1, 40, PER, 3, 0 };
	struct sim *sim = boot("6.12", "1");
	struct kmem_cache *s = sim_kmem_cache_create(sim, "shrinky", 64, 64, 0, 0, 0, 0, NULL);
	uint64_t *p = calloc(SLABS * PER, sizeof(*p));
	unsigned before[SLABS], after[SLABS], nb, na, want[SLABS], w = 0;
	uint64_t slabs;
	struct cache_stats st;

	ck_assert_uint_eq(s->oo.objects, PER);
	for (unsigned i = 0; i < SLABS * PER; i++)
		p[i] = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
	for (unsigned i = 0; i < SLABS; i++)
		for (unsigned k = 0; k < frees[i]; k++)
			sim_kmem_cache_free(sim, 0, s, p[i * PER + k], NULL);
	sim_flush_cache(sim, s);
	nb = partial_frees(sim, s, before, SLABS);
	kmem_cache_stats(sim, s, &st);
	slabs = st.slabs;
	ck_assert_int_eq(sim_kmem_cache_shrink(sim, s, NULL), 1);
	na = partial_frees(sim, s, after, SLABS);
	/* the rule, from the list before */
	for (unsigned f = 1; f <= 32; f++)
		for (unsigned j = nb; j-- > 0;)
			if (before[j] == f)
				want[w++] = f;
	for (unsigned j = 0; j < nb; j++)
		if (before[j] > 32 && before[j] < PER)
			want[w++] = before[j];
	ck_assert_uint_eq(na, w);
	for (unsigned j = 0; j < na; j++)
		ck_assert_uint_eq(after[j], want[j]);
	kmem_cache_stats(sim, s, &st);
	ck_assert_uint_eq(st.slabs, slabs - (nb - na));
	ck_assert_uint_lt(na, nb);	/* the empty slab went */
	free(p);
	sim_destroy(sim);
}
END_TEST

/*
 * 6.18: kmem_cache_shrink() flushes the sheaves before it looks at the
 * slabs, so the objects they held are free again for their slabs.
 */
START_TEST(test_shrink_sheaves)
{
	struct sim *sim = boot("6.18", "2");
	struct kmem_cache *s = create(sim, "maple_node", 8);
	uint64_t a = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
	uint64_t b = sim_kmem_cache_alloc(sim, 1, s, GFP_KERNEL, NULL);
	struct cache_stats st;

	sim_kmem_cache_free(sim, 1, s, a, NULL);
	ck_assert_uint_eq(sheaves_objects(s), 7 + 8);
	ck_assert_int_eq(sim_kmem_cache_shrink(sim, s, NULL), 1);
	ck_assert_uint_eq(sheaves_objects(s), 0);
	ck_assert_uint_eq(s->sheaves->barn.nr_full + s->sheaves->barn.nr_empty, 0);
	kmem_cache_stats(sim, s, &st);
	ck_assert_uint_eq(st.objects, 1);	/* b alone */
	ck_assert_uint_eq(st.slabs, 1);
	sim_kmem_cache_free(sim, 0, s, b, NULL);
	ck_assert_int_eq(sim_kmem_cache_shrink(sim, s, NULL), 0);
	sim_destroy(sim);
}
END_TEST

/*
 * kmem_cache_destroy() waits for kfree_rcu(): 6.18's kvfree_rcu_barrier()
 * flushes every cache's rcu_free sheaves, 6.19's kvfree_rcu_barrier_on_cache()
 * (0f35040de593, 6.18.3) only the dying cache's.
 */
START_TEST(test_destroy_rcu_sheaves)
{
	static const char *const kernels[] = { "6.18.2", "6.18.3", "6.19" };

	for (unsigned k = 0; k < 3; k++) {
		struct sim *sim = boot(kernels[k], "2");
		struct kmem_cache *s = create(sim, "maple_node", 4), *t = create(sim, "other", 4);
		uint64_t a = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
		uint64_t b = sim_kmem_cache_alloc(sim, 0, t, GFP_KERNEL, NULL);
		unsigned cpu;

		sim_kfree_rcu(sim, 0, a, NULL);
		ck_assert_int_eq(sheaves_find(s, a, &cpu), SHEAF_IN_RCU_FREE);
		ck_assert_int_eq(sim_kmem_cache_destroy(sim, t, NULL), -1);	/* b is still allocated */
		ck_assert_int_eq(sheaves_find(s, a, &cpu), k ? SHEAF_IN_RCU_FREE : SHEAF_IN_NONE);
		(void)b;
		sim_destroy(sim);
	}
}
END_TEST

/* Objects of @s allocated from its slabs' view and not waiting in a sheaf: what the trace holds. */
static uint64_t held_outside_sheaves(const struct sim *sim, const struct kmem_cache *s)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < sim->nr_slab_entries; i++) {
		const struct slab *slab = sim_slab(sim, i);

		if (slab && slab->live && sim->caches[slab->cache] == s)
			n += slab->inuse;
	}
	for (unsigned cpu = 0; cpu < sim->env.cpus; cpu++)
		for (uint64_t fp = s->cpu[cpu].freelist; fp; fp = sim_get_freepointer(sim, s, fp))
			n--;
	return n - sheaves_objects(s);
}

/*
 * Random allocations, frees and kfree_rcu()s on random CPUs, with atomic
 * allocations, barriers and shrinks among them: every object is the
 * trace's, in a sheaf, or free in its slab, at every step; once the trace
 * has freed everything, the grace period and two shrinks leave no slab.
 */
START_TEST(test_random_invariant)
{
	static const unsigned caps[] = { 1, 3, 4, 32 }, sizes[] = { 64, 256, 1000, 64 };
	static const char *const cpus[] = { "1", "2", "4", "2" };
	uint64_t rng = 0x9e3779b97f4a7c15ull + (uint64_t)_i;
	struct sim *sim = boot(_i & 1 ? "6.19" : "6.18", cpus[_i]);
	struct kmem_cache *s = create_sized(sim, "random", sizes[_i], caps[_i]);
	uint64_t live[512], rcu = 0;
	unsigned n = 0;
	struct cache_stats st;

	for (unsigned step = 0; step < 4000; step++) {
		unsigned r, cpu;

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		r = (unsigned)(rng >> 33) % 100;
		cpu = (unsigned)(rng >> 20) % sim->env.cpus;
		if ((r < 50 && n < 512) || !n) {
			gfp_t gfp = r % 5 == 0 ? GFP_ATOMIC : r % 7 == 0 ? GFP_NOWAIT : GFP_KERNEL;

			live[n] = sim_kmem_cache_alloc(sim, cpu, s, gfp, NULL);
			ck_assert_uint_ne(live[n], 0);
			n++;
		} else if (r < 85) {
			unsigned k = (unsigned)(rng >> 40) % n;

			sim_kmem_cache_free(sim, cpu, s, live[k], NULL);
			live[k] = live[--n];
		} else if (r < 93) {
			unsigned k = (unsigned)(rng >> 40) % n;

			ck_assert_int_eq(sim_kfree_rcu(sim, cpu, live[k], NULL), 0);
			live[k] = live[--n];
			rcu++;
		} else if (r < 96) {
			sim_rcu_barrier(sim, NULL);
			rcu = 0;
		} else {
			ck_assert_int_ge(sim_kmem_cache_shrink(sim, s, NULL), 0);
		}
		/* kfree_rcu() objects the sheaves did not take wait, allocated, in the RCU queue */
		ck_assert_uint_ge(held_outside_sheaves(sim, s), n);
		ck_assert_uint_le(held_outside_sheaves(sim, s), n + rcu);
	}
	while (n)
		sim_kmem_cache_free(sim, 0, s, live[--n], NULL);
	sim_rcu_barrier(sim, NULL);
	ck_assert_uint_eq(held_outside_sheaves(sim, s), 0);
	ck_assert_int_ge(sim_kmem_cache_shrink(sim, s, NULL), 0);
	ck_assert_int_eq(sim_kmem_cache_shrink(sim, s, NULL), 0);
	kmem_cache_stats(sim, s, &st);
	ck_assert_uint_eq(st.slabs, 0);
	sim_destroy(sim);
}
END_TEST

/* A checkpoint copies the sheaves: the copy goes on as the original does. */
START_TEST(test_clone)
{
	struct sim *sim = boot("6.18", "2"), *copy;
	struct kmem_cache *s = create(sim, "maple_node", 4);
	uint64_t a = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);

	sim_kmem_cache_free(sim, 0, s, a, NULL);
	copy = sim_clone(sim);
	ck_assert_ptr_nonnull(copy);
	ck_assert_uint_eq(sim_kmem_cache_alloc(copy, 0, sim_find_cache(copy, "maple_node"), GFP_KERNEL, NULL), a);
	ck_assert_uint_eq(sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL), a);
	sim_destroy(copy);
	sim_destroy(sim);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sheaf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_alloc_order);
	tcase_add_test(tc, test_atomic_no_refill);
	tcase_add_test(tc, test_free_other_cpu);
	tcase_add_test(tc, test_barn_limits);
	tcase_add_test(tc, test_destroy_flushes);
	tcase_add_test(tc, test_kfree_rcu_sheaf);
	tcase_add_test(tc, test_clone);
	tcase_add_test(tc, test_destroy_rcu_sheaves);
	tcase_add_loop_test(tc, test_random_invariant, 0, 4);
	tcase_add_test(tc, test_shrink_partial);
	tcase_add_test(tc, test_shrink_sheaves);
	suite_add_tcase(s, tc);
	return fixture_run(s);
}
