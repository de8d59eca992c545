/* The deck's `materials:` section (overrides of the built-in parameter sets, and new materials
 * derived from one with `base:`) and its `physics:` section (transport and models). Schema:
 * docs/deck.md; the built-ins and the overridable fields are in io/materials.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/deck_internal.h"

static const char *const deck_physics_keys[] = {
    "transport",     "temperature",   "statistics",        "mobility",    "high_field",
    "driving_force", "recombination", "impact_ionization", "hot_carrier", NULL};
static const char *const deck_transports[] = {"drift-diffusion", "energy-balance", "energy-balance-electrons", NULL};
static const char *const deck_statistics[] = {"boltzmann", "fermi", NULL};
static const char *const deck_mobilities[] = {"constant", "caughey-thomas", "masetti", NULL};
static const char *const deck_high_fields[] = {"none", "canali", "hansch", NULL};
static const char *const deck_driving_forces[] = {"joule", "quasi-fermi", "field", NULL};
static const char *const deck_recombinations[] = {"srh", "auger", NULL};
static const char *const deck_impacts[] = {"none", "vanoverstraeten", "selberherr", "okuto", NULL};
static const char *const deck_hot_carriers[] = {"none", "lucky-electron", "fiegna", "auto", NULL};

int tcad_deck_find_material(const TcadDeck *d, int count, const char *name)
{
  for (int i = 0; i < count; i++)
    if (tcad_deck_ieq(d->materials[i].name, name)) return i;
  return -1;
}

const TcadMaterial *TcadDeckGetMaterial(const TcadDeck *deck, const char *name)
{
  if (!deck || !name) return NULL;
  int i = tcad_deck_find_material(deck, deck->nmaterials, name);
  return i >= 0 ? &deck->materials[i] : NULL;
}

/* Sign rule of a material field: 0 any sign (affinity), 1 >= 0 (zero is meaningful), 2 > 0. */
static int deck_field_sign(const char *key)
{
  static const char *const any[] = {"affinity", "tauw_t1", "tauw_t2", "okuto_c", "okuto_d", NULL};
  static const char *const nonneg[] = {"ni",    "ct_mumin", "ms_mumin1", "ms_mumin2", "ms_mu1",
                                       "ms_pc", "taumin",   "tau_gamma", "auger",     NULL};
  for (int i = 0; any[i]; i++)
    if (!strcmp(any[i], key)) return 0;
  for (int i = 0; nonneg[i]; i++)
    if (!strcmp(nonneg[i], key)) return 1;
  return 2;
}

static int deck_material_value(TcadDeckCtx *c, const yaml_node_t *v, const char *path, const TcadMaterialField *f,
                               TcadMaterial *m)
{
  double *dst = (double *)((char *)m + f->offset), val[2];
  int sign = deck_field_sign(f->key);
  if (f->count == 2) {
    char b[128];
    if (v->type != YAML_SEQUENCE_NODE || tcad_deck_len(v) != 2)
      return TCAD_DECK_FAIL(c, v, "'%s' is %s; expected a list [electron, hole] of two numbers (%s)", path,
                            v->type == YAML_SEQUENCE_NODE ? "a list of another length" : tcad_deck_what(v, b, sizeof b),
                            f->unit);
  }
  for (int i = 0; i < f->count; i++) {
    char pi[TCAD_DECK_PATH + 8];
    const yaml_node_t *e = f->count == 2 ? tcad_deck_item(c, v, i) : v;
    if (f->count == 2)
      tcad_deck_path_index(pi, sizeof pi, path, i);
    else
      snprintf(pi, sizeof pi, "%s", path);
    TCAD_CALL(tcad_deck_num(c, e, pi, f->unit, &val[i]));
    if (sign == 2) TCAD_CALL(tcad_deck_positive(c, e, pi, val[i], f->unit));
    if (sign == 1) TCAD_CALL(tcad_deck_nonnegative(c, e, pi, val[i], f->unit));
    if (f->lo < f->hi)
      TCAD_CALL(tcad_deck_in_range(c, e, pi, val[i], f->lo, f->hi, f->unit, "the physical range of this parameter"));
  }
  for (int i = 0; i < f->count; i++) dst[i] = val[i];
  return 0;
}

/* Apply the parameter keys of one `materials:` entry (everything but `base`). */
static int deck_material_fields(TcadDeckCtx *c, const yaml_node_t *map, const char *path, TcadMaterial *m)
{
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = tcad_deck_node(c, p->key), *v = tcad_deck_node(c, p->value);
    const char *key = (const char *)k->data.scalar.value;
    if (!strcmp(key, "base")) continue;
    for (int i = 0; i < tcad_material_field_count(); i++) {
      const TcadMaterialField *f = tcad_material_field(i);
      if (strcmp(f->key, key)) continue;
      char fp[TCAD_DECK_PATH];
      tcad_deck_path(fp, sizeof fp, path, key);
      TCAD_CALL(deck_material_value(c, v, fp, f, m));
    }
  }
  return 0;
}

/* `materials:` starts from a copy of the built-ins. Overrides of existing materials are
 * applied first, then new materials (`base: X`) in order, so a base sees the deck's
 * overrides and any new material defined above it. */
int tcad_deck_materials(TcadDeckCtx *c, const yaml_node_t *n)
{
  TcadDeck *d = c->deck;
  int nb = tcad_material_count(), extra = 0, nf = tcad_material_field_count();
  if (n && tcad_deck_is_null(n)) n = NULL;
  if (n) {
    TCAD_CALL(tcad_deck_expect_map(c, n, "materials", "{Si: {ni: 1.45e10}, MySi: {base: Si, ...}}"));
    TCAD_CALL(tcad_deck_keys(c, n, "materials", NULL));
    extra = tcad_deck_len(n);
  }
  TCAD_ALLOC(d->materials, nb + extra);
  for (int i = 0; i < nb; i++) d->materials[i] = *tcad_material_builtin(i);
  d->nmaterials = nb;
  if (!n) return 0;

  int rc = 0;
  const char **keys = NULL;
  TCAD_ALLOC_GOTO(rc, keys, nf + 2, cleanup);
  keys[0] = "base";
  for (int i = 0; i < nf; i++) keys[i + 1] = tcad_material_field(i)->key;
  for (int pass = 0; pass < 2; pass++) {
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
      yaml_node_t *k = tcad_deck_node(c, p->key), *v = tcad_deck_node(c, p->value), *base;
      char name[TCAD_NAME_MAX], path[TCAD_DECK_PATH], basename[TCAD_NAME_MAX];
      TCAD_CALL_GOTO(rc, tcad_deck_str(c, k, "materials", "a material name", name, sizeof name), cleanup);
      snprintf(path, sizeof path, "materials.%s", name);
      if (pass == 0) {
        /* names are case-insensitive, so "si" and "Si" are the same material */
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
          yaml_node_t *kq = tcad_deck_node(c, q->key);
          if (tcad_deck_ieq((const char *)kq->data.scalar.value, name)) {
            rc = TCAD_DECK_FAIL(
                c, k, "material '%s' is given twice in 'materials' (first at %d:%d); expected each material once", name,
                (int)kq->start_mark.line + 1, (int)kq->start_mark.column + 1);
            goto cleanup;
          }
        }
        TCAD_CALL_GOTO(rc, tcad_deck_expect_map(c, v, path, "{permittivity: 11.9} or {base: Si, ...}"), cleanup);
        TCAD_CALL_GOTO(rc, tcad_deck_keys(c, v, path, keys), cleanup);
      }
      base = tcad_deck_get(c, v, "base", NULL);
      if (pass == 0 && !base) {
        int i = tcad_deck_find_material(d, nb, name);
        if (i < 0) {
          const char *near = tcad_deck_suggest(name, d, nb, tcad_deck_name_material);
          char list[TCAD_DECK_LIST];
          tcad_deck_join(d, nb, tcad_deck_name_material, list, sizeof list);
          rc = TCAD_DECK_FAIL(
              c, k,
              "'%s' is not a built-in material%s%s%s; expected one of %s, or 'base: <material>' to define a new one",
              name, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", list);
          goto cleanup;
        }
        TCAD_CALL_GOTO(rc, deck_material_fields(c, v, path, &d->materials[i]), cleanup);
      } else if (pass == 1 && base) {
        char bp[TCAD_DECK_PATH + 8];
        snprintf(bp, sizeof bp, "%s.base", path);
        TCAD_CALL_GOTO(rc, tcad_deck_str(c, base, bp, "a material name", basename, sizeof basename), cleanup);
        if (tcad_deck_find_material(d, d->nmaterials, name) >= 0) {
          rc = TCAD_DECK_FAIL(c, k,
                              "material '%s' already exists, so it cannot have a 'base'; expected a new name (or no "
                              "'base' to override '%s')",
                              name, name);
          goto cleanup;
        }
        int b = tcad_deck_find_material(d, d->nmaterials, basename);
        if (b < 0)
          TCAD_CALL_GOTO(
              rc, tcad_deck_unknown_name(c, base, bp, "material", basename, d, d->nmaterials, tcad_deck_name_material),
              cleanup);
        TcadMaterial *m = &d->materials[d->nmaterials];
        *m = d->materials[b];
        memcpy(m->name, name, sizeof name);
        d->nmaterials++;
        TCAD_CALL_GOTO(rc, deck_material_fields(c, v, path, m), cleanup);
      }
    }
  }
cleanup:
  free(keys);
  return rc;
}

static int deck_physics_enum(TcadDeckCtx *c, const yaml_node_t *map, const char *key, const char *const *names,
                             int *out, TcadSrcLoc *loc)
{
  yaml_node_t *k, *v = tcad_deck_get(c, map, key, &k);
  char pk[TCAD_DECK_PATH];
  if (!v) return 0;
  tcad_deck_path(pk, sizeof pk, "physics", key);
  TCAD_CALL(tcad_deck_enum(c, v, pk, names, out));
  if (loc) *loc = tcad_deck_loc(k);
  return 0;
}

int tcad_deck_physics(TcadDeckCtx *c, const yaml_node_t *n)
{
  TcadPhysicsSpec *ph = &c->deck->physics;
  int e;
  TCAD_CALL(tcad_deck_expect_map(c, n, "physics", "{transport: drift-diffusion, temperature: 300}"));
  TCAD_CALL(tcad_deck_keys(c, n, "physics", deck_physics_keys));
  ph->loc = tcad_deck_loc(n);
  e = (int)ph->transport;
  TCAD_CALL(deck_physics_enum(c, n, "transport", deck_transports, &e, &ph->loc_transport));
  ph->transport = (TcadTransport)e;
  e = (int)ph->statistics;
  TCAD_CALL(deck_physics_enum(c, n, "statistics", deck_statistics, &e, &ph->loc_statistics));
  ph->statistics = (TcadStatistics)e;
  e = (int)ph->mobility;
  TCAD_CALL(deck_physics_enum(c, n, "mobility", deck_mobilities, &e, &ph->loc_mobility));
  ph->mobility = (TcadMobility)e;
  e = (int)ph->high_field;
  TCAD_CALL(deck_physics_enum(c, n, "high_field", deck_high_fields, &e, &ph->loc_high_field));
  ph->high_field = (TcadHighField)e;
  e = (int)ph->driving_force;
  TCAD_CALL(deck_physics_enum(c, n, "driving_force", deck_driving_forces, &e, &ph->loc_driving_force));
  ph->driving_force = (TcadDrivingForce)e;
  e = (int)ph->impact;
  TCAD_CALL(deck_physics_enum(c, n, "impact_ionization", deck_impacts, &e, &ph->loc_impact));
  ph->impact = (TcadImpact)e;
  e = (int)ph->hot_carrier;
  TCAD_CALL(deck_physics_enum(c, n, "hot_carrier", deck_hot_carriers, &e, &ph->loc_hot_carrier));
  ph->hot_carrier = (TcadHotCarrier)e;

  yaml_node_t *v;
  TCAD_CALL(tcad_deck_get_num(c, n, "physics", "temperature", "K", &ph->temperature, &v));
  if (v)
    TCAD_CALL(tcad_deck_in_range(c, v, "physics.temperature", ph->temperature, 50, 1000, "K",
                                 "the statistics and models hold from cryogenic to about 1000 K; below 50 K n_i "
                                 "falls under 1e-40 cm^-3 and the equations lose their scale"));

  if ((v = tcad_deck_get(c, n, "recombination", NULL))) {
    TCAD_CALL(tcad_deck_expect_list(c, v, "physics.recombination", "models (srh, auger; [] for none)"));
    int seen[2] = {0, 0};
    for (int i = 0; i < tcad_deck_len(v); i++) {
      char pi[TCAD_DECK_PATH];
      yaml_node_t *it = tcad_deck_item(c, v, i);
      tcad_deck_path_index(pi, sizeof pi, "physics.recombination", i);
      TCAD_CALL(tcad_deck_enum(c, it, pi, deck_recombinations, &e));
      if (seen[e])
        return TCAD_DECK_FAIL(c, it, "'%s' lists '%s' twice; expected each model once", "physics.recombination",
                              deck_recombinations[e]);
      seen[e] = 1;
    }
    ph->srh = seen[0];
    ph->auger = seen[1];
  }
  if (ph->hot_carrier != TCAD_HC_NONE) {
    v = tcad_deck_get(c, n, "hot_carrier", NULL);
    if (ph->impact == TCAD_II_NONE)
      return TCAD_DECK_FAIL(c, v,
                            "'physics.hot_carrier' needs impact ionization (the gate current is reported with the "
                            "substrate current of the hot-carrier monitor); expected impact_ionization: "
                            "vanoverstraeten (or selberherr, okuto)");
    if (ph->hot_carrier == TCAD_HC_FIEGNA && ph->transport == TCAD_TRANSPORT_DD)
      return TCAD_DECK_FAIL(c, v,
                            "'hot_carrier: fiegna' is driven by the carrier temperature, which drift-diffusion does "
                            "not have; expected transport: energy-balance, or hot_carrier: lucky-electron");
  }
  return 0;
}

/* The injection parameters' defaults (kernels/physics/hotcarrier.h gives their sources). */
void tcad_deck_injection_defaults(TcadReliabilitySpec *r)
{
  r->inj_carriers = 1;
  r->inj_phi[0] = 3.2, r->inj_phi[1] = 4.7;
  /* holes: a 1 nm optical-phonon mean free path (Genius-TCAD-Open's silicon band models, all
   * three; Tam, Ko and Hu give the electrons' 9.2 nm only), which had been the electrons' */
  r->inj_lambda[0] = 9.2e-7, r->inj_lambda[1] = 1e-7;
  r->inj_lambda_r[0] = r->inj_lambda_r[1] = 6.2e-6;
  r->inj_beta = 2.59e-4, r->inj_alpha = 3e-5, r->inj_lambda_ox = 3.2e-7;
  r->inj_a = 4.87e2 * 100.0; /* m/s/eV^2.5 → cm/s/eV^2.5 */
  r->inj_chi = 1.3e8;
  r->inj_le = 1.07e7 * 0.3e-12; /* v_sat τ_w of the silicon defaults (io/materials.c) */
}

/* reliability.injection: the parameters of physics.hot_carrier (docs/deck.md). */
static int deck_injection(TcadDeckCtx *c, const yaml_node_t *n, TcadReliabilitySpec *r)
{
  static const char *const keys[] = {
      "carriers", "barrier", "lambda",    "lambda_r", "barrier_holes", "lambda_holes",  "lambda_r_holes",
      "beta",     "alpha",   "lambda_ox", "A",        "chi",           "energy_length", NULL};
  static const char *const carriers[] = {"electrons", "holes", "both", NULL};
  static const char *const why[] = {NULL,
                                    "the Si/SiO2 conduction-band offset is about 3.1-3.2 eV",
                                    "the optical-phonon mean free path: 9.2e-7 cm for electrons in silicon",
                                    "the redirection mean free path: 6.2e-6 cm",
                                    "the Si/SiO2 valence-band offset is about 4.5-4.8 eV",
                                    "the holes' optical-phonon mean free path",
                                    "the holes' redirection mean free path",
                                    "the image-force lowering coefficient: 2.59e-4 (V cm)^1/2 for SiO2",
                                    "the tunnelling lowering coefficient: about 3e-5 (V cm^2)^1/3",
                                    "the insulator's mean free path: 3.2e-7 cm for SiO2; 0 for none",
                                    "Fiegna's prefactor: 4.87e2 m/s/eV^2.5",
                                    "Fiegna's distribution constant: 1.3e8 (V/cm)^1.5/eV^3",
                                    "the energy relaxation length of the effective field (3/2)(k/q)(T - T_L)/length"};
  static const char *const units[] = {NULL, "eV",         "cm",           "cm", "eV",         "cm",
                                      "cm", "(V cm)^1/2", "(V cm^2)^1/3", "cm", "m/s/eV^2.5", "(V/cm)^1.5/eV^3",
                                      "cm"};
  double *dst[] = {NULL,           &r->inj_phi[0],    &r->inj_lambda[0],   &r->inj_lambda_r[0],
                   &r->inj_phi[1], &r->inj_lambda[1], &r->inj_lambda_r[1], &r->inj_beta,
                   &r->inj_alpha,  &r->inj_lambda_ox, &r->inj_a,           &r->inj_chi,
                   &r->inj_le};
  static const double lo[] = {0, 0.1, 1e-8, 1e-8, 0.1, 1e-8, 1e-8, 0, 0, 0, 1e-10, 1e2, 1e-8};
  static const double hi[] = {0, 10, 1e-4, 1e-3, 10, 1e-4, 1e-3, 1e-2, 1e-2, 1e-4, 1e10, 1e14, 1e-3};
  TCAD_CALL(tcad_deck_expect_map(c, n, "reliability.injection", "{carriers: electrons, barrier: 3.2}"));
  TCAD_CALL(tcad_deck_keys(c, n, "reliability.injection", keys));
  r->loc_inj = tcad_deck_loc(n);
  if (c->deck->physics.hot_carrier == TCAD_HC_NONE)
    return TCAD_DECK_FAIL(c, n,
                          "'reliability.injection' sets the parameters of a hot-carrier injection model, and none is "
                          "on; expected physics.hot_carrier: lucky-electron (or fiegna)");
  yaml_node_t *v = tcad_deck_get(c, n, "carriers", NULL);
  if (v) {
    int e = 0;
    TCAD_CALL(tcad_deck_enum(c, v, "reliability.injection.carriers", carriers, &e));
    r->inj_carriers = e + 1; /* electrons 1, holes 2, both 3 */
  }
  for (int k = 1; keys[k]; k++) {
    char path[64];
    snprintf(path, sizeof path, "reliability.injection.%s", keys[k]);
    TCAD_CALL(tcad_deck_get_num(c, n, "reliability.injection", keys[k], units[k], dst[k], &v));
    if (!v) continue;
    TCAD_CALL(tcad_deck_in_range(c, v, path, *dst[k], lo[k], hi[k], units[k], why[k]));
    if (dst[k] == &r->inj_a) r->inj_a *= 100.0; /* m/s → cm/s */
  }
  return 0;
}

/* reliability.lifetime: {m, C, width, reference: {contact: V, ...}} (Hu's τ I_d/W = C (I_sub/I_d)^−m). */
static int deck_lifetime(TcadDeckCtx *c, const yaml_node_t *n, TcadReliabilitySpec *r)
{
  static const char *const keys[] = {"m", "C", "width", "reference", NULL};
  const TcadDeck *d = c->deck;
  yaml_node_t *v;
  TCAD_CALL(
      tcad_deck_expect_map(c, n, "reliability.lifetime", "{m: 2.9, C: 1e-3, reference: {drain: 2.5, gate: 1.2}}"));
  TCAD_CALL(tcad_deck_keys(c, n, "reliability.lifetime", keys));
  r->lifetime = 1, r->life_m = 2.9, r->life_c = 0.0, r->life_w = 0.0;
  TCAD_CALL(tcad_deck_get_num(c, n, "reliability.lifetime", "m", NULL, &r->life_m, &v));
  if (v)
    TCAD_CALL(tcad_deck_in_range(c, v, "reliability.lifetime.m", r->life_m, 0.5, 10.0, "1",
                                 "Hu's exponent: about 3 for interface-trap generation by channel hot electrons"));
  TCAD_CALL(tcad_deck_get_num(c, n, "reliability.lifetime", "C", "s·A/cm", &r->life_c, &v));
  if (v) TCAD_CALL(tcad_deck_positive(c, v, "reliability.lifetime.C", r->life_c, "s·A/cm"));
  TCAD_CALL(tcad_deck_get_num(c, n, "reliability.lifetime", "width", "µm", &r->life_w, &v));
  if (v) {
    TCAD_CALL(tcad_deck_positive(c, v, "reliability.lifetime.width", r->life_w, "µm"));
    r->life_w *= TCAD_DECK_UM;
  }
  if ((v = tcad_deck_get(c, n, "reference", NULL))) {
    TCAD_CALL(tcad_deck_expect_map(c, v, "reliability.lifetime.reference", "{drain: 2.5, gate: 1.2}"));
    TCAD_CALL(tcad_deck_keys(c, v, "reliability.lifetime.reference", NULL));
    const int nc = tcad_deck_len(v);
    if (nc < 1 || nc > TCAD_MAX_SWEEP_CONTACTS)
      return TCAD_DECK_FAIL(c, v, "'reliability.lifetime.reference' sets %d contacts; expected 1 to %d", nc,
                            TCAD_MAX_SWEEP_CONTACTS);
    r->loc_ref = tcad_deck_loc(v);
    for (int j = 0; j < nc; j++) {
      yaml_node_t *ck = tcad_deck_node(c, v->data.mapping.pairs.start[j].key),
                  *cv = tcad_deck_node(c, v->data.mapping.pairs.start[j].value);
      char path[TCAD_NAME_MAX + 48];
      TCAD_CALL(
          tcad_deck_str(c, ck, "reliability.lifetime.reference", "a contact name", r->ref_contact[j], TCAD_NAME_MAX));
      if (tcad_deck_find_contact(d, r->ref_contact[j]) < 0)
        TCAD_CALL(tcad_deck_unknown_name(c, ck, "reliability.lifetime.reference", "contact", r->ref_contact[j], d,
                                         d->ncontacts, tcad_deck_name_contact));
      snprintf(path, sizeof path, "reliability.lifetime.reference.%s", r->ref_contact[j]);
      TCAD_CALL(tcad_deck_num(c, cv, path, "V", &r->ref_voltage[j]));
    }
    r->nref = nc;
  }
  return 0;
}

/* reliability: {drain: NAME, substrate: NAME}: ohmic contacts of the deck; impact ionization on
 * (the substrate current is its holes). */
int tcad_deck_reliability(TcadDeckCtx *c, const yaml_node_t *n)
{
  static const char *const keys[] = {"drain", "substrate", "lifetime", "injection", NULL};
  TcadDeck *d = c->deck;
  TcadReliabilitySpec *r = &d->reliability;
  TCAD_CALL(tcad_deck_expect_map(c, n, "reliability", "{drain: drain, substrate: bulk}"));
  TCAD_CALL(tcad_deck_keys(c, n, "reliability", keys));
  r->given = 1;
  r->loc = tcad_deck_loc(n);
  if (d->physics.impact == TCAD_II_NONE)
    return TCAD_DECK_FAIL(c, n,
                          "'reliability' needs impact ionization (the substrate current is the holes it makes); "
                          "expected physics.impact_ionization: vanoverstraeten (or selberherr, okuto)");
  char *names[2] = {r->drain, r->substrate};
  for (int k = 0; k < 2; k++) {
    char path[64];
    yaml_node_t *v = tcad_deck_get(c, n, keys[k], NULL);
    if (!v) continue;
    snprintf(path, sizeof path, "reliability.%s", keys[k]);
    TCAD_CALL(tcad_deck_str(c, v, path, "a contact name", names[k], TCAD_NAME_MAX));
    const int ci = tcad_deck_find_contact(d, names[k]);
    if (ci < 0)
      TCAD_CALL(tcad_deck_unknown_name(c, v, path, "contact", names[k], d, d->ncontacts, tcad_deck_name_contact));
    if (d->contacts[ci].type != TCAD_CONTACT_OHMIC)
      return TCAD_DECK_FAIL(c, v, "'%s' is '%s', a contact that is not ohmic; expected the ohmic %s contact", path,
                            names[k], keys[k]);
  }
  if (r->drain[0] && !strcmp(r->drain, r->substrate))
    return TCAD_DECK_FAIL(c, n, "'reliability' names '%s' as both drain and substrate; expected two contacts",
                          r->drain);
  yaml_node_t *lt = tcad_deck_get(c, n, "lifetime", NULL);
  if (lt) TCAD_CALL(deck_lifetime(c, lt, r));
  yaml_node_t *inj = tcad_deck_get(c, n, "injection", NULL);
  return inj ? deck_injection(c, inj, r) : 0;
}
