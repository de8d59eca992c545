/* The figures of one finished run (include/tcad/extract.h; definitions in docs/output.md,
 * "Extracted figures"). The IV table is read back here (io/ivtable.c writes it and keeps no
 * reader); summary.json is read through libyaml, since JSON is YAML 1.2's flow syntax.
 *
 * Which rows make a gate sweep, and which contacts are its drain and source, is decided from
 * the table alone (the deck need not be at hand):
 * - a gate sweep is a solve step (consecutive rows of one solve_step) of at least two rows in
 *   which exactly one contact's voltage changes and that contact carries no current (at most a
 *   millionth of the largest current of the step): an insulated gate. The row before the step
 *   is the point the sweep started from (tcad's sweep rows begin one step away from it) and is
 *   taken with it when every other contact has the same voltage there;
 * - of the other (fixed) contacts, those carrying at least 1e-3 of the largest current over the
 *   sweep carry current; the drain is the one at the highest |V| (it must carry at least half
 *   the largest current), the source the one at the lowest |V| (of several there, the one with
 *   clearly the largest current: the others below half of it), and it must carry at least half
 *   the drain's current. A tie at the highest |V|, no drain bias (all at one |V|) or a tie at the
 *   source is not guessed: the sweep is listed with a note saying why, and without figures.
 * - n or p: the on side is the end of the sweep with the larger |I_d|; the figures are computed
 *   on u = ±V_gs (|I_d| rising with u) and reported back as gate voltages. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "tcad/error.h"
#include "tcad/extract.h"

/* A table tcad writes has 3 + 5 per contact + a few columns; this bounds what a damaged header
 * can make the reader do (duplicate names are looked for pairwise). */
#define TCAD_EXTRACT_MAX_COLS 4096
/* summary.json is a few kilobytes; this bounds what a wrong file can cost */
#define TCAD_EXTRACT_MAX_SUMMARY_BYTES (16u << 20)
#define TCAD_EXTRACT_MAX_JSON_DEPTH 32
/* a gate carries at most this share of the step's largest current; a contact carries current
 * from this share of the largest current of the fixed contacts */
#define TCAD_EXTRACT_GATE_LEAK 1e-6
#define TCAD_EXTRACT_CARRIER 1e-3

/* ---------------------------------------------------------------- the IV table */

typedef struct {
  const char *path;
  int ncols, nrows;
  char **names, **units; /* ncols each */
  double *v;             /* nrows x ncols */
  size_t caprows;
  int c_point, c_step;
  int ncontacts;
  int *cv, *ci; /* per contact: its V(...) and I(...) columns */
  char (*cname)[TCAD_EXTRACT_NAME_MAX];
  char unit[16];
} ExTable;

static void table_free(ExTable *t)
{
  for (int i = 0; i < t->ncols; i++) {
    if (t->names) free(t->names[i]);
    if (t->units) free(t->units[i]);
  }
  free(t->names);
  free(t->units);
  free(t->v);
  free(t->cv);
  free(t->ci);
  free(t->cname);
  memset(t, 0, sizeof *t);
}

static char *dup_n(const char *s, size_t n)
{
  char *p = tcad_malloc(n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

static int find_col(const ExTable *t, const char *name)
{
  for (int i = 0; i < t->ncols; i++)
    if (!strcmp(t->names[i], name)) return i;
  return -1;
}

/* A few characters of a bad field, printable, for a message. */
static const char *shown(const char *s, size_t n, char *buf, size_t cap)
{
  size_t k = 0;
  for (size_t i = 0; i < n && k + 4 < cap; i++) buf[k++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
  if (n > 0 && k < n && k + 4 <= cap) buf[k++] = '.', buf[k++] = '.', buf[k++] = '.';
  buf[k] = 0;
  return buf;
}

static const char ex_header_form[] = "point [1],solve_step [1],step_point [1],V(NAME) [V],In(NAME) [A/cm],...";

/* The header: `name [unit]` (or `name`) per column, comma-separated (include/tcad/ivtable.h). */
static int table_header(ExTable *t, const char *line, size_t len)
{
  if (len == 0)
    return tcad_error(TCAD_ERR_INPUT, "%s:1: the %s; expected the IV table's header line (%s)", t->path,
                      line ? "first line is empty" : "file is empty", ex_header_form);
  if (memchr(line, 0, len))
    return tcad_error(TCAD_ERR_INPUT, "%s:1: the header holds a NUL byte; expected a line of text (%s)", t->path,
                      ex_header_form);
  int n = 1;
  for (size_t i = 0; i < len && n <= TCAD_EXTRACT_MAX_COLS; i++) n += line[i] == ',';
  if (n > TCAD_EXTRACT_MAX_COLS)
    return tcad_error(TCAD_ERR_INPUT, "%s:1: the header has more than %d columns; expected an IV table of tcad",
                      t->path, TCAD_EXTRACT_MAX_COLS);
  TCAD_ALLOC(t->names, n);
  TCAD_ALLOC(t->units, n);
  t->ncols = n;
  const char *p = line;
  for (int c = 0; c < n; c++) {
    const char *end = memchr(p, ',', (size_t)(line + len - p));
    if (!end) end = line + len;
    size_t fl = (size_t)(end - p), nl = fl;
    const char *u = NULL;
    size_t ul = 0;
    if (fl >= 3 && p[fl - 1] == ']') /* "name [unit]" */
      for (size_t k = fl - 1; k-- > 1;)
        if (p[k] == '[' && p[k - 1] == ' ') {
          nl = k - 1, u = p + k + 1, ul = fl - k - 2;
          break;
        }
    t->names[c] = dup_n(p, nl);
    t->units[c] = dup_n(u ? u : "", ul);
    if (!t->names[c] || !t->units[c]) return TCAD_ERR_MEM;
    if (!nl)
      return tcad_error(TCAD_ERR_INPUT,
                        "%s:1: column %d of the header has no name; expected the IV table's header (%s)", t->path,
                        c + 1, ex_header_form);
    p = end + 1;
  }
  static const char *const need[] = {"point", "solve_step", "step_point"};
  for (int k = 0; k < 3; k++)
    if (find_col(t, need[k]) < 0) {
      char b[40];
      return tcad_error(TCAD_ERR_INPUT,
                        "%s:1: the header has no column '%s' (it starts '%s'); expected the IV table's header (%s)",
                        t->path, need[k], shown(line, len, b, sizeof b), ex_header_form);
    }
  for (int c = 0; c < n; c++)
    for (int k = c + 1; k < n; k++)
      if (!strcmp(t->names[c], t->names[k]))
        return tcad_error(TCAD_ERR_INPUT, "%s:1: columns %d and %d are both named '%s'; expected each name once",
                          t->path, c + 1, k + 1, t->names[c]);
  t->c_point = find_col(t, "point");
  t->c_step = find_col(t, "solve_step");
  /* the contacts: one V(NAME) and one I(NAME) each */
  TCAD_ALLOC(t->cv, n);
  TCAD_ALLOC(t->ci, n);
  TCAD_ALLOC(t->cname, n);
  for (int c = 0; c < n; c++) {
    const char *nm = t->names[c];
    const size_t l = strlen(nm);
    if (l < 4 || strncmp(nm, "V(", 2) || nm[l - 1] != ')') continue;
    if (l - 3 >= TCAD_EXTRACT_NAME_MAX)
      return tcad_error(TCAD_ERR_INPUT, "%s:1: the contact name in column '%s' has %zu characters; expected at most %d",
                        t->path, nm, l - 3, TCAD_EXTRACT_NAME_MAX - 1);
    const int k = t->ncontacts;
    memcpy(t->cname[k], nm + 2, l - 3);
    t->cname[k][l - 3] = 0;
    char iname[TCAD_EXTRACT_NAME_MAX + 4];
    snprintf(iname, sizeof iname, "I(%s)", t->cname[k]);
    t->cv[k] = c;
    t->ci[k] = find_col(t, iname);
    if (t->ci[k] < 0)
      return tcad_error(TCAD_ERR_INPUT,
                        "%s:1: the header has '%s' but no '%s'; expected the columns V(%s),In(%s),Ip(%s),I(%s) of "
                        "each contact",
                        t->path, nm, iname, t->cname[k], t->cname[k], t->cname[k], t->cname[k]);
    const char *u = t->units[t->ci[k]];
    if (k == 0) {
      if (strlen(u) >= sizeof t->unit)
        return tcad_error(TCAD_ERR_INPUT, "%s:1: the unit of '%s' is '%s'; expected a current unit (A/cm, A, A/cm^2)",
                          t->path, iname, u);
      strcpy(t->unit, u);
    } else if (strcmp(u, t->unit)) {
      return tcad_error(TCAD_ERR_INPUT,
                        "%s:1: '%s' is in %s but '%s' in %s; expected one current unit for all contacts", t->path,
                        iname, u[0] ? u : "no unit", t->names[t->ci[0]], t->unit[0] ? t->unit : "no unit");
    }
    t->ncontacts++;
  }
  if (!t->ncontacts)
    return tcad_error(TCAD_ERR_INPUT,
                      "%s:1: the header has no contact columns; expected V(NAME) and I(NAME) per contact", t->path);
  return 0;
}

/* One row: ncols numbers as tcad writes them (%.17g, nan, inf, -inf), comma-separated. */
static int table_row(ExTable *t, const char *line, size_t len, int lineno)
{
  if (len == 0)
    return tcad_error(TCAD_ERR_INPUT, "%s:%d: an empty line; expected a row of %d values", t->path, lineno, t->ncols);
  int nf = 1;
  for (size_t i = 0; i < len && nf <= t->ncols; i++) nf += line[i] == ',';
  if (nf != t->ncols)
    return tcad_error(TCAD_ERR_INPUT, "%s:%d: the row has %s%d values; expected %d (one per column of the header)",
                      t->path, lineno, nf > t->ncols ? "more than " : "", nf > t->ncols ? t->ncols : nf, t->ncols);
  if ((size_t)t->nrows + 1 > t->caprows) {
    const size_t cap = t->caprows ? 2 * t->caprows : 64;
    double *d = realloc(t->v, sizeof(double) * cap * (size_t)t->ncols);
    if (!d) return tcad_error(TCAD_ERR_MEM, "out of memory reading %s (%d rows)", t->path, t->nrows);
    t->v = d;
    t->caprows = cap;
  }
  double *row = t->v + (size_t)t->nrows * t->ncols;
  const char *p = line;
  for (int c = 0; c < t->ncols; c++) {
    const char *end = memchr(p, ',', (size_t)(line + len - p));
    if (!end) end = line + len;
    const size_t fl = (size_t)(end - p);
    char buf[64], b[40], *e = NULL;
    double v = 0;
    int ok = fl > 0 && fl < sizeof buf;
    if (ok) {
      memcpy(buf, p, fl);
      buf[fl] = 0;
      /* strtod reads hex floats too: tcad never writes one */
      v = strtod(buf, &e);
      ok = e == buf + fl && !strpbrk(buf, "xX") && buf[0] != ' '; /* a NUL ends strtod early */
    }
    if (!ok)
      return tcad_error(TCAD_ERR_INPUT,
                        "%s:%d: value %d ('%s', column '%s') is not a number; expected a number as tcad writes it "
                        "(nan and inf included)",
                        t->path, lineno, c + 1, shown(p, fl, b, sizeof b), t->names[c]);
    if ((c == t->c_point || c == t->c_step) && !(v >= 0 && v < 2e9 && v == floor(v)))
      return tcad_error(TCAD_ERR_INPUT, "%s:%d: %s is %s; expected a whole number >= 0", t->path, lineno, t->names[c],
                        shown(p, fl, b, sizeof b));
    row[c] = v;
    p = end + 1;
  }
  t->nrows++;
  return 0;
}

static int table_read(const char *path, ExTable *t)
{
  FILE *f = fopen(path, "r");
  char *line = NULL;
  size_t cap = 0;
  int e = 0, lineno = 0;
  memset(t, 0, sizeof *t);
  t->path = path;
  if (!f)
    return tcad_error(TCAD_ERR_IO,
                      "%s: cannot open the IV table: %s; expected the output folder of a `tcad run` (it writes "
                      "iv.csv there)",
                      path, strerror(errno));
  for (;;) {
    errno = 0;
    const ssize_t n = getline(&line, &cap, f);
    if (n < 0) {
      if (ferror(f))
        e = tcad_error(TCAD_ERR_IO, "%s: reading line %d failed: %s", path, lineno + 1, strerror(errno ? errno : EIO));
      else if (lineno == 0)
        e = table_header(t, NULL, 0); /* the empty file's message */
      break;
    }
    size_t len = (size_t)n;
    lineno++;
    if (len && line[len - 1] == '\n') len--;
    if (len && line[len - 1] == '\r') len--;
    e = lineno == 1 ? table_header(t, line, len) : table_row(t, line, len, lineno);
    if (e) {
      tcad_error_frame(__FILE__, __LINE__, __func__, e);
      break;
    }
  }
  free(line);
  fclose(f);
  if (e) table_free(t);
  return e;
}

static double tv(const ExTable *t, int row, int col) { return t->v[(size_t)row * t->ncols + col]; }

/* ---------------------------------------------------------------- one gate sweep */

typedef struct {
  double u, i; /* u = s (V_g - V_s), |I_d| */
  int row;
} ExPoint;

static int point_cmp(const void *a, const void *b)
{
  const ExPoint *p = a, *q = b;
  if (p->u != q->u) return p->u < q->u ? -1 : 1;
  return p->row - q->row;
}

static void note(TcadExtractSweep *sw, const char *fmt, ...) TCAD_PRINTF(2, 3);
static void note(TcadExtractSweep *sw, const char *fmt, ...)
{
  size_t l = strlen(sw->note);
  if (l + 3 >= sizeof sw->note) return;
  if (l) strcpy(sw->note + l, "; "), l += 2;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(sw->note + l, sizeof sw->note - l, fmt, ap);
  va_end(ap);
}

static void sweep_init(TcadExtractSweep *sw)
{
  memset(sw, 0, sizeof *sw);
  sw->vd = sw->vs = sw->vt_cc = sw->vt_gm = sw->ss = sw->gm_max = sw->gm_max_vg = NAN;
  sw->ion = sw->ion_vg = sw->ioff = sw->ioff_vg = NAN;
  sw->isub_peak = sw->isub_peak_vg = sw->isub_over_id = NAN;
}

/* The drain and the source of the sweep starting at row r0 with gate g (the rules at the top);
 * -1 with a note when they cannot be told. */
static void sweep_terminals(const ExTable *t, int r0, int g, const double *imax, TcadExtractSweep *sw, int *dp, int *sp)
{
  double top = 0;
  int d = -1, s = -1, nat_min = 0, nat_max = 0;
  *dp = *sp = -1;
  for (int c = 0; c < t->ncontacts; c++)
    if (c != g && imax[c] > top) top = imax[c];
  if (!(top > 0)) {
    note(sw, "no other contact carries current (a capacitor, not a transistor)");
    return;
  }
  double vmax = -1, vmin = INFINITY;
  int ncar = 0;
  for (int c = 0; c < t->ncontacts; c++) {
    if (c == g || !(imax[c] >= TCAD_EXTRACT_CARRIER * top)) continue;
    const double a = fabs(tv(t, r0, t->cv[c]));
    ncar++;
    if (a > vmax)
      vmax = a, d = c, nat_max = 1;
    else if (a == vmax)
      nat_max++;
    if (a < vmin)
      vmin = a, s = c, nat_min = 1;
    else if (a == vmin)
      nat_min++;
  }
  if (ncar < 2) {
    note(sw, "only %s carries current (not a transistor)", t->cname[d]);
    return;
  }
  if (vmax == vmin) {
    note(sw, "the contacts carrying current are all at |V| = %g V: no drain bias", vmax);
    return;
  }
  if (nat_max > 1) {
    note(sw, "%d contacts carrying current share the highest |V| = %g V: cannot tell the drain", nat_max, vmax);
    return;
  }
  if (imax[d] < 0.5 * top) {
    note(sw, "%s, at the highest |V|, carries %g, under half the largest current (%g): cannot tell the drain",
         t->cname[d], imax[d], top);
    return;
  }
  if (nat_min > 1) { /* several at the lowest |V| (source and bulk at 0 V): the one with clearly most current */
    s = -1;
    for (int c = 0; c < t->ncontacts; c++)
      if (c != g && imax[c] >= TCAD_EXTRACT_CARRIER * top && fabs(tv(t, r0, t->cv[c])) == vmin &&
          (s < 0 || imax[c] > imax[s]))
        s = c;
    for (int c = 0; c < t->ncontacts; c++)
      if (c != g && c != s && imax[c] >= TCAD_EXTRACT_CARRIER * top && fabs(tv(t, r0, t->cv[c])) == vmin &&
          imax[c] >= 0.5 * imax[s]) {
        note(sw, "%s and %s, both at |V| = %g V, carry comparable currents: cannot tell the source", t->cname[s],
             t->cname[c], vmin);
        return;
      }
  }
  if (imax[s] < 0.5 * imax[d]) {
    note(sw, "the source %s carries %g, under half the drain's %g: the drain current does not return through it",
         t->cname[s], imax[s], imax[d]);
    return;
  }
  *dp = d;
  *sp = s;
}

/* The figures of one sweep from its points, u ascending, |I_d| rising with u overall. */
static void sweep_figures(const ExPoint *p, int n, double sgn, double vs, double vds, double icrit, const char *unit,
                          TcadExtractSweep *sw)
{
  /* on and off: the on end, and V_gs = 0 or the smallest |V_gs| (the lower u of a tie) */
  sw->ion = p[n - 1].i;
  sw->ion_vg = vs + sgn * p[n - 1].u;
  int k0 = 0;
  for (int k = 1; k < n; k++)
    if (fabs(p[k].u) < fabs(p[k0].u)) k0 = k;
  sw->ioff = p[k0].i;
  sw->ioff_vg = vs + sgn * p[k0].u;

  /* Maximum transconductance, linear extrapolation: the line through the two neighbouring points
   * of largest slope g_m = dI_d/dV_g crosses I_d = 0 at V_0, and V_t = V_0 - V_ds/2. Above
   * threshold in the linear region I_d = k (V_gs - V_t - V_ds/2) V_ds, so the intercept is
   * V_t + V_ds/2 (D. K. Schroder, Semiconductor Material and Device Characterization, 3rd ed.,
   * Wiley 2006, section 4.4, linear extrapolation). That law holds while the channel is far from
   * pinch-off; we take it as |V_ds| <= (V_gs - V_t)/2 at the point of largest g_m (the drain end
   * holds at least half the source end's inversion charge) and leave vt_gm absent otherwise: at a
   * saturation V_d the intercept is no threshold voltage. */
  int kg = -1;
  double gmax = 0;
  for (int k = 0; k + 1 < n; k++) {
    const double g = (p[k + 1].i - p[k].i) / (p[k + 1].u - p[k].u);
    if (g > gmax) gmax = g, kg = k;
  }
  if (kg >= 0) {
    const double ustar = 0.5 * (p[kg].u + p[kg + 1].u), ut = p[kg].u - p[kg].i / gmax - 0.5 * vds;
    sw->gm_max = gmax;
    sw->gm_max_vg = vs + sgn * ustar;
    if (vds <= 0.5 * (ustar - ut))
      sw->vt_gm = vs + sgn * ut;
    else
      note(sw,
           "no vt_gm: |V_ds| = %.3g V is not small against V_gs - V_t = %.3g V at the largest g_m (the "
           "linear-region method needs |V_ds| <= (V_gs - V_t)/2)",
           vds, ustar - ut);
  } else {
    note(sw, "no vt_gm: |I_d| never rises between two points");
  }

  if (!(icrit > 0)) {
    note(sw, "no vt_cc and ss: no default criterion current for tables in '%s'; give one", unit);
    return;
  }
  /* Constant current: the last point below the criterion and the next (so a leakage floor or
   * GIDL at the off end does not count as the threshold), log-linear between them (linear when
   * the lower current is 0). */
  int kc = -1;
  for (int k = 0; k < n; k++)
    if (p[k].i < icrit) kc = k;
  if (kc < 0) {
    note(sw, "no vt_cc: |I_d| is at or above the criterion %g %s over the whole sweep", icrit, unit);
  } else if (kc == n - 1) {
    note(sw, "no vt_cc: |I_d| stays below the criterion %g %s (at most %g)", icrit, unit, p[n - 1].i);
  } else {
    const ExPoint *a = &p[kc], *b = &p[kc + 1];
    const double f = a->i > 0 ? log(icrit / a->i) / log(b->i / a->i) : (icrit - a->i) / (b->i - a->i);
    sw->vt_cc = vs + sgn * (a->u + f * (b->u - a->u));
  }
  /* Subthreshold slope: the smallest dV_g/dlog10|I_d| between two neighbouring points that are
   * both at or below the criterion, with |I_d| rising between them. */
  double ss = INFINITY;
  for (int k = 0; k + 1 < n; k++)
    if (p[k].i > 0 && p[k + 1].i > p[k].i && p[k + 1].i <= icrit) {
      const double v = 1e3 * (p[k + 1].u - p[k].u) / log10(p[k + 1].i / p[k].i);
      if (v < ss) ss = v;
    }
  if (isfinite(ss))
    sw->ss = ss;
  else
    note(sw, "no ss: fewer than two points below the criterion %g %s with |I_d| rising", icrit, unit);
}

/* The sweep over rows [r0, r1) of gate contact g. */
static int sweep_extract(const ExTable *t, int r0, int r1, int g, double icrit, TcadExtractSweep *sw)
{
  double *imax = NULL;
  ExPoint *p = NULL;
  int e = 0, d, s;
  sweep_init(sw);
  sw->solve_step = (int)tv(t, r0, t->c_step);
  strcpy(sw->gate, t->cname[g]);
  TCAD_ALLOC(imax, t->ncontacts);
  for (int c = 0; c < t->ncontacts; c++)
    for (int r = r0; r < r1; r++) {
      const double a = fabs(tv(t, r, t->ci[c]));
      if (a > imax[c]) imax[c] = a; /* a nan does not count here; it is refused below where it matters */
    }
  /* the points: the step's rows and the row it started from, when only the gate differs there */
  int from = r0 > 0;
  for (int c = 0; c < t->ncontacts && from; c++)
    if (c != g && tv(t, r0 - 1, t->cv[c]) != tv(t, r0, t->cv[c])) from = 0;
  sw->points = r1 - r0 + from;
  sweep_terminals(t, r0, g, imax, sw, &d, &s);
  if (d < 0) goto cleanup;
  strcpy(sw->drain, t->cname[d]);
  strcpy(sw->source, t->cname[s]);
  sw->vd = tv(t, r0, t->cv[d]);
  sw->vs = tv(t, r0, t->cv[s]);
  TCAD_ALLOC_GOTO(e, p, r1 - r0 + 1, cleanup);
  int n = 0;
  for (int r = r0 - from; r < r1; r++) {
    const double vg = tv(t, r, t->cv[g]), id = tv(t, r, t->ci[d]);
    if (!isfinite(vg) || !isfinite(id)) {
      note(sw, "point %d has a non-finite V(%s) or I(%s)", (int)tv(t, r, t->c_point), sw->gate, sw->drain);
      goto cleanup;
    }
    p[n].u = vg - sw->vs, p[n].i = fabs(id), p[n].row = r;
    n++;
  }
  qsort(p, (size_t)n, sizeof *p, point_cmp);
  int m = 0; /* one point per gate voltage: the later row */
  for (int k = 0; k < n; k++) {
    if (m && p[m - 1].u == p[k].u) m--;
    p[m++] = p[k];
  }
  sw->points = n = m;
  if (n < 2 || p[0].i == p[n - 1].i) {
    note(sw, "|I(%s)| is the same at both ends of the sweep: no on and off side", sw->drain);
    goto cleanup;
  }
  const double sgn = p[n - 1].i > p[0].i ? 1.0 : -1.0;
  sw->polarity = (int)sgn;
  if (sgn < 0) /* p-type: u = -(V_g - V_s), ascending */
    for (int k = 0; k < n / 2; k++) {
      const ExPoint q = p[k];
      p[k] = p[n - 1 - k], p[n - 1 - k] = q;
    }
  for (int k = 0; k < n; k++) p[k].u *= sgn;
  sweep_figures(p, n, sgn, sw->vs, fabs(sw->vd - sw->vs), icrit, t->unit, sw);
cleanup:
  free(imax);
  free(p);
  return e;
}

/* Every gate sweep of the table, in its order. */
static int table_sweeps(const ExTable *t, double icrit, TcadExtract *x)
{
  int cap = 0;
  for (int r0 = 0, r1; r0 < t->nrows; r0 = r1) {
    for (r1 = r0 + 1; r1 < t->nrows && tv(t, r1, t->c_step) == tv(t, r0, t->c_step);) r1++;
    if (r1 - r0 < 2) continue;
    int g = -1, moving = 0;
    for (int c = 0; c < t->ncontacts; c++) {
      int moves = 0;
      for (int r = r0 + 1; r < r1 && !moves; r++) moves = !(tv(t, r, t->cv[c]) == tv(t, r0, t->cv[c]));
      if (moves) g = c, moving++;
    }
    if (moving != 1) continue;
    double ig = 0, top = 0;
    for (int r = r0; r < r1; r++)
      for (int c = 0; c < t->ncontacts; c++) {
        const double a = fabs(tv(t, r, t->ci[c]));
        if (c == g && !(a <= ig)) ig = a; /* a nan gate current: not an insulated gate */
        if (a > top) top = a;
      }
    if (!(ig <= TCAD_EXTRACT_GATE_LEAK * top)) continue; /* the moving contact conducts: a drain or diode sweep */
    if (x->nsweeps == cap) {
      cap = cap ? 2 * cap : 4;
      TcadExtractSweep *ns = realloc(x->sweeps, sizeof *ns * (size_t)cap);
      if (!ns) return tcad_error(TCAD_ERR_MEM, "out of memory for the gate sweeps of %s", t->path);
      x->sweeps = ns;
    }
    TCAD_CALL(sweep_extract(t, r0, r1, g, icrit, &x->sweeps[x->nsweeps]));
    x->nsweeps++;
  }
  return 0;
}

/* The run's figures from its sweeps (extract.h). */
static void run_figures(TcadExtract *x)
{
  int lo = -1, hi = -1, clo = -1, chi = -1;
  for (int k = 0; k < x->nsweeps; k++) {
    const TcadExtractSweep *w = &x->sweeps[k];
    if (!w->drain[0]) continue;
    const double a = fabs(w->vd - w->vs);
    if (lo < 0 || a < fabs(x->sweeps[lo].vd - x->sweeps[lo].vs)) lo = k;
    if (hi < 0 || a > fabs(x->sweeps[hi].vd - x->sweeps[hi].vs)) hi = k;
  }
  x->sweep_low = lo;
  x->sweep_high = hi;
  if (lo >= 0) {
    x->vt_cc = x->sweeps[lo].vt_cc, x->vt_gm = x->sweeps[lo].vt_gm, x->ss = x->sweeps[lo].ss;
    x->vd_low = x->sweeps[lo].vd;
    x->ion = x->sweeps[hi].ion, x->ioff = x->sweeps[hi].ioff, x->vd_high = x->sweeps[hi].vd;
  }
  /* DIBL: the sweeps with a vt_cc at the lowest and the highest |V_ds| among those of the lowest
   * one's gate, drain and source */
  for (int k = 0; k < x->nsweeps; k++) {
    const TcadExtractSweep *w = &x->sweeps[k];
    if (!w->drain[0] || !isfinite(w->vt_cc)) continue;
    if (clo < 0 || fabs(w->vd - w->vs) < fabs(x->sweeps[clo].vd - x->sweeps[clo].vs)) clo = k;
  }
  for (int k = 0; k < x->nsweeps && clo >= 0; k++) {
    const TcadExtractSweep *w = &x->sweeps[k], *l = &x->sweeps[clo];
    if (!w->drain[0] || !isfinite(w->vt_cc) || strcmp(w->gate, l->gate) || strcmp(w->drain, l->drain) ||
        strcmp(w->source, l->source))
      continue;
    if (chi < 0 || fabs(w->vd - w->vs) > fabs(x->sweeps[chi].vd - x->sweeps[chi].vs)) chi = k;
  }
  if (clo >= 0 && chi >= 0) {
    const TcadExtractSweep *l = &x->sweeps[clo], *h = &x->sweeps[chi];
    const double dv = fabs(h->vd - h->vs) - fabs(l->vd - l->vs);
    if (dv > 1e-9 && l->polarity == h->polarity)
      x->dibl = 1e3 * l->polarity * ((l->vt_cc - l->vs) - (h->vt_cc - h->vs)) / dv;
  }
}

/* ---------------------------------------------------------------- summary.json */

static int read_text(const char *path, char **text, size_t *len, int *missing)
{
  FILE *f = fopen(path, "rb");
  struct stat sb;
  *text = NULL, *len = 0, *missing = 0;
  if (!f) {
    if (errno == ENOENT) return *missing = 1, 0;
    return tcad_error(TCAD_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  }
  if (fstat(fileno(f), &sb)) {
    const int err = errno;
    fclose(f);
    return tcad_error(TCAD_ERR_IO, "%s: cannot read: %s", path, strerror(err));
  }
  if (!S_ISREG(sb.st_mode) || (unsigned long long)sb.st_size > TCAD_EXTRACT_MAX_SUMMARY_BYTES) {
    fclose(f);
    return tcad_error(TCAD_ERR_INPUT, "%s: not a file of at most %u bytes; expected the summary.json of a tcad run",
                      path, TCAD_EXTRACT_MAX_SUMMARY_BYTES);
  }
  *text = tcad_malloc((size_t)sb.st_size + 1);
  if (!*text) {
    fclose(f);
    return TCAD_ERR_MEM;
  }
  *len = fread(*text, 1, (size_t)sb.st_size, f);
  const int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(*text);
    *text = NULL;
    return tcad_error(TCAD_ERR_IO, "%s: reading failed", path);
  }
  (*text)[*len] = 0;
  return 0;
}

/* libyaml's scanner costs O(depth^2) on nested brackets: refuse deep nesting before it sees it. */
static int json_prescan(const char *path, const char *s, size_t len)
{
  int depth = 0, line = 1, col = 0, in = 0;
  for (size_t i = 0; i < len; i++) {
    const char ch = s[i];
    col++;
    if (ch == '\n') line++, col = 0;
    if (in) {
      if (ch == '\\' && i + 1 < len)
        i++, col++;
      else if (ch == '"')
        in = 0;
    } else if (ch == '"') {
      in = 1;
    } else if ((ch == '[' || ch == '{') && ++depth > TCAD_EXTRACT_MAX_JSON_DEPTH) {
      return tcad_error(TCAD_ERR_INPUT, "%s:%d:%d: nested more than %d deep; expected the summary.json of a tcad run",
                        path, line, col, TCAD_EXTRACT_MAX_JSON_DEPTH);
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      depth--;
    }
  }
  return 0;
}

typedef struct {
  const char *path;
  yaml_document_t doc;
} ExJson;

static yaml_node_t *jget(ExJson *j, const yaml_node_t *map, const char *key)
{
  if (!map || map->type != YAML_MAPPING_NODE) return NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    const yaml_node_t *k = yaml_document_get_node(&j->doc, p->key);
    if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
      return yaml_document_get_node(&j->doc, p->value);
  }
  return NULL;
}

static int jnull(const yaml_node_t *n)
{
  return n && n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
         !strcmp((const char *)n->data.scalar.value, "null");
}

static const char *jwhat(const yaml_node_t *n)
{
  if (n->type == YAML_MAPPING_NODE) return "an object";
  if (n->type == YAML_SEQUENCE_NODE) return "a list";
  return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? "a word" : "a string";
}

static int jfail(ExJson *j, const yaml_node_t *n, const char *key, const char *expect)
{
  return tcad_error(TCAD_ERR_INPUT, "%s:%d:%d: '%s' is %s; expected %s", j->path, (int)n->start_mark.line + 1,
                    (int)n->start_mark.column + 1, key, jwhat(n), expect);
}

/* map[key] as a number; absent or null leave *v as it is (NAN) */
static int jnum(ExJson *j, const yaml_node_t *map, const char *key, double *v)
{
  const yaml_node_t *n = jget(j, map, key);
  if (!n || jnull(n)) return 0;
  if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
    const char *s = (const char *)n->data.scalar.value;
    char *end;
    const double d = strtod(s, &end);
    if (end != s && !*end && isfinite(d) && !strpbrk(s, "xX")) return *v = d, 0;
  }
  return jfail(j, n, key, "a number or null");
}

static int jstr(ExJson *j, const yaml_node_t *map, const char *key, char *buf, size_t cap)
{
  const yaml_node_t *n = jget(j, map, key);
  if (!n || jnull(n)) return 0;
  if (n->type != YAML_SCALAR_NODE || n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
    return jfail(j, n, key, "a string");
  snprintf(buf, cap, "%s", (const char *)n->data.scalar.value);
  return 0;
}

/* map[key] when it is an object (NULL when absent or null) */
static int jobj(ExJson *j, const yaml_node_t *map, const char *key, yaml_node_t **out)
{
  yaml_node_t *n = jget(j, map, key);
  *out = NULL;
  if (!n || jnull(n)) return 0;
  if (n->type != YAML_MAPPING_NODE) return jfail(j, n, key, "an object {...} or null");
  *out = n;
  return 0;
}

static int summary_fill(ExJson *j, const yaml_node_t *root, TcadExtract *x)
{
  yaml_node_t *o, *sub;
  TCAD_CALL(jstr(j, root, "status", x->status, sizeof x->status));
  TCAD_CALL(jstr(j, root, "transport", x->transport, sizeof x->transport));
  TCAD_CALL(jnum(j, root, "breakdown_voltage", &x->breakdown_voltage));
  TCAD_CALL(jnum(j, root, "ionization_integral_bv", &x->ionization_integral_bv));
  TCAD_CALL(jnum(j, root, "lifetime", &x->lifetime));
  TCAD_CALL(jobj(j, root, "cost", &o));
  TCAD_CALL(jnum(j, o, "bias_points", &x->bias_points));
  TCAD_CALL(jnum(j, o, "newton_iterations", &x->newton_iterations));
  TCAD_CALL(jnum(j, o, "wall_time_s", &x->wall_time_s));
  TCAD_CALL(jobj(j, root, "gate_current", &o));
  if (o) {
    TCAD_CALL(jstr(j, o, "model", x->gate_current_model, sizeof x->gate_current_model));
    for (int k = 0; k < 2; k++) {
      TCAD_CALL(jobj(j, o, k ? "worst_case" : "largest", &sub));
      double pt = NAN;
      TCAD_CALL(jnum(j, sub, "point", &pt));
      TCAD_CALL(jnum(j, sub, "ig", k ? &x->ig_worst_case : &x->ig_largest));
      TCAD_CALL(jnum(j, sub, "ig_over_id", k ? &x->ig_worst_case_over_id : &x->ig_largest_over_id));
      *(k ? &x->ig_worst_case_point : &x->ig_largest_point) = pt >= 0 && pt < 2e9 ? (int)pt : -1;
    }
  }
  /* the substrate-current peaks: to their sweeps by solve_step, the highest V_d's to the run */
  const yaml_node_t *seq = jget(j, root, "substrate_current");
  if (!seq || jnull(seq)) return 0;
  if (seq->type != YAML_SEQUENCE_NODE) return jfail(j, seq, "substrate_current", "a list of objects");
  for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
    const yaml_node_t *e = yaml_document_get_node(&j->doc, *it);
    double step = NAN, vd = NAN, pk = NAN, vg = NAN, ratio = NAN;
    if (!e || e->type != YAML_MAPPING_NODE) return jfail(j, e ? e : seq, "substrate_current[]", "an object {...}");
    TCAD_CALL(jnum(j, e, "solve_step", &step));
    TCAD_CALL(jnum(j, e, "vd", &vd));
    TCAD_CALL(jnum(j, e, "isub_peak", &pk));
    TCAD_CALL(jnum(j, e, "isub_peak_vg", &vg));
    TCAD_CALL(jnum(j, e, "isub_over_id", &ratio));
    for (int k = 0; k < x->nsweeps; k++)
      if (x->sweeps[k].solve_step == step)
        x->sweeps[k].isub_peak = pk, x->sweeps[k].isub_peak_vg = vg, x->sweeps[k].isub_over_id = ratio;
    if (isfinite(vd) && (!isfinite(x->isub_peak_vd) || fabs(vd) > fabs(x->isub_peak_vd)))
      x->isub_peak_vd = vd, x->isub_peak = pk, x->isub_peak_vg = vg, x->isub_over_id = ratio;
  }
  return 0;
}

static int summary_read(const char *path, TcadExtract *x)
{
  char *text = NULL;
  size_t len = 0;
  int missing = 0, e = 0;
  yaml_parser_t parser;
  ExJson j = {.path = path};
  TCAD_CALL(read_text(path, &text, &len, &missing));
  if (missing) return 0;
  TCAD_CALL_GOTO(e, json_prescan(path, text, len), cleanup);
  if (!yaml_parser_initialize(&parser)) {
    e = tcad_error(TCAD_ERR_MEM, "%s: cannot initialise the JSON parser", path);
    goto cleanup;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  if (!yaml_parser_load(&parser, &j.doc)) {
    e = tcad_error(TCAD_ERR_INPUT, "%s:%d:%d: not valid JSON: %s; expected the summary.json of a tcad run", path,
                   (int)parser.problem_mark.line + 1, (int)parser.problem_mark.column + 1,
                   parser.problem ? parser.problem : "unreadable");
    yaml_parser_delete(&parser);
    goto cleanup;
  }
  /* text after the object would be a second document: refuse it (a failed load has freed next) */
  yaml_document_t next;
  int more = 0, line = 0, col = 0;
  if (!yaml_parser_load(&parser, &next)) {
    more = 1, line = (int)parser.problem_mark.line + 1, col = (int)parser.problem_mark.column + 1;
  } else {
    const yaml_node_t *r = yaml_document_get_root_node(&next);
    if (r) more = 1, line = (int)r->start_mark.line + 1, col = (int)r->start_mark.column + 1;
    yaml_document_delete(&next);
  }
  yaml_parser_delete(&parser);
  const yaml_node_t *root = yaml_document_get_root_node(&j.doc);
  if (more)
    e = tcad_error(TCAD_ERR_INPUT, "%s:%d:%d: text after the JSON object; expected the summary.json of a tcad run",
                   path, line, col);
  else if (!root)
    e = tcad_error(TCAD_ERR_INPUT, "%s:1:1: the file is empty; expected the summary.json of a tcad run", path);
  else if (root->type != YAML_MAPPING_NODE)
    e = tcad_error(TCAD_ERR_INPUT, "%s:%d:%d: the file holds %s; expected a JSON object {...}", path,
                   (int)root->start_mark.line + 1, (int)root->start_mark.column + 1, jwhat(root));
  else
    e = summary_fill(&j, root, x);
  if (e)
    tcad_error_frame(__FILE__, __LINE__, __func__, e);
  else
    x->has_summary = 1;
  yaml_document_delete(&j.doc);
cleanup:
  free(text);
  return e;
}

/* ---------------------------------------------------------------- the API */

static void extract_init(TcadExtract *x)
{
  memset(x, 0, sizeof *x);
  x->sweep_low = x->sweep_high = -1;
  x->ig_largest_point = x->ig_worst_case_point = -1;
  x->icrit = x->vt_cc = x->vt_gm = x->ss = x->vd_low = x->dibl = x->ion = x->ioff = x->vd_high = NAN;
  x->breakdown_voltage = x->ionization_integral_bv = x->lifetime = NAN;
  x->isub_peak = x->isub_peak_vg = x->isub_over_id = x->isub_peak_vd = NAN;
  x->ig_largest = x->ig_largest_over_id = x->ig_worst_case = x->ig_worst_case_over_id = NAN;
  x->bias_points = x->newton_iterations = x->wall_time_s = NAN;
}

void TcadExtractFree(TcadExtract *x)
{
  if (!x) return;
  free(x->run_dir);
  free(x->iv_path);
  free(x->summary_path);
  free(x->sweeps);
  memset(x, 0, sizeof *x);
}

static char *join(const char *dir, const char *name)
{
  const size_t l = strlen(dir);
  char *p = tcad_malloc(l + strlen(name) + 2);
  if (p) sprintf(p, "%s%s%s", dir, l && dir[l - 1] == '/' ? "" : "/", name);
  return p;
}

/* The default criterion: 0.1 uA per um of gate width in the table's unit (extract.h). */
static double default_icrit(const char *unit)
{
  if (!strcmp(unit, "A/cm")) return 1e-3; /* 1e-7 A / 1e-4 cm */
  if (!strcmp(unit, "A")) return 1e-7;
  return NAN;
}

int TcadExtractRun(const char *run_dir, const TcadExtractOptions *opt, TcadExtract *x)
{
  ExTable t;
  struct stat sb;
  int e = 0;
  if (!x) return tcad_error(TCAD_ERR_INTERNAL, "TcadExtractRun: no result");
  extract_init(x);
  if (!run_dir || !run_dir[0]) return tcad_error(TCAD_ERR_USAGE, "no run folder given; give the -o folder of a run");
  if (stat(run_dir, &sb))
    return tcad_error(TCAD_ERR_IO, "%s: %s; expected the output folder of a `tcad run` (-o DIR)", run_dir,
                      strerror(errno));
  if (!S_ISDIR(sb.st_mode))
    return tcad_error(TCAD_ERR_IO, "%s is not a folder; expected the output folder of a `tcad run` (-o DIR)", run_dir);
  x->run_dir = join(run_dir, "");
  x->iv_path = join(run_dir, opt && opt->iv_name ? opt->iv_name : "iv.csv");
  x->summary_path = join(run_dir, "summary.json");
  if (!x->run_dir || !x->iv_path || !x->summary_path) {
    TcadExtractFree(x);
    return TCAD_ERR_MEM;
  }
  x->run_dir[strlen(x->run_dir) - 1] = 0; /* join's slash */
  if (!x->run_dir[0]) strcpy(x->run_dir, "/");
  TCAD_CALL_GOTO(e, table_read(x->iv_path, &t), fail);
  snprintf(x->current_unit, sizeof x->current_unit, "%s", t.unit);
  x->rows = t.nrows;
  x->icrit = opt && opt->icrit > 0 ? opt->icrit : default_icrit(t.unit);
  e = table_sweeps(&t, x->icrit, x);
  table_free(&t);
  if (e) goto fail;
  run_figures(x);
  TCAD_CALL_GOTO(e, summary_read(x->summary_path, x), fail);
  return 0;
fail:
  TcadExtractFree(x);
  extract_init(x);
  return tcad_error_pass(__FILE__, __LINE__, __func__, e);
}

/* ---------------------------------------------------------------- output */

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
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      fprintf(f, "\\%c", *s);
    else if ((unsigned char)*s < 0x20)
      fprintf(f, "\\u%04x", (unsigned)(unsigned char)*s);
    else
      fputc(*s, f);
  }
  fputc('"', f);
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
  char *out = join(x.run_dir, "extract.json");
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
