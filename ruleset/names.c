// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft/rule.h"
#include "ruleset/names.h"
#include "util/array.h"
#include "util/str.h"

bool nft_comment_is(const char *comment, const char *id)
{
	size_t n = strlen(id);

	return comment && !strncmp(comment, id, n) && (comment[n] == '\0' || comment[n] == ' ');
}

void nft_member_comment(char *buf, size_t n, const char *id, const char *name)
{
	if (!name || !*name || strchr(name, '"') ||
	    str_printf(buf, n, "%s %s", id, name) < 0 || strlen(buf) > NFT_COMMENT_MAX)
		snprintf(buf, n, "%s", id);
}

int nft_names_push(struct nft_names *l, const char *name)
{
	if (array_grow((void **)&l->names, &l->cap, l->n, sizeof(*l->names), 16) < 0)
		return -ENOMEM;
	snprintf(l->names[l->n++], NFT_OBJ_NAME_MAX, "%s", name);
	return 0;
}

int nft_net_obj(char *buf, size_t n, const char *prefix, const char *net, const char *suffix)
{
	if (!name_is_safe(net, NFT_NET_NAME_MAX))
		return -EINVAL;
	return str_printf(buf, n, "%s%s%s", prefix, net, suffix);
}

int nft_group_set(char *buf, size_t n, const char *kind, const char *net, const char *group)
{
	return str_printf(buf, n, "%s%s-%s", kind, net, group);
}

const char *nft_group_of(const char *set, const char *kind, const char *net)
{
	size_t kl = strlen(kind), nl = strlen(net);
	const char *rest;

	if (strncmp(set, kind, kl) || strncmp(set + kl, net, nl) || set[kl + nl] != '-')
		return NULL;
	rest = set + kl + nl + 1;
	return *rest && !strpbrk(rest, "-.") ? rest : NULL;
}

enum nft_set_owner nft_set_owner(const char *set, const char *net)
{
	static const char *const own[] = { NFT_MEMBERS4_PFX, NFT_MEMBERS6_PFX, NFT_MASQ4_PFX,
					   NFT_MASQ6_PFX };
	size_t i;

	if (!strcmp(set, NFT_FWD_FROM_MAP) || !strcmp(set, NFT_FWD_TO_MAP) ||
	    !strcmp(set, NFT_BRIDGES_SET))
		return NFT_OWNER_BRIDGE;
	if (str_has_prefix(set, NFT_DNAT_PFX) || str_has_prefix(set, NFT_PUB_PFX))
		return NFT_OWNER_COMMENT;
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (str_has_prefix(set, own[i]) && !strcmp(set + strlen(own[i]), net))
			return NFT_OWNER_ALL;
	if (nft_group_of(set, NFT_GRP4_PFX, net) || nft_group_of(set, NFT_GRP6_PFX, net))
		return NFT_OWNER_ALL;
	return NFT_OWNER_NONE;
}
