/* The -tcad_* options (include/tcad/options.h): one PetscOptionsBegin block, so PETSc lists each
 * with its help text and default under -help, marks each as used (for TcadOptionsWarnUnused),
 * and maps the deprecated names. Values are checked here, before anything runs. */
#include <petscsys.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/asm_data.h"
#include "kernels/linalg/linear.h"
#include "kernels/physics/driving_force.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/options.h"
#include "tcad/petsc_error.h"

#define TCAD_OPT_STR 64

typedef struct {
  char backend[TCAD_OPT_STR], transport[TCAD_OPT_STR], linear[TCAD_OPT_STR], scale[TCAD_OPT_STR];
  PetscReal damp_volts, update_tol, density_growth, temperature_growth, residual_tol;
  PetscReal rtol, true_tol, hf_floor, qf_floor, relax_floor, joule_smooth;
  PetscInt max_it, restart, check, stall;
  PetscBool monitor, eq_bias, extrapolate, cpu_fallback, cudss_fallback, trace;
} Raw;

/* One option: kind 's' string (a choice, checked after reading), 'r' real, 'i' integer, 'b' bool;
 * `lo` the least value of a number and `zero_ok` whether 0 is allowed below a positive least; the
 * deprecated name it replaces, if any. */
typedef struct {
  const char *name;
  char kind;
  size_t offset;
  double lo;
  int zero_ok;
  const char *deprecated, *where, *help;
} TcadOptionSpec;

#define TCAD_OPT(name, kind, field, lo, zero_ok, deprecated, where, help)                                              \
  {                                                                                                                    \
    name, kind, offsetof(Raw, field), lo, zero_ok, deprecated, where, help                                             \
  }

static const TcadOptionSpec specs[] = {
    TCAD_OPT("-tcad_backend", 's', backend, 0, 0, NULL, "docs/solver.md",
             "where residual and Jacobian are assembled: host or cuda (default: cuda when a CUDA device is present)"),
    TCAD_OPT("-tcad_transport", 's', transport, 0, 0, NULL, "docs/deck.md",
             "override the deck's transport: drift-diffusion, energy-balance or energy-balance-electrons"),
    TCAD_OPT("-tcad_damp_volts", 'r', damp_volts, 0, 1, NULL, "docs/solver.md",
             "Newton: potential updates beyond this many volts are compressed logarithmically (0: off)"),
    TCAD_OPT("-tcad_update_tol", 'r', update_tol, 0, 0, NULL, "docs/solver.md",
             "Newton: converged when the scaled update (|dpsi|/V_T, |dn|/n, |dT|/T) is below this"),
    TCAD_OPT("-tcad_density_growth", 'r', density_growth, 0, 0, NULL, "docs/solver.md",
             "Newton: growth of a density per step beyond this factor - 1 is compressed"),
    TCAD_OPT("-tcad_temperature_growth", 'r', temperature_growth, 0, 0, NULL, "docs/solver.md",
             "Newton: the same for a carrier temperature"),
    TCAD_OPT("-tcad_residual_tol", 'r', residual_tol, 0, 1, NULL, "docs/solver.md",
             "Newton: also converged when every residual is below this times the size of the terms it sums (0: off)"),
    TCAD_OPT("-tcad_newton_monitor", 'b', monitor, 0, 0, NULL, "docs/solver.md",
             "Newton: per iteration, the residual norm, the largest relative residual and the limited update"),
    TCAD_OPT("-tcad_equilibrium_bias", 'b', eq_bias, 0, 0, NULL, "docs/solver.md",
             "solve bias points with every ohmic contact at one voltage as equilibrium (nonlinear Poisson)"),
    TCAD_OPT("-tcad_extrapolate", 'b', extrapolate, 0, 0, NULL, "docs/solver.md",
             "guess each bias point from the last two (else from the last one)"),
    TCAD_OPT("-tcad_linear", 's', linear, 0, 0, "-tcad_gpu_solver", "docs/solver.md",
             "linear solver: auto (cudss on the CUDA backend when its library loads, else direct), direct (MUMPS LU; "
             "PETSc LU in natural order in 1D), krylov (PETSc GMRES + ILU(2)), "
             "ilu-bicgstab, ilu-gmres, cudss (the "
             "pipeline: on the device with the CUDA backend, else its host engine; cudss needs CUDA)"),
    TCAD_OPT("-tcad_linear_scale", 's', scale, 0, 0, "-tcad_gpu_scale", "docs/solver.md",
             "pipeline: scaling of the Newton system: rowcol, row or none"),
    TCAD_OPT("-tcad_linear_rtol", 'r', rtol, 0, 0, "-tcad_gpu_rtol", "docs/solver.md",
             "pipeline: Krylov relative tolerance, in (0, 1)"),
    TCAD_OPT("-tcad_linear_true_tol", 'r', true_tol, 0, 0, "-tcad_gpu_true_tol", "docs/solver.md",
             "pipeline: every answer's recomputed relative residual must be below this, else the next solver is "
             "tried"),
    TCAD_OPT("-tcad_linear_max_it", 'i', max_it, 1, 0, "-tcad_gpu_max_it", "docs/solver.md",
             "pipeline: Krylov iterations per solve"),
    TCAD_OPT("-tcad_linear_restart", 'i', restart, 1, 0, "-tcad_gpu_restart", "docs/solver.md",
             "pipeline: GMRES restart (the fallback uses 4x)"),
    TCAD_OPT("-tcad_linear_check", 'i', check, 1, 0, "-tcad_gpu_check", "docs/solver.md",
             "pipeline: read the residual history every this many iterations"),
    TCAD_OPT("-tcad_linear_stall", 'i', stall, 0, 0, "-tcad_gpu_stall", "docs/solver.md",
             "pipeline: give up after this many iterations without halving the residual (0: never)"),
    TCAD_OPT("-tcad_linear_cpu_fallback", 'b', cpu_fallback, 0, 0, "-tcad_gpu_cpu_fallback", "docs/solver.md",
             "pipeline: solve with MUMPS on the host when every pipeline solver fails (else the Newton step fails)"),
    TCAD_OPT("-tcad_linear_cudss_fallback", 'b', cudss_fallback, 0, 0, NULL, "docs/solver.md",
             "pipeline (CUDA): try cuDSS after the Krylov attempts fail, when its library loads"),
    TCAD_OPT("-tcad_hf_floor", 'r', hf_floor, 0, 0, NULL, "kernels/asm_data.h",
             "high-field driving force F = sqrt(G^2 + F0^2) - F0: F0, V/cm"),
    TCAD_OPT("-tcad_qf_floor", 'r', qf_floor, 0, 0, NULL, "kernels/asm_data.h",
             "density floor of the quasi-Fermi potential that drives the high-field mobility, in units of n_i"),
    TCAD_OPT("-tcad_relax_floor", 'r', relax_floor, 0, 1, NULL, "kernels/asm_data.h",
             "energy balance: floor of the relaxing carrier density, in units of n_i"),
    TCAD_OPT(
        "-tcad_joule_smooth", 'r', joule_smooth, 0, 0, NULL, "kernels/physics/driving_force.h",
        "drift-diffusion Joule driving force: F^2 = E.grad(phi) over a factor 1/eps of grad(phi)/E either side of 1"),
    TCAD_OPT("-tcad_trace", 'b', trace, 0, 0, NULL, "docs/solver.md",
             "print the trace (function, file:line per frame) with every error"),
};
#define TCAD_NOPTS ((int)(sizeof specs / sizeof specs[0]))

static PetscErrorCode read_raw(Raw *r)
{
  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_SELF, NULL, "tcad options (docs/solver.md)", "tcad");
  for (int k = 0; k < TCAD_NOPTS; k++) {
    const TcadOptionSpec *o = &specs[k];
    void *v = (char *)r + o->offset;
    if (o->deprecated) PetscCall(PetscOptionsDeprecated(o->deprecated, o->name, "0.2", NULL));
    switch (o->kind) {
    case 's': PetscCall(PetscOptionsString(o->name, o->help, o->where, v, v, TCAD_OPT_STR, NULL)); break;
    case 'r': PetscCall(PetscOptionsReal(o->name, o->help, o->where, *(PetscReal *)v, v, NULL)); break;
    case 'i': PetscCall(PetscOptionsInt(o->name, o->help, o->where, *(PetscInt *)v, v, NULL)); break;
    default: PetscCall(PetscOptionsBool(o->name, o->help, o->where, *(PetscBool *)v, v, NULL)); break;
    }
  }
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/* Each numeric or true/false option's text, before PETSc converts it (its own error names
 * neither the option nor the fix). */
static int check_text(void)
{
  for (int k = 0; k < TCAD_NOPTS; k++) {
    const TcadOptionSpec *o = &specs[k];
    if (o->kind == 's') continue;
    char buf[256] = "";
    PetscBool set = PETSC_FALSE;
    TCAD_PETSC_CALL(PetscOptionsGetString(NULL, NULL, o->name, buf, sizeof buf, &set));
    if (!set) continue;
    char *end = NULL;
    if (o->kind == 'b') {
      static const char *const ok[] = {"", "1", "0", "true", "false", "yes", "no", "on", "off", "TRUE", "FALSE", NULL};
      int good = 0;
      for (int i = 0; ok[i] && !good; i++) good = !strcmp(buf, ok[i]);
      if (!good) return tcad_error(TCAD_ERR_INPUT, "%s %s: expected true or false", o->name, buf);
      continue;
    }
    if (!buf[0])
      return tcad_error(TCAD_ERR_INPUT, "%s: needs a number (e.g. %s %s)", o->name, o->name,
                        o->kind == 'i' ? "100" : "0.1");
    if (o->kind == 'i')
      (void)strtol(buf, &end, 10);
    else
      (void)strtod(buf, &end);
    if (end == buf || *end)
      return tcad_error(TCAD_ERR_INPUT, "%s %s: not %s (e.g. %s %s)", o->name, buf,
                        o->kind == 'i' ? "a whole number" : "a number", o->name, o->kind == 'i' ? "100" : "0.1");
  }
  return 0;
}

/* The numbers against their limits. */
static int check_numbers(const Raw *r)
{
  for (int k = 0; k < TCAD_NOPTS; k++) {
    const TcadOptionSpec *o = &specs[k];
    const void *v = (const char *)r + o->offset;
    if (o->kind == 'i' && *(const PetscInt *)v < (PetscInt)o->lo)
      return tcad_error(TCAD_ERR_INPUT, "%s %d: must be at least %d", o->name, (int)*(const PetscInt *)v, (int)o->lo);
    if (o->kind == 'r') {
      const double x = *(const PetscReal *)v;
      if (!(x > o->lo || (o->zero_ok && x == 0)))
        return tcad_error(TCAD_ERR_INPUT, "%s %g: must be %s", o->name, x, o->zero_ok ? "at least 0" : "positive");
    }
  }
  if (!(r->rtol < 1)) return tcad_error(TCAD_ERR_INPUT, "-tcad_linear_rtol %g: must be in (0, 1)", (double)r->rtol);
  return 0;
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
  Raw r = {.backend = "auto", .transport = "deck", .linear = "auto", .scale = "rowcol"};
  r.damp_volts = 0.25, r.update_tol = 1e-9, r.density_growth = 10.0, r.temperature_growth = 3.0, r.residual_tol = 0;
  r.rtol = 1e-10, r.true_tol = 1e-8, r.hf_floor = TCAD_ASM_DEFAULT_HF_FLOOR, r.qf_floor = TCAD_ASM_DEFAULT_QF_FLOOR;
  r.relax_floor = TCAD_ASM_DEFAULT_RELAX_FLOOR, r.joule_smooth = TCAD_DEFAULT_JOULE_SMOOTH;
  r.max_it = 2000, r.restart = 30, r.check = 5, r.stall = 300;
  r.monitor = PETSC_FALSE, r.eq_bias = PETSC_TRUE, r.extrapolate = PETSC_TRUE, r.cpu_fallback = PETSC_TRUE;
  r.cudss_fallback = PETSC_TRUE;
  r.trace = PETSC_FALSE;
  TCAD_CALL(check_text());
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
  static const char *linears[] = {"direct", "krylov", "ilu-bicgstab", "ilu-gmres", "cudss", "auto", "off"};
  TCAD_CALL(pick("-tcad_linear", r.linear, linears, 7, "auto, direct, krylov, ilu-bicgstab, ilu-gmres or cudss", &k));
  o->lin.kind = k == 6 ? TCAD_LINEAR_DIRECT : k;
  static const char *scales[] = {"none", "row", "rowcol"};
  TCAD_CALL(pick("-tcad_linear_scale", r.scale, scales, 3, "rowcol (default), row or none", &k));
  o->lin.scale = k == 0 ? TCAD_LIN_SCALE_NONE : k == 1 ? TCAD_LIN_SCALE_ROW : TCAD_LIN_SCALE_ROWCOL;
  TCAD_CALL(check_numbers(&r));
  o->damp_volts = r.damp_volts, o->update_tol = r.update_tol, o->density_growth = r.density_growth;
  o->temperature_growth = r.temperature_growth, o->residual_tol = r.residual_tol;
  o->newton_monitor = r.monitor, o->equilibrium_bias = r.eq_bias, o->extrapolate = r.extrapolate;
  o->lin.rtol = r.rtol, o->lin.true_tol = r.true_tol, o->lin.max_it = (int)r.max_it, o->lin.restart = (int)r.restart;
  o->lin.check = (int)r.check, o->lin.stall = (int)r.stall, o->lin.cpu_fallback = r.cpu_fallback;
  o->lin.cudss_fallback = r.cudss_fallback;
  o->hf_floor = r.hf_floor, o->qf_floor = r.qf_floor, o->relax_floor = r.relax_floor;
  o->joule_smooth = r.joule_smooth;
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
