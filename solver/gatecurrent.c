/* The hot-carrier gate current (physics.hot_carrier; docs/deck.md `reliability.injection`,
 * docs/physics.md): the carriers that surmount the semiconductor/insulator barrier and reach a
 * gate, per bias point (IV column I_g_hot) and along the interface (node field
 * hot_carrier_injection, A/cm²). The probabilities are kernels/physics/hotcarrier.h's.
 *
 * Lucky electron: every semiconductor edge sends, from each end, ½ h |A J_c/q| P(F_c) e^(−d/λ)
 * T_ox carriers per second into the gate: the same edge current and driving force F_c as the
 * impact ionization of the residual (tcad_asm_edge_drive), d the distance from that end to the
 * nearest interface point, whose interface nodes receive it (split by the point's barycentric
 * weights); the barrier φ and the insulator transmission T_ox are those of the receiving node's
 * insulator field. Fiegna: each interface node injects q c v(F_eff) T_ox per area, c its carrier
 * density and F_eff the effective field of its carrier temperature.
 *
 * The insulator field of an interface node is (ψ_gate − ψ)/t_ox toward the nearest gate face,
 * t_ox the distance to it: the field of a planar gate stack. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/asm.h"
#include "kernels/physics/hotcarrier.h"
#include "kernels/physics/impact.h"
#include "solver/sim_internal.h"
#include "tcad/clock.h"
#include "tcad/error.h"

struct TcadGateInjection {
  int model, carriers;
  int nif;                       /* interface nodes */
  int *if_node;                  /* their mesh nodes */
  double *if_area;               /* area share, cm^(d−1) (1 in 1D) */
  double *if_tox;                /* distance to the nearest gate face, cm (INFINITY: no gate) */
  int *if_gate;                  /* a node of that gate (its potential) */
  int *near_k;                   /* per mesh node, 3 interface indices of its nearest face (−1: none) */
  double *near_w, *near_d;       /* their weights, and the distance (INFINITY beyond the cutoff) */
  double *inj, *phi[2], *pox[2]; /* per interface node: injection, barrier, transmission */
  int point;                     /* the point inj holds (s->npoints; −1: none) */
};

void tcad_sim_gate_free(TcadSim *s)
{
  TcadGateInjection *g = s->inj;
  if (!g) return;
  free(g->if_node), free(g->if_area), free(g->if_tox), free(g->if_gate);
  free(g->near_k), free(g->near_w), free(g->near_d);
  free(g->inj);
  for (int c = 0; c < 2; c++) free(g->phi[c]), free(g->pox[c]);
  free(g);
  s->inj = NULL;
}

/* The point of the simplex v[0..nv) (nv = 1, 2 or 3 points in 3D) nearest to p: its distance,
 * and the barycentric weights of that point in w. */
static double closest(const double *p, const double *const *v, int nv, double *w)
{
  double d2;
  w[0] = 1.0, w[1] = w[2] = 0.0;
  if (nv == 1) {
    d2 = 0.0;
    for (int k = 0; k < 3; k++) d2 += (p[k] - v[0][k]) * (p[k] - v[0][k]);
    return sqrt(d2);
  }
  if (nv == 2) {
    double ab[3], ap[3], l2 = 0.0, t = 0.0;
    for (int k = 0; k < 3; k++) ab[k] = v[1][k] - v[0][k], ap[k] = p[k] - v[0][k], l2 += ab[k] * ab[k];
    for (int k = 0; k < 3; k++) t += ap[k] * ab[k];
    t = l2 > 0 ? fmin(1.0, fmax(0.0, t / l2)) : 0.0;
    d2 = 0.0;
    for (int k = 0; k < 3; k++) d2 += (ap[k] - t * ab[k]) * (ap[k] - t * ab[k]);
    w[0] = 1.0 - t, w[1] = t;
    return sqrt(d2);
  }
  /* a triangle: the projection when it lies inside, else the nearest of the three sides */
  double e1[3], e2[3], ap[3], a = 0, b = 0, c = 0, d = 0, e = 0;
  for (int k = 0; k < 3; k++) e1[k] = v[1][k] - v[0][k], e2[k] = v[2][k] - v[0][k], ap[k] = p[k] - v[0][k];
  for (int k = 0; k < 3; k++)
    a += e1[k] * e1[k], b += e1[k] * e2[k], c += e2[k] * e2[k], d += ap[k] * e1[k], e += ap[k] * e2[k];
  const double det = a * c - b * b;
  if (det > 0) {
    const double u = (c * d - b * e) / det, t = (a * e - b * d) / det;
    if (u >= 0 && t >= 0 && u + t <= 1) {
      d2 = 0.0;
      for (int k = 0; k < 3; k++) {
        const double r = ap[k] - u * e1[k] - t * e2[k];
        d2 += r * r;
      }
      w[0] = 1.0 - u - t, w[1] = u, w[2] = t;
      return sqrt(d2);
    }
  }
  double best = INFINITY;
  for (int s = 0; s < 3; s++) {
    const double *seg[2] = {v[s], v[(s + 1) % 3]};
    double ws[3];
    const double ds = closest(p, seg, 2, ws);
    if (ds < best) {
      best = ds;
      w[0] = w[1] = w[2] = 0.0;
      w[s] = ws[0], w[(s + 1) % 3] = ws[1];
    }
  }
  return best;
}

/* For the sweep over faces by their smallest x: a face's index and the x range it spans. */
typedef struct {
  double lo, hi;
  int f;
} FaceSpan;

static int cmp_span(const void *a, const void *b)
{
  const double x = ((const FaceSpan *)a)->lo, y = ((const FaceSpan *)b)->lo;
  return (x > y) - (x < y);
}

int tcad_sim_gate_setup(TcadSim *s)
{
  const TcadDeck *d = s->deck;
  const TcadReliabilitySpec *r = &d->reliability;
  tcad_sim_gate_free(s);
  if (d->physics.hot_carrier == TCAD_HC_NONE) return 0;
  if (d->physics.hot_carrier == TCAD_HC_FIEGNA && s->bs <= 3)
    return tcad_error(TCAD_ERR_INPUT,
                      "%s: 'hot_carrier: fiegna' is driven by the carrier temperature, and this run is "
                      "drift-diffusion; use hot_carrier: auto (lucky-electron in drift-diffusion)",
                      TcadDeckGetLocation(d, d->physics.loc_hot_carrier));
  const TcadMesh *m = s->mesh;
  const int dim = m->dim, nn = m->nnodes;
  int *faces = NULL, nf = 0, e = 0;
  FaceSpan *span = NULL;
  TCAD_CALL(TcadMeshGetKindInterfaceFaces(m, TCAD_MAT_SEMICONDUCTOR, TCAD_MAT_INSULATOR, &nf, &faces));
  int ngate = 0;
  for (int c = 0; c < s->ncontacts; c++) ngate += s->contacts[c].type == TCAD_CONTACT_GATE;
  if (nf == 0 || ngate == 0) {
    free(faces);
    return tcad_error(TCAD_ERR_INPUT,
                      "%s: physics.hot_carrier needs a gate over a semiconductor/insulator interface, and the "
                      "device has %s; remove hot_carrier, or add %s",
                      TcadDeckGetLocation(d, d->physics.loc_hot_carrier), nf == 0 ? "no such interface" : "no gate",
                      nf == 0 ? "an insulator region on the semiconductor" : "a contact of type gate");
  }
  TcadGateInjection *g = calloc(1, sizeof *g);
  if (!g) {
    free(faces);
    return tcad_error(TCAD_ERR_MEM, "out of memory for the gate injection");
  }
  s->inj = g;
  g->point = -1;
  g->model = d->physics.hot_carrier == TCAD_HC_AUTO ? (s->bs > 3 ? TCAD_HC_FIEGNA : TCAD_HC_LUCKY)
                                                    : (int)d->physics.hot_carrier;
  g->carriers = r->inj_carriers;
  /* the interface nodes and their area shares */
  int *idx = NULL;
  TCAD_ALLOC_GOTO(e, idx, nn, fail);
  for (int i = 0; i < nn; i++) idx[i] = -1;
  for (int k = 0; k < nf; k++)
    for (int v = 0; v < dim; v++)
      if (idx[faces[dim * k + v]] < 0) idx[faces[dim * k + v]] = g->nif++;
  TCAD_ALLOC_GOTO(e, g->if_node, g->nif, fail);
  TCAD_ALLOC_GOTO(e, g->if_area, g->nif, fail);
  TCAD_ALLOC_GOTO(e, g->if_tox, g->nif, fail);
  TCAD_ALLOC_GOTO(e, g->if_gate, g->nif, fail);
  TCAD_ALLOC_GOTO(e, g->inj, g->nif, fail);
  for (int c = 0; c < 2; c++) {
    TCAD_ALLOC_GOTO(e, g->phi[c], g->nif, fail);
    TCAD_ALLOC_GOTO(e, g->pox[c], g->nif, fail);
  }
  for (int i = 0; i < nn; i++)
    if (idx[i] >= 0) g->if_node[idx[i]] = i, g->if_area[idx[i]] = 0.0;
  for (int k = 0; k < nf; k++) {
    const double a = TcadMeshFaceMeasure(m, faces + dim * k) / dim;
    for (int q = 0; q < dim; q++) g->if_area[idx[faces[dim * k + q]]] += a;
  }
  /* the oxide thickness: the distance to the nearest gate face */
  for (int k = 0; k < g->nif; k++) {
    const double *p = m->coord + 3 * (size_t)g->if_node[k];
    g->if_tox[k] = INFINITY, g->if_gate[k] = -1;
    for (int c = 0; c < s->ncontacts; c++) {
      if (s->contacts[c].type != TCAD_CONTACT_GATE) continue;
      const TcadMeshContact *mc = &m->contacts[s->contacts[c].mesh_index];
      for (int f = 0; f < mc->nfaces; f++) {
        const double *v[3] = {NULL, NULL, NULL};
        double w[3];
        for (int q = 0; q < dim; q++) v[q] = m->coord + 3 * (size_t)mc->face_node[(size_t)f * dim + q];
        const double t = closest(p, v, dim, w);
        if (t < g->if_tox[k]) g->if_tox[k] = t, g->if_gate[k] = mc->face_node[(size_t)f * dim];
      }
    }
  }
  /* each node's nearest interface point within the cutoff, by a sweep over the faces sorted by
   * their smallest x */
  const double lmax = fmax(r->inj_carriers & 1 ? r->inj_lambda[0] : 0.0, r->inj_carriers & 2 ? r->inj_lambda[1] : 0.0);
  const double cut = g->model == TCAD_HC_LUCKY ? 40.0 * lmax : 0.0; /* e^−40: nothing left */
  TCAD_ALLOC_GOTO(e, g->near_k, 3 * (size_t)nn, fail);
  TCAD_ALLOC_GOTO(e, g->near_w, 3 * (size_t)nn, fail);
  TCAD_ALLOC_GOTO(e, g->near_d, nn, fail);
  TCAD_ALLOC_GOTO(e, span, nf, fail);
  double wmax = 0.0;
  for (int k = 0; k < nf; k++) {
    span[k].f = k, span[k].lo = INFINITY, span[k].hi = -INFINITY;
    for (int q = 0; q < dim; q++) {
      const double x = m->coord[3 * (size_t)faces[dim * k + q]];
      span[k].lo = fmin(span[k].lo, x), span[k].hi = fmax(span[k].hi, x);
    }
    wmax = fmax(wmax, span[k].hi - span[k].lo);
  }
  qsort(span, (size_t)nf, sizeof *span, cmp_span);
  for (int i = 0; i < nn; i++) {
    g->near_d[i] = INFINITY;
    for (int q = 0; q < 3; q++) g->near_k[3 * i + q] = -1, g->near_w[3 * i + q] = 0.0;
    if (!(s->D.node_vsemi[i] > 0)) continue;
    const double *p = m->coord + 3 * (size_t)i;
    if (idx[i] >= 0) { /* on the interface itself */
      g->near_d[i] = 0.0, g->near_k[3 * i] = idx[i], g->near_w[3 * i] = 1.0;
      continue;
    }
    if (!(cut > 0)) continue;
    /* the first face whose lo ≥ x − cut − wmax */
    int a = 0, b = nf;
    while (a < b) {
      const int mid = (a + b) / 2;
      if (span[mid].lo < p[0] - cut - wmax)
        a = mid + 1;
      else
        b = mid;
    }
    for (int k = a; k < nf && span[k].lo <= p[0] + cut; k++) {
      if (span[k].hi < p[0] - cut) continue;
      const int *f = faces + dim * span[k].f;
      const double *v[3] = {NULL, NULL, NULL};
      double w[3];
      for (int q = 0; q < dim; q++) v[q] = m->coord + 3 * (size_t)f[q];
      const double t = closest(p, v, dim, w);
      if (t <= cut && t < g->near_d[i]) {
        g->near_d[i] = t;
        for (int q = 0; q < 3; q++) g->near_k[3 * i + q] = q < dim ? idx[f[q]] : -1, g->near_w[3 * i + q] = w[q];
      }
    }
  }
fail:
  free(idx), free(faces), free(span);
  if (e) tcad_sim_gate_free(s);
  return e;
}

/* The barrier and insulator transmission of each interface node for carrier c (0 electrons,
 * 1 holes) at the present state. */
static void barriers(TcadSim *s, int c)
{
  TcadGateInjection *g = s->inj;
  const TcadReliabilitySpec *r = &s->deck->reliability;
  const double *x = TcadSimGetState(s), sv = s->D.p.sv[0];
  for (int k = 0; k < g->nif; k++) {
    if (g->if_gate[k] < 0 || !(g->if_tox[k] > 0)) {
      g->phi[c][k] = INFINITY, g->pox[c][k] = 0.0;
      continue;
    }
    const double eox = (x[s->bs * g->if_gate[k]] - x[s->bs * g->if_node[k]]) * sv / g->if_tox[k];
    g->phi[c][k] = tcad_hc_barrier(r->inj_phi[c], r->inj_beta, r->inj_alpha, c == 0 ? eox : -eox, g->if_tox[k],
                                   r->inj_lambda_ox, &g->pox[c][k]);
  }
}

double tcad_sim_gate_current(TcadSim *s)
{
  TcadGateInjection *g = s->inj;
  if (!g) return NAN;
  const double t0 = tcad_now();
  const TcadReliabilitySpec *r = &s->deck->reliability;
  const TcadAsmData *D = &s->D;
  const double *x = TcadSimGetState(s);
  const int bs = s->bs;
  memset(g->inj, 0, sizeof(double) * (size_t)g->nif);
  int lucky = 0;
  for (int c = 0; c < 2; c++) {
    if (!(g->carriers & (1 << c))) continue;
    barriers(s, c);
    if (g->model != TCAD_HC_FIEGNA) {
      lucky = 1;
      continue;
    }
    /* Fiegna: at the interface nodes, from their carrier temperature */
    const int t = 3 + c, rr = 1 + c;
    if (t >= bs) continue; /* no temperature of this carrier: T = T_L, nothing injected */
    for (int k = 0; k < g->nif; k++) {
      const int i = g->if_node[k];
      double dF;
      const double T = x[bs * i + t] * D->p.sv[t], dens = x[bs * i + rr] * D->p.sv[rr];
      const double F = tcad_impact_field_from_temperature(T, D->p.TL, r->inj_le, 1.0, 0.0, &dF);
      g->inj[k] +=
          TCAD_Q * dens * tcad_fiegna_velocity(r->inj_a, r->inj_chi, F, g->phi[c][k]) * g->pox[c][k] * g->if_area[k];
    }
  }
  /* lucky carriers: from every semiconductor edge with an end near the interface, each edge
   * evaluated once for both carriers */
  for (int e = 0; lucky && e < D->nedges; e++) {
    if (!D->edge_semi[e]) continue;
    const int nd[2] = {D->edge_i[e], D->edge_j[e]};
    if (isinf(g->near_d[nd[0]]) && isinf(g->near_d[nd[1]])) continue;
    TcadAsmEdge E;
    tcad_asm_edge_eval(D, bs, e, x, &E);
    const double hh = 0.5 * D->edge_length[e];
    for (int c = 0; c < 2; c++) {
      if (!(g->carriers & (1 << c))) continue;
      const double lam = r->inj_lambda[c], lr = r->inj_lambda_r[c];
      double dF[2 * TCAD_ASM_MAXBS], sg;
      const double F = tcad_asm_edge_drive(D, bs, e, x, c, dF, &sg), mag = E.F[1 + c] * sg;
      if (!(mag > 0 && F > 0)) continue;
      for (int end = 0; end < 2; end++) {
        const int i = nd[end];
        if (isinf(g->near_d[i])) continue;
        const double att = exp(-g->near_d[i] / lam);
        for (int q = 0; q < 3; q++) {
          const int k = g->near_k[3 * i + q];
          if (k < 0 || !(g->near_w[3 * i + q] > 0) || !(g->pox[c][k] > 0)) continue;
          g->inj[k] += TCAD_Q * hh * mag * att * g->near_w[3 * i + q] * g->pox[c][k] *
                       tcad_lucky_probability(F, g->phi[c][k], lam, lr);
        }
      }
    }
  }
  double total = 0.0;
  for (int k = 0; k < g->nif; k++) total += g->inj[k];
  g->point = s->npoints;
  s->totals.t_injection += tcad_now() - t0;
  return total;
}

int tcad_sim_gate_density(TcadSim *s, double *field)
{
  memset(field, 0, sizeof(double) * (size_t)s->nnodes);
  TcadGateInjection *g = s->inj;
  if (!g) return 0;
  if (g->point != s->npoints) tcad_sim_gate_current(s); /* the IV row's, unless there was none */
  for (int k = 0; k < g->nif; k++) field[g->if_node[k]] = g->if_area[k] > 0 ? g->inj[k] / g->if_area[k] : 0.0;
  return 0;
}

const char *tcad_sim_gate_model(const TcadSim *s)
{
  return !s->inj ? "none" : s->inj->model == TCAD_HC_LUCKY ? "lucky-electron" : "fiegna";
}
