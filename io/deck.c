/* Input deck parser: YAML (libyaml document API) into a TcadDeck, with strict keys, unit
 * conversion (µm in the deck, cm in memory) and validation. Schema: docs/deck.md.
 * Every error reads "FILE:LINE:COL: what is wrong; what was expected" (1-based positions).
 * The walk follows the schema, never the YAML tree itself, so its depth is bounded whatever
 * the input (recursive aliases included). This file reads the text, walks the top level and
 * owns the TcadDeck; the sections are parsed in the files listed in io/deck_internal.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/deck_internal.h"

static const char *const deck_top_keys[] = {"title",   "mesh",       "regions", "contacts", "doping",      "materials",
                                            "physics", "interfaces", "solve",   "output",   "reliability", NULL};

/* Defaults that do not depend on the deck's content. */
static void deck_defaults(TcadDeck *d)
{
  const char *base = strrchr(d->path, '/');
  char stem[TCAD_PATH_MAX];
  base = base ? base + 1 : d->path;
  snprintf(stem, sizeof stem, "%s", base);
  char *dot = strrchr(stem, '.');
  if (dot && dot != stem) *dot = 0;
  if (!stem[0]) snprintf(stem, sizeof stem, "deck");
  snprintf(d->output.directory, sizeof d->output.directory, "tcad-out/%.900s", stem);
  snprintf(d->output.fields, sizeof d->output.fields, "fields.h5");
  snprintf(d->output.iv, sizeof d->output.iv, "iv.csv");
  d->output.quantities = ~0UL; /* every field */
  d->output.fields_every = 1;
  d->mesh.scale = TCAD_DECK_UM;
  d->physics.transport = TCAD_TRANSPORT_DD;
  d->physics.temperature = 300.0;
  d->physics.statistics = TCAD_STAT_BOLTZMANN;
  d->physics.mobility = TCAD_MOB_CAUGHEY_THOMAS;
  d->physics.high_field = TCAD_HF_CANALI;
  d->physics.driving_force = TCAD_DF_JOULE;
  d->physics.srh = 1;
  d->physics.auger = 1;
  d->physics.impact = TCAD_II_NONE;
  d->physics.hot_carrier = TCAD_HC_NONE;
  tcad_deck_injection_defaults(&d->reliability);
}

/* An optional section: absent or empty (null) both mean "not given". */
static yaml_node_t *deck_section(TcadDeckCtx *c, const yaml_node_t *root, const char *key)
{
  yaml_node_t *v = tcad_deck_get(c, root, key, NULL);
  return v && !tcad_deck_is_null(v) ? v : NULL;
}

static int deck_top(TcadDeckCtx *c, const yaml_node_t *root)
{
  TcadDeck *d = c->deck;
  char b[128];
  yaml_node_t *v;
  if (root->type != YAML_MAPPING_NODE)
    return TCAD_DECK_FAIL(c, root, "the deck is %s; expected a mapping with at least 'mesh' and 'regions'",
                          tcad_deck_what(root, b, sizeof b));
  TCAD_CALL(tcad_deck_keys(c, root, "", deck_top_keys));
  if ((v = deck_section(c, root, "title")))
    TCAD_CALL(tcad_deck_str(c, v, "title", "a line of text", d->title, sizeof d->title));
  TCAD_CALL(tcad_deck_materials(c, tcad_deck_get(c, root, "materials", NULL)));
  TCAD_CALL(tcad_deck_need(c, root, "", "mesh", "the mesh source ('file' or 'generate')", &v));
  TCAD_CALL(tcad_deck_mesh(c, v));
  TCAD_CALL(tcad_deck_need(c, root, "", "regions", "a list of regions {name: ..., material: ...}", &v));
  TCAD_CALL(tcad_deck_regions(c, v));
  if ((v = deck_section(c, root, "contacts"))) TCAD_CALL(tcad_deck_contacts(c, v));
  if ((v = deck_section(c, root, "doping"))) TCAD_CALL(tcad_deck_doping(c, v));
  if ((v = deck_section(c, root, "physics"))) TCAD_CALL(tcad_deck_physics(c, v));
  if ((v = deck_section(c, root, "interfaces"))) TCAD_CALL(tcad_deck_interfaces(c, v));
  if ((v = deck_section(c, root, "reliability"))) TCAD_CALL(tcad_deck_reliability(c, v));
  if ((v = deck_section(c, root, "solve"))) TCAD_CALL(tcad_deck_solve(c, v));
  TCAD_CALL(tcad_deck_output(c, deck_section(c, root, "output")));
  return 0;
}

/* libyaml's own errors, in the same FILE:LINE:COL form. */
static int deck_syntax_error(const yaml_parser_t *p, const char *name, const char *text, size_t len)
{
  size_t line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;
  if (p->error == YAML_MEMORY_ERROR) return tcad_error(TCAD_ERR_MEM, "%s: out of memory while reading the YAML", name);
  if (p->error == YAML_READER_ERROR) {
    /* reader errors carry a byte offset, not a mark */
    size_t off = p->problem_offset < len ? p->problem_offset : len;
    line = 1;
    col = 1;
    for (size_t i = 0; i < off; i++) {
      if (text[i] == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return tcad_error(TCAD_ERR_INPUT,
                      "%s:%zu:%zu: the deck is not readable text: %s (byte 0x%02x); expected UTF-8 text", name, line,
                      col, p->problem ? p->problem : "bad input", (unsigned)(p->problem_value & 0xff));
  }
  char ctx[256] = "";
  if (p->context)
    snprintf(ctx, sizeof ctx, " (%s at %d:%d)", p->context, (int)p->context_mark.line + 1,
             (int)p->context_mark.column + 1);
  return tcad_error(TCAD_ERR_INPUT,
                    "%s:%zu:%zu: YAML syntax error: %s%s; expected well-formed YAML (consistent indentation, a space "
                    "after each ':', closed brackets and quotes)",
                    name, line, col, p->problem ? p->problem : "unknown problem", ctx);
}

/* Limits on what reaches libyaml: its scanner keeps a stack of possible simple keys that it
 * walks at every token, so n nested flow collections cost O(n²) (200k '[' took ~100 s; 20k 1.2 s),
 * and a deck is a few kilobytes. */
#define TCAD_DECK_MAX_DEPTH 64

/* The nesting of flow collections ([ ], { }) outside quoted scalars and comments, before libyaml
 * sees the text: deeper than TCAD_DECK_MAX_DEPTH is an error at the bracket. A quote opens a
 * quoted scalar only where a scalar can start (first on its line, or after ':', '-', '?', ',', '['
 * or '{'), as in YAML; a '#' opens a comment at the start of a line or after white space.
 * Brackets inside plain scalars are counted too: they only make the count larger. */
static int deck_prescan(const char *text, size_t len, const char *name)
{
  size_t line = 1, col = 0;
  int depth = 0;
  char quote = 0, prev = '\n'; /* prev: the last character outside white space on this line, '\n' if none */
  for (size_t i = 0; i < len; i++) {
    const char ch = text[i];
    col++;
    if (ch == '\n') {
      line++, col = 0;
      if (!quote) prev = '\n';
      continue;
    }
    if (quote == '\'') {
      if (ch == '\'' && i + 1 < len && text[i + 1] == '\'')
        i++, col++; /* '' is a quote inside */
      else if (ch == '\'')
        quote = 0, prev = ch;
      continue;
    }
    if (quote == '"') {
      if (ch == '\\' && i + 1 < len && text[i + 1] != '\n')
        i++, col++;
      else if (ch == '"')
        quote = 0, prev = ch;
      continue;
    }
    if (ch == ' ' || ch == '\t' || ch == '\r') continue;
    if (ch == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      while (i + 1 < len && text[i + 1] != '\n') i++;
      continue;
    }
    if ((ch == '\'' || ch == '"') && strchr("\n:-?,[{", prev)) {
      quote = ch;
      continue;
    }
    if (ch == '[' || ch == '{') {
      if (++depth > TCAD_DECK_MAX_DEPTH)
        return tcad_error(TCAD_ERR_INPUT,
                          "%s:%zu:%zu: lists and mappings nested more than %d deep; expected a deck (a few levels of "
                          "[ ] and { } at most)",
                          name, line, col, TCAD_DECK_MAX_DEPTH);
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      depth--;
    }
    prev = ch;
  }
  return 0;
}

int tcad_deck_load_yaml(const char *text, size_t len, const char *name, const char *what, const char *expect,
                        yaml_document_t *doc)
{
  yaml_parser_t parser;
  yaml_document_t next;
  yaml_node_t *extra;
  int rc = 0;
  if (len > TCAD_DECK_MAX_BYTES)
    return tcad_error(TCAD_ERR_INPUT, "%s: the %s has %zu bytes; expected at most %u (a %s is a few kilobytes)", name,
                      what, len, TCAD_DECK_MAX_BYTES, what);
  TCAD_CALL(deck_prescan(text, len, name));
  if (!yaml_parser_initialize(&parser)) return tcad_error(TCAD_ERR_MEM, "%s: cannot initialise the YAML parser", name);
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  if (!yaml_parser_load(&parser, doc)) {
    rc = deck_syntax_error(&parser, name, text, len);
    yaml_parser_delete(&parser);
    return rc;
  }
  if (!yaml_document_get_root_node(doc)) {
    rc = tcad_error(TCAD_ERR_INPUT, "%s:1:1: the %s is empty; expected %s", name, what, expect);
  } else if (!yaml_parser_load(&parser, &next)) { /* a second document would be silently ignored: refuse it */
    rc = deck_syntax_error(&parser, name, text, len);
  } else {
    extra = yaml_document_get_root_node(&next);
    if (extra)
      rc = tcad_error(TCAD_ERR_INPUT,
                      "%s:%zu:%zu: a second YAML document starts here; expected one document per %s (remove the "
                      "'---')",
                      name, extra->start_mark.line + 1, extra->start_mark.column + 1, what);
    yaml_document_delete(&next);
  }
  if (rc) yaml_document_delete(doc);
  yaml_parser_delete(&parser);
  return rc;
}

static int deck_parse(const char *text, size_t len, TcadDeck *d)
{
  TcadDeckCtx c;
  int rc = 0;
  memset(&c, 0, sizeof c);
  c.name = d->path;
  c.deck = d;
  TCAD_CALL(tcad_deck_load_yaml(text, len, d->path, "deck", "a mapping with at least 'mesh' and 'regions'", &c.doc));
  rc = deck_top(&c, yaml_document_get_root_node(&c.doc));
  yaml_document_delete(&c.doc);
  return rc;
}

static int deck_load(const char *text, size_t len, const char *name, const char *dir, TcadDeck **out)
{
  TcadDeck *d = NULL;
  int rc = 0;
  if (strlen(name) >= sizeof d->path || strlen(dir) >= sizeof d->dir)
    return tcad_error(TCAD_ERR_USAGE, "deck path '%.200s...' is too long; expected at most %d characters", name,
                      TCAD_PATH_MAX - 1);
  TCAD_ALLOC(d, 1);
  snprintf(d->path, sizeof d->path, "%s", name);
  snprintf(d->dir, sizeof d->dir, "%s", dir);
  deck_defaults(d);
  TCAD_CALL_GOTO(rc, deck_parse(text, len, d), cleanup);
  *out = d;
  d = NULL;
cleanup:
  TcadDeckDestroy(&d);
  return rc;
}

int TcadDeckLoad(const char *path, TcadDeck **deck)
{
  FILE *f = NULL;
  char *text = NULL, dir[TCAD_PATH_MAX];
  size_t cap = 1 << 16, len = 0;
  const char *slash;
  int rc = 0;
  *deck = NULL;
  if (!path || !*path) return tcad_error(TCAD_ERR_USAGE, "no deck file given");
  if (strlen(path) >= TCAD_PATH_MAX)
    return tcad_error(TCAD_ERR_USAGE, "deck path '%.200s...' is too long; expected at most %d characters", path,
                      TCAD_PATH_MAX - 1);
  f = fopen(path, "rb");
  if (!f) return tcad_error(TCAD_ERR_IO, "cannot open deck '%s': %s", path, strerror(errno));
  TCAD_ALLOC_GOTO(rc, text, cap, cleanup);
  for (;;) {
    size_t got = fread(text + len, 1, cap - len, f);
    len += got;
    if (len < cap || len > TCAD_DECK_MAX_BYTES) break; /* deck_parse refuses a deck that large */
    char *grown = realloc(text, cap * 2);
    if (!grown) {
      rc = tcad_error(TCAD_ERR_MEM, "out of memory reading deck '%s'", path);
      goto cleanup;
    }
    text = grown;
    cap *= 2;
  }
  if (ferror(f)) {
    rc = tcad_error(TCAD_ERR_IO, "cannot read deck '%s': %s", path, strerror(errno));
    goto cleanup;
  }

  slash = strrchr(path, '/');
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else if (slash == path)
    snprintf(dir, sizeof dir, "/");
  else
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  TCAD_CALL_GOTO(rc, deck_load(text, len, path, dir, deck), cleanup);
cleanup:
  if (f) fclose(f);
  free(text);
  return rc;
}

int TcadDeckLoadString(const char *text, const char *name, TcadDeck **deck)
{
  /* a deck from a string has no folder: relative mesh files are taken from the working directory */
  return TcadDeckLoadStringIn(text, name, ".", deck);
}

int TcadDeckLoadStringIn(const char *text, const char *name, const char *dir, TcadDeck **deck)
{
  *deck = NULL;
  if (!text) return tcad_error(TCAD_ERR_USAGE, "no deck text given");
  TCAD_CALL(deck_load(text, strlen(text), name && *name ? name : "<string>", dir && *dir ? dir : ".", deck));
  return 0;
}

void TcadDeckDestroy(TcadDeck **deck)
{
  if (!deck || !*deck) return;
  TcadDeck *d = *deck;
  for (int a = 0; a < 3; a++) free(d->mesh.lines[a]);
  free(d->regions);
  free(d->contacts);
  free(d->doping);
  free(d->materials);
  free(d->interfaces);
  free(d->steps);
  free(d);
  *deck = NULL;
}

const char *TcadDeckGetLocation(const TcadDeck *deck, TcadSrcLoc loc)
{
  static char buf[TCAD_PATH_MAX + 32];
  const char *name = deck ? deck->path : "<deck>";
  if (loc.line > 0)
    snprintf(buf, sizeof buf, "%s:%d:%d", name, loc.line, loc.col);
  else
    snprintf(buf, sizeof buf, "%s", name);
  return buf;
}
