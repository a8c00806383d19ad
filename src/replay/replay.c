#include "replay.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "sim/array.h"
#include "sim/kver.h"
#include "sim/rust.h"
#include "sim/sheaf.h"
#include "sim/sysfs.h"
#include "sim/util.h"

/* ------------------------------------------------------------------ messages */

static FILE *err_stream(const struct replay *rp)
{
	return rp->opts.err ? rp->opts.err : stderr;
}

bool replay_tell(const struct replay *rp, enum replay_msg_kind kind, const char *file, uint32_t line, uint32_t col,
		 const char *text)
{
	struct replay_msg m = { .kind = kind, .file = file, .line = line, .col = col, .text = text };

	if (!rp->opts.on_msg)
		return false;
	rp->opts.on_msg(rp->opts.msg_ctx, &m);
	return true;
}

static const char *file_name(const struct replay *rp)
{
	return rp->rd ? rp->rd->name : "-";
}

/* "file:line:column: message" in rp->msg, and to opts.on_msg or the error stream */
static void __attribute__((format(printf, 5, 0)))
vsay(struct replay *rp, enum replay_msg_kind kind, const struct trace_event *ev, uint32_t col, const char *fmt,
     va_list ap)
{
	char text[400];

	col = col ? col : ev->col;
	vsnprintf(text, sizeof(text), fmt, ap);
	snprintf(rp->msg, sizeof(rp->msg), "%s:%u:%u: %s", file_name(rp), ev->line, col, text);
	if (!replay_tell(rp, kind, file_name(rp), ev->line, col, text))
		fprintf(err_stream(rp), "%s\n", rp->msg);
}

static void __attribute__((format(printf, 5, 6)))
say(struct replay *rp, enum replay_msg_kind kind, const struct trace_event *ev, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(rp, kind, ev, col, fmt, ap);
	va_end(ap);
}

/* An error in the trace: said, counted; returns -1. */
static int __attribute__((format(printf, 4, 5)))
trace_error(struct replay *rp, const struct trace_event *ev, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(rp, REPLAY_MSG_ERROR, ev, col, fmt, ap);
	va_end(ap);
	rp->st.errors++;
	return -1;
}

/*
 * What run_op() and the operations that may reach the model return. Every
 * other helper returns 0 or -1 (OP_ERROR: the trace_error() is said).
 */
enum {
	OP_ERROR = -1,
	OP_MODEL = 0,	/* the model ran it: the sim_op is its account */
	OP_DONE = 1,	/* done without a model operation (the sim_op is the last one's) */
};

/* A helper's 0 or -1 as run_op() says it: done without the model, or an error. */
static int op_done(int r)
{
	return r ? OP_ERROR : OP_DONE;
}

/* ------------------------------------------------------------------ objects */

/* What the replayer keeps of a name lives in its name-table entry (the payload). */
static struct replay_obj *name_obj(struct replay *rp, const struct name_entry *e)
{
	return name_table_payload(&rp->names, e);
}

static struct replay_obj *ptr_obj(struct replay *rp, const struct name_entry *e)
{
	return name_table_payload(&rp->ptrs, e);
}

static uint32_t name_hash(const struct trace_name *n)
{
	return n->hashed ? n->hash : name_table_hash(n->s, n->len);
}

static struct name_entry *lookup_name(const struct replay *rp, const struct trace_name *n)
{
	return n->s ? name_table_lookup_hash(&rp->names, n->s, n->len, name_hash(n)) : NULL;
}

const struct replay_obj *replay_lookup(const struct replay *rp, const char *name, enum replay_obj_kind *kind)
{
	struct name_entry *e = name_table_lookup(&rp->names, name, strlen(name));

	if (e && kind)
		*kind = (enum replay_obj_kind)e->tag;
	return e ? name_table_payload(&rp->names, e) : NULL;
}

const char *replay_label(const struct replay *rp, uint32_t i)
{
	return i < rp->nr_labels ? rp->labels[i].text : "";
}

/* The last label read before event @event: labels[] is in order of from. */
const char *replay_label_at(const struct replay *rp, uint64_t event)
{
	uint32_t lo = 0, hi = rp->nr_labels;

	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (rp->labels[mid].from < event)
			lo = mid;
		else
			hi = mid;
	}
	return replay_label(rp, lo);
}

/* Names of caches and of bucket sets stand for a handle, not for an object one can free. */
static bool is_handle(unsigned kind)
{
	return kind == ROBJ_CACHE || kind == ROBJ_BUCKETS;
}

static const char *kind_word(unsigned kind)
{
	return kind == ROBJ_CACHE ? "a cache" : kind == ROBJ_BUCKETS ? "a set of kmalloc buckets" : "an object";
}

/* The object a name holds, with the checks every operand needs. */
static struct replay_obj *operand(struct replay *rp, const struct trace_event *ev, const struct trace_name *n,
				  enum replay_obj_kind want_cache, struct name_entry **out)
{
	struct name_entry *e = lookup_name(rp, n);
	struct replay_obj *o;

	if (!e) {
		trace_error(rp, ev, n->col, "unknown name '%s'", n->s ? n->s : "?");
		return NULL;
	}
	o = name_obj(rp, e);
	if (is_handle(want_cache) || is_handle(e->tag) ? want_cache != e->tag : false) {
		trace_error(rp, ev, n->col, "'%s' is %s, not %s", n->s, kind_word(e->tag), kind_word(want_cache));
		return NULL;
	}
	if (out)
		*out = e;
	return o;
}

/*
 * Bind the result name of @ev to a fresh object; live unless @addr is NULL or
 * ZERO_SIZE_PTR. @dead: the name's dead entry as check_result_free() found
 * it, NULL to look it up. The caller sets the size.
 */
static struct replay_obj *bind_result(struct replay *rp, const struct trace_event *ev, uint64_t addr,
				      enum replay_obj_kind kind, bool live, struct name_entry *dead)
{
	struct name_entry *e = dead;
	struct replay_obj *o;
	bool clean;
	int r;

	if (!ev->result.s)
		return NULL;
	/* a kmalloc object's record is zero after its event (struct replay_obj) */
	clean = dead && dead->tag == ROBJ_KMALLOC && kind == ROBJ_KMALLOC;
	if (e)
		r = name_table_revive(&rp->names, e, (uint8_t)kind);
	else
		r = name_table_bind_hash(&rp->names, ev->result.s, ev->result.len, name_hash(&ev->result),
					 (uint8_t)kind, &e);
	/* NT_ELIVE was checked before the operation ran; only a second name for one object lands here */
	if (r && r != NT_ELIVE)
		return NULL;
	o = name_obj(rp, e);
	if (r == NT_ELIVE)
		e->tag = (uint8_t)kind;
	/* only kmalloc and kfree are hot: the rest of the record is another cache line */
	if (!clean)
		memset(o, 0, sizeof(*o));
	o->addr = addr;
	o->event = rp->st.events;
	if (!live)
		name_table_unbind(&rp->names, e);
	return o;
}

/*
 * A result name may only be bound again once its object is gone. *@dead
 * (if given) gets the name's dead entry, for bind_result(), or NULL.
 */
static int check_result_free(struct replay *rp, const struct trace_event *ev, const struct trace_name *self,
			     struct name_entry **dead)
{
	struct name_entry *e = lookup_name(rp, &ev->result);

	if (dead)
		*dead = e && !e->live ? e : NULL;
	if (!e || !e->live)
		return 0;
	if (self && self->s && self->len == ev->result.len && !memcmp(self->s, ev->result.s, self->len))
		return 0;	/* "a = krealloc a 200" */
	return trace_error(rp, ev, ev->result.col, "'%s' still holds a live object; free it first", ev->result.s);
}

static void forget(struct replay *rp, const struct trace_name *n)
{
	struct name_entry *e = lookup_name(rp, n);

	if (e && e->live)
		name_table_unbind(&rp->names, e);
}

/* ------------------------------------------------------------------ the model */

static void create_learnt_caches(struct replay *rp);

int replay_boot(struct replay *rp)
{
	struct sim_err err;

	if (rp->sim)
		return 0;
	if (config_finalize(&rp->cfg, &err) || sim_create(&rp->sim, &rp->cfg, &err)) {
		const char *file = rp->rd ? rp->rd->name : "slubsim";

		if (!replay_tell(rp, REPLAY_MSG_ERROR, file, 0, 0, err.msg))
			fprintf(err_stream(rp), "%s: %s\n", file, err.msg);
		rp->st.errors++;
		return -1;
	}
	/* names known before the replay: their caches exist from boot, unless a kmalloc comes first (first_cache_event()) */
	if (rp->opts.learn && !rp->opts.learn->model_first)
		create_learnt_caches(rp);
	return 0;
}

static unsigned event_cpu(struct replay *rp, const struct trace_event *ev, bool *bad)
{
	*bad = false;
	if (ev->cpu < rp->sim->env.cpus)
		return ev->cpu;
	if (ev->kind >= TEV_FT_KMALLOC) {
		/* a trace from a bigger machine: fold its CPUs onto ours */
		return ev->cpu % rp->sim->env.cpus;
	}
	*bad = true;
	trace_error(rp, ev, ev->col, "CPU %u does not exist: the model has %u CPUs (--cpus or config cpus=)",
		    ev->cpu, rp->sim->env.cpus);
	return 0;
}

/*
 * An operation that counts as one but never reached the model (a Rust
 * dangling pointer): what op_begin() would have left.
 */
static void no_model_op(struct sim_op *op)
{
	memset(op, 0, sizeof(*op));
	op->slot = -1;
}

/* SLUB's reports of the operation at @ev, as dmesg shows them, with the trace line */
static void say_report(const struct replay *rp, const struct trace_event *ev, const char *fault)
{
	char text[sizeof(rp->last_fault) + 64];

	if (!rp->opts.on_msg) {
		fprintf(err_stream(rp), "%s:%u: %s reported:\n%s", file_name(rp), ev->line, fault, rp->last_fault);
		return;
	}
	snprintf(text, sizeof(text), "%s reported:\n%s", fault, rp->last_fault);
	replay_tell(rp, REPLAY_MSG_REPORT, file_name(rp), ev->line, 0, text);
}

/*
 * Remember the operation for "expect fault" and print SLUB's reports like
 * dmesg would. @op is rp->last_op itself: run_op() fills it in place.
 */
static void record_op(struct replay *rp, const struct trace_event *ev, const struct sim_op *op)
{
	rp->have_last_op = true;
	rp->last_fault[0] = '\0';
	if (!op->nr_faults)
		return;
	rp->st.faults += op->nr_faults;
	snprintf(rp->last_fault, sizeof(rp->last_fault), "%s", op->fault_text ? op->fault_text : "");
	rp->last_op.fault_text = rp->last_fault;
	if (!rp->opts.quiet_faults)
		say_report(rp, ev, sim_fault_name(op->fault));
}

/* A native call site per trace line: random kmalloc caches (6.6+) hash it. */
static uint64_t line_caller(const struct trace_event *ev)
{
	return 0xffffffff81000000ull + (uint64_t)ev->line * 0x40;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

/* ------------------------------------------------------------------ native operations */

/*
 * kmalloc and kfree lines are nearly all a long trace has: flatten inlines
 * what they call in this file (the lookup, the checks, the binding), so an
 * event pays no calls and register saves for them.
 */
static __attribute__((flatten)) int
do_kmalloc(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	uint64_t addr;
	struct replay_obj *o;

	struct name_entry *dead;

	if (check_result_free(rp, ev, NULL, &dead))
		return OP_ERROR;
	addr = sim_kmalloc(rp->sim, cpu, ev->size, ev->gfp, line_caller(ev), op);
	o = bind_result(rp, ev, addr, ROBJ_KMALLOC, !ZERO_OR_NULL_PTR(addr), dead);
	if (o)
		o->size = ev->size;
	return OP_MODEL;
}

/* Bind names after a krealloc-like call from @old (entry @e, may be NULL) to @ret. */
static void rebind_after_realloc(struct replay *rp, const struct trace_event *ev, struct name_entry *e,
				 uint64_t old, uint64_t ret, uint64_t size, enum replay_obj_kind kind)
{
	struct replay_obj *o;

	if (!ret) {
		/* failure: the old object stays, under its old name too */
		if (!e || name_table_lookup(&rp->names, ev->result.s ? ev->result.s : "", ev->result.len) != e)
			bind_result(rp, ev, 0, kind, false, NULL);
		return;
	}
	if (e && ret != old)
		name_table_unbind(&rp->names, e);
	o = bind_result(rp, ev, ret, kind, !ZERO_OR_NULL_PTR(ret), NULL);
	if (o)
		o->size = size;
}

static int do_krealloc(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	struct name_entry *e = NULL;
	struct replay_obj *o;
	uint64_t old = 0, ret;

	if (!ev->obj.is_null) {
		if (!(o = operand(rp, ev, &ev->obj, ROBJ_KMALLOC, &e)))
			return OP_ERROR;
		old = o->addr;
	}
	if (check_result_free(rp, ev, &ev->obj, NULL))
		return OP_ERROR;
	ret = sim_krealloc_caller(rp->sim, cpu, old, ev->size, ev->gfp, 1, line_caller(ev), op);
	rebind_after_realloc(rp, ev, e, old, ret, ev->size, ROBJ_KMALLOC);
	return OP_MODEL;
}

static __attribute__((flatten)) int
do_kfree(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	struct name_entry *e;
	struct replay_obj *o;

	if (ev->obj.is_null) {
		sim_kfree(rp->sim, cpu, 0, op);
		return OP_MODEL;
	}
	if (!(o = operand(rp, ev, &ev->obj, ROBJ_KMALLOC, &e)))
		return OP_ERROR;
	/* a name already freed goes to the model again: that is a double free */
	sim_kfree(rp->sim, cpu, o->addr, op);
	name_table_unbind(&rp->names, e);	/* what forget() would look up again */
	return OP_MODEL;
}

static struct kmem_cache *cache_operand(struct replay *rp, const struct trace_event *ev)
{
	struct name_entry *e = lookup_name(rp, &ev->cache);
	struct kmem_cache *s;

	if (e && e->live && e->tag == ROBJ_CACHE)
		return name_obj(rp, e)->cache;
	/* any existing cache by its kernel name: kmem_cache_alloc kmalloc-64 */
	s = ev->cache.s ? sim_find_cache(rp->sim, ev->cache.s) : NULL;
	if (!s)
		trace_error(rp, ev, ev->cache.col, "unknown cache '%s'", ev->cache.s ? ev->cache.s : "?");
	return s;
}

/* The result name, or without "m =" the cache's (or bucket set's) own name. */
static struct trace_event named_result(const struct trace_event *ev)
{
	struct trace_event bind = *ev;

	if (!bind.result.s) {
		bind.result.s = ev->text;
		bind.result.len = (uint32_t)strlen(ev->text);
		bind.result.col = ev->text_col;
	}
	return bind;
}

static int do_cache_create(struct replay *rp, const struct trace_event *ev, struct sim_op *op)
{
	struct kmem_cache_args args;
	struct sim_err err;
	struct kmem_cache *s;
	struct replay_obj *o;
	struct trace_event bind = named_result(ev);

	(void)op;
	if (check_result_free(rp, &bind, NULL, NULL))
		return -1;
	args.align = (unsigned)ev->align;
	args.useroffset = (unsigned)ev->useroffset;
	args.usersize = (unsigned)ev->usersize;
	args.has_ctor = ev->ctor;
	args.sheaf_capacity = (unsigned)MIN(ev->sheaf_capacity, UINT32_MAX);
	s = sim_kmem_cache_create_args(rp->sim, ev->text, (unsigned)ev->size, &args, ev->slab_flags, &err);
	if (!s)
		return trace_error(rp, ev, ev->text_col, "%s", err.msg);
	o = bind_result(rp, &bind, 0, ROBJ_CACHE, true, NULL);
	if (o) {
		o->cache = s;
		o->size = ev->size;
	}
	return 0;
}

static int do_cache_alloc(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	struct kmem_cache *s = cache_operand(rp, ev);
	struct replay_obj *o;
	uint64_t addr;

	if (!s || check_result_free(rp, ev, NULL, NULL))
		return OP_ERROR;
	addr = sim_kmem_cache_alloc(rp->sim, cpu, s, ev->gfp, op);
	o = bind_result(rp, ev, addr, ROBJ_CACHE_OBJ, addr != 0, NULL);
	if (o) {
		o->cache = s;
		o->size = s->object_size;
	}
	return OP_MODEL;
}

static int do_cache_free(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	struct kmem_cache *s = cache_operand(rp, ev);
	struct replay_obj *o;

	if (!s || !(o = operand(rp, ev, &ev->obj, ROBJ_KMALLOC, NULL)))
		return OP_ERROR;
	sim_kmem_cache_free(rp->sim, cpu, s, o->addr, op);
	forget(rp, &ev->obj);
	return OP_MODEL;
}

static int do_cache_destroy(struct replay *rp, const struct trace_event *ev, struct sim_op *op)
{
	struct kmem_cache *s = cache_operand(rp, ev);

	if (!s)
		return OP_ERROR;
	sim_kmem_cache_destroy(rp->sim, s, op);
	forget(rp, &ev->cache);
	return OP_MODEL;
}

static int do_buckets_create(struct replay *rp, const struct trace_event *ev)
{
	struct trace_event bind = named_result(ev);
	struct sim_err err;
	struct replay_obj *o;
	int id;

	if (check_result_free(rp, &bind, NULL, NULL))
		return -1;
	id = sim_kmem_buckets_create(rp->sim, ev->text, ev->slab_flags, (unsigned)ev->useroffset,
				     (unsigned)ev->usersize, ev->ctor, &err);
	if (id < 0)
		return trace_error(rp, ev, ev->text_col, "%s", err.msg);
	o = bind_result(rp, &bind, sim_kmem_buckets(rp->sim, id)->obj, ROBJ_BUCKETS, true, NULL);
	if (o)
		o->buckets = id;
	return 0;
}

static int do_buckets_alloc(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	struct replay_obj *b = operand(rp, ev, &ev->cache, ROBJ_BUCKETS, NULL), *o;
	uint64_t addr;

	if (!b || check_result_free(rp, ev, NULL, NULL))
		return OP_ERROR;
	addr = sim_kmem_buckets_alloc(rp->sim, cpu, b->buckets, ev->size, ev->gfp, line_caller(ev), op);
	o = bind_result(rp, ev, addr, ROBJ_KMALLOC, !ZERO_OR_NULL_PTR(addr), NULL);
	if (o)
		o->size = ev->size;
	return OP_MODEL;
}

static int do_memdup_user(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	struct replay_obj *o;
	uint64_t addr;

	if (check_result_free(rp, ev, NULL, NULL))
		return OP_ERROR;
	addr = sim_memdup_user(rp->sim, cpu, ev->size, line_caller(ev), op);
	o = bind_result(rp, ev, addr, ROBJ_KMALLOC, !ZERO_OR_NULL_PTR(addr), NULL);
	if (o)
		o->size = ev->size;
	return OP_MODEL;
}

/* ------------------------------------------------------------------ Rust wrappers */

static enum rust_wrapper wrapper_of(const struct replay *rp, enum trace_wrapper w, const struct replay_obj *o)
{
	switch (w) {
	case TRACE_WRAP_NAIVE: return RUST_NAIVE;
	case TRACE_WRAP_NPOT: return RUST_NPOT;
	case TRACE_WRAP_PAD: return RUST_PAD;
	case TRACE_WRAP_ALLOCATOR: return RUST_ALLOCATOR;
	case TRACE_WRAP_NODE_ALIGN: return RUST_NODE_ALIGN;
	default:
		return o ? (enum rust_wrapper)o->wrapper : rust_default_wrapper(rp->sim->env.kver);
	}
}

static int rust_c_size(struct replay *rp, const struct trace_event *ev, enum rust_wrapper w, uint64_t *c_size)
{
	struct sim_err err;

	if (rust_size_for(w, ev->size, ev->align, &rp->sim->env, c_size, &err))
		return trace_error(rp, ev, ev->col, "%s", err.msg);
	return 0;
}

/* What the wrapper hands C: krealloc(p, size), or krealloc_node_align(p, size, align) from 6.18. */
static uint64_t rust_krealloc(struct replay *rp, unsigned cpu, enum rust_wrapper w, uint64_t p, uint64_t c_size,
			      const struct trace_event *ev, struct sim_op *op)
{
	return sim_krealloc(rp->sim, cpu, p, c_size, ev->gfp, w == RUST_NODE_ALIGN ? ev->align : 1, op);
}

static void note_rust_alignment(struct replay *rp, const struct trace_event *ev, uint64_t addr)
{
	if (addr > ZERO_SIZE_PTR && ev->align && (addr & (ev->align - 1)))
		snprintf(rp->msg, sizeof(rp->msg), "misaligned: 0x%llx is not %llu-aligned", (unsigned long long)addr,
			 (unsigned long long)ev->align);
}

static int do_rust_alloc(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	enum rust_wrapper w = wrapper_of(rp, ev->wrapper, NULL);
	struct replay_obj *o;
	uint64_t c_size, addr;

	if (rust_c_size(rp, ev, w, &c_size) || check_result_free(rp, ev, NULL, NULL))
		return OP_ERROR;
	if (rust_returns_dangling(w, c_size)) {
		addr = ev->align;	/* NonNull::dangling(): no allocation at all */
		no_model_op(op);
	} else
		addr = rust_krealloc(rp, cpu, w, 0, c_size, ev, op);
	note_rust_alignment(rp, ev, addr);
	o = bind_result(rp, ev, addr, ROBJ_RUST, addr > ZERO_SIZE_PTR && !rust_returns_dangling(w, c_size), NULL);
	if (o) {
		o->size = ev->size;
		o->align = ev->align;
		o->wrapper = (uint8_t)w;
	}
	return OP_MODEL;
}

static int do_rust_realloc(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	struct name_entry *e;
	struct replay_obj *o = operand(rp, ev, &ev->obj, ROBJ_KMALLOC, &e), *n;
	enum rust_wrapper w;
	uint64_t c_size, old, ret;

	if (!o)
		return OP_ERROR;
	w = wrapper_of(rp, ev->wrapper, o);
	if (rust_c_size(rp, ev, w, &c_size) || check_result_free(rp, ev, &ev->obj, NULL))
		return OP_ERROR;
	/* a dangling pointer (old size 0) never reaches C */
	old = e->tag == ROBJ_RUST && !o->size && w >= RUST_ALLOCATOR ? 0 : o->addr;
	if (rust_returns_dangling(w, c_size)) {
		if (old)
			sim_krealloc(rp->sim, cpu, old, 0, ev->gfp, 1, op);
		else
			no_model_op(op);
		ret = ev->align;
	} else {
		ret = rust_krealloc(rp, cpu, w, old, c_size, ev, op);
	}
	note_rust_alignment(rp, ev, ret);
	if (ret && ret != old)
		name_table_unbind(&rp->names, e);
	n = bind_result(rp, ev, ret, ROBJ_RUST, ret > ZERO_SIZE_PTR && !rust_returns_dangling(w, c_size),
			NULL);
	if (n) {
		n->size = ev->size;
		n->align = ev->align;
		n->wrapper = (uint8_t)w;
	}
	return OP_MODEL;
}

static int do_rust_free(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	struct name_entry *e;
	struct replay_obj *o = operand(rp, ev, &ev->obj, ROBJ_KMALLOC, &e);
	enum rust_wrapper w;

	if (!o)
		return OP_ERROR;
	w = wrapper_of(rp, ev->wrapper, o);
	if (e->tag == ROBJ_RUST && w >= RUST_ALLOCATOR && !o->size) {
		forget(rp, &ev->obj);	/* dangling: nothing to free */
		no_model_op(op);
		return OP_MODEL;
	}
	/* 6.13+ frees by reallocating to size 0; the older wrappers call kfree() */
	if (w >= RUST_ALLOCATOR)
		sim_krealloc(rp->sim, cpu, o->addr, 0, 0, 1, op);
	else
		sim_kfree(rp->sim, cpu, o->addr, op);
	forget(rp, &ev->obj);
	return OP_MODEL;
}

/* The offset an operand names: a number, or "freeptr", the free pointer's place in a slab object. */
static int object_offset(struct replay *rp, const struct trace_event *ev, const struct replay_obj *o, uint64_t *off)
{
	struct sim_obj_info info;

	if (!ev->at_freeptr) {
		*off = ev->offset;
		return 0;
	}
	sim_lookup(rp->sim, o->addr, &info);
	if (info.kind != SIM_OBJ_SLAB)
		return trace_error(rp, ev, ev->col, "freeptr: '%s' is not a slab object", ev->obj.s);
	*off = info.cache->offset;
	return 0;
}

/* Host bytes of ev->len bytes at the offset @ev names in its object (*@off); NULL after an error. */
static unsigned char *object_bytes(struct replay *rp, const struct trace_event *ev, uint64_t *addr, uint64_t *off)
{
	struct replay_obj *o = operand(rp, ev, &ev->obj, ROBJ_KMALLOC, NULL);
	unsigned char *p;

	*off = 0;
	if (!o || object_offset(rp, ev, o, off))
		return NULL;
	*addr = o->addr + *off;
	p = ev->len ? sim_mem(rp->sim, *addr, ev->len) : NULL;
	if (!p)
		trace_error(rp, ev, ev->col, "%s of %llu bytes at %s+%llu leaves every slab and page block of the model",
			    ev->op, (unsigned long long)ev->len, ev->obj.s, (unsigned long long)*off);
	return p;
}

static int do_write(struct replay *rp, const struct trace_event *ev)
{
	uint64_t addr, off;
	unsigned char *p = object_bytes(rp, ev, &addr, &off);

	if (!p)
		return -1;
	if (ev->invert)
		for (uint64_t i = 0; i < ev->len; i++)
			p[i] = (unsigned char)~p[i];
	else
		memset(p, ev->byte_given ? (int)ev->byte : 0x41, ev->len);
	return 0;
}

/* save: remember bytes of an object, for restore to put back */
static int do_save(struct replay *rp, const struct trace_event *ev)
{
	uint64_t addr, off;
	unsigned char *p;

	if (ev->len > sizeof(rp->saved))
		return trace_error(rp, ev, ev->col, "save: at most %zu bytes", sizeof(rp->saved));
	p = object_bytes(rp, ev, &addr, &off);
	if (!p)
		return -1;
	memcpy(rp->saved, p, ev->len);
	rp->saved_addr = addr;
	rp->saved_len = (uint32_t)ev->len;
	return 0;
}

static int do_restore(struct replay *rp, const struct trace_event *ev)
{
	unsigned char *p = rp->saved_addr ? sim_mem(rp->sim, rp->saved_addr, rp->saved_len) : NULL;

	if (!rp->saved_addr)
		return trace_error(rp, ev, ev->col, "restore: nothing was saved");
	if (!p)
		return trace_error(rp, ev, ev->col, "restore: the saved bytes' memory is gone");
	memcpy(p, rp->saved, rp->saved_len);
	return 0;
}

/* kmalloc_trace: a kmalloc of the given size from the given cache */
static int do_kmalloc_trace(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	struct kmem_cache *s = cache_operand(rp, ev);
	struct replay_obj *o;
	uint64_t addr;

	if (!s || check_result_free(rp, ev, NULL, NULL))
		return OP_ERROR;
	if (!ev->size || ev->size > s->object_size)
		return trace_error(rp, ev, ev->col, "kmalloc_trace: %llu bytes do not fit %s's %u-byte objects",
				   (unsigned long long)ev->size, s->name, s->object_size);
	addr = sim_kmalloc_trace(rp->sim, cpu, s, ev->size, ev->gfp, op);
	o = bind_result(rp, ev, addr, ROBJ_KMALLOC, addr != 0, NULL);
	if (o)
		o->size = ev->size;
	return OP_MODEL;
}

static int do_kfree_rcu(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	struct name_entry *e;
	struct replay_obj *o;

	if (ev->obj.is_null)
		return sim_kfree_rcu(rp->sim, cpu, 0, op) ? OP_ERROR : OP_MODEL;
	if (!(o = operand(rp, ev, &ev->obj, ROBJ_KMALLOC, &e)))
		return OP_ERROR;
	if (sim_kfree_rcu(rp->sim, cpu, o->addr, op))
		return trace_error(rp, ev, ev->col, "kfree_rcu: out of memory");
	/* the caller is done with it: the name may be bound again */
	name_table_unbind(&rp->names, e);
	return OP_MODEL;
}

static int do_validate(struct replay *rp, const struct trace_event *ev, struct sim_op *op)
{
	struct kmem_cache *s = cache_operand(rp, ev);
	long r;

	if (!s)
		return OP_ERROR;
	r = sim_validate_cache(rp->sim, s, op);
	if (r == -SIM_EINVAL)
		return trace_error(rp, ev, ev->cache.col,
				   "validate: %s has no debug flags; the kernel refuses the write (EINVAL)", s->name);
	if (r < 0)
		return trace_error(rp, ev, ev->col, "validate: out of memory");
	return OP_MODEL;
}

/* kmem_cache_shrink(): what writing 1 to /sys/kernel/slab/CACHE/shrink does */
static int do_cache_shrink(struct replay *rp, const struct trace_event *ev, struct sim_op *op)
{
	struct kmem_cache *s = cache_operand(rp, ev);

	if (!s)
		return OP_ERROR;
	if (sim_kmem_cache_shrink(rp->sim, s, op) < 0)
		return trace_error(rp, ev, ev->col, "kmem_cache_shrink: out of memory");
	return OP_MODEL;
}

/* ------------------------------------------------------------------ expectations */

static void cache_name_of(struct replay *rp, uint64_t addr, char *buf, size_t len)
{
	struct sim_obj_info info;

	if (!addr) {
		snprintf(buf, len, "NULL");
		return;
	}
	if (addr == ZERO_SIZE_PTR) {
		snprintf(buf, len, "ZERO_SIZE_PTR");
		return;
	}
	sim_lookup(rp->sim, addr, &info);
	if (info.kind == SIM_OBJ_SLAB)
		snprintf(buf, len, "%s", info.cache->name);
	else if (info.kind == SIM_OBJ_LARGE)
		snprintf(buf, len, "page-order-%u", info.order);
	else
		snprintf(buf, len, "none");
}

/*
 * An expect line is one expectation however many keys it checks (the
 * trace's author wrote one): it fails when one of them does. @r: the
 * check's result, -1 for an error in the line (counted as an error).
 */
static int count_expect(struct replay *rp, int r)
{
	if (r)
		return OP_ERROR;
	if (rp->failed_expect)
		rp->st.expect_fail++;
	else
		rp->st.expect_pass++;
	return OP_DONE;
}

static int expect_failed(struct replay *rp, const struct trace_event *ev, uint32_t col, const char *what,
			 const char *want, const char *got)
{
	rp->failed_expect = true;
	if (rp->nr_fail_lines < sizeof(rp->fail_lines) / sizeof(rp->fail_lines[0]) &&
	    (!rp->nr_fail_lines || rp->fail_lines[rp->nr_fail_lines - 1] != ev->line))
		rp->fail_lines[rp->nr_fail_lines++] = ev->line;
	say(rp, REPLAY_MSG_EXPECT, ev, col, "expectation failed: %s: expected %s, got %s", what, want, got);
	return 0;
}

static int expect_num(struct replay *rp, const struct trace_event *ev, uint32_t col, const char *what,
		      uint64_t want, uint64_t got, bool at_least)
{
	char w[32], g[32];

	if (at_least ? got >= want : got == want)
		return 0;
	snprintf(w, sizeof(w), "%s%llu", at_least ? ">= " : "", (unsigned long long)want);
	snprintf(g, sizeof(g), "%llu", (unsigned long long)got);
	return expect_failed(rp, ev, col, what, w, g);
}

static int do_expect_obj(struct replay *rp, const struct trace_event *ev)
{
	struct replay_obj *o = operand(rp, ev, &ev->obj, ROBJ_KMALLOC, NULL);
	char got[64];

	if (!o)
		return -1;
	for (unsigned i = 0; i < ev->nr_keys; i++) {
		const struct trace_expect_key *k = &ev->keys[i];
		uint64_t low = o->addr ? lowest_bit(o->addr) : 1ull << 63;

		switch (k->key) {
		case TX_CACHE:
			cache_name_of(rp, o->addr, got, sizeof(got));
			if (strcmp(got, k->text))
				expect_failed(rp, ev, k->col, "cache", k->text, got);
			break;
		case TX_KSIZE:
			expect_num(rp, ev, k->col, "ksize", k->num, sim_ksize(rp->sim, o->addr), false);
			break;
		case TX_ALIGN_GE:
			expect_num(rp, ev, k->col, "alignment", k->num, low, true);
			break;
		case TX_ADDR:
			expect_num(rp, ev, k->col, "address", k->num, o->addr, false);
			break;
		case TX_ALIGN:
			expect_num(rp, ev, k->col, "alignment", k->num, low, false);
			break;
		case TX_SLOT: {
			struct sim_obj_info info;

			sim_lookup(rp->sim, o->addr, &info);
			expect_num(rp, ev, k->col, "slot", k->num, info.kind == SIM_OBJ_SLAB && info.slot >= 0 ? (uint64_t)info.slot
											   : UINT64_MAX, false);
			break;
		}
		default:
			return trace_error(rp, ev, k->col, "this key is for 'expect cache'");
		}
	}
	return 0;
}

/* expect errors=N: what SLUB counted since the previous one (lib/slub_kunit.c's slab_errors) */
static int do_expect_errors(struct replay *rp, const struct trace_event *ev)
{
	uint64_t now = sim_slab_errors(rp->sim), got = now - rp->errors_seen;

	rp->errors_seen = now;
	return expect_num(rp, ev, ev->col, "errors", ev->errors, got, false);
}

/* expect OBJ bytes OFFSET LENGTH BYTE */
static int do_expect_bytes(struct replay *rp, const struct trace_event *ev)
{
	char want[48], got[48];
	uint64_t addr, off, i;
	unsigned char *p = object_bytes(rp, ev, &addr, &off);

	if (!p)
		return -1;
	for (i = 0; i < ev->len && p[i] == ev->byte; i++)
		;
	if (i == ev->len)
		return 0;
	snprintf(want, sizeof(want), "0x%02x", ev->byte);
	snprintf(got, sizeof(got), "0x%02x at offset %llu", p[i], (unsigned long long)(off + i));
	return expect_failed(rp, ev, ev->col, "bytes", want, got);
}

static int do_expect_pair(struct replay *rp, const struct trace_event *ev, bool same)
{
	struct replay_obj *a = operand(rp, ev, &ev->obj, ROBJ_KMALLOC, NULL), *b;
	char wa[40], wb[40];

	if (!a || !(b = operand(rp, ev, &ev->other, ROBJ_KMALLOC, NULL)))
		return -1;
	if ((a->addr == b->addr) == same)
		return 0;
	snprintf(wa, sizeof(wa), "%s 0x%llx", same ? "==" : "!=", (unsigned long long)b->addr);
	snprintf(wb, sizeof(wb), "0x%llx", (unsigned long long)a->addr);
	return expect_failed(rp, ev, ev->other.col, ev->obj.s, wa, wb);
}

/* The /sys/kernel/slab attribute @attr of @s; -1 if slubsim does not know it. */

static int do_expect_cache(struct replay *rp, const struct trace_event *ev)
{
	struct trace_event named = *ev;
	struct kmem_cache *s;

	if (!named.cache.s) {
		named.cache.s = ev->text;
		named.cache.len = ev->text ? (uint32_t)strlen(ev->text) : 0;
		named.cache.col = ev->text_col;
	}
	s = cache_operand(rp, &named);
	if (!s)
		return -1;
	for (unsigned i = 0; i < ev->nr_keys; i++) {
		const struct trace_expect_key *k = &ev->keys[i];
		uint64_t v;

		if (k->key != TX_ATTR || !k->text || kmem_cache_sysfs_attr(rp->sim, s, k->text, &v))
			return trace_error(rp, ev, k->col, "unknown cache attribute '%s'", k->text ? k->text : "?");
		expect_num(rp, ev, k->col, k->text, k->num, v, false);
	}
	return 0;
}

static int do_expect_fault(struct replay *rp, const struct trace_event *ev, bool want)
{
	bool had = rp->have_last_op && rp->last_op.nr_faults;
	const char *name = had ? sim_fault_name(rp->last_op.fault) : "none";

	if (!want) {
		if (!had)
			return 0;
		return expect_failed(rp, ev, ev->col, "fault", "none", name);
	}
	if (had && (!ev->text || strstr(rp->last_fault, ev->text) || strstr(name, ev->text)))
		return 0;
	return expect_failed(rp, ev, ev->text_col, "fault", ev->text ? ev->text : "a fault", name);
}

/* ------------------------------------------------------------------ ftrace */

static struct name_entry *ptr_entry(struct replay *rp, uint64_t ptr)
{
	return name_table_lookup(&rp->ptrs, &ptr, sizeof(ptr));
}

/*
 * The trace's kernel made a size the model's does not: said once, with
 * what to change, and counted every time. Another layout computed
 * silently would be wrong everywhere after.
 */
static void __attribute__((format(printf, 4, 5)))
config_mismatch(struct replay *rp, const struct trace_event *ev, const char *hint, const char *fmt, ...)
{
	char what[200];
	const char *note;
	va_list ap;
	int at;

	rp->st.config_mismatch++;
	if (rp->mismatch_note[0])
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	at = snprintf(rp->mismatch_note, sizeof(rp->mismatch_note), "%s:%u: ", file_name(rp), ev->line);
	at = at < 0 ? 0 : at < (int)sizeof(rp->mismatch_note) ? at : (int)sizeof(rp->mismatch_note) - 1;
	note = rp->mismatch_note + at;	/* the note without its file:line */
	snprintf(rp->mismatch_note + at, sizeof(rp->mismatch_note) - (size_t)at,
		 "%s: the trace's kernel is configured otherwise than the model: %s", what, hint);
	if (!replay_tell(rp, REPLAY_MSG_NOTE, file_name(rp), ev->line, 0, note))
		fprintf(err_stream(rp), "%s\n", rp->mismatch_note);
	/* the event's own note too: run --events and the TUI show it where it happened */
	if (!rp->msg[0])
		snprintf(rp->msg, sizeof(rp->msg), "%s: the trace's kernel is configured otherwise: %s", what, hint);
}

#define HINT_VERSION "give its version and architecture (--kernel=VER, --arch=NAME)"

/* What probably differs when the trace's kernel made @traced-byte slots where the model makes @model. */
static const char *size_hint(const struct replay *rp, uint64_t traced, uint64_t model)
{
	bool debug = rp->sim->env.slub_debug != 0;

	if (traced > model && !debug)
		return "it booted with slub_debug, whose red zones and tracking enlarge the slots? "
		       "give its boot parameters (--cmdline=slub_debug=...), or its version (--kernel=VER)";
	if (traced < model && debug)
		return "it booted without slub_debug? give its boot parameters (--cmdline=), or its version (--kernel=VER)";
	return HINT_VERSION;
}

/* An allocation at a pointer whose entry @e is still live: the free was not traced. Drop the old one. */
static void ptr_unbind_stale(struct replay *rp, unsigned cpu, struct name_entry *e, uint64_t ptr)
{
	if (!e)
		return;
	if (e->live) {
		rp->st.remapped++;
		sim_kfree(rp->sim, cpu, ptr_obj(rp, e)->addr, NULL);
	}
	name_table_remove(&rp->ptrs, &ptr, sizeof(ptr));
}

/* The id of @ev's call site, interned for the TUI (opts.keep_call_sites); 0 when not kept. */
static uint32_t call_site_id(struct replay *rp, const struct trace_event *ev)
{
	struct name_entry *e;
	int r;

	if (!rp->opts.keep_call_sites || !ev->ft.call_site)
		return 0;
	r = name_table_bind(&rp->call_sites, ev->ft.call_site, strlen(ev->ft.call_site) + 1, 0, &e);
	return r == NT_OK || r == NT_ELIVE ? e->slot + 1 : 0;
}

const char *replay_call_site(const struct replay *rp, uint32_t id)
{
	const struct name_entry *e = id ? name_table_slot(&rp->call_sites, id - 1) : NULL;
	size_t len;

	return e ? name_table_key(&rp->call_sites, e, &len) : NULL;
}

const struct replay_obj *replay_lookup_ptr(const struct replay *rp, uint64_t ptr)
{
	const struct name_entry *e = name_table_lookup(&rp->ptrs, &ptr, sizeof(ptr));

	return e && e->live ? name_table_payload(&rp->ptrs, e) : NULL;
}

static struct replay_obj *ptr_bind(struct replay *rp, const struct trace_event *ev, uint64_t addr, uint64_t size,
				   struct kmem_cache *s, enum replay_obj_kind kind)
{
	uint64_t ptr = ev->ft.ptr;
	struct name_entry *e;
	struct replay_obj *o;

	if (!addr || name_table_bind(&rp->ptrs, &ptr, sizeof(ptr), (uint8_t)kind, &e))
		return NULL;
	o = ptr_obj(rp, e);
	memset(o, 0, sizeof(*o));
	o->addr = addr;
	o->size = size;
	o->cache = s;
	o->event = rp->st.events;
	o->site = LEARN_NO_SITE;
	o->line = ev->line;
	o->call_site = call_site_id(rp, ev);
	return o;
}

static void check_bytes_alloc(struct replay *rp, const struct trace_event *ev, const struct sim_op *op)
{
	if (!(ev->ft.fields & FTF_BYTES_ALLOC) || op->path == PATH_FAILED)
		return;
	if (op->bytes_alloc != ev->ft.bytes_alloc)
		config_mismatch(rp, ev, size_hint(rp, ev->ft.bytes_alloc, op->bytes_alloc),
				"kmalloc(%llu): bytes_alloc=%llu in the trace, %llu in the model (%s)",
				(unsigned long long)ev->ft.bytes_req, (unsigned long long)ev->ft.bytes_alloc,
				(unsigned long long)op->bytes_alloc, op->cache ? op->cache->name : "page allocator");
	if (!rp->opts.check_bytes_alloc)
		return;
	rp->st.bytes_alloc_total++;
	if (op->bytes_alloc == ev->ft.bytes_alloc) {
		rp->st.bytes_alloc_agree++;
		return;
	}
	if (rp->nr_mismatch < sizeof(rp->mismatch) / sizeof(rp->mismatch[0])) {
		rp->mismatch[rp->nr_mismatch].line = ev->line;
		rp->mismatch[rp->nr_mismatch].want = ev->ft.bytes_alloc;
		rp->mismatch[rp->nr_mismatch].got = op->bytes_alloc;
		rp->nr_mismatch++;
	}
}

/*
 * mm/slub.c __do_kmalloc_node(), 6.10+: a kmalloc above
 * KMALLOC_MAX_CACHE_SIZE calls __kmalloc_large_node_noprof(), which traces
 * it, then traces it again with the caller's call site; kfree() traces one
 * free. The second record of the live large object at @e is no new
 * allocation. Before 6.10 the same pattern can only be a trace of a newer
 * kernel.
 */
static bool large_relog(struct replay *rp, const struct trace_event *ev, struct name_entry *e)
{
	struct replay_obj *o;

	if (!e || !e->live || e->tag != ROBJ_KMALLOC || ev->ft.bytes_req <= rp->sim->env.ac.kmalloc_max_cache_size)
		return false;
	o = ptr_obj(rp, e);
	if (o->relogged || o->size != ev->ft.bytes_req)
		return false;
	if (rp->sim->env.kver < KV(6, 10)) {
		config_mismatch(rp, ev, "a 6.10 or later kernel? give its version (--kernel=VER)",
				"a large kmalloc traced twice at one pointer, as Linux 6.10+ traces it");
		return false;
	}
	o->relogged = true;
	/* the allocation is the caller's: its call site and line, not the large-kmalloc path's */
	o->line = ev->line;
	o->call_site = call_site_id(rp, ev);
	rp->st.relogged++;
	snprintf(rp->msg, sizeof(rp->msg),
		 "the caller's record of the large kmalloc of event %llu (6.10+ traces it twice): one allocation",
		 (unsigned long long)o->event);
	return true;
}

/*
 * A cache with @req-byte objects in @slot-byte slots, as the model lays it
 * out: the slot size shows the alignment, and 8 bytes more than the object
 * means the free pointer lives outside it (SLAB_TYPESAFE_BY_RCU or a
 * constructor). Flags the kernel's cache may have and the trace cannot
 * show (SLAB_RECLAIM_ACCOUNT, a usercopy region) change no size.
 */
static struct kmem_cache *traced_layout(struct replay *rp, const char *name, uint64_t req, uint64_t slot,
					bool accounted)
{
	static const slab_flags_t variants[] = { 0, SLAB_TYPESAFE_BY_RCU, SLAB_HWCACHE_ALIGN,
						 SLAB_HWCACHE_ALIGN | SLAB_TYPESAFE_BY_RCU };
	slab_flags_t base = (accounted ? SLAB_ACCOUNT : 0) | SLAB_NO_MERGE;
	/* 6.18+: maple_node and vm_area_struct ask for percpu sheaves */
	struct kmem_cache_args args = { .sheaf_capacity = kernel_sheaf_capacity(&rp->sim->env, name) };
	struct sim_err err;
	struct kmem_cache *s;

	if (req > UINT_MAX || slot > UINT_MAX)
		return NULL;	/* no cache has such objects: the allocation is an error */
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		for (args.align = 8; args.align <= 4096; args.align *= 2) {
			s = sim_kmem_cache_create_args(rp->sim, name, req, &args, base | variants[v], &err);
			if (!s || !slot || s->size == slot)
				return s;
			sim_kmem_cache_destroy(rp->sim, s, NULL);
		}
	}
	/* no layout gives that slot: the plain one */
	args.align = 0;
	return sim_kmem_cache_create_args(rp->sim, name, req, &args, base, &err);
}

/* The name of a cache the trace never names: its object and slot sizes. */
static void traced_name(char *buf, size_t len, uint64_t req, uint64_t alloc)
{
	snprintf(buf, len, "traced-%llu-%llu", (unsigned long long)req, (unsigned long long)alloc);
}

/* traced_layout() for the sizes of the allocation @ev, saying so when no layout gives them. */
static struct kmem_cache *create_traced_cache(struct replay *rp, const struct trace_event *ev, const char *name)
{
	uint64_t req = ev->ft.bytes_req, slot = ev->ft.bytes_alloc;
	struct kmem_cache *s = traced_layout(rp, name, req, slot, ev->ft.accounted == 1);

	if (s && slot && s->size != slot)
		config_mismatch(rp, ev, size_hint(rp, slot, s->size),
				"bytes_req=%llu bytes_alloc=%llu: no layout of the model has %llu-byte objects in %llu-byte slots",
				(unsigned long long)req, (unsigned long long)slot, (unsigned long long)req,
				(unsigned long long)slot);
	return s;
}

/* A cache the trace names that the model has: its sizes must be the traced ones. */
static void check_cache_sizes(struct replay *rp, const struct trace_event *ev, const struct kmem_cache *s)
{
	if (!(ev->ft.fields & FTF_BYTES_ALLOC) || (s->object_size == ev->ft.bytes_req && s->size == ev->ft.bytes_alloc))
		return;
	config_mismatch(rp, ev, size_hint(rp, ev->ft.bytes_alloc, s->size),
			"%s: bytes_req=%llu bytes_alloc=%llu in the trace, %u and %u in the model",
			s->name, (unsigned long long)ev->ft.bytes_req, (unsigned long long)ev->ft.bytes_alloc,
			s->object_size, s->size);
}

/* Learning as the replay goes (from a pipe): names come from frees, not from a look-ahead. */
static bool learning_as_it_goes(const struct replay *rp)
{
	return rp->opts.learn && !rp->opts.learn->frozen && !rp->opts.learn_ahead;
}

/* The look-ahead over the trace, now that names are needed; without it, nothing is learnt. */
static void learn_ahead(struct replay *rp)
{
	int (*ahead)(void *, struct learn *) = rp->opts.learn_ahead;

	rp->opts.learn_ahead = NULL;
	if (!ahead(rp->opts.learn_ahead_ctx, rp->opts.learn))
		return;
	if (rp->own_learn) {
		learn_release(rp->opts.learn);
		free(rp->opts.learn);
	}
	rp->opts.learn = NULL;
	rp->own_learn = false;
}

/*
 * The caches a look-ahead learnt exist from boot, as the kernel's do
 * (task_struct, dentry ... are created long before a trace begins): each
 * is created once, with the sizes its objects have in the trace, unless
 * the model has a cache of that name. A layout that cannot give those
 * sizes is said at the cache's first allocation (check_cache_sizes()).
 */
static void create_learnt_caches(struct replay *rp)
{
	const struct learn *ln = rp->opts.learn;
	struct learn_cache *unnamed;
	uint32_t nr;
	char name[64];

	if (rp->learnt_created || !rp->sim || !ln || !ln->frozen)
		return;
	rp->learnt_created = true;
	for (uint32_t i = 0; i < ln->nr_names; i++) {
		const struct learn_cache *c = &ln->cache[i];

		if (c->line && c->bytes_req && !sim_find_cache(rp->sim, ln->name[i]))
			traced_layout(rp, ln->name[i], c->bytes_req, c->bytes_alloc, c->accounted);
	}
	/* the kernel's caches the trace never names existed too: traced-REQ-ALLOC, as its first allocation makes it */
	if (learn_unnamed(ln, &unnamed, &nr))
		return;
	for (uint32_t i = 0; i < nr; i++) {
		const struct learn_cache *c = &unnamed[i];

		traced_name(name, sizeof(name), c->bytes_req, c->bytes_alloc);
		if (c->bytes_req && !sim_find_cache(rp->sim, name))
			traced_layout(rp, name, c->bytes_req, c->bytes_alloc, c->accounted);
	}
	free(unnamed);
}

/*
 * The trace's first kmem_cache event: names are needed from here on, so a
 * file's look-ahead runs now (a trace of kmalloc and kfree only never pays
 * for it) and the learnt caches are created before the event, if boot did
 * not create them. Real traces begin with such an event (a free of an
 * object from before the trace): there this is the same as at boot, which
 * is where a replay that knew the names before it began (the TUI) creates
 * them. When a kmalloc or kfree comes first, every replay creates them here.
 */
static void first_cache_event(struct replay *rp)
{
	if (rp->opts.learn_ahead)
		learn_ahead(rp);
	create_learnt_caches(rp);
	rp->learnt_created = true;	/* nothing learnt: nothing to do at the next event either */
}

void replay_learn_pending(struct replay *rp)
{
	/*
	 * A kmalloc or kfree replayed already: the caches are created at the
	 * first kmem_cache event in every view, not here (first_cache_event()),
	 * and a trace of kmalloc and kfree only is not read a second time.
	 */
	if (rp->st.modelled || rp->st.unknown_frees || rp->st.alloc_failed)
		return;
	if (rp->opts.learn_ahead)
		learn_ahead(rp);
	if (rp->opts.learn && !rp->opts.learn->model_first)
		create_learnt_caches(rp);
}

/*
 * Learning as it goes, each call site not named yet has a traced cache of
 * its own, so that the first named free of one of its objects can rename
 * the cache, all its objects with it: traced-REQ-ALLOC, then -2, -3 ...
 * for other sites of the same sizes.
 */
static struct kmem_cache *site_traced_cache(struct replay *rp, const struct trace_event *ev, uint32_t site)
{
	struct name_entry *e;
	uint32_t *index;
	char name[80];
	struct kmem_cache *s;
	int r = name_table_bind(&rp->traced, &site, sizeof(site), 0, &e);

	if (r != NT_OK && r != NT_ELIVE)
		return NULL;
	index = name_table_payload(&rp->traced, e);
	if (r == NT_ELIVE)
		return rp->sim->caches[*index];
	traced_name(name, sizeof(name), ev->ft.bytes_req, ev->ft.bytes_alloc);
	for (unsigned n = 2; sim_find_cache(rp->sim, name); n++)
		snprintf(name, sizeof(name), "traced-%llu-%llu-%u", (unsigned long long)ev->ft.bytes_req,
			 (unsigned long long)ev->ft.bytes_alloc, n);
	s = create_traced_cache(rp, ev, name);
	if (!s) {
		name_table_remove(&rp->traced, &site, sizeof(site));
		return NULL;
	}
	*index = s->index;
	return s;
}

/*
 * A cache for a kmem_cache_alloc event: the one it names (6.19+), the one
 * the trace's frees name for its objects (learn.h), or a traced-REQ-ALLOC
 * one with the traced sizes. *@site: its learn site, learning as it goes.
 */
static struct kmem_cache *ftrace_cache(struct replay *rp, const struct trace_event *ev, uint32_t *site)
{
	const char *name = ev->ft.name;
	char traced[64];
	struct kmem_cache *s;

	*site = LEARN_NO_SITE;
	if (!name && rp->opts.learn)
		name = learn_alloc_name(rp->opts.learn, ev, site);
	if (name && (s = sim_find_cache(rp->sim, name))) {
		check_cache_sizes(rp, ev, s);
		return s;
	}
	if (!ev->ft.bytes_req)
		return NULL;
	if (name)
		return create_traced_cache(rp, ev, name);
	if (learning_as_it_goes(rp) && *site != LEARN_NO_SITE)
		return site_traced_cache(rp, ev, *site);
	traced_name(traced, sizeof(traced), ev->ft.bytes_req, ev->ft.bytes_alloc);
	s = sim_find_cache(rp->sim, traced);
	if (!s)
		return create_traced_cache(rp, ev, traced);
	check_cache_sizes(rp, ev, s);	/* created at boot (create_learnt_caches()) */
	return s;
}

/* A live object of a traced cache that merge_traced() moves. */
struct traced_obj {
	uint64_t event;		/* the event that allocated it: the order they move in */
	uint32_t slot;		/* its entry in rp->ptrs */
	uint64_t addr;		/* its new address */
};

static int traced_obj_cmp(const void *a, const void *b)
{
	const struct traced_obj *x = a, *y = b;

	return (x->event > y->event) - (x->event < y->event);
}

/* The live objects of @s in rp->ptrs, by allocation order; *@nr of them. 0, or -1 out of memory. */
static int traced_objs(struct replay *rp, const struct kmem_cache *s, struct traced_obj **out, uint32_t *nr)
{
	struct traced_obj *v = NULL;
	uint32_t n = 0, cap = 0;

	for (uint32_t i = 0; i < name_table_slots(&rp->ptrs); i++) {
		const struct name_entry *e = name_table_slot(&rp->ptrs, i);

		if (!e || !e->live || e->tag != ROBJ_CACHE_OBJ || ptr_obj(rp, e)->cache != s)
			continue;
		if (ARRAY_GROW(v, cap, n + 1)) {
			free(v);
			return -1;
		}
		v[n++] = (struct traced_obj){ .event = ptr_obj(rp, e)->event, .slot = i };
	}
	if (n)
		qsort(v, n, sizeof(*v), traced_obj_cmp);
	*out = v;
	*nr = n;
	return 0;
}

/*
 * Learning as it goes, the objects of the traced cache @from of one call
 * site belong to the kernel's cache @to: the model moves them there, in
 * the order they were allocated (each gets an address in @to and keeps its
 * event and trace pointer), and destroys the emptied @from. The number of
 * objects moved, or -1 with nothing moved.
 */
static int64_t merge_traced(struct replay *rp, unsigned cpu, struct kmem_cache *from, struct kmem_cache *to)
{
	struct traced_obj *v;
	uint32_t n, i;

	if (to == from || to->object_size != from->object_size || to->size != from->size ||
	    traced_objs(rp, from, &v, &n))
		return -1;
	for (i = 0; i < n; i++)
		if (!(v[i].addr = sim_kmem_cache_alloc(rp->sim, cpu, to, GFP_KERNEL, NULL)))
			break;
	if (i < n) {
		/* the model's memory ran out: leave everything where it was */
		while (i-- > 0)
			sim_kmem_cache_free(rp->sim, cpu, to, v[i].addr, NULL);
		free(v);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct replay_obj *o = ptr_obj(rp, name_table_slot(&rp->ptrs, v[i].slot));

		sim_kmem_cache_free(rp->sim, cpu, from, o->addr, NULL);
		o->addr = v[i].addr;
		o->cache = to;
	}
	free(v);
	sim_kmem_cache_destroy(rp->sim, from, NULL);
	return n;
}

/* The event's note, unless it has one. */
static void __attribute__((format(printf, 2, 3))) note(struct replay *rp, const char *fmt, ...)
{
	va_list ap;

	if (rp->msg[0])
		return;
	va_start(ap, fmt);
	vsnprintf(rp->msg, sizeof(rp->msg), fmt, ap);
	va_end(ap);
}

/*
 * Learning as it goes, a named free of an object in its site's traced
 * cache @s: the cache takes the name. When a free from another call site
 * named a cache so first (one kernel cache allocated from at two call
 * sites, or a cache and an alias merged into it: the trace prints the
 * cache's name), the kernel had their objects in one cache all along: @s
 * merges into it. 0 if it did either.
 */
static int name_traced(struct replay *rp, unsigned cpu, struct kmem_cache *s, uint32_t site, const char *name)
{
	struct name_entry *e = name_table_lookup(&rp->traced, &site, sizeof(site));
	struct kmem_cache *named;
	int64_t n;

	if (site == LEARN_NO_SITE || !e || *(uint32_t *)name_table_payload(&rp->traced, e) != s->index)
		return -1;
	if ((named = sim_find_cache(rp->sim, name))) {
		if ((n = merge_traced(rp, cpu, s, named)) < 0)
			return -1;
		note(rp, "%s is %s, which another call site named first: %lld objects move there", s->name, name,
		     (long long)n);
		rp->st.merged++;
	} else if (kernel_sheaf_capacity(&rp->sim->env, name)) {
		/* 6.18+: the kernel's cache of that name has percpu sheaves, which @s was created without */
		named = traced_layout(rp, name, s->object_size, s->size, s->flags & SLAB_ACCOUNT);
		if (!named || (n = merge_traced(rp, cpu, s, named)) < 0) {
			if (named)
				sim_kmem_cache_destroy(rp->sim, named, NULL);
			return -1;
		}
		note(rp, "%s is %s, a cache with percpu sheaves: %lld objects move there", s->name, name, (long long)n);
		rp->st.renamed++;
	} else {
		char was[80];

		snprintf(was, sizeof(was), "%s", s->name);
		if (sim_kmem_cache_rename(rp->sim, s, name))
			return -1;
		note(rp, "%s is %s", was, name);
		rp->st.renamed++;
	}
	/* the site has its name now: its next objects come to the cache by it */
	name_table_remove(&rp->traced, &site, sizeof(site));
	return 0;
}

/* kmem_cache_free name=X: X is the kernel's cache of the object; the model should have counted it there. */
static void named_free(struct replay *rp, const struct trace_event *ev, unsigned cpu, const struct replay_obj *o)
{
	struct learn *ln = rp->opts.learn;

	if (!o->cache || !strcmp(o->cache->name, ev->ft.name))
		return;
	if (learning_as_it_goes(rp)) {
		learn_free(ln, o->site, ev->ft.name);
		if (!strncmp(o->cache->name, "traced-", 7) && !name_traced(rp, cpu, o->cache, o->site, ev->ft.name))
			return;
	}
	rp->st.misnamed++;
}

static int ftrace_free(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	const struct trace_ftrace *ft = &ev->ft;
	struct name_entry *e;
	struct replay_obj *o;

	if (ft->ptr <= ZERO_SIZE_PTR)
		return OP_DONE;
	e = ptr_entry(rp, ft->ptr);
	if (!e || !e->live) {
		/* nothing of the model's to free: the trace says which cache, if it names one */
		rp->st.unknown_frees++;
		rp->before_trace = true;
		snprintf(rp->msg, sizeof(rp->msg), "free of an object allocated before the trace began%s%s%s",
			 ft->name ? " (" : "", ft->name ? ft->name : "", ft->name ? ")" : "");
		return OP_DONE;
	}
	o = ptr_obj(rp, e);
	if (ev->kind == TEV_FT_CACHE_FREE && o->cache) {
		if (ft->name)
			named_free(rp, ev, cpu, o);
		sim_kmem_cache_free(rp->sim, cpu, o->cache, o->addr, op);
	} else {
		sim_kfree(rp->sim, cpu, o->addr, op);
	}
	name_table_remove(&rp->ptrs, &ft->ptr, sizeof(ft->ptr));
	return OP_MODEL;
}

static int do_ftrace(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	const struct trace_ftrace *ft = &ev->ft;
	struct name_entry *e;
	struct replay_obj *o;
	struct kmem_cache *s;
	uint32_t site;
	uint64_t addr;

	switch (ev->kind) {
	case TEV_FT_KMALLOC:
	case TEV_FT_KMALLOC_NODE:
		if (ft->ptr <= ZERO_SIZE_PTR) {
			rp->st.alloc_failed += !ft->ptr;
			return OP_DONE;
		}
		e = ptr_entry(rp, ft->ptr);
		if (large_relog(rp, ev, e))
			return OP_DONE;
		ptr_unbind_stale(rp, cpu, e, ft->ptr);
		/* the call site is hashed only when random kmalloc caches will look at it */
		addr = sim_kmalloc(rp->sim, cpu, ft->bytes_req, ft->gfp,
				   sim_kmalloc_uses_caller(rp->sim) ? hash_str(ft->call_site) : 0, op);
		check_bytes_alloc(rp, ev, op);
		ptr_bind(rp, ev, addr, ft->bytes_req, NULL, ROBJ_KMALLOC);
		return OP_MODEL;
	case TEV_FT_CACHE_ALLOC:
	case TEV_FT_CACHE_ALLOC_NODE:
		if (!rp->learnt_created)
			first_cache_event(rp);
		if (!ft->ptr)
			return OP_DONE;
		s = ftrace_cache(rp, ev, &site);
		/* mm/slab_common.c kmem_cache_sanity_check(): no cache has objects above KMALLOC_MAX_SIZE */
		if (!s && ft->bytes_req > rp->sim->env.ac.kmalloc_max_size)
			return trace_error(rp, ev, ev->col, "kmem_cache_alloc bytes_req=%llu: no cache has objects that "
					   "large (KMALLOC_MAX_SIZE is %llu)", (unsigned long long)ft->bytes_req,
					   (unsigned long long)rp->sim->env.ac.kmalloc_max_size);
		if (!s && ft->bytes_req)
			return trace_error(rp, ev, ev->col, "kmem_cache_alloc bytes_req=%llu: the model cannot create "
					   "a cache of such objects", (unsigned long long)ft->bytes_req);
		if (!s)
			return trace_error(rp, ev, ev->col, "kmem_cache_alloc without a cache name or bytes_req");
		ptr_unbind_stale(rp, cpu, ptr_entry(rp, ft->ptr), ft->ptr);
		addr = sim_kmem_cache_alloc(rp->sim, cpu, s, ft->gfp, op);
		o = ptr_bind(rp, ev, addr, s->object_size, s, ROBJ_CACHE_OBJ);
		if (o)
			o->site = site;
		return OP_MODEL;
	case TEV_FT_CACHE_FREE:
		if (!rp->learnt_created)
			first_cache_event(rp);
		return ftrace_free(rp, ev, cpu, op);
	case TEV_FT_KFREE:
		return ftrace_free(rp, ev, cpu, op);
	default:
		rp->st.ignored_events++;	/* page events: SLUB's own come from the model */
		return OP_DONE;
	}
}

/* ------------------------------------------------------------------ dispatch */

static int apply_config(struct replay *rp, const struct trace_event *ev)
{
	struct sim_err err;

	if (rp->sim)
		return trace_error(rp, ev, ev->col, "config lines must come before the first event");
	if (rp->opts.cli_set & OPTIONS_BIT(ev->cfg_key))
		return 0;	/* the command line wins */
	if (trace_config_apply(ev, &rp->cfg, &err))
		return trace_error(rp, ev, ev->text_col, "%s", err.msg);
	return 0;
}

static int add_label(struct replay *rp, const struct trace_event *ev)
{
	char *copy;

	if (ARRAY_GROW(rp->labels, rp->labels_cap, rp->nr_labels + 1))
		return -1;
	copy = strdup(ev->text ? ev->text : "");
	if (!copy)
		return -1;
	/* objects remember their event, not their label: replay_label_at() */
	rp->labels[rp->nr_labels].text = copy;
	rp->labels[rp->nr_labels++].from = rp->st.events;
	return 0;
}

/*
 * OP_MODEL when the operation reached the model: @op is then the model's
 * account of it (every sim_*() call begins it; no_model_op() where none is
 * made). OP_DONE or OP_ERROR leave @op alone: it is the last operation's.
 */
static int run_op(struct replay *rp, const struct trace_event *ev, unsigned cpu, struct sim_op *op)
{
	switch (ev->kind) {
	case TEV_KMALLOC: return do_kmalloc(rp, ev, cpu, op);
	case TEV_KREALLOC: return do_krealloc(rp, ev, cpu, op);
	case TEV_KFREE: return do_kfree(rp, ev, cpu, op);
	case TEV_CACHE_CREATE: return op_done(do_cache_create(rp, ev, op));
	case TEV_CACHE_ALLOC: return do_cache_alloc(rp, ev, cpu, op);
	case TEV_CACHE_FREE: return do_cache_free(rp, ev, cpu, op);
	case TEV_CACHE_DESTROY: return do_cache_destroy(rp, ev, op);
	case TEV_BUCKETS_CREATE: return op_done(do_buckets_create(rp, ev));
	case TEV_BUCKETS_ALLOC: return do_buckets_alloc(rp, ev, cpu, op);
	case TEV_MEMDUP_USER: return do_memdup_user(rp, ev, cpu, op);
	case TEV_RUST_ALLOC: return do_rust_alloc(rp, ev, cpu, op);
	case TEV_RUST_REALLOC: return do_rust_realloc(rp, ev, cpu, op);
	case TEV_RUST_FREE: return do_rust_free(rp, ev, cpu, op);
	case TEV_WRITE: return op_done(do_write(rp, ev));
	case TEV_SAVE: return op_done(do_save(rp, ev));
	case TEV_RESTORE: return op_done(do_restore(rp, ev));
	case TEV_KMALLOC_TRACE: return do_kmalloc_trace(rp, ev, cpu, op);
	case TEV_KFREE_RCU: return do_kfree_rcu(rp, ev, cpu, op);
	case TEV_RCU_BARRIER:
		sim_rcu_barrier(rp->sim, op);
		return OP_MODEL;
	case TEV_VALIDATE: return do_validate(rp, ev, op);
	case TEV_CACHE_SHRINK: return do_cache_shrink(rp, ev, op);
	case TEV_EXPECT_ERRORS: return count_expect(rp, do_expect_errors(rp, ev));
	case TEV_EXPECT_BYTES: return count_expect(rp, do_expect_bytes(rp, ev));
	case TEV_KSIZE: {
		struct replay_obj *o = operand(rp, ev, &ev->obj, ROBJ_KMALLOC, NULL);

		if (!o)
			return OP_ERROR;
		sim_ksize_claim(rp->sim, o->addr);	/* 6.2+: the caller may now use all of it */
		return OP_DONE;
	}
	case TEV_EXPECT_OBJ: return count_expect(rp, do_expect_obj(rp, ev));
	case TEV_EXPECT_SAME: return count_expect(rp, do_expect_pair(rp, ev, true));
	case TEV_EXPECT_DIFFERENT: return count_expect(rp, do_expect_pair(rp, ev, false));
	case TEV_EXPECT_CACHE: return count_expect(rp, do_expect_cache(rp, ev));
	case TEV_EXPECT_FAULT: return count_expect(rp, do_expect_fault(rp, ev, true));
	case TEV_EXPECT_NOFAULT: return count_expect(rp, do_expect_fault(rp, ev, false));
	default:
		return do_ftrace(rp, ev, cpu, op);
	}
}

/* Tell the hook (--events, the TUI) what @ev did: @op when it reached the model, else NULL. */
static void call_hook(struct replay *rp, const struct trace_event *ev, const struct sim_op *op, int r)
{
	struct replay_step step = { .ev = ev, .op = op };

	if (ev->kind == TEV_KSIZE && r > 0) {
		const struct replay_obj *o = replay_lookup(rp, ev->obj.s, NULL);

		step.ksize = o ? sim_ksize(rp->sim, o->addr) : 0;
	}
	/* ftrace events bind no name: say which task ran them */
	if (ev->kind >= TEV_FT_KMALLOC)
		step.name = ev->ft.comm;
	else
		step.name = ev->result.s ? ev->result.s : ev->obj.s;
	step.failed_expect = rp->failed_expect;
	step.before_trace = rp->before_trace;
	step.message = rp->msg;
	if (op && !step.ksize && op->addr > ZERO_SIZE_PTR)
		step.ksize = sim_ksize(rp->sim, op->addr);
	rp->opts.hook(rp->opts.hook_ctx, rp, &step);
}

int replay_event(struct replay *rp, const struct trace_reader *rd, const struct trace_event *ev)
{
	struct sim_op *op = &rp->last_op;	/* filled in place: no copy per event */
	unsigned cpu;
	bool bad_cpu;
	int r;

	rp->rd = rd;
	rp->msg[0] = '\0';
	rp->failed_expect = false;
	rp->before_trace = false;
	/* between events no entry pointer is held: forget the oldest freed names */
	name_table_trim(&rp->names, NAME_TABLE_DEAD_KEEP);
	switch (ev->kind) {
	case TEV_CONFIG:
		return apply_config(rp, ev);
	case TEV_LABEL:
		r = add_label(rp, ev);
		if (rp->opts.hook)
			call_hook(rp, ev, NULL, r);
		return r < 0 ? -1 : 0;
	case TEV_CPU:
		if (replay_boot(rp))
			return -1;
		event_cpu(rp, ev, &bad_cpu);
		return bad_cpu ? -1 : 0;
	default:
		break;
	}
	/* numbered whatever becomes of it: the TUI counts events with the parser alone */
	if (trace_kind_is_event(ev->kind))
		rp->st.events++;
	if (!rp->sim && replay_boot(rp))
		return -1;
	cpu = event_cpu(rp, ev, &bad_cpu);
	if (bad_cpu)
		return -1;
	r = run_op(rp, ev, cpu, op);
	if (r == OP_MODEL) {
		/* the operation reached the model */
		rp->st.modelled++;
		record_op(rp, ev, op);
		if (op->path == PATH_FAILED)
			rp->st.alloc_failed++;
	}
	if (rp->opts.hook)
		call_hook(rp, ev, r == OP_MODEL ? op : NULL, r);
	return r == OP_ERROR ? -1 : 0;
}

void replay_prefetch(const struct replay *rp, uint32_t hash)
{
	name_table_prefetch(&rp->names, hash);
}

void replay_prefetch_ptr(const struct replay *rp, uint64_t ptr)
{
	name_table_prefetch(&rp->ptrs, name_table_hash(&ptr, sizeof(ptr)));
}

/* ------------------------------------------------------------------ setup */

int replay_init(struct replay *rp, const struct sim_config *base, const struct replay_opts *opts)
{
	memset(rp, 0, sizeof(*rp));
	if (opts)
		rp->opts = *opts;
	name_table_init_payload(&rp->names, sizeof(struct replay_obj));
	name_table_init_payload(&rp->ptrs, sizeof(struct replay_obj));
	name_table_init_payload(&rp->traced, sizeof(uint32_t));
	name_table_init(&rp->call_sites);
	if (config_copy(&rp->cfg, base, NULL))
		return -1;
	/* labels[0]: no label yet */
	if (ARRAY_GROW(rp->labels, rp->labels_cap, 1) ||
	    !(rp->labels[0].text = strdup("")))
		return -1;
	rp->nr_labels = 1;
	return 0;
}

void replay_release(struct replay *rp)
{
	for (uint32_t i = 0; i < rp->nr_labels; i++)
		free(rp->labels[i].text);
	free(rp->labels);
	name_table_release(&rp->names);
	name_table_release(&rp->ptrs);
	name_table_release(&rp->traced);
	name_table_release(&rp->call_sites);
	if (rp->own_learn) {
		learn_release(rp->opts.learn);
		free(rp->opts.learn);
	}
	sim_destroy(rp->sim);
	config_release(&rp->cfg);
	memset(rp, 0, sizeof(*rp));
}

/* ------------------------------------------------------------------ checkpoints */

/* @s of the model @from, as the same cache of its clone @to */
static struct kmem_cache *clone_cache(const struct sim *to, const struct kmem_cache *s)
{
	return s ? to->caches[s->index] : NULL;
}

/* The copied names' caches: the same caches of the copied model. */
static void clone_objs(struct name_table *nt, const struct sim *to)
{
	for (uint32_t i = 0; i < name_table_slots(nt); i++) {
		const struct name_entry *e = name_table_slot(nt, i);
		struct replay_obj *o;

		if (e) {
			o = name_table_payload(nt, e);
			o->cache = clone_cache(to, o->cache);
		}
	}
}

static int clone_labels(struct replay *dst, const struct replay *src)
{
	dst->labels = calloc(src->labels_cap, sizeof(*dst->labels));
	if (!dst->labels)
		return -1;
	dst->labels_cap = src->labels_cap;
	for (uint32_t i = 0; i < src->nr_labels; i++) {
		dst->labels[i].from = src->labels[i].from;
		if (!(dst->labels[i].text = strdup(src->labels[i].text)))
			return -1;
		dst->nr_labels = i + 1;
	}
	return 0;
}

int replay_clone(struct replay *dst, const struct replay *src)
{
	memcpy(dst, src, sizeof(*dst));
	dst->sim = NULL;
	dst->own_learn = false;	/* the names learnt stay the original's */
	dst->labels = NULL;
	dst->nr_labels = dst->labels_cap = 0;
	name_table_init(&dst->names);
	name_table_init(&dst->ptrs);
	name_table_init(&dst->traced);
	name_table_init(&dst->call_sites);
	config_init(&dst->cfg);
	if (config_copy(&dst->cfg, &src->cfg, NULL) || (src->sim && !(dst->sim = sim_clone(src->sim))) ||
	    name_table_clone(&dst->names, &src->names) || name_table_clone(&dst->ptrs, &src->ptrs) ||
	    name_table_clone(&dst->traced, &src->traced) || name_table_clone(&dst->call_sites, &src->call_sites) ||
	    clone_labels(dst, src))
		goto fail;
	if (src->sim) {
		clone_objs(&dst->names, dst->sim);
		clone_objs(&dst->ptrs, dst->sim);
	}
	if (dst->sim)
		dst->last_op.cache = clone_cache(dst->sim, src->last_op.cache);
	dst->last_op.fault_text = src->last_op.fault_text == src->last_fault ? dst->last_fault : NULL;
	return 0;
fail:
	replay_release(dst);
	return -1;
}
