/* slubsim: the command-line entry point. */
#include "autoconfig.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "src/replay/options.h"
#include "sim/kver.h"

static const struct command commands[] = {
	{ "caches", cmd_caches, "print every cache's geometry (table, sysfs, slabinfo, json)" },
	{ "run", cmd_run, "replay a trace (native or ftrace) and report the caches" },
	{ "test", cmd_test, "run self-checking traces: N passed, M failed" },
	{ "explain", cmd_explain, "say where kmalloc(size) lands, how aligned it is, and why" },
	{ "verify", cmd_verify, "sweep Rust Layouts through the kmalloc wrappers, count misalignment" },
	{ "diff", cmd_diff, "replay a trace under two configurations, caches side by side" },
	{ "plot", cmd_plot, "draw the busiest caches' objects and pages over a trace (SVG, PNG)" },
	{ "tui", cmd_tui, "step through a trace in a terminal UI, forward and back" },
};

int cli_usage_error(const struct cli *cli, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->prog);
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nTry '%s %s --help' for more information.\n", cli->prog, cmd);
	else
		fprintf(stderr, "\nTry '%s --help' for more information.\n", cli->prog);
	return EXIT_USAGE;
}

int cli_option_error(const struct cli *cli, const char *cmd, int c, char **argv)
{
	if (c == ':')
		return cli_usage_error(cli, cmd, "option '%s' requires an argument", argv[optind - 1]);
	return cli_usage_error(cli, cmd, "unknown option '%s'", argv[optind - 1]);
}

int cli_boot(struct cli *cli, struct sim **out)
{
	*out = slubsim_sim(cli->model);
	if (!*out) {
		fprintf(stderr, "%s: %s\n", cli->prog, slubsim_error(cli->model));
		return -1;
	}
	return 0;
}

int cli_model_arg(struct slubsim *m, int argc, char **argv, int *i, const char *prog)
{
	const char *arg = argv[*i], *val;
	size_t n;
	int k;

	if (strncmp(arg, "--", 2))
		return 0;
	arg += 2;
	n = strcspn(arg, "=");
	k = config_opt_find(arg, n);
	if (k < 0)
		return 0;
	if (arg[n] == '=') {
		val = arg + n + 1;
	} else if (*i + 1 < argc) {
		val = argv[++*i];
	} else {
		fprintf(stderr, "%s: option '--%s' requires an argument\n", prog, config_opts[k].name);
		return -1;
	}
	if (slubsim_set(m, config_opts[k].name, val)) {
		fprintf(stderr, "%s: %s\n", prog, slubsim_error(m));
		return -1;
	}
	return 1;
}

/* What a bare MAJOR.MINOR stands for (sim/kver.c kv_newest()). */
static void kernel_help(FILE *out)
{
	unsigned col = 0, bare = 0;

	fputs("\nA bare --kernel=MAJOR.MINOR is the newest release of that series whose stable\n"
	      "backports slubsim follows:", out);
	for (unsigned v = KV_FIRST; v <= KV_LAST; v += KV(0, 1)) {
		if (kv_newest(v) == v) {
			bare = bare ? bare : v;
			continue;
		}
		fprintf(out, "%s%u.%u = %s", col % 4 ? ", " : col ? ",\n  " : "\n  ", KV_MAJOR(v), KV_MINOR(v),
			KV_STR(kv_newest(v)));
		col++;
	}
	if (bare)
		fprintf(out, ";\nany other series its mainline release (%u.%u = %s)", KV_MAJOR(bare), KV_MINOR(bare),
			KV_STR(bare));
	fputs(".\n", out);
}

static void usage(FILE *out, const char *prog)
{
	fprintf(out, "Usage: %s [MODEL OPTIONS] COMMAND [COMMAND OPTIONS] [ARGUMENTS]\n", prog);
	fputs("Simulate the Linux kernel's SLUB allocator: kmalloc caches, their geometry and\n"
	      "the life of every object, as a given kernel version, architecture and boot\n"
	      "command line would have them.\n\nCommands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n", out);
	fputs(options_model_help, out);
	kernel_help(out);
	fputs("\nOther options:\n"
	      "  --list-archs        list the architecture profiles and their alignment constants\n"
	      "  -h, --help          show this help\n"
	      "  -V, --version       show the version\n"
	      "\n'slubsim COMMAND --help' describes a command.\n"
	      "Exit status: 0 success, 1 input processed with errors or failed expectations,\n"
	      "2 usage error or unreadable input.\n", out);
}

static int list_archs(const struct cli *cli)
{
	const struct arch_profile *a;

	printf("%-11s %5s %9s %9s %9s %9s %-12s %s\n", "ARCH", "BITS", "KMALLOC", "SLAB", "DMA", "MIN_SIZE",
	       "PAGE_SIZES", "NOTE");
	for (unsigned i = 0; (a = arch_at(i)); i++) {
		struct arch_consts c;
		char pages[16] = "";

		arch_consts_init(&c, a, cli_cfg(cli)->kver, 12);
		for (unsigned sh = 12; sh <= 16; sh += 2)
			if (arch_supports_page_shift(a, sh))
				snprintf(pages + strlen(pages), sizeof(pages) - strlen(pages), "%s%uK",
					 pages[0] ? "," : "", (1u << sh) >> 10);
		printf("%-11s %5u %9u %9u %9u %9u %-12s %s\n", a->name, a->ptr_size * 8, c.kmalloc_minalign,
		       c.slab_minalign, c.has_dma_minalign ? c.dma_minalign : 0, c.kmalloc_min_size, pages, a->note);
	}
	printf("\nValues for Linux %s (--kernel); KMALLOC = ARCH_KMALLOC_MINALIGN, SLAB = ARCH_SLAB_MINALIGN,\n"
	       "DMA = ARCH_DMA_MINALIGN (0: not defined), MIN_SIZE = KMALLOC_MIN_SIZE.\n",
	       KV_STR(cli_cfg(cli)->kver));
	return 0;
}

/*
 * "slubsim TRACE": a readable file in the command's place opens the TUI on a
 * terminal; elsewhere say how to replay it. 1 with *ret set if @a was a file.
 */
static int trace_path_command(struct cli *cli, const char *a, int *ret)
{
	char *argv[] = { "tui", (char *)a, NULL };

	if (access(a, R_OK))
		return 0;
	if (!isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s: '%s' is a trace: replay it with '%s run %s', or open it on a terminal\n", cli->prog,
			a, cli->prog, a);
		*ret = EXIT_USAGE;
		return 1;
	}
	*ret = cmd_tui(cli, 2, argv);
	return 1;
}

int main(int argc, char **argv)
{
	struct cli cli = { .prog = "slubsim" };
	const struct command *cmd = NULL;
	char **cmd_argv;
	int cmd_argc = 0, want_archs = 0, ret;

	cmd_argv = calloc((size_t)argc + 1, sizeof(*cmd_argv));
	if (!cmd_argv || slubsim_new(&cli.model)) {
		fprintf(stderr, "%s: out of memory\n", cli.prog);
		free(cmd_argv);
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r;

		if (!strcmp(a, "--")) {
			while (++i < argc)
				cmd_argv[cmd_argc++] = argv[i];
			break;
		}
		r = cli_model_arg(cli.model, argc, argv, &i, cli.prog);
		if (r < 0) {
			ret = EXIT_USAGE;
			goto out;
		}
		if (r > 0)
			continue;
		if (!cmd) {
			if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
				usage(stdout, cli.prog);
				ret = 0;
				goto out;
			}
			if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
				printf("slubsim " PACKAGE_VERSION "\n");
				ret = 0;
				goto out;
			}
			if (!strcmp(a, "--list-archs")) {
				want_archs = 1;
				continue;
			}
			if (a[0] == '-') {
				ret = cli_usage_error(&cli, NULL, "unknown option '%s'", a);
				goto out;
			}
			for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
				if (!strcmp(commands[k].name, a))
					cmd = &commands[k];
			if (!cmd && trace_path_command(&cli, a, &ret))
				goto out;
			if (!cmd) {
				ret = cli_usage_error(&cli, NULL, "unknown command '%s'", a);
				goto out;
			}
		}
		cmd_argv[cmd_argc++] = argv[i];
	}
	if (want_archs) {
		ret = list_archs(&cli);
		goto out;
	}
	if (!cmd) {
		ret = cli_usage_error(&cli, NULL, "no command given");
		goto out;
	}
	ret = cmd->run(&cli, cmd_argc, cmd_argv);
out:
	free(cmd_argv);
	slubsim_free(cli.model);
	return ret;
}
