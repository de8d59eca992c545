/* The coefficients of the equations at the nodes and edges, from the deck's materials and
 * doping and the box-method geometry: semiconductor volumes, fixed charge (doping and interface
 * charge), SRH lifetimes, permittivities and low-field mobilities. Evaluated once per mesh. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"

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

/* Fixed interface charge: Q (q cm^-2) on the interface's share of each node. */
static int interface_charge(TcadSim *s)
{
  const TcadMesh *m = s->mesh;
  const TcadDeck *d = s->deck;
  double *area = NULL;
  int e = 0;
  for (int k = 0; k < d->ninterfaces; k++) {
    const TcadInterfaceSpec *is = &d->interfaces[k];
    const int r1 = TcadMeshFindRegion(m, is->region[0]), r2 = TcadMeshFindRegion(m, is->region[1]);
    if (r1 < 0 || r2 < 0) {
      e = tcad_error(TCAD_ERR_INPUT, "%s: interface names region '%s', which the mesh does not have",
                     TcadDeckGetLocation(d, is->loc), r1 < 0 ? is->region[0] : is->region[1]);
      goto cleanup;
    }
    if (!area) TCAD_ALLOC_GOTO(e, area, s->nnodes, cleanup);
    for (int i = 0; i < s->nnodes; i++) area[i] = 0.0;
    if (*is->group) {
      /* a face group: it must be an interface between these two regions */
      int g = -1;
      for (int k2 = 0; k2 < m->ninterfaces; k2++)
        if (!strcmp(m->interfaces[k2].name, is->group)) g = k2;
      const int ok = g >= 0 && ((m->interfaces[g].region[0] == r1 && m->interfaces[g].region[1] == r2) ||
                                (m->interfaces[g].region[0] == r2 && m->interfaces[g].region[1] == r1));
      if (!ok) {
        e = tcad_error(TCAD_ERR_INPUT,
                       "%s: 'group: %s' is %s; expected a face group of the mesh that lies between '%s' and '%s' "
                       "and is not a contact (`tcad info` lists them under 'interfaces')",
                       TcadDeckGetLocation(d, is->loc), is->group,
                       g < 0 ? "not a face group between two regions of the mesh" : "between other regions",
                       is->region[0], is->region[1]);
        goto cleanup;
      }
      e = TcadMeshGetFaceGroupArea(m, is->group, area);
    } else {
      e = TcadMeshGetInterfaceArea(m, r1, r2, area);
    }
    if (e) {
      tcad_error_context("%s", TcadDeckGetLocation(d, is->loc));
      tcad_error_frame(__FILE__, __LINE__, __func__, e);
      goto cleanup;
    }
    for (int i = 0; i < s->nnodes; i++) s->D.node_fixed[i] += TCAD_Q * is->charge * area[i];
  }
cleanup:
  free(area);
  return e;
}

int tcad_sim_coefficients(TcadSim *s)
{
  const TcadMesh *m = s->mesh;
  const TcadGeometry *g = s->geom;
  const TcadDeck *d = s->deck;
  TcadAsmData *D = &s->D;
  const int n = s->nnodes;
  TCAD_ALLOC(s->donors, n);
  TCAD_ALLOC(s->acceptors, n);
  TCAD_CALL(TcadDopingEvaluate(d, m, s->donors, s->acceptors));
  /* the arrays the assembly reads that the solver owns (TCAD_ASM_ARRAYS), zeroed */
#define TCAD_SIM_ALLOC(type, name, per, mult, owned)                                                                   \
  if (owned) TCAD_ALLOC(D->name, tcad_asm_count(D, per, mult));
  TCAD_ASM_ARRAYS(TCAD_SIM_ALLOC)
#undef TCAD_SIM_ALLOC
  TCAD_ALLOC(s->cflux, TCAD_ASM_NCFLUX * (size_t)n);
  TCAD_ALLOC(s->fwork, (size_t)s->bs * n);
  TCAD_ALLOC(s->fmag, (size_t)s->bs * n);
  const TcadMaterial *sm = s->semi;
  double C0 = s->nie;
  for (int i = 0; i < n; i++) {
    for (int k = g->node_region_ptr[i]; k < g->node_region_ptr[i + 1]; k++)
      if (m->regions[g->node_region[k]].kind == TCAD_MAT_SEMICONDUCTOR)
        D->node_semi[i] = 1, D->node_vsemi[i] += g->node_region_volume[k];
    const double N = s->donors[i] + s->acceptors[i];
    D->node_fixed[i] = TCAD_Q * (s->donors[i] - s->acceptors[i]) * D->node_vsemi[i];
    for (int c = 0; c < 2; c++)
      D->node_tau[2 * i + c] = tcad_srh_lifetime(N, sm->taumax[c], sm->taumin[c], sm->tau_nref[c], sm->tau_gamma[c]);
    C0 = fmax(C0, fabs(s->donors[i] - s->acceptors[i]));
  }
  s->C0 = C0;
  TCAD_CALL(interface_charge(s));
  for (int e = 0; e < g->nedges; e++) {
    const TcadMeshRegion *reg = &m->regions[g->edge_region[e]];
    const TcadMaterial *mat = TcadDeckGetMaterial(d, reg->material);
    if (!mat) return tcad_error(TCAD_ERR_INTERNAL, "region '%s': material '%s' missing", reg->name, reg->material);
    D->edge_eps[e] = TCAD_EPS0 * mat->permittivity;
    if (reg->kind != TCAD_MAT_SEMICONDUCTOR) continue;
    D->edge_semi[e] = 1;
    const int i = g->edge_i[e], j = g->edge_j[e];
    for (int k = 0; k < 2; k++)
      D->edge_mu0[2 * e + k] = 0.5 * (low_field_mobility(s, mat, k, s->donors[i] + s->acceptors[i]) +
                                      low_field_mobility(s, mat, k, s->donors[j] + s->acceptors[j]));
  }
  return 0;
}
