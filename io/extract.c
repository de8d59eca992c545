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

#include "io/extract_internal.h"
#include "tcad/error.h"
#include "tcad/extract.h"

/* A table tcad writes has 3 + 5 per contact + a few columns; this bounds what a damaged header
 * can make the reader do (duplicate names are looked for pairwise). */
#define TCAD_EXTRACT_MAX_COLS 4096
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

char *tcad_extract_join(const char *dir, const char *name)
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
  x->run_dir = tcad_extract_join(run_dir, "");
  x->iv_path = tcad_extract_join(run_dir, opt && opt->iv_name ? opt->iv_name : "iv.csv");
  x->summary_path = tcad_extract_join(run_dir, "summary.json");
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
  TCAD_CALL_GOTO(e, tcad_extract_summary_read(x->summary_path, x), fail);
  return 0;
fail:
  TcadExtractFree(x);
  extract_init(x);
  return tcad_error_pass(__FILE__, __LINE__, __func__, e);
}
