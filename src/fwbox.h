/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * fwbox.h: the library's public contract, the only header the command-line
 * front-end (src/cli/) includes.  Each subsystem states its own contract in
 * its header; this file gathers them.
 *
 * Rules that hold for every call below: it takes a struct fw_ctx, returns a
 * negative errno on failure with a message on the context, never prints and
 * never exits.  Out-parameters are named ret_* and written only on success.
 */
#include "core/core.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/sha256.h"
#include "core/text.h"
#include "bundle/bundle.h"
#include "device/device.h"
#include "device/discovery.h"
#include "ifc/regcat.h"
#include "mlx5/mlx5.h"
#include "emu/emu.h"
#include "collect/collect.h"
#include "store/store.h"
#include "analyze/analyze.h"
#include "watch/watch.h"
#include "redact/redact.h"
#include "report/report.h"
#include "import/import.h"
