// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target: dnsname's parsers of what it does not write itself alone: the network's
 * hosts file (parse, then format must parse back to the same blocks) and a DNS
 * response as CHECK reads it from the network (dn_answer_has), and the name rules
 * (an accepted name never holds '/', "..", a space or a newline).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/dnsname/hosts.h"
#include "plugins/dnsname/probe.h"
#include "util/dnsname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void hosts_roundtrip(const char *text)
{
	struct dn_hosts h, h2;
	char *out, *out2;
	size_t len, len2;

	if (dn_hosts_parse(text, &h) < 0)
		return;
	if (h.n) {
		char *cid = strdup(h.v[0].cid), *ifname = strdup(h.v[0].ifname);

		if (cid && ifname && dn_hosts_remove(&h, cid, ifname) < 1)
			abort();
		free(cid);
		free(ifname);
	}
	out = dn_hosts_format(&h, &len);
	if (out && dn_hosts_parse(out, &h2) == 0) {
		out2 = dn_hosts_format(&h2, &len2);
		if (!out2 || len2 != len || memcmp(out, out2, len))
			abort();
		free(out2);
		dn_hosts_free(&h2);
	}
	free(out);
	dn_hosts_free(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ip_addr want = { .family = AF_INET, .b = { 10, 88, 0, 5 } };
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	hosts_roundtrip(text);
	if (dns_name_valid(text) && (strchr(text, '/') || strstr(text, "..") ||
				     strpbrk(text, " \n\t") || strlen(text) > 253))
		abort();
	if (size >= 2)
		dn_answer_has(data, size, (uint16_t)(data[0] << 8 | data[1]), &want);
	want.family = AF_INET6;
	if (size >= 2)
		dn_answer_has(data, size, (uint16_t)(data[0] << 8 | data[1]), &want);
	free(text);
	return 0;
}
