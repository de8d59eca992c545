/* The GPU linear-solver pipeline as a PETSc PCSHELL (solver/linear.c). */
#ifndef TCAD_SOLVER_LINEAR_H
#define TCAD_SOLVER_LINEAR_H
#include <petscksp.h>

#include "kernels/linalg/linear.h"

typedef struct TcadSim TcadSim;
typedef struct TcadLinSolver TcadLinSolver;

enum { TCAD_GPU_SOLVER_ILU_BICGSTAB = 0, TCAD_GPU_SOLVER_ILU_GMRES = 1, TCAD_GPU_SOLVER_CUDSS = 2 };

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
 * tcad_lin_to_bsr_node, O(nnz)) and marks the matrix changed so a PC refactors. PETSc 3.18's
 * MatConvert(AIJ → BAIJ) took time growing as N² here (7.8 s at 146k rows), and its
 * MatCreateSeqBAIJWithArrays refuses block sizes above 1. */
typedef struct {
  Mat A;
} TcadBaij;
int tcad_baij_create(const TcadLinPattern *p, TcadBaij *b);
int tcad_baij_fill(const TcadLinPattern *p, TcadBaij *b, const double *a);
void tcad_baij_destroy(TcadBaij *b);

/* From the options (-tcad_gpu_solver, ...): NULL in *l when the pipeline is off. The engine
 * follows the sim's backend (CUDA: on the device; host: the same pipeline on the CPU). */
int tcad_linear_create(TcadSim *s, TcadLinSolver **l);
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
