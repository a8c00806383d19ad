/* The replayer's name table: byte-string keys to small slots, open addressing. */
#include "name_table.h"

#include <stdlib.h>
#include <string.h>

/* Keys up to this long live in the slot: names and pointers need no malloc. */
#define NT_INLINE_KEY 16
#define NT_NO_SLOT UINT32_MAX

/*
 * 40 bytes, so that the payload's first NAME_TABLE_HOT_PAYLOAD bytes share
 * the slot's first cache line: the replayer's kmalloc and kfree read and
 * write only those, and a lookup then costs one line, not two.
 */
struct name_slot {
	struct name_entry e;
	uint32_t len;		/* NT_FREE_LEN: a free slot */
	uint32_t hash;
	uint32_t next_free;	/* a free slot: the next free one */
	union {
		char inl[NT_INLINE_KEY];
		char *heap;
	} key;
};

#define NT_FREE_LEN UINT32_MAX

_Static_assert(sizeof(struct name_slot) == NAME_TABLE_PAYLOAD_OFF, "name_table_payload() finds the payload");

static inline bool slot_used(const struct name_slot *s)
{
	return s->len != NT_FREE_LEN;
}

/* Slots are cache-line aligned, the replayer's payload right behind the entry and its key. */
#define NT_ALIGN 64

void name_table_init_payload(struct name_table *nt, size_t payload)
{
	memset(nt, 0, sizeof(*nt));
	nt->free_slot = NT_NO_SLOT;
	nt->payload = (uint32_t)payload;
	nt->stride = (uint32_t)((sizeof(struct name_slot) + payload + NT_ALIGN - 1) / NT_ALIGN * NT_ALIGN);
}

void name_table_init(struct name_table *nt)
{
	name_table_init_payload(nt, 0);
}

static inline struct name_slot *slot_at(const struct name_table *nt, uint32_t i)
{
	return (struct name_slot *)(void *)(nt->slots + (size_t)i * nt->stride);
}

/* A slot array of @cap slots, aligned; NULL out of memory. */
static unsigned char *slots_alloc(const struct name_table *nt, uint32_t cap)
{
	void *p;

	return posix_memalign(&p, NT_ALIGN, (size_t)(cap ? cap : 1) * nt->stride) ? NULL : p;
}

static const char *slot_key(const struct name_slot *s)
{
	return s->len > NT_INLINE_KEY ? s->key.heap : s->key.inl;
}

static void slot_clear(struct name_slot *s)
{
	if (slot_used(s) && s->len > NT_INLINE_KEY)
		free(s->key.heap);
	s->len = NT_FREE_LEN;
}

void name_table_release(struct name_table *nt)
{
	for (uint32_t i = 0; i < nt->nr_slots; i++)
		slot_clear(slot_at(nt, i));
	free(nt->slots);
	free(nt->index);
	name_table_init_payload(nt, nt->payload);
}

/*
 * 64-bit multiply-xorshift over 8-byte words; pointers differ only in a few
 * middle bits. The tail is read with at most two overlapping loads rather
 * than a variable-length memcpy(), which would be a libc call per lookup.
 */
uint32_t name_table_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w = 0;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (len >= 4) {
		uint32_t a, b;

		memcpy(&a, p, 4);
		memcpy(&b, p + len - 4, 4);
		w = (uint64_t)a << 32 | b;
	} else if (len) {
		w = (uint64_t)p[0] << 16 | (uint64_t)p[len / 2] << 8 | p[len - 1];
	}
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (uint32_t)h ^ (uint32_t)(h >> 32);
}

/*
 * An index cell is 32 bits, so that the index (read at random, once per
 * lookup) takes half the cache it would with the whole hash beside a
 * 32-bit slot: the hash's low bits are the cell's position (give or take
 * the probe), the high bits are kept as a tag above the slot number. With
 * the load at most 1/2 the slots never outnumber half the cells
 * (grow_index() runs before new_slot()), so slot + 1 fits under the mask.
 * A probe reads a slot (another cache line, often a miss) only when the
 * tag matches: a wrong one once in 2^(32 - log2(cells)) probes.
 */
static inline uint32_t cell(const struct name_table *nt, uint32_t h, uint32_t slot)
{
	return (h & ~nt->index_mask) | (slot + 1);
}

static inline uint32_t cell_slot(const struct name_table *nt, uint32_t c)
{
	return (c & nt->index_mask) - 1;
}

static inline bool cell_matches(const struct name_table *nt, uint32_t c, uint32_t h)
{
	return !((c ^ h) & ~nt->index_mask);
}

/*
 * memcmp(a, b, len) == 0 for the short keys names and pointers are, with
 * fixed-size loads the compiler inlines (overlapping when len is not a
 * power of two) instead of a libc call per lookup; never reads past len.
 * ends_eq(): the first and the last @width bytes, a constant once inlined.
 */
static inline __attribute__((always_inline)) bool ends_eq(const unsigned char *x, const unsigned char *y, size_t len,
							   size_t width)
{
	uint64_t x0 = 0, x1 = 0, y0 = 0, y1 = 0;

	memcpy(&x0, x, width);
	memcpy(&y0, y, width);
	memcpy(&x1, x + len - width, width);
	memcpy(&y1, y + len - width, width);
	return x0 == y0 && x1 == y1;
}

static inline __attribute__((always_inline)) bool key_eq(const void *a, const void *b, size_t len)
{
	const unsigned char *x = a, *y = b;

	if (len >= 8 && len <= 16)
		return ends_eq(x, y, len, 8);
	if (len >= 4 && len < 8)
		return ends_eq(x, y, len, 4);
	if (len < 4)
		return !len || (x[0] == y[0] && x[len / 2] == y[len / 2] && x[len - 1] == y[len - 1]);
	return !memcmp(a, b, len);
}

/*
 * The index position holding @key, or the empty one where it would go.
 * Always inline: every lookup runs it, and a call costs a good part of it.
 */
static inline __attribute__((always_inline)) uint32_t find_pos(const struct name_table *nt, const void *key,
							     size_t len, uint32_t h)
{
	for (uint32_t i = h & nt->index_mask;; i = (i + 1) & nt->index_mask) {
		uint32_t c = nt->index[i];
		const struct name_slot *sl;

		if (!c)
			return i;
		if (!cell_matches(nt, c, h))
			continue;
		sl = slot_at(nt, cell_slot(nt, c));
		if (sl->len == len && key_eq(slot_key(sl), key, len))
			return i;
	}
}

struct name_entry *name_table_lookup_hash(const struct name_table *nt, const void *key, size_t len, uint32_t h)
{
	uint32_t c;

	if (!nt->index)
		return NULL;
	c = nt->index[find_pos(nt, key, len, h)];
	return c ? &slot_at(nt, cell_slot(nt, c))->e : NULL;
}

struct name_entry *name_table_lookup(const struct name_table *nt, const void *key, size_t len)
{
	return name_table_lookup_hash(nt, key, len, name_table_hash(key, len));
}

/*
 * The first three cells of the probe (at load 1/2 many keys sit past their
 * own cell), chosen from without a branch: the cells are usually a cache
 * miss, and a mispredicted branch on one would throw away the work done
 * while it was on its way. Then the slot: the entry, its key and the hot
 * payload, one line (struct name_slot). An empty or foreign cell makes it
 * fetch a line for nothing, which is harmless.
 */
void name_table_prefetch(const struct name_table *nt, uint32_t h)
{
	uint32_t m = nt->index_mask, i = h & m, c0, c1, c2, k0, k1, c;

	if (!nt->index)
		return;
	c0 = nt->index[i];
	c1 = nt->index[(i + 1) & m];
	c2 = nt->index[(i + 2) & m];
	/* all ones where the cell matches: masks, so that the compiler makes no branch */
	k0 = -(uint32_t)cell_matches(nt, c0, h);
	k1 = -(uint32_t)cell_matches(nt, c1, h) & ~k0;
	c = (c0 & k0) | (c1 & k1) | (c2 & ~k0 & ~k1);
	if (c)
		__builtin_prefetch(slot_at(nt, cell_slot(nt, c)));
}

/*
 * Keep the load at most 1/2: linear probing reads fewer cells per lookup
 * than at 3/4. The bigger index costs more cache misses, but the replayer
 * fetches the cells ahead (name_table_prefetch()), which hides them, and
 * the shorter probes remain (docs/PERFORMANCE.md, the name table).
 */
static int grow_index(struct name_table *nt)
{
	uint64_t size = nt->index ? ((uint64_t)nt->index_mask + 1) * 2 : 16;
	uint32_t *old = nt->index;

	if ((uint64_t)(nt->count + 1) * 2 <= (nt->index ? (uint64_t)nt->index_mask + 1 : 0))
		return 0;
	if (size > (1ull << 31))	/* the mask and a slot number share 32 bits */
		return NT_ENOMEM;
	nt->index = calloc(size, sizeof(*nt->index));
	if (!nt->index) {
		nt->index = old;
		return NT_ENOMEM;
	}
	nt->index_mask = (uint32_t)(size - 1);
	for (uint32_t i = 0; i < nt->nr_slots; i++) {
		const struct name_slot *sl = slot_at(nt, i);

		if (slot_used(sl))
			nt->index[find_pos(nt, slot_key(sl), sl->len, sl->hash)] = cell(nt, sl->hash, i);
	}
	free(old);
	return 0;
}

/* A free slot number: a removed one, or a new one at the end. */
static int new_slot(struct name_table *nt, uint32_t *out)
{
	if (nt->free_slot != NT_NO_SLOT) {
		*out = nt->free_slot;
		nt->free_slot = slot_at(nt, *out)->next_free;
		return 0;
	}
	if (nt->nr_slots == nt->slots_cap) {
		uint32_t cap = nt->slots_cap ? nt->slots_cap * 2 : 16;
		unsigned char *s = slots_alloc(nt, cap);

		if (!s)
			return NT_ENOMEM;
		if (nt->nr_slots)
			memcpy(s, nt->slots, (size_t)nt->nr_slots * nt->stride);
		free(nt->slots);
		nt->slots = s;
		nt->slots_cap = cap;
	}
	*out = nt->nr_slots++;
	return 0;
}

/* A new entry for @key, which is not there; @pos is where find_pos() said it goes. */
static int insert(struct name_table *nt, const void *key, size_t len, uint32_t h, uint32_t pos,
		  struct name_slot **out)
{
	struct name_slot *sl;
	uint32_t slot;
	char *heap = NULL;
	uint32_t *index = nt->index;

	if (len > NT_INLINE_KEY && !(heap = malloc(len)))
		return NT_ENOMEM;
	if (grow_index(nt) || new_slot(nt, &slot)) {
		free(heap);
		return NT_ENOMEM;
	}
	if (nt->index != index)
		pos = find_pos(nt, key, len, h);	/* the index was rebuilt */
	sl = slot_at(nt, slot);
	sl->hash = h;
	sl->len = (uint32_t)len;
	sl->next_free = 0;
	if (heap)
		sl->key.heap = heap;
	memcpy(heap ? heap : sl->key.inl, key, len);
	memset(&sl->e, 0, sizeof(sl->e));
	memset(sl + 1, 0, nt->payload);
	sl->e.slot = slot;
	nt->index[pos] = cell(nt, h, slot);
	nt->count++;
	*out = sl;
	return 0;
}

/* One probe finds the entry or the place for a new one. */
int name_table_bind(struct name_table *nt, const void *key, size_t len, uint8_t tag, struct name_entry **out)
{
	return name_table_bind_hash(nt, key, len, name_table_hash(key, len), tag, out);
}

int name_table_bind_hash(struct name_table *nt, const void *key, size_t len, uint32_t h, uint8_t tag,
			 struct name_entry **out)
{
	uint32_t pos = 0;
	struct name_entry *e = NULL;

	if (nt->index) {
		pos = find_pos(nt, key, len, h);
		if (nt->index[pos])
			e = &slot_at(nt, cell_slot(nt, nt->index[pos]))->e;
	}
	if (!e) {
		struct name_slot *sl;
		int r = insert(nt, key, len, h, pos, &sl);

		if (r)
			return r;
		e = &sl->e;
	}
	*out = e;
	return name_table_revive(nt, e, tag);
}

/* Linear-probing deletion: shift later entries of the run back into the hole. */
static void index_delete(struct name_table *nt, uint32_t hole)
{
	uint32_t mask = nt->index_mask;

	for (uint32_t j = hole;;) {
		uint32_t want;

		j = (j + 1) & mask;
		if (!nt->index[j])
			break;
		/* the cell keeps only the hash's high bits: the slot has it all */
		want = slot_at(nt, cell_slot(nt, nt->index[j]))->hash & mask;
		/* move it unless its wanted position lies cyclically in (hole, j] */
		if (hole <= j ? (want <= hole || want > j) : (want <= hole && want > j)) {
			nt->index[hole] = nt->index[j];
			hole = j;
		}
	}
	nt->index[hole] = 0;
}

bool name_table_remove(struct name_table *nt, const void *key, size_t len)
{
	uint32_t pos, slot;
	struct name_slot *sl;

	if (!nt->index)
		return false;
	pos = find_pos(nt, key, len, name_table_hash(key, len));
	if (!nt->index[pos])
		return false;
	slot = cell_slot(nt, nt->index[pos]);
	sl = slot_at(nt, slot);
	name_table_unbind(nt, &sl->e);
	slot_clear(sl);
	sl->next_free = nt->free_slot;
	nt->free_slot = slot;
	nt->count--;
	index_delete(nt, pos);
	return true;
}

void name_table_sweep(struct name_table *nt, uint32_t keep)
{
	for (uint32_t i = 0; i < nt->nr_slots; i++) {
		struct name_slot *sl = slot_at(nt, i);

		/* unsigned difference: the count may have wrapped since */
		if (slot_used(sl) && !sl->e.live && nt->deaths - sl->e.death >= keep)
			name_table_remove(nt, slot_key(sl), sl->len);
	}
}

uint32_t name_table_slots(const struct name_table *nt)
{
	return nt->nr_slots;
}

struct name_entry *name_table_slot(const struct name_table *nt, uint32_t slot)
{
	return slot < nt->nr_slots && slot_used(slot_at(nt, slot)) ? &slot_at(nt, slot)->e : NULL;
}

const void *name_table_key(const struct name_table *nt, const struct name_entry *e, size_t *len)
{
	const struct name_slot *sl = slot_at(nt, e->slot);

	*len = sl->len;
	return slot_key(sl);
}

/* A deep copy (the TUI's checkpoints): same slots, same index. 0, or NT_ENOMEM leaving @dst empty. */
int name_table_clone(struct name_table *dst, const struct name_table *src)
{
	name_table_init_payload(dst, src->payload);
	dst->slots = slots_alloc(src, src->slots_cap);
	dst->index = src->index ? malloc((size_t)(src->index_mask + 1) * sizeof(*dst->index)) : NULL;
	if (!dst->slots || (src->index && !dst->index)) {
		free(dst->slots);
		free(dst->index);
		name_table_init_payload(dst, src->payload);
		return NT_ENOMEM;
	}
	dst->deaths = src->deaths;
	if (src->nr_slots)	/* memcpy() from a NULL array is undefined even for 0 bytes */
		memcpy(dst->slots, src->slots, (size_t)src->nr_slots * src->stride);
	if (src->index)
		memcpy(dst->index, src->index, (size_t)(src->index_mask + 1) * sizeof(*dst->index));
	dst->nr_slots = src->nr_slots;
	dst->slots_cap = src->slots_cap;
	dst->free_slot = src->free_slot;
	dst->index_mask = src->index_mask;
	dst->count = src->count;
	dst->live = src->live;
	for (uint32_t i = 0; i < dst->nr_slots; i++) {
		struct name_slot *sl = slot_at(dst, i);

		if (!slot_used(sl) || sl->len <= NT_INLINE_KEY)
			continue;
		sl->key.heap = malloc(sl->len);
		if (!sl->key.heap) {
			/* the keys from here on are still the source's: release must not free them */
			for (uint32_t j = i; j < dst->nr_slots; j++)
				if (slot_at(dst, j)->len > NT_INLINE_KEY)
					slot_at(dst, j)->len = NT_FREE_LEN;
			name_table_release(dst);
			return NT_ENOMEM;
		}
		memcpy(sl->key.heap, slot_at(src, i)->key.heap, sl->len);
	}
	return NT_OK;
}
