/* Batch plans (include/tcad/plan.h, docs/batch.md). A plan is YAML:
 *   base: deck.yaml                     the deck every case starts from (relative to the plan)
 *   vary: {PATH: VALUES, ...}           each key one factor of a full product
 *   zip: {PATH: VALUES, ...}            lists of one length varied together: one factor
 *   table: cases.csv                    a header of PATHs and one row per case: one factor
 *   output: folder                      where the cases go (relative to the plan)
 * PATH is a deck path, list indices in brackets or as dotted numbers: doping[1].conc, doping.1.conc
 * (in a { } mapping only the second form, or the first quoted, is valid YAML).
 * VALUES is a list of YAML values, one value, or a range {from, to, steps | step, scale: linear
 * | log}. The cases are the product of the factors in plan order, the first factor slowest.
 * A case's deck is the base deck's YAML tree with each PATH's node replaced (mappings on the
 * way are created when a key is missing; list indices must exist), emitted back as YAML and
 * validated by the deck parser. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "io/deck_internal.h"
#include "tcad/error.h"
#include "tcad/plan.h"

#define TCAD_PLAN_MAX_CASES 1000000
#define TCAD_PLAN_VALUE_TEXT 256

typedef struct {
  char path[TCAD_DECK_PATH];
  TcadSrcLoc loc; /* the key in the plan (or the table's header cell) */
  int factor;
  int nvalues;
  int *node;   /* value k: a node of the plan document, or 0 (then text[k] is a plain scalar) */
  char **text; /* value k as text */
} PlanParam;

struct TcadPlan {
  char path[TCAD_PATH_MAX], dir[TCAD_PATH_MAX];
  char base[TCAD_PATH_MAX], base_dir[TCAD_PATH_MAX];
  char output[TCAD_PATH_MAX];
  char *base_text;
  size_t base_len;
  yaml_document_t doc; /* the plan: values are copied from it */
  int have_doc;
  int nparams;
  PlanParam *params;
  int nfactors, factor_len[64];
  int ncases;
};

static const char *const plan_keys[] = {"base", "vary", "zip", "table", "output", NULL};

/* ---- files ---- */
static int read_file(const char *path, const char *what, char **text, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f) return tcad_error(TCAD_ERR_IO, "cannot open %s '%s': %s", what, path, strerror(errno));
  size_t cap = 1 << 14, n = 0;
  char *b = malloc(cap + 1);
  int rc = 0;
  while (b) {
    n += fread(b + n, 1, cap - n, f);
    if (n < cap || n > TCAD_DECK_MAX_BYTES) break;
    char *g = realloc(b, 2 * cap + 1);
    if (!g) free(b);
    b = g, cap *= 2;
  }
  if (!b)
    rc = tcad_error(TCAD_ERR_MEM, "out of memory reading %s '%s'", what, path);
  else if (ferror(f))
    rc = tcad_error(TCAD_ERR_IO, "cannot read %s '%s': %s", what, path, strerror(errno));
  fclose(f);
  if (rc) return free(b), rc;
  b[n] = 0;
  *text = b, *len = n;
  return 0;
}

static void dir_of(const char *path, char *dir, size_t cap)
{
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(dir, cap, ".");
  else if (slash == path)
    snprintf(dir, cap, "/");
  else
    snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

/* `name` relative to folder `dir` (kept as is when absolute or when dir is "."). */
static int relative_to(const char *dir, const char *name, char *out, size_t cap)
{
  int n = name[0] == '/' || !strcmp(dir, ".") ? snprintf(out, cap, "%s", name) : snprintf(out, cap, "%s/%s", dir, name);
  return n < 0 || (size_t)n >= cap;
}

/* ---- values ---- */
/* A node as short text: a scalar as written, a list or mapping in flow style (cut at cap). */
static void node_text(yaml_document_t *d, yaml_node_t *n, char *out, size_t cap)
{
  size_t used = 0;
  out[0] = 0;
#define TCAD_PLAN_PUT(...)                                                                                             \
  do {                                                                                                                 \
    int w_ = snprintf(out + used, cap > used ? cap - used : 0, __VA_ARGS__);                                           \
    if (w_ > 0) used = used + (size_t)w_ < cap ? used + (size_t)w_ : cap - 1;                                          \
  } while (0)
  if (!n) return;
  if (n->type == YAML_SCALAR_NODE) {
    TCAD_PLAN_PUT("%s", (const char *)n->data.scalar.value);
  } else if (n->type == YAML_SEQUENCE_NODE) {
    char item[TCAD_PLAN_VALUE_TEXT];
    TCAD_PLAN_PUT("[");
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
      node_text(d, yaml_document_get_node(d, *i), item, sizeof item);
      TCAD_PLAN_PUT("%s%s", i > n->data.sequence.items.start ? ", " : "", item);
    }
    TCAD_PLAN_PUT("]");
  } else {
    char k[TCAD_PLAN_VALUE_TEXT], v[TCAD_PLAN_VALUE_TEXT];
    TCAD_PLAN_PUT("{");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
      node_text(d, yaml_document_get_node(d, p->key), k, sizeof k);
      node_text(d, yaml_document_get_node(d, p->value), v, sizeof v);
      TCAD_PLAN_PUT("%s%s: %s", p > n->data.mapping.pairs.start ? ", " : "", k, v);
    }
    TCAD_PLAN_PUT("}");
  }
#undef TCAD_PLAN_PUT
}

static int add_value(PlanParam *p, int node, const char *text)
{
  int *nn = realloc(p->node, sizeof *nn * (size_t)(p->nvalues + 1));
  if (!nn) return TCAD_ERR_MEM;
  p->node = nn;
  char **nt = realloc(p->text, sizeof *nt * (size_t)(p->nvalues + 1));
  if (!nt) return TCAD_ERR_MEM;
  p->text = nt;
  if (!(p->text[p->nvalues] = strdup(text))) return TCAD_ERR_MEM;
  p->node[p->nvalues++] = node;
  return 0;
}

/* {from, to, steps | step, scale}: numbers. */
static int range_values(TcadDeckCtx *c, yaml_node_t *n, const char *path, PlanParam *p)
{
  static const char *const keys[] = {"from", "to", "steps", "step", "scale", NULL};
  static const char *const scales[] = {"linear", "log", NULL};
  double from = 0, to = 0, steps = 0, step = 0;
  yaml_node_t *vs = NULL, *vstep = NULL, *vscale = NULL, *v;
  int scale = 0;
  char where[TCAD_DECK_PATH + 8];
  snprintf(where, sizeof where, "%s", path);
  TCAD_CALL(tcad_deck_keys(c, n, where, keys));
  TCAD_CALL(tcad_deck_need(c, n, where, "from", "the first value", &v));
  TCAD_CALL(tcad_deck_num(c, v, where, NULL, &from));
  TCAD_CALL(tcad_deck_need(c, n, where, "to", "the last value", &v));
  TCAD_CALL(tcad_deck_num(c, v, where, NULL, &to));
  TCAD_CALL(tcad_deck_get_num(c, n, where, "steps", NULL, &steps, &vs));
  TCAD_CALL(tcad_deck_get_num(c, n, where, "step", NULL, &step, &vstep));
  if ((vscale = tcad_deck_get(c, n, "scale", NULL))) TCAD_CALL(tcad_deck_enum(c, vscale, where, scales, &scale));
  if (!vs == !vstep)
    return TCAD_DECK_FAIL(c, n,
                          "'%s' gives %s; expected exactly one of 'steps' (how many values) and 'step' (their "
                          "spacing)",
                          path, vs ? "both 'steps' and 'step'" : "neither 'steps' nor 'step'");
  if (scale == 1 && !(from > 0 && to > 0))
    return TCAD_DECK_FAIL(c, n, "'%s' is a log range from %g to %g; expected both ends > 0", path, from, to);
  if (scale == 1 && vstep)
    return TCAD_DECK_FAIL(c, vstep, "'%s.step' with scale: log; give 'steps' (how many values) for a log range", path);
  if (vs && !(steps >= 1 && steps <= 10000 && steps == floor(steps)))
    return TCAD_DECK_FAIL(c, vs, "'%s.steps' is %g; expected a whole number of values from 1 to 10000", path, steps);
  if (vstep) {
    if (!(step != 0) || (to - from) / step < -1e-9)
      return TCAD_DECK_FAIL(c, vstep, "'%s.step' is %g; expected a step that goes from %g towards %g", path, step, from,
                            to);
    steps = floor((to - from) / step + 1e-9) + 1;
    if (steps > 10000)
      return TCAD_DECK_FAIL(c, vstep, "'%s.step' %g gives %.0f values from %g to %g; expected at most 10000", path,
                            step, steps, from, to);
  }
  for (int k = 0; k < (int)steps; k++) {
    double t = steps > 1 ? (double)k / (steps - 1) : 0, x;
    if (vstep)
      x = from + k * step;
    else if (scale == 1)
      x = exp(log(from) + t * (log(to) - log(from)));
    else
      x = from + t * (to - from);
    if (vs && k == (int)steps - 1 && steps > 1) x = to; /* the end lands exactly */
    char text[40];
    snprintf(text, sizeof text, "%.10g", x);
    TCAD_CALL(add_value(p, 0, text));
  }
  return 0;
}

static int param_values(TcadPlan *plan, TcadDeckCtx *c, yaml_node_t *n, PlanParam *p)
{
  char text[TCAD_PLAN_VALUE_TEXT];
  if (n->type == YAML_MAPPING_NODE) return range_values(c, n, p->path, p);
  if (n->type == YAML_SCALAR_NODE) {
    node_text(&plan->doc, n, text, sizeof text);
    return add_value(p, (int)(n - plan->doc.nodes.start) + 1, text);
  }
  for (int i = 0; i < tcad_deck_len(n); i++) {
    yaml_node_t *item = tcad_deck_item(c, n, i);
    node_text(&plan->doc, item, text, sizeof text);
    TCAD_CALL(add_value(p, (int)(item - plan->doc.nodes.start) + 1, text));
  }
  if (!p->nvalues) return TCAD_DECK_FAIL(c, n, "'%s' has no values; expected a list of at least one value", p->path);
  return 0;
}

static int new_param(TcadPlan *plan, TcadDeckCtx *c, yaml_node_t *key, const char *path, PlanParam **out)
{
  for (int k = 0; k < plan->nparams; k++)
    if (!strcmp(plan->params[k].path, path))
      return TCAD_DECK_FAIL(c, key, "'%s' is varied twice (also at line %d); vary each deck value once", path,
                            plan->params[k].loc.line);
  PlanParam *np = realloc(plan->params, sizeof *np * (size_t)(plan->nparams + 1));
  if (!np) return TCAD_ERR_MEM;
  plan->params = np;
  PlanParam *p = &np[plan->nparams++];
  memset(p, 0, sizeof *p);
  if (strlen(path) >= sizeof p->path) return TCAD_DECK_FAIL(c, key, "the deck path '%.40s...' is too long", path);
  snprintf(p->path, sizeof p->path, "%s", path);
  p->loc = tcad_deck_loc(key);
  p->factor = plan->nfactors;
  *out = p;
  return 0;
}

static int add_factor(TcadPlan *plan, TcadDeckCtx *c, yaml_node_t *at, int len)
{
  if (plan->nfactors >= (int)(sizeof plan->factor_len / sizeof plan->factor_len[0]))
    return TCAD_DECK_FAIL(c, at, "more than 64 independent variations; combine some with 'zip' or a 'table'");
  plan->factor_len[plan->nfactors++] = len;
  return 0;
}

/* ---- the plan's sections ---- */
static int plan_vary(TcadPlan *plan, TcadDeckCtx *c, yaml_node_t *n, int zip)
{
  const char *sec = zip ? "zip" : "vary";
  TCAD_CALL(tcad_deck_expect_map(c, n, sec, "{doping[0].conc: [1e15, 1e16]}"));
  TCAD_CALL(tcad_deck_keys(c, n, sec, NULL));
  int len = -1;
  yaml_node_t *first = NULL;
  for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
    yaml_node_t *key = tcad_deck_node(c, pr->key), *val = tcad_deck_node(c, pr->value);
    PlanParam *p;
    TCAD_CALL(new_param(plan, c, key, (const char *)key->data.scalar.value, &p));
    TCAD_CALL(param_values(plan, c, val, p));
    if (!zip) {
      TCAD_CALL(add_factor(plan, c, key, p->nvalues));
    } else if (len < 0) {
      len = p->nvalues, first = key;
    } else if (p->nvalues != len) {
      return TCAD_DECK_FAIL(c, key,
                            "'zip': '%s' has %d values and '%s' %d; the lists of 'zip' vary together and "
                            "must have the same length",
                            p->path, p->nvalues, (const char *)first->data.scalar.value, len);
    }
  }
  if (zip && len > 0) TCAD_CALL(add_factor(plan, c, n, len));
  if (n->data.mapping.pairs.top == n->data.mapping.pairs.start)
    return TCAD_DECK_FAIL(c, n, "'%s' is empty; expected at least one deck path with its values", sec);
  return 0;
}

/* One CSV field at *s (quoted with "" or plain up to ',' or the end of the line). */
static int csv_field(const char **s, char *out, size_t cap, int *quoted)
{
  const char *p = *s;
  size_t n = 0;
  *quoted = *p == '"';
  if (*quoted) {
    for (p++;; p++) {
      if (!*p || *p == '\n') return -1;
      if (*p == '"' && p[1] == '"')
        p++;
      else if (*p == '"')
        break;
      if (n + 1 < cap) out[n++] = *p;
    }
    p++;
  } else {
    for (; *p && *p != ',' && *p != '\n' && *p != '\r'; p++)
      if (n + 1 < cap) out[n++] = *p;
  }
  while (n > 0 && !*quoted && (out[n - 1] == ' ' || out[n - 1] == '\t')) n--;
  out[n] = 0;
  while (*p == ' ' || *p == '\t' || *p == '\r') p++;
  *s = p;
  return 0;
}

static int plan_table(TcadPlan *plan, TcadDeckCtx *c, yaml_node_t *n)
{
  char name[TCAD_PATH_MAX], file[TCAD_PATH_MAX], cell[TCAD_PLAN_VALUE_TEXT];
  char *text = NULL;
  size_t len;
  int rc = 0, first = plan->nparams, ncol = 0, row = 0, line = 1;
  TCAD_CALL(tcad_deck_str(c, n, "table", "a CSV file name", name, sizeof name));
  if (relative_to(plan->dir, name, file, sizeof file)) return TCAD_DECK_FAIL(c, n, "'table': the path is too long");
  TCAD_CALL(read_file(file, "plan table", &text, &len));
  const char *s = text;
  for (;; line++) {
    const char *ls = s;
    int col = 0, quoted;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '\n' || *s == '\r' || *s == '#' || !*s) { /* blank or comment line */
      while (*s && *s != '\n') s++;
      if (!*s) break;
      s++;
      continue;
    }
    for (;; col++) {
      const char *cs = s;
      if (csv_field(&s, cell, sizeof cell, &quoted)) {
        rc = tcad_error(TCAD_ERR_INPUT, "%s:%d:%d: a quoted field has no closing '\"' on its line", file, line,
                        (int)(cs - ls) + 1);
        goto done;
      }
      if (row == 0) {
        PlanParam *p;
        yaml_node_t fake;
        memset(&fake, 0, sizeof fake);
        fake.start_mark.line = (size_t)line - 1, fake.start_mark.column = (size_t)(cs - ls);
        if (!cell[0]) {
          rc = tcad_error(TCAD_ERR_INPUT, "%s:%d:%d: an empty column name; expected a deck path", file, line,
                          (int)(cs - ls) + 1);
          goto done;
        }
        TCAD_CALL_GOTO(rc, new_param(plan, c, &fake, cell, &p), done);
        ncol++;
      } else {
        if (col >= ncol) {
          rc = tcad_error(TCAD_ERR_INPUT, "%s:%d:%d: row %d has more fields than the %d columns of the header", file,
                          line, (int)(cs - ls) + 1, row, ncol);
          goto done;
        }
        if (!cell[0]) {
          rc = tcad_error(TCAD_ERR_INPUT, "%s:%d:%d: an empty value for '%s'; give every case every value", file, line,
                          (int)(cs - ls) + 1, plan->params[first + col].path);
          goto done;
        }
        TCAD_CALL_GOTO(rc, add_value(&plan->params[first + col], 0, cell), done);
      }
      if (*s != ',') break;
      s++;
    }
    if (row > 0 && col + 1 != ncol) {
      rc = tcad_error(TCAD_ERR_INPUT, "%s:%d: row %d has %d fields; the header has %d columns", file, line, row,
                      col + 1, ncol);
      goto done;
    }
    row++;
    while (*s && *s != '\n') s++;
    if (!*s) break;
    s++;
  }
  if (row < 2) {
    rc = tcad_error(TCAD_ERR_INPUT, "%s: the table has %s; expected a header of deck paths and one row per case", file,
                    row ? "a header but no rows" : "no header");
    goto done;
  }
  for (int k = first; k < plan->nparams; k++) plan->params[k].loc = tcad_deck_loc(n);
  TCAD_CALL_GOTO(rc, add_factor(plan, c, n, row - 1), done);
done:
  free(text);
  return rc;
}

/* ---- a case's deck ---- */
static int copy_node(yaml_document_t *dst, yaml_document_t *src, int idx)
{
  yaml_node_t *n = yaml_document_get_node(src, idx);
  if (!n) return 0;
  if (n->type == YAML_SCALAR_NODE)
    return yaml_document_add_scalar(dst, n->tag, n->data.scalar.value, (int)n->data.scalar.length,
                                    n->data.scalar.style);
  if (n->type == YAML_SEQUENCE_NODE) {
    int s = yaml_document_add_sequence(dst, n->tag, n->data.sequence.style);
    if (!s) return 0;
    int nitems = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
    for (int i = 0; i < nitems; i++) {
      n = yaml_document_get_node(src, idx); /* re-fetched: src does not move, but stay uniform */
      int item = copy_node(dst, src, n->data.sequence.items.start[i]);
      if (!item || !yaml_document_append_sequence_item(dst, s, item)) return 0;
    }
    return s;
  }
  int m = yaml_document_add_mapping(dst, n->tag, n->data.mapping.style);
  if (!m) return 0;
  int npairs = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
  for (int i = 0; i < npairs; i++) {
    n = yaml_document_get_node(src, idx);
    yaml_node_pair_t pr = n->data.mapping.pairs.start[i];
    int k = copy_node(dst, src, pr.key), v = copy_node(dst, src, pr.value);
    if (!k || !v || !yaml_document_append_mapping_pair(dst, m, k, v)) return 0;
  }
  return m;
}

/* Put node `value` at deck path `path` of document d (nodes by index: adding nodes moves them).
 * On a path the base deck cannot take, *why says why and 1 is returned. */
static int set_path(yaml_document_t *d, const char *path, int value, char *why, size_t cap)
{
  int cur = 1; /* the root */
  const char *s = path;
  while (*s) {
    char key[TCAD_DECK_PATH];
    size_t n = 0;
    long index = -1;
    if (*s == '[') {
      char *e;
      index = strtol(s + 1, &e, 10);
      if (e == s + 1 || *e != ']' || index < 0) {
        snprintf(why, cap, "'%.*s' is not a list index; expected [0], [1], ...", (int)strcspn(s, "]") + 1, s);
        return 1;
      }
      s = e + 1;
    } else {
      while (*s && *s != '.' && *s != '[' && n + 1 < sizeof key) key[n++] = *s++;
      key[n] = 0;
      if (!n) {
        snprintf(why, cap, "an empty key in the path; expected names joined by '.', e.g. physics.transport");
        return 1;
      }
      if (strspn(key, "0123456789") == n) index = strtol(key, NULL, 10); /* doping.1.conc: doping[1].conc */
    }
    if (*s == '.') {
      s++;
      if (!*s || *s == '.' || *s == '[') {
        snprintf(why, cap, "the path ends in '.' or has an empty key");
        return 1;
      }
    }
    const int last = !*s;
    yaml_node_t *node = yaml_document_get_node(d, cur);
    if (index >= 0) {
      if (node->type != YAML_SEQUENCE_NODE) {
        snprintf(why, cap, "the base deck has no list where the path indexes one");
        return 1;
      }
      long len = node->data.sequence.items.top - node->data.sequence.items.start;
      if (index >= len) {
        snprintf(why, cap, "the base deck's list has %ld entr%s (indices 0 to %ld)", len, len == 1 ? "y" : "ies",
                 len - 1);
        return 1;
      }
      if (last) {
        node->data.sequence.items.start[index] = value;
        return 0;
      }
      cur = node->data.sequence.items.start[index];
      continue;
    }
    if (node->type != YAML_MAPPING_NODE) {
      snprintf(why, cap, "'%s' is not under a mapping in the base deck", key);
      return 1;
    }
    int found = 0;
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
      yaml_node_t *k = yaml_document_get_node(d, p->key);
      if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key)) {
        if (last) {
          p->value = value;
          return 0;
        }
        found = p->value;
        break;
      }
    }
    if (!found) { /* a key the base deck leaves out: created (the deck parser then says whether it exists) */
      if (*s == '[') {
        snprintf(why, cap, "the base deck has no '%s' list to index", key);
        return 1;
      }
      int k = yaml_document_add_scalar(d, NULL, (yaml_char_t *)key, -1, YAML_PLAIN_SCALAR_STYLE);
      int v = last ? value : yaml_document_add_mapping(d, NULL, YAML_BLOCK_MAPPING_STYLE);
      if (!k || !v || !yaml_document_append_mapping_pair(d, cur, k, v)) {
        snprintf(why, cap, "out of memory");
        return 1;
      }
      if (last) return 0;
      found = v;
    }
    cur = found;
  }
  snprintf(why, cap, "an empty path");
  return 1;
}

typedef struct {
  char *buf;
  size_t len, cap;
} PlanBuf;

static int buf_write(void *data, unsigned char *s, size_t n)
{
  PlanBuf *b = data;
  if (b->len + n + 1 > b->cap) {
    size_t cap = 2 * (b->len + n + 1) + 1024;
    char *g = realloc(b->buf, cap);
    if (!g) return 0;
    b->buf = g, b->cap = cap;
  }
  memcpy(b->buf + b->len, s, n);
  b->len += n;
  b->buf[b->len] = 0;
  return 1;
}

/* Case c's values per factor (mixed radix, the first factor slowest). */
static void case_index(const TcadPlan *plan, int c, int *idx)
{
  for (int f = plan->nfactors - 1; f >= 0; f--) {
    idx[f] = c % plan->factor_len[f];
    c /= plan->factor_len[f];
  }
}

int TcadPlanCaseDeck(const TcadPlan *plan, int c, char **text)
{
  yaml_document_t d;
  yaml_emitter_t em;
  PlanBuf b = {0};
  int idx[64], rc = 0;
  char why[256];
  *text = NULL;
  if (c < 0 || c >= plan->ncases)
    return tcad_error(TCAD_ERR_USAGE, "case %d: the plan has %d cases", c + 1, plan->ncases);
  case_index(plan, c, idx);
  TCAD_CALL(tcad_deck_load_yaml(plan->base_text, plan->base_len, plan->base, "deck", "a mapping", &d));
  for (int k = 0; k < plan->nparams && !rc; k++) {
    const PlanParam *p = &plan->params[k];
    const int v = idx[p->factor];
    int node = p->node[v] ? copy_node(&d, (yaml_document_t *)&plan->doc, p->node[v])
                          : yaml_document_add_scalar(&d, NULL, (yaml_char_t *)p->text[v], -1, YAML_PLAIN_SCALAR_STYLE);
    if (!node)
      rc = tcad_error(TCAD_ERR_MEM, "out of memory building case %d", c + 1);
    else if (set_path(&d, p->path, node, why, sizeof why))
      rc = tcad_error(TCAD_ERR_INPUT, "%s:%d:%d: '%s': %s (base deck %s)", plan->path, p->loc.line, p->loc.col, p->path,
                      why, plan->base);
  }
  /* a relative mesh file is taken from the base deck's folder: made absolute, the case deck runs
   * from its own folder (indices, not pointers: adding a node may move the node stack) */
  int mesh = 0, qi = -1;
  yaml_node_t *root = yaml_document_get_root_node(&d);
  for (int i = 0; !rc && root->type == YAML_MAPPING_NODE &&
                  i < (int)(root->data.mapping.pairs.top - root->data.mapping.pairs.start);
       i++) {
    yaml_node_t *k = yaml_document_get_node(&d, root->data.mapping.pairs.start[i].key);
    if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, "mesh"))
      mesh = root->data.mapping.pairs.start[i].value;
  }
  yaml_node_t *m = mesh ? yaml_document_get_node(&d, mesh) : NULL;
  for (int i = 0;
       m && m->type == YAML_MAPPING_NODE && i < (int)(m->data.mapping.pairs.top - m->data.mapping.pairs.start); i++) {
    yaml_node_t *k = yaml_document_get_node(&d, m->data.mapping.pairs.start[i].key);
    yaml_node_t *v = yaml_document_get_node(&d, m->data.mapping.pairs.start[i].value);
    if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, "file") &&
        v->type == YAML_SCALAR_NODE && v->data.scalar.value[0] != '/')
      qi = i;
  }
  if (!rc && qi >= 0) {
    char abs[2 * TCAD_PATH_MAX + 2];
    yaml_node_t *v = yaml_document_get_node(&d, m->data.mapping.pairs.start[qi].value);
    snprintf(abs, sizeof abs, "%s/%s", plan->base_dir, (const char *)v->data.scalar.value);
    int nv = yaml_document_add_scalar(&d, NULL, (yaml_char_t *)abs, -1, YAML_ANY_SCALAR_STYLE);
    if (!nv)
      rc = tcad_error(TCAD_ERR_MEM, "out of memory building case %d", c + 1);
    else
      yaml_document_get_node(&d, mesh)->data.mapping.pairs.start[qi].value = nv;
  }
  if (rc) {
    yaml_document_delete(&d);
    return rc;
  }
  if (!yaml_emitter_initialize(&em)) {
    yaml_document_delete(&d);
    return tcad_error(TCAD_ERR_MEM, "cannot initialise the YAML emitter");
  }
  yaml_emitter_set_output(&em, buf_write, &b);
  yaml_emitter_set_unicode(&em, 1);
  yaml_emitter_set_width(&em, 120);
  if (!yaml_emitter_open(&em) || !yaml_emitter_dump(&em, &d) || !yaml_emitter_close(&em))
    rc = tcad_error(TCAD_ERR_INPUT, "case %d: cannot write its deck as YAML: %s", c + 1,
                    em.problem ? em.problem : "out of memory");
  yaml_emitter_delete(&em); /* the emitter deleted the document */
  if (rc) return free(b.buf), rc;
  *text = b.buf;
  return 0;
}

/* ---- load ---- */
static int plan_parse(TcadPlan *plan, const char *text, size_t len)
{
  TcadDeckCtx c;
  memset(&c, 0, sizeof c);
  c.name = plan->path;
  int e = tcad_deck_load_yaml(text, len, plan->path, "plan", "a mapping with 'base' and 'vary'", &plan->doc);
  if (e == TCAD_ERR_INPUT && strstr(tcad_error_message(), "YAML syntax error") && strstr(text, "].")) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", tcad_error_message());
    return tcad_error(TCAD_ERR_INPUT,
                      "%s; in a { } mapping a deck path with [N] must be quoted (\"doping[1].conc\": ...) or written "
                      "with dots (doping.1.conc)",
                      msg);
  }
  if (e) return e;
  plan->have_doc = 1;
  c.doc = plan->doc;
  yaml_node_t *root = yaml_document_get_root_node(&c.doc), *v;
  TCAD_CALL(tcad_deck_expect_map(&c, root, "plan", "base: deck.yaml\nvary: {doping[0].conc: [1e15, 1e16]}"));
  TCAD_CALL(tcad_deck_keys(&c, root, "plan", plan_keys));
  char name[TCAD_PATH_MAX];
  TCAD_CALL(tcad_deck_need(&c, root, "plan", "base", "the base deck's file name", &v));
  TCAD_CALL(tcad_deck_str(&c, v, "base", "a deck file name", name, sizeof name));
  if (relative_to(plan->dir, name, plan->base, sizeof plan->base))
    return TCAD_DECK_FAIL(&c, v, "'base': the path is too long");
  if ((v = tcad_deck_get(&c, root, "output", NULL))) {
    TCAD_CALL(tcad_deck_str(&c, v, "output", "a folder name", name, sizeof name));
    if (relative_to(plan->dir, name, plan->output, sizeof plan->output))
      return TCAD_DECK_FAIL(&c, v, "'output': the path is too long");
  }
  yaml_node_t *vary = tcad_deck_get(&c, root, "vary", NULL), *zip = tcad_deck_get(&c, root, "zip", NULL),
              *table = tcad_deck_get(&c, root, "table", NULL);
  if (!vary && !zip && !table)
    return TCAD_DECK_FAIL(&c, root,
                          "the plan varies nothing; expected 'vary' (and/or 'zip', 'table'), e.g. vary: "
                          "{doping[0].conc: [1e15, 1e16]}");
  if (vary) TCAD_CALL(plan_vary(plan, &c, vary, 0));
  if (zip) TCAD_CALL(plan_vary(plan, &c, zip, 1));
  if (table) TCAD_CALL(plan_table(plan, &c, table));
  double n = 1;
  for (int f = 0; f < plan->nfactors; f++) n *= plan->factor_len[f];
  if (n > TCAD_PLAN_MAX_CASES)
    return TCAD_DECK_FAIL(&c, root, "the plan expands to %.3g cases; expected at most %d (split the study)", n,
                          TCAD_PLAN_MAX_CASES);
  plan->ncases = (int)n;
  if (plan->ncases == 0) return TCAD_DECK_FAIL(&c, root, "the plan expands to no case");
  return 0;
}

int TcadPlanLoad(const char *path, TcadPlan **out)
{
  TcadPlan *plan = NULL;
  char *text = NULL;
  size_t len;
  int rc = 0;
  *out = NULL;
  if (strlen(path) >= TCAD_PATH_MAX) return tcad_error(TCAD_ERR_USAGE, "plan path '%.200s...' is too long", path);
  TCAD_ALLOC(plan, 1);
  snprintf(plan->path, sizeof plan->path, "%s", path);
  dir_of(path, plan->dir, sizeof plan->dir);
  TCAD_CALL_GOTO(rc, read_file(path, "plan", &text, &len), cleanup);
  TCAD_CALL_GOTO(rc, plan_parse(plan, text, len), cleanup);
  if (!plan->output[0]) {
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t stem = strcspn(base, ".");
    int n = !strcmp(plan->dir, ".")
                ? snprintf(plan->output, sizeof plan->output, "%.*s-out", (int)stem, base)
                : snprintf(plan->output, sizeof plan->output, "%s/%.*s-out", plan->dir, (int)stem, base);
    if (n < 0 || (size_t)n >= sizeof plan->output) {
      rc = tcad_error(TCAD_ERR_USAGE, "%s: the output folder's path is too long", path);
      goto cleanup;
    }
  }
  TCAD_CALL_GOTO(rc, read_file(plan->base, "base deck", &plan->base_text, &plan->base_len), cleanup);
  {
    char bd[TCAD_PATH_MAX], *abs;
    dir_of(plan->base, bd, sizeof bd);
    if (!(abs = realpath(bd, NULL))) {
      rc = tcad_error(TCAD_ERR_IO, "cannot resolve the base deck's folder '%s': %s", bd, strerror(errno));
      goto cleanup;
    }
    snprintf(plan->base_dir, sizeof plan->base_dir, "%s", abs);
    free(abs);
  }
  /* every case against the deck schema, before anything runs */
  for (int c = 0; c < plan->ncases; c++) {
    char *deck = NULL, name[TCAD_PATH_MAX + 32];
    TcadDeck *d = NULL;
    TCAD_CALL_GOTO(rc, TcadPlanCaseDeck(plan, c, &deck), cleanup);
    snprintf(name, sizeof name, "%s case %d", plan->path, c + 1);
    rc = TcadDeckLoadStringIn(deck, name, plan->base_dir, &d);
    free(deck);
    TcadDeckDestroy(&d);
    if (rc) {
      char vals[512] = "";
      size_t used = 0;
      for (int k = 0; k < plan->nparams && used < sizeof vals; k++) {
        int w = snprintf(vals + used, sizeof vals - used, "%s%s = %s", k ? ", " : "", plan->params[k].path,
                         TcadPlanCaseValue(plan, c, k));
        if (w > 0) used += (size_t)w;
      }
      tcad_error_context("%s:%d:%d: case %d (%s) is not a valid deck (tcad batch %s --list shows the cases; "
                         "--deck N prints one)",
                         plan->path, plan->params[0].loc.line, plan->params[0].loc.col, c + 1, vals, plan->path);
      goto cleanup;
    }
  }
cleanup:
  free(text);
  if (rc) {
    TcadPlanDestroy(&plan);
    return rc;
  }
  *out = plan;
  return 0;
}

void TcadPlanDestroy(TcadPlan **plan)
{
  TcadPlan *p = plan ? *plan : NULL;
  if (!p) return;
  for (int k = 0; k < p->nparams; k++) {
    for (int v = 0; v < p->params[k].nvalues; v++) free(p->params[k].text[v]);
    free(p->params[k].text), free(p->params[k].node);
  }
  free(p->params);
  free(p->base_text);
  if (p->have_doc) yaml_document_delete(&p->doc);
  free(p);
  *plan = NULL;
}

int TcadPlanCaseCount(const TcadPlan *plan) { return plan->ncases; }
int TcadPlanParamCount(const TcadPlan *plan) { return plan->nparams; }
const char *TcadPlanParamPath(const TcadPlan *plan, int k) { return plan->params[k].path; }
const char *TcadPlanOutput(const TcadPlan *plan) { return plan->output; }
const char *TcadPlanPath(const TcadPlan *plan) { return plan->path; }

const char *TcadPlanCaseValue(const TcadPlan *plan, int c, int k)
{
  int idx[64];
  case_index(plan, c, idx);
  return plan->params[k].text[idx[plan->params[k].factor]];
}
