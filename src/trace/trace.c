/*
 * The trace reader: buffered line splitting with bounded memory, format
 * detection, error positions, and the number syntax both parsers share.
 */
#include "trace_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const kind_names[NR_TEV] = {
	[TEV_NONE] = "none",
	[TEV_CONFIG] = "config",
	[TEV_CPU] = "cpu",
	[TEV_KMALLOC] = "kmalloc",
	[TEV_KREALLOC] = "krealloc",
	[TEV_KFREE] = "kfree",
	[TEV_KSIZE] = "ksize",
	[TEV_CACHE_CREATE] = "kmem_cache_create",
	[TEV_CACHE_ALLOC] = "kmem_cache_alloc",
	[TEV_CACHE_FREE] = "kmem_cache_free",
	[TEV_CACHE_DESTROY] = "kmem_cache_destroy",
	[TEV_BUCKETS_CREATE] = "kmem_buckets_create",
	[TEV_BUCKETS_ALLOC] = "kmem_buckets_alloc",
	[TEV_MEMDUP_USER] = "memdup_user",
	[TEV_RUST_ALLOC] = "rust_alloc",
	[TEV_RUST_REALLOC] = "rust_realloc",
	[TEV_RUST_FREE] = "rust_free",
	[TEV_WRITE] = "write",
	[TEV_LABEL] = "label",
	[TEV_EXPECT_OBJ] = "expect",
	[TEV_EXPECT_SAME] = "expect ==",
	[TEV_EXPECT_DIFFERENT] = "expect !=",
	[TEV_EXPECT_CACHE] = "expect cache",
	[TEV_EXPECT_FAULT] = "expect fault",
	[TEV_EXPECT_NOFAULT] = "expect nofault",
	[TEV_KMALLOC_TRACE] = "kmalloc_trace",
	[TEV_KFREE_RCU] = "kfree_rcu",
	[TEV_RCU_BARRIER] = "rcu_barrier",
	[TEV_VALIDATE] = "validate",
	[TEV_SAVE] = "save",
	[TEV_RESTORE] = "restore",
	[TEV_EXPECT_ERRORS] = "expect errors",
	[TEV_EXPECT_BYTES] = "expect bytes",
	[TEV_CACHE_SHRINK] = "kmem_cache_shrink",
	[TEV_FT_KMALLOC] = "ftrace kmalloc",
	[TEV_FT_KMALLOC_NODE] = "ftrace kmalloc_node",
	[TEV_FT_KFREE] = "ftrace kfree",
	[TEV_FT_CACHE_ALLOC] = "ftrace kmem_cache_alloc",
	[TEV_FT_CACHE_ALLOC_NODE] = "ftrace kmem_cache_alloc_node",
	[TEV_FT_CACHE_FREE] = "ftrace kmem_cache_free",
	[TEV_FT_PAGE_ALLOC] = "ftrace mm_page_alloc",
	[TEV_FT_PAGE_FREE] = "ftrace mm_page_free",
	[TEV_FT_PAGE_FREE_BATCHED] = "ftrace mm_page_free_batched",
};

const char *trace_kind_name(enum trace_kind kind)
{
	return (unsigned)kind < NR_TEV ? kind_names[kind] : "?";
}

bool trace_kind_is_event(enum trace_kind kind)
{
	switch (kind) {
	case TEV_NONE: case TEV_CONFIG: case TEV_CPU: case TEV_LABEL: case TEV_SAVE:
	case TEV_EXPECT_OBJ: case TEV_EXPECT_SAME: case TEV_EXPECT_DIFFERENT: case TEV_EXPECT_CACHE:
	case TEV_EXPECT_FAULT: case TEV_EXPECT_NOFAULT: case TEV_EXPECT_ERRORS: case TEV_EXPECT_BYTES:
	case TEV_FT_PAGE_ALLOC: case TEV_FT_PAGE_FREE: case TEV_FT_PAGE_FREE_BATCHED: case NR_TEV:
		return false;
	default:
		return true;
	}
}

static const char *const format_names[] = { "auto", "native", "ftrace" };

const char *trace_format_name(enum trace_format fmt)
{
	return (unsigned)fmt < 3 ? format_names[fmt] : "?";
}

int trace_parse_format(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, format_names[i]))
			return i;
	return -1;
}

/* ------------------------------------------------------------------ sources */

/*
 * read(2), not fread(): from a pipe (trace_pipe, a live trace-cmd) the lines
 * are replayed as they come, not once a whole buffer has filled.
 */
static size_t read_file(struct trace_reader *rd, char *buf, size_t n)
{
	for (;;) {
		ssize_t got = read(fileno(rd->fp), buf, n);

		if (got >= 0)
			return (size_t)got;
		if (errno != EINTR) {
			rd->ioerr = true;
			return 0;
		}
	}
}

static size_t read_mem(struct trace_reader *rd, char *buf, size_t n)
{
	size_t left = rd->mem_len - rd->mem_pos;

	if (n > left)
		n = left;
	memcpy(buf, rd->mem + rd->mem_pos, n);
	rd->mem_pos += n;
	return n;
}

static int open_common(struct trace_reader *rd, const char *name, enum trace_format fmt)
{
	rd->name = name ? name : "-";
	rd->format = fmt;
	/* +1: a line that ends the input without a newline still gets its NUL */
	rd->buf = malloc(TRACE_READ_BUF + 1);
	if (!rd->buf || trace_ftrace_init(rd)) {
		trace_close(rd);
		return -1;
	}
	return 0;
}

int trace_open_file(struct trace_reader *rd, FILE *fp, const char *name, enum trace_format fmt)
{
	memset(rd, 0, sizeof(*rd));
	rd->read = read_file;
	rd->fp = fp;
	return open_common(rd, name, fmt);
}

int trace_open_mem(struct trace_reader *rd, const char *data, size_t len, const char *name,
		   enum trace_format fmt)
{
	memset(rd, 0, sizeof(*rd));
	rd->read = read_mem;
	rd->mem = data;
	rd->mem_len = len;
	return open_common(rd, name, fmt);
}

void trace_close(struct trace_reader *rd)
{
	free(rd->buf);
	rd->buf = NULL;
	trace_ftrace_release(rd);
}

/* ------------------------------------------------------------------ errors */

uint32_t trace_col_advance(uint32_t col, const char *from, const char *to)
{
	for (const char *p = from; p < to; p++) {
		if (*p == '\t')
			col = ((col - 1) / 8 + 1) * 8 + 1;
		else if (((unsigned char)*p & 0xc0) != 0x80)
			col++;
	}
	return col;
}

uint32_t trace_col(const struct trace_reader *rd, const char *at)
{
	if (!at || !rd->cur)
		return 1;
	/* every token of every line asks: most lines need no walk */
	if (rd->cur_ascii)
		return (uint32_t)(at - rd->cur) + 1;
	return trace_col_advance(1, rd->cur, at);
}

int trace_vfail_col(struct trace_reader *rd, uint32_t col, const char *fmt, va_list ap)
{
	vsnprintf(rd->err.msg, sizeof(rd->err.msg), fmt, ap);
	rd->err.line = rd->line;
	rd->err.col = col;
	snprintf(rd->err.text, sizeof(rd->err.text), "%s:%u:%u: %s", rd->name, rd->line, col, rd->err.msg);
	return -1;
}

int trace_fail(struct trace_reader *rd, const char *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	trace_vfail_col(rd, trace_col(rd, at), fmt, ap);
	va_end(ap);
	return -1;
}

void trace_report(FILE *out, const struct trace_reader *rd, const struct trace_event *ev, uint32_t col,
		  const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%s:%u:%u: ", rd->name, ev->line, col ? col : ev->col);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

/* ------------------------------------------------------------------ numbers */

static int digit_value(char c, unsigned base)
{
	unsigned d;

	if (c >= '0' && c <= '9')
		d = (unsigned)(c - '0');
	else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		d = (unsigned)((c | 0x20) - 'a' + 10);
	else
		return -1;
	return d < base ? (int)d : -1;
}

static unsigned suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	}
	return 0;
}

enum trace_numerr trace_parse_num(const char *s, size_t len, bool suffix, uint64_t *out)
{
	unsigned base = 10, shift;
	size_t i = 0, start;
	uint64_t v = 0;
	int d;

	if (!len)
		return TNUM_EMPTY;
	if (s[0] == '-')
		return TNUM_NEGATIVE;
	if (len > 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
		base = 16;
		i = 2;
	}
	start = i;
	if (base == 10) {
		/* every size and CPU of a trace: no table, no division */
		for (; i < len && (unsigned)(s[i] - '0') < 10; i++) {
			d = s[i] - '0';
			if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 && (unsigned)d > UINT64_MAX % 10))
				return TNUM_OVERFLOW;
			v = v * 10 + (unsigned)d;
		}
	} else {
		for (; i < len && (d = digit_value(s[i], base)) >= 0; i++) {
			if (v > (UINT64_MAX - (unsigned)d) / base)
				return TNUM_OVERFLOW;
			v = v * base + (unsigned)d;
		}
	}
	if (i == start)
		return TNUM_INVALID;
	if (suffix && i + 1 == len && (shift = suffix_shift(s[i]))) {
		if (v > (UINT64_MAX >> shift))
			return TNUM_OVERFLOW;
		v <<= shift;
		i++;
	}
	if (i < len)
		return TNUM_SUFFIX;
	*out = v;
	return TNUM_OK;
}

int trace_gfp_part(const char *s, size_t len, gfp_t *out)
{
	uint64_t v;

	if (len > 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
		if (trace_parse_num(s, len, false, &v) || v > (gfp_t)~0u)
			return -1;
		*out = (gfp_t)v;
		return 0;
	}
	return gfp_parse(s, len, out);
}

const char *trace_numerr_msg(enum trace_numerr e, const char *what, const char *s, size_t len, char *buf,
			     size_t n)
{
	int q = len > 40 ? 40 : (int)len;
	const char *more = len > 40 ? "..." : "";

	switch (e) {
	case TNUM_EMPTY:
		snprintf(buf, n, "missing %s", what);
		break;
	case TNUM_NEGATIVE:
		snprintf(buf, n, "negative %s '%.*s%s'", what, q, s, more);
		break;
	case TNUM_OVERFLOW:
		snprintf(buf, n, "%s '%.*s%s' is too large", what, q, s, more);
		break;
	case TNUM_SUFFIX:
		snprintf(buf, n, "garbage after the number in %s '%.*s%s'", what, q, s, more);
		break;
	default:
		snprintf(buf, n, "invalid %s '%.*s%s'", what, q, s, more);
		break;
	}
	return buf;
}

/* ------------------------------------------------------------------ lines */

/* Read more input behind the unparsed bytes; false at the end or on an error. */
static bool fill(struct trace_reader *rd)
{
	size_t n;

	if (rd->eof)
		return false;
	if (rd->start) {
		memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
		rd->end -= rd->start;
		rd->clean = rd->clean > rd->start ? rd->clean - rd->start : 0;
		rd->start = 0;
	}
	n = rd->read(rd, rd->buf + rd->end, TRACE_READ_BUF - rd->end);
	if (!n)
		rd->eof = true;
	/* one look for NUL bytes per read, so that take_line() need not look per line */
	if (n && rd->clean == rd->end && !memchr(rd->buf + rd->end, '\0', n))
		rd->clean = rd->end + n;
	rd->end += n;
	return n > 0;
}

static int too_long(struct trace_reader *rd)
{
	rd->cur = NULL;
	return trace_fail(rd, NULL, "line too long (more than %d bytes)", TRACE_LINE_MAX);
}

/* Make buf[s, s + len) the current line: NUL-terminated, without its CR. */
static int take_line(struct trace_reader *rd, char *s, size_t len)
{
	char *nul;

	rd->line++;
	rd->stats.lines++;
	if (rd->line == 1 && len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
		s += 3;	/* an editor's byte order mark, not part of the trace */
		len -= 3;
	}
	if (len && s[len - 1] == '\r')
		len--;
	s[len] = '\0';
	rd->cur = s;
	rd->cur_len = len;
	rd->cur_ascii = false;	/* until a parser has looked at every byte */
	rd->cur_quick = false;
	if (len > TRACE_LINE_MAX)
		return too_long(rd);
	/* text tools stop at a NUL; a trace never has one */
	if (s + len > rd->buf + rd->clean && (nul = memchr(s, '\0', len)))
		return trace_fail(rd, nul, "NUL byte in line");
	return 1;
}

/*
 * The next line into rd->cur: 1, 0 at the end, -1 for a line that is too
 * long or has a NUL (error set), -2 on a read error.
 */
static int next_line(struct trace_reader *rd)
{
	for (;;) {
		char *s = rd->buf + rd->start;
		size_t avail = rd->end - rd->start;
		char *nl = memchr(s, '\n', avail);

		if (nl) {
			rd->start += (size_t)(nl - s) + 1;
			if (!rd->discarding)
				return take_line(rd, s, (size_t)(nl - s));
			rd->discarding = false;	/* the end of a too long line */
			continue;
		}
		if (avail > TRACE_LINE_MAX + 1) {
			/* forget what we have and skip to the next newline */
			rd->start = rd->end = rd->clean = 0;
			if (!rd->discarding) {
				rd->discarding = true;
				rd->line++;
				rd->stats.lines++;
				return too_long(rd);
			}
		}
		if (!fill(rd)) {
			if (rd->ioerr)
				return -2;
			s = rd->buf + rd->start;	/* fill() may have moved it */
			avail = rd->end - rd->start;
			rd->start = rd->end;
			if (!avail || rd->discarding)
				return 0;
			return take_line(rd, s, avail);
		}
	}
}

/* ------------------------------------------------------------------ detection */

/* One line's vote: TRACE_FMT_AUTO for a blank line or a plain comment. */
static enum trace_format sniff_line(const char *p, const char *eol)
{
	while (p < eol && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p == eol)
		return TRACE_FMT_AUTO;
	if ((size_t)(eol - p) >= 9 && !memcmp(p, "# tracer:", 9))
		return TRACE_FMT_FTRACE;
	if (*p == '#')
		return TRACE_FMT_AUTO;
	if ((size_t)(eol - p) >= 5 && !memcmp(p, "cpus=", 5))
		return TRACE_FMT_FTRACE;	/* trace-cmd report */
	return trace_ftrace_sniff(p, eol) ? TRACE_FMT_FTRACE : TRACE_FMT_NATIVE;
}

/* The first line that is not blank and not a plain comment decides. */
enum trace_format trace_detect(const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		enum trace_format f = sniff_line(p, eol);

		if (f != TRACE_FMT_AUTO)
			return f;
		p = eol + 1;
	}
	return TRACE_FMT_NATIVE;
}

/*
 * TRACE_FMT_AUTO decides line by line, so that no header is too long.
 * Until it has, blank and comment lines go through the native parser,
 * which checks their bytes; ftrace headers are plain ASCII.
 */
static int auto_line(struct trace_reader *rd, struct trace_event *ev)
{
	enum trace_format f = sniff_line(rd->cur, rd->cur + rd->cur_len);

	if (f == TRACE_FMT_AUTO)
		return trace_native_line(rd, ev);
	rd->format = f;
	return f == TRACE_FMT_NATIVE ? trace_native_line(rd, ev) : trace_ftrace_line(rd, ev);
}

/* ------------------------------------------------------------------ events */

static int io_error(struct trace_reader *rd)
{
	snprintf(rd->err.msg, sizeof(rd->err.msg), "read error: %s", strerror(errno ? errno : EIO));
	rd->err.line = rd->line;
	rd->err.col = 0;
	snprintf(rd->err.text, sizeof(rd->err.text), "%s: %s", rd->name, rd->err.msg);
	return TRACE_IOERR;
}

/* Once per line of a long trace: flatten inlines the line splitting, sparing two calls a line. */
__attribute__((flatten)) int trace_next(struct trace_reader *rd, struct trace_event *ev)
{
	for (;;) {
		int r;

		if (rd->next_tok < rd->ntok) {
			r = trace_native_pending(rd, ev);
		} else {
			r = next_line(rd);
			if (r == 0) {
				if (rd->format == TRACE_FMT_AUTO)
					rd->format = TRACE_FMT_NATIVE;	/* as trace_detect() says */
				return TRACE_EOF;
			}
			if (r == -2)
				return io_error(rd);
			if (r > 0 && rd->format == TRACE_FMT_NATIVE)
				r = trace_native_line(rd, ev);
			else if (r > 0 && rd->format == TRACE_FMT_FTRACE)
				r = trace_ftrace_line(rd, ev);
			else if (r > 0)
				r = auto_line(rd, ev);
		}
		if (r > 0) {
			rd->stats.events++;
			rd->stats.by_kind[ev->kind]++;
			return TRACE_EVENT;
		}
		if (r < 0) {
			rd->stats.errors++;
			return TRACE_ERROR;
		}
		/* a line without an event */
	}
}

/* ------------------------------------------------------------------ resuming */

int trace_tell(const struct trace_reader *rd, struct trace_pos *pos)
{
	if (rd->read != read_mem || rd->next_tok < rd->ntok || rd->discarding)
		return -1;
	pos->off = rd->mem_pos - (rd->end - rd->start);
	pos->line = rd->line;
	pos->cpu = rd->cpu;
	pos->seen_event = rd->seen_event;
	pos->format = rd->format;
	return 0;
}

int trace_open_mem_at(struct trace_reader *rd, const char *data, size_t len, const char *name,
		      const struct trace_pos *pos)
{
	if (pos->off > len || trace_open_mem(rd, data, len, name, pos->format))
		return -1;
	rd->mem_pos = pos->off;
	rd->line = pos->line;
	rd->cpu = pos->cpu;
	rd->seen_event = pos->seen_event;
	return 0;
}

size_t trace_line_start(const struct trace_reader *rd)
{
	/* buf[0, end) holds input bytes [mem_pos - end, mem_pos) */
	return rd->cur ? rd->mem_pos - rd->end + (size_t)(rd->cur - rd->buf) : 0;
}
