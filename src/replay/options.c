#include "options.h"

#include <stdio.h>
#include <string.h>

const char options_model_help[] =
	"Model options (before or after the command):\n"
	"  --kernel=VER        behaviour profile: 6.1 (default), 6.6, 6.12, 6.18 (any 6.1-6.19),\n"
	"                      or a stable release such as 6.12.117 (see below)\n"
	"  --arch=NAME         architecture profile (default x86_64; see --list-archs)\n"
	"  --cpus=N            present CPUs (default 2)\n"
	"  --cmdline=STR       kernel boot parameters, verbatim (slub_debug=..., slub_max_order=...)\n"
	"  --kconfig=LIST      OPT=y|n,... for slab Kconfig options (default: Debian 12's 6.1)\n"
	"  --page-size=SZ      4K (default), 16K or 64K where the arch allows it\n"
	"  --mem=SZ            simulated RAM (default 256M; up to 16T with 4K pages)\n"
	"  --seed=N            seed for every random choice (default 1)\n";

int options_model_arg(struct sim_config *cfg, int argc, char **argv, int *i, const char *prog,
		      unsigned *set_mask)
{
	const char *arg = argv[*i];
	struct sim_err err;

	if (strncmp(arg, "--", 2))
		return 0;
	arg += 2;
	for (int k = 0; k < NR_CONFIG_OPT; k++) {
		size_t n = strlen(config_opts[k].name);
		const char *val;

		if (strncmp(arg, config_opts[k].name, n) || (arg[n] != '=' && arg[n] != '\0'))
			continue;
		if (arg[n] == '=') {
			val = arg + n + 1;
		} else {
			if (*i + 1 >= argc) {
				fprintf(stderr, "%s: option '--%s' requires an argument\n", prog, config_opts[k].name);
				return -1;
			}
			val = argv[++*i];
		}
		if (config_opts[k].set(cfg, val, &err)) {
			fprintf(stderr, "%s: --%s: %s\n", prog, config_opts[k].name, err.msg);
			return -1;
		}
		if (set_mask)
			*set_mask |= OPTIONS_BIT(k);
		return 1;
	}
	return 0;
}
