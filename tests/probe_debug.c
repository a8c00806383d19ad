/*
 * Replays the probe module's KRZ and KRZREALLOC records (probe.txt on stdin)
 * on the model booted with the options given, and compares every field: the
 * cache, the bytes of a fresh kmalloc/kzalloc object and of a reallocated one
 * (run-length "byte*count" as the probe prints them), orig_size before and
 * after ksize()/krealloc(), and that freeing reports nothing.
 *   probe_debug KERNEL ARCH CPUS CMDLINE <probe.txt
 * Prints one line per mismatch and "KRZ N checked, KRZREALLOC M checked,
 * F mismatches"; exit 1 on a mismatch or when nothing was checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/slub_internal.h"

#define MAX_FIELDS 16

static unsigned mismatches;

/* The probe's run-length form of @n bytes at @p: "6b*19 a5*1", "-" when empty. */
static void rle(const unsigned char *p, uint64_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	if (!n) {
		snprintf(buf, len, "-");
		return;
	}
	for (uint64_t i = 0; i < n && used < len;) {
		uint64_t j = i;

		while (j < n && p[j] == p[i])
			j++;
		used += (size_t)snprintf(buf + used, len - used, "%s%02x*%llu", i ? " " : "", p[i],
					 (unsigned long long)(j - i));
		i = j;
	}
}

static void expect_str(const char *what, const char *line, const char *want, const char *got)
{
	if (strcmp(want, got)) {
		printf("%s: %s: probe %s, model %s\n", line, what, want, got);
		mismatches++;
	}
}

static void expect_num(const char *what, const char *line, long long want, long long got)
{
	char w[32], g[32];

	snprintf(w, sizeof(w), "%lld", want);
	snprintf(g, sizeof(g), "%lld", got);
	expect_str(what, line, w, g);
}

/* Cache name as the probe prints it ("page" for the page allocator), orig_size or -1 when untracked. */
static const char *object_cache(struct sim *sim, uint64_t addr, long long *orig_size, uint64_t *object_size)
{
	struct sim_obj_info info;

	sim_lookup(sim, addr, &info);
	*orig_size = -1;
	if (info.kind != 1) {
		*object_size = sim_ksize(sim, addr);
		return "page";
	}
	*object_size = info.cache->object_size;
	if (slub_debug_orig_size(info.cache))
		*orig_size = (long long)get_orig_size(sim, info.slab, addr);
	return info.cache->name;
}

static void expect_quiet_free(struct sim *sim, uint64_t addr, const char *line)
{
	struct sim_op op;

	sim_kfree(sim, 0, addr, &op);
	if (op.fault != FAULT_NONE) {
		printf("%s: kfree reported: %s\n", line, op.fault_text ? op.fault_text : "?");
		mismatches++;
	}
}

/* KRZ gfp size cache object_size inuse reused orig_size head tail redzone ksize orig_size_after_ksize */
static void krz(struct sim *sim, char **f, const char *line)
{
	uint64_t size = strtoull(f[2], NULL, 10), object_size;
	gfp_t gfp = GFP_KERNEL | (!strcmp(f[1], "kzalloc") ? __GFP_ZERO : 0);
	uint64_t a = sim_kmalloc(sim, 0, size, GFP_KERNEL, 0, NULL), b;
	struct sim_obj_info info;
	long long orig;
	const char *cache;
	char got[256];
	unsigned char *p;

	memset(sim_mem(sim, a, size), 0x5e, size);
	expect_quiet_free(sim, a, line);
	b = sim_kmalloc(sim, 0, size, gfp, 0, NULL);
	cache = object_cache(sim, b, &orig, &object_size);
	sim_lookup(sim, b, &info);
	expect_str("cache", line, f[3], cache);
	expect_num("object_size", line, strtoll(f[4], NULL, 10), (long long)object_size);
	expect_num("inuse", line, strtoll(f[5], NULL, 10), info.cache->inuse);
	expect_num("reused", line, strtoll(f[6], NULL, 10), b == a);
	expect_num("orig_size", line, strtoll(f[7], NULL, 10), orig);
	p = sim_mem(sim, b, info.cache->inuse);
	rle(p, size, got, sizeof(got));
	expect_str("head", line, f[8], got);
	rle(p + size, object_size - size, got, sizeof(got));
	expect_str("tail", line, f[9], got);
	rle(p + object_size, info.cache->inuse - object_size, got, sizeof(got));
	expect_str("redzone", line, f[10], got);
	expect_num("ksize", line, strtoll(f[11], NULL, 10), (long long)sim_ksize_claim(sim, b));
	object_cache(sim, b, &orig, &object_size);
	expect_num("orig_size after ksize", line, strtoll(f[12], NULL, 10), orig);
	expect_quiet_free(sim, b, line);
}

/* KRZREALLOC gfp old new cache_old orig_before moved cache_new orig_after content_ok grown spare ksize_new */
static void krzrealloc(struct sim *sim, char **f, const char *line)
{
	uint64_t old = strtoull(f[2], NULL, 10), new = strtoull(f[3], NULL, 10), object_size, keep;
	gfp_t gfp = GFP_KERNEL | (!strcmp(f[1], "kzalloc") ? __GFP_ZERO : 0);
	uint64_t p = sim_kmalloc(sim, 0, old, gfp, 0, NULL), q;
	long long orig;
	char got[256];
	const unsigned char *b;
	int content_ok = 1;

	memset(sim_mem(sim, p, old), 0xab, old);
	expect_str("cache_old", line, f[4], object_cache(sim, p, &orig, &object_size));
	expect_num("orig_before", line, strtoll(f[5], NULL, 10), orig);
	q = sim_krealloc(sim, 0, p, new, gfp, 1, NULL);
	expect_num("moved", line, strtoll(f[6], NULL, 10), q != p);
	expect_str("cache_new", line, f[7], object_cache(sim, q, &orig, &object_size));
	expect_num("orig_after", line, strtoll(f[8], NULL, 10), orig);
	if (object_size < new)
		object_size = new;
	b = sim_mem(sim, q, object_size);
	keep = old < new ? old : new;
	for (uint64_t i = 0; i < keep; i++)
		content_ok &= b[i] == 0xab;
	expect_num("content_ok", line, strtoll(f[9], NULL, 10), content_ok);
	rle(b + keep, new - keep, got, sizeof(got));
	expect_str("grown", line, f[10], got);
	rle(b + new, object_size - new, got, sizeof(got));
	expect_str("spare", line, f[11], got);
	expect_num("ksize_new", line, strtoll(f[12], NULL, 10), (long long)sim_ksize_claim(sim, q));
	expect_quiet_free(sim, q, line);
}

static struct sim *boot(char **argv)
{
	struct sim_config cfg;
	struct sim_err err;
	struct sim *sim = NULL;

	config_init(&cfg);
	if (config_set_kernel(&cfg, argv[1], &err) || config_set_arch(&cfg, argv[2], &err) ||
	    config_set_cpus(&cfg, argv[3], &err) || config_set_cmdline(&cfg, argv[4], &err) ||
	    config_finalize(&cfg, &err) || sim_create(&sim, &cfg, &err)) {
		fprintf(stderr, "probe_debug: %s\n", err.msg);
		exit(2);
	}
	config_release(&cfg);
	return sim;
}

int main(int argc, char **argv)
{
	char buf[4096], line[64], *f[MAX_FIELDS];
	unsigned n_krz = 0, n_realloc = 0, lineno = 0;
	struct sim *sim;

	if (argc != 5) {
		fprintf(stderr, "usage: probe_debug KERNEL ARCH CPUS CMDLINE <probe.txt\n");
		return 2;
	}
	sim = boot(argv);
	while (fgets(buf, sizeof(buf), stdin)) {
		unsigned n = 0;

		lineno++;
		buf[strcspn(buf, "\n")] = 0;
		for (char *s = strtok(buf, "\t"); s && n < MAX_FIELDS; s = strtok(NULL, "\t"))
			f[n++] = s;
		snprintf(line, sizeof(line), "probe.txt:%u", lineno);
		if (n == 13 && !strcmp(f[0], "KRZ")) {
			krz(sim, f, line);
			n_krz++;
		} else if (n == 13 && !strcmp(f[0], "KRZREALLOC")) {
			krzrealloc(sim, f, line);
			n_realloc++;
		}
	}
	sim_destroy(sim);
	printf("KRZ %u checked, KRZREALLOC %u checked, %u mismatches\n", n_krz, n_realloc, mismatches);
	return mismatches || !(n_krz + n_realloc);
}
