/* Host assembly: the plain loops over edges, then nodes, around the TCAD_HD bodies of
 * kernels/asm.h. The edge loop is serial on purpose: the sum order is fixed, so the same input
 * gives bitwise the same residual and matrix; the row loop gives the same bits in parallel. */
#include <string.h>

#include "kernels/assemble.h"

void tcad_asm_host_edges(const TcadAsmData *D, const double *x, double *f, double *jac, double *cflux, double *fmag)
{
  memset(f, 0, sizeof(double) * (size_t)D->bs * (size_t)D->nnodes);
  if (jac) memset(jac, 0, sizeof(double) * (size_t)D->nnz);
  if (cflux) memset(cflux, 0, sizeof(double) * TCAD_ASM_NCFLUX * (size_t)D->nnodes);
  if (fmag) memset(fmag, 0, sizeof(double) * (size_t)D->bs * (size_t)D->nnodes);
  for (int e = 0; e < D->nedges; e++) tcad_asm_edge(D, e, x, f, jac, fmag);
  for (int i = 0; i < D->nnodes; i++) tcad_asm_node(D, i, x, f, jac, cflux, fmag);
}

void tcad_asm_host_rows(const TcadAsmData *D, const double *x, double *f, double *jac, double *cflux, double *fmag)
{
#pragma omp parallel for schedule(static)
  for (int i = 0; i < D->nnodes; i++) tcad_asm_row(D, i, x, f, jac, cflux, fmag);
}
