/* Errors returned by the model: a code and a sentence for the caller to print. */
#ifndef SLUBSIM_ERR_H
#define SLUBSIM_ERR_H

enum sim_errcode {
	SIM_OK = 0,
	SIM_EINVAL,	/* a bad option, parameter or argument */
	SIM_ENOMEM,	/* the host ran out of memory */
	SIM_ENOSYS,	/* the kernel would fail the same way (e.g. no usable slab order) */
};

struct sim_err {
	enum sim_errcode code;
	char msg[512];	/* room for a list of choices, e.g. every Kconfig option */
};

/* Fill @err (if not NULL) with @code and the concatenation of the strings. */
int sim_err_set(struct sim_err *err, enum sim_errcode code, const char *a, const char *b, const char *c);

#endif
