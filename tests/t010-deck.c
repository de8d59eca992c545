/* Deck parser: a complete deck's values and unit conversions, and one test per error class
 * with the exact FILE:LINE:COL (counted by hand in the strings below). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "tcad/deck.h"
#include "tcad/error.h"

static const char *full_deck =
    "title: test deck\n"
    "mesh:\n"
    "  generate:\n"
    "    x:\n"
    "      - {at: 0.0, step: 0.05}\n"
    "      - {at: 1.0, step: 0.01}\n"
    "    y:\n"
    "      - {at: -0.002, step: 0.001}\n"
    "      - {at: 0.0, step: 0.001}\n"
    "      - {at: 2.0, step: 0.1}\n"
    "regions:\n"
    "  - {name: silicon, material: Si, box: {y: [0, 2]}}\n"
    "  - {name: oxide, material: SiO2, box: {x: [0.2, 0.8], y: [-0.002, 0]}}\n"
    "  - {name: lowmob, material: si_lowmob, box: {x: [0.9, 1.0], y: [1.5, 2]}}\n"
    "contacts:\n"
    "  - {name: source, type: ohmic, box: {x: [0, 0.1], y: [0, 0]}}\n"
    "  - {name: gate, type: gate, workfunction: 4.17, voltage: 0.5, box: {x: [0.2, 0.8], y: [-0.002, -0.002]}}\n"
    "  - {name: drain, resistance: 100, box: {x: [0.9, 1], y: [0, 0]}}\n"
    "doping:\n"
    "  - {profile: uniform, species: acceptor, conc: 1e17}\n"
    "  - {profile: box, species: donor, conc: 1.0e20, box: {x: [0, 0.1], y: [0, 0.05]}, region: silicon}\n"
    "  - profile: gaussian\n"
    "    species: donor\n"
    "    peak: 1e20\n"
    "    window: {x: [0.9, 1.0]}\n"
    "    surface: 0.0\n"
    "    char: 0.03\n"
    "    lateral: 0.02\n"
    "  - {profile: erfc, species: acceptor, peak: 1e18, axis: x, surface: 0.5, junction: 0.1, background: 1e16}\n"
    "  - {profile: gaussian, species: donor, peak: 1e19, junction: 0.2, background: 1e17}\n"
    "materials:\n"
    "  Si: {permittivity: 11.9, ni: 1.45e10, mu_const: [1400, 450]}\n"
    "  Si_lowmob: {base: Si, mu_const: [1000, 400]}\n"
    "physics:\n"
    "  transport: energy-balance\n"
    "  temperature: 350\n"
    "  statistics: fermi\n"
    "  mobility: masetti\n"
    "  high_field: none\n"
    "  recombination: [srh]\n"
    "  impact_ionization: selberherr\n"
    "  hot_carrier: lucky-electron\n"
    "interfaces:\n"
    "  - {regions: [silicon, oxide], charge: -1e10}\n"
    "solve:\n"
    "  - equilibrium: {}\n"
    "  - bias: {drain: 0.05, source: 0}\n"
    "  - sweep: {contact: gate, to: 1.5, step: 0.05}\n"
    "  - sweep: {contact: [drain, source], to: [2.0, 0.0], step: 0.1, min_step: 1e-3, max_step: 0.25}\n"
    "  - equilibrium:\n"
    "output:\n"
    "  directory: out/test\n"
    "  fields: f.h5\n"
    "  iv: cur.csv\n";

#define CLOSE(a, b) tap_close((a), (b), 1e-12, 0.0)

static void test_full(void)
{
  TcadDeck *d = NULL;
  int rc = TcadDeckLoadString(full_deck, "full.yaml", &d);
  tap_check(rc == 0 && d, "full deck parses", "rc %d: %s", rc, tcad_error_message());
  if (!d) return;
  tap_check(!strcmp(d->title, "test deck"), "title", "'%s'", d->title);
  tap_check(d->mesh.source == TCAD_MESH_GENERATE && d->mesh.dim == 2, "generated 2D mesh", "source %d dim %d",
            d->mesh.source, d->mesh.dim);
  tap_check(d->mesh.nlines[0] == 2 && d->mesh.nlines[1] == 3 && d->mesh.nlines[2] == 0, "anchor counts", "%d %d %d",
            d->mesh.nlines[0], d->mesh.nlines[1], d->mesh.nlines[2]);
  tap_check(CLOSE(d->mesh.lines[0][1].at, 1.0e-4) && CLOSE(d->mesh.lines[0][1].step, 0.01e-4) &&
                CLOSE(d->mesh.lines[1][0].at, -0.002e-4) && CLOSE(d->mesh.lines[1][2].step, 0.1e-4),
            "anchors converted µm -> cm", "x1 %g/%g y0 %g", d->mesh.lines[0][1].at, d->mesh.lines[0][1].step,
            d->mesh.lines[1][0].at);
  tap_check(d->mesh.loc.line == 3 && d->mesh.loc.col == 3, "mesh loc", "%d:%d", d->mesh.loc.line, d->mesh.loc.col);

  tap_check(d->nregions == 3 && !strcmp(d->regions[0].name, "silicon") && !strcmp(d->regions[1].material, "SiO2") &&
                !strcmp(d->regions[2].material, "Si_lowmob"),
            "regions and canonical material names", "n %d, '%s'", d->nregions,
            d->nregions == 3 ? d->regions[2].material : "");
  const TcadBox *b = &d->regions[1].box;
  tap_check(d->regions[1].has_box && b->has[0] && b->has[1] && !b->has[2] && CLOSE(b->lo[0], 0.2e-4) &&
                CLOSE(b->hi[0], 0.8e-4) && CLOSE(b->lo[1], -0.002e-4) && b->hi[1] == 0.0,
            "region box in cm", "%g %g %g %g", b->lo[0], b->hi[0], b->lo[1], b->hi[1]);
  tap_check(!d->regions[0].box.has[0] && d->regions[0].box.has[1], "box axis left out is unbounded", "has %d %d",
            d->regions[0].box.has[0], d->regions[0].box.has[1]);
  tap_check(d->regions[1].loc.line == 13 && d->regions[1].loc.col == 5, "region loc", "%d:%d", d->regions[1].loc.line,
            d->regions[1].loc.col);

  tap_check(d->ncontacts == 3 && d->contacts[0].type == TCAD_CONTACT_OHMIC &&
                d->contacts[1].type == TCAD_CONTACT_GATE && d->contacts[1].has_workfunction &&
                CLOSE(d->contacts[1].workfunction, 4.17) && CLOSE(d->contacts[1].voltage, 0.5) &&
                d->contacts[2].type == TCAD_CONTACT_OHMIC && CLOSE(d->contacts[2].resistance, 100.0) &&
                !d->contacts[0].has_workfunction,
            "contacts", "n %d", d->ncontacts);
  tap_check(d->contacts[1].has_box && CLOSE(d->contacts[1].box.lo[1], -0.002e-4) &&
                d->contacts[1].box.lo[1] == d->contacts[1].box.hi[1],
            "zero-width contact box", "%g %g", d->contacts[1].box.lo[1], d->contacts[1].box.hi[1]);

  tap_check(d->ndoping == 5, "doping count", "%d", d->ndoping);
  if (d->ndoping == 5) {
    const TcadDopingSpec *u = &d->doping[0], *x = &d->doping[1], *g = &d->doping[2], *e = &d->doping[3],
                         *j = &d->doping[4];
    tap_check(u->profile == TCAD_DOPING_UNIFORM && u->species == -1 && CLOSE(u->peak, 1e17) && !u->region[0] &&
                  !u->has_window,
              "uniform acceptor", "profile %d species %d peak %g", u->profile, u->species, u->peak);
    tap_check(x->profile == TCAD_DOPING_BOX && x->species == 1 && CLOSE(x->peak, 1e20) && x->has_window &&
                  CLOSE(x->window.hi[1], 0.05e-4) && !strcmp(x->region, "silicon"),
              "box donor", "peak %g region '%s'", x->peak, x->region);
    tap_check(g->profile == TCAD_DOPING_GAUSSIAN && g->depth_axis == 1 && CLOSE(g->char_length, 0.03e-4) &&
                  CLOSE(g->lateral, 0.02e-4) && g->has_window && g->window.has[0] && !g->window.has[1] &&
                  CLOSE(g->window.lo[0], 0.9e-4) && g->surface == 0.0,
              "gaussian: default axis y in 2D, lengths in cm", "axis %d char %g lateral %g", g->depth_axis,
              g->char_length, g->lateral);
    tap_check(g->loc.line == 22 && g->loc.col == 5, "doping loc", "%d:%d", g->loc.line, g->loc.col);
    /* independent check: the profile equals the background at the junction depth */
    double xj = 0.1e-4, nb = 1e16;
    tap_check(e->profile == TCAD_DOPING_ERFC && e->depth_axis == 0 && CLOSE(e->surface, 0.5e-4) &&
                  tap_close(1e18 * erfc(xj / e->char_length), nb, 1e-10, 0.0) &&
                  CLOSE(e->lateral, 0.8 * e->char_length),
              "erfc junction -> char (N(xj) = background), lateral 0.8 char", "char %g N(xj) %g", e->char_length,
              1e18 * erfc(xj / e->char_length));
    /* erfc(1.82138636771844967) = 0.01 (tabulated: erf(1.8213863677) = 0.99) */
    tap_check(tap_close(e->char_length, 0.1e-4 / 1.82138636771844967, 1e-12, 0.0),
              "erfc char vs tabulated erfcinv(0.01)", "char %.17g", e->char_length);
    xj = 0.2e-4;
    nb = 1e17;
    tap_check(j->profile == TCAD_DOPING_GAUSSIAN && CLOSE(j->char_length, xj / sqrt(log(100.0))) &&
                  tap_close(1e19 * exp(-pow(xj / j->char_length, 2)), nb, 1e-12, 0.0),
              "gaussian junction -> char", "char %g", j->char_length);
  }

  const TcadMaterial *si = TcadDeckGetMaterial(d, "si"), *low = TcadDeckGetMaterial(d, "SI_LOWMOB"),
                     *ox = TcadDeckGetMaterial(d, "SiO2");
  tap_check(si && CLOSE(si->permittivity, 11.9) && CLOSE(si->ni, 1.45e10) && CLOSE(si->mu_const[0], 1400) &&
                CLOSE(si->mu_const[1], 450) && CLOSE(si->bandgap, 1.1242),
            "Si overrides applied, other fields kept", "eps %g ni %g", si ? si->permittivity : 0, si ? si->ni : 0);
  tap_check(low && !strcmp(low->name, "Si_lowmob") && low->kind == TCAD_MAT_SEMICONDUCTOR &&
                CLOSE(low->permittivity, 11.9) && CLOSE(low->mu_const[0], 1000) && CLOSE(low->mu_const[1], 400) &&
                CLOSE(low->ct_mumax[0], 1429.23),
            "new material from base (sees the base's overrides)", "%s", low ? low->name : "(missing)");
  tap_check(ox && ox->kind == TCAD_MAT_INSULATOR && CLOSE(ox->permittivity, 3.9) && d->nmaterials == 3,
            "SiO2 untouched, material count", "n %d", d->nmaterials);
  tap_check(tcad_material_find("si") && CLOSE(tcad_material_find("Si")->permittivity, 11.7),
            "built-in table not modified", "eps %g",
            tcad_material_find("Si") ? tcad_material_find("Si")->permittivity : 0);

  const TcadPhysicsSpec *ph = &d->physics;
  tap_check(ph->transport == TCAD_TRANSPORT_EB && CLOSE(ph->temperature, 350) && ph->statistics == TCAD_STAT_FERMI &&
                ph->mobility == TCAD_MOB_MASETTI && ph->high_field == TCAD_HF_NONE && ph->srh && !ph->auger &&
                ph->impact == TCAD_II_SELBERHERR && ph->hot_carrier == TCAD_HC_LUCKY,
            "physics", "transport %d", ph->transport);
  tap_check(ph->loc_transport.line == 35 && ph->loc_transport.col == 3 && ph->loc_impact.line == 41 &&
                ph->loc_hot_carrier.line == 42,
            "physics key locs", "transport %d:%d impact %d", ph->loc_transport.line, ph->loc_transport.col,
            ph->loc_impact.line);
  tap_check(d->ninterfaces == 1 && !strcmp(d->interfaces[0].region[1], "oxide") &&
                CLOSE(d->interfaces[0].charge, -1e10),
            "interfaces", "n %d", d->ninterfaces);

  tap_check(d->nsteps == 5, "solve step count", "%d", d->nsteps);
  if (d->nsteps == 5) {
    const TcadSolveStep *s = d->steps;
    tap_check(s[0].kind == TCAD_STEP_EQUILIBRIUM && s[4].kind == TCAD_STEP_EQUILIBRIUM,
              "equilibrium steps ({} and null)", "%d %d", s[0].kind, s[4].kind);
    tap_check(s[1].kind == TCAD_STEP_BIAS && s[1].ncontacts == 2 && !strcmp(s[1].contact[0], "drain") &&
                  CLOSE(s[1].value[0], 0.05) && !strcmp(s[1].contact[1], "source") && s[1].value[1] == 0.0,
              "bias step", "n %d", s[1].ncontacts);
    tap_check(s[2].kind == TCAD_STEP_SWEEP && s[2].ncontacts == 1 && !strcmp(s[2].contact[0], "gate") &&
                  CLOSE(s[2].value[0], 1.5) && CLOSE(s[2].step, 0.05) && s[2].min_step == 0 && s[2].max_step == 0,
              "single-contact sweep", "n %d", s[2].ncontacts);
    tap_check(s[3].ncontacts == 2 && CLOSE(s[3].value[0], 2.0) && !strcmp(s[3].contact[1], "source") &&
                  CLOSE(s[3].min_step, 1e-3) && CLOSE(s[3].max_step, 0.25),
              "two-contact sweep with limits", "n %d", s[3].ncontacts);
    tap_check(s[3].loc.line == 49 && s[3].loc.col == 5, "step loc", "%d:%d", s[3].loc.line, s[3].loc.col);
  }
  tap_check(!strcmp(d->output.directory, "out/test") && !strcmp(d->output.fields, "f.h5") &&
                !strcmp(d->output.iv, "cur.csv"),
            "output", "'%s'", d->output.directory);
  tap_check(!strcmp(TcadDeckGetLocation(d, d->doping[2].loc), "full.yaml:22:5"), "TcadDeckGetLocation", "'%s'",
            TcadDeckGetLocation(d, d->doping[2].loc));
  TcadDeckDestroy(&d);
  tap_check(d == NULL, "destroy clears the pointer", "%p", (void *)d);
}

/* Lines 1-8 of every small deck below. */
#define BASE1D                                                                                                         \
  "mesh:\n"                                                                                                            \
  "  generate:\n"                                                                                                      \
  "    x: [{at: 0, step: 0.1}, {at: 1, step: 0.1}]\n"                                                                  \
  "regions:\n"                                                                                                         \
  "  - {name: si, material: Si, box: {x: [0, 1]}}\n"                                                                   \
  "contacts:\n"                                                                                                        \
  "  - {name: a, box: {x: [0, 0]}}\n"                                                                                  \
  "  - {name: b, box: {x: [1, 1]}}\n"

static void test_defaults(void)
{
  TcadDeck *d = NULL;
  int rc = TcadDeckLoadString(BASE1D "doping:\n  - {profile: gaussian, species: donor, peak: 1e18, char: 0.1}\n",
                              "dir/pn.yaml", &d);
  tap_check(rc == 0, "minimal 1D deck parses", "%s", tcad_error_message());
  if (!d) return;
  const TcadPhysicsSpec *ph = &d->physics;
  tap_check(ph->transport == TCAD_TRANSPORT_DD && ph->temperature == 300.0 && ph->statistics == TCAD_STAT_BOLTZMANN &&
                ph->mobility == TCAD_MOB_CAUGHEY_THOMAS && ph->high_field == TCAD_HF_CANALI && ph->srh && ph->auger &&
                ph->impact == TCAD_II_NONE && ph->hot_carrier == TCAD_HC_NONE && ph->loc_transport.line == 0,
            "physics defaults", "transport %d T %g", ph->transport, ph->temperature);
  tap_check(!strcmp(d->output.directory, "tcad-out/pn") && !strcmp(d->output.fields, "fields.h5") &&
                !strcmp(d->output.iv, "iv.csv") && d->output.loc.line == 0,
            "output defaults", "'%s' '%s' '%s'", d->output.directory, d->output.fields, d->output.iv);
  tap_check(d->mesh.dim == 1 && d->doping[0].depth_axis == 0 && CLOSE(d->doping[0].lateral, 0.8e-5) &&
                d->contacts[0].type == TCAD_CONTACT_OHMIC && d->nsteps == 0 && d->nmaterials == 2,
            "1D defaults: depth axis x, lateral 0.8 char, ohmic, no steps", "axis %d lateral %g",
            d->doping[0].depth_axis, d->doping[0].lateral);
  TcadDeckDestroy(&d);

  rc = TcadDeckLoadString("mesh: {file: dev.msh, scale: 1000}\n"
                          "regions: [{name: bulk, material: Si}]\n"
                          "contacts: [{name: top}]\n"
                          "doping: [{profile: erfc, species: donor, peak: 1e19, char: 0.05}]\n"
                          "physics: {recombination: []}\n",
                          "gm.yaml", &d);
  tap_check(rc == 0, "Gmsh deck parses", "%s", tcad_error_message());
  if (!d) return;
  tap_check(d->mesh.source == TCAD_MESH_FILE && !strcmp(d->mesh.file, "dev.msh") && CLOSE(d->mesh.scale, 0.1) &&
                d->doping[0].depth_axis == -1 && !d->regions[0].has_box && !d->physics.srh && !d->physics.auger,
            "Gmsh: file, scale in cm per unit, depth axis -1, empty recombination", "file '%s' scale %g axis %d",
            d->mesh.file, d->mesh.scale, d->doping[0].depth_axis);
  TcadDeckDestroy(&d);
  rc = TcadDeckLoadString("mesh: {file: dev.msh}\nregions: [{name: bulk, material: Si}]\n", "gm.yaml", &d);
  tap_check(rc == 0 && d && CLOSE(d->mesh.scale, 1e-4), "Gmsh default scale: µm", "%g", d ? d->mesh.scale : 0);
  TcadDeckDestroy(&d);
}

/* Load `text`, expect failure with `code` and a message containing each of the fragments. */
static void expect_error(const char *test, const char *text, int code, const char *frag1, const char *frag2)
{
  TcadDeck *d = NULL;
  tcad_error_clear();
  int rc = TcadDeckLoadString(text, "t.yaml", &d);
  const char *msg = tcad_error_message();
  int ok = rc == code && d == NULL && strstr(msg, frag1) && (!frag2 || strstr(msg, frag2));
  tap_check(ok, test, "rc %d (want %d), message: %s", rc, code, msg);
  TcadDeckDestroy(&d);
}

static void test_errors(void)
{
  const int E = TCAD_ERR_INPUT;
  expect_error("unknown key with suggestion",
               BASE1D "doping:\n"
                      "  - profile: uniform\n"
                      "    species: donor\n"
                      "    conk: 1e16\n",
               E, "t.yaml:12:5: unknown key 'conk' in 'doping[0]'; did you mean 'conc'?", NULL);
  expect_error("unknown top-level key with suggestion", BASE1D "dopping: []\n", E,
               "t.yaml:9:1: unknown key 'dopping' in the top level; did you mean 'doping'?", NULL);
  expect_error("unknown key, no close match: list of valid keys", BASE1D "physics: {frobnicate: 1}\n", E,
               "t.yaml:9:11: unknown key 'frobnicate' in 'physics'; valid keys: transport, temperature", NULL);
  expect_error("string where a number is expected",
               BASE1D "doping:\n"
                      "  - profile: uniform\n"
                      "    species: donor\n"
                      "    conc: abc\n",
               E, "t.yaml:12:11: 'doping[0].conc' is 'abc'; expected a number (cm^-3)", NULL);
  expect_error("quoted number is a string", BASE1D "physics: {temperature: \"300\"}\n", E,
               "t.yaml:9:24: 'physics.temperature' is the quoted string '300'; expected a number", NULL);
  expect_error("mapping where a list is expected", BASE1D "doping: {profile: uniform}\n", E,
               "t.yaml:9:9: 'doping' is a mapping; expected a list", NULL);
  expect_error("bad enum with suggestion",
               BASE1D "doping:\n"
                      "  - profile: uniform\n"
                      "    species: doner\n"
                      "    conc: 1e16\n",
               E, "t.yaml:11:14: invalid value 'doner' for 'doping[0].species'; did you mean 'donor'?",
               "expected one of: donor, acceptor");
  expect_error("bad physics enum", BASE1D "physics:\n  transport: drift-difusion\n", E,
               "t.yaml:10:14: invalid value 'drift-difusion' for 'physics.transport'; did you mean 'drift-diffusion'?",
               "energy-balance-electrons");
  expect_error("YAML syntax error: unclosed flow sequence",
               "mesh:\n"
               "  generate:\n"
               "    x: [{at: 0, step: 0.1}, {at: 1, step: 0.1}\n"
               "regions: []\n",
               E,
               "t.yaml:4:1: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at 3:8)",
               "expected well-formed YAML");
  expect_error("YAML syntax error: bad indentation",
               "mesh:\n"
               "  file: a.msh\n"
               " scale: 2\n",
               E, "t.yaml:3:2: YAML syntax error:", "(while parsing a block mapping at 1:1)");
  expect_error("YAML syntax error: tab indentation", "mesh:\n\tfile: a.msh\n", E, "t.yaml:2:1: YAML syntax error",
               NULL);
  /* nesting: refused at the 65th bracket before libyaml, whose scanner is quadratic in it (200k
   * '[' took ~100 s and ended in a syntax error) */
  {
    const size_t n = 200000;
    char *deep = malloc(n + 16);
    if (deep) {
      memcpy(deep, "mesh: ", 6);
      memset(deep + 6, '[', n);
      strcpy(deep + 6 + n, "\n");
      expect_error("nesting deeper than 64 refused at its bracket", deep, E,
                   "t.yaml:1:71: lists and mappings nested more than 64 deep", "expected a deck");
      free(deep);
    }
  }
  /* a deck above 16 MiB (here all comment) is refused with its size, before libyaml reads it */
  {
    const size_t n = (16u << 20) + 1;
    char *big = malloc(n + 1);
    if (big) {
      memset(big, ' ', n);
      big[0] = '#', big[n] = 0;
      expect_error("a deck above 16 MiB refused", big, E, "t.yaml: the deck has 16777217 bytes; expected at most",
                   NULL);
      free(big);
    }
  }
  /* ... counted outside quoted scalars and comments only: brackets there do not count */
  {
    char text[8192];
    int k = snprintf(text, sizeof text, "%s", BASE1D "title: \"");
    for (int i = 0; i < 100; i++) text[k++] = '[';
    k += snprintf(text + k, sizeof text - (size_t)k, "\" # ");
    for (int i = 0; i < 100; i++) text[k++] = '{';
    snprintf(text + k, sizeof text - (size_t)k, "\nmaterials: {Si: {permittivity: 11.7}} # it's [\n");
    TcadDeck *d = NULL;
    const int rc = TcadDeckLoadString(text, "q.yaml", &d);
    tap_check(rc == 0 && d && strlen(d->title) == 100, "nesting: brackets in quotes and comments are not nesting",
              "rc %d: %s", rc, tcad_error_message());
    TcadDeckDestroy(&d);
  }
  expect_error("interface group on a generated mesh",
               "mesh: {generate: {x: [{at: 0, step: 0.1}, {at: 1, step: 0.1}]}}\n"
               "regions: [{name: a, material: Si, box: {x: [0, 0.5]}}, {name: b, material: SiO2, box: {x: [0.5, 1]}}]\n"
               "interfaces: [{regions: [a, b], group: iface, charge: 1e10}]\n",
               E, "t.yaml:3:39: 'interfaces[0].group' names a face group, which only a Gmsh mesh (mesh.file) has",
               NULL);
  expect_error("missing required top-level key", "mesh: {file: a.msh}\n", E,
               "t.yaml:1:1: missing key 'regions' in the top level; expected a list of regions", NULL);
  expect_error("missing required key in an entry", BASE1D "doping:\n  - {profile: uniform, conc: 1e16}\n", E,
               "t.yaml:10:5: missing key 'species' in 'doping[0]'; expected one of: donor, acceptor", NULL);
  expect_error("duplicate key",
               BASE1D "physics:\n"
                      "  mobility: constant\n"
                      "  mobility: masetti\n",
               E, "t.yaml:11:3: duplicate key 'mobility' in 'physics' (first given at 10:3)", NULL);
  expect_error("duplicate region name",
               "mesh: {generate: {x: [{at: 0, step: 0.1}, {at: 1, step: 0.1}]}}\n"
               "regions:\n"
               "  - {name: si, material: Si, box: {}}\n"
               "  - {name: si, material: SiO2, box: {}}\n",
               E, "t.yaml:4:12: duplicate region name 'si' (first at 3:5)", NULL);
  expect_error("unknown material with suggestion",
               "mesh: {file: a.msh}\n"
               "regions:\n"
               "  - {name: ox, material: SiO3}\n",
               E, "t.yaml:3:26: unknown material 'SiO3' in 'regions[0].material'; did you mean 'SiO2'?", "Si, SiO2");
  expect_error("gate without workfunction",
               "mesh: {file: a.msh}\n"
               "regions: [{name: ox, material: SiO2}]\n"
               "contacts:\n"
               "  - {name: g, type: gate}\n",
               E, "t.yaml:4:5: contact 'g' of type gate has no 'workfunction'", NULL);
  expect_error("schottky without workfunction",
               "mesh: {file: a.msh}\nregions: [{name: s, material: Si}]\ncontacts: [{name: k, type: schottky}]\n", E,
               "t.yaml:3:12: contact 'k' of type schottky has no 'workfunction'", NULL);
  expect_error("generated mesh region without box",
               "mesh: {generate: {x: [{at: 0, step: 0.1}, {at: 1, step: 0.1}]}}\n"
               "regions:\n"
               "  - name: si\n"
               "    material: Si\n",
               E, "t.yaml:3:5: region 'si' ('regions[0]') has no 'box'", NULL);
  expect_error("generated mesh contact without box",
               "mesh: {generate: {x: [{at: 0, step: 1}, {at: 1, step: 1}]}}\n"
               "regions: [{name: si, material: Si, box: {}}]\ncontacts: [{name: a}]\n",
               E, "t.yaml:3:12: contact 'a' ('contacts[0]') has no 'box'", NULL);
  expect_error("Gmsh mesh forbids box",
               "mesh: {file: a.msh}\n"
               "regions: [{name: si, material: Si, box: {x: [0, 1]}}]\n",
               E, "t.yaml:2:36: 'regions[0].box' is given but the mesh comes from a Gmsh file", "remove it");
  expect_error("non-increasing anchors",
               "mesh:\n"
               "  generate:\n"
               "    x:\n"
               "      - {at: 0.0, step: 0.1}\n"
               "      - {at: 1.0, step: 0.1}\n"
               "      - {at: 1.0, step: 0.1}\n",
               E, "t.yaml:6:14: 'mesh.generate.x[2].at' is 1, not above the previous anchor (1)",
               "expected strictly increasing anchors");
  expect_error("one anchor", "mesh: {generate: {x: [{at: 0, step: 0.1}]}}\nregions: []\n", E,
               "t.yaml:1:22: 'mesh.generate.x' has 1 anchor; expected at least 2", NULL);
  expect_error("y without x", "mesh: {generate: {y: [{at: 0, step: 0.1}, {at: 1, step: 0.1}]}}\n", E,
               "t.yaml:1:19: 'mesh.generate' has 'y' but no 'x'", NULL);
  expect_error("z without y",
               "mesh: {generate: {x: [{at: 0, step: 1}, {at: 1, step: 1}], z: [{at: 0, step: 1}, {at: 1, step: 1}]}}\n",
               E, "t.yaml:1:60: 'mesh.generate' has 'z' but no 'y'", NULL);
  expect_error("zero step", "mesh: {generate: {x: [{at: 0, step: 0}, {at: 1, step: 1}]}}\n", E,
               "t.yaml:1:37: 'mesh.generate.x[0].step' is 0; expected a positive number", NULL);
  expect_error("both file and generate", "mesh: {file: a.msh, generate: {}}\n", E,
               "t.yaml:1:21: 'mesh' has both 'file' and 'generate'", NULL);
  expect_error("box axis beyond the mesh dimension",
               "mesh: {generate: {x: [{at: 0, step: 1}, {at: 1, step: 1}]}}\nregions: [{name: s, material: Si, box: "
               "{y: [0, 1]}}]\n",
               E, "t.yaml:2:41: axis 'y' in 'regions[0].box' but the mesh is 1D; expected only x", NULL);
  expect_error("box lo > hi",
               "mesh: {generate: {x: [{at: 0, step: 1}, {at: 1, step: 1}]}}\nregions: [{name: s, material: Si, box: "
               "{x: [1, 0]}}]\n",
               E, "t.yaml:2:44: 'regions[0].box.x' is [1, 0]; expected [lo, hi] with lo <= hi", NULL);
  expect_error("doping region unknown",
               BASE1D "doping:\n"
                      "  - {profile: uniform, species: donor, conc: 1e16, region: sii}\n",
               E, "t.yaml:10:60: unknown region 'sii' in 'doping[0].region'; did you mean 'si'?", NULL);
  expect_error("conc on a gaussian", BASE1D "doping:\n  - {profile: gaussian, species: donor, conc: 1e16, char: 1}\n",
               E, "t.yaml:10:41: 'conc' does not apply to profile 'gaussian' in 'doping[0]'; expected 'peak'", NULL);
  expect_error("char and junction together",
               BASE1D
               "doping:\n  - {profile: erfc, species: donor, peak: 1e18, char: 0.1, junction: 0.2, background: 1e15}\n",
               E, "t.yaml:10:60: 'doping[0]' has both 'char' and 'junction'", NULL);
  expect_error("junction without background",
               BASE1D "doping:\n  - {profile: erfc, species: donor, peak: 1e18, junction: 0.2}\n", E,
               "t.yaml:10:49: 'doping[0]' has 'junction' without 'background'", NULL);
  expect_error("background above peak",
               BASE1D "doping:\n  - {profile: erfc, species: donor, peak: 1e18, junction: 0.2, background: 1e19}\n", E,
               "'doping[0].background' is 1e+19, not below the peak 1e+18", NULL);
  expect_error("box profile without box", BASE1D "doping:\n  - {profile: box, species: donor, conc: 1e18}\n", E,
               "t.yaml:10:5: missing key 'box' in 'doping[0]'", NULL);
  expect_error("depth axis beyond the mesh",
               BASE1D "doping:\n  - {profile: erfc, species: donor, peak: 1e18, char: 1, axis: y}\n", E,
               "t.yaml:10:64: 'doping[0].axis' is 'y' but the mesh is 1D", NULL);
  expect_error("sweep contact unknown",
               BASE1D "solve:\n"
                      "  - sweep: {contact: cathode, to: 1, step: 0.1}\n",
               E, "t.yaml:10:22: unknown contact 'cathode' in 'solve[0].sweep.contact'; expected one of: a, b", NULL);
  expect_error("section given twice", BASE1D "contacts: []\n", E,
               "t.yaml:9:1: duplicate key 'contacts' in the top level (first given at 6:1)", NULL);
  expect_error("sweep to/contact length mismatch", BASE1D "solve:\n  - sweep: {contact: [a, b], to: [1], step: 0.1}\n",
               E, "t.yaml:10:34: 'solve[0].sweep.to' has 1 value for 2 contacts", NULL);
  expect_error("sweep zero step", BASE1D "solve:\n  - sweep: {contact: a, to: 1, step: 0}\n", E,
               "t.yaml:10:38: 'solve[0].sweep.step' is 0; expected a positive number", NULL);
  /* drives in current and through a resistance */
  expect_error("sweep in current and voltage",
               BASE1D "solve:\n  - sweep: {contact: a, to: 1, current: 1e-3, step: 0.1}\n", E,
               "'solve[0].sweep' has both 'to' (an end voltage) and 'current' (an end current)", NULL);
  expect_error("sweep in current of two contacts",
               BASE1D "solve:\n  - sweep: {contact: [a, b], current: 1e-3, step: 0.1}\n", E,
               "'solve[0].sweep.contact' is a list; a sweep in current drives one contact", NULL);
  expect_error("sweep to zero current", BASE1D "solve:\n  - sweep: {contact: a, current: 0, step: 0.1}\n", E,
               "'solve[0].sweep.current' is 0; expected a non-zero end current", NULL);
  expect_error("sweep in current, step unit", BASE1D "solve:\n  - sweep: {contact: a, current: 1e-3, step: -1}\n", E,
               "'solve[0].sweep.step'", "decades");
  expect_error("contact with voltage and current",
               "mesh:\n  generate:\n    x: [{at: 0, step: 0.1}, {at: 1, step: 0.1}]\n"
               "regions: [{name: si, material: Si, box: {x: [0, 1]}}]\n"
               "contacts:\n  - {name: a, voltage: 1, current: 1e-3, box: {x: [0, 0]}}\n",
               E, "contact 'a' has both 'voltage' and 'current'", NULL);
  expect_error("gate driven in current",
               "mesh:\n  generate:\n    x: [{at: 0, step: 0.1}, {at: 1, step: 0.1}]\n"
               "regions: [{name: si, material: Si, box: {x: [0, 1]}}]\n"
               "contacts:\n  - {name: g, type: gate, workfunction: 4.1, current: 1e-3, box: {x: [0, 0]}}\n",
               E, "contact 'g' is a gate and carries no DC current; expected 'current' only on an ohmic contact", NULL);
  expect_error("gate with a resistance",
               "mesh:\n  generate:\n    x: [{at: 0, step: 0.1}, {at: 1, step: 0.1}]\n"
               "regions: [{name: si, material: Si, box: {x: [0, 1]}}]\n"
               "contacts:\n  - {name: g, type: gate, workfunction: 4.1, resistance: 10, box: {x: [0, 0]}}\n",
               E, "contact 'g' is a gate and carries no DC current, so a series resistance does nothing", NULL);
  {
    TcadDeck *d = NULL;
    int rc = TcadDeckLoadString(BASE1D "solve:\n  - sweep: {contact: b, current: -2e-3, step: 0.25, max_step: 1}\n",
                                "t.yaml", &d);
    tap_check(rc == 0 && d && d->nsteps == 1 && d->steps[0].in_current && d->steps[0].value[0] == -2e-3 &&
                  d->steps[0].step == 0.25 && d->steps[0].max_step == 1.0,
              "sweep in current parsed", "%s", tcad_error_message());
    TcadDeckDestroy(&d);
    rc = TcadDeckLoadString("mesh:\n  generate:\n    x: [{at: 0, step: 0.1}, {at: 1, step: 0.1}]\n"
                            "regions: [{name: si, material: Si, box: {x: [0, 1]}}]\n"
                            "contacts:\n  - {name: a, current: 5e-2, resistance: 20, box: {x: [0, 0]}}\n",
                            "t.yaml", &d);
    tap_check(rc == 0 && d && d->contacts[0].has_current && d->contacts[0].current == 5e-2 &&
                  d->contacts[0].resistance == 20.0,
              "contact current and resistance parsed", "%s", tcad_error_message());
    TcadDeckDestroy(&d);
  }
  expect_error("linear profile without gradient", BASE1D "doping:\n  - {profile: linear, species: donor}\n", E,
               "missing key 'gradient' in 'doping[0]'", NULL);
  expect_error("linear profile with zero gradient",
               BASE1D "doping:\n  - {profile: linear, species: donor, gradient: 0}\n", E,
               "'doping[0].gradient' is 0; expected a non-zero gradient (cm^-4)", NULL);
  expect_error("linear profile with conc",
               BASE1D "doping:\n  - {profile: linear, species: donor, gradient: 1e20, conc: 1}\n", E,
               "'conc' does not apply to profile 'linear'", NULL);
  {
    TcadDeck *d = NULL;
    int rc = TcadDeckLoadString(
        BASE1D "doping:\n  - {profile: linear, species: acceptor, gradient: -2e19, surface: 0.5}\n", "t.yaml", &d);
    tap_check(rc == 0 && d && d->doping[0].profile == TCAD_DOPING_LINEAR && d->doping[0].gradient == -2e19 &&
                  fabs(d->doping[0].surface - 0.5e-4) < 1e-12 && d->doping[0].depth_axis == 0,
              "linear profile parsed", "%s", tcad_error_message());
    TcadDeckDestroy(&d);
  }
  expect_error("bias contact unknown", BASE1D "solve:\n  - bias: {aa: 1}\n", E,
               "t.yaml:10:12: unknown contact 'aa' in 'solve[0].bias'; did you mean 'a'?", NULL);
  expect_error("solve item with two keys", BASE1D "solve:\n  - {bias: {a: 1}, sweep: {}}\n", E,
               "t.yaml:10:5: 'solve[0]' is a mapping with several keys; expected a one-key mapping", NULL);
  expect_error("unknown solve kind", BASE1D "solve:\n  - equilibrum: {}\n", E,
               "t.yaml:10:5: unknown key 'equilibrum' in 'solve[0]'; did you mean 'equilibrium'?", NULL);
  expect_error("unknown override material", "materials: {Sii: {ni: 1}}\nmesh: {file: a.msh}\nregions: []\n", E,
               "t.yaml:1:13: 'Sii' is not a built-in material (did you mean 'Si'?)", "base");
  expect_error("unknown material field", "materials: {Si: {permitivity: 12}}\n", E,
               "t.yaml:1:18: unknown key 'permitivity' in 'materials.Si'; did you mean 'permittivity'?", NULL);
  expect_error("pair field needs two values", "materials: {Si: {mu_const: 1000}}\n", E,
               "t.yaml:1:28: 'materials.Si.mu_const' is '1000'; expected a list [electron, hole] of two numbers", NULL);
  expect_error("base of unknown material", "materials: {X: {base: Sl}}\n", E,
               "t.yaml:1:23: unknown material 'Sl' in 'materials.X.base'; did you mean 'Si'?", NULL);
  expect_error("interface region unknown",
               "mesh: {file: a.msh}\nregions: [{name: s, material: Si}]\ninterfaces: [{regions: [s, t], charge: 1}]\n",
               E, "t.yaml:3:28: unknown region 't' in 'interfaces[0].regions[1]'", NULL);
  expect_error("empty deck", "", E, "t.yaml:1:1: the deck is empty", NULL);
  expect_error("deck is a list", "- a\n- b\n", E, "t.yaml:1:1: the deck is a list; expected a mapping", NULL);
  expect_error("two documents", "mesh: {file: a.msh}\nregions: [{name: s, material: Si}]\n---\ntitle: x\n", E,
               "t.yaml:4:1: a second YAML document", NULL);
  expect_error("non-finite number", BASE1D "physics: {temperature: .inf}\n", E, "'physics.temperature' is '.inf'",
               NULL);
  /* numbers the deck accepts as numbers but physics cannot use: the range in the message */
  expect_error("temperature out of range", BASE1D "physics: {temperature: 1e-3}\n", E,
               "'physics.temperature' is 0.001 K; expected 50 to 1000 K", NULL);
  expect_error("bandgap out of range", BASE1D "materials: {Si: {bandgap: 100}}\n", E,
               "'materials.Si.bandgap' is 100 eV; expected 0.01 to 15 eV", NULL);
  expect_error("concentration out of range", BASE1D "doping: [{profile: uniform, species: donor, conc: 1e300}]\n", E,
               "'doping[0].conc' is 1e+300 cm^-3; expected 0 to 1e+22 cm^-3", NULL);
  expect_error("vsat out of range", BASE1D "materials: {Si: {vsat: [1e7, 1e12]}}\n", E,
               "'materials.Si.vsat[1]' is 1e+12 cm/s; expected 10000 to 1e+09 cm/s", NULL);
}

static void test_more_errors(void)
{
  const int E = TCAD_ERR_INPUT;
  expect_error("contact named like a region",
               "mesh: {file: a.msh}\n"
               "regions: [{name: s, material: Si}]\n"
               "contacts: [{name: s}]\n",
               E, "t.yaml:3:19: contact name 's' is also a region name (2:11)", NULL);
  expect_error("duplicate contact name",
               "mesh: {file: a.msh}\nregions: [{name: s, material: Si}]\ncontacts: [{name: a}, {name: a}]\n", E,
               "t.yaml:3:30: duplicate contact name 'a' (first at 3:12)", NULL);
  expect_error("sweep contact in a list, with suggestion",
               "mesh: {file: a.msh}\nregions: [{name: s, material: Si}]\ncontacts: [{name: drain}, {name: gate, type: "
               "gate, workfunction: 4.1}]\n"
               "solve:\n  - sweep: {contact: [gate, drian], to: [1, 2], step: 0.1}\n",
               E, "t.yaml:5:29: unknown contact 'drian' in 'solve[0].sweep.contact[1]'; did you mean 'drain'?", NULL);
  expect_error("workfunction on an ohmic contact",
               "mesh: {file: a.msh}\nregions: [{name: s, material: Si}]\ncontacts: [{name: a, workfunction: 4}]\n", E,
               "t.yaml:3:22: contact 'a' is ohmic but has a 'workfunction'", NULL);
  expect_error("doping an insulator region",
               "mesh: {file: a.msh}\nregions: [{name: ox, material: SiO2}]\n"
               "doping: [{profile: uniform, species: donor, conc: 1, region: ox}]\n",
               E, "region 'ox' in 'doping[0].region' is SiO2, not a semiconductor", NULL);
  expect_error("recombination not a list",
               "mesh: {file: a.msh}\nregions: [{name: s, material: Si}]\nphysics: {recombination: srh}\n", E,
               "t.yaml:3:26: 'physics.recombination' is 'srh'; expected a list", NULL);
  expect_error("invalid UTF-8", "title: \xff\n", E, "t.yaml:1:8: the deck is not readable text", NULL);
  expect_error("name too long",
               "mesh: {file: a.msh}\nregions: [{name: "
               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, material: Si}]\n",
               E, "characters long; expected a region name of at most 63 characters", NULL);
  expect_error("mesh scale with generate", "mesh: {generate: {x: [{at: 0, step: 1}, {at: 1, step: 1}]}, scale: 2}\n", E,
               "t.yaml:1:61: 'mesh.scale' applies to 'mesh.file' only", NULL);
  expect_error("zero energy relaxation time", "materials: {Si: {tauw: [0, 2.5e-13]}}\n", E,
               "'materials.Si.tauw[0]' is 0; expected a positive number (s)", NULL);
  expect_error("unknown high-field model",
               "mesh: {file: a.msh}\nregions: [{name: s, material: Si}]\nphysics: {high_field: hansh}\n", E, "'hansh'",
               NULL);
  expect_error("negative resistance",
               "mesh: {file: a.msh}\nregions: [{name: s, material: Si}]\ncontacts: [{name: a, resistance: -1}]\n", E,
               "t.yaml:3:34: 'contacts[0].resistance' is -1; expected a number >= 0", NULL);
  expect_error("window on the depth axis",
               BASE1D "doping:\n  - {profile: gaussian, species: donor, peak: 1e18, char: 1, window: {x: [0, 1]}}\n", E,
               "'doping[0].window' bounds the depth axis 'x'", NULL);
  expect_error("key that is not a scalar", "? [a, b]\n: 1\n", E,
               "t.yaml:1:3: a key in the top level is a list; expected a plain name", NULL);
  expect_error("missing space after a colon", "mesh: {file: a.msh, scale:2}\n", E,
               "t.yaml:1:21: unknown key 'scale:2' in 'mesh'; expected 'scale: 2' (YAML needs a space after ':')",
               NULL);
  expect_error(
      "bias with no contacts defined",
      "mesh: {file: a.msh}\nregions: [{name: s, material: Si}]\nsolve: [{bias: {a: 1}}]\n", E,
      "t.yaml:3:17: unknown contact 'a' in 'solve[0].bias'; expected one of the deck's contacts, but it defines none",
      NULL);
  expect_error("undefined alias", "mesh: *nothing\n", E, "t.yaml:1:7: YAML syntax error: found undefined alias", NULL);
}

/* File loading: missing file, folder of the deck, mesh.file resolution, output stem. */
static void test_files(void)
{
  TcadDeck *d = NULL;
  int rc = TcadDeckLoad("/nonexistent/deck.yaml", &d);
  tap_check(rc == TCAD_ERR_IO && !d && strstr(tcad_error_message(), "cannot open deck '/nonexistent/deck.yaml': "),
            "missing deck file", "rc %d: %s", rc, tcad_error_message());

  char dir[] = "/tmp/tcad-t010-XXXXXX", path[256];
  if (!mkdtemp(dir)) {
    tap_skip("deck from a file", strerror(errno));
    return;
  }
  snprintf(path, sizeof path, "%s/mos.v2.yaml", dir);
  FILE *f = fopen(path, "w");
  if (f) {
    fputs("mesh:\n  file: meshes/mos.msh\nregions:\n  - {name: s, material: Si}\n  - {nam: x}\n", f);
    fclose(f);
  }
  rc = TcadDeckLoad(path, &d);
  char want[320];
  snprintf(want, sizeof want, "%s:5:6: unknown key 'nam' in 'regions[1]'; did you mean 'name'?", path);
  tap_check(rc == TCAD_ERR_INPUT && strstr(tcad_error_message(), want), "file deck error names the file", "%s",
            tcad_error_message());
  f = fopen(path, "w");
  if (f) {
    fputs("mesh:\n  file: meshes/mos.msh\nregions:\n  - {name: s, material: Si}\n", f);
    fclose(f);
  }
  rc = TcadDeckLoad(path, &d);
  snprintf(want, sizeof want, "%s/meshes/mos.msh", dir);
  tap_check(rc == 0 && d && !strcmp(d->dir, dir) && !strcmp(d->mesh.file, want) &&
                !strcmp(d->output.directory, "tcad-out/mos.v2") && !strcmp(d->path, path),
            "mesh.file resolved against the deck's folder; output default from the stem",
            "rc %d dir '%s' file '%s' out '%s'", rc, d ? d->dir : "", d ? d->mesh.file : "",
            d ? d->output.directory : "");
  TcadDeckDestroy(&d);
  remove(path);
  rc = TcadDeckLoad(dir, &d);
  tap_check(rc == TCAD_ERR_IO && strstr(tcad_error_message(), "cannot read deck"), "a folder is not a deck",
            "rc %d: %s", rc, tcad_error_message());
  rmdir(dir);
}

static void test_materials(void)
{
  const TcadMaterial *si = tcad_material_find("SI"), *ox = tcad_material_find("sio2");
  tap_check(tcad_material_count() == 2 && si && ox && si->kind == TCAD_MAT_SEMICONDUCTOR &&
                ox->kind == TCAD_MAT_INSULATOR && !tcad_material_find("Ge"),
            "built-in materials, case-insensitive", "count %d", tcad_material_count());
  tap_check(si && CLOSE(si->nc, 2.86e19) && CLOSE(si->nv, 3.10e19) && CLOSE(si->ct_mumax[1], 479.37) &&
                CLOSE(si->vsat[1], 8.37e6) && CLOSE(si->taumax[1], 3e-6) && CLOSE(si->auger[0], 2.8e-31) &&
                CLOSE(si->tauw[0], 0.3e-12) && CLOSE(si->ms_pc[1], 9.23e16) && CLOSE(ox->bandgap, 9.0) &&
                CLOSE(ox->affinity, 0.95),
            "built-in values from PHYSICS.md", "nc %g", si ? si->nc : 0);
  int ok = 1, pairs = 0;
  for (int i = 0; i < tcad_material_field_count(); i++) {
    const TcadMaterialField *f = tcad_material_field(i);
    ok &= f && f->key && f->unit && (f->count == 1 || f->count == 2) &&
          f->offset + f->count * sizeof(double) <= sizeof(TcadMaterial) && f->offset % sizeof(double) == 0;
    pairs += f && f->count == 2;
    if (ok && !strcmp(f->key, "vsat")) ok &= *(const double *)((const char *)si + f->offset + sizeof(double)) == 8.37e6;
    /* PHYSICS.md §4: van Overstraeten–de Man holes above 4e5 V/cm, Okuto–Crowell hole b */
    if (ok && !strcmp(f->key, "vanoverstraeten_a_high"))
      ok &= *(const double *)((const char *)si + f->offset + sizeof(double)) == 6.71e5;
    if (ok && !strcmp(f->key, "okuto_b"))
      ok &= *(const double *)((const char *)si + f->offset + sizeof(double)) == 6.53e5;
  }
  tap_check(ok && pairs == 35 && !tcad_material_field(-1) && !tcad_material_field(tcad_material_field_count()),
            "material field table", "ok %d pairs %d", ok, pairs);
}

int main(void)
{
  test_materials();
  test_full();
  test_defaults();
  test_errors();
  test_more_errors();
  test_files();
  return tap_exit();
}
