/* The IV table as a CSV file: one header line, then one line per finished bias point, each
 * flushed as soon as it is appended so a run that dies keeps every finished row. The rows are
 * also kept in memory so the caller can mirror the table into the HDF5 output
 * (TcadOutputWriteTable) without reading the file back.
 *
 * Format: the header is `name [unit],name [unit],...` (just `name` for a column without a
 * unit); values are written with the shortest of %.15g, %.16g, %.17g that reads back as the
 * same double, so every value round-trips exactly through strtod or
 * numpy.loadtxt(path, delimiter=",", skiprows=1); nan and inf are written as "nan", "inf",
 * "-inf", which both accept. */
#ifndef TCAD_IVTABLE_H
#define TCAD_IVTABLE_H

typedef struct TcadIVTable TcadIVTable;

/* Create (truncate) `path` and write the header. Column names must be non-empty; names and
 * units must not contain commas, quotes or line breaks (TCAD_ERR_INPUT, naming the column).
 * `units` may be NULL, or hold NULL entries, for columns without a unit. A file that cannot be
 * created or written gives TCAD_ERR_IO with the path and the system's reason. */
int TcadIVTableOpen(const char *path, int ncols, const char *const *colnames, const char *const *units,
                    TcadIVTable **t);
/* Append one row of ncols values and flush it to the file. The row is kept in memory even when
 * writing it fails (TCAD_ERR_IO), so the HDF5 mirror can still hold it. */
int TcadIVTableAppend(TcadIVTable *t, const double *row);
/* Append in two parts, for a writer that must put the row elsewhere first (the HDF5 mirror):
 * Stage keeps the row in memory only (GetRows includes it), WriteStaged writes every staged
 * row to the file, each in one write() and flushed. Append = Stage + WriteStaged. */
int TcadIVTableStage(TcadIVTable *t, const double *row);
int TcadIVTableWriteStaged(TcadIVTable *t);
/* Number of rows appended so far; *data (if data is not NULL) points to them, row-major
 * rows x ncols, valid until the next Append or Close. */
int TcadIVTableGetRows(const TcadIVTable *t, const double **data);
/* Close the file and free the table; NULL-safe, sets *t to NULL. TCAD_ERR_IO if closing fails. */
int TcadIVTableClose(TcadIVTable **t);
/* Rename the table's file to `path` (it stays open and appended to). */
int TcadIVTableMove(TcadIVTable *t, const char *path);
#endif
