/*
 * Fuzz target: the SPEC parser of `slubsim explain` (SIZE, LO-HI, @ALIGN),
 * and for what it accepts, the kmalloc outcome and every Rust wrapper's size
 * for the range's ends on a default model. Checks the parser's promises:
 * lo <= hi and a power-of-two alignment.
 */
#include "fuzz/fuzz.h"

#include "sim/explain.h"
#include "sim/rust.h"
#include "sim/sim.h"
#include "sim/util.h"

static struct sim *model(void)
{
	static struct sim *sim;	/* booted once: the parser is what is fuzzed */
	struct sim_config cfg;
	struct sim_err err;

	if (!sim) {
		config_init(&cfg);
		FUZZ_CHECK(config_finalize(&cfg, &err) == 0 && sim_create(&sim, &cfg, &err) == 0);
		config_release(&cfg);
	}
	return sim;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	struct explain_spec sp;
	struct kmalloc_outcome o;
	struct sim_err err;
	uint64_t c_size;

	if (!s)
		return 0;
	if (!explain_parse_spec(s, &sp)) {
		FUZZ_CHECK(sp.lo <= sp.hi);
		FUZZ_CHECK(is_power_of_2(sp.align));
		kmalloc_outcome(model(), sp.lo, &o);
		kmalloc_outcome(model(), sp.hi, &o);
		for (int w = 0; w < NR_RUST_WRAPPERS; w++)
			rust_size_for((enum rust_wrapper)w, sp.hi, sp.align, &model()->env, &c_size, &err);
	}
	free(s);
	return 0;
}
