/* Interface area between two regions, lumped to the nodes: what interface charges and
 * surface recombination at a region boundary need (a sheet quantity per cm^(dim-1) times this
 * area gives the node's share). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/tuples.h"
#include "tcad/error.h"
#include "tcad/mesh.h"

/* Measure of a face of `dim` nodes: 1 for a point (1D), a length (2D) or an area (3D), in cm. */
static double face_measure(const TcadMesh *m, const int *face)
{
  const double *x0 = m->coord + 3 * (size_t)face[0];
  double a[3], b[3], c[3];
  if (m->dim == 1) return 1.0;
  const double *x1 = m->coord + 3 * (size_t)face[1];
  for (int k = 0; k < 3; k++) a[k] = x1[k] - x0[k];
  if (m->dim == 2) return sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
  const double *x2 = m->coord + 3 * (size_t)face[2];
  for (int k = 0; k < 3; k++) b[k] = x2[k] - x0[k];
  c[0] = a[1] * b[2] - a[2] * b[1];
  c[1] = a[2] * b[0] - a[0] * b[2];
  c[2] = a[0] * b[1] - a[1] * b[0];
  return 0.5 * sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
}

double TcadMeshFaceMeasure(const TcadMesh *mesh, const int *face) { return face_measure(mesh, face); }

/* The faces shared by a cell of side 1 and a cell of side 2 (side[r] of each region: 0, 1 or 2),
 * as sorted node tuples of width dim (*faces, nface × dim, caller frees). Every face of every
 * cell on a side (the rest cannot be on the interface), deduplicated in linear time: a face met
 * twice, once from each side, is on the interface. A face of three or more cells is an overlap
 * that TcadMeshCheckCells refuses; it is skipped here. */
static int shared_faces(const TcadMesh *mesh, const int *side, int *nface, int **faces)
{
  const int d = mesh->dim, nv = mesh->nvert;
  *nface = 0, *faces = NULL;
  size_t ncand = 0;
  for (int c = 0; c < mesh->ncells; c++) ncand += side[mesh->cell_region[c]] != 0;
  if ((ncand * nv) > (size_t)0x7fffffff)
    return tcad_error(TCAD_ERR_MEM, "%s: too many faces for an interface", mesh->source);
  const size_t nall = ncand * nv;
  int *all = NULL, *owner = NULL, *uniq = NULL, *id = NULL, *cnt = NULL, *first = NULL, *out = NULL, nu = 0, n = 0,
      rc = 0;
  TCAD_ALLOC_GOTO(rc, all, nall * d, cleanup);
  TCAD_ALLOC_GOTO(rc, owner, nall, cleanup); /* side of the tuple's cell */
  size_t t = 0;
  for (int c = 0; c < mesh->ncells; c++) {
    const int sd = side[mesh->cell_region[c]];
    if (!sd) continue;
    const int *v = mesh->cell_node + (size_t)c * nv;
    for (int f = 0; f < nv; f++, t++) {
      int *tp = all + t * d, k = 0;
      for (int j = 0; j < nv; j++)
        if (j != f) tp[k++] = v[j];
      tcad_tuples_sort_small(tp, d);
      owner[t] = sd;
    }
  }
  TCAD_CALL_GOTO(rc, tcad_tuples_unique(mesh->nnodes, (int)nall, d, all, &nu, &uniq, &id, &cnt), cleanup);
  TCAD_ALLOC_GOTO(rc, first, nu, cleanup);
  TCAD_ALLOC_GOTO(rc, out, (size_t)nu * d, cleanup);
  for (int u = 0; u < nu; u++) first[u] = -1;
  for (size_t k = 0; k < nall; k++) {
    const int u = id[k];
    if (cnt[u] != 2) continue;
    if (first[u] < 0) {
      first[u] = (int)k;
      continue;
    }
    if (owner[first[u]] == owner[k]) continue; /* both cells on the same side */
    memcpy(out + (size_t)n * d, uniq + (size_t)u * d, sizeof(int) * (size_t)d);
    n++;
  }
  *nface = n, *faces = out, out = NULL;
cleanup:
  free(all), free(owner), free(uniq), free(id), free(cnt), free(first), free(out);
  return rc;
}

int TcadMeshGetKindInterfaceFaces(const TcadMesh *mesh, TcadMaterialKind k1, TcadMaterialKind k2, int *nface,
                                  int **faces)
{
  int *side = NULL, rc = 0;
  TCAD_ALLOC(side, mesh->nregions);
  for (int r = 0; r < mesh->nregions; r++)
    side[r] = mesh->regions[r].kind == k1 ? 1 : mesh->regions[r].kind == k2 ? 2 : 0;
  rc = shared_faces(mesh, side, nface, faces);
  free(side);
  return rc;
}

int TcadMeshGetInterfaceArea(const TcadMesh *mesh, int r1, int r2, double *area)
{
  if (!mesh || !area)
    return tcad_error(TCAD_ERR_INTERNAL, "TcadMeshGetInterfaceArea: no %s given", mesh ? "area array" : "mesh");
  if (mesh->dim < 1 || mesh->dim > 3 || mesh->nvert != mesh->dim + 1 || !mesh->cell_region)
    return tcad_error(TCAD_ERR_INTERNAL,
                      "%s: TcadMeshGetInterfaceArea: mesh of dimension %d with %d "
                      "nodes per cell%s",
                      mesh->source, mesh->dim, mesh->nvert, mesh->cell_region ? "" : " and no cell regions");
  if (r1 < 0 || r1 >= mesh->nregions || r2 < 0 || r2 >= mesh->nregions)
    return tcad_error(TCAD_ERR_INTERNAL,
                      "%s: TcadMeshGetInterfaceArea: region index %d out of range "
                      "(mesh has %d regions)",
                      mesh->source, (r1 < 0 || r1 >= mesh->nregions) ? r1 : r2, mesh->nregions);
  if (r1 == r2)
    return tcad_error(TCAD_ERR_INTERNAL,
                      "%s: TcadMeshGetInterfaceArea: region '%s' given twice; an "
                      "interface needs two different regions",
                      mesh->source, mesh->regions[r1].name);
  const int d = mesh->dim;
  int *side = NULL, *faces = NULL, nf = 0, rc = 0;
  TCAD_ALLOC(side, mesh->nregions);
  side[r1] = 1, side[r2] = 2;
  TCAD_CALL_GOTO(rc, shared_faces(mesh, side, &nf, &faces), cleanup);
  for (int f = 0; f < nf; f++) {
    const int *face = faces + (size_t)f * d;
    const double share = face_measure(mesh, face) / d;
    for (int j = 0; j < d; j++) area[face[j]] += share;
  }
  if (!nf)
    rc = tcad_error(TCAD_ERR_MESH, "%s: regions '%s' and '%s' share no %s: they have no interface", mesh->source,
                    mesh->regions[r1].name, mesh->regions[r2].name,
                    d == 1   ? "node"
                    : d == 2 ? "edge"
                             : "face");
cleanup:
  free(side), free(faces);
  return rc;
}

int TcadMeshGetFaceGroupArea(const TcadMesh *mesh, const char *name, double *area)
{
  for (int g = 0; g < mesh->ninterfaces; g++) {
    const TcadMeshFaceGroup *fg = &mesh->interfaces[g];
    if (strcmp(fg->name, name)) continue;
    for (int f = 0; f < fg->nfaces; f++) {
      const int *face = fg->face_node + (size_t)f * mesh->dim;
      const double share = face_measure(mesh, face) / mesh->dim;
      for (int j = 0; j < mesh->dim; j++) area[face[j]] += share;
    }
    return 0;
  }
  return tcad_error(TCAD_ERR_MESH, "%s: no face group '%s' between two regions", mesh->source, name);
}
