/* summary.json of a run, read back for the extraction (io/extract.c): through libyaml, since
 * JSON is YAML 1.2's flow syntax; its size and nesting are checked before libyaml reads it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "io/extract_internal.h"
#include "tcad/error.h"

/* summary.json is a few kilobytes; this bounds what a wrong file can cost */
#define TCAD_EXTRACT_MAX_SUMMARY_BYTES (16u << 20)
#define TCAD_EXTRACT_MAX_JSON_DEPTH 32

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

int tcad_extract_summary_read(const char *path, TcadExtract *x)
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
