// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target: netctl's command-line value parsers (rates, --publish, --ip, CONTAINER)
 * and the audit line quoting, on one NUL-terminated argument.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netctl/cli/cliparse.h"
#include "util/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *arg = strndup((const char *)data, size), line[256] = "";
	struct cli_container c;
	uint64_t bits;

	if (!arg)
		return 0;
	if (cli_parse_rate(arg, &bits) == 0 && bits == 0)
		abort();
	json_decref(cli_parse_publish(arg));
	cli_parse_ip(arg);
	if (cli_container_resolve(arg, "/run/netns", false, &c) == 0 &&
	    (c.netns[0] != '/' || strncmp(c.id, "netctl-", 7)))
		abort();
	audit_kv(line, sizeof(line), "k", arg);
	if (strlen(line) >= sizeof(line))
		abort();
	free(arg);
	return 0;
}
