/* Restarted GMRES (classical Gram–Schmidt, twice) and BiCGSTAB, right-preconditioned, over
 * TcadKrylovOps; and the host ops. See kernels/linalg/krylov.h for the design. */
#include "kernels/linalg/krylov_solve.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tcad/error.h"

static TcadKLayout layout(const TcadKrylovOpts *opt)
{
  return tcad_krylov_layout(opt->method == TCAD_KRYLOV_GMRES ? opt->restart : 1, opt->max_it);
}

int tcad_krylov_scalars(const TcadKrylovOpts *opt) { return layout(opt).size; }

static const TcadKCoef K1 = {-1, 1.0}, K0 = {-1, 0.0};
static TcadKCoef slot(int s, double mul)
{
  TcadKCoef c = {s, mul};
  return c;
}

/* Read the history from iteration from+1 to upto and the breakdown slot; sets res->its to the
 * first iteration whose residual is ≤ tol. *status: 1 when converged, -1 on breakdown, stagnation
 * or divergence, else 0. Returns 0 or the error of a failed read. */
static int check(const TcadKrylovOps *o, TcadKLayout L, int from, int upto, double tol, TcadKrylovResult *res,
                 int *status)
{
  double buf[TCAD_KS_NFIXED], *h = NULL;
  *status = 0;
  TCAD_CALL(o->fetch(o->ctx, 0, TCAD_KS_NFIXED, buf));
  res->fetches++;
  const int count = upto - from;
  TCAD_ALLOC(h, count > 0 ? count : 1);
  const int e = count > 0 ? o->fetch(o->ctx, L.hist + from + 1, count, h) : 0;
  if (e) {
    free(h);
    return tcad_error_frame(__FILE__, __LINE__, __func__, e);
  }
  int r = 0;
  for (int k = 0; k < count; k++) {
    const int it = from + 1 + k;
    res->rnorm = h[k];
    if (h[k] <= tol) {
      res->its = it, res->converged = 1, r = 1;
      break;
    }
    if (!(h[k] < 0.5 * res->ref) && !(it - res->it_ref <= res->stall_limit)) {
      res->stalled = 1, r = -1;
      break;
    }
    if (h[k] < 0.5 * res->ref) res->ref = h[k], res->it_ref = it;
    if (res->dtol_abs > 0 && !(h[k] <= res->dtol_abs)) { /* also NaN */
      res->diverged = 1, r = -1;
      break;
    }
  }
  free(h);
  if (!r && buf[TCAD_KS_BREAK] > 0) res->breakdown = (int)buf[TCAD_KS_BREAK], r = -1;
  *status = r;
  return 0;
}

static int bicgstab(const TcadKrylovOps *o, const TcadKrylovOpts *opt, const double *b, double *x,
                    TcadKrylovResult *res)
{
  const TcadKLayout L = layout(opt);
  double *w = o->alloc(o->ctx, 8);
  if (!w) return tcad_error(TCAD_ERR_MEM, "Krylov work vectors (8 × %d)", o->n);
  double *r = w, *rh = w + o->n, *p = w + 2 * o->n, *v = w + 3 * o->n, *s = w + 4 * o->n, *t = w + 5 * o->n,
         *ph = w + 6 * o->n, *sh = w + 7 * o->n;
  o->scalar(o->ctx, L, TCAD_KSTEP_INIT, 0, 0);
  o->lincomb(o->ctx, x, K0, b, K0, NULL, K0);
  o->lincomb(o->ctx, r, K1, b, K0, NULL, K0);
  o->lincomb(o->ctx, rh, K1, b, K0, NULL, K0);
  o->lincomb(o->ctx, p, K0, b, K0, NULL, K0);
  o->lincomb(o->ctx, v, K0, b, K0, NULL, K0);
  o->dot(o->ctx, TCAD_KS_RR, r, r);
  o->scalar(o->ctx, L, TCAD_KSTEP_BICG_HIST, 0, 0);
  double h0;
  int e = o->fetch(o->ctx, L.hist, 1, &h0);
  res->fetches++;
  res->bnorm = res->rnorm = res->ref = h0;
  res->dtol_abs = opt->dtol > 0 ? opt->dtol * h0 : 0;
  const double tol = opt->rtol * h0;
  if (e || h0 == 0.0 || !isfinite(h0)) {
    o->release(o->ctx, w);
    if (e) return tcad_error(TCAD_ERR_CUDA, "Krylov: reading the residual failed");
    res->converged = h0 == 0.0;
    return 0;
  }
  int last = 0, replaced = 0;
  for (int it = 1; it <= opt->max_it; it++) {
    o->dot(o->ctx, TCAD_KS_RHO, rh, r);
    o->scalar(o->ctx, L, TCAD_KSTEP_BICG_BETA, it, 0);
    o->lincomb(o->ctx, p, K1, r, slot(TCAD_KS_BW, -1.0), v, slot(TCAD_KS_BETA, 1.0));
    if ((e = o->precond(o->ctx, p, ph)) || (e = o->matvec(o->ctx, ph, v))) break;
    o->dot(o->ctx, TCAD_KS_RV, rh, v);
    o->scalar(o->ctx, L, TCAD_KSTEP_BICG_ALPHA, it, 0);
    o->lincomb(o->ctx, s, K1, r, slot(TCAD_KS_ALPHA, -1.0), v, K0);
    if ((e = o->precond(o->ctx, s, sh)) || (e = o->matvec(o->ctx, sh, t))) break;
    o->dot(o->ctx, TCAD_KS_TS, t, s);
    o->dot(o->ctx, TCAD_KS_TT, t, t);
    o->scalar(o->ctx, L, TCAD_KSTEP_BICG_OMEGA, it, 0);
    o->lincomb(o->ctx, x, slot(TCAD_KS_ALPHA, 1.0), ph, slot(TCAD_KS_OMEGA, 1.0), sh, K1);
    o->lincomb(o->ctx, r, K1, s, slot(TCAD_KS_OMEGA, -1.0), t, K0);
    o->dot(o->ctx, TCAD_KS_RR, r, r);
    o->scalar(o->ctx, L, TCAD_KSTEP_BICG_HIST, it, 0);
    res->its_run = it;
    if (it % opt->check == 0 || it == opt->max_it) {
      int c;
      e = check(o, L, last, it, tol, res, &c);
      last = it;
      if (e || c < 0) break;
      if (c > 0 && (replaced >= 4 || it == opt->max_it)) break;
      if (c > 0) {
        /* the recurrence residual drifts from the true one b − A x; check the true one and, where
         * it is above the tolerance, restart from it (residual replacement) */
        if ((e = o->matvec(o->ctx, x, t))) break;
        o->lincomb(o->ctx, r, K1, b, slot(-1, -1.0), t, K0);
        o->dot(o->ctx, TCAD_KS_RR, r, r);
        o->scalar(o->ctx, L, TCAD_KSTEP_BICG_HIST, it, 0);
        double hr;
        if ((e = o->fetch(o->ctx, L.hist + it, 1, &hr))) break;
        res->fetches++;
        if (hr <= tol) break;
        replaced++, res->replaced = replaced, res->converged = 0, res->rnorm = hr;
        o->scalar(o->ctx, L, TCAD_KSTEP_INIT, 0, 0);
        o->lincomb(o->ctx, rh, K1, r, K0, NULL, K0);
        o->lincomb(o->ctx, p, K0, b, K0, NULL, K0);
        o->lincomb(o->ctx, v, K0, b, K0, NULL, K0);
      }
    }
  }
  o->release(o->ctx, w);
  if (!res->converged && !res->breakdown) res->its = res->its_run;
  TCAD_RETURN(e);
}

static int gmres(const TcadKrylovOps *o, const TcadKrylovOpts *opt, const double *b, double *x, TcadKrylovResult *res)
{
  const TcadKLayout L = layout(opt);
  const int m = opt->restart, n = o->n, ld = m + 1;
  double *V = o->alloc(o->ctx, m + 3);
  if (!V) return tcad_error(TCAD_ERR_MEM, "Krylov work vectors (%d × %d)", m + 3, n);
  double *w = V + (size_t)(m + 1) * n, *z = w + n;
  o->scalar(o->ctx, L, TCAD_KSTEP_INIT, 0, 0);
  o->lincomb(o->ctx, x, K0, b, K0, NULL, K0);
  o->lincomb(o->ctx, V, K1, b, K0, NULL, K0); /* r = b − A·0 */
  int it = 0, e = 0;
  for (;;) {
    o->dot(o->ctx, TCAD_KS_RR, V, V);
    o->scalar(o->ctx, L, TCAD_KSTEP_GM_START, it, 0);
    if (it == 0) {
      double h0;
      e = o->fetch(o->ctx, L.hist, 1, &h0);
      res->fetches++;
      res->bnorm = res->rnorm = res->ref = h0;
      res->dtol_abs = opt->dtol > 0 ? opt->dtol * h0 : 0;
      if (e || h0 == 0.0 || !isfinite(h0)) {
        if (e) e = tcad_error(TCAD_ERR_CUDA, "Krylov: reading the residual failed");
        res->converged = h0 == 0.0;
        break;
      }
    }
    const double tol = opt->rtol * res->bnorm;
    o->lincomb(o->ctx, V, slot(TCAD_KS_INV, 1.0), V, K0, NULL, K0);
    int k = 0, c = 0, last = it;
    for (int j = 0; j < m && it < opt->max_it; j++) {
      double *Vj = V + (size_t)j * n;
      if ((e = o->precond(o->ctx, Vj, z)) || (e = o->matvec(o->ctx, z, w))) break;
      o->gemv_t(o->ctx, L.H + ld * j, V, j + 1, w);
      o->gemv_n(o->ctx, w, V, j + 1, L.H + ld * j, -1.0);
      o->gemv_t(o->ctx, L.h2, V, j + 1, w);
      o->gemv_n(o->ctx, w, V, j + 1, L.h2, -1.0);
      o->scalar(o->ctx, L, TCAD_KSTEP_GM_ADD, it, j);
      o->dot(o->ctx, TCAD_KS_RR, w, w);
      o->scalar(o->ctx, L, TCAD_KSTEP_GM_COLUMN, it, j);
      o->lincomb(o->ctx, V + (size_t)(j + 1) * n, slot(TCAD_KS_INV, 1.0), w, K0, NULL, K0);
      it++, k = j + 1;
      res->its_run = it;
      if (it % opt->check == 0 || j == m - 1 || it == opt->max_it) {
        e = check(o, L, last, it, tol, res, &c);
        last = it;
        if (e) break;
        if (c == 1) k = res->its - (it - k); /* columns up to the converged iteration */
        if (c) break;
      }
    }
    if (e) break;
    if (k > 0) { /* x += M⁻¹ V y */
      o->scalar(o->ctx, L, TCAD_KSTEP_GM_SOLVE, it, k - 1);
      o->lincomb(o->ctx, w, K0, b, K0, NULL, K0);
      o->gemv_n(o->ctx, w, V, k, L.y, 1.0);
      if ((e = o->precond(o->ctx, w, z))) break;
      o->lincomb(o->ctx, x, K1, z, K0, NULL, K1);
    }
    if (c || it >= opt->max_it) break;
    /* restart from the true residual */
    if ((e = o->matvec(o->ctx, x, w))) break;
    o->lincomb(o->ctx, V, K1, b, slot(-1, -1.0), w, K0);
  }
  o->release(o->ctx, V);
  if (!res->converged && !res->breakdown) res->its = res->its_run;
  TCAD_RETURN(e);
}

int tcad_krylov_solve(const TcadKrylovOps *o, const TcadKrylovOpts *opt, const double *b, double *x,
                      TcadKrylovResult *res)
{
  memset(res, 0, sizeof *res);
  res->ref = INFINITY, res->stall_limit = opt->stall > 0 ? opt->stall : opt->max_it + 1;
  if (opt->max_it < 1 || opt->check < 1 || !(opt->rtol > 0) || (opt->method == TCAD_KRYLOV_GMRES && opt->restart < 1))
    return tcad_error(TCAD_ERR_INPUT, "Krylov options: max_it, check, restart ≥ 1 and rtol > 0 needed");
  TCAD_RETURN(opt->method == TCAD_KRYLOV_GMRES ? gmres(o, opt, b, x, res) : bicgstab(o, opt, b, x, res));
}

/* ---- host ops ---- */

typedef struct {
  TcadKrylovHost *h;
  double *S;
  TcadKLayout L;
} HostCtx;

static int h_matvec(void *c, const double *x, double *y)
{
  const TcadKrylovHost *h = ((HostCtx *)c)->h;
  for (int r = 0; r < h->n; r++) {
    double s = 0;
    for (int k = h->rowptr[r]; k < h->rowptr[r + 1]; k++) s += h->a[k] * x[h->col[k]];
    y[r] = s;
  }
  return 0;
}
static int h_precond(void *c, const double *x, double *y)
{
  const TcadKrylovHost *h = ((HostCtx *)c)->h;
  if (h->precond) return h->precond(h->pctx, x, y);
  memcpy(y, x, sizeof(double) * (size_t)h->n);
  return 0;
}
static void h_dot(void *c, int s, const double *x, const double *y)
{
  HostCtx *hc = c;
  double d = 0;
  for (int r = 0; r < hc->h->n; r++) d += x[r] * y[r];
  hc->S[s] = d;
}
static double coef(const double *S, TcadKCoef k) { return k.slot < 0 ? k.mul : k.mul * S[k.slot]; }
static void h_lincomb(void *c, double *y, TcadKCoef a, const double *xa, TcadKCoef b, const double *xb, TcadKCoef cc)
{
  HostCtx *hc = c;
  const double ka = coef(hc->S, a), kb = coef(hc->S, b), kc = coef(hc->S, cc);
  const int ready = cc.slot < 0 && cc.mul == 0.0; /* y not read */
  for (int r = 0; r < hc->h->n; r++) {
    double v = ka * xa[r];
    if (xb) v += kb * xb[r];
    if (!ready) v += kc * y[r];
    y[r] = v;
  }
}
static void h_gemv_t(void *c, int s, const double *V, int kk, const double *w)
{
  HostCtx *hc = c;
  const int n = hc->h->n;
  for (int k = 0; k < kk; k++) {
    double d = 0;
    for (int r = 0; r < n; r++) d += V[(size_t)k * n + r] * w[r];
    hc->S[s + k] = d;
  }
}
static void h_gemv_n(void *c, double *w, const double *V, int kk, int s, double sign)
{
  HostCtx *hc = c;
  const int n = hc->h->n;
  for (int k = 0; k < kk; k++) {
    const double f = sign * hc->S[s + k];
    for (int r = 0; r < n; r++) w[r] += f * V[(size_t)k * n + r];
  }
}
static void h_scalar(void *c, TcadKLayout L, int step, int it, int j)
{
  tcad_krylov_scalar(((HostCtx *)c)->S, L, step, it, j);
}
static int h_fetch(void *c, int first, int count, double *dst)
{
  memcpy(dst, ((HostCtx *)c)->S + first, sizeof(double) * (size_t)count);
  return 0;
}
static double *h_alloc(void *c, int count)
{
  return malloc(sizeof(double) * (size_t)count * (size_t)((HostCtx *)c)->h->n);
}
static void h_release(void *c, double *v)
{
  (void)c;
  free(v);
}

int tcad_krylov_host_ops(TcadKrylovHost *h, const TcadKrylovOpts *opt, TcadKrylovOps *o)
{
  memset(o, 0, sizeof *o);
  HostCtx *c = calloc(1, sizeof *c);
  const int size = tcad_krylov_scalars(opt);
  if (!c || !(c->S = calloc((size_t)size, sizeof(double)))) {
    free(c);
    return tcad_error(TCAD_ERR_MEM, "Krylov scalars");
  }
  c->h = h;
  o->ctx = c, o->n = h->n, o->S = c->S;
  o->matvec = h_matvec, o->precond = h_precond, o->dot = h_dot, o->lincomb = h_lincomb;
  o->gemv_t = h_gemv_t, o->gemv_n = h_gemv_n, o->scalar = h_scalar, o->fetch = h_fetch;
  o->alloc = h_alloc, o->release = h_release;
  return 0;
}

void tcad_krylov_host_free(TcadKrylovOps *o)
{
  HostCtx *c = o->ctx;
  if (c) free(c->S);
  free(c);
  memset(o, 0, sizeof *o);
}
