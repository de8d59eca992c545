/* CUDA assembly of the drift-diffusion residual and Jacobian: the mesh-constant arrays of a
 * TcadAsmData live on the device (uploaded once per mesh), one thread computes one block row
 * with tcad_asm_row (kernels/asm.h, the same code the host's row loop runs), so every entry has
 * one writer and a fixed summation order: the same input gives bitwise the same matrix on
 * every run. The Jacobian stays on the device as CSR (cuSPARSE SpMV for the MATSHELL); the
 * residual, contact fluxes and, on request, a host copy of the Jacobian come back. */
#include <cstdio>
#include <cstring>
#include <new>

#include "kernels/cuda_check.h"
#include "kernels/cuda.h"
#include "kernels/asm.h"

#define CK TCAD_CUDA_CHECK
#define CKS TCAD_CUSPARSE_CHECK

struct TcadCudaAsm {
  TcadAsmData d; /* device pointers, parameters refreshed per call */
  int n, bs, nedges, nnz, nedge_incidences;
  /* owned device arrays (also referenced from d) */
  int *edge_i, *edge_j, *edge_base, *row_start, *row_len, *node_diag, *node_edge_start, *node_edges;
  double *edge_coupling, *edge_length, *edge_eps, *edge_mu0, *node_vsemi, *node_fixed, *node_tau, *bc_value;
  unsigned char *edge_semi, *node_semi, *node_bc;
  int *rowptr, *col;
  double *x, *f, *jac, *cflux, *fmag, *vin, *vout;
  int have_jac; /* jac holds the Jacobian of the last assembly */
  TcadCudaRows rows; /* TcadCudaAsmSetRows */
  cusparseHandle_t sp;
  cusparseSpMatDescr_t A;
  cusparseDnVecDescr_t vx, vy;
  void *spbuf;
  cudaEvent_t ev0, ev1;
};

template <typename T> static int upload(T **dst, const T *src, size_t count)
{
  *dst = NULL;
  const size_t bytes = (count ? count : 1) * sizeof(T);
  CK(cudaMalloc((void **)dst, bytes));
  if (src && count) CK(cudaMemcpy(*dst, src, count * sizeof(T), cudaMemcpyHostToDevice));
  return 0;
}

#define TCAD_ROWS_THREADS 128

/* One instance per block size: with BS a constant the row body unrolls and its edge record
 * stays in registers (kernels/asm.h, tcad_asm_row_bs). */
template <int BS>
__global__ static void dd_rows_kernel(const TcadAsmData D, const double *x, double *f, double *jac, double *cflux,
                                      double *fmag)
{
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < D.nnodes; i += blockDim.x * gridDim.x)
    tcad_asm_row_bs(&D, BS, i, x, f, jac, cflux, fmag);
}

/* The same, at most 128 registers (4 blocks of 128 threads per SM; TCAD_CUDA_ROWS_BOUNDED). */
template <int BS>
__global__ static void __launch_bounds__(TCAD_ROWS_THREADS, 4)
    dd_rows_kernel_bounded(const TcadAsmData D, const double *x, double *f, double *jac, double *cflux, double *fmag)
{
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < D.nnodes; i += blockDim.x * gridDim.x)
    tcad_asm_row_bs(&D, BS, i, x, f, jac, cflux, fmag);
}

/* The block size read at run time: the loops over the unknowns do not unroll and the edge
 * record goes to local memory (TCAD_CUDA_ROWS_GENERIC; for the benchmark). */
__global__ static void dd_rows_kernel_any(const TcadAsmData D, const double *x, double *f, double *jac, double *cflux,
                                          double *fmag)
{
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < D.nnodes; i += blockDim.x * gridDim.x)
    tcad_asm_row(&D, i, x, f, jac, cflux, fmag);
}

extern "C" void TcadCudaAsmDestroy(TcadCudaAsm **cp)
{
  TcadCudaAsm *c = *cp;
  if (!c) return;
  void *ptrs[] = {c->edge_i, c->edge_j, c->edge_base, c->row_start, c->row_len, c->node_diag, c->node_edge_start,
                  c->node_edges, c->edge_coupling, c->edge_length, c->edge_eps, c->edge_mu0, c->node_vsemi,
                  c->node_fixed, c->node_tau, c->bc_value, c->edge_semi, c->node_semi, c->node_bc, c->rowptr,
                  c->col, c->x, c->f, c->jac, c->cflux, c->fmag, c->vin, c->vout, c->spbuf};
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
  const int n = D->nnodes, ne = D->nedges;
  const size_t nb = (size_t)D->bs * n;
  c->n = n, c->bs = D->bs, c->nedges = ne, c->nnz = D->nnz, c->nedge_incidences = D->node_edge_start[n];
  if (upload(&c->edge_i, D->edge_i, ne) || upload(&c->edge_j, D->edge_j, ne) ||
      upload(&c->edge_base, D->edge_base, 4 * (size_t)ne) || upload(&c->row_start, D->row_start, n) ||
      upload(&c->row_len, D->row_len, n) || upload(&c->node_diag, D->node_diag, n) ||
      upload(&c->node_edge_start, D->node_edge_start, (size_t)n + 1) ||
      upload(&c->node_edges, D->node_edges, (size_t)c->nedge_incidences) ||
      upload(&c->edge_coupling, D->edge_coupling, ne) || upload(&c->edge_length, D->edge_length, ne) ||
      upload(&c->edge_eps, D->edge_eps, ne) || upload(&c->edge_mu0, D->edge_mu0, 2 * (size_t)ne) ||
      upload(&c->node_vsemi, D->node_vsemi, n) || upload(&c->node_fixed, D->node_fixed, n) ||
      upload(&c->node_tau, D->node_tau, 2 * (size_t)n) || upload(&c->bc_value, D->bc_value, nb) ||
      upload(&c->edge_semi, D->edge_semi, ne) || upload(&c->node_semi, D->node_semi, n) ||
      upload(&c->node_bc, D->node_bc, n) || upload(&c->rowptr, rowptr, nb + 1) ||
      upload(&c->col, col, (size_t)D->nnz) || upload(&c->x, (const double *)NULL, nb) ||
      upload(&c->f, (const double *)NULL, nb) || upload(&c->jac, (const double *)NULL, (size_t)D->nnz) ||
      upload(&c->cflux, (const double *)NULL, TCAD_ASM_NCFLUX * (size_t)n) || upload(&c->fmag, (const double *)NULL, nb) ||
      upload(&c->vin, (const double *)NULL, nb) || upload(&c->vout, (const double *)NULL, nb))
    return TCAD_ERR_CUDA;
  TcadAsmData *d = &c->d;
  *d = *D;
  d->edge_i = c->edge_i, d->edge_j = c->edge_j, d->edge_coupling = c->edge_coupling, d->edge_length = c->edge_length;
  d->edge_eps = c->edge_eps, d->edge_semi = c->edge_semi, d->edge_mu0 = c->edge_mu0, d->edge_base = c->edge_base;
  d->node_edge_start = c->node_edge_start, d->node_edges = c->node_edges;
  d->row_start = c->row_start, d->row_len = c->row_len, d->node_diag = c->node_diag;
  d->node_semi = c->node_semi, d->node_vsemi = c->node_vsemi, d->node_fixed = c->node_fixed;
  d->node_tau = c->node_tau, d->node_bc = c->node_bc, d->bc_value = c->bc_value;
  CK(cudaEventCreate(&c->ev0));
  CK(cudaEventCreate(&c->ev1));
  CKS(cusparseCreate(&c->sp));
  const int64_t N = (int64_t)nb;
  CKS(cusparseCreateCsr(&c->A, N, N, D->nnz, c->rowptr, c->col, c->jac, CUSPARSE_INDEX_32I, CUSPARSE_INDEX_32I,
                        CUSPARSE_INDEX_BASE_ZERO, CUDA_R_64F));
  CKS(cusparseCreateDnVec(&c->vx, N, c->vin, CUDA_R_64F));
  CKS(cusparseCreateDnVec(&c->vy, N, c->vout, CUDA_R_64F));
  size_t bytes = 0;
  const double one = 1.0, zero = 0.0;
  CKS(cusparseSpMV_bufferSize(c->sp, CUSPARSE_OPERATION_NON_TRANSPOSE, &one, c->A, c->vx, &zero, c->vy, CUDA_R_64F,
                              CUSPARSE_SPMV_ALG_DEFAULT, &bytes));
  CK(cudaMalloc(&c->spbuf, bytes ? bytes : 1));
  return 0;
}

extern "C" int TcadCudaAsmCreate(const TcadAsmData *D, const int *rowptr, const int *col, TcadCudaAsm **out)
{
  *out = NULL;
  if (!D->node_edge_start || !D->node_edges)
    return tcad_error(TCAD_ERR_INTERNAL, "GPU assembly needs the node → edge incidence");
  TcadCudaAsm *c = new (std::nothrow) TcadCudaAsm();
  if (!c) return tcad_error(TCAD_ERR_MEM, "out of memory");
  const int e = create(D, rowptr, col, c);
  if (e) {
    TcadCudaAsmDestroy(&c);
    tcad_error_context("uploading the device data (%d nodes, %d edges, %d Jacobian entries)", D->nnodes, D->nedges,
                       D->nnz);
    return e;
  }
  *out = c;
  return 0;
}

static double seconds_since(cudaEvent_t a, cudaEvent_t b)
{
  float ms = 0;
  cudaEventElapsedTime(&ms, a, b);
  return 1e-3 * ms;
}

extern "C" int TcadCudaAsmAssemble(TcadCudaAsm *c, const TcadAsmParams *P, const double *bc_value, const double *x,
                                  double *f, double *jac, int jac_to_host, double *cflux, double *fmag,
                                  TcadCudaTimes *t)
{
  const size_t n = (size_t)c->n, nb = (size_t)c->bs * n;
  c->d.p = *P;
  CK(cudaEventRecord(c->ev0));
  CK(cudaMemcpy(c->x, x, nb * sizeof(double), cudaMemcpyHostToDevice));
  CK(cudaMemcpy(c->bc_value, bc_value, nb * sizeof(double), cudaMemcpyHostToDevice));
  CK(cudaEventRecord(c->ev1));
  CK(cudaEventSynchronize(c->ev1));
  if (t) t->upload += seconds_since(c->ev0, c->ev1);
  int threads = TCAD_ROWS_THREADS, blocks = (int)((n + threads - 1) / threads);
  if (blocks < 1) blocks = 1;
  CK(cudaEventRecord(c->ev0));
  double *dj = jac ? c->jac : NULL, *dc = cflux ? c->cflux : NULL, *dm = fmag ? c->fmag : NULL;
  if (c->bs < 3 || c->bs > 5)
    return tcad_error(TCAD_ERR_INTERNAL, "GPU assembly: block size %d (expected 3, 4 or 5)", c->bs);
  if (c->rows == TCAD_CUDA_ROWS_GENERIC)
    dd_rows_kernel_any<<<blocks, threads>>>(c->d, c->x, c->f, dj, dc, dm);
  else if (c->rows == TCAD_CUDA_ROWS_BOUNDED)
    (c->bs == 3   ? dd_rows_kernel_bounded<3>
     : c->bs == 4 ? dd_rows_kernel_bounded<4>
                  : dd_rows_kernel_bounded<5>)<<<blocks, threads>>>(c->d, c->x, c->f, dj, dc, dm);
  else
    (c->bs == 3   ? dd_rows_kernel<3>
     : c->bs == 4 ? dd_rows_kernel<4>
                  : dd_rows_kernel<5>)<<<blocks, threads>>>(c->d, c->x, c->f, dj, dc, dm);
  CK(cudaGetLastError());
  CK(cudaEventRecord(c->ev1));
  CK(cudaEventSynchronize(c->ev1));
  if (t) t->kernel += seconds_since(c->ev0, c->ev1), t->calls++;
  if (jac) c->have_jac = 1;
  CK(cudaEventRecord(c->ev0));
  CK(cudaMemcpy(f, c->f, nb * sizeof(double), cudaMemcpyDeviceToHost));
  if (cflux) CK(cudaMemcpy(cflux, c->cflux, TCAD_ASM_NCFLUX * n * sizeof(double), cudaMemcpyDeviceToHost));
  if (fmag) CK(cudaMemcpy(fmag, c->fmag, nb * sizeof(double), cudaMemcpyDeviceToHost));
  CK(cudaEventRecord(c->ev1));
  CK(cudaEventSynchronize(c->ev1));
  if (t) t->download += seconds_since(c->ev0, c->ev1);
  if (jac && jac_to_host) {
    CK(cudaEventRecord(c->ev0));
    CK(cudaMemcpy(jac, c->jac, (size_t)c->nnz * sizeof(double), cudaMemcpyDeviceToHost));
    CK(cudaEventRecord(c->ev1));
    CK(cudaEventSynchronize(c->ev1));
    if (t) t->jac_copy += seconds_since(c->ev0, c->ev1);
  }
  return 0;
}

extern "C" int TcadCudaAsmMatMult(TcadCudaAsm *c, const double *x, double *y)
{
  if (!c->have_jac) return tcad_error(TCAD_ERR_INTERNAL, "device Jacobian used before it was assembled");
  const size_t N = (size_t)c->bs * c->n;
  const double one = 1.0, zero = 0.0;
  CK(cudaMemcpy(c->vin, x, N * sizeof(double), cudaMemcpyHostToDevice));
  CKS(cusparseSpMV(c->sp, CUSPARSE_OPERATION_NON_TRANSPOSE, &one, c->A, c->vx, &zero, c->vy, CUDA_R_64F,
                   CUSPARSE_SPMV_ALG_DEFAULT, c->spbuf));
  CK(cudaMemcpy(y, c->vout, N * sizeof(double), cudaMemcpyDeviceToHost));
  return 0;
}

extern "C" size_t TcadCudaAsmBytes(const TcadCudaAsm *c)
{
  const size_t n = (size_t)c->n, ne = (size_t)c->nedges, nnz = (size_t)c->nnz, bs = (size_t)c->bs;
  /* edges: i, j, 4 bases, coupling, length, ε, 2 μ0, semi; nodes: row start/len/diag, vsemi,
   * fixed, 2 τ, semi, bc; bc values, x, f, fmag, SpMV in/out (bs each), contact fluxes */
  return ne * (6 * sizeof(int) + 5 * sizeof(double) + 1) + n * (3 * sizeof(int) + 4 * sizeof(double) + 2) +
         (size_t)c->nedge_incidences * sizeof(int) + (n + 1) * sizeof(int) + (bs * n + 1 + nnz) * sizeof(int) +
         nnz * sizeof(double) + n * (6 * bs + TCAD_ASM_NCFLUX) * sizeof(double);
}

extern "C" int TcadCudaAsmSetRows(TcadCudaAsm *c, TcadCudaRows which)
{
  if ((int)which < 0 || (int)which >= TCAD_CUDA_ROWS_N)
    return tcad_error(TCAD_ERR_INTERNAL, "GPU assembly: no row kernel %d", (int)which);
  c->rows = which;
  return 0;
}

extern "C" const double *TcadCudaAsmJacobianDevice(const TcadCudaAsm *c) { return c && c->have_jac ? c->jac : NULL; }

extern "C" int TcadCudaAsmJacobianToHost(const TcadCudaAsm *c, double *jac)
{
  if (!c->have_jac) return tcad_error(TCAD_ERR_INTERNAL, "device Jacobian copied before it was assembled");
  CK(cudaMemcpy(jac, c->jac, (size_t)c->nnz * sizeof(double), cudaMemcpyDeviceToHost));
  return 0;
}
