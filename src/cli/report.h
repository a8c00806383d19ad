/* Cache reports: /sys/kernel/slab, /proc/slabinfo, JSON and a readable table. */
#ifndef SLUBSIM_REPORT_H
#define SLUBSIM_REPORT_H

#include <stdio.h>

#include "sim/sim.h"

enum report_format {
	REPORT_TABLE,
	REPORT_SYSFS,
	REPORT_SLABINFO,
	REPORT_JSON,
};

/* "table", "sysfs", "slabinfo", "json"; -1 if unknown */
int report_parse_format(const char *s);
void report_caches(FILE *out, const struct sim *sim, enum report_format fmt);
void report_sysfs(FILE *out, const struct sim *sim);
void report_slabinfo(FILE *out, const struct sim *sim);
void report_json(FILE *out, const struct sim *sim);
void report_table(FILE *out, const struct sim *sim);

/* The cache's slub_debug letters ("FZPU", "-" for none) into @buf (8 bytes). */
void report_debug_letters(const struct kmem_cache *s, char *buf);

/* Print @s as a JSON string literal. */
void json_string(FILE *out, const char *s);

#endif
