/* Gmsh .msh reader: formats 2.0, 2.1 and 2.2 (ASCII and binary), 4.0 (ASCII) and 4.1 (ASCII and
 * binary), either byte order. It replaces PETSc's DMPlexCreateGmsh, which crashed on 7.3 % of
 * mutated files and took elementary tags for physical ones in 2.2 files (docs/dev-notes.md,
 * issue 19). Every count is checked against the bytes left in the file before anything is
 * allocated, every node and entity reference is looked up before it is used, and every error
 * names the file and the line (ASCII) or the byte offset (binary data). Time and memory are
 * linear in the file size (sorting the tags adds a log factor).
 * What becomes of the file is mesh/gmsh_build.c's part. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/gmsh_internal.h"
#include "tcad/error.h"

/* Gmsh element types: nodes per element, dimension, order. The higher-order ones are here to be
 * counted (2.x binary) and named in the refusal. */

static int gerr(GmshReader *r, const char *fmt, ...) TCAD_PRINTF(2, 3);
static int gerr(GmshReader *r, const char *fmt, ...)
{
  char msg[1536];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (r->bin) return tcad_error(TCAD_ERR_MESH, "%s: byte %zu: %s", r->path, (size_t)(r->p - r->buf), msg);
  return tcad_error(TCAD_ERR_MESH, "%s:%ld: %s", r->path, r->line, msg);
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

static void skip_ws(GmshReader *r)
{
  while (r->p < r->end && is_space(*r->p)) {
    if (*r->p == '\n') r->line++;
    r->p++;
  }
}

static int at_delim(const GmshReader *r, const char *q) { return q >= r->end || is_space(*q); }

/* The next token, printable, for messages. */
static const char *shown(const GmshReader *r, char *b, size_t n)
{
  size_t k = 0;
  for (const char *q = r->p; q < r->end && !is_space(*q) && k + 4 < n && k < 24; q++)
    b[k++] = (*q >= 32 && *q < 127 && *q != '\'') ? *q : '?';
  b[k] = 0;
  if (!k) snprintf(b, n, "%s", r->p >= r->end ? "the end of the file" : "a blank");
  return b;
}

static int expected(GmshReader *r, const char *what)
{
  char b[40];
  const char *s = shown(r, b, sizeof b);
  return gerr(r, "expected %s, found %s%s%s", what, r->p >= r->end ? "" : "'", s, r->p >= r->end ? "" : "'");
}

static int get_i64(GmshReader *r, int64_t *v, const char *what)
{
  skip_ws(r);
  const char *q = r->p;
  int neg = 0, nd = 0;
  uint64_t x = 0;
  if (q < r->end && (*q == '-' || *q == '+')) neg = *q++ == '-';
  for (; q < r->end && *q >= '0' && *q <= '9'; q++, nd++) {
    if (x > ((uint64_t)INT64_MAX - 9) / 10) return gerr(r, "%s is too large", what);
    x = 10 * x + (uint64_t)(*q - '0');
  }
  if (!nd || !at_delim(r, q)) return expected(r, what);
  *v = neg ? -(int64_t)x : (int64_t)x;
  r->p = q;
  return 0;
}

/* An integer in [lo, hi]. */
static int get_int(GmshReader *r, int *v, int64_t lo, int64_t hi, const char *what)
{
  int64_t x;
  TCAD_CALL(get_i64(r, &x, what));
  if (x < lo || x > hi)
    return gerr(r, "%s is %lld; expected %lld to %lld", what, (long long)x, (long long)lo, (long long)hi);
  *v = (int)x;
  return 0;
}

/* A number; the buffer ends in a NUL, so strtod stops at the end of the file. */
static int get_f64(GmshReader *r, double *v, const char *what)
{
  char *e;
  skip_ws(r);
  if (r->p >= r->end) return expected(r, what);
  double x = strtod(r->p, &e);
  if (e == r->p || !at_delim(r, e)) return expected(r, what);
  *v = x;
  r->p = e;
  return 0;
}

/* The next token must be `word` (a section marker). */
static int get_marker(GmshReader *r, const char *word, const char *hint)
{
  skip_ws(r);
  size_t n = strlen(word);
  if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, word, n) && at_delim(r, r->p + n)) {
    r->p += n;
    return 0;
  }
  char b[40];
  return gerr(r, "expected %s, found '%s'%s", word, shown(r, b, sizeof b), hint);
}

/* The rest of the line after a count, up to and including its newline: binary data follows. */
static int end_line(GmshReader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r')) r->p++;
  if (r->p >= r->end || *r->p != '\n') return expected(r, "the end of the line before binary data");
  r->p++, r->line++;
  return 0;
}

/* A count n of records of at least `least` bytes each must fit in what is left of the file:
 * this bounds every allocation by the file size. */
static int check_count(GmshReader *r, int64_t n, size_t least, const char *what)
{
  size_t left = (size_t)(r->end - r->p);
  if (n < 0) return gerr(r, "the number of %s is %lld", what, (long long)n);
  if ((uint64_t)n > left / least || (uint64_t)n > (uint64_t)INT_MAX / 8)
    return gerr(r,
                "the file says %lld %s, more than the %zu bytes left in it can hold: the file is truncated or "
                "corrupt; write it again with Gmsh",
                (long long)n, what, left);
  return 0;
}

static int need(GmshReader *r, size_t n, const char *what)
{
  if ((size_t)(r->end - r->p) < n)
    return gerr(r, "the file ends inside %s (it needs %zu more bytes, has %zu): truncated?", what, n,
                (size_t)(r->end - r->p));
  return 0;
}

static uint32_t raw32(GmshReader *r)
{
  uint32_t u;
  memcpy(&u, r->p, 4);
  r->p += 4;
  if (r->swap) u = (u >> 24) | ((u >> 8) & 0xff00u) | ((u << 8) & 0xff0000u) | (u << 24);
  return u;
}

static uint64_t raw64(GmshReader *r)
{
  uint64_t u;
  memcpy(&u, r->p, 8);
  r->p += 8;
  if (r->swap) {
    uint64_t s = 0;
    for (int k = 0; k < 8; k++) s = (s << 8) | ((u >> (8 * k)) & 0xff);
    u = s;
  }
  return u;
}

static int32_t bin_i32(GmshReader *r) { return (int32_t)raw32(r); }

static double bin_f64(GmshReader *r)
{
  uint64_t u = raw64(r);
  double d;
  memcpy(&d, &u, 8);
  return d;
}

/* A size_t field of 4.1 binary, as a signed count (huge values become -1: refused by
 * check_count). */
static int64_t bin_size(GmshReader *r)
{
  uint64_t u = raw64(r);
  return u > (uint64_t)INT64_MAX ? -1 : (int64_t)u;
}

static const GmshType *type_of(int t)
{
  for (int k = 0; k < tcad_gmsh_ntypes; k++)
    if (tcad_gmsh_types[k].type == t) return &tcad_gmsh_types[k];
  return NULL;
}

/* ---- $MeshFormat ---- */
static int read_format(GmshReader *r)
{
  double v;
  int64_t ft, ds;
  skip_ws(r);
  if ((size_t)(r->end - r->p) >= 4 && !memcmp(r->p, "$NOD", 4) && at_delim(r, r->p + 4))
    return gerr(r, "this is Gmsh format 1 ($NOD); tcad reads formats 2 and 4: write the mesh again with "
                   "gmsh -format msh41");
  if ((size_t)(r->end - r->p) < 11 || memcmp(r->p, "$MeshFormat", 11) || !at_delim(r, r->p + 11)) {
    char first[48];
    size_t k = 0;
    for (const char *q = r->p; q < r->end && *q != '\n' && *q != '\r' && k + 1 < sizeof first; q++)
      first[k++] = (*q >= 32 && *q < 127) ? *q : '?';
    first[k] = 0;
    return gerr(r,
                "not a Gmsh mesh: the first line is '%s', expected '$MeshFormat'; write the mesh with Gmsh "
                "(format 2.2 or 4.1)",
                first);
  }
  r->p += 11;
  TCAD_CALL(get_f64(r, &v, "the format version (e.g. 4.1)"));
  TCAD_CALL(get_i64(r, &ft, "the file type (0 ASCII, 1 binary)"));
  TCAD_CALL(get_i64(r, &ds, "the data size (8)"));
  static const double known[] = {2.0, 2.1, 2.2, 4.0, 4.1};
  int ok = 0;
  for (int k = 0; k < 5; k++)
    if (fabs(v - known[k]) < 1e-9) ok = 1, r->major = (int)known[k], r->minor = (int)lround(10 * (known[k] - r->major));
  if (!ok)
    return gerr(r,
                "Gmsh format %g is not supported; tcad reads 2.0-2.2 and 4.0-4.1: write the mesh with "
                "gmsh -format msh41 (or msh22)",
                v);
  if (ft != 0 && ft != 1) return gerr(r, "the file type is %lld; expected 0 (ASCII) or 1 (binary)", (long long)ft);
  if (ds != 8)
    return gerr(r,
                "the data size is %lld; tcad reads files with 8-byte numbers (what Gmsh writes): write the mesh "
                "again with Gmsh",
                (long long)ds);
  r->binary = (int)ft;
  if (r->binary && r->major == 4 && r->minor == 0)
    return gerr(r, "binary Gmsh 4.0 is not supported (Gmsh itself no longer writes it): write the mesh with "
                   "gmsh -format msh41 -bin");
  if (r->binary) {
    TCAD_CALL(end_line(r));
    r->bin = 1;
    TCAD_CALL(need(r, 4, "the binary byte-order marker"));
    uint32_t one;
    memcpy(&one, r->p, 4);
    if (one == 1)
      r->swap = 0;
    else if (one == 0x01000000u)
      r->swap = 1;
    else
      return gerr(r, "the binary byte-order marker is %u; expected 1 (the file is corrupt)", one);
    r->p += 4;
    r->bin = 0;
  }
  return get_marker(r, "$EndMeshFormat", "");
}

/* ---- $PhysicalNames (text in every format) ---- */

static int read_names(GmshReader *r)
{
  int64_t n;
  if (r->names) return gerr(r, "a second $PhysicalNames section; a mesh has one");
  TCAD_CALL(get_i64(r, &n, "the number of physical names"));
  TCAD_CALL(check_count(r, n, 8, "physical names"));
  r->names = tcad_calloc((size_t)n + 1, sizeof *r->names);
  if (!r->names) return TCAD_ERR_MEM;
  for (int64_t k = 0; k < n; k++) {
    GmshName *g = &r->names[k];
    TCAD_CALL(get_int(r, &g->dim, 0, 3, "the dimension of a physical name"));
    TCAD_CALL(get_int(r, &g->tag, INT_MIN, INT_MAX, "the tag of a physical name"));
    skip_ws(r);
    g->line = r->line;
    if (r->p >= r->end || *r->p != '"')
      return expected(r, "the physical group's name in double quotes (e.g. \"gate\")");
    const char *s = ++r->p, *q = s;
    while (q < r->end && *q != '"' && *q != '\n') q++;
    if (q >= r->end || *q != '"')
      return gerr(r, "the name of physical group %d has no closing double quote on its line", g->tag);
    size_t len = (size_t)(q - s);
    if (len == 0) return gerr(r, "physical group %d of %s has an empty name", g->tag, tcad_gmsh_dim_noun(g->dim));
    if (len >= sizeof g->name)
      return gerr(r, "the name of physical group %d (%.32s...) is longer than %d characters; shorten it in the .geo",
                  g->tag, s, (int)sizeof g->name - 1);
    for (size_t i = 0; i < len; i++)
      if ((unsigned char)s[i] < 32 || s[i] == 127)
        return gerr(r, "the name of physical group %d holds a control character (byte %d)", g->tag,
                    (int)(unsigned char)s[i]);
    memcpy(g->name, s, len);
    g->name[len] = 0;
    r->p = q + 1;
  }
  r->nnames = (size_t)n;
  qsort(r->names, r->nnames, sizeof *r->names, tcad_gmsh_name_cmp);
  for (size_t k = 1; k < r->nnames; k++)
    if (!tcad_gmsh_name_cmp(&r->names[k - 1], &r->names[k]))
      return gerr(r, "physical group %d of %s is named twice in $PhysicalNames ('%s', line %ld, and '%s', line %ld)",
                  r->names[k].tag, tcad_gmsh_dim_noun(r->names[k].dim), r->names[k - 1].name, r->names[k - 1].line,
                  r->names[k].name, r->names[k].line);
  return get_marker(r, "$EndPhysicalNames", " (more names than the count says?)");
}

/* ---- $Entities (4.x): the physical tags of each entity ---- */

static int read_entities(GmshReader *r)
{
  int64_t cnt[4], total = 0;
  if (r->ent) return gerr(r, "a second $Entities section; a mesh has one");
  if (r->binary) {
    TCAD_CALL(end_line(r));
    r->bin = 1;
    TCAD_CALL(need(r, 32, "the $Entities counts"));
    for (int d = 0; d < 4; d++) cnt[d] = bin_size(r);
  } else {
    for (int d = 0; d < 4; d++) TCAD_CALL(get_i64(r, &cnt[d], "the number of entities"));
  }
  for (int d = 0; d < 4; d++) {
    TCAD_CALL(check_count(r, cnt[d], r->binary ? 36 : 10, "entities"));
    total += cnt[d];
  }
  TCAD_CALL(check_count(r, total, r->binary ? 36 : 10, "entities"));
  r->ent = tcad_calloc((size_t)total + 1, sizeof *r->ent);
  if (!r->ent) return TCAD_ERR_MEM;
  for (int d = 0; d < 4; d++)
    for (int64_t i = 0; i < cnt[d]; i++) {
      GmshEntity *e = &r->ent[r->nent];
      int64_t nphys, nbnd = 0;
      /* 4.1 points have a position, everything else (and 4.0 points) a bounding box */
      const int nbox = (d == 0 && r->minor == 1) ? 3 : 6;
      e->dim = d;
      if (r->binary) {
        TCAD_CALL(need(r, 4 + 8 * (size_t)nbox + 8, "an entity"));
        e->tag = bin_i32(r);
        r->p += 8 * (size_t)nbox;
        nphys = bin_size(r);
      } else {
        double x;
        TCAD_CALL(get_int(r, &e->tag, INT_MIN, INT_MAX, "an entity tag"));
        for (int k = 0; k < nbox; k++) TCAD_CALL(get_f64(r, &x, "an entity's coordinates"));
        TCAD_CALL(get_i64(r, &nphys, "the number of physical tags of an entity"));
      }
      TCAD_CALL(check_count(r, nphys, r->binary ? 4 : 2, "physical tags of an entity"));
      if (r->nephys + (size_t)nphys > r->ephys_cap) {
        size_t cap = 2 * (r->nephys + (size_t)nphys) + 16;
        int *np = realloc(r->ephys, cap * sizeof *np);
        if (!np) return tcad_error(TCAD_ERR_MEM, "out of memory reading the entities of %s", r->path);
        r->ephys = np, r->ephys_cap = cap;
      }
      e->phys = r->nephys, e->nphys = (int)nphys;
      if (r->binary) TCAD_CALL(need(r, 4 * (size_t)nphys, "an entity's physical tags"));
      for (int64_t k = 0; k < nphys; k++) {
        if (r->binary)
          r->ephys[r->nephys++] = bin_i32(r);
        else
          TCAD_CALL(get_int(r, &r->ephys[r->nephys++], INT_MIN, INT_MAX, "a physical tag"));
      }
      if (d > 0) { /* bounding entities: not needed */
        if (r->binary) {
          TCAD_CALL(need(r, 8, "an entity"));
          nbnd = bin_size(r);
          TCAD_CALL(check_count(r, nbnd, 4, "bounding entities"));
          r->p += 4 * (size_t)nbnd;
        } else {
          int b;
          TCAD_CALL(get_i64(r, &nbnd, "the number of bounding entities"));
          TCAD_CALL(check_count(r, nbnd, 2, "bounding entities"));
          for (int64_t k = 0; k < nbnd; k++) TCAD_CALL(get_int(r, &b, INT_MIN, INT_MAX, "a bounding entity tag"));
        }
      }
      r->nent++;
    }
  r->bin = 0;
  qsort(r->ent, r->nent, sizeof *r->ent, tcad_gmsh_ent_cmp);
  for (size_t k = 1; k < r->nent; k++)
    if (!tcad_gmsh_ent_cmp(&r->ent[k - 1], &r->ent[k]))
      return gerr(r, "entity %d of %s appears twice in $Entities", r->ent[k].tag, tcad_gmsh_dim_noun(r->ent[k].dim));
  return get_marker(r, "$EndEntities", " (more entities than the counts say?)");
}

/* ---- $Nodes ---- */
static int store_node(GmshReader *r, size_t k, int64_t tag, const double *x)
{
  if (tag < 1) return gerr(r, "node tag %lld; Gmsh node tags are positive", (long long)tag);
  for (int d = 0; d < 3; d++)
    if (!isfinite(x[d]))
      return gerr(r, "node %lld has %c = %g; expected finite coordinates: fix or rewrite the mesh file", (long long)tag,
                  "xyz"[d], x[d]);
  r->ntag[k] = tag;
  memcpy(r->xyz + 3 * k, x, 3 * sizeof(double));
  return 0;
}

static int tag_cmp(const void *a, const void *b)
{
  int64_t x = ((const GmshTagNode *)a)->tag, y = ((const GmshTagNode *)b)->tag;
  return (x > y) - (x < y);
}

/* The tag -> node map: a table when the tags are dense (what Gmsh writes), else the nodes sorted
 * by tag. Tags must be unique. */
static int node_map(GmshReader *r)
{
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (size_t k = 0; k < r->nnodes; k++) lo = r->ntag[k] < lo ? r->ntag[k] : lo, hi = r->ntag[k] > hi ? r->ntag[k] : hi;
  r->tag_min = lo;
  if (r->nnodes && (uint64_t)(hi - lo) < 4 * (uint64_t)r->nnodes + 1024) {
    r->ndense = (size_t)(hi - lo) + 1;
    r->dense = malloc(r->ndense * sizeof *r->dense);
    if (!r->dense) return tcad_error(TCAD_ERR_MEM, "out of memory reading the nodes of %s", r->path);
    memset(r->dense, 0xff, r->ndense * sizeof *r->dense);
    for (size_t k = 0; k < r->nnodes; k++) {
      int *slot = &r->dense[r->ntag[k] - lo];
      if (*slot >= 0)
        return tcad_error(TCAD_ERR_MESH, "%s: node tag %lld appears twice in $Nodes", r->path, (long long)r->ntag[k]);
      *slot = (int)k;
    }
    return 0;
  }
  r->sorted = malloc((r->nnodes + 1) * sizeof *r->sorted);
  if (!r->sorted) return tcad_error(TCAD_ERR_MEM, "out of memory reading the nodes of %s", r->path);
  for (size_t k = 0; k < r->nnodes; k++) r->sorted[k] = (GmshTagNode){r->ntag[k], (int)k};
  qsort(r->sorted, r->nnodes, sizeof *r->sorted, tag_cmp);
  for (size_t k = 1; k < r->nnodes; k++)
    if (r->sorted[k].tag == r->sorted[k - 1].tag)
      return tcad_error(TCAD_ERR_MESH, "%s: node tag %lld appears twice in $Nodes", r->path,
                        (long long)r->sorted[k].tag);
  return 0;
}

static int node_index(const GmshReader *r, int64_t tag)
{
  if (r->dense) return tag >= r->tag_min && (uint64_t)(tag - r->tag_min) < r->ndense ? r->dense[tag - r->tag_min] : -1;
  size_t lo = 0, hi = r->nnodes;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t t = r->sorted[mid].tag;
    if (t == tag) return r->sorted[mid].node;
    if (t < tag)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

static int alloc_nodes(GmshReader *r, int64_t n)
{
  r->nnodes = (size_t)n;
  r->ntag = malloc(((size_t)n + 1) * sizeof *r->ntag);
  r->xyz = malloc(((size_t)n + 1) * 3 * sizeof *r->xyz);
  if (!r->ntag || !r->xyz)
    return tcad_error(TCAD_ERR_MEM, "out of memory for the %lld nodes of %s", (long long)n, r->path);
  return 0;
}

static int read_nodes2(GmshReader *r)
{
  int64_t n, tag;
  double x[3];
  TCAD_CALL(get_i64(r, &n, "the number of nodes"));
  TCAD_CALL(check_count(r, n, r->binary ? 28 : 8, "nodes"));
  TCAD_CALL(alloc_nodes(r, n));
  if (r->binary) {
    TCAD_CALL(end_line(r));
    r->bin = 1;
    TCAD_CALL(need(r, 28 * (size_t)n, "$Nodes"));
  }
  for (size_t k = 0; k < (size_t)n; k++) {
    if (r->binary) {
      tag = bin_i32(r);
      for (int d = 0; d < 3; d++) x[d] = bin_f64(r);
    } else {
      TCAD_CALL(get_i64(r, &tag, "a node tag"));
      for (int d = 0; d < 3; d++) TCAD_CALL(get_f64(r, &x[d], "a node coordinate"));
    }
    TCAD_CALL(store_node(r, k, tag, x));
  }
  r->bin = 0;
  return 0;
}

static int read_nodes4(GmshReader *r)
{
  int64_t nblocks, n, lohi;
  size_t k = 0;
  const int v41 = r->minor == 1;
  if (r->binary) {
    TCAD_CALL(end_line(r));
    r->bin = 1;
    TCAD_CALL(need(r, 32, "the $Nodes counts"));
    nblocks = bin_size(r), n = bin_size(r);
    r->p += 16; /* the smallest and largest tags */
  } else {
    TCAD_CALL(get_i64(r, &nblocks, "the number of node blocks"));
    TCAD_CALL(get_i64(r, &n, "the number of nodes"));
    if (v41) {
      TCAD_CALL(get_i64(r, &lohi, "the smallest node tag"));
      TCAD_CALL(get_i64(r, &lohi, "the largest node tag"));
    }
  }
  TCAD_CALL(check_count(r, nblocks, r->binary ? 20 : 8, "node blocks"));
  TCAD_CALL(check_count(r, n, r->binary ? 32 : 8, "nodes"));
  TCAD_CALL(alloc_nodes(r, n));
  for (int64_t b = 0; b < nblocks; b++) {
    int edim, etag, param;
    int64_t m;
    if (r->binary) {
      TCAD_CALL(need(r, 20, "a node block header"));
      edim = bin_i32(r), etag = bin_i32(r), param = bin_i32(r);
      m = bin_size(r);
      (void)etag;
      if (edim < 0 || edim > 3 || param < 0 || param > 1)
        return gerr(r, "a node block header has entity dimension %d and parametric flag %d (corrupt file)", edim,
                    param);
    } else {
      if (v41) {
        TCAD_CALL(get_int(r, &edim, 0, 3, "the entity dimension of a node block"));
        TCAD_CALL(get_int(r, &etag, INT_MIN, INT_MAX, "the entity tag of a node block"));
      } else {
        TCAD_CALL(get_int(r, &etag, INT_MIN, INT_MAX, "the entity tag of a node block"));
        TCAD_CALL(get_int(r, &edim, 0, 3, "the entity dimension of a node block"));
      }
      TCAD_CALL(get_int(r, &param, 0, 1, "the parametric flag of a node block (0 or 1)"));
      TCAD_CALL(get_i64(r, &m, "the number of nodes in a block"));
    }
    if (m < 0 || (uint64_t)m > r->nnodes - k)
      return gerr(r, "a node block holds %lld nodes, more than the %zu left of the %zu the section announced",
                  (long long)m, r->nnodes - k, r->nnodes);
    const int ncoord = 3 + (param ? edim : 0);
    if (r->binary) {
      TCAD_CALL(need(r, (size_t)m * (8 + 8 * (size_t)ncoord), "a node block"));
      const char *tags = r->p, *coords = r->p + 8 * (size_t)m;
      for (int64_t i = 0; i < m; i++) {
        double x[3];
        r->p = tags + 8 * (size_t)i;
        int64_t tag = bin_size(r);
        r->p = coords + 8 * (size_t)ncoord * (size_t)i;
        for (int d = 0; d < 3; d++) x[d] = bin_f64(r);
        r->p = tags + 8 * (size_t)i; /* where the tag is, for a message */
        TCAD_CALL(store_node(r, k + (size_t)i, tag, x));
      }
      r->p = coords + 8 * (size_t)ncoord * (size_t)m;
    } else if (v41) {
      for (int64_t i = 0; i < m; i++) TCAD_CALL(get_i64(r, &r->ntag[k + (size_t)i], "a node tag"));
      for (int64_t i = 0; i < m; i++) {
        double x[3], u;
        for (int d = 0; d < 3; d++) TCAD_CALL(get_f64(r, &x[d], "a node coordinate"));
        for (int d = 3; d < ncoord; d++) TCAD_CALL(get_f64(r, &u, "a node's parametric coordinate"));
        TCAD_CALL(store_node(r, k + (size_t)i, r->ntag[k + (size_t)i], x));
      }
    } else {
      for (int64_t i = 0; i < m; i++) {
        int64_t tag;
        double x[3], u;
        TCAD_CALL(get_i64(r, &tag, "a node tag"));
        for (int d = 0; d < 3; d++) TCAD_CALL(get_f64(r, &x[d], "a node coordinate"));
        for (int d = 3; d < ncoord; d++) TCAD_CALL(get_f64(r, &u, "a node's parametric coordinate"));
        TCAD_CALL(store_node(r, k + (size_t)i, tag, x));
      }
    }
    k += (size_t)m;
  }
  if (k != r->nnodes)
    return gerr(r, "$Nodes announces %zu nodes but its blocks hold %zu (the file is corrupt)", r->nnodes, k);
  r->bin = 0;
  return 0;
}

static int read_nodes(GmshReader *r)
{
  if (r->have_nodes) return gerr(r, "a second $Nodes section; tcad reads meshes with one");
  r->have_nodes = 1;
  TCAD_CALL(r->major == 2 ? read_nodes2(r) : read_nodes4(r));
  TCAD_CALL(node_map(r));
  return get_marker(r, "$EndNodes", " (more nodes than the count says?)");
}

/* ---- $Elements ---- */
static int add_element(GmshReader *r, int64_t id, int ti, int grp, const int64_t *ntags)
{
  const GmshType *t = &tcad_gmsh_types[ti];
  if (t->order > 1 && t->dim > 0)
    return gerr(r,
                "element %lld is a %s; tcad needs first-order elements: mesh with Mesh.ElementOrder = 1 (the "
                "default)",
                (long long)id, t->name);
  if (t->dim == 3 && t->type != 4)
    return gerr(r,
                "element %lld is a %s; tcad needs simplices (segments, triangles, tetrahedra; quadrilaterals "
                "are split): remesh with simplices",
                (long long)id, t->name);
  GmshElem *e = &r->el[r->nel];
  e->id = id, e->off = r->nenode, e->grp = grp, e->type = ti, e->dim = t->dim;
  for (int k = 0; k < t->nv; k++) {
    int n = node_index(r, ntags[k]);
    if (n < 0)
      return gerr(r, "element %lld (a %s) names node %lld, which is not in $Nodes (the file is corrupt)", (long long)id,
                  t->name, (long long)ntags[k]);
    r->enode[r->nenode++] = n;
  }
  r->nel++;
  return 0;
}

/* Elements of `n` announced; each needs at least `least` bytes. Nodes per element are at most 8
 * for the types kept (the others are refused before they are stored). */
static int alloc_elements(GmshReader *r, int64_t n, size_t least)
{
  TCAD_CALL(check_count(r, n, least, "elements"));
  r->el = malloc(((size_t)n + 1) * sizeof *r->el);
  r->enode = malloc(((size_t)n + 1) * 4 * sizeof *r->enode);
  if (!r->el || !r->enode)
    return tcad_error(TCAD_ERR_MEM, "out of memory for the %lld elements of %s", (long long)n, r->path);
  return 0;
}

/* 4 nodes per element were allocated; a hexahedron is refused in add_element before it stores
 * more, and the largest kept type (quadrilateral, tetrahedron) has 4. */
static int read_elements2(GmshReader *r)
{
  int64_t n, ntags[128];
  TCAD_CALL(get_i64(r, &n, "the number of elements"));
  TCAD_CALL(alloc_elements(r, n, r->binary ? 16 : 8));
  if (r->binary) {
    TCAD_CALL(end_line(r));
    r->bin = 1;
    for (int64_t k = 0; k < n;) {
      TCAD_CALL(need(r, 12, "an element block header"));
      int type = bin_i32(r), nfollow = bin_i32(r), ntag = bin_i32(r);
      const GmshType *t = type_of(type);
      if (!t) return gerr(r, "element type %d is not a Gmsh element type tcad knows (the file is corrupt?)", type);
      if (nfollow < 1 || nfollow > n - k)
        return gerr(r, "an element block of %d elements, with %lld left of the %lld announced", nfollow,
                    (long long)(n - k), (long long)n);
      if (ntag < 0 || ntag > 64) return gerr(r, "an element block with %d tags per element (corrupt?)", ntag);
      const size_t per = 4 * (size_t)(1 + ntag + t->nv);
      TCAD_CALL(need(r, per * (size_t)nfollow, "an element block"));
      for (int i = 0; i < nfollow; i++) {
        int64_t id = bin_i32(r);
        int phys = 0;
        for (int j = 0; j < ntag; j++) {
          int v = bin_i32(r);
          if (j == 0) phys = v;
        }
        for (int j = 0; j < t->nv; j++) ntags[j] = bin_i32(r);
        TCAD_CALL(add_element(r, id, (int)(t - tcad_gmsh_types), phys, ntags));
      }
      k += nfollow;
    }
    r->bin = 0;
  } else {
    for (int64_t k = 0; k < n; k++) {
      int64_t id;
      int type, ntag, phys = 0, v;
      TCAD_CALL(get_i64(r, &id, "an element tag"));
      TCAD_CALL(get_int(r, &type, 1, INT_MAX, "an element type"));
      const GmshType *t = type_of(type);
      if (!t)
        return gerr(r, "element %lld has type %d, which is not a Gmsh element type tcad knows", (long long)id, type);
      TCAD_CALL(get_int(r, &ntag, 0, 64, "the number of tags of an element"));
      for (int j = 0; j < ntag; j++) {
        TCAD_CALL(get_int(r, &v, INT_MIN, INT_MAX, "an element's tag"));
        if (j == 0) phys = v; /* the physical group; the second tag is the elementary entity */
      }
      for (int j = 0; j < t->nv; j++) TCAD_CALL(get_i64(r, &ntags[j], "an element's node tag"));
      TCAD_CALL(add_element(r, id, (int)(t - tcad_gmsh_types), phys, ntags));
    }
  }
  return 0;
}

static int read_elements4(GmshReader *r)
{
  int64_t nblocks, n, lohi, ntags[128];
  int64_t k = 0;
  const int v41 = r->minor == 1;
  if (r->binary) {
    TCAD_CALL(end_line(r));
    r->bin = 1;
    TCAD_CALL(need(r, 32, "the $Elements counts"));
    nblocks = bin_size(r), n = bin_size(r);
    r->p += 16;
  } else {
    TCAD_CALL(get_i64(r, &nblocks, "the number of element blocks"));
    TCAD_CALL(get_i64(r, &n, "the number of elements"));
    if (v41) {
      TCAD_CALL(get_i64(r, &lohi, "the smallest element tag"));
      TCAD_CALL(get_i64(r, &lohi, "the largest element tag"));
    }
  }
  TCAD_CALL(check_count(r, nblocks, r->binary ? 20 : 8, "element blocks"));
  TCAD_CALL(alloc_elements(r, n, r->binary ? 16 : 4));
  for (int64_t b = 0; b < nblocks; b++) {
    int edim, etag, type;
    int64_t m;
    if (r->binary) {
      TCAD_CALL(need(r, 20, "an element block header"));
      edim = bin_i32(r), etag = bin_i32(r), type = bin_i32(r);
      m = bin_size(r);
    } else {
      if (v41) {
        TCAD_CALL(get_int(r, &edim, 0, 3, "the entity dimension of an element block"));
        TCAD_CALL(get_int(r, &etag, INT_MIN, INT_MAX, "the entity tag of an element block"));
      } else {
        TCAD_CALL(get_int(r, &etag, INT_MIN, INT_MAX, "the entity tag of an element block"));
        TCAD_CALL(get_int(r, &edim, 0, 3, "the entity dimension of an element block"));
      }
      TCAD_CALL(get_int(r, &type, 1, INT_MAX, "the element type of a block"));
      TCAD_CALL(get_i64(r, &m, "the number of elements in a block"));
    }
    const GmshType *t = type_of(type);
    if (!t) return gerr(r, "element type %d is not a Gmsh element type tcad knows (the file is corrupt?)", type);
    if (t->dim != edim)
      return gerr(r, "a block of %ss (dimension %d) is on an entity of dimension %d (the file is corrupt)", t->name,
                  t->dim, edim);
    if (m < 0 || m > n - k)
      return gerr(r, "an element block holds %lld elements, more than the %lld left of the %lld announced",
                  (long long)m, (long long)(n - k), (long long)n);
    if (r->binary) TCAD_CALL(need(r, 8 * (size_t)(1 + t->nv) * (size_t)m, "an element block"));
    for (int64_t i = 0; i < m; i++) {
      int64_t id;
      if (r->binary) {
        id = bin_size(r);
        for (int j = 0; j < t->nv; j++) ntags[j] = bin_size(r);
      } else {
        TCAD_CALL(get_i64(r, &id, "an element tag"));
        for (int j = 0; j < t->nv; j++) TCAD_CALL(get_i64(r, &ntags[j], "an element's node tag"));
      }
      TCAD_CALL(add_element(r, id, (int)(t - tcad_gmsh_types), etag, ntags));
    }
    k += m;
  }
  if (k != n)
    return gerr(r, "$Elements announces %lld elements but its blocks hold %lld (the file is corrupt)", (long long)n,
                (long long)k);
  r->bin = 0;
  return 0;
}

static int read_elements(GmshReader *r)
{
  if (r->have_elements) return gerr(r, "a second $Elements section; tcad reads meshes with one");
  if (!r->have_nodes) return gerr(r, "$Elements comes before $Nodes (the file is corrupt)");
  r->have_elements = 1;
  TCAD_CALL(r->major == 2 ? read_elements2(r) : read_elements4(r));
  return get_marker(r, "$EndElements", " (more elements than the count says?)");
}

/* A section tcad does not need ($Periodic, $NodeData, ...): skipped up to its end marker at the
 * start of a line. */
static int skip_section(GmshReader *r, const char *name)
{
  char end[80];
  int n = snprintf(end, sizeof end, "$End%s", name + 1);
  for (const char *q = r->p; q < r->end; q++) {
    if (*q == '\n') r->line++;
    if (*q == '$' && (q == r->buf || q[-1] == '\n') && (size_t)(r->end - q) >= (size_t)n &&
        !memcmp(q, end, (size_t)n) && at_delim(r, q + n)) {
      r->p = q + n;
      return 0;
    }
  }
  return gerr(r, "section %s has no %s (truncated?)", name, end);
}

static void reader_free(GmshReader *r)
{
  free(r->ntag), free(r->xyz), free(r->dense), free(r->sorted), free(r->ent), free(r->ephys), free(r->names);
  free(r->el), free(r->enode);
}

int tcad_mesh_read_gmsh(const char *path, const char *buf, size_t len, double scale, TcadMesh **mesh)
{
  GmshReader r = {.path = path, .buf = buf, .p = buf, .end = buf + len, .line = 1};
  TcadMesh *m = NULL;
  int rc = read_format(&r);
  while (!rc) {
    char word[72];
    size_t n = 0;
    skip_ws(&r);
    if (r.p >= r.end) break;
    if (*r.p != '$') {
      rc = expected(&r, "a section ($Nodes, $Elements, ...)");
      break;
    }
    while (r.p + n < r.end && !is_space(r.p[n]) && n + 1 < sizeof word) word[n] = r.p[n], n++;
    word[n] = 0;
    if (!at_delim(&r, r.p + n)) {
      rc = gerr(&r, "a section name longer than %d characters", (int)sizeof word - 2);
      break;
    }
    r.p += n;
    if (!strcmp(word, "$Nodes"))
      rc = read_nodes(&r);
    else if (!strcmp(word, "$Elements"))
      rc = read_elements(&r);
    else if (!strcmp(word, "$PhysicalNames"))
      rc = read_names(&r);
    else if (!strcmp(word, "$Entities") && r.major == 4)
      rc = read_entities(&r);
    else if (!strcmp(word, "$PartitionedEntities"))
      rc = gerr(&r, "a partitioned mesh; tcad reads whole meshes: write it again without partitions "
                    "(Mesh.PartitionOldStyleMsh2 off, or mesh without -part)");
    else if (!strcmp(word, "$MeshFormat"))
      rc = gerr(&r, "a second $MeshFormat (two files pasted together?)");
    else if (!strncmp(word, "$End", 4))
      rc = gerr(&r, "'%s' closes no open section", word);
    else
      rc = skip_section(&r, word);
  }
  if (!rc && !r.have_elements)
    rc = tcad_error(TCAD_ERR_MESH, "%s: the file has no $Elements section (truncated, or not meshed?)", path);
  if (!rc) rc = tcad_mesh_create(&m);
  if (!rc) {
    snprintf(m->source, sizeof m->source, "%s", path);
    rc = tcad_gmsh_build(&r, scale, m);
  }
  reader_free(&r);
  if (rc) {
    TcadMeshDestroy(&m);
    return rc;
  }
  *mesh = m;
  return 0;
}

int TcadMeshLoadGmsh(const char *path, double scale, TcadMesh **mesh)
{
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long size = -1;
  int rc = 0;
  if (!f) return tcad_error(TCAD_ERR_IO, "cannot open mesh '%s': %s", path, strerror(errno));
  if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
  if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
    rc = tcad_error(TCAD_ERR_IO, "cannot read mesh '%s': %s", path, strerror(errno));
    goto done;
  }
  buf = malloc((size_t)size + 1);
  if (!buf) {
    rc = tcad_error(TCAD_ERR_MEM, "the mesh '%s' (%ld bytes) does not fit in memory", path, size);
    goto done;
  }
  if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
    rc = tcad_error(TCAD_ERR_IO, "cannot read mesh '%s': %s", path,
                    ferror(f) ? strerror(errno) : "it is shorter than its size");
    goto done;
  }
  buf[size] = 0;
  rc = tcad_mesh_read_gmsh(path, buf, (size_t)size, scale, mesh);
done:
  free(buf);
  fclose(f);
  return rc;
}
