#include "gfp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct gfp_name gfp_names[] = {
	{ "GFP_TRANSHUGE", GFP_TRANSHUGE },
	{ "GFP_TRANSHUGE_LIGHT", GFP_TRANSHUGE_LIGHT },
	{ "GFP_HIGHUSER_MOVABLE", GFP_HIGHUSER_MOVABLE },
	{ "GFP_HIGHUSER", GFP_HIGHUSER },
	{ "GFP_USER", GFP_USER },
	{ "GFP_KERNEL_ACCOUNT", GFP_KERNEL_ACCOUNT },
	{ "GFP_KERNEL", GFP_KERNEL },
	{ "GFP_NOFS", GFP_NOFS },
	{ "GFP_ATOMIC", GFP_ATOMIC },
	{ "GFP_NOIO", GFP_NOIO },
	{ "GFP_NOWAIT", GFP_NOWAIT },
	{ "GFP_DMA", GFP_DMA },
	{ "__GFP_HIGHMEM", __GFP_HIGHMEM },
	{ "GFP_DMA32", GFP_DMA32 },
	{ "__GFP_HIGH", __GFP_HIGH },
	{ "__GFP_ATOMIC", __GFP_ATOMIC },
	{ "__GFP_IO", __GFP_IO },
	{ "__GFP_FS", __GFP_FS },
	{ "__GFP_NOWARN", __GFP_NOWARN },
	{ "__GFP_RETRY_MAYFAIL", __GFP_RETRY_MAYFAIL },
	{ "__GFP_NOFAIL", __GFP_NOFAIL },
	{ "__GFP_NORETRY", __GFP_NORETRY },
	{ "__GFP_COMP", __GFP_COMP },
	{ "__GFP_ZERO", __GFP_ZERO },
	{ "__GFP_NOMEMALLOC", __GFP_NOMEMALLOC },
	{ "__GFP_MEMALLOC", __GFP_MEMALLOC },
	{ "__GFP_HARDWALL", __GFP_HARDWALL },
	{ "__GFP_THISNODE", __GFP_THISNODE },
	{ "__GFP_RECLAIMABLE", __GFP_RECLAIMABLE },
	{ "__GFP_MOVABLE", __GFP_MOVABLE },
	{ "__GFP_ACCOUNT", __GFP_ACCOUNT },
	{ "__GFP_WRITE", __GFP_WRITE },
	{ "__GFP_RECLAIM", __GFP_RECLAIM },
	{ "__GFP_DIRECT_RECLAIM", __GFP_DIRECT_RECLAIM },
	{ "__GFP_KSWAPD_RECLAIM", __GFP_KSWAPD_RECLAIM },
	{ "__GFP_ZEROTAGS", __GFP_ZEROTAGS },
	{ "__GFP_DMA", __GFP_DMA },
	{ "__GFP_DMA32", __GFP_DMA32 },
	{ NULL, 0 },
};

static int gfp_parse_one(const char *s, size_t len, gfp_t *out)
{
	char buf[24];
	char *end;
	unsigned long v;

	if (len == 4 && !strncmp(s, "none", 4)) {
		*out = 0;
		return 0;
	}
	for (const struct gfp_name *g = gfp_names; g->name; g++) {
		if (strlen(g->name) == len && !strncmp(g->name, s, len)) {
			*out = g->mask;
			return 0;
		}
	}
	/* unnamed bits print as a hex number */
	if (len > 2 && len < sizeof(buf) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		errno = 0;
		v = strtoul(buf + 2, &end, 16);
		/* a mask wider than gfp_t is no mask the kernel printed */
		if (!errno && !*end && end != buf + 2 && v <= 0xffffffffUL) {
			*out = (gfp_t)v;
			return 0;
		}
	}
	return -1;
}

int gfp_parse(const char *s, size_t len, gfp_t *out)
{
	gfp_t acc = 0;
	size_t i = 0;

	if (!len)
		return -1;
	while (i < len) {
		size_t j = i;
		gfp_t m;

		while (j < len && s[j] != '|')
			j++;
		if (j == i || gfp_parse_one(s + i, j - i, &m))
			return -1;
		acc |= m;
		i = j + 1;
		if (j + 1 == len)
			return -1;	/* trailing '|' */
	}
	*out = acc;
	return 0;
}
