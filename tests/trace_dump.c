/*
 * trace_dump: parse a trace with libtrace and print what it saw, for the
 * shell tests and for timing the parser.
 *
 *	trace_dump [--format=auto|native|ftrace] [--events] [--quiet] FILE|-
 *
 * Errors go to stderr as "file:line:column: message". Then the counters:
 * "lines N", "events N", ..., and "kind NAME N" for every kind seen.
 * With --events, one line per event first. Exit 0 clean, 1 errors, 2 usage.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/trace/trace.h"

static void name(const char *key, const struct trace_name *n)
{
	if (n->is_null)
		printf(" %s=NULL", key);
	else if (n->s)
		printf(" %s=%s", key, n->s);
}

static void native_event(const struct trace_event *ev)
{
	name("result", &ev->result);
	name("obj", &ev->obj);
	name("cache", &ev->cache);
	name("other", &ev->other);
	if (ev->size)
		printf(" size=%" PRIu64, ev->size);
	if (ev->gfp)
		printf(" gfp=%#x", ev->gfp);
	if (ev->align)
		printf(" align=%" PRIu64, ev->align);
	if (ev->wrapper)
		printf(" wrapper=%s", trace_wrapper_name(ev->wrapper));
	if (ev->slab_flags)
		printf(" slab_flags=%#x", ev->slab_flags);
	if (ev->kind == TEV_WRITE)
		printf(" offset=%" PRIu64 " len=%" PRIu64, ev->offset, ev->len);
	if (ev->byte_given)
		printf(" byte=%u", ev->byte);
	if (ev->kind == TEV_CONFIG)
		printf(" key=%s", trace_config_key_name(ev->cfg_key));
	if (ev->text)
		printf(" text=\"%s\"", ev->text);
	for (unsigned i = 0; i < ev->nr_keys; i++)
		printf(" %s:%" PRIu64, ev->keys[i].text ? ev->keys[i].text : "?", ev->keys[i].num);
}

static void ftrace_event(const struct trace_event *ev)
{
	const struct trace_ftrace *f = &ev->ft;

	printf(" comm=%s pid=%d ts=%" PRIu64 " ptr=%#" PRIx64, f->comm, f->pid, f->ts_ns, f->ptr);
	if (f->fields & FTF_BYTES_REQ)
		printf(" req=%" PRIu64 " alloc=%" PRIu64, f->bytes_req, f->bytes_alloc);
	if (f->fields & FTF_GFP)
		printf(" gfp=%#x%s", f->gfp, f->gfp_unknown ? "+?" : "");
	if (f->fields & FTF_NODE)
		printf(" node=%d", f->node);
	if (f->name)
		printf(" name=%s", f->name);
	if (f->fields & FTF_PFN)
		printf(" pfn=%#" PRIx64 " order=%u", f->pfn, f->order);
	if (f->call_site)
		printf(" call_site=%s", f->call_site);
}

static void print_event(const struct trace_event *ev)
{
	printf("%u:%u %s cpu=%u", ev->line, ev->col, trace_kind_name(ev->kind), ev->cpu);
	if (ev->kind >= TEV_FT_KMALLOC)
		ftrace_event(ev);
	else
		native_event(ev);
	putchar('\n');
}

static void print_stats(const struct trace_reader *rd)
{
	const struct trace_stats *s = &rd->stats;

	printf("format %s\nlines %" PRIu64 "\nevents %" PRIu64 "\nignored %" PRIu64 "\nother_events %" PRIu64
	       "\nlost_events %" PRIu64 "\nerrors %" PRIu64 "\n",
	       trace_format_name(rd->format), s->lines, s->events, s->ignored, s->other_events, s->lost_events,
	       s->errors);
	for (int k = 0; k < NR_TEV; k++)
		if (s->by_kind[k])
			printf("kind %s %" PRIu64 "\n", trace_kind_name(k), s->by_kind[k]);
}

int main(int argc, char **argv)
{
	struct trace_reader rd;
	struct trace_event ev;
	int fmt = TRACE_FMT_AUTO, events = 0, quiet = 0, r;
	const char *path = NULL;
	FILE *fp;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--format=", 9) && (fmt = trace_parse_format(argv[i] + 9)) >= 0)
			continue;
		if (!strcmp(argv[i], "--events"))
			events = 1;
		else if (!strcmp(argv[i], "--quiet"))
			quiet = 1;
		else if (argv[i][0] != '-' || !strcmp(argv[i], "-"))
			path = argv[i];
		else
			path = NULL, i = argc;
	}
	if (!path || fmt < 0) {
		fprintf(stderr, "usage: trace_dump [--format=auto|native|ftrace] [--events] [--quiet] FILE|-\n");
		return 2;
	}
	fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!fp || trace_open_file(&rd, fp, path, fmt)) {
		perror(path);
		return 2;
	}
	while ((r = trace_next(&rd, &ev)) != TRACE_EOF && r != TRACE_IOERR) {
		if (r == TRACE_ERROR)
			fprintf(stderr, "%s\n", rd.err.text);
		else if (events)
			print_event(&ev);
	}
	if (r == TRACE_IOERR)
		fprintf(stderr, "%s\n", rd.err.text);
	if (!quiet)
		print_stats(&rd);
	trace_close(&rd);
	if (fp != stdin)
		fclose(fp);
	return r == TRACE_IOERR ? 2 : rd.stats.errors ? 1 : 0;
}
