/* Error checks for the CUDA sources: every runtime and cuSPARSE call returns through
 * tcad_error with the call, the file and line, and the library's error name. */
#ifndef TCAD_KERNELS_CUDA_CHECK_H
#define TCAD_KERNELS_CUDA_CHECK_H
#include <cuda_runtime.h>
#include <cusparse.h>

extern "C" {
#include "tcad/error.h"
}

#define TCAD_CUDA_CHECK(call)                                                                    \
  do {                                                                                           \
    cudaError_t e_ = (call);                                                                     \
    if (e_ != cudaSuccess)                                                                       \
      return tcad_error(TCAD_ERR_CUDA, "%s:%d: %s failed: %s (%s)", __FILE__, __LINE__, #call,   \
                        cudaGetErrorName(e_), cudaGetErrorString(e_));                           \
  } while (0)
#define TCAD_CUSPARSE_CHECK(call)                                                                \
  do {                                                                                           \
    cusparseStatus_t s_ = (call);                                                                \
    if (s_ != CUSPARSE_STATUS_SUCCESS)                                                           \
      return tcad_error(TCAD_ERR_CUDA, "%s:%d: %s failed: %s (%s)", __FILE__, __LINE__, #call,   \
                        cusparseGetErrorName(s_), cusparseGetErrorString(s_));                   \
  } while (0)
#ifdef CUBLAS_V2_H_
#define TCAD_CUBLAS_CHECK(call)                                                                  \
  do {                                                                                           \
    cublasStatus_t s_ = (call);                                                                  \
    if (s_ != CUBLAS_STATUS_SUCCESS)                                                             \
      return tcad_error(TCAD_ERR_CUDA, "%s:%d: %s failed: %s (%s)", __FILE__, __LINE__, #call,   \
                        cublasGetStatusName(s_), cublasGetStatusString(s_));                     \
  } while (0)
#endif
#endif
