/* Shared by the bench programs: while the simulator runs, stdout points at stderr, so that
 * stdout carries nothing but the CSV lines; a config's PETSc options under its own prefix. */
#ifndef TCAD_BENCH_UTIL_H
#define TCAD_BENCH_UTIL_H
#include <petscsys.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tcad/deck.h"
#include "tcad/geometry.h"
#include "tcad/mesh.h"
#include "tcad/sim.h"

static inline int redirect_stdout(void)
{
  fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  if (saved >= 0) dup2(STDERR_FILENO, STDOUT_FILENO);
  return saved;
}
static inline void restore_stdout(int saved)
{
  fflush(stdout);
  if (saved < 0) return;
  dup2(saved, STDOUT_FILENO);
  close(saved);
}

/* "-ksp_type gmres -pc_type ilu" of config number c → -c<c>_ksp_type gmres, -c<c>_pc_type ilu
 * (a token not starting with '-' is the value of the option before it) */
static inline void bench_set_config_options(int c, const char *options)
{
  char opt[600], *save = NULL;
  snprintf(opt, sizeof opt, "%s", options);
  for (char *tok = strtok_r(opt, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
    if (tok[0] != '-') continue;
    char name[128];
    snprintf(name, sizeof name, "-c%d_%s", c, tok + 1);
    char *val = NULL, *peek = save;
    while (peek && *peek == ' ') peek++;
    if (peek && *peek && *peek != '-') val = strtok_r(NULL, " ", &save);
    PetscOptionsSetValue(NULL, name, val);
  }
}
/* The deck at path, its mesh, geometry and simulation (output quiet or not). */
static inline int bench_open(const char *path, int quiet, TcadDeck **deck, TcadMesh **mesh, TcadGeometry **geom,
                             TcadSim **sim)
{
  *deck = NULL, *mesh = NULL, *geom = NULL, *sim = NULL;
  int e = TcadDeckLoad(path, deck);
  if (!e) e = TcadMeshCreateFromDeck(*deck, mesh);
  if (!e) e = TcadGeometryBuild(*mesh, geom);
  if (!e) e = TcadSimCreate(*deck, *mesh, *geom, sim);
  if (!e) e = TcadSimSetOutput(*sim, NULL, NULL, quiet);
  return e;
}

static inline void bench_close(TcadDeck **deck, TcadMesh **mesh, TcadGeometry **geom, TcadSim **sim)
{
  TcadSimDestroy(sim);
  TcadGeometryDestroy(geom);
  TcadMeshDestroy(mesh);
  TcadDeckDestroy(deck);
}
#endif
