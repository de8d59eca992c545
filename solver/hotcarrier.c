/* The hot-carrier monitor of an n-MOSFET (docs/deck.md `reliability`, docs/output.md): the
 * substrate-current ratio I_sub/I_d and the largest lateral field E_m along the
 * semiconductor/insulator interface per bias point (IV columns), and the peak of the substrate
 * current over each sweep of the gate voltage (summary.json `substrate_current`).
 *
 * I_sub is the substrate contact's current (with impact ionization on, the holes it makes drain
 * there), I_d the drain's. E_m is the field along the interface, the largest |ψ_i − ψ_j|/h over
 * the semiconductor edges that also bound an insulator cell: on a planar MOSFET the lateral
 * channel field at the surface, the E_m of Hu's model (Hu et al., IEEE Trans. Electron Devices
 * 32 (1985) 375: I_sub/I_d ∝ exp(−φ_i/(q λ E_m))). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"
#include "tcad/ivtable.h"

static int contact_by_name(const TcadSim *s, const char *name)
{
  for (int c = 0; c < s->ncontacts; c++)
    if (!strcmp(s->contacts[c].name, name) && s->contacts[c].type == TCAD_CONTACT_OHMIC) return c;
  return -1;
}

static int cmp_pair(const void *a, const void *b)
{
  const int *p = a, *q = b;
  return p[0] != q[0] ? (p[0] > q[0]) - (p[0] < q[0]) : (p[1] > q[1]) - (p[1] < q[1]);
}

/* The edges of the semiconductor/insulator interface faces (TcadMeshGetKindInterfaceFaces, the
 * faces the gate injection uses too): the face itself in 2D, its three sides in 3D; none in 1D. */
static int interface_edges(TcadSim *s)
{
  const TcadMesh *m = s->mesh;
  const int d = m->dim, per = d == 2 ? 1 : 3;
  int *faces = NULL, *pairs = NULL, nf = 0, e = 0, n = 0;
  if (d < 2) return 0;
  TCAD_CALL(TcadMeshGetKindInterfaceFaces(m, TCAD_MAT_SEMICONDUCTOR, TCAD_MAT_INSULATOR, &nf, &faces));
  if (nf == 0) goto done;
  TCAD_ALLOC_GOTO(e, pairs, 2 * (size_t)nf * per, done);
  for (int f = 0; f < nf; f++) /* face tuples are sorted: each pair comes out (low, high) */
    for (int q = 0; q < per; q++) {
      const int a = q == 2 ? 0 : q, b = q == 0 ? 1 : 2;
      pairs[2 * n] = faces[(size_t)f * d + a], pairs[2 * n + 1] = faces[(size_t)f * d + b], n++;
    }
  qsort(pairs, (size_t)n, 2 * sizeof(int), cmp_pair);
  int u = 0;
  for (int k = 0; k < n; k++)
    if (u == 0 || cmp_pair(pairs + 2 * k, pairs + 2 * (u - 1)))
      pairs[2 * u] = pairs[2 * k], pairs[2 * u + 1] = pairs[2 * k + 1], u++;
  TCAD_ALLOC_GOTO(e, s->em_i, u, done);
  TCAD_ALLOC_GOTO(e, s->em_j, u, done);
  TCAD_ALLOC_GOTO(e, s->em_h, u, done);
  for (int k = 0; k < u; k++) {
    const double *x = m->coord + 3 * (size_t)pairs[2 * k], *y = m->coord + 3 * (size_t)pairs[2 * k + 1];
    s->em_i[k] = pairs[2 * k], s->em_j[k] = pairs[2 * k + 1];
    s->em_h[k] = sqrt((x[0] - y[0]) * (x[0] - y[0]) + (x[1] - y[1]) * (x[1] - y[1]) + (x[2] - y[2]) * (x[2] - y[2]));
  }
  s->nem = u;
done:
  free(faces), free(pairs);
  return e;
}

int tcad_sim_hc_setup(TcadSim *s)
{
  const TcadReliabilitySpec *r = &s->deck->reliability;
  s->hc_drain = s->hc_sub = -1;
  tcad_sim_gate_free(s);
  if (s->deck->physics.impact == TCAD_II_NONE) return 0;
  static const char *const subs[] = {"bulk", "substrate", "body", NULL};
  const int d = contact_by_name(s, r->drain[0] ? r->drain : "drain");
  int b = r->substrate[0] ? contact_by_name(s, r->substrate) : -1;
  for (int k = 0; !r->substrate[0] && b < 0 && subs[k]; k++) b = contact_by_name(s, subs[k]);
  if (d < 0 || b < 0 || d == b) {
    if (r->given || s->deck->physics.hot_carrier != TCAD_HC_NONE) /* a named contact is missing */
      return tcad_error(TCAD_ERR_INPUT,
                        "%s: reliability: no %s contact (no ohmic contact named %s); name it with "
                        "'reliability: {drain: ..., substrate: ...}'",
                        TcadDeckGetLocation(s->deck, r->given ? r->loc : s->deck->physics.loc_hot_carrier),
                        d < 0 ? "drain" : "substrate", d < 0 ? "'drain'" : "'bulk', 'substrate' or 'body'");
    return 0; /* not a MOSFET by its names: no monitor */
  }
  s->hc_drain = d, s->hc_sub = b;
  /* the substrate's type from its contact nodes' net doping: the carriers impact ionization sends
   * there are its majority carriers (holes in an n-MOSFET's p-substrate, electrons in a
   * p-MOSFET's n-well) */
  double net = 0.0;
  for (int i = 0; i < s->nnodes; i++)
    if (s->node_contact[i] == b) net += s->D.node_fixed[i];
  s->hc_sub_carrier = net > 0 ? 0 : 1;
  if (r->lifetime && s->dim == 1)
    return tcad_error(TCAD_ERR_INPUT,
                      "%s: reliability.lifetime needs a 2D or 3D MOSFET (τ I_d/W with the drain current per "
                      "width); leave it out of a 1D deck",
                      TcadDeckGetLocation(s->deck, r->loc));
  if (r->lifetime && s->dim == 3 && !(r->life_w > 0))
    return tcad_error(TCAD_ERR_INPUT,
                      "%s: reliability.lifetime needs the device width in 3D (τ I_d/W); expected "
                      "'width: W' (µm)",
                      TcadDeckGetLocation(s->deck, r->loc));
  free(s->em_i), free(s->em_j), free(s->em_h);
  s->em_i = s->em_j = NULL, s->em_h = NULL, s->nem = 0;
  TCAD_CALL(interface_edges(s));
  TCAD_RETURN(tcad_sim_gate_setup(s));
}

/* I_d/W (A/cm): the drain current per width, |I_d| in 2D (A/cm already), |I_d|/W in 3D */
static double id_per_width(const TcadSim *s, double id)
{
  return s->dim == 3 ? fabs(id) / s->deck->reliability.life_w : fabs(id);
}

/* Hu's lifetime over C: (I_sub/I_d)^−m / (I_d/W) (cm/A; NaN where either current is 0) */
static double tau_over_c(const TcadSim *s, double ratio, double id)
{
  const double j = id_per_width(s, id);
  return ratio > 0 && j > 0 ? pow(ratio, -s->deck->reliability.life_m) / j : NAN;
}

int tcad_sim_hc_columns(const TcadSim *s, char (*names)[TCAD_NAME_MAX + 8], const char **units)
{
  const TcadReliabilitySpec *r = &s->deck->reliability;
  static const char *const nm[TCAD_HC_MAX_COLUMNS] = {"I_sub/I_d", "E_m", "lifetime", "Tn_max_interface", "I_g_hot"};
  const char *const un[TCAD_HC_MAX_COLUMNS] = {"1", "V/cm", "s", "K", TcadSimGetCurrentUnit(s)};
  const int on[TCAD_HC_MAX_COLUMNS] = {1, s->nem > 0, r->lifetime && r->life_c > 0, s->nem > 0 && s->bs > 3,
                                       s->inj != NULL};
  int n = 0;
  for (int k = 0; k < TCAD_HC_MAX_COLUMNS; k++) {
    if (!on[k]) continue;
    if (names) snprintf(names[n], sizeof names[n], "%s", nm[k]);
    if (units) units[n] = un[k];
    n++;
  }
  return n;
}

void tcad_sim_hc_row(TcadSim *s, double *row)
{
  const TcadReliabilitySpec *r = &s->deck->reliability;
  /* I_sub: the substrate contact's majority-carrier current (the holes impact ionization makes
   * drain into an n-MOSFET's substrate; its electron current is the minority leakage into it) */
  const double id = s->contacts[s->hc_drain].cur[2];
  const double ratio = id != 0 ? fabs(s->contacts[s->hc_sub].cur[s->hc_sub_carrier] / id) : NAN;
  int n = 0;
  row[n++] = ratio;
  if (s->nem > 0) row[n++] = tcad_sim_interface_field_max(s);
  if (r->lifetime && r->life_c > 0) row[n++] = r->life_c * tau_over_c(s, ratio, id);
  if (s->nem > 0 && s->bs > 3) { /* the hottest electrons along the interface */
    const double *x = TcadSimGetState(s), sv = s->D.p.sv[3];
    double t = 0.0;
    for (int k = 0; k < s->nem; k++) t = fmax(t, fmax(x[s->bs * s->em_i[k] + 3], x[s->bs * s->em_j[k] + 3]) * sv);
    row[n++] = t;
  }
  if (s->inj) row[n++] = tcad_sim_gate_current(s); /* the hot-carrier gate current (solver/gatecurrent.c) */
}

double tcad_sim_interface_field_max(const TcadSim *s)
{
  if (s->nem == 0) return NAN;
  const double *x = TcadSimGetState((TcadSim *)s), sv = s->D.p.sv[0];
  const int bs = s->bs;
  double em = 0.0;
  for (int k = 0; k < s->nem; k++) em = fmax(em, fabs(x[bs * s->em_i[k]] - x[bs * s->em_j[k]]) * sv / s->em_h[k]);
  return em;
}

/* The peak of ln|I_sub| over a gate sweep's rows idx[0..n): the largest row, refined by the
 * parabola through it and its two neighbours (in V_g) when it is not an end of the sweep. */
static TcadIsubPeak isub_peak(const double *rows, int ncol, const int *idx, int n, int cvg, int cvd, int cis, int crt)
{
  TcadIsubPeak p = {0, 0, n, NAN, NAN, NAN, NAN, 0};
  int k = 0;
  for (int i = 1; i < n; i++)
    if (fabs(rows[(size_t)idx[i] * ncol + cis]) > fabs(rows[(size_t)idx[k] * ncol + cis])) k = i;
  const double *r = rows + (size_t)idx[k] * ncol;
  p.vd = r[cvd], p.vg = r[cvg], p.isub = fabs(r[cis]), p.ratio = r[crt];
  if (k == 0 || k == n - 1) return p;
  const double *a = rows + (size_t)idx[k - 1] * ncol, *b = rows + (size_t)idx[k + 1] * ncol;
  const double x0 = a[cvg], x1 = r[cvg], x2 = b[cvg];
  const double y0 = log(fabs(a[cis])), y1 = log(fabs(r[cis])), y2 = log(fabs(b[cis]));
  if (!(isfinite(y0) && isfinite(y1) && isfinite(y2)) || x0 == x1 || x1 == x2 || x0 == x2) return p;
  /* Newton form y = y0 + d01 (x − x0) + c2 (x − x0)(x − x1); its vertex */
  const double d01 = (y1 - y0) / (x1 - x0), d12 = (y2 - y1) / (x2 - x1), c2 = (d12 - d01) / (x2 - x0);
  if (!(c2 < 0)) return p; /* no curvature to place a maximum by */
  const double xv = 0.5 * (x0 + x1) - d01 / (2.0 * c2);
  p.inside = 1, p.vg = xv, p.isub = exp(y0 + d01 * (xv - x0) + c2 * (xv - x0) * (xv - x1));
  /* the ratio at the vertex: linear between the peak row and the neighbour on the vertex's side */
  const double *o = (xv - x1) * (x0 - x1) > 0 ? a : b;
  p.ratio = r[crt] + (xv - x1) / (o[cvg] - x1) * (o[crt] - r[crt]);
  return p;
}

int tcad_sim_isub_peaks(const TcadSim *s, TcadIsubPeak *peaks, int max)
{
  if (s->hc_drain < 0 || !s->iv) return 0;
  const double *rows;
  const int nrows = TcadIVTableGetRows(s->iv, &rows), ncol = s->iv_ncol, nc = s->ncontacts;
  const int cis = 3 + 4 * s->hc_sub + 1 + s->hc_sub_carrier, cvd = 3 + 4 * s->hc_drain, crt = 3 + 4 * nc + 3 + nc;
  int *idx = malloc(sizeof(int) * (size_t)(nrows + 1)), np = 0;
  if (!idx) return 0;
  for (int k = 0; k < s->deck->nsteps && np < max; k++) {
    const TcadSolveStep *st = &s->deck->steps[k];
    if (st->kind != TCAD_STEP_SWEEP || st->in_current || st->ncontacts != 1) continue;
    int g = -1;
    for (int c = 0; c < nc; c++)
      if (!strcmp(s->contacts[c].name, st->contact[0]) && s->contacts[c].type == TCAD_CONTACT_GATE) g = c;
    if (g < 0) continue;
    int n = 0;
    for (int i = 0; i < nrows; i++)
      if (rows[(size_t)i * ncol + 1] == k + 1) idx[n++] = i;
    if (n < 2) continue;
    peaks[np] = isub_peak(rows, ncol, idx, n, 3 + 4 * g, cvd, cis, crt);
    peaks[np].solve_step = k + 1, peaks[np].gate = g;
    np++;
  }
  free(idx);
  return np;
}

/* Whether IV row w is a hot-carrier stress bias: an operating point, not one of a breakdown step
 * or of a sweep in current (a junction in avalanche, I_sub/I_d near 1). */
static int stress_row(const TcadSim *s, const double *w)
{
  const int k = (int)w[1] - 1;
  return !(k >= 0 && k < s->deck->nsteps &&
           (s->deck->steps[k].kind == TCAD_STEP_BREAKDOWN || s->deck->steps[k].in_current));
}

int tcad_sim_lifetime(const TcadSim *s, TcadLifetime *lt)
{
  const TcadReliabilitySpec *r = &s->deck->reliability;
  lt->row = lt->ref_row = -1, lt->tau = lt->tau_ref = lt->rel = NAN;
  if (s->hc_drain < 0 || !r->lifetime || !s->iv) return 0;
  const double *rows;
  const int nrows = TcadIVTableGetRows(s->iv, &rows), ncol = s->iv_ncol, nc = s->ncontacts;
  const int cid = 3 + 4 * s->hc_drain + 3, crt = 3 + 4 * nc + 3 + nc;
  double best = INFINITY;
  for (int i = 0; i < nrows; i++) {
    const double *w = rows + (size_t)i * ncol;
    if (!stress_row(s, w)) continue;
    const double t = tau_over_c(s, w[crt], w[cid]);
    if (t < best) best = t, lt->row = i;
    /* the reference: the last row at the reference's contact voltages */
    int match = r->nref > 0;
    for (int j = 0; j < r->nref && match; j++)
      for (int c = 0; c < nc; c++)
        if (!strcmp(s->contacts[c].name, r->ref_contact[j]))
          match = fabs(w[3 + 4 * c] - r->ref_voltage[j]) <= 1e-9 * fmax(1.0, fabs(r->ref_voltage[j]));
    if (match && isfinite(t)) lt->ref_row = i;
  }
  if (lt->row < 0) return 0;
  const double c = r->life_c > 0 ? r->life_c : NAN;
  lt->tau = c * best;
  if (lt->ref_row >= 0) {
    const double *q = rows + (size_t)lt->ref_row * ncol, tr = tau_over_c(s, q[crt], q[cid]);
    lt->tau_ref = c * tr, lt->rel = best / tr;
  }
  return 1;
}

int tcad_sim_iv_column(const TcadSim *s, const char *name)
{
  for (int k = 0; k < s->iv_ncol; k++)
    if (!strcmp(s->iv_names[k], name)) return k;
  return -1;
}

int tcad_sim_hc_worst_row(const TcadSim *s)
{
  TcadLifetime lt;
  if (tcad_sim_lifetime(s, &lt)) return lt.row;
  if (s->hc_drain < 0 || !s->iv) return -1;
  const double *rows;
  const int nrows = TcadIVTableGetRows(s->iv, &rows), cis = 3 + 4 * s->hc_sub + 1 + s->hc_sub_carrier;
  int worst = -1;
  for (int i = 0; i < nrows; i++) {
    const double *w = rows + (size_t)i * s->iv_ncol;
    if (stress_row(s, w) && (worst < 0 || fabs(w[cis]) > fabs(rows[(size_t)worst * s->iv_ncol + cis]))) worst = i;
  }
  return worst;
}
