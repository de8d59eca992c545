/* The -tcad_* options (include/tcad/options.h): one PetscOptionsBegin block, so PETSc lists each
 * with its help text and default under -help, marks each as used (for TcadOptionsWarnUnused),
 * and maps the deprecated names. Values are checked here, before anything runs. */
#include <petscsys.h>
#include <stdio.h>
#include <string.h>

#include "kernels/asm_data.h"
#include "kernels/linalg/linear.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/options.h"
#include "tcad/petsc_error.h"

#define TCAD_OPT_STR 64

typedef struct {
  char backend[TCAD_OPT_STR], transport[TCAD_OPT_STR], linear[TCAD_OPT_STR], scale[TCAD_OPT_STR];
  PetscReal damp_volts, update_tol, density_growth, temperature_growth, residual_tol;
  PetscReal rtol, true_tol, hf_floor, qf_floor, relax_floor;
  PetscInt max_it, restart, check, stall;
  PetscBool monitor, eq_bias, extrapolate, cpu_fallback, trace;
} Raw;

static PetscErrorCode read_raw(Raw *r)
{
  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_SELF, NULL, "tcad options (docs/solver.md)", "tcad");
  PetscCall(PetscOptionsString("-tcad_backend",
                               "where residual and Jacobian are assembled: host or cuda (default: cuda "
                               "when a CUDA device is present)",
                               "docs/solver.md", r->backend, r->backend, sizeof r->backend, NULL));
  PetscCall(PetscOptionsString("-tcad_transport",
                               "override the deck's transport: drift-diffusion, energy-balance or "
                               "energy-balance-electrons",
                               "docs/deck.md", r->transport, r->transport, sizeof r->transport, NULL));
  PetscCall(PetscOptionsReal("-tcad_damp_volts",
                             "Newton: potential updates beyond this many volts are compressed "
                             "logarithmically (0: off)",
                             "docs/solver.md", r->damp_volts, &r->damp_volts, NULL));
  PetscCall(PetscOptionsReal("-tcad_update_tol",
                             "Newton: converged when the scaled update (|dpsi|/V_T, |dn|/n, |dT|/T) "
                             "is below this",
                             "docs/solver.md", r->update_tol, &r->update_tol, NULL));
  PetscCall(PetscOptionsReal("-tcad_density_growth",
                             "Newton: growth of a density per step beyond this factor - 1 is "
                             "compressed",
                             "docs/solver.md", r->density_growth, &r->density_growth, NULL));
  PetscCall(PetscOptionsReal("-tcad_temperature_growth", "Newton: the same for a carrier temperature", "docs/solver.md",
                             r->temperature_growth, &r->temperature_growth, NULL));
  PetscCall(PetscOptionsReal("-tcad_residual_tol",
                             "Newton: also converged when every residual is below this times "
                             "the size of the terms it sums (0: off)",
                             "docs/solver.md", r->residual_tol, &r->residual_tol, NULL));
  PetscCall(PetscOptionsBool("-tcad_newton_monitor",
                             "Newton: per iteration, the residual norm, the largest relative "
                             "residual and the limited update",
                             "docs/solver.md", r->monitor, &r->monitor, NULL));
  PetscCall(PetscOptionsBool("-tcad_equilibrium_bias",
                             "solve bias points with every ohmic contact at one voltage as "
                             "equilibrium (nonlinear Poisson)",
                             "docs/solver.md", r->eq_bias, &r->eq_bias, NULL));
  PetscCall(PetscOptionsBool("-tcad_extrapolate", "guess each bias point from the last two (else from the last one)",
                             "docs/solver.md", r->extrapolate, &r->extrapolate, NULL));
  PetscCall(PetscOptionsDeprecated("-tcad_gpu_solver", "-tcad_linear", "0.2", NULL));
  PetscCall(PetscOptionsString("-tcad_linear",
                               "linear solver: direct (MUMPS LU), krylov (PETSc GMRES + ILU(2)), "
                               "ilu-bicgstab, ilu-gmres, cudss (the pipeline: on the device with the CUDA backend, "
                               "else its host engine; cudss needs CUDA)",
                               "docs/solver.md", r->linear, r->linear, sizeof r->linear, NULL));
  PetscCall(PetscOptionsDeprecated("-tcad_gpu_scale", "-tcad_linear_scale", "0.2", NULL));
  PetscCall(PetscOptionsString("-tcad_linear_scale", "pipeline: scaling of the Newton system: rowcol, row or none",
                               "docs/solver.md", r->scale, r->scale, sizeof r->scale, NULL));
  PetscCall(PetscOptionsDeprecated("-tcad_gpu_rtol", "-tcad_linear_rtol", "0.2", NULL));
  PetscCall(PetscOptionsReal("-tcad_linear_rtol", "pipeline: Krylov relative tolerance", "docs/solver.md", r->rtol,
                             &r->rtol, NULL));
  PetscCall(PetscOptionsDeprecated("-tcad_gpu_true_tol", "-tcad_linear_true_tol", "0.2", NULL));
  PetscCall(PetscOptionsReal("-tcad_linear_true_tol",
                             "pipeline: every answer's recomputed relative residual must be "
                             "below this, else the next solver is tried",
                             "docs/solver.md", r->true_tol, &r->true_tol, NULL));
  PetscCall(PetscOptionsDeprecated("-tcad_gpu_max_it", "-tcad_linear_max_it", "0.2", NULL));
  PetscCall(PetscOptionsInt("-tcad_linear_max_it", "pipeline: Krylov iterations per solve", "docs/solver.md", r->max_it,
                            &r->max_it, NULL));
  PetscCall(PetscOptionsDeprecated("-tcad_gpu_restart", "-tcad_linear_restart", "0.2", NULL));
  PetscCall(PetscOptionsInt("-tcad_linear_restart", "pipeline: GMRES restart (the fallback uses 4x)", "docs/solver.md",
                            r->restart, &r->restart, NULL));
  PetscCall(PetscOptionsDeprecated("-tcad_gpu_check", "-tcad_linear_check", "0.2", NULL));
  PetscCall(PetscOptionsInt("-tcad_linear_check", "pipeline: read the residual history every this many iterations",
                            "docs/solver.md", r->check, &r->check, NULL));
  PetscCall(PetscOptionsDeprecated("-tcad_gpu_stall", "-tcad_linear_stall", "0.2", NULL));
  PetscCall(PetscOptionsInt("-tcad_linear_stall",
                            "pipeline: give up after this many iterations without halving the "
                            "residual (0: never)",
                            "docs/solver.md", r->stall, &r->stall, NULL));
  PetscCall(PetscOptionsDeprecated("-tcad_gpu_cpu_fallback", "-tcad_linear_cpu_fallback", "0.2", NULL));
  PetscCall(PetscOptionsBool("-tcad_linear_cpu_fallback",
                             "pipeline: solve with MUMPS on the host when every pipeline "
                             "solver fails (else the Newton step fails)",
                             "docs/solver.md", r->cpu_fallback, &r->cpu_fallback, NULL));
  PetscCall(PetscOptionsReal("-tcad_hf_floor", "high-field driving force F = sqrt(G^2 + F0^2) - F0: F0, V/cm",
                             "kernels/asm_data.h", r->hf_floor, &r->hf_floor, NULL));
  PetscCall(PetscOptionsReal("-tcad_qf_floor",
                             "density floor of the quasi-Fermi potential that drives the high-field "
                             "mobility, in units of n_i",
                             "kernels/asm_data.h", r->qf_floor, &r->qf_floor, NULL));
  PetscCall(PetscOptionsReal("-tcad_relax_floor",
                             "energy balance: floor of the relaxing carrier density, in units of "
                             "n_i",
                             "kernels/asm_data.h", r->relax_floor, &r->relax_floor, NULL));
  PetscCall(PetscOptionsBool("-tcad_trace", "print the trace (function, file:line per frame) with every error",
                             "docs/solver.md", r->trace, &r->trace, NULL));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/* *k = the index of value in names, or TCAD_ERR_INPUT naming the option and its choices */
static int pick(const char *opt, const char *value, const char *const *names, int n, const char *choices, int *k)
{
  for (*k = 0; *k < n; ++*k)
    if (!strcmp(value, names[*k])) return 0;
  return tcad_error(TCAD_ERR_INPUT, "%s %s: unknown; use %s", opt, value, choices);
}

int TcadOptionsRead(TcadOptions *o)
{
  Raw r = {.backend = "auto", .transport = "deck", .linear = "direct", .scale = "rowcol"};
  r.damp_volts = 0.25, r.update_tol = 1e-9, r.density_growth = 10.0, r.temperature_growth = 3.0, r.residual_tol = 0;
  r.rtol = 1e-10, r.true_tol = 1e-8, r.hf_floor = TCAD_ASM_DEFAULT_HF_FLOOR, r.qf_floor = TCAD_ASM_DEFAULT_QF_FLOOR;
  r.relax_floor = TCAD_ASM_DEFAULT_RELAX_FLOOR;
  r.max_it = 2000, r.restart = 30, r.check = 5, r.stall = 300;
  r.monitor = PETSC_FALSE, r.eq_bias = PETSC_TRUE, r.extrapolate = PETSC_TRUE, r.cpu_fallback = PETSC_TRUE;
  r.trace = PETSC_FALSE;
  TCAD_PETSC_CALL(read_raw(&r));
  memset(o, 0, sizeof *o);
  static const char *backends[] = {"host", "cuda", "auto"};
  int k;
  TCAD_CALL(pick("-tcad_backend", r.backend, backends, 3, "host or cuda", &k));
  o->backend = k == 2 ? -1 : k;
  static const char *transports[] = {"drift-diffusion", "energy-balance", "energy-balance-electrons", "deck"};
  TCAD_CALL(pick("-tcad_transport", r.transport, transports, 4,
                 "drift-diffusion, energy-balance or energy-balance-electrons", &k));
  o->transport = k == 0 ? TCAD_TRANSPORT_DD : k == 1 ? TCAD_TRANSPORT_EB : k == 2 ? TCAD_TRANSPORT_EB_ELECTRONS : -1;
  /* "off" is what the deprecated -tcad_gpu_solver called the direct solver */
  static const char *linears[] = {"direct", "krylov", "ilu-bicgstab", "ilu-gmres", "cudss", "off"};
  TCAD_CALL(pick("-tcad_linear", r.linear, linears, 6, "direct, krylov, ilu-bicgstab, ilu-gmres or cudss", &k));
  o->lin.kind = k == 5 ? TCAD_LINEAR_DIRECT : k;
  static const char *scales[] = {"none", "row", "rowcol"};
  TCAD_CALL(pick("-tcad_linear_scale", r.scale, scales, 3, "rowcol (default), row or none", &k));
  o->lin.scale = k == 0 ? TCAD_LIN_SCALE_NONE : k == 1 ? TCAD_LIN_SCALE_ROW : TCAD_LIN_SCALE_ROWCOL;
  if (!(r.rtol > 0 && r.rtol < 1))
    return tcad_error(TCAD_ERR_INPUT, "-tcad_linear_rtol %g: must be in (0, 1)", (double)r.rtol);
  if (!(r.true_tol > 0)) return tcad_error(TCAD_ERR_INPUT, "-tcad_linear_true_tol %g: must be > 0", (double)r.true_tol);
  const struct {
    const char *name;
    PetscInt v, lo;
  } ints[] = {{"-tcad_linear_max_it", r.max_it, 1},
              {"-tcad_linear_restart", r.restart, 1},
              {"-tcad_linear_check", r.check, 1},
              {"-tcad_linear_stall", r.stall, 0}};
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
    if (ints[i].v < ints[i].lo)
      return tcad_error(TCAD_ERR_INPUT, "%s %d: must be at least %d", ints[i].name, (int)ints[i].v, (int)ints[i].lo);
  const struct {
    const char *name;
    PetscReal v;
    int zero_ok;
  } reals[] = {{"-tcad_damp_volts", r.damp_volts, 1},
               {"-tcad_update_tol", r.update_tol, 0},
               {"-tcad_density_growth", r.density_growth, 0},
               {"-tcad_temperature_growth", r.temperature_growth, 0},
               {"-tcad_residual_tol", r.residual_tol, 1},
               {"-tcad_hf_floor", r.hf_floor, 0},
               {"-tcad_qf_floor", r.qf_floor, 0},
               {"-tcad_relax_floor", r.relax_floor, 1}};
  for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
    if (!(reals[i].v > 0 || (reals[i].zero_ok && reals[i].v == 0)))
      return tcad_error(TCAD_ERR_INPUT, "%s %g: must be %s", reals[i].name, (double)reals[i].v,
                        reals[i].zero_ok ? "at least 0" : "positive");
  o->damp_volts = r.damp_volts, o->update_tol = r.update_tol, o->density_growth = r.density_growth;
  o->temperature_growth = r.temperature_growth, o->residual_tol = r.residual_tol;
  o->newton_monitor = r.monitor, o->equilibrium_bias = r.eq_bias, o->extrapolate = r.extrapolate;
  o->lin.rtol = r.rtol, o->lin.true_tol = r.true_tol, o->lin.max_it = (int)r.max_it, o->lin.restart = (int)r.restart;
  o->lin.check = (int)r.check, o->lin.stall = (int)r.stall, o->lin.cpu_fallback = r.cpu_fallback;
  o->hf_floor = r.hf_floor, o->qf_floor = r.qf_floor, o->relax_floor = r.relax_floor;
  o->trace = r.trace;
  return 0;
}

int TcadOptionsWarnUnused(void)
{
  PetscInt n = 0;
  char **names = NULL, **values = NULL;
  if (PetscOptionsLeftGet(NULL, &n, &names, &values)) return 0;
  for (PetscInt k = 0; k < n; k++)
    fprintf(stderr,
            "tcad: warning: option -%s%s%s was given but nothing used it (misspelled? `tcad run DECK -help` "
            "lists the options)\n",
            names[k], values[k] ? " " : "", values[k] ? values[k] : "");
  PetscOptionsLeftRestore(NULL, &n, &names, &values);
  return (int)n;
}
