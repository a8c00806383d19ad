/*
 * The replay pipeline's tuning, in one place: how the parsing thread hands
 * events to the replayer (trace_pipe.c) and how far ahead the replayer
 * looks (src/replay/run.c). docs/PERFORMANCE.md says what each one trades
 * and how to measure a change. The #ifndef ones can be tried with -D.
 */
#ifndef SLUBSIM_TRACE_TUNING_H
#define SLUBSIM_TRACE_TUNING_H

/*
 * Events per batch: the unit the two threads hand over under the lock, so
 * that locking and waking are paid per batch, not per event. Small enough
 * that a batch's events stay in the caches between the two cores.
 */
#define TRACE_PIPE_BATCH 256

/* Batches in the ring: how far the parsing thread may run ahead. */
#ifndef TRACE_PIPE_BATCHES
#define TRACE_PIPE_BATCHES 8
#endif

/*
 * A full ring puts the parsing thread to sleep until this many batches are
 * left: waking it is a system call on the replaying thread, so it should
 * happen once per several batches, not after every one.
 */
#define TRACE_PIPE_WAKE_AT (TRACE_PIPE_BATCHES / 2)

/*
 * When the replayer has read every batch, the parsing thread is usually in
 * the middle of the next one: the replayer polls for about a batch's
 * parsing time before it sleeps, which would cost a system call on each
 * side and a wake-up. Only with a second CPU, where the parsing thread can
 * run meanwhile.
 */
#ifndef TRACE_PIPE_SPIN
#define TRACE_PIPE_SPIN 2000
#endif

/*
 * The replayer fetches the event this many items ahead of the one it
 * takes (trace_pipe_next()): the parsing core wrote it, so its lines are
 * not in this core's cache.
 */
#ifndef TRACE_PIPE_FETCH
#define TRACE_PIPE_FETCH 4
#endif

/*
 * The parsing thread asks for the event buffer's bytes this far ahead of
 * where it writes, this many of them (about four events on, one event's
 * worth), for writing: the replaying core read them last.
 */
#ifndef TRACE_PIPE_FETCH_FROM
#define TRACE_PIPE_FETCH_FROM 1024
#endif
#ifndef TRACE_PIPE_FETCH_BYTES
#define TRACE_PIPE_FETCH_BYTES 256
#endif

/*
 * The replayer fetches a name's record this many events before the event
 * that needs it (trace_pipe_hint()), so that the cache misses of several
 * lookups overlap instead of each stalling its event.
 */
#ifndef TRACE_PIPE_LOOKAHEAD
#define TRACE_PIPE_LOOKAHEAD 8
#endif

#endif
