/* Shared by the solver tests: build a device from a deck string (mesh, geometry, a quiet
 * simulation at equilibrium) and tear it down, and find the node nearest a point. */
#ifndef TCAD_TESTS_DEVICE_H
#define TCAD_TESTS_DEVICE_H
#include <math.h>

#include "tcad/deck.h"
#include "tcad/geometry.h"
#include "tcad/mesh.h"
#include "tcad/sim.h"

/* The four objects of one simulated device. */
typedef struct {
  TcadDeck *deck;
  TcadMesh *mesh;
  TcadGeometry *geom;
  TcadSim *sim;
} TestDevice;

static inline int test_device_open(const char *text, const char *name, TcadDeck **deck, TcadMesh **mesh,
                                   TcadGeometry **geom, TcadSim **sim)
{
  *deck = NULL, *mesh = NULL, *geom = NULL, *sim = NULL;
  int e = TcadDeckLoadString(text, name, deck);
  if (!e) e = TcadMeshFromDeck(*deck, mesh);
  if (!e) e = TcadGeometryBuild(*mesh, geom);
  if (!e) e = TcadSimCreate(*deck, *mesh, *geom, sim);
  if (!e) e = TcadSimSetOutput(*sim, NULL, NULL, 1);
  if (!e) e = TcadSimEquilibrium(*sim);
  return e;
}

static inline void test_device_close(TcadDeck **deck, TcadMesh **mesh, TcadGeometry **geom, TcadSim **sim)
{
  TcadSimDestroy(sim);
  TcadGeometryDestroy(geom);
  TcadMeshDestroy(mesh);
  TcadDeckDestroy(deck);
}

/* node nearest to x (cm) along the first axis */
static inline int test_node_at(const TcadMesh *m, double xcm)
{
  int best = 0;
  for (int i = 1; i < m->nnodes; i++)
    if (fabs(m->coord[3 * i] - xcm) < fabs(m->coord[3 * best] - xcm)) best = i;
  return best;
}
#endif
