/* Host entry points of the assembly (kernels/assemble_host.c); the CUDA ones are in
 * kernels/cuda.h. */
#ifndef TCAD_KERNELS_ASSEMBLE_H
#define TCAD_KERNELS_ASSEMBLE_H
#include "kernels/asm.h"

/* Residual f (D->bs per node, scaled) and, when jac is not NULL, the Jacobian values (D->nnz, in
 * the CSR layout described in kernels/asm.h); cflux (TCAD_ASM_NCFLUX per node, may be NULL):
 * contact particle currents and energy flows; fmag (D->bs per node, may be NULL): the size of the
 * terms each residual sums (its rounding scale). Everything is overwritten. The edge loop, then
 * the node loop, serially: the sum order is fixed. */
void tcad_asm_host_edges(const TcadAsmData *D, const double *x, double *f, double *jac, double *cflux, double *fmag);
/* The same by rows (tcad_asm_row over the nodes, in parallel with OpenMP when built with it):
 * bitwise equal to tcad_asm_host_edges, the loop the CUDA kernel runs. */
void tcad_asm_host_rows(const TcadAsmData *D, const double *x, double *f, double *jac, double *cflux, double *fmag);
#endif
