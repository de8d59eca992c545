/* A mesh for a deck: read (gmsh.c) or generated (generate.c), then bound to the deck (region
 * and contact names matched both ways, materials from the deck) and checked (mesh.c). The
 * only file of mesh/ that calls the readers, so no file both calls and is called back. */
#include <stdio.h>
#include <string.h>

#include "mesh/mesh_internal.h"
#include "tcad/deck.h"
#include "tcad/error.h"

/* "'a', 'b', 'c'" from n names spaced `stride` bytes apart (the name fields of an array of
 * regions or contacts), for messages that list what the mesh does have. */
static void name_list(char *buf, size_t size, const char *first, size_t stride, int n)
{
  buf[0] = 0;
  for (int k = 0; k < n; k++) {
    size_t l = strlen(buf);
    snprintf(buf + l, size - l, "%s'%s'", k ? ", " : "", first + (size_t)k * stride);
  }
}

/* Bind a loaded mesh to the deck: names must match both ways, and materials come from the deck. */
static int mesh_bind(const TcadDeck *deck, TcadMesh *mesh)
{
  for (int r = 0; r < deck->nregions; r++) {
    const TcadRegionSpec *rs = &deck->regions[r];
    int mr = TcadMeshFindRegion(mesh, rs->name);
    if (mr < 0) {
      char names[512];
      name_list(names, sizeof names, mesh->regions[0].name, sizeof mesh->regions[0], mesh->nregions);
      return tcad_error(TCAD_ERR_MESH,
                        "%s: region '%s' is not in the mesh %s (%s: %s); name a physical group "
                        "of the mesh or add it to the mesh",
                        TcadDeckGetLocation(deck, rs->loc), rs->name, mesh->source,
                        deck->mesh.source == TCAD_MESH_FILE ? "its cell groups are" : "meshed regions",
                        mesh->nregions ? names : "none");
    }
    const TcadMaterial *mat = TcadDeckGetMaterial(deck, rs->material);
    if (!mat)
      return tcad_error(TCAD_ERR_INPUT, "%s: unknown material '%s'", TcadDeckGetLocation(deck, rs->loc), rs->material);
    snprintf(mesh->regions[mr].material, sizeof mesh->regions[mr].material, "%s", mat->name);
    mesh->regions[mr].kind = mat->kind;
  }
  for (int r = 0; r < mesh->nregions; r++) {
    int found = 0;
    for (int k = 0; k < deck->nregions; k++) found |= !strcmp(deck->regions[k].name, mesh->regions[r].name);
    if (!found)
      return tcad_error(TCAD_ERR_INPUT,
                        "%s: the mesh %s has a region '%s' (%d cells) that the deck's 'regions' "
                        "list does not name; add '- {name: %s, material: ...}'",
                        deck->path, mesh->source, mesh->regions[r].name, mesh->regions[r].ncells,
                        mesh->regions[r].name);
  }
  for (int c = 0; c < deck->ncontacts; c++) {
    const TcadContactSpec *cs = &deck->contacts[c];
    int mc = TcadMeshFindContact(mesh, cs->name);
    if (mc < 0 || mesh->contacts[mc].nnodes == 0) {
      if (deck->mesh.source == TCAD_MESH_GENERATE)
        return tcad_error(TCAD_ERR_MESH,
                          "%s: contact '%s' touches no mesh node: no boundary face of the mesh "
                          "lies inside its box; check the box against the mesh outline",
                          TcadDeckGetLocation(deck, cs->loc), cs->name);
      char names[512];
      name_list(names, sizeof names, mesh->contacts[0].name, sizeof mesh->contacts[0], mesh->ncontacts);
      return tcad_error(TCAD_ERR_MESH,
                        "%s: contact '%s' %s in the mesh %s (its face groups are: %s); name a "
                        "physical group of boundary faces",
                        TcadDeckGetLocation(deck, cs->loc), cs->name, mc < 0 ? "is not" : "has no nodes", mesh->source,
                        mesh->ncontacts ? names : "none");
    }
  }
  return 0;
}

int TcadMeshCreateFromDeck(const TcadDeck *deck, TcadMesh **mesh)
{
  TcadMesh *m = NULL;
  int rc = 0;
  if (deck->mesh.source == TCAD_MESH_FILE)
    TCAD_CALL(TcadMeshLoadGmsh(deck->mesh.file, deck->mesh.scale, &m));
  else
    TCAD_CALL(TcadMeshGenerate(deck, &m));
  TCAD_CALL_GOTO(rc, mesh_bind(deck, m), cleanup);
  TCAD_CALL_GOTO(rc, TcadMeshCheckCells(m), cleanup);
  *mesh = m;
  m = NULL;
cleanup:
  TcadMeshDestroy(&m);
  return rc;
}
