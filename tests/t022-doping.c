/* Doping evaluation on a generated 2D mesh: each profile against its closed form evaluated
 * here from the node coordinates (independently of mesh/doping.c), the sum of profiles, the
 * junction depth of a junction/background profile, no doping in insulators, and the linear
 * (graded-junction) profile with and without its box. */
#include <math.h>
#include <petscsys.h>
#include <stdlib.h>

#include "tap.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/mesh.h"
#include "tcad/petsc_error.h"

static const char *deck_text =
    "mesh:\n"
    "  generate:\n"
    "    x: [{at: 0, step: 0.01}, {at: 1, step: 0.01}]\n"
    "    y: [{at: -0.01, step: 0.005}, {at: 0, step: 0.005}, {at: 0.5, step: 0.01}]\n"
    "regions:\n"
    "  - {name: si, material: Si, box: {y: [0, 0.5]}}\n"
    "  - {name: ox, material: SiO2, box: {y: [-0.01, 0]}}\n"
    "doping:\n"
    "  - {profile: uniform, species: acceptor, conc: 1e15}\n"
    "  - {profile: box, species: acceptor, conc: 2e16, box: {x: [0.6, 1.0], y: [0.2, 0.5]}}\n"
    "  - {profile: gaussian, species: donor, peak: 1e20, window: {x: [0, 0.3]}, axis: y,\n"
    "     surface: 0, junction: 0.1, background: 1e15, lateral: 0.05}\n"
    "  - {profile: erfc, species: donor, peak: 1e18, window: {x: [0.7, 1.0]}, axis: y,\n"
    "     surface: 0, char: 0.04, lateral: 0.03}\n";

int main(int argc, char **argv)
{
  TcadDeck *deck = NULL;
  TcadMesh *m = NULL;
  TcadInitialize(&argc, &argv, NULL);
  int e = TcadDeckLoadString(deck_text, "doping.yaml", &deck);
  if (!e) e = TcadMeshCreateFromDeck(deck, &m);
  tap_check(!e, "doping.setup", "%s", tcad_error_message());
  if (e) {
    TcadFinalize();
    return tap_exit();
  }
  double *nd = calloc((size_t)m->nnodes, sizeof(double)), *na = calloc((size_t)m->nnodes, sizeof(double));
  e = TcadDopingEvaluate(deck, m, nd, na);
  tap_check(!e, "doping.evaluate", "%s", tcad_error_message());
  /* gaussian char from junction/background: N(xj) = background -> char = xj/sqrt(ln(peak/bg)) */
  const double cg = 0.1 / sqrt(log(1e20 / 1e15));
  double worst_d = 0, worst_a = 0;
  int nox = 0, ox_clean = 1;
  for (int n = 0; n < m->nnodes && !e; n++) {
    double x = m->coord[3 * n] * 1e4, y = m->coord[3 * n + 1] * 1e4;
    if (y < -1e-9) { /* strictly inside the oxide: no doping */
      nox++;
      ox_clean &= nd[n] == 0 && na[n] == 0;
      continue;
    }
    double sx = x > 0.3 ? (x - 0.3) / 0.05 : 0;
    double d = 1e20 * exp(-(y / cg) * (y / cg)) * exp(-sx * sx);
    double s2 = x < 0.7 ? (0.7 - x) / 0.03 : 0;
    d += 1e18 * erfc(y / 0.04) * erfc(s2);
    double a = 1e15 + ((x >= 0.6 - 1e-9 && y >= 0.2 - 1e-9) ? 2e16 : 0);
    worst_d = fmax(worst_d, fabs(nd[n] - d) / d);
    worst_a = fmax(worst_a, fabs(na[n] - a) / a);
  }
  tap_check(worst_d < 1e-12, "doping.gaussian_plus_erfc_closed_form", "worst relative error %.3g", worst_d);
  tap_check(worst_a < 1e-12, "doping.uniform_plus_box_closed_form", "worst relative error %.3g", worst_a);
  tap_check(nox > 0 && ox_clean, "doping.none_in_insulator", "%d oxide nodes, clean %d", nox, ox_clean);
  /* metallurgical junction under the window: net doping changes sign between y = 0.09 and 0.11 */
  int found = 0;
  for (int n = 0; n < m->nnodes; n++) {
    double x = m->coord[3 * n] * 1e4, y = m->coord[3 * n + 1] * 1e4;
    if (fabs(x - 0.1) < 1e-9 && fabs(y - 0.1) < 0.006) found |= 1 << (nd[n] - na[n] > 0);
  }
  tap_check(found == 3, "doping.junction_depth", "sign pattern %d (want both signs within 6 nm of 0.1 um)", found);
  free(nd), free(na);
  TcadMeshDestroy(&m);
  TcadDeckDestroy(&deck);
  /* linear profiles: a graded junction along x at 0.4 um, the donor side only inside a box */
  e = TcadDeckLoadString("mesh:\n  generate:\n    x: [{at: 0, step: 0.01}, {at: 1, step: 0.01}]\n"
                         "    y: [{at: 0, step: 0.05}, {at: 0.2, step: 0.05}]\n"
                         "regions: [{name: si, material: Si, box: {x: [0, 1]}}]\n"
                         "doping:\n  - {profile: linear, species: donor, gradient: 3e19, axis: x, surface: 0.4,"
                         " box: {y: [0, 0.1]}}\n"
                         "  - {profile: linear, species: acceptor, gradient: -3e19, axis: x, surface: 0.4}\n",
                         "linear.yaml", &deck);
  if (!e) e = TcadMeshCreateFromDeck(deck, &m);
  nd = m ? calloc((size_t)m->nnodes, sizeof(double)) : NULL, na = m ? calloc((size_t)m->nnodes, sizeof(double)) : NULL;
  if (!e) e = TcadDopingEvaluate(deck, m, nd, na);
  tap_check(!e, "doping.linear_evaluate", "%s", tcad_error_message());
  double worst = 0;
  for (int n = 0; !e && n < m->nnodes; n++) {
    const double x = m->coord[3 * n], y = m->coord[3 * n + 1]; /* cm */
    const double d = y <= 0.1e-4 + 1e-12 && x > 0.4e-4 ? 3e19 * (x - 0.4e-4) : 0.0;
    const double a = x < 0.4e-4 ? 3e19 * (0.4e-4 - x) : 0.0;
    worst = fmax(worst, fmax(fabs(nd[n] - d), fabs(na[n] - a)) / 1.8e15);
  }
  tap_check(!e && worst < 1e-12, "doping.linear_closed_form", "worst error %.3g of the largest value", worst);
  free(nd), free(na);
  TcadMeshDestroy(&m);
  TcadDeckDestroy(&deck);
  TcadFinalize();
  return tap_exit();
}
