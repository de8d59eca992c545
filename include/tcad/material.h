/* Material parameter sets. Defaults are silicon/SiO2 at 300 K from shared PHYSICS.md §3;
 * every field can be overridden from the deck's `materials:` section. Units: cm, s, V, eV, K. */
#ifndef TCAD_MATERIAL_H
#define TCAD_MATERIAL_H

#define TCAD_NAME_MAX 64

typedef enum { TCAD_MAT_SEMICONDUCTOR = 0, TCAD_MAT_INSULATOR = 1, TCAD_MAT_CONDUCTOR = 2 } TcadMaterialKind;

typedef struct {
  char name[TCAD_NAME_MAX];
  TcadMaterialKind kind;
  double permittivity; /* relative, ε_r */
  double affinity;     /* electron affinity χ, eV */
  double bandgap;      /* E_g at 300 K, eV */
  double ni;           /* intrinsic density, cm^-3 (0: from Nc, Nv, Eg) */
  double nc, nv;       /* effective densities of states at 300 K, cm^-3 */
  /* mobility: Caughey–Thomas (electrons, holes) */
  double ct_mumin[2], ct_mumax[2], ct_nref[2], ct_alpha[2];
  /* mobility: Masetti */
  double ms_mumax[2], ms_mumin1[2], ms_mumin2[2], ms_mu1[2], ms_pc[2], ms_cr[2], ms_cs[2], ms_alpha[2], ms_beta[2];
  double mu_const[2]; /* constant mobility, cm^2/Vs */
  double vsat[2], canali_beta[2];
  /* SRH (Scharfetter) and Auger */
  double taumax[2], taumin[2], tau_nref[2], tau_gamma[2];
  double auger[2]; /* C_n, C_p, cm^6/s */
  /* energy relaxation times (energy-balance model), s, at the lattice temperature, and their
   * temperature dependence τ_w(T) = τ_w (1 + t1 x + t2 x²), x = T/T_L − 1 (0, 0: constant) */
  double tauw[2];
  double tauw_t1[2], tauw_t2[2];
  /* impact ionization (kernels/physics/impact.h; shared PHYSICS.md §4), at 300 K:
   * van Overstraeten–de Man α = a exp(−b/F), (a, b) below f0 and (a_high, b_high) above;
   * Selberherr α = a exp(−b/F); Okuto–Crowell α = a F exp(−(b/F)²) with
   * a(T) = a (1 + c (T − 300)), b(T) = b (1 + d (T − 300)); the optical-phonon energy of the
   * Chynoweth laws' temperature factor */
  double vanoverstraeten_a[2], vanoverstraeten_b[2], vanoverstraeten_a_high[2], vanoverstraeten_b_high[2];
  double vanoverstraeten_f0[2];
  double selberherr_a[2], selberherr_b[2];
  double okuto_a[2], okuto_b[2], okuto_c[2], okuto_d[2];
  double ii_phonon_energy;
} TcadMaterial;

/* Number of built-in materials and access by index / name (case-insensitive). */
int tcad_material_count(void);
const TcadMaterial *tcad_material_builtin(int i);
const TcadMaterial *tcad_material_find(const char *name);

/* Table of overridable numeric fields, for the deck parser: name, offset of the double in
 * TcadMaterial, and how many values (1, or 2 for electron/hole pairs). */
typedef struct {
  const char *key;
  unsigned offset;
  int count;
  const char *unit;
  double lo, hi; /* the range in which the models can use it (generous: outside it a value is a
                  * mistake, e.g. a unit slip, not an unusual material) */
} TcadMaterialField;
int tcad_material_field_count(void);
const TcadMaterialField *tcad_material_field(int i);
#endif
