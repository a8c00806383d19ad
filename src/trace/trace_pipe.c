/* The parsing thread: trace_next() ahead of the replayer, in bounded batches. */
#include "trace_pipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/util.h"
#include "trace_int.h"

/* The kernel's cpu_relax(): a polling loop's hint to the processor. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

/* Room for one event's strings whatever its line, or for an error, or for many short ones. */
#define TP_ERR_NEED (sizeof(struct trace_error) + _Alignof(struct trace_error) - 1)
#define TP_ARENA (TRACE_LINE_MAX + TP_ERR_NEED + TRACE_PIPE_BATCH * 64)

/*
 * Events are parsed in place, packed one after the other in evbuf, each
 * only as long as its kind uses (event_size()): the fewer cache lines
 * cross from the parsing core to the replaying one, the better. evbuf
 * always has room for one whole event after the last.
 */
struct tp_batch {
	unsigned n;
	size_t used;		/* bytes of arena */
	size_t ev_used;		/* bytes of evbuf */
	struct trace_pipe_item item[TRACE_PIPE_BATCH];
	_Alignas(struct trace_error) char arena[TP_ARENA];
	_Alignas(struct trace_event) unsigned char evbuf[TRACE_PIPE_BATCH * sizeof(struct trace_event)];
	struct trace_pipe_where where[TRACE_PIPE_BATCH];	/* only with tp_ring.where: last, out of the way */
};

struct tp_ring {
	struct trace_pipe pipe;		/* the consumer's view, read inline: on the consumer's line */
	struct trace_reader *rd;
	trace_hash_fn hash;		/* the consumer's, for names */
	bool where;			/* trace_pipe_open_where(): keep where each line was */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled, drained;
	unsigned full;			/* batches handed over and not yet given back (__atomic: polled) */
	unsigned spin;			/* polls before the consumer sleeps (TRACE_PIPE_SPIN, 0 on one CPU) */
	bool producer_waits;		/* the parsing thread sleeps until full <= TRACE_PIPE_WAKE_AT */
	/*
	 * The parsing thread reads this after every line and the consumer
	 * writes its own fields after every event: on one cache line they
	 * would bounce between the cores at each event.
	 */
	_Alignas(64) bool stop;		/* the consumer is gone: the thread ends */
	/* the consumer's own, with pipe */
	_Alignas(64) unsigned head;	/* its batch: batch[head % TRACE_PIPE_BATCHES] */
	bool have;			/* it holds batch[head] */
	_Alignas(64) struct tp_batch batch[TRACE_PIPE_BATCHES];
};

static bool in_buf(const struct trace_reader *rd, const char *s)
{
	return s >= rd->buf && s <= rd->buf + TRACE_READ_BUF;
}

/* Bytes that relocate() will copy for @s. */
static size_t str_need(const struct trace_reader *rd, const char *s)
{
	return s && in_buf(rd, s) ? strlen(s) + 1 : 0;
}

/* A name's bytes: its length is known, no strlen(). */
static size_t name_need(const struct trace_reader *rd, const struct trace_name *n)
{
	return n->s && in_buf(rd, n->s) ? n->len + 1 : 0;
}

/* Move @len bytes of @s out of the line buffer into the arena. */
static void move_out(struct tp_batch *b, const char **s, size_t len)
{
	memcpy(b->arena + b->used, *s, len);
	*s = b->arena + b->used;
	b->used += len;
}

/* Move a string out of the line buffer into the arena; strings elsewhere (static tables) stay. */
static inline void relocate(const struct trace_reader *rd, struct tp_batch *b, const char **s)
{
	if (*s && in_buf(rd, *s))
		move_out(b, s, strlen(*s) + 1);
}

/* relocate() for a name, hashed for the consumer on the way (trace_hash_fn). */
static inline void relocate_name(const struct trace_reader *rd, trace_hash_fn hash, struct tp_batch *b,
				 struct trace_name *n)
{
	if (!n->s)
		return;
	if (hash) {
		n->hash = hash(n->s, n->len);
		n->hashed = true;
	}
	if (in_buf(rd, n->s))
		move_out(b, &n->s, n->len + 1);
}

static bool is_ftrace(const struct trace_event *ev)
{
	return ev->kind >= TEV_FT_KMALLOC;
}

static bool has_keys(const struct trace_event *ev)
{
	return ev->kind == TEV_EXPECT_OBJ || ev->kind == TEV_EXPECT_CACHE;
}

/* The bytes of struct trace_event that an event of this kind uses, a multiple of its alignment. */
static size_t event_size(const struct trace_event *ev)
{
	size_t n;

	if (is_ftrace(ev))
		n = offsetof(struct trace_event, ft) + sizeof(ev->ft);
	else if (has_keys(ev))
		n = sizeof(*ev);
	else
		n = offsetof(struct trace_event, keys);
	return (n + _Alignof(struct trace_event) - 1) / _Alignof(struct trace_event) * _Alignof(struct trace_event);
}

/*
 * The strings of an event, from trace.h's lists (TRACE_EVENT_*_STRINGS,
 * _NAMES): expanded in line, as straight code, since every event passes.
 */
#define TP_NEED_STR(field) n += str_need(rd, ev->field);
#define TP_NEED_NAME(field) n += name_need(rd, &ev->field);
#define TP_MOVE_STR(field) relocate(rd, b, &ev->field);
#define TP_MOVE_NAME(field) relocate_name(rd, hash, b, &ev->field);

/* Bytes of the arena that event_relocate() will use for @ev. */
static size_t event_need(const struct trace_reader *rd, const struct trace_event *ev)
{
	size_t n = 0;

	if (rd->cur_quick)	/* kmalloc, kzalloc, kfree: no string but a name */
		return name_need(rd, &ev->result) + name_need(rd, &ev->obj);
	if (is_ftrace(ev)) {
		TRACE_EVENT_FTRACE_STRINGS(TP_NEED_STR)
		return n;
	}
	TRACE_EVENT_NATIVE_STRINGS(TP_NEED_STR)
	TRACE_EVENT_NATIVE_NAMES(TP_NEED_NAME)
	if (has_keys(ev))
		for (unsigned i = 0; i < ev->nr_keys; i++)
			n += str_need(rd, ev->keys[i].text);
	return n;
}

/*
 * Move the strings of @ev out of the line buffer into @b's arena.
 * @rd and @hash come from the parsing thread's locals: struct trace_pipe's
 * first cache line is the consumer's, written at every event.
 */
static void event_relocate(const struct trace_reader *rd, trace_hash_fn hash, struct tp_batch *b,
			   struct trace_event *ev)
{
	if (rd->cur_quick) {
		relocate_name(rd, hash, b, &ev->result);
		relocate_name(rd, hash, b, &ev->obj);
		return;
	}
	if (is_ftrace(ev)) {
		TRACE_EVENT_FTRACE_STRINGS(TP_MOVE_STR)
		return;
	}
	TRACE_EVENT_NATIVE_STRINGS(TP_MOVE_STR)
	TRACE_EVENT_NATIVE_NAMES(TP_MOVE_NAME)
	if (has_keys(ev))
		for (unsigned i = 0; i < ev->nr_keys; i++)
			relocate(rd, b, &ev->keys[i].text);
}

static bool stopped(struct tp_ring *tp)
{
	return __atomic_load_n(&tp->stop, __ATOMIC_RELAXED);
}

/*
 * Hand the filled batch over; unless it was the @last, wait for a free one
 * and return it empty. NULL when the consumer has gone.
 */
static struct tp_batch *hand_over(struct tp_ring *tp, unsigned *tail, bool last)
{
	struct tp_batch *b = NULL;

	pthread_mutex_lock(&tp->lock);
	__atomic_store_n(&tp->full, tp->full + 1, __ATOMIC_RELEASE);	/* the consumer may be polling */
	pthread_cond_signal(&tp->filled);
	if (!last && tp->full == TRACE_PIPE_BATCHES) {
		/* sleep until half the ring is free: one wake-up per several batches */
		tp->producer_waits = true;
		while (!tp->stop && tp->full > TRACE_PIPE_WAKE_AT)
			pthread_cond_wait(&tp->drained, &tp->lock);
		tp->producer_waits = false;
	}
	if (!last && !tp->stop) {
		b = &tp->batch[++*tail % TRACE_PIPE_BATCHES];
		b->n = 0;
		b->used = b->ev_used = 0;
	}
	pthread_mutex_unlock(&tp->lock);
	return b;
}

/* Where the next event of @b is parsed: in place, so that it is written once, not copied. */
static struct trace_event *next_slot(struct tp_batch *b)
{
	return (struct trace_event *)(void *)(b->evbuf + b->ev_used);
}

static void *parse_ahead(void *arg)
{
	struct tp_ring *tp = arg;
	struct trace_reader *rd = tp->rd;
	trace_hash_fn hash = tp->hash;
	struct tp_batch *b = &tp->batch[0];
	unsigned tail = 0;
	bool where = tp->where;
	struct trace_pos pos = { 0 };
	int r;

	b->n = 0;
	b->used = b->ev_used = 0;
	do {
		struct trace_event *ev = next_slot(b);
		struct trace_pipe_item *it;
		size_t need;
		bool told = where && !trace_tell(rd, &pos);

		r = trace_next(rd, ev);
		need = r == TRACE_EVENT ? event_need(rd, ev) : r == TRACE_EOF ? 0 : TP_ERR_NEED;
		if (b->used + need > TP_ARENA) {
			/* its strings do not fit: this event opens the next batch */
			const struct trace_event *parsed = ev;

			if (!(b = hand_over(tp, &tail, false)))
				return NULL;
			ev = next_slot(b);
			if (r == TRACE_EVENT)
				memcpy(ev, parsed, event_size(parsed));
		}
		if (where) {
			b->where[b->n].valid = told;
			b->where[b->n].pos = pos;
			b->where[b->n].line_start = trace_line_start(rd);
		}
		it = &b->item[b->n++];
		it->status = r;
		it->err = NULL;
		it->ev = NULL;
		it->hinted = false;
		if (r == TRACE_EVENT) {
			event_relocate(rd, hash, b, ev);
			if (!is_ftrace(ev) && (ev->result.hashed || ev->obj.hashed)) {
				it->hinted = true;
				it->hint = ev->result.hashed ? ev->result.hash : ev->obj.hash;
			}
			it->ev = ev;
			b->ev_used += event_size(ev);
			/*
			 * The replaying core read these bytes a few batches ago: ask
			 * for them back for writing a few events before parsing there.
			 */
			for (size_t ahead = 0; ahead < TRACE_PIPE_FETCH_BYTES; ahead += 64)
				if (b->ev_used + TRACE_PIPE_FETCH_FROM + ahead < sizeof(b->evbuf))
					prefetchw(b->evbuf + b->ev_used + TRACE_PIPE_FETCH_FROM + ahead);
		} else if (r != TRACE_EOF) {
			/* the whole error: a consumer reports its file, line and column apart */
			size_t at = (b->used + _Alignof(struct trace_error) - 1) & ~(_Alignof(struct trace_error) - 1);

			it->err = memcpy(b->arena + at, &rd->err, sizeof(rd->err));
			b->used = at + sizeof(rd->err);
		}
		if (r == TRACE_EOF || r == TRACE_IOERR)
			break;
		if (b->n == TRACE_PIPE_BATCH && !(b = hand_over(tp, &tail, false)))
			return NULL;
	} while (!stopped(tp));
	if (r != TRACE_EOF && r != TRACE_IOERR) {
		/* stopped early: nobody reads on, but the batch still ends */
		b->item[b->n].status = TRACE_EOF;
		b->item[b->n++].err = NULL;
	}
	hand_over(tp, &tail, true);
	return NULL;
}

static int pipe_open(struct trace_pipe **out, struct trace_reader *rd, trace_hash_fn hash, bool where)
{
	struct tp_ring *tp;

	*out = NULL;
	if (posix_memalign((void **)&tp, _Alignof(struct trace_pipe), sizeof(*tp)))
		return -1;
	memset(tp, 0, sizeof(*tp));
	tp->rd = rd;
	tp->hash = hash;
	tp->where = where;
	tp->spin = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? TRACE_PIPE_SPIN : 0;
	if (pthread_mutex_init(&tp->lock, NULL))
		goto fail_mutex;
	if (pthread_cond_init(&tp->filled, NULL))
		goto fail_filled;
	if (pthread_cond_init(&tp->drained, NULL))
		goto fail_drained;
	if (pthread_create(&tp->thread, NULL, parse_ahead, tp))
		goto fail_thread;
	*out = &tp->pipe;
	return 0;
fail_thread:
	pthread_cond_destroy(&tp->drained);
fail_drained:
	pthread_cond_destroy(&tp->filled);
fail_filled:
	pthread_mutex_destroy(&tp->lock);
fail_mutex:
	free(tp);
	return -1;
}

int trace_pipe_open(struct trace_pipe **out, struct trace_reader *rd, trace_hash_fn hash)
{
	return pipe_open(out, rd, hash, false);
}

int trace_pipe_open_where(struct trace_pipe **out, struct trace_reader *rd, trace_hash_fn hash)
{
	return pipe_open(out, rd, hash, true);
}

void trace_pipe_refill(struct trace_pipe *pipe)
{
	struct tp_ring *tp = container_of(pipe, struct tp_ring, pipe);
	struct tp_batch *b;

	do {
		pthread_mutex_lock(&tp->lock);
		if (tp->have) {
			/* the batch is read: give it back */
			__atomic_store_n(&tp->full, tp->full - 1, __ATOMIC_RELAXED);
			tp->head++;
			if (tp->producer_waits && tp->full <= TRACE_PIPE_WAKE_AT)
				pthread_cond_signal(&tp->drained);
		}
		if (!tp->full && tp->spin) {
			pthread_mutex_unlock(&tp->lock);
			for (unsigned i = 0; i < tp->spin && !__atomic_load_n(&tp->full, __ATOMIC_ACQUIRE); i++)
				cpu_relax();
			pthread_mutex_lock(&tp->lock);
		}
		while (!tp->full)
			pthread_cond_wait(&tp->filled, &tp->lock);
		pthread_mutex_unlock(&tp->lock);
		b = &tp->batch[tp->head % TRACE_PIPE_BATCHES];
		tp->have = true;
	} while (!b->n);
	tp->pipe.item = b->item;
	tp->pipe.where = b->where;
	tp->pipe.n = b->n;
	tp->pipe.pos = 0;
}

void trace_pipe_close(struct trace_pipe *pipe)
{
	struct tp_ring *tp;

	if (!pipe)
		return;
	tp = container_of(pipe, struct tp_ring, pipe);
	pthread_mutex_lock(&tp->lock);
	__atomic_store_n(&tp->stop, true, __ATOMIC_RELAXED);	/* stopped() reads it without the lock */
	pthread_cond_signal(&tp->drained);
	pthread_mutex_unlock(&tp->lock);
	pthread_join(tp->thread, NULL);
	pthread_cond_destroy(&tp->drained);
	pthread_cond_destroy(&tp->filled);
	pthread_mutex_destroy(&tp->lock);
	free(tp);
}
