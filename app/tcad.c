/* tcad command line: argument parsing and the run/info drivers; nothing else lives here. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <petscsnes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "kernels/cuda.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/extract.h"
#include "tcad/fs.h"
#include "tcad/geometry.h"
#include "tcad/mesh.h"
#include "tcad/options.h"
#include "tcad/output.h"
#include "tcad/petsc_error.h"
#include "tcad/sim.h"

#ifndef TCAD_VERSION
#define TCAD_VERSION "dev"
#endif

static const char usage[] =
    "usage: tcad [--help] [--version] <command> [arguments] [PETSc options]\n"
    "\n"
    "commands:\n"
    "  run <deck.yaml> [-o DIR] [--resume]\n"
    "                             load the deck, build mesh and geometry, run the solve\n"
    "                             sequence; fields (HDF5 + XDMF for ParaView) and the IV table\n"
    "                             go to DIR (default: the deck's output.directory); --resume\n"
    "                             continues a killed or failed run in DIR from its last point\n"
    "  batch <plan.yaml> [-o DIR] [--list] [--deck N] [--case N] [--retry-failed] [--threads N]\n"
    "                             run the cases of a plan (a base deck and its variations,\n"
    "                             docs/batch.md) into DIR/case-NNN, one after another or over the\n"
    "                             ranks of mpirun -n K; a second run skips the finished cases and\n"
    "                             continues the cut-off ones; DIR/summary.csv has one row per case.\n"
    "                             --list prints the cases, --deck N case N's deck, --case N runs\n"
    "                             only case N (job arrays), --retry-failed reruns the failed ones\n"
    "  extract <DIR>              the figures of a finished run from its IV table and summary.json\n"
    "                             (threshold voltage by constant current and by maximum g_m,\n"
    "                             subthreshold slope, DIBL, on/off current, breakdown voltage,\n"
    "                             substrate and gate current, lifetime); printed and written to\n"
    "                             DIR/extract.json (docs/output.md)\n"
    "  info <deck.yaml|mesh.msh>  summarize mesh, regions, contacts and box-method geometry,\n"
    "                             including non-Delaunay elements\n"
    "  repair <DIR>               make the field files of a killed run's folder readable again:\n"
    "                             undo what the run wrote after its last complete flush (a kill\n"
    "                             inside a flush can leave an HDF5 file other readers refuse)\n"
    "  materials [NAME]           list the built-in materials and the overridable parameters\n"
    "                             (unit, valid range); with a NAME, that material's values\n"
    "\n"
    "options:\n"
    "  -h, --help                 this text\n"
    "  --version                  print the version and exit\n"
    "  -o DIR                     (run, batch) output directory\n"
    "  -q                         (run, info) less output\n"
    "Any other option starting with '-' goes to PETSc (e.g. -snes_monitor, -ksp_type gmres), including\n"
    "the -tcad_* options; `tcad run DECK -help` lists them with their defaults. An option nothing used\n"
    "(a misspelling) is reported at the end of a run; -tcad_trace prints where every error came from.\n"
    "\n"
    "exit status: 0 success, 2 usage, 3 bad deck, 4 bad mesh, 5 file error, 6 not implemented,\n"
    "             7 out of memory, 8 PETSc error, 9 CUDA error, 10 no convergence (batch: a case\n"
    "             failed), 11 internal\n"
    "\n"
    "The deck format is described in docs/deck.md.\n";

static int has_suffix(const char *s, const char *suf)
{
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && !strcmp(s + a - b, suf);
}

/* A deck or mesh name after a value-less PETSc option (tcad run -snes_monitor deck.yaml) is
 * the positional file, not the option's value. */
static int is_input_file(const char *a)
{
  return has_suffix(a, ".yaml") || has_suffix(a, ".yml") || has_suffix(a, ".msh");
}

static const char *dim_unit(int dim) { return dim == 1 ? "cm" : dim == 2 ? "cm^2" : "cm^3"; }

static void print_geometry(const TcadMesh *m, const TcadGeometry *g)
{
  double vsum = 0;
  for (int n = 0; n < m->nnodes; n++) vsum += g->node_volume[n];
  printf("geometry: %d edges (%d region-edges), %d interface nodes, node volume sum %.6g %s\n", g->nunique_edges,
         g->nedges, g->ninterface, vsum, dim_unit(m->dim));
  if (g->nnondelaunay == 0)
    printf("  Delaunay: yes (no negative coupling contribution)\n");
  else {
    printf("  non-Delaunay: %d negative element contribution%s, %d region-edge%s with negative total "
           "coupling\n",
           g->nnondelaunay, g->nnondelaunay > 1 ? "s" : "", g->nnegative_edges, g->nnegative_edges == 1 ? "" : "s");
    int shown = g->nnondelaunay < TCAD_GEOM_MAX_REPORT ? g->nnondelaunay : TCAD_GEOM_MAX_REPORT;
    for (int k = 0; k < shown && k < 8; k++) {
      const TcadNonDelaunay *nd = &g->nondelaunay[k];
      const double *a = m->coord + 3 * (size_t)nd->node[0], *b = m->coord + 3 * (size_t)nd->node[1];
      printf("    element %d, edge %d-%d at (%.5g, %.5g, %.5g) um: A/h = %.3g\n", nd->cell, nd->node[0], nd->node[1],
             0.5e4 * (a[0] + b[0]), 0.5e4 * (a[1] + b[1]), 0.5e4 * (a[2] + b[2]), nd->value);
    }
    if (g->nnondelaunay > 8) printf("    ...\n");
    if (g->nnegative_edges)
      printf("  warning: negative total couplings make the box method non-monotone; remesh with a "
             "Delaunay mesher\n");
  }
}

static void print_mesh(const TcadMesh *m, const TcadGeometry *g)
{
  static const char *kinds[] = {"semiconductor", "insulator", "conductor"};
  printf("mesh: %s\n  %dD, %d nodes, %d %s", m->source, m->dim, m->nnodes, m->ncells,
         m->dim == 1   ? "segments"
         : m->dim == 2 ? "triangles"
                       : "tetrahedra");
  if (m->nquads_split) printf(" (%d quadrilaterals split)", m->nquads_split);
  if (m->ndropped) printf(" (%d cells outside every region not meshed)", m->ndropped);
  printf("\nregions:\n");
  for (int r = 0; r < m->nregions; r++)
    printf("  %-16s %-8s %-13s %8d cells  measure %.6g %s\n", m->regions[r].name,
           m->regions[r].material[0] ? m->regions[r].material : "-",
           m->regions[r].material[0] ? kinds[m->regions[r].kind] : "", m->regions[r].ncells,
           g ? g->region_measure[r] : 0.0, dim_unit(m->dim));
  printf("contacts:\n");
  if (!m->ncontacts) printf("  (none)\n");
  for (int c = 0; c < m->ncontacts; c++)
    printf("  %-16s %6d faces %6d nodes\n", m->contacts[c].name, m->contacts[c].nfaces, m->contacts[c].nnodes);
  if (m->ninterfaces) printf("interfaces (face groups between regions, not contacts):\n");
  for (int g = 0; g < m->ninterfaces; g++) {
    const TcadMeshFaceGroup *fg = &m->interfaces[g];
    if (fg->region[0] >= 0)
      printf("  %-16s %6d faces  between %s and %s\n", fg->name, fg->nfaces, m->regions[fg->region[0]].name,
             m->regions[fg->region[1]].name);
    else
      printf("  %-16s %6d faces  between several pairs of regions\n", fg->name, fg->nfaces);
  }
  if (g) print_geometry(m, g);
}

static void print_cuda_line(const TcadOptions *opt)
{
  char why[512];
  int b;
  if (TcadSimGetDefaultBackend(opt->backend, &b, why, sizeof why))
    printf("tcad %s: %s\n", TCAD_VERSION, tcad_error_message());
  else
    printf("tcad %s: backend %s (%s)\n", TCAD_VERSION, b == TCAD_BACKEND_CUDA ? "cuda" : "host", why);
}

static int cmd_info(const char *path, int quiet)
{
  TcadDeck *deck = NULL;
  TcadMesh *mesh = NULL;
  TcadGeometry *geom = NULL;
  double *nd = NULL, *na = NULL;
  int e = 0;
  (void)quiet;
  if (has_suffix(path, ".msh")) {
    TCAD_CALL_GOTO(e, TcadMeshLoadGmsh(path, 1e-4, &mesh), cleanup);
    TCAD_CALL_GOTO(e, TcadMeshCheckCells(mesh), cleanup);
  } else {
    TCAD_CALL_GOTO(e, TcadDeckLoad(path, &deck), cleanup);
    TCAD_CALL_GOTO(e, TcadMeshCreateFromDeck(deck, &mesh), cleanup);
  }
  TCAD_CALL_GOTO(e, TcadGeometryBuild(mesh, &geom), cleanup);
  if (deck) printf("deck: %s%s%s\n", deck->path, deck->title[0] ? " — " : "", deck->title);
  print_mesh(mesh, geom);
  if (deck) {
    TCAD_ALLOC_GOTO(e, nd, mesh->nnodes, cleanup);
    TCAD_ALLOC_GOTO(e, na, mesh->nnodes, cleanup);
    TCAD_CALL_GOTO(e, TcadDopingEvaluate(deck, mesh, nd, na), cleanup);
    double maxd = 0, maxa = 0;
    for (int n = 0; n < mesh->nnodes; n++) maxd = fmax(maxd, nd[n]), maxa = fmax(maxa, na[n]);
    printf("doping: %d profile%s, max donors %.3g cm^-3, max acceptors %.3g cm^-3\n", deck->ndoping,
           deck->ndoping == 1 ? "" : "s", maxd, maxa);
    printf("solve: %d step%s\n", deck->nsteps, deck->nsteps == 1 ? "" : "s");
  }
cleanup:
  free(nd), free(na);
  TcadGeometryDestroy(&geom);
  TcadMeshDestroy(&mesh);
  TcadDeckDestroy(&deck);
  return e;
}

static int write_mesh_step(TcadOutput *out, const TcadMesh *m, const TcadGeometry *g, const double *nd,
                           const double *na)
{
  double *net = NULL, *cid = NULL;
  int *kind = NULL, e = 0;
  TCAD_ALLOC_GOTO(e, net, m->nnodes, cleanup);
  TCAD_ALLOC_GOTO(e, cid, m->nnodes, cleanup);
  TCAD_ALLOC_GOTO(e, kind, m->ncells, cleanup);
  for (int c = 0; c < m->ncells; c++) kind[c] = (int)m->regions[m->cell_region[c]].kind;
  for (int n = 0; n < m->nnodes; n++) net[n] = nd[n] - na[n];
  for (int c = 0; c < m->ncontacts; c++)
    for (int k = 0; k < m->contacts[c].nnodes; k++) cid[m->contacts[c].node[k]] = c + 1;
  TCAD_CALL_GOTO(e, TcadOutputBeginStep(out, -1.0, "mesh"), cleanup);
  TCAD_CALL_GOTO(e, TcadOutputWriteNodeField(out, "donors", "cm^-3", 1, nd), cleanup);
  TCAD_CALL_GOTO(e, TcadOutputWriteNodeField(out, "acceptors", "cm^-3", 1, na), cleanup);
  TCAD_CALL_GOTO(e, TcadOutputWriteNodeField(out, "net_doping", "cm^-3", 1, net), cleanup);
  TCAD_CALL_GOTO(e, TcadOutputWriteNodeField(out, "node_volume", dim_unit(m->dim), 1, g->node_volume), cleanup);
  TCAD_CALL_GOTO(e, TcadOutputWriteNodeField(out, "contact", "1", 1, cid), cleanup);
  TCAD_CALL_GOTO(e, TcadOutputWriteCellFieldInt(out, "region", m->cell_region), cleanup);
  /* 0 semiconductor, 1 insulator, 2 conductor: lets ParaView mask the oxide */
  TCAD_CALL_GOTO(e, TcadOutputWriteCellFieldInt(out, "material_kind", kind), cleanup);
  TCAD_CALL_GOTO(e, TcadOutputEndStep(out), cleanup);
cleanup:
  free(net), free(cid), free(kind);
  return e;
}

static void print_totals(const TcadSim *sim, const char *iv, const char *h5)
{
  const TcadSimTotals *t = TcadSimGetTotals(sim);
  if (t->points)
    printf("solve: %d bias points, %d Newton solves (%d failed and retried with a smaller step%s), %d Newton "
           "iterations (%.1f per point), %d linear iterations; assembly %.3f s, linear solve %.3f s, output "
           "%.3f s\n",
           t->points, t->solves, t->failures - t->final_failures,
           t->final_failures ? ", 1 failed with no smaller step left" : "", t->newton_its,
           (double)t->newton_its / t->points, t->linear_its, t->t_assembly - t->t_copy, t->t_linear, t->t_output);
  if (TcadSimGetBackend(sim) == TCAD_BACKEND_CUDA)
    printf("  device transfers: state up %.3f s, residual down %.3f s, Jacobian down (CPU linear solver) %.3f "
           "s, Newton products %.3f s; assembly kernel %.3f s\n",
           t->t_upload, t->t_download, t->t_copy, t->t_matmult, t->t_kernel);
  if (t->points && t->t_injection > 0)
    printf("  hot-carrier gate current: %.3f s (%.2f ms per point, %.2f %% of the Newton solves' time)\n",
           t->t_injection, 1e3 * t->t_injection / t->points,
           100.0 * t->t_injection / fmax(t->t_assembly + t->t_linear, 1e-30));
  char lin[512];
  if (TcadSimGetLinearSummary(sim, lin, sizeof lin)) printf("  %s\n", lin);
  if (t->points) printf("wrote %s (IV table, also /iv in %s)\n", iv, h5);
}

/* The output folder's lock: one run at a time per folder. flock() on DIR/.tcad-lock, held (the
 * descriptor open) until the run ends; the holder's pid is in the file for the message. */
int tcad_app_lock_folder(const char *dir, const char *name, int *fd)
{
  char path[TCAD_PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (*fd < 0)
    return tcad_error(TCAD_ERR_IO, "cannot create %s: %s (check the folder is writable)", path, strerror(errno));
  if (flock(*fd, LOCK_EX | LOCK_NB)) {
    char pid[32] = "";
    const ssize_t n = read(*fd, pid, sizeof pid - 1);
    pid[n > 0 ? n : 0] = 0;
    pid[strcspn(pid, "\n")] = 0;
    close(*fd), *fd = -1;
    return tcad_error(TCAD_ERR_IO,
                      "the output folder %s is in use by another tcad run (pid %s); wait for it to finish or "
                      "give this run another folder (-o DIR)",
                      dir, pid[0] ? pid : "unknown");
  }
  char pid[32];
  const int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
  if (ftruncate(*fd, 0) || write(*fd, pid, (size_t)n) != n) { /* only the message's pid is lost */
  }
  return 0;
}

static int exists(const char *path) { return access(path, F_OK) == 0; }

/* tcad repair DIR: every field file of DIR with an undo journal goes back to its last complete
 * flush (io/output_undo.c); the folder's lock first, so that a run at work is not disturbed. */
static int cmd_repair(const char *dir)
{
  struct stat st;
  int lock = -1, e = 0, nfiles = 0;
  if (stat(dir, &st) || !S_ISDIR(st.st_mode))
    return tcad_error(TCAD_ERR_USAGE, "repair: %s is not a folder; give the run's output folder (tcad repair DIR)",
                      dir);
  TCAD_CALL(tcad_app_lock_folder(dir, ".tcad-lock", &lock));
  DIR *d = opendir(dir);
  if (!d) {
    close(lock);
    return tcad_error(TCAD_ERR_IO, "repair: cannot read the folder %s: %s", dir, strerror(errno));
  }
  for (struct dirent *en; !e && (en = readdir(d));) {
    const size_t n = strlen(en->d_name);
    if (n <= 8 || strcmp(en->d_name + n - 8, ".h5.undo")) continue;
    char h5[TCAD_PATH_MAX + 512];
    int nrec = 0;
    snprintf(h5, sizeof h5, "%s/%.*s", dir, (int)(n - 5), en->d_name);
    e = TcadOutputRepair(h5, &nrec);
    if (!e) printf("%s: %s\n", h5, nrec ? "back to its last complete flush" : "was complete (its journal removed)");
    nfiles += !e;
  }
  closedir(d);
  close(lock);
  if (!e && !nfiles) printf("%s: nothing to repair (no field file there was left mid-write)\n", dir);
  return e;
}

/* The deck's fingerprint for --resume: FNV-1a (64 bit) of the file's bytes, in hex ("" when
 * the file cannot be read: it was just read, so that is not expected). */
#define TCAD_FNV_OFFSET 1469598103934665603ULL
static uint64_t fnv_byte(uint64_t h, unsigned char c) { return (h ^ c) * 1099511628211ULL; }

void tcad_app_file_hash(const char *path, char *out, size_t n)
{
  uint64_t h = TCAD_FNV_OFFSET;
  FILE *f = fopen(path, "rb");
  out[0] = 0;
  if (!f) return;
  for (int ch; (ch = fgetc(f)) != EOF;) h = fnv_byte(h, (unsigned char)ch);
  fclose(f);
  snprintf(out, n, "fnv1a64:%016llx", (unsigned long long)h);
}

void tcad_app_text_hash(const char *text, char *out, size_t n)
{
  uint64_t h = TCAD_FNV_OFFSET;
  for (const char *p = text; *p; p++) h = fnv_byte(h, (unsigned char)*p);
  snprintf(out, n, "fnv1a64:%016llx", (unsigned long long)h);
}

/* tcad run --resume: reopen the run's field file, check it is this deck's, restore the last
 * point (solver/resume.c), keep the files up to it and rewrite the IV table from /iv. */
static int resume_run(TcadSim *sim, const TcadMesh *mesh, const char *deck_path, const char *dir, const char *h5,
                      const char *xdmf, const char *iv, int quiet, TcadOutput **out)
{
  char hash[64], old[64];
  double *rows = NULL;
  int nr = 0, nc = 0, keep = 0, e = 0;
  if (!exists(h5))
    return tcad_error(TCAD_ERR_IO, "--resume: %s holds no run to continue (no %s); run without --resume", dir, h5);
  TCAD_CALL(TcadOutputReopen(h5, xdmf, mesh, out));
  tcad_app_file_hash(deck_path, hash, sizeof hash);
  TCAD_CALL(TcadOutputGetFileAttribute(*out, "deck_hash", old, sizeof old));
  if (strcmp(old, hash))
    return tcad_error(TCAD_ERR_INPUT,
                      "--resume: %s is not the deck the run in %s was made with (%s; the run's: %s); resume with "
                      "that deck unchanged, or run without --resume to start again",
                      deck_path, dir, hash, old[0] ? old : "none recorded");
  TCAD_CALL(TcadOutputReadTable(*out, "iv", &nr, &nc, &rows));
  TCAD_CALL_GOTO(e, TcadSimResume(sim, *out, &keep), done);
  if (keep > 0 && nr < keep - 1) {
    e = tcad_error(TCAD_ERR_IO, "--resume: %s has %d IV rows for %d points; run without --resume", h5, nr, keep - 1);
    goto done;
  }
  TCAD_CALL_GOTO(e, TcadOutputTruncate(*out, keep > 0 ? keep : 1), done);
  TCAD_CALL_GOTO(e, TcadSimSetOutput(sim, *out, iv, quiet), done);
  TCAD_CALL_GOTO(e, TcadSimResumeTable(sim, rows, keep > 0 ? keep - 1 : 0, nc), done);
  if (!quiet)
    printf("continuing %s from %s\n", h5, keep > 0 ? "its last saved point" : "the start (no bias point was saved)");
done:
  free(rows);
  return e;
}

/* *reached: the simulation was created (so every option had its chance to be read) */
int tcad_app_run(const char *path, const char *outdir, int quiet, int resume, const TcadOptions *opt, int *reached)
{
  TcadDeck *deck = NULL;
  TcadMesh *mesh = NULL;
  TcadGeometry *geom = NULL;
  TcadOutput *out = NULL;
  TcadSim *sim = NULL;
  double *nd = NULL, *na = NULL, t0 = tcad_now(), t_mesh = 0, t_geom = 0, t_out = 0;
  char dir[TCAD_PATH_MAX], h5[2 * TCAD_PATH_MAX + 8], xdmf[2 * TCAD_PATH_MAX + 16], iv[2 * TCAD_PATH_MAX + 8];
  char sh5[2 * TCAD_PATH_MAX + 24], sxdmf[2 * TCAD_PATH_MAX + 32], siv[2 * TCAD_PATH_MAX + 24],
      stage[TCAD_PATH_MAX + 16], sj[TCAD_PATH_MAX + 16];
  int e = 0, lock = -1, staged = 0;

  print_cuda_line(opt);
  TCAD_CALL_GOTO(e, TcadDeckLoad(path, &deck), cleanup);
  const char *folder = outdir ? outdir : deck->output.directory;
  if (snprintf(dir, sizeof dir, "%s", folder) >= (int)sizeof dir) {
    e = tcad_error(TCAD_ERR_USAGE, "-o: the output folder's path is %zu characters long; at most %zu are allowed",
                   strlen(folder), sizeof dir - 1);
    goto cleanup;
  }
  snprintf(h5, sizeof h5, "%s/%s", dir, deck->output.fields);
  if (TcadOutputXdmfName(h5, xdmf, sizeof xdmf)) {
    e = tcad_error(TCAD_ERR_INPUT, "%s: the XDMF index's path beside %s is too long", deck->path, h5);
    goto cleanup;
  }
  snprintf(iv, sizeof iv, "%s/%s", dir, deck->output.iv);
  snprintf(sj, sizeof sj, "%s/summary.json", dir);
  TCAD_CALL_GOTO(e, TcadMeshCreateFromDeck(deck, &mesh), cleanup);
  t_mesh = tcad_now() - t0;
  double t = tcad_now();
  TCAD_CALL_GOTO(e, TcadGeometryBuild(mesh, &geom), cleanup);
  t_geom = tcad_now() - t;
  if (!quiet) print_mesh(mesh, geom);
  TCAD_ALLOC_GOTO(e, nd, mesh->nnodes, cleanup);
  TCAD_ALLOC_GOTO(e, na, mesh->nnodes, cleanup);
  TCAD_CALL_GOTO(e, TcadDopingEvaluate(deck, mesh, nd, na), cleanup);
  /* the simulation (every model and option checked) before any file is created or truncated:
   * a refused model or a bad option leaves an earlier run's results in the folder untouched */
  for (int k = 0; k < deck->nsteps; k++) /* a solution to load must be there before anything is written */
    if (deck->steps[k].kind == TCAD_STEP_LOAD && access(deck->steps[k].file, R_OK)) {
      e = tcad_error(TCAD_ERR_IO, "%s: cannot read the solution to load, %s: %s",
                     TcadDeckGetLocation(deck, deck->steps[k].loc), deck->steps[k].file, strerror(errno));
      goto cleanup;
    }
  if (deck->nsteps > 0) {
    TCAD_CALL_GOTO(e, TcadSimCreate(deck, mesh, geom, &sim), cleanup);
    *reached = 1;
  } else { /* nothing to solve, but the models must still be ones the code has */
    TcadSim *probe = NULL;
    e = TcadSimCreate(deck, mesh, geom, &probe);
    TcadSimDestroy(&probe);
    if (e) goto cleanup;
    *reached = 1;
  }
  TCAD_CALL_GOTO(e, tcad_mkdir_p(dir), cleanup);
  TCAD_CALL_GOTO(e, tcad_app_lock_folder(dir, ".tcad-lock", &lock), cleanup);
  TCAD_CALL_GOTO(e, tcad_mkdir_parent(h5), cleanup);
  TCAD_CALL_GOTO(e, tcad_mkdir_parent(iv), cleanup);
  if (sim) TCAD_CALL_GOTO(e, TcadSimSetOutputDir(sim, dir), cleanup);
  if (resume) {
    if (!sim) {
      e = tcad_error(TCAD_ERR_USAGE, "--resume: %s has no solve steps to continue", path);
      goto cleanup;
    }
    t = tcad_now();
    TCAD_CALL_GOTO(e, resume_run(sim, mesh, path, dir, h5, xdmf, iv, quiet, &out), cleanup);
    t_out = tcad_now() - t;
    TCAD_CALL_GOTO(e, TcadSimRunDeck(sim), cleanup);
    goto cleanup;
  }
  /* an earlier run's results in the folder stay until this run has its first converged point
   * on disk: until then its files are written under DIR/.tcad-new (then moved over them) */
  staged = sim && (exists(h5) || exists(xdmf) || exists(iv) || exists(sj));
  if (staged) {
    snprintf(stage, sizeof stage, "%s/.tcad-new", dir);
    snprintf(sh5, sizeof sh5, "%s/%s", stage, deck->output.fields);
    TcadOutputXdmfName(sh5, sxdmf, sizeof sxdmf);
    snprintf(siv, sizeof siv, "%s/%s", stage, deck->output.iv);
    TCAD_CALL_GOTO(e, tcad_mkdir_parent(sh5), cleanup);
    TCAD_CALL_GOTO(e, tcad_mkdir_parent(siv), cleanup);
  }
  t = tcad_now();
  TCAD_CALL_GOTO(e, TcadOutputOpen(staged ? sh5 : h5, staged ? sxdmf : xdmf, mesh, &out), cleanup);
  {
    char hash[64];
    tcad_app_file_hash(path, hash, sizeof hash);
    TCAD_CALL_GOTO(e, TcadOutputSetFileAttribute(out, "deck_hash", hash), cleanup);
  }
  TCAD_CALL_GOTO(e, write_mesh_step(out, mesh, geom, nd, na), cleanup);
  t_out = tcad_now() - t;
  if (!sim && (exists(iv) || exists(sj))) { /* a mesh-only run: an earlier run's table and summary are not its */
    unlink(iv), unlink(sj);
  }
  if (staged)
    printf("writing %s (open %s in ParaView) under %s until the first bias point converges; the earlier results "
           "stay until then\n",
           h5, xdmf, stage);
  else
    printf("wrote %s (open %s in ParaView)\n", h5, xdmf);
  /* the mesh step is on disk before the solves; every converged bias point after it is flushed
   * as it converges */
  if (sim) {
    TCAD_CALL_GOTO(e, TcadSimSetOutput(sim, out, staged ? siv : iv, quiet), cleanup);
    if (staged) TCAD_CALL_GOTO(e, TcadSimSetOutputFinal(sim, h5, xdmf, iv), cleanup);
    TCAD_CALL_GOTO(e, TcadSimRunDeck(sim), cleanup);
  }
cleanup:
  if (sim) print_totals(sim, iv, h5);
  /* a staged run that stopped before its first converged point: its files go, the earlier
   * results stay as they were (and so does their summary) */
  const int kept = staged && sim && !TcadSimOutputCommitted(sim);
  if (kept) {
    TcadSimSetOutput(sim, NULL, NULL, quiet); /* closes nothing the output owns */
    if (out) TcadOutputClose(&out);
    unlink(sxdmf), unlink(sh5), unlink(siv);
    char tmp[sizeof sxdmf + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", sxdmf);
    unlink(tmp);
    rmdir(stage);
    fprintf(stderr, "tcad: the earlier results in %s are kept (this run stopped before its first converged point)\n",
            dir);
  }
  /* summary.json, also after a failed step: the figures so far; never into a folder this run
   * does not hold (another run's, or one it could not create) */
  if (sim && *reached && !kept && lock >= 0) {
    const int e3 = TcadSimWriteSummary(sim, sj, e, tcad_now() - t0);
    if (!e && e3) e = tcad_error_frame(__FILE__, __LINE__, __func__, e3);
    if (!e3 && !quiet) printf("wrote %s (run summary)\n", sj);
  }
  TcadSimDestroy(&sim);
  if (out) {
    const int e2 = TcadOutputClose(&out);
    if (!e && e2) e = tcad_error_frame(__FILE__, __LINE__, __func__, e2);
  }
  if (!e)
    printf("done: mesh %.3f s, geometry %.3f s, output %.3f s, total %.3f s\n", t_mesh, t_geom, t_out, tcad_now() - t0);
  if (staged && !kept) rmdir(stage); /* empty once the files moved */
  if (lock >= 0) close(lock);
  free(nd), free(na);
  TcadGeometryDestroy(&geom);
  TcadMeshDestroy(&mesh);
  TcadDeckDestroy(&deck);
  return e;
}

/* tcad materials [NAME]: the built-in materials and the parameters a deck may override (unit,
 * the range a deck value must be in), or one material's values. */
static int cmd_materials(const char *name)
{
  const TcadMaterial *m = NULL;
  if (name && !(m = tcad_material_find(name))) {
    char list[256] = "";
    for (int i = 0; i < tcad_material_count(); i++)
      snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", tcad_material_builtin(i)->name);
    return tcad_error(TCAD_ERR_USAGE, "materials: no built-in material '%s'; the built-in ones are %s", name, list);
  }
  if (!m) {
    printf("built-in materials:");
    for (int i = 0; i < tcad_material_count(); i++) printf(" %s", tcad_material_builtin(i)->name);
    printf("  (tcad materials NAME prints one's values)\n");
    printf("overridable parameters (deck: materials: {NAME: {key: value}}; pairs are [electron, hole]):\n");
  } else {
    printf("%s (%s); pairs are [electron, hole]; override in a deck with materials: {%s: {key: value}}\n", m->name,
           m->kind == TCAD_MAT_SEMICONDUCTOR ? "semiconductor"
           : m->kind == TCAD_MAT_INSULATOR   ? "insulator"
                                             : "conductor",
           m->name);
  }
  for (int i = 0; i < tcad_material_field_count(); i++) {
    const TcadMaterialField *f = tcad_material_field(i);
    const char *unit = strcmp(f->unit, "1") ? f->unit : "(no unit)";
    if (!m) {
      printf("  %-24s %-12s %s %g to %g\n", f->key, unit, f->count == 2 ? "[e, h]" : "      ", f->lo, f->hi);
      continue;
    }
    const double *v = (const double *)((const char *)m + f->offset);
    char val[96];
    if (f->count == 2)
      snprintf(val, sizeof val, "[%.8g, %.8g]", v[0], v[1]);
    else
      snprintf(val, sizeof val, "%.8g", v[0]);
    printf("  %-24s %-26s %s\n", f->key, val, unit);
  }
  return 0;
}

/* The -tcad_* options (with -help: their list), and PETSc's own for the Newton and linear
 * solvers, without running anything. */
static int list_options(void)
{
  TcadOptions opt;
  SNES snes = NULL;
  KSP ksp;
  PC pc;
  TCAD_CALL(TcadOptionsRead(&opt));
  TCAD_PETSC_CALL(SNESCreate(PETSC_COMM_SELF, &snes));
  TCAD_PETSC_CALL(SNESGetKSP(snes, &ksp));
  TCAD_PETSC_CALL(KSPSetType(ksp, KSPPREONLY));
  TCAD_PETSC_CALL(KSPGetPC(ksp, &pc));
  TCAD_PETSC_CALL(PCSetType(pc, PCLU));
  TCAD_PETSC_CALL(SNESSetFromOptions(snes));
  TCAD_PETSC_CALL(SNESDestroy(&snes));
  return 0;
}

/* The message, and the trace when asked for or when the error is not the user's to fix. */
void tcad_app_report_error(int e, int trace)
{
  fflush(stdout);
  fprintf(stderr, "tcad: error: %s\n", tcad_error_message());
  if (!(trace || e == TCAD_ERR_MEM || e == TCAD_ERR_PETSC || e == TCAD_ERR_CUDA || e == TCAD_ERR_INTERNAL)) return;
  const int n = tcad_error_frame_count();
  char buf[512];
  fprintf(stderr, "tcad: trace, innermost first:\n");
  for (int k = 0; k < n && k < TCAD_ERROR_MAX_FRAMES; k++)
    fprintf(stderr, "  %s\n", tcad_error_frame_text(k, buf, sizeof buf));
  if (n > TCAD_ERROR_MAX_FRAMES) fprintf(stderr, "  ... %d more\n", n - TCAD_ERROR_MAX_FRAMES);
}

int main(int argc, char **argv)
{
  const char *cmd = NULL, *file = NULL, *outdir = NULL;
  int quiet = 0, pargc = 1, e = 0, help = 0, resume = 0;
  TcadBatchArgs batch = {0};
  char **pargv = calloc((size_t)argc + 1, sizeof(char *));
  if (!pargv) return TCAD_ERR_MEM;
  pargv[0] = argv[0];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-help") && cmd) {
      /* after a command: PETSc's -help, which lists the options as they are read */
      help = 1;
      pargv[pargc++] = argv[i];
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-help")) {
      fputs(usage, stdout);
      free(pargv);
      return 0;
    } else if (!strcmp(a, "--version") || !strcmp(a, "-version")) {
      printf("tcad %s\n", TCAD_VERSION);
      free(pargv);
      return 0;
    } else if (!strcmp(a, "-o")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "tcad: error: -o needs a directory\n");
        free(pargv);
        return TCAD_ERR_USAGE;
      }
      outdir = argv[++i];
    } else if (!strcmp(a, "-q")) {
      quiet = 1;
    } else if (!strcmp(a, "--resume")) {
      resume = 1;
    } else if (!strcmp(a, "--list")) {
      batch.list = 1;
    } else if (!strcmp(a, "--retry-failed")) {
      batch.retry_failed = 1;
    } else if (!strcmp(a, "--deck") || !strcmp(a, "--case") || !strcmp(a, "--threads")) {
      char *end = NULL;
      long v = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : 0;
      if (i + 1 >= argc || !end || *end || end == argv[i + 1] || v < 1 || v > 1000000) {
        fprintf(stderr, "tcad: error: %s needs a whole number from 1 (e.g. %s 3)\n", a, a);
        free(pargv);
        return TCAD_ERR_USAGE;
      }
      i++;
      *(!strcmp(a, "--deck") ? &batch.deck : !strcmp(a, "--case") ? &batch.only_case : &batch.threads) = (int)v;
    } else if (a[0] == '-' && a[1] == '-') {
      fprintf(stderr, "tcad: error: unknown option '%s' (PETSc options use one dash); see tcad --help\n", a);
      free(pargv);
      return TCAD_ERR_USAGE;
    } else if (a[0] == '-' && a[1]) {
      /* PETSc option, with its value when the next word is not an option */
      pargv[pargc++] = argv[i];
      if (i + 1 < argc && (argv[i + 1][0] != '-' || (argv[i + 1][1] >= '0' && argv[i + 1][1] <= '9')) &&
          !(cmd && !file && is_input_file(argv[i + 1])))
        pargv[pargc++] = argv[++i];
    } else if (!cmd) {
      cmd = a;
    } else if (!file) {
      file = a;
    } else {
      fprintf(stderr, "tcad: error: unexpected argument '%s'; see tcad --help\n", a);
      free(pargv);
      return TCAD_ERR_USAGE;
    }
  }
  if (!cmd) {
    fputs(usage, stderr);
    free(pargv);
    return TCAD_ERR_USAGE;
  }
  int needs_file = !strcmp(cmd, "run") || !strcmp(cmd, "info") || !strcmp(cmd, "repair") || !strcmp(cmd, "batch") ||
                   !strcmp(cmd, "extract");
  if (!needs_file && strcmp(cmd, "materials")) {
    fprintf(stderr,
            "tcad: error: unknown command '%s'; commands are run, batch, extract, info, repair, materials (tcad "
            "--help)\n",
            cmd);
    free(pargv);
    return TCAD_ERR_USAGE;
  }
  if (needs_file && !file) {
    fprintf(stderr, "tcad: error: '%s' needs a file: tcad %s <deck.yaml>\n", cmd, cmd);
    free(pargv);
    return TCAD_ERR_USAGE;
  }
  if (help) fputs(usage, stdout);
  if (TcadInitialize(&pargc, &pargv, NULL)) {
    fprintf(stderr, "tcad: error: PETSc failed to initialize\n");
    free(pargv);
    return TCAD_ERR_PETSC;
  }
  /* every option is checked before anything is read or written */
  TcadOptions opt = {0};
  int reached = 0;
  if (help) {
    e = list_options();
  } else {
    e = TcadOptionsRead(&opt);
    if (!e && strcmp(cmd, "batch") &&
        (batch.list || batch.deck || batch.only_case || batch.retry_failed || batch.threads))
      e = tcad_error(TCAD_ERR_USAGE, "--list, --deck, --case, --retry-failed and --threads belong to 'tcad batch'");
    else if (!e && !strcmp(cmd, "extract"))
      e = TcadExtractCommand(file, quiet);
    else if (!e && !strcmp(cmd, "batch"))
      e = tcad_app_batch(file, outdir, &batch, &opt);
    else if (!e && !strcmp(cmd, "run"))
      e = tcad_app_run(file, outdir, quiet, resume, &opt, &reached);
    else if (!e && !strcmp(cmd, "info"))
      e = cmd_info(file, quiet);
    else if (!e && !strcmp(cmd, "repair"))
      e = cmd_repair(file);
    else if (!e)
      e = cmd_materials(file);
  }
  if (e) tcad_app_report_error(e, !help && opt.trace);
  if (reached) TcadOptionsWarnUnused();
  TcadFinalize();
  free(pargv);
  return e;
}
