// SPDX-License-Identifier: Apache-2.0
#include <errno.h>

#include "netctl/cli/attach_opts.h"
#include "netctl/cli/cliparse.h"
#include "util/dnsname.h"

/* @item appended to *@list (made on first use); @item is taken. */
static void append(json_t **list, json_t *item)
{
	if (!*list)
		*list = json_array();
	if (json_is_array(item))
		json_array_extend(*list, item);
	else
		json_array_append(*list, item);
	json_decref(item);
}

int cli_attach_opt(struct cli_attach_opts *o, int c, const char *arg, const char **why)
{
	json_t *pm;

	*why = NULL;
	switch (c) {
	case 'i':
		if (cli_parse_ip(arg) < 0)
			*why = "--ip wants an address (10.88.0.5 or fd00::5), got";
		else
			o->ip = arg;
		break;
	case 'p':
		pm = cli_parse_publish(arg);
		if (!pm)
			*why = "--publish wants [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp|sctp] "
			       "with ports 1-65535 (or ranges P1-P2 of the same length), got";
		else
			append(&o->ports, pm);
		break;
	case 'I':
	case 'O':
		if (cli_parse_rate(arg, c == 'I' ? &o->rate_in : &o->rate_out) < 0)
			*why = c == 'I' ? "--rate-in wants a rate like 10mbit, 1gbit, 500kbit "
					  "or bits/s, got"
					: "--rate-out wants a rate like 10mbit, 1gbit, 500kbit "
					  "or bits/s, got";
		break;
	case 'N': o->name = arg; break;
	case 'A':
		if (!dns_name_valid(arg))
			*why = "--alias wants a host name, got";
		else
			append(&o->aliases, json_string(arg));
		break;
	default: return 1;
	}
	return *why ? -EINVAL : 0;
}

void cli_attach_opts_free(struct cli_attach_opts *o)
{
	json_decref(o->ports);
	json_decref(o->aliases);
	o->ports = o->aliases = NULL;
}
