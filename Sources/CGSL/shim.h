// GSL as seen from Swift. Only what citus-sim uses is included.
#ifndef CITUS_SIM_CGSL_SHIM_H
#define CITUS_SIM_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_zeta.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_fit.h>

// GSL exposes its generator types as mutable C globals, which Swift 6 strict
// concurrency refuses to read. These getters return the (constant) pointers.
static inline const gsl_rng_type *cgsl_rng_mt19937(void) { return gsl_rng_mt19937; }

// A hint to fetch the cache line at `p` for reading (no effect on results).
static inline void cgsl_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#endif
