/*
 * The model's only source of randomness (get_random_long(), prandom), seeded
 * from --seed so that a run is reproducible. xoshiro256** seeded by splitmix64.
 */
#ifndef SLUBSIM_RNG_H
#define SLUBSIM_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* uniform in [0, n), n > 0 (prandom_u32_max / get_random_u32_below) */
uint32_t rng_below(struct rng *r, uint32_t n);

#endif
