/* Assembly backends against each other on the example 2D n-MOSFET (oxide, gate, Si/SiO2
 * interface, four contacts) and the example 3D diode, drift-diffusion and energy balance
 * (block size 5), at equilibrium (Poisson mode) and at a biased coupled state, the MOSFET with
 * impact ionization on (energy balance: the drift-diffusion biased state with carrier temperatures
 * put in, not an energy-balance solution; t057 tests those solves):
 * - the row loop (tcad_asm_row per node: what each CUDA thread runs, and the host's OpenMP
 *   loop) against the edge loop (tcad_asm_edge, then tcad_asm_node): bitwise equal residual,
 *   Jacobian, contact fluxes and term sizes (same sums in the same order, by construction);
 * - on a CUDA device: the device residual and Jacobian (each row kernel: per block size, the
 *   same with bounded registers, block size read at run time) against the host's to 1e-12 (residual
 *   entries relative to the size of the terms they sum, Jacobian entries relative to the
 *   largest entry of their row), two device assemblies bitwise equal (determinism), and a
 *   short Id–Vd sweep whose IV table matches the host's within the Newton tolerance.
 *   Without a device these are reported as SKIP with the reason.
 * The equilibrium and bias solves that reach the compared states run on the tests' backend
 * (TCAD_TEST_BACKEND, tests/device.h): on cuda they are device Newton solves, and without a
 * device the whole test is one SKIP. The two sweeps run wholly on the host and on the device. */
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "kernels/cuda.h"
#include "solver/sim_internal.h"
#include "tap.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"
#include "tcad/petsc_error.h"
#include "tcad/sim.h"

typedef TestDevice Dev;

/* transport: NULL for the deck's (drift-diffusion), else a -tcad_transport value */
static int open_example(const char *file, const char *transport, Dev *d)
{
  int e = test_example_open(file, transport, d); /* on the tests' backend */
  if (!e) e = TcadSimSolveEquilibrium(d->sim);
  return e;
}

static void close_example(Dev *d) { test_device_free(d); }

typedef struct {
  double *f, *jac, *cflux, *fmag;
} Out;

static void out_alloc(Out *o, const TcadSim *s)
{
  o->f = calloc((size_t)s->bs * s->nnodes, sizeof(double));
  o->jac = calloc((size_t)s->nnz, sizeof(double));
  o->cflux = calloc(TCAD_ASM_NCFLUX * (size_t)s->nnodes, sizeof(double));
  o->fmag = calloc((size_t)s->bs * s->nnodes, sizeof(double));
}

static void out_free(Out *o) { free(o->f), free(o->jac), free(o->cflux), free(o->fmag); }

/* everything on the device at state x, each transfer explicit (kernels/cuda.h) */
static int device_assemble(TcadSim *s, const double *x, Out *o, TcadCudaTimes *t)
{
  int err = TcadCudaAsmUpload(s->cuda, x, s->D.bc_value, t);
  if (!err) err = TcadCudaAsmAssemble(s->cuda, &s->D.p, 1, 1, 1, t);
  if (!err) err = TcadCudaAsmDownload(s->cuda, o->f, o->cflux, o->fmag, t);
  if (!err) err = TcadCudaAsmJacobianToHost(s->cuda, o->jac, t);
  return err;
}

static int same_bits(const double *a, const double *b, size_t n, size_t *where)
{
  for (size_t k = 0; k < n; k++)
    if (memcmp(&a[k], &b[k], sizeof(double))) {
      *where = k;
      return 0;
    }
  return 1;
}

/* largest |a − b| relative to the scale of each entry's equation */
static double resid_diff(const TcadSim *s, const Out *a, const Out *b)
{
  double worst = 0;
  for (int k = 0; k < s->bs * s->nnodes; k++) {
    const double scale = fmax(a->fmag[k], fabs(a->f[k]));
    if (scale > 0) worst = fmax(worst, fabs(a->f[k] - b->f[k]) / scale);
  }
  return worst;
}

static double jac_diff(const TcadSim *s, const Out *a, const Out *b)
{
  double worst = 0;
  for (int r = 0; r < s->bs * s->nnodes; r++) {
    double big = 0;
    for (int k = s->rowptr[r]; k < s->rowptr[r + 1]; k++) big = fmax(big, fabs(a->jac[k]));
    for (int k = s->rowptr[r]; big > 0 && k < s->rowptr[r + 1]; k++)
      worst = fmax(worst, fabs(a->jac[k] - b->jac[k]) / big);
  }
  return worst;
}

static void compare_states(const char *name, Dev *d, int cuda, const char *nocuda)
{
  TcadSim *s = d->sim;
  const double *x = TcadSimGetState(s);
  const size_t n3 = (size_t)s->bs * s->nnodes, nnz = (size_t)s->nnz, n2 = TCAD_ASM_NCFLUX * (size_t)s->nnodes;
  Out e, r;
  out_alloc(&e, s), out_alloc(&r, s);
  tcad_asm_host_edges(&s->D, x, e.f, e.jac, e.cflux, e.fmag);
  tcad_asm_host_rows(&s->D, x, r.f, r.jac, r.cflux, r.fmag);
  size_t w = 0;
  char tn[128];
  int ok = same_bits(e.f, r.f, n3, &w);
  snprintf(tn, sizeof tn, "rows_vs_edges.%s.residual", name);
  tap_check(ok, tn, "first difference at entry %zu: %.17g vs %.17g", w, e.f[w], r.f[w]);
  ok = same_bits(e.jac, r.jac, nnz, &w);
  snprintf(tn, sizeof tn, "rows_vs_edges.%s.jacobian", name);
  tap_check(ok, tn, "first difference at value %zu: %.17g vs %.17g", w, e.jac[w], r.jac[w]);
  ok = same_bits(e.cflux, r.cflux, n2, &w) && same_bits(e.fmag, r.fmag, n3, &w);
  snprintf(tn, sizeof tn, "rows_vs_edges.%s.contact_flux_and_term_sizes", name);
  tap_check(ok, tn, "differ at entry %zu", w);

  snprintf(tn, sizeof tn, "cuda.%s.host_vs_device", name);
  if (!cuda) {
    tap_skip(tn, nocuda);
  } else {
    Out g, g2;
    out_alloc(&g, s), out_alloc(&g2, s);
    TcadCudaTimes t = {0};
    const int backend = TcadSimGetBackend(s);
    int err = TcadSimSetBackend(s, TCAD_BACKEND_CUDA);
    if (!err) err = device_assemble(s, x, &g, &t);
    if (!err) err = device_assemble(s, x, &g2, &t);
    if (err) {
      tap_check(0, tn, "%s", tcad_error_message());
    } else {
      const double dr = resid_diff(s, &e, &g), dj = jac_diff(s, &e, &g);
      tap_check(dr < 1e-12 && dj < 1e-12, tn, "residual %.2e (of term size), Jacobian %.2e (of row max)", dr, dj);
      snprintf(tn, sizeof tn, "cuda.%s.deterministic", name);
      tap_check(same_bits(g.f, g2.f, n3, &w) && same_bits(g.jac, g2.jac, nnz, &w), tn,
                "two device assemblies differ at entry %zu", w);
      printf("# %s: device assembly kernel %.3f ms per call\n", name, 1e3 * t.kernel / (t.calls ? t.calls : 1));
      /* the other row kernels (kept for the benchmark) compute the same rows: against the host
       * like the default one */
      static const char *const kname[TCAD_CUDA_ROWS_N] = {"bs", "bounded", "runtime_bs"};
      for (int k = 1; k < TCAD_CUDA_ROWS_N; k++) {
        snprintf(tn, sizeof tn, "cuda.%s.%s_kernel", name, kname[k]);
        err = TcadCudaAsmSetRows(s->cuda, (TcadCudaRows)k);
        if (!err) err = device_assemble(s, x, &g2, &t);
        TcadCudaAsmSetRows(s->cuda, TCAD_CUDA_ROWS_BS);
        if (err) {
          tap_check(0, tn, "%s", tcad_error_message());
        } else {
          const double gr = resid_diff(s, &e, &g2), gj = jac_diff(s, &e, &g2);
          tap_check(gr < 1e-12 && gj < 1e-12, tn, "residual %.2e (of term size), Jacobian %.2e (of row max)", gr, gj);
        }
      }
    }
    TcadSimSetBackend(s, backend); /* back to the tests' backend for the solves that follow */
    out_free(&g), out_free(&g2);
  }
  out_free(&e), out_free(&r);
}

/* a biased state: the contact voltages and ψ, n, p at every node */
typedef struct {
  int nc, nnodes;
  double v[16], *x;
} Biased;

static void biased_free(Biased *b)
{
  free(b->x);
  b->x = NULL;
}

static int biased_save(Dev *d, Biased *b)
{
  TcadSim *s = d->sim;
  const int n = s->nnodes;
  if (s->ncontacts > 16) return tcad_error(TCAD_ERR_INTERNAL, "t054: more than 16 contacts");
  b->nc = s->ncontacts, b->nnodes = n;
  for (int c = 0; c < s->ncontacts; c++) b->v[c] = s->contacts[c].voltage;
  if (!(b->x = malloc(3 * (size_t)n * sizeof(double)))) return TCAD_ERR_MEM;
  TcadSimGetSolution(s, b->x, b->x + n, b->x + 2 * n);
  return 0;
}

/* The saved drift-diffusion state in an energy-balance sim of the same device, with carrier
 * temperatures from T_L at the lowest potential up to T_L + 2000 K (electrons) and + 1000 K
 * (holes) at the highest: hot where the field has moved the carriers, as at a real bias. */
static int biased_load(Dev *d, const Biased *b)
{
  TcadSim *s = d->sim;
  const int n = s->nnodes, bs = s->bs;
  if (n != b->nnodes || s->ncontacts != b->nc || bs < 4)
    return tcad_error(TCAD_ERR_INTERNAL, "t054: the saved state is of another device or transport");
  for (int c = 0; c < s->ncontacts; c++) tcad_sim_drive_voltage(s, c, b->v[c]), s->contacts[c].voltage = b->v[c];
  tcad_sim_update_bc(s);
  double lo = INFINITY, hi = -INFINITY;
  for (int i = 0; i < n; i++) lo = fmin(lo, b->x[i]), hi = fmax(hi, b->x[i]);
  const double *sv = s->D.p.sv;
  double *x = TcadSimGetState(s);
  for (int i = 0; i < n; i++) {
    const double w = (b->x[i] - lo) / (hi - lo), *xi = b->x;
    x[(size_t)bs * i] = xi[i] / sv[0];
    x[(size_t)bs * i + 1] = xi[n + i] / sv[1];
    x[(size_t)bs * i + 2] = xi[2 * n + i] / sv[2];
    x[(size_t)bs * i + 3] = (s->T + 2000.0 * w) / sv[3];
    if (bs > 4) x[(size_t)bs * i + 4] = (s->T + 1000.0 * w) / sv[4];
  }
  return 0;
}

/* a short Id–Vd sweep on one backend, equilibrium included: the drain currents */
static int sweep(int backend, const char *transport, double *id, int npts)
{
  Dev d;
  int e = test_example_open("mosfet2d.yaml", transport, &d);
  if (!e) e = TcadSimSetBackend(d.sim, backend);
  if (!e) e = TcadSimSolveEquilibrium(d.sim);
  const int gate = e ? -1 : TcadSimFindContact(d.sim, "gate"), drain = e ? -1 : TcadSimFindContact(d.sim, "drain");
  const double vg = 1.2;
  if (!e) e = TcadSimBias(d.sim, 1, &gate, &vg);
  for (int k = 0; k < npts && !e; k++) {
    const double vd = 0.5 * (k + 1);
    e = TcadSimBias(d.sim, 1, &drain, &vd);
    double cur[3];
    if (!e) TcadSimGetContactCurrent(d.sim, drain, cur), id[k] = cur[2];
  }
  close_example(&d);
  return e;
}

int main(int argc, char **argv)
{
  TcadInitialize(&argc, &argv, NULL);
  const int go = test_backend_init(argv[0]); /* TCAD_TEST_BACKEND (tests/device.h) */
  if (go <= 0) return test_backend_stop(go);
  TcadCudaInfo ci;
  tcad_cuda_query(&ci);
  const int cuda = ci.ndevices > 0;
  char nocuda[300];
  snprintf(nocuda, sizeof nocuda, "%s", ci.why);
  if (cuda) printf("# CUDA device: %s (sm_%d%d)\n", ci.name, ci.major, ci.minor);

  /* a mesh whose Jacobian outgrows the 32-bit matrix offsets is refused before the Jacobian is
   * allocated, with the count: the limit lowered to 1000 nonzeros on the 1D pn diode (its DD
   * Jacobian: 3·3·(3 n − 2) nonzeros for n nodes) */
  {
    Dev d;
    tcad_sim_set_index_limit(1000);
    int e = open_example("pn1d.yaml", NULL, &d);
    const char *m = tcad_error_message();
    tap_check(e == TCAD_ERR_INPUT && strstr(m, "too large for this build") && strstr(m, "more than the 1000") &&
                  strstr(m, "coarser mesh"),
              "pattern.index_limit_refused", "error %d: %s", e, m);
    close_example(&d);
    tcad_sim_set_index_limit(0);
    e = open_example("pn1d.yaml", NULL, &d);
    tap_check(!e && d.sim->nnz > 1000, "pattern.index_limit_default", "error %d (%s), nnz %d", e, tcad_error_message(),
              d.sim ? d.sim->nnz : -1);
    close_example(&d);
  }
  const char *files[4] = {"mosfet2d.yaml", "diode3d.yaml", "mosfet2d.yaml", "diode3d.yaml"};
  const char *names[4] = {"mosfet2d", "diode3d", "mosfet2d_eb", "diode3d_eb"};
  Biased dd[2] = {{0}, {0}}; /* the drift-diffusion biased states, the energy-balance ones' start */
  for (int f = 0; f < 4; f++) {
    Dev d;
    int e = open_example(files[f], f < 2 ? NULL : "energy-balance", &d);
    char tn[64];
    snprintf(tn, sizeof tn, "setup.%s", names[f]);
    tap_check(!e, tn, "%s", tcad_error_message());
    if (e) {
      close_example(&d);
      continue;
    }
    /* the MOSFETs with avalanche generation on (kernels/asm.h tcad_asm_edge_impact, the deck's
     * default van Overstraeten–de Man coefficients), the diodes without */
    if (f % 2 == 0) d.sim->D.p.impact = 1;
    char nm[64];
    /* equilibrium state in Poisson mode */
    TcadSimSetMode(d.sim, TCAD_ASM_EQUILIBRIUM);
    snprintf(nm, sizeof nm, "%s_poisson", names[f]);
    compare_states(nm, &d, cuda, nocuda);
    TcadSimSetMode(d.sim, TCAD_ASM_COUPLED);
    /* a biased coupled state: high fields, both carriers flowing */
    if (f < 2) {
      if (f == 0) {
        const int c[2] = {TcadSimFindContact(d.sim, "gate"), TcadSimFindContact(d.sim, "drain")};
        const double v[2] = {1.0, 1.5};
        /* stepped (a single jump to it took 50 s, most of it in failed Newton solves before the
         * halving found a step) */
        e = TcadSimSweep(d.sim, 2, c, v, 0.25, 0, 0.5);
      } else {
        const int c = TcadSimFindContact(d.sim, "anode");
        const double v = 0.6;
        e = TcadSimSweep(d.sim, 1, &c, &v, 0.1, 0, 0.2);
      }
      snprintf(tn, sizeof tn, "bias.%s", names[f]);
      tap_check(!e, tn, "%s", tcad_error_message());
      if (!e) e = biased_save(&d, &dd[f]);
    } else {
      /* energy balance: the drift-diffusion state at the same bias with hot carriers put in
       * (biased_load). Not a solution of the energy-balance equations, and it need not be: the
       * assemblies compared here must agree on any state, and this one has every term of
       * them large (an EB solve to it took 160 s of this test; t057 tests EB solves) */
      e = dd[f - 2].x ? biased_load(&d, &dd[f - 2]) : 1;
      snprintf(tn, sizeof tn, "bias.%s", names[f]);
      tap_check(!e, tn, "%s", e == 1 ? "no drift-diffusion state to start from" : tcad_error_message());
    }
    if (!e) {
      snprintf(nm, sizeof nm, "%s_biased", names[f]);
      compare_states(nm, &d, cuda, nocuda);
    }
    close_example(&d);
  }
  biased_free(&dd[0]), biased_free(&dd[1]);

  for (int m = 0; m < 2; m++) {
    const char *tn = m ? "cuda.sweep_iv_energy_balance" : "cuda.sweep_iv";
    if (!cuda) {
      tap_skip(tn, nocuda);
      continue;
    }
    double ih[3] = {0}, ig[3] = {0};
    int e = sweep(TCAD_BACKEND_HOST, m ? "energy-balance" : NULL, ih, 3);
    if (!e) e = sweep(TCAD_BACKEND_CUDA, m ? "energy-balance" : NULL, ig, 3);
    double worst = 0;
    for (int k = 0; !e && k < 3; k++) worst = fmax(worst, fabs(ig[k] - ih[k]) / fabs(ih[k]));
    /* the Newton tolerance (scaled update 1e-9) bounds the current's change well below 1e-7 */
    tap_check(!e && worst < 1e-7, tn, "drain current host vs device: worst relative %.2e %s", worst,
              e ? tcad_error_message() : "");
  }
  TcadFinalize();
  return tap_exit();
}
