/* SPDX-License-Identifier: MIT */
/*
 * Names for opcodes, registers and statuses, for messages and outcome
 * notes; and the one function that knows register sizes.
 */
#include "config.h"

#include <stdio.h>

#include "ifc/names.h"
#include "ifc/regcat.h"

struct name_row {
	uint16_t value;
	const char *name;
};

static const struct name_row opcodes[] = {
	{ MLX5_CMD_QUERY_HCA_CAP, "QUERY_HCA_CAP" },
	{ MLX5_CMD_QUERY_ADAPTER, "QUERY_ADAPTER" },
	{ MLX5_CMD_QUERY_PAGES, "QUERY_PAGES" },
	{ MLX5_CMD_SET_HCA_CAP, "SET_HCA_CAP" },
	{ MLX5_CMD_QUERY_ISSI, "QUERY_ISSI" },
	{ MLX5_CMD_QUERY_DRIVER_VERSION, "QUERY_DRIVER_VERSION" },
	{ MLX5_CMD_QUERY_OTHER_HCA_CAP, "QUERY_OTHER_HCA_CAP" },
	{ MLX5_CMD_CREATE_MKEY, "CREATE_MKEY" },
	{ MLX5_CMD_QUERY_MKEY, "QUERY_MKEY" },
	{ MLX5_CMD_QUERY_VPORT_STATE, "QUERY_VPORT_STATE" },
	{ MLX5_CMD_QUERY_NIC_VPORT_CONTEXT, "QUERY_NIC_VPORT_CONTEXT" },
	{ MLX5_CMD_QUERY_VNIC_ENV, "QUERY_VNIC_ENV" },
	{ MLX5_CMD_QUERY_VPORT_COUNTER, "QUERY_VPORT_COUNTER" },
	{ MLX5_CMD_QUERY_Q_COUNTER, "QUERY_Q_COUNTER" },
	{ MLX5_CMD_ALLOC_PD, "ALLOC_PD" },
	{ MLX5_CMD_ACCESS_REG, "ACCESS_REG" },
	{ MLX5_CMD_NOP, "NOP" },
	{ MLX5_CMD_QUERY_DIAGNOSTIC_PARAMS, "QUERY_DIAGNOSTIC_PARAMS" },
	{ MLX5_CMD_SET_DIAGNOSTIC_PARAMS, "SET_DIAGNOSTIC_PARAMS" },
	{ MLX5_CMD_QUERY_DIAGNOSTIC_COUNTERS, "QUERY_DIAGNOSTIC_COUNTERS" },
	{ MLX5_CMD_CREATE_UCTX, "CREATE_UCTX" },
	{ MLX5_CMD_QUERY_UCTX, "QUERY_UCTX" },
	{ MLX5_CMD_DESTROY_UCTX, "DESTROY_UCTX" },
	{ MLX5_CMD_CREATE_UMEM, "CREATE_UMEM" },
	{ MLX5_CMD_QUERY_UMEM, "QUERY_UMEM" },
	{ MLX5_CMD_DESTROY_UMEM, "DESTROY_UMEM" },
	{ MLX5_CMD_ACCESS_REGISTER_USER, "ACCESS_REGISTER_USER" },
};

/*
 * Names of the registers in ifc.h, for messages about registers that are
 * not (yet) in the register catalog.  Sizes come from the catalog only
 * (ifc/regcat.def), so there is one place that states a layout.
 */
struct reg_row {
	uint16_t id;
	const char *name;
};

static const struct reg_row regs[] = {
	{ MLX5_REG_QPTS, "QPTS" },
	{ MLX5_REG_QETCR, "QETCR" },
	{ MLX5_REG_QTCT, "QTCT" },
	{ MLX5_REG_QPDPM, "QPDPM" },
	{ MLX5_REG_QCAM, "QCAM" },
	{ MLX5_REG_DCBX_PARAM, "DCBX_PARAM" },
	{ MLX5_REG_DCBX_APP, "DCBX_APP" },
	{ MLX5_REG_CORE_DUMP, "CORE_DUMP" },
	{ MLX5_REG_PCAP, "PCAP" },
	{ MLX5_REG_PMLP, "PMLP" },
	{ MLX5_REG_PMTU, "PMTU" },
	{ MLX5_REG_PTYS, "PTYS" },
	{ MLX5_REG_PAOS, "PAOS" },
	{ MLX5_REG_PFCC, "PFCC" },
	{ MLX5_REG_PPCNT, "PPCNT" },
	{ MLX5_REG_PUDE, "PUDE" },
	{ MLX5_REG_PPTB, "PPTB" },
	{ MLX5_REG_PBMC, "PBMC" },
	{ MLX5_REG_PELC, "PELC" },
	{ MLX5_REG_PVLC, "PVLC" },
	{ MLX5_REG_PMPE, "PMPE" },
	{ MLX5_REG_PMAOS, "PMAOS" },
	{ MLX5_REG_PPLM, "PPLM" },
	{ MLX5_REG_PDDR, "PDDR" },
	{ MLX5_REG_PCMR, "PCMR" },
	{ MLX5_REG_PCAM, "PCAM" },
	{ MLX5_REG_NODE_DESC, "NODE_DESC" },
	{ MLX5_REG_HOST_ENDIANNESS, "HOST_ENDIANNESS" },
	{ MLX5_REG_MTCAP, "MTCAP" },
	{ MLX5_REG_MTMP, "MTMP" },
	{ MLX5_REG_MCIA, "MCIA" },
	{ MLX5_REG_MGIR, "MGIR" },
	{ MLX5_REG_MFRL, "MFRL" },
	{ MLX5_REG_MLCR, "MLCR" },
	{ MLX5_REG_MRTC, "MRTC" },
	{ MLX5_REG_MTRC_CAP, "MTRC_CAP" },
	{ MLX5_REG_MTRC_CONF, "MTRC_CONF" },
	{ MLX5_REG_MTRC_STDB, "MTRC_STDB" },
	{ MLX5_REG_MTRC_CTRL, "MTRC_CTRL" },
	{ MLX5_REG_MPEIN, "MPEIN" },
	{ MLX5_REG_MPCNT, "MPCNT" },
	{ MLX5_REG_MTPPS, "MTPPS" },
	{ MLX5_REG_MTPPSE, "MTPPSE" },
	{ MLX5_REG_MTUTC, "MTUTC" },
	{ MLX5_REG_MPEGC, "MPEGC" },
	{ MLX5_REG_MCQS, "MCQS" },
	{ MLX5_REG_MCQI, "MCQI" },
	{ MLX5_REG_MCC, "MCC" },
	{ MLX5_REG_MCDA, "MCDA" },
	{ MLX5_REG_MCAM, "MCAM" },
	{ MLX5_REG_MIRC, "MIRC" },
	{ MLX5_REG_RESOURCE_DUMP, "RESOURCE_DUMP" },
	{ MLX5_REG_DTOR, "DTOR" },
};

/* The catalog and ifc.h agree on every register id, at compile time. */
#define REGCAT_ENUM(tag, ...)
#define REGCAT_REG(name, id, size, summary, ...) \
	_Static_assert(MLX5_REG_##name == (id), "regcat.def and ifc.h differ on " #name);
/* A page belongs to a register ifc.h knows. */
#define REGCAT_PAGE(reg, sel, value, instead, summary, ...) \
	_Static_assert(MLX5_REG_##reg > 0, "regcat.def pages an unknown register " #reg);
#include "ifc/regcat.def"
#undef REGCAT_REG
#undef REGCAT_PAGE
#undef REGCAT_ENUM

static const struct name_row statuses[] = {
	{ MLX5_STAT_OK, "OK" },
	{ MLX5_STAT_INT_ERR, "INT_ERR" },
	{ MLX5_STAT_BAD_OP, "BAD_OP" },
	{ MLX5_STAT_BAD_PARAM, "BAD_PARAM" },
	{ MLX5_STAT_BAD_SYS_STATE, "BAD_SYS_STATE" },
	{ MLX5_STAT_BAD_RES, "BAD_RES" },
	{ MLX5_STAT_RES_BUSY, "RES_BUSY" },
	{ MLX5_STAT_LIM_ERR, "LIM_ERR" },
	{ MLX5_STAT_BAD_RES_STATE, "BAD_RES_STATE" },
	{ MLX5_STAT_IX_ERR, "IX_ERR" },
	{ MLX5_STAT_NO_RES, "NO_RES" },
	{ MLX5_STAT_BAD_QP_STATE, "BAD_QP_STATE" },
	{ MLX5_STAT_BAD_PKT, "BAD_PKT" },
	{ MLX5_STAT_BAD_SIZE_OUTS_CQES, "BAD_SIZE_OUTS_CQES" },
	{ MLX5_STAT_BAD_INP_LEN, "BAD_INP_LEN" },
	{ MLX5_STAT_BAD_OUTP_LEN, "BAD_OUTP_LEN" },
};

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup(const struct name_row *rows, size_t n, uint16_t value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rows[i].value == value)
			return rows[i].name;
	return NULL;
}

static const struct reg_row *reg_row(uint16_t id)
{
	size_t i;

	for (i = 0; i < N_ELEM(regs); i++)
		if (regs[i].id == id)
			return &regs[i];
	return NULL;
}

const char *mlx5_opcode_name(uint16_t opcode)
{
	return lookup(opcodes, N_ELEM(opcodes), opcode);
}

const char *mlx5_reg_name(uint16_t reg_id)
{
	const struct regcat_reg *c = regcat_by_id(reg_id);
	const struct reg_row *r;

	if (c)
		return c->name;
	r = reg_row(reg_id);
	return r ? r->name : NULL;
}

size_t mlx5_reg_size(uint16_t reg_id)
{
	const struct regcat_reg *c = regcat_by_id(reg_id);

	return c ? c->size : 0;
}

const char *mlx5_status_name(uint8_t status)
{
	return lookup(statuses, N_ELEM(statuses), status);
}

void mlx5_status_text(uint8_t status, uint32_t syndrome, char *buf, size_t len)
{
	const char *name = mlx5_status_name(status);

	if (status == MLX5_STAT_OK && syndrome == 0)
		snprintf(buf, len, "OK (0x0)");
	else if (name)
		snprintf(buf, len, "%s (0x%x), syndrome 0x%x", name, status, syndrome);
	else
		snprintf(buf, len, "status 0x%x, syndrome 0x%x", status, syndrome);
}
