/* The one grid-stride launcher of the CUDA sources (as MFEM_FORALL or libCEED's generated
 * kernels): a loop body written once as a device lambda over an index, run by
 *     TCAD_CUDA_CALL(tcad_cuda_for(n, [=] __device__(int i) { y[i] = a * x[i]; }));
 * The body sees its captures by value (device pointers and small structs); each index is visited
 * exactly once, by one thread, so a body that writes only its own entries needs no atomics and is
 * deterministic. Needs nvcc --extended-lambda. */
#ifndef TCAD_KERNELS_CUDA_LAUNCH_CUH
#define TCAD_KERNELS_CUDA_LAUNCH_CUH
#include <cuda_runtime.h>

#define TCAD_CUDA_THREADS 256
#define TCAD_CUDA_MAX_BLOCKS 65535

#ifdef TCAD_CUDA_STANDIN
/* the CPU stand-in (tests/cuda-standin): each body runs serially on the host; a launch reports
 * the error a stand-in check recorded, as cudaGetLastError does after a real launch */
static inline int tcad_cuda_blocks(int n, int threads) { return n / threads + 1; }
template <typename Body> static cudaError_t tcad_cuda_for(int n, Body body, int threads = TCAD_CUDA_THREADS)
{
  (void)threads;
  for (int i = 0; i < n; i++) body(i);
  return cudaGetLastError();
}
template <int Threads, typename Body> static cudaError_t tcad_cuda_for_bounded(int n, Body body)
{
  return tcad_cuda_for(n, body, Threads);
}
#else
template <typename Body> __global__ static void tcad_cuda_grid(int n, Body body)
{
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) body(i);
}

/* The same under __launch_bounds__(threads, 4): at most 65536/(4 × threads) registers per thread
 * (128 at 128 threads), for four resident blocks per SM. */
template <int Threads, typename Body>
__global__ static void __launch_bounds__(Threads, 4) tcad_cuda_grid_bounded(int n, Body body)
{
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) body(i);
}

static inline int tcad_cuda_blocks(int n, int threads)
{
  const int b = n / threads + 1;
  return b < TCAD_CUDA_MAX_BLOCKS ? b : TCAD_CUDA_MAX_BLOCKS;
}

/* Run body(i) for i in [0, n) on the default stream; returns the launch error. */
template <typename Body> static cudaError_t tcad_cuda_for(int n, Body body, int threads = TCAD_CUDA_THREADS)
{
  if (n <= 0) return cudaSuccess; /* nothing to launch (an empty region, no contacts) */
  tcad_cuda_grid<<<tcad_cuda_blocks(n, threads), threads>>>(n, body);
  return cudaGetLastError();
}

template <int Threads, typename Body> static cudaError_t tcad_cuda_for_bounded(int n, Body body)
{
  if (n <= 0) return cudaSuccess;
  tcad_cuda_grid_bounded<Threads><<<tcad_cuda_blocks(n, Threads), Threads>>>(n, body);
  return cudaGetLastError();
}
#endif /* TCAD_CUDA_STANDIN */
#endif
