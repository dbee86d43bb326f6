/* SPDX-License-Identifier: Apache-2.0 */
/* Arrays that grow as elements are added: the one growth rule every list here follows. */
#ifndef NETCTL_UTIL_ARRAY_H
#define NETCTL_UTIL_ARRAY_H

#include <stddef.h>

/**
 * array_grow() - room for element @n in the array *@items of *@cap elements of @size
 * bytes: nothing to do while @n < *@cap, else the array is reallocated to twice *@cap
 * (@first when it is empty) and the new elements zeroed. Called as
 * array_grow((void **)&l->items, &l->cap, l->n, sizeof(*l->items), 16).
 * Return: 0, or -ENOMEM with *@items and *@cap unchanged.
 */
int array_grow(void **items, size_t *cap, size_t n, size_t size, size_t first);

#endif
