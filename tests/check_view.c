/* The TUI's player and view model: what each pane shows at given events of the lessons. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/replay/run.h"
#include "src/ui/player.h"
#include "src/ui/view.h"

static struct player pl;
static struct view v;
static struct view_lines ls;
static char path[4096];

static const char *lesson(const char *name)
{
	const char *dir = getenv("srcdir");

	snprintf(path, sizeof(path), "%s/traces/lessons/%s", dir ? dir : ".", name);
	return path;
}

static void open_trace(const char *file)
{
	struct sim_config cfg;
	char err[600];

	config_init(&cfg);
	ck_assert_msg(player_open(&pl, file, &cfg, 0, err, sizeof(err)) == 0, "%s: %s", file, err);
	config_release(&cfg);
	view_init(&v, &pl, false);
}

static void open_lesson(const char *name)
{
	open_trace(lesson(name));
}

static void teardown(void)
{
	view_lines_free(&ls);
	if (pl.name)
		player_close(&pl);
}

static void go(uint64_t n)
{
	ck_assert_int_eq(player_goto(&pl, n), 0);
	ck_assert_uint_eq(player_pos(&pl), n);
	view_sync(&v);
}

/* The pane's lines as UTF-8, joined with newlines, for strstr(). */
static const char *text_of(void (*pane)(const struct view *, unsigned, struct view_lines *), unsigned width)
{
	static char all[1 << 16];
	size_t o = 0;

	ls.n = 0;
	pane(&v, width, &ls);
	all[0] = '\0';
	for (unsigned i = 0; i < ls.n && o + VIEW_COLS * 4 < sizeof(all); i++) {
		view_line_utf8(&ls.v[i], all + o, sizeof(all) - o);
		o += strlen(all + o);
		all[o++] = '\n';
		all[o] = '\0';
	}
	return all;
}

static void caches_pane(const struct view *cv, unsigned width, struct view_lines *out)
{
	view_caches((struct view *)cv, width, 24, out);
}

#define ck_has(hay, needle) ck_assert_msg(strstr((hay), (needle)) != NULL, "no '%s' in:\n%s", (needle), (hay))
#define ck_lacks(hay, needle) ck_assert_msg(strstr((hay), (needle)) == NULL, "'%s' in:\n%s", (needle), (hay))

/* ------------------------------------------------------------------ player */

static int bp(const char *s, struct player_break *b)
{
	char why[200];

	return player_break_parse(&pl, s, b, why, sizeof(why));
}

/* Events as `run --events` numbers them: labels and expectations go with the events around them. */
START_TEST(counts_steps)
{
	open_lesson("02-alignment-rust.trace");
	ck_assert_uint_eq(pl.total, 17);
	ck_assert_ptr_null(player_last(&pl));
	go(1);
	ck_assert_str_eq(player_last(&pl)->text, "p = kmalloc 64");
	ck_assert(player_last(&pl)->has_op);
	ck_assert_uint_eq(player_last(&pl)->expect_pass, 1);
	go(5);
	ck_assert_str_eq(player_last(&pl)->text, "n3 = rust_alloc 96 align=64 wrapper=naive");
	ck_assert_uint_eq(player_last(&pl)->expect_pass, 6);
	ck_assert_uint_eq(player_last(&pl)->nr_notes, PLAYER_NOTES);
	ck_assert_uint_eq(player_last(&pl)->notes[0].kind, PN_PASS);
	ck_assert_str_eq(player_last(&pl)->notes[0].text, "expect n1 cache=kmalloc-96 ksize=96");
	ck_assert_int_eq(player_goto(&pl, 1000), 0);
	ck_assert_uint_eq(player_pos(&pl), 17);
}
END_TEST

/* What `run --events` numbers: each event's line, by its number (run.h's replay, as the command runs it). */
struct run_lines {
	uint32_t line[4096];
	uint64_t addr[4096];		/* the model address the event reached, 0 if none */
	uint64_t n;
};

static void run_hook(void *ctx, const struct replay *rp, const struct replay_step *st)
{
	struct run_lines *rl = ctx;

	if (!trace_kind_is_event(st->ev->kind))
		return;
	ck_assert_uint_eq(rp->st.events, rl->n + 1);
	ck_assert_uint_lt(rl->n, 4096);
	rl->addr[rl->n] = st->op ? st->op->addr : 0;
	rl->line[rl->n++] = st->ev->line;
}

/* Event k of the TUI: its line, and the model address it reached, as run's. */
static void same_event(const struct run_lines *rl, uint64_t k)
{
	go(k);
	ck_assert_uint_eq(player_last(&pl)->line, rl->line[k - 1]);
	ck_assert_uint_eq(player_last(&pl)->has_op ? player_last(&pl)->op.addr : 0, rl->addr[k - 1]);
}

/* Event k of the TUI is event k of run --events, on a lesson and a real ftrace trace, for every k. */
static void same_numbering(const char *file)
{
	static struct run_lines rl;
	struct replay_opts opts = { .hook = run_hook, .hook_ctx = &rl, .quiet_faults = true };
	struct sim_config cfg;
	struct replay rp;
	struct trace_reader rd;

	rl.n = 0;
	config_init(&cfg);
	opts.err = fopen("/dev/null", "w");
	ck_assert_int_eq(replay_run("check_view", &cfg, file, TRACE_FMT_AUTO, &opts, 0, true, &rp, &rd), 0);
	replay_release(&rp);
	trace_close(&rd);
	fclose(opts.err);
	config_release(&cfg);
	open_trace(file);
	ck_assert_uint_eq(pl.total, rl.n);
	for (uint64_t k = 1; k <= pl.total; k++)
		same_event(&rl, k);
	/* and back, through the checkpoints */
	for (uint64_t k = pl.total; k > 0; k -= k > 7 ? 7 : k)
		same_event(&rl, k);
	teardown();
}

/*
 * An ftrace trace whose kmallocs come before its first kmem_cache event: the
 * learnt cache is created at that event in every view, not at the TUI's
 * boot, or the slabs of the kmallocs after it would get other addresses.
 */
static void write_kmalloc_first(char *name)
{
	static const char head[] = "            init-1       [000] .....     6.84%04u: ";
	int fd = mkstemp(name);
	FILE *f = fdopen(fd, "w");
	unsigned ts = 0;

	ck_assert_ptr_nonnull(f);
	fprintf(f, "# tracer: nop\n");
	for (unsigned i = 0; i < 3; i++) {
		fprintf(f, head, ++ts);
		fprintf(f, "kmalloc: call_site=early+0x1/0x10 ptr=ffff888000100%03x bytes_req=%u bytes_alloc=%u "
			   "gfp_flags=GFP_KERNEL node=-1 accounted=false\n", i * 0x40, 64 << i, 64 << i);
	}
	fprintf(f, head, ++ts);
	fprintf(f, "kmem_cache_alloc: call_site=copy_process+0x20e/0x1ae0 ptr=ffff8d824183e100 bytes_req=6208 "
		   "bytes_alloc=6208 gfp_flags=GFP_KERNEL node=-1 accounted=true\n");
	for (unsigned i = 0; i < 40; i++) {
		fprintf(f, head, ++ts);
		fprintf(f, "kmalloc: call_site=late+0x1/0x10 ptr=ffff888000200%03x bytes_req=%u bytes_alloc=%u "
			   "gfp_flags=GFP_KERNEL node=-1 accounted=false\n", i * 0x40, 1024u << (i % 4), 1024u << (i % 4));
	}
	fprintf(f, head, ++ts);
	fprintf(f, "kmem_cache_free: call_site=delayed_put_task_struct+0x8e/0x100 ptr=ffff8d824183e100 name=task_struct\n");
	fclose(f);
}

START_TEST(numbering_as_run)
{
	char real[4096], kmalloc_first[] = "/tmp/check_view_kf_XXXXXX";
	const char *dir = getenv("srcdir");

	same_numbering(lesson("02-alignment-rust.trace"));
	same_numbering(lesson("04-slub-debug.trace"));
	snprintf(real, sizeof(real), "%s/traces/real/debian61-default.trace", dir ? dir : ".");
	same_numbering(real);
	write_kmalloc_first(kmalloc_first);
	same_numbering(kmalloc_first);
	unlink(kmalloc_first);
}
END_TEST

/* A trace's mistakes, by line: rejected lines at once, the replay's as it meets them. */
START_TEST(mistakes)
{
	static char name[] = "/tmp/check_view_mistakes_XXXXXX";
	int fd = mkstemp(name);
	FILE *f = fdopen(fd, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "a = kmalloc 64\n"			/* 1: event 1 */
		   "b = kmallocc 32\n"			/* 2: unknown operation */
		   "c = rust_alloc 96 align=48\n"		/* 3: not a power of two */
		   "expect a cache=kmalloc-32\n"		/* 4: fails */
		   "expect a cache=kmalloc-64\n"		/* 5: passes */
		   "kfree zz\n"				/* 6: event 2, an unknown name */
		   "kfree a\n");				/* 7: event 3 */
	fclose(f);
	open_trace(name);
	ck_assert_uint_eq(pl.total, 3);
	ck_assert_uint_eq(player_mistakes(&pl), 2);
	ck_assert_uint_eq(pl.mistakes[0].line, 2);
	ck_has(pl.mistakes[0].text, ":2:5: unknown operation 'kmallocc'");
	ck_assert_uint_eq(pl.mistakes[1].line, 3);
	ck_has(pl.mistakes[1].text, "align must be a power of two, not 48");
	go(1);
	ck_assert_uint_eq(player_last(&pl)->expect_fail, 1);
	ck_assert_uint_eq(player_last(&pl)->expect_pass, 1);
	ck_assert(player_last(&pl)->failed_expect);
	ck_assert_int_eq(player_last(&pl)->notes[0].kind, PN_FAIL);
	ck_assert_int_eq(player_last(&pl)->notes[1].kind, PN_PASS);
	ck_has(text_of(view_header, 200), "\u2717 expectations after it: 1 FAILED, 1 passed");
	go(3);
	ck_assert_uint_eq(player_mistakes(&pl), 4);
	ck_assert_uint_eq(pl.mistakes[2].line, 4);
	ck_assert_uint_eq(pl.mistakes[3].line, 6);
	ck_assert_uint_eq(pl.mistakes[3].event, 2);
	/* the replay seen again adds none */
	go(0);
	go(3);
	ck_assert_uint_eq(player_mistakes(&pl), 4);
	ck_has(text_of(view_mistakes, 200), "4 mistakes: 2 lines rejected, 1 errors, 1 failed expectations");
	unlink(name);
}
END_TEST

/* A new temporary trace file named like @tmpl (a mkstemp() template) into @name, open for writing. */
static FILE *temp_trace(char name[64], const char *tmpl)
{
	int fd;

	snprintf(name, 64, "%s", tmpl);
	fd = mkstemp(name);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	ck_assert_ptr_nonnull(f);
	return f;
}

/* A generated trace long enough for several coarse and fine checkpoints. */
static const char *long_trace(unsigned n)
{
	static char name[64];
	FILE *f = temp_trace(name, "/tmp/check_view_XXXXXX");

	fprintf(f, "config cpus=2\n");
	for (unsigned i = 0; i < n; i++) {
		if (i % 3 == 2)
			fprintf(f, "kfree o%u\n", i - 1);
		else
			fprintf(f, "@%u o%u = kmalloc %u\n", i % 2, i, 8 + (i * 37) % 600);
	}
	fclose(f);
	return name;
}

/* Stepping back through checkpoints reproduces what stepping forward saw. */
START_TEST(back_equals_forward)
{
	const char *file = long_trace(20000);
	static uint64_t fwd[20001];

	open_trace(file);
	ck_assert_uint_eq(pl.total, 20000);
	ck_assert_uint_gt(pl.k, 256);
	for (uint64_t n = 1; n <= pl.total; n++) {
		go(n);
		fwd[n] = player_last(&pl)->op.addr;
	}
	ck_assert_uint_eq(pl.nr_coarse, pl.total / pl.k + 1);
	ck_assert_uint_le(pl.nr_coarse, PLAYER_COARSE + 1);
	for (uint64_t n = pl.total; n > 0; n -= 97) {
		go(n);
		ck_assert_uint_eq(player_last(&pl)->op.addr, fwd[n]);
		go(n - 1 ? n - 1 : 1);
		ck_assert_uint_eq(player_last(&pl)->op.addr, fwd[n - 1 ? n - 1 : 1]);
		if (n < 97)
			break;
	}
	go(0);
	go(13337);
	ck_assert_uint_eq(player_last(&pl)->op.addr, fwd[13337]);
	unlink(file);
}
END_TEST

/* Everything the step record of the current event says, as one number. */
static uint64_t step_digest(const struct player *p)
{
	const struct player_step *s = player_last(p);
	char buf[2048];
	uint64_t h = 14695981039346656037ull;
	int n;

	if (!s)
		return 0;
	n = snprintf(buf, sizeof(buf), "%d|%u|%u|%s|%s|%s|%d|%llx|%s|%llu|%llu|%d|%llx|%d|%d|%llu|%d|%s|%u|%u|%u|%u|%s",
		     s->kind, s->line, s->cpu, s->text, s->op_name, s->name, s->has_tptr, (unsigned long long)s->tptr,
		     s->call_site, (unsigned long long)s->size, (unsigned long long)s->align, s->has_op,
		     (unsigned long long)s->op.addr, (int)s->op.path, s->cache_index, (unsigned long long)s->ksize,
		     s->failed_expect, s->message, s->nr_notes, s->more_notes, s->expect_pass, s->expect_fail,
		     s->nr_notes ? s->notes[0].text : "");
	for (int i = 0; i < n && i < (int)sizeof(buf); i++)
		h = (h ^ (unsigned char)buf[i]) * 1099511628211ull;
	return h;
}

static void open_tuned(struct player *p, const char *file, const struct player_tuning *tune)
{
	struct sim_config cfg;
	char err[600];

	config_init(&cfg);
	ck_assert_msg(player_open_tuned(p, file, &cfg, 0, tune, err, sizeof(err)) == 0, "%s: %s", file, err);
	config_release(&cfg);
}

static void same_mistakes(const struct player *a, const struct player *b)
{
	ck_assert_uint_eq(a->nr_mistakes, b->nr_mistakes);
	ck_assert_uint_eq(a->replay_errors, b->replay_errors);
	ck_assert_uint_eq(a->expect_failures, b->expect_failures);
	for (uint32_t i = 0; i < a->nr_mistakes; i++) {
		ck_assert_uint_eq(a->mistakes[i].line, b->mistakes[i].line);
		ck_assert_uint_eq(a->mistakes[i].event, b->mistakes[i].event);
		ck_assert_str_eq(a->mistakes[i].text, b->mistakes[i].text);
	}
}

/*
 * The second core's work changes nothing: a trace counted in two parts at
 * once and replayed with the parsing thread on every move gives the same
 * count, mistakes, learnt names and event records as one part and no thread.
 */
static void same_threaded(const char *file)
{
	static const struct player_tuning serial = { .pipe_min = UINT64_MAX, .split_min = SIZE_MAX };
	static const struct player_tuning threaded = { .pipe_min = 1, .split_min = 0 };
	static uint64_t fwd[20001];
	struct player one, two;

	open_tuned(&one, file, &serial);
	open_tuned(&two, file, &threaded);
	ck_assert_uint_gt(one.total, 1000);
	ck_assert_uint_le(one.total, 20000);
	ck_assert_uint_eq(one.total, two.total);
	ck_assert_uint_eq(one.parse_errors, two.parse_errors);
	same_mistakes(&one, &two);
	ck_assert_uint_eq(one.learn.nr_names, two.learn.nr_names);
	ck_assert_uint_eq(one.learn.nr_objs, two.learn.nr_objs);
	for (uint32_t i = 0; i < one.learn.nr_names; i++)
		ck_assert_str_eq(one.learn.name[i], two.learn.name[i]);
	for (uint64_t k = 1; k <= one.total; k++) {
		ck_assert_int_eq(player_goto(&one, k), 0);
		fwd[k] = step_digest(&one);
	}
	/* to the end on the parsing thread, back through the checkpoints, and jumps forward */
	ck_assert_int_eq(player_goto(&two, two.total), 0);
	ck_assert_uint_eq(step_digest(&two), fwd[two.total]);
	for (uint64_t k = two.total; k > 1; k -= k > 37 ? 37 : k - 1) {
		ck_assert_int_eq(player_goto(&two, k), 0);
		ck_assert_msg(step_digest(&two) == fwd[k], "%s: event %llu differs", file, (unsigned long long)k);
		ck_assert_int_eq(player_goto(&two, k - 1), 0);
		ck_assert_msg(step_digest(&two) == fwd[k - 1], "%s: event %llu differs", file, (unsigned long long)k - 1);
	}
	for (uint64_t k = 0; k < two.total; k += two.total / 5) {
		ck_assert_int_eq(player_goto(&two, 0), 0);
		ck_assert_int_eq(player_goto(&two, k + 1), 0);
		ck_assert_uint_eq(step_digest(&two), fwd[k + 1]);
	}
	/* both have met the replay's own mistakes by now */
	same_mistakes(&one, &two);
	player_close(&one);
	player_close(&two);
}

/*
 * A native trace with what a reader carries from line to line: cpu lines,
 * caches created, mistakes in both halves; after @comments comment lines
 * (a first half without events is counted again after it).
 */
static const char *mixed_trace(unsigned n, unsigned comments)
{
	static char name[64];
	FILE *f = temp_trace(name, "/tmp/check_view_mixed_XXXXXX");

	for (unsigned i = 0; i < comments; i++)
		fprintf(f, "# a comment first, %u\n", i);
	fprintf(f, "config cpus=4\n");
	for (unsigned i = 0; i < n; i++) {
		if (i % 500 == 7)
			fprintf(f, "cpu %u\n", i / 500 % 4);
		if (i % 1000 == 11)
			fprintf(f, "b%u = kmallocc 8\n", i);	/* rejected */
		if (i % 1000 == 500)
			fprintf(f, "m%u = kmem_cache_create cache%u %u\n", i, i, 40 + i % 100);
		if (i % 1000 == 600)
			fprintf(f, "kfree nobody%u\n", i);	/* an error of the replay */
		if (i % 3 == 2) {
			fprintf(f, "kfree o%u\n", i - 1);
		} else {
			fprintf(f, "o%u = kmalloc %u\n", i, 8 + (i * 37) % 600);
			if (i % 400 == 0)
				fprintf(f, "expect o%u ksize=%u\n", i, 8 + (i * 37) % 600);
		}
	}
	fclose(f);
	return name;
}

/*
 * An ftrace trace whose kmem_cache_alloc events of the first half are named
 * only by their frees in the second half, one site under two names (which
 * allocates in the second half too: learn.h tells its objects by line).
 */
static const char *ftrace_halves(unsigned n)
{
	static char name[64];
	static const char *const caches[] = { "dentry", "filp", "task_struct", "cred_jar" };
	FILE *f = temp_trace(name, "/tmp/check_view_ftrace_XXXXXX");

	ck_assert_uint_eq(n % 8, 0);
	fprintf(f, "# tracer: nop\n#\n");
	for (unsigned i = 0; i < n; i++) {
		unsigned j = i - n / 2, site = j / 4 % 3;

		fprintf(f, "            bash-1234    [00%u] .....     %u.%06u: ", i % 2, i / 1000000, i % 1000000);
		if (i % 4 == 0)
			fprintf(f, "kmalloc: call_site=alloc_thing+0x1f/0x60 ptr=ffff888100%06x bytes_req=%u bytes_alloc=%u "
				"gfp_flags=GFP_KERNEL node=-1 accounted=false\n", i, 8 << i % 5, 8 << i % 5);
		else if (i % 4 == 1 || (i % 4 == 3 && i < n / 2))
			fprintf(f, "kfree: call_site=free_thing+0x1f/0x60 ptr=ffff888100%06x\n", i - 1 - i % 4 / 2 * 2);
		else if (i % 4 == 3 && i < n / 4 * 3)	/* the second half's own objects, of the two-name site */
			fprintf(f, "kmem_cache_alloc: call_site=make_2+0x2/0x40 ptr=ffff888300%06x bytes_req=192 "
				"bytes_alloc=192 gfp_flags=GFP_KERNEL node=-1 accounted=false\n", i);
		else if (i % 4 == 3)
			fprintf(f, "kmem_cache_free: call_site=drop+0x2/0x40 ptr=ffff888300%06x name=%s\n", i - n / 4,
				caches[2 + i / 4 % 2]);
		else if (i < n / 2)
			fprintf(f, "kmem_cache_alloc: call_site=make_%u+0x2/0x40 ptr=ffff888200%06x bytes_req=192 "
				"bytes_alloc=192 gfp_flags=GFP_KERNEL node=-1 accounted=false\n", i / 4 % 3, i);
		else
			fprintf(f, "kmem_cache_free: call_site=drop+0x2/0x40 ptr=ffff888200%06x name=%s\n", j,
				caches[site == 2 ? 2 + j / 12 % 2 : site]);
	}
	fclose(f);
	return name;
}

START_TEST(threads_change_nothing)
{
	char real[4096];
	const char *dir = getenv("srcdir");
	const char *file = mixed_trace(6000, 1);

	same_threaded(file);
	unlink(file);
	file = mixed_trace(3000, 20000);
	same_threaded(file);
	unlink(file);
	file = ftrace_halves(4000);
	same_threaded(file);
	unlink(file);
	snprintf(real, sizeof(real), "%s/traces/real/debian61-default.trace", dir ? dir : ".");
	same_threaded(real);
}
END_TEST

/* A jump lays the fine checkpoints of the segment before its target, so that stepping back is short. */
START_TEST(fine_checkpoints_laid)
{
	const char *file = long_trace(21000);

	open_trace(file);
	go(pl.total);
	ck_assert_uint_eq(pl.fine_seg, (pl.total - 1) / pl.k);
	/* the segment starts between two multiples of the split */
	ck_assert_uint_ne(pl.fine_seg * pl.k % pl.fine_k, 0);
	for (unsigned j = 1; j < pl.nr_fine && pl.fine_seg * pl.k + j * pl.fine_k <= pl.total; j++) {
		ck_assert_msg(pl.fine[j].used, "fine checkpoint %u of %u not laid", j, pl.nr_fine);
		ck_assert_uint_eq(pl.fine[j].n, pl.fine_seg * pl.k + j * pl.fine_k);
	}
	unlink(file);
}
END_TEST

START_TEST(breakpoints)
{
	struct player_break b[2];

	open_lesson("02-alignment-rust.trace");
	ck_assert_int_eq(bp("misaligned", &b[0]), 0);
	ck_assert_int_eq(bp("cache kmalloc-128", &b[1]), 0);
	ck_assert_int_eq(bp("cache", &b[1]), -1);
	ck_assert_int_eq(bp("bogus", &b[1]), -1);
	ck_assert_int_eq(bp("cache kmalloc-128", &b[1]), 0);
	ck_assert_int_eq(bp("event kmallocc", &b[1]), -1);
	ck_assert_int_eq(bp("event label", &b[1]), -1);
	ck_assert_int_eq(bp("cache kmalloc-97", &b[1]), -1);
	ck_assert_int_eq(bp("event rust_alloc", &b[1]), 0);
	ck_assert_int_eq(bp("cache kmalloc-128", &b[1]), 0);
	ck_assert_int_eq(player_run(&pl, b, 2, 0), 0);
	ck_assert_uint_eq(player_pos(&pl), 3);
	ck_assert_str_eq(player_last(&pl)->name, "n1");
	ck_assert_int_eq(player_run(&pl, b, 2, 0), 0);
	ck_assert_str_eq(player_last(&pl)->name, "n3");
	ck_assert_int_eq(player_run(&pl, b, 2, 0), 1);
	ck_assert_str_eq(player_last(&pl)->name, "m");
	teardown();
	open_lesson("04-slub-debug.trace");
	ck_assert_int_eq(bp("fault", &b[0]), 0);
	ck_assert_int_eq(player_run(&pl, b, 1, 0), 0);
	ck_assert_str_eq(player_last(&pl)->text, "kfree a");
	ck_assert_int_eq(bp("event kmalloc", &b[0]), 0);
	ck_assert_int_eq(player_run(&pl, b, 1, 0), 0);
	ck_assert_str_eq(player_last(&pl)->text, "b = kmalloc 64");
}
END_TEST

/* ------------------------------------------------------------------ panes */

START_TEST(header_outcome)
{
	const char *t;

	open_lesson("02-alignment-rust.trace");
	t = text_of(view_header, 200);
	ck_has(t, "event 0/17");
	ck_has(t, "Linux 6.1.192 x86_64 2 CPUs debug off");
	ck_has(t, "event 0: the kernel has booted");
	ck_has(t, "label: Power-of-two classes are naturally aligned");
	go(2);
	t = text_of(view_header, 200);
	ck_has(t, "event 2/17");
	ck_has(t, "label: kmalloc-96 slots are only guaranteed 32-aligned");
	ck_has(t, "event 2, line 23: q = kmalloc 96\n\u2192 kmalloc-96 slot ");
	ck_has(t, "; new slab, cpu 0\n");
	ck_has(t, "\u2713 expectations after it: 1 passed");
	go(4);
	ck_has(text_of(view_header, 200), "n2 = rust_alloc 96 align=64 wrapper=naive\n\u2192 kmalloc-96 slot ");
	go(3);
	ck_has(text_of(view_header, 200), ", MISALIGNED for align=64 (32-aligned); fast path, cpu 0");
	/* the label of the next section comes with its first event, not with the last of this one */
	go(5);
	ck_has(text_of(view_header, 200), "label: Layout(96, 64) through the naive wrapper");
	/* an operation without a path of its own (validate): no empty words in the verdict */
	teardown();
	open_lesson("10-validate.trace");
	go(10);
	ck_has(text_of(view_header, 200), "event 10, line 36: validate kmalloc-64\n\u2192 kmalloc-64, cpu 0\n");
	teardown();
	open_lesson("02-alignment-rust.trace");
	/* the header fits the screen it is drawn on */
	ls.n = 0;
	view_header(&v, 80, &ls);
	for (unsigned i = 0; i < ls.n; i++)
		ck_assert_uint_le(ls.v[i].len, 80);
}
END_TEST

START_TEST(cache_table)
{
	const char *t;
	char first[VIEW_COLS * 4];

	open_lesson("02-alignment-rust.trace");
	go(2);
	t = text_of(caches_pane, 80);
	ck_has(t, "  OBJS   USED ACTIVE  USE OBJ SIZE  SLABS CACHE SIZE NAME");
	ck_has(t, "    42      1     42 100%    0.09K      1         4K kmalloc-96");
	/* empty caches are hidden from the start */
	ck_lacks(t, "dma-kmalloc-");
	t = text_of(caches_pane, 120);
	ck_has(t, "  OBJS   USED ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME");
	/* the touched cache is selected and marked */
	ck_assert_int_eq(v.sel_cache, (int)player_step_cache(&pl)->index);
	for (unsigned i = 1; i < ls.n; i++)
		if (ls.v[i].cache == v.sel_cache)
			ck_assert_int_eq(ls.v[i].attr[0], VA_SELECTED);
	/* sort by name: dma-kmalloc caches first */
	v.hide_empty = false;
	ck_assert_int_eq(view_set_sort(&v, 'n'), 0);
	ck_assert_int_eq(view_set_sort(&v, 'x'), -1);
	text_of(caches_pane, 80);
	view_line_utf8(&ls.v[1], first, sizeof(first));
	ck_has(first, "dma-kmalloc-");
	/* empty caches hidden on request */
	v.hide_empty = true;
	t = text_of(caches_pane, 80);
	ck_lacks(t, "dma-kmalloc-");
	ck_has(t, "kmalloc-64");
	/* sort by use, then objects per slab: kmalloc-64 (64 per slab) above kmalloc-96 (42) */
	view_set_sort(&v, 'b');
	t = text_of(caches_pane, 80);
	ck_assert(strstr(t, "kmalloc-64") < strstr(t, "kmalloc-96"));
}
END_TEST

START_TEST(slab_map)
{
	const char *t;

	open_lesson("02-alignment-rust.trace");
	go(2);
	t = text_of(view_slabs, 80);
	ck_has(t, "kmalloc-96: 42 objects per slab of order 0, slot 96 B, object 96 B");
	ck_has(t, "0xffff888001006000  cpu slab of CPU 0    1/42 used new");
	/* one used slot, marked as this event's, 41 on the cpu freelist */
	ck_has(t, "\u2592\u2592\u2588\u2592");
	go(5);
	t = text_of(view_slabs, 80);
	ck_has(t, "4/42 used");
	v.show_freelist = true;
	t = text_of(view_slabs, 80);
	ck_has(t, "  freelist: empty");
	ck_has(t, "  cpu freelist: ");
	v.ascii = true;
	t = text_of(view_slabs, 80);
	ck_has(t, "# used  . free  c on the cpu freelist  * this event");
}
END_TEST

START_TEST(slab_map_debug_layout)
{
	const char *t;

	open_lesson("04-slub-debug.trace");
	go(1);
	t = text_of(view_slabs, 120);
	ck_has(t, "kmalloc-64: 16 objects per slab of order 0, slot 256 B, object 64 B");
	ck_has(t, "slot: [red zone 64][object 64][red zone 8][free ptr 8][tracks 64][orig size 4][pad 44]");
}
END_TEST

START_TEST(object_inspector)
{
	const char *t;

	open_lesson("04-slub-debug.trace");
	go(1);
	t = text_of(view_object, 80);
	ck_has(t, "kmalloc-64  allocated");
	ck_has(t, "ksize 64, aligned to 64");
	ck_has(t, "name a, requested 64 bytes, allocated by event 1, label: A 64-byte object");
	/* left red zone inactive-active 0xcc, object poisoned in use (0x5a? no: kmalloc doesn't poison in use) */
	ck_has(t, "+0000  cc cc cc cc");
	go(2);	/* write a 64 1 0x41: one byte into the right red zone */
	t = text_of(view_object, 80);
	ck_has(t, "+0080  41 cc cc cc");
	go(4);	/* kfree a again: freed, poisoned */
	t = text_of(view_object, 80);
	ck_has(t, "free");
	ck_has(t, "free pointer at +");
	ck_has(t, " 6b 6b 6b");
}
END_TEST

/* 6.18: an object freed into a percpu sheaf is allocated for its slab; the inspector says where it waits */
START_TEST(sheaf_inspector)
{
	static char name[] = "/tmp/check_view_sheaf_XXXXXX";
	int fd = mkstemp(name);
	FILE *f = fdopen(fd, "w");
	const char *t;

	ck_assert_ptr_nonnull(f);
	fprintf(f, "config kernel=6.18 cpus=2\n"
		   "m = kmem_cache_create maple_node 256 sheaf_capacity=4\n"	/* 1 */
		   "a = kmem_cache_alloc m\n"					/* 2 */
		   "kmem_cache_free m a\n"					/* 3 */
		   "b = kmem_cache_alloc m\n"					/* 4 */
		   "kfree_rcu b\n");						/* 5 */
	fclose(f);
	open_trace(name);
	go(3);
	t = text_of(view_object, 120);
	ck_has(t, "maple_node  in a percpu sheaf");
	ck_has(t, "CPU 0's main sheaf: allocated for its slab");
	/* the refill took 4, a came back: CPU 0's main sheaf is full, its old empty one in the barn */
	ck_has(text_of(view_slabs, 120), "percpu sheaves of 4: 4 objects; CPU 0 4+0 CPU 1 0+0; barn 0 full, 1 empty");
	go(5);
	ck_has(text_of(view_object, 120), "CPU 0's rcu_free sheaf");
	go(4);
	ck_has(text_of(view_object, 120), "maple_node  allocated");
	unlink(name);
}
END_TEST

START_TEST(alignment_pane)
{
	const char *t;

	open_lesson("02-alignment-rust.trace");
	go(17);
	ck_has(text_of(view_align, 80), "The current event allocates nothing");
	go(3);
	t = text_of(view_align, 80);
	ck_has(t, "Layout(size 96, align 64) via rust_alloc");
	ck_has(t, "result 0xffff888001006120, aligned to 32  MISALIGNED for the Layout");
	ck_has(t, "Linux 6.1.192 guarantees kmalloc(96) alignment 8");
	ck_has(t, "> naive       6.1         96  kmalloc-96            32  MISALIGNED");
	ck_has(t, "* npot        6.5        128  kmalloc-128          128  aligned, guaranteed");	/* 6.1.45+ */
	/* each row names the kernel function it models */
	ck_has(t, "aligned, guaranteed\n    krealloc_aligned()\n");
	ck_has(t, "KernelAllocator::alloc()");
	ck_has(t, "<Kmalloc as Allocator>::realloc()");
	go(1);
	t = text_of(view_align, 80);
	ck_has(t, "kmalloc(64) \u2192 kmalloc-64, ksize 64, slots aligned to 64");
	ck_has(t, "Linux 6.1.192 guarantees kmalloc(64) alignment 64");
}
END_TEST

START_TEST(fault_pane)
{
	const char *t;

	open_lesson("04-slub-debug.trace");
	go(2);
	ck_has(text_of(view_fault, 80), "No SLUB report at this event (0 so far");
	go(3);
	t = text_of(view_fault, 200);
	ck_has(t, "BUG kmalloc-64 (Not tainted): Right Redzone overwritten");
	ck_has(t, "First byte 0x41 instead of 0xcc");
	/* on a narrow screen the long lines wrap, nothing is lost */
	t = text_of(view_fault, 40);
	ck_has(t, "\nFIX kmalloc-64: Object at 0xffff88800100\na140 not freed\n");
	ck_has(text_of(view_header, 200), "kfree a\n\u2192 kmalloc-64 slot 1, 64-aligned, SLUB: Redzone overwritten;");
	ck_has(text_of(view_header, 200), "; not freed: SLUB reported it, cpu 0");
	/* the expectations after it, passed */
	ck_has(text_of(view_fault, 200), "\u2713 passed  line 24: expect fault \"Right Redzone overwritten\"");
	/* back one event: the report is gone, forward again: it is back */
	go(2);
	ck_lacks(text_of(view_fault, 80), "Redzone");
	go(3);
	ck_has(text_of(view_fault, 80), "Right Redzone overwritten");
}
END_TEST

START_TEST(search_and_help)
{
	open_lesson("02-alignment-rust.trace");
	go(12);
	ck_assert_int_eq(view_search(&v, "p"), 0);
	ck_has(text_of(view_object, 80), "name p, requested 64 bytes");
	ck_assert_int_eq(view_search(&v, "kmalloc-4k"), 0);
	ck_has(text_of(view_slabs, 80), "kmalloc-4k: ");
	ck_assert_int_eq(view_search(&v, "no-such-thing"), -1);
	ck_has(text_of(view_help, 80), "slabtop's letters");
}
END_TEST

/*
 * A name reused by other kinds of objects: the record shows the last one
 * only (nothing left of a Rust Layout or a cache), with the label in force
 * at its event, also when a kmalloc reuses a kmalloc's record.
 */
/* @name's record is a kmalloc object's: nothing of another kind's fields. */
static const struct replay_obj *kmalloc_record(const char *name)
{
	enum replay_obj_kind kind;
	const struct replay_obj *o = replay_lookup(player_replay(&pl), name, &kind);

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(kind, ROBJ_KMALLOC);
	ck_assert_uint_eq(o->align, 0);
	ck_assert_uint_eq(o->wrapper, 0);
	ck_assert_ptr_null(o->cache);
	return o;
}

START_TEST(record_of_reused_name)
{
	static char name[] = "/tmp/check_view_reuse_XXXXXX";
	int fd = mkstemp(name);
	FILE *f = fdopen(fd, "w");
	const struct replay_obj *o;
	enum replay_obj_kind kind;

	ck_assert_ptr_nonnull(f);
	fprintf(f, "label \"one\"\n"			/* 1 */
		   "x = rust_alloc 96 align=64 wrapper=naive\n"	/* 2 */
		   "rust_free x align=64\n"			/* 3 */
		   "label \"two\"\n"			/* 4 */
		   "x = kmalloc 40\n"				/* 5 */
		   "kfree x\n"					/* 6 */
		   "label \"three\"\n"			/* 7 */
		   "label \"four\"\n"			/* 8 */
		   "x = kmalloc 72\n"				/* 9 */
		   "kfree x\n"					/* 10 */
		   "c = kmem_cache_create foo 32\n"		/* 11 */
		   "kmem_cache_destroy c\n"			/* 12 */
		   "c = kmalloc 24\n");			/* 13 */
	fclose(f);
	open_trace(name);
	go(1);
	o = replay_lookup(player_replay(&pl), "x", &kind);
	ck_assert_int_eq(kind, ROBJ_RUST);
	ck_assert_uint_eq(o->align, 64);
	go(3);
	ck_assert_int_eq(view_search(&v, "x"), 0);
	ck_has(text_of(view_object, 80), "name x, requested 40 bytes, allocated by event 3, label: two");
	kmalloc_record("x");
	go(5);
	ck_assert_int_eq(view_search(&v, "x"), 0);
	ck_has(text_of(view_object, 80), "name x, requested 72 bytes, allocated by event 5, label: four");
	kmalloc_record("x");
	go(9);
	ck_assert_uint_eq(kmalloc_record("c")->size, 24);
	/* back again: the checkpoints keep labels and records */
	go(5);
	ck_assert_int_eq(view_search(&v, "x"), 0);
	ck_has(text_of(view_object, 80), "name x, requested 72 bytes, allocated by event 5, label: four");
	unlink(name);
}
END_TEST

/* A three-event ftrace trace: two task_structs allocated, the first freed with its cache's name. */
static void write_ftrace(char *name)
{
	static const char head[] = "            init-1       [000] .....     6.84%04u: ";
	int fd = mkstemp(name);
	FILE *f = fdopen(fd, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "# tracer: nop\n");
	fprintf(f, head, 1);
	fprintf(f, "kmem_cache_alloc: call_site=copy_process+0x20e/0x1ae0 ptr=ffff8d824183e100 bytes_req=6208 "
		   "bytes_alloc=6208 gfp_flags=GFP_KERNEL node=-1 accounted=true\n");
	fprintf(f, head, 2);
	fprintf(f, "kmem_cache_alloc: call_site=copy_process+0x20e/0x1ae0 ptr=ffff8d8241b36600 bytes_req=6208 "
		   "bytes_alloc=6208 gfp_flags=GFP_KERNEL node=-1 accounted=true\n");
	fprintf(f, head, 3);
	fprintf(f, "kmem_cache_free: call_site=delayed_put_task_struct+0x8e/0x100 ptr=ffff8d824183e100 name=task_struct\n");
	fclose(f);
}

/* The three-event ftrace trace, opened in the player (and removed: the player keeps it mapped). */
static void open_ftrace(void)
{
	char name[] = "/tmp/check_view_ft_XXXXXX";

	write_ftrace(name);
	open_trace(name);
	unlink(name);
}

/* An ftrace trace's allocation is counted in the cache its later free names, from its own event (learn.h). */
START_TEST(cache_names_learnt)
{
	const char *t;

	open_ftrace();
	/* from boot, before the trace's first event, with the traced sizes (learnt caches exist from boot) */
	go(0);
	ck_assert_ptr_nonnull(sim_find_cache(pl.live.rp.sim, "task_struct"));
	ck_assert_uint_eq(sim_find_cache(pl.live.rp.sim, "task_struct")->size, 6208);
	/* the cache table lists it, empty, where it hides the other empty caches */
	t = text_of(caches_pane, 120);
	ck_has(t, "task_struct");
	ck_lacks(t, "kmalloc-");
	go(1);
	t = text_of(caches_pane, 120);
	ck_has(t, "task_struct");
	ck_lacks(t, "traced-");
	go(3);
	go(2);	/* back through a checkpoint */
	ck_assert_ptr_nonnull(sim_find_cache(pl.live.rp.sim, "task_struct"));
	ck_assert_ptr_null(sim_find_cache(pl.live.rp.sim, "traced-6208-6208"));
}
END_TEST

/* From the start, breakpoint @spec stops the run at event @want. */
static void run_from_start(const char *spec, uint64_t want)
{
	struct player_break b;

	go(0);
	ck_assert_int_eq(bp(spec, &b), 0);
	ck_assert_int_eq(player_run(&pl, &b, 1, 0), 0);
	ck_assert_uint_eq(player_pos(&pl), want);
}

/* The trace's own pointer and call site: in the event line and the inspector, for / and for breakpoints. */
START_TEST(trace_pointer_and_call_site)
{
	struct player_break b;
	const char *t;

	open_ftrace();
	go(1);
	t = text_of(view_header, 200);
	ck_has(t, "init-1 kmem_cache_alloc ptr=ffff8d824183e100 call_site=copy_process+0x20e/0x1ae0 bytes_req=6208");
	ck_has(t, "\u2192 task_struct");
	go(2);
	ck_assert_int_eq(view_search(&v, "0xffff8d824183e100"), 0);
	t = text_of(view_object, 120);
	ck_has(t, "ftrace ptr ffff8d824183e100");
	ck_has(t, "allocated at trace line 2 by copy_process+0x20e/0x1ae0");
	/* a call site: its newest live object, the second task_struct */
	ck_assert_int_eq(view_search(&v, "copy_process"), 0);
	ck_has(text_of(view_object, 120), "ftrace ptr ffff8d8241b36600");
	ck_assert_int_eq(view_search(&v, "no_such_function"), -1);
	/* breakpoints on a call site and on a trace pointer */
	run_from_start("site delayed_put_task_struct", 3);
	run_from_start("ptr 0xffff8d8241b36600", 2);
	ck_assert_int_eq(bp("ptr xyz", &b), -1);
	ck_assert_int_eq(bp("site", &b), -1);
	/* a function matches with the compiler's suffixes, not as a prefix of another name */
	ck_assert(player_site_matches("getname_flags.part.0+0x2b/0x1c0", "getname_flags"));
	ck_assert(!player_site_matches("getname_flags_x+0x2b/0x1c0", "getname_flags"));
}
END_TEST

static Suite *view_suite(void)
{
	Suite *s = suite_create("view");
	TCase *tc = tcase_create("player");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, counts_steps);
	tcase_add_test(tc, back_equals_forward);
	tcase_add_test(tc, breakpoints);
	tcase_add_test(tc, mistakes);
	tcase_add_test(tc, numbering_as_run);
	tcase_add_test(tc, threads_change_nothing);
	tcase_add_test(tc, fine_checkpoints_laid);
	suite_add_tcase(s, tc);
	tc = tcase_create("panes");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, header_outcome);
	tcase_add_test(tc, cache_table);
	tcase_add_test(tc, slab_map);
	tcase_add_test(tc, slab_map_debug_layout);
	tcase_add_test(tc, object_inspector);
	tcase_add_test(tc, sheaf_inspector);
	tcase_add_test(tc, alignment_pane);
	tcase_add_test(tc, fault_pane);
	tcase_add_test(tc, search_and_help);
	tcase_add_test(tc, record_of_reused_name);
	tcase_add_test(tc, cache_names_learnt);
	tcase_add_test(tc, trace_pointer_and_call_site);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(view_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
