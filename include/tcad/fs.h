/* Folders for output files (core/fs.c). */
#ifndef TCAD_FS_H
#define TCAD_FS_H
/* Make the folder `path` and the folders above it; one already there as a folder is fine, a
 * file in the way is TCAD_ERR_IO with a message that says so. */
int tcad_mkdir_p(const char *path);
/* The same for the folder that the file `file` goes into (nothing for a bare name). */
int tcad_mkdir_parent(const char *file);
#endif
