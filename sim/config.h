/*
 * The configuration a simulated kernel boots with: version profile, arch
 * profile, CPUs, page size, the slab-relevant Kconfig options and the boot
 * parameters. Parsers fill it; sim_create() turns it into caches.
 */
#ifndef SLUBSIM_CONFIG_H
#define SLUBSIM_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "err.h"
#include "slab_flags.h"

/* The Kconfig options that change slab behaviour. */
enum kconfig_opt {
	KC_SLAB_FREELIST_RANDOM,
	KC_SLAB_FREELIST_HARDENED,
	KC_SLUB_CPU_PARTIAL,
	KC_SLAB_MERGE_DEFAULT,
	KC_INIT_ON_ALLOC_DEFAULT_ON,
	KC_INIT_ON_FREE_DEFAULT_ON,
	KC_MEMCG_KMEM,
	KC_ZONE_DMA,
	KC_RANDOM_KMALLOC_CACHES,
	KC_SLUB_DEBUG_ON,
	KC_STACKDEPOT,
	KC_NUMA,
	KC_SLAB_BUCKETS,
	NR_KCONFIG
};

/* Boot parameters after parsing (mm/slub.c, mm/slab_common.c, mm/page_alloc.c __setup()s). */
struct boot_params {
	int slub_debug_global_set;	/* global flags given (else SLUB_DEBUG_ON decides) */
	slab_flags_t slub_debug;	/* global flags when set */
	char *slub_debug_string;	/* per-cache blocks, NULL if none (owned) */
	int disable_higher_order_debug;	/* the 'O' letter */
	int min_order_set, max_order_set, min_objects_set;
	unsigned slub_min_order;
	unsigned slub_max_order;
	unsigned slub_min_objects;
	int nomerge;			/* -1 unset, 0 slab_merge, 1 slab_nomerge */
	int init_on_alloc;		/* -1 unset, else the value */
	int init_on_free;
	int memcg_nokmem;		/* cgroup.memory=nokmem */
	int swiotlb_noforce;		/* swiotlb=noforce: no bounce buffer */
};

struct sim_config {
	unsigned kver;			/* KV(6, 1) ... */
	const struct arch_profile *arch;
	unsigned cpus;			/* num_present_cpus() */
	unsigned nr_cpu_ids;		/* possible CPUs; min_objects falls back to it with one CPU */
	unsigned nodes;			/* nr_node_ids */
	unsigned page_shift;
	uint64_t mem_bytes;
	uint64_t seed;
	unsigned char kconfig[NR_KCONFIG];
	char *cmdline;			/* verbatim, owned; parsed by config_finalize() */
	struct boot_params boot;	/* valid after config_finalize() */
};

#define SIM_MAX_CPUS 8192	/* Debian's CONFIG_NR_CPUS */

/* Debian 12's 6.1 defaults: x86_64, 2 CPUs, 4K pages, 256M, seed 1. */
void config_init(struct sim_config *cfg);
void config_release(struct sim_config *cfg);
int config_copy(struct sim_config *dst, const struct sim_config *src, struct sim_err *err);

/* "6.1", "v6.12", "6.12.0": any 6.1 .. 6.19 */
int config_set_kernel(struct sim_config *cfg, const char *s, struct sim_err *err);
int config_set_arch(struct sim_config *cfg, const char *s, struct sim_err *err);
/* "4K", "16K", "64K", "4096" */
int config_set_page_size(struct sim_config *cfg, const char *s, struct sim_err *err);
int config_set_cpus(struct sim_config *cfg, const char *s, struct sim_err *err);
int config_set_mem(struct sim_config *cfg, const char *s, struct sim_err *err);
int config_set_seed(struct sim_config *cfg, const char *s, struct sim_err *err);
/* "SLAB_FREELIST_RANDOM=n,CONFIG_MEMCG_KMEM=y" */
int config_set_kconfig(struct sim_config *cfg, const char *list, struct sim_err *err);
/* a kernel command line, verbatim; replaces an earlier one */
int config_set_cmdline(struct sim_config *cfg, const char *cmdline, struct sim_err *err);
/*
 * The model options by name: the command line spells them --NAME=VALUE, a
 * trace's config lines NAME=VALUE. One table for both, so that the two
 * cannot drift apart.
 */
enum config_opt {
	CONFIG_OPT_KERNEL, CONFIG_OPT_ARCH, CONFIG_OPT_CPUS, CONFIG_OPT_CMDLINE, CONFIG_OPT_SEED,
	CONFIG_OPT_KCONFIG, CONFIG_OPT_PAGE_SIZE, CONFIG_OPT_MEM,
	NR_CONFIG_OPT
};
struct config_opt_def {
	const char *name;	/* "page-size" */
	int (*set)(struct sim_config *cfg, const char *value, struct sim_err *err);
};
extern const struct config_opt_def config_opts[NR_CONFIG_OPT];
/* The option named by the @len bytes at @name, or -1. */
int config_opt_find(const char *name, size_t len);

/*
 * Check the options together (page size vs arch) and parse the command line
 * for the chosen kernel version. Call after the last config_set_*().
 */
int config_finalize(struct sim_config *cfg, struct sim_err *err);
/* The effective global slub_debug flags (boot parameter or SLUB_DEBUG_ON). */
slab_flags_t config_slub_debug(const struct sim_config *cfg);

const char *kconfig_name(enum kconfig_opt opt);	/* without CONFIG_ */

/* Effective values after Kconfig defaults and boot parameters. */
int config_init_on_alloc(const struct sim_config *cfg);
int config_init_on_free(const struct sim_config *cfg);
int config_slab_nomerge(const struct sim_config *cfg);

/* Parse a size with optional K/M/G suffix, decimal or 0x hex; 0 on success. */
int parse_size(const char *s, uint64_t *out);
/* Parse an unsigned decimal or 0x hex number without suffix; 0 on success. */
int parse_u64(const char *s, uint64_t *out);

#endif
