/*
 * The trace player: a trace held in memory, replayed to any event and back.
 *
 * Events are numbered as everywhere (trace_kind_is_event()): allocator
 * calls and writes, not labels, expectations, config or "cpu N" lines, nor
 * ftrace page events. Position n means events 1..n are applied, and the
 * lines after event n up to the next event (its expectations, the next
 * section's label): they only look at the model, so position n is the model
 * of `run --until=n`. 0 is the booted kernel with the lines before event 1.
 *
 * Going back restores the nearest checkpoint at or before the target and
 * replays forward. Coarse checkpoints sit every player->k events (k grows
 * with the trace, so at most PLAYER_COARSE of them exist, and doubles when
 * they outgrow PLAYER_BUDGET); fine ones split the coarse segment last
 * visited into player->nr_fine parts (as many as PLAYER_FINE_BUDGET holds),
 * so stepping back near where one stands replays at most k / nr_fine events.
 *
 * The second core takes part (docs/PERFORMANCE.md, the TUI): a long trace
 * is counted in two parts at once, and a long move parses on a second
 * thread (trace_pipe.h). Neither changes what the player shows.
 */
#ifndef SLUBSIM_PLAYER_H
#define SLUBSIM_PLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/replay/replay.h"
#include "src/trace/trace.h"
#include "src/trace/trace_pipe.h"

#define PLAYER_COARSE 64
#define PLAYER_FINE 32
#define PLAYER_FINE_MIN 4
#define PLAYER_BUDGET (512ull << 20)	/* coarse checkpoints: bytes before they are thinned */
#define PLAYER_FINE_BUDGET (192ull << 20)	/* fine checkpoints: bytes they may take */
#define PLAYER_HIST 16		/* occupancy samples kept per cache */
#define PLAYER_TEXT 160
#define PLAYER_DROP_BYTES (64u << 20)	/* the counting pass lets go of the trace read every so often */
#define PLAYER_AHEAD 8		/* lines a name is fetched ahead of its lookup */
#define PLAYER_FAR 16		/* on the parsing thread: events a name's index cell is fetched ahead */
#define PLAYER_NOTES 6		/* lines after an event kept with it */
#define PLAYER_NOTE_TEXT 200

/* A line after the event (an expectation, an error), as the step shows it. */
enum player_note_kind { PN_PASS, PN_FAIL, PN_ERROR };

struct player_note {
	enum player_note_kind kind;
	uint32_t line;
	char text[PLAYER_NOTE_TEXT];	/* the line as written (a pass) or the message */
};

/* What is wrong in the trace: a line the reader rejected, an error of the replay, a failed expectation. */
struct player_mistake {
	enum player_note_kind kind;	/* PN_ERROR or PN_FAIL */
	uint32_t line;
	uint64_t event;			/* the position that shows it */
	char *text;			/* "file:line:column: message" */
};

/* What the step that led to the current position did (copied out of the replayer's hook). */
struct player_step {
	enum trace_kind kind;
	uint32_t line;
	unsigned cpu;
	char text[PLAYER_TEXT];		/* the trace line as written */
	char op_name[32];		/* "kzalloc", "rust_alloc", "kmalloc" (ftrace) */
	char name[64];			/* the bound name, "" if none */
	bool has_tptr;			/* ftrace: the trace's own pointer and call site */
	uint64_t tptr;
	char call_site[96];
	uint64_t size, align;		/* requested size; Rust: the Layout's alignment (0 otherwise) */
	bool has_op;			/* the event reached the model */
	struct sim_op op;		/* op.cache is NULL: see cache_index */
	int cache_index;		/* index in sim->caches of op.cache, -1 if none */
	uint64_t ksize;
	bool failed_expect;		/* one of the notes is a failed expectation */
	char message[600];		/* the event's error or note */
	struct player_note notes[PLAYER_NOTES];	/* the lines after it, in order */
	unsigned nr_notes, more_notes;	/* notes kept, and left out */
	unsigned expect_pass, expect_fail;	/* the expectations after it */
};

/*
 * History: the objects in use in a cache (the slab map's count) after each
 * of its last PLAYER_HIST operations, kept up to date from each
 * operation's path.
 */
struct player_hist {
	uint32_t (*used)[PLAYER_HIST];	/* by cache index */
	uint8_t *count;			/* samples held, at most PLAYER_HIST; newest last */
	int64_t *now;			/* objects in use now */
	uint32_t cap;
};

struct player_state {
	uint64_t n;
	struct replay rp;
	struct trace_pos pos;		/* checkpoints: where the reader resumes */
	struct player_step step;	/* valid when n > 0 */
	struct player_hist hist;
	uint64_t bytes;			/* checkpoints: what the clone took */
	bool used;
};

enum player_break_kind {
	PB_CACHE,		/* an operation on cache @arg */
	PB_OBJECT,		/* an event naming object @arg */
	PB_EVENT,		/* an event of kind @arg ("kfree", "rust_alloc", "label") */
	PB_SITE,		/* an ftrace event from call site @arg (a function, or function+offset) */
	PB_PTR,			/* an ftrace event on the trace's pointer @arg (hex) */
	PB_NEW_SLAB,
	PB_DISCARD_SLAB,
	PB_MISALIGNED,		/* a Rust allocation not aligned to its Layout */
	PB_FAULT,		/* a SLUB report */
	PB_EXPECT_FAIL,		/* a failed expectation */
	NR_PLAYER_BREAK
};

struct player_break {
	enum player_break_kind kind;
	char arg[64];
	uint64_t ptr;		/* PB_PTR: arg as a number */
};

/*
 * When the player puts the second core to work (player_open_tuned(); the
 * tests take both paths on small traces). Either way the events are the same.
 */
struct player_tuning {
	uint64_t pipe_min;	/* a move of this many events or more parses on a second thread */
	size_t split_min;	/* a trace of this many bytes or more is counted in two parts at once */
};
#define PLAYER_PIPE_MIN 20000
#define PLAYER_SPLIT_MIN (8u << 20)

struct player {
	char *name;			/* the file name in messages */
	const char *data;		/* the whole trace */
	size_t len;
	bool mapped;
	uint64_t total;			/* events in the trace */
	uint64_t parse_errors;		/* lines the reader rejected */
	struct player_mistake *mistakes;	/* by line */
	uint32_t nr_mistakes, mistakes_cap;
	uint32_t mistakes_line;		/* the replay has reported the mistakes up to this line */
	uint64_t max_pos;		/* the furthest event the replay has been to */
	uint64_t replay_errors, expect_failures;	/* among the mistakes */
	struct trace_event ev;		/* the line read last by rd */
	const struct trace_event *cur;	/* the line read last: &ev, or the parsing thread's */
	size_t cur_start;		/* where that line starts in data, read by rd */
	const struct trace_pipe_where *where;	/* read by the parsing thread: where it was (sync_pos()) */
	struct trace_pipe *tp;		/* a long move: the parsing thread, reading prd; NULL otherwise */
	struct trace_reader prd;
	bool pending;			/* ev is the next event, read and not applied */
	bool in_event, recording;	/* the hook: the event itself, and the step is wanted */
	size_t ahead;			/* the line whose name is fetched next (native traces) */
	struct learn learn;		/* cache names learnt by count_events()'s pass (src/replay/learn.h) */
	struct name_table created;	/* names of the caches the trace creates (kmem_cache_create) */
	uint64_t k;			/* coarse checkpoint interval */
	struct player_state live;
	struct trace_reader rd;
	bool rd_open;
	struct player_state *coarse;	/* coarse[i] is at i * k, dense from 0 */
	unsigned nr_coarse;
	uint64_t coarse_bytes;		/* their size */
	uint64_t clone_bytes;		/* the size of the last checkpoint */
	struct player_state fine[PLAYER_FINE];	/* fine[j] at seg * k + j * fine_k, j < nr_fine */
	unsigned nr_fine;
	uint64_t fine_seg, fine_k;
	uint64_t next_check;		/* no checkpoint is due before this position */
	uint64_t fine_target;		/* the event the fine checkpoints are for */
	FILE *devnull;			/* the replayer's messages: the step keeps them */
	struct player_tuning tune;
};

/*
 * Read @path, count its steps and boot the kernel its config lines (and
 * then @base, for options in @cli_set) describe. 0, or -1 with @err set.
 */
int player_open(struct player *pl, const char *path, const struct sim_config *base, unsigned cli_set, char *err,
		size_t errlen);
/* player_open() with other thresholds for the second thread's work (NULL: the defaults). */
int player_open_tuned(struct player *pl, const char *path, const struct sim_config *base, unsigned cli_set,
		      const struct player_tuning *tune, char *err, size_t errlen);
void player_close(struct player *pl);

/* Go to position @n (clamped to [0, total]). 0, or -1 out of memory or on a read error. */
int player_goto(struct player *pl, uint64_t n);
/* Relative move, clamped. */
int player_step(struct player *pl, int64_t delta);

static inline uint64_t player_pos(const struct player *pl)
{
	return pl->live.n;
}
static inline const struct replay *player_replay(const struct player *pl)
{
	return &pl->live.rp;
}
/* The step that led here, NULL at position 0 (player_notes() has the lines before event 1). */
const struct player_step *player_last(const struct player *pl);
/* The current step's cache in the live model, NULL if none. */
const struct kmem_cache *player_step_cache(const struct player *pl);
/* The current step's SLUB report text, "" if none. */
const char *player_fault_text(const struct player *pl);
/* The lines after the current event (at 0: before event 1). */
const struct player_step *player_notes(const struct player *pl);
/* The history of cache @index: samples into *@used, count returned. */
unsigned player_history(const struct player *pl, unsigned index, const uint32_t **used);
/* The mistakes found so far: every line the reader rejected, the replay's as far as it went. */
static inline uint32_t player_mistakes(const struct player *pl)
{
	return pl->nr_mistakes;
}

/* Whether the current step hits @b. */
bool player_break_hit(const struct player *pl, const struct player_break *b);
/*
 * Parse "cache NAME", "obj NAME", "event KIND", "site FUNCTION", "ptr HEX", "new", "discard",
 * "misaligned", "fault", "expect": 0, or -1 with the reason in @why (an unknown kind, a cache the
 * trace's kernel does not have, a pointer that is no hex number).
 */
int player_break_parse(const struct player *pl, const char *s, struct player_break *b, char *why, size_t len);
/* A trace pointer as ftrace prints it (hex, 0x optional): 0, or -1 if @s is not one. */
int player_parse_ptr(const char *s, uint64_t *ptr);
/* Whether call site @cs is @want's: the function (any .part/.isra suffix), function+offset or the whole site. */
bool player_site_matches(const char *cs, const char *want);
/* "cache kmalloc-96" */
void player_break_describe(const struct player_break *b, char *buf, size_t len);
/*
 * Step forward until a breakpoint hits, the end, or @max steps (0: no limit).
 * Returns the index of the breakpoint hit, -1 if none, -2 on an error.
 */
int player_run(struct player *pl, const struct player_break *bps, unsigned nr, uint64_t max);

#endif
