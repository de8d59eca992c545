/* Recording a converged bias point: the progress line, the node fields of the HDF5 series, the
 * IV row (CSV and /iv in the HDF5 file). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"
#include "tcad/ivtable.h"

/* one IV row holds the point index, four columns per contact and, with impact ionization, three
 * more and one per contact */
#define TCAD_RECORD_MAX_CONTACTS 64
#define TCAD_RECORD_IV_C0 3 /* the first contact column */

int TcadSimSetOutput(TcadSim *s, TcadOutput *out, const char *iv_csv, int quiet)
{
  s->out = out;
  s->quiet = quiet;
  if (!iv_csv) return 0;
  const int nc = s->ncontacts, ii = s->deck->physics.impact != TCAD_II_NONE, hc = s->hc_drain >= 0;
  const int ncol = 3 + 4 * nc + (ii ? 3 + nc : 0) + (hc ? tcad_sim_hc_columns(s, NULL, NULL) : 0);
  /* owned by the sim from here (freed with it) */
  TCAD_ALLOC(s->iv_names, ncol);
  TCAD_ALLOC(s->iv_colnames, ncol);
  TCAD_ALLOC(s->iv_units, ncol);
  char(*names)[TCAD_NAME_MAX + 8] = s->iv_names;
  const char **np = s->iv_colnames, **up = s->iv_units;
  s->iv_ncol = ncol;
  /* the point, the solve entry that made it and its number in that entry */
  snprintf(names[0], sizeof names[0], "point");
  snprintf(names[1], sizeof names[0], "solve_step");
  snprintf(names[2], sizeof names[0], "step_point");
  up[0] = up[1] = up[2] = "1";
  static const char *pre[] = {"V", "In", "Ip", "I"};
  for (int c = 0; c < nc; c++)
    for (int k = 0; k < 4; k++) {
      snprintf(names[TCAD_RECORD_IV_C0 + 4 * c + k], sizeof names[0], "%s(%s)", pre[k], s->contacts[c].name);
      up[TCAD_RECORD_IV_C0 + 4 * c + k] = k == 0 ? "V" : TcadSimGetCurrentUnit(s);
    }
  if (ii) { /* the ionization integrals and the avalanche generation current */
    snprintf(names[TCAD_RECORD_IV_C0 + 4 * nc], sizeof names[0], "II_n");
    snprintf(names[TCAD_RECORD_IV_C0 + 1 + 4 * nc], sizeof names[0], "II_p");
    snprintf(names[TCAD_RECORD_IV_C0 + 2 + 4 * nc], sizeof names[0], "I_aval");
    up[TCAD_RECORD_IV_C0 + 4 * nc] = up[TCAD_RECORD_IV_C0 + 1 + 4 * nc] = "1";
    up[TCAD_RECORD_IV_C0 + 2 + 4 * nc] = TcadSimGetCurrentUnit(s);
    for (int c = 0; c < nc; c++) { /* and its share in each contact's current */
      snprintf(names[TCAD_RECORD_IV_C0 + 3 + 4 * nc + c], sizeof names[0], "I_aval(%s)", s->contacts[c].name);
      up[TCAD_RECORD_IV_C0 + 3 + 4 * nc + c] = TcadSimGetCurrentUnit(s);
    }
  }
  if (hc) /* the hot-carrier monitor (solver/hotcarrier.c) */
    tcad_sim_hc_columns(s, names + TCAD_RECORD_IV_C0 + 3 + 5 * nc, up + TCAD_RECORD_IV_C0 + 3 + 5 * nc);
  for (int k = 0; k < ncol; k++) np[k] = names[k];
  TCAD_RETURN(TcadIVTableOpen(iv_csv, ncol, np, up, &s->iv));
}

int TcadSimSetOutputFinal(TcadSim *s, const char *h5, const char *xdmf, const char *iv_csv)
{
  free(s->final_h5), free(s->final_xdmf), free(s->final_iv);
  s->final_h5 = s->final_xdmf = s->final_iv = NULL;
  TCAD_ALLOC(s->final_h5, strlen(h5) + 1);
  TCAD_ALLOC(s->final_xdmf, strlen(xdmf) + 1);
  TCAD_ALLOC(s->final_iv, strlen(iv_csv) + 1);
  strcpy(s->final_h5, h5), strcpy(s->final_xdmf, xdmf), strcpy(s->final_iv, iv_csv);
  return 0;
}

int TcadSimOutputCommitted(const TcadSim *s) { return !s->final_h5; }

/* The staged output to its final names, once the first point is on disk. */
static int commit_output(TcadSim *s)
{
  if (!s->final_h5) return 0;
  if (s->out) TCAD_CALL(TcadOutputMove(s->out, s->final_h5, s->final_xdmf));
  if (s->iv) TCAD_CALL(TcadIVTableMove(s->iv, s->final_iv));
  free(s->final_h5), free(s->final_xdmf), free(s->final_iv);
  s->final_h5 = s->final_xdmf = s->final_iv = NULL;
  return 0;
}

void tcad_sim_bias_label(const TcadSim *s, char *buf, size_t n)
{
  size_t w = 0;
  buf[0] = 0;
  for (int c = 0; c < s->ncontacts && w < n; c++)
    w += (size_t)snprintf(buf + w, n - w, "%s%s=%.4g", c ? " " : "", s->contacts[c].name, s->contacts[c].voltage);
}

/* One node field of the HDF5 series. */
typedef struct {
  const char *name, *unit;
  int ncomp;
  const double *value;
} TcadRecordField;

/* The fields the deck asks for (output.quantities); each name must be one of the deck's list,
 * tcad_output_quantities, which is where a user finds the names. */
static int write_list(TcadSim *s, const TcadRecordField *f, int n)
{
  for (int k = 0; k < n; k++) {
    int known = 0;
    for (int q = 0; tcad_output_quantities[q] && !known; q++) known = !strcmp(tcad_output_quantities[q], f[k].name);
    if (!known)
      return tcad_error(TCAD_ERR_INTERNAL, "field '%s' is not in tcad_output_quantities (io/deck_solve.c)", f[k].name);
    if (f[k].value && TcadDeckWantsQuantity(s->deck, f[k].name))
      TCAD_CALL(TcadOutputWriteNodeField(s->out, f[k].name, f[k].unit, f[k].ncomp, f[k].value));
  }
  return 0;
}

/* Energy-balance fields: temperatures, drift velocities, energy flux densities (holes only with
 * their temperature equation). */
static int write_energy_fields(TcadSim *s)
{
  const int n = s->nnodes, holes = s->bs > 4;
  double *buf = NULL;
  int e = 0;
  TCAD_ALLOC(buf, (size_t)n * 14);
  double *tn = buf, *tp = buf + n, *vn = buf + 2 * n, *vp = buf + 5 * n, *sn = buf + 8 * n, *sp = buf + 11 * n;
  TCAD_CALL_GOTO(e, TcadSimGetEnergyFields(s, tn, tp, vn, vp, sn, sp), cleanup);
  const TcadRecordField f[] = {
      {"electron_temperature", "K", 1, tn},      {"hole_temperature", "K", 1, holes ? tp : NULL},
      {"electron_velocity", "cm/s", 3, vn},      {"hole_velocity", "cm/s", 3, vp},
      {"electron_energy_flux", "W/cm^2", 3, sn}, {"hole_energy_flux", "W/cm^2", 3, holes ? sp : NULL}};
  TCAD_CALL_GOTO(e, write_list(s, f, (int)(sizeof f / sizeof f[0])), cleanup);
cleanup:
  free(buf);
  return e;
}

/* Impact-ionization generation: by electrons, by holes, and their sum. */
static int write_generation_fields(TcadSim *s)
{
  const int n = s->nnodes;
  double *buf = NULL;
  int e = 0;
  TCAD_ALLOC(buf, (size_t)n * 3);
  double *gn = buf, *gp = buf + n, *g = buf + 2 * n;
  TCAD_CALL_GOTO(e, TcadSimGetImpactGeneration(s, gn, gp, NULL), cleanup);
  for (int i = 0; i < n; i++) g[i] = gn[i] + gp[i];
  const TcadRecordField f[] = {{"impact_generation_electrons", "cm^-3 s^-1", 1, gn},
                               {"impact_generation_holes", "cm^-3 s^-1", 1, gp},
                               {"impact_generation", "cm^-3 s^-1", 1, g}};
  TCAD_CALL_GOTO(e, write_list(s, f, (int)(sizeof f / sizeof f[0])), cleanup);
cleanup:
  free(buf);
  return e;
}

/* The node fields of the present solution (those output.quantities asks for). */
static int write_node_fields(TcadSim *s)
{
  const int n = s->nnodes;
  double *buf = NULL;
  int e = 0;
  TCAD_ALLOC(buf, (size_t)n * 15);
  double *psi = buf, *en = buf + n, *hp = buf + 2 * n, *phin = buf + 3 * n, *phip = buf + 4 * n, *ef = buf + 5 * n,
         *jn = buf + 6 * n, *jp = buf + 9 * n, *rec = buf + 12 * n;
  TcadSimGetSolution(s, psi, en, hp);
  TCAD_CALL_GOTO(e, TcadSimGetDerivedFields(s, phin, phip, ef, jn, jp, rec), cleanup);
  const TcadRecordField f[] = {{"potential", "V", 1, psi},
                               {"electron_density", "cm^-3", 1, en},
                               {"hole_density", "cm^-3", 1, hp},
                               {"electron_qf_potential", "V", 1, phin},
                               {"hole_qf_potential", "V", 1, phip},
                               {"electric_field_magnitude", "V/cm", 1, ef},
                               {"electron_current_density", "A/cm^2", 3, jn},
                               {"hole_current_density", "A/cm^2", 3, jp},
                               {"recombination", "cm^-3 s^-1", 1, rec}};
  TCAD_CALL_GOTO(e, write_list(s, f, (int)(sizeof f / sizeof f[0])), cleanup);
  if (s->bs > 3) TCAD_CALL_GOTO(e, write_energy_fields(s), cleanup);
  if (s->D.p.impact) TCAD_CALL_GOTO(e, write_generation_fields(s), cleanup);
  if (s->inj) { /* the hot-carrier injection along the interface (solver/gatecurrent.c) */
    TCAD_CALL_GOTO(e, tcad_sim_gate_density(s, psi), cleanup);
    const TcadRecordField g[] = {{"hot_carrier_injection", "A/cm^2", 1, psi}};
    TCAD_CALL_GOTO(e, write_list(s, g, 1), cleanup);
  }
cleanup:
  free(buf);
  return e;
}

/* The step of a point: its attributes (solve step, contact voltages and currents), its node
 * fields when `fields`, and the solver's state and resume record (always: --resume and load
 * read them). */
int tcad_sim_write_fields(TcadSim *s, const char *label, int fields)
{
  TCAD_CALL(TcadOutputBeginStep(s->out, (double)s->npoints, label));
  TCAD_CALL(TcadOutputSetStepAttribute(s->out, "solve_step", s->solve_step));
  TCAD_CALL(TcadOutputSetStepAttribute(s->out, "step_point", s->step_point));
  for (int c = 0; c < s->ncontacts; c++) {
    char name[TCAD_NAME_MAX + 8];
    snprintf(name, sizeof name, "V_%s", s->contacts[c].name);
    TCAD_CALL(TcadOutputSetStepAttribute(s->out, name, s->contacts[c].voltage));
    snprintf(name, sizeof name, "I_%s", s->contacts[c].name);
    TCAD_CALL(TcadOutputSetStepAttribute(s->out, name, s->contacts[c].cur[2]));
  }
  if (fields) TCAD_CALL(write_node_fields(s));
  TCAD_RETURN(tcad_sim_write_resume(s));
}

/* The point's IV row (into row, ncol values). */
static int iv_row(TcadSim *s, double *row)
{
  const int nc = s->ncontacts < TCAD_RECORD_MAX_CONTACTS ? s->ncontacts : TCAD_RECORD_MAX_CONTACTS;
  row[0] = s->npoints, row[1] = s->solve_step, row[2] = s->step_point;
  for (int c = 0; c < nc; c++) {
    row[TCAD_RECORD_IV_C0 + 4 * c] = s->contacts[c].voltage;
    for (int k = 0; k < 3; k++) row[TCAD_RECORD_IV_C0 + 1 + 4 * c + k] = s->contacts[c].cur[k];
  }
  if (s->deck->physics.impact != TCAD_II_NONE) {
    TCAD_CALL(
        TcadSimGetIonizationIntegrals(s, &row[TCAD_RECORD_IV_C0 + 4 * nc], &row[TCAD_RECORD_IV_C0 + 1 + 4 * nc], NULL));
    TCAD_CALL(TcadSimGetImpactGeneration(s, NULL, NULL, &row[TCAD_RECORD_IV_C0 + 2 + 4 * nc]));
    TCAD_CALL(TcadSimGetContactAvalanche(s, &row[TCAD_RECORD_IV_C0 + 3 + 4 * nc]));
    /* the ionization-integral breakdown estimate: where the electron- and the hole-initiated
     * integral first reach 1 along the ramped contact's voltage (each interpolated linearly
     * between the rows around it; the two coincide in exact arithmetic), their mean */
    const double in = row[TCAD_RECORD_IV_C0 + 4 * nc], ip = row[TCAD_RECORD_IV_C0 + 1 + 4 * nc];
    const double v = s->ramp_contact >= 0 ? s->contacts[s->ramp_contact].voltage : NAN;
    if (!isnan(s->ii_last_v) && !isnan(v)) {
      if (isnan(s->ii_bv_n) && in >= 1.0 && s->ii_last < 1.0)
        s->ii_bv_n = s->ii_last_v + (v - s->ii_last_v) * (1.0 - s->ii_last) / (in - s->ii_last);
      if (isnan(s->ii_bv_p) && ip >= 1.0 && s->ii_last_p < 1.0)
        s->ii_bv_p = s->ii_last_v + (v - s->ii_last_v) * (1.0 - s->ii_last_p) / (ip - s->ii_last_p);
      if (isnan(s->ii_bv) && !isnan(s->ii_bv_n) && !isnan(s->ii_bv_p)) s->ii_bv = 0.5 * (s->ii_bv_n + s->ii_bv_p);
    }
    s->ii_last = in, s->ii_last_p = ip, s->ii_last_v = v;
  }
  if (s->hc_drain >= 0) tcad_sim_hc_row(s, row + TCAD_RECORD_IV_C0 + 3 + 5 * nc);
  return 0;
}

/* Whether this point's step gets its node fields (output.fields_every): the first point of a
 * solve step, every fields_every-th after it, and the last one (a sweep's end; a breakdown
 * step's point at its criterion current). */
static int want_fields(const TcadSim *s)
{
  const int every = s->deck ? s->deck->output.fields_every : 1;
  if (every <= 1 || s->step_point % every == 0 || s->rec_last) return 1;
  return s->in_breakdown && s->bd_contact >= 0 && fabs(s->contacts[s->bd_contact].cur_node[2]) >= s->bd_current;
}

/* A converged point to disk, in the order that keeps the files listing the same points after a
 * kill at any moment except within the short commit (docs/output.md, "Crash safety"): the
 * step's fields into the HDF5 file and flushed (not yet counted); then the commit: /iv's new row
 * and /steps nsteps in one small flush, the XDMF grid appended in one write, the CSV row in one
 * write; then the progress line. */
int tcad_sim_record(TcadSim *s, const char *what)
{
  char label[512];
  const double t0 = tcad_now();
  TCAD_CALL(tcad_sim_currents(s));
  tcad_sim_bias_label(s, label, sizeof label);
  if (s->iv) {
    double row[TCAD_RECORD_IV_C0 + 3 + TCAD_HC_MAX_COLUMNS + 5 * TCAD_RECORD_MAX_CONTACTS];
    TCAD_CALL(iv_row(s, row));
    TCAD_CALL(TcadIVTableStage(s->iv, row));
  }
  if (s->out) {
    TCAD_CALL(tcad_sim_write_fields(s, label, want_fields(s)));
    TCAD_CALL(TcadOutputFinishStep(s->out));
    if (s->iv) {
      const double *data;
      const int nrows = TcadIVTableGetRows(s->iv, &data);
      TCAD_CALL(TcadOutputWriteTable(s->out, "iv", s->iv_ncol, s->iv_colnames, s->iv_units, nrows, data));
    }
    TCAD_CALL(TcadOutputEndStep(s->out));
  }
  if (s->iv) TCAD_CALL(TcadIVTableWriteStaged(s->iv));
  TCAD_CALL(commit_output(s));
  /* the progress line once the point's fields, IV row and XDMF are on disk */
  const TcadSolveStats *st = &s->last;
  if (!s->quiet) {
    printf("  %-12s %-40s newton %2d%s  |F| %.2e  %.3f s", what, label, st->iterations,
           st->equilibrium     ? "e"
           : st->fallback == 1 ? "d"
           : st->fallback == 2 ? "r"
                               : " ",
           st->fnorm, st->seconds);
    for (int c = 0; c < s->ncontacts; c++)
      if (s->contacts[c].type == TCAD_CONTACT_OHMIC) printf("  I(%s)=%.4e", s->contacts[c].name, s->contacts[c].cur[2]);
    printf("\n");
    fflush(stdout);
  }
  s->npoints++, s->step_point++;
  s->totals.points++;
  s->totals.t_output += tcad_now() - t0;
  return 0;
}
