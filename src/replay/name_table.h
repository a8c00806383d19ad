/*
 * Names a trace binds ("a" in "a = kmalloc 96", or an ftrace pointer) to
 * whatever the replayer keeps for them. Keys are byte strings, so a pointer
 * is a key too: name_table_lookup(nt, &ptr, sizeof(ptr)).
 *
 * Each entry has a small dense slot number, stable while the entry exists,
 * and room for the replayer's own record of it (the payload) right behind
 * the entry and its key: the first 24 bytes of the payload share their
 * cache line, so a lookup that reads only those touches one line. Lookups
 * are O(1) (open addressing, linear probing). An unbound name stays as a
 * dead entry that keeps its payload
 * (interface.md: a freed name keeps its last address for == and !=);
 * name_table_remove() forgets it and recycles its slot. name_table_trim()
 * forgets dead entries that died long ago, so a trace that never reuses a
 * name still runs in memory that follows its live names, not its length.
 */
#ifndef SLUBSIM_NAME_TABLE_H
#define SLUBSIM_NAME_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct name_entry {
	uint32_t slot;		/* dense, < name_table_slots(); reused after name_table_remove() */
	uint32_t death;		/* dead: nt->deaths when it died (name_table_trim()) */
	uint8_t tag;		/* the replayer's kind of thing (object, cache, rust allocation) */
	bool live;		/* bound now; false after name_table_unbind() */
};

struct name_slot;

struct name_table {
	unsigned char *slots;		/* by slot number, @stride bytes each: struct name_slot, payload */
	uint32_t stride, payload;
	uint32_t nr_slots, slots_cap;	/* slots used at least once, allocated */
	uint32_t free_slot;		/* head of the removed slots' list, UINT32_MAX if none */
	uint32_t *index;		/* (hash & ~index_mask) | (slot + 1); 0 is empty */
	uint32_t index_mask;		/* index cells - 1; slot + 1 <= index_mask always */
	uint32_t count;			/* entries present (live or dead) */
	uint32_t live;			/* entries bound */
	uint32_t deaths;		/* unbinds so far: a dead entry records the count at its death */
};

/* How many of the names freed last a replayer keeps at least (name_table_trim()). */
#define NAME_TABLE_DEAD_KEEP 65536u

enum name_table_err {
	NT_OK = 0,
	NT_ENOMEM = -1,
	NT_ELIVE = -2,	/* bind: the name holds a live object */
};

/* The payload follows the entry and its key: sizeof(struct name_slot). */
#define NAME_TABLE_PAYLOAD_OFF 40
/* Bytes of the payload that share the entry's cache line. */
#define NAME_TABLE_HOT_PAYLOAD (64 - NAME_TABLE_PAYLOAD_OFF)

/*
 * An empty table whose entries carry @payload bytes each, zeroed when an
 * entry is created, aligned for any scalar; the first
 * NAME_TABLE_HOT_PAYLOAD of them share the entry's cache line.
 */
void name_table_init_payload(struct name_table *nt, size_t payload);
/* An empty table without payload. */
void name_table_init(struct name_table *nt);
/* The payload of @e: valid while @e is. */
static inline void *name_table_payload(const struct name_table *nt, const struct name_entry *e)
{
	(void)nt;
	return (unsigned char *)(uintptr_t)e + NAME_TABLE_PAYLOAD_OFF;
}
void name_table_release(struct name_table *nt);

/* The entry for @key, live or dead; NULL if never bound (or removed). */
struct name_entry *name_table_lookup(const struct name_table *nt, const void *key, size_t len);
/* The hash the table files @key under, so that the parsing thread can compute it. */
uint32_t name_table_hash(const void *key, size_t len);
/* name_table_lookup() of a key whose name_table_hash() is @h. */
struct name_entry *name_table_lookup_hash(const struct name_table *nt, const void *key, size_t len, uint32_t h);
/*
 * Bind @key (live) with @tag: creates the entry, its payload zeroed, or
 * revives a dead one, its payload as it was. NT_ELIVE, leaving the entry
 * untouched, if it is live. *out gets the entry. Entry pointers stay valid
 * until the next bind.
 */
int name_table_bind(struct name_table *nt, const void *key, size_t len, uint8_t tag, struct name_entry **out);
/* A hint: a lookup of hash @h comes soon, bring its entry into the cache. */
void name_table_prefetch(const struct name_table *nt, uint32_t h);
/* Its first step, for a lookup further on still: the first index cell alone, so that name_table_prefetch() finds it. */
static inline void name_table_prefetch_index(const struct name_table *nt, uint32_t h)
{
	if (nt->index)
		__builtin_prefetch(&nt->index[h & nt->index_mask]);
}
/* name_table_bind() of a key whose name_table_hash() is @h. */
int name_table_bind_hash(struct name_table *nt, const void *key, size_t len, uint32_t h, uint8_t tag,
			 struct name_entry **out);
/*
 * name_table_bind() for an entry a lookup already found, saving the probe:
 * NT_ELIVE if it is live.
 */
static inline int name_table_revive(struct name_table *nt, struct name_entry *e, uint8_t tag)
{
	if (e->live)
		return NT_ELIVE;
	e->tag = tag;
	e->live = true;
	nt->live++;
	return NT_OK;
}

/* Mark dead, keeping tag and payload for later comparisons. */
static inline void name_table_unbind(struct name_table *nt, struct name_entry *e)
{
	if (!e->live)
		return;
	nt->live--;
	e->live = false;
	e->death = ++nt->deaths;
}
/*
 * Keep the entries of the last @keep deaths; once more than 2 * @keep
 * entries are dead, forget the older ones (one sweep, so the cost per call
 * stays constant on average). Call it between operations: it invalidates
 * entry pointers of dead entries.
 */
static inline void name_table_trim(struct name_table *nt, uint32_t keep);
void name_table_sweep(struct name_table *nt, uint32_t keep);
/* Forget @key entirely; false if it was not there. */
bool name_table_remove(struct name_table *nt, const void *key, size_t len);

/* Walk every entry: slots 0 .. name_table_slots() - 1; NULL for a free slot. */
uint32_t name_table_slots(const struct name_table *nt);
struct name_entry *name_table_slot(const struct name_table *nt, uint32_t slot);
/* The key of an entry (not NUL-terminated) and its length. */
const void *name_table_key(const struct name_table *nt, const struct name_entry *e, size_t *len);

/* A deep copy of @src into @dst (uninitialised): NT_OK, or NT_ENOMEM with @dst empty. */
int name_table_clone(struct name_table *dst, const struct name_table *src);

static inline void name_table_trim(struct name_table *nt, uint32_t keep)
{
	if (nt->count - nt->live > 2 * (uint64_t)keep)
		name_table_sweep(nt, keep);
}

#endif
