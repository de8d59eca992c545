/* Physical constants (CODATA 2018 exact SI values), in the TCAD unit system: cm, s, V, K. */
#ifndef TCAD_PHYSICS_CONSTANTS_H
#define TCAD_PHYSICS_CONSTANTS_H
#define TCAD_Q 1.602176634e-19        /* elementary charge, C */
#define TCAD_KB 1.380649e-23          /* Boltzmann constant, J/K */
#define TCAD_EPS0 8.8541878128e-14    /* vacuum permittivity, F/cm */
#define TCAD_KB_EV (TCAD_KB / TCAD_Q) /* eV/K */
#endif
