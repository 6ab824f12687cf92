// SPDX-License-Identifier: MIT
/*
 * emu-regs: the emulated register file.  Contents are written by field
 * name through the register catalog, so the layouts live only in
 * regcat.def; values come from the profile, the seed and emulated time.
 * Index fields (local_port, module, sensor, component, page) select what
 * is answered and an index that does not exist is BAD_PARAM, as firmware
 * answers it.  Writes are accepted like firmware would (the read-only
 * policy lives in device/, not here); registers with state keep it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "emu/emu-internal.h"
#include "ifc/ifc.h"

#define SET(name, v) emu_reg_set(r, out, (name), (uint32_t)(v))
#define GET(name) emu_reg_get(r, in, (name))

static uint8_t emu_bad_index(uint32_t *syndrome, uint16_t reg, uint32_t idx)
{
	*syndrome = 0x3e000000u ^ ((uint32_t)reg << 8) ^ (idx & 0xff);
	return MLX5_STAT_BAD_PARAM;
}

static uint32_t emu_uptime_s(const struct emu *e)
{
	return (uint32_t)(e->boot_uptime_s + e->now_ns / 1000000000ull);
}

/* A counter that grows with emulated time at about per_s per second. */
static uint64_t emu_counter(const struct emu *e, uint64_t key, uint64_t per_s)
{
	uint64_t base = emu_hash(e->seed, key) % (per_s * 1000 + 1);
	uint64_t t = emu_uptime_s(e);

	return base + per_s * t + (e->now_ns % 1000000000ull) * per_s / 1000000000ull;
}

static void emu_mgir(struct emu *e, const struct regcat_reg *r, uint8_t *out)
{
	const struct emu_profile *p = e->prof;
	uint64_t mac = 0xb83fd2000000ull | (emu_hash(e->seed, 10) & 0xfffff0);

	if (e->plant.set & EMU_PLANT_MAC) {
		mac = 0;
		for (unsigned i = 0; i < 6; i++)
			mac = mac << 8 | e->plant.mac[i];
	}
	uint32_t build = (uint32_t)emu_hash(e->seed ^ p->device_id, 11);

	SET("device_hw_revision", 0);
	SET("device_id", p->device_id);
	SET("num_ports", p->num_ports);
	SET("technology", p->technology);
	SET("hw_dev_id", p->hw_dev_id);
	SET("ga_valid", 1);
	SET("manufacturing_base_mac_47_32", mac >> 32);
	SET("manufacturing_base_mac_31_0", mac & 0xffffffffu);
	SET("uptime", emu_uptime_s(e));
	SET("string_tlv", 1);
	SET("signed_fw", 1);
	SET("secured", 1);
	SET("build_id", build);
	/* Build date and hour are hex digits: 0x09 0x18 0x2025, 0x1743 = 17:43. */
	SET("month", 0x09);
	SET("day", 0x18);
	SET("year", 0x2025);
	SET("hour", 0x1743);
	SET("bkv_major", 1);
	emu_reg_set_str(r, out, "psid", p->psid);
	SET("ini_file_version", p->ini_version);
	SET("extended_major", e->fw_major);
	SET("extended_minor", e->fw_minor);
	SET("extended_sub_minor", e->fw_sub);
	SET("isfu_major", 1);
	SET("sec_boot", 1);
	SET("encryption", 1);
	SET("life_cycle", 0);
	SET("issu_able", 1);
	emu_reg_set_str(r, out, "dev_branch_tag", e->branch_tag);
}

/* PDDR: the page the reader selected, filled by field name from the
 * page's row in regcat.def (REGCAT_PAGE), so the emulator and the decoder
 * read one layout: the troubleshooting message at register byte 0x14
 * (page byte 0x0c), as the kernel's mlx5_ifc_pddr_troubleshooting_page_bits
 * has it, the module's serial at register byte 0x44.  A page the catalog
 * does not describe is BAD_PARAM, as firmware answers an unknown page. */
static uint8_t emu_pddr(struct emu *e, const struct regcat_reg *r, const uint8_t *in, uint8_t *out,
			uint32_t *syndrome)
{
	const struct emu_profile *p = e->prof;
	uint32_t page = GET("page_select");
	unsigned port = GET("local_port");
	const struct regcat_page *pg = regcat_page(r, page);
	bool cx7 = p->device_id == 0x1021;
	char serial[17];

	if (!pg)
		return emu_bad_index(syndrome, r->id, page);
	SET("local_port", port);
	SET("page_select", page);
	switch (page) {
	case 0: /* operational info: Ethernet, the PHY manager up, the active link */
		SET("proto_active", 4);
		SET("phy_mngr_fsm_state", 3);
		SET("phy_manager_link_eth_enabled", p->ext_eth_proto_cap);
		SET("core_to_phy_link_eth_enabled", p->ext_eth_proto_cap);
		SET("cable_ext_eth_proto_cap", p->ext_eth_proto_cap);
		SET("link_eth_active", p->ext_eth_proto_oper ? p->ext_eth_proto_oper : 0x1000);
		SET("pd_link_enabled", p->ext_eth_proto_cap);
		SET("eth_an_link_enabled", p->ext_eth_proto_cap);
		break;
	case 1: /* troubleshooting: the monitor group, no issue, and it in words */
		SET("group_opcode", 0);
		SET("monitor_opcode", 0);
		emu_reg_set_str(r, out, "status_message", "No issue was observed");
		break;
	case 3: /* module info: a passive copper cable, its identity and readings */
		SET("cable_type", 3);
		SET("cable_vendor", cx7 ? 3 : 1);
		SET("cable_length", 1);
		SET("cable_identifier", cx7 ? 6 : 0);
		emu_reg_set_str(r, out, "vendor_name", "NVIDIA          ");
		emu_reg_set_str(r, out, "vendor_pn", cx7 ? "MCP7Y00-N001    " : "MCP1600-C001E30N");
		/* The module's serial, space-padded as SFF-8636 pads it. */
		snprintf(serial, sizeof(serial), "%-16s",
			 (e->plant.set & EMU_PLANT_SERIAL) ? e->plant.serial : "MT2201VS0");
		emu_reg_set_str(r, out, "vendor_sn", serial);
		/* 38 C and a fraction, in 1/256 C; 3.3 V in 100 uV. */
		SET("temperature", 38 * 256 + emu_hash(e->seed, 41 + port) % 256);
		SET("voltage", 33000);
		SET("temperature_high_th", 75 * 256);
		SET("temperature_low_th", (uint16_t)(-5 * 256));
		break;
	default:
		return emu_bad_index(syndrome, r->id, page);
	}
	return MLX5_STAT_OK;
}

static uint8_t emu_ppcnt(struct emu *e, const struct regcat_reg *r, const uint8_t *in, uint8_t *out,
			 uint32_t *syndrome)
{
	static const char *const names[] = {
		"a_frames_transmitted_ok", "a_frames_received_ok", "a_frame_check_sequence_errors",
		"a_alignment_errors", "a_octets_transmitted_ok", "a_octets_received_ok",
		"a_multicast_frames_xmitted_ok", "a_broadcast_frames_xmitted_ok",
		"a_multicast_frames_received_ok", "a_broadcast_frames_received_ok",
		"a_in_range_length_errors", "a_out_of_range_length_field", "a_frame_too_long_errors",
		"a_symbol_error_during_carrier", "a_mac_control_frames_transmitted",
		"a_mac_control_frames_received", "a_unsupported_opcodes_received",
		"a_pause_mac_ctrl_frames_received", "a_pause_mac_ctrl_frames_transmitted",
	};
	/* Per-second rates of the 802.3 counters: frames and octets move, errors barely. */
	static const uint32_t rates[] = { 81000, 79000, 0, 0, 98000000, 95000000, 120, 3, 115, 4,
					  0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint32_t grp = GET("grp"), port = GET("local_port");
	const struct regcat_field *f = regcat_field(r, "grp");
	char name[64];

	if (!regcat_enum_name(f, grp))
		return emu_bad_index(syndrome, r->id, grp);
	SET("local_port", port);
	SET("grp", grp);
	SET("prio_tc", GET("prio_tc"));
	if (grp == 0) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			uint64_t v = emu_counter(e, 0x1000 + port * 64 + i, rates[i]);

			snprintf(name, sizeof(name), "%s_high", names[i]);
			SET(name, v >> 32);
			snprintf(name, sizeof(name), "%s_low", names[i]);
			SET(name, v & 0xffffffffu);
		}
	} else {
		/* Other groups: 31 64-bit counters with slow, seeded rates. */
		for (size_t i = 0; i < 31; i++) {
			uint64_t v = emu_counter(e, 0x2000 + grp * 256 + port * 32 + i,
						 emu_hash(e->seed, grp * 64 + i) % 50);

			fw_put_be64(out + 8 + 8 * i, v);
		}
	}
	return MLX5_STAT_OK;
}

/* An SFF-8636 / CMIS-like module EEPROM byte. */
static uint8_t emu_eeprom(const struct emu *e, unsigned module, unsigned page, unsigned addr)
{
	static const char vendor[] = "NVIDIA          ";
	const char *pn = e->prof->device_id == 0x1021 ? "MCP7Y00-N001    " : "MCP1600-C001E30N";

	if (page == 0) {
		if (addr == 0 || addr == 128)
			return e->prof->device_id == 0x1021 ? 0x18 : 0x11;
		if (addr >= 148 && addr < 164)
			return (uint8_t)vendor[addr - 148];
		if (addr >= 168 && addr < 184)
			return (uint8_t)pn[addr - 168];
		if (addr >= 196 && addr < 212)
			return (uint8_t)("MT2201VS0" "0000000")[addr - 196] + (addr == 211 ? (uint8_t)module : 0);
		if (addr == 22)
			return 38;  /* temperature MSB: 38 C */
	}
	return (uint8_t)emu_hash(e->seed, 0x5000 + module * 0x10000 + page * 256 + addr);
}

static void emu_dtor(const struct regcat_reg *r, uint8_t *out)
{
	static const struct {
		const char *name;
		uint32_t mult, value;
	} to[] = {
		{ "pcie_toggle_to", 1, 2 }, { "health_poll_to", 1, 2 }, { "full_crdump_to", 1, 60 },
		{ "fw_reset_to", 1, 60 }, { "flush_on_err_to", 1, 2 }, { "pci_sync_update_to", 1, 2 },
		{ "tear_down_to", 1, 10 }, { "fsm_reactivate_to", 1, 5 }, { "reclaim_pages_to", 1, 5 },
		{ "reclaim_vfs_pages_to", 1, 120 }, { "reset_unload_to", 1, 120 },
	};
	char name[64];

	for (size_t i = 0; i < sizeof(to) / sizeof(to[0]); i++) {
		snprintf(name, sizeof(name), "%s_mult", to[i].name);
		SET(name, to[i].mult);
		snprintf(name, sizeof(name), "%s_value", to[i].name);
		SET(name, to[i].value);
	}
}

uint8_t emu_reg_access(struct emu *e, const struct regcat_reg *r, bool write, const uint8_t *in_data,
		       size_t inlen, uint8_t *out_data, size_t outlen, uint32_t *syndrome)
{
	const struct emu_profile *p = e->prof;
	uint8_t in[512] = { 0 }, out[512] = { 0 };
	uint8_t status = MLX5_STAT_OK;
	uint32_t port, idx;

	memcpy(in, in_data, inlen < r->size ? inlen : r->size);
	switch (r->id) {
	case MLX5_REG_MTRC_CAP:
	case MLX5_REG_MTRC_CONF:
	case MLX5_REG_MTRC_STDB:
	case MLX5_REG_MTRC_CTRL:
		status = emu_tracer_reg(e, r, write, in, r->size, out, r->size, syndrome);
		break;
	case MLX5_REG_CORE_DUMP:
		status = emu_core_dump(e, in, r->size, out, r->size, syndrome);
		break;
	case MLX5_REG_RESOURCE_DUMP:
		status = emu_resource_dump(e, in, r->size, out, r->size, syndrome);
		break;
	case MLX5_REG_MGIR:
		emu_mgir(e, r, out);
		break;
	case MLX5_REG_MCAM:
		if (GET("access_reg_group") > 2 || GET("feature_group") != 0)
			return emu_bad_index(syndrome, r->id, GET("access_reg_group"));
		SET("access_reg_group", GET("access_reg_group"));
		SET("mng_access_reg_cap_mask_127_96", 0x00000000u);
		SET("mng_access_reg_cap_mask_95_68", 0x0000680u);
		SET("tracer_registers", 0xf);
		SET("mng_access_reg_cap_mask_63_32", 0x1c00c000u);
		SET("mng_access_reg_cap_mask_31_0", 0x04010181u);
		SET("mng_feature_cap_mask_127_96", 0);
		SET("mng_feature_cap_mask_95_64", 0);
		SET("mng_feature_cap_mask_63_32", 0x00000012u);
		SET("mng_feature_cap_mask_31_0", p->device_id == 0x1017 ? 0x0000c5ffu : 0x4001c7ffu);
		break;
	case MLX5_REG_PDDR:
	case MLX5_REG_PPCNT:
	case MLX5_REG_PTYS:
	case MLX5_REG_PAOS:
	case MLX5_REG_PMLP:
	case MLX5_REG_PMTU:
		port = GET("local_port");
		if (port > p->num_ports)
			return emu_bad_index(syndrome, r->id, port);
		if (port == 0)
			port = 1;
		if (r->id == MLX5_REG_PDDR) {
			status = emu_pddr(e, r, in, out, syndrome);
			break;
		}
		if (r->id == MLX5_REG_PPCNT) {
			status = emu_ppcnt(e, r, in, out, syndrome);
			break;
		}
		SET("local_port", port);
		if (r->id == MLX5_REG_PTYS) {
			SET("proto_mask", 4);
			SET("an_status", 1);
			SET("data_rate_oper", p->data_rate_oper);
			SET("eth_proto_capability", p->eth_proto_cap);
			SET("ext_eth_proto_capability", p->ext_eth_proto_cap);
			SET("eth_proto_admin", p->eth_proto_cap);
			SET("ext_eth_proto_admin", p->ext_eth_proto_cap);
			SET("eth_proto_oper", p->ext_eth_proto_oper ? 0 : 0x00100000u);
			SET("ext_eth_proto_oper", p->ext_eth_proto_oper);
			SET("connector_type", 7);
			SET("eth_proto_lp_advertise", p->ext_eth_proto_oper ? 0 : 0x00100000u);
		} else if (r->id == MLX5_REG_PAOS) {
			SET("admin_status", 1);
			SET("oper_status", 1);
		} else if (r->id == MLX5_REG_PMLP) {
			unsigned width = p->device_id == 0x1021 ? 8 : 4;
			char name[32];

			SET("width", width);
			for (unsigned i = 0; i < width; i++) {
				snprintf(name, sizeof(name), "lane%u_module_mapping", i);
				SET(name, (i << 16) | (i << 8) | (port - 1));
			}
		} else {
			SET("max_mtu", p->max_mtu);
			SET("admin_mtu", 1518);
			SET("oper_mtu", 1518);
		}
		break;
	case MLX5_REG_PMAOS:
		idx = GET("module");
		if (idx >= p->num_ports)
			return emu_bad_index(syndrome, r->id, idx);
		SET("module", idx);
		SET("admin_status", 1);
		SET("oper_status", 1);
		break;
	case MLX5_REG_MTCAP:
		SET("sensor_count", 1);
		SET("sensor_map_31_0", 1);
		break;
	case MLX5_REG_MTMP: {
		uint32_t base = 8 * (44 + (uint32_t)(emu_hash(e->seed, 50) % 14));
		uint32_t wobble = (uint32_t)((e->now_ns / 1000000000ull) % 16);

		idx = GET("sensor_index");
		if (idx != 0)
			return emu_bad_index(syndrome, r->id, idx);
		SET("temperature", base + wobble);
		SET("mte", 1);
		SET("mtr", 1);
		SET("max_temperature", base + 40);
		SET("temperature_threshold_hi", 105 * 8);
		SET("temperature_threshold_lo", 100 * 8);
		emu_reg_set_str(r, out, "sensor_name", "ASIC");
		break;
	}
	case MLX5_REG_MCIA: {
		unsigned module = GET("module"), page = GET("page_number"), addr = GET("device_address");
		unsigned size = GET("size");

		SET("module", module);
		SET("page_number", page);
		SET("device_address", addr);
		SET("i2c_device_address", GET("i2c_device_address"));
		if (module >= p->num_ports) {
			SET("status", 1);            /* NO_EEPROM_MODULE */
			break;
		}
		if (size == 0 || size > 48)
			size = 48;
		SET("size", size);
		for (unsigned i = 0; i < size; i++)
			out[16 + i] = emu_eeprom(e, module, page, (addr + i) & 0xff);
		break;
	}
	case MLX5_REG_MCQS: {
		static const uint16_t comps[] = { 1, 5, 4, 6 };   /* BOOT_IMG, MLNX/OEM NVCONFIG, CS_TOKEN */

		idx = GET("component_index");
		if (idx >= sizeof(comps) / sizeof(comps[0]))
			return emu_bad_index(syndrome, r->id, idx);
		SET("component_index", idx);
		SET("last_index_flag", idx == sizeof(comps) / sizeof(comps[0]) - 1);
		SET("identifier", comps[idx]);
		SET("component_status", idx == 0 ? 2 : 1);
		SET("component_update_state", 0);
		break;
	}
	case MLX5_REG_MCQI:
		idx = GET("component_index");
		if (idx > 3)
			return emu_bad_index(syndrome, r->id, idx);
		SET("component_index", idx);
		SET("info_type", GET("info_type"));
		if (GET("info_type") == 0) {
			SET("info_size", 20);
			SET("data_size", 20);
			SET("supported_info_bitmask", 0x23);
			SET("component_size", idx == 0 ? 0x01a3c2f0u : 0x10000u);
			SET("max_component_size", idx == 0 ? 0x02000000u : 0x20000u);
			SET("log_mcda_word_size", 2);
			SET("mcda_max_write_size", 0x80);
			SET("rd_en", 1);
		} else if (GET("info_type") == 1) {
			/* VERSION: packed version then build time, as far as the register goes. */
			SET("info_size", 0x7c);
			SET("data_size", 20);
			fw_put_be32(out + 24, ((uint32_t)e->fw_major << 24) | ((uint32_t)e->fw_minor << 16) | e->fw_sub);
			fw_put_be32(out + 28, 0x20250918u);
			fw_put_be32(out + 32, 0x17430000u);
		} else {
			return emu_bad_index(syndrome, r->id, GET("info_type"));
		}
		break;
	case MLX5_REG_DTOR:
		emu_dtor(r, out);
		break;
	case MLX5_REG_MFRL:
		SET("reset_level", 0x49);
		SET("reset_type", 0x1);
		break;
	case MLX5_REG_MRTC:
		if (write) {
			memcpy(e->mrtc, in, sizeof(e->mrtc));
			fw_mlx5_set(e->mrtc, 0, 1, 1);
		}
		memcpy(out, e->mrtc, sizeof(e->mrtc));
		break;
	case MLX5_REG_NODE_DESC: {
		const char *desc = p->device_id == 0x1017 ? "MT4119 ConnectX5" :
				   p->device_id == 0x101d ? "MT4125 ConnectX6Dx" : "MT4129 ConnectX7";

		if (e->plant.set & EMU_PLANT_NODE_DESC)
			desc = e->plant.node_desc;
		emu_reg_set_str(r, out, "node_description", desc);
		break;
	}
	default:
		/* A catalog register without emulated contents: all zero. */
		break;
	}
	if (status == MLX5_STAT_OK)
		memcpy(out_data, out, outlen < r->size ? outlen : r->size);
	return status;
}
