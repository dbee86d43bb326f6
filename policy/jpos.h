/* SPDX-License-Identifier: Apache-2.0 */
/* Where a value sits in JSON text (jansson keeps no positions): for line-precise errors. */
#ifndef NETCTL_POLICY_JPOS_H
#define NETCTL_POLICY_JPOS_H

#include <stddef.h>

struct jpos_step {
	const char *key;	/* object member, or NULL: */
	size_t index;		/* array element */
};

/**
 * jpos_line() - the 1-based line where the value at @path (@depth steps) starts in
 * @text, which jansson already accepted; 0 when it is not found.
 */
int jpos_line(const char *text, size_t len, const struct jpos_step *path, size_t depth);

/**
 * jpos_lines() - the line of each element of the array at @path (an object member:
 * its key's value), in one pass: @lines[k] for element k < @n. Return the number of
 * elements, or -1 when @path names no array.
 */
int jpos_lines(const char *text, size_t len, const struct jpos_step *path, size_t depth,
	       int *lines, size_t n);

#endif
