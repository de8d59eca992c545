/* Minimal test protocol shared by all C tests. Each check prints one line:
 *   PASS <name>            FAIL <name>: <why>            SKIP <name>: <why>
 * tests/run.sh counts those lines; a test program that crashes or exits non-zero without a
 * FAIL line counts as one failure. */
#ifndef TCAD_TAP_H
#define TCAD_TAP_H
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

static int tap_failures;

static void tap_check(int ok, const char *name, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4), unused))
#endif
    ;
static void tap_check(int ok, const char *name, const char *fmt, ...)
{
  if (ok) {
    printf("PASS %s\n", name);
  } else {
    va_list ap;
    tap_failures++;
    printf("FAIL %s: ", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
  }
  fflush(stdout);
}

static inline void tap_skip(const char *name, const char *why)
{
  printf("SKIP %s: %s\n", name, why);
  fflush(stdout);
}

/* |a-b| <= rtol*max(|a|,|b|) + atol */
static inline int tap_close(double a, double b, double rtol, double atol)
{
  double s = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
  return fabs(a - b) <= rtol * s + atol;
}

static inline int tap_exit(void) { return tap_failures ? 1 : 0; }
#endif
