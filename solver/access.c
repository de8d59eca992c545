/* The TcadSim accessors (the contact ones are in contacts.c) and the hooks the tests use. */
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"

void TcadSimGetSolution(const TcadSim *s, double *psi, double *n, double *p)
{
  const double *x = TcadSimGetState((TcadSim *)s), *sv = s->D.p.sv;
  const int bs = s->bs;
  for (int i = 0; i < s->nnodes; i++) {
    if (psi) psi[i] = x[bs * i] * sv[0];
    if (n) n[i] = x[bs * i + 1] * sv[1];
    if (p) p[i] = x[bs * i + 2] * sv[2];
  }
}

int TcadSimGetBlockSize(const TcadSim *s) { return s->bs; }
int TcadSimGetNodeCount(const TcadSim *s) { return s->nnodes; }
int TcadSimGetEnergyBalance(const TcadSim *s) { return s->bs > 3 && s->D.p.energy; }

const TcadSolveStats *TcadSimGetLastSolve(const TcadSim *s) { return &s->last; }
const TcadSimTotals *TcadSimGetTotals(const TcadSim *s) { return &s->totals; }
double TcadSimGetNi(const TcadSim *s) { return s->nie; }
double TcadSimGetVt(const TcadSim *s) { return s->vt; }

int TcadSimGetPattern(const TcadSim *s, int *nrows, const int **rowptr, const int **col)
{
  *nrows = s->bs * s->nnodes, *rowptr = s->rowptr, *col = s->col;
  return 0;
}

int TcadSimSetEnergy(TcadSim *s, int on, double tauw_factor)
{
  if (s->bs == 3)
    return tcad_error(TCAD_ERR_INPUT, "the drift-diffusion transport has no temperature equations; use 'transport: "
                                      "energy-balance' or 'energy-balance-electrons'");
  s->D.p.energy = on ? 1 : 0;
  for (int k = 0; k < 2; k++) s->D.p.tauw[k] = tauw_factor * s->tauw[k];
  return 0;
}

int TcadSimSetMode(TcadSim *s, int mode)
{
  s->D.p.mode = mode;
  return 0;
}

int TcadSimEvaluate(TcadSim *s, int mode, const double *x, double *f, double *jac)
{
  const int save = s->D.p.mode;
  s->D.p.mode = mode;
  const int e = tcad_sim_assemble(s, x, f, jac, NULL, NULL);
  s->D.p.mode = save;
  TCAD_CALL(e);
  return 0;
}

double *TcadSimGetState(TcadSim *s)
{
  PetscScalar *x, *keep;
  VecGetArray(s->X, &x);
  keep = x;
  VecRestoreArray(s->X, &x); /* nulls x; the storage of a sequential vector stays put */
  return keep;
}
