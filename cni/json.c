// SPDX-License-Identifier: Apache-2.0
#include <string.h>

#include "cni/json.h"

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/*
 * Go folds a key to its field with unicode.SimpleFold: besides ASCII case, two runes
 * outside ASCII fold onto ASCII letters, K (U+212A KELVIN SIGN, e2 84 aa) onto k and
 * ſ (U+017F LATIN SMALL LETTER LONG S, c5 bf) onto s. Return how many bytes of @key
 * matched the ASCII letter @want (lower case), or 0.
 */
static size_t fold_one(char want, const char *key)
{
	if (ascii_lower(*key) == want)
		return 1;
	if (want == 'k' && !strncmp(key, "\xe2\x84\xaa", 3))
		return 3;
	if (want == 's' && !strncmp(key, "\xc5\xbf", 2))
		return 2;
	return 0;
}

bool cni_json_key_matches(const char *name, const char *key)
{
	size_t n;

	if (!strcmp(name, key))
		return true;
	for (; *name; name++, key += n) {
		n = *key ? fold_one(ascii_lower(*name), key) : 0;
		if (!n)
			return false;
	}
	return !*key;
}

const char *cni_json_key(const json_t *obj, const char *name)
{
	const char *key, *found = NULL;
	json_t *v;

	if (!json_is_object(obj))
		return NULL;
	/* jansson iterates in insertion order, which is document order for parsed input */
	json_object_foreach((json_t *)obj, key, v) {
		if (cni_json_key_matches(name, key))
			found = key;
	}
	return found;
}

json_t *cni_json_get(const json_t *obj, const char *name)
{
	const char *key = cni_json_key(obj, name);

	return key ? json_object_get(obj, key) : NULL;
}
