/* One physics source for host and CUDA: the only header that looks at __CUDACC__. */
#ifndef TCAD_HD_H
#define TCAD_HD_H
#if defined(__CUDACC__)
#define TCAD_HD static __host__ __device__ __forceinline__
#else
#define TCAD_HD static inline
#endif
#endif
