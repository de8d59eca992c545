/* Error state shared by every layer: one message, written where the failure is understood. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcad/error.h"

static char tcad_err_msg[4096];
static int tcad_err_code;

int tcad_error(int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(tcad_err_msg, sizeof tcad_err_msg, fmt, ap);
  va_end(ap);
  tcad_err_code = code;
  return code;
}

void tcad_error_context(const char *fmt, ...)
{
  char prefix[1024], old[sizeof tcad_err_msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  memcpy(old, tcad_err_msg, sizeof old);
  /* the combined text is cut at the buffer size; precision bounds keep -Wformat-truncation quiet */
  snprintf(tcad_err_msg, sizeof tcad_err_msg, "%.1000s: %.3000s", prefix, old);
}

const char *tcad_error_message(void) { return tcad_err_msg[0] ? tcad_err_msg : "unknown error"; }
int tcad_error_code(void) { return tcad_err_code; }
void tcad_error_clear(void)
{
  tcad_err_msg[0] = 0;
  tcad_err_code = 0;
}

void *tcad_malloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p) tcad_error(TCAD_ERR_MEM, "out of memory allocating %zu bytes", n);
  return p;
}

void *tcad_calloc(size_t count, size_t size)
{
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) tcad_error(TCAD_ERR_MEM, "out of memory allocating %zu x %zu bytes", count, size);
  return p;
}
