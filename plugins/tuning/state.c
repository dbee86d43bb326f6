// SPDX-License-Identifier: Apache-2.0
/*
 * The saved state of one attachment: <dataDir>/<containerID>_<ifname>.json with the
 * reference's keys (mac, promisc, mtu, allmulti, txQLen), so either implementation
 * restores what the other saved, plus ours: the original sysctl values (the
 * reference does not restore sysctls) and whose attachment it is (for GC, since
 * dataDir is shared by every network). Read with bounds, never trusted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/tuning/tuning.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

#define STATE_MAX (64 * 1024)

int tu_state_path(const char *dir, const char *id, const char *ifname, char *out, size_t n)
{
	return str_printf(out, n, "%s/%s_%s.json", dir, id, ifname);
}

static enum netlib_tri get_tri(json_t *o, const char *key)
{
	json_t *v = cni_json_get(o, key);

	return json_is_boolean(v) ? (json_is_true(v) ? NETLIB_ON : NETLIB_OFF) : NETLIB_KEEP;
}

static int get_uint(json_t *o, const char *key, unsigned long long max, unsigned *out,
		    bool *has)
{
	json_t *v = cni_json_get(o, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (unsigned long long)json_integer_value(v) > max)
		return -EINVAL;
	*out = (unsigned)json_integer_value(v);
	if (has)
		*has = true;
	return 0;
}

static int copy_str(json_t *o, const char *key, char *dst, size_t n)
{
	json_t *v = cni_json_get(o, key);

	if (!v)
		return 0;
	return json_is_string(v) ? str_copy(dst, n, json_string_value(v)) : -EINVAL;
}

static int parse_sysctls(json_t *o, struct tu_saved *s)
{
	const char *key;
	json_t *v;

	if (!o || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return -EINVAL;
	json_object_foreach(o, key, v) {
		if (s->n_sysctls == TU_MAX_SYSCTLS || !json_is_string(v) ||
		    strncmp(key, "net/", 4) || strstr(key, "..") ||
		    str_copy(s->sysctls[s->n_sysctls].path, TU_PATH_MAX, key) < 0 ||
		    str_copy(s->sysctls[s->n_sysctls].value, TU_VALUE_MAX,
			     json_string_value(v)) < 0)
			return -EINVAL;
		s->n_sysctls++;
	}
	return 0;
}

int tu_state_parse(const char *text, size_t len, struct tu_saved *s)
{
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	const char *mac;
	int r = -EINVAL;

	memset(s, 0, sizeof(*s));
	if (!json_is_object(o))
		goto out;
	mac = json_string_value(cni_json_get(o, "mac"));
	if (mac && *mac) {
		if (netlib_parse_mac(mac, s->mac) < 0)
			goto out;
		s->has_mac = true;
	}
	s->promisc = get_tri(o, "promisc");
	s->allmulti = get_tri(o, "allmulti");
	if (get_uint(o, "mtu", 65535, &s->mtu, NULL) < 0 ||
	    get_uint(o, "txQLen", 0xffffffffULL, &s->txqlen, &s->has_txqlen) < 0 ||
	    copy_str(o, "network", s->network, sizeof(s->network)) < 0 ||
	    copy_str(o, "containerID", s->container_id, sizeof(s->container_id)) < 0 ||
	    copy_str(o, "ifname", s->ifname, sizeof(s->ifname)) < 0 ||
	    parse_sysctls(cni_json_get(o, "sysctl"), s) < 0)
		goto out;
	r = 0;
out:
	json_decref(o);
	return r;
}

int tu_state_read(const char *path, struct tu_saved *s)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = file_read_bounded(path, STATE_MAX, &text, &len);

	if (r < 0)
		return r == -EFBIG ? -EINVAL : r;
	return tu_state_parse(text, len, s);
}

static json_t *state_json(const struct tu_saved *s)
{
	json_t *o = json_object(), *sys = json_object();
	char mac[18];
	int i;

	if (!o || !sys) {
		json_decref(o);
		json_decref(sys);
		return NULL;
	}
	if (s->has_mac) {
		netlib_format_mac(s->mac, mac, sizeof(mac));
		json_object_set_new(o, "mac", json_string(mac));
	}
	if (s->promisc != NETLIB_KEEP)
		json_object_set_new(o, "promisc", json_boolean(s->promisc == NETLIB_ON));
	if (s->mtu)
		json_object_set_new(o, "mtu", json_integer(s->mtu));
	if (s->allmulti != NETLIB_KEEP)
		json_object_set_new(o, "allmulti", json_boolean(s->allmulti == NETLIB_ON));
	if (s->has_txqlen)
		json_object_set_new(o, "txQLen", json_integer(s->txqlen));
	for (i = 0; i < s->n_sysctls; i++)
		json_object_set_new(sys, s->sysctls[i].path, json_string(s->sysctls[i].value));
	json_object_set_new(o, "sysctl", sys);
	json_object_set_new(o, "network", json_string(s->network));
	json_object_set_new(o, "containerID", json_string(s->container_id));
	json_object_set_new(o, "ifname", json_string(s->ifname));
	return o;
}

int tu_state_write(const char *path, const struct tu_saved *s)
{
	json_t *o = state_json(s);
	char *text = o ? json_dumps(o, JSON_INDENT(1)) : NULL;
	int r = text ? file_write_atomic(path, text, strlen(text), 0600) : -ENOMEM;

	free(text);
	json_decref(o);
	return r;
}
