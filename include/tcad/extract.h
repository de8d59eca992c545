/* The figures of one finished run, read from its output folder (io/extract.c): per gate sweep of
 * its IV table the threshold voltage (constant-current and maximum-transconductance methods), the
 * subthreshold slope and the on- and off-currents, DIBL between the sweeps at the lowest and the
 * highest drain voltage, and what the run's summary.json already holds (breakdown voltage,
 * substrate-current peak, lifetime, hot-carrier gate current, cost). The definitions, and the
 * names extract.json gives them, are in docs/output.md, "Extracted figures".
 *
 * A figure the run does not have is NAN here (null in extract.json): a table without a gate
 * sweep has no threshold voltage, a run without a breakdown step no breakdown voltage. Nothing
 * is estimated where the table does not hold it; a sweep whose figures cannot be told (no drain
 * bias, three contacts carrying the same current) says why in its note. */
#ifndef TCAD_EXTRACT_H
#define TCAD_EXTRACT_H
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TCAD_EXTRACT_NAME_MAX 64  /* a contact name, with its terminating zero */
#define TCAD_EXTRACT_NOTE_MAX 320 /* a sweep's note */

typedef struct {
  /* The constant-current criterion |I_d| = icrit for vt_cc, in the IV table's current unit (A/cm
   * in 2D, A in 3D, A/cm^2 in 1D); 0 or NAN: the default, 0.1 uA per um of gate width (JEDEC
   * JESD28's I_D0 = 0.1 uA for W/L = 1 at W = L = 1 um): 1e-3 A/cm in 2D, 1e-7 A in 3D, none in
   * 1D (vt_cc and ss are then absent). */
  double icrit;
  /* The IV table's file name inside the run folder (the deck's output.iv); NULL: "iv.csv". */
  const char *iv_name;
} TcadExtractOptions;

/* One gate sweep: a solve step of the IV table whose rows move one contact that carries no
 * current. Voltages are the table's contact voltages (so V_t is V_gs when the source is at 0 V);
 * currents are magnitudes, in the table's current unit. */
typedef struct {
  int solve_step; /* the IV table's solve_step of the sweep */
  int points;     /* distinct gate voltages used: the step's rows and the point it started from */
  int polarity;   /* +1: |I_d| rises with V_g (n-channel), -1: it falls (p-channel), 0: not told */
  char gate[TCAD_EXTRACT_NAME_MAX];
  char drain[TCAD_EXTRACT_NAME_MAX];  /* "" when the drain cannot be told (see note) */
  char source[TCAD_EXTRACT_NAME_MAX]; /* "" likewise */
  double vd, vs;                      /* the drain's and the source's voltage (V) */
  double vt_cc;                       /* gate voltage where |I_d| reaches icrit, log-linear between points (V) */
  double vt_gm;                       /* maximum-g_m linear extrapolation minus V_ds/2 (V) */
  double ss;                          /* subthreshold slope (mV/decade) */
  double gm_max, gm_max_vg;           /* the largest g_m between two points (current unit per V) and its gate voltage */
  double ion, ion_vg;                 /* |I_d| at the sweep's on end and its gate voltage */
  double ioff, ioff_vg;               /* |I_d| at V_gs = 0, else at the smallest |V_gs|, and its gate voltage */
  double isub_peak, isub_peak_vg, isub_over_id; /* summary.json's substrate_current entry of this solve step */
  char note[TCAD_EXTRACT_NOTE_MAX];             /* why a figure is absent; "" when none is */
} TcadExtractSweep;

typedef struct {
  char *run_dir, *iv_path, *summary_path; /* owned; the folder, its IV table, its summary.json */
  char current_unit[16];                  /* of the IV table's I(...) columns */
  double icrit;                           /* the criterion used (NAN: none) */
  int rows;                               /* data rows of the IV table */
  int nsweeps;
  TcadExtractSweep *sweeps; /* owned; in the table's order */
  /* The run's figures: vt_cc, vt_gm, ss of the sweep at the lowest |V_ds| (vd_low its V_d), ion
   * and ioff of the sweep at the highest |V_ds| (vd_high), DIBL (mV/V) between the lowest and the
   * highest |V_ds| whose sweeps have a vt_cc (same gate, drain and source). */
  int sweep_low, sweep_high; /* indices into sweeps; -1 when no sweep has a drain */
  double vt_cc, vt_gm, ss, vd_low, dibl, ion, ioff, vd_high;
  /* From summary.json (absent file: has_summary 0, every figure NAN). The substrate-current peak
   * is that of summary.json's entry at the highest V_d (isub_peak_vd). */
  int has_summary;
  char status[16], transport[40], gate_current_model[40];
  double breakdown_voltage, ionization_integral_bv, lifetime;
  double isub_peak, isub_peak_vg, isub_over_id, isub_peak_vd;
  double ig_largest, ig_largest_over_id, ig_worst_case, ig_worst_case_over_id;
  int ig_largest_point, ig_worst_case_point; /* IV table points; -1 when absent */
  double bias_points, newton_iterations, wall_time_s;
} TcadExtract;

/* Read `run_dir`/iv.csv and, when present, `run_dir`/summary.json, and fill *x (which owns what it
 * allocates until TcadExtractFree; *x is overwritten, not freed). opt NULL: the defaults.
 * Errors: a folder or IV table that is missing or unreadable, TCAD_ERR_IO naming it; a malformed
 * table or summary.json, TCAD_ERR_INPUT naming FILE:LINE (and the column). *x holds nothing to
 * free after an error. */
int TcadExtractRun(const char *run_dir, const TcadExtractOptions *opt, TcadExtract *x);
/* Write the figures as JSON (docs/output.md) to `path`: to path.tmp first, then renamed, so a
 * reader never sees half a file. TCAD_ERR_IO naming the file. */
int TcadExtractWriteJson(const TcadExtract *x, const char *path);
/* The figures as a table a person reads. */
void TcadExtractPrint(const TcadExtract *x, FILE *f);
/* Release what *x owns and zero it; NULL-safe. */
void TcadExtractFree(TcadExtract *x);
/* `tcad extract DIR`: extract with the defaults, print to stdout (unless quiet) and write
 * DIR/extract.json. */
int TcadExtractCommand(const char *run_dir, int quiet);

#ifdef __cplusplus
}
#endif
#endif
