/*
 * The trace player: a trace held in memory, replayed to any event and back.
 *
 * A step is one trace event other than a config pair (labels, expectations
 * and "cpu N" lines are steps too, so that a lesson reads line by line).
 * Position n means the first n steps are applied; 0 is the booted kernel.
 *
 * Going back restores the nearest checkpoint at or before the target and
 * replays forward. Coarse checkpoints sit every player->k steps (k grows
 * with the trace, so at most PLAYER_COARSE of them exist, and doubles when
 * they outgrow PLAYER_BUDGET); fine ones split the coarse segment last
 * visited into PLAYER_FINE parts, so stepping back near where one stands
 * replays at most k / PLAYER_FINE events.
 */
#ifndef SLUBSIM_PLAYER_H
#define SLUBSIM_PLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/replay/replay.h"
#include "src/trace/trace.h"

#define PLAYER_COARSE 64
#define PLAYER_FINE 32
#define PLAYER_BUDGET (768ull << 20)	/* coarse checkpoints: bytes before they are thinned */
#define PLAYER_HIST 16		/* occupancy samples kept per cache */
#define PLAYER_TEXT 160

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
	bool failed_expect;
	char message[600];		/* an error, failed expectation or note */
};

/* Occupancy history: USE% of a cache after each of its last PLAYER_HIST operations. */
struct player_hist {
	uint8_t (*use)[PLAYER_HIST];	/* by cache index */
	uint8_t *count;			/* samples held, at most PLAYER_HIST; newest last */
	uint32_t cap;
};

struct player_state {
	uint64_t n;
	struct replay rp;
	struct trace_pos pos;		/* checkpoints: where the reader resumes */
	struct player_step step;	/* valid when n > 0 */
	struct player_hist hist;
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

struct player {
	char *name;			/* the file name in messages */
	const char *data;		/* the whole trace */
	size_t len;
	bool mapped;
	uint64_t total;			/* steps in the trace */
	uint64_t parse_errors;		/* lines the reader rejected */
	struct learn learn;		/* cache names learnt by count_steps()'s pass (src/replay/learn.h) */
	uint64_t k;			/* coarse checkpoint interval */
	struct player_state live;
	struct trace_reader rd;
	bool rd_open;
	struct player_state *coarse;	/* coarse[i] is at i * k, dense from 0 */
	unsigned nr_coarse;
	uint64_t coarse_bytes;		/* their estimated size */
	struct player_state fine[PLAYER_FINE];	/* fine[j] at seg * k + j * fine_k */
	uint64_t fine_seg, fine_k;
	uint64_t fine_target;		/* the event the fine checkpoints are for */
	FILE *devnull;			/* the replayer's messages: the step keeps them */
};

/*
 * Read @path, count its steps and boot the kernel its config lines (and
 * then @base, for options in @cli_set) describe. 0, or -1 with @err set.
 */
int player_open(struct player *pl, const char *path, const struct sim_config *base, unsigned cli_set, char *err,
		size_t errlen);
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
/* The step that led here, NULL at position 0. */
const struct player_step *player_last(const struct player *pl);
/* The current step's cache in the live model, NULL if none. */
const struct kmem_cache *player_step_cache(const struct player *pl);
/* The current step's SLUB report text, "" if none. */
const char *player_fault_text(const struct player *pl);
/* The history of cache @index: samples into *@use, count returned. */
unsigned player_history(const struct player *pl, unsigned index, const uint8_t **use);

/* Whether the current step hits @b. */
bool player_break_hit(const struct player *pl, const struct player_break *b);
/*
 * Parse "cache NAME", "obj NAME", "event KIND", "site FUNCTION", "ptr HEX", "new", "discard",
 * "misaligned", "fault", "expect".
 */
int player_break_parse(const char *s, struct player_break *b);
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
