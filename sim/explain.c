/* kmalloc() outcomes and Rust wrapper verdicts: the facts behind `slubsim explain`. */
#include "explain.h"

#include <string.h>

#include "sim.h"
#include "strbuf.h"
#include "util.h"

/* include/linux/slab.h kmalloc_large(): orders beyond MAX_PAGE_ORDER fail in the page allocator */
static void kmalloc_large_outcome(const struct sim *sim, struct kmalloc_outcome *o)
{
	const struct arch_consts *ac = &sim->env.ac;

	o->order = get_order(o->size, ac->page_shift);
	/* mm/page_alloc.c __alloc_pages(): WARN_ON_ONCE_GFP(order > MAX_PAGE_ORDER) -> NULL */
	if (o->order > ac->max_page_order) {
		o->kind = KMALLOC_FAIL;
		return;
	}
	o->kind = KMALLOC_PAGES;
	/* __GFP_COMP block: ksize() is folio_size(), and buddy blocks are naturally aligned */
	o->ksize = o->slot_align = (uint64_t)ac->page_size << o->order;
}

void kmalloc_outcome(const struct sim *sim, uint64_t size, struct kmalloc_outcome *o)
{
	const struct kmem_cache *s;

	memset(o, 0, sizeof(*o));
	o->size = size;
	o->roundup = kmalloc_size_roundup(sim, size);
	if (!size) {
		o->kind = KMALLOC_ZERO;
		o->slot_align = ZERO_SIZE_PTR_ADDR;
		return;
	}
	if (size > sim->env.ac.kmalloc_max_cache_size) {
		kmalloc_large_outcome(sim, o);
		return;
	}
	/* mm/slab_common.c kmalloc_slab(): the same split between table and fls() */
	o->via_size_index = size <= 192;
	o->idx = o->via_size_index ? sim->size_index[(size - 1) / 8] : fls_u64(size - 1);
	s = kmalloc_slab(sim, size, GFP_KERNEL, 0);
	/* kmalloc-rnd-NN- copies share the normal cache's geometry; name the normal one */
	if (s && s->kmalloc_type != KMALLOC_NORMAL)
		s = sim->kmalloc_caches[KMALLOC_NORMAL][s->kmalloc_idx];
	if (!s) {
		o->kind = KMALLOC_FAIL;
		return;
	}
	o->kind = KMALLOC_SLAB;
	o->s = s;
	o->ksize = slab_ksize(s);
	o->slot_align = kmem_cache_slot_align(&sim->env, s);
}

void kmalloc_outcome_name(const struct kmalloc_outcome *o, char *buf, size_t len)
{
	struct strbuf sb;

	sb_init(&sb, buf, len);
	switch (o->kind) {
	case KMALLOC_ZERO:
		sb_puts(&sb, "ZERO_SIZE_PTR");
		break;
	case KMALLOC_SLAB:
		sb_puts(&sb, o->s->name);
		break;
	case KMALLOC_PAGES:
		sb_puts(&sb, "page-order-");
		sb_putu(&sb, o->order);
		break;
	default:
		sb_puts(&sb, "NULL");
	}
}

void slot_align_parts(const struct sim *sim, const struct kmem_cache *s, struct slot_align_parts *p)
{
	/* the terms kmem_cache_slot_align() takes the minimum of (sim/geometry.c) */
	p->slab_block = (uint64_t)sim->env.ac.page_size << s->min.order;
	p->red_left_pad = s->red_left_pad ? lowest_bit(s->red_left_pad) : 0;
	p->slot_size = s->oo.objects > 1 ? lowest_bit(s->size) : 0;
}

int wrapper_verdict(const struct sim *sim, enum rust_wrapper w, uint64_t size, uint64_t align,
		    struct wrapper_verdict *v, struct sim_err *err)
{
	uint64_t promised;
	int ret;

	memset(v, 0, sizeof(*v));
	ret = rust_size_for(w, size, align, &sim->env, &v->c_size, err);
	if (ret)
		return ret;
	kmalloc_outcome(sim, v->c_size, &v->res);
	v->dangling = rust_returns_dangling(w, v->c_size);
	if (v->dangling) {
		/* NonNull::dangling-style: the address is the alignment itself */
		v->addr_align = align;
		v->ok = v->guaranteed = 1;
		return 0;
	}
	if (v->res.kind == KMALLOC_FAIL) {
		/* the allocation fails with AllocError; no pointer, so none misaligned */
		v->ok = v->guaranteed = 1;
		return 0;
	}
	v->addr_align = v->res.slot_align;
	v->ok = v->addr_align % align == 0;
	/* ZERO_SIZE_PTR is 16 on every version; objects only what the kernel documents */
	promised = v->res.kind == KMALLOC_ZERO ? ZERO_SIZE_PTR_ADDR : kmalloc_guaranteed_align(&sim->env, v->c_size);
	v->guaranteed = v->ok && promised % align == 0;
	return 0;
}

int explain_parse_spec(const char *arg, struct explain_spec *sp)
{
	char buf[96], *at, *dash;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	sp->align = 1;
	at = strchr(buf, '@');
	if (at) {
		*at++ = '\0';
		if (parse_u64(at, &sp->align) || !is_power_of_2(sp->align))
			return -1;
	}
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (parse_u64(buf, &sp->lo) || (dash && parse_u64(dash, &sp->hi)))
		return -1;
	if (!dash)
		sp->hi = sp->lo;
	return sp->lo <= sp->hi ? 0 : -1;
}
