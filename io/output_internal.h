/* The field writer's internals, shared by the files of io/output*.c (the public API is
 * include/tcad/output.h; layout of the files: docs/output.md):
 *   output.c        the TcadOutput object: open (mesh), steps, fields, close
 *   output_h5.c     helpers: names, attributes, datasets, the error message of a failed call
 *   output_xdmf.c   the XDMF index, written whole when created, then appended to per step
 *   output_table.c  tables at the file root (/iv), extended in place
 *   output_undo.c   the HDF5 file driver with an undo journal: a kill at any moment leaves the
 *                   file as its last completed flush left it */
#ifndef TCAD_IO_OUTPUT_INTERNAL_H
#define TCAD_IO_OUTPUT_INTERNAL_H
#include <hdf5.h>
#include <stddef.h>

#include "tcad/error.h"
#include "tcad/output.h"

#define TCAD_OUTPUT_FORMAT "tcad-fields"
#define TCAD_OUTPUT_VERSION 1
#define TCAD_OUTPUT_CM_TO_UM 1.0e4
#define TCAD_OUTPUT_NAME_MAX 128 /* field, step-attribute and table names */

/* A field of a finished or open step, as the XDMF names it. */
typedef struct {
  char *name;
  char *units; /* NULL for integer cell fields */
  int ncomp;
  int cell; /* 0: node field (double), 1: cell field (int32) */
} TcadOutputField;

typedef struct {
  double time;
  char *label;
  int nfields, capfields;
  TcadOutputField *fields;
  int nattrs, capattrs;
  char **attr_name;
  double *attr_value;
} TcadOutputStep;

/* What TcadOutputWriteTable last wrote to /NAME: a repeated call writes only the rows that changed
 * (usually just the new ones), and columns/units attributes are rewritten only if they differ. */
typedef struct {
  char *name;
  int exists; /* the dataset is in the file (with ncols columns) */
  int stale;  /* attributes and rows must all be rewritten (new, or a write failed) */
  int ncols, nrows;
  char **colnames, **units; /* ncols each (NULL until first set) */
  double *data;             /* nrows * ncols, as written */
  size_t caprows;
} TcadOutputTableCache;

struct TcadOutput {
  char *h5path;   /* as given, for messages */
  char *xdmfpath; /* as given */
  char *xdmftmp;  /* xdmfpath + ".tmp" */
  char *h5ref;    /* how the XDMF names the HDF5 file: basename, or absolute path */
  hid_t file;
  int dim, nnodes, ncells, nvert;
  /* the regions, for the XDMF's region_<name> cell arrays: names, cell counts, and whether the
   * file has their masks (/mesh/region_mask/<index>; files of older versions do not) */
  int nregions, region_masks;
  char **region_name;
  int *region_ncells;
  int nsteps, capsteps; /* finished steps */
  TcadOutputStep *steps;
  int instep;      /* a step is open: steps[nsteps] is being filled */
  int pending;     /* steps[nsteps] is finished and flushed, not yet counted (TcadOutputFinishStep) */
  hid_t stepgroup; /* its group */
  int ntables;
  TcadOutputTableCache *tables;
  int xfd;         /* the XDMF, open for appending steps in place (-1: written whole next time) */
  int xlisted;     /* steps it has taken in (listed, or left out as having no fields) */
  long long xtail; /* where its closing tags begin */
};

/* ---- output_h5.c ---- */
/* A copy of s (TCAD_ERR_MEM raised, NULL returned, when out of memory). */
char *tcad_output_strdup(const char *s);
/* Names of fields, step attributes and tables become HDF5 link/attribute names and appear in
 * the XDMF: non-empty, shorter than TCAD_OUTPUT_NAME_MAX, letters, digits and _ - . + only,
 * not starting with '.'. `kind` ("field", ...) goes into the message. */
int tcad_output_check_name(const TcadOutput *out, const char *kind, const char *name);

/* The innermost HDF5 error description into buf (or "no detail from HDF5"); clears HDF5's
 * error stack. Returns buf. */
const char *tcad_output_h5_detail(char *buf, size_t n);
/* Raise TCAD_ERR_IO as "H5PATH: HDF5 failed to WHAT OBJ (HDF5: innermost message)" with the
 * raising frame; use it through TCAD_OUTPUT_H5_FAIL. obj may be NULL. */
int tcad_output_h5_fail_at(const TcadOutput *out, const char *file, int line, const char *func, const char *what,
                           const char *obj);
#define TCAD_OUTPUT_H5_FAIL(out, what, obj) tcad_output_h5_fail_at((out), __FILE__, __LINE__, __func__, (what), (obj))
/* Flush the file and commit its state (tcad_output_undo_commit): what a kill after this returns to. */
int tcad_output_h5_flush(const TcadOutput *out);
/* H5Fclose the file (out->file = -1); a writer's file closed whole loses its undo journal. */
herr_t tcad_output_h5_close(TcadOutput *out);
/* Scalar attributes of obj (objname: how messages name obj). */
int tcad_output_h5_attr_string(const TcadOutput *out, hid_t obj, const char *objname, const char *name,
                               const char *value);
int tcad_output_h5_attr_int(const TcadOutput *out, hid_t obj, const char *name, int v);
int tcad_output_h5_attr_double(const TcadOutput *out, hid_t obj, const char *name, double v);
/* Overwrite (or create) an int attribute, e.g. /steps nsteps. */
int tcad_output_h5_attr_int_set(const TcadOutput *out, hid_t obj, const char *name, int v);
/* 1-D string-array attribute (h5py reads a list of str); replaces one of that name. */
int tcad_output_h5_attr_strings(const TcadOutput *out, hid_t obj, const char *objname, const char *name, int n,
                                char *const *strs);
/* Write a dataset of rank 1 or 2 in one go; `path` is relative to `loc`, `fullpath` for messages.
 * With dset_out the dataset stays open for the caller (who closes it), else it is closed. */
int tcad_output_h5_dataset(const TcadOutput *out, hid_t loc, const char *path, const char *fullpath, hid_t filetype,
                           hid_t memtype, int rank, hsize_t d0, hsize_t d1, const void *data, hid_t *dset_out);
/* A 1-D dataset of n variable-length UTF-8 strings. */
int tcad_output_h5_string_dataset(const TcadOutput *out, hid_t loc, const char *path, const char *fullpath, int n,
                                  const char **strs);

/* ---- output.c ---- */
/* out->h5ref from the two paths; free an output object and everything it holds; refuse a mesh
 * the file format cannot hold (message names h5path). */
int tcad_output_h5_reference(TcadOutput *out);
void tcad_output_free(TcadOutput *out);
/* A new output object for these paths and this mesh, no file open yet. */
int tcad_output_new(const char *h5path, const char *xdmfpath, const TcadMesh *mesh, TcadOutput **out);
/* Free what a step's entry holds and zero it. */
void tcad_output_free_step(TcadOutputStep *st);
int tcad_output_check_mesh(const char *h5path, const TcadMesh *m);
/* ---- output_xdmf.c ---- */
/* Write the whole XDMF (the mesh alone before the first step, else one grid per finished step)
 * to xdmftmp, then rename it over xdmfpath. */
int tcad_output_write_xdmf(TcadOutput *out);
/* The XDMF with the last finished step added: appended in place (one pwrite of its grid and
 * the closing tags over the old closing tags), or written whole when it lists no step yet. */
int tcad_output_append_xdmf(TcadOutput *out);
/* Close the XDMF's append descriptor (the next write is a whole one). */
void tcad_output_xdmf_close(TcadOutput *out);

/* ---- output_undo.c ---- */
/* A file access property list for the field file: tcad's undo-journal driver, no file locking.
 * Opening a file for writing through it first undoes what a killed writer left after its last
 * completed flush; opening for reading refuses a file whose journal has records. */
hid_t tcad_output_undo_fapl(void);
/* After a completed H5Fflush: the file's present state is the one to return to. */
int tcad_output_undo_commit(hid_t file);
/* The file was renamed to path (the journal follows it). */
int tcad_output_undo_moved(hid_t file, const char *path);
/* path was closed whole by its writer: remove its undo journal. */
void tcad_output_undo_closed(const char *path);
/* path has an undo journal with records (a writer is at work, or was killed). */
int tcad_output_undo_pending(const char *path);
/* Apply path's undo journal, if any (*nrecords: how many records were applied). */
int tcad_output_undo_recover(const char *path, int *nrecords);
/* Test hooks: the process _exits (status TCAD_OUTPUT_UNDO_TEST_EXIT) before driver write number
 * crash_at (counted from the process's start; -1: never); journal_off keeps no journal, to show
 * what a kill does without it. Returns the writes so far. */
#define TCAD_OUTPUT_UNDO_TEST_EXIT 86
long tcad_output_undo_test(long crash_at, int journal_off);

/* ---- output_table.c ---- */
/* Free the table caches (the datasets stay in the file). */
void tcad_output_tables_free(TcadOutput *out);
#endif
