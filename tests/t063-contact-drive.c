/* Contacts driven in current and through a series resistance (solver/contacts.c
 * tcad_sim_drive_rows): on small 1D, 2D (a MOSFET: the drain's 11 nodes share one contact
 * voltage) and 3D devices, and a 1D energy-balance device with avalanche generation:
 * - the analytic Jacobian of the drive equations against central finite differences (the
 *   root row spans every unknown the contact current depends on);
 * - the solution satisfies the drive: V + R I = V_applied, I = I_target;
 * - it is the physical solution: an independent simulation of the same device without the
 *   drive's couplings, its contact held at the voltage found, gives the same current (the
 *   voltage-driven solve is the validated path of t051/t053).
 * And a current ramp from no current up six decades, then back through zero into reverse. */
#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "fd_jacobian.h"
#include "kernels/asm.h"
#include "tap.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"
#include "tcad/sim.h"

/* %s: the anode's extra keys; %s: the physics; the decks below add solve steps that prepare a
 * contact for a drive in current */
static const char *deck_1d =
    "mesh:\n  generate:\n    x: [{at: 0, step: 0.05}, {at: 0.5, step: 0.01}, {at: 1, step: 0.05}]\n"
    "regions: [{name: si, material: Si, box: {x: [0, 1]}}]\n"
    "contacts:\n  - {name: anode, type: ohmic, box: {x: [0, 0]}%s}\n  - {name: cathode, type: ohmic, box: {x: [1, "
    "1]}}\n"
    "doping:\n  - {profile: box, species: acceptor, conc: 1e17, box: {x: [0, 0.5]}}\n"
    "  - {profile: box, species: donor, conc: 1e16, box: {x: [0.5, 1]}}\n"
    "physics: {mobility: caughey-thomas, high_field: canali, recombination: [srh, auger]%s}\n";

static const char *deck_2d =
    "mesh:\n  generate:\n    x: [{at: 0, step: 0.05}, {at: 0.6, step: 0.05}]\n"
    "    y: [{at: -0.01, step: 0.005}, {at: 0, step: 0.005}, {at: 0.3, step: 0.05}]\n"
    "regions:\n  - {name: si, material: Si, box: {y: [0, 0.3]}}\n  - {name: ox, material: SiO2, box: {y: [-0.01, 0]}}\n"
    "contacts:\n  - {name: source, type: ohmic, box: {x: [0, 0], y: [0, 0.1]}}\n"
    "  - {name: drain, type: ohmic, box: {x: [0.6, 0.6], y: [0, 0.1]}%s}\n"
    "  - {name: gate, type: gate, workfunction: 4.1, voltage: 1.0, box: {x: [0.15, 0.45], y: [-0.01, -0.01]}}\n"
    "  - {name: bulk, type: ohmic, box: {y: [0.3, 0.3]}}\n"
    "doping:\n  - {profile: uniform, species: acceptor, conc: 1e17}\n"
    "  - {profile: box, species: donor, conc: 1e19, box: {x: [0, 0.15], y: [0, 0.1]}}\n"
    "  - {profile: box, species: donor, conc: 1e19, box: {x: [0.45, 0.6], y: [0, 0.1]}}\n"
    "physics: {mobility: masetti, high_field: canali, recombination: [srh, auger]%s}\n";

static const char *deck_3d =
    "mesh:\n  generate:\n    x: [{at: 0, step: 0.1}, {at: 0.5, step: 0.05}, {at: 1, step: 0.1}]\n"
    "    y: [{at: 0, step: 0.1}, {at: 0.2, step: 0.1}]\n    z: [{at: 0, step: 0.1}, {at: 0.2, step: 0.1}]\n"
    "regions: [{name: si, material: Si, box: {x: [0, 1]}}]\n"
    "contacts:\n  - {name: anode, type: ohmic, box: {x: [0, 0]}%s}\n  - {name: cathode, type: ohmic, box: {x: [1, "
    "1]}}\n"
    "doping:\n  - {profile: box, species: acceptor, conc: 1e18, box: {x: [0, 0.5]}}\n"
    "  - {profile: box, species: donor, conc: 1e17, box: {x: [0.5, 1]}}\n"
    "physics: {mobility: constant, high_field: canali, recombination: [srh, auger]%s}\n";

typedef struct {
  const char *name, *deck, *contact, *physics;
  double resistance; /* contact units */
  double volts;      /* the terminal voltage first applied */
} DriveCase;

static int open_case(const DriveCase *k, int driven, TestDevice *d)
{
  char keys[128], text[4096];
  keys[0] = 0;
  if (driven && k->resistance > 0) snprintf(keys, sizeof keys, ", resistance: %g", k->resistance);
  int n = snprintf(text, sizeof text, k->deck, keys, k->physics);
  /* a sweep in current prepares the contact for its drive (not run here) */
  if (driven)
    snprintf(text + n, sizeof text - (size_t)n, "solve:\n  - sweep: {contact: %s, current: 1, step: 1}\n", k->contact);
  return test_device_open(text, k->name, &d->deck, &d->mesh, &d->geom, &d->sim);
}

/* The current at contact `contact` of the device without the drive, held at `volts`. */
/* Minus the sum of the currents of every contact but c: the current of c as the rest of the
 * device carries it. Those contacts are voltage-driven, so they report their weight-function
 * currents (solver/contacts.c), free of the rounding of the node sum a driven contact reports
 * (its drive equation's: up to 2e-6 of 1e-7 A/cm^2 at 20 V in the energy-balance case). */
static double others_current(const TcadSim *sim, int c)
{
  double sum = 0, i3[3];
  for (int k = 0; k < TcadSimGetContactCount(sim); k++)
    if (k != c) TcadSimGetContactCurrent(sim, k, i3), sum += i3[2];
  return -sum;
}

static int reference_current(const DriveCase *k, double volts, double *cur)
{
  TestDevice d;
  int e = open_case(k, 0, &d);
  const int c = e ? -1 : TcadSimFindContact(d.sim, k->contact);
  if (!e) e = TcadSimBias(d.sim, 1, &c, &volts);
  if (!e) *cur = others_current(d.sim, c);
  test_device_free(&d);
  return e;
}

static void run_case(const DriveCase *k)
{
  TestDevice d;
  char tn[160];
  int e = open_case(k, 1, &d), where;
  snprintf(tn, sizeof tn, "drive.%s.setup", k->name);
  tap_check(!e, tn, "%s", tcad_error_message());
  if (e) goto done;
  const int c = TcadSimFindContact(d.sim, k->contact);
  double cur[3], w;
  if (k->resistance > 0) {
    /* through the resistance: the applied voltage splits into the contact's and R I */
    e = TcadSimBias(d.sim, 1, &c, &k->volts);
    snprintf(tn, sizeof tn, "drive.%s.resistance_solves", k->name);
    tap_check(!e, tn, "%s", tcad_error_message());
    if (e) goto done;
    TcadSimGetContactCurrent(d.sim, c, cur);
    const double v = TcadSimGetContactVoltage(d.sim, c), drop = k->resistance * cur[2];
    snprintf(tn, sizeof tn, "drive.%s.resistance_law", k->name);
    tap_check(fabs(v + drop - k->volts) < 1e-9 * fabs(k->volts) && fabs(drop) > 1e-3 * fabs(k->volts), tn,
              "V %.9g + R I %.9g = %.9g, applied %.9g", v, drop, v + drop, k->volts);
    w = fd_check(d.sim, TCAD_ASM_COUPLED, &where);
    snprintf(tn, sizeof tn, "drive.%s.jacobian_resistance", k->name);
    tap_check(w < 1e-4, tn, "worst scaled error %.3e at entry %d", w, where);
    double iref = 0;
    e = reference_current(k, v, &iref);
    snprintf(tn, sizeof tn, "drive.%s.resistance_vs_voltage_drive", k->name);
    const double iown = others_current(d.sim, c);
    tap_check(!e && fabs(iref - iown) <= 1e-6 * fabs(iref), tn, "driven %.9e, voltage-driven at %.9g V %.9e (%s)", iown,
              v, iref, e ? tcad_error_message() : "ok");
  } else {
    e = TcadSimBias(d.sim, 1, &c, &k->volts);
    snprintf(tn, sizeof tn, "drive.%s.bias", k->name);
    tap_check(!e, tn, "%s", tcad_error_message());
    if (e) goto done;
  }
  /* in current: from the present current to three times it */
  TcadSimGetContactCurrent(d.sim, c, cur);
  const double target = 3.0 * cur[2];
  e = TcadSimBiasCurrent(d.sim, c, target);
  snprintf(tn, sizeof tn, "drive.%s.current_solves", k->name);
  tap_check(!e, tn, "%s", tcad_error_message());
  if (e) goto done;
  TcadSimGetContactCurrent(d.sim, c, cur);
  snprintf(tn, sizeof tn, "drive.%s.current_reached", k->name);
  /* the drive row converges to TCAD_DRIVE_TOL = 1e-6 of the size of its terms (solver/newton.c,
   * docs/deck.md: "to 1e-6"); the last Newton step usually lands far closer (1e-8 here until the
   * Joule force's field limit moved this state: 1.2e-8), which this test must not demand */
  tap_check(fabs(cur[2] - target) <= 1e-6 * fabs(target), tn, "I %.12e, target %.12e", cur[2], target);
  w = fd_check(d.sim, TCAD_ASM_COUPLED, &where);
  snprintf(tn, sizeof tn, "drive.%s.jacobian_current", k->name);
  tap_check(w < 1e-4, tn, "worst scaled error %.3e at entry %d", w, where);
  const double v = TcadSimGetContactVoltage(d.sim, c);
  double iref = 0;
  e = reference_current(k, v, &iref);
  snprintf(tn, sizeof tn, "drive.%s.current_vs_voltage_drive", k->name);
  const double iown = others_current(d.sim, c);
  tap_check(!e && fabs(iref - iown) <= 1e-6 * fabs(iref), tn, "driven %.9e, voltage-driven at %.9g V %.9e (%s)", iown,
            v, iref, e ? tcad_error_message() : "ok");
done:
  test_device_free(&d);
}

/* A ramp in current from the equilibrium (no current) up ten decades, then down through zero
 * to a reverse current: asinh steps keep every point, and the voltage follows the diode law
 * between decades (60 mV per decade for an ideality of 1, within 1 < n < 2). */
static void ramp_through_zero(void)
{
  TestDevice d;
  const DriveCase k = {"1d_ramp", deck_1d, "anode", "", 0.0, 0.0};
  int e = open_case(&k, 1, &d);
  tap_check(!e, "drive.ramp.setup", "%s", tcad_error_message());
  if (e) goto done;
  const int c = TcadSimFindContact(d.sim, "anode");
  double i3[3];
  e = TcadSimBiasCurrent(d.sim, c, 1e-6);
  const double v6 = TcadSimGetContactVoltage(d.sim, c);
  if (!e) e = TcadSimBiasCurrent(d.sim, c, 1e-4);
  const double v4 = TcadSimGetContactVoltage(d.sim, c);
  tap_check(!e, "drive.ramp.forward", "%s", tcad_error_message());
  const double n = (v4 - v6) / (2.0 * TcadSimGetVt(d.sim) * log(10.0));
  tap_check(!e && n > 1.0 && n < 2.0, "drive.ramp.ideality", "V(1e-6) %.5f V(1e-4) %.5f: ideality %.3f", v6, v4, n);
  /* down through zero to a reverse current of the order of the SRH generation current; a
   * terminal current this small is resolved to the rounding floor of the contact sum (about
   * 4e-11 A/cm^2 here, from the 1e17 side's majority flows), so 10 % */
  if (!e) e = TcadSimSweepCurrent(d.sim, c, -5e-10, 0.5, 0, 0);
  TcadSimGetContactCurrent(d.sim, c, i3);
  tap_check(!e && fabs(i3[2] + 5e-10) < 5e-11 && TcadSimGetContactVoltage(d.sim, c) < 0, "drive.ramp.through_zero",
            "I %.6e, V %.5f: %s", i3[2], TcadSimGetContactVoltage(d.sim, c), e ? tcad_error_message() : "ok");
done:
  test_device_free(&d);
}

int main(int argc, char **argv)
{
  TcadInitialize(&argc, &argv, NULL);
  const int go = test_backend_init(argv[0]);
  if (go <= 0) return test_backend_stop(go);
  const DriveCase cases[] = {
      {"1d_current", deck_1d, "anode", "", 0.0, 0.7},
      {"1d_resistance", deck_1d, "anode", "", 0.05, 0.8},
      {"2d_current", deck_2d, "drain", "", 0.0, 1.5},
      {"2d_resistance", deck_2d, "drain", "", 2e3, 1.5},
      {"3d_resistance", deck_3d, "anode", "", 2e5, 0.8},
      /* energy balance, avalanche on, in reverse: the drive sees the temperatures and G */
      {"1d_eb_avalanche", deck_1d, "cathode", ", transport: energy-balance, impact_ionization: vanoverstraeten", 0.0,
       8.0},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    /* the energy-balance case to an update tolerance of 1e-12, both its solves: at 1e-9 its reverse
     * current of 1e-7 A/cm^2 (a sum of edge flows 1e4 times larger, each known to the update)
     * varies by 1e-6 of itself between two converged solutions */
    const int eb = strstr(cases[k].physics, "energy") != NULL;
    if (eb) PetscOptionsSetValue(NULL, "-tcad_update_tol", "1e-12");
    run_case(&cases[k]);
    if (eb) PetscOptionsClearValue(NULL, "-tcad_update_tol");
  }
  ramp_through_zero();
  return tap_exit();
}
