#include "strbuf.h"

#include <string.h>

void sb_init(struct strbuf *sb, char *buf, size_t size)
{
	sb->buf = buf;
	sb->size = size;
	sb->len = 0;
	if (size)
		buf[0] = '\0';
}

void sb_putc(struct strbuf *sb, char c)
{
	if (sb->size && sb->len + 1 < sb->size) {
		sb->buf[sb->len] = c;
		sb->buf[sb->len + 1] = '\0';
	}
	sb->len++;
}

void sb_putn(struct strbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++)
		sb_putc(sb, s[i]);
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_putn(sb, s, strlen(s));
}

void sb_putu(struct strbuf *sb, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		sb_putc(sb, tmp[--n]);
}

void sb_puti(struct strbuf *sb, int64_t v)
{
	if (v < 0) {
		sb_putc(sb, '-');
		sb_putu(sb, (uint64_t)0 - (uint64_t)v);
	} else {
		sb_putu(sb, (uint64_t)v);
	}
}

void sb_putx(struct strbuf *sb, uint64_t v, unsigned min_digits)
{
	char tmp[17];
	unsigned n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (n < min_digits && n < sizeof(tmp))
		tmp[n++] = '0';
	while (n)
		sb_putc(sb, tmp[--n]);
}

void sb_put_escaped(struct strbuf *sb, const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f) {
			sb_putc(sb, (char)c);
		} else {
			sb_puts(sb, "\\x");
			sb_putx(sb, c, 2);
		}
	}
	if (s[i])
		sb_puts(sb, "...");
}
