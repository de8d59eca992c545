/* Folders for output files (include/tcad/fs.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tcad/error.h"
#include "tcad/fs.h"

/* mkdir one folder: fine when it is there already as a folder */
static int mkdir_one(const char *path)
{
  struct stat sb;
  if (!mkdir(path, 0777)) return 0;
  const int err = errno;
  if (err == EEXIST && !stat(path, &sb) && S_ISDIR(sb.st_mode)) return 0;
  if (err == EEXIST)
    return tcad_error(TCAD_ERR_IO,
                      "cannot create the output folder '%s': a file of that name is in the way; give "
                      "the run another folder (-o DIR) or move the file",
                      path);
  return tcad_error(TCAD_ERR_IO, "cannot create the output folder '%s': %s", path, strerror(err));
}

int tcad_mkdir_p(const char *path)
{
  char *buf = malloc(strlen(path) + 1);
  int e = 0;
  if (!buf) return tcad_error(TCAD_ERR_MEM, "out of memory");
  strcpy(buf, path);
  for (char *p = buf + 1; *p && !e; p++)
    if (*p == '/') {
      *p = 0;
      e = mkdir_one(buf);
      *p = '/';
    }
  if (!e) e = mkdir_one(buf);
  free(buf);
  TCAD_RETURN(e);
}

int tcad_mkdir_parent(const char *file)
{
  char *sub = malloc(strlen(file) + 1);
  if (!sub) return tcad_error(TCAD_ERR_MEM, "out of memory");
  strcpy(sub, file);
  char *slash = strrchr(sub, '/');
  int e = 0;
  if (slash && slash != sub) {
    *slash = 0;
    e = tcad_mkdir_p(sub);
  }
  free(sub);
  TCAD_RETURN(e);
}
