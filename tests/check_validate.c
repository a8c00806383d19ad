/*
 * validate_slab_cache() and lib/slub_kunit.c's error count in the model:
 * the counting rules on both sides of their version boundaries. The suite's
 * own cases, as traces, are under tests/kunit/.
 */
#include <stdlib.h>
#include <string.h>

#include "sim_fixture.h"
#include "sim/slub_internal.h"

static struct sim *boot(const char *kernel)
{
	struct fixture_opts o = { .kernel = kernel };

	return fixture_boot(&o);
}

static struct kmem_cache *create(struct sim *sim, const char *name, unsigned size, slab_flags_t flags)
{
	struct sim_err err;
	struct kmem_cache *s = sim_kmem_cache_create(sim, name, size, 0, flags | SLAB_NO_USER_FLAGS, 0, 0, 0, &err);

	ck_assert_msg(s != NULL, "%s", err.msg);
	return s;
}

static unsigned char *bytes(struct sim *sim, uint64_t addr)
{
	unsigned char *p = sim_mem(sim, addr, 1);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* errors counted by one validation */
static uint64_t validate(struct sim *sim, struct kmem_cache *s)
{
	uint64_t before = sim_slab_errors(sim);
	struct sim_op op;

	ck_assert_int_ge(sim_validate_cache(sim, s, &op), 0);
	return sim_slab_errors(sim) - before;
}

START_TEST(test_clean_cache_has_no_errors)
{
	struct sim *sim = boot("6.1");
	struct kmem_cache *s = create(sim, "clean", 100, SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER);
	struct sim_op op;
	uint64_t p[40];

	for (unsigned i = 0; i < 40; i++)
		p[i] = sim_kmem_cache_alloc(sim, i % 2, s, GFP_KERNEL, NULL);
	for (unsigned i = 0; i < 40; i += 3)
		sim_kmem_cache_free(sim, 0, s, p[i], NULL);
	/* full slabs are on n->full with SLAB_STORE_USER: every slab is walked */
	ck_assert_int_eq(sim_validate_cache(sim, s, &op), (long)s->node->nr_slabs);
	ck_assert_uint_eq(sim_slab_errors(sim), 0);
	ck_assert_int_eq(op.fault, FAULT_NONE);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_non_debug_cache_refused)
{
	struct sim *sim = boot("6.1");
	struct kmem_cache *s = create(sim, "plain", 64, SLAB_NO_MERGE);

	ck_assert_int_eq(sim_validate_cache(sim, s, NULL), -SIM_EINVAL);
	sim_destroy(sim);
}
END_TEST

/* A red zone write is one report and one fix: 2. */
START_TEST(test_redzone_report_and_fix)
{
	struct sim *sim = boot("6.1");
	struct kmem_cache *s = create(sim, "rz", 64, SLAB_RED_ZONE);
	uint64_t p = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);

	bytes(sim, p)[64] = 0x12;
	ck_assert_uint_eq(validate(sim, s), 2);
	/* restored: the next walk finds nothing */
	ck_assert_uint_eq(validate(sim, s), 0);
	sim_destroy(sim);
}
END_TEST

/*
 * 6.2-6.10 check_object() stops at the first damaged area of an object;
 * 6.11+ reports them all. Left and right red zone both hit: 2, then 4.
 */
START_TEST(test_check_object_areas_by_version)
{
	static const char *const kernels[] = { "6.10", "6.11" };
	static const unsigned expect[] = { 2, 4 };

	for (unsigned k = 0; k < 2; k++) {
		struct sim *sim = boot(kernels[k]);
		struct kmem_cache *s = create(sim, "rz2", 64, SLAB_RED_ZONE);
		uint64_t p = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);

		bytes(sim, p - 1)[0] = 0x12;
		bytes(sim, p)[64] = 0x12;
		ck_assert_msg(validate(sim, s) == expect[k], "%s", kernels[k]);
		sim_destroy(sim);
	}
}
END_TEST

/* A broken free pointer: the chain is cut, then the count is repaired. */
START_TEST(test_freechain_then_count)
{
	struct sim *sim = boot("6.1");
	struct kmem_cache *s = create(sim, "fp", 64, SLAB_POISON);
	uint64_t p = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
	unsigned char *fp, saved[8];

	sim_kmem_cache_free(sim, 0, s, p, NULL);
	fp = bytes(sim, p + s->offset);
	memcpy(saved, fp, 8);
	fp[0] = (unsigned char)~fp[0];
	ck_assert_uint_eq(validate(sim, s), 3);
	memcpy(fp, saved, 8);
	ck_assert_uint_eq(validate(sim, s), 2);
	ck_assert_uint_eq(validate(sim, s), 0);
	sim_destroy(sim);
}
END_TEST

/*
 * The slab's tail padding: slab_err() + fix, then (6.15, stable 6.12.46)
 * slab_bug(), which does not count, + fix.
 */
START_TEST(test_slab_padding_by_version)
{
	static const char *const kernels[] = { "6.1", "6.12.45", "6.12.46", "6.15" };
	static const unsigned expect[] = { 2, 2, 1, 1 };

	for (unsigned k = 0; k < 4; k++) {
		struct sim *sim = boot(kernels[k]);
		struct kmem_cache *s = create(sim, "pad", 64, SLAB_POISON);
		uint64_t p = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
		uint64_t slab = p & ~4095ull;
		struct sim_op op;

		/* 72-byte slots leave 4096 % 72 = 64 bytes of tail */
		ck_assert_uint_eq(s->size, 72);
		bytes(sim, slab + 4090)[0] = 0;
		ck_assert_msg(validate(sim, s) == expect[k], "%s", kernels[k]);
		ck_assert_int_ge(sim_validate_cache(sim, s, &op), 0);
		ck_assert_int_eq(op.fault, FAULT_NONE);
		sim_destroy(sim);
	}
}
END_TEST

/*
 * A slab whose allocation checks failed is disabled (dbc16915279a, 6.13;
 * stable 6.1.191, 6.6.64, 6.12.4): a later free into it is refused by
 * check_slab(), 2 errors; before, the free passes its checks.
 */
START_TEST(test_slab_disabled_by_version)
{
	static const char *const kernels[] = { "6.1.190", "6.1.191", "6.6.63", "6.6.64", "6.12.3", "6.12.4" };

	for (unsigned k = 0; k < 6; k++) {
		struct sim *sim = boot(kernels[k]);
		struct kmem_cache *s = create(sim, "disabled", 64, SLAB_CONSISTENCY_CHECKS | SLAB_POISON);
		uint64_t p = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
		uint64_t q = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL), before;
		struct sim_op op;

		sim_kmem_cache_free(sim, 0, s, q, NULL);
		bytes(sim, q)[0] = 0x78;	/* a write after free into the next object */
		ck_assert_uint_ne(sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL), q);
		before = sim_slab_errors(sim);
		sim_kmem_cache_free(sim, 0, s, p, &op);
		ck_assert_msg(sim_slab_errors(sim) - before == (k & 1 ? 2 : 0), "%s", kernels[k]);
		ck_assert_int_eq(op.fault != FAULT_NONE, k & 1);
		sim_destroy(sim);
	}
}
END_TEST

/* Leaks on destroy: one error per slab before 6.12, plus one per object after. */
START_TEST(test_leak_count_by_version)
{
	static const char *const kernels[] = { "6.6", "6.12" };
	static const unsigned expect[] = { 1, 4 };

	for (unsigned k = 0; k < 2; k++) {
		struct sim *sim = boot(kernels[k]);
		struct kmem_cache *s = create(sim, "leak", 64, SLAB_NO_MERGE);
		struct sim_op op;

		for (unsigned i = 0; i < 3; i++)
			sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
		ck_assert_int_eq(sim_kmem_cache_destroy(sim, s, &op), -1);
		ck_assert_int_eq(op.fault, FAULT_OBJECTS_REMAINING);
		ck_assert_msg(sim_slab_errors(sim) == expect[k], "%s: %llu", kernels[k],
			      (unsigned long long)sim_slab_errors(sim));
		/* 6.12 unlinks the cache from slab_caches even so; 6.6 keeps it listed */
		ck_assert_int_eq(sim_find_cache(sim, "leak") == NULL, k == 1);
		sim_destroy(sim);
	}
}
END_TEST

/* A full slab is on no list: shutdown fails without a leak report. */
START_TEST(test_full_slab_leaks_silently)
{
	struct sim *sim = boot("6.12");
	struct kmem_cache *s = create(sim, "full", 2048, SLAB_NO_MERGE);
	struct sim_op op;
	unsigned n = s->oo.objects;

	for (unsigned i = 0; i < n; i++)
		sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
	sim_flush_cache(sim, s);
	ck_assert_int_eq(sim_kmem_cache_destroy(sim, s, &op), -1);
	ck_assert_ptr_nonnull(strstr(op.fault_text, "Slab cache still has objects"));
	ck_assert_ptr_null(strstr(op.fault_text, "Objects remaining"));
	ck_assert_uint_eq(sim_slab_errors(sim), 0);
	sim_destroy(sim);
}
END_TEST

/* kfree_rcu() frees at the barrier; 6.12+ destroy waits for it, 6.6 does not. */
START_TEST(test_kfree_rcu_and_destroy)
{
	static const char *const kernels[] = { "6.6", "6.12" };
	static const int ret[] = { -1, 0 };

	for (unsigned k = 0; k < 2; k++) {
		struct sim *sim = boot(kernels[k]);
		struct kmem_cache *s = create(sim, "rcu", 16, SLAB_NO_MERGE);
		uint64_t p = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
		struct sim_op op;

		ck_assert_int_eq(sim_kfree_rcu(sim, 0, p, &op), 0);
		ck_assert_int_eq(op.path, PATH_FREE_RCU);
		ck_assert_uint_eq(sim_rcu_pending(sim), 1);
		ck_assert_msg(sim_kmem_cache_destroy(sim, s, &op) == ret[k], "%s", kernels[k]);
		ck_assert_uint_eq(sim_slab_errors(sim), k ? 0 : 1);
		sim_rcu_barrier(sim, &op);
		ck_assert_uint_eq(sim_rcu_pending(sim), 0);
		sim_destroy(sim);
	}
}
END_TEST

START_TEST(test_kfree_rcu_clone)
{
	struct sim *sim = boot("6.12"), *copy;
	uint64_t p = sim_kmalloc(sim, 0, 64, GFP_KERNEL, 0, NULL);
	struct sim_obj_info info;

	sim_kfree_rcu(sim, 0, p, NULL);
	copy = sim_clone(sim);
	ck_assert_ptr_nonnull(copy);
	sim_rcu_barrier(sim, NULL);
	sim_lookup(sim, p, &info);
	ck_assert(info.free);
	sim_lookup(copy, p, &info);
	ck_assert(!info.free);
	ck_assert_uint_eq(sim_rcu_pending(copy), 1);
	sim_destroy(copy);
	sim_destroy(sim);
}
END_TEST

/* kmalloc_trace(): orig_size is the request, so the kmalloc red zone starts there. */
START_TEST(test_kmalloc_trace_redzone)
{
	/* with init_on_alloc (Debian's default), which zeroes only the 18 bytes asked for */
	struct sim *sim = boot("6.6");
	struct kmem_cache *s = create(sim, "krz", 32, SLAB_KMALLOC | SLAB_STORE_USER | SLAB_RED_ZONE);
	uint64_t p = sim_kmalloc_trace(sim, 0, s, 18, GFP_KERNEL, NULL);

	bytes(sim, p)[17] = 0xab;	/* inside the request: fine */
	ck_assert_uint_eq(validate(sim, s), 0);
	bytes(sim, p)[18] = 0xab;
	bytes(sim, p)[19] = 0xab;
	ck_assert_uint_eq(validate(sim, s), 2);
	sim_destroy(sim);
}
END_TEST

/*
 * 6.15+ on_freelist() finds a freelist that cycles and clears it: a report
 * and its fix. (Before, validation walked such a list for ever in
 * __fill_map(); the model stops after one lap.)
 */
START_TEST(test_freelist_cycle_615)
{
	struct sim *sim = boot("6.15");
	struct kmem_cache *s = create(sim, "cycle", 64, SLAB_CONSISTENCY_CHECKS);
	uint64_t a = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
	uint64_t b = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
	uint64_t c = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
	struct sim_op op;

	sim_kmem_cache_free(sim, 0, s, a, NULL);
	sim_kmem_cache_free(sim, 0, s, b, NULL);
	/* b is the head and points at a: let a point back at b */
	set_freepointer_raw(sim, s, a, b);
	ck_assert_int_ge(sim_validate_cache(sim, s, &op), 0);
	ck_assert_ptr_nonnull(strstr(op.fault_text, "Freelist cycle detected"));
	ck_assert_ptr_nonnull(strstr(op.fault_text, "Freelist cleared"));
	ck_assert_uint_eq(sim_slab_errors(sim), 2);
	/* every object is in use now, as the kernel leaves it */
	ck_assert_uint_eq(validate(sim, s), 0);
	/*
	 * The cleared slab is still on the partial list but looks full: the
	 * kernel's free_to_partial_list() would list_add() it a second time.
	 * The model reports that and keeps its list whole (a cycle in it made
	 * validate and kmem_cache_destroy() loop for ever).
	 */
	sim_kmem_cache_free(sim, 0, s, c, &op);
	ck_assert_int_eq(op.fault, FAULT_FREECHAIN);
	ck_assert_ptr_nonnull(strstr(op.fault_text, "list_add double add"));
	ck_assert_int_ge(sim_validate_cache(sim, s, &op), 0);
	ck_assert_int_eq(sim_kmem_cache_destroy(sim, s, &op), -1);
	sim_destroy(sim);
}
END_TEST

/* A free into a slab with nothing allocated: free_debug_processing()'s count check, before on_freelist(). */
START_TEST(test_free_into_empty_slab)
{
	struct sim *sim = boot("6.1");
	struct kmem_cache *s = create(sim, "empty", 64, SLAB_CONSISTENCY_CHECKS);
	uint64_t p = sim_kmem_cache_alloc(sim, 0, s, GFP_KERNEL, NULL);
	struct sim_op op;

	sim_kmem_cache_free(sim, 0, s, p, NULL);
	sim_kmem_cache_free(sim, 0, s, p, &op);
	ck_assert_int_eq(op.path, PATH_FREE_REJECTED);
	ck_assert_ptr_nonnull(strstr(op.fault_text, "Slab has 0 allocated objects but 1 are to be freed"));
	ck_assert_ptr_nonnull(strstr(op.fault_text, " not freed"));
	ck_assert_uint_eq(sim_slab_errors(sim), 2);
	sim_destroy(sim);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("validate");

	tcase_add_test(tc, test_clean_cache_has_no_errors);
	tcase_add_test(tc, test_non_debug_cache_refused);
	tcase_add_test(tc, test_redzone_report_and_fix);
	tcase_add_test(tc, test_check_object_areas_by_version);
	tcase_add_test(tc, test_freechain_then_count);
	tcase_add_test(tc, test_slab_padding_by_version);
	tcase_add_test(tc, test_leak_count_by_version);
	tcase_add_test(tc, test_slab_disabled_by_version);
	tcase_add_test(tc, test_full_slab_leaks_silently);
	tcase_add_test(tc, test_kfree_rcu_and_destroy);
	tcase_add_test(tc, test_kfree_rcu_clone);
	tcase_add_test(tc, test_kmalloc_trace_redzone);
	tcase_add_test(tc, test_free_into_empty_slab);
	tcase_add_test(tc, test_freelist_cycle_615);
	suite_add_tcase(s, tc);
	return fixture_run(s);
}
