/*
 * Shared by the fuzz targets. A target is one file fuzz/fuzz_NAME.c that
 * defines LLVMFuzzerTestOneInput(), plus seeds in fuzz/corpus/NAME/ and a
 * line in Makefile.am's FUZZ_TARGETS; see README.md, "Fuzzing".
 */
#ifndef SLUBSIM_FUZZ_H
#define SLUBSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An invariant the model must keep for every input. A violation aborts, which
 * libFuzzer reports as a crash and saves the input, like any other fault.
 */
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* The input as a NUL-terminated string in an exact-size heap copy (NULs inside end it early). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/*
 * A model call's result and its error must agree: 0 and nothing, or -code
 * with a one-line, printable message (it ends up on a terminal or in a TSV).
 */
static inline void fuzz_check_err(int ret, const struct sim_err *err)
{
	if (ret == 0)
		return;
	FUZZ_CHECK(err->code != SIM_OK && ret == -(int)err->code);
	FUZZ_CHECK(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
	FUZZ_CHECK(err->msg[0] != '\0');
	for (const char *p = err->msg; *p; p++)
		FUZZ_CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p != 0x7f);
}

#endif
