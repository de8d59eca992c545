/* CUDA device queries and the device side of the host-vs-device physics tests. The kernels
 * include the same TCAD_HD headers as the host code. */
#include <cstdio>
#include <cstring>

#include "kernels/cuda_check.h"
#include "kernels/cuda.h"
#include "kernels/physics/bernoulli.h"
#include "kernels/physics/probe.h"


extern "C" void tcad_cuda_query(TcadCudaInfo *info)
{
  memset(info, 0, sizeof *info);
  info->compiled = 1;
  cudaRuntimeGetVersion(&info->runtime_version);
  cudaError_t e = cudaDriverGetVersion(&info->driver_version);
  int n = 0;
  if (e == cudaSuccess) e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess || n == 0) {
    if (info->driver_version == 0)
      snprintf(info->why, sizeof info->why, "no CUDA device: no NVIDIA driver on this machine");
    else
      snprintf(info->why, sizeof info->why, "no CUDA device: %s",
               e != cudaSuccess ? cudaGetErrorName(e) : "the driver reports 0 devices");
    cudaGetLastError(); /* clear the sticky error so later queries start clean */
    return;
  }
  cudaDeviceProp p;
  if (cudaGetDeviceProperties(&p, 0) != cudaSuccess) {
    snprintf(info->why, sizeof info->why, "cudaGetDeviceProperties failed");
    return;
  }
  info->ndevices = n;
  snprintf(info->name, sizeof info->name, "%s", p.name);
  info->major = p.major;
  info->minor = p.minor;
  info->memory_gib = (double)p.totalGlobalMem / (1024.0 * 1024.0 * 1024.0);
}

__global__ static void bernoulli_kernel(int n, const double *x, double *b, double *db)
{
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
    b[i] = tcad_bernoulli(x[i], &db[i]);
}

extern "C" int TcadCudaBernoulli(int n, const double *x, double *b, double *dbdx)
{
  double *dx = NULL, *dbv = NULL, *ddb = NULL;
  size_t bytes = (size_t)n * sizeof(double);
  TCAD_CUDA_CHECK(cudaMalloc(&dx, bytes));
  TCAD_CUDA_CHECK(cudaMalloc(&dbv, bytes));
  TCAD_CUDA_CHECK(cudaMalloc(&ddb, bytes));
  TCAD_CUDA_CHECK(cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice));
  bernoulli_kernel<<<(n + 255) / 256, 256>>>(n, dx, dbv, ddb);
  TCAD_CUDA_CHECK(cudaGetLastError());
  TCAD_CUDA_CHECK(cudaMemcpy(b, dbv, bytes, cudaMemcpyDeviceToHost));
  TCAD_CUDA_CHECK(cudaMemcpy(dbdx, ddb, bytes, cudaMemcpyDeviceToHost));
  TCAD_CUDA_CHECK(cudaFree(dx));
  TCAD_CUDA_CHECK(cudaFree(dbv));
  TCAD_CUDA_CHECK(cudaFree(ddb));
  return 0;
}

__global__ static void probe_kernel(int which, int n, const double *in, double *out)
{
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
    tcad_physics_probe(which, in + (size_t)TCAD_PROBE_NIN * i, out + (size_t)TCAD_PROBE_NOUT * i);
}

extern "C" int TcadCudaPhysicsProbe(int which, int n, const double *in, double *out)
{
  double *din = NULL, *dout = NULL;
  const size_t bin = (size_t)n * TCAD_PROBE_NIN * sizeof(double), bout = (size_t)n * TCAD_PROBE_NOUT * sizeof(double);
  TCAD_CUDA_CHECK(cudaMalloc(&din, bin ? bin : 1));
  TCAD_CUDA_CHECK(cudaMalloc(&dout, bout ? bout : 1));
  TCAD_CUDA_CHECK(cudaMemcpy(din, in, bin, cudaMemcpyHostToDevice));
  probe_kernel<<<(n + 127) / 128 > 0 ? (n + 127) / 128 : 1, 128>>>(which, n, din, dout);
  TCAD_CUDA_CHECK(cudaGetLastError());
  TCAD_CUDA_CHECK(cudaMemcpy(out, dout, bout, cudaMemcpyDeviceToHost));
  TCAD_CUDA_CHECK(cudaFree(din));
  TCAD_CUDA_CHECK(cudaFree(dout));
  return 0;
}

extern "C" int TcadCudaUpload(const void *host, size_t bytes, void **dev)
{
  *dev = NULL;
  TCAD_CUDA_CHECK(cudaMalloc(dev, bytes ? bytes : 1));
  if (cudaMemcpy(*dev, host, bytes, cudaMemcpyHostToDevice) != cudaSuccess) {
    cudaFree(*dev), *dev = NULL;
    return tcad_error(TCAD_ERR_CUDA, "copying %zu bytes to the device failed", bytes);
  }
  return 0;
}

extern "C" void TcadCudaRelease(void *dev)
{
  if (dev) cudaFree(dev);
}
