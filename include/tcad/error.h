/* Errors, the one convention of every layer (core/error.c).
 *
 * A function that can fail returns an int: 0 on success, a positive TCAD_ERR_* code on
 * failure (never a negative one). Where the failure is understood it is raised with
 *     return tcad_error(TCAD_ERR_INPUT, "%s: ...; use ...", where);
 * which records one human-readable message (what went wrong, where, and the fix) and the frame
 * (file:line, function) it was raised in. Each caller that passes the failure on adds its own
 * frame, as PETSc's PetscCall does:
 *     TCAD_CALL(TcadMeshCreateFromDeck(deck, &mesh));            return on failure
 *     TCAD_CALL_GOTO(e, TcadSimCreate(...), cleanup);     release what is held, then return e
 * so the message reaches the user once, with the trace of where it came from (the CLI prints
 * the trace with -tcad_trace, and always for internal, PETSc, CUDA and memory errors). PETSc's
 * own errors enter this state through include/tcad/petsc_error.h with PETSc's message kept.
 * tcad_error_context() puts an outer "what was being done" in front of the message. */
#ifndef TCAD_ERROR_H
#define TCAD_ERROR_H
#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
  TCAD_OK = 0,
  TCAD_ERR_USAGE = 2,   /* bad command line */
  TCAD_ERR_INPUT = 3,   /* bad deck: syntax, unknown key, bad value; bad option */
  TCAD_ERR_MESH = 4,    /* bad or unreadable mesh */
  TCAD_ERR_IO = 5,      /* file system / HDF5 */
  TCAD_ERR_NOTIMPL = 6, /* a model or feature that exists in the deck but not yet in the code */
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

/* Raise: the message and the raising frame replace the previous error; returns code. */
int tcad_error_raise(const char *file, int line, const char *func, int code, const char *fmt, ...) TCAD_PRINTF(5, 6);
#define tcad_error(code, ...) tcad_error_raise(__FILE__, __LINE__, __func__, (code), __VA_ARGS__)
/* Propagate: add the calling frame to the current error's trace; returns code. */
int tcad_error_frame(const char *file, int line, const char *func, int code);

#define TCAD_CALL(expr)                                                                                                \
  do {                                                                                                                 \
    const int tcad_call_e_ = (expr);                                                                                   \
    if (tcad_call_e_) return tcad_error_frame(__FILE__, __LINE__, __func__, tcad_call_e_);                             \
  } while (0)
/* The same for a function that owns resources: the code goes into err, then control to label
 * (the cleanup at the end of the function, which returns err). */
#define TCAD_CALL_GOTO(err, expr, label)                                                                               \
  do {                                                                                                                 \
    if (((err) = (expr)) != 0) {                                                                                       \
      tcad_error_frame(__FILE__, __LINE__, __func__, (err));                                                           \
      goto label;                                                                                                      \
    }                                                                                                                  \
  } while (0)

/* Return e from a function that collected a failure in e without a TCAD_CALL at the failing call
 * (a loop that breaks on the first failure): 0 stays 0, an error gets this frame. */
#define TCAD_RETURN(e) return tcad_error_pass(__FILE__, __LINE__, __func__, (e))
int tcad_error_pass(const char *file, int line, const char *func, int code);

/* Prepend "context: " to the current message (the file, object or step being worked on). */
void tcad_error_context(const char *fmt, ...) TCAD_PRINTF(1, 2);
const char *tcad_error_message(void);
int tcad_error_code(void);
/* Reclassify the current error (a PETSc failure that means a bad mesh); returns code. */
int tcad_error_set_code(int code);
/* The trace of the current error, innermost frame first: how many frames, and frame k as
 * "function (file:line)". Frames beyond TCAD_ERROR_MAX_FRAMES are counted, not kept. */
#define TCAD_ERROR_MAX_FRAMES 48
int tcad_error_frame_count(void);
const char *tcad_error_frame_text(int k, char *buf, size_t n);
void tcad_error_clear(void);

/* Allocation that raises TCAD_ERR_MEM (with the size and the caller's frame) on failure. */
void *tcad_calloc_at(const char *file, int line, const char *func, size_t count, size_t size);
#define tcad_calloc(count, size) tcad_calloc_at(__FILE__, __LINE__, __func__, (count), (size))
#define tcad_malloc(n) tcad_calloc_at(__FILE__, __LINE__, __func__, 1, (n))
/* (ptr) = count zeroed elements, or return TCAD_ERR_MEM from the enclosing function. */
#define TCAD_ALLOC(ptr, count)                                                                                         \
  do {                                                                                                                 \
    (ptr) = tcad_calloc((size_t)(count) != 0 ? (size_t)(count) : 1, sizeof(*(ptr)));                                   \
    if (!(ptr)) return TCAD_ERR_MEM;                                                                                   \
  } while (0)
/* The same for a function with a cleanup label. */
#define TCAD_ALLOC_GOTO(err, ptr, count, label)                                                                        \
  do {                                                                                                                 \
    (ptr) = tcad_calloc((size_t)(count) != 0 ? (size_t)(count) : 1, sizeof(*(ptr)));                                   \
    if (!(ptr)) {                                                                                                      \
      (err) = TCAD_ERR_MEM;                                                                                            \
      goto label;                                                                                                      \
    }                                                                                                                  \
  } while (0)

#ifdef __cplusplus
}
#endif
#endif
