/*
 * Fuzz target: the kernel command-line parser and the model option parsers.
 *
 * The input is text, a kernel command line as a user would type it (the seeds
 * in fuzz/corpus/cmdline/ are real ones), and it is used three ways:
 *  - cmdline_parse() parses it for the kernel profiles and page orders that
 *    change the rules (slab_* spellings from 6.9, the min_order limit);
 *  - every model option parser (config_set_*(), parse_size(), parse_u64())
 *    gets the whole input as a value;
 *  - each blank-separated word OPT=VALUE whose OPT is a model option
 *    ("kernel=6.12 kconfig=SLUB_DEBUG_ON=y size=4K") also sets that option on
 *    a configuration, which then boots the line through config_finalize(),
 *    slub_debug_flags_for() is asked about some cache names, and the
 *    configuration is copied.
 * Besides faults, leaks and hangs, it checks what the parsers promise.
 */
#include "fuzz/fuzz.h"

#include <ctype.h>

#include "sim/cmdline.h"
#include "sim/config.h"
#include "sim/kver.h"

static int set_size(struct sim_config *cfg, const char *s, struct sim_err *err)
{
	uint64_t v, again;
	char dec[24];
	int n;

	(void)cfg;
	if (parse_size(s, &v))
		return sim_err_set(err, SIM_EINVAL, "bad size", NULL, NULL);
	/* the value printed back in decimal parses to itself */
	n = snprintf(dec, sizeof(dec), "%llu", (unsigned long long)v);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(dec));
	FUZZ_CHECK(parse_size(dec, &again) == 0 && again == v);
	FUZZ_CHECK(parse_u64(dec, &again) == 0 && again == v);
	return 0;
}

static int set_u64(struct sim_config *cfg, const char *s, struct sim_err *err)
{
	uint64_t v, sized;

	(void)cfg;
	if (parse_u64(s, &v))
		return sim_err_set(err, SIM_EINVAL, "bad number", NULL, NULL);
	/* without a suffix, a size is the plain number */
	FUZZ_CHECK(parse_size(s, &sized) != 0 || sized == v);
	return 0;
}

/*
 * The setters the input goes to: every model option of config_opts[] (so a
 * new option is fuzzed as soon as it is in the table), then these, which
 * only check the number parsers the options share.
 */
static const struct config_opt_def fuzz_only[] = {
	{ "size", set_size },
	{ "u64", set_u64 },
};
#define NR_SETTERS (NR_CONFIG_OPT + sizeof(fuzz_only) / sizeof(fuzz_only[0]))

static const struct config_opt_def *setter(size_t k)
{
	return k < NR_CONFIG_OPT ? &config_opts[k] : &fuzz_only[k - NR_CONFIG_OPT];
}

/* A setter either succeeds, or fails with a good message and changes nothing. */
static void apply(int (*set)(struct sim_config *, const char *, struct sim_err *), struct sim_config *cfg,
		  const char *val)
{
	struct sim_config before;
	struct sim_err err;
	int ret;

	memcpy(&before, cfg, sizeof(before));	/* every byte: an option's field need not be listed here */
	ret = set(cfg, val, &err);
	fuzz_check_err(ret, &err);
	if (ret)
		FUZZ_CHECK(!memcmp(&before, cfg, sizeof(before)));
	/* a stable release of the newest series (6.19.19) is past KV_LAST itself */
	FUZZ_CHECK(cfg->kver >= KV_FIRST && KV_SERIES(cfg->kver) <= KV_LAST);
	FUZZ_CHECK(cfg->cpus >= 1 && cfg->cpus <= SIM_MAX_CPUS);
	FUZZ_CHECK(cfg->arch != NULL);
	FUZZ_CHECK(cfg->page_shift == 12 || cfg->page_shift == 14 || cfg->page_shift == 16);
	for (unsigned i = 0; i < NR_KCONFIG; i++)
		FUZZ_CHECK(cfg->kconfig[i] <= 1);
}

static void check_boot_params(const struct boot_params *bp, unsigned max_page_order)
{
	FUZZ_CHECK(bp->slub_min_order <= max_page_order);
	FUZZ_CHECK(bp->slub_max_order <= max_page_order);
	FUZZ_CHECK(bp->slub_min_objects <= 32767);
	FUZZ_CHECK(!(bp->slub_debug & ~(SLAB_DEBUG_FLAGS | SLAB_FAILSLAB)));
	FUZZ_CHECK(bp->nomerge >= -1 && bp->nomerge <= 1);
	FUZZ_CHECK(bp->init_on_alloc >= -1 && bp->init_on_alloc <= 1);
	FUZZ_CHECK(bp->init_on_free >= -1 && bp->init_on_free <= 1);
}

/* slub_debug_flags_for() never drops the flags a cache asks for. */
static void check_debug_string(const struct boot_params *bp)
{
	static const char *const names[] = {
		"kmalloc-96", "kmalloc-8k", "kmalloc-rcl-192", "dma-kmalloc-64", "kmalloc-cg-1k",
		"kmem_cache", "kmem_cache_node", "dentry", "",
	};
	static const slab_flags_t flags[] = { 0, SLAB_KMALLOC | SLAB_CACHE_DMA, SLAB_NOLEAKTRACE };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (size_t j = 0; j < sizeof(flags) / sizeof(flags[0]); j++) {
			slab_flags_t got = slub_debug_flags_for(bp->slub_debug_string, bp->slub_debug, names[i], flags[j]);

			FUZZ_CHECK((got & flags[j]) == flags[j]);
			FUZZ_CHECK(!(got & ~(flags[j] | SLAB_DEBUG_FLAGS | SLAB_FAILSLAB)));
		}
		FUZZ_CHECK(slub_debug_flags_for(bp->slub_debug_string, bp->slub_debug, names[i], SLAB_NO_USER_FLAGS) ==
			   SLAB_NO_USER_FLAGS);
	}
}

/* Parse @line as kernel @kver would; parsing again must give the same result. */
static void parse_line(const char *line, unsigned kver, unsigned max_page_order)
{
	struct boot_params a = { 0 }, b = { 0 };
	struct sim_err ea, eb;
	int ra = cmdline_parse(line, kver, max_page_order, &a, &ea);
	int rb = cmdline_parse(line, kver, max_page_order, &b, &eb);

	fuzz_check_err(ra, &ea);
	FUZZ_CHECK(ra == rb);
	if (ra) {
		FUZZ_CHECK(!strcmp(ea.msg, eb.msg));
	} else {
		check_boot_params(&a, max_page_order);
		check_debug_string(&a);
		FUZZ_CHECK(!a.slub_debug_string == !b.slub_debug_string);
		FUZZ_CHECK(!a.slub_debug_string || !strcmp(a.slub_debug_string, b.slub_debug_string));
		FUZZ_CHECK(a.slub_debug == b.slub_debug && a.slub_min_order == b.slub_min_order &&
			   a.slub_max_order == b.slub_max_order && a.slub_min_objects == b.slub_min_objects);
	}
	boot_params_release(&a);
	boot_params_release(&b);
}

/* Words OPT=VALUE naming a setter go to it; the line then boots on that configuration. */
static void configure_words(const char *line)
{
	struct sim_config cfg;
	struct sim_err err;
	const char *s = line;
	int ret;

	config_init(&cfg);
	while (*s) {
		const char *w;
		size_t n;
		char *word;

		while (isspace((unsigned char)*s))
			s++;
		for (w = s; *s && !isspace((unsigned char)*s); s++)
			;
		n = (size_t)(s - w);
		if (!n || !(word = fuzz_strndup((const uint8_t *)w, n)))
			continue;
		for (size_t k = 0; k < NR_SETTERS; k++) {
			size_t len = strlen(setter(k)->name);

			if (!strncmp(word, setter(k)->name, len) && word[len] == '=')
				apply(setter(k)->set, &cfg, word + len + 1);
		}
		free(word);
	}
	ret = config_set_cmdline(&cfg, line, &err);
	fuzz_check_err(ret, &err);
	ret = config_finalize(&cfg, &err);
	fuzz_check_err(ret, &err);
	if (!ret) {
		struct arch_consts ac;
		struct sim_config copy;

		arch_consts_init(&ac, cfg.arch, cfg.kver, cfg.page_shift);
		check_boot_params(&cfg.boot, ac.max_page_order);
		check_debug_string(&cfg.boot);
		/* a deep copy: it outlives the original and is released on its own */
		ret = config_copy(&copy, &cfg, &err);
		fuzz_check_err(ret, &err);
		config_release(&cfg);
		if (!ret) {
			FUZZ_CHECK(!strcmp(copy.cmdline, line));
			check_debug_string(&copy.boot);
			config_release(&copy);
		}
	}
	config_release(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_strndup(data, size);
	struct sim_config cfg;

	if (!line)
		return 0;
	parse_line(line, KV_FIRST, 10);
	parse_line(line, KV(6, 9), 0);
	parse_line(line, KV_LAST, 10);

	config_init(&cfg);
	for (size_t k = 0; k < NR_SETTERS; k++)
		apply(setter(k)->set, &cfg, line);
	config_release(&cfg);

	configure_words(line);
	free(line);
	return 0;
}
