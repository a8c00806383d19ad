/* slubsim caches: every cache's geometry right after boot. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report.h"

static const char caches_help[] =
	"Usage: slubsim [MODEL OPTIONS] caches [--format=table|sysfs|slabinfo|json]\n"
	"Print the geometry of every cache the simulated kernel has after boot, in\n"
	"/proc/slabinfo order.\n"
	"\n"
	"  -f, --format=FMT   table (default): a readable summary;\n"
	"                     sysfs: NAME<TAB>ATTRIBUTE<TAB>VALUE as /sys/kernel/slab shows it;\n"
	"                     slabinfo: /proc/slabinfo, version 2.1, byte for byte;\n"
	"                     json: an array of objects\n"
	"  -h, --help         show this help\n";

int cmd_caches(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int fmt = REPORT_TABLE, c;
	struct sim *sim;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = report_parse_format(optarg);
			if (fmt < 0)
				return cli_usage_error(cli, "caches", "unknown format '%s' (table, sysfs, slabinfo, json)",
						       optarg);
			break;
		case 'h':
			fputs(caches_help, stdout);
			return 0;
		case ':':
			return cli_usage_error(cli, "caches", "option '%s' requires an argument", argv[optind - 1]);
		default:
			return cli_usage_error(cli, "caches", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "caches", "unexpected argument '%s'", argv[optind]);
	if (cli_boot(cli, &sim))
		return EXIT_USAGE;
	report_caches(stdout, sim, (enum report_format)fmt);
	return 0;
}
