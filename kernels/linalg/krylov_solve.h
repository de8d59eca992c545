/* The Krylov driver over TcadKrylovOps (kernels/linalg/krylov.h), and the host implementation of the
 * ops. The CUDA implementation of the same ops is in kernels/linalg/linear_cuda.cu. */
#ifndef TCAD_SOLVER_KRYLOV_H
#define TCAD_SOLVER_KRYLOV_H
#include "kernels/linalg/krylov.h"

enum { TCAD_KRYLOV_BICGSTAB = 0, TCAD_KRYLOV_GMRES = 1 };

typedef struct TcadKrylovOpts {
  int method;  /* TCAD_KRYLOV_* */
  int restart; /* GMRES: Krylov vectors per cycle */
  double rtol; /* converged when ‖b − A x‖₂ ≤ rtol ‖b‖₂ */
  int max_it;  /* iterations (matrix-vector products for GMRES, pairs of them for BiCGSTAB) */
  int check;   /* read the residual history every `check` iterations */
  int stall;   /* give up when `stall` iterations have not halved the residual (0: never) */
  double dtol; /* give up when the residual exceeds dtol ‖b‖₂ (0: never) */
} TcadKrylovOpts;

typedef struct TcadKrylovResult {
  int its;       /* iterations to convergence (or done, when not converged) */
  int its_run;   /* iterations actually run (≥ its: the checks are every `check`) */
  int converged; /* 1: the recurrence residual met rtol (BiCGSTAB: and then the true one b − A x) */
  int replaced;  /* BiCGSTAB: restarts from the true residual, which had drifted above rtol (at most 4) */
  int breakdown; /* iteration of a breakdown (BiCGSTAB ρ or r̂·v = 0, non-finite values), else 0 */
  int stalled;   /* stopped: `stall` iterations without halving the residual */
  int diverged;  /* stopped: the residual grew beyond dtol ‖b‖ */
  double ref;    /* (internal) the residual of the last progress point, its iteration, and limits */
  int it_ref, stall_limit;
  double dtol_abs;
  double bnorm; /* ‖b‖₂ */
  double rnorm; /* the last recorded residual norm */
  int fetches;  /* synchronizing reads of the scalars */
} TcadKrylovResult;

/* Size of the scalar array the ops must provide for these options. */
int tcad_krylov_scalars(const TcadKrylovOpts *opt);
/* Solve A x = b from x = 0. Returns 0 (see res->converged), or an error code when an operation
 * (the preconditioner, an allocation) failed. */
int tcad_krylov_solve(const TcadKrylovOps *o, const TcadKrylovOpts *opt, const double *b, double *x,
                      TcadKrylovResult *res);

/* Host ops: A is a scalar CSR (n rows), the preconditioner a callback. */
typedef struct {
  int n;
  const int *rowptr, *col;
  const double *a;
  int (*precond)(void *pctx, const double *x, double *y);
  void *pctx;
} TcadKrylovHost;
/* Fill o for h; S is allocated here (free with tcad_krylov_host_free). */
int tcad_krylov_host_ops(TcadKrylovHost *h, const TcadKrylovOpts *opt, TcadKrylovOps *o);
void tcad_krylov_host_free(TcadKrylovOps *o);
#endif
