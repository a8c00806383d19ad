/* The SLUB object lifecycle: every allocation and free path, debug reports, krealloc, OOM. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kver.h"
#include "sim/sim.h"
#include "sim/usage.h"
#include "sim_fixture.h"

static struct sim *boot_with(const char *kernel, const char *cmdline, const char *kconfig, const char *mem,
			     const char *seed)
{
	struct fixture_opts o = { .kernel = kernel, .cmdline = cmdline, .kconfig = kconfig, .mem = mem, .seed = seed };

	return fixture_boot(&o);
}

static struct sim *boot(void)
{
	return boot_with(NULL, NULL, NULL, NULL, NULL);
}

static struct kmem_cache *cache(struct sim *sim, const char *name)
{
	struct kmem_cache *s = sim_find_cache(sim, name);

	ck_assert_ptr_nonnull(s);
	return s;
}

static uint64_t kmalloc(struct sim *sim, unsigned cpu, uint64_t size, struct sim_op *op)
{
	return sim_kmalloc(sim, cpu, size, GFP_KERNEL, 0, op);
}

START_TEST(test_fast_path_and_lifo)
{
	struct sim *sim = boot();
	struct sim_op op;
	uint64_t a, b, c;

	a = kmalloc(sim, 0, 64, &op);
	ck_assert_int_eq(op.path, PATH_NEW_SLAB);
	ck_assert_str_eq(op.cache->name, "kmalloc-64");
	ck_assert_uint_eq(op.new_slabs, 1);
	ck_assert_uint_eq(a % 64, 0);
	b = kmalloc(sim, 0, 50, &op);
	ck_assert_int_eq(op.path, PATH_FASTPATH);
	ck_assert_uint_eq(op.slab, a & ~4095ull);
	ck_assert_uint_ne(a, b);
	sim_kfree(sim, 0, b, &op);
	ck_assert_int_eq(op.path, PATH_FREE_FAST);
	c = kmalloc(sim, 0, 64, &op);
	ck_assert_uint_eq(c, b);	/* LIFO */
	ck_assert_uint_eq(sim_ksize(sim, a), 64);
	sim_destroy(sim);
}
END_TEST

/*
 * sim_cache_usage(): objects allocated and not freed, the cpu freelist
 * taken out of the cpu slab's inuse; sim_freelist_walk() stops at a free
 * pointer a trace overwrote instead of following it.
 */
START_TEST(test_usage_and_freelist_walk)
{
	struct sim *sim = boot();
	struct kmem_cache *s = cache(sim, "kmalloc-64");
	struct sim_cache_usage *u = calloc(sim->nr_caches, sizeof(*u));
	uint64_t before, p[4], bad = 0x123457;
	uint8_t seen[MAX_OBJS_PER_PAGE + 1] = { 0 };
	struct sim_obj_info info;
	int order[4];

	ck_assert_ptr_nonnull(u);
	sim_cache_usage(sim, u);
	before = u[s->index].objects;
	for (int i = 0; i < 4; i++)
		p[i] = kmalloc(sim, 0, 64, NULL);
	sim_kfree(sim, 0, p[3], NULL);
	sim_kfree(sim, 0, p[2], NULL);
	sim_cache_usage(sim, u);
	ck_assert_uint_eq(u[s->index].objects, before + 2);
	ck_assert_uint_ge(u[s->index].slabs, 1);
	ck_assert_uint_ge(u[s->index].pages, u[s->index].slabs);
	/* the cpu freelist, last freed first, then the slab's never-used objects */
	sim_lookup(sim, p[2], &info);
	ck_assert_int_eq(info.kind, SIM_OBJ_SLAB);
	ck_assert_uint_eq(sim_cpu_freelist(sim, info.slab), p[2]);
	ck_assert_uint_eq(sim_freelist_walk(sim, info.slab, p[2], seen, 1, order, 4), info.slab->objects - 2);
	ck_assert_int_eq(order[0], info.slot);
	ck_assert_uint_eq(seen[info.slot], 1);
	/* p[2]'s free pointer overwritten: the walk ends at p[2] */
	memcpy(sim_mem(sim, p[2] + s->offset, sizeof(bad)), &bad, sizeof(bad));
	memset(seen, 0, sizeof(seen));
	ck_assert_uint_eq(sim_freelist_walk(sim, info.slab, p[2], seen, 1, NULL, 0), 1);
	sim_cache_usage(sim, u);
	/* the rest of the cpu freelist now counts as in use */
	ck_assert_uint_eq(u[s->index].objects, before + info.slab->objects - 1);
	free(u);
	sim_destroy(sim);
}
END_TEST

/* The cache kmalloc(64) from @caller lands in. */
static const char *cache_for_caller(struct sim *sim, uint64_t caller, gfp_t gfp)
{
	struct sim_op op;
	uint64_t p = sim_kmalloc(sim, 0, 64, gfp, caller, &op);

	ck_assert_uint_ne(p, 0);
	sim_kfree(sim, 0, p, NULL);
	return op.cache->name;
}

/* 6.6+: krealloc()'s new object comes from kmalloc_track_caller(), so krealloc's caller picks the copy */
START_TEST(test_krealloc_random_caches_follow_caller)
{
	struct sim *sim = boot_with("6.6", NULL, "RANDOM_KMALLOC_CACHES=y", NULL, "1");
	struct sim *old = boot_with("6.1", NULL, "RANDOM_KMALLOC_CACHES=y", NULL, "1");
	unsigned random = 0;

	for (uint64_t caller = 0xffffffff81000000ull; caller < 0xffffffff81000000ull + 64 * 0x40; caller += 0x40) {
		struct sim_op op;
		const char *want = cache_for_caller(sim, caller, GFP_KERNEL);
		uint64_t p = sim_kmalloc(sim, 0, 8, GFP_KERNEL, 0, NULL);
		uint64_t q = sim_krealloc_caller(sim, 0, p, 64, GFP_KERNEL, 1, caller, &op);

		/* grown out of kmalloc-8: moved into the copy kmalloc(64) from that site would use */
		ck_assert_uint_ne(q, p);
		ck_assert_str_eq(op.cache->name, want);
		random += strcmp(want, "kmalloc-64") != 0;
		sim_kfree(sim, 0, q, NULL);
		p = sim_kmalloc(old, 0, 8, GFP_KERNEL, 0, NULL);
		q = sim_krealloc_caller(old, 0, p, 64, GFP_KERNEL, 1, caller, &op);
		ck_assert_str_eq(op.cache->name, "kmalloc-64");
		sim_kfree(old, 0, q, NULL);
	}
	ck_assert_uint_gt(random, 32);
	sim_destroy(sim);
	sim_destroy(old);
}
END_TEST

/* 6.6+ CONFIG_RANDOM_KMALLOC_CACHES: 16 copies of each cache, picked by hash_64(caller ^ seed, 4). */
START_TEST(test_random_kmalloc_caches)
{
	struct sim *sim = boot_with("6.6", NULL, "RANDOM_KMALLOC_CACHES=y", NULL, "1");
	struct sim *again = boot_with("6.6", NULL, "RANDOM_KMALLOC_CACHES=y", NULL, "1");
	struct sim *other = boot_with("6.6", NULL, "RANDOM_KMALLOC_CACHES=y", NULL, "2");
	struct sim *off = boot_with("6.6", NULL, NULL, NULL, NULL);
	struct sim *old = boot_with("6.1", NULL, "RANDOM_KMALLOC_CACHES=y", NULL, NULL);
	char name[32];
	unsigned seen[16] = { 0 }, distinct = 0, moved = 0;

	for (int i = 1; i <= 15; i++) {
		snprintf(name, sizeof(name), "kmalloc-rnd-%02d-64", i);
		cache(sim, name);
	}
	ck_assert(sim_kmalloc_uses_caller(sim));
	ck_assert(!sim_kmalloc_uses_caller(off));
	ck_assert(!sim_kmalloc_uses_caller(old));
	ck_assert_ptr_null(sim_find_cache(off, "kmalloc-rnd-01-64"));
	for (uint64_t caller = 0xffffffff81000000ull; caller < 0xffffffff81000000ull + 200 * 0x40; caller += 0x40) {
		const char *n = cache_for_caller(sim, caller, GFP_KERNEL);
		unsigned copy = 0;

		/* the same site and seed give the same copy, another seed moves some sites */
		ck_assert_str_eq(n, cache_for_caller(again, caller, GFP_KERNEL));
		moved += strcmp(n, cache_for_caller(other, caller, GFP_KERNEL)) != 0;
		if (strcmp(n, "kmalloc-64"))
			ck_assert_int_eq(sscanf(n, "kmalloc-rnd-%u-64", &copy), 1);
		ck_assert_uint_le(copy, 15);
		distinct += !seen[copy]++;
		/* accounted allocations keep to kmalloc-cg, whatever the site */
		ck_assert_str_eq(cache_for_caller(sim, caller, GFP_KERNEL | __GFP_ACCOUNT), "kmalloc-cg-64");
		ck_assert_str_eq(cache_for_caller(off, caller, GFP_KERNEL), "kmalloc-64");
		ck_assert_str_eq(cache_for_caller(old, caller, GFP_KERNEL), "kmalloc-64");
	}
	/* 200 sites over 16 copies: every copy gets some */
	ck_assert_uint_eq(distinct, 16);
	ck_assert_uint_gt(moved, 100);
	sim_destroy(sim);
	sim_destroy(again);
	sim_destroy(other);
	sim_destroy(off);
	sim_destroy(old);
}
END_TEST

START_TEST(test_remote_free_and_refill)
{
	struct sim *sim = boot();
	struct kmem_cache *s = cache(sim, "kmalloc-64");
	struct sim_op op;
	uint64_t obj[64], again;
	struct cache_stats st;

	for (int i = 0; i < 64; i++)
		obj[i] = kmalloc(sim, 0, 64, NULL);
	/* all from one slab: CPU 0's cpu slab is now exhausted but still its own */
	for (int i = 1; i < 64; i++)
		ck_assert_uint_eq(obj[i] & ~4095ull, obj[0] & ~4095ull);
	sim_kfree(sim, 1, obj[10], &op);
	ck_assert_int_eq(op.path, PATH_FREE_FROZEN);	/* another CPU's cpu slab */
	sim_kfree(sim, 1, obj[20], &op);
	ck_assert_int_eq(op.path, PATH_FREE_FROZEN);
	again = kmalloc(sim, 0, 64, &op);
	ck_assert_int_eq(op.path, PATH_REFILL);	/* get_freelist() takes the remote frees */
	ck_assert_uint_eq(again, obj[20]);
	again = kmalloc(sim, 0, 64, &op);
	ck_assert_int_eq(op.path, PATH_FASTPATH);
	ck_assert_uint_eq(again, obj[10]);
	kmem_cache_stats(sim, s, &st);
	ck_assert_uint_eq(st.slabs, 1);
	ck_assert_uint_eq(st.objects, 64);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_cpu_partial_and_node_partial)
{
	struct sim *sim = boot();
	struct kmem_cache *s = cache(sim, "kmalloc-64");
	struct sim_op op;
	uint64_t obj[8][64], x;
	struct cache_stats st;

	/* eight full slabs from CPU 0 */
	for (int k = 0; k < 8; k++)
		for (int i = 0; i < 64; i++)
			obj[k][i] = kmalloc(sim, 0, 64, NULL);
	/* slab 0..6 are full and on no list; slab 7 is CPU 0's cpu slab */
	sim_kfree(sim, 1, obj[0][5], &op);
	ck_assert_int_eq(op.path, PATH_FREE_CPU_PARTIAL);
	ck_assert_uint_eq(kmem_cache_cpu_partial_slabs(sim, s, 1), 1);
	for (int k = 1; k < 4; k++)
		sim_kfree(sim, 1, obj[k][5], NULL);
	ck_assert_uint_eq(kmem_cache_cpu_partial_slabs(sim, s, 1), 4);	/* cpu_partial_slabs = 4 */
	/* the fifth drains the four to the node partial list first */
	sim_kfree(sim, 1, obj[4][5], &op);
	ck_assert_int_eq(op.path, PATH_FREE_CPU_PARTIAL);
	ck_assert_uint_eq(kmem_cache_cpu_partial_slabs(sim, s, 1), 1);
	kmem_cache_stats(sim, s, &st);
	ck_assert_uint_eq(st.partial, 4);
	ck_assert_uint_eq(st.objects_partial, 4 * 63);
	ck_assert_uint_eq(st.objects, 8 * 64 - 4);	/* free objects on node partial lists are not active */
	/* CPU 1 allocates: its cpu partial list comes first */
	x = kmalloc(sim, 1, 64, &op);
	ck_assert_int_eq(op.path, PATH_CPU_PARTIAL);
	ck_assert_uint_eq(x, obj[4][5]);
	/* CPU 1 again: its cpu slab is used up, so the node partial list; the drain walked the
	 * cpu partial list newest first, so slab 3 heads the node list */
	x = kmalloc(sim, 1, 64, &op);
	ck_assert_int_eq(op.path, PATH_NODE_PARTIAL);
	ck_assert_uint_eq(x, obj[3][5]);
	kmem_cache_stats(sim, s, &st);
	/* slab 3 became the cpu slab; 2, 1 and 0 went to the cpu partial list (stop after > 4 / 2) */
	ck_assert_uint_eq(st.partial, 0);
	ck_assert_uint_eq(kmem_cache_cpu_partial_slabs(sim, s, 1), 3);
	ck_assert_uint_eq(st.cpu_slabs, 2 + 3);	/* CPU 0 and CPU 1 cpu slabs, plus CPU 1's partials */
	sim_destroy(sim);
}
END_TEST

START_TEST(test_discard_when_enough_partial)
{
	struct sim *sim = boot_with(NULL, NULL, "SLUB_CPU_PARTIAL=n", NULL, NULL);
	struct kmem_cache *s = cache(sim, "kmalloc-64");
	struct sim_op op;
	uint64_t obj[8][64];
	struct cache_stats st;

	ck_assert_uint_eq(s->cpu_partial, 0);
	for (int k = 0; k < 8; k++)
		for (int i = 0; i < 64; i++)
			obj[k][i] = kmalloc(sim, 0, 64, NULL);
	/* without cpu partial lists a full slab goes to the node list tail */
	sim_kfree(sim, 1, obj[0][0], &op);
	ck_assert_int_eq(op.path, PATH_FREE_ADD_PARTIAL);
	for (int k = 1; k < 6; k++)
		sim_kfree(sim, 1, obj[k][0], NULL);
	kmem_cache_stats(sim, s, &st);
	ck_assert_uint_eq(st.partial, 6);
	/* empty slab 0 while nr_partial >= min_partial (5): discarded */
	for (int i = 1; i < 63; i++) {
		sim_kfree(sim, 1, obj[0][i], &op);
		ck_assert_int_eq(op.path, PATH_FREE_PARTIAL);
	}
	sim_kfree(sim, 1, obj[0][63], &op);
	ck_assert_int_eq(op.path, PATH_FREE_DISCARD);
	ck_assert_uint_eq(op.discarded_slabs, 1);
	kmem_cache_stats(sim, s, &st);
	ck_assert_uint_eq(st.slabs, 7);
	ck_assert_uint_eq(st.partial, 5);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_random_freelist_by_seed)
{
	struct sim *a = boot_with(NULL, NULL, NULL, NULL, "7"), *b = boot_with(NULL, NULL, NULL, NULL, "7");
	struct sim *c = boot_with(NULL, NULL, NULL, NULL, "8");
	struct kmem_cache *s = cache(a, "kmalloc-96");
	uint64_t first = 0, base;
	int same_c = 1, start = -1;

	for (int i = 0; i < 42; i++) {
		uint64_t x = kmalloc(a, 0, 96, NULL), y = kmalloc(b, 0, 96, NULL), z = kmalloc(c, 0, 96, NULL);
		unsigned slot;

		ck_assert_uint_eq(x, y);	/* same seed, same objects */
		same_c &= x == z;
		if (!i)
			first = x;
		base = first & ~4095ull;
		slot = (unsigned)((x - base) / 96);
		/* a fresh slab hands out a rotation of the cache's random sequence */
		if (start < 0)
			for (int k = 0; k < 42; k++)
				if (s->random_seq[k] == slot)
					start = k;
		ck_assert_uint_eq(slot, s->random_seq[(start + i) % 42]);
	}
	ck_assert_int_eq(same_c, 0);
	sim_destroy(a);
	sim_destroy(b);
	sim_destroy(c);
}
END_TEST

START_TEST(test_sequential_without_randomisation)
{
	struct sim *sim = boot_with(NULL, NULL, "SLAB_FREELIST_RANDOM=n", NULL, NULL);
	uint64_t a = kmalloc(sim, 0, 96, NULL), b = kmalloc(sim, 0, 96, NULL);

	ck_assert_uint_eq(a % 4096, 0);
	ck_assert_uint_eq(b, a + 96);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_hardened_pointer_bytes)
{
	struct sim *sim = boot();
	struct kmem_cache *s = cache(sim, "kmalloc-64");
	uint64_t a = kmalloc(sim, 0, 64, NULL), b = kmalloc(sim, 0, 64, NULL), raw;
	unsigned char *p;

	sim_kfree(sim, 0, b, NULL);
	sim_kfree(sim, 0, a, NULL);	/* a's free pointer -> b */
	p = sim_mem(sim, a + s->offset, 8);
	ck_assert_ptr_nonnull(p);
	memcpy(&raw, p, 8);
	ck_assert_uint_eq(raw, b ^ s->random ^ __builtin_bswap64(a + s->offset));
	ck_assert_uint_eq(sim_get_freepointer(sim, s, a), b);
	sim_destroy(sim);

	sim = boot_with(NULL, NULL, "SLAB_FREELIST_HARDENED=n", NULL, NULL);
	s = cache(sim, "kmalloc-64");
	a = kmalloc(sim, 0, 64, NULL);
	b = kmalloc(sim, 0, 64, NULL);
	sim_kfree(sim, 0, b, NULL);
	sim_kfree(sim, 0, a, NULL);
	memcpy(&raw, sim_mem(sim, a + s->offset, 8), 8);
	ck_assert_uint_eq(raw, b);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_init_on_alloc_and_free)
{
	struct sim *sim = boot();	/* Debian: init_on_alloc=1 */
	uint64_t a = kmalloc(sim, 0, 64, NULL), b;
	unsigned char *p = sim_mem(sim, a, 64);

	memset(p, 0xff, 64);
	sim_kfree(sim, 0, a, NULL);
	b = kmalloc(sim, 0, 64, NULL);
	ck_assert_uint_eq(a, b);
	p = sim_mem(sim, b, 64);
	for (int i = 0; i < 64; i++)
		ck_assert_uint_eq(p[i], 0);
	sim_destroy(sim);

	sim = boot_with(NULL, "init_on_alloc=0", NULL, NULL, NULL);
	a = kmalloc(sim, 0, 64, NULL);
	memset(sim_mem(sim, a, 64), 0xff, 64);
	sim_kfree(sim, 0, a, NULL);
	b = kmalloc(sim, 0, 64, NULL);
	p = sim_mem(sim, b, 64);
	ck_assert_uint_eq(p[0], 0xff);	/* old contents survive ... */
	ck_assert_uint_eq(p[63], 0xff);
	/* ... but kzalloc zeroes */
	sim_kfree(sim, 0, b, NULL);
	b = sim_kmalloc(sim, 0, 64, GFP_KERNEL | __GFP_ZERO, 0, NULL);
	ck_assert_uint_eq(sim_mem(sim, b, 64)[0], 0);
	sim_destroy(sim);

	sim = boot_with(NULL, "init_on_alloc=0 init_on_free=1", NULL, NULL, NULL);
	a = kmalloc(sim, 0, 64, NULL);
	memset(sim_mem(sim, a, 64), 0xff, 64);
	sim_kfree(sim, 0, a, NULL);
	p = sim_mem(sim, a, 64);
	ck_assert_uint_eq(p[0], 0);	/* wiped at free */
	sim_destroy(sim);
}
END_TEST

/* Objects never written but for their free pointer come back zeroed too, written ones as well. */
START_TEST(test_init_on_alloc_clean_objects)
{
	struct sim *sim = boot();
	uint64_t obj[200], again[200];
	unsigned char *p;

	for (int i = 0; i < 200; i++)
		obj[i] = kmalloc(sim, 0, 8, NULL);
	/* one write in the second word of the slab's dirty bits, one across two slots */
	memset(sim_mem(sim, obj[70], 8), 0xff, 8);
	memset(sim_mem(sim, obj[130], 16), 0xee, 16);
	for (int i = 0; i < 200; i++)
		sim_kfree(sim, 0, obj[i], NULL);
	for (int i = 0; i < 200; i++) {
		again[i] = kmalloc(sim, 0, 8, NULL);
		p = sim_mem(sim, again[i], 8);
		for (int j = 0; j < 8; j++)
			ck_assert_msg(p[j] == 0, "object %d byte %d is %#x", i, j, p[j]);
	}
	for (int i = 0; i < 200; i++)
		sim_kfree(sim, 0, again[i], NULL);
	sim_destroy(sim);

	/* kmalloc-64: the free pointer sits mid-object, hardened; it must not survive the allocation */
	sim = boot();
	obj[0] = kmalloc(sim, 0, 64, NULL);
	obj[1] = kmalloc(sim, 0, 64, NULL);
	sim_kfree(sim, 0, obj[1], NULL);
	sim_kfree(sim, 0, obj[0], NULL);
	p = sim_mem(sim, obj[0], 64);
	ck_assert_uint_ne(p[32] | p[33] | p[34] | p[35] | p[36] | p[37] | p[38] | p[39], 0);
	ck_assert_uint_eq(kmalloc(sim, 0, 64, NULL), obj[0]);
	for (int j = 0; j < 64; j++)
		ck_assert_uint_eq(p[j], 0);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_double_free_without_debug)
{
	struct sim *sim = boot();
	struct sim_op op;
	uint64_t a = kmalloc(sim, 0, 64, NULL), b = kmalloc(sim, 0, 64, NULL), x, y, z;

	/* kfree(a); kfree(a): a is the freelist head, BUG_ON(object == fp) fires */
	sim_kfree(sim, 0, a, NULL);
	sim_kfree(sim, 0, a, &op);
	ck_assert_int_eq(op.fault, FAULT_BUG_DOUBLE_FREE);
	ck_assert_int_eq(op.path, PATH_FREE_REJECTED);
	ck_assert_ptr_nonnull(strstr(op.fault_text, "kernel BUG at mm/slub.c"));
	x = kmalloc(sim, 0, 64, NULL);
	ck_assert_uint_eq(x, a);
	/* kfree(a); kfree(b); kfree(a): nothing notices; a comes back twice */
	sim_kfree(sim, 0, a, NULL);
	sim_kfree(sim, 0, b, NULL);
	sim_kfree(sim, 0, a, &op);
	ck_assert_int_eq(op.fault, FAULT_NONE);
	x = kmalloc(sim, 0, 64, NULL);
	y = kmalloc(sim, 0, 64, NULL);
	z = kmalloc(sim, 0, 64, NULL);
	ck_assert_uint_eq(x, a);
	ck_assert_uint_eq(y, b);
	ck_assert_uint_eq(z, a);	/* handed out twice */
	sim_destroy(sim);
}
END_TEST

START_TEST(test_double_free_with_debug)
{
	struct sim *sim = boot_with(NULL, "slub_debug=FZPU", NULL, NULL, NULL);
	struct sim_op op;
	uint64_t a = kmalloc(sim, 0, 64, &op), b;

	ck_assert_int_eq(op.path, PATH_DEBUG_NEW_SLAB);
	b = kmalloc(sim, 0, 64, &op);
	ck_assert_int_eq(op.path, PATH_DEBUG_PARTIAL);
	sim_kfree(sim, 0, a, &op);
	ck_assert_int_eq(op.path, PATH_FREE_DEBUG);
	ck_assert_int_eq(op.fault, FAULT_NONE);
	sim_kfree(sim, 1, a, &op);
	ck_assert_int_eq(op.fault, FAULT_OBJECT_ALREADY_FREE);
	ck_assert_int_eq(op.path, PATH_FREE_REJECTED);
	ck_assert_ptr_nonnull(strstr(op.fault_text, "BUG kmalloc-64 (Not tainted): Object already free"));
	ck_assert_ptr_nonnull(strstr(op.fault_text, "FIX kmalloc-64: Object at 0x"));
	/* the next report says the kernel is tainted */
	sim_kfree(sim, 1, a, &op);
	ck_assert_ptr_nonnull(strstr(op.fault_text, "(Tainted: G    B"));
	sim_kfree(sim, 0, b, &op);
	ck_assert_int_eq(op.fault, FAULT_NONE);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_debug_layout_bytes)
{
	struct sim *sim = boot_with(NULL, "slub_debug=FZPU", NULL, NULL, NULL);
	struct kmem_cache *s = cache(sim, "kmalloc-64");
	uint64_t a = kmalloc(sim, 0, 40, NULL);
	unsigned char *p = sim_mem(sim, a - 64, 256);
	uint32_t orig;

	ck_assert_uint_eq(a % 64, 0);
	for (int i = 0; i < 64; i++)
		ck_assert_uint_eq(p[i], 0xcc);	/* left red zone, active */
	for (int i = 0; i < 63; i++)
		ck_assert_uint_eq(p[64 + i], 0x6b);	/* poisoned even while allocated (6.1) */
	ck_assert_uint_eq(p[64 + 63], 0xa5);
	for (int i = 64; i < 72; i++)
		ck_assert_uint_eq(p[64 + i], 0xcc);	/* right red zone */
	memcpy(&orig, p + 64 + 144, 4);
	ck_assert_uint_eq(orig, 40);	/* orig_size after the two tracks */
	ck_assert_uint_eq(p[64 + 150], 0x5a);	/* padding */
	ck_assert_uint_eq(s->offset, 72);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_redzone_and_poison_reports)
{
	struct sim *sim = boot_with(NULL, "slub_debug=FZPU", NULL, NULL, NULL);
	struct sim_op op;
	uint64_t a = kmalloc(sim, 0, 64, NULL), b;

	sim_mem(sim, a + 64, 1)[0] = 0x41;	/* overrun by one byte */
	sim_kfree(sim, 0, a, &op);
	ck_assert_int_eq(op.fault, FAULT_REDZONE);
	ck_assert_ptr_nonnull(strstr(op.fault_text, "Right Redzone overwritten"));
	ck_assert_ptr_nonnull(strstr(op.fault_text, "First byte 0x41 instead of 0xcc"));
	ck_assert_ptr_nonnull(strstr(op.fault_text, "FIX kmalloc-64: Restoring Right Redzone"));
	ck_assert_ptr_nonnull(strstr(op.fault_text, "not freed"));
	ck_assert_int_eq(op.path, PATH_FREE_REJECTED);
	/* restored: a second free goes through */
	sim_kfree(sim, 0, a, &op);
	ck_assert_int_eq(op.fault, FAULT_NONE);
	/* write after free: found when the object is handed out again */
	sim_mem(sim, a + 8, 1)[0] = 0x00;
	b = kmalloc(sim, 0, 64, &op);
	ck_assert_int_eq(op.fault, FAULT_POISON);
	ck_assert_ptr_nonnull(strstr(op.fault_text, "Poison overwritten"));
	ck_assert_ptr_nonnull(strstr(op.fault_text, "Marking all objects used"));
	ck_assert_uint_ne(b, 0);
	ck_assert_uint_ne(b, a);	/* that slab is given up; a new one serves */
	sim_destroy(sim);
}
END_TEST

/*
 * A debug cache without consistency checks (slub_debug=P, Z) has no
 * check_valid_pointer() on kfree(): the kernel would poison from the middle of
 * an object into the next one and past the slab's end. The model reports the
 * pointer as it does for caches without debugging, and never writes outside
 * its simulated memory (the last object of a slab is the dangerous one).
 */
START_TEST(test_invalid_pointer_debug_no_checks)
{
	static const char *const cmdlines[] = { "slub_debug=P", "slub_debug=Z", "slub_debug=PU" };

	for (unsigned c = 0; c < sizeof(cmdlines) / sizeof(cmdlines[0]); c++) {
		struct sim *sim = boot_with(NULL, cmdlines[c], NULL, NULL, NULL);
		struct kmem_cache *s = cache(sim, "kmalloc-64");
		uint64_t objs[512], last = 0;
		struct sim_op op;
		unsigned n = 0;

		/* fill a slab, to hold its last object */
		while (n < 2 * s->oo.objects && n < 512) {
			objs[n] = kmalloc(sim, 0, 64, NULL);
			if (objs[n] > last)
				last = objs[n];
			n++;
		}
		sim_kfree(sim, 0, last + 8, &op);
		ck_assert_int_eq(op.fault, FAULT_INVALID_POINTER);
		sim_kfree(sim, 0, last, &op);
		ck_assert_int_eq(op.fault, FAULT_NONE);
		sim_destroy(sim);
	}
}
END_TEST

START_TEST(test_invalid_pointers)
{
	struct sim *sim = boot();
	struct sim_op op;
	uint64_t a = kmalloc(sim, 0, 64, NULL);

	sim_kfree(sim, 0, a + 8, &op);
	ck_assert_int_eq(op.fault, FAULT_INVALID_POINTER);
	sim_kfree(sim, 0, 0xffff888000000000ull + (200ull << 20), &op);
	ck_assert_int_eq(op.fault, FAULT_BAD_PAGE);
	sim_kfree(sim, 0, 0, &op);
	ck_assert_int_eq(op.path, PATH_FREE_NOOP);
	sim_kfree(sim, 0, ZERO_SIZE_PTR, &op);
	ck_assert_int_eq(op.path, PATH_FREE_NOOP);
	ck_assert_uint_eq(sim_ksize(sim, ZERO_SIZE_PTR), 0);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_large_kmalloc)
{
	struct sim *sim = boot();
	struct sim_op op;
	uint64_t a = kmalloc(sim, 0, 8193, &op);

	ck_assert_int_eq(op.path, PATH_LARGE);
	ck_assert_uint_eq(op.order, 2);
	ck_assert_uint_eq(op.bytes_alloc, 16384);
	ck_assert_uint_eq(a % 16384, 0);
	ck_assert_uint_eq(sim_ksize(sim, a), 16384);
	sim_kfree(sim, 0, a, &op);
	ck_assert_int_eq(op.path, PATH_FREE_LARGE);
	ck_assert_uint_eq(kmalloc(sim, 0, 4194304, &op) % 4194304, 0);
	ck_assert_uint_eq(op.order, 10);
	ck_assert_uint_eq(kmalloc(sim, 0, 4194305, &op), 0);
	ck_assert_int_eq(op.fault, FAULT_TOO_LARGE);
	ck_assert_uint_eq(kmalloc(sim, 0, 0, &op), ZERO_SIZE_PTR);
	ck_assert_int_eq(op.path, PATH_ZERO);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_out_of_memory_and_fallback)
{
	struct sim *sim = boot_with(NULL, NULL, NULL, "8M", NULL);
	struct sim_op op;
	uint64_t blocks[1024], p = 0;
	int n = 0, i;

	/* fill memory with order-2 blocks until the page allocator says no */
	while (n < 1024 && (p = kmalloc(sim, 0, 16384, &op)))
		blocks[n++] = p;
	ck_assert_uint_eq(p, 0);
	ck_assert_int_eq(op.fault, FAULT_ALLOC_FAILED);
	/* kmalloc-8k wants order 3, falls back to one object of order 1 in the holes left */
	ck_assert_uint_ne(kmalloc(sim, 0, 5000, &op), 0);
	ck_assert_int_eq(op.path, PATH_NEW_SLAB_FALLBACK);
	ck_assert_uint_eq(op.order, 1);
	/* until nothing is left: NULL, a report, no crash */
	for (i = 0; i < 1024 && kmalloc(sim, 0, 5000, &op); i++)
		;
	ck_assert_int_lt(i, 1024);
	ck_assert_int_eq(op.path, PATH_FAILED);
	ck_assert_int_eq(op.fault, FAULT_ALLOC_FAILED);
	ck_assert_ptr_nonnull(strstr(op.fault_text, "SLUB: Unable to allocate memory"));
	/* give pages back and it works again */
	sim_kfree(sim, 0, blocks[0], NULL);
	ck_assert_uint_ne(kmalloc(sim, 0, 5000, &op), 0);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_krealloc_61)
{
	struct sim *sim = boot();
	struct sim_op op;
	uint64_t p, q;
	unsigned char *b;

	p = sim_krealloc(sim, 0, 0, 24, GFP_KERNEL, 1, &op);	/* NULL: kmalloc */
	ck_assert_str_eq(op.cache->name, "kmalloc-32");
	memset(sim_mem(sim, p, 24), 0x11, 24);
	q = sim_krealloc(sim, 0, p, 32, GFP_KERNEL, 1, &op);
	ck_assert_uint_eq(q, p);
	ck_assert_int_eq(op.path, PATH_REALLOC_IN_PLACE);
	q = sim_krealloc(sim, 0, p, 33, GFP_KERNEL, 1, &op);
	ck_assert_uint_ne(q, p);
	ck_assert_int_eq(op.path, PATH_REALLOC_MOVED);
	ck_assert_str_eq(op.cache->name, "kmalloc-64");
	b = sim_mem(sim, q, 33);
	ck_assert_uint_eq(b[0], 0x11);
	ck_assert_uint_eq(b[23], 0x11);
	ck_assert_int_eq(op.free_path, PATH_FREE_FAST);
	/* shrinking stays */
	p = sim_krealloc(sim, 0, q, 8, GFP_KERNEL, 1, &op);
	ck_assert_uint_eq(p, q);
	/* size 0 frees and returns ZERO_SIZE_PTR */
	p = sim_krealloc(sim, 0, q, 0, GFP_KERNEL, 1, &op);
	ck_assert_uint_eq(p, ZERO_SIZE_PTR);
	ck_assert_int_eq(op.free_path, PATH_FREE_FAST);
	/* failure keeps the old object */
	p = kmalloc(sim, 0, 100, NULL);
	q = sim_krealloc(sim, 0, p, 8u << 20, GFP_KERNEL | __GFP_NOWARN, 1, &op);
	ck_assert_uint_eq(q, 0);
	ck_assert_uint_eq(sim_ksize(sim, p), 128);
	struct sim_obj_info info;
	sim_lookup(sim, p, &info);
	ck_assert_int_eq(info.free, 0);
	sim_destroy(sim);
}
END_TEST

/* 1a83a716ec23 (6.12): the spare tail of an in-place krealloc is zeroed; stable got it too */
START_TEST(test_krealloc_612_zeroes_tail)
{
	static const struct {
		const char *kernel;
		int zeroes;
	} cases[] = {
		{ "6.1.112", 0 }, { "6.1.113", 1 }, { "6.1", 1 }, { "6.6.54", 0 }, { "6.6.55", 1 },
		{ "6.10.13", 0 }, { "6.10.14", 1 }, { "6.11.2", 0 }, { "6.11.3", 1 }, { "6.12.0", 1 },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sim *sim = boot_with(cases[i].kernel, NULL, NULL, NULL, NULL);
		uint64_t a = kmalloc(sim, 0, 96, NULL);

		memset(sim_mem(sim, a, 96), 0x77, 96);
		ck_assert_uint_eq(sim_krealloc(sim, 0, a, 40, GFP_KERNEL, 1, NULL), a);
		/* init_on_alloc (Debian's default) asks for the zeroing like __GFP_ZERO */
		ck_assert_msg(sim_mem(sim, a, 96)[50] == (cases[i].zeroes ? 0 : 0x77), "%s", cases[i].kernel);
		ck_assert_uint_eq(sim_mem(sim, a, 96)[39], 0x77);
		sim_destroy(sim);
	}
}
END_TEST

/* How many times @what occurs in @text. */
static unsigned occurrences(const char *text, const char *what)
{
	unsigned n = 0;

	for (const char *p = text ? strstr(text, what) : NULL; p; p = strstr(p + 1, what))
		n++;
	return n;
}

/*
 * slab_post_alloc_hook(): 6.1 zeroes object_size; 6.2+ only orig_size on a
 * kmalloc cache with U or Z, so the kmalloc red zone survives kzalloc and
 * init_on_alloc; 648927ceb840 (7.2; 6.6.145, 6.12.96, 6.18.39, never 6.19.y)
 * only where orig_size is tracked (U).
 */
START_TEST(test_post_alloc_zeroes_orig_size)
{
	static const struct {
		const char *kernel, *cmdline;
		unsigned char tail;	/* bytes [20, 32) of a fresh kzalloc(20) after 0x5e filled them */
	} cases[] = {
		{ "6.1", "slub_debug=FZU", 0x00 },   { "6.2", "slub_debug=FZU", 0xcc },
		{ "6.12", "slub_debug=FZU", 0xcc },  { "6.12.95", "slub_debug=Z", 0x5e },
		{ "6.12.96", "slub_debug=Z", 0x00 }, { "6.12", "slub_debug=Z", 0x00 },
		{ "6.6.144", "slub_debug=Z", 0x5e }, { "6.6.145", "slub_debug=Z", 0x00 },
		{ "6.18.38", "slub_debug=Z", 0x5e }, { "6.18.39", "slub_debug=Z", 0x00 },
		{ "6.19", "slub_debug=Z", 0x5e },    { "6.18", "slub_debug=FZU", 0xcc },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sim *sim = boot_with(cases[i].kernel, cases[i].cmdline, NULL, NULL, NULL);
		struct sim_op op;
		uint64_t a = kmalloc(sim, 0, 20, NULL), b;

		memset(sim_mem(sim, a, 20), 0x5e, 20);
		if (!strstr(cases[i].cmdline, "U"))	/* no kmalloc red zone: all 32 bytes are the caller's */
			memset(sim_mem(sim, a, 32), 0x5e, 32);
		sim_kfree(sim, 0, a, &op);
		ck_assert_int_eq(op.fault, FAULT_NONE);
		b = sim_kmalloc(sim, 0, 20, GFP_KERNEL | __GFP_ZERO, 0, &op);
		ck_assert_uint_eq(b, a);
		ck_assert_int_eq(op.fault, FAULT_NONE);
		ck_assert_uint_eq(sim_mem(sim, b, 32)[19], 0);
		ck_assert_msg(sim_mem(sim, b, 32)[25] == cases[i].tail, "%s %s: byte 25 is 0x%x", cases[i].kernel,
			      cases[i].cmdline, sim_mem(sim, b, 32)[25]);
		sim_kfree(sim, 0, b, &op);
		ck_assert_int_eq(op.fault, FAULT_NONE);	/* the red zone is intact */
		sim_destroy(sim);
	}
}
END_TEST

/*
 * __ksize() 6.2+ calls skip_orig_size_check(): after ksize() the whole ksize
 * is the caller's. Without it a write past the request hits the kmalloc red
 * zone (6.2+ only); krealloc() 6.2-6.12 starts with ksize(), so an in-place
 * krealloc gives the whole object too; 6.13 sets orig_size to the new size.
 */
START_TEST(test_ksize_claims_red_zone)
{
	static const struct {
		const char *kernel;
		int redzone;		/* writing byte 25 of kmalloc(20) is reported */
		int realloc_redzone;	/* writing byte 29 after krealloc(p, 24) in place is reported */
	} cases[] = {
		{ "6.1", 0, 0 }, { "6.2", 1, 0 }, { "6.12", 1, 0 }, { "6.13", 1, 1 },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sim *sim = boot_with(cases[i].kernel, "slub_debug=FZPU", NULL, NULL, NULL);
		struct sim_op op;
		uint64_t a = kmalloc(sim, 0, 20, NULL), b;

		sim_mem(sim, a, 32)[25] = 0x41;
		sim_kfree(sim, 0, a, &op);
		ck_assert_msg((op.fault == FAULT_REDZONE) == cases[i].redzone, "%s", cases[i].kernel);
		if (op.fault)
			ck_assert_ptr_nonnull(strstr(op.fault_text, "kmalloc Redzone overwritten"));
		a = kmalloc(sim, 0, 20, NULL);
		ck_assert_uint_eq(sim_ksize_claim(sim, a), 32);
		sim_mem(sim, a, 32)[31] = 0x41;
		sim_kfree(sim, 0, a, &op);
		ck_assert_int_eq(op.fault, FAULT_NONE);
		a = kmalloc(sim, 0, 20, NULL);
		b = sim_krealloc(sim, 0, a, 24, GFP_KERNEL, 1, &op);
		ck_assert_uint_eq(b, a);
		sim_mem(sim, b, 32)[29] = 0x41;
		sim_kfree(sim, 0, b, &op);
		ck_assert_msg((op.fault == FAULT_REDZONE) == cases[i].realloc_redzone, "%s krealloc", cases[i].kernel);
		sim_destroy(sim);
	}
}
END_TEST

/*
 * check_object(): until 6.10 the first damaged red zone ends the check and
 * damaged padding is only reported; 6.11 (47d911b02cbe) reports every area
 * and damaged padding fails the check (the free is refused).
 */
START_TEST(test_check_object_every_area)
{
	static const struct {
		const char *kernel;
		unsigned reports;	/* left and right red zone both damaged */
		int pad_refused;	/* damaged padding: "not freed" */
	} cases[] = { { "6.1", 1, 0 }, { "6.10", 1, 0 }, { "6.11", 2, 1 }, { "6.12", 2, 1 } };

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sim *sim = boot_with(cases[i].kernel, "slub_debug=FZPU", NULL, NULL, NULL);
		struct kmem_cache *s = cache(sim, "kmalloc-64");
		struct sim_op op;
		uint64_t a = kmalloc(sim, 0, 64, NULL);
		unsigned pad = s->size - s->red_left_pad - 4;	/* the last padding bytes */

		sim_mem(sim, a - 1, 1)[0] = 0x41;
		sim_mem(sim, a + 64, 1)[0] = 0x42;
		sim_kfree(sim, 0, a, &op);
		ck_assert_msg(occurrences(op.fault_text, "Redzone overwritten") == cases[i].reports, "%s: %s",
			      cases[i].kernel, op.fault_text);
		ck_assert_int_eq(op.path, PATH_FREE_REJECTED);
		sim_kfree(sim, 0, a, &op);	/* the first check stopped early: what it missed is found now */
		ck_assert_uint_eq(op.fault != FAULT_NONE, cases[i].reports == 1);
		if (op.fault)
			sim_kfree(sim, 0, a, &op);
		a = kmalloc(sim, 0, 64, NULL);
		ck_assert_uint_eq(pad > 64 + 8, 1);
		sim_mem(sim, a + pad, 1)[0] = 0x43;
		sim_kfree(sim, 0, a, &op);
		ck_assert_ptr_nonnull(strstr(op.fault_text, "Object padding overwritten"));
		ck_assert_msg((op.path == PATH_FREE_REJECTED) == cases[i].pad_refused, "%s padding", cases[i].kernel);
		sim_destroy(sim);
	}
}
END_TEST

/* 6.15 (stable 6.12.46): each damaged range is one "[... overwritten]" line, "Object corrupt" once */
START_TEST(test_overwritten_report_format)
{
	static const struct {
		const char *kernel;
		unsigned bugs, lines;	/* BUG headers, "[... overwritten]" lines */
	} cases[] = { { "6.11", 2, 0 }, { "6.12.45", 2, 0 }, { "6.12.46", 1, 2 }, { "6.12", 1, 2 } };

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sim *sim = boot_with(cases[i].kernel, "slub_debug=FZPU", NULL, NULL, NULL);
		struct sim_op op;
		uint64_t a = kmalloc(sim, 0, 64, NULL);

		sim_mem(sim, a - 1, 1)[0] = 0x41;
		sim_mem(sim, a + 64, 1)[0] = 0x42;
		sim_kfree(sim, 0, a, &op);
		ck_assert_msg(occurrences(op.fault_text, "\nBUG kmalloc-64 (") == cases[i].bugs, "%s: %s", cases[i].kernel,
			      op.fault_text);
		ck_assert_uint_eq(occurrences(op.fault_text, "[Left Redzone overwritten] 0x") +
				  occurrences(op.fault_text, "[Right Redzone overwritten] 0x"), cases[i].lines);
		ck_assert_uint_eq(occurrences(op.fault_text, "): Object corrupt\n"), cases[i].lines ? 1 : 0);
		ck_assert_uint_eq(occurrences(op.fault_text, "FIX kmalloc-64: Restoring"), 2);
		ck_assert_uint_eq(op.nr_faults, 2);
		sim_destroy(sim);
	}
}
END_TEST

/*
 * init_on_free on a kmalloc cache with U and Z: before 59090e479ac7 (6.12;
 * stable 6.10.14, 6.11.3) slab_free_hook() zeroed the kmalloc red zone and
 * orig_size, and the free's own check reported it and kept the object.
 */
START_TEST(test_init_on_free_kmalloc_redzone)
{
	static const struct {
		const char *kernel;
		int reported;
		unsigned char tail;	/* byte 25 of the freed kmalloc(20): wiped, or the red zone kept */
	} cases[] = { { "6.1", 0, 0x00 }, { "6.2", 1, 0 }, { "6.6", 1, 0 }, { "6.10.13", 1, 0 },
		      { "6.10.14", 0, 0xcc }, { "6.11.2", 1, 0 }, { "6.11.3", 0, 0xcc }, { "6.12", 0, 0xcc } };

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sim *sim = boot_with(cases[i].kernel, "slub_debug=FZU init_on_free=1", NULL, NULL, NULL);
		struct sim_op op;
		uint64_t a = kmalloc(sim, 0, 20, NULL);

		memset(sim_mem(sim, a, 20), 0x5e, 20);
		sim_kfree(sim, 0, a, &op);
		ck_assert_msg((op.fault == FAULT_REDZONE) == cases[i].reported, "%s", cases[i].kernel);
		ck_assert_int_eq(op.path == PATH_FREE_REJECTED, cases[i].reported);
		if (!cases[i].reported) {
			ck_assert_uint_eq(sim_mem(sim, a, 32)[5], 0);	/* wiped */
			ck_assert_uint_eq(sim_mem(sim, a, 32)[25], cases[i].tail);
		}
		sim_destroy(sim);
	}
}
END_TEST

/*
 * b85f369b81ae (7.0; 6.12.75, 6.18.16, 6.19.6): orig_size is an unsigned
 * long, so the padding starts 4 bytes later
 */
START_TEST(test_orig_size_unsigned_long)
{
	static const struct {
		const char *kernel;
		int padding;	/* a zero byte 4 bytes into orig_size is damaged padding */
	} cases[] = {
		{ "6.1", 1 },	   { "6.12.74", 1 }, { "6.12.75", 0 }, { "6.12", 0 }, { "6.17", 1 },
		{ "6.18.15", 1 }, { "6.18.16", 0 }, { "6.18", 0 },    { "6.19.5", 1 }, { "6.19.6", 0 },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sim *sim = boot_with(cases[i].kernel, "slub_debug=FZPU", NULL, NULL, NULL);
		struct kmem_cache *s = cache(sim, "kmalloc-32");
		struct sim_op op;
		uint64_t a = kmalloc(sim, 0, 20, NULL);
		unsigned off = get_info_end(&sim->env, s) + 2 * sim->env.track_size + 4;

		ck_assert_uint_eq(orig_size_bytes(&sim->env), cases[i].padding ? 4 : 8);
		sim_mem(sim, a + off, 1)[0] = 0;
		sim_kfree(sim, 0, a, &op);
		ck_assert_msg((strstr(op.fault_text ? op.fault_text : "", "Object padding overwritten") != NULL) ==
			      cases[i].padding, "%s", cases[i].kernel);
		sim_destroy(sim);
	}
}
END_TEST

START_TEST(test_krealloc_618_moves_misaligned)
{
	struct sim *sim = boot_with("6.18", NULL, NULL, NULL, NULL);
	struct sim_op op;
	uint64_t obj[42], odd = 0, q;

	/* kmalloc-96 slots are 32-aligned; find one that is not 64-aligned */
	for (int i = 0; i < 42; i++) {
		obj[i] = kmalloc(sim, 0, 96, NULL);
		if (obj[i] % 64)
			odd = obj[i];
	}
	ck_assert_uint_ne(odd, 0);
	q = sim_krealloc(sim, 0, odd, 64, GFP_KERNEL, 64, &op);
	ck_assert_int_eq(op.path, PATH_REALLOC_MOVED);
	ck_assert_uint_eq(q % 64, 0);
	/* the 6.17 profile keeps it in place */
	sim_destroy(sim);
	sim = boot_with("6.17", NULL, NULL, NULL, NULL);
	for (int i = 0; i < 42; i++) {
		obj[i] = kmalloc(sim, 0, 96, NULL);
		if (obj[i] % 64)
			odd = obj[i];
	}
	ck_assert_uint_eq(sim_krealloc(sim, 0, odd, 64, GFP_KERNEL, 64, &op), odd);
	sim_destroy(sim);
}
END_TEST

/* The cache a bucketed allocation of @size lands in ("page" for a large kmalloc), freed again. */
static const char *bucket_cache(struct sim *sim, int id, uint64_t size)
{
	struct sim_op op;
	uint64_t p = sim_kmem_buckets_alloc(sim, 0, id, size, GFP_KERNEL, 0, &op);

	ck_assert_uint_ne(p, 0);
	sim_kfree(sim, 0, p, NULL);
	return op.cache ? op.cache->name : "page";
}

/* 6.11+ kmem_buckets_create() / kmem_buckets_alloc() / memdup_user() (CONFIG_SLAB_BUCKETS) */
START_TEST(test_kmem_buckets)
{
	struct sim *sim = boot_with("6.12", NULL, NULL, NULL, NULL);
	struct sim *off = boot_with("6.12", NULL, "SLAB_BUCKETS=n", NULL, NULL);
	struct sim *old = boot_with("6.10", NULL, NULL, NULL, NULL);
	struct sim_err err;
	struct sim_op op;
	struct sim_obj_info info;
	int id = sim_kmem_buckets_create(sim, "probe-bkt", 0, 0, 100, 0, &err);
	const struct kmem_cache *s;

	ck_assert_int_ge(id, 0);
	ck_assert_str_eq(bucket_cache(sim, id, 1), "probe-bkt-8");
	ck_assert_str_eq(bucket_cache(sim, id, 65), "probe-bkt-96");
	ck_assert_str_eq(bucket_cache(sim, id, 129), "probe-bkt-192");
	ck_assert_str_eq(bucket_cache(sim, id, 1000), "probe-bkt-1k");
	ck_assert_str_eq(bucket_cache(sim, id, 8192), "probe-bkt-8k");
	ck_assert_str_eq(bucket_cache(sim, id, 8193), "page");	/* past KMALLOC_MAX_CACHE_SIZE: the page allocator */
	/* the usercopy window is cut to each size; unmergeable; its kmem_buckets is an object */
	s = cache(sim, "probe-bkt-64");
	ck_assert_uint_eq(s->usersize, 64);
	ck_assert_uint_eq(cache(sim, "probe-bkt-256")->usersize, 100);
	ck_assert(s->flags & SLAB_NO_MERGE);
	sim_lookup(sim, sim_kmem_buckets(sim, id)->obj, &info);
	ck_assert_int_eq(info.kind, SIM_OBJ_SLAB);
	ck_assert_ptr_eq(info.cache, cache(sim, "kmalloc_buckets"));
	/* memdup_user(): GFP_USER from the boot-time "memdup_user" set on 6.11+, kmalloc before */
	ck_assert_uint_ne(sim_memdup_user(sim, 0, 10, 0, &op), 0);
	ck_assert_str_eq(op.cache->name, "memdup_user-16");
	ck_assert_uint_ne(sim_memdup_user(old, 0, 10, 0, &op), 0);
	ck_assert_str_eq(op.cache->name, "kmalloc-16");
	ck_assert_uint_ne(sim_memdup_user(off, 0, 10, 0, &op), 0);
	ck_assert_str_eq(op.cache->name, "kmalloc-16");
	/* without CONFIG_SLAB_BUCKETS the handle allocates from kmalloc; before 6.11 there is no API */
	id = sim_kmem_buckets_create(off, "probe-bkt", 0, 0, 100, 0, &err);
	ck_assert_int_ge(id, 0);
	ck_assert_str_eq(bucket_cache(off, id, 65), "kmalloc-96");
	ck_assert_ptr_null(sim_find_cache(off, "probe-bkt-96"));
	ck_assert_int_lt(sim_kmem_buckets_create(old, "probe-bkt", 0, 0, 100, 0, &err), 0);
	ck_assert_int_eq(err.code, SIM_ENOSYS);
	sim_destroy(sim);
	sim_destroy(off);
	sim_destroy(old);
}
END_TEST

START_TEST(test_named_caches)
{
	struct sim *sim = boot();
	struct sim_err err;
	struct sim_op op;
	struct kmem_cache *m = sim_kmem_cache_create(sim, "my_cache", 120, 64, SLAB_HWCACHE_ALIGN, 0, 0, 0, &err);
	struct kmem_cache *k;
	uint64_t o;

	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->size, 128);
	o = sim_kmem_cache_alloc(sim, 0, m, GFP_KERNEL, &op);
	ck_assert_uint_eq(o % 64, 0);
	ck_assert_ptr_eq(op.cache, m);
	/* freeing through the wrong cache warns and frees to the right one (memcg kernels) */
	sim_kmem_cache_free(sim, 0, cache(sim, "kmalloc-128"), o, &op);
	ck_assert_int_eq(op.fault, FAULT_WRONG_CACHE);
	ck_assert_ptr_nonnull(strstr(op.fault_text, "Wrong slab cache. kmalloc-128 but object is from my_cache"));
	ck_assert_int_eq(op.path, PATH_FREE_FAST);
	ck_assert_int_eq(sim_kmem_cache_destroy(sim, m, &op), 0);
	ck_assert_ptr_null(sim_find_cache(sim, "my_cache"));

	k = sim_kmem_cache_create(sim, "leaky", 200, 0, 0, 0, 0, 0, &err);
	ck_assert_ptr_nonnull(k);
	sim_kmem_cache_alloc(sim, 1, k, GFP_KERNEL, NULL);
	ck_assert_int_eq(sim_kmem_cache_destroy(sim, k, &op), -1);
	ck_assert_int_eq(op.fault, FAULT_OBJECTS_REMAINING);
	ck_assert_ptr_nonnull(strstr(op.fault_text, "Objects remaining in leaky on __kmem_cache_shutdown()"));
	ck_assert_ptr_nonnull(sim_find_cache(sim, "leaky"));	/* the kernel keeps it */
	ck_assert_int_eq(sim_kmem_cache_destroy(sim, cache(sim, "kmalloc-64"), &op), -1);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_boot_objects)
{
	struct sim *sim = boot();
	struct cache_stats st;

	/* every cache's struct kmem_cache is an object of kmem_cache */
	kmem_cache_stats(sim, cache(sim, "kmem_cache"), &st);
	ck_assert_uint_ge(st.total_objects, sim->nr_caches);
	kmem_cache_stats(sim, cache(sim, "kmem_cache_node"), &st);
	ck_assert_uint_ge(st.total_objects, sim->nr_caches);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_clone_is_independent)
{
	struct sim *sim = boot_with(NULL, "slub_debug=FZPU", NULL, NULL, NULL), *copy;
	uint64_t a = kmalloc(sim, 0, 64, NULL), b, c;
	struct sim_op op;

	kmalloc(sim, 1, 9000, NULL);
	copy = sim_clone(sim);
	ck_assert_ptr_nonnull(copy);
	/* the same future from the same state ... */
	b = kmalloc(sim, 0, 64, NULL);
	c = kmalloc(copy, 0, 64, NULL);
	ck_assert_uint_eq(b, c);
	/* ... but separate bytes and lists */
	sim_kfree(sim, 0, a, NULL);
	sim_kfree(copy, 0, a, &op);
	ck_assert_int_eq(op.fault, FAULT_NONE);
	sim_kfree(sim, 0, a, &op);
	ck_assert_int_eq(op.fault, FAULT_OBJECT_ALREADY_FREE);
	sim_mem(copy, b, 1)[0] = 0x42;
	ck_assert_uint_ne(sim_mem(sim, b, 1)[0], 0x42);
	ck_assert_str_eq(sim_find_cache(copy, "kmalloc-64")->name, "kmalloc-64");
	ck_assert_ptr_ne(sim_find_cache(copy, "kmalloc-64"), sim_find_cache(sim, "kmalloc-64"));
	ck_assert_ptr_eq(kmalloc_slab(copy, 64, GFP_KERNEL, 0), sim_find_cache(copy, "kmalloc-64"));
	sim_destroy(sim);
	sim_destroy(copy);
}
END_TEST

/*
 * An address's object index comes from a multiplication by the cache's
 * reciprocal size (mm/slab.h obj_to_index()); it must be the quotient for
 * every byte of every slab, with debug layouts (red_left_pad) and without.
 */
START_TEST(test_obj_index_every_byte)
{
	static const char *const cmdlines[] = { "", "slub_debug=FZPU" };
	static const unsigned sizes[] = { 8, 16, 24, 40, 96, 192, 200, 520, 1000, 3000, 4096, 7000 };

	for (size_t c = 0; c < sizeof(cmdlines) / sizeof(cmdlines[0]); c++) {
		struct sim *sim = boot_with(NULL, cmdlines[c], NULL, NULL, NULL);

		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			uint64_t a = kmalloc(sim, 0, sizes[k], NULL);
			struct sim_obj_info info, at;
			uint64_t first, bytes;

			sim_lookup(sim, a, &info);
			ck_assert_int_eq(info.kind, SIM_OBJ_SLAB);
			first = info.slab_addr + info.cache->red_left_pad;
			/* the last slot's right end may lie past the slab by the left pad */
			bytes = (uint64_t)info.slab->objects * info.cache->size;
			if (bytes > (4096ull << info.order) - info.cache->red_left_pad)
				bytes = (4096ull << info.order) - info.cache->red_left_pad;
			for (uint64_t off = 0; off < bytes; off++) {
				sim_lookup(sim, first + off, &at);
				ck_assert_int_eq(at.slot, (int)(off / info.cache->size));
			}
			sim_lookup(sim, info.slab_addr + (uint64_t)info.slab->objects * info.cache->size +
					info.cache->red_left_pad, &at);
			ck_assert_int_eq(at.slot, -1);
		}
		sim_destroy(sim);
	}
}
END_TEST

static Suite *slub_suite(void)
{
	Suite *s = suite_create("slub");
	TCase *tc = tcase_create("paths");

	tcase_add_test(tc, test_fast_path_and_lifo);
	tcase_add_test(tc, test_usage_and_freelist_walk);
	tcase_add_test(tc, test_remote_free_and_refill);
	tcase_add_test(tc, test_cpu_partial_and_node_partial);
	tcase_add_test(tc, test_discard_when_enough_partial);
	tcase_add_test(tc, test_random_freelist_by_seed);
	tcase_add_test(tc, test_sequential_without_randomisation);
	tcase_add_test(tc, test_boot_objects);
	suite_add_tcase(s, tc);
	tc = tcase_create("bytes");
	tcase_add_test(tc, test_hardened_pointer_bytes);
	tcase_add_test(tc, test_init_on_alloc_and_free);
	tcase_add_test(tc, test_init_on_alloc_clean_objects);
	tcase_add_test(tc, test_random_kmalloc_caches);
	tcase_add_test(tc, test_debug_layout_bytes);
	suite_add_tcase(s, tc);
	tc = tcase_create("faults");
	tcase_add_test(tc, test_double_free_without_debug);
	tcase_add_test(tc, test_double_free_with_debug);
	tcase_add_test(tc, test_redzone_and_poison_reports);
	tcase_add_test(tc, test_invalid_pointers);
	tcase_add_test(tc, test_invalid_pointer_debug_no_checks);
	tcase_add_test(tc, test_out_of_memory_and_fallback);
	suite_add_tcase(s, tc);
	tc = tcase_create("api");
	tcase_add_test(tc, test_large_kmalloc);
	tcase_add_test(tc, test_krealloc_61);
	tcase_add_test(tc, test_krealloc_612_zeroes_tail);
	tcase_add_test(tc, test_post_alloc_zeroes_orig_size);
	tcase_add_test(tc, test_ksize_claims_red_zone);
	tcase_add_test(tc, test_check_object_every_area);
	tcase_add_test(tc, test_init_on_free_kmalloc_redzone);
	tcase_add_test(tc, test_orig_size_unsigned_long);
	tcase_add_test(tc, test_overwritten_report_format);
	tcase_add_test(tc, test_krealloc_618_moves_misaligned);
	tcase_add_test(tc, test_named_caches);
	tcase_add_test(tc, test_kmem_buckets);
	tcase_add_test(tc, test_krealloc_random_caches_follow_caller);
	tcase_add_test(tc, test_clone_is_independent);
	tcase_add_test(tc, test_obj_index_every_byte);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fixture_run(slub_suite());
}
