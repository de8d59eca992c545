/* One entry point to every physics function, for the host-vs-device tests: the same call
 * runs on the host and in a CUDA kernel (kernels/device_cuda.cu), so each function is
 * compared over the same inputs. Function `which` reads TCAD_PROBE_NIN inputs and writes
 * TCAD_PROBE_NOUT outputs (unused ones are zero). */
#ifndef TCAD_KERNELS_PHYSICS_PROBE_H
#define TCAD_KERNELS_PHYSICS_PROBE_H
#include "kernels/physics/bernoulli.h"
#include "kernels/physics/mobility.h"
#include "kernels/physics/recombination.h"
#include "kernels/physics/sg.h"

#define TCAD_PROBE_NIN 10
#define TCAD_PROBE_NOUT 4

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
  default: break;
  }
}
#endif
