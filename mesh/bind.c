/* A mesh for a deck: read (gmsh.c) or generated (generate.c), then bound to the deck (region
 * and contact names matched both ways, materials from the deck) and checked (mesh.c). The
 * only file of mesh/ that calls the readers, so no file both calls and is called back. */
#include <stdio.h>
#include <stdlib.h>
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

/* The cells that hold every node of face f (nodes fn[0..dim)), at most two, by the node-to-cell
 * lists (start, list) of its first node: their count (more than two counts as 3). */
static int face_cells(const TcadMesh *m, const int *start, const int *list, const int *fn, int cells[2])
{
  int n = 0;
  for (int k = start[fn[0]]; k < start[fn[0] + 1]; k++) {
    const int c = list[k];
    int all = 1;
    for (int q = 1; q < m->dim && all; q++) {
      int has = 0;
      for (int v = 0; v < m->nvert; v++) has |= m->cell_node[(size_t)c * m->nvert + v] == fn[q];
      all = has;
    }
    if (!all) continue;
    if (n < 2) cells[n] = c;
    if (++n > 2) return 3;
  }
  return n;
}

/* Face groups of a Gmsh file that the deck's contacts do not name: one whose every face lies
 * between cells of two different regions is an interface (kept in mesh->interfaces for `tcad
 * info`); any other is reported on stderr and dropped. Either way it is no contact. */
static int unnamed_face_groups(const TcadDeck *deck, TcadMesh *m)
{
  int *start = NULL, *list = NULL, rc = 0, kept = 0;
  TCAD_ALLOC_GOTO(rc, start, (size_t)m->nnodes + 1, done);
  TCAD_ALLOC_GOTO(rc, list, (size_t)m->ncells * m->nvert + 1, done);
  for (size_t k = 0; k < (size_t)m->ncells * m->nvert; k++) start[m->cell_node[k] + 1]++;
  for (int i = 0; i < m->nnodes; i++) start[i + 1] += start[i];
  {
    int *fill = NULL;
    TCAD_ALLOC_GOTO(rc, fill, (size_t)m->nnodes, done);
    for (int c = 0; c < m->ncells; c++)
      for (int v = 0; v < m->nvert; v++) {
        const int i = m->cell_node[(size_t)c * m->nvert + v];
        list[start[i] + fill[i]++] = c;
      }
    free(fill);
  }
  for (int c = 0; c < m->ncontacts; c++) {
    TcadMeshContact *mc = &m->contacts[c];
    int named = 0;
    for (int k = 0; k < deck->ncontacts; k++) named |= !strcmp(deck->contacts[k].name, mc->name);
    if (named) {
      m->contacts[kept++] = *mc;
      continue;
    }
    int between = mc->nfaces > 0, pair[2] = {-1, -1};
    for (int f = 0; f < mc->nfaces && between; f++) {
      int cells[2];
      const int n = face_cells(m, start, list, mc->face_node + (size_t)f * m->dim, cells);
      const int ra = n == 2 ? m->cell_region[cells[0]] : -1, rb = n == 2 ? m->cell_region[cells[1]] : -1;
      between = n == 2 && ra != rb;
      if (!between) break;
      const int lo = ra < rb ? ra : rb, hi = ra < rb ? rb : ra;
      if (f == 0)
        pair[0] = lo, pair[1] = hi;
      else if (pair[0] != lo || pair[1] != hi)
        pair[0] = pair[1] = -1;
    }
    if (between) {
      TcadMeshFaceGroup *g = realloc(m->interfaces, (size_t)(m->ninterfaces + 1) * sizeof *g);
      if (!g) {
        rc = tcad_error(TCAD_ERR_MEM, "out of memory");
        goto done;
      }
      m->interfaces = g, g += m->ninterfaces++;
      snprintf(g->name, sizeof g->name, "%s", mc->name);
      g->nfaces = mc->nfaces, g->region[0] = pair[0], g->region[1] = pair[1];
      g->face_node = mc->face_node, mc->face_node = NULL; /* the group keeps the faces */
    } else {
      fprintf(stderr,
              "tcad: warning: %s: the mesh %s has a face group '%s' (%d faces) that the deck's 'contacts' do not name; "
              "it is ignored (add '- {name: %s}' to 'contacts' to make it a contact)\n",
              deck->path, m->source, mc->name, mc->nfaces, mc->name);
    }
    free(mc->face_node), free(mc->node);
  }
  m->ncontacts = kept;
done:
  free(start), free(list);
  return rc;
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
  if (deck->mesh.source == TCAD_MESH_FILE) TCAD_CALL_GOTO(rc, unnamed_face_groups(deck, m), cleanup);
  TCAD_CALL_GOTO(rc, TcadMeshCheckCells(m), cleanup);
  *mesh = m;
  m = NULL;
cleanup:
  TcadMeshDestroy(&m);
  return rc;
}
