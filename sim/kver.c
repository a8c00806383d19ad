/* Kernel releases as users name them: "6.12" is the newest 6.12.y the model knows. */
#include "kver.h"

#include "strbuf.h"

/*
 * The newest release of each series whose stable backports of SLUB and
 * kmalloc behaviour were checked (docs/KERNEL-VERSIONS.md): Debian's
 * changelogs for 6.1.y and 6.12.y, the final releases of the series that
 * reached their end of life, the stable review lists for 6.6.y and 6.18.y.
 * A series not listed means its mainline release.
 */
static const unsigned newest[] = {
	KVS(6, 1, 192), KVS(6, 2, 16), KVS(6, 3, 13), KVS(6, 4, 16), KVS(6, 5, 13),
	KVS(6, 6, 131), KVS(6, 7, 12), KVS(6, 8, 12), KVS(6, 9, 12), KVS(6, 10, 14),
	KVS(6, 11, 11), KVS(6, 12, 118), KVS(6, 13, 12), KVS(6, 14, 11), KVS(6, 15, 11),
	KVS(6, 16, 12), KVS(6, 17, 13), KVS(6, 18, 39), KVS(6, 19, 14),
};

unsigned kv_newest(unsigned series)
{
	for (unsigned i = 0; i < sizeof(newest) / sizeof(newest[0]); i++)
		if (KV_SERIES(newest[i]) == KV_SERIES(series))
			return newest[i];
	return KV_SERIES(series);
}

char *kv_str(unsigned kver, char *buf, size_t len)
{
	struct strbuf sb;

	sb_init(&sb, buf, len);
	sb_putu(&sb, KV_MAJOR(kver));
	sb_putc(&sb, '.');
	sb_putu(&sb, KV_MINOR(kver));
	sb_putc(&sb, '.');
	sb_putu(&sb, KV_SUBLEVEL(kver));
	return buf;
}
