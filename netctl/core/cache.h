/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The result cache, in libcni's format: one JSON file per attachment at
 * <statedir>/results/<net>-<containerID>-<ifname> holding
 * {"kind":"cniCacheV1","containerId","config" (base64 of the conflist),"ifName",
 *  "networkName","netns","cniArgs":[[k,v]...],"capabilityArgs",{...},"result":{...}},
 * so either libcni or netctl can pick up what the other cached.
 */
#ifndef NETCTL_CACHE_H
#define NETCTL_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define CACHE_KIND "cniCacheV1"
#define CACHE_FILE_MAX (4 * 1024 * 1024)

struct cache_key {
	const char *net;
	const char *container_id;
	const char *ifname;
};

/** cache_path() - "<@dir>/results/<net>-<id>-<ifname>"; -ENAMETOOLONG, -EINVAL. */
int cache_path(const char *dir, const struct cache_key *k, char *out, size_t n);

/**
 * cache_entry_build() - the cniCacheV1 object for @k. @netns, @args ("K=V;K2=V2")
 * and @cap_args (object) may be NULL and are then left out, as libcni's omitempty
 * does. @config is the conflist's bytes. New reference, or NULL on bad input.
 */
json_t *cache_entry_build(const struct cache_key *k, const char *netns, const char *args,
			  json_t *cap_args, const char *config, size_t config_len,
			  json_t *result);

/** cache_write() - write @entry for @k atomically (dir 0700, file 0600). 0 or -errno. */
int cache_write(const char *dir, const struct cache_key *k, json_t *entry);

/**
 * cache_read() - the entry for @k. Return 0 with *@entry set, -ENOENT when there is
 * none, -EINVAL when it is not a cniCacheV1 object, -errno else.
 */
int cache_read(const char *dir, const struct cache_key *k, json_t **entry);

/** cache_remove() - remove the entry for @k; a missing one is fine. */
int cache_remove(const char *dir, const struct cache_key *k);

/**
 * cache_lock() - flock "<@dir>/results/.<@net>.lock", shared (ADD, DEL) or @exclusive
 * (GC): a GC then never runs while an ADD has run plugins but not yet cached its
 * result, which GC would take for a leak. The fd is inherited by the plugins netctl
 * execs, so a plugin that outlives a killed netctl holds the lock until it ends.
 * Return: the fd (close it to unlock), -errno.
 */
int cache_lock(const char *dir, const char *net, bool exclusive);

/** cache_args_string() - the entry's "cniArgs" as "K=V;K2=V2" (malloc'd), or NULL. */
char *cache_args_string(json_t *entry);

/**
 * cache_for_each() - call @fn for each valid entry of network @net under @dir (sorted
 * by file name, as libcni's GetCachedAttachments). A missing dir is no entry.
 * Stops and returns @fn's value when it is non-zero.
 */
int cache_for_each(const char *dir, const char *net,
		   int (*fn)(json_t *entry, void *data), void *data);

#endif
