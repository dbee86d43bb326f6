/* SPDX-License-Identifier: Apache-2.0 */
/*
 * For tests that build nft batches without a kernel (unit tests and the policy fuzz
 * target): a connection that is never opened.
 */
#ifndef NETCTL_TESTS_NFT_OFFLINE_H
#define NETCTL_TESTS_NFT_OFFLINE_H

#include <string.h>

#include "nft/conn.h"

/* A connection that is never opened: batches built offline number from 1 (BEGIN).
 * One static object, zeroed at each call: a test starts from a fresh one. */
static inline struct nft_conn *offline_conn(void)
{
	static struct nft_conn c;

	memset(&c, 0, sizeof(c));
	return &c;
}

#endif
