/* Shared by the bench programs: while the simulator runs, stdout points at stderr, so that
 * stdout carries nothing but the CSV lines. */
#ifndef TCAD_BENCH_UTIL_H
#define TCAD_BENCH_UTIL_H
#include <stdio.h>
#include <unistd.h>

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
#endif
