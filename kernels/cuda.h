/* The CUDA backend as seen from C: plain extern "C" functions, no CUDA types. Every function
 * exists in every build; without nvcc they come from cuda_stub.c and report why. */
#ifndef TCAD_KERNELS_CUDA_H
#define TCAD_KERNELS_CUDA_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int compiled;         /* 1 when the CUDA backend was compiled in */
  int ndevices;         /* usable devices (0 when none) */
  char name[256];       /* device 0 */
  int major, minor;     /* compute capability */
  double memory_gib;
  int runtime_version, driver_version;
  char why[256];        /* when ndevices == 0: the reason (no driver, no device, not built) */
} TcadCudaInfo;

/* Query the CUDA runtime. Never fails: a machine without GPU gives ndevices = 0 and `why`. */
void tcad_cuda_query(TcadCudaInfo *info);

/* Evaluate tcad_bernoulli on device 0 for n points (host arrays in and out); for the
 * host-vs-device physics tests. Returns 0, or an error code with tcad_error_message(). */
int TcadCudaBernoulli(int n, const double *x, double *b, double *dbdx);

#ifdef __cplusplus
}
#endif
#endif
