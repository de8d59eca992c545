/* The extraction's output (io/extract.c computes it): extract.json, the table a person reads, and
 * `tcad extract DIR`. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/extract_internal.h"
#include "tcad/error.h"
#include "tcad/json.h"

/* A number that reads back as the same double, or null. */
static void jput_num(FILE *f, double v)
{
  char buf[40];
  if (!isfinite(v)) {
    fputs("null", f);
    return;
  }
  for (int p = 15; p <= 17; p++) {
    snprintf(buf, sizeof buf, "%.*g", p, v);
    if (strtod(buf, NULL) == v) break;
  }
  fputs(buf, f);
}

static void jput_str(FILE *f, const char *s)
{
  if (!s || !s[0]) {
    fputs("null", f);
    return;
  }
  tcad_json_string(f, s);
}

static void jkey_num(FILE *f, const char *sep, const char *key, double v)
{
  fprintf(f, "%s\"%s\": ", sep, key);
  jput_num(f, v);
}

static void json_body(const TcadExtract *x, FILE *f)
{
  fputs("{\n  \"run\": ", f);
  jput_str(f, x->run_dir);
  fputs(",\n  \"iv_table\": ", f);
  jput_str(f, x->iv_path);
  fprintf(f, ",\n  \"rows\": %d,\n  \"current_unit\": ", x->rows);
  jput_str(f, x->current_unit);
  jkey_num(f, ",\n  ", "criterion_current", x->icrit);
  fputs(",\n  \"gate_sweeps\": [", f);
  for (int k = 0; k < x->nsweeps; k++) {
    const TcadExtractSweep *w = &x->sweeps[k];
    fprintf(f, "%s\n    {\"solve_step\": %d, \"gate\": ", k ? "," : "", w->solve_step);
    jput_str(f, w->gate);
    fputs(", \"drain\": ", f);
    jput_str(f, w->drain);
    fputs(", \"source\": ", f);
    jput_str(f, w->source);
    jkey_num(f, ", ", "vd", w->vd);
    jkey_num(f, ", ", "vs", w->vs);
    fprintf(f, ", \"points\": %d, \"polarity\": ", w->points);
    if (w->polarity)
      fprintf(f, "%d", w->polarity);
    else
      fputs("null", f);
    jkey_num(f, ",\n     ", "vt_cc", w->vt_cc);
    jkey_num(f, ", ", "vt_gm", w->vt_gm);
    jkey_num(f, ", ", "ss_mv_per_dec", w->ss);
    jkey_num(f, ", ", "gm_max", w->gm_max);
    jkey_num(f, ", ", "gm_max_vg", w->gm_max_vg);
    jkey_num(f, ",\n     ", "ion", w->ion);
    jkey_num(f, ", ", "ion_vg", w->ion_vg);
    jkey_num(f, ", ", "ioff", w->ioff);
    jkey_num(f, ", ", "ioff_vg", w->ioff_vg);
    jkey_num(f, ",\n     ", "isub_peak", w->isub_peak);
    jkey_num(f, ", ", "isub_peak_vg", w->isub_peak_vg);
    jkey_num(f, ", ", "isub_over_id", w->isub_over_id);
    fputs(",\n     \"note\": ", f);
    jput_str(f, w->note);
    fputs("}", f);
  }
  fputs(x->nsweeps ? "\n  ]" : "]", f);
  jkey_num(f, ",\n  ", "vt_cc", x->vt_cc);
  jkey_num(f, ", ", "vt_gm", x->vt_gm);
  jkey_num(f, ", ", "ss_mv_per_dec", x->ss);
  jkey_num(f, ", ", "vd_low", x->vd_low);
  jkey_num(f, ",\n  ", "dibl_mv_per_v", x->dibl);
  jkey_num(f, ",\n  ", "ion", x->ion);
  jkey_num(f, ", ", "ioff", x->ioff);
  jkey_num(f, ", ", "vd_high", x->vd_high);
  fprintf(f, ",\n  \"summary\": %s,\n  \"status\": ", x->has_summary ? "true" : "false");
  jput_str(f, x->status);
  fputs(", \"transport\": ", f);
  jput_str(f, x->transport);
  jkey_num(f, ",\n  ", "breakdown_voltage", x->breakdown_voltage);
  jkey_num(f, ", ", "ionization_integral_bv", x->ionization_integral_bv);
  jkey_num(f, ",\n  ", "isub_peak", x->isub_peak);
  jkey_num(f, ", ", "isub_peak_vg", x->isub_peak_vg);
  jkey_num(f, ", ", "isub_over_id", x->isub_over_id);
  jkey_num(f, ", ", "isub_peak_vd", x->isub_peak_vd);
  jkey_num(f, ",\n  ", "lifetime", x->lifetime);
  fputs(",\n  \"gate_current\": ", f);
  if (x->gate_current_model[0] || isfinite(x->ig_largest) || isfinite(x->ig_worst_case)) {
    fputs("{\"model\": ", f);
    jput_str(f, x->gate_current_model);
    for (int k = 0; k < 2; k++) {
      const int pt = k ? x->ig_worst_case_point : x->ig_largest_point;
      fprintf(f, ", \"%s\": {\"point\": ", k ? "worst_case" : "largest");
      if (pt >= 0)
        fprintf(f, "%d", pt);
      else
        fputs("null", f);
      jkey_num(f, ", ", "ig", k ? x->ig_worst_case : x->ig_largest);
      jkey_num(f, ", ", "ig_over_id", k ? x->ig_worst_case_over_id : x->ig_largest_over_id);
      fputs("}", f);
    }
    fputs("}", f);
  } else {
    fputs("null", f);
  }
  jkey_num(f, ",\n  \"cost\": {", "bias_points", x->bias_points);
  jkey_num(f, ", ", "newton_iterations", x->newton_iterations);
  jkey_num(f, ", ", "wall_time_s", x->wall_time_s);
  fputs("}\n}\n", f);
}

int TcadExtractWriteJson(const TcadExtract *x, const char *path)
{
  if (!x || !path || !path[0]) return tcad_error(TCAD_ERR_INTERNAL, "TcadExtractWriteJson: no figures or no path");
  char *tmp = tcad_malloc(strlen(path) + 5);
  int err = 0;
  if (!tmp) return TCAD_ERR_MEM;
  sprintf(tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    err = errno;
    const int e =
        tcad_error(TCAD_ERR_IO, "%s: cannot create: %s; check that the folder is writable", tmp, strerror(err));
    free(tmp);
    return e;
  }
  json_body(x, f);
  errno = 0;
  if (fflush(f) != 0 || ferror(f)) err = errno ? errno : EIO;
  if (fclose(f) != 0 && !err) err = errno ? errno : EIO;
  if (!err && rename(tmp, path) != 0) err = errno;
  int e = 0;
  if (err) {
    unlink(tmp);
    e = tcad_error(TCAD_ERR_IO, "%s: writing the figures failed: %s", path, strerror(err));
  }
  free(tmp);
  return e;
}

/* "%.4g" or "-" for an absent figure, into buf */
static const char *fig(char *buf, size_t n, double v, const char *fmt)
{
  if (isfinite(v))
    snprintf(buf, n, fmt, v);
  else
    snprintf(buf, n, "-");
  return buf;
}

void TcadExtractPrint(const TcadExtract *x, FILE *f)
{
  char a[32], b[32], c[32], d[32], e[32], g[32];
  const char *u = x->current_unit[0] ? x->current_unit : "?";
  fprintf(f, "run %s: %s, %d rows, currents in %s\n", x->run_dir ? x->run_dir : "?", x->iv_path ? x->iv_path : "?",
          x->rows, u);
  if (!x->nsweeps) {
    fprintf(f, "no gate sweep in the IV table: no threshold voltage, subthreshold slope or DIBL\n");
  } else {
    fprintf(f, "gate sweeps (vt_cc at |I_d| = %s %s):\n", fig(a, sizeof a, x->icrit, "%.4g"), u);
    fprintf(f, "  %4s  %-10s %-10s %9s %10s %10s %12s %12s %12s\n", "step", "gate", "drain", "V_d (V)", "vt_cc (V)",
            "vt_gm (V)", "SS (mV/dec)", "I_on", "I_off");
    for (int k = 0; k < x->nsweeps; k++) {
      const TcadExtractSweep *w = &x->sweeps[k];
      fprintf(f, "  %4d  %-10s %-10s %9s %10s %10s %12s %12s %12s\n", w->solve_step, w->gate,
              w->drain[0] ? w->drain : "-", fig(a, sizeof a, w->vd, "%.4g"), fig(b, sizeof b, w->vt_cc, "%.4f"),
              fig(c, sizeof c, w->vt_gm, "%.4f"), fig(d, sizeof d, w->ss, "%.1f"), fig(e, sizeof e, w->ion, "%.4g"),
              fig(g, sizeof g, w->ioff, "%.4g"));
    }
    for (int k = 0; k < x->nsweeps; k++)
      if (x->sweeps[k].note[0]) fprintf(f, "  step %d: %s\n", x->sweeps[k].solve_step, x->sweeps[k].note);
  }
  fprintf(f, "%-34s %s mV/V\n", "DIBL", fig(a, sizeof a, x->dibl, "%.4g"));
  fprintf(f, "%-34s %s / %s %s (V_d = %s V)\n", "I_on / I_off", fig(a, sizeof a, x->ion, "%.4g"),
          fig(b, sizeof b, x->ioff, "%.4g"), u, fig(c, sizeof c, x->vd_high, "%.4g"));
  if (!x->has_summary) {
    fprintf(f, "no summary.json in the folder: no breakdown, hot-carrier or cost figures\n");
    return;
  }
  fprintf(f, "%-34s %s V\n", "breakdown voltage", fig(a, sizeof a, x->breakdown_voltage, "%.4g"));
  fprintf(f, "%-34s %s %s at V_g %s V (V_d %s V), I_sub/I_d %s\n", "substrate current peak",
          fig(a, sizeof a, x->isub_peak, "%.4g"), u, fig(b, sizeof b, x->isub_peak_vg, "%.4g"),
          fig(c, sizeof c, x->isub_peak_vd, "%.4g"), fig(d, sizeof d, x->isub_over_id, "%.3g"));
  fprintf(f, "%-34s %s s\n", "lifetime (worst case)", fig(a, sizeof a, x->lifetime, "%.4g"));
  fprintf(f, "%-34s %s %s (largest), %s %s (worst case)%s%s\n", "hot-carrier gate current",
          fig(a, sizeof a, x->ig_largest, "%.4g"), u, fig(b, sizeof b, x->ig_worst_case, "%.4g"), u,
          x->gate_current_model[0] ? ", model " : "", x->gate_current_model);
  fprintf(f, "%-34s %s points, %s Newton iterations, %s s\n", "cost", fig(a, sizeof a, x->bias_points, "%.0f"),
          fig(b, sizeof b, x->newton_iterations, "%.0f"), fig(c, sizeof c, x->wall_time_s, "%.3g"));
}

int TcadExtractCommand(const char *run_dir, int quiet)
{
  TcadExtract x;
  int e = 0;
  TCAD_CALL(TcadExtractRun(run_dir, NULL, &x));
  char *out = tcad_extract_join(x.run_dir, "extract.json");
  if (!out) {
    TcadExtractFree(&x);
    return TCAD_ERR_MEM;
  }
  if (!quiet) TcadExtractPrint(&x, stdout);
  TCAD_CALL_GOTO(e, TcadExtractWriteJson(&x, out), cleanup);
  if (!quiet) printf("wrote %s\n", out);
cleanup:
  free(out);
  TcadExtractFree(&x);
  return e;
}
