/* CPU stand-in for the cuSPARSE calls of the project's .cu sources (tests/cuda-standin). */
#ifndef TCAD_STANDIN_CUSPARSE_H
#define TCAD_STANDIN_CUSPARSE_H
#include <stdint.h>

#include "cuda_runtime.h"

typedef enum {
  CUSPARSE_STATUS_SUCCESS = 0,
  CUSPARSE_STATUS_NOT_INITIALIZED = 1,
  CUSPARSE_STATUS_ALLOC_FAILED = 2,
  CUSPARSE_STATUS_INVALID_VALUE = 3,
  CUSPARSE_STATUS_ZERO_PIVOT = 9,
  CUSPARSE_STATUS_NOT_SUPPORTED = 10
} cusparseStatus_t;
typedef enum { CUSPARSE_OPERATION_NON_TRANSPOSE = 0 } cusparseOperation_t;
typedef enum { CUSPARSE_DIRECTION_ROW = 0, CUSPARSE_DIRECTION_COLUMN = 1 } cusparseDirection_t;
typedef enum { CUSPARSE_FILL_MODE_LOWER = 0, CUSPARSE_FILL_MODE_UPPER = 1 } cusparseFillMode_t;
typedef enum { CUSPARSE_DIAG_TYPE_NON_UNIT = 0, CUSPARSE_DIAG_TYPE_UNIT = 1 } cusparseDiagType_t;
typedef enum { CUSPARSE_INDEX_32I = 2 } cusparseIndexType_t;
typedef enum { CUSPARSE_INDEX_BASE_ZERO = 0 } cusparseIndexBase_t;
typedef enum { CUSPARSE_SOLVE_POLICY_NO_LEVEL = 0, CUSPARSE_SOLVE_POLICY_USE_LEVEL = 1 } cusparseSolvePolicy_t;
typedef enum { CUSPARSE_SPMV_ALG_DEFAULT = 0, CUSPARSE_SPMV_CSR_ALG2 = 3 } cusparseSpMVAlg_t;
typedef enum { CUDA_R_64F = 1 } cudaDataType;

typedef struct TcadStandinSparse *cusparseHandle_t;
typedef struct TcadStandinMatDescr *cusparseMatDescr_t;
typedef struct TcadStandinSpMat *cusparseSpMatDescr_t;
typedef struct TcadStandinDnVec *cusparseDnVecDescr_t;
typedef struct TcadStandinIlu *bsrilu02Info_t;
typedef struct TcadStandinSv *bsrsv2Info_t;

cusparseStatus_t cusparseCreate(cusparseHandle_t *h);
cusparseStatus_t cusparseDestroy(cusparseHandle_t h);
const char *cusparseGetErrorName(cusparseStatus_t s);
const char *cusparseGetErrorString(cusparseStatus_t s);
cusparseStatus_t cusparseCreateMatDescr(cusparseMatDescr_t *d);
cusparseStatus_t cusparseDestroyMatDescr(cusparseMatDescr_t d);
cusparseStatus_t cusparseSetMatFillMode(cusparseMatDescr_t d, cusparseFillMode_t f);
cusparseStatus_t cusparseSetMatDiagType(cusparseMatDescr_t d, cusparseDiagType_t t);
cusparseStatus_t cusparseCreateCsr(cusparseSpMatDescr_t *A, int64_t rows, int64_t cols, int64_t nnz, void *rowptr,
                                   void *col, void *val, cusparseIndexType_t rt, cusparseIndexType_t ct,
                                   cusparseIndexBase_t base, cudaDataType vt);
cusparseStatus_t cusparseDestroySpMat(cusparseSpMatDescr_t A);
cusparseStatus_t cusparseCreateDnVec(cusparseDnVecDescr_t *v, int64_t size, void *values, cudaDataType vt);
cusparseStatus_t cusparseDestroyDnVec(cusparseDnVecDescr_t v);
cusparseStatus_t cusparseDnVecSetValues(cusparseDnVecDescr_t v, void *values);
cusparseStatus_t cusparseSpMV_bufferSize(cusparseHandle_t h, cusparseOperation_t op, const void *alpha,
                                         cusparseSpMatDescr_t A, cusparseDnVecDescr_t x, const void *beta,
                                         cusparseDnVecDescr_t y, cudaDataType ct, cusparseSpMVAlg_t alg, size_t *bytes);
cusparseStatus_t cusparseSpMV(cusparseHandle_t h, cusparseOperation_t op, const void *alpha, cusparseSpMatDescr_t A,
                              cusparseDnVecDescr_t x, const void *beta, cusparseDnVecDescr_t y, cudaDataType ct,
                              cusparseSpMVAlg_t alg, void *buffer);
cusparseStatus_t cusparseCreateBsrilu02Info(bsrilu02Info_t *i);
cusparseStatus_t cusparseDestroyBsrilu02Info(bsrilu02Info_t i);
cusparseStatus_t cusparseCreateBsrsv2Info(bsrsv2Info_t *i);
cusparseStatus_t cusparseDestroyBsrsv2Info(bsrsv2Info_t i);
cusparseStatus_t cusparseDbsrilu02_bufferSize(cusparseHandle_t h, cusparseDirection_t dir, int mb, int nnzb,
                                              const cusparseMatDescr_t d, double *val, const int *rowptr,
                                              const int *col, int bs, bsrilu02Info_t info, int *bytes);
cusparseStatus_t cusparseDbsrilu02_analysis(cusparseHandle_t h, cusparseDirection_t dir, int mb, int nnzb,
                                            const cusparseMatDescr_t d, double *val, const int *rowptr, const int *col,
                                            int bs, bsrilu02Info_t info, cusparseSolvePolicy_t pol, void *buffer);
cusparseStatus_t cusparseDbsrilu02(cusparseHandle_t h, cusparseDirection_t dir, int mb, int nnzb,
                                   const cusparseMatDescr_t d, double *val, const int *rowptr, const int *col, int bs,
                                   bsrilu02Info_t info, cusparseSolvePolicy_t pol, void *buffer);
cusparseStatus_t cusparseXbsrilu02_zeroPivot(cusparseHandle_t h, bsrilu02Info_t info, int *position);
cusparseStatus_t cusparseDbsrsv2_bufferSize(cusparseHandle_t h, cusparseDirection_t dir, cusparseOperation_t op, int mb,
                                            int nnzb, const cusparseMatDescr_t d, double *val, const int *rowptr,
                                            const int *col, int bs, bsrsv2Info_t info, int *bytes);
cusparseStatus_t cusparseDbsrsv2_analysis(cusparseHandle_t h, cusparseDirection_t dir, cusparseOperation_t op, int mb,
                                          int nnzb, const cusparseMatDescr_t d, const double *val, const int *rowptr,
                                          const int *col, int bs, bsrsv2Info_t info, cusparseSolvePolicy_t pol,
                                          void *buffer);
cusparseStatus_t cusparseDbsrsv2_solve(cusparseHandle_t h, cusparseDirection_t dir, cusparseOperation_t op, int mb,
                                       int nnzb, const double *alpha, const cusparseMatDescr_t d, const double *val,
                                       const int *rowptr, const int *col, int bs, bsrsv2Info_t info, const double *x,
                                       double *y, cusparseSolvePolicy_t pol, void *buffer);
#endif
