/* Deduplication of small node tuples (mesh/tuples.h). */
#include <stdlib.h>
#include <string.h>

#include "mesh/tuples.h"
#include "tcad/error.h"

void tcad_tuples_sort_small(int *a, int n)
{
  for (int i = 1; i < n; i++) {
    int v = a[i], j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static int tuple_cmp(const int *a, const int *b, int w)
{
  for (int k = 0; k < w; k++)
    if (a[k] != b[k]) return a[k] < b[k] ? -1 : 1;
  return 0;
}

int tcad_tuples_unique(int nnodes, int ntuple, int w, const int *tuples, int *nunique, int **unique, int **id,
                       int **count)
{
  int *ptr = NULL, *fill = NULL, *order = NULL, *uniq = NULL, *ids = NULL, *cnt = NULL;
  int nu = 0, rc = 0;

  TCAD_ALLOC_GOTO(rc, ptr, nnodes + 1, cleanup);
  for (int t = 0; t < ntuple; t++) ptr[tuples[(size_t)t * w] + 1]++;
  for (int n = 0; n < nnodes; n++) ptr[n + 1] += ptr[n];
  TCAD_ALLOC_GOTO(rc, order, ntuple, cleanup);
  TCAD_ALLOC_GOTO(rc, ids, ntuple, cleanup);
  TCAD_ALLOC_GOTO(rc, uniq, (size_t)ntuple * w, cleanup);
  /* counting sort by first node (stable, so the result does not depend on anything but the
   * input order) */
  TCAD_ALLOC_GOTO(rc, fill, nnodes, cleanup);
  memcpy(fill, ptr, sizeof(int) * (size_t)nnodes);
  for (int t = 0; t < ntuple; t++) order[fill[tuples[(size_t)t * w]]++] = t;
  for (int n = 0; n < nnodes; n++) {
    int b0 = ptr[n], nb = ptr[n + 1] - b0, first = nu;
    if (!nb) continue;
    /* unique tuples of this bucket, kept sorted by insertion (buckets hold a few dozen) */
    for (int k = 0; k < nb; k++) {
      const int *tp = tuples + (size_t)order[b0 + k] * w;
      int pos = first, found = 0;
      while (pos < nu) {
        int c = tuple_cmp(uniq + (size_t)pos * w, tp, w);
        if (c == 0) {
          found = 1;
          break;
        }
        if (c > 0) break;
        pos++;
      }
      if (!found) {
        memmove(uniq + (size_t)(pos + 1) * w, uniq + (size_t)pos * w, sizeof(int) * (size_t)(nu - pos) * w);
        memcpy(uniq + (size_t)pos * w, tp, sizeof(int) * (size_t)w);
        nu++;
      }
    }
    /* assign ids: a linear scan of the bucket's (small) sorted unique list */
    for (int k = 0; k < nb; k++) {
      int t = order[b0 + k];
      const int *tp = tuples + (size_t)t * w;
      int pos = first;
      while (tuple_cmp(uniq + (size_t)pos * w, tp, w) != 0) pos++;
      ids[t] = pos;
    }
  }
  if (count) {
    TCAD_ALLOC_GOTO(rc, cnt, nu, cleanup);
    for (int t = 0; t < ntuple; t++) cnt[ids[t]]++;
    *count = cnt;
    cnt = NULL;
  }
  *nunique = nu;
  *unique = uniq;
  *id = ids;
  uniq = ids = NULL;
cleanup:
  free(ptr), free(fill), free(order), free(uniq), free(ids), free(cnt);
  return rc;
}
