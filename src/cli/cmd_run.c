/* slubsim run: replay a trace and report what the caches look like afterwards. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"
#include "src/replay/run.h"
#include "report.h"

static const char run_help[] =
	"Usage: slubsim [MODEL OPTIONS] run [OPTIONS] TRACE|-\n"
	"Replay a trace: the native trace language (slubsim-trace(5)) or ftrace kmem\n"
	"events (/sys/kernel/tracing/trace, trace-cmd report). Model options on the\n"
	"command line override the trace's config lines.\n"
	"\n"
	"  -F, --format=FMT       auto (default), native or ftrace\n"
	"  -e, --events           one line per event: event, line, CPU, operation, name\n"
	"                         (ftrace: the task), address, cache, ksize, path taken,\n"
	"                         fault, note, the trace's pointer and call site (ftrace)\n"
	"      --until=N          stop after N events\n"
	"  -s, --summary          counts of events, errors, faults and expectations\n"
	"      --slabinfo         /proc/slabinfo after the trace\n"
	"      --sysfs            /sys/kernel/slab as NAME<TAB>ATTRIBUTE<TAB>VALUE after the trace\n"
	"      --json             the caches as JSON after the trace\n"
	"      --check-bytes-alloc  compare each ftrace kmalloc event's bytes_alloc with the\n"
	"                         model; the last line is 'bytes_alloc agreement: M/N'\n"
	"      --validate         after the trace, validate every cache with debug flags, as\n"
	"                         writing 1 to /sys/kernel/slab/CACHE/validate does; the last\n"
	"                         line is 'validate: N caches, M errors'\n"
	"  -k, --keep-going       go on past errors in the trace and count them (without\n"
	"                         it the replay stops at the first; --summary says where)\n"
	"  -q, --quiet            do not print SLUB's reports\n"
	"  -h, --help             show this help\n"
	"\n"
	"Exit status: 0, 1 if the trace had errors, failed expectations, bytes_alloc\n"
	"mismatches or validation errors, 2 for usage errors or an unreadable trace.\n";

enum { OPT_UNTIL = 256, OPT_SLABINFO, OPT_SYSFS, OPT_JSON, OPT_CHECK_BYTES, OPT_VALIDATE };

struct run_ctx {
	bool events;
	FILE *out;
	uint64_t n;
};

/* The trace's own pointer and call site (ftrace), "-\t-" for a native event. */
static void print_trace_ids(FILE *out, const struct trace_event *ev)
{
	if (ev->kind >= TEV_FT_KMALLOC && (ev->ft.fields & FTF_PTR))
		fprintf(out, "\t0x%llx", (unsigned long long)ev->ft.ptr);
	else
		fputs("\t-", out);
	fprintf(out, "\t%s\n", ev->kind >= TEV_FT_KMALLOC && ev->ft.call_site ? ev->ft.call_site : "-");
}

/*
 * An event that did not reach the model (a free of an object allocated
 * before the trace, the second record of a large kmalloc, kfree(NULL), an
 * error with -k): numbered like the others, no model address.
 */
static void print_unmodelled(FILE *out, uint64_t n, const struct replay_step *st)
{
	const struct trace_event *ev = st->ev;
	const char *cache = ev->kind >= TEV_FT_KMALLOC && ev->ft.name ? ev->ft.name : "-";

	fprintf(out, "%llu\t%u\t%u\t%s\t%s\t-\t%s\t-\t%s\t-\t%s", (unsigned long long)n, ev->line, ev->cpu,
		ev->op ? ev->op : trace_kind_name(ev->kind), st->name ? st->name : "-", cache,
		st->before_trace ? "before-trace" : "-", st->message && *st->message ? st->message : "-");
	print_trace_ids(out, ev);
}

static void events_hook(void *ctx, const struct replay *rp, const struct replay_step *st)
{
	struct run_ctx *rc = ctx;
	const struct sim_op *op = st->op;
	const char *cache = "-";

	if (!rc->events || !trace_kind_is_event(st->ev->kind))
		return;
	rc->n = rp->st.events;
	if (!op) {
		print_unmodelled(rc->out, rc->n, st);
		return;
	}
	if (op->cache)
		cache = op->cache->name;
	else if (op->path == PATH_LARGE || op->path == PATH_FREE_LARGE)
		cache = "page";
	fprintf(rc->out, "%llu\t%u\t%u\t%s\t%s\t0x%llx\t%s\t%llu\t%s\t%s\t%s", (unsigned long long)rc->n,
		st->ev->line, op->cpu, st->ev->op ? st->ev->op : trace_kind_name(st->ev->kind),
		st->name ? st->name : "-", (unsigned long long)op->addr, cache, (unsigned long long)st->ksize,
		sim_path_name(op->path), op->nr_faults ? sim_fault_name(op->fault) : "-",
		st->message && *st->message ? st->message : "-");
	print_trace_ids(rc->out, st->ev);
}

static void print_summary(FILE *out, const struct replay *rp, const struct trace_reader *rd)
{
	const struct replay_stats *st = &rp->st;

	fprintf(out, "trace:          %s (%s)\n", rd->name, trace_format_name(rd->format));
	/* the parsing thread reads ahead: where the replay stopped is the line that counts */
	if (rp->stop_line)
		fprintf(out, "lines:          %u replayed\n", rp->stop_line);
	else
		fprintf(out, "lines:          %llu\n", (unsigned long long)rd->stats.lines);
	if (rp->stop_until)
		fprintf(out, "stopped early:  after %llu events (--until), at line %u\n", (unsigned long long)rp->stop_until,
			rp->stop_line);
	else if (rp->stop_line)
		fprintf(out, "stopped early:  at line %u, the first error (-k goes on past errors)\n", rp->stop_line);
	fprintf(out, "events:         %llu (%llu applied to the model)\n", (unsigned long long)st->events,
		(unsigned long long)st->modelled);
	fprintf(out, "errors:         %llu\n", (unsigned long long)(st->errors + rd->stats.errors));
	fprintf(out, "SLUB reports:   %llu\n", (unsigned long long)st->faults);
	/* the count lib/slub_kunit.c asserts on: each report and each FIX line */
	fprintf(out, "KUnit errors:   %llu\n", (unsigned long long)(rp->sim ? sim_slab_errors(rp->sim) : 0));
	fprintf(out, "expectations:   %llu passed, %llu failed\n", (unsigned long long)st->expect_pass,
		(unsigned long long)st->expect_fail);
	if (st->alloc_failed)
		fprintf(out, "failed allocs:  %llu\n", (unsigned long long)st->alloc_failed);
	{
		struct rusage ru;

		if (!getrusage(RUSAGE_SELF, &ru))
			fprintf(out, "peak memory:    %ld KiB (the whole process)\n", ru.ru_maxrss);
		fprintf(out, "live objects:   %u\n", rp->names.live + rp->ptrs.live);
	}
	if (rd->format == TRACE_FMT_FTRACE) {
		fprintf(out, "frees of objects allocated before the trace: %llu\n",
			(unsigned long long)st->unknown_frees);
		fprintf(out, "allocations over a live pointer (lost frees): %llu\n", (unsigned long long)st->remapped);
		if (st->relogged)
			fprintf(out, "large kmallocs traced twice (6.10+), counted once: %llu\n",
				(unsigned long long)st->relogged);
		if (rp->opts.learn)
			fprintf(out, "cache names learnt from frees: %u%s\n", learn_freed_names(rp->opts.learn),
				rp->opts.learn->frozen ? "" : " (as the replay went: a pipe)");
		if (rp->opts.learn && !rp->opts.learn->frozen)
			fprintf(out, "traced caches a free named: %llu renamed, %llu merged into the cache of that name\n",
				(unsigned long long)st->renamed, (unsigned long long)st->merged);
		fprintf(out, "named frees of objects counted in another cache: %llu\n",
			(unsigned long long)st->misnamed);
		if (st->config_mismatch)
			fprintf(out, "sizes the model's configuration does not give: %llu\n",
				(unsigned long long)st->config_mismatch);
		fprintf(out, "other events skipped: %llu\n",
			(unsigned long long)(st->ignored_events + rd->stats.other_events));
		if (rd->stats.lost_events)
			fprintf(out, "events the kernel lost: %llu\n", (unsigned long long)rd->stats.lost_events);
	}
}

/*
 * --validate: validate_slab_cache() of every cache with debug flags, as a
 * script writing 1 to each /sys/kernel/slab/CACHE/validate after a workload
 * would. Prints what is found; the number of errors the kernel's KUnit
 * suite would count.
 */
static uint64_t validate_all(FILE *out, struct sim *sim, bool quiet)
{
	uint64_t before = sim_slab_errors(sim);
	unsigned caches = 0;
	struct kmem_cache *s;
	struct sim_op op;

	for (unsigned i = 0; (s = sim_cache_slabinfo_order(sim, i)); i++) {
		if (!kmem_cache_debug(s) || sim_validate_cache(sim, s, &op) < 0)
			continue;
		caches++;
		if (op.nr_faults && !quiet)
			fprintf(stderr, "validate %s:\n%s", s->name, op.fault_text);
	}
	fprintf(out, "validate: %u caches, %llu errors\n", caches,
		(unsigned long long)(sim_slab_errors(sim) - before));
	return sim_slab_errors(sim) - before;
}

int cmd_run(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'F' },
		{ "events", no_argument, NULL, 'e' },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "summary", no_argument, NULL, 's' },
		{ "slabinfo", no_argument, NULL, OPT_SLABINFO },
		{ "sysfs", no_argument, NULL, OPT_SYSFS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "check-bytes-alloc", no_argument, NULL, OPT_CHECK_BYTES },
		{ "validate", no_argument, NULL, OPT_VALIDATE },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay_opts opts = { .cli_set = cli_cfg_set(cli) };
	struct run_ctx rc = { .out = stdout };
	bool summary = false, slabinfo = false, sysfs = false, json = false, keep_going = false, validate = false;
	int fmt = TRACE_FMT_AUTO, c, ret = 0;
	uint64_t until = 0;
	struct replay rp;
	struct trace_reader rd;
	char *end;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":F:eskqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			fmt = trace_parse_format(optarg);
			if (fmt < 0)
				return cli_usage_error(cli, "run", "unknown trace format '%s' (auto, native, ftrace)", optarg);
			break;
		case 'e': rc.events = true; break;
		case OPT_UNTIL:
			errno = 0;
			until = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg || *optarg == '-' || !until)
				return cli_usage_error(cli, "run", "--until needs a positive number, not '%s'", optarg);
			break;
		case 's': summary = true; break;
		case OPT_SLABINFO: slabinfo = true; break;
		case OPT_SYSFS: sysfs = true; break;
		case OPT_JSON: json = true; break;
		case OPT_CHECK_BYTES: opts.check_bytes_alloc = true; break;
		case OPT_VALIDATE: validate = true; break;
		case 'k': keep_going = true; break;
		case 'q': opts.quiet_faults = true; break;
		case 'h':
			fputs(run_help, stdout);
			return 0;
		case ':':
			return cli_usage_error(cli, "run", "option '%s' requires an argument", argv[optind - 1]);
		default:
			return cli_usage_error(cli, "run", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(cli, "run", optind < argc ? "one trace at a time" : "which trace? (a file, or -)");
	if (rc.events) {
		/* without --events the hook prints nothing: spare replay_event() its ksize lookup */
		opts.hook = events_hook;
		opts.hook_ctx = &rc;
		printf("# event\tline\tcpu\top\tname\taddr\tcache\tksize\tpath\tfault\tnote\ttptr\tsite\n");
	}
	if (replay_run(cli->prog, cli_cfg(cli), argv[optind], fmt, &opts, until, keep_going, &rp, &rd) < 0) {
		replay_release(&rp);
		trace_close(&rd);
		return EXIT_USAGE;
	}
	if (summary)
		print_summary(stdout, &rp, &rd);
	if (rp.sim) {
		if (slabinfo)
			report_slabinfo(stdout, rp.sim);
		if (sysfs)
			report_sysfs(stdout, rp.sim);
		if (json)
			report_json(stdout, rp.sim);
	}
	if (rp.st.errors || rd.stats.errors || rp.st.expect_fail)
		ret = EXIT_INPUT_ERRORS;
	if (validate && (replay_boot(&rp) || validate_all(stdout, rp.sim, opts.quiet_faults)))
		ret = EXIT_INPUT_ERRORS;
	if (keep_going && (rp.st.errors || rd.stats.errors))
		fprintf(stderr, "%s: %llu errors\n", rd.name, (unsigned long long)(rp.st.errors + rd.stats.errors));
	if (opts.check_bytes_alloc) {
		for (unsigned i = 0; i < rp.nr_mismatch; i++)
			printf("%s:%llu: bytes_alloc %llu, the model says %llu\n", rd.name,
			       (unsigned long long)rp.mismatch[i].line, (unsigned long long)rp.mismatch[i].want,
			       (unsigned long long)rp.mismatch[i].got);
		printf("bytes_alloc agreement: %llu/%llu\n", (unsigned long long)rp.st.bytes_alloc_agree,
		       (unsigned long long)rp.st.bytes_alloc_total);
		if (rp.st.bytes_alloc_agree < rp.st.bytes_alloc_total)
			ret = EXIT_INPUT_ERRORS;
	}
	replay_release(&rp);
	trace_close(&rd);
	return ret;
}
