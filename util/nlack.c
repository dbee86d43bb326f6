// SPDX-License-Identifier: Apache-2.0
#include <stdint.h>
#include <string.h>
#include <linux/netlink.h>

#include "util/nlack.h"

#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif

/* The attribute NLMSGERR_ATTR_OFFS points at inside the echoed request, or -1. */
static int bad_attr(const struct nlmsgerr *err, uint32_t off)
{
	const struct nlattr *bad;

	if (off < sizeof(struct nlmsghdr) || off + sizeof(*bad) > err->msg.nlmsg_len)
		return -1;
	bad = (const struct nlattr *)((const char *)&err->msg + off);
	return bad->nla_type & NLA_TYPE_MASK;
}

struct nl_ack nl_ack_parse(const struct nlmsghdr *nlh)
{
	struct nl_ack ack = { NULL, -1 };
	const struct nlmsgerr *err;
	const char *p, *end;
	size_t off;

	if (nlh->nlmsg_type != NLMSG_ERROR || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*err))
		return ack;
	err = NLMSG_DATA(nlh);
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return ack;
		off += NLMSG_ALIGN(err->msg.nlmsg_len) - sizeof(struct nlmsghdr);
	}
	if (nlh->nlmsg_len < NLMSG_HDRLEN + off)
		return ack;
	p = (const char *)err + off;
	end = (const char *)nlh + nlh->nlmsg_len;
	while (end - p >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t len = a->nla_len, plen = len - NLA_HDRLEN;
		const char *v = p + NLA_HDRLEN;

		if (len < NLA_HDRLEN || len > (size_t)(end - p))
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			if (plen && v[plen - 1] == 0)	/* a NUL-terminated string */
				ack.msg = v;
			break;
		case NLMSGERR_ATTR_OFFS:
			if (plen >= sizeof(uint32_t) && !(nlh->nlmsg_flags & NLM_F_CAPPED)) {
				uint32_t o;

				memcpy(&o, v, sizeof(o));
				ack.bad_attr = bad_attr(err, o);
			}
			break;
		}
		p += NLA_ALIGN(len);
	}
	return ack;
}
