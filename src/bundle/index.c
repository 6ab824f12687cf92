/* SPDX-License-Identifier: MIT */
/*
 * index: index.elf, the ELF64 little-endian object that carries the note
 * stream, written and read with libelf.  The notes sit once in the file,
 * described twice: by a PT_NOTE program header (what eu-readelf -n reads)
 * and by an SHT_NOTE section named .note.fwbox (what readelf -n reads).  The
 * reader insists both describe the same bytes, so no tool can be shown a
 * different index than the one we check.
 */
#include "config.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/bundle-internal.h"
#include "core/limits.h"

static const char shstrtab[] = "\0" BUNDLE_NOTE_SECTION "\0.shstrtab";
#define SHSTR_NOTE 1
#define SHSTR_SHSTRTAB (1 + sizeof(BUNDLE_NOTE_SECTION))

static int elf_init(struct fw_ctx *ctx)
{
	/* elf_version() only records the version; calling it again is harmless. */
	if (elf_version(EV_CURRENT) == EV_NONE)
		return fw_error(ctx, -ENOTSUP, "libelf: %s", elf_errmsg(-1));
	return 0;
}

static int elf_fail(struct fw_ctx *ctx, int err, const char *what)
{
	/* libelf keeps its error in a global: copy the text now. */
	return fw_error(ctx, err, "index.elf: %s: %s", what, elf_errmsg(-1));
}

int bundle_elf_build(struct fw_ctx *ctx, const uint8_t *notes, size_t len,
		     uint8_t **ret_elf, size_t *ret_len)
{
	Elf *e = NULL;
	Elf64_Ehdr *ehdr;
	Elf64_Phdr *phdr;
	Elf_Scn *scn, *strscn;
	Elf_Data *data;
	GElf_Shdr shdr;
	struct stat st;
	uint8_t *out = NULL;
	int fd = -1, r;

	r = elf_init(ctx);
	if (r < 0)
		return r;
	if (len > FW_LIMIT_INDEX_SIZE)
		return fw_error(ctx, -EOVERFLOW, "index.elf: %zu bytes of notes, beyond FW_LIMIT_INDEX_SIZE",
				len);
	/* libelf writes to a descriptor; an anonymous memory file keeps the
	 * index off the disk until the archive takes it. */
	fd = memfd_create("index.elf", MFD_CLOEXEC);
	if (fd < 0)
		return fw_error(ctx, -errno, "index.elf: memfd_create: %m");
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!e) {
		r = elf_fail(ctx, -EIO, "elf_begin");
		goto out;
	}
	ehdr = elf64_newehdr(e);
	phdr = ehdr ? elf64_newphdr(e, 1) : NULL;
	if (!phdr) {
		r = elf_fail(ctx, -EIO, "new headers");
		goto out;
	}
	ehdr->e_ident[EI_DATA] = ELFDATA2LSB;
	ehdr->e_ident[EI_OSABI] = ELFOSABI_NONE;
	ehdr->e_type = ET_REL;
	ehdr->e_machine = EM_NONE;
	ehdr->e_version = EV_CURRENT;

	scn = elf_newscn(e);
	data = scn ? elf_newdata(scn) : NULL;
	if (!data) {
		r = elf_fail(ctx, -EIO, "note section");
		goto out;
	}
	/* Bytes already in file order: libelf copies them unconverted. */
	data->d_buf = (void *)notes;
	data->d_size = len;
	data->d_type = ELF_T_BYTE;
	data->d_align = BUNDLE_NOTE_ALIGN;
	data->d_version = EV_CURRENT;
	if (!gelf_getshdr(scn, &shdr)) {
		r = elf_fail(ctx, -EIO, "note section header");
		goto out;
	}
	shdr.sh_name = SHSTR_NOTE;
	shdr.sh_type = SHT_NOTE;
	shdr.sh_flags = SHF_ALLOC;
	shdr.sh_addralign = BUNDLE_NOTE_ALIGN;
	gelf_update_shdr(scn, &shdr);

	strscn = elf_newscn(e);
	data = strscn ? elf_newdata(strscn) : NULL;
	if (!data) {
		r = elf_fail(ctx, -EIO, "string table");
		goto out;
	}
	data->d_buf = (void *)shstrtab;
	data->d_size = sizeof(shstrtab);
	data->d_type = ELF_T_BYTE;
	data->d_align = 1;
	data->d_version = EV_CURRENT;
	if (!gelf_getshdr(strscn, &shdr)) {
		r = elf_fail(ctx, -EIO, "string table header");
		goto out;
	}
	shdr.sh_name = SHSTR_SHSTRTAB;
	shdr.sh_type = SHT_STRTAB;
	shdr.sh_addralign = 1;
	gelf_update_shdr(strscn, &shdr);
	ehdr->e_shstrndx = (Elf64_Half)elf_ndxscn(strscn);

	/* Lay out first, then point the segment at the section's offset. */
	if (elf_update(e, ELF_C_NULL) < 0) {
		r = elf_fail(ctx, -EIO, "layout");
		goto out;
	}
	if (!gelf_getshdr(scn, &shdr)) {
		r = elf_fail(ctx, -EIO, "note section header");
		goto out;
	}
	phdr->p_type = PT_NOTE;
	phdr->p_flags = PF_R;
	phdr->p_offset = shdr.sh_offset;
	phdr->p_filesz = len;
	phdr->p_memsz = len;
	phdr->p_align = BUNDLE_NOTE_ALIGN;
	elf_flagphdr(e, ELF_C_SET, ELF_F_DIRTY);
	if (elf_update(e, ELF_C_WRITE) < 0) {
		r = elf_fail(ctx, -EIO, "write");
		goto out;
	}
	elf_end(e);
	e = NULL;

	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		r = fw_error(ctx, -EIO, "index.elf: cannot size the written object");
		goto out;
	}
	out = malloc((size_t)st.st_size);
	if (!out) {
		r = fw_error(ctx, -ENOMEM, "out of memory");
		goto out;
	}
	if (pread(fd, out, (size_t)st.st_size, 0) != st.st_size) {
		r = fw_error(ctx, -EIO, "index.elf: cannot read back the written object");
		goto out;
	}
	*ret_elf = out;
	*ret_len = (size_t)st.st_size;
	out = NULL;
	r = 0;
out:
	free(out);
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
	return r;
}

int bundle_elf_notes(struct fw_ctx *ctx, const uint8_t *elf, size_t len,
		     uint8_t **ret_owner, const uint8_t **ret_notes, size_t *ret_len)
{
	Elf *e = NULL;
	GElf_Ehdr ehdr;
	GElf_Phdr note_ph = { 0 };
	GElf_Shdr note_sh = { 0 };
	Elf_Scn *scn = NULL, *note_scn = NULL;
	Elf_Data *data;
	size_t phnum = 0, n_ptnote = 0, n_shtnote = 0;
	char *copy = NULL;
	uint8_t *notes = NULL;
	int r;

	r = elf_init(ctx);
	if (r < 0)
		return r;
	if (len > FW_LIMIT_INDEX_SIZE)
		return fw_error(ctx, -EOVERFLOW, "index.elf is %zu bytes, beyond FW_LIMIT_INDEX_SIZE", len);
	if (len < EI_NIDENT || memcmp(elf, ELFMAG, SELFMAG) != 0)
		return fw_error(ctx, -EBADMSG, "index.elf is not an ELF object");
	if (elf[EI_CLASS] != ELFCLASS64 || elf[EI_DATA] != ELFDATA2LSB)
		return fw_error(ctx, -EBADMSG, "index.elf is not ELF64 little-endian");
	/* libelf wants a writable, suitably aligned image of its own. */
	copy = malloc(len);
	if (!copy)
		return fw_error(ctx, -ENOMEM, "out of memory");
	memcpy(copy, elf, len);
	e = elf_memory(copy, len);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		r = elf_fail(ctx, -EBADMSG, "not an ELF object");
		goto out;
	}
	if (!gelf_getehdr(e, &ehdr)) {
		r = elf_fail(ctx, -EBADMSG, "ELF header");
		goto out;
	}
	if (elf_getphdrnum(e, &phnum) < 0) {
		r = elf_fail(ctx, -EBADMSG, "program headers");
		goto out;
	}
	if (phnum > 16) {
		r = fw_error(ctx, -EBADMSG, "index.elf: %zu program headers, expected 1", phnum);
		goto out;
	}
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph)) {
			r = elf_fail(ctx, -EBADMSG, "program header");
			goto out;
		}
		if (ph.p_type == PT_NOTE) {
			note_ph = ph;
			n_ptnote++;
		}
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh)) {
			r = elf_fail(ctx, -EBADMSG, "section header");
			goto out;
		}
		if (sh.sh_type == SHT_NOTE) {
			note_sh = sh;
			note_scn = scn;
			if (++n_shtnote > 1)
				break;
		}
	}
	if (n_ptnote != 1 || n_shtnote != 1) {
		r = fw_error(ctx, -EBADMSG,
			     "index.elf: %zu PT_NOTE segments and %zu SHT_NOTE sections, expected one of each",
			     n_ptnote, n_shtnote);
		goto out;
	}
	if (note_ph.p_offset != note_sh.sh_offset || note_ph.p_filesz != note_sh.sh_size) {
		r = fw_error(ctx, -EBADMSG,
			     "index.elf: the PT_NOTE segment (offset %llu, %llu bytes) and the SHT_NOTE section (offset %llu, %llu bytes) disagree",
			     (unsigned long long)note_ph.p_offset, (unsigned long long)note_ph.p_filesz,
			     (unsigned long long)note_sh.sh_offset, (unsigned long long)note_sh.sh_size);
		goto out;
	}
	if (note_sh.sh_addralign != BUNDLE_NOTE_ALIGN) {
		r = fw_error(ctx, -EBADMSG, "index.elf: note section alignment %llu, expected %u",
			     (unsigned long long)note_sh.sh_addralign, BUNDLE_NOTE_ALIGN);
		goto out;
	}
	if (note_sh.sh_offset > len || note_sh.sh_size > len - note_sh.sh_offset) {
		r = fw_error(ctx, -EBADMSG, "index.elf: the note section runs past the end of the file");
		goto out;
	}
	data = elf_rawdata(note_scn, NULL);
	if (!data || data->d_size != note_sh.sh_size || (data->d_size && !data->d_buf)) {
		r = elf_fail(ctx, -EBADMSG, "note section data");
		goto out;
	}
	notes = malloc(data->d_size ? data->d_size : 1);
	if (!notes) {
		r = fw_error(ctx, -ENOMEM, "out of memory");
		goto out;
	}
	if (data->d_size)
		memcpy(notes, data->d_buf, data->d_size);
	*ret_owner = notes;
	*ret_notes = notes;
	*ret_len = data->d_size;
	notes = NULL;
	r = 0;
out:
	free(notes);
	if (e)
		elf_end(e);
	free(copy);
	return r;
}

int bundle_index_parse(struct fw_ctx *ctx, const uint8_t *elf, size_t len,
		       struct bundle_index **ret)
{
	uint8_t *owner = NULL;
	const uint8_t *notes;
	size_t n;
	int r;

	r = bundle_elf_notes(ctx, elf, len, &owner, &notes, &n);
	if (r < 0)
		return r;
	r = bundle_index_decode(ctx, notes, n, ret);
	free(owner);
	return r;
}
