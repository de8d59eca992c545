/* The GPU linear-solver pipeline, plugged into SNES as KSPPREONLY + PCSHELL
 * (-tcad_gpu_solver ilu-bicgstab|ilu-gmres):
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
 * pipeline runs on the CPU with PETSc's ILU(0) on a BAIJ copy: that is how it is tested
 * without a GPU, and the CPU proof that the GPU iteration counts are compared against. */
#include <math.h>
#include <petscksp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/cuda.h"
#include "kernels/linalg/linear.h"
#include "kernels/linalg/krylov_solve.h"
#include "solver/linear.h"
#include "solver/sim_internal.h"
#include "tcad/error.h"

#define MAX_MESSAGES 8

struct TcadLinSolver {
  TcadSim *s;
  int method;        /* TCAD_GPU_SOLVER_* */
  int device;        /* 1: the CUDA engine */
  TcadKrylovOpts opt, big; /* the method, and the larger-restart GMRES fallback */
  double true_tol;
  int scale;
  int N;
  TcadLinPattern pat;
  /* host engine */
  double *a, *rs, *cs, *dinv, *b, *y, *r;
  TcadBaij Ab;
  TcadPcWrap ilu; /* PETSc's ILU(0) on Ab */
  int ilu_ok;
  /* CPU direct fallback (MUMPS LU on s->J) */
  PC lu;
  int lu_ready;
  int cpu_fallback; /* -tcad_gpu_cpu_fallback (default true) */
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
  return m == TCAD_GPU_SOLVER_ILU_GMRES ? "ilu-gmres" : m == TCAD_GPU_SOLVER_CUDSS ? "cudss" : "ilu-bicgstab";
}

static void message(TcadLinSolver *l, const char *fmt, ...)
{
  l->st.fallbacks++;
  if (l->s->quiet || l->messages >= MAX_MESSAGES) return;
  l->messages++;
  printf("  linear solve: ");
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  if (l->messages == MAX_MESSAGES) printf(" (further fallback messages suppressed; the run summary counts them)");
  printf("\n");
  fflush(stdout);
}

/* ---- host engine ---- */

int tcad_pc_wrap_apply(void *ctx, const double *x, double *y)
{
  TcadPcWrap *w = ctx;
  if (VecPlaceArray(w->x, x) || VecPlaceArray(w->y, y)) return TCAD_ERR_PETSC;
  PetscErrorCode e = PCApply(w->pc, w->x, w->y);
  VecResetArray(w->x), VecResetArray(w->y);
  return e ? TCAD_ERR_PETSC : 0;
}

int tcad_baij_create(const TcadLinPattern *p, TcadBaij *b)
{
  const int n = p->nnodes, bs = p->bs, nnz = p->rowptr[bs * n];
  b->A = NULL;
  int *browptr = malloc(sizeof(int) * ((size_t)n + 1)), *bcol = malloc(sizeof(int) * (size_t)(nnz / (bs * bs) + 1));
  int e = browptr && bcol ? 0 : tcad_error(TCAD_ERR_MEM, "block matrix for the ILU (%d block rows)", n);
  if (!e) {
    tcad_lin_bsr_pattern(p, browptr, bcol);
    if (MatCreate(PETSC_COMM_SELF, &b->A) || MatSetSizes(b->A, bs * n, bs * n, bs * n, bs * n) ||
        MatSetType(b->A, MATSEQBAIJ) || MatSeqBAIJSetPreallocationCSR(b->A, bs, browptr, bcol, NULL))
      e = tcad_error(TCAD_ERR_PETSC, "block matrix for the ILU: PETSc could not create it");
  }
  free(browptr), free(bcol);
  if (e) tcad_baij_destroy(b);
  return e;
}

int tcad_baij_fill(const TcadLinPattern *p, TcadBaij *b, const double *a)
{
  PetscScalar *v;
  if (MatSeqBAIJGetArray(b->A, &v)) return tcad_error(TCAD_ERR_PETSC, "block matrix update");
  for (int i = 0; i < p->nnodes; i++) tcad_lin_to_bsr_node(p->bs, i, p->rowptr, a, v, 1);
  /* assembling again gives the matrix a new object state, which is what makes a PC refactor */
  if (MatSeqBAIJRestoreArray(b->A, &v) || MatAssemblyBegin(b->A, MAT_FINAL_ASSEMBLY) ||
      MatAssemblyEnd(b->A, MAT_FINAL_ASSEMBLY))
    return tcad_error(TCAD_ERR_PETSC, "block matrix update");
  return 0;
}

void tcad_baij_destroy(TcadBaij *b)
{
  if (b->A) MatDestroy(&b->A);
  b->A = NULL;
}

static int host_setup(TcadLinSolver *l, const double *jac)
{
  const int nnz = l->s->nnz;
  memcpy(l->a, jac, sizeof(double) * (size_t)nnz);
  tcad_lin_scale(&l->pat, l->scale, NULL, l->a, l->rs, l->cs, l->dinv);
  int err = tcad_baij_fill(&l->pat, &l->Ab, l->a);
  if (err) return err;
  PetscErrorCode e = 0;
  if (!l->ilu.pc) {
    e = PCCreate(PETSC_COMM_SELF, &l->ilu.pc);
    if (!e) e = PCSetType(l->ilu.pc, PCILU);
    if (!e) e = PCSetOperators(l->ilu.pc, l->Ab.A, l->Ab.A);
  }
  if (e) return tcad_error(TCAD_ERR_PETSC, "linear solve: cannot set up the host ILU(0)");
  l->ilu_ok = PCSetUp(l->ilu.pc) == 0;
  if (l->ilu_ok) {
    PCFailedReason why;
    PCGetFailedReason(l->ilu.pc, &why);
    l->ilu_ok = why == PC_NOERROR;
  }
  return 0;
}

/* Solve with the Krylov options o; x (host) gets the unscaled solution, *rel the true residual. */
static int host_solve(TcadLinSolver *l, const TcadKrylovOpts *o, const double *b, double *x, TcadKrylovResult *kr,
                      double *rel)
{
  const int N = l->N, bs = l->pat.bs;
  memcpy(l->b, b, sizeof(double) * (size_t)N);
  for (int i = 0; i < l->pat.nnodes; i++) tcad_lin_scale_rhs_node(bs, l->scale, i, l->rs, l->dinv, l->b);
  TcadKrylovHost kh = {N, l->pat.rowptr, l->pat.col, l->a, tcad_pc_wrap_apply, &l->ilu};
  TcadKrylovOps ops;
  int e = tcad_krylov_host_ops(&kh, o, &ops);
  if (!e) e = tcad_krylov_solve(&ops, o, l->b, l->y, kr);
  tcad_krylov_host_free(&ops);
  if (e) return e;
  for (int r = 0; r < N; r++) x[r] = l->cs[r] * l->y[r];
  *rel = tcad_linear_true_residual(&l->pat, l->a, l->rs, l->cs, b, x, l->r);
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

/* ---- CPU direct fallback ---- */

static int cpu_direct(TcadLinSolver *l, Vec b, Vec x)
{
  if (!l->lu) {
    if (PCCreate(PETSC_COMM_SELF, &l->lu) || PCSetType(l->lu, PCLU) ||
        PCFactorSetMatSolverType(l->lu, MATSOLVERMUMPS))
      return tcad_error(TCAD_ERR_PETSC, "linear solve: cannot create the CPU LU fallback");
  }
  if (!l->lu_ready) {
    if (l->device) { /* the device solver runs without the host copy: make it now */
      PetscScalar *a;
      if (MatSeqAIJGetArray(l->s->J, &a)) return tcad_error(TCAD_ERR_PETSC, "linear solve: host Jacobian");
      const int e = TcadCudaAsmJacobianToHost(l->s->cuda, a);
      MatSeqAIJRestoreArray(l->s->J, &a);
      if (e) return e;
    }
    /* a new state: PCSetUp refactors even when SNES did not touch J since the last LU */
    if (MatAssemblyBegin(l->s->J, MAT_FINAL_ASSEMBLY) || MatAssemblyEnd(l->s->J, MAT_FINAL_ASSEMBLY))
      return tcad_error(TCAD_ERR_PETSC, "linear solve: host Jacobian");
    if (PCSetOperators(l->lu, l->s->J, l->s->J) || PCSetUp(l->lu))
      return tcad_error(TCAD_ERR_CONVERGE, "linear solve: the CPU LU factorization failed");
    PCFailedReason why;
    PCGetFailedReason(l->lu, &why);
    if (why != PC_NOERROR) return tcad_error(TCAD_ERR_CONVERGE, "linear solve: the CPU LU factorization failed");
    l->lu_ready = 1;
  }
  if (PCApply(l->lu, b, x)) return tcad_error(TCAD_ERR_CONVERGE, "linear solve: the CPU LU solve failed");
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
    const int direct = l->method == TCAD_GPU_SOLVER_CUDSS;
    const int e = TcadCudaLinSetup(l->cl, TcadCudaAsmJacobianDevice(l->s->cuda), 1, l->scale,
                                   direct ? TCAD_CUDA_LIN_DIRECT : TCAD_CUDA_LIN_ILU, &zp);
    /* a zero pivot, or any cuDSS failure, is for the fallbacks to handle; other errors are bugs */
    if (e && e != TCAD_ERR_CONVERGE && !direct) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", tcad_error_message());
    l->ilu_ok = !direct && e == 0;
    l->direct_ok = direct && e == 0;
    snprintf(l->setup_why, sizeof l->setup_why, "%s", e ? tcad_error_message() : "");
  } else {
    const PetscScalar *v;
    PetscCall(MatSeqAIJGetArrayRead(l->s->J, &v));
    const int e = host_setup(l, v);
    PetscCall(MatSeqAIJRestoreArrayRead(l->s->J, &v));
    if (e) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", tcad_error_message());
  }
  l->st.setups++;
  l->st.t_setup += tcad_now() - t0;
  PetscFunctionReturn(0);
}

static int krylov_attempt(TcadLinSolver *l, const TcadKrylovOpts *o, const double *b, double *x, TcadKrylovResult *kr,
                          double *rel)
{
  if (l->device) return TcadCudaLinSolve(l->cl, o, b, x, kr, rel);
  return host_solve(l, o, b, x, kr, rel);
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
    if (l->method == TCAD_GPU_SOLVER_CUDSS) break;
    const TcadKrylovOpts *o = attempt ? &l->big : &l->opt;
    if (!l->ilu_ok) {
      snprintf(why, sizeof why, "ILU(0) has a zero pivot");
      break;
    }
    TcadKrylovResult kr;
    double rel = INFINITY;
    const int e = krylov_attempt(l, o, b, x, &kr, &rel);
    l->st.krylov_its += kr.its_run, l->st.its_newton += kr.its_run;
    if (e) {
      VecRestoreArray(vx, &x), VecRestoreArrayRead(vb, &b);
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", tcad_error_message());
    }
    if (kr.converged && rel <= l->true_tol) {
      done = 1;
      l->st.last_true = rel;
      break;
    }
    if (!kr.converged)
      snprintf(why, sizeof why, "%s after %d iterations, residual %.2e of the right-hand side",
               kr.breakdown ? "breakdown" : kr.stalled ? "stagnation" : kr.diverged ? "divergence" : "no convergence",
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
  if (!done && l->device && (l->method == TCAD_GPU_SOLVER_CUDSS || TcadCudaLinHaveCudss(l->cl))) {
    if (l->method != TCAD_GPU_SOLVER_CUDSS) {
      message(l, "%s: %s; trying cuDSS", what, why);
    } else if (!l->direct_ok) {
      snprintf(why, sizeof why, "%s", l->setup_why);
    }
    if (l->method != TCAD_GPU_SOLVER_CUDSS || l->direct_ok) {
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
        snprintf(why, sizeof why, "the true residual is %.2e after %d refinement steps (limit %.1e)", rel, refine,
                 l->true_tol);
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
    message(l, "%s: %s; no CPU fallback (-tcad_gpu_cpu_fallback false): the Newton step fails", what, why);
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

static int opt_int(const char *name, int def, int lo)
{
  PetscInt v;
  PetscBool set = PETSC_FALSE;
  PetscOptionsGetInt(NULL, NULL, name, &v, &set);
  if (!set) return def;
  if (v < lo) return -tcad_error(TCAD_ERR_INPUT, "%s %d: must be at least %d", name, (int)v, lo);
  return (int)v;
}

int tcad_linear_create(TcadSim *s, TcadLinSolver **out)
{
  *out = NULL;
  char name[32] = "";
  PetscBool set = PETSC_FALSE;
  PetscOptionsGetString(NULL, NULL, "-tcad_gpu_solver", name, sizeof name, &set);
  if (!set || !strcmp(name, "off")) return 0;
  int method;
  if (!strcmp(name, "ilu-bicgstab")) method = TCAD_GPU_SOLVER_ILU_BICGSTAB;
  else if (!strcmp(name, "ilu-gmres")) method = TCAD_GPU_SOLVER_ILU_GMRES;
  else if (!strcmp(name, "cudss")) method = TCAD_GPU_SOLVER_CUDSS;
  else
    return tcad_error(TCAD_ERR_INPUT, "-tcad_gpu_solver %s: unknown; use ilu-bicgstab, ilu-gmres, cudss or off", name);
  TcadLinSolver *l = calloc(1, sizeof *l);
  if (!l) return tcad_error(TCAD_ERR_MEM, "linear solver");
  l->s = s, l->method = method;
  l->N = s->bs * s->nnodes;
  l->pat.bs = s->bs, l->pat.nnodes = s->nnodes, l->pat.rowptr = s->rowptr, l->pat.col = s->col;
  l->scale = TCAD_LIN_SCALE_ROWCOL;
  {
    char sc[16] = "";
    PetscOptionsGetString(NULL, NULL, "-tcad_gpu_scale", sc, sizeof sc, &set);
    if (set) {
      const int k = tcad_lin_scale_kind(sc);
      if (k != TCAD_LIN_SCALE_NONE && k != TCAD_LIN_SCALE_ROW && k != TCAD_LIN_SCALE_ROWCOL) {
        free(l);
        return tcad_error(TCAD_ERR_INPUT, "-tcad_gpu_scale %s: use rowcol (default), row or none", sc);
      }
      l->scale = k;
    }
  }
  PetscReal rtol = 1e-10, ttol = 1e-8;
  PetscOptionsGetReal(NULL, NULL, "-tcad_gpu_rtol", &rtol, &set);
  PetscOptionsGetReal(NULL, NULL, "-tcad_gpu_true_tol", &ttol, &set);
  const int max_it = opt_int("-tcad_gpu_max_it", 2000, 1), restart = opt_int("-tcad_gpu_restart", 30, 1),
            check = opt_int("-tcad_gpu_check", 5, 1), stall = opt_int("-tcad_gpu_stall", 300, 0);
  if (max_it < 0 || restart < 0 || check < 0 || stall < 0 || !(rtol > 0 && rtol < 1) || !(ttol > 0)) {
    free(l);
    return max_it < 0 ? -max_it : restart < 0 ? -restart : check < 0 ? -check : stall < 0 ? -stall
                                                                     : tcad_error(TCAD_ERR_INPUT, "-tcad_gpu_rtol must be in (0, 1) and -tcad_gpu_true_tol > 0");
  }
  l->opt.method = method == TCAD_GPU_SOLVER_ILU_GMRES ? TCAD_KRYLOV_GMRES : TCAD_KRYLOV_BICGSTAB;
  l->opt.restart = restart, l->opt.rtol = rtol, l->opt.max_it = max_it, l->opt.check = check;
  l->opt.stall = stall, l->opt.dtol = 1e5;
  l->big = l->opt;
  l->big.method = TCAD_KRYLOV_GMRES, l->big.restart = 4 * restart, l->big.max_it = 2 * max_it;
  l->true_tol = ttol;
  PetscBool fb = PETSC_TRUE;
  PetscOptionsGetBool(NULL, NULL, "-tcad_gpu_cpu_fallback", &fb, &set);
  l->cpu_fallback = fb ? 1 : 0;
  l->device = s->backend == TCAD_BACKEND_CUDA;
  int e = 0;
  if (l->device) {
    e = TcadCudaLinCreate(s->bs, s->nnodes, s->rowptr, s->col, &l->cl);
    if (!e && method == TCAD_GPU_SOLVER_CUDSS && !TcadCudaLinHaveCudss(l->cl))
      e = tcad_error(TCAD_ERR_INPUT, "-tcad_gpu_solver cudss: %s; use ilu-bicgstab or ilu-gmres", TcadCudaLinCudssWhy(l->cl));
  } else if (method == TCAD_GPU_SOLVER_CUDSS) {
    e = tcad_error(TCAD_ERR_INPUT, "-tcad_gpu_solver cudss needs the CUDA backend; use ilu-bicgstab or ilu-gmres");
  } else {
    const size_t N = (size_t)l->N;
    l->a = malloc(sizeof(double) * (size_t)s->nnz);
    l->rs = malloc(sizeof(double) * N), l->cs = malloc(sizeof(double) * N), l->b = malloc(sizeof(double) * N);
    l->y = malloc(sizeof(double) * N), l->r = malloc(sizeof(double) * N);
    l->dinv = NULL;
    if (!l->a || !l->rs || !l->cs || !l->b || !l->y || !l->r) e = tcad_error(TCAD_ERR_MEM, "linear solver arrays");
    if (!e) e = tcad_baij_create(&l->pat, &l->Ab);
    if (!e && (VecCreateSeqWithArray(PETSC_COMM_SELF, 1, l->N, NULL, &l->ilu.x) ||
               VecCreateSeqWithArray(PETSC_COMM_SELF, 1, l->N, NULL, &l->ilu.y)))
      e = tcad_error(TCAD_ERR_PETSC, "linear solver: PETSc objects");
  }
  if (e) {
    tcad_linear_destroy(&l);
    return e;
  }
  *out = l;
  return 0;
}

int tcad_linear_attach(TcadLinSolver *l, KSP ksp)
{
  PC pc;
  if (KSPSetType(ksp, KSPPREONLY) || KSPGetPC(ksp, &pc) || PCSetType(pc, PCSHELL) || PCShellSetContext(pc, l) ||
      PCShellSetSetUp(pc, pc_setup) || PCShellSetApply(pc, pc_apply) || PCShellSetName(pc, method_name(l->method)))
    return tcad_error(TCAD_ERR_PETSC, "cannot install the linear-solver PCSHELL");
  return 0;
}

void tcad_linear_destroy(TcadLinSolver **lp)
{
  TcadLinSolver *l = *lp;
  if (!l) return;
  TcadCudaLinDestroy(&l->cl);
  if (l->ilu.pc) PCDestroy(&l->ilu.pc);
  if (l->lu) PCDestroy(&l->lu);
  tcad_baij_destroy(&l->Ab);
  if (l->ilu.x) VecDestroy(&l->ilu.x);
  if (l->ilu.y) VecDestroy(&l->ilu.y);
  free(l->a), free(l->rs), free(l->cs), free(l->b), free(l->y), free(l->r), free(l->dinv);
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
  if (l && l->cl) TcadCudaLinDirectInfo(l->cl, lu_nnz, npivots);
}
