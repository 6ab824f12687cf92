/* SPDX-License-Identifier: MIT */
/*
 * Replay driver for fuzz targets built without a fuzzing engine: each
 * argument is a file or a folder of files, fed one by one to
 * LLVMFuzzerTestOneInput, once each.  `make check` runs every corpus
 * through it, so every crash ever found stays a regression test.
 */
#include "config.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Each input gets a heap block of exactly its size, as libFuzzer gives it:
 * a larger buffer would hide every read past the input's end from ASan
 * (that is how a seed that over-reads under libFuzzer once passed here).
 */
static int run_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf;
	size_t len, got = 0;
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "fuzz-main: cannot open '%s': %s\n", path, strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		fprintf(stderr, "fuzz-main: '%s' is not a regular file\n", path);
		close(fd);
		return 1;
	}
	len = (size_t)st.st_size;
	/* malloc(0) still returns a block ASan tracks: any read of it is reported. */
	buf = malloc(len);
	if (!buf && len) {
		fprintf(stderr, "fuzz-main: '%s': out of memory for %zu bytes\n", path, len);
		close(fd);
		return 1;
	}
	while (got < len) {
		n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "fuzz-main: '%s' changed while being read\n", path);
			free(buf);
			close(fd);
			return 1;
		}
		got += (size_t)n;
	}
	close(fd);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	bool failed = false;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		/* libFuzzer's flags: the same command line replays under both. */
		if (argv[i][0] == '-')
			continue;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "fuzz-main: '%s' does not exist\n", argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			struct dirent **list;
			int n = scandir(argv[i], &list, NULL, alphasort);

			if (n < 0) {
				fprintf(stderr, "fuzz-main: cannot list '%s'\n", argv[i]);
				return 1;
			}
			for (int j = 0; j < n; j++) {
				char path[4096];

				if (!failed && list[j]->d_name[0] != '.') {
					snprintf(path, sizeof(path), "%s/%s", argv[i], list[j]->d_name);
					if (run_file(path) != 0)
						failed = true;
					count++;
				}
				free(list[j]);
			}
			free(list);
			if (failed)
				return 1;
		} else {
			if (run_file(argv[i]) != 0)
				return 1;
			count++;
		}
	}
	printf("fuzz-main: %u inputs replayed\n", count);
	return 0;
}
