/* Gmsh reading speed: tcad's reader (mesh/gmsh.c) against PETSc's DMPlexCreateGmsh, side by side
 * on the same files in one run, and a check that both give the same mesh.
 *   bench_meshread FILE...
 * For each file, one CSV line: file,format,dim,nodes,cells,tcad_s,plex_s,plex_over_tcad,same
 * (times: the best of BENCH_REPEAT reads, default 2; same: 1 when both readers give the same
 * nodes, cells, regions and contact node sets). The DMPlex path below is the reader tcad used
 * until issue 19, kept here as the reference: DMPlexCreateGmshFromFile with interpolation (the
 * only way 3.18 keeps face groups whole), then the topology flattened into a TcadMesh. */
#include <math.h>
#include <petscdmplex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mesh/mesh_internal.h"
#include "tcad/error.h"
#include "tcad/petsc_error.h"

/* Vertices of point p in closure order. */
static PetscErrorCode plex_point_vertices(DM dm, PetscInt p, PetscInt vs, PetscInt ve, int *out, int *n)
{
  PetscInt np, *pts = NULL;
  PetscFunctionBeginUser;
  PetscCall(DMPlexGetTransitiveClosure(dm, p, PETSC_TRUE, &np, &pts));
  *n = 0;
  for (PetscInt k = 0; k < np; k++) {
    PetscInt q = pts[2 * k];
    if (q >= vs && q < ve && *n < 8) out[(*n)++] = (int)(q - vs);
  }
  PetscCall(DMPlexRestoreTransitiveClosure(dm, p, PETSC_TRUE, &np, &pts));
  PetscFunctionReturn(0);
}

static const char *polytope_name(DMPolytopeType t)
{
  switch (t) {
  case DM_POLYTOPE_POINT: return "point";
  case DM_POLYTOPE_SEGMENT: return "segment";
  case DM_POLYTOPE_TRIANGLE: return "triangle";
  case DM_POLYTOPE_QUADRILATERAL: return "quadrilateral";
  case DM_POLYTOPE_TETRAHEDRON: return "tetrahedron";
  case DM_POLYTOPE_HEXAHEDRON: return "hexahedron";
  case DM_POLYTOPE_TRI_PRISM: return "prism";
  case DM_POLYTOPE_PYRAMID: return "pyramid";
  default: return "unsupported element";
  }
}

/* Angle sum test for splitting quad (a,b,c,d) along a-c: Delaunay when the angles at b and d
 * add up to at most pi. */
static double plex_quad_angle(const double *c, int o, int p, int q)
{
  double u[3], v[3], dot = 0, nu = 0, nv = 0;
  for (int k = 0; k < 3; k++) {
    u[k] = c[3 * o + k] - c[3 * p + k];
    v[k] = c[3 * q + k] - c[3 * p + k];
    dot += u[k] * v[k], nu += u[k] * u[k], nv += v[k] * v[k];
  }
  return acos(fmax(-1.0, fmin(1.0, dot / sqrt(nu * nv))));
}

/* One physical group (a DMPlex label named after it): its cells become region m->nregions
 * (cell_group[c] = that index), or its boundary faces contact m->ncontacts; a group of both is
 * refused. Groups of lower-dimensional entities (edges of 3D meshes, points) are skipped. */
static int plex_label(DM dm, const char *path, const char *lname, PetscInt dim, PetscInt cs, PetscInt vs, PetscInt ve,
                      int *cell_group, TcadMesh *m)
{
  DMLabel label;
  IS vis = NULL, pis = NULL;
  const PetscInt *vals = NULL, *pts = NULL;
  PetscInt nvals;
  int kind = -1; /* 0 cells, 1 faces */
  int rid = m->nregions, rc = 0;
  TcadMeshContact *ct = &m->contacts[m->ncontacts];
  size_t face_cap = 0;

  TCAD_PETSC_CALL(DMGetLabel(dm, lname, &label));
  TCAD_PETSC_CALL(DMLabelGetValueIS(label, &vis));
  TCAD_PETSC_CALL_GOTO(rc, ISGetLocalSize(vis, &nvals), cleanup);
  TCAD_PETSC_CALL_GOTO(rc, ISGetIndices(vis, &vals), cleanup);
  for (PetscInt k = 0; k < nvals; k++) {
    PetscInt np;
    TCAD_PETSC_CALL_GOTO(rc, DMLabelGetStratumIS(label, vals[k], &pis), cleanup);
    if (!pis) continue;
    TCAD_PETSC_CALL_GOTO(rc, ISGetLocalSize(pis, &np), cleanup);
    TCAD_PETSC_CALL_GOTO(rc, ISGetIndices(pis, &pts), cleanup);
    for (PetscInt i = 0; i < np; i++) {
      PetscInt p = pts[i], h;
      TCAD_PETSC_CALL_GOTO(rc, DMPlexGetPointHeight(dm, p, &h), cleanup);
      int pk = h == 0 ? 0 : (h == 1 ? 1 : 2);
      if (pk == 2) continue; /* edges of 3D meshes, or points of 2D/3D meshes: not used */
      if (kind < 0) kind = pk;
      if (kind != pk) {
        rc = tcad_error(TCAD_ERR_MESH,
                        "%s: physical group '%s' mixes cells and boundary faces; give "
                        "regions and contacts separate physical groups",
                        path, lname);
        goto cleanup;
      }
      if (pk == 0) {
        if (cell_group[p - cs] >= 0) {
          rc = tcad_error(TCAD_ERR_MESH,
                          "%s: element %d is in two physical groups ('%s' and '%s'); each "
                          "element must be in exactly one region",
                          path, (int)(p - cs), m->regions[cell_group[p - cs]].name, lname);
          goto cleanup;
        }
        cell_group[p - cs] = rid;
      } else {
        int fv[8], nfv;
        TCAD_PETSC_CALL_GOTO(rc, plex_point_vertices(dm, p, vs, ve, fv, &nfv), cleanup);
        if (nfv != (int)dim) continue; /* not a facet of a simplex mesh */
        if ((size_t)ct->nfaces + 1 > face_cap) {
          face_cap = face_cap ? 2 * face_cap : 64;
          int *nf = realloc(ct->face_node, sizeof(int) * face_cap * (size_t)dim);
          if (!nf) {
            rc = tcad_error(TCAD_ERR_MEM, "out of memory reading contact '%s'", lname);
            goto cleanup;
          }
          ct->face_node = nf;
        }
        memcpy(ct->face_node + (size_t)ct->nfaces * dim, fv, sizeof(int) * (size_t)dim);
        ct->nfaces++;
      }
    }
    TCAD_PETSC_CALL_GOTO(rc, ISRestoreIndices(pis, &pts), cleanup);
    pts = NULL;
    TCAD_PETSC_CALL_GOTO(rc, ISDestroy(&pis), cleanup);
  }
  if (kind == 0) {
    snprintf(m->regions[rid].name, sizeof m->regions[rid].name, "%s", lname);
    m->nregions++;
  } else if (kind == 1) {
    snprintf(ct->name, sizeof ct->name, "%s", lname);
    m->ncontacts++;
    TCAD_CALL_GOTO(rc, tcad_mesh_contact_nodes(ct, (int)dim), cleanup);
  }
cleanup:
  if (pts) ISRestoreIndices(pis, &pts);
  if (pis) ISDestroy(&pis);
  if (vals) ISRestoreIndices(vis, &vals);
  if (vis) ISDestroy(&vis);
  if (rc) { /* faces read before the failure, whether or not the contact was counted */
    free(ct->face_node);
    ct->face_node = NULL;
    ct->nfaces = 0;
  }
  return rc;
}

/* The DM's topology into m: coordinates (scaled to cm), cells (quadrilaterals split), regions
 * and contacts from the physical groups. PETSc failures return TCAD_ERR_PETSC with PETSc's
 * message; a mesh tcad cannot use gives TCAD_ERR_MESH. */
static int plex_extract(DM dm, const char *path, double scale, TcadMesh *m)
{
  PetscInt dim, cdim, cs, ce, vs, ve, nlabels, ncells_in, nout = 0, out = 0;
  Vec coords = NULL;
  PetscSection csec;
  const PetscScalar *ca = NULL;
  int *cell_group = NULL, unassigned = 0, first_unassigned = -1, rc = 0;

  TCAD_PETSC_CALL(DMGetDimension(dm, &dim));
  TCAD_PETSC_CALL(DMGetCoordinateDim(dm, &cdim));
  if (dim < 1 || dim > 3) return tcad_error(TCAD_ERR_MESH, "%s: mesh dimension %d is not supported", path, (int)dim);
  TCAD_PETSC_CALL(DMPlexGetHeightStratum(dm, 0, &cs, &ce));
  TCAD_PETSC_CALL(DMPlexGetDepthStratum(dm, 0, &vs, &ve));
  m->dim = (int)dim;
  m->nvert = (int)dim + 1;
  m->nnodes = (int)(ve - vs);
  TCAD_ALLOC(m->coord, (size_t)m->nnodes * 3);
  TCAD_PETSC_CALL(DMGetCoordinatesLocal(dm, &coords));
  TCAD_PETSC_CALL(DMGetCoordinateSection(dm, &csec));
  TCAD_PETSC_CALL(VecGetArrayRead(coords, &ca));
  for (PetscInt v = vs; v < ve; v++) {
    PetscInt off;
    TCAD_PETSC_CALL_GOTO(rc, PetscSectionGetOffset(csec, v, &off), cleanup);
    for (PetscInt d = 0; d < cdim && d < 3; d++) {
      const double x = PetscRealPart(ca[off + d]);
      if (!isfinite(x)) {
        rc = tcad_error(TCAD_ERR_MESH,
                        "%s: node %d of $Nodes (in file order) has %c = %g; expected finite coordinates: fix or "
                        "rewrite the mesh file",
                        path, (int)(v - vs) + 1, "xyz"[d], x);
        goto cleanup;
      }
      m->coord[3 * (v - vs) + d] = x * scale;
    }
    for (PetscInt d = dim; d < cdim && d < 3; d++)
      if (PetscRealPart(ca[off + d]) != 0.0) {
        rc = tcad_error(TCAD_ERR_MESH, "%s: a %dD mesh must lie in the %s; node %d has coordinate %c = %g", path,
                        (int)dim, dim == 2 ? "z = 0 plane" : "x axis", (int)(v - vs), "xyz"[d],
                        PetscRealPart(ca[off + d]));
        goto cleanup;
      }
  }
  TCAD_PETSC_CALL_GOTO(rc, VecRestoreArrayRead(coords, &ca), cleanup);
  ca = NULL;

  /* cells: simplices kept, quadrilaterals split, anything else refused */
  ncells_in = ce - cs;
  for (PetscInt c = cs; c < ce; c++) {
    DMPolytopeType t;
    TCAD_PETSC_CALL_GOTO(rc, DMPlexGetCellType(dm, c, &t), cleanup);
    if (t == DM_POLYTOPE_QUADRILATERAL)
      nout += 2, m->nquads_split++;
    else if ((dim == 1 && t == DM_POLYTOPE_SEGMENT) || (dim == 2 && t == DM_POLYTOPE_TRIANGLE) ||
             (dim == 3 && t == DM_POLYTOPE_TETRAHEDRON))
      nout += 1;
    else {
      rc = tcad_error(TCAD_ERR_MESH,
                      "%s: element %d is a %s; tcad needs simplices (segments, triangles, "
                      "tetrahedra; quadrilaterals are split): remesh with simplices",
                      path, (int)(c - cs), polytope_name(t));
      goto cleanup;
    }
  }
  m->ncells = (int)nout;
  TCAD_ALLOC_GOTO(rc, m->cell_node, (size_t)nout * m->nvert, cleanup);
  TCAD_ALLOC_GOTO(rc, m->cell_region, nout, cleanup);
  TCAD_ALLOC_GOTO(rc, cell_group, ncells_in, cleanup);
  for (PetscInt c = 0; c < ncells_in; c++) cell_group[c] = -1;

  /* physical groups arrive as labels named after them (-dm_plex_gmsh_use_regions) */
  TCAD_PETSC_CALL_GOTO(rc, DMGetNumLabels(dm, &nlabels), cleanup);
  TCAD_ALLOC_GOTO(rc, m->regions, (size_t)nlabels + 1, cleanup);
  TCAD_ALLOC_GOTO(rc, m->contacts, (size_t)nlabels + 1, cleanup);
  for (PetscInt l = 0; l < nlabels; l++) {
    const char *lname;
    TCAD_PETSC_CALL_GOTO(rc, DMGetLabelName(dm, l, &lname), cleanup);
    if (!strcmp(lname, "depth") || !strcmp(lname, "celltype") || !strcmp(lname, "Cell Sets") ||
        !strcmp(lname, "Face Sets") || !strcmp(lname, "Vertex Sets") || !strcmp(lname, "Edge Sets"))
      continue;
    TCAD_CALL_GOTO(rc, plex_label(dm, path, lname, dim, cs, vs, ve, cell_group, m), cleanup);
  }

  /* flatten cells in DMPlex order, splitting quadrilaterals */
  for (PetscInt c = cs; c < ce; c++) {
    int v[8], nv;
    DMPolytopeType t;
    TCAD_PETSC_CALL_GOTO(rc, DMPlexGetCellType(dm, c, &t), cleanup);
    TCAD_PETSC_CALL_GOTO(rc, plex_point_vertices(dm, c, vs, ve, v, &nv), cleanup);
    int g = cell_group[c - cs];
    if (g < 0) {
      unassigned++;
      if (first_unassigned < 0) first_unassigned = (int)(c - cs);
    }
    if (t == DM_POLYTOPE_QUADRILATERAL) {
      int a = v[0], b = v[1], cc = v[2], d = v[3];
      int *tri = m->cell_node + (size_t)out * 3;
      if (plex_quad_angle(m->coord, a, b, cc) + plex_quad_angle(m->coord, cc, d, a) <= 3.14159265358979323846 + 1e-12) {
        int t6[6] = {a, b, cc, a, cc, d};
        memcpy(tri, t6, sizeof t6);
      } else {
        int t6[6] = {a, b, d, b, cc, d};
        memcpy(tri, t6, sizeof t6);
      }
      m->cell_region[out] = m->cell_region[out + 1] = g;
      out += 2;
    } else {
      memcpy(m->cell_node + (size_t)out * m->nvert, v, sizeof(int) * (size_t)m->nvert);
      m->cell_region[out++] = g;
    }
  }
  if (unassigned) {
    rc = tcad_error(TCAD_ERR_MESH,
                    "%s: %d element%s (first: %d) belong to no physical group; put every "
                    "%s in a named Physical %s in the .geo",
                    path, unassigned, unassigned > 1 ? "s" : "", first_unassigned,
                    dim == 3   ? "volume"
                    : dim == 2 ? "surface"
                               : "curve",
                    dim == 3   ? "Volume"
                    : dim == 2 ? "Surface"
                               : "Curve");
    goto cleanup;
  }
  if (m->nregions == 0) {
    rc = tcad_error(TCAD_ERR_MESH,
                    "%s: the mesh has no named physical groups of elements; define "
                    "Physical %s(\"name\") groups in the .geo",
                    path,
                    dim == 3   ? "Volume"
                    : dim == 2 ? "Surface"
                               : "Curve");
    goto cleanup;
  }
  for (int c = 0; c < m->ncells; c++) m->regions[m->cell_region[c]].ncells++;
cleanup:
  if (ca) VecRestoreArrayRead(coords, &ca);
  free(cell_group);
  return rc;
}

static int plex_load(const char *path, double scale, TcadMesh **mesh)
{
  TcadMesh *m = NULL;
  DM dm = NULL;
  int rc = 0;
  TCAD_CALL(tcad_mesh_create(&m));
  snprintf(m->source, sizeof m->source, "%s", path);
  TCAD_PETSC_CALL_GOTO(rc, PetscOptionsSetValue(NULL, "-dm_plex_gmsh_use_regions", "true"), cleanup);
  TCAD_PETSC_CALL_GOTO(rc, DMPlexCreateGmshFromFile(PETSC_COMM_SELF, path, PETSC_TRUE, &dm), cleanup);
  TCAD_CALL_GOTO(rc, plex_extract(dm, path, scale, m), cleanup);
  TCAD_CALL_GOTO(rc, tcad_mesh_reorder(m), cleanup);
cleanup:
  if (dm) DMDestroy(&dm);
  if (rc) {
    TcadMeshDestroy(&m);
    return rc;
  }
  *mesh = m;
  return 0;
}

static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int cell_cmp3(const void *a, const void *b) { return memcmp(a, b, 4 * sizeof(int)); }

/* Cells as sorted node tuples (padded to 4), sorted: the readers may order cells differently. */
static int *cell_keys(const TcadMesh *m)
{
  int *k = malloc(sizeof(int) * 4 * (size_t)m->ncells);
  if (!k) return NULL;
  for (int c = 0; c < m->ncells; c++) {
    int *t = k + 4 * (size_t)c;
    for (int q = 0; q < 4; q++) t[q] = q < m->nvert ? m->cell_node[(size_t)c * m->nvert + q] : -1;
    for (int i = 1; i < m->nvert; i++)
      for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
        int s = t[j];
        t[j] = t[j - 1], t[j - 1] = s;
      }
    t[3] = m->nvert == 4 ? t[3] : -1;
  }
  qsort(k, (size_t)m->ncells, 4 * sizeof(int), cell_cmp3);
  return k;
}

static int same_mesh(const TcadMesh *a, const TcadMesh *b)
{
  if (a->dim != b->dim || a->nnodes != b->nnodes || a->ncells != b->ncells || a->nregions != b->nregions ||
      a->ncontacts != b->ncontacts)
    return 0;
  if (memcmp(a->coord, b->coord, sizeof(double) * 3 * (size_t)a->nnodes)) return 0;
  int *ka = cell_keys(a), *kb = cell_keys(b), same = ka && kb && !memcmp(ka, kb, sizeof(int) * 4 * (size_t)a->ncells);
  free(ka), free(kb);
  for (int r = 0; r < a->nregions && same; r++) {
    int q = TcadMeshFindRegion(b, a->regions[r].name);
    same = q >= 0 && b->regions[q].ncells == a->regions[r].ncells;
  }
  for (int c = 0; c < a->ncontacts && same; c++) {
    int q = TcadMeshFindContact(b, a->contacts[c].name);
    same = q >= 0 && b->contacts[q].nfaces == a->contacts[c].nfaces && b->contacts[q].nnodes == a->contacts[c].nnodes &&
           !memcmp(b->contacts[q].node, a->contacts[c].node, sizeof(int) * (size_t)a->contacts[c].nnodes);
  }
  return same;
}

static const char *format_of(const char *path, char *buf, size_t n)
{
  char line[128] = "";
  FILE *f = fopen(path, "rb");
  snprintf(buf, n, "?");
  if (!f) return buf;
  if (fgets(line, sizeof line, f) && fgets(line, sizeof line, f)) {
    double v = 0;
    int type = 0;
    if (sscanf(line, "%lf %d", &v, &type) == 2) snprintf(buf, n, "%.1f%s", v, type ? " binary" : " ASCII");
  }
  fclose(f);
  return buf;
}

int main(int argc, char **argv)
{
  int repeat = getenv("BENCH_REPEAT") ? atoi(getenv("BENCH_REPEAT")) : 2, status = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: bench_meshread FILE...\n");
    return 2;
  }
  TcadInitialize(&argc, &argv, NULL);
  for (int i = 1; i < argc; i++) {
    TcadMesh *m = NULL, *p = NULL;
    double best[2] = {HUGE_VAL, HUGE_VAL};
    char fmt[32];
    for (int k = 0; k < repeat; k++) {
      double t0 = now();
      int e = TcadMeshLoadGmsh(argv[i], 1e-4, &m);
      double t1 = now();
      if (e) {
        fprintf(stderr, "bench_meshread: %s\n", tcad_error_message());
        status = 1;
        break;
      }
      best[0] = fmin(best[0], t1 - t0);
      if (k < repeat - 1) TcadMeshDestroy(&m);
    }
    for (int k = 0; k < repeat && m; k++) {
      double t0 = now();
      int e = plex_load(argv[i], 1e-4, &p);
      double t1 = now();
      if (e) {
        fprintf(stderr, "bench_meshread (DMPlex): %s\n", tcad_error_message());
        break;
      }
      best[1] = fmin(best[1], t1 - t0);
      if (k < repeat - 1) TcadMeshDestroy(&p);
    }
    if (m) {
      const char *base = strrchr(argv[i], '/');
      printf("%s,%s,%d,%d,%d,%.4f,%.4f,%.2f,%d\n", base ? base + 1 : argv[i], format_of(argv[i], fmt, sizeof fmt),
             m->dim, m->nnodes, m->ncells, best[0], p ? best[1] : NAN, p ? best[1] / best[0] : NAN,
             p ? same_mesh(m, p) : -1);
      fflush(stdout);
    }
    TcadMeshDestroy(&m);
    TcadMeshDestroy(&p);
  }
  TcadFinalize();
  return status;
}
