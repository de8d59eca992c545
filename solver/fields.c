/* Derived node fields for output: quasi-Fermi potentials, |E|, current density vectors and
 * recombination. Edge quantities (the projection of a vector on the edge) become node vectors
 * by a weighted least-squares fit over the node's edges, weight A_ij h_ij (the edge's share of
 * the control volume); for a Voronoi cell this is the exact box-method average. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"

/* Particle flux A J/q of carrier c along edge e (i → j) and, with the temperature equations on,
 * the energy flux A S (else 0): the fluxes the assembly uses. */
static double edge_fluxes(const TcadSim *s, const double *x, int e, int c, double *S)
{
  const TcadAsmData *D = &s->D;
  const double *sv = D->p.sv;
  const int bs = s->bs, i = D->edge_i[e], j = D->edge_j[e], r = 1 + c, t = tcad_asm_tindex(D, c);
  double d[6], dS[6];
  *S = 0.0;
  if (!D->p.energy || t < 0)
    return tcad_dd_carrier_flux(D, e, c, x[bs * i] * sv[0], x[bs * j] * sv[0], x[bs * i + r] * sv[r],
                                x[bs * j + r] * sv[r], d, NULL);
  const double u[6] = {x[bs * i] * sv[0], x[bs * i + r] * sv[r], x[bs * i + t] * sv[t],
                       x[bs * j] * sv[0], x[bs * j + r] * sv[r], x[bs * j + t] * sv[t]};
  return tcad_eb_carrier_flux(D, e, c, u, d, S, dS, NULL);
}

/* Accumulate w t t^T and w t v for edge e into the per-node normal equations (6 + 3 each). */
static void lsq_add(const TcadSim *s, double *M, double *b, int e, double v)
{
  const TcadGeometry *g = s->geom;
  const int i = g->edge_i[e], j = g->edge_j[e];
  const double *ci = s->mesh->coord + 3 * (size_t)i, *cj = s->mesh->coord + 3 * (size_t)j;
  const double h = g->edge_length[e], w = g->edge_area[e] * h;
  if (!(w > 0)) return;
  const double t[3] = {(cj[0] - ci[0]) / h, (cj[1] - ci[1]) / h, (cj[2] - ci[2]) / h};
  const int nd[2] = {i, j};
  for (int k = 0; k < 2; k++) {
    double *m = M + 6 * (size_t)nd[k], *bb = b + 3 * (size_t)nd[k];
    m[0] += w * t[0] * t[0], m[1] += w * t[0] * t[1], m[2] += w * t[0] * t[2];
    m[3] += w * t[1] * t[1], m[4] += w * t[1] * t[2], m[5] += w * t[2] * t[2];
    for (int a = 0; a < 3; a++) bb[a] += w * t[a] * v;
  }
}

/* Solve the symmetric 3×3 (or smaller, by dimension) normal equations per node. */
static void lsq_solve(int dim, const double *m, const double *b, double *out)
{
  out[0] = out[1] = out[2] = 0;
  if (dim == 1) {
    if (m[0] > 0) out[0] = b[0] / m[0];
    return;
  }
  if (dim == 2) {
    const double det = m[0] * m[3] - m[1] * m[1];
    if (fabs(det) <= 1e-12 * (m[0] * m[3])) return;
    out[0] = (m[3] * b[0] - m[1] * b[1]) / det;
    out[1] = (m[0] * b[1] - m[1] * b[0]) / det;
    return;
  }
  const double a11 = m[0], a12 = m[1], a13 = m[2], a22 = m[3], a23 = m[4], a33 = m[5];
  const double c11 = a22 * a33 - a23 * a23, c12 = a13 * a23 - a12 * a33, c13 = a12 * a23 - a13 * a22;
  const double det = a11 * c11 + a12 * c12 + a13 * c13;
  if (fabs(det) <= 1e-12 * fabs(a11 * a22 * a33)) return;
  const double c22 = a11 * a33 - a13 * a13, c23 = a12 * a13 - a11 * a23, c33 = a11 * a22 - a12 * a12;
  out[0] = (c11 * b[0] + c12 * b[1] + c13 * b[2]) / det;
  out[1] = (c12 * b[0] + c22 * b[1] + c23 * b[2]) / det;
  out[2] = (c13 * b[0] + c23 * b[1] + c33 * b[2]) / det;
}

/* Node vectors of edge quantities: q 0: E (all edges), 1, 2: J_n, J_p, 3, 4: S_n, S_p
 * (semiconductor edges); outs[q] may be NULL. E is stored as |E| (one per node). */
static int edge_vectors(const TcadSim *s, double *const outs[5])
{
  const int n = s->nnodes, bs = s->bs;
  const TcadGeometry *g = s->geom;
  const double *x = TcadSimGetState((TcadSim *)s), *sv = s->D.p.sv;
  double *M = calloc(6 * (size_t)n, sizeof(double)), *B = calloc(3 * (size_t)n, sizeof(double));
  if (!M || !B) {
    free(M), free(B);
    return tcad_error(TCAD_ERR_MEM, "out of memory for derived fields");
  }
  for (int q = 0; q < 5; q++) {
    if (!outs[q]) continue;
    memset(M, 0, 6 * (size_t)n * sizeof(double));
    memset(B, 0, 3 * (size_t)n * sizeof(double));
    for (int e = 0; e < g->nedges; e++) {
      const int i = g->edge_i[e], j = g->edge_j[e];
      double v, S;
      if (q == 0)
        v = -(x[bs * j] - x[bs * i]) * sv[0] / g->edge_length[e];
      else if (!s->D.edge_semi[e] || !(g->edge_area[e] > 0))
        continue;
      else {
        const double flux = edge_fluxes(s, x, e, (q - 1) % 2, &S);
        v = (q < 3 ? TCAD_Q * flux : S) / g->edge_area[e]; /* A/cm^2 or W/cm^2 along i→j */
      }
      lsq_add(s, M, B, e, v);
    }
    for (int i = 0; i < n; i++) {
      double vec[3];
      lsq_solve(s->dim, M + 6 * (size_t)i, B + 3 * (size_t)i, vec);
      if (q == 0)
        outs[0][i] = sqrt(vec[0] * vec[0] + vec[1] * vec[1] + vec[2] * vec[2]);
      else
        memcpy(outs[q] + 3 * (size_t)i, vec, sizeof vec);
    }
  }
  free(M), free(B);
  return 0;
}

int TcadSimGetDerivedFields(const TcadSim *s, double *phin, double *phip, double *efield, double *jn, double *jp,
                            double *recomb)
{
  const int n = s->nnodes, bs = s->bs;
  const TcadAsmData *D = &s->D;
  const double *x = TcadSimGetState((TcadSim *)s), *sv = D->p.sv;
  for (int i = 0; i < n; i++) {
    const double psi = x[bs * i] * sv[0], en = x[bs * i + 1] * sv[1], hp = x[bs * i + 2] * sv[2];
    const int semi = D->node_semi[i] && en > 0 && hp > 0;
    double d;
    if (phin) phin[i] = semi ? tcad_quasi_fermi(psi, en, 1.0, s->vt, s->nie, 0.0, &d) : 0.0;
    if (phip) phip[i] = semi ? tcad_quasi_fermi(psi, hp, -1.0, s->vt, s->nie, 0.0, &d) : 0.0;
    if (recomb) {
      double dn, dp;
      recomb[i] = D->node_semi[i]
                      ? tcad_recombination_net(&D->p.rec, en, hp, D->node_tau[2 * i], D->node_tau[2 * i + 1], &dn, &dp)
                      : 0.0;
    }
  }
  double *const outs[5] = {efield, jn, jp, NULL, NULL};
  TCAD_RETURN(edge_vectors(s, outs));
}

int TcadSimGetEnergyFields(const TcadSim *s, double *tn, double *tp, double *vn, double *vp, double *sn, double *sp)
{
  const int n = s->nnodes, bs = s->bs;
  const double *x = TcadSimGetState((TcadSim *)s), *sv = s->D.p.sv;
  const int tin = tcad_asm_tindex(&s->D, 0), tip = tcad_asm_tindex(&s->D, 1);
  for (int i = 0; i < n; i++) {
    if (tn) tn[i] = tin >= 0 ? x[bs * i + tin] * sv[tin] : s->T;
    if (tp) tp[i] = tip >= 0 ? x[bs * i + tip] * sv[tip] : s->T;
  }
  double *const outs[5] = {NULL, vn, vp, sn, sp}; /* current densities first */
  TCAD_CALL(edge_vectors(s, outs));
  /* v = ∓J/(q c): electrons move against their current */
  for (int i = 0; i < n; i++)
    for (int k = 0; k < 3; k++) {
      const int semi = s->D.node_semi[i];
      const double en = x[bs * i + 1] * sv[1], hp = x[bs * i + 2] * sv[2];
      if (vn) vn[3 * i + k] = semi ? tcad_carrier_velocity(0, vn[3 * i + k], en) : 0.0;
      if (vp) vp[3 * i + k] = semi ? tcad_carrier_velocity(1, vp[3 * i + k], hp) : 0.0;
    }
  return 0;
}

int TcadSimGetEnergyBudget(const TcadSim *s, double joule[2], double relax[2], double recomb[2], double contacts[2])
{
  const TcadAsmData *D = &s->D;
  const TcadAsmParams *P = &D->p;
  const TcadGeometry *g = s->geom;
  const int bs = s->bs;
  const double *x = TcadSimGetState((TcadSim *)s), *sv = P->sv;
  for (int c = 0; c < 2; c++) joule[c] = relax[c] = recomb[c] = contacts[c] = 0.0;
  /* the edge's electrical power is minus the two Joule shares the energy rows receive */
  for (int e = 0; e < g->nedges; e++) {
    if (!D->edge_semi[e]) continue;
    const int i = g->edge_i[e], j = g->edge_j[e];
    const double dpsi = x[bs * i] * sv[0] - x[bs * j] * sv[0];
    for (int c = 0; c < 2; c++) {
      double S;
      double dh;
      joule[c] -= 2.0 * tcad_eb_joule_share(edge_fluxes(s, x, e, c, &S), dpsi);
      if (P->energy && tcad_asm_tindex(D, c) >= 0)
        joule[c] -= 2.0 * tcad_asm_floor_heat(D, e, c, dpsi, &dh); /* the floor's heating (kernels/asm.h) */
    }
    if (P->energy && P->impact && P->mode == TCAD_ASM_COUPLED) { /* the energy impact-generated pairs take */
      TcadAsmEdge E;
      tcad_asm_edge_eval(D, bs, e, x, &E);
      for (int c = 0; c < 2; c++)
        for (int side = 0; side < 2; side++) recomb[c] += tcad_asm_gen_energy(&E, c, side);
    }
  }
  for (int i = 0; i < s->nnodes; i++) {
    if (!D->node_semi[i] || !P->energy) continue;
    const double n = x[bs * i + 1] * sv[1], p = x[bs * i + 2] * sv[2], V = D->node_vsemi[i];
    double dn, dp, d[2], dT, dR;
    const double R = tcad_recombination_net(&P->rec, n, p, D->node_tau[2 * i], D->node_tau[2 * i + 1], &dn, &dp);
    for (int c = 0; c < 2; c++) {
      const int t = tcad_asm_tindex(D, c);
      if (t < 0) continue;
      const double T = x[bs * i + t] * sv[t];
      relax[c] += tcad_eb_relaxation(V, c ? p : n, P->relax_floor * P->nie, T, P->TL, P->tauw[c], P->tauw_t1[c],
                                     P->tauw_t2[c], d, NULL);
      recomb[c] += tcad_eb_recombination_energy(V, T, R, &dT, &dR);
    }
  }
  for (int k = 0; k < s->ncontacts; k++)
    for (int c = 0; c < 2; c++) contacts[c] += s->contacts[k].energy[c];
  return 0;
}

int TcadSimGetImpactGeneration(const TcadSim *s, double *gn, double *gp, double *current)
{
  const TcadAsmData *D = &s->D;
  const int n = s->nnodes;
  const double *x = TcadSimGetState((TcadSim *)s);
  double total = 0.0;
  if (gn) memset(gn, 0, sizeof(double) * (size_t)n);
  if (gp) memset(gp, 0, sizeof(double) * (size_t)n);
  if (D->p.impact && D->p.mode == TCAD_ASM_COUPLED)
    for (int e = 0; e < D->nedges; e++) {
      if (!D->edge_semi[e]) continue;
      TcadAsmEdge E; /* the assembly's own edge evaluation: the rates the residual holds */
      tcad_asm_edge_eval(D, s->bs, e, x, &E);
      const int nd[2] = {D->edge_i[e], D->edge_j[e]};
      for (int k = 0; k < 2; k++) {
        if (gn) gn[nd[k]] += E.Gc[0];
        if (gp) gp[nd[k]] += E.Gc[1];
      }
      total += 2.0 * E.G;
    }
  for (int i = 0; i < n; i++) {
    const double V = D->node_vsemi[i];
    if (gn) gn[i] = V > 0 ? gn[i] / V : 0.0;
    if (gp) gp[i] = V > 0 ? gp[i] / V : 0.0;
  }
  if (current) *current = TCAD_Q * total;
  return 0;
}
