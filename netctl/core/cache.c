// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cni/conf.h"
#include "cni/env.h"
#include "netctl/core/cache.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

static bool key_valid(const struct cache_key *k)
{
	return name_is_safe(k->net, NET_NAME_MAX) && name_is_safe(k->container_id, 256) &&
	       ifname_valid(k->ifname);
}

int cache_path(const char *dir, const struct cache_key *k, char *out, size_t n)
{
	char name[NAME_MAX + 1];
	int r;

	if (!key_valid(k))
		return -EINVAL;
	r = str_printf(name, sizeof(name), "%s-%s-%s", k->net, k->container_id, k->ifname);
	if (r < 0)
		return r;
	return str_printf(out, n, "%s/results/%s", dir, name);
}

/* Go marshals a []byte as standard base64 with padding: so does libcni's "config". */
static json_t *base64_json(const char *buf, size_t len)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)buf;
	_cleanup_free_ char *out = malloc((len + 2) / 3 * 4 + 1);
	size_t i, o = 0;

	if (!out)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];

		out[o++] = tbl[v >> 18];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = tbl[(v >> 6) & 63];
		out[o++] = tbl[v & 63];
	}
	if (i < len) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < len ? (unsigned)s[i + 1] << 8 : 0);

		out[o++] = tbl[v >> 18];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return json_string(out);
}

/* "K=V;K2=V2" → [["K","V"],["K2","V2"]], libcni's [][2]string. */
static json_t *args_json(const char *args)
{
	_cleanup_free_ char *copy = strdup(args);
	json_t *a = json_array();
	char *save = NULL, *pair;

	if (!copy || !a) {
		json_decref(a);
		return NULL;
	}
	for (pair = strtok_r(copy, ";", &save); pair; pair = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(pair, '=');

		if (!eq)
			continue;
		*eq = '\0';
		json_array_append_new(a, json_pack("[ss]", pair, eq + 1));
	}
	return a;
}

json_t *cache_entry_build(const struct cache_key *k, const char *netns, const char *args,
			  json_t *cap_args, const char *config, size_t config_len,
			  json_t *result)
{
	json_t *e, *cfg;

	if (!key_valid(k))
		return NULL;
	cfg = base64_json(config ? config : "", config ? config_len : 0);
	if (!cfg)
		return NULL;
	/* Field order follows libcni's cachedInfo struct. */
	e = json_pack("{s:s, s:s, s:o, s:s, s:s}", "kind", CACHE_KIND,
		      "containerId", k->container_id, "config", cfg, "ifName", k->ifname,
		      "networkName", k->net);
	if (!e)
		return NULL;
	if (netns && netns[0])
		json_object_set_new(e, "netns", json_string(netns));
	if (args && args[0])
		json_object_set_new(e, "cniArgs", args_json(args));
	if (json_is_object(cap_args) && json_object_size(cap_args))
		json_object_set(e, "capabilityArgs", cap_args);
	if (json_is_object(result))
		json_object_set(e, "result", result);
	return e;
}

int cache_write(const char *dir, const struct cache_key *k, json_t *entry)
{
	char path[PATH_MAX], results[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	int r;

	r = cache_path(dir, k, path, sizeof(path));
	if (r < 0)
		return r;
	r = path_join(results, sizeof(results), dir, "results");
	if (r < 0)
		return r;
	r = mkdir_p(results, 0700);
	if (r < 0)
		return r;
	text = json_dumps(entry, JSON_COMPACT);
	if (!text)
		return -ENOMEM;
	return file_write_atomic(path, text, strlen(text), 0600);
}

/* Hostile until checked: the fields we reuse become env values and file names. */
static int entry_parse(const char *text, size_t len, json_t **entry)
{
	json_t *e = json_loadb(text, len, 0, NULL);
	const char *id, *ifn, *net;

	id = json_string_value(json_object_get(e, "containerId"));
	ifn = json_string_value(json_object_get(e, "ifName"));
	net = json_string_value(json_object_get(e, "networkName"));
	if (!json_is_object(e) ||
	    !json_string_value(json_object_get(e, "kind")) ||
	    strcmp(json_string_value(json_object_get(e, "kind")), CACHE_KIND) ||
	    !id || !name_is_safe(id, 256) || !ifn || !ifname_valid(ifn) || !net) {
		json_decref(e);
		return -EINVAL;
	}
	*entry = e;
	return 0;
}

static int read_entry_file(const char *path, json_t **entry)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = file_read_bounded(path, CACHE_FILE_MAX, &text, &len);
	if (r < 0)
		return r == -EFBIG ? -EINVAL : r;
	return entry_parse(text, len, entry);
}

int cache_read(const char *dir, const struct cache_key *k, json_t **entry)
{
	char path[PATH_MAX];
	int r;

	*entry = NULL;
	r = cache_path(dir, k, path, sizeof(path));
	if (r < 0)
		return r;
	return read_entry_file(path, entry);
}

int cache_remove(const char *dir, const struct cache_key *k)
{
	char path[PATH_MAX];
	int r;

	r = cache_path(dir, k, path, sizeof(path));
	if (r < 0)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int cache_lock(const char *dir, const char *net, bool exclusive)
{
	char results[PATH_MAX], path[PATH_MAX + NAME_MAX];
	int fd, r;

	if (!name_is_safe(net, NET_NAME_MAX))
		return -EINVAL;
	r = path_join(results, sizeof(results), dir, "results");
	if (r == 0)
		r = str_printf(path, sizeof(path), "%s/.%s.lock", results, net);
	if (r == 0)
		r = mkdir_p(results, 0700);
	if (r < 0)
		return r;
	/*
	 * Not O_CLOEXEC: the plugins we exec inherit the lock, so when netctl is killed
	 * in the middle of ADD, a plugin still running keeps it until it ends and GC
	 * waits for it instead of racing it (and missing what it makes after).
	 */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		if (errno != EINTR) {
			r = -errno;
			close(fd);
			return r;
		}
	}
	return fd;
}

char *cache_args_string(json_t *entry)
{
	json_t *args = json_object_get(entry, "cniArgs"), *pair;
	char *out = NULL;
	size_t i, len = 0;
	FILE *f;

	if (!json_is_array(args) || !json_array_size(args))
		return NULL;
	f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	json_array_foreach(args, i, pair) {
		const char *key = json_string_value(json_array_get(pair, 0));
		const char *val = json_string_value(json_array_get(pair, 1));

		if (key && val)
			fprintf(f, "%s%s=%s", ftell(f) ? ";" : "", key, val);
	}
	fclose(f);
	if (out && !out[0]) {
		free(out);
		out = NULL;
	}
	return out;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int cache_for_each(const char *dir, const char *net,
		   int (*fn)(json_t *entry, void *data), void *data)
{
	char results[PATH_MAX], path[PATH_MAX];
	struct dirent **names = NULL;
	size_t net_len = strlen(net);
	int n, i, r = 0;

	if (path_join(results, sizeof(results), dir, "results") < 0)
		return -ENAMETOOLONG;
	n = scandir(results, &names, NULL, by_name);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	for (i = 0; i < n; i++) {
		json_t *e = NULL;
		const char *entry_net;

		/* "<net>-<id>-<ifname>": other networks' files are not even opened (a
		 * network "web-a" shares the prefix; networkName decides). */
		if (r == 0 && names[i]->d_name[0] != '.' &&
		    !strncmp(names[i]->d_name, net, net_len) && names[i]->d_name[net_len] == '-' &&
		    path_join(path, sizeof(path), results, names[i]->d_name) == 0 &&
		    read_entry_file(path, &e) == 0) {
			entry_net = json_string_value(json_object_get(e, "networkName"));
			if (!strcmp(entry_net, net))
				r = fn(e, data);
			json_decref(e);
		}
		free(names[i]);
	}
	free(names);
	return r;
}
