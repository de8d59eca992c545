/* Impact ionization coefficients (shared PHYSICS.md §4): α(F), the number of electron-hole pairs a
 * carrier creates per cm of path in the driving field F (V/cm), and dα/dF. Units: 1/cm, V/cm, K.
 *
 *   Chynoweth's law (van Overstraeten–de Man 1970; Selberherr's parameter set):
 *       α = γ a exp(−γ b / F),   γ = tanh(ħω/2kT₀) / tanh(ħω/2kT),  ħω = 0.063 eV, T₀ = 300 K
 *     (the optical-phonon temperature factor, applied to a and b as Sentaurus does); van
 *     Overstraeten–de Man's holes take one (a, b) below F₀ = 4e5 V/cm and another above, which
 *     join continuously (α(F₀) = 9.75e3 /cm from either side).
 *   Okuto–Crowell 1975:
 *       α = a(T) F exp(−(b(T)/F)²),  a(T) = a₃₀₀ (1 + c (T − 300)),  b(T) = b₃₀₀ (1 + d (T − 300)).
 *
 * Parameter sets, electrons / holes (the built-in Si values, io/materials.c):
 *   van Overstraeten–de Man: a 7.03e5 / 1.582e6 (F < 4e5), 6.71e5 (F > 4e5) /cm;
 *                            b 1.231e6 / 2.036e6, 1.693e6 V/cm
 *                            (van Overstraeten & de Man, Solid-State Electron. 13 (1970) 583);
 *   Okuto–Crowell: a 0.426 / 0.243 /V, b 4.81e5 / 6.53e5 V/cm, c 3.05e-4 / 5.35e-4 /K,
 *                  d 6.86e-4 / 5.67e-4 /K (Okuto & Crowell, Solid-State Electron. 18 (1975) 161,
 *                  table 1, Si).
 * The energy-balance driving force is the effective field of the carrier temperature,
 * tcad_impact_field_from_temperature. */
#ifndef TCAD_PHYSICS_IMPACT_H
#define TCAD_PHYSICS_IMPACT_H
#include <math.h>

#include "kernels/physics/constants.h"
#include "tcad/hd.h"

enum { TCAD_IMPACT_CHYNOWETH = 0, TCAD_IMPACT_OKUTO = 1 };

/* One carrier's coefficients at the lattice temperature, temperature factor applied. */
typedef struct {
  int law;       /* TCAD_IMPACT_CHYNOWETH or TCAD_IMPACT_OKUTO */
  double a, b;   /* Chynoweth: γa (1/cm), γb (V/cm); Okuto: a(T) (1/V), b(T) (V/cm) */
  double a2, b2; /* Chynoweth above f0 (the same as a, b for one range) */
  double f0;     /* V/cm; a, b below it, a2, b2 above */
} TcadImpactCoef;

/* γ(T) of van Overstraeten–de Man: tanh(ħω/2kT₀)/tanh(ħω/2kT), ħω the optical-phonon energy
 * (eV); 1 at 300 K, > 1 hotter (fewer ionizations). */
TCAD_HD double tcad_impact_gamma(double T, double hw)
{
  return tanh(hw / (2.0 * TCAD_KB_EV * 300.0)) / tanh(hw / (2.0 * TCAD_KB_EV * T));
}

/* One carrier's coefficients at the lattice temperature T (K) from the 300 K parameters:
 * Chynoweth laws (a, b below f0, a2, b2 above; γ from ħω = hw) or Okuto–Crowell (a, b; c, d
 * the temperature coefficients, 1/K). */
TCAD_HD TcadImpactCoef tcad_impact_coef(int law, double a, double b, double a2, double b2, double f0, double c,
                                        double d, double hw, double T)
{
  TcadImpactCoef k;
  k.law = law;
  if (law == TCAD_IMPACT_OKUTO) {
    k.a = k.a2 = a * (1.0 + c * (T - 300.0));
    k.b = k.b2 = b * (1.0 + d * (T - 300.0));
    k.f0 = 1e300;
    return k;
  }
  const double g = tcad_impact_gamma(T, hw);
  k.a = g * a, k.b = g * b, k.a2 = g * a2, k.b2 = g * b2, k.f0 = f0;
  return k;
}

/* α(F) (1/cm) and dα/dF; 0 for F ≤ 0. */
TCAD_HD double tcad_impact_alpha(const TcadImpactCoef *c, double F, double *dadF)
{
  *dadF = 0.0;
  if (!(F > 0)) return 0.0;
  if (c->law == TCAD_IMPACT_OKUTO) {
    const double r = c->b / F, alpha = c->a * F * exp(-r * r);
    *dadF = alpha * (1.0 + 2.0 * r * r) / F;
    return alpha;
  }
  const double a = F < c->f0 ? c->a : c->a2, b = F < c->f0 ? c->b : c->b2;
  const double alpha = a * exp(-b / F);
  *dadF = alpha * b / (F * F);
  return alpha;
}

/* The energy-balance driving force: the homogeneous field that heats carriers to T (K) at the
 * lattice temperature TL, from the homogeneous balance q v_sat F = (3/2) k (T − T_L)/τ_w(T):
 * F = (3/2)(k/q)(T − T_L)/(v_sat τ_w) with v_sat in cm/s and τ_w (s) the energy relaxation time
 * at T (kernels/physics/energy.h tcad_tauw), dtau = dτ_w/dT; 0 at or below T_L.
 * *dF = dF/dT. */
TCAD_HD double tcad_impact_field_from_temperature(double T, double TL, double vsat, double tau, double dtau, double *dF)
{
  if (!(T > TL)) {
    *dF = 0.0;
    return 0.0;
  }
  const double k = 1.5 * TCAD_KB_EV / vsat, F = k * (T - TL) / tau;
  *dF = k / tau - F * dtau / tau;
  return F;
}
#endif
