/* The Jacobian's pattern: node i couples to itself and its edge neighbours, in blocks of bs×bs.
 * Built once per mesh, with what the assembly needs to write into it without searching: the
 * bases of each edge's four blocks (the edge → slot map, which makes a GPU scatter
 * deterministic), the rows' offsets and lengths, and the node → incident-edges lists the row-wise
 * assembly walks. A contact driven in current or through a resistance adds its couplings
 * (solver/sim_internal.h, TcadSimContact). */
#include <limits.h>
#include <stdlib.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"

/* The largest Jacobian the 32-bit offsets can index: PETSc's PetscInt on this build, the CSR
 * offsets of the host and device matrices (rowptr, row_start, edge_base) and cuSPARSE/cuDSS's
 * 32-bit index types. tcad_sim_set_index_limit lowers it for tests. */
static long long g_index_limit = INT_MAX;

void tcad_sim_set_index_limit(long long limit) { g_index_limit = limit > 0 && limit < INT_MAX ? limit : INT_MAX; }

static int too_large(const TcadSim *s, long long nnz, const char *what)
{
  return tcad_error(TCAD_ERR_INPUT,
                    "the mesh is too large for this build: its Jacobian would hold %s%lld nonzeros (%d nodes, %d "
                    "unknowns per node), more than the %lld that 32-bit matrix offsets can index (PETSc's "
                    "PetscInt, the host and GPU matrices); use a coarser mesh, drift-diffusion (3 unknowns per "
                    "node instead of 5), or split the device",
                    what, nnz, s->nnodes, s->bs, g_index_limit);
}

static int cmp_int(const void *a, const void *b)
{
  const int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static int find_block(const int *cols, int n, int c)
{
  int lo = 0, hi = n - 1;
  while (lo <= hi) {
    const int mid = (lo + hi) / 2;
    if (cols[mid] == c) return mid;
    if (cols[mid] < c)
      lo = mid + 1;
    else
      hi = mid - 1;
  }
  return -1;
}

/* The scalar CSR follows the block pattern: rows bs·i .. bs·i+bs−1 each hold bs entries per block
 * of block row i, block columns ascending. */
int tcad_sim_pattern(TcadSim *s)
{
  const TcadGeometry *g = s->geom;
  TcadAsmData *D = &s->D;
  const int n = s->nnodes, bs = s->bs;
  int *deg = NULL, *bptr = NULL, *bcol = NULL, *fill = NULL, *extra = NULL, e = 0;
  TCAD_ALLOC_GOTO(e, deg, n + 1, cleanup);
  for (int k = 0; k < g->nedges; k++) deg[g->edge_i[k]]++, deg[g->edge_j[k]]++;
  TCAD_ALLOC_GOTO(e, extra, n, cleanup);
  /* a floating contact's root row spans its nodes' rows; each of its nodes' rows has the root */
  for (int c = 0; c < s->ncontacts; c++) {
    const TcadSimContact *sc = &s->contacts[c];
    if (!sc->floating) continue;
    const TcadMeshContact *mc = &s->mesh->contacts[sc->mesh_index];
    for (int q = 0; q < mc->nnodes; q++) extra[sc->root] += deg[mc->node[q]] + 1, extra[mc->node[q]]++;
  }
  /* checked in 64 bits before anything Jacobian-sized is allocated: first the block count with
   * an edge in two regions counted twice (bptr's own range), then the deduplicated nonzeros */
  long long blocks = n;
  for (int i = 0; i < n; i++) blocks += deg[i] + extra[i];
  if (blocks > INT_MAX) {
    e = too_large(s, (long long)bs * bs * blocks, "up to ");
    goto cleanup;
  }
  TCAD_ALLOC_GOTO(e, bptr, n + 1, cleanup);
  for (int i = 0; i < n; i++) bptr[i + 1] = bptr[i] + deg[i] + 1 + extra[i];
  TCAD_ALLOC_GOTO(e, bcol, bptr[n], cleanup);
  TCAD_ALLOC_GOTO(e, fill, n, cleanup);
  for (int i = 0; i < n; i++) bcol[bptr[i]] = i, fill[i] = 1;
  for (int k = 0; k < g->nedges; k++) {
    const int i = g->edge_i[k], j = g->edge_j[k];
    bcol[bptr[i] + fill[i]++] = j;
    bcol[bptr[j] + fill[j]++] = i;
  }
  for (int c = 0; c < s->ncontacts; c++) {
    const TcadSimContact *sc = &s->contacts[c];
    if (!sc->floating) continue;
    const TcadMeshContact *mc = &s->mesh->contacts[sc->mesh_index];
    const int r = sc->root;
    for (int q = 0; q < mc->nnodes; q++) {
      const int k = mc->node[q], m = fill[k];
      for (int b = 0; b < m; b++) bcol[bptr[r] + fill[r]++] = bcol[bptr[k] + b];
    }
    for (int q = 0; q < mc->nnodes; q++) bcol[bptr[mc->node[q]] + fill[mc->node[q]]++] = r;
  }
  /* sort and deduplicate each block row in place (an edge in two regions appears twice) */
  int w = 0;
  for (int i = 0; i < n; i++) {
    int *c = bcol + bptr[i], m = fill[i], u = 0;
    qsort(c, (size_t)m, sizeof(int), cmp_int);
    for (int k = 0; k < m; k++)
      if (k == 0 || c[k] != c[k - 1]) bcol[w + u++] = c[k];
    bptr[i] = w;
    fill[i] = u;
    w += u;
  }
  bptr[n] = w;
  if ((long long)bs * bs * w > g_index_limit) {
    e = too_large(s, (long long)bs * bs * w, "");
    goto cleanup;
  }
  s->nnz = D->nnz = bs * bs * w;
  TCAD_ALLOC_GOTO(e, s->rowptr, (size_t)bs * n + 1, cleanup);
  TCAD_ALLOC_GOTO(e, s->col, s->nnz, cleanup);
  for (int i = 0; i < n; i++) {
    const int nb = fill[i], start = bs * bs * bptr[i];
    D->row_start[i] = start;
    D->row_len[i] = bs * nb;
    D->node_diag[i] = start + bs * find_block(bcol + bptr[i], nb, i);
    for (int r = 0; r < bs; r++) {
      s->rowptr[bs * i + r] = start + r * bs * nb;
      for (int k = 0; k < nb; k++)
        for (int c = 0; c < bs; c++) s->col[start + r * bs * nb + bs * k + c] = bs * bcol[bptr[i] + k] + c;
    }
  }
  s->rowptr[bs * n] = s->nnz;
  for (int k = 0; k < g->nedges; k++) {
    const int i = g->edge_i[k], j = g->edge_j[k];
    const int *ci = bcol + bptr[i], *cj = bcol + bptr[j];
    D->edge_base[4 * k + 0] = D->node_diag[i];
    D->edge_base[4 * k + 1] = D->row_start[i] + bs * find_block(ci, fill[i], j);
    D->edge_base[4 * k + 2] = D->row_start[j] + bs * find_block(cj, fill[j], i);
    D->edge_base[4 * k + 3] = D->node_diag[j];
  }
  size_t acc_len = 0;
  /* where the drive equations write: each contact node's blocks in the root row, the root in
   * each contact node's row */
  for (int c = 0; c < s->ncontacts; c++) {
    TcadSimContact *sc = &s->contacts[c];
    if (!sc->floating) continue;
    const TcadMeshContact *mc = &s->mesh->contacts[sc->mesh_index];
    const int r = sc->root, nk = mc->nnodes;
    TCAD_ALLOC_GOTO(e, sc->slot_start, nk + 1, cleanup);
    TCAD_ALLOC_GOTO(e, sc->root_slot, nk, cleanup);
    for (int q = 0; q < nk; q++) sc->slot_start[q + 1] = sc->slot_start[q] + fill[mc->node[q]];
    TCAD_ALLOC_GOTO(e, sc->slot, sc->slot_start[nk], cleanup);
    for (int q = 0; q < nk; q++) {
      const int k = mc->node[q];
      for (int b = 0; b < fill[k]; b++)
        sc->slot[sc->slot_start[q] + b] = find_block(bcol + bptr[r], fill[r], bcol[bptr[k] + b]);
      sc->root_slot[q] = find_block(bcol + bptr[k], fill[k], r);
    }
    if ((size_t)D->row_len[r] > acc_len) acc_len = (size_t)D->row_len[r];
  }
  if (acc_len) TCAD_ALLOC_GOTO(e, s->drive_acc, acc_len, cleanup);
  /* node → incident edges, ascending (deg[] still holds the degrees): the row-wise assembly */
  D->node_edge_start[0] = 0;
  for (int i = 0; i < n; i++) D->node_edge_start[i + 1] = D->node_edge_start[i] + deg[i];
  for (int i = 0; i < n; i++) fill[i] = D->node_edge_start[i];
  for (int k = 0; k < g->nedges; k++) D->node_edges[fill[g->edge_i[k]]++] = k, D->node_edges[fill[g->edge_j[k]]++] = k;
cleanup:
  free(deg), free(bptr), free(bcol), free(fill), free(extra);
  return e;
}
