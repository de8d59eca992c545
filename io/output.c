/* Field output: HDF5 (mesh once, fields per step) + an XDMF index that ParaView opens as a
 * time series. Layout and conventions: docs/output.md.
 *
 * Durability: TcadOutputEndStep flushes the HDF5 file (H5Fflush, global scope) and then
 * rewrites the whole XDMF into "<xdmf>.tmp" and rename()s it over the XDMF, so the XDMF on disk
 * is always either the previous complete version or the new complete version, and it only
 * ever names steps whose data were flushed before it was written. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "tcad/error.h"
#include "tcad/output.h"

#define OUT_FORMAT "tcad-fields"
#define OUT_VERSION 1
#define OUT_CM_TO_UM 1.0e4
#define OUT_NAME_MAX 128 /* field and step-attribute names */

typedef struct {
  char *name;
  char *units; /* NULL for integer cell fields */
  int ncomp;
  int cell; /* 0: node field (double), 1: cell field (int32) */
} OutField;

typedef struct {
  double time;
  char *label;
  int nfields, capfields;
  OutField *fields;
  int nattrs, capattrs;
  char **attr_name;
  double *attr_value;
} OutStep;

/* What TcadOutputTable last wrote to /NAME: a repeated call writes only the rows that changed
 * (usually just the new ones), and columns/units attributes are rewritten only if they differ. */
typedef struct {
  char *name;
  int exists;               /* the dataset is in the file (with ncols columns) */
  int stale;                /* attributes and rows must all be rewritten (new, or a write failed) */
  int ncols, nrows;
  char **colnames, **units; /* ncols each (NULL until first set) */
  double *data;             /* nrows * ncols, as written */
  size_t caprows;
} OutTable;

struct TcadOutput {
  char *h5path;   /* as given, for messages */
  char *xdmfpath; /* as given */
  char *xdmftmp;  /* xdmfpath + ".tmp" */
  char *h5ref;    /* how the XDMF names the HDF5 file: basename, or absolute path */
  hid_t file;
  int dim, nnodes, ncells, nvert;
  int nsteps, capsteps; /* finished steps */
  OutStep *steps;
  int instep;      /* a step is open: steps[nsteps] is being filled */
  hid_t stepgroup; /* its group */
  int ntables;
  OutTable *tables;
};

/* ---------------------------------------------------------------- small helpers */

static char *out_strdup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *p = tcad_malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

/* Innermost HDF5 error description (the most specific one), for appending to our message. */
typedef struct {
  char text[512];
  int got;
} H5Detail;

static herr_t out_h5_walk(unsigned n, const H5E_error2_t *e, void *data)
{
  H5Detail *d = data;
  (void)n;
  if (!d->got && e && e->desc && e->desc[0]) {
    snprintf(d->text, sizeof d->text, "%s", e->desc);
    d->got = 1;
  }
  return 0;
}

static const char *out_h5_detail(H5Detail *d)
{
  d->text[0] = 0;
  d->got = 0;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, out_h5_walk, d);
  H5Eclear2(H5E_DEFAULT);
  return d->got ? d->text : "no detail from HDF5";
}

/* Record an HDF5 failure: "FILE: WHAT (HDF5: innermost message)". */
static int out_h5_fail(const TcadOutput *out, const char *what, const char *obj)
{
  H5Detail d;
  const char *detail = out_h5_detail(&d);
  return tcad_error(TCAD_ERR_IO, "%s: HDF5 failed to %s%s%s (HDF5: %s)", out->h5path, what,
                    obj ? " " : "", obj ? obj : "", detail);
}

/* Names of fields and step attributes become HDF5 link/attribute names and appear in the XDMF:
 * keep them to a safe character set. */
static int out_check_name(const TcadOutput *out, const char *kind, const char *name)
{
  size_t n;
  if (!name || !name[0])
    return tcad_error(TCAD_ERR_INTERNAL, "%s: %s name is empty", out->h5path, kind);
  n = strlen(name);
  if (n >= OUT_NAME_MAX)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: %s name '%.40s...' is longer than %d characters",
                      out->h5path, kind, name, OUT_NAME_MAX - 1);
  if (name[0] == '.')
    return tcad_error(TCAD_ERR_INTERNAL, "%s: %s name '%s' must not start with '.'", out->h5path,
                      kind, name);
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-' || c == '.' || c == '+';
    if (!ok)
      return tcad_error(TCAD_ERR_INTERNAL,
                        "%s: %s name '%s' contains '%c'; use letters, digits and _ - . + only",
                        out->h5path, kind, name, c);
  }
  return 0;
}

/* Variable-length UTF-8 string type (h5py reads these attributes as str). */
static hid_t out_str_type(void)
{
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t < 0) return t;
  if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
    H5Tclose(t);
    return -1;
  }
  return t;
}

static int out_attr_string(const TcadOutput *out, hid_t obj, const char *objname, const char *name,
                           const char *value)
{
  hid_t t = out_str_type(), s = -1, a = -1;
  int rc = 0;
  char what[512];
  snprintf(what, sizeof what, "attribute '%s' of %s", name, objname);
  if (t < 0) return out_h5_fail(out, "create a string type for", what);
  s = H5Screate(H5S_SCALAR);
  if (s < 0) rc = out_h5_fail(out, "create a dataspace for", what);
  if (!rc) {
    a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) rc = out_h5_fail(out, "create", what);
  }
  if (!rc && H5Awrite(a, t, &value) < 0) rc = out_h5_fail(out, "write", what);
  if (a >= 0 && H5Aclose(a) < 0 && !rc) rc = out_h5_fail(out, "close", what);
  if (s >= 0) H5Sclose(s);
  H5Tclose(t);
  return rc;
}

static int out_attr_scalar(const TcadOutput *out, hid_t obj, const char *name, hid_t type,
                           const void *value)
{
  hid_t s = H5Screate(H5S_SCALAR), a = -1;
  int rc = 0;
  char what[256];
  snprintf(what, sizeof what, "attribute '%s'", name);
  if (s < 0) return out_h5_fail(out, "create a dataspace for", what);
  a = H5Acreate2(obj, name, type, s, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) rc = out_h5_fail(out, "create", what);
  if (!rc && H5Awrite(a, type, value) < 0) rc = out_h5_fail(out, "write", what);
  if (a >= 0 && H5Aclose(a) < 0 && !rc) rc = out_h5_fail(out, "close", what);
  H5Sclose(s);
  return rc;
}

static int out_attr_int(const TcadOutput *out, hid_t obj, const char *name, int v)
{
  return out_attr_scalar(out, obj, name, H5T_NATIVE_INT, &v);
}

static int out_attr_double(const TcadOutput *out, hid_t obj, const char *name, double v)
{
  return out_attr_scalar(out, obj, name, H5T_NATIVE_DOUBLE, &v);
}

/* Overwrite (or create) an int attribute, e.g. /steps nsteps. */
static int out_attr_int_set(const TcadOutput *out, hid_t obj, const char *name, int v)
{
  htri_t ex = H5Aexists(obj, name);
  if (ex < 0) return out_h5_fail(out, "look up attribute", name);
  if (ex > 0) {
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    int rc = 0;
    if (a < 0) return out_h5_fail(out, "open attribute", name);
    if (H5Awrite(a, H5T_NATIVE_INT, &v) < 0) rc = out_h5_fail(out, "write attribute", name);
    if (H5Aclose(a) < 0 && !rc) rc = out_h5_fail(out, "close attribute", name);
    return rc;
  }
  return out_attr_int(out, obj, name, v);
}

/* Write a dataset of rank 1 or 2 in one go; `path` is relative to `loc`, `fullpath` for messages. */
static int out_dataset(const TcadOutput *out, hid_t loc, const char *path, const char *fullpath,
                       hid_t filetype, hid_t memtype, int rank, hsize_t d0, hsize_t d1,
                       const void *data, hid_t *dset_out)
{
  hsize_t dims[2] = {d0, d1};
  hid_t s = H5Screate_simple(rank, dims, NULL), d = -1;
  int rc = 0;
  if (s < 0) return out_h5_fail(out, "create the dataspace of", fullpath);
  d = H5Dcreate2(loc, path, filetype, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (d < 0) rc = out_h5_fail(out, "create dataset", fullpath);
  if (!rc && d0 > 0 && H5Dwrite(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    rc = out_h5_fail(out, "write dataset", fullpath);
  H5Sclose(s);
  if (!rc && dset_out) {
    *dset_out = d;
    return 0;
  }
  if (d >= 0 && H5Dclose(d) < 0 && !rc) rc = out_h5_fail(out, "close dataset", fullpath);
  return rc;
}

static int out_string_dataset(const TcadOutput *out, hid_t loc, const char *path,
                              const char *fullpath, int n, const char **strs)
{
  hid_t t = out_str_type();
  int rc;
  if (t < 0) return out_h5_fail(out, "create a string type for", fullpath);
  rc = out_dataset(out, loc, path, fullpath, t, t, 1, (hsize_t)n, 0, strs, NULL);
  H5Tclose(t);
  return rc;
}

/* ---------------------------------------------------------------- XDMF */

static void xml_escape(FILE *f, const char *s)
{
  for (; *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&apos;", f); break;
    default: fputc(*s, f);
    }
  }
}

/* Shortest of %.15g / %.17g that reads back as the same double (0.1 stays "0.1"). */
static const char *fmt_double(char *buf, size_t n, double v)
{
  snprintf(buf, n, "%.15g", v);
  if (strtod(buf, NULL) != v) snprintf(buf, n, "%.17g", v);
  return buf;
}

static void xdmf_dataitem(FILE *f, const TcadOutput *out, const char *indent, hsize_t d0,
                          int d1, int isint, const char *h5obj)
{
  fprintf(f, "%s<DataItem Dimensions=\"%llu", indent, (unsigned long long)d0);
  if (d1 > 0) fprintf(f, " %d", d1);
  fprintf(f, "\" NumberType=\"%s\" Precision=\"%d\" Format=\"HDF\">", isint ? "Int" : "Float",
          isint ? 4 : 8);
  xml_escape(f, out->h5ref);
  fprintf(f, ":%s</DataItem>\n", h5obj);
}

/* One Uniform grid: the mesh plus, for a step, its time, fields and step attributes. */
static void xdmf_grid(FILE *f, const TcadOutput *out, const OutStep *st, int k)
{
  static const char *topo[4] = {"", "Polyline", "Triangle", "Tetrahedron"};
  int has_region = 0;
  char obj[64 + OUT_NAME_MAX], num[40];
  if (st)
    fprintf(f, "      <Grid Name=\"step%06d\" GridType=\"Uniform\">\n", k);
  else
    fprintf(f, "    <Grid Name=\"mesh\" GridType=\"Uniform\">\n");
  const char *in = st ? "        " : "      ";
  const char *in2 = st ? "          " : "        ";
  if (st) {
    fprintf(f, "%s<Time Value=\"%s\"/>\n", in, fmt_double(num, sizeof num, st->time));
    fprintf(f, "%s<Information Name=\"label\" Value=\"", in);
    xml_escape(f, st->label);
    fprintf(f, "\"/>\n");
  }
  /* NodesPerElement is required for Polyline and harmless for the fixed-size types. */
  fprintf(f, "%s<Topology TopologyType=\"%s\" NumberOfElements=\"%d\" NodesPerElement=\"%d\">\n",
          in, topo[out->dim], out->ncells, out->nvert);
  xdmf_dataitem(f, out, in2, (hsize_t)out->ncells, out->nvert, 1, "/mesh/topology");
  fprintf(f, "%s</Topology>\n", in);
  fprintf(f, "%s<Geometry GeometryType=\"XYZ\">\n", in);
  xdmf_dataitem(f, out, in2, (hsize_t)out->nnodes, 3, 0, "/mesh/geometry");
  fprintf(f, "%s</Geometry>\n", in);
  if (st) {
    for (int i = 0; i < st->nfields; i++) {
      const OutField *fl = &st->fields[i];
      const char *type = fl->ncomp == 1 ? "Scalar" : "Vector";
      if (fl->cell && !strcmp(fl->name, "region")) has_region = 1;
      fprintf(f, "%s<Attribute Name=\"%s\" AttributeType=\"%s\" Center=\"%s\">\n", in, fl->name,
              type, fl->cell ? "Cell" : "Node");
      snprintf(obj, sizeof obj, "/steps/%06d/%s", k, fl->name);
      xdmf_dataitem(f, out, in2, (hsize_t)(fl->cell ? out->ncells : out->nnodes),
                    fl->ncomp == 1 ? 0 : fl->ncomp, fl->cell, obj);
      fprintf(f, "%s</Attribute>\n", in);
    }
  }
  if (!has_region) {
    fprintf(f, "%s<Attribute Name=\"region\" AttributeType=\"Scalar\" Center=\"Cell\">\n", in);
    xdmf_dataitem(f, out, in2, (hsize_t)out->ncells, 0, 1, "/mesh/cell_region");
    fprintf(f, "%s</Attribute>\n", in);
  }
  if (st) {
    /* step attributes (contact voltages, ...) as field data: one value per grid */
    for (int i = 0; i < st->nattrs; i++) {
      if (!isfinite(st->attr_value[i])) continue; /* kept in the HDF5 file; XML readers choke on nan */
      fprintf(f, "%s<Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Grid\">\n", in,
              st->attr_name[i]);
      fprintf(f, "%s<DataItem Dimensions=\"1\" NumberType=\"Float\" Precision=\"8\" "
                 "Format=\"XML\">%s</DataItem>\n",
              in2, fmt_double(num, sizeof num, st->attr_value[i]));
      fprintf(f, "%s</Attribute>\n", in);
    }
  }
  fprintf(f, "%s</Grid>\n", st ? "      " : "    ");
}

/* Write the whole XDMF to the temp file, then rename it over the real one. */
static int out_write_xdmf(TcadOutput *out)
{
  FILE *f = fopen(out->xdmftmp, "w");
  int err = 0;
  if (!f)
    return tcad_error(TCAD_ERR_IO, "%s: cannot create the XDMF file: %s (check the directory "
                                   "exists and is writable)",
                      out->xdmftmp, strerror(errno));
  fprintf(f, "<?xml version=\"1.0\" ?>\n"
             "<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n"
             "<Xdmf Version=\"3.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n"
             "  <Domain>\n");
  if (out->nsteps == 0) {
    xdmf_grid(f, out, NULL, 0); /* the mesh alone, viewable before the first step ends */
  } else {
    fprintf(f, "    <Grid Name=\"steps\" GridType=\"Collection\" CollectionType=\"Temporal\">\n");
    for (int k = 0; k < out->nsteps; k++) xdmf_grid(f, out, &out->steps[k], k);
    fprintf(f, "    </Grid>\n");
  }
  fprintf(f, "  </Domain>\n</Xdmf>\n");
  if (fflush(f) != 0 || ferror(f)) err = errno ? errno : EIO;
  if (!err && fsync(fileno(f)) != 0 && errno != EINVAL && errno != EROFS) err = errno;
  if (fclose(f) != 0 && !err) err = errno ? errno : EIO;
  if (err) {
    unlink(out->xdmftmp);
    return tcad_error(TCAD_ERR_IO, "%s: writing the XDMF file failed: %s", out->xdmftmp,
                      strerror(err));
  }
  if (rename(out->xdmftmp, out->xdmfpath) != 0) {
    err = errno;
    unlink(out->xdmftmp);
    return tcad_error(TCAD_ERR_IO, "%s: cannot replace the XDMF file with %s: %s",
                      out->xdmfpath, out->xdmftmp, strerror(err));
  }
  return 0;
}

/* ---------------------------------------------------------------- paths */

static char *out_dirname(const char *path)
{
  const char *slash = strrchr(path, '/');
  char *d;
  if (!slash) return out_strdup(".");
  if (slash == path) return out_strdup("/");
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

/* Why a file in `path` cannot be created, from the state of its directory. */
static void out_diagnose_create(const char *path, char *buf, size_t n)
{
  char *dir = out_dirname(path);
  struct stat sb;
  if (!dir) {
    snprintf(buf, n, "out of memory");
    return;
  }
  if (stat(dir, &sb) != 0)
    snprintf(buf, n, "directory '%s' %s", dir,
             errno == ENOENT ? "does not exist" : strerror(errno));
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
static int out_h5_reference(TcadOutput *out)
{
  char *hd = out_dirname(out->h5path), *xd = out_dirname(out->xdmfpath);
  char *hr = NULL, *xr = NULL;
  int rc = 0;
  if (!hd || !xd) {
    rc = TCAD_ERR_MEM;
    goto done;
  }
  hr = realpath(hd, NULL);
  xr = realpath(xd, NULL);
  if (!hr) {
    rc = tcad_error(TCAD_ERR_IO, "%s: cannot resolve directory '%s': %s", out->h5path, hd,
                    strerror(errno));
    goto done;
  }
  if (!xr) {
    rc = tcad_error(TCAD_ERR_IO,
                    "%s: cannot resolve directory '%s': %s (check the directory exists)",
                    out->xdmfpath, xd, strerror(errno));
    goto done;
  }
  if (!strcmp(hr, xr)) {
    out->h5ref = out_strdup(out_basename(out->h5path));
  } else {
    size_t n = strlen(hr) + strlen(out_basename(out->h5path)) + 2;
    out->h5ref = tcad_malloc(n);
    if (out->h5ref) snprintf(out->h5ref, n, "%s/%s", hr, out_basename(out->h5path));
  }
  if (!out->h5ref) rc = TCAD_ERR_MEM;
done:
  free(hd);
  free(xd);
  free(hr);
  free(xr);
  return rc;
}

/* ---------------------------------------------------------------- lifetime */

static void out_free_step(OutStep *st)
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

static void out_free_table_strings(OutTable *tb)
{
  for (int i = 0; i < tb->ncols; i++) {
    if (tb->colnames) free(tb->colnames[i]);
    if (tb->units) free(tb->units[i]);
  }
  free(tb->colnames);
  free(tb->units);
  tb->colnames = tb->units = NULL;
}

static void out_free(TcadOutput *out)
{
  if (!out) return;
  for (int i = 0; i < out->ntables; i++) {
    out_free_table_strings(&out->tables[i]);
    free(out->tables[i].name);
    free(out->tables[i].data);
  }
  free(out->tables);
  if (out->stepgroup >= 0) H5Gclose(out->stepgroup);
  if (out->file >= 0) H5Fclose(out->file);
  int n = out->nsteps + (out->instep ? 1 : 0);
  for (int k = 0; k < n; k++) out_free_step(&out->steps[k]);
  free(out->steps);
  free(out->h5path);
  free(out->xdmfpath);
  free(out->xdmftmp);
  free(out->h5ref);
  free(out);
}

static int out_check_mesh(const char *h5path, const TcadMesh *m)
{
  if (!m) return tcad_error(TCAD_ERR_INTERNAL, "%s: no mesh given", h5path);
  if (m->dim < 1 || m->dim > 3)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: mesh dimension %d is not 1, 2 or 3", h5path, m->dim);
  if (m->nvert != m->dim + 1)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: mesh has %d nodes per cell, expected %d for %dD",
                      h5path, m->nvert, m->dim + 1, m->dim);
  if (m->nnodes < 1 || m->ncells < 1 || !m->coord || !m->cell_node)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: mesh is empty (%d nodes, %d cells)", h5path,
                      m->nnodes, m->ncells);
  for (long i = 0; i < (long)m->ncells * m->nvert; i++)
    if (m->cell_node[i] < 0 || m->cell_node[i] >= m->nnodes)
      return tcad_error(TCAD_ERR_INTERNAL, "%s: cell %ld refers to node %d, mesh has %d nodes",
                        h5path, i / m->nvert, m->cell_node[i], m->nnodes);
  if (m->nregions < 0 || (m->nregions > 0 && !m->regions))
    return tcad_error(TCAD_ERR_INTERNAL, "%s: mesh region table is missing", h5path);
  return 0;
}

static int out_write_mesh(TcadOutput *out, const TcadMesh *m)
{
  hid_t g = -1;
  int rc = 0;
  double *xyz = NULL;
  int *region = NULL;
  const char **names = NULL, **mats = NULL;
  hid_t d = -1;

  if (out_attr_string(out, out->file, "/", "format", OUT_FORMAT) ||
      out_attr_int(out, out->file, "version", OUT_VERSION))
    return tcad_error_code();

  g = H5Gcreate2(out->file, "mesh", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) return out_h5_fail(out, "create group", "/mesh");
  if ((rc = out_attr_int(out, g, "dim", m->dim)) || (rc = out_attr_int(out, g, "nnodes", m->nnodes)) ||
      (rc = out_attr_int(out, g, "ncells", m->ncells)) ||
      (rc = out_attr_int(out, g, "nvert", m->nvert)) ||
      (rc = out_attr_int(out, g, "nregions", m->nregions)))
    goto done;

  xyz = tcad_malloc(sizeof(double) * 3 * (size_t)m->nnodes);
  if (!xyz) {
    rc = TCAD_ERR_MEM;
    goto done;
  }
  for (long i = 0; i < 3L * m->nnodes; i++) xyz[i] = m->coord[i] * OUT_CM_TO_UM;
  if ((rc = out_dataset(out, g, "geometry", "/mesh/geometry", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2,
                        (hsize_t)m->nnodes, 3, xyz, &d)))
    goto done;
  rc = out_attr_string(out, d, "/mesh/geometry", "units", "um");
  if (H5Dclose(d) < 0 && !rc) rc = out_h5_fail(out, "close dataset", "/mesh/geometry");
  if (rc) goto done;

  if ((rc = out_dataset(out, g, "topology", "/mesh/topology", H5T_STD_I32LE, H5T_NATIVE_INT, 2,
                        (hsize_t)m->ncells, (hsize_t)m->nvert, m->cell_node, NULL)))
    goto done;

  region = tcad_calloc((size_t)m->ncells, sizeof *region);
  if (!region) {
    rc = TCAD_ERR_MEM;
    goto done;
  }
  if (m->cell_region) memcpy(region, m->cell_region, sizeof *region * (size_t)m->ncells);
  if ((rc = out_dataset(out, g, "cell_region", "/mesh/cell_region", H5T_STD_I32LE, H5T_NATIVE_INT,
                        1, (hsize_t)m->ncells, 0, region, NULL)))
    goto done;

  names = tcad_calloc((size_t)m->nregions + 1, sizeof *names);
  mats = tcad_calloc((size_t)m->nregions + 1, sizeof *mats);
  if (!names || !mats) {
    rc = TCAD_ERR_MEM;
    goto done;
  }
  for (int r = 0; r < m->nregions; r++) {
    names[r] = m->regions[r].name;
    mats[r] = m->regions[r].material;
  }
  if ((rc = out_string_dataset(out, g, "region_names", "/mesh/region_names", m->nregions, names)) ||
      (rc = out_string_dataset(out, g, "region_materials", "/mesh/region_materials", m->nregions,
                               mats)))
    goto done;

done:
  if (g >= 0 && H5Gclose(g) < 0 && !rc) rc = out_h5_fail(out, "close group", "/mesh");
  free(xyz);
  free(region);
  free(names);
  free(mats);
  return rc;
}

int TcadOutputOpen(const char *h5path, const char *xdmfpath, const TcadMesh *mesh, TcadOutput **outp)
{
  TcadOutput *out;
  hid_t fapl, g;
  int rc;

  if (!outp) return tcad_error(TCAD_ERR_INTERNAL, "TcadOutputOpen: no output pointer");
  *outp = NULL;
  if (!h5path || !h5path[0]) return tcad_error(TCAD_ERR_INTERNAL, "TcadOutputOpen: empty file name");
  if (!xdmfpath || !xdmfpath[0])
    return tcad_error(TCAD_ERR_INTERNAL, "%s: TcadOutputOpen: empty XDMF file name", h5path);
  TCAD_CALL(out_check_mesh(h5path, mesh));

  /* our messages replace HDF5's own error-stack printing */
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

  out = tcad_calloc(1, sizeof *out);
  if (!out) return TCAD_ERR_MEM;
  out->file = -1;
  out->stepgroup = -1;
  out->dim = mesh->dim;
  out->nnodes = mesh->nnodes;
  out->ncells = mesh->ncells;
  out->nvert = mesh->nvert;
  out->h5path = out_strdup(h5path);
  out->xdmfpath = out_strdup(xdmfpath);
  out->xdmftmp = tcad_malloc(strlen(xdmfpath) + 5);
  if (!out->h5path || !out->xdmfpath || !out->xdmftmp) {
    out_free(out);
    return TCAD_ERR_MEM;
  }
  sprintf(out->xdmftmp, "%s.tmp", xdmfpath);

  {
    const char *paths[2] = {h5path, xdmfpath}, *kinds[2] = {"output", "XDMF"};
    char why[1200];
    for (int k = 0; k < 2; k++) {
      out_diagnose_create(paths[k], why, sizeof why);
      if (why[0]) {
        rc = tcad_error(TCAD_ERR_IO, "cannot create %s file '%s': %s (check that the directory "
                                     "exists and is writable)", kinds[k], paths[k], why);
        out_free(out);
        return rc;
      }
    }
  }

  /* No file locking by the writer: ParaView may then open the file while the run goes on
   * (HDF5 1.10 otherwise keeps the file locked until it is closed). */
  fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl < 0) {
    rc = out_h5_fail(out, "create a file access property list for", NULL);
    out_free(out);
    return rc;
  }
#if H5_VERSION_GE(1, 10, 7)
  (void)H5Pset_file_locking(fapl, 0, 1); /* best effort: writing works either way */
#endif
  out->file = H5Fcreate(h5path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  if (out->file < 0) {
    H5Detail d;
    const char *detail = out_h5_detail(&d);
    rc = tcad_error(TCAD_ERR_IO, "cannot create output file '%s' (check that the directory exists, "
                                 "is writable and the file is not open in another program; HDF5: %s)",
                    h5path, detail);
    out_free(out);
    return rc;
  }

  if ((rc = out_h5_reference(out)) || (rc = out_write_mesh(out, mesh))) {
    out_free(out);
    unlink(h5path);
    return rc;
  }
  g = H5Gcreate2(out->file, "steps", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) {
    rc = out_h5_fail(out, "create group", "/steps");
  } else {
    rc = out_attr_int(out, g, "nsteps", 0);
    if (H5Gclose(g) < 0 && !rc) rc = out_h5_fail(out, "close group", "/steps");
  }
  if (!rc && H5Fflush(out->file, H5F_SCOPE_GLOBAL) < 0) rc = out_h5_fail(out, "flush", "the file");
  if (!rc) rc = out_write_xdmf(out);
  if (rc) {
    out_free(out);
    unlink(h5path);
    return rc;
  }
  *outp = out;
  return 0;
}

static int out_need_step(const TcadOutput *out, const char *fn)
{
  if (!out) return tcad_error(TCAD_ERR_INTERNAL, "%s: output is not open", fn);
  if (!out->instep)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: %s called outside a step (call TcadOutputBeginStep first)",
                      out->h5path, fn);
  return 0;
}

int TcadOutputBeginStep(TcadOutput *out, double time, const char *label)
{
  char gname[32];
  OutStep *st;
  int rc;
  if (!out) return tcad_error(TCAD_ERR_INTERNAL, "TcadOutputBeginStep: output is not open");
  if (out->instep)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: TcadOutputBeginStep: step %d is still open "
                                         "(call TcadOutputEndStep first)", out->h5path, out->nsteps);
  if (!isfinite(time))
    return tcad_error(TCAD_ERR_INTERNAL, "%s: step %d: time is %g (must be a finite number)",
                      out->h5path, out->nsteps, time);
  if (out->nsteps >= 999999)
    return tcad_error(TCAD_ERR_IO, "%s: too many steps (at most 999999)", out->h5path);
  if (out->nsteps + 1 > out->capsteps) {
    int cap = out->capsteps ? 2 * out->capsteps : 16;
    OutStep *s = realloc(out->steps, sizeof *s * (size_t)cap);
    if (!s) return tcad_error(TCAD_ERR_MEM, "out of memory for the step list of %s", out->h5path);
    memset(s + out->capsteps, 0, sizeof *s * (size_t)(cap - out->capsteps));
    out->steps = s;
    out->capsteps = cap;
  }
  st = &out->steps[out->nsteps];
  memset(st, 0, sizeof *st);
  st->time = time;
  st->label = out_strdup(label ? label : "");
  if (!st->label) return TCAD_ERR_MEM;
  snprintf(gname, sizeof gname, "/steps/%06d", out->nsteps);
  out->stepgroup = H5Gcreate2(out->file, gname, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (out->stepgroup < 0) {
    rc = out_h5_fail(out, "create group", gname);
    out_free_step(st);
    return rc;
  }
  out->instep = 1;
  if ((rc = out_attr_double(out, out->stepgroup, "time", time)) ||
      (rc = out_attr_string(out, out->stepgroup, gname, "label", st->label)))
    return rc;
  return 0;
}

int TcadOutputStepAttribute(TcadOutput *out, const char *name, double value)
{
  OutStep *st;
  htri_t ex;
  TCAD_CALL(out_need_step(out, "TcadOutputStepAttribute"));
  TCAD_CALL(out_check_name(out, "step attribute", name));
  ex = H5Aexists(out->stepgroup, name);
  if (ex < 0) return out_h5_fail(out, "look up step attribute", name);
  if (ex > 0)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: step %d already has an attribute '%s'%s", out->h5path,
                      out->nsteps, name,
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
  TCAD_CALL(out_attr_double(out, out->stepgroup, name, value));
  st->attr_name[st->nattrs] = out_strdup(name);
  if (!st->attr_name[st->nattrs]) return TCAD_ERR_MEM;
  st->attr_value[st->nattrs++] = value;
  return 0;
}

/* Common part of node and cell fields. */
static int out_field(TcadOutput *out, const char *fn, const char *name, const char *units, int ncomp,
                     int cell, const void *values)
{
  OutStep *st;
  OutField *fl;
  htri_t ex;
  char full[64 + OUT_NAME_MAX];
  hid_t d = -1;
  int rc;
  TCAD_CALL(out_need_step(out, fn));
  TCAD_CALL(out_check_name(out, "field", name));
  /* VTK's XDMF2 reader mis-shapes anything but Scalar (1) and Vector (3) node arrays (a 2- or
   * 6-component array arrives as one tuple or as 9 components); 2D vectors are written with z=0. */
  if (ncomp != 1 && ncomp != 3)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: field '%s' has %d components (1 or 3 allowed; "
                                         "write 2D vectors with a zero z component)",
                      out->h5path, name, ncomp);
  if (!values)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: field '%s' has no values", out->h5path, name);
  snprintf(full, sizeof full, "/steps/%06d/%s", out->nsteps, name);
  ex = H5Lexists(out->stepgroup, name, H5P_DEFAULT);
  if (ex < 0) return out_h5_fail(out, "look up", full);
  if (ex > 0)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: step %d already has a field '%s'", out->h5path,
                      out->nsteps, name);
  st = &out->steps[out->nsteps];
  if (st->nfields + 1 > st->capfields) {
    int cap = st->capfields ? 2 * st->capfields : 8;
    OutField *f = realloc(st->fields, sizeof *f * (size_t)cap);
    if (!f) return tcad_error(TCAD_ERR_MEM, "out of memory for the field list");
    st->fields = f;
    st->capfields = cap;
  }
  if (cell)
    rc = out_dataset(out, out->stepgroup, name, full, H5T_STD_I32LE, H5T_NATIVE_INT, 1,
                     (hsize_t)out->ncells, 0, values, &d);
  else
    rc = out_dataset(out, out->stepgroup, name, full, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                     ncomp == 1 ? 1 : 2, (hsize_t)out->nnodes, (hsize_t)ncomp, values, &d);
  if (rc) return rc;
  rc = out_attr_string(out, d, full, "center", cell ? "cell" : "node");
  if (!rc && !cell) rc = out_attr_string(out, d, full, "units", units ? units : "");
  if (H5Dclose(d) < 0 && !rc) rc = out_h5_fail(out, "close dataset", full);
  if (rc) return rc;
  fl = &st->fields[st->nfields];
  memset(fl, 0, sizeof *fl);
  fl->name = out_strdup(name);
  fl->units = cell ? NULL : out_strdup(units ? units : "");
  fl->ncomp = ncomp;
  fl->cell = cell;
  st->nfields++; /* counted now so out_free_step releases what was allocated */
  if (!fl->name || (!cell && !fl->units)) return TCAD_ERR_MEM;
  return 0;
}

int TcadOutputNodeField(TcadOutput *out, const char *name, const char *units, int ncomp,
                        const double *values)
{
  return out_field(out, "TcadOutputNodeField", name, units, ncomp, 0, values);
}

int TcadOutputCellFieldInt(TcadOutput *out, const char *name, const int *values)
{
  return out_field(out, "TcadOutputCellFieldInt", name, NULL, 1, 1, values);
}

int TcadOutputEndStep(TcadOutput *out)
{
  hid_t g;
  int rc;
  TCAD_CALL(out_need_step(out, "TcadOutputEndStep"));
  rc = H5Gclose(out->stepgroup);
  out->stepgroup = -1;
  out->instep = 0;
  out->nsteps++; /* the step is recorded from here on, even if what follows fails */
  if (rc < 0) return out_h5_fail(out, "close the group of step", NULL);
  g = H5Gopen2(out->file, "/steps", H5P_DEFAULT);
  if (g < 0) return out_h5_fail(out, "open group", "/steps");
  rc = out_attr_int_set(out, g, "nsteps", out->nsteps);
  if (H5Gclose(g) < 0 && !rc) rc = out_h5_fail(out, "close group", "/steps");
  if (rc) return rc;
  if (H5Fflush(out->file, H5F_SCOPE_GLOBAL) < 0) return out_h5_fail(out, "flush", "the file");
  return out_write_xdmf(out);
}

/* ---------------------------------------------------------------- tables */

/* Rows per chunk: about 16 KiB per chunk keeps a short IV table small on disk while a long one
 * still grows in few, large pieces. */
#define OUT_TABLE_CHUNK_BYTES 16384

/* 1-D string-array attribute (variable-length UTF-8: h5py reads a list of str). Replaces an
 * existing attribute of that name. */
static int out_attr_strings(const TcadOutput *out, hid_t obj, const char *objname, const char *name,
                            int n, char *const *strs)
{
  hsize_t dim = (hsize_t)n;
  hid_t t, s = -1, a = -1;
  htri_t ex;
  int rc = 0;
  char what[512];
  snprintf(what, sizeof what, "attribute '%s' of %s", name, objname);
  ex = H5Aexists(obj, name);
  if (ex < 0) return out_h5_fail(out, "look up", what);
  if (ex > 0 && H5Adelete(obj, name) < 0) return out_h5_fail(out, "delete", what);
  t = out_str_type();
  if (t < 0) return out_h5_fail(out, "create a string type for", what);
  s = H5Screate_simple(1, &dim, NULL);
  if (s < 0) rc = out_h5_fail(out, "create a dataspace for", what);
  if (!rc) {
    a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) rc = out_h5_fail(out, "create", what);
  }
  if (!rc && H5Awrite(a, t, strs) < 0) rc = out_h5_fail(out, "write", what);
  if (a >= 0 && H5Aclose(a) < 0 && !rc) rc = out_h5_fail(out, "close", what);
  if (s >= 0) H5Sclose(s);
  H5Tclose(t);
  return rc;
}

static OutTable *out_find_table(TcadOutput *out, const char *name)
{
  for (int i = 0; i < out->ntables; i++)
    if (!strcmp(out->tables[i].name, name)) return &out->tables[i];
  return NULL;
}

/* Do the cached column names and units equal the given ones (NULL units count as "")? */
static int out_table_same_columns(const OutTable *tb, int ncols, const char *const *colnames,
                                  const char *const *units)
{
  if (!tb->colnames || tb->ncols != ncols) return 0;
  for (int i = 0; i < ncols; i++) {
    const char *u = units && units[i] ? units[i] : "";
    if (strcmp(tb->colnames[i], colnames[i]) || strcmp(tb->units[i], u)) return 0;
  }
  return 1;
}

static int out_table_set_columns(OutTable *tb, int ncols, const char *const *colnames,
                                 const char *const *units)
{
  out_free_table_strings(tb);
  tb->ncols = ncols;
  tb->colnames = tcad_calloc((size_t)ncols, sizeof *tb->colnames);
  tb->units = tcad_calloc((size_t)ncols, sizeof *tb->units);
  if (!tb->colnames || !tb->units) return TCAD_ERR_MEM;
  for (int i = 0; i < ncols; i++) {
    tb->colnames[i] = out_strdup(colnames[i]);
    tb->units[i] = out_strdup(units && units[i] ? units[i] : "");
    if (!tb->colnames[i] || !tb->units[i]) return TCAD_ERR_MEM;
  }
  return 0;
}

/* Create the empty extendible dataset [0 x ncols] (rows unlimited, chunked). */
static int out_table_create(const TcadOutput *out, const char *name, const char *full, int ncols,
                            hid_t *dset)
{
  hsize_t dims[2] = {0, (hsize_t)ncols}, maxdims[2] = {H5S_UNLIMITED, (hsize_t)ncols};
  hsize_t chunk[2] = {(hsize_t)(OUT_TABLE_CHUNK_BYTES / (8 * ncols)), (hsize_t)ncols};
  hid_t s, p = -1;
  int rc = 0;
  if (chunk[0] < 1) chunk[0] = 1;
  *dset = -1;
  s = H5Screate_simple(2, dims, maxdims);
  if (s < 0) return out_h5_fail(out, "create the dataspace of", full);
  p = H5Pcreate(H5P_DATASET_CREATE);
  if (p < 0 || H5Pset_chunk(p, 2, chunk) < 0) rc = out_h5_fail(out, "set the chunking of", full);
  if (!rc) {
    *dset = H5Dcreate2(out->file, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, p, H5P_DEFAULT);
    if (*dset < 0) rc = out_h5_fail(out, "create dataset", full);
  }
  if (p >= 0) H5Pclose(p);
  H5Sclose(s);
  return rc;
}

/* Bring the open dataset to nrows rows and write rows [first, nrows). */
static int out_table_write_rows(const TcadOutput *out, hid_t d, const char *full, int ncols,
                                int nrows, int first, const double *data)
{
  hsize_t dims[2] = {(hsize_t)nrows, (hsize_t)ncols};
  hsize_t start[2] = {(hsize_t)first, 0}, count[2] = {(hsize_t)(nrows - first), (hsize_t)ncols};
  hid_t fs = -1, ms = -1;
  int rc = 0;
  if (H5Dset_extent(d, dims) < 0) return out_h5_fail(out, "resize dataset", full);
  if (first >= nrows) return 0;
  fs = H5Dget_space(d);
  if (fs < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0)
    rc = out_h5_fail(out, "select the new rows of", full);
  if (!rc) {
    ms = H5Screate_simple(2, count, NULL);
    if (ms < 0) rc = out_h5_fail(out, "create the memory dataspace of", full);
  }
  if (!rc && H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, data + (size_t)first * ncols) < 0)
    rc = out_h5_fail(out, "write dataset", full);
  if (ms >= 0) H5Sclose(ms);
  if (fs >= 0) H5Sclose(fs);
  return rc;
}

int TcadOutputTable(TcadOutput *out, const char *name, int ncols, const char *const *colnames,
                    const char *const *units, int nrows, const double *data)
{
  OutTable *tb;
  char full[8 + OUT_NAME_MAX];
  hid_t d = -1;
  int rc = 0, first = 0;

  if (!out) return tcad_error(TCAD_ERR_INTERNAL, "TcadOutputTable: output is not open");
  TCAD_CALL(out_check_name(out, "table", name));
  snprintf(full, sizeof full, "/%s", name);
  if (ncols < 1 || ncols > 65536)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: table %s has %d columns (1 to 65536 allowed)",
                      out->h5path, full, ncols);
  if (nrows < 0 || (nrows > 0 && !data))
    return tcad_error(TCAD_ERR_INTERNAL, "%s: table %s: %d rows %s", out->h5path, full, nrows,
                      nrows < 0 ? "(must be >= 0)" : "but no data");
  if ((size_t)nrows > SIZE_MAX / sizeof(double) / (size_t)ncols)
    return tcad_error(TCAD_ERR_MEM, "%s: table %s: %d x %d values is too large", out->h5path, full,
                      nrows, ncols);
  if (!colnames)
    return tcad_error(TCAD_ERR_INTERNAL, "%s: table %s has no column names", out->h5path, full);
  for (int i = 0; i < ncols; i++)
    if (!colnames[i] || !colnames[i][0])
      return tcad_error(TCAD_ERR_INTERNAL, "%s: table %s: column %d has no name", out->h5path, full,
                        i);

  tb = out_find_table(out, name);
  if (tb && tb->exists && tb->ncols != ncols) {
    /* A different column count cannot be reached by resizing: start the dataset over. The old
     * one's space stays in the file (HDF5 does not reclaim it), which is fine for a rare change. */
    if (H5Ldelete(out->file, name, H5P_DEFAULT) < 0) return out_h5_fail(out, "delete", full);
    tb->exists = 0;
    free(tb->data); /* laid out for the old column count */
    tb->data = NULL;
    tb->caprows = 0;
    tb->nrows = 0;
  }
  if (!tb || !tb->exists) {
    /* /mesh, /steps and anything else this writer did not create as a table are refused */
    htri_t ex = H5Lexists(out->file, name, H5P_DEFAULT);
    if (ex < 0) return out_h5_fail(out, "look up", full);
    if (ex > 0)
      return tcad_error(TCAD_ERR_INTERNAL, "%s: %s already exists and is not a table; choose "
                                           "another table name",
                        out->h5path, full);
  }
  if (!tb) {
    OutTable *t = realloc(out->tables, sizeof *t * (size_t)(out->ntables + 1));
    if (!t) return tcad_error(TCAD_ERR_MEM, "out of memory for the table list of %s", out->h5path);
    out->tables = t;
    tb = &out->tables[out->ntables];
    memset(tb, 0, sizeof *tb);
    tb->name = out_strdup(name);
    if (!tb->name) return TCAD_ERR_MEM;
    out->ntables++;
  }

  if (!tb->exists) {
    TCAD_CALL(out_table_create(out, name, full, ncols, &d));
    tb->exists = 1;
    tb->stale = 1; /* attributes still to write */
    tb->nrows = 0;
  } else {
    d = H5Dopen2(out->file, name, H5P_DEFAULT);
    if (d < 0) return out_h5_fail(out, "open dataset", full);
  }

  if (tb->stale || !out_table_same_columns(tb, ncols, colnames, units)) {
    if ((rc = out_table_set_columns(tb, ncols, colnames, units)) ||
        (rc = out_attr_strings(out, d, full, "columns", ncols, tb->colnames)) ||
        (rc = out_attr_strings(out, d, full, "units", ncols, tb->units)))
      goto fail;
  }

  /* Rows already on disk unchanged are not written again: a table re-sent after every bias
   * point then costs one new row, not the whole table. */
  while (first < nrows && first < tb->nrows &&
         !memcmp(tb->data + (size_t)first * ncols, data + (size_t)first * ncols,
                 sizeof(double) * (size_t)ncols))
    first++;
  if ((rc = out_table_write_rows(out, d, full, ncols, nrows, first, data))) goto fail;
  if (H5Dclose(d) < 0) {
    d = -1;
    rc = out_h5_fail(out, "close dataset", full);
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

  /* durable now, whether or not a step is open or ever ends */
  if (H5Fflush(out->file, H5F_SCOPE_GLOBAL) < 0) return out_h5_fail(out, "flush", "the file");
  return 0;

fail:
  if (d >= 0) H5Dclose(d);
  /* What reached the file is unknown: the next call rewrites every row and both attributes. */
  tb->nrows = 0;
  tb->stale = 1;
  return rc;
}

int TcadOutputClose(TcadOutput **outp)
{
  TcadOutput *out;
  int rc = 0;
  if (!outp || !*outp) return 0;
  out = *outp;
  *outp = NULL;
  if (out->instep) rc = TcadOutputEndStep(out); /* a step left open is finished, not dropped */
  if (out->stepgroup >= 0) {
    H5Gclose(out->stepgroup);
    out->stepgroup = -1;
  }
  if (out->file >= 0) {
    herr_t e = H5Fclose(out->file);
    out->file = -1;
    if (e < 0 && !rc) rc = out_h5_fail(out, "close", "the file");
  }
  out_free(out);
  return rc;
}
