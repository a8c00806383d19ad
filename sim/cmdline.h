/* Kernel command line: the slab boot parameters, parsed as the kernel does. */
#ifndef SLUBSIM_CMDLINE_H
#define SLUBSIM_CMDLINE_H

#include "config.h"

/*
 * Parse @cmdline for kernel version @kver into @bp (reset first). Parameters
 * that do not concern slab are ignored; a malformed slab parameter is an error
 * naming it. Spellings follow the version: slab_debug, slab_min_order, ... only
 * from 6.9; slub_* always.
 */
int cmdline_parse(const char *cmdline, unsigned kver, unsigned max_page_order,
		  struct boot_params *bp, struct sim_err *err);
void boot_params_release(struct boot_params *bp);

/*
 * mm/slub.c parse_slub_debug_flags(): parse the flag letters at @s up to ',' or
 * ';'. Returns the position after the block (at its cache list, if any) and
 * sets *@flags, *@list (NULL when the block has no cache list) and *@o_letter.
 * *@bad is set to the first unknown letter, or 0.
 */
const char *slub_debug_parse_block(const char *s, slab_flags_t *flags, const char **list,
				   int *o_letter, char *bad);

/*
 * mm/slub.c kmem_cache_flags(): the flags cache @name gets at creation, given
 * the per-cache blocks @debug_string (may be NULL) and the global flags.
 */
slab_flags_t slub_debug_flags_for(const char *debug_string, slab_flags_t global,
				  const char *name, slab_flags_t flags);

#endif
