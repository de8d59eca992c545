/* Shared by the solver tests: build a device from a deck string (mesh, geometry, a quiet
 * simulation at equilibrium) and tear it down, and find the node nearest a point. */
#ifndef TCAD_TESTS_DEVICE_H
#define TCAD_TESTS_DEVICE_H
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* examples/<file> (under $TCAD_ROOT, default "."): deck, mesh, geometry and a quiet simulation,
 * not solved yet; transport (a -tcad_transport value, NULL for the deck's) is in force while the
 * simulation is created. */
static inline int test_example_open(const char *file, const char *transport, TestDevice *d)
{
  char path[1024];
  const char *root = getenv("TCAD_ROOT");
  snprintf(path, sizeof path, "%s/examples/%s", root ? root : ".", file);
  memset(d, 0, sizeof *d);
  int e = TcadDeckLoad(path, &d->deck);
  if (!e) e = TcadMeshFromDeck(d->deck, &d->mesh);
  if (!e) e = TcadGeometryBuild(d->mesh, &d->geom);
  if (transport) PetscOptionsSetValue(NULL, "-tcad_transport", transport);
  if (!e) e = TcadSimCreate(d->deck, d->mesh, d->geom, &d->sim);
  if (transport) PetscOptionsClearValue(NULL, "-tcad_transport");
  if (!e) e = TcadSimSetOutput(d->sim, NULL, NULL, 1);
  return e;
}

static inline void test_device_free(TestDevice *d) { test_device_close(&d->deck, &d->mesh, &d->geom, &d->sim); }

/* node nearest to x (cm) along the first axis */
static inline int test_node_at(const TcadMesh *m, double xcm)
{
  int best = 0;
  for (int i = 1; i < m->nnodes; i++)
    if (fabs(m->coord[3 * i] - xcm) < fabs(m->coord[3 * best] - xcm)) best = i;
  return best;
}
#endif
