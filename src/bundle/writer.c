/* SPDX-License-Identifier: MIT */
/*
 * writer: stage artifacts, then write index.elf and the members into an
 * unnamed file in the destination folder, fsync, link it into place, fsync
 * the folder.
 *
 * Why stage: index.elf is the first member (a reader learns what to expect
 * before any data) but it holds every member's size and SHA-256, known only
 * once the member is complete.  Staged bytes live in memory up to
 * stage_memory (FW_LIMIT_STAGE_MEMORY) in total; past that a stage spills to
 * an unlinked O_TMPFILE in the destination folder, which the kernel frees
 * whatever way the process ends.
 *
 * Why O_TMPFILE + linkat: the bundle has no name until it is complete and
 * durable, so a crash (even SIGKILL) leaves nothing at the final path and
 * no debris; linkat() refuses to replace an existing file.  Where the file
 * system lacks O_TMPFILE we fall back to mkstemp() + link() + unlink(); that
 * path can leave a hidden ".NAME.XXXXXX" file behind after SIGKILL (never at
 * the final path), see fwbox-bundle(5).
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "bundle/bundle-internal.h"
#include "core/limits.h"

#define WRITE_CHUNK (1u << 20)

struct bundle_stage {
	struct bundle_writer *w;
	struct fw_buf mem; /* staged in memory, while the budget lasts */
	int fd;		   /* spill file, or -1 */
	const uint8_t *borrowed; /* the caller's bytes (bundle_writer_add_borrowed) */
	uint64_t size;
	struct fw_sha256 *hash;
	bool ended;
	struct bundle_artifact meta; /* owned copies once ended */
};

struct bundle_writer {
	struct fw_ctx *ctx;
	char *path;
	char *dir;
	char *base;
	struct bundle_writer_options opts;
	size_t mem_used;
	struct bundle_header header;
	bool has_header;
	struct bundle_device device;
	bool has_device;
	struct bundle_trigger trigger;
	bool has_trigger;
	struct bundle_stage **stages;
	size_t n_stages;
	size_t cap_stages;
	bool committed;
	uint64_t file_size;            /* of the archive the last commit wrote */
};

static void stage_free(struct bundle_stage *s)
{
	if (!s)
		return;
	fw_buf_release(&s->mem);
	if (s->fd >= 0)
		close(s->fd);
	fw_sha256_free(s->hash);
	bundle_artifact_release(&s->meta);
	free(s);
}

int bundle_writer_new(struct fw_ctx *ctx, const char *path,
		      const struct bundle_writer_options *opts, struct bundle_writer **ret)
{
	struct bundle_writer *w;
	const char *slash;
	struct stat st = { 0 };

	if (!path || !path[0])
		return fw_error(ctx, -EINVAL, "no bundle path given");
	if (lstat(path, &st) == 0 && !(opts && opts->replace))
		return fw_error(ctx, -EEXIST,
				"'%s' already exists: choose another name, remove it, or replace it "
				"with --force", path);
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return fw_error(ctx, -EEXIST,
				"'%s' exists and is not a regular file: not replacing it", path);
	w = calloc(1, sizeof(*w));
	if (!w)
		return fw_error(ctx, -ENOMEM, "out of memory");
	w->ctx = ctx;
	if (opts)
		w->opts = *opts;
	if (!w->opts.stage_memory)
		w->opts.stage_memory = FW_LIMIT_STAGE_MEMORY;
	if (!w->opts.threads)
		w->opts.threads = 2;
	w->path = strdup(path);
	slash = strrchr(path, '/');
	if (slash) {
		w->dir = strndup(path, (size_t)(slash - path) + (slash == path));
		w->base = strdup(slash + 1);
	} else {
		w->dir = strdup(".");
		w->base = strdup(path);
	}
	if (!w->path || !w->dir || !w->base) {
		bundle_writer_free(w);
		return fw_error(ctx, -ENOMEM, "out of memory");
	}
	if (!w->base[0]) {
		bundle_writer_free(w);
		return fw_error(ctx, -EINVAL, "'%s' names a folder, not a bundle file", path);
	}
	if (stat(w->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		int err = -ENOTDIR;

		if (stat(w->dir, &st) < 0)
			err = -errno;

		fw_error(ctx, err, "destination folder '%s' is not usable: %s", w->dir,
			 strerror(-err));
		bundle_writer_free(w);
		return err;
	}
	*ret = w;
	return 0;
}

void bundle_writer_free(struct bundle_writer *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n_stages; i++)
		stage_free(w->stages[i]);
	free(w->stages);
	bundle_header_release(&w->header);
	bundle_device_release(&w->device);
	bundle_trigger_release(&w->trigger);
	free(w->path);
	free(w->dir);
	free(w->base);
	free(w);
}

int bundle_writer_set_header(struct bundle_writer *w, const struct bundle_header *h)
{
	struct bundle_header c;

	if (bundle_header_copy(&c, h) < 0)
		return fw_error(w->ctx, -ENOMEM, "out of memory");
	bundle_header_release(&w->header);
	w->header = c;
	w->has_header = true;
	return 0;
}

int bundle_writer_set_device(struct bundle_writer *w, const struct bundle_device *d)
{
	struct bundle_device c;

	if (bundle_device_copy(&c, d) < 0)
		return fw_error(w->ctx, -ENOMEM, "out of memory");
	bundle_device_release(&w->device);
	w->device = c;
	w->has_device = true;
	return 0;
}

int bundle_writer_set_trigger(struct bundle_writer *w, const struct bundle_trigger *t)
{
	struct bundle_trigger c;

	if (bundle_trigger_copy(&c, t) < 0)
		return fw_error(w->ctx, -ENOMEM, "out of memory");
	bundle_trigger_release(&w->trigger);
	w->trigger = c;
	w->has_trigger = true;
	return 0;
}

/* An unnamed temporary file in the destination folder. */
static int tmpfile_open(struct bundle_writer *w, char **ret_name)
{
	char *name;
	int fd;

	fd = open(w->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0) {
		*ret_name = NULL;
		return fd;
	}
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return fw_error(w->ctx, -errno, "cannot create a temporary file in '%s': %m",
				w->dir);
	/* No O_TMPFILE here: a hidden named file, removed on every failure. */
	if (asprintf(&name, "%s/.%s.XXXXXX", w->dir, w->base) < 0)
		return fw_error(w->ctx, -ENOMEM, "out of memory");
	fd = mkostemp(name, O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		free(name);
		return fw_error(w->ctx, err, "cannot create a temporary file in '%s': %s", w->dir,
				strerror(-err));
	}
	*ret_name = name;
	return fd;
}

static int write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int bundle_writer_begin(struct bundle_writer *w, struct bundle_stage **ret)
{
	struct bundle_stage *s;
	int r;

	if (w->committed)
		return fw_error(w->ctx, -EINVAL, "bundle '%s' is already written", w->path);
	if (w->n_stages >= FW_LIMIT_MEMBERS)
		return fw_error(w->ctx, -EOVERFLOW, "more than FW_LIMIT_MEMBERS (%u) artifacts",
				FW_LIMIT_MEMBERS);
	r = fw_grow((void **)&w->stages, &w->cap_stages, w->n_stages + 1, sizeof(*w->stages),
		    FW_LIMIT_MEMBERS);
	if (r < 0)
		return fw_error(w->ctx, r, "out of memory");
	s = calloc(1, sizeof(*s));
	if (!s)
		return fw_error(w->ctx, -ENOMEM, "out of memory");
	s->w = w;
	s->fd = -1;
	r = fw_sha256_new(&s->hash);
	if (r < 0) {
		free(s);
		return fw_error(w->ctx, r, "cannot start SHA-256");
	}
	w->stages[w->n_stages++] = s;
	*ret = s;
	return 0;
}

static int stage_spill(struct bundle_stage *s)
{
	struct bundle_writer *w = s->w;
	char *name = NULL;
	int fd, r;

	fd = tmpfile_open(w, &name);
	if (fd < 0)
		return fd;
	if (name) {
		/* Staging files need no name at all: drop it at once. */
		unlink(name);
		free(name);
	}
	r = write_all(fd, s->mem.data, s->mem.len);
	if (r < 0) {
		close(fd);
		return fw_error(w->ctx, r, "staging to a temporary file in '%s' failed: %s", w->dir,
				strerror(-r));
	}
	w->mem_used -= s->mem.cap;
	fw_buf_release(&s->mem);
	s->fd = fd;
	return 0;
}

int bundle_stage_append(struct bundle_stage *s, const void *data, size_t len)
{
	struct bundle_writer *w = s->w;
	int r;

	if (s->ended)
		return fw_error(w->ctx, -EINVAL, "artifact already ended");
	if (len == 0)
		return 0;
	if (len > FW_LIMIT_MEMBER_SIZE - s->size)
		return fw_error(w->ctx, -EOVERFLOW,
				"artifact beyond FW_LIMIT_MEMBER_SIZE (%llu bytes)",
				(unsigned long long)FW_LIMIT_MEMBER_SIZE);
	r = fw_sha256_update(s->hash, data, len);
	if (r < 0)
		return fw_error(w->ctx, r, "SHA-256 failed");
	if (s->fd < 0) {
		/* What the writer-wide budget leaves, plus what this stage already
		 * holds, caps its buffer (less the byte fw_buf keeps spare). */
		size_t room = w->opts.stage_memory - w->mem_used + s->mem.cap;
		size_t before = s->mem.cap;

		r = -EOVERFLOW;
		if (room > 1) {
			s->mem.max = room - 1;
			r = fw_buf_put(&s->mem, data, len);
		}
		if (r == -ENOMEM)
			return fw_error(w->ctx, r, "out of memory");
		if (r == 0) {
			w->mem_used += s->mem.cap - before;
		} else {
			r = stage_spill(s);
			if (r < 0)
				return r;
		}
	}
	if (s->fd >= 0) {
		r = write_all(s->fd, data, len);
		if (r < 0)
			return fw_error(w->ctx, r, "staging to a temporary file in '%s' failed: %s",
					w->dir, strerror(-r));
	}
	s->size += len;
	return 0;
}

static bool path_taken(struct bundle_writer *w, const char *path)
{
	for (size_t i = 0; i < w->n_stages; i++)
		if (w->stages[i]->ended && !strcmp(w->stages[i]->meta.path, path))
			return true;
	return false;
}

/* "reg.MGIR" -> "reg/MGIR.bin"; "crspace" -> "crspace.bin"; "-2"... if taken. */
static char *derive_path(struct bundle_writer *w, const char *kind)
{
	const char *dot = strchr(kind, '.');
	char *p = NULL;

	for (unsigned i = 1; i < FW_LIMIT_MEMBERS + 2; i++) {
		char suffix[16] = "";
		int n;

		if (i > 1)
			snprintf(suffix, sizeof(suffix), "-%u", i);
		if (dot && dot != kind && dot[1])
			n = asprintf(&p, "%.*s/%s%s.bin", (int)(dot - kind), kind, dot + 1, suffix);
		else
			n = asprintf(&p, "%s%s.bin", kind, suffix);
		if (n < 0)
			return NULL;
		if (!path_taken(w, p))
			return p;
		free(p);
	}
	return NULL;
}

int bundle_writer_end(struct bundle_writer *w, struct bundle_stage *s,
		      const struct bundle_artifact *meta)
{
	struct bundle_artifact m;
	const char *why;
	int r;

	if (s->w != w || s->ended)
		return fw_error(w->ctx, -EINVAL, "artifact stage does not belong to this writer");
	if (!bundle_kind_ok(meta->kind))
		return fw_error(w->ctx, -EINVAL,
				"artifact kind '%s' is not valid: use 1-128 of [A-Za-z0-9._-]",
				meta->kind ? meta->kind : "");
	if ((unsigned)meta->outcome > BUNDLE_OUTCOME_SKIPPED)
		return fw_error(w->ctx, -EINVAL, "artifact '%s': unknown outcome %d", meta->kind,
				(int)meta->outcome);
	if (meta->path) {
		why = bundle_path_problem(meta->path);
		if (why)
			return fw_error(w->ctx, -EINVAL, "artifact path '%s': %s", meta->path, why);
		if (path_taken(w, meta->path))
			return fw_error(w->ctx, -EEXIST,
					"artifact path '%s' is already in the bundle", meta->path);
	}
	/* Our own copy of every field, by the note's field table. */
	if (bundle_artifact_copy(&m, meta) < 0)
		return fw_error(w->ctx, -ENOMEM, "out of memory");
	if (!m.path)
		m.path = derive_path(w, meta->kind);
	m.size = s->size;
	r = fw_sha256_final(s->hash, m.sha256);
	if (!m.path || r < 0) {
		bundle_artifact_release(&m);
		return fw_error(w->ctx, r < 0 ? r : -ENOMEM,
				r < 0 ? "SHA-256 failed" : "out of memory");
	}
	s->meta = m;
	s->ended = true;
	return 0;
}

int bundle_writer_add(struct bundle_writer *w, const struct bundle_artifact *meta, const void *data,
		      size_t len)
{
	struct bundle_stage *s;
	int r;

	r = bundle_writer_begin(w, &s);
	if (r < 0)
		return r;
	r = bundle_stage_append(s, data, len);
	if (r >= 0)
		r = bundle_writer_end(w, s, meta);
	if (r < 0) {
		/* Drop the half-made stage: it is the last one. */
		w->mem_used -= s->mem.cap;
		stage_free(s);
		w->n_stages--;
	}
	return r;
}

int bundle_writer_add_borrowed(struct bundle_writer *w, const struct bundle_artifact *meta,
			       const void *data, size_t len)
{
	struct bundle_stage *s;
	int r;

	if (len > FW_LIMIT_MEMBER_SIZE)
		return fw_error(w->ctx, -EOVERFLOW, "artifact beyond FW_LIMIT_MEMBER_SIZE (%llu bytes)",
				(unsigned long long)FW_LIMIT_MEMBER_SIZE);
	r = bundle_writer_begin(w, &s);
	if (r < 0)
		return r;
	s->borrowed = len ? data : NULL;
	s->size = len;
	r = len ? fw_sha256_update(s->hash, data, len) : 0;
	if (r < 0)
		r = fw_error(w->ctx, r, "SHA-256 failed");
	if (r >= 0)
		r = bundle_writer_end(w, s, meta);
	if (r < 0) {
		stage_free(s);
		w->n_stages--;
	}
	return r;
}

/* ---------------------------------------------------------------- commit */

static int build_index(struct bundle_writer *w, uint8_t **ret_elf, size_t *ret_len)
{
	struct fw_buf notes = { 0 };
	struct bundle_header h = w->header;
	uint8_t zero[16] = { 0 };
	int r;

	if (!h.format_version)
		h.format_version = BUNDLE_FORMAT_VERSION;
	if (!memcmp(h.uuid, zero, sizeof(zero)))
		uuid_generate(h.uuid);
	if (!h.created_ns)
		h.created_ns = fw_now_ns();
	if (!h.fwbox_version)
		h.fwbox_version = fw_version();
	/* Keep what we generated, so the tar member times match the index. */
	w->header.format_version = h.format_version;
	memcpy(w->header.uuid, h.uuid, sizeof(h.uuid));
	w->header.created_ns = h.created_ns;

	r = bundle_notes_add_header(w->ctx, &notes, &h);
	if (r >= 0 && w->has_device)
		r = bundle_notes_add_device(w->ctx, &notes, &w->device);
	if (r >= 0 && w->has_trigger)
		r = bundle_notes_add_trigger(w->ctx, &notes, &w->trigger);
	for (size_t i = 0; r >= 0 && i < w->n_stages; i++)
		r = bundle_notes_add_artifact(w->ctx, &notes, &w->stages[i]->meta);
	if (r >= 0)
		r = bundle_notes_seal(w->ctx, &notes);
	if (r < 0) {
		fw_buf_release(&notes);
		return fw_error_prefix(w->ctx, r, "cannot build the index notes");
	}
	r = bundle_elf_build(w->ctx, notes.data, notes.len, ret_elf, ret_len);
	fw_buf_release(&notes);
	return r;
}

static int archive_fail(struct bundle_writer *w, struct archive *a, const char *what)
{
	int e = archive_errno(a);
	const char *msg = archive_error_string(a);

	/* libarchive's text ("Write error") often leaves out the cause: add
	 * errno's ("No space left on device") unless it already says so. */
	if (e > 0 && (!msg || !strstr(msg, strerror(e))))
		return fw_error(w->ctx, -e, "writing '%s': %s: %s: %s", w->path, what,
				msg ? msg : "libarchive error", strerror(e));
	return fw_error(w->ctx, e > 0 ? -e : -EIO, "writing '%s': %s: %s", w->path, what,
			msg ? msg : "unknown libarchive error");
}

static int set_filter(struct bundle_writer *w, struct archive *a)
{
	char val[32];
	const char *name = NULL;
	int r = ARCHIVE_OK, level;

	switch (w->opts.compression) {
	case BUNDLE_COMPRESS_ZSTD:
		name = "zstd";
		r = archive_write_add_filter_zstd(a);
		break;
	case BUNDLE_COMPRESS_GZIP:
		name = "gzip";
		r = archive_write_add_filter_gzip(a);
		break;
	case BUNDLE_COMPRESS_XZ:
		name = "xz";
		r = archive_write_add_filter_xz(a);
		break;
	case BUNDLE_COMPRESS_NONE:
		return 0;
	default:
		return fw_error(w->ctx, -EINVAL, "unknown compression %d",
				(int)w->opts.compression);
	}
	if (r != ARCHIVE_OK)
		return archive_fail(w, a, "compression filter");
	level = w->opts.level;
	if (!level)
		level = w->opts.compression == BUNDLE_COMPRESS_ZSTD ? 3 : 6;
	snprintf(val, sizeof(val), "%d", level);
	if (archive_write_set_filter_option(a, name, "compression-level", val) != ARCHIVE_OK)
		return archive_fail(w, a, "compression level");
	if (w->opts.compression == BUNDLE_COMPRESS_ZSTD) {
		/* Two zstd workers roughly double the write speed on two cores. */
		snprintf(val, sizeof(val), "%u", w->opts.threads);
		if (archive_write_set_filter_option(a, name, "threads", val) != ARCHIVE_OK)
			return archive_fail(w, a, "zstd threads");
	}
	return 0;
}

static int write_member(struct bundle_writer *w, struct archive *a, struct archive_entry *e,
			const char *name, uint64_t size)
{
	archive_entry_clear(e);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, (time_t)(w->header.created_ns / 1000000000ull),
				(long)(w->header.created_ns % 1000000000ull));
	if (archive_write_header(a, e) != ARCHIVE_OK)
		return archive_fail(w, a, name);
	return 0;
}

static int write_data(struct bundle_writer *w, struct archive *a, const char *name,
		      const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		size_t n = len < WRITE_CHUNK ? len : WRITE_CHUNK;
		la_ssize_t k;

		if (fw_ctx_cancelled(w->ctx))
			return fw_error(w->ctx, -EINTR, "writing '%s': interrupted", w->path);
		k = archive_write_data(a, p, n);
		if (k <= 0)
			return archive_fail(w, a, name);
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

static int write_stage(struct bundle_writer *w, struct archive *a, struct bundle_stage *s,
		       uint8_t *buf)
{
	uint64_t off = 0;
	int r;

	if (s->borrowed)
		return write_data(w, a, s->meta.path, s->borrowed, (size_t)s->size);
	if (s->fd < 0)
		return write_data(w, a, s->meta.path, s->mem.data, s->mem.len);
	while (off < s->size) {
		size_t n = s->size - off < WRITE_CHUNK ? (size_t)(s->size - off) : WRITE_CHUNK;
		ssize_t k = pread(s->fd, buf, n, (off_t)off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return fw_error(w->ctx, k < 0 ? -errno : -EIO,
					"reading back staged artifact '%s' failed", s->meta.kind);
		r = write_data(w, a, s->meta.path, buf, (size_t)k);
		if (r < 0)
			return r;
		off += (uint64_t)k;
	}
	return 0;
}

static int write_archive(struct bundle_writer *w, int fd, const uint8_t *elf, size_t elf_len)
{
	struct archive *a;
	struct archive_entry *e = NULL;
	uint8_t *buf = NULL;
	uint64_t bytes = 0;
	int r;

	a = archive_write_new();
	if (!a)
		return fw_error(w->ctx, -ENOMEM, "out of memory");
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK) {
		r = archive_fail(w, a, "pax format");
		goto out;
	}
	r = set_filter(w, a);
	if (r < 0)
		goto out;
	/* libarchive's default 10240-byte blocking halves the write speed. */
	if (archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		r = archive_fail(w, a, "open");
		goto out;
	}
	e = archive_entry_new();
	buf = malloc(WRITE_CHUNK);
	if (!e || !buf) {
		r = fw_error(w->ctx, -ENOMEM, "out of memory");
		goto out;
	}
	r = write_member(w, a, e, BUNDLE_INDEX_NAME, elf_len);
	if (r >= 0)
		r = write_data(w, a, BUNDLE_INDEX_NAME, elf, elf_len);
	for (size_t i = 0; r >= 0 && i < w->n_stages; i++) {
		struct bundle_stage *s = w->stages[i];

		r = write_member(w, a, e, s->meta.path, s->size);
		if (r >= 0)
			r = write_stage(w, a, s, buf);
		bytes += s->size;
		fw_progress(w->ctx, "writing bundle", (unsigned)i + 1, (unsigned)w->n_stages,
			    bytes);
	}
	if (r < 0)
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		r = archive_fail(w, a, "close");
		goto out;
	}
	r = 0;
out:
	archive_entry_free(e);
	archive_write_free(a);
	free(buf);
	return r;
}

/* --force: a hidden name in the folder first, then rename() over the old
 * file, so FILE is at every moment the old bundle or the new one. */
static int publish_replace(struct bundle_writer *w, int dirfd, int fd, char **tmpname)
{
	char proc[64], *name = NULL;
	int r = -1;

	if (*tmpname) {
		if (renameat(AT_FDCWD, *tmpname, dirfd, w->base) < 0)
			return fw_error(w->ctx, -errno, "cannot replace '%s': %m", w->path);
		free(*tmpname);
		*tmpname = NULL;
		return 0;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	for (unsigned i = 0; i < 100; i++) {
		free(name);
		if (asprintf(&name, ".%s.%ld.%u", w->base, (long)getpid(), i) < 0)
			return fw_error(w->ctx, -ENOMEM, "out of memory");
		r = linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW);
		if (r < 0 && errno == ENOENT)
			r = linkat(fd, "", dirfd, name, AT_EMPTY_PATH);
		if (r == 0 || errno != EEXIST)
			break;
	}
	if (r < 0) {
		r = fw_error(w->ctx, -errno, "cannot link the bundle into '%s': %m", w->dir);
		free(name);
		return r;
	}
	if (renameat(dirfd, name, dirfd, w->base) < 0) {
		r = fw_error(w->ctx, -errno, "cannot replace '%s': %m", w->path);
		unlinkat(dirfd, name, 0);
		free(name);
		return r;
	}
	free(name);
	return 0;
}

/* Give the unnamed file its final name; never replaces an existing file
 * unless asked to (replace). */
static int publish(struct bundle_writer *w, int dirfd, int fd, char **tmpname_p)
{
	const char *tmpname = *tmpname_p;
	char proc[64];

	if (w->opts.replace)
		return publish_replace(w, dirfd, fd, tmpname_p);
	if (tmpname) {
		if (linkat(AT_FDCWD, tmpname, dirfd, w->base, 0) < 0)
			goto fail;
		return 0;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, dirfd, w->base, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	/* Without /proc, AT_EMPTY_PATH does the same (it may need privileges). */
	if (errno == ENOENT && linkat(fd, "", dirfd, w->base, AT_EMPTY_PATH) == 0)
		return 0;
fail:
	if (errno == EEXIST)
		return fw_error(w->ctx, -EEXIST,
				"'%s' appeared while the bundle was written: not replacing it",
				w->path);
	return fw_error(w->ctx, -errno, "cannot link the bundle into place as '%s': %m", w->path);
}

uint64_t bundle_writer_file_size(const struct bundle_writer *w)
{
	return w->file_size;
}

int bundle_writer_commit(struct bundle_writer *w, char **ret_path)
{
	uint8_t *elf = NULL;
	size_t elf_len = 0;
	char *tmpname = NULL, *out_path = NULL;
	int fd = -1, dirfd = -1, r;
	bool linked = false;

	if (w->committed)
		return fw_error(w->ctx, -EINVAL, "bundle '%s' is already written", w->path);
	for (size_t i = 0; i < w->n_stages; i++)
		if (!w->stages[i]->ended)
			return fw_error(w->ctx, -EINVAL, "artifact %zu was begun but never ended",
					i);
	if (ret_path) {
		out_path = strdup(w->path);
		if (!out_path)
			return fw_error(w->ctx, -ENOMEM, "out of memory");
	}
	r = build_index(w, &elf, &elf_len);
	if (r < 0)
		goto out;
	dirfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		r = fw_error(w->ctx, -errno, "cannot open destination folder '%s': %m", w->dir);
		goto out;
	}
	fd = tmpfile_open(w, &tmpname);
	if (fd < 0) {
		r = fd;
		goto out;
	}
	r = write_archive(w, fd, elf, elf_len);
	if (r < 0)
		goto out;
	{
		struct stat st;

		if (fstat(fd, &st) < 0) {
			r = fw_error(w->ctx, -errno, "cannot stat the bundle being written: %m");
			goto out;
		}
		w->file_size = (uint64_t)st.st_size;
	}
	if (w->opts.dry_run) {
		r = 0;
		goto out;
	}
	if (w->opts.max_file_size && w->file_size > w->opts.max_file_size) {
		r = fw_error(w->ctx, -EFBIG, "'%s' would be %llu bytes, more than the %llu allowed",
			     w->path, (unsigned long long)w->file_size,
			     (unsigned long long)w->opts.max_file_size);
		goto out;
	}
	/* One fsync, never retried: after a failed one the kernel may have
	 * dropped the dirty pages, and a second could lie (fsyncgate). */
	if (fsync(fd) < 0) {
		r = fw_error(
			w->ctx, -errno,
			"fsync of bundle '%s' failed (%m): the bundle is discarded, not retried",
			w->path);
		goto out;
	}
	r = publish(w, dirfd, fd, &tmpname);
	if (r < 0)
		goto out;
	linked = true;
	if (fsync(dirfd) < 0) {
		r = fw_error(
			w->ctx, -errno,
			"fsync of folder '%s' failed (%m): bundle '%s' removed, it may not be durable",
			w->dir, w->path);
		goto out;
	}
	w->committed = true;
	r = 0;
out:
	if (r < 0 && linked)
		unlinkat(dirfd, w->base, 0);
	if (tmpname)
		unlink(tmpname);
	free(tmpname);
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	free(elf);
	if (r >= 0 && ret_path)
		*ret_path = out_path;
	else
		free(out_path);
	return r;
}
