/* The host engine of the linear-solver pipeline (solver/linear.h): scaling (kernels/linalg/linear.h),
 * PETSc's ILU(0) on a BAIJ copy and the Krylov driver (kernels/linalg/krylov_solve.c) on the CPU.
 * It runs the device engine's algorithm step for step: the CPU proof of the GPU solver and the
 * pipeline CI tests without a GPU. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solver/linear.h"
#include "tcad/error.h"
#include "tcad/petsc_error.h"

int tcad_pc_wrap_apply(void *ctx, const double *x, double *y)
{
  TcadPcWrap *w = ctx;
  TCAD_PETSC_CALL(VecPlaceArray(w->x, x));
  TCAD_PETSC_CALL(VecPlaceArray(w->y, y));
  const PetscErrorCode e = PCApply(w->pc, w->x, w->y);
  VecResetArray(w->x), VecResetArray(w->y);
  TCAD_PETSC_CALL(e);
  return 0;
}

int tcad_baij_create(const TcadLinPattern *p, TcadBaij *b)
{
  const int n = p->nnodes, bs = p->bs, nnz = p->rowptr[bs * n];
  int *browptr = NULL, *bcol = NULL, e = 0;
  b->A = NULL;
  TCAD_ALLOC_GOTO(e, browptr, (size_t)n + 1, cleanup);
  TCAD_ALLOC_GOTO(e, bcol, (size_t)(nnz / (bs * bs) + 1), cleanup);
  tcad_lin_bsr_pattern(p, browptr, bcol);
  TCAD_PETSC_CALL_GOTO(e, MatCreate(PETSC_COMM_SELF, &b->A), cleanup);
  TCAD_PETSC_CALL_GOTO(e, MatSetSizes(b->A, bs * n, bs * n, bs * n, bs * n), cleanup);
  TCAD_PETSC_CALL_GOTO(e, MatSetType(b->A, MATSEQBAIJ), cleanup);
  TCAD_PETSC_CALL_GOTO(e, MatSeqBAIJSetPreallocationCSR(b->A, bs, browptr, bcol, NULL), cleanup);
cleanup:
  free(browptr), free(bcol);
  if (e) tcad_baij_destroy(b);
  return e;
}

int tcad_baij_fill(const TcadLinPattern *p, TcadBaij *b, const double *a)
{
  PetscScalar *v;
  TCAD_PETSC_CALL(MatSeqBAIJGetArray(b->A, &v));
  for (int i = 0; i < p->nnodes; i++) tcad_lin_to_bsr_node(p->bs, i, p->rowptr, a, v, 1);
  TCAD_PETSC_CALL(MatSeqBAIJRestoreArray(b->A, &v));
  /* assembling again gives the matrix a new object state, which is what makes a PC refactor */
  TCAD_PETSC_CALL(MatAssemblyBegin(b->A, MAT_FINAL_ASSEMBLY));
  TCAD_PETSC_CALL(MatAssemblyEnd(b->A, MAT_FINAL_ASSEMBLY));
  return 0;
}

void tcad_baij_destroy(TcadBaij *b)
{
  if (b->A) MatDestroy(&b->A);
  b->A = NULL;
}

int tcad_lin_host_create(const TcadLinPattern *p, int nnz, int scale, TcadLinHost *h)
{
  memset(h, 0, sizeof *h);
  h->pat = *p, h->N = p->bs * p->nnodes, h->nnz = nnz, h->scale = scale;
  const size_t N = (size_t)h->N;
  TCAD_ALLOC(h->a, nnz);
  TCAD_ALLOC(h->rs, N);
  TCAD_ALLOC(h->cs, N);
  TCAD_ALLOC(h->b, N);
  TCAD_ALLOC(h->y, N);
  TCAD_ALLOC(h->r, N);
  TCAD_CALL(tcad_baij_create(&h->pat, &h->Ab));
  TCAD_PETSC_CALL(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, h->N, NULL, &h->ilu.x));
  TCAD_PETSC_CALL(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, h->N, NULL, &h->ilu.y));
  return 0;
}

void tcad_lin_host_destroy(TcadLinHost *h)
{
  if (h->ilu.pc) PCDestroy(&h->ilu.pc);
  tcad_baij_destroy(&h->Ab);
  if (h->ilu.x) VecDestroy(&h->ilu.x);
  if (h->ilu.y) VecDestroy(&h->ilu.y);
  free(h->a), free(h->rs), free(h->cs), free(h->b), free(h->y), free(h->r), free(h->dinv);
  memset(h, 0, sizeof *h);
}

int tcad_lin_host_setup(TcadLinHost *h, const double *jac)
{
  memcpy(h->a, jac, sizeof(double) * (size_t)h->nnz);
  tcad_lin_scale(&h->pat, h->scale, NULL, h->a, h->rs, h->cs, h->dinv);
  TCAD_CALL(tcad_baij_fill(&h->pat, &h->Ab, h->a));
  if (!h->ilu.pc) {
    TCAD_PETSC_CALL(PCCreate(PETSC_COMM_SELF, &h->ilu.pc));
    TCAD_PETSC_CALL(PCSetType(h->ilu.pc, PCILU));
    TCAD_PETSC_CALL(PCSetOperators(h->ilu.pc, h->Ab.A, h->Ab.A));
  }
  /* a zero pivot is a failed factorization for the fallbacks to handle, not an error */
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  const PetscErrorCode e = PCSetUp(h->ilu.pc);
  PetscPopErrorHandler();
  h->ilu_ok = e == 0;
  if (h->ilu_ok) {
    PCFailedReason why;
    TCAD_PETSC_CALL(PCGetFailedReason(h->ilu.pc, &why));
    h->ilu_ok = why == PC_NOERROR;
  }
  return 0;
}

int tcad_lin_host_solve(TcadLinHost *h, const TcadKrylovOpts *o, const double *b, double *x, TcadKrylovResult *kr,
                        double *rel)
{
  const int N = h->N, bs = h->pat.bs;
  memcpy(h->b, b, sizeof(double) * (size_t)N);
  for (int i = 0; i < h->pat.nnodes; i++) tcad_lin_scale_rhs_node(bs, h->scale, i, h->rs, h->dinv, h->b);
  TcadKrylovHost kh = {N, h->pat.rowptr, h->pat.col, h->a, tcad_pc_wrap_apply, &h->ilu};
  TcadKrylovOps ops;
  int e = tcad_krylov_host_ops(&kh, o, &ops);
  if (!e) e = tcad_krylov_solve(&ops, o, h->b, h->y, kr);
  tcad_krylov_host_free(&ops);
  TCAD_CALL(e);
  for (int r = 0; r < N; r++) x[r] = h->cs[r] * h->y[r];
  *rel = tcad_linear_true_residual(&h->pat, h->a, h->rs, h->cs, b, x, h->r);
  return 0;
}

double tcad_linear_true_residual(const TcadLinPattern *p, const double *as, const double *rs, const double *cs,
                                 const double *b, const double *x, double *work)
{
  /* R (b − J x) = R b − (R J C)(C⁻¹ x): the scaled matrix gives it without the unscaled copy */
  const int N = p->bs * p->nnodes;
  double rn = 0, bn = 0;
  for (int r = 0; r < N; r++) work[r] = x[r] / cs[r];
  for (int r = 0; r < N; r++) {
    double s = 0;
    for (int k = p->rowptr[r]; k < p->rowptr[r + 1]; k++) s += as[k] * work[p->col[k]];
    const double rb = rs[r] * b[r];
    rn += (rb - s) * (rb - s), bn += rb * rb;
  }
  return bn > 0 ? sqrt(rn / bn) : sqrt(rn);
}
