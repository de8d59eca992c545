/* Ionization integrals on a solution (shared PHYSICS.md §4, breakdown voltage (a)): along paths
 * that follow the field from the nodes of highest field, the electron- and hole-initiated
 * integrals
 *   I_n = ∫₀^W α_n exp(−∫₀ˣ (α_n − α_p) dx′) dx,   I_p = ∫₀^W α_p exp(−∫ₓ^W (α_p − α_n) dx′) dx,
 * with x running the way electrons drift (towards higher ψ); avalanche breakdown is where they
 * reach 1 (1 − 1/M of carriers entering the path at its ends). α is the assembly's (the deck's
 * model and parameters, kernels/physics/impact.h) at the local field |E|.
 *
 * A path is a chain of mesh edges from the start node: up the potential, each step to the
 * neighbour of steepest rise (ψ_j − ψ_i)/h_ij, and down it by steepest fall, until no neighbour
 * rises (falls) or a contact is reached. Along a field line dψ = |E| dl, so each step's length is
 * taken as Δψ/|E|, |E| the mean of the node fields (the box-method fit of TcadSimGetDerivedFields):
 * the integral is that along the field line through the path's nodes, whichever way the mesh
 * edges zig-zag around it. The integrals use the trapezoidal rule in that length. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"

#define TCAD_II_MAX_STARTS 256

/* The neighbour of steepest rise (dir +1) or fall (−1) of ψ from node i along a semiconductor
 * edge, or −1 where none rises (falls). */
static int steepest(const TcadSim *s, const double *psi, int i, int dir)
{
  const TcadAsmData *D = &s->D;
  int best = -1;
  double slope = 0.0;
  for (int k = D->node_edge_start[i]; k < D->node_edge_start[i + 1]; k++) {
    const int e = D->node_edges[k];
    if (!D->edge_semi[e]) continue;
    const int j = D->edge_i[e] == i ? D->edge_j[e] : D->edge_i[e];
    const double sl = dir * (psi[j] - psi[i]) / D->edge_length[e];
    if (sl > slope) slope = sl, best = j;
  }
  return best;
}

/* Follow the steepest rise (next = up) or fall (next = down) from node i into path[], return its
 * length; next[] holds each node's steepest neighbour, −2 until computed (the paths of a
 * depletion region share most of their nodes). */
static int follow(const TcadSim *s, const double *psi, int i, int dir, int *next, int *path, int cap)
{
  int m = 0;
  for (;;) {
    if (m >= cap) break;
    path[m++] = i;
    if (m > 1 && s->node_contact[i] >= 0) break;
    if (next[i] == -2) next[i] = steepest(s, psi, i, dir);
    if (next[i] < 0) break;
    i = next[i];
  }
  return m;
}

/* The two integrals along path[0..m) (ψ rising along it); an, ap: α_n, α_p at each node. */
static void integrate(const double *psi, const double *ef, const double *an, const double *ap, const int *path, int m,
                      double *In, double *Ip)
{
  /* K(x) = ∫₀ˣ (α_n − α_p); I_n = ∫ α_n e^{−K}; I_p = ∫ α_p e^{K(W) − K(x)} (so that
   * I_n − 1 = e^{−K(W)} (I_p − 1): both reach 1 together) */
  double K = 0.0, w0 = 1.0, sum_n = 0.0, sum_p = 0.0; /* w0 = e^{−K} at the step's start */
  for (int k = 0; k + 1 < m; k++) {
    const int a = path[k], b = path[k + 1];
    const double Em = 0.5 * (ef[a] + ef[b]);
    const double dl = Em > 0 ? (psi[b] - psi[a]) / Em : 0.0;
    const double dK = 0.5 * dl * ((an[a] - ap[a]) + (an[b] - ap[b])), w1 = w0 * exp(-dK);
    sum_n += 0.5 * dl * (an[a] * w0 + an[b] * w1);
    sum_p += 0.5 * dl * (ap[a] * w0 + ap[b] * w1);
    K += dK, w0 = w1;
  }
  *In = sum_n;
  *Ip = sum_p * exp(K);
}

int TcadSimGetIonizationIntegrals(const TcadSim *s, double *In, double *Ip, int *start)
{
  const int n = s->nnodes;
  double *psi = NULL, *ef = NULL, *an = NULL, *ap = NULL;
  int *order = NULL, *up = NULL, *down = NULL, *path = NULL, *nup = NULL, *ndown = NULL, e = 0;
  *In = *Ip = 0.0;
  if (start) *start = -1;
  TCAD_ALLOC_GOTO(e, psi, n, done);
  TCAD_ALLOC_GOTO(e, ef, n, done);
  TCAD_ALLOC_GOTO(e, an, n, done);
  TCAD_ALLOC_GOTO(e, ap, n, done);
  TCAD_ALLOC_GOTO(e, up, n, done);
  TCAD_ALLOC_GOTO(e, down, n, done);
  TCAD_ALLOC_GOTO(e, nup, n, done);
  TCAD_ALLOC_GOTO(e, ndown, n, done);
  for (int i = 0; i < n; i++) nup[i] = ndown[i] = -2;
  TCAD_ALLOC_GOTO(e, path, 2 * (size_t)n, done);
  TCAD_ALLOC_GOTO(e, order, TCAD_II_MAX_STARTS, done);
  TcadSimGetSolution(s, psi, NULL, NULL);
  TCAD_CALL_GOTO(e, TcadSimGetDerivedFields(s, NULL, NULL, ef, NULL, NULL, NULL), done);
  /* the start nodes: the highest fields in the semiconductor (at most TCAD_II_MAX_STARTS, at
   * least half the maximum), by a partial selection */
  double emax = 0.0;
  for (int i = 0; i < n; i++)
    if (s->D.node_semi[i]) emax = fmax(emax, ef[i]);
  if (!(emax > 0)) goto done;
  /* α at each node once: a path visits hundreds of nodes, and the paths of a depletion region
   * mostly share them */
  {
    const TcadAsmParams *P = &s->D.p;
    double d;
    for (int i = 0; i < n; i++)
      an[i] = tcad_impact_alpha(&P->ii[0], ef[i], &d), ap[i] = tcad_impact_alpha(&P->ii[1], ef[i], &d);
  }
  int ns = 0;
  for (int i = 0; i < n; i++) {
    if (!s->D.node_semi[i] || ef[i] < 0.5 * emax) continue;
    if (ns < TCAD_II_MAX_STARTS) {
      order[ns++] = i;
      continue;
    }
    int low = 0;
    for (int k = 1; k < ns; k++)
      if (ef[order[k]] < ef[order[low]]) low = k;
    if (ef[i] > ef[order[low]]) order[low] = i;
  }
  for (int k = 0; k < ns; k++) {
    const int i0 = order[k];
    const int mu = follow(s, psi, i0, +1, nup, up, n), md = follow(s, psi, i0, -1, ndown, down, n);
    int m = 0;
    for (int q = md - 1; q >= 1; q--) path[m++] = down[q]; /* lowest ψ first */
    for (int q = 0; q < mu; q++) path[m++] = up[q];
    double a, b;
    integrate(psi, ef, an, ap, path, m, &a, &b);
    if (fmax(a, b) > fmax(*In, *Ip)) {
      *In = a, *Ip = b;
      if (start) *start = i0;
    }
  }
done:
  free(psi), free(ef), free(an), free(ap), free(order), free(up), free(down), free(path), free(nup), free(ndown);
  return e;
}
