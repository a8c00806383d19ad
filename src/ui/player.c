/* The trace player: a replay at any event, forward and back (player.h). */
#include "player.h"
#include "sim/array.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ states */

static void hist_release(struct player_hist *h)
{
	free(h->use);
	free(h->count);
	memset(h, 0, sizeof(*h));
}

static int hist_grow(struct player_hist *h, uint32_t need)
{
	uint32_t use_cap = h->cap;

	/* two arrays, one capacity: it grows when both have */
	if (ARRAY_GROW(h->use, use_cap, need) || ARRAY_GROW(h->count, h->cap, need))
		return -1;
	return 0;
}

static int hist_clone(struct player_hist *dst, const struct player_hist *src)
{
	memset(dst, 0, sizeof(*dst));
	if (hist_grow(dst, src->cap))
		return -1;
	if (src->cap) {
		memcpy(dst->use, src->use, (size_t)src->cap * sizeof(*src->use));
		memcpy(dst->count, src->count, src->cap);
	}
	return 0;
}

static void hist_push(struct player_hist *h, unsigned index, uint8_t use)
{
	if (hist_grow(h, index + 1))
		return;	/* out of memory: the history only misses a sample */
	if (h->count[index] == PLAYER_HIST)
		memmove(h->use[index], h->use[index] + 1, PLAYER_HIST - 1);
	else
		h->count[index]++;
	h->use[index][h->count[index] - 1] = use;
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

/* ------------------------------------------------------------------ the step record */

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
	size_t off = trace_line_start(&pl->rd), n = 0;
	const char *p = pl->data + off;

	memset(s, 0, sizeof(*s));
	s->kind = ev->kind;
	s->line = ev->line;
	s->cpu = ev->cpu;
	s->cache_index = -1;
	while (off + n < pl->len && (p[n] == ' ' || p[n] == '\t'))
		p++, off++;
	while (off + n < pl->len && p[n] != '\n' && p[n] != '\r' && n < sizeof(s->text) - 1)
		n++;
	memcpy(s->text, p, n);
	snprintf(s->op_name, sizeof(s->op_name), "%s", ev->op ? ev->op : trace_kind_name(ev->kind));
	if (ev->kind >= TEV_FT_KMALLOC) {
		s->size = ev->ft.bytes_req;
		step_ftrace(s, ev);
	} else if (ev->kind != TEV_CONFIG) {
		s->size = ev->size;
		if (ev->kind >= TEV_RUST_ALLOC && ev->kind <= TEV_RUST_FREE)
			s->align = ev->align;
	}
}

static void hook(void *ctx, const struct replay *rp, const struct replay_step *st)
{
	struct player *pl = ctx;
	struct player_step *s = &pl->live.step;
	struct cache_stats cs;

	if (st->name)
		snprintf(s->name, sizeof(s->name), "%s", st->name);
	s->ksize = st->ksize;
	s->failed_expect = st->failed_expect;
	if (!st->op)
		return;
	s->has_op = true;
	s->op = *st->op;
	s->op.cache = NULL;
	s->op.fault_text = NULL;
	if (!st->op->cache)
		return;
	s->cache_index = (int)st->op->cache->index;
	kmem_cache_stats(rp->sim, st->op->cache, &cs);
	hist_push(&pl->live.hist, st->op->cache->index,
		  (uint8_t)(cs.total_objects ? cs.objects * 100 / cs.total_objects : 0));
}

const struct player_step *player_last(const struct player *pl)
{
	return pl->live.n ? &pl->live.step : NULL;
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

unsigned player_history(const struct player *pl, unsigned index, const uint8_t **use)
{
	const struct player_hist *h = &pl->live.hist;

	if (index >= h->cap)
		return 0;
	*use = h->use[index];
	return h->count[index];
}

/* ------------------------------------------------------------------ moving forward */

static void drop_fine(struct player *pl, uint64_t seg)
{
	for (unsigned j = 0; j < PLAYER_FINE; j++)
		state_release(&pl->fine[j]);
	pl->fine_seg = seg;
}

/* What a clone of @st costs, roughly: the pages in use and the model's tables. */
static uint64_t state_bytes(const struct player_state *st)
{
	const struct sim *sim = st->rp.sim;
	const struct page_alloc *pa = &sim->pa;

	return ((uint64_t)(pa->nr_pages - pa->free_pages) << pa->page_shift) +
	       page_frame_bytes(pa) + (uint64_t)sim->slabs_cap * sizeof(*sim->slabs);
}

/* Over the memory budget: keep every other coarse checkpoint and double the interval. */
static void thin_coarse(struct player *pl)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < pl->nr_coarse; i++) {
		if (i % 2) {
			pl->coarse_bytes -= state_bytes(&pl->coarse[i]);
			state_release(&pl->coarse[i]);
		} else {
			pl->coarse[kept++] = pl->coarse[i];
		}
	}
	for (unsigned i = kept; i < pl->nr_coarse; i++)
		pl->coarse[i].used = false;
	pl->nr_coarse = kept;
	pl->k *= 2;
	pl->fine_k = pl->k / PLAYER_FINE;
	drop_fine(pl, pl->fine_target / pl->k);
}

static void keep_checkpoints(struct player *pl)
{
	uint64_t n = pl->live.n, seg = n / pl->k, j;
	struct player_state *c;

	if (!(n % pl->k) && seg == pl->nr_coarse && seg < PLAYER_COARSE + 1) {
		c = &pl->coarse[seg];
		if (trace_tell(&pl->rd, &pl->live.pos) || state_clone(c, &pl->live))
			return;
		pl->nr_coarse++;
		pl->coarse_bytes += state_bytes(c);
		if (pl->coarse_bytes > PLAYER_BUDGET && pl->nr_coarse > 2)
			thin_coarse(pl);
		return;
	}
	if (seg != pl->fine_seg || n % pl->fine_k)
		return;
	j = n % pl->k / pl->fine_k;
	if (j && j < PLAYER_FINE && !pl->fine[j].used && trace_tell(&pl->rd, &pl->live.pos) == 0)
		state_clone(&pl->fine[j], &pl->live);
}

/* Apply the next step: 1, 0 at the end of the trace, -1 on a read error. */
static int advance(struct player *pl)
{
	struct trace_event ev;
	int r;

	while ((r = trace_next(&pl->rd, &ev)) != TRACE_EOF) {
		if (r == TRACE_IOERR)
			return -1;
		if (r == TRACE_ERROR)
			continue;
		if (ev.kind == TEV_CONFIG) {
			replay_event(&pl->live.rp, &pl->rd, &ev);	/* misplaced: an error the replayer counts */
			continue;
		}
		step_begin(pl, &ev);
		replay_event(&pl->live.rp, &pl->rd, &ev);
		snprintf(pl->live.step.message, sizeof(pl->live.step.message), "%s", pl->live.rp.msg);
		pl->live.n++;
		keep_checkpoints(pl);
		return 1;
	}
	return 0;
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
		for (unsigned j = PLAYER_FINE; j-- > 1;) {
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
	for (unsigned j = 1; j < PLAYER_FINE; j++)
		if (pl->fine[j].used)
			return false;
	return true;
}

int player_goto(struct player *pl, uint64_t n)
{
	const struct player_state *start;
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
	while (pl->live.n < n && (r = advance(pl)) > 0)
		;
	if (r == 0)
		pl->total = pl->live.n;	/* the trace ended early: believe the reader */
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

int player_break_parse(const char *s, struct player_break *b)
{
	size_t wl;

	while (*s == ' ')
		s++;
	wl = strcspn(s, " ");
	memset(b, 0, sizeof(*b));
	for (int k = 0; k < NR_PLAYER_BREAK; k++) {
		if (strlen(break_words[k]) != wl || strncmp(s, break_words[k], wl))
			continue;
		b->kind = (enum player_break_kind)k;
		s += wl;
		while (*s == ' ')
			s++;
		snprintf(b->arg, sizeof(b->arg), "%.*s", (int)strcspn(s, " "), s);
		/* the first five need an argument, the others take none */
		if ((k <= PB_PTR) != (b->arg[0] != '\0'))
			return -1;
		return k == PB_PTR ? player_parse_ptr(b->arg, &b->ptr) : 0;
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

/* Steps in the whole trace: one pass of the parser alone, which learns the caches' names too. */
static int count_steps(struct player *pl, char *err, size_t errlen)
{
	struct trace_reader rd;
	struct trace_event ev;
	int r;

	if (trace_open_mem(&rd, pl->data, pl->len, pl->name, TRACE_FMT_AUTO))
		return -1;
	while ((r = trace_next(&rd, &ev)) != TRACE_EOF && r != TRACE_IOERR) {
		if (r == TRACE_ERROR)
			pl->parse_errors++;
		else if (ev.kind != TEV_CONFIG)
			pl->total++;
		if (r == TRACE_EVENT && !pl->learn.native && learn_event(&pl->learn, &ev)) {
			snprintf(rd.err.text, sizeof(rd.err.text), "out of memory");
			r = TRACE_IOERR;
			break;
		}
	}
	if (r != TRACE_IOERR)
		learn_freeze(&pl->learn);
	if (r == TRACE_IOERR)
		snprintf(err, errlen, "%s", rd.err.text);
	trace_close(&rd);
	return r == TRACE_IOERR ? -1 : 0;
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
	return 0;
}

int player_open(struct player *pl, const char *path, const struct sim_config *base, unsigned cli_set, char *err,
		size_t errlen)
{
	struct replay_opts opts = { .cli_set = cli_set, .quiet_faults = true, .hook = hook, .hook_ctx = pl,
				    .keep_call_sites = true };
	const char *slash = strrchr(path, '/');

	memset(pl, 0, sizeof(*pl));
	snprintf(err, errlen, "out of memory");
	pl->name = strdup(slash ? slash + 1 : path);
	pl->devnull = fopen("/dev/null", "w");
	pl->coarse = calloc(PLAYER_COARSE + 1, sizeof(*pl->coarse));
	if (!pl->name || !pl->devnull || !pl->coarse)
		goto fail;
	learn_init(&pl->learn);
	if (map_file(pl, path, err, errlen) || count_steps(pl, err, errlen))
		goto fail;
	if (!pl->learn.native)
		opts.learn = &pl->learn;
	pl->k = pl->total / PLAYER_COARSE > 256 ? (pl->total + PLAYER_COARSE - 1) / PLAYER_COARSE : 256;
	pl->fine_k = pl->k / PLAYER_FINE ? pl->k / PLAYER_FINE : 1;
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
	if (state_clone(&pl->coarse[0], &pl->live))
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
	if (pl->rd_open)
		trace_close(&pl->rd);
	if (pl->mapped)
		munmap((void *)pl->data, pl->len);
	if (pl->devnull)
		fclose(pl->devnull);
	learn_release(&pl->learn);
	free(pl->name);
	memset(pl, 0, sizeof(*pl));
}
