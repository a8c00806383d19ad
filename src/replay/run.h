/* The replay driver: a trace file, read and replayed into a model. */
#ifndef SLUBSIM_RUN_H
#define SLUBSIM_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "replay.h"

/*
 * Replay the trace at @path ("-": standard input) in format @fmt (enum
 * trace_format) into @rp, a model of @cfg, reading with @rd (both
 * initialised here; the caller releases them even on failure). Errors in
 * the trace go to stderr as file:line:column (to opts->on_msg if set);
 * @keep_going goes on past them. @until: stop after that many events (0:
 * all). Returns 0, or -1 if the trace could not be read (message printed,
 * prefixed with @prog).
 */
int replay_run(const char *prog, const struct sim_config *cfg, const char *path, int fmt,
	       const struct replay_opts *opts, uint64_t until, bool keep_going, struct replay *rp,
	       struct trace_reader *rd);

#endif
