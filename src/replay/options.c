#include "options.h"

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
