// SPDX-License-Identifier: Apache-2.0
/* `netctl cni`: a conflist's chain on one attachment, like cnitool but with a conflist file. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni/env.h"
#include "netctl/core/chain.h"
#include "netctl/cli/cli.h"
#include "util/hash.h"
#include "util/str.h"

#define DEFAULT_CNI_PATH "/opt/cni/bin:/usr/lib/cni"
#define DEFAULT_STATEDIR "/var/lib/netctl"

static const char usage_text[] =
	"usage: netctl cni add|del|check|gc|status CONFLIST [NETNS] [options]\n"
	"\n"
	"Runs the plugins of CONFLIST (a .conflist, or a single-plugin .conf) on the\n"
	"network namespace at NETNS the way libcni does, caching ADD results in\n"
	"$NETCTL_STATEDIR/results (default " DEFAULT_STATEDIR ").\n"
	"Plugins are searched in $CNI_PATH (default " DEFAULT_CNI_PATH ").\n"
	"\n"
	"  --id ID           container ID (default: netctl-<hash of NETNS>)\n"
	"  --ifname IF       interface name in the container (default eth0)\n"
	"  --args K=V;...    CNI_ARGS (DEL: defaults to what ADD cached)\n"
	"  --cap-args JSON   capability arguments, e.g. '{\"portMappings\":[...]}'\n"
	"                    (given to plugins that declare the capability)\n"
	"  --valid ID:IF,... gc: the attachments still in use (default: the cached ones)\n"
	"  --rollback        add: on failure, DEL the whole chain before reporting\n"
	"\n"
	"add prints the result JSON. On failure the error JSON goes to stdout, one line\n"
	"to stderr, and the exit status is 1.\n";

struct cni_opts {
	const char *verb;
	const char *conflist;
	const char *ns_arg;
	char netns[PATH_MAX];
	char id_buf[64];
	struct chain_req req;
	struct chain_attachment valid[CHAIN_MAX_VALID];
	char *valid_buf;
};

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "netctl cni: %s%s%s%s\n%s", what, arg ? " \"" : "", arg ? arg : "",
		arg ? "\"" : "", usage_text);
	return CLI_USAGE;
}

/* "ID:IF,ID2:IF2" into o->valid; "" is a valid, empty list. */
static int parse_valid(struct cni_opts *o, const char *arg)
{
	char *save = NULL, *item, *colon;

	o->valid_buf = strdup(arg);
	if (!o->valid_buf)
		return -ENOMEM;
	o->req.valid = o->valid;
	o->req.have_valid = true;
	for (item = strtok_r(o->valid_buf, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		colon = strchr(item, ':');
		if (!colon || o->req.n_valid >= CHAIN_MAX_VALID)
			return -EINVAL;
		*colon = '\0';
		if (!name_is_safe(item, 256) || !ifname_valid(colon + 1))
			return -EINVAL;
		o->valid[o->req.n_valid++] = (struct chain_attachment){ item, colon + 1 };
	}
	return 0;
}

/* cnitool's rule: every pair is K=V with a key. */
static bool args_valid(const char *args)
{
	const char *p = args;

	while (*p) {
		const char *end = strchrnul(p, ';'), *eq = memchr(p, '=', (size_t)(end - p));

		if (!eq || eq == p)
			return false;
		p = *end ? end + 1 : end;
	}
	return true;
}

static int parse_cap_args(struct cni_opts *o, const char *arg)
{
	json_error_t jerr;

	o->req.cap_args = json_loads(arg, JSON_REJECT_DUPLICATES, &jerr);
	return json_is_object(o->req.cap_args) ? 0 : -EINVAL;
}

static int parse_opts(int argc, char **argv, struct cni_opts *o)
{
	static const struct option longopts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "ifname", required_argument, NULL, 'f' },
		{ "args", required_argument, NULL, 'a' },
		{ "cap-args", required_argument, NULL, 'c' },
		{ "valid", required_argument, NULL, 'v' },
		{ "rollback", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->req.container_id = optarg; break;
		case 'f': o->req.ifname = optarg; break;
		case 'a':
			if (!args_valid(optarg))
				return usage_error("--args wants K=V;K2=V2, got", optarg);
			o->req.args = optarg[0] ? optarg : NULL;
			break;
		case 'c':
			if (parse_cap_args(o, optarg) < 0)
				return usage_error("--cap-args wants a JSON object, got", optarg);
			break;
		case 'v':
			if (parse_valid(o, optarg) < 0)
				return usage_error("--valid wants ID:IFNAME,..., got", optarg);
			break;
		case 'r': o->req.rollback = true; break;
		case 'h': fputs(usage_text, stdout); return -1;
		default: return usage_error("bad option", NULL);
		}
	}
	if (optind >= argc || argc - optind > 2)
		return usage_error("want CONFLIST [NETNS]", NULL);
	o->conflist = argv[optind];
	o->ns_arg = argc - optind == 2 ? argv[optind + 1] : NULL;
	return 0;
}

/* cnitool makes the netns path absolute and names the container after it. */
static int fill_attachment(struct cni_opts *o, const char *ns)
{
	char cwd[PATH_MAX];

	if (ns && ns[0] == '/' && str_copy(o->netns, sizeof(o->netns), ns) < 0)
		return -ENAMETOOLONG;
	if (ns && ns[0] != '/' && (!getcwd(cwd, sizeof(cwd)) ||
				   str_printf(o->netns, sizeof(o->netns), "%s/%s", cwd, ns) < 0))
		return -ENAMETOOLONG;
	if (ns)
		o->req.netns = o->netns;
	if (!o->req.ifname)
		o->req.ifname = "eth0";
	if (!o->req.container_id && ns) {
		str_printf(o->id_buf, sizeof(o->id_buf), "netctl-%016" PRIx64,
			   hash64(HASH64_INIT, o->netns, strlen(o->netns)));
		o->req.container_id = o->id_buf;
	}
	return 0;
}

static int report(const struct cni_opts *o, const struct conflist *cl,
		  const struct chain_err *err)
{
	json_t *j = cni_err_to_json(&err->cni, cl->version);

	if (j) {
		json_dumpf(j, stdout, JSON_INDENT(4));
		fputc('\n', stdout);
		json_decref(j);
	}
	if (err->plugin >= 0)
		fprintf(stderr, "netctl: cni %s: plugin type=\"%s\" failed (%s): %s%s%s\n",
			o->verb, cl->plugins[err->plugin].type, err->op, err->cni.msg,
			err->cni.details[0] ? ": " : "", err->cni.details);
	else
		fprintf(stderr, "netctl: cni %s: %s%s%s\n", o->verb, err->cni.msg,
			err->cni.details[0] ? ": " : "", err->cni.details);
	return CLI_FAILED;
}

static int run(struct cni_opts *o, struct conflist *cl, struct chain_err *err)
{
	json_t *result = NULL;
	int r;

	if (!strcmp(o->verb, "add")) {
		r = chain_add(cl, &o->req, &result, err);
		if (r == 0) {
			json_dumpf(result, stdout, JSON_INDENT(4));
			fputc('\n', stdout);
			json_decref(result);
		}
		return r;
	}
	if (!strcmp(o->verb, "del"))
		return chain_del(cl, &o->req, err);
	if (!strcmp(o->verb, "check"))
		return chain_check(cl, &o->req, err);
	if (!strcmp(o->verb, "gc"))
		return chain_gc(cl, &o->req, err);
	return chain_status(cl, &o->req, err);
}

static bool verb_known(const char *v)
{
	static const char *const verbs[] = { "add", "del", "check", "gc", "status" };
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(v, verbs[i]))
			return true;
	return false;
}

int cmd_cni(int argc, char **argv)
{
	struct cni_opts *o = calloc(1, sizeof(*o));
	struct chain_err err = { .plugin = -1, .op = "" };
	struct conflist cl = { 0 };
	int r, status = CLI_USAGE;

	if (!o)
		return CLI_FAILED;
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		status = argc < 2 ? CLI_USAGE : CLI_OK;
		goto out;
	}
	o->verb = argv[1];
	if (!verb_known(o->verb)) {
		status = usage_error("unknown action", o->verb);
		goto out;
	}
	r = parse_opts(argc - 1, argv + 1, o);
	if (r != 0) {
		status = r < 0 ? CLI_OK : CLI_USAGE;
		goto out;
	}
	if (fill_attachment(o, o->ns_arg) < 0) {
		status = usage_error("NETNS path too long", NULL);
		goto out;
	}
	o->req.cni_path = getenv("CNI_PATH") && getenv("CNI_PATH")[0] ? getenv("CNI_PATH")
								     : DEFAULT_CNI_PATH;
	o->req.cache_dir = getenv("NETCTL_STATEDIR") && getenv("NETCTL_STATEDIR")[0]
				   ? getenv("NETCTL_STATEDIR") : DEFAULT_STATEDIR;
	r = conflist_load(o->conflist, &cl, &err.cni);
	if (r == 0)
		r = run(o, &cl, &err);
	status = r < 0 ? report(o, &cl, &err) : CLI_OK;
	conflist_free(&cl);
out:
	json_decref(o->req.cap_args);
	free(o->valid_buf);
	free(o);
	return status;
}
