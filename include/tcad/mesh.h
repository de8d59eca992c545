/* The mesh as flat arrays: simplices (segments, triangles, tetrahedra) with a region per
 * cell and contacts as sets of boundary faces and nodes. Coordinates in cm. */
#ifndef TCAD_MESH_H
#define TCAD_MESH_H
#include "tcad/material.h"

struct TcadDeck;

typedef struct {
  char name[TCAD_NAME_MAX];
  char material[TCAD_NAME_MAX]; /* filled from the deck ("" when loaded without one) */
  TcadMaterialKind kind;        /* from the material */
  int ncells;
} TcadMeshRegion;

typedef struct {
  char name[TCAD_NAME_MAX];
  int nfaces;
  int *face_node; /* nfaces * dim node ids (a face of a d-simplex has d nodes) */
  int nnodes;
  int *node; /* sorted, unique */
} TcadMeshContact;

/* A physical group of faces that lies between two regions (every face shared by a cell of each)
 * and is not a deck contact: an interface, reported by `tcad info` */
typedef struct {
  char name[TCAD_NAME_MAX];
  int nfaces;
  int region[2];  /* the two regions of its first face; -1, -1 when its faces lie between different pairs */
  int *face_node; /* nfaces * dim node ids */
} TcadMeshFaceGroup;

typedef struct TcadMesh {
  int dim; /* 1, 2 or 3 */
  int nnodes;
  double *coord; /* nnodes * 3, cm; unused components are 0 */
  int ncells;
  int nvert;      /* nodes per cell = dim + 1 */
  int *cell_node; /* ncells * nvert */
  int *cell_region;
  int nregions;
  TcadMeshRegion *regions;
  int ncontacts;
  TcadMeshContact *contacts;
  int ninterfaces; /* face groups between regions that the deck does not name (bind) */
  TcadMeshFaceGroup *interfaces;
  char source[1024]; /* file name or "generated" */
  int nquads_split;  /* quadrilaterals read and split into two triangles */
  int ndropped;      /* generated meshes: cells outside every region, not meshed */
} TcadMesh;

/* Read a Gmsh .msh (formats 2.0-2.2 ASCII or binary, 4.0 ASCII, 4.1 ASCII or binary; mesh/gmsh.c).
 * Physical groups of cells become regions and named physical groups of faces (elements one
 * dimension down) become contacts, by name; mesh/bind.c turns those a deck does not name into
 * interfaces or drops them. `scale` converts file coordinates to cm (1e-4 for a file in µm). A
 * file tcad cannot use gives TCAD_ERR_MESH naming the file and the line or byte. */
int TcadMeshLoadGmsh(const char *path, double scale, TcadMesh **mesh);
/* Build the tensor-product mesh of a deck's `mesh: generate` section, with its boxes. */
int TcadMeshGenerate(const struct TcadDeck *deck, TcadMesh **mesh);
/* Load or generate the deck's mesh, then bind it to the deck: every deck region and contact
 * must exist in the mesh, every mesh region must have a deck entry (its material), every
 * contact must touch at least one node; cells are checked (inverted, zero measure). */
int TcadMeshCreateFromDeck(const struct TcadDeck *deck, TcadMesh **mesh);
/* Check the cells; TCAD_ERR_MESH names the first bad cells with coordinates in µm.
 *  - zero measure: |signed measure| <= 1e-12 * (bounding-box diagonal)^dim;
 *  - inverted (folded over a neighbour): the test is geometric, not each cell's orientation.
 *    Two cells sharing a face must lie on opposite sides of it (their vertices opposite the
 *    face on strictly opposite sides of the face's point, line or plane), and no face may be
 *    shared by more than two cells. It does not depend on the vertex order, so meshes whose
 *    surfaces are oriented differently (Gmsh orients each on its own) pass. */
int TcadMeshCheckCells(const TcadMesh *mesh);
/* Signed measure of one cell (length, area, volume in cm^d). */
double tcad_mesh_cell_measure(const TcadMesh *mesh, int c);
/* Interface between regions r1 and r2 lumped to the nodes: every face (a node in 1D, a segment
 * in 2D, a triangle in 3D) shared by a cell of r1 and a cell of r2 adds measure(face)/dim to
 * area[n] for each of its dim nodes (1D: area 1 on the interface node). `area` has nnodes
 * entries and is added to (the caller zeroes it). Units cm^(dim-1). TCAD_ERR_MESH, naming
 * both regions, when they share no face. Linear in the cell count. */
int TcadMeshGetInterfaceArea(const TcadMesh *mesh, int r1, int r2, double *area);
/* The faces between the regions of material kind k1 and those of kind k2 (e.g. semiconductor and
 * insulator): *nface sorted node tuples of width dim in *faces (allocated here, caller frees;
 * none: *nface = 0). Linear in the cell count. */
int TcadMeshGetKindInterfaceFaces(const TcadMesh *mesh, TcadMaterialKind k1, TcadMaterialKind k2, int *nface,
                                  int **faces);
/* Measure of a face of dim nodes: 1 (1D), its length (2D) or area (3D), cm^(dim-1). */
double TcadMeshFaceMeasure(const TcadMesh *mesh, const int *face);
/* The interface face group named `name` (mesh->interfaces) lumped to its nodes like
 * TcadMeshGetInterfaceArea: measure(face)/dim added to area[n] for each node of each face.
 * TCAD_ERR_MESH when the mesh has no such group. */
int TcadMeshGetFaceGroupArea(const TcadMesh *mesh, const char *name, double *area);
int TcadMeshFindRegion(const TcadMesh *mesh, const char *name);
int TcadMeshFindContact(const TcadMesh *mesh, const char *name);
void TcadMeshDestroy(TcadMesh **mesh);

/* Net doping at the nodes from the deck's profiles (summed), cm^-3. Only nodes that touch a
 * semiconductor region get doping. Arrays of mesh->nnodes. */
int TcadDopingEvaluate(const struct TcadDeck *deck, const TcadMesh *mesh, double *donors, double *acceptors);
#endif
