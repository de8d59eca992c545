/* CPU stand-in for the CUDA runtime, cuSPARSE and cuBLAS calls of the project's .cu sources
 * (README.md). "Device" memory is host memory the stand-in tracks: every cudaMalloc'd range is
 * registered and filled with NaN bytes (0xFF: a NaN double, -1 as int), so a value the code
 * forgot to upload shows up; every copy, set and library call checks that its pointers are
 * device or host as the call requires, that the bytes lie inside one allocation, and the
 * pointer mode of cuBLAS scalars. A violation prints one line on stderr naming the call and
 * fails it with the CUDA error the real library would give (or close to it). Kernels run
 * serially on the host (kernels/cuda_launch.cuh under TCAD_CUDA_STANDIN). Not modelled:
 * concurrency, streams, device rounding and library algorithms (its ILU(0) and triangular
 * solves are plain scalar ones on the block pattern). */
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cusparse.h>

#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

namespace {
std::map<const char *, size_t> g_alloc; /* start → bytes */
cudaError_t g_last = cudaSuccess;

/* the allocation holding [p, p + bytes), or end */
std::map<const char *, size_t>::const_iterator find_alloc(const void *p, size_t bytes)
{
  const char *c = (const char *)p;
  auto it = g_alloc.upper_bound(c);
  if (it == g_alloc.begin()) return g_alloc.end();
  --it;
  if (c >= it->first && c + bytes <= it->first + it->second) return it;
  return g_alloc.end();
}
} // namespace

int tcad_standin_is_device(const void *p, size_t bytes) { return p && find_alloc(p, bytes) != g_alloc.end(); }

cudaError_t tcad_standin_fail(cudaError_t e, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "cuda stand-in: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  g_last = e;
  return e;
}

/* ---- runtime ---- */

cudaError_t cudaGetDeviceCount(int *n)
{
  /* TCAD_STANDIN_DEVICES=N pretends N devices (all the same CPU), for device selection */
  const char *nd = getenv("TCAD_STANDIN_DEVICES");
  *n = getenv("TCAD_STANDIN_NO_DEVICE") ? 0 : nd && atoi(nd) > 0 ? atoi(nd) : 1;
  return *n ? cudaSuccess : cudaErrorNoDevice;
}
static int g_device = 0;
cudaError_t cudaSetDevice(int dev)
{
  int n;
  cudaGetDeviceCount(&n);
  if (dev < 0 || dev >= n) return tcad_standin_fail(cudaErrorInvalidDevice, "cudaSetDevice: no device %d", dev);
  g_device = dev;
  return cudaSuccess;
}
cudaError_t cudaGetDevice(int *dev) { return *dev = g_device, cudaSuccess; }
cudaError_t cudaGetDeviceProperties(cudaDeviceProp *p, int dev)
{
  int n;
  cudaGetDeviceCount(&n);
  if (dev < 0 || dev >= n)
    return tcad_standin_fail(cudaErrorInvalidValue, "cudaGetDeviceProperties: no device %d", dev);
  memset(p, 0, sizeof *p);
  snprintf(p->name, sizeof p->name, "CPU stand-in (tests/cuda-standin)");
  p->totalGlobalMem = (size_t)8 << 30, p->major = 9, p->minor = 0, p->multiProcessorCount = 1;
  return cudaSuccess;
}
cudaError_t cudaRuntimeGetVersion(int *v) { return *v = 13000, cudaSuccess; }
cudaError_t cudaDriverGetVersion(int *v) { return *v = 13000, cudaSuccess; }
cudaError_t cudaDeviceSynchronize(void) { return cudaSuccess; }
cudaError_t cudaGetLastError(void)
{
  const cudaError_t e = g_last;
  g_last = cudaSuccess;
  return e;
}
const char *cudaGetErrorName(cudaError_t e)
{
  switch (e) {
  case cudaSuccess: return "cudaSuccess";
  case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
  case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
  case cudaErrorInvalidDevicePointer: return "cudaErrorInvalidDevicePointer";
  case cudaErrorInvalidMemcpyDirection: return "cudaErrorInvalidMemcpyDirection";
  case cudaErrorNoDevice: return "cudaErrorNoDevice";
  case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
  }
  return "cudaErrorUnknown";
}
const char *cudaGetErrorString(cudaError_t e)
{
  return e == cudaSuccess         ? "no error"
         : e == cudaErrorNoDevice ? "no CUDA-capable device (stand-in)"
                                  : "stand-in check failed (see stderr)";
}
cudaError_t cudaMalloc(void **p, size_t bytes)
{
  char *m = (char *)malloc(bytes ? bytes : 1);
  if (!m) return *p = NULL, tcad_standin_fail(cudaErrorMemoryAllocation, "cudaMalloc(%zu): out of memory", bytes);
  memset(m, 0xFF, bytes);
  g_alloc[m] = bytes;
  *p = m;
  return cudaSuccess;
}
cudaError_t cudaFree(void *p)
{
  if (!p) return cudaSuccess;
  auto it = g_alloc.find((const char *)p);
  if (it == g_alloc.end())
    return tcad_standin_fail(cudaErrorInvalidDevicePointer, "cudaFree(%p): not the start of a device allocation", p);
  g_alloc.erase(it);
  free(p);
  return cudaSuccess;
}
cudaError_t cudaMemcpy(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind)
{
  if (!bytes) return cudaSuccess;
  const int dd = tcad_standin_is_device(dst, bytes), sd = tcad_standin_is_device(src, bytes);
  const bool want_dd = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
  const bool want_sd = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
  static const char *names[] = {"HostToHost", "HostToDevice", "DeviceToHost", "DeviceToDevice", "Default"};
  if (kind != cudaMemcpyDefault && (dd != want_dd || sd != want_sd))
    return tcad_standin_fail(cudaErrorInvalidValue, "cudaMemcpy %s of %zu bytes: destination %p is %s, source %p is %s",
                             names[kind], bytes, dst, dd ? "device memory" : "not (wholly) in a device allocation", src,
                             sd ? "device memory" : "not (wholly) in a device allocation");
  if (!dst || !src) return tcad_standin_fail(cudaErrorInvalidValue, "cudaMemcpy: a NULL pointer");
  memmove(dst, src, bytes);
  return cudaSuccess;
}
cudaError_t cudaMemset(void *p, int value, size_t bytes)
{
  if (!bytes) return cudaSuccess;
  if (!tcad_standin_is_device(p, bytes))
    return tcad_standin_fail(cudaErrorInvalidValue, "cudaMemset(%p, %zu bytes): not (wholly) in a device allocation", p,
                             bytes);
  memset(p, value, bytes);
  return cudaSuccess;
}
struct TcadStandinEvent {
  std::chrono::steady_clock::time_point t;
  bool recorded;
};
cudaError_t cudaEventCreate(cudaEvent_t *e) { return *e = new TcadStandinEvent{{}, false}, cudaSuccess; }
cudaError_t cudaEventDestroy(cudaEvent_t e) { return delete e, cudaSuccess; }
cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t)
{
  e->t = std::chrono::steady_clock::now(), e->recorded = true;
  return cudaSuccess;
}
cudaError_t cudaEventSynchronize(cudaEvent_t e)
{
  return e->recorded ? cudaSuccess : tcad_standin_fail(cudaErrorInvalidValue, "cudaEventSynchronize: never recorded");
}
cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t a, cudaEvent_t b)
{
  if (!a->recorded || !b->recorded)
    return tcad_standin_fail(cudaErrorInvalidValue, "cudaEventElapsedTime: an event was never recorded");
  *ms = (float)std::chrono::duration<double, std::milli>(b->t - a->t).count();
  return cudaSuccess;
}

/* ---- cuSPARSE ---- */

struct TcadStandinSparse {
  int unused;
};
struct TcadStandinMatDescr {
  cusparseFillMode_t fill;
  cusparseDiagType_t diag;
};
struct TcadStandinSpMat {
  int64_t rows, cols, nnz;
  const int *rowptr, *col;
  const double *val;
};
struct TcadStandinDnVec {
  int64_t n;
  double *v;
};
struct TcadStandinIlu {
  int zero_pivot; /* block row of the first zero pivot of the last factorization, or -1 */
  bool analysed;
};
struct TcadStandinSv {
  bool analysed;
};

static cusparseStatus_t sp_fail(cusparseStatus_t s, const char *what)
{
  tcad_standin_fail(cudaErrorInvalidValue, "%s", what);
  return s;
}
#define TCAD_SP_DEV(p, bytes, what)                                                                                    \
  do {                                                                                                                 \
    if (!tcad_standin_is_device((p), (bytes))) return sp_fail(CUSPARSE_STATUS_INVALID_VALUE, what);                    \
  } while (0)

cusparseStatus_t cusparseCreate(cusparseHandle_t *h) { return *h = new TcadStandinSparse{0}, CUSPARSE_STATUS_SUCCESS; }
cusparseStatus_t cusparseDestroy(cusparseHandle_t h) { return delete h, CUSPARSE_STATUS_SUCCESS; }
const char *cusparseGetErrorName(cusparseStatus_t s)
{
  return s == CUSPARSE_STATUS_SUCCESS         ? "CUSPARSE_STATUS_SUCCESS"
         : s == CUSPARSE_STATUS_ZERO_PIVOT    ? "CUSPARSE_STATUS_ZERO_PIVOT"
         : s == CUSPARSE_STATUS_NOT_SUPPORTED ? "CUSPARSE_STATUS_NOT_SUPPORTED"
                                              : "CUSPARSE_STATUS_INVALID_VALUE";
}
const char *cusparseGetErrorString(cusparseStatus_t s)
{
  return s == CUSPARSE_STATUS_SUCCESS ? "success" : "stand-in check failed (see stderr)";
}
cusparseStatus_t cusparseCreateMatDescr(cusparseMatDescr_t *d)
{
  return *d = new TcadStandinMatDescr{CUSPARSE_FILL_MODE_LOWER, CUSPARSE_DIAG_TYPE_NON_UNIT}, CUSPARSE_STATUS_SUCCESS;
}
cusparseStatus_t cusparseDestroyMatDescr(cusparseMatDescr_t d) { return delete d, CUSPARSE_STATUS_SUCCESS; }
cusparseStatus_t cusparseSetMatFillMode(cusparseMatDescr_t d, cusparseFillMode_t f)
{
  return d->fill = f, CUSPARSE_STATUS_SUCCESS;
}
cusparseStatus_t cusparseSetMatDiagType(cusparseMatDescr_t d, cusparseDiagType_t t)
{
  return d->diag = t, CUSPARSE_STATUS_SUCCESS;
}
cusparseStatus_t cusparseCreateCsr(cusparseSpMatDescr_t *A, int64_t rows, int64_t cols, int64_t nnz, void *rowptr,
                                   void *col, void *val, cusparseIndexType_t rt, cusparseIndexType_t ct,
                                   cusparseIndexBase_t base, cudaDataType vt)
{
  if (rt != CUSPARSE_INDEX_32I || ct != CUSPARSE_INDEX_32I || base != CUSPARSE_INDEX_BASE_ZERO || vt != CUDA_R_64F)
    return sp_fail(CUSPARSE_STATUS_NOT_SUPPORTED, "cusparseCreateCsr: only 32-bit zero-based indices, double values");
  TCAD_SP_DEV(rowptr, (size_t)(rows + 1) * sizeof(int), "cusparseCreateCsr: rowptr is not a device array of rows + 1");
  TCAD_SP_DEV(col, (size_t)nnz * sizeof(int), "cusparseCreateCsr: col is not a device array of nnz");
  TCAD_SP_DEV(val, (size_t)nnz * sizeof(double), "cusparseCreateCsr: values is not a device array of nnz");
  *A = new TcadStandinSpMat{rows, cols, nnz, (const int *)rowptr, (const int *)col, (const double *)val};
  return CUSPARSE_STATUS_SUCCESS;
}
cusparseStatus_t cusparseDestroySpMat(cusparseSpMatDescr_t A) { return delete A, CUSPARSE_STATUS_SUCCESS; }
cusparseStatus_t cusparseCreateDnVec(cusparseDnVecDescr_t *v, int64_t size, void *values, cudaDataType vt)
{
  if (vt != CUDA_R_64F) return sp_fail(CUSPARSE_STATUS_NOT_SUPPORTED, "cusparseCreateDnVec: only double");
  if (values) TCAD_SP_DEV(values, (size_t)size * sizeof(double), "cusparseCreateDnVec: values is not a device array");
  *v = new TcadStandinDnVec{size, (double *)values};
  return CUSPARSE_STATUS_SUCCESS;
}
cusparseStatus_t cusparseDestroyDnVec(cusparseDnVecDescr_t v) { return delete v, CUSPARSE_STATUS_SUCCESS; }
cusparseStatus_t cusparseDnVecSetValues(cusparseDnVecDescr_t v, void *values)
{
  TCAD_SP_DEV(values, (size_t)v->n * sizeof(double), "cusparseDnVecSetValues: values is not a device array of size n");
  v->v = (double *)values;
  return CUSPARSE_STATUS_SUCCESS;
}
cusparseStatus_t cusparseSpMV_bufferSize(cusparseHandle_t, cusparseOperation_t, const void *, cusparseSpMatDescr_t,
                                         cusparseDnVecDescr_t, const void *, cusparseDnVecDescr_t, cudaDataType,
                                         cusparseSpMVAlg_t, size_t *bytes)
{
  return *bytes = 64, CUSPARSE_STATUS_SUCCESS;
}
cusparseStatus_t cusparseSpMV(cusparseHandle_t, cusparseOperation_t op, const void *alpha, cusparseSpMatDescr_t A,
                              cusparseDnVecDescr_t x, const void *beta, cusparseDnVecDescr_t y, cudaDataType ct,
                              cusparseSpMVAlg_t, void *buffer)
{
  if (op != CUSPARSE_OPERATION_NON_TRANSPOSE || ct != CUDA_R_64F)
    return sp_fail(CUSPARSE_STATUS_NOT_SUPPORTED, "cusparseSpMV: only y = a A x + b y in double");
  /* cuSPARSE's pointer mode is host by default: alpha and beta are host scalars */
  if (tcad_standin_is_device(alpha, 8) || tcad_standin_is_device(beta, 8))
    return sp_fail(CUSPARSE_STATUS_INVALID_VALUE, "cusparseSpMV: alpha/beta are device pointers in host pointer mode");
  if (x->n != A->cols || y->n != A->rows) return sp_fail(CUSPARSE_STATUS_INVALID_VALUE, "cusparseSpMV: sizes differ");
  TCAD_SP_DEV(x->v, (size_t)x->n * sizeof(double), "cusparseSpMV: x is not a device vector");
  TCAD_SP_DEV(y->v, (size_t)y->n * sizeof(double), "cusparseSpMV: y is not a device vector");
  TCAD_SP_DEV(buffer, 1, "cusparseSpMV: the buffer is not device memory");
  const double a = *(const double *)alpha, b = *(const double *)beta;
  for (int64_t r = 0; r < A->rows; r++) {
    double s = 0;
    for (int k = A->rowptr[r]; k < A->rowptr[r + 1]; k++) s += A->val[k] * x->v[A->col[k]];
    y->v[r] = b == 0.0 ? a * s : a * s + b * y->v[r];
  }
  return CUSPARSE_STATUS_SUCCESS;
}
cusparseStatus_t cusparseCreateBsrilu02Info(bsrilu02Info_t *i)
{
  return *i = new TcadStandinIlu{-1, false}, CUSPARSE_STATUS_SUCCESS;
}
cusparseStatus_t cusparseDestroyBsrilu02Info(bsrilu02Info_t i) { return delete i, CUSPARSE_STATUS_SUCCESS; }
cusparseStatus_t cusparseCreateBsrsv2Info(bsrsv2Info_t *i)
{
  return *i = new TcadStandinSv{false}, CUSPARSE_STATUS_SUCCESS;
}
cusparseStatus_t cusparseDestroyBsrsv2Info(bsrsv2Info_t i) { return delete i, CUSPARSE_STATUS_SUCCESS; }

/* the BSR arrays of mb block rows, nnzb blocks of bs×bs on the device */
static cusparseStatus_t bsr_check(const char *call, cusparseDirection_t dir, int mb, int nnzb, const double *val,
                                  const int *rowptr, const int *col, int bs)
{
  char what[200];
  if (dir != CUSPARSE_DIRECTION_ROW) {
    snprintf(what, sizeof what, "%s: only row-major blocks", call);
    return sp_fail(CUSPARSE_STATUS_NOT_SUPPORTED, what);
  }
  snprintf(what, sizeof what, "%s: the BSR arrays are not device arrays of their sizes", call);
  TCAD_SP_DEV(rowptr, (size_t)(mb + 1) * sizeof(int), what);
  TCAD_SP_DEV(col, (size_t)nnzb * sizeof(int), what);
  TCAD_SP_DEV(val, (size_t)nnzb * bs * bs * sizeof(double), what);
  if (rowptr[mb] != nnzb) {
    snprintf(what, sizeof what, "%s: rowptr[mb] = %d, not nnzb = %d", call, rowptr[mb], nnzb);
    return sp_fail(CUSPARSE_STATUS_INVALID_VALUE, what);
  }
  return CUSPARSE_STATUS_SUCCESS;
}

/* scalar row R of the BSR matrix: its entries' columns and value pointers, columns ascending
 * (block columns are ascending within a block row) */
static void scalar_row(int R, const double *val, const int *rowptr, const int *col, int bs, std::vector<int> &cols,
                       std::vector<double *> &vals)
{
  const int i = R / bs, r = R % bs;
  cols.clear(), vals.clear();
  for (int k = rowptr[i]; k < rowptr[i + 1]; k++)
    for (int c = 0; c < bs; c++)
      cols.push_back(bs * col[k] + c), vals.push_back((double *)val + (size_t)k * bs * bs + r * bs + c);
}

cusparseStatus_t cusparseDbsrilu02_bufferSize(cusparseHandle_t, cusparseDirection_t dir, int mb, int nnzb,
                                              const cusparseMatDescr_t, double *val, const int *rowptr, const int *col,
                                              int bs, bsrilu02Info_t, int *bytes)
{
  *bytes = 64;
  return bsr_check("cusparseDbsrilu02_bufferSize", dir, mb, nnzb, val, rowptr, col, bs);
}
cusparseStatus_t cusparseDbsrilu02_analysis(cusparseHandle_t, cusparseDirection_t dir, int mb, int nnzb,
                                            const cusparseMatDescr_t, double *val, const int *rowptr, const int *col,
                                            int bs, bsrilu02Info_t info, cusparseSolvePolicy_t, void *buffer)
{
  const cusparseStatus_t s = bsr_check("cusparseDbsrilu02_analysis", dir, mb, nnzb, val, rowptr, col, bs);
  if (s) return s;
  TCAD_SP_DEV(buffer, 1, "cusparseDbsrilu02_analysis: the buffer is not device memory");
  info->zero_pivot = -1, info->analysed = true;
  for (int i = 0; i < mb && info->zero_pivot < 0; i++) { /* structural: a block row without its diagonal block */
    bool diag = false;
    for (int k = rowptr[i]; k < rowptr[i + 1]; k++) diag = diag || col[k] == i;
    if (!diag) info->zero_pivot = i;
  }
  return CUSPARSE_STATUS_SUCCESS;
}
/* scalar ILU(0) on the block pattern, in place (the diagonal of U kept, L unit) */
cusparseStatus_t cusparseDbsrilu02(cusparseHandle_t, cusparseDirection_t dir, int mb, int nnzb,
                                   const cusparseMatDescr_t, double *val, const int *rowptr, const int *col, int bs,
                                   bsrilu02Info_t info, cusparseSolvePolicy_t, void *buffer)
{
  const cusparseStatus_t s = bsr_check("cusparseDbsrilu02", dir, mb, nnzb, val, rowptr, col, bs);
  if (s) return s;
  if (!info->analysed) return sp_fail(CUSPARSE_STATUS_INVALID_VALUE, "cusparseDbsrilu02: not analysed");
  TCAD_SP_DEV(buffer, 1, "cusparseDbsrilu02: the buffer is not device memory");
  info->zero_pivot = -1;
  const int N = mb * bs;
  std::vector<std::vector<int>> C(N);
  std::vector<std::vector<double *>> V(N);
  std::vector<int> diag(N, -1);
  for (int R = 0; R < N; R++) {
    scalar_row(R, val, rowptr, col, bs, C[R], V[R]);
    for (size_t q = 0; q < C[R].size(); q++)
      if (C[R][q] == R) diag[R] = (int)q;
  }
  for (int R = 0; R < N; R++) {
    for (size_t q = 0; q < C[R].size() && C[R][q] < R; q++) {
      const int K = C[R][q];
      const double piv = diag[K] >= 0 ? *V[K][diag[K]] : 0.0;
      if (piv == 0.0) {
        if (info->zero_pivot < 0) info->zero_pivot = K / bs;
        continue;
      }
      const double l = *V[R][q] /= piv;
      /* a_RJ -= l a_KJ for J > K where both exist (both rows' columns ascending) */
      size_t p = q + 1, t = diag[K] + 1;
      while (p < C[R].size() && t < C[K].size()) {
        if (C[R][p] < C[K][t])
          p++;
        else if (C[R][p] > C[K][t])
          t++;
        else
          *V[R][p++] -= l * *V[K][t++];
      }
    }
    if ((diag[R] < 0 || *V[R][diag[R]] == 0.0) && info->zero_pivot < 0) info->zero_pivot = R / bs;
  }
  return CUSPARSE_STATUS_SUCCESS;
}
cusparseStatus_t cusparseXbsrilu02_zeroPivot(cusparseHandle_t, bsrilu02Info_t info, int *position)
{
  if (tcad_standin_is_device(position, sizeof(int)))
    return sp_fail(CUSPARSE_STATUS_INVALID_VALUE, "cusparseXbsrilu02_zeroPivot: position is a device pointer in host "
                                                  "pointer mode");
  *position = info->zero_pivot;
  return info->zero_pivot >= 0 ? CUSPARSE_STATUS_ZERO_PIVOT : CUSPARSE_STATUS_SUCCESS;
}
cusparseStatus_t cusparseDbsrsv2_bufferSize(cusparseHandle_t, cusparseDirection_t dir, cusparseOperation_t, int mb,
                                            int nnzb, const cusparseMatDescr_t, double *val, const int *rowptr,
                                            const int *col, int bs, bsrsv2Info_t, int *bytes)
{
  *bytes = 64;
  return bsr_check("cusparseDbsrsv2_bufferSize", dir, mb, nnzb, val, rowptr, col, bs);
}
cusparseStatus_t cusparseDbsrsv2_analysis(cusparseHandle_t, cusparseDirection_t dir, cusparseOperation_t, int mb,
                                          int nnzb, const cusparseMatDescr_t, const double *val, const int *rowptr,
                                          const int *col, int bs, bsrsv2Info_t info, cusparseSolvePolicy_t,
                                          void *buffer)
{
  const cusparseStatus_t s = bsr_check("cusparseDbsrsv2_analysis", dir, mb, nnzb, val, rowptr, col, bs);
  if (s) return s;
  TCAD_SP_DEV(buffer, 1, "cusparseDbsrsv2_analysis: the buffer is not device memory");
  info->analysed = true;
  return CUSPARSE_STATUS_SUCCESS;
}
cusparseStatus_t cusparseDbsrsv2_solve(cusparseHandle_t, cusparseDirection_t dir, cusparseOperation_t op, int mb,
                                       int nnzb, const double *alpha, const cusparseMatDescr_t d, const double *val,
                                       const int *rowptr, const int *col, int bs, bsrsv2Info_t info, const double *x,
                                       double *y, cusparseSolvePolicy_t, void *buffer)
{
  const cusparseStatus_t s = bsr_check("cusparseDbsrsv2_solve", dir, mb, nnzb, val, rowptr, col, bs);
  if (s) return s;
  if (op != CUSPARSE_OPERATION_NON_TRANSPOSE) return sp_fail(CUSPARSE_STATUS_NOT_SUPPORTED, "bsrsv2: only op(A) = A");
  if (!info->analysed) return sp_fail(CUSPARSE_STATUS_INVALID_VALUE, "cusparseDbsrsv2_solve: not analysed");
  if (tcad_standin_is_device(alpha, 8))
    return sp_fail(CUSPARSE_STATUS_INVALID_VALUE, "cusparseDbsrsv2_solve: alpha is a device pointer in host mode");
  const int N = mb * bs;
  TCAD_SP_DEV(x, (size_t)N * sizeof(double), "cusparseDbsrsv2_solve: x is not a device vector of mb·bs");
  TCAD_SP_DEV(y, (size_t)N * sizeof(double), "cusparseDbsrsv2_solve: y is not a device vector of mb·bs");
  TCAD_SP_DEV(buffer, 1, "cusparseDbsrsv2_solve: the buffer is not device memory");
  std::vector<int> cols;
  std::vector<double *> vals;
  const bool lower = d->fill == CUSPARSE_FILL_MODE_LOWER, unit = d->diag == CUSPARSE_DIAG_TYPE_UNIT;
  for (int q = 0; q < N; q++) {
    const int R = lower ? q : N - 1 - q;
    scalar_row(R, val, rowptr, col, bs, cols, vals);
    double sum = *alpha * x[R], dg = 1.0;
    for (size_t p = 0; p < cols.size(); p++) {
      const int J = cols[p];
      if (J == R)
        dg = *vals[p];
      else if (lower ? J < R : J > R)
        sum -= *vals[p] * y[J];
    }
    y[R] = unit ? sum : sum / dg;
  }
  return CUSPARSE_STATUS_SUCCESS;
}

/* ---- cuBLAS ---- */

struct TcadStandinBlas {
  cublasPointerMode_t mode;
};
static cublasStatus_t bl_fail(const char *what)
{
  tcad_standin_fail(cudaErrorInvalidValue, "%s", what);
  return CUBLAS_STATUS_INVALID_VALUE;
}
/* a scalar's pointer must be of the kind the handle's pointer mode says */
static bool scalar_ok(const cublasHandle_t h, const void *p)
{
  return (h->mode == CUBLAS_POINTER_MODE_DEVICE) == (tcad_standin_is_device(p, sizeof(double)) != 0);
}
cublasStatus_t cublasCreate(cublasHandle_t *h)
{
  return *h = new TcadStandinBlas{CUBLAS_POINTER_MODE_HOST}, CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDestroy(cublasHandle_t h) { return delete h, CUBLAS_STATUS_SUCCESS; }
cublasStatus_t cublasSetPointerMode(cublasHandle_t h, cublasPointerMode_t m)
{
  return h->mode = m, CUBLAS_STATUS_SUCCESS;
}
const char *cublasGetStatusName(cublasStatus_t s)
{
  return s == CUBLAS_STATUS_SUCCESS ? "CUBLAS_STATUS_SUCCESS" : "CUBLAS_STATUS_INVALID_VALUE";
}
const char *cublasGetStatusString(cublasStatus_t s)
{
  return s == CUBLAS_STATUS_SUCCESS ? "success" : "stand-in check failed (see stderr)";
}
cublasStatus_t cublasDdot(cublasHandle_t h, int n, const double *x, int incx, const double *y, int incy, double *result)
{
  if (incx != 1 || incy != 1) return bl_fail("cublasDdot: the stand-in takes unit strides");
  if (!tcad_standin_is_device(x, (size_t)n * 8) || !tcad_standin_is_device(y, (size_t)n * 8))
    return bl_fail("cublasDdot: x or y is not a device vector of n");
  if (!scalar_ok(h, result)) return bl_fail("cublasDdot: the result pointer does not match the pointer mode");
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  *result = s;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDgemv(cublasHandle_t h, cublasOperation_t op, int m, int n, const double *alpha, const double *A,
                           int lda, const double *x, int incx, const double *beta, double *y, int incy)
{
  if (incx != 1 || incy != 1 || lda < m) return bl_fail("cublasDgemv: the stand-in takes unit strides, lda >= m");
  const int nx = op == CUBLAS_OP_N ? n : m, ny = op == CUBLAS_OP_N ? m : n;
  if (!tcad_standin_is_device(A, (size_t)lda * n * 8) || !tcad_standin_is_device(x, (size_t)nx * 8) ||
      !tcad_standin_is_device(y, (size_t)ny * 8))
    return bl_fail("cublasDgemv: A, x or y is not a device array of its size");
  if (!scalar_ok(h, alpha) || !scalar_ok(h, beta))
    return bl_fail("cublasDgemv: alpha or beta does not match the pointer mode");
  const double a = *alpha, b = *beta;
  std::vector<double> out((size_t)ny);
  for (int r = 0; r < ny; r++) {
    double s = 0;
    if (op == CUBLAS_OP_N)
      for (int c = 0; c < n; c++) s += A[(size_t)c * lda + r] * x[c];
    else
      for (int c = 0; c < m; c++) s += A[(size_t)r * lda + c] * x[c];
    out[r] = b == 0.0 ? a * s : a * s + b * y[r];
  }
  for (int r = 0; r < ny; r++) y[r] = out[r];
  return CUBLAS_STATUS_SUCCESS;
}
