/* The deck's `solve:` section (equilibrium, bias points and sweeps, in order) and its
 * `output:` section (where fields and the IV table go). Schema: docs/deck.md. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/deck_internal.h"
#include "tcad/output.h"

static const char *const deck_step_kinds[] = {"equilibrium", "bias", "sweep", "breakdown", "save", "load", NULL};
static const char *const deck_save_keys[] = {"file", NULL};
static const char *const deck_load_keys[] = {"file", "step", NULL};
static const char *const deck_sweep_keys[] = {"contact", "to", "current", "step", "min_step", "max_step", NULL};
static const char *const deck_breakdown_keys[] = {"contact", "to", "step", "min_step", "max_step", "current", NULL};
static const char *const deck_output_keys[] = {"directory", "fields", "iv", "quantities", "fields_every", NULL};

const char *const tcad_output_quantities[] = {"potential",
                                              "electron_density",
                                              "hole_density",
                                              "electron_qf_potential",
                                              "hole_qf_potential",
                                              "electric_field_magnitude",
                                              "electron_current_density",
                                              "hole_current_density",
                                              "recombination",
                                              "electron_temperature",
                                              "hole_temperature",
                                              "electron_velocity",
                                              "hole_velocity",
                                              "electron_energy_flux",
                                              "hole_energy_flux",
                                              "impact_generation_electrons",
                                              "impact_generation_holes",
                                              "impact_generation",
                                              "hot_carrier_injection",
                                              NULL};

int TcadDeckWantsQuantity(const TcadDeck *deck, const char *name)
{
  for (int k = 0; tcad_output_quantities[k]; k++)
    if (!strcmp(tcad_output_quantities[k], name)) return (int)((deck->output.quantities >> k) & 1UL);
  return 0;
}

/* A contact name in a solve step. */
static int deck_step_contact(TcadDeckCtx *c, const yaml_node_t *n, const char *path, TcadSolveStep *s)
{
  TcadDeck *d = c->deck;
  char *name = s->contact[s->ncontacts];
  TCAD_CALL(tcad_deck_str(c, n, path, "a contact name", name, TCAD_NAME_MAX));
  if (tcad_deck_find_contact(d, name) < 0)
    TCAD_CALL(tcad_deck_unknown_name(c, n, path, "contact", name, d, d->ncontacts, tcad_deck_name_contact));
  for (int j = 0; j < s->ncontacts; j++)
    if (!strcmp(s->contact[j], name))
      return TCAD_DECK_FAIL(c, n, "contact '%s' appears twice in '%s'; expected each contact once", name, path);
  s->ncontacts++;
  return 0;
}

static int deck_sweep(TcadDeckCtx *c, const yaml_node_t *n, const char *path, TcadSolveStep *s)
{
  yaml_node_t *con, *to, *step;
  char pk[TCAD_DECK_PATH + 16], pi[TCAD_DECK_PATH + 24], b[128];
  const int bd = s->kind == TCAD_STEP_BREAKDOWN;
  TCAD_CALL(tcad_deck_expect_map(
      c, n, path, bd ? "{contact: cathode, to: 100, step: 1, current: 1e-3}" : "{contact: gate, to: 1.5, step: 0.05}"));
  TCAD_CALL(tcad_deck_keys(c, n, path, bd ? deck_breakdown_keys : deck_sweep_keys));
  TCAD_CALL(tcad_deck_need(c, n, path, "contact", "the contact (or list of contacts) to sweep", &con));
  if (bd) {
    yaml_node_t *cur;
    TCAD_CALL(tcad_deck_need(c, n, path, "current",
                             "the breakdown criterion, the contact current (A/cm^2 in 1D, A/cm in 2D, A in 3D; > 0)",
                             &cur));
    tcad_deck_path(pk, sizeof pk, path, "current");
    TCAD_CALL(tcad_deck_num(c, cur, pk, "A", &s->current));
    TCAD_CALL(tcad_deck_positive(c, cur, pk, s->current, "A"));
    if (con->type == YAML_SEQUENCE_NODE)
      return TCAD_DECK_FAIL(c, con, "'%s.contact' is a list; expected the one contact whose breakdown is traced", path);
  }
  yaml_node_t *icur = bd ? NULL : tcad_deck_get(c, n, "current", NULL);
  if (icur) { /* a sweep in current: one contact, logarithmic steps in decades */
    if (tcad_deck_get(c, n, "to", NULL))
      return TCAD_DECK_FAIL(c, icur,
                            "'%s' has both 'to' (an end voltage) and 'current' (an end current); expected one of "
                            "them",
                            path);
    if (con->type == YAML_SEQUENCE_NODE)
      return TCAD_DECK_FAIL(c, con, "'%s.contact' is a list; a sweep in current drives one contact", path);
    tcad_deck_path(pk, sizeof pk, path, "current");
    TCAD_CALL(tcad_deck_num(c, icur, pk, "A", &s->value[0]));
    if (s->value[0] == 0)
      return TCAD_DECK_FAIL(c, icur,
                            "'%s' is 0; expected a non-zero end current (A/cm^2 in 1D, A/cm in 2D, A in 3D; the "
                            "sign is that of the current into the device)",
                            pk);
    s->in_current = 1;
    to = icur;
  } else {
    TCAD_CALL(tcad_deck_need(c, n, path, "to", "the end voltage (V; a list, one per contact)", &to));
  }
  const char *su = s->in_current ? "decades" : "V";
  TCAD_CALL(tcad_deck_need(
      c, n, path, "step",
      s->in_current ? "the initial current step (decades, > 0)" : "the initial voltage step (V, > 0)", &step));
  tcad_deck_path(pk, sizeof pk, path, "contact");
  if (con->type == YAML_SEQUENCE_NODE) {
    int count = tcad_deck_len(con);
    if (count < 1 || count > TCAD_MAX_SWEEP_CONTACTS)
      return TCAD_DECK_FAIL(c, con, "'%s' lists %d contacts; expected 1 to %d", pk, count, TCAD_MAX_SWEEP_CONTACTS);
    for (int j = 0; j < count; j++) {
      tcad_deck_path_index(pi, sizeof pi, pk, j);
      TCAD_CALL(deck_step_contact(c, tcad_deck_item(c, con, j), pi, s));
    }
  } else {
    TCAD_CALL(deck_step_contact(c, con, pk, s));
  }
  tcad_deck_path(pk, sizeof pk, path, "to");
  if (s->in_current) {
    /* value[0] holds the end current */
  } else if (to->type == YAML_SEQUENCE_NODE) {
    if (tcad_deck_len(to) != s->ncontacts)
      return TCAD_DECK_FAIL(c, to, "'%s' has %d value%s for %d contact%s; expected one end voltage per contact", pk,
                            tcad_deck_len(to), tcad_deck_len(to) == 1 ? "" : "s", s->ncontacts,
                            s->ncontacts == 1 ? "" : "s");
    for (int j = 0; j < s->ncontacts; j++) {
      tcad_deck_path_index(pi, sizeof pi, pk, j);
      TCAD_CALL(tcad_deck_num(c, tcad_deck_item(c, to, j), pi, "V", &s->value[j]));
    }
  } else if (s->ncontacts == 1) {
    TCAD_CALL(tcad_deck_num(c, to, pk, "V", &s->value[0]));
  } else {
    return TCAD_DECK_FAIL(c, to, "'%s' is %s; expected a list of %d end voltages, one per contact", pk,
                          tcad_deck_what(to, b, sizeof b), s->ncontacts);
  }
  tcad_deck_path(pk, sizeof pk, path, "step");
  TCAD_CALL(tcad_deck_num(c, step, pk, su, &s->step));
  TCAD_CALL(tcad_deck_positive(c, step, pk, s->step, su));
  yaml_node_t *vmin, *vmax;
  TCAD_CALL(tcad_deck_get_num(c, n, path, "min_step", su, &s->min_step, &vmin));
  tcad_deck_path(pk, sizeof pk, path, "min_step");
  if (vmin) TCAD_CALL(tcad_deck_positive(c, vmin, pk, s->min_step, su));
  TCAD_CALL(tcad_deck_get_num(c, n, path, "max_step", su, &s->max_step, &vmax));
  tcad_deck_path(pk, sizeof pk, path, "max_step");
  if (vmax) TCAD_CALL(tcad_deck_positive(c, vmax, pk, s->max_step, su));
  if (vmin && vmax && s->min_step > s->max_step)
    return TCAD_DECK_FAIL(c, vmin, "'%s.min_step' (%g) is above 'max_step' (%g); expected min_step <= max_step", path,
                          s->min_step, s->max_step);
  if (vmin && s->step < s->min_step)
    return TCAD_DECK_FAIL(c, step, "'%s.step' (%g) is below 'min_step' (%g); expected min_step <= step", path, s->step,
                          s->min_step);
  if (vmax && s->step > s->max_step)
    return TCAD_DECK_FAIL(c, step, "'%s.step' (%g) is above 'max_step' (%g); expected step <= max_step", path, s->step,
                          s->max_step);
  return 0;
}

/* A file the run writes: a name inside the output folder (relative, no '..', not a folder). */
static int deck_inside_folder(TcadDeckCtx *c, const yaml_node_t *at, const char *key, const char *p, const char *eg)
{
  int up = 0;
  for (const char *q = p; *q;) {
    const size_t len = strcspn(q, "/");
    up |= len == 2 && !strncmp(q, "..", 2);
    q += len + (q[len] == '/');
  }
  if (p[0] == '/' || up || !p[0] || p[strlen(p) - 1] == '/')
    return TCAD_DECK_FAIL(c, at,
                          "'%s' is '%s': %s; expected a file name inside the output folder (output.directory or "
                          "-o DIR), e.g. %s",
                          key, p,
                          p[0] == '/' ? "an absolute path"
                          : up        ? "it leaves the output folder ('..')"
                                      : "a folder, not a file",
                          eg);
  return 0;
}

int tcad_deck_solve(TcadDeckCtx *c, const yaml_node_t *n)
{
  TcadDeck *d = c->deck;
  TCAD_CALL(tcad_deck_expect_list(c, n, "solve", "steps such as '- equilibrium: {}'"));
  int count = tcad_deck_len(n);
  if (!count) return 0;
  TCAD_ALLOC(d->steps, count);
  for (int i = 0; i < count; i++) {
    yaml_node_t *it = tcad_deck_item(c, n, i);
    TcadSolveStep *s = &d->steps[i];
    char p[TCAD_DECK_PATH], pk[TCAD_DECK_PATH + 16], b[128], list[TCAD_DECK_LIST];
    int kind;
    tcad_deck_path_index(p, sizeof p, "solve", i);
    tcad_deck_join(deck_step_kinds, 6, tcad_deck_name_str, list, sizeof list);
    if (it->type != YAML_MAPPING_NODE || tcad_deck_len(it) != 1)
      return TCAD_DECK_FAIL(
          c, it, "'%s' is %s; expected a one-key mapping with one of: %s (e.g. '- equilibrium: {}')", p,
          it->type == YAML_MAPPING_NODE ? "a mapping with several keys" : tcad_deck_what(it, b, sizeof b), list);
    TCAD_CALL(tcad_deck_keys(c, it, p, deck_step_kinds));
    yaml_node_t *k = tcad_deck_node(c, it->data.mapping.pairs.start[0].key),
                *v = tcad_deck_node(c, it->data.mapping.pairs.start[0].value);
    for (kind = 0; !tcad_deck_scalar_is(k, deck_step_kinds[kind]); kind++) continue;
    s->kind = (TcadStepKind)kind;
    s->loc = tcad_deck_loc(k);
    d->nsteps = i + 1;
    tcad_deck_path(pk, sizeof pk, p, deck_step_kinds[kind]);
    if (s->kind == TCAD_STEP_EQUILIBRIUM) {
      if (!tcad_deck_is_null(v) && !(v->type == YAML_MAPPING_NODE && tcad_deck_len(v) == 0))
        return TCAD_DECK_FAIL(c, v, "'%s' is %s; expected nothing ('equilibrium: {}')", pk,
                              tcad_deck_what(v, b, sizeof b));
    } else if (s->kind == TCAD_STEP_BIAS) {
      TCAD_CALL(tcad_deck_expect_map(c, v, pk, "{drain: 0.05}"));
      TCAD_CALL(tcad_deck_keys(c, v, pk, NULL));
      int nc = tcad_deck_len(v);
      if (nc < 1 || nc > TCAD_MAX_SWEEP_CONTACTS)
        return TCAD_DECK_FAIL(c, v, "'%s' sets %d contacts; expected 1 to %d 'contact: voltage' entries", pk, nc,
                              TCAD_MAX_SWEEP_CONTACTS);
      for (int j = 0; j < nc; j++) {
        yaml_node_t *ck = tcad_deck_node(c, v->data.mapping.pairs.start[j].key),
                    *cv = tcad_deck_node(c, v->data.mapping.pairs.start[j].value);
        char pv[TCAD_DECK_PATH + 96];
        TCAD_CALL(deck_step_contact(c, ck, pk, s));
        snprintf(pv, sizeof pv, "%s.%s", pk, s->contact[j]);
        TCAD_CALL(tcad_deck_num(c, cv, pv, "V", &s->value[j]));
        TCAD_CALL(tcad_deck_in_range(c, cv, pv, s->value[j], -1e4, 1e4, "V",
                                     "a bias step is a jump from the present voltage; a sweep ramps to a higher one"));
      }
    } else if (s->kind == TCAD_STEP_SAVE || s->kind == TCAD_STEP_LOAD) {
      const int save = s->kind == TCAD_STEP_SAVE;
      TCAD_CALL(tcad_deck_expect_map(c, v, pk, save ? "{file: state.h5}" : "{file: other/fields.h5, step: 12}"));
      TCAD_CALL(tcad_deck_keys(c, v, pk, save ? deck_save_keys : deck_load_keys));
      yaml_node_t *f = tcad_deck_get(c, v, "file", NULL);
      if (!f)
        return TCAD_DECK_FAIL(c, v, "'%s' has no 'file'; expected %s", pk,
                              save ? "the file to write, e.g. {file: state.h5}"
                                   : "a field file of a run of this device, e.g. {file: other/fields.h5}");
      char pf[TCAD_DECK_PATH + 16], name[TCAD_PATH_MAX];
      tcad_deck_path(pf, sizeof pf, pk, "file");
      TCAD_CALL(tcad_deck_str(c, f, pf, save ? "a file name" : "a file path", name, sizeof name));
      if (save) {
        TCAD_CALL(deck_inside_folder(c, f, pf, name, "state.h5 or states/vg1.h5"));
        snprintf(s->file, sizeof s->file, "%s", name);
      } else {
        /* from the deck's folder, as mesh.file */
        const int len = name[0] != '/' && strcmp(d->dir, ".") ? snprintf(s->file, sizeof s->file, "%s/%s", d->dir, name)
                                                              : snprintf(s->file, sizeof s->file, "%s", name);
        if (len < 0 || (size_t)len >= sizeof s->file)
          return TCAD_DECK_FAIL(c, f, "'%s' is too long with the deck's folder before it", pf);
        s->load_step = -1;
        yaml_node_t *sv = tcad_deck_get(c, v, "step", NULL);
        if (sv) {
          double st;
          tcad_deck_path(pf, sizeof pf, pk, "step");
          TCAD_CALL(tcad_deck_num(c, sv, pf, NULL, &st));
          if (!(st >= 0 && st < 1e6 && st == floor(st)))
            return TCAD_DECK_FAIL(c, sv,
                                  "'%s' is %g; expected the index of a step of the file (0, 1, ...; its "
                                  "/steps groups), or no 'step' for its last",
                                  pf, st);
          s->load_step = (int)st;
        }
      }
    } else {
      TCAD_CALL(deck_sweep(c, v, pk, s));
    }
  }
  return 0;
}

int tcad_deck_output(TcadDeckCtx *c, const yaml_node_t *n)
{
  TcadOutputSpec *o = &c->deck->output;
  yaml_node_t *v;
  if (!n) return 0;
  TCAD_CALL(tcad_deck_expect_map(c, n, "output", "{directory: out, fields: fields.h5, iv: iv.csv}"));
  TCAD_CALL(tcad_deck_keys(c, n, "output", deck_output_keys));
  o->loc = tcad_deck_loc(n);
  if ((v = tcad_deck_get(c, n, "directory", NULL)))
    TCAD_CALL(tcad_deck_str(c, v, "output.directory", "a directory path", o->directory, sizeof o->directory));
  if ((v = tcad_deck_get(c, n, "fields", NULL)))
    TCAD_CALL(tcad_deck_str(c, v, "output.fields", "an HDF5 file name", o->fields, sizeof o->fields));
  if ((v = tcad_deck_get(c, n, "iv", NULL)))
    TCAD_CALL(tcad_deck_str(c, v, "output.iv", "a CSV file name", o->iv, sizeof o->iv));
  if ((v = tcad_deck_get(c, n, "quantities", NULL))) {
    TCAD_CALL(tcad_deck_expect_list(c, v, "output.quantities",
                                    "the node fields to write per bias point, e.g. [potential, electron_density]"));
    o->quantities = 0;
    for (int i = 0; i < tcad_deck_len(v); i++) {
      char pi[TCAD_DECK_PATH];
      int q;
      tcad_deck_path_index(pi, sizeof pi, "output.quantities", i);
      TCAD_CALL(tcad_deck_enum(c, tcad_deck_item(c, v, i), pi, tcad_output_quantities, &q));
      o->quantities |= 1UL << q;
    }
  }
  if ((v = tcad_deck_get(c, n, "fields_every", NULL))) {
    double k;
    TCAD_CALL(tcad_deck_num(c, v, "output.fields_every", NULL, &k));
    if (!(k >= 1 && k <= 1e9 && k == floor(k)))
      return TCAD_DECK_FAIL(c, v,
                            "'output.fields_every' is %g; expected a whole number >= 1 (1: the node fields of every "
                            "bias point; N: of a solve step's first point, every N-th after it and its last)",
                            k);
    o->fields_every = (int)k;
  }
  /* inside the output folder: relative, no '..' */
  const char *const keys[2] = {"output.fields", "output.iv"}, *const vals[2] = {o->fields, o->iv};
  for (int k = 0; k < 2; k++) {
    yaml_node_t *at = tcad_deck_get(c, n, keys[k] + 7, NULL);
    TCAD_CALL(deck_inside_folder(c, at ? at : n, keys[k], vals[k],
                                 k ? "iv.csv or tables/iv.csv" : "fields.h5 or fields/run.h5"));
  }
  /* the files a run writes in the folder must be distinct: fields, its XDMF, iv, summary.json
   * (and the temporary names the XDMF and the summary are written under before their rename) */
  char xdmf[TCAD_PATH_MAX], xtmp[TCAD_PATH_MAX + 8];
  yaml_node_t *fnode = tcad_deck_get(c, n, "fields", NULL);
  if (TcadOutputXdmfName(o->fields, xdmf, sizeof xdmf))
    return TCAD_DECK_FAIL(c, fnode ? fnode : n,
                          "'output.fields' is too long for its XDMF name; expected a shorter file name");
  snprintf(xtmp, sizeof xtmp, "%s.tmp", xdmf);
  const char *name[6] = {o->fields, xdmf, o->iv, "summary.json", xtmp, "summary.json.tmp"};
  static const char *const what[6] = {
      "output.fields",   "the XDMF index beside output.fields", "output.iv",
      "the run summary", "the XDMF index's temporary name",     "the run summary's temporary name"};
  for (int a = 0; a < 6; a++)
    for (int b = a + 1; b < 6; b++) {
      const char *x = name[a], *y = name[b];
      while (!strncmp(x, "./", 2)) x += 2;
      while (!strncmp(y, "./", 2)) y += 2;
      if (strcmp(x, y)) continue;
      yaml_node_t *at = b == 2 ? tcad_deck_get(c, n, "iv", NULL) : fnode;
      return TCAD_DECK_FAIL(c, at ? at : n,
                            "%s and %s would both be '%s'; expected distinct names (a run writes fields.h5, "
                            "fields.xdmf beside it, iv.csv and summary.json; 'fields' names an HDF5 file such as "
                            "out.h5)",
                            what[a], what[b], name[a]);
    }
  return 0;
}
