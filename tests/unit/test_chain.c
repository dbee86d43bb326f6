// SPDX-License-Identifier: Apache-2.0
/* The chain executor's pure parts: conflist, version choice, request configs, cache. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netctl/core/cache.h"
#include "netctl/core/chain.h"
#include "netctl/core/conflist.h"

static int parse(const char *text, struct conflist *cl, struct err *err)
{
	memset(err, 0, sizeof(*err));
	return conflist_parse(text, strlen(text), cl, err);
}

static void test_conflist_ok(void **state)
{
	struct conflist cl;
	struct err err;

	assert_int_equal(parse("{\"cniVersion\":\"1.0.0\",\"name\":\"net1\","
			       "\"disableCheck\":\"TRUE\",\"plugins\":[{\"type\":\"bridge\"},"
			       "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}}]}",
			       &cl, &err), 0);
	assert_string_equal(cl.name, "net1");
	assert_int_equal(cl.version, CNI_V_1_0_0);
	assert_int_equal(cl.n_plugins, 2);
	assert_string_equal(cl.plugins[1].type, "portmap");
	assert_true(cl.disable_check);
	assert_false(cl.disable_gc);
	assert_int_equal(cl.raw_len, strlen(cl.raw));
	conflist_free(&cl);
}

static void test_conflist_single_conf(void **state)
{
	struct conflist cl;
	struct err err;

	assert_int_equal(parse("{\"cniVersion\":\"0.3.1\",\"name\":\"lo\",\"type\":\"loopback\"}",
			       &cl, &err), 0);
	assert_string_equal(cl.name, "lo");
	assert_int_equal(cl.version, CNI_V_0_3_1);
	assert_int_equal(cl.n_plugins, 1);
	assert_string_equal(cl.plugins[0].type, "loopback");
	conflist_free(&cl);
}

static void test_conflist_bad(void **state)
{
	static const struct { const char *text; int code; } cases[] = {
		{ "{", ERR_DECODE },
		{ "[1]", ERR_DECODE },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"../x\",\"plugins\":[{\"type\":\"a\"}]}",
		  ERR_INVALID_CONFIG },
		{ "{\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"a\"}]}",
		  ERR_INVALID_CONFIG },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[]}",
		  ERR_INVALID_CONFIG },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}", ERR_INVALID_CONFIG },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"a/b\"}]}",
		  ERR_INVALID_CONFIG },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"..\"}]}",
		  ERR_INVALID_CONFIG },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"x\":1}]}",
		  ERR_INVALID_CONFIG },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"a\","
		  "\"capabilities\":{\"x\":1}}]}", ERR_INVALID_CONFIG },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"disableGC\":\"yes\","
		  "\"plugins\":[{\"type\":\"a\"}]}", ERR_INVALID_CONFIG },
		{ "{\"cniVersion\":\"0.2.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"a\"}]}",
		  ERR_INCOMPATIBLE_VERSION },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"name\":\"m\",\"plugins\":[]}",
		  ERR_DECODE },
	};
	struct conflist cl;
	struct err err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(parse(cases[i].text, &cl, &err) < 0);
		assert_int_equal(err.code, cases[i].code);
		assert_null(cl.root);
	}
}

static void test_conflist_too_big(void **state)
{
	size_t n = CONFLIST_MAX + 1;
	char *big = malloc(n);
	struct conflist cl;
	struct err err = { 0 };

	memset(big, ' ', n);
	assert_int_equal(conflist_parse(big, n, &cl, &err), -EFBIG);
	assert_int_equal(err.code, ERR_INVALID_CONFIG);
	free(big);
}

static enum cni_version pick(const char *text, struct err *err)
{
	json_t *root = json_loads(text, 0, NULL);
	enum cni_version v;

	memset(err, 0, sizeof(*err));
	v = conflist_pick_version(root, err);
	json_decref(root);
	return v;
}

static void test_version_choice(void **state)
{
	struct err err;

	assert_int_equal(pick("{\"cniVersion\":\"1.0.0\"}", &err), CNI_V_1_0_0);
	assert_int_equal(pick("{\"cniVersion\":\"1.0.0\",\"cniVersions\":[\"0.4.0\",\"1.1.0\","
			      "\"9.9.9\"]}", &err), CNI_V_1_1_0);
	/* entries above what we speak are skipped, as in libcni */
	assert_int_equal(pick("{\"cniVersion\":\"0.3.1\",\"cniVersions\":[\"2.0.0\"]}", &err),
			 CNI_V_0_3_1);
	assert_int_equal(pick("{\"cniVersions\":[\"0.4.0\",\"1.0.0\"]}", &err), CNI_V_1_0_0);
	/* numeric, not lexical: 0.10.0 > 0.4.0, but we do not speak it */
	assert_int_equal(pick("{\"cniVersions\":[\"0.4.0\",\"0.10.0\"]}", &err), CNI_V_UNKNOWN);
	assert_int_equal(err.code, ERR_INCOMPATIBLE_VERSION);
	assert_int_equal(pick("{\"cniVersions\":[\"x.y\"]}", &err), CNI_V_UNKNOWN);
	assert_int_equal(err.code, ERR_INVALID_CONFIG);
	assert_int_equal(pick("{\"cniVersions\":\"1.0.0\"}", &err), CNI_V_UNKNOWN);
	assert_int_equal(err.code, ERR_INVALID_CONFIG);
	assert_int_equal(pick("{}", &err), CNI_V_UNKNOWN);
	assert_int_equal(err.code, ERR_INCOMPATIBLE_VERSION);
	assert_int_equal(pick("{\"cniVersion\":\"1.2.0\"}", &err), CNI_V_UNKNOWN);
	assert_int_equal(pick("{\"cniVersions\":[\"9.0.0\"]}", &err), CNI_V_UNKNOWN);
}

static const char list_text[] =
	"{\"cniVersion\":\"1.1.0\",\"name\":\"n1\",\"plugins\":["
	"{\"type\":\"a\",\"name\":\"own\",\"cniVersion\":\"0.3.0\",\"keep\":1,"
	"\"capabilities\":{\"portMappings\":true,\"bandwidth\":false,\"ips\":true}},"
	"{\"type\":\"b\",\"runtimeConfig\":{\"mine\":1}}]}";

static void test_plugin_conf(void **state)
{
	json_t *caps = json_loads("{\"portMappings\":[1],\"bandwidth\":{},\"mac\":\"m\"}", 0, NULL);
	json_t *prev = json_loads("{\"cniVersion\":\"1.1.0\"}", 0, NULL);
	struct conflist cl;
	struct err err;
	json_t *c;

	assert_int_equal(parse(list_text, &cl, &err), 0);
	c = chain_plugin_conf(&cl, 0, NULL, caps);
	assert_string_equal(json_string_value(json_object_get(c, "name")), "n1");
	assert_string_equal(json_string_value(json_object_get(c, "cniVersion")), "1.1.0");
	assert_null(json_object_get(c, "capabilities"));
	assert_null(json_object_get(c, "prevResult"));
	assert_int_equal(json_integer_value(json_object_get(c, "keep")), 1);
	/* only declared, enabled and provided: portMappings (ips was not provided) */
	assert_int_equal(json_object_size(json_object_get(c, "runtimeConfig")), 1);
	assert_true(json_equal(json_object_get(json_object_get(c, "runtimeConfig"),
					       "portMappings"),
			       json_object_get(caps, "portMappings")));
	json_decref(c);
	/* the plugin's own config is untouched */
	assert_non_null(json_object_get(cl.plugins[0].conf, "capabilities"));
	assert_string_equal(json_string_value(json_object_get(cl.plugins[0].conf, "name")), "own");

	c = chain_plugin_conf(&cl, 1, prev, caps);
	assert_true(json_equal(json_object_get(c, "prevResult"), prev));
	/* no capability matched: the config's own runtimeConfig stays, as libcni leaves it */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "runtimeConfig"),
							      "mine")), 1);
	json_decref(c);
	c = chain_plugin_conf(&cl, 0, NULL, NULL);
	assert_null(json_object_get(c, "runtimeConfig"));
	json_decref(c);
	json_decref(caps);
	json_decref(prev);
	conflist_free(&cl);
}

static void test_gc_status_conf(void **state)
{
	struct chain_attachment valid[] = { { "c1", "eth0" }, { "c2", "net1" } };
	struct conflist cl;
	struct err err;
	json_t *c, *want;

	assert_int_equal(parse(list_text, &cl, &err), 0);
	c = chain_gc_conf(&cl, 0, valid, 2);
	want = json_loads("[{\"containerID\":\"c1\",\"ifname\":\"eth0\"},"
			  "{\"containerID\":\"c2\",\"ifname\":\"net1\"}]", 0, NULL);
	assert_true(json_equal(json_object_get(c, "cni.dev/valid-attachments"), want));
	assert_true(json_equal(json_object_get(c, "cni.dev/attachments"), want));
	assert_null(json_object_get(c, "capabilities"));
	assert_null(json_object_get(c, "runtimeConfig"));
	assert_string_equal(json_string_value(json_object_get(c, "name")), "n1");
	json_decref(c);
	json_decref(want);
	c = chain_gc_conf(&cl, 0, NULL, 0);
	assert_int_equal(json_array_size(json_object_get(c, "cni.dev/valid-attachments")), 0);
	json_decref(c);
	c = chain_status_conf(&cl, 0);
	assert_string_equal(json_string_value(json_object_get(c, "cniVersion")), "1.1.0");
	assert_null(json_object_get(c, "capabilities"));
	json_decref(c);
	conflist_free(&cl);
}

static void test_result_convert(void **state)
{
	struct err err = { 0 };
	json_t *r;

	r = chain_result_convert("{\"cniVersion\":\"1.0.0\","
				 "\"ips\":[{\"address\":\"10.0.0.2/24\"}]}", CNI_V_0_4_0, &err);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "cniVersion")), "0.4.0");
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(r, "ips"), 0), "version")), "4");
	json_decref(r);
	/* no cniVersion: the config's (libcni's fixupResultVersion) */
	r = chain_result_convert("{\"ips\":[{\"version\":\"4\",\"address\":\"10.0.0.2/24\"}]}",
				 CNI_V_0_3_1, &err);
	assert_non_null(r);
	json_decref(r);
	r = chain_result_convert("", CNI_V_1_0_0, &err);
	assert_null(r);
	assert_int_equal(err.code, ERR_DECODE);
	memset(&err, 0, sizeof(err));
	r = chain_result_convert("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"x\"}]}",
				 CNI_V_1_0_0, &err);
	assert_null(r);
	assert_int_equal(err.code, ERR_DECODE);
}

static void test_cache_entry(void **state)
{
	struct cache_key k = { "n1", "c1", "eth0" };
	json_t *caps = json_loads("{\"portMappings\":[]}", 0, NULL);
	json_t *res = json_loads("{\"cniVersion\":\"1.0.0\"}", 0, NULL);
	json_t *e, *empty = json_object();
	char path[256], *s;

	assert_int_equal(cache_path("/var/lib/netctl", &k, path, sizeof(path)), 0);
	assert_string_equal(path, "/var/lib/netctl/results/n1-c1-eth0");
	k.ifname = "a/b";
	assert_int_equal(cache_path("/x", &k, path, sizeof(path)), -EINVAL);
	k.ifname = "eth0";

	e = cache_entry_build(&k, "/run/netns/x", "A=1;B=x=y", caps, "hello", 5, res);
	s = json_dumps(e, JSON_COMPACT);
	/* libcni's field order and shapes; config is base64 ([]byte) */
	assert_string_equal(s, "{\"kind\":\"cniCacheV1\",\"containerId\":\"c1\","
			    "\"config\":\"aGVsbG8=\",\"ifName\":\"eth0\",\"networkName\":\"n1\","
			    "\"netns\":\"/run/netns/x\","
			    "\"cniArgs\":[[\"A\",\"1\"],[\"B\",\"x=y\"]],"
			    "\"capabilityArgs\":{\"portMappings\":[]},"
			    "\"result\":{\"cniVersion\":\"1.0.0\"}}");
	free(s);
	s = cache_args_string(e);
	assert_string_equal(s, "A=1;B=x=y");
	free(s);
	json_decref(e);
	/* omitempty: no netns, args or empty capability args */
	e = cache_entry_build(&k, NULL, NULL, empty, "hi", 2, res);
	s = json_dumps(e, JSON_COMPACT);
	assert_string_equal(s, "{\"kind\":\"cniCacheV1\",\"containerId\":\"c1\","
			    "\"config\":\"aGk=\",\"ifName\":\"eth0\",\"networkName\":\"n1\","
			    "\"result\":{\"cniVersion\":\"1.0.0\"}}");
	assert_null(cache_args_string(e));
	free(s);
	json_decref(e);
	e = cache_entry_build(&k, NULL, NULL, NULL, "abc", 3, NULL);
	assert_string_equal(json_string_value(json_object_get(e, "config")), "YWJj");
	json_decref(e);
	json_decref(empty);
	json_decref(caps);
	json_decref(res);
}

static int count_entry(json_t *entry, void *data)
{
	(*(int *)data)++;
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_cache_files(void **state)
{
	char dir[] = "/tmp/test_chain.XXXXXX", path[512];
	struct cache_key k1 = { "n1", "c1", "eth0" }, k2 = { "n1", "c2", "eth0" };
	struct cache_key k3 = { "n2", "c1", "eth0" };
	json_t *e, *got;
	int n = 0;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(cache_for_each(dir, "n1", count_entry, &n), 0);
	assert_int_equal(n, 0);
	e = cache_entry_build(&k1, "/run/netns/a", NULL, NULL, "{}", 2, NULL);
	assert_int_equal(cache_write(dir, &k1, e), 0);
	json_decref(e);
	e = cache_entry_build(&k2, NULL, NULL, NULL, "{}", 2, NULL);
	assert_int_equal(cache_write(dir, &k2, e), 0);
	json_decref(e);
	e = cache_entry_build(&k3, NULL, NULL, NULL, "{}", 2, NULL);
	assert_int_equal(cache_write(dir, &k3, e), 0);
	json_decref(e);
	snprintf(path, sizeof(path), "%s/results/n1-bad-eth0", dir);
	write_file(path, "{\"kind\":\"other\",\"containerId\":\"bad\",\"ifName\":\"eth0\","
		   "\"networkName\":\"n1\"}");
	snprintf(path, sizeof(path), "%s/results/n1-evil-eth0", dir);
	write_file(path, "{\"kind\":\"cniCacheV1\",\"containerId\":\"../x\",\"ifName\":\"eth0\","
		   "\"networkName\":\"n1\"}");

	assert_int_equal(cache_read(dir, &k1, &got), 0);
	assert_string_equal(json_string_value(json_object_get(got, "netns")), "/run/netns/a");
	json_decref(got);
	assert_int_equal(cache_for_each(dir, "n1", count_entry, &n), 0);
	assert_int_equal(n, 2);
	/* network "n1-x" shares the file name prefix "n1-": networkName decides */
	e = cache_entry_build(&(struct cache_key){ "n1-x", "c1", "eth0" }, NULL, NULL, NULL,
			      "{}", 2, NULL);
	assert_int_equal(cache_write(dir, &(struct cache_key){ "n1-x", "c1", "eth0" }, e), 0);
	json_decref(e);
	n = 0;
	assert_int_equal(cache_for_each(dir, "n1", count_entry, &n), 0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(cache_for_each(dir, "n1-x", count_entry, &n), 0);
	assert_int_equal(n, 1);
	/* a file of n1 under another network's name prefix is not n1's */
	snprintf(path, sizeof(path), "%s/results/n2-c9-eth0", dir);
	write_file(path, "{\"kind\":\"cniCacheV1\",\"containerId\":\"c9\",\"ifName\":\"eth0\","
		   "\"networkName\":\"n1\"}");
	n = 0;
	assert_int_equal(cache_for_each(dir, "n1", count_entry, &n), 0);
	assert_int_equal(n, 2);
	unlink(path);
	assert_int_equal(cache_remove(dir, &(struct cache_key){ "n1-x", "c1", "eth0" }), 0);
	assert_int_equal(cache_remove(dir, &k1), 0);
	assert_int_equal(cache_remove(dir, &k1), 0);
	assert_int_equal(cache_read(dir, &k1, &got), -ENOENT);
	snprintf(path, sizeof(path), "%s/results/n1-c2-eth0", dir);
	write_file(path, "not json");
	assert_int_equal(cache_read(dir, &k2, &got), -EINVAL);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conflist_ok),
		cmocka_unit_test(test_conflist_single_conf),
		cmocka_unit_test(test_conflist_bad),
		cmocka_unit_test(test_conflist_too_big),
		cmocka_unit_test(test_version_choice),
		cmocka_unit_test(test_plugin_conf),
		cmocka_unit_test(test_gc_status_conf),
		cmocka_unit_test(test_result_convert),
		cmocka_unit_test(test_cache_entry),
		cmocka_unit_test(test_cache_files),
	};

	return cmocka_run_group_tests_name("chain", tests, NULL, NULL);
}
