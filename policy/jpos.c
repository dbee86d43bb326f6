// SPDX-License-Identifier: Apache-2.0
#include <stdbool.h>
#include <string.h>

#include "policy/jpos.h"

struct scan {
	const char *s;
	size_t len, i;
	int line;
};

static void ws(struct scan *sc)
{
	while (sc->i < sc->len && strchr(" \t\r\n", sc->s[sc->i])) {
		if (sc->s[sc->i] == '\n')
			sc->line++;
		sc->i++;
	}
}

/* At a '"': skip the string; its raw content is [*b, *b + *n). */
static void str(struct scan *sc, const char **b, size_t *n)
{
	size_t start = ++sc->i;

	while (sc->i < sc->len && sc->s[sc->i] != '"')
		sc->i += sc->s[sc->i] == '\\' ? 2 : 1;
	*b = sc->s + start;
	*n = (sc->i < sc->len ? sc->i : sc->len) - start;
	sc->i++;
}

static void skip(struct scan *sc, int depth)
{
	const char *b;
	size_t n;

	ws(sc);
	if (depth > 64)
		sc->i = sc->len;	/* give up on absurd nesting: no position */
	if (sc->i >= sc->len)
		return;
	switch (sc->s[sc->i]) {
	case '"':
		str(sc, &b, &n);
		return;
	case '{':
	case '[':
		sc->i++;
		for (;;) {
			ws(sc);
			if (sc->i >= sc->len)
				return;
			if (sc->s[sc->i] == '}' || sc->s[sc->i] == ']') {
				sc->i++;
				return;
			}
			if (sc->s[sc->i] == ',' || sc->s[sc->i] == ':') {
				sc->i++;
				continue;
			}
			skip(sc, depth + 1);
		}
	default:
		/* Always one byte at least: the scan must progress on any input. */
		do
			sc->i++;
		while (sc->i < sc->len && sc->s[sc->i] && !strchr(" \t\r\n,:]}", sc->s[sc->i]));
	}
}

static int find(struct scan *sc, const struct jpos_step *path, size_t depth)
{
	size_t idx = 0, n, start;
	const char *b;
	bool obj;

	ws(sc);
	if (!depth)
		return sc->line;
	if (sc->i >= sc->len || (sc->s[sc->i] != '{' && sc->s[sc->i] != '['))
		return 0;
	obj = sc->s[sc->i++] == '{';
	for (;;) {
		ws(sc);
		if (sc->i >= sc->len || sc->s[sc->i] == '}' || sc->s[sc->i] == ']')
			return 0;
		if (sc->s[sc->i] == ',') {
			sc->i++;
			continue;
		}
		if (obj) {
			int key_line = sc->line;

			if (sc->s[sc->i] != '"')
				return 0;
			str(sc, &b, &n);
			ws(sc);
			if (sc->i < sc->len && sc->s[sc->i] == ':')
				sc->i++;
			if (path->key && strlen(path->key) == n && !memcmp(path->key, b, n)) {
				/* A key's own line when its value is the end of the path. */
				if (depth == 1)
					return key_line;
				return find(sc, path + 1, depth - 1);
			}
		} else if (!path->key && idx == path->index) {
			return find(sc, path + 1, depth - 1);
		}
		start = sc->i;
		skip(sc, 0);
		if (sc->i == start)
			return 0;
		idx++;
	}
}

int jpos_line(const char *text, size_t len, const struct jpos_step *path, size_t depth)
{
	struct scan sc = { .s = text, .len = len, .line = 1 };

	return find(&sc, path, depth);
}

int jpos_lines(const char *text, size_t len, const struct jpos_step *path, size_t depth,
	       int *lines, size_t n)
{
	struct scan sc = { .s = text, .len = len, .line = 1 };
	size_t k = 0, start;

	if (!depth || !find(&sc, path, depth))
		return -1;
	ws(&sc);
	if (sc.i >= sc.len || sc.s[sc.i] != '[')
		return -1;
	sc.i++;
	for (;;) {
		ws(&sc);
		if (sc.i >= sc.len || sc.s[sc.i] == ']')
			return (int)k;
		if (sc.s[sc.i] == ',') {
			sc.i++;
			continue;
		}
		if (k < n)
			lines[k] = sc.line;
		k++;
		start = sc.i;
		skip(&sc, 0);
		if (sc.i == start)
			return (int)k;
	}
}
