/* Field output, the TcadOutput object: one HDF5 file with the mesh once and per step the node
 * (and cell) fields, plus the XDMF index beside it (io/output_xdmf.c) that ParaView opens as a
 * time series. Layout and conventions: docs/output.md.
 *
 * Durability: a step's data are flushed (TcadOutputFinishStep) before it is counted in /steps
 * nsteps and appended to the XDMF (TcadOutputEndStep), so the XDMF only ever names steps whose
 * data are on disk. */
/* realpath is X/Open: without this it was declared only by glibc's fortified headers (the
 * default -O2 -D_FORTIFY_SOURCE=2 build), and an -O0 or clang build called it undeclared, its
 * pointer result cut to an int */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/output_internal.h"

/* ---------------------------------------------------------------- paths */

static char *out_dirname(const char *path)
{
  const char *slash = strrchr(path, '/');
  char *d;
  if (!slash) return tcad_output_strdup(".");
  if (slash == path) return tcad_output_strdup("/");
  d = tcad_malloc((size_t)(slash - path) + 1);
  if (!d) return NULL;
  memcpy(d, path, (size_t)(slash - path));
  d[slash - path] = 0;
  return d;
}

static const char *out_basename(const char *path)
{
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Why a file in `path` cannot be created, from the state of its directory ("" if it can). */
static void out_diagnose_create(const char *path, char *buf, size_t n)
{
  char *dir = out_dirname(path);
  struct stat sb;
  if (!dir) {
    snprintf(buf, n, "out of memory");
    return;
  }
  if (stat(dir, &sb) != 0)
    snprintf(buf, n, "directory '%s' %s", dir, errno == ENOENT ? "does not exist" : strerror(errno));
  else if (!S_ISDIR(sb.st_mode))
    snprintf(buf, n, "'%s' is not a directory", dir);
  else if (access(dir, W_OK) != 0)
    snprintf(buf, n, "directory '%s' is not writable", dir);
  else
    buf[0] = 0;
  free(dir);
}

/* How the XDMF refers to the HDF5 file: its basename when both live in the same directory (so
 * the pair can be moved together), else its absolute path. */
int tcad_output_h5_reference(TcadOutput *out)
{
  char *hd = NULL, *xd = NULL, *hr = NULL, *xr = NULL;
  int rc = 0;
  if (!(hd = out_dirname(out->h5path)) || !(xd = out_dirname(out->xdmfpath))) {
    rc = TCAD_ERR_MEM;
    goto cleanup;
  }
  if (!(hr = realpath(hd, NULL))) {
    rc = tcad_error(TCAD_ERR_IO, "%s: cannot resolve directory '%s': %s", out->h5path, hd, strerror(errno));
    goto cleanup;
  }
  if (!(xr = realpath(xd, NULL))) {
    rc = tcad_error(TCAD_ERR_IO, "%s: cannot resolve directory '%s': %s (check the directory exists)", out->xdmfpath,
                    xd, strerror(errno));
    goto cleanup;
  }
  if (!strcmp(hr, xr)) {
    out->h5ref = tcad_output_strdup(out_basename(out->h5path));
  } else {
    size_t n = strlen(hr) + strlen(out_basename(out->h5path)) + 2;
    out->h5ref = tcad_malloc(n);
    if (out->h5ref) snprintf(out->h5ref, n, "%s/%s", hr, out_basename(out->h5path));
  }
  if (!out->h5ref) rc = TCAD_ERR_MEM;
cleanup:
  free(hd);
  free(xd);
  free(hr);
  free(xr);
  return rc;
}

/* ---------------------------------------------------------------- lifetime */

void tcad_output_free_step(TcadOutputStep *st)
{
  for (int i = 0; i < st->nfields; i++) {
    free(st->fields[i].name);
    free(st->fields[i].units);
  }
  free(st->fields);
  for (int i = 0; i < st->nattrs; i++) free(st->attr_name[i]);
  free(st->attr_name);
  free(st->attr_value);
  free(st->label);
  memset(st, 0, sizeof *st);
}

void tcad_output_free(TcadOutput *out)
{
  if (!out) return;
  tcad_output_xdmf_close(out);
  tcad_output_tables_free(out);
  if (out->stepgroup >= 0) H5Gclose(out->stepgroup);
  if (out->file >= 0) tcad_output_h5_close(out);
  int n = out->nsteps + (out->instep || out->pending ? 1 : 0);
  for (int k = 0; k < n; k++) tcad_output_free_step(&out->steps[k]);
  free(out->steps);
  free(out->h5path);
  free(out->xdmfpath);
  free(out->xdmftmp);
  free(out->h5ref);
  for (int r = 0; r < out->nregions && out->region_name; r++) free(out->region_name[r]);
  free(out->region_name);
  free(out->region_ncells);
  free(out);
}

/* ---------------------------------------------------------------- the mesh */

int tcad_output_check_mesh(const char *h5path, const TcadMesh *m)
{
  if (!m) return tcad_error(TCAD_ERR_INTERNAL, "%s: no mesh given", h5path);
  if (m->dim < 1 || m->dim > 3)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: mesh dimension %d is not 1, 2 or 3", h5path, m->dim);
  if (m->nvert != m->dim + 1)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: mesh has %d nodes per cell, expected %d for %dD", h5path, m->nvert,
                      m->dim + 1, m->dim);
  if (m->nnodes < 1 || m->ncells < 1 || !m->coord || !m->cell_node)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: mesh is empty (%d nodes, %d cells)", h5path, m->nnodes, m->ncells);
  for (long i = 0; i < (long)m->ncells * m->nvert; i++)
    if (m->cell_node[i] < 0 || m->cell_node[i] >= m->nnodes)
      return tcad_error(TCAD_ERR_INTERNAL, "%s: cell %ld refers to node %d, mesh has %d nodes", h5path, i / m->nvert,
                        m->cell_node[i], m->nnodes);
  if (m->nregions < 0 || (m->nregions > 0 && !m->regions))
    return tcad_error(TCAD_ERR_INTERNAL, "%s: mesh region table is missing", h5path);
  return 0;
}

/* /mesh/region_mask/<r>: 1 on the cells of region r, 0 elsewhere (uint8 [ncells]), for the XDMF's
 * cell array region_<name> of each region, so a region is picked by its name in any XDMF
 * reader (ParaView: Threshold on region_oxide). Not a named cell set: ParaView 5.11's
 * "XDMF Reader" crashes on sets in a temporal series (docs/dev-notes.md). Regions without
 * cells get none. */
static int out_write_region_masks(TcadOutput *out, hid_t mesh, const TcadMesh *m)
{
  hid_t g = H5Gcreate2(mesh, "region_mask", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) return TCAD_OUTPUT_H5_FAIL(out, "create group", "/mesh/region_mask");
  int rc = 0;
  unsigned char *mask = NULL;
  TCAD_ALLOC_GOTO(rc, mask, (size_t)m->ncells + 1, cleanup);
  for (int r = 0; r < m->nregions; r++) {
    int n = 0;
    for (int c = 0; c < m->ncells; c++) n += (mask[c] = m->cell_region && m->cell_region[c] == r);
    if (n == 0) continue;
    char name[16], full[64];
    snprintf(name, sizeof name, "%d", r);
    snprintf(full, sizeof full, "/mesh/region_mask/%d", r);
    TCAD_CALL_GOTO(rc,
                   tcad_output_h5_dataset(out, g, name, full, H5T_STD_U8LE, H5T_NATIVE_UCHAR, 1, (hsize_t)m->ncells, 0,
                                          mask, NULL),
                   cleanup);
  }
cleanup:
  free(mask);
  if (H5Gclose(g) < 0 && !rc) rc = TCAD_OUTPUT_H5_FAIL(out, "close group", "/mesh/region_mask");
  return rc;
}

/* The root attributes (format, version) and /mesh: geometry in µm, topology, cell regions,
 * region names and materials. */
static int out_write_mesh(TcadOutput *out, const TcadMesh *m)
{
  hid_t g = -1, d = -1;
  int rc = 0;
  double *xyz = NULL;
  int *region = NULL;
  const char **names = NULL, **mats = NULL;

  TCAD_CALL(tcad_output_h5_attr_string(out, out->file, "/", "format", TCAD_OUTPUT_FORMAT));
  TCAD_CALL(tcad_output_h5_attr_int(out, out->file, "version", TCAD_OUTPUT_VERSION));

  g = H5Gcreate2(out->file, "mesh", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) return TCAD_OUTPUT_H5_FAIL(out, "create group", "/mesh");
  TCAD_CALL_GOTO(rc, tcad_output_h5_attr_int(out, g, "dim", m->dim), cleanup);
  TCAD_CALL_GOTO(rc, tcad_output_h5_attr_int(out, g, "nnodes", m->nnodes), cleanup);
  TCAD_CALL_GOTO(rc, tcad_output_h5_attr_int(out, g, "ncells", m->ncells), cleanup);
  TCAD_CALL_GOTO(rc, tcad_output_h5_attr_int(out, g, "nvert", m->nvert), cleanup);
  TCAD_CALL_GOTO(rc, tcad_output_h5_attr_int(out, g, "nregions", m->nregions), cleanup);

  TCAD_ALLOC_GOTO(rc, xyz, 3 * (size_t)m->nnodes, cleanup);
  for (long i = 0; i < 3L * m->nnodes; i++) xyz[i] = m->coord[i] * TCAD_OUTPUT_CM_TO_UM;
  TCAD_CALL_GOTO(rc,
                 tcad_output_h5_dataset(out, g, "geometry", "/mesh/geometry", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2,
                                        (hsize_t)m->nnodes, 3, xyz, &d),
                 cleanup);
  TCAD_CALL_GOTO(rc, tcad_output_h5_attr_string(out, d, "/mesh/geometry", "units", "um"), cleanup);
  if (H5Dclose(d) < 0) {
    d = -1;
    rc = TCAD_OUTPUT_H5_FAIL(out, "close dataset", "/mesh/geometry");
    goto cleanup;
  }
  d = -1;

  TCAD_CALL_GOTO(rc,
                 tcad_output_h5_dataset(out, g, "topology", "/mesh/topology", H5T_STD_I32LE, H5T_NATIVE_INT, 2,
                                        (hsize_t)m->ncells, (hsize_t)m->nvert, m->cell_node, NULL),
                 cleanup);

  TCAD_ALLOC_GOTO(rc, region, m->ncells, cleanup);
  if (m->cell_region) memcpy(region, m->cell_region, sizeof *region * (size_t)m->ncells);
  TCAD_CALL_GOTO(rc,
                 tcad_output_h5_dataset(out, g, "cell_region", "/mesh/cell_region", H5T_STD_I32LE, H5T_NATIVE_INT, 1,
                                        (hsize_t)m->ncells, 0, region, NULL),
                 cleanup);

  TCAD_ALLOC_GOTO(rc, names, (size_t)m->nregions + 1, cleanup);
  TCAD_ALLOC_GOTO(rc, mats, (size_t)m->nregions + 1, cleanup);
  for (int r = 0; r < m->nregions; r++) {
    names[r] = m->regions[r].name;
    mats[r] = m->regions[r].material;
  }
  TCAD_CALL_GOTO(rc, tcad_output_h5_string_dataset(out, g, "region_names", "/mesh/region_names", m->nregions, names),
                 cleanup);
  TCAD_CALL_GOTO(rc,
                 tcad_output_h5_string_dataset(out, g, "region_materials", "/mesh/region_materials", m->nregions, mats),
                 cleanup);
  TCAD_CALL_GOTO(rc, out_write_region_masks(out, g, m), cleanup);
  out->region_masks = 1;

cleanup:
  if (d >= 0) H5Dclose(d);
  if (g >= 0 && H5Gclose(g) < 0 && !rc) rc = TCAD_OUTPUT_H5_FAIL(out, "close group", "/mesh");
  free(xyz);
  free(region);
  free(names);
  free(mats);
  return rc;
}

/* ---------------------------------------------------------------- open */

int TcadOutputMove(TcadOutput *out, const char *h5path, const char *xdmfpath)
{
  char *h5 = tcad_output_strdup(h5path), *xd = tcad_output_strdup(xdmfpath), *xt = tcad_malloc(strlen(xdmfpath) + 5);
  if (!h5 || !xd || !xt) {
    free(h5), free(xd), free(xt);
    return TCAD_ERR_MEM;
  }
  sprintf(xt, "%s.tmp", xdmfpath);
  if (rename(out->h5path, h5path)) {
    const int err = errno;
    free(h5), free(xd), free(xt);
    return tcad_error(TCAD_ERR_IO, "cannot rename %s to %s: %s", out->h5path, h5path, strerror(err));
  }
  if (out->file >= 0) {
    const int e = tcad_output_undo_moved(out->file, h5path);
    if (e) {
      free(h5), free(xd), free(xt);
      TCAD_RETURN(e);
    }
  }
  /* the XDMF is written afresh at its new place (it names the HDF5 file), the old one removed */
  unlink(out->xdmfpath);
  free(out->h5path), free(out->xdmfpath), free(out->xdmftmp), free(out->h5ref);
  out->h5path = h5, out->xdmfpath = xd, out->xdmftmp = xt, out->h5ref = NULL;
  TCAD_CALL(tcad_output_h5_reference(out));
  TCAD_RETURN(tcad_output_write_xdmf(out));
}

int TcadOutputXdmfName(const char *fields, char *out, size_t cap)
{
  const char *dot = strrchr(fields, '.'), *slash = strrchr(fields, '/');
  const size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - fields) : strlen(fields);
  const int len = snprintf(out, cap, "%.*s.xdmf", (int)stem, fields);
  return len < 0 || (size_t)len >= cap ? -1 : 0;
}

int tcad_output_new(const char *h5path, const char *xdmfpath, const TcadMesh *mesh, TcadOutput **outp)
{
  TcadOutput *out = NULL;
  *outp = NULL;
  TCAD_ALLOC(out, 1);
  out->file = out->stepgroup = -1;
  out->xfd = -1;
  out->dim = mesh->dim, out->nnodes = mesh->nnodes, out->ncells = mesh->ncells, out->nvert = mesh->nvert;
  if (mesh->nregions > 0) {
    out->region_name = calloc((size_t)mesh->nregions, sizeof *out->region_name);
    out->region_ncells = calloc((size_t)mesh->nregions, sizeof *out->region_ncells);
    if (!out->region_name || !out->region_ncells) {
      tcad_output_free(out);
      return tcad_error(TCAD_ERR_MEM, "out of memory for the region table");
    }
    out->nregions = mesh->nregions;
    for (int r = 0; r < mesh->nregions; r++)
      if (!(out->region_name[r] = tcad_output_strdup(mesh->regions[r].name))) {
        tcad_output_free(out);
        return TCAD_ERR_MEM;
      }
    for (int c = 0; c < mesh->ncells && mesh->cell_region; c++)
      if (mesh->cell_region[c] >= 0 && mesh->cell_region[c] < mesh->nregions)
        out->region_ncells[mesh->cell_region[c]]++;
  }
  out->h5path = tcad_output_strdup(h5path);
  out->xdmfpath = tcad_output_strdup(xdmfpath);
  out->xdmftmp = tcad_malloc(strlen(xdmfpath) + 5);
  if (!out->h5path || !out->xdmfpath || !out->xdmftmp) {
    tcad_output_free(out);
    return TCAD_ERR_MEM;
  }
  sprintf(out->xdmftmp, "%s.tmp", xdmfpath);
  *outp = out;
  return 0;
}

int TcadOutputOpen(const char *h5path, const char *xdmfpath, const TcadMesh *mesh, TcadOutput **outp)
{
  TcadOutput *out = NULL;
  hid_t fapl, g;
  int rc = 0, created = 0;

  if (!outp) return tcad_error(TCAD_ERR_INTERNAL, "TcadOutputOpen: no output pointer");
  *outp = NULL;
  if (!h5path || !h5path[0]) return tcad_error(TCAD_ERR_INTERNAL, "TcadOutputOpen: empty file name");
  if (!xdmfpath || !xdmfpath[0])
    return tcad_error(TCAD_ERR_INTERNAL, "%s: TcadOutputOpen: empty XDMF file name", h5path);
  TCAD_CALL(tcad_output_check_mesh(h5path, mesh));

  /* our messages replace HDF5's own error-stack printing */
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

  TCAD_CALL_GOTO(rc, tcad_output_new(h5path, xdmfpath, mesh, &out), cleanup);

  {
    const char *paths[2] = {h5path, xdmfpath}, *kinds[2] = {"output", "XDMF"};
    char why[1200];
    for (int k = 0; k < 2; k++) {
      out_diagnose_create(paths[k], why, sizeof why);
      if (why[0]) {
        rc = tcad_error(TCAD_ERR_IO,
                        "cannot create %s file '%s': %s (check that the directory "
                        "exists and is writable)",
                        kinds[k], paths[k], why);
        goto cleanup;
      }
    }
  }

  /* through the undo-journal driver (output_undo.c): a kill leaves the last flushed file */
  fapl = tcad_output_undo_fapl();
  if (fapl < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "create a file access property list for", NULL);
    goto cleanup;
  }
  out->file = H5Fcreate(h5path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  if (out->file < 0) {
    char detail[512];
    rc = tcad_error(TCAD_ERR_IO,
                    "cannot create output file '%s' (check that the directory exists, "
                    "is writable and the file is not open in another program; HDF5: %s)",
                    h5path, tcad_output_h5_detail(detail, sizeof detail));
    goto cleanup;
  }
  created = 1;

  TCAD_CALL_GOTO(rc, tcad_output_h5_reference(out), cleanup);
  TCAD_CALL_GOTO(rc, out_write_mesh(out, mesh), cleanup);
  g = H5Gcreate2(out->file, "steps", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "create group", "/steps");
    goto cleanup;
  }
  rc = tcad_output_h5_attr_int(out, g, "nsteps", 0);
  if (rc) tcad_error_frame(__FILE__, __LINE__, __func__, rc);
  if (H5Gclose(g) < 0 && !rc) rc = TCAD_OUTPUT_H5_FAIL(out, "close group", "/steps");
  if (rc) goto cleanup;
  TCAD_CALL_GOTO(rc, tcad_output_h5_flush(out), cleanup);
  TCAD_CALL_GOTO(rc, tcad_output_write_xdmf(out), cleanup);
  *outp = out;
  out = NULL;
cleanup:
  tcad_output_free(out);
  if (rc && created) unlink(h5path), tcad_output_undo_closed(h5path);
  return rc;
}

/* ---------------------------------------------------------------- steps */

static int out_need_step(const TcadOutput *out, const char *fn)
{
  if (!out) return tcad_error(TCAD_ERR_INTERNAL, "%s: output is not open", fn);
  if (!out->instep)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: %s called outside a step (call TcadOutputBeginStep first)", out->h5path,
                      fn);
  return 0;
}

int TcadOutputBeginStep(TcadOutput *out, double time, const char *label)
{
  char gname[32];
  TcadOutputStep *st;
  int rc;
  if (!out) return tcad_error(TCAD_ERR_INTERNAL, "TcadOutputBeginStep: output is not open");
  if (out->instep || out->pending)
    return tcad_error(TCAD_ERR_INTERNAL,
                      "%s: TcadOutputBeginStep: step %d is still %s "
                      "(call TcadOutputEndStep first)",
                      out->h5path, out->nsteps, out->instep ? "open" : "not counted");
  if (!isfinite(time))
    return tcad_error(TCAD_ERR_INTERNAL, "%s: step %d: time is %g (must be a finite number)", out->h5path, out->nsteps,
                      time);
  if (out->nsteps >= 999999) return tcad_error(TCAD_ERR_IO, "%s: too many steps (at most 999999)", out->h5path);
  if (out->nsteps + 1 > out->capsteps) {
    int cap = out->capsteps ? 2 * out->capsteps : 16;
    TcadOutputStep *s = realloc(out->steps, sizeof *s * (size_t)cap);
    if (!s) return tcad_error(TCAD_ERR_MEM, "out of memory for the step list of %s", out->h5path);
    memset(s + out->capsteps, 0, sizeof *s * (size_t)(cap - out->capsteps));
    out->steps = s;
    out->capsteps = cap;
  }
  st = &out->steps[out->nsteps];
  memset(st, 0, sizeof *st);
  st->time = time;
  st->label = tcad_output_strdup(label ? label : "");
  if (!st->label) return TCAD_ERR_MEM;
  snprintf(gname, sizeof gname, "/steps/%06d", out->nsteps);
  out->stepgroup = H5Gcreate2(out->file, gname, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (out->stepgroup < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "create group", gname);
    tcad_output_free_step(st);
    return rc;
  }
  out->instep = 1; /* from here on the step is open: TcadOutputClose finishes it */
  TCAD_CALL(tcad_output_h5_attr_double(out, out->stepgroup, "time", time));
  TCAD_CALL(tcad_output_h5_attr_string(out, out->stepgroup, gname, "label", st->label));
  return 0;
}

int TcadOutputSetStepAttribute(TcadOutput *out, const char *name, double value)
{
  TcadOutputStep *st;
  htri_t ex;
  TCAD_CALL(out_need_step(out, "TcadOutputSetStepAttribute"));
  TCAD_CALL(tcad_output_check_name(out, "step attribute", name));
  ex = H5Aexists(out->stepgroup, name);
  if (ex < 0) return TCAD_OUTPUT_H5_FAIL(out, "look up step attribute", name);
  if (ex > 0)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: step %d already has an attribute '%s'%s", out->h5path, out->nsteps, name,
                      (!strcmp(name, "time") || !strcmp(name, "label")) ? " (reserved name)" : "");
  st = &out->steps[out->nsteps];
  if (st->nattrs + 1 > st->capattrs) {
    int cap = st->capattrs ? 2 * st->capattrs : 8;
    char **n = realloc(st->attr_name, sizeof *n * (size_t)cap);
    if (!n) return tcad_error(TCAD_ERR_MEM, "out of memory for step attributes");
    st->attr_name = n;
    double *v = realloc(st->attr_value, sizeof *v * (size_t)cap);
    if (!v) return tcad_error(TCAD_ERR_MEM, "out of memory for step attributes");
    st->attr_value = v;
    st->capattrs = cap;
  }
  TCAD_CALL(tcad_output_h5_attr_double(out, out->stepgroup, name, value));
  st->attr_name[st->nattrs] = tcad_output_strdup(name);
  if (!st->attr_name[st->nattrs]) return TCAD_ERR_MEM;
  st->attr_value[st->nattrs++] = value;
  return 0;
}

/* Common part of node and cell fields. */
static int out_field(TcadOutput *out, const char *fn, const char *name, const char *units, int ncomp, int cell,
                     const void *values)
{
  TcadOutputStep *st;
  TcadOutputField *fl;
  htri_t ex;
  char full[64 + TCAD_OUTPUT_NAME_MAX];
  hid_t d = -1;
  int rc = 0;
  TCAD_CALL(out_need_step(out, fn));
  TCAD_CALL(tcad_output_check_name(out, "field", name));
  /* VTK's XDMF2 reader mis-shapes anything but Scalar (1) and Vector (3) node arrays (a 2- or
   * 6-component array arrives as one tuple or as 9 components); 2D vectors are written with z=0. */
  if (ncomp != 1 && ncomp != 3)
    return tcad_error(TCAD_ERR_INTERNAL,
                      "%s: field '%s' has %d components (1 or 3 allowed; "
                      "write 2D vectors with a zero z component)",
                      out->h5path, name, ncomp);
  if (!values) return tcad_error(TCAD_ERR_INTERNAL, "%s: field '%s' has no values", out->h5path, name);
  snprintf(full, sizeof full, "/steps/%06d/%s", out->nsteps, name);
  ex = H5Lexists(out->stepgroup, name, H5P_DEFAULT);
  if (ex < 0) return TCAD_OUTPUT_H5_FAIL(out, "look up", full);
  if (ex > 0)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: step %d already has a field '%s'", out->h5path, out->nsteps, name);
  st = &out->steps[out->nsteps];
  if (st->nfields + 1 > st->capfields) {
    int cap = st->capfields ? 2 * st->capfields : 8;
    TcadOutputField *f = realloc(st->fields, sizeof *f * (size_t)cap);
    if (!f) return tcad_error(TCAD_ERR_MEM, "out of memory for the field list");
    st->fields = f;
    st->capfields = cap;
  }
  if (cell)
    TCAD_CALL(tcad_output_h5_dataset(out, out->stepgroup, name, full, H5T_STD_I32LE, H5T_NATIVE_INT, 1,
                                     (hsize_t)out->ncells, 0, values, &d));
  else
    TCAD_CALL(tcad_output_h5_dataset(out, out->stepgroup, name, full, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                     ncomp == 1 ? 1 : 2, (hsize_t)out->nnodes, (hsize_t)ncomp, values, &d));
  TCAD_CALL_GOTO(rc, tcad_output_h5_attr_string(out, d, full, "center", cell ? "cell" : "node"), close_dataset);
  if (!cell) TCAD_CALL_GOTO(rc, tcad_output_h5_attr_string(out, d, full, "units", units ? units : ""), close_dataset);
close_dataset:
  if (H5Dclose(d) < 0 && !rc) rc = TCAD_OUTPUT_H5_FAIL(out, "close dataset", full);
  if (rc) return rc;
  fl = &st->fields[st->nfields];
  memset(fl, 0, sizeof *fl);
  fl->name = tcad_output_strdup(name);
  fl->units = cell ? NULL : tcad_output_strdup(units ? units : "");
  fl->ncomp = ncomp;
  fl->cell = cell;
  st->nfields++; /* counted now so out_free_step releases what was allocated */
  if (!fl->name || (!cell && !fl->units)) return TCAD_ERR_MEM;
  return 0;
}

int TcadOutputWriteNodeField(TcadOutput *out, const char *name, const char *units, int ncomp, const double *values)
{
  TCAD_CALL(out_field(out, "TcadOutputWriteNodeField", name, units, ncomp, 0, values));
  return 0;
}

int TcadOutputWriteCellFieldInt(TcadOutput *out, const char *name, const int *values)
{
  TCAD_CALL(out_field(out, "TcadOutputWriteCellFieldInt", name, NULL, 1, 1, values));
  return 0;
}

int TcadOutputFinishStep(TcadOutput *out)
{
  TCAD_CALL(out_need_step(out, "TcadOutputFinishStep"));
  const herr_t closed = H5Gclose(out->stepgroup);
  out->stepgroup = -1;
  out->instep = 0;
  out->pending = 1; /* finished, not yet counted: TcadOutputEndStep counts it */
  if (closed < 0) return TCAD_OUTPUT_H5_FAIL(out, "close the group of step", NULL);
  /* the step's data on disk before anything names it */
  TCAD_CALL(tcad_output_h5_flush(out));
  return 0;
}

int TcadOutputEndStep(TcadOutput *out)
{
  hid_t g;
  int rc = 0;
  if (!out) return tcad_error(TCAD_ERR_INTERNAL, "TcadOutputEndStep: output is not open");
  if (out->instep) TCAD_CALL(TcadOutputFinishStep(out));
  if (!out->pending) TCAD_CALL(out_need_step(out, "TcadOutputEndStep"));
  out->pending = 0;
  out->nsteps++; /* the step is recorded from here on, even if what follows fails */
  /* the commit: the count (and a table row written since FinishStep) in one small flush */
  g = H5Gopen2(out->file, "/steps", H5P_DEFAULT);
  if (g < 0) return TCAD_OUTPUT_H5_FAIL(out, "open group", "/steps");
  TCAD_CALL_GOTO(rc, tcad_output_h5_attr_int_set(out, g, "nsteps", out->nsteps), close_group);
close_group:
  if (H5Gclose(g) < 0 && !rc) rc = TCAD_OUTPUT_H5_FAIL(out, "close group", "/steps");
  if (rc) return rc;
  TCAD_CALL(tcad_output_h5_flush(out));
  TCAD_CALL(tcad_output_append_xdmf(out));
  return 0;
}

/* ---------------------------------------------------------------- close */

int TcadOutputClose(TcadOutput **outp)
{
  TcadOutput *out;
  int rc = 0;
  if (!outp || !*outp) return 0;
  out = *outp;
  *outp = NULL;
  if (out->instep || out->pending) { /* a step left open is finished, not dropped */
    rc = TcadOutputEndStep(out);
    if (rc) tcad_error_frame(__FILE__, __LINE__, __func__, rc);
  }
  if (out->stepgroup >= 0) {
    H5Gclose(out->stepgroup);
    out->stepgroup = -1;
  }
  if (out->file >= 0) {
    const herr_t e = tcad_output_h5_close(out);
    if (e < 0 && !rc) rc = TCAD_OUTPUT_H5_FAIL(out, "close", "the file");
  }
  tcad_output_free(out);
  return rc;
}
