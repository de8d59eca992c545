/* Host assembly: the plain loops over edges, then nodes, around the TCAD_HD bodies of dd.h.
 * Serial on purpose: the sum order is fixed, so the same input gives bitwise the same
 * residual and matrix. */
#include <string.h>

#include "kernels/assemble.h"

void tcad_dd_assemble_host(const TcadDDData *D, const double *x, double *f, double *jac, double *cflux, double *fmag)
{
  memset(f, 0, sizeof(double) * (size_t)D->bs * (size_t)D->nnodes);
  if (jac) memset(jac, 0, sizeof(double) * (size_t)D->nnz);
  if (cflux) memset(cflux, 0, sizeof(double) * TCAD_DD_NCFLUX * (size_t)D->nnodes);
  if (fmag) memset(fmag, 0, sizeof(double) * (size_t)D->bs * (size_t)D->nnodes);
  for (int e = 0; e < D->nedges; e++) tcad_dd_edge(D, e, x, f, jac, fmag);
  for (int i = 0; i < D->nnodes; i++) tcad_dd_node(D, i, x, f, jac, cflux, fmag);
}

void tcad_dd_assemble_rows(const TcadDDData *D, const double *x, double *f, double *jac, double *cflux, double *fmag)
{
#pragma omp parallel for schedule(static)
  for (int i = 0; i < D->nnodes; i++) tcad_dd_row(D, i, x, f, jac, cflux, fmag);
}
