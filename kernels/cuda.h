/* The CUDA backend as seen from C: plain extern "C" functions, no CUDA types. Every function
 * exists in every build; without nvcc they come from cuda_stub.c and report why. */
#ifndef TCAD_KERNELS_CUDA_H
#define TCAD_KERNELS_CUDA_H
#include <stddef.h>

#include "kernels/asm.h"

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

/* Evaluate tcad_physics_probe(which, ...) (kernels/physics/probe.h) on device 0 for n points:
 * in has TCAD_PROBE_NIN values per point, out receives TCAD_PROBE_NOUT. */
int TcadCudaPhysicsProbe(int which, int n, const double *in, double *out);

/* A device copy of `bytes` bytes of host memory (benchmarks), and its release. */
int TcadCudaUpload(const void *host, size_t bytes, void **dev);
void TcadCudaRelease(void *dev);

/* Drift-diffusion assembly on device 0 (kernels/assemble_cuda.cu). */
typedef struct TcadCudaAsm TcadCudaAsm;
typedef struct {
  double upload, kernel, download, jac_copy; /* seconds: state up, assembly kernel, residual down,
                                              * Jacobian down (the CPU linear solver's copy) */
  long calls;
} TcadCudaTimes;
/* Upload the mesh-constant arrays of D (once per mesh; D->node_edge_start/node_edges needed)
 * and the scalar CSR pattern of the Jacobian. */
int TcadCudaAsmCreate(const TcadAsmData *D, const int *rowptr, const int *col, TcadCudaAsm **c);
void TcadCudaAsmDestroy(TcadCudaAsm **c);
/* Residual f (and cflux, fmag when not NULL) at state x with parameters P and contact values
 * bc_value, all host arrays; with jac not NULL the Jacobian is assembled on the device and,
 * with jac_to_host, copied into jac (D->nnz values). Times accumulate into t (may be NULL). */
int TcadCudaAsmAssemble(TcadCudaAsm *c, const TcadAsmParams *P, const double *bc_value, const double *x, double *f,
                       double *jac, int jac_to_host, double *cflux, double *fmag, TcadCudaTimes *t);
/* y = J x with the device Jacobian of the last assembly (host vectors, 3 × nnodes). */
int TcadCudaAsmMatMult(TcadCudaAsm *c, const double *x, double *y);
/* Device memory held, bytes. */
size_t TcadCudaAsmBytes(const TcadCudaAsm *c);
/* Which row kernel assembles (the same arithmetic in each; bench_assembly times them side by side):
 * TCAD_CUDA_ROWS_BS the one instantiated per block size, edge record in registers (default);
 * TCAD_CUDA_ROWS_BOUNDED the same with __launch_bounds__(128, 4): at most 128 registers, for
 * 4 blocks per SM, at the price of some spills at bs 4 and 5;
 * TCAD_CUDA_ROWS_GENERIC the block size read at run time, edge record in local memory. */
typedef enum { TCAD_CUDA_ROWS_BS = 0, TCAD_CUDA_ROWS_BOUNDED = 1, TCAD_CUDA_ROWS_GENERIC = 2 } TcadCudaRows;
#define TCAD_CUDA_ROWS_N 3
int TcadCudaAsmSetRows(TcadCudaAsm *c, TcadCudaRows which);
/* The device Jacobian values of the last assembly (device pointer, D->nnz doubles). */
const double *TcadCudaAsmJacobianDevice(const TcadCudaAsm *c);
/* Copy them to the host array jac. */
int TcadCudaAsmJacobianToHost(const TcadCudaAsm *c, double *jac);

/* The device linear solver (kernels/linalg/linear_cuda.cu; driven by solver/linear.c): scaling,
 * ILU(0) (cuSPARSE bsrilu02 on the BSR copy), the Krylov ops, cuDSS loaded at run time. */
typedef struct TcadCudaLin TcadCudaLin;
int TcadCudaLinCreate(int bs, int nnodes, const int *rowptr, const int *col, TcadCudaLin **l);
void TcadCudaLinDestroy(TcadCudaLin **l);
/* Scale (kernels/linalg/linear.h kind) the Jacobian `values` (device pointer when on_device, else host)
 * and factor it: `what` is TCAD_CUDA_LIN_ILU (ILU(0) for the Krylov solves) and/or
 * TCAD_CUDA_LIN_DIRECT (cuDSS now; without it, TcadCudaLinDirect factors on first use). Returns 0,
 * TCAD_ERR_CONVERGE on a zero pivot (an ILU block row in *zero_pivot, else -1), or another code. */
enum { TCAD_CUDA_LIN_ILU = 1, TCAD_CUDA_LIN_DIRECT = 2 };
int TcadCudaLinSetup(TcadCudaLin *l, const double *values, int on_device, int scale, int what, int *zero_pivot);
/* Krylov solve of J x = b (host vectors) with options opt (kernels/linalg/krylov_solve.h); the true relative
 * residual (row-equilibrated 2-norm) in *true_rel. */
struct TcadKrylovOpts;
struct TcadKrylovResult;
int TcadCudaLinSolve(TcadCudaLin *l, const struct TcadKrylovOpts *opt, const double *b, double *x,
                     struct TcadKrylovResult *res, double *true_rel);
/* cuDSS: present (the library loads), why not, and a direct solve of J x = b (host vectors):
 * analysis once per pattern, refactorization after each setup, iterative refinement (counted in
 * *refine_steps) and one full refactorization while the true relative residual is above tol. */
int TcadCudaLinHaveCudss(const TcadCudaLin *l);
const char *TcadCudaLinCudssWhy(const TcadCudaLin *l);
int TcadCudaLinDirect(TcadCudaLin *l, const double *b, double *x, double tol, double *true_rel, int *refine_steps);
/* Nonzeros of the LU factors (first factorization) and perturbed pivots (last one). */
void TcadCudaLinDirectInfo(const TcadCudaLin *l, long long *lu_nnz, int *npivots);

#ifdef __cplusplus
}
#endif
#endif
