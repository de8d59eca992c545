/* Shared by the solver tests: build a device from a deck string (mesh, geometry, a quiet
 * simulation at equilibrium) and tear it down, and find the node nearest a point.
 *
 * The backend: the backend-parameterized tests (tests/run.sh lists them) call
 * test_backend_init first, which reads TCAD_TEST_BACKEND=host|cuda (default host) and puts every
 * simulation the test creates on that backend (-tcad_backend, as on the command line);
 * test_device_open and test_example_open also check that it is in force. The checks and their
 * tolerances are the same on both backends. Asked for cuda without a usable CUDA device, the test
 * prints one "SKIP <test>: no CUDA device: <why>" and stops: it never falls back to the host.
 * A test that does not call test_backend_init keeps the library's default backend. */
#ifndef TCAD_TESTS_DEVICE_H
#define TCAD_TESTS_DEVICE_H
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/cuda.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"
#include "tcad/mesh.h"
#include "tcad/petsc_error.h"
#include "tcad/sim.h"

/* The tests' backend: TCAD_BACKEND_* once test_backend_init has run, else -1. */
static inline int *test_backend_slot(void)
{
  static int backend = -1;
  return &backend;
}

static inline const char *test_backend_name(int b) { return b == TCAD_BACKEND_CUDA ? "cuda" : "host"; }

/* Call right after TcadInitialize, with argv[0] (the test's name is its base name). Returns 1 to
 * go on; 0 when cuda is asked for and no CUDA device is usable ("SKIP <test>: no CUDA device:
 * <why>" printed); -1 when TCAD_TEST_BACKEND has an unknown value ("FAIL <test>: ..." printed).
 * On 0 or -1 the test ends with `return test_backend_stop(go);` (exit status 0 or 1). */
static inline int test_backend_init(const char *argv0)
{
  const char *test = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
  const char *v = getenv("TCAD_TEST_BACKEND");
  int b;
  if (!v || !*v || !strcmp(v, "host")) {
    b = TCAD_BACKEND_HOST;
  } else if (!strcmp(v, "cuda")) {
    b = TCAD_BACKEND_CUDA;
  } else {
    printf("FAIL %s: TCAD_TEST_BACKEND=%s: unknown backend; use host or cuda\n", test, v);
    fflush(stdout);
    return -1;
  }
  if (b == TCAD_BACKEND_CUDA) {
    TcadCudaInfo ci;
    tcad_cuda_query(&ci);
    if (ci.ndevices < 1) {
      const char *pre = "no CUDA device";
      printf("SKIP %s: %s%s\n", test, strncmp(ci.why, pre, strlen(pre)) ? "no CUDA device: " : "",
             ci.why[0] ? ci.why : "none found");
      fflush(stdout);
      return 0;
    }
    printf("# backend cuda: CUDA device %s (sm_%d%d)\n", ci.name, ci.major, ci.minor);
  } else {
    printf("# backend host\n");
  }
  /* every TcadSimCreate from now on picks it up, like the command line's -tcad_backend */
  if (PetscOptionsSetValue(NULL, "-tcad_backend", test_backend_name(b))) {
    printf("FAIL %s: cannot set -tcad_backend %s\n", test, test_backend_name(b));
    fflush(stdout);
    return -1;
  }
  *test_backend_slot() = b;
  return 1;
}

/* The end of a test that test_backend_init stopped: PETSc finalized, exit status 0 for a skip. */
static inline int test_backend_stop(int go)
{
  TcadFinalize();
  return go < 0 ? 1 : 0;
}

/* 0 when sim is on the tests' backend (or no backend was asked for), else an error. */
static inline int test_sim_on_backend(const TcadSim *sim)
{
  const int want = *test_backend_slot();
  if (want < 0 || TcadSimGetBackend(sim) == want) return 0;
  return tcad_error(TCAD_ERR_INTERNAL, "the simulation is on the %s backend, not on TCAD_TEST_BACKEND=%s",
                    test_backend_name(TcadSimGetBackend(sim)), test_backend_name(want));
}

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
  if (!e) e = TcadMeshCreateFromDeck(*deck, mesh);
  if (!e) e = TcadGeometryBuild(*mesh, geom);
  if (!e) e = TcadSimCreate(*deck, *mesh, *geom, sim);
  if (!e) e = test_sim_on_backend(*sim);
  if (!e) e = TcadSimSetOutput(*sim, NULL, NULL, 1);
  if (!e) e = TcadSimSolveEquilibrium(*sim);
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
  if (!e) e = TcadMeshCreateFromDeck(d->deck, &d->mesh);
  if (!e) e = TcadGeometryBuild(d->mesh, &d->geom);
  if (transport) PetscOptionsSetValue(NULL, "-tcad_transport", transport);
  if (!e) e = TcadSimCreate(d->deck, d->mesh, d->geom, &d->sim);
  if (transport) PetscOptionsClearValue(NULL, "-tcad_transport");
  if (!e) e = test_sim_on_backend(d->sim);
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
