/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_energy.h - the per-event energy (and area) table: picojoules per
 * event, each with its source, the one copy of every energy figure that
 * libnpe's estimate (npe_stats.energy_pj), the crossbar model
 * (models/xbar), `npe nlu-report` and the benches use. Pure data with a
 * lookup; no allocation, no stdio, no OS calls. Part of the public API
 * through npe.h, which includes this header.
 *
 * Thread safety: the table is static and constant; every function may be
 * called from any thread.
 */
#ifndef NPE_ENERGY_H
#define NPE_ENERGY_H

#include <stddef.h>

#include "npe_format.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * One entry of the energy table: the energy of one event and, where the
 * table has one, the area of the hardware that performs it. Every number
 * cites its source or is labelled "assumption: ...". ESTIMATES, not
 * measurements.
 *
 * Since API 0.2.0 the table also holds the nonlinear unit (NLU), ramp-ADC
 * and analog crossbar events (docs/NLU.md), and each entry has @c unit,
 * @c area_um2 and @c area_source after the three original fields (same
 * order, so code reading @c event, @c pj and @c source is unchanged; it
 * must be recompiled, as always with this static library).
 */
typedef struct npe_energy_entry {
  const char *event;       /**< e.g. "mac_int8"; unique in the table */
  double pj;               /**< picojoules per event, > 0 */
  const char *source;      /**< citation and derivation, or "assumption: ..." */
  const char *unit;        /**< what one event is, e.g. "pJ/MAC"; never NULL (0.2.0) */
  double area_um2;         /**< area of the unit that performs the event, um^2
                                (which unit: @c area_source); 0 = not estimated (0.2.0) */
  const char *area_source; /**< citation or "assumption: ..." of @c area_um2;
                                "" when @c area_um2 is 0; never NULL (0.2.0) */
} npe_energy_entry;

/** The per-event energies the estimate uses (and, since 0.2.0, the NLU,
 *  ADC, crossbar, DAC and programming events); @p n (if not NULL) gets the
 *  count. The table is static and never changes while the program runs. */
const npe_energy_entry *npe_energy_table(size_t *n /* out */);

/** Finds the entry named @p event (e.g. "xbar_cell_read") in
 *  npe_energy_table() and stores a pointer to it in *@p entry. Errors:
 *  NPE_ERR_INVALID_ARG (NULL argument or unknown name; *@p entry
 *  unchanged). Since API 0.2.0. */
int npe_energy_find(const char *event, const npe_energy_entry **entry /* out */);

#ifdef __cplusplus
}
#endif

#endif /* NPE_ENERGY_H */
