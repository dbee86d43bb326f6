// SPDX-License-Identifier: Apache-2.0
/*
 * netctl/core/gc: the steps report each action through the caller's callback (and an
 * audit line), never on stdout; shown with the steps that need no kernel objects.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netctl/core/gc.h"
#include "util/file.h"

struct reports {
	int n, failed;
	char last[1024];
};

static void collect(const struct gc_event *ev, void *data)
{
	struct reports *r = data;

	r->n++;
	r->failed += ev->failed;
	snprintf(r->last, sizeof(r->last), "%s", ev->text);
}

static void touch(const char *dir, const char *name)
{
	char path[2 * PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
}

static pid_t dead_pid(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return pid;
}

/* A temp file whose writer is dead goes, reported once; a live writer's stays. */
static void test_stale_tmp_files(void **state)
{
	char root[] = "/tmp/test_gc.XXXXXX", results[PATH_MAX + 16], dead[64], live[64];
	char want[3 * PATH_MAX], audit[PATH_MAX + 16], line[2048];
	struct netctl_paths p = { 0 };
	struct reports r = { 0 };
	struct gc_ctx g = { .p = &p, .report = collect, .data = &r };
	pid_t pid = dead_pid();
	FILE *f;

	assert_non_null(mkdtemp(root));
	snprintf(p.rundir, sizeof(p.rundir), "%s/run", root);
	snprintf(p.statedir, sizeof(p.statedir), "%s/state", root);
	snprintf(results, sizeof(results), "%s/results", p.statedir);
	assert_int_equal(mkdir_p(results, 0755), 0);
	snprintf(dead, sizeof(dead), "web-c1.tmp.%d", (int)pid);
	snprintf(live, sizeof(live), "web-c2.tmp.%d", (int)getpid());
	touch(results, dead);
	touch(results, live);
	snprintf(audit, sizeof(audit), "%s/audit.log", root);
	setenv("NETCTL_AUDIT_FILE", audit, 1);

	gc_stale_tmp_files(&g);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.failed, 0);
	snprintf(want, sizeof(want), "removed stale temp file %s/%s (its writer, pid %d, is gone)",
		 results, dead, (int)pid);
	assert_string_equal(r.last, want);
	snprintf(want, sizeof(want), "%s/%s", results, dead);
	assert_int_not_equal(access(want, F_OK), 0);
	snprintf(want, sizeof(want), "%s/%s", results, live);
	assert_int_equal(access(want, F_OK), 0);

	/* The same action is one audit line, op=gc, result=ok. */
	f = fopen(audit, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_non_null(strstr(line, "op=gc"));
	assert_non_null(strstr(line, "result=ok"));
	assert_non_null(strstr(line, "removed stale temp file"));
	unsetenv("NETCTL_AUDIT_FILE");

	/* Nothing left to do: no report; and without a callback nothing breaks. */
	r.n = 0;
	gc_stale_tmp_files(&g);
	gc_dead_runs(&g);
	assert_int_equal(r.n, 0);
	g.report = NULL;
	gc_stale_tmp_files(&g);

	unlink(want);
	unlink(audit);
	rmdir(results);
	rmdir(p.statedir);
	rmdir(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stale_tmp_files),
	};

	return cmocka_run_group_tests_name("gc", tests, NULL, NULL);
}
