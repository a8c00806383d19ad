/*
 * Replay: drive one simulated kernel with a trace's events, one at a time.
 * Native traces bind names to objects and check expectations; ftrace traces
 * map the kernel's pointers to simulated objects. Memory follows the live
 * objects, never the trace's length.
 */
#ifndef SLUBSIM_REPLAY_H
#define SLUBSIM_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "learn.h"
#include "name_table.h"
#include "sim/sim.h"
#include "src/trace/trace.h"

/*
 * What the replayer remembers of a native name or an ftrace pointer: the
 * payload of its name-table entry, whose tag is the enum replay_obj_kind.
 * addr, size and event share the entry's cache line
 * (NAME_TABLE_HOT_PAYLOAD), so kmalloc and kfree touch no other. The
 * fields after event are zero for ROBJ_KMALLOC: binding a kmalloc object
 * to a name that held one need not clear them.
 */
struct replay_obj {
	uint64_t addr;		/* the simulated address it holds (or last held) */
	uint64_t size;		/* requested size (Rust: the Layout's size) */
	uint64_t event;		/* the event that allocated it (numbered from 1: trace_kind_is_event()) */
	uint64_t align;		/* Rust: the Layout's alignment */
	struct kmem_cache *cache;	/* kmem_cache_create: the cache; kmem_cache_alloc: its cache */
	uint8_t wrapper;	/* Rust: enum rust_wrapper */
	bool relogged;		/* ftrace: the caller's second record of a large kmalloc was seen (6.10+) */
	union {
		int32_t buckets;	/* kmem_buckets_create: the set's id (sim_kmem_buckets()) */
		uint32_t site;		/* ftrace kmem_cache_alloc: its learn site, while names are learnt as they go */
	};
	uint32_t call_site;	/* ftrace, with opts.keep_call_sites: replay_call_site()'s id, 0 if none */
	uint32_t line;		/* ftrace: the trace line of the allocation */
};

_Static_assert(offsetof(struct replay_obj, align) <= NAME_TABLE_HOT_PAYLOAD, "kmalloc's fields share the entry's line");

/* A label and the first event it applies to. */
struct replay_label {
	char *text;
	uint64_t from;		/* st.events when it was read: it names the events after */
};

enum replay_obj_kind {
	ROBJ_KMALLOC,
	ROBJ_CACHE_OBJ,
	ROBJ_CACHE,
	ROBJ_RUST,
	ROBJ_BUCKETS,		/* a kmem_buckets_create() set: a handle, as a cache is */
};

struct replay_stats {
	uint64_t events;		/* events read (trace_kind_is_event()): the current event's number */
	uint64_t modelled;		/* those that reached the model */
	uint64_t errors;		/* trace errors (bad lines, unknown names, ...) */
	uint64_t faults;		/* SLUB reports */
	uint64_t expect_pass, expect_fail;
	uint64_t unknown_frees;		/* ftrace: frees of objects allocated before the trace began */
	uint64_t remapped;		/* ftrace: an allocation at a pointer still live (a free was lost) */
	uint64_t relogged;		/* ftrace 6.10+: a large kmalloc's second record, by its caller */
	uint64_t renamed;		/* ftrace: caches renamed when a free named them (names learnt as they go) */
	uint64_t merged;		/* ftrace: traced caches merged into the cache a free named (names learnt as they go) */
	uint64_t misnamed;		/* ftrace: named frees of objects the model counted in another cache */
	uint64_t config_mismatch;	/* ftrace: sizes the trace's kernel gave that the model's does not */
	uint64_t alloc_failed;		/* allocations that returned NULL */
	uint64_t bytes_alloc_total, bytes_alloc_agree;
	uint64_t ignored_events;	/* ftrace page events and other kinds */
};

struct replay;

/* Per-event hook (the TUI, --events): called after each event with its outcome. */
struct replay_step {
	const struct trace_event *ev;
	const struct sim_op *op;	/* NULL for events that do not touch the model */
	const char *name;		/* the bound name, if any */
	uint64_t ksize;
	bool failed_expect;
	bool before_trace;		/* ftrace: a free of an object allocated before the trace began */
	const char *message;		/* an error or failed expectation, "" if none */
};
typedef void (*replay_hook_fn)(void *ctx, const struct replay *rp, const struct replay_step *st);

/* What a message of the replay is about (struct replay_msg). */
enum replay_msg_kind {
	REPLAY_MSG_SYNTAX,	/* a line the reader could not parse */
	REPLAY_MSG_ERROR,	/* an event the replay could not apply, a model that did not boot */
	REPLAY_MSG_EXPECT,	/* a failed expectation */
	REPLAY_MSG_REPORT,	/* SLUB's report (unless quiet_faults): "NAME reported:\n" and the kernel's text */
	REPLAY_MSG_NOTE,	/* the trace's kernel is configured otherwise than the model */
	REPLAY_MSG_IO,		/* the trace could not be opened or read, or the host is out of memory */
};

/* One message, its parts apart: printed, it reads "file:line:col: text". */
struct replay_msg {
	enum replay_msg_kind kind;
	const char *file;	/* the trace as messages name it */
	uint32_t line, col;	/* 0: not about one line, no column */
	const char *text;	/* the message alone */
};
typedef void (*replay_msg_fn)(void *ctx, const struct replay_msg *m);

struct replay_opts {
	unsigned cli_set;		/* OPTIONS_BIT()s of the model options the command line gave: they win over config lines */
	bool check_bytes_alloc;		/* compare ftrace bytes_alloc with the model */
	bool quiet_faults;		/* do not print SLUB reports to the error stream */
	FILE *err;			/* errors, failed expectations, reports; NULL: stderr */
	/*
	 * Messages to the caller instead (the public library): nothing is
	 * printed then, by replay_run() either. NULL: printed to @err.
	 */
	replay_msg_fn on_msg;
	void *msg_ctx;
	replay_hook_fn hook;
	void *hook_ctx;
	/*
	 * Cache names learnt from the trace (learn.h), owned by the caller:
	 * after a look-ahead (frozen) or to learn as the replay goes. NULL:
	 * a kmem_cache_alloc without name= goes to a traced-* cache.
	 */
	struct learn *learn;
	/*
	 * The look-ahead @learn still needs, run at the trace's first
	 * kmem_cache_alloc or kmem_cache_free (a trace of kmalloc and kfree
	 * only never pays for it): fills and freezes @learn, 0 or -1. NULL:
	 * none pending.
	 */
	int (*learn_ahead)(void *ctx, struct learn *ln);
	void *learn_ahead_ctx;
	bool keep_call_sites;		/* ftrace objects remember their call site (the TUI): replay_call_site() */
};

struct replay {
	struct replay_opts opts;
	struct sim_config cfg;		/* the configuration the sim boots with */
	struct sim *sim;		/* created at the first event that needs it */
	const struct trace_reader *rd;
	struct name_table names;	/* native names, a struct replay_obj each (the payload) */
	struct name_table ptrs;		/* ftrace pointers, the same */
	struct replay_label *labels;	/* labels[0] is "", from event 0 */
	uint32_t nr_labels, labels_cap;
	struct sim_op last_op;		/* the last operation that touched the model */
	bool have_last_op;
	char last_fault[8192];		/* its reports */
	struct replay_stats st;
	char msg[600];			/* the message of the current step */
	bool failed_expect;
	bool before_trace;		/* the current step freed an object allocated before the trace */
	struct {
		uint64_t line;
		uint64_t want, got;
	} mismatch[16];			/* first bytes_alloc mismatches */
	unsigned nr_mismatch;
	uint32_t fail_lines[16];	/* lines of the first failed expectations */
	unsigned nr_fail_lines;
	uint64_t errors_seen;		/* sim_slab_errors() at the last expect errors= */
	uint64_t saved_addr;		/* save: where the bytes came from, 0 if nothing is saved */
	uint32_t saved_len;
	unsigned char saved[64];
	uint32_t stop_line;		/* replay_run() stopped early at this line (an error without -k, --until), or 0 */
	uint64_t stop_until;		/* replay_run() stopped after these many events (--until), or 0 */
	bool own_learn;			/* opts.learn is replay_run()'s: replay_release() frees it */
	struct name_table traced;	/* learning as it goes: a learn site -> its traced cache's index (uint32_t) */
	bool learnt_created;		/* the caches learnt from the trace were created (or there were none) */
	char mismatch_note[400];	/* the first sign that the trace's kernel is configured otherwise */
	struct name_table call_sites;	/* opts.keep_call_sites: the call sites seen, NUL-terminated keys */
};

/* A message to opts.on_msg; false if there is none, and the caller prints it as it always has. */
bool replay_tell(const struct replay *rp, enum replay_msg_kind kind, const char *file, uint32_t line, uint32_t col,
		 const char *text);

/* @base: the command line's configuration (copied). 0, or -1 out of memory. */
int replay_init(struct replay *rp, const struct sim_config *base, const struct replay_opts *opts);
void replay_release(struct replay *rp);
/* Apply one event; @rd gives the file name for messages. 0, or -1 if it was an error. */
int replay_event(struct replay *rp, const struct trace_reader *rd, const struct trace_event *ev);
/* A hint: a lookup of @hash comes soon; bring its name's record into the cache. */
void replay_prefetch(const struct replay *rp, uint32_t hash);
/* The same for the record of an ftrace pointer. */
void replay_prefetch_ptr(const struct replay *rp, uint64_t ptr);
/* Boot the simulated kernel if no event did (a trace of config lines only). 0 or -1. */
int replay_boot(struct replay *rp);
/*
 * A replay that stopped before the trace's first kmem_cache event (--until,
 * an error): the look-ahead it still owes runs now, so that the learnt
 * caches exist as they would at that event with the names known from the
 * start (the TUI's).
 */
void replay_learn_pending(struct replay *rp);
/* The object a name is bound to (live or not) and, if @kind, its kind; NULL if never bound. */
const struct replay_obj *replay_lookup(const struct replay *rp, const char *name, enum replay_obj_kind *kind);
const char *replay_label(const struct replay *rp, uint32_t i);
/* The live object an ftrace pointer maps to, NULL if none. */
const struct replay_obj *replay_lookup_ptr(const struct replay *rp, uint64_t ptr);
/* The call site of an ftrace object (struct replay_obj call_site), NULL if not kept. */
const char *replay_call_site(const struct replay *rp, uint32_t id);
/* The label in force at event @event (numbered from 1, as struct replay_obj's), "" before the first. */
const char *replay_label_at(const struct replay *rp, uint64_t event);

/*
 * A deep copy of @src (model, names, labels) into @dst, uninitialised: the
 * TUI's checkpoints. Cache pointers point into the copy's model. 0, or -1
 * out of memory with @dst released.
 */
int replay_clone(struct replay *dst, const struct replay *src);

#endif
