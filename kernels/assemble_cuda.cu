/* CUDA assembly of the residual and Jacobian: the arrays of a TcadAsmData live on the device
 * (TCAD_ASM_ARRAYS, uploaded once per mesh), one thread computes one block row with
 * tcad_asm_row_bs (kernels/asm.h, the same code the host's row loop runs), so every entry has
 * one writer and a fixed summation order: the same input gives bitwise the same matrix on
 * every run. Transfers are explicit calls, each timed: TcadCudaAsmUpload (state and contact
 * values up), TcadCudaAsmAssemble (the kernel; results stay on the device),
 * TcadCudaAsmDownload (residual, contact fluxes, term sizes down), TcadCudaAsmJacobianToHost.
 * The Jacobian stays on the device as CSR (cuSPARSE SpMV for the Newton MATSHELL, and the
 * device linear solver reads it in place). */
#include <cstdio>
#include <cstring>
#include <new>

#include "kernels/asm.h"
#include "kernels/cuda.h"
#include "kernels/cuda_check.h"
#include "kernels/cuda_launch.cuh"

struct TcadCudaAsm {
  TcadAsmData d;     /* device pointers (TCAD_ASM_ARRAYS), parameters refreshed per assembly */
  int *rowptr, *col; /* scalar CSR pattern */
  double *x, *f, *jac, *cflux, *fmag, *vin, *vout;
  int have_jac;      /* jac holds the Jacobian of the last assembly */
  int have_f;        /* f (and the fluxes asked for) hold the last assembly's */
  TcadCudaRows rows; /* TcadCudaAsmSetRows */
  cusparseHandle_t sp;
  cusparseSpMatDescr_t A;
  cusparseDnVecDescr_t vx, vy;
  void *spbuf;
  cudaEvent_t ev0, ev1;
};

/* A device array of count elements, copied from src when src is not NULL (T may be const). */
template <typename T, typename S> static int dev_array(T **dst, const S *src, size_t count)
{
  void *p = NULL;
  *dst = NULL;
  TCAD_CUDA_CALL(cudaMalloc(&p, (count ? count : 1) * sizeof(T)));
  *dst = (T *)p;
  if (src && count) TCAD_CUDA_CALL(cudaMemcpy(p, (const void *)src, count * sizeof(T), cudaMemcpyHostToDevice));
  return 0;
}

#define TCAD_ASM_ROWS_THREADS 128

extern "C" void TcadCudaAsmDestroy(TcadCudaAsm **cp)
{
  TcadCudaAsm *c = *cp;
  if (!c) return;
#define TCAD_ASM_DEV_FREE(type, name, per, mult, owned)                                                                \
  if (c->d.name) cudaFree((void *)c->d.name);
  TCAD_ASM_ARRAYS(TCAD_ASM_DEV_FREE)
#undef TCAD_ASM_DEV_FREE
  void *ptrs[] = {c->rowptr, c->col, c->x, c->f, c->jac, c->cflux, c->fmag, c->vin, c->vout, c->spbuf};
  for (size_t k = 0; k < sizeof ptrs / sizeof ptrs[0]; k++)
    if (ptrs[k]) cudaFree(ptrs[k]);
  if (c->A) cusparseDestroySpMat(c->A);
  if (c->vx) cusparseDestroyDnVec(c->vx);
  if (c->vy) cusparseDestroyDnVec(c->vy);
  if (c->sp) cusparseDestroy(c->sp);
  if (c->ev0) cudaEventDestroy(c->ev0);
  if (c->ev1) cudaEventDestroy(c->ev1);
  delete c;
  *cp = NULL;
}

static int create(const TcadAsmData *D, const int *rowptr, const int *col, TcadCudaAsm *c)
{
  const size_t nb = (size_t)D->bs * D->nnodes;
  TcadAsmData *d = &c->d;
  *d = *D;
#define TCAD_ASM_DEV_NULL(type, name, per, mult, owned) d->name = NULL;
  TCAD_ASM_ARRAYS(TCAD_ASM_DEV_NULL)
#undef TCAD_ASM_DEV_NULL
#define TCAD_ASM_DEV_UPLOAD(type, name, per, mult, owned)                                                              \
  TCAD_CALL(dev_array(&d->name, D->name, tcad_asm_count(D, per, mult)));
  TCAD_ASM_ARRAYS(TCAD_ASM_DEV_UPLOAD)
#undef TCAD_ASM_DEV_UPLOAD
  TCAD_CALL(dev_array(&c->rowptr, rowptr, nb + 1));
  TCAD_CALL(dev_array(&c->col, col, (size_t)D->nnz));
  TCAD_CALL(dev_array(&c->x, (const double *)NULL, nb));
  TCAD_CALL(dev_array(&c->f, (const double *)NULL, nb));
  TCAD_CALL(dev_array(&c->jac, (const double *)NULL, (size_t)D->nnz));
  TCAD_CALL(dev_array(&c->cflux, (const double *)NULL, TCAD_ASM_NCFLUX * (size_t)D->nnodes));
  TCAD_CALL(dev_array(&c->fmag, (const double *)NULL, nb));
  TCAD_CALL(dev_array(&c->vin, (const double *)NULL, nb));
  TCAD_CALL(dev_array(&c->vout, (const double *)NULL, nb));
  TCAD_CUDA_CALL(cudaEventCreate(&c->ev0));
  TCAD_CUDA_CALL(cudaEventCreate(&c->ev1));
  TCAD_CUSPARSE_CALL(cusparseCreate(&c->sp));
  const int64_t N = (int64_t)nb;
  TCAD_CUSPARSE_CALL(cusparseCreateCsr(&c->A, N, N, D->nnz, c->rowptr, c->col, c->jac, CUSPARSE_INDEX_32I,
                                       CUSPARSE_INDEX_32I, CUSPARSE_INDEX_BASE_ZERO, CUDA_R_64F));
  TCAD_CUSPARSE_CALL(cusparseCreateDnVec(&c->vx, N, c->vin, CUDA_R_64F));
  TCAD_CUSPARSE_CALL(cusparseCreateDnVec(&c->vy, N, c->vout, CUDA_R_64F));
  size_t bytes = 0;
  const double one = 1.0, zero = 0.0;
  TCAD_CUSPARSE_CALL(cusparseSpMV_bufferSize(c->sp, CUSPARSE_OPERATION_NON_TRANSPOSE, &one, c->A, c->vx, &zero, c->vy,
                                             CUDA_R_64F, CUSPARSE_SPMV_ALG_DEFAULT, &bytes));
  TCAD_CUDA_CALL(cudaMalloc(&c->spbuf, bytes ? bytes : 1));
  return 0;
}

extern "C" int TcadCudaAsmCreate(const TcadAsmData *D, const int *rowptr, const int *col, TcadCudaAsm **out)
{
  *out = NULL;
  if (!D->node_edge_start || !D->node_edges)
    return tcad_error(TCAD_ERR_INTERNAL, "GPU assembly needs the node → edge incidence");
  if (D->bs < 3 || D->bs > TCAD_ASM_MAXBS)
    return tcad_error(TCAD_ERR_INTERNAL, "GPU assembly: block size %d (expected 3, 4 or 5)", D->bs);
  TcadCudaAsm *c = new (std::nothrow) TcadCudaAsm();
  if (!c) return tcad_error(TCAD_ERR_MEM, "out of memory");
  const int e = create(D, rowptr, col, c);
  if (e) {
    TcadCudaAsmDestroy(&c);
    tcad_error_context("uploading the device data (%d nodes, %d edges, %d Jacobian entries)", D->nnodes, D->nedges,
                       D->nnz);
    return tcad_error_frame(__FILE__, __LINE__, __func__, e);
  }
  *out = c;
  return 0;
}

/* Seconds between the two events after the second has completed. */
static int elapsed(TcadCudaAsm *c, double *acc)
{
  float ms = 0;
  TCAD_CUDA_CALL(cudaEventRecord(c->ev1));
  TCAD_CUDA_CALL(cudaEventSynchronize(c->ev1));
  TCAD_CUDA_CALL(cudaEventElapsedTime(&ms, c->ev0, c->ev1));
  if (acc) *acc += 1e-3 * ms;
  return 0;
}

extern "C" int TcadCudaAsmUpload(TcadCudaAsm *c, const double *x, const double *bc_value, TcadCudaTimes *t)
{
  const size_t nb = (size_t)c->d.bs * c->d.nnodes;
  TCAD_CUDA_CALL(cudaEventRecord(c->ev0));
  TCAD_CUDA_CALL(cudaMemcpy(c->x, x, nb * sizeof(double), cudaMemcpyHostToDevice));
  if (bc_value) TCAD_CUDA_CALL(cudaMemcpy(c->d.bc_value, bc_value, nb * sizeof(double), cudaMemcpyHostToDevice));
  TCAD_CALL(elapsed(c, t ? &t->upload : NULL));
  c->have_f = 0;
  return 0;
}

extern "C" int TcadCudaAsmUploadDirections(TcadCudaAsm *c, const double *dir, TcadCudaTimes *t)
{
  TCAD_CUDA_CALL(cudaEventRecord(c->ev0));
  const size_t n = tcad_asm_count(&c->d, TCAD_PER_EDGE, 2) * sizeof(double);
  TCAD_CUDA_CALL(cudaMemcpy(c->d.edge_dir, dir, n, cudaMemcpyHostToDevice));
  TCAD_CALL(elapsed(c, t ? &t->upload : NULL));
  c->have_f = 0;
  return 0;
}

/* One block row per thread, with the block size a constant (edge record in registers). */
template <int BS> static cudaError_t launch_rows(const TcadCudaAsm *c, double *jac, double *cflux, double *fmag)
{
  const TcadAsmData D = c->d;
  const double *x = c->x;
  double *f = c->f;
  const auto body = [=] __device__(int i) { tcad_asm_row_bs(&D, BS, i, x, f, jac, cflux, fmag); };
  if (c->rows == TCAD_CUDA_ROWS_BOUNDED) return tcad_cuda_for_bounded<TCAD_ASM_ROWS_THREADS>(D.nnodes, body);
  return tcad_cuda_for(D.nnodes, body, TCAD_ASM_ROWS_THREADS);
}

/* The block size read at run time: the loops do not unroll and the edge record goes to local
 * memory (TCAD_CUDA_ROWS_GENERIC; for the benchmark). */
static cudaError_t launch_rows_any(const TcadCudaAsm *c, double *jac, double *cflux, double *fmag)
{
  const TcadAsmData D = c->d;
  const double *x = c->x;
  double *f = c->f;
  return tcad_cuda_for(
      D.nnodes, [=] __device__(int i) { tcad_asm_row(&D, i, x, f, jac, cflux, fmag); }, TCAD_ASM_ROWS_THREADS);
}

extern "C" int TcadCudaAsmAssemble(TcadCudaAsm *c, const TcadAsmParams *P, int want_jac, int want_cflux, int want_fmag,
                                   TcadCudaTimes *t)
{
  c->d.p = *P;
  double *dj = want_jac ? c->jac : NULL, *dc = want_cflux ? c->cflux : NULL, *dm = want_fmag ? c->fmag : NULL;
  TCAD_CUDA_CALL(cudaEventRecord(c->ev0));
  if (c->rows == TCAD_CUDA_ROWS_GENERIC)
    TCAD_CUDA_CALL(launch_rows_any(c, dj, dc, dm));
  else if (c->d.bs == 3)
    TCAD_CUDA_CALL(launch_rows<3>(c, dj, dc, dm));
  else if (c->d.bs == 4)
    TCAD_CUDA_CALL(launch_rows<4>(c, dj, dc, dm));
  else
    TCAD_CUDA_CALL(launch_rows<5>(c, dj, dc, dm));
  TCAD_CALL(elapsed(c, t ? &t->kernel : NULL));
  if (t) t->calls++;
  if (want_jac) c->have_jac = 1;
  c->have_f = 1 | (want_cflux ? 2 : 0) | (want_fmag ? 4 : 0);
  return 0;
}

extern "C" int TcadCudaAsmDownload(TcadCudaAsm *c, double *f, double *cflux, double *fmag, TcadCudaTimes *t)
{
  const size_t n = (size_t)c->d.nnodes, nb = (size_t)c->d.bs * n;
  if (!(c->have_f & 1) || (cflux && !(c->have_f & 2)) || (fmag && !(c->have_f & 4)))
    return tcad_error(TCAD_ERR_INTERNAL, "device residual downloaded before it was assembled at this state");
  TCAD_CUDA_CALL(cudaEventRecord(c->ev0));
  TCAD_CUDA_CALL(cudaMemcpy(f, c->f, nb * sizeof(double), cudaMemcpyDeviceToHost));
  if (cflux) TCAD_CUDA_CALL(cudaMemcpy(cflux, c->cflux, TCAD_ASM_NCFLUX * n * sizeof(double), cudaMemcpyDeviceToHost));
  if (fmag) TCAD_CUDA_CALL(cudaMemcpy(fmag, c->fmag, nb * sizeof(double), cudaMemcpyDeviceToHost));
  TCAD_CALL(elapsed(c, t ? &t->download : NULL));
  return 0;
}

extern "C" int TcadCudaAsmJacobianToHost(TcadCudaAsm *c, double *jac, TcadCudaTimes *t)
{
  if (!c->have_jac) return tcad_error(TCAD_ERR_INTERNAL, "device Jacobian copied before it was assembled");
  TCAD_CUDA_CALL(cudaEventRecord(c->ev0));
  TCAD_CUDA_CALL(cudaMemcpy(jac, c->jac, (size_t)c->d.nnz * sizeof(double), cudaMemcpyDeviceToHost));
  TCAD_CALL(elapsed(c, t ? &t->jac_copy : NULL));
  return 0;
}

extern "C" int TcadCudaAsmMatMult(TcadCudaAsm *c, const double *x, double *y, TcadCudaTimes *t)
{
  if (!c->have_jac) return tcad_error(TCAD_ERR_INTERNAL, "device Jacobian used before it was assembled");
  const size_t N = (size_t)c->d.bs * c->d.nnodes;
  const double one = 1.0, zero = 0.0;
  TCAD_CUDA_CALL(cudaEventRecord(c->ev0));
  TCAD_CUDA_CALL(cudaMemcpy(c->vin, x, N * sizeof(double), cudaMemcpyHostToDevice));
  TCAD_CUSPARSE_CALL(cusparseSpMV(c->sp, CUSPARSE_OPERATION_NON_TRANSPOSE, &one, c->A, c->vx, &zero, c->vy, CUDA_R_64F,
                                  CUSPARSE_SPMV_ALG_DEFAULT, c->spbuf));
  TCAD_CUDA_CALL(cudaMemcpy(y, c->vout, N * sizeof(double), cudaMemcpyDeviceToHost));
  TCAD_CALL(elapsed(c, t ? &t->matmult : NULL));
  return 0;
}

extern "C" size_t TcadCudaAsmGetBytes(const TcadCudaAsm *c)
{
  const TcadAsmData *d = &c->d;
  const size_t n = (size_t)d->nnodes, nb = (size_t)d->bs * n, nnz = (size_t)d->nnz;
  size_t bytes = 0;
#define TCAD_ASM_DEV_BYTES(type, name, per, mult, owned) bytes += tcad_asm_count(d, per, mult) * sizeof(type);
  TCAD_ASM_ARRAYS(TCAD_ASM_DEV_BYTES)
#undef TCAD_ASM_DEV_BYTES
  /* the pattern, the Jacobian values, x, f, fmag, SpMV in and out, contact fluxes */
  return bytes + (nb + 1 + nnz) * sizeof(int) + nnz * sizeof(double) + (5 * nb + TCAD_ASM_NCFLUX * n) * sizeof(double);
}

extern "C" int TcadCudaAsmSetRows(TcadCudaAsm *c, TcadCudaRows which)
{
  if ((int)which < 0 || (int)which >= TCAD_CUDA_ROWS_N)
    return tcad_error(TCAD_ERR_INTERNAL, "GPU assembly: no row kernel %d", (int)which);
  c->rows = which;
  return 0;
}

extern "C" const double *TcadCudaAsmGetJacobianDevice(const TcadCudaAsm *c) { return c && c->have_jac ? c->jac : NULL; }
