/* cuDSS (NVIDIA's sparse direct solver for the GPU), loaded at run time with dlopen so that the
 * binary builds, links and runs without it (kernels/linalg/cudss.c). Only the calls the linear-solver
 * pipeline makes are declared; the handles are opaque pointers. The parameter numbers below are
 * those of the cuDSS 1.x interface (they changed between 0.x releases, so any other major version
 * is refused when the library is loaded).
 *
 * Where the library is looked for, first match wins:
 *   1. the environment variable TCAD_CUDSS_LIB (a path to libcudss.so.1; an error if it fails);
 *   2. libcudss.so.1 through the dynamic loader's own search (LD_LIBRARY_PATH, ldconfig);
 *   3. the folders that `pip install nvidia-cudss-cu13` fills: nvidia/cu13/lib under
 *      $VIRTUAL_ENV, the project's .venv (scripts/install-deps.sh --cudss; found from the
 *      binary's folder), /usr/local/lib/python3.x/dist-packages, /usr/lib/python3/dist-packages
 *      and ~/.local/lib/python3.x/site-packages. */
#ifndef TCAD_SOLVER_CUDSS_H
#define TCAD_SOLVER_CUDSS_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* cuDSS 1.x enumerations used here (cudss_data_types.h of the 1.0 release) */
enum {
  TCAD_CUDSS_SUCCESS = 0,
  /* cudssConfigParam_t */
  TCAD_CUDSS_CONFIG_REORDERING_ALG = 0,
  TCAD_CUDSS_CONFIG_MATCHING_ALG = 3,
  TCAD_CUDSS_CONFIG_IR_N_STEPS = 5,
  TCAD_CUDSS_CONFIG_PIVOT_TYPE = 7,
  TCAD_CUDSS_CONFIG_PIVOT_EPSILON = 9,
  TCAD_CUDSS_CONFIG_DETERMINISTIC_MODE = 24,
  /* cudssMatchingAlg_t */
  TCAD_CUDSS_MATCHING_MAX_DIAG_PRODUCT = 5,
  /* cudssDataParam_t */
  TCAD_CUDSS_DATA_INFO = 0,
  TCAD_CUDSS_DATA_LU_NNZ = 1,
  TCAD_CUDSS_DATA_NPIVOTS = 2,
  /* cudssPhase_t */
  TCAD_CUDSS_PHASE_ANALYSIS = 3,
  TCAD_CUDSS_PHASE_FACTORIZATION = 4,
  TCAD_CUDSS_PHASE_REFACTORIZATION = 8,
  TCAD_CUDSS_PHASE_SOLVE = 1008,
  /* cudssMatrixType_t, cudssMatrixViewType_t, cudssIndexBase_t, cudssLayout_t */
  TCAD_CUDSS_MTYPE_GENERAL = 0,
  TCAD_CUDSS_MVIEW_FULL = 0,
  TCAD_CUDSS_BASE_ZERO = 0,
  TCAD_CUDSS_LAYOUT_COL_MAJOR = 0,
  /* cudaDataType_t (library_types.h) and libraryPropertyType */
  TCAD_CUDA_R_64F = 1,
  TCAD_CUDA_R_32I = 10,
  TCAD_LIBPROP_MAJOR = 0,
  TCAD_LIBPROP_MINOR = 1,
  TCAD_LIBPROP_PATCH = 2
};

typedef void *TcadCudssHandle, *TcadCudssConfig, *TcadCudssData, *TcadCudssMatrix;

typedef struct {
  void *dl;
  char path[512];
  int major, minor, patch;
  int (*GetProperty)(int prop, int *value);
  int (*Create)(TcadCudssHandle *h);
  int (*Destroy)(TcadCudssHandle h);
  int (*SetStream)(TcadCudssHandle h, void *stream);
  int (*ConfigCreate)(TcadCudssConfig *c);
  int (*ConfigDestroy)(TcadCudssConfig c);
  int (*ConfigSet)(TcadCudssConfig c, int param, const void *value, size_t bytes);
  int (*DataCreate)(TcadCudssHandle h, TcadCudssData *d);
  int (*DataDestroy)(TcadCudssHandle h, TcadCudssData d);
  int (*DataGet)(TcadCudssHandle h, TcadCudssData d, int param, void *value, size_t bytes, size_t *written);
  int (*MatrixCreateCsr)(TcadCudssMatrix *m, int64_t nrows, int64_t ncols, int64_t nnz, const void *row_start,
                         const void *row_end, const void *col, const void *values, int offset_type, int index_type,
                         int value_type, int mtype, int mview, int base);
  int (*MatrixCreateDn)(TcadCudssMatrix *m, int64_t nrows, int64_t ncols, int64_t ld, const void *values,
                        int value_type, int layout);
  int (*MatrixDestroy)(TcadCudssMatrix m);
  int (*MatrixSetValues)(TcadCudssMatrix m, const void *values);
  int (*Execute)(TcadCudssHandle h, int phase, TcadCudssConfig c, TcadCudssData d, TcadCudssMatrix a, TcadCudssMatrix x,
                 TcadCudssMatrix b);
} TcadCudssLib;

/* The process-wide library, loaded on first use. NULL when it cannot be loaded; then
 * tcad_cudss_why() says why (which paths were tried, or which symbol or version is wrong) and
 * what to do. Thread-safe only in the sense of being called from one thread (as the solver is). */
const TcadCudssLib *tcad_cudss(void);
const char *tcad_cudss_why(void);
/* Load from one path (for tests and TCAD_CUDSS_LIB): 0, or an error code with the message set. */
int tcad_cudss_load_path(const char *path, TcadCudssLib *lib);
void tcad_cudss_unload(TcadCudssLib *lib);
/* cudssStatus_t as text */
const char *tcad_cudss_status_name(int status);

#ifdef __cplusplus
}
#endif
#endif
