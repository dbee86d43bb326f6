// SPDX-License-Identifier: Apache-2.0
/*
 * dnsload SERVER NAME COUNT WINDOW : a small, bounded DNS load client for bench/dns.sh.
 * Sends COUNT A queries for NAME to SERVER:53 over UDP, keeping at most WINDOW in
 * flight; a query unanswered for 1 s counts as lost. Prints one line:
 *	sent N answered N lost N secs S qps Q p50_us P p99_us P
 * WINDOW 1 gives the latency of one query at a time; a larger one the throughput.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int build(uint8_t *q, const char *name, uint16_t id)
{
	int off = 12;
	const char *p = name;

	memset(q, 0, 12);
	q[0] = id >> 8;
	q[1] = id & 0xff;
	q[2] = 1;
	q[5] = 1;
	while (*p) {
		const char *dot = strchr(p, '.');
		int l = dot ? (int)(dot - p) : (int)strlen(p);

		q[off++] = (uint8_t)l;
		memcpy(q + off, p, (size_t)l);
		off += l;
		p += l + (dot ? 1 : 0);
	}
	q[off++] = 0;
	q[off++] = 0;
	q[off++] = 1;	/* A */
	q[off++] = 0;
	q[off++] = 1;	/* IN */
	return off;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
	static uint64_t sent_at[65536], lat[1000000];
	uint8_t q[300], r[1500];
	long count, window, sent = 0, answered = 0, lost = 0, inflight = 0;
	uint64_t t0, oldest_check = 0;
	int fd, len;

	if (argc != 5 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 ||
	    strlen(argv[2]) > 250 || (count = atol(argv[3])) < 1 || count > 1000000 ||
	    (window = atol(argv[4])) < 1 || window > 1000) {
		fprintf(stderr, "usage: dnsload SERVER(IPv4) NAME COUNT(<=1e6) WINDOW(<=1000)\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("dnsload: socket");
		return 1;
	}
	t0 = now_us();
	while (answered + lost < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t t;

		while (inflight < window && sent < count) {
			uint16_t id = (uint16_t)(sent & 0xffff);

			len = build(q, argv[2], id);
			sent_at[id] = now_us();
			if (send(fd, q, (size_t)len, 0) == len) {
				sent++;
				inflight++;
			}
		}
		if (poll(&pfd, 1, 100) > 0) {
			ssize_t got = recv(fd, r, sizeof(r), 0);
			uint16_t id;

			if (got >= 12) {
				id = (uint16_t)(r[0] << 8 | r[1]);
				if (sent_at[id]) {
					lat[answered++] = now_us() - sent_at[id];
					sent_at[id] = 0;
					inflight--;
				}
			}
		}
		/* queries older than 1 s are lost (every 100 ms, a scan of the ids in use) */
		t = now_us();
		if (t - oldest_check > 100000) {
			for (long i = 0; i < 65536; i++)
				if (sent_at[i] && t - sent_at[i] > 1000000) {
					sent_at[i] = 0;
					lost++;
					inflight--;
				}
			oldest_check = t;
		}
		if (t - t0 > 120000000)
			break;	/* bounded: two minutes at most */
	}
	qsort(lat, (size_t)answered, sizeof(lat[0]), cmp);
	{
		double secs = (double)(now_us() - t0) / 1e6;

		printf("sent %ld answered %ld lost %ld secs %.3f qps %.0f p50_us %llu p99_us %llu\n",
		       sent, answered, lost, secs, answered / secs,
		       answered ? (unsigned long long)lat[answered / 2] : 0ULL,
		       answered ? (unsigned long long)lat[(answered * 99) / 100] : 0ULL);
	}
	close(fd);
	return answered ? 0 : 1;
}
