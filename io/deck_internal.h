/* The deck parser's internals, shared by the files of io/deck*.c (the public API is
 * include/tcad/deck.h):
 *   deck.c          load from a file or a string, the top-level mapping, defaults, destroy
 *   deck_yaml.c     YAML node access, messages ("FILE:LINE:COL: ..."), keys, numbers, strings
 *   deck_suggest.c  name lists, "did you mean", "expected one of" lists (string functions only)
 *   deck_device.c   mesh, boxes, regions, contacts, interfaces
 *   deck_doping.c   doping profiles
 *   deck_physics.c  materials (and TcadDeckGetMaterial) and physics models
 *   deck_solve.c    solve steps and output
 * Every section function takes the parse context and the section's node, fills ctx->deck and
 * returns 0 or a positive TCAD_ERR_* (TCAD_ERR_INPUT with a message pointing into the deck). */
#ifndef TCAD_IO_DECK_INTERNAL_H
#define TCAD_IO_DECK_INTERNAL_H
#include <stddef.h>
#include <yaml.h>

#include "tcad/deck.h"
#include "tcad/error.h"

#define TCAD_DECK_UM 1e-4  /* cm per µm */
#define TCAD_DECK_PATH 256 /* room for an entry's dotted path, e.g. "mesh.generate.x[3].step" */
#define TCAD_DECK_LIST 1024
#define TCAD_DECK_MAX_BYTES (16u << 20) /* a deck (or plan) larger than this is refused before libyaml reads it */

typedef struct {
  yaml_document_t doc;
  const char *name; /* file name (or string name) for messages */
  TcadDeck *deck;
  int generated; /* mesh: 1 generated, 0 Gmsh file */
} TcadDeckCtx;

/* ---- deck.c ---- */
/* Parse YAML text (one document, at most TCAD_DECK_MAX_BYTES, nesting checked first) into *doc;
 * syntax errors as "NAME:LINE:COL: ...". `what` names the file's kind in messages ("deck",
 * "plan"), `expect` what an empty one should hold. The caller deletes *doc (nothing to delete on
 * failure). */
int tcad_deck_load_yaml(const char *text, size_t len, const char *name, const char *what, const char *expect,
                        yaml_document_t *doc);

/* ---- deck_suggest.c: name lists. Keys, enum values, materials, regions and contacts share
 * one interface so that suggestions and "expected one of" lists are built the same way. ---- */
typedef const char *(*TcadDeckNameAt)(const void *list, int i);
const char *tcad_deck_name_str(const void *list, int i);      /* list: NULL-terminated const char *[] */
const char *tcad_deck_name_material(const void *list, int i); /* list: the TcadDeck */
const char *tcad_deck_name_region(const void *list, int i);
const char *tcad_deck_name_contact(const void *list, int i);
/* Entries of a NULL-terminated list. */
int tcad_deck_count(const char *const *names);
/* Case-insensitive equality. */
int tcad_deck_ieq(const char *a, const char *b);
/* The closest name within max(2, len/3) edits (case-insensitive), or NULL. */
const char *tcad_deck_suggest(const char *word, const void *list, int n, TcadDeckNameAt at);
/* "a, b, c" into buf (cut with "..." when it does not fit); returns buf. */
const char *tcad_deck_join(const void *list, int n, TcadDeckNameAt at, char *buf, size_t cap);

/* ---- deck_yaml.c: messages ---- */
/* Raise TCAD_ERR_INPUT as "FILE:LINE:COL: message" at node n (1:1 when n is NULL), with the
 * raising frame; use it through TCAD_DECK_FAIL. Returns TCAD_ERR_INPUT. */
int tcad_deck_fail_at(const TcadDeckCtx *c, const yaml_node_t *n, const char *file, int line, const char *func,
                      const char *fmt, ...) TCAD_PRINTF(6, 7);
#define TCAD_DECK_FAIL(c, n, ...) tcad_deck_fail_at((c), (n), __FILE__, __LINE__, __func__, __VA_ARGS__)
/* Raise "unknown <what> '<name>' in '<path>'" with the closest defined name or the list. */
int tcad_deck_unknown_name(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *what, const char *name,
                           const void *list, int count, TcadDeckNameAt at);
/* 1-based position of a node, for TcadSrcLoc fields. */
TcadSrcLoc tcad_deck_loc(const yaml_node_t *n);
/* "path.key" and "path[i]" (cut to fit: paths only go into messages). */
void tcad_deck_path(char *out, size_t cap, const char *path, const char *key);
void tcad_deck_path_index(char *out, size_t cap, const char *path, int i);
/* A plain empty, "~" or "null" scalar. */
int tcad_deck_is_null(const yaml_node_t *n);
/* What a node is, for "'x' is <this>; expected ..." messages. */
const char *tcad_deck_what(const yaml_node_t *n, char *buf, size_t cap);

/* ---- deck_yaml.c: node access ---- */
yaml_node_t *tcad_deck_node(TcadDeckCtx *c, int index);
/* Items of a list or pairs of a mapping (0 for a scalar). */
int tcad_deck_len(const yaml_node_t *n);
yaml_node_t *tcad_deck_item(TcadDeckCtx *c, const yaml_node_t *seq, int i);
int tcad_deck_scalar_is(const yaml_node_t *n, const char *s);
/* Value under `key` in a mapping (keys were checked unique by tcad_deck_keys); NULL if absent.
 * *keynode (when not NULL) gets the key's node. */
yaml_node_t *tcad_deck_get(TcadDeckCtx *c, const yaml_node_t *map, const char *key, yaml_node_t **keynode);
/* The node is a mapping (example: what one looks like) / a list of `what`, or an error. */
int tcad_deck_expect_map(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *example);
int tcad_deck_expect_list(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *what);
/* Every key of a mapping is a plain scalar, given once, and (when `keys` is not NULL) one of
 * `keys` (NULL-terminated); an unknown key gets the closest valid key or the list. */
int tcad_deck_keys(TcadDeckCtx *c, const yaml_node_t *map, const char *path, const char *const *keys);
/* Required key: *val is its value, or an error at the mapping saying what was `expect`ed. */
int tcad_deck_need(TcadDeckCtx *c, const yaml_node_t *map, const char *path, const char *key, const char *expect,
                   yaml_node_t **val);

/* ---- deck_yaml.c: scalars ---- */
/* A finite decimal number (no hex, inf, nan); `unit` (may be NULL) goes into the message. */
int tcad_deck_num(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *unit, double *out);
int tcad_deck_positive(TcadDeckCtx *c, const yaml_node_t *n, const char *path, double v, const char *unit);
/* v within [lo, hi] (unit), else an error naming the range and `why` it is the range. */
int tcad_deck_in_range(TcadDeckCtx *c, const yaml_node_t *n, const char *path, double v, double lo, double hi,
                       const char *unit, const char *why);
int tcad_deck_nonnegative(TcadDeckCtx *c, const yaml_node_t *n, const char *path, double v, const char *unit);
/* Optional number under `key`; *out is left alone when the key is absent (*val is then NULL). */
int tcad_deck_get_num(TcadDeckCtx *c, const yaml_node_t *map, const char *path, const char *key, const char *unit,
                      double *out, yaml_node_t **val);
/* A non-empty string that fits `cap` (names, paths). */
int tcad_deck_str(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *what, char *out, size_t cap);
/* A region's or contact's name `name` (read from n at `path`) must be one the output can hold:
 * it becomes an HDF5 dataset and attribute name, a CSV column and an XDMF attribute. */
int tcad_deck_entity_name(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *name);
/* An enumerated value (case-insensitive); *out is its index in `names` (NULL-terminated). */
int tcad_deck_enum(TcadDeckCtx *c, const yaml_node_t *n, const char *path, const char *const *names, int *out);

/* ---- deck_device.c ---- */
extern const char *const tcad_deck_axes[]; /* "x", "y", "z", NULL */
/* Index of a region / contact of the deck by name (exact), -1 if absent. */
int tcad_deck_find_region(const TcadDeck *d, const char *name);
int tcad_deck_find_contact(const TcadDeck *d, const char *name);
/* A box {x: [lo, hi], ...} in µm, stored in cm. On a generated mesh only its axes are allowed. */
int tcad_deck_box(TcadDeckCtx *c, const yaml_node_t *n, const char *path, TcadBox *box);
int tcad_deck_mesh(TcadDeckCtx *c, const yaml_node_t *n);
int tcad_deck_regions(TcadDeckCtx *c, const yaml_node_t *n);
int tcad_deck_contacts(TcadDeckCtx *c, const yaml_node_t *n);
int tcad_deck_interfaces(TcadDeckCtx *c, const yaml_node_t *n);

/* ---- deck_doping.c ---- */
int tcad_deck_doping(TcadDeckCtx *c, const yaml_node_t *n);

/* ---- deck_physics.c ---- */
/* Index of a material among the first `count` of the deck's table (case-insensitive), -1. */
int tcad_deck_find_material(const TcadDeck *d, int count, const char *name);
/* n may be NULL (no `materials:` section): the table is then the built-ins. */
int tcad_deck_materials(TcadDeckCtx *c, const yaml_node_t *n);
int tcad_deck_physics(TcadDeckCtx *c, const yaml_node_t *n);
/* The reliability section (hot-carrier monitor contacts); after contacts and physics. */
int tcad_deck_reliability(TcadDeckCtx *c, const yaml_node_t *n);
void tcad_deck_injection_defaults(TcadReliabilitySpec *r);

/* ---- deck_solve.c ---- */
int tcad_deck_solve(TcadDeckCtx *c, const yaml_node_t *n);
/* n may be NULL (no `output:` section): the defaults stay. */
int tcad_deck_output(TcadDeckCtx *c, const yaml_node_t *n);
#endif
