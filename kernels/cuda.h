/* The CUDA backend as seen from C: plain extern "C" functions, no CUDA types. Every function
 * exists in every build; without nvcc they come from cuda_stub.c and report why. */
#ifndef TCAD_KERNELS_CUDA_H
#define TCAD_KERNELS_CUDA_H
#include <stddef.h>

#include "kernels/asm_data.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int compiled;     /* 1 when the CUDA backend was compiled in */
  int ndevices;     /* usable devices (0 when none) */
  int device;       /* the current device (TcadCudaSelectDevice; 0 by default) */
  char name[256];   /* the current device's */
  int major, minor; /* compute capability */
  double memory_gib;
  int runtime_version, driver_version;
  char why[256]; /* when ndevices == 0: the reason (no driver, no device, not built) */
} TcadCudaInfo;

/* Query the CUDA runtime. Never fails: a machine without GPU gives ndevices = 0 and `why`. */
void tcad_cuda_query(TcadCudaInfo *info);
/* Make device `index` the one this process's CUDA work runs on (a batch rank takes rank modulo
 * the device count). TCAD_ERR_CUDA naming the index and the device count when it cannot be. */
int TcadCudaSelectDevice(int index);

/* Evaluate tcad_physics_probe(which, ...) (kernels/physics/probe.h) on device 0 for n points:
 * in has TCAD_PROBE_NIN values per point, out receives TCAD_PROBE_NOUT. */
int TcadCudaPhysicsProbe(int which, int n, const double *in, double *out);

/* A device copy of `bytes` bytes of host memory (benchmarks), and its release. */
int TcadCudaUpload(const void *host, size_t bytes, void **dev);
void TcadCudaRelease(void *dev);

/* Assembly on device 0 (kernels/assemble_cuda.cu). Every host <-> device transfer is its own
 * call and is timed. */
typedef struct TcadCudaAsm TcadCudaAsm;
typedef struct {
  double upload, kernel, download, jac_copy; /* seconds: state up, assembly kernel, residual down,
                                              * Jacobian down (for a CPU linear solver) */
  double matmult;                            /* the Newton MATSHELL's products, vectors up and down */
  long calls;
} TcadCudaTimes;
/* Upload the arrays of D (TCAD_ASM_ARRAYS, once per mesh) and the scalar CSR pattern of the
 * Jacobian. */
int TcadCudaAsmCreate(const TcadAsmData *D, const int *rowptr, const int *col, TcadCudaAsm **c);
void TcadCudaAsmDestroy(TcadCudaAsm **c);
/* Host -> device: the scaled state x and, when not NULL, the contact values (bs per node each). */
int TcadCudaAsmUpload(TcadCudaAsm *c, const double *x, const double *bc_value, TcadCudaTimes *t);
/* Host -> device: the direction of each carrier's current per edge that impact ionization uses
 * (TcadAsmData.edge_dir, 2 per edge), when the solver changes it. */
int TcadCudaAsmUploadDirections(TcadCudaAsm *c, const double *dir, TcadCudaTimes *t);
/* The assembly kernel at the uploaded state with parameters P: the residual, and the Jacobian,
 * contact fluxes and term sizes when asked; the results stay on the device. */
int TcadCudaAsmAssemble(TcadCudaAsm *c, const TcadAsmParams *P, int want_jac, int want_cflux, int want_fmag,
                        TcadCudaTimes *t);
/* Device -> host: the residual of the last assembly, and its contact fluxes and term sizes where
 * not NULL (they must have been asked for). */
int TcadCudaAsmDownload(TcadCudaAsm *c, double *f, double *cflux, double *fmag, TcadCudaTimes *t);
/* Device -> host: the Jacobian values (D->nnz) of the last assembly that made one. */
int TcadCudaAsmJacobianToHost(TcadCudaAsm *c, double *jac, TcadCudaTimes *t);
/* y = J x with the device Jacobian of the last assembly (host vectors, bs × nnodes). */
int TcadCudaAsmMatMult(TcadCudaAsm *c, const double *x, double *y, TcadCudaTimes *t);
/* Device memory held, bytes. */
size_t TcadCudaAsmGetBytes(const TcadCudaAsm *c);
/* Which row kernel assembles (the same arithmetic in each; bench_assembly times them side by side):
 * TCAD_CUDA_ROWS_BS the one instantiated per block size, edge record in registers (default);
 * TCAD_CUDA_ROWS_BOUNDED the same with __launch_bounds__(128, 4): at most 128 registers, for
 * 4 blocks per SM, at the price of some spills at bs 4 and 5;
 * TCAD_CUDA_ROWS_GENERIC the block size read at run time, edge record in local memory. */
typedef enum { TCAD_CUDA_ROWS_BS = 0, TCAD_CUDA_ROWS_BOUNDED = 1, TCAD_CUDA_ROWS_GENERIC = 2 } TcadCudaRows;
#define TCAD_CUDA_ROWS_N 3
int TcadCudaAsmSetRows(TcadCudaAsm *c, TcadCudaRows which);
/* The device Jacobian values of the last assembly (device pointer, D->nnz doubles). */
const double *TcadCudaAsmGetJacobianDevice(const TcadCudaAsm *c);

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
 * analysis once per pattern, refactorization after each setup, iterative refinement, one fresh
 * analysis (with the maximum-product matching) and factorization, then GMRES on the factors, while
 * the true relative residual is above tol (refinement steps and GMRES iterations in *refine_steps). */
int TcadCudaLinHasCudss(const TcadCudaLin *l);
const char *TcadCudaLinGetCudssWhy(const TcadCudaLin *l);
int TcadCudaLinDirect(TcadCudaLin *l, const double *b, double *x, double tol, double *true_rel, int *refine_steps);
/* Nonzeros of the LU factors (first factorization) and perturbed pivots (last one). */
void TcadCudaLinGetDirectInfo(const TcadCudaLin *l, long long *lu_nnz, int *npivots);

#ifdef __cplusplus
}
#endif
#endif
