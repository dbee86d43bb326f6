// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "netctl/core/audit.h"
#include "util/audit.h"

void audit_log(const struct audit_rec *rec, const struct err *err)
{
	char line[AUDIT_LINE_MAX] = "", code[16];
	bool failed = err && err->code;

	audit_kv(line, sizeof(line), "op", rec->op);
	if (rec->net)
		audit_kv(line, sizeof(line), "net", rec->net);
	if (rec->container)
		audit_kv(line, sizeof(line), "container", rec->container);
	if (rec->ifname)
		audit_kv(line, sizeof(line), "ifname", rec->ifname);
	audit_kv(line, sizeof(line), "result", failed ? "error" : "ok");
	if (failed) {
		snprintf(code, sizeof(code), "%d", err->code);
		audit_kv(line, sizeof(line), "code", code);
		audit_kv(line, sizeof(line), "msg", err->msg);
		if (err->details[0])
			audit_kv(line, sizeof(line), "details", err->details);
	}
	if (rec->extra)
		snprintf(line + strnlen(line, sizeof(line)), sizeof(line) -
			 strnlen(line, sizeof(line)), "%s", rec->extra);
	audit_write("netctl", failed ? LOG_ERR : LOG_INFO, getenv("NETCTL_AUDIT_FILE"),
		    line[0] == ' ' ? line + 1 : line);
}
