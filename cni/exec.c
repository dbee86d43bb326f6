// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cni/exec.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

#define CNI_STDOUT_MAX (1024 * 1024)

extern char **environ;

int cni_find_plugin(const char *type, const char *cni_path, char *out, size_t n)
{
	const char *p = cni_path;

	if (!type || !type[0] || strchr(type, '/') || !cni_path)
		return -ENOENT;
	while (*p) {
		const char *colon = strchrnul(p, ':');
		struct stat st;

		if (colon > p && str_printf(out, n, "%.*s/%s", (int)(colon - p), p, type) == 0 &&
		    stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
		p = *colon ? colon + 1 : colon;
	}
	return -ENOENT;
}

/* Our environment minus every CNI_* variable, plus the request's. */
static char **build_env(const struct cni_exec_req *req, char *storage, size_t storage_len)
{
	size_t n = 0, i, used = 0;
	char **envp;
	const struct { const char *k, *v; } add[] = {
		{ "CNI_COMMAND", req->command },   { "CNI_CONTAINERID", req->container_id },
		{ "CNI_NETNS", req->netns },	   { "CNI_IFNAME", req->ifname },
		{ "CNI_ARGS", req->args },	   { "CNI_PATH", req->cni_path },
	};

	while (environ[n])
		n++;
	envp = calloc(n + ARRAY_SIZE(add) + 1, sizeof(*envp));
	if (!envp)
		return NULL;
	n = 0;
	for (i = 0; environ[i]; i++)
		if (!str_has_prefix(environ[i], "CNI_"))
			envp[n++] = environ[i];
	for (i = 0; i < ARRAY_SIZE(add); i++) {
		int len;

		if (!add[i].v)
			continue;
		len = snprintf(storage + used, storage_len - used, "%s=%s", add[i].k, add[i].v);
		if (len < 0 || (size_t)len >= storage_len - used) {
			free(envp);
			return NULL;
		}
		envp[n++] = storage + used;
		used += (size_t)len + 1;
	}
	envp[n] = NULL;
	return envp;
}

/* stdin goes through a memfd: no pipe to keep fed while we read stdout. */
static int stdin_memfd(const char *data, size_t len)
{
	int fd = memfd_create("cni-stdin", MFD_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (r == 0 && lseek(fd, 0, SEEK_SET) < 0)
		r = -errno;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

static int spawn_plugin(const char *path, const struct cni_exec_req *req, int in_fd,
			int out_fd, pid_t *pid)
{
	_cleanup_free_ char **envp = NULL;
	_cleanup_free_ char *storage = NULL;
	size_t storage_len = 16384;
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)req->type, NULL };
	int r;

	storage = malloc(storage_len);
	if (!storage)
		return -ENOMEM;
	envp = build_env(req, storage, storage_len);
	if (!envp)
		return -E2BIG;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	r = posix_spawn(pid, path, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	return -r;
}

static void exec_failure(struct err *err, const struct cni_exec_req *req, const char *out,
			 int status)
{
	if (out && out[0] && cni_err_from_json(out, err) == 0)
		return;
	if (WIFSIGNALED(status))
		err_set(err, -EINVAL, ERR_INTERNAL, "CNI plugin was killed",
			"plugin %s %s: killed by signal %d", req->type, req->command,
			WTERMSIG(status));
	else
		err_set(err, -EINVAL, ERR_INTERNAL, "CNI plugin failed",
			"plugin %s %s: exit status %d, output: %.512s", req->type, req->command,
			WEXITSTATUS(status), out ? out : "");
}

int cni_exec(const struct cni_exec_req *req, char **out, struct err *err)
{
	char path[PATH_MAX];
	_cleanup_close_ int in_fd = -1;
	_cleanup_free_ char *buf = NULL;
	int pipefd[2], status, r;
	pid_t pid;

	*out = NULL;
	if (cni_find_plugin(req->type, req->cni_path, path, sizeof(path)) < 0)
		return err_set(err, -ENOENT, ERR_INVALID_CONFIG, "CNI plugin not found",
			       "no executable \"%s\" in CNI_PATH=%s", req->type,
			       req->cni_path ? req->cni_path : "");
	in_fd = stdin_memfd(req->stdin_data ? req->stdin_data : "", req->stdin_len);
	if (in_fd < 0)
		return err_set(err, in_fd, ERR_IO, "cannot pass the configuration", "memfd: %s",
			       strerror(-in_fd));
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return err_set(err, -errno, ERR_IO, "cannot run CNI plugin", "pipe: %s",
			       strerror(errno));
	r = spawn_plugin(path, req, in_fd, pipefd[1], &pid);
	close(pipefd[1]);
	if (r < 0) {
		close(pipefd[0]);
		return err_set(err, r, ERR_IO, "cannot run CNI plugin", "%s: %s", path,
			       strerror(-r));
	}
	r = fd_read_bounded(pipefd[0], CNI_STDOUT_MAX, &buf, NULL);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_set(err, -errno, ERR_IO, "lost the CNI plugin", "waitpid: %s",
				       strerror(errno));
	if (r < 0)
		return err_set(err, r, ERR_IO, "cannot read the plugin's output", "plugin %s: %s",
			       req->type, strerror(-r));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		exec_failure(err, req, buf, status);
		return -EIO;
	}
	*out = TAKE_PTR(buf);
	return 0;
}

static struct {
	const char *type;
	const struct cni_plugin_ops *ops;
} builtin;

void cni_delegate_builtin(const char *type, const struct cni_plugin_ops *ops)
{
	builtin.type = type;
	builtin.ops = ops;
}

/* Is the @type found on @cni_path the file of that name beside our own binary? */
static bool builtin_usable(const char *type, const char *cni_path)
{
	char self[PATH_MAX], found[PATH_MAX], *slash;
	const char *off = getenv("NETCTL_DELEGATE_EXEC");
	struct stat a, b;
	ssize_t k;

	if (!builtin.ops || strcmp(type, builtin.type) || (off && *off && strcmp(off, "0")))
		return false;
	k = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (k <= 0)
		return false;
	self[k] = 0;
	slash = strrchr(self, '/');
	if (!slash || str_printf(slash + 1, sizeof(self) - (size_t)(slash + 1 - self), "%s",
				 type) < 0)
		return false;
	return cni_find_plugin(type, cni_path, found, sizeof(found)) == 0 &&
	       stat(found, &a) == 0 && stat(self, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int cni_delegate(const struct cni_env *env, const char *type, const char *command,
		 const char *stdin_data, size_t stdin_len, char **out, struct err *err)
{
	struct cni_exec_req req = {
		.type = type,
		.cni_path = env->path,
		.command = command,
		.container_id = env->container_id,
		.netns = env->netns,
		.ifname = env->ifname,
		.args = env->args,
		.stdin_data = stdin_data,
		.stdin_len = stdin_len,
	};

	if (builtin_usable(type, env->path))
		return cni_plugin_call(builtin.ops, env, command, stdin_data, stdin_len, out,
				       err);
	return cni_exec(&req, out, err);
}
