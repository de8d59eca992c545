/* Stand-in for the CUDA backend when the build had no nvcc. */
#include <stdio.h>
#include <string.h>

#include "kernels/cuda.h"
#include "tcad/error.h"

void tcad_cuda_query(TcadCudaInfo *info)
{
  memset(info, 0, sizeof *info);
  snprintf(info->why, sizeof info->why, "tcad was built without CUDA (nvcc not found at build time)");
}

int TcadCudaBernoulli(int n, const double *x, double *b, double *dbdx)
{
  (void)n, (void)x, (void)b, (void)dbdx;
  return tcad_error(TCAD_ERR_CUDA, "tcad was built without CUDA (nvcc not found at build time)");
}
