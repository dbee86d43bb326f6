/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host-local store, in the reference plugin's on-disk layout so either
 * implementation can take over the other's reservations:
 *
 *	<dataDir>/<network>/lock                  flock'd by every writer
 *	<dataDir>/<network>/<address>             "<containerID>\r\n<ifname>" (older
 *	                                          versions wrote "<containerID>" only)
 *	<dataDir>/<network>/last_reserved_ip.<N>  the last address given from range set N
 *	<dataDir>/<network>/.netctl-tmp/          netctl's writes in progress,
 *	                                          "<name>.tmp.<pid>", renamed into place
 *
 * Temporary files live in their own directory so that the next locked operation can
 * remove a killed writer's leftovers by reading a directory that is almost always
 * empty, instead of every reservation (ADD and DEL stay flat as the store grows).
 *
 * Files are read bounded and validated; anything else found under an address's name
 * is reported as bad and never trusted (nor deleted).
 */
#ifndef NETCTL_IPAM_STORE_H
#define NETCTL_IPAM_STORE_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"
#include "util/ip.h"

#define IPAM_DEFAULT_DATA_DIR "/var/lib/cni/networks"
#define IPAM_STORE_FILE_MAX 4096	/* a reservation file above this is bad */
#define IPAM_ID_MAX 256			/* container IDs, as cni/env.c accepts them */
#define IPAM_TMP_DIR ".netctl-tmp"

struct ipam_store {
	char dir[PATH_MAX];
	int dirfd;
	int lockfd;
};

/* Who holds an address. An empty ifname: an old-format file (the ID only). */
struct ipam_owner {
	char id[IPAM_ID_MAX + 1];
	char ifname[IFNAMSIZ];
};

struct ipam_entry {
	const char *name;		/* the file name */
	struct ip_addr addr;
	bool bad;			/* then @why says what is wrong, @owner is empty */
	const char *why;
	struct ipam_owner owner;
};

/* Names of bad files met on the way, for an error's details. */
struct ipam_bad {
	int n;
	char text[1024];
};

/**
 * ipam_store_open() - open the store of @network under @data_dir (NULL or "": the
 * default) and take its lock, creating the directory when @create.
 * Return: 0; -ENOENT when it does not exist and !@create (no error recorded);
 * else -errno with @err set (code 7 for a bad name or a dataDir that is no directory,
 * 5 for I/O).
 */
int ipam_store_open(struct ipam_store *s, const char *data_dir, const char *network,
		    bool create, struct err *err);

/** ipam_store_close() - unlock and close; safe on a store that failed to open. */
void ipam_store_close(struct ipam_store *s);

/**
 * ipam_store_reserve() - record @addr as held by (@id, @ifname), atomically.
 * Return: 1 reserved, 0 when the address is taken (any file by that name), -errno.
 */
int ipam_store_reserve(struct ipam_store *s, const struct ip_addr *addr, const char *id,
		       const char *ifname, struct err *err);

/** ipam_store_release() - forget @addr's reservation. 0 or -errno (-ENOENT: not there). */
int ipam_store_release(struct ipam_store *s, const struct ip_addr *addr);

/**
 * ipam_store_last_get() - the last address reserved from range set @set.
 * Return: 0, -ENOENT, or -EINVAL when the file is not a single address (not trusted).
 */
int ipam_store_last_get(struct ipam_store *s, int set, struct ip_addr *out);

/** ipam_store_last_set() - record @addr as the last one given from range set @set. */
int ipam_store_last_set(struct ipam_store *s, int set, const struct ip_addr *addr,
			struct err *err);

/**
 * ipam_store_scan() - call @fn for every file named by an address, with its owner
 * read and validated (or marked bad). @fn may release the entry it is given.
 * A negative return from @fn stops the scan and is returned.
 */
int ipam_store_scan(struct ipam_store *s, int (*fn)(const struct ipam_entry *e, void *data),
		    void *data);

/**
 * ipam_store_clean_tmp() - remove every temporary file a crashed writer left behind
 * ("<address or last_reserved_ip.N>.tmp.<pid>", in IPAM_TMP_DIR, or in the store itself
 * as older netctl versions wrote them). For GC; call with the lock held.
 * Return: how many were removed, or -errno.
 */
int ipam_store_clean_tmp(struct ipam_store *s);

/**
 * ipam_owner_parse() - parse a reservation file's content: white space around it is
 * ignored, then "ID", "ID\r\nIFNAME" or "ID\nIFNAME", with a valid container ID and
 * interface name. Return: 0, or -EINVAL with @why set to a short reason.
 */
int ipam_owner_parse(const char *text, size_t len, struct ipam_owner *o, const char **why);

/** ipam_bad_add() - remember a bad file for the error text. */
void ipam_bad_add(struct ipam_bad *b, const struct ipam_entry *e);

#endif
