/* Figure extraction from a run folder (io/extract.c): IV tables written here through tcad's own
 * writer (io/ivtable.c, the exact format of a run) from analytic MOSFET curves, checked against
 * the curves' own values:
 *
 *   m = S/ln 10, softplus L(y) = ln(1 + e^y), V_T(V_d) = V_T0 - eta V_d;
 *   low V_d (linear region):  I_d = k V_d [m L((V_g - V_T - V_d/2)/m) - (V_g - u_d)^2/(2w) above u_d]
 *   high V_d (saturation):    I_d = (k/2) [2m L((V_g - V_T)/(2m))]^2
 *
 * Below threshold both are I_0 10^((V_g - V_T0')/S): subthreshold slope S. Above it the first is
 * the linear-region law k (V_g - V_T - V_d/2) V_d (less a mobility-degradation term past u_d, so
 * that the largest g_m lies inside the sweep), the second the square law. Checked: the
 * constant-current V_t against the closed-form crossing (tolerance: the log-linear
 * interpolation's error bound on the grid, derived below), SS against S (and not taken from a
 * steeper step above threshold), the max-g_m V_t against V_T (exact for the linear law up to
 * the join's e^-y terms), DIBL against the crossings and, for two saturation sweeps, against the
 * imposed eta; I_on and I_off against the curve; the p-channel mirror; a diode table (no gate
 * sweep, no V_t, no error); sweeps whose drain cannot be told; summary.json passed through;
 * extract.json; malformed tables and summaries (the error code and a message naming file:line);
 * 600 mutated tables (no crash, only clean answers); and a real run of the example n-MOSFET at
 * two drain voltages (physical bounds). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcad/error.h"
#include "tcad/extract.h"
#include "tcad/ivtable.h"
#include "tests/tap.h"

static char g_root[3000];

/* ---------------------------------------------------------------- the analytic MOSFET */

typedef struct {
  double S;        /* subthreshold slope (V/decade) */
  double vt0, eta; /* V_T(V_d) = vt0 - eta V_d (V, V/V) */
  double k;        /* A/(cm V^2) */
  double ud, w;    /* mobility degradation of the linear law above ud (V), its scale (V) */
} Model;

static const Model M0 = {.S = 0.075, .vt0 = 0.45, .eta = 0.06, .k = 8.0, .ud = 1.0, .w = 1.0};

static double softplus(double y) { return y > 0 ? y + log1p(exp(-y)) : log1p(exp(y)); }
static double logistic(double y) { return 1.0 / (1.0 + exp(-y)); }
static double mm(const Model *M) { return M->S / log(10.0); }
static double vt_of(const Model *M, double vd) { return M->vt0 - M->eta * vd; }

static double id_lin(const Model *M, double vd, double u)
{
  const double m = mm(M), c = vt_of(M, vd) + 0.5 * vd;
  double q = m * softplus((u - c) / m);
  if (u > M->ud) q -= (u - M->ud) * (u - M->ud) / (2 * M->w);
  return M->k * vd * q;
}

static double id_sat(const Model *M, double vd, double u)
{
  const double m = mm(M), q = 2 * m * softplus((u - vt_of(M, vd)) / (2 * m));
  return 0.5 * M->k * q * q;
}

typedef double (*IdFn)(const Model *, double, double);

/* the linear law with a jump of three decades above threshold at the last step (a latch): a log
 * slope far steeper than S, which is no subthreshold slope */
static double id_jump(const Model *M, double vd, double u) { return id_lin(M, vd, u) * (u > 1.42 ? 1e3 : 1); }

/* Both laws are I = A L((u - c)/a)^p below u_d: the linear one a = m, p = 1, c = V_T + V_d/2;
 * the saturation one a = 2m, p = 2, c = V_T. */
static void law(const Model *M, IdFn f, double vd, double *a, double *p, double *c)
{
  const int lin = f == id_lin;
  *a = lin ? mm(M) : 2 * mm(M);
  *p = lin ? 1 : 2;
  *c = vt_of(M, vd) + (lin ? 0.5 * vd : 0);
}

/* Where I_d = ic, in closed form: L(y) = (ic/A)^(1/p), y = ln(expm1(L)). */
static double crossing(const Model *M, IdFn f, double vd, double ic)
{
  double a, p, c;
  law(M, f, vd, &a, &p, &c);
  const double A = f == id_lin ? M->k * vd * mm(M) : 0.5 * M->k * a * a;
  return c + a * log(expm1(pow(ic / A, 1.0 / p)));
}

/* The error bound of the log-linear crossing between grid points lo and lo + h: it interpolates
 * f = ln I_d linearly, which is off by at most h^2/8 max|f''| inside the interval, and the
 * crossing moves by that over the interpolant's slope (a secant slope of f: at least min f').
 * f' = p s/(a L), f'' = p (s(1 - s) L - s^2)/(a^2 L^2), s the logistic function of y; max and
 * min taken on 2001 points of the interval (1 % added for the sampling). */
static double interp_bound(const Model *M, IdFn f, double vd, double lo, double h)
{
  double a, p, c, f2 = 0, f1 = INFINITY;
  law(M, f, vd, &a, &p, &c);
  for (int i = 0; i <= 2000; i++) {
    const double y = (lo + h * i / 2000 - c) / a, s = logistic(y), L = softplus(y);
    const double d1 = p * s / (a * L), d2 = fabs(p * (s * (1 - s) * L - s * s) / (a * a * L * L));
    if (d1 < f1) f1 = d1;
    if (d2 > f2) f2 = d2;
  }
  return 1.01 * h * h / 8 * f2 / f1;
}

/* The subthreshold slope's bound: every secant of log10 I_d is at least S (f' <= 1/m, since
 * L(y) >= s(y)), and the deepest pair [0, h] is at most S L/s at its upper end (L/s grows with
 * y), so the smallest secant lies in [S, S (L/s)(y(h))]. Returns L/s - 1 there. */
static double ss_excess(const Model *M, IdFn f, double vd, double h)
{
  double a, p, c;
  law(M, f, vd, &a, &p, &c);
  const double y = (h - c) / a;
  return softplus(y) / logistic(y) - 1;
}

/* ---------------------------------------------------------------- tables */

static void mkdir_or_fail(const char *path)
{
  if (mkdir(path, 0777) && errno != EEXIST) {
    printf("FAIL setup: cannot create %s: %s\n", path, strerror(errno));
    exit(1);
  }
}

/* a fresh folder under the test's root */
static const char *case_dir(const char *name, char *buf, size_t n)
{
  snprintf(buf, n, "%s/%s", g_root, name);
  mkdir_or_fail(buf);
  return buf;
}

static void write_text(const char *dir, const char *name, const char *text)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f || fputs(text, f) < 0 || fclose(f)) {
    printf("FAIL setup: cannot write %s\n", path);
    exit(1);
  }
}

/* A table with the named contacts, in tcad's column layout and through its writer. */
typedef struct {
  TcadIVTable *t;
  int nc, point;
  double row[3 + 4 * 8];
} Tab;

static void tab_open(Tab *tb, const char *dir, int nc, const char *const *names)
{
  char cols[3 + 4 * 8][40], path[4096];
  const char *cp[3 + 4 * 8], *up[3 + 4 * 8];
  static const char *pre[] = {"V", "In", "Ip", "I"};
  snprintf(path, sizeof path, "%s/iv.csv", dir);
  memset(tb, 0, sizeof *tb);
  tb->nc = nc;
  snprintf(cols[0], sizeof cols[0], "point");
  snprintf(cols[1], sizeof cols[1], "solve_step");
  snprintf(cols[2], sizeof cols[2], "step_point");
  up[0] = up[1] = up[2] = "1";
  for (int c = 0; c < nc; c++)
    for (int k = 0; k < 4; k++) {
      snprintf(cols[3 + 4 * c + k], sizeof cols[0], "%s(%s)", pre[k], names[c]);
      up[3 + 4 * c + k] = k ? "A/cm" : "V";
    }
  for (int i = 0; i < 3 + 4 * nc; i++) cp[i] = cols[i];
  if (TcadIVTableOpen(path, 3 + 4 * nc, cp, up, &tb->t)) {
    printf("FAIL setup: %s\n", tcad_error_message());
    exit(1);
  }
}

/* one row: voltages v[c] and currents i[c] per contact (In = I, Ip = 0) */
static void tab_row(Tab *tb, int step, int sp, const double *v, const double *i)
{
  tb->row[0] = tb->point++, tb->row[1] = step, tb->row[2] = sp;
  for (int c = 0; c < tb->nc; c++) {
    tb->row[3 + 4 * c] = v[c];
    tb->row[4 + 4 * c] = i[c];
    tb->row[5 + 4 * c] = 0;
    tb->row[6 + 4 * c] = i[c];
  }
  if (TcadIVTableAppend(tb->t, tb->row)) {
    printf("FAIL setup: %s\n", tcad_error_message());
    exit(1);
  }
}

static void tab_close(Tab *tb) { TcadIVTableClose(&tb->t); }

typedef struct {
  double vd;   /* drain voltage of the gate sweep */
  IdFn f;      /* its law */
  double bulk; /* share of I_d leaving through the bulk (at 0 V, as the source): a substrate current */
} SweepSpec;

#define NG 30    /* gate points per sweep after its start: V_g = q h, q = 1..NG */
#define HG 0.05  /* gate step (V) */
#define VDRAMP 4 /* drain sweep points between two gate sweeps */

/* The MOSFET of a tcad run: the equilibrium (solve step 1); per gate sweep a drain bias (one row)
 * or a drain sweep at V_g = 0, the gate sweep V_g = h .. NG h (it starts from the drain step's
 * last row), and the gate back to 0 (one row). pol = -1: the p-channel mirror (every voltage and
 * current negated). Contacts source, drain, bulk, gate as in the example. */
static void write_mosfet(const char *dir, const Model *M, double pol, const SweepSpec *sw, int nsw)
{
  static const char *const names[] = {"source", "drain", "bulk", "gate"};
  Tab tb;
  int step = 1;
  double vd = 0;
  tab_open(&tb, dir, 4, names);
#define ROW(vdrain, vg, id, bulk, sp)                                                                                  \
  do {                                                                                                                 \
    const double v_[4] = {0, pol * (vdrain), 0, pol * (vg)};                                                           \
    const double i_[4] = {-pol * (1 - (bulk)) * (id), pol * (id), -pol * (bulk) * (id), 0};                            \
    tab_row(&tb, step, sp, v_, i_);                                                                                    \
  } while (0)
  ROW(0.0, 0.0, 0.0, 0.0, 0);
  for (int j = 0; j < nsw; j++) {
    step++;
    const int nr = j ? VDRAMP : 1; /* a bias step first, a drain sweep after */
    for (int q = 1; q <= nr; q++) {
      const double v = vd + (sw[j].vd - vd) * q / nr;
      ROW(v, 0.0, sw[j].f(M, v, 0.0), sw[j].bulk, q - 1);
    }
    vd = sw[j].vd;
    step++;
    for (int q = 1; q <= NG; q++) ROW(vd, q * HG, sw[j].f(M, vd, q * HG), sw[j].bulk, q - 1);
    step++;
    ROW(vd, 0.0, sw[j].f(M, vd, 0.0), sw[j].bulk, 0);
  }
#undef ROW
  tab_close(&tb);
}

static int has(const char *s, const char *sub) { return s && strstr(s, sub) != NULL; }

/* ---------------------------------------------------------------- the checks */

/* A: n-MOSFET at V_d = 50 mV (linear law) and 1.2 V (square law, 1 % substrate current). */
static void check_mosfet(void)
{
  char dir[4096];
  const SweepSpec sw[2] = {{0.05, id_lin, 0.0}, {1.2, id_sat, 0.01}};
  const Model *M = &M0;
  const double ic = 1e-3;
  TcadExtract x;
  case_dir("mosfet", dir, sizeof dir);
  write_mosfet(dir, M, 1.0, sw, 2);
  int rc = TcadExtractRun(dir, NULL, &x);
  tap_check(rc == 0, "mosfet.extract", "rc %d: %s", rc, tcad_error_message());
  if (rc) return;
  tap_check(x.nsweeps == 2 && x.sweeps[0].solve_step == 3 && x.sweeps[1].solve_step == 6, "mosfet.two_gate_sweeps",
            "%d sweeps (steps %d, %d); expected the two gate sweeps, steps 3 and 6, not the drain sweep", x.nsweeps,
            x.nsweeps > 0 ? x.sweeps[0].solve_step : -1, x.nsweeps > 1 ? x.sweeps[1].solve_step : -1);
  tap_check(!strcmp(x.current_unit, "A/cm") && x.icrit == ic && x.rows == 1 + 1 + NG + 1 + VDRAMP + NG + 1,
            "mosfet.table", "unit '%s', criterion %g, %d rows", x.current_unit, x.icrit, x.rows);
  if (x.nsweeps != 2) goto done;
  double ucc[2], dcc[2];
  for (int j = 0; j < 2; j++) {
    const TcadExtractSweep *w = &x.sweeps[j];
    char name[64];
    const double vd = sw[j].vd;
#define NAME(s) (snprintf(name, sizeof name, "mosfet.vd%g.%s", vd, s), name)
    tap_check(!strcmp(w->gate, "gate") && !strcmp(w->drain, "drain") && !strcmp(w->source, "source") && w->vd == vd &&
                  w->vs == 0 && w->polarity == 1 && w->points == NG + 1,
              NAME("terminals"), "gate '%s' drain '%s' source '%s' vd %g vs %g polarity %d points %d", w->gate,
              w->drain, w->source, w->vd, w->vs, w->polarity, w->points);
    /* the constant-current V_t: the closed-form crossing, within the interpolation bound */
    ucc[j] = crossing(M, sw[j].f, vd, ic);
    dcc[j] = interp_bound(M, sw[j].f, vd, floor(ucc[j] / HG) * HG, HG);
    printf("# V_d %g: vt_cc %.9f V, analytic %.9f, bound %.2g; SS %.6f mV/dec against S %.6f\n", vd, w->vt_cc, ucc[j],
           dcc[j], w->ss, 1e3 * M->S);
    tap_check(fabs(w->vt_cc - ucc[j]) <= dcc[j] && dcc[j] < 1e-3, NAME("vt_cc"),
              "%.9f V, analytic %.9f V: off by %.3g V, bound %.3g V", w->vt_cc, ucc[j], w->vt_cc - ucc[j], dcc[j]);
    /* SS: within [S, S (1 + excess)] */
    const double ex = ss_excess(M, sw[j].f, vd, HG);
    tap_check(w->ss >= 1e3 * M->S * (1 - 1e-12) && w->ss <= 1e3 * M->S * (1 + ex), NAME("ss"),
              "%.9f mV/dec, S %.9f, allowed excess %.3g", w->ss, 1e3 * M->S, ex);
    /* I_on at V_g = NG h, I_off at the sweep's start V_g = 0 (the drain step's last row) */
    tap_check(w->ion == sw[j].f(M, vd, NG * HG) && w->ion_vg == NG * HG && w->ioff == sw[j].f(M, vd, 0.0) &&
                  w->ioff_vg == 0,
              NAME("ion_ioff"), "ion %.17g at %g (curve %.17g), ioff %.17g at %g (curve %.17g)", w->ion, w->ion_vg,
              sw[j].f(M, vd, NG * HG), w->ioff, w->ioff_vg, sw[j].f(M, vd, 0.0));
#undef NAME
  }
  /* max-g_m V_t: the linear law's V_T; the largest secant is the last pair below u_d = 1 V, where
   * the join's e^-y (y >= 14) moves the intercept by m e^-y (1 + (u - V_T)/h) ~ 1e-7 V */
  const TcadExtractSweep *lo = &x.sweeps[0], *hi = &x.sweeps[1];
  printf("# vt_gm %.12f V against V_T %.12f; DIBL %.6f mV/V\n", lo->vt_gm, vt_of(M, 0.05), x.dibl);
  tap_check(fabs(lo->vt_gm - vt_of(M, 0.05)) <= 1e-6 && fabs(lo->gm_max_vg - (M->ud - 0.5 * HG)) < 1e-12,
            "mosfet.vd0.05.vt_gm", "%.9f V at the largest g_m (V_g %.4f); V_T = %.9f V", lo->vt_gm, lo->gm_max_vg,
            vt_of(M, 0.05));
  tap_check(isnan(hi->vt_gm) && has(hi->note, "no vt_gm") && !has(lo->note, "no vt_gm"), "mosfet.vd1.2.no_vt_gm",
            "vt_gm %g at a saturation V_d; note '%s'", hi->vt_gm, hi->note);
  /* DIBL from the two crossings */
  const double dibl = 1e3 * (ucc[0] - ucc[1]) / (1.2 - 0.05), ddibl = 1e3 * (dcc[0] + dcc[1]) / (1.2 - 0.05);
  tap_check(fabs(x.dibl - dibl) <= ddibl, "mosfet.dibl", "%.6f mV/V, analytic %.6f (bound %.3g; imposed eta %g)",
            x.dibl, dibl, ddibl, 1e3 * M->eta);
  tap_check(x.sweep_low == 0 && x.sweep_high == 1 && x.vt_cc == lo->vt_cc && x.vt_gm == lo->vt_gm && x.ss == lo->ss &&
                x.vd_low == 0.05 && x.ion == hi->ion && x.ioff == hi->ioff && x.vd_high == 1.2,
            "mosfet.run_figures", "low %d high %d vd_low %g vd_high %g", x.sweep_low, x.sweep_high, x.vd_low,
            x.vd_high);
  tap_check(!x.has_summary && isnan(x.breakdown_voltage) && isnan(x.newton_iterations), "mosfet.no_summary",
            "has_summary %d, breakdown %g", x.has_summary, x.breakdown_voltage);

  /* the criterion is a parameter */
  {
    TcadExtract y;
    const TcadExtractOptions o = {.icrit = 1e-5};
    rc = TcadExtractRun(dir, &o, &y);
    const double u = crossing(M, id_lin, 0.05, 1e-5), d = interp_bound(M, id_lin, 0.05, floor(u / HG) * HG, HG);
    tap_check(rc == 0 && y.nsweeps == 2 && y.icrit == 1e-5 && fabs(y.sweeps[0].vt_cc - u) <= d, "mosfet.criterion",
              "rc %d, vt_cc %.9f at 1e-5 A/cm, analytic %.9f (bound %.3g)", rc, rc ? NAN : y.sweeps[0].vt_cc, u, d);
    TcadExtractFree(&y);
  }

  /* the p-channel mirror: voltages negated, the rest the same */
  {
    char pdir[4096];
    TcadExtract p;
    case_dir("pmos", pdir, sizeof pdir);
    write_mosfet(pdir, M, -1.0, sw, 2);
    rc = TcadExtractRun(pdir, NULL, &p);
    int ok = rc == 0 && p.nsweeps == 2;
    for (int j = 0; ok && j < 2; j++) {
      const TcadExtractSweep *a = &x.sweeps[j], *b = &p.sweeps[j];
      ok = b->polarity == -1 && b->vd == -a->vd && tap_close(b->vt_cc, -a->vt_cc, 1e-12, 0) &&
           (j || tap_close(b->vt_gm, -a->vt_gm, 1e-12, 0)) && tap_close(b->ss, a->ss, 1e-12, 0) && b->ion == a->ion &&
           b->ioff == a->ioff && b->ion_vg == -a->ion_vg && !strcmp(b->drain, "drain");
    }
    tap_check(ok && tap_close(p.dibl, x.dibl, 1e-12, 0), "pmos.mirror", "rc %d, %d sweeps, dibl %g (n: %g)", rc,
              p.nsweeps, rc ? NAN : p.dibl, x.dibl);
    TcadExtractFree(&p);
  }

  /* extract.json: written whole, the numbers as they are */
  {
    char path[4200], tmp[4300], *text = NULL;
    snprintf(path, sizeof path, "%s/extract.json", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    rc = TcadExtractCommand(dir, 1);
    FILE *f = fopen(path, "r");
    long n = 0;
    if (f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET) && (text = calloc(1, n + 1)))
      n = (long)fread(text, 1, (size_t)n, f);
    if (f) fclose(f);
    const char *d = has(text, "\"dibl_mv_per_v\": ") ? strstr(text, "\"dibl_mv_per_v\": ") + 17 : NULL;
    int nsw = 0;
    for (const char *s = text; s && (s = strstr(s, "\"solve_step\":")); s++) nsw++;
    tap_check(rc == 0 && text && d && strtod(d, NULL) == x.dibl && nsw == 2 && has(text, "\"vt_gm\": null") &&
                  has(text, "\"breakdown_voltage\": null") && has(text, "\"gate_current\": null") &&
                  text[n - 2] == '}' && access(tmp, F_OK) != 0,
              "mosfet.extract_json", "rc %d, %ld bytes, dibl %s, %d sweeps; %s", rc, n, d ? d : "missing", nsw,
              rc ? tcad_error_message() : "");
    free(text);
    snprintf(path, sizeof path, "%s/no-such-folder/extract.json", dir);
    rc = TcadExtractWriteJson(&x, path);
    tap_check(rc == TCAD_ERR_IO && has(tcad_error_message(), "no-such-folder/extract.json"), "mosfet.json_io_error",
              "rc %d: %s", rc, tcad_error_message());
  }
done:
  TcadExtractFree(&x);
}

/* B: two saturation sweeps, V_d = 1 and 2 V: the same curve shifted by eta dV_d, so DIBL = eta. */
static void check_dibl(void)
{
  char dir[4096];
  const SweepSpec sw[2] = {{1.0, id_sat, 0.0}, {2.0, id_sat, 0.0}};
  TcadExtract x;
  case_dir("dibl", dir, sizeof dir);
  write_mosfet(dir, &M0, 1.0, sw, 2);
  const int rc = TcadExtractRun(dir, NULL, &x);
  double bound = 0;
  for (int j = 0; j < 2; j++) {
    const double u = crossing(&M0, id_sat, sw[j].vd, 1e-3);
    bound += 1e3 * interp_bound(&M0, id_sat, sw[j].vd, floor(u / HG) * HG, HG) / (2.0 - 1.0);
  }
  tap_check(rc == 0 && fabs(x.dibl - 1e3 * M0.eta) <= bound, "dibl.imposed_shift",
            "rc %d: %.6f mV/V, imposed %g (bound %.3g)", rc, rc ? NAN : x.dibl, 1e3 * M0.eta, bound);
  TcadExtractFree(&x);
}

/* SS is taken below the criterion only: a steeper step above threshold does not count. */
static void check_ss_below_threshold(void)
{
  char dir[4096];
  const SweepSpec sw[1] = {{0.05, id_jump, 0.0}};
  TcadExtract x;
  case_dir("jump", dir, sizeof dir);
  write_mosfet(dir, &M0, 1.0, sw, 1);
  const int rc = TcadExtractRun(dir, NULL, &x);
  const double ex = ss_excess(&M0, id_lin, 0.05, HG);
  tap_check(rc == 0 && x.nsweeps == 1 && x.ss >= 1e3 * M0.S * (1 - 1e-12) && x.ss <= 1e3 * M0.S * (1 + ex),
            "ss.below_threshold_only", "rc %d: SS %.6f mV/dec, S %g (the jump above threshold: %.1f mV/dec)", rc,
            rc ? NAN : x.ss, 1e3 * M0.S, 1e3 * HG / 3);
  TcadExtractFree(&x);
}

/* a summary.json as solver/summary.c writes it */
static const char good_summary[] =
    "{\n  \"deck\": \"mos.yaml\",\n  \"status\": \"ok\",\n  \"transport\": \"drift-diffusion\",\n"
    "  \"current_unit\": \"A/cm\",\n"
    "  \"cost\": {\"bias_points\": 70, \"newton_solves\": 71, \"failed_solves\": 0, \"retried_solves\": 0, "
    "\"newton_iterations\": 255, \"linear_iterations\": 255, \"wall_time_s\": 31.38795845},\n"
    "  \"ionization_integral_bv\": null,\n  \"breakdown_voltage\": 8.456313455,\n"
    "  \"breakdown\": {\"contact\": \"drain\", \"criterion_current\": 0.001, \"criterion_reached\": true},\n"
    "  \"substrate_current\": [\n"
    "    {\"solve_step\": 3, \"gate\": \"gate\", \"vd\": 0.05, \"isub_peak\": 1e-09, \"isub_peak_vg\": 0.8, "
    "\"isub_over_id\": 2e-08, \"peak_inside\": true, \"points\": 30},\n"
    "    {\"solve_step\": 6, \"gate\": \"gate\", \"vd\": 1.2, \"isub_peak\": 0.0491905424, \"isub_peak_vg\": "
    "1.303221726, \"isub_over_id\": 0.01961588306, \"peak_inside\": true, \"points\": 30}\n  ],\n"
    "  \"lifetime\": 7592.147917,\n"
    "  \"lifetime_worst_case\": {\"point\": 49, \"bias\": {\"source\": 0, \"drain\": 1.2, \"bulk\": 0, "
    "\"gate\": 1.125}, \"id\": 2.08, \"isub_over_id\": 0.0788, \"lifetime\": 7592.147917},\n"
    "  \"gate_current\": {\"model\": \"lucky-electron\", \"unit\": \"A/cm\", \"largest\": {\"point\": 60, "
    "\"bias\": {\"source\": 0, \"drain\": 1.2, \"bulk\": 0, \"gate\": 1.5}, \"ig\": 5.260131837e-06, "
    "\"ig_over_id\": 6.580621946e-07}, \"worst_case\": {\"point\": 49, \"bias\": {\"source\": 0, \"drain\": "
    "1.2, \"bulk\": 0, \"gate\": 1.125}, \"ig\": 1.457673304e-07, \"ig_over_id\": 6.981381368e-08}}\n}\n";

/* summary.json passes through (keys and layout of solver/summary.c). */
static void check_summary(void)
{
  char dir[4096];
  const SweepSpec sw[2] = {{0.05, id_lin, 0.0}, {1.2, id_sat, 0.01}};
  TcadExtract x;
  case_dir("summary", dir, sizeof dir);
  write_mosfet(dir, &M0, 1.0, sw, 2);
  write_text(dir, "summary.json", good_summary);
  int rc = TcadExtractRun(dir, NULL, &x);
  tap_check(rc == 0 && x.has_summary && x.breakdown_voltage == 8.456313455 && isnan(x.ionization_integral_bv) &&
                x.lifetime == 7592.147917 && !strcmp(x.status, "ok") && !strcmp(x.transport, "drift-diffusion"),
            "summary.pass_through", "rc %d (%s): breakdown %.10g, ii_bv %g, lifetime %.10g, status '%s'", rc,
            rc ? tcad_error_message() : "", x.breakdown_voltage, x.ionization_integral_bv, x.lifetime, x.status);
  tap_check(rc == 0 && x.nsweeps == 2 && x.sweeps[0].isub_peak == 1e-9 && x.sweeps[1].isub_peak_vg == 1.303221726 &&
                x.isub_peak == 0.0491905424 && x.isub_peak_vg == 1.303221726 && x.isub_over_id == 0.01961588306 &&
                x.isub_peak_vd == 1.2,
            "summary.substrate_current", "isub_peak %g at V_g %g, V_d %g", x.isub_peak, x.isub_peak_vg, x.isub_peak_vd);
  tap_check(rc == 0 && !strcmp(x.gate_current_model, "lucky-electron") && x.ig_largest == 5.260131837e-06 &&
                x.ig_largest_point == 60 && x.ig_worst_case == 1.457673304e-07 && x.ig_worst_case_point == 49 &&
                x.ig_worst_case_over_id == 6.981381368e-08 && x.newton_iterations == 255 &&
                x.wall_time_s == 31.38795845 && x.bias_points == 70,
            "summary.gate_current_cost", "model '%s', ig %g at %d, newton %g, wall %g", x.gate_current_model,
            x.ig_largest, x.ig_largest_point, x.newton_iterations, x.wall_time_s);
  TcadExtractFree(&x);

  /* malformed summaries: the file and the line */
  static const struct {
    const char *text, *what, *want;
  } bad[] = {
      {"{\n  \"breakdown_voltage\": [1, 2]\n}\n", "summary.list_for_number", "summary.json:2:"},
      {"{\n  \"status\": \"ok\",\n  \"cost\": {\"wall_time_s\": 1,, }\n}\n", "summary.syntax", "summary.json:3:"},
      {"[1, 2]\n", "summary.not_object", "summary.json:1:"},
      {"", "summary.empty", "summary.json:1:"},
      {"{\"lifetime\": \"long\"}\n", "summary.string_for_number", "summary.json:1:"},
      {"{\"lifetime\": 1}\n}\n", "summary.text_after", "summary.json:2:1: text after the JSON object"},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    write_text(dir, "summary.json", bad[k].text);
    rc = TcadExtractRun(dir, NULL, &x);
    tap_check(rc == TCAD_ERR_INPUT && has(tcad_error_message(), bad[k].want) && x.nsweeps == 0 && !x.sweeps,
              bad[k].what, "rc %d: %s", rc, tcad_error_message());
    TcadExtractFree(&x);
  }
}

/* No gate sweep (a diode), and gate sweeps without a drain: no figures, no error. */
static void check_no_transistor(void)
{
  char dir[4096];
  TcadExtract x;
  Tab tb;
  int rc;
  { /* a diode: the anode swept, carrying current */
    static const char *const names[] = {"anode", "cathode"};
    case_dir("diode", dir, sizeof dir);
    tab_open(&tb, dir, 2, names);
    const double v0[2] = {0, 0}, i0[2] = {0, 0};
    tab_row(&tb, 1, 0, v0, i0);
    for (int q = 1; q <= 16; q++) {
      const double v = 0.05 * q, i = 1e-14 * expm1(v / 0.025852);
      const double vv[2] = {v, 0}, ii[2] = {i, -i};
      tab_row(&tb, 2, q - 1, vv, ii);
    }
    tab_close(&tb);
    rc = TcadExtractCommand(dir, 1);
    const int rc2 = TcadExtractRun(dir, NULL, &x);
    tap_check(rc == 0 && rc2 == 0 && x.nsweeps == 0 && isnan(x.vt_cc) && isnan(x.vt_gm) && isnan(x.ss) &&
                  isnan(x.dibl) && isnan(x.ion) && x.sweep_low == -1,
              "diode.no_gate_sweep", "rc %d/%d (%s), %d sweeps, vt_cc %g", rc, rc2, tcad_error_message(), x.nsweeps,
              x.vt_cc);
    TcadExtractFree(&x);
  }
  { /* a MOSFET swept at V_d = 0: source and drain at the same |V|, no drain to tell */
    static const char *const names[] = {"source", "drain", "bulk", "gate"};
    case_dir("no-drain-bias", dir, sizeof dir);
    tab_open(&tb, dir, 4, names);
    for (int q = 0; q <= 10; q++) {
      const double vv[4] = {0, 0, 0, 0.1 * q}, ii[4] = {-1e-9 * q, 1e-9 * q, 0, 0};
      tab_row(&tb, q ? 2 : 1, q ? q - 1 : 0, vv, ii);
    }
    tab_close(&tb);
    rc = TcadExtractRun(dir, NULL, &x);
    tap_check(rc == 0 && x.nsweeps == 1 && !x.sweeps[0].drain[0] && has(x.sweeps[0].note, "no drain bias") &&
                  isnan(x.sweeps[0].vt_cc) && isnan(x.sweeps[0].ion) && isnan(x.dibl) && x.sweep_low == -1,
              "nodrain.refused", "rc %d, %d sweeps, drain '%s', note '%s'", rc, x.nsweeps,
              x.nsweeps ? x.sweeps[0].drain : "", x.nsweeps ? x.sweeps[0].note : "");
    TcadExtractFree(&x);
  }
  { /* a MOS capacitor: the gate swept, no current anywhere */
    static const char *const names[] = {"gate", "substrate"};
    case_dir("moscap", dir, sizeof dir);
    tab_open(&tb, dir, 2, names);
    for (int q = 0; q <= 10; q++) {
      const double vv[2] = {-1 + 0.2 * q, 0}, ii[2] = {0, 0};
      tab_row(&tb, q ? 2 : 1, q ? q - 1 : 0, vv, ii);
    }
    tab_close(&tb);
    rc = TcadExtractRun(dir, NULL, &x);
    tap_check(rc == 0 && x.nsweeps == 1 && has(x.sweeps[0].note, "not a transistor") && isnan(x.sweeps[0].vt_cc),
              "moscap.refused", "rc %d, %d sweeps, note '%s'", rc, x.nsweeps, x.nsweeps ? x.sweeps[0].note : "");
    TcadExtractFree(&x);
  }
}

/* Malformed tables: the code and the file:line. */
static void check_errors(void)
{
  static const char hdr[] = "point [1],solve_step [1],step_point [1],V(a) [V],In(a) [A/cm],Ip(a) [A/cm],I(a) "
                            "[A/cm],V(g) [V],In(g) [A/cm],Ip(g) [A/cm],I(g) [A/cm]\n";
  static const struct {
    const char *body, *what, *want;
  } bad[] = {
      {"0,1,0,0,0,0,0,0,0,0,0\n1,2,0,0,0,0\n", "errors.short_row", "iv.csv:3: the row has 6 values; expected 11"},
      {"0,1,0,0,0,0,1.2.3,0,0,0,0\n", "errors.not_a_number", "iv.csv:2: value 7 ('1.2.3', column 'I(a)')"},
      {"0,1,0,0,0,0,0,0,0,0,0,0\n", "errors.long_row", "iv.csv:2: the row has more than 11 values; expected 11"},
      {"0,1,0,0,0,,0,0,0,0,0\n", "errors.empty_value", "iv.csv:2: value 6 ('', column 'Ip(a)')"},
      {"0,1.5,0,0,0,0,0,0,0,0,0\n", "errors.fractional_step", "iv.csv:2: solve_step is 1.5"},
      {"0,1,0,0,0,0,0x10,0,0,0,0\n", "errors.hex", "iv.csv:2: value 7 ('0x10'"},
      {"0,1,0,0,0,0,0,0,0,0,0\n\n", "errors.empty_line", "iv.csv:3: an empty line"},
  };
  char dir[4096], msg[1024];
  TcadExtract x;
  case_dir("errors", dir, sizeof dir);
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    char text[2048];
    snprintf(text, sizeof text, "%s%s", hdr, bad[k].body);
    write_text(dir, "iv.csv", text);
    const int rc = TcadExtractRun(dir, NULL, &x);
    tap_check(rc == TCAD_ERR_INPUT && has(tcad_error_message(), bad[k].want) && !x.sweeps && !x.iv_path, bad[k].what,
              "rc %d: %s", rc, tcad_error_message());
    TcadExtractFree(&x);
  }
  static const struct {
    const char *text, *what, *want;
  } bad_hdr[] = {
      {"0,1,0,0,0,0,0,0,0,0,0\n1,2,0,0,0,0,0,0,0,0,0\n", "errors.no_header",
       "iv.csv:1: the header has no column 'point'"},
      {"", "errors.empty_file", "iv.csv:1: the file is empty"},
      {"point [1],solve_step [1],step_point [1],V(a) [V],In(a) [A/cm]\n", "errors.no_current_column",
       "iv.csv:1: the header has 'V(a)' but no 'I(a)'"},
      {"point [1],solve_step [1],step_point [1],V(a) [V],I(a) [A/cm],V(b) [V],I(b) [A]\n", "errors.two_units",
       "iv.csv:1: 'I(b)' is in A but"},
      {"point [1],solve_step [1],step_point [1],V(a) [V],I(a) [A/cm],V(a) [V]\n", "errors.duplicate_column",
       "iv.csv:1: columns 4 and 6 are both named 'V(a)'"},
      {"point [1],solve_step [1],step_point [1]\n", "errors.no_contacts",
       "iv.csv:1: the header has no contact columns"},
  };
  for (size_t k = 0; k < sizeof bad_hdr / sizeof bad_hdr[0]; k++) {
    write_text(dir, "iv.csv", bad_hdr[k].text);
    const int rc = TcadExtractRun(dir, NULL, &x);
    tap_check(rc == TCAD_ERR_INPUT && has(tcad_error_message(), bad_hdr[k].want), bad_hdr[k].what, "rc %d: %s", rc,
              tcad_error_message());
    TcadExtractFree(&x);
  }
  /* a folder without the table, and no folder */
  char empty[4096], path[4200];
  case_dir("no-table", empty, sizeof empty);
  int rc = TcadExtractRun(empty, NULL, &x);
  snprintf(path, sizeof path, "%s/iv.csv", empty);
  snprintf(msg, sizeof msg, "%.1000s", tcad_error_message());
  tap_check(rc == TCAD_ERR_IO && has(msg, path) && has(msg, "No such file"), "errors.missing_table", "rc %d: %s", rc,
            msg);
  snprintf(path, sizeof path, "%s/not-there", g_root);
  rc = TcadExtractRun(path, NULL, &x);
  tap_check(rc == TCAD_ERR_IO && has(tcad_error_message(), path), "errors.missing_folder", "rc %d: %s", rc,
            tcad_error_message());
  snprintf(path, sizeof path, "%s/iv.csv", dir);
  rc = TcadExtractRun(path, NULL, &x);
  tap_check(rc == TCAD_ERR_IO && has(tcad_error_message(), "is not a folder"), "errors.file_for_folder", "rc %d: %s",
            rc, tcad_error_message());
  TcadExtractFree(&x);
  TcadExtractFree(NULL);
}

/* Mutated copies of a good table: each is read or refused with a message naming the table, and
 * nothing crashes (valgrind and ASan runs watch the memory). */
/* write len bytes to path; 0 on success */
static int write_bytes(const char *path, const char *buf, long len)
{
  FILE *o = fopen(path, "wb");
  if (!o) return -1;
  const int bad = fwrite(buf, 1, (size_t)len, o) != (size_t)len;
  return fclose(o) || bad ? -1 : 0;
}

/* Mutate `good` (n bytes) into `path` `count` times and extract `dir`: each mutant must be read,
 * or refused as TCAD_ERR_INPUT with a message naming `path`. */
static void mutate_and_extract(const char *what, const char *good, long n, const char *dir, const char *path, int count)
{
  char *buf = malloc((size_t)n + 64), first[512] = "";
  unsigned long long s = 0x9e3779b97f4a7c15ull;
  int ok = 0, refused = 0, wrong = 0;
  static const char junk[] = ",\n\r0123456789.eE+-naif \0x[]{}()\":";
  for (int it = 0; it < count && buf; it++) {
    long len = n;
    memcpy(buf, good, (size_t)n);
    const int nmut = 1 + it % 4;
    for (int k = 0; k < nmut && len > 0; k++) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      const long at = (long)((s >> 33) % (unsigned long long)len);
      const int kind = (int)((s >> 20) % 4);
      if (kind == 0)
        buf[at] = junk[(s >> 8) % (sizeof junk - 1)];
      else if (kind == 1)
        len = at + 1; /* cut */
      else if (kind == 2 && len > 1)
        memmove(buf + at, buf + at + 1, (size_t)(len - at - 1)), len--;
      else
        buf[at] = (char)(s >> 40);
    }
    if (write_bytes(path, buf, len)) {
      snprintf(first, sizeof first, "cannot write %s", path);
      wrong++;
      break;
    }
    TcadExtract x;
    const int rc = TcadExtractRun(dir, NULL, &x);
    if (rc == 0) {
      ok++;
      for (int j = 0; j < x.nsweeps; j++) /* whatever was read, the figures are numbers or absent */
        if (isinf(x.sweeps[j].vt_cc) || isinf(x.sweeps[j].ss) || x.sweeps[j].ss <= 0) wrong++;
    } else if (rc == TCAD_ERR_INPUT && has(tcad_error_message(), path)) {
      refused++;
    } else {
      if (!first[0]) snprintf(first, sizeof first, "mutant %d: rc %d: %.400s", it, rc, tcad_error_message());
      wrong++;
    }
    TcadExtractFree(&x);
  }
  printf("# %s: %d read, %d refused\n", what, ok, refused);
  tap_check(buf && !wrong && refused > count / 6, what, "%d read, %d refused, %d wrong; %s", ok, refused, wrong, first);
  free(buf);
}

static void check_mutants(void)
{
  char src[4200], dir[4096], path[4200];
  snprintf(src, sizeof src, "%s/mosfet/iv.csv", g_root);
  FILE *f = fopen(src, "rb");
  char *good = NULL;
  long n = 0;
  if (f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET) && (good = malloc((size_t)n)))
    n = (long)fread(good, 1, (size_t)n, f);
  if (f) fclose(f);
  if (!good || n <= 0) {
    tap_check(0, "mutants.setup", "cannot read %s", src);
    free(good);
    return;
  }
  case_dir("mutants", dir, sizeof dir);
  snprintf(path, sizeof path, "%s/iv.csv", dir);
  mutate_and_extract("mutants.iv_csv", good, n, dir, path, 600);
  /* the good table, and mutants of summary.json beside it */
  if (write_bytes(path, good, n)) tap_check(0, "mutants.setup", "cannot write %s", path);
  snprintf(path, sizeof path, "%s/summary.json", dir);
  mutate_and_extract("mutants.summary_json", good_summary, (long)strlen(good_summary), dir, path, 600);
  free(good);
}

/* A real run: the example n-MOSFET (generated mesh) swept in V_g at V_d = 50 mV and 1 V. */
static void check_real_run(void)
{
  const char *tcad = getenv("TCAD"), *root = getenv("TCAD_ROOT");
  char ex[4200], deck[4200], out[4200], log[4200];
  if (!tcad || !root || access(tcad, X_OK)) {
    tap_skip("real.mosfet", "no tcad binary (TCAD, TCAD_ROOT unset: run through tests/run.sh)");
    return;
  }
  snprintf(ex, sizeof ex, "%s/examples/mosfet2d-gen.yaml", root);
  snprintf(deck, sizeof deck, "%s/real.yaml", g_root);
  snprintf(out, sizeof out, "%s/real", g_root);
  snprintf(log, sizeof log, "%s/real.log", g_root);
  FILE *f = fopen(ex, "r"), *o = fopen(deck, "w");
  char line[1024];
  int cut = 0;
  while (f && o && fgets(line, sizeof line, f) && !(cut = !strncmp(line, "solve:", 6))) fputs(line, o);
  if (o)
    fputs("solve:\n  - equilibrium: {}\n  - bias: {drain: 0.05}\n  - sweep: {contact: gate, to: 1.0, step: 0.1}\n"
          "  - bias: {gate: 0}\n  - sweep: {contact: drain, to: 1.0, step: 0.25}\n"
          "  - sweep: {contact: gate, to: 1.0, step: 0.1}\n",
          o);
  if (f) fclose(f);
  if (!o || fclose(o) || !cut) {
    tap_check(0, "real.deck", "cannot derive %s from %s (a 'solve:' section)", deck, ex);
    return;
  }
  fflush(NULL); /* nothing buffered goes to the child's log a second time */
  const pid_t pid = fork();
  if (pid == 0) {
    FILE *l = freopen(log, "w", stdout);
    if (l) dup2(fileno(stdout), 2);
    execl(tcad, tcad, "run", deck, "-o", out, "-q", (char *)NULL);
    _exit(127);
  }
  int st = 0;
  if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
    tap_check(0, "real.run", "tcad run %s exited with status %d (log %s)", deck, WIFEXITED(st) ? WEXITSTATUS(st) : -1,
              log);
    return;
  }
  TcadExtract x;
  const int rc = TcadExtractRun(out, NULL, &x);
  const int two = rc == 0 && x.nsweeps == 2;
  tap_check(two && !strcmp(x.sweeps[0].drain, "drain") && !strcmp(x.sweeps[0].source, "source") &&
                x.sweeps[0].vd == 0.05 && x.sweeps[1].vd == 1.0 && x.sweeps[0].points == 11,
            "real.sweeps", "rc %d (%s), %d sweeps", rc, rc ? tcad_error_message() : "", rc ? 0 : x.nsweeps);
  if (two) {
    /* physics: no subthreshold slope below the thermionic limit ln(10) kT/q = 59.52 mV/dec at
     * 300 K; a bulk MOSFET of this size is at most 90 (tests/t040); DIBL of a 0.25 um gate: a few
     * tens of mV/V, positive; the constant-current V_t (0.1 uA/um, in subthreshold) below the
     * linear-extrapolated one, by less than 0.2 V */
    const TcadExtractSweep *a = &x.sweeps[0], *b = &x.sweeps[1];
    tap_check(a->ss >= 59.5 && a->ss <= 90 && b->ss >= 59.5 && b->ss <= 90, "real.ss_physical",
              "SS %.2f and %.2f mV/dec", a->ss, b->ss);
    tap_check(x.dibl > 5 && x.dibl < 150 && b->vt_cc < a->vt_cc, "real.dibl", "DIBL %.2f mV/V, vt_cc %.4f -> %.4f V",
              x.dibl, a->vt_cc, b->vt_cc);
    tap_check(a->vt_gm > a->vt_cc && a->vt_gm - a->vt_cc < 0.2 && isnan(b->vt_gm), "real.vt_methods",
              "vt_gm %.4f, vt_cc %.4f at 50 mV; vt_gm %g at 1 V", a->vt_gm, a->vt_cc, b->vt_gm);
    tap_check(x.has_summary && !strcmp(x.status, "ok") && x.newton_iterations > 0 && x.wall_time_s > 0 &&
                  isnan(x.breakdown_voltage),
              "real.summary", "summary %d, status '%s', newton %g, wall %g", x.has_summary, x.status,
              x.newton_iterations, x.wall_time_s);
    printf("# real run: vt_cc %.4f / %.4f V, vt_gm %.4f V, SS %.1f / %.1f mV/dec, DIBL %.1f mV/V\n", a->vt_cc, b->vt_cc,
           a->vt_gm, a->ss, b->ss, x.dibl);
  }
  TcadExtractFree(&x);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

int main(void)
{
  int own = 0;
  char tmpl[] = "/tmp/tcad-extract-XXXXXX";
  const char *env = getenv("TCAD_TEST_TMP");
  if (env && env[0]) {
    snprintf(g_root, sizeof g_root, "%.2000s/t076-extract", env);
    mkdir_or_fail(g_root);
  } else {
    if (!mkdtemp(tmpl)) {
      printf("FAIL setup: mkdtemp: %s\n", strerror(errno));
      return 1;
    }
    snprintf(g_root, sizeof g_root, "%s", tmpl);
    own = 1;
  }
  printf("# files in %s\n", g_root);
  check_mosfet();
  check_dibl();
  check_ss_below_threshold();
  check_summary();
  check_no_transistor();
  check_errors();
  check_mutants();
  check_real_run();
  if (own && !tap_failures) nftw(g_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  return tap_exit();
}
