/* The Krylov linear-solver option (-tcad_linear krylov: GMRES(200) + ILU(2) on the diagonally
 * scaled Jacobian) against the default direct LU (MUMPS) on every example device: the pn
 * diode (forward and reverse), the 3D diode (forward and reverse), the ballistic diode (energy
 * balance) and the 2D n-MOSFET on its generated mesh (gate and drain sweeps); with a GPU (or
 * TCAD_LONG_TESTS=1) also the MOSFET in energy balance and on its Gmsh mesh. Reference: the direct solve's terminal currents, to 1e-6 relative wherever the
 * current is above the rounding floor of the terminal currents (1e-6 of the largest current in
 * that run). Krylov iterations per Newton step are printed (they are the report). */
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "kernels/cuda.h"
#include "kernels/linalg/cudss.h"
#include "tap.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"
#include "tcad/petsc_error.h"
#include "tcad/sim.h"

typedef struct {
  const char *contact;
  double to, step;
} Sweep;

typedef struct {
  const char *file;
  const char *transport; /* -tcad_transport, NULL: the deck's */
  int nsweeps;
  Sweep sw[4];
} Case;

/* Linear solvers compared with the direct one: PETSc GMRES + ILU(2), and the GPU pipeline
 * (solver/linear.c: rows and columns equilibrated, ILU(0), right-preconditioned BiCGSTAB or
 * GMRES(30), true-residual check) on its host engine, which is what runs without a GPU; with a
 * GPU, the pipeline on the device and cuDSS (when its library loads). */
typedef struct {
  const char *name, *opt, *value;
} Mode;
static const Mode modes[] = {{"direct", NULL, NULL},
                             {"krylov", "-tcad_linear", "krylov"},
                             {"ilu-bicgstab", "-tcad_linear", "ilu-bicgstab"},
                             {"ilu-gmres", "-tcad_linear", "ilu-gmres"},
                             {"cudss", "-tcad_linear", "cudss"}};

/* run the sweeps; cur[k]: the total current into the first sweep's contact at the end of sweep k */
static int run_case(const Case *c, int mode, double *cur, double *its_per_newton)
{
  const Mode *m = &modes[mode];
  if (m->opt) PetscOptionsSetValue(NULL, m->opt, m->value);
  if (c->transport) PetscOptionsSetValue(NULL, "-tcad_transport", c->transport);
  char path[1024];
  const char *root = getenv("TCAD_ROOT");
  snprintf(path, sizeof path, "%s/examples/%s", root ? root : ".", c->file);
  TcadDeck *deck = NULL;
  TcadMesh *mesh = NULL;
  TcadGeometry *geom = NULL;
  TcadSim *sim = NULL;
  int e = TcadDeckLoad(path, &deck);
  if (!e) e = TcadMeshCreateFromDeck(deck, &mesh);
  if (!e) e = TcadGeometryBuild(mesh, &geom);
  if (!e) e = TcadSimCreate(deck, mesh, geom, &sim);
  if (m->opt) PetscOptionsClearValue(NULL, m->opt);
  if (c->transport) PetscOptionsClearValue(NULL, "-tcad_transport");
  if (!e) e = TcadSimSetOutput(sim, NULL, NULL, 1);
  if (!e) e = TcadSimSolveEquilibrium(sim);
  const int probe = e ? -1 : TcadSimFindContact(sim, c->sw[0].contact);
  for (int k = 0; !e && k < c->nsweeps; k++) {
    const int idx = TcadSimFindContact(sim, c->sw[k].contact);
    e = TcadSimSweep(sim, 1, &idx, &c->sw[k].to, c->sw[k].step, 0, 0);
    double ic[3];
    if (!e) TcadSimGetContactCurrent(sim, probe, ic), cur[k] = ic[2];
  }
  if (!e) {
    const TcadSimTotals *t = TcadSimGetTotals(sim);
    *its_per_newton = (double)t->linear_its / (t->newton_its > 0 ? t->newton_its : 1);
    char line[512];
    if (TcadSimGetLinearSummary(sim, line, sizeof line)) printf("# %s: %s\n", c->file, line);
  }
  test_device_close(&deck, &mesh, &geom, &sim);
  return e;
}

int main(int argc, char **argv)
{
  TcadInitialize(&argc, &argv, NULL);
  const Case cases[] = {
      {"pn1d.yaml", NULL, 3, {{"anode", 0.6, 0.1}, {"anode", 0.8, 0.1}, {"anode", -5.0, 1.0}}},
      {"diode3d.yaml", NULL, 2, {{"anode", 0.6, 0.15}, {"anode", -1.0, 0.8}}},
      {"mosfet2d-gen.yaml", NULL, 3, {{"drain", 0.05, 0.05}, {"gate", 1.0, 0.25}, {"drain", 1.5, 0.5}}},
      /* shorter than the DD sweeps: each LU of the 3D energy-balance Jacobian (15k unknowns, fronts
       * of ~2000) takes ~2 s here, and the reference is the direct solve (214 s for the DD sweeps) */
      {"diode3d.yaml", "energy-balance", 2, {{"anode", 0.3, 0.15}, {"anode", -0.8, 0.8}}},
      {"mosfet2d-gen.yaml", "energy-balance", 3, {{"drain", 0.05, 0.05}, {"gate", 1.0, 0.25}, {"drain", 1.5, 0.5}}},
      {"ballistic1d.yaml", NULL, 2, {{"anode", 0.5, 0.25}, {"anode", 1.5, 0.25}}},
      {"mosfet2d.yaml", NULL, 3, {{"drain", 0.05, 0.05}, {"gate", 1.0, 0.25}, {"drain", 1.5, 0.5}}},
  };
  TcadCudaInfo ci;
  tcad_cuda_query(&ci); /* with a GPU the pipeline runs on the device (default backend): fast enough */
  const int long_tests = ci.ndevices > 0 || (getenv("TCAD_LONG_TESTS") && atoi(getenv("TCAD_LONG_TESTS")) > 0);
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    const Case *c = &cases[k];
    char tn[160];
    /* the MOSFET in energy balance and the Gmsh MOSFET (~100 GMRES iterations per Newton step
     * with ILU(2)): a GPU or TCAD_LONG_TESTS=1 only */
    if ((c->transport || !strcmp(c->file, "mosfet2d.yaml")) && strstr(c->file, "mosfet") && !long_tests) {
      snprintf(tn, sizeof tn, "krylov.%s%s%s", c->file, c->transport ? "." : "", c->transport ? c->transport : "");
      tap_skip(tn, "no GPU, and too slow for make test on the host; TCAD_LONG_TESTS=1 runs it");
      continue;
    }
    double id[4] = {0}, itd = 0, t0 = MPI_Wtime();
    char label[96];
    snprintf(label, sizeof label, "%s%s%s", c->file, c->transport ? "." : "", c->transport ? c->transport : "");
    int e = run_case(c, 0, id, &itd);
    snprintf(tn, sizeof tn, "krylov.%s.direct", label);
    tap_check(!e, tn, "%s", tcad_error_message());
    if (e) continue;
    printf("# %s: direct %.1f s\n", label, MPI_Wtime() - t0);
    for (int mode = 1; mode < (int)(sizeof modes / sizeof modes[0]); mode++) {
      if (c->transport && mode == 1) continue; /* GMRES + ILU(2) is the older option; the pipeline covers EB */
      /* the pipeline's host engine (ILU(0), one thread) takes 3-5 minutes per MOSFET sweep here:
       * those runs are for the GPU or TCAD_LONG_TESTS=1 (t058 runs a shorter MOSFET sweep) */
      /* cuDSS: the device direct solver, only with a GPU and its library */
      if (!strcmp(modes[mode].name, "cudss") && (!ci.ndevices || !tcad_cudss())) {
        char why[1200];
        snprintf(tn, sizeof tn, "krylov.%s.%s", label, modes[mode].name);
        snprintf(why, sizeof why, "%s", !ci.ndevices ? "no GPU" : tcad_cudss_why());
        tap_skip(tn, why);
        continue;
      }
      if (mode >= 2 && strstr(c->file, "mosfet") && !long_tests) {
        snprintf(tn, sizeof tn, "krylov.%s.%s", label, modes[mode].name);
        tap_skip(tn, "no GPU, and the host engine is too slow for make test; TCAD_LONG_TESTS=1 runs it");
        continue;
      }
      double ik[4] = {0}, itk = 0;
      const double t1 = MPI_Wtime();
      e = run_case(c, mode, ik, &itk);
      printf("# %s: %s %.1f s\n", label, modes[mode].name, MPI_Wtime() - t1);
      snprintf(tn, sizeof tn, "krylov.%s.%s.converges", label, modes[mode].name);
      tap_check(!e, tn, "%s", tcad_error_message());
      if (e) continue;
      double big = 0, worst = 0;
      for (int p = 0; p < c->nsweeps; p++) big = fmax(big, fabs(id[p]));
      for (int p = 0; p < c->nsweeps; p++)
        if (fabs(id[p]) > 1e-6 * big) worst = fmax(worst, fabs(ik[p] - id[p]) / fabs(id[p]));
      printf("# %s: %s: %.1f Krylov iterations per Newton step (direct: %.0f); worst current difference %.2e\n", label,
             modes[mode].name, itk, itd, worst);
      snprintf(tn, sizeof tn, "krylov.%s.%s.same_currents", label, modes[mode].name);
      tap_check(worst < 1e-6, tn, "worst relative difference %.2e over %d sweep ends", worst, c->nsweeps);
    }
  }
  TcadFinalize();
  return tap_exit();
}
