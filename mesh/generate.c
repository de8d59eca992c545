/* Generated tensor-product meshes: graded axis lines, simplices whose box-method cells are the
 * exact rectangular dual (right triangles; six Kuhn tetrahedra per brick, all sharing the
 * brick's main diagonal so neighbouring bricks conform), regions and contacts from boxes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/mesh_internal.h"
#include "tcad/deck.h"
#include "tcad/error.h"

/* Intervals between anchors a and b: the segment length over the log-mean of the two steps. */
static double segment_intervals_d(const TcadMeshLine *a, const TcadMeshLine *b)
{
  double L = b->at - a->at, sa = a->step, sb = b->step;
  double mean = fabs(sb - sa) < 1e-12 * sa ? sa : (sb - sa) / log(sb / sa);
  return fmax(1.0, round(L / mean));
}

static int segment_intervals(const TcadMeshLine *a, const TcadMeshLine *b) { return (int)segment_intervals_d(a, b); }

/* A generated mesh is held in memory several times over (geometry, Jacobian): beyond this many
 * nodes it is a mistake (a step in nm given as µm), not a device (mesh_internal.h) */
double tcad_mesh_generate_max_nodes = 2e7;

/* Points of one axis. Between anchors a and b the spacing follows a geometric progression from
 * step_a to step_b, scaled so the segment is filled exactly. */
static int axis_points(const TcadMeshLine *lines, int nlines, double **pts, int *npts)
{
  int n = 1;
  double *p = NULL;
  for (int k = 0; k + 1 < nlines; k++) n += segment_intervals(&lines[k], &lines[k + 1]);
  TCAD_ALLOC(p, n);
  int i = 0;
  p[i++] = lines[0].at;
  for (int k = 0; k + 1 < nlines; k++) {
    double L = lines[k + 1].at - lines[k].at, r = lines[k + 1].step / lines[k].step;
    int m = segment_intervals(&lines[k], &lines[k + 1]);
    /* spacings step_a * r^(j/(m-1)), scaled so they fill the segment exactly */
    double sum = 0, x = lines[k].at;
    for (int j = 0; j < m; j++) sum += m > 1 ? pow(r, (double)j / (m - 1)) : 1.0;
    for (int j = 0; j < m - 1; j++) {
      x += L * (m > 1 ? pow(r, (double)j / (m - 1)) : 1.0) / sum;
      p[i++] = x;
    }
    p[i++] = lines[k + 1].at; /* anchors land exactly, so region boxes can align with them */
  }
  *pts = p;
  *npts = n;
  return 0;
}

static int box_contains(const TcadBox *b, const double *x, int dim, double tol)
{
  for (int a = 0; a < dim; a++)
    if (b->has[a] && (x[a] < b->lo[a] - tol || x[a] > b->hi[a] + tol)) return 0;
  return 1;
}

static int face_in_box(const TcadMesh *m, const int *face, const TcadBox *b, double tol)
{
  for (int q = 0; q < m->dim; q++)
    if (!box_contains(b, m->coord + 3 * (size_t)face[q], m->dim, tol)) return 0;
  return 1;
}

int TcadMeshGenerate(const TcadDeck *deck, TcadMesh **mesh)
{
  const TcadMeshSpec *ms = &deck->mesh;
  const int dim = ms->dim;
  double *ax[3] = {NULL, NULL, NULL};
  int n[3] = {1, 1, 1}, nbf = 0, *bf = NULL, rc = 0;
  TcadMesh *m = NULL;

  {
    double total = 1, na[3] = {1, 1, 1};
    for (int a = 0; a < dim; a++) {
      for (int k = 0; k + 1 < ms->nlines[a]; k++) na[a] += segment_intervals_d(&ms->lines[a][k], &ms->lines[a][k + 1]);
      total *= na[a];
    }
    if (!(total <= tcad_mesh_generate_max_nodes)) {
      const char axis[3] = {'x', 'y', 'z'};
      int big = 0;
      for (int a = 1; a < dim; a++) big = na[a] > na[big] ? a : big;
      rc = tcad_error(TCAD_ERR_INPUT,
                      "%s: the generated mesh would have %.3g nodes (%.3g along %c); expected at most %.0e: check the "
                      "'step' values of mesh.generate.%c (in µm, e.g. 0.01 for 10 nm)",
                      TcadDeckGetLocation(deck, ms->loc), total, na[big], axis[big], tcad_mesh_generate_max_nodes,
                      axis[big]);
      goto cleanup;
    }
  }
  for (int a = 0; a < dim; a++) TCAD_CALL_GOTO(rc, axis_points(ms->lines[a], ms->nlines[a], &ax[a], &n[a]), cleanup);
  TCAD_CALL_GOTO(rc, tcad_mesh_create(&m), cleanup);
  snprintf(m->source, sizeof m->source, "generated mesh of %.900s", deck->path);
  m->dim = dim;
  m->nvert = dim + 1;
  {
    const size_t nn = (size_t)n[0] * n[1] * n[2];
    const size_t nbricks = (size_t)(n[0] - 1) * (dim > 1 ? n[1] - 1 : 1) * (dim > 2 ? n[2] - 1 : 1);
    const int per = dim == 1 ? 1 : dim == 2 ? 2 : 6;
    if (nn > 2000000000u || nbricks * per > 2000000000u) {
      rc = tcad_error(TCAD_ERR_INPUT,
                      "%s: the generated mesh would have %zu nodes, more than tcad's 32-bit indices allow",
                      TcadDeckGetLocation(deck, ms->loc), nn);
      goto cleanup;
    }
    m->nnodes = (int)nn;
    TCAD_ALLOC_GOTO(rc, m->coord, nn * 3, cleanup);
    TCAD_ALLOC_GOTO(rc, m->cell_node, nbricks * per * (size_t)m->nvert, cleanup);
    TCAD_ALLOC_GOTO(rc, m->cell_region, nbricks * per, cleanup);
    TCAD_ALLOC_GOTO(rc, m->regions, (size_t)deck->nregions + 1, cleanup);
  }
  for (int k = 0; k < n[2]; k++)
    for (int j = 0; j < n[1]; j++)
      for (int i = 0; i < n[0]; i++) {
        double *x = m->coord + 3 * ((size_t)i + (size_t)n[0] * ((size_t)j + (size_t)n[1] * k));
        x[0] = ax[0][i];
        if (dim > 1) x[1] = ax[1][j];
        if (dim > 2) x[2] = ax[2][k];
      }
  for (int r = 0; r < deck->nregions; r++)
    snprintf(m->regions[r].name, sizeof m->regions[r].name, "%s", deck->regions[r].name);
  m->nregions = deck->nregions;

  {
    const double tol = 1e-9 * tcad_mesh_extent(m);
    /* local vertex sets of one brick's simplices, vertices as bit masks (bit a = +1 along a) */
    static const int seg[1][2] = {{0, 1}};
    static const int tri[2][3] = {{0, 1, 3}, {0, 3, 2}};
    static const int tet[6][4] = {{0, 1, 3, 7}, {0, 1, 5, 7}, {0, 2, 3, 7}, {0, 2, 6, 7}, {0, 4, 5, 7}, {0, 4, 6, 7}};
    const int per = dim == 1 ? 1 : dim == 2 ? 2 : 6;
    size_t nc = 0;
    for (int k = 0; k < (dim > 2 ? n[2] - 1 : 1); k++)
      for (int j = 0; j < (dim > 1 ? n[1] - 1 : 1); j++)
        for (int i = 0; i < n[0] - 1; i++)
          for (int s = 0; s < per; s++) {
            int v[4];
            double c[3] = {0, 0, 0};
            for (int q = 0; q < m->nvert; q++) {
              int bits = dim == 1 ? seg[s][q] : dim == 2 ? tri[s][q] : tet[s][q];
              int ii = i + (bits & 1), jj = j + ((bits >> 1) & 1), kk = k + ((bits >> 2) & 1);
              v[q] = ii + n[0] * (jj + n[1] * kk);
              for (int a = 0; a < 3; a++) c[a] += m->coord[3 * (size_t)v[q] + a] / m->nvert;
            }
            int reg = -1;
            for (int r = deck->nregions - 1; r >= 0 && reg < 0; r--)
              if (box_contains(&deck->regions[r].box, c, dim, tol)) reg = r;
            if (reg < 0) {
              m->ndropped++;
              continue;
            }
            /* Kuhn tets alternate in orientation; keep every cell positively oriented */
            memcpy(m->cell_node + nc * m->nvert, v, sizeof(int) * (size_t)m->nvert);
            m->cell_region[nc] = reg;
            if (tcad_mesh_cell_measure(m, (int)nc) < 0) {
              int t = m->cell_node[nc * m->nvert + 1];
              m->cell_node[nc * m->nvert + 1] = m->cell_node[nc * m->nvert + 2];
              m->cell_node[nc * m->nvert + 2] = t;
            }
            m->regions[reg].ncells++;
            nc++;
          }
    m->ncells = (int)nc;
  }
  if (m->ncells == 0) {
    rc = tcad_error(TCAD_ERR_INPUT,
                    "%s: no mesh cell lies inside any region box; check the region boxes against the mesh lines",
                    TcadDeckGetLocation(deck, ms->loc));
    goto cleanup;
  }
  for (int r = 0; r < deck->nregions; r++)
    if (m->regions[r].ncells == 0) {
      rc = tcad_error(TCAD_ERR_INPUT,
                      "%s: region '%s' gets no mesh cell: its box contains no cell centre (or "
                      "later regions cover it); widen the box or add mesh lines inside it",
                      TcadDeckGetLocation(deck, deck->regions[r].loc), deck->regions[r].name);
      goto cleanup;
    }
  TCAD_CALL_GOTO(rc, tcad_mesh_compact(m), cleanup);

  /* contacts: boundary faces whose nodes all lie in the contact's box */
  {
    const double tol = 1e-9 * tcad_mesh_extent(m);
    TCAD_CALL_GOTO(rc, tcad_mesh_boundary_faces(m, &nbf, &bf), cleanup);
    TCAD_ALLOC_GOTO(rc, m->contacts, (size_t)deck->ncontacts + 1, cleanup);
    for (int c = 0; c < deck->ncontacts; c++) {
      TcadMeshContact *ct = &m->contacts[c];
      snprintf(ct->name, sizeof ct->name, "%s", deck->contacts[c].name);
      int cnt = 0;
      for (int f = 0; f < nbf; f++) cnt += face_in_box(m, bf + (size_t)f * dim, &deck->contacts[c].box, tol);
      m->ncontacts++; /* counted before its arrays, so TcadMeshDestroy frees them on failure */
      TCAD_ALLOC_GOTO(rc, ct->face_node, (size_t)cnt * dim, cleanup);
      for (int f = 0; f < nbf; f++)
        if (face_in_box(m, bf + (size_t)f * dim, &deck->contacts[c].box, tol))
          memcpy(ct->face_node + (size_t)ct->nfaces++ * dim, bf + (size_t)f * dim, sizeof(int) * dim);
      TCAD_CALL_GOTO(rc, tcad_mesh_contact_nodes(ct, dim), cleanup);
    }
  }
  *mesh = m;
  m = NULL;
cleanup:
  for (int a = 0; a < 3; a++) free(ax[a]);
  free(bf);
  TcadMeshDestroy(&m);
  return rc;
}
