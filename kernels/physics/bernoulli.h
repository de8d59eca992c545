/* Bernoulli function B(x) = x / (e^x - 1) and its derivative, the core of the
 * Scharfetter–Gummel flux. Dimensionless. Valid for every finite x: the series is used for
 * |x| < 0.1 (where x/expm1(x) loses digits in 1 - B), and the two branches of the closed form
 * never evaluate e^x for x > 0, so nothing overflows at x = +/-700 and beyond. */
#ifndef TCAD_PHYSICS_BERNOULLI_H
#define TCAD_PHYSICS_BERNOULLI_H
#include <math.h>

#include "tcad/hd.h"

TCAD_HD double tcad_bernoulli(double x, double *dbdx)
{
  double b;
  if (fabs(x) < 0.1) {
    /* Taylor series with Bernoulli numbers B2..B10; the first omitted term is O(x^12)
     * (< 1e-18 at |x| = 0.1). */
    const double x2 = x * x;
    b = 1.0 - 0.5 * x +
        x2 * (1.0 / 12.0 + x2 * (-1.0 / 720.0 + x2 * (1.0 / 30240.0 + x2 * (-1.0 / 1209600.0 + x2 / 47900160.0))));
    if (dbdx)
      *dbdx = -0.5 + x * (1.0 / 6.0 + x2 * (-1.0 / 180.0 +
                                            x2 * (1.0 / 5040.0 + x2 * (-1.0 / 151200.0 + x2 * (10.0 / 47900160.0)))));
    return b;
  }
  if (x > 0.0) {
    const double em = exp(-x);
    b = x * em / (-expm1(-x));
  } else {
    b = x / expm1(x);
  }
  /* B'(x) = B ((1 - B)/x - 1), from d ln B/dx = 1/x - e^x/(e^x - 1) and e^x/(e^x-1) = 1 + B/x */
  if (dbdx) *dbdx = b * ((1.0 - b) / x - 1.0);
  return b;
}
#endif
