/* The trace player: a replay at any event, forward and back (player.h). */
#include "player.h"
#include "sim/array.h"
#include "sim/usage.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ states */

static void hist_release(struct player_hist *h)
{
	free(h->used);
	free(h->count);
	free(h->now);
	memset(h, 0, sizeof(*h));
}

static int hist_grow(struct player_hist *h, uint32_t need)
{
	uint32_t used_cap = h->cap, now_cap = h->cap;

	/* three arrays, one capacity: it grows when all have */
	if (ARRAY_GROW(h->used, used_cap, need) || ARRAY_GROW(h->now, now_cap, need) ||
	    ARRAY_GROW(h->count, h->cap, need))
		return -1;
	return 0;
}

static int hist_clone(struct player_hist *dst, const struct player_hist *src)
{
	memset(dst, 0, sizeof(*dst));
	if (hist_grow(dst, src->cap))
		return -1;
	if (src->cap) {
		memcpy(dst->used, src->used, (size_t)src->cap * sizeof(*src->used));
		memcpy(dst->count, src->count, src->cap);
		memcpy(dst->now, src->now, (size_t)src->cap * sizeof(*src->now));
	}
	return 0;
}

static void hist_push(struct player_hist *h, unsigned index)
{
	uint32_t v = h->now[index] > 0 ? (uint32_t)h->now[index] : 0;

	if (h->count[index] == PLAYER_HIST)
		memmove(h->used[index], h->used[index] + 1, (PLAYER_HIST - 1) * sizeof(**h->used));
	else
		h->count[index]++;
	h->used[index][h->count[index] - 1] = v;
}

/* Every cache's objects in use, counted from the freelists: after operations that move many. */
static void hist_recount(struct player_hist *h, const struct sim *sim)
{
	struct sim_cache_usage *u;

	if (hist_grow(h, sim->nr_caches) || !(u = calloc(sim->nr_caches + 1, sizeof(*u))))
		return;	/* out of memory: the history only misses a sample */
	sim_cache_usage(sim, u);
	for (unsigned i = 0; i < sim->nr_caches; i++)
		h->now[i] = (int64_t)u[i].objects;
	free(u);
}

/* What an operation does to its cache's objects in use: +1, -1, 0, or 2 when only a recount tells. */
static int used_delta(const struct sim_op *op)
{
	switch (op->path) {
	case PATH_FASTPATH: case PATH_REFILL: case PATH_CPU_PARTIAL: case PATH_NODE_PARTIAL: case PATH_NEW_SLAB:
	case PATH_NEW_SLAB_FALLBACK: case PATH_DEBUG_PARTIAL: case PATH_DEBUG_NEW_SLAB:
		return 1;
	case PATH_FREE_FAST: case PATH_FREE_FROZEN: case PATH_FREE_CPU_PARTIAL: case PATH_FREE_PARTIAL:
	case PATH_FREE_ADD_PARTIAL: case PATH_FREE_DISCARD: case PATH_FREE_DEBUG:
		return -1;
	case PATH_LARGE: case PATH_ZERO: case PATH_FAILED: case PATH_FREE_LARGE: case PATH_FREE_NOOP:
	case PATH_FREE_RCU: case PATH_FREE_REJECTED: case PATH_REALLOC_IN_PLACE:
		return 0;
	default:
		return 2;	/* krealloc moved, rcu_barrier, a cache created or destroyed */
	}
}

static void state_release(struct player_state *st)
{
	if (!st->used)
		return;
	replay_release(&st->rp);
	hist_release(&st->hist);
	st->used = false;
}

static int state_clone(struct player_state *dst, const struct player_state *src)
{
	dst->n = src->n;
	dst->pos = src->pos;
	dst->step = src->step;
	if (replay_clone(&dst->rp, &src->rp))
		return -1;
	if (hist_clone(&dst->hist, &src->hist)) {
		replay_release(&dst->rp);
		hist_release(&dst->hist);
		return -1;
	}
	dst->used = true;
	return 0;
}

/* ------------------------------------------------------------------ mistakes */

#define PLAYER_MAX_MISTAKES 10000

/* Keep @text as a mistake, in line order. */
static void add_mistake(struct player *pl, enum player_note_kind kind, uint32_t line, uint64_t event, const char *text)
{
	struct player_mistake *m;
	uint32_t i = pl->nr_mistakes;

	if (kind == PN_FAIL)
		pl->expect_failures++;
	else
		pl->replay_errors++;
	if (pl->nr_mistakes == PLAYER_MAX_MISTAKES || ARRAY_GROW(pl->mistakes, pl->mistakes_cap, pl->nr_mistakes + 1))
		return;
	while (i && pl->mistakes[i - 1].line > line)
		i--;
	m = &pl->mistakes[i];
	memmove(m + 1, m, (pl->nr_mistakes - i) * sizeof(*m));
	m->text = strdup(text);
	m->kind = kind;
	m->line = line;
	m->event = event;
	pl->nr_mistakes += m->text != NULL;
	if (!m->text)
		memmove(m, m + 1, (pl->nr_mistakes - i) * sizeof(*m));
}

/* A mistake of the replay at @line: the first time the replay passes it. */
static void replay_mistake(struct player *pl, enum player_note_kind kind, uint32_t line, const char *text)
{
	if (line <= pl->mistakes_line)
		return;
	pl->mistakes_line = line;
	add_mistake(pl, kind, line, pl->live.n, text);
}

/* ------------------------------------------------------------------ the step record */

/* The trace line being parsed, as written, without its indentation. */
static void line_text(const struct player *pl, char *buf, size_t len)
{
	size_t off = pl->tp ? pl->where->line_start : pl->cur_start, n = 0;
	const char *p = pl->data + off;

	while (off < pl->len && (*p == ' ' || *p == '\t'))
		p++, off++;
	while (off + n < pl->len && p[n] != '\n' && p[n] != '\r' && n < len - 1)
		n++;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

/*
 * An ftrace event in the trace's own words without the columns' padding,
 * flags and timestamp, so that the verdict after it fits: the task, the
 * event, its pointer and call site, what it asked for.
 */
static void step_ftrace(struct player_step *s, const struct trace_event *ev)
{
	const struct trace_ftrace *ft = &ev->ft;
	int n;

	s->has_tptr = (ft->fields & FTF_PTR) != 0;
	s->tptr = ft->ptr;
	snprintf(s->call_site, sizeof(s->call_site), "%s", ft->call_site ? ft->call_site : "");
	n = snprintf(s->text, sizeof(s->text), "%s-%d %s ptr=%llx call_site=%s", ft->comm ? ft->comm : "?", ft->pid,
		     s->op_name, (unsigned long long)ft->ptr, s->call_site);
	if (n > 0 && (size_t)n < sizeof(s->text) && (ft->fields & FTF_BYTES_REQ))
		n += snprintf(s->text + n, sizeof(s->text) - (size_t)n, " bytes_req=%llu", (unsigned long long)ft->bytes_req);
	if (n > 0 && (size_t)n < sizeof(s->text) && ft->name)
		snprintf(s->text + n, sizeof(s->text) - (size_t)n, " name=%s", ft->name);
}

static void step_begin(struct player *pl, const struct trace_event *ev)
{
	struct player_step *s = &pl->live.step;

	memset(s, 0, offsetof(struct player_step, message));
	s->message[0] = '\0';
	s->nr_notes = s->more_notes = s->expect_pass = s->expect_fail = 0;
	s->kind = ev->kind;
	s->line = ev->line;
	s->cpu = ev->cpu;
	s->cache_index = -1;
	line_text(pl, s->text, sizeof(s->text));
	snprintf(s->op_name, sizeof(s->op_name), "%s", ev->op ? ev->op : trace_kind_name(ev->kind));
	if (ev->kind >= TEV_FT_KMALLOC) {
		s->size = ev->ft.bytes_req;
		step_ftrace(s, ev);
	} else {
		s->size = ev->size;
		if (ev->kind >= TEV_RUST_ALLOC && ev->kind <= TEV_RUST_FREE)
			s->align = ev->align;
	}
}

static bool is_expect(enum trace_kind k)
{
	return (k >= TEV_EXPECT_OBJ && k <= TEV_EXPECT_NOFAULT) || k == TEV_EXPECT_ERRORS || k == TEV_EXPECT_BYTES;
}

/* A line after the event: its expectation's verdict or its error, with the step and in the mistakes. */
static void note_line(struct player *pl, const struct trace_event *ev, int r)
{
	struct player_step *s = &pl->live.step;
	const struct replay *rp = &pl->live.rp;
	enum player_note_kind kind;
	struct player_note *n;

	if (rp->failed_expect)
		kind = PN_FAIL;
	else if (r < 0)
		kind = PN_ERROR;
	else if (is_expect(ev->kind))
		kind = PN_PASS;
	else
		return;	/* a label, a cpu line, an ftrace page event: nothing to say */
	if (kind != PN_PASS)
		replay_mistake(pl, kind, ev->line, rp->msg);
	if (!pl->recording)
		return;
	s->expect_pass += kind == PN_PASS;
	s->expect_fail += kind == PN_FAIL;
	s->failed_expect |= kind == PN_FAIL;
	if (s->nr_notes == PLAYER_NOTES) {
		s->more_notes++;
		return;
	}
	n = &s->notes[s->nr_notes++];
	n->kind = kind;
	n->line = ev->line;
	if (kind == PN_PASS)
		line_text(pl, n->text, sizeof(n->text));
	else
		snprintf(n->text, sizeof(n->text), "%.*s", (int)sizeof(n->text) - 1, rp->msg);
}

static void hook(void *ctx, const struct replay *rp, const struct replay_step *st)
{
	struct player *pl = ctx;
	struct player_step *s = &pl->live.step;
	struct player_hist *h = &pl->live.hist;
	int d;

	if (!pl->in_event)
		return;
	if (pl->recording) {
		if (st->name)
			snprintf(s->name, sizeof(s->name), "%s", st->name);
		s->ksize = st->ksize;
	}
	if (!st->op)
		return;
	if (pl->recording) {
		s->has_op = true;
		s->op = *st->op;
		s->op.cache = NULL;
		s->op.fault_text = NULL;
		s->cache_index = st->op->cache ? (int)st->op->cache->index : -1;
	}
	d = used_delta(st->op);
	if (d == 2)
		hist_recount(h, rp->sim);
	if (!st->op->cache || (st->op->cache->index >= h->cap && hist_grow(h, st->op->cache->index + 1)))
		return;	/* out of memory: the history only misses a sample */
	if (d != 2)
		h->now[st->op->cache->index] += d;
	hist_push(h, st->op->cache->index);
}

const struct player_step *player_last(const struct player *pl)
{
	return pl->live.n ? &pl->live.step : NULL;
}

const struct player_step *player_notes(const struct player *pl)
{
	return &pl->live.step;
}

const struct kmem_cache *player_step_cache(const struct player *pl)
{
	const struct player_step *s = player_last(pl);
	const struct sim *sim = pl->live.rp.sim;

	if (!s || s->cache_index < 0 || !sim || (unsigned)s->cache_index >= sim->nr_caches)
		return NULL;
	return sim->caches[s->cache_index];
}

const char *player_fault_text(const struct player *pl)
{
	const struct player_step *s = player_last(pl);

	return s && s->has_op && s->op.nr_faults ? pl->live.rp.last_fault : "";
}

unsigned player_history(const struct player *pl, unsigned index, const uint32_t **used)
{
	const struct player_hist *h = &pl->live.hist;

	if (index >= h->cap)
		return 0;
	*used = h->used[index];
	return h->count[index];
}

/* ------------------------------------------------------------------ moving forward */

/* What a clone of @st costs, roughly: the pages in use and the model's tables. */
static uint64_t estimate_bytes(const struct player_state *st)
{
	const struct sim *sim = st->rp.sim;
	const struct page_alloc *pa = &sim->pa;

	return ((uint64_t)(pa->nr_pages - pa->free_pages) << pa->page_shift) +
	       page_frame_bytes(pa) + (uint64_t)sim->slabs_cap * sizeof(*sim->slabs);
}

/* The heap's bytes in use, 0 where the C library does not say. */
static uint64_t heap_bytes(void)
{
#ifdef __GLIBC__
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#else
	return 0;
#endif
}

/* A checkpoint of the live state, and what it took from the heap (the name tables and allocator's overhead too). */
static int checkpoint(struct player *pl, struct player_state *c)
{
	uint64_t before = heap_bytes(), after;

	if (state_clone(c, &pl->live))
		return -1;
	after = heap_bytes();
	c->bytes = after > before ? after - before : estimate_bytes(c);
	pl->clone_bytes = c->bytes;
	return 0;
}

/*
 * Give the host back what released checkpoints held: a clone is thousands
 * of small blocks, which free() keeps in the heap for the next clone.
 */
static void give_back(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/*
 * Forget the fine checkpoints and split segment @seg anew: as many parts as
 * PLAYER_FINE_BUDGET holds clones of the live state, PLAYER_FINE at most.
 */
static void drop_fine(struct player *pl, uint64_t seg)
{
	uint64_t bytes = pl->clone_bytes;

	for (unsigned j = 0; j < PLAYER_FINE; j++)
		state_release(&pl->fine[j]);
	pl->fine_seg = seg;
	pl->next_check = 0;
	pl->nr_fine = bytes && PLAYER_FINE_BUDGET / bytes < PLAYER_FINE ? (unsigned)(PLAYER_FINE_BUDGET / bytes) : PLAYER_FINE;
	if (pl->nr_fine < PLAYER_FINE_MIN)
		pl->nr_fine = PLAYER_FINE_MIN;
	pl->fine_k = pl->k / pl->nr_fine ? pl->k / pl->nr_fine : 1;
}

/* Over the memory budget: keep every other coarse checkpoint and double the interval. */
static void thin_coarse(struct player *pl)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < pl->nr_coarse; i++) {
		if (i % 2) {
			pl->coarse_bytes -= pl->coarse[i].bytes;
			state_release(&pl->coarse[i]);
		} else {
			pl->coarse[kept++] = pl->coarse[i];
		}
	}
	for (unsigned i = kept; i < pl->nr_coarse; i++)
		pl->coarse[i].used = false;
	pl->nr_coarse = kept;
	pl->k *= 2;
	give_back();
	drop_fine(pl, pl->fine_target / pl->k);
}

/*
 * The trace's bytes in [@from, @to) need not stay resident: the page cache
 * keeps them for a reader that comes back (a restore), and a trace of
 * gigabytes would otherwise count in the TUI's memory as it is read.
 */
static void drop_range(const struct player *pl, size_t from, size_t to)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	from = (from + page - 1) & ~(page - 1);
	to &= ~(page - 1);
	if (pl->mapped && to > from)
		madvise((void *)(uintptr_t)(pl->data + from), to - from, MADV_DONTNEED);
}

static void drop_read(const struct player *pl, size_t upto)
{
	drop_range(pl, 0, upto);
}

/* Whether the replay lays a checkpoint at position @n as it passes. */
static bool checkpoint_due(const struct player *pl, uint64_t n)
{
	uint64_t seg = n / pl->k, j;

	if (!(n % pl->k))
		return seg == pl->nr_coarse && seg < PLAYER_COARSE + 1;
	/* fine ones split the segment from its start: k need not be a multiple of fine_k */
	if (seg != pl->fine_seg || n % pl->k % pl->fine_k)
		return false;
	j = n % pl->k / pl->fine_k;
	return j && j < pl->nr_fine && !pl->fine[j].used;
}

/* The first position at or after @n where checkpoint_due() may hold: a multiple of k, or a fine split point. */
static uint64_t next_candidate(const struct player *pl, uint64_t n)
{
	uint64_t coarse = (n + pl->k - 1) / pl->k * pl->k, lo = pl->fine_seg * pl->k, fine;

	if (n > lo + pl->k)
		return coarse;
	fine = n <= lo ? lo : lo + (n - lo + pl->fine_k - 1) / pl->fine_k * pl->fine_k;
	return fine < coarse ? fine : coarse;
}

/* checkpoint_due() at @n, with its divisions spent only where it may hold. */
static bool checkpoint_near(struct player *pl, uint64_t n)
{
	if (n < pl->next_check)
		return false;
	pl->next_check = next_candidate(pl, n + 1);
	return checkpoint_due(pl, n);
}

/*
 * On the parsing thread, live.pos is brought up to date only where it is
 * wanted: at a checkpoint and at the end of the move.
 */
static void sync_pos(struct player *pl)
{
	if (pl->tp && pl->where->valid)
		pl->live.pos = pl->where->pos;
}

/* What the coarse checkpoints will take at the end of the trace, if each still to come is as large as the last. */
static uint64_t coarse_bytes_at_end(const struct player *pl)
{
	uint64_t m = pl->total / pl->k + 1;

	return pl->coarse_bytes + (m > pl->nr_coarse ? (m - pl->nr_coarse) * pl->clone_bytes : 0);
}

static void keep_checkpoints(struct player *pl)
{
	uint64_t n = pl->live.n, seg = n / pl->k;
	struct player_state *c;

	/* advance() recorded every position checkpoint_near() found due */
	if (!pl->recording || !checkpoint_due(pl, n))
		return;
	sync_pos(pl);
	if (!(n % pl->k)) {
		/*
		 * Thin now rather than after cloning those that would be let go,
		 * when the ones to come, as large as the last, clearly will not
		 * fit (clones differ in size: the budget below decides the rest).
		 */
		while (pl->nr_coarse > 2 && coarse_bytes_at_end(pl) > PLAYER_BUDGET / 4 * 5) {
			thin_coarse(pl);
			if (n % pl->k)
				return;
		}
		seg = n / pl->k;
		c = &pl->coarse[seg];
		if (checkpoint(pl, c))
			return;
		pl->nr_coarse++;
		pl->coarse_bytes += c->bytes;
		drop_read(pl, pl->live.pos.off);
		if (pl->coarse_bytes > PLAYER_BUDGET && pl->nr_coarse > 2)
			thin_coarse(pl);
		return;
	}
	checkpoint(pl, &pl->fine[n % pl->k / pl->fine_k]);
}

/*
 * The next line the reader accepts into pl->cur, live.pos left before it (on
 * the parsing thread, once sync_pos() asks):
 * TRACE_EVENT, TRACE_EOF or TRACE_IOERR. Rejected lines were listed when
 * the trace was opened.
 */
static int next_line(struct player *pl)
{
	const struct trace_error *err;
	int r;

	if (pl->tp) {
		do
			r = trace_pipe_next(pl->tp, &pl->cur, &err);
		while (r == TRACE_ERROR);
		/* not read here: each line's would be another cache line from the other core */
		pl->where = trace_pipe_where(pl->tp);
		return r;
	}
	do {
		trace_tell(&pl->rd, &pl->live.pos);
		r = trace_next(&pl->rd, &pl->ev);
	} while (r == TRACE_ERROR);
	pl->cur = &pl->ev;
	pl->cur_start = trace_line_start(&pl->rd);
	return r;
}

/* Apply the lines after the current event up to the next one, which is left pending. 0, or -1 on a read error. */
static int settle(struct player *pl)
{
	int r;

	while ((r = next_line(pl)) == TRACE_EVENT) {
		if (trace_kind_is_event(pl->cur->kind)) {
			pl->pending = true;
			return 0;
		}
		note_line(pl, pl->cur, replay_event(&pl->live.rp, &pl->rd, pl->cur));
	}
	return r == TRACE_IOERR ? -1 : 0;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * A native trace's name lookups miss the cache unless fetched ahead, as
 * `run` does from its parsing thread: guess the first name of the line
 * PLAYER_AHEAD lines on from the raw text ("@1 a = kmalloc 8": a; "kfree
 * a": a) and prefetch its record. A wrong guess costs one prefetch.
 */
static void fetch_ahead(struct player *pl)
{
	const char *p = pl->data + pl->ahead, *end = pl->data + pl->len, *nl, *w;
	size_t n;

	if (pl->ahead >= pl->len || pl->rd.format != TRACE_FMT_NATIVE)
		return;
	nl = memchr(p, '\n', (size_t)(end - p));
	pl->ahead = nl ? (size_t)(nl + 1 - pl->data) : pl->len;
	if (!nl)
		nl = end;
	while (p < nl && (*p == ' ' || *p == '\t'))
		p++;
	if (p < nl && *p == '@')	/* "@N": the CPU */
		while (p < nl && *p != ' ')
			p++;
	while (p < nl && *p == ' ')
		p++;
	for (w = p; p < nl && name_char(*p); p++)
		;
	n = (size_t)(p - w);
	while (p < nl && *p == ' ')
		p++;
	if (p < nl && *p != '=') {	/* "kfree a": the operand after the operation */
		for (w = p; p < nl && name_char(*p); p++)
			;
		n = (size_t)(p - w);
	}
	if (n)
		replay_prefetch(&pl->live.rp, name_table_hash(w, n));
}

/* Fetch the record of a name a few events on, so that its lookup finds it in the cache. */
static void fetch_names(struct player *pl)
{
	uint32_t hash;

	if (pl->tp) {
		const struct trace_pipe *tp = pl->tp;
		const struct replay *rp = &pl->live.rp;
		unsigned i = tp->pos + TRACE_PIPE_LOOKAHEAD - 1, far = tp->pos + PLAYER_FAR - 1;
		uint64_t ptr;

		/*
		 * The parsing thread hashed the names; an ftrace event's pointer
		 * is at hand. The index cell first, PLAYER_FAR events on, then
		 * the record: fetching both at once waited for the cell.
		 */
		if (trace_pipe_hint(tp, PLAYER_FAR, &hash)) {
			name_table_prefetch_index(&rp->names, hash);
		} else if (far < tp->n && tp->item[far].ev && tp->item[far].ev->kind >= TEV_FT_KMALLOC) {
			ptr = tp->item[far].ev->ft.ptr;
			name_table_prefetch_index(&rp->ptrs, name_table_hash(&ptr, sizeof(ptr)));
		}
		if (trace_pipe_hint(tp, TRACE_PIPE_LOOKAHEAD, &hash))
			replay_prefetch(rp, hash);
		else if (i < tp->n && tp->item[i].ev && tp->item[i].ev->kind >= TEV_FT_KMALLOC)
			replay_prefetch_ptr(rp, tp->item[i].ev->ft.ptr);
		return;
	}
	if (pl->ahead < pl->live.pos.off) {
		/* after a restore or a move on the parsing thread: start PLAYER_AHEAD lines ahead again */
		pl->ahead = pl->live.pos.off;
		for (unsigned i = 0; i < PLAYER_AHEAD; i++)
			fetch_ahead(pl);
	}
	fetch_ahead(pl);
}

/* Apply the next event and the lines after it: 1, 0 at the end of the trace, -1 on a read error. */
static int advance(struct player *pl, bool record)
{
	int r;

	if (!pl->pending)
		return 0;
	fetch_names(pl);
	pl->pending = false;
	pl->recording = record;
	if (record)
		step_begin(pl, pl->cur);
	pl->in_event = true;
	r = replay_event(&pl->live.rp, &pl->rd, pl->cur);
	pl->in_event = false;
	pl->live.n++;
	if (r < 0)
		replay_mistake(pl, PN_ERROR, pl->cur->line, pl->live.rp.msg);
	if (record)
		snprintf(pl->live.step.message, sizeof(pl->live.step.message), "%s", pl->live.rp.msg);
	if (settle(pl))
		return -1;
	keep_checkpoints(pl);
	return 1;
}

/* Make @c the live state, with the reader where it was. */
static int restore(struct player *pl, const struct player_state *c)
{
	struct player_state tmp;

	if (state_clone(&tmp, c))
		return -1;
	if (pl->rd_open)
		trace_close(&pl->rd);
	pl->rd_open = false;
	if (trace_open_mem_at(&pl->rd, pl->data, pl->len, pl->name, &c->pos)) {
		state_release(&tmp);
		return -1;
	}
	pl->rd_open = true;
	state_release(&pl->live);
	pl->live = tmp;
	/* the checkpoint stands before its next event: read it again */
	pl->pending = false;
	pl->ahead = 0;
	pl->next_check = 0;
	if (next_line(pl) == TRACE_EVENT)
		pl->pending = true;
	pl->live.pos = c->pos;
	return 0;
}

/* The checkpoint nearest at or before @n that beats where the live state stands. */
static const struct player_state *best_start(const struct player *pl, uint64_t n)
{
	uint64_t seg = n / pl->k;
	const struct player_state *best = NULL;

	if (seg >= pl->nr_coarse)
		seg = pl->nr_coarse - 1;
	best = &pl->coarse[seg];
	if (pl->fine_seg == seg) {
		for (unsigned j = pl->nr_fine; j-- > 1;) {
			if (pl->fine[j].used && pl->fine[j].n <= n && pl->fine[j].n > best->n) {
				best = &pl->fine[j];
				break;
			}
		}
	}
	if (pl->live.n <= n && pl->live.n >= best->n)
		return NULL;	/* just go on from here */
	return best;
}

static bool fine_empty(const struct player *pl)
{
	for (unsigned j = 1; j < pl->nr_fine; j++)
		if (pl->fine[j].used)
			return false;
	return true;
}

/*
 * A long move parses on a second thread (trace_pipe.h), as `run` does: a
 * reader of its own resumes at the pending event, which the thread parses
 * again, and keeps where each line was for the checkpoints laid on the way.
 * Without a thread the move goes on with pl->rd.
 */
static void pipe_start(struct player *pl)
{
	if (!pl->pending || trace_open_mem_at(&pl->prd, pl->data, pl->len, pl->name, &pl->live.pos))
		return;
	if (trace_pipe_open_where(&pl->tp, &pl->prd, name_table_hash)) {
		trace_close(&pl->prd);
		return;
	}
	if (next_line(pl) != TRACE_EVENT) {
		/* the line pl->rd read cannot be read again: a read error, reported as such */
		pl->pending = false;
	}
}

/* The move is over: pl->rd goes on from the pending event, read again. 0, or -1 out of memory. */
static int pipe_stop(struct player *pl)
{
	sync_pos(pl);
	trace_pipe_close(pl->tp);
	pl->tp = NULL;
	trace_close(&pl->prd);
	pl->cur = &pl->ev;
	trace_close(&pl->rd);
	pl->rd_open = false;
	if (trace_open_mem_at(&pl->rd, pl->data, pl->len, pl->name, &pl->live.pos))
		return -1;
	pl->rd_open = true;
	if (pl->pending && next_line(pl) != TRACE_EVENT)
		pl->pending = false;
	return 0;
}

int player_goto(struct player *pl, uint64_t n)
{
	const struct player_state *start;
	size_t from;
	int r = 1;

	if (n > pl->total)
		n = pl->total;
	if (n == pl->live.n)
		return 0;
	/* fine checkpoints for the segment of n - 1: the next step back lands there */
	pl->fine_target = n ? n - 1 : 0;
	if (pl->fine_target / pl->k != pl->fine_seg)
		drop_fine(pl, pl->fine_target / pl->k);
	/*
	 * No fine checkpoints for the segment of n - 1 yet: replay that whole
	 * segment now, laying them, so that the steps back that follow are quick.
	 */
	start = best_start(pl, fine_empty(pl) ? pl->fine_target : n);
	if (start && restore(pl, start))
		return -1;
	from = pl->live.pos.off;
	if (pl->live.n < n && n - pl->live.n >= pl->tune.pipe_min)
		pipe_start(pl);
	/* the step record only where it is kept: the target and the checkpoints */
	while (pl->live.n < n && (r = advance(pl, pl->live.n + 1 == n || checkpoint_near(pl, pl->live.n + 1))) > 0)
		;
	if (pl->tp && pipe_stop(pl))
		return -1;
	/* moves anywhere would leave the trace's bytes they read resident, a segment each */
	drop_range(pl, from, pl->live.pos.off);
	if (r == 0)
		pl->total = pl->live.n;	/* the trace ended early: believe the reader */
	if (pl->live.n > pl->max_pos)
		pl->max_pos = pl->live.n;
	return r < 0 ? -1 : 0;
}

int player_step(struct player *pl, int64_t delta)
{
	uint64_t n = pl->live.n;

	if (delta < 0)
		n = (uint64_t)-delta > n ? 0 : n - (uint64_t)-delta;
	else
		n = (uint64_t)delta > pl->total - n ? pl->total : n + (uint64_t)delta;
	return player_goto(pl, n);
}

/* ------------------------------------------------------------------ breakpoints */

static const char *const break_words[NR_PLAYER_BREAK] = {
	[PB_CACHE] = "cache", [PB_OBJECT] = "obj", [PB_EVENT] = "event", [PB_SITE] = "site", [PB_PTR] = "ptr",
	[PB_NEW_SLAB] = "new",
	[PB_DISCARD_SLAB] = "discard", [PB_MISALIGNED] = "misaligned", [PB_FAULT] = "fault",
	[PB_EXPECT_FAIL] = "expect",
};

int player_parse_ptr(const char *s, uint64_t *ptr)
{
	char *end;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	if (!*s || strlen(s) > 16 || strspn(s, "0123456789abcdefABCDEF") != strlen(s))
		return -1;
	*ptr = strtoull(s, &end, 16);
	return 0;
}

/*
 * Does the call site @cs ("getname_flags.part.0+0x2b/0x1c0") match @want: the
 * whole site, its function+offset, or its function with or without the
 * compiler's .part/.isra/.constprop suffixes.
 */
bool player_site_matches(const char *cs, const char *want)
{
	size_t n = strlen(want);

	return n && !strncmp(cs, want, n) && (cs[n] == '\0' || cs[n] == '+' || cs[n] == '.' || cs[n] == '/' ||
					      cs[n] == ' ');
}

/* Whether @name is an event's operation: a kind of event or one of the trace's words for one. */
static bool event_name(const char *name)
{
	static const char *const aliases[] = { "kzalloc", "kmem_cache_zalloc", "kmalloc_node", "kmem_cache_alloc_node" };

	for (int k = 0; k < NR_TEV; k++) {
		const char *kn = trace_kind_name((enum trace_kind)k);

		if (!strncmp(kn, "ftrace ", 7))
			kn += 7;
		if (trace_kind_is_event((enum trace_kind)k) && !strcmp(kn, name))
			return true;
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(aliases[i], name))
			return true;
	return false;
}

/* Whether the trace has a cache named @name: the model's now, one the trace creates, or one it names. */
static bool cache_known(const struct player *pl, const char *name)
{
	const struct sim *sim = pl->live.rp.sim;

	for (unsigned i = 0; sim && i < sim->nr_caches; i++)
		if (!strcmp(sim->caches[i]->name, name))
			return true;
	for (uint32_t i = 0; i < pl->learn.nr_names; i++)
		if (!strcmp(pl->learn.name[i], name))
			return true;
	return name_table_lookup(&pl->created, name, strlen(name)) != NULL;
}

int player_break_parse(const struct player *pl, const char *s, struct player_break *b, char *why, size_t len)
{
	size_t wl;

	while (*s == ' ')
		s++;
	wl = strcspn(s, " ");
	memset(b, 0, sizeof(*b));
	snprintf(why, len, "unknown breakpoint '%s' (h for help)", s);
	for (int k = 0; k < NR_PLAYER_BREAK; k++) {
		if (strlen(break_words[k]) != wl || strncmp(s, break_words[k], wl))
			continue;
		b->kind = (enum player_break_kind)k;
		s += wl;
		while (*s == ' ')
			s++;
		snprintf(b->arg, sizeof(b->arg), "%.*s", (int)strcspn(s, " "), s);
		/* the first five need an argument, the others take none */
		if ((k <= PB_PTR) != (b->arg[0] != '\0')) {
			snprintf(why, len, k <= PB_PTR ? "'%s' needs an argument" : "'%s' takes no argument", break_words[k]);
			return -1;
		}
		if (k == PB_EVENT && !event_name(b->arg)) {
			snprintf(why, len, "'%s' is no event: kmalloc, kfree, rust_alloc, kmem_cache_alloc, ... (labels and "
				 "expectations are not events)", b->arg);
			return -1;
		}
		if (k == PB_CACHE && !cache_known(pl, b->arg)) {
			snprintf(why, len, "no cache '%s' in this trace's kernel (/ searches for part of a name)", b->arg);
			return -1;
		}
		if (k == PB_PTR && player_parse_ptr(b->arg, &b->ptr)) {
			snprintf(why, len, "'%s' is no trace pointer (hex, as ftrace prints ptr=)", b->arg);
			return -1;
		}
		return 0;
	}
	return -1;
}

void player_break_describe(const struct player_break *b, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", break_words[b->kind], b->arg[0] ? " " : "", b->arg);
}

static bool misaligned(const struct player_step *s)
{
	return s->has_op && s->align && s->op.addr > ZERO_SIZE_PTR && (s->op.addr & (s->align - 1));
}

bool player_break_hit(const struct player *pl, const struct player_break *b)
{
	const struct player_step *s = player_last(pl);
	const struct kmem_cache *c = player_step_cache(pl);
	const struct replay_obj *o;

	if (!s)
		return false;
	switch (b->kind) {
	case PB_CACHE:
		return c && !strcmp(c->name, b->arg);
	case PB_OBJECT:
		if (!strcmp(s->name, b->arg))
			return true;
		o = replay_lookup(&pl->live.rp, b->arg, NULL);
		return o && s->has_op && o->addr > ZERO_SIZE_PTR && (s->op.addr == o->addr || s->op.old_addr == o->addr);
	case PB_EVENT:
		return !strcmp(s->op_name, b->arg) || !strcmp(trace_kind_name(s->kind), b->arg);
	case PB_SITE:
		return s->has_tptr && player_site_matches(s->call_site, b->arg);
	case PB_PTR:
		return s->has_tptr && s->tptr == b->ptr;
	case PB_NEW_SLAB:
		return s->has_op && s->op.new_slabs;
	case PB_DISCARD_SLAB:
		return s->has_op && s->op.discarded_slabs;
	case PB_MISALIGNED:
		return misaligned(s);
	case PB_FAULT:
		return s->has_op && s->op.nr_faults;
	case PB_EXPECT_FAIL:
		return s->failed_expect;
	default:
		return false;
	}
}

int player_run(struct player *pl, const struct player_break *bps, unsigned nr, uint64_t max)
{
	uint64_t done = 0;

	while (pl->live.n < pl->total && (!max || done < max)) {
		if (player_goto(pl, pl->live.n + 1))
			return -2;
		done++;
		for (unsigned i = 0; i < nr; i++)
			if (player_break_hit(pl, &bps[i]))
				return (int)i;
	}
	return -1;
}

/* ------------------------------------------------------------------ opening */

static int map_file(struct player *pl, const char *path, char *err, size_t errlen)
{
	struct stat sb;
	int fd = open(path, O_RDONLY);
	void *p;

	if (fd < 0 || fstat(fd, &sb)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (the TUI needs to read it more than once)", path);
		close(fd);
		return -1;
	}
	pl->len = (size_t)sb.st_size;
	if (!pl->len) {
		pl->data = "";
		close(fd);
		return 0;
	}
	p = mmap(NULL, pl->len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	pl->data = p;
	pl->mapped = true;
	return 0;
}

/*
 * Counting the events: a pass of the parser alone over the whole trace,
 * which also lists the lines it rejects, the caches the trace creates and
 * (ftrace) learns the caches' names. A long trace is counted in two parts
 * at once, on two threads: the second part's reader starts at a line
 * boundary in the middle with the state the first part's will end in
 * (checked afterwards: the part is counted again if it differs) and its
 * lines numbered from 0 (shifted when the parts are merged), and leaves the
 * learning of names, which goes in trace order, to a pass over its bytes
 * after the first part's, when it has any event to learn from.
 */
struct count_mistake {
	uint32_t line, col;	/* the line within its part */
	uint64_t event;		/* events before it in its part */
	char *msg, *text;	/* the reader's err.msg and err.text */
};

struct count_part {
	const struct player *pl;
	size_t from, to;		/* its bytes, from a line's start to after a newline (or the end) */
	struct trace_pos at;		/* the reader's state at from */
	struct trace_pos end;		/* and at to, if told */
	bool told;
	struct learn *learn;		/* the first part learns names; NULL: learn_events says whether there are any */
	bool learn_events;		/* an ftrace kmem_cache_alloc or kmem_cache_free */
	uint64_t events, errors;
	struct count_mistake *mistakes;	/* the first PLAYER_MAX_MISTAKES */
	uint32_t nr_mistakes, mistakes_cap;
	struct name_table created;
	int r;				/* 0, or -1 with err */
	char err[sizeof(((struct trace_error *)0)->text)];
};

static void part_mistake(struct count_part *c, const struct trace_error *err)
{
	struct count_mistake *m;

	c->errors++;
	if (c->nr_mistakes == PLAYER_MAX_MISTAKES || ARRAY_GROW(c->mistakes, c->mistakes_cap, c->nr_mistakes + 1))
		return;
	m = &c->mistakes[c->nr_mistakes];
	*m = (struct count_mistake){ .line = err->line, .col = err->col, .event = c->events,
				     .msg = strdup(err->msg), .text = strdup(err->text) };
	if (m->msg && m->text) {
		c->nr_mistakes++;
	} else {
		free(m->msg);
		free(m->text);
	}
}

static void *count_part(void *arg)
{
	struct count_part *c = arg;
	const struct player *pl = c->pl;
	struct trace_reader rd;
	struct trace_event ev;
	struct name_entry *e;
	size_t dropped = c->from;
	int r;

	c->r = -1;
	snprintf(c->err, sizeof(c->err), "out of memory");
	if (trace_open_mem_at(&rd, pl->data, c->to, pl->name, &c->at))
		return NULL;
	while ((r = trace_next(&rd, &ev)) != TRACE_EOF && r != TRACE_IOERR) {
		if (trace_line_start(&rd) >= dropped + PLAYER_DROP_BYTES) {
			drop_range(pl, dropped, trace_line_start(&rd));
			dropped = trace_line_start(&rd);
		}
		if (r == TRACE_ERROR) {
			part_mistake(c, &rd.err);
			continue;
		}
		c->events += trace_kind_is_event(ev.kind);
		if (ev.kind == TEV_CACHE_CREATE && ev.text &&
		    name_table_bind(&c->created, ev.text, strlen(ev.text), 0, &e) == NT_ENOMEM) {
			snprintf(rd.err.text, sizeof(rd.err.text), "out of memory");
			r = TRACE_IOERR;
			break;
		}
		if (!c->learn)
			c->learn_events |= trace_kind_is_ft_cache(ev.kind);
		else if (!c->learn->native && learn_event(c->learn, &ev)) {
			snprintf(rd.err.text, sizeof(rd.err.text), "out of memory");
			r = TRACE_IOERR;
			break;
		}
	}
	if (r == TRACE_IOERR) {
		snprintf(c->err, sizeof(c->err), "%s", rd.err.text);
	} else {
		c->told = !trace_tell(&rd, &c->end);
		c->r = 0;
	}
	trace_close(&rd);
	return NULL;
}

static void part_release(struct count_part *c)
{
	for (uint32_t i = 0; i < c->nr_mistakes; i++) {
		free(c->mistakes[i].msg);
		free(c->mistakes[i].text);
	}
	free(c->mistakes);
	name_table_release(&c->created);
}

/*
 * Part @c's counts into the player: its events follow @before others, its
 * lines @lines others. 0, or -1 out of memory.
 */
static int part_merge(struct player *pl, const struct count_part *c, uint64_t before, uint32_t lines)
{
	char text[sizeof(((struct trace_error *)0)->text)];
	struct name_entry *e;
	size_t len;

	for (uint32_t i = 0; i < c->nr_mistakes; i++) {
		const struct count_mistake *m = &c->mistakes[i];

		/* the line in the reader's words, as trace_vfail_col() puts it */
		if (lines)
			snprintf(text, sizeof(text), "%s:%u:%u: %s", pl->name, m->line + lines, m->col, m->msg);
		add_mistake(pl, PN_ERROR, m->line + lines, before + m->event, lines ? text : m->text);
	}
	/* those beyond PLAYER_MAX_MISTAKES are counted, as add_mistake() does */
	pl->replay_errors += c->errors - c->nr_mistakes;
	pl->parse_errors += c->errors;
	pl->total += c->events;
	for (uint32_t i = 0; i < name_table_slots(&c->created); i++) {
		const struct name_entry *ce = name_table_slot(&c->created, i);
		const void *key = ce ? name_table_key(&c->created, ce, &len) : NULL;

		if (key && name_table_bind(&pl->created, key, len, 0, &e) == NT_ENOMEM)
			return -1;
	}
	return 0;
}

/* Learn names from the ftrace events in [from, to), the reader resumed at @at: the second part's. */
static int learn_range(struct player *pl, const struct trace_pos *at, size_t to)
{
	struct trace_reader rd;
	struct trace_pipe *tp = NULL;
	const struct trace_event *ev;
	struct trace_event own;
	const struct trace_error *err;
	int r, ret = 0;

	if (trace_open_mem_at(&rd, pl->data, to, pl->name, at))
		return -1;
	trace_pipe_open(&tp, &rd, NULL);	/* the other core parses */
	for (;;) {
		if (tp) {
			r = trace_pipe_next(tp, &ev, &err);
		} else {
			r = trace_next(&rd, &own);
			ev = &own;
		}
		if (r == TRACE_EOF || r == TRACE_IOERR)
			break;
		if (r == TRACE_EVENT && trace_kind_is_ft_cache(ev->kind) && learn_event(&pl->learn, ev)) {
			ret = -1;
			break;
		}
	}
	trace_pipe_close(tp);
	trace_close(&rd);
	return r == TRACE_IOERR ? -1 : ret;
}

/* Where the second part begins: after the first newline past the middle, 0 for one part. */
static size_t second_part(const struct player *pl)
{
	size_t mid = pl->len / 2;
	const char *nl;

	if (pl->len < pl->tune.split_min || pl->len < 2 || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return 0;
	nl = memchr(pl->data + mid, '\n', pl->len - mid);
	return nl && nl + 1 < pl->data + pl->len ? (size_t)(nl + 1 - pl->data) : 0;
}

/* The second part's reader assumed what the first part's ended with: the counts hold. */
static bool parts_agree(const struct count_part *a, const struct count_part *b)
{
	/* the native "cpu N" in force does not change what is counted; lines are shifted */
	return a->told && a->end.off == b->at.off && a->end.seen_event == b->at.seen_event &&
	       a->end.format == b->at.format;
}

static void part_init(struct count_part *c, const struct player *pl, size_t from, size_t to,
		      const struct trace_pos *at, struct learn *learn)
{
	*c = (struct count_part){ .pl = pl, .from = from, .to = to, .at = *at, .learn = learn };
	name_table_init(&c->created);
}

/* Count the trace in two parts at once when it is long: a, and b unless b->to is 0. */
static void count_parts(struct player *pl, struct count_part *a, struct count_part *b)
{
	struct trace_pos at = { .format = TRACE_FMT_AUTO };
	size_t mid = second_part(pl);
	pthread_t thread;
	bool threaded = false;

	part_init(a, pl, 0, mid ? mid : pl->len, &at, &pl->learn);
	at = (struct trace_pos){ .off = mid, .format = trace_detect(pl->data, pl->len) };
	/* a native trace has had its first event by the middle; the ftrace reader does not track it */
	at.seen_event = at.format == TRACE_FMT_NATIVE;
	part_init(b, pl, mid, mid ? pl->len : 0, &at, NULL);
	if (mid)
		threaded = !pthread_create(&thread, NULL, count_part, b);
	count_part(a);
	if (threaded)
		pthread_join(thread, NULL);
	if (!mid || a->r || (threaded && !b->r && parts_agree(a, b)))
		return;
	/* no thread, or it guessed wrong: the second part after the first */
	part_release(b);
	if (a->told) {
		part_init(b, pl, mid, pl->len, &a->end, NULL);
		count_part(b);
		return;
	}
	/* the first part ended where a reader cannot resume: the whole trace in one */
	part_release(a);
	learn_release(&pl->learn);
	learn_init(&pl->learn);
	at = (struct trace_pos){ .format = TRACE_FMT_AUTO };
	part_init(a, pl, 0, pl->len, &at, &pl->learn);
	part_init(b, pl, 0, 0, &at, NULL);
	count_part(a);
}

static int count_events(struct player *pl, char *err, size_t errlen)
{
	struct count_part a, b;
	struct trace_pos at;
	int ret = -1;

	count_parts(pl, &a, &b);
	if (a.r || (b.to && b.r)) {
		snprintf(err, errlen, "%s", a.r ? a.err : b.err);
		goto out;
	}
	if (part_merge(pl, &a, 0, 0) || (b.to && part_merge(pl, &b, a.events, a.end.line - b.at.line))) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	at = b.at;
	at.line = a.end.line;	/* learn.h keeps the line of some objects */
	if (b.learn_events && !pl->learn.native && learn_range(pl, &at, b.to)) {
		snprintf(err, errlen, "%s: could not learn the caches' names (out of memory?)", pl->name);
		goto out;
	}
	learn_freeze(&pl->learn);
	ret = 0;
out:
	drop_read(pl, pl->len);
	part_release(&a);
	part_release(&b);
	return ret;
}

/* Apply the leading config lines, leave the reader before the first step and boot. */
static int boot(struct player *pl, char *err, size_t errlen)
{
	struct trace_event ev;
	struct trace_pos pos = { .format = TRACE_FMT_AUTO };
	char *text = NULL;
	size_t text_len = 0;
	FILE *msgs = open_memstream(&text, &text_len);
	int r, ret;

	if (!msgs)
		return -1;
	pl->live.rp.opts.err = msgs;
	for (;;) {
		trace_tell(&pl->rd, &pos);
		r = trace_next(&pl->rd, &ev);
		if (r == TRACE_EOF || r == TRACE_IOERR || (r == TRACE_EVENT && ev.kind != TEV_CONFIG))
			break;
		if (r == TRACE_EVENT)
			replay_event(&pl->live.rp, &pl->rd, &ev);
	}
	trace_close(&pl->rd);
	pl->rd_open = false;
	ret = replay_boot(&pl->live.rp);
	fclose(msgs);
	if (ret || pl->live.rp.st.errors)
		snprintf(err, errlen, "%.*s", text_len && text[text_len - 1] == '\n' ? (int)text_len - 1 : (int)text_len,
			 text ? text : "");
	free(text);
	pl->live.rp.opts.err = pl->devnull;
	if (ret)
		return -1;
	if (trace_open_mem_at(&pl->rd, pl->data, pl->len, pl->name, &pos))
		return -1;
	pl->rd_open = true;
	pl->live.pos = pos;
	hist_recount(&pl->live.hist, pl->live.rp.sim);
	/* position 0: the lines before event 1 */
	pl->recording = true;
	return settle(pl);
}

int player_open(struct player *pl, const char *path, const struct sim_config *base, unsigned cli_set, char *err,
		size_t errlen)
{
	return player_open_tuned(pl, path, base, cli_set, NULL, err, errlen);
}

int player_open_tuned(struct player *pl, const char *path, const struct sim_config *base, unsigned cli_set,
		      const struct player_tuning *tune, char *err, size_t errlen)
{
	struct replay_opts opts = { .cli_set = cli_set, .quiet_faults = true, .hook = hook, .hook_ctx = pl,
				    .keep_call_sites = true };
	const char *slash = strrchr(path, '/');

	memset(pl, 0, sizeof(*pl));
	pl->tune = tune ? *tune : (struct player_tuning){ .pipe_min = PLAYER_PIPE_MIN, .split_min = PLAYER_SPLIT_MIN };
	snprintf(err, errlen, "out of memory");
	pl->name = strdup(slash ? slash + 1 : path);
	pl->devnull = fopen("/dev/null", "w");
	pl->coarse = calloc(PLAYER_COARSE + 1, sizeof(*pl->coarse));
	if (!pl->name || !pl->devnull || !pl->coarse)
		goto fail;
	learn_init(&pl->learn);
	name_table_init(&pl->created);
	if (map_file(pl, path, err, errlen) || count_events(pl, err, errlen))
		goto fail;
	if (!pl->learn.native)
		opts.learn = &pl->learn;
	pl->k = pl->total / PLAYER_COARSE > 256 ? (pl->total + PLAYER_COARSE - 1) / PLAYER_COARSE : 256;
	drop_fine(pl, 0);
	opts.err = pl->devnull;
	if (replay_init(&pl->live.rp, base, &opts))
		goto fail;
	pl->live.used = true;
	snprintf(err, errlen, "out of memory");
	if (trace_open_mem(&pl->rd, pl->data, pl->len, pl->name, TRACE_FMT_AUTO))
		goto fail;
	pl->rd_open = true;
	if (boot(pl, err, errlen))
		goto fail;
	if (checkpoint(pl, &pl->coarse[0]))
		goto fail;
	pl->nr_coarse = 1;
	return 0;
fail:
	player_close(pl);
	return -1;
}

void player_close(struct player *pl)
{
	for (unsigned i = 0; pl->coarse && i < pl->nr_coarse; i++)
		state_release(&pl->coarse[i]);
	free(pl->coarse);
	drop_fine(pl, 0);
	state_release(&pl->live);
	if (pl->tp) {
		trace_pipe_close(pl->tp);
		trace_close(&pl->prd);
	}
	if (pl->rd_open)
		trace_close(&pl->rd);
	if (pl->mapped)
		munmap((void *)pl->data, pl->len);
	if (pl->devnull)
		fclose(pl->devnull);
	learn_release(&pl->learn);
	name_table_release(&pl->created);
	for (uint32_t i = 0; i < pl->nr_mistakes; i++)
		free(pl->mistakes[i].text);
	free(pl->mistakes);
	free(pl->name);
	memset(pl, 0, sizeof(*pl));
}
