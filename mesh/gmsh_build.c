/* The TcadMesh from a Gmsh file's elements (mesh/gmsh.c reads them): the elements of the highest
 * dimension are the cells, each in one named physical group (a region); named groups one
 * dimension down are face groups whose elements must be sides of cells; nodes no cell uses are
 * dropped; a 2.x element written twice (two groups) is refused; Morton renumbering last. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/gmsh_internal.h"
#include "mesh/tuples.h"
#include "tcad/error.h"

/* Physical names and entities by (dimension, tag), and dimension words for messages. */
int tcad_gmsh_name_cmp(const void *a, const void *b)
{
  const GmshName *x = a, *y = b;
  if (x->dim != y->dim) return x->dim < y->dim ? -1 : 1;
  return (x->tag > y->tag) - (x->tag < y->tag);
}

const GmshName *tcad_gmsh_find_name(const GmshReader *r, int dim, int tag)
{
  GmshName key = {.dim = dim, .tag = tag};
  return r->nnames ? bsearch(&key, r->names, r->nnames, sizeof key, tcad_gmsh_name_cmp) : NULL;
}

int tcad_gmsh_ent_cmp(const void *a, const void *b)
{
  const GmshEntity *x = a, *y = b;
  if (x->dim != y->dim) return x->dim < y->dim ? -1 : 1;
  return (x->tag > y->tag) - (x->tag < y->tag);
}

const GmshEntity *tcad_gmsh_find_entity(const GmshReader *r, int dim, int tag)
{
  GmshEntity key = {.dim = dim, .tag = tag};
  return r->nent ? bsearch(&key, r->ent, r->nent, sizeof key, tcad_gmsh_ent_cmp) : NULL;
}

const char *tcad_gmsh_dim_noun(int d)
{
  return d == 0 ? "points" : d == 1 ? "curves" : d == 2 ? "surfaces" : "volumes";
}
const char *tcad_gmsh_dim_geo(int d) { return d == 0 ? "Point" : d == 1 ? "Curve" : d == 2 ? "Surface" : "Volume"; }

/* The element types of the format (gmsh_internal.h), read and built alike. */
const GmshType tcad_gmsh_types[] = {
    {1, 2, 1, 1, "segment"},
    {2, 3, 2, 1, "triangle"},
    {3, 4, 2, 1, "quadrilateral"},
    {4, 4, 3, 1, "tetrahedron"},
    {5, 8, 3, 1, "hexahedron"},
    {6, 6, 3, 1, "prism"},
    {7, 5, 3, 1, "pyramid"},
    {8, 3, 1, 2, "second-order segment"},
    {9, 6, 2, 2, "second-order triangle"},
    {10, 9, 2, 2, "second-order quadrilateral"},
    {11, 10, 3, 2, "second-order tetrahedron"},
    {12, 27, 3, 2, "second-order hexahedron"},
    {13, 18, 3, 2, "second-order prism"},
    {14, 14, 3, 2, "second-order pyramid"},
    {15, 1, 0, 1, "point"},
    {16, 8, 2, 2, "second-order quadrilateral"},
    {17, 20, 3, 2, "second-order hexahedron"},
    {18, 15, 3, 2, "second-order prism"},
    {19, 13, 3, 2, "second-order pyramid"},
    {20, 9, 2, 3, "third-order triangle"},
    {21, 10, 2, 3, "third-order triangle"},
    {22, 12, 2, 4, "fourth-order triangle"},
    {23, 15, 2, 4, "fourth-order triangle"},
    {24, 15, 2, 5, "fifth-order triangle"},
    {25, 21, 2, 5, "fifth-order triangle"},
    {26, 4, 1, 3, "third-order segment"},
    {27, 5, 1, 4, "fourth-order segment"},
    {28, 6, 1, 5, "fifth-order segment"},
    {29, 20, 3, 3, "third-order tetrahedron"},
    {30, 35, 3, 4, "fourth-order tetrahedron"},
    {31, 56, 3, 5, "fifth-order tetrahedron"},
    {92, 64, 3, 3, "third-order hexahedron"},
    {93, 125, 3, 4, "fourth-order hexahedron"},
};
const int tcad_gmsh_ntypes = (int)(sizeof tcad_gmsh_types / sizeof tcad_gmsh_types[0]);

/* Each element's physical groups, looked up once: 2.x, its own tag (0: none); 4.x, its entity's
 * (none when $Entities does not have the entity). */
static void resolve_groups(GmshReader *r)
{
  for (size_t k = 0; k < r->nel; k++) {
    GmshElem *e = &r->el[k];
    if (r->major == 2) {
      e->nphys = e->grp != 0;
      continue;
    }
    const GmshEntity *en = tcad_gmsh_find_entity(r, e->dim, e->grp);
    e->nphys = en ? en->nphys : 0;
    e->phys = en ? en->phys : 0;
  }
}

/* The physical groups of element e: their tags in *tags (n of them). */
static int elem_groups(const GmshReader *r, const GmshElem *e, const int **tags)
{
  *tags = r->major == 2 ? &e->grp : r->ephys + e->phys;
  return e->nphys;
}

static int int_cmp(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

/* The distinct physical tags of the elements of dimension d, sorted. */
static int group_tags(const GmshReader *r, int d, int **out, int *nout)
{
  size_t n = 0, cap = 16;
  int *t = malloc(cap * sizeof *t);
  if (!t) return TCAD_ERR_MEM;
  for (size_t k = 0; k < r->nel; k++) {
    const int *g;
    if (r->el[k].dim != d) continue;
    int ng = elem_groups(r, &r->el[k], &g);
    for (int j = 0; j < ng; j++) {
      if (n > 0 && t[n - 1] == g[j]) continue; /* the common case: runs of one group */
      if (n == cap) {
        int *nt = realloc(t, 2 * cap * sizeof *nt);
        if (!nt) return free(t), TCAD_ERR_MEM;
        t = nt, cap *= 2;
      }
      t[n++] = g[j];
    }
  }
  qsort(t, n, sizeof *t, int_cmp);
  size_t u = 0;
  for (size_t k = 0; k < n; k++)
    if (!u || t[u - 1] != t[k]) t[u++] = t[k];
  *out = t, *nout = (int)u;
  return 0;
}

static int group_index(const int *tags, int n, int tag)
{
  const int *p = bsearch(&tag, tags, (size_t)n, sizeof tag, int_cmp);
  return p ? (int)(p - tags) : -1;
}

/* Angle at p between p->o and p->q, for the quadrilateral split. */
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

/* Two cells on the same nodes: what a 2.x file holds when an element is in two physical groups
 * (Gmsh writes it once per group). Cells bucketed by lowest node, sorted inside a bucket. */
typedef struct {
  int v[4];
  int cell;
} CellKey;

static int key_cmp(const void *a, const void *b)
{
  const CellKey *x = a, *y = b;
  for (int k = 0; k < 4; k++)
    if (x->v[k] != y->v[k]) return x->v[k] < y->v[k] ? -1 : 1;
  return (x->cell > y->cell) - (x->cell < y->cell);
}

static int duplicate_cells(const GmshReader *r, const TcadMesh *m, const size_t *cell_elem)
{
  const int nv = m->nvert, nc = m->ncells;
  CellKey *key = NULL, *tmp = NULL;
  int *ptr = NULL, rc = 0;
  TCAD_ALLOC_GOTO(rc, key, nc, cleanup);
  TCAD_ALLOC_GOTO(rc, tmp, nc, cleanup);
  TCAD_ALLOC_GOTO(rc, ptr, (size_t)m->nnodes + 1, cleanup);
  for (int c = 0; c < nc; c++) {
    for (int k = 0; k < 4; k++) key[c].v[k] = k < nv ? m->cell_node[(size_t)c * nv + k] : -1;
    tcad_tuples_sort_small(key[c].v, nv);
    key[c].cell = c;
    ptr[key[c].v[0] + 1]++;
  }
  for (int n = 0; n < m->nnodes; n++) ptr[n + 1] += ptr[n];
  for (int c = 0; c < nc; c++) tmp[ptr[key[c].v[0]]++] = key[c];
  for (int n = m->nnodes; n > 0; n--) ptr[n] = ptr[n - 1];
  ptr[0] = 0;
  for (int n = 0; n < m->nnodes && !rc; n++) {
    CellKey *b = tmp + ptr[n];
    int nb = ptr[n + 1] - ptr[n];
    qsort(b, (size_t)nb, sizeof *b, key_cmp);
    for (int i = 1; i < nb; i++)
      if (!memcmp(b[i].v, b[i - 1].v, sizeof b[i].v)) {
        const GmshElem *e1 = &r->el[cell_elem[b[i - 1].cell]], *e2 = &r->el[cell_elem[b[i].cell]];
        const GmshName *g1 = tcad_gmsh_find_name(r, e1->dim, e1->grp), *g2 = tcad_gmsh_find_name(r, e2->dim, e2->grp);
        rc = tcad_error(TCAD_ERR_MESH,
                        "%s: elements %lld and %lld have the same nodes (physical groups '%s' and '%s'): an element is "
                        "in two physical groups; each element must be in exactly one region",
                        r->path, (long long)e1->id, (long long)e2->id, g1 ? g1->name : "?", g2 ? g2->name : "?");
        break;
      }
  }
cleanup:
  free(key), free(tmp), free(ptr);
  return rc;
}

int tcad_gmsh_build(GmshReader *r, double scale, TcadMesh *m)
{
  int D = 0, *rtag = NULL, nrtag = 0, *ftag = NULL, nftag = 0, *newid = NULL, *cptr = NULL, *clist = NULL, rc = 0;
  int *fcount = NULL, *fslot = NULL, *fnode = NULL;
  size_t *cell_elem = NULL, ncell = 0;
  resolve_groups(r);
  for (size_t k = 0; k < r->nel; k++) D = r->el[k].dim > D ? r->el[k].dim : D;
  if (!r->nel || D == 0)
    return tcad_error(TCAD_ERR_MESH,
                      "%s: the mesh has no elements of dimension 1 to 3; mesh the geometry (gmsh -1, "
                      "-2 or -3)",
                      r->path);
  const int nv = D + 1;
  m->dim = D, m->nvert = nv;

  /* regions: the physical groups of the cells */
  TCAD_CALL_GOTO(rc, group_tags(r, D, &rtag, &nrtag), cleanup);
  TCAD_ALLOC_GOTO(rc, m->regions, (size_t)nrtag + 1, cleanup);
  for (int g = 0; g < nrtag; g++) {
    const GmshName *nm = tcad_gmsh_find_name(r, D, rtag[g]);
    if (!nm) {
      long long first = -1;
      for (size_t k = 0; k < r->nel && first < 0; k++) {
        const int *t;
        int ng = elem_groups(r, &r->el[k], &t);
        if (r->el[k].dim == D && ng > 0 && group_index(t, ng, rtag[g]) >= 0) first = r->el[k].id;
      }
      rc = tcad_error(TCAD_ERR_MESH,
                      "%s: physical group %d of %s (element %lld is in it) has no name in $PhysicalNames; name it in "
                      "the .geo: Physical %s(\"name\") = {...}",
                      r->path, rtag[g], tcad_gmsh_dim_noun(D), first, tcad_gmsh_dim_geo(D));
      goto cleanup;
    }
    snprintf(m->regions[g].name, sizeof m->regions[g].name, "%s", nm->name);
  }
  m->nregions = nrtag;

  /* cells, each in exactly one group */
  size_t nout = 0, unassigned = 0;
  long long first_unassigned = -1;
  for (size_t k = 0; k < r->nel; k++) {
    const GmshElem *e = &r->el[k];
    const int *t;
    if (e->dim != D) continue;
    int ng = elem_groups(r, e, &t);
    if (ng == 0 && unassigned++ == 0) first_unassigned = e->id;
    if (ng > 1) {
      const GmshName *a = tcad_gmsh_find_name(r, D, t[0]), *b = tcad_gmsh_find_name(r, D, t[1]);
      rc = tcad_error(TCAD_ERR_MESH,
                      "%s: element %lld is in two physical groups ('%s' and '%s'); each element must be in exactly one "
                      "region",
                      r->path, (long long)e->id, a ? a->name : "?", b ? b->name : "?");
      goto cleanup;
    }
    nout += tcad_gmsh_types[e->type].type == TCAD_GMSH_QUAD ? 2 : 1;
  }
  if (unassigned) {
    rc = tcad_error(TCAD_ERR_MESH,
                    "%s: %zu element%s (first: %lld) belong to no physical group; put every %s in a named Physical %s "
                    "in the .geo",
                    r->path, unassigned, unassigned > 1 ? "s" : "", first_unassigned,
                    D == 3   ? "volume"
                    : D == 2 ? "surface"
                             : "curve",
                    tcad_gmsh_dim_geo(D));
    goto cleanup;
  }
  if (nout > (size_t)INT_MAX / 4) {
    rc = tcad_error(TCAD_ERR_MESH, "%s: %zu cells are more than tcad can hold", r->path, nout);
    goto cleanup;
  }

  /* nodes the cells use, in file order */
  TCAD_ALLOC_GOTO(rc, newid, r->nnodes + 1, cleanup);
  for (size_t i = 0; i < r->nnodes; i++) newid[i] = -1;
  for (size_t k = 0; k < r->nel; k++)
    if (r->el[k].dim == D)
      for (int j = 0; j < tcad_gmsh_types[r->el[k].type].nv; j++) newid[r->enode[r->el[k].off + j]] = 0;
  int nn = 0;
  for (size_t i = 0; i < r->nnodes; i++)
    if (newid[i] == 0) {
      const double *x = r->xyz + 3 * i;
      if ((D < 3 && x[2] != 0.0) || (D == 1 && x[1] != 0.0)) {
        rc = tcad_error(TCAD_ERR_MESH, "%s: a %dD mesh must lie in the %s; node %lld is at (%g, %g, %g)", r->path, D,
                        D == 2 ? "z = 0 plane" : "x axis (y = z = 0)", (long long)r->ntag[i], x[0], x[1], x[2]);
        goto cleanup;
      }
      newid[i] = nn++;
    }
  m->nnodes = nn;
  TCAD_ALLOC_GOTO(rc, m->coord, 3 * (size_t)nn, cleanup);
  for (size_t i = 0; i < r->nnodes; i++)
    if (newid[i] >= 0)
      for (int d = 0; d < 3; d++) m->coord[3 * (size_t)newid[i] + d] = r->xyz[3 * i + d] * scale;

  /* cells in file order, quadrilaterals split along the diagonal that keeps the angles opposite
   * it at most pi (Delaunay) */
  m->ncells = (int)nout;
  TCAD_ALLOC_GOTO(rc, m->cell_node, nout * (size_t)nv, cleanup);
  TCAD_ALLOC_GOTO(rc, m->cell_region, nout, cleanup);
  TCAD_ALLOC_GOTO(rc, cell_elem, nout, cleanup);
  for (size_t k = 0; k < r->nel; k++) {
    const GmshElem *e = &r->el[k];
    const int *t, *en = r->enode + e->off;
    if (e->dim != D) continue;
    elem_groups(r, e, &t);
    const int g = group_index(rtag, nrtag, t[0]);
    if (tcad_gmsh_types[e->type].type == TCAD_GMSH_QUAD) {
      int a = newid[en[0]], b = newid[en[1]], c = newid[en[2]], d = newid[en[3]];
      int *tri = m->cell_node + ncell * 3;
      if (quad_angle(m->coord, a, b, c) + quad_angle(m->coord, c, d, a) <= 3.14159265358979323846 + 1e-12) {
        const int t6[6] = {a, b, c, a, c, d};
        memcpy(tri, t6, sizeof t6);
      } else {
        const int t6[6] = {a, b, d, b, c, d};
        memcpy(tri, t6, sizeof t6);
      }
      m->cell_region[ncell] = m->cell_region[ncell + 1] = g;
      cell_elem[ncell] = cell_elem[ncell + 1] = k;
      ncell += 2, m->nquads_split++;
    } else {
      for (int j = 0; j < nv; j++) m->cell_node[ncell * nv + j] = newid[en[j]];
      m->cell_region[ncell] = g, cell_elem[ncell] = k;
      ncell++;
    }
  }
  for (size_t c = 0; c < ncell; c++) m->regions[m->cell_region[c]].ncells++;
  if (r->major == 2) TCAD_CALL_GOTO(rc, duplicate_cells(r, m, cell_elem), cleanup);

  /* face groups: elements of dimension D-1 that are sides of cells (found through the cells of
   * their first node) */
  TCAD_CALL_GOTO(rc, group_tags(r, D - 1, &ftag, &nftag), cleanup);
  TCAD_ALLOC_GOTO(rc, fcount, (size_t)nftag + 1, cleanup);
  TCAD_ALLOC_GOTO(rc, fslot, (size_t)nftag + 1, cleanup);
  /* the cells of each node of a face element (cptr/clist, a CSR over those nodes only: the
   * face groups touch few of the nodes) */
  TCAD_ALLOC_GOTO(rc, cptr, (size_t)nn + 1, cleanup);
  TCAD_ALLOC_GOTO(rc, fnode, (size_t)nn + 1, cleanup);
  for (size_t k = 0; k < r->nel; k++)
    if (r->el[k].dim == D - 1)
      for (int j = 0; j < tcad_gmsh_types[r->el[k].type].nv; j++)
        if (newid[r->enode[r->el[k].off + j]] >= 0) fnode[newid[r->enode[r->el[k].off + j]]] = 1;
  for (size_t c = 0; c < ncell; c++)
    for (int j = 0; j < nv; j++)
      if (fnode[m->cell_node[c * nv + j]]) cptr[m->cell_node[c * nv + j] + 1]++;
  for (int n = 0; n < nn; n++) cptr[n + 1] += cptr[n];
  TCAD_ALLOC_GOTO(rc, clist, (size_t)cptr[nn] + 1, cleanup);
  for (size_t c = 0; c < ncell; c++)
    for (int j = 0; j < nv; j++)
      if (fnode[m->cell_node[c * nv + j]]) clist[cptr[m->cell_node[c * nv + j]]++] = (int)c;
  for (int n = nn; n > 0; n--) cptr[n] = cptr[n - 1];
  cptr[0] = 0;
  for (size_t k = 0; k < r->nel; k++) {
    const GmshElem *e = &r->el[k];
    const int *t, *en = r->enode + e->off;
    if (e->dim != D - 1) continue;
    int ng = elem_groups(r, e, &t), named = 0;
    for (int j = 0; j < ng; j++) named |= tcad_gmsh_find_name(r, D - 1, t[j]) != NULL;
    if (!named) {
      for (int j = 0; j < ng; j++) fcount[group_index(ftag, nftag, t[j])]++;
      continue;
    }
    const GmshName *nm = NULL;
    for (int j = 0; j < ng && !nm; j++) nm = tcad_gmsh_find_name(r, D - 1, t[j]);
    int side = tcad_gmsh_types[e->type].nv == D;
    for (int j = 0; j < D && side; j++) side = newid[en[j]] >= 0;
    if (side) { /* through the cells of the face's node that has the fewest */
      int a = newid[en[0]], found = 0;
      for (int j = 1; j < D; j++)
        if (cptr[newid[en[j]] + 1] - cptr[newid[en[j]]] < cptr[a + 1] - cptr[a]) a = newid[en[j]];
      for (int q = cptr[a]; q < cptr[a + 1] && !found; q++) {
        const int *cn = m->cell_node + (size_t)clist[q] * nv;
        int all = 1;
        for (int j = 0; j < D && all; j++) {
          int hit = 0;
          for (int i = 0; i < nv; i++) hit |= cn[i] == newid[en[j]];
          all = hit;
        }
        found = all;
      }
      side = found;
    }
    if (!side) {
      rc = tcad_error(TCAD_ERR_MESH,
                      "%s: element %lld (a %s of physical group '%s') is not a side of any cell of the mesh; the "
                      "elements of a face group must lie on the faces of its %s",
                      r->path, (long long)e->id, tcad_gmsh_types[e->type].name, nm->name,
                      D == 3   ? "tetrahedra"
                      : D == 2 ? "triangles"
                               : "segments");
      goto cleanup;
    }
    for (int j = 0; j < ng; j++) fcount[group_index(ftag, nftag, t[j])]++;
  }
  TCAD_ALLOC_GOTO(rc, m->contacts, (size_t)nftag + 1, cleanup);
  for (int g = 0; g < nftag; g++) {
    const GmshName *nm = tcad_gmsh_find_name(r, D - 1, ftag[g]);
    fslot[g] = -1;
    if (!nm) {
      fprintf(stderr,
              "tcad: warning: %s: physical group %d of %s (%d elements) has no name in $PhysicalNames; it is "
              "ignored (name it in the .geo to use it as a contact or interface)\n",
              r->path, ftag[g], tcad_gmsh_dim_noun(D - 1), fcount[g]);
      continue;
    }
    TcadMeshContact *ct = &m->contacts[m->ncontacts];
    snprintf(ct->name, sizeof ct->name, "%s", nm->name);
    TCAD_ALLOC_GOTO(rc, ct->face_node, (size_t)fcount[g] * D + 1, cleanup);
    fslot[g] = m->ncontacts++;
  }
  for (size_t k = 0; k < r->nel; k++) {
    const GmshElem *e = &r->el[k];
    const int *t, *en = r->enode + e->off;
    if (e->dim != D - 1) continue;
    int ng = elem_groups(r, e, &t);
    for (int j = 0; j < ng; j++) {
      int s = fslot[group_index(ftag, nftag, t[j])];
      if (s < 0) continue;
      TcadMeshContact *ct = &m->contacts[s];
      int *f = ct->face_node + (size_t)ct->nfaces++ * D;
      for (int i = 0; i < D; i++) f[i] = newid[en[i]];
      tcad_tuples_sort_small(f, D);
    }
  }
  for (int c = 0; c < m->ncontacts; c++) TCAD_CALL_GOTO(rc, tcad_mesh_contact_nodes(&m->contacts[c], D), cleanup);
  TCAD_CALL_GOTO(rc, tcad_mesh_reorder(m), cleanup);
cleanup:
  free(rtag), free(ftag), free(newid), free(cptr), free(clist), free(fcount), free(fslot), free(fnode), free(cell_elem);
  return rc;
}
