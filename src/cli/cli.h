/* The command-line front end: shared state and the commands. */
#ifndef SLUBSIM_CLI_H
#define SLUBSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

#define EXIT_INPUT_ERRORS 1	/* processed, but errors or failed expectations */
#define EXIT_USAGE 2		/* usage error or unreadable input */

struct cli {
	const char *prog;
	struct sim_config cfg;
	unsigned cfg_set;	/* OPTIONS_BIT()s of the model options given */
};

struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);	/* argv[0] is the command name */
	const char *summary;
};

/* Finalize the configuration and boot a simulated kernel; prints errors. */
int cli_boot(struct cli *cli, struct sim **out);
/* "slubsim: CMD: message" + the --help hint; returns EXIT_USAGE */
int cli_usage_error(const struct cli *cli, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* getopt_long() returned ':' or '?' for @cmd: print which option was wrong; returns EXIT_USAGE */
int cli_option_error(const struct cli *cli, const char *cmd, int c, char **argv);

int cmd_caches(struct cli *cli, int argc, char **argv);
int cmd_run(struct cli *cli, int argc, char **argv);
int cmd_test(struct cli *cli, int argc, char **argv);

int cmd_explain(struct cli *cli, int argc, char **argv);
int cmd_verify(struct cli *cli, int argc, char **argv);
int cmd_diff(struct cli *cli, int argc, char **argv);
int cmd_plot(struct cli *cli, int argc, char **argv);
int cmd_tui(struct cli *cli, int argc, char **argv);

#endif
