#ifndef TCAD_MESH_INTERNAL_H
#define TCAD_MESH_INTERNAL_H
#include "tcad/mesh.h"

int TcadMeshCreate(TcadMesh **mesh);
/* Boundary faces: faces (dim nodes, sorted) that belong to exactly one cell. */
int TcadMeshBoundaryFaces(const TcadMesh *mesh, int *nfaces, int **face_node);
/* Fill contact->node (sorted unique) from contact->face_node. */
int TcadMeshContactNodes(TcadMeshContact *c, int dim);
/* Remove nodes no cell uses and renumber (contacts must not exist yet). */
int TcadMeshCompact(TcadMesh *mesh);
/* Renumber nodes along a Morton curve and cells by lowest node, for memory locality. */
int TcadMeshReorder(TcadMesh *mesh);
/* Length of the mesh's bounding-box diagonal (for relative tolerances). */
double tcad_mesh_extent(const TcadMesh *mesh);
#endif
