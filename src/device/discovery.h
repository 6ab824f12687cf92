/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * discovery: ConnectX PCI functions found in sysfs (vendor 0x15b3), their
 * model name and which interfaces exist for each.  Every path is read under
 * a sysroot ("" or NULL for "/"), so captured trees can be tested.
 *
 * (Placeholder contract; the transports subsystem owns and defines it.)
 */
#include "core/core.h"
