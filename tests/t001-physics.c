/* Single-source physics: tcad_bernoulli against an independent long-double evaluation and its
 * derivative against a finite difference; the same function on the GPU against the host. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "kernels/cuda.h"
#include "kernels/physics/bernoulli.h"
#include "kernels/physics/probe.h"
#include "tap.h"
#include "tcad/error.h"

/* Independent reference: x/(e^x - 1) in long double, with expm1l; the long-double series
 * for tiny |x| where even expm1l's relative error matters little. */
static long double bern_ref(long double x)
{
  if (fabsl(x) < 1e-6L) return 1.0L - x / 2 + x * x / 12;
  if (x > 11000.0L) return 0.0L;
  return x / expm1l(x);
}

static const double pts[] = {0.0,  1e-300,    -1e-300, 1e-12, -1e-12, 1e-6,  -1e-6,  1e-3, -1e-3, 0.0999999, 0.1,
                             -0.1, 0.1000001, 0.5,     -0.5,  1,      -1,    2.5,    -2.5, 10,    -10,       36,
                             -36,  100,       -100,    700,   -700,   709.7, -709.7, 745,  -745,  1e4,       -1e4};

int main(void)
{
  const int n = (int)(sizeof pts / sizeof pts[0]);
  double worst = 0, worst_x = 0;
  for (int i = 0; i < n; i++) {
    double b = tcad_bernoulli(pts[i], NULL);
    long double r = bern_ref(pts[i]);
    /* where the true value is below the double range, the double result must be (near) 0 */
    double err = fabsl(r) > DBL_MIN ? (double)fabsl((b - r) / r) : fabs(b) / DBL_MIN * DBL_EPSILON;
    if (err > worst) worst = err, worst_x = pts[i];
  }
  tap_check(worst < 4e-15, "physics.bernoulli.value", "worst relative error %.3g at x = %g", worst, worst_x);

  /* derivative: central difference of the long-double reference, away from the series seam */
  worst = 0;
  for (int i = 0; i < n; i++) {
    double x = pts[i], d;
    if (fabs(x) > 700) continue;
    tcad_bernoulli(x, &d);
    long double h = 1e-6L * (fabsl(x) > 1 ? fabsl(x) : 1.0L); /* truncation ~h^2/6 */
    long double fd = (bern_ref(x + h) - bern_ref(x - h)) / (2 * h);
    double err = (double)fabsl((d - fd) / (fabsl(fd) > 1e-300L ? fabsl(fd) : 1.0L));
    if (err > worst) worst = err, worst_x = x;
  }
  tap_check(worst < 1e-8, "physics.bernoulli.derivative", "worst relative error %.3g at x = %g", worst, worst_x);

  /* B(x) - B(-x) = -x exactly: a consistency identity the SG flux relies on */
  worst = 0;
  for (int i = 0; i < n; i++) {
    double x = pts[i];
    if (fabs(x) > 700) continue;
    double e = fabs(tcad_bernoulli(x, NULL) - tcad_bernoulli(-x, NULL) + x) / fmax(1.0, fabs(x));
    if (e > worst) worst = e, worst_x = x;
  }
  tap_check(worst < 4e-15, "physics.bernoulli.odd_identity", "worst %.3g at x = %g", worst, worst_x);

  TcadCudaInfo ci;
  tcad_cuda_query(&ci);
  if (!ci.ndevices) {
    tap_skip("physics.bernoulli.cuda_vs_host", ci.why);
  } else {
    double in[64 * TCAD_PROBE_NIN] = {0}, out[64 * TCAD_PROBE_NOUT];
    for (int i = 0; i < n; i++) in[TCAD_PROBE_NIN * i] = pts[i];
    int e = TcadCudaPhysicsProbe(TCAD_PROBE_BERNOULLI, n, in, out);
    worst = 0, worst_x = 0;
    double worst_h = 0, worst_d = 0;
    for (int i = 0; i < n && !e; i++) {
      const double b = out[TCAD_PROBE_NOUT * i], d = out[TCAD_PROBE_NOUT * i + 1];
      double hd, hb = tcad_bernoulli(pts[i], &hd);
      /* relative, with the rule of the value check above: below DBL_MIN (x ≳ 708, where the
       * device's and the C library's exp may differ by one subnormal ulp, a relative error of
       * order 1) the difference counts at the precision of DBL_MIN */
      const double eb = fabs(b - hb) / fmax(fabs(hb), DBL_MIN), ed = fabs(d - hd) / fmax(fabs(hd), DBL_MIN);
      if (fmax(eb, ed) > worst)
        worst = fmax(eb, ed), worst_x = pts[i], worst_h = eb >= ed ? hb : hd, worst_d = eb >= ed ? b : d;
    }
    tap_check(!e && worst <= 1e-14, "physics.bernoulli.cuda_vs_host",
              "%s worst %.3g at x = %g (host %.17g, device %.17g)", e ? tcad_error_message() : "", worst, worst_x,
              worst_h, worst_d);
  }
  return tap_exit();
}
