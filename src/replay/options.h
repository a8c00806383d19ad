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

/* The model options' lines for --help. */
extern const char options_model_help[];

#endif
