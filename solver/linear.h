/* The linear-solver pipeline as a PETSc PCSHELL (solver/linear.c: the chain of solvers and
 * fallbacks; solver/linear_host.c: its host engine). It takes its own inputs, not a simulation:
 * the pattern, the host Jacobian and, for the device engine, the device assembly that holds the
 * Jacobian; so it can be driven by a test or a benchmark from any matrix. */
#ifndef TCAD_SOLVER_LINEAR_H
#define TCAD_SOLVER_LINEAR_H
#include <petscksp.h>

#include "kernels/cuda.h"
#include "kernels/linalg/krylov_solve.h"
#include "kernels/linalg/linear.h"
#include "tcad/options.h"

typedef struct TcadLinSolver TcadLinSolver;

typedef struct {
  TcadLinPattern pat; /* node-major scalar CSR of J */
  int nnz;
  Mat J;            /* host AIJ on the same pattern: the host engine's matrix, and what the CPU
                         direct fallback factors */
  TcadCudaAsm *dev; /* the device assembly holding J (device engine), or NULL (host engine) */
  int quiet;        /* no fallback messages on stdout */
} TcadLinInputs;

typedef struct {
  long setups, solves;     /* factorizations, solves */
  long krylov_its;         /* Krylov iterations run, all attempts */
  int its_newton;          /* the same inside the current Newton solve (reset by the Newton driver) */
  long fallbacks;          /* attempts that failed and passed on to the next solver */
  long direct, cpu_direct; /* solves finished by cuDSS, by the CPU LU */
  long direct_refine;      /* iterative-refinement steps in the cuDSS solves */
  long failed;             /* solves that every solver failed (SNES was told) */
  double t_setup, t_solve; /* seconds */
  double last_true;        /* true relative residual of the last accepted Krylov solve */
} TcadLinStats;

/* A PETSc preconditioner as the Krylov driver's precond callback (kernels/linalg/krylov_solve.h): ctx is a
 * TcadPcWrap whose vectors are created with no array (VecCreateSeqWithArray(.., NULL, ..)). */
typedef struct {
  PC pc;
  Vec x, y;
} TcadPcWrap;
int tcad_pc_wrap_apply(void *ctx, const double *x, double *y);

/* A PETSc SeqBAIJ copy of the node-major CSR: the block pattern once per mesh; tcad_baij_fill
 * repacks the values straight into PETSc's column-major block array (kernels/linalg/linear.h
 * tcad_lin_to_bsr_node, O(nnz)) and marks the matrix changed so a PC refactors. Not PETSc's
 * MatConvert(AIJ → BAIJ), whose time grows as N² in 3.18 (docs/dev-notes.md, "Host ILU setup"). */
typedef struct {
  Mat A;
} TcadBaij;
int tcad_baij_create(const TcadLinPattern *p, TcadBaij *b);
int tcad_baij_fill(const TcadLinPattern *p, TcadBaij *b, const double *a);
void tcad_baij_destroy(TcadBaij *b);

/* The host engine of the pipeline (solver/linear_host.c): the same scaling and Krylov driver as
 * the device engine, with PETSc's ILU(0) on the BAIJ copy. The CPU proof of the GPU solver. */
typedef struct {
  TcadLinPattern pat;
  int N, nnz, scale;
  double *a, *rs, *cs, *dinv, *b, *y, *r; /* scaled matrix, scalings, work vectors */
  TcadBaij Ab;
  TcadPcWrap ilu; /* PETSc's ILU(0) on Ab */
  int ilu_ok;     /* the last setup's factorization succeeded */
} TcadLinHost;
int tcad_lin_host_create(const TcadLinPattern *p, int nnz, int scale, TcadLinHost *h);
void tcad_lin_host_destroy(TcadLinHost *h);
/* Scale J (host values) and factor ILU(0); h->ilu_ok says whether the factorization succeeded. */
int tcad_lin_host_setup(TcadLinHost *h, const double *jac);
/* Solve J x = b with the Krylov options o: x (host) unscaled, *rel the true relative residual. */
int tcad_lin_host_solve(TcadLinHost *h, const TcadKrylovOpts *o, const double *b, double *x, TcadKrylovResult *kr,
                        double *rel);

/* The pipeline of opt->kind (ilu-bicgstab, ilu-gmres, cudss); NULL in *l for the PETSc solvers
 * (direct, krylov). The engine is the device's when in->dev is set, else the host's. */
int tcad_linear_create(const TcadLinInputs *in, const TcadLinearOptions *opt, TcadLinSolver **l);
/* KSPPREONLY + PCSHELL running the pipeline. */
int tcad_linear_attach(TcadLinSolver *l, KSP ksp);
void tcad_linear_destroy(TcadLinSolver **l);
const TcadLinStats *tcad_linear_stats(const TcadLinSolver *l);
TcadLinStats *tcad_linear_stats_rw(TcadLinSolver *l);
const char *tcad_linear_name(const TcadLinSolver *l);
int tcad_linear_on_device(const TcadLinSolver *l);
/* cuDSS: nonzeros of the LU factors and perturbed pivots (0, 0 when it was not used). */
void tcad_linear_direct_info(const TcadLinSolver *l, long long *lu_nnz, int *npivots);
/* ‖R b − A_s C⁻¹ x‖₂ / ‖R b‖₂ with the scaled matrix A_s = R J C: the true relative residual of
 * J x = b in the row-equilibrated norm (work: bs·nnodes doubles). */
double tcad_linear_true_residual(const TcadLinPattern *p, const double *as, const double *rs, const double *cs,
                                 const double *b, const double *x, double *work);
#endif
