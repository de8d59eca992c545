/* The error state every layer shares (include/tcad/error.h): one message, written where the
 * failure is understood, and the frames it passed through on its way to the caller that
 * reports it. One process, one thread of control: the solver is single-threaded where errors
 * are raised (OpenMP loops and CUDA kernels do not raise). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcad/error.h"

typedef struct {
  const char *file, *func; /* string literals (__FILE__, __func__, PETSc's own) */
  int line;
} Frame;

static char err_msg[4096];
static int err_code;
static Frame err_frames[TCAD_ERROR_MAX_FRAMES];
static int err_nframes; /* frames seen, may exceed the kept ones */

static void push(const char *file, int line, const char *func)
{
  if (err_nframes < TCAD_ERROR_MAX_FRAMES) err_frames[err_nframes] = (Frame){file, func, line};
  err_nframes++;
}

int tcad_error_raise(const char *file, int line, const char *func, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err_msg, sizeof err_msg, fmt, ap);
  va_end(ap);
  err_code = code;
  err_nframes = 0;
  push(file, line, func);
  return code;
}

int tcad_error_frame(const char *file, int line, const char *func, int code)
{
  /* a code that was never raised (a bug: every failure starts in tcad_error) still reports */
  if (!err_code) {
    snprintf(err_msg, sizeof err_msg, "error %d without a message (a failure that was not raised with tcad_error)",
             code);
    err_code = code, err_nframes = 0;
  }
  push(file, line, func);
  return code;
}

int tcad_error_pass(const char *file, int line, const char *func, int code)
{
  return code ? tcad_error_frame(file, line, func, code) : 0;
}

void tcad_error_context(const char *fmt, ...)
{
  char prefix[1024], old[sizeof err_msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  memcpy(old, err_msg, sizeof old);
  /* the combined text is cut at the buffer size; precision bounds keep -Wformat-truncation quiet */
  snprintf(err_msg, sizeof err_msg, "%.1000s: %.3000s", prefix, old);
}

const char *tcad_error_message(void) { return err_msg[0] ? err_msg : "unknown error"; }
int tcad_error_code(void) { return err_code; }
int tcad_error_set_code(int code) { return err_code = code; }
int tcad_error_frame_count(void) { return err_nframes; }

const char *tcad_error_frame_text(int k, char *buf, size_t n)
{
  if (k < 0 || k >= err_nframes || k >= TCAD_ERROR_MAX_FRAMES) {
    snprintf(buf, n, "(frame %d not kept)", k);
    return buf;
  }
  const Frame *f = &err_frames[k];
  snprintf(buf, n, "%s (%s:%d)", f->func ? f->func : "?", f->file ? f->file : "?", f->line);
  return buf;
}

void tcad_error_clear(void)
{
  err_msg[0] = 0;
  err_code = 0;
  err_nframes = 0;
}

void *tcad_calloc_at(const char *file, int line, const char *func, size_t count, size_t size)
{
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) tcad_error_raise(file, line, func, TCAD_ERR_MEM, "out of memory allocating %zu x %zu bytes", count, size);
  return p;
}
