/* Assembly backends: the host (the edge loop, or the row loop on several OpenMP threads; the
 * two agree bitwise) and CUDA (kernels/assemble_cuda.cu), where every transfer is an explicit,
 * timed call. With CUDA the Newton Jacobian is a MATSHELL whose MatMult runs on the device matrix;
 * the preconditioner matrix is the host AIJ copy that a CPU linear solver factors, and that copy
 * is made (and timed) only when such a solver needs it. */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "kernels/cuda.h"
#include "kernels/linalg/cudss.h"
#include "solver/sim_internal.h"
#include "tcad/error.h"
#include "tcad/petsc_error.h"

/* The row loop evaluates each edge twice and pays a parallel region: it wins on big meshes with
 * at least 4 threads (docs/dev-notes.md, "host assembly threads"). */
#define TCAD_ROWS_MIN_THREADS 4
#define TCAD_ROWS_MIN_NODES 50000

int TcadSimGetDefaultBackend(int requested, int *backend, char *why, size_t n)
{
  TcadCudaInfo ci;
  tcad_cuda_query(&ci);
  if (requested == TCAD_BACKEND_CUDA && !ci.ndevices)
    return tcad_error(TCAD_ERR_CUDA, "-tcad_backend cuda: %s; use -tcad_backend host", ci.why);
  const int cuda = ci.ndevices && requested != TCAD_BACKEND_HOST;
  if (why) {
    if (cuda)
      snprintf(why, n, "CUDA device %s (sm_%d%d, %.0f GiB)%s", ci.name, ci.major, ci.minor, ci.memory_gib,
               requested == TCAD_BACKEND_CUDA ? ", -tcad_backend cuda" : "");
    else if (ci.ndevices)
      snprintf(why, n, "-tcad_backend host; CUDA device %s not used", ci.name);
    else
      snprintf(why, n, "%s; %d OpenMP thread%s", ci.why, omp_get_max_threads(), omp_get_max_threads() == 1 ? "" : "s");
  }
  *backend = cuda ? TCAD_BACKEND_CUDA : TCAD_BACKEND_HOST;
  return 0;
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
  const int e = TcadCudaAsmMatMult(s->cuda, xa, ya, &s->ctimes);
  PetscCall(VecRestoreArray(y, &ya));
  PetscCall(VecRestoreArrayRead(x, &xa));
  TCAD_PETSC_RAISE(e);
  PetscFunctionReturn(0);
}

int TcadSimSetBackend(TcadSim *s, int backend)
{
  if (backend != TCAD_BACKEND_HOST && backend != TCAD_BACKEND_CUDA)
    return tcad_error(TCAD_ERR_INPUT, "unknown backend %d", backend);
  if (backend == TCAD_BACKEND_CUDA && !s->cuda) {
    TCAD_CALL(TcadCudaAsmCreate(&s->D, s->rowptr, s->col, &s->cuda));
    const PetscInt N = (PetscInt)s->bs * s->nnodes;
    TCAD_PETSC_CALL(MatCreateShell(PETSC_COMM_SELF, N, N, N, N, s, &s->Jshell));
    TCAD_PETSC_CALL(MatShellSetOperation(s->Jshell, MATOP_MULT, (void (*)(void))shell_mult));
  }
  s->backend = backend;
  /* the linear-solver pipeline follows the backend (device or host engine) */
  tcad_linear_destroy(&s->lin);
  if (s->snes) {
    KSP ksp;
    const TcadLinInputs in = {
        {s->bs, s->nnodes, s->rowptr, s->col}, s->nnz, s->J, backend == TCAD_BACKEND_CUDA ? s->cuda : NULL, s->quiet};
    /* auto: cuDSS on the device (29x MUMPS on 16 cores per Newton step at 1e5 nodes on an H200,
     * docs/gpu.md) when its library loads and no contact is driven in current (those rows are
     * assembled on the host); else the direct solver on the host */
    TcadLinearOptions lo = s->opt.lin;
    if (lo.kind == TCAD_LINEAR_AUTO)
      lo.kind = backend == TCAD_BACKEND_CUDA && !s->nfloating && tcad_cudss() ? TCAD_LINEAR_CUDSS : TCAD_LINEAR_DIRECT;
    TCAD_CALL(tcad_linear_create(&in, &lo, &s->lin));
    if (s->nfloating && tcad_linear_on_device(s->lin))
      return tcad_error(TCAD_ERR_INPUT,
                        "a contact driven in current or through a resistance needs its drive equation in the "
                        "Jacobian, which is assembled on the host: the device linear solver (%s) cannot take it yet; "
                        "use -tcad_linear direct or an ILU-Krylov solver on the host",
                        tcad_linear_name(s->lin));
    TCAD_PETSC_CALL(SNESGetKSP(s->snes, &ksp));
    if (s->lin) {
      TCAD_CALL(tcad_linear_attach(s->lin, ksp));
    } else {
      /* a pipeline that the previous backend attached (its PCSHELL holds the solver just
       * destroyed) gives way to the direct solver, with the command line's -ksp_/-pc_ options */
      PC pc;
      PetscBool shell = PETSC_FALSE;
      TCAD_PETSC_CALL(KSPGetPC(ksp, &pc));
      TCAD_PETSC_CALL(PetscObjectTypeCompare((PetscObject)pc, PCSHELL, &shell));
      if (shell) {
        TCAD_CALL(tcad_sim_ksp_default(s, ksp));
        TCAD_PETSC_CALL(KSPSetFromOptions(ksp));
      }
    }
  }
  /* The Newton matrix: the device one (MATSHELL) with the host AIJ copy as preconditioner.
   * A Krylov method on the CPU multiplies with the host copy instead: the shell would copy
   * vectors across every iteration, and it has no diagonal scaling (-ksp_diagonal_scale). */
  Mat A = s->J;
  if (backend == TCAD_BACKEND_CUDA && s->snes) {
    KSP ksp;
    PetscBool preonly = PETSC_FALSE;
    TCAD_PETSC_CALL(SNESGetKSP(s->snes, &ksp));
    TCAD_PETSC_CALL(PetscObjectTypeCompare((PetscObject)ksp, KSPPREONLY, &preonly));
    if (preonly) A = s->Jshell;
  }
  if (s->snes) TCAD_PETSC_CALL(SNESSetJacobian(s->snes, A, s->J, NULL, NULL));
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
  TCAD_RETURN(tcad_sim_assemble_jacobian(s, x, f, jac != NULL, jac, cflux, fmag));
}

int tcad_sim_assemble_jacobian(TcadSim *s, const double *x, double *f, int want_jac, double *jac, double *cflux,
                               double *fmag)
{
  if (s->backend == TCAD_BACKEND_CUDA) {
    TcadCudaTimes *t = &s->ctimes;
    if (s->dir_dirty) TCAD_CALL(TcadCudaAsmUploadDirections(s->cuda, s->D.edge_dir, t));
    s->dir_dirty = 0;
    TCAD_CALL(TcadCudaAsmUpload(s->cuda, x, s->D.bc_value, t));
    TCAD_CALL(TcadCudaAsmAssemble(s->cuda, &s->D.p, want_jac, cflux != NULL, fmag != NULL, t));
    TCAD_CALL(TcadCudaAsmDownload(s->cuda, f, cflux, fmag, t));
    if (want_jac && jac) {
      const double before = t->jac_copy;
      TCAD_CALL(TcadCudaAsmJacobianToHost(s->cuda, jac, t));
      s->t_copy_acc += t->jac_copy - before;
    }
    if (want_jac && !jac && s->nfloating && s->D.p.mode == TCAD_ASM_COUPLED)
      return tcad_error(TCAD_ERR_INTERNAL, "a driven contact's rows need the Jacobian on the host");
    TCAD_RETURN(tcad_sim_drive_rows(s, x, f, want_jac ? jac : NULL, fmag));
  }
  if (want_jac && !jac) return tcad_error(TCAD_ERR_INTERNAL, "host assembly of a Jacobian without a host array");
  if (omp_get_max_threads() >= TCAD_ROWS_MIN_THREADS && s->nnodes >= TCAD_ROWS_MIN_NODES)
    tcad_asm_host_rows(&s->D, x, f, jac, cflux, fmag);
  else
    tcad_asm_host_edges(&s->D, x, f, jac, cflux, fmag);
  TCAD_RETURN(tcad_sim_drive_rows(s, x, f, want_jac ? jac : NULL, fmag));
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
