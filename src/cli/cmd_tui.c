/* slubsim tui: open a trace in the ncurses TUI (tui/tui.c). */
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "src/ui/player.h"
#include "tui/tui.h"

static const char tui_help[] =
	"Usage: slubsim [MODEL OPTIONS] tui [OPTIONS] TRACE\n"
	"Step through a trace forward and back: the caches like slabtop, each slab's\n"
	"slots, the object an event touched, the alignment a Rust Layout got, SLUB's\n"
	"reports with the expectations' verdicts, and the trace's mistakes by line.\n"
	"'slubsim TRACE' does the same when standard output is a terminal.\n"
	"\n"
	"  -g, --goto=N        start at event N (default 1; 0 is the booted kernel), numbered\n"
	"                      as in 'run --events'\n"
	"      --no-color      monochrome (also when NO_COLOR is set)\n"
	"      --ascii         ASCII instead of UTF-8 blocks (also in a non-UTF-8 locale)\n"
	"  -h, --help          show this help\n"
	"\n"
	"Inside, h or F1 lists the keys; q quits.\n";

enum { OPT_NO_COLOR = 256, OPT_ASCII };

#define TUI_SCAN_EVENTS 200000

int cmd_tui(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "goto", required_argument, NULL, 'g' },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "ascii", no_argument, NULL, OPT_ASCII },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tui_opts opts = { .no_color = getenv("NO_COLOR") && *getenv("NO_COLOR") };
	unsigned long long start = 1;	/* the first event's outcome on the first screen */
	struct player pl;
	char err[600], *end;
	const char *cs;
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":g:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'g':
			start = strtoull(optarg, &end, 10);
			if (*end || !*optarg || *optarg == '-')
				return cli_usage_error(cli, "tui", "--goto needs an event number, not '%s'", optarg);
			break;
		case OPT_NO_COLOR: opts.no_color = true; break;
		case OPT_ASCII: opts.ascii = true; break;
		case 'h':
			fputs(tui_help, stdout);
			return 0;
		default:
			return cli_option_error(cli, "tui", c, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(cli, "tui", optind < argc ? "one trace at a time" : "which trace?");
	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	if (!cs || strcmp(cs, "UTF-8"))
		opts.ascii = true;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s: tui: needs a terminal; try '%s run --events %s'\n", cli->prog, cli->prog,
			argv[optind]);
		return EXIT_USAGE;
	}
	if (player_open(&pl, argv[optind], cli_cfg(cli), cli_cfg_set(cli), err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", cli->prog, err);
		return EXIT_USAGE;
	}
	/* a trace that replays in a blink is replayed whole: its mistakes are all listed from the start */
	if (pl.total <= TUI_SCAN_EVENTS && player_goto(&pl, pl.total))
		fprintf(stderr, "%s: cannot replay %s\n", cli->prog, argv[optind]);
	if (start > pl.total && start != 1)
		snprintf(opts.status, sizeof(opts.status), "--goto=%llu: the trace has %llu events, went to the end",
			 start, (unsigned long long)pl.total);
	if (start && player_goto(&pl, start))
		fprintf(stderr, "%s: cannot go to event %llu\n", cli->prog, start);
	ret = tui_run(&pl, &opts);
	if (ret)
		fprintf(stderr, "%s: tui: cannot use this terminal (TERM=%s)\n", cli->prog,
			getenv("TERM") ? getenv("TERM") : "");
	player_close(&pl);
	return ret;
}
