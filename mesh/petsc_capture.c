#include <petscsys.h>
#include <stdio.h>

#include "tcad/petsc_capture.h"

static char capture_msg[1024];

static PetscErrorCode capture_handler(MPI_Comm comm, int line, const char *func, const char *file,
                                      PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm, (void)line, (void)func, (void)file, (void)ctx;
  if (p == PETSC_ERROR_INITIAL && !capture_msg[0]) {
    const char *text = NULL;
    PetscErrorMessage(n, &text, NULL);
    snprintf(capture_msg, sizeof capture_msg, "%s%s%s", mess && mess[0] ? mess : "",
             mess && mess[0] && text ? " — " : "", text ? text : "");
  }
  return n;
}

void tcad_petsc_capture_begin(void)
{
  capture_msg[0] = 0;
  PetscPushErrorHandler(capture_handler, NULL);
}

const char *tcad_petsc_capture_end(void)
{
  PetscPopErrorHandler();
  return capture_msg;
}
