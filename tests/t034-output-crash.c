/* The field file after a kill at any moment (io/output_undo.c): for every bias point s of a
 * series and every write the HDF5 library issues while that point is being committed, a child
 * process writes the series, is stopped just before that write (the driver's test hook _exits,
 * as a SIGKILL would: nothing more reaches the file), and the parent then
 *   - reopens the file for writing as `tcad run --resume` does (TcadOutputReopen): it must open,
 *     count exactly the s points committed before, and hold their step arrays and IV rows bit
 *     for bit (values from a formula, not from the code under test);
 *   - writes point s again and closes the file, which must then read back whole through HDF5's
 *     default driver (what ParaView and h5py use), with no undo journal left beside it.
 * The same kills with the journal switched off are the control: the reopen then fails or finds
 * wrong data at some of them (the damage the journal exists for; t068 met it as "addr overflow"
 * and "bad symbol table node signature" on points committed long before the kill). Every check
 * runs in a child of its own, so that HDF5 reading a damaged file cannot take the test down. */
#include "tests/output_check.h" /* first: it sets the POSIX level */

#include <sys/wait.h>

#include "io/output_internal.h"

#define NPOINTS 20 /* past the first splits of the /steps group's B-tree and symbol nodes */
#define NCOL 3

static const char *const COLS[NCOL] = {"V_anode", "I_anode", "I_cathode"};
static const char *const UNITS[NCOL] = {"V", "A/cm", "A/cm"};

static void state_of(double *st, int n, int k)
{
  for (int i = 0; i < n; i++) st[i] = 1.0 / (k + 1.0) + i * 0.1 + k * 1e-7;
}

/* Point k as record.c commits it: step (attribute, field, solver state), flushed; the IV table
 * with k + 1 rows; the count. */
static int write_point(TcadOutput *out, const TcadMesh *m, int k)
{
  double st[64], rows[(NPOINTS + 1) * NCOL];
  int rc;
  state_of(st, m->nnodes, k);
  for (int r = 0; r <= k; r++) iv_row(rows + NCOL * r, r, NCOL);
  if ((rc = TcadOutputBeginStep(out, k, "point")) || (rc = TcadOutputSetStepAttribute(out, "V_anode", 0.05 * k)) ||
      (rc = TcadOutputWriteNodeField(out, "f", "V", 1, st)) ||
      (rc = TcadOutputWriteStepArray(out, "state", m->nnodes, 1, st)) || (rc = TcadOutputFinishStep(out)) ||
      (rc = TcadOutputWriteTable(out, "iv", NCOL, COLS, UNITS, k + 1, rows)) || (rc = TcadOutputEndStep(out)))
    return rc;
  return 0;
}

/* Child: write points 0..s, stopped before write number `crash` of point s (counted from the
 * start of point s); exit 0 if point s completed before that. */
static void child_write(const char *h5, const char *xd, const TcadMesh *m, int s, long crash, int journal_off)
{
  TcadOutput *out = NULL;
  tcad_output_undo_test(-1, journal_off);
  if (TcadOutputOpen(h5, xd, m, &out)) _exit(2);
  for (int k = 0; k < s; k++)
    if (write_point(out, m, k)) _exit(3);
  const long done = tcad_output_undo_test(-1, journal_off); /* the writes so far */
  tcad_output_undo_test(crash < 0 ? -1 : done + crash, journal_off);
  if (write_point(out, m, s)) _exit(4);
  tcad_output_undo_test(-1, journal_off);
  _exit(0); /* the file is left open, as a kill leaves it */
}

static int same_iv(const double *rows, int nr, int nc, int want)
{
  double r[NCOL];
  if (nr != want || (want && nc != NCOL)) return 0;
  for (int k = 0; k < want; k++) {
    iv_row(r, k, NCOL);
    if (memcmp(r, rows + NCOL * k, sizeof r)) return 0;
  }
  return 1;
}

/* Child: the resume's view of the file. Exit 0: s points, all intact; 10+: what was wrong. */
static void child_reopen(const char *h5, const char *xd, const TcadMesh *m, int s)
{
  TcadOutput *out = NULL;
  double st[64], want[64], *rows = NULL;
  int nr = 0, nc = 0;
  if (TcadOutputReopen(h5, xd, m, &out)) _exit(10);
  if (TcadOutputGetStepCount(out) != s) _exit(11);
  if (TcadOutputReadTable(out, "iv", &nr, &nc, &rows) || !same_iv(rows, nr, nc, s)) _exit(12);
  free(rows);
  for (int k = 0; k < s; k++) {
    state_of(want, m->nnodes, k);
    if (TcadOutputReadStepArray(out, k, "state", st, (size_t)m->nnodes) ||
        memcmp(st, want, sizeof(double) * (size_t)m->nnodes))
      _exit(13);
  }
  /* as the resume goes on: the table rewritten from the kept points, the point again, a normal close */
  if (TcadOutputTruncate(out, s) || write_point(out, m, s) || TcadOutputClose(&out)) _exit(14);
  _exit(0);
}

/* Child: the closed file through HDF5's default driver. Exit 0: s + 1 points, intact. */
static void child_read_plain(const char *h5, const TcadMesh *m, int s)
{
  hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  int n = -1, rank = 0;
  hsize_t dims[2];
  if (f < 0 || rd_attr_int(f, "/steps", "nsteps", &n) || n != s + 1) _exit(20);
  for (int k = 0; k <= s; k++) {
    char path[64];
    double want[64];
    void *data = NULL;
    snprintf(path, sizeof path, "/steps/%06d/state", k);
    state_of(want, m->nnodes, k);
    if (rd_dset(f, path, H5T_NATIVE_DOUBLE, &rank, dims, &data) ||
        dims[0] * (rank == 2 ? dims[1] : 1) != (hsize_t)m->nnodes ||
        memcmp(data, want, sizeof(double) * (size_t)m->nnodes))
      _exit(21);
    free(data);
  }
  void *iv = NULL;
  if (rd_dset(f, "/iv", H5T_NATIVE_DOUBLE, &rank, dims, &iv) || rank != 2 ||
      !same_iv(iv, (int)dims[0], (int)dims[1], s + 1))
    _exit(22);
  free(iv);
  H5Fclose(f);
  _exit(0);
}

typedef struct {
  const char *h5, *xd;
  const TcadMesh *m;
  int s, off;
  long w;
} Case;

/* fork, run one of the children, wait: its exit status, or 100 + the signal that ended it */
static int in_child(int what, const Case *c)
{
  fflush(stdout);
  const pid_t pid = fork();
  int st = 0;
  if (pid < 0) return 99;
  if (pid == 0) {
    if (what == 0) child_write(c->h5, c->xd, c->m, c->s, c->w, c->off);
    if (what == 1) child_reopen(c->h5, c->xd, c->m, c->s);
    child_read_plain(c->h5, c->m, c->s);
  }
  if (waitpid(pid, &st, 0) < 0) return 99;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int main(void)
{
  int own = 0;
  char dir[4096], h5[4200], xd[4200], undo[4300];
  HandMesh h;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if (oc_workdir("t034-output-crash", dir, sizeof dir, &own)) return 1;
  printf("# output in %s\n", dir);
  snprintf(h5, sizeof h5, "%s/fields.h5", dir);
  snprintf(xd, sizeof xd, "%s/fields.xdmf", dir);
  snprintf(undo, sizeof undo, "%s.undo", h5);
  mesh_small(&h, 2);

  int kills[2] = {0, 0}, bad[2] = {0, 0}, first_bad[2][3], codes[2][128] = {{0}};
  for (int off = 0; off < 2; off++) {
    first_bad[off][0] = -1;
    for (int s = 1; s <= NPOINTS; s++)
      for (long w = 0;; w++) {
        const Case c = {h5, xd, &h.m, s, off, w};
        const int wrote = in_child(0, &c);
        if (wrote == 0) break; /* point s needs fewer writes than w */
        if (wrote != TCAD_OUTPUT_UNDO_TEST_EXIT) {
          tap_check(0, off ? "control.child_writes" : "undo.child_writes", "point %d, write %ld: exit %d", s, w, wrote);
          goto next_mode;
        }
        kills[off]++;
        int why = in_child(1, &c);
        if (!why) why = in_child(2, &c);
        if (!why && access(undo, F_OK) == 0) why = 30;
        if (why) {
          codes[off][why < 128 ? why : 127]++;
          if (!bad[off]++) first_bad[off][0] = s, first_bad[off][1] = (int)w, first_bad[off][2] = why;
        }
      }
  next_mode:;
  }
  printf("# kills: %d with the journal (%d bad), %d without (%d bad)\n", kills[0], bad[0], kills[1], bad[1]);
  for (int off = 0; off < 2; off++)
    for (int c = 1; c < 128; c++)
      if (codes[off][c]) printf("#   %s journal: code %d at %d kills\n", off ? "without" : "with", c, codes[off][c]);
  /* codes: 10 reopen refused, 11 wrong count, 12 wrong IV rows, 13 wrong step data, 14 cannot
   * continue, 20-22 the closed file read by the default driver, 30 journal left, 100+ signal */
  tap_check(kills[0] > 10 * NPOINTS, "undo.kills_cover_every_write", "%d kills for %d points", kills[0], NPOINTS);
  tap_check(bad[0] == 0, "undo.every_kill_recovers",
            "%d of %d kills left a bad file; first at point %d write %d (code %d)", bad[0], kills[0], first_bad[0][0],
            first_bad[0][1], first_bad[0][2]);
  tap_check(kills[1] == kills[0], "control.same_kills", "%d vs %d", kills[1], kills[0]);
  tap_check(bad[1] > 0, "control.kills_without_journal_damage",
            "no kill damaged the file without the journal: this test would not see the fault it guards");
  H5close();
  oc_cleanup(dir, own);
  return tap_exit();
}
