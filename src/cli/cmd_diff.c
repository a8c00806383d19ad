/* slubsim diff: replay one trace under two configurations and set the caches side by side. */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sim/array.h"
#include "sim/usage.h"
#include "src/replay/run.h"
#include "report.h"
#include "src/trace/trace.h"

static const char diff_help[] =
	"Usage: slubsim [MODEL OPTIONS] diff [OPTIONS] --a='OPTIONS' --b='OPTIONS' TRACE\n"
	"Replay TRACE twice, under configuration a and under configuration b, and set\n"
	"every cache that holds objects or slabs on either side next to each other:\n"
	"objects (allocated and not freed: unlike /proc/slabinfo, a cpu slab's free slots\n"
	"do not count), slabs, memory (slabs x PAGE_SIZE << order; large kmallocs in the\n"
	"'page allocator' row) and waste (memory - objects x object_size), and b - a.\n"
	"Largest memory difference first, then a total row.\n"
	"\n"
	"OPTIONS of --a and --b are model options (--kernel, --arch, --cpus, --cmdline,\n"
	"...) split like a shell splits words, quotes respected, nothing expanded; they\n"
	"apply on top of the model options of the command line and win over the trace's\n"
	"config lines. A cache only one side has shows '-' on the other.\n"
	"Write them with '=': a separate word would be a model option of the command line.\n"
	"  e.g. --a='--arch=x86_64' --b='--arch=arm64'\n"
	"       --a='--cmdline=' --b='--cmdline=\"slub_debug=FZPU slub_max_order=0\"'\n"
	"\n"
	"      --a=OPTIONS, --b=OPTIONS  the two configurations (default: none)\n"
	"  -f, --format=FMT       table (default), tsv (with a '# ' header) or json\n"
	"  -F, --trace-format=FMT auto (default), native or ftrace\n"
	"  -h, --help             show this help\n"
	"\n"
	"Failed expectations of a trace describe one configuration: they are noted on the\n"
	"error stream, not counted as errors. SLUB's reports are not printed.\n"
	"Exit status: 0, 1 if either replay had errors, 2 for usage errors (a bad --a or\n"
	"--b, a configuration that does not boot) or an unreadable trace.\n";

enum diff_format { DIFF_TABLE, DIFF_TSV, DIFF_JSON };

/* What one configuration left in one cache. */
struct diff_side {
	bool present;
	uint64_t objects, slabs, memory, waste;
};

struct diff_row {
	char *name;
	struct diff_side side[2];
};

struct diff_table {
	struct diff_row *rows;
	size_t nr, cap;
};

/* ------------------------------------------------------------------ word splitting */

/* argv-style words of one --a/--b string, all in one buffer. */
struct diff_words {
	char *buf;
	char **argv;
	int argc;
};

/* '...': everything up to the next quote, literally. Returns the end, NULL if unterminated. */
static const char *diff_single_quoted(const char *s, char **o)
{
	const char *end = strchr(s + 1, '\'');

	if (!end)
		return NULL;
	memcpy(*o, s + 1, (size_t)(end - s - 1));
	*o += end - s - 1;
	return end + 1;
}

/* "...": a backslash escapes only " \ $ ` and ends a line continuation, as in sh. NULL if unterminated. */
static const char *diff_double_quoted(const char *s, char **o)
{
	for (s++; *s && *s != '"'; s++) {
		if (*s == '\\' && s[1] == '\n') {
			s++;
			continue;
		}
		if (*s == '\\' && s[1] && strchr("\"\\$`", s[1]))
			s++;
		*(*o)++ = *s;
	}
	return *s ? s + 1 : NULL;
}

/* \c outside quotes: c itself; a backslash before a newline joins the lines. NULL at the end. */
static const char *diff_escaped(const char *s, char **o)
{
	if (!s[1])
		return NULL;
	if (s[1] != '\n')
		*(*o)++ = s[1];
	return s + 2;
}

/* One word starting at @s into @o; returns where it stopped, NULL with *why set on bad quoting. */
static const char *diff_word(const char *s, char **o, const char **why)
{
	while (*s && !strchr(" \t\n", *s)) {
		switch (*s) {
		case '\'':
			*why = "unterminated ' quote";
			s = diff_single_quoted(s, o);
			break;
		case '"':
			*why = "unterminated \" quote";
			s = diff_double_quoted(s, o);
			break;
		case '\\':
			*why = "nothing after the last backslash";
			s = diff_escaped(s, o);
			break;
		default:
			*(*o)++ = *s++;
		}
		if (!s)
			return NULL;
	}
	*(*o)++ = '\0';
	return s;
}

/* Split @s into words as sh would, without expanding anything. 0, or -1 with *why set. */
static int diff_split(const char *s, struct diff_words *w, const char **why)
{
	size_t n = strlen(s);
	char *o;

	w->argc = 0;
	w->buf = malloc(n + 1);
	w->argv = calloc(n / 2 + 2, sizeof(*w->argv));	/* words need a separator between them */
	if (!w->buf || !w->argv) {
		*why = "out of memory";
		return -1;
	}
	o = w->buf;
	for (;;) {
		s += strspn(s, " \t\n");
		if (!*s)
			return 0;
		w->argv[w->argc++] = o;
		if (!(s = diff_word(s, &o, why)))
			return -1;
	}
}

static void diff_words_release(struct diff_words *w)
{
	free(w->buf);
	free(w->argv);
}

/* ------------------------------------------------------------------ one side */

/*
 * @side gets the command line's model options with @opts set on top: its
 * own handle, released with slubsim_free(). Returns 0, or EXIT_USAGE after
 * saying what was wrong, prefixed with "slubsim: diff: --a".
 */
static int diff_side_cli(const struct cli *cli, const char *which, const char *opts, struct cli *side)
{
	struct diff_words w = { 0 };
	const char *why = NULL;
	char prog[64];
	int ret = 0;

	snprintf(prog, sizeof(prog), "%s: diff: %s", cli->prog, which);
	*side = *cli;
	if (slubsim_new_from(&side->model, cli->model)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_USAGE;
	}
	if (diff_split(opts, &w, &why)) {
		fprintf(stderr, "%s: %s in '%s'\n", prog, why, opts);
		ret = EXIT_USAGE;
	}
	for (int i = 0; !ret && i < w.argc; i++) {
		int r = cli_model_arg(side->model, w.argc, w.argv, &i, prog);

		if (r == 0)
			fprintf(stderr, "%s: '%s' is not a model option (--kernel, --arch, --cpus, --cmdline, ...)\n",
				prog, w.argv[i]);
		if (r <= 0)
			ret = EXIT_USAGE;
	}
	diff_words_release(&w);
	if (ret)
		slubsim_free(side->model);
	return ret;
}

/*
 * Replay errors come with the side they belong to, once each (a configuration
 * that does not boot is tried again at the end); failed expectations as a count.
 */
static void diff_say_replay(const char *prog, const char *which, const struct replay *rp, char *text)
{
	bool failed = rp->st.errors || !rp->sim;
	const char *prev = "";

	for (char *line = strtok(text, "\n"); failed && line; line = strtok(NULL, "\n")) {
		if (strcmp(line, prev))
			fprintf(stderr, "%s: diff: %s: %s\n", prog, which, line);
		prev = line;
	}
	if (rp->st.expect_fail)
		fprintf(stderr, "%s: diff: %s: %" PRIu64 " expectations of the trace do not hold here\n", prog,
			which, rp->st.expect_fail);
}

/* ------------------------------------------------------------------ collecting */

static struct diff_row *diff_row(struct diff_table *t, const char *name)
{
	struct diff_row *r;

	for (size_t i = 0; i < t->nr; i++)
		if (!strcmp(t->rows[i].name, name))
			return &t->rows[i];
	if (ARRAY_GROW(t->rows, t->cap, t->nr + 1))
		return NULL;
	r = &t->rows[t->nr];
	memset(r, 0, sizeof(*r));
	if (!(r->name = strdup(name)))
		return NULL;
	t->nr++;
	return r;
}

static int diff_put(struct diff_table *t, const char *name, int side, const struct diff_side *v)
{
	struct diff_row *r = diff_row(t, name);

	if (!r)
		return -1;
	r->side[side] = *v;
	r->side[side].present = true;
	return 0;
}

/* Large kmallocs bypass the caches: whole pages from the buddy allocator. */
static int diff_collect_large(struct diff_table *t, const struct sim *sim, int side)
{
	struct diff_side v = { 0 };
	uint64_t requested = 0;

	for (uint32_t i = 0; i < sim->nr_large_entries; i++) {
		const struct large_block *b = &sim->large[i];

		if (!b->live)
			continue;
		v.objects++;
		v.memory += (uint64_t)sim->env.ac.page_size << b->order;
		requested += b->size;
	}
	v.waste = v.memory - requested;
	return v.objects ? diff_put(t, "page allocator", side, &v) : 0;
}

static int diff_collect(struct diff_table *t, const struct sim *sim, int side)
{
	struct sim_cache_usage *occ = calloc(sim->nr_caches ? sim->nr_caches : 1, sizeof(*occ));
	int ret = 0;

	if (!occ)
		return -1;
	sim_cache_usage(sim, occ);
	for (unsigned k = 0; k < sim->nr_caches && !ret; k++) {
		const struct kmem_cache *s = sim->caches[k];
		struct diff_side v = { .objects = occ[k].objects, .slabs = occ[k].slabs };

		if (!v.objects && !v.slabs)
			continue;
		v.memory = occ[k].pages * sim->env.ac.page_size;
		v.waste = v.memory - v.objects * s->object_size;
		ret = diff_put(t, s->name, side, &v);
	}
	free(occ);
	return ret ? ret : diff_collect_large(t, sim, side);
}

/*
 * Replay @path under one side's configuration and add its caches to @t.
 * Returns 0, 1 if the replay had errors, EXIT_USAGE if the trace could not be
 * read or the configuration did not boot.
 */
static int diff_replay(struct cli *side, const char *which, const char *path, int fmt, struct diff_table *t,
		       int idx)
{
	struct replay_opts opts = { .cli_set = slubsim_options_given(side->model), .quiet_faults = true };
	char *text = NULL;
	size_t len = 0;
	struct replay rp = { 0 };	/* released even when the trace could not be opened */
	struct trace_reader rd = { 0 };
	int ret = 0;

	opts.err = open_memstream(&text, &len);
	if (!opts.err) {
		fprintf(stderr, "%s: out of memory\n", side->prog);
		return EXIT_USAGE;
	}
	if (replay_run(side->prog, slubsim_config(side->model), path, fmt, &opts, 0, false, &rp, &rd) < 0)
		ret = EXIT_USAGE;
	fclose(opts.err);
	diff_say_replay(side->prog, which, &rp, text);
	if (!ret && !rp.sim)
		ret = EXIT_USAGE;
	if (!ret && (rp.st.errors || rd.stats.errors))
		ret = EXIT_INPUT_ERRORS;
	if (rp.sim && diff_collect(t, rp.sim, idx)) {
		fprintf(stderr, "%s: out of memory\n", side->prog);
		ret = EXIT_USAGE;
	}
	free(text);
	replay_release(&rp);
	trace_close(&rd);
	return ret;
}

/* ------------------------------------------------------------------ output */

/* b - a; a cache missing on one side counts as empty there */
static int64_t diff_delta(uint64_t a, uint64_t b)
{
	return (int64_t)(b - a);
}

static int diff_cmp(const void *pa, const void *pb)
{
	const struct diff_row *a = pa, *b = pb;
	int64_t da = diff_delta(a->side[0].memory, a->side[1].memory);
	int64_t db = diff_delta(b->side[0].memory, b->side[1].memory);
	uint64_t ma = (uint64_t)(da < 0 ? -da : da), mb = (uint64_t)(db < 0 ? -db : db);

	if (ma != mb)
		return ma < mb ? 1 : -1;
	return strcmp(a->name, b->name);
}

static struct diff_row diff_totals(const struct diff_table *t)
{
	struct diff_row tot = { .name = "total" };

	for (int k = 0; k < 2; k++) {
		tot.side[k].present = true;
		for (size_t i = 0; i < t->nr; i++) {
			tot.side[k].objects += t->rows[i].side[k].objects;
			tot.side[k].slabs += t->rows[i].side[k].slabs;
			tot.side[k].memory += t->rows[i].side[k].memory;
			tot.side[k].waste += t->rows[i].side[k].waste;
		}
	}
	return tot;
}

/* A value of one side, or '-' where that side has no such cache. */
static void diff_cell(FILE *out, const char *sep, int width, const struct diff_side *v, uint64_t x)
{
	if (v->present)
		fprintf(out, "%s%*" PRIu64, sep, width, x);
	else
		fprintf(out, "%s%*s", sep, width, "-");
}

static void diff_print_row(FILE *out, const struct diff_row *r, bool tsv)
{
	const struct diff_side *a = &r->side[0], *b = &r->side[1];
	const char *sep = tsv ? "\t" : " ";
	int w = tsv ? 0 : 9, ws = tsv ? 0 : 7, wm = tsv ? 0 : 11;

	fprintf(out, tsv ? "%s" : "%-22s", r->name);
	diff_cell(out, sep, w, a, a->objects);
	diff_cell(out, sep, w, b, b->objects);
	diff_cell(out, sep, ws, a, a->slabs);
	diff_cell(out, sep, ws, b, b->slabs);
	diff_cell(out, sep, wm, a, a->memory);
	diff_cell(out, sep, wm, b, b->memory);
	fprintf(out, "%s%+*" PRId64, sep, wm, diff_delta(a->memory, b->memory));
	diff_cell(out, sep, wm, a, a->waste);
	diff_cell(out, sep, wm, b, b->waste);
	fprintf(out, "%s%+*" PRId64 "\n", sep, wm, diff_delta(a->waste, b->waste));
}

static void diff_print_text(FILE *out, const struct diff_table *t, const char *opts[2], bool tsv)
{
	struct diff_row tot = diff_totals(t);

	if (tsv) {
		fputs("# cache\tobjects_a\tobjects_b\tslabs_a\tslabs_b\tmemory_a\tmemory_b\tmemory_diff\twaste_a"
		      "\twaste_b\twaste_diff\n", out);
	} else {
		fprintf(out, "a: %s\nb: %s\nmemory and waste in bytes; diff = b - a\n\n", opts[0], opts[1]);
		fprintf(out, "%-22s %9s %9s %7s %7s %11s %11s %11s %11s %11s %11s\n", "CACHE", "OBJS_A", "OBJS_B",
			"SLABS_A", "SLABS_B", "MEM_A", "MEM_B", "MEM_DIFF", "WASTE_A", "WASTE_B", "WASTE_DIFF");
	}
	for (size_t i = 0; i < t->nr; i++)
		diff_print_row(out, &t->rows[i], tsv);
	diff_print_row(out, &tot, tsv);
}

static void diff_json_side(FILE *out, const struct diff_side *v)
{
	if (!v->present) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"objects\": %" PRIu64 ", \"slabs\": %" PRIu64 ", \"memory\": %" PRIu64
		", \"waste\": %" PRIu64 "}", v->objects, v->slabs, v->memory, v->waste);
}

static void diff_json_row(FILE *out, const struct diff_row *r)
{
	fputs("{\"name\": ", out);
	json_string(out, r->name);
	fputs(", \"a\": ", out);
	diff_json_side(out, &r->side[0]);
	fputs(", \"b\": ", out);
	diff_json_side(out, &r->side[1]);
	fprintf(out, ", \"memory_diff\": %" PRId64 ", \"waste_diff\": %" PRId64 "}",
		diff_delta(r->side[0].memory, r->side[1].memory), diff_delta(r->side[0].waste, r->side[1].waste));
}

static void diff_print_json(FILE *out, const struct diff_table *t, const char *opts[2])
{
	struct diff_row tot = diff_totals(t);

	fputs("{\"a\": ", out);
	json_string(out, opts[0]);
	fputs(", \"b\": ", out);
	json_string(out, opts[1]);
	fputs(",\n \"caches\": [", out);
	for (size_t i = 0; i < t->nr; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		diff_json_row(out, &t->rows[i]);
	}
	fputs("\n ],\n \"total\": ", out);
	diff_json_row(out, &tot);
	fputs("\n}\n", out);
}

/* ------------------------------------------------------------------ the command */

struct diff_args {
	const char *opts[2];
	const char *path;
	int format, trace_format;
};

static int diff_parse_format(const char *s)
{
	static const char *const names[] = { "table", "tsv", "json" };

	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* 0, -1 after --help, or EXIT_USAGE. */
static int diff_args(struct cli *cli, int argc, char **argv, struct diff_args *da)
{
	static const struct option longopts[] = {
		{ "a", required_argument, NULL, 'a' },
		{ "b", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "trace-format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:F:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': da->opts[0] = optarg; break;
		case 'b': da->opts[1] = optarg; break;
		case 'f':
			if ((da->format = diff_parse_format(optarg)) < 0)
				return cli_usage_error(cli, "diff", "unknown format '%s' (table, tsv, json)", optarg);
			break;
		case 'F':
			if ((da->trace_format = trace_parse_format(optarg)) < 0)
				return cli_usage_error(cli, "diff", "unknown trace format '%s' (auto, native, ftrace)",
						       optarg);
			break;
		case 'h':
			fputs(diff_help, stdout);
			return -1;
		default:
			return cli_option_error(cli, "diff", c, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(cli, "diff", optind < argc ? "one trace at a time" : "which trace?");
	da->path = argv[optind];
	if (!strcmp(da->path, "-"))
		return cli_usage_error(cli, "diff", "the trace is read twice: give a file, not standard input");
	return 0;
}

static void diff_table_release(struct diff_table *t)
{
	for (size_t i = 0; i < t->nr; i++)
		free(t->rows[i].name);
	free(t->rows);
}

int cmd_diff(struct cli *cli, int argc, char **argv)
{
	struct diff_args da = { .opts = { "", "" }, .format = DIFF_TABLE, .trace_format = TRACE_FMT_AUTO };
	static const char *const which[2] = { "--a", "--b" };
	struct diff_table t = { 0 };
	struct cli side[2];
	int ret = diff_args(cli, argc, argv, &da), r;

	if (ret)
		return ret < 0 ? 0 : ret;
	if ((ret = diff_side_cli(cli, which[0], da.opts[0], &side[0])))
		return ret;
	if ((ret = diff_side_cli(cli, which[1], da.opts[1], &side[1]))) {
		slubsim_free(side[0].model);
		return ret;
	}
	for (int k = 0; k < 2 && ret != EXIT_USAGE; k++)
		if ((r = diff_replay(&side[k], which[k], da.path, da.trace_format, &t, k)) > ret)
			ret = r;
	if (ret != EXIT_USAGE) {
		qsort(t.rows, t.nr, sizeof(*t.rows), diff_cmp);
		if (da.format == DIFF_JSON)
			diff_print_json(stdout, &t, da.opts);
		else
			diff_print_text(stdout, &t, da.opts, da.format == DIFF_TSV);
	}
	diff_table_release(&t);
	slubsim_free(side[0].model);
	slubsim_free(side[1].model);
	return ret;
}
