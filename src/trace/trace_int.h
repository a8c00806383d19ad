/* Internals shared by the trace reader (trace.c) and its two parsers. */
#ifndef SLUBSIM_TRACE_INT_H
#define SLUBSIM_TRACE_INT_H

#include <stdarg.h>

#include "trace.h"

/* The read buffer: room for a longest line plus a large read behind it. */
#define TRACE_READ_BUF (4 * TRACE_LINE_MAX)

/*
 * Parse rd->cur (rd->cur_len bytes, NUL-terminated, no line end) into @ev.
 * Return 1 for an event, 0 when the line holds none, -1 after trace_fail().
 */
int trace_native_line(struct trace_reader *rd, struct trace_event *ev);
/* The next KEY=VALUE of a config line, if any is left: same returns. */
int trace_native_pending(struct trace_reader *rd, struct trace_event *ev);
int trace_ftrace_line(struct trace_reader *rd, struct trace_event *ev);
int trace_ftrace_init(struct trace_reader *rd);
void trace_ftrace_release(struct trace_reader *rd);
/* Whether [p, end) looks like an ftrace event line ("comm-pid [cpu] ..."). */
bool trace_ftrace_sniff(const char *p, const char *end);

/* Record an error at @at (a pointer into rd->cur; NULL: column 1); returns -1. */
int trace_fail(struct trace_reader *rd, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same at a given column. */
int trace_vfail_col(struct trace_reader *rd, uint32_t col, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* GNU display column of @at in rd->cur: 1-based, tabs stop every 8, UTF-8 sequences count once. */
uint32_t trace_col(const struct trace_reader *rd, const char *at);
/* The column after the text [from, to) that starts at column @col. */
uint32_t trace_col_advance(uint32_t col, const char *from, const char *to);

enum trace_numerr {
	TNUM_OK,
	TNUM_EMPTY,
	TNUM_NEGATIVE,
	TNUM_OVERFLOW,
	TNUM_SUFFIX,	/* garbage after the digits */
	TNUM_INVALID,	/* no digits */
};

/*
 * Decimal or 0x hex; with @suffix a K, M or G multiplier may follow. Why it
 * failed, so that messages can say "negative" or "too large".
 */
enum trace_numerr trace_parse_num(const char *s, size_t len, bool suffix, uint64_t *out);
/*
 * One part of a GFP mask: a name gfp_parse() knows, "none", or a 0x number
 * that fits gfp_t (gfp_parse() would let a longer one wrap). 0 on success.
 */
int trace_gfp_part(const char *s, size_t len, gfp_t *out);
/* "size", "-5", TNUM_NEGATIVE -> "negative size '-5'" into @buf */
const char *trace_numerr_msg(enum trace_numerr e, const char *what, const char *s, size_t len, char *buf,
			     size_t n);

#endif
