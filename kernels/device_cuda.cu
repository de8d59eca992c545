/* CUDA device queries and the device side of the host-vs-device physics tests. The kernels
 * include the same TCAD_HD headers as the host code. */
#include <cstdio>
#include <cstring>

#include "kernels/cuda.h"
#include "kernels/cuda_check.h"
#include "kernels/cuda_launch.cuh"
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
  int dev = 0;
  if (cudaGetDevice(&dev) != cudaSuccess) dev = 0;
  info->device = dev;
  if (cudaGetDeviceProperties(&p, dev) != cudaSuccess) {
    snprintf(info->why, sizeof info->why, "cudaGetDeviceProperties failed");
    return;
  }
  info->ndevices = n;
  snprintf(info->name, sizeof info->name, "%s", p.name);
  info->major = p.major;
  info->minor = p.minor;
  info->memory_gib = (double)p.totalGlobalMem / (1024.0 * 1024.0 * 1024.0);
}

extern "C" int TcadCudaSelectDevice(int index)
{
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess || n == 0) {
    cudaGetLastError();
    return tcad_error(TCAD_ERR_CUDA, "cannot select CUDA device %d: %s", index,
                      e != cudaSuccess ? cudaGetErrorName(e) : "the driver reports 0 devices");
  }
  if (index < 0 || index >= n)
    return tcad_error(TCAD_ERR_CUDA, "CUDA device %d does not exist: this machine has %d (0 to %d)", index, n, n - 1);
  e = cudaSetDevice(index);
  if (e != cudaSuccess) {
    cudaGetLastError();
    return tcad_error(TCAD_ERR_CUDA, "cudaSetDevice(%d) failed: %s", index, cudaGetErrorName(e));
  }
  return 0;
}

extern "C" int TcadCudaPhysicsProbe(int which, int n, const double *in, double *out)
{
  double *din = NULL, *dout = NULL;
  const size_t bin = (size_t)n * TCAD_PROBE_NIN * sizeof(double), bout = (size_t)n * TCAD_PROBE_NOUT * sizeof(double);
  int e = 0;
  if (cudaMalloc(&din, bin ? bin : 1) != cudaSuccess || cudaMalloc(&dout, bout ? bout : 1) != cudaSuccess)
    e = tcad_error(TCAD_ERR_CUDA, "physics probe: cannot allocate %zu bytes on the device", bin + bout);
  if (!e && cudaMemcpy(din, in, bin, cudaMemcpyHostToDevice) != cudaSuccess)
    e = tcad_error(TCAD_ERR_CUDA, "physics probe: copy to the device failed");
  if (!e) {
    const double *ci = din;
    double *co = dout;
    const cudaError_t le = tcad_cuda_for(n, [=] __device__(int i) {
      tcad_physics_probe(which, ci + (size_t)TCAD_PROBE_NIN * i, co + (size_t)TCAD_PROBE_NOUT * i);
    });
    if (le != cudaSuccess) e = tcad_error(TCAD_ERR_CUDA, "physics probe kernel: %s", cudaGetErrorName(le));
  }
  if (!e && cudaMemcpy(out, dout, bout, cudaMemcpyDeviceToHost) != cudaSuccess)
    e = tcad_error(TCAD_ERR_CUDA, "physics probe: copy from the device failed");
  if (din) cudaFree(din);
  if (dout) cudaFree(dout);
  return e;
}

extern "C" int TcadCudaUpload(const void *host, size_t bytes, void **dev)
{
  *dev = NULL;
  TCAD_CUDA_CALL(cudaMalloc(dev, bytes ? bytes : 1));
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
