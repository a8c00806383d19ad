#include "cmdline.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "kver.h"
#include "slab.h"
#include "strbuf.h"

struct param {
	const char *key;	/* points into a scratch copy */
	const char *val;	/* NULL when the parameter has no '=' */
};

static int perr(struct sim_err *err, const char *key, const char *what, const char *val)
{
	char msg[200];
	struct strbuf sb;

	sb_init(&sb, msg, sizeof(msg));
	sb_puts(&sb, "boot parameter '");
	sb_put_escaped(&sb, key, 40);
	sb_puts(&sb, "': ");
	sb_puts(&sb, what);
	if (val) {
		sb_puts(&sb, " '");
		sb_put_escaped(&sb, val, 40);
		sb_puts(&sb, "'");
	}
	return sim_err_set(err, SIM_EINVAL, msg, NULL, NULL);
}

void boot_params_release(struct boot_params *bp)
{
	free(bp->slub_debug_string);
	bp->slub_debug_string = NULL;
}

static void boot_params_reset(struct boot_params *bp)
{
	boot_params_release(bp);
	memset(bp, 0, sizeof(*bp));
	bp->nomerge = -1;
	bp->init_on_alloc = -1;
	bp->init_on_free = -1;
}

const char *slub_debug_parse_block(const char *s, slab_flags_t *flags, const char **list,
				   int *o_letter, char *bad)
{
	*bad = 0;
	*o_letter = 0;
	while (*s == ';')
		s++;
	if (*s == ',') {
		/* no letters, only a cache list: full debugging for those caches */
		*flags = DEBUG_DEFAULT_FLAGS;
	} else {
		*flags = 0;
		for (; *s && *s != ',' && *s != ';'; s++) {
			switch (tolower((unsigned char)*s)) {
			case '-': *flags = 0; break;
			case 'f': *flags |= SLAB_CONSISTENCY_CHECKS; break;
			case 'z': *flags |= SLAB_RED_ZONE; break;
			case 'p': *flags |= SLAB_POISON; break;
			case 'u': *flags |= SLAB_STORE_USER; break;
			case 't': *flags |= SLAB_TRACE; break;
			case 'a': *flags |= SLAB_FAILSLAB; break;
			case 'o': *o_letter = 1; break;
			default:
				if (!*bad)
					*bad = *s;
			}
		}
	}
	*list = *s == ',' ? s + 1 : NULL;
	while (*s && *s != ';')
		s++;
	while (*s == ';')
		s++;
	return s;
}

/* mm/slub.c setup_slub_debug() */
static int parse_slub_debug(const char *key, const char *val, struct boot_params *bp, struct sim_err *err)
{
	slab_flags_t global = DEBUG_DEFAULT_FLAGS;
	int global_changed = 0, list_given = 0;
	const char *s;

	free(bp->slub_debug_string);
	bp->slub_debug_string = NULL;
	bp->slub_debug_global_set = 1;
	if (!val || !*val) {	/* "slub_debug" alone: full debugging everywhere */
		bp->slub_debug = DEBUG_DEFAULT_FLAGS;
		return 0;
	}
	for (s = val; *s;) {
		slab_flags_t flags;
		const char *list;
		int o;
		char bad;

		s = slub_debug_parse_block(s, &flags, &list, &o, &bad);
		if (bad) {
			char letter[2] = { bad, 0 };

			return perr(err, key, "unknown debug flag", letter);
		}
		if (o)
			bp->disable_higher_order_debug = 1;
		if (!list) {
			global = flags;
			global_changed = 1;
		} else {
			list_given = 1;
		}
	}
	if (list_given) {
		/* lists alone keep the compiled-in default (SLUB_DEBUG_ON) for other caches */
		bp->slub_debug_global_set = global_changed;
		if (!global_changed)
			global = 0;
		bp->slub_debug_string = strdup(val);
		if (!bp->slub_debug_string)
			return sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
	}
	bp->slub_debug = global;
	return 0;
}

slab_flags_t slub_debug_flags_for(const char *debug_string, slab_flags_t global,
				  const char *name, slab_flags_t flags)
{
	slab_flags_t local = global;
	const char *next = debug_string;
	size_t len = strlen(name);

	if (flags & SLAB_NO_USER_FLAGS)
		return flags;
	if (flags & SLAB_NOLEAKTRACE)
		local &= ~SLAB_STORE_USER;
	while (next && *next) {
		slab_flags_t block;
		const char *iter, *blk_end;
		int o;
		char bad;

		next = slub_debug_parse_block(next, &block, &iter, &o, &bad);
		if (!iter)
			continue;
		/* the block's cache list ends at the next ';' */
		blk_end = iter;
		while (*blk_end && *blk_end != ';')
			blk_end++;
		while (iter < blk_end) {
			const char *end = iter, *glob;
			size_t cmplen;

			while (end < blk_end && *end != ',')
				end++;
			glob = memchr(iter, '*', (size_t)(end - iter));
			cmplen = glob ? (size_t)(glob - iter) : ((size_t)(end - iter) > len ? (size_t)(end - iter) : len);
			if (!strncmp(name, iter, cmplen) && (glob || (size_t)(end - iter) == len))
				return flags | block;
			iter = end + 1;
		}
	}
	return flags | local;
}

/* lib/kstrtox.c kstrtobool() */
static int parse_bool(const char *v, int *out)
{
	if (!v || !*v)
		return -1;
	switch (tolower((unsigned char)v[0])) {
	case 'y': case '1': case 't':
		*out = 1;
		return 0;
	case 'n': case '0': case 'f':
		*out = 0;
		return 0;
	case 'o':
		if (tolower((unsigned char)v[1]) == 'n') { *out = 1; return 0; }
		if (tolower((unsigned char)v[1]) == 'f') { *out = 0; return 0; }
		return -1;
	default:
		return -1;
	}
}

static int parse_uint_param(const char *key, const char *val, unsigned limit, unsigned *out, struct sim_err *err)
{
	uint64_t v;

	if (!val || !*val)
		return perr(err, key, "needs a value, e.g.", "3");
	if (parse_u64(val, &v))
		return perr(err, key, "not a non-negative number:", val);
	if (v > limit) {
		char lim[24];
		struct strbuf sb;

		sb_init(&sb, lim, sizeof(lim));
		sb_putu(&sb, limit);
		return perr(err, key, "value too large; the largest is", lim);
	}
	*out = (unsigned)v;
	return 0;
}

/* kernel/dma/swiotlb.c setup_io_tlb_npages(): swiotlb=[SLABS][,AREAS][,force|noforce] */
static int parse_swiotlb(const char *key, const char *val, struct boot_params *bp, struct sim_err *err)
{
	const char *s = val ? val : "";

	for (int field = 0; field < 2; field++) {
		while (isdigit((unsigned char)*s))
			s++;
		if (*s == ',')
			s++;
	}
	if (!strcmp(s, "noforce"))
		bp->swiotlb_noforce = 1;	/* swiotlb_force_disable wins over any "force" */
	else if (*s && strcmp(s, "force"))
		return perr(err, key, "expected [SLABS][,AREAS][,force|noforce], got", val);
	return 0;
}

/* Strip "slub_" or (6.9+) "slab_" from @key; NULL if neither applies. */
static const char *slab_param_suffix(const char *key, unsigned kver)
{
	if (!strncmp(key, "slub_", 5))
		return key + 5;
	if (kver >= KV(6, 9) && !strncmp(key, "slab_", 5))
		return key + 5;
	return NULL;
}

/*
 * mm/slub.c setup_slub_min_order(). 6.7+ ("mm/slub: add sanity check for
 * slub_min/max_order cmdline setup") raises slub_max_order to it, so the
 * parameters act in the order they are given: the last one wins.
 */
static int set_min_order(const struct param *p, unsigned kver, unsigned max_page_order, struct boot_params *bp,
			 struct sim_err *err)
{
	unsigned max = bp->max_order_set ? bp->slub_max_order : PAGE_ALLOC_COSTLY_ORDER;

	bp->min_order_set = 1;
	if (parse_uint_param(p->key, p->val, max_page_order, &bp->slub_min_order, err))
		return -SIM_EINVAL;
	if (kver >= KV(6, 7) && bp->slub_min_order > max) {
		bp->slub_max_order = bp->slub_min_order;
		bp->max_order_set = 1;
	}
	return 0;
}

/* mm/slub.c setup_slub_max_order(): clamped to the highest buddy order; 6.7+ lowers slub_min_order to it */
static int set_max_order(const struct param *p, unsigned kver, unsigned max_page_order, struct boot_params *bp,
			 struct sim_err *err)
{
	bp->max_order_set = 1;
	/* past 32 bits the kernel's get_option() wraps, which is no use to model */
	if (parse_uint_param(p->key, p->val, UINT_MAX, &bp->slub_max_order, err))
		return -SIM_EINVAL;
	if (bp->slub_max_order > max_page_order)
		bp->slub_max_order = max_page_order;
	if (kver >= KV(6, 7) && bp->min_order_set && bp->slub_min_order > bp->slub_max_order)
		bp->slub_min_order = bp->slub_max_order;
	return 0;
}

static int apply_param(const struct param *p, unsigned kver, unsigned max_page_order,
		       struct boot_params *bp, struct sim_err *err)
{
	const char *sfx = slab_param_suffix(p->key, kver);

	/* slab_nomerge / slab_merge exist in every profile, slub_* spellings too */
	if (!strcmp(p->key, "slab_nomerge") || !strcmp(p->key, "slub_nomerge")) {
		bp->nomerge = 1;
		return 0;
	}
	if (!strcmp(p->key, "slab_merge") || !strcmp(p->key, "slub_merge")) {
		bp->nomerge = 0;
		return 0;
	}
	if (sfx && !strcmp(sfx, "debug"))
		return parse_slub_debug(p->key, p->val, bp, err);
	if (sfx && !strcmp(sfx, "min_order"))
		return set_min_order(p, kver, max_page_order, bp, err);
	if (sfx && !strcmp(sfx, "max_order"))
		return set_max_order(p, kver, max_page_order, bp, err);
	if (sfx && !strcmp(sfx, "min_objects")) {
		bp->min_objects_set = 1;
		return parse_uint_param(p->key, p->val, 32767, &bp->slub_min_objects, err);
	}
	if (!strcmp(p->key, "init_on_alloc") || !strcmp(p->key, "init_on_free")) {
		int v;

		if (parse_bool(p->val, &v))
			return perr(err, p->key, "expects a boolean (0/1, y/n, on/off), got", p->val ? p->val : "");
		if (p->key[8] == 'a')
			bp->init_on_alloc = v;
		else
			bp->init_on_free = v;
		return 0;
	}
	if (!strcmp(p->key, "swiotlb"))
		return parse_swiotlb(p->key, p->val, bp, err);
	if (!strcmp(p->key, "cgroup.memory") && p->val) {
		/* mm/memcontrol.c cgroup_memory(): a comma separated list */
		const char *s = p->val;

		while (*s) {
			size_t n = strcspn(s, ",");

			if (n == 6 && !strncmp(s, "nokmem", 6))
				bp->memcg_nokmem = 1;
			s += n;
			if (*s == ',')
				s++;
		}
	}
	return 0;	/* not a slab parameter: the kernel hands it to someone else */
}

/* lib/cmdline.c next_arg(): blanks separate, double quotes group, "--" ends. */
int cmdline_parse(const char *cmdline, unsigned kver, unsigned max_page_order,
		  struct boot_params *bp, struct sim_err *err)
{
	char *buf, *s;
	int ret = 0;

	boot_params_reset(bp);
	if (!cmdline)
		return 0;
	buf = strdup(cmdline);
	if (!buf)
		return sim_err_set(err, SIM_ENOMEM, "out of memory", NULL, NULL);
	s = buf;
	for (;;) {
		struct param p;
		char *w, *eq = NULL;
		int inq = 0;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		/* copy the word in place without its quotes */
		p.key = w = s;
		for (; *s && (inq || !isspace((unsigned char)*s)); s++) {
			if (*s == '"') {
				inq = !inq;
				continue;
			}
			/* like next_arg(), a quoted '=' still splits key and value */
			if (*s == '=' && !eq)
				eq = w;
			*w++ = *s;
		}
		if (inq) {
			/* name the word as typed: the copy has lost its quotes, maybe all of it */
			ret = perr(err, cmdline + (p.key - buf), "unterminated quote", NULL);
			break;
		}
		if (*s)
			s++;
		*w = '\0';
		if (!strcmp(p.key, "--"))
			break;	/* the rest is for init */
		p.val = NULL;
		if (eq) {
			*eq = '\0';
			p.val = eq + 1;
		}
		ret = apply_param(&p, kver, max_page_order, bp, err);
		if (ret)
			break;
	}
	free(buf);
	return ret;
}
