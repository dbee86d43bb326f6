/* SPDX-License-Identifier: Apache-2.0 */
/* How the gc steps (netctl/core/gc.h) report an action: the callback, then the audit line. */
#ifndef NETCTL_GC_REPORT_H
#define NETCTL_GC_REPORT_H

#include <stdbool.h>

#include "netctl/core/gc.h"

/**
 * gc_report() - one action, in one sentence: @g->report gets it first (the command
 * prints it as it happens), then it is logged as an audit line, op=gc, result=ok with
 * action=<the sentence>, or result=error with the sentence as the message.
 */
void gc_report(const struct gc_ctx *g, bool failed, const char *net, const char *container,
	       const char *ifname, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
