/* Booting a simulated kernel in Check tests: one helper for every suite. */
#ifndef SLUBSIM_TESTS_SIM_FIXTURE_H
#define SLUBSIM_TESTS_SIM_FIXTURE_H

#include <check.h>

#include "sim/sim.h"

/* The model options a test sets; NULL members keep the defaults. */
struct fixture_opts {
	const char *kernel, *arch, *cpus, *cmdline, *kconfig, *mem, *seed;
};

static inline struct sim *fixture_boot(const struct fixture_opts *o)
{
	struct sim_config cfg;
	struct sim_err err;
	struct sim *sim = NULL;

	config_init(&cfg);
	if (o->kernel)
		ck_assert_int_eq(config_set_kernel(&cfg, o->kernel, &err), 0);
	if (o->arch)
		ck_assert_int_eq(config_set_arch(&cfg, o->arch, &err), 0);
	if (o->cpus)
		ck_assert_int_eq(config_set_cpus(&cfg, o->cpus, &err), 0);
	if (o->cmdline)
		ck_assert_int_eq(config_set_cmdline(&cfg, o->cmdline, &err), 0);
	if (o->kconfig)
		ck_assert_int_eq(config_set_kconfig(&cfg, o->kconfig, &err), 0);
	if (o->mem)
		ck_assert_int_eq(config_set_mem(&cfg, o->mem, &err), 0);
	if (o->seed)
		ck_assert_int_eq(config_set_seed(&cfg, o->seed, &err), 0);
	ck_assert_int_eq(config_finalize(&cfg, &err), 0);
	ck_assert_msg(sim_create(&sim, &cfg, &err) == 0, "%s", err.msg);
	config_release(&cfg);
	return sim;
}

/* Run a Check suite; the exit status says whether every test passed. */
static inline int fixture_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif
