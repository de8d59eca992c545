/* CPU stand-in for the parts of the CUDA runtime that the project's .cu sources call
 * (tests/cuda-standin/README.md). The .cu files are compiled as C++ for the host with this
 * folder first on the include path and TCAD_CUDA_STANDIN defined; kernels/cuda_launch.cuh then
 * runs each kernel body serially. It proves plumbing (allocations, copies, directions, sizes,
 * pointer kinds), not device semantics or rounding. */
#ifndef TCAD_STANDIN_CUDA_RUNTIME_H
#define TCAD_STANDIN_CUDA_RUNTIME_H
#include <stddef.h>

#define __host__
#define __device__
#define __global__
#define __forceinline__ inline
#define __launch_bounds__(...)

typedef enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInvalidDevicePointer = 17,
  cudaErrorInvalidMemcpyDirection = 21,
  cudaErrorNoDevice = 100,
  cudaErrorInvalidDevice = 101
} cudaError_t;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4
};

struct cudaDeviceProp {
  char name[256];
  size_t totalGlobalMem;
  int major, minor, multiProcessorCount;
};

typedef struct TcadStandinEvent *cudaEvent_t;
typedef struct TcadStandinStream *cudaStream_t;

cudaError_t cudaGetDeviceCount(int *n);
cudaError_t cudaSetDevice(int dev);
cudaError_t cudaGetDevice(int *dev);
cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp *p, int dev);
cudaError_t cudaRuntimeGetVersion(int *v);
cudaError_t cudaDriverGetVersion(int *v);
cudaError_t cudaDeviceSynchronize(void);
cudaError_t cudaGetLastError(void);
const char *cudaGetErrorName(cudaError_t e);
const char *cudaGetErrorString(cudaError_t e);
cudaError_t cudaMalloc(void **p, size_t bytes);
cudaError_t cudaFree(void *p);
/* as the real runtime's C++ overload */
template <class T> static inline cudaError_t cudaMalloc(T **p, size_t bytes) { return cudaMalloc((void **)p, bytes); }
cudaError_t cudaMemcpy(void *dst, const void *src, size_t bytes, enum cudaMemcpyKind kind);
cudaError_t cudaMemset(void *p, int value, size_t bytes);
cudaError_t cudaEventCreate(cudaEvent_t *e);
cudaError_t cudaEventDestroy(cudaEvent_t e);
cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t s = 0);
cudaError_t cudaEventSynchronize(cudaEvent_t e);
cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t a, cudaEvent_t b);

/* the stand-in's own checks, for its launcher and its cuSPARSE/cuBLAS: is [p, p + bytes) inside
 * one device allocation; record an error for the next cudaGetLastError */
int tcad_standin_is_device(const void *p, size_t bytes);
cudaError_t tcad_standin_fail(cudaError_t e, const char *fmt, ...);
#endif
