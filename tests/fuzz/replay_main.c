// SPDX-License-Identifier: Apache-2.0
/*
 * Corpus replay without libFuzzer: feeds every file named on the command line (or
 * every file in a named directory) to LLVMFuzzerTestOneInput once. Built with gcc
 * under ASan+UBSan by `make SAN=1`, so `make check` replays the corpora in CI.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	char *buf = NULL;
	size_t len = 0;

	if (file_read_bounded(path, 4 << 20, &buf, &len) < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	return 0;
}

static int replay(const char *path, int *count)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int bad = 0;

	if (stat(path, &st) < 0)
		return 1;
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	d = opendir(path);
	if (!d)
		return 1;
	while ((de = readdir(d))) {
		char p[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		bad |= replay(p, count);
	}
	closedir(d);
	return bad;
}

int main(int argc, char **argv)
{
	int i, bad = 0, count = 0;

	for (i = 1; i < argc; i++)
		bad |= replay(argv[i], &count);
	printf("replayed %d inputs\n", count);
	return bad || count == 0;
}
