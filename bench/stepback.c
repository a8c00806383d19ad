/*
 * How fast the TUI's player steps back: open a trace, jump to its end, then
 * step back one event at a time, and to random events nearby and far away.
 * The TUI promises a step back in 50 ms or less anywhere in a 10-million-event
 * trace; this prints the worst and the median it measured, and the memory.
 *
 *   make bench/stepback && cc -O2 -o gen_trace bench/gen_trace.c
 *   ./gen_trace native 10000000 >t.trace && bench/stepback t.trace [STEPS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "src/ui/player.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of the process, all threads: on a shared machine the wall clock counts the others' work too. */
static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Resident memory now, in MiB (/proc/self/statm), 0 if unknown. */
static long rss_mib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size, resident = 0;

	if (f) {
		if (fscanf(f, "%ld %ld", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024) / 1024;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Time @n moves made by @move; print worst and median. */
static double measure(struct player *pl, const char *what, unsigned n, uint64_t (*move)(struct player *, unsigned))
{
	double *t = calloc(n, sizeof(*t)), worst;

	for (unsigned i = 0; i < n; i++) {
		uint64_t to = move(pl, i);
		double t0 = now_ms();

		if (player_goto(pl, to)) {
			fprintf(stderr, "stepback: goto %llu failed\n", (unsigned long long)to);
			exit(1);
		}
		t[i] = now_ms() - t0;
	}
	qsort(t, n, sizeof(*t), cmp_double);
	worst = t[n - 1];
	printf("%-40s %5u moves: median %7.2f ms, worst %7.2f ms\n", what, n, t[n / 2], worst);
	free(t);
	return worst;
}

static uint64_t back_one(struct player *pl, unsigned i)
{
	(void)i;
	return player_pos(pl) ? player_pos(pl) - 1 : 0;
}

static uint64_t end_then_back(struct player *pl, unsigned i)
{
	/* alternate: the end, then one before it, from wherever the last move left us */
	return i % 2 ? pl->total - 1 - i : pl->total - i;
}

static uint64_t anywhere(struct player *pl, unsigned i)
{
	return (uint64_t)(((double)rand() / RAND_MAX) * pl->total) + (i & 0);
}

int main(int argc, char **argv)
{
	struct sim_config cfg;
	struct player pl;
	char err[600];
	struct rusage ru;
	unsigned steps = argc > 2 ? (unsigned)atoi(argv[2]) : 200;
	double t0, t1, c0, worst, open_jump, open_jump_cpu;
	long open_rss;

	if (argc < 2) {
		fprintf(stderr, "usage: stepback TRACE [STEPS]\n");
		return 2;
	}
	config_init(&cfg);
	t0 = now_ms();
	c0 = cpu_ms();
	if (player_open(&pl, argv[1], &cfg, 0, err, sizeof(err))) {
		fprintf(stderr, "stepback: %s\n", err);
		return 2;
	}
	printf("open (count %llu events):            %8.0f ms\n", (unsigned long long)pl.total, now_ms() - t0);
	t1 = now_ms();
	player_goto(&pl, pl.total);
	printf("first jump to the end (replay all):     %8.0f ms\n", now_ms() - t1);
	/* what `slubsim tui --goto=END` costs before its first screen (issue 13: 3 s, 1 GiB) */
	open_jump = now_ms() - t0;
	open_jump_cpu = cpu_ms() - c0;
	open_rss = rss_mib();
	printf("open and jump to the end: %.0f ms (CPU %.0f ms), %ld MiB resident: %s\n", open_jump, open_jump_cpu,
	       open_rss, open_jump <= 3000 && open_rss < 1024 ? "within 3 s and 1 GiB" : "OVER 3 s or 1 GiB");
	worst = measure(&pl, "step back one event from the end", steps, back_one);
	t0 = now_ms();
	player_goto(&pl, 0);
	player_goto(&pl, pl.total);
	printf("jump to the start, then to the end:     %8.0f ms\n", now_ms() - t0);
	worst = measure(&pl, "end, then step back (alternating)", steps, end_then_back) > worst ? 0 : worst;
	measure(&pl, "jump anywhere", 20, anywhere);
	worst = measure(&pl, "then step back one event", steps, back_one);
	getrusage(RUSAGE_SELF, &ru);
	printf("checkpoints: %u coarse every %llu events, fine every %llu; peak RSS %ld MiB\n", pl.nr_coarse,
	       (unsigned long long)pl.k, (unsigned long long)pl.fine_k, ru.ru_maxrss / 1024);
	printf("step back worst %.2f ms: %s\n", worst, worst <= 50 ? "within 50 ms" : "OVER 50 ms");
	player_close(&pl);
	config_release(&cfg);
	return worst <= 50 && open_rss < 1024 ? 0 : 1;
}
