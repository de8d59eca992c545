/* Gmsh meshes through PETSc DMPlex (the reader handles 2.2/4.1, ASCII/binary). DMPlex is
 * used only to read: the topology is flattened into TcadMesh arrays at once, and the DM is
 * destroyed, so the hot loops never touch PETSc objects. */
#include <errno.h>
#include <math.h>
#include <petscdmplex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/mesh_internal.h"
#include "tcad/error.h"
#include "tcad/petsc_error.h"

/* Gmsh files start with "$MeshFormat\n<version> <type> <size>". Checking that here gives a
 * message about the file rather than about a PETSc viewer. */
static int gmsh_check_header(const char *path)
{
  char line[256] = "", ver[256] = "";
  FILE *f = fopen(path, "rb");
  if (!f) return tcad_error(TCAD_ERR_IO, "cannot open mesh '%s': %s", path, strerror(errno));
  if (!fgets(line, sizeof line, f)) line[0] = 0;
  line[strcspn(line, "\r\n")] = 0;
  if (strcmp(line, "$MeshFormat")) {
    fclose(f);
    return tcad_error(TCAD_ERR_MESH,
                      "%s: not a Gmsh mesh: the first line is '%.40s', expected '$MeshFormat'; "
                      "write the mesh with Gmsh (format 2.2 or 4.1)",
                      path, line);
  }
  if (!fgets(ver, sizeof ver, f)) ver[0] = 0;
  fclose(f);
  double v = 0;
  int type = -1;
  if (sscanf(ver, "%lf %d", &v, &type) != 2)
    return tcad_error(TCAD_ERR_MESH, "%s:2: cannot read the Gmsh format version line '%.40s'", path, ver);
  if (!(fabs(v - 2.2) < 1e-6 || fabs(v - 4.1) < 1e-6))
    return tcad_error(TCAD_ERR_MESH,
                      "%s: Gmsh format %g is not supported; write format 2.2 or 4.1 "
                      "(gmsh -format msh41 or msh22)",
                      path, v);
  return 0;
}

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
static double quad_angle(const double *c, int o, int p, int q)
{
  double u[3], v[3], dot = 0, nu = 0, nv = 0;
  for (int k = 0; k < 3; k++) {
    u[k] = c[3 * o + k] - c[3 * p + k];
    v[k] = c[3 * q + k] - c[3 * p + k];
    dot += u[k] * v[k], nu += u[k] * u[k], nv += v[k] * v[k];
  }
  return acos(fmax(-1.0, fmin(1.0, dot / sqrt(nu * nv))));
}

static PetscErrorCode plex_extract(DM dm, const char *path, double scale, TcadMesh *m, int *terr)
{
  PetscInt dim, cdim, cs, ce, vs, ve;
  Vec coords;
  PetscSection csec;
  const PetscScalar *ca;
  PetscInt nlabels;
  int *cell_group = NULL;

  PetscFunctionBeginUser;
  *terr = 0;
  PetscCall(DMGetDimension(dm, &dim));
  PetscCall(DMGetCoordinateDim(dm, &cdim));
  if (dim < 1 || dim > 3) {
    *terr = tcad_error(TCAD_ERR_MESH, "%s: mesh dimension %d is not supported", path, (int)dim);
    PetscFunctionReturn(0);
  }
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cs, &ce));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vs, &ve));
  m->dim = (int)dim;
  m->nvert = (int)dim + 1;
  m->nnodes = (int)(ve - vs);
  m->coord = tcad_calloc((size_t)m->nnodes * 3, sizeof(double));
  if (!m->coord) {
    *terr = TCAD_ERR_MEM;
    PetscFunctionReturn(0);
  }
  PetscCall(DMGetCoordinatesLocal(dm, &coords));
  PetscCall(DMGetCoordinateSection(dm, &csec));
  PetscCall(VecGetArrayRead(coords, &ca));
  for (PetscInt v = vs; v < ve; v++) {
    PetscInt off;
    PetscCall(PetscSectionGetOffset(csec, v, &off));
    for (PetscInt d = 0; d < cdim && d < 3; d++) m->coord[3 * (v - vs) + d] = PetscRealPart(ca[off + d]) * scale;
    for (PetscInt d = dim; d < cdim && d < 3; d++)
      if (PetscRealPart(ca[off + d]) != 0.0) {
        *terr = tcad_error(TCAD_ERR_MESH,
                           "%s: a %dD mesh must lie in the %s; node %d has coordinate %c = %g",
                           path, (int)dim, dim == 2 ? "z = 0 plane" : "x axis", (int)(v - vs),
                           "xyz"[d], PetscRealPart(ca[off + d]));
        break;
      }
    if (*terr) break;
  }
  PetscCall(VecRestoreArrayRead(coords, &ca));
  if (*terr) PetscFunctionReturn(0);

  /* cells: simplices kept, quadrilaterals split, anything else refused */
  PetscInt ncells_in = ce - cs, nout = 0;
  for (PetscInt c = cs; c < ce; c++) {
    DMPolytopeType t;
    PetscCall(DMPlexGetCellType(dm, c, &t));
    if (t == DM_POLYTOPE_QUADRILATERAL) nout += 2, m->nquads_split++;
    else if ((dim == 1 && t == DM_POLYTOPE_SEGMENT) || (dim == 2 && t == DM_POLYTOPE_TRIANGLE) ||
             (dim == 3 && t == DM_POLYTOPE_TETRAHEDRON))
      nout += 1;
    else {
      *terr = tcad_error(TCAD_ERR_MESH,
                         "%s: element %d is a %s; tcad needs simplices (segments, triangles, "
                         "tetrahedra; quadrilaterals are split): remesh with simplices",
                         path, (int)(c - cs), polytope_name(t));
      PetscFunctionReturn(0);
    }
  }
  m->ncells = (int)nout;
  m->cell_node = tcad_malloc(sizeof(int) * (size_t)nout * m->nvert);
  m->cell_region = tcad_malloc(sizeof(int) * (size_t)nout);
  cell_group = tcad_malloc(sizeof(int) * (size_t)(ncells_in ? ncells_in : 1));
  if (!m->cell_node || !m->cell_region || !cell_group) {
    free(cell_group);
    *terr = TCAD_ERR_MEM;
    PetscFunctionReturn(0);
  }
  for (PetscInt c = 0; c < ncells_in; c++) cell_group[c] = -1;

  /* physical groups arrive as labels named after them (-dm_plex_gmsh_use_regions) */
  PetscCall(DMGetNumLabels(dm, &nlabels));
  m->regions = tcad_calloc((size_t)nlabels + 1, sizeof *m->regions);
  m->contacts = tcad_calloc((size_t)nlabels + 1, sizeof *m->contacts);
  if (!m->regions || !m->contacts) {
    free(cell_group);
    *terr = TCAD_ERR_MEM;
    PetscFunctionReturn(0);
  }
  for (PetscInt l = 0; l < nlabels && !*terr; l++) {
    const char *lname;
    DMLabel label;
    IS vis;
    const PetscInt *vals;
    PetscInt nvals;
    PetscCall(DMGetLabelName(dm, l, &lname));
    if (!strcmp(lname, "depth") || !strcmp(lname, "celltype") || !strcmp(lname, "Cell Sets") ||
        !strcmp(lname, "Face Sets") || !strcmp(lname, "Vertex Sets") || !strcmp(lname, "Edge Sets"))
      continue;
    PetscCall(DMGetLabel(dm, lname, &label));
    PetscCall(DMLabelGetValueIS(label, &vis));
    PetscCall(ISGetLocalSize(vis, &nvals));
    PetscCall(ISGetIndices(vis, &vals));
    int kind = -1; /* 0 cells, 1 faces */
    int rid = m->nregions, cid = m->ncontacts;
    TcadMeshContact *ct = &m->contacts[cid];
    size_t face_cap = 0;
    for (PetscInt k = 0; k < nvals && !*terr; k++) {
      IS pis;
      const PetscInt *pts;
      PetscInt np;
      PetscCall(DMLabelGetStratumIS(label, vals[k], &pis));
      if (!pis) continue;
      PetscCall(ISGetLocalSize(pis, &np));
      PetscCall(ISGetIndices(pis, &pts));
      for (PetscInt i = 0; i < np && !*terr; i++) {
        PetscInt p = pts[i], h;
        PetscCall(DMPlexGetPointHeight(dm, p, &h));
        int pk = h == 0 ? 0 : (h == 1 ? 1 : 2);
        if (pk == 2) continue; /* edges of 3D meshes, or points of 2D/3D meshes: not used */
        if (kind < 0) kind = pk;
        if (kind != pk) {
          *terr = tcad_error(TCAD_ERR_MESH,
                             "%s: physical group '%s' mixes cells and boundary faces; give "
                             "regions and contacts separate physical groups",
                             path, lname);
          break;
        }
        if (pk == 0) {
          if (cell_group[p - cs] >= 0) {
            *terr = tcad_error(TCAD_ERR_MESH,
                               "%s: element %d is in two physical groups ('%s' and '%s'); each "
                               "element must be in exactly one region",
                               path, (int)(p - cs), m->regions[cell_group[p - cs]].name, lname);
            break;
          }
          cell_group[p - cs] = rid;
        } else {
          int fv[8], nfv;
          PetscCall(plex_point_vertices(dm, p, vs, ve, fv, &nfv));
          if (nfv != (int)dim) continue; /* not a facet of a simplex mesh */
          if ((size_t)ct->nfaces + 1 > face_cap) {
            face_cap = face_cap ? 2 * face_cap : 64;
            int *nf = realloc(ct->face_node, sizeof(int) * face_cap * (size_t)dim);
            if (!nf) {
              *terr = tcad_error(TCAD_ERR_MEM, "out of memory reading contact '%s'", lname);
              break;
            }
            ct->face_node = nf;
          }
          memcpy(ct->face_node + (size_t)ct->nfaces * dim, fv, sizeof(int) * (size_t)dim);
          ct->nfaces++;
        }
      }
      PetscCall(ISRestoreIndices(pis, &pts));
      PetscCall(ISDestroy(&pis));
    }
    PetscCall(ISRestoreIndices(vis, &vals));
    PetscCall(ISDestroy(&vis));
    if (*terr) break;
    if (kind == 0) {
      snprintf(m->regions[rid].name, sizeof m->regions[rid].name, "%s", lname);
      m->nregions++;
    } else if (kind == 1) {
      snprintf(ct->name, sizeof ct->name, "%s", lname);
      m->ncontacts++;
      int e = TcadMeshContactNodes(ct, (int)dim);
      if (e) *terr = e;
    }
  }
  if (*terr) {
    free(cell_group);
    PetscFunctionReturn(0);
  }

  /* flatten cells in DMPlex order, splitting quadrilaterals */
  PetscInt out = 0;
  int unassigned = 0, first_unassigned = -1;
  for (PetscInt c = cs; c < ce; c++) {
    int v[8], nv;
    DMPolytopeType t;
    PetscCall(DMPlexGetCellType(dm, c, &t));
    PetscCall(plex_point_vertices(dm, c, vs, ve, v, &nv));
    int g = cell_group[c - cs];
    if (g < 0) {
      unassigned++;
      if (first_unassigned < 0) first_unassigned = (int)(c - cs);
    }
    if (t == DM_POLYTOPE_QUADRILATERAL) {
      int a = v[0], b = v[1], cc = v[2], d = v[3];
      int *tri = m->cell_node + (size_t)out * 3;
      if (quad_angle(m->coord, a, b, cc) + quad_angle(m->coord, cc, d, a) <= 3.14159265358979323846 + 1e-12) {
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
  free(cell_group);
  if (unassigned) {
    *terr = tcad_error(TCAD_ERR_MESH,
                       "%s: %d element%s (first: %d) belong to no physical group; put every "
                       "%s in a named Physical %s in the .geo",
                       path, unassigned, unassigned > 1 ? "s" : "", first_unassigned,
                       dim == 3 ? "volume" : dim == 2 ? "surface" : "curve",
                       dim == 3 ? "Volume" : dim == 2 ? "Surface" : "Curve");
    PetscFunctionReturn(0);
  }
  if (m->nregions == 0) {
    *terr = tcad_error(TCAD_ERR_MESH,
                       "%s: the mesh has no named physical groups of elements; define "
                       "Physical %s(\"name\") groups in the .geo",
                       path, dim == 3 ? "Volume" : dim == 2 ? "Surface" : "Curve");
    PetscFunctionReturn(0);
  }
  for (int c = 0; c < m->ncells; c++) m->regions[m->cell_region[c]].ncells++;
  PetscFunctionReturn(0);
}

int TcadMeshLoadGmsh(const char *path, double scale, TcadMesh **mesh)
{
  TcadMesh *m = NULL;
  DM dm = NULL;
  PetscErrorCode ierr;
  int terr = 0;
  PetscBool had;

  TCAD_CALL(gmsh_check_header(path));
  TCAD_CALL(TcadMeshCreate(&m));
  snprintf(m->source, sizeof m->source, "%s", path);

  /* Physical groups by name rather than by number. The mesh is read interpolated (faces as
   * DMPlex points) because that is the only way DMPlex 3.18 keeps face groups whole:
   * -dm_plex_gmsh_mark_vertices without interpolation is 20x faster on tetrahedra but marks
   * nodes by Gmsh entity, dropping a contact's end nodes (4.1) or all of them (2.2). */
  PetscOptionsHasName(NULL, NULL, "-dm_plex_gmsh_use_regions", &had);
  if (!had) PetscOptionsSetValue(NULL, "-dm_plex_gmsh_use_regions", "true");
  ierr = DMPlexCreateGmshFromFile(PETSC_COMM_SELF, path, PETSC_TRUE, &dm);
  if (!ierr) ierr = plex_extract(dm, path, scale, m, &terr);
  if (ierr) tcad_petsc_fail(__FILE__, __LINE__, __func__, ierr);
  if (!had) PetscOptionsClearValue(NULL, "-dm_plex_gmsh_use_regions");
  if (dm) DMDestroy(&dm);
  if (ierr) {
    TcadMeshDestroy(&m);
    tcad_error_context("%s: cannot read the mesh (truncated or corrupt?)", path);
    return tcad_error_set_code(TCAD_ERR_MESH);
  }
  if (!terr) terr = TcadMeshReorder(m);
  if (terr) {
    TcadMeshDestroy(&m);
    return terr;
  }
  *mesh = m;
  return 0;
}
