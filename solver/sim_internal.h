/* TcadSim internals, shared by the files of solver/. */
#ifndef TCAD_SOLVER_SIM_INTERNAL_H
#define TCAD_SOLVER_SIM_INTERNAL_H
#include <petscsnes.h>

#include "kernels/assemble.h"
#include "kernels/cuda.h"
#include "solver/linear.h"
#include "tcad/sim.h"

typedef struct TcadIVTable TcadIVTable;

typedef struct {
  char name[TCAD_NAME_MAX];
  int type;       /* TCAD_CONTACT_* */
  int mesh_index; /* into mesh->contacts */
  double voltage; /* applied now, V */
  double psi_offset; /* gate: ψ = V − Φ_ms, psi_offset = −Φ_ms; ohmic: 0 */
  double cur[3];  /* electron, hole, total current into the device */
  double energy[2]; /* electron, hole energy flow into the device, W (per depth^(3-d)) */
} TcadSimContact;

struct TcadSim {
  const TcadDeck *deck;
  const TcadMesh *mesh;
  const TcadGeometry *geom;
  int nnodes, dim;
  int bs;           /* unknowns per node (kernels/asm.h): 3 DD, 4 or 5 energy balance */
  double tauw[2];   /* energy relaxation times of the material, s (D.p.tauw is ramped from them) */
  double T, vt, nie, C0;
  const TcadMaterial *semi; /* the semiconductor material */
  /* doping */
  double *donors, *acceptors;
  /* kernel data (owned arrays) */
  TcadAsmData D;
  double *edge_eps, *edge_mu0, *node_vsemi, *node_fixed, *node_tau, *bc_value;
  unsigned char *edge_semi, *node_semi, *node_bc;
  int *edge_base, *row_start, *row_len, *node_diag;
  int *node_edge_start, *node_edges; /* node → incident edges (row-wise assembly) */
  int *rowptr, *col; /* scalar CSR pattern, bs*nnodes rows */
  int nnz;
  double *cflux;     /* TCAD_ASM_NCFLUX per node: contact particle currents and energy flows */
  double *fwork;     /* scratch residual */
  double round_tol;   /* converged when every |residual| < round_tol × its term size */
  double last_relres; /* largest |residual| / term size at the last iterate */
  double *fmag;      /* bs per node: size of the terms of the last residual (rounding scale) */
  /* contacts */
  int ncontacts;
  TcadSimContact *contacts;
  int *node_contact; /* contact index per node, -1 */
  /* PETSc */
  SNES snes;
  Vec X, R;
  Mat J;
  /* backend (backend.c) */
  int backend;        /* TCAD_BACKEND_* */
  TcadCudaAsm *cuda;   /* device data (CUDA backend) */
  Mat Jshell;         /* MATSHELL over the device Jacobian */
  TcadLinSolver *lin; /* the GPU linear-solver pipeline (-tcad_gpu_solver), NULL when off */
  TcadCudaTimes ctimes;
  double t_copy_acc;  /* Jacobian device → host seconds inside the current solve */
  /* Newton controls (-tcad_* options) */
  double damp_volts, update_tol, grow_limit, tgrow_limit;
  int max_it, monitor;
  int eq_bias;        /* solve bias points with every ohmic contact at one voltage as equilibrium */
  int extrapolate;    /* guess a bias point from the last two (else: the last one) */
  double last_update, prev_update; /* scaled Newton updates of the last two steps */
  int limited;        /* the last step was changed by the limiter */
  /* bookkeeping */
  TcadSolveStats last;
  TcadSimTotals totals;
  double t_asm_acc;  /* assembly seconds inside the current solve */
  int npoints;
  /* output */
  TcadOutput *out;
  TcadIVTable *iv;
  char (*iv_names)[TCAD_NAME_MAX + 8];
  const char **iv_colnames, **iv_units;
  int iv_ncol;
  int quiet;
  int eq_done;
};

/* Residual (and Jacobian, contact fluxes, term sizes when not NULL) with the sim's backend. */
int tcad_sim_assemble(TcadSim *s, const double *x, double *f, double *jac, double *cflux, double *fmag);
void tcad_sim_backend_destroy(TcadSim *s);
/* Boundary values at contact nodes from the contacts' voltages. */
void tcad_sim_update_bc(TcadSim *s);
/* Newton on the current state (s->X) in s->D.p.mode; on failure s->X is restored. Returns 0
 * (converged or not: see st->converged) or an error code for PETSc failures. */
int tcad_sim_newton(TcadSim *s, TcadSolveStats *st);
/* Residual at the current state, refreshing the contact currents. */
int tcad_sim_currents(TcadSim *s);
int tcad_sim_setup_snes(TcadSim *s);
/* Record the current state as a converged bias point (progress line, fields, IV row). */
int tcad_sim_record(TcadSim *s, const char *what);
#endif
