// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/array.h"

int array_grow(void **items, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t c;
	char *p;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : first;
	if (c < *cap || c > SIZE_MAX / size)
		return -ENOMEM;
	p = realloc(*items, c * size);
	if (!p)
		return -ENOMEM;
	memset(p + *cap * size, 0, (c - *cap) * size);
	*items = p;
	*cap = c;
	return 0;
}
