#!/usr/bin/env python3
"""Avalanche breakdown and snapback of the 2D example examples/snapback2d.yaml (a lateral n+pn+,
emitter grounded, substrate grounded through 200 ohm.cm, collector driven): the `breakdown` step
reaches its criterion on a load line, and the `sweep` in current follows the I-V through the
turn-around that no voltage drive can pass.

Checks, each against arithmetic done here on the IV table, or an independent computation:
- the breakdown step reaches its criterion (summary.json), and its voltage is below the breakdown
  voltage of the 1D abrupt n+p junction of the same background doping (5e16), computed here by
  the independent ionization integral of t062 (depletion-approximation field, published van
  Overstraeten-de Man coefficients): the collector's cylindrical edge (and lateral field
  crowding) must lower it, and a graded n+ side would only raise the 1D value;
- every point of the current sweep is at the current asked (monotonic, within 1e-6), and the
  voltage rises to a trigger point and then falls by more than a third (the snapback) while the
  current keeps rising; the trigger is above the knee current 1e-4 A/cm;
- summary.json's current_sweep (trigger and holding voltage and current) is what the IV table
  says, found here from its rows;
- the substrate contact obeys its resistance, V + R I = 0, on every row, and the body under the
  emitter is forward biased (0.6-1 V at the substrate contact) in the holding region: the
  bipolar mechanism, not a numerical fold.

    t064-snapback.py BUILD_DIR
"""
import csv
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import check, status  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("t062", os.path.join(here, "t062-breakdown.py"))
t062 = importlib.util.module_from_spec(spec)
spec.loader.exec_module(t062)

R_SUB = 200.0  # ohm.cm, the deck's substrate resistance


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    root = os.environ.get("TCAD_ROOT", os.path.dirname(here))
    out = tempfile.mkdtemp(prefix="t064-", dir=os.environ.get("TCAD_TEST_TMP"))
    r = subprocess.run([os.path.join(build, "tcad"), "run", os.path.join(root, "examples", "snapback2d.yaml"), "-o",
                        out, "-q"], capture_output=True, text=True)
    if not check(r.returncode == 0, "snapback.runs", f"exit {r.returncode}: {r.stderr[-800:]}"):
        return status()
    s = json.load(open(os.path.join(out, "summary.json")))
    bv = s.get("breakdown_voltage") or 0.0
    ref1d = t062.independent_bv(5e16, t062.alpha_vodm, False)
    check(s.get("breakdown", {}).get("criterion_reached") is True and 0.3 * ref1d < bv < ref1d,
          "snapback.breakdown_below_1d",
          f"2D breakdown voltage {bv:.4g} V (criterion reached: {s.get('breakdown', {}).get('criterion_reached')}), "
          f"1D abrupt n+p 5e16 independent {ref1d:.4g} V")
    rows = list(csv.DictReader(open(os.path.join(out, "iv.csv"))))
    col = lambda r, name: float(next(v for k, v in r.items() if k.split(" ")[0] == name))  # noqa: E731
    vc = [col(r, "V(collector)") for r in rows]
    ic = [col(r, "I(collector)") for r in rows]
    vs = [col(r, "V(substrate)") for r in rows]
    isub = [col(r, "I(substrate)") for r in rows]
    # the sweep: the rows after the criterion current 1e-6 A/cm was first passed
    k0 = next(k for k, i in enumerate(ic) if i >= 1e-6 * (1 - 1e-9))
    sw = range(k0 + 1, len(rows))
    mono = all(ic[k] > ic[k - 1] for k in sw)
    check(mono and abs(ic[-1] / 10.0 - 1) < 1e-6, "snapback.current_sweep",
          f"{len(sw)} points, currents rising: {mono}, last {ic[-1]:.9g} A/cm (asked 10)")
    kt = max(sw, key=lambda k: vc[k])
    vhold = min(vc[k] for k in sw if k > kt) if kt < len(rows) - 1 else vc[kt]
    check(ic[kt] > 1e-4 and vhold < (2.0 / 3.0) * vc[kt], "snapback.turn_around",
          f"trigger {vc[kt]:.4g} V at {ic[kt]:.3g} A/cm, lowest voltage after it {vhold:.4g} V")
    cs = s.get("current_sweep", {})
    check(cs.get("snapback") is True and abs(cs.get("trigger_voltage", 0) - vc[kt]) < 1e-9 * vc[kt]
          and abs(cs.get("trigger_current", 0) - ic[kt]) < 1e-9 * ic[kt]
          and abs(cs.get("holding_voltage", 0) - vhold) < 1e-9 * vhold and cs.get("holding_is_minimum") is False,
          "snapback.summary", f"summary {cs}; from the IV table: trigger {vc[kt]:.9g} V at {ic[kt]:.6g}, lowest after "
          f"it {vhold:.9g} V at the last point")
    worst = max(abs(vs[k] + R_SUB * isub[k]) for k in range(len(rows)))
    check(worst < 1e-9, "snapback.substrate_resistance", f"largest |V + R I| at the substrate {worst:.3g} V")
    check(0.6 < vs[-1] < 1.0, "snapback.body_forward_biased",
          f"substrate contact at {vs[-1]:.4g} V at {ic[-1]:.3g} A/cm")
    print(f"# breakdown {bv:.4g} V (1D abrupt {ref1d:.4g} V), trigger {vc[kt]:.4g} V at {ic[kt]:.3g} A/cm, "
          f"lowest {vhold:.4g} V; {s['cost']['bias_points']} points, {s['cost']['newton_iterations']} Newton "
          f"iterations, {s['cost']['wall_time_s']:.1f} s")
    return status()


if __name__ == "__main__":
    sys.exit(main())
