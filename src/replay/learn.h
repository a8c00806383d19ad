/*
 * Cache names learnt from an ftrace trace. Before 6.19 the kernel prints
 * the cache's name on kmem_cache_free (name=) but not on kmem_cache_alloc
 * (include/trace/events/kmem.h), so the allocation of a task_struct reads
 * as "some cache with 6208-byte objects". The free of the same pointer
 * names it; so does, for the objects never freed in the trace, the call
 * site that allocates them (one call site allocates from one cache).
 *
 * Two ways to learn (man/slubsim-trace.5, "Replaying ftrace events"):
 *  - a look-ahead: learn_event() on every event of the whole trace before
 *    the replay, then learn_freeze(); every allocation then gets its name
 *    from the event that allocated it;
 *  - as it goes (a pipe, standard input): learn_alloc_name() at each
 *    allocation, learn_free() at each named free; an allocation gets a name
 *    once an object of its call site has been freed.
 * A site is a call site with the traced bytes_req and bytes_alloc.
 * The look-ahead also keeps each learnt cache's sizes (struct learn_cache),
 * so that the replay can create the kernel's caches at boot, before the
 * trace began, as they were (replay.c create_learnt_caches()).
 */
#ifndef SLUBSIM_LEARN_H
#define SLUBSIM_LEARN_H

#include <stdbool.h>
#include <stdint.h>

#include "name_table.h"
#include "src/trace/trace.h"

#define LEARN_NO_SITE UINT32_MAX

/*
 * What the look-ahead saw of a cache it learnt the name of (or, 6.19+,
 * that a kmem_cache_alloc named): enough to create it at boot.
 */
struct learn_cache {
	uint64_t bytes_req, bytes_alloc;	/* its objects' sizes (s->object_size, s->size) */
	uint32_t line;			/* the first allocation of an object freed by that name; 0: none seen */
	bool accounted;			/* every such allocation was accounted (SLAB_ACCOUNT) */
	bool freed;			/* a free printed the name (before 6.19 the only way to learn it) */
};

struct learn {
	struct name_table sites;	/* site key -> struct learn_site */
	struct name_table names;	/* cache name -> its id (uint32_t) */
	char **name;			/* by id */
	struct learn_cache *cache;	/* by id: filled by a look-ahead only */
	uint32_t nr_names, names_cap;
	struct name_table ptrs;		/* the look-ahead's live objects: pointer -> struct learn_ptr */
	struct learn_obj {
		uint32_t line;		/* the kmem_cache_alloc's line */
		uint32_t name;		/* the name its free printed */
		uint32_t site;
	} *objs;			/* objects of sites that allocate from several caches, by line */
	uint32_t nr_objs, objs_cap;
	bool frozen;			/* a look-ahead saw the whole trace */
	bool native;			/* the look-ahead met a native trace: nothing to learn */
	bool cache_event;		/* it met a kmem_cache_alloc or kmem_cache_free */
	bool model_first;		/* a kmalloc or kfree came before the first of those */
	uint64_t named;			/* named frees of objects the trace allocated */
};

void learn_init(struct learn *ln);
void learn_release(struct learn *ln);

/* The look-ahead: every event of the trace, in order; then learn_freeze(). 0, or -1 out of memory. */
int learn_event(struct learn *ln, const struct trace_event *ev);
int learn_freeze(struct learn *ln);

/*
 * The name of the cache an unnamed kmem_cache_alloc event @ev allocates
 * from, NULL if not (yet) known. *@site gets the event's site for
 * learn_free() (LEARN_NO_SITE after a look-ahead, or out of memory).
 */
const char *learn_alloc_name(struct learn *ln, const struct trace_event *ev, uint32_t *site);
/* As it goes: the object of @site was freed with name=@name. */
void learn_free(struct learn *ln, uint32_t site, const char *name);
/* The name learnt for @site, NULL if none or several. */
const char *learn_site_name(const struct learn *ln, uint32_t site);
/* Whether the trace names a cache @name (a free of one of its objects printed it, or 6.19+ an allocation). */
bool learn_knows(const struct learn *ln, const char *name);
/* How many of the names a free printed. */
uint32_t learn_freed_names(const struct learn *ln);
/*
 * After a look-ahead: the sites no free named, whose objects go to a
 * traced-REQ-ALLOC cache, as struct learn_cache records (the site's first
 * allocation), by that line; the caller frees *@out. 0, or -1 out of memory.
 */
int learn_unnamed(const struct learn *ln, struct learn_cache **out, uint32_t *nr);

#endif
