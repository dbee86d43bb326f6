// SPDX-License-Identifier: Apache-2.0
/* A network's cached attachments, copied out of the cache walk for gc. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netctl/core/attach.h"
#include "netctl/core/gc_atts.h"
#include "util/array.h"
#include "util/str.h"

static int collect(const struct attach_info *a, void *data)
{
	struct gc_att_list *l = data;
	struct gc_att *nv;

	if (array_grow((void **)&l->v, &l->cap, l->n, sizeof(*l->v), 16) < 0)
		return -ENOMEM;
	nv = &l->v[l->n];
	if (str_copy(nv->id, sizeof(nv->id), a->container_id) < 0 ||
	    str_copy(nv->ifname, sizeof(nv->ifname), a->ifname) < 0)
		return 0;
	str_copy(nv->netns, sizeof(nv->netns), a->netns ? a->netns : "");
	nv->result = json_incref(a->result);
	l->n++;
	return 0;
}

int gc_atts_read(const char *net, struct gc_att_list *l)
{
	return attach_list(net, collect, l);
}

void gc_atts_free(struct gc_att_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		json_decref(l->v[i].result);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
