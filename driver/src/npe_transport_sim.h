/* SPDX-License-Identifier: Apache-2.0 */
/* npe_transport_sim.h - the sim: transport: libnpesim in process. Internal. */
#ifndef NPE_TRANSPORT_SIM_H
#define NPE_TRANSPORT_SIM_H

#include "npe_transport.h"
#include "npesim.h"

/** Device memory the sim: transport offers (the DMA window is set to it). */
#define NPE_SIM_MEM_BASE 0x80000000ull
#define NPE_SIM_MEM_SIZE (256ull << 20)
/** ... and for the small build ("sim:?build=small"): the UP5K's 128 KiB at 0. */
#define NPE_SIM_SMALL_MEM_BASE 0ull
#define NPE_SIM_SMALL_MEM_SIZE (128ull << 10)

/** Creates a simulator of the build @p cfg->build with @p cfg (mem_base/
 *  mem_size are forced to the values above for that build) and fills @p t.
 *  NPESIM_BUILD_SOC: the SoC with its firmware booted (cfg->firmware), an
 *  offload transport (npe_transport.offload) without CSRs. Errors:
 *  NPE_ERR_INVALID_ARG (bad config), NPE_ERR_IO (trace file),
 *  NPE_ERR_DEVICE (the SoC's firmware cannot be loaded or does not come
 *  up). */
int npe_transport_sim_open(const npesim_config *cfg, npe_transport *t /* out */);

/** The simulator behind a sim: transport, of either build (for tests and
 *  statistics), or NULL. */
npesim *npe_transport_sim_get(const npe_transport *t);

#endif
