/* SPDX-License-Identifier: MIT */
/*
 * archive: a bounded, read-only walk over tar archives that other tools
 * made (fwbox import's sysinfo-snapshot and sos inputs).
 *
 * Same protections as the bundle reader, for archives we do not trust:
 * opened by the bundle reader's opener (bundle_tar_open: only the tar
 * formats, never _all: most libarchive CVEs are in the other formats), entries are never extracted (the caller gets
 * bytes, never a path on disk), links, devices and hostile names are
 * reported and skipped, and every byte inflated counts against the
 * per-entry, total and ratio limits of core/limits.h, so a decompression
 * bomb stops with -EOVERFLOW after a bounded amount of work.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/bundle-internal.h"
#include "core/limits.h"

struct bundle_archive {
	struct fw_ctx *ctx;
	struct archive *a;
	char *path;                    /* for messages */
	int fd;
	uint64_t file_size;            /* compressed size, for the ratio */
	uint64_t entries;
	uint64_t inflated;             /* all entries so far */
	uint64_t entry_left;           /* bytes the current FILE entry may still give */
	uint64_t entry_read;
	bool in_file;
	char name[FW_LIMIT_ARCHIVE_NAME + 8];
};

static int arc_error(struct bundle_archive *ar, const char *what)
{
	return bundle_tar_error(ar->ctx, ar->a, ar->path, what);
}

/* Other tools' archives: tar with any of the filters sysinfo-snapshot, sos
 * and doca-sosreport use (gzip, bzip2, xz, zstd), not concatenated. */
static int arc_setup(struct bundle_archive *ar, const void *mem, size_t len)
{
	struct bundle_tar_source src = {
		.path = ar->path, .fd = ar->fd, .mem = mem, .mem_len = len,
		.filters = BUNDLE_TAR_GZIP | BUNDLE_TAR_BZIP2 | BUNDLE_TAR_XZ | BUNDLE_TAR_ZSTD,
		.block = FW_LIMIT_READ_CHUNK,
	};

	return bundle_tar_open(ar->ctx, &src, &ar->a);
}

static int arc_new(struct fw_ctx *ctx, const char *path, struct bundle_archive **ret)
{
	struct bundle_archive *ar = calloc(1, sizeof(*ar));

	if (!ar)
		return fw_error(ctx, -ENOMEM, "out of memory");
	ar->ctx = ctx;
	ar->fd = -1;
	ar->path = strdup(path);
	if (!ar->path) {
		free(ar);
		return fw_error(ctx, -ENOMEM, "out of memory");
	}
	*ret = ar;
	return 0;
}

int bundle_archive_open(struct fw_ctx *ctx, const char *path, struct bundle_archive **ret)
{
	struct bundle_archive *ar;
	struct stat st;
	int r;

	r = arc_new(ctx, path, &ar);
	if (r < 0)
		return r;
	ar->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (ar->fd < 0) {
		r = fw_error(ctx, -errno, "'%s': %m", path);
		goto fail;
	}
	if (fstat(ar->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = fw_error(ctx, -EINVAL, "'%s' is not a regular file", path);
		goto fail;
	}
	if (!st.st_size) {
		r = fw_error(ctx, -EBADMSG, "'%s' is empty (0 bytes), not an archive", path);
		goto fail;
	}
	ar->file_size = (uint64_t)st.st_size;
	r = arc_setup(ar, NULL, 0);
	if (r < 0)
		goto fail;
	*ret = ar;
	return 0;
fail:
	bundle_archive_close(ar);
	return r;
}

int bundle_archive_open_memory(struct fw_ctx *ctx, const void *data, size_t len,
			       struct bundle_archive **ret)
{
	struct bundle_archive *ar;
	int r;

	r = arc_new(ctx, "(memory)", &ar);
	if (r < 0)
		return r;
	ar->file_size = len;
	if (!len) {
		r = fw_error(ctx, -EBADMSG, "'%s' is empty (0 bytes), not an archive", ar->path);
		goto fail;
	}
	r = arc_setup(ar, data, len);
	if (r < 0)
		goto fail;
	*ret = ar;
	return 0;
fail:
	bundle_archive_close(ar);
	return r;
}

void bundle_archive_close(struct bundle_archive *ar)
{
	if (!ar)
		return;
	if (ar->a)
		archive_read_free(ar->a);
	if (ar->fd >= 0)
		close(ar->fd);
	free(ar->path);
	free(ar);
}

const char *bundle_archive_filter(const struct bundle_archive *ar)
{
	const char *n = ar->a ? archive_filter_name(ar->a, 0) : NULL;

	return n ? n : "none";
}

uint64_t bundle_archive_inflated(const struct bundle_archive *ar)
{
	return ar->inflated;
}

/* Copy name without "./" prefixes, control bytes as '?'; NULL if what is
 * left is a name we refuse (absolute, '..' component, empty). */
static const char *clean_name(struct bundle_archive *ar, const char *name, const char **why)
{
	size_t i, n;
	const char *p;

	*why = NULL;
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	n = strlen(name);
	if (n > FW_LIMIT_ARCHIVE_NAME) {
		n = FW_LIMIT_ARCHIVE_NAME;
		*why = "a name longer than FW_LIMIT_ARCHIVE_NAME";
	}
	for (i = 0; i < n; i++)
		ar->name[i] = ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) ? '?' : name[i];
	ar->name[i] = '\0';
	if (*why)
		return ar->name;
	if (!n)
		*why = "an entry without a name";
	else if (name[0] == '/')
		*why = "an absolute name";
	else if (strcspn(name, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
			       "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f") != n)
		*why = "a name with control characters";
	for (p = name; !*why && p && *p;) {
		size_t c = strcspn(p, "/");

		if (c == 2 && p[0] == '.' && p[1] == '.')
			*why = "a name with a '..' component";
		p += c;
		if (*p == '/')
			p++;
	}
	return ar->name;
}

static const char *other_type(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return "a hard link";
	switch (archive_entry_filetype(e)) {
	case AE_IFLNK:
		return "a symbolic link";
	case AE_IFCHR:
		return "a character device";
	case AE_IFBLK:
		return "a block device";
	case AE_IFIFO:
		return "a FIFO";
	case AE_IFSOCK:
		return "a socket";
	default:
		return "not a regular file";
	}
}

int bundle_archive_next(struct bundle_archive *ar, struct bundle_archive_entry *ret)
{
	struct archive_entry *e;
	const char *name, *why;
	int r;

	ar->in_file = false;
	r = archive_read_next_header(ar->a, &e);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r != ARCHIVE_OK) /* ARCHIVE_WARN too: a damaged header */
		return arc_error(ar, "reading the next entry");
	if (++ar->entries > FW_LIMIT_ARCHIVE_ENTRIES)
		return fw_error(ar->ctx, -EOVERFLOW,
				"'%s': more than FW_LIMIT_ARCHIVE_ENTRIES (%u) entries", ar->path,
				FW_LIMIT_ARCHIVE_ENTRIES);
	memset(ret, 0, sizeof(*ret));
	ret->index = ar->entries - 1;
	name = archive_entry_pathname(e);
	ret->name = clean_name(ar, name ? name : "", &why);
	if (archive_entry_mtime_is_set(e) && archive_entry_mtime(e) > 0)
		ret->mtime_ns = (uint64_t)archive_entry_mtime(e) * 1000000000ull +
				(uint64_t)archive_entry_mtime_nsec(e);
	if (why) {
		ret->type = BUNDLE_ARCHIVE_SKIP;
		ret->skip_reason = why;
		return 1;
	}
	if (archive_entry_filetype(e) == AE_IFDIR && !archive_entry_hardlink(e)) {
		ret->type = BUNDLE_ARCHIVE_DIR;
		return 1;
	}
	if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) ||
	    archive_entry_symlink(e)) {
		ret->type = BUNDLE_ARCHIVE_SKIP;
		ret->skip_reason = other_type(e);
		return 1;
	}
	if (!archive_entry_size_is_set(e) || archive_entry_size(e) < 0) {
		ret->type = BUNDLE_ARCHIVE_SKIP;
		ret->skip_reason = "a file without a size";
		return 1;
	}
	ret->size = (uint64_t)archive_entry_size(e);
	if (ret->size > FW_LIMIT_ARCHIVE_ENTRY) {
		ret->type = BUNDLE_ARCHIVE_SKIP;
		ret->skip_reason = "larger than FW_LIMIT_ARCHIVE_ENTRY";
		return 1;
	}
	ret->type = BUNDLE_ARCHIVE_FILE;
	ar->in_file = true;
	ar->entry_left = ret->size;
	ar->entry_read = 0;
	return 1;
}

int bundle_archive_read(struct bundle_archive *ar, void *buf, size_t len, size_t *ret_n)
{
	la_ssize_t n;

	if (!ar->in_file) {
		*ret_n = 0;
		return 0;
	}
	if (fw_ctx_cancelled(ar->ctx))
		return fw_error(ar->ctx, -EINTR, "'%s': interrupted", ar->path);
	n = archive_read_data(ar->a, buf, len);
	if (n < 0)
		return arc_error(ar, ar->name);
	if ((uint64_t)n > ar->entry_left)
		return fw_error(ar->ctx, -EBADMSG, "'%s': entry '%s' holds more than its size",
				ar->path, ar->name);
	ar->entry_left -= (uint64_t)n;
	ar->inflated += (uint64_t)n;
	if (ar->inflated > FW_LIMIT_ARCHIVE_TOTAL)
		return fw_error(ar->ctx, -EOVERFLOW,
				"'%s': inflates beyond FW_LIMIT_ARCHIVE_TOTAL (%llu bytes)", ar->path,
				(unsigned long long)FW_LIMIT_ARCHIVE_TOTAL);
	if (ar->inflated > FW_LIMIT_RATIO_FLOOR && ar->inflated / FW_LIMIT_RATIO > ar->file_size)
		return fw_error(ar->ctx, -EOVERFLOW,
				"'%s': inflates beyond FW_LIMIT_RATIO (%u:1) of its %llu bytes: a "
				"decompression bomb?", ar->path, FW_LIMIT_RATIO,
				(unsigned long long)ar->file_size);
	if (n == 0 && ar->entry_left)
		return fw_error(ar->ctx, -EBADMSG, "'%s': entry '%s' is truncated", ar->path,
				ar->name);
	if (n == 0)
		ar->in_file = false;
	*ret_n = (size_t)n;
	return 0;
}
