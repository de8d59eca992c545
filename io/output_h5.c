/* HDF5 helpers for the field writer: the names that may become HDF5 links, attributes,
 * datasets, and the one message a failed HDF5 call gives, "FILE: HDF5 failed to WHAT OBJECT
 * (HDF5: innermost message)". Every helper releases the HDF5 handles it opened, whatever
 * fails. */
#include <stdio.h>
#include <string.h>

#include "io/output_internal.h"

int tcad_output_h5_flush(const TcadOutput *out)
{
  if (H5Fflush(out->file, H5F_SCOPE_GLOBAL) < 0) return TCAD_OUTPUT_H5_FAIL(out, "flush", "the file");
  TCAD_RETURN(tcad_output_undo_commit(out->file));
}

herr_t tcad_output_h5_close(TcadOutput *out)
{
  unsigned intent = 0;
  const int writer = H5Fget_intent(out->file, &intent) >= 0 && (intent & H5F_ACC_RDWR);
  const herr_t e = H5Fclose(out->file);
  out->file = -1;
  /* closed whole: what the close wrote after the last commit needs no undoing (a failed close
   * keeps the journal for the next writer to undo) */
  if (e >= 0 && writer) tcad_output_undo_closed(out->h5path);
  return e;
}

/* ---- names ---- */

char *tcad_output_strdup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *p = tcad_malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

int tcad_output_check_name(const TcadOutput *out, const char *kind, const char *name)
{
  size_t n;
  if (!name || !name[0]) return tcad_error(TCAD_ERR_INTERNAL, "%s: %s name is empty", out->h5path, kind);
  n = strlen(name);
  if (n >= TCAD_OUTPUT_NAME_MAX)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: %s name '%.40s...' is longer than %d characters", out->h5path, kind, name,
                      TCAD_OUTPUT_NAME_MAX - 1);
  if (name[0] == '.')
    return tcad_error(TCAD_ERR_INTERNAL, "%s: %s name '%s' must not start with '.'", out->h5path, kind, name);
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
             c == '.' || c == '+';
    if (!ok)
      return tcad_error(TCAD_ERR_INTERNAL, "%s: %s name '%s' contains '%c'; use letters, digits and _ - . + only",
                        out->h5path, kind, name, c);
  }
  return 0;
}

/* ---- HDF5 calls ---- */

/* Innermost HDF5 error description (the most specific one), for appending to our message. */
typedef struct {
  char *text;
  size_t n;
  int got;
} OutputH5Detail;

static herr_t h5_walk(unsigned n, const H5E_error2_t *e, void *data)
{
  OutputH5Detail *d = data;
  (void)n;
  if (!d->got && e && e->desc && e->desc[0]) {
    snprintf(d->text, d->n, "%s", e->desc);
    d->got = 1;
  }
  return 0;
}

const char *tcad_output_h5_detail(char *buf, size_t n)
{
  OutputH5Detail d = {buf, n, 0};
  buf[0] = 0;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, h5_walk, &d);
  H5Eclear2(H5E_DEFAULT);
  if (!d.got) snprintf(buf, n, "no detail from HDF5");
  return buf;
}

int tcad_output_h5_fail_at(const TcadOutput *out, const char *file, int line, const char *func, const char *what,
                           const char *obj)
{
  char detail[512];
  tcad_output_h5_detail(detail, sizeof detail);
  return tcad_error_raise(file, line, func, TCAD_ERR_IO, "%s: HDF5 failed to %s%s%s (HDF5: %s)", out->h5path, what,
                          obj ? " " : "", obj ? obj : "", detail);
}

/* Variable-length UTF-8 string type (h5py reads these attributes as str). */
static hid_t h5_str_type(void)
{
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t < 0) return t;
  if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
    H5Tclose(t);
    return -1;
  }
  return t;
}

int tcad_output_h5_attr_string(const TcadOutput *out, hid_t obj, const char *objname, const char *name,
                               const char *value)
{
  hid_t t = -1, s = -1, a = -1;
  int rc = 0;
  char what[512];
  snprintf(what, sizeof what, "attribute '%s' of %s", name, objname);
  if ((t = h5_str_type()) < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "create a string type for", what);
    goto cleanup;
  }
  if ((s = H5Screate(H5S_SCALAR)) < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "create a dataspace for", what);
    goto cleanup;
  }
  if ((a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "create", what);
    goto cleanup;
  }
  if (H5Awrite(a, t, &value) < 0) rc = TCAD_OUTPUT_H5_FAIL(out, "write", what);
cleanup:
  if (a >= 0 && H5Aclose(a) < 0 && !rc) rc = TCAD_OUTPUT_H5_FAIL(out, "close", what);
  if (s >= 0) H5Sclose(s);
  if (t >= 0) H5Tclose(t);
  return rc;
}

static int h5_attr_scalar(const TcadOutput *out, hid_t obj, const char *name, hid_t type, const void *value)
{
  hid_t s = -1, a = -1;
  int rc = 0;
  char what[256];
  snprintf(what, sizeof what, "attribute '%s'", name);
  if ((s = H5Screate(H5S_SCALAR)) < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "create a dataspace for", what);
    goto cleanup;
  }
  if ((a = H5Acreate2(obj, name, type, s, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "create", what);
    goto cleanup;
  }
  if (H5Awrite(a, type, value) < 0) rc = TCAD_OUTPUT_H5_FAIL(out, "write", what);
cleanup:
  if (a >= 0 && H5Aclose(a) < 0 && !rc) rc = TCAD_OUTPUT_H5_FAIL(out, "close", what);
  if (s >= 0) H5Sclose(s);
  return rc;
}

int tcad_output_h5_attr_int(const TcadOutput *out, hid_t obj, const char *name, int v)
{
  TCAD_CALL(h5_attr_scalar(out, obj, name, H5T_NATIVE_INT, &v));
  return 0;
}

int tcad_output_h5_attr_double(const TcadOutput *out, hid_t obj, const char *name, double v)
{
  TCAD_CALL(h5_attr_scalar(out, obj, name, H5T_NATIVE_DOUBLE, &v));
  return 0;
}

int tcad_output_h5_attr_int_set(const TcadOutput *out, hid_t obj, const char *name, int v)
{
  hid_t a = -1;
  int rc = 0;
  htri_t ex = H5Aexists(obj, name);
  if (ex < 0) return TCAD_OUTPUT_H5_FAIL(out, "look up attribute", name);
  if (!ex) {
    TCAD_CALL(tcad_output_h5_attr_int(out, obj, name, v));
    return 0;
  }
  if ((a = H5Aopen(obj, name, H5P_DEFAULT)) < 0) return TCAD_OUTPUT_H5_FAIL(out, "open attribute", name);
  if (H5Awrite(a, H5T_NATIVE_INT, &v) < 0) rc = TCAD_OUTPUT_H5_FAIL(out, "write attribute", name);
  if (H5Aclose(a) < 0 && !rc) rc = TCAD_OUTPUT_H5_FAIL(out, "close attribute", name);
  return rc;
}

int tcad_output_h5_attr_strings(const TcadOutput *out, hid_t obj, const char *objname, const char *name, int n,
                                char *const *strs)
{
  hsize_t dim = (hsize_t)n;
  hid_t t = -1, s = -1, a = -1;
  htri_t ex;
  int rc = 0;
  char what[512];
  snprintf(what, sizeof what, "attribute '%s' of %s", name, objname);
  if ((ex = H5Aexists(obj, name)) < 0) return TCAD_OUTPUT_H5_FAIL(out, "look up", what);
  if (ex > 0 && H5Adelete(obj, name) < 0) return TCAD_OUTPUT_H5_FAIL(out, "delete", what);
  if ((t = h5_str_type()) < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "create a string type for", what);
    goto cleanup;
  }
  if ((s = H5Screate_simple(1, &dim, NULL)) < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "create a dataspace for", what);
    goto cleanup;
  }
  if ((a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "create", what);
    goto cleanup;
  }
  if (H5Awrite(a, t, strs) < 0) rc = TCAD_OUTPUT_H5_FAIL(out, "write", what);
cleanup:
  if (a >= 0 && H5Aclose(a) < 0 && !rc) rc = TCAD_OUTPUT_H5_FAIL(out, "close", what);
  if (s >= 0) H5Sclose(s);
  if (t >= 0) H5Tclose(t);
  return rc;
}

int tcad_output_h5_dataset(const TcadOutput *out, hid_t loc, const char *path, const char *fullpath, hid_t filetype,
                           hid_t memtype, int rank, hsize_t d0, hsize_t d1, const void *data, hid_t *dset_out)
{
  hsize_t dims[2] = {d0, d1};
  hid_t s = -1, d = -1;
  int rc = 0;
  if ((s = H5Screate_simple(rank, dims, NULL)) < 0)
    return TCAD_OUTPUT_H5_FAIL(out, "create the dataspace of", fullpath);
  if ((d = H5Dcreate2(loc, path, filetype, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "create dataset", fullpath);
    goto cleanup;
  }
  if (d0 > 0 && H5Dwrite(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    rc = TCAD_OUTPUT_H5_FAIL(out, "write dataset", fullpath);
    goto cleanup;
  }
  if (dset_out) {
    *dset_out = d; /* the caller closes it */
    d = -1;
  }
cleanup:
  if (d >= 0 && H5Dclose(d) < 0 && !rc) rc = TCAD_OUTPUT_H5_FAIL(out, "close dataset", fullpath);
  H5Sclose(s);
  return rc;
}

int tcad_output_h5_string_dataset(const TcadOutput *out, hid_t loc, const char *path, const char *fullpath, int n,
                                  const char **strs)
{
  hid_t t = h5_str_type();
  int rc = 0;
  if (t < 0) return TCAD_OUTPUT_H5_FAIL(out, "create a string type for", fullpath);
  TCAD_CALL_GOTO(rc, tcad_output_h5_dataset(out, loc, path, fullpath, t, t, 1, (hsize_t)n, 0, strs, NULL), cleanup);
cleanup:
  H5Tclose(t);
  return rc;
}
