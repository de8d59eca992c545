/* Mesh load + box-method geometry timing.
 *   bench_geometry gen DIM NODES     generated tensor mesh of about NODES nodes
 *   bench_geometry msh FILE          Gmsh file (µm)
 * Prints one CSV line: kind,dim,nodes,cells,edges,load_s,geometry_s,load_ns_per_node,geometry_ns_per_node
 * Each phase is timed as the best of REPEAT runs (env BENCH_REPEAT, default 3). */
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"
#include "tcad/mesh.h"
#include "tcad/petsc_error.h"
#include "tcad/sim.h"

static int load(const char *kind, const char *arg, TcadMesh **m, TcadDeck *deck)
{
  if (!strcmp(kind, "msh")) return TcadMeshLoadGmsh(arg, 1e-4, m);
  return TcadMeshGenerate(deck, m);
}

int main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: bench_geometry gen DIM NODES | msh FILE\n");
    return 2;
  }
  const char *kind = argv[1];
  int dim = 0, repeat = getenv("BENCH_REPEAT") ? atoi(getenv("BENCH_REPEAT")) : 3;
  long nodes = 0;
  TcadDeck deck;
  TcadRegionSpec reg;
  memset(&deck, 0, sizeof deck);
  memset(&reg, 0, sizeof reg);
  if (!strcmp(kind, "gen")) {
    if (argc < 4) return 2;
    dim = atoi(argv[2]);
    nodes = atol(argv[3]);
    /* n lines per axis with mild grading, so the spacing is not uniform */
    long per = (long)ceil(pow((double)nodes, 1.0 / dim));
    deck.mesh.source = TCAD_MESH_GENERATE;
    deck.mesh.dim = dim;
    snprintf(deck.path, sizeof deck.path, "bench");
    for (int a = 0; a < dim; a++) {
      deck.mesh.nlines[a] = 2;
      deck.mesh.lines[a] = calloc(2, sizeof(TcadMeshLine));
      double L = 1e-4, s = L / (per - 1);
      deck.mesh.lines[a][0] = (TcadMeshLine){0, 0.8 * s};
      deck.mesh.lines[a][1] = (TcadMeshLine){L, 1.25 * s};
    }
    snprintf(reg.name, sizeof reg.name, "bulk");
    deck.regions = &reg;
    deck.nregions = 1;
  }
  TcadInitialize(&argc, &argv, NULL);
  double best_load = HUGE_VAL, best_geom = HUGE_VAL;
  int nn = 0, nc = 0, ne = 0;
  for (int r = 0; r < repeat; r++) {
    TcadMesh *m = NULL;
    TcadGeometry *g = NULL;
    double t0 = tcad_now();
    int e = load(kind, argv[2], &m, &deck);
    double t1 = tcad_now();
    if (!e) e = TcadGeometryBuild(m, &g);
    double t2 = tcad_now();
    if (e) {
      fprintf(stderr, "bench_geometry: %s\n", tcad_error_message());
      return 1;
    }
    best_load = fmin(best_load, t1 - t0);
    best_geom = fmin(best_geom, t2 - t1);
    nn = m->nnodes, nc = m->ncells, ne = g->nunique_edges, dim = m->dim;
    TcadGeometryDestroy(&g);
    TcadMeshDestroy(&m);
  }
  printf("%s,%d,%d,%d,%d,%.4f,%.4f,%.1f,%.1f\n", kind, dim, nn, nc, ne, best_load, best_geom, 1e9 * best_load / nn,
         1e9 * best_geom / nn);
  for (int a = 0; a < 3; a++) free(deck.mesh.lines[a]);
  TcadFinalize();
  return 0;
}
