/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * sysfs-fixtures: build the captured-looking sysfs trees of
 * tests/fixtures/make-sysfs-fixtures.sh into a temporary folder once per
 * test program (they hold symlink cycles, so they are made, not shipped).
 */

/* Build the trees (exits 99 if the recipe fails); call once from main(). */
void fx_make(void);
/* Remove them; call before main() returns. */
void fx_remove(void);
/* Path of one tree, e.g. fx_tree("sysfs-cx7-fwctl").  Static buffer. */
const char *fx_tree(const char *name);
