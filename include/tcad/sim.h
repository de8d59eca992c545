/* The drift-diffusion device simulation: unknowns, contacts, PETSc SNES Newton, bias steps
 * and sweeps, derived fields and terminal currents. A TcadSim borrows the deck, mesh and
 * geometry (they must outlive it). */
#ifndef TCAD_SIM_H
#define TCAD_SIM_H
#include "tcad/clock.h"
#include "tcad/deck.h"
#include "tcad/geometry.h"
#include "tcad/mesh.h"
#include "tcad/options.h"
#include "tcad/output.h"

typedef struct TcadSim TcadSim;

/* Statistics of one nonlinear solve (one bias point, or one failed attempt). */
typedef struct {
  int converged;
  int iterations; /* Newton iterations */
  /* of them, those of the passes after the first (solved again from the converged state while a
   * parameter that depends on the solution, the floor gate or impact ionization's current
   * directions, is not yet its own): not a sign of a hard step */
  int repeat_its;
  int linear_its; /* Krylov iterations summed over the Newton steps (1 per step for LU) */
  double fnorm;   /* final scaled residual 2-norm */
  double update;  /* final scaled update (max over nodes of |Δψ|/V_T and |Δn|/n) */
  double seconds, t_assembly, t_linear;
  double t_copy; /* Jacobian device → host copy for the CPU linear solver (CUDA backend) */
  int nhist;
  double hist[64]; /* residual norm per iteration (first nhist) */
  char reason[64]; /* PETSc's SNES converged reason */
  int equilibrium; /* solved as equilibrium (every ohmic contact at one voltage; "e" in progress lines) */
  int fallback;    /* energy balance reached through a DD solve at this bias ("d" in progress lines) or
                        that and a τ_w ramp ("r"); 0: directly */
} TcadSolveStats;

/* Cumulated over a run. */
typedef struct {
  int points, solves, failures, newton_its, linear_its;
  int final_failures; /* failures no smaller step could retry: each stopped its solve step */
  double t_assembly, t_linear, t_total, t_output;
  double t_copy; /* Jacobian device → host copies (CUDA backend; part of t_assembly) */
  /* CUDA backend, seconds: state and contact values up, residual (and fluxes) down, the assembly
   * kernel, the Newton MATSHELL's products (vectors up and down included) */
  double t_upload, t_download, t_kernel, t_matmult;
  double t_injection; /* the hot-carrier gate current's evaluation (solver/gatecurrent.c) */
} TcadSimTotals;

/* The backend for a request (TcadOptions.backend: -1 automatic, TCAD_BACKEND_HOST or
 * TCAD_BACKEND_CUDA; -tcad_backend): cuda when asked for or, automatically, when a CUDA device is
 * present. `why` (may be NULL) gets a line saying which and why. Returns 0, or TCAD_ERR_CUDA when
 * cuda is asked for and cannot be had. */
int TcadSimGetDefaultBackend(int requested, int *backend, char *why, size_t n);
int TcadSimGetBackend(const TcadSim *sim);
/* One summary line of the linear-solver pipeline (-tcad_linear ilu-*|cudss) into buf; returns 0
 * (and leaves buf alone) when the pipeline is off. */
int TcadSimGetLinearSummary(const TcadSim *sim, char *buf, size_t n);
/* Switch the backend (the device data is uploaded on the first switch to CUDA). */
int TcadSimSetBackend(TcadSim *sim, int backend);

int TcadSimCreate(const TcadDeck *deck, const TcadMesh *mesh, const TcadGeometry *geom, TcadSim **sim);
void TcadSimDestroy(TcadSim **sim);
/* Where converged bias points go: the field series (may be NULL) and the IV CSV path (may be
 * NULL). Progress lines go to stdout unless quiet. */
int TcadSimSetOutput(TcadSim *sim, TcadOutput *out, const char *iv_csv, int quiet);
/* tcad run --resume (solver/resume.c): restore the state, the contact drives and the run's
 * place in its deck from the last point saved in `out` (reopened with TcadOutputReopen), or from
 * the last point before the breakdown step that point was in. *keep: the steps of `out` to keep
 * (the caller truncates the file to them; 0: nothing to continue, run from the start). Then
 * TcadSimSetOutput, TcadSimResumeTable with the saved IV rows of the kept points
 * (keep - 1 rows: the mesh step has none), and TcadSimRunDeck goes on from there. */
int TcadSimResume(TcadSim *sim, TcadOutput *out, int *keep);
int TcadSimResumeTable(TcadSim *sim, const double *rows, int nrows, int ncols);
/* The output folder: where a deck's `save` step writes (NULL: the working directory). */
int TcadSimSetOutputDir(TcadSim *sim, const char *dir);
/* Where the output and the IV table go once the first bias point is on disk, when they are
 * opened under staging names (an earlier run's results in the folder stay until then): after
 * that point the sim moves them there (TcadOutputMove, TcadIVTableMove). */
int TcadSimSetOutputFinal(TcadSim *sim, const char *h5, const char *xdmf, const char *iv_csv);
/* 1 once the staged output has been moved to its final names (or none was staged). */
int TcadSimOutputCommitted(const TcadSim *sim);

/* The equilibrium solve (nonlinear Poisson, all contacts at 0 V), recorded as a bias point. */
int TcadSimSolveEquilibrium(TcadSim *sim);
/* Move the given contacts to the given voltages (from wherever they are now), cutting the step
 * on failure; only the end point is recorded. */
int TcadSimBias(TcadSim *sim, int ncontacts, const int *contact, const double *volts);
/* Sweep the given contacts linearly to the end voltages, recording every converged point.
 * `step` is the voltage step of the contact that moves most; min_step/max_step bound the
 * adaptive step (0: step/256 and step). */
int TcadSimSweep(TcadSim *sim, int ncontacts, const int *contact, const double *volts, double step, double min_step,
                 double max_step);
/* Drive contact c in current (into the device; A/cm^2 1D, A/cm 2D, A 3D): from its present
 * current to `current` in steps of u = asinh(I/I_ref) (logarithmic in |I|, `step` etc. in decades;
 * 0: a quarter decade, step/256, step). Needs a contact prepared for it: a deck whose contact has
 * `current` or `resistance`, or a sweep in current or a breakdown step on it. Bias: only the end
 * point is recorded; Sweep: every point. */
int TcadSimBiasCurrent(TcadSim *sim, int c, double current);
int TcadSimSweepCurrent(TcadSim *sim, int c, double current, double step, double min_step, double max_step);
/* Run the deck's solve list (an equilibrium solve always comes first). */
int TcadSimRunDeck(TcadSim *sim);

int TcadSimGetContactCount(const TcadSim *sim);
const char *TcadSimGetContactName(const TcadSim *sim, int c);
int TcadSimFindContact(const TcadSim *sim, const char *name);
double TcadSimGetContactVoltage(const TcadSim *sim, int c);
/* The terminal voltage of contact c: its voltage plus the drop on its series resistance. */
double TcadSimGetContactApplied(const TcadSim *sim, int c);
/* Current into the device through contact c: electron, hole, total. Units: A/cm^2 in 1D,
 * A/cm (per unit depth) in 2D, A in 3D. */
void TcadSimGetContactCurrent(const TcadSim *sim, int c, double cur[3]);
const char *TcadSimGetCurrentUnit(const TcadSim *sim);

/* The current solution, physical units (arrays of nnodes): ψ (V, from the intrinsic level),
 * n, p (cm^-3). Any pointer may be NULL. */
void TcadSimGetSolution(const TcadSim *sim, double *psi, double *n, double *p);
/* Derived node fields of the current solution (arrays of nnodes, vectors 3 per node):
 * quasi-Fermi potentials (V), |E| (V/cm), current densities (A/cm^2), net recombination
 * (cm^-3 s^-1). Any pointer may be NULL. */
int TcadSimGetDerivedFields(const TcadSim *sim, double *phin, double *phip, double *efield, double *jn, double *jp,
                            double *recomb);
/* Energy-balance fields of the current solution (arrays of nnodes, vectors 3 per node): carrier
 * temperatures (K; T_L where a carrier has no temperature equation), drift velocities (cm/s)
 * and energy flux densities (W/cm^2). Any pointer may be NULL. */
int TcadSimGetEnergyFields(const TcadSim *sim, double *tn, double *tp, double *vn, double *vp, double *sn, double *sp);
/* Impact-ionization generation of the current solution (arrays of nnodes, may be NULL): the
 * pairs per cm³ and s made by electrons (gn) and by holes (gp), the rates the residual holds
 * (kernels/asm.h tcad_asm_edge_impact), and *current (may be NULL) = q ∫ (G_n + G_p) dV, the
 * avalanche generation current in the contact current unit (TcadSimGetCurrentUnit). All 0 with
 * impact ionization off or before the coupled solve. */
int TcadSimGetImpactGeneration(const TcadSim *sim, double *gn, double *gp, double *current);
/* The avalanche current of each contact (iaval[ncontacts], contact current unit, the sign of the
 * contact currents): q Σ_i (u_c,i − v_c,i) G_i with u_c, v_c the probabilities that an electron,
 * a hole at node i leaves through contact c (solver/avalanche.c); Σ_c = 0. All 0 with impact
 * ionization off, before the coupled solve, and for a contact that is not ohmic. */
int TcadSimGetContactAvalanche(const TcadSim *sim, double *iaval);
/* Ionization integrals of the current solution (solver/ionization.c): the electron- and
 * hole-initiated integrals along the field path of largest ionization, from the nodes of
 * highest field; avalanche breakdown where they reach 1. *start (may be NULL): that path's start
 * node. With the deck's impact-ionization model (van Overstraeten–de Man when none is given). */
int TcadSimGetIonizationIntegrals(const TcadSim *sim, double *In, double *Ip, int *start);
/* Write the run's figures to `path` as JSON (solver/summary.c; keys in docs/output.md): status
 * (0 ok, else error), transport, cost (bias points, Newton solves and iterations, wall time
 * `wall` s), and with impact ionization the ionization-integral and breakdown voltages. */
int TcadSimWriteSummary(const TcadSim *sim, const char *path, int status, double wall);
/* Power balance of the current solution, electrons [0] and holes [1], W (per depth^(3-d)):
 * Joule power Σ_edges A J (ψ_i − ψ_j) plus the heating of the relaxation floor c_f (kernels/asm.h
 * tcad_asm_floor_heat); relaxation power Σ V (3/2) k (c + c_f)(T − T_L)/τ_w and
 * recombination energy Σ V (3/2) k T R over the nodes with a temperature equation (less the
 * (3/2) k T G of impact ionization, kernels/asm.h tcad_asm_gen_energy); energy
 * flowing into the device through the ohmic contacts (from the last residual, see
 * TcadSimGetContactEnergy). In steady state joule + contacts = relax + recomb per carrier. */
int TcadSimGetEnergyBudget(const TcadSim *sim, double joule[2], double relax[2], double recomb[2], double contacts[2]);
/* Energy flowing into the device through contact c (electrons, holes), W (per depth^(3-d)). */
void TcadSimGetContactEnergy(const TcadSim *sim, int c, double w[2]);
int TcadSimGetNodeCount(const TcadSim *sim);
/* Unknowns per node: 3 (drift-diffusion), 4 (electron temperature), 5 (both temperatures). */
int TcadSimGetBlockSize(const TcadSim *sim);
/* 1 when the temperature equations are on (energy-balance transport, after the DD start). */
int TcadSimGetEnergyBalance(const TcadSim *sim);
const TcadSolveStats *TcadSimGetLastSolve(const TcadSim *sim);
const TcadSimTotals *TcadSimGetTotals(const TcadSim *sim);
/* Intrinsic density and thermal voltage in use. */
double TcadSimGetNi(const TcadSim *sim);
double TcadSimGetVt(const TcadSim *sim);

/* Testing hooks: evaluate the scaled residual (bs per node) and the Jacobian values for a scaled
 * state vector x in mode TCAD_ASM_EQUILIBRIUM/COUPLED; the CSR arrays describe the pattern. */
int TcadSimEvaluate(TcadSim *sim, int mode, const double *x, double *f, double *jac);
int TcadSimGetPattern(const TcadSim *sim, int *nrows, const int **rowptr, const int **col);
/* Scaled state of the current solution (bs per node); writable (for tests). */
double *TcadSimGetState(TcadSim *sim);
int TcadSimSetMode(TcadSim *sim, int mode);
/* Switch the temperature equations on or off (energy-balance layouts only), with the
 * relaxation times scaled by tauw_factor (1: the material's). Returns an error for bs = 3. */
int TcadSimSetEnergy(TcadSim *sim, int on, double tauw_factor);
#endif
