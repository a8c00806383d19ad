/* Rust kmalloc wrappers, kmalloc's documented alignment, explain and verify: cases worked by hand from kmalloc.md §5-7. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/explain.h"
#include "sim/kver.h"
#include "sim/rust.h"
#include "sim/sim.h"
#include "sim/verify.h"
#include "sim_fixture.h"

/* a simulated kernel: version, arch, command line (NULL: the defaults) */
static struct sim *model(const char *kernel, const char *arch, const char *cmdline)
{
	struct fixture_opts o = { .kernel = kernel, .arch = arch, .cmdline = cmdline };

	return fixture_boot(&o);
}

/* Layout(size, align) through @w: the size C sees, the cache, aligned?, promised? */
static void expect_wrapper(const struct sim *sim, enum rust_wrapper w, uint64_t size, uint64_t align, uint64_t c_size,
			   const char *cache, int ok, int guaranteed)
{
	struct wrapper_verdict v;
	struct sim_err err;
	char name[48];

	ck_assert_int_eq(wrapper_verdict(sim, w, size, align, &v, &err), 0);
	kmalloc_outcome_name(&v.res, name, sizeof(name));
	ck_assert_msg(v.c_size == c_size, "%s (%llu, %llu): size %llu, want %llu", rust_wrapper_name(w),
		      (unsigned long long)size, (unsigned long long)align, (unsigned long long)v.c_size,
		      (unsigned long long)c_size);
	ck_assert_msg(!strcmp(name, cache), "%s (%llu, %llu): %s, want %s", rust_wrapper_name(w),
		      (unsigned long long)size, (unsigned long long)align, name, cache);
	ck_assert_msg(v.ok == ok, "%s (%llu, %llu): ok %d", rust_wrapper_name(w), (unsigned long long)size,
		      (unsigned long long)align, v.ok);
	ck_assert_msg(v.guaranteed == guaranteed, "%s (%llu, %llu): guaranteed %d", rust_wrapper_name(w),
		      (unsigned long long)size, (unsigned long long)align, v.guaranteed);
}

/* kmalloc.md §7, x86_64 6.1 (ARCH_SLAB_MINALIGN 8, KMALLOC_MIN_SIZE 8) */
START_TEST(test_worked_examples_61)
{
	struct sim *sim = model("6.1", NULL, NULL);

	expect_wrapper(sim, RUST_NAIVE, 96, 64, 96, "kmalloc-96", 0, 0);
	expect_wrapper(sim, RUST_NPOT, 96, 64, 128, "kmalloc-128", 1, 1);
	expect_wrapper(sim, RUST_PAD, 96, 64, 128, "kmalloc-128", 1, 1);
	expect_wrapper(sim, RUST_NAIVE, 8, 16, 8, "kmalloc-8", 0, 0);
	expect_wrapper(sim, RUST_NPOT, 8, 16, 16, "kmalloc-16", 1, 1);
	expect_wrapper(sim, RUST_PAD, 8, 16, 16, "kmalloc-16", 1, 1);
	expect_wrapper(sim, RUST_NAIVE, 192, 128, 192, "kmalloc-192", 0, 0);
	expect_wrapper(sim, RUST_NPOT, 192, 128, 256, "kmalloc-256", 1, 1);
	expect_wrapper(sim, RUST_PAD, 192, 128, 256, "kmalloc-256", 1, 1);
	expect_wrapper(sim, RUST_NAIVE, 1, 4096, 1, "kmalloc-8", 0, 0);
	expect_wrapper(sim, RUST_NPOT, 1, 4096, 4096, "kmalloc-4k", 1, 1);
	expect_wrapper(sim, RUST_PAD, 1, 4096, 4096, "kmalloc-4k", 1, 1);
	/* align 8 is not above ARCH_SLAB_MINALIGN: no next_power_of_two */
	expect_wrapper(sim, RUST_NPOT, 4097, 8, 4104, "kmalloc-8k", 1, 1);
	expect_wrapper(sim, RUST_PAD, 4097, 8, 4104, "kmalloc-8k", 1, 1);
	expect_wrapper(sim, RUST_NAIVE, 4097, 8, 4097, "kmalloc-8k", 1, 1);
	/* 48 lands in kmalloc-64 (64-aligned), but 6.1 promises kmalloc(48) only 8 */
	expect_wrapper(sim, RUST_NPOT, 48, 16, 64, "kmalloc-64", 1, 1);
	expect_wrapper(sim, RUST_PAD, 48, 16, 48, "kmalloc-64", 1, 0);
	expect_wrapper(sim, RUST_NAIVE, 24, 32, 24, "kmalloc-32", 1, 0);
	expect_wrapper(sim, RUST_PAD, 96, 32, 96, "kmalloc-96", 1, 0);
	expect_wrapper(sim, RUST_NPOT, 96, 32, 128, "kmalloc-128", 1, 1);
	expect_wrapper(sim, RUST_PAD, 192, 64, 192, "kmalloc-192", 1, 0);
	expect_wrapper(sim, RUST_PAD, 3000, 2048, 4096, "kmalloc-4k", 1, 1);
	expect_wrapper(sim, RUST_NAIVE, 3000, 2048, 3000, "kmalloc-4k", 1, 0);
	sim_destroy(sim);
}
END_TEST

/* 6.11 (ad59baa31695) makes the layout official: kmalloc-96 promises 32, kmalloc-192 64 */
START_TEST(test_worked_examples_612)
{
	struct sim *sim = model("6.12", NULL, NULL);

	expect_wrapper(sim, RUST_PAD, 96, 32, 96, "kmalloc-96", 1, 1);
	expect_wrapper(sim, RUST_PAD, 192, 64, 192, "kmalloc-192", 1, 1);
	expect_wrapper(sim, RUST_PAD, 48, 16, 48, "kmalloc-64", 1, 1);
	expect_wrapper(sim, RUST_NAIVE, 96, 64, 96, "kmalloc-96", 0, 0);
	sim_destroy(sim);
}
END_TEST

/* before 6.11 a debug layout breaks what pad relied on; npot never relied on it */
START_TEST(test_debug_layout_breaks_pad_before_611)
{
	struct sim *sim = model("6.1", NULL, "slub_debug=FZPU");

	/* measured on 6.1 slub_debug=FZPU: kmalloc-96 objects only 8-aligned */
	expect_wrapper(sim, RUST_PAD, 96, 32, 96, "kmalloc-96", 0, 0);
	expect_wrapper(sim, RUST_NPOT, 96, 32, 128, "kmalloc-128", 1, 1);
	expect_wrapper(sim, RUST_PAD, 160, 32, 160, "kmalloc-192", 0, 0);
	sim_destroy(sim);
	sim = model("6.12", NULL, "slub_debug=FZPU");
	expect_wrapper(sim, RUST_PAD, 96, 32, 96, "kmalloc-96", 1, 1);
	sim_destroy(sim);
}
END_TEST

/* the npot rule compares with ARCH_SLAB_MINALIGN, not ARCH_KMALLOC_MINALIGN */
START_TEST(test_npot_uses_slab_minalign)
{
	struct sim *sim = model("6.1", "arm64", NULL);

	/* arm64 before 6.5: KMALLOC_MIN_SIZE 128, ARCH_SLAB_MINALIGN 8 */
	expect_wrapper(sim, RUST_NPOT, 8, 16, 16, "kmalloc-128", 1, 1);
	expect_wrapper(sim, RUST_NAIVE, 8, 16, 8, "kmalloc-128", 1, 1);
	sim_destroy(sim);
	/* microblaze: ARCH_SLAB_MINALIGN 32, so align 16 pads only */
	sim = model("6.6", "microblaze", NULL);
	expect_wrapper(sim, RUST_NPOT, 40, 16, 48, "kmalloc-64", 1, 1);
	expect_wrapper(sim, RUST_NPOT, 40, 64, 64, "kmalloc-64", 1, 1);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_size_zero)
{
	struct sim *sim = model("6.13", NULL, NULL);
	struct wrapper_verdict v;
	struct sim_err err;

	/* ZERO_SIZE_PTR is address 16: aligned up to 16 only */
	expect_wrapper(sim, RUST_PAD, 0, 16, 0, "ZERO_SIZE_PTR", 1, 1);
	expect_wrapper(sim, RUST_PAD, 0, 64, 0, "ZERO_SIZE_PTR", 0, 0);
	/* Rust's 0usize.next_power_of_two() is 1 */
	expect_wrapper(sim, RUST_NPOT, 0, 64, 1, "kmalloc-8", 0, 0);
	expect_wrapper(sim, RUST_NPOT, 0, 8, 0, "ZERO_SIZE_PTR", 1, 1);
	/* 6.13+ Kmalloc: size 0 never reaches C, the pointer is dangling at align */
	ck_assert_int_eq(wrapper_verdict(sim, RUST_ALLOCATOR, 0, 64, &v, &err), 0);
	ck_assert(v.dangling && v.ok);
	ck_assert_uint_eq(v.addr_align, 64);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_page_allocator_and_null)
{
	struct sim *sim = model("6.1", NULL, NULL);
	struct kmalloc_outcome o;
	char name[48];

	kmalloc_outcome(sim, 8193, &o);
	kmalloc_outcome_name(&o, name, sizeof(name));
	ck_assert_str_eq(name, "page-order-2");
	ck_assert_uint_eq(o.ksize, 16384);
	ck_assert_uint_eq(o.slot_align, 16384);
	kmalloc_outcome(sim, 4194304, &o);
	ck_assert_uint_eq(o.order, 10);
	ck_assert_int_eq(o.kind, KMALLOC_PAGES);
	kmalloc_outcome(sim, 4194305, &o);
	kmalloc_outcome_name(&o, name, sizeof(name));
	ck_assert_str_eq(name, "NULL");
	ck_assert_uint_eq(o.ksize, 0);
	ck_assert_uint_eq(o.roundup, 8388608);	/* before 6.10 roundup does not stop at KMALLOC_MAX_SIZE */
	kmalloc_outcome(sim, 0, &o);
	ck_assert_int_eq(o.kind, KMALLOC_ZERO);
	ck_assert_uint_eq(o.slot_align, 16);
	/* a padded size past KMALLOC_MAX_SIZE fails: not a misalignment */
	expect_wrapper(sim, RUST_NPOT, 4194304 + 1, 16, 8388608, "NULL", 1, 1);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_guaranteed_align_by_version)
{
	struct sim *s61 = model("6.1", NULL, NULL), *s611 = model("6.11", NULL, NULL);
	struct sim *arm61 = model("6.1", "arm64", NULL), *arm66 = model("6.6", "arm64", NULL);

	ck_assert_uint_eq(kmalloc_guaranteed_align(&s61->env, 96), 8);
	ck_assert_uint_eq(kmalloc_guaranteed_align(&s61->env, 64), 64);
	ck_assert_uint_eq(kmalloc_guaranteed_align(&s61->env, 48), 8);
	ck_assert_uint_eq(kmalloc_guaranteed_align(&s61->env, 1), 8);
	ck_assert_uint_eq(kmalloc_guaranteed_align(&s611->env, 96), 32);
	ck_assert_uint_eq(kmalloc_guaranteed_align(&s611->env, 192), 64);
	ck_assert_uint_eq(kmalloc_guaranteed_align(&s611->env, 48), 16);
	ck_assert_uint_eq(kmalloc_guaranteed_align(&s611->env, 100), 8);	/* 4 < ARCH_KMALLOC_MINALIGN */
	ck_assert_uint_eq(kmalloc_guaranteed_align(&s611->env, 4096), 4096);
	/* the page allocator: PAGE_SIZE << order; nothing for 0 and for too large */
	ck_assert_uint_eq(kmalloc_guaranteed_align(&s61->env, 8193), 16384);
	ck_assert_uint_eq(kmalloc_guaranteed_align(&s61->env, 4194304), 4194304);
	ck_assert_uint_eq(kmalloc_guaranteed_align(&s61->env, 4194305), 0);
	ck_assert_uint_eq(kmalloc_guaranteed_align(&s61->env, 0), 0);
	/* arm64: ARCH_KMALLOC_MINALIGN is ARCH_DMA_MINALIGN (128) until 6.5 decouples it */
	ck_assert_uint_eq(kmalloc_guaranteed_align(&arm61->env, 96), 128);
	ck_assert_uint_eq(kmalloc_guaranteed_align(&arm66->env, 96), 8);
	sim_destroy(s61);
	sim_destroy(s611);
	sim_destroy(arm61);
	sim_destroy(arm66);
}
END_TEST

START_TEST(test_layout_errors)
{
	struct sim *sim = model("6.1", NULL, NULL), *arm = model("6.1", "arm", NULL);
	struct sim_err err;
	uint64_t out = 77;

	ck_assert_int_eq(rust_layout_check(&sim->env, INT64_MAX, 1, &err), 0);
	ck_assert_int_eq(rust_layout_check(&sim->env, 0, 1ull << 63, &err), 0);
	/* pad_to_align would pass isize::MAX */
	ck_assert_int_eq(rust_layout_check(&sim->env, INT64_MAX, 2, &err), -SIM_EINVAL);
	ck_assert_int_eq(err.code, SIM_EINVAL);
	ck_assert_int_eq(rust_layout_check(&sim->env, UINT64_MAX, 1, &err), -SIM_EINVAL);
	ck_assert_int_eq(rust_layout_check(&sim->env, 1, 1ull << 63, &err), -SIM_EINVAL);
	ck_assert_int_eq(rust_layout_check(&sim->env, 8, 3, &err), -SIM_EINVAL);
	ck_assert_int_eq(rust_size_for(RUST_PAD, INT64_MAX, 4096, &sim->env, &out, &err), -SIM_EINVAL);
	ck_assert_uint_eq(out, 77);	/* untouched on error */
	/* 32-bit: isize::MAX is 2^31 - 1 */
	ck_assert_int_eq(rust_layout_check(&arm->env, 0x7fffffff, 1, &err), 0);
	ck_assert_int_eq(rust_layout_check(&arm->env, 0x7fffffff, 2, &err), -SIM_EINVAL);
	ck_assert_int_eq(rust_layout_check(&arm->env, 0x80000000ull, 1, &err), -SIM_EINVAL);
	sim_destroy(sim);
	sim_destroy(arm);
}
END_TEST

START_TEST(test_default_wrapper_and_names)
{
	static const struct {
		unsigned kver;
		enum rust_wrapper w;
	} cases[] = {
		{ KV(6, 1), RUST_NAIVE }, { KV(6, 4), RUST_NAIVE }, { KV(6, 5), RUST_NPOT },
		{ KV(6, 10), RUST_NPOT }, { KV(6, 11), RUST_PAD }, { KV(6, 12), RUST_PAD },
		/* stable: 6.1.45 got npot, 6.12.19 the Allocator trait */
		{ KVS(6, 1, 44), RUST_NAIVE }, { KVS(6, 1, 45), RUST_NPOT }, { KVS(6, 12, 18), RUST_PAD },
		{ KVS(6, 12, 19), RUST_ALLOCATOR },
		{ KV(6, 13), RUST_ALLOCATOR }, { KV(6, 17), RUST_ALLOCATOR }, { KV(6, 18), RUST_NODE_ALIGN },
		{ KV(6, 19), RUST_NODE_ALIGN },
	};
	enum rust_wrapper w;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_int_eq(rust_default_wrapper(cases[i].kver), cases[i].w);
	for (unsigned i = 0; i < NR_RUST_WRAPPERS; i++) {
		ck_assert_int_eq(rust_wrapper_from_name(rust_wrapper_name((enum rust_wrapper)i), &w), 0);
		ck_assert_int_eq(w, (int)i);
	}
	ck_assert_str_eq(rust_wrapper_name(RUST_NODE_ALIGN), "node-align");
	ck_assert_int_eq(rust_wrapper_from_name("krealloc", &w), -1);
}
END_TEST

/* krealloc() keeps what fits; only 6.18's krealloc_node_align() checks the old pointer's alignment */
START_TEST(test_realloc_in_place)
{
	/* Layout(96, 32) in kmalloc-96 (32-aligned), then realloc to Layout(64, 64) */
	ck_assert_int_eq(rust_realloc_keeps(RUST_PAD, 96, 32, 64, 64), 1);
	ck_assert_int_eq(rust_realloc_keeps(RUST_ALLOCATOR, 96, 32, 64, 64), 1);
	ck_assert_int_eq(rust_realloc_keeps(RUST_NODE_ALIGN, 96, 32, 64, 64), 0);
	ck_assert_int_eq(rust_realloc_keeps(RUST_NODE_ALIGN, 96, 32, 64, 32), 1);
	ck_assert_int_eq(rust_realloc_keeps(RUST_PAD, 96, 32, 128, 64), 0);	/* grows: moves */
	ck_assert_int_eq(rust_realloc_keeps(RUST_PAD, 96, 32, 0, 64), 0);	/* size 0: freed */
}
END_TEST

START_TEST(test_verify_sweeps)
{
	struct sim *s612 = model("6.12", NULL, NULL), *z61 = model("6.1", NULL, "slub_debug=Z");
	struct verify_result r;
	struct sim_err err;

	ck_assert_int_eq(verify_alloc(s612, RUST_PAD, &r, &err), 0);
	ck_assert_uint_eq(r.misaligned, 0);
	ck_assert_uint_eq(r.unguaranteed, 0);	/* 6.11+ documents everything pad relies on */
	/* 8192 slab sizes and 3 edges of each page order 2..10 (8193 opens order 2), 13 aligns */
	ck_assert_uint_eq(r.checked, (8192 + 1 + 3 * 8 + 2) * 13);
	ck_assert_int_eq(verify_alloc(s612, RUST_NAIVE, &r, &err), 0);
	ck_assert_uint_gt(r.misaligned, 0);
	ck_assert_uint_eq(r.examples[0].size, 1);
	ck_assert_uint_eq(r.examples[0].align, 16);
	/* 6.1 slub_debug=Z: kmalloc-96 slot 120 with red_left_pad 8, so 8-aligned */
	ck_assert_int_eq(verify_alloc(z61, RUST_PAD, &r, &err), 0);
	ck_assert_uint_gt(r.misaligned, 0);
	ck_assert_uint_eq(r.examples[0].size, 65);
	ck_assert_uint_eq(r.examples[0].align, 16);
	ck_assert_str_eq(r.examples[0].where.s->name, "kmalloc-96");
	ck_assert_uint_eq(r.examples[0].where.s->size, 120);
	ck_assert_uint_eq(r.examples[0].where.slot_align, 8);
	ck_assert_int_eq(verify_alloc(z61, RUST_NPOT, &r, &err), 0);
	ck_assert_uint_eq(r.misaligned, 0);
	/* realloc in place: kmalloc-96 -> (64, 64) and kmalloc-192 -> (128, 128) keep a misaligned object */
	ck_assert_int_eq(verify_realloc(s612, RUST_PAD, &r, &err), 0);
	ck_assert_uint_eq(r.misaligned, 2);
	ck_assert_int_eq(verify_realloc(s612, RUST_NODE_ALIGN, &r, &err), 0);
	ck_assert_uint_eq(r.misaligned, 0);
	sim_destroy(s612);
	sim_destroy(z61);
}
END_TEST

static Suite *rust_suite(void)
{
	Suite *s = suite_create("rust");
	TCase *tc = tcase_create("wrappers");

	tcase_add_test(tc, test_worked_examples_61);
	tcase_add_test(tc, test_worked_examples_612);
	tcase_add_test(tc, test_debug_layout_breaks_pad_before_611);
	tcase_add_test(tc, test_npot_uses_slab_minalign);
	tcase_add_test(tc, test_size_zero);
	tcase_add_test(tc, test_page_allocator_and_null);
	tcase_add_test(tc, test_layout_errors);
	tcase_add_test(tc, test_default_wrapper_and_names);
	tcase_add_test(tc, test_realloc_in_place);
	suite_add_tcase(s, tc);
	tc = tcase_create("guarantees");
	tcase_add_test(tc, test_guaranteed_align_by_version);
	tcase_add_test(tc, test_verify_sweeps);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fixture_run(rust_suite());
}
