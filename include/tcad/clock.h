/* Monotonic wall clock (core/clock.c), seconds, for timings and progress lines. */
#ifndef TCAD_CLOCK_H
#define TCAD_CLOCK_H
#ifdef __cplusplus
extern "C" {
#endif
double tcad_now(void);
#ifdef __cplusplus
}
#endif
#endif
