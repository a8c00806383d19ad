/* Cache geometry, kmalloc caches and merging: hand-worked cases from ../shared/spec/. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kver.h"
#include "sim/sheaf.h"
#include "sim/sim.h"
#include "sim_fixture.h"

static struct sim *boot(const char *kernel, const char *arch, const char *cpus, const char *cmdline)
{
	struct fixture_opts o = { .kernel = kernel, .arch = arch, .cpus = cpus, .cmdline = cmdline };

	return fixture_boot(&o);
}

static const struct kmem_cache *cache(const struct sim *sim, const char *name)
{
	const struct kmem_cache *s = sim_find_cache(sim, name);

	ck_assert_msg(s != NULL, "no cache %s", name);
	return s;
}

START_TEST(test_default_kmalloc_layout)
{
	struct sim *sim = boot(NULL, NULL, NULL, NULL);
	const struct kmem_cache *s = cache(sim, "kmalloc-96");

	/* non-debug: slot = object, free pointer mid-object, align 8 before 6.11 */
	ck_assert_uint_eq(s->size, 96);
	ck_assert_uint_eq(s->offset, 48);
	ck_assert_uint_eq(s->align, 8);
	ck_assert_uint_eq(s->oo.objects, 42);
	ck_assert_uint_eq(s->cpu_partial, 120);
	ck_assert_uint_eq(s->cpu_partial_slabs, 6);
	ck_assert_uint_eq(kmem_cache_slot_align(&sim->env, s), 32);
	s = cache(sim, "kmalloc-8k");
	ck_assert_uint_eq(s->oo.order, 3);
	ck_assert_uint_eq(s->min_partial, 6);	/* ilog2(8192) / 2 */
	ck_assert_uint_eq(s->cpu_partial_slabs, 3);
	s = cache(sim, "kmalloc-8");
	ck_assert_uint_eq(s->offset, 0);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_fzpu_kmalloc64_is_256)
{
	struct sim *sim = boot("6.1", NULL, "2", "slub_debug=FZPU");
	const struct kmem_cache *s = cache(sim, "kmalloc-64");

	/* 64 +8 right red zone, +8 free pointer, +64 tracks, +4 orig_size, +8, +64 left pad -> 256 */
	ck_assert_uint_eq(s->inuse, 72);
	ck_assert_uint_eq(s->offset, 72);
	ck_assert_uint_eq(s->red_left_pad, 64);
	ck_assert_uint_eq(s->size, 256);
	ck_assert_uint_eq(s->oo.objects, 16);
	ck_assert_uint_eq(s->cpu_partial, 0);	/* debug caches have no cpu partial */
	ck_assert_uint_eq(slab_ksize(s), 64);
	ck_assert_uint_eq(get_info_end(&sim->env, s), 80);
	s = cache(sim, "kmalloc-8");
	ck_assert_uint_eq(s->size, 112);
	ck_assert_uint_eq(s->oo.objects, 36);
	s = cache(sim, "kmalloc-4k");
	ck_assert_uint_eq(s->size, 12288);
	ck_assert_uint_eq(s->oo.objects, 2);
	ck_assert_uint_eq(kmem_cache_slot_align(&sim->env, s), 4096);
	sim_destroy(sim);
}
END_TEST

/* slot_layout(): calculate_sizes()' parts, in order, add up to the slot */
START_TEST(test_slot_layout)
{
	static const char *const cmdlines[] = { NULL, "slub_debug=FZPU", "slub_debug=Z", "slub_debug=U" };

	for (size_t c = 0; c < sizeof(cmdlines) / sizeof(cmdlines[0]); c++) {
		struct sim *sim = boot("6.12", NULL, "2", cmdlines[c]);

		for (unsigned i = 0; i < sim->nr_caches; i++) {
			const struct kmem_cache *s = sim->caches[i];
			struct slot_layout l;

			slot_layout(&sim->env, s, &l);
			ck_assert_uint_eq(l.red_left + l.object + l.after_object + l.freeptr + l.track + l.orig_size + l.pad,
					  s->size);
			ck_assert_uint_eq(l.object + l.after_object + l.freeptr,
					  get_info_end(&sim->env, s));
		}
		sim_destroy(sim);
	}
}
END_TEST

START_TEST(test_fzpu_slot_layout)
{
	struct sim *sim = boot("6.1", NULL, "2", "slub_debug=FZPU");
	struct slot_layout l;

	/* test_fzpu_kmalloc64_is_256's slot, part by part */
	slot_layout(&sim->env, cache(sim, "kmalloc-64"), &l);
	ck_assert_uint_eq(l.red_left, 64);
	ck_assert_uint_eq(l.object, 64);
	ck_assert_uint_eq(l.after_object, 8);
	ck_assert_uint_eq(l.freeptr, 8);
	ck_assert_uint_eq(l.track, 2 * sim->env.track_size);
	ck_assert_uint_eq(l.orig_size, 4);
	ck_assert_uint_eq(l.pad, 256 - 64 - 64 - 8 - 8 - 2 * sim->env.track_size - 4);
	slot_layout(&sim->env, cache(sim, "kmem_cache"), &l);
	ck_assert_uint_eq(l.orig_size, 0);	/* not a kmalloc cache */
	sim_destroy(sim);
	sim = boot("6.1", NULL, "2", NULL);
	slot_layout(&sim->env, cache(sim, "kmalloc-64"), &l);
	ck_assert_uint_eq(l.red_left + l.after_object + l.freeptr + l.track + l.orig_size + l.pad, 0);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_612_alignment_changes_debug_layout)
{
	struct sim *sim = boot("6.12", NULL, "2", "slub_debug=FZPU");
	const struct kmem_cache *s = cache(sim, "kmalloc-96");

	ck_assert_uint_eq(s->align, 32);
	ck_assert_uint_eq(s->size, 224);
	ck_assert_uint_eq(s->red_left_pad, 32);
	ck_assert_uint_eq(s->oo.objects, 18);
	s = cache(sim, "kmalloc-192");
	ck_assert_uint_eq(s->align, 64);
	ck_assert_uint_eq(s->size, 384);
	ck_assert_uint_eq(s->oo.order, 1);
	ck_assert_uint_eq(s->oo.objects, 21);
	sim_destroy(sim);

	/* 6.1 with the same parameters: kmalloc-96 only 8-aligned, 200-byte slots */
	sim = boot("6.1", NULL, "2", "slub_debug=FZPU");
	s = cache(sim, "kmalloc-96");
	ck_assert_uint_eq(s->size, 200);
	ck_assert_uint_eq(kmem_cache_slot_align(&sim->env, s), 8);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_order_rewrite_67)
{
	struct sim_err err;
	struct sim *old = boot("6.6", NULL, "2", NULL), *new = boot("6.12", NULL, "2", NULL);
	struct kmem_cache *a, *b;

	/* sizes 10928..12280: one object of order 2 before 6.7, two of order 3 after */
	a = sim_kmem_cache_create(old, "big", 11000, 0, 0, 0, 0, 0, &err);
	b = sim_kmem_cache_create(new, "big", 11000, 0, 0, 0, 0, 0, &err);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(a->oo.order, 2);
	ck_assert_uint_eq(a->oo.objects, 1);
	ck_assert_uint_eq(b->oo.order, 3);
	ck_assert_uint_eq(b->oo.objects, 2);
	/* outside that window both agree */
	a = sim_kmem_cache_create(old, "mid", 10000, 0, 0, 0, 0, 0, &err);
	b = sim_kmem_cache_create(new, "mid", 10000, 0, 0, 0, 0, 0, &err);
	ck_assert_uint_eq(a->oo.order, b->oo.order);
	sim_destroy(old);
	sim_destroy(new);
}
END_TEST

START_TEST(test_cpus_feed_min_objects)
{
	struct sim *one = boot(NULL, NULL, "1", NULL), *eight = boot(NULL, NULL, "8", NULL);

	ck_assert_uint_eq(cache(one, "kmalloc-512")->oo.order, 0);
	ck_assert_uint_eq(cache(one, "kmalloc-1k")->oo.order, 1);
	ck_assert_uint_eq(cache(eight, "kmalloc-256")->oo.order, 1);
	ck_assert_uint_eq(cache(eight, "kmalloc-1k")->oo.objects, 32);
	ck_assert_uint_eq(cache(eight, "kmalloc-1k")->cpu_partial_slabs, 2);
	sim_destroy(one);
	sim_destroy(eight);
}
END_TEST

START_TEST(test_order_parameters)
{
	struct sim *sim = boot(NULL, NULL, "2", "slub_max_order=0");

	ck_assert_uint_eq(cache(sim, "kmalloc-4k")->oo.order, 0);
	ck_assert_uint_eq(cache(sim, "kmalloc-8k")->oo.order, 1);	/* one object needs order 1 */
	sim_destroy(sim);
	sim = boot(NULL, NULL, "2", "slub_min_objects=32");
	ck_assert_uint_eq(cache(sim, "kmalloc-512")->oo.order, 2);
	sim_destroy(sim);
	/* min above max: 6.6 keeps min (calculate_order()'s fallback), 6.7+ lets the later parameter win */
	sim = boot("6.6", NULL, "2", "slub_min_order=5 slub_max_order=1");
	ck_assert_uint_eq(cache(sim, "kmalloc-8")->oo.order, 5);
	sim_destroy(sim);
	sim = boot("6.7", NULL, "2", "slub_min_order=5 slub_max_order=1");
	ck_assert_uint_eq(cache(sim, "kmalloc-8")->oo.order, 1);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_arm64_61_has_no_96_192)
{
	struct sim *sim = boot("6.1", "arm64", NULL, NULL);

	ck_assert_ptr_null(sim_find_cache(sim, "kmalloc-96"));
	ck_assert_ptr_null(sim_find_cache(sim, "kmalloc-192"));
	ck_assert_ptr_null(sim_find_cache(sim, "kmalloc-64"));
	ck_assert_ptr_nonnull(sim_find_cache(sim, "kmalloc-128"));
	ck_assert_str_eq(kmalloc_slab(sim, 1, GFP_KERNEL, 0)->name, "kmalloc-128");
	ck_assert_str_eq(kmalloc_slab(sim, 96, GFP_KERNEL, 0)->name, "kmalloc-128");
	ck_assert_str_eq(kmalloc_slab(sim, 129, GFP_KERNEL, 0)->name, "kmalloc-256");
	ck_assert_uint_eq(kmalloc_size_roundup(sim, 8), 128);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_arm64_66_runtime_alias)
{
	struct sim *sim = boot("6.6", "arm64", NULL, "swiotlb=noforce");

	/* no bounce buffer: the classes exist in the size index but point at larger caches */
	ck_assert_ptr_null(sim_find_cache(sim, "kmalloc-8"));
	ck_assert_ptr_null(sim_find_cache(sim, "kmalloc-96"));
	ck_assert_str_eq(kmalloc_slab(sim, 8, GFP_KERNEL, 0)->name, "kmalloc-64");
	ck_assert_str_eq(kmalloc_slab(sim, 96, GFP_KERNEL, 0)->name, "kmalloc-128");
	ck_assert_str_eq(kmalloc_slab(sim, 192, GFP_KERNEL, 0)->name, "kmalloc-192");
	ck_assert_str_eq(kmalloc_slab(sim, 20, __GFP_DMA, 0)->name, "dma-kmalloc-64");
	sim_destroy(sim);
}
END_TEST

/* 6.5+ __kmalloc_minalign(): with swiotlb allocated (arm64 and riscv mem_init()) ARCH_KMALLOC_MINALIGN rules */
START_TEST(test_swiotlb_bounce_minalign)
{
	static const struct { const char *kernel, *arch, *cmdline, *smallest; } v[] = {
		{ "6.4", "arm64", NULL, "kmalloc-128" },	/* KMALLOC_MIN_SIZE follows ARCH_DMA_MINALIGN */
		{ "6.5", "arm64", NULL, "kmalloc-8" },
		{ "6.12", "arm64", NULL, "kmalloc-8" },
		{ "6.12", "arm64", "swiotlb=noforce", "kmalloc-64" },	/* cache_line_size() */
		{ "6.12", "arm64", "swiotlb=force swiotlb=noforce", "kmalloc-64" },
		{ "6.12", "arm64", "swiotlb=65536,4,force", "kmalloc-8" },
		{ "6.5", "riscv", NULL, "kmalloc-64" },
		{ "6.6", "riscv", NULL, "kmalloc-8" },
		{ "6.6", "riscv", "swiotlb=noforce", "kmalloc-64" },
		{ "6.12", "x86_64", "swiotlb=noforce", "kmalloc-8" },
		/* 4103cfe9dcb8 (6.15): LoongArch ARCH_DMA_MINALIGN 16, backported to stable */
		{ "6.1.133", "loongarch", NULL, "kmalloc-8" },
		{ "6.1.134", "loongarch", NULL, "kmalloc-16" },
		{ "6.12.22", "loongarch", NULL, "kmalloc-8" },
		{ "6.12.23", "loongarch", NULL, "kmalloc-16" },
		{ "6.14.1", "loongarch", NULL, "kmalloc-8" },
		{ "6.14", "loongarch", NULL, "kmalloc-16" },	/* the newest 6.14 slubsim knows */
		{ "6.15", "loongarch", NULL, "kmalloc-16" },
	};

	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct sim *sim = boot(v[i].kernel, v[i].arch, NULL, v[i].cmdline);

		ck_assert_msg(!strcmp(kmalloc_slab(sim, 1, GFP_KERNEL, 0)->name, v[i].smallest),
			      "%s %s '%s': kmalloc(1) in %s, expected %s", v[i].arch, v[i].kernel,
			      v[i].cmdline ? v[i].cmdline : "", kmalloc_slab(sim, 1, GFP_KERNEL, 0)->name, v[i].smallest);
		if (!strcmp(v[i].smallest, "kmalloc-8")) {
			ck_assert_str_eq(kmalloc_slab(sim, 96, GFP_KERNEL, 0)->name, "kmalloc-96");
			ck_assert_uint_eq(cache(sim, "kmalloc-8")->size, 8);
		}
		sim_destroy(sim);
	}
}
END_TEST

/* mm/slab_common.c create_kmalloc_caches(): /proc/slabinfo lists the newest cache first */
static int slabinfo_pos(const struct sim *sim, const char *name)
{
	const struct kmem_cache *s;

	for (unsigned i = 0; (s = sim_cache_slabinfo_order(sim, i)); i++)
		if (!strcmp(s->name, name))
			return (int)i;
	ck_abort_msg("no cache %s", name);
	return -1;
}

START_TEST(test_kmalloc_creation_order)
{
	struct sim *old = boot("6.9", NULL, NULL, NULL), *new = boot("6.10", NULL, NULL, NULL);

	/* up to 6.9 kmalloc-96 right after kmalloc-64 and kmalloc-192 after kmalloc-128 */
	ck_assert_int_eq(slabinfo_pos(old, "kmalloc-96"), slabinfo_pos(old, "kmalloc-64") - 1);
	ck_assert_int_eq(slabinfo_pos(old, "kmalloc-192"), slabinfo_pos(old, "kmalloc-128") - 1);
	/* 6.10+: both before kmalloc-8, type by type */
	ck_assert_int_eq(slabinfo_pos(new, "kmalloc-96"), slabinfo_pos(new, "kmem_cache_node") - 1);
	ck_assert_int_eq(slabinfo_pos(new, "kmalloc-192"), slabinfo_pos(new, "kmalloc-96") - 1);
	ck_assert_int_eq(slabinfo_pos(new, "kmalloc-8"), slabinfo_pos(new, "kmalloc-192") - 1);
	ck_assert_int_eq(slabinfo_pos(new, "kmalloc-rcl-96"), slabinfo_pos(new, "kmalloc-8k") - 1);
	sim_destroy(old);
	sim_destroy(new);
}
END_TEST

/* 6.11+ CONFIG_SLAB_BUCKETS: kmalloc_buckets (sizeof(kmem_buckets), SLAB_NO_MERGE) and the memdup_user set */
START_TEST(test_kmalloc_buckets_cache)
{
	struct fixture_opts off = { .kernel = "6.12", .kconfig = "SLAB_BUCKETS=n" };
	struct sim *old = boot("6.10", NULL, NULL, NULL), *new = boot("6.11", NULL, NULL, NULL);
	struct sim *no = fixture_boot(&off);
	const struct kmem_cache *s;

	ck_assert_ptr_null(sim_find_cache(old, "kmalloc_buckets"));
	ck_assert_ptr_null(sim_find_cache(no, "kmalloc_buckets"));
	ck_assert_ptr_null(sim_find_cache(no, "memdup_user-8"));
	s = cache(new, "kmalloc_buckets");
	ck_assert_uint_eq(s->object_size, 14 * 8);	/* a kmem_cache pointer per index 0..KMALLOC_SHIFT_HIGH */
	ck_assert_uint_eq(s->oo.objects, 36);
	ck_assert(s->flags & SLAB_NO_MERGE);
	ck_assert_ptr_null(s->unique_id);	/* unmergeable: no :0000112 alias in sysfs */
	s = cache(new, "memdup_user-96");
	ck_assert_uint_eq(s->usersize, 96);
	ck_assert_uint_eq(s->align, 8);
	ck_assert_int_eq(slabinfo_pos(new, "kmalloc_buckets"), slabinfo_pos(new, "kmalloc-cg-8k") - 1);
	sim_destroy(old);
	sim_destroy(new);
	sim_destroy(no);
}
END_TEST

/* 6.18: struct kmem_cache_node gains the barn pointer; kmem_cache_args.sheaf_capacity gives percpu sheaves */
START_TEST(test_sheaves_618)
{
	struct sim *old = boot("6.17", NULL, "2", NULL), *new = boot("6.18", NULL, "2", NULL);
	struct sim *dbg = boot("6.18", NULL, "2", "slub_debug=FZ,maple_node");
	struct kmem_cache_args args = { .align = 256, .sheaf_capacity = 32 };
	struct kmem_cache *s;
	struct sim_err err;
	uint64_t main_sheaf[2];

	ck_assert_uint_eq(cache(old, "kmem_cache_node")->object_size, 64);
	ck_assert_uint_eq(cache(old, "kmem_cache_node")->size, 64);
	ck_assert_uint_eq(cache(new, "kmem_cache_node")->object_size, 72);
	ck_assert_uint_eq(cache(new, "kmem_cache_node")->size, 128);	/* SLAB_HWCACHE_ALIGN */
	ck_assert_ptr_null(sim_kmem_cache_create_args(old, "maple_node", 256, &args, 0, &err));
	ck_assert_int_eq(err.code, SIM_ENOSYS);
	s = sim_kmem_cache_create_args(new, "maple_node", 256, &args, 0, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->sheaf_capacity, 32);
	ck_assert_ptr_null(s->unique_id);	/* s->cpu_sheaves: slab_unmergeable() */
	/* the barn (kmalloc-64) and two CPUs' main sheaves of 32 + 32 * 8 bytes (kmalloc-512) are objects */
	ck_assert_uint_ne(s->barn_obj, 0);
	ck_assert_ptr_eq(kmalloc_slab(new, sim_sizeof_node_barn(&new->env), GFP_KERNEL, 0), cache(new, "kmalloc-64"));
	ck_assert_uint_eq(sim_sizeof_slab_sheaf(&new->env, 32), 288);
	for (unsigned cpu = 0; cpu < 2; cpu++) {
		struct sim_obj_info info;

		main_sheaf[cpu] = sheaf_main_addr(s, cpu);
		sim_lookup(new, main_sheaf[cpu], &info);
		ck_assert_ptr_eq(info.cache, cache(new, "kmalloc-512"));
		ck_assert(!info.free);
	}
	/* a cache asking for sheaves becomes no alias either */
	args.sheaf_capacity = 0;
	ck_assert_ptr_ne(sim_kmem_cache_create_args(new, "twin", 256, &args, 0, &err), s);
	ck_assert_int_eq(sim_kmem_cache_destroy(new, s, NULL), 0);
	for (unsigned cpu = 0; cpu < 2; cpu++) {	/* pcs_destroy() gave them back */
		struct sim_obj_info info;

		sim_lookup(new, main_sheaf[cpu], &info);
		ck_assert(info.kind == 0 || info.free);
	}
	/* debug flags on the cache: no sheaves */
	args.sheaf_capacity = 32;
	s = sim_kmem_cache_create_args(dbg, "maple_node", 256, &args, 0, &err);
	ck_assert_uint_eq(s->sheaf_capacity, 0);
	ck_assert_uint_eq(s->barn_obj, 0);
	sim_destroy(old);
	sim_destroy(new);
	sim_destroy(dbg);
}
END_TEST

START_TEST(test_size_index_and_types)
{
	struct sim *sim = boot(NULL, NULL, NULL, NULL);
	static const struct { unsigned size; const char *name; } v[] = {
		{ 1, "kmalloc-8" }, { 8, "kmalloc-8" }, { 9, "kmalloc-16" }, { 24, "kmalloc-32" },
		{ 33, "kmalloc-64" }, { 65, "kmalloc-96" }, { 96, "kmalloc-96" }, { 97, "kmalloc-128" },
		{ 129, "kmalloc-192" }, { 192, "kmalloc-192" }, { 193, "kmalloc-256" }, { 1000, "kmalloc-1k" },
		{ 4097, "kmalloc-8k" }, { 8192, "kmalloc-8k" },
	};

	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_str_eq(kmalloc_slab(sim, v[i].size, GFP_KERNEL, 0)->name, v[i].name);
	ck_assert_ptr_null(kmalloc_slab(sim, 0, GFP_KERNEL, 0));
	ck_assert_ptr_null(kmalloc_slab(sim, 8193, GFP_KERNEL, 0));
	ck_assert_str_eq(kmalloc_slab(sim, 40, GFP_KERNEL_ACCOUNT, 0)->name, "kmalloc-cg-64");
	ck_assert_str_eq(kmalloc_slab(sim, 40, GFP_KERNEL | __GFP_RECLAIMABLE | __GFP_ACCOUNT, 0)->name,
			 "kmalloc-rcl-64");
	ck_assert_str_eq(kmalloc_slab(sim, 40, GFP_KERNEL | __GFP_DMA | __GFP_RECLAIMABLE, 0)->name,
			 "dma-kmalloc-64");
	ck_assert_uint_eq(kmalloc_size_roundup(sim, 0), 0);
	ck_assert_uint_eq(kmalloc_size_roundup(sim, 100), 128);
	ck_assert_uint_eq(kmalloc_size_roundup(sim, 8193), 16384);
	ck_assert_uint_eq(kmalloc_size_roundup(sim, 4194305), 8388608);	/* 6.1 rounds even too-large sizes */
	sim_destroy(sim);
}
END_TEST

/* mm/slab_common.c kmalloc_size_roundup(): 8446a4deb6b6 (6.6) returns what kmalloc() cannot serve unchanged */
START_TEST(test_size_roundup_66)
{
	struct sim *old = boot("6.5", NULL, NULL, NULL), *new = boot("6.6", NULL, NULL, NULL);

	ck_assert_uint_eq(kmalloc_size_roundup(old, 4194305), 8388608);
	ck_assert_uint_eq(kmalloc_size_roundup(new, 4194305), 4194305);
	ck_assert_uint_eq(kmalloc_size_roundup(old, 4194304), 4194304);
	ck_assert_uint_eq(kmalloc_size_roundup(new, 4194304), 4194304);
	/* near SIZE_MAX 6.5's PAGE_SIZE << get_order() wraps to 0 (kmalloc(0) would succeed) */
	ck_assert_uint_eq(kmalloc_size_roundup(old, UINT64_MAX - 4096), 0);
	ck_assert_uint_eq(kmalloc_size_roundup(old, UINT64_MAX), UINT64_MAX);
	ck_assert_uint_eq(kmalloc_size_roundup(new, UINT64_MAX - 4096), UINT64_MAX - 4096);
	ck_assert_uint_eq(kmalloc_size_roundup(new, 0), 0);
	ck_assert_uint_eq(kmalloc_size_roundup(new, 100), 128);
	sim_destroy(old);
	sim_destroy(new);
}
END_TEST

START_TEST(test_small_min_size_arches)
{
	struct sim *sim = boot(NULL, "m68k", NULL, NULL);

	ck_assert_ptr_null(sim_find_cache(sim, "kmalloc-8"));
	ck_assert_str_eq(kmalloc_slab(sim, 1, GFP_KERNEL, 0)->name, "kmalloc-16");
	ck_assert_uint_eq(cache(sim, "kmalloc-96")->align, 16);
	sim_destroy(sim);
	sim = boot(NULL, "microblaze", NULL, NULL);
	ck_assert_str_eq(kmalloc_slab(sim, 1, GFP_KERNEL, 0)->name, "kmalloc-32");
	ck_assert_ptr_nonnull(sim_find_cache(sim, "kmalloc-96"));
	ck_assert_uint_eq(cache(sim, "kmalloc-96")->align, 32);
	sim_destroy(sim);
	sim = boot(NULL, "arm", NULL, NULL);	/* 32-bit: 4-byte words */
	ck_assert_uint_eq(cache(sim, "kmalloc-192")->offset, 96);
	ck_assert_ptr_null(sim_find_cache(sim, "kmalloc-96"));
	sim_destroy(sim);
}
END_TEST

START_TEST(test_merging)
{
	struct sim_err err;
	struct sim *sim = boot(NULL, NULL, NULL, NULL);
	struct kmem_cache *a, *b, *c, *d;

	a = sim_kmem_cache_create(sim, "a", 120, 0, 0, 0, 0, 0, &err);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->size, 120);
	ck_assert_str_eq(a->unique_id, ":0000120");
	b = sim_kmem_cache_create(sim, "b", 116, 0, 0, 0, 0, 0, &err);
	ck_assert_ptr_eq(a, b);	/* within a word of a's slot */
	ck_assert_int_eq(a->refcount, 2);
	ck_assert_ptr_eq(sim_find_cache(sim, "b"), a);
	c = sim_kmem_cache_create(sim, "c", 112, 0, 0, 0, 0, 0, &err);
	ck_assert_ptr_ne(a, c);	/* 8 bytes smaller: its own cache */
	d = sim_kmem_cache_create(sim, "d", 120, 0, SLAB_RECLAIM_ACCOUNT, 0, 0, 0, &err);
	ck_assert_ptr_ne(a, d);
	ck_assert_str_eq(d->unique_id, ":a-0000120");
	d = sim_kmem_cache_create(sim, "e", 120, 0, 0, 1, 0, 0, &err);	/* a ctor never merges */
	ck_assert_ptr_ne(a, d);
	d = sim_kmem_cache_create(sim, "f", 120, 0, SLAB_POISON, 0, 0, 0, &err);
	ck_assert_ptr_ne(a, d);
	ck_assert_ptr_null(sim_kmem_cache_create(sim, "a", 64, 0, 0, 0, 0, 0, &err));	/* duplicate name */
	/* kmalloc caches never merge: usersize is set */
	d = sim_kmem_cache_create(sim, "g", 64, 0, 0, 0, 0, 0, &err);
	ck_assert_str_eq(d->name, "g");
	/* a destroyed cache takes no new names: "h" is a cache of its own, not a ghost of "g" */
	ck_assert_int_eq(sim_kmem_cache_destroy(sim, d, NULL), 0);
	d = sim_kmem_cache_create(sim, "h", 64, 0, 0, 0, 0, 0, &err);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->name, "h");
	ck_assert_ptr_eq(sim_find_cache(sim, "h"), d);
	ck_assert_ptr_null(sim_find_cache(sim, "g"));
	sim_destroy(sim);

	sim = boot(NULL, NULL, NULL, "slab_nomerge");
	a = sim_kmem_cache_create(sim, "a", 120, 0, 0, 0, 0, 0, &err);
	b = sim_kmem_cache_create(sim, "b", 120, 0, 0, 0, 0, 0, &err);
	ck_assert_ptr_ne(a, b);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_higher_order_debug)
{
	struct sim *sim = boot(NULL, NULL, NULL, "slub_debug=FZPUO");

	ck_assert_uint_eq(cache(sim, "kmalloc-2k")->flags & DEBUG_METADATA_FLAGS, 0);
	ck_assert_uint_ne(cache(sim, "kmalloc-2k")->flags & SLAB_CONSISTENCY_CHECKS, 0);
	ck_assert_uint_eq(cache(sim, "kmalloc-2k")->size, 2048);
	ck_assert_uint_eq(cache(sim, "kmalloc-1k")->size, 3072);	/* order unchanged: keeps metadata */
	sim_destroy(sim);
}
END_TEST

START_TEST(test_freelist_random_seq)
{
	struct sim *a = boot(NULL, NULL, NULL, NULL), *b = boot(NULL, NULL, NULL, NULL);
	const struct kmem_cache *s = cache(a, "kmalloc-96");
	unsigned seen[42] = { 0 };

	ck_assert_ptr_nonnull(s->random_seq);
	for (unsigned i = 0; i < s->oo.objects; i++)
		seen[s->random_seq[i]]++;
	for (unsigned i = 0; i < 42; i++)
		ck_assert_uint_eq(seen[i], 1);	/* a permutation */
	/* same seed, same sequence */
	ck_assert_int_eq(memcmp(s->random_seq, cache(b, "kmalloc-96")->random_seq, 42 * sizeof(unsigned)), 0);
	ck_assert_ptr_nonnull(cache(a, "kmalloc-8k")->random_seq);	/* 4 objects: shuffled too */
	sim_destroy(a);
	sim_destroy(b);
}
END_TEST

static Suite *geometry_suite(void)
{
	Suite *s = suite_create("geometry");
	TCase *tc = tcase_create("layout");

	tcase_add_test(tc, test_default_kmalloc_layout);
	tcase_add_test(tc, test_fzpu_kmalloc64_is_256);
	tcase_add_test(tc, test_612_alignment_changes_debug_layout);
	tcase_add_test(tc, test_order_rewrite_67);
	tcase_add_test(tc, test_cpus_feed_min_objects);
	tcase_add_test(tc, test_order_parameters);
	tcase_add_test(tc, test_higher_order_debug);
	suite_add_tcase(s, tc);
	tc = tcase_create("kmalloc");
	tcase_add_test(tc, test_arm64_61_has_no_96_192);
	tcase_add_test(tc, test_arm64_66_runtime_alias);
	tcase_add_test(tc, test_swiotlb_bounce_minalign);
	tcase_add_test(tc, test_kmalloc_creation_order);
	tcase_add_test(tc, test_kmalloc_buckets_cache);
	tcase_add_test(tc, test_size_index_and_types);
	tcase_add_test(tc, test_size_roundup_66);
	tcase_add_test(tc, test_sheaves_618);
	tcase_add_test(tc, test_small_min_size_arches);
	tcase_add_test(tc, test_freelist_random_seq);
	suite_add_tcase(s, tc);
	tc = tcase_create("merge");
	tcase_add_test(tc, test_merging);
	tcase_add_test(tc, test_slot_layout);
	tcase_add_test(tc, test_fzpu_slot_layout);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fixture_run(geometry_suite());
}
