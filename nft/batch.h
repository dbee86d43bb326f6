/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One nftables transaction: messages are built into libnftnl's batch pages, each one
 * remembered with its sequence number and a short text ("add set members-web"), so an
 * error from the kernel is traced back to the object that caused it (as nftables'
 * src/mnl.c does). nft_batch_send() commits everything or nothing.
 *
 * The connection owns the sequence numbers: a batch begun on it (nft_batch_begin())
 * numbers its BEGIN, each message and its END from the connection's counter when it
 * writes them, so queries made while a batch is being built never share a number.
 */
#ifndef NETCTL_NFT_BATCH_H
#define NETCTL_NFT_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nft/rule.h"
#include "util/err.h"

struct nftnl_batch;
struct nftnl_set;
struct nlmsghdr;
struct nft_conn;

struct nft_batch_op {
	uint32_t seq;
	uint32_t len;		/* the message's length */
	char *what;		/* "add chain net-web-from", ... */
};

struct nft_batch {
	struct nftnl_batch *pages;	/* libnftnl's: a new page when one is full */
	size_t len;			/* bytes of every message written */
	uintptr_t zero_from, zero_to;	/* the current page's zeroed room */
	struct nft_conn *conn;	/* whose sequence numbers the messages carry */
	uint32_t seq_begin, seq_end;
	struct nft_batch_op *ops;
	size_t n_ops, cap_ops;
	int err;		/* first build error (-ENOMEM, -EINVAL); send refuses then */
	bool destroys;		/* deletes or flushes something: see nft_conn_close() */
	char err_what[128];	/* what the first build error was about */
};

/**
 * nft_batch_begin() - an empty batch on @c: BEGIN takes @c's next sequence number, and
 * every message the next one as it is written. @c need not be open (tests build
 * batches without a socket).
 */
void nft_batch_begin(struct nft_batch *b, struct nft_conn *c);
/** nft_batch_free() - release what the batch holds (not @b itself). */
void nft_batch_free(struct nft_batch *b);
/** nft_batch_empty() - no message was added. */
static inline bool nft_batch_empty(const struct nft_batch *b)
{
	return b->n_ops == 0;
}

/*
 * Builders. Each appends one message with NLM_F_ACK. @flags are NLM_F_CREATE,
 * NLM_F_EXCL, ... for "new" messages. Errors are kept in b->err and reported by
 * nft_batch_send(), so callers may chain builders without checking each one.
 */
void nft_batch_table(struct nft_batch *b, bool add, int family, const char *table);
/* @hook < 0: a regular chain; else a base chain of @type ("filter", "nat") at @prio. */
void nft_batch_chain(struct nft_batch *b, int msg_type, uint16_t flags, int family,
		     const char *table, const char *chain, int hook, const char *type,
		     int prio);
void nft_batch_flush_chain(struct nft_batch *b, int family, const char *table,
			   const char *chain);

/* The shapes of set we use: keys of one nft datatype, plain sets or verdict maps. */
enum nft_key {
	NFT_KEY_IPV4,		/* ipv4_addr */
	NFT_KEY_IPV6,		/* ipv6_addr */
	NFT_KEY_IFNAME,		/* ifname */
	NFT_KEY_IFNAME_ETHER,	/* ifname . ether_addr (bridge family, macspoofchk) */
};
void nft_batch_set(struct nft_batch *b, int msg_type, uint16_t flags, int family,
		   const char *table, const char *set, enum nft_key key, bool vmap);

/*
 * Any other shape (concatenations, data maps): nft's datatype ids, composed for a
 * concatenation by nft_concat_type(); lengths in bytes, each part of a concatenation
 * padded to 4 (nft_concat_len()). data_len 0: a plain set.
 */
struct nft_set_shape {
	uint32_t key_type, key_len;
	uint32_t data_type, data_len;
	bool host_order;	/* a string key (ifname): tells `nft list` how to show it */
	bool interval;		/* NFT_SET_INTERVAL: elements are ranges (start, end) */
	bool dynamic;		/* NFT_SET_EVAL: rules add elements (nft_rb_set_update()) */
	bool counters;		/* each element carries a counter */
	uint32_t size;		/* the most elements (0: no limit); dynamic sets need one */
};
/* nft's datatype ids (nftables include/datatype.h) and their sizes in bytes. */
enum nft_dtype {
	NFT_DT_IPV4 = 7,
	NFT_DT_IPV6 = 8,
	NFT_DT_INET_PROTO = 12,
	NFT_DT_INET_SERVICE = 13,
	NFT_DT_ETHER = 9,
	NFT_DT_IFNAME = 41,
};
/** nft_concat_type() - the datatype id of the concatenation of @n types, as nft makes it. */
uint32_t nft_concat_type(const enum nft_dtype *t, size_t n);
/** nft_concat_len() - its key length: each part rounded up to 4 bytes (a register). */
uint32_t nft_concat_len(const enum nft_dtype *t, size_t n);
/** nft_set_shape_concat() - key (and data, when @nd > 0) of concatenated types. */
struct nft_set_shape nft_set_shape_concat(const enum nft_dtype *k, size_t nk,
					  const enum nft_dtype *d, size_t nd);
/** nft_batch_set_shaped() - add (NFT_MSG_NEWSET) a set or data map of shape @sh. */
void nft_batch_set_shaped(struct nft_batch *b, uint16_t flags, int family, const char *table,
			  const char *set, const struct nft_set_shape *sh);

/* One element: key bytes, optional verdict (for vmaps) or data (for data maps), comment
 * in its userdata. Keys are 4..64 bytes, a multiple of 4 (registers). */
struct nft_elem {
	const void *key;
	size_t key_len;
	const void *data;	/* data maps only */
	size_t data_len;
	const char *text;	/* the key as text for messages (concatenations); NULL: derived */
	int verdict;		/* NFT_JUMP, NFT_GOTO, NF_ACCEPT...; only for vmaps */
	const char *chain;	/* for jump/goto */
	const char *comment;	/* NULL: none */
	bool ifname;		/* the key is an interface name (only for messages) */
	uint32_t flags;		/* NFT_SET_ELEM_INTERVAL_END: ends a range (interval sets) */
};
/** nft_batch_elems() - add (@add) or delete @n elements of @set in one message. */
void nft_batch_elems(struct nft_batch *b, bool add, uint16_t flags, int family,
		     const char *table, const char *set, const struct nft_elem *e, size_t n);

/**
 * nft_batch_anon_set() - an anonymous constant set of @sh (nft's "{ 80, 443 }") with
 * its @n elements, for the next rule that looks it up by the returned set id
 * (nft_rb_lookup_anon()); the kernel deletes it with that rule.
 */
uint32_t nft_batch_anon_set(struct nft_batch *b, int family, const char *table,
			    const struct nft_set_shape *sh, const struct nft_elem *e, size_t n,
			    const char *text);

/** nft_batch_flush_set() - remove every element of @set. */
void nft_batch_flush_set(struct nft_batch *b, int family, const char *table, const char *set);

/** nft_batch_rule() - append the rule @rb built (its text names it in errors). */
void nft_batch_rule(struct nft_batch *b, int family, const char *table,
		    struct nft_rule_b *rb);
/** nft_batch_rule_head() - like nft_batch_rule(), but first in its chain. */
void nft_batch_rule_head(struct nft_batch *b, int family, const char *table,
			 struct nft_rule_b *rb);
/** nft_batch_del_rule() - delete the rule with @handle in @chain. */
void nft_batch_del_rule(struct nft_batch *b, int family, const char *table,
			const char *chain, uint64_t handle);

/**
 * nft_batch_send() - commit @b in one transaction over @c.
 * Return: 0, or the first failing message's -errno, with "<what>: <strerror>[: <kernel's
 * extended ACK text>]" in @err.
 */
int nft_batch_send(struct nft_conn *c, struct nft_batch *b, struct err *err);

/**
 * nft_batch_commit() - the end of @b's life: sent over its connection unless it is
 * empty, then freed. Return: as nft_batch_send(), 0 for an empty batch.
 */
int nft_batch_commit(struct nft_batch *b, struct err *err);

/* For tests: the ops recorded (each message's sequence number, length and text). */
const struct nft_batch_op *nft_batch_ops(const struct nft_batch *b, size_t *n);

#endif
