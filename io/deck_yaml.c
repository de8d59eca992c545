/* YAML access for the deck parser: node lookup, strict keys, numbers, strings and enum values,
 * and the one message form every deck error takes, "FILE:LINE:COL: what is wrong; what was
 * expected" (1-based positions). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/deck_internal.h"

/* ---- messages ---- */

int tcad_deck_fail_at(const TcadDeckCtx *c, const yaml_node_t *n, const char *file, int line, const char *func,
                      const char *fmt, ...)
{
  yaml_mark_t mark = {0, 0, 0};
  char msg[3072];
  va_list ap;
  if (n) mark = n->start_mark;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return tcad_error_raise(file, line, func, TCAD_ERR_INPUT, "%s:%d:%d: %s", c->name, (int)mark.line + 1,
                          (int)mark.column + 1, msg);
}

TcadSrcLoc tcad_deck_loc(const yaml_node_t *n)
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
  if (written < 0)
    buf[0] = 0;
  else if ((size_t)written >= cap)
    buf[cap - 1] = 0;
}

/* "'doping[0]'" or "the top level": names the mapping that holds a key. */
static const char *deck_in(const char *path, char *buf, size_t cap)
{
  if (!path[0]) return "the top level";
  deck_fit(buf, cap, snprintf(buf, cap, "'%s'", path));
  return buf;
}

void tcad_deck_path(char *out, size_t cap, const char *path, const char *key)
{
  if (path[0])
    deck_fit(out, cap, snprintf(out, cap, "%s.%s", path, key));
  else
    deck_fit(out, cap, snprintf(out, cap, "%s", key));
}

void tcad_deck_path_index(char *out, size_t cap, const char *path, int i)
{
  deck_fit(out, cap, snprintf(out, cap, "%s[%d]", path, i));
}

int tcad_deck_is_null(const yaml_node_t *n)
{
  if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
  const char *v = (const char *)n->data.scalar.value;
  return !v[0] || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

const char *tcad_deck_what(const yaml_node_t *n, char *buf, size_t cap)
{
  if (n->type == YAML_MAPPING_NODE) return "a mapping";
  if (n->type == YAML_SEQUENCE_NODE) return "a list";
  if (tcad_deck_is_null(n)) return "empty";
  const char *v = (const char *)n->data.scalar.value;
  int quoted = n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
  snprintf(buf, cap, "%s'%.60s%s'", quoted ? "the quoted string " : "", v, strlen(v) > 60 ? "..." : "");
  return buf;
}

/* A name that must be in a list of defined names (materials, regions, contacts). */
int tcad_deck_unknown_name(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *what, const char *name,
                           const void *list, int count, TcadDeckNameAt at)
{
  char names[TCAD_DECK_LIST];
  if (!count)
    return TCAD_DECK_FAIL(c, n, "unknown %s '%s' in '%s'; expected one of the deck's %ss, but it defines none", what,
                          name, path, what);
  const char *near = tcad_deck_suggest(name, list, count, at);
  tcad_deck_join(list, count, at, names, sizeof names);
  if (near)
    return TCAD_DECK_FAIL(c, n, "unknown %s '%s' in '%s'; did you mean '%s'? (defined: %s)", what, name, path, near,
                          names);
  return TCAD_DECK_FAIL(c, n, "unknown %s '%s' in '%s'; expected one of: %s", what, name, path, names);
}

/* ---- node access ---- */

yaml_node_t *tcad_deck_node(TcadDeckCtx *c, int index) { return yaml_document_get_node(&c->doc, index); }

int tcad_deck_len(const yaml_node_t *n)
{
  if (n->type == YAML_SEQUENCE_NODE) return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
  if (n->type == YAML_MAPPING_NODE) return (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
  return 0;
}

yaml_node_t *tcad_deck_item(TcadDeckCtx *c, const yaml_node_t *seq, int i)
{
  return tcad_deck_node(c, seq->data.sequence.items.start[i]);
}

int tcad_deck_scalar_is(const yaml_node_t *n, const char *s)
{
  return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length == strlen(s) &&
         !memcmp(n->data.scalar.value, s, n->data.scalar.length);
}

yaml_node_t *tcad_deck_get(TcadDeckCtx *c, const yaml_node_t *map, const char *key, yaml_node_t **keynode)
{
  if (keynode) *keynode = NULL;
  if (!map || map->type != YAML_MAPPING_NODE) return NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = tcad_deck_node(c, p->key);
    if (tcad_deck_scalar_is(k, key)) {
      if (keynode) *keynode = k;
      return tcad_deck_node(c, p->value);
    }
  }
  return NULL;
}

int tcad_deck_expect_map(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *example)
{
  char b[128];
  if (n->type == YAML_MAPPING_NODE) return 0;
  return TCAD_DECK_FAIL(c, n, "'%s' is %s; expected a mapping%s%s", path, tcad_deck_what(n, b, sizeof b),
                        example ? " such as " : "", example ? example : "");
}

int tcad_deck_expect_list(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *what)
{
  char b[128];
  if (n->type == YAML_SEQUENCE_NODE) return 0;
  return TCAD_DECK_FAIL(c, n, "'%s' is %s; expected a list of %s", path, tcad_deck_what(n, b, sizeof b), what);
}

int tcad_deck_keys(TcadDeckCtx *c, const yaml_node_t *map, const char *path, const char *const *keys)
{
  char in[TCAD_DECK_PATH + 8], b[128], list[TCAD_DECK_LIST];
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = tcad_deck_node(c, p->key);
    if (!k) return tcad_error(TCAD_ERR_INTERNAL, "%s: YAML key without a node", c->name);
    if (k->type != YAML_SCALAR_NODE || tcad_deck_is_null(k) ||
        strlen((const char *)k->data.scalar.value) != k->data.scalar.length)
      return TCAD_DECK_FAIL(c, k, "a key in %s is %s; expected a plain name", deck_in(path, in, sizeof in),
                            tcad_deck_what(k, b, sizeof b));
    const char *key = (const char *)k->data.scalar.value;
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
      yaml_node_t *prev = tcad_deck_node(c, q->key);
      if (tcad_deck_scalar_is(prev, key))
        return TCAD_DECK_FAIL(c, k, "duplicate key '%.100s' in %s (first given at %d:%d); expected each key once", key,
                              deck_in(path, in, sizeof in), (int)prev->start_mark.line + 1,
                              (int)prev->start_mark.column + 1);
    }
    if (!keys) continue;
    int known = 0;
    for (int i = 0; keys[i]; i++) known |= !strcmp(keys[i], key);
    if (known) continue;
    int n = tcad_deck_count(keys);
    /* "key:value" without a space is one plain scalar in YAML: say so rather than list keys */
    const char *colon = strchr(key, ':');
    for (int i = 0; colon && keys[i]; i++)
      if (strlen(keys[i]) == (size_t)(colon - key) && !strncmp(keys[i], key, (size_t)(colon - key)))
        return TCAD_DECK_FAIL(c, k, "unknown key '%.100s' in %s; expected '%s: %.60s' (YAML needs a space after ':')",
                              key, deck_in(path, in, sizeof in), keys[i], colon + 1);
    const char *near = tcad_deck_suggest(key, keys, n, tcad_deck_name_str);
    if (near)
      return TCAD_DECK_FAIL(c, k, "unknown key '%.100s' in %s; did you mean '%s'?", key, deck_in(path, in, sizeof in),
                            near);
    return TCAD_DECK_FAIL(c, k, "unknown key '%.100s' in %s; valid keys: %s", key, deck_in(path, in, sizeof in),
                          tcad_deck_join(keys, n, tcad_deck_name_str, list, sizeof list));
  }
  return 0;
}

int tcad_deck_need(TcadDeckCtx *c, const yaml_node_t *map, const char *path, const char *key, const char *expect,
                   yaml_node_t **val)
{
  char in[TCAD_DECK_PATH + 8];
  *val = tcad_deck_get(c, map, key, NULL);
  if (*val) return 0;
  return TCAD_DECK_FAIL(c, map, "missing key '%s' in %s; expected %s", key, deck_in(path, in, sizeof in), expect);
}

/* ---- scalars ---- */

int tcad_deck_num(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *unit, double *out)
{
  char b[128];
  if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tcad_deck_is_null(n)) {
    const char *s = (const char *)n->data.scalar.value;
    char *end;
    /* strtod also reads hex floats, "inf" and "nan": none of them is a deck number */
    double v = strtod(s, &end);
    if (end != s && !*end && strlen(s) == n->data.scalar.length && isfinite(v) && !strpbrk(s, "xX")) {
      *out = v;
      return 0;
    }
  }
  return TCAD_DECK_FAIL(c, n, "'%s' is %s; expected a number%s%s%s", path, tcad_deck_what(n, b, sizeof b),
                        unit ? " (" : "", unit ? unit : "", unit ? ")" : "");
}

int tcad_deck_positive(TcadDeckCtx *c, const yaml_node_t *n, const char *path, double v, const char *unit)
{
  if (v > 0) return 0;
  return TCAD_DECK_FAIL(c, n, "'%s' is %g; expected a positive number (%s)", path, v, unit);
}

int tcad_deck_in_range(TcadDeckCtx *c, const yaml_node_t *n, const char *path, double v, double lo, double hi,
                       const char *unit, const char *why)
{
  if (v >= lo && v <= hi) return 0;
  const char *u = unit && strcmp(unit, "1") ? unit : "", *sp = u[0] ? " " : ""; /* no unit for a plain number */
  return TCAD_DECK_FAIL(c, n, "'%s' is %g%s%s; expected %g to %g%s%s (%s)", path, v, sp, u, lo, hi, sp, u, why);
}

int tcad_deck_nonnegative(TcadDeckCtx *c, const yaml_node_t *n, const char *path, double v, const char *unit)
{
  if (v >= 0) return 0;
  return TCAD_DECK_FAIL(c, n, "'%s' is %g; expected a number >= 0 (%s)", path, v, unit);
}

int tcad_deck_get_num(TcadDeckCtx *c, const yaml_node_t *map, const char *path, const char *key, const char *unit,
                      double *out, yaml_node_t **val)
{
  char p[TCAD_DECK_PATH];
  yaml_node_t *v = tcad_deck_get(c, map, key, NULL);
  if (val) *val = v;
  if (!v) return 0;
  tcad_deck_path(p, sizeof p, path, key);
  TCAD_CALL(tcad_deck_num(c, v, p, unit, out));
  return 0;
}

int tcad_deck_str(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *what, char *out, size_t cap)
{
  char b[128];
  if (n->type != YAML_SCALAR_NODE || tcad_deck_is_null(n) || !n->data.scalar.length)
    return TCAD_DECK_FAIL(c, n, "'%s' is %s; expected %s", path, tcad_deck_what(n, b, sizeof b), what);
  const char *s = (const char *)n->data.scalar.value;
  if (strlen(s) != n->data.scalar.length)
    return TCAD_DECK_FAIL(c, n, "'%s' contains a NUL character; expected %s", path, what);
  if (n->data.scalar.length >= cap)
    return TCAD_DECK_FAIL(c, n, "'%s' is %zu characters long; expected %s of at most %zu characters", path,
                          n->data.scalar.length, what, cap - 1);
  memcpy(out, s, n->data.scalar.length + 1);
  return 0;
}

int tcad_deck_entity_name(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *name)
{
  static const char bad[] = "/\\,\"'<>&";
  if (!strcmp(name, ".") || !strcmp(name, ".."))
    return TCAD_DECK_FAIL(c, n, "'%s' is '%s'; expected a name (letters, digits, '_', '-', '.')", path, name);
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    if (!(*p < 0x20 || *p == 0x7f || strchr(bad, *p))) continue;
    char what[32];
    if (*p < 0x20 || *p == 0x7f)
      snprintf(what, sizeof what, "control character %d", *p);
    else
      snprintf(what, sizeof what, "character '%c'", *p);
    return TCAD_DECK_FAIL(c, n,
                          "'%s' is '%s': the %s cannot be in a name (names become HDF5 datasets, IV table columns "
                          "and XDMF attributes: no / \\ , \" ' < > & or control characters); use letters, digits, "
                          "'_', '-' or '.'",
                          path, name, what);
  }
  return 0;
}

int tcad_deck_enum(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *const *names, int *out)
{
  char b[128], list[TCAD_DECK_LIST];
  int count = tcad_deck_count(names);
  tcad_deck_join(names, count, tcad_deck_name_str, list, sizeof list);
  if (n->type != YAML_SCALAR_NODE || tcad_deck_is_null(n))
    return TCAD_DECK_FAIL(c, n, "'%s' is %s; expected one of: %s", path, tcad_deck_what(n, b, sizeof b), list);
  const char *s = (const char *)n->data.scalar.value;
  for (int i = 0; i < count; i++)
    if (tcad_deck_ieq(s, names[i]) && strlen(s) == n->data.scalar.length) {
      *out = i;
      return 0;
    }
  const char *near = tcad_deck_suggest(s, names, count, tcad_deck_name_str);
  if (near)
    return TCAD_DECK_FAIL(c, n, "invalid value '%.60s' for '%s'; did you mean '%s'? (expected one of: %s)", s, path,
                          near, list);
  return TCAD_DECK_FAIL(c, n, "invalid value '%.60s' for '%s'; expected one of: %s", s, path, list);
}
