/* Carrier mobility models (shared PHYSICS.md §3). Units: cm^2/(V s), cm^-3, V/cm, cm/s.
 * Low-field models depend on doping only, so the solver evaluates them once per mesh; the
 * Canali high-field factor depends on the driving force and returns its derivative. */
#ifndef TCAD_PHYSICS_MOBILITY_H
#define TCAD_PHYSICS_MOBILITY_H
#include <math.h>

#include "tcad/hd.h"

/* Caughey–Thomas doping dependence, N = N_D + N_A (Caughey & Thomas 1967; Medici/Atlas
 * "analytic" parameter form). */
TCAD_HD double tcad_mobility_caughey_thomas(double N, double mumin, double mumax, double nref, double alpha)
{
  return mumin + (mumax - mumin) / (1.0 + pow(N / nref, alpha));
}

/* Masetti doping dependence (Masetti, Severi & Solmi 1983), N = N_D + N_A:
 * μ = μmin1 e^(−Pc/N) + (μmax − μmin2)/(1 + (N/Cr)^α) − μ1/(1 + (Cs/N)^β). */
TCAD_HD double tcad_mobility_masetti(double N, double mumax, double mumin1, double mumin2, double mu1, double pc,
                                     double cr, double cs, double alpha, double beta)
{
  const double Nf = N > 1.0 ? N : 1.0; /* undoped: the limit N → 0 without dividing by zero */
  const double e = pc > 0.0 ? exp(-pc / Nf) : 1.0;
  return mumin1 * e + (mumax - mumin2) / (1.0 + pow(Nf / cr, alpha)) - mu1 / (1.0 + pow(cs / Nf, beta));
}

/* Canali high-field saturation (Canali et al. 1975): μ = μ0 / (1 + (μ0 F / v_sat)^β)^(1/β),
 * F ≥ 0 the driving force in V/cm. Returns μ and dμ/dF. The derivative is finite at F = 0
 * for β > 1 (it vanishes there), so |∇φ| may be used as F without smoothing. */
TCAD_HD double tcad_mobility_canali(double mu0, double F, double vsat, double beta, double *dmu_dF)
{
  if (F <= 0.0) {
    if (dmu_dF) *dmu_dF = beta > 1.0 ? 0.0 : -mu0 * mu0 / vsat; /* β = 1: the one-sided slope */
    return mu0;
  }
  const double x = mu0 * F / vsat; /* dimensionless */
  const double xb = pow(x, beta);
  const double den = pow(1.0 + xb, 1.0 / beta);
  const double mu = mu0 / den;
  /* d/dF (1 + x^β)^(−1/β) = −(1 + x^β)^(−1/β − 1) x^(β−1) μ0/v_sat */
  if (dmu_dF) *dmu_dF = -mu * (xb / x) / (1.0 + xb) * (mu0 / vsat);
  return mu;
}
#endif
