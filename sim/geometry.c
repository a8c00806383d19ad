#include "slab.h"

#include "cmdline.h"
#include "kver.h"
#include "util.h"

unsigned calculate_alignment(const struct slab_env *env, slab_flags_t flags, unsigned align, unsigned size)
{
	/* hardware cache alignment, halved while two objects still fit in a line */
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned ralign = env->ac.cache_line;

		while (size <= ralign / 2)
			ralign /= 2;
		align = MAX(align, ralign);
	}
	align = MAX(align, env->ac.slab_minalign);
	return (unsigned)align_up(align, env->ac.ptr_size);
}

unsigned order_objects(const struct slab_env *env, unsigned order, unsigned size)
{
	return (unsigned)(((uint64_t)env->ac.page_size << order) / size);
}

static unsigned min_objects_for(const struct slab_env *env)
{
	unsigned nr_cpus;

	if (env->slub_min_objects)
		return env->slub_min_objects;
	/* num_present_cpus(), or nr_cpu_ids on a single-CPU boot */
	nr_cpus = env->cpus;
	if (nr_cpus <= 1)
		nr_cpus = env->nr_cpu_ids;
	return 4 * (fls_u64(nr_cpus) + 1);
}

/* mm/slub.c calc_slab_order() before 6.7 */
static unsigned calc_slab_order_61(const struct slab_env *env, unsigned size, unsigned min_objects,
				   unsigned max_order, unsigned fract_leftover)
{
	unsigned min_order = env->slub_min_order;
	unsigned order;

	if (order_objects(env, min_order, size) > MAX_OBJS_PER_PAGE)
		return get_order((uint64_t)size * MAX_OBJS_PER_PAGE, env->ac.page_shift) - 1;
	for (order = MAX(min_order, get_order((uint64_t)min_objects * size, env->ac.page_shift));
	     order <= max_order; order++) {
		uint64_t slab_size = (uint64_t)env->ac.page_size << order;

		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

/* mm/slub.c calculate_order() 6.1 - 6.6: shrink min_objects until a layout wastes little */
static int calculate_order_61(const struct slab_env *env, unsigned size)
{
	unsigned min_objects = min_objects_for(env);
	unsigned max_objects = order_objects(env, env->slub_max_order, size);
	unsigned order;

	min_objects = MIN(min_objects, max_objects);
	while (min_objects > 1) {
		for (unsigned fraction = 16; fraction >= 4; fraction /= 2) {
			order = calc_slab_order_61(env, size, min_objects, env->slub_max_order, fraction);
			if (order <= env->slub_max_order)
				return (int)order;
		}
		min_objects--;
	}
	/* one object per slab then, first within slub_max_order, then anywhere */
	order = calc_slab_order_61(env, size, 1, env->slub_max_order, 1);
	if (order <= env->slub_max_order)
		return (int)order;
	order = calc_slab_order_61(env, size, 1, env->ac.max_page_order, 1);
	if (order <= env->ac.max_page_order)
		return (int)order;
	return -1;
}

/* mm/slub.c calculate_order() 6.7+ (orders-cleanup series): fractions up to 1/2, no min_objects loop */
static int calculate_order_67(const struct slab_env *env, unsigned size)
{
	unsigned min_objects = min_objects_for(env);
	unsigned max_objects = MAX(order_objects(env, env->slub_max_order, size), 1u);
	unsigned min_order, order;

	min_objects = MIN(min_objects, max_objects);
	min_order = MAX(env->slub_min_order, get_order((uint64_t)min_objects * size, env->ac.page_shift));
	if (order_objects(env, min_order, size) > MAX_OBJS_PER_PAGE)
		return (int)get_order((uint64_t)size * MAX_OBJS_PER_PAGE, env->ac.page_shift) - 1;
	for (unsigned fraction = 16; fraction > 1; fraction /= 2) {
		for (order = min_order; order <= env->slub_max_order; order++) {
			uint64_t slab_size = (uint64_t)env->ac.page_size << order;

			if (slab_size % size <= slab_size / fraction)
				return (int)order;
		}
	}
	order = get_order(size, env->ac.page_shift);
	return order <= env->ac.max_page_order ? (int)order : -1;
}

int calculate_order(const struct slab_env *env, unsigned size)
{
	return env->kver >= KV(6, 7) ? calculate_order_67(env, size) : calculate_order_61(env, size);
}

/* mm/slub.c calculate_sizes() */
static int calculate_sizes(const struct slab_env *env, struct kmem_cache *s)
{
	slab_flags_t flags = s->flags;
	unsigned ptr = env->ac.ptr_size;
	unsigned size = (unsigned)align_up(s->object_size, ptr);
	int fp_outside;
	int order;

	/* poison only objects nobody may touch while free */
	if ((flags & SLAB_POISON) && !(flags & SLAB_TYPESAFE_BY_RCU) && !s->has_ctor)
		s->flags |= __OBJECT_POISON;
	else
		s->flags &= ~__OBJECT_POISON;

	/* a red zone needs at least one word between object and free pointer */
	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += ptr;
	s->inuse = size;

	fp_outside = (flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON)) || s->has_ctor ||
		     ((flags & SLAB_RED_ZONE) && s->object_size < ptr);
	/* 6.2 946fa0dbf2d8: the kmalloc red zone past orig_size must not hold the free pointer */
	if (env->kver >= KV(6, 11))
		fp_outside |= (flags & SLAB_RED_ZONE) && slub_debug_orig_size(s);
	else if (env->kver >= KV(6, 2))
		fp_outside |= slub_debug_orig_size(s);
	if (fp_outside) {
		s->offset = size;
		size += ptr;
	} else {
		/* mid-object, away from small over- and underflows (5.7+) */
		s->offset = (unsigned)align_down(s->object_size / 2, ptr);
	}

	if (flags & SLAB_STORE_USER) {
		size += 2 * env->track_size;
		if (flags & SLAB_KMALLOC)
			size += orig_size_bytes(env);
	}
	s->red_left_pad = 0;
	if (flags & SLAB_RED_ZONE) {
		size += ptr;
		s->red_left_pad = (unsigned)align_up(ptr, s->align);
		size += s->red_left_pad;
	}
	size = (unsigned)align_up(size, s->align);
	s->size = size;
	/* mm/slub.c calculate_sizes(): s->reciprocal_size = reciprocal_value(size) */
	s->reciprocal_size = size > 1 ? UINT64_MAX / size + 1 : 0;

	order = calculate_order(env, size);
	if (order < 0)
		return -1;
	s->oo.order = (unsigned)order;
	s->oo.objects = order_objects(env, (unsigned)order, size);
	s->min.order = get_order(size, env->ac.page_shift);
	s->min.objects = order_objects(env, s->min.order, size);
	return s->oo.objects ? 0 : -1;
}

/*
 * b85f369b81ae "mm/slab: use unsigned long for orig_size to ensure proper
 * metadata align" (7.0, Cc stable; 222afcca91f3 in 6.18.y)
 */
static const unsigned orig_size_long_stable[] = { KVS(6, 12, 75), KVS(6, 18, 16), KVS(6, 19, 6), 0 };

unsigned orig_size_bytes(const struct slab_env *env)
{
	return kv_has(env->kver, KV(7, 0), orig_size_long_stable) ? env->ac.ptr_size : sizeof(uint32_t);
}

/* mm/slub.c set_cpu_partial(), slub_set_cpu_partial() */
static void set_cpu_partial(const struct slab_env *env, struct kmem_cache *s)
{
	unsigned nr;

	if (!env->cpu_partial_enabled) {
		s->cpu_partial = 0;
		s->cpu_partial_slabs = 0;
		return;
	}
	if (kmem_cache_debug(s))
		nr = 0;
	else if (s->size >= env->ac.page_size)
		nr = 6;
	else if (s->size >= 1024)
		nr = 24;
	else if (s->size >= 256)
		nr = 52;
	else
		nr = 120;
	s->cpu_partial = nr;
	/* assume half-full slabs */
	s->cpu_partial_slabs = (nr * 2 + s->oo.objects - 1) / s->oo.objects;
}

int kmem_cache_open_geometry(const struct slab_env *env, struct kmem_cache *s)
{
	s->flags = slub_debug_flags_for(env->slub_debug_string, env->slub_debug, s->name, s->flags);
	if (calculate_sizes(env, s))
		return -1;
	/* slub_debug=O: drop metadata when it would raise the minimum order */
	if (env->disable_higher_order_debug &&
	    get_order(s->size, env->ac.page_shift) > get_order(s->object_size, env->ac.page_shift)) {
		s->flags &= ~DEBUG_METADATA_FLAGS;
		s->offset = 0;
		if (calculate_sizes(env, s))
			return -1;
	}
	/* larger objects keep more empty slabs around to spare the page allocator */
	s->min_partial = MIN(MAX_PARTIAL, ilog2_u64(s->size) / 2);
	s->min_partial = MAX(MIN_PARTIAL, s->min_partial);
	set_cpu_partial(env, s);
	return 0;
}

unsigned get_info_end(const struct slab_env *env, const struct kmem_cache *s)
{
	return freeptr_outside_object(s) ? s->inuse + env->ac.ptr_size : s->inuse;
}

uint64_t kmem_cache_slot_align(const struct slab_env *env, const struct kmem_cache *s)
{
	/*
	 * Slabs are naturally aligned buddy blocks (a fallback slab only to
	 * s->min's order) and object i sits at base + red_left_pad + i * size.
	 */
	uint64_t a = (uint64_t)env->ac.page_size << s->min.order;

	if (s->red_left_pad)
		a = MIN(a, lowest_bit(s->red_left_pad));
	if (s->oo.objects > 1)
		a = MIN(a, lowest_bit(s->size));
	return a;
}

unsigned slab_ksize(const struct kmem_cache *s)
{
	/* debug metadata right after the object: only object_size is usable */
	if (s->flags & (SLAB_RED_ZONE | SLAB_POISON))
		return s->object_size;
	/* the free pointer or tracks follow inuse */
	if (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_STORE_USER))
		return s->inuse;
	return s->size;
}

/* The parts calculate_sizes() put into s->size, in order. */
void slot_layout(const struct slab_env *env, const struct kmem_cache *s, struct slot_layout *l)
{
	unsigned used;

	l->red_left = s->red_left_pad;
	l->object = s->object_size;
	l->after_object = s->inuse - s->object_size;
	l->freeptr = freeptr_outside_object(s) ? env->ac.ptr_size : 0;
	l->track = (s->flags & SLAB_STORE_USER) ? 2 * env->track_size : 0;
	l->orig_size = slub_debug_orig_size(s) ? orig_size_bytes(env) : 0;
	used = l->red_left + l->object + l->after_object + l->freeptr + l->track + l->orig_size;
	l->pad = s->size > used ? s->size - used : 0;
}
