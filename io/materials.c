/* Built-in material parameter sets (silicon and SiO2 at 300 K, shared PHYSICS.md §3) and the
 * table of fields that a deck's `materials:` section may override. */
#include <ctype.h>
#include <stddef.h>

#include "tcad/material.h"

/* Pairs are [electron, hole]. */
static const TcadMaterial tcad_builtin_materials[] = {
    {
        .name = "Si",
        .kind = TCAD_MAT_SEMICONDUCTOR,
        .permittivity = 11.7,
        .affinity = 4.05,
        .bandgap = 1.1242,
        .ni = 1.0e10, /* Sproul & Green 1991 */
        .nc = 2.86e19,
        .nv = 3.10e19,
        /* Caughey–Thomas, Medici/Atlas defaults */
        .ct_mumin = {55.24, 49.7},
        .ct_mumax = {1429.23, 479.37},
        .ct_nref = {1.072e17, 1.606e17},
        .ct_alpha = {0.73, 0.70},
        /* Masetti, Sentaurus defaults (electrons: As, holes: B) */
        .ms_mumax = {1417.0, 470.5},
        .ms_mumin1 = {52.2, 44.9},
        .ms_mumin2 = {52.2, 0.0},
        .ms_mu1 = {43.4, 29.0},
        .ms_pc = {0.0, 9.23e16},
        .ms_cr = {9.68e16, 2.23e17},
        .ms_cs = {3.43e20, 6.10e20},
        .ms_alpha = {0.68, 0.719},
        .ms_beta = {2.0, 2.0},
        .mu_const = {1417.0, 470.5},
        /* Canali high-field saturation */
        .vsat = {1.07e7, 8.37e6},
        .canali_beta = {1.109, 1.213},
        /* SRH with Scharfetter doping dependence; Auger after Dziewior & Schmid 1977 */
        .taumax = {1e-5, 3e-6},
        .taumin = {0.0, 0.0},
        .tau_nref = {1e16, 1e16},
        .tau_gamma = {1.0, 1.0},
        .auger = {2.8e-31, 9.9e-32},
        /* energy relaxation times (Sentaurus defaults) */
        .tauw = {0.3e-12, 0.25e-12},
        /* impact ionization: van Overstraeten & de Man, Solid-State Electron. 13 (1970) 583
         * (holes in two field ranges, joined at 4e5 V/cm); Selberherr's set (Analysis and
         * Simulation of Semiconductor Devices, 1984, as Genius and Charon use it); Okuto &
         * Crowell, Solid-State Electron. 18 (1975) 161 */
        .vanoverstraeten_a = {7.03e5, 1.582e6},
        .vanoverstraeten_b = {1.231e6, 2.036e6},
        .vanoverstraeten_a_high = {7.03e5, 6.71e5},
        .vanoverstraeten_b_high = {1.231e6, 1.693e6},
        .vanoverstraeten_f0 = {4e5, 4e5},
        .selberherr_a = {7.03e5, 1.528e6},
        .selberherr_b = {1.231e6, 2.036e6},
        .okuto_a = {0.426, 0.243},
        .okuto_b = {4.81e5, 6.53e5},
        .okuto_c = {3.05e-4, 5.35e-4},
        .okuto_d = {6.86e-4, 5.67e-4},
        .ii_phonon_energy = 0.063,
    },
    {
        /* An insulator only needs the electrostatic parameters; the transport ones stay 0. */
        .name = "SiO2",
        .kind = TCAD_MAT_INSULATOR,
        .permittivity = 3.9,
        .affinity = 0.95,
        .bandgap = 9.0,
    },
};

#define TCAD_MATERIAL_NBUILTIN ((int)(sizeof tcad_builtin_materials / sizeof tcad_builtin_materials[0]))

int tcad_material_count(void) { return TCAD_MATERIAL_NBUILTIN; }

const TcadMaterial *tcad_material_builtin(int i)
{
  return i >= 0 && i < TCAD_MATERIAL_NBUILTIN ? &tcad_builtin_materials[i] : NULL;
}

/* Material names are matched case-insensitively, so `si` and `SI` both name silicon. */
static int tcad_material_name_eq(const char *a, const char *b)
{
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
  return *a == *b;
}

const TcadMaterial *tcad_material_find(const char *name)
{
  if (!name) return NULL;
  for (int i = 0; i < TCAD_MATERIAL_NBUILTIN; i++)
    if (tcad_material_name_eq(tcad_builtin_materials[i].name, name)) return &tcad_builtin_materials[i];
  return NULL;
}

#define TCAD_MATERIAL_FIELD(key, count, unit, lo, hi)                                                                  \
  {                                                                                                                    \
#key, (unsigned)offsetof(TcadMaterial, key), count, unit, lo, hi                                                   \
  }

/* Every double of TcadMaterial, under the deck key of the same name. */
static const TcadMaterialField tcad_material_fields[] = {
    TCAD_MATERIAL_FIELD(permittivity, 1, "1", 1, 1000),
    TCAD_MATERIAL_FIELD(affinity, 1, "eV", 0, 10),
    TCAD_MATERIAL_FIELD(bandgap, 1, "eV", 0.01, 15),
    TCAD_MATERIAL_FIELD(ni, 1, "cm^-3", 0, 1e+20),
    TCAD_MATERIAL_FIELD(nc, 1, "cm^-3", 1e+14, 1e+23),
    TCAD_MATERIAL_FIELD(nv, 1, "cm^-3", 1e+14, 1e+23),
    TCAD_MATERIAL_FIELD(ct_mumin, 2, "cm^2/Vs", 0, 1e+06),
    TCAD_MATERIAL_FIELD(ct_mumax, 2, "cm^2/Vs", 0.001, 1e+06),
    TCAD_MATERIAL_FIELD(ct_nref, 2, "cm^-3", 1e+10, 1e+24),
    TCAD_MATERIAL_FIELD(ct_alpha, 2, "1", 0.01, 5),
    TCAD_MATERIAL_FIELD(ms_mumax, 2, "cm^2/Vs", 0.001, 1e+06),
    TCAD_MATERIAL_FIELD(ms_mumin1, 2, "cm^2/Vs", 0, 1e+06),
    TCAD_MATERIAL_FIELD(ms_mumin2, 2, "cm^2/Vs", 0, 1e+06),
    TCAD_MATERIAL_FIELD(ms_mu1, 2, "cm^2/Vs", 0, 1e+06),
    TCAD_MATERIAL_FIELD(ms_pc, 2, "cm^-3", 0, 1e+24),
    TCAD_MATERIAL_FIELD(ms_cr, 2, "cm^-3", 1e+10, 1e+24),
    TCAD_MATERIAL_FIELD(ms_cs, 2, "cm^-3", 1e+10, 1e+24),
    TCAD_MATERIAL_FIELD(ms_alpha, 2, "1", 0.01, 5),
    TCAD_MATERIAL_FIELD(ms_beta, 2, "1", 0.01, 10),
    TCAD_MATERIAL_FIELD(mu_const, 2, "cm^2/Vs", 0.001, 1e+06),
    TCAD_MATERIAL_FIELD(vsat, 2, "cm/s", 10000, 1e+09),
    TCAD_MATERIAL_FIELD(canali_beta, 2, "1", 0.1, 10),
    TCAD_MATERIAL_FIELD(taumax, 2, "s", 1e-15, 1),
    TCAD_MATERIAL_FIELD(taumin, 2, "s", 0, 1),
    TCAD_MATERIAL_FIELD(tau_nref, 2, "cm^-3", 1e+10, 1e+24),
    TCAD_MATERIAL_FIELD(tau_gamma, 2, "1", 0, 10),
    TCAD_MATERIAL_FIELD(auger, 2, "cm^6/s", 0, 1e-25),
    TCAD_MATERIAL_FIELD(tauw, 2, "s", 1e-16, 1e-09),
    TCAD_MATERIAL_FIELD(tauw_t1, 2, "1", -10, 10),
    TCAD_MATERIAL_FIELD(tauw_t2, 2, "1", -10, 10),
    TCAD_MATERIAL_FIELD(vanoverstraeten_a, 2, "1/cm", 0, 1e+09),
    TCAD_MATERIAL_FIELD(vanoverstraeten_b, 2, "V/cm", 0, 1e+09),
    TCAD_MATERIAL_FIELD(vanoverstraeten_a_high, 2, "1/cm", 0, 1e+09),
    TCAD_MATERIAL_FIELD(vanoverstraeten_b_high, 2, "V/cm", 0, 1e+09),
    TCAD_MATERIAL_FIELD(vanoverstraeten_f0, 2, "V/cm", 0, 1e+08),
    TCAD_MATERIAL_FIELD(selberherr_a, 2, "1/cm", 0, 1e+09),
    TCAD_MATERIAL_FIELD(selberherr_b, 2, "V/cm", 0, 1e+09),
    TCAD_MATERIAL_FIELD(okuto_a, 2, "1/V", 0, 100),
    TCAD_MATERIAL_FIELD(okuto_b, 2, "V/cm", 0, 1e+09),
    TCAD_MATERIAL_FIELD(okuto_c, 2, "1/K", -1, 1),
    TCAD_MATERIAL_FIELD(okuto_d, 2, "1/K", -1, 1),
    TCAD_MATERIAL_FIELD(ii_phonon_energy, 1, "eV", 0.001, 1),
};

#define TCAD_MATERIAL_NFIELDS ((int)(sizeof tcad_material_fields / sizeof tcad_material_fields[0]))

int tcad_material_field_count(void) { return TCAD_MATERIAL_NFIELDS; }

const TcadMaterialField *tcad_material_field(int i)
{
  return i >= 0 && i < TCAD_MATERIAL_NFIELDS ? &tcad_material_fields[i] : NULL;
}
