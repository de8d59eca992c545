/* The Gmsh reader on malformed input, in process (fast enough to run under AddressSanitizer and
 * valgrind with the suite): every file of the fuzzing corpus (fuzz/corpus/gmsh) and every file
 * that crashed a reader (tests/data/fuzz-gmsh), then mutants of valid meshes made here with a
 * fixed seed, give either a mesh or TCAD_ERR_MESH with a message that starts with the file name.
 * A crash, a hang or an out-of-memory kill fails the test by killing it. The mutants' share that
 * still reads as a mesh is printed, not asserted (a mutation in a coordinate keeps the file
 * valid). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/mesh_internal.h"
#include "tap.h"
#include "tcad/error.h"

static char root[1024];

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) free(b), b = NULL;
  fclose(f);
  if (b) b[n] = 0, *len = (size_t)n;
  return b;
}

/* One input: 0 when it reads, 1 when it is refused as it should be, -1 otherwise (why in msg). */
static int try_read(const char *name, const char *buf, size_t len, char *msg, size_t nmsg)
{
  TcadMesh *m = NULL;
  tcad_error_clear();
  int rc = tcad_mesh_read_gmsh(name, buf, len, 1e-4, &m);
  if (!rc) {
    int ok = m && m->nnodes > 0 && m->ncells > 0 && m->nregions > 0;
    TcadMeshDestroy(&m);
    if (!ok) snprintf(msg, nmsg, "read, but the mesh is empty");
    return ok ? 0 : -1;
  }
  const char *e = tcad_error_message();
  size_t n = strlen(name);
  if (rc == TCAD_ERR_MESH && !strncmp(e, name, n) && (e[n] == ':')) return 1;
  if (rc == TCAD_ERR_MEM) return 1; /* cannot happen below the counts' check; allowed */
  snprintf(msg, nmsg, "code %d: %.300s", rc, e);
  return -1;
}

/* Every file of a folder. */
static void folder(const char *rel, int must_fail)
{
  char dir[2048], path[4096], name[256], msg[512];
  snprintf(dir, sizeof dir, "%s/%s", root, rel);
  DIR *d = opendir(dir);
  int n = 0, bad = 0, read_ok = 0;
  char first_bad[1024] = "";
  if (!d) {
    tap_check(0, rel, "cannot open %s", dir);
    return;
  }
  for (struct dirent *e; (e = readdir(d));) {
    size_t len;
    if (e->d_name[0] == '.' || strstr(e->d_name, ".md")) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    char *b = slurp(path, &len);
    if (!b) continue;
    snprintf(name, sizeof name, "%s", e->d_name);
    int r = try_read(name, b, len, msg, sizeof msg);
    n++;
    read_ok += r == 0;
    if (r < 0 || (must_fail && r == 0)) {
      if (!bad++) snprintf(first_bad, sizeof first_bad, "%s: %s", name, r == 0 ? "read as a mesh" : msg);
    }
    free(b);
  }
  closedir(d);
  snprintf(name, sizeof name, "gmsh_robust.%s", rel);
  tap_check(n > 0 && bad == 0, name, "%d files, %d read, %d wrong (first: %s)", n, read_ok, bad, first_bad);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return rng;
}

/* `count` mutants of one valid mesh: 1 to 4 edits each (a byte changed, bytes deleted, or one
 * of the tokens that broke readers inserted: huge counts, negative numbers, section markers,
 * quotes, NUL bytes). */
static void mutants(const char *rel, int count)
{
  static const char *tokens[] = {"999999999999", "-1", "0",   "2147483648", "$EndNodes\n", "$Elements\n",         "\"",
                                 "\n",           " ",  "nan", "1e308",      "$Entities\n", "18446744073709551615"};
  char path[2048], name[256], msg[512], first_bad[600] = "";
  size_t len;
  snprintf(path, sizeof path, "%s/%s", root, rel);
  char *base = slurp(path, &len);
  if (!base) {
    tap_check(0, rel, "cannot read %s", path);
    return;
  }
  int bad = 0, read_ok = 0;
  char *buf = malloc(len + 64 * 4 + 1);
  for (int k = 0; k < count && buf; k++) {
    size_t n = len;
    memcpy(buf, base, len);
    int edits = 1 + (int)(next() % 4);
    for (int e = 0; e < edits && n > 0; e++) {
      size_t at = (size_t)(next() % n);
      switch (next() % 3) {
      case 0: buf[at] = (char)(next() & 0xff); break;
      case 1: {
        size_t del = 1 + (size_t)(next() % 16);
        if (del > n - at) del = n - at;
        memmove(buf + at, buf + at + del, n - at - del);
        n -= del;
        break;
      }
      default: {
        const char *t = tokens[next() % (sizeof tokens / sizeof tokens[0])];
        size_t tl = strlen(t);
        memmove(buf + at + tl, buf + at, n - at);
        memcpy(buf + at, t, tl);
        n += tl;
      }
      }
    }
    buf[n] = 0;
    snprintf(name, sizeof name, "%s#%d", rel, k);
    int r = try_read(name, buf, n, msg, sizeof msg);
    read_ok += r == 0;
    if (r < 0 && !bad++) snprintf(first_bad, sizeof first_bad, "%s", msg);
  }
  snprintf(name, sizeof name, "gmsh_robust.mutants.%s", rel);
  tap_check(buf && bad == 0, name, "%d mutants, %d still read as a mesh, %d answered wrongly (first: %s)", count,
            read_ok, bad, first_bad);
  printf("# %s: %d mutants, %d still read as a mesh\n", rel, count, read_ok);
  free(buf), free(base);
}

int main(void)
{
  const char *r = getenv("TCAD_ROOT");
  snprintf(root, sizeof root, "%s", r ? r : ".");
  folder("tests/data/fuzz-gmsh", 1);
  folder("fuzz/corpus/gmsh", 0);
  folder("tests/data/errors", 0);
  const char *bases[] = {"tests/data/square-41.msh",    "tests/data/square-41b.msh",      "tests/data/square-22b.msh",
                         "tests/data/square-22be.msh",  "tests/data/square-40.msh",       "tests/data/line-41.msh",
                         "tests/data/errors/line5.msh", "tests/data/square-groups-22.msh"};
  for (size_t k = 0; k < sizeof bases / sizeof bases[0]; k++) mutants(bases[k], 1500);
  return tap_exit();
}
