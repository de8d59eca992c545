/* Box-method (finite-volume) geometry on simplex meshes: per region, the Voronoi node
 * control volumes and the edge couplings A_ij/h_ij, as flat structure-of-arrays ready for
 * the host and CUDA assembly loops. */
#ifndef TCAD_GEOMETRY_H
#define TCAD_GEOMETRY_H
#include "tcad/mesh.h"

#define TCAD_GEOM_MAX_REPORT 16

typedef struct {
  int cell;     /* element with the negative contribution */
  int node[2];  /* the edge */
  double value; /* its coupling contribution A/h (negative) */
} TcadNonDelaunay;

typedef struct TcadGeometry {
  int dim, nnodes, nregions;
  /* region-edges: an edge with cells in two regions appears once per region. Sorted by region,
   * then by (i, j) with i < j; region r owns [region_edge_ptr[r], region_edge_ptr[r+1]). */
  int nedges;
  int *edge_i, *edge_j, *edge_region;
  double *edge_length;   /* h_ij, cm */
  double *edge_area;     /* A_ij, Voronoi face measure: cm^(d-1) (1 in 1D) */
  double *edge_coupling; /* A_ij / h_ij */
  int *region_edge_ptr;
  int nunique_edges; /* edges counted once whatever their regions */
  /* node control volumes per region: node n has entries [node_region_ptr[n], ..[n+1]) */
  int *node_region_ptr;
  int *node_region;
  double *node_region_volume; /* cm^d */
  double *node_volume;        /* sum over regions */
  /* nodes in more than one region */
  int ninterface;
  int *interface_node;
  double *region_measure; /* sum of cell measures per region */
  /* non-Delaunay elements: count of negative (cell, edge) contributions, first few located */
  int nnondelaunay;
  int nnegative_edges; /* region-edges whose summed coupling is negative */
  TcadNonDelaunay nondelaunay[TCAD_GEOM_MAX_REPORT];
} TcadGeometry;

int TcadGeometryBuild(const TcadMesh *mesh, TcadGeometry **geom);
void TcadGeometryDestroy(TcadGeometry **geom);
/* 1 when `node` has a control volume in `region` (a cell of the region touches it), else 0. */
int TcadGeometryRegionHasNode(const TcadGeometry *g, int node, int region);
#endif
