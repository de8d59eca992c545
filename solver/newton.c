/* PETSc SNES around the assembly loops: residual and analytic Jacobian callbacks, the
 * potential-update damping and carrier positivity limiter (a line-search post-check), and a
 * convergence test on the scaled update. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"
#include "tcad/petsc_error.h"

static PetscErrorCode form_function(SNES snes, Vec X, Vec F, void *ctx)
{
  TcadSim *s = ctx;
  const PetscScalar *x;
  PetscScalar *f;
  const double t = tcad_now();
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(F, &f));
  const int e = tcad_sim_assemble(s, x, f, NULL, s->cflux, s->fmag);
  if (e) VecRestoreArray(F, &f), VecRestoreArrayRead(X, &x);
  TCAD_PETSC_RAISE(e);
  /* an iterate outside the model's domain (overflow) makes SNES stop and the step be cut */
  int finite = 1;
  for (int k = 0; k < s->bs * s->nnodes && finite; k++) finite = isfinite(f[k]);
  PetscCall(VecRestoreArray(F, &f));
  if (!finite) PetscCall(SNESSetFunctionDomainError(snes));
  PetscCall(VecRestoreArrayRead(X, &x));
  s->t_asm_acc += tcad_now() - t;
  PetscFunctionReturn(0);
}

static PetscErrorCode form_jacobian(SNES snes, Vec X, Mat J, Mat P, void *ctx)
{
  TcadSim *s = ctx;
  const PetscScalar *x;
  PetscScalar *a;
  (void)snes;
  const double t = tcad_now();
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(MatSeqAIJGetArray(P, &a));
  /* the device linear solver reads the device Jacobian: no host copy then */
  const int e = tcad_sim_assemble_jacobian(s, x, s->fwork, 1, tcad_linear_on_device(s->lin) ? NULL : a, NULL, NULL);
  PetscCall(MatSeqAIJRestoreArray(P, &a));
  PetscCall(VecRestoreArrayRead(X, &x));
  TCAD_PETSC_RAISE(e);
  PetscCall(MatAssemblyBegin(P, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(P, MAT_FINAL_ASSEMBLY));
  if (J != P) { /* the device MATSHELL: a new state, so the preconditioner is rebuilt */
    PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  }
  s->t_asm_acc += tcad_now() - t;
  PetscFunctionReturn(0);
}

/* Newton's update W − X is limited before it is taken:
 * - potential: in the equilibrium (Poisson) solve each node's Δψ beyond V_d is compressed
 *   logarithmically, V_d (1 + ln(|Δψ|/V_d)); in the coupled solve the whole update is scaled by
 *   the same factor taken at the largest |Δψ|, which keeps the Newton direction;
 * - densities and temperatures: see below; they stay positive.
 * The scaled size of the step taken (max |Δψ|/V_T, |Δn|/(n + n_i), |ΔT|/T) feeds the convergence
 * test. */
static PetscErrorCode post_check(SNESLineSearch ls, Vec X, Vec Y, Vec W, PetscBool *changed_y, PetscBool *changed_w,
                                 void *ctx)
{
  TcadSim *s = ctx;
  const PetscScalar *x;
  PetscScalar *w;
  const double vd = s->opt.damp_volts / s->vt; /* in scaled ψ units */
  const int n = s->nnodes, bs = s->bs, coupled = s->D.p.mode == TCAD_ASM_COUPLED, hot = coupled && s->D.p.energy;
  (void)ls, (void)Y;
  PetscFunctionBeginUser;
  *changed_y = PETSC_FALSE;
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(W, &w));
  double lambda = 1.0;
  int limited = 0;
  if (vd > 0) {
    if (coupled) {
      double dmax = 0;
      for (int i = 0; i < n; i++) dmax = fmax(dmax, fabs(w[bs * i] - x[bs * i]));
      if (dmax > vd) lambda = vd * (1.0 + log(dmax / vd)) / dmax;
      if (lambda < 1.0)
        for (int k = 0; k < bs * n; k++) w[k] = x[k] + lambda * (w[k] - x[k]);
    } else {
      for (int i = 0; i < n; i++) {
        const double d = w[bs * i] - x[bs * i], a = fabs(d);
        if (a > vd) w[bs * i] = x[bs * i] + copysign(vd * (1.0 + log(a / vd)), d), limited = 1;
      }
    }
  }
  double upd = 0;
  int worst = -1;
  /* densities far below n_i carry no current that matters (generation there is set by n_i):
   * their relative change is measured against n_i */
  const double nfloor = s->nie / s->C0;
  for (int i = 0; i < n; i++) {
    upd = fmax(upd, fabs(w[bs * i] - x[bs * i]));
    if (!coupled || !s->D.node_semi[i]) continue;
    /* a temperature is limited like a density, its growth per step to a factor 1 + G_T */
    for (int k = 1; k < (hot ? bs : 3); k++) {
      double *v = &w[bs * i + k];
      const double old = x[bs * i + k], G = k < 3 ? s->opt.density_growth : s->opt.temperature_growth;
      const double fl = k < 3 ? nfloor : 0.0;
      /* Newton's relative step r = δn/n, measured before limiting, judges convergence (a
       * limited step must not look converged). A decrease to less than a tenth continues as
       * 0.1 e^(r + 0.9): close to the e^r that a potential swing asks for when r ≪ −1, and
       * positive when the linearization overshoots below zero */
      if (old > 0) {
        const double r = (*v - old) / old;
        const double rel = fabs(*v - old) / (fabs(old) + fl);
        if (rel > upd) upd = rel, worst = bs * i + k;
        /* e^r is no longer within O(r²) of 1 + r (a density far below n_i, whose change the
         * update does not count, does not count here either) */
        if (r < -0.5 && rel > s->opt.update_tol) limited = 1;
        /* below n_i, where a density carries no current that matters, Newton's own step is
         * taken when it stays positive, else the fall follows the potential (n ∝ e^(ψ/V_T),
         * p ∝ e^(−ψ/V_T) at a fixed quasi-Fermi level) or e^r, whichever is larger: a minority
         * density in a depletion region is linear in itself once ψ has settled, and e^r alone
         * gave a factor e per iteration there (14 iterations for a 1e-6 fall, measured on a
         * reverse-biased p+n junction, at every bias step); an undershoot returns to n_i
         * freely (below) */
        if (r < -0.5 && k < 3 && old < fl) {
          const double dpsi = (w[bs * i] - x[bs * i]) * (k == 1 ? 1.0 : -1.0); /* ψ in V_T units */
          *v = fmax(r > -1.0 ? old * (1.0 + r) : old * fmin(exp(fmin(r, dpsi)), 1e-3), 1e-300);
        } else if (r < 0 && k < 3)
          *v = fmax(old * exp(r), 1e-300);
        /* a temperature falls by at most the factor it may grow by, and not below T_L/10:
         * where a carrier is all but absent (a minority carrier in n⁺, p ~ 10 cm⁻³) every term
         * of its energy row is ∝ p, its temperature is set to rounding, and the linearization
         * asks for steps to 1e-300 K that no flux formula survives */
        else if (r < 0)
          *v = fmax(fmax(old * exp(r), old / (1.0 + G)), 0.1 * s->T / s->D.p.sv[k]);
        /* growth beyond a factor 1 + G is compressed logarithmically (C¹ at G): a minority
         * density that the linearization would raise by ten decades in one step (the usual
         * way a coupled Newton on n, p diverges) rises by a bounded factor and the next
         * iterate is judged again. The factor counts from max(n, n_i): a density far below
         * n_i may rise to n_i freely (else one that a step sent to 1e-300 in a depleted
         * region needs hundreds of steps to come back, and Newton stalls) */
        else if (r > G) {
          const double base = fmax(old, fl), rb = (*v - base) / base;
          if (rb > G) *v = base * (1.0 + G * (1.0 + log(rb / G))), limited = 1;
        }
      } else if (*v <= 0.0) {
        *v = 1e-300;
      }
    }
  }
  s->prev_update = s->last_update;
  s->last_update = upd;
  s->limited = limited || lambda < 1.0;
  if (s->opt.newton_monitor) {
    const int node = worst >= 0 ? worst / bs : 0;
    const double *c = s->mesh->coord + 3 * (size_t)node;
    printf("    limiter: update %.3e, potential scale %.3g, largest at unknown %d at (%.4f, %.4f) um N=%.3g "
           "(%.4e -> %.4e)\n",
           upd, lambda, worst, 1e4 * c[0], 1e4 * c[1], s->donors[node] - s->acceptors[node],
           worst >= 0 ? x[worst] : 0.0, worst >= 0 ? w[worst] : 0.0);
  }
  PetscCall(VecRestoreArray(W, &w));
  PetscCall(VecRestoreArrayRead(X, &x));
  *changed_w = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* The linear solver of the Newton steps when no pipeline replaces it (solver/backend.c): LU
 * (MUMPS; PETSc's own in 1D), or -tcad_linear krylov's GMRES + ILU(2). Also restores it when a
 * backend change drops a pipeline that had replaced it. */
int tcad_sim_ksp_default(TcadSim *s, KSP ksp)
{
  PC pc;
  TCAD_PETSC_CALL(KSPSetType(ksp, KSPPREONLY));
  TCAD_PETSC_CALL(KSPGetPC(ksp, &pc));
  TCAD_PETSC_CALL(PCSetType(pc, PCLU));
  /* MUMPS when Debian's PETSc has it (it does): partial pivoting copes with the DD Jacobian */
  TCAD_PETSC_CALL(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
  /* 1D: the matrix is block tridiagonal; PETSc's LU in the natural order has no fill and none of
   * MUMPS's per-call cost (measured on a 699-node p+n breakdown run: 0.27 against 3.8 ms per
   * solve, the same breakdown voltage to 1e-6) */
  if (s->dim == 1) {
    TCAD_PETSC_CALL(PCFactorSetMatSolverType(pc, MATSOLVERPETSC));
    TCAD_PETSC_CALL(PCFactorSetMatOrderingType(pc, MATORDERINGNATURAL));
  }
  /* -tcad_linear krylov: restarted GMRES(200) with ILU(2) on the symmetrically diagonal-scaled
   * system (D^-1/2 J D^-1/2, PETSc's -ksp_diagonal_scale), relative tolerance 1e-10 so the
   * Newton update test still sees full steps; any -ksp_/-pc_ option given overrides it. The
   * pipeline (ilu-*, cudss) replaces the KSP when the backend is set (solver/backend.c). */
  if (s->opt.lin.kind == TCAD_LINEAR_KRYLOV) {
    TCAD_PETSC_CALL(KSPSetType(ksp, KSPGMRES));
    TCAD_PETSC_CALL(KSPGMRESSetRestart(ksp, 200));
    TCAD_PETSC_CALL(KSPSetTolerances(ksp, 1e-10, 1e-50, 1e4, 2000));
    TCAD_PETSC_CALL(KSPSetDiagonalScale(ksp, PETSC_TRUE));
    TCAD_PETSC_CALL(KSPSetDiagonalScaleFix(ksp, PETSC_TRUE));
    TCAD_PETSC_CALL(PCSetType(pc, PCILU));
    TCAD_PETSC_CALL(PCFactorSetLevels(pc, 2));
  }
  return 0;
}

/* Iterations without progress after which a solve that can still be cut stops (converged) */
#define TCAD_NEWTON_STALL_ITS 6
/* and once |F| is below 1e-6 of where it started (the rest converged, one row is stuck: a
 * density pinned at its bound by a generation of the wrong sign, redone below) */
#define TCAD_NEWTON_STALL_CLOSE 3

/* Converged when PETSc's default test says so (its tolerances, -snes_rtol etc.) or when the
 * last update was below -tcad_update_tol in the scaled sense above: densities spanning 30
 * orders of magnitude make any single residual norm a poor judge of the small ones. */
static PetscErrorCode converged(SNES snes, PetscInt it, PetscReal xnorm, PetscReal snorm, PetscReal fnorm,
                                SNESConvergedReason *reason, void *ctx)
{
  TcadSim *s = ctx;
  PetscFunctionBeginUser;
  PetscCall(SNESConvergedDefault(snes, it, xnorm, snorm, fnorm, reason, NULL));
  /* largest residual relative to the size of the terms it sums */
  double rel = 0;
  {
    Vec F;
    const PetscScalar *f;
    PetscCall(SNESGetFunction(snes, &F, NULL, NULL));
    PetscCall(VecGetArrayRead(F, &f));
    for (int k = 0; k < s->bs * s->nnodes; k++) {
      const double a = fabs(f[k]);
      if (a > 0) rel = fmax(rel, s->fmag[k] > 0 ? a / s->fmag[k] : INFINITY);
    }
    PetscCall(VecRestoreArrayRead(F, &f));
  }
  s->last_relres = rel;
  /* a driven contact's equation must hold too: the update test alone would stop while the
   * contact current is off by what the last update still moves it (measured: 9 % at 1e-9 A/cm^2,
   * a 1e-8 update stops where the current equation is 0.09). Its row holds (I − I_target)/|I|
   * or (V − V_applied + R I)/V_T; it counts as met at 1e-6 of the size of its terms, or once
   * the update has stalled a thousand times below the tolerance (the rounding floor of the
   * contact sum) */
  int drive_ok = 1;
  if (s->nfloating && s->D.p.mode == TCAD_ASM_COUPLED) {
    Vec F;
    const PetscScalar *f;
    PetscCall(SNESGetFunction(snes, &F, NULL, NULL));
    PetscCall(VecGetArrayRead(F, &f));
    for (int c = 0; c < s->ncontacts; c++) {
      if (!tcad_sim_contact_driven(s, c)) continue;
      const size_t r = (size_t)s->bs * s->contacts[c].root;
      if (!(fabs(f[r]) <= TCAD_DRIVE_TOL * s->fmag[r])) drive_ok = 0;
    }
    PetscCall(VecRestoreArrayRead(F, &f));
    if (!drive_ok && it > 0 && s->last_update < 1e-3 * s->opt.update_tol) drive_ok = 1;
  }
  if (s->opt.newton_monitor) printf("    it %d: |F| %.3e, largest residual / term size %.3e\n", (int)it, fnorm, rel);
  /* progress: |F| or the update halved since the best so far. A solve that can still be cut
   * (s->stall_stop) stops after TCAD_NEWTON_STALL_ITS iterations without it: a cycle, a row stuck
   * at the rounding floor, a temperature run off to its bound (measured on the 1D energy-balance
   * breakdown: 4 failed first steps of 60 iterations each, |F| flat from the 7th) */
  if (it == 0) {
    s->f0 = s->best_f = fnorm, s->best_upd = INFINITY, s->best_it = 0, s->stalled = 0;
  } else {
    if (fnorm < 0.5 * s->best_f) s->best_f = fnorm, s->best_it = (int)it;
    if (s->last_update < 0.5 * s->best_upd) s->best_upd = s->last_update, s->best_it = (int)it;
  }
  if (*reason == SNES_CONVERGED_ITERATING && it > 0 && isfinite(fnorm) && drive_ok) {
    if (s->last_update < s->opt.update_tol) *reason = SNES_CONVERGED_SNORM_RELATIVE;
    /* Deuflhard's error estimate: with contraction θ = |δ_k|/|δ_k−1| the iterate just reached
     * is off by about θ|δ_k|. When that is below the tolerance (and the step was a plain Newton
     * step) the next update would be too: stop one iteration earlier */
    else if (!s->limited && isfinite(s->prev_update) && s->last_update < 0.5 * s->prev_update &&
             s->last_update * (s->last_update / s->prev_update) < s->opt.update_tol)
      *reason = SNES_CONVERGED_SNORM_RELATIVE;
    /* -tcad_residual_tol r: also converged when every residual is below r times the size of
     * the terms it sums (about 3e-14 is the rounding floor). For a carrier tied to its contact
     * only through a depleted region, whose update wanders at that floor. Off by default: a
     * terminal current is the sum of the residual errors over its whole path, so small
     * currents (reverse-biased junctions) need the update test (measured: a 1e-8 A/cm^2
     * reverse current moves by 20 % when this test stops Newton at r = 1e-14) */
    else if (rel < s->opt.residual_tol)
      *reason = SNES_CONVERGED_FNORM_ABS;
  }
  if (*reason == SNES_CONVERGED_ITERATING && s->stall_stop &&
      it - s->best_it >= (fnorm < 1e-6 * s->f0 ? TCAD_NEWTON_STALL_CLOSE : TCAD_NEWTON_STALL_ITS))
    *reason = SNES_DIVERGED_LOCAL_MIN, s->stalled = 1;
  if (it == 0) s->last_update = s->prev_update = INFINITY;
  PetscFunctionReturn(0);
}

int tcad_sim_setup_snes(TcadSim *s)
{
  const PetscInt N = (PetscInt)s->bs * s->nnodes;
  SNESLineSearch ls;
  KSP ksp;
  TCAD_PETSC_CALL(VecCreateSeq(PETSC_COMM_SELF, N, &s->X));
  TCAD_PETSC_CALL(VecDuplicate(s->X, &s->R));
  TCAD_PETSC_CALL(MatCreate(PETSC_COMM_SELF, &s->J));
  TCAD_PETSC_CALL(MatSetSizes(s->J, N, N, N, N));
  TCAD_PETSC_CALL(MatSetBlockSize(s->J, s->bs));
  TCAD_PETSC_CALL(MatSetType(s->J, MATSEQAIJ));
  TCAD_PETSC_CALL(MatSeqAIJSetPreallocationCSR(s->J, s->rowptr, s->col, NULL));
  TCAD_PETSC_CALL(MatSetOption(s->J, MAT_NEW_NONZERO_LOCATION_ERR, PETSC_TRUE));
  /* the kernels write PETSc's value array directly: its layout must be our CSR */
  {
    const PetscInt *ia, *ja;
    PetscInt nr;
    PetscBool done;
    TCAD_PETSC_CALL(MatGetRowIJ(s->J, 0, PETSC_FALSE, PETSC_FALSE, &nr, &ia, &ja, &done));
    int same = done && nr == N;
    for (PetscInt r = 0; same && r <= N; r++) same = ia[r] == s->rowptr[r];
    for (PetscInt k = 0; same && k < s->nnz; k++) same = ja[k] == s->col[k];
    TCAD_PETSC_CALL(MatRestoreRowIJ(s->J, 0, PETSC_FALSE, PETSC_FALSE, &nr, &ia, &ja, &done));
    if (!same) return tcad_error(TCAD_ERR_INTERNAL, "PETSc's AIJ layout differs from the assembly's CSR pattern");
  }
  TCAD_PETSC_CALL(SNESCreate(PETSC_COMM_SELF, &s->snes));
  TCAD_PETSC_CALL(SNESSetFunction(s->snes, s->R, form_function, s));
  TCAD_PETSC_CALL(SNESSetJacobian(s->snes, s->J, s->J, form_jacobian, s));
  TCAD_PETSC_CALL(SNESSetType(s->snes, SNESNEWTONLS));
  /* residual norms are dominated by the majority-carrier rows, so the default test stays off
   * (rtol, stol 0) unless -snes_rtol etc. ask for it; the update test decides */
  TCAD_PETSC_CALL(SNESSetTolerances(s->snes, 1e-50, 0.0, 0.0, 30, -1));
  TCAD_PETSC_CALL(SNESSetConvergenceTest(s->snes, converged, s, NULL));
  TCAD_PETSC_CALL(SNESGetLineSearch(s->snes, &ls));
  TCAD_PETSC_CALL(SNESLineSearchSetType(ls, SNESLINESEARCHBASIC));
  TCAD_PETSC_CALL(SNESLineSearchSetPostCheck(ls, post_check, s));
  TCAD_PETSC_CALL(SNESGetKSP(s->snes, &ksp));
  TCAD_CALL(tcad_sim_ksp_default(s, ksp));
  TCAD_PETSC_CALL(SNESSetConvergenceHistory(s->snes, NULL, NULL, 64, PETSC_TRUE));
  TCAD_PETSC_CALL(SNESSetFromOptions(s->snes));
  return 0;
}

/* Passes of one Newton solve after the first (tcad_sim_newton): each from the converged state,
 * while a parameter that depends on the solution is not yet the solution's own. */
#define TCAD_NEWTON_MAX_PASSES 6
/* The largest relative change of the generation between a converged pass's directions and its
 * solution's own with which that pass's solution is kept when the next pass fails (tcad_sim_newton). */
#define TCAD_NEWTON_DIR_KEEP 1e-2
/* The relative change of the generation that the directions of a stalled iterate must make for
 * the solve to be redone with them (tcad_sim_newton) */
#define TCAD_NEWTON_REDO_CHANGE 1e-2

/* The floor heating's gate for this solve (kernels/physics/energy.h tcad_eb_floor_gate): from the
 * spread of the voltages on the contacts that carry current, as they stand when the solve
 * starts (a contact driven in current or through a resistance: its last solution's voltage). */
static void set_floor_gate(TcadSim *s)
{
  double lo = INFINITY, hi = -INFINITY;
  for (int c = 0; c < s->ncontacts; c++) {
    if (s->contacts[c].type == TCAD_CONTACT_GATE) continue;
    lo = fmin(lo, s->contacts[c].voltage), hi = fmax(hi, s->contacts[c].voltage);
  }
  s->D.p.floor_gate = hi >= lo ? tcad_eb_floor_gate(hi - lo, s->vt) : 0.0;
}

/* Impact ionization takes the direction of each carrier's current on each edge from the
 * solution, fixed along a Newton solve (kernels/asm.h tcad_asm_edge_drive): into dir, at the
 * scaled state x. With check set, also whether the generation with dir differs from the one with
 * D.edge_dir, the directions x was solved with: by more than 1e-8 of the generation, plus the
 * rounding of the fluxes it is made from (1e-14 of α·one-way terms: the directions' own rounding
 * makes about 1e-19 of it, TCAD_DEFAULT_DIR_SMOOTH); *change, the relative difference. One pass
 * over the edges: the fluxes of the evaluation with D.edge_dir give the new directions. */
static int impact_directions(const TcadSim *s, const double *x, double *dir, int check, double *change)
{
  const TcadAsmData *D = &s->D;
  TcadAsmData Dn = s->D;
  Dn.edge_dir = dir;
  if (!check) Dn.p.impact = 0; /* the fluxes only */
  const int bs = s->bs;
  double dg = 0.0, g = 0.0, noise = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : dg, g, noise) if (D->nedges > 20000)
  for (int e = 0; e < D->nedges; e++) {
    dir[2 * e] = dir[2 * e + 1] = 0.0;
    if (!D->edge_semi[e]) continue;
    TcadAsmEdge Eo, En;
    tcad_asm_edge_eval(check ? D : &Dn, bs, e, x, &Eo);
    for (int c = 0; c < 2; c++) dir[2 * e + c] = tcad_asm_flux_direction(&Eo, c, D->p.dir_smooth);
    if (!check) continue;
    En = Eo;
    tcad_asm_edge_impact(&Dn, bs, e, x, &En);
    for (int c = 0; c < 2; c++) {
      double dF[2 * TCAD_ASM_MAXBS], sg, da;
      const double alpha = tcad_impact_alpha(&D->p.ii[c], tcad_asm_edge_drive(&Dn, bs, e, x, c, dF, &sg), &da);
      dg += fabs(En.Gc[c] - Eo.Gc[c]), g += fabs(En.Gc[c]);
      noise += 0.5 * D->edge_length[e] * alpha * Eo.M[1 + c];
    }
  }
  if (change) *change = dg / (g + 1e-14 * noise + 1e-300);
  return dg > 1e-8 * g + 1e-14 * noise;
}

void tcad_sim_impact_directions(TcadSim *s, const double *x)
{
  if (!s->D.p.impact || s->D.p.mode != TCAD_ASM_COUPLED) return;
  impact_directions(s, x, s->D.edge_dir, 0, NULL);
  s->dir_dirty = s->dir_set = 1;
}

int tcad_sim_newton(TcadSim *s, TcadSolveStats *st)
{
  SNESConvergedReason reason;
  PetscInt its, lits, nh;
  PetscReal fnorm, *hist;
  Vec save = NULL, conv = NULL; /* the state at the start; the last pass's converged state */
  double conv_gate = 0.0, conv_change = 0.0;
  int e = 0;
  const double t0 = tcad_now();
  memset(st, 0, sizeof *st);
  set_floor_gate(s);
  s->t_asm_acc = s->t_copy_acc = 0;
  s->last_update = s->prev_update = INFINITY;
  if (s->lin) tcad_linear_stats_rw(s->lin)->its_newton = 0;
  TCAD_PETSC_CALL_GOTO(e, VecDuplicate(s->X, &save), cleanup);
  TCAD_PETSC_CALL_GOTO(e, VecCopy(s->X, save), cleanup);
  const int dirs = s->D.p.impact && s->D.p.mode == TCAD_ASM_COUPLED;
  if (dirs) {
    if (!s->dir_new) TCAD_ALLOC_GOTO(e, s->dir_new, 4 * (size_t)s->D.nedges, cleanup);
    TCAD_PETSC_CALL_GOTO(e, VecDuplicate(s->X, &conv), cleanup);
    if (!s->dir_set) tcad_sim_impact_directions(s, TcadSimGetState(s));
  }
  s->dir_set = 0;
  /* Solved again from the converged state while a parameter of the solve that depends on the
   * solution is not yet the solution's own (one short pass, rarely two):
   * - with a contact driven in current or through a resistance its voltage, and so the floor
   *   gate, is part of the solution;
   * - the current directions of impact ionization, where they change the generation. */
  PetscInt its_all = 0, lits_all = 0;
  int redirected = 0, have_conv = 0;
  PetscReal divtol;
  TCAD_PETSC_CALL_GOTO(e, SNESGetDivergenceTolerance(s->snes, &divtol), cleanup);
  for (int pass = 0;; pass++) {
    /* a pass after the first starts at a solution: its first residual is at the rounding floor
     * and the divergence test (|F| grown 1e4-fold) would stop a plain step */
    TCAD_PETSC_CALL_GOTO(e, SNESSetDivergenceTolerance(s->snes, pass ? -1.0 : divtol), cleanup);
    const PetscErrorCode ierr = SNESSolve(s->snes, NULL, s->X);
    if (pass) TCAD_PETSC_CALL_GOTO(e, SNESSetDivergenceTolerance(s->snes, divtol), cleanup);
    if (ierr) {
      e = tcad_petsc_fail(__FILE__, __LINE__, __func__, ierr);
      tcad_error_context("the Newton solve failed");
      goto cleanup;
    }
    TCAD_PETSC_CALL_GOTO(e, SNESGetConvergedReason(s->snes, &reason), cleanup);
    TCAD_PETSC_CALL_GOTO(e, SNESGetIterationNumber(s->snes, &its), cleanup);
    TCAD_PETSC_CALL_GOTO(e, SNESGetLinearSolveIterations(s->snes, &lits), cleanup);
    TCAD_PETSC_CALL_GOTO(e, SNESGetFunctionNorm(s->snes, &fnorm), cleanup);
    TCAD_PETSC_CALL_GOTO(e, SNESGetConvergenceHistory(s->snes, &hist, NULL, &nh), cleanup);
    st->converged = reason > 0 && isfinite(fnorm);
    if (s->lin) lits = tcad_linear_stats(s->lin)->its_newton;   /* Krylov iterations inside the PCSHELL */
    its_all += its, lits_all = s->lin ? lits : lits_all + lits; /* the PCSHELL's count runs on */
    if (pass) st->repeat_its += (int)its;
    /* a solve that came close and stalled with impact ionization on: a current that turned
     * against the direction it was solved with (a MOSFET's drain through zero) makes a sink of
     * pairs (generation −α|J|) that empties the minority carrier's rows. Once more, on from the
     * iterate it stalled at (the rest has converged: 2 iterations, against 10 from the start on
     * the 2D n+pn+ energy-balance breakdown), with that iterate's directions. */
    if (!st->converged && dirs && !redirected && nh > 0 && isfinite(fnorm) && fnorm < 1e-6 * hist[0]) {
      const PetscScalar *x;
      double chg = 0.0;
      TCAD_PETSC_CALL_GOTO(e, VecGetArrayRead(s->X, &x), cleanup);
      impact_directions(s, x, s->dir_new, 1, &chg);
      TCAD_PETSC_CALL_GOTO(e, VecRestoreArrayRead(s->X, &x), cleanup);
      /* only when those directions change the generation (else the stall has another cause,
       * e.g. a temperature at its bound, and the redo repeats it) */
      if (chg > TCAD_NEWTON_REDO_CHANGE) {
        memcpy(s->D.edge_dir, s->dir_new, 2 * (size_t)s->D.nedges * sizeof(double));
        s->dir_dirty = 1;
        redirected = 1;
        continue;
      }
    }
    /* a later pass that fails (near breakdown the new directions can put Newton into a cycle):
     * the solution of the pass before stands, with the directions and gate it was found with,
     * when its generation is within TCAD_NEWTON_DIR_KEEP of its own directions' and its
     * directions came from a solution (not from a stalled iterate: a solve redone with those
     * can converge far from the physical solution, and then the solve fails) */
    if (!st->converged && have_conv && !redirected && conv_change <= TCAD_NEWTON_DIR_KEEP) {
      const size_t n2 = 2 * (size_t)s->D.nedges;
      TCAD_PETSC_CALL_GOTO(e, VecCopy(conv, s->X), cleanup);
      memcpy(s->D.edge_dir, s->dir_new + n2, n2 * sizeof(double));
      s->D.p.floor_gate = conv_gate, s->dir_dirty = 1, st->converged = 1;
      tcad_sim_drive_sync(s);
      break;
    }
    if (!st->converged) break;
    tcad_sim_drive_sync(s); /* a driven contact's voltage is part of the solution */
    const double gate = s->D.p.floor_gate;
    set_floor_gate(s);
    int again = s->D.p.impact && s->D.p.energy && fabs(s->D.p.floor_gate - gate) > 1e-15;
    if (dirs) {
      const PetscScalar *x;
      TCAD_PETSC_CALL_GOTO(e, VecGetArrayRead(s->X, &x), cleanup);
      const size_t n2 = 2 * (size_t)s->D.nedges;
      if (impact_directions(s, x, s->dir_new, 1, &conv_change)) {
        TCAD_PETSC_CALL_GOTO(e, VecCopy(s->X, conv), cleanup);
        conv_gate = gate, have_conv = 1;
        memcpy(s->dir_new + n2, s->D.edge_dir, n2 * sizeof(double));
        memcpy(s->D.edge_dir, s->dir_new, n2 * sizeof(double));
        s->dir_dirty = again = 1;
      }
      TCAD_PETSC_CALL_GOTO(e, VecRestoreArrayRead(s->X, &x), cleanup);
    }
    if (!again || pass == TCAD_NEWTON_MAX_PASSES) break;
  }
  its = its_all, lits = lits_all;
  st->iterations = (int)its, st->linear_its = (int)lits, st->fnorm = fnorm, st->update = s->last_update;
  st->nhist = nh < 64 ? (int)nh : 64;
  for (int k = 0; k < st->nhist; k++) st->hist[k] = hist[k];
  snprintf(st->reason, sizeof st->reason, "%s",
           s->stalled && !st->converged ? "STALLED" : SNESConvergedReasons[reason]);
  if (!st->converged) TCAD_PETSC_CALL_GOTO(e, VecCopy(save, s->X), cleanup);
  st->seconds = tcad_now() - t0;
  st->t_assembly = s->t_asm_acc;
  st->t_copy = s->t_copy_acc;
  st->t_linear = st->seconds - st->t_assembly;
  s->totals.t_copy += st->t_copy;
  s->totals.solves++;
  s->totals.newton_its += st->iterations, s->totals.linear_its += st->linear_its;
  s->totals.t_assembly += st->t_assembly, s->totals.t_linear += st->t_linear;
  if (!st->converged) s->totals.failures++;
  /* the device's counters, cumulative (the residual evaluations of recording included) */
  s->totals.t_upload = s->ctimes.upload, s->totals.t_download = s->ctimes.download;
  s->totals.t_kernel = s->ctimes.kernel, s->totals.t_matmult = s->ctimes.matmult;
  s->last = *st;
cleanup:
  if (save) VecDestroy(&save);
  if (conv) VecDestroy(&conv);
  return e;
}

int tcad_sim_currents(TcadSim *s)
{
  const PetscScalar *x;
  TCAD_PETSC_CALL(VecGetArrayRead(s->X, &x));
  int e = tcad_sim_assemble(s, x, s->fwork, NULL, s->cflux, NULL);
  if (!e) e = tcad_sim_contact_sums(s, x);
  TCAD_PETSC_CALL(VecRestoreArrayRead(s->X, &x));
  return e;
}
