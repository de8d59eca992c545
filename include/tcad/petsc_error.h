/* PETSc's errors in the tcad error state (core/petsc_error.c), both ways.
 *
 * TcadInitialize installs a PETSc error handler that, instead of printing PETSc's traceback,
 * records PETSc's own message (the text of the error it raised first, then PETSc's name for the
 * code) and every frame PETSc passes it through, so a failure deep inside SNES reaches the user
 * as one message with one trace through PETSc's frames and ours. Then:
 *     TCAD_PETSC_CALL(VecCreateSeq(PETSC_COMM_SELF, n, &x));
 * returns TCAD_ERR_PETSC (or the tcad code of an error our own callback raised into PETSc) with
 * that message, and adds the frame. Inside a PETSc callback (residual, PCSHELL), a tcad failure
 * goes the other way with TCAD_PETSC_RAISE(expr): PETSc unwinds with our message and code
 * intact, and TCAD_PETSC_CALL around SNESSolve hands them back. */
#ifndef TCAD_PETSC_ERROR_H
#define TCAD_PETSC_ERROR_H
#include <petscsys.h>

#include "tcad/error.h"

/* PetscInitialize and the error handler above; TcadFinalize ends PETSc. Returns 0 or
 * TCAD_ERR_PETSC (PETSc could not start: its message is printed by PETSc itself). */
int TcadInitialize(int *argc, char ***argv, const char *help);
int TcadFinalize(void);

/* A failed PETSc call (ierr != 0) as a tcad error with PETSc's message; returns the code. */
int tcad_petsc_fail(const char *file, int line, const char *func, PetscErrorCode ierr);
/* Mark the current tcad error as passed into PETSc (the next PETSc error is this one). */
void tcad_petsc_pass_on(void);

#define TCAD_PETSC_CALL(expr)                                                                                          \
  do {                                                                                                                 \
    const PetscErrorCode tcad_pe_ = (expr);                                                                            \
    if (tcad_pe_) return tcad_petsc_fail(__FILE__, __LINE__, __func__, tcad_pe_);                                      \
  } while (0)
#define TCAD_PETSC_CALL_GOTO(err, expr, label)                                                                         \
  do {                                                                                                                 \
    const PetscErrorCode tcad_pe_ = (expr);                                                                            \
    if (tcad_pe_) {                                                                                                    \
      (err) = tcad_petsc_fail(__FILE__, __LINE__, __func__, tcad_pe_);                                                 \
      goto label;                                                                                                      \
    }                                                                                                                  \
  } while (0)
/* In a function returning PetscErrorCode (a PETSc callback): a tcad failure becomes a PETSc
 * error carrying the tcad message. */
#define TCAD_PETSC_RAISE(expr)                                                                                         \
  do {                                                                                                                 \
    const int tcad_te_ = (expr);                                                                                       \
    if (tcad_te_) {                                                                                                    \
      tcad_petsc_pass_on();                                                                                            \
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", tcad_error_message());                                             \
    }                                                                                                                  \
  } while (0)
#endif
