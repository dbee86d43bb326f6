/* SPDX-License-Identifier: Apache-2.0 */
/* The CNI error result: a code from the spec, a sentence, and the raw details. */
#ifndef NETCTL_CNI_ERROR_H
#define NETCTL_CNI_ERROR_H

#include <jansson.h>

#include "cni/version.h"

enum cni_err_code {
	CNI_ERR_INCOMPATIBLE_VERSION = 1,
	CNI_ERR_UNSUPPORTED_FIELD = 2,
	CNI_ERR_UNKNOWN_CONTAINER = 3,
	CNI_ERR_INVALID_ENV = 4,
	CNI_ERR_IO = 5,
	CNI_ERR_DECODE = 6,
	CNI_ERR_INVALID_CONFIG = 7,
	CNI_ERR_TRY_AGAIN = 11,
	CNI_ERR_NOT_AVAILABLE = 50,
	CNI_ERR_LIMITED_CONNECTIVITY = 51,
	CNI_ERR_INTERNAL = 999,	/* plugin-specific range: an unexpected failure */
};

struct cni_err {
	int code;		/* 0 = no error recorded */
	char msg[512];		/* a sentence an admin understands */
	char details[2048];	/* the kernel's or the parser's own words */
};

/**
 * cni_err_set() - record an error (the first one wins: later calls keep it).
 * @e may be NULL. Return: -EINVAL always (so `return cni_err_set(...)` reads well),
 * unless @errno_ret is given: use cni_err_set_errno() for that.
 */
int cni_err_set(struct cni_err *e, int code, const char *msg, const char *details_fmt, ...)
	__attribute__((format(printf, 4, 5)));

/** cni_err_set_errno() - like cni_err_set(), returns @neg_errno (e.g. -EEXIST). */
int cni_err_set_errno(struct cni_err *e, int neg_errno, int code, const char *msg,
		      const char *details_fmt, ...) __attribute__((format(printf, 5, 6)));

/** cni_err_to_json() - the spec's error object, in version @v's form. New reference. */
json_t *cni_err_to_json(const struct cni_err *e, enum cni_version v);

/** cni_err_from_json() - parse a plugin's error output into @e. Return 0 or -EINVAL. */
int cni_err_from_json(const char *text, struct cni_err *e);

#endif
