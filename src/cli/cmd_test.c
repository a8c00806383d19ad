/* slubsim test: self-checking traces as regression tests. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "src/replay/run.h"

static const char test_help[] =
	"Usage: slubsim [MODEL OPTIONS] test [OPTIONS] TRACE...\n"
	"Run self-checking traces: every 'expect' line must hold and the trace must\n"
	"have no errors. A failing expectation prints its trace line with the\n"
	"expected and the actual value; a trace without expectations fails ('no\n"
	"expectations'). An expect line is one expectation, whatever keys it\n"
	"checks. The last line is 'N passed, M failed' (N and M count traces).\n"
	"\n"
	"  -v, --verbose   also print SLUB's reports\n"
	"  -h, --help      show this help\n"
	"\n"
	"Exit status: 0 if every trace passed, 1 if one failed, 2 for usage errors.\n";

/* Quote the trace lines whose expectations failed. */
static void print_failed_lines(const char *path, const struct replay *rp)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "r") : NULL;
	char line[512];
	uint32_t n = 0;
	unsigned k = 0;

	if (!fp)
		return;
	while (k < rp->nr_fail_lines && fgets(line, sizeof(line), fp)) {
		size_t len = strlen(line);

		if (len && line[len - 1] == '\n')
			n++;
		else if (len == sizeof(line) - 1)
			continue;	/* the rest of a long line */
		else
			n++;
		if (n == rp->fail_lines[k]) {
			line[strcspn(line, "\r\n")] = '\0';
			printf("  %s:%u: %s\n", path, n, line);
			k++;
		}
	}
	fclose(fp);
}

int cmd_test(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay_opts opts = { .cli_set = cli_cfg_set(cli), .quiet_faults = true };
	unsigned passed = 0, failed = 0;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			opts.quiet_faults = false;
			break;
		case 'h':
			fputs(test_help, stdout);
			return 0;
		default:
			return cli_usage_error(cli, "test", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "test", "which traces?");
	for (int i = optind; i < argc; i++) {
		struct replay rp;
		struct trace_reader rd;
		int r = replay_run(cli->prog, cli_cfg(cli), argv[i], TRACE_FMT_AUTO, &opts, 0, true, &rp, &rd);
		uint64_t errors = rp.st.errors + rd.stats.errors;

		if (r < 0 || errors || rp.st.expect_fail) {
			failed++;
			printf("FAIL %s: %llu of %llu expectations failed, %llu errors\n", argv[i],
			       (unsigned long long)rp.st.expect_fail,
			       (unsigned long long)(rp.st.expect_fail + rp.st.expect_pass), (unsigned long long)errors);
			print_failed_lines(argv[i], &rp);
		} else if (!rp.st.expect_pass) {
			/* a self-checking trace that checks nothing has not passed */
			failed++;
			printf("FAIL %s: no expectations\n", argv[i]);
		} else {
			passed++;
			printf("PASS %s: %llu expectations\n", argv[i], (unsigned long long)rp.st.expect_pass);
		}
		replay_release(&rp);
		trace_close(&rd);
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? EXIT_INPUT_ERRORS : 0;
}
