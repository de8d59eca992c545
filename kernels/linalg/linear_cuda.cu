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
#include <cstdlib>
#include <cstring>
#include <cublas_v2.h>
#include <new>
#include <vector>

#include "kernels/cuda.h"
#include "kernels/cuda_check.h"
#include "kernels/cuda_launch.cuh"
#include "kernels/linalg/linear.h"
extern "C" {
#include "kernels/linalg/cudss.h"
#include "kernels/linalg/krylov_solve.h"
}

/* inside void callbacks: remember the first error, report it at the next checked call */
#define TCAD_LIN_SOFT(l, call)                                                                                         \
  do {                                                                                                                 \
    if (!(l)->err) (l)->err = (call);                                                                                  \
  } while (0)

struct TcadCudaLin {
  int bs, n, N, nnz, nnzb;
  TcadLinPattern pat;                               /* device pointers */
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
  int ds_matching;               /* the analysis runs the maximum-product matching (after a failed refinement) */
  int pc_direct;                 /* op_precond applies the cuDSS factors (GMRES on the factors), not ILU(0) */
  long setup_id, ds_factored_id; /* the setup whose values the factors hold */
  long long lu_nnz;
  int npivots;
};

/* The vector and scaling kernels, each one grid-stride loop (kernels/cuda_launch.cuh). */
__device__ static double coef(const double *S, TcadKCoef k) { return k.slot < 0 ? k.mul : k.mul * S[k.slot]; }

/* y = a·xa + b·xb + c·y with coefficients from S (or constants); xb may be NULL; c = constant 0:
 * y is not read */
static cudaError_t lincomb(int N, const double *S, double *y, TcadKCoef a, const double *xa, TcadKCoef b,
                           const double *xb, TcadKCoef c)
{
  const int ready = c.slot < 0 && c.mul == 0.0;
  return tcad_cuda_for(N, [=] __device__(int r) {
    double v = coef(S, a) * xa[r];
    if (xb) v += coef(S, b) * xb[r];
    if (!ready) v += coef(S, c) * y[r];
    y[r] = v;
  });
}

/* R J C: rows scaled per block row (kind), then, for rowcol, columns equilibrated through the
 * column → entries map */
static int scale(TcadCudaLin *l, int kind)
{
  const int N = l->N, nnz = l->nnz;
  const TcadLinPattern p = l->pat;
  const int node_kind = kind == TCAD_LIN_SCALE_ROWCOL ? TCAD_LIN_SCALE_ROW : kind;
  double *a = l->as, *rs = l->rs, *cs = l->cs;
  const int *tptr = l->tptr, *tmap = l->tmap, *col = l->col;
  TCAD_CUDA_CALL(tcad_cuda_for(N, [=] __device__(int r) { cs[r] = 1.0; }));
  TCAD_CUDA_CALL(tcad_cuda_for(
      p.nnodes, [=] __device__(int i) { tcad_lin_scale_node(&p, node_kind, i, cs, a, rs + p.bs * i, NULL); }));
  if (kind != TCAD_LIN_SCALE_ROWCOL) return 0;
  TCAD_CUDA_CALL(tcad_cuda_for(N, [=] __device__(int c) {
    double m = 0;
    for (int k = tptr[c]; k < tptr[c + 1]; k++) m = fmax(m, fabs(a[tmap[k]]));
    cs[c] = m > 0 ? 1.0 / m : 1.0;
  }));
  TCAD_CUDA_CALL(tcad_cuda_for(nnz, [=] __device__(int k) { a[k] *= cs[col[k]]; }));
  return 0;
}

/* the scalar step of the Krylov iteration, one thread */
static cudaError_t scalar_step(double *S, TcadKLayout L, int step, int it, int j)
{
  return tcad_cuda_for(
      1, [=] __device__(int) { tcad_krylov_scalar(S, L, step, it, j); }, 1);
}

/* ---- ops ---- */

static int spmv(TcadCudaLin *l, const double *x, double *y)
{
  const double one = 1.0, zero = 0.0;
  TCAD_CUSPARSE_CALL(cusparseDnVecSetValues(l->vin, (void *)x));
  TCAD_CUSPARSE_CALL(cusparseDnVecSetValues(l->vout, (void *)y));
  TCAD_CUSPARSE_CALL(cusparseSpMV(l->sp, CUSPARSE_OPERATION_NON_TRANSPOSE, &one, l->A, l->vin, &zero, l->vout,
                                  CUDA_R_64F, CUSPARSE_SPMV_CSR_ALG2, l->spbuf));
  return 0;
}
static int op_matvec(void *c, const double *x, double *y) { return spmv((TcadCudaLin *)c, x, y); }
static int op_precond(void *c, const double *x, double *y)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  const double one = 1.0;
  if (l->pc_direct) { /* y = (LU)⁻¹ x through the dense descriptors bound to work (in) and x (out) */
    const size_t bytes = (size_t)l->N * sizeof(double);
    TCAD_CUDA_CALL(cudaMemcpy(l->work, x, bytes, cudaMemcpyDeviceToDevice));
    const int st = l->ds->Execute(l->dh, TCAD_CUDSS_PHASE_SOLVE, l->dc, l->dd, l->dA, l->dD, l->dR);
    if (st != TCAD_CUDSS_SUCCESS)
      return tcad_error(TCAD_ERR_CUDA, "cuDSS solve (as GMRES's preconditioner) failed: %s (%d)",
                        tcad_cudss_status_name(st), st);
    TCAD_CUDA_CALL(cudaMemcpy(y, l->x, bytes, cudaMemcpyDeviceToDevice));
    return 0;
  }
  TCAD_CUSPARSE_CALL(cusparseDbsrsv2_solve(l->sp, CUSPARSE_DIRECTION_ROW, CUSPARSE_OPERATION_NON_TRANSPOSE, l->n,
                                           l->nnzb, &one, l->dL, l->ailu, l->browptr, l->bcol, l->bs, l->iL, x, l->work,
                                           CUSPARSE_SOLVE_POLICY_USE_LEVEL, l->ilubuf));
  TCAD_CUSPARSE_CALL(cusparseDbsrsv2_solve(l->sp, CUSPARSE_DIRECTION_ROW, CUSPARSE_OPERATION_NON_TRANSPOSE, l->n,
                                           l->nnzb, &one, l->dU, l->ailu, l->browptr, l->bcol, l->bs, l->iU, l->work, y,
                                           CUSPARSE_SOLVE_POLICY_USE_LEVEL, l->ilubuf));
  return 0;
}
static int dot(TcadCudaLin *l, int slot, const double *x, const double *y)
{
  TCAD_CUBLAS_CALL(cublasDdot(l->bl, l->N, x, 1, y, 1, l->S + slot));
  return 0;
}
static void op_dot(void *c, int slot, const double *x, const double *y)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  TCAD_LIN_SOFT(l, dot(l, slot, x, y));
}
static void op_lincomb(void *c, double *y, TcadKCoef a, const double *xa, TcadKCoef b, const double *xb, TcadKCoef cc)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  const cudaError_t e = lincomb(l->N, l->S, y, a, xa, b, xb, cc);
  TCAD_LIN_SOFT(l, e == cudaSuccess ? 0 : tcad_error(TCAD_ERR_CUDA, "lincomb kernel: %s", cudaGetErrorName(e)));
}
static int gemv_t(TcadCudaLin *l, int slot, const double *V, int kk, const double *w)
{
  TCAD_CUBLAS_CALL(cublasDgemv(l->bl, CUBLAS_OP_T, l->N, kk, l->S + TCAD_KS_ONE, V, l->N, w, 1, l->S + TCAD_KS_ZERO,
                               l->S + slot, 1));
  return 0;
}
static void op_gemv_t(void *c, int slot, const double *V, int kk, const double *w)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  TCAD_LIN_SOFT(l, gemv_t(l, slot, V, kk, w));
}
static int gemv_n(TcadCudaLin *l, double *w, const double *V, int kk, int slot, double sign)
{
  TCAD_CUBLAS_CALL(cublasDgemv(l->bl, CUBLAS_OP_N, l->N, kk, l->S + (sign < 0 ? TCAD_KS_MINUS : TCAD_KS_ONE), V, l->N,
                               l->S + slot, 1, l->S + TCAD_KS_ONE, w, 1));
  return 0;
}
static void op_gemv_n(void *c, double *w, const double *V, int kk, int slot, double sign)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  TCAD_LIN_SOFT(l, gemv_n(l, w, V, kk, slot, sign));
}
static void op_scalar(void *c, TcadKLayout L, int step, int it, int j)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  const cudaError_t e = scalar_step(l->S, L, step, it, j);
  TCAD_LIN_SOFT(l, e == cudaSuccess ? 0 : tcad_error(TCAD_ERR_CUDA, "scalar kernel: %s", cudaGetErrorName(e)));
}
static int op_fetch(void *c, int first, int count, double *dst)
{
  TcadCudaLin *l = (TcadCudaLin *)c;
  if (l->err) return l->err;
  TCAD_CUDA_CALL(cudaMemcpy(dst, l->S + first, (size_t)count * sizeof(double), cudaMemcpyDeviceToHost));
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
  if (!l->pool)
    l->pool = v; /* keep the block for the next solve */
  else
    cudaFree(v);
}

/* ---- create / destroy ---- */

extern "C" void TcadCudaLinDestroy(TcadCudaLin **lp)
{
  TcadCudaLin *l = *lp;
  if (!l) return;
  void *ptrs[] = {l->rowptr, l->col, l->browptr, l->bcol,   l->tmap,  l->tptr,   l->as,
                  l->ailu,   l->rs,  l->cs,      l->b0,     l->b,     l->y,      l->x,
                  l->work,   l->S,   l->vin_p,   l->vout_p, l->spbuf, l->ilubuf, l->pool};
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
  TCAD_CUDA_CALL(cudaMalloc((void **)p, (count ? count : 1) * sizeof(T)));
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
  TCAD_CALL(dalloc(&l->rowptr, N + 1));
  TCAD_CALL(dalloc(&l->col, nnz));
  TCAD_CALL(dalloc(&l->browptr, n + 1));
  TCAD_CALL(dalloc(&l->bcol, l->nnzb));
  TCAD_CALL(dalloc(&l->tptr, N + 1));
  TCAD_CALL(dalloc(&l->tmap, nnz));
  TCAD_CALL(dalloc(&l->as, nnz));
  TCAD_CALL(dalloc(&l->ailu, nnz));
  double **vecs[] = {&l->rs, &l->cs, &l->b0, &l->b, &l->y, &l->x, &l->work, &l->vin_p, &l->vout_p};
  for (size_t k = 0; k < sizeof vecs / sizeof vecs[0]; k++) TCAD_CALL(dalloc(vecs[k], N));
  TCAD_CUDA_CALL(cudaMemcpy(l->rowptr, rowptr, (N + 1) * sizeof(int), cudaMemcpyHostToDevice));
  TCAD_CUDA_CALL(cudaMemcpy(l->col, col, nnz * sizeof(int), cudaMemcpyHostToDevice));
  TCAD_CUDA_CALL(cudaMemcpy(l->browptr, brp.data(), (n + 1) * sizeof(int), cudaMemcpyHostToDevice));
  TCAD_CUDA_CALL(cudaMemcpy(l->bcol, bc.data(), l->nnzb * sizeof(int), cudaMemcpyHostToDevice));
  TCAD_CUDA_CALL(cudaMemcpy(l->tptr, tptr.data(), (N + 1) * sizeof(int), cudaMemcpyHostToDevice));
  TCAD_CUDA_CALL(cudaMemcpy(l->tmap, tmap.data(), nnz * sizeof(int), cudaMemcpyHostToDevice));
  l->pat.bs = bs, l->pat.nnodes = n, l->pat.rowptr = l->rowptr, l->pat.col = l->col;
  TCAD_CUSPARSE_CALL(cusparseCreate(&l->sp));
  TCAD_CUBLAS_CALL(cublasCreate(&l->bl));
  TCAD_CUBLAS_CALL(cublasSetPointerMode(l->bl, CUBLAS_POINTER_MODE_DEVICE));
  TCAD_CUSPARSE_CALL(cusparseCreateCsr(&l->A, N, N, nnz, l->rowptr, l->col, l->as, CUSPARSE_INDEX_32I,
                                       CUSPARSE_INDEX_32I, CUSPARSE_INDEX_BASE_ZERO, CUDA_R_64F));
  TCAD_CUSPARSE_CALL(cusparseCreateDnVec(&l->vin, N, l->vin_p, CUDA_R_64F));
  TCAD_CUSPARSE_CALL(cusparseCreateDnVec(&l->vout, N, l->vout_p, CUDA_R_64F));
  size_t bytes = 0;
  const double one = 1.0, zero = 0.0;
  TCAD_CUSPARSE_CALL(cusparseSpMV_bufferSize(l->sp, CUSPARSE_OPERATION_NON_TRANSPOSE, &one, l->A, l->vin, &zero,
                                             l->vout, CUDA_R_64F, CUSPARSE_SPMV_CSR_ALG2, &bytes));
  TCAD_CUDA_CALL(cudaMalloc(&l->spbuf, bytes ? bytes : 1));
  TCAD_CUSPARSE_CALL(cusparseCreateMatDescr(&l->dM));
  TCAD_CUSPARSE_CALL(cusparseCreateMatDescr(&l->dL));
  TCAD_CUSPARSE_CALL(cusparseSetMatFillMode(l->dL, CUSPARSE_FILL_MODE_LOWER));
  TCAD_CUSPARSE_CALL(cusparseSetMatDiagType(l->dL, CUSPARSE_DIAG_TYPE_UNIT));
  TCAD_CUSPARSE_CALL(cusparseCreateMatDescr(&l->dU));
  TCAD_CUSPARSE_CALL(cusparseSetMatFillMode(l->dU, CUSPARSE_FILL_MODE_UPPER));
  TCAD_CUSPARSE_CALL(cusparseSetMatDiagType(l->dU, CUSPARSE_DIAG_TYPE_NON_UNIT));
  TCAD_CUSPARSE_CALL(cusparseCreateBsrilu02Info(&l->iM));
  TCAD_CUSPARSE_CALL(cusparseCreateBsrsv2Info(&l->iL));
  TCAD_CUSPARSE_CALL(cusparseCreateBsrsv2Info(&l->iU));
  int b1 = 0, b2 = 0, b3 = 0;
  const cusparseDirection_t dir = CUSPARSE_DIRECTION_ROW;
  TCAD_CUSPARSE_CALL(
      cusparseDbsrilu02_bufferSize(l->sp, dir, n, l->nnzb, l->dM, l->ailu, l->browptr, l->bcol, bs, l->iM, &b1));
  TCAD_CUSPARSE_CALL(cusparseDbsrsv2_bufferSize(l->sp, dir, CUSPARSE_OPERATION_NON_TRANSPOSE, n, l->nnzb, l->dL,
                                                l->ailu, l->browptr, l->bcol, bs, l->iL, &b2));
  TCAD_CUSPARSE_CALL(cusparseDbsrsv2_bufferSize(l->sp, dir, CUSPARSE_OPERATION_NON_TRANSPOSE, n, l->nnzb, l->dU,
                                                l->ailu, l->browptr, l->bcol, bs, l->iU, &b3));
  int mx = b1 > b2 ? b1 : b2;
  mx = mx > b3 ? mx : b3;
  TCAD_CUDA_CALL(cudaMalloc(&l->ilubuf, mx > 0 ? mx : 1));
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
    return tcad_error_frame(__FILE__, __LINE__, __func__, e);
  }
  *out = l;
  return 0;
}

/* ---- cuDSS ---- */

#define TCAD_CUDSS_CALL(call, what)                                                                                    \
  do {                                                                                                                 \
    const int st_ = (call);                                                                                            \
    if (st_ != TCAD_CUDSS_SUCCESS)                                                                                     \
      return tcad_error(TCAD_ERR_CUDA, "cuDSS %s failed: %s (%d)", what, tcad_cudss_status_name(st_), st_);            \
  } while (0)

static int ds_init(TcadCudaLin *l)
{
  if (l->dh) return 0;
  l->ds = tcad_cudss();
  if (!l->ds) return tcad_error(TCAD_ERR_CUDA, "%s", tcad_cudss_why());
  const TcadCudssLib *d = l->ds;
  TCAD_CUDSS_CALL(d->Create(&l->dh), "handle creation");
  TCAD_CUDSS_CALL(d->SetStream(l->dh, NULL), "stream selection"); /* the legacy default stream, as our kernels */
  TCAD_CUDSS_CALL(d->ConfigCreate(&l->dc), "configuration");
  TCAD_CUDSS_CALL(d->DataCreate(l->dh, &l->dd), "data creation");
  /* bitwise-reproducible factors, as the assembly is (a setting newer than some 1.x builds: its
   * absence is not an error) */
  const int one = 1;
  d->ConfigSet(l->dc, TCAD_CUDSS_CONFIG_DETERMINISTIC_MODE, &one, sizeof one);
  TCAD_CUDSS_CALL(d->MatrixCreateCsr(&l->dA, l->N, l->N, l->nnz, l->rowptr, NULL, l->col, l->as, TCAD_CUDA_R_32I,
                                     TCAD_CUDA_R_32I, TCAD_CUDA_R_64F, TCAD_CUDSS_MTYPE_GENERAL, TCAD_CUDSS_MVIEW_FULL,
                                     TCAD_CUDSS_BASE_ZERO),
                  "matrix creation");
  double *dense[] = {l->y, l->b, l->x, l->work};
  TcadCudssMatrix *dm[] = {&l->dY, &l->dB, &l->dD, &l->dR};
  for (int k = 0; k < 4; k++)
    TCAD_CUDSS_CALL(d->MatrixCreateDn(dm[k], l->N, 1, l->N, dense[k], TCAD_CUDA_R_64F, TCAD_CUDSS_LAYOUT_COL_MAJOR),
                    "vector creation");
  return 0;
}

/* Factor the scaled matrix of the current setup: analysis once, then a refactorization (reusing
 * the analysis and the pivot order) or, the first time, a full factorization. `full` (factor
 * afresh, after the refinement failed) runs the analysis again too, from then on with the
 * maximum-product matching (MC64-like: a row permutation that puts large entries on the diagonal,
 * so that cuDSS's pivoting, local to its supernodes, meets fewer small pivots); cuDSS's analysis
 * holds the reordering and the matching computed from the values it saw, and a factorization alone
 * would keep them. (On the H200 the energy-balance systems of 1e5 nodes failed the true-residual
 * check after refinement with the library's automatic choice; drift-diffusion ones factor to 1e-15.) */
static int ds_factor(TcadCudaLin *l, int full)
{
  TCAD_CALL(ds_init(l));
  const TcadCudssLib *d = l->ds;
  if (full && !l->ds_matching) {
    const int alg = TCAD_CUDSS_MATCHING_MAX_DIAG_PRODUCT;
    TCAD_CUDSS_CALL(d->ConfigSet(l->dc, TCAD_CUDSS_CONFIG_MATCHING_ALG, &alg, sizeof alg), "matching selection");
    l->ds_matching = 1;
  }
  if (!l->ds_analysed || full) {
    TCAD_CUDSS_CALL(d->Execute(l->dh, TCAD_CUDSS_PHASE_ANALYSIS, l->dc, l->dd, l->dA, l->dY, l->dB), "analysis");
    l->ds_analysed = 1;
  }
  const int phase = full || !l->ds_factored_ever ? TCAD_CUDSS_PHASE_FACTORIZATION : TCAD_CUDSS_PHASE_REFACTORIZATION;
  TCAD_CUDSS_CALL(d->Execute(l->dh, phase, l->dc, l->dd, l->dA, l->dY, l->dB), "factorization");
  TCAD_CUDA_CALL(cudaDeviceSynchronize());
  int info = 0;
  size_t w = 0;
  TCAD_CUDSS_CALL(d->DataGet(l->dh, l->dd, TCAD_CUDSS_DATA_INFO, &info, sizeof info, &w), "status query");
  if (info != 0) {
    l->ds_factored_id = -1;
    return tcad_error(TCAD_ERR_CONVERGE,
                      "cuDSS: the factorization reports info %d (a zero pivot: the Jacobian is singular)", info);
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

extern "C" int TcadCudaLinSetup(TcadCudaLin *l, const double *values, int on_device, int scale_kind, int what,
                                int *zero_pivot)
{
  *zero_pivot = -1;
  if (!values) return tcad_error(TCAD_ERR_INTERNAL, "device linear solver: no Jacobian");
  /* the device engine has row and row+column equilibration; the other kinds of
   * kernels/linalg/linear.h need arrays (densities, block inverses) it does not hold */
  if (scale_kind != TCAD_LIN_SCALE_NONE && scale_kind != TCAD_LIN_SCALE_ROW && scale_kind != TCAD_LIN_SCALE_ROWCOL)
    return tcad_error(TCAD_ERR_INPUT,
                      "device linear solver: scaling kind %d is not available on the device; use "
                      "-tcad_linear_scale rowcol, row or none",
                      scale_kind);
  l->setup_id++;
  TCAD_CUDA_CALL(cudaMemcpy(l->as, values, (size_t)l->nnz * sizeof(double),
                            on_device ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice));
  TCAD_CALL(scale(l, scale_kind));
  if (what & TCAD_CUDA_LIN_DIRECT) TCAD_CALL(ds_factor(l, 0));
  if (!(what & TCAD_CUDA_LIN_ILU)) return 0;
  {
    const int bs = l->bs, *rowptr = l->rowptr;
    const double *as = l->as;
    double *bsr = l->ailu;
    /* scalar CSR (node-major, whole blocks) → BSR with row-major blocks */
    TCAD_CUDA_CALL(tcad_cuda_for(l->n, [=] __device__(int i) { tcad_lin_to_bsr_node(bs, i, rowptr, as, bsr, 0); }));
  }
  const cusparseDirection_t dir = CUSPARSE_DIRECTION_ROW;
  if (!l->ilu_analysed) {
    TCAD_CUSPARSE_CALL(cusparseDbsrilu02_analysis(l->sp, dir, l->n, l->nnzb, l->dM, l->ailu, l->browptr, l->bcol, l->bs,
                                                  l->iM, CUSPARSE_SOLVE_POLICY_USE_LEVEL, l->ilubuf));
    int pos = -1;
    if (cusparseXbsrilu02_zeroPivot(l->sp, l->iM, &pos) == CUSPARSE_STATUS_ZERO_PIVOT) {
      *zero_pivot = pos;
      return tcad_error(TCAD_ERR_CONVERGE, "ILU(0): structural zero pivot in block row %d", pos);
    }
    TCAD_CUSPARSE_CALL(cusparseDbsrsv2_analysis(l->sp, dir, CUSPARSE_OPERATION_NON_TRANSPOSE, l->n, l->nnzb, l->dL,
                                                l->ailu, l->browptr, l->bcol, l->bs, l->iL,
                                                CUSPARSE_SOLVE_POLICY_USE_LEVEL, l->ilubuf));
    TCAD_CUSPARSE_CALL(cusparseDbsrsv2_analysis(l->sp, dir, CUSPARSE_OPERATION_NON_TRANSPOSE, l->n, l->nnzb, l->dU,
                                                l->ailu, l->browptr, l->bcol, l->bs, l->iU,
                                                CUSPARSE_SOLVE_POLICY_USE_LEVEL, l->ilubuf));
    l->ilu_analysed = 1;
  }
  TCAD_CUSPARSE_CALL(cusparseDbsrilu02(l->sp, dir, l->n, l->nnzb, l->dM, l->ailu, l->browptr, l->bcol, l->bs, l->iM,
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
    TCAD_CUDA_CALL(cudaMalloc((void **)&l->S, (size_t)nS * sizeof(double)));
    l->nS = nS;
  }
  TCAD_CUDA_CALL(cudaMemset(l->S, 0, (size_t)nS * sizeof(double)));
  TCAD_CUDA_CALL(cudaMemcpy(l->b0, b, (size_t)N * sizeof(double), cudaMemcpyHostToDevice));
  const double *rs = l->rs, *b0 = l->b0;
  double *bs = l->b;
  TCAD_CUDA_CALL(tcad_cuda_for(N, [=] __device__(int r) { bs[r] = rs[r] * b0[r]; }));
  return 0;
}

/* r = R b − A_s y (A_s y = R J C C⁻¹ x = R J x) and ‖r‖ / ‖R b‖ */
static int residual(TcadCudaLin *l, const double *y, double *r, double *rel)
{
  const int N = l->N;
  TCAD_CALL(spmv(l, y, r));
  const TcadKCoef one = {-1, 1.0}, minus = {-1, -1.0}, zero = {-1, 0.0};
  TCAD_CUDA_CALL(lincomb(N, l->S, r, one, l->b, minus, r, zero));
  TCAD_CALL(dot(l, TCAD_KS_RR, r, r));
  TCAD_CALL(dot(l, TCAD_KS_BB, l->b, l->b));
  double nrm[2];
  TCAD_CUDA_CALL(cudaMemcpy(nrm, l->S + TCAD_KS_RR, 2 * sizeof(double), cudaMemcpyDeviceToHost));
  *rel = nrm[1] > 0 ? sqrt(nrm[0] / nrm[1]) : sqrt(nrm[0]);
  return 0;
}

/* x (host) = C y */
static int store_x(TcadCudaLin *l, double *x)
{
  const double *cs = l->cs, *y = l->y;
  double *xd = l->x;
  TCAD_CUDA_CALL(tcad_cuda_for(l->N, [=] __device__(int r) { xd[r] = cs[r] * y[r]; }));
  TCAD_CUDA_CALL(cudaMemcpy(x, l->x, (size_t)l->N * sizeof(double), cudaMemcpyDeviceToHost));
  return 0;
}

/* A_s y = R b (loaded) by the Krylov driver on the device ops, preconditioned by ILU(0) or, with
 * l->pc_direct, by the cuDSS factors; the true relative residual in *true_rel */
static int krylov(TcadCudaLin *l, const TcadKrylovOpts *opt, TcadKrylovResult *res, double *true_rel)
{
  TcadKrylovOps o;
  memset(&o, 0, sizeof o);
  o.ctx = l, o.n = l->N, o.S = l->S;
  o.matvec = op_matvec, o.precond = op_precond, o.dot = op_dot, o.lincomb = op_lincomb;
  o.gemv_t = op_gemv_t, o.gemv_n = op_gemv_n, o.scalar = op_scalar, o.fetch = op_fetch;
  o.alloc = op_alloc, o.release = op_release;
  l->err = 0;
  TCAD_CALL(tcad_krylov_solve(&o, opt, l->b, l->y, res));
  TCAD_CALL(l->err); /* a failure inside a void op, raised there */
  TCAD_RETURN(residual(l, l->y, l->work, true_rel));
}

extern "C" int TcadCudaLinSolve(TcadCudaLin *l, const struct TcadKrylovOpts *opt, const double *b, double *x,
                                struct TcadKrylovResult *res, double *true_rel)
{
  TCAD_CALL(load_rhs(l, tcad_krylov_scalars(opt), b));
  TCAD_CALL(krylov(l, opt, res, true_rel));
  TCAD_RETURN(store_x(l, x));
}

extern "C" int TcadCudaLinHasCudss(const TcadCudaLin *l)
{
  (void)l;
  return tcad_cudss() != NULL;
}

extern "C" const char *TcadCudaLinGetCudssWhy(const TcadCudaLin *l)
{
  (void)l;
  return tcad_cudss_why();
}

#define TCAD_LIN_DIRECT_REFINE 3

/* GMRES preconditioned by the cuDSS factors: where plain refinement stalls (a factor perturbed at
 * small pivots leaves a few eigenvalues of A (LU)⁻¹ far from 1, which refinement reduces slowly
 * and GMRES removes in a few iterations) */
static int ds_gmres(TcadCudaLin *l, const TcadKrylovOpts *opt, double *true_rel, int *its)
{
  TcadKrylovResult res;
  l->pc_direct = 1;
  const int e = krylov(l, opt, &res, true_rel);
  l->pc_direct = 0;
  TCAD_CALL(e);
  *its = res.its_run;
  return 0;
}

extern "C" int TcadCudaLinDirect(TcadCudaLin *l, const double *b, double *x, double tol, double *true_rel,
                                 int *refine_steps)
{
  *true_rel = INFINITY, *refine_steps = 0;
  if (l->ds_factored_id != l->setup_id) TCAD_CALL(ds_factor(l, 0));
  TcadKrylovOpts gm;
  memset(&gm, 0, sizeof gm);
  gm.method = TCAD_KRYLOV_GMRES, gm.restart = 20, gm.max_it = 40, gm.rtol = 0.5 * tol, gm.check = 1, gm.stall = 10;
  TCAD_CALL(load_rhs(l, tcad_krylov_scalars(&gm), b));
  const int N = l->N;
  const TcadKCoef one = {-1, 1.0}, zero = {-1, 0.0};
  for (int pass = 0; pass < 2; pass++) {
    TCAD_CUDSS_CALL(l->ds->Execute(l->dh, TCAD_CUDSS_PHASE_SOLVE, l->dc, l->dd, l->dA, l->dY, l->dB), "solve");
    TCAD_CALL(residual(l, l->y, l->work, true_rel));
    /* iterative refinement with the factors: A_s d = r, y += d */
    for (int k = 0; k < TCAD_LIN_DIRECT_REFINE && !(*true_rel <= tol); k++) {
      TCAD_CUDSS_CALL(l->ds->Execute(l->dh, TCAD_CUDSS_PHASE_SOLVE, l->dc, l->dd, l->dA, l->dD, l->dR),
                      "refinement solve");
      TCAD_CUDA_CALL(lincomb(N, l->S, l->y, one, l->x, zero, NULL, one));
      TCAD_CALL(residual(l, l->y, l->work, true_rel));
      ++*refine_steps;
    }
    /* a refactorization keeps the pivot order of the first factorization, which may no longer
     * suit these values, and the analysis without matching may not suit them at all: factor
     * afresh once, with the matching */
    if (*true_rel <= tol || pass || !(l->ds_refactored || !l->ds_matching)) break;
    TCAD_CALL(ds_factor(l, 1));
  }
  if (!(*true_rel <= tol)) {
    int its = 0;
    TCAD_CALL(ds_gmres(l, &gm, true_rel, &its));
    *refine_steps += its;
  }
  TCAD_RETURN(store_x(l, x));
}

extern "C" void TcadCudaLinGetDirectInfo(const TcadCudaLin *l, long long *lu_nnz, int *npivots)
{
  *lu_nnz = l->lu_nnz, *npivots = l->npivots;
}
