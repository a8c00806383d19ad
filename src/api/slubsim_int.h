/*
 * The handle's insides, for the command line only (never installed): its
 * reports need the model itself, and its replays start from the options
 * the handle was given. So the command line builds every model one way,
 * slubsim_set() and slubsim_boot(), as a user of the library does.
 */
#ifndef SLUBSIM_API_INT_H
#define SLUBSIM_API_INT_H

#include "include/slubsim/slubsim.h"
#include "sim/sim.h"

/* The options given so far (not finalized until the model boots): a replay's base configuration. */
const struct sim_config *slubsim_config(const struct slubsim *m);
/* Which options were given (src/replay/options.h OPTIONS_BIT()s): they win over a trace's config lines. */
unsigned slubsim_options_given(const struct slubsim *m);
/* The model, booted if need be, owned by @m; NULL if it does not boot (slubsim_error() says why). */
struct sim *slubsim_sim(struct slubsim *m);
/* A new handle with @base's options, not booted: SLUBSIM_OK or SLUBSIM_ENOMEM. */
int slubsim_new_from(struct slubsim **out, const struct slubsim *base);

#endif
