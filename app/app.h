/* What the files of app/ share: tcad.c (the command line, `tcad run`) and batch.c (`tcad batch`). */
#ifndef TCAD_APP_H
#define TCAD_APP_H
#include <stddef.h>

#include "tcad/options.h"

/* `tcad run DECK [-o DIR] [--resume]`; *reached: the simulation was created (every option read). */
int tcad_app_run(const char *path, const char *outdir, int quiet, int resume, const TcadOptions *opt, int *reached);
/* The folder's lock (flock on DIR/NAME, held while *fd is open; the holder's pid in the file). */
int tcad_app_lock_folder(const char *dir, const char *name, int *fd);
/* "fnv1a64:<hex>" of a file's bytes ("" when it cannot be read). */
void tcad_app_file_hash(const char *path, char *out, size_t n);
/* The same of a text (equal to the file hash of a file holding exactly that text). */
void tcad_app_text_hash(const char *text, char *out, size_t n);
/* The error on stderr ("tcad: error: ..."), with the trace when asked or for internal errors. */
void tcad_app_report_error(int e, int trace);

typedef struct {
  int list;         /* --list: print the cases, run nothing */
  int deck;         /* --deck N: print case N's deck (1-based), run nothing */
  int only_case;    /* --case N: run case N alone (1-based; 0: all) */
  int retry_failed; /* --retry-failed: rerun the cases recorded as failed, only those */
  int threads;      /* --threads N: OpenMP threads per rank (default 1) */
  int quiet;
} TcadBatchArgs;

/* `tcad batch PLAN [-o DIR]` (docs/batch.md). */
int tcad_app_batch(const char *plan, const char *outdir, const TcadBatchArgs *args, const TcadOptions *opt);
#endif
