/* Scharfetter–Gummel edge fluxes (shared PHYSICS.md §1), dimensionless part only.
 * With Δ = (ψ_j − ψ_i)/V_T along the edge i→j:
 *   electrons  g_n = n_j B(Δ) − n_i B(−Δ),   A·J_n/q = μ_n V_T (A/h) · g_n
 *   holes      g_p = p_i B(Δ) − p_j B(−Δ),   A·J_p/q = μ_p V_T (A/h) · g_p
 * J is the current density flowing from i to j. Densities in any unit (the result has the
 * same unit). Each returns g and fills d[0] = ∂g/∂Δ, d[1] = ∂g/∂(density at i),
 * d[2] = ∂g/∂(density at j). */
#ifndef TCAD_PHYSICS_SG_H
#define TCAD_PHYSICS_SG_H
#include "kernels/physics/bernoulli.h"

TCAD_HD double tcad_sg_electron(double delta, double ni_, double nj, double d[3])
{
  double dbp, dbm;
  const double bp = tcad_bernoulli(delta, &dbp), bm = tcad_bernoulli(-delta, &dbm);
  d[0] = nj * dbp + ni_ * dbm;
  d[1] = -bm;
  d[2] = bp;
  return nj * bp - ni_ * bm;
}

TCAD_HD double tcad_sg_hole(double delta, double pi_, double pj, double d[3])
{
  double dbp, dbm;
  const double bp = tcad_bernoulli(delta, &dbp), bm = tcad_bernoulli(-delta, &dbm);
  d[0] = pi_ * dbp + pj * dbm;
  d[1] = bp;
  d[2] = -bm;
  return pi_ * bp - pj * bm;
}
#endif
