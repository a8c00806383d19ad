/*
 * A bounded string builder for messages built inside sim/, which stays free of
 * stdio: errors are codes plus a message the caller prints.
 */
#ifndef SLUBSIM_STRBUF_H
#define SLUBSIM_STRBUF_H

#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *buf;
	size_t size;	/* capacity including the terminating NUL */
	size_t len;	/* characters written, may exceed size - 1 on overflow */
};

void sb_init(struct strbuf *sb, char *buf, size_t size);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putn(struct strbuf *sb, const char *s, size_t n);
void sb_putc(struct strbuf *sb, char c);
void sb_putu(struct strbuf *sb, uint64_t v);
void sb_puti(struct strbuf *sb, int64_t v);
void sb_putx(struct strbuf *sb, uint64_t v, unsigned min_digits);
/*
 * User input quoted in a message: at most @max bytes of @s, each byte outside
 * printable ASCII as \xNN, and "..." when @s is longer, so that a message stays
 * one readable line whatever the input held.
 */
void sb_put_escaped(struct strbuf *sb, const char *s, size_t max);

#endif
