// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "cni/conf.h"
#include "util/str.h"

static json_t *get_typed(json_t *obj, const char *key, json_type type)
{
	json_t *v = cni_json_get(obj, key);

	return v && json_typeof(v) == type ? v : NULL;
}

int cni_json_get_bool(json_t *obj, const char *key, bool *out, struct err *err)
{
	json_t *v = cni_json_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "invalid network configuration",
			       "\"%s\" must be true or false", cni_json_key(obj, key));
	*out = json_is_true(v);
	return 0;
}

int cni_json_get_str(json_t *obj, const char *key, const char **out, struct err *err)
{
	json_t *v = cni_json_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "invalid network configuration",
			       "\"%s\" must be a string", cni_json_key(obj, key));
	*out = json_string_value(v);
	return 0;
}

int cni_json_get_uint(json_t *obj, const char *key, unsigned long long max,
		      unsigned long long *out, struct err *err)
{
	json_t *v = cni_json_get(obj, key);
	json_int_t i;

	if (!v || json_is_null(v))
		return 0;
	/* a real counts when it is whole and inside json_int_t (casting one outside is
	 * undefined: fuzz_portmap found 1e300) */
	if (json_is_real(v) && json_real_value(v) >= -9.0e18 && json_real_value(v) <= 9.0e18 &&
	    json_real_value(v) == (double)(json_int_t)json_real_value(v))
		i = (json_int_t)json_real_value(v);
	else if (json_is_integer(v))
		i = json_integer_value(v);
	else
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "invalid network configuration",
			       "\"%s\" must be a whole number", cni_json_key(obj, key));
	if (i < 0 || (unsigned long long)i > max)
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "invalid network configuration",
			       "\"%s\" is %lld, must be between 0 and %llu",
			       cni_json_key(obj, key), (long long)i, max);
	*out = (unsigned long long)i;
	return 0;
}

void cni_conf_free(struct cni_conf *conf)
{
	json_decref(conf->root);
	memset(conf, 0, sizeof(*conf));
}

static int conf_fields(struct cni_conf *c, bool need_name, struct err *err)
{
	json_t *root = c->root;
	json_t *v = cni_json_get(root, "cniVersion");

	/* An absent cniVersion means 0.1.0/0.2.0, which we do not speak. */
	if (!json_is_string(v))
		return err_set(err, -EINVAL, ERR_INCOMPATIBLE_VERSION, "incompatible CNI version",
			       "the configuration has no \"cniVersion\"; supported: "
			       "0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0");
	c->version_str = json_string_value(v);
	c->version = cni_version_parse(c->version_str);
	if (c->version == CNI_V_UNKNOWN && need_name)
		return err_set(err, -EINVAL, ERR_INCOMPATIBLE_VERSION, "incompatible CNI version",
			       "cniVersion \"%s\" is not supported; supported: "
			       "0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0", c->version_str);
	if (!need_name)
		return 0;

	if (cni_json_get_str(root, "name", &c->name, err) < 0)
		return -EINVAL;
	if (!c->name || !name_is_safe(c->name, NET_NAME_MAX))
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "invalid network name",
			       "\"name\" must be 1-%d of [A-Za-z0-9_.-] starting with a letter "
			       "or digit, got \"%s\"", NET_NAME_MAX, c->name ? c->name : "");
	if (cni_json_get_str(root, "type", &c->type, err) < 0)
		return -EINVAL;
	if (c->type && (!c->type[0] || strchr(c->type, '/')))
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "invalid plugin type",
			       "\"type\" must be a plain file name, got \"%s\"", c->type);
	if (cni_json_get_bool(root, "ipMasq", &c->ip_masq, err) < 0)
		return -EINVAL;
	c->ipam = get_typed(root, "ipam", JSON_OBJECT);
	c->dns = get_typed(root, "dns", JSON_OBJECT);
	c->prev_result = get_typed(root, "prevResult", JSON_OBJECT);
	c->runtime_config = get_typed(root, "runtimeConfig", JSON_OBJECT);
	c->args = get_typed(root, "args", JSON_OBJECT);
	if (c->ipam) {
		const char *t = NULL;

		if (cni_json_get_str(c->ipam, "type", &t, err) < 0)
			return -EINVAL;
		if (t && (!t[0] || strchr(t, '/')))
			return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "invalid IPAM type",
				       "\"ipam.type\" must be a plain file name, got \"%s\"", t);
	}
	return 0;
}

int cni_conf_parse(const char *text, size_t len, bool need_name, struct cni_conf *conf,
		   struct err *err)
{
	json_error_t jerr;

	memset(conf, 0, sizeof(*conf));
	if (len > CNI_STDIN_MAX)
		return err_set(err, -EINVAL, ERR_IO, "network configuration is too large",
			       "%zu bytes on stdin, at most %d are accepted", len, CNI_STDIN_MAX);
	conf->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!conf->root)
		return err_set(err, -EINVAL, ERR_DECODE, "network configuration is not valid JSON",
			       "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
	if (!json_is_object(conf->root)) {
		cni_conf_free(conf);
		return err_set(err, -EINVAL, ERR_DECODE,
			       "network configuration is not a JSON object",
			       "expected {...} at the top level");
	}
	conf->raw = text;
	conf->raw_len = len;
	if (conf_fields(conf, need_name, err) < 0) {
		cni_conf_free(conf);
		return -EINVAL;
	}
	return 0;
}
