/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * sha256: SHA-256 through OpenSSL's libcrypto (EVP), never hand-written.
 * libcrypto is on every Debian machine, FIPS-reviewed and uses SHA-NI when
 * the CPU has it (about 2 GB/s here), which matters for hashing 100 MB
 * members in the writer and the reader.
 *
 * These calls take no context: they fail only with -ENOMEM or -EIO (the
 * library refused), and the caller's message says what it was hashing.
 */
#include <stddef.h>
#include <stdint.h>

#define FW_SHA256_LEN 32
#define FW_SHA256_HEX (FW_SHA256_LEN * 2 + 1)

struct fw_sha256;

int fw_sha256_new(struct fw_sha256 **ret);
void fw_sha256_free(struct fw_sha256 *h);
int fw_sha256_update(struct fw_sha256 *h, const void *data, size_t len);
/* Finish into out; the object is reset and can hash again. */
int fw_sha256_final(struct fw_sha256 *h, uint8_t out[FW_SHA256_LEN]);
/* One-shot. */
int fw_sha256(const void *data, size_t len, uint8_t out[FW_SHA256_LEN]);
void fw_sha256_hex(const uint8_t digest[FW_SHA256_LEN], char out[FW_SHA256_HEX]);
