/* Every physics function (kernels/physics/probe.h) on the CUDA device against the host, over
 * awkward ranges: Bernoulli arguments near 0, at the series/closed-form switch and at ±700 and
 * beyond; densities from 1e-300 to 1e22; doping 0 to 1e22; fields 0 to 1e7 V/cm; intrinsic
 * densities of 300 K and of 600 K silicon (1e10 and ~4e15); carrier temperatures from the lattice
 * to 4000 K, including pairs 1e-6 K apart; every energy-balance and statistics function the
 * residual, the output fields and the energy budget call. Tolerance 1e-14 relative to the
 * size of the terms each result sums (a recombination rate near equilibrium is a difference of
 * two nearly equal terms; any relative test on the difference itself tests rounding). The
 * host values are also checked for being finite, so the input set stays meaningful without a
 * device; the device comparison is a SKIP with the reason when there is none. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/cuda.h"
#include "kernels/physics/probe.h"
#include "tap.h"
#include "tcad/error.h"
#include "tcad/material.h"

#define MAXP 20000

static const char *names[TCAD_PROBE_COUNT] = {
    "bernoulli",   "sg_electron",  "sg_hole",       "caughey_thomas", "masetti",        "canali",       "srh_lifetime",
    "srh",         "auger",        "recombination", "logmean",        "eb_electron",    "eb_hole",      "tauw",
    "hansch_t",    "hansch_field", "relaxation",    "recomb_energy",  "joule",          "intrinsic",    "workfunction",
    "equilibrium", "ohmic",        "quasi_fermi",   "velocity",       "field_parallel", "current_sign", "joule_force",
    "force_floor", "impact_alpha", "impact_gamma",  "impact_coef",    "impact_field_t", "flux_sign",    "eb_flux_sign",
    "floor_heat",  "lucky",        "fiegna",        "hc_barrier",     "floor_gate",     "field_along"};
/* carrier temperatures, K: the lattice, mild and strong heating, and very close pairs (the
 * logarithmic mean's series/closed-form switch) */
static const double temps[] = {300.0, 300.000001, 301.0, 303.0, 350.0, 600.0, 1500.0, 4000.0};

static double xs[] = {0.0,       1e-300, 1e-100, 1e-12, 1e-8,  1e-4,  0.05,  0.0999999, 0.1,
                      0.1000001, 0.5,    1.0,    2.0,   10.0,  36.0,  37.5,  40.0,      100.0,
                      300.0,     699.0,  700.0,  709.0, 710.0, 745.0, 800.0, 1e3,       1e4};
static const double dens[] = {1e-300, 1e-200, 1e-100, 1e-30, 1e-10, 1.0,  1e3, 1e8,
                              1e10,   1e12,   1e15,   1e17,  1e19,  1e20, 1e22};

/* inputs for function `w`; returns the number of points */
static int make_inputs(int w, double *in)
{
  const TcadMaterial *si = tcad_material_find("Si");
  const int nx = (int)(sizeof xs / sizeof xs[0]), nd = (int)(sizeof dens / sizeof dens[0]);
  int n = 0;
#define PT (in + (size_t)TCAD_PROBE_NIN * n)
  switch (w) {
  case TCAD_PROBE_BERNOULLI:
    for (int s = -1; s <= 1; s += 2)
      for (int k = 0; k < nx; k++) PT[0] = s * xs[k], n++;
    break;
  case TCAD_PROBE_SG_ELECTRON:
  case TCAD_PROBE_SG_HOLE:
    for (int s = -1; s <= 1; s += 2)
      for (int k = 0; k < nx; k++)
        for (int a = 0; a < nd; a += 2)
          for (int b = 1; b < nd; b += 2) PT[0] = s * xs[k], PT[1] = dens[a], PT[2] = dens[b], n++;
    break;
  case TCAD_PROBE_CAUGHEY_THOMAS:
    for (int c = 0; c < 2; c++)
      for (int a = 0; a < nd; a++)
        PT[0] = a == 0 ? 0.0 : dens[a], PT[1] = si->ct_mumin[c], PT[2] = si->ct_mumax[c], PT[3] = si->ct_nref[c],
        PT[4] = si->ct_alpha[c], n++;
    break;
  case TCAD_PROBE_MASETTI:
    for (int c = 0; c < 2; c++)
      for (int a = 0; a < nd; a++) {
        double *p = PT;
        p[0] = a == 0 ? 0.0 : dens[a], p[1] = si->ms_mumax[c], p[2] = si->ms_mumin1[c], p[3] = si->ms_mumin2[c];
        p[4] = si->ms_mu1[c], p[5] = si->ms_pc[c], p[6] = si->ms_cr[c], p[7] = si->ms_cs[c], p[8] = si->ms_alpha[c];
        p[9] = si->ms_beta[c];
        n++;
      }
    break;
  case TCAD_PROBE_CANALI: {
    const double F[] = {0.0, 1e-10, 1.0, 10.0, 1e3, 1e4, 3e4, 1e5, 3e5, 1e6, 1e7};
    const double beta[] = {1.0, 1.109, 2.0, 2.5};
    for (int f = 0; f < (int)(sizeof F / sizeof F[0]); f++)
      for (int b = 0; b < 4; b++)
        for (int m = 0; m < 3; m++) PT[0] = 100.0 + 700.0 * m, PT[1] = F[f], PT[2] = 1.07e7, PT[3] = beta[b], n++;
    break;
  }
  case TCAD_PROBE_SRH_LIFETIME:
    for (int c = 0; c < 2; c++)
      for (int a = 0; a < nd; a++)
        PT[0] = a == 0 ? 0.0 : dens[a], PT[1] = si->taumax[c], PT[2] = si->taumin[c], PT[3] = si->tau_nref[c],
        PT[4] = si->tau_gamma[c], n++;
    break;
  case TCAD_PROBE_SRH:
  case TCAD_PROBE_AUGER: {
    const double nie[2] = {1.0e10, 4.0e15}; /* 300 K and about 600 K */
    for (int t = 0; t < 2; t++)
      for (int a = 0; a < nd; a++)
        for (int b = 0; b < nd; b++) {
          double *p = PT;
          p[0] = dens[a], p[1] = dens[b], p[2] = nie[t];
          if (w == TCAD_PROBE_SRH)
            p[3] = 1e-7, p[4] = 3e-8;
          else
            p[3] = si->auger[0], p[4] = si->auger[1];
          n++;
        }
    /* exactly at equilibrium, n p = n_ie² */
    for (int a = 0; a < nd; a++) {
      double *p = PT;
      p[0] = dens[a], p[1] = 1e20 / dens[a], p[2] = 1e10;
      if (w == TCAD_PROBE_SRH)
        p[3] = 1e-7, p[4] = 3e-8;
      else
        p[3] = si->auger[0], p[4] = si->auger[1];
      if (p[1] <= 1e22) n++; /* physical densities only */
    }
    break;
  }
  case TCAD_PROBE_RECOMBINATION: {
    const double nie[2] = {1.0e10, 4.0e15};
    for (int t = 0; t < 2; t++)
      for (int a = 0; a < nd; a += 2)
        for (int b = 1; b < nd; b += 2)
          for (int m = 1; m < 4; m++) {
            double *p = PT;
            p[0] = dens[a], p[1] = dens[b], p[2] = nie[t], p[3] = 1e-7, p[4] = 3e-8;
            p[5] = si->auger[0], p[6] = si->auger[1], p[7] = m & 1, p[8] = (m >> 1) & 1;
            n++;
          }
    break;
  }
  case TCAD_PROBE_LOGMEAN: {
    const int nt = (int)(sizeof temps / sizeof temps[0]);
    for (int a = 0; a < nt; a++)
      for (int b = 0; b < nt; b++) PT[0] = temps[a], PT[1] = temps[b], n++;
    break;
  }
  case TCAD_PROBE_EB_ELECTRON:
  case TCAD_PROBE_EB_HOLE: {
    /* q(ψ2 − ψ1)/k in kelvin: from nothing to 60 V across an edge */
    const double dk[] = {0.0, 1e-3, 1.0, 100.0, 3e3, 1e5, 7e5};
    const int nt = (int)(sizeof temps / sizeof temps[0]);
    for (int s = -1; s <= 1; s += 2)
      for (int k = 0; k < 7; k++)
        for (int a = 0; a < nt; a += 2)
          for (int b = 1; b < nt; b += 2)
            for (int c = 4; c < nd; c += 3)
              PT[0] = s * dk[k], PT[1] = temps[a], PT[2] = temps[b], PT[3] = dens[c], PT[4] = dens[nd - 1 - c / 2], n++;
    break;
  }
  case TCAD_PROBE_TAUW:
    for (int a = 0; a < (int)(sizeof temps / sizeof temps[0]); a++)
      for (int m = 0; m < 3; m++)
        PT[0] = 3e-13,
        PT[1] = m == 0   ? 0.0
                : m == 1 ? 0.2
                         : -1.5,
        PT[2] = m == 2 ? 0.3 : 0.0, PT[3] = temps[a], PT[4] = 300.0, n++;
    break;
  case TCAD_PROBE_HANSCH_T:
    for (int a = 0; a < (int)(sizeof temps / sizeof temps[0]); a++)
      for (int m = 0; m < 3; m++)
        PT[0] = 100.0 + 700.0 * m, PT[1] = temps[a], PT[2] = 300.0, PT[3] = m == 2 ? 1e-15 : 3e-13,
        PT[4] = m == 1 ? 1e-16 : 0.0, PT[5] = 1.07e7, n++;
    break;
  case TCAD_PROBE_HANSCH_FIELD: {
    const double F[] = {0.0, 1e-10, 1.0, 1e3, 1e4, 1e5, 1e6, 1e7};
    for (int f = 0; f < 8; f++)
      for (int m = 0; m < 3; m++) PT[0] = 100.0 + 700.0 * m, PT[1] = F[f], PT[2] = 1.07e7, n++;
    break;
  }
  case TCAD_PROBE_RELAXATION:
    for (int a = 0; a < nd; a++)
      for (int t = 0; t < (int)(sizeof temps / sizeof temps[0]); t++) {
        double *p = PT;
        p[0] = 1e-12, p[1] = dens[a], p[2] = 1e8, p[3] = temps[t], p[4] = 300.0, p[5] = 3e-13, p[6] = 0.1, p[7] = 0.0;
        n++;
      }
    break;
  case TCAD_PROBE_RECOMB_ENERGY:
    for (int a = 0; a < nd; a++)
      for (int t = 0; t < (int)(sizeof temps / sizeof temps[0]); t++)
        for (int s = -1; s <= 1; s += 2) PT[0] = 1e-12, PT[1] = temps[t], PT[2] = s * dens[a], n++;
    break;
  case TCAD_PROBE_JOULE:
    for (int a = 0; a < nd; a++)
      for (int k = 0; k < nx; k++) PT[0] = dens[a], PT[1] = (k % 2 ? -1 : 1) * xs[k], n++;
    break;
  case TCAD_PROBE_INTRINSIC:
    for (int t = 0; t < (int)(sizeof temps / sizeof temps[0]); t++)
      for (int m = 0; m < 2; m++)
        PT[0] = m ? si->ni : 0.0, PT[1] = si->nc, PT[2] = si->nv, PT[3] = si->bandgap, PT[4] = temps[t], n++;
    break;
  case TCAD_PROBE_WORKFUNCTION:
    for (int t = 0; t < (int)(sizeof temps / sizeof temps[0]); t++)
      PT[0] = si->affinity, PT[1] = si->bandgap, PT[2] = si->nc, PT[3] = si->nv, PT[4] = 8.617333262e-5 * temps[t], n++;
    break;
  case TCAD_PROBE_EQUILIBRIUM:
    for (int k = 0; k < nx; k++)
      for (int s = -1; s <= 1; s += 2)
        for (int f = -1; f <= 1; f++)
          PT[0] = s * 0.0258520 * xs[k], PT[1] = 0.3 * f, PT[2] = 1e10, PT[3] = 0.0258520, n++;
    break;
  case TCAD_PROBE_OHMIC:
    for (int a = 0; a < nd; a++)
      for (int s = -1; s <= 1; s += 2) PT[0] = s * dens[a], PT[1] = 1e10, PT[2] = 0.0258520, n++;
    PT[0] = 0.0, PT[1] = 1e10, PT[2] = 0.0258520, n++;
    break;
  case TCAD_PROBE_QUASI_FERMI:
    for (int a = 0; a < nd; a++)
      for (int s = -1; s <= 1; s += 2)
        for (int f = 0; f < 2; f++)
          PT[0] = 0.4, PT[1] = dens[a], PT[2] = s, PT[3] = 0.0258520, PT[4] = 1e10, PT[5] = f ? 1e8 : 0.0, n++;
    break;
  case TCAD_PROBE_VELOCITY:
    for (int a = 0; a < nd; a++)
      for (int c = 0; c < 2; c++)
        for (int s = -1; s <= 1; s += 2)
          PT[0] = c, PT[1] = s * 1.602e-19 * dens[a] * 1e6 * (a + 1), PT[2] = dens[a], n++;
    PT[0] = 0, PT[1] = 1.0, PT[2] = 0.0, n++;
    break;
  case TCAD_PROBE_FIELD_PARALLEL: {
    const int nt = (int)(sizeof xs / sizeof xs[0]);
    for (int c = 0; c < 2; c++)
      for (int k = 0; k < nt; k += 2)
        for (int s = -1; s <= 1; s += 2)
          for (int a = 2; a < nd; a += 3)
            PT[0] = c, PT[1] = s * xs[k], PT[2] = dens[a], PT[3] = dens[nd - 1 - a / 2], PT[4] = 1.3e4, PT[5] = 1e-2,
            n++;
    break;
  }
  case TCAD_PROBE_CURRENT_SIGN: {
    const int nt = (int)(sizeof xs / sizeof xs[0]);
    for (int c = 0; c < 2; c++)
      for (int k = 0; k < nt; k += 2)
        for (int s = -1; s <= 1; s += 2)
          for (int a = 2; a < nd; a += 3)
            PT[0] = c, PT[1] = s * xs[k], PT[2] = dens[a], PT[3] = dens[nd - 1 - a / 2], PT[4] = 1e-2, n++;
    break;
  }
  case TCAD_PROBE_IMPACT_COEF:
    for (int t = 0; t < (int)(sizeof temps / sizeof temps[0]); t++) {
      double *p = PT; /* van Overstraeten–de Man holes; Okuto–Crowell electrons */
      p[0] = 0, p[1] = 1.582e6, p[2] = 2.036e6, p[3] = 6.71e5, p[4] = 1.693e6, p[5] = 4e5, p[6] = 0, p[7] = 0,
      p[8] = 0.063, p[9] = temps[t], n++;
      p = PT;
      p[0] = 1, p[1] = 0.426, p[2] = 4.81e5, p[3] = 0, p[4] = 0, p[5] = 0, p[6] = 3.05e-4, p[7] = 6.86e-4, p[8] = 0.063,
      p[9] = temps[t], n++;
    }
    break;
  case TCAD_PROBE_JOULE_FORCE: {
    const double g[] = {0.0, 1e-3, 1.0, 10.0, 1e3, 3e4, 1e5, 1e6};
    for (int i = 0; i < 8; i++)
      for (int j = 0; j < 8; j++)
        for (int s = -1; s <= 1; s += 2) PT[0] = g[i], PT[1] = s * g[j], PT[2] = 0.05, PT[3] = 10.0, n++;
    break;
  }
  case TCAD_PROBE_FORCE_FLOOR: {
    const double g[] = {0.0, 1e-6, 1e-3, 1.0, 10.0, 1e3, 1e5, 1e7};
    for (int i = 0; i < 8; i++)
      for (int s = -1; s <= 1; s += 2) PT[0] = s * g[i], PT[1] = 10.0, n++;
    break;
  }
  case TCAD_PROBE_IMPACT_ALPHA: {
    const double F[] = {-1e5, 0.0, 1e-3, 1e3, 3e4, 1e5, 3e5, 3.99999e5, 4e5, 4.00001e5, 6e5, 1e6, 1e7};
    for (int f = 0; f < 13; f++) {
      double *p = PT; /* van Overstraeten–de Man holes, two ranges */
      p[0] = 0, p[1] = 1.582e6, p[2] = 2.036e6, p[3] = 6.71e5, p[4] = 1.693e6, p[5] = 4e5, p[6] = F[f], n++;
      p = PT; /* Okuto–Crowell electrons */
      p[0] = 1, p[1] = 0.426, p[2] = 4.81e5, p[3] = 0.426, p[4] = 4.81e5, p[5] = 1e300, p[6] = F[f], n++;
    }
    break;
  }
  case TCAD_PROBE_IMPACT_GAMMA:
    for (int t = 0; t < (int)(sizeof temps / sizeof temps[0]); t++) PT[0] = temps[t], PT[1] = 0.063, n++;
    break;
  case TCAD_PROBE_IMPACT_FIELD_T:
    for (int t = 0; t < (int)(sizeof temps / sizeof temps[0]); t++)
      PT[0] = temps[t], PT[1] = 300.0, PT[2] = 1.07e7, PT[3] = 3e-13, PT[4] = 1e-16, n++;
    PT[0] = 250.0, PT[1] = 300.0, PT[2] = 1.07e7, PT[3] = 3e-13, PT[4] = 0.0, n++;
    break;
  case TCAD_PROBE_FLUX_SIGN: {
    const int nt = (int)(sizeof xs / sizeof xs[0]);
    for (int k = 0; k < nt; k += 2)
      for (int s = -1; s <= 1; s += 2)
        for (int a = 2; a < nd; a += 3)
          PT[0] = s * xs[k], PT[1] = dens[a], PT[2] = dens[nd - 1 - a / 2], PT[3] = 1e-2, n++;
    break;
  }
  case TCAD_PROBE_EB_FLUX_SIGN: {
    const int ntp = (int)(sizeof temps / sizeof temps[0]);
    const double ps[] = {-30.0, -1.0, 0.0, 1e-3, 0.7, 25.0};
    for (int c = 0; c < 2; c++)
      for (int a = 0; a < ntp; a += 2)
        for (int b = 1; b < ntp; b += 2)
          for (int k = 0; k < 6; k++)
            for (int m = 3; m < nd - 2; m += 4)
              PT[0] = c, PT[1] = ps[k] * temps[a], PT[2] = temps[a], PT[3] = temps[b], PT[4] = dens[m],
              PT[5] = dens[m + 1], PT[6] = 1e-2, n++;
    break;
  }
  case TCAD_PROBE_FLOOR_HEAT: {
    const double E[] = {-1e6, -3e5, -1e3, 0.0, 1e-3, 10.0, 1e4, 3e5, 1e6};
    for (int hf = 0; hf < 2; hf++)
      for (int f = 0; f < 9; f++)
        PT[0] = 1e8, PT[1] = 1417.0, PT[2] = hf, PT[3] = 1.07e7, PT[4] = 2e6, PT[5] = 1e-7, PT[6] = E[f] * 1e-7, n++;
    break;
  }
  case TCAD_PROBE_FLOOR_GATE: /* zero, small and large bias spreads, either sign */
    for (int f = 0; f < 27; f++) PT[0] = (f % 2 ? -1.0 : 1.0) * xs[f] * 0.0258520, PT[1] = 0.0258520, n++;
    break;
  case TCAD_PROBE_FIELD_ALONG: /* either sign of Δ, directions −1..1 (a stored direction), two edge lengths */
    for (int f = 0; f < 27; f += 2)
      for (int d = -2; d <= 2; d++)
        for (int h = 0; h < 2; h++)
          PT[0] = (f % 4 ? -1.0 : 1.0) * xs[f], PT[1] = 0.5 * d, PT[2] = h ? 2.6e5 : 1.3e4, n++;
    break;
  case TCAD_PROBE_LUCKY: { /* a = φ/(λF) from 0 through the switch at 4 to the underflow at 745 */
    const double F[] = {-1e5, 0.0, 1e3, 3e4, 1e5, 3e5, 1e6, 1e7}, phi[] = {0.0, 0.5, 3.2, 4.7};
    for (int f = 0; f < 8; f++)
      for (int p = 0; p < 4; p++) PT[0] = F[f], PT[1] = phi[p], PT[2] = 9.2e-7, PT[3] = 6.2e-6, n++;
    break;
  }
  case TCAD_PROBE_FIEGNA: { /* u = χφ³/F^1.5 through the series/continued-fraction switch */
    const double F[] = {0.0, 1e4, 1e5, 3e5, 1e6, 3e6, 1e7}, phi[] = {0.0, 0.3, 1.0, 3.2};
    for (int f = 0; f < 7; f++)
      for (int p = 0; p < 4; p++) PT[0] = 4.87e4, PT[1] = 1.3e8, PT[2] = F[f], PT[3] = phi[p], n++;
    break;
  }
  case TCAD_PROBE_HC_BARRIER: {
    const double E[] = {-3e6, -1e5, 0.0, 1e2, 1e5, 1e6, 5e6};
    for (int f = 0; f < 7; f++)
      for (int l = 0; l < 2; l++)
        PT[0] = 3.2, PT[1] = 2.59e-4, PT[2] = 3e-5, PT[3] = E[f], PT[4] = 5e-7, PT[5] = l ? 3.2e-7 : 0.0, n++;
    break;
  }
  default: break;
  }
#undef PT
  return n;
}

/* the size of the terms output k of function w sums, at input p (host value h) */
static double term_scale(int w, int k, const double *p, const double *h)
{
  double s = fabs(h[k]);
  if (w == TCAD_PROBE_SG_ELECTRON || w == TCAD_PROBE_SG_HOLE) {
    /* g = c_j B(Δ) − c_i B(−Δ): each term is at most max(c) · max(B(±Δ)) */
    double db;
    const double bp = tcad_bernoulli(p[0], &db), bm = tcad_bernoulli(-p[0], &db);
    const double c = fmax(p[1], p[2]), b = fmax(bp, bm);
    s = fmax(s, k == 0 ? c * b : k == 1 ? c * fmax(1.0, fabs(p[0])) * b : b);
    if (k >= 2) s = fmax(s, b);
  } else if (w == TCAD_PROBE_EB_ELECTRON || w == TCAD_PROBE_EB_HOLE) {
    /* G = ±Θ [c2 B(y) − c1 B(−y)]: each term is at most Θ max(c) max(B(±y)) (1 + |y|) per unit of
     * its argument; the temperature derivatives carry a 1/Θ */
    double dth[2], db;
    const double th = tcad_logmean(p[1], p[2], dth), y = (fabs(p[0]) + fabs(p[2] - p[1])) / th;
    const double b = fmax(tcad_bernoulli(y, &db), tcad_bernoulli(-y, &db));
    s = fmax(s, (th + 1.0 / th) * fmax(p[3], p[4]) * b * (1.0 + y) * (1.0 + y));
  } else if (w == TCAD_PROBE_RELAXATION) {
    s = fmax(s, h[3] * (k == 2 ? 1.0 / p[3] : k == 1 ? 1.0 / fmax(fabs(p[1]) + p[2], 1e-300) : 1.0));
  } else if (w == TCAD_PROBE_RECOMBINATION) {
    const double n = p[0], q = p[1], ni = p[2], big = fmax(n * q, ni * ni);
    const double srh = big / (fmin(p[3], p[4]) * (n + q + 2 * ni)), aug = fmax(p[5], p[6]) * (n + q) * big;
    const double dsrh = fmax(n, q) / (fmin(p[3], p[4]) * (n + q + 2 * ni)),
                 daug = fmax(p[5], p[6]) * ((n + q) * fmax(n, q) + big);
    s = fmax(s, k == 0 ? srh + aug : dsrh + daug);
  } else if (w == TCAD_PROBE_QUASI_FERMI) {
    s = fmax(s, k == 0 ? fabs(p[0]) + p[3] * fabs(log(fmax(p[1], 0) + p[5]) - log(p[4])) : fabs(h[1]));
  } else if (w == TCAD_PROBE_SRH || w == TCAD_PROBE_AUGER) {
    const double n = p[0], q = p[1], ni = p[2];
    const double big = fmax(n * q, ni * ni);
    if (w == TCAD_PROBE_SRH) {
      const double den = fmin(p[3], p[4]) * (n + q + 2 * ni);
      s = fmax(s, k == 0 ? big / den : k == 1 ? fmax(q, n) / den : fmax(n, q) / den);
    } else {
      const double c = fmax(p[3], p[4]);
      s = fmax(s, k == 0 ? c * (n + q) * big : c * (n + q) * fmax(n, q) + c * big);
    }
  }
  return s;
}

int main(void)
{
  TcadCudaInfo ci;
  /* the CPU stand-in of the CUDA runtime pretends three devices here (a real runtime ignores the
   * variable), so that selecting each of several devices is exercised without a multi-GPU node */
  setenv("TCAD_STANDIN_DEVICES", "3", 0);
  tcad_cuda_query(&ci);
  /* device selection (a batch rank takes rank modulo the device count): every device can be
   * made current and is then the one reported; one past the last is refused, naming the count */
  if (ci.ndevices) {
    int sel = 1;
    for (int d = ci.ndevices - 1; d >= 0; d--) {
      TcadCudaInfo cd;
      sel = sel && TcadCudaSelectDevice(d) == 0;
      tcad_cuda_query(&cd);
      sel = sel && cd.device == d;
    }
    char want[64];
    snprintf(want, sizeof want, "this machine has %d", ci.ndevices);
    const int bad = TcadCudaSelectDevice(ci.ndevices);
    tap_check(sel && bad == TCAD_ERR_CUDA && strstr(tcad_error_message(), want), "cuda.select_device",
              "%d devices; selecting one past the last gave %d: %s", ci.ndevices, bad, tcad_error_message());
    tcad_error_clear();
  } else {
    tap_check(TcadCudaSelectDevice(0) == TCAD_ERR_CUDA, "cuda.select_device_without_one", "%s", tcad_error_message());
    tcad_error_clear();
  }
  double *in = calloc((size_t)MAXP * TCAD_PROBE_NIN, sizeof(double));
  double *hout = calloc((size_t)MAXP * TCAD_PROBE_NOUT, sizeof(double));
  double *dout = calloc((size_t)MAXP * TCAD_PROBE_NOUT, sizeof(double));
  int named = 1; /* a probe entry added without its name here */
  for (int w = 0; w < TCAD_PROBE_COUNT; w++) named = named && names[w];
  tap_check(named, "probe.every_entry_named", "%s", "names[] has fewer entries than TCAD_PROBE_COUNT");
  for (int w = 0; w < TCAD_PROBE_COUNT; w++) {
    const int n = make_inputs(w, in);
    int finite = n > 0;
    for (int i = 0; i < n; i++) {
      tcad_physics_probe(w, in + (size_t)TCAD_PROBE_NIN * i, hout + (size_t)TCAD_PROBE_NOUT * i);
      for (int k = 0; k < TCAD_PROBE_NOUT; k++) finite = finite && isfinite(hout[(size_t)TCAD_PROBE_NOUT * i + k]);
    }
    char tn[64];
    snprintf(tn, sizeof tn, "probe.%s.host_finite", names[w]);
    tap_check(finite, tn, "%d points, every output finite", n);
    snprintf(tn, sizeof tn, "probe.%s.cuda_vs_host", names[w]);
    if (!ci.ndevices) {
      tap_skip(tn, ci.why);
      continue;
    }
    const int e = TcadCudaPhysicsProbe(w, n, in, dout);
    double worst = 0;
    int at = -1, atk = 0;
    for (int i = 0; !e && i < n; i++)
      for (int k = 0; k < TCAD_PROBE_NOUT; k++) {
        const double *h = hout + (size_t)TCAD_PROBE_NOUT * i, *d = dout + (size_t)TCAD_PROBE_NOUT * i;
        const double sc = term_scale(w, k, in + (size_t)TCAD_PROBE_NIN * i, h);
        /* a scale below DBL_MIN counts as DBL_MIN: a subnormal result (exp near -745, densities near
         * 1e-300) holds a few bits, and the device's and the C library's exp or log may differ there
         * by one subnormal ulp, a relative error of order 1 that says nothing about the physics */
        const double err = sc > 0 ? fabs(d[k] - h[k]) / fmax(sc, DBL_MIN) : fabs(d[k] - h[k]);
        if (!(err <= worst)) worst = err, at = i, atk = k;
      }
    const double *wi = at >= 0 ? in + (size_t)TCAD_PROBE_NIN * at : NULL;
    tap_check(!e && worst <= 1e-14, tn,
              "%d points, worst %.3g (output %d at point %d: inputs %.6g %.6g %.6g %.6g; host %.17g, device %.17g) %s",
              n, worst, atk, at, wi ? wi[0] : 0, wi ? wi[1] : 0, wi ? wi[2] : 0, wi ? wi[3] : 0,
              at >= 0 ? hout[(size_t)TCAD_PROBE_NOUT * at + atk] : 0,
              at >= 0 ? dout[(size_t)TCAD_PROBE_NOUT * at + atk] : 0, e ? tcad_error_message() : "");
  }
  free(in), free(hout), free(dout);
  return tap_exit();
}
