/* Drift-diffusion / energy-balance benchmark: the 2D MOSFET Id-Vd sweep.
 *   bench_dd [-q] DECK.yaml [PETSc options]    one CSV line on stdout (columns: bench_dd --header)
 *   (-tcad_transport energy-balance runs the deck in the energy-balance model)
 *   bench_dd --header                           the CSV header line
 * The deck and its mesh load as in `tcad run`; no fields or IV table are written. Preparation:
 * equilibrium, drain to 0.05 V (TcadSimBias), gate swept to 1.5 V (step 0.1, may grow to 0.5).
 * Measured: the Id-Vd sweep, drain 0.05 -> 3.0 V, step 0.1 (adaptive: halved on failure, never
 * above 0.1), as TcadSimGetTotals deltas around that sweep only, plus its wall and CPU time and
 * the peak RSS of the process. Progress goes to stderr (-q: phase lines only).
 *
 * Evaluation count for the assembly cost per edge: TcadSimTotals has no counter, so it comes from
 * PETSc's event log (SNESFunctionEval + SNESJacobianEval calls, both timed in t_assembly; the
 * Jacobian callback assembles the residual too, so a Jacobian evaluation costs more than a
 * residual one). Where PETSc was built without logging it falls back to what SNES NEWTONLS with
 * the basic line search does: one residual per solve plus one Jacobian and one residual per Newton
 * iteration, 2 * newton_its + solves. The contact-current evaluation that records a point is not
 * in t_assembly (it counts as output) and not in the count. The linear time is TcadSimTotals'
 * t_linear: the Newton solve time outside assembly (LU factorization and solve, and the update
 * limiter, convergence test and vector copies, which are small next to them). With the CUDA backend the Jacobian's
 * device -> host copy for the CPU linear solver is part of t_assembly; it is reported on its own
 * (copy_s) and left out of assembly_s. The host backend runs the serial edge loop with one OpenMP
 * thread and the row loop with several on meshes of 5e4 nodes and more (bench/run.sh sets
 * OMP_NUM_THREADS=1 so that every size runs the same loop). */
#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench_util.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"
#include "tcad/mesh.h"
#include "tcad/petsc_error.h"
#include "tcad/sim.h"

#define VD_START 0.05
#define VD_END 3.0
#define VD_STEP 0.1
#define VG_END 1.5
#define VG_STEP 0.1
#define VG_MAX_STEP 0.5 /* the gate ramp is preparation: its step may grow */

static const char header[] =
    "mesh,transport,backend,threads,nodes,edges,unknowns,jacobian_nnz,points,newton_its,its_per_point,failures,"
    "evaluations,"
    "sweep_s,sweep_cpu_s,s_per_point,assembly_s,copy_s,linear_s,assembly_share,linear_share,assembly_ns_per_edge_eval,"
    "peak_rss_mib,id_final,prep_s";

/* CPU time of the process (all threads), user + system: with one thread, well below the wall
 * time means the process waited for a core (a busy machine) and the timings are inflated. */
static double cpu_seconds(void)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru)) return NAN;
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static double peak_rss_mib(void)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru)) return NAN;
  return (double)ru.ru_maxrss / 1024.0; /* Linux: KiB */
}

/* SNES residual + Jacobian evaluations so far from PETSc's event log; -1 without logging. */
static long snes_evaluations(void)
{
  PetscLogEvent ef, ej;
  PetscEventPerfInfo pf, pj;
  memset(&pf, 0, sizeof pf), memset(&pj, 0, sizeof pj);
  if (PetscLogEventGetId("SNESFunctionEval", &ef) || PetscLogEventGetId("SNESJacobianEval", &ej)) return -1;
  if (PetscLogEventGetPerfInfo(PETSC_DETERMINE, ef, &pf) || PetscLogEventGetPerfInfo(PETSC_DETERMINE, ej, &pj))
    return -1;
  return pf.count + pj.count > 0 ? (long)pf.count + pj.count : -1;
}

static void phase(const char *what, double t, const TcadSimTotals *tot)
{
  fprintf(stderr, "bench_dd: %-26s %8.2f s  (so far: %d points, %d Newton its, %d failures)\n", what, t,
          tot ? tot->points : 0, tot ? tot->newton_its : 0, tot ? tot->failures : 0);
}

static const char *base_name(const char *p)
{
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

static int run(const char *path, int quiet)
{
  TcadDeck *deck = NULL;
  TcadMesh *mesh = NULL;
  TcadGeometry *geom = NULL;
  TcadSim *sim = NULL;
  const double t0 = tcad_now();
  double t = t0;
  int e = TcadDeckLoad(path, &deck);
  if (!e) e = TcadMeshCreateFromDeck(deck, &mesh);
  if (!e) phase("deck + mesh load", tcad_now() - t, NULL), t = tcad_now();
  if (!e) e = TcadGeometryBuild(mesh, &geom);
  if (!e) phase("geometry", tcad_now() - t, NULL), t = tcad_now();
  if (!e) e = TcadSimCreate(deck, mesh, geom, &sim);
  if (!e) e = TcadSimSetOutput(sim, NULL, NULL, quiet);
  if (!e) {
    char why[512];
    int b;
    phase("simulation setup", tcad_now() - t, NULL), t = tcad_now();
    TcadSimGetDefaultBackend(TcadSimGetBackend(sim), &b, why, sizeof why);
    fprintf(stderr, "bench_dd: backend %s (%s)\n", TcadSimGetBackend(sim) == TCAD_BACKEND_CUDA ? "cuda" : "host", why);
  }
  const int gate = sim ? TcadSimFindContact(sim, "gate") : -1, drain = sim ? TcadSimFindContact(sim, "drain") : -1;
  if (!e && (gate < 0 || drain < 0))
    e = tcad_error(TCAD_ERR_INPUT, "%s: the deck needs contacts 'gate' and 'drain'", path);

  const int saved = redirect_stdout();
  if (!e) e = TcadSimSolveEquilibrium(sim);
  if (!e) phase("equilibrium", tcad_now() - t, TcadSimGetTotals(sim)), t = tcad_now();
  if (!e) {
    const double vd = VD_START, vg = VG_END;
    e = TcadSimBias(sim, 1, &drain, &vd);
    if (!e) e = TcadSimSweep(sim, 1, &gate, &vg, VG_STEP, 0, VG_MAX_STEP);
  }
  if (!e) phase("gate ramp to 1.5 V", tcad_now() - t, TcadSimGetTotals(sim)), t = tcad_now();
  const double prep_s = tcad_now() - t0;

  /* the measured part */
  TcadSimTotals before = {0}, after = {0};
  long ev0 = -1, ev1 = -1;
  double sweep_s = 0, sweep_cpu = 0;
  if (!e) {
    before = *TcadSimGetTotals(sim);
    ev0 = snes_evaluations();
    const double vd = VD_END, ts = tcad_now(), tc = cpu_seconds();
    e = TcadSimSweep(sim, 1, &drain, &vd, VD_STEP, 0, 0);
    sweep_s = tcad_now() - ts, sweep_cpu = cpu_seconds() - tc;
    after = *TcadSimGetTotals(sim);
    ev1 = snes_evaluations();
  }
  if (!e) phase("Id-Vd sweep", sweep_s, TcadSimGetTotals(sim));
  restore_stdout(saved);

  if (!e) {
    const int points = after.points - before.points, its = after.newton_its - before.newton_its;
    const int solves = after.solves - before.solves, failures = after.failures - before.failures;
    const double t_copy = after.t_copy - before.t_copy;
    const double t_asm = after.t_assembly - before.t_assembly - t_copy, t_lin = after.t_linear - before.t_linear;
    const double t_newton = t_asm + t_copy + t_lin;
    long evals = ev0 >= 0 && ev1 > ev0 ? ev1 - ev0 : -1;
    const long evals_formula = 2L * its + solves;
    if (evals < 0) {
      fprintf(stderr, "bench_dd: no PETSc event log; evaluations counted as 2 * Newton its + solves\n");
      evals = evals_formula;
    } else if (evals != evals_formula) {
      fprintf(stderr, "bench_dd: note: PETSc counted %ld evaluations, 2 * its + solves = %ld\n", evals, evals_formula);
    }
    int nrows = 0;
    const int *rowptr = NULL, *col = NULL;
    TcadSimGetPattern(sim, &nrows, &rowptr, &col);
    double cur[3];
    TcadSimGetContactCurrent(sim, drain, cur);
    fprintf(stderr, "bench_dd: final drain current %.6e %s at Vd = %.3f V, Vg = %.3f V\n", cur[2],
            TcadSimGetCurrentUnit(sim), TcadSimGetContactVoltage(sim, drain), TcadSimGetContactVoltage(sim, gate));
    int threads = 1;
#ifdef _OPENMP
    threads = omp_get_max_threads();
#endif
    const int bs = TcadSimGetBlockSize(sim);
    /* the backend, with the linear solver when it is not the default direct one (-tcad_linear) */
    static const char *const linear[] = {"", "krylov", "ilu-bicgstab", "ilu-gmres", "cudss"};
    char backend[64];
    TcadOptions opt;
    const int lk = TcadOptionsRead(&opt) ? 0 : opt.lin.kind;
    snprintf(backend, sizeof backend, "%s%s%s", TcadSimGetBackend(sim) == TCAD_BACKEND_CUDA ? "cuda" : "host",
             lk ? "+" : "", linear[lk]);
    printf("%s,%s,%s,%d,%d,%d,%d,%ld,%d,%d,%.2f,%d,%ld,%.3f,%.3f,%.4f,%.3f,%.3f,%.3f,%.3f,%.3f,%.1f,%.1f,%.6e,%.3f\n",
           base_name(deck->mesh.file),
           bs == 5   ? "eb"
           : bs == 4 ? "eb-electrons"
                     : "dd",
           backend, threads, mesh->nnodes, geom->nedges, bs * mesh->nnodes, rowptr ? (long)rowptr[nrows] : 0L, points,
           its, points ? (double)its / points : 0.0, failures, evals, sweep_s, sweep_cpu,
           points ? sweep_s / points : 0.0, t_asm, t_copy, t_lin, t_newton > 0 ? t_asm / t_newton : 0.0,
           t_newton > 0 ? t_lin / t_newton : 0.0,
           evals > 0 && geom->nedges > 0 ? 1e9 * t_asm / ((double)evals * geom->nedges) : 0.0, peak_rss_mib(), cur[2],
           prep_s);
    fflush(stdout);
  }
  bench_close(&deck, &mesh, &geom, &sim);
  return e;
}

int main(int argc, char **argv)
{
  int quiet = 0, a = 1;
  if (argc >= 2 && !strcmp(argv[1], "--header")) {
    printf("%s\n", header);
    return 0;
  }
  if (a < argc && !strcmp(argv[a], "-q")) quiet = 1, a++;
  if (a >= argc || argv[a][0] == '-') {
    fprintf(stderr, "usage: bench_dd [-q] DECK.yaml [PETSc options] | bench_dd --header\n");
    return 2;
  }
  const char *deck = argv[a];
  /* PETSc sees the options after the deck */
  int pargc = argc - a;
  char **pargv = argv + a;
  pargv[0] = argv[0];
  if (TcadInitialize(&pargc, &pargv, NULL)) {
    fprintf(stderr, "bench_dd: PETSc failed to initialize\n");
    return TCAD_ERR_PETSC;
  }
  PetscLogDefaultBegin(); /* event counts (evaluations); a no-op without PETSc logging */
  int e = run(deck, quiet);
  if (e) {
    fflush(stdout);
    fprintf(stderr, "bench_dd: error: %s\n", tcad_error_message());
  }
  TcadFinalize();
  return e;
}
