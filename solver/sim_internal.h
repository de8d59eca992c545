/* TcadSim internals, shared by the files of solver/:
 *   sim.c          creation (materials, scaling, the parameters of the assembly), destruction
 *   coefficients.c the per-node and per-edge coefficients of the equations (doping, volumes,
 *                  lifetimes, permittivity, mobility, interface charge)
 *   pattern.c      the Jacobian's block pattern, the edge → slot map, node → edge incidence
 *   contacts.c     contacts: binding to the mesh, boundary values, terminal currents, accessors
 *   access.c       the other accessors and the test hooks
 *   backend.c      host or CUDA assembly, the device Jacobian's MATSHELL
 *   newton.c       PETSc SNES: callbacks, update limiter, convergence test
 *   sweep.c        equilibrium, bias steps and sweeps, energy-balance fallbacks
 *   record.c       a converged bias point: progress line, fields, IV row
 *   fields.c       derived node fields and the energy budget (through the physics functions)
 *   options.c      the -tcad_* options
 *   linear*.c      the linear-solver pipeline (solver/linear.h) */
#ifndef TCAD_SOLVER_SIM_INTERNAL_H
#define TCAD_SOLVER_SIM_INTERNAL_H
#include <petscsnes.h>

#include "kernels/assemble.h"
#include "kernels/cuda.h"
#include "solver/linear.h"
#include "tcad/options.h"
#include "tcad/sim.h"

typedef struct TcadIVTable TcadIVTable;

enum { TCAD_DRIVE_VOLTAGE = 0, TCAD_DRIVE_CURRENT = 1 };

/* A contact is driven in voltage (its voltage fixed: Dirichlet rows, or through a series
 * resistance R: V + R I = V_applied) or in current (I = target). Voltage through a resistance
 * and current make the contact voltage an unknown: the ψ row of one contact node (the root)
 * holds that equation, the other nodes' ψ rows keep ψ_k − ψ_root at its equilibrium difference
 * (solver/contacts.c tcad_sim_drive_rows). Such a contact ("floating") has those couplings in
 * the Jacobian's pattern: its root row spans every node the contact current depends on. */
typedef struct {
  char name[TCAD_NAME_MAX];
  int type;          /* TCAD_CONTACT_* */
  int mesh_index;    /* into mesh->contacts */
  double voltage;    /* at the contact now, V (driven: the solution's) */
  double applied;    /* the drive in voltage: the terminal voltage beyond the series resistance, V */
  double resistance; /* series resistance, contact units (Ω·cm² 1D, Ω·cm 2D, Ω 3D) */
  int drive;         /* TCAD_DRIVE_* */
  double target;     /* the drive in current: the current into the device, contact units */
  int floating;      /* the pattern has the couplings of a driven contact (pattern.c) */
  int root;          /* the node whose ψ row holds the drive equation */
  int *slot;         /* per contact node, per block of its row: that block's position in the root row
                      * (offsets slot_start); then per contact node the root's position in its row */
  int *slot_start, *root_slot;
  double psi_offset; /* gate: ψ = V − Φ_ms, psi_offset = −Φ_ms; ohmic: 0 */
  double cur[3];     /* electron, hole, total current into the device (weight function, contacts.c) */
  /* the same summed at the contact's nodes: what a drive equation holds, and what the breakdown
   * step steers by (solver/breakdown.c) */
  double cur_node[3];
  double energy[2]; /* electron, hole energy flow into the device, W (per depth^(3-d)) */
} TcadSimContact;

#define TCAD_SWEEP_MAX_CONTACTS 64
/* A ramp of contact drives from v0 to v1 along t ∈ [0, 1] (voltages, or asinh(I/iref) for one
 * contact in current), on its grid t = k g (voltage ramps), with Newton's step dt; t, ta, tb
 * the last and the two converged points before (nhist of them known). What a resumed run
 * needs to go on exactly as the run it continues would have. */
typedef struct {
  int active, record, in_current, nc, nhist;
  int contact[TCAD_SWEEP_MAX_CONTACTS];
  double v0[TCAD_SWEEP_MAX_CONTACTS], v1[TCAD_SWEEP_MAX_CONTACTS], ends[TCAD_SWEEP_MAX_CONTACTS];
  double span, iref, g, t, dt, dtmin, dtmax, ta, tb;
} TcadRampState;

/* A run continued from a saved point (tcad run --resume): its solve entry, whether that entry
 * was finished, the ramp it was in and the converged state before the last one (NULL: none). */
typedef struct {
  int pending, solve_step, step_point, entry_done;
  TcadRampState ramp;
  double *xa;
} TcadResume;

typedef struct TcadGateInjection TcadGateInjection;

struct TcadSim {
  const TcadDeck *deck;
  const TcadMesh *mesh;
  const TcadGeometry *geom;
  TcadOptions opt; /* the -tcad_* options, read once at creation */
  int nnodes, dim;
  int bs;         /* unknowns per node (kernels/asm.h): 3 DD, 4 or 5 energy balance */
  double tauw[2]; /* energy relaxation times of the material, s (D.p.tauw is ramped from them) */
  double T, vt, nie, C0;
  const TcadMaterial *semi; /* the semiconductor material */
  double *donors, *acceptors;
  /* what the assembly sees: the arrays of TCAD_ASM_ARRAYS (the owned ones allocated and freed
   * here, the geometry's borrowed) and the parameters */
  TcadAsmData D;
  int *rowptr, *col; /* scalar CSR pattern, bs*nnodes rows */
  int nnz;
  double *cflux; /* TCAD_ASM_NCFLUX per node: contact particle currents and energy flows */
  /* weight functions of the terminal currents (solver/contacts.c): ncontacts × nnodes, w_c = 1 on
   * contact c's nodes, 0 on the other ohmic contacts; NULL until first needed */
  double *cweight;
  double *fwork;      /* scratch residual */
  double last_relres; /* largest |residual| / term size at the last iterate */
  double *fmag;       /* bs per node: size of the terms of the last residual (rounding scale) */
  /* contacts */
  int ncontacts;
  TcadSimContact *contacts;
  int *node_contact; /* contact index per node, -1 */
  int nfloating;     /* contacts with the couplings of a driven contact */
  double *drive_f;   /* scratch residual (bs per node) for the driven contacts' physical rows */
  double *drive_acc; /* scratch: the current's derivatives along the longest root row */
  /* PETSc */
  SNES snes;
  Vec X, R;
  Mat J;
  /* backend (backend.c) */
  int backend;        /* TCAD_BACKEND_* */
  TcadCudaAsm *cuda;  /* device data (CUDA backend) */
  Mat Jshell;         /* MATSHELL over the device Jacobian */
  TcadLinSolver *lin; /* the linear-solver pipeline (-tcad_linear ilu-*|cudss), NULL when off */
  TcadCudaTimes ctimes;
  double t_copy_acc; /* Jacobian device → host seconds inside the current solve */
  /* impact ionization: the current directions of the solution found last (compared with
   * D.edge_dir, solver/newton.c), and D.edge_dir changed since the device last had it */
  double *dir_new;
  int dir_dirty;
  int dir_set; /* D.edge_dir set for the next Newton solve (tcad_sim_impact_directions) */
  /* Newton state */
  double last_update, prev_update; /* scaled Newton updates of the last two steps */
  int limited;                     /* the last step was changed by the limiter */
  /* a solve whose point can still be cut stops once it makes no progress (solver/newton.c
   * converged): set by tcad_sim_try_point; the best |F| and update so far and the iteration of
   * the last improvement; whether the last solve stopped so */
  int stall_stop, stalled, best_it;
  double f0, best_f, best_upd;
  /* bookkeeping */
  TcadSolveStats last;
  TcadSimTotals totals;
  double t_asm_acc; /* assembly seconds inside the current solve */
  int npoints;
  int solve_step, step_point; /* the deck's solve entry making points (1-based; 0: the start), its points so far */
  TcadRampState ramp;         /* the ramp under way (solver/sweep.c), as of its last converged point */
  TcadResume resume;          /* what tcad run --resume restored (solver/resume.c) */
  int in_breakdown;           /* the points being made are a breakdown step's */
  int rec_last;               /* the point being recorded ends its solve step (node fields always) */
  char *outdir;               /* the output folder (a `save` step's file goes there), NULL: none */
  /* output */
  TcadOutput *out;
  TcadIVTable *iv;
  char (*iv_names)[TCAD_NAME_MAX + 8];
  const char **iv_colnames, **iv_units;
  int iv_ncol;
  /* hot-carrier monitor (solver/hotcarrier.c): the drain and substrate contacts (−1: off), and the
   * semiconductor edges on an insulator interface whose largest field is E_m */
  int hc_drain, hc_sub;
  int hc_sub_carrier; /* I_sub is the substrate contact's majority-carrier current: 1 holes (p-type), 0 electrons */
  int nem;
  int *em_i, *em_j;
  double *em_h;
  TcadGateInjection *inj;                 /* hot-carrier gate injection (solver/gatecurrent.c), NULL: off */
  char *final_h5, *final_xdmf, *final_iv; /* staged output's final names (NULL: none staged) */
  int quiet;
  int eq_done;
  /* breakdown (solver/breakdown.c): the stepped contact (−1: none), its voltage at the
   * criterion (NaN: not reached) and the criterion; the ionization-integral estimate
   * (solver/record.c): the first bias where II_n and II_p reach 1 (NaN: not reached), from the
   * last recorded point's integrals and the voltage of the contact being ramped */
  int bd_contact, bd_reached; /* bd_reached: the criterion current was reached */
  double bd_voltage, bd_current;
  int ramp_contact;
  /* a sweep in current (solver/sweep.c): the highest contact voltage in the direction of the
   * current (the trigger of a snapback) and the lowest after it, with their currents */
  int sb_contact, sb_points;
  double sb_vt, sb_it, sb_vh, sb_ih, sb_vlast;
  double ii_bv, ii_bv_n, ii_bv_p, ii_last, ii_last_p, ii_last_v;
};

/* coefficients.c: doping, the owned assembly arrays and their values (needs s->D sizes). */
int tcad_sim_coefficients(TcadSim *s);
/* pattern.c: the Jacobian pattern, block bases and incidence into s->rowptr, s->col, s->D. */
int tcad_sim_pattern(TcadSim *s);
/* the Newton steps' KSP as it is with no pipeline (LU, or -tcad_linear krylov), solver/newton.c */
int tcad_sim_ksp_default(TcadSim *s, KSP ksp);
/* tests: lower the largest Jacobian (nonzeros) the pattern accepts (default and ≥ INT_MAX: INT_MAX) */
void tcad_sim_set_index_limit(long long limit);
/* contacts.c: contacts from the mesh and the deck; boundary values from their voltages. */
int tcad_sim_contacts(TcadSim *s);
void tcad_sim_update_bc(TcadSim *s);
/* The point's solver state and resume record into the open output step (solver/resume.c). */
int tcad_sim_write_resume(TcadSim *s);
/* Open a step of s->out and write the point's fields, attributes and resume record into it
 * (solver/record.c; the caller finishes the step). */
int tcad_sim_write_fields(TcadSim *s, const char *label, int fields);
/* solver/hotcarrier.c: the monitor's contacts and interface edges (once, before the IV columns);
 * the largest field along a semiconductor/insulator interface (V/cm; NaN without one); the
 * substrate-current peak of each sweep of a gate contact (at most max), from the IV table. */
typedef struct {
  int solve_step, gate, points; /* the sweep's deck entry (1-based), its gate contact, its rows */
  double vd, vg, isub, ratio;   /* V_d, and at the peak V_g, |I_sub|, I_sub/I_d */
  int inside;                   /* the peak is inside the sweep (refined by a parabola), not an end */
} TcadIsubPeak;
/* Hu's lifetime at the worst-case bias point of the run, and at the reference bias (row −1: none) */
typedef struct {
  int row, ref_row;    /* IV table rows */
  double tau, tau_ref; /* s; NaN without C */
  double rel;          /* τ/τ_ref (C cancels); NaN without a reference row */
} TcadLifetime;
#define TCAD_HC_MAX_COLUMNS 5
int tcad_sim_hc_setup(TcadSim *s);
/* solver/gatecurrent.c: the hot-carrier gate current (physics.hot_carrier). Setup: the
 * semiconductor/insulator interface faces, each interface node's area share, oxide thickness and
 * gate, and each semiconductor node's nearest interface point; an error when the device has no
 * gate over an interface. Evaluate: the present state's injection per interface node (A per
 * depth unit of the device's currents) and their sum, the IV column I_g_hot; density: the
 * injection per area (A/cm^2) as a node field, 0 off the interface. */
int tcad_sim_gate_setup(TcadSim *s);
void tcad_sim_gate_free(TcadSim *s);
double tcad_sim_gate_current(TcadSim *s);
int tcad_sim_gate_density(TcadSim *s, double *field);
/* the injection model in use (physics.hot_carrier auto resolved): "lucky-electron" or "fiegna" */
const char *tcad_sim_gate_model(const TcadSim *s);
/* the IV table's column of that name, −1 when it has none */
int tcad_sim_iv_column(const TcadSim *s, const char *name);
/* the monitor's IV columns (I_sub/I_d; E_m with an interface; lifetime with C; Tn_max_interface
 * in energy balance with an interface): their count, names and units when not NULL */
int tcad_sim_hc_columns(const TcadSim *s, char (*names)[TCAD_NAME_MAX + 8], const char **units);
void tcad_sim_hc_row(TcadSim *s, double *row);
double tcad_sim_interface_field_max(const TcadSim *s);
int tcad_sim_isub_peaks(const TcadSim *s, TcadIsubPeak *peaks, int max);
int tcad_sim_lifetime(const TcadSim *s, TcadLifetime *lt);
/* The worst-case stress row of the IV table: the lifetime's with reliability.lifetime, else the
 * largest |I_sub| among the operating points (breakdown steps and sweeps in current left out);
 * −1: none */
int tcad_sim_hc_worst_row(const TcadSim *s);
/* The deck's `save` and `load` steps (solver/resume.c). */
int tcad_sim_save(TcadSim *s, const TcadSolveStep *st);
int tcad_sim_load(TcadSim *s, const TcadSolveStep *st);
/* 1 when contact c's voltage is an unknown now (current drive, or a series resistance) */
int tcad_sim_contact_driven(const TcadSim *s, int c);
/* Set contact c's drive: a terminal voltage (through its resistance, if any) or a current. */
void tcad_sim_drive_voltage(TcadSim *s, int c, double volts);
void tcad_sim_drive_current(TcadSim *s, int c, double current);
/* The drive equations of the driven contacts into f, jac and fmag (any may be NULL) after the
 * assembly, in the coupled mode; x is the scaled state. */
int tcad_sim_drive_rows(TcadSim *s, const double *x, double *f, double *jac, double *fmag);
/* After a converged solve: the driven contacts' voltages from the state, and their boundary
 * values from them. */
void tcad_sim_drive_sync(TcadSim *s);
/* Terminal currents and energy flows of the contacts at the scaled state x, after an assembly
 * that filled s->cflux: energy flows from the contact fluxes, particle currents through the
 * contacts' weight functions (coupled mode; solver/contacts.c). Returns 0 or a tcad error. */
int tcad_sim_contact_sums(TcadSim *s, const double *x);
/* Node matrices over the semiconductor edges (solver/contacts.c): create one preallocated (*nnz
 * freed by the caller), finish it (identity rows at the ohmic contacts and at nodes without a
 * semiconductor edge; assembled) with a KSP of `type`, its PC and two vectors, and contact c's
 * right-hand side (1 on its nodes). */
int tcad_sim_node_matrix(const TcadSim *s, Mat *A, PetscInt **nnz);
int tcad_sim_node_solver(const TcadSim *s, Mat A, const PetscInt *nnz, KSPType type, KSP *ksp, PC *pc, Vec *w, Vec *b);
int tcad_sim_contact_indicator(const TcadSim *s, int c, Vec b);
/* backend.c: residual (and Jacobian, contact fluxes, term sizes when not NULL) with the sim's
 * backend. */
int tcad_sim_assemble(TcadSim *s, const double *x, double *f, double *jac, double *cflux, double *fmag);
/* The same with the Jacobian's destination explicit: want_jac and jac NULL assembles it on the
 * device only (the CUDA backend with a device linear solver: no host copy). */
int tcad_sim_assemble_jacobian(TcadSim *s, const double *x, double *f, int want_jac, double *jac, double *cflux,
                               double *fmag);
void tcad_sim_backend_destroy(TcadSim *s);
/* newton.c: Newton on the current state (s->X) in s->D.p.mode; on failure s->X is restored.
 * Returns 0 (converged or not: see st->converged) or an error code for PETSc failures. */
int tcad_sim_newton(TcadSim *s, TcadSolveStats *st);
/* Impact ionization's current directions (TcadAsmData.edge_dir) from the scaled state x, a
 * converged solution, for the next Newton solve (which otherwise takes them from its starting
 * state, and solves again until they are the solution's own): a guess extrapolated from x
 * changes the majority carriers' net flows, 1e-12 of their one-way terms, beyond recognition. */
void tcad_sim_impact_directions(TcadSim *s, const double *x);
/* Residual at the current state, refreshing the contact currents. */
int tcad_sim_currents(TcadSim *s);
int tcad_sim_setup_snes(TcadSim *s);
/* record.c: record the current state as a converged bias point (progress line, fields, IV
 * row); the contacts' bias as "name=V ..." */
int tcad_sim_record(TcadSim *s, const char *what);
void tcad_sim_bias_label(const TcadSim *s, char *buf, size_t n);
/* sweep.c: a failed solve at the smallest step as an error that names the bias, the residual
 * history and what to try */
#define TCAD_DRIVE_TOL 1e-6       /* a driven contact's equation counts as met at this share of its size */
#define TCAD_DRIVE_ROUNDING 1e-14 /* the rounding of a contact current: of the one-way fluxes it sums */
#define TCAD_SWEEP_EASY_ITS 4     /* a step that converged in this many Newton iterations may grow */
#define TCAD_SWEEP_GROW 1.5
#define TCAD_LN10 2.302585092994046 /* a decade in ln */
/* sweep.c: one bias point from the guess in the state (equilibrium shortcut, energy-balance
 * fallback when last_resort); the initial guess x at a = (t − t_b)/(t_b − t_a) from the states
 * xa at t_a and xb at t_b. */
int tcad_sim_solve_point(TcadSim *s, TcadSolveStats *st, int last_resort);
void tcad_sim_extrapolate(const TcadSim *s, const double *xa, const double *xb, double a, double *x);
/* One point of a ramp from the converged states xa (NULL: only xb) and xb: the guess
 * (tcad_sim_extrapolate at a, or xb), the solve; on failure the state is xb again. */
int tcad_sim_try_point(TcadSim *s, const double *xa, const double *xb, double a, int last_resort, TcadSolveStats *st);
/* breakdown.c: the `breakdown` solve step */
int tcad_sim_breakdown(TcadSim *s, const TcadSolveStep *st, int contact);
int tcad_sim_no_convergence(TcadSim *s, const char *what, const TcadSolveStats *st, double step);
#endif
