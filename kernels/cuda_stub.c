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

#define TCAD_NO_CUDA tcad_error(TCAD_ERR_CUDA, "tcad was built without CUDA (nvcc not found at build time)")

int TcadCudaSelectDevice(int index)
{
  (void)index;
  return TCAD_NO_CUDA;
}

int TcadCudaPhysicsProbe(int which, int n, const double *in, double *out)
{
  (void)which, (void)n, (void)in, (void)out;
  return TCAD_NO_CUDA;
}

int TcadCudaAsmCreate(const TcadAsmData *D, const int *rowptr, const int *col, TcadCudaAsm **c)
{
  (void)D, (void)rowptr, (void)col;
  *c = NULL;
  return TCAD_NO_CUDA;
}

void TcadCudaAsmDestroy(TcadCudaAsm **c) { *c = NULL; }

int TcadCudaAsmUpload(TcadCudaAsm *c, const double *x, const double *bc_value, TcadCudaTimes *t)
{
  (void)c, (void)x, (void)bc_value, (void)t;
  return TCAD_NO_CUDA;
}

int TcadCudaAsmUploadDirections(TcadCudaAsm *c, const double *dir, TcadCudaTimes *t)
{
  (void)c, (void)dir, (void)t;
  return TCAD_NO_CUDA;
}

int TcadCudaAsmAssemble(TcadCudaAsm *c, const TcadAsmParams *P, int want_jac, int want_cflux, int want_fmag,
                        TcadCudaTimes *t)
{
  (void)c, (void)P, (void)want_jac, (void)want_cflux, (void)want_fmag, (void)t;
  return TCAD_NO_CUDA;
}

int TcadCudaAsmDownload(TcadCudaAsm *c, double *f, double *cflux, double *fmag, TcadCudaTimes *t)
{
  (void)c, (void)f, (void)cflux, (void)fmag, (void)t;
  return TCAD_NO_CUDA;
}

int TcadCudaAsmJacobianToHost(TcadCudaAsm *c, double *jac, TcadCudaTimes *t)
{
  (void)c, (void)jac, (void)t;
  return TCAD_NO_CUDA;
}

int TcadCudaAsmMatMult(TcadCudaAsm *c, const double *x, double *y, TcadCudaTimes *t)
{
  (void)c, (void)x, (void)y, (void)t;
  return TCAD_NO_CUDA;
}

size_t TcadCudaAsmGetBytes(const TcadCudaAsm *c)
{
  (void)c;
  return 0;
}

int TcadCudaAsmSetRows(TcadCudaAsm *c, TcadCudaRows which)
{
  (void)c, (void)which;
  return TCAD_NO_CUDA;
}

const double *TcadCudaAsmGetJacobianDevice(const TcadCudaAsm *c)
{
  (void)c;
  return NULL;
}

int TcadCudaLinCreate(int bs, int nnodes, const int *rowptr, const int *col, TcadCudaLin **l)
{
  (void)bs, (void)nnodes, (void)rowptr, (void)col;
  *l = NULL;
  return TCAD_NO_CUDA;
}

void TcadCudaLinDestroy(TcadCudaLin **l) { *l = NULL; }

int TcadCudaLinSetup(TcadCudaLin *l, const double *values, int on_device, int scale, int what, int *zero_pivot)
{
  (void)l, (void)values, (void)on_device, (void)scale, (void)what, (void)zero_pivot;
  return TCAD_NO_CUDA;
}

int TcadCudaLinSolve(TcadCudaLin *l, const struct TcadKrylovOpts *opt, const double *b, double *x,
                     struct TcadKrylovResult *res, double *true_rel)
{
  (void)l, (void)opt, (void)b, (void)x, (void)res, (void)true_rel;
  return TCAD_NO_CUDA;
}

int TcadCudaLinHasCudss(const TcadCudaLin *l)
{
  (void)l;
  return 0;
}

const char *TcadCudaLinGetCudssWhy(const TcadCudaLin *l)
{
  (void)l;
  return "tcad was built without CUDA (nvcc not found at build time)";
}

int TcadCudaLinDirect(TcadCudaLin *l, const double *b, double *x, double tol, double *true_rel, int *refine_steps)
{
  (void)l, (void)b, (void)x, (void)tol, (void)true_rel, (void)refine_steps;
  return TCAD_NO_CUDA;
}

void TcadCudaLinGetDirectInfo(const TcadCudaLin *l, long long *lu_nnz, int *npivots)
{
  (void)l;
  *lu_nnz = 0, *npivots = 0;
}

int TcadCudaUpload(const void *host, size_t bytes, void **dev)
{
  (void)host, (void)bytes;
  *dev = NULL;
  return TCAD_NO_CUDA;
}

void TcadCudaRelease(void *dev) { (void)dev; }
