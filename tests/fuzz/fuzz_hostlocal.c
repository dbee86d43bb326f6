// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target: host-local's parsers. The first byte picks one: a store file (what any
 * process with write access to the store could have left there), the "ipam" config
 * with requested addresses, or a resolv.conf.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ipam/store.h"
#include "plugins/host-local/config.h"
#include "util/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_config(const char *text, size_t len)
{
	static struct hl_config c;
	struct cni_env env = { .n_kv = 1 };
	struct cni_conf conf;
	struct err err = { 0 };

	env.kv[0].key = "IP";
	env.kv[0].value = "10.0.0.5,fd00::5";
	if (cni_conf_parse(text, len, true, &conf, &err) < 0)
		return;
	hl_config_load(&conf, &env, true, &c, &err);
	cni_conf_free(&conf);
}

static void fuzz_resolv(const uint8_t *data, size_t len)
{
	struct cni_dns dns;
	struct err err = { 0 };
	char path[64];
	int fd = memfd_create("resolv", MFD_CLOEXEC);

	if (fd < 0)
		return;
	if (write_all(fd, data, len) == 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		hl_parse_resolv_conf(path, &dns, &err);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipam_owner o;
	const char *why;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		ipam_owner_parse((const char *)data + 1, size - 1, &o, &why);
		break;
	case 1:
		fuzz_config((const char *)data + 1, size - 1);
		break;
	default:
		fuzz_resolv(data + 1, size - 1);
		break;
	}
	return 0;
}
