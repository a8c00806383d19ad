/*
 * slubsim: a userspace model of the Linux kernel's SLUB allocator, as a
 * library for your own tests. One model is one simulated kernel: pick its
 * version, architecture, CPUs, boot command line and Kconfig as the
 * slubsim command line does, then allocate and free as kernel code would,
 * and ask where an object landed and what SLUB reported.
 *
 *	struct slubsim *m;
 *	uint64_t p;
 *
 *	if (slubsim_new(&m) || slubsim_set(m, "kernel", "6.12") ||
 *	    slubsim_set(m, "cmdline", "slub_debug=FZPU") || slubsim_kmalloc(m, 96, NULL, &p))
 *		fprintf(stderr, "%s\n", slubsim_error(m));
 *	slubsim_free(m);
 *
 * Every function that can fail returns 0 or a negative SLUBSIM_E* code,
 * and slubsim_error() says why. Addresses are the model's (64-bit, as the
 * kernel would print them unhashed): 0 is NULL, 16 is ZERO_SIZE_PTR. An
 * allocation the model cannot satisfy returns 0 in *addr, as the kernel
 * returns NULL; that is not an error of the call.
 *
 * Link with `pkg-config --cflags --libs slubsim`.
 */
#ifndef SLUBSIM_SLUBSIM_H
#define SLUBSIM_SLUBSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	SLUBSIM_OK = 0,
	SLUBSIM_EINVAL = -1,	/* a bad option, argument or spelling */
	SLUBSIM_ENOMEM = -2,	/* the host is out of memory */
	SLUBSIM_EBUSY = -3,	/* a model option after the model has booted */
	SLUBSIM_ENOENT = -4,	/* no such cache, attribute or object */
	SLUBSIM_ETRACE = -5,	/* a trace could not be read, or had errors or failed expectations */
};

struct slubsim;

/* A model with the default options (Debian 12's 6.1 on x86_64, 2 CPUs): 0 or SLUBSIM_ENOMEM. */
int slubsim_new(struct slubsim **m);
void slubsim_free(struct slubsim *m);
/* Why the last call on @m failed ("" if none did). */
const char *slubsim_error(const struct slubsim *m);

/*
 * A model option, named and spelt as the command line's --NAME=VALUE:
 * kernel, arch, cpus, cmdline, kconfig, page-size, mem, seed. Only before
 * the model boots, which it does at its first operation or slubsim_boot().
 */
int slubsim_set(struct slubsim *m, const char *option, const char *value);
int slubsim_boot(struct slubsim *m);
/* The CPU the following calls run on (0 at first); SLUBSIM_EINVAL past the model's CPUs. */
int slubsim_set_cpu(struct slubsim *m, unsigned cpu);

/*
 * The allocation API. @gfp is spelt as in include/linux/gfp_types.h and in
 * the trace language, "GFP_KERNEL|__GFP_ZERO"; NULL is GFP_KERNEL.
 */
int slubsim_kmalloc(struct slubsim *m, uint64_t size, const char *gfp, uint64_t *addr);
int slubsim_kzalloc(struct slubsim *m, uint64_t size, const char *gfp, uint64_t *addr);
int slubsim_krealloc(struct slubsim *m, uint64_t p, uint64_t size, const char *gfp, uint64_t *addr);
int slubsim_kfree(struct slubsim *m, uint64_t p);
/* ksize(): 0 for NULL, ZERO_SIZE_PTR and addresses no allocation owns. */
int slubsim_ksize(struct slubsim *m, uint64_t p, uint64_t *size);
/* kmalloc_size_roundup(): what kmalloc(@size) would really allocate. */
int slubsim_kmalloc_size_roundup(struct slubsim *m, uint64_t size, uint64_t *rounded);

/*
 * The Rust-for-Linux kmalloc allocator (rust/kernel/alloc) for a
 * Layout(@size, @align): @wrapper NULL for the one the model's kernel
 * version ships, or "naive", "npot", "pad", "allocator", "node-align" as
 * `slubsim verify --wrapper` names them. A layout it hands a dangling
 * pointer for (size 0, 6.13+) gives *addr = @align and no allocation;
 * realloc and free take the layout the object has now (@old_size, @size).
 */
int slubsim_rust_alloc(struct slubsim *m, uint64_t size, uint64_t align, const char *wrapper, uint64_t *addr);
int slubsim_rust_realloc(struct slubsim *m, uint64_t p, uint64_t old_size, uint64_t size, uint64_t align,
			 const char *wrapper, uint64_t *addr);
int slubsim_rust_free(struct slubsim *m, uint64_t p, uint64_t size, const char *wrapper);

/*
 * kmem_cache_create() of @name (or the cache it merges into: its name then
 * differs; see slubsim_object()), @flags spelt "SLAB_HWCACHE_ALIGN|..." or
 * NULL, @align 0 for the default. Caches are named in the other calls.
 */
int slubsim_cache_create(struct slubsim *m, const char *name, uint64_t size, uint64_t align, const char *flags);
int slubsim_cache_alloc(struct slubsim *m, const char *cache, const char *gfp, uint64_t *addr);
int slubsim_cache_free(struct slubsim *m, const char *cache, uint64_t p);
int slubsim_cache_destroy(struct slubsim *m, const char *cache);

/*
 * /sys/kernel/slab/@cache/@attr as a number (object_size, slab_size,
 * objs_per_slab, order, align, objects, slabs, partial, red_zone, ...).
 */
int slubsim_cache_attr(struct slubsim *m, const char *cache, const char *attr, uint64_t *value);

/* Where an address lives. */
struct slubsim_object {
	char cache[64];		/* its kmem_cache ("kmalloc-96"), "" for a large kmalloc's pages */
	int slot;		/* its index in its slab, -1 for a large kmalloc */
	uint64_t object;	/* the start of the object the address falls in */
	uint64_t slab;		/* the slab's (or the large block's) address */
	uint64_t align;		/* the largest power of two dividing the object's address */
	uint64_t ksize;
	int free;		/* on a freelist */
};
/* SLUBSIM_ENOENT if no slab or large kmalloc holds @addr. */
int slubsim_object(struct slubsim *m, uint64_t addr, struct slubsim_object *o);

/*
 * SLUB's reports: how many the last operation made (a double free, a
 * red zone overwritten), and their text as the kernel prints it.
 */
unsigned slubsim_reports(const struct slubsim *m);
const char *slubsim_report_text(const struct slubsim *m);
/* Every report since the model booted. */
uint64_t slubsim_reports_total(const struct slubsim *m);

/*
 * Replay a trace file (slubsim-trace(5), or ftrace text) into a fresh model
 * of @m's options, which then replaces @m's own: query it afterwards.
 * SLUBSIM_ETRACE if the trace had errors or failed expectations, or could
 * not be read; slubsim_error() then counts them and quotes the first.
 * Nothing is printed: each message goes to the function slubsim_on_msg()
 * set, if any. @events, if not NULL, gets the trace's events, as `slubsim
 * run --events` numbers them (slubsim-trace(5), EVENTS).
 */
int slubsim_run_trace(struct slubsim *m, const char *path, uint64_t *events);

/* What a message of slubsim_run_trace() is about. */
enum slubsim_msg_kind {
	SLUBSIM_MSG_SYNTAX,	/* a line that does not parse */
	SLUBSIM_MSG_ERROR,	/* an event the model cannot apply (an unknown name, a CPU it lacks, ...) */
	SLUBSIM_MSG_EXPECT,	/* a failed expectation */
	SLUBSIM_MSG_REPORT,	/* SLUB's report (a double free, a red zone overwritten), as the kernel prints it */
	SLUBSIM_MSG_NOTE,	/* a hint: the trace's kernel was configured otherwise than the model */
	SLUBSIM_MSG_IO,		/* the trace cannot be opened or read */
};

/* One message; its strings last until the function returns. */
struct slubsim_msg {
	enum slubsim_msg_kind kind;
	const char *file;	/* the trace, as the message names it */
	unsigned line;		/* 0 if the message is not about one line */
	unsigned column;	/* 0 if none */
	const char *text;	/* the message alone, without file:line:column */
};

typedef void (*slubsim_msg_fn)(void *ctx, const struct slubsim_msg *msg);

/* Where slubsim_run_trace() on @m sends its messages; @fn NULL (the default): nowhere. */
void slubsim_on_msg(struct slubsim *m, slubsim_msg_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
