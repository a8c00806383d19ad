/* The TUI's view model: panes as lines of attributed characters (view.h). */
#include "view.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/explain.h"
#include "sim/array.h"
#include "sim/kver.h"
#include "sim/rust.h"
#include "sim/usage.h"
#include "sim/util.h"

/* ------------------------------------------------------------------ line building */

static struct view_line *vl_new(struct view_lines *ls)
{
	struct view_line *l;

	if (ARRAY_GROW(ls->v, ls->cap, ls->n + 1))
		return NULL;
	l = &ls->v[ls->n++];
	l->len = 0;
	l->cache = -1;
	l->slot0 = 0;
	l->col0 = l->nslots = l->slot_size = 0;
	return l;
}

void view_lines_free(struct view_lines *ls)
{
	free(ls->v);
	memset(ls, 0, sizeof(*ls));
}

static void vl_putc(struct view_line *l, enum view_attr a, uint32_t cp)
{
	if (!l || l->len >= VIEW_COLS)
		return;
	l->ch[l->len] = cp;
	l->attr[l->len++] = (uint8_t)a;
}

/* UTF-8 in, code points out; a stray byte stands for itself */
static void vl_puts(struct view_line *l, enum view_attr a, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t cp = *p++;
		int more = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;

		if (more)
			cp &= 0x3fu >> more;
		for (; more && (*p & 0xc0) == 0x80; more--)
			cp = cp << 6 | (*p++ & 0x3fu);
		vl_putc(l, a, cp < 0x20 ? ' ' : cp);
	}
}

static void __attribute__((format(printf, 3, 0))) vl_vprintf(struct view_line *l, enum view_attr a, const char *fmt,
								va_list ap)
{
	char buf[VIEW_COLS * 4];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	vl_puts(l, a, buf);
}

static void __attribute__((format(printf, 3, 4))) vl_printf(struct view_line *l, enum view_attr a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vl_vprintf(l, a, fmt, ap);
	va_end(ap);
}

void view_line_puts(struct view_line *l, enum view_attr a, const char *s)
{
	vl_puts(l, a, s);
}

/* Fill to @width with blanks of @a (a selected row is reverse all across). */
static void vl_pad(struct view_line *l, enum view_attr a, unsigned width)
{
	while (l && l->len < width && l->len < VIEW_COLS)
		vl_putc(l, a, ' ');
}

static void vl_cut(struct view_line *l, unsigned width)
{
	if (l && l->len > width)
		l->len = width;
}

/* Cut to @width with an ellipsis where text was left out. */
static void vl_ellipsis(struct view_line *l, unsigned width)
{
	if (!l || l->len <= width || !width)
		return;
	l->len = width;
	l->ch[width - 1] = 0x2026;
}

static struct view_line *vl_text(struct view_lines *out, enum view_attr a, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static struct view_line *vl_text(struct view_lines *out, enum view_attr a, const char *fmt, ...)
{
	struct view_line *l = vl_new(out);
	va_list ap;

	va_start(ap, fmt);
	vl_vprintf(l, a, fmt, ap);
	va_end(ap);
	return l;
}

char *view_line_utf8(const struct view_line *l, char *buf, size_t len)
{
	size_t o = 0;
	unsigned n = l->len;

	while (n && l->ch[n - 1] == ' ')
		n--;
	for (unsigned i = 0; i < n && o + 5 < len; i++) {
		uint32_t c = l->ch[i];

		if (c < 0x80) {
			buf[o++] = (char)c;
		} else if (c < 0x800) {
			buf[o++] = (char)(0xc0 | c >> 6);
			buf[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			buf[o++] = (char)(0xe0 | c >> 12);
			buf[o++] = (char)(0x80 | (c >> 6 & 0x3f));
			buf[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	if (len)
		buf[o < len ? o : len - 1] = '\0';
	return buf;
}

/* ------------------------------------------------------------------ words */

static const char *const path_words[NR_PATHS] = {
	[PATH_NONE] = "",
	[PATH_FASTPATH] = "fast path",
	[PATH_REFILL] = "refilled from the cpu slab's freelist",
	[PATH_CPU_PARTIAL] = "slab taken from the cpu partial list",
	[PATH_NODE_PARTIAL] = "slab taken from the node partial list",
	[PATH_NEW_SLAB] = "new slab",
	[PATH_NEW_SLAB_FALLBACK] = "new slab at the fallback order",
	[PATH_DEBUG_PARTIAL] = "debug path, partial slab",
	[PATH_DEBUG_NEW_SLAB] = "debug path, new slab",
	[PATH_LARGE] = "pages from the buddy allocator",
	[PATH_ZERO] = "ZERO_SIZE_PTR",
	[PATH_FAILED] = "failed: NULL",
	[PATH_FREE_FAST] = "freed onto the cpu freelist",
	[PATH_FREE_FROZEN] = "freed onto a frozen slab",
	[PATH_FREE_CPU_PARTIAL] = "freed; the slab joins the cpu partial list",
	[PATH_FREE_PARTIAL] = "freed onto its slab",
	[PATH_FREE_ADD_PARTIAL] = "freed; the slab goes back on the node partial list",
	[PATH_FREE_DISCARD] = "freed; the empty slab is discarded",
	[PATH_FREE_DEBUG] = "freed on the debug path",
	[PATH_FREE_LARGE] = "pages freed",
	[PATH_FREE_NOOP] = "nothing to free",
	[PATH_FREE_RCU] = "queued by kfree_rcu(), freed at the next RCU barrier",
	[PATH_FREE_REJECTED] = "not freed: SLUB reported it",
	[PATH_REALLOC_IN_PLACE] = "kept in place",
	[PATH_REALLOC_MOVED] = "moved",
	[PATH_SHEAF] = "taken from the CPU's percpu sheaf",
	[PATH_SHEAF_REFILL] = "taken from a percpu sheaf just refilled from the slabs",
	[PATH_FREE_SHEAF] = "put on the CPU's percpu sheaf (still allocated for its slab)",
};

/* 6.18+: where a freed object waits in the sheaves (the first three belong to a CPU) */
static const char *const sheaf_words[] = {
	[SHEAF_IN_NONE] = "",
	[SHEAF_IN_MAIN] = "main sheaf: allocated for its slab; this CPU's next allocation takes it",
	[SHEAF_IN_SPARE] = "spare sheaf: allocated for its slab until the sheaf is used or flushed",
	[SHEAF_IN_RCU_FREE] = "rcu_free sheaf: kfree_rcu() gathered it, freed after a grace period",
	[SHEAF_IN_BARN] = "in a full sheaf of the barn: allocated for its slab; a CPU with empty sheaves takes it",
	[SHEAF_IN_RCU_PENDING] = "in a kfree_rcu() sheaf waiting for its grace period",
};

static const char *state_words(const struct slab *slab, char *buf, size_t len)
{
	switch (slab->state) {
	case SLAB_CPU: snprintf(buf, len, "cpu slab of CPU %u", slab->cpu); break;
	case SLAB_CPU_PARTIAL: snprintf(buf, len, "cpu partial, CPU %u", slab->cpu); break;
	case SLAB_NODE_PARTIAL: snprintf(buf, len, "node partial"); break;
	case SLAB_DEBUG_FULL: snprintf(buf, len, "full (n->full)"); break;
	default: snprintf(buf, len, "full"); break;
	}
	return buf;
}

static const struct sim *vsim(const struct view *v)
{
	return player_replay(v->pl)->sim;
}

static const char *dest_name(const struct view *v, const struct sim_op *op, char *buf, size_t len)
{
	const struct kmem_cache *s = player_step_cache(v->pl);

	if (s)
		snprintf(buf, len, "%s", s->name);
	else if (op->path == PATH_LARGE || op->path == PATH_FREE_LARGE)
		snprintf(buf, len, "page-order-%u", op->order);
	else if (op->path == PATH_ZERO)
		snprintf(buf, len, "ZERO_SIZE_PTR");
	else if (op->path == PATH_FAILED)
		snprintf(buf, len, "NULL");
	else
		snprintf(buf, len, "-");
	return buf;
}

void view_event_text(const struct view *v, char *buf, size_t len)
{
	const struct player_step *s = player_last(v->pl);

	if (!s)
		snprintf(buf, len, "event 0: the kernel has booted; \u2192 steps to event 1");
	else
		snprintf(buf, len, "event %llu, line %u: %s", (unsigned long long)player_pos(v->pl), s->line, s->text);
}

void view_outcome(const struct view *v, char *buf, size_t len)
{
	const struct player_step *s = player_last(v->pl);
	char dest[80];
	size_t o;

	if (!s) {
		snprintf(buf, len, "%llu events in the trace", (unsigned long long)v->pl->total);
		return;
	}
	if (!s->has_op) {
		snprintf(buf, len, "\u2192 %s", s->message[0] ? s->message : "the model is unchanged");
		return;
	}
	/* what a reader checks first: where it went, which slot, aligned or not */
	o = (size_t)snprintf(buf, len, "\u2192 %s", dest_name(v, &s->op, dest, sizeof(dest)));
	if (o < len && s->op.slot >= 0)
		o += (size_t)snprintf(buf + o, len - o, " slot %d", s->op.slot);
	if (o < len && s->op.addr > ZERO_SIZE_PTR && s->align)
		o += (size_t)snprintf(buf + o, len - o, ", %s for align=%llu (%llu-aligned)",
				      s->op.addr & (s->align - 1) ? "MISALIGNED" : "aligned", (unsigned long long)s->align,
				      (unsigned long long)lowest_bit(s->op.addr));
	else if (o < len && s->op.addr > ZERO_SIZE_PTR && s->op.slot >= 0)
		o += (size_t)snprintf(buf + o, len - o, ", %llu-aligned", (unsigned long long)lowest_bit(s->op.addr));
	if (o < len && s->op.nr_faults)
		o += (size_t)snprintf(buf + o, len - o, ", SLUB: %s", sim_fault_name(s->op.fault));
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, "%s%s, cpu %u", *path_words[s->op.path] ? "; " : "",
				      path_words[s->op.path], s->op.cpu);
	/* a new slab is the path's own word unless the operation took more */
	if (o < len && s->op.new_slabs > (s->op.path == PATH_NEW_SLAB || s->op.path == PATH_DEBUG_NEW_SLAB ||
					  s->op.path == PATH_NEW_SLAB_FALLBACK))
		o += (size_t)snprintf(buf + o, len - o, ", %u new slab%s", s->op.new_slabs, s->op.new_slabs > 1 ? "s" : "");
	if (o < len && s->message[0])
		snprintf(buf + o, len - o, " \u2014 %s", s->message);
}

void view_checks(const struct view *v, char *buf, size_t len)
{
	const struct player_step *s = player_notes(v->pl);
	size_t o = 0;

	buf[0] = '\0';
	if (s->expect_fail)
		o = (size_t)snprintf(buf, len, "\u2717 expectations after it: %u FAILED, %u passed", s->expect_fail,
				     s->expect_pass);
	else if (s->expect_pass)
		o = (size_t)snprintf(buf, len, "\u2713 expectations after it: %u passed", s->expect_pass);
	for (unsigned i = 0; i < s->nr_notes && o < len; i++) {
		if (s->notes[i].kind == PN_PASS)
			continue;
		/* the first failure or error in words: the Report pane lists them all */
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? " \u2014 " : "\u2717 ", s->notes[i].text);
		break;
	}
	if (!o && s->more_notes)
		snprintf(buf, len, "%u more lines after it", s->more_notes);
}

/* ------------------------------------------------------------------ header */

/* The header's lines after the title: the label, the event, its verdict, the checks after it. */
static void header_event(const struct view *v, unsigned width, struct view_lines *out)
{
	const struct replay *rp = player_replay(v->pl);
	const struct player_step *s = player_last(v->pl);
	uint64_t n = player_pos(v->pl);
	char buf[VIEW_COLS * 4];
	struct view_line *l;
	const char *label = replay_label_at(rp, n ? n : 1);

	l = vl_text(out, VA_NORMAL, "label: %s", *label ? label : "-");
	vl_cut(l, width);
	view_event_text(v, buf, sizeof(buf));
	l = vl_text(out, VA_NORMAL, "%s", buf);
	vl_ellipsis(l, width);
	view_outcome(v, buf, sizeof(buf));
	l = vl_text(out, s && ((s->has_op && s->op.nr_faults) || strstr(buf, "MISALIGNED")) ? VA_BAD : VA_CURRENT, "%s",
		    buf);
	vl_ellipsis(l, width);
	view_checks(v, buf, sizeof(buf));
	if (buf[0]) {
		l = vl_text(out, player_notes(v->pl)->failed_expect || strstr(buf, "\u2717") ? VA_BAD : VA_GOOD, "%s", buf);
		vl_ellipsis(l, width);
	}
}

void view_header(const struct view *v, unsigned width, struct view_lines *out)
{
	const struct replay *rp = player_replay(v->pl);
	const struct sim *sim = rp->sim;
	struct view_line *l = vl_new(out);
	char dbg[16] = "off";

	if (sim && sim->env.slub_debug) {
		static const struct { slab_flags_t f; char c; } letters[] = {
			{ SLAB_CONSISTENCY_CHECKS, 'F' }, { SLAB_RED_ZONE, 'Z' }, { SLAB_POISON, 'P' }, { SLAB_STORE_USER, 'U' },
			{ SLAB_TRACE, 'T' },
		};
		unsigned n = 0;

		for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
			if (sim->env.slub_debug & letters[i].f)
				dbg[n++] = letters[i].c;
		dbg[n] = '\0';
	}
	vl_printf(l, VA_TITLE, "slubsim %s  event %llu/%llu", v->pl->name, (unsigned long long)player_pos(v->pl),
		  (unsigned long long)v->pl->total);
	if (sim)
		vl_printf(l, VA_TITLE, "  Linux %s %s %u CPUs debug %s", KV_STR(sim->env.kver), sim->cfg.arch->name,
			  sim->env.cpus, dbg);
	vl_pad(l, VA_TITLE, width);
	vl_cut(l, width);
	header_event(v, width, out);
}

/* ------------------------------------------------------------------ cache table */

struct cache_row {
	const struct kmem_cache *s;
	struct cache_stats st;
	uint64_t used;		/* allocated and not freed: the slab map's count */
	uint64_t cache_kb;
	uint64_t key;		/* the sort key's value: bigger first, then by name */
};

static uint64_t use_pct(const struct cache_row *r)
{
	return r->st.total_objects ? r->st.objects * 100 / r->st.total_objects : 0;
}

static uint64_t key_active(const struct cache_row *r) { return r->st.objects; }
static uint64_t key_per_slab(const struct cache_row *r) { return r->s->oo.objects; }
static uint64_t key_cache_kb(const struct cache_row *r) { return r->cache_kb; }
static uint64_t key_slabs(const struct cache_row *r) { return r->st.slabs; }
static uint64_t key_name(const struct cache_row *r) { (void)r; return 0; }
static uint64_t key_objects(const struct cache_row *r) { return r->st.total_objects; }
static uint64_t key_pages(const struct cache_row *r) { return 1ull << r->s->oo.order; }
static uint64_t key_size(const struct cache_row *r) { return r->s->size; }

/* slabtop's sort keys: its letters, and what the table sorts by (bigger first, then by name) */
static const struct sort_key {
	char letter;
	const char *name;
	uint64_t (*key)(const struct cache_row *r);
} sort_keys[] = {
	{ 'a', "active objects", key_active },
	{ 'b', "objects per slab", key_per_slab },
	{ 'c', "cache size", key_cache_kb },
	{ 'l', "slabs", key_slabs },
	{ 'v', "active slabs", key_slabs },	/* SLUB reports active_slabs = num_slabs */
	{ 'n', "name", key_name },
	{ 'o', "objects", key_objects },
	{ 'p', "pages per slab", key_pages },
	{ 's', "object size", key_size },
	{ 'u', "use", use_pct },
};

static const struct sort_key *find_sort(int c)
{
	for (size_t i = 0; i < ARRAY_SIZE(sort_keys); i++)
		if (sort_keys[i].letter == c)
			return &sort_keys[i];
	return NULL;
}

const char *view_sort_name(char c)
{
	const struct sort_key *k = find_sort(c);

	return k ? k->name : "?";
}

int view_set_sort(struct view *v, int c)
{
	if (!find_sort(c))
		return -1;
	v->sort = (char)c;
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	const struct cache_row *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return strcmp(x->s->name, y->s->name);
}

/* The rows of the table as shown: sorted, empty caches hidden on request (not those the trace names). Caller frees. */
static struct cache_row *cache_rows(const struct view *v, unsigned *nr)
{
	const struct sim *sim = vsim(v);
	const struct kmem_cache *s;
	const struct sort_key *sort = find_sort(v->sort);
	struct cache_row *rows;
	struct sim_cache_usage *usage;
	unsigned n = 0;

	*nr = 0;
	if (!sort)
		sort = find_sort('o');
	if (!sim || !(rows = calloc(sim->nr_caches + 1, sizeof(*rows))))
		return NULL;
	if (!(usage = calloc(sim->nr_caches + 1, sizeof(*usage)))) {
		free(rows);
		return NULL;
	}
	sim_cache_usage(sim, usage);
	for (unsigned i = 0; (s = sim_cache_slabinfo_order(sim, i)); i++) {
		struct cache_row *r = &rows[n];

		kmem_cache_stats(sim, s, &r->st);
		r->used = usage[s->index].objects;
		/* the trace's own caches stay: the kernel had them, empty or not, before the trace began */
		if (v->hide_empty && !r->st.total_objects && (int)s->index != v->sel_cache &&
		    !learn_knows(&v->pl->learn, s->name) && strncmp(s->name, "traced-", 7))
			continue;
		r->s = s;
		r->cache_kb = r->st.slabs * ((uint64_t)sim->env.ac.page_size << s->oo.order) / 1024;
		r->key = sort->key(r);
		n++;
	}
	free(usage);
	qsort(rows, n, sizeof(*rows), row_cmp);
	*nr = n;
	return rows;
}

/*
 * The objects in use after each of the cache's last operations, from the
 * fewest (the lowest block) to the most of them: a change shows whatever
 * the cache's size, a flat line says none.
 */
static void sparkline(const struct view *v, struct view_line *l, unsigned index, unsigned cells, enum view_attr a)
{
	static const char ascii_levels[] = " .:-=+*#";
	const uint32_t *used;
	unsigned n = player_history(v->pl, index, &used), skip = n > cells ? n - cells : 0;
	uint32_t lo = UINT32_MAX, hi = 0;

	for (unsigned i = skip; i < n; i++) {
		lo = used[i] < lo ? used[i] : lo;
		hi = used[i] > hi ? used[i] : hi;
	}
	for (unsigned i = n - skip; i < cells; i++)
		vl_putc(l, a, ' ');
	for (unsigned i = skip; i < n; i++) {
		unsigned lvl = hi > lo ? (unsigned)((uint64_t)(used[i] - lo) * 7 / (hi - lo)) : used[i] ? 3 : 0;

		vl_putc(l, a, v->ascii ? (uint32_t)ascii_levels[lvl] : 0x2581 + lvl);
	}
}

static void size_k(char *buf, size_t len, uint64_t bytes)
{
	snprintf(buf, len, "%.2fK", (double)bytes / 1024);
}

#define VIEW_NAME_MAX 32

/* "↑3 ↓12" at the right end of the heading: rows of the table off screen. */
static void scroll_marker(struct view_line *l, unsigned width, unsigned above, unsigned below)
{
	char buf[48];
	struct view_line m = { .len = 0 };

	if (!above && !below)
		return;
	snprintf(buf, sizeof(buf), " %s%.0u%s%s%.0u more ", above ? "\u2191" : "", above, above && below ? " " : "",
		 below ? "\u2193" : "", below);
	vl_puts(&m, VA_HEAD, buf);
	if (m.len >= width)
		return;
	vl_pad(l, VA_HEAD, width);
	l->len = width - m.len;
	for (unsigned i = 0; i < m.len; i++)
		vl_putc(l, VA_HEAD, m.ch[i]);
}

void view_caches(struct view *v, unsigned width, unsigned height, struct view_lines *out)
{
	/* OBJ/SLAB (the slab map says it too) only where the names keep their room */
	bool per_slab = width >= 100;
	unsigned nr, sel = 0, hist = width >= 80 ? 8 : 0, fixed = 53 + (per_slab ? 9 : 0) + hist;
	unsigned name_w = width > fixed + 8 ? width - fixed : 8, shown;

	if (name_w > VIEW_NAME_MAX)
		name_w = VIEW_NAME_MAX;	/* the history next to its name, not at the far right */
	struct cache_row *rows = cache_rows(v, &nr);
	const struct kmem_cache *cur = player_step_cache(v->pl);
	unsigned head_i = out->n;
	struct view_line *head = vl_new(out), *l;

	vl_printf(head, VA_HEAD, "%6s %6s %6s %4s %8s %6s ", "OBJS", "USED", "ACTIVE", "USE", "OBJ SIZE", "SLABS");
	if (per_slab)
		vl_printf(head, VA_HEAD, "%8s ", "OBJ/SLAB");
	vl_printf(head, VA_HEAD, "%10s %-*s", "CACHE SIZE", (int)name_w, "NAME");
	if (hist)
		vl_printf(head, VA_HEAD, "%-*s", (int)hist, "HISTORY");
	vl_pad(head, VA_HEAD, width);
	vl_cut(head, width);
	for (unsigned i = 0; i < nr; i++)
		if ((int)rows[i].s->index == v->sel_cache)
			sel = i;
	/* the selection in view, and no blank rows below the last while rows above are hidden */
	shown = height > 1 ? height - 1 : 0;
	if (shown) {
		if (sel < v->cache_top)
			v->cache_top = sel;
		if (sel >= v->cache_top + shown)
			v->cache_top = sel - (shown - 1);
		if (v->cache_top + shown > nr)
			v->cache_top = nr > shown ? nr - shown : 0;
	}
	for (unsigned i = v->cache_top; i < nr && out->n < height; i++) {
		const struct cache_row *r = &rows[i];
		bool is_sel = (int)r->s->index == v->sel_cache, is_cur = r->s == cur;
		enum view_attr a = is_sel ? VA_SELECTED : is_cur ? VA_CURRENT : VA_NORMAL;
		char osz[16];

		l = vl_new(out);
		l->cache = (int)r->s->index;
		size_k(osz, sizeof(osz), r->s->size);
		vl_printf(l, a, "%6llu %6llu %6llu %3llu%% %8s %6llu ", (unsigned long long)r->st.total_objects,
			  (unsigned long long)r->used, (unsigned long long)r->st.objects, (unsigned long long)use_pct(r), osz,
			  (unsigned long long)r->st.slabs);
		if (per_slab)
			vl_printf(l, a, "%8u ", r->s->oo.objects);
		vl_printf(l, a, "%9lluK %-*.*s", (unsigned long long)r->cache_kb, (int)name_w, (int)name_w, r->s->name);
		if (hist) {
			vl_putc(l, a, ' ');
			sparkline(v, l, r->s->index, hist - 1, a);
		}
		vl_pad(l, a, width);
		vl_cut(l, width);
	}
	if (shown && head_i < out->n)
		scroll_marker(&out->v[head_i], width, v->cache_top, nr - v->cache_top > shown ? nr - v->cache_top - shown : 0);
	free(rows);
}

unsigned view_cache_rows(const struct view *v)
{
	unsigned nr;

	free(cache_rows(v, &nr));
	return nr;
}

void view_move_selection(struct view *v, int delta)
{
	unsigned nr, cur = 0;
	struct cache_row *rows = cache_rows(v, &nr);
	long to;

	if (!rows || !nr) {
		free(rows);
		return;
	}
	for (unsigned i = 0; i < nr; i++)
		if ((int)rows[i].s->index == v->sel_cache)
			cur = i;
	to = (long)cur + delta;
	to = to < 0 ? 0 : to >= (long)nr ? (long)nr - 1 : to;
	v->sel_cache = (int)rows[to].s->index;
	free(rows);
}

/* ------------------------------------------------------------------ slab map */

static const struct kmem_cache *sel_cache(const struct view *v)
{
	const struct sim *sim = vsim(v);

	if (!sim || v->sel_cache < 0 || (unsigned)v->sel_cache >= sim->nr_caches)
		return NULL;
	return sim->caches[v->sel_cache];
}

static unsigned state_rank(const struct slab *slab)
{
	switch (slab->state) {
	case SLAB_CPU: return slab->cpu;
	case SLAB_CPU_PARTIAL: return SIM_MAX_CPUS + slab->cpu;
	case SLAB_NODE_PARTIAL: return 2 * SIM_MAX_CPUS;
	default: return 2 * SIM_MAX_CPUS + 1;
	}
}

struct slab_ref {
	uint64_t key;
	uint32_t i;
};

static int slab_ref_cmp(const void *a, const void *b)
{
	const struct slab_ref *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* The live slabs of @s: cpu slabs, cpu partial, node partial, full; oldest first in each. */
static struct slab_ref *cache_slabs(const struct sim *sim, const struct kmem_cache *s, unsigned *nr)
{
	struct slab_ref *refs = malloc(((size_t)sim->nr_slab_entries + 1) * sizeof(*refs));
	unsigned n = 0;

	*nr = 0;
	if (!refs)
		return NULL;
	for (uint32_t i = 0; i < sim->nr_slab_entries; i++) {
		const struct slab *slab = sim_slab(sim, i);

		if (!slab || !slab->live || slab->cache != s->index)
			continue;
		refs[n].key = (uint64_t)state_rank(slab) << 40 | (slab->serial & ((1ull << 40) - 1));
		refs[n++].i = i;
	}
	qsort(refs, n, sizeof(*refs), slab_ref_cmp);
	*nr = n;
	return refs;
}

/* sim_freelist_walk() marks: 0 is an object no freelist holds */
enum { SLOT_USED, SLOT_FREE, SLOT_CPU_FREE };

static void slab_legend(const struct view *v, struct view_lines *out)
{
	struct view_line *l = vl_new(out);

	vl_puts(l, VA_USED, v->ascii ? "#" : "\u2588");
	vl_puts(l, VA_NORMAL, " used  ");
	vl_puts(l, VA_FREE, v->ascii ? "." : "\u2591");
	vl_puts(l, VA_NORMAL, " free  ");
	vl_puts(l, VA_CPU_FREE, v->ascii ? "c" : "\u2592");
	vl_puts(l, VA_NORMAL, " on the cpu freelist  ");
	vl_puts(l, VA_CHANGED, v->ascii ? "*" : "\u2588");
	vl_puts(l, VA_NORMAL, " this event");
}

/* One region of the slot layout bar: @bytes of @what. */
static void layout_part(struct view_line *l, enum view_attr a, const char *what, unsigned bytes)
{
	if (bytes)
		vl_printf(l, a, "[%s %u]", what, bytes);
}

/* The slot's layout: red zones, object, free pointer, tracks, padding (mm/slub.c's picture). */
static void slot_layout_line(const struct sim *sim, const struct kmem_cache *s, struct view_lines *out)
{
	struct view_line *l = vl_new(out);
	struct slot_layout sl;

	slot_layout(&sim->env, s, &sl);
	vl_puts(l, VA_NORMAL, "slot: ");
	layout_part(l, VA_REDZONE, "red zone", sl.red_left);
	layout_part(l, VA_USED, "object", sl.object);
	layout_part(l, (s->flags & SLAB_RED_ZONE) ? VA_REDZONE : VA_PAD, (s->flags & SLAB_RED_ZONE) ? "red zone" : "align",
		    sl.after_object);
	layout_part(l, VA_FREEPTR, "free ptr", sl.freeptr);
	layout_part(l, VA_META, "tracks", sl.track);
	layout_part(l, VA_META, "orig size", sl.orig_size);
	layout_part(l, VA_PAD, "pad", sl.pad);
	if (!sl.freeptr)
		vl_printf(l, VA_FREEPTR, " free ptr at +%u", s->offset);
}

static void slab_rows(const struct view *v, const struct slab *slab, const struct kmem_cache *s, unsigned width,
		      struct view_lines *out)
{
	const struct sim *sim = vsim(v);
	const struct player_step *st = player_last(v->pl);
	uint64_t addr = slab_address(sim, slab), base = addr + s->red_left_pad;
	uint8_t marks[MAX_OBJS_PER_PAGE + 1];
	int order[64], cpu_order[64];
	unsigned nf, ncf = 0, per = width > 4 ? width - 4 : 1;
	struct view_line *l = vl_new(out);
	char state[40];

	memset(marks, SLOT_USED, slab->objects);
	nf = sim_freelist_walk(sim, slab, slab->freelist, marks, SLOT_FREE, order, 64);
	ncf = sim_freelist_walk(sim, slab, sim_cpu_freelist(sim, slab), marks, SLOT_CPU_FREE, cpu_order, 64);
	vl_printf(l, VA_HEAD, "0x%llx  %-20s %u/%u used", (unsigned long long)addr, state_words(slab, state, sizeof(state)),
		  slab->objects - nf - ncf, slab->objects);
	if (st && st->has_op && (st->op.slab == addr) && st->op.new_slabs)
		vl_puts(l, VA_CHANGED, " new");
	for (unsigned i = 0; i < slab->objects; i += per) {
		l = vl_new(out);
		vl_puts(l, VA_NORMAL, "  ");
		l->slot0 = base + (uint64_t)i * s->size;
		l->col0 = 2;
		l->slot_size = s->size;
		for (unsigned j = i; j < slab->objects && j < i + per; j++) {
			uint64_t obj = base + (uint64_t)j * s->size;
			bool changed = st && st->has_op && (st->op.addr == obj || st->op.old_addr == obj);
			static const char ascii[] = "#.c";
			static const uint32_t glyph[] = { 0x2588, 0x2591, 0x2592 };
			enum view_attr a = marks[j] == SLOT_USED ? VA_USED : marks[j] == SLOT_FREE ? VA_FREE : VA_CPU_FREE;

			if (changed)
				a = VA_CHANGED;
			vl_putc(l, a, v->ascii ? (uint32_t)(changed ? '*' : ascii[marks[j]]) : glyph[marks[j]]);
			l->nslots++;
		}
	}
	if (!v->show_freelist)
		return;
	for (int pass = 0; pass < 2; pass++) {
		unsigned n = pass ? ncf : nf;
		int *ord = pass ? cpu_order : order;

		if (pass && slab->state != SLAB_CPU)
			break;
		l = vl_new(out);
		vl_puts(l, VA_DIM, pass ? "  cpu freelist:" : "  freelist:");
		for (unsigned i = 0; i < n && i < 64 && l->len + 6 < width; i++)
			vl_printf(l, VA_DIM, " %d", ord[i]);
		if (!n)
			vl_puts(l, VA_DIM, " empty");
		else if (l->len + 6 >= width || n > 64)
			vl_puts(l, VA_DIM, " \u2026");
		vl_cut(l, width);
	}
}

#define VIEW_MAX_SLABS 500

/* 6.18+: what the percpu sheaves hold (objects allocated for their slabs), per CPU and in the barn */
static void sheaves_line(const struct sim *sim, const struct kmem_cache *s, unsigned width, struct view_lines *out)
{
	struct view_line *l = vl_new(out);

	vl_printf(l, VA_NORMAL, "percpu sheaves of %u: %llu objects;", s->sheaf_capacity,
		  (unsigned long long)sheaves_objects(s));
	for (unsigned cpu = 0; cpu < sim->env.cpus; cpu++) {
		unsigned main, spare;

		sheaves_cpu_sizes(s, cpu, &main, &spare);
		vl_printf(l, VA_NORMAL, " CPU %u %u+%u", cpu, main, spare);
	}
	vl_printf(l, VA_NORMAL, "; barn %u full, %u empty", s->sheaves->barn.nr_full, s->sheaves->barn.nr_empty);
	vl_cut(l, width);
}

void view_slabs(const struct view *v, unsigned width, struct view_lines *out)
{
	const struct sim *sim = vsim(v);
	const struct kmem_cache *s = sel_cache(v);
	struct slab_ref *refs;
	unsigned nr;

	if (!s) {
		vl_text(out, VA_DIM, "No cache selected: pick one in the cache table (\u2191/\u2193).");
		return;
	}
	vl_text(out, VA_TITLE, "%s: %u objects per slab of order %u, slot %u B, object %u B", s->name, s->oo.objects,
		s->oo.order, s->size, s->object_size);
	slot_layout_line(sim, s, out);
	if (s->sheaves)
		sheaves_line(sim, s, width, out);
	slab_legend(v, out);
	refs = cache_slabs(sim, s, &nr);
	if (!nr)
		vl_text(out, VA_DIM, "No slabs: nothing allocated from %s yet.", s->name);
	for (unsigned i = 0; i < nr && i < VIEW_MAX_SLABS; i++)
		slab_rows(v, sim_slab(sim, refs[i].i), s, width, out);
	if (nr > VIEW_MAX_SLABS)
		vl_text(out, VA_DIM, "\u2026 and %u more slabs", nr - VIEW_MAX_SLABS);
	free(refs);
}

/* ------------------------------------------------------------------ object inspector */

/* The name bound to @addr and what the replayer remembers of it. */
static const struct replay_obj *obj_record(const struct replay *rp, uint64_t addr, char *name, size_t len)
{
	const struct name_table *tabs[2] = { &rp->names, &rp->ptrs };

	for (int t = 0; t < 2; t++) {
		for (uint32_t i = 0; i < name_table_slots(tabs[t]); i++) {
			const struct name_entry *e = name_table_slot(tabs[t], i);
			const struct replay_obj *o;
			size_t klen;
			const char *key;

			if (!e || !e->live || (o = name_table_payload(tabs[t], e))->addr != addr)
				continue;
			key = name_table_key(tabs[t], e, &klen);
			if (t)
				snprintf(name, len, "ftrace ptr %016llx", (unsigned long long)*(const uint64_t *)(const void *)key);
			else
				snprintf(name, len, "%.*s", (int)klen, key);
			return o;
		}
	}
	snprintf(name, len, "-");
	return NULL;
}

/* What byte @off of a slot (from its start) is, for the dump's colours. */
static enum view_attr byte_attr(const struct sim *sim, const struct kmem_cache *s, unsigned off, unsigned char b,
				bool is_free)
{
	struct slot_layout sl;
	unsigned rlp, info, track;

	slot_layout(&sim->env, s, &sl);
	rlp = sl.red_left;
	info = rlp + sl.object + sl.after_object + sl.freeptr;
	track = sl.track + sl.orig_size;
	if (off < rlp)
		return VA_REDZONE;
	if (is_free && off >= rlp + s->offset && off < rlp + s->offset + sim->env.ac.ptr_size)
		return VA_FREEPTR;
	if (off < rlp + s->object_size)
		return (s->flags & SLAB_POISON) && (b == 0x6b || b == 0xa5) ? VA_POISON : VA_USED;
	if (off < rlp + s->inuse)
		return (s->flags & SLAB_RED_ZONE) ? VA_REDZONE : VA_PAD;
	if (off < info)
		return VA_FREEPTR;
	if (off < info + track)
		return VA_META;
	return VA_PAD;
}

#define VIEW_DUMP_ROWS 64

static void hex_dump(const struct view *v, const struct kmem_cache *s, const struct sim_obj_info *info,
		     struct view_lines *out)
{
	const struct sim *sim = vsim(v);
	uint64_t slot = info->object - s->red_left_pad;
	const unsigned char *p = info->slab->data + (slot - info->slab_addr);

	vl_text(out, VA_HEAD, "slot bytes (+0 is the slot start; object at +%u):", s->red_left_pad);
	for (unsigned row = 0; row * 16 < s->size && row < VIEW_DUMP_ROWS; row++) {
		struct view_line *l = vl_new(out);

		vl_printf(l, VA_DIM, "+%04x ", row * 16);
		for (unsigned i = row * 16; i < row * 16 + 16; i++) {
			if (i < s->size)
				vl_printf(l, byte_attr(sim, s, i, p[i], info->free), " %02x", p[i]);
			else
				vl_puts(l, VA_NORMAL, "   ");
		}
		vl_puts(l, VA_NORMAL, "  ");
		for (unsigned i = row * 16; i < row * 16 + 16 && i < s->size; i++)
			vl_putc(l, VA_DIM, p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.');
	}
	if (s->size > VIEW_DUMP_ROWS * 16)
		vl_text(out, VA_DIM, "\u2026 %u more bytes", s->size - VIEW_DUMP_ROWS * 16);
}

static void object_facts(const struct view *v, const struct sim_obj_info *info, struct view_lines *out)
{
	const struct sim *sim = vsim(v);
	const struct replay *rp = player_replay(v->pl);
	const struct kmem_cache *s = info->cache;
	const struct replay_obj *o;
	char name[64];

	vl_text(out, VA_TITLE, "object 0x%llx  %s  %s", (unsigned long long)info->object, s->name,
		info->free ? "free" : info->sheaf ? "in a percpu sheaf" : "allocated");
	if (info->sheaf == SHEAF_IN_MAIN || info->sheaf == SHEAF_IN_SPARE || info->sheaf == SHEAF_IN_RCU_FREE)
		vl_text(out, VA_NORMAL, "CPU %u's %s", info->sheaf_cpu, sheaf_words[info->sheaf]);
	else if (info->sheaf)
		vl_text(out, VA_NORMAL, "%s", sheaf_words[info->sheaf]);
	vl_text(out, VA_NORMAL, "slab 0x%llx, slot %d of %u, offset in page 0x%llx", (unsigned long long)info->slab_addr,
		info->slot, info->slab->objects,
		(unsigned long long)(info->object & ((uint64_t)sim->env.ac.page_size - 1)));
	o = info->free ? NULL : obj_record(rp, info->object, name, sizeof(name));
	vl_text(out, VA_NORMAL, "ksize %u, aligned to %llu", info->free ? 0 : slab_ksize(s),
		(unsigned long long)lowest_bit(info->object));
	if (o)
		vl_text(out, VA_NORMAL, "name %s, requested %llu bytes, allocated by event %llu, label: %s", name,
			(unsigned long long)o->size, (unsigned long long)o->event, replay_label_at(rp, o->event));
	if (o && o->line && replay_call_site(rp, o->call_site))
		vl_text(out, VA_NORMAL, "allocated at trace line %u by %s", o->line, replay_call_site(rp, o->call_site));
	if (info->free) {
		uint64_t raw = 0;
		const unsigned char *p = info->slab->data + (info->object + s->offset - info->slab_addr);

		memcpy(&raw, p, sim->env.ac.ptr_size < 8 ? sim->env.ac.ptr_size : 8);
		vl_text(out, VA_FREEPTR, "free pointer at +%u: stored 0x%llx, decoded 0x%llx%s", s->offset,
			(unsigned long long)raw, (unsigned long long)sim_get_freepointer(sim, s, info->object),
			s->random ? " (SLAB_FREELIST_HARDENED: ptr ^ s->random ^ swab(&ptr))" : "");
	}
}

void view_object(const struct view *v, unsigned width, struct view_lines *out)
{
	const struct sim *sim = vsim(v);
	struct sim_obj_info info;

	(void)width;
	if (!sim || v->obj <= ZERO_SIZE_PTR) {
		vl_text(out, VA_DIM, "No object: step to an allocation, click a slot, or / NAME.");
		return;
	}
	sim_lookup(sim, v->obj, &info);
	if (info.kind == SIM_OBJ_LARGE) {
		vl_text(out, VA_TITLE, "0x%llx: a large kmalloc, page order %u (%llu bytes from the buddy allocator)",
			(unsigned long long)v->obj, info.order, (unsigned long long)info.size);
		return;
	}
	if (info.kind != SIM_OBJ_SLAB) {
		vl_text(out, VA_DIM, "0x%llx: no slab or page block of the model holds it (any more)",
			(unsigned long long)v->obj);
		return;
	}
	object_facts(v, &info, out);
	hex_dump(v, info.cache, &info, out);
}

/* ------------------------------------------------------------------ alignment */

static void wrapper_table(const struct view *v, const struct player_step *st, struct view_lines *out)
{
	const struct sim *sim = vsim(v);
	const struct replay_obj *o = st->name[0] ? replay_lookup(player_replay(v->pl), st->name, NULL) : NULL;
	enum rust_wrapper def = rust_default_wrapper(sim->env.kver), used = o ? (enum rust_wrapper)o->wrapper : def;

	vl_text(out, VA_HEAD, "  %-11s %-6s %7s  %-16s %7s  %s", "WRAPPER", "SINCE", "C SIZE", "CACHE", "ALIGN", "VERDICT");
	for (int w = 0; w < NR_RUST_WRAPPERS; w++) {
		struct wrapper_verdict wv;
		struct sim_err err;
		char cache[40];
		unsigned since = rust_wrapper_since((enum rust_wrapper)w);
		struct view_line *l = vl_new(out);
		enum view_attr a;

		vl_puts(l, w == (int)used ? VA_CURRENT : VA_NORMAL, w == (int)used ? "> " : w == (int)def ? "* " : "  ");
		if (wrapper_verdict(sim, (enum rust_wrapper)w, st->size, st->align, &wv, &err)) {
			vl_printf(l, VA_BAD, "%-11s %s", rust_wrapper_name((enum rust_wrapper)w), err.msg);
			continue;
		}
		kmalloc_outcome_name(&wv.res, cache, sizeof(cache));
		if (wv.dangling)
			snprintf(cache, sizeof(cache), "dangling");
		a = !wv.ok ? VA_BAD : VA_GOOD;
		vl_printf(l, VA_NORMAL, "%-11s %u.%-4u %7llu  %-16s %7llu  ", rust_wrapper_name((enum rust_wrapper)w),
			  KV_MAJOR(since), KV_MINOR(since), (unsigned long long)wv.c_size, cache,
			  (unsigned long long)wv.addr_align);
		vl_puts(l, a, !wv.ok ? "MISALIGNED" : wv.guaranteed ? "aligned, guaranteed" : "aligned by luck");
		/* the function a reader of the Rust-for-Linux source finds */
		vl_text(out, VA_DIM, "    %s", rust_wrapper_function((enum rust_wrapper)w));
	}
	vl_text(out, VA_DIM, "> the wrapper this event used   * the one Linux %s ships", KV_STR(sim->env.kver));
}

static bool is_alloc(const struct player_step *st)
{
	switch (st->kind) {
	case TEV_KMALLOC: case TEV_KREALLOC: case TEV_RUST_ALLOC: case TEV_RUST_REALLOC:
	case TEV_FT_KMALLOC: case TEV_FT_KMALLOC_NODE:
		return true;
	default:
		return false;
	}
}

void view_align(const struct view *v, unsigned width, struct view_lines *out)
{
	const struct player_step *st = player_last(v->pl);
	const struct sim *sim = vsim(v);
	struct kmalloc_outcome ko;
	uint64_t addr, guar;
	char cache[40];
	struct view_line *l;

	(void)width;
	if (!st || !sim || !is_alloc(st) || !st->has_op) {
		vl_text(out, VA_DIM, "The current event allocates nothing: step to a kmalloc, krealloc or rust_alloc.");
		return;
	}
	addr = st->op.addr;
	if (st->align)
		vl_text(out, VA_TITLE, "Layout(size %llu, align %llu) via %s", (unsigned long long)st->size,
			(unsigned long long)st->align, st->op_name);
	else
		vl_text(out, VA_TITLE, "%s(%llu)", st->op_name, (unsigned long long)st->size);
	l = vl_new(out);
	vl_printf(l, VA_NORMAL, "result 0x%llx, aligned to %llu", (unsigned long long)addr,
		  addr > ZERO_SIZE_PTR ? (unsigned long long)lowest_bit(addr) : 0ull);
	if (st->align && addr > ZERO_SIZE_PTR)
		vl_puts(l, addr & (st->align - 1) ? VA_BAD : VA_GOOD,
			addr & (st->align - 1) ? "  MISALIGNED for the Layout" : "  aligned for the Layout");
	kmalloc_outcome(sim, st->op.bytes_alloc && !st->align ? st->size : st->size, &ko);
	kmalloc_outcome_name(&ko, cache, sizeof(cache));
	guar = kmalloc_guaranteed_align(&sim->env, st->size);
	vl_text(out, VA_NORMAL, "kmalloc(%llu) \u2192 %s, ksize %llu, slots aligned to %llu", (unsigned long long)st->size,
		cache, (unsigned long long)ko.ksize, (unsigned long long)ko.slot_align);
	vl_text(out, VA_NORMAL, "Linux %s guarantees kmalloc(%llu) alignment %llu", KV_STR(sim->env.kver),
		(unsigned long long)st->size, (unsigned long long)guar);
	if (st->align)
		wrapper_table(v, st, out);
}

/* ------------------------------------------------------------------ faults */

void view_fault(const struct view *v, unsigned width, struct view_lines *out)
{
	const char *t = player_fault_text(v->pl);
	const struct player_step *st = player_last(v->pl);

	const struct player_step *ns = player_notes(v->pl);

	if (st && st->message[0])
		vl_cut(vl_text(out, VA_CURRENT, "%s", st->message), width);
	for (unsigned i = 0; i < ns->nr_notes; i++) {
		const struct player_note *n = &ns->notes[i];

		if (n->kind == PN_PASS)
			vl_cut(vl_text(out, VA_GOOD, "✓ passed  line %u: %s", n->line, n->text), width);
		else
			vl_cut(vl_text(out, VA_BAD, "✗ %s  %s", n->kind == PN_FAIL ? "FAILED" : "error ", n->text), width);
	}
	if (ns->more_notes)
		vl_text(out, VA_DIM, "… and %u more lines after this event", ns->more_notes);
	if (!*t) {
		vl_text(out, VA_DIM, "No SLUB report at this event (%llu so far in the trace).",
			(unsigned long long)player_replay(v->pl)->st.faults);
		return;
	}
	/* the report's lines are long: wrap them, a report is read in full */
	while (*t) {
		size_t n = strcspn(t, "\n"), w = width ? width : 80;

		do {
			size_t part = n > w ? w : n;

			vl_text(out, VA_BAD, "%.*s", (int)part, t);
			t += part;
			n -= part;
		} while (n);
		t += *t == '\n';
	}
}

/* ------------------------------------------------------------------ mistakes */

void view_mistakes(const struct view *v, unsigned width, struct view_lines *out)
{
	const struct player *pl = v->pl;

	if (!pl->nr_mistakes) {
		vl_text(out, VA_GOOD, "No mistakes: every line parses%s.",
			pl->max_pos == pl->total ? ", and the replay met no error and no failed expectation"
						 : "; the replay met none so far");
		return;
	}
	vl_cut(vl_text(out, VA_TITLE, "%u mistakes: %llu lines rejected, %llu errors, %llu failed expectations%s",
		       pl->nr_mistakes, (unsigned long long)pl->parse_errors,
		       (unsigned long long)(pl->replay_errors - pl->parse_errors), (unsigned long long)pl->expect_failures,
		       pl->max_pos < pl->total ? " so far (End finds the rest)" : ""),
	       width);
	for (uint32_t i = 0; i < pl->nr_mistakes; i++) {
		const struct player_mistake *m = &pl->mistakes[i];

		vl_cut(vl_text(out, i == v->sel_mistake ? VA_SELECTED : m->kind == PN_FAIL ? VA_CURRENT : VA_BAD,
			       "event %-5llu %s", (unsigned long long)m->event, m->text), width);
	}
}

/* ------------------------------------------------------------------ help */

static const char *const help_text[] = {
	"slubsim tui: step through a trace and watch SLUB's slabs fill and drain",
	"An event is a line that acts on the kernel (kmalloc, kfree, rust_alloc, write, ...), numbered",
	"as in 'slubsim run --events'; labels and expectations belong to the events around them.",
	"Moving",
	"  \u2192 / Space     next event            \u2190 / Backspace  previous event",
	"  > / <         10 events forward/back  PgDn / PgUp    100 events",
	"  Home / End    event 0 / the last      g / :          go to event N",
	"  r             run to a breakpoint or the end (any key stops)",
	"Breakpoints",
	"  B             add: cache NAME, obj NAME, event KIND, site FUNCTION,",
	"                ptr HEX (ftrace), new, discard, misaligned, fault,",
	"                expect                           C  clear them all",
	"Panes",
	"  Tab / S-Tab   next / previous pane    \u2191 / \u2193  select a cache or scroll",
	"  Enter         inspect the current event's object",
	"  / NAME        select a cache or inspect a named object; ftrace: the",
	"                trace's pointer, or a call site's newest object",
	"  m             the trace's mistakes by line (rejected lines, errors, failed expectations);",
	"                there \u2191/\u2193 select one, Enter goes to its event",
	"  e             show/hide empty caches  f  freelist order in the slab map",
	"  F             follow the current event's cache on/off",
	"  mouse         click a cache row to select it, a slot to inspect it",
	"The cache table",
	"  OBJS, ACTIVE, USE  as /proc/slabinfo: a cpu slab's objects all count as active,",
	"                     since SLUB hands the whole slab to its CPU",
	"  USED          objects allocated and not freed: the slab map's count",
	"  HISTORY       USED after each of the cache's last operations, lowest to highest",
	"                of them: a flat line is no change    \u2191N \u2193N  rows off screen",
	"Sorting (slabtop's letters)",
	"  a active  b objs/slab  c cache size  l slabs  v active slabs",
	"  n name    o objects    p pages/slab  s object size  u use",
	"Other",
	"  h / F1 / ?    this help               q  quit",
};

void view_help(const struct view *v, unsigned width, struct view_lines *out)
{
	(void)v;
	for (size_t i = 0; i < sizeof(help_text) / sizeof(help_text[0]); i++)
		vl_cut(vl_text(out, i == 0 ? VA_TITLE : help_text[i][0] != ' ' ? VA_HEAD : VA_NORMAL, "%s", help_text[i]),
		       width);
}

/* ------------------------------------------------------------------ panes */

static const char *const pane_names[NR_VP] = { "Caches", "Slabs", "Object", "Alignment", "Report", "Mistakes" };

const char *view_pane_name(enum view_pane p)
{
	return (unsigned)p < NR_VP ? pane_names[p] : "?";
}

void view_pane(struct view *v, enum view_pane p, unsigned width, unsigned height, struct view_lines *out)
{
	switch (p) {
	case VP_CACHES: view_caches(v, width, height, out); break;
	case VP_SLABS: view_slabs(v, width, out); break;
	case VP_OBJECT: view_object(v, width, out); break;
	case VP_ALIGN: view_align(v, width, out); break;
	case VP_MISTAKES: view_mistakes(v, width, out); break;
	default: view_fault(v, width, out); break;
	}
}

/* ------------------------------------------------------------------ state */

/* Select the table's first row. */
static void select_top(struct view *v)
{
	unsigned nr;
	struct cache_row *rows = cache_rows(v, &nr);

	if (rows && nr)
		v->sel_cache = (int)rows[0].s->index;
	free(rows);
}

void view_init(struct view *v, struct player *pl, bool ascii)
{
	memset(v, 0, sizeof(*v));
	v->pl = pl;
	v->ascii = ascii;
	v->follow = true;
	v->hide_empty = true;	/* a booted kernel has dozens of empty caches: 'e' shows them */
	v->sort = 'o';
	v->sel_cache = -1;
	view_sync(v);
}

void view_sync(struct view *v)
{
	const struct player_step *st = player_last(v->pl);
	const struct kmem_cache *s = player_step_cache(v->pl);
	const struct sim *sim = vsim(v);

	if (v->sel_cache >= 0 && sim && (unsigned)v->sel_cache >= sim->nr_caches)
		v->sel_cache = -1;
	if (v->sel_cache < 0)
		select_top(v);	/* the slab map has something to show before an event touches a cache */
	if (!v->follow || !st)
		return;
	if (!st->has_op && player_replay(v->pl)->have_last_op) {
		/* an expectation or a label: stay with the last operation */
		const struct sim_op *op = &player_replay(v->pl)->last_op;

		if (op->cache)
			v->sel_cache = (int)op->cache->index;
		if (op->addr > ZERO_SIZE_PTR)
			v->obj = op->addr;
		return;
	}
	if (s)
		v->sel_cache = (int)s->index;
	if (st->has_op && st->op.addr > ZERO_SIZE_PTR)
		v->obj = st->op.addr;
}

/* Inspect the object at @addr and select its cache. */
static void inspect(struct view *v, uint64_t addr)
{
	struct sim_obj_info info;

	v->obj = addr;
	sim_lookup(vsim(v), addr, &info);
	if (info.kind == SIM_OBJ_SLAB)
		v->sel_cache = (int)info.cache->index;
}

/* The live ftrace object last allocated from call site @site, NULL if none. */
static const struct replay_obj *find_by_site(const struct replay *rp, const char *site)
{
	const struct replay_obj *best = NULL;

	for (uint32_t i = 0; i < name_table_slots(&rp->ptrs); i++) {
		const struct name_entry *e = name_table_slot(&rp->ptrs, i);
		const struct replay_obj *o;
		const char *cs;

		if (!e || !e->live)
			continue;
		o = name_table_payload(&rp->ptrs, e);
		cs = replay_call_site(rp, o->call_site);
		if (cs && player_site_matches(cs, site) && (!best || o->event > best->event))
			best = o;
	}
	return best;
}

int view_search(struct view *v, const char *name)
{
	enum replay_obj_kind kind;
	const struct replay *rp = player_replay(v->pl);
	const struct replay_obj *o = replay_lookup(rp, name, &kind);
	const struct sim *sim = vsim(v);
	uint64_t ptr;

	if (o && kind != ROBJ_CACHE && o->addr > ZERO_SIZE_PTR) {
		inspect(v, o->addr);
		return 0;
	}
	/* an ftrace trace's own pointer */
	if (!player_parse_ptr(name, &ptr) && (o = replay_lookup_ptr(rp, ptr))) {
		inspect(v, o->addr);
		return 0;
	}
	for (int exact = 1; sim && exact >= 0; exact--) {
		for (unsigned i = 0; i < sim->nr_caches; i++) {
			const struct kmem_cache *s = sim->caches[i];

			if (!s->dead && (exact ? !strcmp(s->name, name) : strstr(s->name, name) != NULL)) {
				v->sel_cache = (int)i;
				return 0;
			}
		}
	}
	/* a call site: its newest live object */
	if ((o = find_by_site(rp, name))) {
		inspect(v, o->addr);
		return 0;
	}
	return -1;
}
