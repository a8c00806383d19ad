#include "learn.h"

#include <stdlib.h>
#include <string.h>

#include "sim/array.h"

/* What a site (call site, bytes_req, bytes_alloc) is known to allocate from. */
struct learn_site {
	uint32_t name;		/* the name's id + 1; 0 while none is known */
	bool several;		/* its objects were freed under different names */
	bool accounted;		/* its first allocation was accounted */
	uint32_t line;		/* its first allocation's line */
};

/* A live object the look-ahead saw allocated. */
struct learn_ptr {
	uint32_t line;
	uint32_t site;
	bool accounted;
};

/* Long call sites (a module's function) are told apart by their first bytes. */
#define SITE_KEY_MAX 256

void learn_init(struct learn *ln)
{
	memset(ln, 0, sizeof(*ln));
	name_table_init_payload(&ln->sites, sizeof(struct learn_site));
	name_table_init_payload(&ln->names, sizeof(uint32_t));
	name_table_init_payload(&ln->ptrs, sizeof(struct learn_ptr));
}

void learn_release(struct learn *ln)
{
	for (uint32_t i = 0; i < ln->nr_names; i++)
		free(ln->name[i]);
	free(ln->name);
	free(ln->cache);
	free(ln->objs);
	name_table_release(&ln->sites);
	name_table_release(&ln->names);
	name_table_release(&ln->ptrs);
	memset(ln, 0, sizeof(*ln));
}

static size_t site_key(const struct trace_event *ev, unsigned char *key)
{
	const char *cs = ev->ft.call_site ? ev->ft.call_site : "";
	size_t n = strnlen(cs, SITE_KEY_MAX);

	memcpy(key, cs, n);
	key[n++] = '\0';
	memcpy(key + n, &ev->ft.bytes_req, sizeof(ev->ft.bytes_req));
	n += sizeof(ev->ft.bytes_req);
	memcpy(key + n, &ev->ft.bytes_alloc, sizeof(ev->ft.bytes_alloc));
	return n + sizeof(ev->ft.bytes_alloc);
}

/* The site of @ev, created if new: its slot number, or LEARN_NO_SITE out of memory. */
static uint32_t site_of(struct learn *ln, const struct trace_event *ev)
{
	unsigned char key[SITE_KEY_MAX + 1 + 2 * sizeof(uint64_t)];
	struct name_entry *e;
	int r = name_table_bind(&ln->sites, key, site_key(ev, key), 0, &e);
	struct learn_site *ls;

	if (r != NT_OK && r != NT_ELIVE)
		return LEARN_NO_SITE;
	if (r == NT_OK) {
		ls = name_table_payload(&ln->sites, e);
		ls->line = ev->line;
		ls->accounted = ev->ft.accounted == 1;
	}
	return e->slot;
}

/* The sizes a site's allocations traced: site_key() ends with them. */
static void site_sizes(const struct learn *ln, const struct name_entry *e, uint64_t *req, uint64_t *alloc)
{
	size_t len;
	const unsigned char *key = name_table_key(&ln->sites, e, &len);

	memcpy(req, key + len - 2 * sizeof(uint64_t), sizeof(uint64_t));
	memcpy(alloc, key + len - sizeof(uint64_t), sizeof(uint64_t));
}

static struct learn_site *site_at(const struct learn *ln, uint32_t site)
{
	struct name_entry *e = site == LEARN_NO_SITE ? NULL : name_table_slot(&ln->sites, site);

	return e ? name_table_payload(&ln->sites, e) : NULL;
}

/* The id of @name, interned; UINT32_MAX out of memory. */
static uint32_t name_id(struct learn *ln, const char *name)
{
	size_t len = strlen(name);
	struct name_entry *e = name_table_lookup(&ln->names, name, len);
	uint32_t id, name_cap = ln->names_cap;

	if (e)
		return *(uint32_t *)name_table_payload(&ln->names, e);
	/* two arrays, one capacity: it grows when both have */
	if (ARRAY_GROW(ln->name, name_cap, ln->nr_names + 1) ||
	    ARRAY_GROW(ln->cache, ln->names_cap, ln->nr_names + 1))
		return UINT32_MAX;
	ln->cache[ln->nr_names] = (struct learn_cache){ 0 };
	if (!(ln->name[ln->nr_names] = strdup(name)))
		return UINT32_MAX;
	if (name_table_bind(&ln->names, name, len, 0, &e)) {
		free(ln->name[ln->nr_names]);
		return UINT32_MAX;
	}
	id = ln->nr_names++;
	*(uint32_t *)name_table_payload(&ln->names, e) = id;
	return id;
}

static void site_note(struct learn_site *ls, uint32_t id)
{
	if (!ls->name)
		ls->name = id + 1;
	else if (ls->name != id + 1)
		ls->several = true;
}

void learn_free(struct learn *ln, uint32_t site, const char *name)
{
	struct learn_site *ls = site_at(ln, site);
	uint32_t id;

	if (!ls || !name || (id = name_id(ln, name)) == UINT32_MAX)
		return;
	ln->named++;
	ln->cache[id].freed = true;
	site_note(ls, id);
}

const char *learn_site_name(const struct learn *ln, uint32_t site)
{
	const struct learn_site *ls = site_at(ln, site);

	return ls && ls->name && !ls->several ? ln->name[ls->name - 1] : NULL;
}

bool learn_knows(const struct learn *ln, const char *name)
{
	return name_table_lookup(&ln->names, name, strlen(name)) != NULL;
}

uint32_t learn_freed_names(const struct learn *ln)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < ln->nr_names; i++)
		n += ln->cache[i].freed;
	return n;
}

static int cache_line_cmp(const void *a, const void *b)
{
	const struct learn_cache *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

int learn_unnamed(const struct learn *ln, struct learn_cache **out, uint32_t *nr)
{
	struct learn_cache *v = NULL;
	uint32_t n = 0;

	*out = NULL;
	*nr = 0;
	if (!ln->frozen)
		return 0;
	for (uint32_t i = 0; i < name_table_slots(&ln->sites); i++) {
		const struct name_entry *e = name_table_slot(&ln->sites, i);
		const struct learn_site *ls = e ? name_table_payload(&ln->sites, e) : NULL;

		if (!ls || ls->name)
			continue;
		if (!v && !(v = malloc(name_table_slots(&ln->sites) * sizeof(*v))))
			return -1;
		v[n] = (struct learn_cache){ .line = ls->line, .accounted = ls->accounted };
		site_sizes(ln, e, &v[n].bytes_req, &v[n].bytes_alloc);
		n++;
	}
	if (n)
		qsort(v, n, sizeof(*v), cache_line_cmp);
	*out = v;
	*nr = n;
	return 0;
}

/* ------------------------------------------------------------------ the look-ahead */

static int add_obj(struct learn *ln, uint32_t line, uint32_t name, uint32_t site)
{
	if (ln->nr_objs == ln->objs_cap) {
		uint32_t cap = ln->objs_cap ? 2 * ln->objs_cap : 1024;
		struct learn_obj *p = realloc(ln->objs, cap * sizeof(*p));

		if (!p)
			return -1;
		ln->objs = p;
		ln->objs_cap = cap;
	}
	ln->objs[ln->nr_objs++] = (struct learn_obj){ .line = line, .name = name, .site = site };
	return 0;
}

/* @c saw an object allocated at @line: it keeps the sizes of the earliest, accounted if all were. */
static void cache_saw(struct learn_cache *c, uint32_t line, uint64_t req, uint64_t alloc, bool accounted)
{
	c->accounted = (c->line ? c->accounted : true) && accounted;
	if (c->line && c->line < line)
		return;
	c->bytes_req = req;
	c->bytes_alloc = alloc;
	c->line = line;
}

/* The cache @c learns from an object of it allocated at @lp: the sizes its site traced, its first line. */
static void cache_note(const struct learn *ln, struct learn_cache *c, const struct learn_ptr *lp)
{
	const struct name_entry *e = name_table_slot(&ln->sites, lp->site);
	uint64_t req, alloc;

	if (!e)
		return;
	c->freed = true;
	site_sizes(ln, e, &req, &alloc);
	cache_saw(c, lp->line, req, alloc, lp->accounted);
}

/* A named free of an object the trace allocated: its site, its cache and the object itself learn the name. */
static int learn_named_free(struct learn *ln, const struct learn_ptr *lp, const char *name)
{
	uint32_t id = name_id(ln, name);
	struct learn_site *ls = site_at(ln, lp->site);

	if (id == UINT32_MAX)
		return -1;
	ln->named++;
	if (ls)
		site_note(ls, id);
	cache_note(ln, &ln->cache[id], lp);
	return add_obj(ln, lp->line, id, lp->site);
}

/* 6.19+: a kmem_cache_alloc that names its cache gives its sizes too, as a named free of its object would. */
static int learn_stated(struct learn *ln, const struct trace_event *ev)
{
	uint32_t id = name_id(ln, ev->ft.name);

	if (id == UINT32_MAX)
		return -1;
	cache_saw(&ln->cache[id], ev->line, ev->ft.bytes_req, ev->ft.bytes_alloc, ev->ft.accounted == 1);
	return 0;
}

/* Whether a kmalloc or kfree comes before the trace's first kmem_cache event (struct learn model_first). */
static void note_first(struct learn *ln, enum trace_kind kind)
{
	if (ln->cache_event)
		return;
	if (trace_kind_is_ft_cache(kind))
		ln->cache_event = true;
	else if (kind == TEV_FT_KMALLOC || kind == TEV_FT_KMALLOC_NODE || kind == TEV_FT_KFREE)
		ln->model_first = true;
}

int learn_event(struct learn *ln, const struct trace_event *ev)
{
	const struct trace_ftrace *ft = &ev->ft;
	struct name_entry *e;
	struct learn_ptr lp;
	int r = 0;

	if (ev->kind < TEV_FT_KMALLOC) {
		ln->native = ev->kind != TEV_NONE;
		return 0;
	}
	note_first(ln, ev->kind);
	switch (ev->kind) {
	case TEV_FT_CACHE_ALLOC:
	case TEV_FT_CACHE_ALLOC_NODE:
		if (!ft->ptr)
			return 0;
		/* an object still at that pointer lost its free */
		name_table_remove(&ln->ptrs, &ft->ptr, sizeof(ft->ptr));
		if (ft->name)
			return learn_stated(ln, ev);	/* 6.19+: the event names its cache */
		lp = (struct learn_ptr){ .line = ev->line, .site = site_of(ln, ev), .accounted = ft->accounted == 1 };
		if (lp.site == LEARN_NO_SITE || name_table_bind(&ln->ptrs, &ft->ptr, sizeof(ft->ptr), 0, &e))
			return -1;
		*(struct learn_ptr *)name_table_payload(&ln->ptrs, e) = lp;
		return 0;
	case TEV_FT_CACHE_FREE:
		e = name_table_lookup(&ln->ptrs, &ft->ptr, sizeof(ft->ptr));
		if (!e)
			return 0;	/* allocated before the trace, or by a named event */
		lp = *(struct learn_ptr *)name_table_payload(&ln->ptrs, e);
		if (ft->name)
			r = learn_named_free(ln, &lp, ft->name);
		name_table_remove(&ln->ptrs, &ft->ptr, sizeof(ft->ptr));
		return r;
	default:
		/*
		 * kmalloc and kfree need no look-up: a cache object kfree()d
		 * stays here until the next kmem_cache_alloc at its pointer
		 * replaces it, and only a kmem_cache_free could name it.
		 */
		return 0;
	}
}

static int obj_cmp(const void *a, const void *b)
{
	const struct learn_obj *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

int learn_freeze(struct learn *ln)
{
	uint32_t n = 0;

	/* only the objects of sites with several names need their own record */
	for (uint32_t i = 0; i < ln->nr_objs; i++) {
		const struct learn_site *ls = site_at(ln, ln->objs[i].site);

		if (ls && ls->several)
			ln->objs[n++] = ln->objs[i];
	}
	ln->nr_objs = n;
	if (n)	/* a trace without such objects has no array: qsort(NULL, 0) is undefined */
		qsort(ln->objs, n, sizeof(*ln->objs), obj_cmp);
	name_table_release(&ln->ptrs);
	name_table_init_payload(&ln->ptrs, sizeof(struct learn_ptr));
	ln->frozen = true;
	return 0;
}

/* The name an object of a several-name site allocated at @line was freed with. */
static const char *obj_name(const struct learn *ln, uint32_t line)
{
	uint32_t lo = 0, hi = ln->nr_objs;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ln->objs[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ln->nr_objs && ln->objs[lo].line == line ? ln->name[ln->objs[lo].name] : NULL;
}

const char *learn_alloc_name(struct learn *ln, const struct trace_event *ev, uint32_t *site)
{
	unsigned char key[SITE_KEY_MAX + 1 + 2 * sizeof(uint64_t)];
	const struct learn_site *ls;
	struct name_entry *e;

	*site = LEARN_NO_SITE;
	if (!ln->frozen) {
		*site = site_of(ln, ev);
		return learn_site_name(ln, *site);
	}
	e = name_table_lookup(&ln->sites, key, site_key(ev, key));
	if (!e)
		return NULL;
	ls = name_table_payload(&ln->sites, e);
	if (ls->several)
		return obj_name(ln, ev->line);
	return ls->name ? ln->name[ls->name - 1] : NULL;
}
