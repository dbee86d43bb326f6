// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cni/conf.h"
#include "netctl/core/conflist.h"
#include "util/file.h"
#include "util/str.h"

#define BAD_CONF "invalid network configuration list"

/* "1.0.0" → {1, 0, 0}, as libcni's version.ParseVersion reads it. */
static int semver_parse(const char *s, long v[3])
{
	char *end;
	int i;

	for (i = 0; i < 3; i++) {
		if (!s || *s < '0' || *s > '9')
			return -EINVAL;
		v[i] = strtol(s, &end, 10);
		if (v[i] < 0 || v[i] > 65535 || (i < 2 && *end != '.') || (i == 2 && *end))
			return -EINVAL;
		s = end + 1;
	}
	return 0;
}

static int semver_cmp(const long a[3], const long b[3])
{
	int i;

	for (i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* Keep @s as the best so far if it is not above what we speak and beats *best. */
static int consider(const char *s, long best[3], const char **best_s, struct err *err)
{
	long v[3], latest[3];

	if (semver_parse(s, v) < 0)
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, BAD_CONF,
			       "\"%s\" is not a CNI version (want N.N.N)", s);
	semver_parse(cni_version_str(CNI_V_LATEST), latest);
	if (semver_cmp(v, latest) > 0)
		return 0;
	if (!*best_s || semver_cmp(v, best) > 0) {
		memcpy(best, v, sizeof(v));
		*best_s = s;
	}
	return 0;
}

enum cni_version conflist_pick_version(json_t *root, struct err *err)
{
	json_t *ver = json_object_get(root, "cniVersion");
	json_t *vers = json_object_get(root, "cniVersions"), *e;
	const char *chosen = NULL;
	enum cni_version v;
	long best[3];
	size_t i;

	if (ver && !json_is_string(ver)) {
		err_set(err, -EINVAL, ERR_INVALID_CONFIG, BAD_CONF,
			"\"cniVersion\" must be a string");
		return CNI_V_UNKNOWN;
	}
	if (vers && !json_is_array(vers)) {
		err_set(err, -EINVAL, ERR_INVALID_CONFIG, BAD_CONF,
			"\"cniVersions\" must be an array of strings");
		return CNI_V_UNKNOWN;
	}
	if (!vers) {
		chosen = ver ? json_string_value(ver) : NULL;
	} else {
		json_array_foreach(vers, i, e) {
			if (!json_is_string(e)) {
				err_set(err, -EINVAL, ERR_INVALID_CONFIG, BAD_CONF,
					"\"cniVersions\"[%zu] must be a string", i);
				return CNI_V_UNKNOWN;
			}
			if (consider(json_string_value(e), best, &chosen, err) < 0)
				return CNI_V_UNKNOWN;
		}
		if (ver && consider(json_string_value(ver), best, &chosen, err) < 0)
			return CNI_V_UNKNOWN;
	}
	v = cni_version_parse(chosen);
	if (v == CNI_V_UNKNOWN)
		err_set(err, -EINVAL, ERR_INCOMPATIBLE_VERSION, "incompatible CNI version",
			"the configuration asks for %s%s%s; supported: 0.3.0, 0.3.1, 0.4.0, "
			"1.0.0, 1.1.0", chosen ? "\"" : "no version", chosen ? chosen : "",
			chosen ? "\"" : "");
	return v;
}

/* libcni reads these as a bool or the strings "true"/"false" in any case. */
static int get_flag(json_t *root, const char *key, bool *out, struct err *err)
{
	json_t *v = json_object_get(root, key);
	const char *s;

	*out = false;
	if (!v)
		return 0;
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	s = json_string_value(v);
	if (s && (!strcasecmp(s, "true") || !strcasecmp(s, "false"))) {
		*out = !strcasecmp(s, "true");
		return 0;
	}
	return err_set(err, -EINVAL, ERR_INVALID_CONFIG, BAD_CONF, "\"%s\" must be true or false",
		       key);
}

static int check_plugin(struct conflist *cl, size_t i, json_t *p, struct err *err)
{
	json_t *caps, *val;
	const char *type, *key;

	if (!json_is_object(p))
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, BAD_CONF,
			       "plugins[%zu] must be an object", i);
	type = json_string_value(cni_json_get(p, "type"));
	if (!type || !type[0])
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, BAD_CONF,
			       "plugins[%zu] has no \"type\"", i);
	/* The type becomes a path under CNI_PATH: a plain file name only. */
	if (strchr(type, '/') || !strcmp(type, ".") || !strcmp(type, "..") ||
	    strlen(type) > NAME_MAX)
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, BAD_CONF,
			       "plugins[%zu]: \"type\" must be a plain file name, got \"%s\"", i,
			       type);
	caps = cni_json_get(p, "capabilities");
	if (caps && !json_is_object(caps))
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, BAD_CONF,
			       "plugins[%zu]: \"capabilities\" must be an object", i);
	json_object_foreach(caps, key, val)
		if (!json_is_boolean(val))
			return err_set(err, -EINVAL, ERR_INVALID_CONFIG, BAD_CONF,
				       "plugins[%zu]: capability \"%s\" must be true or false", i,
				       key);
	cl->plugins[i].conf = p;
	cl->plugins[i].type = type;
	return 0;
}

/* A single plugin config: wrap it the way libcni's ConfListFromConf does. */
static int wrap_single(struct conflist *cl, struct err *err)
{
	json_t *list = json_object(), *plugins = json_array();
	/* a single config is a NetConf to libcni: its keys fold */
	json_t *ver = cni_json_get(cl->root, "cniVersion");

	if (!list || !plugins) {
		json_decref(list);
		json_decref(plugins);
		return err_set(err, -ENOMEM, ERR_INTERNAL, "out of memory", "conf");
	}
	json_object_set(list, "name", cni_json_get(cl->root, "name"));
	if (ver)
		json_object_set(list, "cniVersion", ver);
	json_array_append(plugins, cl->root);
	json_object_set_new(list, "plugins", plugins);
	json_decref(cl->root);
	cl->root = list;
	/* libcni caches the upconverted list (Go marshals maps with sorted keys). */
	free(cl->raw);
	cl->raw = json_dumps(list, JSON_COMPACT | JSON_SORT_KEYS);
	cl->raw_len = cl->raw ? strlen(cl->raw) : 0;
	if (!cl->raw)
		return err_set(err, -ENOMEM, ERR_INTERNAL, "out of memory", "conf");
	return 0;
}

static int parse_fields(struct conflist *cl, struct err *err)
{
	json_t *plugins, *p;
	size_t i;

	if (!json_object_get(cl->root, "plugins") && cni_json_get(cl->root, "type") &&
	    wrap_single(cl, err) < 0)
		return -ENOMEM;
	cl->name = json_string_value(json_object_get(cl->root, "name"));
	if (!cl->name || !name_is_safe(cl->name, NET_NAME_MAX))
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, "invalid network name",
			       "\"name\" must be 1-%d of [A-Za-z0-9_.-] starting with a letter "
			       "or digit, got \"%s\"", NET_NAME_MAX, cl->name ? cl->name : "");
	cl->version = conflist_pick_version(cl->root, err);
	if (cl->version == CNI_V_UNKNOWN)
		return -EINVAL;
	if (get_flag(cl->root, "disableCheck", &cl->disable_check, err) < 0 ||
	    get_flag(cl->root, "disableGC", &cl->disable_gc, err) < 0)
		return -EINVAL;
	plugins = json_object_get(cl->root, "plugins");
	if (!json_is_array(plugins) || json_array_size(plugins) == 0)
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, BAD_CONF,
			       "\"plugins\" must be a non-empty array");
	if (json_array_size(plugins) > CONFLIST_MAX_PLUGINS)
		return err_set(err, -EINVAL, ERR_INVALID_CONFIG, BAD_CONF,
			       "%zu plugins, at most %d are accepted", json_array_size(plugins),
			       CONFLIST_MAX_PLUGINS);
	json_array_foreach(plugins, i, p)
		if (check_plugin(cl, i, p, err) < 0)
			return -EINVAL;
	cl->n_plugins = (int)json_array_size(plugins);
	return 0;
}

int conflist_parse(const char *text, size_t len, struct conflist *cl, struct err *err)
{
	json_error_t jerr;
	int r;

	memset(cl, 0, sizeof(*cl));
	if (len > CONFLIST_MAX)
		return err_set(err, -EFBIG, ERR_INVALID_CONFIG,
			       "network configuration list is too large",
			       "%zu bytes, at most %d are accepted", len, CONFLIST_MAX);
	cl->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!cl->root)
		return err_set(err, -EINVAL, ERR_DECODE,
			       "network configuration list is not valid JSON",
			       "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
	r = -EINVAL;
	if (!json_is_object(cl->root)) {
		err_set(err, -EINVAL, ERR_DECODE,
			"network configuration list is not a JSON object",
			"expected {...} at the top level");
		goto fail;
	}
	cl->raw = malloc(len + 1);
	if (!cl->raw) {
		r = err_set(err, -ENOMEM, ERR_INTERNAL, "out of memory", "conflist");
		goto fail;
	}
	memcpy(cl->raw, text, len);
	cl->raw[len] = '\0';
	cl->raw_len = len;
	r = parse_fields(cl, err);
	if (r < 0)
		goto fail;
	return 0;
fail:
	conflist_free(cl);
	return r;
}

int conflist_load(const char *path, struct conflist *cl, struct err *err)
{
	char *text = NULL;
	size_t len;
	int r;

	memset(cl, 0, sizeof(*cl));
	r = file_read_bounded(path, CONFLIST_MAX, &text, &len);
	if (r == -EFBIG)
		return err_set(err, r, ERR_INVALID_CONFIG,
			       "network configuration list is too large", "%s: more than %d bytes",
			       path, CONFLIST_MAX);
	if (r < 0)
		return err_set(err, r, ERR_IO, "cannot read the network configuration list",
			       "%s: %s", path, strerror(-r));
	r = conflist_parse(text, len, cl, err);
	free(text);
	return r;
}

void conflist_free(struct conflist *cl)
{
	json_decref(cl->root);
	free(cl->raw);
	memset(cl, 0, sizeof(*cl));
}
