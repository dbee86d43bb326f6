// SPDX-License-Identifier: Apache-2.0
/* Deriving each plugin's request configuration (spec section 3, libcni buildOneConfig). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cni/result.h"
#include "netctl/core/chain.h"

/* Every key of @obj that a Go decoder would read as @name. */
static void drop_key(json_t *obj, const char *name)
{
	const char *key;

	while ((key = cni_json_key(obj, name)))
		json_object_del(obj, key);
}

/* The plugin's own config, made into this list's: libcni's InjectConf of name+version. */
static json_t *base_conf(const struct conflist *cl, int idx)
{
	json_t *c = json_deep_copy(cl->plugins[idx].conf);

	if (!c)
		return NULL;
	/* the plugin would read another spelling of these keys too: leave only ours */
	drop_key(c, "name");
	drop_key(c, "cniVersion");
	drop_key(c, "capabilities");
	json_object_set_new(c, "name", json_string(cl->name));
	json_object_set_new(c, "cniVersion", json_string(cni_version_str(cl->version)));
	return c;
}

/* Only what the plugin declares: libcni's injectRuntimeConfig. */
static json_t *runtime_config(json_t *caps, json_t *cap_args)
{
	json_t *rc = json_object(), *on, *val;
	const char *cap;

	if (!rc)
		return NULL;
	json_object_foreach(caps, cap, on) {
		if (!json_is_true(on))
			continue;
		val = json_object_get(cap_args, cap);
		if (val)
			json_object_set(rc, cap, val);
	}
	return rc;
}

json_t *chain_plugin_conf(const struct conflist *cl, int idx, json_t *prev, json_t *cap_args)
{
	json_t *caps = cni_json_get(cl->plugins[idx].conf, "capabilities");
	json_t *c = base_conf(cl, idx), *rc;

	if (!c)
		return NULL;
	if (prev)
		json_object_set(c, "prevResult", prev);
	rc = runtime_config(caps, cap_args);
	if (!rc) {
		json_decref(c);
		return NULL;
	}
	/* An empty one leaves the config's own key alone, as libcni does. */
	if (json_object_size(rc))
		json_object_set_new(c, "runtimeConfig", rc);
	else
		json_decref(rc);
	return c;
}

json_t *chain_gc_conf(const struct conflist *cl, int idx, const struct chain_attachment *valid,
		      int n_valid)
{
	json_t *c = base_conf(cl, idx), *list = json_array();
	int i;

	if (!c || !list) {
		json_decref(c);
		json_decref(list);
		return NULL;
	}
	for (i = 0; i < n_valid; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "containerID",
						      valid[i].container_id, "ifname",
						      valid[i].ifname));
	json_object_set(c, "cni.dev/valid-attachments", list);
	json_object_set_new(c, "cni.dev/attachments", list);
	return c;
}

json_t *chain_status_conf(const struct conflist *cl, int idx)
{
	return base_conf(cl, idx);
}

json_t *chain_result_convert(const char *text, enum cni_version v, struct err *err)
{
	struct cni_result *res = NULL;
	json_t *obj, *ver, *out = NULL;
	json_error_t jerr;

	obj = json_loads(text ? text : "", 0, &jerr);
	if (!json_is_object(obj)) {
		err_set(err, -EINVAL, ERR_DECODE, "the plugin's result is not a JSON object", "%s",
			obj ? "expected {...}" : jerr.text);
		goto out;
	}
	ver = cni_json_get(obj, "cniVersion");
	if (!ver || (json_is_string(ver) && !json_string_value(ver)[0]))
		json_object_set_new(obj, "cniVersion", json_string(cni_version_str(v)));
	res = cni_result_new();
	if (!res) {
		err_set(err, -EINVAL, ERR_INTERNAL, "out of memory", "result");
		goto out;
	}
	if (cni_result_from_json(obj, v, res, err) < 0)
		goto out;
	out = cni_result_to_json(res, v);
out:
	free(res);
	json_decref(obj);
	return out;
}
