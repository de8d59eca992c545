/* Input deck parser: YAML (libyaml document API) into a TcadDeck, with strict keys, unit
 * conversion (µm in the deck, cm in memory) and validation. Schema: docs/deck.md.
 * Every error reads "FILE:LINE:COL: what is wrong; what was expected" (1-based positions).
 * The walk follows the schema, never the YAML tree itself, so its depth is bounded whatever
 * the input (recursive aliases included). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "tcad/deck.h"
#include "tcad/error.h"

#define DECK_UM 1e-4 /* cm per µm */
#define DECK_PATH 256 /* room for an entry's dotted path, e.g. "mesh.generate.x[3].step" */
#define DECK_LIST 1024

typedef struct {
  yaml_document_t doc;
  const char *name; /* file name (or string name) for messages */
  TcadDeck *deck;
  int generated; /* mesh: 1 generated, 0 Gmsh file */
} DeckCtx;

#define DECK_TRY(expr)             \
  do {                             \
    int deck_try_e_ = (expr);      \
    if (deck_try_e_) return deck_try_e_; \
  } while (0)

static const char *const deck_top_keys[] = {"title",   "mesh",       "regions", "contacts", "doping",
                                            "materials", "physics",  "interfaces", "solve", "output", NULL};
static const char *const deck_mesh_keys[] = {"file", "scale", "generate", NULL};
static const char *const deck_axes[] = {"x", "y", "z", NULL};
static const char *const deck_anchor_keys[] = {"at", "step", NULL};
static const char *const deck_region_keys[] = {"name", "material", "box", NULL};
static const char *const deck_contact_keys[] = {"name", "type", "workfunction", "voltage", "resistance", "box", NULL};
static const char *const deck_contact_types[] = {"ohmic", "gate", "schottky", NULL};
static const char *const deck_doping_keys[] = {"profile", "species", "conc",     "peak",       "region",
                                               "box",     "window",  "axis",     "surface",    "char",
                                               "junction", "background", "lateral", NULL};
static const char *const deck_doping_uniform_keys[] = {"profile", "species", "conc", "region", NULL};
static const char *const deck_doping_box_keys[] = {"profile", "species", "conc", "region", "box", NULL};
static const char *const deck_doping_diffused_keys[] = {"profile", "species", "peak",     "region",     "window", "axis",
                                                        "surface", "char",    "junction", "background", "lateral", NULL};
static const char *const deck_profiles[] = {"uniform", "box", "gaussian", "erfc", NULL};
static const char *const deck_species[] = {"donor", "acceptor", NULL};
static const char *const deck_physics_keys[] = {"transport",    "temperature",       "statistics", "mobility",
                                                "high_field",   "recombination",     "impact_ionization",
                                                "hot_carrier",  NULL};
static const char *const deck_transports[] = {"drift-diffusion", "energy-balance", "energy-balance-electrons", NULL};
static const char *const deck_statistics[] = {"boltzmann", "fermi", NULL};
static const char *const deck_mobilities[] = {"constant", "caughey-thomas", "masetti", NULL};
static const char *const deck_high_fields[] = {"none", "canali", "hansch", NULL};
static const char *const deck_recombinations[] = {"srh", "auger", NULL};
static const char *const deck_impacts[] = {"none", "vanoverstraeten", "selberherr", "okuto", NULL};
static const char *const deck_hot_carriers[] = {"none", "lucky-electron", "fiegna", NULL};
static const char *const deck_interface_keys[] = {"regions", "charge", NULL};
static const char *const deck_step_kinds[] = {"equilibrium", "bias", "sweep", NULL};
static const char *const deck_sweep_keys[] = {"contact", "to", "step", "min_step", "max_step", NULL};
static const char *const deck_output_keys[] = {"directory", "fields", "iv", NULL};

/* ---- name lists: keys, enum values, materials, regions and contacts share one interface so
 * that suggestions and "expected one of" lists are built the same way everywhere ---- */

typedef const char *(*DeckNameAt)(const void *list, int i);

static const char *deck_name_str(const void *list, int i) { return ((const char *const *)list)[i]; }
static const char *deck_name_material(const void *list, int i) { return ((const TcadDeck *)list)->materials[i].name; }
static const char *deck_name_region(const void *list, int i) { return ((const TcadDeck *)list)->regions[i].name; }
static const char *deck_name_contact(const void *list, int i) { return ((const TcadDeck *)list)->contacts[i].name; }

static int deck_count(const char *const *names)
{
  int n = 0;
  while (names[n]) n++;
  return n;
}

static int deck_ieq(const char *a, const char *b)
{
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
  return *a == *b;
}

/* Case-insensitive Levenshtein distance; long words never get suggestions, so a fixed row
 * is enough. */
static size_t deck_distance(const char *a, const char *b)
{
  size_t na = strlen(a), nb = strlen(b), row[65];
  if (na > 64 || nb > 64) return (size_t)1 << 20;
  for (size_t j = 0; j <= nb; j++) row[j] = j;
  for (size_t i = 1; i <= na; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= nb; j++) {
      size_t up = row[j];
      size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
      size_t best = diag + cost;
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[nb];
}

/* The closest name within max(2, len/3) edits, or NULL. */
static const char *deck_suggest(const char *word, const void *list, int n, DeckNameAt at)
{
  size_t len = strlen(word), limit = len / 3 > 2 ? len / 3 : 2, best = limit + 1;
  const char *pick = NULL;
  for (int i = 0; i < n; i++) {
    size_t d = deck_distance(word, at(list, i));
    if (d < best) {
      best = d;
      pick = at(list, i);
    }
  }
  return pick;
}

static const char *deck_join(const void *list, int n, DeckNameAt at, char *buf, size_t cap)
{
  size_t used = 0;
  buf[0] = 0;
  for (int i = 0; i < n; i++) {
    const char *s = at(list, i);
    size_t len = strlen(s);
    if (used + len + 8 >= cap) {
      snprintf(buf + used, cap - used, "%s...", i ? ", " : "");
      break;
    }
    used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", s);
  }
  return buf;
}

/* ---- messages ---- */

static int deck_vfail(const DeckCtx *c, yaml_mark_t mark, const char *fmt, va_list ap)
{
  char msg[3072];
  vsnprintf(msg, sizeof msg, fmt, ap);
  return tcad_error(TCAD_ERR_INPUT, "%s:%d:%d: %s", c->name, (int)mark.line + 1, (int)mark.column + 1, msg);
}

static int deck_fail(const DeckCtx *c, const yaml_node_t *n, const char *fmt, ...) TCAD_PRINTF(3, 4);
static int deck_fail(const DeckCtx *c, const yaml_node_t *n, const char *fmt, ...)
{
  yaml_mark_t zero = {0, 0, 0};
  va_list ap;
  va_start(ap, fmt);
  int rc = deck_vfail(c, n ? n->start_mark : zero, fmt, ap);
  va_end(ap);
  return rc;
}

static TcadSrcLoc deck_loc(const yaml_node_t *n)
{
  TcadSrcLoc loc = {0, 0};
  if (n) {
    loc.line = (int)n->start_mark.line + 1;
    loc.col = (int)n->start_mark.column + 1;
  }
  return loc;
}

/* Paths only go into messages, where a cut one is still useful: accept truncation. */
static void deck_fit(char *buf, size_t cap, int written)
{
  if (written < 0) buf[0] = 0;
  else if ((size_t)written >= cap) buf[cap - 1] = 0;
}

/* "'doping[0]'" or "the top level": names the mapping that holds a key. */
static const char *deck_in(const char *path, char *buf, size_t cap)
{
  if (!path[0]) return "the top level";
  deck_fit(buf, cap, snprintf(buf, cap, "'%s'", path));
  return buf;
}

static void deck_path(char *out, size_t cap, const char *path, const char *key)
{
  if (path[0])
    deck_fit(out, cap, snprintf(out, cap, "%s.%s", path, key));
  else
    deck_fit(out, cap, snprintf(out, cap, "%s", key));
}

static void deck_path_index(char *out, size_t cap, const char *path, int i)
{
  deck_fit(out, cap, snprintf(out, cap, "%s[%d]", path, i));
}

static int deck_is_null(const yaml_node_t *n)
{
  if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
  const char *v = (const char *)n->data.scalar.value;
  return !v[0] || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* What a node is, for "'x' is <this>; expected ..." messages. */
static const char *deck_what(const yaml_node_t *n, char *buf, size_t cap)
{
  if (n->type == YAML_MAPPING_NODE) return "a mapping";
  if (n->type == YAML_SEQUENCE_NODE) return "a list";
  if (deck_is_null(n)) return "empty";
  const char *v = (const char *)n->data.scalar.value;
  int quoted = n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
  snprintf(buf, cap, "%s'%.60s%s'", quoted ? "the quoted string " : "", v, strlen(v) > 60 ? "..." : "");
  return buf;
}

/* ---- node access ---- */

static yaml_node_t *deck_node(DeckCtx *c, int index) { return yaml_document_get_node(&c->doc, index); }

static int deck_len(const yaml_node_t *n)
{
  if (n->type == YAML_SEQUENCE_NODE) return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
  if (n->type == YAML_MAPPING_NODE) return (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
  return 0;
}

static yaml_node_t *deck_item(DeckCtx *c, const yaml_node_t *seq, int i)
{
  return deck_node(c, seq->data.sequence.items.start[i]);
}

static int deck_scalar_is(const yaml_node_t *n, const char *s)
{
  return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length == strlen(s) &&
         !memcmp(n->data.scalar.value, s, n->data.scalar.length);
}

/* Value under `key` in a mapping (keys were checked unique by deck_keys); NULL if absent. */
static yaml_node_t *deck_get(DeckCtx *c, const yaml_node_t *map, const char *key, yaml_node_t **keynode)
{
  if (keynode) *keynode = NULL;
  if (!map || map->type != YAML_MAPPING_NODE) return NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = deck_node(c, p->key);
    if (deck_scalar_is(k, key)) {
      if (keynode) *keynode = k;
      return deck_node(c, p->value);
    }
  }
  return NULL;
}

static int deck_expect_map(DeckCtx *c, const yaml_node_t *n, const char *path, const char *example)
{
  char b[128];
  if (n->type == YAML_MAPPING_NODE) return 0;
  return deck_fail(c, n, "'%s' is %s; expected a mapping%s%s", path, deck_what(n, b, sizeof b), example ? " such as " : "",
                   example ? example : "");
}

static int deck_expect_list(DeckCtx *c, const yaml_node_t *n, const char *path, const char *what)
{
  char b[128];
  if (n->type == YAML_SEQUENCE_NODE) return 0;
  return deck_fail(c, n, "'%s' is %s; expected a list of %s", path, deck_what(n, b, sizeof b), what);
}

/* Check every key of a mapping: a plain scalar, given once, and (when `keys` is not NULL)
 * one of `keys`; an unknown key gets the closest valid key or the list of valid keys. */
static int deck_keys(DeckCtx *c, const yaml_node_t *map, const char *path, const char *const *keys)
{
  char in[DECK_PATH + 8], b[128], list[DECK_LIST];
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = deck_node(c, p->key);
    if (!k) return tcad_error(TCAD_ERR_INTERNAL, "%s: YAML key without a node", c->name);
    if (k->type != YAML_SCALAR_NODE || deck_is_null(k) || strlen((const char *)k->data.scalar.value) != k->data.scalar.length)
      return deck_fail(c, k, "a key in %s is %s; expected a plain name", deck_in(path, in, sizeof in), deck_what(k, b, sizeof b));
    const char *key = (const char *)k->data.scalar.value;
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
      yaml_node_t *prev = deck_node(c, q->key);
      if (deck_scalar_is(prev, key))
        return deck_fail(c, k, "duplicate key '%.100s' in %s (first given at %d:%d); expected each key once", key,
                         deck_in(path, in, sizeof in), (int)prev->start_mark.line + 1, (int)prev->start_mark.column + 1);
    }
    if (!keys) continue;
    int known = 0;
    for (int i = 0; keys[i]; i++) known |= !strcmp(keys[i], key);
    if (known) continue;
    int n = deck_count(keys);
    /* "key:value" without a space is one plain scalar in YAML: say so rather than list keys */
    const char *colon = strchr(key, ':');
    for (int i = 0; colon && keys[i]; i++)
      if (strlen(keys[i]) == (size_t)(colon - key) && !strncmp(keys[i], key, (size_t)(colon - key)))
        return deck_fail(c, k, "unknown key '%.100s' in %s; expected '%s: %.60s' (YAML needs a space after ':')", key,
                         deck_in(path, in, sizeof in), keys[i], colon + 1);
    const char *near = deck_suggest(key, keys, n, deck_name_str);
    if (near)
      return deck_fail(c, k, "unknown key '%.100s' in %s; did you mean '%s'?", key, deck_in(path, in, sizeof in), near);
    return deck_fail(c, k, "unknown key '%.100s' in %s; valid keys: %s", key, deck_in(path, in, sizeof in),
                     deck_join(keys, n, deck_name_str, list, sizeof list));
  }
  return 0;
}

/* Required key: the value, or an error at the mapping. */
static int deck_need(DeckCtx *c, const yaml_node_t *map, const char *path, const char *key, const char *expect,
                     yaml_node_t **val)
{
  char in[DECK_PATH + 8];
  *val = deck_get(c, map, key, NULL);
  if (*val) return 0;
  return deck_fail(c, map, "missing key '%s' in %s; expected %s", key, deck_in(path, in, sizeof in), expect);
}

/* ---- scalars ---- */

static int deck_num(DeckCtx *c, const yaml_node_t *n, const char *path, const char *unit, double *out)
{
  char b[128];
  if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !deck_is_null(n)) {
    const char *s = (const char *)n->data.scalar.value;
    char *end;
    /* strtod also reads hex floats, "inf" and "nan": none of them is a deck number */
    double v = strtod(s, &end);
    if (end != s && !*end && strlen(s) == n->data.scalar.length && isfinite(v) && !strpbrk(s, "xX")) {
      *out = v;
      return 0;
    }
  }
  return deck_fail(c, n, "'%s' is %s; expected a number%s%s%s", path, deck_what(n, b, sizeof b), unit ? " (" : "",
                   unit ? unit : "", unit ? ")" : "");
}

static int deck_positive(DeckCtx *c, const yaml_node_t *n, const char *path, double v, const char *unit)
{
  if (v > 0) return 0;
  return deck_fail(c, n, "'%s' is %g; expected a positive number (%s)", path, v, unit);
}

static int deck_nonnegative(DeckCtx *c, const yaml_node_t *n, const char *path, double v, const char *unit)
{
  if (v >= 0) return 0;
  return deck_fail(c, n, "'%s' is %g; expected a number >= 0 (%s)", path, v, unit);
}

/* Optional number under `key`; *out is left alone when the key is absent. */
static int deck_get_num(DeckCtx *c, const yaml_node_t *map, const char *path, const char *key, const char *unit,
                        double *out, yaml_node_t **val)
{
  char p[DECK_PATH];
  yaml_node_t *v = deck_get(c, map, key, NULL);
  if (val) *val = v;
  if (!v) return 0;
  deck_path(p, sizeof p, path, key);
  return deck_num(c, v, p, unit, out);
}

/* A non-empty string that fits `cap` (names, paths). */
static int deck_str(DeckCtx *c, const yaml_node_t *n, const char *path, const char *what, char *out, size_t cap)
{
  char b[128];
  if (n->type != YAML_SCALAR_NODE || deck_is_null(n) || !n->data.scalar.length)
    return deck_fail(c, n, "'%s' is %s; expected %s", path, deck_what(n, b, sizeof b), what);
  const char *s = (const char *)n->data.scalar.value;
  if (strlen(s) != n->data.scalar.length)
    return deck_fail(c, n, "'%s' contains a NUL character; expected %s", path, what);
  if (n->data.scalar.length >= cap)
    return deck_fail(c, n, "'%s' is %zu characters long; expected %s of at most %zu characters", path,
                     n->data.scalar.length, what, cap - 1);
  memcpy(out, s, n->data.scalar.length + 1);
  return 0;
}

/* An enumerated value (case-insensitive); a wrong one gets the list and the closest value. */
static int deck_enum(DeckCtx *c, const yaml_node_t *n, const char *path, const char *const *names, int *out)
{
  char b[128], list[DECK_LIST];
  int count = deck_count(names);
  deck_join(names, count, deck_name_str, list, sizeof list);
  if (n->type != YAML_SCALAR_NODE || deck_is_null(n))
    return deck_fail(c, n, "'%s' is %s; expected one of: %s", path, deck_what(n, b, sizeof b), list);
  const char *s = (const char *)n->data.scalar.value;
  for (int i = 0; i < count; i++)
    if (deck_ieq(s, names[i]) && strlen(s) == n->data.scalar.length) {
      *out = i;
      return 0;
    }
  const char *near = deck_suggest(s, names, count, deck_name_str);
  if (near)
    return deck_fail(c, n, "invalid value '%.60s' for '%s'; did you mean '%s'? (expected one of: %s)", s, path, near, list);
  return deck_fail(c, n, "invalid value '%.60s' for '%s'; expected one of: %s", s, path, list);
}

/* A name that must be in a list of defined names (materials, regions, contacts). */
static int deck_unknown_name(DeckCtx *c, const yaml_node_t *n, const char *path, const char *what, const char *name,
                             const void *list, int count, DeckNameAt at)
{
  char names[DECK_LIST];
  if (!count) return deck_fail(c, n, "unknown %s '%s' in '%s'; expected one of the deck's %ss, but it defines none", what, name, path, what);
  const char *near = deck_suggest(name, list, count, at);
  deck_join(list, count, at, names, sizeof names);
  if (near) return deck_fail(c, n, "unknown %s '%s' in '%s'; did you mean '%s'? (defined: %s)", what, name, path, near, names);
  return deck_fail(c, n, "unknown %s '%s' in '%s'; expected one of: %s", what, name, path, names);
}

static int deck_find_region(const TcadDeck *d, const char *name)
{
  for (int i = 0; i < d->nregions; i++)
    if (!strcmp(d->regions[i].name, name)) return i;
  return -1;
}

static int deck_find_contact(const TcadDeck *d, const char *name)
{
  for (int i = 0; i < d->ncontacts; i++)
    if (!strcmp(d->contacts[i].name, name)) return i;
  return -1;
}

static int deck_find_material(const TcadDeck *d, int count, const char *name)
{
  for (int i = 0; i < count; i++)
    if (deck_ieq(d->materials[i].name, name)) return i;
  return -1;
}

/* ---- math ---- */

/* Inverse of erfc on (0, 1]: Newton on ln erfc(x) = ln y, kept inside a shrinking bracket
 * [lo, hi] by bisection, because the log form stays well scaled where erfc underflows. */
static double deck_erfcinv(double y)
{
  double lo = 0.0, hi = 27.0, x, ly;
  if (!(y > erfc(hi))) return NAN; /* below ~5e-319: no double x gives it */
  if (y >= 1.0) return 0.0;
  ly = log(y);
  x = sqrt(-log(y)); /* leading asymptotics: erfc(x) ~ exp(-x^2) */
  if (x >= hi) x = 0.5 * (lo + hi);
  for (int it = 0; it < 200; it++) {
    double e = erfc(x), g = log(e) - ly;
    if (g > 0) lo = x; else hi = x; /* erfc decreases: g > 0 means x is too small */
    double dg = -1.1283791670955126 * exp(-x * x) / e; /* d/dx ln erfc = -2/sqrt(pi) e^(-x^2)/erfc */
    double next = x - g / dg;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (fabs(next - x) <= 1e-15 * fabs(x) || hi - lo <= 1e-15 * hi) return next;
    x = next;
  }
  return x;
}

/* ---- sections ---- */

/* A box {x: [lo, hi], ...} in µm, stored in cm. On a generated mesh only its axes are allowed. */
static int deck_box(DeckCtx *c, const yaml_node_t *n, const char *path, TcadBox *box)
{
  char p[DECK_PATH], axes[16];
  DECK_TRY(deck_expect_map(c, n, path, "{x: [lo, hi], y: [lo, hi]} (µm)"));
  DECK_TRY(deck_keys(c, n, path, deck_axes));
  memset(box, 0, sizeof *box);
  for (int a = 0; a < 3; a++) {
    yaml_node_t *k, *v = deck_get(c, n, deck_axes[a], &k);
    if (!v) continue;
    deck_path(p, sizeof p, path, deck_axes[a]);
    if (c->generated && a >= c->deck->mesh.dim) {
      deck_join(deck_axes, c->deck->mesh.dim, deck_name_str, axes, sizeof axes);
      return deck_fail(c, k, "axis '%s' in '%s' but the mesh is %dD; expected only %s", deck_axes[a], path,
                       c->deck->mesh.dim, axes);
    }
    if (v->type != YAML_SEQUENCE_NODE || deck_len(v) != 2) {
      char b[128];
      return deck_fail(c, v, "'%s' is %s; expected a list [lo, hi] of two numbers (µm)", p,
                       v->type == YAML_SEQUENCE_NODE ? "a list of another length" : deck_what(v, b, sizeof b));
    }
    double lo, hi;
    char pi[DECK_PATH + 8];
    deck_path_index(pi, sizeof pi, p, 0);
    DECK_TRY(deck_num(c, deck_item(c, v, 0), pi, "µm", &lo));
    deck_path_index(pi, sizeof pi, p, 1);
    DECK_TRY(deck_num(c, deck_item(c, v, 1), pi, "µm", &hi));
    if (lo > hi) return deck_fail(c, v, "'%s' is [%g, %g]; expected [lo, hi] with lo <= hi", p, lo, hi);
    box->lo[a] = lo * DECK_UM;
    box->hi[a] = hi * DECK_UM;
    box->has[a] = 1;
  }
  return 0;
}

/* One axis of a generated mesh: a list of {at, step} anchors, strictly increasing. */
static int deck_mesh_axis(DeckCtx *c, const yaml_node_t *n, const char *path, int axis)
{
  char p[DECK_PATH], pk[DECK_PATH + 16];
  TcadMeshSpec *m = &c->deck->mesh;
  DECK_TRY(deck_expect_list(c, n, path, "anchors {at: µm, step: µm}"));
  int count = deck_len(n);
  if (count < 2)
    return deck_fail(c, n, "'%s' has %d anchor%s; expected at least 2 anchors {at: µm, step: µm}", path, count,
                     count == 1 ? "" : "s");
  TCAD_ALLOC(m->lines[axis], count);
  m->nlines[axis] = count;
  for (int i = 0; i < count; i++) {
    yaml_node_t *it = deck_item(c, n, i), *at, *step;
    deck_path_index(p, sizeof p, path, i);
    DECK_TRY(deck_expect_map(c, it, p, "{at: 0.0, step: 0.01}"));
    DECK_TRY(deck_keys(c, it, p, deck_anchor_keys));
    DECK_TRY(deck_need(c, it, p, "at", "the anchor position (µm)", &at));
    DECK_TRY(deck_need(c, it, p, "step", "the local spacing (µm, > 0)", &step));
    double a, s;
    deck_path(pk, sizeof pk, p, "at");
    DECK_TRY(deck_num(c, at, pk, "µm", &a));
    if (i > 0 && !(a * DECK_UM > m->lines[axis][i - 1].at))
      return deck_fail(c, at, "'%s' is %g, not above the previous anchor (%g); expected strictly increasing anchors", pk, a,
                       m->lines[axis][i - 1].at / DECK_UM);
    deck_path(pk, sizeof pk, p, "step");
    DECK_TRY(deck_num(c, step, pk, "µm", &s));
    DECK_TRY(deck_positive(c, step, pk, s, "µm"));
    m->lines[axis][i].at = a * DECK_UM;
    m->lines[axis][i].step = s * DECK_UM;
  }
  return 0;
}

static int deck_mesh(DeckCtx *c, const yaml_node_t *n)
{
  TcadMeshSpec *m = &c->deck->mesh;
  TcadDeck *d = c->deck;
  DECK_TRY(deck_expect_map(c, n, "mesh", "{file: device.msh} or {generate: {x: [...]}}"));
  DECK_TRY(deck_keys(c, n, "mesh", deck_mesh_keys));
  m->loc = deck_loc(n);
  yaml_node_t *fk, *gk, *sk;
  yaml_node_t *file = deck_get(c, n, "file", &fk), *gen = deck_get(c, n, "generate", &gk);
  yaml_node_t *scale = deck_get(c, n, "scale", &sk);
  if (file && gen)
    return deck_fail(c, gk, "'mesh' has both 'file' and 'generate'; expected exactly one of them");
  if (!file && !gen) return deck_fail(c, n, "'mesh' has neither 'file' nor 'generate'; expected exactly one of them");
  if (file) {
    char name[TCAD_PATH_MAX];
    double s = 1.0;
    m->source = TCAD_MESH_FILE;
    c->generated = 0;
    DECK_TRY(deck_str(c, file, "mesh.file", "a Gmsh file name", name, sizeof name));
    /* relative paths are taken from the deck's folder, so a deck runs from anywhere */
    if (name[0] != '/' && strcmp(d->dir, ".") != 0) {
      int len = snprintf(m->file, sizeof m->file, "%s/%s", d->dir, name);
      if (len < 0 || (size_t)len >= sizeof m->file)
        return deck_fail(c, file, "'mesh.file' resolved against the deck's folder is too long; expected at most %d characters",
                         TCAD_PATH_MAX - 1);
    } else {
      memcpy(m->file, name, sizeof name);
    }
    if (scale) {
      DECK_TRY(deck_num(c, scale, "mesh.scale", "µm per file unit", &s));
      DECK_TRY(deck_positive(c, scale, "mesh.scale", s, "µm per file unit"));
    }
    m->scale = s * DECK_UM;
    return 0;
  }
  if (scale)
    return deck_fail(c, sk, "'mesh.scale' applies to 'mesh.file' only; expected it only with a Gmsh file (remove it)");
  m->source = TCAD_MESH_GENERATE;
  m->scale = DECK_UM;
  c->generated = 1;
  DECK_TRY(deck_expect_map(c, gen, "mesh.generate", "{x: [{at: 0, step: 0.01}, {at: 1, step: 0.01}]}"));
  DECK_TRY(deck_keys(c, gen, "mesh.generate", deck_axes));
  yaml_node_t *key[3], *ax[3];
  for (int a = 0; a < 3; a++) ax[a] = deck_get(c, gen, deck_axes[a], &key[a]);
  if (!ax[0] && !ax[1] && !ax[2])
    return deck_fail(c, gen, "'mesh.generate' has no axes; expected 'x' (1D), 'x' and 'y' (2D), or 'x', 'y' and 'z' (3D)");
  /* axes come in order, so the dimension alone says which ones exist */
  for (int a = 1; a < 3; a++)
    if (ax[a] && !ax[a - 1])
      return deck_fail(c, key[a], "'mesh.generate' has '%s' but no '%s'; expected the axes x, then y, then z",
                       deck_axes[a], deck_axes[a - 1]);
  for (int a = 0; a < 3 && ax[a]; a++) {
    char p[DECK_PATH];
    deck_path(p, sizeof p, "mesh.generate", deck_axes[a]);
    DECK_TRY(deck_mesh_axis(c, ax[a], p, a));
    m->dim = a + 1;
  }
  return 0;
}

/* Sign rule of a material field: 0 any sign (affinity), 1 >= 0 (zero is meaningful), 2 > 0. */
static int deck_field_sign(const char *key)
{
  static const char *const any[] = {"affinity", "tauw_t1", "tauw_t2", NULL};
  static const char *const nonneg[] = {"ni", "ct_mumin", "ms_mumin1", "ms_mumin2", "ms_mu1", "ms_pc",
                                       "taumin", "tau_gamma", "auger", NULL};
  for (int i = 0; any[i]; i++)
    if (!strcmp(any[i], key)) return 0;
  for (int i = 0; nonneg[i]; i++)
    if (!strcmp(nonneg[i], key)) return 1;
  return 2;
}

static int deck_material_value(DeckCtx *c, const yaml_node_t *v, const char *path, const TcadMaterialField *f,
                               TcadMaterial *m)
{
  double *dst = (double *)((char *)m + f->offset), val[2];
  int sign = deck_field_sign(f->key);
  if (f->count == 2) {
    char b[128];
    if (v->type != YAML_SEQUENCE_NODE || deck_len(v) != 2)
      return deck_fail(c, v, "'%s' is %s; expected a list [electron, hole] of two numbers (%s)", path,
                       v->type == YAML_SEQUENCE_NODE ? "a list of another length" : deck_what(v, b, sizeof b), f->unit);
  }
  for (int i = 0; i < f->count; i++) {
    char pi[DECK_PATH + 8];
    const yaml_node_t *e = f->count == 2 ? deck_item(c, v, i) : v;
    if (f->count == 2)
      deck_path_index(pi, sizeof pi, path, i);
    else
      snprintf(pi, sizeof pi, "%s", path);
    DECK_TRY(deck_num(c, e, pi, f->unit, &val[i]));
    if (sign == 2) DECK_TRY(deck_positive(c, e, pi, val[i], f->unit));
    if (sign == 1) DECK_TRY(deck_nonnegative(c, e, pi, val[i], f->unit));
  }
  for (int i = 0; i < f->count; i++) dst[i] = val[i];
  return 0;
}

/* Apply the parameter keys of one `materials:` entry (everything but `base`). */
static int deck_material_fields(DeckCtx *c, const yaml_node_t *map, const char *path, TcadMaterial *m)
{
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = deck_node(c, p->key), *v = deck_node(c, p->value);
    const char *key = (const char *)k->data.scalar.value;
    if (!strcmp(key, "base")) continue;
    for (int i = 0; i < tcad_material_field_count(); i++) {
      const TcadMaterialField *f = tcad_material_field(i);
      if (strcmp(f->key, key)) continue;
      char fp[DECK_PATH];
      deck_path(fp, sizeof fp, path, key);
      DECK_TRY(deck_material_value(c, v, fp, f, m));
    }
  }
  return 0;
}

/* `materials:` starts from a copy of the built-ins. Overrides of existing materials are
 * applied first, then new materials (`base: X`) in order, so a base sees the deck's
 * overrides and any new material defined above it. */
static int deck_materials(DeckCtx *c, const yaml_node_t *n)
{
  TcadDeck *d = c->deck;
  int nb = tcad_material_count(), extra = 0, nf = tcad_material_field_count();
  if (n && deck_is_null(n)) n = NULL;
  if (n) {
    DECK_TRY(deck_expect_map(c, n, "materials", "{Si: {ni: 1.45e10}, MySi: {base: Si, ...}}"));
    DECK_TRY(deck_keys(c, n, "materials", NULL));
    extra = deck_len(n);
  }
  TCAD_ALLOC(d->materials, nb + extra);
  for (int i = 0; i < nb; i++) d->materials[i] = *tcad_material_builtin(i);
  d->nmaterials = nb;
  if (!n) return 0;

  const char **keys = tcad_calloc((size_t)nf + 2, sizeof *keys);
  if (!keys) return TCAD_ERR_MEM;
  keys[0] = "base";
  for (int i = 0; i < nf; i++) keys[i + 1] = tcad_material_field(i)->key;
  int rc = 0;
  for (int pass = 0; pass < 2 && !rc; pass++) {
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top && !rc; p++) {
      yaml_node_t *k = deck_node(c, p->key), *v = deck_node(c, p->value), *base;
      char name[TCAD_NAME_MAX], path[DECK_PATH], basename[TCAD_NAME_MAX];
      if ((rc = deck_str(c, k, "materials", "a material name", name, sizeof name))) break;
      snprintf(path, sizeof path, "materials.%s", name);
      if (pass == 0) {
        /* names are case-insensitive, so "si" and "Si" are the same material */
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p && !rc; q++) {
          yaml_node_t *kq = deck_node(c, q->key);
          if (deck_ieq((const char *)kq->data.scalar.value, name))
            rc = deck_fail(c, k, "material '%s' is given twice in 'materials' (first at %d:%d); expected each material once",
                           name, (int)kq->start_mark.line + 1, (int)kq->start_mark.column + 1);
        }
        if (rc) break;
        if ((rc = deck_expect_map(c, v, path, "{permittivity: 11.9} or {base: Si, ...}"))) break;
        if ((rc = deck_keys(c, v, path, keys))) break;
      }
      base = deck_get(c, v, "base", NULL);
      if (pass == 0 && !base) {
        int i = deck_find_material(d, nb, name);
        if (i < 0) {
          const char *near = deck_suggest(name, d, nb, deck_name_material);
          char list[DECK_LIST];
          deck_join(d, nb, deck_name_material, list, sizeof list);
          rc = deck_fail(c, k, "'%s' is not a built-in material%s%s%s; expected one of %s, or 'base: <material>' to define a new one",
                         name, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", list);
          break;
        }
        rc = deck_material_fields(c, v, path, &d->materials[i]);
      } else if (pass == 1 && base) {
        char bp[DECK_PATH + 8];
        snprintf(bp, sizeof bp, "%s.base", path);
        if ((rc = deck_str(c, base, bp, "a material name", basename, sizeof basename))) break;
        if (deck_find_material(d, d->nmaterials, name) >= 0) {
          rc = deck_fail(c, k, "material '%s' already exists, so it cannot have a 'base'; expected a new name (or no 'base' to override '%s')",
                         name, name);
          break;
        }
        int b = deck_find_material(d, d->nmaterials, basename);
        if (b < 0) {
          rc = deck_unknown_name(c, base, bp, "material", basename, d, d->nmaterials, deck_name_material);
          break;
        }
        TcadMaterial *m = &d->materials[d->nmaterials];
        *m = d->materials[b];
        memcpy(m->name, name, sizeof name);
        d->nmaterials++;
        rc = deck_material_fields(c, v, path, m);
      }
    }
  }
  free(keys);
  return rc;
}

/* Regions and contacts take a `box` exactly when the mesh is generated: there it selects the
 * cells or boundary faces; on a Gmsh mesh the physical group does, and a box would be ignored. */
static int deck_entity_box(DeckCtx *c, yaml_node_t *it, const char *p, const char *kind, const char *name,
                           const char *example, TcadBox *out, int *has)
{
  yaml_node_t *boxkey = NULL, *box = deck_get(c, it, "box", &boxkey);
  char pk[512];
  if (c->generated && !box)
    return deck_fail(c, it, "%s '%s' ('%s') has no 'box'; expected a box such as %s (µm) on a generated mesh", kind,
                     name, p, example);
  if (!c->generated && box)
    return deck_fail(c, boxkey,
                     "'%s.box' is given but the mesh comes from a Gmsh file; expected no box (remove it: the %s "
                     "is the physical group '%s')",
                     p, kind, name);
  if (box) {
    deck_path(pk, sizeof pk, p, "box");
    DECK_TRY(deck_box(c, box, pk, out));
    *has = 1;
  }
  return 0;
}

static int deck_regions(DeckCtx *c, const yaml_node_t *n)
{
  TcadDeck *d = c->deck;
  if (deck_is_null(n))
    return deck_fail(c, n, "'regions' is empty; expected a list of regions such as '- {name: silicon, material: Si}'");
  DECK_TRY(deck_expect_list(c, n, "regions", "regions {name: ..., material: ...}"));
  int count = deck_len(n);
  if (!count) return deck_fail(c, n, "'regions' is an empty list; expected at least one region");
  TCAD_ALLOC(d->regions, count);
  for (int i = 0; i < count; i++) {
    yaml_node_t *it = deck_item(c, n, i), *name, *mat;
    TcadRegionSpec *r = &d->regions[i];
    char p[DECK_PATH], pk[DECK_PATH + 16], mname[TCAD_NAME_MAX];
    deck_path_index(p, sizeof p, "regions", i);
    DECK_TRY(deck_expect_map(c, it, p, "{name: silicon, material: Si}"));
    DECK_TRY(deck_keys(c, it, p, deck_region_keys));
    r->loc = deck_loc(it);
    DECK_TRY(deck_need(c, it, p, "name", "the region name", &name));
    DECK_TRY(deck_need(c, it, p, "material", "a material such as Si or SiO2", &mat));
    deck_path(pk, sizeof pk, p, "name");
    DECK_TRY(deck_str(c, name, pk, "a region name", r->name, sizeof r->name));
    int dup = deck_find_region(d, r->name);
    if (dup >= 0)
      return deck_fail(c, name, "duplicate region name '%s' (first at %d:%d); expected unique region names", r->name,
                       d->regions[dup].loc.line, d->regions[dup].loc.col);
    d->nregions = i + 1;
    deck_path(pk, sizeof pk, p, "material");
    DECK_TRY(deck_str(c, mat, pk, "a material name", mname, sizeof mname));
    int m = deck_find_material(d, d->nmaterials, mname);
    if (m < 0) return deck_unknown_name(c, mat, pk, "material", mname, d, d->nmaterials, deck_name_material);
    /* the table's spelling, so later lookups need no case folding */
    memcpy(r->material, d->materials[m].name, sizeof r->material);
    DECK_TRY(deck_entity_box(c, it, p, "region", r->name, "box: {x: [0, 1]}", &r->box, &r->has_box));
  }
  return 0;
}

static int deck_contacts(DeckCtx *c, const yaml_node_t *n)
{
  TcadDeck *d = c->deck;
  DECK_TRY(deck_expect_list(c, n, "contacts", "contacts {name: ..., type: ohmic}"));
  int count = deck_len(n);
  if (!count) return 0;
  TCAD_ALLOC(d->contacts, count);
  for (int i = 0; i < count; i++) {
    yaml_node_t *it = deck_item(c, n, i), *name, *v, *vk;
    TcadContactSpec *ct = &d->contacts[i];
    char p[DECK_PATH], pk[DECK_PATH + 16];
    int type = TCAD_CONTACT_OHMIC;
    deck_path_index(p, sizeof p, "contacts", i);
    DECK_TRY(deck_expect_map(c, it, p, "{name: anode, type: ohmic}"));
    DECK_TRY(deck_keys(c, it, p, deck_contact_keys));
    ct->loc = deck_loc(it);
    DECK_TRY(deck_need(c, it, p, "name", "the contact name", &name));
    deck_path(pk, sizeof pk, p, "name");
    DECK_TRY(deck_str(c, name, pk, "a contact name", ct->name, sizeof ct->name));
    int dup = deck_find_contact(d, ct->name);
    if (dup >= 0)
      return deck_fail(c, name, "duplicate contact name '%s' (first at %d:%d); expected unique contact names", ct->name,
                       d->contacts[dup].loc.line, d->contacts[dup].loc.col);
    int reg = deck_find_region(d, ct->name);
    if (reg >= 0)
      return deck_fail(c, name, "contact name '%s' is also a region name (%d:%d); expected contact names distinct from region names",
                       ct->name, d->regions[reg].loc.line, d->regions[reg].loc.col);
    d->ncontacts = i + 1;
    if ((v = deck_get(c, it, "type", NULL))) {
      deck_path(pk, sizeof pk, p, "type");
      DECK_TRY(deck_enum(c, v, pk, deck_contact_types, &type));
    }
    ct->type = (TcadContactType)type;
    DECK_TRY(deck_get_num(c, it, p, "workfunction", "eV", &ct->workfunction, &v));
    deck_get(c, it, "workfunction", &vk);
    ct->has_workfunction = v != NULL;
    if (v) {
      deck_path(pk, sizeof pk, p, "workfunction");
      DECK_TRY(deck_positive(c, v, pk, ct->workfunction, "eV"));
      if (ct->type == TCAD_CONTACT_OHMIC)
        return deck_fail(c, vk, "contact '%s' is ohmic but has a 'workfunction'; expected 'type: gate' or 'type: schottky' (or no workfunction)",
                         ct->name);
    } else if (ct->type != TCAD_CONTACT_OHMIC) {
      return deck_fail(c, it, "contact '%s' of type %s has no 'workfunction'; expected its work function in eV (e.g. workfunction: 4.17)",
                       ct->name, deck_contact_types[ct->type]);
    }
    DECK_TRY(deck_get_num(c, it, p, "voltage", "V", &ct->voltage, NULL));
    DECK_TRY(deck_get_num(c, it, p, "resistance", "ohm", &ct->resistance, &v));
    if (v) {
      deck_path(pk, sizeof pk, p, "resistance");
      DECK_TRY(deck_nonnegative(c, v, pk, ct->resistance, "ohm"));
    }
    DECK_TRY(deck_entity_box(c, it, p, "contact", ct->name, "box: {x: [0, 0]}", &ct->box, &ct->has_box));
  }
  return 0;
}

/* Is `key` one of `keys`? */
static int deck_has_key(const char *const *keys, const char *key)
{
  for (int i = 0; keys[i]; i++)
    if (!strcmp(keys[i], key)) return 1;
  return 0;
}

static int deck_doping_one(DeckCtx *c, const yaml_node_t *it, const char *p, TcadDopingSpec *s)
{
  TcadDeck *d = c->deck;
  yaml_node_t *v, *k, *conc = NULL;
  char pk[DECK_PATH + 16], list[DECK_LIST];
  int profile, species;
  DECK_TRY(deck_expect_map(c, it, p, "{profile: uniform, species: donor, conc: 1e16}"));
  DECK_TRY(deck_keys(c, it, p, deck_doping_keys));
  s->loc = deck_loc(it);
  DECK_TRY(deck_need(c, it, p, "profile", "one of: uniform, box, gaussian, erfc", &v));
  deck_path(pk, sizeof pk, p, "profile");
  DECK_TRY(deck_enum(c, v, pk, deck_profiles, &profile));
  s->profile = (TcadDopingProfile)profile;
  DECK_TRY(deck_need(c, it, p, "species", "one of: donor, acceptor", &v));
  deck_path(pk, sizeof pk, p, "species");
  DECK_TRY(deck_enum(c, v, pk, deck_species, &species));
  s->species = species == 0 ? +1 : -1;

  /* keys that exist in the schema but not for this profile */
  int diffused = s->profile == TCAD_DOPING_GAUSSIAN || s->profile == TCAD_DOPING_ERFC;
  const char *const *allowed = s->profile == TCAD_DOPING_UNIFORM ? deck_doping_uniform_keys
                               : s->profile == TCAD_DOPING_BOX   ? deck_doping_box_keys
                                                                 : deck_doping_diffused_keys;
  for (yaml_node_pair_t *q = it->data.mapping.pairs.start; q < it->data.mapping.pairs.top; q++) {
    k = deck_node(c, q->key);
    const char *key = (const char *)k->data.scalar.value;
    if (deck_has_key(allowed, key)) continue;
    if (!strcmp(key, "peak") && !diffused)
      return deck_fail(c, k, "'peak' does not apply to profile '%s' in '%s'; expected 'conc' (cm^-3)", deck_profiles[profile], p);
    if (!strcmp(key, "conc") && diffused)
      return deck_fail(c, k, "'conc' does not apply to profile '%s' in '%s'; expected 'peak' (cm^-3)", deck_profiles[profile], p);
    if (!strcmp(key, "box") && diffused)
      return deck_fail(c, k, "'box' does not apply to profile '%s' in '%s'; expected 'window' for the mask opening",
                       deck_profiles[profile], p);
    return deck_fail(c, k, "'%s' does not apply to profile '%s' in '%s'; expected only: %s", key, deck_profiles[profile], p,
                     deck_join(allowed, deck_count(allowed), deck_name_str, list, sizeof list));
  }

  const char *ckey = diffused ? "peak" : "conc";
  DECK_TRY(deck_need(c, it, p, ckey, diffused ? "the peak concentration (cm^-3)" : "the concentration (cm^-3)", &conc));
  deck_path(pk, sizeof pk, p, ckey);
  DECK_TRY(deck_num(c, conc, pk, "cm^-3", &s->peak));
  DECK_TRY(deck_positive(c, conc, pk, s->peak, "cm^-3"));

  if ((v = deck_get(c, it, "region", NULL))) {
    deck_path(pk, sizeof pk, p, "region");
    DECK_TRY(deck_str(c, v, pk, "a region name", s->region, sizeof s->region));
    int r = deck_find_region(d, s->region);
    if (r < 0) return deck_unknown_name(c, v, pk, "region", s->region, d, d->nregions, deck_name_region);
    const TcadMaterial *m = TcadDeckGetMaterial(d, d->regions[r].material);
    if (m && m->kind != TCAD_MAT_SEMICONDUCTOR)
      return deck_fail(c, v, "region '%s' in '%s' is %s, not a semiconductor; expected a semiconductor region (only those are doped)",
                       s->region, pk, m->name);
  }

  if (s->profile == TCAD_DOPING_BOX) {
    DECK_TRY(deck_need(c, it, p, "box", "the doped box {x: [lo, hi], ...} (µm)", &v));
    deck_path(pk, sizeof pk, p, "box");
    DECK_TRY(deck_box(c, v, pk, &s->window));
    s->has_window = 1;
  }
  if (!diffused) return 0;

  /* depth axis: default the mesh's last axis; unknown for Gmsh meshes until the file is read */
  s->depth_axis = c->generated ? d->mesh.dim - 1 : -1;
  if ((v = deck_get(c, it, "axis", NULL))) {
    int axis;
    deck_path(pk, sizeof pk, p, "axis");
    DECK_TRY(deck_enum(c, v, pk, deck_axes, &axis));
    if (c->generated && axis >= d->mesh.dim)
      return deck_fail(c, v, "'%s' is '%s' but the mesh is %dD; expected one of: %s", pk, deck_axes[axis], d->mesh.dim,
                       deck_join(deck_axes, d->mesh.dim, deck_name_str, list, sizeof list));
    s->depth_axis = axis;
  }
  if ((v = deck_get(c, it, "window", &k))) {
    deck_path(pk, sizeof pk, p, "window");
    DECK_TRY(deck_box(c, v, pk, &s->window));
    if (s->depth_axis >= 0 && s->window.has[s->depth_axis])
      return deck_fail(c, v, "'%s' bounds the depth axis '%s'; expected bounds on the lateral axes only", pk,
                       deck_axes[s->depth_axis]);
    s->has_window = 1;
  }
  double surface = 0.0;
  DECK_TRY(deck_get_num(c, it, p, "surface", "µm", &surface, NULL));
  s->surface = surface * DECK_UM;

  yaml_node_t *chr, *chrk, *xj, *xjk, *nb, *nbk;
  chr = deck_get(c, it, "char", &chrk);
  xj = deck_get(c, it, "junction", &xjk);
  nb = deck_get(c, it, "background", &nbk);
  if (chr && (xj || nb))
    return deck_fail(c, xj ? xjk : nbk, "'%s' has both 'char' and '%s'; expected either 'char' or 'junction' + 'background'", p,
                     xj ? "junction" : "background");
  if (!chr && !xj && !nb)
    return deck_fail(c, it, "missing key 'char' in '%s'; expected the characteristic length (µm), or 'junction' (µm) + 'background' (cm^-3)", p);
  if (!chr && (!xj || !nb))
    return deck_fail(c, xj ? xjk : nbk, "'%s' has '%s' without '%s'; expected both 'junction' (µm) and 'background' (cm^-3)", p,
                     xj ? "junction" : "background", xj ? "background" : "junction");
  double len;
  if (chr) {
    deck_path(pk, sizeof pk, p, "char");
    DECK_TRY(deck_num(c, chr, pk, "µm", &len));
    DECK_TRY(deck_positive(c, chr, pk, len, "µm"));
  } else {
    double depth, back;
    deck_path(pk, sizeof pk, p, "junction");
    DECK_TRY(deck_num(c, xj, pk, "µm", &depth));
    DECK_TRY(deck_positive(c, xj, pk, depth, "µm"));
    deck_path(pk, sizeof pk, p, "background");
    DECK_TRY(deck_num(c, nb, pk, "cm^-3", &back));
    DECK_TRY(deck_positive(c, nb, pk, back, "cm^-3"));
    if (!(back < s->peak))
      return deck_fail(c, nb, "'%s' is %g, not below the peak %g; expected a background below the peak", pk, back, s->peak);
    /* the profile equals the background at the junction depth */
    double x = s->profile == TCAD_DOPING_GAUSSIAN ? sqrt(log(s->peak / back)) : deck_erfcinv(back / s->peak);
    len = depth / x;
    if (!isfinite(len) || !(len > 0))
      return deck_fail(c, nb, "'%s' gives no usable characteristic length (background/peak = %g); expected a background closer to the peak",
                       pk, back / s->peak);
  }
  s->char_length = len * DECK_UM;
  s->lateral = 0.8 * s->char_length;
  if ((v = deck_get(c, it, "lateral", NULL))) {
    double lat;
    deck_path(pk, sizeof pk, p, "lateral");
    DECK_TRY(deck_num(c, v, pk, "µm", &lat));
    DECK_TRY(deck_positive(c, v, pk, lat, "µm"));
    s->lateral = lat * DECK_UM;
  }
  return 0;
}

static int deck_doping(DeckCtx *c, const yaml_node_t *n)
{
  TcadDeck *d = c->deck;
  DECK_TRY(deck_expect_list(c, n, "doping", "profiles {profile: ..., species: ..., ...}"));
  int count = deck_len(n);
  if (!count) return 0;
  TCAD_ALLOC(d->doping, count);
  for (int i = 0; i < count; i++) {
    char p[DECK_PATH];
    deck_path_index(p, sizeof p, "doping", i);
    d->ndoping = i + 1;
    DECK_TRY(deck_doping_one(c, deck_item(c, n, i), p, &d->doping[i]));
  }
  return 0;
}

static int deck_physics_enum(DeckCtx *c, const yaml_node_t *map, const char *key, const char *const *names, int *out,
                             TcadSrcLoc *loc)
{
  yaml_node_t *k, *v = deck_get(c, map, key, &k);
  char pk[DECK_PATH];
  if (!v) return 0;
  deck_path(pk, sizeof pk, "physics", key);
  DECK_TRY(deck_enum(c, v, pk, names, out));
  if (loc) *loc = deck_loc(k);
  return 0;
}

static int deck_physics(DeckCtx *c, const yaml_node_t *n)
{
  TcadPhysicsSpec *ph = &c->deck->physics;
  int e;
  DECK_TRY(deck_expect_map(c, n, "physics", "{transport: drift-diffusion, temperature: 300}"));
  DECK_TRY(deck_keys(c, n, "physics", deck_physics_keys));
  ph->loc = deck_loc(n);
  e = (int)ph->transport;
  DECK_TRY(deck_physics_enum(c, n, "transport", deck_transports, &e, &ph->loc_transport));
  ph->transport = (TcadTransport)e;
  e = (int)ph->statistics;
  DECK_TRY(deck_physics_enum(c, n, "statistics", deck_statistics, &e, &ph->loc_statistics));
  ph->statistics = (TcadStatistics)e;
  e = (int)ph->mobility;
  DECK_TRY(deck_physics_enum(c, n, "mobility", deck_mobilities, &e, &ph->loc_mobility));
  ph->mobility = (TcadMobility)e;
  e = (int)ph->high_field;
  DECK_TRY(deck_physics_enum(c, n, "high_field", deck_high_fields, &e, &ph->loc_high_field));
  ph->high_field = (TcadHighField)e;
  e = (int)ph->impact;
  DECK_TRY(deck_physics_enum(c, n, "impact_ionization", deck_impacts, &e, &ph->loc_impact));
  ph->impact = (TcadImpact)e;
  e = (int)ph->hot_carrier;
  DECK_TRY(deck_physics_enum(c, n, "hot_carrier", deck_hot_carriers, &e, &ph->loc_hot_carrier));
  ph->hot_carrier = (TcadHotCarrier)e;

  yaml_node_t *v;
  DECK_TRY(deck_get_num(c, n, "physics", "temperature", "K", &ph->temperature, &v));
  if (v) DECK_TRY(deck_positive(c, v, "physics.temperature", ph->temperature, "K"));

  if ((v = deck_get(c, n, "recombination", NULL))) {
    DECK_TRY(deck_expect_list(c, v, "physics.recombination", "models (srh, auger; [] for none)"));
    int seen[2] = {0, 0};
    for (int i = 0; i < deck_len(v); i++) {
      char pi[DECK_PATH];
      yaml_node_t *it = deck_item(c, v, i);
      deck_path_index(pi, sizeof pi, "physics.recombination", i);
      DECK_TRY(deck_enum(c, it, pi, deck_recombinations, &e));
      if (seen[e]) return deck_fail(c, it, "'%s' lists '%s' twice; expected each model once", "physics.recombination", deck_recombinations[e]);
      seen[e] = 1;
    }
    ph->srh = seen[0];
    ph->auger = seen[1];
  }
  return 0;
}

static int deck_interfaces(DeckCtx *c, const yaml_node_t *n)
{
  TcadDeck *d = c->deck;
  DECK_TRY(deck_expect_list(c, n, "interfaces", "interfaces {regions: [a, b], charge: 1e10}"));
  int count = deck_len(n);
  if (!count) return 0;
  TCAD_ALLOC(d->interfaces, count);
  for (int i = 0; i < count; i++) {
    yaml_node_t *it = deck_item(c, n, i), *regs, *charge;
    TcadInterfaceSpec *f = &d->interfaces[i];
    char p[DECK_PATH], pk[DECK_PATH + 16], pi[DECK_PATH + 24], b[128];
    deck_path_index(p, sizeof p, "interfaces", i);
    DECK_TRY(deck_expect_map(c, it, p, "{regions: [silicon, oxide], charge: 1e10}"));
    DECK_TRY(deck_keys(c, it, p, deck_interface_keys));
    f->loc = deck_loc(it);
    DECK_TRY(deck_need(c, it, p, "regions", "the two regions [a, b] on either side", &regs));
    DECK_TRY(deck_need(c, it, p, "charge", "the fixed charge (q cm^-2, sign included)", &charge));
    deck_path(pk, sizeof pk, p, "regions");
    if (regs->type != YAML_SEQUENCE_NODE || deck_len(regs) != 2)
      return deck_fail(c, regs, "'%s' is %s; expected a list [a, b] of two region names", pk,
                       regs->type == YAML_SEQUENCE_NODE ? "a list of another length" : deck_what(regs, b, sizeof b));
    for (int j = 0; j < 2; j++) {
      yaml_node_t *r = deck_item(c, regs, j);
      deck_path_index(pi, sizeof pi, pk, j);
      DECK_TRY(deck_str(c, r, pi, "a region name", f->region[j], sizeof f->region[j]));
      if (deck_find_region(d, f->region[j]) < 0)
        return deck_unknown_name(c, r, pi, "region", f->region[j], d, d->nregions, deck_name_region);
    }
    if (!strcmp(f->region[0], f->region[1]))
      return deck_fail(c, regs, "'%s' names region '%s' twice; expected two different regions", pk, f->region[0]);
    d->ninterfaces = i + 1;
    for (int j = 0; j < i; j++) {
      const TcadInterfaceSpec *g = &d->interfaces[j];
      if ((!strcmp(g->region[0], f->region[0]) && !strcmp(g->region[1], f->region[1])) ||
          (!strcmp(g->region[0], f->region[1]) && !strcmp(g->region[1], f->region[0])))
        return deck_fail(c, regs, "interface %s/%s is given twice (first at %d:%d); expected one entry per pair of regions",
                         f->region[0], f->region[1], g->loc.line, g->loc.col);
    }
    deck_path(pk, sizeof pk, p, "charge");
    DECK_TRY(deck_num(c, charge, pk, "q cm^-2", &f->charge));
  }
  return 0;
}

/* A contact name in a solve step. */
static int deck_step_contact(DeckCtx *c, const yaml_node_t *n, const char *path, TcadSolveStep *s)
{
  TcadDeck *d = c->deck;
  char *name = s->contact[s->ncontacts];
  DECK_TRY(deck_str(c, n, path, "a contact name", name, TCAD_NAME_MAX));
  if (deck_find_contact(d, name) < 0) return deck_unknown_name(c, n, path, "contact", name, d, d->ncontacts, deck_name_contact);
  for (int j = 0; j < s->ncontacts; j++)
    if (!strcmp(s->contact[j], name))
      return deck_fail(c, n, "contact '%s' appears twice in '%s'; expected each contact once", name, path);
  s->ncontacts++;
  return 0;
}

static int deck_sweep(DeckCtx *c, const yaml_node_t *n, const char *path, TcadSolveStep *s)
{
  yaml_node_t *con, *to, *step;
  char pk[DECK_PATH + 16], pi[DECK_PATH + 24], b[128];
  DECK_TRY(deck_expect_map(c, n, path, "{contact: gate, to: 1.5, step: 0.05}"));
  DECK_TRY(deck_keys(c, n, path, deck_sweep_keys));
  DECK_TRY(deck_need(c, n, path, "contact", "the contact (or list of contacts) to sweep", &con));
  DECK_TRY(deck_need(c, n, path, "to", "the end voltage (V; a list, one per contact)", &to));
  DECK_TRY(deck_need(c, n, path, "step", "the initial voltage step (V, > 0)", &step));
  deck_path(pk, sizeof pk, path, "contact");
  if (con->type == YAML_SEQUENCE_NODE) {
    int count = deck_len(con);
    if (count < 1 || count > TCAD_MAX_SWEEP_CONTACTS)
      return deck_fail(c, con, "'%s' lists %d contacts; expected 1 to %d", pk, count, TCAD_MAX_SWEEP_CONTACTS);
    for (int j = 0; j < count; j++) {
      deck_path_index(pi, sizeof pi, pk, j);
      DECK_TRY(deck_step_contact(c, deck_item(c, con, j), pi, s));
    }
  } else {
    DECK_TRY(deck_step_contact(c, con, pk, s));
  }
  deck_path(pk, sizeof pk, path, "to");
  if (to->type == YAML_SEQUENCE_NODE) {
    if (deck_len(to) != s->ncontacts)
      return deck_fail(c, to, "'%s' has %d value%s for %d contact%s; expected one end voltage per contact", pk, deck_len(to),
                       deck_len(to) == 1 ? "" : "s", s->ncontacts, s->ncontacts == 1 ? "" : "s");
    for (int j = 0; j < s->ncontacts; j++) {
      deck_path_index(pi, sizeof pi, pk, j);
      DECK_TRY(deck_num(c, deck_item(c, to, j), pi, "V", &s->value[j]));
    }
  } else if (s->ncontacts == 1) {
    DECK_TRY(deck_num(c, to, pk, "V", &s->value[0]));
  } else {
    return deck_fail(c, to, "'%s' is %s; expected a list of %d end voltages, one per contact", pk, deck_what(to, b, sizeof b),
                     s->ncontacts);
  }
  deck_path(pk, sizeof pk, path, "step");
  DECK_TRY(deck_num(c, step, pk, "V", &s->step));
  DECK_TRY(deck_positive(c, step, pk, s->step, "V"));
  yaml_node_t *vmin, *vmax;
  DECK_TRY(deck_get_num(c, n, path, "min_step", "V", &s->min_step, &vmin));
  deck_path(pk, sizeof pk, path, "min_step");
  if (vmin) DECK_TRY(deck_positive(c, vmin, pk, s->min_step, "V"));
  DECK_TRY(deck_get_num(c, n, path, "max_step", "V", &s->max_step, &vmax));
  deck_path(pk, sizeof pk, path, "max_step");
  if (vmax) DECK_TRY(deck_positive(c, vmax, pk, s->max_step, "V"));
  if (vmin && vmax && s->min_step > s->max_step)
    return deck_fail(c, vmin, "'%s.min_step' (%g) is above 'max_step' (%g); expected min_step <= max_step", path, s->min_step,
                     s->max_step);
  if (vmin && s->step < s->min_step)
    return deck_fail(c, step, "'%s.step' (%g) is below 'min_step' (%g); expected min_step <= step", path, s->step, s->min_step);
  if (vmax && s->step > s->max_step)
    return deck_fail(c, step, "'%s.step' (%g) is above 'max_step' (%g); expected step <= max_step", path, s->step, s->max_step);
  return 0;
}

static int deck_solve(DeckCtx *c, const yaml_node_t *n)
{
  TcadDeck *d = c->deck;
  DECK_TRY(deck_expect_list(c, n, "solve", "steps such as '- equilibrium: {}'"));
  int count = deck_len(n);
  if (!count) return 0;
  TCAD_ALLOC(d->steps, count);
  for (int i = 0; i < count; i++) {
    yaml_node_t *it = deck_item(c, n, i);
    TcadSolveStep *s = &d->steps[i];
    char p[DECK_PATH], pk[DECK_PATH + 16], b[128], list[DECK_LIST];
    int kind;
    deck_path_index(p, sizeof p, "solve", i);
    deck_join(deck_step_kinds, 3, deck_name_str, list, sizeof list);
    if (it->type != YAML_MAPPING_NODE || deck_len(it) != 1)
      return deck_fail(c, it, "'%s' is %s; expected a one-key mapping with one of: %s (e.g. '- equilibrium: {}')", p,
                       it->type == YAML_MAPPING_NODE ? "a mapping with several keys" : deck_what(it, b, sizeof b), list);
    DECK_TRY(deck_keys(c, it, p, deck_step_kinds));
    yaml_node_t *k = deck_node(c, it->data.mapping.pairs.start[0].key), *v = deck_node(c, it->data.mapping.pairs.start[0].value);
    for (kind = 0; !deck_scalar_is(k, deck_step_kinds[kind]); kind++) continue;
    s->kind = (TcadStepKind)kind;
    s->loc = deck_loc(k);
    d->nsteps = i + 1;
    deck_path(pk, sizeof pk, p, deck_step_kinds[kind]);
    if (s->kind == TCAD_STEP_EQUILIBRIUM) {
      if (!deck_is_null(v) && !(v->type == YAML_MAPPING_NODE && deck_len(v) == 0))
        return deck_fail(c, v, "'%s' is %s; expected nothing ('equilibrium: {}')", pk, deck_what(v, b, sizeof b));
    } else if (s->kind == TCAD_STEP_BIAS) {
      DECK_TRY(deck_expect_map(c, v, pk, "{drain: 0.05}"));
      DECK_TRY(deck_keys(c, v, pk, NULL));
      int nc = deck_len(v);
      if (nc < 1 || nc > TCAD_MAX_SWEEP_CONTACTS)
        return deck_fail(c, v, "'%s' sets %d contacts; expected 1 to %d 'contact: voltage' entries", pk, nc, TCAD_MAX_SWEEP_CONTACTS);
      for (int j = 0; j < nc; j++) {
        yaml_node_t *ck = deck_node(c, v->data.mapping.pairs.start[j].key), *cv = deck_node(c, v->data.mapping.pairs.start[j].value);
        char pv[DECK_PATH + 96];
        DECK_TRY(deck_step_contact(c, ck, pk, s));
        snprintf(pv, sizeof pv, "%s.%s", pk, s->contact[j]);
        DECK_TRY(deck_num(c, cv, pv, "V", &s->value[j]));
      }
    } else {
      DECK_TRY(deck_sweep(c, v, pk, s));
    }
  }
  return 0;
}

static int deck_output(DeckCtx *c, const yaml_node_t *n)
{
  TcadOutputSpec *o = &c->deck->output;
  yaml_node_t *v;
  if (!n) return 0;
  DECK_TRY(deck_expect_map(c, n, "output", "{directory: out, fields: fields.h5, iv: iv.csv}"));
  DECK_TRY(deck_keys(c, n, "output", deck_output_keys));
  o->loc = deck_loc(n);
  if ((v = deck_get(c, n, "directory", NULL)))
    DECK_TRY(deck_str(c, v, "output.directory", "a directory path", o->directory, sizeof o->directory));
  if ((v = deck_get(c, n, "fields", NULL)))
    DECK_TRY(deck_str(c, v, "output.fields", "an HDF5 file name", o->fields, sizeof o->fields));
  if ((v = deck_get(c, n, "iv", NULL))) DECK_TRY(deck_str(c, v, "output.iv", "a CSV file name", o->iv, sizeof o->iv));
  return 0;
}

/* Defaults that do not depend on the deck's content. */
static void deck_defaults(TcadDeck *d)
{
  const char *base = strrchr(d->path, '/');
  char stem[TCAD_PATH_MAX];
  base = base ? base + 1 : d->path;
  snprintf(stem, sizeof stem, "%s", base);
  char *dot = strrchr(stem, '.');
  if (dot && dot != stem) *dot = 0;
  if (!stem[0]) snprintf(stem, sizeof stem, "deck");
  snprintf(d->output.directory, sizeof d->output.directory, "tcad-out/%.900s", stem);
  snprintf(d->output.fields, sizeof d->output.fields, "fields.h5");
  snprintf(d->output.iv, sizeof d->output.iv, "iv.csv");
  d->mesh.scale = DECK_UM;
  d->physics.transport = TCAD_TRANSPORT_DD;
  d->physics.temperature = 300.0;
  d->physics.statistics = TCAD_STAT_BOLTZMANN;
  d->physics.mobility = TCAD_MOB_CAUGHEY_THOMAS;
  d->physics.high_field = TCAD_HF_CANALI;
  d->physics.srh = 1;
  d->physics.auger = 1;
  d->physics.impact = TCAD_II_NONE;
  d->physics.hot_carrier = TCAD_HC_NONE;
}

/* An optional section: absent or empty (null) both mean "not given". */
static yaml_node_t *deck_section(DeckCtx *c, const yaml_node_t *root, const char *key)
{
  yaml_node_t *v = deck_get(c, root, key, NULL);
  return v && !deck_is_null(v) ? v : NULL;
}

static int deck_top(DeckCtx *c, const yaml_node_t *root)
{
  TcadDeck *d = c->deck;
  char b[128];
  yaml_node_t *v;
  if (root->type != YAML_MAPPING_NODE)
    return deck_fail(c, root, "the deck is %s; expected a mapping with at least 'mesh' and 'regions'", deck_what(root, b, sizeof b));
  DECK_TRY(deck_keys(c, root, "", deck_top_keys));
  if ((v = deck_section(c, root, "title"))) DECK_TRY(deck_str(c, v, "title", "a line of text", d->title, sizeof d->title));
  DECK_TRY(deck_materials(c, deck_get(c, root, "materials", NULL)));
  DECK_TRY(deck_need(c, root, "", "mesh", "the mesh source ('file' or 'generate')", &v));
  DECK_TRY(deck_mesh(c, v));
  DECK_TRY(deck_need(c, root, "", "regions", "a list of regions {name: ..., material: ...}", &v));
  DECK_TRY(deck_regions(c, v));
  if ((v = deck_section(c, root, "contacts"))) DECK_TRY(deck_contacts(c, v));
  if ((v = deck_section(c, root, "doping"))) DECK_TRY(deck_doping(c, v));
  if ((v = deck_section(c, root, "physics"))) DECK_TRY(deck_physics(c, v));
  if ((v = deck_section(c, root, "interfaces"))) DECK_TRY(deck_interfaces(c, v));
  if ((v = deck_section(c, root, "solve"))) DECK_TRY(deck_solve(c, v));
  DECK_TRY(deck_output(c, deck_section(c, root, "output")));
  return 0;
}

/* libyaml's own errors, in the same FILE:LINE:COL form. */
static int deck_syntax_error(const yaml_parser_t *p, const char *name, const char *text, size_t len)
{
  size_t line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;
  if (p->error == YAML_MEMORY_ERROR) return tcad_error(TCAD_ERR_MEM, "%s: out of memory while reading the YAML", name);
  if (p->error == YAML_READER_ERROR) {
    /* reader errors carry a byte offset, not a mark */
    size_t off = p->problem_offset < len ? p->problem_offset : len;
    line = 1;
    col = 1;
    for (size_t i = 0; i < off; i++) {
      if (text[i] == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return tcad_error(TCAD_ERR_INPUT, "%s:%zu:%zu: the deck is not readable text: %s (byte 0x%02x); expected UTF-8 text", name,
                      line, col, p->problem ? p->problem : "bad input", (unsigned)(p->problem_value & 0xff));
  }
  char ctx[256] = "";
  if (p->context)
    snprintf(ctx, sizeof ctx, " (%s at %d:%d)", p->context, (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
  return tcad_error(TCAD_ERR_INPUT,
                    "%s:%zu:%zu: YAML syntax error: %s%s; expected well-formed YAML (consistent indentation, a space "
                    "after each ':', closed brackets and quotes)",
                    name, line, col, p->problem ? p->problem : "unknown problem", ctx);
}

static int deck_parse(const char *text, size_t len, TcadDeck *d)
{
  yaml_parser_t parser;
  DeckCtx c;
  int rc = 0;
  memset(&c, 0, sizeof c);
  c.name = d->path;
  c.deck = d;
  if (!yaml_parser_initialize(&parser)) return tcad_error(TCAD_ERR_MEM, "%s: cannot initialise the YAML parser", d->path);
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  if (!yaml_parser_load(&parser, &c.doc)) {
    rc = deck_syntax_error(&parser, d->path, text, len);
    yaml_parser_delete(&parser);
    return rc;
  }
  yaml_node_t *root = yaml_document_get_root_node(&c.doc);
  if (!root) {
    yaml_mark_t zero = {0, 0, 0};
    rc = tcad_error(TCAD_ERR_INPUT, "%s:%d:%d: the deck is empty; expected a mapping with at least 'mesh' and 'regions'",
                    d->path, (int)zero.line + 1, (int)zero.column + 1);
  } else {
    /* a second document would be silently ignored: refuse it */
    yaml_document_t next;
    if (!yaml_parser_load(&parser, &next)) {
      rc = deck_syntax_error(&parser, d->path, text, len);
    } else {
      yaml_node_t *extra = yaml_document_get_root_node(&next);
      if (extra)
        rc = deck_fail(&c, extra, "a second YAML document starts here; expected one document per deck (remove the '---')");
      yaml_document_delete(&next);
    }
  }
  if (!rc) rc = deck_top(&c, root);
  yaml_document_delete(&c.doc);
  yaml_parser_delete(&parser);
  return rc;
}

static int deck_load(const char *text, size_t len, const char *name, const char *dir, TcadDeck **out)
{
  TcadDeck *d = tcad_calloc(1, sizeof *d);
  if (!d) return TCAD_ERR_MEM;
  if (strlen(name) >= sizeof d->path || strlen(dir) >= sizeof d->dir) {
    free(d);
    return tcad_error(TCAD_ERR_USAGE, "deck path '%.200s...' is too long; expected at most %d characters", name, TCAD_PATH_MAX - 1);
  }
  snprintf(d->path, sizeof d->path, "%s", name);
  snprintf(d->dir, sizeof d->dir, "%s", dir);
  deck_defaults(d);
  int rc = deck_parse(text, len, d);
  if (rc) {
    TcadDeckDestroy(&d);
    return rc;
  }
  *out = d;
  return 0;
}

int TcadDeckLoad(const char *path, TcadDeck **deck)
{
  *deck = NULL;
  if (!path || !*path) return tcad_error(TCAD_ERR_USAGE, "no deck file given");
  if (strlen(path) >= TCAD_PATH_MAX)
    return tcad_error(TCAD_ERR_USAGE, "deck path '%.200s...' is too long; expected at most %d characters", path, TCAD_PATH_MAX - 1);
  FILE *f = fopen(path, "rb");
  if (!f) return tcad_error(TCAD_ERR_IO, "cannot open deck '%s': %s", path, strerror(errno));
  size_t cap = 1 << 16, len = 0;
  char *text = tcad_malloc(cap);
  if (!text) {
    fclose(f);
    return TCAD_ERR_MEM;
  }
  for (;;) {
    size_t got = fread(text + len, 1, cap - len, f);
    len += got;
    if (len < cap) break;
    char *grown = realloc(text, cap * 2);
    if (!grown) {
      free(text);
      fclose(f);
      return tcad_error(TCAD_ERR_MEM, "out of memory reading deck '%s'", path);
    }
    text = grown;
    cap *= 2;
  }
  if (ferror(f)) {
    int e = errno;
    free(text);
    fclose(f);
    return tcad_error(TCAD_ERR_IO, "cannot read deck '%s': %s", path, strerror(e));
  }
  fclose(f);

  char dir[TCAD_PATH_MAX];
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else if (slash == path)
    snprintf(dir, sizeof dir, "/");
  else
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  int rc = deck_load(text, len, path, dir, deck);
  free(text);
  return rc;
}

int TcadDeckLoadString(const char *text, const char *name, TcadDeck **deck)
{
  *deck = NULL;
  if (!text) return tcad_error(TCAD_ERR_USAGE, "no deck text given");
  /* a deck from a string has no folder: relative mesh files are taken from the working directory */
  return deck_load(text, strlen(text), name && *name ? name : "<string>", ".", deck);
}

void TcadDeckDestroy(TcadDeck **deck)
{
  if (!deck || !*deck) return;
  TcadDeck *d = *deck;
  for (int a = 0; a < 3; a++) free(d->mesh.lines[a]);
  free(d->regions);
  free(d->contacts);
  free(d->doping);
  free(d->materials);
  free(d->interfaces);
  free(d->steps);
  free(d);
  *deck = NULL;
}

const TcadMaterial *TcadDeckGetMaterial(const TcadDeck *deck, const char *name)
{
  if (!deck || !name) return NULL;
  int i = deck_find_material(deck, deck->nmaterials, name);
  return i >= 0 ? &deck->materials[i] : NULL;
}

const char *TcadDeckWhere(const TcadDeck *deck, TcadSrcLoc loc)
{
  static char buf[TCAD_PATH_MAX + 32];
  const char *name = deck ? deck->path : "<deck>";
  if (loc.line > 0)
    snprintf(buf, sizeof buf, "%s:%d:%d", name, loc.line, loc.col);
  else
    snprintf(buf, sizeof buf, "%s", name);
  return buf;
}
