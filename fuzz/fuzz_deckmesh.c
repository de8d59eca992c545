/* libFuzzer harness: from deck text to a mesh ready to solve on, the way `tcad run` goes: the
 * deck parser, the generated mesh with its region and contact boxes (mesh/generate.c), binding to
 * the deck (mesh/bind.c), the cell checks, the doping and the box-method geometry. Decks that name
 * a mesh file are parsed only (the Gmsh reader has its own harness). Generated meshes are capped
 * at 2e4 nodes here (2e7 in tcad) so that each input stays fast. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/mesh_internal.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  tcad_mesh_generate_max_nodes = 2e4;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = 0;
  TcadDeck *d = NULL;
  TcadMesh *m = NULL;
  tcad_error_clear();
  if (!TcadDeckLoadString(text, "fuzz.yaml", &d) && d->mesh.source == TCAD_MESH_GENERATE &&
      !TcadMeshCreateFromDeck(d, &m)) {
    double *nd = calloc((size_t)m->nnodes + 1, sizeof(double)), *na = calloc((size_t)m->nnodes + 1, sizeof(double));
    TcadGeometry *g = NULL;
    if (nd && na) TcadDopingEvaluate(d, m, nd, na);
    if (!TcadGeometryBuild(m, &g)) TcadGeometryDestroy(&g);
    free(nd), free(na);
    TcadMeshDestroy(&m);
  }
  TcadDeckDestroy(&d);
  free(text);
  return 0;
}
