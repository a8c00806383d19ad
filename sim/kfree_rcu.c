/*
 * kfree_rcu(): the object is freed once a grace period has passed
 * (kvfree_call_rcu(), kernel/rcu/tree.c; mm/slab_common.c from 6.14). The
 * model has no clock: a queued object stays allocated until the next
 * rcu_barrier, and 6.12+'s kmem_cache_destroy() waits for the queue first
 * (kvfree_rcu_barrier()), so a destroy right after kfree_rcu() finds no leak
 * there, where older kernels report the object as remaining.
 */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "slub_internal.h"

static struct rcu_pending *rcu_queue(struct sim *sim, unsigned cpu)
{
	struct rcu_pending *q;

	if (ARRAY_GROW(sim->rcu_pending, sim->rcu_pending_cap, sim->nr_rcu_pending + 1))
		return NULL;
	q = &sim->rcu_pending[sim->nr_rcu_pending++];
	memset(q, 0, sizeof(*q));
	q->cpu = cpu;
	return q;
}

/*
 * 6.18+ kfree_rcu_sheaf(): an object of a cache with sheaves, on this node,
 * is batched into the CPU's rcu_free sheaf instead.
 */
static int kfree_rcu_to_sheaf(struct sim *sim, unsigned cpu, uint64_t addr)
{
	struct slab *slab = virt_to_slab(sim, addr);
	struct kmem_cache *s = slab ? slab_cache(sim, slab) : NULL;

	/* a pointer that is no object start is left to kfree()'s own report, at the grace period */
	if (!s || !s->sheaves || !slab_obj_starts(sim, slab, slab_obj_index(sim, slab, addr), addr))
		return 0;
	return kfree_rcu_sheaf(sim, s, addr, cpu);
}

int sim_kfree_rcu(struct sim *sim, unsigned cpu, uint64_t addr, struct sim_op *op)
{
	struct rcu_pending *q;

	op_begin(sim, op, cpu);
	sim->op->addr = addr;
	if (ZERO_OR_NULL_PTR(addr)) {
		sim->op->path = PATH_FREE_NOOP;
		return 0;
	}
	if (!kfree_rcu_to_sheaf(sim, cpu, addr)) {
		if (!(q = rcu_queue(sim, cpu)))
			return -SIM_ENOMEM;
		q->addr = addr;
	}
	sim->op->path = PATH_FREE_RCU;
	return 0;
}

void rcu_queue_sheaf(struct sim *sim, struct kmem_cache *s, uint32_t sheaf, unsigned cpu, int nobarn)
{
	struct rcu_pending *q = rcu_queue(sim, cpu);

	if (!q) {
		/* no host memory to wait with: the grace period is over at once */
		rcu_free_sheaf(sim, s, sheaf, cpu, nobarn);
		return;
	}
	q->kind = nobarn ? RCU_SHEAF_NOBARN : RCU_SHEAF;
	q->cache = s->index;
	q->sheaf = sheaf;
}

/* One RCU callback on the CPU that queued it: kfree() of an object, or a sheaf's rcu_free_sheaf*() */
static void rcu_callback(struct sim *sim, const struct rcu_pending *q)
{
	if (q->kind == RCU_OBJECT)
		nested_kfree(sim, q->cpu, q->addr);
	else
		rcu_free_sheaf(sim, sim->caches[q->cache], q->sheaf, q->cpu, q->kind == RCU_SHEAF_NOBARN);
}

/*
 * kvfree_rcu_barrier(): 6.18+ the CPUs' partly filled rcu_free sheaves go
 * to call_rcu() first (flush_all_rcu_sheaves()), or with @only those of
 * that cache alone (6.19 kvfree_rcu_barrier_on_cache()); then every queued
 * object and sheaf is freed, in queue order, on the CPU that queued it.
 */
void rcu_barrier_frees(struct sim *sim, const struct kmem_cache *only)
{
	uint32_t i;

	for (i = 0; i < sim->nr_caches; i++) {
		struct kmem_cache *s = sim->caches[i];

		if (s->sheaves && !s->dead && (!only || s == only))
			flush_rcu_sheaves(sim, s);
	}
	/* a callback may queue no more, but the queue may move: index it afresh */
	for (i = 0; i < sim->nr_rcu_pending; i++) {
		struct rcu_pending q = sim->rcu_pending[i];

		rcu_callback(sim, &q);
	}
	sim->nr_rcu_pending = 0;
}

void sim_rcu_barrier(struct sim *sim, struct sim_op *op)
{
	op_begin(sim, op, 0);
	rcu_barrier_frees(sim, NULL);
}

uint32_t sim_rcu_pending(const struct sim *sim)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < sim->nr_rcu_pending; i++) {
		const struct rcu_pending *q = &sim->rcu_pending[i];

		n += q->kind == RCU_OBJECT ? 1 : sheaf_size(sim->caches[q->cache], q->sheaf);
	}
	/* 6.18+: gathered in rcu_free sheaves, not yet queued */
	for (uint32_t i = 0; i < sim->nr_caches; i++)
		n += sheaves_rcu_free_objects(sim->caches[i]);
	return (uint32_t)MIN(n, UINT32_MAX);
}
