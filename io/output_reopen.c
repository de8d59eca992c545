/* Reopening a field file to continue its series (tcad run --resume), and the data a resumed or
 * loaded solve needs that are not fields: raw per-step arrays (the solver's state, bitwise) and
 * file attributes (the deck's hash). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/output_internal.h"

int TcadOutputWriteStepArray(TcadOutput *out, const char *name, int d0, int d1, const double *data)
{
  char full[64 + TCAD_OUTPUT_NAME_MAX];
  if (!out || !out->instep)
    return tcad_error(TCAD_ERR_INTERNAL, "TcadOutputWriteStepArray: no step is open (call TcadOutputBeginStep)");
  TCAD_CALL(tcad_output_check_name(out, "step array", name));
  if (d0 < 1 || d1 < 1 || !data)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: step array '%s': %d x %d values", out->h5path, name, d0, d1);
  snprintf(full, sizeof full, "/steps/%06d/%s", out->nsteps, name);
  TCAD_CALL(tcad_output_h5_dataset(out, out->stepgroup, name, full, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, (hsize_t)d0,
                                   (hsize_t)d1, data, NULL));
  return 0;
}

/* Read a float64 dataset of exactly n values into data. */
static int read_doubles(const TcadOutput *out, const char *path, double *data, size_t n)
{
  hid_t d = H5Dopen2(out->file, path, H5P_DEFAULT), sp = -1;
  int rc = 0;
  if (d < 0) return tcad_error(TCAD_ERR_IO, "%s: has no %s (not written by this version of tcad?)", out->h5path, path);
  sp = H5Dget_space(d);
  const hssize_t np = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  if (np < 0 || (size_t)np != n)
    rc = tcad_error(TCAD_ERR_IO, "%s: %s has %lld values, expected %zu (a file of another device or version)",
                    out->h5path, path, (long long)np, n);
  else if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    rc = TCAD_OUTPUT_H5_FAIL(out, "read", path);
  if (sp >= 0) H5Sclose(sp);
  H5Dclose(d);
  return rc;
}

int TcadOutputReadStepArray(TcadOutput *out, int step, const char *name, double *data, size_t n)
{
  char full[64 + TCAD_OUTPUT_NAME_MAX];
  if (step < 0 || step >= out->nsteps)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: step %d is not in the file (%d steps)", out->h5path, step, out->nsteps);
  snprintf(full, sizeof full, "/steps/%06d/%s", step, name);
  TCAD_RETURN(read_doubles(out, full, data, n));
}

/* A scalar string attribute of obj into buf ("" when it has none). */
static int read_attr_string(const TcadOutput *out, hid_t obj, const char *name, char *buf, size_t n)
{
  buf[0] = 0;
  const htri_t ex = H5Aexists(obj, name);
  if (ex < 0) return TCAD_OUTPUT_H5_FAIL(out, "look up attribute", name);
  if (!ex) return 0;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT), t = H5Tcopy(H5T_C_S1);
  int rc = 0;
  char *v = NULL;
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  if (a < 0 || H5Aread(a, t, &v) < 0)
    rc = TCAD_OUTPUT_H5_FAIL(out, "read attribute", name);
  else if (v)
    snprintf(buf, n, "%s", v);
  if (v) H5free_memory(v);
  if (a >= 0) H5Aclose(a);
  H5Tclose(t);
  return rc;
}

int TcadOutputSetFileAttribute(TcadOutput *out, const char *name, const char *value)
{
  const htri_t ex = H5Aexists(out->file, name);
  if (ex < 0) return TCAD_OUTPUT_H5_FAIL(out, "look up attribute", name);
  if (ex > 0 && H5Adelete(out->file, name) < 0) return TCAD_OUTPUT_H5_FAIL(out, "replace attribute", name);
  TCAD_CALL(tcad_output_h5_attr_string(out, out->file, "/", name, value));
  return 0;
}

int TcadOutputGetFileAttribute(TcadOutput *out, const char *name, char *buf, size_t n)
{
  TCAD_RETURN(read_attr_string(out, out->file, name, buf, n));
}

int TcadOutputReadTable(TcadOutput *out, const char *name, int *nrows, int *ncols, double **data)
{
  char full[8 + TCAD_OUTPUT_NAME_MAX];
  *nrows = *ncols = 0, *data = NULL;
  snprintf(full, sizeof full, "/%s", name);
  const htri_t ex = H5Lexists(out->file, full, H5P_DEFAULT);
  if (ex < 0) return TCAD_OUTPUT_H5_FAIL(out, "look up", full);
  if (!ex) return 0;
  hid_t d = H5Dopen2(out->file, full, H5P_DEFAULT), sp = d >= 0 ? H5Dget_space(d) : -1;
  hsize_t dims[2] = {0, 0};
  int rc = 0;
  if (sp < 0 || H5Sget_simple_extent_ndims(sp) != 2 || H5Sget_simple_extent_dims(sp, dims, NULL) < 0)
    rc = tcad_error(TCAD_ERR_IO, "%s: %s is not a table", out->h5path, full);
  else if (dims[0] > 0) {
    *data = tcad_malloc(sizeof(double) * (size_t)(dims[0] * dims[1]));
    if (!*data)
      rc = TCAD_ERR_MEM;
    else if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *data) < 0)
      rc = TCAD_OUTPUT_H5_FAIL(out, "read", full);
  }
  if (!rc) *nrows = (int)dims[0], *ncols = (int)dims[1];
  if (rc) free(*data), *data = NULL;
  if (sp >= 0) H5Sclose(sp);
  if (d >= 0) H5Dclose(d);
  return rc;
}

/* Delete the step groups from k on. */
static int delete_steps_from(TcadOutput *out, int k)
{
  for (;; k++) {
    char gname[32];
    snprintf(gname, sizeof gname, "/steps/%06d", k);
    const htri_t ex = H5Lexists(out->file, gname, H5P_DEFAULT);
    if (ex < 0) return TCAD_OUTPUT_H5_FAIL(out, "look up", gname);
    if (!ex) return 0;
    if (H5Ldelete(out->file, gname, H5P_DEFAULT) < 0) return TCAD_OUTPUT_H5_FAIL(out, "delete", gname);
  }
}

/* ---- the step list of a reopened file, for its XDMF */

typedef struct {
  TcadOutput *out;
  TcadOutputStep *st;
  int rc;
} StepScan;

static herr_t scan_attr(hid_t obj, const char *name, const H5A_info_t *info, void *op)
{
  StepScan *sc = op;
  (void)info;
  if (!strcmp(name, "time") || !strcmp(name, "label")) return 0;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT), t = a >= 0 ? H5Aget_type(a) : -1;
  double v;
  if (t >= 0 && H5Tget_class(t) == H5T_FLOAT && H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0) {
    TcadOutputStep *st = sc->st;
    if (st->nattrs + 1 > st->capattrs) {
      const int cap = st->capattrs ? 2 * st->capattrs : 8;
      char **n = realloc(st->attr_name, sizeof *n * (size_t)cap);
      double *w = n ? realloc(st->attr_value, sizeof *w * (size_t)cap) : NULL;
      if (n) st->attr_name = n;
      if (w) st->attr_value = w;
      if (!n || !w) sc->rc = tcad_error(TCAD_ERR_MEM, "out of memory for step attributes");
      if (n && w) st->capattrs = cap;
    }
    if (!sc->rc) {
      st->attr_name[st->nattrs] = tcad_output_strdup(name);
      if (!st->attr_name[st->nattrs]) sc->rc = TCAD_ERR_MEM;
      if (!sc->rc) st->attr_value[st->nattrs++] = v;
    }
  }
  if (t >= 0) H5Tclose(t);
  if (a >= 0) H5Aclose(a);
  return sc->rc ? -1 : 0;
}

static herr_t scan_field(hid_t g, const char *name, const H5L_info_t *info, void *op)
{
  StepScan *sc = op;
  (void)info;
  char center[16], units[64];
  hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
  if (d < 0) return 0; /* not a dataset */
  int rc = read_attr_string(sc->out, d, "center", center, sizeof center);
  if (!rc && (!strcmp(center, "node") || !strcmp(center, "cell"))) {
    const int cell = center[0] == 'c';
    if (!cell) rc = read_attr_string(sc->out, d, "units", units, sizeof units);
    hid_t sp = H5Dget_space(d);
    hsize_t dims[2] = {0, 1};
    const int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    if (rank >= 1) H5Sget_simple_extent_dims(sp, dims, NULL);
    if (sp >= 0) H5Sclose(sp);
    TcadOutputStep *st = sc->st;
    if (!rc && st->nfields + 1 > st->capfields) {
      const int cap = st->capfields ? 2 * st->capfields : 8;
      TcadOutputField *f = realloc(st->fields, sizeof *f * (size_t)cap);
      if (!f)
        rc = tcad_error(TCAD_ERR_MEM, "out of memory for the field list");
      else
        st->fields = f, st->capfields = cap;
    }
    if (!rc) {
      TcadOutputField *fl = &st->fields[st->nfields++];
      memset(fl, 0, sizeof *fl);
      fl->name = tcad_output_strdup(name);
      fl->units = cell ? NULL : tcad_output_strdup(units);
      fl->ncomp = rank == 2 ? (int)dims[1] : 1;
      fl->cell = cell;
      if (!fl->name || (!cell && !fl->units)) rc = TCAD_ERR_MEM;
    }
  }
  H5Dclose(d);
  sc->rc = rc;
  return rc ? -1 : 0;
}

static int scan_step(TcadOutput *out, int k)
{
  char gname[32], label[1024];
  snprintf(gname, sizeof gname, "/steps/%06d", k);
  TcadOutputStep *st = &out->steps[k];
  memset(st, 0, sizeof *st);
  hid_t g = H5Gopen2(out->file, gname, H5P_DEFAULT);
  if (g < 0) return tcad_error(TCAD_ERR_IO, "%s: step %s is missing", out->h5path, gname);
  int rc = 0;
  hid_t a = H5Aopen(g, "time", H5P_DEFAULT);
  if (a < 0 || H5Aread(a, H5T_NATIVE_DOUBLE, &st->time) < 0) rc = TCAD_OUTPUT_H5_FAIL(out, "read the time of", gname);
  if (a >= 0) H5Aclose(a);
  if (!rc) rc = read_attr_string(out, g, "label", label, sizeof label);
  if (!rc && !(st->label = tcad_output_strdup(label))) rc = TCAD_ERR_MEM;
  StepScan sc = {out, st, 0};
  if (!rc) {
    hsize_t idx = 0;
    H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, &idx, scan_attr, &sc);
    rc = sc.rc;
  }
  if (!rc) {
    hsize_t idx = 0;
    H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, scan_field, &sc);
    rc = sc.rc;
  }
  H5Gclose(g);
  return rc;
}

static int reopen(const char *h5path, const char *xdmfpath, const TcadMesh *mesh, int readonly, TcadOutput **outp);

int TcadOutputReopen(const char *h5path, const char *xdmfpath, const TcadMesh *mesh, TcadOutput **outp)
{
  TCAD_RETURN(reopen(h5path, xdmfpath, mesh, 0, outp));
}

int TcadOutputOpenRead(const char *h5path, const TcadMesh *mesh, TcadOutput **outp)
{
  TCAD_RETURN(reopen(h5path, "(none)", mesh, 1, outp));
}

int TcadOutputStepAttribute(const TcadOutput *out, int step, const char *name, double *value)
{
  if (!out || step < 0 || step >= out->nsteps) return 0;
  const TcadOutputStep *st = &out->steps[step];
  for (int i = 0; i < st->nattrs; i++)
    if (!strcmp(st->attr_name[i], name)) {
      if (value) *value = st->attr_value[i];
      return 1;
    }
  return 0;
}

static int reopen(const char *h5path, const char *xdmfpath, const TcadMesh *mesh, int readonly, TcadOutput **outp)
{
  TcadOutput *out = NULL;
  int rc = 0, nsteps = 0, nn = -1, nc = -1;
  *outp = NULL;
  TCAD_CALL(tcad_output_check_mesh(h5path, mesh));
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  TCAD_CALL(tcad_output_new(h5path, xdmfpath, mesh, &out));
  /* a file its writer left mid-write: the writer undoes (output_undo.c), a reader cannot */
  if (readonly && tcad_output_undo_pending(h5path)) {
    rc = tcad_error(TCAD_ERR_IO,
                    "%s is being written by a run, or was left mid-write by a killed one (%s.undo holds its undo "
                    "journal): wait for that run to end, or repair the file (tcad repair FOLDER, or continue the run "
                    "with tcad run --resume)",
                    h5path, h5path);
    goto cleanup;
  }
  if (!readonly) {
    int nrec = 0;
    TCAD_CALL_GOTO(rc, tcad_output_undo_recover(h5path, &nrec), cleanup);
  }
  hid_t fapl = tcad_output_undo_fapl();
  out->file = fapl < 0 ? -1 : H5Fopen(h5path, readonly ? H5F_ACC_RDONLY : H5F_ACC_RDWR, fapl);
  if (fapl >= 0) H5Pclose(fapl);
  if (out->file < 0) {
    rc = tcad_error(TCAD_ERR_IO, "cannot open %s %s (is it a tcad field file%s?)", h5path,
                    readonly ? "to read it" : "to continue it", readonly ? "" : ", and writable");
    goto cleanup;
  }
  TCAD_CALL_GOTO(rc, tcad_output_h5_reference(out), cleanup);
  {
    hid_t m = H5Gopen2(out->file, "/mesh", H5P_DEFAULT), s = H5Gopen2(out->file, "/steps", H5P_DEFAULT);
    hid_t a1 = m >= 0 ? H5Aopen(m, "nnodes", H5P_DEFAULT) : -1, a2 = m >= 0 ? H5Aopen(m, "ncells", H5P_DEFAULT) : -1;
    hid_t a3 = s >= 0 ? H5Aopen(s, "nsteps", H5P_DEFAULT) : -1;
    if (a1 < 0 || a2 < 0 || a3 < 0 || H5Aread(a1, H5T_NATIVE_INT, &nn) < 0 || H5Aread(a2, H5T_NATIVE_INT, &nc) < 0 ||
        H5Aread(a3, H5T_NATIVE_INT, &nsteps) < 0)
      rc = tcad_error(TCAD_ERR_IO, "%s: not a tcad field file (no /mesh or /steps counts)", h5path);
    if (a1 >= 0) H5Aclose(a1);
    if (a2 >= 0) H5Aclose(a2);
    if (a3 >= 0) H5Aclose(a3);
    if (m >= 0) H5Gclose(m);
    if (s >= 0) H5Gclose(s);
    if (rc) goto cleanup;
  }
  if (nn != mesh->nnodes || nc != mesh->ncells) {
    rc = tcad_error(TCAD_ERR_INPUT, "%s holds a mesh of %d nodes and %d cells, the deck's has %d and %d", h5path, nn,
                    nc, mesh->nnodes, mesh->ncells);
    goto cleanup;
  }
  out->region_masks = H5Lexists(out->file, "/mesh/region_mask", H5P_DEFAULT) > 0;
  /* a step group beyond the count is one a kill left half written */
  if (!readonly) TCAD_CALL_GOTO(rc, delete_steps_from(out, nsteps), cleanup);
  out->capsteps = nsteps + 16;
  TCAD_ALLOC_GOTO(rc, out->steps, out->capsteps, cleanup);
  for (int k = 0; k < nsteps; k++) {
    out->nsteps = k; /* tcad_output_free frees the steps scanned so far */
    TCAD_CALL_GOTO(rc, scan_step(out, k), cleanup);
    out->nsteps = k + 1;
  }
  *outp = out;
  out = NULL;
cleanup:
  tcad_output_free(out);
  return rc;
}

int TcadOutputTruncate(TcadOutput *out, int keep)
{
  if (keep < 0 || keep > out->nsteps)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: cannot keep %d of %d steps", out->h5path, keep, out->nsteps);
  TCAD_CALL(delete_steps_from(out, keep));
  for (int k = keep; k < out->nsteps; k++) tcad_output_free_step(&out->steps[k]);
  out->nsteps = keep;
  if (H5Lexists(out->file, "/iv", H5P_DEFAULT) > 0 && H5Ldelete(out->file, "/iv", H5P_DEFAULT) < 0)
    return TCAD_OUTPUT_H5_FAIL(out, "delete", "/iv");
  tcad_output_tables_free(out);
  hid_t g = H5Gopen2(out->file, "/steps", H5P_DEFAULT);
  if (g < 0) return TCAD_OUTPUT_H5_FAIL(out, "open group", "/steps");
  const int rc = tcad_output_h5_attr_int_set(out, g, "nsteps", keep);
  H5Gclose(g);
  TCAD_CALL(rc);
  /* not flushed here: the caller writes /iv again (TcadOutputWriteTable flushes), so the file on
   * disk goes from its old table to its new one in one flush, never without one; the XDMF names
   * only kept steps, which are on disk either way */
  TCAD_RETURN(tcad_output_write_xdmf(out));
}

int TcadOutputGetStepCount(const TcadOutput *out) { return out ? out->nsteps : 0; }
