/* IV table CSV writer (io/ivtable.c): header, exact round trip of every value through strtod
 * (and numpy.loadtxt when Python with numpy is available), rows kept in memory, rows on disk
 * after a crash, refused column names, I/O errors with the path and the reason. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <float.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcad/error.h"
#include "tcad/ivtable.h"
#include "tests/tap.h"

#define NCOLS 3

static const char *const cols[NCOLS] = {"V_anode", "I_anode", "T"};
static const char *const units[NCOLS] = {"V", "A/cm", ""};
static const char *header = "V_anode [V],I_anode [A/cm],T\n";

/* Values that %.10e or %.15g would not reproduce, extremes, subnormals, signed zero, inf. */
static void fill_rows(double *r, int nrows)
{
  static const double special[] = {0.1,      1.0 / 3,  -2.0 / 3, 1e-300, 4.9406564584124654e-324,
                                   DBL_MAX,  -DBL_MIN, -0.0,     1e22,   123456789.123456789,
                                   HUGE_VAL, -HUGE_VAL};
  const int ns = (int)(sizeof special / sizeof special[0]);
  for (int k = 0; k < nrows * NCOLS; k++) r[k] = k < ns ? special[k] : 1e-12 * exp(0.0371 * k) * (k % 2 ? -1 : 1);
}

static int same_bits(double a, double b) { return !memcmp(&a, &b, sizeof a); }

/* Read the CSV back: the header into hdr, the values into vals; returns the number of data
 * lines, or -1 when a line is malformed (wrong field count, junk after a number). */
static int read_csv(const char *path, char *hdr, size_t nhdr, double *vals, int maxrows)
{
  FILE *f = fopen(path, "r");
  char line[4096];
  int n = 0;
  hdr[0] = 0;
  if (!f) return -1;
  if (!fgets(hdr, (int)nhdr, f)) {
    fclose(f);
    return -1;
  }
  while (fgets(line, sizeof line, f)) {
    char *p = line, *end;
    if (n >= maxrows || !strchr(line, '\n')) {
      fclose(f);
      return -1;
    }
    for (int c = 0; c < NCOLS; c++) {
      errno = 0;
      vals[n * NCOLS + c] = strtod(p, &end);
      if (end == p || *end != (c + 1 < NCOLS ? ',' : '\n')) {
        fclose(f);
        return -1;
      }
      p = end + 1;
    }
    n++;
  }
  fclose(f);
  return n;
}

static void check_roundtrip(const char *dir)
{
  enum { N = 40 };
  char path[4096], hdr[256];
  double rows[N * NCOLS], back[N * NCOLS];
  TcadIVTable *t = NULL;
  const double *mem = NULL;
  int rc, n;
  fill_rows(rows, N);
  snprintf(path, sizeof path, "%.2000s/iv.csv", dir);
  rc = TcadIVTableOpen(path, NCOLS, cols, units, &t);
  tap_check(rc == 0 && t, "iv.open", "%s", tcad_error_message());
  if (rc) return;
  tap_check(TcadIVTableGetRows(t, &mem) == 0, "iv.rows_empty", "%d rows", TcadIVTableGetRows(t, NULL));
  n = read_csv(path, hdr, sizeof hdr, back, N);
  tap_check(n == 0 && !strcmp(hdr, header), "iv.header_on_open", "%d rows, header '%s'", n, hdr);
  for (int k = 0; k < N && !rc; k++) rc = TcadIVTableAppend(t, rows + k * NCOLS);
  tap_check(rc == 0, "iv.append", "%s", tcad_error_message());

  /* before Close: every appended row is already in the file */
  n = read_csv(path, hdr, sizeof hdr, back, N);
  int ok = n == N, bad = -1;
  for (int i = 0; ok && i < N * NCOLS; i++)
    if (!same_bits(back[i], rows[i])) ok = 0, bad = i;
  tap_check(ok, "iv.roundtrip_exact", "%d rows; value %d read %.17g, wrote %.17g", n, bad, bad >= 0 ? back[bad] : 0,
            bad >= 0 ? rows[bad] : 0);

  n = TcadIVTableGetRows(t, &mem);
  ok = n == N && mem;
  for (int i = 0; ok && i < N * NCOLS; i++) ok = same_bits(mem[i], rows[i]);
  tap_check(ok, "iv.rows_in_memory", "%d rows", n);

  /* short numbers stay short: 0.1 is written as "0.1" */
  {
    FILE *f = fopen(path, "r");
    char line[4096] = "";
    if (f) {
      if (!fgets(line, sizeof line, f) || !fgets(line, sizeof line, f)) line[0] = 0;
      fclose(f);
    }
    tap_check(!strncmp(line, "0.1,", 4), "iv.shortest_format", "first row '%s'", line);
  }

  rc = TcadIVTableClose(&t);
  tap_check(rc == 0 && t == NULL, "iv.close", "%s", tcad_error_message());
  tap_check(TcadIVTableClose(&t) == 0 && TcadIVTableClose(NULL) == 0, "iv.close_null_safe", "%s", tcad_error_message());

  /* nan: written as nan, read back as nan */
  snprintf(path, sizeof path, "%.2000s/iv-nan.csv", dir);
  double r[NCOLS] = {NAN, 1, 2};
  rc = TcadIVTableOpen(path, NCOLS, cols, NULL, &t);
  if (!rc) rc = TcadIVTableAppend(t, r);
  if (!rc)
    rc = TcadIVTableClose(&t);
  else
    TcadIVTableClose(&t);
  n = read_csv(path, hdr, sizeof hdr, back, N);
  tap_check(rc == 0 && n == 1 && isnan(back[0]) && back[2] == 2 && !strcmp(hdr, "V_anode,I_anode,T\n"),
            "iv.nan_and_no_units", "rc %d n %d header '%s'", rc, n, hdr);

  /* an independent reader: numpy.loadtxt as the docs promise (values compared as float.hex) */
  const char *py = getenv("TCAD_PYTHON");
  if (!py || !py[0]) py = "python3";
  snprintf(path, sizeof path, "%.2000s/iv.csv", dir);
  char cmd[8600], out[4096];
  snprintf(cmd, sizeof cmd,
           "'%s' -c 'import sys\ntry:\n import numpy\nexcept ImportError:\n sys.exit(3)\n"
           "a = numpy.loadtxt(sys.argv[1], delimiter=\",\", skiprows=1, ndmin=2)\n"
           "print(a.shape[0], a.shape[1])\nfor v in a.ravel(): print(float(v).hex())' '%s' 2>&1",
           py, path);
  FILE *p = popen(cmd, "r");
  int nr = -1, nc = -1, i = 0;
  ok = p != NULL;
  if (p && fgets(out, sizeof out, p) && sscanf(out, "%d %d", &nr, &nc) == 2) {
    while (fgets(out, sizeof out, p) && i < N * NCOLS)
      if (!same_bits(strtod(out, NULL), rows[i++])) ok = 0;
  } else {
    ok = 0;
  }
  int st = p ? pclose(p) : -1;
  if (WIFEXITED(st) && (WEXITSTATUS(st) == 3 || WEXITSTATUS(st) == 127))
    tap_skip("iv.numpy_loadtxt", "no Python with numpy");
  else
    tap_check(ok && nr == N && nc == NCOLS && i == N * NCOLS, "iv.numpy_loadtxt",
              "numpy read %d x %d (%d values compared): %s", nr, nc, i, out);
}

/* The process dies without closing: every appended row is complete in the file. */
static void check_crash(const char *dir)
{
  char path[4096], hdr[256];
  double rows[3 * NCOLS], back[3 * NCOLS];
  int status = 0;
  fill_rows(rows, 3);
  snprintf(path, sizeof path, "%.2000s/iv-crash.csv", dir);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    TcadIVTable *t = NULL;
    if (TcadIVTableOpen(path, NCOLS, cols, units, &t)) _exit(3);
    for (int k = 0; k < 3; k++)
      if (TcadIVTableAppend(t, rows + k * NCOLS)) _exit(3);
    _exit(0); /* simulated crash: nothing closed, stdio buffers dropped */
  }
  waitpid(pid, &status, 0);
  int n = read_csv(path, hdr, sizeof hdr, back, 3), ok = n == 3;
  for (int i = 0; ok && i < 3 * NCOLS; i++) ok = same_bits(back[i], rows[i]);
  tap_check(WIFEXITED(status) && WEXITSTATUS(status) == 0 && ok, "iv.crash_keeps_rows",
            "child status %d, %d rows read back", status, n);
}

static void expect_bad(const char *dir, const char *name, const char *const *c, const char *const *u, const char *want)
{
  char path[4096];
  TcadIVTable *t = NULL;
  snprintf(path, sizeof path, "%.2000s/bad-%s.csv", dir, name);
  tcad_error_clear();
  int rc = TcadIVTableOpen(path, NCOLS, c, u, &t);
  char tn[96];
  snprintf(tn, sizeof tn, "iv.refuse_%s", name);
  tap_check(rc == TCAD_ERR_INPUT && t == NULL && strstr(tcad_error_message(), want) && access(path, F_OK) != 0, tn,
            "rc %d, file %s, message: %s", rc, access(path, F_OK) ? "absent" : "created", tcad_error_message());
  printf("# message: %s\n", tcad_error_message());
  TcadIVTableClose(&t);
}

static void check_errors(const char *dir)
{
  expect_bad(dir, "comma", (const char *const[]){"V_anode", "I,anode", "T"}, units,
             "column 1 ('I,anode') contains a comma");
  expect_bad(dir, "quote", (const char *const[]){"\"V\"", "I", "T"}, units, "'\"V\"') contains a quote");
  expect_bad(dir, "squote", (const char *const[]){"V", "I'", "T"}, units, "contains a quote");
  expect_bad(dir, "newline", (const char *const[]){"V", "I", "T\n"}, units, "a line break");
  expect_bad(dir, "empty", (const char *const[]){"V", "", "T"}, units, "column 1 has no name");
  expect_bad(dir, "unit_comma", cols, (const char *const[]){"V", "A,cm", ""},
             "unit of IV table column 1 ('I_anode') contains a comma");

  /* a directory that does not exist: TCAD_ERR_IO with the path and strerror */
  TcadIVTable *t = NULL;
  const char *p = "/nonexistent/dir/x.csv";
  int rc = TcadIVTableOpen(p, NCOLS, cols, units, &t);
  tap_check(rc == TCAD_ERR_IO && t == NULL && strstr(tcad_error_message(), p) &&
                strstr(tcad_error_message(), strerror(ENOENT)),
            "iv.err_missing_dir", "rc %d: %s", rc, tcad_error_message());
  printf("# message: %s\n", tcad_error_message());

  /* a device that accepts the open but not the data: the write failure is reported */
  if (access("/dev/full", W_OK) == 0) {
    rc = TcadIVTableOpen("/dev/full", NCOLS, cols, units, &t);
    tap_check(rc == TCAD_ERR_IO && t == NULL && strstr(tcad_error_message(), "/dev/full") &&
                  strstr(tcad_error_message(), strerror(ENOSPC)),
              "iv.err_write_fails", "rc %d: %s", rc, tcad_error_message());
    printf("# message: %s\n", tcad_error_message());
  } else {
    tap_skip("iv.err_write_fails", "no writable /dev/full");
  }
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

int main(void)
{
  int own_dir = 0;
  char tmpl[] = "/tmp/tcad-ivtable-XXXXXX", dir[4096];
  const char *env = getenv("TCAD_TEST_TMP");
  if (env && env[0]) {
    snprintf(dir, sizeof dir, "%.2000s/t032-ivtable", env);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
      printf("FAIL setup: cannot create %s: %s\n", dir, strerror(errno));
      return 1;
    }
  } else {
    if (!mkdtemp(tmpl)) {
      printf("FAIL setup: mkdtemp: %s\n", strerror(errno));
      return 1;
    }
    snprintf(dir, sizeof dir, "%s", tmpl);
    own_dir = 1;
  }
  printf("# files in %s\n", dir);
  check_roundtrip(dir);
  check_crash(dir);
  check_errors(dir);
  if (own_dir && !tap_failures)
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); /* kept when something failed, to look at */
  return tap_exit();
}
