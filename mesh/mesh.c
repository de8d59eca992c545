/* Mesh container: lifetime, lookups, cell measures and checks, boundary faces, contact nodes,
 * compaction. The readers (gmsh.c, generate.c) call these; binding a mesh to a deck is in
 * bind.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/mesh_internal.h"
#include "mesh/tuples.h"
#include "tcad/error.h"

int tcad_mesh_create(TcadMesh **mesh)
{
  TcadMesh *m = tcad_calloc(1, sizeof *m);
  if (!m) return TCAD_ERR_MEM;
  *mesh = m;
  return 0;
}

void TcadMeshDestroy(TcadMesh **mesh)
{
  TcadMesh *m = mesh ? *mesh : NULL;
  if (!m) return;
  for (int c = 0; c < m->ncontacts; c++) {
    free(m->contacts[c].face_node);
    free(m->contacts[c].node);
  }
  free(m->contacts);
  for (int g = 0; g < m->ninterfaces; g++) free(m->interfaces[g].face_node);
  free(m->interfaces);
  free(m->regions);
  free(m->coord);
  free(m->cell_node);
  free(m->cell_region);
  free(m);
  *mesh = NULL;
}

int TcadMeshFindRegion(const TcadMesh *mesh, const char *name)
{
  for (int r = 0; r < mesh->nregions; r++)
    if (!strcmp(mesh->regions[r].name, name)) return r;
  return -1;
}

int TcadMeshFindContact(const TcadMesh *mesh, const char *name)
{
  for (int c = 0; c < mesh->ncontacts; c++)
    if (!strcmp(mesh->contacts[c].name, name)) return c;
  return -1;
}

double tcad_mesh_extent(const TcadMesh *mesh)
{
  double lo[3] = {HUGE_VAL, HUGE_VAL, HUGE_VAL}, hi[3] = {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL}, s = 0;
  for (int n = 0; n < mesh->nnodes; n++)
    for (int a = 0; a < 3; a++) {
      double x = mesh->coord[3 * n + a];
      if (x < lo[a]) lo[a] = x;
      if (x > hi[a]) hi[a] = x;
    }
  for (int a = 0; a < 3; a++)
    if (hi[a] >= lo[a]) s += (hi[a] - lo[a]) * (hi[a] - lo[a]);
  return sqrt(s);
}

double tcad_mesh_cell_measure(const TcadMesh *mesh, int c)
{
  const int *v = mesh->cell_node + (size_t)c * mesh->nvert;
  const double *x0 = mesh->coord + 3 * (size_t)v[0];
  double a[3][3];
  for (int k = 1; k < mesh->nvert; k++)
    for (int d = 0; d < 3; d++) a[k - 1][d] = mesh->coord[3 * (size_t)v[k] + d] - x0[d];
  switch (mesh->dim) {
  case 1: return a[0][0];
  case 2: return 0.5 * (a[0][0] * a[1][1] - a[0][1] * a[1][0]);
  default:
    return (a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
            a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])) /
           6.0;
  }
}

/* All faces of all cells: face f of cell c (the one opposite local vertex f) is tuple
 * c*nvert + f, nodes sorted. */
static int mesh_faces(const TcadMesh *mesh, int *nu, int **uniq, int **id, int **cnt)
{
  const int d = mesh->dim, nv = mesh->nvert;
  const size_t nall = (size_t)mesh->ncells * nv;
  int *all = NULL, rc = 0;
  TCAD_ALLOC(all, nall * d);
  for (int c = 0; c < mesh->ncells; c++) {
    const int *v = mesh->cell_node + (size_t)c * nv;
    for (int f = 0; f < nv; f++) {
      int *t = all + ((size_t)c * nv + f) * d, k = 0;
      for (int j = 0; j < nv; j++)
        if (j != f) t[k++] = v[j];
      tcad_tuples_sort_small(t, d);
    }
  }
  TCAD_CALL_GOTO(rc, tcad_tuples_unique(mesh->nnodes, (int)nall, d, all, nu, uniq, id, cnt), cleanup);
cleanup:
  free(all);
  return rc;
}

/* Signed measure of the simplex (face nodes..., apex): which side of the face the apex is on. */
static double side_of(const TcadMesh *m, const int *face, int apex)
{
  const double *x0 = m->coord + 3 * (size_t)face[0], *xa = m->coord + 3 * (size_t)apex;
  if (m->dim == 1) return xa[0] - x0[0];
  const double *x1 = m->coord + 3 * (size_t)face[1];
  if (m->dim == 2) return (x1[0] - x0[0]) * (xa[1] - x0[1]) - (x1[1] - x0[1]) * (xa[0] - x0[0]);
  const double *x2 = m->coord + 3 * (size_t)face[2];
  double a[3], b[3], c[3];
  for (int k = 0; k < 3; k++) a[k] = x1[k] - x0[k], b[k] = x2[k] - x0[k], c[k] = xa[k] - x0[k];
  return a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]);
}

/* Zero-measure cells break the box method outright (infinite couplings). An inverted cell is
 * folded over a neighbour: the two cells sharing a face then lie on the same side of it and
 * overlap. Testing that, rather than each cell's orientation, is independent of the vertex
 * order (Gmsh orients each surface on its own, so orientations legitimately differ). Both are
 * reported with the first offenders' coordinates, in µm. */
int TcadMeshCheckCells(const TcadMesh *mesh)
{
  const double ext = tcad_mesh_extent(mesh);
  const double tol = 1e-12 * pow(ext, mesh->dim);
  int nzero = 0, first_zero = -1;
  for (int c = 0; c < mesh->ncells; c++) {
    if (fabs(tcad_mesh_cell_measure(mesh, c)) <= tol) {
      nzero++;
      if (first_zero < 0) first_zero = c;
    }
  }
  if (nzero) {
    const int *v = mesh->cell_node + (size_t)first_zero * mesh->nvert;
    const double *x = mesh->coord + 3 * (size_t)v[0];
    return tcad_error(TCAD_ERR_MESH,
                      "%s: %d element%s of zero %s (first: element %d at (%g, %g, %g) um); "
                      "remesh without degenerate elements",
                      mesh->source, nzero, nzero > 1 ? "s" : "",
                      mesh->dim == 1   ? "length"
                      : mesh->dim == 2 ? "area"
                                       : "volume",
                      first_zero, x[0] * 1e4, x[1] * 1e4, x[2] * 1e4);
  }
  int nu = 0, *uniq = NULL, *id = NULL, *cnt = NULL, *first = NULL, nbad = 0, shown = 0, rc = 0;
  char where[600] = "";
  TCAD_CALL(mesh_faces(mesh, &nu, &uniq, &id, &cnt));
  TCAD_ALLOC_GOTO(rc, first, nu, cleanup);
  for (int u = 0; u < nu; u++) first[u] = -1;
  for (size_t t = 0; t < (size_t)mesh->ncells * mesh->nvert; t++) {
    int u = id[t];
    if (cnt[u] > 2) {
      nbad++; /* a face shared by three or more cells: overlapping elements */
      continue;
    }
    if (first[u] < 0) {
      first[u] = (int)t;
      continue;
    }
    size_t t0 = (size_t)first[u];
    int c0 = (int)(t0 / mesh->nvert), c1 = (int)(t / mesh->nvert);
    int a0 = mesh->cell_node[t0], a1 = mesh->cell_node[t]; /* apex = the vertex the face omits */
    const int *face = uniq + (size_t)u * mesh->dim;
    double s0 = side_of(mesh, face, a0), s1 = side_of(mesh, face, a1);
    if ((s0 > 0) == (s1 > 0)) {
      nbad++;
      if (shown < 3) {
        double cx[3] = {0, 0, 0};
        for (int k = 0; k < mesh->nvert; k++)
          for (int d = 0; d < 3; d++)
            cx[d] += mesh->coord[3 * (size_t)mesh->cell_node[(size_t)c1 * mesh->nvert + k] + d] / mesh->nvert;
        size_t len = strlen(where);
        snprintf(where + len, sizeof where - len, "%selements %d and %d near (%g, %g, %g) um", shown ? "; " : "", c0,
                 c1, cx[0] * 1e4, cx[1] * 1e4, cx[2] * 1e4);
        shown++;
      }
    }
  }
  if (nbad)
    rc = tcad_error(TCAD_ERR_MESH,
                    "%s: %d inverted element%s: neighbouring elements overlap (%s%s); the mesh "
                    "folds over itself, fix or remesh it",
                    mesh->source, nbad, nbad > 1 ? "s" : "",
                    where[0] ? where : "faces shared by more than two elements", nbad > 3 ? "; ..." : "");
cleanup:
  free(uniq), free(id), free(cnt), free(first);
  return rc;
}

int tcad_mesh_boundary_faces(const TcadMesh *mesh, int *nfaces, int **face_node)
{
  const int d = mesh->dim;
  int *uniq = NULL, *id = NULL, *cnt = NULL, nu = 0, nb = 0, *out = NULL, rc = 0;
  TCAD_CALL(mesh_faces(mesh, &nu, &uniq, &id, &cnt));
  for (int u = 0; u < nu; u++) nb += cnt[u] == 1;
  TCAD_ALLOC_GOTO(rc, out, (size_t)nb * d, cleanup);
  nb = 0;
  for (int u = 0; u < nu; u++)
    if (cnt[u] == 1) memcpy(out + (size_t)nb++ * d, uniq + (size_t)u * d, sizeof(int) * d);
  *nfaces = nb;
  *face_node = out;
cleanup:
  free(uniq), free(id), free(cnt);
  return rc;
}

static int cmp_int(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

int tcad_mesh_contact_nodes(TcadMeshContact *c, int dim)
{
  size_t n = (size_t)c->nfaces * dim;
  int *nodes = NULL, k = 0;
  TCAD_ALLOC(nodes, n);
  if (n) memcpy(nodes, c->face_node, sizeof(int) * n);
  qsort(nodes, n, sizeof(int), cmp_int);
  for (size_t i = 0; i < n; i++)
    if (!k || nodes[k - 1] != nodes[i]) nodes[k++] = nodes[i];
  free(c->node);
  c->node = nodes;
  c->nnodes = k;
  return 0;
}

int tcad_mesh_compact(TcadMesh *mesh)
{
  int *newid = NULL, n = 0;
  TCAD_ALLOC(newid, mesh->nnodes);
  for (int i = 0; i < mesh->nnodes; i++) newid[i] = -1;
  for (size_t k = 0; k < (size_t)mesh->ncells * mesh->nvert; k++) newid[mesh->cell_node[k]] = 0;
  for (int i = 0; i < mesh->nnodes; i++)
    if (newid[i] == 0) {
      newid[i] = n;
      memmove(mesh->coord + 3 * (size_t)n, mesh->coord + 3 * (size_t)i, 3 * sizeof(double));
      n++;
    }
  for (size_t k = 0; k < (size_t)mesh->ncells * mesh->nvert; k++) mesh->cell_node[k] = newid[mesh->cell_node[k]];
  mesh->nnodes = n;
  free(newid);
  return 0;
}
