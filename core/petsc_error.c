/* The bridge between PETSc's error handling and include/tcad/error.h (see
 * include/tcad/petsc_error.h). */
#include <stdio.h>
#include <string.h>

#include "tcad/petsc_error.h"

static int passed_on; /* the next PETSc error carries the current tcad error */
static int recorded;  /* the handler recorded a PETSc error not yet handed back */

static PetscErrorCode record(MPI_Comm comm, int line, const char *func, const char *file, PetscErrorCode n,
                             PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm, (void)ctx;
  if (p == PETSC_ERROR_INITIAL) {
    recorded = 1;
    if (passed_on) {
      passed_on = 0; /* our message and code stay; PETSc's frames follow ours */
      tcad_error_frame(file, line, func, tcad_error_code() ? tcad_error_code() : TCAD_ERR_PETSC);
    } else {
      const char *text = NULL;
      PetscErrorMessage(n, &text, NULL);
      tcad_error_raise(file, line, func, TCAD_ERR_PETSC, "PETSc error %d: %s%s%s", (int)n, mess && mess[0] ? mess : "",
                       mess && mess[0] && text ? " — " : "", text ? text : "");
    }
  } else {
    tcad_error_frame(file, line, func, tcad_error_code() ? tcad_error_code() : TCAD_ERR_PETSC);
  }
  return n;
}

int TcadInitialize(int *argc, char ***argv, const char *help)
{
  if (PetscInitialize(argc, argv, NULL, help)) return TCAD_ERR_PETSC;
  if (PetscPushErrorHandler(record, NULL)) return TCAD_ERR_PETSC;
  return 0;
}

int TcadFinalize(void) { return PetscFinalize() ? TCAD_ERR_PETSC : 0; }

void tcad_petsc_pass_on(void) { passed_on = 1; }

int tcad_petsc_fail(const char *file, int line, const char *func, PetscErrorCode ierr)
{
  if (recorded || passed_on) {
    /* the handler has the message and PETSc's frames (or, without the handler, our own error
     * went through PETSc untouched) */
    recorded = passed_on = 0;
    return tcad_error_frame(file, line, func, tcad_error_code() ? tcad_error_code() : TCAD_ERR_PETSC);
  }
  /* no handler installed (PetscInitialize called directly): PETSc's last message */
  const char *text = NULL;
  char *specific = NULL;
  PetscErrorMessage(ierr, &text, &specific);
  return tcad_error_raise(file, line, func, TCAD_ERR_PETSC, "PETSc error %d: %s%s%s", (int)ierr,
                          specific && specific[0] ? specific : "", specific && specific[0] && text ? " — " : "",
                          text ? text : "");
}
