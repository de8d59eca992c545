/* One entry point to every physics function, for the host-vs-device tests: the same call
 * runs on the host and in a CUDA kernel (kernels/device_cuda.cu), so each function is
 * compared over the same inputs (tests/t055-gpu-physics.c). Function `which` reads
 * TCAD_PROBE_NIN inputs and writes TCAD_PROBE_NOUT outputs (unused ones are zero). A new
 * physics function gets an entry here, and its inputs in t055. */
#ifndef TCAD_KERNELS_PHYSICS_PROBE_H
#define TCAD_KERNELS_PHYSICS_PROBE_H
#include "kernels/physics/bernoulli.h"
#include "kernels/physics/driving_force.h"
#include "kernels/physics/energy.h"
#include "kernels/physics/hotcarrier.h"
#include "kernels/physics/impact.h"
#include "kernels/physics/mobility.h"
#include "kernels/physics/recombination.h"
#include "kernels/physics/sg.h"
#include "kernels/physics/statistics.h"

#define TCAD_PROBE_NIN 10
#define TCAD_PROBE_NOUT 8

enum {
  TCAD_PROBE_BERNOULLI,      /* in: x                        out: B, dB/dx */
  TCAD_PROBE_SG_ELECTRON,    /* in: Δ, n_i, n_j              out: g, dg/dΔ, dg/dn_i, dg/dn_j */
  TCAD_PROBE_SG_HOLE,        /* in: Δ, p_i, p_j              out: g, dg/dΔ, dg/dp_i, dg/dp_j */
  TCAD_PROBE_CAUGHEY_THOMAS, /* in: N, μmin, μmax, Nref, α   out: μ */
  TCAD_PROBE_MASETTI,        /* in: N and the 9 parameters   out: μ */
  TCAD_PROBE_CANALI,         /* in: μ0, F, v_sat, β          out: μ, dμ/dF */
  TCAD_PROBE_SRH_LIFETIME,   /* in: N, τmax, τmin, Nref, γ   out: τ */
  TCAD_PROBE_SRH,            /* in: n, p, n_ie, τ_n, τ_p     out: R, dR/dn, dR/dp */
  TCAD_PROBE_AUGER,          /* in: n, p, n_ie, C_n, C_p     out: R, dR/dn, dR/dp */
  TCAD_PROBE_RECOMBINATION,  /* in: n, p, n_ie, τ_n, τ_p, C_n, C_p, srh, auger   out: R, dR/dn, dR/dp */
  TCAD_PROBE_LOGMEAN,        /* in: T1, T2                   out: Θ, dΘ/dT1, dΘ/dT2 */
  TCAD_PROBE_EB_ELECTRON,    /* in: q(ψ2−ψ1)/k, T1, T2, c1, c2   out: G, dG/d(in 0..4) */
  TCAD_PROBE_EB_HOLE,        /* the same for holes */
  TCAD_PROBE_TAUW,           /* in: τ0, t1, t2, T, T_L       out: τ_w, dτ_w/dT */
  TCAD_PROBE_HANSCH_T,       /* in: μ0, T, T_L, τ_w, dτ_w/dT, v_sat   out: μ, dμ/dT */
  TCAD_PROBE_HANSCH_FIELD,   /* in: μ0, F, v_sat             out: μ, dμ/dF */
  TCAD_PROBE_RELAXATION,     /* in: V, c, c_f, T, T_L, τ0, t1, t2   out: W, dW/dc, dW/dT, term size */
  TCAD_PROBE_RECOMB_ENERGY,  /* in: V, T, R                  out: W, dW/dT, dW/dR */
  TCAD_PROBE_JOULE,          /* in: F, ψ_i − ψ_j             out: share */
  TCAD_PROBE_INTRINSIC,      /* in: n_i(300), N_c, N_v, E_g, T   out: n_i(T) */
  TCAD_PROBE_WORKFUNCTION,   /* in: χ, E_g, N_c, N_v, V_T    out: φ_i */
  TCAD_PROBE_EQUILIBRIUM,    /* in: ψ, φ_F, n_i, V_T         out: a, n, p */
  TCAD_PROBE_OHMIC,          /* in: N, n_i, V_T              out: ψ_bi, n, p */
  TCAD_PROBE_QUASI_FERMI,    /* in: ψ, c, sign, V_T, n_i, floor   out: φ, dφ/dc */
  TCAD_PROBE_VELOCITY,       /* in: carrier, J, c            out: v */
  TCAD_PROBE_FIELD_PARALLEL, /* in: carrier, Δ, c_i, c_j, V_T/h, ε   out: E∥, dE∥/d(Δ, c_i, c_j) */
  TCAD_PROBE_CURRENT_SIGN,   /* in: carrier, Δ, c_i, c_j, ε   out: s, ds/d(Δ, c_i, c_j) */
  TCAD_PROBE_JOULE_FORCE,    /* in: a, b, ε, F0              out: F, dF/da, dF/db */
  TCAD_PROBE_FORCE_FLOOR,    /* in: G, F0                    out: F, dF/dG */
  TCAD_PROBE_IMPACT_ALPHA,   /* in: law, a, b, a2, b2, f0, F out: α, dα/dF */
  TCAD_PROBE_IMPACT_GAMMA,   /* in: T, ħω                    out: γ */
  TCAD_PROBE_IMPACT_COEF,    /* in: law, a, b, a2, b2, f0, c, d, ħω, T   out: a, b, a2, b2, f0 (at T) */
  TCAD_PROBE_IMPACT_FIELD_T, /* in: T, T_L, v_sat, τ_w, dτ_w/dT  out: F, dF/dT */
  TCAD_PROBE_FLUX_SIGN,      /* in: y, c1, c2, ε              out: s, ds/d(y, c1, c2) */
  TCAD_PROBE_EB_FLUX_SIGN,   /* in: carrier, q(ψ2−ψ1)/k, T1, T2, c1, c2, ε   out: s, ds/d(in 1..5) */
  TCAD_PROBE_FLOOR_HEAT,     /* in: c_f, μ0, hf, v_sat, A/h, h, Δψ   out: share, d/dΔψ */
  TCAD_PROBE_LUCKY,          /* in: F, φ, λ, λ_r              out: P */
  TCAD_PROBE_FIEGNA,         /* in: A, χ, F, φ                out: v */
  TCAD_PROBE_HC_BARRIER,     /* in: φ0, β, α, E_ox, t_ox, λ_ox   out: φ, T_ox */
  TCAD_PROBE_FLOOR_GATE,     /* in: b, V_T                    out: g */
  TCAD_PROBE_FIELD_ALONG,    /* in: Δ, s, V_T/h               out: E∥ */
  TCAD_PROBE_COUNT
};

TCAD_HD void tcad_physics_probe(int which, const double *in, double *out)
{
  for (int k = 0; k < TCAD_PROBE_NOUT; k++) out[k] = 0.0;
  switch (which) {
  case TCAD_PROBE_BERNOULLI: out[0] = tcad_bernoulli(in[0], &out[1]); break;
  case TCAD_PROBE_SG_ELECTRON: out[0] = tcad_sg_electron(in[0], in[1], in[2], &out[1]); break;
  case TCAD_PROBE_SG_HOLE: out[0] = tcad_sg_hole(in[0], in[1], in[2], &out[1]); break;
  case TCAD_PROBE_CAUGHEY_THOMAS: out[0] = tcad_mobility_caughey_thomas(in[0], in[1], in[2], in[3], in[4]); break;
  case TCAD_PROBE_MASETTI:
    out[0] = tcad_mobility_masetti(in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7], in[8], in[9]);
    break;
  case TCAD_PROBE_CANALI: out[0] = tcad_mobility_canali(in[0], in[1], in[2], in[3], &out[1]); break;
  case TCAD_PROBE_SRH_LIFETIME: out[0] = tcad_srh_lifetime(in[0], in[1], in[2], in[3], in[4]); break;
  case TCAD_PROBE_SRH: out[0] = tcad_srh(in[0], in[1], in[2], in[3], in[4], &out[1], &out[2]); break;
  case TCAD_PROBE_AUGER: out[0] = tcad_auger(in[0], in[1], in[2], in[3], in[4], &out[1], &out[2]); break;
  case TCAD_PROBE_RECOMBINATION: {
    TcadRecombination m;
    m.srh = in[7] != 0.0, m.auger = in[8] != 0.0, m.nie = in[2], m.auger_c[0] = in[5], m.auger_c[1] = in[6];
    out[0] = tcad_recombination_net(&m, in[0], in[1], in[3], in[4], &out[1], &out[2]);
    break;
  }
  case TCAD_PROBE_LOGMEAN: out[0] = tcad_logmean(in[0], in[1], &out[1]); break;
  case TCAD_PROBE_EB_ELECTRON:
  case TCAD_PROBE_EB_HOLE:
    out[0] = tcad_eb_flux(which == TCAD_PROBE_EB_HOLE, in[0], in[1], in[2], in[3], in[4], &out[1]);
    break;
  case TCAD_PROBE_TAUW: out[0] = tcad_tauw(in[0], in[1], in[2], in[3], in[4], &out[1]); break;
  case TCAD_PROBE_HANSCH_T: out[0] = tcad_mobility_hansch_t(in[0], in[1], in[2], in[3], in[4], in[5], &out[1]); break;
  case TCAD_PROBE_HANSCH_FIELD: out[0] = tcad_mobility_hansch_field(in[0], in[1], in[2], &out[1]); break;
  case TCAD_PROBE_RELAXATION:
    out[0] = tcad_eb_relaxation(in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7], &out[1], &out[3]);
    break;
  case TCAD_PROBE_RECOMB_ENERGY: out[0] = tcad_eb_recombination_energy(in[0], in[1], in[2], &out[1], &out[2]); break;
  case TCAD_PROBE_JOULE: out[0] = tcad_eb_joule_share(in[0], in[1]); break;
  case TCAD_PROBE_INTRINSIC: out[0] = tcad_intrinsic_density(in[0], in[1], in[2], in[3], in[4]); break;
  case TCAD_PROBE_WORKFUNCTION: out[0] = tcad_intrinsic_workfunction(in[0], in[1], in[2], in[3], in[4]); break;
  case TCAD_PROBE_EQUILIBRIUM: out[0] = tcad_equilibrium_densities(in[0], in[1], in[2], in[3], &out[1], &out[2]); break;
  case TCAD_PROBE_OHMIC: out[0] = tcad_ohmic_equilibrium(in[0], in[1], in[2], &out[1], &out[2]); break;
  case TCAD_PROBE_QUASI_FERMI: out[0] = tcad_quasi_fermi(in[0], in[1], in[2], in[3], in[4], in[5], &out[1]); break;
  case TCAD_PROBE_VELOCITY: out[0] = tcad_carrier_velocity((int)in[0], in[1], in[2]); break;
  case TCAD_PROBE_FIELD_PARALLEL:
    out[0] = tcad_field_parallel((int)in[0], in[1], in[2], in[3], in[4], in[5], &out[1]);
    break;
  case TCAD_PROBE_JOULE_FORCE: out[0] = tcad_driving_force_joule(in[0], in[1], in[2], in[3], &out[1]); break;
  case TCAD_PROBE_FORCE_FLOOR: out[0] = tcad_driving_force_floor(in[0], in[1], &out[1]); break;
  case TCAD_PROBE_IMPACT_ALPHA: {
    TcadImpactCoef c;
    c.law = (int)in[0], c.a = in[1], c.b = in[2], c.a2 = in[3], c.b2 = in[4], c.f0 = in[5];
    out[0] = tcad_impact_alpha(&c, in[6], &out[1]);
    break;
  }
  case TCAD_PROBE_CURRENT_SIGN: out[0] = tcad_current_sign((int)in[0], in[1], in[2], in[3], in[4], &out[1]); break;
  case TCAD_PROBE_IMPACT_COEF: {
    const TcadImpactCoef c =
        tcad_impact_coef((int)in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7], in[8], in[9]);
    out[0] = c.a, out[1] = c.b, out[2] = c.a2, out[3] = c.b2, out[4] = c.f0;
    break;
  }
  case TCAD_PROBE_IMPACT_GAMMA: out[0] = tcad_impact_gamma(in[0], in[1]); break;
  case TCAD_PROBE_IMPACT_FIELD_T:
    out[0] = tcad_impact_field_from_temperature(in[0], in[1], in[2], in[3], in[4], &out[1]);
    break;
  case TCAD_PROBE_FLUX_SIGN: out[0] = tcad_flux_sign(in[0], in[1], in[2], in[3], &out[1]); break;
  case TCAD_PROBE_EB_FLUX_SIGN:
    out[0] = tcad_eb_flux_sign((int)in[0], in[1], in[2], in[3], in[4], in[5], in[6], &out[1]);
    break;
  case TCAD_PROBE_FLOOR_HEAT:
    out[0] = tcad_eb_floor_heat_share(in[0], in[1], (int)in[2], in[3], in[4], in[5], in[6], &out[1]);
    break;
  case TCAD_PROBE_LUCKY: out[0] = tcad_lucky_probability(in[0], in[1], in[2], in[3]); break;
  case TCAD_PROBE_FIEGNA: out[0] = tcad_fiegna_velocity(in[0], in[1], in[2], in[3]); break;
  case TCAD_PROBE_HC_BARRIER: out[0] = tcad_hc_barrier(in[0], in[1], in[2], in[3], in[4], in[5], &out[1]); break;
  case TCAD_PROBE_FLOOR_GATE: out[0] = tcad_eb_floor_gate(in[0], in[1]); break;
  case TCAD_PROBE_FIELD_ALONG: out[0] = tcad_field_along(in[0], in[1], in[2]); break;
  default: break;
  }
}
#endif
