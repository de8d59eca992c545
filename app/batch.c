/* tcad batch PLAN: the cases of a plan (include/tcad/plan.h), one after another, or handed out
 * dynamically to the ranks of `mpirun -n K tcad batch PLAN` (an MPI one-sided counter on rank
 * 0: a rank that finishes a case takes the next). Each case runs as `tcad run` in its own folder
 * DIR/case-NNN (its expanded deck.yaml, fields, IV table, summary.json, log.txt) and, the
 * moment it ends, records its outcome in DIR/case-NNN/status.json (written to a temporary file
 * and renamed: a kill leaves the old record or the new one). Running the command again skips
 * the recorded cases, continues the ones that were cut off (from their last saved point) and
 * runs the others; --retry-failed reruns the failed ones. At the end rank 0 writes
 * DIR/summary.csv: one row per case, its parameters, status and figures. docs/batch.md. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <petscsys.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "kernels/cuda.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/extract.h"
#include "tcad/fs.h"
#include "tcad/json.h"
#include "tcad/output.h"
#include "tcad/plan.h"
#include "tcad/sim.h"

typedef struct {
  int state; /* 0 no record, 1 done, 2 failed */
  double wall;
  char hash[64];
  char reason[1024];
} CaseRecord;

static double now_s(void) { return MPI_Wtime(); }

static void case_dir(const char *out, int c, int ncases, char *dir, size_t cap)
{
  int width = ncases >= 1000 ? (ncases >= 10000 ? (ncases >= 100000 ? 6 : 5) : 4) : 3;
  snprintf(dir, cap, "%s/case-%0*d", out, width, c + 1);
}

/* The value of "key": "..." in a record this file wrote (JSON-escaped text, unescaped here). */
static int record_string(const char *text, const char *key, char *out, size_t cap)
{
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\": \"", key);
  const char *p = strstr(text, pat);
  size_t n = 0;
  out[0] = 0;
  if (!p) return 0;
  for (p += strlen(pat); *p && *p != '"' && n + 1 < cap; p++) {
    if (*p == '\\' && p[1]) p++;
    out[n++] = *p;
  }
  out[n] = 0;
  return 1;
}

static void read_record(const char *dir, CaseRecord *r)
{
  char path[2 * TCAD_PATH_MAX], text[4096], s[64];
  memset(r, 0, sizeof *r);
  snprintf(path, sizeof path, "%s/status.json", dir);
  FILE *f = fopen(path, "rb");
  if (!f) return;
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = 0;
  if (!record_string(text, "status", s, sizeof s)) return;
  r->state = !strcmp(s, "done") ? 1 : !strcmp(s, "failed") ? 2 : 0;
  record_string(text, "deck_hash", r->hash, sizeof r->hash);
  record_string(text, "reason", r->reason, sizeof r->reason);
  const char *w = strstr(text, "\"wall_time_s\": ");
  r->wall = w ? atof(w + 15) : NAN;
}

/* status.json, atomically: a temporary file, flushed to disk, renamed over the record. */
static int write_record(const char *dir, int c, const TcadPlan *plan, int failed, const char *reason, double wall,
                        const char *hash, int rank)
{
  char path[2 * TCAD_PATH_MAX], tmp[2 * TCAD_PATH_MAX + 8];
  snprintf(path, sizeof path, "%s/status.json", dir);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "wb");
  if (!f) return tcad_error(TCAD_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
  fprintf(f, "{\n  \"case\": %d,\n  \"status\": \"%s\",\n  \"reason\": ", c + 1, failed ? "failed" : "done");
  tcad_json_string(f, reason ? reason : "");
  fprintf(f, ",\n  \"wall_time_s\": %.6g,\n  \"rank\": %d,\n  \"deck_hash\": \"%s\",\n  \"parameters\": {", wall, rank,
          hash);
  for (int k = 0; k < TcadPlanParamCount(plan); k++) {
    fprintf(f, "%s", k ? ", " : "");
    tcad_json_string(f, TcadPlanParamPath(plan, k));
    fprintf(f, ": ");
    tcad_json_string(f, TcadPlanCaseValue(plan, c, k));
  }
  fprintf(f, "}\n}\n");
  int bad = fflush(f) || fsync(fileno(f));
  bad |= fclose(f);
  if (bad || rename(tmp, path)) return tcad_error(TCAD_ERR_IO, "cannot write %s: %s", path, strerror(errno));
  return 0;
}

static int write_text(const char *path, const char *text)
{
  char tmp[2 * TCAD_PATH_MAX + 8];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "wb");
  if (!f) return tcad_error(TCAD_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
  int bad = fputs(text, f) < 0;
  bad |= fclose(f);
  if (bad || rename(tmp, path)) return tcad_error(TCAD_ERR_IO, "cannot write %s: %s", path, strerror(errno));
  return 0;
}

/* One case, its output into DIR/log.txt. Returns the run's error code (its message in reason). */
static int run_case(const TcadPlan *plan, int c, const char *dir, const TcadOptions *opt, int *resumed, char *hash,
                    size_t hcap, char *reason, size_t rcap)
{
  char deck_path[2 * TCAD_PATH_MAX], log[2 * TCAD_PATH_MAX], *text = NULL;
  CaseRecord old;
  int e = 0, reached = 0;
  reason[0] = 0;
  *resumed = 0;
  snprintf(deck_path, sizeof deck_path, "%s/deck.yaml", dir);
  snprintf(log, sizeof log, "%s/log.txt", dir);
  TCAD_CALL(tcad_mkdir_p(dir));
  TCAD_CALL(TcadPlanCaseDeck(plan, c, &text));
  /* a cut-off case continues from its last saved point when its deck is the same */
  char old_hash[64] = "", h5[2 * TCAD_PATH_MAX + 16];
  tcad_app_file_hash(deck_path, old_hash, sizeof old_hash);
  read_record(dir, &old);
  e = write_text(deck_path, text);
  free(text);
  if (e) return e;
  tcad_app_file_hash(deck_path, hash, hcap);
  snprintf(h5, sizeof h5, "%s/fields.h5", dir);
  *resumed = old.state == 0 && old_hash[0] && !strcmp(old_hash, hash) && access(h5, F_OK) == 0;

  fflush(stdout), fflush(stderr);
  int saved_out = dup(1), saved_err = dup(2), fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0 || saved_out < 0 || saved_err < 0) {
    if (fd >= 0) close(fd);
    if (saved_out >= 0) close(saved_out);
    if (saved_err >= 0) close(saved_err);
    return tcad_error(TCAD_ERR_IO, "cannot write %s: %s", log, strerror(errno));
  }
  dup2(fd, 1), dup2(fd, 2), close(fd);
  printf("tcad batch %s: case %d of %d%s\n", TcadPlanPath(plan), c + 1, TcadPlanCaseCount(plan),
         *resumed ? ", continued from its last saved point" : "");
  tcad_error_clear();
  e = tcad_app_run(deck_path, dir, 0, *resumed, opt, &reached);
  if (e && *resumed) { /* the saved point was not usable: the case from the start */
    printf("tcad batch: cannot continue (%s); running the case from the start\n", tcad_error_message());
    tcad_error_clear();
    *resumed = 0;
    e = tcad_app_run(deck_path, dir, 0, 0, opt, &reached);
  }
  if (e) {
    tcad_app_report_error(e, opt->trace);
    snprintf(reason, rcap, "%s", tcad_error_message());
  }
  fflush(stdout), fflush(stderr);
  dup2(saved_out, 1), dup2(saved_err, 2);
  close(saved_out), close(saved_err);
  tcad_error_clear();
  return e;
}

static void csv_field(FILE *f, const char *s)
{
  if (!strpbrk(s, ",\"\n\r")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
  }
  fputc('"', f);
}

/* A figure of the summary table: its column name (extract.json's) and where it is in TcadExtract. */
typedef struct {
  const char *name;
  size_t offset;
} BatchFigure;

/* DIR/summary.csv from the cases' records and their figures (io/extract.c: the IV table and
 * summary.json), rank 0, at the end. Column names as in extract.json (ss is ss_mv_per_dec, dibl
 * dibl_mv_per_v, ig_largest the gate current's largest). */
static int write_summary(const TcadPlan *plan, const char *out, int *ndone, int *nfailed, int *nnot)
{
  static const BatchFigure figures[] = {
      {"vt_cc", offsetof(TcadExtract, vt_cc)},
      {"vt_gm", offsetof(TcadExtract, vt_gm)},
      {"ss_mv_per_dec", offsetof(TcadExtract, ss)},
      {"dibl_mv_per_v", offsetof(TcadExtract, dibl)},
      {"ion", offsetof(TcadExtract, ion)},
      {"ioff", offsetof(TcadExtract, ioff)},
      {"breakdown_voltage", offsetof(TcadExtract, breakdown_voltage)},
      {"isub_peak", offsetof(TcadExtract, isub_peak)},
      {"isub_peak_vg", offsetof(TcadExtract, isub_peak_vg)},
      {"isub_over_id", offsetof(TcadExtract, isub_over_id)},
      {"gate_current", offsetof(TcadExtract, ig_largest)},
      {"lifetime", offsetof(TcadExtract, lifetime)},
      {"newton_iterations", offsetof(TcadExtract, newton_iterations)},
  };
  const int nfig = (int)(sizeof figures / sizeof figures[0]);
  char path[2 * TCAD_PATH_MAX], tmp[2 * TCAD_PATH_MAX + 8], dir[TCAD_PATH_MAX + 32];
  const int n = TcadPlanCaseCount(plan), np = TcadPlanParamCount(plan);
  snprintf(path, sizeof path, "%s/summary.csv", out);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "wb");
  if (!f) return tcad_error(TCAD_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
  /* the same table in summary.h5: numbers in /summary (parameters that are not numbers are NAN
   * there), the parameters as written, the status and the reason in /summary_text */
  const int nnum = 2 + np + nfig, ntext = np + 2;
  double *num = malloc(sizeof(double) * (size_t)n * (size_t)nnum + 1);
  const char **numnames = malloc(sizeof(char *) * (size_t)nnum), **textnames = malloc(sizeof(char *) * (size_t)ntext);
  char **text = calloc((size_t)n * (size_t)ntext + 1, sizeof(char *));
  if (!num || !numnames || !textnames || !text) {
    fclose(f);
    free(num), free(numnames), free(textnames), free(text);
    return tcad_error(TCAD_ERR_MEM, "out of memory writing the summary");
  }
  numnames[0] = "case", numnames[1] = "wall_time_s";
  for (int k = 0; k < np; k++) numnames[2 + k] = textnames[k] = TcadPlanParamPath(plan, k);
  for (int k = 0; k < nfig; k++) numnames[2 + np + k] = figures[k].name;
  textnames[np] = "status", textnames[np + 1] = "reason";
  *ndone = *nfailed = *nnot = 0;
  fprintf(f, "case");
  for (int k = 0; k < np; k++) fputc(',', f), csv_field(f, TcadPlanParamPath(plan, k));
  fprintf(f, ",status,reason,wall_time_s");
  for (int k = 0; k < nfig; k++) fprintf(f, ",%s", figures[k].name);
  fputc('\n', f);
  for (int c = 0; c < n; c++) {
    CaseRecord r;
    TcadExtract x;
    case_dir(out, c, n, dir, sizeof dir);
    read_record(dir, &r);
    double *row = num + (size_t)c * nnum;
    row[0] = c + 1, row[1] = r.state ? r.wall : NAN;
    fprintf(f, "%d", c + 1);
    for (int k = 0; k < np; k++) {
      const char *v = TcadPlanCaseValue(plan, c, k);
      char *end;
      double x = strtod(v, &end);
      row[2 + k] = end != v && !*end ? x : NAN;
      text[(size_t)k * n + c] = (char *)v;
      fputc(',', f), csv_field(f, v);
    }
    text[(size_t)np * n + c] = r.state == 1 ? "done" : r.state == 2 ? "failed" : "not run";
    text[(size_t)(np + 1) * n + c] = strdup(r.reason);
    fprintf(f, ",%s,", r.state == 1 ? "done" : r.state == 2 ? "failed" : "not run");
    csv_field(f, r.reason);
    if (r.state)
      fprintf(f, ",%.6g", r.wall);
    else
      fprintf(f, ",");
    /* the figures of a case that ran (a failed one keeps those of its converged points) */
    int have = r.state && !TcadExtractRun(dir, NULL, &x);
    if (r.state && !have) tcad_error_clear();
    for (int k = 0; k < nfig; k++) {
      double v = have ? *(const double *)((const char *)&x + figures[k].offset) : NAN;
      row[2 + np + k] = isfinite(v) ? v : NAN;
      if (isfinite(v))
        fprintf(f, ",%.10g", v);
      else
        fprintf(f, ",");
    }
    if (have) TcadExtractFree(&x);
    fputc('\n', f);
    *ndone += r.state == 1, *nfailed += r.state == 2, *nnot += r.state == 0;
  }
  int bad = fclose(f), e = 0;
  if (bad || rename(tmp, path)) e = tcad_error(TCAD_ERR_IO, "cannot write %s: %s", path, strerror(errno));
  if (!e) {
    snprintf(path, sizeof path, "%s/summary.h5", out);
    for (int c = 0; c < n; c++)
      if (!text[(size_t)(np + 1) * n + c]) e = tcad_error(TCAD_ERR_MEM, "out of memory writing the summary");
    if (!e)
      e = TcadOutputWriteTableFile(path, "summary", n, nnum, numnames, num, ntext, textnames,
                                   (const char *const *)text);
  }
  for (int c = 0; c < n; c++) free(text[(size_t)(np + 1) * n + c]);
  free(num), free(numnames), free(textnames), free(text);
  return e;
}

/* DIR/summary.png through scripts/plot-batch.py (matplotlib), found beside the executable's
 * source tree ($TCAD_SCRIPTS overrides the folder) and run with the project's .venv python when
 * there, else python3. A missing script or matplotlib costs the PNG only, with a note. */
static void plot_batch(const char *out)
{
  char exe[TCAD_PATH_MAX] = "", script[2 * TCAD_PATH_MAX], py[2 * TCAD_PATH_MAX], cmd[6 * TCAD_PATH_MAX];
  const char *dir = getenv("TCAD_SCRIPTS");
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = 0;
  char *slash = strrchr(exe, '/');
  if (slash) *slash = 0;
  if (dir && *dir)
    snprintf(script, sizeof script, "%s/plot-batch.py", dir);
  else
    snprintf(script, sizeof script, "%s/../scripts/plot-batch.py", exe);
  snprintf(py, sizeof py, "%s/../.venv/bin/python", exe);
  if (access(py, X_OK)) snprintf(py, sizeof py, "python3");
  if (access(script, R_OK)) {
    printf("  no PNG: %s is not there (set TCAD_SCRIPTS to the folder of plot-batch.py)\n", script);
    return;
  }
  for (const char *p = out; *p; p++)
    if (*p == '\'') {
      printf("  no PNG: the folder name has a quote; run %s %s DIR\n", py, script);
      return;
    }
  snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' 2>&1 | sed 's/^/  /'", py, script, out);
  fflush(stdout);
  if (system(cmd) != 0) printf("  no PNG (needs python3 with matplotlib)\n");
}

static void print_list(const TcadPlan *plan)
{
  const int n = TcadPlanCaseCount(plan), np = TcadPlanParamCount(plan);
  printf("%s: %d case%s\n%-6s", TcadPlanPath(plan), n, n == 1 ? "" : "s", "case");
  for (int k = 0; k < np; k++) printf("  %-18s", TcadPlanParamPath(plan, k));
  printf("\n");
  for (int c = 0; c < n; c++) {
    printf("%-6d", c + 1);
    for (int k = 0; k < np; k++) printf("  %-18s", TcadPlanCaseValue(plan, c, k));
    printf("\n");
  }
}

int tcad_app_batch(const char *plan_path, const char *outdir, const TcadBatchArgs *a, const TcadOptions *opt)
{
  TcadPlan *plan = NULL;
  PetscMPIInt rank = 0, size = 1;
  MPI_Win win = MPI_WIN_NULL;
  long *counter = NULL;
  int *todo = NULL, ntodo = 0, e = 0, lock = -1, mine = 0, done_here = 0, failed_here = 0;
  char out[TCAD_PATH_MAX];
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  TCAD_CALL(TcadPlanLoad(plan_path, &plan));
  const int n = TcadPlanCaseCount(plan);
  if (a->list || a->deck) {
    if (a->deck && (a->deck < 1 || a->deck > n)) {
      e = tcad_error(TCAD_ERR_USAGE, "--deck %d: the plan has cases 1 to %d", a->deck, n);
    } else if (rank == 0 && a->list) {
      print_list(plan);
    } else if (rank == 0) {
      char *text = NULL;
      if (!(e = TcadPlanCaseDeck(plan, a->deck - 1, &text))) fputs(text, stdout);
      free(text);
    }
    TcadPlanDestroy(&plan);
    return e;
  }
  if (a->only_case && (a->only_case < 1 || a->only_case > n)) {
    e = tcad_error(TCAD_ERR_USAGE, "--case %d: the plan has cases 1 to %d", a->only_case, n);
    goto done;
  }
  if (snprintf(out, sizeof out, "%s", outdir ? outdir : TcadPlanOutput(plan)) >= (int)sizeof out) {
    e = tcad_error(TCAD_ERR_USAGE, "the batch folder's path is too long");
    goto done;
  }
  /* rank 0 takes the batch folder (one batch at a time; --case runs, one per array task, lock
   * their case folder only, through tcad run) and says whether all ranks may go on */
  if (rank == 0) {
    e = tcad_mkdir_p(out);
    if (!e && !a->only_case) e = tcad_app_lock_folder(out, ".tcad-batch-lock", &lock);
  }
  {
    int ok = e == 0;
    (void)MPI_Bcast(&ok, 1, MPI_INT, 0, PETSC_COMM_WORLD);
    if (!ok && rank != 0) e = tcad_error(TCAD_ERR_IO, "rank 0 could not take the batch folder %s", out);
    if (e) goto done;
  }
  omp_set_num_threads(a->threads > 0 ? a->threads : 1);
  /* one GPU per rank: rank modulo the device count (unless the host backend is asked for) */
  char where[400] = "host backend";
  if (opt->backend != TCAD_BACKEND_HOST) {
    TcadCudaInfo ci;
    tcad_cuda_query(&ci);
    if (ci.ndevices > 0) {
      const int dev = rank % ci.ndevices;
      if ((e = TcadCudaSelectDevice(dev))) goto done;
      tcad_cuda_query(&ci);
      snprintf(where, sizeof where, "CUDA device %d of %d (%.200s), rank %d modulo %d", dev, ci.ndevices, ci.name, rank,
               ci.ndevices);
    } else {
      snprintf(where, sizeof where, "host backend (%.300s)", ci.why);
    }
  }
  if (size > 1 || strncmp(where, "host backend", 12)) printf("rank %d: %s\n", rank, where);
  /* the cases to run, the same list on every rank */
  TCAD_ALLOC_GOTO(e, todo, n, done);
  for (int c = 0; c < n; c++) {
    char dir[TCAD_PATH_MAX + 32], hash[64] = "", *text = NULL;
    CaseRecord r;
    if (a->only_case && c + 1 != a->only_case) continue;
    case_dir(out, c, n, dir, sizeof dir);
    read_record(dir, &r);
    if (r.state) { /* recorded: is its deck still the plan's (the plan may have been edited)? */
      TCAD_CALL_GOTO(e, TcadPlanCaseDeck(plan, c, &text), done);
      tcad_app_text_hash(text, hash, sizeof hash);
      free(text);
      if (strcmp(hash, r.hash)) r.state = 0;
    }
    if ((r.state == 0 && !a->retry_failed) || (r.state == 2 && a->retry_failed) || a->only_case) todo[ntodo++] = c;
  }
  if (rank == 0)
    printf("tcad batch %s: %d case%s, %d to run now, into %s (%d rank%s, %d thread%s each)\n", plan_path, n,
           n == 1 ? "" : "s", ntodo, out, size, size == 1 ? "" : "s", a->threads > 0 ? a->threads : 1,
           (a->threads > 0 ? a->threads : 1) == 1 ? "" : "s");
  fflush(stdout);
  if (size > 1) {
    /* on rank 0: [0] the next case to hand out, [1] cases done, [2] cases failed (the batch's
     * running totals for the progress lines) */
    MPI_Win_allocate(rank == 0 ? (MPI_Aint)(3 * sizeof(long)) : 0, sizeof(long), MPI_INFO_NULL, PETSC_COMM_WORLD,
                     &counter, &win);
    if (rank == 0) {
      MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
      counter[0] = counter[1] = counter[2] = 0;
      MPI_Win_unlock(0, win);
    }
    MPI_Barrier(PETSC_COMM_WORLD);
  }
  const double t0 = now_s();
  for (long next = 0;;) {
    if (size > 1) { /* the next case from rank 0's counter */
      const long one = 1;
      MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win);
      MPI_Fetch_and_op(&one, &next, MPI_LONG, 0, 0, MPI_SUM, win);
      MPI_Win_unlock(0, win);
    }
    if (next >= ntodo) break;
    const int c = todo[next];
    if (size == 1) next++;
    char dir[TCAD_PATH_MAX + 32], hash[64] = "", reason[1024];
    int resumed = 0;
    case_dir(out, c, n, dir, sizeof dir);
    const double t = now_s();
    int ce = run_case(plan, c, dir, opt, &resumed, hash, sizeof hash, reason, sizeof reason);
    const double wall = now_s() - t;
    if (ce && !reason[0]) snprintf(reason, sizeof reason, "%s", tcad_error_message());
    mine++;
    if (ce)
      failed_here++;
    else
      done_here++;
    int we = write_record(dir, c, plan, ce != 0, ce ? reason : "", wall, hash, rank);
    if (we) {
      e = we;
      break;
    }
    char vals[512] = "";
    size_t used = 0;
    for (int k = 0; k < TcadPlanParamCount(plan) && used < sizeof vals; k++) {
      int w = snprintf(vals + used, sizeof vals - used, "%s%s = %s", k ? ", " : "", TcadPlanParamPath(plan, k),
                       TcadPlanCaseValue(plan, c, k));
      if (w > 0) used += (size_t)w;
    }
    /* the batch's totals: this rank's, or every rank's from rank 0's window */
    long tot_done = done_here, tot_failed = failed_here, handed = (long)mine;
    if (size > 1) {
      const long one = 1;
      long prev = 0, dummy = 0;
      MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win);
      MPI_Fetch_and_op(&one, &prev, MPI_LONG, 0, ce ? 2 : 1, MPI_SUM, win);
      MPI_Fetch_and_op(&dummy, ce ? &tot_done : &tot_failed, MPI_LONG, 0, ce ? 1 : 2, MPI_NO_OP, win);
      MPI_Fetch_and_op(&dummy, &handed, MPI_LONG, 0, 0, MPI_NO_OP, win);
      MPI_Win_unlock(0, win);
      if (ce)
        tot_failed = prev + 1;
      else
        tot_done = prev + 1;
      handed = handed < ntodo ? handed : ntodo;
    }
    const long finished = tot_done + tot_failed, running = handed - finished > 0 ? handed - finished : 0;
    const double el = now_s() - t0;
    printf("case %d/%d %s in %.1f s%s on rank %d (%s)%s%s\n", c + 1, n, ce ? "FAILED" : "done", wall,
           resumed ? ", continued" : "", rank, vals, ce ? ": " : "", ce ? reason : "");
    printf("  batch: %ld done, %ld failed, %ld running, %ld waiting; %.0f s elapsed", tot_done, tot_failed, running,
           ntodo - handed > 0 ? ntodo - handed : 0, el);
    if (finished < ntodo) printf(", about %.0f s to go", el / (double)finished * (double)(ntodo - finished));
    printf("\n");
    fflush(stdout);
  }
  if (size > 1) {
    int any = e != 0, all_any = 0;
    MPI_Allreduce(&any, &all_any, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
    MPI_Win_free(&win);
    if (all_any && !e) e = tcad_error(TCAD_ERR_IO, "another rank could not record its cases; see its message");
  }
  if (rank == 0 && !e) {
    int nd = 0, nf = 0, nn = 0;
    char path[2 * TCAD_PATH_MAX];
    snprintf(path, sizeof path, "%s/summary.csv", out);
    e = write_summary(plan, out, &nd, &nf, &nn);
    if (!e) {
      printf("batch %s: %d of %d cases done, %d failed, %d not run; %.1f s; wrote %s\n", plan_path, nd, n, nf, nn,
             now_s() - t0, path);
      plot_batch(out);
      if (nf)
        printf("  failed cases keep their reason in %s and their log in case-N/log.txt; --retry-failed reruns them\n",
               path);
      if (a->only_case ? failed_here > 0 : nf > 0)
        e = tcad_error(TCAD_ERR_CONVERGE, "%d of %d cases failed (see %s)", a->only_case ? failed_here : nf, n, path);
    }
  }
done:
  if (lock >= 0) close(lock);
  free(todo);
  TcadPlanDestroy(&plan);
  return e;
}
