/* slubsim plot: the occupancy of the busiest caches over a trace, drawn with cairo. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "cli.h"
#include "sim/array.h"
#include "sim/usage.h"
#include "src/replay/run.h"
#include "sim/kver.h"
#include "src/trace/trace.h"

static const char plot_help[] =
	"Usage: slubsim [MODEL OPTIONS] plot [OPTIONS] -o FILE.svg|FILE.png TRACE\n"
	"Replay TRACE and draw how many objects (allocated, not freed) and pages the\n"
	"busiest caches hold as the trace goes on: the --top caches by peak objects, one\n"
	"line each, sampled every max(1, events/1000) events. Caches no operation of the\n"
	"trace allocates from or frees to (kmem_cache, kmem_cache_node: they change only\n"
	"as caches are created) are left out unless --unchanged.\n"
	"Standard output lists the plotted caches, tab separated after a '#' header:\n"
	"cache, peak_objects, peak_pages.\n"
	"\n"
	"  -o, --output=FILE      the picture: .png or .svg (required)\n"
	"      --top=N            how many caches (1-20, default 8)\n"
	"      --unchanged        plot the caches no operation used too\n"
	"      --metric=WHAT      objects (default), pages, or both (two panels)\n"
	"      --width=PX         picture width (200-10000, default 1000)\n"
	"      --height=PX        picture height (150-10000, default 560, 860 for both)\n"
	"  -F, --format=FMT       trace format: auto (default), native or ftrace\n"
	"  -h, --help             show this help\n"
	"\n"
	"SLUB's reports and failed expectations are not printed. Exit status: 0, 1 if the\n"
	"replay had errors (the picture shows the events before the first), 2 for usage\n"
	"errors, an unreadable trace or a picture that cannot be written.\n";

enum { PLOT_OBJECTS = 1, PLOT_PAGES = 2 };
enum { OPT_TOP = 256, OPT_METRIC, OPT_WIDTH, OPT_HEIGHT, OPT_UNCHANGED };

struct plot_args {
	const char *out, *path;
	unsigned top, metric, width, height;
	int trace_format;
	bool unchanged;		/* --unchanged: caches that never change may be plotted */
};

/* A cache by name with the peak the samples saw. */
struct plot_cache {
	char *name;
	uint64_t peak_objects, peak_pages;
	bool used;			/* an operation of the trace allocated from it or freed to it */
};

struct plot_ctx {
	uint64_t interval;		/* sample every this many events */
	bool rank;			/* first replay: every cache's peak, interval doubling */
	bool *touched;			/* first replay: by cache index, an operation used the cache */
	unsigned touched_cap;
	struct plot_cache *caches;
	unsigned nr_caches, caches_cap;
	unsigned top;			/* second replay: the first @top caches are plotted */
	double *x, *objects, *pages;	/* samples; objects and pages [sample * top + i] */
	size_t nr_samples, x_cap, objects_cap, pages_cap;
	uint64_t last_x;
	struct sim_cache_usage *occ;		/* scratch, one per cache of the model */
	unsigned occ_cap;
	bool nomem;
};

/* ------------------------------------------------------------------ sampling */

static struct plot_cache *plot_cache(struct plot_ctx *pc, const char *name)
{
	struct plot_cache *c;

	for (unsigned i = 0; i < pc->nr_caches; i++)
		if (!strcmp(pc->caches[i].name, name))
			return &pc->caches[i];
	if (ARRAY_GROW(pc->caches, pc->caches_cap, pc->nr_caches + 1))
		return NULL;
	c = &pc->caches[pc->nr_caches];
	memset(c, 0, sizeof(*c));
	if (!(c->name = strdup(name)))
		return NULL;
	pc->nr_caches++;
	return c;
}

/* The model's occupancy now, into pc->occ. */
static int plot_occ(struct plot_ctx *pc, const struct sim *sim)
{
	if (ARRAY_GROW(pc->occ, pc->occ_cap, sim->nr_caches))
		return -1;
	sim_cache_usage(sim, pc->occ);
	return 0;
}

/* First replay: raise every live cache's peak. */
static int plot_rank_sample(struct plot_ctx *pc, const struct sim *sim)
{
	for (unsigned k = 0; k < sim->nr_caches; k++) {
		struct plot_cache *c;

		if (sim->caches[k]->dead || !pc->occ[k].slabs)
			continue;
		if (!(c = plot_cache(pc, sim->caches[k]->name)))
			return -1;
		c->used |= k < pc->touched_cap && pc->touched[k];
		if (pc->occ[k].objects > c->peak_objects)
			c->peak_objects = pc->occ[k].objects;
		if (pc->occ[k].pages > c->peak_pages)
			c->peak_pages = pc->occ[k].pages;
	}
	/* ~1000-2000 samples whatever the length, without knowing it yet */
	if (++pc->nr_samples == 1000) {
		pc->nr_samples = 0;
		pc->interval *= 2;
	}
	return 0;
}

/* The plotted cache @name in the model, NULL while it does not exist. */
static const struct kmem_cache *plot_find(const struct sim *sim, const char *name)
{
	const struct kmem_cache *s = sim_find_cache(sim, name);

	return s && !s->dead && !strcmp(s->name, name) ? s : NULL;
}

/* Second replay: one column of the plotted caches' values; NAN where a cache does not exist. */
static int plot_take_sample(struct plot_ctx *pc, const struct sim *sim, uint64_t x)
{
	size_t n = pc->nr_samples;

	if (ARRAY_GROW(pc->x, pc->x_cap, n + 1) || ARRAY_GROW(pc->objects, pc->objects_cap, (n + 1) * pc->top) ||
	    ARRAY_GROW(pc->pages, pc->pages_cap, (n + 1) * pc->top))
		return -1;
	pc->x[n] = (double)x;
	for (unsigned i = 0; i < pc->top; i++) {
		const struct kmem_cache *s = plot_find(sim, pc->caches[i].name);

		pc->objects[n * pc->top + i] = s ? (double)pc->occ[s->index].objects : NAN;
		pc->pages[n * pc->top + i] = s ? (double)pc->occ[s->index].pages : NAN;
	}
	pc->nr_samples++;
	pc->last_x = x;
	return 0;
}

static int plot_sample(struct plot_ctx *pc, const struct sim *sim, uint64_t x)
{
	if (plot_occ(pc, sim))
		return -1;
	return pc->rank ? plot_rank_sample(pc, sim) : plot_take_sample(pc, sim, x);
}

/* First replay: remember the caches operations used, between samples too (an allocation at the first event). */
static void plot_touch(struct plot_ctx *pc, const struct sim *sim, const struct kmem_cache *s)
{
	if (s->index >= pc->touched_cap) {
		bool *t = realloc(pc->touched, sim->nr_caches * sizeof(*t));

		if (!t) {
			pc->nomem = true;
			return;
		}
		memset(t + pc->touched_cap, 0, (sim->nr_caches - pc->touched_cap) * sizeof(*t));
		pc->touched = t;
		pc->touched_cap = sim->nr_caches;
	}
	pc->touched[s->index] = true;
}

static void plot_hook(void *ctx, const struct replay *rp, const struct replay_step *st)
{
	struct plot_ctx *pc = ctx;

	if (pc->rank && st->op && st->op->cache)
		plot_touch(pc, rp->sim, st->op->cache);
	/* x is the event number, as everywhere: events that changed nothing are samples too */
	if (!trace_kind_is_event(st->ev->kind) || pc->nomem || rp->st.events % pc->interval)
		return;
	if (plot_sample(pc, rp->sim, rp->st.events))
		pc->nomem = true;
}

/* ------------------------------------------------------------------ replays */

/* What went wrong in the replay, said once (the first replay): errors with what came before them. */
static void plot_say_errors(const struct cli *cli, const struct replay *rp, const char *text)
{
	if (rp->st.errors || !rp->sim)
		fprintf(stderr, "%s: plot: the replay failed:\n%s", cli->prog, text);
}

/* Replay the trace once with the sampling hook. 0, 1 for replay errors, EXIT_USAGE. */
static int plot_replay(struct cli *cli, const struct plot_args *pa, struct plot_ctx *pc, struct replay *rp,
		       struct trace_reader *rd)
{
	struct replay_opts opts = { .cli_set = cli_cfg_set(cli), .quiet_faults = true, .hook = plot_hook,
				    .hook_ctx = pc };
	char *text = NULL;
	size_t len = 0;
	int r;

	memset(rp, 0, sizeof(*rp));	/* released even when the trace could not be opened */
	memset(rd, 0, sizeof(*rd));
	/* failed expectations describe the trace's own configuration: not errors here */
	if (!(opts.err = open_memstream(&text, &len)))
		return EXIT_USAGE;
	r = replay_run(cli->prog, cli_cfg(cli), pa->path, pa->trace_format, &opts, 0, false, rp, rd);
	fclose(opts.err);
	if (pc->rank)
		plot_say_errors(cli, rp, text);
	free(text);
	if (r < 0 || !rp->sim)
		return EXIT_USAGE;
	/* the end of the trace is always a sample */
	if (!pc->nomem && (pc->rank || pc->last_x != rp->st.events) && plot_sample(pc, rp->sim, rp->st.events))
		pc->nomem = true;
	if (pc->nomem) {
		fprintf(stderr, "%s: plot: out of memory\n", cli->prog);
		return EXIT_USAGE;
	}
	return rp->st.errors || rd->stats.errors ? EXIT_INPUT_ERRORS : 0;
}

static int plot_by_peak(const void *pa, const void *pb)
{
	const struct plot_cache *a = pa, *b = pb;

	if (a->peak_objects != b->peak_objects)
		return a->peak_objects < b->peak_objects ? 1 : -1;
	return strcmp(a->name, b->name);
}

/* The first replay ranks the caches by peak objects and counts the events; keeps the top ones. */
static int plot_rank(struct cli *cli, const struct plot_args *pa, struct plot_ctx *pc, uint64_t *events)
{
	struct replay rp;
	struct trace_reader rd;
	int ret;

	pc->rank = true;
	pc->interval = 1;
	ret = plot_replay(cli, pa, pc, &rp, &rd);
	*events = rp.st.events;
	replay_release(&rp);
	trace_close(&rd);
	if (ret == EXIT_USAGE)
		return ret;
	if (!pa->unchanged) {
		unsigned n = 0;

		for (unsigned i = 0; i < pc->nr_caches; i++) {
			/*
			 * No operation of the trace used it: what it holds came
			 * from boot or from creating caches (kmem_cache,
			 * kmem_cache_node), a line that tells nothing about the trace
			 */
			if (!pc->caches[i].used)
				free(pc->caches[i].name);
			else
				pc->caches[n++] = pc->caches[i];
		}
		pc->nr_caches = n;
	}
	qsort(pc->caches, pc->nr_caches, sizeof(*pc->caches), plot_by_peak);
	pc->top = pc->nr_caches < pa->top ? pc->nr_caches : pa->top;
	for (unsigned i = 0; i < pc->top; i++)
		pc->caches[i].peak_objects = pc->caches[i].peak_pages = 0;
	return ret;
}

/* "name — Linux 6.1, x86_64, 2 CPUs, slub_debug=FZPU" from the configuration the trace ran with. */
static void plot_title(char *buf, size_t len, const char *path, const struct sim_config *cfg)
{
	const char *base = strrchr(path, '/');

	snprintf(buf, len, "%s \u2014 Linux %s, %s, %u CPUs%s%s", base ? base + 1 : path, KV_STR(cfg->kver),
		 cfg->arch->name, cfg->cpus, cfg->cmdline && *cfg->cmdline ? ", " : "", cfg->cmdline ? cfg->cmdline : "");
}

/* The plotted caches and their peaks in the samples, for the reader and the tests. */
static void plot_print(const struct plot_ctx *pc)
{
	printf("# cache\tpeak_objects\tpeak_pages\n");
	for (unsigned i = 0; i < pc->top; i++) {
		double po = 0, pp = 0;

		for (size_t n = 0; n < pc->nr_samples; n++) {
			po = fmax(po, pc->objects[n * pc->top + i]);	/* fmax() skips NAN */
			pp = fmax(pp, pc->pages[n * pc->top + i]);
		}
		printf("%s\t%.0f\t%.0f\n", pc->caches[i].name, po, pp);
	}
}

static int plot_draw(const struct cli *cli, const struct plot_args *pa, const struct plot_ctx *pc,
		     const char *title, uint64_t events)
{
	struct chart_series *series = calloc(2 * (size_t)pc->top + 1, sizeof(*series));
	struct chart ch = { .title = title, .xlabel = "events", .x = pc->x, .nr_x = pc->nr_samples,
			    .xmax = events ? (double)events : 1, .width = pa->width, .height = pa->height };
	const char *why = NULL;
	int r;

	if (!series)
		return EXIT_USAGE;
	for (unsigned i = 0; i < pc->top; i++) {
		series[i] = (struct chart_series){ pc->caches[i].name, pc->objects + i, pc->top };
		series[pc->top + i] = (struct chart_series){ pc->caches[i].name, pc->pages + i, pc->top };
	}
	if (pa->metric & PLOT_OBJECTS)
		ch.panel[ch.nr_panels++] = (struct chart_panel){ "objects", series, pc->top };
	if (pa->metric & PLOT_PAGES)
		ch.panel[ch.nr_panels++] = (struct chart_panel){ "pages", series + pc->top, pc->top };
	r = chart_write(&ch, pa->out, &why);
	if (r)
		fprintf(stderr, "%s: plot: %s: %s\n", cli->prog, pa->out, why);
	free(series);
	return r ? EXIT_USAGE : 0;
}

/* A number option within [lo, hi]; -1 if it is not one. */
static long plot_number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno || end == s || *end || v < lo || v > hi ? -1 : v;
}

static int plot_metric(const char *s)
{
	if (!strcmp(s, "objects"))
		return PLOT_OBJECTS;
	if (!strcmp(s, "pages"))
		return PLOT_PAGES;
	return strcmp(s, "both") ? -1 : PLOT_OBJECTS | PLOT_PAGES;
}

/* --NAME=N within [lo, hi] into *out; 0, or EXIT_USAGE. */
static int plot_range(struct cli *cli, const char *name, long lo, long hi, unsigned *out)
{
	long v = plot_number(optarg, lo, hi);

	if (v < 0)
		return cli_usage_error(cli, "plot", "--%s needs a number from %ld to %ld, not '%s'", name, lo, hi,
				       optarg);
	*out = (unsigned)v;
	return 0;
}

/* One option of plot_args(); 0, or EXIT_USAGE. */
static int plot_option(struct cli *cli, int c, struct plot_args *pa)
{
	int m;

	switch (c) {
	case 'o': pa->out = optarg; return 0;
	case OPT_UNCHANGED: pa->unchanged = true; return 0;
	case OPT_TOP: return plot_range(cli, "top", 1, 20, &pa->top);
	case OPT_WIDTH: return plot_range(cli, "width", 200, 10000, &pa->width);
	case OPT_HEIGHT: return plot_range(cli, "height", 150, 10000, &pa->height);
	case OPT_METRIC:
		if ((m = plot_metric(optarg)) < 0)
			return cli_usage_error(cli, "plot", "unknown metric '%s' (objects, pages, both)", optarg);
		pa->metric = (unsigned)m;
		return 0;
	default:	/* 'F' */
		if ((pa->trace_format = trace_parse_format(optarg)) < 0)
			return cli_usage_error(cli, "plot", "unknown trace format '%s' (auto, native, ftrace)", optarg);
		return 0;
	}
}

/* 0, -1 after --help, or EXIT_USAGE. */
static int plot_args(struct cli *cli, int argc, char **argv, struct plot_args *pa)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "metric", required_argument, NULL, OPT_METRIC },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ "height", required_argument, NULL, OPT_HEIGHT },
		{ "unchanged", no_argument, NULL, OPT_UNCHANGED },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:F:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(plot_help, stdout);
			return -1;
		}
		if (c == ':' || c == '?')
			return cli_option_error(cli, "plot", c, argv);
		if ((r = plot_option(cli, c, pa)))
			return r;
	}
	if (optind != argc - 1)
		return cli_usage_error(cli, "plot", optind < argc ? "one trace at a time" : "which trace?");
	pa->path = argv[optind];
	if (!strcmp(pa->path, "-"))
		return cli_usage_error(cli, "plot", "the trace is read twice: give a file, not standard input");
	if (!pa->out)
		return cli_usage_error(cli, "plot", "where to? (-o FILE.svg or -o FILE.png)");
	if (chart_kind(pa->out) < 0)
		return cli_usage_error(cli, "plot", "'%s': the picture's name must end in .svg or .png", pa->out);
	if (!pa->height)
		pa->height = pa->metric == (PLOT_OBJECTS | PLOT_PAGES) ? 860 : 560;
	return 0;
}

static void plot_release(struct plot_ctx *pc)
{
	for (unsigned i = 0; i < pc->nr_caches; i++)
		free(pc->caches[i].name);
	free(pc->caches);
	free(pc->x);
	free(pc->objects);
	free(pc->pages);
	free(pc->occ);
	free(pc->touched);
}

int cmd_plot(struct cli *cli, int argc, char **argv)
{
	struct plot_args pa = { .top = 8, .metric = PLOT_OBJECTS, .width = 1000, .trace_format = TRACE_FMT_AUTO };
	struct plot_ctx pc = { 0 };
	struct replay rp;
	struct trace_reader rd;
	uint64_t events = 0;
	char title[512];
	int ret = plot_args(cli, argc, argv, &pa), r;

	if (ret)
		return ret < 0 ? 0 : ret;
	ret = plot_rank(cli, &pa, &pc, &events);
	if (ret != EXIT_USAGE) {
		pc.rank = false;
		pc.nr_samples = 0;
		pc.interval = events / 1000 > 1 ? events / 1000 : 1;
		ret = plot_replay(cli, &pa, &pc, &rp, &rd);
		if (ret != EXIT_USAGE) {
			plot_title(title, sizeof(title), pa.path, &rp.sim->cfg);
			if ((r = plot_draw(cli, &pa, &pc, title, events)))
				ret = r;
			else
				plot_print(&pc);
		}
		replay_release(&rp);
		trace_close(&rd);
	}
	plot_release(&pc);
	return ret;
}
