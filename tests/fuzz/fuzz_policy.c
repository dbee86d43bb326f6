// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target: a policy file through the strict parser, then the compiler, the explain
 * evaluator, the graph's port summary and a diff against a fixed kernel state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nft/batch.h"
#include "nft/conn.h"
#include "policy/explain.h"
#include "policy/jpos.h"
#include "policy/policy.h"
#include "tests/unit/nft_offline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void explain(const struct policy *p)
{
	static const char *const names[] = { "web-1", "pg", "x", NULL };
	static const char *const rules[] = { "allow[0]: a -> b 80/tcp", "final drop", NULL };
	static const char *const ids[] = { "id1", "id2" };
	static const struct policy_kgroup groups[] = { { "a", ids, 2 }, { "zz", ids, 1 } };
	static const struct policy_member members[] = { { "id1", "web-1" }, { "id2", "pg" },
							 { "id3", NULL } };
	struct policy_kstate k = { rules, 3, groups, 2 };
	struct policy_changes ch = { 0 };
	struct policy_verdict v;
	char buf[1024];
	size_t i, j;

	for (i = 0; i < 4; i++) {
		for (j = 0; j < 4; j++) {
			struct policy_flow f = { names[i], names[j], true, true, false,
						 (uint8_t)(i == j ? 1 : 6), (uint16_t)(80 * j) };

			policy_explain(p, &f, &v);
			policy_flow_ports(p, names[i], names[j], buf, sizeof(buf));
			/* the same flow to the host, in each host access mode */
			f.to_host = true;
			f.host = (enum nft_host_access)(j % 3);
			policy_explain(p, &f, &v);
		}
	}
	if (policy_diff(&k, p, members, 3, &ch) == 0)
		for (i = 0; i < ch.n; i++)
			policy_change_str(buf, sizeof(buf), &ch.c[i]);
	policy_changes_free(&ch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct jpos_step path[] = { { "allow", 0 }, { NULL, 0 }, { "to", 0 } };
	struct nft_batch b;
	struct policy p;
	struct err err = { 0 };
	size_t i;

	jpos_line((const char *)data, size, path, 3);
	if (policy_parse((const char *)data, size, &p, &err) != 0)
		return 0;
	for (i = 0; i < p.n_groups; i++)
		policy_match(&p, i, "web-1");
	nft_batch_begin(&b, offline_conn());
	policy_build(&b, &p, "fuzz", NULL, 0);
	nft_batch_free(&b);
	explain(&p);
	policy_free(&p);
	return 0;
}
