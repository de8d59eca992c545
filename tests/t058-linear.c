/* The GPU linear-solver pipeline's pieces on the CPU, and on a GPU when there is one:
 *  - scaling (kernels/linalg/linear.h) of a real Jacobian (the generated 2D MOSFET): rows, then
 *    columns equilibrated exactly; A_s = R J C entry by entry; block-diagonal inverses;
 *  - the Krylov driver (kernels/linalg/krylov_solve.c) against PETSc on the same scaled matrix and the same
 *    ILU(0) (independent implementation): GMRES(30) with classical Gram–Schmidt and right
 *    preconditioning takes PETSc's iteration count to within 2 (rounding), BiCGSTAB within 10 %; reading the
 *    scalars every 7 iterations finds the same iteration as every one; the true residual of
 *    the answer meets the tolerance;
 *  - analytic cases: full GMRES converges in at most n steps; BiCGSTAB on a rotation breaks
 *    down (r̂·v = 0) and says so instead of returning NaN;
 *  - the fallback chain inside a sweep: an iteration limit the Krylov solve cannot meet falls
 *    back to the CPU direct solver with the same currents; with that fallback off the Newton
 *    step fails and the sweep reports it, keeping the converged points; bad options are refused.
 *  - the pipeline driven from its own inputs (TcadLinInputs: a pattern and a PETSc matrix, no
 *    simulation): a block system with a known solution solved through KSPPREONLY + the PCSHELL on
 *    the host engine, with BiCGSTAB and GMRES, to the true-residual tolerance;
 *  - the cuDSS loader (kernels/linalg/cudss.c): a missing file, a library that is not cuDSS and a cuDSS
 *    of another major version (tests/fake_cudss.c) are refused with messages that name the file
 *    and the fix; the real library, when installed, loads and reports version 1.x;
 *  - GPU (skipped without one): the device engine's sweep gives the direct solver's currents,
 *    with each Krylov method and with cuDSS (skipped without its library). */
#include <math.h>
#include <petscksp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "kernels/asm.h"
#include "kernels/cuda.h"
#include "kernels/linalg/cudss.h"
#include "kernels/linalg/krylov_solve.h"
#include "kernels/linalg/linear.h"
#include "solver/linear.h"
#include "tap.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"
#include "tcad/mesh.h"
#include "tcad/petsc_error.h"
#include "tcad/sim.h"

typedef TestDevice Dev;
static int open_example(const char *file, Dev *d) { return test_example_open(file, NULL, d); }
static void close_dev(Dev *d) { test_device_free(d); }

static double lcg(unsigned long *s)
{
  *s = *s * 6364136223846793005UL + 1442695040888963407UL;
  return (double)(*s >> 11) / 9007199254740992.0 - 0.5;
}

/* ‖b − A x‖₂ / ‖b‖₂ for a CSR matrix */
static double relres(int n, const int *rp, const int *col, const double *a, const double *b, const double *x)
{
  double rn = 0, bn = 0;
  for (int r = 0; r < n; r++) {
    double s = b[r];
    for (int k = rp[r]; k < rp[r + 1]; k++) s -= a[k] * x[col[k]];
    rn += s * s, bn += b[r] * b[r];
  }
  return sqrt(rn / bn);
}

static void test_scaling_and_driver(void)
{
  Dev d;
  int e = open_example("mosfet2d-gen.yaml", &d);
  if (!e) e = TcadSimSolveEquilibrium(d.sim);
  const int drain = e ? -1 : TcadSimFindContact(d.sim, "drain"), gate = e ? -1 : TcadSimFindContact(d.sim, "gate");
  const double vd = 1.0, vg = 1.0;
  if (!e) e = TcadSimBias(d.sim, 1, &gate, &vg);
  if (!e) e = TcadSimBias(d.sim, 1, &drain, &vd);
  tap_check(!e, "linear.setup", "%s", tcad_error_message());
  if (e) {
    close_dev(&d);
    return;
  }
  const int bs = TcadSimGetBlockSize(d.sim), n = TcadSimGetNodeCount(d.sim), N = bs * n;
  int nrows;
  const int *rp, *col;
  TcadSimGetPattern(d.sim, &nrows, &rp, &col);
  const int nnz = rp[N];
  double *J = malloc(sizeof(double) * nnz), *a = malloc(sizeof(double) * nnz), *f = malloc(sizeof(double) * N),
         *rs = malloc(sizeof(double) * N), *cs = malloc(sizeof(double) * N), *b = malloc(sizeof(double) * N),
         *x = malloc(sizeof(double) * N), *x2 = malloc(sizeof(double) * N), *dinv = malloc(sizeof(double) * N * bs);
  TcadSimEvaluate(d.sim, TCAD_ASM_COUPLED, TcadSimGetState(d.sim), f, J);
  TcadLinPattern pat = {bs, n, rp, col};

  /* rows then columns equilibrated */
  memcpy(a, J, sizeof(double) * nnz);
  tcad_lin_scale(&pat, TCAD_LIN_SCALE_ROWCOL, NULL, a, rs, cs, NULL);
  double *cmax = calloc(N, sizeof(double)), worst_row = 0, worst_col = 0, worst_entry = 0;
  for (int r = 0; r < N; r++) {
    double m = 0;
    for (int k = rp[r]; k < rp[r + 1]; k++) {
      m = fmax(m, fabs(a[k])), cmax[col[k]] = fmax(cmax[col[k]], fabs(a[k]));
      const double want = rs[r] * J[k] * cs[col[k]];
      if (want != 0) worst_entry = fmax(worst_entry, fabs(a[k] - want) / fabs(want));
    }
    worst_row = fmax(worst_row, m - 1.0); /* ≤ 1 after the column step */
  }
  for (int c = 0; c < N; c++) worst_col = fmax(worst_col, fabs(cmax[c] - 1.0));
  tap_check(worst_col < 4e-16 && worst_row < 4e-16, "linear.scale.rowcol_equilibrated",
            "column maxima off 1 by %.2e, row maxima above 1 by %.2e", worst_col, worst_row);
  tap_check(worst_entry < 1e-15, "linear.scale.is_RJC", "worst entry %.2e", worst_entry);
  /* block scaling: the diagonal blocks become the identity */
  memcpy(a, J, sizeof(double) * nnz);
  const int sing = tcad_lin_scale(&pat, TCAD_LIN_SCALE_BLOCK, NULL, a, rs, cs, dinv);
  double worst_id = 0;
  for (int i = 0; i < n; i++) {
    const int r0 = bs * i, len = rp[r0 + 1] - rp[r0], dg = tcad_lin_diag(&pat, r0);
    for (int k = 0; k < bs; k++)
      for (int c = 0; c < bs; c++) worst_id = fmax(worst_id, fabs(a[dg + k * len + c] - (k == c)));
  }
  tap_check(!sing && worst_id < 1e-12, "linear.scale.block_identity", "%d singular, worst %.2e", sing, worst_id);

  /* the block copy for the ILU (solver/linear.h TcadBaij): every scalar entry read back from
   * PETSc's SeqBAIJ with MatGetRow equals the CSR's, also after a refill with other values */
  TcadBaij B = {0};
  int be = tcad_baij_create(&pat, &B);
  for (int pass = 0; pass < 2; pass++) {
    for (int k = 0; k < nnz; k++) a[k] = pass ? -0.5 * J[k] + k : J[k];
    if (!be) be = tcad_baij_fill(&pat, &B, a);
    long bad = 0;
    for (int r = 0; !be && r < N; r++) {
      PetscInt ncols;
      const PetscInt *cols;
      const PetscScalar *vals;
      if (MatGetRow(B.A, r, &ncols, &cols, &vals)) {
        be = tcad_error(TCAD_ERR_PETSC, "MatGetRow failed on row %d", r);
        break;
      }
      if (ncols != rp[r + 1] - rp[r]) bad++;
      for (PetscInt k = 0; k < ncols && ncols == rp[r + 1] - rp[r]; k++)
        if (cols[k] != col[rp[r] + k] || vals[k] != a[rp[r] + k]) bad++;
      MatRestoreRow(B.A, r, &ncols, &cols, &vals);
    }
    tap_check(!be && bad == 0, pass ? "linear.baij.refill_exact" : "linear.baij.entries_exact",
              "%ld entries differ%s%s", bad, be ? "; " : "", be ? tcad_error_message() : "");
  }
  tcad_baij_destroy(&B);

  /* the driver against PETSc on R J C with the same ILU(0) */
  memcpy(a, J, sizeof(double) * nnz);
  tcad_lin_scale(&pat, TCAD_LIN_SCALE_ROWCOL, NULL, a, rs, cs, NULL);
  unsigned long seed = 7;
  for (int r = 0; r < N; r++) b[r] = lcg(&seed);
  Mat A, Ab;
  Vec vb, vx;
  KSP ksp;
  TcadPcWrap pcc;
  MatCreateSeqAIJWithArrays(PETSC_COMM_SELF, N, N, (PetscInt *)rp, (PetscInt *)col, a, &A);
  MatSetBlockSize(A, bs);
  MatConvert(A, MATSEQBAIJ, MAT_INITIAL_MATRIX, &Ab);
  VecCreateSeqWithArray(PETSC_COMM_SELF, 1, N, b, &vb);
  VecCreateSeqWithArray(PETSC_COMM_SELF, 1, N, x2, &vx);
  VecCreateSeqWithArray(PETSC_COMM_SELF, 1, N, NULL, &pcc.x);
  VecCreateSeqWithArray(PETSC_COMM_SELF, 1, N, NULL, &pcc.y);
  const char *kinds[2] = {"gmres", "bicgstab"};
  for (int m = 0; m < 2; m++) {
    KSPCreate(PETSC_COMM_SELF, &ksp);
    KSPSetOperators(ksp, Ab, Ab);
    KSPSetType(ksp, m == 0 ? KSPGMRES : KSPBCGS);
    if (m == 0) {
      KSPGMRESSetRestart(ksp, 30);
      KSPGMRESSetOrthogonalization(ksp, KSPGMRESClassicalGramSchmidtOrthogonalization);
      KSPGMRESSetCGSRefinementType(ksp, KSP_GMRES_CGS_REFINE_ALWAYS);
    }
    KSPSetPCSide(ksp, PC_RIGHT);
    KSPSetTolerances(ksp, 1e-10, 1e-50, 1e10, 3000);
    KSPGetPC(ksp, &pcc.pc);
    PCSetType(pcc.pc, PCILU);
    KSPSolve(ksp, vb, vx);
    PetscInt pits;
    KSPConvergedReason reason;
    KSPGetIterationNumber(ksp, &pits);
    KSPGetConvergedReason(ksp, &reason);
    TcadKrylovOpts o = {m == 0 ? TCAD_KRYLOV_GMRES : TCAD_KRYLOV_BICGSTAB, 30, 1e-10, 3000, 1, 0, 0};
    TcadKrylovHost h = {N, rp, col, a, tcad_pc_wrap_apply, &pcc};
    TcadKrylovOps ops;
    TcadKrylovResult r1, r7;
    tcad_krylov_host_ops(&h, &o, &ops);
    int e1 = tcad_krylov_solve(&ops, &o, b, x, &r1);
    const double res1 = relres(N, rp, col, a, b, x);
    o.check = 7;
    int e7 = tcad_krylov_solve(&ops, &o, b, x, &r7);
    const double res7 = relres(N, rp, col, a, b, x);
    tcad_krylov_host_free(&ops);
    char tn[96];
    printf("# %s: PETSc %d iterations (reason %d), driver %d (check every 7: %d, run %d, %d reads), true residual "
           "%.2e / %.2e\n",
           kinds[m], (int)pits, (int)reason, r1.its, r7.its, r7.its_run, r7.fetches, res1, res7);
    snprintf(tn, sizeof tn, "linear.krylov.%s.converges", kinds[m]);
    tap_check(!e1 && !e7 && r1.converged && r7.converged && reason > 0, tn, "driver %d/%d, PETSc reason %d",
              r1.converged, r7.converged, (int)reason);
    snprintf(tn, sizeof tn, "linear.krylov.%s.petsc_iterations", kinds[m]);
    if (m == 0)
      tap_check(abs(r1.its - (int)pits) <= 2, tn, "driver %d, PETSc %d", r1.its, (int)pits);
    else
      tap_check(abs(r1.its - (int)pits) <= 0.1 * pits, tn, "driver %d, PETSc %d", r1.its, (int)pits);
    snprintf(tn, sizeof tn, "linear.krylov.%s.check_interval", kinds[m]);
    /* the same iterates: the same first converged iteration, unless BiCGSTAB's true residual, past
     * it, had drifted above the tolerance and the driver restarted from it (then it converges
     * later, checked below) */
    tap_check((r7.replaced > r1.replaced || r7.its == r1.its) && r7.its_run >= r7.its && r7.its_run < r7.its + 7 &&
                  r7.fetches < r1.fetches,
              tn, "its %d vs %d, run %d, reads %d vs %d, %d restarts from the true residual", r7.its, r1.its,
              r7.its_run, r7.fetches, r1.fetches, r7.replaced);
    snprintf(tn, sizeof tn, "linear.krylov.%s.true_residual", kinds[m]);
    /* GMRES's recurrence residual is the true one up to rounding; BiCGSTAB's can drift a little */
    tap_check(res1 <= (m == 0 ? 1.01e-10 : 1e-9) && res7 <= (m == 0 ? 1.01e-10 : 1e-9), tn, "%.2e, %.2e", res1, res7);
    KSPDestroy(&ksp);
  }
  VecDestroy(&pcc.x), VecDestroy(&pcc.y), VecDestroy(&vb), VecDestroy(&vx);
  MatDestroy(&Ab), MatDestroy(&A);
  free(J), free(a), free(f), free(rs), free(cs), free(b), free(x), free(x2), free(dinv), free(cmax);
  close_dev(&d);
}

static void test_analytic(void)
{
  /* full GMRES on a nonsymmetric 20×20 tridiagonal matrix: at most 20 steps */
  enum { M = 20 };
  int rp[M + 1], col[3 * M], k = 0;
  double a[3 * M], b[M], x[M];
  for (int r = 0; r < M; r++) {
    rp[r] = k;
    if (r > 0) col[k] = r - 1, a[k++] = -1.3;
    col[k] = r, a[k++] = 2.0 + 0.1 * r;
    if (r < M - 1) col[k] = r + 1, a[k++] = -0.4;
    b[r] = 1.0 + (r % 3);
  }
  rp[M] = k;
  TcadKrylovOpts o = {TCAD_KRYLOV_GMRES, M, 1e-13, 100, 1, 0, 0};
  TcadKrylovHost h = {M, rp, col, a, NULL, NULL};
  TcadKrylovOps ops;
  TcadKrylovResult r;
  tcad_krylov_host_ops(&h, &o, &ops);
  tcad_krylov_solve(&ops, &o, b, x, &r);
  tcad_krylov_host_free(&ops);
  const double res = relres(M, rp, col, a, b, x);
  tap_check(r.converged && r.its <= M && res < 1e-12, "linear.krylov.gmres_full_steps", "its %d, residual %.2e", r.its,
            res);
  /* BiCGSTAB on a rotation: v = A b ⟂ r̂ = b, so r̂·v = 0 at the first step */
  int rp2[3] = {0, 1, 2}, col2[2] = {1, 0};
  double a2[2] = {1.0, -1.0}, b2[2] = {1.0, 0.0}, x2[2];
  TcadKrylovOpts o2 = {TCAD_KRYLOV_BICGSTAB, 1, 1e-10, 50, 1, 0, 0};
  TcadKrylovHost h2 = {2, rp2, col2, a2, NULL, NULL};
  tcad_krylov_host_ops(&h2, &o2, &ops);
  tcad_krylov_solve(&ops, &o2, b2, x2, &r);
  tcad_krylov_host_free(&ops);
  tap_check(!r.converged && r.breakdown == 1 && isfinite(x2[0]) && isfinite(x2[1]), "linear.krylov.bicgstab_breakdown",
            "converged %d, breakdown at %d, x = (%g, %g)", r.converged, r.breakdown, x2[0], x2[1]);
  /* the same system with GMRES: two steps */
  o2.method = TCAD_KRYLOV_GMRES, o2.restart = 2;
  tcad_krylov_host_ops(&h2, &o2, &ops);
  tcad_krylov_solve(&ops, &o2, b2, x2, &r);
  tcad_krylov_host_free(&ops);
  tap_check(r.converged && r.its <= 2 && fabs(x2[0]) < 1e-14 && fabs(x2[1] - 1.0) < 1e-14,
            "linear.krylov.gmres_rotation", "its %d, x = (%g, %g)", r.its, x2[0], x2[1]);
  /* GMRES(1) on the rotation makes no progress at all: stagnation is detected after `stall` */
  o2.restart = 1, o2.stall = 10, o2.max_it = 1000;
  tcad_krylov_host_ops(&h2, &o2, &ops);
  tcad_krylov_solve(&ops, &o2, b2, x2, &r);
  tcad_krylov_host_free(&ops);
  tap_check(!r.converged && r.stalled && r.its_run <= 12, "linear.krylov.stagnation", "stalled %d after %d iterations",
            r.stalled, r.its_run);
}

/* a sweep of the generated MOSFET's drain to 1 V with options; currents at 0.5 and 1 V */
static int sweep(const char *opts, double cur[2], char *summary, size_t n)
{
  if (opts) PetscOptionsInsertString(NULL, opts);
  Dev d;
  int e = open_example("mosfet2d-gen.yaml", &d);
  if (opts) PetscOptionsClear(NULL);
  if (!e) e = TcadSimSolveEquilibrium(d.sim);
  const int drain = e ? -1 : TcadSimFindContact(d.sim, "drain"), gate = e ? -1 : TcadSimFindContact(d.sim, "gate");
  const double vg = 1.0, vd[2] = {0.5, 1.0};
  if (!e) e = TcadSimSweep(d.sim, 1, &gate, &vg, 0.25, 0, 0);
  for (int k = 0; k < 2 && !e; k++) {
    e = TcadSimSweep(d.sim, 1, &drain, &vd[k], 0.25, 0, 0);
    double c[3];
    if (!e) TcadSimGetContactCurrent(d.sim, drain, c), cur[k] = c[2];
  }
  if (summary) {
    summary[0] = 0;
    if (d.sim) TcadSimGetLinearSummary(d.sim, summary, n);
  }
  close_dev(&d);
  return e;
}

static void test_fallbacks(void)
{
  double ref[2] = {0}, c[2] = {0};
  char line[512];
  int e = sweep(NULL, ref, NULL, 0);
  tap_check(!e, "linear.fallback.reference", "%s", tcad_error_message());
  /* the Krylov solve cannot converge in 3 iterations (nor the GMRES fallback in 6) */
  e = sweep("-tcad_linear ilu-bicgstab -tcad_linear_max_it 3 -tcad_linear_cudss_fallback false", c, line, sizeof line);
  long fb = -1, cpu = -1, failed = -1;
  const char *p = strstr(line, "fallbacks");
  if (p) {
    while (p > line && p[-1] != ',') p--;
    long ds = -1;
    sscanf(p, " %ld fallbacks; finished by cuDSS %ld, by the CPU direct solver %ld; %ld failed", &fb, &ds, &cpu,
           &failed);
  }
  printf("# forced fallback: %s\n", line);
  const double dev = fmax(fabs(c[0] - ref[0]) / fabs(ref[0]), fabs(c[1] - ref[1]) / fabs(ref[1]));
  tap_check(!e && fb > 0 && cpu > 0 && failed == 0 && dev < 1e-9, "linear.fallback.cpu_direct",
            "error %d, %ld fallbacks, %ld CPU solves, %ld failed, current difference %.2e", e, fb, cpu, failed, dev);
  /* with no CPU fallback, the failed linear solves fail the Newton steps, and the sweep says so */
  e = sweep(
      "-tcad_linear ilu-gmres -tcad_linear_max_it 3 -tcad_linear_cpu_fallback false -tcad_linear_cudss_fallback false",
      c, line, sizeof line);
  printf("# no fallback: error %d: %s\n#   %s\n", e, e ? tcad_error_message() : "", line);
  tap_check(e != 0 && strstr(line, "failed") != NULL, "linear.fallback.off_fails_the_step", "error %d", e);
  /* ... and the message points at the linear-solver options */
  tap_check(e != 0 && strstr(tcad_error_message(), "-tcad_linear_cpu_fallback") &&
                strstr(tcad_error_message(), "earlier bias point is saved"),
            "linear.fallback.off_message_names_the_fix", "%s", tcad_error_message());
  /* bad options (the last by its deprecated name, which maps to -tcad_linear_rtol) */
  const char *bad[] = {"-tcad_linear ilu-cg", "-tcad_linear_restart 0", "-tcad_linear_scale block", "-tcad_gpu_rtol 2"};
  for (int k = 0; k < 4; k++) {
    PetscOptionsInsertString(NULL, "-tcad_linear ilu-bicgstab");
    PetscOptionsInsertString(NULL, bad[k]);
    Dev d;
    e = open_example("pn1d.yaml", &d);
    PetscOptionsClear(NULL);
    char tn[96];
    snprintf(tn, sizeof tn, "linear.options.refused.%d", k);
    const char *msg = tcad_error_message();
    tap_check(e == TCAD_ERR_INPUT && strstr(msg, "-tcad_linear"), tn, "%s: error %d: %s", bad[k], e, msg);
    close_dev(&d);
  }
  PetscOptionsInsertString(NULL, "-tcad_linear cudss -tcad_backend host");
  Dev d;
  e = open_example("pn1d.yaml", &d);
  PetscOptionsClear(NULL);
  tap_check(e == TCAD_ERR_INPUT && strstr(tcad_error_message(), "cudss"), "linear.options.cudss_needs_cuda", "%s",
            tcad_error_message());
  close_dev(&d);
}

/* A block-tridiagonal system on a chain of n nodes, bs unknowns each (diagonally dominant blocks
 * coupled to the neighbours, non-symmetric), in the assembly's node-major CSR; x known. */
static void test_pipeline_inputs(void)
{
  const int n = 200, bs = 3, N = n * bs;
  int *rp = malloc(sizeof(int) * (N + 1)), *col = malloc(sizeof(int) * 3 * bs * N);
  double *a = malloc(sizeof(double) * 3 * bs * N), *x = malloc(sizeof(double) * N), *b = malloc(sizeof(double) * N);
  unsigned long seed = 7;
  int nnz = 0;
  for (int i = 0; i < n; i++)
    for (int r = 0; r < bs; r++) {
      rp[bs * i + r] = nnz;
      for (int j = i - 1; j <= i + 1; j++) {
        if (j < 0 || j >= n) continue;
        for (int c = 0; c < bs; c++) {
          col[nnz] = bs * j + c;
          a[nnz++] = j == i && c == r ? 8.0 + lcg(&seed) : (j == i ? 0.5 : -1.0) * (1.0 + lcg(&seed));
        }
      }
    }
  rp[N] = nnz;
  for (int k = 0; k < N; k++) x[k] = 1.0 + lcg(&seed);
  for (int r = 0; r < N; r++) {
    b[r] = 0;
    for (int k = rp[r]; k < rp[r + 1]; k++) b[r] += a[k] * x[col[k]];
  }
  static const int kinds[] = {TCAD_LINEAR_ILU_BICGSTAB, TCAD_LINEAR_ILU_GMRES};
  for (int m = 0; m < 2; m++) {
    Mat J = NULL;
    Vec vb = NULL, vx = NULL;
    KSP ksp = NULL;
    TcadLinSolver *l = NULL;
    int e = MatCreateSeqAIJWithArrays(PETSC_COMM_SELF, N, N, rp, col, a, &J) ? TCAD_ERR_PETSC : 0;
    if (!e) e = VecCreateSeqWithArray(PETSC_COMM_SELF, 1, N, b, &vb) || VecDuplicate(vb, &vx) ? TCAD_ERR_PETSC : 0;
    const TcadLinInputs in = {{bs, n, rp, col}, nnz, J, NULL, 1};
    const TcadLinearOptions opt = {kinds[m], TCAD_LIN_SCALE_ROWCOL, 1e-10, 1e-8, 500, 30, 5, 300, 0, 1};
    if (!e) e = tcad_linear_create(&in, &opt, &l);
    if (!e) e = KSPCreate(PETSC_COMM_SELF, &ksp) || KSPSetOperators(ksp, J, J) ? TCAD_ERR_PETSC : 0;
    if (!e) e = tcad_linear_attach(l, ksp);
    if (!e) e = KSPSolve(ksp, vb, vx) ? TCAD_ERR_PETSC : 0;
    double err = INFINITY;
    const TcadLinStats *st = tcad_linear_stats(l);
    if (!e) {
      const PetscScalar *xs;
      VecGetArrayRead(vx, &xs);
      err = 0;
      for (int k = 0; k < N; k++) err = fmax(err, fabs(xs[k] - x[k]) / fabs(x[k]));
      VecRestoreArrayRead(vx, &xs);
    }
    char tn[64];
    snprintf(tn, sizeof tn, "linear.pipeline_inputs.%s", m ? "gmres" : "bicgstab");
    tap_check(!e && st && st->solves == 1 && st->fallbacks == 0 && st->last_true <= 1e-8 && err < 1e-6, tn,
              "error %d (%s), %ld solves, %ld fallbacks, true residual %.2e, largest error in x %.2e", e,
              e ? tcad_error_message() : "", st ? st->solves : 0, st ? st->fallbacks : 0, st ? st->last_true : 0, err);
    if (ksp) KSPDestroy(&ksp);
    tcad_linear_destroy(&l);
    if (vx) VecDestroy(&vx);
    if (vb) VecDestroy(&vb);
    if (J) MatDestroy(&J);
  }
  free(rp), free(col), free(a), free(x), free(b);
}

static void test_cudss_loader(const char *argv0)
{
  TcadCudssLib lib;
  int e = tcad_cudss_load_path("/nonexistent/libcudss.so.1", &lib);
  tap_check(e == TCAD_ERR_IO && strstr(tcad_error_message(), "/nonexistent/libcudss.so.1"), "linear.cudss.missing_file",
            "error %d: %s", e, tcad_error_message());
  e = tcad_cudss_load_path("libm.so.6", &lib);
  tap_check(e == TCAD_ERR_IO && strstr(tcad_error_message(), "no symbol cudss"), "linear.cudss.not_cudss",
            "error %d: %s", e, tcad_error_message());
  /* the stand-in next to this test binary */
  char fake[1024];
  snprintf(fake, sizeof fake, "%s", argv0);
  char *slash = strrchr(fake, '/');
  snprintf(slash ? slash + 1 : fake, sizeof fake - (size_t)(slash ? slash + 1 - fake : 0), "libfake_cudss.so");
  if (access(fake, R_OK)) {
    tap_skip("linear.cudss.wrong_major", "libfake_cudss.so is not beside the test binary (make builds it)");
  } else {
    e = tcad_cudss_load_path(fake, &lib);
    const char *m = tcad_error_message();
    tap_check(e == TCAD_ERR_IO && strstr(m, "is cuDSS 0.7") && strstr(m, "pip install"), "linear.cudss.wrong_major",
              "error %d: %s", e, m);
    setenv("FAKE_CUDSS_MAJOR", "1", 1);
    e = tcad_cudss_load_path(fake, &lib);
    tap_check(!e && lib.major == 1 && lib.minor == 7 && lib.Execute, "linear.cudss.loads_1x", "error %d: %s", e,
              e ? tcad_error_message() : "");
    if (!e) tcad_cudss_unload(&lib);
    unsetenv("FAKE_CUDSS_MAJOR");
  }
  /* the real one: TCAD_CUDSS_LIB, the loader's path, the pip wheel's folders */
  const TcadCudssLib *real = tcad_cudss();
  if (!real) {
    char why[1200];
    snprintf(why, sizeof why, "no cuDSS library here: %s", tcad_cudss_why());
    tap_skip("linear.cudss.installed", why);
  } else {
    printf("# cuDSS %d.%d.%d from %s\n", real->major, real->minor, real->patch, real->path);
    tap_check(real->major == 1 && real->Create && real->Execute, "linear.cudss.installed", "version %d.%d", real->major,
              real->minor);
  }
}

static void test_gpu(void)
{
  TcadCudaInfo ci;
  tcad_cuda_query(&ci);
  if (!ci.ndevices) {
    char why[400];
    snprintf(why, sizeof why, "no CUDA device (%s)", ci.why);
    tap_skip("linear.gpu.ilu-bicgstab", why);
    tap_skip("linear.gpu.ilu-gmres", why);
    tap_skip("linear.gpu.cudss", why);
    return;
  }
  double ref[2] = {0}, c[2] = {0};
  char line[512];
  int e = sweep("-tcad_backend host", ref, NULL, 0);
  const char *solvers[3] = {"ilu-bicgstab", "ilu-gmres", "cudss"};
  for (int k = 0; k < 3 && !e; k++) {
    if (k == 2 && !tcad_cudss()) {
      char why[1200];
      snprintf(why, sizeof why, "no cuDSS library: %s", tcad_cudss_why());
      tap_skip("linear.gpu.cudss", why);
      break;
    }
    char opts[128], tn[64];
    snprintf(opts, sizeof opts, "-tcad_backend cuda -tcad_linear %s", solvers[k]);
    const int e2 = sweep(opts, c, line, sizeof line);
    printf("# GPU %s: %s\n", solvers[k], line);
    const double dev = fmax(fabs(c[0] - ref[0]) / fabs(ref[0]), fabs(c[1] - ref[1]) / fabs(ref[1]));
    snprintf(tn, sizeof tn, "linear.gpu.%s", solvers[k]);
    tap_check(!e2 && dev < 1e-6, tn, "error %d (%s), current difference %.2e", e2, e2 ? tcad_error_message() : "", dev);
  }
  /* With the CPU stand-in's cuDSS (tests/cuda-standin/cudss.c) a perturbed factor, which three
   * refinement steps cannot bring to the true-residual limit: the fresh analysis with matching
   * and then GMRES on the factors must finish every solve on cuDSS, none on the CPU fallback, with
   * the currents of the host run. (With NVIDIA's library the perturbation is not available.) */
  const TcadCudssLib *lib = tcad_cudss();
  if (!lib || !strstr(lib->path, "standin_cudss")) {
    tap_skip("linear.gpu.cudss_gmres_on_factors", "needs the stand-in cuDSS (tests/cuda-standin)");
    return;
  }
  setenv("TCAD_STANDIN_CUDSS_PERTURB", "9", 1);
  const int e3 = sweep("-tcad_backend cuda -tcad_linear cudss -tcad_linear_cpu_fallback false", c, line, sizeof line);
  unsetenv("TCAD_STANDIN_CUDSS_PERTURB");
  printf("# stand-in cuDSS, perturbed factors: %s\n", line);
  long direct = -1, refine = -1;
  const char *p = strstr(line, "finished by cuDSS ");
  if (p) sscanf(p, "finished by cuDSS %ld", &direct);
  p = strstr(line, "nonzeros");
  if (p) p = strstr(p, "), ");
  if (p) sscanf(p, "), %ld refinement steps", &refine);
  const double dev = fmax(fabs(c[0] - ref[0]) / fabs(ref[0]), fabs(c[1] - ref[1]) / fabs(ref[1]));
  tap_check(!e3 && direct > 0 && refine > 6 * direct && dev < 1e-6, "linear.gpu.cudss_gmres_on_factors",
            "error %d (%s), %ld solves by cuDSS, %ld refinement steps + GMRES iterations, current difference %.2e", e3,
            e3 ? tcad_error_message() : "", direct, refine, dev);
}

int main(int argc, char **argv)
{
  TcadInitialize(&argc, &argv, NULL);
  test_analytic();
  test_scaling_and_driver();
  test_pipeline_inputs();
  test_fallbacks();
  test_cudss_loader(argv[0]);
  test_gpu();
  TcadFinalize();
  return tap_exit();
}
