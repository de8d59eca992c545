/* The finite-difference check of the analytic Jacobian shared by the Jacobian tests (t050, t063):
 * central differences of the residual (TcadSimEvaluate) column by column, compared entry by entry
 * with the analytic matrix, column-scaled: an entry's error times the size of its unknown,
 * against the row's total |J| times the unknowns' sizes. A non-zero difference outside the
 * pattern always fails. */
#ifndef TCAD_TESTS_FD_JACOBIAN_H
#define TCAD_TESTS_FD_JACOBIAN_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tcad/sim.h"

/* worst column-scaled error over the matrix, relative to the row's scale */
static inline double fd_check(TcadSim *sim, int mode, int *where)
{
  int nrows;
  const int *rp, *col;
  TcadSimGetPattern(sim, &nrows, &rp, &col);
  double *x = TcadSimGetState(sim);
  const int bs = TcadSimGetBlockSize(sim);
  double *f0 = malloc(sizeof(double) * nrows), *fp = malloc(sizeof(double) * nrows),
         *fm = malloc(sizeof(double) * nrows), *jac = malloc(sizeof(double) * rp[nrows]),
         *fd = calloc((size_t)rp[nrows], sizeof(double)), *xs = malloc(sizeof(double) * nrows),
         *rowscale = calloc((size_t)nrows, sizeof(double));
  TcadSimEvaluate(sim, mode, x, f0, jac);
  /* ψ enters through differences: its natural size is one V_T whatever its value */
  for (int k = 0; k < nrows; k++) xs[k] = k % bs == 0 ? 1.0 : fmax(fabs(x[k]), 1e-30);
  for (int k = 0; k < nrows; k++) {
    /* temperatures: a smaller step, inside the Hänsch join at T_L (1e-4/a kelvin wide, 6e-5
     * of T_L for electrons), which a step of 1e-6 T_L straddles with a (h/δ)² ~ 2e-4 error */
    const double x0 = x[k], h = (k % bs >= 3 ? 1e-7 : 1e-6) * xs[k];
    x[k] = x0 + h;
    TcadSimEvaluate(sim, mode, x, fp, NULL);
    x[k] = x0 - h;
    TcadSimEvaluate(sim, mode, x, fm, NULL);
    x[k] = x0;
    /* scatter column k into the pattern (rows that couple to k) */
    for (int r = 0; r < nrows; r++) {
      const double d = (fp[r] - fm[r]) / (2 * h);
      if (d == 0.0) continue;
      /* densities below 1e-150 (of the scale) are beyond what a difference quotient resolves:
       * x ± 1e-6 x changes no residual bit */
      int found = 0;
      for (int q = rp[r]; q < rp[r + 1]; q++)
        if (col[q] == k) fd[q] = d, found = 1;
      if (!found && fabs(d) * xs[k] > 0) fd[rp[r]] += NAN; /* outside the pattern: always fails */
    }
  }
  for (int r = 0; r < nrows; r++)
    for (int q = rp[r]; q < rp[r + 1]; q++) rowscale[r] += fabs(jac[q]) * xs[col[q]];
  double worst = 0;
  *where = -1;
  for (int r = 0; r < nrows; r++)
    for (int q = rp[r]; q < rp[r + 1]; q++) {
      if (col[q] % bs != 0 && fabs(x[col[q]]) < 1e-150) continue;
      const double err = fabs(fd[q] - jac[q]) * xs[col[q]] / (rowscale[r] > 0 ? rowscale[r] : 1.0);
      if (!(err <= worst)) worst = err, *where = q;
    }
  if (getenv("TCAD_DEBUG") && *where >= 0) {
    int r = 0;
    while (rp[r + 1] <= *where) r++;
    printf("# worst: row %d (node %d eq %d) col %d (node %d var %d): analytic %.6e fd %.6e rowscale %.3e x %.3e\n", r,
           r / bs, r % bs, col[*where], col[*where] / bs, col[*where] % bs, jac[*where], fd[*where], rowscale[r],
           x[col[*where]]);
  }
  free(f0), free(fp), free(fm), free(jac), free(fd), free(xs), free(rowscale);
  return worst;
}

#endif
