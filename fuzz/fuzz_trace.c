/*
 * Fuzz target: trace input end to end. The input is a trace, native or
 * ftrace text (the seeds in fuzz/corpus/trace/ are lessons, regression
 * traces and real kernel lines); the first byte picks how it is read
 * (auto-detected, forced native, forced ftrace). Every event the reader
 * hands out is replayed into a small simulated kernel, so the native and
 * ftrace parsers, the replayer's name binding and the model's fault paths
 * all see hostile input. Besides faults, leaks and hangs, it checks the
 * reader's promises: an error always carries a file:line:column message.
 */
#include "fuzz/fuzz.h"

#include "src/replay/replay.h"
#include "src/trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum trace_format fmts[] = { TRACE_FMT_AUTO, TRACE_FMT_NATIVE, TRACE_FMT_FTRACE };
	struct replay_opts opts = { .quiet_faults = true, .err = NULL };
	struct sim_config cfg;
	struct sim_err err;
	struct trace_reader rd;
	struct trace_event ev;
	struct replay rp;
	FILE *devnull;
	int r, n = 0;

	if (!size)
		return 0;
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		return 0;
	opts.err = devnull;
	config_init(&cfg);
	/* a small machine keeps each input fast; trace config lines may still change it */
	FUZZ_CHECK(config_set_mem(&cfg, "8M", &err) == 0);
	FUZZ_CHECK(replay_init(&rp, &cfg, &opts) == 0);
	FUZZ_CHECK(trace_open_mem(&rd, (const char *)data + 1, size - 1, "fuzz", fmts[data[0] % 3]) == 0);
	while ((r = trace_next(&rd, &ev)) != TRACE_EOF && n++ < 4096) {
		if (r == TRACE_IOERR)
			break;
		if (r == TRACE_ERROR) {
			FUZZ_CHECK(!strncmp(rd.err.text, "fuzz:", 5));
			continue;
		}
		/* a big --mem from a config line would make one input slow, not wrong */
		if (ev.kind == TEV_CONFIG && ev.cfg_key == CONFIG_OPT_MEM)
			continue;
		replay_event(&rp, &rd, &ev);
	}
	trace_close(&rd);
	replay_release(&rp);
	config_release(&cfg);
	fclose(devnull);
	return 0;
}
