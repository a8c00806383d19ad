/* Trace input: the native language, ftrace text, detection, the name table. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kver.h"
#include "src/replay/learn.h"
#include "src/replay/name_table.h"
#include "src/replay/replay.h"
#include "src/trace/trace.h"
#include "src/trace/trace_pipe.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static struct trace_reader rd;
static struct trace_event ev;
static bool rd_open;

static void teardown(void)
{
	if (rd_open)
		trace_close(&rd);
	rd_open = false;
}

static void open_str(const char *s, size_t len, enum trace_format fmt)
{
	teardown();
	ck_assert_int_eq(trace_open_mem(&rd, s, len, "t", fmt), 0);
	rd_open = true;
}

/* The first event of a one-line trace, which must parse. */
static const struct trace_event *parse_as(const char *s, enum trace_format fmt)
{
	int r;

	open_str(s, strlen(s), fmt);
	r = trace_next(&rd, &ev);
	ck_assert_msg(r == TRACE_EVENT, "'%s': got %d: %s", s, r, rd.err.text);
	return &ev;
}

static const struct trace_event *native(const char *s)
{
	return parse_as(s, TRACE_FMT_NATIVE);
}

static const struct trace_event *ftrace(const char *s)
{
	return parse_as(s, TRACE_FMT_FTRACE);
}

/* The first error of a trace, as "t:line:col: message". */
static const char *first_error(const char *s, size_t len, enum trace_format fmt)
{
	int r;

	open_str(s, len, fmt);
	while ((r = trace_next(&rd, &ev)) == TRACE_EVENT)
		;
	ck_assert_msg(r == TRACE_ERROR, "'%.60s': no error (%d)", s, r);
	return rd.err.text;
}

#define ck_native_error(s, want) ck_assert_str_eq(first_error(s, strlen(s), TRACE_FMT_NATIVE), want)

/* A one-line trace and its first error. */
struct error_case {
	const char *in, *want;
};

static void check_errors(const struct error_case *c, size_t n, enum trace_format fmt)
{
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(first_error(c[i].in, strlen(c[i].in), fmt), c[i].want);
}

/* Count events and errors of a whole trace. */
static void run_all(const char *s, size_t len, enum trace_format fmt, unsigned *events, unsigned *errors)
{
	int r;

	open_str(s, len, fmt);
	*events = *errors = 0;
	while ((r = trace_next(&rd, &ev)) != TRACE_EOF) {
		ck_assert_int_ne(r, TRACE_IOERR);
		if (r == TRACE_EVENT)
			++*events;
		else
			++*errors;
	}
}

/* ------------------------------------------------------------------ native */

START_TEST(test_native_alloc_ops)
{
	const struct trace_event *e = native("a = kmalloc 96");

	ck_assert_int_eq(e->kind, TEV_KMALLOC);
	ck_assert_str_eq(e->result.s, "a");
	ck_assert_uint_eq(e->result.col, 1);
	ck_assert_uint_eq(e->size, 96);
	ck_assert_uint_eq(e->gfp, GFP_KERNEL);
	ck_assert(!e->gfp_given);
	ck_assert_uint_eq(e->line, 1);
	ck_assert_uint_eq(e->col, 5);
	ck_assert_uint_eq(e->cpu, 0);

	e = native("kmalloc 0x2K GFP_ATOMIC|__GFP_NOWARN");
	ck_assert_ptr_null(e->result.s);
	ck_assert_uint_eq(e->result.col, 0);
	ck_assert_uint_eq(e->size, 2048);
	ck_assert_uint_eq(e->gfp, GFP_ATOMIC | __GFP_NOWARN);
	ck_assert(e->gfp_given);

	e = native("z = kzalloc 2M");
	ck_assert_int_eq(e->kind, TEV_KMALLOC);
	ck_assert_str_eq(e->op, "kzalloc");
	ck_assert_uint_eq(e->size, 2u << 20);
	ck_assert_uint_eq(e->gfp, GFP_KERNEL | __GFP_ZERO);

	e = native("b = krealloc a 200 GFP_NOWAIT");
	ck_assert_int_eq(e->kind, TEV_KREALLOC);
	ck_assert_str_eq(e->obj.s, "a");
	ck_assert_uint_eq(e->obj.col, 14);
	ck_assert_uint_eq(e->size, 200);
	ck_assert_uint_eq(e->gfp, GFP_NOWAIT);

	e = native("kmalloc 8 0xcc0|__GFP_ZERO");
	ck_assert_uint_eq(e->gfp, GFP_KERNEL | __GFP_ZERO);
	e = native("\xef\xbb\xbf" "a = kmalloc 8");	/* an editor's byte order mark */
	ck_assert_uint_eq(e->result.col, 1);
	ck_assert_uint_eq(e->col, 5);

	e = native("c = krealloc NULL 24");
	ck_assert(e->obj.is_null);
	ck_assert_ptr_null(e->obj.s);
	ck_assert_uint_eq(e->obj.col, 14);

	e = native("krealloc a 0");
	ck_assert_int_eq(e->kind, TEV_KREALLOC);
	ck_assert_ptr_null(e->result.s);
	ck_assert_uint_eq(e->size, 0);
}
END_TEST

START_TEST(test_native_free_ops)
{
	const struct trace_event *e = native("kfree b");

	ck_assert_int_eq(e->kind, TEV_KFREE);
	ck_assert_str_eq(e->obj.s, "b");
	ck_assert_uint_eq(e->obj.len, 1);
	e = native("kfree NULL");
	ck_assert(e->obj.is_null);
	e = native("ksize _a_1");
	ck_assert_int_eq(e->kind, TEV_KSIZE);
	ck_assert_str_eq(e->obj.s, "_a_1");
}
END_TEST

START_TEST(test_native_cache_ops)
{
	const struct trace_event *e =
		native("m = kmem_cache_create my_cache 120 align=64 flags=SLAB_HWCACHE_ALIGN|SLAB_ACCOUNT");

	ck_assert_int_eq(e->kind, TEV_CACHE_CREATE);
	ck_assert_str_eq(e->result.s, "m");
	ck_assert_str_eq(e->text, "my_cache");
	ck_assert_uint_eq(e->text_col, 23);
	ck_assert_uint_eq(e->size, 120);
	ck_assert_uint_eq(e->align, 64);
	ck_assert_uint_eq(e->slab_flags, SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT);
	ck_assert(!e->ctor);

	e = native("kmem_cache_create \"my cache\" 8 ctor useroffset=8 usersize=16 align=0");
	ck_assert_str_eq(e->text, "my cache");
	ck_assert(e->ctor);
	ck_assert_uint_eq(e->useroffset, 8);
	ck_assert_uint_eq(e->usersize, 16);
	ck_assert_uint_eq(e->align, 0);

	e = native("o = kmem_cache_alloc m");
	ck_assert_int_eq(e->kind, TEV_CACHE_ALLOC);
	ck_assert_str_eq(e->cache.s, "m");
	ck_assert_uint_eq(e->gfp, GFP_KERNEL);
	e = native("o = kmem_cache_zalloc m GFP_NOFS");
	ck_assert_int_eq(e->kind, TEV_CACHE_ALLOC);
	ck_assert_uint_eq(e->gfp, GFP_NOFS | __GFP_ZERO);

	e = native("kmem_cache_free m o");
	ck_assert_int_eq(e->kind, TEV_CACHE_FREE);
	ck_assert_str_eq(e->cache.s, "m");
	ck_assert_str_eq(e->obj.s, "o");
	e = native("kmem_cache_destroy m");
	ck_assert_int_eq(e->kind, TEV_CACHE_DESTROY);
	ck_assert_str_eq(e->cache.s, "m");
}
END_TEST

START_TEST(test_native_rust_ops)
{
	const struct trace_event *e = native("r = rust_alloc 96 align=64 wrapper=npot");

	ck_assert_int_eq(e->kind, TEV_RUST_ALLOC);
	ck_assert_uint_eq(e->size, 96);
	ck_assert_uint_eq(e->align, 64);
	ck_assert_int_eq(e->wrapper, TRACE_WRAP_NPOT);
	ck_assert_uint_eq(e->gfp, GFP_KERNEL);

	e = native("r2 = rust_realloc r 200 align=8");
	ck_assert_int_eq(e->kind, TEV_RUST_REALLOC);
	ck_assert_str_eq(e->obj.s, "r");
	ck_assert_int_eq(e->wrapper, TRACE_WRAP_DEFAULT);

	e = native("rust_free r2 align=64 wrapper=node-align");
	ck_assert_int_eq(e->kind, TEV_RUST_FREE);
	ck_assert_int_eq(e->wrapper, TRACE_WRAP_NODE_ALIGN);
	ck_assert_int_eq(native("rust_alloc 8 align=1 wrapper=naive")->wrapper, TRACE_WRAP_NAIVE);
	ck_assert_int_eq(native("rust_alloc 8 align=1 wrapper=pad")->wrapper, TRACE_WRAP_PAD);
	ck_assert_int_eq(native("rust_alloc 8 align=1 wrapper=allocator")->wrapper, TRACE_WRAP_ALLOCATOR);
}
END_TEST

/* The operations lib/slub_kunit.c's cases need, and their mistakes. */
START_TEST(test_native_kunit_ops)
{
	const struct trace_event *e = native("validate s");

	ck_assert_int_eq(e->kind, TEV_VALIDATE);
	ck_assert_str_eq(e->cache.s, "s");
	e = native("kmem_cache_shrink s");
	ck_assert_int_eq(e->kind, TEV_CACHE_SHRINK);
	ck_assert_str_eq(e->cache.s, "s");
	e = native("p = kmalloc_trace s 18");
	ck_assert_int_eq(e->kind, TEV_KMALLOC_TRACE);
	ck_assert_str_eq(e->cache.s, "s");
	ck_assert_uint_eq(e->size, 18);
	ck_assert_uint_eq(e->gfp, GFP_KERNEL);
	ck_assert_int_eq(native("kfree_rcu p")->kind, TEV_KFREE_RCU);
	ck_assert(native("kfree_rcu NULL")->obj.is_null);
	ck_assert_int_eq(native("rcu_barrier")->kind, TEV_RCU_BARRIER);
	e = native("write p freeptr 1 ~");
	ck_assert(e->at_freeptr);
	ck_assert(e->invert);
	ck_assert(!e->byte_given);
	e = native("save p freeptr 8");
	ck_assert_int_eq(e->kind, TEV_SAVE);
	ck_assert(e->at_freeptr);
	ck_assert_uint_eq(e->len, 8);
	ck_assert_int_eq(native("restore")->kind, TEV_RESTORE);
	e = native("expect errors=3");
	ck_assert_int_eq(e->kind, TEV_EXPECT_ERRORS);
	ck_assert_uint_eq(e->errors, 3);
	e = native("expect p bytes 40 24 0xcc");
	ck_assert_int_eq(e->kind, TEV_EXPECT_BYTES);
	ck_assert_uint_eq(e->offset, 40);
	ck_assert_uint_eq(e->len, 24);
	ck_assert_uint_eq(e->byte, 0xcc);

	ck_assert_str_eq(first_error("validate\n", 9, TRACE_FMT_NATIVE), "t:1:1: validate: missing cache");
	ck_assert_str_eq(first_error("expect errors=x\n", 16, TRACE_FMT_NATIVE),
			 "t:1:15: invalid errors 'x'");
	ck_assert_str_eq(first_error("expect errors=3 4\n", 18, TRACE_FMT_NATIVE), "t:1:17: unexpected '4'");
	ck_assert_str_eq(first_error("expect p bytes 0 4\n", 19, TRACE_FMT_NATIVE),
			 "t:1:18: expect bytes: missing byte value");
	ck_assert_str_eq(first_error("expect p bytes 0 0 1\n", 21, TRACE_FMT_NATIVE),
			 "t:1:18: expect bytes: the length must not be 0");
	ck_assert_str_eq(first_error("save p 0 4 5\n", 13, TRACE_FMT_NATIVE), "t:1:12: unexpected '5'");
	ck_assert_str_eq(first_error("@1 restore\n", 11, TRACE_FMT_NATIVE), "t:1:4: '@CPU' does not apply to restore");
	ck_assert_str_eq(first_error("save p 0 4 ~\n", 13, TRACE_FMT_NATIVE), "t:1:12: unexpected '~'");
}
END_TEST

START_TEST(test_native_write_label)
{
	const struct trace_event *e = native("write a 96 1");

	ck_assert_int_eq(e->kind, TEV_WRITE);
	ck_assert_str_eq(e->obj.s, "a");
	ck_assert_uint_eq(e->offset, 96);
	ck_assert_uint_eq(e->len, 1);
	ck_assert(!e->byte_given);
	e = native("write a 0 4 0xff");
	ck_assert(e->byte_given);
	ck_assert_uint_eq(e->byte, 255);

	e = native("label \"the \\\"first\\\" \\\\ slab\"   # comment");
	ck_assert_int_eq(e->kind, TEV_LABEL);
	ck_assert_str_eq(e->text, "the \"first\" \\ slab");
	ck_assert_uint_eq(e->text_col, 7);
	e = native("label \"# not a comment\"");
	ck_assert_str_eq(e->text, "# not a comment");
}
END_TEST

START_TEST(test_native_expect)
{
	const struct trace_event *e = native("expect a cache=kmalloc-96 ksize=96 align>=32 addr=0x10");

	ck_assert_int_eq(e->kind, TEV_EXPECT_OBJ);
	ck_assert_str_eq(e->obj.s, "a");
	ck_assert_uint_eq(e->nr_keys, 4);
	ck_assert_int_eq(e->keys[0].key, TX_CACHE);
	ck_assert_str_eq(e->keys[0].text, "kmalloc-96");
	ck_assert_uint_eq(e->keys[0].col, 10);
	ck_assert_int_eq(e->keys[1].key, TX_KSIZE);
	ck_assert_uint_eq(e->keys[1].num, 96);
	ck_assert_int_eq(e->keys[2].key, TX_ALIGN_GE);
	ck_assert_uint_eq(e->keys[2].num, 32);
	ck_assert_int_eq(e->keys[3].key, TX_ADDR);
	ck_assert_uint_eq(e->keys[3].num, 16);

	e = native("expect a == b");
	ck_assert_int_eq(e->kind, TEV_EXPECT_SAME);
	ck_assert_str_eq(e->obj.s, "a");
	ck_assert_str_eq(e->other.s, "b");
	ck_assert_uint_eq(e->other.col, 13);
	ck_assert_int_eq(native("expect a != c")->kind, TEV_EXPECT_DIFFERENT);

	e = native("expect cache kmalloc-96 objects=42 total_objects=84 slabs=2 partial=1");
	ck_assert_int_eq(e->kind, TEV_EXPECT_CACHE);
	ck_assert_str_eq(e->text, "kmalloc-96");
	ck_assert_uint_eq(e->nr_keys, 4);
	ck_assert_int_eq(e->keys[0].key, TX_ATTR);
	ck_assert_str_eq(e->keys[0].text, "objects");
	ck_assert_uint_eq(e->keys[0].num, 42);
	ck_assert_str_eq(e->keys[3].text, "partial");
	ck_assert_uint_eq(e->keys[3].num, 1);

	e = native("expect fault \"Object already free\"");
	ck_assert_int_eq(e->kind, TEV_EXPECT_FAULT);
	ck_assert_str_eq(e->text, "Object already free");
	ck_assert_int_eq(native("expect nofault")->kind, TEV_EXPECT_NOFAULT);
}
END_TEST

START_TEST(test_native_cpu)
{
	static const char t[] = "cpu 1\na = kmalloc 8\n@0 b = kmalloc 8\nkfree a\n";

	open_str(t, strlen(t), TRACE_FMT_NATIVE);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_int_eq(ev.kind, TEV_CPU);
	ck_assert_uint_eq(ev.cpu, 1);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_uint_eq(ev.cpu, 1);
	ck_assert(!ev.cpu_given);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_uint_eq(ev.cpu, 0);	/* @0 for this line only */
	ck_assert(ev.cpu_given);
	ck_assert_str_eq(ev.result.s, "b");
	ck_assert_uint_eq(ev.col, 8);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_uint_eq(ev.cpu, 1);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EOF);
}
END_TEST

START_TEST(test_native_config)
{
	static const char t[] = "# header\n\nconfig kernel=6.12.117 cpus=4 cmdline=\"slub_debug=FZPU slab_nomerge\"\n"
				"config seed=7\na = kmalloc 8\n";
	struct sim_config cfg;
	struct sim_err err;

	config_init(&cfg);
	open_str(t, strlen(t), TRACE_FMT_AUTO);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_int_eq(rd.format, TRACE_FMT_NATIVE);
	ck_assert_int_eq(ev.kind, TEV_CONFIG);
	ck_assert_int_eq(ev.cfg_key, CONFIG_OPT_KERNEL);
	ck_assert_str_eq(ev.text, "6.12.117");
	ck_assert_uint_eq(ev.line, 3);
	ck_assert_uint_eq(ev.col, 8);
	ck_assert_uint_eq(ev.text_col, 15);
	ck_assert_int_eq(trace_config_apply(&ev, &cfg, &err), 0);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_int_eq(ev.cfg_key, CONFIG_OPT_CPUS);
	ck_assert_int_eq(trace_config_apply(&ev, &cfg, &err), 0);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_int_eq(ev.cfg_key, CONFIG_OPT_CMDLINE);
	ck_assert_str_eq(ev.text, "slub_debug=FZPU slab_nomerge");
	ck_assert_int_eq(trace_config_apply(&ev, &cfg, &err), 0);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_int_eq(ev.cfg_key, CONFIG_OPT_SEED);
	ck_assert_uint_eq(ev.line, 4);
	ck_assert_int_eq(trace_config_apply(&ev, &cfg, &err), 0);
	ck_assert_uint_eq(cfg.kver, KVS(6, 12, 117));
	ck_assert_uint_eq(cfg.cpus, 4);
	ck_assert_uint_eq(cfg.seed, 7);
	ck_assert_str_eq(cfg.cmdline, "slub_debug=FZPU slab_nomerge");
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_int_eq(ev.kind, TEV_KMALLOC);
	ck_assert_uint_eq(rd.stats.ignored, 2);

	/* values are the setters' business */
	ck_assert_int_ne(trace_config_apply(native("config cpus=0"), &cfg, &err), 0);
	config_release(&cfg);
}
END_TEST

START_TEST(test_native_layout)
{
	static const char t[] = "# comment\r\n\r\n   \t \r\na = kmalloc 8\r\n\tkfree a # bye\r\nkfree b";
	unsigned events, errors;

	open_str(t, strlen(t), TRACE_FMT_NATIVE);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_uint_eq(ev.line, 4);
	ck_assert_uint_eq(ev.size, 8);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_uint_eq(ev.line, 5);
	ck_assert_uint_eq(ev.col, 9);	/* a tab stops at column 9 */
	ck_assert_str_eq(ev.obj.s, "a");
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);	/* no newline at the end */
	ck_assert_str_eq(ev.obj.s, "b");
	ck_assert_uint_eq(ev.line, 6);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EOF);
	ck_assert_uint_eq(rd.stats.lines, 6);

	run_all("", 0, TRACE_FMT_AUTO, &events, &errors);
	ck_assert_uint_eq(events + errors, 0);
	ck_assert_int_eq(rd.format, TRACE_FMT_NATIVE);
}
END_TEST

START_TEST(test_native_errors)
{
	static const struct error_case cases[] = {
		{ "frob 12", "t:1:1: unknown operation 'frob'" },
		{ "a=kmalloc 16", "t:1:1: unknown operation 'a=kmalloc' (put blanks around '=')" },
		{ "a = kmalloc", "t:1:5: kmalloc: missing size" },
		{ "a = kmalloc -5", "t:1:13: negative size '-5'" },
		{ "a = kmalloc 18446744073709551616", "t:1:13: size '18446744073709551616' is too large" },
		{ "a = kmalloc 0xffffffffffffffffK", "t:1:13: size '0xffffffffffffffffK' is too large" },
		{ "a = kmalloc 12q", "t:1:13: garbage after the number in size '12q'" },
		{ "a = kmalloc 12KB", "t:1:13: garbage after the number in size '12KB'" },
		{ "a = kmalloc abc", "t:1:13: invalid size 'abc'" },
		{ "a = kmalloc 16 GFP_KERNEL|__GFP_BOGUS", "t:1:27: unknown GFP flag '__GFP_BOGUS'" },
		{ "a = kmalloc 16 GFP_KERNEL|", "t:1:27: empty GFP flag" },
		{ "a = kmalloc 16 GFP_KERNEL GFP_ATOMIC", "t:1:27: GFP flags given twice ('GFP_ATOMIC')" },
		{ "a = kmalloc 16 0x100000000", "t:1:16: unknown GFP flag '0x100000000'" },
		{ "a = = kmalloc 8", "t:1:5: unexpected '='" },
		{ "kmem_cache_create", "t:1:1: kmem_cache_create: missing cache name" },
		{ "NULL = kmalloc 8", "t:1:1: 'NULL' is reserved: not allowed here" },
		{ "1a = kmalloc 8", "t:1:1: invalid name '1a' (letters, digits and _, not starting with a digit)" },
		{ "a-b = kmalloc 8", "t:1:1: invalid name 'a-b' (letters, digits and _, not starting with a digit)" },
		{ "x = kfree a", "t:1:5: kfree does not return an object to bind to 'x'" },
		{ "x = ksize a", "t:1:5: ksize does not return an object to bind to 'x'" },
		{ "kfree", "t:1:1: kfree: missing object" },
		{ "kfree a b", "t:1:9: unexpected 'b'" },
		{ "kfree \"NULL\"", "t:1:7: invalid name 'NULL' (letters, digits and _, not starting with a digit)" },
		{ "b = krealloc a", "t:1:5: krealloc: missing size" },
		{ "rust_alloc 96", "t:1:1: rust_alloc: missing align=" },
		{ "rust_alloc 96 align=48", "t:1:21: align must be a power of two, not 48" },
		{ "rust_alloc 96 align=0", "t:1:21: align must be a power of two, not 0" },
		{ "rust_alloc 96 align=64 wrapper=bogus",
		  "t:1:32: unknown wrapper 'bogus' (naive, npot, pad, allocator or node-align)" },
		{ "kmem_cache_create c 64 flags=SLAB_HWCACHE_ALIGN|SLAB_BOGUS", "t:1:49: unknown slab flag 'SLAB_BOGUS'" },
		{ "kmem_cache_create c 64 align=3", "t:1:30: align must be a power of two, not 3" },
		{ "kmem_cache_create c 64 align=8 align=16", "t:1:32: option 'align=' given twice" },
		{ "kmem_cache_create c", "t:1:1: kmem_cache_create: missing size" },
		{ "kmalloc 8 align=8", "t:1:11: kmalloc takes no option 'align='" },
		{ "kmalloc 8 ctor", "t:1:11: unknown GFP flag 'ctor'" },
		{ "kfree a GFP_KERNEL", "t:1:9: unexpected 'GFP_KERNEL'" },
		{ "kmem_cache_alloc NULL", "t:1:18: 'NULL' is reserved: not allowed here" },
		{ "write a 1", "t:1:1: write: missing length" },
		{ "write a 0 1 256", "t:1:13: byte value '256' is not in 0..255" },
		{ "write a 0 1 1 2", "t:1:15: unexpected '2'" },
		{ "label \"unterminated", "t:1:7: unterminated string" },
		{ "label \"bad \\q escape\"", "t:1:12: unknown escape '\\q' in string (only \\\" and \\\\)" },
		{ "label", "t:1:1: label: missing text" },
		{ "expect", "t:1:1: expect: missing what to check" },
		{ "expect a", "t:1:8: expect: missing KEY=VALUE after 'a'" },
		{ "expect a ksize=x", "t:1:16: invalid ksize 'x'" },
		{ "expect a addr=1K", "t:1:15: garbage after the number in addr '1K'" },
		{ "expect a bogus=1", "t:1:10: unknown expect key in 'bogus=1' (cache=, ksize=, align>=, align=, slot= or addr=)" },
		{ "expect a align=12", "t:1:16: align= must be a power of two, not 12" },
		{ "expect a align>=3", "t:1:17: align>= must be a power of two, not 3" },
		{ "expect a ksize=8 ksize=16", "t:1:18: expect key in 'ksize=16' given twice" },
		{ "expect a cache=", "t:1:10: missing cache name after 'cache='" },
		{ "expect a ==", "t:1:10: expect: missing the name after '=='" },
		{ "expect a == b c", "t:1:15: unexpected 'c'" },
		{ "expect a == NULL", "t:1:13: 'NULL' is reserved: not allowed here" },
		{ "expect cache", "t:1:8: expect cache: missing the cache name" },
		{ "expect cache kmalloc-96", "t:1:14: expect: missing KEY=VALUE after 'kmalloc-96'" },
		{ "expect cache kmalloc-96 bogus=3",
		  "t:1:25: unknown cache attribute in 'bogus=3' (objects=, total_objects=, slabs=, partial=, ...)" },
		{ "expect cache kmalloc-96 slabs=-1", "t:1:31: negative slabs '-1'" },
		{ "expect fault", "t:1:8: expect fault: missing the message text" },
		{ "expect nofault x", "t:1:16: unexpected 'x'" },
		{ "cpu", "t:1:1: cpu: missing the CPU number" },
		{ "cpu 99999", "t:1:5: CPU 99999 is out of range (0..8191)" },
		{ "cpu 1 2", "t:1:7: unexpected '2'" },
		{ "@x kmalloc 8", "t:1:2: invalid CPU 'x'" },
		{ "@1 label \"x\"", "t:1:4: '@CPU' does not apply to label" },
		{ "@1 cpu 2", "t:1:4: '@CPU' does not apply to cpu" },
		{ "@1", "t:1:1: missing operation after '@1'" },
		{ "a =", "t:1:3: missing operation after '='" },
		{ "x = config seed=1", "t:1:5: config does not return an object to bind to 'x'" },
		{ "config", "t:1:1: config: expected KEY=VALUE" },
		{ "config seed", "t:1:8: config: expected KEY=VALUE, not 'seed'" },
		{ "config bogus=1", "t:1:8: unknown config key 'bogus' (kernel, arch, cpus, cmdline, seed, kconfig, "
				  "page-size, mem)" },
		{ "kfree a\nconfig seed=1", "t:2:1: config must come before the first event" },
		{ "kfree 1\nconfig seed=1", "t:1:7: invalid name '1' (letters, digits and _, not starting with a digit)" },
		{ "\tkmalloc\t-1", "t:1:17: negative size '-1'" },
		{ "label \"é\" x", "t:1:11: unexpected 'x'" },
	};

	check_errors(cases, sizeof(cases) / sizeof(cases[0]), TRACE_FMT_NATIVE);
	/* the error of a bad line that follows a config line */
	ck_native_error("kfree 1\nconfig seed=1\n", "t:1:7: invalid name '1' (letters, digits and _, not starting with a digit)");
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_ERROR);
	ck_assert_str_eq(rd.err.text, "t:2:1: config must come before the first event");
}
END_TEST

/* Errors do not stop the reader: every line is looked at. */
START_TEST(test_native_error_recovery)
{
	static const char t[] = "a = kmalloc 8\nfrob\nkfree a\nb = kmalloc x\nkfree b\n";
	unsigned events, errors;

	run_all(t, strlen(t), TRACE_FMT_NATIVE, &events, &errors);
	ck_assert_uint_eq(events, 3);
	ck_assert_uint_eq(errors, 2);
	ck_assert_uint_eq(rd.stats.errors, 2);
	ck_assert_uint_eq(rd.stats.by_kind[TEV_KFREE], 2);
}
END_TEST

START_TEST(test_native_bytes)
{
	static const char nul[] = "a = kmalloc 8\nkfree\0a\nkfree a\n";
	static const struct error_case bad[] = {
		{ "label \"\xff\"", "t:1:8: invalid UTF-8 (byte 0xff)" },
		{ "label \"\xc3\"", "t:1:8: invalid UTF-8 (byte 0xc3)" },
		{ "label \"\xc0\xaf\"", "t:1:8: invalid UTF-8 (byte 0xc0)" },		/* overlong "/" */
		{ "label \"\xed\xa0\x80\"", "t:1:8: invalid UTF-8 (byte 0xed)" },	/* a surrogate */
		{ "# \xfe comment", "t:1:3: invalid UTF-8 (byte 0xfe)" },
		{ "kfree a\x01", "t:1:8: unexpected control character 0x01" },
		{ "kfree\ra", "t:1:6: unexpected control character 0x0d" },
		{ "\xe2\x82\xac = kmalloc 8", "t:1:1: invalid name '\xe2\x82\xac' (letters, digits and _, not "
					    "starting with a digit)" },
	};
	unsigned events, errors;

	ck_assert_str_eq(first_error(nul, sizeof(nul) - 1, TRACE_FMT_NATIVE), "t:2:6: NUL byte in line");
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_uint_eq(ev.line, 3);
	check_errors(bad, sizeof(bad) / sizeof(bad[0]), TRACE_FMT_NATIVE);
	/* valid UTF-8 counts one column a character */
	ck_assert_uint_eq(native("label \"\xc3\xa9t\xc3\xa9\" # \xf0\x9f\x98\x80")->text_col, 7);
	ck_native_error("label \"\xc3\xa9t\xc3\xa9\" \xe2\x82\xac", "t:1:13: unexpected '\xe2\x82\xac'");
	/* binary garbage: errors, never a crash */
	{
		char junk[4096];

		srand(1);
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (char)rand();
		run_all(junk, sizeof(junk), TRACE_FMT_AUTO, &events, &errors);
		ck_assert_uint_gt(errors, 0);
	}
}
END_TEST

static char *repeat(char c, size_t n, const char *tail)
{
	size_t t = strlen(tail);
	char *s = malloc(n + t + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	memcpy(s + n, tail, t + 1);
	return s;
}

START_TEST(test_native_long_lines)
{
	unsigned events, errors;
	char *s;

	/* the longest accepted line */
	s = repeat(' ', TRACE_LINE_MAX - 9, "kfree abc\nkfree d\n");
	run_all(s, strlen(s), TRACE_FMT_NATIVE, &events, &errors);
	ck_assert_uint_eq(events, 2);
	ck_assert_uint_eq(errors, 0);
	free(s);
	/* one byte more; the line after it still has its number */
	s = repeat('#', TRACE_LINE_MAX + 1, "\nkfree d\n");
	ck_assert_str_eq(first_error(s, strlen(s), TRACE_FMT_NATIVE), "t:1:1: line too long (more than 65536 bytes)");
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_uint_eq(ev.line, 2);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EOF);
	free(s);
	/* 10 MB in one line, not the last one */
	s = repeat('x', 10u << 20, "\nkfree d\nfrob");
	ck_assert_str_eq(first_error(s, strlen(s), TRACE_FMT_AUTO), "t:1:1: line too long (more than 65536 bytes)");
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_uint_eq(ev.line, 2);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_ERROR);
	ck_assert_str_eq(rd.err.text, "t:3:1: unknown operation 'frob'");
	free(s);
	/* 10 MB, unterminated, at the end */
	s = repeat('y', 10u << 20, "");
	ck_assert_str_eq(first_error(s, strlen(s), TRACE_FMT_NATIVE), "t:1:1: line too long (more than 65536 bytes)");
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EOF);
	free(s);
	/* too many words */
	{
		char line[1024] = "config";

		for (int i = 0; i < TRACE_MAX_TOKENS; i++)
			strcat(line, " seed=1");
		ck_native_error(line, "t:1:449: too many words on one line (at most 64)");
	}
}
END_TEST

/* The reader streams from a FILE through its fixed buffer. */
START_TEST(test_native_file)
{
	FILE *fp = tmpfile();
	unsigned n = 0;

	ck_assert_ptr_nonnull(fp);
	for (unsigned i = 0; i < 100000; i++)
		fprintf(fp, "o%u = kmalloc %u   # object %u\n", i, i % 8192, i);
	rewind(fp);
	teardown();
	ck_assert_int_eq(trace_open_file(&rd, fp, "f", TRACE_FMT_AUTO), 0);
	rd_open = true;
	while (trace_next(&rd, &ev) == TRACE_EVENT) {
		char name[16];

		snprintf(name, sizeof(name), "o%u", n);
		ck_assert_str_eq(ev.result.s, name);
		ck_assert_uint_eq(ev.size, n % 8192);
		ck_assert_uint_eq(ev.line, n + 1);
		n++;
	}
	ck_assert_uint_eq(n, 100000);
	ck_assert_uint_eq(rd.stats.errors, 0);
	fclose(fp);
}
END_TEST

/* ------------------------------------------------------------------ ftrace */

/* real lines of ../shared/oracle/default-smp2/kmem.trace (Linux 6.1, raw pointers) */
static const char real_kmalloc[] =
	"            init-1       [000] .....     6.841203: kmalloc: call_site=__get_vm_area_node+0x7b/0x150 "
	"ptr=ffff8d82452dfe00 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1 accounted=false";

START_TEST(test_ftrace_61)
{
	const struct trace_event *e = ftrace(real_kmalloc);

	ck_assert_int_eq(e->kind, TEV_FT_KMALLOC);
	ck_assert_str_eq(e->op, "kmalloc");
	ck_assert_str_eq(e->ft.comm, "init");
	ck_assert_int_eq(e->ft.pid, 1);
	ck_assert_uint_eq(e->cpu, 0);
	ck_assert_str_eq(e->ft.flags, ".....");
	ck_assert_uint_eq(e->ft.ts_ns, 6841203000ull);
	ck_assert_str_eq(e->ft.call_site, "__get_vm_area_node+0x7b/0x150");
	ck_assert_uint_eq(e->ft.ptr, 0xffff8d82452dfe00ull);
	ck_assert_uint_eq(e->ft.bytes_req, 64);
	ck_assert_uint_eq(e->ft.bytes_alloc, 64);
	ck_assert_uint_eq(e->ft.gfp, GFP_KERNEL | __GFP_ZERO);
	ck_assert(!e->ft.gfp_unknown);
	ck_assert_int_eq(e->ft.node, -1);
	ck_assert_int_eq(e->ft.accounted, 0);
	ck_assert_ptr_null(e->ft.name);
	ck_assert_uint_eq(e->ft.fields, FTF_CALL_SITE | FTF_PTR | FTF_BYTES_REQ | FTF_BYTES_ALLOC | FTF_GFP |
					FTF_NODE | FTF_ACCOUNTED | FTF_FLAGS);

	e = ftrace("            init-1       [000] .....     6.841085: kmem_cache_alloc: call_site=copy_process"
		   "+0x20e/0x1ae0 ptr=ffff8d824183e100 bytes_req=6208 bytes_alloc=6208 gfp_flags=GFP_KERNEL node=-1 "
		   "accounted=true");
	ck_assert_int_eq(e->kind, TEV_FT_CACHE_ALLOC);
	ck_assert_int_eq(e->ft.accounted, 1);
	ck_assert_uint_eq(e->ft.bytes_req, 6208);

	e = ftrace("          <idle>-0       [001] ..s1.     6.841850: kmem_cache_free: call_site=rcu_do_batch"
		   "+0x19a/0x540 ptr=ffff8d82741fc900 name=maple_node");
	ck_assert_int_eq(e->kind, TEV_FT_CACHE_FREE);
	ck_assert_str_eq(e->ft.comm, "<idle>");
	ck_assert_int_eq(e->ft.pid, 0);
	ck_assert_uint_eq(e->cpu, 1);
	ck_assert_str_eq(e->ft.flags, "..s1.");
	ck_assert_str_eq(e->ft.name, "maple_node");

	e = ftrace("            init-1       [000] .....     6.849379: kfree: call_site=tomoyo_check_open_permission"
		   "+0x107/0x190 ptr=0000000000000000");
	ck_assert_int_eq(e->kind, TEV_FT_KFREE);
	ck_assert_uint_eq(e->ft.ptr, 0);
	ck_assert(e->ft.fields & FTF_PTR);

	e = ftrace("            init-1       [000] .....     6.841950: mm_page_alloc: page=fffff5c98014ce00 pfn=0x5338 "
		   "order=1 migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO");
	ck_assert_int_eq(e->kind, TEV_FT_PAGE_ALLOC);
	ck_assert_uint_eq(e->ft.page, 0xfffff5c98014ce00ull);
	ck_assert_uint_eq(e->ft.pfn, 0x5338);
	ck_assert_uint_eq(e->ft.order, 1);
	ck_assert_int_eq(e->ft.migratetype, 0);
	ck_assert_uint_eq(e->ft.gfp, GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	e = ftrace("     kworker/1:1-29      [001] .....     6.842298: mm_page_free: page=fffff5c98014c640 pfn=0x5319 "
		   "order=0");
	ck_assert_int_eq(e->kind, TEV_FT_PAGE_FREE);
	ck_assert_str_eq(e->ft.comm, "kworker/1:1");
	ck_assert_int_eq(e->ft.pid, 29);

	e = ftrace("           mkdir-373     [001] ...2.     6.845913: mm_page_free_batched: page=fffff5c98014dd40 "
		   "pfn=0x5375 order=0");
	ck_assert_int_eq(e->kind, TEV_FT_PAGE_FREE_BATCHED);
	ck_assert_uint_eq(e->ft.pfn, 0x5375);
}
END_TEST

/* <= 5.19: *_node events, no accounted; 6.0: accounted, still *_node; hashed pointers */
START_TEST(test_ftrace_old)
{
	const struct trace_event *e =
		ftrace("          <idle>-0       [003] ..s1.  1234.567890: kmalloc_node: call_site=__alloc_skb+0x8a/0x220 "
		       "ptr=000000004b6a19f3 bytes_req=512 bytes_alloc=512 gfp_flags=GFP_ATOMIC|__GFP_NOWARN node=-1");

	ck_assert_int_eq(e->kind, TEV_FT_KMALLOC_NODE);
	ck_assert_uint_eq(e->ft.ptr, 0x4b6a19f3);
	ck_assert_int_eq(e->ft.node, -1);
	ck_assert_int_eq(e->ft.accounted, -1);
	ck_assert(!(e->ft.fields & FTF_ACCOUNTED));
	ck_assert_uint_eq(e->ft.ts_ns, 1234567890000ull);

	e = ftrace("            sshd-712     [000] d..1.  1234.567891: kmem_cache_alloc_node: call_site=__alloc_skb"
		   "+0x4e/0x220 ptr=00000000c7d3f5a1 bytes_req=232 bytes_alloc=256 gfp_flags=GFP_ATOMIC|__GFP_NOWARN "
		   "node=0");
	ck_assert_int_eq(e->kind, TEV_FT_CACHE_ALLOC_NODE);
	ck_assert_int_eq(e->ft.node, 0);
	ck_assert_uint_eq(e->ft.bytes_alloc, 256);

	e = ftrace("            bash-1234    [001] ....   123.456789: kmalloc: call_site=load_elf_binary+0x1f0/0x1560 "
		   "ptr=000000003a1c8f2e bytes_req=28 bytes_alloc=32 gfp_flags=GFP_KERNEL");
	ck_assert_int_eq(e->kind, TEV_FT_KMALLOC);
	ck_assert(!(e->ft.fields & FTF_NODE));
	ck_assert_int_eq(e->ft.node, -1);
	ck_assert_str_eq(e->ft.flags, "....");

	/* 6.0 */
	e = ftrace("            bash-1234    [001] .....   123.456789: kmalloc_node: call_site=alloc_pipe_info+0x5c/0x1f0 "
		   "ptr=00000000e3b0c442 bytes_req=640 bytes_alloc=1024 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO node=1 "
		   "accounted=true");
	ck_assert_int_eq(e->kind, TEV_FT_KMALLOC_NODE);
	ck_assert_int_eq(e->ft.node, 1);
	ck_assert_int_eq(e->ft.accounted, 1);
}
END_TEST

/* 6.19: kmem_cache_alloc names its cache right after ptr= */
START_TEST(test_ftrace_619)
{
	const struct trace_event *e =
		ftrace("         systemd-1       [002] .....    42.000001: kmem_cache_alloc: call_site=alloc_inode+0x5d/0xb0 "
		       "ptr=ffff9a1c4d2e3c00 name=ext4_inode_cache bytes_req=1176 bytes_alloc=1200 "
		       "gfp_flags=GFP_KERNEL|__GFP_RECLAIMABLE node=-1 accounted=true");

	ck_assert_int_eq(e->kind, TEV_FT_CACHE_ALLOC);
	ck_assert_str_eq(e->ft.name, "ext4_inode_cache");
	ck_assert_uint_eq(e->ft.bytes_req, 1176);
	ck_assert_uint_eq(e->ft.bytes_alloc, 1200);
	ck_assert_uint_eq(e->ft.gfp, GFP_KERNEL | __GFP_RECLAIMABLE);
	ck_assert(e->ft.fields & FTF_NAME);
}
END_TEST

/* trace-cmd report: no latency flags, 0x pointers, the event name padded to 20 */
START_TEST(test_ftrace_trace_cmd)
{
	static const char t[] = "cpus=2\n"
		"            bash-1234  [001]   123.456789: kmalloc:              call_site=load_elf_binary+0x1f0 "
		"ptr=0xffff888003a1c8f0 bytes_req=28 bytes_alloc=32 gfp_flags=GFP_KERNEL node=-1 accounted=false\n"
		"     kworker/0:1-17    [000]   123.456790: kfree:                call_site=xfs_buf_free+0x3c/0x2a0 [xfs] "
		"ptr=0xffff888003a1c8f0\n"
		"CPU 1 is empty\n"
		"            bash-1234  [001]   123.456795: sched_switch:         prev_comm=bash prev_pid=1234\n"
		"            bash-1234  [001]   123.456799: kfree:                call_site=0xffffffffc0a01234 "
		"ptr=(nil)\n";

	open_str(t, strlen(t), TRACE_FMT_AUTO);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_int_eq(rd.format, TRACE_FMT_FTRACE);
	ck_assert_int_eq(ev.kind, TEV_FT_KMALLOC);
	ck_assert_uint_eq(ev.ft.ptr, 0xffff888003a1c8f0ull);
	ck_assert_str_eq(ev.ft.flags, "");
	ck_assert(!(ev.ft.fields & FTF_FLAGS));
	ck_assert_str_eq(ev.ft.call_site, "load_elf_binary+0x1f0");
	ck_assert_uint_eq(ev.line, 2);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_int_eq(ev.kind, TEV_FT_KFREE);
	ck_assert_str_eq(ev.ft.call_site, "xfs_buf_free+0x3c/0x2a0 [xfs]");
	ck_assert_str_eq(ev.ft.comm, "kworker/0:1");
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_str_eq(ev.ft.call_site, "0xffffffffc0a01234");
	ck_assert_uint_eq(ev.ft.ptr, 0);
	ck_assert_uint_eq(ev.line, 6);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EOF);
	ck_assert_uint_eq(rd.stats.ignored, 2);
	ck_assert_uint_eq(rd.stats.other_events, 1);
}
END_TEST

/* comm names with blanks, dashes and brackets; the tgid column; ns timestamps */
START_TEST(test_ftrace_layout)
{
	const struct trace_event *e =
		ftrace("   my prog-x-1234    [001] .....     1.000001: kfree: call_site=f+0x1/0x2 ptr=ffff888000001000");

	ck_assert_str_eq(e->ft.comm, "my prog-x");
	ck_assert_int_eq(e->ft.pid, 1234);
	e = ftrace("[kworker] 9-77 [000] ..... 1.5: kfree: call_site=f ptr=1");
	ck_assert_str_eq(e->ft.comm, "[kworker] 9");
	ck_assert_int_eq(e->ft.pid, 77);
	ck_assert_uint_eq(e->ft.ts_ns, 1500000000ull);
	e = ftrace("            bash-1234    (   1234) [001] .....   123.456789: kfree: call_site=f ptr=2");
	ck_assert_str_eq(e->ft.comm, "bash");
	ck_assert_uint_eq(e->cpu, 1);
	e = ftrace("bash-1 [12] 12.123456789: kfree: call_site=f ptr=3");
	ck_assert_uint_eq(e->ft.ts_ns, 12123456789ull);
	ck_assert_uint_eq(e->cpu, 12);
	e = ftrace("  <...>-5 [000] .... 7: kfree: call_site=f ptr=4 extra=ignored");
	ck_assert_str_eq(e->ft.comm, "<...>");
	ck_assert_uint_eq(e->ft.ts_ns, 7000000000ull);
	/* flags we do not know the names of (other kernels) */
	e = ftrace("a-1 [000] 1.0: kmalloc: call_site=f ptr=5 bytes_req=8 bytes_alloc=8 "
		   "gfp_flags=GFP_KERNEL|__GFP_SKIP_KASAN node=-1 accounted=false");
	ck_assert_uint_eq(e->ft.gfp, GFP_KERNEL);
	ck_assert(e->ft.gfp_unknown);
	e = ftrace("a-1 [000] 1.0: kmalloc: call_site=f ptr=5 bytes_req=8 bytes_alloc=8 gfp_flags=none node=-1");
	ck_assert_uint_eq(e->ft.gfp, 0);
	ck_assert(!e->ft.gfp_unknown);
}
END_TEST

START_TEST(test_ftrace_other_lines)
{
	static const char t[] = "# tracer: nop\n#\n"
		"CPU:1 [LOST 42 EVENTS]\n"
		"##### CPU 2 buffer started ####\n"
		"            bash-1234    [001] .....   123.456789: sched_switch: prev_comm=bash prev_pid=1234\n"
		"\n"
		"            bash-1234    [001] .....   123.456789: kfree: call_site=f ptr=ffff888000001000\n";

	open_str(t, strlen(t), TRACE_FMT_AUTO);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_uint_eq(ev.line, 7);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EOF);
	ck_assert_uint_eq(rd.stats.lost_events, 42);
	ck_assert_uint_eq(rd.stats.other_events, 1);
	ck_assert_uint_eq(rd.stats.ignored, 4);
	ck_assert_uint_eq(rd.stats.errors, 0);
}
END_TEST

START_TEST(test_ftrace_errors)
{
	static const struct error_case cases[] = {
		{ "hello world", "t:1:1: not an ftrace event line (no \"comm-pid [cpu]\")" },
		{ "bash-1 [000] ..... x: kfree: ptr=0", "t:1:20: expected a timestamp" },
		{ "bash-1 [000] 1.0 kfree ptr=0", "t:1:18: expected a timestamp" },
		{ "bash-1 [000] 1.0: kfree ptr=0", "t:1:19: expected 'EVENT:' after the timestamp" },
		{ "bash-1 [99999] 1.0: kfree: ptr=0", "t:1:9: CPU number out of range" },
		{ "bash-1 [000] 1.0: kfree: call_site=f", "t:1:19: kfree: missing ptr=" },
		{ "bash-1 [000] 1.0: kfree: ptr=0", "t:1:19: kfree: missing call_site=" },
		{ "bash-1 [000] 1.0: kfree: call_site=f ptr=xyz", "t:1:42: bad ptr value 'xyz'" },
		{ "bash-1 [000] 1.0: kfree: call_site=f ptr=12345678123456789", "t:1:42: bad ptr value "
		  "'12345678123456789'" },
		{ "bash-1 [000] 1.0: kfree: call_site= ptr=0", "t:1:36: bad call_site value ''" },
		{ "bash-1 [000] 1.0: kfree: call_site=f ptr", "t:1:38: expected KEY=VALUE in the fields of kfree" },
		{ "bash-1 [000] 1.0: kmalloc: call_site=f ptr=1 bytes_req=8 gfp_flags=GFP_KERNEL",
		  "t:1:19: kmalloc: missing bytes_alloc=" },
		{ "bash-1 [000] 1.0: kmalloc: call_site=f ptr=1 bytes_req=-8 bytes_alloc=8 gfp_flags=GFP_KERNEL",
		  "t:1:56: bad bytes_req value '-8'" },
		{ "bash-1 [000] 1.0: kmalloc: call_site=f ptr=1 bytes_req=99999999999999999999 bytes_alloc=8 "
		  "gfp_flags=GFP_KERNEL", "t:1:56: bad bytes_req value '99999999999999999999'" },
		{ "bash-1 [000] 1.0: kmalloc: call_site=f ptr=1 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL| "
		  "node=0", "t:1:82: bad gfp_flags value 'GFP_KERNEL|'" },
		{ "bash-1 [000] 1.0: kmalloc: call_site=f ptr=1 bytes_req=8 bytes_alloc=8 gfp_flags=lower "
		  "node=0", "t:1:82: bad gfp_flags value 'lower'" },
		{ "bash-1 [000] 1.0: kmalloc_node: call_site=f ptr=1 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL "
		  "node=x", "t:1:103: bad node value 'x'" },
		{ "bash-1 [000] 1.0: kmalloc_node: call_site=f ptr=1 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL",
		  "t:1:19: kmalloc_node: missing node=" },
		{ "bash-1 [000] 1.0: kmalloc: call_site=f ptr=1 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL "
		  "accounted=maybe", "t:1:103: bad accounted value 'maybe'" },
		{ "bash-1 [000] 1.0: mm_page_alloc: page=0 pfn=0x1 order=-1 migratetype=0 gfp_flags=none",
		  "t:1:55: bad order value '-1'" },
		{ "bash-1 [000] 1.0: mm_page_free: page=0 pfn=zz order=0", "t:1:44: bad pfn value 'zz'" },
		{ "bash-1 [000] 1.0: mm_page_free_batched: page=0", "t:1:19: mm_page_free_batched: missing pfn=" },
		{ "bash-1 [000] 1.0: mm_page_alloc: page=0 pfn=0x1 order=0 migratetype=0 gfp_flags=",
		  "t:1:81: bad gfp_flags value ''" },
		{ "bash-1 [000] 1.0: mm_page_alloc: page=0 pfn=0x1 order=0 migratetype=0 gfp_flags=0x100000000",
		  "t:1:81: bad gfp_flags value '0x100000000'" },
		{ "bash-1 [123456] 1.0: kfree: call_site=f ptr=0", "t:1:9: CPU number out of range" },
		{ "bash-1 [000] 1.0: kfree: call_site=f ptr=\xff", "t:1:42: bad ptr value '\xff'" },
	};

	check_errors(cases, sizeof(cases) / sizeof(cases[0]), TRACE_FMT_FTRACE);
	{
		static const char nul[] = "bash-1 [000] 1.0: kfree: call_site=f\0 ptr=0\n";

		ck_assert_str_eq(first_error(nul, sizeof(nul) - 1, TRACE_FMT_FTRACE), "t:1:37: NUL byte in line");
	}
}
END_TEST

/* ------------------------------------------------------------------ detection */

START_TEST(test_detect)
{
	static const struct {
		const char *in;
		enum trace_format want;
	} cases[] = {
		{ "# tracer: nop\n#\n", TRACE_FMT_FTRACE },
		{ "cpus=2\n", TRACE_FMT_FTRACE },
		{ "\n\n# just a comment\n   bash-1 [000] ..... 1.0: kfree: call_site=f ptr=0\n", TRACE_FMT_FTRACE },
		{ "bash-1 [000] 1.0: kfree: call_site=f ptr=0", TRACE_FMT_FTRACE },
		{ "a = kmalloc 8\n", TRACE_FMT_NATIVE },
		{ "# a native trace\nconfig cpus=2\n", TRACE_FMT_NATIVE },
		{ "# only comments\n\n", TRACE_FMT_NATIVE },
		{ "", TRACE_FMT_NATIVE },
		{ "label \"x-1 [000]\"\n", TRACE_FMT_NATIVE },
		{ "x-1 [a] 1.0: kfree:\n", TRACE_FMT_NATIVE },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(trace_detect(cases[i].in, strlen(cases[i].in)) == cases[i].want, "case %zu", i);
	ck_assert_int_eq(trace_parse_format("auto"), TRACE_FMT_AUTO);
	ck_assert_int_eq(trace_parse_format("native"), TRACE_FMT_NATIVE);
	ck_assert_int_eq(trace_parse_format("ftrace"), TRACE_FMT_FTRACE);
	ck_assert_int_eq(trace_parse_format("json"), -1);
	/* forcing a format overrides detection */
	open_str(real_kmalloc, strlen(real_kmalloc), TRACE_FMT_NATIVE);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_ERROR);
	ck_assert_str_eq(rd.err.text, "t:1:13: unknown operation 'init-1'");
}
END_TEST

/* a long header before the first event: detection reads on */
START_TEST(test_detect_long_header)
{
	size_t n = 300000;
	char *s = malloc(n + sizeof(real_kmalloc) + 1);

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < n; i += 10)
		memcpy(s + i, "#########\n", 10);
	memcpy(s + n, real_kmalloc, sizeof(real_kmalloc));
	open_str(s, strlen(s), TRACE_FMT_AUTO);
	ck_assert_int_eq(trace_next(&rd, &ev), TRACE_EVENT);
	ck_assert_int_eq(rd.format, TRACE_FMT_FTRACE);
	ck_assert_uint_eq(ev.line, n / 10 + 1);
	free(s);
}
END_TEST

/* ------------------------------------------------------------------ parsing thread */

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The same name, written at the same place (the parsing thread adds the hash only) */
static bool same_name(const struct trace_name *a, const struct trace_name *b)
{
	return same_str(a->s, b->s) && a->len == b->len && a->col == b->col && a->is_null == b->is_null;
}

/* Two native events are the same in every field (their strings may live in different buffers). */
static void assert_same_native(const struct trace_event *a, const struct trace_event *b)
{
	ck_assert_int_eq(a->kind, b->kind);
	ck_assert(same_str(a->op, b->op));
	ck_assert_uint_eq(a->line, b->line);
	ck_assert_uint_eq(a->col, b->col);
	ck_assert_uint_eq(a->cpu, b->cpu);
	ck_assert_int_eq(a->cpu_given, b->cpu_given);
	ck_assert(same_name(&a->result, &b->result));
	ck_assert(same_name(&a->obj, &b->obj));
	ck_assert(same_name(&a->cache, &b->cache));
	ck_assert(same_name(&a->other, &b->other));
	ck_assert_uint_eq(a->size, b->size);
	ck_assert_uint_eq(a->gfp, b->gfp);
	ck_assert_int_eq(a->gfp_given, b->gfp_given);
	ck_assert_uint_eq(a->align, b->align);
	ck_assert_int_eq(a->wrapper, b->wrapper);
	ck_assert_uint_eq(a->slab_flags, b->slab_flags);
	ck_assert_int_eq(a->ctor, b->ctor);
	ck_assert_uint_eq(a->useroffset, b->useroffset);
	ck_assert_uint_eq(a->usersize, b->usersize);
	ck_assert_uint_eq(a->offset, b->offset);
	ck_assert_uint_eq(a->len, b->len);
	ck_assert_uint_eq(a->byte, b->byte);
	ck_assert_int_eq(a->byte_given, b->byte_given);
	ck_assert(same_str(a->text, b->text));
	ck_assert_uint_eq(a->text_col, b->text_col);
	ck_assert_int_eq(a->cfg_key, b->cfg_key);
	ck_assert_uint_eq(a->nr_keys, b->nr_keys);
	for (unsigned i = 0; i < b->nr_keys; i++) {
		ck_assert_int_eq(a->keys[i].key, b->keys[i].key);
		ck_assert(same_str(a->keys[i].text, b->keys[i].text));
		ck_assert_uint_eq(a->keys[i].num, b->keys[i].num);
		ck_assert_uint_eq(a->keys[i].col, b->keys[i].col);
	}
}

/*
 * One grammar: quick_line(), the short cut for kmalloc, kzalloc and kfree
 * lines, gives what the full parser gives for every spelling of every
 * operation it claims, and leaves the rest to it. Each line is read twice,
 * by a reader that may take the short cut and by one that may not
 * (full_parse): the same event, or the same error, line by line.
 */
START_TEST(test_native_quick_equals_full)
{
	char max_cpu[16], past_max_cpu[16];	/* the limit, both sides */
	const char *const cpus[] = { "", "@0 ", "@1  ", "@15 ", max_cpu, past_max_cpu, "@99999 ", "@ ", "@1\t",
				     "@x " };
	static const char *const results[] = { "", "a = ", "a_1 =  ", "_x\t= ", "A=", "a =", "NULL = ", "9a = ",
					       "a.b = ", "\"a\" = ", "kmalloc = " };
	static const char *const ops[] = { "kmalloc", "kzalloc", "kfree", "krealloc", "ksize", "kmem_cache_alloc",
					   "Kmalloc", "kmalloc_", "kfre", "rust_free" };
	static const char *const args[] = { "96", "0", "007", "4096", "18446744073709551615", "18446744073709551616",
					    "99999999999999999999", "0x60", "1K", "-1", "a", "a_2", "NULL", "null",
					    "\"a\"", "9", "a b", "", "m 64" };
	static const char *const seps[] = { " ", "  ", "\t", " \t " };
	static const char *const tails[] = { "", " ", "  ", "\t", " GFP_KERNEL", " GFP_ATOMIC|__GFP_ZERO",
					     " __GFP_ZERO", " # comment", "#comment", " align=8", " 0x400", "\r" };
	size_t cap = 1 << 24, len = 0;
	char *text = malloc(cap);
	struct trace_reader quick, full;
	struct trace_event qev, fev;
	unsigned lines = 0, taken = 0, events = 0, errors = 0;
	int r, fr;

	ck_assert_ptr_nonnull(text);
	snprintf(max_cpu, sizeof(max_cpu), "@%u ", TRACE_MAX_CPU);
	snprintf(past_max_cpu, sizeof(past_max_cpu), "@%u ", TRACE_MAX_CPU + 1);
	for (size_t c = 0; c < ARRAY_LEN(cpus); c++)
		for (size_t n = 0; n < ARRAY_LEN(results); n++)
			for (size_t o = 0; o < ARRAY_LEN(ops); o++)
				for (size_t a = 0; a < ARRAY_LEN(args); a++)
					for (size_t t = 0; t < ARRAY_LEN(tails); t++) {
						const char *sep = seps[(c + n + o + a + t) % ARRAY_LEN(seps)];

						len += (size_t)snprintf(text + len, cap - len, "%s%s%s%s%s%s\n", cpus[c],
									results[n], ops[o], sep, args[a], tails[t]);
						lines++;
						ck_assert_uint_lt(len, cap);
					}
	ck_assert_int_eq(trace_open_mem(&quick, text, len, "t", TRACE_FMT_NATIVE), 0);
	ck_assert_int_eq(trace_open_mem(&full, text, len, "t", TRACE_FMT_NATIVE), 0);
	full.full_parse = true;
	do {
		r = trace_next(&quick, &qev);
		fr = trace_next(&full, &fev);
		ck_assert_int_eq(r, fr);
		ck_assert(!full.cur_quick);
		if (r == TRACE_EVENT) {
			events++;
			taken += quick.cur_quick;
			assert_same_native(&qev, &fev);
		} else if (r == TRACE_ERROR) {
			errors++;
			ck_assert_str_eq(quick.err.text, full.err.text);
		}
	} while (r != TRACE_EOF && r != TRACE_IOERR);
	ck_assert_int_eq(r, TRACE_EOF);
	ck_assert_uint_eq(quick.stats.lines, lines);
	/* both paths ran, many times, and the full parser refused many lines */
	ck_assert_uint_gt(taken, 400);
	ck_assert_uint_gt(events - taken, 1000);
	ck_assert_uint_gt(errors, 1000);
	trace_close(&quick);
	trace_close(&full);
	free(text);
}
END_TEST

/* Every item of @text through the parsing thread equals what trace_next() gives directly. */
static void pipe_matches(const char *text, size_t len, unsigned *events, unsigned *errors)
{
	struct trace_reader direct, piped;
	struct trace_event dev;
	const struct trace_event *pev;
	struct trace_pipe *tp;
	const struct trace_error *err;
	int r, pr;

	*events = *errors = 0;
	ck_assert_int_eq(trace_open_mem(&direct, text, len, "t", TRACE_FMT_AUTO), 0);
	ck_assert_int_eq(trace_open_mem(&piped, text, len, "t", TRACE_FMT_AUTO), 0);
	ck_assert_int_eq(trace_pipe_open(&tp, &piped, name_table_hash), 0);
	do {
		r = trace_next(&direct, &dev);
		pr = trace_pipe_next(tp, &pev, &err);
		ck_assert_int_eq(pr, r);
		if (r == TRACE_EVENT) {
			(*events)++;
			ck_assert_int_eq(pev->kind, dev.kind);
			ck_assert_uint_eq(pev->line, dev.line);
			ck_assert_uint_eq(pev->cpu, dev.cpu);
			ck_assert(same_str(pev->op, dev.op));
			if (dev.kind >= TEV_FT_KMALLOC) {
				ck_assert_uint_eq(pev->ft.ptr, dev.ft.ptr);
				ck_assert_uint_eq(pev->ft.bytes_alloc, dev.ft.bytes_alloc);
				ck_assert(same_str(pev->ft.comm, dev.ft.comm));
				ck_assert(same_str(pev->ft.call_site, dev.ft.call_site));
				ck_assert(same_str(pev->ft.name, dev.ft.name));
			} else {
				/* every field, packed kmalloc/kfree lines included */
				assert_same_native(pev, &dev);
				/* names come hashed as the replayer's table hashes them */
				ck_assert(!pev->result.s || (pev->result.hashed &&
							     pev->result.hash == name_table_hash(dev.result.s, dev.result.len)));
				ck_assert(!pev->obj.s || (pev->obj.hashed &&
							  pev->obj.hash == name_table_hash(dev.obj.s, dev.obj.len)));
			}
		} else if (r != TRACE_EOF) {
			(*errors)++;
			/* the whole error crosses, not only its text: file:line apart for the replayer */
			ck_assert_str_eq(err->text, direct.err.text);
			ck_assert_str_eq(err->msg, direct.err.msg);
			ck_assert_uint_eq(err->line, direct.err.line);
			ck_assert_uint_eq(err->col, direct.err.col);
		}
	} while (r != TRACE_EOF && r != TRACE_IOERR);
	/* the end stays the end */
	ck_assert_int_eq(trace_pipe_next(tp, &pev, &err), r);
	trace_pipe_close(tp);
	ck_assert_uint_eq(piped.stats.lines, direct.stats.lines);
	ck_assert_uint_eq(piped.stats.errors, direct.stats.errors);
	trace_close(&direct);
	trace_close(&piped);
}

START_TEST(test_pipe_native)
{
	size_t cap = 4u << 20, len = 0;
	char *text = malloc(cap), *label = malloc(60001);
	unsigned events, errors;

	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(label);
	memset(label, 'x', 60000);
	label[60000] = '\0';
	len += (size_t)sprintf(text + len, "config cpus=2 cmdline=\"slub_debug=FZ\"\n");
	for (int i = 0; i < 3000; i++) {
		len += (size_t)sprintf(text + len, "@%d o%d = kmalloc %d\n", i & 1, i, 8 + i % 500);
		if (i % 7 == 0)
			len += (size_t)sprintf(text + len, "expect o%d cache=kmalloc-%d ksize=8 align>=8\n", i, 8);
		if (i % 101 == 0)	/* strings too long to share a batch: each opens a new one */
			len += (size_t)sprintf(text + len, "label \"%s\"\n", label);
		if (i % 13 == 0)
			len += (size_t)sprintf(text + len, "kfree\n");	/* an error */
		if (i > 10)
			len += (size_t)sprintf(text + len, "kfree o%d\n", i - 10);
		/* lines packed on their way (kzalloc, no result, a tab, "cpu N") and lines that are not */
		if (i % 5 == 1)
			len += (size_t)sprintf(text + len, "kzalloc %d\ncpu %d\n", i, (i / 5) & 1);
		if (i % 9 == 2)
			len += (size_t)sprintf(text + len, "t%d\t=  kmalloc\t%d\nkfree   t%d\n", i, i, i);
		if (i % 17 == 3)
			len += (size_t)sprintf(text + len, "g%d = kmalloc 64 GFP_ATOMIC\nkfree NULL\n", i);
	}
	pipe_matches(text, len, &events, &errors);
	ck_assert_uint_gt(events, 5000);
	ck_assert_uint_eq(errors, 3000 / 13 + 1);
	free(label);
	free(text);
}
END_TEST

START_TEST(test_pipe_ftrace)
{
	size_t cap = 1u << 20, len = 0;
	char *text = malloc(cap);
	unsigned events, errors;

	ck_assert_ptr_nonnull(text);
	len += (size_t)sprintf(text + len, "# tracer: nop\n#\n");
	for (int i = 0; i < 2000; i++)
		len += (size_t)sprintf(text + len,
				       "  bash-%d  [%03d] .....  %d.%06d: kmalloc: call_site=f+0x%x/0x90 ptr=%016llx "
				       "bytes_req=%d bytes_alloc=%d gfp_flags=GFP_KERNEL node=-1 accounted=false\n",
				       100 + i, i & 1, i, i, i, 0xffff888100000000ull + (unsigned long long)i * 64,
				       i % 100 + 1, 128);
	len += (size_t)sprintf(text + len, "  bash-1  [000] .....  9.0: kmalloc: ptr=zz\n");
	pipe_matches(text, len, &events, &errors);
	ck_assert_uint_eq(events, 2000);
	ck_assert_uint_eq(errors, 1);
	free(text);
}
END_TEST

/* The consumer leaves early, while the thread waits for room: close stops it. */
START_TEST(test_pipe_early_close)
{
	size_t cap = 1u << 20, len = 0;
	char *text = malloc(cap);
	struct trace_reader r;
	struct trace_pipe *tp;
	const struct trace_event *e;
	const struct trace_error *err;

	ck_assert_ptr_nonnull(text);
	for (int i = 0; i < 20000; i++)
		len += (size_t)sprintf(text + len, "o%d = kmalloc 64\n", i);
	ck_assert_int_eq(trace_open_mem(&r, text, len, "t", TRACE_FMT_NATIVE), 0);
	ck_assert_int_eq(trace_pipe_open(&tp, &r, NULL), 0);
	ck_assert_int_eq(trace_pipe_next(tp, &e, &err), TRACE_EVENT);
	ck_assert_str_eq(e->result.s, "o0");
	ck_assert(!e->result.hashed);	/* no consumer hash given */
	ck_assert_int_eq(trace_pipe_next(tp, &e, &err), TRACE_EVENT);
	ck_assert_str_eq(e->result.s, "o1");
	trace_pipe_close(tp);
	ck_assert_uint_lt(r.stats.lines, 20000);
	trace_close(&r);
	free(text);
}
END_TEST

/* ------------------------------------------------------------------ the deferred look-ahead */

static unsigned aheads;

static int count_ahead(void *ctx, struct learn *ln)
{
	(void)ctx;
	aheads++;
	return learn_freeze(ln);
}

/*
 * The look-ahead over a file (a whole pass of the parser) runs when the
 * replay first needs a cache name, at the first kmem_cache_alloc without
 * name=, and once: a trace of kmalloc and kfree never pays for it.
 */
START_TEST(test_learn_ahead_deferred)
{
	static const char text[] =
		"            init-1       [000] .....     6.841203: kmalloc: call_site=f+0x7b/0x150 "
		"ptr=ffff8d8241b2e0c0 bytes_req=56 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false\n"
		"            init-1       [000] .....     6.841204: kfree: call_site=f+0x7b/0x150 ptr=ffff8d8241b2e0c0\n"
		"            init-1       [000] .....     6.841205: kmem_cache_alloc: call_site=g+0x9d/0x880 "
		"ptr=ffff8d8243200580 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false\n"
		"            init-1       [000] .....     6.841206: kmem_cache_alloc: call_site=g+0x9d/0x880 "
		"ptr=ffff8d8243200600 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false\n";
	struct learn ln;
	struct replay_opts opts = { .quiet_faults = true, .learn = &ln, .learn_ahead = count_ahead };
	struct sim_config cfg;
	struct replay rp;
	struct trace_reader r;
	struct trace_event e;
	unsigned after[4], n = 0;

	learn_init(&ln);
	config_init(&cfg);
	ck_assert_int_eq(replay_init(&rp, &cfg, &opts), 0);
	ck_assert_int_eq(trace_open_mem(&r, text, sizeof(text) - 1, "t", TRACE_FMT_FTRACE), 0);
	aheads = 0;
	while (trace_next(&r, &e) == TRACE_EVENT && n < 4) {
		ck_assert_int_eq(replay_event(&rp, &r, &e), 0);
		after[n++] = aheads;
	}
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(after[0], 0);	/* kmalloc */
	ck_assert_uint_eq(after[1], 0);	/* kfree */
	ck_assert_uint_eq(after[2], 1);	/* the first unnamed kmem_cache_alloc */
	ck_assert_uint_eq(after[3], 1);	/* and only once */
	ck_assert(ln.frozen);
	trace_close(&r);
	replay_release(&rp);
	config_release(&cfg);
	learn_release(&ln);
}
END_TEST

/* ------------------------------------------------------------------ names */

/* The tests' tables carry a uint64_t per name (the payload): the value bound with it. */
static uint64_t *val(const struct name_table *nt, const struct name_entry *e)
{
	return name_table_payload(nt, e);
}

/* name_table_bind() of @key with the value @v, which a live name keeps. */
static int bind_val(struct name_table *nt, const void *key, size_t len, uint64_t v, uint8_t tag,
		    struct name_entry **out)
{
	int r = name_table_bind(nt, key, len, tag, out);

	if (r == NT_OK)
		*val(nt, *out) = v;
	return r;
}

START_TEST(test_names_basic)
{
	struct name_table nt;
	struct name_entry *e, *a;
	size_t len;

	name_table_init_payload(&nt, sizeof(uint64_t));
	ck_assert_ptr_null(name_table_lookup(&nt, "a", 1));
	ck_assert_int_eq(bind_val(&nt, "a", 1, 100, 7, &a), NT_OK);
	ck_assert(a->live);
	ck_assert_uint_eq(a->slot, 0);
	ck_assert_int_eq(bind_val(&nt, "b", 1, 200, 7, &e), NT_OK);
	ck_assert_uint_eq(e->slot, 1);
	a = name_table_lookup(&nt, "a", 1);
	ck_assert_uint_eq(*val(&nt, a), 100);
	ck_assert_uint_eq(a->tag, 7);
	/* a live name cannot be bound again */
	ck_assert_int_eq(bind_val(&nt, "a", 1, 300, 7, &e), NT_ELIVE);
	ck_assert_uint_eq(*val(&nt, e), 100);
	/* freed: dead but remembered, then bound again in the same slot */
	name_table_unbind(&nt, e);
	e = name_table_lookup(&nt, "a", 1);
	ck_assert(!e->live);
	ck_assert_uint_eq(*val(&nt, e), 100);
	ck_assert_uint_eq(nt.live, 1);
	ck_assert_int_eq(bind_val(&nt, "a", 1, 300, 8, &e), NT_OK);
	ck_assert_uint_eq(e->slot, 0);
	ck_assert_uint_eq(*val(&nt, e), 300);
	ck_assert_mem_eq(name_table_key(&nt, e, &len), "a", 1);
	ck_assert_uint_eq(len, 1);
	/* removed: gone, and its slot is reused */
	ck_assert(name_table_remove(&nt, "a", 1));
	ck_assert(!name_table_remove(&nt, "a", 1));
	ck_assert_ptr_null(name_table_lookup(&nt, "a", 1));
	ck_assert_ptr_null(name_table_slot(&nt, 0));
	ck_assert_int_eq(bind_val(&nt, "a_much_longer_name_than_sixteen", 31, 1, 0, &e), NT_OK);
	ck_assert_uint_eq(e->slot, 0);
	ck_assert_ptr_nonnull(name_table_lookup(&nt, "a_much_longer_name_than_sixteen", 31));
	ck_assert_ptr_null(name_table_lookup(&nt, "a_much_longer_name_than_sixteeN", 31));
	ck_assert_uint_eq(name_table_slots(&nt), 2);
	ck_assert_uint_eq(nt.count, 2);
	name_table_release(&nt);
}
END_TEST

/* Trim keeps the names of the last deaths and forgets older ones, live names never. */
/* Keys of every short length, each against the keys that differ from it in one byte only. */
START_TEST(test_names_one_byte_apart)
{
	struct name_table nt;
	struct name_entry *e;
	char key[24];

	name_table_init_payload(&nt, sizeof(uint64_t));
	for (size_t len = 1; len <= 20; len++) {
		memset(key, 'k', len);
		ck_assert_int_eq(bind_val(&nt, key, len, len, 0, &e), NT_OK);
	}
	for (size_t len = 1; len <= 20; len++) {
		memset(key, 'k', len);
		ck_assert_ptr_nonnull(e = name_table_lookup(&nt, key, len));
		ck_assert_uint_eq(*val(&nt, e), len);
		for (size_t at = 0; at < len; at++) {
			key[at] = 'j';
			ck_assert_ptr_null(name_table_lookup(&nt, key, len));
			key[at] = 'k';
		}
	}
	name_table_release(&nt);
}
END_TEST

/*
 * Keys whose hashes collide (found by search): the table must tell them
 * apart by their bytes, in each of the comparison's length classes.
 */
START_TEST(test_names_hash_collisions)
{
	static const char *const pairs[][2] = {
		{ "gfowja", "xslluw" }, { "osxc3uus", "k1salxde" }, { "izyvx62he262", "qohnh3pucm3p" },
		{ "8phqzdqfd4dqfd9d", "wn2knxsdcsxsdcxx" }, { "d8joyw71c3w71c8w71cd", "8gxizmsyb4msyb9msybe" },
		{ "prefix__6n6jr", "prefix__m76ke" },	/* the same first 8 bytes */
	};
	struct name_table nt;
	struct name_entry *a, *b;

	name_table_init_payload(&nt, sizeof(uint64_t));
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		size_t len = strlen(pairs[i][0]);

		ck_assert_uint_eq(name_table_hash(pairs[i][0], len), name_table_hash(pairs[i][1], len));
		ck_assert_int_eq(bind_val(&nt, pairs[i][0], len, 2 * i, 0, &a), NT_OK);
		ck_assert_ptr_null(name_table_lookup(&nt, pairs[i][1], len));
		ck_assert_int_eq(bind_val(&nt, pairs[i][1], len, 2 * i + 1, 0, &b), NT_OK);
		ck_assert_uint_eq(*val(&nt, name_table_lookup(&nt, pairs[i][0], len)), 2 * i);
		ck_assert_uint_eq(*val(&nt, name_table_lookup(&nt, pairs[i][1], len)), 2 * i + 1);
	}
	name_table_release(&nt);
}
END_TEST

/*
 * Index cells keep only the hash bits above the index's mask (a tag): keys
 * whose hashes share them (found by search; the first and third share every
 * bit) must still be told apart by their bytes, also after a removal moves
 * a cell back along its probe run. A fresh table's index has 16 cells.
 */
START_TEST(test_names_tag_collisions)
{
	static const char *const keys[] = { "t57638", "t366590", "t576638", "t3163419" };
	const size_t n = sizeof(keys) / sizeof(keys[0]);
	struct name_table nt;
	struct name_entry *e;

	name_table_init_payload(&nt, sizeof(uint64_t));
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(name_table_hash(keys[i], strlen(keys[i])) >> 4, name_table_hash(keys[0], 6) >> 4);
		ck_assert_int_eq(bind_val(&nt, keys[i], strlen(keys[i]), i, 0, &e), NT_OK);
	}
	ck_assert_uint_eq(nt.index_mask, 15);
	for (size_t i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(e = name_table_lookup(&nt, keys[i], strlen(keys[i])));
		ck_assert_uint_eq(*val(&nt, e), i);
	}
	ck_assert(name_table_remove(&nt, keys[0], strlen(keys[0])));
	ck_assert_ptr_null(name_table_lookup(&nt, keys[0], strlen(keys[0])));
	for (size_t i = 1; i < n; i++)
		ck_assert_uint_eq(*val(&nt, name_table_lookup(&nt, keys[i], strlen(keys[i]))), i);
	/* its slot is reused under the same tag */
	ck_assert_int_eq(bind_val(&nt, keys[0], strlen(keys[0]), 9, 0, &e), NT_OK);
	ck_assert_uint_eq(*val(&nt, name_table_lookup(&nt, keys[0], strlen(keys[0]))), 9);
	ck_assert_uint_eq(*val(&nt, name_table_lookup(&nt, keys[2], strlen(keys[2]))), 2);
	name_table_release(&nt);
}
END_TEST

START_TEST(test_names_trim)
{
	enum { N = 5000, KEEP = 100 };
	struct name_table nt, copy;
	struct name_entry *e;
	char key[16];
	int len;

	name_table_init_payload(&nt, sizeof(uint64_t));
	for (int i = 0; i < N; i++) {
		len = snprintf(key, sizeof(key), "x%d", i);
		ck_assert_int_eq(bind_val(&nt, key, (size_t)len, (uint64_t)i, 0, &e), NT_OK);
		/* "keep" dies early and is bound again: live entries are never forgotten */
		if (i == 10) {
			ck_assert_int_eq(bind_val(&nt, "keep", 4, 1, 0, &e), NT_OK);
			name_table_unbind(&nt, e);
			ck_assert_int_eq(name_table_revive(&nt, e, 0), NT_OK);
			*val(&nt, e) = 2;
		}
		if (i >= 3) {
			len = snprintf(key, sizeof(key), "x%d", i - 3);
			e = name_table_lookup(&nt, key, (size_t)len);
			name_table_unbind(&nt, e);
		}
		name_table_trim(&nt, KEEP);
		ck_assert_uint_le(nt.count - nt.live, 2 * KEEP);
	}
	/* live: the last three and "keep" */
	ck_assert_uint_eq(nt.live, 4);
	ck_assert_ptr_nonnull(e = name_table_lookup(&nt, "keep", 4));
	ck_assert(e->live);
	ck_assert_uint_eq(*val(&nt, e), 2);
	/* the last KEEP deaths are remembered with their values, the first ones are not */
	for (int i = N - 4 - KEEP + 1; i <= N - 4; i++) {
		len = snprintf(key, sizeof(key), "x%d", i);
		ck_assert_ptr_nonnull(e = name_table_lookup(&nt, key, (size_t)len));
		ck_assert(!e->live);
		ck_assert_uint_eq(*val(&nt, e), (uint64_t)i);
	}
	ck_assert_ptr_null(name_table_lookup(&nt, "x0", 2));
	/* slots are recycled: memory follows KEEP plus the live names, not N */
	ck_assert_uint_lt(name_table_slots(&nt), 4 * KEEP);
	/* a copy sweeps the same way, down to the last 10 deaths */
	ck_assert_int_eq(name_table_clone(&copy, &nt), NT_OK);
	name_table_trim(&copy, 10);
	ck_assert_uint_eq(copy.count, 4 + 10);
	len = snprintf(key, sizeof(key), "x%d", N - 4 - 10);
	ck_assert_ptr_null(name_table_lookup(&copy, key, (size_t)len));
	ck_assert_ptr_nonnull(name_table_lookup(&nt, key, (size_t)len));
	len = snprintf(key, sizeof(key), "x%d", N - 4 - 9);
	ck_assert_ptr_nonnull(name_table_lookup(&copy, key, (size_t)len));
	ck_assert_ptr_nonnull(name_table_lookup(&copy, "keep", 4));
	name_table_release(&copy);
	name_table_release(&nt);
}
END_TEST

/* Pointer keys against a reference, with removals in the middle of probe runs. */
START_TEST(test_names_random)
{
	enum { N = 200000, KEYS = 5000 };
	static bool present[KEYS];
	struct name_table nt;
	uint32_t peak = 0;

	memset(present, 0, sizeof(present));
	name_table_init_payload(&nt, sizeof(uint64_t));
	srand(42);
	for (int i = 0; i < N; i++) {
		unsigned k = (unsigned)rand() % KEYS;
		uint64_t ptr = 0xffff888000000000ull + (uint64_t)k * 64;	/* slab-like addresses */
		struct name_entry *e;

		if (present[k]) {
			e = name_table_lookup(&nt, &ptr, sizeof(ptr));
			ck_assert_ptr_nonnull(e);
			ck_assert_uint_eq(*val(&nt, e), k);
			ck_assert(name_table_remove(&nt, &ptr, sizeof(ptr)));
			present[k] = false;
		} else {
			ck_assert_ptr_null(name_table_lookup(&nt, &ptr, sizeof(ptr)));
			ck_assert_int_eq(bind_val(&nt, &ptr, sizeof(ptr), k, 0, &e), NT_OK);
			present[k] = true;
		}
		if (nt.count > peak)
			peak = nt.count;
	}
	for (unsigned k = 0; k < KEYS; k++) {
		uint64_t ptr = 0xffff888000000000ull + (uint64_t)k * 64;

		ck_assert(!name_table_lookup(&nt, &ptr, sizeof(ptr)) == !present[k]);
	}
	/* memory follows the peak, not the number of operations */
	ck_assert_uint_le(name_table_slots(&nt), peak);
	ck_assert_uint_le(nt.index_mask + 1, 4 * peak);
	name_table_release(&nt);
}
END_TEST

static Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("native");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_native_alloc_ops);
	tcase_add_test(tc, test_native_free_ops);
	tcase_add_test(tc, test_native_cache_ops);
	tcase_add_test(tc, test_native_rust_ops);
	tcase_add_test(tc, test_native_write_label);
	tcase_add_test(tc, test_native_expect);
	tcase_add_test(tc, test_native_cpu);
	tcase_add_test(tc, test_native_config);
	tcase_add_test(tc, test_native_layout);
	tcase_add_test(tc, test_native_errors);
	tcase_add_test(tc, test_native_error_recovery);
	tcase_add_test(tc, test_native_bytes);
	tcase_add_test(tc, test_native_long_lines);
	tcase_add_test(tc, test_native_file);
	tcase_add_test(tc, test_learn_ahead_deferred);
	suite_add_tcase(s, tc);

	/* a quarter of a million lines twice: room for a sanitized build on a busy host */
	tc = tcase_create("grammar");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_native_quick_equals_full);
	suite_add_tcase(s, tc);

	tc = tcase_create("ftrace");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_ftrace_61);
	tcase_add_test(tc, test_ftrace_old);
	tcase_add_test(tc, test_ftrace_619);
	tcase_add_test(tc, test_ftrace_trace_cmd);
	tcase_add_test(tc, test_ftrace_layout);
	tcase_add_test(tc, test_ftrace_other_lines);
	tcase_add_test(tc, test_ftrace_errors);
	tcase_add_test(tc, test_detect);
	tcase_add_test(tc, test_detect_long_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_names_basic);
	tcase_add_test(tc, test_names_random);
	tcase_add_test(tc, test_names_tag_collisions);
	tcase_add_test(tc, test_names_trim);
	tcase_add_test(tc, test_names_one_byte_apart);
	tcase_add_test(tc, test_names_hash_collisions);
	tcase_add_test(tc, test_native_kunit_ops);
	tcase_add_test(tc, test_pipe_native);
	tcase_add_test(tc, test_pipe_ftrace);
	tcase_add_test(tc, test_pipe_early_close);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(trace_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
