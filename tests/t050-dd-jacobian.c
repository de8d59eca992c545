/* The analytic drift-diffusion and energy-balance Jacobians against central finite
 * differences of the residual, on small 1D, 2D (with oxide and gate) and 3D devices: at
 * equilibrium (Poisson mode), and in the coupled mode at forward bias and at a reverse bias
 * with high fields, with Canali (DD) or Hänsch (energy balance) saturation, SRH and Auger
 * switched on. The energy-balance cases (block size 5 with temperature-dependent relaxation
 * times, and 4 for electrons only) also run on a state whose carrier temperatures jump between
 * 300 and 6000 K from node to node. The comparison is column-scaled: an entry's error
 * times the size of its unknown, against the row's total |J| times the unknowns' sizes, so a
 * missing derivative term of any physical importance shows, whatever the units. */
#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "fd_jacobian.h"
#include "kernels/asm.h"
#include "tap.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"
#include "tcad/petsc_error.h"
#include "tcad/sim.h"

static const char *deck_1d =
    "mesh:\n  generate:\n    x: [{at: 0, step: 0.05}, {at: 0.5, step: 0.01}, {at: 1, step: 0.05}]\n"
    "regions: [{name: si, material: Si, box: {x: [0, 1]}}]\n"
    "contacts:\n  - {name: anode, type: ohmic, box: {x: [0, 0]}}\n  - {name: cathode, type: ohmic, box: {x: [1, 1]}}\n"
    "doping:\n  - {profile: box, species: acceptor, conc: 1e17, box: {x: [0, 0.5]}}\n"
    "  - {profile: box, species: donor, conc: 1e16, box: {x: [0.5, 1]}}\n"
    "physics: {mobility: caughey-thomas, high_field: canali, recombination: [srh, auger]}\n";

static const char *deck_2d =
    "mesh:\n  generate:\n    x: [{at: 0, step: 0.05}, {at: 0.6, step: 0.05}]\n"
    "    y: [{at: -0.01, step: 0.005}, {at: 0, step: 0.005}, {at: 0.3, step: 0.05}]\n"
    "regions:\n  - {name: si, material: Si, box: {y: [0, 0.3]}}\n  - {name: ox, material: SiO2, box: {y: [-0.01, 0]}}\n"
    "contacts:\n  - {name: source, type: ohmic, box: {x: [0, 0], y: [0, 0.1]}}\n"
    "  - {name: drain, type: ohmic, box: {x: [0.6, 0.6], y: [0, 0.1]}}\n"
    "  - {name: gate, type: gate, workfunction: 4.1, box: {x: [0.15, 0.45], y: [-0.01, -0.01]}}\n"
    "  - {name: bulk, type: ohmic, box: {y: [0.3, 0.3]}}\n"
    "doping:\n  - {profile: uniform, species: acceptor, conc: 1e17}\n"
    "  - {profile: box, species: donor, conc: 1e19, box: {x: [0, 0.15], y: [0, 0.1]}}\n"
    "  - {profile: box, species: donor, conc: 1e19, box: {x: [0.45, 0.6], y: [0, 0.1]}}\n"
    "interfaces: [{regions: [si, ox], charge: 3e10}]\n"
    "physics: {mobility: masetti, high_field: canali, recombination: [srh, auger]}\n";

static const char *deck_3d =
    "mesh:\n  generate:\n    x: [{at: 0, step: 0.1}, {at: 0.5, step: 0.05}, {at: 1, step: 0.1}]\n"
    "    y: [{at: 0, step: 0.1}, {at: 0.2, step: 0.1}]\n    z: [{at: 0, step: 0.1}, {at: 0.2, step: 0.1}]\n"
    "regions: [{name: si, material: Si, box: {x: [0, 1]}}]\n"
    "contacts:\n  - {name: anode, type: ohmic, box: {x: [0, 0]}}\n  - {name: cathode, type: ohmic, box: {x: [1, 1]}}\n"
    "doping:\n  - {profile: box, species: acceptor, conc: 1e18, box: {x: [0, 0.5]}}\n"
    "  - {profile: box, species: donor, conc: 1e17, box: {x: [0.5, 1]}}\n"
    "physics: {mobility: constant, high_field: canali, recombination: [srh, auger]}\n";

/* Carrier temperatures from 300 to 6000 K, changing abruptly from node to node (a fixed
 * pseudo-random pattern): steep gradients along every edge. */
static void steep_temperatures(TcadSim *sim)
{
  const int bs = TcadSimGetBlockSize(sim), n = TcadSimGetNodeCount(sim);
  double *x = TcadSimGetState(sim);
  unsigned r = 12345u;
  for (int i = 0; i < n; i++)
    for (int t = 3; t < bs; t++) {
      r = r * 1103515245u + 12345u;
      x[bs * i + t] = (300.0 + 5700.0 * (double)(r >> 16 & 0x7fff) / 32767.0) / 300.0;
    }
}

static void run_case(const char *name, const char *text, const char *contact, double forward, double reverse)
{
  /* text: the deck */
  TcadDeck *deck = NULL;
  TcadMesh *mesh = NULL;
  TcadGeometry *geom = NULL;
  TcadSim *sim = NULL;
  char tn[128];
  int e = test_device_open(text, name, &deck, &mesh, &geom, &sim);
  snprintf(tn, sizeof tn, "jacobian.%s.setup", name);
  tap_check(!e, tn, "%s", tcad_error_message());
  if (e) goto done;
  int where;
  double w = fd_check(sim, TCAD_ASM_EQUILIBRIUM, &where);
  snprintf(tn, sizeof tn, "jacobian.%s.equilibrium", name);
  tap_check(w < 1e-4, tn, "worst scaled error %.3e at entry %d", w, where);
  w = fd_check(sim, TCAD_ASM_COUPLED, &where);
  snprintf(tn, sizeof tn, "jacobian.%s.coupled_0V", name);
  tap_check(w < 1e-4, tn, "worst scaled error %.3e at entry %d", w, where);
  const int c = TcadSimFindContact(sim, contact);
  /* reverse first, from equilibrium, then forward: each a ramp from the previous point */
  const double biases[2] = {reverse, forward};
  const char *labels[2] = {"reverse", "forward"};
  double gen_ratio = 0.0;
  int gen_at = -1;
  for (int b = 0; b < 2; b++) {
    e = TcadSimBias(sim, 1, &c, &biases[b]);
    snprintf(tn, sizeof tn, "jacobian.%s.bias_%s", name, labels[b]);
    tap_check(!e, tn, "%s", tcad_error_message());
    if (e) break;
    w = fd_check(sim, TCAD_ASM_COUPLED, &where);
    snprintf(tn, sizeof tn, "jacobian.%s.coupled_%s", name, labels[b]);
    tap_check(w < 1e-4, tn, "worst scaled error %.3e at entry %d", w, where);
    if (strstr(text, "impact_ionization")) {
      double gi, cur[3];
      TcadSimGetImpactGeneration(sim, NULL, NULL, &gi);
      TcadSimGetContactCurrent(sim, c, cur);
      if (fabs(gi) > gen_ratio * fabs(cur[2])) gen_ratio = fabs(gi / cur[2]), gen_at = b;
    }
  }
  /* the generation must matter at one of the biases (drift-diffusion), or the checks above would
   * not see its derivatives */
  if (!e && strstr(text, "impact_ionization") && TcadSimGetBlockSize(sim) == 3) {
    snprintf(tn, sizeof tn, "jacobian.%s.generation_matters", name);
    tap_check(gen_ratio > 1e-2, tn, "avalanche generation current / contact current %.3e at the %s bias", gen_ratio,
              gen_at >= 0 ? labels[gen_at] : "no");
  }
  if (!e && TcadSimGetBlockSize(sim) > 3) {
    steep_temperatures(sim);
    w = fd_check(sim, TCAD_ASM_COUPLED, &where);
    snprintf(tn, sizeof tn, "jacobian.%s.steep_temperatures", name);
    tap_check(w < 1e-4, tn, "worst scaled error %.3e at entry %d", w, where);
    if (strstr(text, "impact_ionization")) { /* the temperature driving force at work */
      double gi, cur[3];
      TcadSimGetImpactGeneration(sim, NULL, NULL, &gi);
      TcadSimGetContactCurrent(sim, c, cur);
      snprintf(tn, sizeof tn, "jacobian.%s.generation_matters_hot", name);
      tap_check(fabs(gi) > 1e-2 * fabs(cur[2]), tn, "avalanche generation current %.3e, contact current %.3e", gi,
                cur[2]);
    }
  }
done:
  test_device_close(&deck, &mesh, &geom, &sim);
}

int main(int argc, char **argv)
{
  TcadInitialize(&argc, &argv, NULL);
  const int go = test_backend_init(argv[0]); /* TCAD_TEST_BACKEND (tests/device.h) */
  if (go <= 0) return test_backend_stop(go);
  run_case("1d", deck_1d, "anode", 0.7, -5.0);
  run_case("2d", deck_2d, "drain", 1.5, -1.0);
  run_case("3d", deck_3d, "anode", 0.6, -3.0);
  /* the other high-field driving forces (the default is the Joule one): the quasi-Fermi gradient
   * and the field parallel to the current */
  const char *dd[3] = {deck_1d, deck_2d, deck_3d}, *qf_names[3] = {"1d_qf", "2d_qf", "3d_qf"},
             *fp_names[3] = {"1d_field", "2d_field", "3d_field"};
  const char *dd_contacts[3] = {"anode", "drain", "anode"};
  const double dd_fwd[3] = {0.7, 1.5, 0.6}, dd_rev[3] = {-5.0, -1.0, -3.0};
  for (int k = 0; k < 3; k++) {
    char text[4096];
    const char *at = strstr(dd[k], "physics: {");
    snprintf(text, sizeof text, "%.*sphysics: {driving_force: quasi-fermi, %s", (int)(at - dd[k]), dd[k],
             at + strlen("physics: {"));
    run_case(qf_names[k], text, dd_contacts[k], dd_fwd[k], dd_rev[k]);
    snprintf(text, sizeof text, "%.*sphysics: {driving_force: field, %s", (int)(at - dd[k]), dd[k],
             at + strlen("physics: {"));
    run_case(fp_names[k], text, dd_contacts[k], dd_fwd[k], dd_rev[k]);
  }
  /* impact ionization, with coefficients made strong enough (b × 0.5) that the generation is a
   * sizeable part of the reverse current at these biases, in every driving force and in the energy
   * balance (the temperature driving force) */
  {
    const char *mats =
        "materials:\n  Si: {vanoverstraeten_b: [0.65e6, 1.1e6], vanoverstraeten_b_high: [0.65e6, 0.9e6], "
        "vanoverstraeten_f0: [2e5, 2e5], okuto_b: [2.2e5, 3.0e5]}\n";
    const char *variants[] = {"impact_ionization: vanoverstraeten, ",
                              "impact_ionization: okuto, driving_force: quasi-fermi, ",
                              "impact_ionization: selberherr, driving_force: field, ",
                              "impact_ionization: vanoverstraeten, transport: energy-balance, "};
    const char *suffix[] = {"ii", "ii_okuto_qf", "ii_field", "ii_eb"};
    for (int k = 0; k < 3; k++)
      for (int v = 0; v < 4; v++) {
        char text[4096], nm[64];
        const char *at = strstr(dd[k], "physics: {");
        snprintf(text, sizeof text, "%.*sphysics: {%s%s%s", (int)(at - dd[k]), dd[k], variants[v],
                 at + strlen("physics: {"), v == 2 ? "materials:\n  Si: {selberherr_b: [0.65e6, 1.1e6]}\n" : mats);
        snprintf(nm, sizeof nm, "%s_%s", dd_contacts[k] == dd_contacts[1] ? "2d" : k == 0 ? "1d" : "3d", suffix[v]);
        run_case(nm, text, dd_contacts[k], dd_fwd[k], dd_rev[k]);
      }
  }
  /* energy balance: the same devices with the temperature equations */
  const char *decks[3] = {deck_1d, deck_2d, deck_3d};
  const char *names[3][2] = {{"1d_eb", "1d_eb_electrons"}, {"2d_eb", "2d_eb_electrons"}, {"3d_eb", "3d_eb_electrons"}};
  const char *contacts[3] = {"anode", "drain", "anode"};
  const double fwd[3] = {0.7, 1.5, 0.6}, rev[3] = {-5.0, -1.0, -3.0};
  for (int k = 0; k < 3; k++)
    for (int m = 0; m < 2; m++) {
      char text[4096];
      const char *at = strstr(decks[k], "physics: {");
      /* both-carrier cases with temperature-dependent relaxation times */
      snprintf(text, sizeof text, "%.*sphysics: {transport: %s, %s%s", (int)(at - decks[k]), decks[k],
               m ? "energy-balance-electrons" : "energy-balance", at + strlen("physics: {"),
               m ? "" : "materials:\n  Si: {tauw_t1: [0.6, 0.4], tauw_t2: [-0.02, 0.01]}\n");
      run_case(names[k][m], text, contacts[k], fwd[k], rev[k]);
    }
  TcadFinalize();
  return tap_exit();
}
