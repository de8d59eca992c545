/* Doping profiles evaluated at the nodes and summed. Only nodes of semiconductor regions get
 * doping, so an interface node carries the semiconductor side's value. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/mesh.h"

/* Distance outside [lo, hi] along one axis (0 inside). */
static double outside(double x, double lo, double hi) { return x < lo ? lo - x : x > hi ? x - hi : 0.0; }

static double profile_value(const TcadDopingSpec *p, const double *x, int dim, double tol)
{
  if (p->profile == TCAD_DOPING_UNIFORM) return p->peak;
  if (p->profile == TCAD_DOPING_BOX) {
    for (int a = 0; a < dim; a++)
      if (p->window.has[a] && outside(x[a], p->window.lo[a], p->window.hi[a]) > tol) return 0.0;
    return p->peak;
  }
  if (p->profile == TCAD_DOPING_LINEAR) {
    for (int a = 0; p->has_window && a < dim; a++)
      if (p->window.has[a] && outside(x[a], p->window.lo[a], p->window.hi[a]) > tol) return 0.0;
    const double v = p->gradient * (x[p->depth_axis >= 0 ? p->depth_axis : 0] - p->surface);
    return v > 0 ? v : 0.0;
  }
  const int axis = p->depth_axis >= 0 ? p->depth_axis : dim - 1;
  const double d = fabs(x[axis] - p->surface) / p->char_length;
  double v = p->peak * (p->profile == TCAD_DOPING_GAUSSIAN ? exp(-d * d) : erfc(d));
  for (int a = 0; a < dim; a++) {
    if (a == axis || !p->has_window || !p->window.has[a]) continue;
    double s = outside(x[a], p->window.lo[a], p->window.hi[a]) / p->lateral;
    v *= p->profile == TCAD_DOPING_GAUSSIAN ? exp(-s * s) : erfc(s);
  }
  return v;
}

int TcadDopingEvaluate(const TcadDeck *deck, const TcadMesh *mesh, double *donors, double *acceptors)
{
  const int nn = mesh->nnodes, nr = mesh->nregions;
  /* node_in[n * nr + r]: node n touches region r */
  unsigned char *node_in = NULL;
  int rc = 0;
  TCAD_ALLOC(node_in, (size_t)nn * (size_t)(nr ? nr : 1));
  for (int c = 0; c < mesh->ncells; c++)
    for (int q = 0; q < mesh->nvert; q++)
      node_in[(size_t)mesh->cell_node[(size_t)c * mesh->nvert + q] * nr + mesh->cell_region[c]] = 1;
  memset(donors, 0, sizeof(double) * (size_t)nn);
  memset(acceptors, 0, sizeof(double) * (size_t)nn);
  double ext = 0;
  for (int n = 0; n < nn; n++)
    for (int a = 0; a < 3; a++) ext = fmax(ext, fabs(mesh->coord[3 * n + a]));
  const double tol = 1e-9 * (ext > 0 ? ext : 1);

  for (int k = 0; k < deck->ndoping; k++) {
    const TcadDopingSpec *p = &deck->doping[k];
    int only = -1;
    if (p->region[0]) {
      only = TcadMeshFindRegion(mesh, p->region);
      if (only < 0) {
        rc = tcad_error(TCAD_ERR_INPUT, "%s: doping region '%s' is not in the mesh", TcadDeckGetLocation(deck, p->loc),
                        p->region);
        goto cleanup;
      }
      if (mesh->regions[only].kind != TCAD_MAT_SEMICONDUCTOR) {
        rc = tcad_error(TCAD_ERR_INPUT, "%s: doping region '%s' is %s, not a semiconductor",
                        TcadDeckGetLocation(deck, p->loc), p->region, mesh->regions[only].material);
        goto cleanup;
      }
    }
    double *target = p->species > 0 ? donors : acceptors;
    for (int n = 0; n < nn; n++) {
      int ok = 0;
      if (only >= 0)
        ok = node_in[(size_t)n * nr + only];
      else
        for (int r = 0; r < nr && !ok; r++)
          ok = node_in[(size_t)n * nr + r] && mesh->regions[r].kind == TCAD_MAT_SEMICONDUCTOR;
      if (ok) target[n] += profile_value(p, mesh->coord + 3 * (size_t)n, mesh->dim, tol);
    }
  }
  /* the profiles' sum: each is checked at its deck line, but a linear profile without bounds or
   * several overlapping ones can still exceed what silicon holds */
  for (int n = 0; n < nn; n++)
    for (int sp = 0; sp < 2; sp++) {
      const double v = sp ? acceptors[n] : donors[n];
      if (v <= 1e22) continue;
      const double *x = mesh->coord + 3 * (size_t)n;
      rc = tcad_error(TCAD_ERR_INPUT,
                      "%s: the doping profiles add up to %g cm^-3 of %s at (%g, %g, %g) um; expected at most 1e22 "
                      "(about the solid solubility limit); check the profiles' peaks, a linear profile's gradient "
                      "and overlapping windows",
                      deck->path, v, sp ? "acceptors" : "donors", 1e4 * x[0], 1e4 * x[1], 1e4 * x[2]);
      goto cleanup;
    }
cleanup:
  free(node_in);
  return rc;
}
