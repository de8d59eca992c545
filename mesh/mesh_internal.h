/* The mesh container's internals, shared by the files of mesh/ (the public API is
 * include/tcad/mesh.h). The readers (gmsh.c, generate.c) build a TcadMesh with these;
 * bind.c ties the result to a deck. */
#ifndef TCAD_MESH_INTERNAL_H
#define TCAD_MESH_INTERNAL_H
#include <stddef.h>

#include "tcad/mesh.h"

/* An empty mesh (TcadMeshDestroy frees it and whatever its arrays hold). */
int tcad_mesh_create(TcadMesh **mesh);
/* Boundary faces: faces (dim nodes, sorted) that belong to exactly one cell. *face_node is
 * allocated here (nfaces * dim), the caller frees it. */
int tcad_mesh_boundary_faces(const TcadMesh *mesh, int *nfaces, int **face_node);
/* Fill contact->node (sorted unique) from contact->face_node. */
int tcad_mesh_contact_nodes(TcadMeshContact *c, int dim);
/* Remove nodes no cell uses and renumber (contacts must not exist yet). */
int tcad_mesh_compact(TcadMesh *mesh);
/* Renumber nodes along a Morton curve and cells by lowest node, for memory locality
 * (mesh/reorder.c). Contacts are renumbered too. */
int tcad_mesh_reorder(TcadMesh *mesh);
/* The Gmsh reader on a file's bytes (TcadMeshLoadGmsh reads the file into memory and calls it).
 * `path` only names the file in messages; buf[len] must be 0 (the number parser relies on it). */
int tcad_mesh_read_gmsh(const char *path, const char *buf, size_t len, double scale, TcadMesh **mesh);
/* TcadMeshGenerate refuses meshes of more nodes than this (2e7; the deck-to-mesh fuzzing harness
 * lowers it to keep each input fast). */
extern double tcad_mesh_generate_max_nodes;
/* Length of the mesh's bounding-box diagonal (for relative tolerances). */
double tcad_mesh_extent(const TcadMesh *mesh);
#endif
