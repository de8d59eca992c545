/* Run PETSc calls without PETSc printing its own traceback: the first error message is
 * captured so it can be turned into one clear tcad message that names our object. */
#ifndef TCAD_PETSC_CAPTURE_H
#define TCAD_PETSC_CAPTURE_H
void tcad_petsc_capture_begin(void);
/* Ends the capture; returns the first captured PETSc message ("" if none). */
const char *tcad_petsc_capture_end(void);
#endif
