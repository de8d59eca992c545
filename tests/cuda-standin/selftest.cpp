/* The stand-in's own checks (tests/cuda-standin/README.md): that it refuses what the real CUDA
 * libraries refuse (a copy in the wrong direction or past an allocation's end, a free of a pointer
 * inside an allocation, a cuBLAS scalar of the wrong pointer kind), fills new allocations with
 * NaN, and that its ILU(0) and triangular solves give the exact LU of a matrix whose pattern has
 * no fill (block tridiagonal), against a dense solve written here. */
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cusparse.h>

#include <cmath>
#include <cstdio>
#include <vector>

static int g_fail = 0;
static void check(bool ok, const char *name, const char *detail = "")
{
  printf("%s standin.%s%s%s\n", ok ? "PASS" : "FAIL", name, *detail ? ": " : "", detail);
  if (!ok) g_fail = 1;
}

int main()
{
  double *d = nullptr, h[4] = {1, 2, 3, 4};
  check(cudaMalloc(&d, 4 * sizeof(double)) == cudaSuccess && std::isnan(d[0]) && std::isnan(d[3]), "malloc_fills_nan");
  check(cudaMemcpy(d, h, sizeof h, cudaMemcpyHostToDevice) == cudaSuccess && d[2] == 3, "copy_to_device");
  check(cudaMemcpy(h, d, sizeof h, cudaMemcpyHostToDevice) != cudaSuccess, "wrong_direction_refused");
  check(cudaGetLastError() != cudaSuccess && cudaGetLastError() == cudaSuccess, "error_sticks_until_read");
  check(cudaMemcpy(d + 1, h, sizeof h, cudaMemcpyHostToDevice) != cudaSuccess, "past_the_end_refused");
  check(cudaMemset(h, 0, sizeof h) != cudaSuccess, "memset_of_host_refused");
  check(cudaFree(d + 1) != cudaSuccess, "free_inside_refused");
  cudaGetLastError();
  cublasHandle_t bl;
  cublasCreate(&bl);
  cublasSetPointerMode(bl, CUBLAS_POINTER_MODE_DEVICE);
  double host_result = 0, *dres = nullptr;
  cudaMalloc(&dres, sizeof(double));
  check(cublasDdot(bl, 4, d, 1, d, 1, &host_result) != CUBLAS_STATUS_SUCCESS, "device_mode_host_scalar_refused");
  check(cublasDdot(bl, 4, d, 1, d, 1, dres) == CUBLAS_STATUS_SUCCESS && *dres == 30, "ddot");
  cublasDestroy(bl);
  cudaGetLastError();

  /* ILU(0) = LU on a block tridiagonal matrix (2×2 blocks, 3 block rows: no fill outside the
   * pattern), then L and U solves: x against Gaussian elimination on the dense copy */
  const int mb = 3, bs = 2, N = mb * bs;
  std::vector<int> rp = {0, 2, 5, 7}, col = {0, 1, 0, 1, 2, 1, 2};
  const int nnzb = 7;
  std::vector<double> dense(N * N, 0.0), val(nnzb * bs * bs);
  for (int i = 0, k = 0; i < mb; i++)
    for (int q = rp[i]; q < rp[i + 1]; q++, k++)
      for (int r = 0; r < bs; r++)
        for (int c = 0; c < bs; c++) {
          const int R = bs * i + r, C = bs * col[q] + c;
          const double v = R == C ? 4.0 + R : 1.0 / (1.0 + R + 2.0 * C);
          val[(size_t)k * bs * bs + r * bs + c] = v, dense[R * N + C] = v;
        }
  int *drp, *dcol;
  double *dval, *dx, *dy, *dz;
  void *buf;
  cudaMalloc(&drp, rp.size() * sizeof(int)), cudaMalloc(&dcol, col.size() * sizeof(int));
  cudaMalloc(&dval, val.size() * sizeof(double)), cudaMalloc(&dx, N * sizeof(double));
  cudaMalloc(&dy, N * sizeof(double)), cudaMalloc(&dz, N * sizeof(double)), cudaMalloc(&buf, 64);
  cudaMemcpy(drp, rp.data(), rp.size() * sizeof(int), cudaMemcpyHostToDevice);
  cudaMemcpy(dcol, col.data(), col.size() * sizeof(int), cudaMemcpyHostToDevice);
  cudaMemcpy(dval, val.data(), val.size() * sizeof(double), cudaMemcpyHostToDevice);
  std::vector<double> b(N);
  for (int i = 0; i < N; i++) b[i] = 1.0 + i;
  cudaMemcpy(dx, b.data(), N * sizeof(double), cudaMemcpyHostToDevice);
  cusparseHandle_t sp;
  cusparseCreate(&sp);
  cusparseMatDescr_t dm, dl, du;
  cusparseCreateMatDescr(&dm), cusparseCreateMatDescr(&dl), cusparseCreateMatDescr(&du);
  cusparseSetMatFillMode(dl, CUSPARSE_FILL_MODE_LOWER), cusparseSetMatDiagType(dl, CUSPARSE_DIAG_TYPE_UNIT);
  cusparseSetMatFillMode(du, CUSPARSE_FILL_MODE_UPPER), cusparseSetMatDiagType(du, CUSPARSE_DIAG_TYPE_NON_UNIT);
  bsrilu02Info_t im;
  bsrsv2Info_t il, iu;
  cusparseCreateBsrilu02Info(&im), cusparseCreateBsrsv2Info(&il), cusparseCreateBsrsv2Info(&iu);
  const cusparseDirection_t dir = CUSPARSE_DIRECTION_ROW;
  const cusparseSolvePolicy_t pol = CUSPARSE_SOLVE_POLICY_USE_LEVEL;
  const double one = 1.0;
  int pos = 0;
  bool ok = !cusparseDbsrilu02_analysis(sp, dir, mb, nnzb, dm, dval, drp, dcol, bs, im, pol, buf) &&
            !cusparseDbsrilu02(sp, dir, mb, nnzb, dm, dval, drp, dcol, bs, im, pol, buf) &&
            cusparseXbsrilu02_zeroPivot(sp, im, &pos) == CUSPARSE_STATUS_SUCCESS && pos == -1 &&
            !cusparseDbsrsv2_analysis(sp, dir, CUSPARSE_OPERATION_NON_TRANSPOSE, mb, nnzb, dl, dval, drp, dcol, bs, il,
                                      pol, buf) &&
            !cusparseDbsrsv2_analysis(sp, dir, CUSPARSE_OPERATION_NON_TRANSPOSE, mb, nnzb, du, dval, drp, dcol, bs, iu,
                                      pol, buf) &&
            !cusparseDbsrsv2_solve(sp, dir, CUSPARSE_OPERATION_NON_TRANSPOSE, mb, nnzb, &one, dl, dval, drp, dcol, bs,
                                   il, dx, dy, pol, buf) &&
            !cusparseDbsrsv2_solve(sp, dir, CUSPARSE_OPERATION_NON_TRANSPOSE, mb, nnzb, &one, du, dval, drp, dcol, bs,
                                   iu, dy, dz, pol, buf);
  /* dense Gaussian elimination (no pivoting needed: diagonally dominant) */
  std::vector<double> a = dense, x = b;
  for (int k = 0; k < N; k++)
    for (int i = k + 1; i < N; i++) {
      const double m = a[i * N + k] / a[k * N + k];
      for (int j = k; j < N; j++) a[i * N + j] -= m * a[k * N + j];
      x[i] -= m * x[k];
    }
  for (int i = N - 1; i >= 0; i--) {
    for (int j = i + 1; j < N; j++) x[i] -= a[i * N + j] * x[j];
    x[i] /= a[i * N + i];
  }
  double err = 0;
  std::vector<double> z(N);
  cudaMemcpy(z.data(), dz, N * sizeof(double), cudaMemcpyDeviceToHost);
  for (int i = 0; i < N; i++) err = std::fmax(err, std::fabs(z[i] - x[i]) / std::fabs(x[i]));
  char det[100];
  snprintf(det, sizeof det, "largest relative difference %.3g", err);
  check(ok && err < 1e-13, "ilu0_is_lu_without_fill", det);
  return g_fail;
}
