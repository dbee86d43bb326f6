// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "netctl/core/runns.h"
#include "util/file.h"
#include "util/str.h"

int runns_init(struct runns *r, const char *hostname, const char *name, const char *id,
	       const char *dns, const char *search)
{
	struct ip_addr a;

	memset(r, 0, sizeof(*r));
	if (hostname && !dns_name_valid(hostname))
		return -EINVAL;
	if (dns && ip_addr_parse(dns, &a) < 0)
		return -EINVAL;
	if (search && !dns_domain_valid(search))
		return -EINVAL;
	if (name && dns_name_valid(name))
		str_copy(r->name, sizeof(r->name), name);
	if (hostname)
		str_copy(r->hostname, sizeof(r->hostname), hostname);
	else if (r->name[0])
		str_copy(r->hostname, sizeof(r->hostname), r->name);
	else
		snprintf(r->hostname, sizeof(r->hostname), "%.12s", id);
	if (dns) {
		ip_addr_format(&a, r->ns[0], sizeof(r->ns[0]));
		r->n_ns = 1;
		r->user_ns = true;
	}
	if (search) {
		str_copy(r->search, sizeof(r->search), search);
		r->user_search = true;
	}
	return 0;
}

static void note_addrs(struct runns *r, json_t *result)
{
	json_t *ip, *ifcs = json_object_get(result, "interfaces");
	struct ip_prefix p;
	size_t i;

	json_array_foreach(json_object_get(result, "ips"), i, ip) {
		json_t *idx = json_object_get(ip, "interface");
		json_t *ifc = json_is_integer(idx) ?
			json_array_get(ifcs, (size_t)json_integer_value(idx)) : NULL;
		const char *sb = json_string_value(json_object_get(ifc, "sandbox"));

		if (ifc && (!sb || !sb[0]))
			continue;	/* the host's side */
		if (r->n_addrs < RUNNS_MAX_ADDRS &&
		    ip_prefix_parse(json_string_value(json_object_get(ip, "address")) ?: "", &p) == 0)
			r->addrs[r->n_addrs++] = p.addr;
	}
}

void runns_note_result(struct runns *r, json_t *result)
{
	json_t *dns = json_object_get(result, "dns"), *v;
	const char *s;
	size_t i;

	note_addrs(r, result);
	if (!r->user_ns && !r->n_ns) {
		json_array_foreach(json_object_get(dns, "nameservers"), i, v) {
			struct ip_addr a;

			if (r->n_ns < RUNNS_MAX_NS && (s = json_string_value(v)) &&
			    ip_addr_parse(s, &a) == 0)
				ip_addr_format(&a, r->ns[r->n_ns++], sizeof(r->ns[0]));
		}
		if (r->n_ns && !r->user_search) {
			s = json_string_value(json_array_get(json_object_get(dns, "search"), 0));
			if (s && dns_domain_valid(s))
				str_copy(r->search, sizeof(r->search), s);
		}
	}
}

char *runns_resolv_text(const struct runns *r)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int i;

	if (!f)
		return NULL;
	fprintf(f, "# netctl run: the run's resolver\n");
	for (i = 0; i < r->n_ns; i++)
		fprintf(f, "nameserver %s\n", r->ns[i]);
	if (r->search[0])
		fprintf(f, "search %s\n", r->search);
	return fclose(f) == 0 ? buf : (free(buf), NULL);
}

char *runns_hosts_text(const struct runns *r)
{
	char *buf = NULL, ip[IP_STR_MAX];
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	bool also_name = r->name[0] && strcmp(r->name, r->hostname);
	int i;

	if (!f)
		return NULL;
	fprintf(f, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	for (i = 0; i < r->n_addrs; i++) {
		ip_addr_format(&r->addrs[i], ip, sizeof(ip));
		fprintf(f, "%s\t%s%s%s\n", ip, r->hostname, also_name ? " " : "",
			also_name ? r->name : "");
	}
	return fclose(f) == 0 ? buf : (free(buf), NULL);
}

static int write_one(const char *dir, const char *file, char *text)
{
	char path[PATH_MAX + 32];
	int r;

	if (!text)
		return -ENOMEM;
	r = str_printf(path, sizeof(path), "%s/%s", dir, file);
	if (r == 0)
		r = file_write_atomic(path, text, strlen(text), 0644);
	free(text);
	return r;
}

int runns_write(struct runns *r, const char *rundir, const char *id)
{
	int ret;

	ret = str_printf(r->dir, sizeof(r->dir), "%s/etc/%s", rundir, id);
	if (ret == 0)
		ret = mkdir_p(r->dir, 0755);
	if (ret == 0)
		ret = write_one(r->dir, "hosts", runns_hosts_text(r));
	if (ret == 0 && r->n_ns)
		ret = write_one(r->dir, "resolv.conf", runns_resolv_text(r));
	if (ret < 0)
		r->dir[0] = '\0';
	return ret;
}

static int bind_file(const char *dir, const char *file, const char *target)
{
	char src[PATH_MAX + 32];

	if (str_printf(src, sizeof(src), "%s/%s", dir, file) < 0)
		return -ENAMETOOLONG;
	return mount(src, target, NULL, MS_BIND, NULL) < 0 ? -errno : 0;
}

int runns_enter(const struct runns *r)
{
	int ret;

	if (unshare(CLONE_NEWNS | CLONE_NEWUTS) < 0)
		return -errno;
	/* our mounts stay ours: nothing propagates back to the host's namespace */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return -errno;
	if (sethostname(r->hostname, strlen(r->hostname)) < 0)
		return -errno;
	if (!r->dir[0])
		return 0;
	ret = bind_file(r->dir, "hosts", "/etc/hosts");
	if (ret == 0 && r->n_ns)
		ret = bind_file(r->dir, "resolv.conf", "/etc/resolv.conf");
	return ret;
}

void runns_remove(const char *rundir, const char *id)
{
	char path[PATH_MAX + 64];

	if (str_printf(path, sizeof(path), "%s/etc/%s/hosts", rundir, id) == 0)
		unlink(path);
	if (str_printf(path, sizeof(path), "%s/etc/%s/resolv.conf", rundir, id) == 0)
		unlink(path);
	if (str_printf(path, sizeof(path), "%s/etc/%s", rundir, id) == 0)
		rmdir(path);
}
