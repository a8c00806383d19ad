/* Configuration, kernel command line and Kconfig parsing. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/array.h"
#include "sim/cmdline.h"
#include "sim/config.h"
#include "sim/kver.h"
#include "sim_fixture.h"

static struct boot_params bp;
static struct sim_err err;

static int parse(const char *cmdline, unsigned kver)
{
	return cmdline_parse(cmdline, kver, 10, &bp, &err);
}

static void teardown(void)
{
	boot_params_release(&bp);
}

START_TEST(test_slub_debug_forms)
{
	ck_assert_int_eq(parse("slub_debug", KV(6, 1)), 0);
	ck_assert_uint_eq(bp.slub_debug, DEBUG_DEFAULT_FLAGS);
	ck_assert_int_eq(bp.slub_debug_global_set, 1);
	ck_assert_int_eq(parse("slub_debug=", KV(6, 1)), 0);
	ck_assert_uint_eq(bp.slub_debug, DEBUG_DEFAULT_FLAGS);
	ck_assert_int_eq(parse("console=ttyS0 slub_debug=zp quiet", KV(6, 1)), 0);
	ck_assert_uint_eq(bp.slub_debug, SLAB_RED_ZONE | SLAB_POISON);
	ck_assert_int_eq(parse("slub_debug=FZ-U", KV(6, 1)), 0);
	ck_assert_uint_eq(bp.slub_debug, SLAB_STORE_USER);	/* '-' clears what came before */
	ck_assert_int_eq(parse("slub_debug=FZPUO", KV(6, 1)), 0);
	ck_assert_int_eq(bp.disable_higher_order_debug, 1);
	ck_assert_int_eq(parse("slub_debug=T,A", KV(6, 1)), 0);
	ck_assert_uint_eq(bp.slub_debug, 0);	/* only a list: the global flags stay at the default */
	ck_assert_int_eq(bp.slub_debug_global_set, 0);
}
END_TEST

START_TEST(test_slub_debug_per_cache)
{
	const char *s;

	ck_assert_int_eq(parse("slub_debug=FZ,kmalloc-64,kmalloc-1*;P,kmalloc-8", KV(6, 1)), 0);
	ck_assert_int_eq(bp.slub_debug_global_set, 0);
	s = bp.slub_debug_string;
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(slub_debug_flags_for(s, 0, "kmalloc-64", SLAB_KMALLOC),
			  SLAB_KMALLOC | SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	ck_assert_uint_eq(slub_debug_flags_for(s, 0, "kmalloc-128", 0), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	ck_assert_uint_eq(slub_debug_flags_for(s, 0, "kmalloc-1k", 0), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	ck_assert_uint_eq(slub_debug_flags_for(s, 0, "kmalloc-8", 0), SLAB_POISON);
	ck_assert_uint_eq(slub_debug_flags_for(s, 0, "kmalloc-96", 0), 0);	/* not listed */
	ck_assert_uint_eq(slub_debug_flags_for(s, 0, "kmalloc-6", 0), 0);	/* a prefix is no match */
	ck_assert_uint_eq(slub_debug_flags_for(s, 0, "kmalloc-640", 0), 0);
	/* a global block plus a list */
	ck_assert_int_eq(parse("slub_debug=U;FZ,dentry", KV(6, 1)), 0);
	ck_assert_uint_eq(bp.slub_debug, SLAB_STORE_USER);
	ck_assert_uint_eq(slub_debug_flags_for(bp.slub_debug_string, bp.slub_debug, "dentry", 0),
			  SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	ck_assert_uint_eq(slub_debug_flags_for(bp.slub_debug_string, bp.slub_debug, "filp", 0), SLAB_STORE_USER);
	/* ",cache" alone: full debugging for that cache */
	ck_assert_int_eq(parse("slub_debug=,kmalloc-32", KV(6, 1)), 0);
	ck_assert_uint_eq(slub_debug_flags_for(bp.slub_debug_string, 0, "kmalloc-32", 0), DEBUG_DEFAULT_FLAGS);
	/* NOLEAKTRACE caches drop U from the global flags; NO_USER_FLAGS caches ignore everything */
	ck_assert_uint_eq(slub_debug_flags_for(NULL, DEBUG_DEFAULT_FLAGS, "x", SLAB_NOLEAKTRACE),
			  SLAB_NOLEAKTRACE | (DEBUG_DEFAULT_FLAGS & ~SLAB_STORE_USER));
	ck_assert_uint_eq(slub_debug_flags_for(NULL, DEBUG_DEFAULT_FLAGS, "x", SLAB_NO_USER_FLAGS),
			  SLAB_NO_USER_FLAGS);
}
END_TEST

START_TEST(test_bad_parameters)
{
	ck_assert_int_ne(parse("slub_debug=FQ", KV(6, 1)), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "slub_debug"));
	ck_assert_ptr_nonnull(strstr(err.msg, "'Q'"));
	ck_assert_int_ne(parse("slub_min_order=abc", KV(6, 1)), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "slub_min_order"));
	ck_assert_int_ne(parse("slub_min_order=-1", KV(6, 1)), 0);
	ck_assert_int_ne(parse("slub_min_order=11", KV(6, 1)), 0);	/* above MAX_PAGE_ORDER */
	ck_assert_int_ne(parse("slub_min_objects=", KV(6, 1)), 0);
	ck_assert_int_ne(parse("init_on_alloc=maybe", KV(6, 1)), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "init_on_alloc"));
	ck_assert_int_ne(parse("slub_debug=\"FZ", KV(6, 1)), 0);
	/* parameters of other subsystems are not ours to judge */
	ck_assert_int_eq(parse("foo=bar quiet panic=-1 oracle.trace=1", KV(6, 1)), 0);
}
END_TEST

START_TEST(test_order_and_merge_parameters)
{
	ck_assert_int_eq(parse("slub_max_order=20 slub_min_order=1 slub_min_objects=32", KV(6, 1)), 0);
	ck_assert_uint_eq(bp.slub_max_order, 10);	/* clamped to the highest buddy order */
	ck_assert_uint_eq(bp.slub_min_order, 1);
	ck_assert_uint_eq(bp.slub_min_objects, 32);
	ck_assert_int_eq(parse("slab_nomerge", KV(6, 1)), 0);
	ck_assert_int_eq(bp.nomerge, 1);
	ck_assert_int_eq(parse("slab_nomerge slub_merge", KV(6, 1)), 0);
	ck_assert_int_eq(bp.nomerge, 0);
	ck_assert_int_eq(parse("init_on_alloc=0 init_on_free=on", KV(6, 1)), 0);
	ck_assert_int_eq(bp.init_on_alloc, 0);
	ck_assert_int_eq(bp.init_on_free, 1);
	ck_assert_int_eq(parse("cgroup.memory=nosocket,nokmem", KV(6, 1)), 0);
	ck_assert_int_eq(bp.memcg_nokmem, 1);
}
END_TEST

/* mm/slub.c setup_slub_min_order()/setup_slub_max_order(): 6.7+ keep min <= max, the later parameter winning */
START_TEST(test_order_clamping_follows_order_67)
{
	static const struct { const char *cmdline; unsigned kver, min, max; int max_set; } v[] = {
		/* 6.6: each value stands as given (calculate_order() then falls back to min_order) */
		{ "slub_min_order=5 slub_max_order=1", KV(6, 6), 5, 1, 1 },
		{ "slub_min_order=5", KV(6, 6), 5, 0, 0 },
		/* 6.7: the max given last lowers min, the min given last raises max */
		{ "slub_min_order=5 slub_max_order=1", KV(6, 7), 1, 1, 1 },
		{ "slub_max_order=1 slub_min_order=5", KV(6, 7), 5, 5, 1 },
		/* against the default slub_max_order, PAGE_ALLOC_COSTLY_ORDER */
		{ "slub_min_order=5", KV(6, 7), 5, 5, 1 },
		{ "slub_min_order=2", KV(6, 7), 2, 0, 0 },
		/* the clamp to the highest buddy order comes first */
		{ "slub_min_order=10 slub_max_order=99", KV(6, 12), 10, 10, 1 },
		{ "slab_max_order=0 slub_min_order=1 slab_max_order=2", KV(6, 12), 1, 2, 1 },
	};

	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_int_eq(parse(v[i].cmdline, v[i].kver), 0);
		ck_assert_msg(bp.slub_min_order == v[i].min && bp.max_order_set == v[i].max_set &&
			      (!v[i].max_set || bp.slub_max_order == v[i].max),
			      "'%s' on %u.%u: min %u max %u (set %d)", v[i].cmdline, KV_MAJOR(v[i].kver),
			      KV_MINOR(v[i].kver), bp.slub_min_order, bp.slub_max_order, bp.max_order_set);
	}
}
END_TEST

START_TEST(test_slab_spellings_follow_version)
{
	/* 6.1 does not know slab_debug: the kernel passes it on, so nothing changes */
	ck_assert_int_eq(parse("slab_debug=FZ slab_max_order=1", KV(6, 1)), 0);
	ck_assert_uint_eq(bp.slub_debug, 0);
	ck_assert_int_eq(bp.max_order_set, 0);
	ck_assert_int_eq(parse("slab_debug=FZ slab_max_order=1", KV(6, 9)), 0);
	ck_assert_uint_eq(bp.slub_debug, SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	ck_assert_uint_eq(bp.slub_max_order, 1);
	ck_assert_int_eq(parse("slub_debug=P", KV(6, 18)), 0);	/* the old spelling stays */
	ck_assert_uint_eq(bp.slub_debug, SLAB_POISON);
}
END_TEST

START_TEST(test_quotes_and_end_marker)
{
	ck_assert_int_eq(parse("\"slub_debug=FZ,kmalloc-64\" -- slub_debug=P", KV(6, 1)), 0);
	ck_assert_ptr_nonnull(bp.slub_debug_string);
	ck_assert_uint_eq(slub_debug_flags_for(bp.slub_debug_string, 0, "kmalloc-64", 0),
			  SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	ck_assert_int_eq(parse("slub_debug=\"U\"", KV(6, 1)), 0);
	ck_assert_uint_eq(bp.slub_debug, SLAB_STORE_USER);
}
END_TEST

/* One table for --NAME= and config NAME=: every option by its name, and nothing else */
START_TEST(test_config_opts)
{
	struct sim_config cfg;

	config_init(&cfg);
	for (int k = 0; k < NR_CONFIG_OPT; k++) {
		ck_assert_ptr_nonnull(config_opts[k].name);
		ck_assert_int_eq(config_opt_find(config_opts[k].name, strlen(config_opts[k].name)), k);
	}
	ck_assert_int_eq(config_opt_find("page-sizes", 10), -1);
	ck_assert_int_eq(config_opt_find("page-size", 4), -1);	/* "page": a prefix is no name */
	ck_assert_int_eq(config_opt_find("page_size", 9), -1);
	ck_assert_int_eq(config_opts[CONFIG_OPT_CPUS].set(&cfg, "4", &err), 0);
	ck_assert_uint_eq(cfg.cpus, 4);
	config_release(&cfg);
}
END_TEST

/* ARRAY_GROW(): room for what is asked, old items kept, new ones zeroed, nothing done when it fits */
START_TEST(test_array_grow)
{
	uint64_t *a = NULL;
	uint32_t cap = 0;

	ck_assert_int_eq(ARRAY_GROW(a, cap, 3), 0);
	ck_assert_uint_ge(cap, 3);
	for (uint32_t i = 0; i < cap; i++)
		ck_assert_uint_eq(a[i], 0);
	a[2] = 42;
	ck_assert_int_eq(ARRAY_GROW(a, cap, 1000), 0);
	ck_assert_uint_ge(cap, 1000);
	ck_assert_uint_eq(a[2], 42);
	ck_assert_uint_eq(a[999], 0);
	a[999] = 7;
	{
		uint64_t *before = a;
		uint32_t cap_before = cap;

		ck_assert_int_eq(ARRAY_GROW(a, cap, 10), 0);
		ck_assert_ptr_eq(a, before);
		ck_assert_uint_eq(cap, cap_before);
	}
	ck_assert_int_eq(ARRAY_GROW(a, cap, SIZE_MAX / 4), -1);	/* too large: the array stays */
	ck_assert_uint_eq(a[999], 7);
	free(a);
}
END_TEST

START_TEST(test_config_setters)
{
	struct sim_config cfg;
	uint64_t v;

	config_init(&cfg);
	ck_assert_uint_eq(cfg.kver, KVS(6, 1, 192));
	ck_assert_str_eq(cfg.arch->name, "x86_64");
	ck_assert_uint_eq(cfg.cpus, 2);
	ck_assert_int_eq(config_set_kernel(&cfg, "6.12", &err), 0);
	ck_assert_uint_eq(cfg.kver, KVS(6, 12, 118));	/* the newest 6.12.y slubsim knows */
	ck_assert_int_eq(config_set_kernel(&cfg, "v6.1.192", &err), 0);
	ck_assert_uint_eq(cfg.kver, KVS(6, 1, 192));
	ck_assert_int_eq(config_set_kernel(&cfg, "6.12.0", &err), 0);
	ck_assert_uint_eq(cfg.kver, KV(6, 12));
	ck_assert_int_eq(config_set_kernel(&cfg, "6.6.60", &err), 0);
	ck_assert(cfg.kver > KV(6, 6) && cfg.kver < KV(6, 7) && KV_SUBLEVEL(cfg.kver) == 60);
	ck_assert_int_eq(config_set_kernel(&cfg, "6.18", &err), 0);
	ck_assert_uint_eq(cfg.kver, KVS(6, 18, 39));	/* an LTS series: the newest 6.18.y checked */
	ck_assert_int_eq(config_set_kernel(&cfg, "6.17", &err), 0);
	ck_assert_uint_eq(cfg.kver, KVS(6, 17, 13));	/* end of life: its final release */
	ck_assert_int_eq(config_set_kernel(&cfg, "6.19", &err), 0);
	ck_assert_uint_eq(cfg.kver, KVS(6, 19, 14));
	ck_assert_uint_eq(kv_newest(KV(7, 0)), KV(7, 0));	/* no stable release known: the mainline one */
	ck_assert_int_ne(config_set_kernel(&cfg, "6.12.", &err), 0);
	ck_assert_int_ne(config_set_kernel(&cfg, "6.12.70000", &err), 0);
	ck_assert_int_ne(config_set_kernel(&cfg, "6.12.1.2", &err), 0);
	ck_assert_int_ne(config_set_kernel(&cfg, "5.15", &err), 0);
	ck_assert_int_ne(config_set_kernel(&cfg, "6.x", &err), 0);
	ck_assert_int_ne(config_set_kernel(&cfg, "", &err), 0);
	ck_assert_int_ne(config_set_arch(&cfg, "vax", &err), 0);
	ck_assert_int_eq(config_set_arch(&cfg, "aarch64", &err), 0);
	ck_assert_str_eq(cfg.arch->name, "arm64");
	ck_assert_int_eq(config_set_page_size(&cfg, "64K", &err), 0);
	ck_assert_uint_eq(cfg.page_shift, 16);
	ck_assert_int_ne(config_set_page_size(&cfg, "8K", &err), 0);
	ck_assert_int_ne(config_set_cpus(&cfg, "0", &err), 0);
	ck_assert_int_ne(config_set_cpus(&cfg, "8193", &err), 0);
	ck_assert_int_ne(config_set_cpus(&cfg, "2x", &err), 0);
	ck_assert_int_eq(config_set_mem(&cfg, "1G", &err), 0);
	ck_assert_uint_eq(cfg.mem_bytes, 1ull << 30);
	ck_assert_int_ne(config_set_mem(&cfg, "99999999999999999999", &err), 0);
	ck_assert_int_eq(config_set_kconfig(&cfg, "CONFIG_SLAB_FREELIST_RANDOM=n,memcg_kmem=n", &err), 0);
	ck_assert_int_eq(cfg.kconfig[KC_SLAB_FREELIST_RANDOM], 0);
	ck_assert_int_eq(cfg.kconfig[KC_MEMCG_KMEM], 0);
	ck_assert_int_ne(config_set_kconfig(&cfg, "SLAB_FOO=y", &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "SLAB_FREELIST_RANDOM"));	/* lists the known ones */
	ck_assert_int_ne(config_set_kconfig(&cfg, "ZONE_DMA=m", &err), 0);
	/* page size checked against the arch at finalize */
	ck_assert_int_eq(config_finalize(&cfg, &err), 0);
	ck_assert_int_eq(config_set_arch(&cfg, "x86_64", &err), 0);
	ck_assert_int_ne(config_finalize(&cfg, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "64K"));
	config_release(&cfg);

	ck_assert_int_eq(parse_size("0x10", &v), 0);
	ck_assert_uint_eq(v, 16);
	ck_assert_int_eq(parse_size("4K", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_ne(parse_size("-4", &v), 0);
	ck_assert_int_ne(parse_size("4KK", &v), 0);
	ck_assert_int_ne(parse_size("", &v), 0);
	ck_assert_int_eq(parse_size("0x2K", &v), 0);
	ck_assert_uint_eq(v, 2048);
	ck_assert_int_eq(parse_size("2M", &v), 0);
	ck_assert_uint_eq(v, 2u << 20);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("cmdline");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_slub_debug_forms);
	tcase_add_test(tc, test_slub_debug_per_cache);
	tcase_add_test(tc, test_bad_parameters);
	tcase_add_test(tc, test_order_and_merge_parameters);
	tcase_add_test(tc, test_slab_spellings_follow_version);
	tcase_add_test(tc, test_order_clamping_follows_order_67);
	tcase_add_test(tc, test_quotes_and_end_marker);
	suite_add_tcase(s, tc);
	tc = tcase_create("options");
	tcase_add_test(tc, test_config_setters);
	tcase_add_test(tc, test_config_opts);
	tcase_add_test(tc, test_array_grow);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fixture_run(config_suite());
}
