/* Interface area between two regions (mesh/interface.c): hand-made cells with slanted
 * interfaces (lengths and areas computed on paper), generated meshes whose interface is a
 * known line or plane (its length or area is the box's), an L-shaped interface, and the error
 * for regions that do not touch. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/mesh_internal.h"
#include "tap.h"
#include "tcad/deck.h"
#include "tcad/error.h"

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
  for (int r = 0; r < nreg; r++) snprintf(m->regions[r].name, TCAD_NAME_MAX, "reg%c", 'A' + r);
  snprintf(m->source, sizeof m->source, "hand");
  return m;
}

static double sum(const double *a, int n)
{
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i];
  return s;
}

static void test_hand(void)
{
  /* 1D: 0 --A-- 1 --B-- 3 --C-- 6: A|B at node 1, B|C at node 2, A and C do not touch */
  {
    double xyz[12] = {0, 0, 0, 1e-4, 0, 0, 3e-4, 0, 0, 6e-4, 0, 0}, a[4] = {0};
    int cells[6] = {0, 1, 1, 2, 2, 3}, reg[3] = {0, 1, 2};
    TcadMesh *m = hand_mesh(1, 4, xyz, 3, cells, reg, 3);
    int e = TcadMeshGetInterfaceArea(m, 0, 1, a);
    tap_check(!e && a[0] == 0 && a[1] == 1 && a[2] == 0 && a[3] == 0, "iface.hand1d.AB", "e=%d area %g %g %g %g", e,
              a[0], a[1], a[2], a[3]);
    memset(a, 0, sizeof a);
    e = TcadMeshGetInterfaceArea(m, 2, 1, a);
    tap_check(!e && a[0] == 0 && a[1] == 0 && a[2] == 1 && a[3] == 0, "iface.hand1d.CB_order", "e=%d area %g %g %g %g",
              e, a[0], a[1], a[2], a[3]);
    memset(a, 0, sizeof a);
    tcad_error_clear();
    e = TcadMeshGetInterfaceArea(m, 0, 2, a);
    tap_check(e == TCAD_ERR_MESH && strstr(tcad_error_message(), "'regA'") && strstr(tcad_error_message(), "'regC'") &&
                  sum(a, 4) == 0,
              "iface.hand1d.no_interface_error", "e=%d: %s", e, tcad_error_message());
    printf("# message: %s\n", tcad_error_message());
    e = TcadMeshGetInterfaceArea(m, 1, 1, a);
    tap_check(e != 0 && strstr(tcad_error_message(), "twice"), "iface.same_region_error", "e=%d: %s", e,
              tcad_error_message());
    e = TcadMeshGetInterfaceArea(m, 0, 3, a);
    tap_check(e != 0 && strstr(tcad_error_message(), "out of range"), "iface.bad_index_error", "e=%d: %s", e,
              tcad_error_message());
    TcadMeshDestroy(&m);
  }
  /* 2D: square of side L cut along its diagonal 0-2: length sqrt(2) L, half to each end;
   * `area` is added to, not overwritten */
  {
    const double L = 1e-4;
    double xyz[12] = {0, 0, 0, L, 0, 0, L, L, 0, 0, L, 0}, a[4] = {5, 5, 5, 5};
    int cells[6] = {0, 1, 2, 0, 2, 3}, reg[2] = {0, 1};
    TcadMesh *m = hand_mesh(2, 4, xyz, 2, cells, reg, 2);
    int e = TcadMeshGetInterfaceArea(m, 0, 1, a);
    double h = sqrt(2.0) * L / 2;
    tap_check(!e && tap_close(a[0], 5 + h, 1e-15, 0) && tap_close(a[2], 5 + h, 1e-15, 0) && a[1] == 5 && a[3] == 5,
              "iface.hand2d.diagonal_added", "e=%d area-5 %.17g %g %.17g %g (want %.17g at 0, 2)", e, a[0] - 5,
              a[1] - 5, a[2] - 5, a[3] - 5, h);
    TcadMeshDestroy(&m);
  }
  /* 3D: corner tetrahedron and its mirror through the face 1-2-3 (equilateral, side sqrt 2):
   * area sqrt(3)/2, a third to each of its nodes */
  {
    double xyz[15] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1}, a[5] = {0};
    int cells[8] = {0, 1, 2, 3, 1, 2, 3, 4}, reg[2] = {1, 0};
    TcadMesh *m = hand_mesh(3, 5, xyz, 2, cells, reg, 2);
    int e = TcadMeshGetInterfaceArea(m, 0, 1, a);
    double third = sqrt(3.0) / 6;
    tap_check(!e && a[0] == 0 && a[4] == 0 && tap_close(a[1], third, 1e-14, 0) && tap_close(a[2], third, 1e-14, 0) &&
                  tap_close(a[3], third, 1e-14, 0),
              "iface.hand3d.slanted_face", "e=%d area %g %.17g %.17g %.17g %g (want %.17g)", e, a[0], a[1], a[2], a[3],
              a[4], third);
    TcadMeshDestroy(&m);
  }
}

/* Mesh of a deck text; NULL (with a FAIL line) when it does not load. */
static TcadMesh *deck_mesh(const char *tag, const char *text)
{
  TcadDeck *deck = NULL;
  TcadMesh *m = NULL;
  char name[96];
  int e = TcadDeckLoadString(text, tag, &deck);
  if (!e) e = TcadMeshCreateFromDeck(deck, &m);
  snprintf(name, sizeof name, "iface.%s.mesh", tag);
  tap_check(!e, name, "%s", tcad_error_message());
  TcadDeckDestroy(&deck);
  return m;
}

/* Two regions split at x = 1 µm: the interface is the plane x = 1 µm across the whole device,
 * so its measure is 1 (1D), the height (2D), height x depth (3D). */
static void test_split(int dim)
{
  static const char *axes[3] = {"    x: [{at: 0, step: 0.2}, {at: 1, step: 0.01}, {at: 2, step: 0.2}]\n",
                                "    y: [{at: 0, step: 0.15}, {at: 0.3, step: 0.02}, {at: 1.3, step: 0.15}]\n",
                                "    z: [{at: 0, step: 0.2}, {at: 0.75, step: 0.05}, {at: 1.5, step: 0.2}]\n"};
  char text[2048], tag[32], name[96];
  snprintf(text, sizeof text,
           "mesh:\n  generate:\n%s%s%s"
           "regions:\n"
           "  - {name: left, material: Si, box: {x: [0, 1]}}\n"
           "  - {name: right, material: SiO2, box: {x: [1, 2]}}\n",
           axes[0], dim > 1 ? axes[1] : "", dim > 2 ? axes[2] : "");
  snprintf(tag, sizeof tag, "split%dd", dim);
  TcadMesh *m = deck_mesh(tag, text);
  if (!m) return;
  double *a = calloc((size_t)m->nnodes, sizeof *a);
  int rl = TcadMeshFindRegion(m, "left"), rr = TcadMeshFindRegion(m, "right");
  int e = TcadMeshGetInterfaceArea(m, rl, rr, a);
  double want = dim == 1 ? 1 : dim == 2 ? 1.3e-4 : 1.3e-4 * 1.5e-4; /* cm^(dim-1) */
  snprintf(name, sizeof name, "iface.%s.total", tag);
  tap_check(!e && tap_close(sum(a, m->nnodes), want, 1e-12, 0), name, "e=%d sum %.17g want %.17g (%s)", e,
            sum(a, m->nnodes), want, e ? tcad_error_message() : "");
  /* nonzero exactly on the nodes of the plane (and positive there) */
  int off = 0, on = 0, plane = 0, nonzero1d = 0;
  for (int n = 0; n < m->nnodes; n++) {
    int onplane = fabs(m->coord[3 * n] - 1e-4) < 1e-15;
    plane += onplane;
    if (onplane)
      on += a[n] > 0;
    else
      off += a[n] != 0;
    nonzero1d += a[n] != 0;
  }
  snprintf(name, sizeof name, "iface.%s.support_is_plane", tag);
  tap_check(!e && off == 0 && on == plane && plane > 0 && (dim > 1 || (nonzero1d == 1 && plane == 1)), name,
            "%d nodes on the plane, %d of them with area, %d off the plane with area", plane, on, off);
  free(a);
  TcadMeshDestroy(&m);
}

/* An oxide block on top of silicon, narrower than the device: the interface is its bottom
 * (1 µm) and two sides (0.2 µm each); the oxide and a second block far away share nothing. */
static void test_l_shape(void)
{
  TcadMesh *m = deck_mesh("block2d", "mesh:\n  generate:\n"
                                     "    x: [{at: 0, step: 0.1}, {at: 0.5, step: 0.05}, {at: 1.5, step: 0.05}, "
                                     "{at: 2.6, step: 0.1}, {at: 3, step: 0.1}]\n"
                                     "    y: [{at: 0, step: 0.1}, {at: 0.8, step: 0.02}, {at: 1, step: 0.05}]\n"
                                     "regions:\n"
                                     "  - {name: si, material: Si, box: {}}\n"
                                     "  - {name: ox, material: SiO2, box: {x: [0.5, 1.5], y: [0.8, 1]}}\n"
                                     "  - {name: far, material: SiO2, box: {x: [2.6, 3], y: [0.8, 1]}}\n");
  if (!m) return;
  double *a = calloc((size_t)m->nnodes, sizeof *a);
  int si = TcadMeshFindRegion(m, "si"), ox = TcadMeshFindRegion(m, "ox"), far = TcadMeshFindRegion(m, "far");
  int e = TcadMeshGetInterfaceArea(m, ox, si, a);
  tap_check(!e && tap_close(sum(a, m->nnodes), 1.4e-4, 1e-12, 0), "iface.block2d.three_sides",
            "e=%d sum %.17g want 1.4e-4", e, sum(a, m->nnodes));
  /* corner node (0.5, 0.8) µm: half of its bottom segment and half of its side segment */
  int corner = -1;
  for (int n = 0; n < m->nnodes; n++)
    if (fabs(m->coord[3 * n] - 0.5e-4) < 1e-15 && fabs(m->coord[3 * n + 1] - 0.8e-4) < 1e-15) corner = n;
  double hx = 0, hy = 0; /* nearest node spacing right of and above the corner */
  for (int n = 0; n < m->nnodes && corner >= 0; n++) {
    double dx = m->coord[3 * n] - 0.5e-4, dy = m->coord[3 * n + 1] - 0.8e-4;
    if (fabs(dy) < 1e-15 && dx > 1e-15 && (hx == 0 || dx < hx)) hx = dx;
    if (fabs(dx) < 1e-15 && dy > 1e-15 && (hy == 0 || dy < hy)) hy = dy;
  }
  tap_check(!e && corner >= 0 && tap_close(a[corner], 0.5 * (hx + hy), 1e-12, 0), "iface.block2d.corner_node",
            "corner %d area %.17g want %.17g", corner, corner >= 0 ? a[corner] : 0, 0.5 * (hx + hy));
  memset(a, 0, sizeof(double) * (size_t)m->nnodes);
  e = TcadMeshGetInterfaceArea(m, ox, far, a);
  tap_check(e == TCAD_ERR_MESH && strstr(tcad_error_message(), "'ox'") && strstr(tcad_error_message(), "'far'"),
            "iface.block2d.apart_error", "e=%d: %s", e, tcad_error_message());
  printf("# message: %s\n", tcad_error_message());
  free(a);
  TcadMeshDestroy(&m);
}

int main(void)
{
  test_hand();
  for (int d = 1; d <= 3; d++) test_split(d);
  test_l_shape();
  return tap_exit();
}
