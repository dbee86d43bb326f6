// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "util/str.h"

static int ret_of(int neg_errno)
{
	return neg_errno < 0 ? neg_errno : -EINVAL;
}

int err_detail(struct err *err, int neg_errno, const char *fmt, ...)
{
	va_list ap;

	if (err && !err->code) {
		va_start(ap, fmt);
		vsnprintf(err->details, sizeof(err->details), fmt, ap);
		va_end(ap);
	}
	return ret_of(neg_errno);
}

int err_prefix(struct err *err, int neg_errno, const char *fmt, ...)
{
	char head[512];
	size_t hl, dl, cap;
	va_list ap;

	if (!err || err->code)
		return ret_of(neg_errno);
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head) - 2, fmt, ap);
	va_end(ap);
	if (err->details[0])
		strcat(head, ": ");
	hl = strlen(head);
	dl = strlen(err->details);
	cap = sizeof(err->details) - 1;
	if (hl > cap)
		hl = cap;
	if (dl > cap - hl)
		dl = cap - hl;	/* the inner words lose their end, not the context */
	memmove(err->details + hl, err->details, dl);
	memcpy(err->details, head, hl);
	err->details[hl + dl] = '\0';
	return ret_of(neg_errno);
}

int err_fail(struct err *err, int neg_errno, int code, const char *msg)
{
	if (err && !err->code) {
		err->code = code ? code : ERR_INTERNAL;
		str_copy(err->msg, sizeof(err->msg), msg ? msg : "");
	}
	return ret_of(neg_errno);
}

int err_set(struct err *err, int neg_errno, int code, const char *msg, const char *fmt, ...)
{
	va_list ap;

	if (err && !err->code) {
		err->details[0] = '\0';
		if (fmt) {
			va_start(ap, fmt);
			vsnprintf(err->details, sizeof(err->details), fmt, ap);
			va_end(ap);
		}
		err_fail(err, neg_errno, code, msg);
	}
	return ret_of(neg_errno);
}

void err_forget(struct err *err)
{
	if (err && !err->code)
		err->details[0] = '\0';
}

void err_clear(struct err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

const char *err_text(const struct err *err, char *buf, size_t n)
{
	const char *m = err->msg, *d = err->details;

	snprintf(buf, n, "%s%s%s", m, m[0] && d[0] ? ": " : "", d);
	return buf;
}
