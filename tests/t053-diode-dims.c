/* One abrupt pn diode (N_A 1e17 / N_D 1e16, 2 µm, junction at 1 µm, constant mobility, SRH)
 * on generated 1D, 2D and 3D meshes that are tensor extrusions of the same x grid, contacts on
 * the x = 0 and x = 2 planes:
 * - current per area (1D: A/cm²; 2D: A/cm ÷ y-width; 3D: A ÷ y·z area) at +0.5, +0.6 and −2 V:
 *   the 2D and 3D results against the 1D one (the reference: the device is 1D, so the
 *   extrusion must not change the current per area), within 1 % (the requirement); at
 *   reverse bias the generation current q∫G dV is compared, and the anode current against it
 *   within its rounding floor (explained below);
 * - mesh refinement of the 1D diode at 0.6 V with every generate step scaled by 1, 1/2, 1/4:
 *   the successive differences must shrink at least by 2 (first order; the observed order is
 *   printed) and I(h/4) must be within 1 % of I(h/2) (the Richardson self-convergence
 *   reference). */
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "kernels/physics/constants.h"
#include "tap.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"
#include "tcad/petsc_error.h"
#include "tcad/sim.h"

#define YW 0.2 /* µm, lateral extent in 2D and 3D */

/* x grid with every step scaled by s */
static void xgrid(char *buf, size_t n, double s)
{
  snprintf(buf, n, "[{at: 0, step: %g}, {at: 1, step: %g}, {at: 2, step: %g}]", 0.02 * s, 0.002 * s, 0.02 * s);
}

/* current per area (A/cm²) through the anode at each bias of v[], and (gen, may be NULL) the
 * net generation q∫(−R)dV per area; returns non-zero on failure */
static int run_diode(const char *name, int dim, double xscale, int nv, const double *v, double *jpa, double *gen)
{
  char xs[256], text[2048];
  xgrid(xs, sizeof xs, xscale);
  const char *ylines = dim >= 2 ? "    y: [{at: 0, step: 0.1}, {at: 0.2, step: 0.1}]\n" : "";
  const char *zlines = dim >= 3 ? "    z: [{at: 0, step: 0.1}, {at: 0.2, step: 0.1}]\n" : "";
  snprintf(text, sizeof text,
           "mesh:\n  generate:\n    x: %s\n%s%s"
           "regions: [{name: si, material: Si, box: {x: [0, 2]}}]\n"
           "contacts:\n  - {name: anode, type: ohmic, box: {x: [0, 0]}}\n"
           "  - {name: cathode, type: ohmic, box: {x: [2, 2]}}\n"
           "doping:\n  - {profile: box, species: acceptor, conc: 1e17, box: {x: [0, 1]}}\n"
           "  - {profile: box, species: donor, conc: 1e16, box: {x: [1, 2]}}\n"
           "physics: {mobility: constant, high_field: none, recombination: [srh]}\n",
           xs, ylines, zlines);
  TcadDeck *deck = NULL;
  TcadMesh *mesh = NULL;
  TcadGeometry *geom = NULL;
  TcadSim *sim = NULL;
  int e = test_device_open(text, name, &deck, &mesh, &geom, &sim);
  /* A/cm² already in 1D; per unit depth (A/cm) in 2D; A in 3D */
  const double area = dim == 1 ? 1.0 : dim == 2 ? YW * 1e-4 : (YW * 1e-4) * (YW * 1e-4);
  if (!e) printf("# %s: %d nodes\n", name, mesh->nnodes);
  const int c = e ? -1 : TcadSimFindContact(sim, "anode");
  for (int k = 0; !e && k < nv; k++) {
    /* the biases in turn, each ramped by TcadSimBias from the previous point (the first from
     * equilibrium) */
    e = TcadSimBias(sim, 1, &c, &v[k]);
    if (!e) {
      double cur[3];
      TcadSimGetContactCurrent(sim, c, cur);
      jpa[k] = cur[2] / area;
      if (gen) {
        const int nn = mesh->nnodes;
        double *rec = malloc(sizeof(double) * (size_t)nn), g = 0;
        e = !rec || TcadSimGetDerivedFields(sim, NULL, NULL, NULL, NULL, NULL, rec);
        for (int i = 0; !e && i < nn; i++) g -= TCAD_Q * rec[i] * geom->node_volume[i];
        free(rec);
        gen[k] = g / area;
      }
    }
  }
  test_device_close(&deck, &mesh, &geom, &sim);
  return e;
}

int main(int argc, char **argv)
{
  TcadInitialize(&argc, &argv, NULL);
  const int go = test_backend_init(argv[0]); /* TCAD_TEST_BACKEND (tests/device.h) */
  if (go <= 0) return test_backend_stop(go);
  const double v[3] = {0.5, 0.6, -2.0};
  double j[4][3] = {{0}}, g[4][3] = {{0}};
  const char *names[4] = {"", "diode1d", "diode2d", "diode3d"};
  int e = 0;
  for (int dim = 1; dim <= 3; dim++) {
    e = run_diode(names[dim], dim, 1.0, 3, v, j[dim], g[dim]);
    tap_check(!e,
              dim == 1   ? "dims.solve_1d"
              : dim == 2 ? "dims.solve_2d"
                         : "dims.solve_3d",
              "%s", tcad_error_message());
    if (e) break;
  }
  if (!e) {
    for (int k = 0; k < 3; k++)
      printf("# V = %+.1f V: J 1D %.6e, 2D %.6e, 3D %.6e A/cm^2 (rel 2D %+.2e, 3D %+.2e)\n", v[k], j[1][k], j[2][k],
             j[3][k], j[2][k] / j[1][k] - 1, j[3][k] / j[1][k] - 1);
    /* reference: the 1D current per area; the issue requires agreement within 1 % */
    for (int k = 0; k < 2; k++) {
      char tn[64];
      const int ok = j[1][k] > 0 && tap_close(j[2][k], j[1][k], 0.01, 0) && tap_close(j[3][k], j[1][k], 0.01, 0);
      snprintf(tn, sizeof tn, "dims.current_per_area_+%.1fV", v[k]);
      tap_check(ok, tn, "1D %.5e, 2D %.5e, 3D %.5e A/cm^2 (tol 1%%)", j[1][k], j[2][k], j[3][k]);
    }
    /* Reverse bias: the current is the generation in the depletion region, q∫G dV, which sums
     * node values without cancellation; the 2D and 3D values must match 1D within 1 %. The
     * anode current equals it only to a rounding floor: at the anode ψ ≈ −2.4 V is stored to
     * ulp(2.4) = 4.4e-16 V, so each hole flux there (q p D_p/h ≈ 1e5 A/cm² per term at
     * p = 1e17, h = 0.02 µm) is fixed to q p D_p/h · ulp/V_T ≈ 1.7e-9 A/cm² (measured: the
     * anode current lands on -8.45e-9 or -1.01e-8 A/cm² depending on the LU's rounding). The
     * terminal current is checked against the generation within 2 % plus twice that floor. */
    {
      const int k = 2;
      const double floor = 2 * 1.7e-9;
      printf("# V = %+.1f V: q*int(G) 1D %.6e, 2D %.6e, 3D %.6e A/cm^2\n", v[k], g[1][k], g[2][k], g[3][k]);
      tap_check(g[1][k] > 0 && tap_close(g[2][k], g[1][k], 0.01, 0) && tap_close(g[3][k], g[1][k], 0.01, 0),
                "dims.generation_per_area_-2.0V", "q*int(G dV) 1D %.5e, 2D %.5e, 3D %.5e A/cm^2 (tol 1%%)", g[1][k],
                g[2][k], g[3][k]);
      int ok = 1;
      for (int dim = 1; dim <= 3; dim++) ok = ok && fabs(-j[dim][k] - g[dim][k]) <= 0.02 * g[dim][k] + floor;
      tap_check(ok, "dims.current_vs_generation_-2.0V",
                "anode current 1D %.4e, 2D %.4e, 3D %.4e vs -q*int(G) (tol 2%% + %.1e A/cm^2 rounding floor)", j[1][k],
                j[2][k], j[3][k], floor);
    }
  }

  /* mesh refinement, 1D, 0.6 V */
  double ih[3];
  const double scale[3] = {1.0, 0.5, 0.25};
  e = 0;
  for (int r = 0; r < 3 && !e; r++) {
    char nm[32];
    snprintf(nm, sizeof nm, "diode1d_h%d", 1 << r);
    e = run_diode(nm, 1, scale[r], 1, &v[1], &ih[r], NULL);
  }
  tap_check(!e, "refine.solve", "%s", tcad_error_message());
  if (!e) {
    const double d1 = fabs(ih[0] - ih[1]), d2 = fabs(ih[1] - ih[2]);
    const double order = d2 > 0 ? log2(d1 / d2) : INFINITY;
    printf("# 0.6 V: J(h) %.7e, J(h/2) %.7e, J(h/4) %.7e A/cm^2; |dJ| %.3e, %.3e; observed order %.2f\n", ih[0], ih[1],
           ih[2], d1, d2, order);
    /* reference: a consistent discretization converges, at least first order. The error here is
     * first order (the ratio approaches 2 from above: 2.056, 2.031, 2.010 for h/4..h/16), so a
     * change that makes it clearly worse than first order (ratio < 1.9, order < 0.93) fails */
    tap_check(d2 > 0 ? d1 / d2 >= 1.9 : d1 == 0, "refine.converges", "difference ratio %.3f (order %.2f), need >= 1.9",
              d2 > 0 ? d1 / d2 : INFINITY, order);
    /* reference: the finest mesh against the next (Richardson self-convergence) */
    tap_check(tap_close(ih[2], ih[1], 0.01, 0), "refine.h4_vs_h2", "J(h/4) %.6e vs J(h/2) %.6e (tol 1%%)", ih[2],
              ih[1]);
  }
  TcadFinalize();
  return tap_exit();
}
