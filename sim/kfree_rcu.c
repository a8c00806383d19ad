/*
 * kfree_rcu(): the object is freed once a grace period has passed
 * (kvfree_call_rcu(), kernel/rcu/tree.c; mm/slab_common.c from 6.14). The
 * model has no clock: a queued object stays allocated until the next
 * rcu_barrier, and 6.12+'s kmem_cache_destroy() waits for the queue first
 * (kvfree_rcu_barrier()), so a destroy right after kfree_rcu() finds no leak
 * there, where older kernels report the object as remaining.
 */
#include <stdlib.h>

#include "array.h"
#include "slub_internal.h"

int sim_kfree_rcu(struct sim *sim, unsigned cpu, uint64_t addr, struct sim_op *op)
{
	struct rcu_pending *q;

	op_begin(sim, op, cpu);
	sim->op->addr = addr;
	if (ZERO_OR_NULL_PTR(addr)) {
		sim->op->path = PATH_FREE_NOOP;
		return 0;
	}
	if (ARRAY_GROW(sim->rcu_pending, sim->rcu_pending_cap, sim->nr_rcu_pending + 1))
		return -SIM_ENOMEM;
	q = &sim->rcu_pending[sim->nr_rcu_pending++];
	q->addr = addr;
	q->cpu = cpu;
	sim->op->path = PATH_FREE_RCU;
	return 0;
}

/* kvfree_rcu_barrier(): every queued object is freed, in queue order, on the CPU that queued it */
void rcu_barrier_frees(struct sim *sim)
{
	/* a free may not queue more, but take the queue first all the same */
	uint32_t n = sim->nr_rcu_pending;

	for (uint32_t i = 0; i < n; i++)
		nested_kfree(sim, sim->rcu_pending[i].cpu, sim->rcu_pending[i].addr);
	sim->nr_rcu_pending = 0;
}

void sim_rcu_barrier(struct sim *sim, struct sim_op *op)
{
	op_begin(sim, op, 0);
	rcu_barrier_frees(sim);
}

uint32_t sim_rcu_pending(const struct sim *sim)
{
	return sim->nr_rcu_pending;
}
