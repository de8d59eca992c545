/* Continuing a run from a saved point (tcad run --resume; docs/output.md, "Resuming a run").
 *
 * Every recorded point saves, beside its fields, the solver's state (`solver_state`, the
 * Newton unknowns as they are, so they read back bitwise) and a `resume` record: where in the
 * deck the point was made, the drives of every contact, the ramp under way (solver/sweep.c
 * TcadRampState) and the figures tracked along the run (breakdown, snapback, ionization
 * integrals). A resumed run restores all of it and goes on as the interrupted run would have:
 * a sweep continues from its last point with the same step and the same extrapolation, so its
 * later points and currents are those of an uninterrupted run. A `breakdown` step is not
 * continued from inside (its own stepping state is not saved): the run goes back to the last
 * point before that step and traces the step again. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"
#include "tcad/fs.h"
#include "tcad/ivtable.h"

enum {
  R_VERSION,
  R_BS,
  R_NCONTACTS,
  R_SOLVE_STEP,
  R_STEP_POINT,
  R_POINT,
  R_BREAKDOWN,
  R_ACTIVE,
  R_RECORD,
  R_IN_CURRENT,
  R_NC,
  R_NHIST,
  R_SPAN,
  R_IREF,
  R_G,
  R_T,
  R_DT,
  R_DTMIN,
  R_DTMAX,
  R_TA,
  R_TB,
  R_SB_CONTACT,
  R_SB_POINTS,
  R_SB_VT,
  R_SB_IT,
  R_SB_VH,
  R_SB_IH,
  R_SB_VLAST,
  R_II_LAST,
  R_II_LAST_P,
  R_II_LAST_V,
  R_II_BV_N,
  R_II_BV_P,
  R_II_BV,
  R_BD_CONTACT,
  R_BD_REACHED,
  R_BD_VOLTAGE,
  R_BD_CURRENT,
  R_RAMP_CONTACT,
  R_HEAD
};
#define TCAD_RESUME_VERSION 1

/* per contact: voltage, applied, drive, target; per ramp contact: index, v0, v1, end */
static size_t record_size(const TcadSim *s) { return R_HEAD + 4 * (size_t)s->ncontacts + 4 * TCAD_SWEEP_MAX_CONTACTS; }

int tcad_sim_write_resume(TcadSim *s)
{
  const size_t n = record_size(s);
  double *r = calloc(n, sizeof(double));
  if (!r) return tcad_error(TCAD_ERR_MEM, "out of memory for the resume record");
  const TcadRampState *rs = &s->ramp;
  r[R_VERSION] = TCAD_RESUME_VERSION, r[R_BS] = s->bs, r[R_NCONTACTS] = s->ncontacts;
  r[R_SOLVE_STEP] = s->solve_step, r[R_STEP_POINT] = s->step_point, r[R_POINT] = s->npoints;
  r[R_BREAKDOWN] = s->in_breakdown;
  r[R_ACTIVE] = rs->active, r[R_RECORD] = rs->record, r[R_IN_CURRENT] = rs->in_current, r[R_NC] = rs->nc;
  r[R_NHIST] = rs->nhist, r[R_SPAN] = rs->span, r[R_IREF] = rs->iref, r[R_G] = rs->g, r[R_T] = rs->t;
  r[R_DT] = rs->dt, r[R_DTMIN] = rs->dtmin, r[R_DTMAX] = rs->dtmax, r[R_TA] = rs->ta, r[R_TB] = rs->tb;
  r[R_SB_CONTACT] = s->sb_contact, r[R_SB_POINTS] = s->sb_points, r[R_SB_VT] = s->sb_vt, r[R_SB_IT] = s->sb_it;
  r[R_SB_VH] = s->sb_vh, r[R_SB_IH] = s->sb_ih, r[R_SB_VLAST] = s->sb_vlast;
  r[R_II_LAST] = s->ii_last, r[R_II_LAST_P] = s->ii_last_p, r[R_II_LAST_V] = s->ii_last_v;
  r[R_II_BV_N] = s->ii_bv_n, r[R_II_BV_P] = s->ii_bv_p, r[R_II_BV] = s->ii_bv;
  r[R_BD_CONTACT] = s->bd_contact, r[R_BD_REACHED] = s->bd_reached, r[R_BD_VOLTAGE] = s->bd_voltage;
  r[R_BD_CURRENT] = s->bd_current, r[R_RAMP_CONTACT] = s->ramp_contact;
  double *c = r + R_HEAD;
  for (int k = 0; k < s->ncontacts; k++, c += 4) {
    const TcadSimContact *sc = &s->contacts[k];
    c[0] = sc->voltage, c[1] = sc->applied, c[2] = sc->drive, c[3] = sc->target;
  }
  for (int k = 0; k < rs->nc; k++, c += 4)
    c[0] = rs->contact[k], c[1] = rs->v0[k], c[2] = rs->v1[k], c[3] = rs->ends[k];
  int e = TcadOutputWriteStepArray(s->out, "resume", 1, (int)n, r);
  free(r);
  TCAD_CALL(e);
  TCAD_RETURN(TcadOutputWriteStepArray(s->out, "solver_state", s->nnodes, s->bs, TcadSimGetState(s)));
}

/* Step k's resume record into r (record_size values), checked against this sim. */
static int read_record(TcadSim *s, TcadOutput *out, int k, double *r)
{
  TCAD_CALL(TcadOutputReadStepArray(out, k, "resume", r, record_size(s)));
  if (r[R_VERSION] != TCAD_RESUME_VERSION || r[R_NCONTACTS] != s->ncontacts)
    return tcad_error(TCAD_ERR_INPUT, "step %d of the saved run is of another version or device; run without --resume",
                      k);
  if (r[R_BS] != s->bs)
    return tcad_error(TCAD_ERR_INPUT,
                      "the saved run solved %g unknowns per node, this one %d (another -tcad_transport?); resume "
                      "with the options of the saved run, or run without --resume",
                      r[R_BS], s->bs);
  return 0;
}

int TcadSimResume(TcadSim *s, TcadOutput *out, int *keep)
{
  const int nsteps = TcadOutputGetStepCount(out);
  const size_t nr = record_size(s), nx = (size_t)s->bs * s->nnodes;
  double *r = malloc(nr * sizeof(double));
  int e = 0, k = nsteps - 1;
  *keep = 0;
  if (!r) {
    e = tcad_error(TCAD_ERR_MEM, "out of memory for the resume record");
    goto done;
  }
  if (k < 1) goto done; /* the mesh step only: nothing to continue */
  TCAD_CALL_GOTO(e, read_record(s, out, k, r), done);
  /* inside a breakdown step: back to the last point before it */
  if (r[R_BREAKDOWN] != 0) {
    const double entry = r[R_SOLVE_STEP];
    while (k >= 1 && r[R_SOLVE_STEP] == entry) {
      if (--k < 1) break;
      TCAD_CALL_GOTO(e, read_record(s, out, k, r), done);
    }
    if (k < 1) goto done; /* the breakdown step was the first thing after the mesh: start afresh */
  }
  double *x = TcadSimGetState(s);
  TCAD_CALL_GOTO(e, TcadOutputReadStepArray(out, k, "solver_state", x, nx), done);
  const double *c = r + R_HEAD;
  for (int j = 0; j < s->ncontacts; j++, c += 4) {
    TcadSimContact *sc = &s->contacts[j];
    sc->voltage = c[0], sc->applied = c[1], sc->drive = (int)c[2], sc->target = c[3];
  }
  TcadResume *rs = &s->resume;
  TcadRampState *ramp = &rs->ramp;
  memset(rs, 0, sizeof *rs);
  ramp->active = r[R_ACTIVE] != 0, ramp->record = r[R_RECORD] != 0, ramp->in_current = r[R_IN_CURRENT] != 0;
  ramp->nc = (int)r[R_NC], ramp->nhist = (int)r[R_NHIST];
  ramp->span = r[R_SPAN], ramp->iref = r[R_IREF], ramp->g = r[R_G], ramp->t = r[R_T], ramp->dt = r[R_DT];
  ramp->dtmin = r[R_DTMIN], ramp->dtmax = r[R_DTMAX], ramp->ta = r[R_TA], ramp->tb = r[R_TB];
  for (int j = 0; j < ramp->nc && j < TCAD_SWEEP_MAX_CONTACTS; j++, c += 4)
    ramp->contact[j] = (int)c[0], ramp->v0[j] = c[1], ramp->v1[j] = c[2], ramp->ends[j] = c[3];
  s->sb_contact = (int)r[R_SB_CONTACT], s->sb_points = (int)r[R_SB_POINTS], s->sb_vt = r[R_SB_VT];
  s->sb_it = r[R_SB_IT], s->sb_vh = r[R_SB_VH], s->sb_ih = r[R_SB_IH], s->sb_vlast = r[R_SB_VLAST];
  s->ii_last = r[R_II_LAST], s->ii_last_p = r[R_II_LAST_P], s->ii_last_v = r[R_II_LAST_V];
  s->ii_bv_n = r[R_II_BV_N], s->ii_bv_p = r[R_II_BV_P], s->ii_bv = r[R_II_BV];
  s->bd_contact = (int)r[R_BD_CONTACT], s->bd_reached = (int)r[R_BD_REACHED], s->bd_voltage = r[R_BD_VOLTAGE];
  s->bd_current = r[R_BD_CURRENT], s->ramp_contact = (int)r[R_RAMP_CONTACT];
  rs->solve_step = (int)r[R_SOLVE_STEP], rs->step_point = (int)r[R_STEP_POINT] + 1;
  rs->entry_done = !(ramp->active && ramp->t < 1.0 - 1e-12);
  s->npoints = (int)r[R_POINT] + 1;
  /* the converged point before, for the sweep's extrapolation: the step before (a ramp starts
   * from the last recorded point and records every point it makes) */
  if (!rs->entry_done && ramp->nhist == 2) {
    if (k < 2) { /* step 0 is the mesh */
      ramp->nhist = 1;
    } else {
      if (!(rs->xa = malloc(nx * sizeof(double)))) {
        e = tcad_error(TCAD_ERR_MEM, "out of memory");
        goto done;
      }
      TCAD_CALL_GOTO(e, TcadOutputReadStepArray(out, k - 1, "solver_state", rs->xa, nx), done);
    }
  }
  s->D.p.mode = TCAD_ASM_COUPLED, s->eq_done = 1;
  if (s->bs > 3) TCAD_CALL_GOTO(e, TcadSimSetEnergy(s, 1, 1.0), done);
  tcad_sim_update_bc(s);
  rs->pending = 1;
  *keep = k + 1;
done:
  free(r);
  return e;
}

int TcadSimResumeTable(TcadSim *s, const double *rows, int nrows, int ncols)
{
  if (!s->iv) return 0;
  if (nrows > 0 && ncols != s->iv_ncol)
    return tcad_error(TCAD_ERR_INPUT, "the saved run's IV table has %d columns, this run's %d; run without --resume",
                      ncols, s->iv_ncol);
  for (int k = 0; k < nrows; k++) TCAD_CALL(TcadIVTableStage(s->iv, rows + (size_t)k * ncols));
  /* the HDF5 file first (it is what a later --resume reads), then the CSV */
  if (s->out) { /* also with no rows: its flush puts the truncated file on disk */
    const double *data;
    const int n = TcadIVTableGetRows(s->iv, &data);
    TCAD_CALL(TcadOutputWriteTable(s->out, "iv", s->iv_ncol, s->iv_colnames, s->iv_units, n, data));
  }
  TCAD_RETURN(TcadIVTableWriteStaged(s->iv));
}

int TcadSimSetOutputDir(TcadSim *s, const char *dir)
{
  free(s->outdir);
  s->outdir = NULL;
  if (!dir) return 0;
  TCAD_ALLOC(s->outdir, strlen(dir) + 1);
  strcpy(s->outdir, dir);
  return 0;
}

int tcad_sim_save(TcadSim *s, const TcadSolveStep *st)
{
  const TcadDeck *d = s->deck;
  const char *where = TcadDeckGetLocation(d, st->loc);
  char path[2 * TCAD_PATH_MAX + 16], xdmf[2 * TCAD_PATH_MAX + 32], own[TCAD_PATH_MAX];
  TcadOutputXdmfName(d->output.fields, own, sizeof own);
  if (!strcmp(st->file, d->output.fields) || !strcmp(st->file, own) || !strcmp(st->file, d->output.iv) ||
      !strcmp(st->file, "summary.json"))
    return tcad_error(TCAD_ERR_INPUT, "%s: save file '%s' is one of the run's own files; expected another name", where,
                      st->file);
  snprintf(path, sizeof path, "%s/%s", s->outdir ? s->outdir : ".", st->file);
  if (TcadOutputXdmfName(path, xdmf, sizeof xdmf))
    return tcad_error(TCAD_ERR_INPUT, "%s: save file '%s': the path is too long", where, st->file);
  TCAD_CALL(tcad_mkdir_parent(path));
  TcadOutput *o = NULL, *run = s->out;
  char label[512];
  TCAD_CALL(tcad_sim_currents(s));
  TCAD_CALL(TcadOutputOpen(path, xdmf, s->mesh, &o));
  tcad_sim_bias_label(s, label, sizeof label);
  s->out = o;
  int e = tcad_sim_write_fields(s, label, 1);
  s->out = run;
  if (!e) e = TcadOutputEndStep(o);
  const int e2 = TcadOutputClose(&o);
  TCAD_CALL(e);
  TCAD_CALL(e2);
  if (!s->quiet) printf("  %-12s %s (open %s in ParaView; load it with 'load: {file: ...}')\n", "save", path, xdmf);
  return 0;
}

int tcad_sim_load(TcadSim *s, const TcadSolveStep *st)
{
  const char *where = TcadDeckGetLocation(s->deck, st->loc);
  TcadOutput *o = NULL;
  const size_t nr = record_size(s), nx = (size_t)s->bs * s->nnodes;
  double *r = malloc(nr * sizeof(double)), *x = NULL;
  int e = 0;
  if (!r) return tcad_error(TCAD_ERR_MEM, "out of memory");
  TCAD_CALL_GOTO(e, TcadOutputOpenRead(st->file, s->mesh, &o), done);
  const int n = TcadOutputGetStepCount(o), k = st->load_step < 0 ? n - 1 : st->load_step;
  if (k < 0 || k >= n) {
    e = tcad_error(TCAD_ERR_INPUT, "%s: %s has steps 0 to %d; step %d is not one of them", where, st->file, n - 1, k);
    goto done;
  }
  if (!TcadOutputStepAttribute(o, k, "solve_step", NULL)) {
    e = tcad_error(TCAD_ERR_INPUT, "%s: step %d of %s holds no solution (the mesh step?); expected a bias point's step",
                   where, k, st->file);
    goto done;
  }
  for (int c = 0; c < s->ncontacts; c++) {
    char name[TCAD_NAME_MAX + 8];
    snprintf(name, sizeof name, "V_%s", s->contacts[c].name);
    if (!TcadOutputStepAttribute(o, k, name, NULL)) {
      e = tcad_error(TCAD_ERR_INPUT, "%s: %s has no contact '%s'; expected a run of this device", where, st->file,
                     s->contacts[c].name);
      goto done;
    }
  }
  TCAD_CALL_GOTO(e, read_record(s, o, k, r), done);
  if (!(x = malloc(nx * sizeof(double)))) {
    e = tcad_error(TCAD_ERR_MEM, "out of memory");
    goto done;
  }
  TCAD_CALL_GOTO(e, TcadOutputReadStepArray(o, k, "solver_state", x, nx), done);
  /* the drives by contact name (the record's are in its sim's contact order, the same device's) */
  const double *c = r + R_HEAD;
  for (int j = 0; j < s->ncontacts; j++, c += 4) {
    TcadSimContact *sc = &s->contacts[j];
    double v = 0;
    char name[TCAD_NAME_MAX + 8];
    snprintf(name, sizeof name, "V_%s", sc->name);
    TcadOutputStepAttribute(o, k, name, &v);
    if (v != c[0]) {
      e = tcad_error(TCAD_ERR_INPUT,
                     "%s: %s lists its contacts in another order than this deck; expected a run of this "
                     "device",
                     where, st->file);
      goto done;
    }
    sc->voltage = c[0], sc->applied = c[1], sc->drive = (int)c[2], sc->target = c[3];
  }
  memcpy(TcadSimGetState(s), x, nx * sizeof(double));
  s->D.p.mode = TCAD_ASM_COUPLED;
  if (s->bs > 3) TCAD_CALL_GOTO(e, TcadSimSetEnergy(s, 1, 1.0), done);
  tcad_sim_update_bc(s);
  /* Newton confirms the state under this deck's models (1-2 iterations when they are the saved
   * run's) */
  TcadSolveStats stt;
  TCAD_CALL_GOTO(e, tcad_sim_solve_point(s, &stt, 1), done);
  if (!stt.converged) {
    e = tcad_sim_no_convergence(s, "the loaded solution", &stt, 0);
    goto done;
  }
  if (!s->quiet) printf("  %-12s step %d of %s\n", "load", k, st->file);
  TCAD_CALL_GOTO(e, tcad_sim_record(s, "load"), done);
done:
  TcadOutputClose(&o);
  free(r), free(x);
  return e;
}
