/* Scaling of the Newton system for iterative solvers: the per-block-row loop bodies, TCAD_HD so
 * the host (bench_linear, the CPU proof) and the CUDA solver run the same arithmetic.
 *
 * The matrix is the assembly's node-major CSR (kernels/asm.h): scalar rows bs·i .. bs·i+bs−1 of
 * block row i share one column pattern of whole bs×bs blocks, block columns ascending. The
 * scaled system is  (R J C) y = R b,  x = C y, with diagonal R (rows) and C (columns):
 *   C: 1 for ψ and temperatures; for the densities the density itself (unknown n/C0, floored at
 *      TCAD_LIN_DENSITY_FLOOR), so the solve works with the relative update δn/n. Carrier
 *      densities span 1e-5..1e21 cm⁻³; relative updates do not.
 *   R: each row divided by its largest entry after the column scaling (equilibration).
 * TCAD_LIN_SCALE_BLOCK multiplies each block row by the inverse of its (scaled) diagonal block
 * as well, so every diagonal block becomes the identity (a block-Jacobi left scaling). */
#ifndef TCAD_KERNELS_LINEAR_H
#define TCAD_KERNELS_LINEAR_H
#include <math.h>
#include <string.h>

#include "tcad/hd.h"

#define TCAD_LIN_MAXBS 5
#define TCAD_LIN_DENSITY_FLOOR 1e-200

enum {
  TCAD_LIN_SCALE_NONE = 0,   /* as assembled */
  TCAD_LIN_SCALE_JACOBI = 1, /* D^-1/2 J D^-1/2, D = |diag J| */
  TCAD_LIN_SCALE_ROW = 2,    /* rows equilibrated */
  TCAD_LIN_SCALE_COLROW = 3, /* density columns × density, then rows equilibrated */
  TCAD_LIN_SCALE_BLOCK = 4,  /* rows equilibrated, then block rows × inverse diagonal block */
  TCAD_LIN_SCALE_ROWCOL = 5  /* rows equilibrated, then columns equilibrated */
};

typedef struct {
  int bs, nnodes;
  const int *rowptr, *col; /* scalar CSR, bs·nnodes rows */
} TcadLinPattern;

static inline int tcad_lin_scale_kind(const char *name)
{
  static const char *names[] = {"none", "jacobi", "row", "colrow", "block", "rowcol"};
  for (int k = 0; k < 6; k++)
    if (!strcmp(name, names[k])) return k;
  return -1;
}

/* Index of the diagonal entry of scalar row r (its column is r); -1 when absent. */
TCAD_HD int tcad_lin_diag(const TcadLinPattern *p, int r)
{
  for (int k = p->rowptr[r]; k < p->rowptr[r + 1]; k++)
    if (p->col[k] == r) return k;
  return -1;
}

/* 1 / the largest |entry| of row r of a (1 for an empty or zero row). */
TCAD_HD double tcad_lin_row_weight(const TcadLinPattern *p, const double *a, int r)
{
  double m = 0;
  for (int k = p->rowptr[r]; k < p->rowptr[r + 1]; k++) m = fmax(m, fabs(a[k]));
  return m > 0 ? 1.0 / m : 1.0;
}

/* Column scales of node i (bs entries at cs + bs·i) from the scaled state x. */
TCAD_HD void tcad_lin_colscale_node(const TcadLinPattern *p, int kind, int i, const double *x, double *cs)
{
  for (int k = 0; k < p->bs; k++) {
    const int r = p->bs * i + k;
    cs[r] = 1.0;
    if (kind == TCAD_LIN_SCALE_COLROW && (k == 1 || k == 2)) cs[r] = fmax(fabs(x[r]), TCAD_LIN_DENSITY_FLOOR);
  }
}

/* Invert the bs×bs row-major block m into inv by Gauss–Jordan with partial pivoting; returns 0,
 * or 1 when a pivot is exactly zero (inv then holds the identity). */
TCAD_HD int tcad_lin_block_inverse(int bs, const double *m, double *inv)
{
  double w[TCAD_LIN_MAXBS * TCAD_LIN_MAXBS];
  for (int k = 0; k < bs * bs; k++) w[k] = m[k], inv[k] = (k / bs == k % bs) ? 1.0 : 0.0;
  for (int c = 0; c < bs; c++) {
    int piv = c;
    for (int r = c + 1; r < bs; r++)
      if (fabs(w[r * bs + c]) > fabs(w[piv * bs + c])) piv = r;
    if (w[piv * bs + c] == 0.0) {
      for (int k = 0; k < bs * bs; k++) inv[k] = (k / bs == k % bs) ? 1.0 : 0.0;
      return 1;
    }
    if (piv != c)
      for (int k = 0; k < bs; k++) {
        double t = w[c * bs + k];
        w[c * bs + k] = w[piv * bs + k], w[piv * bs + k] = t;
        t = inv[c * bs + k], inv[c * bs + k] = inv[piv * bs + k], inv[piv * bs + k] = t;
      }
    const double d = 1.0 / w[c * bs + c];
    for (int k = 0; k < bs; k++) w[c * bs + k] *= d, inv[c * bs + k] *= d;
    for (int r = 0; r < bs; r++) {
      if (r == c) continue;
      const double f = w[r * bs + c];
      if (f == 0.0) continue;
      for (int k = 0; k < bs; k++) w[r * bs + k] -= f * w[c * bs + k], inv[r * bs + k] -= f * inv[c * bs + k];
    }
  }
  return 0;
}

/* Scale block row i of a in place, given the column scales cs of every node: writes the row
 * scales rs (bs entries) and, for TCAD_LIN_SCALE_BLOCK, the inverse diagonal block dinv
 * (bs·bs entries at dinv + bs·bs·i; may be NULL otherwise). Returns 1 when the diagonal block is
 * singular (then the block step is skipped for this row), else 0. */
TCAD_HD int tcad_lin_scale_node(const TcadLinPattern *p, int kind, int i, const double *cs, double *a, double *rs,
                                double *dinv)
{
  const int bs = p->bs, r0 = bs * i, len = p->rowptr[r0 + 1] - p->rowptr[r0];
  for (int k = 0; k < bs; k++) {
    const int r = r0 + k;
    double w = 1.0;
    if (kind == TCAD_LIN_SCALE_JACOBI) w = cs[r]; /* symmetric: the row scale is the column scale */
    for (int q = p->rowptr[r]; q < p->rowptr[r + 1]; q++) a[q] *= cs[p->col[q]];
    if (kind >= TCAD_LIN_SCALE_ROW) w = tcad_lin_row_weight(p, a, r);
    rs[k] = w;
    for (int q = p->rowptr[r]; q < p->rowptr[r + 1]; q++) a[q] *= w;
  }
  if (kind != TCAD_LIN_SCALE_BLOCK) return 0;
  /* the diagonal block, then every block of the row times its inverse */
  const int d0 = tcad_lin_diag(p, r0), base = p->rowptr[r0];
  if (d0 < 0) return 1;
  double m[TCAD_LIN_MAXBS * TCAD_LIN_MAXBS], *inv = dinv + bs * bs * i;
  for (int k = 0; k < bs; k++)
    for (int c = 0; c < bs; c++) m[k * bs + c] = a[d0 + k * len + c];
  const int sing = tcad_lin_block_inverse(bs, m, inv);
  for (int b = 0; b < len; b += bs) {
    double blk[TCAD_LIN_MAXBS * TCAD_LIN_MAXBS];
    for (int k = 0; k < bs; k++)
      for (int c = 0; c < bs; c++) blk[k * bs + c] = a[base + k * len + b + c];
    for (int k = 0; k < bs; k++)
      for (int c = 0; c < bs; c++) {
        double s = 0;
        for (int m2 = 0; m2 < bs; m2++) s += inv[k * bs + m2] * blk[m2 * bs + c];
        a[base + k * len + b + c] = s;
      }
  }
  return sing;
}

/* The right-hand side of block row i: b ← R b, then ← Dinv b for TCAD_LIN_SCALE_BLOCK. */
TCAD_HD void tcad_lin_scale_rhs_node(int bs, int kind, int i, const double *rs, const double *dinv, double *b)
{
  double v[TCAD_LIN_MAXBS];
  for (int k = 0; k < bs; k++) v[k] = rs[bs * i + k] * b[bs * i + k];
  for (int k = 0; k < bs; k++) {
    double s = v[k];
    if (kind == TCAD_LIN_SCALE_BLOCK) {
      s = 0;
      for (int m = 0; m < bs; m++) s += dinv[bs * bs * i + k * bs + m] * v[m];
    }
    b[bs * i + k] = s;
  }
}

/* Whole-matrix host loops (the CUDA solver runs the node functions one thread per node). The
 * Jacobi scaling is symmetric: its column scales are the row scales. Returns the number of
 * singular diagonal blocks. */
static inline int tcad_lin_scale(const TcadLinPattern *p, int kind, const double *x, double *a, double *rs, double *cs,
                                 double *dinv)
{
  int sing = 0;
  const int bs = p->bs;
  if (kind == TCAD_LIN_SCALE_JACOBI) {
    for (int r = 0; r < bs * p->nnodes; r++) {
      const int d = tcad_lin_diag(p, r);
      cs[r] = d >= 0 && a[d] != 0.0 ? 1.0 / sqrt(fabs(a[d])) : 1.0;
    }
  } else {
    for (int i = 0; i < p->nnodes; i++) tcad_lin_colscale_node(p, kind, i, x, cs);
  }
  for (int i = 0; i < p->nnodes; i++) sing += tcad_lin_scale_node(p, kind, i, cs, a, rs + bs * i, dinv);
  if (kind == TCAD_LIN_SCALE_ROWCOL) {
    const int N = bs * p->nnodes;
    for (int r = 0; r < N; r++) cs[r] = 0;
    for (int r = 0; r < N; r++)
      for (int k = p->rowptr[r]; k < p->rowptr[r + 1]; k++) cs[p->col[k]] = fmax(cs[p->col[k]], fabs(a[k]));
    for (int r = 0; r < N; r++) cs[r] = cs[r] > 0 ? 1.0 / cs[r] : 1.0;
    for (int r = 0; r < N; r++)
      for (int k = p->rowptr[r]; k < p->rowptr[r + 1]; k++) a[k] *= cs[p->col[k]];
  }
  return sing;
}

/* The block (BSR) form of the node-major CSR: block row i's blocks are its scalar rows' entries
 * regrouped, in the same order, so block b of block row i starts at value rowptr[bs·i] + b·bs².
 * The block pattern (host, once per mesh): browptr[n + 1], bcol[nnz / bs²]. */
static inline void tcad_lin_bsr_pattern(const TcadLinPattern *p, int *browptr, int *bcol)
{
  const int bs = p->bs, n = p->nnodes;
  for (int i = 0; i < n; i++) {
    const int r0 = bs * i, len = p->rowptr[r0 + 1] - p->rowptr[r0];
    browptr[i] = p->rowptr[r0] / (bs * bs);
    for (int b = 0; b < len / bs; b++) bcol[browptr[i] + b] = p->col[p->rowptr[r0] + b * bs] / bs;
  }
  browptr[n] = p->rowptr[bs * n] / (bs * bs);
}

/* Block row i's values into BSR blocks: row-major within each block (cuSPARSE
 * CUSPARSE_DIRECTION_ROW) or, with colmajor, column-major (PETSc's SeqBAIJ storage). */
TCAD_HD void tcad_lin_to_bsr_node(int bs, int i, const int *rowptr, const double *a, double *bsr, int colmajor)
{
  const int r0 = bs * i, base = rowptr[r0], len = rowptr[r0 + 1] - base;
  for (int b = 0; b < len / bs; b++)
    for (int k = 0; k < bs; k++)
      for (int m = 0; m < bs; m++)
        bsr[base + b * bs * bs + (colmajor ? m * bs + k : k * bs + m)] = a[base + k * len + b * bs + m];
}
#endif
