/* Field output: one HDF5 file with the mesh once and per solution step the node (and cell)
 * fields with their units, plus an XDMF file beside it so ParaView opens the run as a series
 * over steps. Each step is flushed when it ends and the XDMF is rewritten then, so a run that
 * stops later leaves every finished step readable. Layout: docs/output.md. */
#ifndef TCAD_OUTPUT_H
#define TCAD_OUTPUT_H
#include <stddef.h>

#include "tcad/mesh.h"

typedef struct TcadOutput TcadOutput;

/* The name of the XDMF index beside the HDF5 file `fields`: its last extension (after the last
 * '/') replaced by .xdmf, or .xdmf appended. 0, or -1 when it does not fit in `cap`. */
int TcadOutputXdmfName(const char *fields, char *out, size_t cap);
/* Move an open output to other paths (the HDF5 file renamed, the XDMF written at its new
 * place and the old one removed): a run that stages its files until its first converged point. */
int TcadOutputMove(TcadOutput *out, const char *h5path, const char *xdmfpath);
/* Create (truncate) `h5path` and write the mesh; the XDMF goes to `xdmfpath`. */
int TcadOutputOpen(const char *h5path, const char *xdmfpath, const TcadMesh *mesh, TcadOutput **out);
/* Start a step; `time` orders the series in ParaView (bias point index or voltage),
 * `label` is stored as an attribute (e.g. "equilibrium", "Vd=0.50"). */
int TcadOutputBeginStep(TcadOutput *out, double time, const char *label);
/* Scalar attribute of the current step (e.g. a contact voltage). */
int TcadOutputSetStepAttribute(TcadOutput *out, const char *name, double value);
/* A node field of `ncomp` components (1 scalar, 3 vector; values node-major). */
int TcadOutputWriteNodeField(TcadOutput *out, const char *name, const char *units, int ncomp, const double *values);
/* An integer cell field (e.g. region id). */
int TcadOutputWriteCellFieldInt(TcadOutput *out, const char *name, const int *values);
/* Close the step's group and flush its data to the file, without counting it yet (what is
 * written until TcadOutputEndStep, e.g. a table's new row, goes to disk with the count). */
int TcadOutputFinishStep(TcadOutput *out);
/* Finish the step if it is open; count it in /steps nsteps and flush (a small write: the
 * count and what came after TcadOutputFinishStep), then add it to the XDMF (appended in place)
 * so the step is visible and survives the process. */
int TcadOutputEndStep(TcadOutput *out);
/* A table at the file root, `/NAME` (e.g. "/iv"): float64 [nrows, ncols] from the row-major
 * `data`, with string-array attributes `columns` and `units` (one entry per column; `units` may
 * be NULL, or hold NULL entries, for ""). Call it again with the same name whenever the table
 * has grown (e.g. after every bias point): the dataset is resized in place (chunked, rows
 * unlimited) and only rows that differ from the previous call are written, so the file does
 * not grow beyond the table's size. A different column count replaces the dataset. Works
 * inside or outside a step: outside one the file is flushed before it returns, so the table
 * survives a crash; inside one the flush of TcadOutputEndStep writes it with the step. nrows may be 0 (data may then be NULL). Names follow the field-name rules; /mesh and
 * /steps are refused. */
int TcadOutputWriteTable(TcadOutput *out, const char *name, int ncols, const char *const *colnames,
                         const char *const *units, int nrows, const double *data);
int TcadOutputClose(TcadOutput **out);
/* A standalone HDF5 file holding one table (e.g. a batch's summary.h5): /NAME float64 [nrows,
 * ncols] with the string attribute `columns` (like /iv), and ntext text columns as 1-D string
 * datasets /NAME_text/<textname> (text[k * nrows + row]). Written to PATH.tmp, then renamed. */
int TcadOutputWriteTableFile(const char *path, const char *name, int nrows, int ncols, const char *const *colnames,
                             const double *data, int ntext, const char *const *textnames, const char *const *text);

/* ---- continuing a run (io/output_reopen.c) */
/* A float64 [d0, d1] dataset in the open step that is not a field (not in the XDMF): e.g. the
 * solver's state, which a resumed run reads back bitwise. */
int TcadOutputWriteStepArray(TcadOutput *out, const char *name, int d0, int d1, const double *data);
/* Read step `step`'s dataset `name` of exactly n values (an error names the file otherwise). */
int TcadOutputReadStepArray(TcadOutput *out, int step, const char *name, double *data, size_t n);
/* A string attribute of the file's root (e.g. the deck's hash); Get gives "" when absent. */
int TcadOutputSetFileAttribute(TcadOutput *out, const char *name, const char *value);
int TcadOutputGetFileAttribute(TcadOutput *out, const char *name, char *buf, size_t n);
/* The root table /NAME: *data (malloc'ed, row-major, NULL when empty or absent). */
int TcadOutputReadTable(TcadOutput *out, const char *name, int *nrows, int *ncols, double **data);
/* Open an existing field file of this mesh to continue its series, with the steps it counts (a
 * step group a kill left half written is removed). */
int TcadOutputReopen(const char *h5path, const char *xdmfpath, const TcadMesh *mesh, TcadOutput **out);
/* The same, read only (a saved solution to load; writing to it is an error). A file whose undo
 * journal (h5path + ".undo") holds records is refused: its writer is at work, or was killed
 * after its last flush (TcadOutputRepair). */
int TcadOutputOpenRead(const char *h5path, const TcadMesh *mesh, TcadOutput **out);
/* A field file its writer was killed writing: undo what the writer wrote after the file's last
 * flush (io/output_undo.c), so that any HDF5 reader can read it; *nrecords: the journal records
 * applied (0: the file needed nothing). TcadOutputReopen does this itself. */
int TcadOutputRepair(const char *h5path, int *nrecords);
/* A step attribute of a reopened file's step (1 and *value when it has one, else 0). */
int TcadOutputStepAttribute(const TcadOutput *out, int step, const char *name, double *value);
/* Keep the first `keep` steps: later ones and the root table /iv go, and the XDMF is written
 * afresh; appending goes on after them. Not flushed: the caller writes /iv again with
 * TcadOutputWriteTable (0 rows too), whose flush takes the file from its old table to the new. */
int TcadOutputTruncate(TcadOutput *out, int keep);
/* Finished steps in the file. */
int TcadOutputGetStepCount(const TcadOutput *out);
#endif
