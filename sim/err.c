#include "err.h"

#include "strbuf.h"

int sim_err_set(struct sim_err *err, enum sim_errcode code, const char *a, const char *b, const char *c)
{
	struct strbuf sb;

	if (!err)
		return -(int)code;
	err->code = code;
	sb_init(&sb, err->msg, sizeof(err->msg));
	if (a)
		sb_puts(&sb, a);
	if (b)
		sb_puts(&sb, b);
	if (c)
		sb_puts(&sb, c);
	return -(int)code;
}
