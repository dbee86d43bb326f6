/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tuning plugin: sysctls of the container's netns and attributes of its interface
 * (MAC, MTU, promiscuous and all-multicast modes, transmit queue length), as the
 * reference's meta/tuning does. ADD saves what it changes in dataDir, DEL puts it back,
 * CHECK compares, GC drops the saved state of attachments that are gone.
 */
#ifndef NETCTL_PLUGINS_TUNING_H
#define NETCTL_PLUGINS_TUNING_H

#include <stdbool.h>
#include <stdint.h>

#include "cni/plugin.h"
#include "netlib/msg.h"

#define TU_DEFAULT_DATA_DIR "/run/cni/tuning"
#define TU_ALLOWLIST "/etc/cni/tuning/allowlist.conf"
#define TU_MAX_SYSCTLS 64
#define TU_PATH_MAX 256		/* a sysctl below /proc/sys, slash-separated */
#define TU_VALUE_MAX 512

struct tu_sysctl {
	char path[TU_PATH_MAX];	/* "net/ipv4/conf/eth0/arp_filter" */
	const char *key;	/* as written in the config */
	const char *value;
};

struct tu_config {
	const char *data_dir;
	struct tu_sysctl sysctls[TU_MAX_SYSCTLS];
	int n_sysctls;
	bool has_mac;
	uint8_t mac[6];
	bool promisc;			/* the reference's bool: false leaves it alone */
	unsigned mtu;			/* 0 = leave */
	bool has_txqlen;
	unsigned txqlen;
	enum netlib_tri allmulti;	/* KEEP = leave */
};

/* What ADD found before it changed anything: DEL puts it back. */
struct tu_saved {
	char network[NET_NAME_MAX + 1];
	char container_id[256];
	char ifname[16];
	bool has_mac;
	uint8_t mac[6];
	enum netlib_tri promisc, allmulti;	/* KEEP = not changed */
	unsigned mtu;				/* 0 = not changed */
	bool has_txqlen;
	unsigned txqlen;
	int n_sysctls;
	struct {
		char path[TU_PATH_MAX];
		char value[TU_VALUE_MAX];
	} sysctls[TU_MAX_SYSCTLS];
};

extern const struct cni_plugin_ops tu_ops;

/** tu_data_dir_load() - dataDir alone (DEL and GC need nothing else). */
int tu_data_dir_load(struct cni_ctx *ctx, const char **dir);

/**
 * tu_config_load() - the reference's keys: sysctl, mac, promisc, mtu, txQLen, allmulti,
 * dataDir, then CNI_ARGS MAC, runtimeConfig.mac and args.cni.{...} over them, in the
 * reference's order. Sysctl paths need CNI_IFNAME (for "IFNAME"); without one (GC,
 * STATUS) they are not computed. Errors are code 7 naming the key.
 */
int tu_config_load(struct cni_ctx *ctx, struct tu_config *c);

/**
 * tu_sysctl_path() - a sysctl name as the config gives it ("net.ipv4.conf.IFNAME.
 * arp_filter", or slash-separated "net/ipv4/conf/eth0.100/rp_filter") into its path
 * below /proc/sys, with the first "IFNAME" replaced by @ifname. sysctl(8)'s rule: when
 * the first separator is a dot, a slash inside a name stands for a dot. Refused
 * (-EINVAL, @err says why): anything outside net/, empty, "." or ".." components.
 */
int tu_sysctl_path(const char *key, const char *ifname, char *out, size_t n, struct err *err);

/**
 * tu_allowlist_check() - every sysctl of @c allowed by the allowlist @file (one regular
 * expression a line, TU_ALLOWLIST in the plugin)? 0 when it is or the file is absent;
 * -EPERM (not allowed), -EINVAL (a line is no regular expression) or -errno (the file
 * cannot be read), with @err saying why.
 */
int tu_allowlist_check(const struct tu_config *c, const char *file, struct err *err);

/** tu_state_path() - "<dataDir>/<containerID>_<ifname>.json", the reference's name. */
int tu_state_path(const char *dir, const char *id, const char *ifname, char *out, size_t n);
/** tu_state_read() - parse a saved-state file; -ENOENT when absent, -EINVAL when junk. */
int tu_state_read(const char *path, struct tu_saved *s);
/** tu_state_parse() - the same from text (for tests and fuzzing). */
int tu_state_parse(const char *text, size_t len, struct tu_saved *s);
/** tu_state_write() - write @s atomically (the reference's keys plus ours). */
int tu_state_write(const char *path, const struct tu_saved *s);

#endif
