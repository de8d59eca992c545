/* Drift-diffusion and energy-balance assembly: the per-edge and per-node loop bodies that write
 * the residual and the Jacobian values of the coupled system. They are TCAD_HD so the host
 * loop (assemble_host.c) and a CUDA kernel run the same code; they see only flat arrays and
 * TcadAsmParams, never PETSc.
 *
 * Unknown layout: node-major blocks of bs = D->bs unknowns, scaled: x = value / sv[k]:
 *   bs 3: ψ, n, p (drift-diffusion)
 *   bs 4: ψ, n, p, T_n (energy balance for electrons)
 *   bs 5: ψ, n, p, T_n, T_p (energy balance for both carriers)
 * Residuals are returned scaled by 1/se[k]. The Jacobian is a scalar CSR whose rows
 * bs·i .. bs·i+bs−1 hold the bs×bs blocks of block row i with block columns sorted, so entry
 * (r, c) of a block whose first entry is at `base` in row r's stride `len` is
 * value[base + r*len + c]. The solver computes the per-edge block bases once per mesh (the
 * edge → slot map), which is what a CUDA scatter needs to be deterministic.
 *
 * Residuals (physical, before scaling), with c = A_ij/h_ij, V the semiconductor volume:
 *   Poisson   F_ψ,i = Σ_j ε c (ψ_i − ψ_j) − q V (p − n) − Q_fixed,i
 *   electrons F_n,i = Σ_j A J_n,ij/q − V R + G_i      (∇·J_n = q(R − G))
 *   holes     F_p,i = Σ_j A J_p,ij/q + V R − G_i      (∇·J_p = −q(R − G))
 *   energy    F_T,i = Σ_j A S_ij − ½ Σ_j A J_ij (ψ_i − ψ_j) + V (3/2) k (c + c_f)(T − T_L)/τ_w
 *                     + V (3/2) k T R − (3/2) k T G_i − H_f,i
 *                                               (per carrier, c = n or p; shared PHYSICS.md §2;
 *                                                c_f = relax_floor n_i, tcad_eb_relaxation; H_f
 *                                                the floor's heating, tcad_asm_floor_heat)
 * J_ij is the current density from i to j: Scharfetter–Gummel (kernels/physics/sg.h) when the
 * temperature equations are off, the energy-balance flux with the temperatures varying
 * linearly along the edge (kernels/physics/energy.h) when they are on; S_ij the energy flux
 * of the same construction. G_i is the impact-ionization generation (pairs/s) the edges give
 * node i, each edge ½ h α |A J/q| per carrier to each end (tcad_asm_edge_impact). The Joule term ½ A J_ij (ψ_i − ψ_j) goes to both ends, so the
 * summed Joule power is the electrical power Σ current × voltage drop over the edges exactly.
 * At an ohmic contact node every row becomes a Dirichlet row (T = T_L); the carrier and
 * energy residuals before that are the particle currents and energy flows entering the
 * device there (terminal currents, shared PHYSICS.md §1). Elsewhere the energy flux through
 * the boundary is zero. With the temperature equations off (P->energy = 0, the DD start of an
 * energy-balance run) the T rows hold T = T_L. */
#ifndef TCAD_KERNELS_ASM_H
#define TCAD_KERNELS_ASM_H
#include <math.h>

#include "kernels/asm_data.h"
#include "kernels/physics/constants.h"
#include "kernels/physics/driving_force.h"
#include "kernels/physics/energy.h"
#include "kernels/physics/mobility.h"
#include "kernels/physics/recombination.h"
#include "kernels/physics/sg.h"
#include "kernels/physics/statistics.h"

/* The temperature unknown of carrier c (0 electrons, 1 holes), or −1 when the layout has none. */
TCAD_HD int tcad_asm_tindex(const TcadAsmData *D, int c) { return 3 + c < D->bs ? 3 + c : -1; }

/* Block size as an argument: the row, edge and node bodies below take `bs` (= D->bs) from their
 * caller, so a CUDA kernel can call them with a literal 3, 4 or 5. Inlined, every loop over the
 * unknowns then unrolls and every index into a TcadAsmEdge is a constant, and the edge record
 * lives in registers instead of the thread's local memory (ptxas: 680 bytes of stack per thread
 * with a run-time bs). The host passes D->bs; the arithmetic is the same either way. */

TCAD_HD void tcad_asm_jadd(double *jac, int base, int len, int r, int c, double v) { jac[base + r * len + c] += v; }

/* Whether edge e ends at an ohmic contact. */
TCAD_HD int tcad_asm_edge_at_contact(const TcadAsmData *D, int e)
{
  return D->node_bc[D->edge_i[e]] == TCAD_BC_OHMIC || D->node_bc[D->edge_j[e]] == TCAD_BC_OHMIC;
}

/* One carrier's drift-diffusion driving force F on edge e (V/cm, kernels/physics/driving_force.h,
 * after the floor F0 = hf_floor) and dF[0..3] = ∂F/∂(ψ_i, c_i, ψ_j, c_j): the force of P->df,
 * except on an edge that ends at an ohmic contact, where it is always the field along the edge:
 * the contact pins the minority density to its equilibrium value, so the minority quasi-Fermi
 * level jumps across that last edge although nothing there is hot, and Canali would throttle the
 * flow into the contact (a 1 µm short diode lost 20 % of its current). The high-field mobility
 * and impact ionization both use it. */
TCAD_HD double tcad_dd_driving_force(const TcadAsmData *D, int e, int carrier, double psi_i, double psi_j, double ci,
                                     double cj, double dF[4])
{
  const TcadAsmParams *P = &D->p;
  const double h = D->edge_length[e], delta = (psi_j - psi_i) / P->vt;
  double F, dFdG;
  dF[0] = dF[1] = dF[2] = dF[3] = 0.0;
  if (tcad_asm_edge_at_contact(D, e)) {
    F = tcad_driving_force_floor((psi_j - psi_i) / h, P->hf_floor, &dFdG);
    dF[0] = -dFdG / h, dF[2] = dFdG / h;
  } else if (P->df == TCAD_ASM_DF_FIELD) { /* the field parallel to the current, where positive */
    double de[3];
    const double ep = tcad_field_parallel(carrier, delta, ci, cj, P->vt / h, P->sign_smooth, de);
    F = tcad_driving_force_floor(ep > 0 ? ep : 0.0, P->hf_floor, &dFdG);
    if (ep > 0) dF[0] = -dFdG * de[0] / P->vt, dF[1] = dFdG * de[1], dF[2] = dFdG * de[0] / P->vt, dF[3] = dFdG * de[2];
  } else { /* the quasi-Fermi gradient, or the Joule force */
    const double sign = carrier == 0 ? 1.0 : -1.0;
    double dphii, dphij;
    const double phii = tcad_quasi_fermi(psi_i, ci, sign, P->vt, P->nie, P->qf_floor * P->nie, &dphii);
    const double phij = tcad_quasi_fermi(psi_j, cj, sign, P->vt, P->nie, P->qf_floor * P->nie, &dphij);
    const double dpsi = (psi_j - psi_i) / h, dphi = (phij - phii) / h;
    if (P->df == TCAD_ASM_DF_QUASI_FERMI) {
      F = tcad_driving_force_floor(dphi, P->hf_floor, &dFdG);
      dF[0] = -dFdG / h, dF[1] = -dFdG * dphii / h, dF[2] = dFdG / h, dF[3] = dFdG * dphij / h;
    } else {
      double dj[2];
      F = tcad_driving_force_joule(dpsi, dphi, P->joule_smooth, P->hf_floor, dj);
      dF[0] = -(dj[0] + dj[1]) / h, dF[1] = -dj[1] * dphii / h;
      dF[2] = (dj[0] + dj[1]) / h, dF[3] = dj[1] * dphij / h;
    }
  }
  return F;
}

/* One carrier's drift-diffusion edge flux A J/q (particles/s per depth^(3-d)) and its
 * derivatives with respect to (ψ_i, c_i, ψ_j, c_j). carrier 0: electrons, 1: holes. `mag`
 * (may be NULL) receives the size of the two Scharfetter–Gummel terms whose difference the
 * flux is: the scale of its rounding error. */
TCAD_HD double tcad_dd_carrier_flux(const TcadAsmData *D, int e, int carrier, double psi_i, double psi_j, double ci,
                                    double cj, double d[4], double *mag)
{
  const TcadAsmParams *P = &D->p;
  const double c = D->edge_coupling[e];
  const double delta = (psi_j - psi_i) / P->vt;
  double dg[3];
  const double g = carrier == 0 ? tcad_sg_electron(delta, ci, cj, dg) : tcad_sg_hole(delta, ci, cj, dg);
  double mu = D->edge_mu0[2 * e + carrier];
  double dmu[4] = {0, 0, 0, 0};
  if (P->hf != TCAD_ASM_HF_NONE) {
    double dF[4], dmudF;
    const double F = tcad_dd_driving_force(D, e, carrier, psi_i, psi_j, ci, cj, dF);
    mu = P->hf == TCAD_ASM_HF_CANALI ? tcad_mobility_canali(mu, F, P->vsat[carrier], P->beta[carrier], &dmudF)
                                     : tcad_mobility_hansch_field(mu, F, P->vsat[carrier], &dmudF);
    for (int k = 0; k < 4; k++) dmu[k] = dmudF * dF[k];
  }
  const double a = P->vt * c;
  d[0] = a * (-mu * dg[0] / P->vt + g * dmu[0]);
  d[1] = a * (mu * dg[1] + g * dmu[1]);
  d[2] = a * (mu * dg[0] / P->vt + g * dmu[2]);
  d[3] = a * (mu * dg[2] + g * dmu[3]);
  if (mag) *mag = a * mu * (fabs(dg[1] * ci) + fabs(dg[2] * cj));
  return a * mu * g;
}

/* One carrier's energy-balance edge fluxes, u = (ψ_i, c_i, T_i, ψ_j, c_j, T_j) with c the
 * density: returns the particle flux A J/q with dJ[0..5] = ∂/∂u, and puts the energy flux A S
 * (W per depth^(3-d), i → j) in *S with dS[0..5]. μ is Hänsch's at the edge-mean temperature
 * when a high-field model is on, else the low-field μ0. mag[0], mag[1] (may be NULL): the
 * sizes of the two terms each flux is a difference of. */
TCAD_HD double tcad_eb_carrier_flux(const TcadAsmData *D, int e, int carrier, const double u[6], double dJ[6],
                                    double *S, double dS[6], double *mag)
{
  const TcadAsmParams *P = &D->p;
  const double kq = TCAD_KB / TCAD_Q, cc = D->edge_coupling[e];
  const double Ti = u[2], Tj = u[5];
  double mu = D->edge_mu0[2 * e + carrier], dmu = 0.0;
  if (P->hf != TCAD_ASM_HF_NONE) {
    double dm, dtau;
    const double Tm = 0.5 * (Ti + Tj);
    const double tau = tcad_tauw(P->tauw[carrier], P->tauw_t1[carrier], P->tauw_t2[carrier], Tm, P->TL, &dtau);
    mu = tcad_mobility_hansch_t(mu, Tm, P->TL, tau, dtau, P->vsat[carrier], &dm);
    dmu = 0.5 * dm; /* ∂μ/∂T_i = ∂μ/∂T_j */
  }
  const double dpsik = (u[3] - u[0]) / kq;
  double d[5], ds[5];
  const double G = tcad_eb_flux(carrier, dpsik, Ti, Tj, u[1], u[4], d);
  const double a = kq * cc;
  dJ[0] = -mu * cc * d[0], dJ[3] = mu * cc * d[0];
  dJ[1] = a * mu * d[3], dJ[4] = a * mu * d[4];
  dJ[2] = a * (mu * d[1] + G * dmu), dJ[5] = a * (mu * d[2] + G * dmu);
  const double Gs = tcad_eb_flux(carrier, dpsik, Ti, Tj, u[1] * Ti, u[4] * Tj, ds);
  const double pre = (carrier == 0 ? -2.5 : 2.5) * TCAD_KB * a;
  *S = pre * mu * Gs;
  dS[0] = -pre * mu * ds[0] / kq, dS[3] = pre * mu * ds[0] / kq;
  dS[1] = pre * mu * ds[3] * Ti, dS[4] = pre * mu * ds[4] * Tj;
  dS[2] = pre * (mu * (ds[1] + ds[3] * u[1]) + Gs * dmu);
  dS[5] = pre * (mu * (ds[2] + ds[4] * u[4]) + Gs * dmu);
  if (mag) {
    mag[0] = a * mu * (fabs(d[3] * u[1]) + fabs(d[4] * u[4]));
    mag[1] = fabs(pre) * mu * (fabs(ds[3] * u[1] * Ti) + fabs(ds[4] * u[4] * Tj));
  }
  return a * mu * G;
}

/* Carrier c's floor heating share on edge e (kernels/physics/energy.h tcad_eb_floor_heat_share,
 * times the solve's gate P->floor_gate, tcad_eb_floor_gate) for dpsi = ψ_i − ψ_j; *d = ∂/∂dpsi. The assembly and the energy budget (solver/fields.c) call it.
 * On with impact ionization only: the generation is the one term in which the temperature of an
 * all but absent carrier matters (elsewhere it multiplies that carrier's density), and the heating
 * cost the example MOSFET's energy-balance sweep 15 % more Newton iterations (346 against 301). */
TCAD_HD double tcad_asm_floor_heat(const TcadAsmData *D, int e, int c, double dpsi, double *d)
{
  const TcadAsmParams *P = &D->p;
  *d = 0.0;
  if (!P->impact || P->floor_gate <= 0.0) return 0.0;
  const double h = tcad_eb_floor_heat_share(P->relax_floor * P->nie, D->edge_mu0[2 * e + c], P->hf != TCAD_ASM_HF_NONE,
                                            P->vsat[c], D->edge_coupling[e], D->edge_length[e], dpsi, d);
  *d *= P->floor_gate;
  return P->floor_gate * h;
}

/* What one edge contributes, in physical units. F[k]: flux of equation k from i to j (added to
 * node i, subtracted from node j); Fs[c]: the part of carrier c's energy equation that both
 * ends receive alike (−½ A J (ψ_i − ψ_j), the Joule term), in row 3 + c. dF[k][m] is
 * ∂F[k]/∂(unknown m of node i), dF[k][TCAD_ASM_MAXBS + m] the same for node j; dFs likewise.
 * M[k], Ms[c]: the size of the terms each is a difference of (its rounding scale). */
typedef struct {
  int nk; /* equations the edge adds to: 1 (Poisson only) or bs */
  double F[TCAD_ASM_MAXBS], dF[TCAD_ASM_MAXBS][2 * TCAD_ASM_MAXBS], M[TCAD_ASM_MAXBS];
  double Fs[2], dFs[2][2 * TCAD_ASM_MAXBS], Ms[2];
  /* impact ionization (P->impact): the pairs per second G each end receives (+G in the electron
   * row, −G in the hole row), with dG like dF; Gc[c] the part of G carrier c's ionizations make */
  double G, dG[2 * TCAD_ASM_MAXBS], Gc[2];
  /* with a temperature equation of carrier c, the temperatures of ends i [0] and j [1]: each end's
   * energy row of c loses (3/2) k T G, the energy the pairs it receives are born with
   * (tcad_asm_gen_energy); 0 without one */
  double Tend[2][2];
} TcadAsmEdge;

/* Carrier c's energy row at end `side` of an edge: −(3/2) k T_side G (shared PHYSICS.md §2: the
 * −(3/2) k T (R − G) of the energy equation for the impact-ionization part of G), the residual's
 * sign; 0 without a temperature equation of c. */
TCAD_HD double tcad_asm_gen_energy(const TcadAsmEdge *E, int c, int side)
{
  return -1.5 * TCAD_KB * E->Tend[c][side] * E->G;
}

/* The direction of carrier c's current on an edge whose fluxes are in E (tcad_asm_edge_eval):
 * the smooth sign r/√(r² + ε²) of r = F/M, the flux over the size of its one-way terms (for
 * Scharfetter–Gummel the r of tcad_flux_sign), ε = eps. */
TCAD_HD double tcad_asm_flux_direction(const TcadAsmEdge *E, int c, double eps)
{
  const double F = E->F[1 + c], d = eps * E->M[1 + c], q = sqrt(F * F + d * d);
  return q > 0 ? F / q : 0.0;
}

/* What drives carrier c's hot-carrier processes on edge e (impact ionization, gate injection):
 * returns the driving force F (V/cm), the drift-diffusion driving force of the deck
 * (tcad_dd_driving_force) or, for a carrier with a temperature equation, the effective field of
 * its edge-mean temperature (tcad_impact_field_from_temperature), and in *s the direction of its
 * current, |flux| = flux·s. The direction is D->edge_dir, taken from the
 * solution when a Newton solve starts and fixed along it (solver/newton.c: solved again until it
 * is the direction of the solution found; tcad_asm_flux_direction with ε = dir_smooth): exact wherever the net flow
 * is above the rounding of the flux, also where a majority carrier's drift and diffusion nearly
 * balance, and linear in the flux along the solve, so Newton sees no switch. The field parallel
 * to the current (driving force `field`) takes the same direction away from the contacts (the
 * mobility keeps its own smooth sign). dF (2 TCAD_ASM_MAXBS, like TcadAsmEdge's dG): ∂F. */
TCAD_HD double tcad_asm_edge_drive(const TcadAsmData *D, const int bs, int e, const double *x, int c, double *dF,
                                   double *s)
{
  const TcadAsmParams *P = &D->p;
  const int i = D->edge_i[e], j = D->edge_j[e], W = TCAD_ASM_MAXBS, r = 1 + c, t = 3 + c;
  const double *sv = P->sv;
  double F;
  TCAD_UNROLL
  for (int m = 0; m < 2 * W; m++) dF[m] = 0.0;
  *s = D->edge_dir[2 * e + c];
  if (P->energy && t < bs) {
    const double Tm = 0.5 * (x[bs * i + t] + x[bs * j + t]) * sv[t];
    double dtau, dFdT;
    const double tau = tcad_tauw(P->tauw[c], P->tauw_t1[c], P->tauw_t2[c], Tm, P->TL, &dtau);
    F = tcad_impact_field_from_temperature(Tm, P->TL, P->vsat[c], tau, dtau, &dFdT);
    dF[t] = dF[W + t] = 0.5 * dFdT;
  } else if (P->df == TCAD_ASM_DF_FIELD && !tcad_asm_edge_at_contact(D, e)) {
    const double h = D->edge_length[e], ep = tcad_field_along((x[bs * j] - x[bs * i]) * sv[0] / P->vt, *s, P->vt / h);
    double dFdG;
    F = tcad_driving_force_floor(ep > 0 ? ep : 0.0, P->hf_floor, &dFdG);
    if (ep > 0) dF[0] = dFdG * *s / h, dF[W] = -dFdG * *s / h;
  } else {
    double d4[4];
    F = tcad_dd_driving_force(D, e, c, x[bs * i] * sv[0], x[bs * j] * sv[0], x[bs * i + r] * sv[r],
                              x[bs * j + r] * sv[r], d4);
    dF[0] = d4[0], dF[r] = d4[1], dF[W] = d4[2], dF[W + r] = d4[3];
  }
  return F;
}

/* Impact ionization on edge e, after its carrier fluxes are in E: each carrier c makes
 * ½ h α_c(F_c) |A J_c/q| pairs per second at each end (shared PHYSICS.md §4), F_c and the sign
 * of the flux from tcad_asm_edge_drive. The ½ A h of the edges of a node sum to its box volume
 * along each mesh direction (Σ ½ A h ê êᵀ = V I on a Delaunay mesh), so a current along mesh
 * edges gets α|J|/q per unit volume. The edge sees only the current component along it, so
 * on a mesh whose edges do not follow the current the sum over the edges of a node is the
 * α-weighted l1 norm of the current's components along the edge directions (docs/physics.md). */
TCAD_HD void tcad_asm_edge_impact(const TcadAsmData *D, const int bs, int e, const double *x, TcadAsmEdge *E)
{
  const TcadAsmParams *P = &D->p;
  const int i = D->edge_i[e], j = D->edge_j[e], W = TCAD_ASM_MAXBS;
  const double *sv = P->sv, hh = 0.5 * D->edge_length[e];
  E->G = 0.0;
  TCAD_UNROLL
  for (int m = 0; m < 2 * W; m++) E->dG[m] = 0.0;
  TCAD_UNROLL
  for (int c = 0; c < 2; c++) {
    const int t = 3 + c, hot = P->energy && t < bs;
    E->Tend[c][0] = hot ? x[bs * i + t] * sv[t] : 0.0;
    E->Tend[c][1] = hot ? x[bs * j + t] * sv[t] : 0.0;
  }
  TCAD_UNROLL
  for (int c = 0; c < 2; c++) {
    const int r = 1 + c;
    double dF[2 * TCAD_ASM_MAXBS], s, dadF;
    const double F = tcad_asm_edge_drive(D, bs, e, x, c, dF, &s);
    const double alpha = tcad_impact_alpha(&P->ii[c], F, &dadF);
    const double mag = s * E->F[r];
    E->Gc[c] = hh * alpha * mag;
    E->G += E->Gc[c];
    TCAD_UNROLL
    for (int m = 0; m < 2 * W; m++) E->dG[m] += hh * (dadF * dF[m] * mag + alpha * s * E->dF[r][m]);
  }
}

/* Edge e's fluxes at the scaled state x (see TcadAsmEdge); bs = D->bs. */
TCAD_HD void tcad_asm_edge_eval(const TcadAsmData *D, const int bs, int e, const double *x, TcadAsmEdge *E)
{
  const TcadAsmParams *P = &D->p;
  const int i = D->edge_i[e], j = D->edge_j[e], W = TCAD_ASM_MAXBS;
  const double *sv = P->sv;
  const double psi_i = x[bs * i] * sv[0], psi_j = x[bs * j] * sv[0];
  TCAD_UNROLL
  for (int k = 0; k < bs; k++) {
    E->F[k] = E->M[k] = 0.0;
    TCAD_UNROLL
    for (int m = 0; m < 2 * W; m++) E->dF[k][m] = 0.0;
  }
  const double ec = D->edge_eps[e] * D->edge_coupling[e];
  E->F[0] = ec * (psi_i - psi_j);
  E->dF[0][0] = ec, E->dF[0][W] = -ec;
  E->M[0] = fabs(E->F[0]);
  E->nk = 1;
  if (!(D->edge_semi[e] && P->mode == TCAD_ASM_COUPLED)) return;
  E->nk = bs;
  TCAD_UNROLL
  for (int c = 0; c < 2; c++) {
    const int r = 1 + c, t = 3 + c;
    const double ci = x[bs * i + r] * sv[r], cj = x[bs * j + r] * sv[r];
    if (!P->energy || t >= bs) { /* no temperature of this carrier: Scharfetter–Gummel */
      double d[4];
      E->F[r] = tcad_dd_carrier_flux(D, e, c, psi_i, psi_j, ci, cj, d, &E->M[r]);
      E->dF[r][0] = d[0], E->dF[r][r] = d[1], E->dF[r][W] = d[2], E->dF[r][W + r] = d[3];
      continue;
    }
    const double u[6] = {psi_i, ci, x[bs * i + t] * sv[t], psi_j, cj, x[bs * j + t] * sv[t]};
    double dJ[6], dS[6], mag[2];
    E->F[r] = tcad_eb_carrier_flux(D, e, c, u, dJ, &E->F[t], dS, mag);
    E->M[r] = mag[0], E->M[t] = mag[1];
    const int col[6] = {0, r, t, W, W + r, W + t};
    TCAD_UNROLL
    for (int m = 0; m < 6; m++) E->dF[r][col[m]] = dJ[m], E->dF[t][col[m]] = dS[m];
    /* Joule: −½ q (A J/q)(ψ_i − ψ_j) to both ends; linear in the flux, so its derivatives are
     * the shares of the flux's derivatives, plus those through ψ_i − ψ_j */
    const double dpsi = psi_i - psi_j;
    E->Fs[c] = tcad_eb_joule_share(E->F[r], dpsi);
    E->Ms[c] = fabs(E->Fs[c]);
    TCAD_UNROLL
    for (int m = 0; m < 2 * W; m++) E->dFs[c][m] = tcad_eb_joule_share(E->dF[r][m], dpsi);
    E->dFs[c][0] += TCAD_EB_JOULE_SHARE * E->F[r], E->dFs[c][W] -= TCAD_EB_JOULE_SHARE * E->F[r];
    /* the relaxation floor's carriers heated by the local field (tcad_eb_floor_heat_share) */
    double dh;
    const double heat = tcad_asm_floor_heat(D, e, c, dpsi, &dh);
    E->Fs[c] += heat, E->Ms[c] += fabs(heat);
    E->dFs[c][0] += dh, E->dFs[c][W] -= dh;
  }
  if (P->impact) tcad_asm_edge_impact(D, bs, e, x, E);
}

/* Add edge e's fluxes to one end: side 0 adds F to node i's rows (blocks (i,i), (i,j)),
 * side 1 subtracts it from node j's (blocks (j,i), (j,j)); the Joule parts go to both alike.
 * Scaled like the residual. nk = E->nk (1 or bs), an argument for the same reason as bs. */
TCAD_HD void tcad_asm_edge_add_nk(const TcadAsmData *D, const int bs, const int nk, int e, int side,
                                  const TcadAsmEdge *E, double *f, double *jac, double *fmag)
{
  const double *sv = D->p.sv, *se = D->p.se;
  const int W = TCAD_ASM_MAXBS;
  const int node = side ? D->edge_j[e] : D->edge_i[e];
  const double sg = side ? -1.0 : 1.0;
  const int energy = nk > 1 && D->p.energy, ii = nk > 1 && D->p.impact;
  TCAD_UNROLL
  for (int k = 0; k < nk; k++) f[bs * node + k] += sg * E->F[k] / se[k];
  if (energy) { /* braces: the pragma must not stand as the if's statement */
    TCAD_UNROLL
    for (int c = 0; c < 2 && 3 + c < bs; c++) f[bs * node + 3 + c] += E->Fs[c] / se[3 + c];
  }
  if (ii) f[bs * node + 1] += E->G / se[1], f[bs * node + 2] -= E->G / se[2];
  if (ii && energy) {
    TCAD_UNROLL
    for (int c = 0; c < 2 && 3 + c < bs; c++) f[bs * node + 3 + c] += tcad_asm_gen_energy(E, c, side) / se[3 + c];
  }
  if (fmag) {
    TCAD_UNROLL
    for (int k = 0; k < nk; k++) fmag[bs * node + k] += E->M[k] / se[k];
    if (energy) {
      TCAD_UNROLL
      for (int c = 0; c < 2 && 3 + c < bs; c++) fmag[bs * node + 3 + c] += E->Ms[c] / se[3 + c];
    }
    if (ii) fmag[bs * node + 1] += fabs(E->G) / se[1], fmag[bs * node + 2] += fabs(E->G) / se[2];
    if (ii && energy) {
      TCAD_UNROLL
      for (int c = 0; c < 2 && 3 + c < bs; c++)
        fmag[bs * node + 3 + c] += fabs(tcad_asm_gen_energy(E, c, side)) / se[3 + c];
    }
  }
  if (!jac) return;
  const int *b = D->edge_base + 4 * e;
  const int len = D->row_len[node], bi = side ? b[2] : b[0], bj = side ? b[3] : b[1];
  TCAD_UNROLL
  for (int k = 0; k < nk; k++) {
    const int c = k - 3, sym = energy && c >= 0; /* T rows: 3 + c with c the carrier */
    TCAD_UNROLL
    for (int m = 0; m < bs; m++) {
      double vi = sg * E->dF[k][m], vj = sg * E->dF[k][W + m];
      if (sym) vi += E->dFs[c][m], vj += E->dFs[c][W + m];
      if (ii && (k == 1 || k == 2)) { /* generation: + in the electron row, − in the hole row */
        const double s2 = k == 1 ? 1.0 : -1.0;
        vi += s2 * E->dG[m], vj += s2 * E->dG[W + m];
      }
      if (ii && sym) { /* the energy the pairs are born with: −(3/2) k T_node G */
        const double kt = -1.5 * TCAD_KB * E->Tend[c][side];
        vi += kt * E->dG[m], vj += kt * E->dG[W + m];
        if (m == k) { /* ∂/∂T_node: column block of this end */
          if (side)
            vj += -1.5 * TCAD_KB * E->G;
          else
            vi += -1.5 * TCAD_KB * E->G;
        }
      }
      vi *= sv[m] / se[k], vj *= sv[m] / se[k];
      if (vi != 0.0) tcad_asm_jadd(jac, bi, len, k, m, vi); /* column block i */
      if (vj != 0.0) tcad_asm_jadd(jac, bj, len, k, m, vj); /* column block j */
    }
  }
}

TCAD_HD void tcad_asm_edge_add(const TcadAsmData *D, const int bs, int e, int side, const TcadAsmEdge *E, double *f,
                               double *jac, double *fmag)
{
  if (E->nk == 1)
    tcad_asm_edge_add_nk(D, bs, 1, e, side, E, f, jac, fmag);
  else
    tcad_asm_edge_add_nk(D, bs, bs, e, side, E, f, jac, fmag);
}

/* Edge e added to both ends (the host's edge loop). `fmag` (bs per node, may be NULL)
 * accumulates the term sizes (see tcad_asm_node). */
TCAD_HD void tcad_asm_edge(const TcadAsmData *D, int e, const double *x, double *f, double *jac, double *fmag)
{
  TcadAsmEdge E;
  tcad_asm_edge_eval(D, D->bs, e, x, &E);
  tcad_asm_edge_add(D, D->bs, e, 0, &E, f, jac, fmag);
  tcad_asm_edge_add(D, D->bs, e, 1, &E, f, jac, fmag);
}

/* Replace scalar row r of block row i by the Dirichlet row x_r = value/sv[r]. */
TCAD_HD void tcad_asm_dirichlet(const TcadAsmData *D, int i, int r, double value, const double *x, double *f,
                                double *jac, double *fmag)
{
  const int bs = D->bs;
  f[bs * i + r] = x[bs * i + r] - value / D->p.sv[r];
  if (fmag) fmag[bs * i + r] = fabs(x[bs * i + r]) + fabs(value / D->p.sv[r]);
  if (!jac) return;
  const int len = D->row_len[i], start = D->row_start[i] + r * len;
  for (int k = 0; k < len; k++) jac[start + k] = 0.0;
  jac[D->node_diag[i] + r * len + r] = 1.0;
}

/* Node i in the equilibrium mode: n, p follow ψ and the Fermi potential (Boltzmann); the n, p
 * rows only carry them along. */
TCAD_HD void tcad_asm_node_equilibrium(const TcadAsmData *D, int i, const double *x, double *f, double *jac,
                                       double *fmag)
{
  const TcadAsmParams *P = &D->p;
  const double *sv = P->sv, *se = P->se;
  const int bs = D->bs, len = D->row_len[i], diag = D->node_diag[i];
  const double qv = TCAD_Q * D->node_vsemi[i];
  double n, p;
  tcad_equilibrium_densities(x[bs * i] * sv[0], P->efermi, P->nie, P->vt, &n, &p);
  f[bs * i] -= qv * (p - n) / se[0];
  f[bs * i + 1] = x[bs * i + 1] - n / sv[1];
  f[bs * i + 2] = x[bs * i + 2] - p / sv[2];
  if (fmag) {
    fmag[bs * i] += qv * (p + n) / se[0];
    fmag[bs * i + 1] = fabs(x[bs * i + 1]) + n / sv[1];
    fmag[bs * i + 2] = fabs(x[bs * i + 2]) + p / sv[2];
  }
  if (jac) {
    tcad_asm_jadd(jac, diag, len, 0, 0, -qv * (-p - n) / P->vt * sv[0] / se[0]);
    tcad_asm_jadd(jac, diag, len, 1, 1, 1.0);
    tcad_asm_jadd(jac, diag, len, 1, 0, -n / P->vt * sv[0] / sv[1]);
    tcad_asm_jadd(jac, diag, len, 2, 2, 1.0);
    tcad_asm_jadd(jac, diag, len, 2, 0, p / P->vt * sv[0] / sv[2]);
  }
}

/* Node i's energy rows (energy balance on): relaxation and the energy recombination takes,
 * per carrier with a temperature equation; R and its derivatives from the continuity rows. */
TCAD_HD void tcad_asm_node_energy(const TcadAsmData *D, int i, const double *x, double n, double p, double R, double dn,
                                  double dp, double *f, double *jac, double *fmag)
{
  const TcadAsmParams *P = &D->p;
  const double *sv = P->sv, *se = P->se;
  const int bs = D->bs, len = D->row_len[i], diag = D->node_diag[i];
  const double V = D->node_vsemi[i];
  for (int c = 0; c < 2; c++) {
    const int t = tcad_asm_tindex(D, c), r = 1 + c;
    if (t < 0) continue;
    const double T = x[bs * i + t] * sv[t], dens = r == 1 ? n : p;
    double drel[2], mag, dT, dR;
    const double relax = tcad_eb_relaxation(V, dens, P->relax_floor * P->nie, T, P->TL, P->tauw[c], P->tauw_t1[c],
                                            P->tauw_t2[c], drel, &mag);
    const double rec = tcad_eb_recombination_energy(V, T, R, &dT, &dR);
    f[bs * i + t] += (relax + rec) / se[t];
    if (fmag) fmag[bs * i + t] += (mag + fabs(rec)) / se[t];
    if (jac) {
      tcad_asm_jadd(jac, diag, len, t, t, (drel[1] + dT) * sv[t] / se[t]);
      tcad_asm_jadd(jac, diag, len, t, r, drel[0] * sv[r] / se[t]);
      tcad_asm_jadd(jac, diag, len, t, 1, dR * dn * sv[1] / se[t]);
      tcad_asm_jadd(jac, diag, len, t, 2, dR * dp * sv[2] / se[t]);
    }
  }
}

/* Node i in the coupled mode: space charge, net recombination in the continuity rows and, with
 * the energy balance on, the energy rows. Returns 1 when the temperature rows carry the energy
 * balance here. */
TCAD_HD int tcad_asm_node_coupled(const TcadAsmData *D, int i, const double *x, double *f, double *jac, double *fmag)
{
  const TcadAsmParams *P = &D->p;
  const double *sv = P->sv, *se = P->se;
  const int bs = D->bs, len = D->row_len[i], diag = D->node_diag[i];
  const double qv = TCAD_Q * D->node_vsemi[i], V = D->node_vsemi[i];
  const double n = x[bs * i + 1] * sv[1], p = x[bs * i + 2] * sv[2];
  f[bs * i] -= qv * (p - n) / se[0];
  double dn, dp;
  const double R = tcad_recombination_net(&P->rec, n, p, D->node_tau[2 * i], D->node_tau[2 * i + 1], &dn, &dp);
  f[bs * i + 1] -= V * R / se[1];
  f[bs * i + 2] += V * R / se[2];
  if (fmag) {
    fmag[bs * i] += qv * (fabs(p) + fabs(n)) / se[0];
    fmag[bs * i + 1] += fabs(V * R) / se[1];
    fmag[bs * i + 2] += fabs(V * R) / se[2];
  }
  if (jac) {
    tcad_asm_jadd(jac, diag, len, 0, 1, qv * sv[1] / se[0]);
    tcad_asm_jadd(jac, diag, len, 0, 2, -qv * sv[2] / se[0]);
    tcad_asm_jadd(jac, diag, len, 1, 1, -V * dn * sv[1] / se[1]);
    tcad_asm_jadd(jac, diag, len, 1, 2, -V * dp * sv[2] / se[1]);
    tcad_asm_jadd(jac, diag, len, 2, 1, V * dn * sv[1] / se[2]);
    tcad_asm_jadd(jac, diag, len, 2, 2, V * dp * sv[2] / se[2]);
  }
  if (!P->energy) return 0;
  tcad_asm_node_energy(D, i, x, n, p, R, dn, dp, f, jac, fmag);
  return 1;
}

/* Node i: space charge, recombination, energy relaxation, rows without carriers, contacts.
 * Runs after every edge of the node has been added (it reads the summed continuity and energy
 * residuals at contacts). `cflux` (TCAD_ASM_NCFLUX per node, may be NULL) receives at ohmic
 * contact nodes the electron and hole particle currents (1/s per depth^(3-d)) and energy flows
 * (W per depth^(3-d)) entering the device. `fmag` (may be NULL) completes the term sizes of
 * tcad_asm_edge: |a| + |b| + ... for a residual a + b + ... (scaled like f). */
TCAD_HD void tcad_asm_node(const TcadAsmData *D, int i, const double *x, double *f, double *jac, double *cflux,
                           double *fmag)
{
  const TcadAsmParams *P = &D->p;
  const double *se = P->se;
  const int bs = D->bs, len = D->row_len[i], diag = D->node_diag[i];
  int hot = 0; /* the temperature rows carry the energy balance here */
  f[bs * i] -= D->node_fixed[i] / se[0];
  if (fmag) fmag[bs * i] += fabs(D->node_fixed[i]) / se[0];
  if (D->node_semi[i] && P->mode == TCAD_ASM_EQUILIBRIUM) {
    tcad_asm_node_equilibrium(D, i, x, f, jac, fmag);
  } else if (D->node_semi[i]) {
    hot = tcad_asm_node_coupled(D, i, x, f, jac, fmag);
  } else {
    /* no carriers: identity rows keep the matrix uniformly blocked */
    f[bs * i + 1] = x[bs * i + 1];
    f[bs * i + 2] = x[bs * i + 2];
    if (fmag) fmag[bs * i + 1] = fabs(x[bs * i + 1]), fmag[bs * i + 2] = fabs(x[bs * i + 2]);
    if (jac) {
      tcad_asm_jadd(jac, diag, len, 1, 1, 1.0);
      tcad_asm_jadd(jac, diag, len, 2, 2, 1.0);
    }
  }
  const int bc = D->node_bc[i];
  if (bc == TCAD_BC_OHMIC) {
    if (cflux) {
      const int coupled = P->mode == TCAD_ASM_COUPLED;
      for (int c = 0; c < 2; c++) {
        const int t = tcad_asm_tindex(D, c);
        cflux[TCAD_ASM_NCFLUX * i + c] = coupled ? f[bs * i + 1 + c] * se[1 + c] : 0.0;
        cflux[TCAD_ASM_NCFLUX * i + 2 + c] = hot && t >= 0 ? f[bs * i + t] * se[t] : 0.0;
      }
    }
    if (P->contact_raw) return;
    for (int r = 0; r < bs; r++) tcad_asm_dirichlet(D, i, r, D->bc_value[bs * i + r], x, f, jac, fmag);
    return;
  }
  if (bc == TCAD_BC_GATE) tcad_asm_dirichlet(D, i, 0, D->bc_value[bs * i], x, f, jac, fmag);
  /* temperature rows without an energy balance: T = T_L */
  if (!hot)
    for (int t = 3; t < bs; t++) tcad_asm_dirichlet(D, i, t, P->TL, x, f, jac, fmag);
}

/* Block row i alone, gathered from its incident edges (D->node_edges[node_edge_start[i] ..
 * node_edge_start[i+1]), ascending edge index) and then the node terms: what one CUDA thread
 * (or one host thread) computes. Rows of different nodes are independent, so the result does
 * not depend on scheduling; with ascending edges each row sums in the order of the edge loop
 * (tcad_asm_edge over all edges, then tcad_asm_node), so the two agree bitwise. Each edge is
 * evaluated once from each end. */
TCAD_HD void tcad_asm_row_bs(const TcadAsmData *D, const int bs, int i, const double *x, double *f, double *jac,
                             double *cflux, double *fmag)
{
  for (int k = 0; k < bs; k++) f[bs * i + k] = 0.0;
  if (fmag)
    for (int k = 0; k < bs; k++) fmag[bs * i + k] = 0.0;
  if (cflux)
    for (int k = 0; k < TCAD_ASM_NCFLUX; k++) cflux[TCAD_ASM_NCFLUX * i + k] = 0.0;
  if (jac)
    for (int k = D->row_start[i], end = k + bs * D->row_len[i]; k < end; k++) jac[k] = 0.0;
  for (int k = D->node_edge_start[i]; k < D->node_edge_start[i + 1]; k++) {
    const int e = D->node_edges[k];
    TcadAsmEdge E;
    tcad_asm_edge_eval(D, bs, e, x, &E);
    tcad_asm_edge_add(D, bs, e, D->edge_i[e] == i ? 0 : 1, &E, f, jac, fmag);
  }
  tcad_asm_node(D, i, x, f, jac, cflux, fmag);
}

TCAD_HD void tcad_asm_row(const TcadAsmData *D, int i, const double *x, double *f, double *jac, double *cflux,
                          double *fmag)
{
  tcad_asm_row_bs(D, D->bs, i, x, f, jac, cflux, fmag);
}
#endif
