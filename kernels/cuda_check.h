/* Error checks for the CUDA sources, in the convention of include/tcad/error.h: a failed
 * runtime, cuSPARSE or cuBLAS call raises TCAD_ERR_CUDA with the call and the library's name
 * for the error (the frame records file, line and function) and returns it. */
#ifndef TCAD_KERNELS_CUDA_CHECK_H
#define TCAD_KERNELS_CUDA_CHECK_H
#include <cuda_runtime.h>
#include <cusparse.h>

#include "tcad/error.h"

#define TCAD_CUDA_CALL(call)                                                                                           \
  do {                                                                                                                 \
    const cudaError_t tcad_ce_ = (call);                                                                               \
    if (tcad_ce_ != cudaSuccess)                                                                                       \
      return tcad_error(TCAD_ERR_CUDA, "%s failed: %s (%s)", #call, cudaGetErrorName(tcad_ce_),                        \
                        cudaGetErrorString(tcad_ce_));                                                                 \
  } while (0)
#define TCAD_CUSPARSE_CALL(call)                                                                                       \
  do {                                                                                                                 \
    const cusparseStatus_t tcad_se_ = (call);                                                                          \
    if (tcad_se_ != CUSPARSE_STATUS_SUCCESS)                                                                           \
      return tcad_error(TCAD_ERR_CUDA, "%s failed: %s (%s)", #call, cusparseGetErrorName(tcad_se_),                    \
                        cusparseGetErrorString(tcad_se_));                                                             \
  } while (0)
#ifdef CUBLAS_V2_H_
#define TCAD_CUBLAS_CALL(call)                                                                                         \
  do {                                                                                                                 \
    const cublasStatus_t tcad_be_ = (call);                                                                            \
    if (tcad_be_ != CUBLAS_STATUS_SUCCESS)                                                                             \
      return tcad_error(TCAD_ERR_CUDA, "%s failed: %s (%s)", #call, cublasGetStatusName(tcad_be_),                     \
                        cublasGetStatusString(tcad_be_));                                                              \
  } while (0)
#endif
#endif
