/* Energy-balance edge fluxes with the carrier temperature varying linearly along the edge
 * (shared PHYSICS.md §2), Hänsch energy-dependent mobility, and the logarithmic mean.
 *
 * Derivation (done here; the result is the form of Tang, IEEE TED 31, 1984). Along an edge of
 * length h from node 1 to node 2 take ψ and T linear, μ constant and the flux constant. For
 * electrons J/(qμ) = −n ψ' + (k/q)(n T)' = (k/q) T [n' − n g/T] with g = qψ'/k − T' constant.
 * With Φ(x) = ∫₀ˣ g/T ds, and ∫₀ʰ ds/T = h/Θ for the logarithmic mean Θ = (T₂−T₁)/ln(T₂/T₁),
 * the equation integrates exactly:
 *     J/(qμ) = (k/q) (Θ/h) [n₂ B(y) − n₁ B(−y)],   y = (q(ψ₂−ψ₁)/k − (T₂−T₁)) / Θ,
 * which is Scharfetter–Gummel when T₁ = T₂ (Θ = T, y = (ψ₂−ψ₁)/V_T). The energy flux
 * S = −(5/2)(kT/q) J − κ T' with κ = (5/2)(k²/q) μ n T becomes, with u = nT,
 * S = −(5/2) k μ (k/q) T [u' − u g/T]: the same equation in u, so
 *     S = −(5/2) k μ (k/q) (Θ/h) [u₂ B(y) − u₁ B(−y)]     (u = nT, the same y),
 * also exact under the same assumptions. Holes: J = qμ(pE − ∇(pkT/q)),
 * S = (5/2)(kT/q) J − κ∇T give y = (−q(ψ₂−ψ₁)/k − (T₂−T₁))/Θ and the bracket with a minus
 * sign and +(5/2)k for S (the hole energy moves with the hole current).
 *
 * tcad_eb_flux returns the dimensionless-in-structure part G (density × kelvin):
 *     electrons G = Θ [c₂ B(y) − c₁ B(−y)],   holes G = −Θ [c₂ B(y) − c₁ B(−y)],
 * so A·J/q = μ (k/q) (A/h) G with c = n (p), and the energy flux A·S = ∓(5/2) k μ (k/q) (A/h) G
 * with c = nT (pT): electrons −, holes +. With T₁ = T₂ = T, G = T g of kernels/physics/sg.h. */
#ifndef TCAD_PHYSICS_ENERGY_H
#define TCAD_PHYSICS_ENERGY_H
#include <math.h>

#include "kernels/physics/constants.h"
#include "kernels/physics/sg.h"

/* Θ = (T₂ − T₁)/ln(T₂/T₁) (→ T when T₁ = T₂) and its derivatives d[0] = ∂Θ/∂T₁, d[1] = ∂Θ/∂T₂.
 * Written as Θ = T̄ f(ε), ε = (T₂ − T₁)/(T₂ + T₁), f = ε/atanh ε; f and f' from their series
 * for |ε| < 1e-2 (truncation below 1e-12 relative), where the closed forms cancel. */
TCAD_HD double tcad_logmean(double T1, double T2, double d[2])
{
  const double tb = 0.5 * (T1 + T2), e = (T2 - T1) / (T2 + T1);
  double f, fp;
  if (fabs(e) < 1e-2) {
    const double e2 = e * e;
    f = 1.0 - e2 * (1.0 / 3.0 + e2 * (4.0 / 45.0 + e2 * (44.0 / 945.0)));
    fp = -e * (2.0 / 3.0 + e2 * (16.0 / 45.0 + e2 * (88.0 / 315.0)));
  } else {
    const double a = atanh(e);
    f = e / a;
    fp = (a - e / (1.0 - e * e)) / (a * a);
  }
  d[0] = 0.5 * (f - fp * (1.0 + e));
  d[1] = 0.5 * (f + fp * (1.0 - e));
  return tb * f;
}

/* G of the header comment for carrier 0 (electrons) or 1 (holes), with dpsik = q(ψ₂−ψ₁)/k in
 * kelvin, end temperatures T1, T2 (K, > 0) and end densities c1, c2 (any unit ≥ 0; n or p for
 * the particle flux, nT or pT for the energy flux). d[0..4] = ∂G/∂(dpsik, T1, T2, c1, c2). */
TCAD_HD double tcad_eb_flux(int carrier, double dpsik, double T1, double T2, double c1, double c2, double d[5])
{
  double dth[2], bp, bm;
  const double th = tcad_logmean(T1, T2, dth);
  const double s = carrier == 0 ? 1.0 : -1.0;
  const double y = (s * dpsik - (T2 - T1)) / th;
  const double b1 = tcad_bernoulli(y, &bp), b2 = tcad_bernoulli(-y, &bm); /* B(y), B(−y) */
  const double br = c2 * b1 - c1 * b2;
  const double dGdy = s * th * (c2 * bp + c1 * bm); /* d/dy of B(−y) is −B'(−y) */
  /* ∂y/∂T₁ = (1 − y Θ₁)/Θ, ∂y/∂T₂ = (−1 − y Θ₂)/Θ, ∂y/∂dpsik = s/Θ */
  d[0] = dGdy * s / th;
  d[1] = s * dth[0] * br + dGdy * (1.0 - y * dth[0]) / th;
  d[2] = s * dth[1] * br + dGdy * (-1.0 - y * dth[1]) / th;
  d[3] = -s * th * b2;
  d[4] = s * th * b1;
  return s * th * br;
}

/* The smooth sign of tcad_eb_flux's G (tcad_flux_sign: exact where the net flow is more than a
 * few eps of its one-way terms, smooth through 0), same arguments; d[0..4] = ∂s/∂(dpsik, T1, T2,
 * c1, c2). Θ cancels from the ratio, so the temperatures enter through y only. */
TCAD_HD double tcad_eb_flux_sign(int carrier, double dpsik, double T1, double T2, double c1, double c2, double eps,
                                 double d[5])
{
  double dth[2], ds[3];
  const double th = tcad_logmean(T1, T2, dth);
  const double sc = carrier == 0 ? 1.0 : -1.0;
  const double y = (sc * dpsik - (T2 - T1)) / th;
  const double s = sc * tcad_flux_sign(y, c1, c2, eps, ds);
  d[0] = ds[0] / th; /* sc² = 1 */
  d[1] = sc * ds[0] * (1.0 - y * dth[0]) / th;
  d[2] = sc * ds[0] * (-1.0 - y * dth[1]) / th;
  d[3] = sc * ds[1], d[4] = sc * ds[2];
  return s;
}

/* Energy relaxation time of a carrier at temperature T: τ_w(T) = τ0 (1 + t1 x + t2 x²) with
 * x = T/T_L − 1 (a user polynomial; t1 = t2 = 0 is the constant τ0), kept ≥ 1e-2 τ0. Returns
 * τ_w and dτ_w/dT. */
TCAD_HD double tcad_tauw(double tau0, double t1, double t2, double T, double TL, double *dtau)
{
  const double x = T / TL - 1.0, f = 1.0 + x * (t1 + t2 * x);
  if (f < 1e-2) {
    *dtau = 0.0;
    return 1e-2 * tau0;
  }
  *dtau = tau0 * (t1 + 2.0 * t2 * x) / TL;
  return tau0 * f;
}

/* Energy relaxation of one carrier in a control volume V (cm^d), W (per depth^(3-d)):
 *     V (3/2) k (c + c_f)(T − T_L)/τ_w(T)
 * with c the density, c_f a floor (cm^-3; TcadAsmParams.relax_floor n_i: where a carrier is all
 * but absent every other term of its energy balance is ∝ its density, and the floor makes it
 * relax to T_L instead of leaving T to rounding) and τ_w(T) from tcad_tauw. d[0] = ∂/∂c,
 * d[1] = ∂/∂T. *mag (may be NULL): V (3/2) k |c + c_f| (T + T_L)/τ_w, the size of its terms. */
TCAD_HD double tcad_eb_relaxation(double V, double dens, double cfloor, double T, double TL, double tau0, double t1,
                                  double t2, double d[2], double *mag)
{
  double dtau;
  const double tau = tcad_tauw(tau0, t1, t2, T, TL, &dtau);
  const double w = 1.5 * TCAD_KB * V, dr = dens + cfloor;
  d[0] = w * (T - TL) / tau;
  d[1] = w * dr * (1.0 - (T - TL) * dtau / tau) / tau;
  if (mag) *mag = w * fabs(dr) * (T + TL) / tau;
  return w * dr * (T - TL) / tau;
}

/* Energy that net recombination R (cm^-3 s^-1) takes out of a carrier at temperature T in a
 * control volume V: V (3/2) k T R. *dT = ∂/∂T, *dR = ∂/∂R. */
TCAD_HD double tcad_eb_recombination_energy(double V, double T, double R, double *dT, double *dR)
{
  const double w = 1.5 * TCAD_KB * V;
  *dT = w * R, *dR = w * T;
  return w * T * R;
}

/* Joule heating on the box mesh: an edge carrying the particle flux F = A J/q (1/s per
 * depth^(3-d)) from i to j across ψ_i − ψ_j gives each of its two end nodes
 *     −½ q F (ψ_i − ψ_j)
 * in the energy equation (the residual's sign: heat in is negative there), so the two shares
 * sum to minus the electrical power of the edge and, summed over the edges of a Voronoi cell,
 * to V J·E. Linear in F: the share of a derivative of F is the derivative of the share. */
#define TCAD_EB_JOULE_SHARE (-0.5 * TCAD_Q)
TCAD_HD double tcad_eb_joule_share(double F, double dpsi) { return TCAD_EB_JOULE_SHARE * F * dpsi; }

/* Hänsch energy-dependent mobility, μ = μ0 / (1 + (3/2) k μ0 ΔT/(q τ_w v_sat²)), T the carrier
 * temperature (K), τ_w (s) the energy relaxation time, v_sat (cm/s). Returns μ and ∂μ/∂T.
 * ΔT is T − T_L above T_L and 0 below (cooling, rare; the law is singular for T far below),
 * joined with a continuous derivative: ΔT = d²/√(d² + δ²) for d = T − T_L > 0, with δ such
 * that the correction a δ = 1e-4 (a = (3/2) k μ0/(q τ_w v_sat²); δ = 0.02 K for electrons in
 * Si at τ_w = 0.3 ps). A kink at T_L puts a jump into the Jacobian exactly where carriers sit
 * at T_L (contacts, equilibrium regions) and makes Newton cycle. The join changes nothing at
 * or below T_L and μ by less than 1e-4 of itself above. δ scales with τ_w: as τ_w → 0 the
 * heating T − T_L shrinks like τ_w while a ΔT stays finite, so a fixed δ in kelvin would
 * change the law there. */
#define TCAD_HANSCH_JOIN 1e-4
TCAD_HD double tcad_mobility_hansch_t(double mu0, double T, double TL, double tauw, double dtauw, double vsat,
                                      double *dmu_dT)
{
  /* a = K/τ_w(T), the join δ = J/a; with τ_w depending on T both carry its derivative */
  const double a = 1.5 * (TCAD_KB / TCAD_Q) * mu0 / (tauw * vsat * vsat), da = -a * dtauw / tauw;
  const double d = T > TL ? T - TL : 0.0, dl = TCAD_HANSCH_JOIN / a, ddl = dl * dtauw / tauw;
  const double r = sqrt(d * d + dl * dl), r3 = r * r * r;
  const double dT = d * d / r;
  const double ddT = (T > TL ? d * (d * d + 2.0 * dl * dl) / r3 : 0.0) - d * d * dl / r3 * ddl;
  const double den = 1.0 + a * dT;
  *dmu_dT = -mu0 * (da * dT + a * ddT) / (den * den);
  return mu0 / den;
}

/* The same with a constant τ_w. */
TCAD_HD double tcad_mobility_hansch(double mu0, double T, double TL, double tauw, double vsat, double *dmu_dT)
{
  return tcad_mobility_hansch_t(mu0, T, TL, tauw, 0.0, vsat, dmu_dT);
}

/* The drift-diffusion mobility that matches Hänsch in a homogeneous field (the τ_w → 0 limit
 * of the energy-balance model): with (3/2) k (T − T_L)/τ_w = q μ F² the Hänsch law gives
 * μ (1 + μ0 μ F²/v_sat²) = μ0, so μ = 2μ0/(1 + √(1 + (2μ0 F/v_sat)²)), whatever τ_w.
 * F ≥ 0 the driving force, V/cm. Returns μ and dμ/dF. */
TCAD_HD double tcad_mobility_hansch_field(double mu0, double F, double vsat, double *dmu_dF)
{
  const double r = 2.0 * mu0 / vsat, s = sqrt(1.0 + r * r * F * F);
  const double mu = 2.0 * mu0 / (1.0 + s);
  *dmu_dF = -mu / (1.0 + s) * r * r * F / s;
  return mu;
}

/* Gate of the floor heating (tcad_eb_floor_heat_share): the floor stands for the few carriers a
 * bias drives through a depletion region, so it is heated only when the device is biased. With
 * b the spread of the voltages on the contacts that carry current (the largest minus the
 * smallest; gates excluded) and V_T = kT/q,
 *     g = b^2/(b^2 + V_T^2):
 * 0 at zero bias, 1/2 at b = V_T, 0.9999 at 100 V_T (2.6 V). Without it the floor took the
 * temperature of the built-in field of every junction and implant at zero bias (thousands of
 * kelvin at 1e5 V/cm): a current of 4e-11 A/cm flowed at zero bias in a 2 µm implanted device, and
 * on a finer mesh of it Newton did not find the equilibrium at all. A gate local to the edge
 * (from ln(n p/n_ie^2)) was tried first: its derivatives ∝ c_f/n where n ≪ c_f put entries 1e18
 * times the diagonal into the energy rows and MUMPS ran out of workspace in the first step
 * (docs/dev-notes.md, 2026-12-04). A parameter of the solve: no derivative. */
TCAD_HD double tcad_eb_floor_gate(double spread, double vt)
{
  const double b2 = spread * spread;
  return b2 / (b2 + vt * vt);
}

/* Heating of the relaxation floor (tcad_eb_relaxation's c_f): where a carrier is all but absent
 * the floor would hold it at T_L, so the carriers that are there (the few that cross a depletion
 * region and are multiplied there) would never heat. The floor density is heated as carriers
 * drifting in the local field would be: an edge of coupling A/h across Δψ = ψ_i − ψ_j gives each
 * of its ends
 *     −½ q c_f μ(|E|) (A/h) Δψ²,    E = Δψ/h,
 * with μ the carrier's homogeneous-field mobility (μ0 or, with a high-field model, the Hänsch
 * field law tcad_mobility_hansch_field): summed over a Voronoi cell, V c_f q μ E² in a uniform field
 * along the mesh directions, so a carrier far below the floor takes the local homogeneous-field
 * temperature T_L + (2/3) q τ_w μ E²/k (the relaxation of the floor balances it), and where the
 * carrier's own density is far above c_f both floor terms are negligible. Residual sign (heat in
 * is negative). *d = ∂/∂Δψ. hf: 0 the constant μ0, else Hänsch's field law. */
TCAD_HD double tcad_eb_floor_heat_share(double cfloor, double mu0, int hf, double vsat, double coupling, double h,
                                        double dpsi, double *d)
{
  double mu = mu0, dmu = 0.0;
  if (hf) mu = tcad_mobility_hansch_field(mu0, fabs(dpsi) / h, vsat, &dmu);
  const double k = -0.5 * TCAD_Q * cfloor * coupling;
  *d = k * (dmu * (dpsi >= 0 ? 1.0 : -1.0) / h * dpsi * dpsi + 2.0 * mu * dpsi);
  return k * mu * dpsi * dpsi;
}
#endif
