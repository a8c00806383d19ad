/*
 * Parse ahead on a second thread: trace_next() runs on a thread of its own
 * and hands the replayer batches of events, their strings copied out of the
 * reader's line buffer, so that reading and parsing overlap the model's work.
 *
 *	trace_pipe_open(&tp, &rd, NULL);
 *	while ((r = trace_pipe_next(tp, &ev, &err)) != TRACE_EOF) {
 *		if (r == TRACE_EVENT)
 *			replay(ev);
 *		else
 *			fprintf(stderr, "%s\n", err->text);	// TRACE_ERROR goes on, TRACE_IOERR stops
 *	}
 *	trace_pipe_close(tp);	// @rd's stats are final once it returns
 *
 * The reader must not be touched between open and close. Memory is bounded:
 * TRACE_PIPE_BATCHES batches of TRACE_PIPE_BATCH events (trace_tuning.h).
 *
 * Handing an event from one core's cache to the other's costs less than
 * parsing its line only because events travel packed (docs/PERFORMANCE.md).
 */
#ifndef SLUBSIM_TRACE_PIPE_H
#define SLUBSIM_TRACE_PIPE_H

#include "trace.h"
#include "trace_tuning.h"

/*
 * The consumer's view of its batch: trace_pipe_next() reads it inline,
 * the rest of the pipe is trace_pipe.c's own.
 */
struct trace_pipe {
	const struct trace_pipe_item *item;
	unsigned n, pos;	/* items in the batch, the next to return */
	const struct trace_pipe_where *where;	/* trace_pipe_open_where(): by item */
};

/*
 * Where an item's line was read in a memory reader, for a consumer that
 * resumes a reader there later (the TUI's checkpoints).
 */
struct trace_pipe_where {
	struct trace_pos pos;	/* trace_tell() before the line */
	size_t line_start;	/* trace_line_start() of the line */
	bool valid;		/* trace_tell() could tell: not within a config line's pairs */
};

/*
 * The consumer's hash of a name's bytes. The parsing thread computes it on
 * its way (struct trace_name.hash) and hands the first of an event's over
 * ahead (trace_pipe_hint()), so that a consumer that files names in a hash
 * table can fetch an entry before it needs it.
 */
typedef uint32_t (*trace_hash_fn)(const void *key, size_t len);

/*
 * Start the parsing thread on @rd, hashing names with @hash (NULL: none).
 * 0, or -1 (out of memory, no thread): use trace_next() then.
 */
int trace_pipe_open(struct trace_pipe **tp, struct trace_reader *rd, trace_hash_fn hash);
/* trace_pipe_open() on a memory reader that also keeps where each line was: trace_pipe_where(). */
int trace_pipe_open_where(struct trace_pipe **tp, struct trace_reader *rd, trace_hash_fn hash);
/* What the parsing thread hands over per line: an event, an error or the end. */
struct trace_pipe_item {
	int status;		/* enum trace_status */
	bool hinted;		/* hint is the trace_hash_fn of the event's first name */
	uint32_t hint;
	const struct trace_error *err;	/* TRACE_ERROR, TRACE_IOERR: what is wrong, and where */
	const struct trace_event *ev;	/* TRACE_EVENT */
};

/* Out of line: give the read batch back and wait for the next; the view shows it. */
void trace_pipe_refill(struct trace_pipe *tp);

/*
 * The next item, as trace_next() would return it: TRACE_EVENT with *@ev,
 * TRACE_ERROR or TRACE_IOERR with *@err (as the reader's own rd->err), or
 * TRACE_EOF. What it points to stays valid until the next call. Inline:
 * the replayer calls it for every event.
 */
static inline int trace_pipe_next(struct trace_pipe *tp, const struct trace_event **ev,
				  const struct trace_error **err)
{
	const struct trace_pipe_item *it;

	if (tp->pos == tp->n)
		trace_pipe_refill(tp);
	/*
	 * The parsing core wrote the events: fetch the first two lines of
	 * one a few items on, or each event would wait for them here.
	 */
	if (tp->pos + TRACE_PIPE_FETCH < tp->n && tp->item[tp->pos + TRACE_PIPE_FETCH].ev) {
		__builtin_prefetch(tp->item[tp->pos + TRACE_PIPE_FETCH].ev);
		__builtin_prefetch((const char *)tp->item[tp->pos + TRACE_PIPE_FETCH].ev + 64);
	}
	it = &tp->item[tp->pos];
	*ev = it->ev;
	*err = it->err;
	if (it->status != TRACE_EOF && it->status != TRACE_IOERR)
		tp->pos++;	/* the end stays the answer */
	return it->status;
}

/*
 * For a replayer that fetches ahead: the trace_hash_fn hash of the first
 * name (result, else operand) of the native event @k items after the one
 * trace_pipe_next() returned last, if that item is already in the same
 * batch and names one; false otherwise.
 */
static inline bool trace_pipe_hint(const struct trace_pipe *tp, unsigned k, uint32_t *hash)
{
	unsigned i = tp->pos + k - 1;

	if (i >= tp->n || !tp->item[i].hinted)
		return false;
	*hash = tp->item[i].hint;
	return true;
}

/* Opened with trace_pipe_open_where(): where the item trace_pipe_next() returned last was read. */
static inline const struct trace_pipe_where *trace_pipe_where(const struct trace_pipe *tp)
{
	return &tp->where[tp->pos ? tp->pos - 1 : 0];
}

/* Stop the thread (it finishes the line it is on) and free everything. */
void trace_pipe_close(struct trace_pipe *tp);

#endif
