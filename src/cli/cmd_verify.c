/* slubsim verify: sweep Rust Layouts through every wrapper and count misaligned results. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sim/kver.h"
#include "sim/verify.h"

static const char verify_help[] =
	"Usage: slubsim [MODEL OPTIONS] verify [--wrapper=W] [--realloc] [--examples=N]\n"
	"Sweep Rust Layout(size, align) through every Rust-for-Linux kmalloc wrapper under the\n"
	"current model: sizes 1..KMALLOC_MAX_CACHE_SIZE, then 2^k - 1, 2^k and 2^k + 1 up to\n"
	"KMALLOC_MAX_SIZE, each with every power-of-two align up to PAGE_SIZE. Count the results\n"
	"that are not aligned as asked, and those aligned only by the current slab layout rather\n"
	"than by what kmalloc() documents for that kernel version.\n"
	"\n"
	"  -w, --wrapper=W    the wrapper that decides the exit status: naive, npot, pad, allocator,\n"
	"                     node-align (default: the one --kernel ships, stable backports included)\n"
	"      --realloc      also reallocate an object of each kmalloc cache in place to\n"
	"                     Layout(a, a): krealloc() keeps an object that fits; only 6.18's\n"
	"                     krealloc_node_align() moves one that is not aligned to a\n"
	"  -n, --examples=N   print up to N misaligned cases per wrapper (default 3, at most 8)\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: 0 when the selected wrapper never misaligns, 1 when it does, 2 usage error.\n";

struct verify_opts {
	enum rust_wrapper wrapper;
	int has_wrapper, realloc;
	unsigned examples;
};

static void print_example(const struct verify_example *e, int in_place)
{
	char name[48];

	kmalloc_outcome_name(&e->where, name, sizeof(name));
	if (in_place)
		printf("    an object of %s (ksize %" PRIu64 ", %" PRIu64 "-aligned) reallocated to Layout(%" PRIu64
		       ", %" PRIu64 "): %" PRIu64 " bytes fit, krealloc() keeps it\n", name, e->where.ksize,
		       e->where.slot_align, e->size, e->align, e->c_size);
	else
		printf("    Layout(%" PRIu64 ", %" PRIu64 "): kmalloc(%" PRIu64 ") -> %s, %" PRIu64 "-aligned\n", e->size,
		       e->align, e->c_size, name, e->where.slot_align);
}

static void print_table(const struct verify_result *res, const struct verify_opts *vo, int in_place)
{
	if (in_place)
		printf("\nReallocation in place (an object of each kmalloc cache -> Layout(a, a)):\n%-12s %10s %10s\n",
		       "wrapper", "checked", "misaligned");
	else
		printf("\nAllocation (krealloc(NULL, size) for each Layout):\n%-12s %10s %10s %12s %6s\n", "wrapper",
		       "checked", "misaligned", "layout-luck", "NULL");
	for (unsigned w = 0; w < NR_RUST_WRAPPERS; w++) {
		printf("%-12s %10" PRIu64 " %10" PRIu64, rust_wrapper_name((enum rust_wrapper)w), res[w].checked,
		       res[w].misaligned);
		if (!in_place)
			printf(" %12" PRIu64 " %6" PRIu64, res[w].unguaranteed, res[w].failed);
		puts(w == vo->wrapper ? "   <- selected" : "");
	}
	if (!in_place)
		puts("(layout-luck: aligned, but kmalloc() does not promise it for that size and kernel version)");
}

static int same_cases(const struct verify_result *a, const struct verify_result *b)
{
	if (a->misaligned != b->misaligned || a->nr_examples != b->nr_examples)
		return 0;
	for (unsigned i = 0; i < a->nr_examples; i++)
		if (a->examples[i].size != b->examples[i].size || a->examples[i].align != b->examples[i].align ||
		    a->examples[i].c_size != b->examples[i].c_size)
			return 0;
	return 1;
}

static void print_examples(const struct verify_result *res, const struct verify_opts *vo, int in_place)
{
	const struct verify_result *sel = &res[vo->wrapper];

	for (unsigned w = 0; w < NR_RUST_WRAPPERS; w++) {
		const struct verify_result *r = &res[w];
		unsigned n = r->nr_examples < vo->examples ? r->nr_examples : vo->examples;

		if (!n)
			continue;
		if (w > 0 && same_cases(r, &res[w - 1])) {
			printf("  %s: the same first cases as %s\n", rust_wrapper_name((enum rust_wrapper)w),
			       rust_wrapper_name((enum rust_wrapper)(w - 1)));
			continue;
		}
		printf("  %s, first misaligned:\n", rust_wrapper_name((enum rust_wrapper)w));
		for (unsigned i = 0; i < n; i++)
			print_example(&r->examples[i], in_place);
	}
	if (!in_place && sel->has_unguaranteed_example && vo->examples) {
		printf("  %s, first aligned by layout luck only:\n", rust_wrapper_name(vo->wrapper));
		print_example(&sel->unguaranteed_example, 0);
	}
}

static int sweep(const struct sim *sim, const struct verify_opts *vo, int in_place, uint64_t *selected_bad)
{
	struct verify_result res[NR_RUST_WRAPPERS];
	struct sim_err err;

	for (unsigned w = 0; w < NR_RUST_WRAPPERS; w++) {
		int r = in_place ? verify_realloc(sim, (enum rust_wrapper)w, &res[w], &err)
				 : verify_alloc(sim, (enum rust_wrapper)w, &res[w], &err);

		if (r) {
			fprintf(stderr, "slubsim: verify: %s\n", err.msg);
			return -1;
		}
	}
	print_table(res, vo, in_place);
	print_examples(res, vo, in_place);
	*selected_bad += res[vo->wrapper].misaligned;
	return 0;
}

static int run_verify(struct cli *cli, struct verify_opts *vo)
{
	const struct sim_config *cfg = cli_cfg(cli);
	uint64_t bad = 0;
	struct sim *sim;
	int ret = 0;

	if (cli_boot(cli, &sim))
		return EXIT_USAGE;
	if (!vo->has_wrapper)
		vo->wrapper = rust_default_wrapper(sim->env.kver);
	printf("Linux %s, %s, PAGE_SIZE %u%s%s%s; sizes up to KMALLOC_MAX_SIZE %" PRIu64 ", aligns up to PAGE_SIZE\n",
	       KV_STR(cfg->kver), cfg->arch->name, sim->env.ac.page_size,
	       cfg->cmdline && *cfg->cmdline ? ", command line '" : "", cfg->cmdline ? cfg->cmdline : "",
	       cfg->cmdline && *cfg->cmdline ? "'" : "", sim->env.ac.kmalloc_max_size);
	if (sweep(sim, vo, 0, &bad) || (vo->realloc && sweep(sim, vo, 1, &bad)))
		ret = EXIT_USAGE;
	else if (bad)
		ret = EXIT_INPUT_ERRORS;
	if (!ret || ret == EXIT_INPUT_ERRORS)
		printf("\n%s: %" PRIu64 " misaligned %s\n", rust_wrapper_name(vo->wrapper), bad,
		       bad ? "(exit 1)" : "- every result is aligned as asked");
	return ret;
}

int cmd_verify(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "wrapper", required_argument, NULL, 'w' },
		{ "realloc", no_argument, NULL, 'R' },
		{ "examples", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct verify_opts vo = { .examples = 3 };
	uint64_t n;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":w:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (rust_wrapper_from_name(optarg, &vo.wrapper))
				return cli_usage_error(cli, "verify",
						       "unknown wrapper '%s' (naive, npot, pad, allocator, node-align)",
						       optarg);
			vo.has_wrapper = 1;
			break;
		case 'R':
			vo.realloc = 1;
			break;
		case 'n':
			if (parse_u64(optarg, &n) || n > VERIFY_MAX_EXAMPLES)
				return cli_usage_error(cli, "verify", "--examples wants 0 to %d, not '%s'",
						       VERIFY_MAX_EXAMPLES, optarg);
			vo.examples = (unsigned)n;
			break;
		case 'h':
			fputs(verify_help, stdout);
			return 0;
		default:
			return cli_option_error(cli, "verify", c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "verify", "unexpected argument '%s'", argv[optind]);
	return run_verify(cli, &vo);
}
