/* Box-method geometry. For each simplex, every edge ij gets the coupling contribution
 * w = A_ij/h_ij of the cell's part of the Voronoi face, in closed form:
 *   1D: w = 1/h
 *   2D: w = cot(theta_k)/2, theta_k the angle opposite the edge (the signed distance from the
 *       circumcentre to the edge midpoint, divided by h)
 *   3D: w = A/h with A the signed area of the polygon joining the edge midpoint, the two face
 *       circumcentres and the tet circumcentre (PHYSICS.md §1). This is not the P1-FEM
 *       cotangent weight |e_kl| cot(theta_kl)/6, which splits the cell's faces barycentrically:
 *       the two agree in 2D but not per tetrahedron in 3D, and only the circumcentric one sums
 *       to the true (non-negative) Voronoi face on a Delaunay mesh.
 * Each end node gets the pyramid of base A and height h/2: w h^2/(2d). These volume pieces
 * sum to the cell measure exactly (also for obtuse cells, where some are negative), so node
 * volumes add up to each region's measure. A negative w marks a non-Delaunay cell. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/tuples.h"
#include "tcad/error.h"
#include "tcad/geometry.h"

static const int edge_pairs_2d[3][2] = {{0, 1}, {0, 2}, {1, 2}};
static const int edge_pairs_3d[6][2] = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};

static void cross3(const double *a, const double *b, double *c)
{
  c[0] = a[1] * b[2] - a[2] * b[1], c[1] = a[2] * b[0] - a[0] * b[2], c[2] = a[0] * b[1] - a[1] * b[0];
}

/* Circumcentre of a tetrahedron: x0 + (|a|^2 (b x c) + |b|^2 (c x a) + |c|^2 (a x b)) / (2 a.(b x c)). */
static void tet_circumcentre(const double *X, const int *v, double *cc)
{
  const double *x0 = X + 3 * (size_t)v[0];
  double a[3], b[3], c[3], bc[3], ca[3], ab[3];
  for (int d = 0; d < 3; d++)
    a[d] = X[3 * (size_t)v[1] + d] - x0[d], b[d] = X[3 * (size_t)v[2] + d] - x0[d],
    c[d] = X[3 * (size_t)v[3] + d] - x0[d];
  cross3(b, c, bc), cross3(c, a, ca), cross3(a, b, ab);
  double a2 = a[0] * a[0] + a[1] * a[1] + a[2] * a[2], b2 = b[0] * b[0] + b[1] * b[1] + b[2] * b[2];
  double c2 = c[0] * c[0] + c[1] * c[1] + c[2] * c[2], den = 2.0 * (a[0] * bc[0] + a[1] * bc[1] + a[2] * bc[2]);
  for (int d = 0; d < 3; d++) cc[d] = x0[d] + (a2 * bc[d] + b2 * ca[d] + c2 * ab[d]) / den;
}

/* Coupling contribution of local edge (p, q) of cell `v` (node ids), and its length in *h.
 * det is the cell's Jacobian determinant, cc its circumcentre (3D only). */
static double cell_edge_coupling(const double *X, int dim, const int *v, int p, int q, double det, const double *cc,
                                 double *h)
{
  const double *xi = X + 3 * (size_t)v[p], *xj = X + 3 * (size_t)v[q];
  double e[3] = {xj[0] - xi[0], xj[1] - xi[1], xj[2] - xi[2]};
  *h = sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2]);
  if (dim == 1) return 1.0 / *h;
  if (dim == 2) {
    int k = 3 - p - q;
    const double *xk = X + 3 * (size_t)v[k];
    double a[2] = {xi[0] - xk[0], xi[1] - xk[1]}, b[2] = {xj[0] - xk[0], xj[1] - xk[1]};
    return 0.5 * (a[0] * b[0] + a[1] * b[1]) / fabs(det);
  }
  /* 3D: the polygon (edge midpoint, circumcentres of the two faces on the edge, tet
   * circumcentre) split into two triangles, one per face f = (i, j, k): base = signed
   * distance from f's circumcentre to the edge midpoint (positive toward k), height = signed
   * distance from the tet circumcentre to the plane of f (positive toward the fourth vertex). */
  int o[2], n = 0;
  for (int r = 0; r < 4; r++)
    if (r != p && r != q) o[n++] = r;
  double area = 0;
  for (int f = 0; f < 2; f++) {
    const double *xk = X + 3 * (size_t)v[o[f]], *xl = X + 3 * (size_t)v[o[1 - f]];
    double a[3], b[3], ab[3], nf[3], t[3];
    for (int d = 0; d < 3; d++) a[d] = xi[d] - xk[d], b[d] = xj[d] - xk[d];
    cross3(a, b, ab);
    double nab = sqrt(ab[0] * ab[0] + ab[1] * ab[1] + ab[2] * ab[2]);
    double base = 0.5 * *h * (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / nab; /* (h/2) cot(angle at k) */
    for (int d = 0; d < 3; d++) nf[d] = ab[d] / nab, t[d] = xl[d] - xi[d];
    double side = t[0] * nf[0] + t[1] * nf[1] + t[2] * nf[2];
    double height = (cc[0] - xi[0]) * nf[0] + (cc[1] - xi[1]) * nf[1] + (cc[2] - xi[2]) * nf[2];
    area += 0.5 * base * (side > 0 ? height : -height);
  }
  return area / *h;
}

/* det = d! * signed measure (the Jacobian determinant of the simplex) */
static double cell_det(const double *X, int dim, const int *v)
{
  const double *x0 = X + 3 * (size_t)v[0];
  double a[3][3];
  for (int k = 1; k <= dim; k++)
    for (int d = 0; d < 3; d++) a[k - 1][d] = X[3 * (size_t)v[k] + d] - x0[d];
  if (dim == 1) return a[0][0];
  if (dim == 2) return a[0][0] * a[1][1] - a[0][1] * a[1][0];
  return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
         a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
}

void TcadGeometryDestroy(TcadGeometry **geom)
{
  TcadGeometry *g = geom ? *geom : NULL;
  if (!g) return;
  free(g->edge_i), free(g->edge_j), free(g->edge_region), free(g->edge_length), free(g->edge_area);
  free(g->edge_coupling), free(g->region_edge_ptr), free(g->node_region_ptr), free(g->node_region);
  free(g->node_region_volume), free(g->node_volume), free(g->interface_node), free(g->region_measure);
  free(g);
  *geom = NULL;
}

int TcadGeometryRegionHasNode(const TcadGeometry *g, int node, int region)
{
  for (int k = g->node_region_ptr[node]; k < g->node_region_ptr[node + 1]; k++)
    if (g->node_region[k] == region) return 1;
  return 0;
}

int TcadGeometryBuild(const TcadMesh *mesh, TcadGeometry **geom)
{
  const int dim = mesh->dim, nv = mesh->nvert, nc = mesh->ncells, nn = mesh->nnodes;
  const int epc = dim == 1 ? 1 : dim == 2 ? 3 : 6; /* edges per cell */
  const int(*pairs)[2] = dim == 2 ? edge_pairs_2d : edge_pairs_3d;
  const size_t nce = (size_t)nc * epc;
  TcadGeometry *g = NULL;
  int *cell_edges = NULL, nue = 0;
  int *uer = NULL, *erid = NULL, nuer = 0;
  int *nr = NULL, *unr = NULL, *nrid = NULL, nunr = 0;
  int *slot_of = NULL, *fill = NULL;
  int rc = 0;

  TCAD_ALLOC(g, 1);
  g->dim = dim, g->nnodes = nn, g->nregions = mesh->nregions;

  /* 1-2. region-edges in one pass: unique (i, j, region) triples. The same edge in two
   * regions gives two adjacent triples, so unique edges are counted on the way. */
  TCAD_ALLOC_GOTO(rc, cell_edges, nce * 3, cleanup);
  for (int c = 0; c < nc; c++) {
    const int *v = mesh->cell_node + (size_t)c * nv;
    for (int k = 0; k < epc; k++) {
      int a = dim == 1 ? v[0] : v[pairs[k][0]], b = dim == 1 ? v[1] : v[pairs[k][1]];
      int *t = cell_edges + 3 * ((size_t)c * epc + k);
      t[0] = a < b ? a : b, t[1] = a < b ? b : a, t[2] = mesh->cell_region[c];
    }
  }
  TCAD_CALL_GOTO(rc, tcad_tuples_unique(nn, (int)nce, 3, cell_edges, &nuer, &uer, &erid, NULL), cleanup);
  for (int u = 0; u < nuer; u++)
    nue += u == 0 || uer[3 * u] != uer[3 * (u - 1)] || uer[3 * u + 1] != uer[3 * (u - 1) + 1];
  g->nunique_edges = nue;
  g->nedges = nuer;
  g->region_edge_ptr = tcad_calloc((size_t)mesh->nregions + 1, sizeof(int));
  slot_of = tcad_malloc(sizeof(int) * (size_t)(nuer ? nuer : 1));
  g->edge_i = tcad_malloc(sizeof(int) * (size_t)(nuer ? nuer : 1));
  g->edge_j = tcad_malloc(sizeof(int) * (size_t)(nuer ? nuer : 1));
  g->edge_region = tcad_malloc(sizeof(int) * (size_t)(nuer ? nuer : 1));
  g->edge_length = tcad_calloc((size_t)nuer, sizeof(double));
  g->edge_area = tcad_calloc((size_t)nuer, sizeof(double));
  g->edge_coupling = tcad_calloc((size_t)nuer, sizeof(double));
  if (!g->region_edge_ptr || !slot_of || !g->edge_i || !g->edge_j || !g->edge_region || !g->edge_length ||
      !g->edge_area || !g->edge_coupling) {
    rc = TCAD_ERR_MEM;
    goto cleanup;
  }
  for (int u = 0; u < nuer; u++) g->region_edge_ptr[uer[3 * u + 2] + 1]++;
  for (int r = 0; r < mesh->nregions; r++) g->region_edge_ptr[r + 1] += g->region_edge_ptr[r];
  TCAD_ALLOC_GOTO(rc, fill, mesh->nregions + 1, cleanup);
  memcpy(fill, g->region_edge_ptr, sizeof(int) * (size_t)(mesh->nregions + 1));
  for (int u = 0; u < nuer; u++) { /* stable: within a region, edges stay in (i, j) order */
    int s = fill[uer[3 * u + 2]]++;
    slot_of[u] = s;
    g->edge_i[s] = uer[3 * u], g->edge_j[s] = uer[3 * u + 1], g->edge_region[s] = uer[3 * u + 2];
  }

  /* 3. node-region pairs */
  TCAD_ALLOC_GOTO(rc, nr, (size_t)nc * nv * 2, cleanup);
  for (int c = 0; c < nc; c++)
    for (int q = 0; q < nv; q++) {
      nr[2 * ((size_t)c * nv + q)] = mesh->cell_node[(size_t)c * nv + q];
      nr[2 * ((size_t)c * nv + q) + 1] = mesh->cell_region[c];
    }
  TCAD_CALL_GOTO(rc, tcad_tuples_unique(nn, nc * nv, 2, nr, &nunr, &unr, &nrid, NULL), cleanup);
  g->node_region_ptr = tcad_calloc((size_t)nn + 1, sizeof(int));
  g->node_region = tcad_malloc(sizeof(int) * (size_t)(nunr ? nunr : 1));
  g->node_region_volume = tcad_calloc((size_t)nunr, sizeof(double));
  g->node_volume = tcad_calloc((size_t)nn, sizeof(double));
  g->region_measure = tcad_calloc((size_t)mesh->nregions + 1, sizeof(double));
  if (!g->node_region_ptr || !g->node_region || !g->node_region_volume || !g->node_volume || !g->region_measure) {
    rc = TCAD_ERR_MEM;
    goto cleanup;
  }
  for (int u = 0; u < nunr; u++) {
    g->node_region_ptr[unr[2 * u] + 1]++;
    g->node_region[u] = unr[2 * u + 1];
  }
  for (int n = 0; n < nn; n++) g->node_region_ptr[n + 1] += g->node_region_ptr[n];

  /* 4. accumulate couplings and volumes, cell by cell (deterministic order) */
  for (int c = 0; c < nc; c++) {
    const int *v = mesh->cell_node + (size_t)c * nv;
    const double det = cell_det(mesh->coord, dim, v);
    const double meas = fabs(det) / (dim == 1 ? 1.0 : dim == 2 ? 2.0 : 6.0);
    double cc[3] = {0, 0, 0};
    if (dim == 3) tet_circumcentre(mesh->coord, v, cc);
    g->region_measure[mesh->cell_region[c]] += meas;
    for (int k = 0; k < epc; k++) {
      int p = dim == 1 ? 0 : pairs[k][0], q = dim == 1 ? 1 : pairs[k][1];
      double h, w = cell_edge_coupling(mesh->coord, dim, v, p, q, det, cc, &h);
      size_t ce = (size_t)c * epc + k;
      int s = slot_of[erid[ce]];
      g->edge_coupling[s] += w;
      g->edge_length[s] = h;
      double dv = w * h * h / (2.0 * dim);
      g->node_region_volume[nrid[(size_t)c * nv + p]] += dv;
      g->node_region_volume[nrid[(size_t)c * nv + q]] += dv;
      if (w * h * h < -1e-9 * meas) {
        if (g->nnondelaunay < TCAD_GEOM_MAX_REPORT) {
          TcadNonDelaunay *nd = &g->nondelaunay[g->nnondelaunay];
          nd->cell = c, nd->node[0] = v[p], nd->node[1] = v[q], nd->value = w;
        }
        g->nnondelaunay++;
      }
    }
  }
  for (int s = 0; s < nuer; s++) {
    g->edge_area[s] = g->edge_coupling[s] * g->edge_length[s];
    if (g->edge_coupling[s] * g->edge_length[s] * g->edge_length[s] < -1e-9 * pow(g->edge_length[s], dim))
      g->nnegative_edges++;
  }
  for (int n = 0; n < nn; n++)
    for (int k = g->node_region_ptr[n]; k < g->node_region_ptr[n + 1]; k++)
      g->node_volume[n] += g->node_region_volume[k];

  /* 5. interface nodes */
  for (int n = 0; n < nn; n++) g->ninterface += g->node_region_ptr[n + 1] - g->node_region_ptr[n] > 1;
  TCAD_ALLOC_GOTO(rc, g->interface_node, g->ninterface, cleanup);
  g->ninterface = 0;
  for (int n = 0; n < nn; n++)
    if (g->node_region_ptr[n + 1] - g->node_region_ptr[n] > 1) g->interface_node[g->ninterface++] = n;

  *geom = g;
  g = NULL;
cleanup:
  free(cell_edges), free(uer), free(erid), free(fill);
  free(nr), free(unr), free(nrid), free(slot_of);
  TcadGeometryDestroy(&g);
  return rc;
}
