// SPDX-License-Identifier: Apache-2.0
/* gc's report of one action: the caller's callback, then the audit line. */
#include <stdarg.h>
#include <stdio.h>

#include "netctl/core/audit.h"
#include "netctl/core/gc_report.h"
#include "util/audit.h"
#include "util/str.h"

void gc_report(const struct gc_ctx *g, bool failed, const char *net, const char *container,
	       const char *ifname, const char *fmt, ...)
{
	char text[1024], extra[1200] = "";
	struct err err = { 0 };
	struct audit_rec rec = { .op = "gc", .net = net, .container = container,
				 .ifname = ifname, .extra = extra };
	struct gc_event ev = { .failed = failed, .net = net, .container = container,
			       .ifname = ifname, .text = text };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (g->report)
		g->report(&ev, g->data);
	if (failed) {
		err.code = ERR_IO;
		str_copy(err.msg, sizeof(err.msg), text);
	} else {
		audit_kv(extra, sizeof(extra), "action", text);
	}
	audit_log(&rec, &err);
}
