/* Contacts: which mesh nodes each deck contact holds and what kind it is, the values imposed
 * there from the applied voltages (ohmic: neutral equilibrium; gate: ψ = V − Φ_ms), the terminal
 * currents, and the contact accessors. */
#include <math.h>
#include <string.h>

#include "kernels/asm.h"
#include "solver/sim_internal.h"
#include "tcad/error.h"
#include "tcad/petsc_error.h"

static const TcadContactSpec *deck_contact(const TcadDeck *d, const char *name)
{
  for (int c = 0; c < d->ncontacts; c++)
    if (!strcmp(d->contacts[c].name, name)) return &d->contacts[c];
  return NULL;
}

/* A contact whose voltage may become an unknown in this run: a series resistance, an initial
 * current, a sweep in current or a breakdown step (which switches to current steps). */
static int contact_may_float(const TcadDeck *d, const TcadContactSpec *cs)
{
  if (cs->resistance != 0.0 || cs->has_current) return 1;
  for (int k = 0; k < d->nsteps; k++) {
    const TcadSolveStep *st = &d->steps[k];
    if (((st->kind == TCAD_STEP_SWEEP && st->in_current) || st->kind == TCAD_STEP_BREAKDOWN) &&
        !strcmp(st->contact[0], cs->name))
      return 1;
  }
  return 0;
}

/* The node's coordinates in µm for messages. */
#define TCAD_UM(m, i) 1e4 * (m)->coord[3 * (i)], 1e4 * (m)->coord[3 * (i) + 1], 1e4 * (m)->coord[3 * (i) + 2]

int tcad_sim_contacts(TcadSim *s)
{
  const TcadMesh *m = s->mesh;
  const TcadDeck *d = s->deck;
  TcadAsmData *D = &s->D;
  s->ncontacts = m->ncontacts;
  TCAD_ALLOC(s->contacts, m->ncontacts > 0 ? m->ncontacts : 1);
  TCAD_ALLOC(s->node_contact, s->nnodes);
  for (int i = 0; i < s->nnodes; i++) s->node_contact[i] = -1;
  const TcadMaterial *sm = s->semi;
  const double phi_i = tcad_intrinsic_workfunction(sm->affinity, sm->bandgap, sm->nc, sm->nv, s->vt);
  for (int c = 0; c < m->ncontacts; c++) {
    TcadSimContact *sc = &s->contacts[c];
    const TcadContactSpec *cs = deck_contact(d, m->contacts[c].name);
    snprintf(sc->name, sizeof sc->name, "%s", m->contacts[c].name);
    sc->mesh_index = c;
    if (!cs) return tcad_error(TCAD_ERR_INTERNAL, "contact '%s' has no deck entry", sc->name);
    sc->type = cs->type;
    if (cs->type == TCAD_CONTACT_SCHOTTKY)
      return tcad_error(TCAD_ERR_NOTIMPL,
                        "%s: contact '%s': Schottky contacts are not implemented yet; use "
                        "'type: ohmic' or a gate on an insulator",
                        TcadDeckGetLocation(d, cs->loc), sc->name);
    sc->resistance = cs->resistance;
    sc->drive = TCAD_DRIVE_VOLTAGE;
    sc->floating = cs->type == TCAD_CONTACT_OHMIC && contact_may_float(d, cs);
    if (sc->floating && m->contacts[c].nnodes > 0)
      sc->root = m->contacts[c].node[0], s->nfloating++;
    else
      sc->floating = 0;
    sc->psi_offset = cs->type == TCAD_CONTACT_GATE && cs->has_workfunction ? -(cs->workfunction - phi_i) : 0.0;
    for (int k = 0; k < m->contacts[c].nnodes; k++) {
      const int i = m->contacts[c].node[k];
      if (s->node_contact[i] >= 0)
        return tcad_error(TCAD_ERR_MESH,
                          "contacts '%s' and '%s' share the node at (%g, %g, %g) um; contacts must "
                          "not touch",
                          s->contacts[s->node_contact[i]].name, sc->name, TCAD_UM(m, i));
      if (cs->type == TCAD_CONTACT_OHMIC && !D->node_semi[i])
        return tcad_error(TCAD_ERR_MESH,
                          "%s: ohmic contact '%s' has a node at (%g, %g, %g) um that is not in a "
                          "semiconductor region; an ohmic contact must lie on the semiconductor",
                          TcadDeckGetLocation(d, cs->loc), sc->name, TCAD_UM(m, i));
      if (cs->type == TCAD_CONTACT_GATE && D->node_semi[i])
        return tcad_error(TCAD_ERR_MESH,
                          "%s: gate contact '%s' touches the semiconductor at (%g, %g, %g) um; a "
                          "gate must lie on an insulator (a metal on the semiconductor is a Schottky contact, "
                          "not implemented yet)",
                          TcadDeckGetLocation(d, cs->loc), sc->name, TCAD_UM(m, i));
      s->node_contact[i] = c;
      D->node_bc[i] = cs->type == TCAD_CONTACT_OHMIC ? TCAD_BC_OHMIC : TCAD_BC_GATE;
    }
  }
  if (s->nfloating) TCAD_ALLOC(s->drive_f, 2 * (size_t)s->bs * s->nnodes); /* the rows, their term sizes */
  return 0;
}

int tcad_sim_contact_driven(const TcadSim *s, int c)
{
  const TcadSimContact *sc = &s->contacts[c];
  return sc->floating && (sc->drive == TCAD_DRIVE_CURRENT || sc->resistance != 0.0);
}

void tcad_sim_drive_voltage(TcadSim *s, int c, double volts)
{
  TcadSimContact *sc = &s->contacts[c];
  sc->drive = TCAD_DRIVE_VOLTAGE, sc->applied = volts;
  if (sc->resistance == 0.0 || !sc->floating) sc->voltage = volts;
}

void tcad_sim_drive_current(TcadSim *s, int c, double current)
{
  TcadSimContact *sc = &s->contacts[c];
  sc->drive = TCAD_DRIVE_CURRENT, sc->target = current;
}

/* The contact voltage that a state's root potential means: ψ_root − (its boundary value − V). */
static double drive_voltage_of(const TcadSim *s, const TcadSimContact *sc, const double *x)
{
  const int bs = s->bs;
  return x[(size_t)bs * sc->root] * s->D.p.sv[0] - (s->D.bc_value[(size_t)bs * sc->root] - sc->voltage);
}

void tcad_sim_drive_sync(TcadSim *s)
{
  if (!s->nfloating || s->D.p.mode != TCAD_ASM_COUPLED) return;
  const double *x = TcadSimGetState(s);
  int any = 0;
  for (int c = 0; c < s->ncontacts; c++)
    if (tcad_sim_contact_driven(s, c)) s->contacts[c].voltage = drive_voltage_of(s, &s->contacts[c], x), any = 1;
  if (any) tcad_sim_update_bc(s);
}

/* A driven contact's equations. Its nodes' physical continuity rows (before the Dirichlet rows
 * replace them: the same evaluation the contact current comes from) give the current
 * I = q Σ_k (F_n,k s_n + F_p,k s_p) and its derivatives; they are evaluated again on the host
 * with P->contact_raw, into the Jacobian rows the drive then overwrites. The root's ψ row holds
 *   current drive:            (I − I_target) / |I_target|
 *   voltage and resistance R: (V − V_applied + R I) / V_T,   V = ψ_root − ψ_eq,root
 * and every other contact node's ψ row ψ_k − ψ_root − (ψ_eq,k − ψ_eq,root) (one contact
 * voltage). The carrier and temperature rows stay the equilibrium Dirichlet values. */
int tcad_sim_drive_rows(TcadSim *s, const double *x, double *f, double *jac, double *fmag)
{
  if (!s->nfloating || s->D.p.mode != TCAD_ASM_COUPLED) return 0;
  TcadAsmData Dr = s->D;
  Dr.p.contact_raw = 1;
  const int bs = s->bs;
  const double *sv = s->D.p.sv, *se = s->D.p.se, *bc = s->D.bc_value;
  for (int c = 0; c < s->ncontacts; c++) {
    if (!tcad_sim_contact_driven(s, c)) continue;
    const TcadSimContact *sc = &s->contacts[c];
    const TcadMeshContact *mc = &s->mesh->contacts[sc->mesh_index];
    const int r = sc->root, rlen = s->D.row_len[r], current = sc->drive == TCAD_DRIVE_CURRENT;
    const size_t r0 = (size_t)bs * r;
    /* the row's scale: 1/|I_target| (current), R/V_T per unit current (resistance) */
    const double scale = current ? 1.0 / fmax(fabs(sc->target), 1e-300) : sc->resistance / sv[0];
    /* cabs: the size of the nodes' net rows; oneway: of the terms they sum (the one-way fluxes,
     * 1e7-1e8 A/cm^2 at a heavily doped contact, whose rounding is the floor of the current) */
    double *acc = s->drive_acc, *fm = s->drive_f + (size_t)bs * s->nnodes, cur = 0, cabs = 0, oneway = 0;
    if (jac)
      for (int m = 0; m < rlen; m++) acc[m] = 0.0;
    for (int q = 0; q < mc->nnodes; q++) {
      const int k = mc->node[q];
      const size_t kb = (size_t)bs * k;
      tcad_asm_row(&Dr, k, x, s->drive_f, jac, NULL, fmag ? fm : NULL);
      const double a = TCAD_Q * se[1] * s->drive_f[kb + 1], b = TCAD_Q * se[2] * s->drive_f[kb + 2];
      cur += a + b, cabs += fabs(a) + fabs(b);
      if (fmag) oneway += TCAD_Q * (se[1] * fm[kb + 1] + se[2] * fm[kb + 2]);
      if (!jac) continue;
      const int len = s->D.row_len[k], nb = len / bs;
      const double *j1 = jac + s->D.row_start[k] + len, *j2 = j1 + len;
      for (int blk = 0; blk < nb; blk++) {
        double *to = acc + (size_t)bs * sc->slot[sc->slot_start[q] + blk];
        for (int m = 0; m < bs; m++) to[m] += TCAD_Q * (se[1] * j1[bs * blk + m] + se[2] * j2[bs * blk + m]);
      }
      /* the physical rows have served: the carrier and temperature rows are Dirichlet again */
      for (int t = 1; t < bs; t++) tcad_asm_dirichlet(&s->D, k, t, bc[kb + t], x, f, jac, fmag);
    }
    /* one contact voltage: the other nodes' potentials follow the root's */
    const double psi_r = x[r0], b_r = bc[r0];
    for (int q = 0; q < mc->nnodes; q++) {
      const int k = mc->node[q];
      const size_t kb = (size_t)bs * k;
      if (k == r) continue;
      f[kb] = x[kb] - psi_r - (bc[kb] - b_r) / sv[0];
      if (fmag) fmag[kb] = fabs(x[kb]) + fabs(psi_r) + fabs(bc[kb] - b_r) / sv[0];
      if (!jac) continue;
      double *row = jac + s->D.row_start[k];
      for (int m = 0; m < s->D.row_len[k]; m++) row[m] = 0.0;
      jac[s->D.node_diag[k]] = 1.0;
      row[bs * sc->root_slot[q]] = -1.0;
    }
    /* the drive */
    const double V = psi_r * sv[0] - (b_r - sc->voltage);
    if (current) {
      f[r0] = (cur - sc->target) * scale;
      if (fmag) fmag[r0] = (cabs + fabs(sc->target)) * scale;
    } else {
      /* the row's size: its terms, and the rounding of the current's sum, TCAD_DRIVE_ROUNDING
       * of the one-way fluxes, over TCAD_DRIVE_TOL (the drive counts as met below TCAD_DRIVE_TOL
       * of the size). Without it a substrate behind a resistance carrying 1e-12 A/cm, whose
       * voltage is ~1e-10 V, met its drive only once Newton's update had stalled below 1e-12:
       * two to three more iterations per point. (A drive in current keeps the tighter test: its
       * target can be as small as that rounding, and its Newton runs on to the stall) */
      const double floor = TCAD_DRIVE_ROUNDING / TCAD_DRIVE_TOL * oneway;
      f[r0] = (V - sc->applied) / sv[0] + cur * scale;
      if (fmag) fmag[r0] = (fabs(V) + fabs(sc->applied)) / sv[0] + (cabs + floor) * scale;
    }
    if (jac) {
      double *row = jac + s->D.row_start[r];
      for (int m = 0; m < rlen; m++) row[m] = scale * acc[m];
      if (!current) jac[s->D.node_diag[r]] += 1.0;
    }
  }
  return 0;
}
void tcad_sim_update_bc(TcadSim *s)
{
  for (int i = 0; i < s->nnodes; i++) {
    const int c = s->node_contact[i];
    if (c < 0) continue;
    const TcadSimContact *sc = &s->contacts[c];
    double *b = s->D.bc_value + (size_t)s->bs * i;
    for (int t = 3; t < s->bs; t++) b[t] = s->T; /* carriers at the lattice temperature */
    if (sc->type == TCAD_CONTACT_OHMIC) {
      b[0] = sc->voltage + tcad_ohmic_equilibrium(s->donors[i] - s->acceptors[i], s->nie, s->vt, &b[1], &b[2]);
    } else {
      b[0] = sc->voltage + sc->psi_offset;
      b[1] = b[2] = 0.0;
    }
  }
}

/* A node-by-node matrix over the semiconductor edges (the weight functions here, the collection
 * functions of solver/avalanche.c): preallocated for one entry per edge end and the diagonal
 * (*nnz, the counts, freed by the caller). */
int tcad_sim_node_matrix(const TcadSim *s, Mat *A, PetscInt **nnz)
{
  const TcadAsmData *D = &s->D;
  const int n = s->nnodes;
  TCAD_ALLOC(*nnz, n);
  for (int i = 0; i < n; i++) (*nnz)[i] = 1;
  for (int e = 0; e < D->nedges; e++)
    if (D->edge_semi[e]) (*nnz)[D->edge_i[e]]++, (*nnz)[D->edge_j[e]]++;
  TCAD_PETSC_CALL(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 0, *nnz, A));
  TCAD_PETSC_CALL(MatSetOption(*A, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
  return 0;
}

/* The rows of tcad_sim_node_matrix that stay identities (the ohmic contacts' nodes, whose values
 * the right-hand side sets, and the nodes without a semiconductor edge), the assembly, and a KSP
 * of the given type on it with its PC and two vectors (all destroyed by the caller). */
int tcad_sim_node_solver(const TcadSim *s, Mat A, const PetscInt *nnz, KSPType type, KSP *ksp, PC *pc, Vec *w, Vec *b)
{
  for (PetscInt i = 0; i < s->nnodes; i++)
    if (s->D.node_bc[i] == TCAD_BC_OHMIC || nnz[i] == 1) TCAD_PETSC_CALL(MatSetValue(A, i, i, 1.0, ADD_VALUES));
  TCAD_PETSC_CALL(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  TCAD_PETSC_CALL(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  TCAD_PETSC_CALL(MatCreateVecs(A, w, b));
  TCAD_PETSC_CALL(KSPCreate(PETSC_COMM_SELF, ksp));
  TCAD_PETSC_CALL(KSPSetOperators(*ksp, A, A));
  TCAD_PETSC_CALL(KSPSetType(*ksp, type));
  TCAD_PETSC_CALL(KSPGetPC(*ksp, pc));
  return 0;
}

/* The right-hand side of contact c for tcad_sim_node_matrix: 1 on its nodes, 0 elsewhere. */
int tcad_sim_contact_indicator(const TcadSim *s, int c, Vec b)
{
  PetscScalar *bb;
  TCAD_PETSC_CALL(VecGetArray(b, &bb));
  for (int i = 0; i < s->nnodes; i++) bb[i] = s->D.node_bc[i] == TCAD_BC_OHMIC && s->node_contact[i] == c ? 1.0 : 0.0;
  TCAD_PETSC_CALL(VecRestoreArray(b, &bb));
  return 0;
}

/* σ of edge e for the weight functions at the scaled state x (see contact_weights). */
static double weight_conductance(const TcadSim *s, const double *x, int e)
{
  const TcadAsmData *D = &s->D;
  const double *sv = D->p.sv;
  const int bs = s->bs, i = D->edge_i[e], j = D->edge_j[e];
  const double ci = x[bs * i + 1] * sv[1] + x[bs * i + 2] * sv[2], cj = x[bs * j + 1] * sv[1] + x[bs * j + 2] * sv[2];
  return D->edge_coupling[e] * (0.5 * (fabs(ci) + fabs(cj)) + s->nie);
}

/* Terminal currents through weight functions (the steady-state Ramo–Shockley form). With w = 1
 * on contact c's nodes and 0 on the other ohmic contacts, the contact's particle current is
 *     I_c = Σ_i w_i r_i = Σ_edges F_ij (w_i − w_j) + Σ_i w_i (±G_i ∓ V_i R_i)
 * for the electron (upper signs) and hole continuity residuals r_i, since r_i = 0 at every other
 * node of a converged solution. Summed at the contact's own nodes instead (the raw residuals,
 * s->cflux), the current of a heavily doped contact region is the difference of one-way flows of
 * order q μ V_T n/h (6e5 A/cm² at 1e19 cm^-3 on a 1 nm mesh), and a potential of 11 V holds
 * those flows only to about 1e-15 V/V_T of themselves: 4e-8 A/cm², more than a junction's whole
 * reverse or early avalanche current (docs/dev-notes.md). Any w with those contact values gives
 * the same current at convergence, so w only has to be nearly constant where the carriers are
 * many (their edges then contribute (w_i − w_j) ≈ 0 times that noise) and vary where they are
 * few, where the flows are small and exact: the solution of Σ_j σ_ij (w_i − w_j) = 0 on the
 * semiconductor edges with the conductivity-like σ_ij = (A/h)((n + p)_i + (n + p)_j + 2 n_i)/2 of
 * the present state (a depletion region then carries the whole drop of w), solved after each
 * converged point, per ohmic contact, with conjugate gradients (PETSc ICC; LU in 1D). Its accuracy
 * does not matter beyond that (the contact values are set exactly after the solve). A contact
 * whose voltage is an unknown (driven in current or through a resistance) reports its node sum,
 * which its drive equation holds: its Jacobian row would otherwise span every node where w
 * varies. */
static int contact_weights(TcadSim *s, const double *x)
{
  const TcadAsmData *D = &s->D;
  const int n = s->nnodes, nc = s->ncontacts;
  int err = 0;
  PetscInt *nnz = NULL;
  Mat A = NULL;
  Vec b = NULL, w = NULL;
  KSP ksp = NULL;
  PC pc;
  if (!s->cweight) TCAD_ALLOC(s->cweight, (size_t)nc * n);
  TCAD_CALL_GOTO(err, tcad_sim_node_matrix(s, &A, &nnz), done);
  /* Dirichlet nodes (ohmic contacts) are eliminated symmetrically: their rows are identities and
   * their couplings move to the right-hand side, so A stays symmetric positive definite */
  for (int e = 0; e < D->nedges; e++) {
    if (!D->edge_semi[e]) continue;
    const PetscInt i = D->edge_i[e], j = D->edge_j[e];
    const double sg = weight_conductance(s, x, e);
    const int di = D->node_bc[i] == TCAD_BC_OHMIC, dj = D->node_bc[j] == TCAD_BC_OHMIC;
    if (!di) TCAD_PETSC_CALL_GOTO(err, MatSetValue(A, i, i, sg, ADD_VALUES), done);
    if (!dj) TCAD_PETSC_CALL_GOTO(err, MatSetValue(A, j, j, sg, ADD_VALUES), done);
    if (!di && !dj) {
      TCAD_PETSC_CALL_GOTO(err, MatSetValue(A, i, j, -sg, ADD_VALUES), done);
      TCAD_PETSC_CALL_GOTO(err, MatSetValue(A, j, i, -sg, ADD_VALUES), done);
    }
  }
  /* w = 0 where no semiconductor edge is */
  TCAD_CALL_GOTO(err, tcad_sim_node_solver(s, A, nnz, KSPCG, &ksp, &pc, &w, &b), done);
  /* 1D: LU (block tridiagonal, no fill); else 20 conjugate-gradient iterations on incomplete
   * Cholesky from the last point's w. Measured on examples/mosfet2d.yaml (62 points): GAMG to
   * 1e-10 made the run 1.5 times slower, ICC to 1e-6 (200 iterations, not reached) 1.42 times; 20
   * iterations 1.04 times, and 1 iteration moved its drain currents by < 1e-9 of themselves
   * against the 200 */
  TCAD_PETSC_CALL_GOTO(err, PCSetType(pc, s->dim == 1 ? PCLU : PCICC), done);
  if (s->dim == 1) TCAD_PETSC_CALL_GOTO(err, KSPSetType(ksp, KSPPREONLY), done);
  TCAD_PETSC_CALL_GOTO(err, KSPSetTolerances(ksp, 1e-6, 1e-300, PETSC_DEFAULT, 20), done);
  TCAD_PETSC_CALL_GOTO(err, KSPSetOptionsPrefix(ksp, "tcad_weight_"), done);
  TCAD_PETSC_CALL_GOTO(err, KSPSetInitialGuessNonzero(ksp, s->dim == 1 ? PETSC_FALSE : PETSC_TRUE), done);
  TCAD_PETSC_CALL_GOTO(err, KSPSetFromOptions(ksp), done);
  for (int c = 0; c < nc; c++) {
    if (s->contacts[c].type != TCAD_CONTACT_OHMIC) continue;
    TCAD_CALL_GOTO(err, tcad_sim_contact_indicator(s, c, b), done);
    PetscScalar *bb;
    TCAD_PETSC_CALL_GOTO(err, VecGetArray(b, &bb), done);
    for (int e = 0; e < D->nedges; e++) { /* the eliminated couplings to contact c's nodes */
      if (!D->edge_semi[e]) continue;
      const int i = D->edge_i[e], j = D->edge_j[e];
      const int di = D->node_bc[i] == TCAD_BC_OHMIC, dj = D->node_bc[j] == TCAD_BC_OHMIC;
      if (di == dj) continue;
      const double sg = weight_conductance(s, x, e);
      if (di && s->node_contact[i] == c) bb[j] += sg;
      if (dj && s->node_contact[j] == c) bb[i] += sg;
    }
    TCAD_PETSC_CALL_GOTO(err, VecRestoreArray(b, &bb), done);
    /* from the last point's w: a loose tolerance, and a w that has not converged is as good a
     * weight once its contact values are exact */
    PetscScalar *wp;
    TCAD_PETSC_CALL_GOTO(err, VecGetArray(w, &wp), done);
    for (int i = 0; i < n; i++) wp[i] = s->cweight[(size_t)c * n + i];
    TCAD_PETSC_CALL_GOTO(err, VecRestoreArray(w, &wp), done);
    TCAD_PETSC_CALL_GOTO(err, KSPSolve(ksp, b, w), done);
    const PetscScalar *ww;
    TCAD_PETSC_CALL_GOTO(err, VecGetArrayRead(w, &ww), done);
    for (int i = 0; i < n; i++)
      s->cweight[(size_t)c * n + i] =
          D->node_bc[i] == TCAD_BC_OHMIC ? (s->node_contact[i] == c ? 1.0 : 0.0) : fmin(1.0, fmax(0.0, ww[i]));
    TCAD_PETSC_CALL_GOTO(err, VecRestoreArrayRead(w, &ww), done);
  }
done:
  KSPDestroy(&ksp), VecDestroy(&b), VecDestroy(&w), MatDestroy(&A), free(nnz);
  return err;
}

/* The weight-function particle currents (1/s per depth^(3-d), electrons acc[2c], holes
 * acc[2c+1]) of every contact at the scaled state x, with the weights s->cweight. */
static void weighted_sums(const TcadSim *s, const double *x, double *acc)
{
  const TcadAsmData *D = &s->D;
  const int n = s->nnodes, nc = s->ncontacts, bs = s->bs;
  for (int k = 0; k < 2 * nc; k++) acc[k] = 0.0;
  for (int e = 0; e < D->nedges; e++) {
    if (!D->edge_semi[e]) continue;
    TcadAsmEdge E; /* the assembly's own edge evaluation */
    tcad_asm_edge_eval(D, bs, e, x, &E);
    const int i = D->edge_i[e], j = D->edge_j[e];
    for (int c = 0; c < nc; c++) {
      const double wi = s->cweight[(size_t)c * n + i], wj = s->cweight[(size_t)c * n + j];
      const double g = D->p.impact ? E.G * (wi + wj) : 0.0;
      acc[2 * c] += E.F[1] * (wi - wj) + g;
      acc[2 * c + 1] += E.F[2] * (wi - wj) - g;
    }
  }
  for (int i = 0; i < n; i++) {
    if (!D->node_semi[i]) continue;
    const double *sv = D->p.sv;
    double dn, dp;
    const double R = tcad_recombination_net(&D->p.rec, x[bs * i + 1] * sv[1], x[bs * i + 2] * sv[2], D->node_tau[2 * i],
                                            D->node_tau[2 * i + 1], &dn, &dp);
    for (int c = 0; c < nc; c++) {
      const double vr = s->cweight[(size_t)c * n + i] * D->node_vsemi[i] * R;
      acc[2 * c] -= vr, acc[2 * c + 1] += vr;
    }
  }
}

int tcad_sim_contact_sums(TcadSim *s, const double *x)
{
  const TcadAsmData *D = &s->D;
  const int nc = s->ncontacts;
  for (int c = 0; c < nc; c++) {
    const TcadMeshContact *mc = &s->mesh->contacts[s->contacts[c].mesh_index];
    double in = 0, ip = 0, wn = 0, wp = 0;
    for (int k = 0; k < mc->nnodes; k++) {
      const double *cf = s->cflux + TCAD_ASM_NCFLUX * (size_t)mc->node[k];
      in += cf[0], ip += cf[1], wn += cf[2], wp += cf[3];
    }
    s->contacts[c].energy[0] = wn, s->contacts[c].energy[1] = wp;
    s->contacts[c].cur[0] = TCAD_Q * in;
    s->contacts[c].cur[1] = TCAD_Q * ip;
    s->contacts[c].cur[2] = TCAD_Q * (in + ip);
    memcpy(s->contacts[c].cur_node, s->contacts[c].cur, sizeof s->contacts[c].cur);
  }
  if (D->p.mode != TCAD_ASM_COUPLED) return 0;
  TCAD_CALL(contact_weights(s, x));
  double *acc;
  TCAD_ALLOC(acc, 2 * (size_t)nc);
  weighted_sums(s, x, acc);
  for (int c = 0; c < nc; c++) {
    /* a contact driven in current keeps the node sum its drive equation holds
     * (tcad_sim_drive_rows), so the current it reports is the one driven. One behind a
     * resistance reports the weight-function current like the others: its node sum is rounding
     * noise at small currents (±4e-8 A/cm^2 at a 1e20 cm^-3 contact, which reported 0 while
     * 1.1e-8 flowed), and the drive holds V + R I to R times that noise */
    if (s->contacts[c].type != TCAD_CONTACT_OHMIC ||
        (tcad_sim_contact_driven(s, c) && s->contacts[c].drive == TCAD_DRIVE_CURRENT))
      continue;
    s->contacts[c].cur[0] = TCAD_Q * acc[2 * c];
    s->contacts[c].cur[1] = TCAD_Q * acc[2 * c + 1];
    s->contacts[c].cur[2] = TCAD_Q * (acc[2 * c] + acc[2 * c + 1]);
  }
  free(acc);
  return 0;
}

int TcadSimGetContactCount(const TcadSim *s) { return s->ncontacts; }
const char *TcadSimGetContactName(const TcadSim *s, int c) { return s->contacts[c].name; }
int TcadSimFindContact(const TcadSim *s, const char *name)
{
  for (int c = 0; c < s->ncontacts; c++)
    if (!strcmp(s->contacts[c].name, name)) return c;
  return -1;
}
double TcadSimGetContactVoltage(const TcadSim *s, int c) { return s->contacts[c].voltage; }
double TcadSimGetContactApplied(const TcadSim *s, int c)
{
  return s->contacts[c].voltage + s->contacts[c].resistance * s->contacts[c].cur_node[2]; /* the drive's current */
}
void TcadSimGetContactCurrent(const TcadSim *s, int c, double cur[3])
{
  memcpy(cur, s->contacts[c].cur, sizeof(double) * 3);
}
void TcadSimGetContactEnergy(const TcadSim *s, int c, double w[2])
{
  w[0] = s->contacts[c].energy[0], w[1] = s->contacts[c].energy[1];
}
const char *TcadSimGetCurrentUnit(const TcadSim *s) { return s->dim == 1 ? "A/cm^2" : s->dim == 2 ? "A/cm" : "A"; }
