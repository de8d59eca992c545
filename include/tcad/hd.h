/* One physics source for host and CUDA: the only header that looks at __CUDACC__ and __CUDA_ARCH__. */
#ifndef TCAD_HD_H
#define TCAD_HD_H
#if defined(__CUDACC__)
#define TCAD_HD static __host__ __device__ __forceinline__
#else
#define TCAD_HD static inline
#endif
/* Before a loop whose trip count is a compile-time constant in the device instances; only the
 * device pass sees it (the host compiler of an nvcc build would warn). */
#if defined(__CUDA_ARCH__)
#define TCAD_UNROLL _Pragma("unroll")
#else
#define TCAD_UNROLL
#endif
#endif
