/*
 * The public API (include/slubsim/slubsim.h): a handle over the model, its
 * options as the command line spells them, and the replay driver for
 * traces. Everything here is a thin translation: the rules are in sim/.
 */
#include "include/slubsim/slubsim.h"
#include "slubsim_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kmalloc.h"
#include "sim/rust.h"
#include "sim/sim.h"
#include "sim/sysfs.h"
#include "src/replay/options.h"
#include "src/replay/run.h"

struct slubsim {
	struct sim_config cfg;
	unsigned cfg_set;		/* OPTIONS_BIT()s of the options set: they win over a trace's config lines */
	struct sim *sim;		/* NULL until it boots */
	unsigned cpu;
	struct sim_op op;		/* the last operation's account */
	char *report;			/* its reports' text, owned ("" if none) */
	uint64_t reports_total;
	slubsim_msg_fn on_msg;		/* slubsim_on_msg() */
	void *msg_ctx;
	char first[400];		/* slubsim_run_trace(): its first error, for slubsim_error() */
	char err[1024];
};

static int __attribute__((format(printf, 3, 4))) fail(struct slubsim *m, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->err, sizeof(m->err), fmt, ap);
	va_end(ap);
	return code;
}

static int sim_code(enum sim_errcode code)
{
	return code == SIM_ENOMEM ? SLUBSIM_ENOMEM : SLUBSIM_EINVAL;
}

int slubsim_new(struct slubsim **out)
{
	struct slubsim *m = calloc(1, sizeof(*m));

	*out = m;
	if (!m)
		return SLUBSIM_ENOMEM;
	config_init(&m->cfg);
	return SLUBSIM_OK;
}

int slubsim_new_from(struct slubsim **out, const struct slubsim *base)
{
	struct slubsim *m;
	int r = slubsim_new(&m);

	*out = NULL;
	if (r)
		return r;
	config_release(&m->cfg);
	if (config_copy(&m->cfg, &base->cfg, NULL)) {
		config_init(&m->cfg);	/* config_copy() left nothing to release */
		slubsim_free(m);
		return SLUBSIM_ENOMEM;
	}
	m->cfg_set = base->cfg_set;
	*out = m;
	return SLUBSIM_OK;
}

const struct sim_config *slubsim_config(const struct slubsim *m)
{
	return &m->cfg;
}

unsigned slubsim_options_given(const struct slubsim *m)
{
	return m->cfg_set;
}

struct sim *slubsim_sim(struct slubsim *m)
{
	return slubsim_boot(m) ? NULL : m->sim;
}

void slubsim_free(struct slubsim *m)
{
	if (!m)
		return;
	sim_destroy(m->sim);
	config_release(&m->cfg);
	free(m->report);
	free(m);
}

const char *slubsim_error(const struct slubsim *m)
{
	return m ? m->err : "out of memory";
}

int slubsim_set(struct slubsim *m, const char *option, const char *value)
{
	int k = option ? config_opt_find(option, strlen(option)) : -1;
	struct sim_err err;

	m->err[0] = '\0';
	if (m->sim)
		return fail(m, SLUBSIM_EBUSY, "--%s: the model has booted already", option);
	if (k < 0)
		return fail(m, SLUBSIM_EINVAL, "unknown model option '%s'", option ? option : "(null)");
	if (!value)
		return fail(m, SLUBSIM_EINVAL, "--%s: no value", option);
	if (config_opts[k].set(&m->cfg, value, &err))
		return fail(m, sim_code(err.code), "--%s: %s", option, err.msg);
	m->cfg_set |= OPTIONS_BIT(k);
	return SLUBSIM_OK;
}

int slubsim_boot(struct slubsim *m)
{
	struct sim_err err;

	m->err[0] = '\0';
	if (m->sim)
		return SLUBSIM_OK;
	if (config_finalize(&m->cfg, &err) || sim_create(&m->sim, &m->cfg, &err))
		return fail(m, sim_code(err.code), "%s", err.msg);
	return SLUBSIM_OK;
}

int slubsim_set_cpu(struct slubsim *m, unsigned cpu)
{
	int r = slubsim_boot(m);

	if (r)
		return r;
	if (cpu >= m->sim->env.cpus)
		return fail(m, SLUBSIM_EINVAL, "CPU %u: the model has %u", cpu, m->sim->env.cpus);
	m->cpu = cpu;
	return SLUBSIM_OK;
}

/* Boot if need be, and read @gfp (NULL: GFP_KERNEL). */
static int begin(struct slubsim *m, const char *gfp, gfp_t *flags)
{
	int r = slubsim_boot(m);

	if (r)
		return r;
	if (!flags)
		return SLUBSIM_OK;
	*flags = GFP_KERNEL;
	if (gfp && gfp_parse(gfp, strlen(gfp), flags))
		return fail(m, SLUBSIM_EINVAL, "unknown GFP flags '%s'", gfp);
	return SLUBSIM_OK;
}

/* After an operation: keep its reports, which the model's next one overwrites. */
static int done(struct slubsim *m)
{
	free(m->report);
	m->report = NULL;
	m->reports_total += m->op.nr_faults;
	if (m->op.nr_faults && !(m->report = strdup(m->op.fault_text ? m->op.fault_text : "")))
		return fail(m, SLUBSIM_ENOMEM, "out of memory");
	return SLUBSIM_OK;
}

static int alloc(struct slubsim *m, uint64_t size, const char *gfp, gfp_t extra, uint64_t *addr)
{
	gfp_t flags;
	int r = begin(m, gfp, &flags);

	if (r)
		return r;
	/* a call site per model, as a kmalloc() from one line of code */
	*addr = sim_kmalloc(m->sim, m->cpu, size, flags | extra, 0, &m->op);
	return done(m);
}

int slubsim_kmalloc(struct slubsim *m, uint64_t size, const char *gfp, uint64_t *addr)
{
	return alloc(m, size, gfp, 0, addr);
}

int slubsim_kzalloc(struct slubsim *m, uint64_t size, const char *gfp, uint64_t *addr)
{
	return alloc(m, size, gfp, __GFP_ZERO, addr);
}

int slubsim_krealloc(struct slubsim *m, uint64_t p, uint64_t size, const char *gfp, uint64_t *addr)
{
	gfp_t flags;
	int r = begin(m, gfp, &flags);

	if (r)
		return r;
	*addr = sim_krealloc(m->sim, m->cpu, p, size, flags, 1, &m->op);
	return done(m);
}

int slubsim_kfree(struct slubsim *m, uint64_t p)
{
	int r = begin(m, NULL, NULL);

	if (r)
		return r;
	sim_kfree(m->sim, m->cpu, p, &m->op);
	return done(m);
}

int slubsim_ksize(struct slubsim *m, uint64_t p, uint64_t *size)
{
	int r = begin(m, NULL, NULL);

	if (r)
		return r;
	*size = sim_ksize_claim(m->sim, p);	/* 6.2+: the caller may now use all of it */
	return SLUBSIM_OK;
}

int slubsim_kmalloc_size_roundup(struct slubsim *m, uint64_t size, uint64_t *rounded)
{
	int r = begin(m, NULL, NULL);

	if (r)
		return r;
	*rounded = kmalloc_size_roundup(m->sim, size);
	return SLUBSIM_OK;
}

/* Boot if need be, and read @name (NULL: the model's kernel version's own wrapper). */
static int begin_rust(struct slubsim *m, const char *name, enum rust_wrapper *w)
{
	int r = begin(m, NULL, NULL);

	if (r)
		return r;
	*w = rust_default_wrapper(m->sim->env.kver);
	if (name && rust_wrapper_from_name(name, w))
		return fail(m, SLUBSIM_EINVAL, "unknown Rust wrapper '%s' (naive, npot, pad, allocator, node-align)",
			    name);
	return SLUBSIM_OK;
}

/* What the wrapper passes C for the layout (rust_size_for()), or a Rust LayoutError. */
static int rust_c_size(struct slubsim *m, enum rust_wrapper w, uint64_t size, uint64_t align, uint64_t *c_size)
{
	struct sim_err err;

	if (rust_size_for(w, size, align, &m->sim->env, c_size, &err))
		return fail(m, SLUBSIM_EINVAL, "Layout(%llu, %llu): %s", (unsigned long long)size,
			    (unsigned long long)align, err.msg);
	return SLUBSIM_OK;
}

int slubsim_rust_alloc(struct slubsim *m, uint64_t size, uint64_t align, const char *wrapper, uint64_t *addr)
{
	return slubsim_rust_realloc(m, 0, 0, size, align, wrapper, addr);
}

int slubsim_rust_realloc(struct slubsim *m, uint64_t p, uint64_t old_size, uint64_t size, uint64_t align,
			 const char *wrapper, uint64_t *addr)
{
	enum rust_wrapper w;
	uint64_t c_size;
	int r = begin_rust(m, wrapper, &w);

	if (!r)
		r = rust_c_size(m, w, size, align, &c_size);
	if (r)
		return r;
	/* 6.13+: a dangling pointer (old size 0) never reaches C */
	if (w >= RUST_ALLOCATOR && !old_size)
		p = 0;
	memset(&m->op, 0, sizeof(m->op));
	if (rust_returns_dangling(w, c_size)) {
		if (p)
			sim_krealloc(m->sim, m->cpu, p, 0, GFP_KERNEL, 1, &m->op);
		*addr = align;	/* NonNull::dangling() */
	} else {
		/* krealloc(), or 6.18+ krealloc_node_align() with the alignment */
		*addr = sim_krealloc(m->sim, m->cpu, p, c_size, GFP_KERNEL, w == RUST_NODE_ALIGN ? align : 1, &m->op);
	}
	return done(m);
}

int slubsim_rust_free(struct slubsim *m, uint64_t p, uint64_t size, const char *wrapper)
{
	enum rust_wrapper w;
	int r = begin_rust(m, wrapper, &w);

	if (r)
		return r;
	memset(&m->op, 0, sizeof(m->op));
	if (w >= RUST_ALLOCATOR && !size)
		return done(m);	/* dangling: nothing to free */
	/* 6.13+ frees by reallocating to size 0; the older wrappers call kfree() */
	if (w >= RUST_ALLOCATOR)
		sim_krealloc(m->sim, m->cpu, p, 0, 0, 1, &m->op);
	else
		sim_kfree(m->sim, m->cpu, p, &m->op);
	return done(m);
}

/* begin() for a call on the cache named @name, found into *@s. */
static int begin_cache(struct slubsim *m, const char *name, const char *gfp, gfp_t *flags, struct kmem_cache **s)
{
	int r = begin(m, gfp, flags);

	if (r)
		return r;
	*s = name ? sim_find_cache(m->sim, name) : NULL;
	if (!*s)
		return fail(m, SLUBSIM_ENOENT, "no cache '%s'", name ? name : "(null)");
	return SLUBSIM_OK;
}

int slubsim_cache_create(struct slubsim *m, const char *name, uint64_t size, uint64_t align, const char *flags)
{
	slab_flags_t f = 0;
	struct sim_err err;
	int r = begin(m, NULL, NULL);

	if (r)
		return r;
	if (!name || !*name)
		return fail(m, SLUBSIM_EINVAL, "kmem_cache_create: no name");
	if (flags && trace_slab_flags_parse(flags, &f))
		return fail(m, SLUBSIM_EINVAL, "unknown cache flags '%s'", flags);
	if (size > UINT32_MAX || align > UINT32_MAX)
		return fail(m, SLUBSIM_EINVAL, "kmem_cache_create %s: size or align too large", name);
	if (!sim_kmem_cache_create(m->sim, name, (unsigned)size, (unsigned)align, f, 0, 0, 0, &err))
		return fail(m, sim_code(err.code), "kmem_cache_create %s: %s", name, err.msg);
	return SLUBSIM_OK;
}

int slubsim_cache_alloc(struct slubsim *m, const char *cache, const char *gfp, uint64_t *addr)
{
	struct kmem_cache *s;
	gfp_t flags;
	int r = begin_cache(m, cache, gfp, &flags, &s);

	if (r)
		return r;
	*addr = sim_kmem_cache_alloc(m->sim, m->cpu, s, flags, &m->op);
	return done(m);
}

int slubsim_cache_free(struct slubsim *m, const char *cache, uint64_t p)
{
	struct kmem_cache *s;
	int r = begin_cache(m, cache, NULL, NULL, &s);

	if (r)
		return r;
	sim_kmem_cache_free(m->sim, m->cpu, s, p, &m->op);
	return done(m);
}

int slubsim_cache_destroy(struct slubsim *m, const char *cache)
{
	struct kmem_cache *s;
	int r = begin_cache(m, cache, NULL, NULL, &s);

	if (r)
		return r;
	/* objects left: the kernel reports them and keeps the cache, as the model does */
	sim_kmem_cache_destroy(m->sim, s, &m->op);
	return done(m);
}

int slubsim_cache_attr(struct slubsim *m, const char *cache, const char *attr, uint64_t *value)
{
	struct kmem_cache *s;
	int r = begin_cache(m, cache, NULL, NULL, &s);

	if (r)
		return r;
	if (!attr || kmem_cache_sysfs_attr(m->sim, s, attr, value))
		return fail(m, SLUBSIM_ENOENT, "%s: no numeric attribute '%s'", cache, attr ? attr : "(null)");
	return SLUBSIM_OK;
}

int slubsim_object(struct slubsim *m, uint64_t addr, struct slubsim_object *o)
{
	struct sim_obj_info info;
	int r = begin(m, NULL, NULL);

	if (r)
		return r;
	memset(o, 0, sizeof(*o));
	sim_lookup(m->sim, addr, &info);
	if (info.kind == SIM_OBJ_NONE || (info.kind == SIM_OBJ_SLAB && info.slot < 0))
		return fail(m, SLUBSIM_ENOENT, "0x%llx: no object of the model", (unsigned long long)addr);
	if (info.kind == SIM_OBJ_SLAB)
		snprintf(o->cache, sizeof(o->cache), "%s", info.cache->name);
	o->slot = info.kind == SIM_OBJ_SLAB ? info.slot : -1;
	o->object = info.object;
	o->slab = info.kind == SIM_OBJ_SLAB ? info.slab_addr : info.object;
	o->align = info.object & -info.object;
	o->ksize = sim_ksize(m->sim, info.object);
	o->free = info.free;
	return SLUBSIM_OK;
}

unsigned slubsim_reports(const struct slubsim *m)
{
	return m->op.nr_faults;
}

const char *slubsim_report_text(const struct slubsim *m)
{
	return m->report ? m->report : "";
}

uint64_t slubsim_reports_total(const struct slubsim *m)
{
	return m->reports_total;
}

void slubsim_on_msg(struct slubsim *m, slubsim_msg_fn fn, void *ctx)
{
	m->on_msg = fn;
	m->msg_ctx = ctx;
}

static enum slubsim_msg_kind msg_kind(enum replay_msg_kind k)
{
	switch (k) {
	case REPLAY_MSG_SYNTAX: return SLUBSIM_MSG_SYNTAX;
	case REPLAY_MSG_ERROR: return SLUBSIM_MSG_ERROR;
	case REPLAY_MSG_EXPECT: return SLUBSIM_MSG_EXPECT;
	case REPLAY_MSG_REPORT: return SLUBSIM_MSG_REPORT;
	case REPLAY_MSG_NOTE: return SLUBSIM_MSG_NOTE;
	default: return SLUBSIM_MSG_IO;
	}
}

/* The replayer's messages: to the user's function, and the first that fails the trace kept for slubsim_error(). */
static void on_replay_msg(void *ctx, const struct replay_msg *rm)
{
	struct slubsim *m = ctx;
	struct slubsim_msg msg = { .kind = msg_kind(rm->kind), .file = rm->file, .line = rm->line, .column = rm->col,
				   .text = rm->text };

	if (!m->first[0] && msg.kind != SLUBSIM_MSG_REPORT && msg.kind != SLUBSIM_MSG_NOTE) {
		if (msg.line && msg.column)
			snprintf(m->first, sizeof(m->first), "%s:%u:%u: %s", msg.file, msg.line, msg.column, msg.text);
		else if (msg.line)
			snprintf(m->first, sizeof(m->first), "%s:%u: %s", msg.file, msg.line, msg.text);
		else
			snprintf(m->first, sizeof(m->first), "%s: %s", msg.file, msg.text);
	}
	if (m->on_msg)
		m->on_msg(m->msg_ctx, &msg);
}

int slubsim_run_trace(struct slubsim *m, const char *path, uint64_t *events)
{
	/* reports too: they are messages of their own to the user's function */
	struct replay_opts opts = { .cli_set = m->cfg_set, .on_msg = on_replay_msg, .msg_ctx = m };
	struct replay rp;
	struct trace_reader rd;
	int r;

	m->err[0] = '\0';
	m->first[0] = '\0';
	if (!path)
		return fail(m, SLUBSIM_EINVAL, "no trace");
	r = replay_run("slubsim", &m->cfg, path, TRACE_FMT_AUTO, &opts, 0, true, &rp, &rd);
	if (!r && rp.sim) {
		/* the trace's model replaces this one */
		sim_destroy(m->sim);
		m->sim = rp.sim;
		rp.sim = NULL;
		m->cpu = 0;
		m->reports_total = rp.st.faults;
		memset(&m->op, 0, sizeof(m->op));
		free(m->report);
		m->report = NULL;
	}
	if (events)
		*events = rp.st.events;
	if (r)
		fail(m, SLUBSIM_ETRACE, "%s", m->first[0] ? m->first : "the trace could not be read");
	else if (rp.st.errors || rd.stats.errors || rp.st.expect_fail)
		r = fail(m, SLUBSIM_ETRACE, "%s: %llu errors, %llu failed expectations; the first: %s", path,
			 (unsigned long long)(rp.st.errors + rd.stats.errors), (unsigned long long)rp.st.expect_fail,
			 m->first);
	replay_release(&rp);
	trace_close(&rd);
	return r ? SLUBSIM_ETRACE : SLUBSIM_OK;
}
