/*
 * ftrace kmem events as text: /sys/kernel/tracing/trace, trace_pipe and
 * `trace-cmd report`, for the three generations of include/trace/events/kmem.h
 * (<= 5.19 with *_node events; 6.0 adds accounted=; 6.1 folds node= in;
 * 6.19 puts name= in kmem_cache_alloc). Lines are parsed in place with no
 * allocation and no scanf: traces run to millions of lines.
 *
 * Line layout (kernel/trace/trace_output.c @6.1, trace-cmd tracecmd/trace-read.c):
 *	<comm>-<pid> [(<tgid>)] [<cpu>] [<flags>] <secs>.<frac>: <event>: <key>=<value> ...
 */
#include "trace_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim/util.h"

static inline bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static inline bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Eight bytes at a time over the long runs of a line (the padding before the
 * task name, call_site= values): a mask with the top bit of each byte of @w
 * that is zero, exactly (no carry crosses bytes), so the lowest set bit is the
 * first such byte on a little-endian machine.
 */
#define LOW7 0x7f7f7f7f7f7f7f7full
#define ONES 0x0101010101010101ull
#define SWAR (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)

static inline uint64_t zero_bytes(uint64_t w)
{
	return ~(((w & LOW7) + LOW7) | w | LOW7);
}

static inline uint64_t blank_bytes(uint64_t w)
{
	return zero_bytes(w ^ ' ' * ONES) | zero_bytes(w ^ '\t' * ONES);
}

static inline const char *skip_blanks(const char *p, const char *end)
{
	/* most gaps are one blank */
	if (p < end && !blank(*p))
		return p;
	if (end - p >= 2 && !blank(p[1]))
		return p + 1;
	for (uint64_t w, m; SWAR && end - p >= 8; p += 8) {
		memcpy(&w, p, 8);
		m = ~blank_bytes(w) & ~LOW7;	/* the bytes that are neither ' ' nor '\t' */
		if (m)
			return p + __builtin_ctzll(m) / 8;
	}
	while (p < end && blank(*p))
		p++;
	return p;
}

/* The first blank at or after @p, or @end. */
static inline const char *to_blank(const char *p, const char *end)
{
	for (uint64_t w, m; SWAR && end - p >= 8; p += 8) {
		memcpy(&w, p, 8);
		m = blank_bytes(w);
		if (m)
			return p + __builtin_ctzll(m) / 8;
	}
	while (p < end && !blank(*p))
		p++;
	return p;
}

/* ------------------------------------------------------------------ the head */

/* The start of the digits that end just before @p, or @p when there are none. */
static const char *digits_before(const char *lo, const char *p)
{
	while (p > lo && digit(p[-1]))
		p--;
	return p;
}

/*
 * Is @q the "[cpu]" column? Then *dash is the '-' before the pid. Before it:
 * blanks, an optional "(tgid)" column (record-tgid), the pid, the dash.
 */
static bool cpu_column(const char *lo, const char *q, const char *end, const char **dash)
{
	const char *p = q + 1, *d;

	while (p < end && digit(*p))
		p++;
	if (p == q + 1 || p == end || *p != ']' || p - q > 11)
		return false;
	p = q;
	if (p == lo || !blank(p[-1]))
		return false;
	while (p > lo && blank(p[-1]))
		p--;
	if (p > lo && p[-1] == ')') {
		while (p > lo && p[-1] != '(')
			p--;
		if (p == lo)
			return false;
		p--;
		while (p > lo && blank(p[-1]))
			p--;
	}
	d = digits_before(lo, p);
	if (d == p || d == lo || d[-1] != '-')
		return false;
	*dash = d - 1;
	return true;
}

/* The "[cpu]" column of a line, or NULL; comm names may hold blanks, dashes, brackets. */
static const char *find_cpu_column(const char *p, const char *end, const char **dash)
{
	for (const char *q = p; (q = memchr(q, '[', (size_t)(end - q))); q++)
		if (cpu_column(p, q, end, dash))
			return q;
	return NULL;
}


static unsigned parse_small(const char *p, const char *end)
{
	unsigned v = 0;

	for (; p < end && digit(*p) && v < 100000000u; p++)
		v = v * 10 + (unsigned)(*p - '0');
	return v;
}

/* "<secs>[.<frac>]:" into ns; the colon's address, or NULL. */
static const char *timestamp(const char *p, const char *end, uint64_t *ns)
{
	uint64_t secs = 0, frac = 0;
	unsigned nfrac = 0;

	if (p == end || !digit(*p))
		return NULL;
	for (; p < end && digit(*p); p++)
		if ((secs = secs * 10 + (uint64_t)(*p - '0')) > UINT64_MAX / 1000000000u / 10)
			return NULL;
	if (p < end && *p == '.')
		for (p++; p < end && digit(*p); p++)
			if (nfrac++ < 9)
				frac = frac * 10 + (uint64_t)(*p - '0');
	if (p == end || *p != ':')
		return NULL;
	for (; nfrac < 9; nfrac++)
		frac *= 10;
	*ns = secs * 1000000000u + frac;
	return p;
}

/* After "[cpu]": a timestamp, maybe behind the flags column. */
static bool time_follows(const char *p, const char *end)
{
	uint64_t ns;

	p = skip_blanks(p, end);
	if (timestamp(p, end, &ns))
		return true;
	while (p < end && !blank(*p))
		p++;
	return timestamp(skip_blanks(p, end), end, &ns) != NULL;
}

bool trace_ftrace_sniff(const char *p, const char *end)
{
	const char *dash, *q = find_cpu_column(p, end, &dash);

	return q && time_follows(memchr(q, ']', (size_t)(end - q)) + 1, end);
}

/* After "]": the latency flags if there, the timestamp; where the event name starts. */
static char *flags_and_time(struct trace_reader *rd, char *p, const char *end, struct trace_event *ev)
{
	const char *ts_end;

	p = (char *)skip_blanks(p, end);
	if (!(ts_end = timestamp(p, end, &ev->ft.ts_ns))) {
		char *f = p;

		p = (char *)to_blank(p, end);
		memcpy(ev->ft.flags, f, MIN((size_t)(p - f), sizeof(ev->ft.flags) - 1));
		ev->ft.fields |= FTF_FLAGS;
		p = (char *)skip_blanks(p, end);
		if (!(ts_end = timestamp(p, end, &ev->ft.ts_ns))) {
			trace_fail(rd, p, "expected a timestamp");
			return NULL;
		}
	}
	return (char *)skip_blanks(ts_end + 1, end);
}

/* "comm-pid [cpu] flags time: ": fills the head of @ev; the event name, or NULL. */
static char *head(struct trace_reader *rd, char *p, const char *end, struct trace_event *ev)
{
	const char *dash;
	const char *q = find_cpu_column(p, end, &dash);

	if (!q) {
		trace_fail(rd, p, "not an ftrace event line (no \"comm-pid [cpu]\")");
		return NULL;
	}
	ev->ft.pid = (int)parse_small(dash + 1, q);
	ev->cpu = parse_small(q + 1, end);
	if (ev->cpu > TRACE_MAX_CPU) {
		trace_fail(rd, q + 1, "CPU number out of range");
		return NULL;
	}
	ev->cpu_given = true;
	*(char *)dash = '\0';
	ev->ft.comm = p;
	return flags_and_time(rd, (char *)memchr(q, ']', (size_t)(end - q)) + 1, end, ev);
}

/* ------------------------------------------------------------------ events */

/* include/trace/events/kmem.h: the events we read and the fields each needs */
#define FTF_ALLOC (FTF_CALL_SITE | FTF_PTR | FTF_BYTES_REQ | FTF_BYTES_ALLOC | FTF_GFP)

static const struct ft_event {
	const char *name;
	unsigned len;
	enum trace_kind kind;
	unsigned need;
} ft_events[] = {
	{ "kmalloc", 7, TEV_FT_KMALLOC, FTF_ALLOC },
	{ "kmalloc_node", 12, TEV_FT_KMALLOC_NODE, FTF_ALLOC | FTF_NODE },
	{ "kfree", 5, TEV_FT_KFREE, FTF_CALL_SITE | FTF_PTR },
	{ "kmem_cache_alloc", 16, TEV_FT_CACHE_ALLOC, FTF_ALLOC },
	{ "kmem_cache_alloc_node", 21, TEV_FT_CACHE_ALLOC_NODE, FTF_ALLOC | FTF_NODE },
	{ "kmem_cache_free", 15, TEV_FT_CACHE_FREE, FTF_CALL_SITE | FTF_PTR },
	{ "mm_page_alloc", 13, TEV_FT_PAGE_ALLOC, FTF_PFN | FTF_ORDER | FTF_GFP },
	{ "mm_page_free", 12, TEV_FT_PAGE_FREE, FTF_PFN | FTF_ORDER },
	{ "mm_page_free_batched", 20, TEV_FT_PAGE_FREE_BATCHED, FTF_PFN },
};

static const struct ft_event *find_event(const char *s, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(ft_events); i++)
		if (ft_events[i].len == len && !memcmp(ft_events[i].name, s, len))
			return &ft_events[i];
	return NULL;
}

/* ------------------------------------------------------------------ values */

/* A hex digit's value plus one, 0 for any other byte: one load per digit of the 16-digit pointers. */
static const unsigned char hex_value1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9,
	['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* The value of a hex digit, or more than 15 for any other byte. */
static inline unsigned hex_digit(char c)
{
	return (unsigned)hex_value1[(unsigned char)c] - 1;
}

/* %p / %lx: 16 hex digits, "0x" from trace-cmd, "(null)" and "(nil)" for NULL */
static bool parse_hex(const char *p, const char *end, uint64_t *out)
{
	uint64_t v = 0;

	if (end - p >= 2 && p[0] == '0' && (p[1] | 0x20) == 'x')
		p += 2;
	else if ((end - p == 6 && !memcmp(p, "(null)", 6)) || (end - p == 5 && !memcmp(p, "(nil)", 5))) {
		*out = 0;
		return true;
	}
	if (p == end || end - p > 16)
		return false;
	for (; p < end; p++) {
		unsigned d = hex_digit(*p);

		if (d > 15)
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

static bool parse_dec(const char *p, const char *end, uint64_t *out)
{
	uint64_t v = 0;

	if (p == end || end - p > 20)
		return false;
	for (; p < end; p++) {
		if (!digit(*p) || v > (UINT64_MAX - (unsigned)(*p - '0')) / 10)
			return false;
		v = v * 10 + (unsigned)(*p - '0');
	}
	*out = v;
	return true;
}

/* pfn=0x5338 since 4.x, pfn=%lu before */
static bool parse_num(const char *p, const char *end, uint64_t *out)
{
	if (end - p > 2 && p[0] == '0' && (p[1] | 0x20) == 'x')
		return parse_hex(p, end, out);
	return parse_dec(p, end, out);
}

static bool parse_int(const char *p, const char *end, int *out)
{
	bool neg = p < end && *p == '-';
	uint64_t v;

	if (!parse_dec(p + neg, end, &v) || v > (uint64_t)INT32_MAX + neg)
		return false;
	*out = neg ? (int)-(int64_t)v : (int)v;
	return true;
}

/* ------------------------------------------------------------------ gfp */

/*
 * gfp_flags strings repeat endlessly (a trace has a few dozen distinct
 * ones): remember the last mask per hash bucket instead of parsing each.
 */
#define GFP_MEMO_SIZE 64
#define GFP_MEMO_LEN 88

struct trace_gfp_memo {
	struct {
		uint32_t len;
		gfp_t mask;
		bool unknown;
		char s[GFP_MEMO_LEN];
	} e[GFP_MEMO_SIZE];
};

int trace_ftrace_init(struct trace_reader *rd)
{
	rd->gfp_memo = calloc(1, sizeof(*rd->gfp_memo));
	return rd->gfp_memo ? 0 : -1;
}

void trace_ftrace_release(struct trace_reader *rd)
{
	free(rd->gfp_memo);
	rd->gfp_memo = NULL;
}

static bool flag_name(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '_' || digit(s[i]) || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return len > 0;
}

/* show_gfp_flags() output: names gfp.h lacks (other versions) set gfp_unknown. */
static bool gfp_slow(const char *s, size_t len, gfp_t *mask, bool *unknown)
{
	*mask = 0;
	*unknown = false;
	for (size_t i = 0; i <= len;) {
		const char *bar = memchr(s + i, '|', len - i);
		size_t n = bar ? (size_t)(bar - s) - i : len - i;
		gfp_t m;

		if (!trace_gfp_part(s + i, n, &m))
			*mask |= m;
		else if (flag_name(s + i, n))
			*unknown = true;
		else
			return false;
		i += n + 1;
	}
	return true;
}

/* The length and three 8-byte windows tell the few dozen strings of a trace apart. */
static unsigned memo_bucket(const char *s, size_t len)
{
	uint64_t a = 0, b = 0, c = 0, h;

	if (len >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + len / 2 - 4, 8);
		memcpy(&c, s + len - 8, 8);
	} else {
		memcpy(&a, s, len);
	}
	h = (a ^ b * 0x9e3779b97f4a7c15ull ^ c * 0xff51afd7ed558ccdull ^ len) * 0xc4ceb9fe1a85ec53ull;
	return (unsigned)(h >> 58) & (GFP_MEMO_SIZE - 1);
}

static bool gfp_flags(struct trace_reader *rd, const char *s, size_t len, struct trace_event *ev)
{
	struct trace_gfp_memo *memo = rd->gfp_memo;
	unsigned b;

	if (!len)
		return false;	/* and an unused memo entry would match it */
	b = memo_bucket(s, len);
	if (memo->e[b].len == len && !memcmp(memo->e[b].s, s, len)) {
		ev->ft.gfp = memo->e[b].mask;
		ev->ft.gfp_unknown = memo->e[b].unknown;
		return true;
	}
	if (!gfp_slow(s, len, &ev->ft.gfp, &ev->ft.gfp_unknown))
		return false;
	if (len < GFP_MEMO_LEN) {
		memo->e[b].len = (uint32_t)len;
		memo->e[b].mask = ev->ft.gfp;
		memo->e[b].unknown = ev->ft.gfp_unknown;
		memcpy(memo->e[b].s, s, len);
	}
	return true;
}

/* ------------------------------------------------------------------ fields */

/* %pS may print " [module]" after the symbol: take it into the value. */
static char *call_site_end(char *v, char *end)
{
	char *p = (char *)to_blank(v, end), *close;

	if (end - p > 2 && p[1] == '[' && (close = memchr(p + 2, ']', (size_t)(end - p - 2))) &&
	    (close + 1 == end || blank(close[1])) && !memchr(p + 2, '=', (size_t)(close - p - 2)))
		return close + 1;
	return p;
}

static bool parse_bool(const char *v, const char *end, int *out)
{
	if (end - v == 4 && !memcmp(v, "true", 4))
		*out = 1;
	else if (end - v == 5 && !memcmp(v, "false", 5))
		*out = 0;
	else
		return false;
	return true;
}

#define KEY(s) (klen == sizeof(s) - 1 && !memcmp(k, s, sizeof(s) - 1))

/* One KEY=VALUE; false when the value is bad. Unknown keys are skipped: later kernels add some. */
static bool field(struct trace_reader *rd, const char *k, size_t klen, char *v, char *vend,
		  struct trace_event *ev)
{
	struct trace_ftrace *f = &ev->ft;
	unsigned bit;
	bool ok;

	if (KEY("ptr")) {
		bit = FTF_PTR, ok = parse_hex(v, vend, &f->ptr);
	} else if (KEY("call_site")) {
		bit = FTF_CALL_SITE, ok = v < vend, f->call_site = v;
	} else if (KEY("bytes_req")) {
		bit = FTF_BYTES_REQ, ok = parse_dec(v, vend, &f->bytes_req);
	} else if (KEY("bytes_alloc")) {
		bit = FTF_BYTES_ALLOC, ok = parse_dec(v, vend, &f->bytes_alloc);
	} else if (KEY("gfp_flags")) {
		bit = FTF_GFP, ok = gfp_flags(rd, v, (size_t)(vend - v), ev);
	} else if (KEY("node")) {
		bit = FTF_NODE, ok = parse_int(v, vend, &f->node);
	} else if (KEY("accounted")) {
		bit = FTF_ACCOUNTED, ok = parse_bool(v, vend, &f->accounted);
	} else if (KEY("name")) {
		bit = FTF_NAME, ok = true, f->name = v;
	} else if (KEY("page")) {
		bit = FTF_PAGE, ok = parse_hex(v, vend, &f->page);
	} else if (KEY("pfn")) {
		bit = FTF_PFN, ok = parse_num(v, vend, &f->pfn);
	} else if (KEY("order")) {
		int o;

		bit = FTF_ORDER, ok = parse_int(v, vend, &o) && o >= 0, f->order = (unsigned)o;
	} else if (KEY("migratetype")) {
		bit = FTF_MIGRATETYPE, ok = parse_int(v, vend, &f->migratetype);
	} else {
		return true;
	}
	f->fields |= bit;
	return ok;
}

static int bad_value(struct trace_reader *rd, const char *k, size_t klen, const char *v, const char *vend)
{
	int n = (int)MIN(vend - v, 40);

	return trace_fail(rd, v, "bad %.*s value '%.*s%s'", (int)MIN(klen, 40), k, n, v, vend - v > 40 ? "..." : "");
}

/* "KEY=" at @p for the keys every kmalloc and kfree line has: the '=', or NULL. */
static char *known_key(char *p, const char *end)
{
#define AT(s) (end - p > (ptrdiff_t)sizeof(s) - 1 && !memcmp(p, s, sizeof(s) - 1) ? p + sizeof(s) - 2 : NULL)
	switch (*p) {
	case 'c': return AT("call_site=");
	case 'p': return AT("ptr=");
	case 'b': {
		char *eq = AT("bytes_req=");

		return eq ? eq : AT("bytes_alloc=");
	}
	case 'g': return AT("gfp_flags=");
	case 'n': return p[1] == 'o' ? AT("node=") : AT("name=");
	case 'a': return AT("accounted=");
	}
	return NULL;
#undef AT
}

/*
 * ptr=, bytes_req= and bytes_alloc= parsed in the one pass that finds their
 * end, for the plain values: hex digits, decimal digits that cannot
 * overflow. The end of the value, or NULL to take field()'s way, which also
 * says what is wrong with the value.
 */
static char *quick_value(const char *k, char *v, const char *end, struct trace_event *ev)
{
	uint64_t x = 0;
	char *q = v;

	if (k[0] == 'p') {
		unsigned d;

		for (; q < end && q - v < 16 && (d = hex_digit(*q)) < 16; q++)
			x = x << 4 | d;
		if (q == v || (q < end && !blank(*q)))
			return NULL;
		ev->ft.ptr = x;
		ev->ft.fields |= FTF_PTR;
		return q;
	}
	if (k[0] != 'b')
		return NULL;
	for (; q < end && q - v < 19 && digit(*q); q++)
		x = x * 10 + (uint64_t)(*q - '0');
	if (q == v || (q < end && !blank(*q)))
		return NULL;
	if (k[6] == 'r') {
		ev->ft.bytes_req = x;
		ev->ft.fields |= FTF_BYTES_REQ;
	} else {
		ev->ft.bytes_alloc = x;
		ev->ft.fields |= FTF_BYTES_ALLOC;
	}
	return q;
}

/* "key=value key=value ..." up to @end; strings are NUL-terminated in place. */
static int fields(struct trace_reader *rd, char *p, char *end, struct trace_event *ev)
{
	for (;;) {
		char *k, *eq, *vend;

		p = (char *)skip_blanks(p, end);
		if (p == end)
			return 0;
		k = p;
		if ((eq = known_key(p, end))) {
			if ((vend = quick_value(k, eq + 1, end, ev))) {
				*vend = '\0';
				p = vend + (vend < end);
				continue;
			}
			p = eq;
		} else {
			for (; p < end && *p != '=' && !blank(*p); p++)
				;
			if (p == end || *p != '=')
				return trace_fail(rd, k, "expected KEY=VALUE in the fields of %s", ev->op);
			eq = p;
		}
		vend = (eq - k == 9 && !memcmp(k, "call_site", 9)) ? call_site_end(eq + 1, end) : eq + 1;
		vend = (char *)to_blank(vend, end);
		if (!field(rd, k, (size_t)(eq - k), eq + 1, vend, ev))
			return bad_value(rd, k, (size_t)(eq - k), eq + 1, vend);
		*vend = '\0';	/* a blank or the line's own NUL */
		p = vend + (vend < end);
	}
}

static int missing(struct trace_reader *rd, const char *at, const struct ft_event *e, unsigned have)
{
	static const char *const names[] = { "call_site", "ptr", "bytes_req", "bytes_alloc", "gfp_flags", "node",
					     "accounted", "name", "page", "pfn", "order", "migratetype" };
	unsigned bit = 0;

	while (!(e->need & ~have & 1u << bit))
		bit++;
	return trace_fail(rd, at, "%s: missing %s=", e->name, names[bit]);
}

/* ------------------------------------------------------------------ lines */

static const char *find(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	for (; end - p >= (ptrdiff_t)n; p++)
		if (*p == *s && !memcmp(p, s, n))
			return p;
	return NULL;
}

/* Lines that are not events: headers, trace-cmd's, lost-event notes. 1 if it was one. */
static int not_event(struct trace_reader *rd, const char *p, const char *end)
{
	size_t n = (size_t)(end - p);

	if (p == end || *p == '#' || (n >= 5 && !memcmp(p, "cpus=", 5)) ||
	    (n >= 4 && !memcmp(p, "CPU ", 4) && find(p, end, "is empty"))) {
		rd->stats.ignored++;
		return 1;
	}
	/* kernel/trace/trace.c print_trace_line(): "CPU:%d [LOST %lu EVENTS]" */
	if (n >= 4 && !memcmp(p, "CPU:", 4)) {
		const char *lost = find(p, end, "[LOST ");

		if (lost) {
			rd->stats.lost_events += parse_small(lost + 6, end);
			return 1;
		}
	}
	return 0;
}

int trace_ftrace_line(struct trace_reader *rd, struct trace_event *ev)
{
	char *p = rd->cur, *end = p + rd->cur_len, *name, *colon;
	const struct ft_event *e;

	p = (char *)skip_blanks(p, end);
	if (not_event(rd, p, end))
		return 0;
	/*
	 * Only the head and ft: the native fields share ft's storage. Field by
	 * field, because a memset() of this size becomes a slow "rep stos".
	 */
	_Static_assert(sizeof(struct trace_ftrace) == 120, "a new field of trace_ftrace is cleared here too");
	ev->kind = TEV_NONE;
	ev->op = NULL;
	ev->line = rd->line;
	ev->col = 1;
	ev->cpu = 0;
	ev->cpu_given = false;
	ev->ft.comm = NULL;
	ev->ft.pid = 0;
	ev->ft.ts_ns = 0;
	memset(ev->ft.flags, 0, sizeof(ev->ft.flags));
	ev->ft.fields = 0;
	ev->ft.call_site = NULL;
	ev->ft.ptr = ev->ft.bytes_req = ev->ft.bytes_alloc = 0;
	ev->ft.gfp = 0;
	ev->ft.gfp_unknown = false;
	ev->ft.node = -1;
	ev->ft.accounted = -1;
	ev->ft.name = NULL;
	ev->ft.page = ev->ft.pfn = 0;
	ev->ft.order = 0;
	ev->ft.migratetype = 0;
	if (!(name = head(rd, p, end, ev)))
		return -1;
	colon = memchr(name, ':', (size_t)(end - name));
	if (!colon)
		return trace_fail(rd, name, "expected 'EVENT:' after the timestamp");
	if (!(e = find_event(name, (size_t)(colon - name)))) {
		rd->stats.other_events++;
		return 0;
	}
	ev->kind = e->kind;
	ev->op = e->name;
	if (fields(rd, colon + 1, end, ev))
		return -1;
	if (e->need & ~ev->ft.fields)
		return missing(rd, name, e, ev->ft.fields);
	return 1;
}
