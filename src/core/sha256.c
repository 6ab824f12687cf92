/* SPDX-License-Identifier: MIT */
/* SHA-256 through OpenSSL's EVP interface. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "core/sha256.h"
#include "core/text.h"

struct fw_sha256 {
	EVP_MD_CTX *md;
};

int fw_sha256_new(struct fw_sha256 **ret)
{
	struct fw_sha256 *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->md = EVP_MD_CTX_new();
	if (!h->md || EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1) {
		fw_sha256_free(h);
		return -ENOMEM;
	}
	*ret = h;
	return 0;
}

void fw_sha256_free(struct fw_sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->md);
	free(h);
}

int fw_sha256_update(struct fw_sha256 *h, const void *data, size_t len)
{
	if (len && EVP_DigestUpdate(h->md, data, len) != 1)
		return -EIO;
	return 0;
}

int fw_sha256_final(struct fw_sha256 *h, uint8_t out[FW_SHA256_LEN])
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(h->md, out, &n) != 1 || n != FW_SHA256_LEN)
		return -EIO;
	if (EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1)
		return -EIO;
	return 0;
}

int fw_sha256(const void *data, size_t len, uint8_t out[FW_SHA256_LEN])
{
	unsigned int n = 0;

	if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1 || n != FW_SHA256_LEN)
		return -EIO;
	return 0;
}

void fw_sha256_hex(const uint8_t digest[FW_SHA256_LEN], char out[FW_SHA256_HEX])
{
	fw_hex(digest, FW_SHA256_LEN, out);
}
