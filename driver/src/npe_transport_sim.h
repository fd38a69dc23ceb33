/* SPDX-License-Identifier: Apache-2.0 */
/* npe_transport_sim.h - the sim: transport: libnpesim in process. Internal. */
#ifndef NPE_TRANSPORT_SIM_H
#define NPE_TRANSPORT_SIM_H

#include "npe_transport.h"
#include "npesim.h"

/** Device memory the sim: transport offers (the DMA window is set to it). */
#define NPE_SIM_MEM_BASE 0x80000000ull
#define NPE_SIM_MEM_SIZE (256ull << 20)

/** Creates a simulator with @p cfg (mem_base/mem_size are forced to the
 *  values above) and fills @p t. Errors: NPE_ERR_INVALID_ARG (bad config),
 *  NPE_ERR_NO_MEM, NPE_ERR_IO (trace file). */
int npe_transport_sim_open(const npesim_config *cfg, npe_transport *t /* out */);

/** The simulator behind a sim: transport (for tests and statistics). */
npesim *npe_transport_sim_get(const npe_transport *t);

#endif
