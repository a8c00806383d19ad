/*
 * The native trace language (../shared/spec/interface.md, man/slubsim-trace.5):
 * one operation a line, blank-separated words, "#" comments, quoted strings.
 * This file checks syntax and fills trace_events; it binds no names.
 */
#include "trace_int.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "sim/util.h"

/* ------------------------------------------------------------------ words */

/* Length of the valid UTF-8 sequence at @p (RFC 3629: no overlongs, no surrogates), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], need, min;
	uint32_t cp;

	if (c < 0xc2 || c > 0xf4)
		return 0;
	need = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
	min = need == 3 ? 0x10000 : need == 2 ? 0x800 : 0x80;
	if ((size_t)(end - p) <= need)
		return 0;
	cp = c & (0x3fu >> need);
	for (unsigned i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need + 1;
}

/* Text lines only: UTF-8, and no control character but the tab. */
static int check_bytes(struct trace_reader *rd)
{
	const unsigned char *p = (const unsigned char *)rd->cur, *end = p + rd->cur_len;

	/*
	 * The common line: printable ASCII only, so trace_col() needs no walk.
	 * Eight bytes at a time: a byte below 0x20 borrows, one of 0x7f or more
	 * sets its top bit itself or after adding 1; no borrow or carry crosses
	 * into another byte unless that byte is itself out of range.
	 */
	for (uint64_t w; end - p >= 8; p += 8) {
		memcpy(&w, p, 8);
		if (((w - 0x2020202020202020ull) | (w + 0x0101010101010101ull) | w) & 0x8080808080808080ull)
			break;
	}
	while (p < end && *p >= 0x20 && *p < 0x7f)
		p++;
	rd->cur_ascii = p == end;
	while (p < end) {
		size_t n;

		if (*p >= 0x20 && *p < 0x7f) {
			p++;
		} else if (*p == '\t') {
			p++;
		} else if (*p < 0x80) {
			return trace_fail(rd, (const char *)p, "unexpected control character 0x%02x", *p);
		} else if ((n = utf8_len(p, end))) {
			p += n;
		} else {
			return trace_fail(rd, (const char *)p, "invalid UTF-8 (byte 0x%02x)", *p);
		}
	}
	return 0;
}

/* The end of the "quoted" part at @q (after its closing quote), or NULL with the error set. */
static const char *quote_end(struct trace_reader *rd, const char *q)
{
	for (const char *r = q + 1;; r++) {
		if (!*r) {
			trace_fail(rd, q, "unterminated string");
			return NULL;
		}
		if (*r == '"')
			return r + 1;
		if (*r == '\\') {
			if (r[1] != '"' && r[1] != '\\') {
				trace_fail(rd, r, "unknown escape '\\%c' in string (only \\\" and \\\\)", r[1] ? r[1] : ' ');
				return NULL;
			}
			r++;
		}
	}
}

static int add_token(struct trace_reader *rd, char *s, size_t len, uint32_t col, bool quoted)
{
	struct trace_tok *t;

	if (rd->ntok == TRACE_MAX_TOKENS)
		return trace_fail(rd, s, "too many words on one line (at most %d)", TRACE_MAX_TOKENS);
	t = &rd->tok[rd->ntok++];
	t->s = s;
	t->len = (uint32_t)len;
	t->col = col;
	t->quoted = quoted;
	return 0;
}

/* Remove the quotes and escapes of a word in place and NUL-terminate it. */
static void unquote(struct trace_tok *t)
{
	char *r = t->s, *end = t->s + t->len, *w = t->s;
	bool in = false;

	for (; r < end; r++) {
		if (*r == '"') {
			in = !in;
			continue;
		}
		if (in && *r == '\\')
			r++;	/* quote_end() let only \" and \\ through */
		*w++ = *r;
	}
	*w = '\0';	/* at most the delimiter after the word */
	t->len = (uint32_t)(w - t->s);
}

/*
 * Split rd->cur into rd->tok. Columns and errors come from the untouched
 * line; only then are the words unquoted and NUL-terminated in place, so
 * that events can point at them.
 */
static int tokenize(struct trace_reader *rd)
{
	char *p = rd->cur;

	rd->ntok = rd->next_tok = 0;
	if (check_bytes(rd))
		return -1;
	for (;;) {
		char *start = p;
		bool quoted = false;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			break;
		start = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '#') {
			if (*p == '"') {
				quoted = true;
				if (!(p = (char *)quote_end(rd, p)))
					return -1;
			} else {
				p++;
			}
		}
		if (add_token(rd, start, (size_t)(p - start), trace_col(rd, start), quoted))
			return -1;
	}
	for (unsigned i = 0; i < rd->ntok; i++) {
		struct trace_tok *t = &rd->tok[i];

		if (t->quoted)
			unquote(t);
		else
			t->s[t->len] = '\0';	/* the delimiter after the word, or the line's NUL */
	}
	rd->next_tok = rd->ntok;	/* nothing pending unless config_op() says so */
	return 0;
}

/* The length first: most words differ from most keywords in it, and @s is a literal. */
static inline int tok_is(const struct trace_tok *t, const char *s)
{
	size_t n = strlen(s);

	return !t->quoted && t->len == n && !memcmp(t->s, s, n);
}

/* An error at @at inside word @t: columns count from the word's own. */
static int fail_at(struct trace_reader *rd, const struct trace_tok *t, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail_at(struct trace_reader *rd, const struct trace_tok *t, const char *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	trace_vfail_col(rd, trace_col_advance(t->col, t->s, at), fmt, ap);
	va_end(ap);
	return -1;
}

#define tok_fail(rd, t, ...) fail_at(rd, t, (t)->s, __VA_ARGS__)

/* The part of word @t from @at on, as a word of its own. */
static struct trace_tok sub_tok(const struct trace_tok *t, char *at)
{
	/* words are NUL-terminated at their length and hold no NUL before it */
	struct trace_tok sub = { .s = at, .len = t->len - (uint32_t)(at - t->s),
				 .col = trace_col_advance(t->col, t->s, at) };

	return sub;
}

/* ------------------------------------------------------------------ operands */

static bool is_name(const struct trace_tok *t)
{
	const char *s = t->s;

	if (t->quoted || !(s[0] == '_' || ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z')))
		return false;
	for (s++; *s; s++)
		if (!(*s == '_' || (*s >= '0' && *s <= '9') || ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z')))
			return false;
	return true;
}

/* @t into @n; @null_ok lets the literal NULL through. */
static int get_name(struct trace_reader *rd, const struct trace_tok *t, struct trace_name *n, bool null_ok)
{
	n->col = t->col;
	if (tok_is(t, "NULL")) {
		if (!null_ok)
			return tok_fail(rd, t, "'%s' is reserved: not allowed here", "NULL");
		n->is_null = true;
		return 0;
	}
	if (!is_name(t))
		return tok_fail(rd, t, "invalid name '%s' (letters, digits and _, not starting with a digit)", t->s);
	n->s = t->s;
	n->len = t->len;
	return 0;
}

/*
 * A cache operand: a name the trace bound, or a kernel cache name such as
 * kmalloc-192 or dma-kmalloc-64, which may hold '-', '.' and ':'.
 */
static int get_cache_name(struct trace_reader *rd, const struct trace_tok *t, struct trace_name *n)
{
	n->col = t->col;
	if (tok_is(t, "NULL"))
		return tok_fail(rd, t, "'%s' is reserved: not allowed here", "NULL");
	for (const char *s = t->s; *s; s++)
		if (!(*s == '_' || *s == '-' || *s == '.' || *s == ':' || (*s >= '0' && *s <= '9') ||
		      ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z')))
			return tok_fail(rd, t, "invalid cache name '%s'", t->s);
	n->s = t->s;
	n->len = t->len;
	return 0;
}

static int get_num(struct trace_reader *rd, const struct trace_tok *t, const char *what, bool suffix,
		   uint64_t *out)
{
	char msg[120];
	enum trace_numerr e = trace_parse_num(t->s, t->len, suffix, out);

	if (e == TNUM_OK)
		return 0;
	return tok_fail(rd, t, "%s", trace_numerr_msg(e, what, t->s, t->len, msg, sizeof(msg)));
}

static int get_pow2(struct trace_reader *rd, const struct trace_tok *t, const char *what, bool zero_ok,
		    uint64_t *out)
{
	if (get_num(rd, t, what, true, out))
		return -1;
	if (*out ? !is_power_of_2(*out) : !zero_ok)
		return tok_fail(rd, t, "%s must be a power of two, not %s", what, t->s);
	return 0;
}

/* ------------------------------------------------------------------ flags */

/* include/linux/slab.h @6.1 */
static const struct {
	const char *name;
	slab_flags_t flag;
} slab_flag_names[] = {
	{ "SLAB_CONSISTENCY_CHECKS", SLAB_CONSISTENCY_CHECKS },
	{ "SLAB_RED_ZONE", SLAB_RED_ZONE },
	{ "SLAB_POISON", SLAB_POISON },
	{ "SLAB_KMALLOC", SLAB_KMALLOC },
	{ "SLAB_HWCACHE_ALIGN", SLAB_HWCACHE_ALIGN },
	{ "SLAB_CACHE_DMA", SLAB_CACHE_DMA },
	{ "SLAB_CACHE_DMA32", SLAB_CACHE_DMA32 },
	{ "SLAB_STORE_USER", SLAB_STORE_USER },
	{ "SLAB_RECLAIM_ACCOUNT", SLAB_RECLAIM_ACCOUNT },
	{ "SLAB_PANIC", SLAB_PANIC },
	{ "SLAB_TYPESAFE_BY_RCU", SLAB_TYPESAFE_BY_RCU },
	{ "SLAB_TRACE", SLAB_TRACE },
	{ "SLAB_NOLEAKTRACE", SLAB_NOLEAKTRACE },
	{ "SLAB_NO_MERGE", SLAB_NO_MERGE },
	{ "SLAB_FAILSLAB", SLAB_FAILSLAB },
	{ "SLAB_ACCOUNT", SLAB_ACCOUNT },
	{ "SLAB_NO_USER_FLAGS", SLAB_NO_USER_FLAGS },
};

static int one_slab_flag(const char *s, size_t len, unsigned *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(slab_flag_names); i++)
		if (strlen(slab_flag_names[i].name) == len && !memcmp(slab_flag_names[i].name, s, len)) {
			*out = slab_flag_names[i].flag;
			return 0;
		}
	return -1;
}

int trace_slab_flags_parse(const char *s, slab_flags_t *out)
{
	*out = 0;
	for (const char *end; *s; s = *end ? end + 1 : end) {
		unsigned f;

		end = strchr(s, '|');
		if (!end)
			end = s + strlen(s);
		if (one_slab_flag(s, (size_t)(end - s), &f))
			return -1;
		*out |= f;
	}
	return 0;
}

static int one_gfp_flag(const char *s, size_t len, unsigned *out)
{
	gfp_t g;

	if (trace_gfp_part(s, len, &g))
		return -1;
	*out = g;
	return 0;
}

/*
 * "A|B|C" with @one naming each part; the column of a bad part is its own.
 * "0" is no flag at all.
 */
static int get_flags(struct trace_reader *rd, const struct trace_tok *t, const char *what,
		     int (*one)(const char *, size_t, unsigned *), unsigned *out)
{
	const char *s = t->s;

	*out = 0;
	if (!strcmp(s, "0"))
		return 0;
	for (;;) {
		const char *bar = strchr(s, '|');
		size_t len = bar ? (size_t)(bar - s) : strlen(s);
		unsigned f;

		if (!len)
			return fail_at(rd, t, s, "empty %s flag", what);
		if (one(s, len, &f))
			return fail_at(rd, t, s, "unknown %s flag '%.*s'", what, (int)MIN(len, 60), s);
		*out |= f;
		if (!bar)
			return 0;
		s = bar + 1;
	}
}

/* ------------------------------------------------------------------ options */

enum {
	TN_RESULT = 1 << 0,	/* may bind a result name */
	TN_GFP = 1 << 1,	/* a GFP mask may follow */
	TN_ZERO = 1 << 2,	/* adds __GFP_ZERO (kzalloc) */
	TN_ALIGN = 1 << 3,	/* align=N */
	TN_ALIGN_REQ = 1 << 4,	/* align=N is required */
	TN_WRAPPER = 1 << 5,	/* wrapper=W */
	TN_CACHE_OPTS = 1 << 6,	/* flags= ctor useroffset= usersize= */
	TN_BYTE = 1 << 7,	/* an optional byte value ends the operands */
	TN_NOCPU = 1 << 8,	/* not an allocator operation: no @CPU */
	TN_SHEAVES = 1 << 9,	/* sheaf_capacity=N */
};

static const char *const wrapper_names[NR_TRACE_WRAP] = {
	[TRACE_WRAP_DEFAULT] = "default", [TRACE_WRAP_NAIVE] = "naive", [TRACE_WRAP_NPOT] = "npot",
	[TRACE_WRAP_PAD] = "pad", [TRACE_WRAP_ALLOCATOR] = "allocator", [TRACE_WRAP_NODE_ALIGN] = "node-align",
};

const char *trace_wrapper_name(enum trace_wrapper w)
{
	return (unsigned)w < NR_TRACE_WRAP ? wrapper_names[w] : "?";
}

static int get_wrapper(struct trace_reader *rd, const struct trace_tok *v, struct trace_event *ev)
{
	for (unsigned i = TRACE_WRAP_NAIVE; i < NR_TRACE_WRAP; i++)
		if (!strcmp(v->s, wrapper_names[i])) {
			ev->wrapper = i;
			return 0;
		}
	return tok_fail(rd, v, "unknown wrapper '%s' (naive, npot, pad, allocator or node-align)", v->s);
}

struct tn_op {
	const char *name;
	enum trace_kind kind;
	const char *args;	/* operands: o object, O object or NULL, c cache, n cache name, s size, f offset,
				 * l length, t text */
	unsigned opts;		/* TN_* */
};

#define TN_RUST (TN_RESULT | TN_ALIGN | TN_ALIGN_REQ | TN_WRAPPER | TN_GFP)

/* The operations quick_line() parses too, by name */
enum { TN_KMALLOC, TN_KZALLOC, TN_KFREE };

static const struct tn_op tn_ops[] = {
	[TN_KMALLOC] = { "kmalloc", TEV_KMALLOC, "s", TN_RESULT | TN_GFP },
	[TN_KZALLOC] = { "kzalloc", TEV_KMALLOC, "s", TN_RESULT | TN_GFP | TN_ZERO },
	[TN_KFREE] = { "kfree", TEV_KFREE, "O", 0 },
	{ "krealloc", TEV_KREALLOC, "Os", TN_RESULT | TN_GFP },
	{ "ksize", TEV_KSIZE, "O", 0 },
	{ "kmem_cache_create", TEV_CACHE_CREATE, "ns", TN_RESULT | TN_ALIGN | TN_CACHE_OPTS | TN_SHEAVES },
	{ "kmem_cache_alloc", TEV_CACHE_ALLOC, "c", TN_RESULT | TN_GFP },
	{ "kmem_cache_zalloc", TEV_CACHE_ALLOC, "c", TN_RESULT | TN_GFP | TN_ZERO },
	{ "kmem_cache_free", TEV_CACHE_FREE, "cO", 0 },
	{ "kmem_cache_destroy", TEV_CACHE_DESTROY, "c", 0 },
	{ "kmem_cache_shrink", TEV_CACHE_SHRINK, "c", TN_NOCPU },
	{ "kmem_buckets_create", TEV_BUCKETS_CREATE, "n", TN_RESULT | TN_CACHE_OPTS },
	{ "kmem_buckets_alloc", TEV_BUCKETS_ALLOC, "cs", TN_RESULT | TN_GFP },
	{ "memdup_user", TEV_MEMDUP_USER, "s", TN_RESULT },
	{ "rust_alloc", TEV_RUST_ALLOC, "s", TN_RUST },
	{ "rust_realloc", TEV_RUST_REALLOC, "Os", TN_RUST },
	{ "rust_free", TEV_RUST_FREE, "O", TN_RUST & ~(TN_RESULT | TN_GFP) },
	{ "write", TEV_WRITE, "ofl", TN_BYTE },
	{ "kmalloc_trace", TEV_KMALLOC_TRACE, "cs", TN_RESULT | TN_GFP },
	{ "kfree_rcu", TEV_KFREE_RCU, "O", 0 },
	{ "rcu_barrier", TEV_RCU_BARRIER, "", TN_NOCPU },
	{ "validate", TEV_VALIDATE, "c", TN_NOCPU },
	{ "save", TEV_SAVE, "ofl", TN_NOCPU },
	{ "restore", TEV_RESTORE, "", TN_NOCPU },
	{ "label", TEV_LABEL, "t", TN_NOCPU },
};

/* A KEY=VALUE option of @op; @seen catches repeats. */
static int key_option(struct trace_reader *rd, const struct tn_op *op, const struct trace_tok *t,
		      struct trace_event *ev, unsigned *seen)
{
	static const char *const keys[] = { "align", "wrapper", "flags", "useroffset", "usersize", "sheaf_capacity" };
	static const unsigned need[] = { TN_ALIGN, TN_WRAPPER, TN_CACHE_OPTS, TN_CACHE_OPTS, TN_CACHE_OPTS, TN_SHEAVES };
	char *eq = strchr(t->s, '=');
	size_t klen = (size_t)(eq - t->s), k;
	/* the value alone, so that its errors point at it */
	struct trace_tok v = sub_tok(t, eq + 1);

	for (k = 0; k < ARRAY_SIZE(keys); k++)
		if (strlen(keys[k]) == klen && !memcmp(keys[k], t->s, klen))
			break;
	if (k == ARRAY_SIZE(keys) || !(op->opts & need[k]))
		return tok_fail(rd, t, "%s takes no option '%.*s='", op->name, (int)MIN(klen, 60), t->s);
	if (*seen & 1u << k)
		return tok_fail(rd, t, "option '%s=' given twice", keys[k]);
	*seen |= 1u << k;
	switch (k) {
	case 0:
		return get_pow2(rd, &v, "align", ev->kind == TEV_CACHE_CREATE, &ev->align);
	case 1:
		return get_wrapper(rd, &v, ev);
	case 2:
		return get_flags(rd, &v, "slab", one_slab_flag, &ev->slab_flags);
	case 3:
		return get_num(rd, &v, "useroffset", true, &ev->useroffset);
	case 4:
		return get_num(rd, &v, "usersize", true, &ev->usersize);
	}
	return get_num(rd, &v, "sheaf_capacity", true, &ev->sheaf_capacity);
}

/* Words after the operands: KEY=VALUE options, "ctor", a GFP mask. */
static int option(struct trace_reader *rd, const struct tn_op *op, const struct trace_tok *t,
		  struct trace_event *ev, unsigned *seen)
{
	unsigned g;

	if (strchr(t->s, '='))
		return key_option(rd, op, t, ev, seen);
	if ((op->opts & TN_CACHE_OPTS) && tok_is(t, "ctor")) {
		ev->ctor = true;
		return 0;
	}
	if (!(op->opts & TN_GFP) || t->quoted)
		return tok_fail(rd, t, "unexpected '%s'", t->s);
	if (ev->gfp_given)
		return tok_fail(rd, t, "GFP flags given twice ('%s')", t->s);
	if (get_flags(rd, t, "GFP", one_gfp_flag, &g))
		return -1;
	ev->gfp = g;
	ev->gfp_given = true;
	return 0;
}

static int operand(struct trace_reader *rd, char kind, const struct trace_tok *t, struct trace_event *ev)
{
	switch (kind) {
	case 'o':
	case 'O':
		return get_name(rd, t, &ev->obj, kind == 'O');
	case 'c':
		return get_cache_name(rd, t, &ev->cache);
	case 's':
		return get_num(rd, t, "size", true, &ev->size);
	case 'f':
		/* the free pointer's place, which the trace cannot know: the replayer finds it */
		if (tok_is(t, "freeptr") && !t->quoted) {
			ev->at_freeptr = true;
			return 0;
		}
		return get_num(rd, t, "offset", true, &ev->offset);
	case 'l':
		return get_num(rd, t, "length", true, &ev->len);
	}
	ev->text = t->s;
	ev->text_col = t->col;
	return 0;
}

static const char *operand_word(char kind)
{
	switch (kind) {
	case 'o': case 'O': return "object";
	case 'c': return "cache";
	case 's': return "size";
	case 'f': return "offset";
	case 'l': return "length";
	case 'n': return "cache name";
	}
	return "text";
}

static int write_byte(struct trace_reader *rd, const struct trace_tok *t, struct trace_event *ev)
{
	uint64_t v;

	if (ev->kind == TEV_WRITE && tok_is(t, "~") && !t->quoted) {
		ev->invert = true;
		return 0;
	}

	if (get_num(rd, t, "byte value", false, &v))
		return -1;
	if (v > 255)
		return tok_fail(rd, t, "byte value '%s' is not in 0..255", t->s);
	ev->byte = (unsigned)v;
	ev->byte_given = true;
	return 0;
}

/* Operands then options, from rd->tok[i]. */
static int generic_op(struct trace_reader *rd, const struct tn_op *op, unsigned i, struct trace_event *ev)
{
	const struct trace_tok *optok = &rd->tok[i - 1];
	unsigned seen = 0;

	for (const char *a = op->args; *a; a++, i++) {
		if (i == rd->ntok)
			return tok_fail(rd, optok, "%s: missing %s", op->name, operand_word(*a));
		if (operand(rd, *a, &rd->tok[i], ev))
			return -1;
	}
	if ((op->opts & TN_BYTE) && i < rd->ntok && write_byte(rd, &rd->tok[i++], ev))
		return -1;
	for (; i < rd->ntok; i++)
		if (option(rd, op, &rd->tok[i], ev, &seen))
			return -1;
	if ((op->opts & TN_ALIGN_REQ) && !(seen & 1))	/* bit 0: key_option()'s "align" */
		return tok_fail(rd, optok, "%s: missing align=", op->name);
	if (op->opts & TN_GFP) {
		if (!ev->gfp_given)
			ev->gfp = GFP_KERNEL;
		if (op->opts & TN_ZERO)
			ev->gfp |= __GFP_ZERO;
	}
	return 1;
}

/* ------------------------------------------------------------------ expect */

/* include the attributes interface.md names for /sys/kernel/slab/NAME */
static const char *const cache_attrs[] = {
	"objects", "total_objects", "slabs", "partial", "object_size", "slab_size", "objs_per_slab", "order",
	"align", "min_partial", "cpu_partial", "red_zone", "poison", "store_user", "sanity_checks",
	"hwcache_align", "reclaim_account", "cache_dma", "aliases", "objects_partial", "cpu_slabs", "usersize",
	"sheaf_capacity",
};

static const char *const obj_keys[] = { [TX_CACHE] = "cache=", [TX_KSIZE] = "ksize=", [TX_ALIGN_GE] = "align>=",
					 [TX_ADDR] = "addr=", [TX_ALIGN] = "align=", [TX_SLOT] = "slot=" };

static const char *const obj_key_words[] = { [TX_CACHE] = "cache", [TX_KSIZE] = "ksize",
					      [TX_ALIGN_GE] = "align>=", [TX_ADDR] = "addr", [TX_ALIGN] = "align=",
					      [TX_SLOT] = "slot" };

static int obj_key(struct trace_reader *rd, const struct trace_tok *t, struct trace_expect_key *k)
{
	struct trace_tok val;
	size_t n = 0;
	unsigned x;

	for (x = 0; x < TX_ATTR; x++) {
		n = strlen(obj_keys[x]);
		if (!strncmp(t->s, obj_keys[x], n))
			break;
	}
	if (x == TX_ATTR)
		return tok_fail(rd, t, "unknown expect key in '%s' (cache=, ksize=, align>=, align=, slot= or addr=)", t->s);
	k->key = x;
	val = sub_tok(t, t->s + n);
	if (x == TX_CACHE) {
		k->text = val.s;
		return *val.s ? 0 : tok_fail(rd, t, "missing cache name after '%s'", "cache=");
	}
	if (x == TX_ALIGN_GE || x == TX_ALIGN)
		return get_pow2(rd, &val, obj_key_words[x], false, &k->num);
	return get_num(rd, &val, obj_key_words[x], x == TX_KSIZE, &k->num);
}

static int cache_key(struct trace_reader *rd, const struct trace_tok *t, struct trace_expect_key *k)
{
	char *eq = strchr(t->s, '=');
	struct trace_tok val;
	size_t i;

	for (i = 0; eq && i < ARRAY_SIZE(cache_attrs); i++)
		if (strlen(cache_attrs[i]) == (size_t)(eq - t->s) && !memcmp(cache_attrs[i], t->s, (size_t)(eq - t->s)))
			break;
	if (!eq || i == ARRAY_SIZE(cache_attrs))
		return tok_fail(rd, t, "unknown cache attribute in '%s' (objects=, total_objects=, slabs=, partial=, ...)",
				t->s);
	k->key = TX_ATTR;
	k->text = cache_attrs[i];
	val = sub_tok(t, eq + 1);
	return get_num(rd, &val, cache_attrs[i], true, &k->num);
}

/* KEY=VALUE words from tok[i] on, each key at most once. */
static int expect_keys(struct trace_reader *rd, unsigned i, struct trace_event *ev, bool cache)
{
	if (i == rd->ntok)
		return tok_fail(rd, &rd->tok[i - 1], "expect: missing KEY=VALUE after '%s'", rd->tok[i - 1].s);
	for (; i < rd->ntok; i++) {
		const struct trace_tok *t = &rd->tok[i];
		struct trace_expect_key *k = &ev->keys[ev->nr_keys];

		if (ev->nr_keys == ARRAY_SIZE(ev->keys))
			return tok_fail(rd, t, "too many expect keys at '%s'", t->s);
		if (t->quoted)
			return tok_fail(rd, t, "unexpected string \"%s\"", t->s);
		memset(k, 0, sizeof(*k));
		k->col = t->col;
		if (cache ? cache_key(rd, t, k) : obj_key(rd, t, k))
			return -1;
		for (unsigned j = 0; j < ev->nr_keys; j++)
			if (ev->keys[j].key == k->key && (k->key != TX_ATTR || ev->keys[j].text == k->text))
				return tok_fail(rd, t, "expect key in '%s' given twice", t->s);
		ev->nr_keys++;
	}
	return 1;
}

static int no_more(struct trace_reader *rd, unsigned i)
{
	return i < rd->ntok ? tok_fail(rd, &rd->tok[i], "unexpected '%s'", rd->tok[i].s) : 1;
}

static int expect_text(struct trace_reader *rd, unsigned i, struct trace_event *ev)
{
	if (i == rd->ntok)
		return tok_fail(rd, &rd->tok[i - 1], "expect fault: missing the message text");
	ev->text = rd->tok[i].s;
	ev->text_col = rd->tok[i].col;
	return no_more(rd, i + 1);
}

/* expect OBJ bytes OFFSET LENGTH BYTE; tok[i] is OFFSET */
static int expect_bytes(struct trace_reader *rd, unsigned i, struct trace_event *ev)
{
	static const char args[] = "flb";

	ev->kind = TEV_EXPECT_BYTES;
	for (const char *a = args; *a; a++, i++) {
		if (i == rd->ntok)
			return tok_fail(rd, &rd->tok[i - 1], "expect bytes: missing %s",
					*a == 'b' ? "byte value" : operand_word(*a));
		if (*a == 'b' ? write_byte(rd, &rd->tok[i], ev) : operand(rd, *a, &rd->tok[i], ev))
			return -1;
	}
	if (!ev->len)
		return tok_fail(rd, &rd->tok[i - 2], "expect bytes: the length must not be 0%s", "");
	return no_more(rd, i);
}

/* tok[i] is the word after "expect". */
static int expect_op(struct trace_reader *rd, unsigned i, struct trace_event *ev)
{
	const struct trace_tok *t = &rd->tok[i];

	if (i == rd->ntok)
		return tok_fail(rd, &rd->tok[i - 1], "expect: missing what to check");
	if (tok_is(t, "fault")) {
		ev->kind = TEV_EXPECT_FAULT;
		return expect_text(rd, i + 1, ev);
	}
	if (tok_is(t, "nofault")) {
		ev->kind = TEV_EXPECT_NOFAULT;
		return no_more(rd, i + 1);
	}
	if (!t->quoted && !strncmp(t->s, "errors=", 7)) {
		struct trace_tok v = sub_tok(t, t->s + 7);

		ev->kind = TEV_EXPECT_ERRORS;
		if (get_num(rd, &v, "errors", false, &ev->errors))
			return -1;
		return no_more(rd, i + 1);
	}
	if (tok_is(t, "cache")) {
		ev->kind = TEV_EXPECT_CACHE;
		if (i + 1 == rd->ntok)
			return tok_fail(rd, t, "expect cache: missing the cache name%s", "");
		ev->text = rd->tok[i + 1].s;
		ev->text_col = rd->tok[i + 1].col;
		return expect_keys(rd, i + 2, ev, true);
	}
	if (get_name(rd, t, &ev->obj, false))
		return -1;
	if (i + 1 < rd->ntok && (tok_is(&rd->tok[i + 1], "==") || tok_is(&rd->tok[i + 1], "!="))) {
		ev->kind = rd->tok[i + 1].s[0] == '=' ? TEV_EXPECT_SAME : TEV_EXPECT_DIFFERENT;
		if (i + 2 == rd->ntok)
			return tok_fail(rd, &rd->tok[i + 1], "expect: missing the name after '%s'", rd->tok[i + 1].s);
		if (get_name(rd, &rd->tok[i + 2], &ev->other, false))
			return -1;
		return no_more(rd, i + 3);
	}
	if (i + 1 < rd->ntok && tok_is(&rd->tok[i + 1], "bytes") && !rd->tok[i + 1].quoted)
		return expect_bytes(rd, i + 2, ev);
	ev->kind = TEV_EXPECT_OBJ;
	return expect_keys(rd, i + 1, ev, false);
}

/* ------------------------------------------------------------------ config, cpu */

const char *trace_config_key_name(enum config_opt key)
{
	return (unsigned)key < NR_CONFIG_OPT ? config_opts[key].name : "?";
}

int trace_native_pending(struct trace_reader *rd, struct trace_event *ev)
{
	struct trace_tok *t = &rd->tok[rd->next_tok++];
	char *eq = strchr(t->s, '=');
	int k;

	memset(ev, 0, sizeof(*ev));
	ev->kind = TEV_CONFIG;
	ev->op = "config";
	ev->line = rd->line;
	ev->col = t->col;
	ev->cpu = rd->cpu;
	if (!eq || eq == t->s)
		return tok_fail(rd, t, "config: expected KEY=VALUE, not '%s'", t->s);
	*eq = '\0';
	k = config_opt_find(t->s, (size_t)(eq - t->s));
	if (k >= 0) {
		ev->cfg_key = (enum config_opt)k;
		ev->text = eq + 1;
		ev->text_col = sub_tok(t, eq + 1).col;
		return 1;
	}
	return tok_fail(rd, t, "unknown config key '%s' (kernel, arch, cpus, cmdline, seed, kconfig, page-size, mem)",
			t->s);
}

static int config_op(struct trace_reader *rd, unsigned i)
{
	if (rd->seen_event)
		return tok_fail(rd, &rd->tok[i - 1], "config must come before the first event");
	if (i == rd->ntok)
		return tok_fail(rd, &rd->tok[i - 1], "config: expected KEY=VALUE");
	rd->next_tok = i;	/* trace_next() hands them out one by one */
	return 0;
}

/* @s: the number in word @t ("1" or the "1" of "@1") */
static int get_cpu(struct trace_reader *rd, const struct trace_tok *t, char *s, unsigned *cpu)
{
	struct trace_tok num = sub_tok(t, s);
	uint64_t v;

	if (get_num(rd, &num, "CPU", false, &v))
		return -1;
	if (v > TRACE_MAX_CPU)
		return tok_fail(rd, &num, "CPU %s is out of range (0..%d)", s, TRACE_MAX_CPU);
	*cpu = (unsigned)v;
	return 0;
}

static int cpu_op(struct trace_reader *rd, unsigned i, struct trace_event *ev)
{
	if (i == rd->ntok)
		return tok_fail(rd, &rd->tok[i - 1], "cpu: missing the CPU number");
	if (get_cpu(rd, &rd->tok[i], rd->tok[i].s, &ev->cpu))
		return -1;
	rd->cpu = ev->cpu;
	return no_more(rd, i + 1);
}

/* ------------------------------------------------------------------ lines */

static const struct tn_op *find_op(const struct trace_tok *t)
{
	for (size_t k = 0; k < ARRAY_SIZE(tn_ops); k++)
		if (tok_is(t, tn_ops[k].name))
			return &tn_ops[k];
	return NULL;
}

static bool is_keyword(const struct trace_tok *t)
{
	return tok_is(t, "expect") || tok_is(t, "cpu") || tok_is(t, "config");
}

/* The operation at tok[i]; @ev has the optional "@N" and "NAME =" parts. */
static int operation(struct trace_reader *rd, unsigned i, struct trace_event *ev)
{
	const struct trace_tok *t = &rd->tok[i];
	const struct tn_op *op = find_op(t);
	unsigned opts = op ? op->opts : TN_NOCPU;

	if (!op && !is_keyword(t)) {
		if (tok_is(t, "="))
			return tok_fail(rd, t, "unexpected '='");
		if (strchr(t->s, '=') && !t->quoted)
			return tok_fail(rd, t, "unknown operation '%s' (put blanks around '=')", t->s);
		return tok_fail(rd, t, "unknown operation '%s'", t->s);
	}
	ev->op = op ? op->name : t->s;
	ev->col = t->col;
	if (ev->result.col && !(opts & TN_RESULT))
		return tok_fail(rd, t, "%s does not return an object to bind to '%s'", t->s, ev->result.s);
	if (ev->cpu_given && (opts & TN_NOCPU))
		return tok_fail(rd, t, "'@CPU' does not apply to %s", t->s);
	if (op) {
		ev->kind = op->kind;
		return generic_op(rd, op, i + 1, ev);
	}
	if (tok_is(t, "expect"))
		return expect_op(rd, i + 1, ev);
	if (tok_is(t, "cpu")) {
		ev->kind = TEV_CPU;
		return cpu_op(rd, i + 1, ev);
	}
	return config_op(rd, i + 1);
}

/* Where the operation word is: after "@N" and "NAME =". */
static unsigned op_index(const struct trace_reader *rd)
{
	unsigned i = rd->ntok && rd->tok[0].s[0] == '@' && !rd->tok[0].quoted;

	return i + 1 < rd->ntok && tok_is(&rd->tok[i + 1], "=") ? i + 2 : i;
}

static int parse_tokens(struct trace_reader *rd, struct trace_event *ev)
{
	unsigned i = op_index(rd);

	if (rd->tok[0].s[0] == '@' && !rd->tok[0].quoted) {
		if (get_cpu(rd, &rd->tok[0], rd->tok[0].s + 1, &ev->cpu))
			return -1;
		ev->cpu_given = true;
	}
	if (i >= 2 && get_name(rd, &rd->tok[i - 2], &ev->result, false))
		return -1;
	if (i == rd->ntok)
		return tok_fail(rd, &rd->tok[i - 1], "missing operation after '%s'", rd->tok[i - 1].s);
	return operation(rd, i, ev);
}

/* ------------------------------------------------------------------ the common lines */

/* is_name()'s syntax by table: bit 1 may start a name, bit 2 may continue one */
#define NC_START 1
#define NC_REST 2
#define NC_LETTERS(c) [c] = NC_START | NC_REST, [c + 32] = NC_START | NC_REST
static const unsigned char name_class[256] = {
	NC_LETTERS('A'), NC_LETTERS('B'), NC_LETTERS('C'), NC_LETTERS('D'), NC_LETTERS('E'), NC_LETTERS('F'),
	NC_LETTERS('G'), NC_LETTERS('H'), NC_LETTERS('I'), NC_LETTERS('J'), NC_LETTERS('K'), NC_LETTERS('L'),
	NC_LETTERS('M'), NC_LETTERS('N'), NC_LETTERS('O'), NC_LETTERS('P'), NC_LETTERS('Q'), NC_LETTERS('R'),
	NC_LETTERS('S'), NC_LETTERS('T'), NC_LETTERS('U'), NC_LETTERS('V'), NC_LETTERS('W'), NC_LETTERS('X'),
	NC_LETTERS('Y'), NC_LETTERS('Z'), ['_'] = NC_START | NC_REST,
	['0'] = NC_REST, ['1'] = NC_REST, ['2'] = NC_REST, ['3'] = NC_REST, ['4'] = NC_REST,
	['5'] = NC_REST, ['6'] = NC_REST, ['7'] = NC_REST, ['8'] = NC_REST, ['9'] = NC_REST,
};

/* The end of the name at @p (is_name()'s syntax), or NULL if none starts there. */
static inline char *quick_name(char *p)
{
	if (!(name_class[(unsigned char)*p] & NC_START))
		return NULL;
	for (p++; name_class[(unsigned char)*p] & NC_REST; p++)
		;
	return p;
}

/* Past the blanks at @p, if @p is at one; NULL if a word follows without one. */
static char *quick_gap(char *p)
{
	if (*p != ' ' && *p)
		return NULL;
	while (*p == ' ')
		p++;
	return p;
}

/*
 * The tn_ops[] entry quick_line() takes the @len bytes at @op for: one of
 * kmalloc, kzalloc, kfree, whose operand is one size or one name and which
 * take no option but a GFP mask (the full parser's then).
 */
static inline __attribute__((always_inline)) bool quick_is(const char *op, size_t len, unsigned k)
{
	/* k is a constant: the length folds and memcmp() becomes a load or two */
	size_t n = strlen(tn_ops[k].name);

	return len == n && !memcmp(op, tn_ops[k].name, n);
}

static inline const struct tn_op *quick_op(const char *op, size_t len)
{
	if (quick_is(op, len, TN_KMALLOC))
		return &tn_ops[TN_KMALLOC];
	if (quick_is(op, len, TN_KZALLOC))
		return &tn_ops[TN_KZALLOC];
	if (quick_is(op, len, TN_KFREE))
		return &tn_ops[TN_KFREE];
	return NULL;
}

/*
 * The lines a long trace is made of, "[@N] [NAME =] kmalloc|kzalloc SIZE" and
 * "[@N] kfree NAME", in one pass without tokens: 1 with @ev filled as
 * parse_tokens() would, 0 for anything else (a tab, a comment, a quote, an
 * option, a suffix, NULL, anything wrong), which tokenize() then parses, or
 * reports, in full. Nothing is written to the line before it is accepted.
 */
static int quick_line(struct trace_reader *rd, struct trace_event *ev)
{
	char *line = rd->cur, *p = line, *res = NULL, *res_end = NULL, *op, *op_end, *arg, *arg_end;
	const struct tn_op *o = NULL;
	unsigned cpu = 0;
	uint64_t size = 0;

	if (*p == '@') {
		char *d = ++p;

		for (; *p >= '0' && *p <= '9' && p - d < 5; p++)
			cpu = cpu * 10 + (unsigned)(*p - '0');
		if (p == d || cpu > TRACE_MAX_CPU || !(p = quick_gap(p)))
			return 0;
	}
	op = p;
	if (!(op_end = quick_name(op)) || !(p = quick_gap(op_end)))
		return 0;
	if (p[0] == '=' && p[1] == ' ') {
		res = op;
		res_end = op_end;
		if (!(op = quick_gap(p + 1)) || !(op_end = quick_name(op)) || !(p = quick_gap(op_end)))
			return 0;
	}
	if (!(o = quick_op(op, (size_t)(op_end - op))) || (res && !(o->opts & TN_RESULT)))
		return 0;
	arg = p;
	if (o->args[0] == 's') {
		for (arg_end = arg; *arg_end >= '0' && *arg_end <= '9' && arg_end - arg < 19; arg_end++)
			size = size * 10 + (uint64_t)(*arg_end - '0');
		if (arg_end == arg)
			return 0;
	} else if (!(arg_end = quick_name(arg))) {
		return 0;
	}
	if (!(p = quick_gap(arg_end)) || *p)
		return 0;
	if ((res && res_end - res == 4 && !memcmp(res, "NULL", 4)) ||
	    (o->args[0] == 'O' && arg_end - arg == 4 && !memcmp(arg, "NULL", 4)))
		return 0;	/* reserved: the full parser says what it means here */

	/* accepted: only printable ASCII was read, so columns are offsets */
	rd->cur_ascii = true;
	rd->cur_quick = true;
	rd->ntok = rd->next_tok = 0;
	rd->seen_event = true;
	if (line[0] == '@') {
		ev->cpu = cpu;
		ev->cpu_given = true;
	}
	ev->kind = o->kind;
	ev->op = o->name;
	ev->col = (uint32_t)(op - line) + 1;
	if (res) {
		*res_end = '\0';
		ev->result.s = res;
		ev->result.len = (uint32_t)(res_end - res);
		ev->result.col = (uint32_t)(res - line) + 1;
	}
	if (o->args[0] == 'O') {
		*arg_end = '\0';
		ev->obj.s = arg;
		ev->obj.len = (uint32_t)(arg_end - arg);
		ev->obj.col = (uint32_t)(arg - line) + 1;
	} else {
		ev->size = size;
		ev->gfp = GFP_KERNEL | (o->opts & TN_ZERO ? __GFP_ZERO : 0);	/* as generic_op() */
	}
	return 1;
}

/* All but keys[] (large, and only expect lines use it, clearing each key they fill). */
static inline void clear_event(struct trace_event *ev)
{
	zero_small(ev, offsetof(struct trace_event, keys));
}

int trace_native_line(struct trace_reader *rd, struct trace_event *ev)
{
	unsigned i;
	int r;

	/* keys[] is large and only expect lines fill it, clearing each key they use */
	clear_event(ev);
	ev->nr_keys = 0;
	ev->line = rd->line;
	ev->cpu = rd->cpu;
	if (!rd->full_parse && quick_line(rd, ev))
		return 1;
	if (tokenize(rd)) {
		rd->ntok = rd->next_tok = 0;
		return -1;
	}
	if (!rd->ntok) {
		rd->stats.ignored++;
		return 0;
	}
	r = parse_tokens(rd, ev);
	/* even a wrong line was meant as an event: a config after it is out of place */
	i = op_index(rd);
	if (i == rd->ntok || !tok_is(&rd->tok[i], "config"))
		rd->seen_event = true;
	return r;
}

/* ------------------------------------------------------------------ config apply */

int trace_config_apply(const struct trace_event *ev, struct sim_config *cfg, struct sim_err *err)
{
	if (ev->kind != TEV_CONFIG || (unsigned)ev->cfg_key >= NR_CONFIG_OPT)
		return sim_err_set(err, SIM_EINVAL, "not a config event", NULL, NULL);
	return config_opts[ev->cfg_key].set(cfg, ev->text, err);
}
