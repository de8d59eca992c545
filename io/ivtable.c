/* IV table as CSV (include/tcad/ivtable.h). Every row is fflush()ed when appended: a crash
 * of the process then loses no finished bias point (an OS crash may, which a per-row fsync
 * would cost too much to prevent on a slow file system for a sweep of thousands of points). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcad/error.h"
#include "tcad/ivtable.h"

struct TcadIVTable {
  char *path;
  FILE *f;
  int ncols;
  int nrows;    /* in memory */
  int nwritten; /* of them, in the file */
  size_t caprows;
  char *buf;    /* the stream's buffer: a row fits (iv_row_bytes) */
  double *data; /* nrows * ncols */
};

/* A name or unit goes into the header unquoted: refuse what a CSV reader would split on or
 * mis-parse. */
static int iv_check_text(const char *path, const char *what, int col, const char *colname, const char *s)
{
  const char *bad = strpbrk(s, ",\"'\n\r");
  if (!bad) return 0;
  return tcad_error(TCAD_ERR_INPUT,
                    "%s: %s of IV table column %d ('%s') contains %s; names and units must not "
                    "contain commas, quotes or line breaks",
                    path, what, col, colname,
                    *bad == ','                    ? "a comma"
                    : *bad == '\n' || *bad == '\r' ? "a line break"
                                                   : "a quote");
}

/* Shortest of %.15g, %.16g, %.17g that reads back as the same double: exact, but 0.1 stays
 * "0.1" instead of "0.10000000000000001". */
static int iv_put_double(FILE *f, double v)
{
  char buf[40];
  for (int p = 15; p <= 17; p++) {
    snprintf(buf, sizeof buf, "%.*g", p, v);
    if (strtod(buf, NULL) == v || v != v) break; /* nan never compares equal */
  }
  return fputs(buf, f);
}

static void iv_free(TcadIVTable *t)
{
  if (!t) return;
  if (t->f) fclose(t->f);
  free(t->buf);
  free(t->path);
  free(t->data);
  free(t);
}

/* fflush and check the stream: the error names the path and the system's reason. */
static int iv_flush(TcadIVTable *t, const char *what)
{
  int err = 0;
  errno = 0;
  if (fflush(t->f) != 0 || ferror(t->f)) err = errno ? errno : EIO;
  if (!err) return 0;
  clearerr(t->f);
  return tcad_error(TCAD_ERR_IO, "%s: writing the IV table %s failed: %s", t->path, what, strerror(err));
}

int TcadIVTableMove(TcadIVTable *t, const char *path)
{
  char *p = tcad_malloc(strlen(path) + 1);
  if (!p) return TCAD_ERR_MEM;
  strcpy(p, path);
  if (rename(t->path, path)) {
    const int err = errno;
    free(p);
    return tcad_error(TCAD_ERR_IO, "cannot rename %s to %s: %s", t->path, path, strerror(err));
  }
  free(t->path);
  t->path = p;
  return 0;
}

int TcadIVTableOpen(const char *path, int ncols, const char *const *colnames, const char *const *units,
                    TcadIVTable **tp)
{
  TcadIVTable *t = NULL;
  int rc = 0;
  if (!tp) return tcad_error(TCAD_ERR_INTERNAL, "TcadIVTableOpen: no table pointer");
  *tp = NULL;
  if (!path || !path[0]) return tcad_error(TCAD_ERR_INTERNAL, "TcadIVTableOpen: empty file name");
  if (ncols < 1) return tcad_error(TCAD_ERR_INTERNAL, "%s: IV table with %d columns (at least 1)", path, ncols);
  if (!colnames) return tcad_error(TCAD_ERR_INTERNAL, "%s: IV table without column names", path);
  for (int i = 0; i < ncols; i++) {
    if (!colnames[i] || !colnames[i][0])
      return tcad_error(TCAD_ERR_INPUT, "%s: IV table column %d has no name", path, i);
    TCAD_CALL(iv_check_text(path, "the name", i, colnames[i], colnames[i]));
    if (units && units[i]) TCAD_CALL(iv_check_text(path, "the unit", i, colnames[i], units[i]));
  }

  TCAD_ALLOC(t, 1);
  t->ncols = ncols;
  t->path = tcad_malloc(strlen(path) + 1);
  if (!t->path) {
    rc = TCAD_ERR_MEM;
    goto cleanup;
  }
  strcpy(t->path, path);
  t->f = fopen(path, "w");
  if (!t->f) {
    rc = tcad_error(TCAD_ERR_IO, "%s: cannot create the IV table: %s", path, strerror(errno));
    goto cleanup;
  }
  {
    /* a value takes at most 24 characters and its comma: a row, or the header, fits */
    size_t hdr = 2;
    for (int i = 0; i < ncols; i++) hdr += strlen(colnames[i]) + (units && units[i] ? strlen(units[i]) + 3 : 0) + 1;
    const size_t cap = (size_t)ncols * 25 + 2 > hdr ? (size_t)ncols * 25 + 2 : hdr;
    t->buf = tcad_malloc(cap + 64);
    if (!t->buf || setvbuf(t->f, t->buf, _IOFBF, cap + 64)) {
      rc = t->buf ? tcad_error(TCAD_ERR_IO, "%s: cannot set the IV table's buffer", path) : TCAD_ERR_MEM;
      goto cleanup;
    }
  }
  for (int i = 0; i < ncols; i++) {
    const char *u = units && units[i] ? units[i] : "";
    fprintf(t->f, "%s%s", i ? "," : "", colnames[i]);
    if (u[0]) fprintf(t->f, " [%s]", u);
  }
  fputc('\n', t->f);
  TCAD_CALL_GOTO(rc, iv_flush(t, "header"), cleanup);
  *tp = t;
  t = NULL;
cleanup:
  iv_free(t);
  return rc;
}

int TcadIVTableStage(TcadIVTable *t, const double *row)
{
  if (!t) return tcad_error(TCAD_ERR_INTERNAL, "TcadIVTableStage: the IV table is not open");
  if (!row) return tcad_error(TCAD_ERR_INTERNAL, "%s: TcadIVTableStage: no row", t->path);
  if ((size_t)t->nrows + 1 > t->caprows) {
    size_t cap = t->caprows ? 2 * t->caprows : 64;
    double *d = realloc(t->data, sizeof(double) * cap * (size_t)t->ncols);
    if (!d) return tcad_error(TCAD_ERR_MEM, "out of memory for the IV table %s", t->path);
    t->data = d;
    t->caprows = cap;
  }
  memcpy(t->data + (size_t)t->nrows * t->ncols, row, sizeof(double) * (size_t)t->ncols);
  t->nrows++;
  return 0;
}

/* Each row goes to the file in one write() (the stream's buffer holds the whole row): a kill
 * leaves the file with or without the row, not with part of it. */
int TcadIVTableWriteStaged(TcadIVTable *t)
{
  if (!t) return tcad_error(TCAD_ERR_INTERNAL, "TcadIVTableWriteStaged: the IV table is not open");
  for (; t->nwritten < t->nrows; t->nwritten++) {
    const double *row = t->data + (size_t)t->nwritten * t->ncols;
    char what[48];
    snprintf(what, sizeof what, "row %d", t->nwritten + 1);
    for (int i = 0; i < t->ncols; i++) {
      if (i) fputc(',', t->f);
      iv_put_double(t->f, row[i]);
    }
    fputc('\n', t->f);
    TCAD_CALL(iv_flush(t, what));
  }
  return 0;
}

int TcadIVTableAppend(TcadIVTable *t, const double *row)
{
  TCAD_CALL(TcadIVTableStage(t, row));
  TCAD_RETURN(TcadIVTableWriteStaged(t));
}

int TcadIVTableGetRows(const TcadIVTable *t, const double **data)
{
  if (data) *data = t ? t->data : NULL;
  return t ? t->nrows : 0;
}

int TcadIVTableClose(TcadIVTable **tp)
{
  TcadIVTable *t;
  int rc = 0;
  if (!tp || !*tp) return 0;
  t = *tp;
  *tp = NULL;
  errno = 0;
  if (fclose(t->f) != 0)
    rc = tcad_error(TCAD_ERR_IO, "%s: closing the IV table failed: %s", t->path, strerror(errno ? errno : EIO));
  t->f = NULL;
  iv_free(t);
  return rc;
}
