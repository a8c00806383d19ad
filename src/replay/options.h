/*
 * Model options from the command line (../shared/spec/interface.md): the
 * same table as a trace's config lines (sim/config.h config_opts[]), so
 * that the replayer can tell which of a trace's config lines the command
 * line overrides.
 */
#ifndef SLUBSIM_OPTIONS_H
#define SLUBSIM_OPTIONS_H

#include "sim/config.h"

/* The bit of @opt in a mask of model options given (struct replay_opts.cli_set) */
#define OPTIONS_BIT(opt) (1u << (opt))

/*
 * Try to consume argv[*i] (and maybe argv[*i + 1]) as a model option into
 * @cfg. Returns 1 if consumed (OPTIONS_BIT() of it set in *set_mask), 0 if
 * it is not a model option, -1 on a bad value (message printed, prefixed
 * with @prog).
 */
int options_model_arg(struct sim_config *cfg, int argc, char **argv, int *i, const char *prog,
		      unsigned *set_mask);

/* The model options' lines for --help. */
extern const char options_model_help[];

#endif
