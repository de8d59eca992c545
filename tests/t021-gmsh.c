/* Gmsh meshes through tcad's reader (mesh/gmsh.c): the seven encodings of one mesh agree (2.1,
 * 2.2 ASCII, binary and big-endian binary, 4.0, 4.1 ASCII and binary); face groups are read by
 * (dimension, physical tag), whatever the elementary tags; geometry identities hold
 * on unstructured 1D/2D/3D meshes; region, interface and contact node sets of the example
 * MOSFET and 3D diode match what their coordinates say (an independent test: the sets are
 * recomputed from node coordinates and the known device outline, not from the loader). */
#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/mesh_internal.h"
#include "tap.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"
#include "tcad/petsc_error.h"

static char root[1024];

static TcadMesh *load(const char *rel, const char *tag)
{
  char path[2048], name[128];
  TcadMesh *m = NULL;
  snprintf(path, sizeof path, "%s/%s", root, rel);
  int e = TcadMeshLoadGmsh(path, 1e-4, &m);
  if (!e) e = TcadMeshCheckCells(m);
  snprintf(name, sizeof name, "gmsh.%s.load", tag);
  tap_check(!e, name, "%s", tcad_error_message());
  if (e) TcadMeshDestroy(&m);
  return m;
}

static void identities(const char *tag, const TcadMesh *m, const TcadGeometry *g, double measure_um)
{
  char name[128];
  double tot = 0, want = measure_um * pow(1e-4, m->dim);
  for (int n = 0; n < m->nnodes; n++) tot += g->node_volume[n];
  snprintf(name, sizeof name, "gmsh.%s.volume_sum", tag);
  tap_check(tap_close(tot, want, 1e-10, 0), name, "%.15g vs %.15g", tot, want);
  for (int r = 0; r < m->nregions; r++) {
    double s = 0;
    for (int n = 0; n < m->nnodes; n++)
      for (int k = g->node_region_ptr[n]; k < g->node_region_ptr[n + 1]; k++)
        if (g->node_region[k] == r) s += g->node_region_volume[k];
    snprintf(name, sizeof name, "gmsh.%s.%s_volume_sum", tag, m->regions[r].name);
    tap_check(tap_close(s, g->region_measure[r], 1e-12, 0), name, "%.15g vs %.15g", s, g->region_measure[r]);
  }
  int nbf = 0, *bf = NULL;
  tcad_mesh_boundary_faces(m, &nbf, &bf);
  char *bnd = calloc((size_t)m->nnodes, 1);
  for (int k = 0; k < nbf * m->dim; k++) bnd[bf[k]] = 1;
  double *lap = calloc((size_t)m->nnodes, sizeof(double)), *sc = calloc((size_t)m->nnodes, sizeof(double)), worst = 0;
  for (int e = 0; e < g->nedges; e++) {
    const double *xi = m->coord + 3 * (size_t)g->edge_i[e], *xj = m->coord + 3 * (size_t)g->edge_j[e];
    double f = g->edge_coupling[e] * (0.3 * (xj[0] - xi[0]) + 1.7 * (xj[1] - xi[1]) - 0.9 * (xj[2] - xi[2]));
    lap[g->edge_i[e]] += f, lap[g->edge_j[e]] -= f;
    sc[g->edge_i[e]] += fabs(f), sc[g->edge_j[e]] += fabs(f);
  }
  for (int n = 0; n < m->nnodes; n++)
    if (!bnd[n] && sc[n] > 0) worst = fmax(worst, fabs(lap[n]) / sc[n]);
  snprintf(name, sizeof name, "gmsh.%s.linear_laplacian_zero", tag);
  tap_check(worst < 1e-11, name, "worst relative residual %.3g", worst);
  free(bnd), free(lap), free(sc), free(bf);
}

/* nodes whose coordinates (µm) satisfy a predicate, compared with a loader's node set */
typedef int (*Pred)(const double *um);
static void same_set(const char *name, const TcadMesh *m, const int *nodes, int n, Pred p)
{
  int count = 0, ok = 1;
  for (int i = 0; i < m->nnodes; i++) {
    double um[3] = {m->coord[3 * i] * 1e4, m->coord[3 * i + 1] * 1e4, m->coord[3 * i + 2] * 1e4};
    count += p(um);
  }
  for (int k = 0; k < n; k++) {
    double um[3] = {m->coord[3 * nodes[k]] * 1e4, m->coord[3 * nodes[k] + 1] * 1e4, m->coord[3 * nodes[k] + 2] * 1e4};
    ok &= p(um);
  }
  tap_check(ok && count == n && n > 0, name, "loader has %d nodes (all matching: %d), coordinates say %d", n, ok,
            count);
}

#define EPS 1e-9
static int y0_seg(const double *u, double a, double b) { return fabs(u[1]) < EPS && u[0] > a - EPS && u[0] < b + EPS; }
static int p_interface(const double *u) { return y0_seg(u, 0.2, 0.8); }
static int p_source(const double *u) { return y0_seg(u, 0.0, 0.2); }
static int p_drain(const double *u) { return y0_seg(u, 0.8, 1.0); }
static int p_gate(const double *u) { return fabs(u[1] + 0.005) < EPS && u[0] > 0.375 - EPS && u[0] < 0.625 + EPS; }
static int p_bulk(const double *u) { return fabs(u[1] - 0.8) < EPS; }
static int p_south(const double *u) { return fabs(u[1]) < EPS; }
static int p_north(const double *u) { return fabs(u[1] - 1) < EPS; }
static int p_mid(const double *u) { return fabs(u[1] - 0.5) < EPS; }
static int p_anode(const double *u) { return fabs(u[2]) < EPS; }
static int p_cathode(const double *u) { return fabs(u[2] - 2) < EPS; }
static int p_zbottom(const double *u) { return fabs(u[2]) < EPS; }
static int p_left(const double *u) { return fabs(u[0]) < EPS; }

static void contact_check(const char *tag, const TcadMesh *m, const char *cname, Pred p)
{
  char name[128];
  int c = TcadMeshFindContact(m, cname);
  snprintf(name, sizeof name, "gmsh.%s.contact_%s", tag, cname);
  if (c < 0) {
    tap_check(0, name, "contact missing");
    return;
  }
  same_set(name, m, m->contacts[c].node, m->contacts[c].nnodes, p);
}

static void test_square_formats(void)
{
  static const char *v[] = {"22", "22b", "41", "41b", "21", "40", "22be"};
  TcadMesh *ref = NULL;
  for (int k = 0; k < (int)(sizeof v / sizeof v[0]); k++) {
    char rel[64], tag[32], name[64];
    snprintf(rel, sizeof rel, "tests/data/square-%s.msh", v[k]);
    snprintf(tag, sizeof tag, "square%s", v[k]);
    TcadMesh *m = load(rel, tag);
    if (!m) continue;
    TcadGeometry *g = NULL;
    if (TcadGeometryBuild(m, &g)) {
      tap_check(0, tag, "%s", tcad_error_message());
      TcadMeshDestroy(&m);
      continue;
    }
    identities(tag, m, g, 1.0);
    contact_check(tag, m, "south", p_south);
    contact_check(tag, m, "north", p_north);
    snprintf(name, sizeof name, "gmsh.%s.interface", tag);
    same_set(name, m, g->interface_node, g->ninterface, p_mid);
    if (!ref)
      ref = m, m = NULL;
    else {
      int same = m->nnodes == ref->nnodes && m->ncells == ref->ncells;
      /* ASCII files print 16 significant digits, binary files store the doubles: agree to
       * the ASCII rounding (1e-15 of the 1 µm extent), same topology exactly */
      for (int i = 0; same && i < 3 * m->nnodes; i++) same = fabs(m->coord[i] - ref->coord[i]) <= 1e-15 * 1e-4;
      for (int i = 0; same && i < m->ncells * m->nvert; i++) same = m->cell_node[i] == ref->cell_node[i];
      snprintf(name, sizeof name, "gmsh.%s.same_as_square22", tag);
      tap_check(same, name, "nodes %d/%d cells %d/%d", m->nnodes, ref->nnodes, m->ncells, ref->ncells);
    }
    TcadGeometryDestroy(&g);
    TcadMeshDestroy(&m);
  }
  TcadMeshDestroy(&ref);
}

static void test_simple(const char *rel, const char *tag, int dim, double measure, const char *c1, Pred p1)
{
  TcadMesh *m = load(rel, tag);
  TcadGeometry *g = NULL;
  char name[64];
  if (!m) return;
  snprintf(name, sizeof name, "gmsh.%s.dim", tag);
  tap_check(m->dim == dim, name, "dim %d", m->dim);
  if (!TcadGeometryBuild(m, &g)) {
    identities(tag, m, g, measure);
    contact_check(tag, m, c1, p1);
  }
  TcadGeometryDestroy(&g);
  TcadMeshDestroy(&m);
}

static void test_mosfet(void)
{
  TcadMesh *m = load("examples/mosfet2d.msh", "mosfet");
  TcadGeometry *g = NULL;
  if (!m) return;
  if (TcadGeometryBuild(m, &g)) {
    tap_check(0, "gmsh.mosfet.geometry", "%s", tcad_error_message());
    TcadMeshDestroy(&m);
    return;
  }
  int si = TcadMeshFindRegion(m, "silicon"), ox = TcadMeshFindRegion(m, "oxide");
  tap_check(si >= 0 && ox >= 0 && m->nregions == 2, "gmsh.mosfet.regions", "silicon %d oxide %d of %d", si, ox,
            m->nregions);
  if (si >= 0 && ox >= 0) {
    tap_check(tap_close(g->region_measure[si], 1.0 * 0.8e-8, 1e-9, 0), "gmsh.mosfet.silicon_area", "%.12g",
              g->region_measure[si]);
    tap_check(tap_close(g->region_measure[ox], 0.6 * 0.005e-8, 1e-9, 0), "gmsh.mosfet.oxide_area", "%.12g",
              g->region_measure[ox]);
  }
  identities("mosfet", m, g, 0.8 + 0.6 * 0.005);
  same_set("gmsh.mosfet.interface_nodes", m, g->interface_node, g->ninterface, p_interface);
  contact_check("mosfet", m, "source", p_source);
  contact_check("mosfet", m, "drain", p_drain);
  contact_check("mosfet", m, "gate", p_gate);
  contact_check("mosfet", m, "bulk", p_bulk);
  TcadGeometryDestroy(&g);
  TcadMeshDestroy(&m);
}

/* Face groups the deck does not name (tests/data/square-groups-41.msh: "iface" between the two
 * regions, "west" on the left edge): the interface is kept as one, between 'bottom' and 'top',
 * with its 10 faces (the dividing line y = 0.5 has 11 nodes at the 0.1 µm mesh size); "west"
 * is dropped (a warning on stderr); neither is a contact, and the named contacts keep their 10
 * faces and 11 nodes. Before, both were contacts and `tcad run` stopped with an internal error
 * ("contact 'iface' has no deck entry"). */
/* A test name "gmsh.TAG.WHAT" (rotating buffers: several may be live in one call). */
static const char *tn(const char *tag, const char *what)
{
  static char buf[8][128];
  static int k;
  k = (k + 1) % 8;
  snprintf(buf[k], sizeof buf[k], "gmsh.%s.%s", tag, what);
  return buf[k];
}

/* The face groups as the file has them (no deck): south (y = 0), north (y = 1), iface (y = 0.5)
 * and west (x = 0, two curves) each have 10 faces and 11 nodes at the 0.1 µm mesh size, and
 * their nodes are exactly the nodes on those lines (from the coordinates). In the 2.2 file the
 * physical tags of these groups are elementary tags of other curves: PETSc's reader took the
 * elementary tags and gave south 20 faces and north 15 (issue 19). */
static void test_face_group_sets(const char *file, const char *tag)
{
  char rel[256];
  snprintf(rel, sizeof rel, "tests/data/%s", file);
  TcadMesh *m = load(rel, tag);
  if (!m) return;
  static const char *names[4] = {"south", "north", "iface", "west"};
  Pred preds[4] = {p_south, p_north, p_mid, p_left};
  for (int k = 0; k < 4; k++) {
    int c = TcadMeshFindContact(m, names[k]);
    char what[64];
    snprintf(what, sizeof what, "%s_faces", names[k]);
    tap_check(c >= 0 && m->contacts[c].nfaces == 10 && m->contacts[c].nnodes == 11, tn(tag, what), "%d faces, %d nodes",
              c >= 0 ? m->contacts[c].nfaces : -1, c >= 0 ? m->contacts[c].nnodes : -1);
    contact_check(tag, m, names[k], preds[k]);
  }
  tap_check(m->nregions == 2 && m->regions[0].ncells + m->regions[1].ncells == m->ncells &&
                m->regions[0].ncells == m->regions[1].ncells,
            tn(tag, "regions"), "%d regions", m->nregions);
  TcadMeshDestroy(&m);
}

/* A 1D 2.2 file whose point groups share numbers with elementary tags (the point of 'right' has
 * elementary tag 2, the physical tag of 'left'): each contact is its one end node. PETSc's reader
 * gave 'left' both ends. */
static void test_point_tags(void)
{
  TcadMesh *m = load("tests/data/errors/line5-point-tags.msh", "point_tags");
  if (!m) return;
  int l = TcadMeshFindContact(m, "left"), r = TcadMeshFindContact(m, "right");
  tap_check(l >= 0 && r >= 0 && m->contacts[l].nnodes == 1 && m->contacts[r].nnodes == 1 &&
                m->coord[3 * m->contacts[l].node[0]] == 0.0 &&
                fabs(m->coord[3 * m->contacts[r].node[0]] - 1e-4) < 1e-18,
            "gmsh.point_tags.contacts", "left %d nodes, right %d nodes", l >= 0 ? m->contacts[l].nnodes : -1,
            r >= 0 ? m->contacts[r].nnodes : -1);
  TcadMeshDestroy(&m);
}

static void test_face_groups(const char *file, const char *tag)
{
  char text[4096];
  snprintf(text, sizeof text,
           "mesh: {file: %s/tests/data/%s}\n"
           "regions: [{name: bottom, material: Si}, {name: top, material: SiO2}]\n"
           "contacts: [{name: south}, {name: north, type: gate, workfunction: 4.17}]\n",
           root, file);
  TcadDeck *d = NULL;
  TcadMesh *m = NULL;
  int e = TcadDeckLoadString(text, "groups.yaml", &d);
  if (!e) e = TcadMeshCreateFromDeck(d, &m);
  tap_check(!e, tn(tag, "load"), "%s", tcad_error_message());
  if (!e) {
    const int s = TcadMeshFindContact(m, "south"), n = TcadMeshFindContact(m, "north");
    tap_check(m->ncontacts == 2 && s >= 0 && n >= 0 && TcadMeshFindContact(m, "iface") < 0 &&
                  TcadMeshFindContact(m, "west") < 0,
              tn(tag, "only_named_contacts"), "%d contacts", m->ncontacts);
    tap_check(s >= 0 && n >= 0 && m->contacts[s].nfaces == 10 && m->contacts[s].nnodes == 11 &&
                  m->contacts[n].nfaces == 10 && m->contacts[n].nnodes == 11,
              tn(tag, "contacts_whole"), "south %d/%d north %d/%d", s >= 0 ? m->contacts[s].nfaces : -1,
              s >= 0 ? m->contacts[s].nnodes : -1, n >= 0 ? m->contacts[n].nfaces : -1,
              n >= 0 ? m->contacts[n].nnodes : -1);
    const int b = TcadMeshFindRegion(m, "bottom"), t = TcadMeshFindRegion(m, "top");
    const TcadMeshFaceGroup *g = m->ninterfaces == 1 ? &m->interfaces[0] : NULL;
    tap_check(g && !strcmp(g->name, "iface") && g->nfaces == 10 &&
                  ((g->region[0] == b && g->region[1] == t) || (g->region[0] == t && g->region[1] == b)),
              tn(tag, "interface"), "%d interfaces; first '%s', %d faces, regions %d %d (bottom %d, top %d)",
              m->ninterfaces, g ? g->name : "", g ? g->nfaces : -1, g ? g->region[0] : -2, g ? g->region[1] : -2, b, t);
    /* its faces, lumped to the nodes, are the regions' shared faces (TcadMeshGetInterfaceArea finds
     * those from the cells, independently of the group): node by node to rounding */
    double *a1 = calloc((size_t)m->nnodes, sizeof(double)), *a2 = calloc((size_t)m->nnodes, sizeof(double));
    int same = a1 && a2 && b >= 0 && t >= 0 && !TcadMeshGetFaceGroupArea(m, "iface", a1) &&
               !TcadMeshGetInterfaceArea(m, b, t, a2);
    double sum = 0;
    for (int i = 0; same && i < m->nnodes; i++) same = fabs(a1[i] - a2[i]) <= 1e-12 * fabs(a2[i]), sum += a1[i];
    tap_check(same && fabs(sum - 1e-4) < 1e-16, tn(tag, "interface_area"), "the group's area %.6g cm (1 um: 1e-4)",
              sum);
    tap_check(a1 && TcadMeshGetFaceGroupArea(m, "west", a1) == TCAD_ERR_MESH, tn(tag, "no_group_west"),
              "a dropped boundary group has no interface area");
    free(a1), free(a2);
  }
  TcadMeshDestroy(&m);
  TcadDeckDestroy(&d);
}

int main(int argc, char **argv)
{
  const char *r = getenv("TCAD_ROOT");
  snprintf(root, sizeof root, "%s", r ? r : ".");
  TcadInitialize(&argc, &argv, NULL);
  test_square_formats();
  test_simple("tests/data/quads-41.msh", "quads", 2, 1.0, "south", p_south);
  {
    TcadMesh *q = load("tests/data/quads-41.msh", "quads_split");
    /* every quadrilateral becomes two triangles */
    if (q)
      tap_check(q->nquads_split > 0 && q->ncells == 2 * q->nquads_split, "gmsh.quads.split", "%d quads, %d cells",
                q->nquads_split, q->ncells);
    TcadMeshDestroy(&q);
  }
  test_simple("tests/data/cube-41.msh", "cube", 3, 1.0, "bottom", p_zbottom);
  test_simple("tests/data/line-41.msh", "line", 1, 1.0, "left", p_left);
  test_simple("examples/diode3d.msh", "diode3d", 3, 2.0, "anode", p_anode);
  test_simple("examples/diode3d.msh", "diode3d_c", 3, 2.0, "cathode", p_cathode);
  test_mosfet();
  test_face_groups("square-groups-41.msh", "groups41");
  test_face_groups("square-groups-22.msh", "groups22");
  test_face_group_sets("square-groups-41.msh", "sets41");
  test_face_group_sets("square-groups-22.msh", "sets22");
  test_point_tags();
  TcadFinalize();
  return tap_exit();
}
