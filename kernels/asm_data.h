/* What the assembly of the device equations sees: a small parameter struct and flat arrays
 * (kernels/asm.h reads them; the host loops and the CUDA kernels run the same bodies).
 *
 * Every per-edge and per-node array is listed once, in TCAD_ASM_ARRAYS: the struct fields, the
 * solver's allocation and release (solver/sim.c), the device upload, release and byte count
 * (kernels/assemble_cuda.cu) all expand that list, so adding an array is one line there. */
#ifndef TCAD_KERNELS_ASM_DATA_H
#define TCAD_KERNELS_ASM_DATA_H
#include <stddef.h>

#include "kernels/physics/impact.h"
#include "kernels/physics/recombination.h"

#define TCAD_ASM_MAXBS 5
enum { TCAD_ASM_EQUILIBRIUM = 0, TCAD_ASM_COUPLED = 1 };
enum { TCAD_BC_NONE = 0, TCAD_BC_OHMIC = 1, TCAD_BC_GATE = 2 };
/* high-field mobility: in drift-diffusion driven by the quasi-Fermi gradient; with the
 * temperature equations on, any of them means Hänsch's carrier-temperature law */
enum { TCAD_ASM_HF_NONE = 0, TCAD_ASM_HF_CANALI = 1, TCAD_ASM_HF_HANSCH = 2 };
/* the drift-diffusion driving force (kernels/physics/driving_force.h): F² ≈ E·∇φ (Joule, the
 * default), the quasi-Fermi gradient, or the field parallel to the current */
enum { TCAD_ASM_DF_JOULE = 0, TCAD_ASM_DF_QUASI_FERMI = 1, TCAD_ASM_DF_FIELD = 2 };

/* Defaults of the model constants below (each overridable, solver/options.c). */
#define TCAD_ASM_DEFAULT_HF_FLOOR 10.0    /* V/cm */
#define TCAD_ASM_DEFAULT_QF_FLOOR 1e-2    /* × n_i */
#define TCAD_ASM_DEFAULT_RELAX_FLOOR 1e-2 /* × n_i */

typedef struct {
  int mode;      /* TCAD_ASM_EQUILIBRIUM: n, p follow ψ (Boltzmann, Fermi level efermi) */
  double efermi; /* equilibrium mode: the Fermi potential, V (the common ohmic-contact voltage) */
  double vt;     /* kT/q, V */
  double nie;    /* intrinsic density, cm^-3 */
  int hf;        /* TCAD_ASM_HF_*: Canali or the Hänsch field law (DD); Hänsch in T (energy on) */
  double vsat[2], beta[2];
  int df;             /* TCAD_ASM_DF_*: what G below is */
  double sign_smooth; /* ε of the smooth current sign (field) */
  double dir_smooth; /* ε of the current's direction that impact ionization uses (edge_dir, tcad_asm_flux_direction) */
  double joule_smooth; /* ε of the gradient ratio of the Joule force (kernels/physics/driving_force.h) */
  /* The high-field driving force is F = sqrt(G² + F0²) − F0 with G the driving force of df along
   * the edge (kernels/physics/driving_force.h) and F0 = hf_floor (V/cm): Canali's factor is not smooth at G = 0 for β near 1
   * (dμ/dG ∝ G^(β−1)), which stalls Newton where no current flows; 10 V/cm moves μ by less than
   * 1e-3 of itself. */
  double hf_floor;
  /* The quasi-Fermi potential that drives it uses the density plus qf_floor n_i: where the
   * carrier conducts φ is exact; far below the floor (depleted regions) its gradient becomes the
   * field. Without a floor φ swings by volts between iterates and V_T/n puts entries of 1e200
   * into the Jacobian (docs/dev-notes.md, "quasi-Fermi floor"). */
  double qf_floor;
  TcadRecombination rec; /* models and constants of the net recombination */
  /* impact ionization (kernels/asm.h tcad_asm_edge_impact): on/off and the electron and hole
   * coefficients at T_L; driven by the drift-diffusion driving force of df, or, for a carrier
   * with a temperature equation, by the effective field of its temperature */
  int impact;
  TcadImpactCoef ii[2];
  int energy;                    /* carrier temperature equations on (bs > 3); off: the T rows hold T = T_L */
  double TL;                     /* lattice temperature, K */
  double tauw[2];                /* energy relaxation times τ_wn, τ_wp at T_L, s */
  double tauw_t1[2], tauw_t2[2]; /* their temperature dependence (kernels/physics/energy.h tcad_tauw) */
  double relax_floor;            /* relaxing density floor in the energy balance, × n_i (tcad_eb_relaxation) */
  double floor_gate;             /* its heating's gate, 0..1 (tcad_eb_floor_gate; set per solve, solver/newton.c) */
  /* 1: ohmic contact nodes keep their physical rows (no Dirichlet rows): the host evaluates a
   * driven contact's rows so (solver/contacts.c tcad_sim_drive_rows); 0 in every assembly */
  int contact_raw;
  double sv[TCAD_ASM_MAXBS]; /* variable scales: ψ, n, p, T_n, T_p */
  double se[TCAD_ASM_MAXBS]; /* equation scales: Poisson, electrons, holes, electron and hole energy */
} TcadAsmParams;

/* How many elements an array has: per region-edge, per node, per node + 1, per edge incidence
 * (each edge at both of its nodes: 2 × edges), per unknown (bs × nodes); times `mult`. */
enum { TCAD_PER_EDGE, TCAD_PER_NODE, TCAD_PER_NODE1, TCAD_PER_INCIDENCE, TCAD_PER_UNKNOWN };

/* X(type, name, per, mult, owned): owned 1: the solver allocates and frees it; 0: it is the
 * mesh geometry's (borrowed). Region-edges: an edge in two regions appears twice, once with each
 * region's permittivity and coupling. */
#define TCAD_ASM_ARRAYS(X)                                                                                             \
  X(const int, edge_i, TCAD_PER_EDGE, 1, 0)           /* first node */                                                 \
  X(const int, edge_j, TCAD_PER_EDGE, 1, 0)           /* second node */                                                \
  X(const double, edge_coupling, TCAD_PER_EDGE, 1, 0) /* A/h, cm^(d-2) */                                              \
  X(const double, edge_length, TCAD_PER_EDGE, 1, 0)   /* h, cm */                                                      \
  X(double, edge_eps, TCAD_PER_EDGE, 1, 1)            /* permittivity of the edge's region, F/cm */                    \
  X(unsigned char, edge_semi, TCAD_PER_EDGE, 1, 1)    /* 1: semiconductor region (carries current) */                  \
  X(double, edge_mu0, TCAD_PER_EDGE, 2, 1)            /* low-field μ_n, μ_p, cm²/Vs */                              \
  X(int, edge_base, TCAD_PER_EDGE, 4, 1)              /* bases of blocks (i,i), (i,j), (j,i), (j,j) */                 \
  X(int, node_edge_start, TCAD_PER_NODE1, 1, 1)       /* node i's edges: node_edges[start[i]..start[i+1]) */           \
  X(int, node_edges, TCAD_PER_INCIDENCE, 1, 1)        /* ... ascending */                                              \
  X(int, row_start, TCAD_PER_NODE, 1, 1)              /* value offset of scalar row bs·i */                           \
  X(int, row_len, TCAD_PER_NODE, 1, 1)                /* entries per scalar row of block row i */                      \
  X(int, node_diag, TCAD_PER_NODE, 1, 1)              /* base of block (i,i) */                                        \
  X(unsigned char, node_semi, TCAD_PER_NODE, 1, 1)    /* 1: carriers exist here */                                     \
  X(double, node_vsemi, TCAD_PER_NODE, 1, 1)          /* semiconductor control volume, cm^d */                         \
  X(double, node_fixed, TCAD_PER_NODE, 1, 1)          /* doping and interface charge, C (per depth^(3-d)) */           \
  X(double, node_tau, TCAD_PER_NODE, 2, 1)            /* SRH τ_n, τ_p, s */                                          \
  X(unsigned char, node_bc, TCAD_PER_NODE, 1, 1)      /* TCAD_BC_* */                                                  \
  X(double, bc_value, TCAD_PER_UNKNOWN, 1, 1)         /* ψ, n, p, T.. (physical) imposed at contacts */               \
  X(double, edge_dir, TCAD_PER_EDGE, 2, 1)            /* electron, hole current direction, -1..1, fixed per solve */

#define TCAD_ASM_FIELD(type, name, per, mult, owned) type *name;

/* Node-major unknowns (bs per node) and the scalar CSR of the Jacobian: see kernels/asm.h. */
typedef struct {
  int nnodes, nedges, nnz;
  int bs; /* unknowns per node: 3, 4 or 5 (kernels/asm.h) */
  TCAD_ASM_ARRAYS(TCAD_ASM_FIELD)
  TcadAsmParams p;
} TcadAsmData;

/* Elements of an array of kind `per` (TCAD_PER_*) times mult. */
static inline size_t tcad_asm_count(const TcadAsmData *D, int per, int mult)
{
  const size_t n = (size_t)D->nnodes, ne = (size_t)D->nedges;
  const size_t c = per == TCAD_PER_EDGE        ? ne
                   : per == TCAD_PER_NODE      ? n
                   : per == TCAD_PER_NODE1     ? n + 1
                   : per == TCAD_PER_INCIDENCE ? 2 * ne
                                               : (size_t)D->bs * n;
  return c * (size_t)mult;
}

/* contact fluxes per node (cflux): electron and hole particle currents, electron and hole
 * energy flows, each entering the device */
#define TCAD_ASM_NCFLUX 4
#endif
