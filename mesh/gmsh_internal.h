/* The Gmsh reader's internals, shared by mesh/gmsh.c (the file's sections, read into a
 * GmshReader) and mesh/gmsh_build.c (the TcadMesh built from what was read). */
#ifndef TCAD_MESH_GMSH_INTERNAL_H
#define TCAD_MESH_GMSH_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

#include "mesh/mesh_internal.h"

/* Everything here but the section parsing lives in gmsh_build.c, so that gmsh.c calls it and
 * not the other way round. */

/* Gmsh element types: nodes per element, dimension, order. The higher-order ones are here to be
 * counted (2.x binary) and named in the refusal. */
typedef struct {
  int type, nv, dim, order;
  const char *name;
} GmshType;

#define TCAD_GMSH_QUAD 3

typedef struct {
  int64_t id;    /* element tag in the file, for messages */
  size_t off;    /* first node in GmshReader.enode */
  int grp;       /* 2.x: physical tag (0: none); 4.x: entity tag (with dim) */
  int type, dim; /* index into tcad_gmsh_types; dimension */
  int nphys;     /* its physical groups: how many, and (4.x) the first in GmshReader.ephys; */
  size_t phys;   /* set by resolve_groups once the whole file is read */
} GmshElem;

typedef struct {
  int dim, tag, nphys;
  size_t phys; /* first physical tag in GmshReader.ephys */
} GmshEntity;

typedef struct {
  int dim, tag;
  long line;
  char name[TCAD_NAME_MAX];
} GmshName;

typedef struct {
  int64_t tag;
  int node;
} GmshTagNode;

typedef struct {
  const char *path;
  const char *buf, *p, *end;
  long line; /* line of p while reading text */
  int bin;   /* reading binary data: positions are byte offsets */
  int binary, swap, major, minor;
  /* $Nodes, in file order */
  int have_nodes;
  size_t nnodes;
  int64_t *ntag;
  double *xyz;
  int64_t tag_min;
  size_t ndense;
  int *dense;          /* tag - tag_min -> node, or -1 (dense tag ranges) */
  GmshTagNode *sorted; /* (tag, node) in tag order (sparse tag ranges) */
  /* $Entities (4.x) */
  size_t nent, ent_cap, nephys, ephys_cap;
  GmshEntity *ent;
  int *ephys;
  /* $PhysicalNames */
  size_t nnames;
  GmshName *names;
  /* $Elements */
  int have_elements;
  size_t nel, nenode;
  GmshElem *el;
  int *enode; /* node indices (file order) */
} GmshReader;

extern const GmshType tcad_gmsh_types[];
extern const int tcad_gmsh_ntypes;
/* The name of physical group (dim, tag), NULL when $PhysicalNames has none; the entity (dim,
 * tag) of $Entities, NULL when absent. */
const GmshName *tcad_gmsh_find_name(const GmshReader *r, int dim, int tag);
const GmshEntity *tcad_gmsh_find_entity(const GmshReader *r, int dim, int tag);
/* Order of names and of entities: by dimension, then tag (qsort and bsearch). */
int tcad_gmsh_name_cmp(const void *a, const void *b);
int tcad_gmsh_ent_cmp(const void *a, const void *b);
/* "points", "curves", ... and "Point", "Curve", ... for messages. */
const char *tcad_gmsh_dim_noun(int d);
const char *tcad_gmsh_dim_geo(int d);
/* The mesh from what the reader holds (gmsh_build.c): cells, regions, face groups, renumbering. */
int tcad_gmsh_build(GmshReader *r, double scale, TcadMesh *m);
#endif
