/* SPDX-License-Identifier: Apache-2.0 */
/* Reads of one table's objects: for CHECK, DEL by comment, GC and `netctl inspect`. */
#ifndef NETCTL_NFT_READ_H
#define NETCTL_NFT_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nft/conn.h"
#include "util/err.h"

/** nft_chain_exists() - 1 when @chain exists in @table, 0 when not, or -errno. */
int nft_chain_exists(struct nft_conn *c, int family, const char *table, const char *chain,
		     struct err *err);

/* Called per object; return 0 to go on, anything else stops the walk and is returned. */
typedef int (*nft_name_cb)(const char *name, void *data);
typedef int (*nft_elem_cb)(const void *key, size_t key_len, const char *comment,
			   const char *chain, void *data);
typedef int (*nft_rule_cb)(uint64_t handle, const char *comment, void *data);

/** nft_list_sets() - every set and map of @table (0 and nothing when there is no table). */
int nft_list_sets(struct nft_conn *c, int family, const char *table, nft_name_cb cb,
		  void *data, struct err *err);
/** nft_list_chains() - every chain of @table. */
int nft_list_chains(struct nft_conn *c, int family, const char *table, nft_name_cb cb,
		    void *data, struct err *err);
/** nft_list_elems() - every element of @set (0 and nothing when the set is absent). */
int nft_list_elems(struct nft_conn *c, int family, const char *table, const char *set,
		   nft_elem_cb cb, void *data, struct err *err);
/**
 * nft_get_elem() - look one element up by key. Return 1 and its comment in @comment
 * ("" without one), 0 when absent (or no such set), -errno on failure.
 */
int nft_get_elem(struct nft_conn *c, int family, const char *table, const char *set,
		 const void *key, size_t key_len, char *comment, size_t comment_n,
		 struct err *err);
/**
 * nft_get_elem_data() - nft_get_elem() for a data map: also the element's data into
 * @data (room *@data_len bytes; *@data_len becomes its length, 0 when it had none).
 */
int nft_get_elem_data(struct nft_conn *c, int family, const char *table, const char *set,
		      const void *key, size_t key_len, char *comment, size_t comment_n,
		      void *data, size_t *data_len, struct err *err);
typedef int (*nft_elem_counter_cb)(const void *key, size_t key_len, uint64_t packets,
				   uint64_t bytes, void *data);
/**
 * nft_list_elem_counters() - every element of @set with its counter (a set whose
 * elements carry one: nft_batch_set_shaped() with .counters). 0 and nothing when the
 * set is absent.
 */
int nft_list_elem_counters(struct nft_conn *c, int family, const char *table,
			   const char *set, nft_elem_counter_cb cb, void *data, struct err *err);
/** nft_list_rules() - handle and comment of every rule in @chain. */
int nft_list_rules(struct nft_conn *c, int family, const char *table, const char *chain,
		   nft_rule_cb cb, void *data, struct err *err);

/* One rule as `netctl policy show` needs it: its comment and its counter's values. */
struct nft_rule_info {
	uint64_t handle;
	const char *comment;	/* NULL without one; valid during the callback only */
	bool has_counter;
	uint64_t packets, bytes;	/* summed over the rule's counter expressions */
	int verdict;		/* NF_ACCEPT, NF_DROP, NFT_JUMP...; -1000 when none */
};
typedef int (*nft_rule_info_cb)(const struct nft_rule_info *ri, void *data);

/** nft_list_rules_info() - every rule of @chain in order, with counters and verdict. */
int nft_list_rules_info(struct nft_conn *c, int family, const char *table, const char *chain,
			nft_rule_info_cb cb, void *data, struct err *err);

#endif
