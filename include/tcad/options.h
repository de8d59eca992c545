/* Every -tcad_* option, in one struct read in one place (solver/options.c): registered with PETSc
 * in a PetscOptionsBegin block with help text and defaults (so `tcad run deck.yaml -help` lists
 * them), each value checked with a message that names the option and the values it takes. */
#ifndef TCAD_OPTIONS_H
#define TCAD_OPTIONS_H

/* Where residual and Jacobian are assembled. */
enum { TCAD_BACKEND_HOST = 0, TCAD_BACKEND_CUDA = 1 };
/* The linear solver of each Newton step (-tcad_linear). */
typedef enum {
  TCAD_LINEAR_DIRECT = 0,       /* PETSc LU (MUMPS) on the host */
  TCAD_LINEAR_KRYLOV = 1,       /* PETSc GMRES(200) + ILU(2), diagonally scaled */
  TCAD_LINEAR_ILU_BICGSTAB = 2, /* the pipeline (solver/linear.c): ILU(0) + BiCGSTAB, device or host engine */
  TCAD_LINEAR_ILU_GMRES = 3,    /* the pipeline with restarted GMRES */
  TCAD_LINEAR_CUDSS = 4,        /* the pipeline with cuDSS (CUDA backend) */
  TCAD_LINEAR_AUTO = 5          /* cudss on the CUDA backend when its library loads, else direct */
} TcadLinearKind;

/* The pipeline's settings (-tcad_linear_*). */
typedef struct {
  int kind;        /* TcadLinearKind */
  int scale;       /* TCAD_LIN_SCALE_NONE | ROW | ROWCOL (kernels/linalg/linear.h) */
  double rtol;     /* Krylov relative tolerance */
  double true_tol; /* the recomputed true residual every answer must meet */
  int max_it, restart, check, stall;
  int cpu_fallback;   /* MUMPS on the host when every pipeline solver fails */
  int cudss_fallback; /* (CUDA) cuDSS after the Krylov attempts, when its library loads */
} TcadLinearOptions;

typedef struct {
  int backend;   /* -1: CUDA when a device is present, else TCAD_BACKEND_HOST | TCAD_BACKEND_CUDA */
  int transport; /* -1: the deck's; else TCAD_TRANSPORT_* (include/tcad/deck.h) */
  /* Newton (solver/newton.c) */
  double damp_volts, update_tol, density_growth, temperature_growth, residual_tol;
  int newton_monitor, equilibrium_bias, extrapolate;
  TcadLinearOptions lin;
  /* model constants of the assembly (kernels/asm_data.h, TcadAsmParams) */
  double hf_floor, qf_floor, relax_floor, joule_smooth;
  int trace; /* print the error trace for every error (the CLI) */
} TcadOptions;

/* Read and check every -tcad_* option (defaults for those not given). With -help, PETSc prints
 * each with its help text and default. Returns 0 or TCAD_ERR_INPUT naming the option. */
int TcadOptionsRead(TcadOptions *o);
/* Print one warning line on stderr for each option given on the command line that nothing read
 * (a misspelling such as -snes_monitr); returns how many. */
int TcadOptionsWarnUnused(void);
#endif
