/* Restarted GMRES and BiCGSTAB (both right-preconditioned, x0 = 0) written once over a small set
 * of vector operations (TcadKrylovOps), so the host and the CUDA backend run the same algorithm.
 *
 * Every scalar of the iteration (dot products, α, β, ω, the Hessenberg matrix, the Givens
 * rotations, the residual history) lives in one array S in the backend's memory: on the GPU it
 * never leaves the device during the iteration. The scalar updates are the TCAD_HD functions
 * below, which the CUDA backend runs in a one-thread kernel. The driver (kernels/linalg/krylov_solve.c) reads
 * S only at convergence checks, every `check` iterations, through ops->fetch: one small copy,
 * not one per iteration. Since the residual history is kept, a check finds the first iteration
 * that met the tolerance; the iterations run past it only make the answer more accurate.
 *
 * Right preconditioning makes the monitored residual the true residual of the (scaled)
 * system, b − A x, not a preconditioned one: a badly conditioned ILU cannot hide an
 * inaccurate solve (bench_linear measured such a case with left preconditioning). */
#ifndef TCAD_KERNELS_KRYLOV_H
#define TCAD_KERNELS_KRYLOV_H
#include <math.h>

#include "tcad/hd.h"

/* Coefficient of a vector operation: mul × S[slot], or the constant mul when slot < 0. */
typedef struct {
  int slot;
  double mul;
} TcadKCoef;

/* Scalar slots. BiCGSTAB uses the first ones; GMRES(m) lays out its arrays after them. */
enum {
  TCAD_KS_RHO = 0, /* r̂·r */
  TCAD_KS_RHO_OLD, /* the previous ρ */
  TCAD_KS_ALPHA,
  TCAD_KS_OMEGA,
  TCAD_KS_BETA,
  TCAD_KS_BW,    /* β·ω */
  TCAD_KS_RV,    /* r̂·v */
  TCAD_KS_TS,    /* t·s */
  TCAD_KS_TT,    /* t·t */
  TCAD_KS_RR,    /* r·r */
  TCAD_KS_BB,    /* b·b */
  TCAD_KS_INV,   /* GMRES: 1/‖w‖, 1/‖r‖ */
  TCAD_KS_BREAK, /* > 0: breakdown at the iteration recorded here + 1 */
  TCAD_KS_ONE,   /* 1 (device pointer-mode constants) */
  TCAD_KS_ZERO,  /* 0 */
  TCAD_KS_MINUS, /* −1 */
  TCAD_KS_NFIXED = 16
};

/* GMRES(m) arrays inside S, after the fixed slots and the history of max_it residuals. */
typedef struct {
  int m, max_it;
  int hist;         /* residual norms, one per iteration */
  int H;            /* (m+1) × m Hessenberg, column-major: H[i + (m+1) j] */
  int h2;           /* m+1: the second Gram–Schmidt pass */
  int cs, sn, g, y; /* Givens cosines, sines (m), rotated right-hand side (m+1), solution (m) */
  int size;         /* slots in all */
} TcadKLayout;

TCAD_HD TcadKLayout tcad_krylov_layout(int m, int max_it)
{
  TcadKLayout L;
  L.m = m, L.max_it = max_it;
  L.hist = TCAD_KS_NFIXED;
  L.H = L.hist + max_it + 1;
  L.h2 = L.H + (m + 1) * m;
  L.cs = L.h2 + m + 1;
  L.sn = L.cs + m;
  L.g = L.sn + m;
  L.y = L.g + m + 1;
  L.size = L.y + m;
  return L;
}

/* Scalar steps. `it`: BiCGSTAB the iteration (1-based), GMRES the iterations done before this
 * one (0-based); j the step inside a GMRES cycle. S[TCAD_KS_BREAK] gets the 1-based iteration. */
enum {
  TCAD_KSTEP_INIT = 0,   /* constants, no breakdown; BiCGSTAB: ρ_old = α = ω = 1 */
  TCAD_KSTEP_BICG_BETA,  /* after ρ = r̂·r: β, βω, ρ_old; breakdown when ρ = 0 */
  TCAD_KSTEP_BICG_ALPHA, /* after r̂·v: α = ρ/(r̂·v) */
  TCAD_KSTEP_BICG_OMEGA, /* after t·s, t·t: ω */
  TCAD_KSTEP_BICG_HIST,  /* after r·r: history[it] = ‖r‖ */
  TCAD_KSTEP_GM_START,   /* after r·r: g = (‖r‖, 0, ..), INV = 1/‖r‖, history[it] = ‖r‖ */
  TCAD_KSTEP_GM_ADD,     /* H[:, j] += h2 (the second Gram–Schmidt pass) */
  TCAD_KSTEP_GM_COLUMN,  /* after w·w: H[j+1, j], INV, rotations, g, history[it + 1] */
  TCAD_KSTEP_GM_SOLVE    /* y = H(0:k, 0:k)⁻¹ g, k = j + 1 */
};

TCAD_HD void tcad_krylov_scalar(double *S, TcadKLayout L, int step, int it, int j)
{
  double *H = S + L.H, *cs = S + L.cs, *sn = S + L.sn, *g = S + L.g, *hist = S + L.hist;
  const int ld = L.m + 1;
  switch (step) {
  case TCAD_KSTEP_INIT:
    S[TCAD_KS_RHO_OLD] = S[TCAD_KS_ALPHA] = S[TCAD_KS_OMEGA] = 1.0;
    S[TCAD_KS_BREAK] = 0.0, S[TCAD_KS_ONE] = 1.0, S[TCAD_KS_ZERO] = 0.0, S[TCAD_KS_MINUS] = -1.0;
    break;
  case TCAD_KSTEP_BICG_BETA: {
    const double d = S[TCAD_KS_RHO_OLD] * S[TCAD_KS_OMEGA];
    if (S[TCAD_KS_RHO] == 0.0 || d == 0.0 || !isfinite(S[TCAD_KS_RHO])) {
      if (S[TCAD_KS_BREAK] == 0.0) S[TCAD_KS_BREAK] = it > 0 ? it : 1;
      S[TCAD_KS_BETA] = S[TCAD_KS_BW] = 0.0;
    } else {
      S[TCAD_KS_BETA] = S[TCAD_KS_RHO] / S[TCAD_KS_RHO_OLD] * (S[TCAD_KS_ALPHA] / S[TCAD_KS_OMEGA]);
      S[TCAD_KS_BW] = S[TCAD_KS_BETA] * S[TCAD_KS_OMEGA];
    }
    S[TCAD_KS_RHO_OLD] = S[TCAD_KS_RHO];
    break;
  }
  case TCAD_KSTEP_BICG_ALPHA:
    if (S[TCAD_KS_RV] == 0.0 || !isfinite(S[TCAD_KS_RV])) {
      if (S[TCAD_KS_BREAK] == 0.0) S[TCAD_KS_BREAK] = it > 0 ? it : 1;
      S[TCAD_KS_ALPHA] = 0.0;
    } else {
      S[TCAD_KS_ALPHA] = S[TCAD_KS_RHO] / S[TCAD_KS_RV];
    }
    break;
  case TCAD_KSTEP_BICG_OMEGA:
    /* t = 0 means s = 0 already: the step is done with ω = 0 */
    S[TCAD_KS_OMEGA] = S[TCAD_KS_TT] > 0.0 ? S[TCAD_KS_TS] / S[TCAD_KS_TT] : 0.0;
    if (S[TCAD_KS_TT] > 0.0 && S[TCAD_KS_OMEGA] == 0.0 && S[TCAD_KS_BREAK] == 0.0) S[TCAD_KS_BREAK] = it > 0 ? it : 1;
    break;
  case TCAD_KSTEP_BICG_HIST:
    hist[it] = sqrt(fmax(S[TCAD_KS_RR], 0.0));
    if (!isfinite(S[TCAD_KS_RR]) && S[TCAD_KS_BREAK] == 0.0) S[TCAD_KS_BREAK] = it > 0 ? it : 1;
    break;
  case TCAD_KSTEP_GM_START: {
    const double beta = sqrt(fmax(S[TCAD_KS_RR], 0.0));
    g[0] = beta;
    for (int k = 1; k <= L.m; k++) g[k] = 0.0;
    S[TCAD_KS_INV] = beta > 0.0 ? 1.0 / beta : 0.0;
    hist[it] = beta;
    if (!isfinite(beta) && S[TCAD_KS_BREAK] == 0.0) S[TCAD_KS_BREAK] = it + 1;
    break;
  }
  case TCAD_KSTEP_GM_ADD:
    for (int k = 0; k <= j; k++) H[k + ld * j] += S[L.h2 + k];
    break;
  case TCAD_KSTEP_GM_COLUMN: {
    double *h = H + ld * j;
    const double hn = sqrt(fmax(S[TCAD_KS_RR], 0.0));
    h[j + 1] = hn;
    S[TCAD_KS_INV] = hn > 0.0 ? 1.0 / hn : 0.0;
    for (int k = 0; k < j; k++) { /* the earlier rotations */
      const double a = h[k], b = h[k + 1];
      h[k] = cs[k] * a + sn[k] * b;
      h[k + 1] = -sn[k] * a + cs[k] * b;
    }
    const double a = h[j], b = h[j + 1], r = hypot(a, b);
    if (r == 0.0 || !isfinite(r)) {
      if (S[TCAD_KS_BREAK] == 0.0) S[TCAD_KS_BREAK] = it + 1;
      cs[j] = 1.0, sn[j] = 0.0;
    } else {
      cs[j] = a / r, sn[j] = b / r;
    }
    h[j] = cs[j] * a + sn[j] * b, h[j + 1] = 0.0;
    g[j + 1] = -sn[j] * g[j], g[j] = cs[j] * g[j];
    hist[it + 1] = fabs(g[j + 1]);
    break;
  }
  case TCAD_KSTEP_GM_SOLVE: {
    double *y = S + L.y;
    for (int k = j; k >= 0; k--) {
      double s = g[k];
      for (int c = k + 1; c <= j; c++) s -= H[k + ld * c] * y[c];
      y[k] = H[k + ld * k] != 0.0 ? s / H[k + ld * k] : 0.0;
    }
    break;
  }
  default: break;
  }
}

/* The backend: n-vectors are opaque handles (host or device pointers). */
typedef struct TcadKrylovOps {
  void *ctx;
  int n;
  double *S; /* the scalar array (backend memory), TcadKLayout.size slots */
  /* y = A x; y = M⁻¹ x (return non-zero on failure) */
  int (*matvec)(void *ctx, const double *x, double *y);
  int (*precond)(void *ctx, const double *x, double *y);
  /* S[slot] = x·y */
  void (*dot)(void *ctx, int slot, const double *x, const double *y);
  /* y = a·xa + b·xb + c·y; xb may be NULL; c = constant 0 means y is not read */
  void (*lincomb)(void *ctx, double *y, TcadKCoef a, const double *xa, TcadKCoef b, const double *xb, TcadKCoef c);
  /* GMRES: S[slot + k] = V_k·w, k < kk (V: kk vectors of n, consecutive); w += sign Σ S[slot+k] V_k */
  void (*gemv_t)(void *ctx, int slot, const double *V, int kk, const double *w);
  void (*gemv_n)(void *ctx, double *w, const double *V, int kk, int slot, double sign);
  /* run tcad_krylov_scalar(S, L, step, it, j) */
  void (*scalar)(void *ctx, TcadKLayout L, int step, int it, int j);
  /* copy S[first .. first+count) to host memory (the only synchronizing call) */
  int (*fetch)(void *ctx, int first, int count, double *dst);
  /* vectors of scratch: allocate / free `count` n-vectors consecutively */
  double *(*alloc)(void *ctx, int count);
  void (*release)(void *ctx, double *v);
} TcadKrylovOps;
#endif
