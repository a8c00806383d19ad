#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmdline.h"
#include "kver.h"
#include "page.h"
#include "strbuf.h"
#include "util.h"

static const char *const kconfig_names[NR_KCONFIG] = {
	[KC_SLAB_FREELIST_RANDOM] = "SLAB_FREELIST_RANDOM",
	[KC_SLAB_FREELIST_HARDENED] = "SLAB_FREELIST_HARDENED",
	[KC_SLUB_CPU_PARTIAL] = "SLUB_CPU_PARTIAL",
	[KC_SLAB_MERGE_DEFAULT] = "SLAB_MERGE_DEFAULT",
	[KC_INIT_ON_ALLOC_DEFAULT_ON] = "INIT_ON_ALLOC_DEFAULT_ON",
	[KC_INIT_ON_FREE_DEFAULT_ON] = "INIT_ON_FREE_DEFAULT_ON",
	[KC_MEMCG_KMEM] = "MEMCG_KMEM",
	[KC_ZONE_DMA] = "ZONE_DMA",
	[KC_RANDOM_KMALLOC_CACHES] = "RANDOM_KMALLOC_CACHES",
	[KC_SLUB_DEBUG_ON] = "SLUB_DEBUG_ON",
	[KC_STACKDEPOT] = "STACKDEPOT",
	[KC_NUMA] = "NUMA",
	[KC_SLAB_BUCKETS] = "SLAB_BUCKETS",
};

/* Debian 12's linux-image-6.1 (../shared/oracle/kernel-config-excerpt.txt) */
static const unsigned char kconfig_debian[NR_KCONFIG] = {
	[KC_SLAB_FREELIST_RANDOM] = 1,
	[KC_SLAB_FREELIST_HARDENED] = 1,
	[KC_SLUB_CPU_PARTIAL] = 1,
	[KC_SLAB_MERGE_DEFAULT] = 1,
	[KC_INIT_ON_ALLOC_DEFAULT_ON] = 1,
	[KC_INIT_ON_FREE_DEFAULT_ON] = 0,
	[KC_MEMCG_KMEM] = 1,
	[KC_ZONE_DMA] = 1,
	[KC_RANDOM_KMALLOC_CACHES] = 0,
	[KC_SLUB_DEBUG_ON] = 0,
	[KC_STACKDEPOT] = 1,
	[KC_NUMA] = 1,
	[KC_SLAB_BUCKETS] = 1,	/* 6.11+; Debian's 6.12 has it */
};

const char *kconfig_name(enum kconfig_opt opt)
{
	return (unsigned)opt < NR_KCONFIG ? kconfig_names[opt] : NULL;
}

void config_init(struct sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->kver = kv_newest(KV(6, 1));	/* Debian 12 */
	cfg->arch = arch_find("x86_64");
	cfg->cpus = 2;
	cfg->nr_cpu_ids = 0;	/* 0: same as cpus */
	cfg->nodes = 1;
	cfg->page_shift = 12;
	cfg->mem_bytes = 256ull << 20;
	cfg->seed = 1;
	memcpy(cfg->kconfig, kconfig_debian, sizeof(cfg->kconfig));
	cfg->boot.nomerge = -1;
	cfg->boot.init_on_alloc = -1;
	cfg->boot.init_on_free = -1;
}

void config_release(struct sim_config *cfg)
{
	free(cfg->cmdline);
	cfg->cmdline = NULL;
	boot_params_release(&cfg->boot);
}

int config_copy(struct sim_config *dst, const struct sim_config *src, struct sim_err *err)
{
	*dst = *src;
	dst->cmdline = NULL;
	dst->boot.slub_debug_string = NULL;
	if (src->cmdline && !(dst->cmdline = strdup(src->cmdline)))
		goto nomem;
	if (src->boot.slub_debug_string && !(dst->boot.slub_debug_string = strdup(src->boot.slub_debug_string)))
		goto nomem;
	return 0;
nomem:
	config_release(dst);
	return sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
}

/*
 * By hand rather than strtoull(), which would also take blanks, signs and a
 * second "0x" after ours ("0x0x10"), and report overflow only through errno.
 */
int parse_u64(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (!s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		unsigned d;

		if (isdigit(c))
			d = c - '0';
		else if (base == 16 && isxdigit(c))
			d = (unsigned)(tolower(c) - 'a' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t n = s ? strlen(s) : 0;
	unsigned shift = 0;
	uint64_t v;

	if (!n || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	/* a suffix, unless it is a hex digit of a 0x number */
	if (!(n > 2 && num[0] == '0' && (num[1] == 'x' || num[1] == 'X') && isxdigit((unsigned char)num[n - 1]))) {
		switch (num[n - 1]) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		case 't': case 'T': shift = 40; break;
		}
		if (shift)
			num[--n] = '\0';
	}
	if (parse_u64(num, &v))
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

static int bad_value(struct sim_err *err, const char *opt, const char *val, const char *hint)
{
	char msg[sizeof(err->msg)];
	struct strbuf sb;

	sb_init(&sb, msg, sizeof(msg));
	sb_puts(&sb, "invalid ");
	sb_puts(&sb, opt);
	sb_puts(&sb, " '");
	sb_put_escaped(&sb, val, 60);
	sb_puts(&sb, "'");
	if (hint) {
		sb_puts(&sb, ": ");
		sb_puts(&sb, hint);
	}
	return sim_err_set(err, SIM_EINVAL, msg, NULL, NULL);
}

int config_set_kernel(struct sim_config *cfg, const char *s, struct sim_err *err)
{
	static const char hint[] = "expected e.g. 6.1, 6.6, 6.12, 6.18 or a stable release such as 6.12.117";
	const char *p = s;
	char *end;
	unsigned long maj, min, sub = 0;
	int has_sub = 0;

	if (*p == 'v')
		p++;
	if (!isdigit((unsigned char)*p))
		return bad_value(err, "kernel version", s, hint);
	maj = strtoul(p, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return bad_value(err, "kernel version", s, hint);
	min = strtoul(end + 1, &end, 10);
	if (*end == '.') {
		if (!isdigit((unsigned char)end[1]))
			return bad_value(err, "kernel version", s, hint);
		sub = strtoul(end + 1, &end, 10);
		has_sub = 1;
	}
	if (*end || maj > 255 || min > 255 || sub > 0xffff)
		return bad_value(err, "kernel version", s, hint);
	if (KV(maj, min) < KV_FIRST || KV(maj, min) > KV_LAST)
		return bad_value(err, "kernel version", s, "slubsim models Linux 6.1 to 6.19");
	/* a bare 6.12 is the newest 6.12.y whose backports the model follows */
	cfg->kver = has_sub ? KVS(maj, min, sub) : kv_newest(KV(maj, min));
	return 0;
}

int config_set_arch(struct sim_config *cfg, const char *s, struct sim_err *err)
{
	const struct arch_profile *a = arch_find(s);

	if (!a)
		return bad_value(err, "architecture", s, "see --list-archs");
	cfg->arch = a;
	return 0;
}

int config_set_page_size(struct sim_config *cfg, const char *s, struct sim_err *err)
{
	uint64_t v;

	if (parse_size(s, &v) || (v != 4096 && v != 16384 && v != 65536))
		return bad_value(err, "page size", s, "expected 4K, 16K or 64K");
	cfg->page_shift = ilog2_u64(v);
	return 0;
}

int config_set_cpus(struct sim_config *cfg, const char *s, struct sim_err *err)
{
	uint64_t v;

	if (parse_u64(s, &v) || v < 1 || v > SIM_MAX_CPUS)
		return bad_value(err, "CPU count", s, "expected 1 to 8192 (CONFIG_NR_CPUS)");
	cfg->cpus = (unsigned)v;
	return 0;
}

int config_set_mem(struct sim_config *cfg, const char *s, struct sim_err *err)
{
	uint64_t v;

	/* the upper bound depends on the page size: config_finalize() */
	if (parse_size(s, &v) || v < (1ull << 20))
		return bad_value(err, "memory size", s, "expected 1M or more, e.g. 256M or 64G");
	cfg->mem_bytes = v;
	return 0;
}

int config_set_seed(struct sim_config *cfg, const char *s, struct sim_err *err)
{
	uint64_t v;

	if (parse_u64(s, &v))
		return bad_value(err, "seed", s, "expected a non-negative integer");
	cfg->seed = v;
	return 0;
}

/* One --kconfig entry, alone, for a message (the list may go on for long). */
static int bad_kconfig(struct sim_err *err, const char *what, const char *entry, size_t n, const char *hint)
{
	char one[64];

	/* a few bytes more than bad_value() shows, so that it adds "..." when it cuts */
	n = MIN(n, sizeof(one) - 1);
	memcpy(one, entry, n);
	one[n] = '\0';
	return bad_value(err, what, one, hint);
}

int config_set_kconfig(struct sim_config *cfg, const char *list, struct sim_err *err)
{
	unsigned char kconfig[NR_KCONFIG];	/* all or nothing: cfg changes only if every entry is good */
	const char *s = list;

	memcpy(kconfig, cfg->kconfig, sizeof(kconfig));
	while (*s) {
		size_t n = strcspn(s, ",");
		const char *eq = memchr(s, '=', n);
		const char *name = s;
		size_t name_len;
		int found = -1;

		if (n == 0) {
			s++;
			continue;
		}
		if (!eq || eq + 2 != s + n || (eq[1] != 'y' && eq[1] != 'n'))
			return bad_kconfig(err, "--kconfig entry", s, n, "expected OPT=y or OPT=n");
		if (!strncasecmp(name, "CONFIG_", 7))	/* as case-blind as the names */
			name += 7;
		name_len = (size_t)(eq - name);
		for (unsigned i = 0; i < NR_KCONFIG; i++)
			if (strlen(kconfig_names[i]) == name_len && !strncasecmp(kconfig_names[i], name, name_len))
				found = (int)i;
		if (found < 0) {
			char known[400];
			struct strbuf sb;

			sb_init(&sb, known, sizeof(known));
			sb_puts(&sb, "known options: ");
			for (unsigned i = 0; i < NR_KCONFIG; i++) {
				sb_puts(&sb, i ? ", " : "");
				sb_puts(&sb, kconfig_names[i]);
			}
			return bad_kconfig(err, "--kconfig option", s, n, known);
		}
		kconfig[found] = eq[1] == 'y';
		s += n;
		if (*s == ',')
			s++;
	}
	memcpy(cfg->kconfig, kconfig, sizeof(kconfig));
	return 0;
}

int config_set_cmdline(struct sim_config *cfg, const char *cmdline, struct sim_err *err)
{
	char *copy = strdup(cmdline);

	if (!copy)
		return sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
	free(cfg->cmdline);
	cfg->cmdline = copy;
	return 0;
}

/*
 * Simulated RAM is any size whose page frames have 32-bit numbers
 * (struct page_alloc) and whose direct map fits below the top of the
 * address space; its frames are allocated as they are first used.
 */
static int check_mem(const struct sim_config *cfg, const struct arch_consts *ac, struct sim_err *err)
{
	uint64_t max = (uint64_t)(PFN_NONE - 1) << cfg->page_shift, base = ac->page_offset + ac->phys_start;
	char msg[160];
	struct strbuf sb;

	if (max > UINT64_MAX - base + 1)
		max = UINT64_MAX - base + 1;
	if (cfg->mem_bytes <= max)
		return 0;
	sb_init(&sb, msg, sizeof(msg));
	sb_puts(&sb, "memory size of ");
	sb_putu(&sb, cfg->mem_bytes >> 30);
	sb_puts(&sb, "G and more: at most ");
	sb_putu(&sb, max >> 30);
	sb_puts(&sb, "G with ");
	sb_putu(&sb, (1u << cfg->page_shift) >> 10);
	sb_puts(&sb, "K pages on ");
	sb_puts(&sb, cfg->arch->name);
	sb_puts(&sb, " (32-bit page frame numbers)");
	return sim_err_set(err, SIM_EINVAL, msg, NULL, NULL);
}

int config_finalize(struct sim_config *cfg, struct sim_err *err)
{
	struct arch_consts ac;

	if (!arch_supports_page_shift(cfg->arch, cfg->page_shift)) {
		char msg[120];
		struct strbuf sb;

		sb_init(&sb, msg, sizeof(msg));
		sb_puts(&sb, "page size ");
		sb_putu(&sb, (1u << cfg->page_shift) >> 10);
		sb_puts(&sb, "K is not available on ");
		sb_puts(&sb, cfg->arch->name);
		return sim_err_set(err, SIM_EINVAL, msg, NULL, NULL);
	}
	arch_consts_init(&ac, cfg->arch, cfg->kver, cfg->page_shift);
	if (check_mem(cfg, &ac, err))
		return -1;
	return cmdline_parse(cfg->cmdline, cfg->kver, ac.max_page_order, &cfg->boot, err);
}

slab_flags_t config_slub_debug(const struct sim_config *cfg)
{
	if (cfg->boot.slub_debug_global_set)
		return cfg->boot.slub_debug;
	return cfg->kconfig[KC_SLUB_DEBUG_ON] ? DEBUG_DEFAULT_FLAGS : 0;
}

int config_init_on_alloc(const struct sim_config *cfg)
{
	return cfg->boot.init_on_alloc >= 0 ? cfg->boot.init_on_alloc : cfg->kconfig[KC_INIT_ON_ALLOC_DEFAULT_ON];
}

int config_init_on_free(const struct sim_config *cfg)
{
	return cfg->boot.init_on_free >= 0 ? cfg->boot.init_on_free : cfg->kconfig[KC_INIT_ON_FREE_DEFAULT_ON];
}

int config_slab_nomerge(const struct sim_config *cfg)
{
	return cfg->boot.nomerge >= 0 ? cfg->boot.nomerge : !cfg->kconfig[KC_SLAB_MERGE_DEFAULT];
}

const struct config_opt_def config_opts[NR_CONFIG_OPT] = {
	[CONFIG_OPT_KERNEL] = { "kernel", config_set_kernel },
	[CONFIG_OPT_ARCH] = { "arch", config_set_arch },
	[CONFIG_OPT_CPUS] = { "cpus", config_set_cpus },
	[CONFIG_OPT_CMDLINE] = { "cmdline", config_set_cmdline },
	[CONFIG_OPT_SEED] = { "seed", config_set_seed },
	[CONFIG_OPT_KCONFIG] = { "kconfig", config_set_kconfig },
	[CONFIG_OPT_PAGE_SIZE] = { "page-size", config_set_page_size },
	[CONFIG_OPT_MEM] = { "mem", config_set_mem },
};

int config_opt_find(const char *name, size_t len)
{
	for (int k = 0; k < NR_CONFIG_OPT; k++)
		if (strlen(config_opts[k].name) == len && !memcmp(config_opts[k].name, name, len))
			return k;
	return -1;
}
