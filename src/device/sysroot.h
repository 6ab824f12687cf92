/* SPDX-License-Identifier: MIT */
#pragma once
/* sysroot: paths on the host, read under a root folder (sysroot.c). */

/* Join sysroot ("" or NULL = "/") and an absolute path into a malloc'd
 * string, or NULL on allocation failure. */
char *fw_sysroot_path(const char *sysroot, const char *path);
