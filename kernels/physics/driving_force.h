/* Driving forces of the field-dependent models in drift-diffusion (high-field mobility, and the
 * impact ionization to come), per edge of the box mesh. Fields in V/cm; densities in any unit.
 *
 * The Joule driving force (the default), F² ≈ E·∇φ with φ the carrier's quasi-Fermi potential
 * (E·(−∇φ) for J = −qμc∇φ, both along the edge): the field at which a carrier gains from a
 * homogeneous field what it gains here, J·E/c = qμ E·∇φ; it is what the local energy balance of
 * the energy-balance model gives in its τ_w → 0 limit (Joule heating J·E against relaxation), so
 * drift-diffusion with Hänsch's field law is that limit. Where the carriers drift with the field,
 * ∇φ = E and F = |E|; where drift and diffusion balance (a junction in quasi-equilibrium, a
 * MOSFET's source and drain junctions) ∇φ ≈ 0 and F ≈ 0, as for the quasi-Fermi gradient; where
 * the current is diffusion without a field F ≈ 0, which the quasi-Fermi gradient alone is not:
 * there, near saturation, the edge flux of the quasi-Fermi driving force hardly depends on an
 * odd-even mode of the density, which the discrete system then hardly damps (docs/dev-notes.md,
 * "odd-even density mode").
 *
 * The field parallel to the current, E∥ = E·J/|J|: on an edge, whose flux is the current
 * component along it, E∥ = E_ij sign(J_ij) with E_ij = −(ψ_j − ψ_i)/h the field along the edge.
 * It is positive where the carriers drift with the field (they gain energy from it) and negative
 * where they diffuse against it (through the built-in field of a junction barrier, a MOSFET's
 * source barrier): there the model must not see a high field, which the plain |E_ij| would
 * (measured: it cut the example MOSFET's drain current by 35-50 %). Unlike the quasi-Fermi
 * gradient it does not depend on the densities where the current is drift-dominated, so it cannot
 * feed a node-to-node (odd-even) mode of the density (docs/dev-notes.md, "odd-even density mode").
 *
 * The sign of the current is taken smoothly, from the Scharfetter–Gummel flux g and the sum m of
 * its two one-way terms: r = g/m ∈ [−1, 1], sign ≈ s(r) = r/√(r² + ε²). |s| is within ε²/2 of 1
 * where |r| ≫ ε (a net flow of more than a few ε of the one-way flows) and goes through 0 where
 * drift and diffusion balance (no current, where the mobility does not matter), so the Jacobian
 * stays continuous at equilibrium. */
#ifndef TCAD_PHYSICS_DRIVING_FORCE_H
#define TCAD_PHYSICS_DRIVING_FORCE_H
#include <math.h>

#include "kernels/physics/sg.h"
#include "tcad/hd.h"

/* The default ε of the smooth current sign (TcadAsmParams.sign_smooth): |s| = 1 − 5e-5 in
 * drift-dominated flow. */
#define TCAD_DEFAULT_SIGN_SMOOTH 1e-2
/* The default ε of the current's direction that impact ionization takes from the solution
 * (TcadAsmParams.dir_smooth, kernels/asm.h tcad_asm_flux_direction): the same smooth sign, on the
 * scale of the rounding of the flux instead of its physics. Where a carrier is the majority and
 * drift and diffusion nearly balance (the n+ side of a junction in avalanche, a MOSFET's drain)
 * its net flow is 1e-12..1e-6 of the one-way terms and the ε of the mobility's sign counted only
 * r/ε of it: the generation there was lost (the n+p 1e17 junction broke down 5 % late). The
 * flux there is known to about 1e-16 of the one-way terms (the converged flux, docs/dev-notes.md). */
#define TCAD_DEFAULT_DIR_SMOOTH 1e-13
/* The default ε of the Joule force (TcadAsmParams.joule_smooth, -tcad_joule_smooth): E·∇φ within
 * 1 % for ∇φ/E in 0.36..2.8, within a factor √2 in 0.05..20. Measured on the example MOSFET (docs/dev-notes.md): ε = 1e-2
 * needed 5.2 Newton iterations per bias point and two step cuts, 5e-2 needs 4.1 and none (the
 * quasi-Fermi gradient: 4.0); the saturation current moves by 1.5 % from 5e-2 to 1e-2. */
#define TCAD_DEFAULT_JOULE_SMOOTH 5e-2

/* The smooth sign of carrier 0's (electrons) or 1's (holes) Scharfetter–Gummel edge current
 * (tcad_flux_sign) with Δ = (ψ_j − ψ_i)/V_T and the end densities c_i, c_j; eps = ε.
 * d[0..2] = ∂s/∂(Δ, c_i, c_j). Electrons: g = c_j B(Δ) − c_i B(−Δ); holes: g = c_i B(Δ) − c_j B(−Δ),
 * minus the electron form at −Δ. */
TCAD_HD double tcad_current_sign(int carrier, double delta, double ci, double cj, double eps, double d[3])
{
  if (carrier == 0) return tcad_flux_sign(delta, ci, cj, eps, d);
  const double s = -tcad_flux_sign(-delta, ci, cj, eps, d);
  d[1] = -d[1], d[2] = -d[2]; /* d/dΔ of −s(−Δ) is +s'(−Δ) */
  return s;
}

/* The field along an edge, E_ij = −(ψ_j − ψ_i)/h = −vt_h Δ, times the direction s (−1..1) of a
 * current along it: E∥ where s is the current's sign. */
TCAD_HD double tcad_field_along(double delta, double s, double vt_h) { return -vt_h * delta * s; }

/* E∥ (V/cm) of carrier 0 (electrons) or 1 (holes) on an edge: Δ = (ψ_j − ψ_i)/V_T, end densities
 * c_i, c_j, vt_h = V_T/h (V/cm), eps the sign smoothing. d[0..2] = ∂E∥/∂(Δ, c_i, c_j). */
TCAD_HD double tcad_field_parallel(int carrier, double delta, double ci, double cj, double vt_h, double eps,
                                   double d[3])
{
  double ds[3];
  const double s = tcad_current_sign(carrier, delta, ci, cj, eps, ds);
  for (int k = 0; k < 3; k++) d[k] = tcad_field_along(delta, ds[k], vt_h);
  d[0] += tcad_field_along(1.0, s, vt_h);
  return tcad_field_along(delta, s, vt_h);
}

/* How far the field along an edge may exceed the quasi-Fermi gradient in the Joule force
 * (tcad_joule_field_limit): 25 %. */
#define TCAD_JOULE_FIELD_EXCESS 0.25

/* The field along an edge as the Joule force counts it: a (V/cm) up to (1 + δ)|b| with b the
 * quasi-Fermi gradient along the edge, δ = TCAD_JOULE_FIELD_EXCESS. The Joule heating per carrier
 * is qμ E·∇φ with vectors; an edge knows only their projections, and their product is E·∇φ only
 * where the two vectors are parallel. Where they are not — an edge oblique to the current in a
 * MOSFET's inversion layer, whose field is mostly across the current, 1e6 V/cm against 5e4 along
 * it — the projection of the transverse field made F² = E_t ∇φ_t several times the heating, and
 * the avalanche generation of the inversion layer grew with V_g instead of falling (the example
 * MOSFET's Gmsh mesh: no I_sub peak up to V_g = 2.5 V at V_d = 2 V; docs/dev-notes.md). Along the
 * current, drift makes ∇φ = E, so an excess of the edge's field over its quasi-Fermi gradient is
 * a field across the current, or one that diffusion balances (a junction in quasi-equilibrium):
 * neither heats the carriers. With x = |a|/|b|, the counted field is sign(a) |b| m(x):
 *     m = x (x ≤ 1),   x − (x − 1)²/(4δ) (1 < x < 1 + 2δ),   1 + δ (x ≥ 1 + 2δ),
 * exact where the field is at most the quasi-Fermi gradient (drift, and diffusion-driven flow,
 * the Joule force unchanged there) and C¹. Needs a b > 0. d[0] = ∂/∂a, d[1] = ∂/∂b. */
TCAD_HD double tcad_joule_field_limit(double a, double b, double d[2])
{
  const double dl = TCAD_JOULE_FIELD_EXCESS, ab = fabs(b), x = fabs(a) / ab, sg = (a > 0) == (b > 0) ? 1.0 : -1.0;
  double m = x, dm = 1.0;
  if (x >= 1.0 + 2.0 * dl)
    m = 1.0 + dl, dm = 0.0;
  else if (x > 1.0)
    m = x - (x - 1.0) * (x - 1.0) / (4.0 * dl), dm = 1.0 - (x - 1.0) / (2.0 * dl);
  d[0] = dm;                /* ∂(sign(a)|b| m)/∂a = m'(x) */
  d[1] = sg * (m - x * dm); /* ∂/∂b at fixed a */
  return (a > 0 ? 1.0 : -1.0) * ab * m;
}

/* The Joule driving force on an edge from a0 = (ψ_j − ψ_i)/h and b = (φ_j − φ_i)/h, the
 * gradients of the potential and of the quasi-Fermi potential along it (V/cm), with the floor F0
 * and the smoothing ε: F = √(G² + F0²) − F0 with, where a b > 0 (the carriers gain energy from
 * the field), a = tcad_joule_field_limit(a0, b) (the field the current sees: at most 1.25 |b|),
 * and
 *     G² = √(1 + 4ε²) (a b)² / √((a b)² + ε² (a² + b²)²),
 * and G² = 0 where a b ≤ 0 (they flow against the field, or nothing flows). That is
 *     G² = E·∇φ √(1 + 4ε²) / √(1 + ε² (E/∇φ + ∇φ/E)²):
 * exactly E² where ∇φ = E (drift-dominated flow: F = |E|), E·∇φ to within 1 % while the two
 * gradients are within a factor ~0.14/ε of each other (2.8 at ε = 0.05), E·∇φ/√2 at a factor 1/ε,
 * and ≈ E²/ε where E ≪ ε ∇φ (diffusion without a field); with the limit, G² ≈ 1.25 (∇φ)² where
 * E ≥ 1.5 ∇φ (a field across the current, a junction in quasi-equilibrium: F stays far below the
 * field; without the limit it was (∇φ)²/ε there). The function is smooth on the scale ε of the
 * ratio of the two gradients, and its value and gradient vanish at a b = 0: a bare √max(E·∇φ, 0)
 * switches on within E·∇φ ~ F0², which junction fields of 1e5 V/cm put at ∇φ ~ 1e-3 V/cm, and
 * Newton cycled there. dF[0] = ∂F/∂a0, dF[1] = ∂F/∂b. */
TCAD_HD double tcad_driving_force_joule(double a0, double b, double eps, double F0, double dF[2])
{
  dF[0] = dF[1] = 0.0;
  if (!(a0 * b > 0)) return 0.0;
  double dl[2];
  const double a = tcad_joule_field_limit(a0, b, dl), p = a * b;
  const double sq = a * a + b * b, e2 = eps * eps, D = sqrt(p * p + e2 * sq * sq), D3 = D * D * D;
  const double c = sqrt(1.0 + 4.0 * e2); /* G² = a² exactly where b = a */
  const double g2 = c * p * p / D;
  const double r = sqrt(g2 + F0 * F0), k = 0.5 * c / r; /* dF/dG², with the factor of G² */
  const double cp = p * (2.0 * D * D - p * p) / D3, cs = 2.0 * e2 * sq * p * p / D3;
  const double fa = k * (b * cp - a * cs), fb = k * (a * cp - b * cs); /* at the limited a */
  dF[0] = fa * dl[0];
  dF[1] = fb + fa * dl[1];
  return r - F0;
}

/* The driving force from a field-like G ≥ 0 (V/cm) with the floor F0: F = √(G² + F0²) − F0, which
 * is smooth at G = 0 where Canali's law is not (dμ/dG ∝ G^(β−1) for β near 1) and within F0 of G
 * elsewhere. *dF = dF/dG. */
TCAD_HD double tcad_driving_force_floor(double G, double F0, double *dF)
{
  const double r = sqrt(G * G + F0 * F0);
  *dF = G / r;
  return r - F0;
}
#endif
