/* The avalanche current of each contact: the share of its current that the pairs made by impact
 * ionization carry (the IV table's I_aval(contact) columns).
 *
 * Each generated pair's electron and hole leave through some contact. With u_c the electrons'
 * collection function of ohmic contact c, the solution of the adjoint of their linearized
 * transport
 *     Σ_{edges e ∋ k} ∂F_e/∂n_k (u_i − u_j) = 0 at every other semiconductor node k
 * (F_e the edge's electron flux, + at its node i and − at j of the continuity residuals, the
 * same orientation as the weight-function currents of solver/contacts.c), u = 1 on contact c's
 * nodes and 0 on every other ohmic contact, the electron current of contact c is exactly
 *     I_n,c = q [Σ_e F_e (u_i − u_j) + Σ_i u_i (G_i − V_i R_i)]
 *           = q [Σ_{contact nodes k} n_k (row k of the adjoint at u) + Σ_i u_i (G_i − V_i R_i)]
 * at a converged state: the Ramo–Shockley form of the terminal current with u as the weight, and
 * F is homogeneous of degree one in the densities at a fixed potential (Scharfetter–Gummel and the
 * energy-balance flux are linear in them; the mobility's driving force depends on their ratio), so
 * F_e = Σ_k ∂F_e/∂n_k n_k. q Σ_i u_i G_i is then the part of I_n,c the generation supplies, and
 * u_i the probability (at the present fields) that an electron at node i leaves through c, in
 * [0, 1] by the discrete maximum principle (the rows are those of an M-matrix for
 * Scharfetter–Gummel), Σ_c u_c = 1. With the holes' v_c likewise,
 *     I_aval,c = q Σ_i (u_c,i − v_c,i) G_i,
 * in the IV table's sign of the contact currents; Σ_c I_aval,c = 0 and, for a two-contact device,
 * ±q ∫ G dV. The recombination of generated carriers on their way stays in the recombination
 * term, so I_aval,c does not depend on a lifetime. */
#include <math.h>
#include <petscksp.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"
#include "tcad/petsc_error.h"

/* carrier k (0 electrons, 1 holes): the collection functions of every ohmic contact into
 * u[c * n + i], from the edges' flux derivatives dd[4 e + 2 k + (0, 1)] = ∂F_e/∂(c_i, c_j) */
static int collection(const TcadSim *s, const double *dd, int k, double *u)
{
  const TcadAsmData *D = &s->D;
  const int n = s->nnodes, nc = s->ncontacts;
  int err = 0;
  PetscInt *nnz = NULL;
  Mat A = NULL;
  Vec b = NULL, w = NULL;
  KSP ksp = NULL;
  PC pc;
  TCAD_CALL_GOTO(err, tcad_sim_node_matrix(s, &A, &nnz), done);
  for (int e = 0; e < D->nedges; e++) {
    if (!D->edge_semi[e]) continue;
    const PetscInt i = D->edge_i[e], j = D->edge_j[e];
    const double di = dd[4 * (size_t)e + 2 * k], dj = dd[4 * (size_t)e + 2 * k + 1];
    if (D->node_bc[i] != TCAD_BC_OHMIC) {
      TCAD_PETSC_CALL_GOTO(err, MatSetValue(A, i, i, di, ADD_VALUES), done);
      TCAD_PETSC_CALL_GOTO(err, MatSetValue(A, i, j, -di, ADD_VALUES), done);
    }
    if (D->node_bc[j] != TCAD_BC_OHMIC) {
      TCAD_PETSC_CALL_GOTO(err, MatSetValue(A, j, i, dj, ADD_VALUES), done);
      TCAD_PETSC_CALL_GOTO(err, MatSetValue(A, j, j, -dj, ADD_VALUES), done);
    }
  }
  /* u = 0 where no semiconductor edge is */
  TCAD_CALL_GOTO(err, tcad_sim_node_solver(s, A, nnz, KSPPREONLY, &ksp, &pc, &w, &b), done);
  /* a direct solve (the u multiply the generation directly): LU in the natural order in 1D
   * (tridiagonal), nested dissection otherwise; no pivoting is needed, the matrix being
   * diagonally dominant by rows */
  TCAD_PETSC_CALL_GOTO(err, PCSetType(pc, PCLU), done);
  TCAD_PETSC_CALL_GOTO(err, PCFactorSetMatOrderingType(pc, s->dim == 1 ? MATORDERINGNATURAL : MATORDERINGND), done);
  TCAD_PETSC_CALL_GOTO(err, KSPSetOptionsPrefix(ksp, "tcad_collection_"), done);
  TCAD_PETSC_CALL_GOTO(err, KSPSetFromOptions(ksp), done);
  for (int c = 0; c < nc; c++) {
    double *uc = u + (size_t)c * n;
    if (s->contacts[c].type != TCAD_CONTACT_OHMIC) {
      memset(uc, 0, sizeof(double) * (size_t)n);
      continue;
    }
    TCAD_CALL_GOTO(err, tcad_sim_contact_indicator(s, c, b), done);
    TCAD_PETSC_CALL_GOTO(err, KSPSolve(ksp, b, w), done);
    KSPConvergedReason why;
    TCAD_PETSC_CALL_GOTO(err, KSPGetConvergedReason(ksp, &why), done);
    if (why < 0) {
      err = tcad_error(TCAD_ERR_CONVERGE,
                       "the avalanche current of contact '%s': the carriers' collection functions could not be "
                       "solved for (%s); a semiconductor region without an ohmic contact?",
                       s->contacts[c].name, KSPConvergedReasons[why]);
      goto done;
    }
    const PetscScalar *ww;
    TCAD_PETSC_CALL_GOTO(err, VecGetArrayRead(w, &ww), done);
    for (int i = 0; i < n; i++) uc[i] = ww[i];
    TCAD_PETSC_CALL_GOTO(err, VecRestoreArrayRead(w, &ww), done);
  }
done:
  KSPDestroy(&ksp), VecDestroy(&b), VecDestroy(&w), MatDestroy(&A), free(nnz);
  return err;
}

int TcadSimGetContactAvalanche(const TcadSim *s, double *iaval)
{
  const TcadAsmData *D = &s->D;
  const int n = s->nnodes, nc = s->ncontacts, W = TCAD_ASM_MAXBS;
  for (int c = 0; c < nc; c++) iaval[c] = 0.0;
  if (!D->p.impact || D->p.mode != TCAD_ASM_COUPLED) return 0;
  const double *x = TcadSimGetState((TcadSim *)s);
  double *u = NULL, *v = NULL, *dd = NULL, *g = NULL;
  int err = 0;
  TCAD_ALLOC_GOTO(err, u, (size_t)nc * n, done);
  TCAD_ALLOC_GOTO(err, v, (size_t)nc * n, done);
  TCAD_ALLOC_GOTO(err, dd, 4 * (size_t)D->nedges, done);
  TCAD_ALLOC_GOTO(err, g, (size_t)n, done);
  /* one pass of the assembly's own edge evaluation: both carriers' flux derivatives and the
   * generation the residual holds (E.G pairs/s at each end) */
  for (int i = 0; i < n; i++) g[i] = 0.0;
  for (int e = 0; e < D->nedges; e++) {
    if (!D->edge_semi[e]) continue;
    TcadAsmEdge E;
    tcad_asm_edge_eval(D, s->bs, e, x, &E);
    for (int k = 0; k < 2; k++)
      dd[4 * (size_t)e + 2 * k] = E.dF[1 + k][1 + k], dd[4 * (size_t)e + 2 * k + 1] = E.dF[1 + k][W + 1 + k];
    g[D->edge_i[e]] += E.G, g[D->edge_j[e]] += E.G;
  }
  TCAD_CALL_GOTO(err, collection(s, dd, 0, u), done);
  TCAD_CALL_GOTO(err, collection(s, dd, 1, v), done);
  for (int c = 0; c < nc; c++) {
    const double *uc = u + (size_t)c * n, *vc = v + (size_t)c * n;
    double sum = 0.0;
    for (int i = 0; i < n; i++) sum += g[i] * (uc[i] - vc[i]);
    iaval[c] = TCAD_Q * sum;
  }
done:
  free(u), free(v), free(dd), free(g);
  return err;
}
