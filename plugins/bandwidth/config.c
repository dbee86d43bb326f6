// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plugins/bandwidth/config.h"

static const char *const keys[] = { "ingressRate", "ingressBurst", "egressRate", "egressBurst" };

/* A key holding bits: a whole, non-negative JSON number that fits in 64 bits. */
static int get_bits(struct cni_ctx *ctx, json_t *obj, const char *where, const char *key,
		    uint64_t *out)
{
	json_t *v = cni_json_get(obj, key);
	double d;

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	d = json_is_real(v) ? json_real_value(v) : -1;
	if (d >= 0 && d < 18446744073709551616.0 && d == (double)(uint64_t)d) {
		*out = (uint64_t)d;
		return 0;
	}
	return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "invalid bandwidth limit",
		       "%s%s must be a whole number of bits (per second) of at least 0", where,
		       key);
}

/*
 * Kubernetes' bandwidth annotations have no burst: containerd's CRI plugin and CRI-O
 * send 2^32-1 bits (512 MiB) with the rate in runtimeConfig. At pod rates that bucket
 * takes minutes to drain (refused below as a burst the rate cannot drain) and, taken
 * literally, would leave the first 512 MiB unshaped. It means "no burst given": the
 * bucket netctl connect gives, 10 ms at the rate, at least 16 KiB.
 */
static uint64_t k8s_burst(const char *where, uint64_t rate, uint64_t burst)
{
	uint64_t b = rate / 100;

	if (!*where || !rate || burst != UINT32_MAX)
		return burst;
	return b < 16 * 1024 * 8 ? 16 * 1024 * 8 : b;
}

static int load_limits(struct cni_ctx *ctx, json_t *obj, const char *where,
		       struct bw_config *c)
{
	uint64_t v[4];
	size_t i;

	for (i = 0; i < 4; i++)
		if (get_bits(ctx, obj, where, keys[i], &v[i]) < 0)
			return -EINVAL;
	c->ingress = (struct bw_limit){ v[0], k8s_burst(where, v[0], v[1]) };
	c->egress = (struct bw_limit){ v[2], k8s_burst(where, v[2], v[3]) };
	for (i = 0; i < 2; i++) {
		const char *dir = i ? "egress" : "ingress";

		if (bw_limit_check(i ? &c->egress : &c->ingress, &ctx->err) < 0) {
			err_prefix(&ctx->err, -EINVAL, "%s%sRate %llu, %s%sBurst %llu", where, dir,
				   (unsigned long long)v[2 * i], where, dir,
				   (unsigned long long)v[2 * i + 1]);
			return err_fail(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
					"invalid bandwidth limit");
		}
	}
	return 0;
}

/* unshapedSubnets / shapedSubnets: arrays of CIDRs; the two exclude each other. */
static int load_subnet_list(struct cni_ctx *ctx, json_t *obj, const char *where,
			    const char *key, struct bw_config *c)
{
	json_t *v = cni_json_get(obj, key), *e;
	size_t i;

	if (!v || json_is_null(v) || (json_is_array(v) && !json_array_size(v)))
		return 0;
	if (!json_is_array(v))
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "invalid subnet list",
			       "%s%s must be an array of CIDR strings", where, key);
	if (c->n_subnets)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "invalid subnet list",
			       "%sunshapedSubnets and %sshapedSubnets exclude each other: "
			       "give one", where, where);
	if (json_array_size(v) > BW_MAX_SUBNETS)
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "invalid subnet list",
			       "%s%s has %zu entries; at most %d", where, key, json_array_size(v),
			       BW_MAX_SUBNETS);
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) ||
		    ip_prefix_parse(json_string_value(e), &c->subnets[i]) < 0)
			return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
				       "invalid subnet list",
				       "%s%s[%zu] is not a CIDR (\"10.0.0.0/8\", \"fd00::/8\")",
				       where, key, i);
		c->subnets[i] = ip_prefix_network(&c->subnets[i]);
	}
	c->n_subnets = json_array_size(v);
	c->subnets_shaped = !strcmp(key, "shapedSubnets");
	return 0;
}

static int load_subnets(struct cni_ctx *ctx, json_t *obj, const char *where,
			struct bw_config *c)
{
	if (load_subnet_list(ctx, obj, where, "unshapedSubnets", c) < 0 ||
	    load_subnet_list(ctx, obj, where, "shapedSubnets", c) < 0)
		return -EINVAL;
	return 0;
}

/* A key we do not know would be a limit left out without a word: refuse it. */
static int check_runtime_keys(struct cni_ctx *ctx, json_t *rt)
{
	static const char *const subnet_keys[] = { "unshapedSubnets", "shapedSubnets" };
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(rt, key, v) {
		for (i = 0; i < 4 && !cni_json_key_matches(keys[i], key); i++)
			;
		if (i < 4 || cni_json_key_matches(subnet_keys[0], key) ||
		    cni_json_key_matches(subnet_keys[1], key))
			continue;
		return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG, "invalid bandwidth limit",
			       "runtimeConfig.bandwidth.%s is not a bandwidth key; known: "
			       "ingressRate, ingressBurst, egressRate, egressBurst, "
			       "unshapedSubnets, shapedSubnets (any case)", key);
	}
	return 0;
}

int bw_config_load(struct cni_ctx *ctx, struct bw_config *c)
{
	json_t *rt = cni_json_get(ctx->conf.runtime_config, "bandwidth");
	const char *where = "runtimeConfig.bandwidth.";
	json_t *obj = rt;

	memset(c, 0, sizeof(*c));
	if (rt && !json_is_null(rt)) {
		if (!json_is_object(rt))
			return err_set(&ctx->err, -EINVAL, ERR_INVALID_CONFIG,
				       "invalid bandwidth limit",
				       "runtimeConfig.bandwidth must be an object");
		if (check_runtime_keys(ctx, rt) < 0)
			return -EINVAL;
		c->from_runtime = true;
	} else {
		obj = ctx->conf.root;
		where = "";
	}
	if (load_subnets(ctx, obj, where, c) < 0)
		return -EINVAL;
	return load_limits(ctx, obj, where, c);
}

int bw_limit_check(const struct bw_limit *l, struct err *err)
{
	if (!l->rate && !l->burst)
		return 0;
	if (!l->rate)
		return err_detail(err, -EINVAL, "a burst needs a rate");
	if (!l->burst)
		return err_detail(err, -EINVAL, "a rate needs a burst (bits the bucket holds)");
	if (l->rate < BW_RATE_MIN || l->rate > BW_RATE_MAX)
		return err_detail(err, -EINVAL,
				  "the rate must be between %llu and %llu bits per second",
				  BW_RATE_MIN, BW_RATE_MAX);
	if (l->burst > BW_BURST_MAX)
		return err_detail(err, -EINVAL, "the burst must be at most %llu bits (512 MiB)",
				  BW_BURST_MAX);
	/* The kernel keeps the bucket as time (32 bits of 64 ns ticks, about 274 s). */
	if (l->burst / l->rate > 60)
		return err_detail(err, -EINVAL,
				  "the rate takes %llu s to drain the burst; at most 60 s",
				  (unsigned long long)(l->burst / l->rate));
	return 0;
}

/*
 * Queue length (TBF limit). A TBF drops what does not fit in its queue, and nothing
 * pushes back on a sender behind a bridge, so the queue decides how often TCP loses
 * packets. The reference sizes it as 25 ms at the rate plus the burst: at 10 Mbit/s
 * about 20 full frames, which TCP overshoots every few RTTs (about 200 retransmits
 * per 5 s with BBR, this machine's default, 10-50 with cubic). Loss-based growth of
 * one segment per RTT, with an RTT made of the queue itself, loses about
 * rate * MSS / (0.3 * Q^2) times a second: quadratic in the queue Q; BBR's probing
 * needs a queue of more than 100 ms at 10 Mbit/s to stay loss-free. Measured with
 * iperf3 at 1/10/100 Mbit/s (bench/bandwidth.sh), 200 ms gave 0 retransmits with BBR
 * at 10 and 100 Mbit/s and 0-13 with cubic at 10 Mbit/s. So:
 *
 *	limit = burst + max(rate * 200 ms, 16 full frames)
 *
 * 200 ms bounds the added latency at any rate; 16 frames keep a few TCP segment
 * trains below 1 Mbit/s, where 200 ms is only a couple of frames. The known cost:
 * below 10 Mbit/s BBR retransmits up to twice as much as with the reference's short
 * queue, and no queue length tried (25-400 ms) did better there without losing
 * 8-10 Mbit/s (doc/bandwidth.md).
 */
#define BW_QUEUE_MS 200
#define BW_QUEUE_MIN_FRAMES 16

void bw_shape_compute(const struct bw_limit *l, unsigned mtu, struct bw_shape *out)
{
	uint64_t frame = (uint64_t)(mtu ? mtu : 1500) + BW_ETH_HLEN;
	uint64_t burst = l->burst / 8, min_burst = 2 * frame, q;

	memset(out, 0, sizeof(*out));
	out->tbf.rate = l->rate / 8;
	out->burst_asked = (uint32_t)burst;
	/*
	 * A bucket smaller than one frame never passes a full-size packet; one of exactly
	 * one frame loses the tokens of any late timer. Two frames is the least that works.
	 */
	if (burst < min_burst) {
		burst = min_burst;
		out->burst_raised = true;
	}
	q = out->tbf.rate * BW_QUEUE_MS / 1000;
	if (q < BW_QUEUE_MIN_FRAMES * frame)
		q = BW_QUEUE_MIN_FRAMES * frame;
	out->tbf.burst = (uint32_t)burst;
	out->tbf.limit = (uint32_t)(burst + q > INT32_MAX ? INT32_MAX : burst + q);
}
