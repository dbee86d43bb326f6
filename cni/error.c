// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cni/error.h"
#include "cni/json.h"
#include "util/str.h"

json_t *cni_err_to_json(const struct err *e, enum cni_version v)
{
	const char *vs = cni_version_str(v ? v : CNI_V_LATEST);

	return json_pack("{s:s, s:i, s:s, s:s}", "cniVersion", vs, "code",
			 e->code ? e->code : ERR_INTERNAL, "msg", e->msg, "details",
			 e->details);
}

int cni_err_from_json(const char *text, struct err *e)
{
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	json_t *code, *msg, *det;
	int r = -EINVAL;

	if (!root || !json_is_object(root))
		goto out;
	code = cni_json_get(root, "code");
	msg = cni_json_get(root, "msg");
	det = cni_json_get(root, "details");
	if (!json_is_integer(code))
		goto out;
	memset(e, 0, sizeof(*e));
	e->code = (int)json_integer_value(code);
	if (json_is_string(msg))
		str_copy(e->msg, sizeof(e->msg), json_string_value(msg));
	if (json_is_string(det))
		str_copy(e->details, sizeof(e->details), json_string_value(det));
	r = 0;
out:
	json_decref(root);
	return r;
}
