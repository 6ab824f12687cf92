/* SPDX-License-Identifier: MIT */
/*
 * reader: open a bundle, check its index, walk its members in bounded
 * memory and check each against the index.
 *
 * Only the tar formats and the filters we write are enabled (never _all:
 * most libarchive CVEs are in other formats).  Every member must be a plain
 * file with a clean relative name, listed in the index once, of the indexed
 * size and SHA-256; every indexed member must be present.  A tar cut at a
 * member boundary lists cleanly in tar and bsdtar, so completeness comes from
 * the index, never from the tar structure.  ARCHIVE_WARN is a failure.
 * Nothing is ever written to disk here.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/bundle-internal.h"
#include "core/limits.h"

struct bundle {
	struct fw_ctx *ctx;
	char *path;
	int fd;                        /* -1 for a bundle in memory */
	const uint8_t *mem;
	size_t mem_len;
	uint64_t file_size;            /* compressed size, for the ratio limit */
	struct bundle_index *idx;
	uint8_t index_sha256[FW_SHA256_LEN];
	struct bundle_artifact **by_path;  /* sorted, for lookups by member name */
};

static int cmp_by_path(const void *x, const void *y)
{
	const struct bundle_artifact *const *a = x, *const *b = y;

	return strcmp((*a)->path, (*b)->path);
}

static struct bundle_artifact *lookup_path(const struct bundle *b, const char *path)
{
	struct bundle_artifact key = { .path = path }, *kp = &key, **hit;

	if (!b->idx->n_artifacts)
		return NULL;
	hit = bsearch(&kp, b->by_path, b->idx->n_artifacts, sizeof(*b->by_path), cmp_by_path);
	return hit ? *hit : NULL;
}

/* A hostile name, fit for a message: control bytes become '?', long names
 * are cut with "...". */
static const char *printable(const char *name, char *buf, size_t size)
{
	size_t i;

	for (i = 0; name[i] && i + 4 < size; i++)
		buf[i] = ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) ? '?' : name[i];
	if (name[i])
		memcpy(buf + i, "...", 4);
	else
		buf[i] = '\0';
	return buf;
}

int bundle_tar_error(struct fw_ctx *ctx, struct archive *a, const char *path, const char *what)
{
	const char *msg = archive_error_string(a);
	int e = archive_errno(a);

	/* Damaged or cut input is malformed input, whatever errno libarchive
	 * left; only a real I/O error keeps its code. */
	return fw_error(ctx, e == EIO || e == ENOMEM ? -e : -EBADMSG, "'%s': %s: %s", path, what,
			msg ? msg : "damaged archive");
}

static int archive_err(struct bundle *b, struct archive *a, const char *what)
{
	return bundle_tar_error(b->ctx, a, b->path, what);
}

/*
 * The one libarchive set-up for reading, ours and other tools' archives:
 * tar and GNU tar only, and only the filters the source asks for.  A
 * filter may come back ARCHIVE_WARN when it runs an external program; that
 * still decodes only the format we asked for.  With concatenated, reading
 * goes on past the end-of-archive blocks to the end of the stream
 * (libarchive's tar:read_concatenated_archives), so that whatever follows
 * them (another archive, random bytes, a second compressed frame) is seen:
 * zero blocks are skipped, anything else reads as a header.
 */
int bundle_tar_open(struct fw_ctx *ctx, const struct bundle_tar_source *src, struct archive **ret)
{
	struct archive *a = archive_read_new();
	unsigned f = src->filters;
	int r;

	if (!a)
		return fw_error(ctx, -ENOMEM, "out of memory");
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_format_gnutar(a) != ARCHIVE_OK ||
	    archive_read_support_filter_none(a) != ARCHIVE_OK ||
	    ((f & BUNDLE_TAR_ZSTD) && archive_read_support_filter_zstd(a) < ARCHIVE_WARN) ||
	    ((f & BUNDLE_TAR_GZIP) && archive_read_support_filter_gzip(a) < ARCHIVE_WARN) ||
	    ((f & BUNDLE_TAR_XZ) && archive_read_support_filter_xz(a) < ARCHIVE_WARN) ||
	    ((f & BUNDLE_TAR_BZIP2) && archive_read_support_filter_bzip2(a) < ARCHIVE_WARN) ||
	    (src->concatenated &&
	     archive_read_set_format_option(a, "tar", "read_concatenated_archives", "1") != ARCHIVE_OK)) {
		r = bundle_tar_error(ctx, a, src->path, "libarchive setup");
		archive_read_free(a);
		return r;
	}
	if (src->fd >= 0) {
		/* From the start, also when the file was read before. */
		if (lseek(src->fd, 0, SEEK_SET) < 0) {
			r = fw_error(ctx, -errno, "'%s': seek: %m", src->path);
			archive_read_free(a);
			return r;
		}
		r = archive_read_open_fd(a, src->fd, src->block ? src->block : FW_LIMIT_READ_CHUNK);
	} else {
		r = archive_read_open_memory(a, src->mem, src->mem_len);
	}
	if (r != ARCHIVE_OK) {
		r = bundle_tar_error(ctx, a, src->path, "not a readable tar archive");
		archive_read_free(a);
		return r;
	}
	*ret = a;
	return 0;
}

/* Our bundles: tar with the filters the writer produces. */
static int open_archive(struct bundle *b, bool concatenated, struct archive **ret)
{
	struct bundle_tar_source src = {
		.path = b->path, .fd = b->fd, .mem = b->mem, .mem_len = b->mem_len,
		.filters = BUNDLE_TAR_ZSTD | BUNDLE_TAR_GZIP | BUNDLE_TAR_XZ,
		.concatenated = concatenated, .block = FW_LIMIT_READ_CHUNK,
	};

	return bundle_tar_open(b->ctx, &src, ret);
}

static int read_index_member(struct bundle *b, struct archive *a, uint8_t **ret, size_t *ret_len)
{
	struct archive_entry *e;
	const char *name;
	la_int64_t size;
	uint8_t *buf;
	size_t got = 0;
	int r;

	r = archive_read_next_header(a, &e);
	if (r == ARCHIVE_EOF)
		return fw_error(b->ctx, -EBADMSG, "'%s' is empty: no index.elf", b->path);
	if (r != ARCHIVE_OK)
		return archive_err(b, a, "first member");
	name = archive_entry_pathname(e);
	if (!name || strcmp(name, BUNDLE_INDEX_NAME) != 0) {
		char shown[128];

		return fw_error(b->ctx, -EBADMSG,
				"'%s': the first member is '%s', not index.elf: not an fwbox bundle",
				b->path, name ? printable(name, shown, sizeof(shown)) : "(unnamed)");
	}
	if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) ||
	    archive_entry_symlink(e) || archive_entry_sparse_count(e) > 0)
		return fw_error(b->ctx, -EBADMSG, "'%s': index.elf is not a plain file", b->path);
	if (!archive_entry_size_is_set(e))
		return fw_error(b->ctx, -EBADMSG, "'%s': index.elf has no size", b->path);
	size = archive_entry_size(e);
	if (size <= 0 || (uint64_t)size > FW_LIMIT_INDEX_SIZE)
		return fw_error(b->ctx, size <= 0 ? -EBADMSG : -EOVERFLOW,
				"'%s': index.elf is %lld bytes (limit FW_LIMIT_INDEX_SIZE, %u)", b->path,
				(long long)size, FW_LIMIT_INDEX_SIZE);
	buf = malloc((size_t)size);
	if (!buf)
		return fw_error(b->ctx, -ENOMEM, "out of memory");
	while (got < (size_t)size) {
		size_t want = (size_t)size - got;
		la_ssize_t n = archive_read_data(a, buf + got,
						 want < FW_LIMIT_READ_CHUNK ? want : FW_LIMIT_READ_CHUNK);

		if (n < 0) {
			r = archive_err(b, a, "reading index.elf");
			free(buf);
			return r;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)size) {
		free(buf);
		return fw_error(b->ctx, -EBADMSG, "'%s': index.elf is truncated", b->path);
	}
	*ret = buf;
	*ret_len = got;
	return 0;
}

static int do_open(struct bundle *b)
{
	struct archive *a = NULL;
	uint8_t *elf = NULL;
	size_t elf_len = 0;
	uint64_t total;
	int r;

	r = open_archive(b, false, &a);
	if (r < 0)
		return r;
	r = read_index_member(b, a, &elf, &elf_len);
	archive_read_free(a);
	if (r < 0)
		return r;
	r = fw_sha256(elf, elf_len, b->index_sha256);
	if (r < 0)
		r = fw_error(b->ctx, r, "cannot hash index.elf: SHA-256 failed");
	else
		r = bundle_index_parse(b->ctx, elf, elf_len, &b->idx);
	free(elf);
	if (r < 0)
		return fw_error_prefix(b->ctx, r, "'%s'", b->path);
	/* A bomb is refused before a single member is inflated. */
	total = b->idx->total_size;
	if (total > FW_LIMIT_RATIO_FLOOR && total / FW_LIMIT_RATIO > b->file_size)
		return fw_error(b->ctx, -EOVERFLOW,
				"'%s': the index claims %llu bytes from a %llu-byte file, beyond FW_LIMIT_RATIO (%u:1)",
				b->path, (unsigned long long)total, (unsigned long long)b->file_size,
				FW_LIMIT_RATIO);
	if (b->idx->n_artifacts) {
		b->by_path = malloc(b->idx->n_artifacts * sizeof(*b->by_path));
		if (!b->by_path)
			return fw_error(b->ctx, -ENOMEM, "out of memory");
		for (size_t i = 0; i < b->idx->n_artifacts; i++)
			b->by_path[i] = &b->idx->artifacts[i];
		qsort(b->by_path, b->idx->n_artifacts, sizeof(*b->by_path), cmp_by_path);
	}
	return 0;
}

/* A reader not yet open: no file, its name for messages. */
static int bundle_alloc(struct fw_ctx *ctx, const char *name, struct bundle **ret)
{
	struct bundle *b = calloc(1, sizeof(*b));

	if (!b)
		return fw_error(ctx, -ENOMEM, "out of memory");
	b->ctx = ctx;
	b->fd = -1;
	b->path = strdup(name);
	if (!b->path) {
		free(b);
		return fw_error(ctx, -ENOMEM, "out of memory");
	}
	*ret = b;
	return 0;
}

/* Read the index unless r already failed; a failed reader is freed. */
static int open_finish(struct bundle *b, int r, struct bundle **ret)
{
	if (r >= 0)
		r = do_open(b);
	if (r < 0) {
		bundle_close(b);
		return r;
	}
	*ret = b;
	return 0;
}

int bundle_open(struct fw_ctx *ctx, const char *path, struct bundle **ret)
{
	struct bundle *b;
	struct stat st;
	int r;

	r = bundle_alloc(ctx, path, &b);
	if (r < 0)
		return r;
	b->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (b->fd < 0)
		r = fw_error(ctx, -errno, "'%s': %m", path);
	else if (fstat(b->fd, &st) < 0 || !S_ISREG(st.st_mode))
		r = fw_error(ctx, -EINVAL, "'%s' is not a regular file", path);
	/* libarchive would say "Unrecognized archive format": say what it is. */
	else if (!st.st_size)
		r = fw_error(ctx, -EBADMSG, "'%s' is empty (0 bytes), not a bundle", path);
	else
		b->file_size = (uint64_t)st.st_size;
	return open_finish(b, r, ret);
}

int bundle_open_memory(struct fw_ctx *ctx, const void *data, size_t len, struct bundle **ret)
{
	struct bundle *b;
	int r;

	r = bundle_alloc(ctx, "(memory)", &b);
	if (r < 0)
		return r;
	b->mem = data;
	b->mem_len = len;
	b->file_size = len;
	return open_finish(b, 0, ret);
}

void bundle_close(struct bundle *b)
{
	if (!b)
		return;
	if (b->fd >= 0)
		close(b->fd);
	bundle_index_free(b->idx);
	free(b->by_path);
	free(b->path);
	free(b);
}

const char *bundle_path(const struct bundle *b)
{
	return b->path;
}

const struct bundle_header *bundle_get_header(const struct bundle *b)
{
	return &b->idx->header;
}

const struct bundle_device *bundle_get_device(const struct bundle *b)
{
	return b->idx->has_device ? &b->idx->device : NULL;
}

const struct bundle_trigger *bundle_get_trigger(const struct bundle *b)
{
	return b->idx->has_trigger ? &b->idx->trigger : NULL;
}

size_t bundle_artifact_count(const struct bundle *b)
{
	return b->idx->n_artifacts;
}

const struct bundle_artifact *bundle_artifact_at(const struct bundle *b, size_t i)
{
	return i < b->idx->n_artifacts ? &b->idx->artifacts[i] : NULL;
}

const struct bundle_artifact *bundle_find_kind(const struct bundle *b, const char *kind)
{
	for (size_t i = 0; i < b->idx->n_artifacts; i++)
		if (!strcmp(b->idx->artifacts[i].kind, kind))
			return &b->idx->artifacts[i];
	return NULL;
}

int bundle_file_sha256(struct bundle *b, uint8_t out[FW_SHA256_LEN])
{
	struct fw_sha256 *h = NULL;
	uint8_t *buf = NULL;
	off_t off = 0;
	int r;

	if (b->fd < 0) {
		r = fw_sha256(b->mem, b->mem_len, out);
		return r < 0 ? fw_error(b->ctx, r, "SHA-256 failed") : 0;
	}
	r = fw_sha256_new(&h);
	buf = malloc(FW_LIMIT_READ_CHUNK);
	if (r < 0 || !buf) {
		r = fw_error(b->ctx, -ENOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		ssize_t n = pread(b->fd, buf, FW_LIMIT_READ_CHUNK, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = fw_error(b->ctx, -errno, "reading '%s': %m", b->path);
			goto out;
		}
		if (n == 0)
			break;
		fw_sha256_update(h, buf, (size_t)n);
		off += n;
	}
	r = fw_sha256_final(h, out);
	if (r < 0)
		r = fw_error(b->ctx, r, "SHA-256 failed");
out:
	free(buf);
	fw_sha256_free(h);
	return r;
}

/* ------------------------------------------------------------ the walk */

struct walk {
	struct bundle *b;
	const struct bundle_visitor *v;
	void *userdata;
	bundle_problem_fn problem_fn;  /* verify: report and go on */
	void *problem_userdata;
	const struct bundle_artifact *only;  /* deliver only this member */
	bool stop_after_only;  /* and stop there, the rest unchecked (side inputs) */
	unsigned problems;
	int first_err;
};

/* A problem with one member.  Without a problem callback it stops the walk;
 * with one it is reported, and the walk goes on. */
static int problem(struct walk *w, const char *member, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int problem(struct walk *w, const char *member, int err, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	w->problems++;
	if (!w->first_err)
		w->first_err = err;
	if (member)
		fw_error(w->b->ctx, err, "'%s': member '%s': %s", w->b->path, member, why);
	else
		fw_error(w->b->ctx, err, "'%s': %s", w->b->path, why);
	if (!w->problem_fn)
		return err;
	w->problem_fn(w->problem_userdata, member, why);
	return 0;
}

static const char *type_name(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return "a hard link";
	switch (archive_entry_filetype(e)) {
	case AE_IFLNK:
		return "a symbolic link";
	case AE_IFDIR:
		return "a directory";
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

/* Stream one member's data: hash it, count it, hand it on. */
static int walk_data(struct walk *w, struct archive *a, const struct bundle_artifact *art,
		     bool deliver, uint8_t *buf, uint64_t *total)
{
	struct bundle *b = w->b;
	struct fw_sha256 *h = NULL;
	uint8_t digest[FW_SHA256_LEN];
	uint64_t got = 0;
	int r;

	r = fw_sha256_new(&h);
	if (r < 0)
		return fw_error(b->ctx, r, "SHA-256 failed");
	for (;;) {
		la_ssize_t n;

		if (fw_ctx_cancelled(b->ctx)) {
			r = fw_error(b->ctx, -EINTR, "'%s': interrupted", b->path);
			goto out;
		}
		n = archive_read_data(a, buf, FW_LIMIT_READ_CHUNK);
		if (n < 0) {
			/* Cut or damaged mid-member: the tar stream is lost here. */
			archive_err(b, a, art->path);
			r = -EBADMSG;
			w->problems++;
			if (!w->first_err)
				w->first_err = r;
			if (w->problem_fn)
				w->problem_fn(w->problem_userdata, art->path,
					      archive_error_string(a) ? archive_error_string(a)
								      : "damaged data");
			goto out;
		}
		if (n == 0)
			break;
		got += (uint64_t)n;
		*total += (uint64_t)n;
		if (got > art->size) {
			r = problem(w, art->path, -EBADMSG, "more data than the %llu bytes indexed",
				    (unsigned long long)art->size);
			if (r == 0)
				r = 1; /* reported; no end callback */
			goto out;
		}
		if (*total > FW_LIMIT_RATIO_FLOOR && *total / FW_LIMIT_RATIO > b->file_size) {
			r = fw_error(b->ctx, -EOVERFLOW,
				     "'%s': inflates beyond FW_LIMIT_RATIO (%u:1) of its file size",
				     b->path, FW_LIMIT_RATIO);
			goto out;
		}
		fw_sha256_update(h, buf, (size_t)n);
		if (deliver && w->v && w->v->data) {
			r = w->v->data(w->userdata, art, buf, (size_t)n);
			if (r < 0)
				goto out;
		}
	}
	if (got != art->size) {
		r = problem(w, art->path, -EBADMSG, "%llu bytes, the index says %llu: truncated",
			    (unsigned long long)got, (unsigned long long)art->size);
		if (r == 0)
			r = 1;
		goto out;
	}
	fw_sha256_final(h, digest);
	if (memcmp(digest, art->sha256, FW_SHA256_LEN) != 0) {
		r = problem(w, art->path, -EBADMSG, "SHA-256 does not match the index: the data is damaged");
		if (r < 0)
			goto out;
		r = 1; /* reported; no end callback for damaged data */
		goto out;
	}
	r = 0;
out:
	fw_sha256_free(h);
	return r;
}

/* Bytes of the (decompressed) tar stream the tar reader has consumed. */
static uint64_t tar_pos(struct archive *a)
{
	la_int64_t p = archive_filter_bytes(a, 0);

	return p < 0 ? 0 : (uint64_t)p;
}

/*
 * At the end of the stream (read with tar:read_concatenated_archives, so
 * zero blocks were skipped to the very end): the bundle ends with its last
 * member, its padding to 512 bytes, the two zero blocks of the
 * end-of-archive marker and the zero padding of the last record, at most
 * BUNDLE_TAR_RECORD bytes (tar writers pad to 10240-byte records).
 * Anything longer, and any byte after the end of the compressed stream, is
 * trailing data (fwbox-bundle(5)): refused.
 */
static int trailing_check(struct walk *w, struct archive *a, uint64_t last_end)
{
	struct bundle *b = w->b;
	uint64_t end = tar_pos(a), allowed = ((last_end + 511) & ~(uint64_t)511) + 1024 +
					      BUNDLE_TAR_RECORD;
	la_int64_t raw = archive_filter_bytes(a, -1);
	uint64_t size = b->fd >= 0 ? b->file_size : b->mem_len;

	if (end > allowed)
		return problem(w, NULL, -EBADMSG,
			       "%llu bytes follow the last member (from byte %llu of the tar stream), "
			       "more than the end-of-archive blocks and one %u-byte record of zero "
			       "padding: a bundle carries no trailing data",
			       (unsigned long long)(end - last_end), (unsigned long long)last_end,
			       BUNDLE_TAR_RECORD);
	if (archive_filter_count(a) > 1 && raw >= 0 && (uint64_t)raw < size)
		return problem(w, NULL, -EBADMSG,
			       "%llu bytes follow the end of the %s stream (from byte %lld of the "
			       "file): a bundle carries no trailing data",
			       (unsigned long long)(size - (uint64_t)raw),
			       archive_filter_name(a, 0) ? archive_filter_name(a, 0) : "compressed",
			       (long long)raw);
	return 0;
}

static int walk(struct walk *w)
{
	struct bundle *b = w->b;
	struct archive *a = NULL;
	uint8_t *elf = NULL, *buf = NULL;
	size_t elf_len = 0, members = 0, n = b->idx->n_artifacts, nseen = 0;
	uint64_t last_end = 0;
	uint8_t digest[FW_SHA256_LEN];
	uint64_t total = 0;
	bool *seen = NULL;
	int r;

	seen = calloc(n ? n : 1, sizeof(*seen));
	buf = malloc(FW_LIMIT_READ_CHUNK);
	if (!seen || !buf) {
		r = fw_error(b->ctx, -ENOMEM, "out of memory");
		goto out;
	}
	r = open_archive(b, true, &a);
	if (r < 0)
		goto out;
	/* The index again: the file must not have changed since bundle_open(). */
	r = read_index_member(b, a, &elf, &elf_len);
	if (r < 0)
		goto out;
	last_end = tar_pos(a);
	r = fw_sha256(elf, elf_len, digest);
	if (r < 0) {
		r = fw_error(b->ctx, r, "'%s': cannot hash index.elf: SHA-256 failed", b->path);
		goto out;
	}
	if (memcmp(digest, b->index_sha256, FW_SHA256_LEN) != 0) {
		r = fw_error(b->ctx, -EBADMSG, "'%s': index.elf changed since the bundle was opened",
			     b->path);
		goto out;
	}
	for (;;) {
		struct archive_entry *e;
		struct bundle_artifact *art;
		const char *name, *why, *shown = NULL;
		char shown_buf[128];
		int skip = 0;

		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && nseen == n) {
			/* Every member is in: what follows is not a bundle's end.
			 * The archive cannot be read further: the walk ends. */
			problem(w, NULL, -EBADMSG,
				"data after the last member (from byte %llu of the tar stream) is "
				"not the end-of-archive blocks and zero padding that end a bundle "
				"(%s): a bundle carries no trailing data",
				(unsigned long long)last_end,
				archive_error_string(a) ? archive_error_string(a) : "damaged");
			r = w->first_err;
			goto out;
		}
		if (r != ARCHIVE_OK) {
			/* ARCHIVE_WARN too: a damaged header is not a bundle we trust. */
			r = archive_err(b, a, "reading the next member");
			w->problems++;
			if (!w->first_err)
				w->first_err = r;
			if (w->problem_fn)
				w->problem_fn(w->problem_userdata, NULL, fw_ctx_errmsg(b->ctx));
			goto out;
		}
		if (++members > FW_LIMIT_MEMBERS) {
			r = fw_error(b->ctx, -EOVERFLOW, "'%s': more than FW_LIMIT_MEMBERS (%u) members",
				     b->path, FW_LIMIT_MEMBERS);
			goto out;
		}
		name = archive_entry_pathname(e);
		if (name && !bundle_path_problem(name))
			shown = name;
		else if (name)
			shown = printable(name, shown_buf, sizeof(shown_buf));
		if (!name) {
			r = problem(w, NULL, -EBADMSG, "a member has no name");
			if (r < 0)
				goto out;
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) ||
		    archive_entry_symlink(e)) {
			r = problem(w, shown, -EBADMSG, "is %s; a bundle holds only plain files",
				    type_name(e));
			if (r < 0)
				goto out;
			continue;
		}
		why = !strcmp(name, BUNDLE_INDEX_NAME)
			      ? (nseen == n ? "a second index.elf after every indexed member: "
					      "another archive follows the bundle, and a bundle "
					      "carries no trailing data"
					    : "a second index.elf")
			      : bundle_path_problem(name);
		if (why) {
			r = problem(w, shown, strlen(name) > FW_LIMIT_MEMBER_NAME ? -EOVERFLOW : -EBADMSG,
				    "%s", why);
			if (r < 0)
				goto out;
			continue;
		}
		if (archive_entry_sparse_count(e) > 0) {
			r = problem(w, name, -EBADMSG, "is a sparse entry; a bundle holds none");
			if (r < 0)
				goto out;
			continue;
		}
		if (!archive_entry_size_is_set(e) || archive_entry_size(e) < 0) {
			r = problem(w, name, -EBADMSG, "has no size");
			if (r < 0)
				goto out;
			continue;
		}
		if ((uint64_t)archive_entry_size(e) > FW_LIMIT_MEMBER_SIZE) {
			r = fw_error(b->ctx, -EOVERFLOW,
				     "'%s': member '%s' is %lld bytes, beyond FW_LIMIT_MEMBER_SIZE",
				     b->path, name, (long long)archive_entry_size(e));
			goto out;
		}
		art = lookup_path(b, name);
		if (!art) {
			r = problem(w, name, -EBADMSG, "is not in the index");
			if (r < 0)
				goto out;
			continue;
		}
		if (seen[art - b->idx->artifacts]) {
			r = problem(w, name, -EBADMSG, "appears twice in the archive");
			if (r < 0)
				goto out;
			continue;
		}
		seen[art - b->idx->artifacts] = true;
		nseen++;
		if ((uint64_t)archive_entry_size(e) != art->size) {
			r = problem(w, name, -EBADMSG, "is %lld bytes, the index says %llu",
				    (long long)archive_entry_size(e), (unsigned long long)art->size);
			if (r < 0)
				goto out;
			continue;
		}
		if (w->only && art != w->only) {
			/* Reading one member: the others are not inflated into our buffers. */
			if (archive_read_data_skip(a) != ARCHIVE_OK) {
				r = archive_err(b, a, name);
				goto out;
			}
			last_end = tar_pos(a);
			continue;
		}
		if (w->v && w->v->begin) {
			skip = w->v->begin(w->userdata, art);
			if (skip < 0) {
				r = skip;
				goto out;
			}
		}
		r = walk_data(w, a, art, skip == 0, buf, &total);
		if (r < 0)
			goto out;
		last_end = tar_pos(a);
		/* No end for a member begin() skipped (callers pair begin/end
		 * only for what they took), nor for a damaged one (r == 1). */
		if (r == 0 && skip == 0 && w->v && w->v->end) {
			r = w->v->end(w->userdata, art);
			if (r < 0)
				goto out;
		}
		if (w->only && w->stop_after_only) {
			r = w->problems ? w->first_err : 0;
			goto out;
		}
		/* Otherwise the other members' headers are still checked: a
		 * duplicate or unindexed member later on makes the bundle, and
		 * so the bytes just delivered, untrustworthy. */
	}
	r = trailing_check(w, a, last_end);
	if (r < 0)
		goto out;
	if (w->only && !seen[w->only - b->idx->artifacts]) {
		/* The one member asked for is missing: that ends the walk with
		 * an error even when a callback took the problem. */
		problem(w, w->only->path, -EBADMSG, "is in the index but not in the archive");
		r = w->first_err;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (!seen[i]) {
			r = problem(w, b->idx->artifacts[i].path, -EBADMSG,
				    "is in the index but not in the archive: the bundle is truncated or incomplete");
			if (r < 0)
				goto out;
		}
	r = w->problems ? w->first_err : 0;
out:
	if (r >= 0 && w->problems)
		r = w->first_err;
	if (a)
		archive_read_free(a);
	free(elf);
	free(buf);
	free(seen);
	return r;
}

int bundle_stream(struct bundle *b, const struct bundle_visitor *v, void *userdata)
{
	struct walk w = { .b = b, .v = v, .userdata = userdata };

	return walk(&w);
}

int bundle_stream_kind(struct bundle *b, const char *kind, const struct bundle_visitor *v,
		       void *userdata)
{
	struct walk w = { .b = b, .v = v, .userdata = userdata };

	w.only = bundle_find_kind(b, kind);
	if (!w.only)
		return fw_error(b->ctx, -ENOENT, "'%s' holds no artifact of kind '%s'", b->path, kind);
	return walk(&w);
}

/* One member, then stop: for small side inputs read ahead of a full walk
 * (which checks the rest of the archive anyway). */
static int stream_kind_only(struct bundle *b, const struct bundle_artifact *a,
			    const struct bundle_visitor *v, void *userdata)
{
	struct walk w = { .b = b, .v = v, .userdata = userdata, .only = a,
			  .stop_after_only = true };

	return walk(&w);
}

int bundle_verify(struct bundle *b, bundle_problem_fn fn, void *userdata)
{
	struct walk w = { .b = b, .problem_fn = fn, .problem_userdata = userdata };
	int r = walk(&w);

	/* A hard stop (limit, I/O) not yet reported goes to the callback too. */
	if (r < 0 && !w.problems && fn)
		fn(userdata, NULL, fw_ctx_errmsg(b->ctx));
	return r;
}

struct read_one {
	uint8_t *data;
	size_t len;
};

static int read_one_data(void *userdata, const struct bundle_artifact *a, const void *buf,
			 size_t len)
{
	struct read_one *o = userdata;

	(void)a;
	memcpy(o->data + o->len, buf, len);
	o->len += len;
	return 0;
}

int bundle_read_kind(struct bundle *b, const char *kind, size_t max, void **ret_data,
		     size_t *ret_len)
{
	static const struct bundle_visitor v = { .data = read_one_data };
	const struct bundle_artifact *a = bundle_find_kind(b, kind);
	struct read_one o = { 0 };
	int r;

	if (!a)
		return fw_error(b->ctx, -ENOENT, "'%s' holds no artifact of kind '%s'", b->path, kind);
	if (a->size > max)
		return fw_error(b->ctx, -EOVERFLOW,
				"'%s': artifact '%s' is %llu bytes, more than the %zu the caller allows",
				b->path, kind, (unsigned long long)a->size, max);
	/* The walk never delivers more than the indexed size. */
	o.data = malloc(a->size ? (size_t)a->size : 1);
	if (!o.data)
		return fw_error(b->ctx, -ENOMEM, "out of memory");
	r = stream_kind_only(b, a, &v, &o);
	if (r < 0) {
		free(o.data);
		return r;
	}
	*ret_data = o.data;
	*ret_len = o.len;
	return 0;
}
