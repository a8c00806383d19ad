/* slubsim explain: where kmalloc(size) lands, how aligned it is, and what each Rust wrapper makes of it. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "sim/explain.h"
#include "sim/kver.h"
#include "sim/util.h"

static const char explain_help[] =
	"Usage: slubsim [MODEL OPTIONS] explain [--format=text|tsv|json] [--roundup] SPEC...\n"
	"For each size, say which cache kmalloc(size, GFP_KERNEL) uses and why, what ksize()\n"
	"returns, how aligned every such object is and why, what the kernel version promises,\n"
	"and what the Rust-for-Linux kmalloc wrappers pass to krealloc() for Layout(size, align).\n"
	"\n"
	"SPEC is SIZE, SIZE@ALIGN, LO-HI or LO-HI@ALIGN: sizes in bytes (decimal or 0x hex),\n"
	"ranges inclusive, ALIGN a power of two (default 1).\n"
	"\n"
	"  -f, --format=FMT   text (default): one line per step, in kernel terms;\n"
	"                     tsv: the columns of ../shared/spec/interface.md, with a header;\n"
	"                     json: an array of objects with the same keys\n"
	"      --roundup      tsv and json: add a last column/key 'roundup' = kmalloc_size_roundup()\n"
	"  -h, --help         show this help\n"
	"\n"
	"Wrappers: naive (<= 6.4, align ignored), npot (6.5-6.10, pad_to_align then next_power_of_two\n"
	"when align > ARCH_SLAB_MINALIGN), pad (6.11-6.12), allocator (6.13+ Kmalloc), node-align (6.18+).\n"
	"An *_ok column is 1 when the pointer is aligned to ALIGN: ZERO_SIZE_PTR counts as address 16\n"
	"(slot_align 16); NULL (size beyond KMALLOC_MAX_SIZE) is a failed allocation, not a misaligned\n"
	"one, so it counts as 1 with slot_align 0. guaranteed_align is 0 when there is no object.\n";

struct row {
	uint64_t size, align, guaranteed;
	uint64_t roundup;	/* the library's slubsim_kmalloc_size_roundup(), as users' tests get it */
	struct kmalloc_outcome o;
	struct wrapper_verdict v[NR_RUST_WRAPPERS];
};

static int fill_row(struct slubsim *m, const struct sim *sim, uint64_t size, uint64_t align, struct row *r,
		    struct sim_err *err)
{
	r->size = size;
	r->align = align;
	kmalloc_outcome(sim, size, &r->o);
	if (slubsim_kmalloc_size_roundup(m, size, &r->roundup))
		return sim_err_set(err, SIM_EINVAL, slubsim_error(m), NULL, NULL);
	r->guaranteed = kmalloc_guaranteed_align(&sim->env, size);
	for (unsigned w = 0; w < NR_RUST_WRAPPERS; w++)
		if (wrapper_verdict(sim, (enum rust_wrapper)w, size, align, &r->v[w], err))
			return -1;
	return 0;
}

/* the three wrappers interface.md fixes, in column order */
static const enum rust_wrapper tsv_wrappers[] = { RUST_NAIVE, RUST_NPOT, RUST_PAD };

static void tsv_header(FILE *out, int roundup)
{
	fputs("size\talign\tcache\tksize\tslot_align\tguaranteed_align", out);
	for (size_t i = 0; i < ARRAY_SIZE(tsv_wrappers); i++) {
		const char *n = rust_wrapper_name(tsv_wrappers[i]);

		fprintf(out, "\t%s_size\t%s_cache\t%s_ok", n, n, n);
	}
	fputs(roundup ? "\troundup\n" : "\n", out);
}

static void tsv_row(FILE *out, const struct row *r, int roundup)
{
	char name[48];

	kmalloc_outcome_name(&r->o, name, sizeof(name));
	fprintf(out, "%" PRIu64 "\t%" PRIu64 "\t%s\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64, r->size, r->align, name,
		r->o.ksize, r->o.slot_align, r->guaranteed);
	for (size_t i = 0; i < ARRAY_SIZE(tsv_wrappers); i++) {
		const struct wrapper_verdict *v = &r->v[tsv_wrappers[i]];

		kmalloc_outcome_name(&v->res, name, sizeof(name));
		fprintf(out, "\t%" PRIu64 "\t%s\t%d", v->c_size, name, v->ok);
	}
	if (roundup)
		fprintf(out, "\t%" PRIu64, r->roundup);
	fputc('\n', out);
}

static void json_row(FILE *out, const struct row *r, int roundup, int first)
{
	char name[48];

	kmalloc_outcome_name(&r->o, name, sizeof(name));
	fprintf(out, "%s\n {\"size\": %" PRIu64 ", \"align\": %" PRIu64 ", \"cache\": ", first ? "" : ",", r->size,
		r->align);
	json_string(out, name);
	fprintf(out, ", \"ksize\": %" PRIu64 ", \"slot_align\": %" PRIu64 ", \"guaranteed_align\": %" PRIu64,
		r->o.ksize, r->o.slot_align, r->guaranteed);
	for (size_t i = 0; i < ARRAY_SIZE(tsv_wrappers); i++) {
		const struct wrapper_verdict *v = &r->v[tsv_wrappers[i]];
		const char *n = rust_wrapper_name(tsv_wrappers[i]);

		kmalloc_outcome_name(&v->res, name, sizeof(name));
		fprintf(out, ", \"%s_size\": %" PRIu64 ", \"%s_cache\": ", n, v->c_size, n);
		json_string(out, name);
		fprintf(out, ", \"%s_ok\": %s", n, v->ok ? "true" : "false");
	}
	if (roundup)
		fprintf(out, ", \"roundup\": %" PRIu64, r->roundup);
	fputc('}', out);
}

/* ------------------------------------------------------------------ text */

static void text_model(FILE *out, const struct sim *sim)
{
	const struct sim_config *cfg = &sim->cfg;

	fprintf(out, "Linux %s, %s, PAGE_SIZE %u, ARCH_KMALLOC_MINALIGN %u, ARCH_SLAB_MINALIGN %u",
		KV_STR(cfg->kver), cfg->arch->name, sim->env.ac.page_size, sim->env.ac.kmalloc_minalign,
		sim->env.ac.slab_minalign);
	if (cfg->cmdline && *cfg->cmdline)
		fprintf(out, ", command line '%s'", cfg->cmdline);
	fprintf(out, "\n* marks the Rust wrapper Linux %s ships (stable backports count: 6.1.45+ has npot,"
		" 6.12.19+ allocator)\n", KV_STR(cfg->kver));
}

static void text_class(FILE *out, const struct sim *sim, const struct kmalloc_outcome *o)
{
	const struct arch_consts *ac = &sim->env.ac;
	uint64_t size = o->size;

	fputs("  size class  ", out);
	switch (o->kind) {
	case KMALLOC_ZERO:
		fputs("0 bytes: kmalloc() returns ZERO_SIZE_PTR ((void *)16) and touches no cache;"
		      " kfree() ignores it, dereferencing it faults\n", out);
		return;
	case KMALLOC_PAGES:
	case KMALLOC_FAIL:
		fprintf(out, "%" PRIu64 " > KMALLOC_MAX_CACHE_SIZE %" PRIu64 ": kmalloc_large() asks the page allocator"
			" for a __GFP_COMP block of get_order(%" PRIu64 ") = %u\n", size, ac->kmalloc_max_cache_size, size,
			o->order);
		if (o->kind == KMALLOC_FAIL)
			fprintf(out, "              order %u > MAX_PAGE_ORDER %u (size > KMALLOC_MAX_SIZE %" PRIu64 "):"
				" __alloc_pages() warns once and kmalloc() returns NULL\n", o->order, ac->max_page_order,
				ac->kmalloc_max_size);
		return;
	default:
		break;
	}
	if (o->via_size_index)
		fprintf(out, "%" PRIu64 " <= 192: kmalloc_slab() reads kmalloc_size_index[(%" PRIu64 " - 1) / 8 = %" PRIu64
			"] = %u", size, size, (size - 1) / 8, o->idx);
	else
		fprintf(out, "%" PRIu64 " > 192: kmalloc_slab() takes fls(%" PRIu64 " - 1) = %u", size, size, o->idx);
	fprintf(out, " -> %s\n", o->s->name);
	if (o->via_size_index && ac->kmalloc_min_size > 8)
		fprintf(out, "              KMALLOC_MIN_SIZE %u: setup_kmalloc_cache_index_table() sent the small"
			" sizes to kmalloc-%u and dropped the classes below it\n", ac->kmalloc_min_size,
			ac->kmalloc_min_size);
	if (o->s->kmalloc_idx != o->idx) {
		fprintf(out, "              class %u is an alias: new_kmalloc_cache() (6.5+) rounds each class up to the"
			" runtime minimum alignment %u\n", o->idx, ac->runtime_minalign);
		if (sim->cfg.arch->bounce_since && sim->env.kver >= sim->cfg.arch->bounce_since &&
		    sim->cfg.boot.swiotlb_noforce)
			fprintf(out, "              swiotlb=noforce: no bounce buffer, so __kmalloc_minalign() keeps"
				" dma_get_cache_alignment() instead of ARCH_KMALLOC_MINALIGN %u\n", ac->kmalloc_minalign);
	}
}

static void text_ksize(FILE *out, const struct row *r)
{
	const struct kmalloc_outcome *o = &r->o;
	const struct kmem_cache *s = o->s;

	fprintf(out, "  ksize       %" PRIu64, o->ksize);
	if (o->kind == KMALLOC_PAGES)
		fprintf(out, " = folio_size(), PAGE_SIZE << %u: the whole block is usable\n", o->order);
	else if (o->kind != KMALLOC_SLAB)
		fputs(": __ksize() reports 0 when there is no object\n", out);
	else if (s->flags & (SLAB_RED_ZONE | SLAB_POISON))
		fputs(" = s->object_size: a red zone or poison follows the object (slab_ksize())\n", out);
	else if (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_STORE_USER))
		fputs(" = s->inuse: the free pointer or the tracks follow (slab_ksize())\n", out);
	else
		fputs(" = s->size: no debug metadata, the whole slot is usable (slab_ksize())\n", out);
	fprintf(out, "  roundup     kmalloc_size_roundup(%" PRIu64 ") = %" PRIu64 "\n", o->size, r->roundup);
}

/* why create_boot_cache() gave the kmalloc cache its s->align */
static const char *kmalloc_align_reason(const struct sim *sim, const struct kmem_cache *s)
{
	unsigned size = s->object_size;

	if (is_power_of_2(size) && s->align == size)
		return "natural alignment of a power-of-two kmalloc size (59bb47985c1d, 5.4)";
	if (sim->env.kver >= KV(6, 11) && s->align == lowest_bit(size))
		return "the largest power of two dividing the size (ad59baa31695, 6.11)";
	if (s->align == sim->env.ac.kmalloc_minalign)
		return sim->env.kver >= KV(6, 11) ? "ARCH_KMALLOC_MINALIGN"
						  : "ARCH_KMALLOC_MINALIGN only: before 6.11 a size that is not a"
						    " power of two got no more";
	return "calculate_alignment(): ARCH_SLAB_MINALIGN, then a multiple of sizeof(void *)";
}

static void text_slot_parts(FILE *out, const struct sim *sim, const struct kmem_cache *s)
{
	struct slot_align_parts p;
	char dbg[8];

	slot_align_parts(sim, s, &p);
	fprintf(out, " = the smallest of: slabs are naturally aligned blocks of PAGE_SIZE << %u = %" PRIu64,
		s->min.order, p.slab_block);
	if (p.slot_size)
		fprintf(out, "; object i sits at i * s->size, s->size %u -> %" PRIu64, s->size, p.slot_size);
	else
		fputs("; one object per slab", out);
	if (p.red_left_pad)
		fprintf(out, "; objects start red_left_pad %u into the slot -> %" PRIu64, s->red_left_pad,
			p.red_left_pad);
	fputs("\n", out);
	report_debug_letters(s, dbg);
	if (s->size == s->object_size)
		fprintf(out, "              s->size %u is the object alone: no debug metadata\n", s->size);
	else
		fprintf(out, "              s->size %u = object %u + slub_debug %s metadata, rounded up to s->align %u\n",
			s->size, s->object_size, dbg, s->align);
	fprintf(out, "              s->align %u: %s\n", s->align, kmalloc_align_reason(sim, s));
}

static void text_slot_align(FILE *out, const struct sim *sim, const struct kmalloc_outcome *o)
{
	fprintf(out, "  slot align  %" PRIu64, o->slot_align);
	switch (o->kind) {
	case KMALLOC_ZERO:
		fputs(": the address 16 itself\n", out);
		break;
	case KMALLOC_FAIL:
		fputs(": NULL, no address\n", out);
		break;
	case KMALLOC_PAGES:
		fprintf(out, " = PAGE_SIZE << %u: the buddy allocator aligns a block of 2^order pages to its size\n",
			o->order);
		break;
	default:
		text_slot_parts(out, sim, o->s);
	}
}

static void text_guarantee(FILE *out, const struct sim *sim, const struct kmalloc_outcome *o, uint64_t g)
{
	uint64_t size = o->size, low = size ? lowest_bit(size) : 0;
	unsigned kver = sim->env.kver;

	fprintf(out, "  guaranteed  %" PRIu64 ": ", g);
	if (o->kind == KMALLOC_ZERO || o->kind == KMALLOC_FAIL)
		fputs("nothing, there is no object\n", out);
	else if (o->kind == KMALLOC_PAGES)
		fputs("a page-allocator block is aligned to its size\n", out);
	else if (g == sim->env.ac.kmalloc_minalign && kver < KV(6, 11) && low > g && !is_power_of_2(size))
		fprintf(out, "only ARCH_KMALLOC_MINALIGN for a size that is not a power of two (6.11 would promise %" PRIu64
			")\n", low);
	else if (g == sim->env.ac.kmalloc_minalign)
		fputs("ARCH_KMALLOC_MINALIGN\n", out);
	else if (is_power_of_2(size))
		fputs("kmalloc() of a power-of-two size is aligned to the size (5.4+)\n", out);
	else
		fprintf(out, "6.11+ promises the largest power of two dividing %" PRIu64 "\n", size);
	if (o->kind == KMALLOC_SLAB && o->slot_align > g)
		fprintf(out, "              the layout gives %" PRIu64 " today; code relying on more than %" PRIu64
			" works by luck of the layout\n", o->slot_align, g);
}

/* how wrapper @w turns Layout(size, align) into the size it passes to C */
static void text_wrapper_size(FILE *out, const struct sim *sim, enum rust_wrapper w, const struct row *r)
{
	uint64_t padded = rust_pad_to_align(r->size, r->align);

	fprintf(out, "%s: ", rust_wrapper_function(w));
	switch (w) {
	case RUST_NAIVE:
		fprintf(out, "krealloc(NULL, %" PRIu64 "), align ignored", r->size);
		return;
	case RUST_NPOT:
		fprintf(out, "pad_to_align -> %" PRIu64, padded);
		if (r->align > sim->env.ac.slab_minalign)
			fprintf(out, ", align %" PRIu64 " > ARCH_SLAB_MINALIGN %u so next_power_of_two -> %" PRIu64,
				r->align, sim->env.ac.slab_minalign, r->v[w].c_size);
		return;
	case RUST_PAD:
		fprintf(out, "pad_to_align -> %" PRIu64, padded);
		return;
	case RUST_ALLOCATOR:
		fprintf(out, "aligned_size() -> %" PRIu64, padded);
		return;
	default:
		fprintf(out, "Kmalloc::aligned_layout() -> %" PRIu64 ", krealloc_node_align()", padded);
	}
}

static void text_verdict(FILE *out, const struct sim *sim, const struct row *r, const struct wrapper_verdict *v)
{
	char name[48];

	if (v->dangling) {
		fprintf(out, ": size 0 never reaches C, the pointer is dangling at address %" PRIu64 ": ok\n", r->align);
		return;
	}
	kmalloc_outcome_name(&v->res, name, sizeof(name));
	if (v->res.kind == KMALLOC_FAIL) {
		fprintf(out, " -> %s: the allocation fails (AllocError), nothing is misaligned\n", name);
		return;
	}
	fprintf(out, " -> %s, %" PRIu64 "-aligned: ", name, v->addr_align);
	if (!v->ok)
		fprintf(out, "MISALIGNED for align %" PRIu64 "\n", r->align);
	else if (!v->guaranteed)
		fprintf(out, "ok by layout only; kmalloc(%" PRIu64 ") promises %" PRIu64 "\n", v->c_size,
			kmalloc_guaranteed_align(&sim->env, v->c_size));
	else
		fputs("ok, guaranteed\n", out);
}

/* "6.5-6.10", "6.18+": the mainline releases that shipped @w */
static void wrapper_versions(enum rust_wrapper w, char *buf, size_t len)
{
	unsigned since = rust_wrapper_since(w);

	if (w + 1 < NR_RUST_WRAPPERS) {
		unsigned until = rust_wrapper_since(w + 1) - 1;	/* the minor before the next wrapper */

		snprintf(buf, len, "%u.%u-%u.%u", KV_MAJOR(since), KV_MINOR(since), KV_MAJOR(until), KV_MINOR(until));
	} else {
		snprintf(buf, len, "%u.%u+", KV_MAJOR(since), KV_MINOR(since));
	}
}

static void text_row(FILE *out, const struct sim *sim, const struct row *r)
{
	enum rust_wrapper def = rust_default_wrapper(sim->env.kver);
	char vers[40];

	fprintf(out, "\nkmalloc(%" PRIu64 "), Rust Layout(size %" PRIu64 ", align %" PRIu64 "):\n", r->size, r->size,
		r->align);
	text_class(out, sim, &r->o);
	text_ksize(out, r);
	text_slot_align(out, sim, &r->o);
	text_guarantee(out, sim, &r->o, r->guaranteed);
	for (unsigned w = 0; w < NR_RUST_WRAPPERS; w++) {
		wrapper_versions((enum rust_wrapper)w, vers, sizeof(vers));
		fprintf(out, "  %-10s  %-9s%c ", rust_wrapper_name((enum rust_wrapper)w), vers, w == def ? '*' : ' ');
		text_wrapper_size(out, sim, (enum rust_wrapper)w, r);
		text_verdict(out, sim, r, &r->v[w]);
	}
	if (r->align > 1)
		fprintf(out, "              node-align: a later krealloc_node_align() moves an object that is not"
			" %" PRIu64 "-aligned; the others keep any object that fits\n", r->align);
}

/* ------------------------------------------------------------------ command */

struct explain_opts {
	int fmt;	/* 0 text, 1 tsv, 2 json */
	int roundup;
};

static int print_spec(struct slubsim *m, const struct sim *sim, const struct explain_spec *sp,
		      const struct explain_opts *eo, int *first)
{
	struct sim_err err;
	struct row r;

	for (uint64_t size = sp->lo;; size++) {
		if (fill_row(m, sim, size, sp->align, &r, &err)) {
			fprintf(stderr, "slubsim: explain: %" PRIu64 "@%" PRIu64 ": %s\n", size, sp->align, err.msg);
			return -1;
		}
		if (eo->fmt == 1)
			tsv_row(stdout, &r, eo->roundup);
		else if (eo->fmt == 2)
			json_row(stdout, &r, eo->roundup, *first);
		else
			text_row(stdout, sim, &r);
		*first = 0;
		if (size == sp->hi)
			return 0;
	}
}

static int run_explain(struct cli *cli, struct explain_spec *specs, unsigned n, const struct explain_opts *eo)
{
	struct sim_err err;
	struct sim *sim;
	int first = 1, ret = 0;

	if (cli_boot(cli, &sim))
		return EXIT_USAGE;
	/* a Layout Rust cannot build never reaches the allocator: refuse it up front */
	for (unsigned i = 0; i < n; i++) {
		if (rust_layout_check(&sim->env, specs[i].hi, specs[i].align, &err)) {
			fprintf(stderr, "slubsim: explain: Layout(%" PRIu64 ", %" PRIu64 "): %s\n", specs[i].hi,
				specs[i].align, err.msg);
			return EXIT_USAGE;
		}
	}
	if (eo->fmt == 0)
		text_model(stdout, sim);
	else if (eo->fmt == 1)
		tsv_header(stdout, eo->roundup);
	else
		fputs("[", stdout);
	for (unsigned i = 0; i < n && !ret; i++)
		ret = print_spec(cli->model, sim, &specs[i], eo, &first) ? EXIT_USAGE : 0;
	if (eo->fmt == 2)
		fputs("\n]\n", stdout);
	return ret;
}

static int parse_format(const char *s)
{
	static const char *const names[] = { "text", "tsv", "json" };

	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

int cmd_explain(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "roundup", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct explain_opts eo = { 0, 0 };
	struct explain_spec *specs;
	int c, n, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			eo.fmt = parse_format(optarg);
			if (eo.fmt < 0)
				return cli_usage_error(cli, "explain", "unknown format '%s' (text, tsv, json)", optarg);
			break;
		case 'r':
			eo.roundup = 1;
			break;
		case 'h':
			fputs(explain_help, stdout);
			return 0;
		default:
			return cli_option_error(cli, "explain", c, argv);
		}
	}
	n = argc - optind;
	if (n <= 0)
		return cli_usage_error(cli, "explain", "no SPEC given (SIZE, SIZE@ALIGN, LO-HI, LO-HI@ALIGN)");
	specs = calloc((size_t)n, sizeof(*specs));
	if (!specs) {
		fprintf(stderr, "slubsim: out of memory\n");
		return EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		if (explain_parse_spec(argv[optind + i], &specs[i])) {
			free(specs);
			return cli_usage_error(cli, "explain",
					       "bad SPEC '%s' (SIZE, SIZE@ALIGN, LO-HI, LO-HI@ALIGN; ALIGN a power of two)",
					       argv[optind + i]);
		}
	}
	ret = run_explain(cli, specs, (unsigned)n, &eo);
	free(specs);
	return ret;
}
