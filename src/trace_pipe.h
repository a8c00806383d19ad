/*
 * Parse ahead on a second thread: trace_next() runs on a thread of its own
 * and hands the replayer batches of events, their strings copied out of the
 * reader's line buffer, so that reading and parsing overlap the model's work.
 *
 *	trace_pipe_open(&tp, &rd);
 *	while ((r = trace_pipe_next(tp, &ev, &err)) != TRACE_EOF) {
 *		if (r == TRACE_EVENT)
 *			replay(ev);
 *		else
 *			fprintf(stderr, "%s\n", err);	// TRACE_ERROR goes on, TRACE_IOERR stops
 *	}
 *	trace_pipe_close(tp);	// @rd's stats are final once it returns
 *
 * The reader must not be touched between open and close. Memory is bounded:
 * TRACE_PIPE_BATCHES batches of TRACE_PIPE_BATCH events.
 *
 * Handing an event from one core's cache to the other's costs less than
 * parsing its line only because events travel packed (docs/PERFORMANCE.md).
 */
#ifndef SLUBSIM_TRACE_PIPE_H
#define SLUBSIM_TRACE_PIPE_H

#include "trace.h"

#define TRACE_PIPE_BATCH 256
#define TRACE_PIPE_BATCHES 4

struct trace_pipe;

/* Start the parsing thread on @rd. 0, or -1 (out of memory, no thread): use trace_next() then. */
int trace_pipe_open(struct trace_pipe **tp, struct trace_reader *rd);
/*
 * The next item, as trace_next() would return it: TRACE_EVENT with *@ev,
 * TRACE_ERROR or TRACE_IOERR with *@err ("file:line:column: message"), or
 * TRACE_EOF. What it points to stays valid until the next call.
 */
int trace_pipe_next(struct trace_pipe *tp, const struct trace_event **ev, const char **err);
/*
 * Right after trace_pipe_next() opened a new batch: its items' events (up
 * to @max; NULL for an error or the end), the first being the one just
 * returned, for a replayer to look ahead. 0 at any other time.
 */
int trace_pipe_batch(const struct trace_pipe *tp, const struct trace_event **evs, unsigned max);
/* Stop the thread (it finishes the line it is on) and free everything. */
void trace_pipe_close(struct trace_pipe *tp);

#endif
