/* Error reporting: every function that can fail returns an int (0 = success) and, on failure,
 * leaves one human-readable message here. The innermost failure writes the message; callers
 * may prepend context with tcad_error_context(). The CLI prints it once, on stderr. */
#ifndef TCAD_ERROR_H
#define TCAD_ERROR_H
#include <stdarg.h>

enum {
  TCAD_OK = 0,
  TCAD_ERR_USAGE = 2,    /* bad command line */
  TCAD_ERR_INPUT = 3,    /* bad deck: syntax, unknown key, bad value */
  TCAD_ERR_MESH = 4,     /* bad or unreadable mesh */
  TCAD_ERR_IO = 5,       /* file system / HDF5 */
  TCAD_ERR_NOTIMPL = 6,  /* a model or feature that exists in the deck but not yet in the code */
  TCAD_ERR_MEM = 7,
  TCAD_ERR_PETSC = 8,
  TCAD_ERR_CUDA = 9,
  TCAD_ERR_CONVERGE = 10,
  TCAD_ERR_INTERNAL = 11
};

#if defined(__GNUC__)
#define TCAD_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TCAD_PRINTF(a, b)
#endif

/* Record an error and return `code`, so callers write: return tcad_error(TCAD_ERR_INPUT, ...). */
int tcad_error(int code, const char *fmt, ...) TCAD_PRINTF(2, 3);
/* Prepend "context: " to the current message (for adding the file or object name). */
void tcad_error_context(const char *fmt, ...) TCAD_PRINTF(1, 2);
const char *tcad_error_message(void);
int tcad_error_code(void);
void tcad_error_clear(void);

#define TCAD_CALL(expr)          \
  do {                           \
    int tcad_call_e_ = (expr);   \
    if (tcad_call_e_) return tcad_call_e_; \
  } while (0)

/* Allocation helpers that record TCAD_ERR_MEM with the requested size. */
void *tcad_malloc(size_t n);
void *tcad_calloc(size_t count, size_t size);
#define TCAD_ALLOC(ptr, count)                                            \
  do {                                                                    \
    (ptr) = tcad_calloc((size_t)(count) != 0 ? (size_t)(count) : 1, sizeof(*(ptr))); \
    if (!(ptr)) return TCAD_ERR_MEM;                                      \
  } while (0)
#endif
