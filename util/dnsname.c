// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <string.h>

#include "util/dnsname.h"

static bool name_valid(const char *s, bool underscore)
{
	size_t i, label = 0;

	if (!s || !s[0] || strlen(s) > DNS_NAME_MAX)
		return false;
	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (!label || s[i - 1] == '-')
				return false;	/* empty label ("..", leading '.') or "x-." */
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && !(underscore && c == '_'))
			return false;
		if (c == '-' && !label)
			return false;
		if (++label > DNS_LABEL_MAX)
			return false;
	}
	return label && s[i - 1] != '-';
}

bool dns_name_valid(const char *s)
{
	return name_valid(s, true);
}

bool dns_domain_valid(const char *s)
{
	return name_valid(s, false);
}
