/* Kernel version numbers: the behaviour profile the model follows. */
#ifndef SLUBSIM_KVER_H
#define SLUBSIM_KVER_H

#include <stddef.h>

/*
 * One integer per release, ordered like the kernel's KERNEL_VERSION() but
 * with 16 bits of sublevel (stable series pass 255). KV(6, 12) is the
 * mainline release 6.12 (= 6.12.0), KVS(6, 12, 117) a stable release, so
 * `kver >= KV(6, 12)` holds for every 6.12.y and `kver < KV(6, 13)` too.
 */
#define KVS(major, minor, sub) ((unsigned)(major) << 24 | (unsigned)(minor) << 16 | (unsigned)(sub))
#define KV(major, minor) KVS(major, minor, 0)
#define KV_MAJOR(v) ((v) >> 24)
#define KV_MINOR(v) ((v) >> 16 & 0xff)
#define KV_SUBLEVEL(v) ((v) & 0xffff)
#define KV_SERIES(v) ((v) & ~0xffffu)

/* The oldest and newest series the model knows. */
#define KV_FIRST KV(6, 1)
#define KV_LAST KV(6, 19)

/*
 * A change that reached mainline in @mainline (KV()) and was backported to
 * the stable releases in @stable (KVS(), one per series, 0-terminated): does
 * @kver have it?
 */
static inline int kv_has(unsigned kver, unsigned mainline, const unsigned *stable)
{
	if (kver >= mainline)
		return 1;
	for (; *stable; stable++)
		if (KV_SERIES(*stable) == KV_SERIES(kver))
			return kver >= *stable;
	return 0;
}

/* The release a bare "MAJOR.MINOR" means: the newest of that series slubsim knows (kver.c). */
unsigned kv_newest(unsigned series);

/* "6.12.117" ("6.12.0" for the mainline release) into @buf; returns @buf. */
char *kv_str(unsigned kver, char *buf, size_t len);
#define KV_STR_MAX 16
/* kv_str() into a buffer that lives until the end of the enclosing block */
#define KV_STR(v) kv_str((v), (char[KV_STR_MAX]){ 0 }, KV_STR_MAX)

#endif
