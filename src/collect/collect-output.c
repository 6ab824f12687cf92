/* SPDX-License-Identifier: MIT */
/*
 * collect-output: where the bundle goes.  -o names a file or a folder; in
 * a folder the bundle gets a default name from host, PCI address and time.
 * Everything that can be wrong with the path is found before the first
 * device command, not after the whole collection.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collect/collect-internal.h"

static const char *suffix(enum bundle_compression comp)
{
	switch (comp) {
	case BUNDLE_COMPRESS_GZIP: return ".tar.gz";
	case BUNDLE_COMPRESS_XZ:   return ".tar.xz";
	case BUNDLE_COMPRESS_NONE: return ".tar";
	case BUNDLE_COMPRESS_ZSTD: break;
	}
	return ".tar.zst";
}

static void sanitize(char *s)
{
	/* ':' would make GNU tar read "host:file" as a remote archive. */
	for (; *s; s++)
		if (*s == ':' || *s == '/' || *s == ' ')
			*s = '-';
}

/*
 * The default name has one-second resolution and every emulator profile
 * shares one PCI address, so two runs can want the same name: the first
 * free one of NAME, NAME-2, NAME-3, ... (before the suffix) is taken.  An
 * explicit file name is the operator's choice and is never changed.
 */
static int pick_free_name(struct collect *c, const char *dir, const char *stem,
			  const char *ext)
{
	struct stat st;
	char *p;
	size_t len = strlen(dir) + 1 + strlen(stem) + 16 + strlen(ext) + 1;
	const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";

	p = malloc(len);
	if (!p)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	for (unsigned n = 1; n <= COLLECT_NAME_TRIES; n++) {
		if (n == 1)
			snprintf(p, len, "%s%s%s%s", dir, sep, stem, ext);
		else
			snprintf(p, len, "%s%s%s-%u%s", dir, sep, stem, n, ext);
		if (lstat(p, &st) < 0 && errno == ENOENT) {
			free(c->output);
			c->output = p;
			return 0;
		}
	}
	free(p);
	return fw_error(c->ctx, -EEXIST,
			"'%s%s%s%s' and %u numbered variants already exist: remove old "
			"bundles or give -o another folder",
			dir, sep, stem, ext, COLLECT_NAME_TRIES - 1);
}

/*
 * -o PATH is not an existing folder: say what is really wrong with it
 * before anything is collected.  "dir/" is meant as a folder; "dir/file"
 * needs its folder to exist.
 */
static int check_output_folder(struct collect *c, const char *out)
{
	size_t len = strlen(out);
	const char *slash = strrchr(out, '/');
	struct stat st;
	char *dir;
	int r = 0;

	if (out[len - 1] == '/') {
		if (stat(out, &st) < 0 && errno == ENOENT)
			return fw_error(c->ctx, -ENOENT,
					"output folder '%s' does not exist: create it first "
					"(mkdir -p '%s') or give an existing folder or a file name",
					out, out);
		return fw_error(c->ctx, -ENOTDIR,
				"'%s' ends in '/' but is not a folder: give a folder or a file name",
				out);
	}
	if (!slash || slash == out)
		return 0;
	dir = strndup(out, (size_t)(slash - out));
	if (!dir)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	if (stat(dir, &st) < 0 && errno == ENOENT)
		r = fw_error(c->ctx, -ENOENT,
			     "folder '%s' of bundle '%s' does not exist: create it first "
			     "(mkdir -p '%s') or write the bundle elsewhere",
			     dir, out, dir);
	else if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		r = fw_error(c->ctx, -ENOTDIR, "'%s' in bundle path '%s' is not a folder", dir,
			     out);
	free(dir);
	return r;
}

/*
 * The bundle is written into its folder only at the end (an O_TMPFILE
 * there, then linkat): a read-only or foreign folder must fail here,
 * before the first device command, not after the whole collection.
 * access() also reports EROFS for a read-only mount, even for root.
 */
static int check_writable(struct collect *c)
{
	const char *slash = strrchr(c->output, '/');
	char *dir;
	int r = 0;

	if (!slash)
		dir = strdup(".");
	else if (slash == c->output)
		dir = strdup("/");
	else
		dir = strndup(c->output, (size_t)(slash - c->output));
	if (!dir)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	if (access(dir, W_OK | X_OK) < 0) {
		int e = errno;

		r = fw_error(c->ctx, -e,
			     "cannot write bundle '%s' into folder '%s': %s; nothing was "
			     "collected: give -o a writable folder", c->output, dir, strerror(e));
	}
	free(dir);
	return r;
}

int collect_make_output_path(struct collect *c)
{
	char host[128], pci[sizeof(c->info.devlink)], stamp[32], stem[320];
	const char *dir = ".";
	const char *out = c->opts.output;
	struct stat st;
	time_t t = (time_t)(c->created_ns / 1000000000ull);
	struct tm tm;
	int r;

	if (out && *out && !(stat(out, &st) == 0 && S_ISDIR(st.st_mode))) {
		c->default_name = false;
		r = check_output_folder(c, out);
		if (r < 0)
			return r;
		/* Fail before collecting, not after: the writer replaces only a
		 * regular file, and only when asked to (--force). */
		if (lstat(out, &st) == 0 && !c->opts.replace)
			return fw_error(c->ctx, -EEXIST,
					"'%s' already exists: remove it, choose another file name, "
					"give -o a folder to get a fresh default name, or replace it "
					"with --force", out);
		if (lstat(out, &st) == 0 && !S_ISREG(st.st_mode))
			return fw_error(c->ctx, -EEXIST,
					"'%s' exists and is not a regular file: not replacing it, "
					"even with --force", out);
		free(c->output);
		c->output = strdup(out);
		if (!c->output)
			return fw_error(c->ctx, -ENOMEM, "out of memory");
		return check_writable(c);
	}
	c->default_name = true;
	collect_host_name(host, sizeof(host));
	sanitize(host);
	snprintf(pci, sizeof(pci), "%s",
		 c->info.pci[0] ? c->info.pci : c->info.devlink[0] ? c->info.devlink : "unknown");
	sanitize(pci);
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(stem, sizeof(stem), "fwbox-%s-%s-%s", host, pci, stamp);
	if (out && *out)
		dir = out;
	r = pick_free_name(c, dir, stem, suffix(c->opts.compression));
	return r < 0 ? r : check_writable(c);
}

int collect_refresh_output(struct collect *c)
{
	struct stat st;

	/* Another run may have taken the default name since collect_new(). */
	if (c->default_name && lstat(c->output, &st) == 0)
		return collect_make_output_path(c);
	return 0;
}
