/* Hot-carrier injection into the gate insulator (shared PHYSICS.md §5): the probability that a
 * carrier surmounts the semiconductor/insulator barrier, for the gate current of a MOSFET
 * (solver/gatecurrent.c sums it over the device). Units: cm, V, eV, s.
 *
 * Lucky electron (Tam, Ko and Hu, IEEE Trans. Electron Devices 31 (1984) 1116): an electron
 * in the field F gains the energy ε without an energy-losing collision with the probability
 * e^(−ε/(qλF)), λ the optical-phonon mean free path; a collision redirects it with the
 * probability dx/λ_r per length; redirected isotropically, the fraction (1 − √(φ/ε))/2 of the
 * directions carries a normal energy above the barrier φ. Integrated over ε ≥ φ the probability
 * per unit length of path is
 *     P(F) = (1/(2λ_r)) [e^(−a) − √(πa) erfc(√a)],   a = φ/(λF)   (the integrand of PHYSICS.md §5),
 * and the electron must then reach the interface, a distance d away, without a collision:
 * e^(−d/λ). Defaults λ = 9.2e-7 cm, λ_r = 6.2e-6 cm (PHYSICS.md §5; for holes λ = 1e-7 cm). These
 * and every default below agree with Genius-TCAD-Open's silicon and SiO₂ band models
 * (src/material/Si/Si_band_Sdevice.cc, its "Sdevice-compatible" set, and SiO2/SiO2_band.cc:
 * λ, λ_r, the holes' 1e-7 cm, β, α, λ_ox, and E_c = β²/(4λ_ox²) = 1.65e5 V/cm of their oxide
 * factor e^(−√(E_c/E_ox)) = e^(−x_m/λ_ox), capped at t_ox/λ_ox as here; read 2026-12-04). The
 * papers themselves were not available here.
 *
 * The barrier (tcad_hc_barrier): in an oxide field that pulls the carrier into the insulator,
 * φ = φ_0 − β √E_ox − α E_ox^(2/3): the image-force lowering β √E_ox, β = √(q/(4π ε_∞ ε_0)) =
 * 2.59e-4 (V·cm)^½ for the optical permittivity ε_∞ = 2.15 of SiO₂, and the tunnelling term
 * α E_ox^(2/3), α = 3e-5 (V·cm²)^⅓ (PHYSICS.md §5, Genius's SiO₂ value; not checked against
 * Tam–Ko–Hu here). Before the image-force maximum, x_m = β/(2√E_ox) into the insulator, a
 * collision in the insulator (mean free path λ_ox, 3.2e-7 cm) sends the carrier back:
 * transmission e^(−x_m/λ_ox). In a retarding field the carrier must climb the whole oxide
 * potential as well: φ = φ_0 + |E_ox| t_ox and transmission e^(−t_ox/λ_ox); x_m is capped at
 * t_ox, so the two join at E_ox = 0.
 *
 * Energy distribution (Fiegna, Venturi, Melanotte, Sangiorgi and Riccò, IEEE Trans. Electron
 * Devices 38 (1991) 603; Fiegna et al. 1993 with the carrier temperature): the carriers at the
 * interface have the distribution exp(−χ ε³/F^(3/2)); the injected flux per carrier is
 *     v(F) = A ∫_φ^∞ ε^(3/2) exp(−χ ε³/F^(3/2)) dε = (A/3) (F^(3/2)/χ)^(5/6) Γ(5/6, χ φ³/F^(3/2))
 * (the power of ε is the one the unit of A, m/s/eV^(5/2), implies; A = 4.87e2 m/s/eV^(5/2),
 * χ = 1.3e8 (V/cm)^(3/2)/eV³ from PHYSICS.md §5: Genius-TCAD-Open's silicon values, whose
 * injected flux A F^(3/2)/(3χ√φ) e^(−χφ³/F^(3/2)) is the large-u form of this one, Γ(s, u) ≈
 * u^(s−1) e^(−u); t070 checks that limit; not checked against the paper here). With the
 * energy-balance model F is the effective field of the carrier temperature,
 * F = (3/2)(k/q)(T − T_L)/λ_E (tcad_impact_field_from_temperature with v_sat τ_w = λ_E, a fixed
 * energy relaxation length): no injection at T = T_L. */
#ifndef TCAD_PHYSICS_HOTCARRIER_H
#define TCAD_PHYSICS_HOTCARRIER_H
#include <math.h>

#include "tcad/hd.h"

/* e^a [e^(−a) − √(πa) erfc(√a)] = 1 − √(πa) e^a erfc(√a) for a ≥ 0, without the cancellation of
 * the difference at large a (it tends to 1/(2a)): below a = 4 directly, above it from Laplace's
 * continued fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))): with
 * D = x + r the denominator, 1 − √π x e^(x²) erfc(x) = r/D. */
TCAD_HD double tcad_lucky_q(double a)
{
  if (!(a > 0)) return 1.0;
  const double x = sqrt(a);
  if (a < 4.0) return 1.0 - sqrt(3.14159265358979323846 * a) * exp(a) * erfc(x);
  double d = x;
  for (int k = 120; k >= 2; k--) d = x + 0.5 * k / d;
  const double r = 0.5 / d;
  return r / (x + r);
}

/* The lucky-electron injection probability per unit length of path (1/cm) in the driving field
 * F (V/cm) over the barrier phi (eV): (1/(2λ_r)) e^(−a) q(a), a = φ/(λF); 0 for F ≤ 0. */
TCAD_HD double tcad_lucky_probability(double F, double phi, double lambda, double lambda_r)
{
  if (!(F > 0)) return 0.0;
  const double a = phi > 0 ? phi / (lambda * F) : 0.0;
  if (a > 745.0) return 0.0; /* e^(−a) below the smallest double */
  return exp(-a) * tcad_lucky_q(a) / (2.0 * lambda_r);
}

/* Γ(s, x), the upper incomplete gamma function, for 0 < s < 1 and x ≥ 0: the series of γ(s, x)
 * below x = s + 1, the Legendre continued fraction (modified Lentz) above. */
TCAD_HD double tcad_upper_gamma(double s, double x)
{
  if (!(x > 0)) return tgamma(s);
  const double lead = exp(-x + s * log(x));
  if (x < s + 1.0) {
    double ap = s, del = 1.0 / s, sum = del;
    for (int n = 0; n < 200 && fabs(del) > 1e-17 * fabs(sum); n++) ap += 1.0, del *= x / ap, sum += del;
    return tgamma(s) - lead * sum;
  }
  const double tiny = 1e-300;
  double b = x + 1.0 - s, c = 1.0 / tiny, d = 1.0 / b, h = d;
  for (int i = 1; i < 300; i++) {
    const double an = -i * (i - s);
    b += 2.0;
    d = an * d + b;
    if (fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (fabs(del - 1.0) < 1e-16) break;
  }
  return lead * h;
}

/* Fiegna's injected flux per carrier (cm/s) over the barrier phi (eV) in the (effective) field
 * F (V/cm): (A/3) (F^(3/2)/χ)^(5/6) Γ(5/6, χ φ³/F^(3/2)); A in cm/s/eV^(5/2), χ in
 * (V/cm)^(3/2)/eV³; 0 for F ≤ 0. */
TCAD_HD double tcad_fiegna_velocity(double A, double chi, double F, double phi)
{
  if (!(F > 0)) return 0.0;
  const double f15 = F * sqrt(F), p = phi > 0 ? phi : 0.0, u = chi * p * p * p / f15;
  if (u > 745.0) return 0.0;
  return A / 3.0 * pow(f15 / chi, 5.0 / 6.0) * tcad_upper_gamma(5.0 / 6.0, u);
}

/* The barrier (eV) a carrier at the interface sees, and in *pox the probability that it crosses
 * the insulator's image-force well without a collision. phi0: the band offset (eV); beta
 * ((V·cm)^½), alpha ((V·cm²)^⅓): image-force and tunnelling lowering; eox (V/cm): the insulator
 * field, > 0 where it pulls the carrier into the insulator; tox (cm): the insulator's thickness
 * there; lox (cm): the insulator's mean free path (0: no scattering in it). Never below 0. */
TCAD_HD double tcad_hc_barrier(double phi0, double beta, double alpha, double eox, double tox, double lox, double *pox)
{
  double phi, x;
  if (eox > 0) {
    const double r = sqrt(eox);
    phi = phi0 - beta * r - alpha * cbrt(eox * eox);
    x = beta > 0 ? beta / (2.0 * r) : 0.0;
    if (x > tox) x = tox;
  } else {
    phi = phi0 - eox * tox;
    x = tox;
  }
  *pox = lox > 0 ? exp(-x / lox) : 1.0;
  return phi > 0 ? phi : 0.0;
}
#endif
