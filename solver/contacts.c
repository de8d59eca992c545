/* Contacts: which mesh nodes each deck contact holds and what kind it is, the values imposed
 * there from the applied voltages (ohmic: neutral equilibrium; gate: ψ = V − Φ_ms), the terminal
 * currents, and the contact accessors. */
#include <math.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"

static const TcadContactSpec *deck_contact(const TcadDeck *d, const char *name)
{
  for (int c = 0; c < d->ncontacts; c++)
    if (!strcmp(d->contacts[c].name, name)) return &d->contacts[c];
  return NULL;
}

/* The node's coordinates in µm for messages. */
#define TCAD_UM(m, i) 1e4 * (m)->coord[3 * (i)], 1e4 * (m)->coord[3 * (i) + 1], 1e4 * (m)->coord[3 * (i) + 2]

int tcad_sim_contacts(TcadSim *s)
{
  const TcadMesh *m = s->mesh;
  const TcadDeck *d = s->deck;
  TcadAsmData *D = &s->D;
  s->ncontacts = m->ncontacts;
  TCAD_ALLOC(s->contacts, m->ncontacts > 0 ? m->ncontacts : 1);
  TCAD_ALLOC(s->node_contact, s->nnodes);
  for (int i = 0; i < s->nnodes; i++) s->node_contact[i] = -1;
  const TcadMaterial *sm = s->semi;
  const double phi_i = tcad_intrinsic_workfunction(sm->affinity, sm->bandgap, sm->nc, sm->nv, s->vt);
  for (int c = 0; c < m->ncontacts; c++) {
    TcadSimContact *sc = &s->contacts[c];
    const TcadContactSpec *cs = deck_contact(d, m->contacts[c].name);
    snprintf(sc->name, sizeof sc->name, "%s", m->contacts[c].name);
    sc->mesh_index = c;
    if (!cs) return tcad_error(TCAD_ERR_INTERNAL, "contact '%s' has no deck entry", sc->name);
    sc->type = cs->type;
    if (cs->type == TCAD_CONTACT_SCHOTTKY)
      return tcad_error(TCAD_ERR_NOTIMPL,
                        "%s: contact '%s': Schottky contacts are not implemented yet; use "
                        "'type: ohmic' or a gate on an insulator",
                        TcadDeckGetLocation(d, cs->loc), sc->name);
    if (cs->resistance != 0.0)
      return tcad_error(TCAD_ERR_NOTIMPL,
                        "%s: contact '%s': lumped series resistance is not implemented yet; "
                        "remove 'resistance'",
                        TcadDeckGetLocation(d, cs->loc), sc->name);
    sc->psi_offset = cs->type == TCAD_CONTACT_GATE && cs->has_workfunction ? -(cs->workfunction - phi_i) : 0.0;
    for (int k = 0; k < m->contacts[c].nnodes; k++) {
      const int i = m->contacts[c].node[k];
      if (s->node_contact[i] >= 0)
        return tcad_error(TCAD_ERR_MESH,
                          "contacts '%s' and '%s' share the node at (%g, %g, %g) um; contacts must "
                          "not touch",
                          s->contacts[s->node_contact[i]].name, sc->name, TCAD_UM(m, i));
      if (cs->type == TCAD_CONTACT_OHMIC && !D->node_semi[i])
        return tcad_error(TCAD_ERR_MESH,
                          "%s: ohmic contact '%s' has a node at (%g, %g, %g) um that is not in a "
                          "semiconductor region; an ohmic contact must lie on the semiconductor",
                          TcadDeckGetLocation(d, cs->loc), sc->name, TCAD_UM(m, i));
      if (cs->type == TCAD_CONTACT_GATE && D->node_semi[i])
        return tcad_error(TCAD_ERR_MESH,
                          "%s: gate contact '%s' touches the semiconductor at (%g, %g, %g) um; a "
                          "gate must lie on an insulator (a metal on the semiconductor is a Schottky contact, "
                          "not implemented yet)",
                          TcadDeckGetLocation(d, cs->loc), sc->name, TCAD_UM(m, i));
      s->node_contact[i] = c;
      D->node_bc[i] = cs->type == TCAD_CONTACT_OHMIC ? TCAD_BC_OHMIC : TCAD_BC_GATE;
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
    double *b = s->D.bc_value + (size_t)s->bs * i;
    for (int t = 3; t < s->bs; t++) b[t] = s->T; /* carriers at the lattice temperature */
    if (sc->type == TCAD_CONTACT_OHMIC) {
      b[0] = sc->voltage + tcad_ohmic_equilibrium(s->donors[i] - s->acceptors[i], s->nie, s->vt, &b[1], &b[2]);
    } else {
      b[0] = sc->voltage + sc->psi_offset;
      b[1] = b[2] = 0.0;
    }
  }
}

void tcad_sim_contact_sums(TcadSim *s)
{
  for (int c = 0; c < s->ncontacts; c++) {
    const TcadMeshContact *mc = &s->mesh->contacts[s->contacts[c].mesh_index];
    double in = 0, ip = 0, wn = 0, wp = 0;
    for (int k = 0; k < mc->nnodes; k++) {
      const double *cf = s->cflux + TCAD_ASM_NCFLUX * (size_t)mc->node[k];
      in += cf[0], ip += cf[1], wn += cf[2], wp += cf[3];
    }
    s->contacts[c].energy[0] = wn, s->contacts[c].energy[1] = wp;
    s->contacts[c].cur[0] = TCAD_Q * in;
    s->contacts[c].cur[1] = TCAD_Q * ip;
    s->contacts[c].cur[2] = TCAD_Q * (in + ip);
  }
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
void TcadSimGetContactCurrent(const TcadSim *s, int c, double cur[3])
{
  memcpy(cur, s->contacts[c].cur, sizeof(double) * 3);
}
void TcadSimGetContactEnergy(const TcadSim *s, int c, double w[2])
{
  w[0] = s->contacts[c].energy[0], w[1] = s->contacts[c].energy[1];
}
const char *TcadSimGetCurrentUnit(const TcadSim *s) { return s->dim == 1 ? "A/cm^2" : s->dim == 2 ? "A/cm" : "A"; }
