// SPDX-License-Identifier: Apache-2.0
/*
 * bench/spoofchk-add K : what spoofchk adds to one bridge ADD and DEL, measured on
 * its own, in the plugin's own calls (nft_spoofchk_attach/_detach: a connection, a
 * rule count, one batch of elements). Run where table bridge netctl already holds the
 * bench's containers. Attaches K ports (one IPv4, one IPv6 address, the EUI-64
 * link-local each), then detaches them by key; prints "add US" and "del US" per call.
 * Built by bench/spoofchk.sh against $(BUILD)/libnetctl.a.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nft/conn.h"
#include "ruleset/spoofchk.h"

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	int k = argc > 1 ? atoi(argv[1]) : 100, i, r;
	char port[16], id[32];
	struct err err = { 0 };
	struct ip_addr a[2] = { { .family = AF_INET, .b = { 10, 121 } },
				{ .family = AF_INET6, .b = { 0xfd, 0x79 } } };
	struct nft_spoof_port p = { .port = port, .mac = { 0x02, 0, 0, 0x42 },
				    .addrs = a, .n_addrs = 2, .ll6 = true };
	struct nft_conn c;
	long long t;

	/* all attaches, then all detaches: an attach right after a detach would wait for
	 * the detach's deferred destroy work (an RCU grace period) in its commit */
	for (i = 0; i < 2 * k; i++) {
		int j = i % k;

		snprintf(port, sizeof(port), "vbench%04d", j);
		snprintf(id, sizeof(id), "bench-%d", j);
		a[0].b[2] = a[1].b[14] = p.mac[4] = (unsigned char)(j >> 8);
		a[0].b[3] = a[1].b[15] = p.mac[5] = (unsigned char)j;
		t = now_us();
		memset(&c, 0, sizeof(c));	/* a plugin run's own connection */
		r = i < k ? nft_spoofchk_attach(&c, &p, id, &err) :
			    nft_spoofchk_detach(&c, &p, id, &err);
		nft_conn_close(&c);
		if (r < 0) {
			fprintf(stderr, "%s: %s\n", i < k ? "attach" : "detach", err.details);
			return 1;
		}
		printf("%s %lld\n", i < k ? "add" : "del", now_us() - t);
	}
	return 0;
}
