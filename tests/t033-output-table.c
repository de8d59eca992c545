/* The IV table in the field output (io/output.c TcadOutputWriteTable): /iv rewritten bit for bit
 * after every bias point with its column names and units, error cases, and a file that does not
 * grow beyond the table when it is re-sent 2000 times. Shared helpers: tests/output_check.h. */
#include "tests/output_check.h"

/* ---------------------------------------------------------------- tables (/iv) */

/* A 1-D variable-length string attribute, joined with '|' into buf; returns its length or -1. */
static int rd_attr_strs(hid_t loc, const char *obj, const char *name, char *buf, size_t n)
{
  hid_t a = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT), t = -1, s = -1;
  hsize_t len = 0;
  int rank = 0, rc = -1;
  buf[0] = 0;
  if (a < 0) return -1;
  t = H5Aget_type(a);
  s = H5Aget_space(a);
  rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
  if (t >= 0 && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) && rank == 1 &&
      H5Sget_simple_extent_dims(s, &len, NULL) == 1) {
    char **v = calloc(len ? len : 1, sizeof *v);
    if (H5Aread(a, t, v) >= 0) {
      for (hsize_t i = 0; i < len; i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, n - l, "%s%s", i ? "|" : "", v[i] ? v[i] : "(null)");
      }
      rc = (int)len;
    }
    for (hsize_t i = 0; i < len; i++) H5free_memory(v[i]);
    free(v);
  }
  if (s >= 0) H5Sclose(s);
  if (t >= 0) H5Tclose(t);
  H5Aclose(a);
  return rc;
}

static void check_table(const char *dir)
{
  static const char *const cols[3] = {"V_anode", "I_anode", "I_cathode"};
  static const char *const units[3] = {"V", "A/cm", "A/cm"};
  HandMesh h;
  TcadOutput *out = NULL;
  char h5[4096], xd[4096], why[256], sbuf[512];
  double rows[8 * 4];
  int rc, iv;
  mesh_small(&h, 2);
  snprintf(h5, sizeof h5, "%.2000s/table.h5", dir);
  snprintf(xd, sizeof xd, "%.2000s/table.xdmf", dir);
  rc = TcadOutputOpen(h5, xd, &h.m, &out);
  tap_check(rc == 0, "table.open", "%s", tcad_error_message());
  if (rc) return;
  for (int k = 0; k < 8; k++) iv_row(rows + 3 * k, k, 3);

  /* 0 rows, then 2 rows inside a step, then 5 rows between steps with row 1 changed (a
   * re-sent row that differs must be rewritten, not skipped) */
  rc = TcadOutputWriteTable(out, "iv", 3, cols, units, 0, NULL);
  tap_check(rc == 0, "table.write0", "%s", tcad_error_message());
  rc = write_steps(out, &h.m, 1);
  if (!rc) rc = TcadOutputBeginStep(out, 1, "second");
  if (!rc) rc = TcadOutputWriteTable(out, "iv", 3, cols, units, 2, rows);
  if (!rc) rc = TcadOutputEndStep(out);
  tap_check(rc == 0, "table.write2_in_step", "%s", tcad_error_message());
  rows[3 * 1 + 1] *= 1.5;
  rc = TcadOutputWriteTable(out, "iv", 3, cols, units, 5, rows);
  tap_check(rc == 0, "table.write5", "%s", tcad_error_message());
  rc = TcadOutputClose(&out);
  tap_check(rc == 0, "table.close", "%s", tcad_error_message());

  hid_t file = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  tap_check(file >= 0, "table.reopen", "H5Fopen(%s) failed", h5);
  if (file < 0) return;
  tap_check(table_matches(file, "/iv", 5, 3, rows, why, sizeof why), "table.values", "%s", why);
  {
    hid_t d = H5Dopen2(file, "/iv", H5P_DEFAULT), ty = d >= 0 ? H5Dget_type(d) : -1;
    tap_check(ty >= 0 && H5Tget_class(ty) == H5T_FLOAT && H5Tget_size(ty) == 8, "table.float64", "/iv is not float64");
    if (ty >= 0) H5Tclose(ty);
    if (d >= 0) H5Dclose(d);
  }
  iv = rd_attr_strs(file, "/iv", "columns", sbuf, sizeof sbuf);
  tap_check(iv == 3 && !strcmp(sbuf, "V_anode|I_anode|I_cathode"), "table.columns_attr", "%d entries: '%s'", iv, sbuf);
  iv = rd_attr_strs(file, "/iv", "units", sbuf, sizeof sbuf);
  tap_check(iv == 3 && !strcmp(sbuf, "V|A/cm|A/cm"), "table.units_attr", "%d entries: '%s'", iv, sbuf);
  iv = -1;
  rd_attr_int(file, "/steps", "nsteps", &iv);
  tap_check(iv == 2, "table.steps_unaffected", "nsteps %d", iv);
  H5Fclose(file);

  /* reopened output: renamed columns, NULL units, a shrinking table, a new column count */
  snprintf(h5, sizeof h5, "%.2000s/table2.h5", dir);
  snprintf(xd, sizeof xd, "%.2000s/table2.xdmf", dir);
  rc = TcadOutputOpen(h5, xd, &h.m, &out);
  if (!rc) rc = TcadOutputWriteTable(out, "iv", 3, cols, units, 4, rows);
  static const char *const cols2[3] = {"V_gate", "I_drain", "I_source"};
  if (!rc) rc = TcadOutputWriteTable(out, "iv", 3, cols2, NULL, 3, rows);
  tap_check(rc == 0, "table.rename_shrink", "%s", tcad_error_message());
  file = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT); /* same process: shares the writer's view */
  if (file >= 0) {
    tap_check(table_matches(file, "/iv", 3, 3, rows, why, sizeof why), "table.shrunk", "%s", why);
    iv = rd_attr_strs(file, "/iv", "columns", sbuf, sizeof sbuf);
    tap_check(iv == 3 && !strcmp(sbuf, "V_gate|I_drain|I_source"), "table.renamed_columns", "'%s'", sbuf);
    iv = rd_attr_strs(file, "/iv", "units", sbuf, sizeof sbuf);
    tap_check(iv == 3 && !strcmp(sbuf, "||"), "table.null_units_empty", "'%s'", sbuf);
    H5Fclose(file);
  }
  {
    static const char *const cols4[4] = {"V_gate", "V_drain", "I_drain", "I_source"};
    double r4[6 * 4];
    for (int k = 0; k < 6; k++) iv_row(r4 + 4 * k, k, 4);
    rc = TcadOutputWriteTable(out, "iv", 4, cols4, NULL, 6, r4);
    tap_check(rc == 0, "table.new_column_count", "%s", tcad_error_message());
    rc = TcadOutputWriteTable(out, "other", 1, cols, units, 0, NULL);
    tap_check(rc == 0, "table.second_table", "%s", tcad_error_message());
    TcadOutputClose(&out);
    file = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file >= 0) {
      tap_check(table_matches(file, "/iv", 6, 4, r4, why, sizeof why), "table.replaced_4cols", "%s", why);
      iv = rd_attr_strs(file, "/iv", "columns", sbuf, sizeof sbuf);
      tap_check(iv == 4 && !strcmp(sbuf, "V_gate|V_drain|I_drain|I_source"), "table.replaced_columns", "'%s'", sbuf);
      tap_check(table_matches(file, "/other", 0, 1, rows, why, sizeof why), "table.empty_table", "%s", why);
      H5Fclose(file);
    }
  }

  /* refused: the mesh group's name, a path, rows without data, no columns */
  snprintf(h5, sizeof h5, "%.2000s/table3.h5", dir);
  snprintf(xd, sizeof xd, "%.2000s/table3.xdmf", dir);
  rc = TcadOutputOpen(h5, xd, &h.m, &out);
  if (rc) return;
  rc = TcadOutputWriteTable(out, "mesh", 3, cols, units, 1, rows);
  tap_check(rc != 0 && strstr(tcad_error_message(), "/mesh already exists"), "table.err_mesh_name", "rc %d: %s", rc,
            tcad_error_message());
  rc = TcadOutputWriteTable(out, "a/b", 3, cols, units, 1, rows);
  tap_check(rc != 0 && strstr(tcad_error_message(), "'a/b'"), "table.err_bad_name", "rc %d: %s", rc,
            tcad_error_message());
  rc = TcadOutputWriteTable(out, "iv", 3, cols, units, 2, NULL);
  tap_check(rc != 0 && strstr(tcad_error_message(), "no data"), "table.err_no_data", "rc %d: %s", rc,
            tcad_error_message());
  rc = TcadOutputWriteTable(out, "iv", 0, cols, units, 0, NULL);
  tap_check(rc != 0 && strstr(tcad_error_message(), "0 columns"), "table.err_no_columns", "rc %d: %s", rc,
            tcad_error_message());
  rc = TcadOutputWriteTable(out, "iv", 3, (const char *const[]){"V", NULL, "I"}, units, 0, NULL);
  tap_check(rc != 0 && strstr(tcad_error_message(), "column 1 has no name"), "table.err_null_column", "rc %d: %s", rc,
            tcad_error_message());
  TcadOutputClose(&out);
}

/* Re-sending a growing table after every bias point must not grow the file beyond the table:
 * 2000 calls of a 4-column table end at 64 KB of data. Recreating the dataset each time (HDF5
 * does not reclaim freed space) would leave ~64 MB. */
static void check_table_size(const char *dir)
{
  static const char *const cols[4] = {"V_a", "V_b", "I_a", "I_b"};
  HandMesh h;
  TcadOutput *out = NULL;
  char h5[4096], why[256];
  enum { N = 2000 };
  double *rows = malloc(sizeof(double) * 4 * N);
  struct stat sb0, sb;
  int rc;
  mesh_small(&h, 1);
  snprintf(h5, sizeof h5, "%.2000s/tablesize.h5", dir);
  {
    char xd[4096];
    snprintf(xd, sizeof xd, "%.2000s/tablesize.xdmf", dir);
    rc = TcadOutputOpen(h5, xd, &h.m, &out);
  }
  if (!rc) rc = TcadOutputWriteTable(out, "iv", 4, cols, NULL, 0, NULL);
  if (!rc) rc = stat(h5, &sb0);
  for (int k = 0; k < N && !rc; k++) {
    iv_row(rows + 4 * k, k, 4);
    rc = TcadOutputWriteTable(out, "iv", 4, cols, NULL, k + 1, rows);
  }
  tap_check(rc == 0, "tablesize.write", "%s", tcad_error_message());
  if (!rc)
    rc = TcadOutputClose(&out);
  else
    TcadOutputClose(&out);
  if (!rc && stat(h5, &sb) == 0) {
    long grow = (long)(sb.st_size - sb0.st_size), data = (long)sizeof(double) * 4 * N;
    tap_check(grow < 2 * data + 65536, "tablesize.bounded", "file grew by %ld bytes for %ld bytes of data", grow, data);
    printf("# %d calls: file grew by %ld bytes for %ld bytes of table\n", N, grow, data);
    hid_t file = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
    tap_check(file >= 0 && table_matches(file, "/iv", N, 4, rows, why, sizeof why), "tablesize.values", "%s",
              file >= 0 ? why : "cannot reopen");
    if (file >= 0) H5Fclose(file);
  }
  free(rows);
}

int main(void)
{
  int own = 0;
  char dir[4096];
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if (oc_workdir("t033-output-table", dir, sizeof dir, &own)) return 1;
  printf("# output in %s\n", dir);
  check_table(dir);
  check_table_size(dir);
  H5close();
  oc_cleanup(dir, own);
  return tap_exit();
}
