// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <jansson.h>

#include "cni/env.h"
#include "netctl/core/runrec.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

#define RUNREC_SUFFIX ".json"

int runrec_new_id(struct runrec *rec)
{
	uint8_t b[RUNREC_ID_LEN / 2];
	size_t i;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -EIO;
	for (i = 0; i < sizeof(b); i++)
		snprintf(rec->id + 2 * i, 3, "%02x", b[i]);
	return str_printf(rec->container_id, sizeof(rec->container_id),
			  RUNREC_NETNS_PREFIX "%s", rec->id);
}

bool runrec_id_ok(const char *id)
{
	size_t i;

	for (i = 0; i < RUNREC_ID_LEN; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return id[i] == '\0';
}

int proc_start_time(pid_t pid, uint64_t *start)
{
	_cleanup_free_ char *buf = NULL;
	char path[64], *p;
	size_t len;
	int field, r;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	r = file_read_bounded(path, 4096, &buf, &len);
	if (r < 0)
		return r;
	/* The command name may hold spaces and ')': fields count from the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%" SCNu64, start) != 1)
		return -EINVAL;
	return 0;
}

static int record_path(const char *rundir, const char *id, char *out, size_t n)
{
	if (!runrec_id_ok(id))
		return -EINVAL;
	return str_printf(out, n, "%s/run/%s" RUNREC_SUFFIX, rundir, id);
}

static json_t *record_json(const struct runrec *rec)
{
	json_t *nets = json_array(), *o;
	int i;

	for (i = 0; nets && i < rec->n_nets; i++)
		json_array_append_new(nets, json_pack("{s:s, s:s}", "network", rec->nets[i].net,
						      "ifname", rec->nets[i].ifname));
	o = json_pack("{s:s, s:s, s:I, s:I, s:s, s:o}", "id", rec->id, "containerId",
		      rec->container_id, "pid", (json_int_t)rec->pid, "startTime",
		      (json_int_t)rec->start, "name", rec->name, "networks", nets);
	return o;
}

int runrec_write(const char *rundir, const struct runrec *rec)
{
	char path[PATH_MAX], dir[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	json_t *o;
	int r;

	r = record_path(rundir, rec->id, path, sizeof(path));
	if (r == 0)
		r = str_printf(dir, sizeof(dir), "%s/run", rundir);
	if (r == 0)
		r = mkdir_p(dir, 0700);
	if (r < 0)
		return r;
	o = record_json(rec);
	text = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
	json_decref(o);
	if (!text)
		return -ENOMEM;
	return file_write_atomic(path, text, strlen(text), 0600);
}

static int copy_str(char *out, size_t n, json_t *v)
{
	return json_is_string(v) ? str_copy(out, n, json_string_value(v)) : -EINVAL;
}

static int record_parse(json_t *o, const char *id, struct runrec *rec)
{
	json_t *nets = json_object_get(o, "networks"), *pid = json_object_get(o, "pid"),
	       *start = json_object_get(o, "startTime"), *n;
	size_t i;

	memset(rec, 0, sizeof(*rec));
	if (copy_str(rec->id, sizeof(rec->id), json_object_get(o, "id")) < 0 ||
	    strcmp(rec->id, id) ||
	    copy_str(rec->container_id, sizeof(rec->container_id),
		     json_object_get(o, "containerId")) < 0 ||
	    strncmp(rec->container_id, RUNREC_NETNS_PREFIX, strlen(RUNREC_NETNS_PREFIX)) ||
	    strcmp(rec->container_id + strlen(RUNREC_NETNS_PREFIX), id) ||
	    copy_str(rec->name, sizeof(rec->name), json_object_get(o, "name")) < 0 ||
	    !json_is_integer(pid) || json_integer_value(pid) <= 0 ||
	    json_integer_value(pid) > INT_MAX || !json_is_integer(start) ||
	    json_integer_value(start) < 0 || !json_is_array(nets) ||
	    json_array_size(nets) > RUNREC_MAX_NETS)
		return -EINVAL;
	rec->pid = (pid_t)json_integer_value(pid);
	rec->start = (uint64_t)json_integer_value(start);
	json_array_foreach(nets, i, n) {
		struct runrec_net *rn = &rec->nets[i];

		if (copy_str(rn->net, sizeof(rn->net), json_object_get(n, "network")) < 0 ||
		    copy_str(rn->ifname, sizeof(rn->ifname), json_object_get(n, "ifname")) < 0 ||
		    !name_is_safe(rn->net, sizeof(rn->net) - 1) || !ifname_valid(rn->ifname))
			return -EINVAL;
	}
	rec->n_nets = (int)json_array_size(nets);
	return 0;
}

int runrec_read(const char *rundir, const char *id, struct runrec *rec)
{
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	json_t *o;
	size_t len;
	int r;

	r = record_path(rundir, id, path, sizeof(path));
	if (r == 0)
		r = file_read_bounded(path, RUNREC_FILE_MAX, &text, &len);
	if (r < 0)
		return r == -EFBIG ? -EINVAL : r;
	o = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	r = json_is_object(o) ? record_parse(o, id, rec) : -EINVAL;
	json_decref(o);
	return r;
}

int runrec_remove(const char *rundir, const char *id)
{
	char path[PATH_MAX];
	int r = record_path(rundir, id, path, sizeof(path));

	if (r < 0)
		return r;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

bool runrec_alive(const struct runrec *rec)
{
	uint64_t start;

	return proc_start_time(rec->pid, &start) == 0 && start == rec->start;
}

static int id_cmp(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

int runrec_foreach(const char *rundir, int (*fn)(const char *id, void *data), void *data)
{
	char dir[PATH_MAX], (*ids)[RUNREC_ID_LEN + 1] = NULL, (*nv)[RUNREC_ID_LEN + 1];
	_cleanup_closedir_ DIR *d = NULL;
	size_t cnt = 0, i;
	struct dirent *de;
	int r = str_printf(dir, sizeof(dir), "%s/run", rundir);

	if (r < 0)
		return r;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len != RUNREC_ID_LEN + strlen(RUNREC_SUFFIX) ||
		    strcmp(de->d_name + RUNREC_ID_LEN, RUNREC_SUFFIX))
			continue;
		nv = realloc(ids, (cnt + 1) * sizeof(*ids));
		if (!nv) {
			free(ids);
			return -ENOMEM;
		}
		ids = nv;
		memcpy(ids[cnt], de->d_name, RUNREC_ID_LEN);
		ids[cnt][RUNREC_ID_LEN] = '\0';
		if (runrec_id_ok(ids[cnt]))
			cnt++;
	}
	if (cnt)
		qsort(ids, cnt, sizeof(*ids), id_cmp);
	for (i = 0; i < cnt && r == 0; i++)
		r = fn(ids[i], data);
	free(ids);
	return r;
}
