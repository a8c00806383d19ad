/*
 * slub_debug (mm/slub.c, CONFIG_SLUB_DEBUG @6.1): red zones, poison, user
 * tracking and orig_size, the consistency checks, and SLUB's report texts.
 * Also the operation bookkeeping every report is recorded in.
 */
#include <string.h>

#include "kver.h"
#include "slub_internal.h"
#include "strbuf.h"
#include "util.h"

/* ------------------------------------------------------------------ operations */

void sim_emit(struct sim *sim, const struct sim_event *ev)
{
	if (sim->observer)
		sim->observer(sim->observer_ctx, ev);
}

void sim_set_observer(struct sim *sim, sim_observer_fn fn, void *ctx)
{
	sim->observer = fn;
	sim->observer_ctx = ctx;
}

/* kernel/panic.c print_tainted(): 'B' (TAINT_BAD_PAGE) once SLUB has reported */
static void put_taint(struct strbuf *sb, int tainted)
{
	sb_puts(sb, tainted ? "Tainted: G    B            " : "Not tainted");
}

static void put_ptr(struct strbuf *sb, uint64_t v)
{
	sb_puts(sb, "0x");
	sb_putx(sb, v, 16);
}

/* mm/slub.c print_slab_info() */
static void put_slab_info(struct sim *sim, struct strbuf *sb, const struct slab *slab)
{
	sb_puts(sb, "Slab ");
	put_ptr(sb, slab_address(sim, slab));
	sb_puts(sb, " objects=");
	sb_putu(sb, slab->objects);
	sb_puts(sb, " used=");
	sb_putu(sb, slab->inuse);
	sb_puts(sb, " fp=");
	put_ptr(sb, slab->freelist);
	sb_puts(sb, slab->order ? " flags=0x10200(slab|head|node=0|zone=1)\n" : " flags=0x200(slab|node=0|zone=1)\n");
}

/*
 * mm/slub.c slab_add_kunit_errors(): what a report adds to the KUnit suite's
 * slab_errors. object_err(), slab_err() and check_bytes_and_report() count
 * their report, slab_fix() its FIX line. Only debug caches run those checks;
 * the leak report of kmem_cache_destroy() counts on its own (list_slab_objects()).
 */
static unsigned kunit_errors(const struct sim *sim, enum sim_fault fault, const struct kmem_cache *s,
			     const char *pre, const char *title, const char *fix)
{
	/* 3f6f32b14ab3 "mm: slub: call WARN() when detecting a slab corruption": 6.15, stable 6.12.46 */
	static const unsigned pad_bug_stable[] = { KVS(6, 12, 46), 0 };
	unsigned n = 0;

	if (!s || !kmem_cache_debug(s) || fault == FAULT_OBJECTS_REMAINING)
		return 0;
	/* since then slab_pad_check() reports through slab_bug(), which does not count */
	if (title && !(fault == FAULT_SLAB_PADDING && kv_has(sim->env.kver, KV(6, 15), pad_bug_stable)))
		n++;
	else if (!title && pre)	/* 6.15 check_bytes_and_report() counts its report line */
		n++;
	if (fix)
		n++;
	return n;
}

/* A report whose first line @pre (if any) comes before the BUG header @title (if any). */
static void report_fault_pre(struct sim *sim, enum sim_fault fault, const struct kmem_cache *s,
			     const struct slab *slab, uint64_t object, const char *pre, const char *title,
			     const char *body, const char *fix)
{
	struct strbuf sb;
	struct sim_event ev = { .kind = EV_FAULT, .cache = s, .addr = object, .fault = fault };
	size_t start = sim->fault_len;

	sb_init(&sb, sim->fault_text + start, sizeof(sim->fault_text) - start);
	if (pre) {
		sb_puts(&sb, pre);
		sb_putc(&sb, '\n');
	}
	if (title) {
		/* mm/slub.c slab_bug() */
		sb_puts(&sb, "=============================================================================\n");
		sb_puts(&sb, "BUG ");
		sb_puts(&sb, s ? s->name : "?");
		sb_puts(&sb, " (");
		put_taint(&sb, sim->tainted);
		sb_puts(&sb, "): ");
		sb_puts(&sb, title);
		sb_puts(&sb, "\n-----------------------------------------------------------------------------\n\n");
	}
	if (body) {
		sb_puts(&sb, body);
		sb_putc(&sb, '\n');
	}
	if (title && slab) {
		put_slab_info(sim, &sb, slab);
		if (object) {
			/* mm/slub.c print_trailer() */
			sb_puts(&sb, "Object ");
			put_ptr(&sb, object);
			sb_puts(&sb, " @offset=");
			sb_putu(&sb, object - slab_address(sim, slab));
			sb_puts(&sb, " fp=");
			put_ptr(&sb, get_freepointer(sim, s, object));
			sb_puts(&sb, "\n\n");
		}
	}
	if (fix) {
		/* mm/slub.c slab_fix() */
		sb_puts(&sb, "FIX ");
		sb_puts(&sb, s ? s->name : "?");
		sb_puts(&sb, ": ");
		sb_puts(&sb, fix);
		sb_putc(&sb, '\n');
	}
	sim->fault_len = MIN(start + sb.len, sizeof(sim->fault_text) - 1);
	if (title)
		sim->tainted = 1;
	if (sim->op)
		sim->op->fault_text = sim->fault_text;
	sim->slab_errors += kunit_errors(sim, fault, s, pre, title, fix);
	if (fault == FAULT_NONE)
		return;	/* a FIX line continuing an earlier report */
	if (sim->op) {
		if (!sim->op->fault)
			sim->op->fault = fault;
		sim->op->nr_faults++;
	}
	ev.text = sim->fault_text + start;
	sim_emit(sim, &ev);
}

void report_fault(struct sim *sim, enum sim_fault fault, const struct kmem_cache *s, const struct slab *slab,
		  uint64_t object, const char *title, const char *body, const char *fix)
{
	report_fault_pre(sim, fault, s, slab, object, NULL, title, body, fix);
}

void report_slab_oom(struct sim *sim, const struct kmem_cache *s)
{
	char body[320];
	struct strbuf sb;

	sb_init(&sb, body, sizeof(body));
	sb_puts(&sb, "SLUB: Unable to allocate memory on node -1\n  cache: ");
	sb_puts(&sb, s->name);
	sb_puts(&sb, ", object size: ");
	sb_putu(&sb, s->object_size);
	sb_puts(&sb, ", buffer size: ");
	sb_putu(&sb, s->size);
	sb_puts(&sb, ", default order: ");
	sb_putu(&sb, s->oo.order);
	sb_puts(&sb, ", min order: ");
	sb_putu(&sb, s->min.order);
	report_fault(sim, FAULT_ALLOC_FAILED, s, NULL, 0, NULL, body, NULL);
}

/* ------------------------------------------------------------------ layout */

static unsigned char *bytes(struct sim *sim, const struct slab *slab, uint64_t addr)
{
	return slab_bytes(sim, slab, addr);
}

/* The end of the metadata after the object: free pointer, tracks, orig_size. */
static unsigned metadata_end(const struct sim *sim, const struct kmem_cache *s)
{
	unsigned off = get_info_end(&sim->env, s);

	if (s->flags & SLAB_STORE_USER) {
		off += 2 * sim->env.track_size;
		if (s->flags & SLAB_KMALLOC)
			off += orig_size_bytes(&sim->env);
	}
	return off;
}

/* mm/slub.c size_from_object() */
static unsigned size_from_object(const struct kmem_cache *s)
{
	return (s->flags & SLAB_RED_ZONE) ? s->size - s->red_left_pad : s->size;
}

void set_orig_size(struct sim *sim, const struct slab *slab, uint64_t object, uint64_t orig_size)
{
	const struct kmem_cache *s = slab_cache(sim, slab);
	unsigned char *p;

	if (!slub_debug_orig_size(s))
		return;
	/* little-endian, as every profile is: the low bytes first */
	p = bytes(sim, slab, object) + get_info_end(&sim->env, s) + 2 * sim->env.track_size;
	for (unsigned i = 0; i < orig_size_bytes(&sim->env); i++, orig_size >>= 8)
		p[i] = (unsigned char)orig_size;
}

uint64_t get_orig_size(const struct sim *sim, const struct slab *slab, uint64_t object)
{
	const struct kmem_cache *s = slab_cache(sim, slab);
	const unsigned char *p;
	uint64_t v = 0;

	if (!slub_debug_orig_size(s))
		return s->object_size;
	p = slab_bytes(sim, slab, object) + get_info_end(&sim->env, s) + 2 * sim->env.track_size;
	for (unsigned i = orig_size_bytes(&sim->env); i--;)
		v = v << 8 | p[i];
	return v;
}

/* mm/slub.c set_track(): caller, CPU and a timestamp (the operation count) */
static void set_track(struct sim *sim, const struct slab *slab, uint64_t object, int which, unsigned cpu)
{
	const struct kmem_cache *s = slab_cache(sim, slab);
	unsigned char *t;
	uint64_t when = sim->slab_serial;
	uint32_t c = cpu;

	if (!(s->flags & SLAB_STORE_USER))
		return;
	t = bytes(sim, slab, object) + get_info_end(&sim->env, s) + (unsigned)which * sim->env.track_size;
	memset(t, 0, sim->env.track_size);
	memcpy(t + sim->env.ac.ptr_size + (sim->cfg.kconfig[KC_STACKDEPOT] ? 4 : 0), &c, sizeof(c));
	memcpy(t + sim->env.track_size - sim->env.ac.ptr_size, &when, sim->env.ac.ptr_size);
}

/* 6.2+ (946fa0dbf2d8): red-zone the slack between the requested size and object_size too */
static unsigned kmalloc_redzone_start(const struct sim *sim, const struct slab *slab, uint64_t object,
				      unsigned char val)
{
	const struct kmem_cache *s = slab_cache(sim, slab);

	if (sim->env.kver >= KV(6, 2) && (s->flags & SLAB_RED_ZONE) && slub_debug_orig_size(s) &&
	    val == SLUB_RED_ACTIVE) {
		uint64_t orig = get_orig_size(sim, slab, object);

		/* a zeroed orig_size makes the whole object red zone, as in the kernel */
		if (orig < s->object_size)
			return (unsigned)orig;
	}
	return s->object_size;
}

/* mm/slub.c init_object() */
void init_object(struct sim *sim, struct slab *slab, uint64_t object, unsigned char val)
{
	const struct kmem_cache *s = slab_cache(sim, slab);
	unsigned char *p = bytes(sim, slab, object);
	unsigned poison_size = kmalloc_redzone_start(sim, slab, object, val);

	if (s->flags & SLAB_RED_ZONE)
		memset(p - s->red_left_pad, val, s->red_left_pad);
	if (s->flags & __OBJECT_POISON) {
		memset(p, POISON_FREE, poison_size - 1);
		p[poison_size - 1] = POISON_END;
	}
	if (s->flags & SLAB_RED_ZONE)
		memset(p + poison_size, val, s->inuse - poison_size);
}

/* mm/slub.c setup_slab_debug(): a poisoned slab starts as POISON_INUSE everywhere */
void setup_slab_debug(struct sim *sim, struct slab *slab)
{
	const struct kmem_cache *s = slab_cache(sim, slab);

	if (s->flags & SLAB_POISON)
		memset(slab->data, POISON_INUSE, (size_t)sim->env.ac.page_size << slab->order);
}

/* mm/slub.c setup_object_debug(): init_object(INACTIVE) + init_tracking() */
void setup_object_debug(struct sim *sim, struct slab *slab, uint64_t object)
{
	const struct kmem_cache *s = slab_cache(sim, slab);

	if (!kmem_cache_debug(s))
		return;
	if (s->flags & SLAB_STORE_USER)
		memset(bytes(sim, slab, object) + get_info_end(&sim->env, s), 0, 2 * sim->env.track_size);
	init_object(sim, slab, object, SLUB_RED_INACTIVE);
}

/* ------------------------------------------------------------------ checks */

/*
 * "mm: slub: Print the broken data before restoring them" (6.15, stable
 * 6.12.46): the damaged range comes as one line, the object as "Object
 * corrupt" only for the first damaged area of a check.
 */
static const unsigned corrupt_line_stable[] = { KVS(6, 12, 46), 0 };

/* mm/slub.c check_bytes_and_report(): find, report and restore a damaged range */
static int check_bytes_and_report(struct sim *sim, struct slab *slab, uint64_t object, const char *what,
				  uint64_t start, unsigned char value, unsigned len, int print_obj)
{
	const struct kmem_cache *s = slab_cache(sim, slab);
	unsigned char *p = bytes(sim, slab, start);
	unsigned first = 0, last;
	char title[64], body[200], fix[160];
	struct strbuf sb;
	enum sim_fault fault = FAULT_PADDING;
	int one_line = kv_has(sim->env.kver, KV(6, 15), corrupt_line_stable);

	while (first < len && p[first] == value)
		first++;
	if (first == len)
		return 1;
	last = len;
	while (last > first && p[last - 1] == value)
		last--;
	if (strstr(what, "Redzone"))
		fault = FAULT_REDZONE;
	else if (strstr(what, "Poison"))
		fault = FAULT_POISON;
	sb_init(&sb, title, sizeof(title));
	sb_puts(&sb, what);
	sb_puts(&sb, " overwritten");
	sb_init(&sb, body, sizeof(body));
	if (one_line) {
		sb_putc(&sb, '[');
		sb_puts(&sb, title);
		sb_puts(&sb, "] ");
	}
	put_ptr(&sb, start + first);
	sb_putc(&sb, '-');
	put_ptr(&sb, start + last - 1);
	sb_puts(&sb, " @offset=");
	sb_putu(&sb, start + first - slab_address(sim, slab));
	sb_puts(&sb, ". First byte 0x");
	sb_putx(&sb, p[first], 1);
	sb_puts(&sb, " instead of 0x");
	sb_putx(&sb, value, 1);
	sb_init(&sb, fix, sizeof(fix));
	sb_puts(&sb, "Restoring ");
	sb_puts(&sb, what);
	sb_putc(&sb, ' ');
	put_ptr(&sb, start + first);
	sb_putc(&sb, '-');
	put_ptr(&sb, start + last - 1);
	sb_puts(&sb, "=0x");
	sb_putx(&sb, value, 1);
	if (one_line)	/* object_err(): once per check */
		report_fault_pre(sim, fault, s, slab, object, body, print_obj ? "Object corrupt" : NULL, NULL, fix);
	else
		report_fault(sim, fault, s, slab, object, title, body, fix);
	memset(p + first, value, last - first);
	return 0;
}

/* mm/slub.c check_pad_bytes() */
static int check_pad_bytes(struct sim *sim, struct slab *slab, uint64_t object)
{
	const struct kmem_cache *s = slab_cache(sim, slab);
	unsigned off = metadata_end(sim, s);

	if (size_from_object(s) == off)
		return 1;
	return check_bytes_and_report(sim, slab, object, "Object padding", object + off, POISON_INUSE,
				      size_from_object(s) - off, 1);
}

/*
 * mm/slub.c check_object(). Until 6.10 it stopped at the first damaged red
 * zone or poison and only reported damaged padding; 6.11 (47d911b02cbe)
 * checks and restores every area, and damaged padding fails the check too.
 */
int check_object(struct sim *sim, struct slab *slab, uint64_t object, unsigned char val)
{
	const struct kmem_cache *s = slab_cache(sim, slab);
	uint64_t end = object + s->object_size;
	int every = sim->env.kver >= KV(6, 11), ret = 1;
	unsigned orig = kmalloc_redzone_start(sim, slab, object, val);

#define FAILED() do { ret = 0; if (!every) return 0; } while (0)
	if (s->flags & SLAB_RED_ZONE) {
		if (!check_bytes_and_report(sim, slab, object, "Left Redzone", object - s->red_left_pad, val,
					    s->red_left_pad, ret))
			FAILED();
		if (!check_bytes_and_report(sim, slab, object, "Right Redzone", end, val, s->inuse - s->object_size,
					    ret))
			FAILED();
		if (orig < s->object_size && !check_bytes_and_report(sim, slab, object, "kmalloc Redzone",
								     object + orig, val, s->object_size - orig, ret))
			FAILED();
	} else if ((s->flags & SLAB_POISON) && s->object_size < s->inuse) {
		if (!check_bytes_and_report(sim, slab, object, "Alignment padding", end, POISON_INUSE,
					    s->inuse - s->object_size, ret) && every)
			ret = 0;
	}
	if (s->flags & SLAB_POISON) {
		if (val != SLUB_RED_ACTIVE && (s->flags & __OBJECT_POISON)) {
			if (!check_bytes_and_report(sim, slab, object, "Poison", object, POISON_FREE,
						    s->object_size - 1, ret))
				FAILED();
			if (!check_bytes_and_report(sim, slab, object, "End Poison", end - 1, POISON_END, 1, ret))
				FAILED();
		}
		if (!check_pad_bytes(sim, slab, object) && every)
			ret = 0;
	}
#undef FAILED
	/* an allocated object may hold anything where its free pointer would be */
	if (!freeptr_outside_object(s) && val == SLUB_RED_ACTIVE)
		return ret;
	if (!check_valid_pointer(sim, slab, get_freepointer(sim, s, object))) {
		report_fault(sim, FAULT_FREEPTR, s, slab, object, "Freepointer corrupt", NULL, NULL);
		/* zap it: the rest of the freelist is lost */
		set_freepointer_raw(sim, s, object, 0);
		return 0;
	}
	return ret;
}

/* 6.13, stable 6.12.4, 6.6.64 and 6.1.191: a slab that failed its allocation checks is marked frozen */
static const unsigned slab_disable_stable[] = { KVS(6, 12, 4), KVS(6, 6, 64), KVS(6, 1, 191), 0 };

/* mm/slub.c alloc_debug_processing() */
int alloc_debug_processing(struct sim *sim, struct slab *slab, uint64_t object, uint64_t orig_size)
{
	const struct kmem_cache *s = slab_cache(sim, slab);

	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		/* alloc_consistency_checks() */
		if (!check_slab(sim, s, slab))
			goto bad;
		if (!check_valid_pointer(sim, slab, object)) {
			report_fault(sim, FAULT_FREEPTR, s, slab, object, "Freelist Pointer check fails", NULL, NULL);
			goto bad;
		}
		if (!check_object(sim, slab, object, SLUB_RED_INACTIVE))
			goto bad;
	}
	set_orig_size(sim, slab, object, orig_size);
	init_object(sim, slab, object, SLUB_RED_ACTIVE);
	set_track(sim, slab, object, 0, sim->op ? sim->op->cpu : 0);
	return 1;
bad:
	/* mark every object used so nothing touches the damaged rest of the slab */
	report_fault(sim, FAULT_NONE, s, NULL, 0, NULL, NULL, "Marking all objects used");
	slab->inuse = slab->objects;
	slab->freelist = 0;
	/* "mm/slub: Avoid list corruption when removing a slab from the full list": check_slab() refuses it */
	if (kv_has(sim->env.kver, KV(6, 13), slab_disable_stable))
		slab->frozen = 1;
	return 0;
}

/* mm/slub.c free_debug_processing() up to the point of no return */
int free_debug_checks(struct sim *sim, struct slab *slab, uint64_t object)
{
	const struct kmem_cache *s = slab_cache(sim, slab);
	char body[64], fix[64];
	struct strbuf sb;

	sb_init(&sb, fix, sizeof(fix));
	sb_puts(&sb, "Object at ");
	put_ptr(&sb, object);
	sb_puts(&sb, " not freed");
	if ((s->flags & SLAB_CONSISTENCY_CHECKS) && !check_slab(sim, s, slab))
		goto not_freed;
	if (!slab->inuse) {
		/* more frees than allocations, whatever the checks */
		report_fault(sim, FAULT_SLAB_COUNTERS, s, slab, 0,
			     "Slab has 0 allocated objects but 1 are to be freed", NULL, fix);
		return 0;
	}
	if (!(s->flags & SLAB_CONSISTENCY_CHECKS))
		return 1;
	if (!check_valid_pointer(sim, slab, object)) {
		sb_init(&sb, body, sizeof(body));
		sb_puts(&sb, "Invalid object pointer ");
		put_ptr(&sb, object);
		report_fault(sim, FAULT_INVALID_POINTER, s, slab, 0, body, NULL, fix);
		return 0;
	}
	if (on_freelist(sim, slab, object)) {
		report_fault(sim, FAULT_OBJECT_ALREADY_FREE, s, slab, object, "Object already free", NULL, fix);
		return 0;
	}
	if (!check_object(sim, slab, object, SLUB_RED_ACTIVE))
		goto not_freed;
	return 1;
not_freed:
	report_fault(sim, FAULT_NONE, s, NULL, 0, NULL, NULL, fix);
	return 0;
}

/* free_debug_processing() after the checks: the free track and INACTIVE patterns */
void free_debug_finish(struct sim *sim, struct slab *slab, uint64_t object)
{
	set_track(sim, slab, object, 1, sim->op ? sim->op->cpu : 0);
	init_object(sim, slab, object, SLUB_RED_INACTIVE);
}
