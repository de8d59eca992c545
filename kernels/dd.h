/* Drift-diffusion assembly: the per-edge and per-node loop bodies that write the residual and
 * the Jacobian values of the coupled (ψ, n, p) system. They are TCAD_HD so the host loop
 * (assemble_host.c) and a CUDA grid-stride kernel run the same code; they see only flat
 * arrays and TcadDDParams, never PETSc.
 *
 * Unknown layout: node-major blocks of 3 (ψ, n, p), scaled: x = value / sv[k]. Residuals are
 * returned scaled by 1/se[k]. The Jacobian is a scalar CSR whose rows 3i..3i+2 hold the 3×3
 * blocks of block row i with block columns sorted, so entry (r, c) of a block whose first
 * entry is at `base` in row r's stride `len` is value[base + r*len + c]. The solver computes
 * the per-edge block bases once per mesh (the edge → slot map), which is what a CUDA scatter
 * needs to be deterministic.
 *
 * Residuals (physical, before scaling), with c = A_ij/h_ij, V the semiconductor volume:
 *   Poisson   F_ψ,i = Σ_j ε c (ψ_i − ψ_j) − q V (p − n) − Q_fixed,i
 *   electrons F_n,i = Σ_j μ_n V_T c g_n,ij − V R      (= Σ A J_n/q − V R; ∇·J_n = qR)
 *   holes     F_p,i = Σ_j μ_p V_T c g_p,ij + V R      (∇·J_p = −qR)
 * with g the Scharfetter–Gummel factors of kernels/physics/sg.h. At an ohmic contact node the
 * three rows become Dirichlet rows; their electron and hole residuals before that are the
 * particle currents entering the device there (terminal currents, shared PHYSICS.md §1). */
#ifndef TCAD_KERNELS_DD_H
#define TCAD_KERNELS_DD_H
#include <math.h>

#include "kernels/physics/constants.h"
#include "kernels/physics/mobility.h"
#include "kernels/physics/recombination.h"
#include "kernels/physics/sg.h"

#define TCAD_DD_BS 3
enum { TCAD_DD_EQUILIBRIUM = 0, TCAD_DD_COUPLED = 1 };
enum { TCAD_BC_NONE = 0, TCAD_BC_OHMIC = 1, TCAD_BC_GATE = 2 };

typedef struct {
  int mode;          /* TCAD_DD_EQUILIBRIUM: n, p follow ψ (Boltzmann, Fermi level efermi) */
  double efermi;     /* equilibrium mode: the Fermi potential, V (the common ohmic-contact voltage) */
  double vt;         /* kT/q, V */
  double nie;        /* intrinsic density, cm^-3 */
  int canali;        /* high-field saturation driven by the quasi-Fermi gradient */
  double vsat[2], beta[2];
  int srh, auger;
  double auger_c[2]; /* C_n, C_p, cm^6/s */
  double sv[3];      /* variable scales: ψ, n, p */
  double se[3];      /* equation scales: Poisson, electrons, holes */
} TcadDDParams;

typedef struct {
  int nnodes, nedges, nnz;
  /* edges (region-edges: an edge in two regions appears twice, once with each permittivity) */
  const int *edge_i, *edge_j;
  const double *edge_coupling, *edge_length;
  const double *edge_eps;        /* absolute permittivity of the edge's region, F/cm */
  const unsigned char *edge_semi; /* 1: semiconductor region (carries current) */
  const double *edge_mu0;        /* 2 per edge: low-field μ_n, μ_p, cm^2/Vs */
  const int *edge_base;          /* 4 per edge: bases of blocks (i,i), (i,j), (j,i), (j,j) */
  const int *node_edge_start;    /* nnodes + 1: node i's incident edges are */
  const int *node_edges;         /* node_edges[node_edge_start[i] .. [i+1]), ascending */
  /* nodes */
  const int *row_start;          /* value offset of scalar row 3i */
  const int *row_len;            /* entries per scalar row of block row i (3 × blocks) */
  const int *node_diag;          /* base of block (i,i) */
  const unsigned char *node_semi; /* 1: carriers exist here */
  const double *node_vsemi;      /* semiconductor control volume, cm^d */
  const double *node_fixed;      /* fixed charge (doping and interface charge), C (per depth^(3-d)) */
  const double *node_tau;        /* 2 per node: τ_n, τ_p, s */
  const unsigned char *node_bc;  /* TCAD_BC_* */
  const double *bc_value;        /* 3 per node: ψ, n, p (physical) imposed at contacts */
  TcadDDParams p;
} TcadDDData;

TCAD_HD void tcad_dd_jadd(double *jac, int base, int len, int r, int c, double v) { jac[base + r * len + c] += v; }

/* Quasi-Fermi potential of one carrier as the Canali driving force sees it,
 * φ = ψ ∓ V_T ln((density + n_f)/n_i), and ∂φ/∂density, with the floor n_f = 1e-2 n_i. Where
 * the carrier conducts φ is exact; far below the floor (depleted regions, where carriers are
 * generated and drift in the field) the gradient of φ becomes the field. Without a floor φ
 * swings by volts between iterates and V_T/density puts entries of 1e200 into the Jacobian.
 * Measured on the example MOSFET family: with 1e-4 n_i the densities of 1e6–1e8 cm⁻³ in the
 * drain depletion region made Newton wander near pinch-off (2e4 nodes: a 30-iteration failure
 * and a step cut at Vd = 1 V; 2e5 nodes: 22 iterations); with 1e-2 n_i none, and the
 * subthreshold current moves by 3e-4; with n_i it moves by 3 % (the driving force in the
 * weak-inversion channel, n < n_i, becomes the field, which is wrong for diffusion). */
TCAD_HD double tcad_dd_qf(double psi, double dens, double sign, const TcadDDParams *P, double *dphi)
{
  const double nf = 1e-2 * P->nie;
  const double d = (dens > 0 ? dens : 0) + nf;
  *dphi = dens > 0 ? -sign * P->vt / d : 0.0;
  return psi - sign * P->vt * log(d / P->nie);
}

/* One carrier's edge flux A J/q (particles/s per depth^(3-d)) and its derivatives with respect
 * to (ψ_i, c_i, ψ_j, c_j). carrier 0: electrons, 1: holes. `mag` (may be NULL) receives the
 * size of the two Scharfetter–Gummel terms whose difference the flux is: the scale of its
 * rounding error. */
TCAD_HD double tcad_dd_carrier_flux(const TcadDDData *D, int e, int carrier, double psi_i, double psi_j, double ci,
                                    double cj, double d[4], double *mag)
{
  const TcadDDParams *P = &D->p;
  const double c = D->edge_coupling[e], h = D->edge_length[e];
  const double delta = (psi_j - psi_i) / P->vt;
  double dg[3];
  const double g = carrier == 0 ? tcad_sg_electron(delta, ci, cj, dg) : tcad_sg_hole(delta, ci, cj, dg);
  double mu = D->edge_mu0[2 * e + carrier];
  double dmu[4] = {0, 0, 0, 0};
  if (P->canali) {
    const double sign = carrier == 0 ? 1.0 : -1.0;
    double dphii = 0, dphij = 0, dmudF, phii = psi_i, phij = psi_j;
    /* On an edge that ends at an ohmic contact the driving force is the field along the edge:
     * the contact pins the minority density to its equilibrium value, so the minority
     * quasi-Fermi level jumps across that last edge although nothing there is hot, and Canali
     * would throttle the flow into the contact (a 1 µm short diode lost 20 % of its current) */
    if (D->node_bc[D->edge_i[e]] != TCAD_BC_OHMIC && D->node_bc[D->edge_j[e]] != TCAD_BC_OHMIC)
      phii = tcad_dd_qf(psi_i, ci, sign, P, &dphii), phij = tcad_dd_qf(psi_j, cj, sign, P, &dphij);
    /* F = sqrt(G² + F0²) − F0 with G = |φ_j − φ_i|/h: the Canali factor is not smooth at
     * G = 0 for β near 1 (dμ/dG ∝ G^(β−1)), which stalls Newton where the current is nil;
     * F0 = 10 V/cm moves μ by less than 1e-3 of itself */
    const double F0 = 10.0, G = (phij - phii) / h, F = sqrt(G * G + F0 * F0) - F0;
    mu = tcad_mobility_canali(mu, F, P->vsat[carrier], P->beta[carrier], &dmudF);
    const double k = dmudF * G / (F + F0) / h; /* dμ/d(φ_j − φ_i) */
    dmu[0] = -k, dmu[1] = -k * dphii, dmu[2] = k, dmu[3] = k * dphij;
  }
  const double a = P->vt * c;
  d[0] = a * (-mu * dg[0] / P->vt + g * dmu[0]);
  d[1] = a * (mu * dg[1] + g * dmu[1]);
  d[2] = a * (mu * dg[0] / P->vt + g * dmu[2]);
  d[3] = a * (mu * dg[2] + g * dmu[3]);
  if (mag) *mag = a * mu * (fabs(dg[1] * ci) + fabs(dg[2] * cj));
  return a * mu * g;
}

/* Edge e: the fluxes F[k] of the Poisson (k = 0) and, in semiconductors in the coupled mode,
 * electron and hole (k = 1, 2) equations from node i to node j, their derivatives dF[k][m]
 * over (ψ_i, n_i, p_i, ψ_j, n_j, p_j), and M[k], the size of the terms each flux is a
 * difference of (its rounding scale). Physical units. Returns how many equations (1 or 3). */
TCAD_HD int tcad_dd_edge_eval(const TcadDDData *D, int e, const double *x, double F[3], double dF[3][6], double M[3])
{
  const TcadDDParams *P = &D->p;
  const int i = D->edge_i[e], j = D->edge_j[e];
  const double *sv = P->sv;
  const double psi_i = x[3 * i] * sv[0], psi_j = x[3 * j] * sv[0];
  for (int k = 0; k < 3; k++) {
    F[k] = M[k] = 0.0;
    for (int m = 0; m < 6; m++) dF[k][m] = 0.0;
  }
  const double ec = D->edge_eps[e] * D->edge_coupling[e];
  F[0] = ec * (psi_i - psi_j);
  dF[0][0] = ec, dF[0][3] = -ec;
  M[0] = fabs(F[0]);
  if (!(D->edge_semi[e] && P->mode == TCAD_DD_COUPLED)) return 1;
  double d[4];
  F[1] = tcad_dd_carrier_flux(D, e, 0, psi_i, psi_j, x[3 * i + 1] * sv[1], x[3 * j + 1] * sv[1], d, &M[1]);
  dF[1][0] = d[0], dF[1][1] = d[1], dF[1][3] = d[2], dF[1][4] = d[3];
  F[2] = tcad_dd_carrier_flux(D, e, 1, psi_i, psi_j, x[3 * i + 2] * sv[2], x[3 * j + 2] * sv[2], d, &M[2]);
  dF[2][0] = d[0], dF[2][2] = d[1], dF[2][3] = d[2], dF[2][5] = d[3];
  return 3;
}

/* Add edge e's fluxes to one end: side 0 adds F to node i's rows (blocks (i,i), (i,j)),
 * side 1 subtracts it from node j's (blocks (j,i), (j,j)). Scaled like the residual. */
TCAD_HD void tcad_dd_edge_add(const TcadDDData *D, int e, int side, int nk, const double F[3], const double dF[3][6],
                              const double M[3], double *f, double *jac, double *fmag)
{
  const double *sv = D->p.sv, *se = D->p.se;
  const int node = side ? D->edge_j[e] : D->edge_i[e];
  const double sg = side ? -1.0 : 1.0;
  for (int k = 0; k < nk; k++) f[3 * node + k] += sg * F[k] / se[k];
  if (fmag)
    for (int k = 0; k < nk; k++) fmag[3 * node + k] += M[k] / se[k];
  if (!jac) return;
  const int *b = D->edge_base + 4 * e;
  const int len = D->row_len[node], bi = side ? b[2] : b[0], bj = side ? b[3] : b[1];
  for (int k = 0; k < nk; k++)
    for (int m = 0; m < 3; m++) {
      const double vi = dF[k][m] * sv[m] / se[k], vj = dF[k][m + 3] * sv[m] / se[k];
      if (vi != 0.0) tcad_dd_jadd(jac, bi, len, k, m, sg * vi); /* column block i */
      if (vj != 0.0) tcad_dd_jadd(jac, bj, len, k, m, sg * vj); /* column block j */
    }
}

/* Edge e added to both ends (the host's edge loop). `fmag` (3 per node, may be NULL)
 * accumulates the term sizes (see tcad_dd_node). */
TCAD_HD void tcad_dd_edge(const TcadDDData *D, int e, const double *x, double *f, double *jac, double *fmag)
{
  double F[3], dF[3][6], M[3];
  const int nk = tcad_dd_edge_eval(D, e, x, F, dF, M);
  tcad_dd_edge_add(D, e, 0, nk, F, dF, M, f, jac, fmag);
  tcad_dd_edge_add(D, e, 1, nk, F, dF, M, f, jac, fmag);
}

/* Replace scalar row r of block row i by the Dirichlet row x_r = value/sv[r]. */
TCAD_HD void tcad_dd_dirichlet(const TcadDDData *D, int i, int r, double value, const double *x, double *f, double *jac,
                               double *fmag)
{
  f[3 * i + r] = x[3 * i + r] - value / D->p.sv[r];
  if (fmag) fmag[3 * i + r] = fabs(x[3 * i + r]) + fabs(value / D->p.sv[r]);
  if (!jac) return;
  const int len = D->row_len[i], start = D->row_start[i] + r * len;
  for (int k = 0; k < len; k++) jac[start + k] = 0.0;
  jac[D->node_diag[i] + r * len + r] = 1.0;
}

/* Node i: space charge, recombination, rows without carriers, contacts. Runs after every edge
 * of the node has been added (it reads the summed continuity residual at contacts).
 * `cflux` (2 per node, may be NULL) receives at ohmic contact nodes the electron and hole
 * particle currents entering the device, 1/s per depth^(3-d). `fmag` (may be NULL) completes
 * the term sizes of tcad_dd_edge: |a| + |b| + ... for a residual a + b + ... (scaled like f). */
TCAD_HD void tcad_dd_node(const TcadDDData *D, int i, const double *x, double *f, double *jac, double *cflux,
                          double *fmag)
{
  const TcadDDParams *P = &D->p;
  const double *sv = P->sv, *se = P->se;
  const int len = D->row_len[i], diag = D->node_diag[i];
  const double psi = x[3 * i] * sv[0];
  f[3 * i] -= D->node_fixed[i] / se[0];
  if (fmag) fmag[3 * i] += fabs(D->node_fixed[i]) / se[0];
  if (D->node_semi[i]) {
    const double qv = TCAD_Q * D->node_vsemi[i];
    if (P->mode == TCAD_DD_EQUILIBRIUM) {
      /* n, p from ψ and the Fermi potential; the n, p rows only carry them along */
      double a = (psi - P->efermi) / P->vt;
      a = a > 200.0 ? 200.0 : a < -200.0 ? -200.0 : a;
      const double n = P->nie * exp(a), p = P->nie * exp(-a);
      f[3 * i] -= qv * (p - n) / se[0];
      f[3 * i + 1] = x[3 * i + 1] - n / sv[1];
      f[3 * i + 2] = x[3 * i + 2] - p / sv[2];
      if (fmag) {
        fmag[3 * i] += qv * (p + n) / se[0];
        fmag[3 * i + 1] = fabs(x[3 * i + 1]) + n / sv[1];
        fmag[3 * i + 2] = fabs(x[3 * i + 2]) + p / sv[2];
      }
      if (jac) {
        tcad_dd_jadd(jac, diag, len, 0, 0, -qv * (-p - n) / P->vt * sv[0] / se[0]);
        tcad_dd_jadd(jac, diag, len, 1, 1, 1.0);
        tcad_dd_jadd(jac, diag, len, 1, 0, -n / P->vt * sv[0] / sv[1]);
        tcad_dd_jadd(jac, diag, len, 2, 2, 1.0);
        tcad_dd_jadd(jac, diag, len, 2, 0, p / P->vt * sv[0] / sv[2]);
      }
    } else {
      const double n = x[3 * i + 1] * sv[1], p = x[3 * i + 2] * sv[2];
      f[3 * i] -= qv * (p - n) / se[0];
      double R = 0, dn = 0, dp = 0, a, b;
      if (P->srh) R += tcad_srh(n, p, P->nie, D->node_tau[2 * i], D->node_tau[2 * i + 1], &a, &b), dn += a, dp += b;
      if (P->auger) R += tcad_auger(n, p, P->nie, P->auger_c[0], P->auger_c[1], &a, &b), dn += a, dp += b;
      const double V = D->node_vsemi[i];
      f[3 * i + 1] -= V * R / se[1];
      f[3 * i + 2] += V * R / se[2];
      if (fmag) {
        fmag[3 * i] += qv * (fabs(p) + fabs(n)) / se[0];
        fmag[3 * i + 1] += fabs(V * R) / se[1];
        fmag[3 * i + 2] += fabs(V * R) / se[2];
      }
      if (jac) {
        tcad_dd_jadd(jac, diag, len, 0, 1, qv * sv[1] / se[0]);
        tcad_dd_jadd(jac, diag, len, 0, 2, -qv * sv[2] / se[0]);
        tcad_dd_jadd(jac, diag, len, 1, 1, -V * dn * sv[1] / se[1]);
        tcad_dd_jadd(jac, diag, len, 1, 2, -V * dp * sv[2] / se[1]);
        tcad_dd_jadd(jac, diag, len, 2, 1, V * dn * sv[1] / se[2]);
        tcad_dd_jadd(jac, diag, len, 2, 2, V * dp * sv[2] / se[2]);
      }
    }
  } else {
    /* no carriers: identity rows keep the matrix uniformly blocked */
    f[3 * i + 1] = x[3 * i + 1];
    f[3 * i + 2] = x[3 * i + 2];
    if (fmag) fmag[3 * i + 1] = fabs(x[3 * i + 1]), fmag[3 * i + 2] = fabs(x[3 * i + 2]);
    if (jac) {
      tcad_dd_jadd(jac, diag, len, 1, 1, 1.0);
      tcad_dd_jadd(jac, diag, len, 2, 2, 1.0);
    }
  }
  const int bc = D->node_bc[i];
  if (bc == TCAD_BC_OHMIC) {
    if (cflux) {
      cflux[2 * i] = P->mode == TCAD_DD_COUPLED ? f[3 * i + 1] * se[1] : 0.0;
      cflux[2 * i + 1] = P->mode == TCAD_DD_COUPLED ? f[3 * i + 2] * se[2] : 0.0;
    }
    for (int r = 0; r < 3; r++) tcad_dd_dirichlet(D, i, r, D->bc_value[3 * i + r], x, f, jac, fmag);
  } else if (bc == TCAD_BC_GATE) {
    tcad_dd_dirichlet(D, i, 0, D->bc_value[3 * i], x, f, jac, fmag);
  }
}
/* Block row i alone, gathered from its incident edges (D->node_edges[node_edge_start[i] ..
 * node_edge_start[i+1]), ascending edge index) and then the node terms: what one CUDA thread
 * (or one host thread) computes. Rows of different nodes are independent, so the result does
 * not depend on scheduling; with ascending edges each row sums in the order of the edge loop
 * (tcad_dd_edge over all edges, then tcad_dd_node), so the two agree bitwise. Each edge is
 * evaluated once from each end. */
TCAD_HD void tcad_dd_row(const TcadDDData *D, int i, const double *x, double *f, double *jac, double *cflux,
                         double *fmag)
{
  for (int k = 0; k < 3; k++) f[3 * i + k] = 0.0;
  if (fmag)
    for (int k = 0; k < 3; k++) fmag[3 * i + k] = 0.0;
  if (cflux) cflux[2 * i] = cflux[2 * i + 1] = 0.0;
  if (jac)
    for (int k = D->row_start[i], end = k + 3 * D->row_len[i]; k < end; k++) jac[k] = 0.0;
  for (int k = D->node_edge_start[i]; k < D->node_edge_start[i + 1]; k++) {
    const int e = D->node_edges[k];
    double F[3], dF[3][6], M[3];
    const int nk = tcad_dd_edge_eval(D, e, x, F, dF, M);
    tcad_dd_edge_add(D, e, D->edge_i[e] == i ? 0 : 1, nk, F, dF, M, f, jac, fmag);
  }
  tcad_dd_node(D, i, x, f, jac, cflux, fmag);
}
#endif
