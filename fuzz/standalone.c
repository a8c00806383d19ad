/*
 * main() for the fuzz targets when they are not built with libFuzzer (the
 * default build and --enable-sanitizers): feed files to
 * LLVMFuzzerTestOneInput() once each, so that make check replays the seed
 * corpus and every input that ever crashed, under whatever sanitizers the
 * build has.
 *
 *   fuzz/fuzz_NAME FILE|DIR...   run those inputs (a directory: its files)
 *   fuzz/fuzz_NAME               run $srcdir/fuzz/corpus/NAME and $srcdir/fuzz/regress/NAME
 *
 * A crash, a sanitizer report or a hang (SIGALRM after HANG_SECONDS on one
 * input) ends the program abnormally, which fails the test; so does finding
 * no input at all, so that a corpus missing from a tarball cannot pass.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HANG_SECONDS 20	/* generous: valgrind and ASan builds are slow */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The whole file in an exact-size buffer, so ASan sees a read past its end. */
static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *exact = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f) {
		perror(path);
		return NULL;
	}
	for (;;) {
		size_t n;

		if (*len == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? cap * 2 : 4096);

			if (!nb)
				goto out;
			buf = nb;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		perror(path);
		goto out;
	}
	exact = malloc(*len ? *len : 1);
	if (exact)
		memcpy(exact, buf, *len);
	else
		fprintf(stderr, "%s: out of memory\n", path);
out:
	free(buf);
	fclose(f);
	return exact;
}

static int run_file(const char *path)
{
	size_t len;
	uint8_t *data = read_file(path, &len);

	if (!data)
		return -1;
	printf("  %s (%zu bytes)\n", path, len);
	fflush(stdout);
	alarm(HANG_SECONDS);
	LLVMFuzzerTestOneInput(data, len);
	alarm(0);
	free(data);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every regular file in @dir, in name order; the count, or -1. */
static long run_dir(const char *dir, int must_exist)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	long ran = 0;

	if (!d) {
		if (must_exist)
			perror(dir);
		return must_exist ? -1 : 0;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn;

			cap = cap ? cap * 2 : 64;
			nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		names[n] = malloc(strlen(dir) + strlen(de->d_name) + 2);
		if (!names[n])
			break;
		sprintf(names[n], "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (ran >= 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			ran = run_file(names[i]) ? -1 : ran + 1;
		free(names[i]);
	}
	free(names);
	return ran;
}

static long run_path(const char *path)
{
	struct stat st;

	if (stat(path, &st)) {
		perror(path);
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return run_dir(path, 1);
	return run_file(path) ? -1 : 1;
}

int main(int argc, char **argv)
{
	long total = 0;

	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			long n = run_path(argv[i]);

			if (n < 0)
				return 2;
			total += n;
		}
	} else {
		/* fuzz/fuzz_NAME: the committed inputs of target NAME */
		const char *srcdir = getenv("srcdir");
		const char *base = strrchr(argv[0], '/');
		static const char *const sets[] = { "corpus", "regress" };

		base = base ? base + 1 : argv[0];
		if (!strncmp(base, "fuzz_", 5))
			base += 5;
		if (!srcdir)
			srcdir = ".";
		for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
			char dir[4096];
			long n;

			snprintf(dir, sizeof(dir), "%s/fuzz/%s/%s", srcdir, sets[i], base);
			/* every target has seeds; regression cases exist once something crashed */
			n = run_dir(dir, i == 0);
			if (n < 0)
				return 2;
			printf("%s: %ld inputs\n", dir, n);
			total += n;
		}
	}
	if (total == 0) {
		fprintf(stderr, "%s: no inputs found\n", argv[0]);
		return 1;
	}
	printf("%ld inputs ran without a fault\n", total);
	return 0;
}
