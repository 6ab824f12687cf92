/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * testutil: helpers shared by the Check suites.  Each test runs in its own
 * temporary folder (created in the fixture, removed after), and assertion
 * helpers print the context's error text when a library call fails.
 */
#include <check.h>

#include "fwbox.h"

/* Create a fresh temporary folder and chdir into it; returns its path. */
const char *tu_tmpdir_enter(void);
/* Leave and remove the folder made by tu_tmpdir_enter(). */
void tu_tmpdir_leave(void);
/* Path of a file under top_srcdir (env), e.g. "tests/fixtures/x". Static buffer. */
const char *tu_srcpath(const char *rel);
/* Write len bytes to path; fails the test on error. */
void tu_write_file(const char *path, const void *data, size_t len);
/* Read a whole file (malloc'd); fails the test on error. */
void *tu_read_file(const char *path, size_t *ret_len);
/* Run a Check suite; returns the process exit status. */
int tu_run_suite(Suite *s);

/* Assert r >= 0, else fail with the context's message. */
#define tu_assert_ok(ctx, r)                                                           \
	do {                                                                           \
		int tu_r_ = (r);                                                       \
		ck_assert_msg(tu_r_ >= 0, "%s returned %d: %s", #r, tu_r_,             \
			      fw_ctx_errmsg(ctx));                                     \
	} while (0)
