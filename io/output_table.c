/* Tables at the root of the field file (/iv): float64 [rows, columns] datasets with string
 * attributes `columns` and `units`, extended in place as the caller re-sends a growing table
 * (include/tcad/output.h, TcadOutputWriteTable). What was last written is cached per table so a
 * re-sent table costs the rows that changed, not the whole table. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/output_internal.h"

/* Rows per chunk: about 16 KiB per chunk keeps a short IV table small on disk while a long one
 * still grows in few, large pieces. */
#define TCAD_OUTPUT_TABLE_CHUNK_BYTES 16384

static void table_free_strings(TcadOutputTableCache *tb)
{
  for (int i = 0; i < tb->ncols; i++) {
    if (tb->colnames) free(tb->colnames[i]);
    if (tb->units) free(tb->units[i]);
  }
  free(tb->colnames);
  free(tb->units);
  tb->colnames = tb->units = NULL;
}

void tcad_output_tables_free(TcadOutput *out)
{
  for (int i = 0; i < out->ntables; i++) {
    table_free_strings(&out->tables[i]);
    free(out->tables[i].name);
    free(out->tables[i].data);
  }
  free(out->tables);
  out->tables = NULL;
  out->ntables = 0;
}

static TcadOutputTableCache *table_find(TcadOutput *out, const char *name)
{
  for (int i = 0; i < out->ntables; i++)
    if (!strcmp(out->tables[i].name, name)) return &out->tables[i];
  return NULL;
}

/* Do the cached column names and units equal the given ones (NULL units count as "")? */
static int table_same_columns(const TcadOutputTableCache *tb, int ncols, const char *const *colnames,
                              const char *const *units)
{
  if (!tb->colnames || tb->ncols != ncols) return 0;
  for (int i = 0; i < ncols; i++) {
    const char *u = units && units[i] ? units[i] : "";
    if (strcmp(tb->colnames[i], colnames[i]) || strcmp(tb->units[i], u)) return 0;
  }
  return 1;
}

/* Cache the column names and units (what a failure leaves behind is freed with the table). */
static int table_set_columns(TcadOutputTableCache *tb, int ncols, const char *const *colnames, const char *const *units)
{
  table_free_strings(tb);
  tb->ncols = ncols;
  TCAD_ALLOC(tb->colnames, ncols);
  TCAD_ALLOC(tb->units, ncols);
  for (int i = 0; i < ncols; i++) {
    tb->colnames[i] = tcad_output_strdup(colnames[i]);
    tb->units[i] = tcad_output_strdup(units && units[i] ? units[i] : "");
    if (!tb->colnames[i] || !tb->units[i]) return TCAD_ERR_MEM;
  }
  return 0;
}

/* Create the empty extendible dataset [0 x ncols] (rows unlimited, chunked). */
static int table_create(const TcadOutput *out, const char *name, const char *full, int ncols, hid_t *dset)
{
  hsize_t dims[2] = {0, (hsize_t)ncols}, maxdims[2] = {H5S_UNLIMITED, (hsize_t)ncols};
  hsize_t chunk[2] = {(hsize_t)(TCAD_OUTPUT_TABLE_CHUNK_BYTES / (8 * ncols)), (hsize_t)ncols};
  hid_t s = -1, p = -1;
  int rc = 0;
  if (chunk[0] < 1) chunk[0] = 1;
  *dset = -1;
  if ((s = H5Screate_simple(2, dims, maxdims)) < 0) return TCAD_OUTPUT_H5_FAIL(out, "create the dataspace of", full);
  p = H5Pcreate(H5P_DATASET_CREATE);
  if (p < 0 || H5Pset_chunk(p, 2, chunk) < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "set the chunking of", full);
    goto cleanup;
  }
  *dset = H5Dcreate2(out->file, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, p, H5P_DEFAULT);
  if (*dset < 0) rc = TCAD_OUTPUT_H5_FAIL(out, "create dataset", full);
cleanup:
  if (p >= 0) H5Pclose(p);
  H5Sclose(s);
  return rc;
}

/* Bring the open dataset to nrows rows and write rows [first, nrows). */
static int table_write_rows(const TcadOutput *out, hid_t d, const char *full, int ncols, int nrows, int first,
                            const double *data)
{
  hsize_t dims[2] = {(hsize_t)nrows, (hsize_t)ncols};
  hsize_t start[2] = {(hsize_t)first, 0}, count[2] = {(hsize_t)(nrows - first), (hsize_t)ncols};
  hid_t fs = -1, ms = -1;
  int rc = 0;
  if (H5Dset_extent(d, dims) < 0) return TCAD_OUTPUT_H5_FAIL(out, "resize dataset", full);
  if (first >= nrows) return 0;
  fs = H5Dget_space(d);
  if (fs < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "select the new rows of", full);
    goto cleanup;
  }
  if ((ms = H5Screate_simple(2, count, NULL)) < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "create the memory dataspace of", full);
    goto cleanup;
  }
  if (H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, data + (size_t)first * ncols) < 0)
    rc = TCAD_OUTPUT_H5_FAIL(out, "write dataset", full);
cleanup:
  if (ms >= 0) H5Sclose(ms);
  if (fs >= 0) H5Sclose(fs);
  return rc;
}

int TcadOutputWriteTable(TcadOutput *out, const char *name, int ncols, const char *const *colnames,
                         const char *const *units, int nrows, const double *data)
{
  TcadOutputTableCache *tb;
  char full[8 + TCAD_OUTPUT_NAME_MAX];
  hid_t d = -1;
  int rc = 0, first = 0;

  if (!out) return tcad_error(TCAD_ERR_INTERNAL, "TcadOutputWriteTable: output is not open");
  TCAD_CALL(tcad_output_check_name(out, "table", name));
  snprintf(full, sizeof full, "/%s", name);
  if (ncols < 1 || ncols > 65536)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: table %s has %d columns (1 to 65536 allowed)", out->h5path, full, ncols);
  if (nrows < 0 || (nrows > 0 && !data))
    return tcad_error(TCAD_ERR_INTERNAL, "%s: table %s: %d rows %s", out->h5path, full, nrows,
                      nrows < 0 ? "(must be >= 0)" : "but no data");
  if ((size_t)nrows > SIZE_MAX / sizeof(double) / (size_t)ncols)
    return tcad_error(TCAD_ERR_MEM, "%s: table %s: %d x %d values is too large", out->h5path, full, nrows, ncols);
  if (!colnames) return tcad_error(TCAD_ERR_INTERNAL, "%s: table %s has no column names", out->h5path, full);
  for (int i = 0; i < ncols; i++)
    if (!colnames[i] || !colnames[i][0])
      return tcad_error(TCAD_ERR_INTERNAL, "%s: table %s: column %d has no name", out->h5path, full, i);

  tb = table_find(out, name);
  if (tb && tb->exists && tb->ncols != ncols) {
    /* A different column count cannot be reached by resizing: start the dataset over. The old
     * one's space stays in the file (HDF5 does not reclaim it), which is fine for a rare change. */
    if (H5Ldelete(out->file, name, H5P_DEFAULT) < 0) return TCAD_OUTPUT_H5_FAIL(out, "delete", full);
    tb->exists = 0;
    free(tb->data); /* laid out for the old column count */
    tb->data = NULL;
    tb->caprows = 0;
    tb->nrows = 0;
  }
  if (!tb || !tb->exists) {
    /* /mesh, /steps and anything else this writer did not create as a table are refused */
    htri_t ex = H5Lexists(out->file, name, H5P_DEFAULT);
    if (ex < 0) return TCAD_OUTPUT_H5_FAIL(out, "look up", full);
    if (ex > 0)
      return tcad_error(TCAD_ERR_INTERNAL,
                        "%s: %s already exists and is not a table; choose "
                        "another table name",
                        out->h5path, full);
  }
  if (!tb) {
    TcadOutputTableCache *t = realloc(out->tables, sizeof *t * (size_t)(out->ntables + 1));
    if (!t) return tcad_error(TCAD_ERR_MEM, "out of memory for the table list of %s", out->h5path);
    out->tables = t;
    tb = &out->tables[out->ntables];
    memset(tb, 0, sizeof *tb);
    tb->name = tcad_output_strdup(name);
    if (!tb->name) return TCAD_ERR_MEM;
    out->ntables++;
  }

  if (!tb->exists) {
    TCAD_CALL(table_create(out, name, full, ncols, &d));
    tb->exists = 1;
    tb->stale = 1; /* attributes still to write */
    tb->nrows = 0;
  } else {
    d = H5Dopen2(out->file, name, H5P_DEFAULT);
    if (d < 0) return TCAD_OUTPUT_H5_FAIL(out, "open dataset", full);
  }

  if (tb->stale || !table_same_columns(tb, ncols, colnames, units)) {
    TCAD_CALL_GOTO(rc, table_set_columns(tb, ncols, colnames, units), fail);
    TCAD_CALL_GOTO(rc, tcad_output_h5_attr_strings(out, d, full, "columns", ncols, tb->colnames), fail);
    TCAD_CALL_GOTO(rc, tcad_output_h5_attr_strings(out, d, full, "units", ncols, tb->units), fail);
  }

  /* Rows already on disk unchanged are not written again: a table re-sent after every bias
   * point then costs one new row, not the whole table. */
  while (first < nrows && first < tb->nrows &&
         !memcmp(tb->data + (size_t)first * ncols, data + (size_t)first * ncols, sizeof(double) * (size_t)ncols))
    first++;
  TCAD_CALL_GOTO(rc, table_write_rows(out, d, full, ncols, nrows, first, data), fail);
  if (H5Dclose(d) < 0) {
    d = -1;
    rc = TCAD_OUTPUT_H5_FAIL(out, "close dataset", full);
    goto fail;
  }
  d = -1;

  if ((size_t)nrows > tb->caprows) {
    size_t cap = tb->caprows ? tb->caprows : 64;
    while (cap < (size_t)nrows) cap *= 2;
    double *nd = realloc(tb->data, sizeof(double) * cap * (size_t)ncols);
    if (!nd) {
      rc = tcad_error(TCAD_ERR_MEM, "out of memory for table %s of %s", full, out->h5path);
      goto fail;
    }
    tb->data = nd;
    tb->caprows = cap;
  }
  if (nrows > first)
    memcpy(tb->data + (size_t)first * ncols, data + (size_t)first * ncols,
           sizeof(double) * (size_t)(nrows - first) * ncols);
  tb->nrows = nrows;
  tb->stale = 0;

  /* written with its step's count when a step is open or finished (TcadOutputEndStep flushes
   * both at once: the table and the steps then count the same points on disk), else durable now */
  if (!out->instep && !out->pending) TCAD_CALL(tcad_output_h5_flush(out));
  return 0;

fail:
  if (d >= 0) H5Dclose(d);
  /* What reached the file is unknown: the next call rewrites every row and both attributes. */
  tb->nrows = 0;
  tb->stale = 1;
  return rc;
}

int TcadOutputWriteTableFile(const char *path, const char *name, int nrows, int ncols, const char *const *colnames,
                             const double *data, int ntext, const char *const *textnames, const char *const *text)
{
  /* a TcadOutput only for the helpers' messages (they name out->h5path) */
  TcadOutput msg;
  char tmp[4096], full[512];
  hid_t f = -1;
  int rc = 0;
  memset(&msg, 0, sizeof msg);
  msg.h5path = (char *)path;
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
    return tcad_error(TCAD_ERR_IO, "%s: the path is too long", path);
  if ((f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) < 0)
    return TCAD_OUTPUT_H5_FAIL(&msg, "create", tmp);
  {
    hid_t d = -1;
    snprintf(full, sizeof full, "/%s", name);
    TCAD_CALL_GOTO(rc,
                   tcad_output_h5_dataset(&msg, f, name, full, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, (hsize_t)nrows,
                                          (hsize_t)ncols, data, &d),
                   cleanup);
    rc = tcad_output_h5_attr_strings(&msg, d, full, "columns", ncols, (char *const *)colnames);
    H5Dclose(d);
    if (rc) goto cleanup;
  }
  for (int k = 0; k < ntext; k++) { /* text columns: /NAME_text/<column>, one string per row */
    snprintf(full, sizeof full, "%s_text", name);
    if (k == 0) {
      hid_t g = H5Gcreate2(f, full, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      if (g < 0) {
        rc = TCAD_OUTPUT_H5_FAIL(&msg, "create group", full);
        goto cleanup;
      }
      H5Gclose(g);
    }
    char dpath[1100];
    snprintf(dpath, sizeof dpath, "%s/%s", full, textnames[k]);
    TCAD_CALL_GOTO(
        rc, tcad_output_h5_string_dataset(&msg, f, dpath, dpath, nrows, (const char **)(text + (size_t)k * nrows)),
        cleanup);
  }
cleanup:
  if (H5Fclose(f) < 0 && !rc) rc = TCAD_OUTPUT_H5_FAIL(&msg, "close", tmp);
  if (!rc && rename(tmp, path)) rc = tcad_error(TCAD_ERR_IO, "cannot write %s: %s", path, strerror(errno));
  if (rc) remove(tmp);
  return rc;
}
