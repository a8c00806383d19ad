/* Model options shared by every command (../shared/spec/interface.md). */
#ifndef SLUBSIM_OPTIONS_H
#define SLUBSIM_OPTIONS_H

#include "sim/config.h"

/*
 * Try to consume argv[*i] (and maybe argv[*i + 1]) as a model option into
 * @cfg. Returns 1 if consumed, 0 if it is not a model option, -1 on a bad
 * value (message printed, prefixed with @prog).
 */
int options_model_arg(struct sim_config *cfg, int argc, char **argv, int *i, const char *prog,
		      unsigned *set_mask);
/* The bit options_model_arg() sets in *set_mask for option @name ("kernel", "page-size"), or 0. */
unsigned options_model_bit(const char *name);

/* The model options' lines for --help. */
extern const char options_model_help[];

#endif
