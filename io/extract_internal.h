/* What the files of the run extraction share: io/extract.c (the IV table, the gate sweeps, the
 * API), io/extract_summary.c (summary.json) and io/extract_out.c (extract.json, the printed
 * table, `tcad extract`). */
#ifndef TCAD_IO_EXTRACT_INTERNAL_H
#define TCAD_IO_EXTRACT_INTERNAL_H
#include "tcad/extract.h"

/* "DIR/NAME" (malloc'ed; NULL when out of memory). */
char *tcad_extract_join(const char *dir, const char *name);
/* Fill x's summary.json figures from `path` (a missing file is not an error: has_summary 0). */
int tcad_extract_summary_read(const char *path, TcadExtract *x);
#endif
