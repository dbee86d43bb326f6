// SPDX-License-Identifier: Apache-2.0
/* Fuzz target: a policy file through the strict parser, then the compiler. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nft/batch.h"
#include "policy/jpos.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct jpos_step path[] = { { "allow", 0 }, { NULL, 0 }, { "to", 0 } };
	struct nft_batch b;
	struct policy p;
	char err[512];
	size_t i;

	jpos_line((const char *)data, size, path, 3);
	if (policy_parse((const char *)data, size, &p, err, sizeof(err)) != 0)
		return 0;
	for (i = 0; i < p.n_groups; i++)
		policy_match(&p, i, "web-1");
	nft_batch_init(&b, 1);
	policy_build(&b, &p, "fuzz", NULL, 0);
	nft_batch_free(&b);
	policy_free(&p);
	return 0;
}
