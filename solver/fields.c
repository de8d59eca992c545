/* Derived node fields for output: quasi-Fermi potentials, |E|, current density vectors and
 * recombination. Edge quantities (the projection of a vector on the edge) become node vectors
 * by a weighted least-squares fit over the node's edges, weight A_ij h_ij (the edge's share of
 * the control volume); for a Voronoi cell this is the exact box-method average. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"

void TcadSimGetSolution(const TcadSim *s, double *psi, double *n, double *p)
{
  const double *x = TcadSimState((TcadSim *)s), *sv = s->D.p.sv;
  for (int i = 0; i < s->nnodes; i++) {
    if (psi) psi[i] = x[3 * i] * sv[0];
    if (n) n[i] = x[3 * i + 1] * sv[1];
    if (p) p[i] = x[3 * i + 2] * sv[2];
  }
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

int TcadSimDerivedFields(const TcadSim *s, double *phin, double *phip, double *efield, double *jn, double *jp,
                         double *recomb)
{
  const int n = s->nnodes;
  const TcadGeometry *g = s->geom;
  const TcadDDData *D = &s->D;
  const double *x = TcadSimState((TcadSim *)s), *sv = D->p.sv;
  for (int i = 0; i < n; i++) {
    const double psi = x[3 * i] * sv[0], en = x[3 * i + 1] * sv[1], hp = x[3 * i + 2] * sv[2];
    const int semi = s->node_semi[i] && en > 0 && hp > 0;
    if (phin) phin[i] = semi ? psi - s->vt * log(en / s->nie) : 0.0;
    if (phip) phip[i] = semi ? psi + s->vt * log(hp / s->nie) : 0.0;
    if (recomb) {
      double r = 0, a, b;
      if (s->node_semi[i] && D->p.srh) r += tcad_srh(en, hp, s->nie, s->node_tau[2 * i], s->node_tau[2 * i + 1], &a, &b);
      if (s->node_semi[i] && D->p.auger) r += tcad_auger(en, hp, s->nie, D->p.auger_c[0], D->p.auger_c[1], &a, &b);
      recomb[i] = r;
    }
  }
  double *M = calloc(6 * (size_t)n, sizeof(double)), *B = calloc(3 * (size_t)n, sizeof(double));
  if (!M || !B) {
    free(M), free(B);
    return tcad_error(TCAD_ERR_MEM, "out of memory for derived fields");
  }
  /* 0: E (all edges), 1: J_n, 2: J_p (semiconductor edges) */
  double *outs[3] = {efield, jn, jp};
  for (int q = 0; q < 3; q++) {
    if (!outs[q]) continue;
    memset(M, 0, 6 * (size_t)n * sizeof(double));
    memset(B, 0, 3 * (size_t)n * sizeof(double));
    for (int e = 0; e < g->nedges; e++) {
      const int i = g->edge_i[e], j = g->edge_j[e];
      const double psi_i = x[3 * i] * sv[0], psi_j = x[3 * j] * sv[0];
      double v, d[4];
      if (q == 0) v = -(psi_j - psi_i) / g->edge_length[e];
      else if (!s->edge_semi[e] || !(g->edge_area[e] > 0)) continue;
      else {
        const double flux = tcad_dd_carrier_flux(D, e, q - 1, psi_i, psi_j, x[3 * i + q] * sv[q], x[3 * j + q] * sv[q], d, NULL);
        v = TCAD_Q * flux / g->edge_area[e]; /* A/cm^2 along i→j */
      }
      lsq_add(s, M, B, e, v);
    }
    for (int i = 0; i < n; i++) {
      double vec[3];
      lsq_solve(s->dim, M + 6 * (size_t)i, B + 3 * (size_t)i, vec);
      if (q == 0) efield[i] = sqrt(vec[0] * vec[0] + vec[1] * vec[1] + vec[2] * vec[2]);
      else memcpy(outs[q] + 3 * (size_t)i, vec, sizeof vec);
    }
  }
  free(M), free(B);
  return 0;
}
