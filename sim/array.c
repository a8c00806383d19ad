#include "array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The smallest capacity an array grows to: a few items are cheap, reallocs are not. */
#define ARRAY_MIN 16

int array_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap > ARRAY_MIN ? *cap : ARRAY_MIN;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			return -1;
		n *= 2;
	}
	p = realloc(*arr, n * elem);
	if (!p)
		return -1;
	memset((char *)p + *cap * elem, 0, (n - *cap) * elem);
	*arr = p;
	*cap = n;
	return 0;
}
