/* Box-method geometry: hand-computed cells (values derived on paper from the circumcentric
 * construction, not from the code), and identities on generated graded meshes:
 *  - node volumes sum to each region's measure and to the analytic box measure;
 *  - sum_j A_ij (u_j - u_i)/h_ij = 0 at interior nodes for linear u. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/mesh_internal.h"
#include "tap.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"

static TcadMesh *hand_mesh(int dim, int nnodes, const double *xyz, int ncells, const int *cells, const int *reg,
                           int nreg)
{
  TcadMesh *m = NULL;
  tcad_mesh_create(&m);
  m->dim = dim, m->nvert = dim + 1, m->nnodes = nnodes, m->ncells = ncells, m->nregions = nreg;
  m->coord = calloc((size_t)nnodes * 3, sizeof(double));
  memcpy(m->coord, xyz, sizeof(double) * 3 * (size_t)nnodes);
  m->cell_node = malloc(sizeof(int) * (size_t)ncells * (dim + 1));
  memcpy(m->cell_node, cells, sizeof(int) * (size_t)ncells * (dim + 1));
  m->cell_region = malloc(sizeof(int) * (size_t)ncells);
  memcpy(m->cell_region, reg, sizeof(int) * (size_t)ncells);
  m->regions = calloc((size_t)nreg, sizeof *m->regions);
  snprintf(m->source, sizeof m->source, "hand");
  return m;
}

static double coupling_of(const TcadGeometry *g, int i, int j)
{
  double s = 0;
  for (int e = 0; e < g->nedges; e++)
    if ((g->edge_i[e] == i && g->edge_j[e] == j) || (g->edge_i[e] == j && g->edge_j[e] == i)) s += g->edge_coupling[e];
  return s;
}

static void test_hand_2d(void)
{
  /* right triangle (0,0),(2,0),(0,1): circumcentre (1, 0.5) at the hypotenuse midpoint.
   * A_01 = dist((1,0),(1,0.5)) = 0.5, h = 2 -> 0.25; A_02 = dist((0,0.5),(1,0.5)) = 1, h = 1 -> 1;
   * A_12 = 0. Voronoi cells: node 0 the rectangle [0,1]x[0,0.5] = 0.5; nodes 1 and 2 0.25 each. */
  const double L = 1e-4; /* 1 µm in cm, to exercise units */
  double xyz[9] = {0, 0, 0, 2 * L, 0, 0, 0, L, 0};
  int cells[3] = {0, 1, 2}, reg[1] = {0};
  TcadMesh *m = hand_mesh(2, 3, xyz, 1, cells, reg, 1);
  TcadGeometry *g = NULL;
  int e = TcadGeometryBuild(m, &g);
  tap_check(!e, "geom.hand2d.build", "%s", tcad_error_message());
  if (e) return;
  tap_check(tap_close(coupling_of(g, 0, 1), 0.25, 1e-14, 0), "geom.hand2d.A01", "%.17g", coupling_of(g, 0, 1));
  tap_check(tap_close(coupling_of(g, 0, 2), 1.0, 1e-14, 0), "geom.hand2d.A02", "%.17g", coupling_of(g, 0, 2));
  tap_check(fabs(coupling_of(g, 1, 2)) < 1e-14, "geom.hand2d.A12", "%.17g", coupling_of(g, 1, 2));
  tap_check(tap_close(g->node_volume[0], 0.5 * L * L, 1e-14, 0) &&
                tap_close(g->node_volume[1], 0.25 * L * L, 1e-14, 0) &&
                tap_close(g->node_volume[2], 0.25 * L * L, 1e-14, 0),
            "geom.hand2d.volumes", "%g %g %g", g->node_volume[0], g->node_volume[1], g->node_volume[2]);
  tap_check(g->nunique_edges == 3 && g->nedges == 3 && g->nnondelaunay == 0, "geom.hand2d.counts", "%d %d %d",
            g->nunique_edges, g->nedges, g->nnondelaunay);
  TcadGeometryDestroy(&g);
  TcadMeshDestroy(&m);

  /* obtuse triangle (0,0),(4,0),(2,0.5): the angle at node 2 is obtuse, so edge 01 gets a
   * negative contribution: cot(angle at 2) = (a.b)/|a x b| with a = (-2,-0.5), b = (2,-0.5):
   * (-4+0.25)/2 = -1.875, w = -0.9375. */
  double xyz2[9] = {0, 0, 0, 4, 0, 0, 2, 0.5, 0};
  m = hand_mesh(2, 3, xyz2, 1, cells, reg, 1);
  e = TcadGeometryBuild(m, &g);
  tap_check(!e && tap_close(coupling_of(g, 0, 1), -0.9375, 1e-14, 0) && g->nnondelaunay == 1 &&
                g->nondelaunay[0].cell == 0,
            "geom.hand2d.obtuse_reported", "w=%g n=%d", e ? 0 : coupling_of(g, 0, 1), e ? -1 : g->nnondelaunay);
  TcadGeometryDestroy(&g);
  TcadMeshDestroy(&m);
}

static void test_hand_3d(void)
{
  /* corner tetrahedron (0,0,0),(1,0,0),(0,1,0),(0,0,1); circumcentre (1/2,1/2,1/2).
   * Edge 01: polygon (1/2,0,0),(1/2,1/2,0),(1/2,1/2,1/2),(1/2,0,1/2) = square of side 1/2 ->
   * A = 1/4, h = 1. Edge 12: face 120 contributes 0 (its circumcentre is the edge midpoint);
   * face 123 (equilateral, circumcentre (1/3,1/3,1/3), base sqrt(6)/6) times the tet
   * circumcentre's signed distance to plane x+y+z=1 toward node 0, -1/(2 sqrt 3), halved:
   * A = -sqrt(2)/24, h = sqrt(2). Node volumes A h/6 per edge end: node 0: 3/24 = 1/8;
   * nodes 1..3: 1/24 - 2/72 = 1/72; total 1/6. */
  double xyz[12] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
  int cells[4] = {0, 1, 2, 3}, reg[1] = {0};
  TcadMesh *m = hand_mesh(3, 4, xyz, 1, cells, reg, 1);
  TcadGeometry *g = NULL;
  int e = TcadGeometryBuild(m, &g);
  tap_check(!e, "geom.hand3d.build", "%s", tcad_error_message());
  if (e) return;
  int ok = 1;
  for (int j = 1; j < 4; j++) ok &= tap_close(coupling_of(g, 0, j), 0.25, 1e-14, 0);
  tap_check(ok, "geom.hand3d.axis_edges", "A01=%.17g", coupling_of(g, 0, 1));
  double want = -sqrt(2.0) / 24.0 / sqrt(2.0);
  tap_check(tap_close(coupling_of(g, 1, 2), want, 1e-13, 0) && tap_close(coupling_of(g, 2, 3), want, 1e-13, 0) &&
                tap_close(coupling_of(g, 1, 3), want, 1e-13, 0),
            "geom.hand3d.diagonal_edges", "A12/h=%.17g want %.17g", coupling_of(g, 1, 2), want);
  tap_check(tap_close(g->node_volume[0], 1.0 / 8, 1e-14, 0) && tap_close(g->node_volume[1], 1.0 / 72, 1e-13, 0) &&
                tap_close(g->node_volume[3], 1.0 / 72, 1e-13, 0),
            "geom.hand3d.volumes", "%.17g %.17g", g->node_volume[0], g->node_volume[1]);
  tap_check(g->nnondelaunay == 3, "geom.hand3d.negative_contributions_counted", "%d", g->nnondelaunay);
  TcadGeometryDestroy(&g);
  TcadMeshDestroy(&m);
}

static void test_hand_1d(void)
{
  double xyz[9] = {0, 0, 0, 1, 0, 0, 3, 0, 0};
  int cells[4] = {0, 1, 1, 2}, reg[2] = {0, 1};
  TcadMesh *m = hand_mesh(1, 3, xyz, 2, cells, reg, 2);
  TcadGeometry *g = NULL;
  int e = TcadGeometryBuild(m, &g);
  tap_check(!e && tap_close(coupling_of(g, 0, 1), 1.0, 1e-15, 0) && tap_close(coupling_of(g, 1, 2), 0.5, 1e-15, 0) &&
                tap_close(g->node_volume[1], 1.5, 1e-15, 0) && g->ninterface == 1 && g->interface_node[0] == 1,
            "geom.hand1d", "build=%d", e);
  if (!e) {
    /* node 1 is shared: 0.5 in region 0 and 1.0 in region 1 */
    int k0 = g->node_region_ptr[1];
    tap_check(g->node_region_ptr[2] - k0 == 2 && g->node_region[k0] == 0 &&
                  tap_close(g->node_region_volume[k0], 0.5, 1e-15, 0) && g->node_region[k0 + 1] == 1 &&
                  tap_close(g->node_region_volume[k0 + 1], 1.0, 1e-15, 0),
              "geom.hand1d.per_region_volume", "layout");
  }
  TcadGeometryDestroy(&g);
  TcadMeshDestroy(&m);
}

/* Laplacian of a linear function at interior nodes, and volume sums. */
static void check_identities(const char *tag, const TcadMesh *m, const TcadGeometry *g, double expect_measure)
{
  char name[128];
  double tot = 0, reg = 0;
  for (int n = 0; n < m->nnodes; n++) tot += g->node_volume[n];
  for (int r = 0; r < m->nregions; r++) {
    double s = 0;
    for (int n = 0; n < m->nnodes; n++)
      for (int k = g->node_region_ptr[n]; k < g->node_region_ptr[n + 1]; k++)
        if (g->node_region[k] == r) s += g->node_region_volume[k];
    snprintf(name, sizeof name, "geom.%s.region%d_volume_sum", tag, r);
    tap_check(tap_close(s, g->region_measure[r], 1e-12, 0), name, "sum %.17g measure %.17g", s, g->region_measure[r]);
    reg += g->region_measure[r];
  }
  snprintf(name, sizeof name, "geom.%s.total_volume", tag);
  tap_check(tap_close(tot, expect_measure, 1e-12, 0) && tap_close(reg, expect_measure, 1e-12, 0), name,
            "sum %.17g expected %.17g", tot, expect_measure);

  int nbf = 0, *bf = NULL;
  tcad_mesh_boundary_faces(m, &nbf, &bf);
  char *bnd = calloc((size_t)m->nnodes, 1);
  for (int k = 0; k < nbf * m->dim; k++) bnd[bf[k]] = 1;
  double *lap = calloc((size_t)m->nnodes, sizeof(double)), *scale = calloc((size_t)m->nnodes, sizeof(double));
  const double gu[3] = {0.7, -1.3, 2.1};
  for (int e = 0; e < g->nedges; e++) {
    const double *xi = m->coord + 3 * (size_t)g->edge_i[e], *xj = m->coord + 3 * (size_t)g->edge_j[e];
    double du = 0;
    for (int d = 0; d < 3; d++) du += gu[d] * (xj[d] - xi[d]);
    double f = g->edge_coupling[e] * du; /* = A_ij (u_j - u_i)/h_ij */
    lap[g->edge_i[e]] += f, lap[g->edge_j[e]] -= f;
    scale[g->edge_i[e]] += fabs(f), scale[g->edge_j[e]] += fabs(f);
  }
  double worst = 0;
  int ninterior = 0;
  for (int n = 0; n < m->nnodes; n++)
    if (!bnd[n]) {
      ninterior++;
      double r = fabs(lap[n]) / (scale[n] > 0 ? scale[n] : 1);
      if (r > worst) worst = r;
    }
  snprintf(name, sizeof name, "geom.%s.linear_laplacian_zero", tag);
  tap_check(ninterior > 0 && worst < 1e-12, name, "worst relative residual %.3g over %d interior nodes", worst,
            ninterior);
  free(bnd), free(lap), free(scale), free(bf);
}

static void gen_axis(TcadMeshSpec *ms, int a, double lo, double mid, double hi, double s_out, double s_mid)
{
  ms->nlines[a] = 3;
  ms->lines[a] = calloc(3, sizeof(TcadMeshLine));
  ms->lines[a][0] = (TcadMeshLine){lo, s_out};
  ms->lines[a][1] = (TcadMeshLine){mid, s_mid};
  ms->lines[a][2] = (TcadMeshLine){hi, s_out};
}

static void test_generated(int dim)
{
  TcadDeck deck;
  memset(&deck, 0, sizeof deck);
  snprintf(deck.path, sizeof deck.path, "t020");
  deck.mesh.source = TCAD_MESH_GENERATE;
  deck.mesh.dim = dim;
  const double um = 1e-4;
  double ext[3] = {2 * um, 1 * um, 1.5 * um};
  gen_axis(&deck.mesh, 0, 0, 1 * um, ext[0], 0.2 * um, 0.01 * um);
  if (dim > 1) gen_axis(&deck.mesh, 1, 0, 0.3 * um, ext[1], 0.15 * um, 0.02 * um);
  if (dim > 2) gen_axis(&deck.mesh, 2, 0, 0.75 * um, ext[2], 0.2 * um, 0.05 * um);
  /* two regions split at x = 1 µm (an anchor line), so there is an interface */
  TcadRegionSpec regs[2];
  memset(regs, 0, sizeof regs);
  snprintf(regs[0].name, sizeof regs[0].name, "left");
  snprintf(regs[1].name, sizeof regs[1].name, "right");
  regs[0].box.has[0] = regs[1].box.has[0] = 1;
  regs[0].box.lo[0] = 0, regs[0].box.hi[0] = 1 * um;
  regs[1].box.lo[0] = 1 * um, regs[1].box.hi[0] = 2 * um;
  deck.regions = regs, deck.nregions = 2;
  TcadMesh *m = NULL;
  TcadGeometry *g = NULL;
  char tag[32], name[64];
  snprintf(tag, sizeof tag, "gen%dd", dim);
  int e = TcadMeshGenerate(&deck, &m);
  if (!e) e = TcadMeshCheckCells(m);
  if (!e) e = TcadGeometryBuild(m, &g);
  snprintf(name, sizeof name, "geom.%s.build", tag);
  tap_check(!e, name, "%s", tcad_error_message());
  if (!e) {
    double meas = ext[0];
    for (int a = 1; a < dim; a++) meas *= ext[a];
    check_identities(tag, m, g, meas);
    /* tensor grids are Delaunay: no negative contribution anywhere */
    snprintf(name, sizeof name, "geom.%s.delaunay", tag);
    tap_check(g->nnondelaunay == 0 && g->nnegative_edges == 0, name, "%d negative contributions", g->nnondelaunay);
    /* the interface plane x = 1 µm: exactly the nodes with x == 1 µm, counted from coordinates */
    int nplane = 0, ok = 1;
    for (int n = 0; n < m->nnodes; n++) nplane += fabs(m->coord[3 * n] - 1 * um) < 1e-15;
    for (int k = 0; k < g->ninterface; k++) ok &= fabs(m->coord[3 * g->interface_node[k]] - 1 * um) < 1e-15;
    snprintf(name, sizeof name, "geom.%s.interface_nodes", tag);
    tap_check(ok && g->ninterface == nplane, name, "%d interface nodes, %d on the plane", g->ninterface, nplane);
    /* dual cells of a tensor grid are boxes: interior node volume = product of half spans */
    int n0 = m->nnodes / 2;
    int interior = 1;
    double vol = 1;
    for (int a = 0; a < dim && interior; a++) {
      double x = m->coord[3 * n0 + a], below = -1, above = -1;
      for (int n = 0; n < m->nnodes; n++) {
        int same = 1;
        for (int b = 0; b < dim; b++)
          if (b != a && fabs(m->coord[3 * n + b] - m->coord[3 * n0 + b]) > 1e-15) same = 0;
        if (!same) continue;
        double d = m->coord[3 * n + a] - x;
        if (d < -1e-15 && (below < 0 || -d < below)) below = -d;
        if (d > 1e-15 && (above < 0 || d < above)) above = d;
      }
      if (below < 0 || above < 0) interior = 0;
      vol *= 0.5 * (below + above);
    }
    if (interior && g->node_region_ptr[n0 + 1] - g->node_region_ptr[n0] == 1) {
      snprintf(name, sizeof name, "geom.%s.box_dual_volume", tag);
      tap_check(tap_close(g->node_volume[n0], vol, 1e-12, 0), name, "%.17g vs %.17g", g->node_volume[n0], vol);
    }
  }
  TcadGeometryDestroy(&g);
  TcadMeshDestroy(&m);
  for (int a = 0; a < 3; a++) free(deck.mesh.lines[a]);
}

int main(void)
{
  test_hand_1d();
  test_hand_2d();
  test_hand_3d();
  for (int d = 1; d <= 3; d++) test_generated(d);
  return tap_exit();
}
