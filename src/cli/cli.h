/* The command-line front end: shared state and the commands. */
#ifndef SLUBSIM_CLI_H
#define SLUBSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "src/api/slubsim_int.h"

#define EXIT_INPUT_ERRORS 1	/* processed, but errors or failed expectations */
#define EXIT_USAGE 2		/* usage error or unreadable input */

struct cli {
	const char *prog;
	struct slubsim *model;	/* the model options, set as the library's users set them */
};

/* The model options given: a replay's base configuration, and which were given (struct replay_opts cli_set). */
static inline const struct sim_config *cli_cfg(const struct cli *cli)
{
	return slubsim_config(cli->model);
}

static inline unsigned cli_cfg_set(const struct cli *cli)
{
	return slubsim_options_given(cli->model);
}

struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);	/* argv[0] is the command name */
	const char *summary;
};

/* Boot the simulated kernel of the model options (owned by cli->model); prints errors. */
int cli_boot(struct cli *cli, struct sim **out);
/*
 * Try argv[*i] (and maybe argv[*i + 1]) as a model option --NAME=VALUE or
 * --NAME VALUE, set on @m. 1 if it was one, 0 if it is not a model option,
 * -1 on a bad value (message printed, prefixed with @prog).
 */
int cli_model_arg(struct slubsim *m, int argc, char **argv, int *i, const char *prog);
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
