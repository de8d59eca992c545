/* The input deck (YAML, read with libyaml). Schema: docs/deck.md.
 * Lengths in the deck are in micrometres; everything stored here is in cm. */
#ifndef TCAD_DECK_H
#define TCAD_DECK_H
#include "tcad/material.h"

#define TCAD_PATH_MAX 1024
#define TCAD_MAX_SWEEP_CONTACTS 8

typedef struct {
  int line, col; /* 1-based position of the entry in the deck file; 0 when not from a file */
} TcadSrcLoc;

/* An axis-aligned box; an axis with has[a] == 0 is unbounded. Bounds in cm. */
typedef struct {
  double lo[3], hi[3];
  int has[3];
} TcadBox;

/* Generated tensor-product mesh: per axis, anchor lines with a local spacing; between two
 * anchors the spacing grows geometrically from one anchor's step to the next one's
 * (Atlas-style `x.mesh loc= spac=`). */
typedef struct {
  double at;   /* cm */
  double step; /* cm */
} TcadMeshLine;

typedef enum { TCAD_MESH_GENERATE = 0, TCAD_MESH_FILE = 1 } TcadMeshSource;

typedef struct {
  TcadMeshSource source;
  char file[TCAD_PATH_MAX]; /* Gmsh file, resolved against the deck's folder */
  double scale;             /* file coordinate unit in cm (default 1e-4: file in µm) */
  int dim;                  /* generated meshes: 1, 2 or 3 */
  int nlines[3];
  TcadMeshLine *lines[3];
  TcadSrcLoc loc;
} TcadMeshSpec;

typedef struct {
  char name[TCAD_NAME_MAX];     /* for Gmsh meshes: the physical group name */
  char material[TCAD_NAME_MAX]; /* a name in the material table (built-in or deck-defined) */
  int has_box;                  /* generated meshes: cells whose centroid is in the box */
  TcadBox box;
  TcadSrcLoc loc;
} TcadRegionSpec;

typedef enum { TCAD_CONTACT_OHMIC = 0, TCAD_CONTACT_GATE = 1, TCAD_CONTACT_SCHOTTKY = 2 } TcadContactType;

typedef struct {
  char name[TCAD_NAME_MAX]; /* for Gmsh meshes: the physical group name of boundary faces */
  TcadContactType type;
  double workfunction; /* eV, gate and Schottky contacts */
  int has_workfunction;
  double voltage; /* initial bias, V */
  double current; /* initial drive in current (has_current), contact units (A/cm² 1D, A/cm 2D, A 3D) */
  int has_current;
  double resistance; /* series (lumped) resistance, Ω·cm² 1D, Ω·cm 2D, Ω 3D (0: none) */
  int has_box;       /* generated meshes: boundary faces inside the box */
  TcadBox box;
  TcadSrcLoc loc;
} TcadContactSpec;

typedef enum {
  TCAD_DOPING_UNIFORM = 0,
  TCAD_DOPING_BOX = 1,
  TCAD_DOPING_GAUSSIAN = 2,
  TCAD_DOPING_ERFC = 3,
  TCAD_DOPING_LINEAR = 4 /* max(0, gradient (x − surface)) along depth_axis: a graded junction */
} TcadDopingProfile;

typedef struct {
  TcadDopingProfile profile;
  int species;                /* +1 donor, -1 acceptor */
  double peak;                /* cm^-3: concentration (uniform, box) or peak (gaussian, erfc) */
  char region[TCAD_NAME_MAX]; /* restrict to one region ("" = every semiconductor region) */
  int has_window;             /* box: the box; gaussian/erfc: the mask window (lateral extent) */
  TcadBox window;
  int depth_axis;     /* 0,1,2: axis along which depth is measured; -1: the mesh's last
                                  axis (Gmsh meshes without `axis:`, dimension unknown when parsing) */
  double surface;     /* cm, position of the peak along depth_axis */
  double char_length; /* cm, characteristic length in depth */
  double lateral;     /* cm, characteristic lateral spread outside the window */
  double gradient;    /* linear: cm^-4, signed */
  TcadSrcLoc loc;
} TcadDopingSpec;

typedef enum { TCAD_TRANSPORT_DD = 0, TCAD_TRANSPORT_EB = 1, TCAD_TRANSPORT_EB_ELECTRONS = 2 } TcadTransport;
typedef enum { TCAD_STAT_BOLTZMANN = 0, TCAD_STAT_FERMI = 1 } TcadStatistics;
typedef enum { TCAD_MOB_CONSTANT = 0, TCAD_MOB_CAUGHEY_THOMAS = 1, TCAD_MOB_MASETTI = 2 } TcadMobility;
/* canali and hansch saturate with the driving force below in drift-diffusion (hansch: the law
 * that matches the energy-balance model's τ_w → 0 limit); with the energy-balance transport
 * either means Hänsch's carrier-temperature law */
typedef enum { TCAD_HF_NONE = 0, TCAD_HF_CANALI = 1, TCAD_HF_HANSCH = 2 } TcadHighField;
/* The drift-diffusion driving force of the field-dependent models (kernels/physics/driving_force.h):
 * joule, F² ≈ E·∇φ (the default: the τ_w → 0 limit of the energy balance's Joule heating), the
 * quasi-Fermi gradient, or the field parallel to the current */
typedef enum { TCAD_DF_JOULE = 0, TCAD_DF_QUASI_FERMI = 1, TCAD_DF_FIELD = 2 } TcadDrivingForce;
typedef enum { TCAD_II_NONE = 0, TCAD_II_VANOVERSTRAETEN = 1, TCAD_II_SELBERHERR = 2, TCAD_II_OKUTO = 3 } TcadImpact;
/* auto: lucky-electron in drift-diffusion, fiegna with a temperature equation (one deck for both) */
typedef enum { TCAD_HC_NONE = 0, TCAD_HC_LUCKY = 1, TCAD_HC_FIEGNA = 2, TCAD_HC_AUTO = 3 } TcadHotCarrier;

typedef struct {
  TcadTransport transport;
  double temperature; /* lattice temperature, K */
  TcadStatistics statistics;
  TcadMobility mobility;
  TcadHighField high_field;
  TcadDrivingForce driving_force;
  int srh, auger;
  TcadImpact impact;
  TcadHotCarrier hot_carrier;
  TcadSrcLoc loc; /* of the physics section */
  TcadSrcLoc loc_transport, loc_statistics, loc_mobility, loc_high_field, loc_driving_force, loc_impact,
      loc_hot_carrier; /* of each model key (0 when defaulted), for "not implemented" errors */
} TcadPhysicsSpec;

/* The hot-carrier monitor of an n-MOSFET (docs/deck.md `reliability`): the contacts whose
 * currents give the substrate-current ratio I_sub/I_d. "" where the deck names none (then the
 * contact named drain, and the first of bulk, substrate, body). */
typedef struct {
  int given; /* the deck has a reliability section */
  char drain[TCAD_NAME_MAX], substrate[TCAD_NAME_MAX];
  /* Hu's lifetime τ I_d/W = C (I_sub/I_d)^−m (`lifetime:`): m, C (s·A/cm; 0: not given, no
   * absolute lifetime), W (cm; 3D only), and an optional reference bias (contact voltages) */
  int lifetime;
  double life_m, life_c, life_w;
  int nref;
  char ref_contact[TCAD_MAX_SWEEP_CONTACTS][TCAD_NAME_MAX];
  double ref_voltage[TCAD_MAX_SWEEP_CONTACTS];
  TcadSrcLoc loc, loc_ref;
  /* hot-carrier injection into the gate insulator (physics.hot_carrier, `injection:`;
   * kernels/physics/hotcarrier.h): carriers injected (bit 0 electrons, bit 1 holes); per carrier
   * (0 electrons, 1 holes) the barrier φ_0 (eV), λ and λ_r (cm); the barrier lowering β
   * ((V·cm)^½) and α ((V·cm²)^⅓); the insulator's mean free path λ_ox (cm); Fiegna's A (cm/s/eV^2.5)
   * and χ ((V/cm)^1.5/eV³) and the energy relaxation length λ_E (cm) */
  int inj_carriers;
  double inj_phi[2], inj_lambda[2], inj_lambda_r[2], inj_beta, inj_alpha, inj_lambda_ox, inj_a, inj_chi, inj_le;
  TcadSrcLoc loc_inj;
} TcadReliabilitySpec;

/* Fixed charge on the interface between two regions (cm^-2, sign included). */
typedef struct {
  char region[2][TCAD_NAME_MAX];
  double charge;
  char group[TCAD_NAME_MAX]; /* a Gmsh face group between the two regions: the charge on its faces only; "" = all */
  TcadSrcLoc loc;
} TcadInterfaceSpec;

typedef enum {
  TCAD_STEP_EQUILIBRIUM = 0,
  TCAD_STEP_BIAS = 1,
  TCAD_STEP_SWEEP = 2,
  TCAD_STEP_BREAKDOWN = 3,
  TCAD_STEP_SAVE = 4, /* the present solution to a file */
  TCAD_STEP_LOAD = 5  /* a saved solution (of this device) as the present one */
} TcadStepKind;

typedef struct {
  TcadStepKind kind;
  int ncontacts;
  char contact[TCAD_MAX_SWEEP_CONTACTS][TCAD_NAME_MAX];
  double value[TCAD_MAX_SWEEP_CONTACTS]; /* bias: the voltages; sweep: the end voltages (or current) */
  int in_current;                        /* sweep: value[0] is the end current (one contact), steps in decades */
  double step;                           /* sweep: initial step, V or decades (>0) */
  double min_step, max_step;             /* sweep: adaptive step limits, V or decades (0: defaults) */
  double current;                        /* breakdown: the criterion, |contact current| (A/cm² 1D, A/cm 2D, A 3D) */
  char file[TCAD_PATH_MAX];              /* save: inside the output folder; load: from the deck's folder */
  int load_step;                         /* load: the saved file's step (-1: its last) */
  TcadSrcLoc loc;
} TcadSolveStep;

typedef struct {
  char directory[TCAD_PATH_MAX]; /* relative paths are taken from the working directory */
  char fields[TCAD_PATH_MAX];    /* HDF5 file name inside directory (the .xdmf sits beside it) */
  char iv[TCAD_PATH_MAX];        /* IV table CSV inside directory */
  /* the node fields written per bias point: bit k for tcad_output_quantities[k] (all: ~0) */
  unsigned long quantities;
  /* node fields at every fields_every-th point of a solve step (its first point, every
   * fields_every-th after it, and its last); the other points get their IV row, step attributes
   * and solver state only (default 1: every point) */
  int fields_every;
  TcadSrcLoc loc;
} TcadOutputSpec;

typedef struct TcadDeck {
  char path[TCAD_PATH_MAX]; /* as given */
  char dir[TCAD_PATH_MAX];  /* folder of the deck, for resolving mesh.file */
  char title[256];
  TcadMeshSpec mesh;
  int nregions;
  TcadRegionSpec *regions;
  int ncontacts;
  TcadContactSpec *contacts;
  int ndoping;
  TcadDopingSpec *doping;
  int nmaterials; /* built-ins with deck overrides applied, plus deck-defined ones */
  TcadMaterial *materials;
  TcadPhysicsSpec physics;
  TcadReliabilitySpec reliability;
  int ninterfaces;
  TcadInterfaceSpec *interfaces;
  int nsteps;
  TcadSolveStep *steps;
  TcadOutputSpec output;
} TcadDeck;

/* Parse and validate a deck. On failure returns a positive TCAD_ERR_* code (TCAD_ERR_INPUT
 * for the deck's content, with a message of the form "FILE:LINE:COL: what is wrong; what was
 * expected" in tcad_error_message(); TCAD_ERR_IO when the file cannot be read; TCAD_ERR_USAGE
 * for a missing or too long path) and *deck is NULL. */
int TcadDeckLoad(const char *path, TcadDeck **deck);
/* Same, from a string (tests); `name` is used in messages in place of a file name. */
int TcadDeckLoadString(const char *text, const char *name, TcadDeck **deck);
/* The same, with relative file names (mesh.file) taken from folder `dir`. */
int TcadDeckLoadStringIn(const char *text, const char *name, const char *dir, TcadDeck **deck);
void TcadDeckDestroy(TcadDeck **deck);
/* The node fields `tcad run` can write per bias point, by name (output.quantities in a deck);
 * the writer (solver/record.c) refuses to write a name not in this list. NULL-terminated. */
extern const char *const tcad_output_quantities[];
/* Whether the deck asks for quantity `name` (1 when it names none, i.e. all). */
int TcadDeckWantsQuantity(const TcadDeck *deck, const char *name);

/* Material of a region by name, from the deck's (overridden) table; NULL if absent. */
const TcadMaterial *TcadDeckGetMaterial(const TcadDeck *deck, const char *name);

/* Format "FILE:LINE:COL" for messages that point at a deck entry (into a static buffer
 * that lives until the next call). */
const char *TcadDeckGetLocation(const TcadDeck *deck, TcadSrcLoc loc);
#endif
