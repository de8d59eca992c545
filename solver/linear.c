/* The linear-solver pipeline, plugged into SNES as KSPPREONLY + PCSHELL
 * (-tcad_linear ilu-bicgstab|ilu-gmres|cudss):
 *   setup: scale the Jacobian (kernels/linalg/linear.h: rows, then columns equilibrated) and factor
 *          it with ILU(0) (block ILU(0): the pattern is made of whole bs×bs blocks, so the scalar
 *          and the block factorization are the same);
 *   apply: BiCGSTAB or restarted GMRES, right-preconditioned (kernels/linalg/krylov_solve.c), on the scaled
 *          system; then the true residual ‖R(b − J x)‖₂ / ‖R b‖₂ of the unscaled Jacobian is
 *          computed. An unconverged or inaccurate solve falls back, with a message: GMRES with a
 *          4× larger restart, then (CUDA) the cuDSS direct solver when its library is present, then
 *          the CPU direct solver (MUMPS LU on the host copy of J). When every one fails, the
 *          PC reports PC_SUBPC_ERROR and SNES sees a failed linear solve (the bias step is cut);
 *          no update is ever used that did not pass the true-residual check.
 * Engines: with the CUDA backend the vectors, the scaling, ILU(0) (cuSPARSE) and the Krylov
 * iteration stay on the device (kernels/linalg/linear_cuda.cu). With the host backend the same
 * pipeline runs on the CPU with PETSc's ILU(0) on a BAIJ copy (solver/linear_host.c): that is how
 * it is tested without a GPU, and the CPU proof that the GPU iteration counts are compared
 * against. */
#include <math.h>
#include <petscksp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/cuda.h"
#include "kernels/linalg/krylov_solve.h"
#include "kernels/linalg/linear.h"
#include "solver/linear.h"
#include "tcad/clock.h"
#include "tcad/error.h"
#include "tcad/petsc_error.h"

#define TCAD_LIN_MAX_MESSAGES 8

struct TcadLinSolver {
  TcadLinInputs in;
  int method;              /* TCAD_LINEAR_ILU_BICGSTAB, _ILU_GMRES or _CUDSS */
  int device;              /* 1: the CUDA engine */
  TcadKrylovOpts opt, big; /* the method, and the larger-restart GMRES fallback */
  double true_tol;
  int scale;
  TcadLinHost host; /* host engine */
  int ilu_ok;       /* this setup's ILU(0) succeeded */
  /* CPU direct fallback (MUMPS LU on the host J) */
  PC lu;
  int lu_ready;
  int cpu_fallback;
  int cudss_fallback; /* cuDSS after the Krylov attempts (CUDA) */
  /* CUDA engine */
  TcadCudaLin *cl;
  int direct_ok;       /* the cuDSS factorization of this setup (method cudss) succeeded */
  char setup_why[200]; /* ... and why not */
  /* stats */
  TcadLinStats st;
  int messages;
};

static const char *method_name(int m)
{
  return m == TCAD_LINEAR_ILU_GMRES ? "ilu-gmres" : m == TCAD_LINEAR_CUDSS ? "cudss" : "ilu-bicgstab";
}

static void message(TcadLinSolver *l, const char *fmt, ...)
{
  l->st.fallbacks++;
  if (l->in.quiet || l->messages >= TCAD_LIN_MAX_MESSAGES) return;
  l->messages++;
  printf("  linear solve: ");
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  if (l->messages == TCAD_LIN_MAX_MESSAGES)
    printf(" (further fallback messages suppressed; the run summary counts them)");
  printf("\n");
  fflush(stdout);
}

/* ---- CPU direct fallback ---- */

static int cpu_direct(TcadLinSolver *l, Vec b, Vec x)
{
  Mat J = l->in.J;
  if (!l->lu) {
    TCAD_PETSC_CALL(PCCreate(PETSC_COMM_SELF, &l->lu));
    TCAD_PETSC_CALL(PCSetType(l->lu, PCLU));
    TCAD_PETSC_CALL(PCFactorSetMatSolverType(l->lu, MATSOLVERMUMPS));
  }
  if (!l->lu_ready) {
    if (l->device) { /* the device solver runs without the host copy: make it now */
      PetscScalar *a;
      TCAD_PETSC_CALL(MatSeqAIJGetArray(J, &a));
      const int e = TcadCudaAsmJacobianToHost(l->in.dev, a, NULL);
      TCAD_PETSC_CALL(MatSeqAIJRestoreArray(J, &a));
      TCAD_CALL(e);
    }
    /* a new state: PCSetUp refactors even when SNES did not touch J since the last LU */
    TCAD_PETSC_CALL(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
    TCAD_PETSC_CALL(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
    TCAD_PETSC_CALL(PCSetOperators(l->lu, J, J));
    TCAD_PETSC_CALL(PCSetUp(l->lu));
    PCFailedReason why;
    TCAD_PETSC_CALL(PCGetFailedReason(l->lu, &why));
    if (why != PC_NOERROR)
      return tcad_error(TCAD_ERR_CONVERGE, "linear solve: the CPU LU factorization failed (%s)", PCFailedReasons[why]);
    l->lu_ready = 1;
  }
  TCAD_PETSC_CALL(PCApply(l->lu, b, x));
  return 0;
}

/* ---- PCSHELL ---- */

static PetscErrorCode pc_setup(PC pc)
{
  TcadLinSolver *l;
  PetscFunctionBeginUser;
  PetscCall(PCShellGetContext(pc, &l));
  const double t0 = tcad_now();
  l->lu_ready = 0;
  if (l->device) {
    int zp = -1;
    const int direct = l->method == TCAD_LINEAR_CUDSS;
    const int e = TcadCudaLinSetup(l->cl, TcadCudaAsmGetJacobianDevice(l->in.dev), 1, l->scale,
                                   direct ? TCAD_CUDA_LIN_DIRECT : TCAD_CUDA_LIN_ILU, &zp);
    /* a zero pivot, or any cuDSS failure, is for the fallbacks to handle; other errors are bugs */
    if (e && e != TCAD_ERR_CONVERGE && !direct) TCAD_PETSC_RAISE(e);
    l->ilu_ok = !direct && e == 0;
    l->direct_ok = direct && e == 0;
    snprintf(l->setup_why, sizeof l->setup_why, "%s", e ? tcad_error_message() : "");
  } else {
    const PetscScalar *v;
    PetscCall(MatSeqAIJGetArrayRead(l->in.J, &v));
    const int e = tcad_lin_host_setup(&l->host, v);
    PetscCall(MatSeqAIJRestoreArrayRead(l->in.J, &v));
    TCAD_PETSC_RAISE(e);
    l->ilu_ok = l->host.ilu_ok;
  }
  l->st.setups++;
  l->st.t_setup += tcad_now() - t0;
  PetscFunctionReturn(0);
}

static int krylov_attempt(TcadLinSolver *l, const TcadKrylovOpts *o, const double *b, double *x, TcadKrylovResult *kr,
                          double *rel)
{
  TCAD_RETURN(l->device ? TcadCudaLinSolve(l->cl, o, b, x, kr, rel) : tcad_lin_host_solve(&l->host, o, b, x, kr, rel));
}

static PetscErrorCode pc_apply(PC pc, Vec vb, Vec vx)
{
  TcadLinSolver *l;
  PetscFunctionBeginUser;
  PetscCall(PCShellGetContext(pc, &l));
  PetscCall(PCSetFailedReason(pc, PC_NOERROR));
  const double t0 = tcad_now();
  const PetscScalar *b;
  PetscScalar *x;
  PetscCall(VecGetArrayRead(vb, &b));
  PetscCall(VecGetArray(vx, &x));
  const char *what = method_name(l->method);
  char why[256] = "";
  int done = 0;
  /* 1. the method; 2. GMRES with a larger restart */
  for (int attempt = 0; attempt < 2 && !done; attempt++) {
    if (l->method == TCAD_LINEAR_CUDSS) break;
    const TcadKrylovOpts *o = attempt ? &l->big : &l->opt;
    if (!l->ilu_ok) {
      snprintf(why, sizeof why, "ILU(0) has a zero pivot");
      break;
    }
    TcadKrylovResult kr;
    double rel = INFINITY;
    const int e = krylov_attempt(l, o, b, x, &kr, &rel);
    l->st.krylov_its += kr.its_run, l->st.its_newton += kr.its_run;
    if (e) VecRestoreArray(vx, &x), VecRestoreArrayRead(vb, &b);
    TCAD_PETSC_RAISE(e);
    if (kr.converged && rel <= l->true_tol) {
      done = 1;
      l->st.last_true = rel;
      break;
    }
    if (!kr.converged)
      snprintf(why, sizeof why, "%s after %d iterations, residual %.2e of the right-hand side",
               kr.breakdown  ? "breakdown"
               : kr.stalled  ? "stagnation"
               : kr.diverged ? "divergence"
                             : "no convergence",
               kr.its, kr.bnorm > 0 ? kr.rnorm / kr.bnorm : kr.rnorm);
    else
      snprintf(why, sizeof why, "converged in %d iterations but the true residual is %.2e (limit %.1e)", kr.its, rel,
               l->true_tol);
    if (!attempt) {
      message(l, "%s: %s; trying gmres(%d)", what, why, l->big.restart);
      what = "the gmres fallback";
    }
  }
  /* 3. (CUDA) cuDSS: the method itself, or the next fallback when its library loads */
  if (!done && l->device && (l->method == TCAD_LINEAR_CUDSS || (l->cudss_fallback && TcadCudaLinHasCudss(l->cl)))) {
    if (l->method != TCAD_LINEAR_CUDSS) {
      message(l, "%s: %s; trying cuDSS", what, why);
    } else if (!l->direct_ok) {
      snprintf(why, sizeof why, "%s", l->setup_why);
    }
    if (l->method != TCAD_LINEAR_CUDSS || l->direct_ok) {
      double rel = INFINITY;
      int refine = 0;
      const int e = TcadCudaLinDirect(l->cl, b, x, l->true_tol, &rel, &refine);
      l->st.direct_refine += refine;
      if (!e && rel <= l->true_tol) {
        done = 1, l->st.direct++;
        l->st.last_true = rel;
      } else if (e) {
        snprintf(why, sizeof why, "%s", tcad_error_message());
      } else {
        snprintf(why, sizeof why,
                 "the true residual is %.2e after %d refinement steps and GMRES iterations on the factors (limit %.1e)",
                 rel, refine, l->true_tol);
      }
    }
    what = "cudss";
  }
  PetscCall(VecRestoreArray(vx, &x));
  PetscCall(VecRestoreArrayRead(vb, &b));
  /* 4. the CPU direct solver */
  if (!done && l->cpu_fallback) {
    message(l, "%s: %s; using the CPU direct solver (MUMPS)", what, why);
    if (!cpu_direct(l, vb, vx)) done = 1, l->st.cpu_direct++;
  } else if (!done) {
    message(l, "%s: %s; no CPU fallback (-tcad_linear_cpu_fallback false): the Newton step fails", what, why);
  }
  if (!done) {
    PetscCall(VecSet(vx, 0.0));
    PetscCall(PCSetFailedReason(pc, PC_SUBPC_ERROR));
    l->st.failed++;
  }
  l->st.solves++;
  l->st.t_solve += tcad_now() - t0;
  PetscFunctionReturn(0);
}

/* ---- set-up ---- */

int tcad_linear_create(const TcadLinInputs *in, const TcadLinearOptions *o, TcadLinSolver **out)
{
  *out = NULL;
  if (o->kind != TCAD_LINEAR_ILU_BICGSTAB && o->kind != TCAD_LINEAR_ILU_GMRES && o->kind != TCAD_LINEAR_CUDSS) return 0;
  if (o->kind == TCAD_LINEAR_CUDSS && !in->dev)
    return tcad_error(TCAD_ERR_INPUT, "-tcad_linear cudss needs the CUDA backend; use ilu-bicgstab or ilu-gmres");
  TcadLinSolver *l = NULL;
  int e = 0;
  TCAD_ALLOC(l, 1);
  l->in = *in, l->method = o->kind, l->scale = o->scale;
  l->opt.method = o->kind == TCAD_LINEAR_ILU_GMRES ? TCAD_KRYLOV_GMRES : TCAD_KRYLOV_BICGSTAB;
  l->opt.restart = o->restart, l->opt.rtol = o->rtol, l->opt.max_it = o->max_it, l->opt.check = o->check;
  l->opt.stall = o->stall, l->opt.dtol = 1e5;
  l->big = l->opt;
  l->big.method = TCAD_KRYLOV_GMRES, l->big.restart = 4 * o->restart, l->big.max_it = 2 * o->max_it;
  l->true_tol = o->true_tol;
  l->cpu_fallback = o->cpu_fallback;
  l->cudss_fallback = o->cudss_fallback;
  l->device = in->dev != NULL;
  if (l->device) {
    TCAD_CALL_GOTO(e, TcadCudaLinCreate(in->pat.bs, in->pat.nnodes, in->pat.rowptr, in->pat.col, &l->cl), fail);
    if (o->kind == TCAD_LINEAR_CUDSS && !TcadCudaLinHasCudss(l->cl)) {
      e = tcad_error(TCAD_ERR_INPUT, "-tcad_linear cudss: %s; use ilu-bicgstab or ilu-gmres",
                     TcadCudaLinGetCudssWhy(l->cl));
      goto fail;
    }
  } else {
    TCAD_CALL_GOTO(e, tcad_lin_host_create(&in->pat, in->nnz, o->scale, &l->host), fail);
  }
  *out = l;
  return 0;
fail:
  tcad_linear_destroy(&l);
  return e;
}

int tcad_linear_attach(TcadLinSolver *l, KSP ksp)
{
  PC pc;
  TCAD_PETSC_CALL(KSPSetType(ksp, KSPPREONLY));
  TCAD_PETSC_CALL(KSPGetPC(ksp, &pc));
  TCAD_PETSC_CALL(PCSetType(pc, PCSHELL));
  TCAD_PETSC_CALL(PCShellSetContext(pc, l));
  TCAD_PETSC_CALL(PCShellSetSetUp(pc, pc_setup));
  TCAD_PETSC_CALL(PCShellSetApply(pc, pc_apply));
  TCAD_PETSC_CALL(PCShellSetName(pc, method_name(l->method)));
  return 0;
}

void tcad_linear_destroy(TcadLinSolver **lp)
{
  TcadLinSolver *l = *lp;
  if (!l) return;
  TcadCudaLinDestroy(&l->cl);
  if (l->lu) PCDestroy(&l->lu);
  tcad_lin_host_destroy(&l->host);
  free(l);
  *lp = NULL;
}

const TcadLinStats *tcad_linear_stats(const TcadLinSolver *l) { return l ? &l->st : NULL; }
TcadLinStats *tcad_linear_stats_rw(TcadLinSolver *l) { return l ? &l->st : NULL; }
const char *tcad_linear_name(const TcadLinSolver *l) { return l ? method_name(l->method) : "off"; }
int tcad_linear_on_device(const TcadLinSolver *l) { return l && l->device; }
void tcad_linear_direct_info(const TcadLinSolver *l, long long *lu_nnz, int *npivots)
{
  *lu_nnz = 0, *npivots = 0;
  if (l && l->cl) TcadCudaLinGetDirectInfo(l->cl, lu_nnz, npivots);
}
