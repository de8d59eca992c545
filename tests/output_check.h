/* Shared by the field-output tests (t030-output.c, t033-output-table.c): meshes built by hand,
 * fields with known values, HDF5 read-back helpers, and the work folder. */
#ifndef TCAD_TESTS_OUTPUT_CHECK_H
#define TCAD_TESTS_OUTPUT_CHECK_H
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "tcad/error.h"
#include "tcad/output.h"
#include "tests/tap.h"

/* ---------------------------------------------------------------- meshes built by hand */

typedef struct {
  TcadMesh m;
  double coord[64 * 3];
  int cell_node[64 * 4];
  int cell_region[64];
  TcadMeshRegion regions[2];
} HandMesh;

static inline void hm_init(HandMesh *h, int dim)
{
  memset(h, 0, sizeof *h);
  h->m.dim = dim;
  h->m.nvert = dim + 1;
  h->m.coord = h->coord;
  h->m.cell_node = h->cell_node;
  h->m.cell_region = h->cell_region;
  h->m.regions = h->regions;
  h->m.nregions = 2;
  snprintf(h->regions[0].name, TCAD_NAME_MAX, "substrate");
  snprintf(h->regions[0].material, TCAD_NAME_MAX, "Silicon");
  snprintf(h->regions[1].name, TCAD_NAME_MAX, "oxide");
  snprintf(h->regions[1].material, TCAD_NAME_MAX, "SiO2");
  h->regions[1].kind = TCAD_MAT_INSULATOR;
  snprintf(h->m.source, sizeof h->m.source, "hand-made");
}

static inline void hm_node(HandMesh *h, double xum, double yum, double zum)
{
  int i = h->m.nnodes++;
  h->coord[3 * i] = xum * 1e-4;
  h->coord[3 * i + 1] = yum * 1e-4;
  h->coord[3 * i + 2] = zum * 1e-4;
}

static inline void hm_cell(HandMesh *h, const int *nodes, int region)
{
  int c = h->m.ncells++;
  for (int v = 0; v < h->m.nvert; v++) h->cell_node[c * h->m.nvert + v] = nodes[v];
  h->cell_region[c] = region;
  h->regions[region].ncells++;
}

/* Small meshes for the read-back checks. */
static inline void mesh_small(HandMesh *h, int dim)
{
  hm_init(h, dim);
  if (dim == 1) { /* 3 nodes, 2 segments */
    hm_node(h, 0, 0, 0);
    hm_node(h, 1, 0, 0);
    hm_node(h, 3, 0, 0);
    hm_cell(h, (int[]){0, 1}, 0);
    hm_cell(h, (int[]){1, 2}, 1);
  } else if (dim == 2) { /* unit square, 2 triangles */
    hm_node(h, 0, 0, 0);
    hm_node(h, 1, 0, 0);
    hm_node(h, 1, 1, 0);
    hm_node(h, 0, 1, 0);
    hm_cell(h, (int[]){0, 1, 2}, 0);
    hm_cell(h, (int[]){0, 2, 3}, 1);
  } else { /* 2 tets sharing the face 1 2 3 */
    hm_node(h, 0, 0, 0);
    hm_node(h, 1, 0, 0);
    hm_node(h, 0, 1, 0);
    hm_node(h, 0, 0, 1);
    hm_node(h, 1, 1, 1);
    hm_cell(h, (int[]){0, 1, 2, 3}, 0);
    hm_cell(h, (int[]){1, 2, 3, 4}, 1);
  }
}

/* ---------------------------------------------------------------- fields */

static inline double f_scalar(const double *xyz_cm, int k)
{
  return 1e4 * (xyz_cm[0] + 2 * xyz_cm[1] + 3 * xyz_cm[2]) + k;
}

/* Write `nsteps` steps: f (V), v (A/cm^2, 3 comp), vidx (3 comp), region_id (cell), step
 * attribute V_drain. Node coordinates x, y, z in µm, node index i, step k:
 *   f = x + 2y + 3z + k      v = ((k+1)x, (k+1)y + 1, (k+1)z + 2)      vidx = (k+1) i (1, 2, 3)
 *   region_id = the mesh region      time = 0.25k      label "Vd=%.2f" of 0.5k      V_drain = 0.5k */
static inline int write_steps(TcadOutput *out, const TcadMesh *m, int nsteps)
{
  int n = m->nnodes;
  double *f = malloc(sizeof(double) * n), *v = malloc(sizeof(double) * 3 * n), *vi = malloc(sizeof(double) * 3 * n);
  int rc = 0;
  for (int k = 0; k < nsteps && !rc; k++) {
    char label[32];
    for (int i = 0; i < n; i++) {
      const double *x = &m->coord[3 * i];
      f[i] = f_scalar(x, k);
      v[3 * i] = (k + 1) * 1e4 * x[0];
      v[3 * i + 1] = (k + 1) * 1e4 * x[1] + 1;
      v[3 * i + 2] = (k + 1) * 1e4 * x[2] + 2;
      for (int c = 0; c < 3; c++) vi[3 * i + c] = (c + 1.0) * i * (k + 1);
    }
    snprintf(label, sizeof label, "Vd=%.2f", 0.5 * k);
    if ((rc = TcadOutputBeginStep(out, 0.25 * k, label)) ||
        (rc = TcadOutputSetStepAttribute(out, "V_drain", 0.5 * k)) ||
        (rc = TcadOutputWriteNodeField(out, "f", "V", 1, f)) ||
        (rc = TcadOutputWriteNodeField(out, "v", "A/cm^2", 3, v)) ||
        (rc = TcadOutputWriteNodeField(out, "vidx", "1", 3, vi)) ||
        (rc = TcadOutputWriteCellFieldInt(out, "region_id", m->cell_region)) || (rc = TcadOutputEndStep(out)))
      break;
  }
  free(f);
  free(v);
  free(vi);
  return rc;
}

/* ---------------------------------------------------------------- HDF5 read-back helpers */

static inline int rd_attr_int(hid_t loc, const char *obj, const char *name, int *v)
{
  hid_t a = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) return -1;
  herr_t e = H5Aread(a, H5T_NATIVE_INT, v);
  H5Aclose(a);
  return e < 0 ? -1 : 0;
}

static inline int rd_attr_double(hid_t loc, const char *obj, const char *name, double *v)
{
  hid_t a = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) return -1;
  herr_t e = H5Aread(a, H5T_NATIVE_DOUBLE, v);
  H5Aclose(a);
  return e < 0 ? -1 : 0;
}

/* Variable-length string attribute into buf. */
static inline int rd_attr_str(hid_t loc, const char *obj, const char *name, char *buf, size_t n)
{
  hid_t a = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT), t;
  char *s = NULL;
  herr_t e;
  buf[0] = 0;
  if (a < 0) return -1;
  t = H5Aget_type(a); /* variable-length UTF-8 string (HDF5 does not convert ASCII <-> UTF-8) */
  if (t < 0 || H5Tget_class(t) != H5T_STRING || !H5Tis_variable_str(t)) {
    if (t >= 0) H5Tclose(t);
    H5Aclose(a);
    snprintf(buf, n, "(not a variable-length string)");
    return -1;
  }
  e = H5Aread(a, t, &s);
  if (e >= 0 && s) {
    snprintf(buf, n, "%s", s);
    H5free_memory(s);
  }
  H5Tclose(t);
  H5Aclose(a);
  return e < 0 ? -1 : 0;
}

/* Dataset shape (rank, dims) and values (converted to double or int). */
static inline int rd_dset(hid_t loc, const char *path, hid_t memtype, int *rank, hsize_t dims[2], void **data)
{
  hid_t d = H5Dopen2(loc, path, H5P_DEFAULT), s;
  size_t n = 1, sz = H5Tget_size(memtype);
  *data = NULL;
  dims[0] = dims[1] = 0;
  if (d < 0) return -1;
  s = H5Dget_space(d);
  *rank = H5Sget_simple_extent_ndims(s);
  if (*rank > 2) *rank = 2;
  H5Sget_simple_extent_dims(s, dims, NULL);
  for (int r = 0; r < *rank; r++) n *= dims[r];
  H5Sclose(s);
  *data = calloc(n ? n : 1, sz);
  herr_t e = n ? H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, *data) : 0;
  H5Dclose(d);
  return e < 0 ? -1 : 0;
}

static inline char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  long n;
  char *s;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  s = calloc((size_t)n + 1, 1);
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
    free(s);
    s = NULL;
  }
  fclose(f);
  return s;
}

static inline int count_substr(const char *s, const char *sub)
{
  int n = 0;
  for (const char *p = s; (p = strstr(p, sub)); p += strlen(sub)) n++;
  return n;
}

/* The table /NAME has shape nrows x ncols and holds `want` bit for bit. */
static inline int table_matches(hid_t file, const char *path, int nrows, int ncols, const double *want, char *why,
                                size_t n)
{
  int rank = 0;
  hsize_t dims[2];
  void *data = NULL;
  int rc = rd_dset(file, path, H5T_NATIVE_DOUBLE, &rank, dims, &data), ok;
  ok = rc == 0 && rank == 2 && dims[0] == (hsize_t)nrows && dims[1] == (hsize_t)ncols;
  snprintf(why, n, "rc %d rank %d shape %llu x %llu, want %d x %d", rc, rank, (unsigned long long)dims[0],
           (unsigned long long)dims[1], nrows, ncols);
  for (int i = 0; ok && i < nrows * ncols; i++)
    if (memcmp(&((double *)data)[i], &want[i], sizeof(double))) {
      ok = 0;
      snprintf(why, n, "value %d is %.17g, want %.17g", i, ((double *)data)[i], want[i]);
    }
  free(data);
  return ok;
}

/* IV row k: V = 0.05k, I = a current with full 53-bit mantissa, I2 = -I. */
static inline void iv_row(double *r, int k, int ncols)
{
  r[0] = 0.05 * k;
  r[1] = 1e-12 * exp(0.05 * k / 0.025851999786435), r[2] = -r[1];
  for (int c = 3; c < ncols; c++) r[c] = k + c / 7.0;
}

/* ---------------------------------------------------------------- the work folder */

static inline int oc_rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* The test's folder: $TCAD_TEST_TMP/NAME, else a fresh /tmp folder (*own = 1). 0 or 1 (FAIL said). */
static inline int oc_workdir(const char *name, char *dir, size_t n, int *own)
{
  static char tmpl[64];
  const char *env = getenv("TCAD_TEST_TMP");
  *own = 0;
  if (env && env[0]) {
    snprintf(dir, n, "%s/%s", env, name);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
      printf("FAIL setup: cannot create %s: %s\n", dir, strerror(errno));
      return 1;
    }
    return 0;
  }
  snprintf(tmpl, sizeof tmpl, "/tmp/tcad-test-XXXXXX");
  if (!mkdtemp(tmpl)) {
    printf("FAIL setup: mkdtemp: %s\n", strerror(errno));
    return 1;
  }
  snprintf(dir, n, "%s", tmpl);
  *own = 1;
  return 0;
}

/* Remove a folder of our own when everything passed; keep it to look at otherwise. */
static inline void oc_cleanup(const char *dir, int own)
{
  if (own && !tap_failures)
    nftw(dir, oc_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  else if (own)
    printf("# files kept in %s\n", dir);
}
#endif
