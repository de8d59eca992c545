/* Linear-time deduplication of small node tuples (edges, faces) by bucketing on their first
 * node: the geometry and boundary extraction must stay linear in the node count, which a
 * global sort would not be. */
#ifndef TCAD_MESH_TUPLES_H
#define TCAD_MESH_TUPLES_H

/* `tuples` holds `ntuple` tuples of width `w` (1..3), each sorted ascending, node ids in
 * [0, nnodes). Outputs (allocated here, caller frees; nothing is allocated on failure):
 *   *nunique, *unique (nunique*w, sorted lexicographically), *id (ntuple: index into unique),
 *   *count (nunique: how many input tuples map to it; pass NULL to skip). */
int tcad_tuples_unique(int nnodes, int ntuple, int w, const int *tuples, int *nunique, int **unique, int **id,
                       int **count);

/* Sort a short int array in place (insertion sort; tuples and buckets are tiny). */
void tcad_tuples_sort_small(int *a, int n);
#endif
