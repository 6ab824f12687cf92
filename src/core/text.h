/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * text: make outside bytes safe for UTF-8 consumers. Firmware strings,
 * --reason texts and bundle member names are arbitrary bytes; json-c
 * escapes control characters but copies invalid UTF-8 through, which
 * makes the document invalid JSON. One helper, used on every JSON text
 * the command line prints.
 */
#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when
 * the bytes there are not one (stray continuation, overlong form,
 * surrogate, above U+10FFFF, truncated). */
size_t fw_utf8_valid_len(const unsigned char *s, size_t n);

/* n bytes as 2n lower-case hex digits and a NUL into out (2n + 1 bytes). */
void fw_hex(const void *data, size_t n, char *out);

/* A NUL-terminated copy of s[0..len) in which every invalid UTF-8
 * byte is replaced by U+FFFD (one per byte that starts no valid
 * sequence). Returns NULL when out of
 * memory; the caller frees. */
char *fw_utf8_sanitize(const char *s, size_t len);
