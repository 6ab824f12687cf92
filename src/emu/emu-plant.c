/* SPDX-License-Identifier: MIT */
/*
 * emu-plant: identifiers the spec plants into the emulated card
 * (serial=, mac=, guid=, node_desc=, ip=, ip6=), so a test can look for
 * them in every place a real card exposes such values and prove that
 * fwbox redact leaves none behind (fwbox-emu(7) lists the places):
 *
 *   serial     the device identity, PDDR's module-info page, CR-space
 *   mac        MGIR's manufacturing base MAC, CR-space, the QUERY_VNIC_ENV
 *              resource-dump segment, the kernel log
 *   guid       CR-space, QUERY_VNIC_ENV, the kernel log
 *   node_desc  the NODE_DESC register, the kernel log
 *   ip, ip6    CR-space (raw, network order), QUERY_VNIC_ENV, the kernel log
 *
 * CR-space words reach the health dumps too: the fw_fatal reporter's crdump
 * is the CR-space image.  Nothing here calls the rest of the emulator.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "emu/emu-internal.h"

static int hexv(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) >= 'a' && tolower(c) <= 'f' ? tolower(c) - 'a' + 10
									     : -1;
}

/* "aa:bb:cc:dd:ee:ff" (n = 6) or 16 hex digits with an optional 0x (n = 8). */
static bool parse_hex(const char *s, uint8_t *out, size_t n, bool colons)
{
	if (!colons && (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
		s += 2;
	for (size_t i = 0; i < n; i++) {
		int hi = hexv((unsigned char)s[0]), lo = hi < 0 ? -1 : hexv((unsigned char)s[1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (colons && i + 1 < n) {
			if (*s != ':')
				return false;
			s++;
		}
	}
	return *s == '\0';
}

int emu_plant_parse(struct fw_ctx *ctx, struct emu_plant *p, const char *key, const char *val)
{
	if (strcmp(key, "serial") == 0) {
		size_t n = strlen(val);

		if (!n || n > 16 || strspn(val, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
						 "0123456789-_.") != n)
			return fw_error(ctx, -EINVAL,
					"emu spec: 'serial=%s' must be 1-16 of [A-Za-z0-9._-]", val);
		memcpy(p->serial, val, n + 1);
		p->set |= EMU_PLANT_SERIAL;
	} else if (strcmp(key, "mac") == 0) {
		if (!parse_hex(val, p->mac, 6, true))
			return fw_error(ctx, -EINVAL,
					"emu spec: 'mac=%s' is not a MAC address like 0c:42:a1:12:34:56",
					val);
		p->set |= EMU_PLANT_MAC;
	} else if (strcmp(key, "guid") == 0) {
		if (!parse_hex(val, p->guid, 8, false))
			return fw_error(ctx, -EINVAL,
					"emu spec: 'guid=%s' is not 16 hex digits like 0x0c42a10300123456",
					val);
		p->set |= EMU_PLANT_GUID;
	} else if (strcmp(key, "node_desc") == 0) {
		size_t n = strlen(val);

		if (!n || n >= sizeof(p->node_desc))
			return fw_error(ctx, -EINVAL,
					"emu spec: 'node_desc=' must be 1-%zu characters (no comma)",
					sizeof(p->node_desc) - 1);
		memcpy(p->node_desc, val, n + 1);
		p->set |= EMU_PLANT_NODE_DESC;
	} else if (strcmp(key, "ip") == 0) {
		if (inet_pton(AF_INET, val, p->ip) != 1)
			return fw_error(ctx, -EINVAL, "emu spec: 'ip=%s' is not an IPv4 address", val);
		p->set |= EMU_PLANT_IP;
	} else if (strcmp(key, "ip6") == 0) {
		if (inet_pton(AF_INET6, val, p->ip6) != 1)
			return fw_error(ctx, -EINVAL, "emu spec: 'ip6=%s' is not an IPv6 address", val);
		p->set |= EMU_PLANT_IP6;
	} else {
		return 0;
	}
	return 1;
}

/* The CR-space words, big-endian like every CR-space word, so each value's
 * bytes lie in a row as a card's would:
 *   0-1 MAC (two zero bytes first), 2-3 GUID, 4 IPv4, 5-8 IPv6,
 *   9-12 the serial in ASCII, NUL-padded. */
static void put_bytes(struct emu_plant *p, unsigned word, const uint8_t *b, size_t n)
{
	uint8_t buf[4 * EMU_PLANT_WORDS] = { 0 };

	for (unsigned i = 0; i < EMU_PLANT_WORDS; i++)
		fw_put_be32(buf + 4 * i, p->cr_words[i]);
	memcpy(buf + 4 * word, b, n);
	for (unsigned i = 0; i < EMU_PLANT_WORDS; i++) {
		p->cr_words[i] = fw_get_be32(buf + 4 * i);
		if (i >= word && 4 * i < 4 * word + n)
			p->cr_mask |= 1u << i;
	}
}

void emu_plant_place(struct emu_plant *p, const struct emu_cr_range *cr, size_t ncr)
{
	uint8_t mac[8] = { 0 }, serial[16] = { 0 };

	if (!(p->set & (EMU_PLANT_SERIAL | EMU_PLANT_MAC | EMU_PLANT_GUID | EMU_PLANT_IP |
			EMU_PLANT_IP6)))
		return;
	/* 256 bytes into the first range that holds them all: inside the
	 * first resource-dump page of that range (1024 words), so no segment
	 * header falls between the bytes of a value. */
	for (size_t i = 0; i < ncr; i++)
		if (cr[i].ndw >= 64 + EMU_PLANT_WORDS) {
			p->cr_addr = cr[i].addr + 256;
			break;
		}
	if (!p->cr_addr)
		return;
	if (p->set & EMU_PLANT_MAC) {
		memcpy(mac + 2, p->mac, 6);
		put_bytes(p, 0, mac, 8);
	}
	if (p->set & EMU_PLANT_GUID)
		put_bytes(p, 2, p->guid, 8);
	if (p->set & EMU_PLANT_IP)
		put_bytes(p, 4, p->ip, 4);
	if (p->set & EMU_PLANT_IP6)
		put_bytes(p, 5, p->ip6, 16);
	if (p->set & EMU_PLANT_SERIAL) {
		memcpy(serial, p->serial, strlen(p->serial));
		put_bytes(p, 9, serial, 16);
	}
}

bool emu_plant_crspace(const struct emu_plant *p, uint32_t addr, uint32_t *ret)
{
	uint32_t i;

	if (!p->cr_mask || addr < p->cr_addr || addr >= p->cr_addr + 4 * EMU_PLANT_WORDS)
		return false;
	i = (addr - p->cr_addr) / 4;
	if (!(p->cr_mask & (1u << i)))
		return false;
	*ret = p->cr_words[i];
	return true;
}

void emu_plant_segment(const struct emu_plant *p, uint16_t type, uint8_t *payload, size_t len)
{
	/* QUERY_VNIC_ENV: the vNIC's own addresses, after the first 16 bytes. */
	if (type != EMU_SEG_QUERY_VNIC_ENV || len < 16 + 48)
		return;
	if (p->set & EMU_PLANT_MAC)
		memcpy(payload + 16 + 2, p->mac, 6);
	if (p->set & EMU_PLANT_GUID)
		memcpy(payload + 24, p->guid, 8);
	if (p->set & EMU_PLANT_IP)
		memcpy(payload + 32, p->ip, 4);
	if (p->set & EMU_PLANT_IP6)
		memcpy(payload + 48, p->ip6, 16);
}

void emu_plant_klog(const struct emu_plant *p, FILE *f, const char *pfx)
{
	char a[INET6_ADDRSTRLEN];
	const uint8_t *m = p->mac, *g = p->guid;

	if (p->set & EMU_PLANT_MAC)
		fprintf(f, "%s ens1f0np0: Link up, permanent address %02x:%02x:%02x:%02x:%02x:%02x\n",
			pfx, m[0], m[1], m[2], m[3], m[4], m[5]);
	if (p->set & EMU_PLANT_GUID)
		fprintf(f,
			"%s: mlx5_ib: port 1 GUID 0x%02x%02x%02x%02x%02x%02x%02x%02x, node_guid "
			"%02x%02x:%02x%02x:%02x%02x:%02x%02x\n",
			pfx, g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[0], g[1], g[2], g[3], g[4],
			g[5], g[6], g[7]);
	if (p->set & EMU_PLANT_NODE_DESC)
		fprintf(f, "%s: mlx5_ib: node description '%s'\n", pfx, p->node_desc);
	if (p->set & EMU_PLANT_IP) {
		inet_ntop(AF_INET, p->ip, a, sizeof(a));
		fprintf(f, "%s ens1f0np0: RoCE peer %s: retry exceeded\n", pfx, a);
	}
	if (p->set & EMU_PLANT_IP6) {
		inet_ntop(AF_INET6, p->ip6, a, sizeof(a));
		fprintf(f, "%s ens1f0np0: IPv6 address %s added\n", pfx, a);
	}
	if (p->set & EMU_PLANT_SERIAL)
		fprintf(f, "%s: board serial number %s\n", pfx, p->serial);
}
