/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one error object, from util/ up to the programs.
 *
 * A lower layer says what failed in its own words and returns -errno:
 *
 *	return err_detail(err, -ENODEV, "bridge %s: %s", name, strerror(ENODEV));
 *
 * It does not decide how bad that is for the user. The layer that knows the request
 * (a plugin's handler, a netctl command) classifies the failure once, with a code and
 * a sentence an admin understands, keeping the details below it:
 *
 *	return err_fail(&ctx->err, r, ERR_IO, "cannot create the veth pair");
 *
 * The details may be rewritten (or prefixed with context) until a code is set; from
 * then on the object does not change: the first cause wins, and the undo steps that
 * run after it cannot hide it. Every function takes NULL for "I do not want to know".
 *
 * The codes are the CNI spec's well-known classes (every failure ends as a CNI error
 * or a netctl message that names one); cni/error.h turns the object into the spec's
 * JSON for the caller's version.
 */
#ifndef NETCTL_UTIL_ERR_H
#define NETCTL_UTIL_ERR_H

#include <stdbool.h>
#include <stddef.h>

enum err_code {
	ERR_NONE = 0,			/* only details so far: not classified */
	ERR_INCOMPATIBLE_VERSION = 1,
	ERR_UNSUPPORTED_FIELD = 2,
	ERR_UNKNOWN_CONTAINER = 3,
	ERR_INVALID_ENV = 4,
	ERR_IO = 5,
	ERR_DECODE = 6,
	ERR_INVALID_CONFIG = 7,
	ERR_TRY_AGAIN = 11,
	ERR_NOT_AVAILABLE = 50,
	ERR_LIMITED_CONNECTIVITY = 51,
	ERR_INTERNAL = 999,		/* the plugin-specific range: an unexpected failure */
};

struct err {
	int code;		/* enum err_code; ERR_NONE until classified */
	char msg[512];		/* a sentence an admin understands */
	char details[2048];	/* what failed: the object, the kernel's or the parser's words */
};

/**
 * err_detail() - say what failed, unless the error is already classified.
 * Return: @neg_errno, or -EINVAL when it is not negative (so `return err_detail(...)`).
 */
int err_detail(struct err *err, int neg_errno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * err_prefix() - put context before the details a lower layer wrote ("ipMasq: " + them),
 * unless classified. Return: as err_detail().
 */
int err_prefix(struct err *err, int neg_errno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * err_fail() - classify: @code and @msg, keeping the details. The first classification
 * wins. Return: as err_detail().
 */
int err_fail(struct err *err, int neg_errno, int code, const char *msg);

/**
 * err_set() - classify with details of one's own (they replace the lower layers' words).
 * The first classification wins. Return: as err_detail().
 */
int err_set(struct err *err, int neg_errno, int code, const char *msg, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/** err_forget() - a failure tolerated after all: its details go, unless classified. */
void err_forget(struct err *err);

/** err_clear() - forget everything: the object is reused for a new attempt. */
void err_clear(struct err *err);

/* Room for err_text(): the message, ": " and the details. */
#define ERR_TEXT_MAX (512 + 2 + 2048)

/** err_text() - the best one-line account: "msg: details", or whichever is set. */
const char *err_text(const struct err *err, char *buf, size_t n);

#endif
