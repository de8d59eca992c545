/* Field output (io/output.c): HDF5 layout, values, units and step attributes read back with the
 * HDF5 C API; the XDMF index; error messages; a run that dies mid-step leaves the finished
 * steps readable. The /iv table: t033-output-table.c. Shared helpers: tests/output_check.h.
 *
 *   t030-output              run the checks (files in $TCAD_TEST_TMP or a fresh /tmp dir)
 *   t030-output --write DIR  write DIR/out{1d,2d,3d}.{h5,xdmf} with analytically known fields
 *                            for tests/t031-output-vtk.py (formulas: see write_analytic) */
#include "tests/output_check.h"

#include <sys/wait.h>

/* Bigger structured meshes for the VTK check: region 1 where the cell centroid has x > xsplit. */
static void mesh_analytic(HandMesh *h, int dim)
{
  static const double xs[] = {0, 0.5, 1.2, 2, 3.1, 4};
  static const double ys[] = {0, 0.7, 1.5};
  static const double zs[] = {0, 0.8};
  const double xsplit = 2.0;
  hm_init(h, dim);
  if (dim == 1) {
    for (int i = 0; i < 6; i++) hm_node(h, xs[i], 0, 0);
    for (int i = 0; i < 5; i++) hm_cell(h, (int[]){i, i + 1}, 0.5 * (xs[i] + xs[i + 1]) > xsplit);
  } else if (dim == 2) {
    int nx = 4, ny = 3;
    static const double x2[] = {0, 1, 2.5, 4};
    for (int j = 0; j < ny; j++)
      for (int i = 0; i < nx; i++) hm_node(h, x2[i], ys[j], 0);
    for (int j = 0; j + 1 < ny; j++)
      for (int i = 0; i + 1 < nx; i++) {
        int a = j * nx + i, b = a + 1, c = a + nx + 1, d = a + nx;
        int r1 = (x2[i] + 2 * x2[i + 1]) / 3 > xsplit, r2 = (2 * x2[i] + x2[i + 1]) / 3 > xsplit;
        hm_cell(h, (int[]){a, b, c}, r1);
        hm_cell(h, (int[]){a, c, d}, r2);
      }
  } else {
    /* 3 x 2 x 2 nodes: two unit-ish cubes, each cut into 6 tetrahedra along the main diagonal */
    static const double x3[] = {0, 1, 2.5};
    int nx = 3, ny = 2;
    for (int k = 0; k < 2; k++)
      for (int j = 0; j < 2; j++)
        for (int i = 0; i < 3; i++) hm_node(h, x3[i], ys[j], zs[k]);
    for (int i = 0; i < 2; i++) {
      int v[8];
      for (int c = 0; c < 8; c++) {
        int di = c & 1, dj = (c >> 1) & 1, dk = (c >> 2) & 1;
        v[c] = (dk * ny + dj) * nx + i + di;
      }
      /* Kuhn: paths 0 -> 7 through the cube's corners */
      static const int path[6][2] = {{1, 3}, {1, 5}, {2, 3}, {2, 6}, {4, 5}, {4, 6}};
      for (int t = 0; t < 6; t++) {
        int cn[4] = {v[0], v[path[t][0]], v[path[t][1]], v[7]};
        double cx = 0;
        for (int q = 0; q < 4; q++) cx += h->coord[3 * cn[q]] * 1e4 / 4;
        hm_cell(h, cn, cx > 1.2);
      }
    }
  }
}

static int write_analytic(const char *dir)
{
  for (int dim = 1; dim <= 3; dim++) {
    HandMesh h;
    TcadOutput *out = NULL;
    char h5[4096], xd[4096];
    int rc;
    mesh_analytic(&h, dim);
    snprintf(h5, sizeof h5, "%.2000s/out%dd.h5", dir, dim);
    snprintf(xd, sizeof xd, "%.2000s/out%dd.xdmf", dir, dim);
    rc = TcadOutputOpen(h5, xd, &h.m, &out);
    if (!rc) rc = write_steps(out, &h.m, 3);
    if (!rc && dim == 1) {
      /* /iv: V_anode = 0.1k V, I_anode = 1e-3 k^2 A/cm^2, k = 0..3, sent twice as it grows */
      static const char *const cols[2] = {"V_anode", "I_anode"}, *const units[2] = {"V", "A/cm^2"};
      double iv[4 * 2];
      for (int k = 0; k < 4; k++) iv[2 * k] = 0.1 * k, iv[2 * k + 1] = 1e-3 * k * k;
      rc = TcadOutputWriteTable(out, "iv", 2, cols, units, 2, iv);
      if (!rc) rc = TcadOutputWriteTable(out, "iv", 2, cols, units, 4, iv);
    }
    int rc2 = TcadOutputClose(&out);
    if (rc || rc2) {
      fprintf(stderr, "t030-output --write: %s\n", tcad_error_message());
      return 1;
    }
  }
  /* the mesh alone (no step ended): the XDMF is a single grid without time */
  {
    HandMesh h;
    TcadOutput *out = NULL;
    char h5[4096], xd[4096];
    mesh_analytic(&h, 2);
    snprintf(h5, sizeof h5, "%.2000s/mesh2d.h5", dir);
    snprintf(xd, sizeof xd, "%.2000s/mesh2d.xdmf", dir);
    if (TcadOutputOpen(h5, xd, &h.m, &out) || TcadOutputClose(&out)) {
      fprintf(stderr, "t030-output --write: %s\n", tcad_error_message());
      return 1;
    }
  }
  return 0;
}

/* ---------------------------------------------------------------- checks */

static void check_dim(const char *dir, int dim)
{
  HandMesh h;
  TcadOutput *out = NULL;
  char h5[4096], xd[4096], name[128], sbuf[256];
  int rc, iv, rank = 0;
  hsize_t dims[2];
  void *data;
  mesh_small(&h, dim);
  const TcadMesh *m = &h.m;
  snprintf(h5, sizeof h5, "%.2000s/small%dd.h5", dir, dim);
  snprintf(xd, sizeof xd, "%.2000s/small%dd.xdmf", dir, dim);

  rc = TcadOutputOpen(h5, xd, m, &out);
  snprintf(name, sizeof name, "%dd.open", dim);
  tap_check(rc == 0, name, "%s", tcad_error_message());
  if (rc) return;
  {
    char *x = slurp(xd);
    snprintf(name, sizeof name, "%dd.xdmf_after_open_has_mesh", dim);
    tap_check(x && strstr(x, "Name=\"mesh\"") && !strstr(x, "Temporal"), name, "%s", x ? x : "no XDMF after open");
    free(x);
  }
  rc = write_steps(out, m, 2);
  snprintf(name, sizeof name, "%dd.write_steps", dim);
  tap_check(rc == 0, name, "%s", tcad_error_message());
  rc = TcadOutputClose(&out);
  snprintf(name, sizeof name, "%dd.close", dim);
  tap_check(rc == 0 && out == NULL, name, "%s", tcad_error_message());

  hid_t file = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  snprintf(name, sizeof name, "%dd.reopen", dim);
  tap_check(file >= 0, name, "H5Fopen(%s) failed", h5);
  if (file < 0) return;

  /* root and mesh attributes */
  rd_attr_str(file, "/", "format", sbuf, sizeof sbuf);
  snprintf(name, sizeof name, "%dd.root_format", dim);
  tap_check(!strcmp(sbuf, "tcad-fields"), name, "format = '%s'", sbuf);
  iv = -1;
  rd_attr_int(file, "/", "version", &iv);
  snprintf(name, sizeof name, "%dd.root_version", dim);
  tap_check(iv == 1, name, "version = %d", iv);
  {
    int d = -1, nn = -1, nc = -1, nr = -1;
    rd_attr_int(file, "/mesh", "dim", &d);
    rd_attr_int(file, "/mesh", "nnodes", &nn);
    rd_attr_int(file, "/mesh", "ncells", &nc);
    rd_attr_int(file, "/mesh", "nregions", &nr);
    snprintf(name, sizeof name, "%dd.mesh_attrs", dim);
    tap_check(d == dim && nn == m->nnodes && nc == m->ncells && nr == 2, name, "dim %d nnodes %d ncells %d nregions %d",
              d, nn, nc, nr);
  }

  /* geometry in µm */
  rc = rd_dset(file, "/mesh/geometry", H5T_NATIVE_DOUBLE, &rank, dims, &data);
  {
    int ok = rc == 0 && rank == 2 && dims[0] == (hsize_t)m->nnodes && dims[1] == 3;
    for (int i = 0; ok && i < 3 * m->nnodes; i++) ok = tap_close(((double *)data)[i], m->coord[i] * 1e4, 1e-14, 1e-14);
    snprintf(name, sizeof name, "%dd.geometry_um", dim);
    tap_check(ok, name, "rank %d dims %llu x %llu", rank, (unsigned long long)dims[0], (unsigned long long)dims[1]);
  }
  free(data);
  rd_attr_str(file, "/mesh/geometry", "units", sbuf, sizeof sbuf);
  snprintf(name, sizeof name, "%dd.geometry_units", dim);
  tap_check(!strcmp(sbuf, "um"), name, "units = '%s'", sbuf);

  rc = rd_dset(file, "/mesh/topology", H5T_NATIVE_INT, &rank, dims, &data);
  {
    int ok = rc == 0 && rank == 2 && dims[0] == (hsize_t)m->ncells && dims[1] == (hsize_t)m->nvert;
    for (int i = 0; ok && i < m->ncells * m->nvert; i++) ok = ((int *)data)[i] == m->cell_node[i];
    snprintf(name, sizeof name, "%dd.topology", dim);
    tap_check(ok, name, "rank %d dims %llu x %llu", rank, (unsigned long long)dims[0], (unsigned long long)dims[1]);
  }
  free(data);
  rc = rd_dset(file, "/mesh/cell_region", H5T_NATIVE_INT, &rank, dims, &data);
  {
    int ok = rc == 0 && rank == 1 && dims[0] == (hsize_t)m->ncells;
    for (int i = 0; ok && i < m->ncells; i++) ok = ((int *)data)[i] == m->cell_region[i];
    snprintf(name, sizeof name, "%dd.cell_region", dim);
    tap_check(ok, name, "rank %d dims %llu", rank, (unsigned long long)dims[0]);
  }
  free(data);
  {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    char **names = NULL;
    rc = rd_dset(file, "/mesh/region_names", t, &rank, dims, (void **)&names);
    snprintf(name, sizeof name, "%dd.region_names", dim);
    tap_check(rc == 0 && rank == 1 && dims[0] == 2 && names && names[0] && names[1] && !strcmp(names[0], "substrate") &&
                  !strcmp(names[1], "oxide"),
              name, "rank %d n %llu [0]='%s'", rank, (unsigned long long)dims[0], names && names[0] ? names[0] : "?");
    if (names) {
      for (hsize_t i = 0; i < dims[0]; i++) H5free_memory(names[i]);
      free(names);
    }
    H5Tclose(t);
  }

  /* steps */
  iv = -1;
  rd_attr_int(file, "/steps", "nsteps", &iv);
  snprintf(name, sizeof name, "%dd.nsteps", dim);
  tap_check(iv == 2, name, "nsteps = %d", iv);
  for (int k = 0; k < 2; k++) {
    char grp[64], path[128], want[32];
    double t = -1, vd = -1;
    snprintf(grp, sizeof grp, "/steps/%06d", k);
    rd_attr_double(file, grp, "time", &t);
    rd_attr_double(file, grp, "V_drain", &vd);
    rd_attr_str(file, grp, "label", sbuf, sizeof sbuf);
    snprintf(want, sizeof want, "Vd=%.2f", 0.5 * k);
    snprintf(name, sizeof name, "%dd.step%d_attrs", dim, k);
    tap_check(t == 0.25 * k && vd == 0.5 * k && !strcmp(sbuf, want), name, "time %g V_drain %g label '%s'", t, vd,
              sbuf);

    snprintf(path, sizeof path, "%s/f", grp);
    rc = rd_dset(file, path, H5T_NATIVE_DOUBLE, &rank, dims, &data);
    {
      int ok = rc == 0 && rank == 1 && dims[0] == (hsize_t)m->nnodes;
      for (int i = 0; ok && i < m->nnodes; i++)
        ok = tap_close(((double *)data)[i], f_scalar(&m->coord[3 * i], k), 1e-14, 1e-13);
      snprintf(name, sizeof name, "%dd.step%d_scalar", dim, k);
      tap_check(ok, name, "rank %d dims %llu", rank, (unsigned long long)dims[0]);
    }
    free(data);
    rd_attr_str(file, path, "units", sbuf, sizeof sbuf);
    snprintf(name, sizeof name, "%dd.step%d_scalar_units", dim, k);
    tap_check(!strcmp(sbuf, "V"), name, "units = '%s'", sbuf);

    snprintf(path, sizeof path, "%s/v", grp);
    rc = rd_dset(file, path, H5T_NATIVE_DOUBLE, &rank, dims, &data);
    {
      int ok = rc == 0 && rank == 2 && dims[0] == (hsize_t)m->nnodes && dims[1] == 3;
      for (int i = 0; ok && i < m->nnodes; i++) {
        const double *x = &m->coord[3 * i], *d = &((double *)data)[3 * i];
        ok = tap_close(d[0], (k + 1) * 1e4 * x[0], 1e-14, 1e-13) &&
             tap_close(d[1], (k + 1) * 1e4 * x[1] + 1, 1e-14, 1e-13) &&
             tap_close(d[2], (k + 1) * 1e4 * x[2] + 2, 1e-14, 1e-13);
      }
      snprintf(name, sizeof name, "%dd.step%d_vector", dim, k);
      tap_check(ok, name, "rank %d dims %llu x %llu", rank, (unsigned long long)dims[0], (unsigned long long)dims[1]);
    }
    free(data);
    rd_attr_str(file, path, "units", sbuf, sizeof sbuf);
    snprintf(name, sizeof name, "%dd.step%d_vector_units", dim, k);
    tap_check(!strcmp(sbuf, "A/cm^2"), name, "units = '%s'", sbuf);

    snprintf(path, sizeof path, "%s/region_id", grp);
    rc = rd_dset(file, path, H5T_NATIVE_INT, &rank, dims, &data);
    {
      int ok = rc == 0 && rank == 1 && dims[0] == (hsize_t)m->ncells;
      for (int i = 0; ok && i < m->ncells; i++) ok = ((int *)data)[i] == m->cell_region[i];
      snprintf(name, sizeof name, "%dd.step%d_cell_int", dim, k);
      tap_check(ok, name, "rank %d dims %llu", rank, (unsigned long long)dims[0]);
    }
    free(data);
    {
      hid_t d = H5Dopen2(file, path, H5P_DEFAULT), ty = d >= 0 ? H5Dget_type(d) : -1;
      snprintf(name, sizeof name, "%dd.step%d_cell_int_type", dim, k);
      tap_check(ty >= 0 && H5Tget_class(ty) == H5T_INTEGER && H5Tget_size(ty) == 4, name, "cell field is not int32");
      if (ty >= 0) H5Tclose(ty);
      if (d >= 0) H5Dclose(d);
    }
  }
  H5Fclose(file);

  /* XDMF: temporal collection of 2 grids referring to the h5 file by its basename */
  {
    static const char *topo[] = {"", "\"Polyline\"", "\"Triangle\"", "\"Tetrahedron\""};
    char ref[256];
    char *x = slurp(xd);
    snprintf(ref, sizeof ref, ">small%dd.h5:/mesh/geometry<", dim);
    snprintf(name, sizeof name, "%dd.xdmf", dim);
    tap_check(x && strstr(x, "CollectionType=\"Temporal\"") && count_substr(x, "<Time ") == 2 &&
                  count_substr(x, topo[dim]) == 2 && strstr(x, ref) &&
                  count_substr(x, "AttributeType=\"Vector\"") == 4 && strstr(x, "<Time Value=\"0.25\"/>") &&
                  strstr(x, "/steps/000001/region_id<"),
              name, "unexpected XDMF:\n%s", x ? x : "(missing)");
    free(x);
    char tmpname[4200];
    snprintf(tmpname, sizeof tmpname, "%s.tmp", xd);
    snprintf(name, sizeof name, "%dd.xdmf_no_tmp_left", dim);
    tap_check(access(tmpname, F_OK) != 0, name, "%s left behind", tmpname);
  }
}

static void check_errors(const char *dir)
{
  HandMesh h;
  TcadOutput *out = NULL;
  char h5[4096], xd[4096];
  int rc;
  double vals[8] = {0};
  mesh_small(&h, 2);

  /* a file in a directory that does not exist: the message names the path */
  snprintf(h5, sizeof h5, "%.2000s/no-such-dir/sub/out.h5", dir);
  snprintf(xd, sizeof xd, "%.2000s/no-such-dir/sub/out.xdmf", dir);
  tcad_error_clear();
  rc = TcadOutputOpen(h5, xd, &h.m, &out);
  tap_check(rc == TCAD_ERR_IO && out == NULL && strstr(tcad_error_message(), h5) &&
                strstr(tcad_error_message(), "does not exist"),
            "err.missing_directory", "rc %d, message: %s", rc, tcad_error_message());
  printf("# message: %s\n", tcad_error_message());

  /* HDF5 fine but the XDMF directory missing */
  snprintf(h5, sizeof h5, "%.2000s/errs.h5", dir);
  snprintf(xd, sizeof xd, "%.2000s/no-such-dir/errs.xdmf", dir);
  rc = TcadOutputOpen(h5, xd, &h.m, &out);
  tap_check(rc == TCAD_ERR_IO && out == NULL && strstr(tcad_error_message(), "no-such-dir"),
            "err.missing_xdmf_directory", "rc %d, message: %s", rc, tcad_error_message());
  printf("# message: %s\n", tcad_error_message());

  /* misuse */
  snprintf(xd, sizeof xd, "%.2000s/errs.xdmf", dir);
  rc = TcadOutputOpen(h5, xd, &h.m, &out);
  tap_check(rc == 0, "err.open", "%s", tcad_error_message());
  if (rc) return;
  rc = TcadOutputWriteNodeField(out, "f", "V", 1, vals);
  tap_check(rc != 0 && strstr(tcad_error_message(), "outside a step"), "err.field_outside_step", "rc %d: %s", rc,
            tcad_error_message());
  rc = TcadOutputEndStep(out);
  tap_check(rc != 0, "err.end_without_begin", "rc %d", rc);
  rc = TcadOutputBeginStep(out, NAN, "nan");
  tap_check(rc != 0 && strstr(tcad_error_message(), "finite"), "err.nan_time", "rc %d: %s", rc, tcad_error_message());
  rc = TcadOutputBeginStep(out, 0, "a");
  tap_check(rc == 0, "err.begin", "%s", tcad_error_message());
  rc = TcadOutputBeginStep(out, 1, "b");
  tap_check(rc != 0 && strstr(tcad_error_message(), "still open"), "err.begin_twice", "rc %d: %s", rc,
            tcad_error_message());
  rc = TcadOutputWriteNodeField(out, "a/b", "V", 1, vals);
  tap_check(rc != 0 && strstr(tcad_error_message(), "'a/b'"), "err.bad_name", "rc %d: %s", rc, tcad_error_message());
  rc = TcadOutputWriteNodeField(out, "f", "V", 1, vals);
  tap_check(rc == 0, "err.field", "%s", tcad_error_message());
  rc = TcadOutputWriteNodeField(out, "f", "V", 1, vals);
  tap_check(rc != 0 && strstr(tcad_error_message(), "already has a field 'f'"), "err.duplicate_field", "rc %d: %s", rc,
            tcad_error_message());
  rc = TcadOutputSetStepAttribute(out, "time", 1.0);
  tap_check(rc != 0 && strstr(tcad_error_message(), "reserved"), "err.reserved_attribute", "rc %d: %s", rc,
            tcad_error_message());
  rc = TcadOutputWriteNodeField(out, "g", "V", 0, vals);
  tap_check(rc != 0, "err.zero_components", "rc %d", rc);
  rc = TcadOutputWriteNodeField(out, "g", "V", 2, vals);
  tap_check(rc != 0 && strstr(tcad_error_message(), "2 components"), "err.two_components", "rc %d: %s", rc,
            tcad_error_message());
  /* Close with the step still open ends it */
  rc = TcadOutputClose(&out);
  tap_check(rc == 0, "err.close_open_step", "%s", tcad_error_message());
  {
    hid_t file = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
    int n = -1;
    if (file >= 0) {
      rd_attr_int(file, "/steps", "nsteps", &n);
      H5Fclose(file);
    }
    tap_check(n == 1, "err.close_open_step_kept", "nsteps %d", n);
  }

  /* a bad mesh is refused with a reason */
  h.cell_node[2] = 99;
  rc = TcadOutputOpen(h5, xd, &h.m, &out);
  tap_check(rc != 0 && out == NULL && strstr(tcad_error_message(), "node 99"), "err.bad_mesh", "rc %d: %s", rc,
            tcad_error_message());
}

/* HDF5 file in another directory than the XDMF: the XDMF names it by its absolute path. */
static void check_other_dir(const char *dir)
{
  HandMesh h;
  TcadOutput *out = NULL;
  char sub[4096], h5[4096], xd[4096], want[4200], *real;
  int rc;
  mesh_small(&h, 2);
  snprintf(sub, sizeof sub, "%.2000s/h5dir", dir);
  mkdir(sub, 0777);
  snprintf(h5, sizeof h5, "%.2000s/h5dir/../h5dir/other.h5", dir);
  snprintf(xd, sizeof xd, "%.2000s/other.xdmf", dir);
  rc = TcadOutputOpen(h5, xd, &h.m, &out);
  if (!rc) rc = write_steps(out, &h.m, 1);
  if (!rc)
    rc = TcadOutputClose(&out);
  else
    TcadOutputClose(&out);
  tap_check(rc == 0, "otherdir.write", "%s", tcad_error_message());
  real = realpath(sub, NULL);
  snprintf(want, sizeof want, ">%s/other.h5:/mesh/geometry<", real ? real : "?");
  char *x = slurp(xd);
  tap_check(x && strstr(x, want), "otherdir.absolute_reference", "'%s' not in:\n%s", want, x ? x : "(missing)");
  free(x);
  free(real);
}

/* The process dies (no close, no atexit) in the middle of step 2: steps 0 and 1 and the XDMF
 * naming exactly them must be readable. */
static void check_crash(const char *dir)
{
  char h5[4096], xd[4096];
  pid_t pid;
  int status = 0;
  snprintf(h5, sizeof h5, "%.2000s/crash.h5", dir);
  snprintf(xd, sizeof xd, "%.2000s/crash.xdmf", dir);
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    HandMesh h;
    TcadOutput *out = NULL;
    double *f;
    mesh_small(&h, 3);
    f = calloc((size_t)h.m.nnodes, sizeof *f);
    static const char *const cols[3] = {"V_anode", "I_anode", "I_cathode"};
    double rows[3 * 3];
    for (int k = 0; k < 3; k++) iv_row(rows + 3 * k, k, 3);
    if (TcadOutputOpen(h5, xd, &h.m, &out) || TcadOutputWriteTable(out, "iv", 3, cols, NULL, 1, rows) ||
        write_steps(out, &h.m, 2) || TcadOutputWriteTable(out, "iv", 3, cols, NULL, 2, rows) ||
        TcadOutputBeginStep(out, 9, "dies") || TcadOutputWriteNodeField(out, "f", "V", 1, f) ||
        TcadOutputWriteTable(out, "iv", 3, cols, NULL, 3, rows))
      _exit(3);
    _exit(0); /* simulated crash: nothing closed or flushed */
  }
  waitpid(pid, &status, 0);
  tap_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "crash.child", "child status %d", status);
  hid_t file = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  tap_check(file >= 0, "crash.h5_opens", "H5Fopen(%s) failed after the crash", h5);
  if (file >= 0) {
    int rank = 0, n = -1;
    hsize_t dims[2];
    void *data = NULL;
    int rc = rd_dset(file, "/steps/000001/f", H5T_NATIVE_DOUBLE, &rank, dims, &data);
    tap_check(rc == 0 && dims[0] == 5 && tap_close(((double *)data)[4], 1.0 + 2 + 3 + 1, 1e-14, 1e-13),
              "crash.step1_readable", "rc %d", rc);
    free(data);
    rd_attr_int(file, "/steps", "nsteps", &n);
    tap_check(n == 2, "crash.nsteps", "nsteps %d", n);
    /* the rows written outside a step are on disk; the one written inside the step that never
     * ended is not (it goes to disk with its step: table and steps count the same points) */
    double want[2 * 3];
    char why[256];
    for (int k = 0; k < 2; k++) iv_row(want + 3 * k, k, 3);
    tap_check(table_matches(file, "/iv", 2, 3, want, why, sizeof why), "crash.table_rows_of_finished_steps", "%s", why);
    H5Fclose(file);
  }
  char *x = slurp(xd);
  tap_check(x && count_substr(x, "<Time ") == 2 && strstr(x, "</Xdmf>"), "crash.xdmf_complete", "%s",
            x ? x : "(missing)");
  free(x);
}

int main(int argc, char **argv)
{
  int own = 0;
  char dir[4096];

  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if (argc == 3 && !strcmp(argv[1], "--write")) return write_analytic(argv[2]);
  if (argc != 1) {
    fprintf(stderr, "usage: t030-output [--write DIR]\n");
    return 2;
  }
  if (oc_workdir("t030-output", dir, sizeof dir, &own)) return 1;
  printf("# output in %s\n", dir);
  for (int dim = 1; dim <= 3; dim++) check_dim(dir, dim);
  check_errors(dir);
  check_other_dir(dir);
  check_crash(dir);
  H5close();
  oc_cleanup(dir, own);
  return tap_exit();
}
