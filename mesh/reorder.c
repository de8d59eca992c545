/* Renumber nodes along a Morton (Z-order) curve and cells by their lowest node, so that
 * neighbouring nodes sit close in memory. Gmsh numbers nodes in meshing order, which scatters
 * neighbours across the arrays: every edge loop then misses the cache (the measured cost: see
 * docs/dev-notes.md, "2026-11-23 — foundation"). Linear: radix sort on 64-bit keys, counting
 * sort for the cells. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/mesh_internal.h"
#include "tcad/error.h"

/* spread the low 21 bits of v so that two zero bits separate each (3D interleave) */
static uint64_t spread3(uint64_t v)
{
  v &= 0x1fffff;
  v = (v | v << 32) & 0x1f00000000ffffULL;
  v = (v | v << 16) & 0x1f0000ff0000ffULL;
  v = (v | v << 8) & 0x100f00f00f00f00fULL;
  v = (v | v << 4) & 0x10c30c30c30c30c3ULL;
  v = (v | v << 2) & 0x1249249249249249ULL;
  return v;
}

/* Sort key[] ascending (stable, 8 passes of 8 bits), carrying idx[] along. */
static int radix_sort_keys(uint64_t *key, int *idx, int n)
{
  uint64_t *k2 = NULL;
  int *i2 = NULL, rc = 0;
  TCAD_ALLOC_GOTO(rc, k2, n, cleanup);
  TCAD_ALLOC_GOTO(rc, i2, n, cleanup);
  for (int pass = 0; pass < 8; pass++) {
    size_t cnt[257] = {0};
    int sh = 8 * pass;
    for (int i = 0; i < n; i++) cnt[((key[i] >> sh) & 0xff) + 1]++;
    for (int b = 0; b < 256; b++) cnt[b + 1] += cnt[b];
    for (int i = 0; i < n; i++) {
      size_t d = cnt[(key[i] >> sh) & 0xff]++;
      k2[d] = key[i], i2[d] = idx[i];
    }
    memcpy(key, k2, sizeof(uint64_t) * (size_t)n);
    memcpy(idx, i2, sizeof(int) * (size_t)n);
  }
cleanup:
  free(k2), free(i2);
  return rc;
}

int tcad_mesh_reorder(TcadMesh *m)
{
  const int nn = m->nnodes, nc = m->ncells, nv = m->nvert;
  double lo[3] = {HUGE_VAL, HUGE_VAL, HUGE_VAL}, hi[3] = {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
  uint64_t *key = NULL;
  int *old_of = NULL, *new_of = NULL, *cn = NULL, *cr = NULL, *ptr = NULL, rc = 0;
  double *xc = NULL;
  TCAD_ALLOC_GOTO(rc, key, nn, cleanup);
  TCAD_ALLOC_GOTO(rc, old_of, nn, cleanup);
  TCAD_ALLOC_GOTO(rc, new_of, nn, cleanup);
  TCAD_ALLOC_GOTO(rc, xc, 3 * (size_t)nn, cleanup);
  TCAD_ALLOC_GOTO(rc, cn, (size_t)nc * nv, cleanup);
  TCAD_ALLOC_GOTO(rc, cr, nc, cleanup);
  TCAD_ALLOC_GOTO(rc, ptr, (size_t)nn + 1, cleanup);
  for (int n = 0; n < nn; n++)
    for (int a = 0; a < 3; a++) lo[a] = fmin(lo[a], m->coord[3 * n + a]), hi[a] = fmax(hi[a], m->coord[3 * n + a]);
  for (int n = 0; n < nn; n++) {
    uint64_t k = 0;
    for (int a = 0; a < m->dim; a++) {
      double span = hi[a] > lo[a] ? hi[a] - lo[a] : 1.0;
      uint64_t q = (uint64_t)((m->coord[3 * n + a] - lo[a]) / span * 2097151.0);
      k |= spread3(q) << a;
    }
    key[n] = k, old_of[n] = n;
  }
  TCAD_CALL_GOTO(rc, radix_sort_keys(key, old_of, nn), cleanup);
  for (int n = 0; n < nn; n++) {
    new_of[old_of[n]] = n;
    memcpy(xc + 3 * (size_t)n, m->coord + 3 * (size_t)old_of[n], 3 * sizeof(double));
  }
  memcpy(m->coord, xc, sizeof(double) * 3 * (size_t)nn);
  for (size_t k = 0; k < (size_t)nc * nv; k++) m->cell_node[k] = new_of[m->cell_node[k]];
  for (int c = 0; c < m->ncontacts; c++) {
    TcadMeshContact *ct = &m->contacts[c];
    for (size_t k = 0; k < (size_t)ct->nfaces * m->dim; k++) ct->face_node[k] = new_of[ct->face_node[k]];
    TCAD_CALL_GOTO(rc, tcad_mesh_contact_nodes(ct, m->dim), cleanup);
  }
  /* cells by lowest node (stable counting sort); vertex order inside a cell is kept */
  for (int c = 0; c < nc; c++) {
    int lowest = m->cell_node[(size_t)c * nv];
    for (int q = 1; q < nv; q++)
      lowest = m->cell_node[(size_t)c * nv + q] < lowest ? m->cell_node[(size_t)c * nv + q] : lowest;
    ptr[lowest + 1]++;
  }
  for (int n = 0; n < nn; n++) ptr[n + 1] += ptr[n];
  for (int c = 0; c < nc; c++) {
    int lowest = m->cell_node[(size_t)c * nv];
    for (int q = 1; q < nv; q++)
      lowest = m->cell_node[(size_t)c * nv + q] < lowest ? m->cell_node[(size_t)c * nv + q] : lowest;
    int d = ptr[lowest]++;
    memcpy(cn + (size_t)d * nv, m->cell_node + (size_t)c * nv, sizeof(int) * (size_t)nv);
    cr[d] = m->cell_region[c];
  }
  memcpy(m->cell_node, cn, sizeof(int) * (size_t)nc * nv);
  memcpy(m->cell_region, cr, sizeof(int) * (size_t)nc);
cleanup:
  free(key), free(old_of), free(new_of), free(xc), free(cn), free(cr), free(ptr);
  return rc;
}
