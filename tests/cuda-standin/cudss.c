/* A stand-in for libcudss.so.1 (cuDSS 1.x) for the CPU stand-in runs (tests/cuda-standin/README.md),
 * written against the project's own declarations (kernels/linalg/cudss.h, whose parameter numbers
 * were checked against the 1.0.0 wheel's cudss_data_types.h). It factors with MUMPS through PETSc
 * on the host, which the process already has loaded: the matrices are the CUDA stand-in's
 * "device" arrays, host memory.
 *   analysis (3): MUMPS's symbolic factorization; factorization (4) / refactorization (8): the
 *   numeric LU of the matrix's current values; solve (1008): x = (LU)⁻¹ b.
 * TCAD_STANDIN_CUDSS_PERTURB=d factors A with the diagonal of every 2003rd row multiplied by
 * 1 + d: a factor wrong in a few directions, as one with perturbed small pivots is, which
 * refinement reduces by only d/(1 + d) per step (the H200's energy-balance factors stayed at
 * 1e-5..1e-7 after refinement) while GMRES on the factors removes them in about as many
 * iterations as there are such rows; so the fallback steps of TcadCudaLinDirect (fresh analysis
 * with matching, GMRES on the factors) run in CI. The matching asked for is recorded (data
 * parameter 1000, the stand-in's own) and changes nothing. */
#include <petscmat.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/linalg/cudss.h"

enum { ST_OK = 0, ST_INVALID = 3, ST_NOT_SUPPORTED = 4, ST_EXECUTION = 5, ST_INTERNAL = 6 };

typedef struct {
  int matching, deterministic;
} Config;
typedef struct {
  int dense;
  int64_t n, nnz;
  const int *rowptr, *col;
  double *values;
} Matrix;
typedef struct {
  Mat A, F;
  int info, analysed, factored, matching;
  int64_t lu_nnz;
} Data;

int cudssGetProperty(int prop, int *value)
{
  *value = prop == TCAD_LIBPROP_MAJOR ? 1 : 0;
  return ST_OK;
}
int cudssCreate(TcadCudssHandle *h)
{
  *h = malloc(1);
  return *h ? ST_OK : ST_INTERNAL;
}
int cudssDestroy(TcadCudssHandle h) { return free(h), ST_OK; }
int cudssSetStream(TcadCudssHandle h, void *s) { return (void)h, (void)s, ST_OK; }
int cudssConfigCreate(TcadCudssConfig *c)
{
  *c = calloc(1, sizeof(Config));
  return *c ? ST_OK : ST_INTERNAL;
}
int cudssConfigDestroy(TcadCudssConfig c) { return free(c), ST_OK; }
int cudssConfigSet(TcadCudssConfig c, int param, const void *value, size_t bytes)
{
  Config *k = c;
  if (bytes != sizeof(int)) return ST_INVALID;
  if (param == TCAD_CUDSS_CONFIG_MATCHING_ALG) k->matching = *(const int *)value;
  else if (param == TCAD_CUDSS_CONFIG_DETERMINISTIC_MODE) k->deterministic = *(const int *)value;
  else return ST_NOT_SUPPORTED;
  return ST_OK;
}
int cudssDataCreate(TcadCudssHandle h, TcadCudssData *d)
{
  (void)h;
  *d = calloc(1, sizeof(Data));
  return *d ? ST_OK : ST_INTERNAL;
}
int cudssDataDestroy(TcadCudssHandle h, TcadCudssData d)
{
  (void)h;
  Data *x = d;
  MatDestroy(&x->A), MatDestroy(&x->F);
  free(x);
  return ST_OK;
}
int cudssDataGet(TcadCudssHandle h, TcadCudssData d, int param, void *value, size_t bytes, size_t *written)
{
  (void)h;
  const Data *x = d;
  if (param == TCAD_CUDSS_DATA_INFO && bytes >= sizeof(int)) *(int *)value = x->info, *written = sizeof(int);
  else if (param == TCAD_CUDSS_DATA_LU_NNZ && bytes >= 8) *(int64_t *)value = x->lu_nnz, *written = 8;
  else if (param == TCAD_CUDSS_DATA_NPIVOTS && bytes >= sizeof(int)) *(int *)value = 0, *written = sizeof(int);
  else if (param == 1000 && bytes >= sizeof(int)) *(int *)value = x->matching, *written = sizeof(int);
  else return ST_INVALID;
  return ST_OK;
}
int cudssMatrixCreateCsr(TcadCudssMatrix *m, int64_t nrows, int64_t ncols, int64_t nnz, const void *row_start,
                         const void *row_end, const void *col, const void *values, int offset_type, int index_type,
                         int value_type, int mtype, int mview, int base)
{
  if (nrows != ncols || row_end || offset_type != TCAD_CUDA_R_32I || index_type != TCAD_CUDA_R_32I ||
      value_type != TCAD_CUDA_R_64F || mtype != TCAD_CUDSS_MTYPE_GENERAL || mview != TCAD_CUDSS_MVIEW_FULL ||
      base != TCAD_CUDSS_BASE_ZERO)
    return ST_NOT_SUPPORTED;
  Matrix *x = calloc(1, sizeof *x);
  if (!x) return ST_INTERNAL;
  x->n = nrows, x->nnz = nnz, x->rowptr = row_start, x->col = col, x->values = (double *)values;
  *m = x;
  return ST_OK;
}
int cudssMatrixCreateDn(TcadCudssMatrix *m, int64_t nrows, int64_t ncols, int64_t ld, const void *values,
                        int value_type, int layout)
{
  if (ncols != 1 || ld != nrows || value_type != TCAD_CUDA_R_64F || layout != TCAD_CUDSS_LAYOUT_COL_MAJOR)
    return ST_NOT_SUPPORTED;
  Matrix *x = calloc(1, sizeof *x);
  if (!x) return ST_INTERNAL;
  x->dense = 1, x->n = nrows, x->values = (double *)values;
  *m = x;
  return ST_OK;
}
int cudssMatrixDestroy(TcadCudssMatrix m) { return free(m), ST_OK; }
int cudssMatrixSetValues(TcadCudssMatrix m, const void *values)
{
  ((Matrix *)m)->values = (double *)values;
  return ST_OK;
}

/* the AIJ copy of the CSR matrix's current values (perturbed on request) */
static PetscErrorCode load(Data *x, const Matrix *a)
{
  PetscFunctionBeginUser;
  const PetscInt n = (PetscInt)a->n;
  if (!x->A) {
    PetscInt *nz;
    PetscCall(PetscMalloc1(n, &nz));
    for (PetscInt r = 0; r < n; r++) nz[r] = a->rowptr[r + 1] - a->rowptr[r];
    PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 0, nz, &x->A));
    PetscCall(PetscFree(nz));
    PetscCall(MatSetOption(x->A, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  }
  const char *p = getenv("TCAD_STANDIN_CUDSS_PERTURB");
  const double d = p ? atof(p) : 0.0;
  for (PetscInt r = 0; r < n; r++) {
    for (int k = a->rowptr[r]; k < a->rowptr[r + 1]; k++) {
      const PetscInt c = a->col[k];
      const PetscScalar v = a->values[k] * (c == r && r % 2003 == 0 ? 1.0 + d : 1.0);
      PetscCall(MatSetValues(x->A, 1, &r, 1, &c, &v, INSERT_VALUES));
    }
  }
  PetscCall(MatAssemblyBegin(x->A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(x->A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

/* the symbolic factorization (analysis) or the numeric one of the matrix's current values */
static PetscErrorCode factor(Data *x, const Matrix *a, int symbolic)
{
  PetscFunctionBeginUser;
  PetscCall(load(x, a));
  MatFactorInfo fi;
  PetscCall(MatFactorInfoInitialize(&fi));
  if (symbolic) {
    PetscCall(MatDestroy(&x->F));
    PetscCall(MatGetFactor(x->A, MATSOLVERMUMPS, MAT_FACTOR_LU, &x->F));
    PetscCall(MatLUFactorSymbolic(x->F, x->A, NULL, NULL, &fi));
    PetscFunctionReturn(0);
  }
  PetscCall(MatLUFactorNumeric(x->F, x->A, &fi));
  MatFactorError fe;
  PetscCall(MatFactorGetError(x->F, &fe));
  x->info = fe == MAT_FACTOR_NOERROR ? 0 : 1;
  MatInfo mi;
  PetscCall(MatGetInfo(x->F, MAT_LOCAL, &mi));
  x->lu_nnz = (int64_t)mi.nz_used;
  PetscFunctionReturn(0);
}

int cudssExecute(TcadCudssHandle h, int phase, TcadCudssConfig c, TcadCudssData d, TcadCudssMatrix a,
                 TcadCudssMatrix xm, TcadCudssMatrix bm)
{
  (void)h;
  Data *x = d;
  const Matrix *A = a, *X = xm, *B = bm;
  if (!A || A->dense || !X || !X->dense || !B || !B->dense || X->n != A->n || B->n != A->n) return ST_INVALID;
  PetscErrorCode e = 0;
  if (phase == TCAD_CUDSS_PHASE_ANALYSIS) {
    x->matching = ((const Config *)c)->matching;
    e = factor(x, A, 1);
    x->analysed = !e, x->factored = 0;
  } else if (phase == TCAD_CUDSS_PHASE_FACTORIZATION || phase == TCAD_CUDSS_PHASE_REFACTORIZATION) {
    if (!x->analysed || (phase == TCAD_CUDSS_PHASE_REFACTORIZATION && !x->factored)) return ST_INVALID;
    e = factor(x, A, 0);
    x->factored = !e && !x->info;
  } else if (phase == TCAD_CUDSS_PHASE_SOLVE) {
    if (!x->factored) return ST_INVALID;
    Vec vb, vx;
    e = VecCreateSeqWithArray(PETSC_COMM_SELF, 1, (PetscInt)A->n, B->values, &vb);
    if (!e) e = VecCreateSeqWithArray(PETSC_COMM_SELF, 1, (PetscInt)A->n, X->values, &vx);
    if (!e) e = MatSolve(x->F, vb, vx);
    VecDestroy(&vb), VecDestroy(&vx);
  } else {
    return ST_NOT_SUPPORTED;
  }
  return e ? ST_EXECUTION : ST_OK;
}
