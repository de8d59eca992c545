/* The CPU baseline on all cores: the Newton systems that `bench_linear --dump DIR` wrote (PETSc
 * binary J_k, b_k, delta_k and a CSV prefix line each) solved by PETSc on PETSC_COMM_WORLD, so
 * that `mpirun -np P bench_mpisolve DIR` measures MUMPS (or SuperLU_DIST, ...) on P processes —
 * the "best CPU solver on all the machine's cores" that the GPU solvers are compared with. The
 * simulator itself is sequential; only this solve is distributed.
 *   mpirun -np P bench_mpisolve DIR [--repeat R] [--config NAME:OPTIONS]...
 * Default config: mumps (LU). One CSV line per system, config and repeat, in bench_linear's
 * columns (scale none, mattype mpiaij-npP); the true residual is measured in the
 * row-equilibrated max norm and the error against δ, as bench_linear does. */
#include <math.h>
#include <petscksp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_util.h"

#define MAXCFG 8

typedef struct {
  char name[64], options[512];
} Config;

static PetscErrorCode load_vec(const char *path, Vec *v)
{
  PetscViewer vw;
  PetscFunctionBeginUser;
  PetscCall(PetscViewerBinaryOpen(PETSC_COMM_WORLD, path, FILE_MODE_READ, &vw));
  PetscCall(VecCreate(PETSC_COMM_WORLD, v));
  PetscCall(VecLoad(*v, vw));
  PetscCall(PetscViewerDestroy(&vw));
  PetscFunctionReturn(0);
}

/* every config on system k; returns 1 when there is no system k */
static PetscErrorCode solve_system(const char *dir, int k, int repeat, int ncfg, const Config *cfg, int *none)
{
  char path[1200], prefix[1024] = "";
  PetscMPIInt rank, size;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  snprintf(path, sizeof path, "%s/system%d.csv", dir, k);
  int have = 0;
  if (!rank) {
    FILE *f = fopen(path, "r");
    if (f) {
      have = fgets(prefix, sizeof prefix, f) != NULL;
      fclose(f);
      prefix[strcspn(prefix, "\r\n")] = 0;
    }
  }
  PetscCallMPI(MPI_Bcast(&have, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  *none = !have;
  if (!have) PetscFunctionReturn(0);
  Mat J;
  Vec b, delta, x, r, w;
  PetscViewer vw;
  snprintf(path, sizeof path, "%s/J%d.bin", dir, k);
  PetscCall(PetscViewerBinaryOpen(PETSC_COMM_WORLD, path, FILE_MODE_READ, &vw));
  PetscCall(MatCreate(PETSC_COMM_WORLD, &J));
  PetscCall(MatSetType(J, MATAIJ));
  PetscCall(MatLoad(J, vw));
  PetscCall(PetscViewerDestroy(&vw));
  snprintf(path, sizeof path, "%s/b%d.bin", dir, k);
  PetscCall(load_vec(path, &b));
  snprintf(path, sizeof path, "%s/delta%d.bin", dir, k);
  PetscCall(load_vec(path, &delta));
  PetscCall(VecDuplicate(b, &x));
  PetscCall(VecDuplicate(b, &r));
  PetscCall(VecDuplicate(b, &w));
  /* row weights 1/max_j |J_rj| */
  PetscCall(MatGetRowMaxAbs(J, w, NULL));
  PetscCall(VecReciprocal(w));
  for (int c = 0; c < ncfg; c++) {
    for (int rep = 0; rep < repeat; rep++) {
      KSP ksp;
      char pre[16];
      snprintf(pre, sizeof pre, "c%d_", c);
      PetscCall(KSPCreate(PETSC_COMM_WORLD, &ksp));
      PetscCall(KSPSetOptionsPrefix(ksp, pre));
      PetscCall(KSPSetOperators(ksp, J, J));
      PetscCall(KSPSetTolerances(ksp, 1e-10, 1e-50, 1e10, 5000));
      PetscCall(KSPSetFromOptions(ksp));
      PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
      const double t0 = MPI_Wtime();
      PetscCall(KSPSetUp(ksp));
      PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
      const double t1 = MPI_Wtime();
      PetscCall(KSPSolve(ksp, b, x));
      PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
      const double t2 = MPI_Wtime();
      PetscInt its;
      KSPConvergedReason reason;
      PetscCall(KSPGetIterationNumber(ksp, &its));
      PetscCall(KSPGetConvergedReason(ksp, &reason));
      /* ‖W(b − J x)‖∞ / ‖W b‖∞ and ‖x − δ‖∞ / ‖δ‖∞ */
      PetscReal rn, bn, en, dn;
      PetscCall(MatMult(J, x, r));
      PetscCall(VecAYPX(r, -1.0, b));
      PetscCall(VecPointwiseMult(r, r, w));
      PetscCall(VecNorm(r, NORM_INFINITY, &rn));
      PetscCall(VecPointwiseMult(r, b, w));
      PetscCall(VecNorm(r, NORM_INFINITY, &bn));
      PetscCall(VecWAXPY(r, -1.0, delta, x));
      PetscCall(VecNorm(r, NORM_INFINITY, &en));
      PetscCall(VecNorm(delta, NORM_INFINITY, &dn));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s,%s,none,mpiaij-np%d,%d,%d,%d,%.5f,%.5f,%.3e,%.3e\n", prefix,
                            cfg[c].name, (int)size, rep, (int)its, (int)reason, t1 - t0, t2 - t1,
                            (double)(bn > 0 ? rn / bn : rn), (double)(dn > 0 ? en / dn : en)));
      PetscCall(KSPDestroy(&ksp));
    }
  }
  PetscCall(VecDestroy(&w));
  PetscCall(VecDestroy(&r));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&delta));
  PetscCall(VecDestroy(&b));
  PetscCall(MatDestroy(&J));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (argc < 2 || argv[1][0] == '-') {
    fprintf(stderr, "usage: mpirun -np P bench_mpisolve DIR [--repeat R] [--config NAME:OPTIONS].. [PETSc options]\n");
    return 2;
  }
  const char *dir = argv[1];
  int repeat = 1, ncfg = 0;
  static Config cfg[MAXCFG];
  int pargc = 1;
  char **pargv = malloc(sizeof(char *) * (size_t)(argc + 1));
  pargv[0] = argv[0];
  for (int a = 2; a < argc; a++) {
    if (!strcmp(argv[a], "--repeat") && a + 1 < argc) {
      repeat = atoi(argv[++a]);
      if (repeat < 1) repeat = 1;
    } else if (!strcmp(argv[a], "--config") && a + 1 < argc && ncfg < MAXCFG) {
      const char *s = argv[++a], *colon = strchr(s, ':');
      if (!colon || colon - s >= 63) {
        fprintf(stderr, "bench_mpisolve: --config %s: use NAME:OPTIONS\n", s);
        return 2;
      }
      memcpy(cfg[ncfg].name, s, (size_t)(colon - s));
      snprintf(cfg[ncfg].options, sizeof cfg[ncfg].options, "%s", colon + 1);
      ncfg++;
    } else {
      pargv[pargc++] = argv[a];
    }
  }
  pargv[pargc] = NULL;
  if (PetscInitialize(&pargc, &pargv, NULL, NULL)) return 8;
  if (!ncfg) {
    snprintf(cfg[0].name, sizeof cfg[0].name, "mumps");
    snprintf(cfg[0].options, sizeof cfg[0].options, "-ksp_type preonly -pc_type lu -pc_factor_mat_solver_type mumps");
    ncfg = 1;
  }
  for (int c = 0; c < ncfg; c++) bench_set_config_options(c, cfg[c].options);
  int e = 0, none = 0, k = 0;
  for (; !e; k++) {
    e = (int)solve_system(dir, k, repeat, ncfg, cfg, &none);
    if (none) break;
  }
  if (!e && k == 0) {
    PetscPrintf(PETSC_COMM_WORLD, "bench_mpisolve: no system0.csv in %s (write them with bench_linear --dump %s)\n",
                dir, dir);
    e = 1;
  }
  PetscFinalize();
  free(pargv);
  return e;
}
