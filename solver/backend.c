/* Assembly backends: the host (the edge loop, or the row loop on several OpenMP threads; the
 * two agree bitwise) and CUDA (kernels/assemble_cuda.cu). With CUDA the Newton Jacobian is a
 * MATSHELL whose MatMult runs on the device matrix; the preconditioner matrix is the host AIJ
 * copy that the CPU linear solver factors, and that copy is timed on its own. */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "kernels/cuda.h"
#include "solver/sim_internal.h"
#include "tcad/error.h"

int TcadSimDefaultBackend(char *why, size_t n)
{
  char opt[32] = "";
  PetscBool set = PETSC_FALSE;
  PetscOptionsGetString(NULL, NULL, "-tcad_backend", opt, sizeof opt, &set);
  TcadCudaInfo ci;
  tcad_cuda_query(&ci);
  if (set && strcmp(opt, "host") && strcmp(opt, "cuda"))
    return -tcad_error(TCAD_ERR_INPUT, "-tcad_backend %s: unknown backend; use host or cuda", opt);
  if (set && !strcmp(opt, "cuda") && !ci.ndevices)
    return -tcad_error(TCAD_ERR_CUDA, "-tcad_backend cuda: %s; use -tcad_backend host", ci.why);
  const int cuda = ci.ndevices && !(set && !strcmp(opt, "host"));
  if (why) {
    if (cuda)
      snprintf(why, n, "CUDA device %s (sm_%d%d, %.0f GiB)%s", ci.name, ci.major, ci.minor, ci.memory_gib,
               set ? ", -tcad_backend cuda" : "");
    else if (ci.ndevices)
      snprintf(why, n, "-tcad_backend host; CUDA device %s not used", ci.name);
    else
      snprintf(why, n, "%s; %d OpenMP thread%s", ci.why, omp_get_max_threads(), omp_get_max_threads() == 1 ? "" : "s");
  }
  return cuda ? TCAD_BACKEND_CUDA : TCAD_BACKEND_HOST;
}

static PetscErrorCode shell_mult(Mat A, Vec x, Vec y)
{
  TcadSim *s;
  const PetscScalar *xa;
  PetscScalar *ya;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &s));
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArray(y, &ya));
  const int e = TcadCudaAsmMatMult(s->cuda, xa, ya);
  PetscCall(VecRestoreArray(y, &ya));
  PetscCall(VecRestoreArrayRead(x, &xa));
  if (e) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", tcad_error_message());
  PetscFunctionReturn(0);
}

int TcadSimSetBackend(TcadSim *s, int backend)
{
  if (backend != TCAD_BACKEND_HOST && backend != TCAD_BACKEND_CUDA)
    return tcad_error(TCAD_ERR_INPUT, "unknown backend %d", backend);
  if (backend == TCAD_BACKEND_CUDA && !s->cuda) {
    TCAD_CALL(TcadCudaAsmCreate(&s->D, s->rowptr, s->col, &s->cuda));
    const PetscInt N = (PetscInt)s->bs * s->nnodes;
    if (MatCreateShell(PETSC_COMM_SELF, N, N, N, N, s, &s->Jshell) ||
        MatShellSetOperation(s->Jshell, MATOP_MULT, (void (*)(void))shell_mult))
      return tcad_error(TCAD_ERR_PETSC, "cannot create the device Jacobian's MATSHELL");
  }
  s->backend = backend;
  /* the linear-solver pipeline follows the backend (device or host engine) */
  tcad_linear_destroy(&s->lin);
  if (s->snes) {
    KSP ksp;
    TCAD_CALL(tcad_linear_create(s, &s->lin));
    if (s->lin && (SNESGetKSP(s->snes, &ksp) || tcad_linear_attach(s->lin, ksp)))
      return tcad_error(TCAD_ERR_PETSC, "cannot install the %s linear solver", tcad_linear_name(s->lin));
  }
  /* The Newton matrix: the device one (MATSHELL) with the host AIJ copy as preconditioner.
   * A Krylov method on the CPU multiplies with the host copy instead: the shell would copy
   * vectors across every iteration, and it has no diagonal scaling (-ksp_diagonal_scale). */
  Mat A = s->J;
  if (backend == TCAD_BACKEND_CUDA && s->snes) {
    KSP ksp;
    PetscBool preonly = PETSC_FALSE;
    if (SNESGetKSP(s->snes, &ksp) || PetscObjectTypeCompare((PetscObject)ksp, KSPPREONLY, &preonly))
      return tcad_error(TCAD_ERR_PETSC, "cannot query the linear solver");
    if (preonly) A = s->Jshell;
  }
  if (s->snes && SNESSetJacobian(s->snes, A, s->J, NULL, NULL))
    return tcad_error(TCAD_ERR_PETSC, "cannot set the Newton Jacobian");
  return 0;
}

int TcadSimGetBackend(const TcadSim *s) { return s->backend; }

void tcad_sim_backend_destroy(TcadSim *s)
{
  tcad_linear_destroy(&s->lin);
  TcadCudaAsmDestroy(&s->cuda);
  if (s->Jshell) MatDestroy(&s->Jshell);
}

int tcad_sim_assemble(TcadSim *s, const double *x, double *f, double *jac, double *cflux, double *fmag)
{
  if (s->backend == TCAD_BACKEND_CUDA) {
    TcadCudaTimes *t = &s->ctimes;
    const double before = t->jac_copy;
    /* the device linear solver reads the device Jacobian: no host copy then */
    const int to_host = !tcad_linear_on_device(s->lin);
    TCAD_CALL(TcadCudaAsmAssemble(s->cuda, &s->D.p, s->bc_value, x, f, jac, to_host, cflux, fmag, t));
    s->t_copy_acc += t->jac_copy - before;
    return 0;
  }
  /* the row loop evaluates each edge twice and pays a parallel region: worth it on big meshes
   * and at least 4 threads (measured on 2 cores, 1e5 nodes: 139 ms on 2 threads against 85 ms
   * for the serial edge loop) */
  if (omp_get_max_threads() >= 4 && s->nnodes >= 50000) tcad_asm_host_rows(&s->D, x, f, jac, cflux, fmag);
  else tcad_asm_host_edges(&s->D, x, f, jac, cflux, fmag);
  return 0;
}

int TcadSimGetLinearSummary(const TcadSim *s, char *buf, size_t n)
{
  const TcadLinStats *st = tcad_linear_stats(s->lin);
  if (!st) return 0;
  int k = snprintf(buf, n,
                   "linear solver %s (%s): %ld setups, %ld solves, %ld Krylov iterations (%.1f per solve), %ld "
                   "fallbacks; finished by cuDSS %ld, by the CPU direct solver %ld; %ld failed; setup %.2f s, solve "
                   "%.2f s",
                   tcad_linear_name(s->lin), tcad_linear_on_device(s->lin) ? "device" : "host engine", st->setups,
                   st->solves, st->krylov_its, st->solves ? (double)st->krylov_its / st->solves : 0.0, st->fallbacks,
                   st->direct, st->cpu_direct, st->failed, st->t_setup, st->t_solve);
  long long lu = 0;
  int npiv = 0;
  tcad_linear_direct_info(s->lin, &lu, &npiv);
  if (lu > 0 && k > 0 && (size_t)k < n)
    snprintf(buf + k, n - (size_t)k, "; cuDSS LU %lld nonzeros (%.1fx the Jacobian), %ld refinement steps", lu,
             (double)lu / s->nnz, st->direct_refine);
  return 1;
}
