/* Recombination models (shared PHYSICS.md §3). Densities in cm^-3, lifetimes in s, rates in
 * cm^-3 s^-1; R > 0 is net recombination. Each returns R and ∂R/∂n, ∂R/∂p. */
#ifndef TCAD_PHYSICS_RECOMBINATION_H
#define TCAD_PHYSICS_RECOMBINATION_H
#include <math.h>

#include "tcad/hd.h"

/* Scharfetter doping-dependent SRH lifetime: τ = τ_min + (τ_max − τ_min)/(1 + (N/N_ref)^γ),
 * N = N_D + N_A. */
TCAD_HD double tcad_srh_lifetime(double N, double taumax, double taumin, double nref, double gamma)
{
  return taumin + (taumax - taumin) / (1.0 + pow(N / nref, gamma));
}

/* Shockley–Read–Hall through a midgap trap (n1 = p1 = n_i):
 * R = (n p − n_i²) / (τ_p (n + n_i) + τ_n (p + n_i)). */
TCAD_HD double tcad_srh(double n, double p, double nie, double taun, double taup, double *dn, double *dp)
{
  const double num = n * p - nie * nie;
  const double den = taup * (n + nie) + taun * (p + nie);
  const double r = num / den;
  *dn = (p - r * taup) / den;
  *dp = (n - r * taun) / den;
  return r;
}

/* Auger (band-to-band, three-particle): R = (C_n n + C_p p)(n p − n_i²). */
TCAD_HD double tcad_auger(double n, double p, double nie, double cn, double cp, double *dn, double *dp)
{
  const double c = cn * n + cp * p, num = n * p - nie * nie;
  *dn = cn * num + c * p;
  *dp = cp * num + c * n;
  return c * num;
}

/* The recombination models in use, for tcad_recombination_net. */
typedef struct {
  int srh, auger;    /* models on */
  double nie;        /* intrinsic density, cm^-3 */
  double auger_c[2]; /* C_n, C_p, cm^6/s */
} TcadRecombination;

/* Net recombination R (SRH through the node's lifetimes τ_n, τ_p, plus Auger) at densities
 * n, p and its derivatives: the one sum the residual, the output field and the energy budget
 * use. */
TCAD_HD double tcad_recombination_net(const TcadRecombination *m, double n, double p, double taun, double taup,
                                      double *dn, double *dp)
{
  double R = 0, a, b;
  *dn = *dp = 0;
  if (m->srh) R += tcad_srh(n, p, m->nie, taun, taup, &a, &b), *dn += a, *dp += b;
  if (m->auger) R += tcad_auger(n, p, m->nie, m->auger_c[0], m->auger_c[1], &a, &b), *dn += a, *dp += b;
  return R;
}
#endif
