/* Linear-solver study on the Newton systems of a device: which scaling and preconditioner make
 * an iterative solve dependable, measured with PETSc on the CPU (the proof that the GPU solvers
 * of solver/linear_gpu.c must then match).
 *   bench_linear [-q] DECK.yaml [--vd V1,V2,..] [--vg VG] [--repeat R] [--dump DIR]
 *                [--config NAME:SCALE:MATTYPE:OPTIONS]...
 *                [PETSc options]
 *   bench_linear --header
 * Systems: the deck's device at equilibrium, drain 0.05 V, gate ramped to VG (default 1.5 V),
 * then for each drain voltage V_k of the list (default 0.5,1.5,3): the Newton system at the
 * converged state of V_(k-1) ("J") with right-hand side b = J·δ, δ = x(V_k) − x(V_(k-1)), the
 * update a Newton step from the last point must find (its exact solution is known).
 * Each config solves every system: SCALE is one of
 *   none     J as assembled
 *   jacobi   D^-1/2 J D^-1/2 with D = |diag J| (PETSc's -ksp_diagonal_scale)
 *   row      rows equilibrated: R J, R = 1/max_j |J_rj|
 *   colrow   density columns scaled by the density (relative updates), then rows equilibrated
 *   block    colrow, then each block row multiplied by the inverse of its diagonal block
 * MATTYPE aij or baij (block size bs), OPTIONS PETSc options for the config's KSP (spaces,
 * no colon), e.g. "gmres:-ksp_type gmres -pc_type ilu"; tcad-bicgstab / tcad-gmres: our Krylov
 * driver with the config's PETSc PC; gpu-bicgstab / gpu-gmres / gpu-cudss: the device engine of
 * the pipeline (kernels/linalg/linear_cuda.cu; SCALE row, rowcol or none; OPTIONS may hold
 * -ksp_gmres_restart N) on the Jacobian uploaded once: setup_s is scaling + factorization (ILU(0)
 * or cuDSS; the first repeat includes cuDSS's analysis), solve_s the solve with b up and x down.
 * --repeat R solves each system R times per config (one CSV line each, rep = 0..R-1).
 * --dump DIR writes each system (J_k, b_k, δ_k as PETSc binary files, its CSV prefix line) for
 * bench_mpisolve, the all-cores CPU baseline under mpirun.
 * One CSV line per config, system and repeat. */
#include <math.h>
#include <petscksp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench_util.h"
#include "kernels/asm.h"
#include "kernels/cuda.h"
#include "kernels/linalg/krylov_solve.h"
#include "kernels/linalg/linear.h"
#include "solver/linear.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"
#include "tcad/mesh.h"
#include "tcad/petsc_error.h"
#include "tcad/sim.h"

static const char header[] = "mesh,transport,nodes,unknowns,nnz,vd_from,vd_to,config,scale,mattype,rep,its,reason,"
                             "setup_s,solve_s,true_relres,error_rel";

#define MAXCFG 32
#define MAXVD 16
typedef struct {
  char name[64], scale[16], mattype[16], options[512];
} Config;

static int parse_config(const char *s, Config *c)
{
  memset(c, 0, sizeof *c);
  const char *a = strchr(s, ':'), *b = a ? strchr(a + 1, ':') : NULL, *d = b ? strchr(b + 1, ':') : NULL;
  if (!d || a - s >= 63 || b - a - 1 >= 15 || d - b - 1 >= 15)
    return tcad_error(TCAD_ERR_INPUT, "--config %s: use NAME:SCALE:MATTYPE:OPTIONS", s);
  memcpy(c->name, s, (size_t)(a - s));
  memcpy(c->scale, a + 1, (size_t)(b - a - 1));
  memcpy(c->mattype, b + 1, (size_t)(d - b - 1));
  snprintf(c->options, sizeof c->options, "%s", d + 1);
  if (tcad_lin_scale_kind(c->scale) < 0)
    return tcad_error(TCAD_ERR_INPUT, "--config %s: unknown scale %s", s, c->scale);
  const char *types[] = {"aij", "baij", "tcad-bicgstab", "tcad-gmres", "gpu-bicgstab", "gpu-gmres", "gpu-cudss"};
  int ok = 0;
  for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) ok |= !strcmp(c->mattype, types[k]);
  if (!ok)
    return tcad_error(TCAD_ERR_INPUT,
                      "--config %s: mattype aij, baij, tcad-bicgstab, tcad-gmres, gpu-bicgstab, "
                      "gpu-gmres or gpu-cudss",
                      s);
  const int kind = tcad_lin_scale_kind(c->scale);
  if (!strncmp(c->mattype, "gpu-", 4) && kind != TCAD_LIN_SCALE_NONE && kind != TCAD_LIN_SCALE_ROW &&
      kind != TCAD_LIN_SCALE_ROWCOL)
    return tcad_error(TCAD_ERR_INPUT, "--config %s: the device engine scales with row, rowcol or none", s);
  return 0;
}

/* The true residual (row-equilibrated max norm) of J y = b and the error of y against δ; prints
 * the CSV line. */
static void report(const Config *c, int rep, int bs, int n, const int *rowptr, const int *col, const double *jac,
                   const double *b, const double *y, const double *delta, const char *prefix_line, int its, int reason,
                   double t_setup, double t_solve)
{
  const TcadLinPattern pat = {bs, n, rowptr, col};
  double rn = 0, bn = 0, en = 0, dn = 0;
  for (int r = 0; r < bs * n; r++) {
    double s = 0;
    for (int k = rowptr[r]; k < rowptr[r + 1]; k++) s += jac[k] * y[col[k]];
    /* residuals measured in the row-equilibrated norm: the raw rows differ by 1e20 */
    const double w = tcad_lin_row_weight(&pat, jac, r);
    rn = fmax(rn, fabs(w * (b[r] - s))), bn = fmax(bn, fabs(w * b[r]));
    en = fmax(en, fabs(y[r] - delta[r])), dn = fmax(dn, fabs(delta[r]));
  }
  printf("%s,%s,%s,%s,%d,%d,%d,%.5f,%.5f,%.3e,%.3e\n", prefix_line, c->name, c->scale, c->mattype, rep, its, reason,
         t_setup, t_solve, bn > 0 ? rn / bn : rn, dn > 0 ? en / dn : en);
  fflush(stdout);
}

/* A gpu-* config: the device engine on the Jacobian uploaded once, `repeat` setups and solves. */
static int solve_device(const Config *c, int cfgno, int repeat, int bs, int n, const int *rowptr, const int *col,
                        const double *jac, const double *b, const double *delta, const char *prefix_line)
{
  const int N = bs * n, nnz = rowptr[N];
  (void)cfgno;
  TcadCudaLin *cl = NULL;
  void *dj = NULL;
  double *y = malloc(sizeof(double) * (size_t)N);
  int e = y ? 0 : tcad_error(TCAD_ERR_MEM, "bench_linear");
  if (!e) e = TcadCudaLinCreate(bs, n, rowptr, col, &cl);
  if (!e) e = TcadCudaUpload(jac, sizeof(double) * (size_t)nnz, &dj);
  const int direct = !strcmp(c->mattype, "gpu-cudss");
  int restart = 30;
  const char *rs = strstr(c->options, "-ksp_gmres_restart");
  if (rs) restart = atoi(rs + strlen("-ksp_gmres_restart"));
  TcadKrylovOpts ko = {!strcmp(c->mattype, "gpu-gmres") ? TCAD_KRYLOV_GMRES : TCAD_KRYLOV_BICGSTAB,
                       restart > 0 ? restart : 30,
                       1e-10,
                       5000,
                       5,
                       0,
                       0};
  for (int rep = 0; rep < repeat && !e; rep++) {
    int zp = -1, its = 0, reason = 2;
    const double t0 = tcad_now();
    e = TcadCudaLinSetup(cl, dj, 1, tcad_lin_scale_kind(c->scale), direct ? TCAD_CUDA_LIN_DIRECT : TCAD_CUDA_LIN_ILU,
                         &zp);
    const double t1 = tcad_now();
    double rel = 0;
    if (!e && direct) {
      int refine = 0;
      e = TcadCudaLinDirect(cl, b, y, 1e-10, &rel, &refine);
      its = refine;
    } else if (!e) {
      TcadKrylovResult kr;
      e = TcadCudaLinSolve(cl, &ko, b, y, &kr, &rel);
      its = kr.its;
      reason = kr.converged ? 2 : kr.breakdown ? -5 : -3;
    }
    const double t2 = tcad_now();
    if (!e) report(c, rep, bs, n, rowptr, col, jac, b, y, delta, prefix_line, its, reason, t1 - t0, t2 - t1);
  }
  if (e) fprintf(stderr, "bench_linear: config %s: %s\n", c->name, tcad_error_message());
  TcadCudaRelease(dj);
  TcadCudaLinDestroy(&cl);
  free(y);
  return e;
}

/* Solve J δ = b with config c; prints the CSV line. */
static int solve_one(const Config *c, int cfgno, int rep, int bs, int n, const int *rowptr, const int *col,
                     const double *jac, const double *x, const double *b, const double *delta, const char *prefix_line)
{
  const int N = bs * n, nnz = rowptr[N];
  double *a = malloc(sizeof(double) * (size_t)nnz), *rs = malloc(sizeof(double) * (size_t)N),
         *cs = malloc(sizeof(double) * (size_t)N), *y = malloc(sizeof(double) * (size_t)N),
         *dinv = malloc(sizeof(double) * (size_t)N * bs);
  TcadLinPattern pat = {bs, n, rowptr, col};
  /* the scaled system (R J C) y = R b, δ = C y */
  memcpy(a, jac, sizeof(double) * (size_t)nnz);
  const double t0 = tcad_now();
  const int kind = tcad_lin_scale_kind(c->scale);
  const int sing = tcad_lin_scale(&pat, kind, x, a, rs, cs, dinv);
  if (sing) fprintf(stderr, "bench_linear: %d singular diagonal blocks\n", sing);
  Mat A;
  Vec vb, vy;
  KSP ksp;
  char prefix[16];
  snprintf(prefix, sizeof prefix, "c%d_", cfgno);
  PetscCall(MatCreateSeqAIJWithArrays(PETSC_COMM_SELF, N, N, (PetscInt *)rowptr, (PetscInt *)col, a, &A));
  PetscCall(MatSetBlockSize(A, bs));
  Mat M = A;
  const int own = !strncmp(c->mattype, "tcad-", 5);
  TcadBaij B = {0};
  if (!strcmp(c->mattype, "baij") || own) { /* the solver's block copy (solver/linear.h), not MatConvert */
    if (tcad_baij_create(&pat, &B) || tcad_baij_fill(&pat, &B, a)) {
      fprintf(stderr, "bench_linear: %s\n", tcad_error_message());
      return PETSC_ERR_MEM;
    }
    M = B.A;
  }
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, N, &vb));
  PetscCall(VecDuplicate(vb, &vy));
  {
    PetscScalar *p;
    PetscCall(VecGetArray(vb, &p));
    for (int r = 0; r < N; r++) p[r] = b[r];
    for (int i = 0; i < n; i++) tcad_lin_scale_rhs_node(bs, kind, i, rs, dinv, p);
    PetscCall(VecRestoreArray(vb, &p));
  }
  PetscInt its = 0;
  KSPConvergedReason reason = KSP_CONVERGED_ITERATING;
  double t1, t2;
  PetscCall(KSPCreate(PETSC_COMM_SELF, &ksp));
  PetscCall(KSPSetOptionsPrefix(ksp, prefix));
  PetscCall(KSPSetOperators(ksp, M, M));
  PetscCall(KSPSetTolerances(ksp, 1e-10, 1e-50, 1e10, 5000));
  PetscCall(KSPSetFromOptions(ksp));
  if (own) { /* the ksp only carries the PC and its options */
    TcadPcWrap pcc;
    PetscInt restart = 30;
    PetscBool set;
    PetscCall(PetscOptionsGetInt(NULL, prefix, "-ksp_gmres_restart", &restart, &set));
    PetscCall(KSPGetPC(ksp, &pcc.pc));
    PetscCall(PCSetUp(pcc.pc));
    PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, N, NULL, &pcc.x));
    PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, N, NULL, &pcc.y));
    TcadKrylovOpts ko = {!strcmp(c->mattype, "tcad-gmres") ? TCAD_KRYLOV_GMRES : TCAD_KRYLOV_BICGSTAB,
                         (int)restart,
                         1e-10,
                         5000,
                         5,
                         0,
                         0};
    TcadKrylovHost kh = {N, rowptr, col, a, tcad_pc_wrap_apply, &pcc};
    TcadKrylovOps ops;
    TcadKrylovResult kr;
    t1 = tcad_now();
    PetscScalar *py;
    const PetscScalar *pb;
    PetscCall(VecGetArray(vy, &py));
    PetscCall(VecGetArrayRead(vb, &pb));
    int e = tcad_krylov_host_ops(&kh, &ko, &ops);
    if (!e) e = tcad_krylov_solve(&ops, &ko, pb, py, &kr);
    tcad_krylov_host_free(&ops);
    PetscCall(VecRestoreArrayRead(vb, &pb));
    PetscCall(VecRestoreArray(vy, &py));
    t2 = tcad_now();
    its = kr.its;
    reason = e              ? KSP_DIVERGED_PC_FAILED
             : kr.converged ? KSP_CONVERGED_RTOL
             : kr.breakdown ? KSP_DIVERGED_BREAKDOWN
                            : KSP_DIVERGED_ITS;
    VecDestroy(&pcc.x), VecDestroy(&pcc.y);
  } else {
    PetscCall(KSPSetUp(ksp));
    t1 = tcad_now();
    PetscCall(KSPSolve(ksp, vb, vy));
    t2 = tcad_now();
    PetscCall(KSPGetIterationNumber(ksp, &its));
    PetscCall(KSPGetConvergedReason(ksp, &reason));
  }
  {
    const PetscScalar *p;
    PetscCall(VecGetArrayRead(vy, &p));
    for (int r = 0; r < N; r++) y[r] = cs[r] * p[r];
    PetscCall(VecRestoreArrayRead(vy, &p));
  }
  report(c, rep, bs, n, rowptr, col, jac, b, y, delta, prefix_line, (int)its, (int)reason, t1 - t0, t2 - t1);
  KSPDestroy(&ksp);
  tcad_baij_destroy(&B);
  MatDestroy(&A);
  VecDestroy(&vb);
  VecDestroy(&vy);
  free(a), free(rs), free(cs), free(y), free(dinv);
  return 0;
}

/* system k for bench_mpisolve: DIR/J<k>.bin, b<k>.bin, delta<k>.bin (PETSc binary), system<k>.csv */
static int dump_system(const char *dir, int k, int N, const int *rowptr, const int *col, const double *jac,
                       const double *b, const double *delta, const char *line)
{
  char path[1200];
  Mat J;
  Vec v;
  PetscViewer vw;
  snprintf(path, sizeof path, "%s/J%d.bin", dir, k);
  PetscCall(MatCreateSeqAIJWithArrays(PETSC_COMM_SELF, N, N, (PetscInt *)rowptr, (PetscInt *)col, (double *)jac, &J));
  PetscCall(PetscViewerBinaryOpen(PETSC_COMM_SELF, path, FILE_MODE_WRITE, &vw));
  PetscCall(MatView(J, vw));
  PetscCall(PetscViewerDestroy(&vw));
  PetscCall(MatDestroy(&J));
  const double *vecs[2] = {b, delta};
  const char *names[2] = {"b", "delta"};
  for (int q = 0; q < 2; q++) {
    snprintf(path, sizeof path, "%s/%s%d.bin", dir, names[q], k);
    PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, N, vecs[q], &v));
    PetscCall(PetscViewerBinaryOpen(PETSC_COMM_SELF, path, FILE_MODE_WRITE, &vw));
    PetscCall(VecView(v, vw));
    PetscCall(PetscViewerDestroy(&vw));
    PetscCall(VecDestroy(&v));
  }
  snprintf(path, sizeof path, "%s/system%d.csv", dir, k);
  FILE *f = fopen(path, "w");
  if (!f) return tcad_error(TCAD_ERR_IO, "cannot write %s", path);
  fprintf(f, "%s\n", line);
  fclose(f);
  return 0;
}

static int run(const char *path, int quiet, int nvd, const double *vds, double vg, int ncfg, const Config *cfg,
               int repeat, const char *dump)
{
  TcadDeck *deck = NULL;
  TcadMesh *mesh = NULL;
  TcadGeometry *geom = NULL;
  TcadSim *sim = NULL;
  int e = bench_open(path, quiet, &deck, &mesh, &geom, &sim);
  const int gate = sim ? TcadSimFindContact(sim, "gate") : -1, drain = sim ? TcadSimFindContact(sim, "drain") : -1;
  if (!e && (gate < 0 || drain < 0))
    e = tcad_error(TCAD_ERR_INPUT, "%s: the deck needs contacts 'gate' and 'drain'", path);
  int saved = redirect_stdout();
  if (!e) e = TcadSimSolveEquilibrium(sim);
  double vd = 0.05;
  if (!e) e = TcadSimBias(sim, 1, &drain, &vd);
  if (!e) e = TcadSimSweep(sim, 1, &gate, &vg, 0.1, 0, 0.5);
  restore_stdout(saved);
  if (e) goto done;
  const int bs = TcadSimGetBlockSize(sim), n = TcadSimGetNodeCount(sim), N = bs * n;
  int nrows;
  const int *rowptr, *col;
  TcadSimGetPattern(sim, &nrows, &rowptr, &col);
  double *x0 = malloc(sizeof(double) * (size_t)N), *delta = malloc(sizeof(double) * (size_t)N),
         *f = malloc(sizeof(double) * (size_t)N), *jac = malloc(sizeof(double) * (size_t)rowptr[N]),
         *b = malloc(sizeof(double) * (size_t)N);
  const char *mfile = deck->mesh.file[0] ? deck->mesh.file : path; /* a generated mesh: the deck */
  const char *mname = strrchr(mfile, '/') ? strrchr(mfile, '/') + 1 : mfile;
  for (int k = 0; k < nvd && !e; k++) {
    memcpy(x0, TcadSimGetState(sim), sizeof(double) * (size_t)N);
    e = TcadSimEvaluate(sim, TCAD_ASM_COUPLED, x0, f, jac);
    saved = redirect_stdout();
    if (!e) e = TcadSimSweep(sim, 1, &drain, &vds[k], 0.1, 0, 0.1);
    restore_stdout(saved);
    if (e) break;
    const double *x1 = TcadSimGetState(sim);
    for (int r = 0; r < N; r++) delta[r] = x1[r] - x0[r];
    char line[1200];
    snprintf(line, sizeof line, "%s,%s,%d,%d,%d,%.3f,%.3f", mname,
             bs == 5   ? "eb"
             : bs == 4 ? "eb-electrons"
                       : "dd",
             n, N, rowptr[N], vd, vds[k]);
    /* b = J δ (unscaled) */
    for (int r = 0; r < N; r++) {
      double s = 0;
      for (int k = rowptr[r]; k < rowptr[r + 1]; k++) s += jac[k] * delta[col[k]];
      b[r] = s;
    }
    if (dump && dump_system(dump, k, N, rowptr, col, jac, b, delta, line))
      e = e ? e : tcad_error(TCAD_ERR_IO, "cannot dump system %d into %s", k, dump);
    for (int c = 0; c < ncfg && !e; c++) {
      if (!strncmp(cfg[c].mattype, "gpu-", 4)) {
        /* a device config that cannot run (no GPU, no cuDSS) is reported and skipped */
        if (solve_device(&cfg[c], c, repeat, bs, n, rowptr, col, jac, b, delta, line)) tcad_error_clear();
        continue;
      }
      for (int rep = 0; rep < repeat && !e; rep++)
        if (solve_one(&cfg[c], c, rep, bs, n, rowptr, col, jac, x0, b, delta, line))
          e = tcad_error(TCAD_ERR_PETSC, "config %s: PETSc failed", cfg[c].name);
    }
    vd = vds[k];
  }
  free(x0), free(delta), free(f), free(jac), free(b);
done:
  bench_close(&deck, &mesh, &geom, &sim);
  return e;
}

int main(int argc, char **argv)
{
  if (argc >= 2 && !strcmp(argv[1], "--header")) {
    printf("%s\n", header);
    return 0;
  }
  int quiet = 0, a = 1, nvd = 3, ncfg = 0, repeat = 1;
  const char *dump = NULL;
  double vds[MAXVD] = {0.5, 1.5, 3.0}, vg = 1.5;
  static Config cfg[MAXCFG];
  if (a < argc && !strcmp(argv[a], "-q")) quiet = 1, a++;
  if (a >= argc || argv[a][0] == '-') {
    fprintf(stderr,
            "usage: bench_linear [-q] DECK.yaml [--vd V,..] [--vg V] [--repeat R] [--dump DIR] [--config N:S:M:O].. "
            "[PETSc options]\n");
    return 2;
  }
  const char *deck = argv[a++];
  int pargc = 1;
  char **pargv = malloc(sizeof(char *) * (size_t)(argc + 1));
  pargv[0] = argv[0];
  for (; a < argc; a++) {
    if (!strcmp(argv[a], "--vd") && a + 1 < argc) {
      nvd = 0;
      for (char *s = argv[++a], *end; *s && nvd < MAXVD; s = *end ? end + 1 : end) vds[nvd++] = strtod(s, &end);
    } else if (!strcmp(argv[a], "--dump") && a + 1 < argc) {
      dump = argv[++a];
    } else if (!strcmp(argv[a], "--repeat") && a + 1 < argc) {
      repeat = atoi(argv[++a]);
      if (repeat < 1) repeat = 1;
    } else if (!strcmp(argv[a], "--vg") && a + 1 < argc) {
      vg = atof(argv[++a]);
    } else if (!strcmp(argv[a], "--config") && a + 1 < argc && ncfg < MAXCFG) {
      if (parse_config(argv[++a], &cfg[ncfg++])) {
        fprintf(stderr, "bench_linear: %s\n", tcad_error_message());
        return 2;
      }
    } else {
      pargv[pargc++] = argv[a];
    }
  }
  pargv[pargc] = NULL;
  if (TcadInitialize(&pargc, &pargv, NULL)) return TCAD_ERR_PETSC;
  if (!ncfg) {
    const char *def[] = {"mumps:none:aij:-ksp_type preonly -pc_type lu -pc_factor_mat_solver_type mumps",
                         "ilu0-gmres:jacobi:aij:-ksp_type gmres -ksp_gmres_restart 50 -pc_type ilu",
                         "bilu0-gmres:block:baij:-ksp_type gmres -ksp_gmres_restart 50 -pc_type ilu"};
    for (int c = 0; c < 3; c++) parse_config(def[c], &cfg[ncfg++]);
  }
  for (int c = 0; c < ncfg; c++) bench_set_config_options(c, cfg[c].options);
  const int e = run(deck, quiet, nvd, vds, vg, ncfg, cfg, repeat, dump);
  if (e) fprintf(stderr, "bench_linear: error: %s\n", tcad_error_message());
  TcadFinalize();
  free(pargv);
  return e;
}
