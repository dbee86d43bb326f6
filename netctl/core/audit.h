/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netctl's audit line: every change netctl makes is logged to syslog under "netctl"
 * as ONE line of KEY=VALUE pairs, e.g.
 *	op=connect net=web container=netctl-0123abcd ifname=eth0 result=ok ips=10.88.0.2/24
 *	op=connect net=web container=... result=error code=7 msg="..." details="..."
 * With NETCTL_AUDIT_FILE=PATH the same line ("netctl: op=...") is appended to PATH.
 */
#ifndef NETCTL_AUDIT_H
#define NETCTL_AUDIT_H

#include <stddef.h>

#include "cni/error.h"

#define AUDIT_LINE_MAX 2048

struct audit_rec {
	const char *op;			/* connect, disconnect, check, create, rm, run, gc ... */
	const char *net;		/* may be NULL */
	const char *container;		/* container ID, may be NULL */
	const char *ifname;		/* may be NULL */
	const char *extra;		/* more " K=V" pairs, already formatted, may be NULL */
};

/** audit_log() - log @rec with result=ok (@err NULL or no code) or its error. */
void audit_log(const struct audit_rec *rec, const struct err *err);

#endif
