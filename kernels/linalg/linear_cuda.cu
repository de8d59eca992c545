/* The device linear solver behind solver/linear.c: everything between the Jacobian (already on
 * the device after the CUDA assembly) and the Newton update stays on the device.
 *   setup: the scaled copy R J C (kernels/linalg/linear.h: tcad_lin_scale_node one thread per block
 *          row, column maxima one thread per column through a transpose map built once), a
 *          BSR repack of it and cuSPARSE block ILU(0) (bsrilu02; the triangular solves with
 *          bsrsv2, analysed once per pattern);
 *   solve: kernels/linalg/krylov_solve.c's driver over the ops below: cuSPARSE SpMV (CSR_ALG2, deterministic),
 *          cuBLAS dot and gemv with device pointer mode (the scalars never leave the device),
 *          one fused kernel for the vector updates and a one-thread kernel running
 *          tcad_krylov_scalar. The driver reads the scalars every `check` iterations only.
 *   direct: cuDSS (loaded at run time, kernels/linalg/cudss.h) on the same scaled CSR: analysis once per
 *          pattern, refactorization after each setup (a full factorization when a refactored
 *          solve is inaccurate), up to 3 steps of iterative refinement against R J C when the
 *          true residual is above the tolerance. */
#define DISABLE_CUSPARSE_DEPRECATED /* bsrilu02/bsrsv2 are deprecated in CUDA 13 but present */
#include <cublas_v2.h>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "kernels/cuda_check.h"
#include "kernels/cuda.h"
#include "kernels/linalg/linear.h"
extern "C" {
#include "kernels/linalg/cudss.h"
#include "kernels/linalg/krylov_solve.h"
}

#define CK TCAD_CUDA_CHECK
#define CKS TCAD_CUSPARSE_CHECK
#define CKB TCAD_CUBLAS_CHECK
/* inside void callbacks: remember the first error, report it at the next checked call */
#define SOFT(l, call)                                                                                   \
  do {                                                                                                  \
    if (!(l)->err) (l)->err = (call);                                                                   \
  } while (0)

struct TcadCudaLin {
  int bs, n, N, nnz, nnzb;
  TcadLinPattern pat; /* device pointers */
  int *rowptr, *col, *browptr, *bcol, *tmap, *tptr; /* scalar CSR, BSR, column → entries map */
  double *as, *ailu, *rs, *cs, *b0, *b, *y, *x, *work, *S;
  int nS;
  int ilu_analysed, err;
  cusparseHandle_t sp;
  cublasHandle_t bl;
  cusparseSpMatDescr_t A;
  cusparseDnVecDescr_t vin, vout;
  double *vin_p, *vout_p;
  void *spbuf;
  cusparseMatDescr_t dM, dL, dU;
  bsrilu02Info_t iM;
  bsrsv2Info_t iL, iU;
  void *ilubuf;
  double *pool;
  int pool_count;
  /* cuDSS */
  const TcadCudssLib *ds;
  TcadCudssHandle dh;
  TcadCudssConfig dc;
  TcadCudssData dd;
  TcadCudssMatrix dA, dY, dB, dD, dR; /* R J C; y, R b; the refinement's correction and residual */
  int ds_analysed, ds_factored_ever, ds_refactored;
  long setup_id, ds_factored_id; /* the setup whose values the factors hold */
  long long lu_nnz;
  int npivots;
};

static int blocks_for(int n, int threads) { return n / threads + 1; }

__global__ static void k_fill(int n, double *v, double value)
{
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) v[i] = value;
}
__global__ static void k_scale_rows(TcadLinPattern p, int kind, const double *cs, double *a, double *rs)
{
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < p.nnodes; i += blockDim.x * gridDim.x)
    tcad_lin_scale_node(&p, kind, i, cs, a, rs + p.bs * i, NULL);
}
__global__ static void k_col_max(int N, const int *tptr, const int *tmap, const double *a, double *cs)
{
  for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < N; c += blockDim.x * gridDim.x) {
    double m = 0;
    for (int k = tptr[c]; k < tptr[c + 1]; k++) m = fmax(m, fabs(a[tmap[k]]));
    cs[c] = m > 0 ? 1.0 / m : 1.0;
  }
}
__global__ static void k_col_apply(int nnz, const int *col, const double *cs, double *a)
{
  for (int k = blockIdx.x * blockDim.x + threadIdx.x; k < nnz; k += blockDim.x * gridDim.x) a[k] *= cs[col[k]];
}
/* scalar CSR (node-major, whole blocks) → BSR with row-major blocks */
__global__ static void k_to_bsr(int n, int bs, const int *rowptr, const double *a, double *bsr)
{
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
    tcad_lin_to_bsr_node(bs, i, rowptr, a, bsr, 0);
}
__global__ static void k_rhs(int N, const double *rs, const double *b0, double *b)
{
  for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < N; r += blockDim.x * gridDim.x) b[r] = rs[r] * b0[r];
}
__global__ static void k_mul(int N, const double *cs, const double *y, double *x)
{
  for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < N; r += blockDim.x * gridDim.x) x[r] = cs[r] * y[r];
}
__device__ static double coef(const double *S, TcadKCoef k) { return k.slot < 0 ? k.mul : k.mul * S[k.slot]; }
__global__ static void k_lincomb(int N, const double *S, double *y, TcadKCoef a, const double *xa, TcadKCoef b,
                                 const double *xb, TcadKCoef c)
{
  const double ka = coef(S, a), kb = coef(S, b), kc = coef(S, c);
  const int ready = c.slot < 0 && c.mul == 0.0;
  for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < N; r += blockDim.x * gridDim.x) {
    double v = ka * xa[r];
    if (xb) v += kb * xb[r];
    if (!ready) v += kc * y[r];
    y[r] = v;
  }
}
__global__ static void k_scalar(double *S, TcadKLayout L, int step, int it, int j)
{
  tcad_krylov_scalar(S, L, step, it, j);
}

#define GRID(n) blocks_for((n), 256) < 65535 ? blocks_for((n), 256) : 65535, 256

/* ---- ops ---- */

static int spmv(TcadCudaLin *l, const double *x, double *y)
{
  const double one = 1.0, zero = 0.0;
  CKS(cusparseDnVecSetValues(l->vin, (void *)x));
  CKS(cusparseDnVecSetValues(l->vout, (void *)y));
  CKS(cusparseSpMV(l->sp, CUSPARSE_OPERATION_NON_TRANSPOSE, &one, l->A, l->vin, &zero, l->vout, CUDA_R_64F,
                   CUSPARSE_SPMV_CSR_ALG2, l->spbuf));
  return 0;
}
static int op_matvec(void *c, const double *x, double *y) { return spmv((TcadCudaLin *)c, x, y); }
static int op_precond(void *c, const double *x, double *y)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  const double one = 1.0;
  CKS(cusparseDbsrsv2_solve(l->sp, CUSPARSE_DIRECTION_ROW, CUSPARSE_OPERATION_NON_TRANSPOSE, l->n, l->nnzb, &one,
                            l->dL, l->ailu, l->browptr, l->bcol, l->bs, l->iL, x, l->work,
                            CUSPARSE_SOLVE_POLICY_USE_LEVEL, l->ilubuf));
  CKS(cusparseDbsrsv2_solve(l->sp, CUSPARSE_DIRECTION_ROW, CUSPARSE_OPERATION_NON_TRANSPOSE, l->n, l->nnzb, &one,
                            l->dU, l->ailu, l->browptr, l->bcol, l->bs, l->iU, l->work, y,
                            CUSPARSE_SOLVE_POLICY_USE_LEVEL, l->ilubuf));
  return 0;
}
static int dot(TcadCudaLin *l, int slot, const double *x, const double *y)
{
  CKB(cublasDdot(l->bl, l->N, x, 1, y, 1, l->S + slot));
  return 0;
}
static void op_dot(void *c, int slot, const double *x, const double *y)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  SOFT(l, dot(l, slot, x, y));
}
static void op_lincomb(void *c, double *y, TcadKCoef a, const double *xa, TcadKCoef b, const double *xb, TcadKCoef cc)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  k_lincomb<<<GRID(l->N)>>>(l->N, l->S, y, a, xa, b, xb, cc);
  SOFT(l, cudaGetLastError() == cudaSuccess ? 0 : tcad_error(TCAD_ERR_CUDA, "lincomb kernel launch failed"));
}
static int gemv_t(TcadCudaLin *l, int slot, const double *V, int kk, const double *w)
{
  CKB(cublasDgemv(l->bl, CUBLAS_OP_T, l->N, kk, l->S + TCAD_KS_ONE, V, l->N, w, 1, l->S + TCAD_KS_ZERO, l->S + slot, 1));
  return 0;
}
static void op_gemv_t(void *c, int slot, const double *V, int kk, const double *w)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  SOFT(l, gemv_t(l, slot, V, kk, w));
}
static int gemv_n(TcadCudaLin *l, double *w, const double *V, int kk, int slot, double sign)
{
  CKB(cublasDgemv(l->bl, CUBLAS_OP_N, l->N, kk, l->S + (sign < 0 ? TCAD_KS_MINUS : TCAD_KS_ONE), V, l->N,
                  l->S + slot, 1, l->S + TCAD_KS_ONE, w, 1));
  return 0;
}
static void op_gemv_n(void *c, double *w, const double *V, int kk, int slot, double sign)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  SOFT(l, gemv_n(l, w, V, kk, slot, sign));
}
static void op_scalar(void *c, TcadKLayout L, int step, int it, int j)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  k_scalar<<<1, 1>>>(l->S, L, step, it, j);
  SOFT(l, cudaGetLastError() == cudaSuccess ? 0 : tcad_error(TCAD_ERR_CUDA, "scalar kernel launch failed"));
}
static int op_fetch(void *c, int first, int count, double *dst)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  if (l->err) return l->err;
  CK(cudaMemcpy(dst, l->S + first, (size_t)count * sizeof(double), cudaMemcpyDeviceToHost));
  return 0;
}
static double *op_alloc(void *c, int count)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  if (l->pool && l->pool_count >= count) {
    double *p = l->pool;
    l->pool = NULL;
    return p;
  }
  if (l->pool) cudaFree(l->pool), l->pool = NULL;
  double *p = NULL;
  if (cudaMalloc((void **)&p, (size_t)count * l->N * sizeof(double)) != cudaSuccess) return NULL;
  l->pool_count = count;
  return p;
}
static void op_release(void *c, double *v)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  if (!l->pool) l->pool = v; /* keep the block for the next solve */
  else cudaFree(v);
}

/* ---- create / destroy ---- */

extern "C" void TcadCudaLinDestroy(TcadCudaLin **lp)
{
  TcadCudaLin *l = *lp;
  if (!l) return;
  void *ptrs[] = {l->rowptr, l->col, l->browptr, l->bcol, l->tmap, l->tptr, l->as, l->ailu, l->rs, l->cs, l->b0,
                  l->b, l->y, l->x, l->work, l->S, l->vin_p, l->vout_p, l->spbuf, l->ilubuf, l->pool};
  for (size_t k = 0; k < sizeof ptrs / sizeof ptrs[0]; k++)
    if (ptrs[k]) cudaFree(ptrs[k]);
  if (l->A) cusparseDestroySpMat(l->A);
  if (l->vin) cusparseDestroyDnVec(l->vin);
  if (l->vout) cusparseDestroyDnVec(l->vout);
  if (l->dM) cusparseDestroyMatDescr(l->dM);
  if (l->dL) cusparseDestroyMatDescr(l->dL);
  if (l->dU) cusparseDestroyMatDescr(l->dU);
  if (l->iM) cusparseDestroyBsrilu02Info(l->iM);
  if (l->iL) cusparseDestroyBsrsv2Info(l->iL);
  if (l->iU) cusparseDestroyBsrsv2Info(l->iU);
  if (l->sp) cusparseDestroy(l->sp);
  if (l->bl) cublasDestroy(l->bl);
  if (l->ds) {
    TcadCudssMatrix ms[] = {l->dA, l->dY, l->dB, l->dD, l->dR};
    for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++)
      if (ms[k]) l->ds->MatrixDestroy(ms[k]);
    if (l->dd) l->ds->DataDestroy(l->dh, l->dd);
    if (l->dc) l->ds->ConfigDestroy(l->dc);
    if (l->dh) l->ds->Destroy(l->dh);
  }
  delete l;
  *lp = NULL;
}

template <typename T> static int dalloc(T **p, size_t count)
{
  CK(cudaMalloc((void **)p, (count ? count : 1) * sizeof(T)));
  return 0;
}

static int create(TcadCudaLin *l, int bs, int n, const int *rowptr, const int *col)
{
  const int N = bs * n, nnz = rowptr[N];
  l->bs = bs, l->n = n, l->N = N, l->nnz = nnz, l->nnzb = nnz / (bs * bs);
  /* host: BSR pattern and the column → entries map */
  std::vector<int> brp(n + 1), bc(l->nnzb), tptr(N + 1, 0), tmap(nnz);
  const TcadLinPattern pat = {bs, n, rowptr, col};
  tcad_lin_bsr_pattern(&pat, brp.data(), bc.data());
  for (int k = 0; k < nnz; k++) tptr[col[k] + 1]++;
  for (int c = 0; c < N; c++) tptr[c + 1] += tptr[c];
  {
    std::vector<int> next(tptr.begin(), tptr.end() - 1);
    for (int r = 0; r < N; r++)
      for (int k = rowptr[r]; k < rowptr[r + 1]; k++) tmap[next[col[k]]++] = k;
  }
  if (dalloc(&l->rowptr, N + 1) || dalloc(&l->col, nnz) || dalloc(&l->browptr, n + 1) || dalloc(&l->bcol, l->nnzb) ||
      dalloc(&l->tptr, N + 1) || dalloc(&l->tmap, nnz) || dalloc(&l->as, nnz) || dalloc(&l->ailu, nnz) ||
      dalloc(&l->rs, N) || dalloc(&l->cs, N) || dalloc(&l->b0, N) || dalloc(&l->b, N) || dalloc(&l->y, N) ||
      dalloc(&l->x, N) || dalloc(&l->work, N) || dalloc(&l->vin_p, N) || dalloc(&l->vout_p, N))
    return TCAD_ERR_CUDA;
  CK(cudaMemcpy(l->rowptr, rowptr, (N + 1) * sizeof(int), cudaMemcpyHostToDevice));
  CK(cudaMemcpy(l->col, col, nnz * sizeof(int), cudaMemcpyHostToDevice));
  CK(cudaMemcpy(l->browptr, brp.data(), (n + 1) * sizeof(int), cudaMemcpyHostToDevice));
  CK(cudaMemcpy(l->bcol, bc.data(), l->nnzb * sizeof(int), cudaMemcpyHostToDevice));
  CK(cudaMemcpy(l->tptr, tptr.data(), (N + 1) * sizeof(int), cudaMemcpyHostToDevice));
  CK(cudaMemcpy(l->tmap, tmap.data(), nnz * sizeof(int), cudaMemcpyHostToDevice));
  l->pat.bs = bs, l->pat.nnodes = n, l->pat.rowptr = l->rowptr, l->pat.col = l->col;
  CKS(cusparseCreate(&l->sp));
  CKB(cublasCreate(&l->bl));
  CKB(cublasSetPointerMode(l->bl, CUBLAS_POINTER_MODE_DEVICE));
  CKS(cusparseCreateCsr(&l->A, N, N, nnz, l->rowptr, l->col, l->as, CUSPARSE_INDEX_32I, CUSPARSE_INDEX_32I,
                        CUSPARSE_INDEX_BASE_ZERO, CUDA_R_64F));
  CKS(cusparseCreateDnVec(&l->vin, N, l->vin_p, CUDA_R_64F));
  CKS(cusparseCreateDnVec(&l->vout, N, l->vout_p, CUDA_R_64F));
  size_t bytes = 0;
  const double one = 1.0, zero = 0.0;
  CKS(cusparseSpMV_bufferSize(l->sp, CUSPARSE_OPERATION_NON_TRANSPOSE, &one, l->A, l->vin, &zero, l->vout, CUDA_R_64F,
                              CUSPARSE_SPMV_CSR_ALG2, &bytes));
  CK(cudaMalloc(&l->spbuf, bytes ? bytes : 1));
  CKS(cusparseCreateMatDescr(&l->dM));
  CKS(cusparseCreateMatDescr(&l->dL));
  CKS(cusparseSetMatFillMode(l->dL, CUSPARSE_FILL_MODE_LOWER));
  CKS(cusparseSetMatDiagType(l->dL, CUSPARSE_DIAG_TYPE_UNIT));
  CKS(cusparseCreateMatDescr(&l->dU));
  CKS(cusparseSetMatFillMode(l->dU, CUSPARSE_FILL_MODE_UPPER));
  CKS(cusparseSetMatDiagType(l->dU, CUSPARSE_DIAG_TYPE_NON_UNIT));
  CKS(cusparseCreateBsrilu02Info(&l->iM));
  CKS(cusparseCreateBsrsv2Info(&l->iL));
  CKS(cusparseCreateBsrsv2Info(&l->iU));
  int b1 = 0, b2 = 0, b3 = 0;
  const cusparseDirection_t dir = CUSPARSE_DIRECTION_ROW;
  CKS(cusparseDbsrilu02_bufferSize(l->sp, dir, n, l->nnzb, l->dM, l->ailu, l->browptr, l->bcol, bs, l->iM, &b1));
  CKS(cusparseDbsrsv2_bufferSize(l->sp, dir, CUSPARSE_OPERATION_NON_TRANSPOSE, n, l->nnzb, l->dL, l->ailu, l->browptr,
                                 l->bcol, bs, l->iL, &b2));
  CKS(cusparseDbsrsv2_bufferSize(l->sp, dir, CUSPARSE_OPERATION_NON_TRANSPOSE, n, l->nnzb, l->dU, l->ailu, l->browptr,
                                 l->bcol, bs, l->iU, &b3));
  int mx = b1 > b2 ? b1 : b2;
  mx = mx > b3 ? mx : b3;
  CK(cudaMalloc(&l->ilubuf, mx > 0 ? mx : 1));
  return 0;
}

extern "C" int TcadCudaLinCreate(int bs, int nnodes, const int *rowptr, const int *col, TcadCudaLin **out)
{
  *out = NULL;
  if (bs < 1 || bs > TCAD_LIN_MAXBS) return tcad_error(TCAD_ERR_INTERNAL, "block size %d", bs);
  TcadCudaLin *l = new (std::nothrow) TcadCudaLin();
  if (!l) return tcad_error(TCAD_ERR_MEM, "out of memory");
  const int e = create(l, bs, nnodes, rowptr, col);
  if (e) {
    TcadCudaLinDestroy(&l);
    tcad_error_context("setting up the device linear solver (%d nodes, block size %d)", nnodes, bs);
    return e;
  }
  *out = l;
  return 0;
}

/* ---- cuDSS ---- */

#define CKD(l, call, what)                                                                                  \
  do {                                                                                                  \
    const int st_ = (call);                                                                             \
    if (st_ != TCAD_CUDSS_SUCCESS)                                                                      \
      return tcad_error(TCAD_ERR_CUDA, "cuDSS %s failed: %s (%d)", what, tcad_cudss_status_name(st_), st_); \
  } while (0)

static int ds_init(TcadCudaLin *l)
{
  if (l->dh) return 0;
  l->ds = tcad_cudss();
  if (!l->ds) return tcad_error(TCAD_ERR_CUDA, "%s", tcad_cudss_why());
  const TcadCudssLib *d = l->ds;
  CKD(l, d->Create(&l->dh), "handle creation");
  CKD(l, d->SetStream(l->dh, NULL), "stream selection"); /* the legacy default stream, as our kernels */
  CKD(l, d->ConfigCreate(&l->dc), "configuration");
  CKD(l, d->DataCreate(l->dh, &l->dd), "data creation");
  /* bitwise-reproducible factors, as the assembly is (a setting newer than some 1.x builds: its
   * absence is not an error) */
  const int one = 1;
  d->ConfigSet(l->dc, TCAD_CUDSS_CONFIG_DETERMINISTIC_MODE, &one, sizeof one);
  CKD(l, d->MatrixCreateCsr(&l->dA, l->N, l->N, l->nnz, l->rowptr, NULL, l->col, l->as, TCAD_CUDA_R_32I,
                            TCAD_CUDA_R_32I, TCAD_CUDA_R_64F, TCAD_CUDSS_MTYPE_GENERAL, TCAD_CUDSS_MVIEW_FULL,
                            TCAD_CUDSS_BASE_ZERO),
      "matrix creation");
  double *dense[] = {l->y, l->b, l->x, l->work};
  TcadCudssMatrix *dm[] = {&l->dY, &l->dB, &l->dD, &l->dR};
  for (int k = 0; k < 4; k++)
    CKD(l, d->MatrixCreateDn(dm[k], l->N, 1, l->N, dense[k], TCAD_CUDA_R_64F, TCAD_CUDSS_LAYOUT_COL_MAJOR),
        "vector creation");
  return 0;
}

/* Factor the scaled matrix of the current setup: analysis once, then a refactorization (reusing
 * the analysis and the pivot order) or, when `full` or the first time, a full factorization. */
static int ds_factor(TcadCudaLin *l, int full)
{
  TCAD_CALL(ds_init(l));
  const TcadCudssLib *d = l->ds;
  if (!l->ds_analysed) {
    CKD(l, d->Execute(l->dh, TCAD_CUDSS_PHASE_ANALYSIS, l->dc, l->dd, l->dA, l->dY, l->dB), "analysis");
    l->ds_analysed = 1;
  }
  const int phase = full || !l->ds_factored_ever ? TCAD_CUDSS_PHASE_FACTORIZATION : TCAD_CUDSS_PHASE_REFACTORIZATION;
  CKD(l, d->Execute(l->dh, phase, l->dc, l->dd, l->dA, l->dY, l->dB), "factorization");
  CK(cudaDeviceSynchronize());
  int info = 0;
  size_t w = 0;
  CKD(l, d->DataGet(l->dh, l->dd, TCAD_CUDSS_DATA_INFO, &info, sizeof info, &w), "status query");
  if (info != 0) {
    l->ds_factored_id = -1;
    return tcad_error(TCAD_ERR_CONVERGE, "cuDSS: the factorization reports info %d (a zero pivot: the Jacobian is singular)",
                      info);
  }
  if (!l->ds_factored_ever) {
    int64_t lnz = 0;
    if (d->DataGet(l->dh, l->dd, TCAD_CUDSS_DATA_LU_NNZ, &lnz, sizeof lnz, &w) == TCAD_CUDSS_SUCCESS) l->lu_nnz = lnz;
  }
  int np = 0;
  if (d->DataGet(l->dh, l->dd, TCAD_CUDSS_DATA_NPIVOTS, &np, sizeof np, &w) == TCAD_CUDSS_SUCCESS) l->npivots = np;
  l->ds_factored_ever = 1, l->ds_refactored = phase == TCAD_CUDSS_PHASE_REFACTORIZATION;
  l->ds_factored_id = l->setup_id;
  return 0;
}

/* ---- setup: scale and factor ---- */

extern "C" int TcadCudaLinSetup(TcadCudaLin *l, const double *values, int on_device, int scale, int what,
                                int *zero_pivot)
{
  *zero_pivot = -1;
  if (!values) return tcad_error(TCAD_ERR_INTERNAL, "device linear solver: no Jacobian");
  l->setup_id++;
  CK(cudaMemcpy(l->as, values, (size_t)l->nnz * sizeof(double),
                on_device ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice));
  const int N = l->N;
  const int node_kind = scale == TCAD_LIN_SCALE_ROWCOL ? TCAD_LIN_SCALE_ROW : scale;
  k_fill<<<GRID(N)>>>(N, l->cs, 1.0);
  k_scale_rows<<<GRID(l->n)>>>(l->pat, node_kind, l->cs, l->as, l->rs);
  if (scale == TCAD_LIN_SCALE_ROWCOL) {
    k_col_max<<<GRID(N)>>>(N, l->tptr, l->tmap, l->as, l->cs);
    k_col_apply<<<GRID(l->nnz)>>>(l->nnz, l->col, l->cs, l->as);
  }
  CK(cudaGetLastError());
  if (what & TCAD_CUDA_LIN_DIRECT) TCAD_CALL(ds_factor(l, 0));
  if (!(what & TCAD_CUDA_LIN_ILU)) return 0;
  k_to_bsr<<<GRID(l->n)>>>(l->n, l->bs, l->rowptr, l->as, l->ailu);
  CK(cudaGetLastError());
  const cusparseDirection_t dir = CUSPARSE_DIRECTION_ROW;
  if (!l->ilu_analysed) {
    CKS(cusparseDbsrilu02_analysis(l->sp, dir, l->n, l->nnzb, l->dM, l->ailu, l->browptr, l->bcol, l->bs, l->iM,
                                   CUSPARSE_SOLVE_POLICY_USE_LEVEL, l->ilubuf));
    int pos = -1;
    if (cusparseXbsrilu02_zeroPivot(l->sp, l->iM, &pos) == CUSPARSE_STATUS_ZERO_PIVOT) {
      *zero_pivot = pos;
      return tcad_error(TCAD_ERR_CONVERGE, "ILU(0): structural zero pivot in block row %d", pos);
    }
    CKS(cusparseDbsrsv2_analysis(l->sp, dir, CUSPARSE_OPERATION_NON_TRANSPOSE, l->n, l->nnzb, l->dL, l->ailu,
                                 l->browptr, l->bcol, l->bs, l->iL, CUSPARSE_SOLVE_POLICY_USE_LEVEL, l->ilubuf));
    CKS(cusparseDbsrsv2_analysis(l->sp, dir, CUSPARSE_OPERATION_NON_TRANSPOSE, l->n, l->nnzb, l->dU, l->ailu,
                                 l->browptr, l->bcol, l->bs, l->iU, CUSPARSE_SOLVE_POLICY_USE_LEVEL, l->ilubuf));
    l->ilu_analysed = 1;
  }
  CKS(cusparseDbsrilu02(l->sp, dir, l->n, l->nnzb, l->dM, l->ailu, l->browptr, l->bcol, l->bs, l->iM,
                        CUSPARSE_SOLVE_POLICY_USE_LEVEL, l->ilubuf));
  int pos = -1;
  if (cusparseXbsrilu02_zeroPivot(l->sp, l->iM, &pos) == CUSPARSE_STATUS_ZERO_PIVOT) {
    *zero_pivot = pos;
    return tcad_error(TCAD_ERR_CONVERGE, "ILU(0): zero pivot in block row %d", pos);
  }
  return 0;
}

/* ---- solve ---- */

/* S sized for opt's scalars (or the two norm slots), the host b scaled into l->b */
static int load_rhs(TcadCudaLin *l, int nS, const double *b)
{
  const int N = l->N;
  if (nS < TCAD_KS_BB + 1) nS = TCAD_KS_BB + 1;
  if (nS > l->nS) {
    if (l->S) cudaFree(l->S), l->S = NULL;
    CK(cudaMalloc((void **)&l->S, (size_t)nS * sizeof(double)));
    l->nS = nS;
  }
  CK(cudaMemset(l->S, 0, (size_t)nS * sizeof(double)));
  CK(cudaMemcpy(l->b0, b, (size_t)N * sizeof(double), cudaMemcpyHostToDevice));
  k_rhs<<<GRID(N)>>>(N, l->rs, l->b0, l->b);
  CK(cudaGetLastError());
  return 0;
}

/* r = R b − A_s y (A_s y = R J C C⁻¹ x = R J x) and ‖r‖ / ‖R b‖ */
static int residual(TcadCudaLin *l, const double *y, double *r, double *rel)
{
  const int N = l->N;
  if (spmv(l, y, r)) return TCAD_ERR_CUDA;
  const TcadKCoef one = {-1, 1.0}, minus = {-1, -1.0}, zero = {-1, 0.0};
  k_lincomb<<<GRID(N)>>>(N, l->S, r, one, l->b, minus, r, zero);
  CK(cudaGetLastError());
  if (dot(l, TCAD_KS_RR, r, r) || dot(l, TCAD_KS_BB, l->b, l->b)) return TCAD_ERR_CUDA;
  double nrm[2];
  CK(cudaMemcpy(nrm, l->S + TCAD_KS_RR, 2 * sizeof(double), cudaMemcpyDeviceToHost));
  *rel = nrm[1] > 0 ? sqrt(nrm[0] / nrm[1]) : sqrt(nrm[0]);
  return 0;
}

/* x (host) = C y */
static int store_x(TcadCudaLin *l, double *x)
{
  k_mul<<<GRID(l->N)>>>(l->N, l->cs, l->y, l->x);
  CK(cudaGetLastError());
  CK(cudaMemcpy(x, l->x, (size_t)l->N * sizeof(double), cudaMemcpyDeviceToHost));
  return 0;
}

extern "C" int TcadCudaLinSolve(TcadCudaLin *l, const struct TcadKrylovOpts *opt, const double *b, double *x,
                                struct TcadKrylovResult *res, double *true_rel)
{
  TCAD_CALL(load_rhs(l, tcad_krylov_scalars(opt), b));
  TcadKrylovOps o;
  memset(&o, 0, sizeof o);
  o.ctx = l, o.n = l->N, o.S = l->S;
  o.matvec = op_matvec, o.precond = op_precond, o.dot = op_dot, o.lincomb = op_lincomb;
  o.gemv_t = op_gemv_t, o.gemv_n = op_gemv_n, o.scalar = op_scalar, o.fetch = op_fetch;
  o.alloc = op_alloc, o.release = op_release;
  l->err = 0;
  int e = tcad_krylov_solve(&o, opt, l->b, l->y, res);
  if (!e) e = l->err;
  if (e) return e;
  TCAD_CALL(residual(l, l->y, l->work, true_rel));
  return store_x(l, x);
}

extern "C" int TcadCudaLinHaveCudss(const TcadCudaLin *l)
{
  (void)l;
  return tcad_cudss() != NULL;
}

extern "C" const char *TcadCudaLinCudssWhy(const TcadCudaLin *l)
{
  (void)l;
  return tcad_cudss_why();
}

#define DIRECT_REFINE 3

extern "C" int TcadCudaLinDirect(TcadCudaLin *l, const double *b, double *x, double tol, double *true_rel,
                                 int *refine_steps)
{
  *true_rel = INFINITY, *refine_steps = 0;
  if (l->ds_factored_id != l->setup_id) TCAD_CALL(ds_factor(l, 0));
  TCAD_CALL(load_rhs(l, 0, b));
  const int N = l->N;
  const TcadKCoef one = {-1, 1.0}, zero = {-1, 0.0};
  for (int pass = 0; pass < 2; pass++) {
    CKD(l, l->ds->Execute(l->dh, TCAD_CUDSS_PHASE_SOLVE, l->dc, l->dd, l->dA, l->dY, l->dB), "solve");
    TCAD_CALL(residual(l, l->y, l->work, true_rel));
    /* iterative refinement with the factors: A_s d = r, y += d */
    for (int k = 0; k < DIRECT_REFINE && !(*true_rel <= tol); k++) {
      CKD(l, l->ds->Execute(l->dh, TCAD_CUDSS_PHASE_SOLVE, l->dc, l->dd, l->dA, l->dD, l->dR), "refinement solve");
      k_lincomb<<<GRID(N)>>>(N, l->S, l->y, one, l->x, zero, NULL, one);
      CK(cudaGetLastError());
      TCAD_CALL(residual(l, l->y, l->work, true_rel));
      ++*refine_steps;
    }
    /* a refactorization keeps the pivot order of the first factorization, which may no longer
     * suit these values: factor afresh once */
    if (*true_rel <= tol || pass || !l->ds_refactored) break;
    TCAD_CALL(ds_factor(l, 1));
  }
  return store_x(l, x);
}

extern "C" void TcadCudaLinDirectInfo(const TcadCudaLin *l, long long *lu_nnz, int *npivots)
{
  *lu_nnz = l->lu_nnz, *npivots = l->npivots;
}
