/* Residual + Jacobian assembly of the coupled drift-diffusion (block size 3) or energy-balance
 * (block size 5) system on a 2D pn structure of about NODES nodes (a generated triangle mesh of a 1 µm square, Gaussian n⁺ well in a
 * p-substrate, two contacts), at a charge-neutral coupled state with a bias-like potential
 * ramp so every branch of the physics runs (Canali or Hänsch, SRH, Auger, SG or the
 * temperature-aware fluxes in both directions; energy balance: carrier temperatures rising
 * from 300 to 1500 K along y).
 *   bench_assembly [--eb] NODES [NODES ...]
 * One CSV line per size: model,bs,nodes,edges,nnz,bytes,floor_ms,threads,host_serial_ms,host_omp_ms,
 * device_ms,device_vs_floor,device_speedup_vs_omp,ns_per_edge_serial,bounded_ms,bounded_maxrel,generic_ms,generic_maxrel
 * - bytes: what one assembly must move at least (read the state, the per-edge and per-node
 *   data once; write the residual and every Jacobian value once); floor_ms = bytes / bandwidth,
 *   the bandwidth 4.8 TB/s (the H200's HBM3e, NVIDIA's figure) or env BENCH_BW_TBS (TB/s; 3.35
 *   for an H100 SXM);
 * - host_serial: the edge loop (one thread); host_omp: the row loop on every OpenMP thread;
 * - device: the CUDA row kernel alone (state already on the device), best of the repeats;
 *   "NA" without a device; bounded, generic: the other row kernels (kernels/cuda.h
 *   TCAD_CUDA_ROWS_BOUNDED: at most 128 registers; TCAD_CUDA_ROWS_GENERIC: block size read at
 *   run time), timed alternately with the default one, and the largest relative difference of
 *   their Jacobians from its. Each timing is the best of REPEAT runs (env BENCH_REPEAT, 5). */
#include <math.h>
#include <omp.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_util.h"
#include "kernels/assemble.h"
#include "kernels/cuda.h"
#include "solver/sim_internal.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"
#include "tcad/mesh.h"
#include "tcad/petsc_error.h"
#include "tcad/sim.h"

/* bytes/s of the device memory the floor assumes */
static double bandwidth(void)
{
  const char *e = getenv("BENCH_BW_TBS");
  const double tbs = e && atof(e) > 0 ? atof(e) : 4.8;
  return tbs * 1e12;
}

static int run(long nodes, int repeat, int eb)
{
  const long per = (long)ceil(sqrt((double)nodes));
  const double h = 1.0 / (double)(per - 1);
  char text[2048];
  snprintf(text, sizeof text,
           "mesh:\n  generate:\n    x: [{at: 0, step: %.9g}, {at: 1, step: %.9g}]\n"
           "    y: [{at: 0, step: %.9g}, {at: 1, step: %.9g}]\n"
           "regions: [{name: si, material: Si, box: {x: [0, 1], y: [0, 1]}}]\n"
           "contacts:\n  - {name: well, type: ohmic, box: {x: [0, 0.2], y: [0, 0]}}\n"
           "  - {name: sub, type: ohmic, box: {x: [0, 1], y: [1, 1]}}\n"
           "doping:\n  - {profile: uniform, species: acceptor, conc: 1e17}\n"
           "  - {profile: gaussian, species: donor, peak: 1e20, window: {x: [0, 0.3]}, axis: y, surface: 0,"
           " junction: 0.2, background: 1e17, lateral: 0.05}\n"
           "physics: {mobility: masetti, high_field: canali, recombination: [srh, auger], transport: %s}\n",
           h, h, h, h, eb ? "energy-balance" : "drift-diffusion");
  TcadDeck *deck = NULL;
  TcadMesh *mesh = NULL;
  TcadGeometry *geom = NULL;
  TcadSim *sim = NULL;
  int e = TcadDeckLoadString(text, "bench_assembly", &deck);
  if (!e) e = TcadMeshCreateFromDeck(deck, &mesh);
  if (!e) e = TcadGeometryBuild(mesh, &geom);
  if (!e) e = TcadSimCreate(deck, mesh, geom, &sim);
  if (!e) e = TcadSimSetBackend(sim, TCAD_BACKEND_HOST);
  if (e) {
    fprintf(stderr, "bench_assembly: %s\n", tcad_error_message());
    goto done;
  }
  {
    TcadSim *s = sim;
    const int n = s->nnodes, bs = s->bs;
    const TcadAsmParams *P = &s->D.p;
    double *x = TcadSimGetState(s);
    /* charge-neutral state plus a 1 V ramp along y with split quasi-Fermi levels */
    for (int i = 0; i < n; i++) {
      const double N = s->donors[i] - s->acceptors[i];
      const double psi = s->vt * asinh(N / (2 * s->nie)) + 1.0 * mesh->coord[3 * i + 1] / 1e-4;
      x[bs * i] = psi / P->sv[0];
      x[bs * i + 1] = s->nie * exp((psi - 0.3) / s->vt) / P->sv[1];
      x[bs * i + 2] = s->nie * exp(-(psi - 0.1) / s->vt) / P->sv[2];
      for (int t = 3; t < bs; t++) x[bs * i + t] = (300.0 + 1200.0 * mesh->coord[3 * i + 1] / 1e-4) / P->sv[t];
    }
    s->D.p.mode = TCAD_ASM_COUPLED;
    if (eb) TcadSimSetEnergy(s, 1, 1.0);
    double *f = malloc(sizeof(double) * bs * (size_t)n), *jac = malloc(sizeof(double) * (size_t)s->nnz);
    double *cf = malloc(sizeof(double) * TCAD_ASM_NCFLUX * (size_t)n);
    double ts = INFINITY, tp = INFINITY, tk[TCAD_CUDA_ROWS_N], kdiff[TCAD_CUDA_ROWS_N];
    for (int k = 0; k < TCAD_CUDA_ROWS_N; k++) tk[k] = kdiff[k] = NAN;
    for (int r = 0; r < repeat; r++) {
      double t0 = tcad_now();
      tcad_asm_host_edges(&s->D, x, f, jac, cf, NULL);
      ts = fmin(ts, tcad_now() - t0);
      t0 = tcad_now();
      tcad_asm_host_rows(&s->D, x, f, jac, cf, NULL);
      tp = fmin(tp, tcad_now() - t0);
    }
    TcadCudaInfo ci;
    tcad_cuda_query(&ci);
    if (ci.ndevices) {
      /* every row kernel in turn, alternating so clock drift hits all alike; the Jacobians of
       * the last round are compared with the default kernel's */
      double *jg = malloc(sizeof(double) * (size_t)s->nnz);
      e = TcadSimSetBackend(s, TCAD_BACKEND_CUDA);
      for (int r = 0; !e && r < repeat + 1; r++)
        for (int k = 0; !e && k < TCAD_CUDA_ROWS_N; k++) {
          TcadCudaTimes t = {0};
          e = TcadCudaAsmSetRows(s->cuda, (TcadCudaRows)k);
          if (!e) e = TcadCudaAsmUpload(s->cuda, x, s->D.bc_value, &t);
          if (!e) e = TcadCudaAsmAssemble(s->cuda, &s->D.p, 1, 1, 0, &t);
          if (!e) e = TcadCudaAsmDownload(s->cuda, f, cf, NULL, &t);
          if (!e) e = TcadCudaAsmJacobianToHost(s->cuda, k ? jg : jac, &t);
          if (!e && r == repeat && k) {
            kdiff[k] = 0.0;
            for (long q = 0; q < s->nnz; q++) {
              const double d = fabs(jg[q] - jac[q]), m = fmax(fabs(jg[q]), fabs(jac[q]));
              if (d > 0) kdiff[k] = fmax(kdiff[k], d / m);
            }
          }
          if (r > 0) tk[k] = isnan(tk[k]) ? t.kernel : fmin(tk[k], t.kernel); /* the first round warms up */
        }
      TcadCudaAsmSetRows(s->cuda, TCAD_CUDA_ROWS_BS);
      free(jg);
      if (e) fprintf(stderr, "bench_assembly: device: %s\n", tcad_error_message());
    }
    const double ne = geom->nedges;
    const double bytes = (double)bs * n * 8 /* x */ + ne * (8 + 8 * 5 + 16 + 1) /* edge data */ +
                         n * (12 + 8 * 4 + 8.0 * bs + 2 + 4) /* node data, incidence start */ +
                         2 * ne * 4 /* incidence */ + (double)bs * n * 8 /* f */ + 4.0 * n * 8 /* contact fluxes */ +
                         (double)s->nnz * 8 /* Jacobian */;
    const double floor_ms = bytes / bandwidth() * 1e3;
    const double td = tk[TCAD_CUDA_ROWS_BS];
    char dev[64] = "NA", dvf[64] = "NA", dsp[64] = "NA", other[TCAD_CUDA_ROWS_N][2][64];
    for (int k = 1; k < TCAD_CUDA_ROWS_N; k++) {
      snprintf(other[k][0], 64, isnan(tk[k]) ? "NA" : "%.4f", 1e3 * tk[k]);
      snprintf(other[k][1], 64, isnan(kdiff[k]) ? "NA" : "%.1e", kdiff[k]);
    }
    if (!isnan(td)) {
      snprintf(dev, sizeof dev, "%.4f", 1e3 * td);
      snprintf(dvf, sizeof dvf, "%.2f", 1e3 * td / floor_ms);
      snprintf(dsp, sizeof dsp, "%.1f", tp / td);
    }
    printf("%s,%d,%d,%d,%d,%.0f,%.4f,%d,%.3f,%.3f,%s,%s,%s,%.1f,%s,%s,%s,%s\n", eb ? "eb" : "dd", bs, n, geom->nedges,
           s->nnz, bytes, floor_ms, omp_get_max_threads(), 1e3 * ts, 1e3 * tp, dev, dvf, dsp, 1e9 * ts / ne,
           other[TCAD_CUDA_ROWS_BOUNDED][0], other[TCAD_CUDA_ROWS_BOUNDED][1], other[TCAD_CUDA_ROWS_GENERIC][0],
           other[TCAD_CUDA_ROWS_GENERIC][1]);
    fflush(stdout);
    free(f), free(jac), free(cf);
  }
done:
  bench_close(&deck, &mesh, &geom, &sim);
  return e;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: bench_assembly [--eb] NODES [NODES ...]\n");
    return 2;
  }
  TcadInitialize(NULL, NULL, NULL);
  const int repeat = getenv("BENCH_REPEAT") ? atoi(getenv("BENCH_REPEAT")) : 5;
  printf("model,bs,nodes,edges,nnz,bytes,floor_ms,threads,host_serial_ms,host_omp_ms,device_ms,device_vs_floor,"
         "device_speedup_vs_omp,ns_per_edge_serial,bounded_ms,bounded_maxrel,generic_ms,generic_maxrel\n");
  int e = 0;
  const int eb = !strcmp(argv[1], "--eb");
  for (int k = 1 + eb; k < argc && !e; k++) e = run(atol(argv[k]), repeat > 0 ? repeat : 1, eb);
  TcadFinalize();
  return e ? 1 : 0;
}
