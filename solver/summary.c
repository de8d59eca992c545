/* summary.json: a run's figures in machine-readable form (docs/output.md). Written to a
 * temporary name and renamed, so a reader never sees half a file. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"
#include "tcad/ivtable.h"
#include "tcad/json.h"

/* A number, or null for NaN/Inf (JSON has neither). */
static void num(FILE *f, double v)
{
  if (isfinite(v))
    fprintf(f, "%.10g", v);
  else
    fputs("null", f);
}

/* A JSON string (names here are checked identifiers and paths). */
static void str(FILE *f, const char *s) { tcad_json_string(f, s); }

/* An IV row's point and contact voltages: {"point": N, "bias": {contact: V, ...} (left open). */
static void bias_point(FILE *f, const TcadSim *s, const double *w)
{
  fprintf(f, "{\"point\": %d, \"bias\": {", (int)w[0]);
  for (int c = 0; c < s->ncontacts; c++) {
    fputs(c ? ", " : "", f);
    str(f, s->contacts[c].name);
    fputs(": ", f);
    num(f, w[3 + 4 * c]);
  }
  fputs("}", f);
}

/* key, then IV row `row` as an object opened with its bias point (the caller adds its figures and
 * closes it), or null when there is no such row (NULL returned) */
static const double *row_open(FILE *f, const TcadSim *s, const char *key, const double *rows, int row)
{
  fputs(key, f);
  if (row < 0) {
    fputs("null", f);
    return NULL;
  }
  const double *w = rows + (size_t)row * s->iv_ncol;
  bias_point(f, s, w);
  return w;
}

int TcadSimWriteSummary(const TcadSim *s, const char *path, int status, double wall)
{
  char tmp[2 * TCAD_PATH_MAX + 16];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) return tcad_error(TCAD_ERR_IO, "cannot write %s; check that the output folder is writable", tmp);
  const TcadSimTotals *t = &s->totals;
  fputs("{\n  \"deck\": ", f);
  str(f, s->deck->path);
  fprintf(f, ",\n  \"status\": \"%s\",\n  \"transport\": \"%s\",\n  \"current_unit\": ", status ? "error" : "ok",
          s->bs == 3   ? "drift-diffusion"
          : s->bs == 4 ? "energy-balance-electrons"
                       : "energy-balance");
  str(f, TcadSimGetCurrentUnit(s));
  fprintf(f,
          ",\n  \"cost\": {\"bias_points\": %d, \"newton_solves\": %d, \"failed_solves\": %d, "
          "\"retried_solves\": %d, \"newton_iterations\": %d, \"linear_iterations\": %d, \"wall_time_s\": ",
          t->points, t->solves, t->failures, t->failures - t->final_failures, t->newton_its, t->linear_its);
  num(f, wall);
  if (s->inj) {
    fputs(", \"injection_s\": ", f);
    num(f, t->t_injection);
  }
  fputs("}", f);
  if (s->deck->physics.impact != TCAD_II_NONE) {
    fputs(",\n  \"ionization_integral_bv\": ", f);
    num(f, s->ii_bv);
  }
  if (s->bd_contact >= 0) {
    fputs(",\n  \"breakdown_voltage\": ", f);
    num(f, s->bd_voltage);
    fputs(",\n  \"breakdown\": {\"contact\": ", f);
    str(f, s->contacts[s->bd_contact].name);
    fputs(", \"criterion_current\": ", f);
    num(f, s->bd_current);
    fprintf(f, ", \"criterion_reached\": %s}", s->bd_reached ? "true" : "false");
  }
  if (s->sb_contact >= 0 && s->sb_points > 2) {
    /* a sweep in current: the trigger and the lowest voltage after it; a snapback when that is
     * at least 5 % below the trigger (signs: those of the contact's voltage) */
    const double dir = s->sb_it < 0 ? -1.0 : 1.0, drop = s->sb_vt - s->sb_vh;
    const int snap = drop > 0.05 * fabs(s->sb_vt);
    fputs(",\n  \"current_sweep\": {\"contact\": ", f);
    str(f, s->contacts[s->sb_contact].name);
    fputs(", \"highest_voltage\": ", f);
    num(f, dir * s->sb_vt);
    fputs(", \"at_current\": ", f);
    num(f, s->sb_it);
    fprintf(f, ", \"snapback\": %s", snap ? "true" : "false");
    if (snap) {
      fputs(", \"trigger_voltage\": ", f);
      num(f, dir * s->sb_vt);
      fputs(", \"trigger_current\": ", f);
      num(f, s->sb_it);
      fputs(", \"holding_voltage\": ", f);
      num(f, dir * s->sb_vh);
      fputs(", \"holding_current\": ", f);
      num(f, s->sb_ih);
      /* the lowest voltage is a holding point when the curve rises again after it */
      fprintf(f, ", \"holding_is_minimum\": %s", s->sb_vlast > s->sb_vh ? "true" : "false");
    }
    fputs("}", f);
  }
  TcadIsubPeak pk[64];
  const int npk = tcad_sim_isub_peaks(s, pk, 64);
  if (s->hc_drain >= 0) { /* the substrate-current peak of each gate sweep (solver/hotcarrier.c) */
    fputs(",\n  \"substrate_current\": [", f);
    for (int k = 0; k < npk; k++) {
      fprintf(f, "%s\n    {\"solve_step\": %d, \"gate\": ", k ? "," : "", pk[k].solve_step);
      str(f, s->contacts[pk[k].gate].name);
      fputs(", \"vd\": ", f);
      num(f, pk[k].vd);
      fputs(", \"isub_peak\": ", f);
      num(f, pk[k].isub);
      fputs(", \"isub_peak_vg\": ", f);
      num(f, pk[k].vg);
      fputs(", \"isub_over_id\": ", f);
      num(f, pk[k].ratio);
      fprintf(f, ", \"peak_inside\": %s, \"points\": %d}", pk[k].inside ? "true" : "false", pk[k].points);
    }
    fputs(npk ? "\n  ]" : "]", f);
  }
  TcadLifetime lt;
  if (tcad_sim_lifetime(s, &lt)) { /* Hu's lifetime at the worst-case bias (solver/hotcarrier.c) */
    const double *rows;
    TcadIVTableGetRows(s->iv, &rows);
    const TcadReliabilitySpec *r = &s->deck->reliability;
    const int crt = 3 + 5 * s->ncontacts + 3;
    fputs(",\n  \"lifetime\": ", f);
    num(f, lt.tau);
    for (int k = 0; k < 2; k++) {
      const int row = k ? lt.ref_row : lt.row;
      const double *w =
          row_open(f, s, k ? ",\n  \"lifetime_reference\": " : ",\n  \"lifetime_worst_case\": ", rows, row);
      if (!w) continue;
      fputs(", \"id\": ", f);
      num(f, w[3 + 4 * s->hc_drain + 3]);
      fputs(", \"isub_over_id\": ", f);
      num(f, w[crt]);
      fputs(", \"lifetime\": ", f);
      num(f, k ? lt.tau_ref : lt.tau);
      fputs("}", f);
    }
    fputs(",\n  \"lifetime_model\": {\"m\": ", f);
    num(f, r->life_m);
    fputs(", \"C\": ", f);
    num(f, r->life_c > 0 ? r->life_c : NAN);
    fputs(", \"worst_over_reference\": ", f);
    num(f, lt.rel);
    fputs("}", f);
  }
  const int cg = s->inj ? tcad_sim_iv_column(s, "I_g_hot") : -1;
  if (cg >= 0) { /* the hot-carrier gate current: its largest, and at the worst-case bias */
    const double *rows;
    const int nrows = TcadIVTableGetRows(s->iv, &rows);
    const int worst = tcad_sim_hc_worst_row(s);
    int best = -1;
    for (int i = 0; i < nrows; i++) {
      const double *w = rows + (size_t)i * s->iv_ncol;
      if (isfinite(w[cg]) && (best < 0 || fabs(w[cg]) > fabs(rows[(size_t)best * s->iv_ncol + cg]))) best = i;
    }
    fputs(",\n  \"gate_current\": {\"model\": ", f);
    str(f, tcad_sim_gate_model(s));
    fputs(", \"unit\": ", f);
    str(f, TcadSimGetCurrentUnit(s));
    for (int k = 0; k < 2; k++) {
      const int row = k ? worst : best;
      const double *w = row_open(f, s, k ? ", \"worst_case\": " : ", \"largest\": ", rows, row);
      if (!w) continue;
      fputs(", \"ig\": ", f);
      num(f, w[cg]);
      fputs(", \"ig_over_id\": ", f);
      num(f, w[3 + 4 * s->hc_drain + 3] != 0 ? fabs(w[cg] / w[3 + 4 * s->hc_drain + 3]) : NAN);
      fputs("}", f);
    }
    fputs("}", f);
  }
  fputs("\n}\n", f);
  const int bad = ferror(f);
  if (fclose(f) || bad) return tcad_error(TCAD_ERR_IO, "writing %s failed (disk full?)", tmp);
  if (rename(tmp, path)) return tcad_error(TCAD_ERR_IO, "cannot rename %s to %s", tmp, path);
  return 0;
}
