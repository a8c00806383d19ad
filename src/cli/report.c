#include "report.h"

#include <string.h>

#include "sim/kver.h"
#include "sim/slub.h"
#include "sim/sysfs.h"

int report_parse_format(const char *s)
{
	static const char *const names[] = { "table", "sysfs", "slabinfo", "json" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static int flag(const struct kmem_cache *s, slab_flags_t f)
{
	return (s->flags & f) != 0;
}

/* mm/slub.c aliases_show(): refcount - 1, or 0 for an unmergeable boot cache */
static int aliases(const struct kmem_cache *s)
{
	return s->refcount < 0 ? 0 : s->refcount - 1;
}

static void slabs_cpu_partial(FILE *out, const struct sim *sim, const struct kmem_cache *s)
{
	unsigned long long slabs = 0;

	for (unsigned cpu = 0; cpu < sim->env.cpus; cpu++)
		slabs += kmem_cache_cpu_partial_slabs(sim, s, cpu);
	/* approximate half-full slabs, as slub_set_cpu_partial() does */
	fprintf(out, "%llu(%llu)", slabs * s->oo.objects / 2, slabs);
	for (unsigned cpu = 0; cpu < sim->env.cpus; cpu++) {
		unsigned long long n = kmem_cache_cpu_partial_slabs(sim, s, cpu);

		if (n)
			fprintf(out, " C%u=%llu(%llu)", cpu, n * s->oo.objects / 2, n);
	}
}

/* /sys/kernel/slab/<cache>/ as NAME<TAB>ATTRIBUTE<TAB>VALUE lines, in ls order */
static void sysfs_cache(FILE *out, const struct sim *sim, const struct kmem_cache *s)
{
	const struct sysfs_attr *a;
	struct cache_stats st;

	kmem_cache_stats(sim, s, &st);
	for (unsigned i = 0; (a = kmem_cache_sysfs_attr_at(i)); i++) {
		if (a->present && !a->present(sim, s))
			continue;
		fprintf(out, "%s\t%s\t", s->name, a->name);
		if (a->show)
			fprintf(out, "%llu", (unsigned long long)a->show(sim, s, &st));
		else if (!strcmp(a->name, "ctor"))
			fprintf(out, "%s_ctor+0x0/0x20", s->name);
		else
			slabs_cpu_partial(out, sim, s);
		fputc('\n', out);
	}
}

void report_sysfs(FILE *out, const struct sim *sim)
{
	const struct kmem_cache *s;

	for (unsigned i = 0; (s = sim_cache_slabinfo_order(sim, i)); i++)
		sysfs_cache(out, sim, s);
}

/* mm/slab_common.c cache_show() with mm/slub.c get_slabinfo() */
void report_slabinfo(FILE *out, const struct sim *sim)
{
	const struct kmem_cache *s;

	fputs("slabinfo - version: 2.1\n", out);
	fputs("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
	      " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs>"
	      " <sharedavail>\n", out);
	for (unsigned i = 0; (s = sim_cache_slabinfo_order(sim, i)); i++) {
		struct cache_stats st;

		kmem_cache_stats(sim, s, &st);
		fprintf(out, "%-17s %6llu %6llu %6u %4u %4d", s->name, (unsigned long long)st.objects,
			(unsigned long long)st.total_objects, s->size, s->oo.objects, 1 << s->oo.order);
		fprintf(out, " : tunables %4u %4u %4u", 0u, 0u, 0u);
		fprintf(out, " : slabdata %6llu %6llu %6lu\n", (unsigned long long)st.slabs,
			(unsigned long long)st.slabs, 0ul);
	}
}

void report_json(FILE *out, const struct sim *sim)
{
	const struct kmem_cache *s;

	fputs("[", out);
	for (unsigned i = 0; (s = sim_cache_slabinfo_order(sim, i)); i++) {
		struct cache_stats st;

		kmem_cache_stats(sim, s, &st);
		fputs(i ? ",\n {" : "\n {", out);
		fputs("\"name\": ", out);
		json_string(out, s->name);
		fprintf(out, ", \"object_size\": %u, \"slab_size\": %u, \"align\": %u, \"inuse\": %u"
			", \"offset\": %u, \"red_left_pad\": %u, \"objs_per_slab\": %u, \"order\": %u"
			", \"min_order\": %u, \"min_objects\": %u, \"min_partial\": %u, \"cpu_partial\": %u"
			", \"cpu_partial_slabs\": %u, \"usersize\": %u, \"aliases\": %d, \"sheaf_capacity\": %u",
			s->object_size, s->size, s->align, s->inuse, s->offset, s->red_left_pad, s->oo.objects,
			s->oo.order, s->min.order, s->min.objects, s->min_partial, s->cpu_partial,
			s->cpu_partial_slabs, s->usersize, aliases(s), s->sheaf_capacity);
		fprintf(out, ", \"red_zone\": %s, \"poison\": %s, \"store_user\": %s, \"sanity_checks\": %s"
			", \"trace\": %s, \"hwcache_align\": %s, \"reclaim_account\": %s, \"cache_dma\": %s"
			", \"account\": %s",
			flag(s, SLAB_RED_ZONE) ? "true" : "false", flag(s, SLAB_POISON) ? "true" : "false",
			flag(s, SLAB_STORE_USER) ? "true" : "false",
			flag(s, SLAB_CONSISTENCY_CHECKS) ? "true" : "false", flag(s, SLAB_TRACE) ? "true" : "false",
			flag(s, SLAB_HWCACHE_ALIGN) ? "true" : "false",
			flag(s, SLAB_RECLAIM_ACCOUNT) ? "true" : "false", flag(s, SLAB_CACHE_DMA) ? "true" : "false",
			flag(s, SLAB_ACCOUNT) ? "true" : "false");
		fprintf(out, ", \"slot_align\": %llu, \"objects\": %llu, \"total_objects\": %llu, \"slabs\": %llu"
			", \"partial\": %llu, \"sheaf_objects\": %llu}",
			(unsigned long long)kmem_cache_slot_align(&sim->env, s), (unsigned long long)st.objects,
			(unsigned long long)st.total_objects, (unsigned long long)st.slabs,
			(unsigned long long)st.partial, (unsigned long long)st.sheaf_objects);
	}
	fputs("\n]\n", out);
}

void report_debug_letters(const struct kmem_cache *s, char *buf)
{
	char *p = buf;

	if (flag(s, SLAB_CONSISTENCY_CHECKS))
		*p++ = 'F';
	if (flag(s, SLAB_RED_ZONE))
		*p++ = 'Z';
	if (flag(s, SLAB_POISON))
		*p++ = 'P';
	if (flag(s, SLAB_STORE_USER))
		*p++ = 'U';
	if (flag(s, SLAB_TRACE))
		*p++ = 'T';
	if (p == buf)
		*p++ = '-';
	*p = '\0';
}

void report_table(FILE *out, const struct sim *sim)
{
	const struct kmem_cache *s;

	fprintf(out, "%-22s %7s %7s %6s %6s %5s %6s %6s %5s %5s %-5s\n", "CACHE", "OBJSIZE", "SLOT", "ALIGN",
		"OBJ/SL", "ORDER", "INUSE", "FREEPTR", "RZPAD", "WASTE", "DEBUG");
	for (unsigned i = 0; (s = sim_cache_slabinfo_order(sim, i)); i++) {
		unsigned long long slab = (unsigned long long)sim->env.ac.page_size << s->oo.order;
		unsigned long long waste = slab - (unsigned long long)s->oo.objects * s->object_size;
		char dbg[8];

		report_debug_letters(s, dbg);
		fprintf(out, "%-22s %7u %7u %6u %6u %5u %6u %6u %5u %4llu%% %-5s\n", s->name, s->object_size,
			s->size, s->align, s->oo.objects, s->oo.order, s->inuse, s->offset, s->red_left_pad,
			waste * 100 / slab, dbg);
	}
}

void report_caches(FILE *out, const struct sim *sim, enum report_format fmt)
{
	switch (fmt) {
	case REPORT_SYSFS: report_sysfs(out, sim); break;
	case REPORT_SLABINFO: report_slabinfo(out, sim); break;
	case REPORT_JSON: report_json(out, sim); break;
	default: report_table(out, sim); break;
	}
}
