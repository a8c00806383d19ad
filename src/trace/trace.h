/*
 * Trace input: the native trace language (man/slubsim-trace.5) and ftrace kmem
 * events as /sys/kernel/tracing/trace or `trace-cmd report` print them.
 *
 * A trace_reader streams one event at a time from a FILE or a buffer. Memory
 * is bounded by TRACE_LINE_MAX whatever the input's size: a replayer keeps
 * what it needs from an event (strings point into the reader's line buffer
 * and are valid until the next trace_next()) and asks for the next one.
 *
 *	struct trace_reader rd;
 *	struct trace_event ev;
 *	int r;
 *
 *	trace_open_file(&rd, fp, "x.trace", TRACE_FMT_AUTO);
 *	while ((r = trace_next(&rd, &ev)) != TRACE_EOF) {
 *		if (r == TRACE_EVENT)
 *			replay(&ev);
 *		else if (r == TRACE_ERROR)
 *			fprintf(stderr, "%s\n", rd.err.text);	// file:line:column: message
 *		else
 *			break;				// TRACE_IOERR: give up
 *	}
 *	trace_close(&rd);
 *
 * The parser checks syntax only. Whether a name is bound, a CPU exists or a
 * cache name is known is the replayer's business (src/replay/);
 * trace_report() prints its errors in the same file:line:column form.
 */
#ifndef SLUBSIM_TRACE_H
#define SLUBSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/config.h"
#include "sim/err.h"
#include "sim/gfp.h"
#include "sim/slab_flags.h"

/* Longest accepted line, without its newline; longer ones are an error. */
#define TRACE_LINE_MAX 65536
/* Most blank-separated words on a native line (config lines included). */
#define TRACE_MAX_TOKENS 64
/* Most KEY=VALUE checks on one expect line. */
#define TRACE_MAX_KEYS 16
/* Highest CPU number a trace may name (CONFIG_NR_CPUS on Debian). */
#define TRACE_MAX_CPU (SIM_MAX_CPUS - 1)

enum trace_format {
	TRACE_FMT_AUTO,		/* sniff the first lines (trace_detect()) */
	TRACE_FMT_NATIVE,
	TRACE_FMT_FTRACE,	/* raw trace, trace_pipe or trace-cmd report */
};

enum trace_kind {
	TEV_NONE,
	/* native language */
	TEV_CONFIG,		/* one KEY=VALUE of a config line: cfg_key, text (value) */
	TEV_CPU,		/* cpu N: cpu is the new current CPU */
	TEV_KMALLOC,		/* [result =] kmalloc|kzalloc size [gfp] */
	TEV_KREALLOC,		/* [result =] krealloc obj size [gfp] */
	TEV_KFREE,		/* kfree obj */
	TEV_KSIZE,		/* ksize obj */
	TEV_CACHE_CREATE,	/* [result =] kmem_cache_create text size [align= flags= ctor useroffset= usersize=] */
	TEV_CACHE_ALLOC,	/* [result =] kmem_cache_alloc|kmem_cache_zalloc cache [gfp] */
	TEV_CACHE_FREE,		/* kmem_cache_free cache obj */
	TEV_CACHE_DESTROY,	/* kmem_cache_destroy cache */
	TEV_BUCKETS_CREATE,	/* [result =] kmem_buckets_create text [flags= ctor useroffset= usersize=] */
	TEV_BUCKETS_ALLOC,	/* [result =] kmem_buckets_alloc cache(buckets) size [gfp] */
	TEV_MEMDUP_USER,	/* [result =] memdup_user size */
	TEV_RUST_ALLOC,		/* [result =] rust_alloc size align=N [wrapper=W] [gfp] */
	TEV_RUST_REALLOC,	/* [result =] rust_realloc obj size align=N [wrapper=W] [gfp] */
	TEV_RUST_FREE,		/* rust_free obj align=N [wrapper=W] */
	TEV_WRITE,		/* write obj offset len [byte] */
	TEV_LABEL,		/* label text */
	TEV_EXPECT_OBJ,		/* expect obj KEY=VALUE...: keys[] */
	TEV_EXPECT_SAME,	/* expect obj == other */
	TEV_EXPECT_DIFFERENT,	/* expect obj != other */
	TEV_EXPECT_CACHE,	/* expect cache text KEY=VALUE...: keys[] (sysfs attributes) */
	TEV_EXPECT_FAULT,	/* expect fault text */
	TEV_EXPECT_NOFAULT,	/* expect nofault */
	TEV_KMALLOC_TRACE,	/* [result =] kmalloc_trace cache size [gfp] */
	TEV_KFREE_RCU,		/* kfree_rcu obj */
	TEV_RCU_BARRIER,	/* rcu_barrier */
	TEV_VALIDATE,		/* validate cache */
	TEV_SAVE,		/* save obj offset len */
	TEV_RESTORE,		/* restore */
	TEV_EXPECT_ERRORS,	/* expect errors=N: errors */
	TEV_EXPECT_BYTES,	/* expect obj bytes offset len byte */
	TEV_CACHE_SHRINK,	/* kmem_cache_shrink cache */
	/* ftrace kmem events (include/trace/events/kmem.h): fields in ft */
	TEV_FT_KMALLOC,
	TEV_FT_KMALLOC_NODE,		/* <= 5.19 */
	TEV_FT_KFREE,
	TEV_FT_CACHE_ALLOC,
	TEV_FT_CACHE_ALLOC_NODE,	/* <= 5.19 */
	TEV_FT_CACHE_FREE,
	TEV_FT_PAGE_ALLOC,
	TEV_FT_PAGE_FREE,
	TEV_FT_PAGE_FREE_BATCHED,
	NR_TEV
};


/* How a rust_* operation turns (size, align) into a kmalloc call (interface.md, explain) */
enum trace_wrapper {
	TRACE_WRAP_DEFAULT,	/* not given: the kernel version's own wrapper */
	TRACE_WRAP_NAIVE,	/* the size as is */
	TRACE_WRAP_NPOT,	/* pad_to_align, then next power of two when align > ARCH_SLAB_MINALIGN */
	TRACE_WRAP_PAD,		/* pad_to_align only */
	TRACE_WRAP_ALLOCATOR,
	TRACE_WRAP_NODE_ALIGN,
	NR_TRACE_WRAP
};

/* expect OBJ keys (interface.md) */
enum trace_xkey {
	TX_CACHE,	/* cache=NAME: text */
	TX_KSIZE,	/* ksize=SIZE */
	TX_ALIGN_GE,	/* align>=SIZE: largest power of two dividing the address */
	TX_ADDR,	/* addr=N: 0 is NULL, 16 is ZERO_SIZE_PTR */
	TX_ALIGN,	/* align=SIZE: the largest power of two dividing the address, exactly */
	TX_SLOT,	/* slot=N: the object's index in its slab */
	TX_ATTR,	/* expect cache NAME ATTR=N: a /sys/kernel/slab attribute, text = its name */
	NR_TX
};

struct trace_expect_key {
	enum trace_xkey key;
	const char *text;	/* TX_CACHE: the cache name; TX_ATTR: the attribute name */
	uint64_t num;		/* the value of the numeric keys */
	uint32_t col;
};

/* A name written in the trace: a bound object or cache, or the NULL pointer. */
struct trace_name {
	const char *s;		/* NUL-terminated; NULL when absent or when is_null */
	uint32_t len;
	uint32_t col;		/* 0 when absent */
	bool is_null;		/* the literal NULL */
	bool hashed;		/* hash is the trace_pipe consumer's hash of s: the parsing thread computed it */
	uint32_t hash;
};

/* ftrace_fields bits: which fields the event line carried */
#define FTF_CALL_SITE	(1u << 0)
#define FTF_PTR		(1u << 1)
#define FTF_BYTES_REQ	(1u << 2)
#define FTF_BYTES_ALLOC	(1u << 3)
#define FTF_GFP		(1u << 4)
#define FTF_NODE	(1u << 5)	/* 6.1+, and the <= 5.19 *_node events */
#define FTF_ACCOUNTED	(1u << 6)	/* 6.0+ */
#define FTF_NAME	(1u << 7)	/* kmem_cache_free; kmem_cache_alloc from 6.19 */
#define FTF_PAGE	(1u << 8)
#define FTF_PFN		(1u << 9)
#define FTF_ORDER	(1u << 10)
#define FTF_MIGRATETYPE	(1u << 11)
#define FTF_FLAGS	(1u << 12)	/* the latency flags column was there */

struct trace_ftrace {
	const char *comm;	/* the task name, without the column's padding */
	int pid;
	uint64_t ts_ns;		/* timestamp: the printed seconds and fraction in ns */
	char flags[8];		/* the irqs-off/need-resched/... column, "" if absent */
	unsigned fields;	/* FTF_* */
	const char *call_site;	/* %pS as printed: "fn+0x1f0/0x1560 [mod]" */
	uint64_t ptr;		/* the pointer as printed: raw or hashed, an opaque id */
	uint64_t bytes_req, bytes_alloc;
	gfp_t gfp;		/* the flags we know the names of */
	bool gfp_unknown;	/* gfp_flags named a flag gfp.h does not know */
	int node;		/* -1 (NUMA_NO_NODE) when absent */
	int accounted;		/* -1 absent, 0 false, 1 true */
	const char *name;	/* the cache name, NULL when absent */
	uint64_t page, pfn;
	unsigned order;
	int migratetype;
};

/*
 * One event. The kind says which fields are set; the others are zero
 * (keys[] past nr_keys excepted).
 * Native kinds use the native fields, TEV_FT_* ones use ft: the two share
 * storage. Strings point into the reader's line buffer: valid until the
 * next call.
 */
struct trace_event {
	enum trace_kind kind;
	const char *op;		/* the operation or event name as written ("kzalloc") */
	uint32_t line, col;	/* where the operation starts; ftrace: column 1 */
	unsigned cpu;		/* the CPU it runs on */
	bool cpu_given;		/* native: "@N" on this line; ftrace: always */

	union {
		struct {	/* native language */
			/* what kmalloc and kfree lines use first: the replayer reads two cache lines */
			struct trace_name result;	/* "a" in "a = kmalloc 96"; absent when not bound */
			struct trace_name obj;		/* the object operand */
			uint64_t size;			/* kmalloc, krealloc, kmem_cache_create, rust_* sizes */
			gfp_t gfp;			/* GFP_KERNEL unless given; kzalloc adds __GFP_ZERO */
			bool gfp_given;
			struct trace_name cache;	/* the cache operand ("m" in kmem_cache_alloc m) */
			struct trace_name other;	/* the right side of expect == and != */
			uint64_t align;			/* align= (kmem_cache_create: 0 when not given) */
			enum trace_wrapper wrapper;
			slab_flags_t slab_flags;	/* kmem_cache_create flags= */
			bool ctor;			/* kmem_cache_create ctor */
			uint64_t useroffset, usersize;	/* kmem_cache_create useroffset= usersize= */
			uint64_t sheaf_capacity;	/* kmem_cache_create sheaf_capacity= (6.18+) */
			uint64_t offset, len;		/* write, save, expect bytes */
			bool at_freeptr;		/* the offset is "freeptr": the cache's s->offset */
			unsigned byte;			/* write, expect bytes: the byte value */
			bool byte_given;
			bool invert;			/* write: "~", each byte inverted */
			uint64_t errors;		/* expect errors=N */
			const char *text;		/* config value, label, fault text, cache name */
			uint32_t text_col;
			enum config_opt cfg_key;
			unsigned nr_keys;
			/* last, and large: only expect lines use it (trace_pipe.c copies events without it) */
			struct trace_expect_key keys[TRACE_MAX_KEYS];
		};
		struct trace_ftrace ft;		/* TEV_FT_* */
	};
};

/*
 * The strings of struct trace_event (but keys[].text, walked by nr_keys):
 * they point into the reader's line buffer, and the parsing thread
 * (trace_pipe.c) moves exactly these out of it before the buffer is
 * reused. A new string field of an event goes into one of these lists.
 */
#define TRACE_EVENT_NATIVE_STRINGS(X) X(op) X(text)
#define TRACE_EVENT_NATIVE_NAMES(X) X(result) X(obj) X(cache) X(other)	/* struct trace_name */
#define TRACE_EVENT_FTRACE_STRINGS(X) X(op) X(ft.comm) X(ft.call_site) X(ft.name)

struct trace_stats {
	uint64_t lines;			/* lines read */
	uint64_t events;		/* events returned */
	uint64_t by_kind[NR_TEV];
	uint64_t ignored;		/* blank, comment and ftrace header lines */
	uint64_t other_events;		/* ftrace events of other kinds, skipped */
	uint64_t lost_events;		/* the sum of "CPU:N [LOST M EVENTS]" */
	uint64_t errors;
};

struct trace_error {
	uint32_t line, col;
	char msg[200];
	char text[512];		/* "file:line:column: message" */
};

struct trace_reader {
	/* public, read only */
	const char *name;		/* the file name in messages */
	enum trace_format format;	/* resolved at the first line that is not a comment */
	struct trace_stats stats;
	struct trace_error err;		/* the last TRACE_ERROR or TRACE_IOERR */

	/* the full parser for every line, never quick_line() (tests hold the two equal) */
	bool full_parse;

	/* private */
	size_t (*read)(struct trace_reader *rd, char *buf, size_t n);
	FILE *fp;
	const char *mem;
	size_t mem_len, mem_pos;
	char *buf;			/* TRACE_READ_BUF bytes + 1 */
	size_t start, end;		/* unparsed bytes are buf[start, end) */
	size_t clean;			/* buf[0, clean) as read holds no NUL byte */
	bool eof, ioerr, discarding;
	uint32_t line;
	char *cur;			/* the line being parsed */
	size_t cur_len;
	bool cur_ascii;			/* printable ASCII, no tab: a column is the offset + 1 */
	bool cur_quick;			/* the common-line parser took it: no strings but result, obj */
	/* native state */
	unsigned cpu;			/* set by "cpu N" */
	bool seen_event;		/* config lines must come first */
	unsigned ntok, next_tok;	/* config pairs still to hand out */
	struct trace_tok {
		char *s;
		uint32_t len, col;
		bool quoted;
	} tok[TRACE_MAX_TOKENS];
	/* ftrace state */
	struct trace_gfp_memo *gfp_memo;
};

enum trace_status {
	TRACE_IOERR = -2,	/* unreadable input; err says why; stop */
	TRACE_ERROR = -1,	/* this line is wrong (err); the next call goes on */
	TRACE_EOF = 0,
	TRACE_EVENT = 1,
};

/* Start reading; @name is used in messages. 0, or -1 when out of memory. */
int trace_open_file(struct trace_reader *rd, FILE *fp, const char *name, enum trace_format fmt);
int trace_open_mem(struct trace_reader *rd, const char *data, size_t len, const char *name,
		   enum trace_format fmt);
void trace_close(struct trace_reader *rd);
/* The next event into @ev: a trace_status. */
int trace_next(struct trace_reader *rd, struct trace_event *ev);

/* Which format a trace's first bytes look like (never TRACE_FMT_AUTO). */
enum trace_format trace_detect(const char *data, size_t len);
const char *trace_format_name(enum trace_format fmt);
/* "auto", "native", "ftrace"; -1 if unknown */
int trace_parse_format(const char *s);

const char *trace_kind_name(enum trace_kind kind);
/*
 * Whether lines of @kind are events, the unit every view numbers (run
 * --events, --until, plot, the TUI): a line that acts on the simulated
 * kernel (an allocator call, a write into an object, validate, ksize).
 * Lines that only set up, describe or check it (config, cpu, label, save,
 * expect) are not, and neither are ftrace page events: the model replays
 * only the slab allocator, whose own pages it allocates itself.
 */
bool trace_kind_is_event(enum trace_kind kind);
/* An ftrace kmem_cache_alloc(_node) or kmem_cache_free: the events that can name a cache. */
static inline bool trace_kind_is_ft_cache(enum trace_kind kind)
{
	return kind == TEV_FT_CACHE_ALLOC || kind == TEV_FT_CACHE_ALLOC_NODE || kind == TEV_FT_CACHE_FREE;
}
/* Cache flags as a trace spells them, "SLAB_HWCACHE_ALIGN|SLAB_RED_ZONE": 0, or -1 for a name it does not know. */
int trace_slab_flags_parse(const char *s, slab_flags_t *out);
const char *trace_wrapper_name(enum trace_wrapper w);
const char *trace_config_key_name(enum config_opt key);

/*
 * Apply a TEV_CONFIG event to @cfg with the config_set_*() setters. On error
 * @err holds the setter's message; report it at ev->text_col.
 */
int trace_config_apply(const struct trace_event *ev, struct sim_config *cfg, struct sim_err *err);

/* Print "file:line:column: message\n" to @out for @ev at @col (0: the event's). */
void trace_report(FILE *out, const struct trace_reader *rd, const struct trace_event *ev, uint32_t col,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Where a memory reader stands between two events, so that a reader opened
 * later can resume there (the TUI's checkpoints): the next unread byte, the
 * lines read so far, the native "cpu N" in force and the resolved format.
 */
struct trace_pos {
	size_t off;
	uint32_t line;
	unsigned cpu;
	bool seen_event;
	enum trace_format format;
};

/* The position after the last event; -1 while a config line still has pairs to hand out. */
int trace_tell(const struct trace_reader *rd, struct trace_pos *pos);
/* trace_open_mem() resumed at @pos (from trace_tell() on the same buffer). */
int trace_open_mem_at(struct trace_reader *rd, const char *data, size_t len, const char *name,
		      const struct trace_pos *pos);

/* The byte offset in a memory reader's input of the line being parsed. */
size_t trace_line_start(const struct trace_reader *rd);

#endif
