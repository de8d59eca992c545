/* The deck's device sections: `mesh` (a Gmsh file or a generated tensor mesh), `regions`,
 * `contacts` and `interfaces`, and the boxes that place regions and contacts on a generated
 * mesh. Schema: docs/deck.md. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/deck_internal.h"

const char *const tcad_deck_axes[] = {"x", "y", "z", NULL};
static const char *const deck_mesh_keys[] = {"file", "scale", "generate", NULL};
static const char *const deck_anchor_keys[] = {"at", "step", NULL};
static const char *const deck_region_keys[] = {"name", "material", "box", NULL};
static const char *const deck_contact_keys[] = {"name",    "type",       "workfunction", "voltage",
                                                "current", "resistance", "box",          NULL};
static const char *const deck_contact_types[] = {"ohmic", "gate", "schottky", NULL};
static const char *const deck_interface_keys[] = {"regions", "charge", "group", NULL};

int tcad_deck_find_region(const TcadDeck *d, const char *name)
{
  for (int i = 0; i < d->nregions; i++)
    if (!strcmp(d->regions[i].name, name)) return i;
  return -1;
}

int tcad_deck_find_contact(const TcadDeck *d, const char *name)
{
  for (int i = 0; i < d->ncontacts; i++)
    if (!strcmp(d->contacts[i].name, name)) return i;
  return -1;
}

/* A box {x: [lo, hi], ...} in µm, stored in cm. On a generated mesh only its axes are allowed. */
int tcad_deck_box(TcadDeckCtx *c, const yaml_node_t *n, const char *path, TcadBox *box)
{
  char p[TCAD_DECK_PATH], axes[16];
  TCAD_CALL(tcad_deck_expect_map(c, n, path, "{x: [lo, hi], y: [lo, hi]} (µm)"));
  TCAD_CALL(tcad_deck_keys(c, n, path, tcad_deck_axes));
  memset(box, 0, sizeof *box);
  for (int a = 0; a < 3; a++) {
    yaml_node_t *k, *v = tcad_deck_get(c, n, tcad_deck_axes[a], &k);
    if (!v) continue;
    tcad_deck_path(p, sizeof p, path, tcad_deck_axes[a]);
    if (c->generated && a >= c->deck->mesh.dim) {
      tcad_deck_join(tcad_deck_axes, c->deck->mesh.dim, tcad_deck_name_str, axes, sizeof axes);
      return TCAD_DECK_FAIL(c, k, "axis '%s' in '%s' but the mesh is %dD; expected only %s", tcad_deck_axes[a], path,
                            c->deck->mesh.dim, axes);
    }
    if (v->type != YAML_SEQUENCE_NODE || tcad_deck_len(v) != 2) {
      char b[128];
      return TCAD_DECK_FAIL(c, v, "'%s' is %s; expected a list [lo, hi] of two numbers (µm)", p,
                            v->type == YAML_SEQUENCE_NODE ? "a list of another length"
                                                          : tcad_deck_what(v, b, sizeof b));
    }
    double lo, hi;
    char pi[TCAD_DECK_PATH + 8];
    tcad_deck_path_index(pi, sizeof pi, p, 0);
    TCAD_CALL(tcad_deck_num(c, tcad_deck_item(c, v, 0), pi, "µm", &lo));
    tcad_deck_path_index(pi, sizeof pi, p, 1);
    TCAD_CALL(tcad_deck_num(c, tcad_deck_item(c, v, 1), pi, "µm", &hi));
    if (lo > hi) return TCAD_DECK_FAIL(c, v, "'%s' is [%g, %g]; expected [lo, hi] with lo <= hi", p, lo, hi);
    box->lo[a] = lo * TCAD_DECK_UM;
    box->hi[a] = hi * TCAD_DECK_UM;
    box->has[a] = 1;
  }
  return 0;
}

/* One axis of a generated mesh: a list of {at, step} anchors, strictly increasing. */
static int deck_mesh_axis(TcadDeckCtx *c, const yaml_node_t *n, const char *path, int axis)
{
  char p[TCAD_DECK_PATH], pk[TCAD_DECK_PATH + 16];
  TcadMeshSpec *m = &c->deck->mesh;
  TCAD_CALL(tcad_deck_expect_list(c, n, path, "anchors {at: µm, step: µm}"));
  int count = tcad_deck_len(n);
  if (count < 2)
    return TCAD_DECK_FAIL(c, n, "'%s' has %d anchor%s; expected at least 2 anchors {at: µm, step: µm}", path, count,
                          count == 1 ? "" : "s");
  TCAD_ALLOC(m->lines[axis], count);
  m->nlines[axis] = count;
  for (int i = 0; i < count; i++) {
    yaml_node_t *it = tcad_deck_item(c, n, i), *at, *step;
    tcad_deck_path_index(p, sizeof p, path, i);
    TCAD_CALL(tcad_deck_expect_map(c, it, p, "{at: 0.0, step: 0.01}"));
    TCAD_CALL(tcad_deck_keys(c, it, p, deck_anchor_keys));
    TCAD_CALL(tcad_deck_need(c, it, p, "at", "the anchor position (µm)", &at));
    TCAD_CALL(tcad_deck_need(c, it, p, "step", "the local spacing (µm, > 0)", &step));
    double a, s;
    tcad_deck_path(pk, sizeof pk, p, "at");
    TCAD_CALL(tcad_deck_num(c, at, pk, "µm", &a));
    if (i > 0 && !(a * TCAD_DECK_UM > m->lines[axis][i - 1].at))
      return TCAD_DECK_FAIL(c, at,
                            "'%s' is %g, not above the previous anchor (%g); expected strictly increasing anchors", pk,
                            a, m->lines[axis][i - 1].at / TCAD_DECK_UM);
    tcad_deck_path(pk, sizeof pk, p, "step");
    TCAD_CALL(tcad_deck_num(c, step, pk, "µm", &s));
    TCAD_CALL(tcad_deck_positive(c, step, pk, s, "µm"));
    m->lines[axis][i].at = a * TCAD_DECK_UM;
    m->lines[axis][i].step = s * TCAD_DECK_UM;
  }
  return 0;
}

int tcad_deck_mesh(TcadDeckCtx *c, const yaml_node_t *n)
{
  TcadMeshSpec *m = &c->deck->mesh;
  TcadDeck *d = c->deck;
  TCAD_CALL(tcad_deck_expect_map(c, n, "mesh", "{file: device.msh} or {generate: {x: [...]}}"));
  TCAD_CALL(tcad_deck_keys(c, n, "mesh", deck_mesh_keys));
  m->loc = tcad_deck_loc(n);
  yaml_node_t *fk, *gk, *sk;
  yaml_node_t *file = tcad_deck_get(c, n, "file", &fk), *gen = tcad_deck_get(c, n, "generate", &gk);
  yaml_node_t *scale = tcad_deck_get(c, n, "scale", &sk);
  if (file && gen) return TCAD_DECK_FAIL(c, gk, "'mesh' has both 'file' and 'generate'; expected exactly one of them");
  if (!file && !gen)
    return TCAD_DECK_FAIL(c, n, "'mesh' has neither 'file' nor 'generate'; expected exactly one of them");
  if (file) {
    char name[TCAD_PATH_MAX];
    double s = 1.0;
    m->source = TCAD_MESH_FILE;
    c->generated = 0;
    TCAD_CALL(tcad_deck_str(c, file, "mesh.file", "a Gmsh file name", name, sizeof name));
    /* relative paths are taken from the deck's folder, so a deck runs from anywhere */
    if (name[0] != '/' && strcmp(d->dir, ".") != 0) {
      int len = snprintf(m->file, sizeof m->file, "%s/%s", d->dir, name);
      if (len < 0 || (size_t)len >= sizeof m->file)
        return TCAD_DECK_FAIL(
            c, file, "'mesh.file' resolved against the deck's folder is too long; expected at most %d characters",
            TCAD_PATH_MAX - 1);
    } else {
      memcpy(m->file, name, sizeof name);
    }
    if (scale) {
      TCAD_CALL(tcad_deck_num(c, scale, "mesh.scale", "µm per file unit", &s));
      TCAD_CALL(tcad_deck_positive(c, scale, "mesh.scale", s, "µm per file unit"));
    }
    m->scale = s * TCAD_DECK_UM;
    return 0;
  }
  if (scale)
    return TCAD_DECK_FAIL(c, sk,
                          "'mesh.scale' applies to 'mesh.file' only; expected it only with a Gmsh file (remove it)");
  m->source = TCAD_MESH_GENERATE;
  m->scale = TCAD_DECK_UM;
  c->generated = 1;
  TCAD_CALL(tcad_deck_expect_map(c, gen, "mesh.generate", "{x: [{at: 0, step: 0.01}, {at: 1, step: 0.01}]}"));
  TCAD_CALL(tcad_deck_keys(c, gen, "mesh.generate", tcad_deck_axes));
  yaml_node_t *key[3], *ax[3];
  for (int a = 0; a < 3; a++) ax[a] = tcad_deck_get(c, gen, tcad_deck_axes[a], &key[a]);
  if (!ax[0] && !ax[1] && !ax[2])
    return TCAD_DECK_FAIL(c, gen,
                          "'mesh.generate' has no axes; expected 'x' (1D), 'x' and 'y' (2D), or 'x', 'y' and 'z' (3D)");
  /* axes come in order, so the dimension alone says which ones exist */
  for (int a = 1; a < 3; a++)
    if (ax[a] && !ax[a - 1])
      return TCAD_DECK_FAIL(c, key[a], "'mesh.generate' has '%s' but no '%s'; expected the axes x, then y, then z",
                            tcad_deck_axes[a], tcad_deck_axes[a - 1]);
  for (int a = 0; a < 3 && ax[a]; a++) {
    char p[TCAD_DECK_PATH];
    tcad_deck_path(p, sizeof p, "mesh.generate", tcad_deck_axes[a]);
    TCAD_CALL(deck_mesh_axis(c, ax[a], p, a));
    m->dim = a + 1;
  }
  return 0;
}

/* Regions and contacts take a `box` exactly when the mesh is generated: there it selects the
 * cells or boundary faces; on a Gmsh mesh the physical group does, and a box would be ignored. */
static int deck_entity_box(TcadDeckCtx *c, yaml_node_t *it, const char *p, const char *kind, const char *name,
                           const char *example, TcadBox *out, int *has)
{
  yaml_node_t *boxkey = NULL, *box = tcad_deck_get(c, it, "box", &boxkey);
  char pk[512];
  if (c->generated && !box)
    return TCAD_DECK_FAIL(c, it, "%s '%s' ('%s') has no 'box'; expected a box such as %s (µm) on a generated mesh",
                          kind, name, p, example);
  if (!c->generated && box)
    return TCAD_DECK_FAIL(c, boxkey,
                          "'%s.box' is given but the mesh comes from a Gmsh file; expected no box (remove it: the %s "
                          "is the physical group '%s')",
                          p, kind, name);
  if (box) {
    tcad_deck_path(pk, sizeof pk, p, "box");
    TCAD_CALL(tcad_deck_box(c, box, pk, out));
    *has = 1;
  }
  return 0;
}

int tcad_deck_regions(TcadDeckCtx *c, const yaml_node_t *n)
{
  TcadDeck *d = c->deck;
  if (tcad_deck_is_null(n))
    return TCAD_DECK_FAIL(c, n,
                          "'regions' is empty; expected a list of regions such as '- {name: silicon, material: Si}'");
  TCAD_CALL(tcad_deck_expect_list(c, n, "regions", "regions {name: ..., material: ...}"));
  int count = tcad_deck_len(n);
  if (!count) return TCAD_DECK_FAIL(c, n, "'regions' is an empty list; expected at least one region");
  TCAD_ALLOC(d->regions, count);
  for (int i = 0; i < count; i++) {
    yaml_node_t *it = tcad_deck_item(c, n, i), *name, *mat;
    TcadRegionSpec *r = &d->regions[i];
    char p[TCAD_DECK_PATH], pk[TCAD_DECK_PATH + 16], mname[TCAD_NAME_MAX];
    tcad_deck_path_index(p, sizeof p, "regions", i);
    TCAD_CALL(tcad_deck_expect_map(c, it, p, "{name: silicon, material: Si}"));
    TCAD_CALL(tcad_deck_keys(c, it, p, deck_region_keys));
    r->loc = tcad_deck_loc(it);
    TCAD_CALL(tcad_deck_need(c, it, p, "name", "the region name", &name));
    TCAD_CALL(tcad_deck_need(c, it, p, "material", "a material such as Si or SiO2", &mat));
    tcad_deck_path(pk, sizeof pk, p, "name");
    TCAD_CALL(tcad_deck_str(c, name, pk, "a region name", r->name, sizeof r->name));
    TCAD_CALL(tcad_deck_entity_name(c, name, pk, r->name));
    int dup = tcad_deck_find_region(d, r->name);
    if (dup >= 0)
      return TCAD_DECK_FAIL(c, name, "duplicate region name '%s' (first at %d:%d); expected unique region names",
                            r->name, d->regions[dup].loc.line, d->regions[dup].loc.col);
    d->nregions = i + 1;
    tcad_deck_path(pk, sizeof pk, p, "material");
    TCAD_CALL(tcad_deck_str(c, mat, pk, "a material name", mname, sizeof mname));
    int m = tcad_deck_find_material(d, d->nmaterials, mname);
    if (m < 0)
      TCAD_CALL(tcad_deck_unknown_name(c, mat, pk, "material", mname, d, d->nmaterials, tcad_deck_name_material));
    /* the table's spelling, so later lookups need no case folding */
    memcpy(r->material, d->materials[m].name, sizeof r->material);
    TCAD_CALL(deck_entity_box(c, it, p, "region", r->name, "box: {x: [0, 1]}", &r->box, &r->has_box));
  }
  return 0;
}

int tcad_deck_contacts(TcadDeckCtx *c, const yaml_node_t *n)
{
  TcadDeck *d = c->deck;
  TCAD_CALL(tcad_deck_expect_list(c, n, "contacts", "contacts {name: ..., type: ohmic}"));
  int count = tcad_deck_len(n);
  if (!count) return 0;
  TCAD_ALLOC(d->contacts, count);
  for (int i = 0; i < count; i++) {
    yaml_node_t *it = tcad_deck_item(c, n, i), *name, *v, *vk;
    TcadContactSpec *ct = &d->contacts[i];
    char p[TCAD_DECK_PATH], pk[TCAD_DECK_PATH + 16];
    int type = TCAD_CONTACT_OHMIC;
    tcad_deck_path_index(p, sizeof p, "contacts", i);
    TCAD_CALL(tcad_deck_expect_map(c, it, p, "{name: anode, type: ohmic}"));
    TCAD_CALL(tcad_deck_keys(c, it, p, deck_contact_keys));
    ct->loc = tcad_deck_loc(it);
    TCAD_CALL(tcad_deck_need(c, it, p, "name", "the contact name", &name));
    tcad_deck_path(pk, sizeof pk, p, "name");
    TCAD_CALL(tcad_deck_str(c, name, pk, "a contact name", ct->name, sizeof ct->name));
    TCAD_CALL(tcad_deck_entity_name(c, name, pk, ct->name));
    int dup = tcad_deck_find_contact(d, ct->name);
    if (dup >= 0)
      return TCAD_DECK_FAIL(c, name, "duplicate contact name '%s' (first at %d:%d); expected unique contact names",
                            ct->name, d->contacts[dup].loc.line, d->contacts[dup].loc.col);
    int reg = tcad_deck_find_region(d, ct->name);
    if (reg >= 0)
      return TCAD_DECK_FAIL(
          c, name, "contact name '%s' is also a region name (%d:%d); expected contact names distinct from region names",
          ct->name, d->regions[reg].loc.line, d->regions[reg].loc.col);
    d->ncontacts = i + 1;
    if ((v = tcad_deck_get(c, it, "type", NULL))) {
      tcad_deck_path(pk, sizeof pk, p, "type");
      TCAD_CALL(tcad_deck_enum(c, v, pk, deck_contact_types, &type));
    }
    ct->type = (TcadContactType)type;
    TCAD_CALL(tcad_deck_get_num(c, it, p, "workfunction", "eV", &ct->workfunction, &v));
    tcad_deck_get(c, it, "workfunction", &vk);
    ct->has_workfunction = v != NULL;
    if (v) {
      tcad_deck_path(pk, sizeof pk, p, "workfunction");
      TCAD_CALL(tcad_deck_in_range(c, v, pk, ct->workfunction, 1.0, 8.0, "eV",
                                   "work functions of gate and contact materials lie between about 2 and 6 eV"));
      if (ct->type == TCAD_CONTACT_OHMIC)
        return TCAD_DECK_FAIL(c, vk,
                              "contact '%s' is ohmic but has a 'workfunction'; expected 'type: gate' or 'type: "
                              "schottky' (or no workfunction)",
                              ct->name);
    } else if (ct->type != TCAD_CONTACT_OHMIC) {
      return TCAD_DECK_FAIL(
          c, it,
          "contact '%s' of type %s has no 'workfunction'; expected its work function in eV (e.g. workfunction: 4.17)",
          ct->name, deck_contact_types[ct->type]);
    }
    yaml_node_t *vv, *vc;
    TCAD_CALL(tcad_deck_get_num(c, it, p, "voltage", "V", &ct->voltage, &vv));
    TCAD_CALL(tcad_deck_get_num(c, it, p, "current", "A", &ct->current, &vc));
    ct->has_current = vc != NULL;
    if (vv) {
      /* applied at the start in one jump (halved down to 1/256 of it when Newton needs) */
      tcad_deck_path(pk, sizeof pk, p, "voltage");
      TCAD_CALL(tcad_deck_in_range(c, vv, pk, ct->voltage, -100.0, 100.0, "V",
                                   "the starting voltage is one jump from equilibrium; ramp beyond it with a sweep "
                                   "in solve:"));
    }
    if (vc) {
      tcad_deck_path(pk, sizeof pk, p, "current");
      if (!(fabs(ct->current) <= 1e8))
        return TCAD_DECK_FAIL(c, vc,
                              "'%s' is %g; expected a contact current of at most 1e8 in size (A/cm^2 in 1D, "
                              "A/cm in 2D, A in 3D)",
                              pk, ct->current);
    }
    if (vc && vv)
      return TCAD_DECK_FAIL(c, vc,
                            "contact '%s' has both 'voltage' and 'current'; expected one: a contact is driven either "
                            "in voltage or in current",
                            ct->name);
    if (vc && ct->type != TCAD_CONTACT_OHMIC)
      return TCAD_DECK_FAIL(c, vc,
                            "contact '%s' is a %s and carries no DC current; expected 'current' only on an ohmic "
                            "contact",
                            ct->name, deck_contact_types[ct->type]);
    TCAD_CALL(tcad_deck_get_num(c, it, p, "resistance", "ohm", &ct->resistance, &v));
    if (v) {
      tcad_deck_path(pk, sizeof pk, p, "resistance");
      TCAD_CALL(tcad_deck_nonnegative(c, v, pk, ct->resistance, "ohm"));
      if (ct->type != TCAD_CONTACT_OHMIC && ct->resistance != 0)
        return TCAD_DECK_FAIL(c, v,
                              "contact '%s' is a %s and carries no DC current, so a series resistance does "
                              "nothing; expected 'resistance' only on an ohmic contact",
                              ct->name, deck_contact_types[ct->type]);
    }
    TCAD_CALL(deck_entity_box(c, it, p, "contact", ct->name, "box: {x: [0, 0]}", &ct->box, &ct->has_box));
  }
  return 0;
}

int tcad_deck_interfaces(TcadDeckCtx *c, const yaml_node_t *n)
{
  TcadDeck *d = c->deck;
  TCAD_CALL(tcad_deck_expect_list(c, n, "interfaces", "interfaces {regions: [a, b], charge: 1e10}"));
  int count = tcad_deck_len(n);
  if (!count) return 0;
  TCAD_ALLOC(d->interfaces, count);
  for (int i = 0; i < count; i++) {
    yaml_node_t *it = tcad_deck_item(c, n, i), *regs, *charge;
    TcadInterfaceSpec *f = &d->interfaces[i];
    char p[TCAD_DECK_PATH], pk[TCAD_DECK_PATH + 16], pi[TCAD_DECK_PATH + 24], b[128];
    tcad_deck_path_index(p, sizeof p, "interfaces", i);
    TCAD_CALL(tcad_deck_expect_map(c, it, p, "{regions: [silicon, oxide], charge: 1e10}"));
    TCAD_CALL(tcad_deck_keys(c, it, p, deck_interface_keys));
    f->loc = tcad_deck_loc(it);
    TCAD_CALL(tcad_deck_need(c, it, p, "regions", "the two regions [a, b] on either side", &regs));
    TCAD_CALL(tcad_deck_need(c, it, p, "charge", "the fixed charge (q cm^-2, sign included)", &charge));
    tcad_deck_path(pk, sizeof pk, p, "regions");
    if (regs->type != YAML_SEQUENCE_NODE || tcad_deck_len(regs) != 2)
      return TCAD_DECK_FAIL(c, regs, "'%s' is %s; expected a list [a, b] of two region names", pk,
                            regs->type == YAML_SEQUENCE_NODE ? "a list of another length"
                                                             : tcad_deck_what(regs, b, sizeof b));
    for (int j = 0; j < 2; j++) {
      yaml_node_t *r = tcad_deck_item(c, regs, j);
      tcad_deck_path_index(pi, sizeof pi, pk, j);
      TCAD_CALL(tcad_deck_str(c, r, pi, "a region name", f->region[j], sizeof f->region[j]));
      if (tcad_deck_find_region(d, f->region[j]) < 0)
        TCAD_CALL(tcad_deck_unknown_name(c, r, pi, "region", f->region[j], d, d->nregions, tcad_deck_name_region));
    }
    if (!strcmp(f->region[0], f->region[1]))
      return TCAD_DECK_FAIL(c, regs, "'%s' names region '%s' twice; expected two different regions", pk, f->region[0]);
    d->ninterfaces = i + 1;
    yaml_node_t *grp = tcad_deck_get(c, it, "group", NULL);
    if (grp) {
      tcad_deck_path(pk, sizeof pk, p, "group");
      TCAD_CALL(tcad_deck_str(c, grp, pk, "the name of a face group of the Gmsh mesh", f->group, sizeof f->group));
      if (d->mesh.source != TCAD_MESH_FILE)
        return TCAD_DECK_FAIL(c, grp, "'%s' names a face group, which only a Gmsh mesh (mesh.file) has; remove it", pk);
    }
    for (int j = 0; j < i; j++) {
      const TcadInterfaceSpec *g = &d->interfaces[j];
      if (((!strcmp(g->region[0], f->region[0]) && !strcmp(g->region[1], f->region[1])) ||
           (!strcmp(g->region[0], f->region[1]) && !strcmp(g->region[1], f->region[0]))) &&
          (!*g->group || !*f->group || !strcmp(g->group, f->group)))
        return TCAD_DECK_FAIL(c, regs,
                              "interface %s/%s is given twice (first at %d:%d); expected one entry per pair of regions "
                              "(or per face group of the pair, each entry with its 'group')",
                              f->region[0], f->region[1], g->loc.line, g->loc.col);
    }
    tcad_deck_path(pk, sizeof pk, p, "charge");
    TCAD_CALL(tcad_deck_num(c, charge, pk, "q cm^-2", &f->charge));
    TCAD_CALL(tcad_deck_in_range(c, charge, pk, f->charge, -1e14, 1e14, "q cm^-2",
                                 "a monolayer of silicon is 7e14 cm^-2; oxide charges are 1e9 to 1e13"));
  }
  return 0;
}
