/* libFuzzer harness: tcad's Gmsh reader (mesh/gmsh.c) on arbitrary bytes, then what `tcad run`
 * does next with a mesh it accepts: the cell checks and, for a mesh that passes them, the
 * box-method geometry. Every input must give a mesh or one error (no crash, no leak, no undefined
 * behaviour, bounded time and memory); `make fuzz` builds and runs it with ASan and UBSan. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/mesh_internal.h"
#include "tcad/error.h"
#include "tcad/geometry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *buf = malloc(size + 1);
  if (!buf) return 0;
  memcpy(buf, data, size);
  buf[size] = 0; /* the reader's contract: a NUL after the file's bytes */
  TcadMesh *m = NULL;
  tcad_error_clear();
  if (!tcad_mesh_read_gmsh("fuzz.msh", buf, size, 1e-4, &m)) {
    TcadGeometry *g = NULL;
    if (!TcadMeshCheckCells(m) && !TcadGeometryBuild(m, &g)) TcadGeometryDestroy(&g);
    TcadMeshDestroy(&m);
  }
  free(buf);
  return 0;
}
