/* TcadSim setup: unknown layout and scaling, doping-dependent parameters, the Jacobian
 * pattern with the edge → slot map, contacts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"
#include "tcad/ivtable.h"

/* Intrinsic density at T: the material's n_i at 300 K when given (Sproul & Green for Si),
 * else from N_c, N_v, E_g; away from 300 K scaled with N_c N_v ∝ T³ at fixed E_g. */
static double intrinsic_density(const TcadMaterial *m, double T)
{
  const double kt = TCAD_KB_EV * T, kt300 = TCAD_KB_EV * 300.0;
  double ni300 = m->ni > 0 ? m->ni : sqrt(m->nc * m->nv) * exp(-m->bandgap / (2.0 * kt300));
  return ni300 * pow(T / 300.0, 1.5) * exp(-m->bandgap / 2.0 * (1.0 / kt - 1.0 / kt300));
}

/* Low-field mobility of carrier k at total doping N from the deck's model. */
static double low_field_mobility(const TcadSim *s, const TcadMaterial *m, int k, double N)
{
  switch (s->deck->physics.mobility) {
  case TCAD_MOB_CONSTANT: return m->mu_const[k];
  case TCAD_MOB_CAUGHEY_THOMAS:
    return tcad_mobility_caughey_thomas(N, m->ct_mumin[k], m->ct_mumax[k], m->ct_nref[k], m->ct_alpha[k]);
  default:
    return tcad_mobility_masetti(N, m->ms_mumax[k], m->ms_mumin1[k], m->ms_mumin2[k], m->ms_mu1[k], m->ms_pc[k],
                                 m->ms_cr[k], m->ms_cs[k], m->ms_alpha[k], m->ms_beta[k]);
  }
}

static int cmp_int(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static int find_block(const int *cols, int n, int c)
{
  int lo = 0, hi = n - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (cols[mid] == c) return mid;
    if (cols[mid] < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/* Block pattern: node i couples to itself and to its edge neighbours. The scalar CSR follows:
 * rows bs·i .. bs·i+bs−1 each hold bs entries per block of block row i. */
static int build_pattern(TcadSim *s)
{
  const TcadGeometry *g = s->geom;
  const int n = s->nnodes, bs = s->bs;
  int *deg = NULL, *bptr = NULL, *bcol = NULL, *fill = NULL;
  TCAD_ALLOC(deg, n + 1);
  for (int e = 0; e < g->nedges; e++) deg[g->edge_i[e]]++, deg[g->edge_j[e]]++;
  TCAD_ALLOC(bptr, n + 1);
  for (int i = 0; i < n; i++) bptr[i + 1] = bptr[i] + deg[i] + 1;
  TCAD_ALLOC(bcol, bptr[n]);
  TCAD_ALLOC(fill, n);
  for (int i = 0; i < n; i++) bcol[bptr[i]] = i, fill[i] = 1;
  for (int e = 0; e < g->nedges; e++) {
    int i = g->edge_i[e], j = g->edge_j[e];
    bcol[bptr[i] + fill[i]++] = j;
    bcol[bptr[j] + fill[j]++] = i;
  }
  /* sort and deduplicate each block row in place (an edge in two regions appears twice) */
  int w = 0;
  for (int i = 0; i < n; i++) {
    int *c = bcol + bptr[i], m = fill[i], u = 0;
    qsort(c, (size_t)m, sizeof(int), cmp_int);
    for (int k = 0; k < m; k++)
      if (k == 0 || c[k] != c[k - 1]) bcol[w + u++] = c[k];
    bptr[i] = w;
    fill[i] = u;
    w += u;
  }
  bptr[n] = w;
  s->nnz = bs * bs * w;
  TCAD_ALLOC(s->rowptr, (size_t)bs * n + 1);
  TCAD_ALLOC(s->col, s->nnz);
  TCAD_ALLOC(s->row_start, n);
  TCAD_ALLOC(s->row_len, n);
  TCAD_ALLOC(s->node_diag, n);
  for (int i = 0; i < n; i++) {
    const int nb = fill[i], start = bs * bs * bptr[i];
    s->row_start[i] = start;
    s->row_len[i] = bs * nb;
    s->node_diag[i] = start + bs * find_block(bcol + bptr[i], nb, i);
    for (int r = 0; r < bs; r++) {
      s->rowptr[bs * i + r] = start + r * bs * nb;
      for (int k = 0; k < nb; k++)
        for (int c = 0; c < bs; c++) s->col[start + r * bs * nb + bs * k + c] = bs * bcol[bptr[i] + k] + c;
    }
  }
  s->rowptr[bs * n] = s->nnz;
  TCAD_ALLOC(s->edge_base, 4 * (size_t)g->nedges);
  for (int e = 0; e < g->nedges; e++) {
    const int i = g->edge_i[e], j = g->edge_j[e];
    const int *ci = bcol + bptr[i], *cj = bcol + bptr[j];
    s->edge_base[4 * e + 0] = s->node_diag[i];
    s->edge_base[4 * e + 1] = s->row_start[i] + bs * find_block(ci, fill[i], j);
    s->edge_base[4 * e + 2] = s->row_start[j] + bs * find_block(cj, fill[j], i);
    s->edge_base[4 * e + 3] = s->node_diag[j];
  }
  /* node → incident edges, ascending (deg[] still holds the degrees): the row-wise assembly */
  TCAD_ALLOC(s->node_edge_start, n + 1);
  for (int i = 0; i < n; i++) s->node_edge_start[i + 1] = s->node_edge_start[i] + deg[i];
  TCAD_ALLOC(s->node_edges, s->node_edge_start[n] > 0 ? s->node_edge_start[n] : 1);
  for (int i = 0; i < n; i++) fill[i] = s->node_edge_start[i];
  for (int e = 0; e < g->nedges; e++) s->node_edges[fill[g->edge_i[e]]++] = e, s->node_edges[fill[g->edge_j[e]]++] = e;
  free(deg), free(bptr), free(bcol), free(fill);
  return 0;
}

/* Which models the deck asks for that this solver does not have: one clear error each. */
static int check_models(const TcadDeck *d)
{
  const TcadPhysicsSpec *ph = &d->physics;
  if (ph->statistics != TCAD_STAT_BOLTZMANN)
    return tcad_error(TCAD_ERR_NOTIMPL, "%s: Fermi-Dirac statistics are not implemented yet; use "
                      "'statistics: boltzmann'", TcadDeckWhere(d, ph->loc_statistics));
  if (ph->impact != TCAD_II_NONE)
    return tcad_error(TCAD_ERR_NOTIMPL, "%s: impact ionization is not implemented yet; remove the "
                      "'impact_ionization' key", TcadDeckWhere(d, ph->loc_impact));
  if (ph->hot_carrier != TCAD_HC_NONE)
    return tcad_error(TCAD_ERR_NOTIMPL, "%s: hot-carrier injection is not implemented yet; remove the "
                      "'hot_carrier' key", TcadDeckWhere(d, ph->loc_hot_carrier));
  return 0;
}

static const TcadContactSpec *deck_contact(const TcadDeck *d, const char *name)
{
  for (int c = 0; c < d->ncontacts; c++)
    if (!strcmp(d->contacts[c].name, name)) return &d->contacts[c];
  return NULL;
}

static int setup_contacts(TcadSim *s)
{
  const TcadMesh *m = s->mesh;
  const TcadDeck *d = s->deck;
  s->ncontacts = m->ncontacts;
  TCAD_ALLOC(s->contacts, m->ncontacts > 0 ? m->ncontacts : 1);
  TCAD_ALLOC(s->node_contact, s->nnodes);
  for (int i = 0; i < s->nnodes; i++) s->node_contact[i] = -1;
  /* work function of intrinsic silicon: χ + E_g/2 + (kT/2q) ln(N_c/N_v) */
  const TcadMaterial *sm = s->semi;
  const double phi_i = sm->affinity + 0.5 * sm->bandgap + 0.5 * s->vt * log(sm->nc / sm->nv);
  for (int c = 0; c < m->ncontacts; c++) {
    TcadSimContact *sc = &s->contacts[c];
    const TcadContactSpec *cs = deck_contact(d, m->contacts[c].name);
    snprintf(sc->name, sizeof sc->name, "%s", m->contacts[c].name);
    sc->mesh_index = c;
    if (!cs) return tcad_error(TCAD_ERR_INTERNAL, "contact '%s' has no deck entry", sc->name);
    sc->type = cs->type;
    if (cs->type == TCAD_CONTACT_SCHOTTKY)
      return tcad_error(TCAD_ERR_NOTIMPL, "%s: contact '%s': Schottky contacts are not implemented yet; use "
                        "'type: ohmic' or a gate on an insulator", TcadDeckWhere(d, cs->loc), sc->name);
    if (cs->resistance != 0.0)
      return tcad_error(TCAD_ERR_NOTIMPL, "%s: contact '%s': lumped series resistance is not implemented yet; "
                        "remove 'resistance'", TcadDeckWhere(d, cs->loc), sc->name);
    sc->psi_offset = cs->type == TCAD_CONTACT_GATE && cs->has_workfunction ? -(cs->workfunction - phi_i) : 0.0;
    for (int k = 0; k < m->contacts[c].nnodes; k++) {
      const int i = m->contacts[c].node[k];
      if (s->node_contact[i] >= 0)
        return tcad_error(TCAD_ERR_MESH, "contacts '%s' and '%s' share the node at (%g, %g, %g) um; contacts must "
                          "not touch", s->contacts[s->node_contact[i]].name, sc->name, 1e4 * m->coord[3 * i],
                          1e4 * m->coord[3 * i + 1], 1e4 * m->coord[3 * i + 2]);
      if (cs->type == TCAD_CONTACT_OHMIC && !s->node_semi[i])
        return tcad_error(TCAD_ERR_MESH, "%s: ohmic contact '%s' has a node at (%g, %g, %g) um that is not in a "
                          "semiconductor region; an ohmic contact must lie on the semiconductor",
                          TcadDeckWhere(d, cs->loc), sc->name, 1e4 * m->coord[3 * i], 1e4 * m->coord[3 * i + 1],
                          1e4 * m->coord[3 * i + 2]);
      if (cs->type == TCAD_CONTACT_GATE && s->node_semi[i])
        return tcad_error(TCAD_ERR_MESH, "%s: gate contact '%s' touches the semiconductor at (%g, %g, %g) um; a "
                          "gate must lie on an insulator (a metal on the semiconductor is a Schottky contact, "
                          "not implemented yet)", TcadDeckWhere(d, cs->loc), sc->name, 1e4 * m->coord[3 * i],
                          1e4 * m->coord[3 * i + 1], 1e4 * m->coord[3 * i + 2]);
      s->node_contact[i] = c;
      s->node_bc[i] = cs->type == TCAD_CONTACT_OHMIC ? TCAD_BC_OHMIC : TCAD_BC_GATE;
    }
  }
  return 0;
}

void tcad_sim_update_bc(TcadSim *s)
{
  for (int i = 0; i < s->nnodes; i++) {
    const int c = s->node_contact[i];
    if (c < 0) continue;
    const TcadSimContact *sc = &s->contacts[c];
    double *b = s->bc_value + (size_t)s->bs * i;
    for (int t = 3; t < s->bs; t++) b[t] = s->T; /* carriers at the lattice temperature */
    if (sc->type == TCAD_CONTACT_OHMIC) {
      /* neutral and in equilibrium; the majority density is computed without cancellation */
      const double N = s->donors[i] - s->acceptors[i], ni = s->nie;
      const double root = sqrt(N * N + 4.0 * ni * ni);
      double n, p;
      if (N >= 0) n = 0.5 * (N + root), p = ni * ni / n;
      else p = 0.5 * (-N + root), n = ni * ni / p;
      b[0] = sc->voltage + s->vt * asinh(N / (2.0 * ni));
      b[1] = n, b[2] = p;
    } else {
      b[0] = sc->voltage + sc->psi_offset;
      b[1] = b[2] = 0.0;
    }
  }
}

static int setup_arrays(TcadSim *s)
{
  const TcadMesh *m = s->mesh;
  const TcadGeometry *g = s->geom;
  const TcadDeck *d = s->deck;
  const int n = s->nnodes;
  TCAD_ALLOC(s->donors, n);
  TCAD_ALLOC(s->acceptors, n);
  TCAD_CALL(TcadDopingEvaluate(d, m, s->donors, s->acceptors));
  TCAD_ALLOC(s->node_semi, n);
  TCAD_ALLOC(s->node_vsemi, n);
  TCAD_ALLOC(s->node_fixed, n);
  TCAD_ALLOC(s->node_tau, 2 * (size_t)n);
  TCAD_ALLOC(s->node_bc, n);
  TCAD_ALLOC(s->bc_value, (size_t)s->bs * n);
  TCAD_ALLOC(s->cflux, TCAD_ASM_NCFLUX * (size_t)n);
  TCAD_ALLOC(s->fwork, (size_t)s->bs * n);
  TCAD_ALLOC(s->fmag, (size_t)s->bs * n);
  const TcadMaterial *sm = s->semi;
  double C0 = s->nie;
  for (int i = 0; i < n; i++) {
    for (int k = g->node_region_ptr[i]; k < g->node_region_ptr[i + 1]; k++)
      if (m->regions[g->node_region[k]].kind == TCAD_MAT_SEMICONDUCTOR)
        s->node_semi[i] = 1, s->node_vsemi[i] += g->node_region_volume[k];
    const double N = s->donors[i] + s->acceptors[i];
    s->node_fixed[i] = TCAD_Q * (s->donors[i] - s->acceptors[i]) * s->node_vsemi[i];
    s->node_tau[2 * i] = tcad_srh_lifetime(N, sm->taumax[0], sm->taumin[0], sm->tau_nref[0], sm->tau_gamma[0]);
    s->node_tau[2 * i + 1] = tcad_srh_lifetime(N, sm->taumax[1], sm->taumin[1], sm->tau_nref[1], sm->tau_gamma[1]);
    C0 = fmax(C0, fabs(s->donors[i] - s->acceptors[i]));
  }
  s->C0 = C0;
  /* fixed interface charge: Q (q cm^-2) on the interface's share of each node */
  for (int k = 0; k < d->ninterfaces; k++) {
    const TcadInterfaceSpec *is = &d->interfaces[k];
    const int r1 = TcadMeshFindRegion(m, is->region[0]), r2 = TcadMeshFindRegion(m, is->region[1]);
    if (r1 < 0 || r2 < 0)
      return tcad_error(TCAD_ERR_INPUT, "%s: interface names region '%s', which the mesh does not have",
                        TcadDeckWhere(d, is->loc), r1 < 0 ? is->region[0] : is->region[1]);
    double *area = NULL;
    TCAD_ALLOC(area, n);
    int e = TcadMeshInterfaceArea(m, r1, r2, area);
    if (e) {
      free(area);
      tcad_error_context("%s", TcadDeckWhere(d, is->loc));
      return e;
    }
    for (int i = 0; i < n; i++) s->node_fixed[i] += TCAD_Q * is->charge * area[i];
    free(area);
  }
  TCAD_ALLOC(s->edge_eps, g->nedges);
  TCAD_ALLOC(s->edge_semi, g->nedges);
  TCAD_ALLOC(s->edge_mu0, 2 * (size_t)g->nedges);
  for (int e = 0; e < g->nedges; e++) {
    const TcadMeshRegion *reg = &m->regions[g->edge_region[e]];
    const TcadMaterial *mat = TcadDeckGetMaterial(d, reg->material);
    if (!mat) return tcad_error(TCAD_ERR_INTERNAL, "region '%s': material '%s' missing", reg->name, reg->material);
    s->edge_eps[e] = TCAD_EPS0 * mat->permittivity;
    if (reg->kind != TCAD_MAT_SEMICONDUCTOR) continue;
    s->edge_semi[e] = 1;
    const int i = g->edge_i[e], j = g->edge_j[e];
    for (int k = 0; k < 2; k++)
      s->edge_mu0[2 * e + k] = 0.5 * (low_field_mobility(s, mat, k, s->donors[i] + s->acceptors[i]) +
                                      low_field_mobility(s, mat, k, s->donors[j] + s->acceptors[j]));
  }
  return 0;
}

int TcadSimCreate(const TcadDeck *deck, const TcadMesh *mesh, const TcadGeometry *geom, TcadSim **simp)
{
  TcadSim *s = NULL;
  int e;
  *simp = NULL;
  TCAD_CALL(check_models(deck));
  TCAD_ALLOC(s, 1);
  s->deck = deck, s->mesh = mesh, s->geom = geom;
  s->nnodes = mesh->nnodes, s->dim = mesh->dim;
  s->T = deck->physics.temperature;
  int transport = deck->physics.transport;
  {
    /* -tcad_transport overrides the deck's (to run one deck in both models) */
    char opt[64] = "";
    PetscBool set = PETSC_FALSE;
    PetscOptionsGetString(NULL, NULL, "-tcad_transport", opt, sizeof opt, &set);
    if (set) {
      if (!strcmp(opt, "drift-diffusion")) transport = TCAD_TRANSPORT_DD;
      else if (!strcmp(opt, "energy-balance")) transport = TCAD_TRANSPORT_EB;
      else if (!strcmp(opt, "energy-balance-electrons")) transport = TCAD_TRANSPORT_EB_ELECTRONS;
      else {
        TcadSimDestroy(&s);
        return tcad_error(TCAD_ERR_INPUT, "-tcad_transport %s: unknown; use drift-diffusion, energy-balance or "
                          "energy-balance-electrons", opt);
      }
    }
  }
  s->bs = transport == TCAD_TRANSPORT_EB ? 5 : transport == TCAD_TRANSPORT_EB_ELECTRONS ? 4 : 3;
  s->vt = TCAD_KB * s->T / TCAD_Q;
  /* the semiconductor material: one per device for now (no heterojunctions) */
  for (int r = 0; r < mesh->nregions; r++) {
    if (mesh->regions[r].kind != TCAD_MAT_SEMICONDUCTOR) continue;
    const TcadMaterial *mat = TcadDeckGetMaterial(deck, mesh->regions[r].material);
    if (s->semi && mat && strcmp(mat->name, s->semi->name)) {
      e = tcad_error(TCAD_ERR_NOTIMPL, "regions use two semiconductors (%s and %s); heterostructures are not "
                     "implemented yet", mesh->regions[r].material, s->semi->name);
      TcadSimDestroy(&s);
      return e;
    }
    if (!s->semi) s->semi = mat;
  }
  if (!s->semi) {
    TcadSimDestroy(&s);
    return tcad_error(TCAD_ERR_INPUT, "the device has no semiconductor region; give one region a semiconductor "
                      "material (e.g. Si)");
  }
  s->nie = intrinsic_density(s->semi, s->T);
  e = setup_arrays(s);
  if (!e) e = build_pattern(s);
  if (!e) e = setup_contacts(s);
  if (e) {
    TcadSimDestroy(&s);
    return e;
  }
  /* scales: ψ in V_T, densities in the largest net doping; equations so that a unit-size
   * coupling (A/h ~ L^(d-2), L = 1 µm) gives O(ε_r) and O(μ) entries */
  const double L = pow(1e-4, s->dim - 2);
  TcadAsmData *D = &s->D;
  D->nnodes = s->nnodes, D->nedges = geom->nedges, D->nnz = s->nnz, D->bs = s->bs;
  D->edge_i = geom->edge_i, D->edge_j = geom->edge_j;
  D->edge_coupling = geom->edge_coupling, D->edge_length = geom->edge_length;
  D->edge_eps = s->edge_eps, D->edge_semi = s->edge_semi, D->edge_mu0 = s->edge_mu0, D->edge_base = s->edge_base;
  D->node_edge_start = s->node_edge_start, D->node_edges = s->node_edges;
  D->row_start = s->row_start, D->row_len = s->row_len, D->node_diag = s->node_diag;
  D->node_semi = s->node_semi, D->node_vsemi = s->node_vsemi, D->node_fixed = s->node_fixed;
  D->node_tau = s->node_tau, D->node_bc = s->node_bc, D->bc_value = s->bc_value;
  TcadAsmParams *P = &D->p;
  P->mode = TCAD_ASM_EQUILIBRIUM;
  P->vt = s->vt, P->nie = s->nie;
  P->hf = deck->physics.high_field == TCAD_HF_CANALI   ? TCAD_ASM_HF_CANALI
          : deck->physics.high_field == TCAD_HF_HANSCH ? TCAD_ASM_HF_HANSCH
                                                       : TCAD_ASM_HF_NONE;
  P->TL = s->T, P->energy = 0;
  for (int k = 0; k < 2; k++) {
    P->tauw[k] = s->tauw[k] = s->semi->tauw[k];
    P->tauw_t1[k] = s->semi->tauw_t1[k], P->tauw_t2[k] = s->semi->tauw_t2[k];
  }
  for (int k = 0; k < 2; k++) P->vsat[k] = s->semi->vsat[k], P->beta[k] = s->semi->canali_beta[k];
  P->srh = deck->physics.srh, P->auger = deck->physics.auger;
  P->auger_c[0] = s->semi->auger[0], P->auger_c[1] = s->semi->auger[1];
  P->sv[0] = s->vt, P->sv[1] = P->sv[2] = s->C0;
  P->se[0] = TCAD_EPS0 * s->vt * L;
  P->se[1] = P->se[2] = s->vt * s->C0 * L;
  /* temperatures in T_L; energy equations as k T_L times the particle equations */
  for (int t = 3; t < s->bs; t++) P->sv[t] = s->T, P->se[t] = TCAD_KB * s->T * P->se[1];
  tcad_sim_update_bc(s);
  e = tcad_sim_setup_snes(s);
  if (!e) {
    const int b = TcadSimDefaultBackend(NULL, 0);
    e = b < 0 ? -b : TcadSimSetBackend(s, b);
  }
  if (e) {
    TcadSimDestroy(&s);
    return e;
  }
  *simp = s;
  return 0;
}

void TcadSimDestroy(TcadSim **sp)
{
  TcadSim *s = sp ? *sp : NULL;
  if (!s) return;
  if (s->snes) SNESDestroy(&s->snes);
  tcad_sim_backend_destroy(s);
  if (s->X) VecDestroy(&s->X);
  if (s->R) VecDestroy(&s->R);
  if (s->J) MatDestroy(&s->J);
  TcadIVTableClose(&s->iv);
  free(s->donors), free(s->acceptors), free(s->edge_eps), free(s->edge_mu0), free(s->node_vsemi);
  free(s->node_fixed), free(s->node_tau), free(s->bc_value), free(s->edge_semi), free(s->node_semi);
  free(s->node_bc), free(s->edge_base), free(s->row_start), free(s->row_len), free(s->node_diag);
  free(s->rowptr), free(s->col), free(s->node_edge_start), free(s->node_edges), free(s->cflux), free(s->fwork), free(s->fmag), free(s->contacts), free(s->node_contact);
  free(s->iv_names), free(s->iv_colnames), free(s->iv_units);
  free(s);
  *sp = NULL;
}

int TcadSimGetContactCount(const TcadSim *s) { return s->ncontacts; }
const char *TcadSimGetContactName(const TcadSim *s, int c) { return s->contacts[c].name; }
int TcadSimFindContact(const TcadSim *s, const char *name)
{
  for (int c = 0; c < s->ncontacts; c++)
    if (!strcmp(s->contacts[c].name, name)) return c;
  return -1;
}
double TcadSimGetContactVoltage(const TcadSim *s, int c) { return s->contacts[c].voltage; }
void TcadSimGetContactCurrent(const TcadSim *s, int c, double cur[3]) { memcpy(cur, s->contacts[c].cur, sizeof(double) * 3); }
const char *TcadSimGetCurrentUnit(const TcadSim *s) { return s->dim == 1 ? "A/cm^2" : s->dim == 2 ? "A/cm" : "A"; }
const TcadSolveStats *TcadSimGetLastSolve(const TcadSim *s) { return &s->last; }
const TcadSimTotals *TcadSimGetTotals(const TcadSim *s) { return &s->totals; }
double TcadSimGetNi(const TcadSim *s) { return s->nie; }
double TcadSimGetVt(const TcadSim *s) { return s->vt; }

int TcadSimGetPattern(const TcadSim *s, int *nrows, const int **rowptr, const int **col)
{
  *nrows = s->bs * s->nnodes, *rowptr = s->rowptr, *col = s->col;
  return 0;
}

void TcadSimGetContactEnergy(const TcadSim *s, int c, double w[2])
{
  w[0] = s->contacts[c].energy[0], w[1] = s->contacts[c].energy[1];
}

int TcadSimSetEnergy(TcadSim *s, int on, double tauw_factor)
{
  if (s->bs == 3)
    return tcad_error(TCAD_ERR_INPUT, "the drift-diffusion transport has no temperature equations; use 'transport: "
                      "energy-balance' or 'energy-balance-electrons'");
  s->D.p.energy = on ? 1 : 0;
  for (int k = 0; k < 2; k++) s->D.p.tauw[k] = tauw_factor * s->tauw[k];
  return 0;
}

int TcadSimSetMode(TcadSim *s, int mode)
{
  s->D.p.mode = mode;
  return 0;
}

int TcadSimEvaluate(TcadSim *s, int mode, const double *x, double *f, double *jac)
{
  const int save = s->D.p.mode;
  s->D.p.mode = mode;
  const int e = tcad_sim_assemble(s, x, f, jac, NULL, NULL);
  s->D.p.mode = save;
  return e;
}
