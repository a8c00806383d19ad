/*
 * A Check suite written as a user of the library writes one: only
 * <slubsim/slubsim.h>, built with `pkg-config --cflags --libs slubsim`.
 * make distcheck builds it against the installed tree and runs it.
 *
 *	cc -o check_slubsim check_slubsim.c $(pkg-config --cflags --libs slubsim check)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <slubsim/slubsim.h>

static struct slubsim *model(const char *kernel, const char *cmdline)
{
	struct slubsim *m;

	ck_assert_int_eq(slubsim_new(&m), SLUBSIM_OK);
	ck_assert_msg(slubsim_set(m, "kernel", kernel) == SLUBSIM_OK, "%s", slubsim_error(m));
	if (cmdline)
		ck_assert_msg(slubsim_set(m, "cmdline", cmdline) == SLUBSIM_OK, "%s", slubsim_error(m));
	return m;
}

/* Does my driver's table of 16 descriptors fit in one slab under slub_debug on 6.12? */
START_TEST(test_descriptors_in_one_slab)
{
	struct slubsim *m = model("6.12", "slub_debug=FZPU");
	struct slubsim_object first, o;
	uint64_t per_slab, p;

	ck_assert_int_eq(slubsim_cache_attr(m, "kmalloc-192", "objs_per_slab", &per_slab), SLUBSIM_OK);
	ck_assert_uint_ge(per_slab, 16);
	ck_assert_int_eq(slubsim_kmalloc(m, 180, NULL, &p), SLUBSIM_OK);
	ck_assert_int_eq(slubsim_object(m, p, &first), SLUBSIM_OK);
	ck_assert_str_eq(first.cache, "kmalloc-192");
	for (int i = 1; i < 16; i++) {
		ck_assert_int_eq(slubsim_kmalloc(m, 180, NULL, &p), SLUBSIM_OK);
		ck_assert_int_eq(slubsim_object(m, p, &o), SLUBSIM_OK);
		ck_assert_uint_eq(o.slab, first.slab);
	}
	slubsim_free(m);
}
END_TEST

/* ksize() and kmalloc_size_roundup() agree on what kmalloc(100) really gives. */
START_TEST(test_ksize_and_roundup)
{
	struct slubsim *m = model("6.1", NULL);
	uint64_t p, ks, rounded;

	ck_assert_int_eq(slubsim_kzalloc(m, 100, "GFP_KERNEL", &p), SLUBSIM_OK);
	ck_assert_uint_ne(p, 0);
	ck_assert_int_eq(slubsim_ksize(m, p, &ks), SLUBSIM_OK);
	ck_assert_int_eq(slubsim_kmalloc_size_roundup(m, 100, &rounded), SLUBSIM_OK);
	ck_assert_uint_eq(ks, 128);
	ck_assert_uint_eq(rounded, ks);
	ck_assert_int_eq(slubsim_krealloc(m, p, 120, NULL, &p), SLUBSIM_OK);	/* fits: kept */
	ck_assert_int_eq(slubsim_ksize(m, p, &ks), SLUBSIM_OK);
	ck_assert_uint_eq(ks, 128);
	ck_assert_int_eq(slubsim_kfree(m, p), SLUBSIM_OK);
	ck_assert_uint_eq(slubsim_reports(m), 0);
	slubsim_free(m);
}
END_TEST

/* slub_debug catches a double free, and says so as the kernel would. */
START_TEST(test_double_free_reported)
{
	struct slubsim *m = model("6.12", "slub_debug=FZPU");
	uint64_t p;

	ck_assert_int_eq(slubsim_kmalloc(m, 64, NULL, &p), SLUBSIM_OK);
	ck_assert_int_eq(slubsim_kfree(m, p), SLUBSIM_OK);
	ck_assert_uint_eq(slubsim_reports(m), 0);
	ck_assert_int_eq(slubsim_kfree(m, p), SLUBSIM_OK);
	ck_assert_uint_ge(slubsim_reports(m), 1);
	ck_assert_msg(strstr(slubsim_report_text(m), "kmalloc-64") != NULL, "%s", slubsim_report_text(m));
	ck_assert_uint_ge(slubsim_reports_total(m), 1);
	slubsim_free(m);
}
END_TEST

/* What the Rust allocator of each generation asks kmalloc for, for Layout(96, 32). */
START_TEST(test_rust_wrappers)
{
	struct slubsim *m = model("6.13", NULL);
	struct slubsim_object o;
	uint64_t p, q;

	ck_assert_int_eq(slubsim_rust_alloc(m, 96, 32, "npot", &p), SLUBSIM_OK);	/* 6.5-6.10: 128 */
	ck_assert_int_eq(slubsim_object(m, p, &o), SLUBSIM_OK);
	ck_assert_str_eq(o.cache, "kmalloc-128");
	ck_assert_int_eq(slubsim_rust_free(m, p, 96, "npot"), SLUBSIM_OK);
	ck_assert_int_eq(slubsim_rust_alloc(m, 96, 32, "pad", &p), SLUBSIM_OK);	/* 6.11-6.12: 96 */
	ck_assert_int_eq(slubsim_object(m, p, &o), SLUBSIM_OK);
	ck_assert_str_eq(o.cache, "kmalloc-96");
	ck_assert_int_eq(slubsim_rust_free(m, p, 96, "pad"), SLUBSIM_OK);
	/* 6.13's own allocator: a zero-size layout is a dangling pointer, nothing allocated */
	ck_assert_int_eq(slubsim_rust_alloc(m, 0, 64, NULL, &p), SLUBSIM_OK);
	ck_assert_uint_eq(p, 64);
	ck_assert_int_eq(slubsim_object(m, p, &o), SLUBSIM_ENOENT);
	ck_assert_int_eq(slubsim_rust_realloc(m, p, 0, 200, 64, NULL, &q), SLUBSIM_OK);
	ck_assert_int_eq(slubsim_object(m, q, &o), SLUBSIM_OK);
	ck_assert_str_eq(o.cache, "kmalloc-256");
	ck_assert_int_eq(slubsim_rust_free(m, q, 200, NULL), SLUBSIM_OK);
	ck_assert_int_eq(slubsim_object(m, q, &o), SLUBSIM_OK);
	ck_assert(o.free);
	ck_assert_uint_eq(slubsim_reports_total(m), 0);
	ck_assert_int_eq(slubsim_rust_alloc(m, 96, 3, NULL, &p), SLUBSIM_EINVAL);	/* no such Layout */
	ck_assert_int_eq(slubsim_rust_alloc(m, 96, 8, "box", &p), SLUBSIM_EINVAL);
	slubsim_free(m);
}
END_TEST

/* A cache of my own: its geometry, its objects, its destruction. */
START_TEST(test_own_cache)
{
	struct slubsim *m = model("6.12", NULL);
	struct slubsim_object o;
	uint64_t size, p, objects;

	ck_assert_msg(slubsim_cache_create(m, "my_desc", 180, 0, "SLAB_HWCACHE_ALIGN") == SLUBSIM_OK, "%s",
		      slubsim_error(m));
	ck_assert_int_eq(slubsim_cache_attr(m, "my_desc", "slab_size", &size), SLUBSIM_OK);
	ck_assert_uint_eq(size, 192);	/* 180 aligned to the 64-byte cache line */
	ck_assert_int_eq(slubsim_cache_alloc(m, "my_desc", NULL, &p), SLUBSIM_OK);
	ck_assert_int_eq(slubsim_object(m, p, &o), SLUBSIM_OK);
	ck_assert_uint_eq(o.align % 64, 0);
	ck_assert_int_eq(slubsim_cache_attr(m, "my_desc", "objects", &objects), SLUBSIM_OK);
	ck_assert_uint_ge(objects, 1);
	ck_assert_int_eq(slubsim_cache_free(m, "my_desc", p), SLUBSIM_OK);
	ck_assert_int_eq(slubsim_object(m, p, &o), SLUBSIM_OK);
	ck_assert(o.free);
	ck_assert_int_eq(slubsim_cache_destroy(m, "my_desc"), SLUBSIM_OK);
	ck_assert_int_eq(slubsim_cache_alloc(m, "no_such_cache", NULL, &p), SLUBSIM_ENOENT);
	slubsim_free(m);
}
END_TEST

/* Bad options fail with a message, and options come before the first allocation. */
START_TEST(test_errors)
{
	struct slubsim *m;
	uint64_t p;

	ck_assert_int_eq(slubsim_new(&m), SLUBSIM_OK);
	ck_assert_int_eq(slubsim_set(m, "kernel", "5.4"), SLUBSIM_EINVAL);
	ck_assert(strlen(slubsim_error(m)) > 0);
	ck_assert_int_eq(slubsim_set(m, "colour", "blue"), SLUBSIM_EINVAL);
	ck_assert_int_eq(slubsim_kmalloc(m, 8, "GFP_NOTHING", &p), SLUBSIM_EINVAL);
	ck_assert_int_eq(slubsim_kmalloc(m, 8, NULL, &p), SLUBSIM_OK);
	ck_assert_int_eq(slubsim_set(m, "cpus", "4"), SLUBSIM_EBUSY);
	ck_assert_int_eq(slubsim_set_cpu(m, 1), SLUBSIM_OK);
	ck_assert_int_eq(slubsim_set_cpu(m, 2), SLUBSIM_EINVAL);	/* two CPUs by default */
	ck_assert_int_eq(slubsim_object(m, 0x1000, &(struct slubsim_object){ 0 }), SLUBSIM_ENOENT);
	slubsim_free(m);
}
END_TEST

/* A trace of the driver's pattern, self-checking, and the model it leaves. */
START_TEST(test_run_trace)
{
	struct slubsim *m = model("6.12", NULL);
	const char *dir = getenv("srcdir");
	char path[4096];
	uint64_t events, objects;

	snprintf(path, sizeof(path), "%s/examples/driver.trace", dir ? dir : ".");
	ck_assert_msg(slubsim_run_trace(m, path, &events) == SLUBSIM_OK, "%s", slubsim_error(m));
	ck_assert_uint_eq(events, 7);
	ck_assert_int_eq(slubsim_cache_attr(m, "kmalloc-2k", "objects", &objects), SLUBSIM_OK);
	ck_assert_uint_ge(objects, 1);
	ck_assert_int_eq(slubsim_run_trace(m, "no/such/file.trace", NULL), SLUBSIM_ETRACE);
	slubsim_free(m);
}
END_TEST

/* A trace with a bad line, a failed expectation, a double free and an unknown name. */
static const char bad_trace[] =
	"config kernel=6.12\n"
	"a = kmalloc 64\n"
	"b = kmalloc_bogus 12\n"		/* line 3: no such operation */
	"expect a cache=kmalloc-128\n"	/* line 4: it is kmalloc-64 */
	"kfree a\n"
	"kfree a\n"			/* line 6: SLUB reports the double free */
	"kfree nosuch\n";		/* line 7: never bound */

/* Write @text to a new file; its name into @path. */
static void write_trace(char *path, size_t len, const char *text)
{
	int fd;

	snprintf(path, len, "%s/slubsim-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
}

/* slubsim_run_trace() of @path with stderr caught in a file: a library prints nothing there. */
static int run_quietly(struct slubsim *m, const char *path)
{
	FILE *catch = tmpfile();
	int saved = dup(2), r;
	struct stat st;

	ck_assert_ptr_nonnull(catch);
	ck_assert_int_ge(saved, 0);
	fflush(stderr);
	ck_assert_int_ge(dup2(fileno(catch), 2), 0);
	r = slubsim_run_trace(m, path, NULL);
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, 2), 0);
	close(saved);
	ck_assert_int_eq(fstat(fileno(catch), &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	fclose(catch);
	return r;
}

/* run_quietly() of @text, from a file of its own whose name goes to @path. */
static int run_text(struct slubsim *m, const char *text, char *path, size_t len)
{
	int r;

	write_trace(path, len, text);
	r = run_quietly(m, path);
	unlink(path);
	return r;
}

struct seen {
	unsigned n;
	struct {
		enum slubsim_msg_kind kind;
		unsigned line, column;
		char file[4096], text[256];
	} msg[8];
};

static void collect(void *ctx, const struct slubsim_msg *msg)
{
	struct seen *seen = ctx;

	if (seen->n == 8)
		return;
	seen->msg[seen->n].kind = msg->kind;
	seen->msg[seen->n].line = msg->line;
	seen->msg[seen->n].column = msg->column;
	snprintf(seen->msg[seen->n].file, sizeof(seen->msg[0].file), "%s", msg->file);
	snprintf(seen->msg[seen->n].text, sizeof(seen->msg[0].text), "%s", msg->text);
	seen->n++;
}

/* A library prints nothing: a trace's errors come to my function, each with its file:line. */
START_TEST(test_trace_messages)
{
	struct slubsim *m = model("6.12", NULL);
	struct seen seen = { 0 };
	char path[4096];

	slubsim_on_msg(m, collect, &seen);
	ck_assert_int_eq(run_text(m, bad_trace, path, sizeof(path)), SLUBSIM_ETRACE);
	ck_assert_uint_eq(seen.n, 4);
	ck_assert_int_eq(seen.msg[0].kind, SLUBSIM_MSG_SYNTAX);
	ck_assert_str_eq(seen.msg[0].file, path);
	ck_assert_uint_eq(seen.msg[0].line, 3);
	ck_assert_uint_eq(seen.msg[0].column, 5);
	ck_assert_str_eq(seen.msg[0].text, "unknown operation 'kmalloc_bogus'");
	ck_assert_int_eq(seen.msg[1].kind, SLUBSIM_MSG_EXPECT);
	ck_assert_uint_eq(seen.msg[1].line, 4);
	ck_assert_ptr_nonnull(strstr(seen.msg[1].text, "got kmalloc-64"));
	ck_assert_int_eq(seen.msg[2].kind, SLUBSIM_MSG_REPORT);
	ck_assert_uint_eq(seen.msg[2].line, 6);
	ck_assert_ptr_nonnull(strstr(seen.msg[2].text, "double free"));
	ck_assert_int_eq(seen.msg[3].kind, SLUBSIM_MSG_ERROR);
	ck_assert_str_eq(seen.msg[3].file, path);
	ck_assert_uint_eq(seen.msg[3].line, 7);
	ck_assert_str_eq(seen.msg[3].text, "unknown name 'nosuch'");

	/* a file that is not there: one message, not about a line */
	seen.n = 0;
	ck_assert_int_eq(run_quietly(m, "no/such/file.trace"), SLUBSIM_ETRACE);
	ck_assert_uint_eq(seen.n, 1);
	ck_assert_int_eq(seen.msg[0].kind, SLUBSIM_MSG_IO);
	ck_assert_uint_eq(seen.msg[0].line, 0);
	ck_assert_str_eq(seen.msg[0].file, "no/such/file.trace");
	slubsim_free(m);
}
END_TEST

/* An ftrace trace from a kernel that sized kmalloc(100) otherwise: a note, not an error. */
START_TEST(test_trace_note)
{
	static const char ftrace[] =
		"  init-1 [000] ..... 6.841203: kmalloc: call_site=f+0x7b/0x150 ptr=ffff8d82452dfe00"
		" bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false\n"
		"  init-1 [000] ..... 6.841291: kmalloc: call_site=g+0x1ce/0x880 ptr=ffff8d8241b23f20"
		" bytes_req=100 bytes_alloc=104 gfp_flags=GFP_KERNEL node=-1 accounted=false\n";
	struct slubsim *m = model("6.1", NULL);
	struct seen seen = { 0 };
	char path[4096];

	slubsim_on_msg(m, collect, &seen);
	ck_assert_int_eq(run_text(m, ftrace, path, sizeof(path)), SLUBSIM_OK);
	ck_assert_uint_eq(seen.n, 1);
	ck_assert_int_eq(seen.msg[0].kind, SLUBSIM_MSG_NOTE);
	ck_assert_uint_eq(seen.msg[0].line, 2);
	ck_assert_ptr_nonnull(strstr(seen.msg[0].text, "bytes_alloc=104 in the trace"));
	slubsim_free(m);
}
END_TEST

/* Without a function: still nothing printed, and slubsim_error() quotes the first error. */
START_TEST(test_trace_messages_default)
{
	struct slubsim *m = model("6.12", NULL);
	char path[4096], where[4200];

	ck_assert_int_eq(run_text(m, bad_trace, path, sizeof(path)), SLUBSIM_ETRACE);
	snprintf(where, sizeof(where), "%s:3:5: unknown operation 'kmalloc_bogus'", path);
	ck_assert_msg(strstr(slubsim_error(m), where), "%s", slubsim_error(m));
	slubsim_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("slubsim");
	TCase *tc = tcase_create("api");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_descriptors_in_one_slab);
	tcase_add_test(tc, test_ksize_and_roundup);
	tcase_add_test(tc, test_double_free_reported);
	tcase_add_test(tc, test_rust_wrappers);
	tcase_add_test(tc, test_own_cache);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_run_trace);
	tcase_add_test(tc, test_trace_messages);
	tcase_add_test(tc, test_trace_messages_default);
	tcase_add_test(tc, test_trace_note);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
