/* Carrier statistics (Boltzmann; shared PHYSICS.md §1 and §3): the intrinsic density, the
 * densities of thermal equilibrium, the neutral equilibrium at an ohmic contact and the
 * quasi-Fermi potentials. Potentials in V measured from the intrinsic level, densities in
 * cm^-3, energies in eV, temperatures in K. Every use (the residual, the contact boundary
 * values, the initial guess, the output fields) calls these. */
#ifndef TCAD_PHYSICS_STATISTICS_H
#define TCAD_PHYSICS_STATISTICS_H
#include <math.h>

#include "kernels/physics/constants.h"
#include "tcad/hd.h"

/* Intrinsic density at T: ni300 (the material's value at 300 K; ≤ 0 to derive it from N_c, N_v
 * and E_g) scaled to T with N_c N_v ∝ T³ at fixed E_g:
 *     n_i(T) = n_i(300) (T/300)^(3/2) exp(−E_g/2 (1/kT − 1/k300)). */
TCAD_HD double tcad_intrinsic_density(double ni300, double nc, double nv, double eg, double T)
{
  const double kt = TCAD_KB_EV * T, kt300 = TCAD_KB_EV * 300.0;
  const double n300 = ni300 > 0 ? ni300 : sqrt(nc * nv) * exp(-eg / (2.0 * kt300));
  return n300 * pow(T / 300.0, 1.5) * exp(-eg / 2.0 * (1.0 / kt - 1.0 / kt300));
}

/* Work function of the intrinsic semiconductor, eV: χ + E_g/2 + (kT/2q) ln(N_c/N_v) (vt = kT/q);
 * a gate's ψ offset is minus its work function less this. */
TCAD_HD double tcad_intrinsic_workfunction(double affinity, double eg, double nc, double nv, double vt)
{
  return affinity + 0.5 * eg + 0.5 * vt * log(nc / nv);
}

/* Thermal equilibrium at potential ψ with Fermi potential φ_F: n = n_i e^a, p = n_i e^−a,
 * a = (ψ − φ_F)/V_T, kept within ±200 so nothing overflows on a wild iterate. Returns a. */
TCAD_HD double tcad_equilibrium_densities(double psi, double efermi, double nie, double vt, double *n, double *p)
{
  double a = (psi - efermi) / vt;
  a = a > 200.0 ? 200.0 : a < -200.0 ? -200.0 : a;
  *n = nie * exp(a), *p = nie * exp(-a);
  return a;
}

/* The neutral equilibrium that an ohmic contact imposes on net doping N = N_D − N_A:
 * n p = n_i², n − p = N, the majority density computed without cancellation. Returns the
 * built-in potential V_T asinh(N/2n_i) (add the applied voltage for ψ). */
TCAD_HD double tcad_ohmic_equilibrium(double N, double nie, double vt, double *n, double *p)
{
  const double root = sqrt(N * N + 4.0 * nie * nie);
  if (N >= 0)
    *n = 0.5 * (N + root), *p = nie * nie / *n;
  else
    *p = 0.5 * (-N + root), *n = nie * nie / *p;
  return vt * asinh(N / (2.0 * nie));
}

/* Quasi-Fermi potential of a carrier, φ = ψ − s V_T ln((c + c_f)/n_i) with s = +1 for
 * electrons, −1 for holes, density c and floor c_f (0 for the exact φ; the high-field
 * driving force uses a floor, see TcadAsmParams.qf_floor). *dphi = ∂φ/∂c (0 where c ≤ 0). */
TCAD_HD double tcad_quasi_fermi(double psi, double dens, double sign, double vt, double nie, double floor_,
                                double *dphi)
{
  const double d = (dens > 0 ? dens : 0) + floor_;
  *dphi = dens > 0 ? -sign * vt / d : 0.0;
  return psi - sign * vt * log(d / nie);
}

/* Drift velocity of a carrier from its current density J (A/cm², any component) and density c:
 * v = −J/(q c) for electrons (carrier 0), +J/(q c) for holes; 0 where c ≤ 0. cm/s. */
TCAD_HD double tcad_carrier_velocity(int carrier, double J, double dens)
{
  if (!(dens > 0)) return 0.0;
  return carrier == 0 ? -J / (TCAD_Q * dens) : J / (TCAD_Q * dens);
}
#endif
