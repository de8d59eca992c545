/* TcadSim creation and destruction: the options, the models the deck asks for, the material,
 * the unknown layout and scaling, and the parameters of the assembly; the parts are built by
 * coefficients.c, pattern.c and contacts.c (solver/sim_internal.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"
#include "tcad/ivtable.h"

/* Which models the deck asks for that this solver does not have: one clear error each. */
static int check_models(const TcadDeck *d)
{
  const TcadPhysicsSpec *ph = &d->physics;
  if (ph->statistics != TCAD_STAT_BOLTZMANN)
    return tcad_error(TCAD_ERR_NOTIMPL,
                      "%s: Fermi-Dirac statistics are not implemented yet; use "
                      "'statistics: boltzmann'",
                      TcadDeckGetLocation(d, ph->loc_statistics));
  for (int k = 0; k < d->nsteps; k++)
    if (d->steps[k].kind == TCAD_STEP_BREAKDOWN && ph->impact == TCAD_II_NONE)
      return tcad_error(TCAD_ERR_INPUT,
                        "%s: a breakdown step needs avalanche generation; add 'impact_ionization: vanoverstraeten' "
                        "(or selberherr, okuto) to 'physics'",
                        TcadDeckGetLocation(d, d->steps[k].loc));
  return 0;
}

/* The semiconductor material: one per device for now (no heterojunctions). */
static int find_semiconductor(const TcadDeck *deck, const TcadMesh *mesh, const TcadMaterial **semi)
{
  *semi = NULL;
  for (int r = 0; r < mesh->nregions; r++) {
    if (mesh->regions[r].kind != TCAD_MAT_SEMICONDUCTOR) continue;
    const TcadMaterial *mat = TcadDeckGetMaterial(deck, mesh->regions[r].material);
    if (*semi && mat && strcmp(mat->name, (*semi)->name))
      return tcad_error(TCAD_ERR_NOTIMPL,
                        "regions use two semiconductors (%s and %s); heterostructures are not "
                        "implemented yet",
                        mesh->regions[r].material, (*semi)->name);
    if (!*semi) *semi = mat;
  }
  if (!*semi)
    return tcad_error(TCAD_ERR_INPUT, "the device has no semiconductor region; give one region a semiconductor "
                                      "material (e.g. Si)");
  return 0;
}

/* The assembly's parameters: models, material constants, options, scales. Unknowns: ψ in V_T,
 * densities in the largest net doping, temperatures in T_L; equations so that a unit-size
 * coupling (A/h ~ L^(d-2), L = 1 µm) gives O(ε_r) and O(μ) entries, the energy equations as
 * k T_L times the particle equations. */
static void set_params(TcadSim *s)
{
  const TcadDeck *deck = s->deck;
  const TcadMaterial *sm = s->semi;
  TcadAsmParams *P = &s->D.p;
  const double L = pow(1e-4, s->dim - 2);
  P->mode = TCAD_ASM_EQUILIBRIUM;
  P->vt = s->vt, P->nie = s->nie;
  P->hf = deck->physics.high_field == TCAD_HF_CANALI   ? TCAD_ASM_HF_CANALI
          : deck->physics.high_field == TCAD_HF_HANSCH ? TCAD_ASM_HF_HANSCH
                                                       : TCAD_ASM_HF_NONE;
  P->df = deck->physics.driving_force == TCAD_DF_QUASI_FERMI ? TCAD_ASM_DF_QUASI_FERMI
          : deck->physics.driving_force == TCAD_DF_FIELD     ? TCAD_ASM_DF_FIELD
                                                             : TCAD_ASM_DF_JOULE;
  P->sign_smooth = TCAD_DEFAULT_SIGN_SMOOTH, P->dir_smooth = TCAD_DEFAULT_DIR_SMOOTH,
  P->joule_smooth = s->opt.joule_smooth;
  P->hf_floor = s->opt.hf_floor, P->qf_floor = s->opt.qf_floor, P->relax_floor = s->opt.relax_floor;
  P->floor_gate = 1.0; /* set per Newton solve from the bias (solver/newton.c) */
  P->TL = s->T, P->energy = 0;
  for (int k = 0; k < 2; k++) {
    P->tauw[k] = s->tauw[k] = sm->tauw[k];
    P->tauw_t1[k] = sm->tauw_t1[k], P->tauw_t2[k] = sm->tauw_t2[k];
    P->vsat[k] = sm->vsat[k], P->beta[k] = sm->canali_beta[k];
  }
  P->impact = deck->physics.impact != TCAD_II_NONE;
  for (int k = 0; k < 2; k++) {
    const double hw = sm->ii_phonon_energy;
    switch (deck->physics.impact) { /* none: van Overstraeten–de Man for the ionization integrals */
    case TCAD_II_OKUTO:
      P->ii[k] = tcad_impact_coef(TCAD_IMPACT_OKUTO, sm->okuto_a[k], sm->okuto_b[k], 0, 0, 0, sm->okuto_c[k],
                                  sm->okuto_d[k], hw, s->T);
      break;
    case TCAD_II_SELBERHERR:
      P->ii[k] = tcad_impact_coef(TCAD_IMPACT_CHYNOWETH, sm->selberherr_a[k], sm->selberherr_b[k], sm->selberherr_a[k],
                                  sm->selberherr_b[k], 1e300, 0, 0, hw, s->T);
      break;
    default:
      P->ii[k] = tcad_impact_coef(TCAD_IMPACT_CHYNOWETH, sm->vanoverstraeten_a[k], sm->vanoverstraeten_b[k],
                                  sm->vanoverstraeten_a_high[k], sm->vanoverstraeten_b_high[k],
                                  sm->vanoverstraeten_f0[k], 0, 0, hw, s->T);
      break;
    }
  }
  P->rec.srh = deck->physics.srh, P->rec.auger = deck->physics.auger, P->rec.nie = s->nie;
  P->rec.auger_c[0] = sm->auger[0], P->rec.auger_c[1] = sm->auger[1];
  P->sv[0] = s->vt, P->sv[1] = P->sv[2] = s->C0;
  P->se[0] = TCAD_EPS0 * s->vt * L;
  P->se[1] = P->se[2] = s->vt * s->C0 * L;
  for (int t = 3; t < s->bs; t++) P->sv[t] = s->T, P->se[t] = TCAD_KB * s->T * P->se[1];
}

int TcadSimCreate(const TcadDeck *deck, const TcadMesh *mesh, const TcadGeometry *geom, TcadSim **simp)
{
  TcadSim *s = NULL;
  int e = 0, backend;
  *simp = NULL;
  TCAD_CALL(check_models(deck));
  TCAD_ALLOC(s, 1);
  s->deck = deck, s->mesh = mesh, s->geom = geom;
  s->sb_contact = -1;
  s->hc_drain = s->hc_sub = -1;
  s->bd_contact = s->ramp_contact = -1, s->bd_voltage = s->ii_bv = s->ii_bv_n = s->ii_bv_p = s->ii_last_v = NAN,
  s->ii_last = s->ii_last_p = 0.0;
  s->nnodes = mesh->nnodes, s->dim = mesh->dim;
  s->T = deck->physics.temperature;
  TCAD_CALL_GOTO(e, TcadOptionsRead(&s->opt), fail);
  /* -tcad_transport overrides the deck's (to run one deck in both models) */
  const int transport = s->opt.transport >= 0 ? s->opt.transport : (int)deck->physics.transport;
  s->bs = transport == TCAD_TRANSPORT_EB ? 5 : transport == TCAD_TRANSPORT_EB_ELECTRONS ? 4 : 3;
  s->vt = TCAD_KB * s->T / TCAD_Q;
  TCAD_CALL_GOTO(e, find_semiconductor(deck, mesh, &s->semi), fail);
  s->nie = tcad_intrinsic_density(s->semi->ni, s->semi->nc, s->semi->nv, s->semi->bandgap, s->T);
  TcadAsmData *D = &s->D;
  D->nnodes = s->nnodes, D->nedges = geom->nedges, D->bs = s->bs;
  D->edge_i = geom->edge_i, D->edge_j = geom->edge_j;
  D->edge_coupling = geom->edge_coupling, D->edge_length = geom->edge_length;
  TCAD_CALL_GOTO(e, tcad_sim_coefficients(s), fail);
  TCAD_CALL_GOTO(e, tcad_sim_contacts(s), fail);
  TCAD_CALL_GOTO(e, tcad_sim_pattern(s), fail);
  set_params(s);
  tcad_sim_update_bc(s);
  TCAD_CALL_GOTO(e, tcad_sim_setup_snes(s), fail);
  TCAD_CALL_GOTO(e, TcadSimGetDefaultBackend(s->opt.backend, &backend, NULL, 0), fail);
  TCAD_CALL_GOTO(e, TcadSimSetBackend(s, backend), fail);
  /* the hot-carrier monitor and gate injection: their errors (contacts, interface, gate) before
   * any file is written */
  TCAD_CALL_GOTO(e, tcad_sim_hc_setup(s), fail);
  *simp = s;
  return 0;
fail:
  TcadSimDestroy(&s);
  return e;
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
#define TCAD_SIM_FREE(type, name, per, mult, owned)                                                                    \
  if (owned) free((void *)s->D.name);
  TCAD_ASM_ARRAYS(TCAD_SIM_FREE)
#undef TCAD_SIM_FREE
  free(s->donors), free(s->acceptors), free(s->rowptr), free(s->col), free(s->cflux), free(s->cweight), free(s->fwork),
      free(s->fmag);
  for (int c = 0; s->contacts && c < s->ncontacts; c++)
    free(s->contacts[c].slot), free(s->contacts[c].slot_start), free(s->contacts[c].root_slot);
  free(s->drive_f), free(s->drive_acc), free(s->dir_new);
  free(s->resume.xa), free(s->outdir);
  free(s->contacts), free(s->node_contact), free(s->iv_names), free(s->iv_colnames), free(s->iv_units);
  free(s->em_i), free(s->em_j), free(s->em_h);
  tcad_sim_gate_free(s);
  free(s->final_h5), free(s->final_xdmf), free(s->final_iv);
  free(s);
  *sp = NULL;
}
