/* The deck's `doping:` section: uniform, box, Gaussian, erfc and linear profiles, with the
 * characteristic length given directly or from a junction depth and a background. Schema:
 * docs/deck.md; evaluated on the mesh by mesh/doping.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/deck_internal.h"

static const char *const deck_doping_keys[] = {"profile",  "species",    "conc",    "peak",     "region",
                                               "box",      "window",     "axis",    "surface",  "char",
                                               "junction", "background", "lateral", "gradient", NULL};
static const char *const deck_doping_linear_keys[] = {"profile", "species", "gradient", "axis",
                                                      "surface", "region",  "box",      NULL};
static const char *const deck_doping_uniform_keys[] = {"profile", "species", "conc", "region", NULL};
static const char *const deck_doping_box_keys[] = {"profile", "species", "conc", "region", "box", NULL};
static const char *const deck_doping_diffused_keys[] = {"profile",  "species",    "peak",    "region",
                                                        "window",   "axis",       "surface", "char",
                                                        "junction", "background", "lateral", NULL};
static const char *const deck_profiles[] = {"uniform", "box", "gaussian", "erfc", "linear", NULL};
static const char *const deck_species[] = {"donor", "acceptor", NULL};

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
    if (g > 0)
      lo = x;
    else
      hi = x;                                          /* erfc decreases: g > 0 means x is too small */
    double dg = -1.1283791670955126 * exp(-x * x) / e; /* d/dx ln erfc = -2/sqrt(pi) e^(-x^2)/erfc */
    double next = x - g / dg;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (fabs(next - x) <= 1e-15 * fabs(x) || hi - lo <= 1e-15 * hi) return next;
    x = next;
  }
  return x;
}

/* Is `key` one of `keys`? */
static int deck_has_key(const char *const *keys, const char *key)
{
  for (int i = 0; keys[i]; i++)
    if (!strcmp(keys[i], key)) return 1;
  return 0;
}

/* `axis` of a profile into *axis (default def; -1: the mesh's, unknown until a Gmsh file is read):
 * an axis of a generated mesh. */
static int deck_doping_axis(TcadDeckCtx *c, const yaml_node_t *it, const char *p, int def, int *axis)
{
  TcadDeck *d = c->deck;
  char pk[TCAD_DECK_PATH + 16], list[TCAD_DECK_LIST];
  yaml_node_t *v = tcad_deck_get(c, it, "axis", NULL);
  *axis = def;
  if (!v) return 0;
  tcad_deck_path(pk, sizeof pk, p, "axis");
  TCAD_CALL(tcad_deck_enum(c, v, pk, tcad_deck_axes, axis));
  if (c->generated && *axis >= d->mesh.dim)
    return TCAD_DECK_FAIL(c, v, "'%s' is '%s' but the mesh is %dD; expected one of: %s", pk, tcad_deck_axes[*axis],
                          d->mesh.dim,
                          tcad_deck_join(tcad_deck_axes, d->mesh.dim, tcad_deck_name_str, list, sizeof list));
  return 0;
}

static int deck_doping_one(TcadDeckCtx *c, const yaml_node_t *it, const char *p, TcadDopingSpec *s)
{
  TcadDeck *d = c->deck;
  yaml_node_t *v, *k, *conc = NULL;
  char pk[TCAD_DECK_PATH + 16], list[TCAD_DECK_LIST];
  int profile, species;
  TCAD_CALL(tcad_deck_expect_map(c, it, p, "{profile: uniform, species: donor, conc: 1e16}"));
  TCAD_CALL(tcad_deck_keys(c, it, p, deck_doping_keys));
  s->loc = tcad_deck_loc(it);
  TCAD_CALL(tcad_deck_need(c, it, p, "profile", "one of: uniform, box, gaussian, erfc, linear", &v));
  tcad_deck_path(pk, sizeof pk, p, "profile");
  TCAD_CALL(tcad_deck_enum(c, v, pk, deck_profiles, &profile));
  s->profile = (TcadDopingProfile)profile;
  TCAD_CALL(tcad_deck_need(c, it, p, "species", "one of: donor, acceptor", &v));
  tcad_deck_path(pk, sizeof pk, p, "species");
  TCAD_CALL(tcad_deck_enum(c, v, pk, deck_species, &species));
  s->species = species == 0 ? +1 : -1;

  /* keys that exist in the schema but not for this profile */
  int diffused = s->profile == TCAD_DOPING_GAUSSIAN || s->profile == TCAD_DOPING_ERFC;
  const int linear = s->profile == TCAD_DOPING_LINEAR;
  const char *const *allowed = s->profile == TCAD_DOPING_UNIFORM ? deck_doping_uniform_keys
                               : s->profile == TCAD_DOPING_BOX   ? deck_doping_box_keys
                               : linear                          ? deck_doping_linear_keys
                                                                 : deck_doping_diffused_keys;
  for (yaml_node_pair_t *q = it->data.mapping.pairs.start; q < it->data.mapping.pairs.top; q++) {
    k = tcad_deck_node(c, q->key);
    const char *key = (const char *)k->data.scalar.value;
    if (deck_has_key(allowed, key)) continue;
    if (!strcmp(key, "peak") && !diffused)
      return TCAD_DECK_FAIL(c, k, "'peak' does not apply to profile '%s' in '%s'; expected 'conc' (cm^-3)",
                            deck_profiles[profile], p);
    if (!strcmp(key, "conc") && diffused)
      return TCAD_DECK_FAIL(c, k, "'conc' does not apply to profile '%s' in '%s'; expected 'peak' (cm^-3)",
                            deck_profiles[profile], p);
    if (!strcmp(key, "box") && diffused)
      return TCAD_DECK_FAIL(c, k,
                            "'box' does not apply to profile '%s' in '%s'; expected 'window' for the mask opening",
                            deck_profiles[profile], p);
    return TCAD_DECK_FAIL(c, k, "'%s' does not apply to profile '%s' in '%s'; expected only: %s", key,
                          deck_profiles[profile], p,
                          tcad_deck_join(allowed, tcad_deck_count(allowed), tcad_deck_name_str, list, sizeof list));
  }

  if ((v = tcad_deck_get(c, it, "region", NULL))) {
    tcad_deck_path(pk, sizeof pk, p, "region");
    TCAD_CALL(tcad_deck_str(c, v, pk, "a region name", s->region, sizeof s->region));
    int r = tcad_deck_find_region(d, s->region);
    if (r < 0) TCAD_CALL(tcad_deck_unknown_name(c, v, pk, "region", s->region, d, d->nregions, tcad_deck_name_region));
    const TcadMaterial *m = TcadDeckGetMaterial(d, d->regions[r].material);
    if (m && m->kind != TCAD_MAT_SEMICONDUCTOR)
      return TCAD_DECK_FAIL(
          c, v,
          "region '%s' in '%s' is %s, not a semiconductor; expected a semiconductor region (only those are doped)",
          s->region, pk, m->name);
  }

  if (linear) { /* N = max(0, gradient (x − surface)) along the axis, optionally inside a box */
    yaml_node_t *g;
    TCAD_CALL(tcad_deck_need(c, it, p, "gradient",
                             "the doping gradient (cm^-4; its sign says on which side of 'surface')", &g));
    tcad_deck_path(pk, sizeof pk, p, "gradient");
    TCAD_CALL(tcad_deck_num(c, g, pk, "cm^-4", &s->gradient));
    if (s->gradient == 0 || !isfinite(s->gradient))
      return TCAD_DECK_FAIL(c, g, "'%s' is %g; expected a non-zero gradient (cm^-4)", pk, s->gradient);
    TCAD_CALL(deck_doping_axis(c, it, p, c->generated ? 0 : -1, &s->depth_axis));
    double surface = 0.0;
    TCAD_CALL(tcad_deck_get_num(c, it, p, "surface", "µm", &surface, NULL));
    s->surface = surface * TCAD_DECK_UM;
    if ((v = tcad_deck_get(c, it, "box", NULL))) {
      tcad_deck_path(pk, sizeof pk, p, "box");
      TCAD_CALL(tcad_deck_box(c, v, pk, &s->window));
      s->has_window = 1;
    }
    return 0;
  }
  const char *ckey = diffused ? "peak" : "conc";
  TCAD_CALL(
      tcad_deck_need(c, it, p, ckey, diffused ? "the peak concentration (cm^-3)" : "the concentration (cm^-3)", &conc));
  tcad_deck_path(pk, sizeof pk, p, ckey);
  TCAD_CALL(tcad_deck_num(c, conc, pk, "cm^-3", &s->peak));
  TCAD_CALL(tcad_deck_positive(c, conc, pk, s->peak, "cm^-3"));
  TCAD_CALL(tcad_deck_in_range(c, conc, pk, s->peak, 0, 1e22, "cm^-3",
                               "at most 1e22: silicon has 5e22 atoms per cm^3, and no model here holds above "
                               "solid solubility, ~1e21"));
  if (s->profile == TCAD_DOPING_BOX) {
    TCAD_CALL(tcad_deck_need(c, it, p, "box", "the doped box {x: [lo, hi], ...} (µm)", &v));
    tcad_deck_path(pk, sizeof pk, p, "box");
    TCAD_CALL(tcad_deck_box(c, v, pk, &s->window));
    s->has_window = 1;
  }
  if (!diffused) return 0;

  /* depth axis: default the mesh's last axis; unknown for Gmsh meshes until the file is read */
  TCAD_CALL(deck_doping_axis(c, it, p, c->generated ? d->mesh.dim - 1 : -1, &s->depth_axis));
  if ((v = tcad_deck_get(c, it, "window", &k))) {
    tcad_deck_path(pk, sizeof pk, p, "window");
    TCAD_CALL(tcad_deck_box(c, v, pk, &s->window));
    if (s->depth_axis >= 0 && s->window.has[s->depth_axis])
      return TCAD_DECK_FAIL(c, v, "'%s' bounds the depth axis '%s'; expected bounds on the lateral axes only", pk,
                            tcad_deck_axes[s->depth_axis]);
    s->has_window = 1;
  }
  double surface = 0.0;
  TCAD_CALL(tcad_deck_get_num(c, it, p, "surface", "µm", &surface, NULL));
  s->surface = surface * TCAD_DECK_UM;

  yaml_node_t *chr, *chrk, *xj, *xjk, *nb, *nbk;
  chr = tcad_deck_get(c, it, "char", &chrk);
  xj = tcad_deck_get(c, it, "junction", &xjk);
  nb = tcad_deck_get(c, it, "background", &nbk);
  if (chr && (xj || nb))
    return TCAD_DECK_FAIL(c, xj ? xjk : nbk,
                          "'%s' has both 'char' and '%s'; expected either 'char' or 'junction' + 'background'", p,
                          xj ? "junction" : "background");
  if (!chr && !xj && !nb)
    return TCAD_DECK_FAIL(c, it,
                          "missing key 'char' in '%s'; expected the characteristic length (µm), or 'junction' (µm) + "
                          "'background' (cm^-3)",
                          p);
  if (!chr && (!xj || !nb))
    return TCAD_DECK_FAIL(c, xj ? xjk : nbk,
                          "'%s' has '%s' without '%s'; expected both 'junction' (µm) and 'background' (cm^-3)", p,
                          xj ? "junction" : "background", xj ? "background" : "junction");
  double len;
  if (chr) {
    tcad_deck_path(pk, sizeof pk, p, "char");
    TCAD_CALL(tcad_deck_num(c, chr, pk, "µm", &len));
    TCAD_CALL(tcad_deck_positive(c, chr, pk, len, "µm"));
  } else {
    double depth, back;
    tcad_deck_path(pk, sizeof pk, p, "junction");
    TCAD_CALL(tcad_deck_num(c, xj, pk, "µm", &depth));
    TCAD_CALL(tcad_deck_positive(c, xj, pk, depth, "µm"));
    tcad_deck_path(pk, sizeof pk, p, "background");
    TCAD_CALL(tcad_deck_num(c, nb, pk, "cm^-3", &back));
    TCAD_CALL(tcad_deck_positive(c, nb, pk, back, "cm^-3"));
    if (!(back < s->peak))
      return TCAD_DECK_FAIL(c, nb, "'%s' is %g, not below the peak %g; expected a background below the peak", pk, back,
                            s->peak);
    /* the profile equals the background at the junction depth */
    double x = s->profile == TCAD_DOPING_GAUSSIAN ? sqrt(log(s->peak / back)) : deck_erfcinv(back / s->peak);
    len = depth / x;
    if (!isfinite(len) || !(len > 0))
      return TCAD_DECK_FAIL(
          c, nb,
          "'%s' gives no usable characteristic length (background/peak = %g); expected a background closer to the peak",
          pk, back / s->peak);
  }
  s->char_length = len * TCAD_DECK_UM;
  s->lateral = 0.8 * s->char_length;
  if ((v = tcad_deck_get(c, it, "lateral", NULL))) {
    double lat;
    tcad_deck_path(pk, sizeof pk, p, "lateral");
    TCAD_CALL(tcad_deck_num(c, v, pk, "µm", &lat));
    TCAD_CALL(tcad_deck_positive(c, v, pk, lat, "µm"));
    s->lateral = lat * TCAD_DECK_UM;
  }
  return 0;
}

int tcad_deck_doping(TcadDeckCtx *c, const yaml_node_t *n)
{
  TcadDeck *d = c->deck;
  TCAD_CALL(tcad_deck_expect_list(c, n, "doping", "profiles {profile: ..., species: ..., ...}"));
  int count = tcad_deck_len(n);
  if (!count) return 0;
  TCAD_ALLOC(d->doping, count);
  for (int i = 0; i < count; i++) {
    char p[TCAD_DECK_PATH];
    tcad_deck_path_index(p, sizeof p, "doping", i);
    d->ndoping = i + 1;
    TCAD_CALL(deck_doping_one(c, tcad_deck_item(c, n, i), p, &d->doping[i]));
  }
  return 0;
}
